// hooksig — webhook signing and verification. MIT License.
#pragma once

/// HMAC-SHA256 with the key's inner and outer states prepared once.
///
/// Botan's HMAC object re-absorbs the key's padded block for every message.
/// An hmac_key absorbs the ipad and opad blocks once, so each message costs
/// its own SHA-256 blocks plus one compression for the outer hash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "../ct.hpp"
#include "../detail/ctgrind.hpp"
#include "algorithm.hpp"
#include "../detail/config.hpp"
#include "../detail/platform/botan.hpp"
#include "../detail/sha256/sha256.hpp"

namespace hooksig {

/// Size in bytes of an HMAC-SHA256 tag.
inline constexpr std::size_t mac_size = 32;

/// An HMAC-SHA256 tag.
using mac_bytes = std::uint8_t[mac_size];

class hmac_key;

namespace algorithms {
struct hmac_sha256;
} // namespace algorithms

namespace detail {

/// HMAC-SHA256 over the concatenation of `parts` from a key's prepared inner
/// and outer chaining states (8 words each): the one MAC routine behind
/// hmac_key::mac and hmac_states::mac (the SHA-256 dispatcher picks the
/// kernel). Time depends only on the parts' total length; allocates nothing.
template <class... Parts>
HOOKSIG_ALWAYS_INLINE void hmac_from_states(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                            std::uint8_t out[mac_size], const Parts&... parts) noexcept {
    static_assert((std::is_convertible_v<const Parts&, std::string_view> && ...),
                  "hmac_key::mac takes parts convertible to std::string_view");
    sha256_hmac(inner, outer, out, parts...);
}

/// A key's two prepared chaining states held by value, for code that keeps a
/// short-lived private copy (the keyring's verify path copies the keys it may
/// use onto its stack and wipes them after). Same MAC as hmac_key::mac.
struct hmac_states {
    std::uint32_t inner[8]; ///< state after absorbing key ^ ipad
    std::uint32_t outer[8]; ///< state after absorbing key ^ opad

    /// HMAC-SHA256 over the concatenation of `parts` (see hmac_key::mac).
    template <class... Parts>
    void mac(std::uint8_t out[mac_size], const Parts&... parts) const noexcept {
        hmac_from_states(inner, outer, out, parts...);
    }
};

/// Read access to an hmac_key's prepared states, for copying them into an
/// hmac_states (the keyring's verify table). Not for general use.
struct hmac_key_states {
    /// The inner chaining state (8 words).
    static const std::uint32_t* inner(const hmac_key& key) noexcept;
    /// The outer chaining state (8 words).
    static const std::uint32_t* outer(const hmac_key& key) noexcept;
};

} // namespace detail

/// An HMAC-SHA256 key with its inner and outer SHA-256 states prepared.
/// Holds only the two chaining states, in zeroizing memory; the key bytes
/// themselves are not kept. Building one allocates; using it does not.
class hmac_key {
public:
    /// The signature algorithm this key belongs to (see algorithms/algorithm.hpp).
    using algorithm = algorithms::hmac_sha256;

    /// Prepares the states for a key of any length (RFC 2104: keys longer than
    /// 64 bytes are hashed first). Allocates two 32-byte states.
    hmac_key(const std::uint8_t* key, std::size_t size) : inner_(8), outer_(8) {
        std::uint8_t block[detail::sha256_block_size] = {};
        if (size > detail::sha256_block_size) {
            detail::sha256_engine engine;
            engine.update(key, size);
            engine.finish(block);
        } else if (size != 0) {
            std::memcpy(block, key, size);
        }
        absorb_padded(block, 0x36, inner_);
        absorb_padded(block, 0x36 ^ 0x5c, outer_); // block holds key ^ 0x36; make it key ^ 0x5c
        ct::wipe(block, sizeof block);
    }

