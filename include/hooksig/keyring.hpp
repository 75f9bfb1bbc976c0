// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Rotation with grace periods: a keyring of secrets, each valid for a window
/// of time, that senders sign with and receivers verify against.
///
/// Rules (times are Unix seconds from the ring's clock):
/// - A key is *active at t* when `not_before <= t < not_after` (no `not_after`:
///   no end). `not_after` is the first second the key is dead.
/// - A receiver accepts a delivery under a key active both at the delivery's
///   signed timestamp and at now (schemes without a timestamp: at now). The
///   key that matched is reported by its key id; the newest key is tried first.
///   When no key is active for the delivery the error is errc::no_active_key;
///   when some key is active but none matches, errc::no_matching_signature.
/// - A sender signs with the keys active at the timestamp it signs and at now:
///   every one (newest first) for schemes that carry several signatures, the
///   newest one (the primary) for schemes with room for one.
/// - rotate(new, grace) puts `new` first with `not_before = now` and gives every
///   older key `not_after = min(its not_after, now + grace)`: never extended;
///   grace 0 ends them at once. Keys expired at now are dropped (their bytes
///   are zeroized when the last snapshot holding them goes away).
///
/// Concurrency: readers (keyring_verifier, keyring_signer, entries()) take an
/// immutable snapshot (a shared_ptr copy) and never wait for a writer's work;
/// writers (rotate, add, assign, prune) build a new snapshot under a
/// writers-only mutex and publish it by swapping the pointer. The copy and the
/// swap hold the ring's own spinlock for those few instructions only (what
/// libstdc++'s std::atomic_load/store on a shared_ptr do with a pooled mutex,
/// for less: 17.9 -> 13.4 ns per snapshot); the previous snapshot is
/// released, and its keys zeroized if it was the last holder, outside it.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "clock.hpp"
#include "ct.hpp"
#include "error.hpp"
#include "headers.hpp"
#include "hmac.hpp"
#include "scheme.hpp"
#include "secret.hpp"
#include "signer.hpp"
#include "timestamp.hpp"
#include "verifier.hpp"

namespace hooksig {

/// Most keys a ring holds at once (after dropping expired ones). Bounds the
/// MACs one verification may compute; errc::keyring_full beyond it.
inline constexpr std::size_t keyring_max_keys = 8;

/// Longest grace rotate() accepts: 7 days, the longest any provider offers
/// (Svix, Revolut). An old secret must not live forever.
inline constexpr std::chrono::seconds keyring_max_grace{7 * 24 * 3600};

/// Length of a key id (secret::key_id()): 12 lower-case hex characters.
inline constexpr std::size_t key_id_size = 12;

/// When a key may be used: from `not_before` (inclusive) to `not_after`
/// (exclusive; none means no end), in Unix seconds.
struct key_window {
    unix_seconds not_before = 0;           ///< first second the key is active
    std::optional<unix_seconds> not_after; ///< first second the key is dead; empty: never

    /// True when the key is active at `t`: not_before <= t < not_after.
    constexpr bool contains(unix_seconds t) const noexcept {
        return not_before <= t && (!not_after || t < *not_after);
    }
    /// True when no second lies in the window (not_after <= not_before).
    constexpr bool empty() const noexcept { return not_after && *not_after <= not_before; }
};

/// Where a key stands at some moment.
enum class key_state {
    pending, ///< not yet active (now < not_before)
    active,  ///< active now
    expired, ///< dead (not_after <= now)
};

/// The state of a key with window `w` at time `now`.
constexpr key_state state_at(const key_window& w, unix_seconds now) noexcept {
    if (w.not_after && *w.not_after <= now) return key_state::expired;
    if (now < w.not_before) return key_state::pending;
    return key_state::active;
}

/// A secret with its window: what add() and assign() take and entries() and
/// the keyring file hold.
struct key_entry {
    secret key;        ///< the secret (whsec_ or text kind)
    key_window window; ///< when it is active
};

/// The outcome of a keyring verification: verify_result plus the id of the
/// key that matched, so operators can see when an old key stops being used.
/// `key_index` is the key's position in the ring at that moment (0 = newest);
/// the key id is the stable name.
struct keyring_verify_result : verify_result {
    char matched_id[key_id_size] = {}; ///< the matching key's id (valid on success)

