// hooksig — webhook signing and verification. MIT License.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <botan/compiler.h>
#include <botan/secmem.h>
// Botan 2 marks sha2_32.h "internal in the future" with a #pragma warning that
// -Werror turns into an error in every user's build. hooksig needs its public
// SHA_256::compress_digest, so it silences that one marker for this include only.
#pragma push_macro("BOTAN_FUTURE_INTERNAL_HEADER")
#undef BOTAN_FUTURE_INTERNAL_HEADER
#define BOTAN_FUTURE_INTERNAL_HEADER(hdr)
#include <botan/sha2_32.h>
#pragma pop_macro("BOTAN_FUTURE_INTERNAL_HEADER")

#include "../ct.hpp"

namespace hooksig::detail {

/// SHA-256 chaining values and block geometry.
inline constexpr std::size_t sha256_block_size = 64;
inline constexpr std::size_t sha256_digest_size = 32;
inline constexpr std::uint32_t sha256_iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/// A SHA-256 chaining state in zeroizing memory (the type Botan's compression
/// function takes). Allocates once at construction.
using sha256_state = Botan::secure_vector<std::uint32_t>;

/// Stores `v` big-endian at `out` (4 bytes).
inline void store_be32(std::uint8_t* out, std::uint32_t v) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap32(v);
    std::memcpy(out, &v, sizeof v);
#else
    for (int i = 0; i < 4; ++i) out[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
#endif
}

/// Stores `v` big-endian at `out` (8 bytes).
inline void store_be64(std::uint8_t* out, std::uint64_t v) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
    std::memcpy(out, &v, sizeof v);
#else
    for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
#endif
}

/// SHA-256 message processing over a caller-owned chaining state, using Botan's
/// compression function (SHA-NI / BMI2 where the CPU has them). It lets HMAC
/// start from precomputed keyed states, so each message costs only its own
/// blocks. Never allocates.
class sha256_engine {
public:
    /// Continues from `state`, which has already absorbed `absorbed` bytes
    /// (a multiple of the block size).
    sha256_engine(sha256_state& state, std::uint64_t absorbed) noexcept : state_(state), total_(absorbed) {}
    sha256_engine(const sha256_engine&) = delete;
    sha256_engine& operator=(const sha256_engine&) = delete;
    ~sha256_engine() { ct::wipe(block_, sizeof block_); }

    /// Absorbs `size` bytes.
    void update(const std::uint8_t* data, std::size_t size) noexcept {
        // An empty part may be a default string_view (data() == nullptr): memcpy
        // from a null pointer is undefined even for zero bytes (found by fuzzing).
        if (size == 0) return;
        total_ += size;
        if (buffered_ != 0) {
            const std::size_t take = size < sha256_block_size - buffered_ ? size : sha256_block_size - buffered_;
            std::memcpy(block_ + buffered_, data, take);
            buffered_ += take;
            data += take;
            size -= take;
            if (buffered_ < sha256_block_size) return;
            Botan::SHA_256::compress_digest(state_, block_, 1);
            buffered_ = 0;
        }
        if (const std::size_t blocks = size / sha256_block_size; blocks != 0) {
            Botan::SHA_256::compress_digest(state_, data, blocks);
            data += blocks * sha256_block_size;
            size -= blocks * sha256_block_size;
        }
        if (size != 0) {
            std::memcpy(block_, data, size);
            buffered_ = size;
        }
    }

    /// Absorbs the bytes of a string view (raw bytes, any content).
    void update(std::string_view bytes) noexcept {
        update(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }

    /// Pads, compresses the final block(s) and writes the 32-byte digest.
    void finish(std::uint8_t out[sha256_digest_size]) noexcept {
        pad_and_compress();
        write_digest(out);
    }

    /// HMAC's outer hash, in place: finishes this (inner) hash, writes its
    /// digest straight into the block buffer as the outer message, restarts
    /// from `outer` (8 chaining values that absorbed the opad block), and
    /// writes the outer digest (the tag) to `out`. One compression, and the
    /// inner digest never leaves the buffer the destructor wipes.
    void finish_hmac(const std::uint32_t* outer, std::uint8_t out[sha256_digest_size]) noexcept {
        pad_and_compress();
        write_digest(block_);
        block_[sha256_digest_size] = 0x80;
        std::memset(block_ + sha256_digest_size + 1, 0, sha256_block_size - 8 - sha256_digest_size - 1);
        store_be64(block_ + sha256_block_size - 8, (sha256_block_size + sha256_digest_size) * 8);
        std::memcpy(state_.data(), outer, 8 * sizeof(std::uint32_t));
        Botan::SHA_256::compress_digest(state_, block_, 1);
        write_digest(out);
        total_ = sha256_block_size + sha256_digest_size;
    }

    /// Starts a new message from the chaining values `words` (8 of them), which
    /// have already absorbed `absorbed` bytes: HMAC's outer hash reuses the
    /// inner hash's engine this way, so one buffer is wiped instead of two.
    void restart(const std::uint32_t* words, std::uint64_t absorbed) noexcept {
        std::memcpy(state_.data(), words, 8 * sizeof(std::uint32_t));
        total_ = absorbed;
        buffered_ = 0;
    }

private:
    void pad_and_compress() noexcept {
        const std::uint64_t bits = total_ * 8;
        block_[buffered_++] = 0x80;
        if (buffered_ > sha256_block_size - 8) {
            std::memset(block_ + buffered_, 0, sha256_block_size - buffered_);
            Botan::SHA_256::compress_digest(state_, block_, 1);
            buffered_ = 0;
        }
        std::memset(block_ + buffered_, 0, sha256_block_size - 8 - buffered_);
        store_be64(block_ + sha256_block_size - 8, bits);
        Botan::SHA_256::compress_digest(state_, block_, 1);
        buffered_ = 0;
    }

    // Eight-byte stores, so the 8- and 16-byte loads that read the digest next
    // (the MAC comparison, SHA-NI's message loads) are forwarded from them.
    void write_digest(std::uint8_t* out) const noexcept {
        const std::uint32_t* w = state_.data();
        for (std::size_t i = 0; i < 4; ++i)
            store_be64(out + 8 * i, (std::uint64_t{w[2 * i]} << 32) | w[2 * i + 1]);
    }

    sha256_state& state_;
    std::uint64_t total_;
    std::size_t buffered_ = 0;
    std::uint8_t block_[sha256_block_size];
};

/// A per-thread working state for one-shot MACs, so the hot path never
/// allocates after a thread's first call. Zeroized at thread exit by the
/// secure allocator; callers wipe what they leave in it.
inline sha256_state& thread_scratch_state() {
    thread_local sha256_state state(8);
    return state;
}

} // namespace hooksig::detail