    /// Computes HMAC-SHA256 over the concatenation of `parts` (raw bytes in
    /// string views) without concatenating them, and writes the tag to `out`.
    /// Does not allocate; time depends
    /// only on the parts' total length.
    template <class... Parts>
    void mac(std::uint8_t out[mac_size], const Parts&... parts) const noexcept {
        detail::hmac_from_states(inner_.data(), outer_.data(), out, parts...);
    }

    /// This key's MAC of `parts` into `out` and `other`'s into `other_out`, in
    /// one pass where the CPU allows (x86 SHA-NI): what a verifier with several
    /// keys uses during a rotation's grace period.
    template <class... Parts>
    void mac_pair(const hmac_key& other, std::uint8_t out[mac_size], std::uint8_t other_out[mac_size],
                  const Parts&... parts) const noexcept {
        detail::sha256_hmac_pair(inner_.data(), outer_.data(), other.inner_.data(), other.outer_.data(), out,
                                 other_out, parts...);
    }

private:
    friend class hmac_sha256;
    friend struct detail::hmac_key_states;

    static void absorb_padded(std::uint8_t block[detail::sha256_block_size], std::uint8_t pad,
                              secure_vector<std::uint32_t>& state) {
        for (std::size_t i = 0; i < detail::sha256_block_size; ++i) block[i] ^= pad;
        std::copy(detail::sha256_iv, detail::sha256_iv + 8, state.begin());
        detail::sha256_compress(state.data(), block, 1);
    }

    secure_vector<std::uint32_t> inner_; // chaining state after key ^ ipad
    secure_vector<std::uint32_t> outer_; // chaining state after key ^ opad
};

inline const std::uint32_t* detail::hmac_key_states::inner(const hmac_key& key) noexcept { return key.inner_.data(); }
inline const std::uint32_t* detail::hmac_key_states::outer(const hmac_key& key) noexcept { return key.outer_.data(); }

/// Incremental HMAC-SHA256 for bodies that arrive in pieces:
/// construct from a key, update() any number of times, then finish() once.
/// Its working state lives in the object (wiped on destruction); nothing allocates.
class hmac_sha256 {
public:
    /// Starts a MAC under `key`; the key must outlive this object.
    explicit hmac_sha256(const hmac_key& key) : key_(key), engine_(key.inner_.data(), detail::sha256_block_size) {}
    hmac_sha256(const hmac_sha256&) = delete;
    hmac_sha256& operator=(const hmac_sha256&) = delete;

    /// Absorbs `size` bytes.
    void update(const std::uint8_t* data, std::size_t size) noexcept { engine_.update(data, size); }
    /// Absorbs the bytes of a string view.
    void update(std::string_view bytes) noexcept { engine_.update(bytes); }

    /// Writes the tag. Call once; the object is spent afterwards.
    void finish(std::uint8_t out[mac_size]) noexcept {
        engine_.finish_hmac(key_.outer_.data(), out);
    }

private:
    const hmac_key& key_;
    detail::sha256_engine engine_;
};

namespace algorithms {

/// HMAC-SHA256 as a signature algorithm (see algorithms/algorithm.hpp): the
/// key is an hmac_key, a signature is the 32-byte tag, compared in constant time.
struct hmac_sha256 {
    /// Its registry value.
    static constexpr algorithm_id id = algorithm_id::hmac_sha256;
    /// "hmac-sha256".
    static constexpr std::string_view name = "hmac-sha256";
    /// A tag is 32 bytes.
    static constexpr std::size_t signature_size = mac_size;
    /// The prepared key.
    using key = hmac_key;

    /// The tag of the concatenation of `parts` under `k`, into `out`.
    template <class... Parts>
    static void sign(const key& k, std::uint8_t* out, const Parts&... parts) noexcept {
        k.mac(out, parts...);
    }
    /// Constant-time equality of a computed tag and a received one.
    static bool matches(const std::uint8_t* expected, const std::uint8_t* candidate) noexcept {
        return ct::equal_mac(expected, candidate);
    }