    /// The matching key's id on success (12 hex characters), empty otherwise.
    /// Points into this object.
    std::string_view key_id() const noexcept {
        return error ? std::string_view() : std::string_view(matched_id, key_id_size);
    }
};

namespace detail {

/// Holds a spinlock for a few instructions (a shared_ptr copy or swap).
class spin_guard {
public:
    explicit spin_guard(std::atomic_flag& lock) noexcept : lock_(lock) {
        while (lock_.test_and_set(std::memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
    }
    ~spin_guard() { lock_.clear(std::memory_order_release); }
    spin_guard(const spin_guard&) = delete;
    spin_guard& operator=(const spin_guard&) = delete;

private:
    std::atomic_flag& lock_;
};

/// A key's immutable material, shared by every snapshot that holds the key.
/// The secret and the prepared HMAC states live in zeroizing memory.
struct keyring_material {
    explicit keyring_material(const secret& s) : key(s), prepared(s.key_data(), s.key_size()) {
        const std::string text = s.key_id();
        std::memcpy(id, text.data(), key_id_size);
    }
    secret key;           ///< the secret itself (for saving the ring)
    hmac_key prepared;    ///< its prepared HMAC states (for the hot path)
    char id[key_id_size]; ///< its key id
};

/// One key of a snapshot: shared material plus this snapshot's window.
struct keyring_slot {
    std::shared_ptr<const keyring_material> material; ///< never null
    key_window window;                                ///< when it is active
};

/// An immutable state of a ring, newest key first.
struct keyring_state {
    std::vector<keyring_slot> slots; ///< newest (primary) first
};

/// Whether a key may sign or verify a delivery signed at `signed_at`, at `now`.
constexpr bool key_usable(const key_window& w, unix_seconds signed_at, unix_seconds now) noexcept {
    return w.contains(signed_at) && w.contains(now);
}

/// `now + grace` without overflow (saturates at the largest value).
constexpr unix_seconds add_saturating(unix_seconds now, std::chrono::seconds grace) noexcept {
    const auto g = static_cast<unix_seconds>(grace.count());
    return now > std::numeric_limits<unix_seconds>::max() - g ? std::numeric_limits<unix_seconds>::max() : now + g;
}

} // namespace detail

/// A keyring: secrets with validity windows, rotated with grace periods.
///
/// Build one, fill it with rotate(), add() or assign() (or load_keyring() from
/// keyring_file.hpp), and hand it to keyring_verifier / keyring_signer. Writers
/// may run on any thread while verifications run on others (see the file
/// comment). Not copyable: share it by reference.
///
/// @tparam Clock anything with `unix_seconds now() const` (thread-safe when
///         writers and readers run on different threads); wall_clock by default.
template <class Clock = wall_clock>
class keyring {
public:
    /// An empty ring reading time from `clock`.
    explicit keyring(Clock clock = {}) : clock_(std::move(clock)), state_(std::make_shared<const detail::keyring_state>()) {}
    keyring(const keyring&) = delete;
    keyring& operator=(const keyring&) = delete;

    /// Makes `key` the primary now (`not_before = now`, no end) and ends every
    /// older key at `min(its not_after, now + grace)`; grace 0 ends them at
    /// once. Drops keys expired at now. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for a
    ///         grace below 0 or above keyring_max_grace; errc::duplicate_key when
    ///         the ring holds this secret already; errc::keyring_full when the
    ///         ring would exceed keyring_max_keys live keys.
    [[nodiscard]] std::error_code rotate(const secret& key, std::chrono::seconds grace) noexcept {
        if (key.empty()) return errc::no_keys;
        if (grace.count() < 0 || grace > keyring_max_grace) return errc::invalid_argument;
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            if (const auto failed = check_duplicate(key, slots)) return failed;
            const unix_seconds end = detail::add_saturating(now, grace);
            for (detail::keyring_slot& s : slots)
                if (!s.window.not_after || *s.window.not_after > end) s.window.not_after = end;
            drop_expired(slots, now); // grace 0 frees room before the cap is checked
            if (slots.size() >= keyring_max_keys) return errc::keyring_full;
            slots.insert(slots.begin(), {std::make_shared<const detail::keyring_material>(key), {now, std::nullopt}});
            return {};
        });
    }

