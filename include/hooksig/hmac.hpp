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

#include "ct.hpp"
#include "detail/sha256_engine.hpp"

namespace hooksig {

/// Size in bytes of an HMAC-SHA256 tag.
inline constexpr std::size_t mac_size = 32;

/// An HMAC-SHA256 tag.
using mac_bytes = std::uint8_t[mac_size];

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
        static_assert((std::is_convertible_v<const Parts&, std::string_view> && ...),
                      "hmac_key::mac takes parts convertible to std::string_view");
#if HOOKSIG_HAS_SHA_NI
        if (detail::current_sha256_backend() == detail::sha256_backend::sha_ni) {
            const std::string_view views[] = {std::string_view(parts)...};
            detail::hmac_sha256_sha_ni(inner_.data(), outer_.data(), views, sizeof...(Parts), out);
            return;
        }
#endif
        detail::sha256_engine engine(inner_.data(), detail::sha256_block_size);
        (engine.update(std::string_view(parts)), ...);
        engine.finish_hmac(outer_.data(), out);
    }

private:
    friend class hmac_sha256;

    static void absorb_padded(std::uint8_t block[detail::sha256_block_size], std::uint8_t pad,
                              detail::sha256_state& state) {
        for (std::size_t i = 0; i < detail::sha256_block_size; ++i) block[i] ^= pad;
        std::copy(detail::sha256_iv, detail::sha256_iv + 8, state.begin());
        detail::sha256_compress(state.data(), block, 1);
    }

    detail::sha256_state inner_;
    detail::sha256_state outer_;
};

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