    /// Smallest body for which check_pair computes two keys' MACs in one pass:
    /// below it the pass costs more than it saves for a delivery the newest
    /// key verifies (bench/README.md, "Two keys in one pass").
    static constexpr std::size_t pair_min_body_size = 2048;

    /// Computes `key`'s tag of the signed content and compares it with each
    /// HMAC-SHA256 entry of `entries`, in order, stopping at the first match
    /// (see algorithms/algorithm.hpp). Each comparison is constant time; the
    /// tag is wiped afterwards.
    template <class Key, class List, class Content>
    static key_check check(const Key& key, List& entries, Content&& content) noexcept {
        std::uint8_t tag[mac_size];
        bool computed = false;
        content([&](const auto&... parts) { computed = compute(key, tag, parts...); });
        if (!computed) return key_check::declined;
        return find(entries, tag) ? key_check::first : key_check::no_match;
    }

    /// check() for two keys, their tags computed in one pass where the CPU
    /// allows; the first key is compared first, so it wins when both match.
    template <class Key, class List, class Content>
    static key_check check_pair(const Key& first, const Key& second, List& entries, Content&& content) noexcept {
        std::uint8_t tags[2][mac_size];
        bool computed = false;
        content([&](const auto&... parts) { computed = compute_pair(first, second, tags[0], tags[1], parts...); });
        if (!computed) return key_check::declined;
        if (find(entries, tags[0])) {
            ct::wipe(tags[1], mac_size);
            return key_check::first;
        }
        return find(entries, tags[1]) ? key_check::second : key_check::no_match;
    }

    /// Compares a computed `tag` with the HMAC-SHA256 entries of `entries`,
    /// decoding them as it goes (later keys reuse them), then wipes it: what
    /// check() does after computing, for callers that computed the tag in
    /// pieces (streaming verification). A delivery that matches nothing is
    /// compared with every entry.
    template <class List>
    static bool find(List& entries, std::uint8_t tag[mac_size]) noexcept {
        detail::ctgrind::poison(tag, mac_size);
        bool matched = false;
        for (std::size_t s = 0; entries.decode_through(s); ++s) {
            if (entries.algorithm[s] != id) continue; // another algorithm's entry
            if (detail::ctgrind::declassify(matches(tag, entries.mac[s]))) {
                matched = true;
                break;
            }
        }
        ct::wipe(tag, mac_size);
        return matched;
    }

private:
    // A key's tag of `parts`; false when the key declined (its mac() returns
    // bool: the keyring's table reader, when the ring changed while read).
    template <class Key, class... Parts>
    static bool compute(const Key& key, std::uint8_t out[mac_size], const Parts&... parts) noexcept {
        if constexpr (std::is_same_v<decltype(key.mac(out, parts...)), bool>) {
            return key.mac(out, parts...);
        } else {
            key.mac(out, parts...);
            return true;
        }
    }

    template <class Key, class... Parts>
    static bool compute_pair(const Key& first, const Key& second, std::uint8_t out0[mac_size],
                             std::uint8_t out1[mac_size], const Parts&... parts) noexcept {
        if constexpr (std::is_same_v<decltype(first.mac_pair(second, out0, out1, parts...)), bool>) {
            return first.mac_pair(second, out0, out1, parts...);
        } else {
            first.mac_pair(second, out0, out1, parts...);
            return true;
        }
    }
};

static_assert(hmac_sha256::signature_size <= max_signature_size);

} // namespace algorithms

/// One-shot HMAC-SHA256 of `message` under `key` (both raw bytes). Allocates the
/// prepared key; for repeated use build an hmac_key once instead.
inline void hmac_sha256_once(std::string_view key, std::string_view message, std::uint8_t out[mac_size]) {
    const hmac_key prepared(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
    prepared.mac(out, message);
}

} // namespace hooksig
