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
#include "../detail/config.hpp"
#include "../detail/sha256/sha256.hpp"

namespace hooksig {

/// Size in bytes of an HMAC-SHA256 tag.
inline constexpr std::size_t mac_size = 32;

/// An HMAC-SHA256 tag.
using mac_bytes = std::uint8_t[mac_size];

class hmac_key;

namespace detail {

/// hmac_from_states without SHA-NI: the portable engine over Botan's
/// compression function, out of line (see HOOKSIG_NOINLINE).
template <class... Parts>
HOOKSIG_NOINLINE void hmac_from_states_portable(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                                std::uint8_t out[mac_size], const Parts&... parts) noexcept {
    sha256_engine engine(inner, sha256_block_size);
    (engine.update(std::string_view(parts)), ...);
    engine.finish_hmac(outer, out);
}

/// HMAC-SHA256 over the concatenation of `parts` from a key's prepared inner
/// and outer chaining states (8 words each): the one MAC routine behind
/// hmac_key::mac and hmac_states::mac. Time depends only on the parts' total
/// length; allocates nothing (after the calling thread's first portable-path call).
template <class... Parts>
HOOKSIG_ALWAYS_INLINE void hmac_from_states(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                            std::uint8_t out[mac_size], const Parts&... parts) noexcept {
    static_assert((std::is_convertible_v<const Parts&, std::string_view> && ...),
                  "hmac_key::mac takes parts convertible to std::string_view");
#if HOOKSIG_HAS_SHA_NI
    if (current_sha256_backend() == sha256_backend::sha_ni) {
        const std::string_view views[] = {std::string_view(parts)...};
        hmac_sha256_sha_ni(inner, outer, views, sizeof...(Parts), out);
        return;
    }
#endif
    hmac_from_states_portable(inner, outer, out, parts...);
}

/// Two keys' HMAC-SHA256 of the same `parts`, into out0 and out1: with SHA-NI
/// in one pass (one message schedule, two round chains; measured one MAC plus
/// ~55 ns at any size), otherwise one after the other.
template <class... Parts>
HOOKSIG_ALWAYS_INLINE void hmac_pair_from_states(const std::uint32_t inner0[8], const std::uint32_t outer0[8],
                                                 const std::uint32_t inner1[8], const std::uint32_t outer1[8],
                                                 std::uint8_t out0[mac_size], std::uint8_t out1[mac_size],
                                                 const Parts&... parts) noexcept {
#if HOOKSIG_HAS_SHA_NI
    if (current_sha256_backend() == sha256_backend::sha_ni) {
        const std::string_view views[] = {std::string_view(parts)...};
        const std::uint32_t* const inner[2] = {inner0, inner1};
        const std::uint32_t* const outer[2] = {outer0, outer1};
        std::uint8_t* const out[2] = {out0, out1};
        hmac_sha256_sha_ni(inner, outer, views, sizeof...(Parts), out);
        return;
    }
#endif
    hmac_from_states(inner0, outer0, out0, parts...);
    hmac_from_states(inner1, outer1, out1, parts...);
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
    /// Does not allocate (after the calling thread's first call); time depends
    /// only on the parts' total length.
    template <class... Parts>
    void mac(std::uint8_t out[mac_size], const Parts&... parts) const noexcept {
        detail::hmac_from_states(inner_.data(), outer_.data(), out, parts...);
    }

    /// This key's MAC of `parts` into `out` and `other`'s into `other_out`, in
    /// one pass where the CPU allows (with SHA-NI, one MAC plus ~55 ns): what a
    /// verifier with several keys uses during a rotation's grace period.
    template <class... Parts>
    void mac_pair(const hmac_key& other, std::uint8_t out[mac_size], std::uint8_t other_out[mac_size],
                  const Parts&... parts) const noexcept {
        detail::hmac_pair_from_states(inner_.data(), outer_.data(), other.inner_.data(), other.outer_.data(), out,
                                      other_out, parts...);
    }

private:
    friend class hmac_sha256;
    friend struct detail::hmac_key_states;

    static void absorb_padded(std::uint8_t block[detail::sha256_block_size], std::uint8_t pad,
                              detail::sha256_state& state) {
        for (std::size_t i = 0; i < detail::sha256_block_size; ++i) block[i] ^= pad;
        std::copy(detail::sha256_iv, detail::sha256_iv + 8, state.begin());
        detail::sha256_compress(state.data(), block, 1);
    }

    detail::sha256_state inner_;
    detail::sha256_state outer_;
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

/// One-shot HMAC-SHA256 of `message` under `key` (both raw bytes). Allocates the
/// prepared key; for repeated use build an hmac_key once instead.
inline void hmac_sha256_once(std::string_view key, std::string_view message, std::uint8_t out[mac_size]) {
    const hmac_key prepared(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
    prepared.mac(out, message);
}

} // namespace hooksig
