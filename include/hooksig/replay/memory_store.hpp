// hooksig — webhook signing and verification. MIT License.
#pragma once

/// An in-process store for replay_guard: bounded memory, thread-safe, O(1)
/// per check. For one receiver process; receivers behind a load balancer need
/// a shared store (redis_store.hpp).
///
/// Layout: a ring of `capacity` fixed 32-byte slots in insertion order plus a
/// chained hash index of 4-byte bucket heads (a power of two >= capacity).
/// Each slot keeps a 128-bit SHA-256 fingerprint of the key, not the key, so an
/// entry costs the same whatever the key's length: 36 to 40 bytes, all
/// reserved when the store is built. Two distinct keys share a fingerprint
/// with probability about n^2 / 2^129 (n entries held): below 10^-26 at a
/// million entries.
///
/// When the ring is full the oldest slot is reused (oldest evicted first).
/// Evicting an entry before its TTL ran out re-opens a replay window for that
/// id; early_evictions() counts those and stats() adds how long the last one
/// had been held and the age of the oldest entry, so size the capacity above
/// the number of deliveries expected within one TTL (delivery rate x TTL).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../clock.hpp"
#include "../error.hpp"
#include "replay_guard.hpp"

namespace hooksig {

/// A bounded, thread-safe, in-memory replay store (see the file comment).
///
/// @tparam Clock anything with `unix_seconds now() const` (wall_clock by default)
template <class Clock = wall_clock>
class memory_store {
public:
    /// Entries held unless the constructor is told otherwise (about 4 MB).
    static constexpr std::size_t default_capacity = 100000;
    /// Largest capacity (slot indices are 32-bit).
    static constexpr std::size_t max_capacity = std::size_t{1} << 31;

    /// Reserves room for `capacity` entries (slots and hash index, allocated
    /// here and never again). Throws hooksig::error(errc::invalid_argument)
    /// unless 1 <= capacity <= max_capacity; std::bad_alloc.
    explicit memory_store(std::size_t capacity = default_capacity, Clock clock = {})
        : clock_(std::move(clock)), capacity_(capacity), epoch_(clock_.now()) {
        if (capacity < 1 || capacity > max_capacity) throw error(errc::invalid_argument);
        std::size_t buckets = 1;
        while (buckets < capacity) buckets <<= 1;
        buckets_.assign(buckets, none);
        mask_ = buckets - 1;
        slots_.reserve(capacity);
    }

    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;

    /// Records `key` for `ttl` unless it is held and unexpired (see the store
    /// interface in replay_guard.hpp). Never allocates; O(1) expected.
    /// @return errc::invalid_argument for a ttl under 1 s; otherwise success.
    std::error_code insert(std::string_view key, std::chrono::seconds ttl, bool& inserted) noexcept {
        inserted = false;
        if (ttl.count() < 1) return errc::invalid_argument;
        fingerprint fp;
        make_fingerprint(key, fp);
        const std::lock_guard<std::mutex> lock(mutex_);
        const unix_seconds now = clock_.now();
        if (const std::uint32_t found = find(fp); found != none) {
            if (slots_[found].expires > now) return {};
            unlink(found); // expired: record it afresh at the ring's head
        }
        add(fp, now, ttl);
        inserted = true;
        return {};
    }

    /// Makes `key` expire `ttl` from now, recording it when absent or expired
    /// (the optional `extend` of the store interface: replay_guard::commit()).
    /// A held entry keeps its place in the ring. Never allocates; O(1) expected.
    /// @return errc::invalid_argument for a ttl under 1 s; otherwise success.
    std::error_code extend(std::string_view key, std::chrono::seconds ttl) noexcept {
        if (ttl.count() < 1) return errc::invalid_argument;
        fingerprint fp;
        make_fingerprint(key, fp);
        const std::lock_guard<std::mutex> lock(mutex_);
        const unix_seconds now = clock_.now();
        if (const std::uint32_t found = find(fp); found != none) {
            if (slots_[found].expires > now) {
                slots_[found].expires = expiry(now, ttl);
                return {};
            }
            unlink(found); // expired: record it afresh at the ring's head
        }
        add(fp, now, ttl);
        return {};
    }

    /// Forgets `key` (see the store interface). Never fails.
    std::error_code erase(std::string_view key) noexcept {
        fingerprint fp;
        make_fingerprint(key, fp);
        const std::lock_guard<std::mutex> lock(mutex_);
        if (const std::uint32_t found = find(fp); found != none) unlink(found);
        return {};
    }

    /// Entries held, expired ones included until their slot is reused.
    std::size_t size() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return size_;
    }

    /// Most entries held at once.
    std::size_t capacity() const noexcept { return capacity_; }

