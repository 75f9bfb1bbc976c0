// hooksig — webhook signing and verification. MIT License.
//
// The replay guard's in-memory store and key builder, whose input is the
// delivery id a sender chose. A program of operations is read from the input
// and run against memory_store (hash index of fingerprints over a ring) and a
// plain model (linear search over the same ring); every answer, size() and
// early_evictions() must agree. make_replay_key is checked against a reference
// built with Botan's SHA-256.
//
// Input: capacity byte (1..8 slots), then operations: an opcode byte (insert,
// erase or extend, advance the clock, build a key) followed by its argument bytes.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <botan/hash.h>

#include <hooksig/replay/memory_store.hpp>
#include <hooksig/replay/replay_guard.hpp>

#include "fuzzer_common.hpp"

namespace {

struct shared_clock {
    const hooksig::unix_seconds* at;
    hooksig::unix_seconds now() const noexcept { return *at; }
};

/// The store's documented behaviour, written for clarity.
struct model {
    struct slot {
        std::string key;
        hooksig::unix_seconds expires = 0;
        bool live = false;
    };
    std::vector<slot> ring;
    std::size_t head = 0;
    std::uint64_t early = 0;

    explicit model(std::size_t capacity) : ring(capacity) {}

    slot* find(std::string_view key) {
        for (slot& s : ring)
            if (s.live && s.key == key) return &s;
        return nullptr;
    }
    bool insert(std::string_view key, long long ttl, hooksig::unix_seconds now) {
        if (slot* found = find(key)) {
            if (found->expires > now) return false;
            found->live = false;
        }
        slot& s = ring[head];
        if (s.live && s.expires > now) ++early;
        const hooksig::unix_seconds limit = std::numeric_limits<hooksig::unix_seconds>::max();
        s = {std::string(key), now > limit - ttl ? limit : now + ttl, true};
        head = (head + 1) % ring.size();
        return true;
    }
    void extend(std::string_view key, long long ttl, hooksig::unix_seconds now) {
        slot* found = find(key);
        if (found != nullptr && found->expires > now) {
            const hooksig::unix_seconds limit = std::numeric_limits<hooksig::unix_seconds>::max();
            found->expires = now > limit - ttl ? limit : now + ttl;
            return;
        }
        insert(key, ttl, now); // absent or expired: recorded afresh
    }
    void erase(std::string_view key) {
        if (slot* found = find(key)) found->live = false;
    }
    std::size_t size() const {
        std::size_t n = 0;
        for (const slot& s : ring) n += s.live;
        return n;
    }
};

void check_replay_key(std::string_view prefix, std::string_view id) {
    std::string key;
    const std::error_code ec = hooksig::make_replay_key(prefix, id, key);
    bool visible_prefix = true;
    for (const char c : prefix) visible_prefix &= c >= 0x20 && c <= 0x7E;
    if (id.empty() || prefix.size() > hooksig::replay_prefix_max_size || !visible_prefix) {
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_argument);
        return;
    }
    HOOKSIG_FUZZ_CHECK(!ec);
    bool printable = true;
    for (const char c : id) printable &= c >= 0x21 && c <= 0x7E;
    std::string expected(prefix);
    if (printable && prefix.size() + 3 + id.size() <= hooksig::replay_key_max_size) {
        expected += "id:";
        expected += id;
    } else {
        const auto sha = Botan::HashFunction::create_or_throw("SHA-256");
        sha->update(hooksig_fuzz::bytes(id), id.size());
        expected += "sha256:" + hooksig_fuzz::reference_hex(sha->final());
    }
    HOOKSIG_FUZZ_CHECK(key == expected);
    HOOKSIG_FUZZ_CHECK(key.size() <= hooksig::replay_key_max_size);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hooksig_fuzz::input in(data, size);
    const std::size_t capacity = 1 + in.below(8);
    hooksig::unix_seconds now = 1700000000;
    hooksig::memory_store<shared_clock> store(capacity, shared_clock{&now});
    model expected(capacity);
    static const std::string keys[] = {"hooksig:id:a", "hooksig:id:b", "hooksig:id:c",
                                       "hooksig:id:d", "hooksig:id:e", "hooksig:sha256:00"};
    while (in.remaining() != 0) {
        const std::uint8_t op = in.byte();
        switch (op % 4) {
        case 0: { // insert
            const std::string& key = keys[in.below(6)];
            const long long ttl = static_cast<long long>(in.below(12)); // 0: invalid
            bool inserted = true;
            const std::error_code ec = store.insert(key, std::chrono::seconds(ttl), inserted);
            if (ttl < 1) {
                HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_argument && !inserted);
            } else {
                HOOKSIG_FUZZ_CHECK(!ec);
                HOOKSIG_FUZZ_CHECK(inserted == expected.insert(key, ttl, now));
            }
            break;
        }
        case 1: { // erase, or (high bit) extend as replay_guard::commit() does
            const std::string& key = keys[in.below(6)];
            if ((op & 0x80) != 0) {
                const long long ttl = static_cast<long long>(in.below(12)); // 0: invalid
                const std::error_code ec = store.extend(key, std::chrono::seconds(ttl));
                if (ttl < 1) {
                    HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_argument);
                } else {
                    HOOKSIG_FUZZ_CHECK(!ec);
                    expected.extend(key, ttl, now);
                    bool inserted = true; // held and unexpired now, whatever it was before
                    HOOKSIG_FUZZ_CHECK(!store.insert(key, std::chrono::seconds(1), inserted) && !inserted);
                }
                break;
            }
            HOOKSIG_FUZZ_CHECK(!store.erase(key));
            expected.erase(key);
            break;
        }
        case 2: // the clock moves on (sometimes far: saturating expiry arithmetic)
            now += (op & 0x80) != 0 ? static_cast<hooksig::unix_seconds>(in.below(1u << 16)) << 24 : in.below(8);
            break;
        default: { // a key from a sender-chosen id
            const std::string_view prefix = in.take(in.below(72));
            check_replay_key(prefix, in.take(in.below(256)));
            break;
        }
        }
        HOOKSIG_FUZZ_CHECK(store.size() == expected.size());
        HOOKSIG_FUZZ_CHECK(store.early_evictions() == expected.early);
    }
    return 0;
}
