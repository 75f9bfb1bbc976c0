// hooksig — webhook signing and verification. MIT License.
#pragma once

/// SHA-256 for hooksig: the one place that chooses a compression function.
/// Three exist: portable C++ (portable.hpp), the x86 SHA extensions
/// (x86_sha_ni.hpp) and the ARMv8 SHA-2 instructions (arm_sha2.hpp); the
/// first compression asks the CPU once which to use. HMAC, the keyring and
/// the two-key pass call what this header offers and never an intrinsic.
/// Internal.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../../ct.hpp"
#include "../config.hpp"
#include "arm_sha2.hpp"
#include "portable.hpp"
#include "x86_sha_ni.hpp"

namespace hooksig::detail {

/// SHA-256 chaining values and block geometry.
inline constexpr std::size_t sha256_block_size = 64;
inline constexpr std::size_t sha256_digest_size = 32;
inline constexpr std::uint32_t sha256_iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/// Which compression function runs.
enum class sha256_backend : std::uint8_t {
    undecided = 0,  ///< not chosen yet: the first compression asks the CPU
    portable = 1,   ///< portable C++ (portable.hpp)
    x86_sha_ni = 2, ///< x86 SHA extensions (x86_sha_ni.hpp)
    arm_sha2 = 3,   ///< ARMv8 SHA-2 instructions (arm_sha2.hpp)
};

/// Every backend, for tests and benchmarks that run each one the machine can.
inline constexpr sha256_backend sha256_backends[] = {sha256_backend::portable, sha256_backend::x86_sha_ni,
                                                     sha256_backend::arm_sha2};

/// True when this build and this CPU can run `backend`.
inline bool sha256_backend_available(sha256_backend backend) noexcept {
    switch (backend) {
    case sha256_backend::portable: return true;
    case sha256_backend::x86_sha_ni: return HOOKSIG_HAS_SHA_NI && cpu_has_sha_ni();
    case sha256_backend::arm_sha2: return HOOKSIG_HAS_ARM_SHA2 && cpu_has_arm_sha2();
    case sha256_backend::undecided: break;
    }
    return false;
}

/// The backend's name ("portable", "x86-sha-ni", "arm-sha2"), for logs and tests.
inline const char* sha256_backend_name(sha256_backend backend) noexcept {
    switch (backend) {
    case sha256_backend::portable: return "portable";
    case sha256_backend::x86_sha_ni: return "x86-sha-ni";
    case sha256_backend::arm_sha2: return "arm-sha2";
    case sha256_backend::undecided: break;
    }
    return "undecided";
}

/// The process-wide choice, made once from the CPU's features.
inline std::atomic<sha256_backend> sha256_backend_choice{sha256_backend::undecided};

/// The backend in use: the CPU's SHA instructions when this build and the CPU
/// have them, else portable C++.
inline sha256_backend current_sha256_backend() noexcept {
    sha256_backend chosen = sha256_backend_choice.load(std::memory_order_relaxed);
    if (chosen == sha256_backend::undecided) {
        chosen = sha256_backend_available(sha256_backend::x86_sha_ni) ? sha256_backend::x86_sha_ni
                 : sha256_backend_available(sha256_backend::arm_sha2) ? sha256_backend::arm_sha2
                                                                      : sha256_backend::portable;
        sha256_backend_choice.store(chosen, std::memory_order_relaxed);
    }
    return chosen;
}

/// Selects `backend` for the whole process (tests and benchmarks compare
/// them); `undecided` returns to the CPU's choice. Not needed in normal use.
/// @return false, changing nothing, when `backend` cannot run here.
inline bool set_sha256_backend(sha256_backend backend) noexcept {
    if (backend != sha256_backend::undecided && !sha256_backend_available(backend)) return false;
    sha256_backend_choice.store(backend, std::memory_order_relaxed);
    return true;
}

/// True when the fused x86 HMAC kernels (hmac_sha256_sha_ni) are the ones to call.
HOOKSIG_ALWAYS_INLINE bool sha256_uses_x86_sha_ni() noexcept {
    return HOOKSIG_HAS_SHA_NI && current_sha256_backend() == sha256_backend::x86_sha_ni;
}

/// Compresses `blocks` 64-byte blocks into the 8-word chaining state `words`.
/// Never allocates; constant time.
inline void sha256_compress(std::uint32_t words[8], const std::uint8_t* data, std::size_t blocks) noexcept {
    switch (current_sha256_backend()) {
#if HOOKSIG_HAS_SHA_NI
    case sha256_backend::x86_sha_ni: sha256_compress_sha_ni(words, data, blocks); return;
#endif
#if HOOKSIG_HAS_ARM_SHA2
    case sha256_backend::arm_sha2: sha256_compress_arm_sha2(words, data, blocks); return;
#endif
    default: sha256_compress_portable(words, data, blocks); return;
    }
}

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

/// SHA-256 message processing from any chaining state: HMAC starts from its
/// key's precomputed inner state, so each message costs only its own blocks.
/// The state and the partial block live in the engine (on the caller's stack
/// for one-shot MACs) and are wiped by its destructor. Never allocates.
class sha256_engine {
public:
    /// Continues from the 8 chaining values `words`, which have already
    /// absorbed `absorbed` bytes (a multiple of the block size).
    sha256_engine(const std::uint32_t* words, std::uint64_t absorbed) noexcept : total_(absorbed) {
        std::memcpy(state_, words, sizeof state_);
    }
    /// Starts a plain SHA-256 (from the standard initial values).
    sha256_engine() noexcept : sha256_engine(sha256_iv, 0) {}