    /// Adds `key` with its own window (a secret received from a provider, or
    /// one staged to start later) as the newest key; other keys are unchanged.
    /// Drops keys expired at now. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for an
    ///         empty window or one already over at now; errc::duplicate_key;
    ///         errc::keyring_full.
    [[nodiscard]] std::error_code add(const secret& key, key_window window) noexcept {
        if (key.empty()) return errc::no_keys;
        if (window.empty()) return errc::invalid_argument;
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            if (state_at(window, now) == key_state::expired) return errc::invalid_argument;
            if (const auto failed = check_duplicate(key, slots)) return failed;
            if (slots.size() >= keyring_max_keys) return errc::keyring_full;
            slots.insert(slots.begin(), {std::make_shared<const detail::keyring_material>(key), window});
            return {};
        });
    }

    /// Replaces the whole ring with `entries` (newest first), as when reloading
    /// a keyring file; entries expired at now are dropped. Readers see either the
    /// old ring or the new one. Allocates.
    /// @return errc::no_keys for an empty secret; errc::invalid_argument for an
    ///         empty window; errc::duplicate_key; errc::keyring_full. The ring is
    ///         unchanged on error.
    [[nodiscard]] std::error_code assign(const std::vector<key_entry>& entries) noexcept {
        return update([&](unix_seconds now, std::vector<detail::keyring_slot>& slots) -> std::error_code {
            std::vector<detail::keyring_slot> fresh;
            for (const key_entry& e : entries) {
                if (e.key.empty()) return errc::no_keys;
                if (e.window.empty()) return errc::invalid_argument;
                for (const key_entry& other : entries)
                    if (&other != &e && other.key == e.key) return errc::duplicate_key;
                if (state_at(e.window, now) == key_state::expired) continue;
                if (fresh.size() == keyring_max_keys) return errc::keyring_full;
                fresh.push_back({std::make_shared<const detail::keyring_material>(e.key), e.window});
            }
            slots = std::move(fresh);
            return {};
        });
    }

    /// Drops the keys expired at now. Allocates when something is dropped.
    /// @return success, or std::errc::not_enough_memory.
    [[nodiscard]] std::error_code prune() noexcept {
        return update([](unix_seconds, std::vector<detail::keyring_slot>&) { return std::error_code(); });
    }

    /// A copy of the keys (secrets included), newest first, without dropping
    /// expired ones: for saving or listing the ring. Allocates.
    std::vector<key_entry> entries() const {
        const auto state = snapshot();
        std::vector<key_entry> out;
        out.reserve(state->slots.size());
        for (const detail::keyring_slot& s : state->slots) out.push_back({s.material->key, s.window});
        return out;
    }

    /// Number of keys held (expired ones not yet dropped included).
    std::size_t size() const noexcept { return snapshot()->slots.size(); }

    /// The ring's clock. Changing a clock's time is not synchronised with
    /// other threads; inject a thread-safe clock for concurrent use.
    Clock& clock() noexcept { return clock_; }
    /// The ring's clock.
    const Clock& clock() const noexcept { return clock_; }

    /// The current immutable state, for keyring_verifier and keyring_signer.
    /// A shared_ptr copy under the ring's spinlock; never waits for a writer's
    /// work (only for its pointer swap); no allocation.
    std::shared_ptr<const detail::keyring_state> snapshot() const noexcept {
        const detail::spin_guard guard(state_lock_);
        return state_;
    }

private:
    /// Returns errc::duplicate_key when `slots` hold `key` already.
    static std::error_code check_duplicate(const secret& key, const std::vector<detail::keyring_slot>& slots) noexcept {
        for (const detail::keyring_slot& s : slots)
            if (s.material->key == key) return errc::duplicate_key;
        return {};
    }

    /// Whether a slot can still be active at or after `now`.
    static bool live(const detail::keyring_slot& s, unix_seconds now) noexcept {
        return state_at(s.window, now) != key_state::expired && !s.window.empty();
    }

    /// Removes the slots that can never be active again.
    static void drop_expired(std::vector<detail::keyring_slot>& slots, unix_seconds now) noexcept {
        slots.erase(std::remove_if(slots.begin(), slots.end(), [now](const auto& s) { return !live(s, now); }),
                    slots.end());
    }

    /// The one write path: under the writers' mutex, copy the slots minus the
    /// keys expired at now, let `change` edit them, drop what expired again,
    /// and publish the result. Nothing is published when `change` fails.
    template <class Change>
    std::error_code update(Change&& change) noexcept {
        try {
            const std::lock_guard<std::mutex> lock(writers_);
            const unix_seconds now = clock_.now();
            // Only writers change state_, and they hold writers_: read it directly.
            const std::shared_ptr<const detail::keyring_state> current = state_;
            std::vector<detail::keyring_slot> slots;
            slots.reserve(current->slots.size() + 1);
            for (const detail::keyring_slot& s : current->slots)
                if (live(s, now)) slots.push_back(s);
            if (const std::error_code failed = change(now, slots)) return failed;
            drop_expired(slots, now);
            auto next = std::make_shared<detail::keyring_state>();
            next->slots = std::move(slots);
            std::shared_ptr<const detail::keyring_state> previous(std::move(next));
            {
                const detail::spin_guard guard(state_lock_);
                state_.swap(previous);
            }
            return {}; // `previous` (and `current`) released here, outside the spinlock
        } catch (const std::bad_alloc&) {
            return std::make_error_code(std::errc::not_enough_memory);
        } catch (const std::system_error& e) { // std::mutex::lock
            return e.code();
        }
    }

    Clock clock_;
    std::mutex writers_;
    mutable std::atomic_flag state_lock_ = ATOMIC_FLAG_INIT; // guards copies and swaps of state_
    std::shared_ptr<const detail::keyring_state> state_;
};

