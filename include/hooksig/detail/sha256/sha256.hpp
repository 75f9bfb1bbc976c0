// hooksig — webhook signing and verification. MIT License.
#pragma once

#include <atomic>
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

#include "../../ct.hpp"
#include "x86_sha_ni.hpp"

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

/// A per-thread chaining state in Botan's type, for the portable path: Botan's
/// compression function takes a secure_vector, so the engine's stack state is
/// copied through this one. Created on a thread's first portable compression
/// (verifiers create it on the constructing thread); zeroized at thread exit
/// by the secure allocator and wiped after each use.
inline sha256_state& thread_scratch_state() {
    thread_local sha256_state state(8);
    return state;
}

/// Which compression function the engine calls.
enum class sha256_backend : std::uint8_t {
    undecided = 0, ///< not chosen yet: the first compression asks the CPU
    botan = 1,     ///< Botan's SHA_256::compress_digest (its own SHA-NI / BMI2 / portable code)
    sha_ni = 2,    ///< sha256_compress_sha_ni (x86 SHA extensions), see sha256_x86.hpp
};

/// The process-wide choice, made once from CPUID. Tests set it to run both paths.
inline std::atomic<sha256_backend> sha256_backend_choice{sha256_backend::undecided};

/// The backend in use: SHA-NI when this build and the CPU have it, else Botan.
inline sha256_backend current_sha256_backend() noexcept {
    sha256_backend chosen = sha256_backend_choice.load(std::memory_order_relaxed);
    if (chosen == sha256_backend::undecided) {
        chosen = HOOKSIG_HAS_SHA_NI && cpu_has_sha_ni() ? sha256_backend::sha_ni : sha256_backend::botan;
        sha256_backend_choice.store(chosen, std::memory_order_relaxed);
    }
    return chosen;
}

/// Selects a backend (sha_ni only where the CPU has it; otherwise Botan). For
/// tests and benchmarks that compare the two paths; not needed in normal use.
inline void set_sha256_backend(sha256_backend backend) noexcept {
    if (backend == sha256_backend::sha_ni && !(HOOKSIG_HAS_SHA_NI && cpu_has_sha_ni())) backend = sha256_backend::botan;
    sha256_backend_choice.store(backend, std::memory_order_relaxed);
}

/// Compresses `blocks` 64-byte blocks into the 8-word chaining state `words`.
/// Never allocates after the calling thread's first portable-path call.
inline void sha256_compress(std::uint32_t words[8], const std::uint8_t* data, std::size_t blocks) noexcept {
#if HOOKSIG_HAS_SHA_NI
    if (current_sha256_backend() == sha256_backend::sha_ni) {
        sha256_compress_sha_ni(words, data, blocks);
        return;
    }
#endif
    sha256_state& state = thread_scratch_state();
    std::memcpy(state.data(), words, 8 * sizeof(std::uint32_t));
    Botan::SHA_256::compress_digest(state, data, blocks);
    std::memcpy(words, state.data(), 8 * sizeof(std::uint32_t));
    ct::wipe(state.data(), 8 * sizeof(std::uint32_t));
}

/// SHA-256 message processing from any chaining state: HMAC starts from its
/// key's precomputed inner state, so each message costs only its own blocks.
/// The state and the partial block live in the engine (on the caller's stack
/// for one-shot MACs) and are wiped by its destructor. Never allocates (after
/// the calling thread's first portable-path compression).
class sha256_engine {
public:
    /// Continues from the 8 chaining values `words`, which have already
    /// absorbed `absorbed` bytes (a multiple of the block size).
    sha256_engine(const std::uint32_t* words, std::uint64_t absorbed) noexcept : total_(absorbed) {
        std::memcpy(state_, words, sizeof state_);
    }
    /// Starts a plain SHA-256 (from the standard initial values).
    sha256_engine() noexcept : sha256_engine(sha256_iv, 0) {}
    sha256_engine(const sha256_engine&) = delete;
    sha256_engine& operator=(const sha256_engine&) = delete;
    ~sha256_engine() {
        ct::wipe(state_, sizeof state_);
        ct::wipe(block_, sizeof block_);
    }

    /// Absorbs `size` bytes.
    void update(const std::uint8_t* data, std::size_t size) noexcept {
        // An empty part may be a default string_view (data() == nullptr): memcpy
        // from a null pointer is undefined even for zero bytes (found by fuzzing).
        if (size == 0) return;
        total_ += size;
        const std::size_t room = sha256_block_size - buffered_;
        if (size < room) { // the common case for the short parts (id, ".", timestamp)
            std::memcpy(block_ + buffered_, data, size);
            buffered_ += size;
            return;
        }
        if (buffered_ != 0) {
            std::memcpy(block_ + buffered_, data, room);
            sha256_compress(state_, block_, 1);
            data += room;
            size -= room;
            buffered_ = 0;
        }
        if (const std::size_t blocks = size / sha256_block_size; blocks != 0) {
            sha256_compress(state_, data, blocks);
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
        std::memcpy(state_, outer, sizeof state_);
        sha256_compress(state_, block_, 1);
        write_digest(out);
        total_ = sha256_block_size + sha256_digest_size;
    }

private:
    void pad_and_compress() noexcept {
        const std::uint64_t bits = total_ * 8;
        block_[buffered_++] = 0x80;
        if (buffered_ > sha256_block_size - 8) {
            std::memset(block_ + buffered_, 0, sha256_block_size - buffered_);
            sha256_compress(state_, block_, 1);
            buffered_ = 0;
        }
        std::memset(block_ + buffered_, 0, sha256_block_size - 8 - buffered_);
        store_be64(block_ + sha256_block_size - 8, bits);
        sha256_compress(state_, block_, 1);
        buffered_ = 0;
    }

    // Eight-byte stores, so the 8- and 16-byte loads that read the digest next
    // (the MAC comparison, SHA-NI's message loads) are forwarded from them.
    void write_digest(std::uint8_t* out) const noexcept {
        for (std::size_t i = 0; i < 4; ++i)
            store_be64(out + 8 * i, (std::uint64_t{state_[2 * i]} << 32) | state_[2 * i + 1]);
    }

    alignas(16) std::uint32_t state_[8];
    std::uint64_t total_;
    std::size_t buffered_ = 0;
    alignas(16) std::uint8_t block_[sha256_block_size];
};

} // namespace hooksig::detail