    /// Starts over from the 8 chaining values `words`, which have absorbed
    /// `absorbed` bytes (a multiple of the block size).
    void restart(const std::uint32_t* words, std::uint64_t absorbed) noexcept {
        std::memcpy(state_, words, sizeof state_);
        total_ = absorbed;
        buffered_ = 0;
    }
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

/// HMAC-SHA256 over the concatenation of `parts` (anything convertible to
/// std::string_view) from a key's prepared inner and outer chaining states,
/// through the engine: the path for every backend but the fused x86 kernels.
/// Out of line: inlined into the verify paths it only grows them (and made
/// GCC 12 at -O3 report impossible out-of-bounds accesses).
template <class... Parts>
HOOKSIG_NOINLINE void sha256_hmac_engine(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                         std::uint8_t out[sha256_digest_size], const Parts&... parts) noexcept {
    sha256_engine engine(inner, sha256_block_size);
    (engine.update(std::string_view(parts)), ...);
    engine.finish_hmac(outer, out);
}

/// HMAC-SHA256 over the concatenation of `parts` from a key's prepared states
/// (8 words each), into `out`. Time depends only on the parts' lengths; no
/// allocation.
template <class... Parts>
HOOKSIG_ALWAYS_INLINE void sha256_hmac(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                       std::uint8_t out[sha256_digest_size], const Parts&... parts) noexcept {
#if HOOKSIG_HAS_SHA_NI
    if (sha256_uses_x86_sha_ni()) {
        const std::string_view views[] = {std::string_view(parts)...};
        hmac_sha256_sha_ni(inner, outer, views, sizeof...(Parts), out);
        return;
    }
#endif
    sha256_hmac_engine(inner, outer, out, parts...);
}

/// Two keys' HMAC-SHA256 of the same `parts`, into out0 and out1: with the
/// x86 kernels in one pass (one message schedule, two round chains), else one
/// after the other.
template <class... Parts>
HOOKSIG_ALWAYS_INLINE void sha256_hmac_pair(const std::uint32_t inner0[8], const std::uint32_t outer0[8],
                                            const std::uint32_t inner1[8], const std::uint32_t outer1[8],
                                            std::uint8_t out0[sha256_digest_size],
                                            std::uint8_t out1[sha256_digest_size], const Parts&... parts) noexcept {
#if HOOKSIG_HAS_SHA_NI
    if (sha256_uses_x86_sha_ni()) {
        const std::string_view views[] = {std::string_view(parts)...};
        const std::uint32_t* const inner[2] = {inner0, inner1};
        const std::uint32_t* const outer[2] = {outer0, outer1};
        std::uint8_t* const out[2] = {out0, out1};
        hmac_sha256_sha_ni(inner, outer, views, sizeof...(Parts), out);
        return;
    }
#endif
    sha256_hmac_engine(inner0, outer0, out0, parts...);
    sha256_hmac_engine(inner1, outer1, out1, parts...);
}

/// HMAC-SHA256 of `parts` under N keys whose prepared states are read as
/// 64-bit words through `word(c, i)` (i = 0..3 the inner state, 4..7 the
/// outer, each word two state words as memcpy lays them out), into out[0..N).
/// For the keyring, whose states live in shared atomic words: nothing is
/// computed, and false returned, unless `ready()` holds after every word was
/// read. The copies are wiped after use.
template <std::size_t N, class Word, class Ready, class... Parts>
HOOKSIG_ALWAYS_INLINE bool sha256_hmac_loaded(Word&& word, Ready&& ready, std::uint8_t* const (&out)[N],
                                              const Parts&... parts) noexcept {
#if HOOKSIG_HAS_SHA_NI
    if (sha256_uses_x86_sha_ni()) {
        const std::string_view views[] = {std::string_view(parts)...};
        return hmac_sha256_sha_ni_loaded<N>(word, ready, views, sizeof...(Parts), out);
    }
#endif
    std::uint32_t states[N][16];
    for (std::size_t c = 0; c < N; ++c)
        for (std::size_t w = 0; w < 8; ++w) {
            const std::uint64_t value = word(c, w);
            std::memcpy(states[c] + 2 * w, &value, sizeof value);
        }
    const bool whole = ready();
    if (whole)
        for (std::size_t c = 0; c < N; ++c) sha256_hmac_engine(states[c], states[c] + 8, out[c], parts...);
    ct::wipe(states, sizeof states);
    return whole;
}

} // namespace hooksig::detail