    /// Entries evicted before their TTL ran out because the store was full
    /// (each re-opens a replay window): keep this at zero by sizing capacity.
    std::uint64_t early_evictions() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return early_evictions_;
    }

    /// The eviction report (see replay_store_stats; replay_guard::store_stats()
    /// returns it). O(1), or up to O(capacity) to find the oldest live entry
    /// after many erase() calls.
    replay_store_stats stats() const noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        const unix_seconds now = clock_.now();
        replay_store_stats out;
        out.early_evictions = early_evictions_;
        out.last_early_eviction_age = std::chrono::seconds(last_early_eviction_age_);
        out.size = size_;
        out.capacity = capacity_;
        // Slots are written in ring order: the oldest is at head_ once the ring is full, else at 0.
        const std::size_t start = slots_.size() == capacity_ ? head_ : 0;
        for (std::size_t k = 0; k < slots_.size(); ++k) {
            const slot& s = slots_[(start + k) % slots_.size()];
            if (!s.live) continue;
            out.oldest_age = std::chrono::seconds(age_of(s, now));
            break;
        }
        return out;
    }

    /// Bytes reserved for entries and index (excluding this object itself).
    std::size_t memory_bytes() const noexcept {
        return capacity_ * sizeof(slot) + buckets_.size() * sizeof(std::uint32_t);
    }

private:
    static constexpr std::uint32_t none = 0xFFFFFFFFu;

    struct fingerprint {
        std::uint8_t bytes[16];
    };
    struct slot {
        std::uint8_t fp[16];    // first 128 bits of SHA-256(key)
        unix_seconds expires;   // Unix seconds; the entry is live while now < expires
        std::uint32_t next;     // next slot in the same bucket, or none
        std::uint32_t live;     // 0: not in the index; else 1 + seconds from epoch_ to its recording
    };
    static_assert(sizeof(slot) == 32, "a slot is 32 bytes");

    /// Records `fp` for `ttl` at the ring's head, evicting the oldest slot
    /// when the ring is full (under mutex_; `fp` is not held).
    void add(const fingerprint& fp, unix_seconds now, std::chrono::seconds ttl) noexcept {
        const std::uint32_t index = static_cast<std::uint32_t>(head_);
        if (head_ == slots_.size()) {
            slots_.emplace_back(); // within the reserved capacity: never reallocates
        } else if (slots_[index].live) {
            if (slots_[index].expires > now) {
                ++early_evictions_;
                last_early_eviction_age_ = age_of(slots_[index], now);
            }
            unlink(index);
        }
        slot& s = slots_[index];
        std::memcpy(s.fp, fp.bytes, sizeof s.fp);
        s.expires = expiry(now, ttl);
        s.live = recorded_at(now);
        std::uint32_t& bucket = buckets_[bucket_of(fp)];
        s.next = bucket;
        bucket = index;
        ++size_;
        head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
    }

    /// `now + ttl`, saturating.
    static unix_seconds expiry(unix_seconds now, std::chrono::seconds ttl) noexcept {
        const unix_seconds limit = std::numeric_limits<unix_seconds>::max();
        return now > limit - ttl.count() ? limit : now + ttl.count();
    }

    static void make_fingerprint(std::string_view key, fingerprint& out) noexcept {
        std::uint8_t digest[detail::sha256_digest_size];
        detail::sha256(key, digest);
        std::memcpy(out.bytes, digest, sizeof out.bytes);
    }

    std::size_t bucket_of(const std::uint8_t* fp) const noexcept {
        std::uint64_t h = 0;
        for (int i = 0; i < 8; ++i) h = (h << 8) | fp[i];
        return static_cast<std::size_t>(h) & mask_;
    }
    std::size_t bucket_of(const fingerprint& fp) const noexcept { return bucket_of(fp.bytes); }

    std::uint32_t find(const fingerprint& fp) const noexcept {
        for (std::uint32_t i = buckets_[bucket_of(fp)]; i != none; i = slots_[i].next)
            if (std::memcmp(slots_[i].fp, fp.bytes, sizeof fp.bytes) == 0) return i;
        return none;
    }

    /// The `live` mark for an entry recorded at `now`: never 0, saturating.
    std::uint32_t recorded_at(unix_seconds now) const noexcept {
        const unix_seconds since = now > epoch_ ? now - epoch_ : 0;
        return since >= 0xFFFFFFFEll ? 0xFFFFFFFFu : static_cast<std::uint32_t>(since + 1);
    }

    /// Seconds `s` has been held at `now` (0 if the clock went back).
    unix_seconds age_of(const slot& s, unix_seconds now) const noexcept {
        const unix_seconds recorded = epoch_ + static_cast<unix_seconds>(s.live) - 1;
        return now > recorded ? now - recorded : 0;
    }

    void unlink(std::uint32_t index) noexcept {
        std::uint32_t* link = &buckets_[bucket_of(slots_[index].fp)];
        while (*link != index) link = &slots_[*link].next;
        *link = slots_[index].next;
        slots_[index].live = 0;
        slots_[index].next = none;
        --size_;
    }

    mutable std::mutex mutex_;
    Clock clock_;
    std::size_t capacity_;
    std::size_t mask_ = 0;
    std::size_t head_ = 0; // next slot to write; the oldest entry once the ring is full
    std::size_t size_ = 0;
    unix_seconds epoch_; // the clock at construction: `live` counts seconds from it
    std::uint64_t early_evictions_ = 0;
    unix_seconds last_early_eviction_age_ = 0;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> buckets_;
};

} // namespace hooksig