/// Verifies deliveries of one wire scheme against a keyring's keys at the
/// moment of each call: rotations on other threads take effect for the next
/// verification without blocking this one. verify() is const, noexcept, and
/// makes no heap allocation (one atomic shared_ptr copy per call).
/// The ring must outlive the verifier.
template <class Scheme, class Clock = wall_clock>
class keyring_verifier {
public:
    /// Verifies against `ring` with `options` for `scheme`.
    explicit keyring_verifier(const keyring<Clock>& ring, verify_options options = {}, Scheme scheme = {})
        : ring_(ring), scheme_(std::move(scheme)), options_(options) {
        (void)detail::thread_scratch_state(); // the constructing thread never allocates in verify()
    }

    /// Verifies `body` (the raw request bytes) against `headers` at the ring's now.
    /// @return success with key_id() / key_index of the matching key, or the
    ///         errors of verifier::verify, or errc::no_active_key when no key of
    ///         the ring is active at both the delivery's timestamp and now.
    template <class Headers>
    [[nodiscard]] keyring_verify_result verify(const Headers& headers, std::string_view body) const noexcept {
        return verify(headers, body, ring_.clock().now());
    }

    /// Verifies as if the time were `now` (Unix seconds).
    template <class Headers>
    [[nodiscard]] keyring_verify_result verify(const Headers& headers, std::string_view body,
                                               unix_seconds now) const noexcept {
        const auto state = ring_.snapshot();
        const std::vector<detail::keyring_slot>& slots = state->slots;
        keyring_verify_result result;
        static_cast<verify_result&>(result) = detail::verify_delivery(
            scheme_, headers, body, now, options_.tolerance, slots.size(),
            [&](std::size_t i, unix_seconds signed_at) -> const hmac_key* {
                return detail::key_usable(slots[i].window, signed_at, now) ? &slots[i].material->prepared : nullptr;
            });
        if (!result.error) std::memcpy(result.matched_id, slots[result.key_index].material->id, key_id_size);
        return result;
    }

    /// The scheme this verifier reads.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    const keyring<Clock>& ring_;
    Scheme scheme_;
    verify_options options_;
};

/// Signs deliveries of one wire scheme with a keyring's keys at the moment of
/// each call: with every key active at the signed timestamp and at now (newest
/// first) when the scheme carries several signatures, else with the newest
/// such key (the primary). The ring must outlive the signer.
template <class Scheme, class Clock = wall_clock>
class keyring_signer {
public:
    /// Signs with `ring`'s keys for `scheme`.
    explicit keyring_signer(const keyring<Clock>& ring, Scheme scheme = {}) : ring_(ring), scheme_(std::move(scheme)) {}

    /// Signs `body` (raw bytes) at the ring's now and writes the headers to send.
    /// @return errc::no_active_key when no key is active; errc::invalid_argument
    ///         for an unusable id or timestamp; errc::rng_failure.
    [[nodiscard]] std::error_code sign(std::string_view body, const sign_options& options,
                                       std::vector<header>& out) const {
        return sign(body, options, out, ring_.clock().now());
    }

    /// Signs as if the time were `now`; the signed timestamp defaults to `now`.
    [[nodiscard]] std::error_code sign(std::string_view body, const sign_options& options, std::vector<header>& out,
                                       unix_seconds now) const {
        const auto state = ring_.snapshot();
        return detail::sign_delivery(scheme_, body, options, now, state->slots.size(),
                                     [&](std::size_t i, unix_seconds signed_at) -> const hmac_key* {
                                         const detail::keyring_slot& s = state->slots[i];
                                         return detail::key_usable(s.window, signed_at, now) ? &s.material->prepared
                                                                                             : nullptr;
                                     },
                                     out);
    }

    /// Throwing form of sign() at the ring's now, for code that prefers exceptions.
    std::vector<header> sign(std::string_view body, const sign_options& options = {}) const {
        std::vector<header> out;
        detail::throw_if(sign(body, options, out));
        return out;
    }

    /// The scheme this signer writes.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    const keyring<Clock>& ring_;
    Scheme scheme_;
};

} // namespace hooksig
