// hooksig — webhook signing and verification. MIT License.
#pragma once

/// SHA-256 compression with the x86 SHA extensions (SHA-NI), for the verify
/// hot path. Internal: sha256_engine.hpp dispatches to it when the CPU has the
/// instructions and to Botan's compression function otherwise.
///
/// Why not Botan's SHA-NI code, which is the same algorithm: Botan's
/// SHA_256::compress_digest takes its state as a secure_vector and is reached
/// through the shared library's PLT and a CPUID test on every call. A webhook
/// MAC is two to four compressions, so those per-call costs were a large part
/// of small-body verification (bench/RESULTS.md shows the before and after).
/// This one takes a plain array (the engine keeps it on the stack) and is
/// chosen once per process. tests/unit/test_hmac_fastpath.cpp checks both
/// paths against Botan's HMAC for every key length 0..200 and message length
/// 0..300; the fuzz target fuzz_hmac compares them too.
///
/// The round structure is Intel's published one (Gulley et al., "Intel SHA
/// Extensions", 2013), as in Botan, OpenSSL and Linux. The instructions take
/// constant time; nothing here branches on or indexes by data.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "cpu_x86.hpp"

#if HOOKSIG_X86_EXTENSIONS && !defined(HOOKSIG_NO_SHA_NI)
#define HOOKSIG_HAS_SHA_NI 1
#else
#define HOOKSIG_HAS_SHA_NI 0
#endif

namespace hooksig::detail {

#if HOOKSIG_HAS_SHA_NI

/// The 64 SHA-256 round constants, four per 16-byte load.
alignas(16) inline constexpr std::uint32_t sha256_round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define HOOKSIG_SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define HOOKSIG_SHA_NI_INLINE HOOKSIG_SHA_NI_TARGET inline __attribute__((always_inline))

// Four rounds: the scheduled words w (with their constants added) go through
// two sha256rnds2, the upper pair after the shuffle.
#define HOOKSIG_SHA256_ROUNDS4(w, group)                                                                             \
    do {                                                                                                             \
        msg = _mm_add_epi32((w), _mm_load_si128(reinterpret_cast<const __m128i*>(k + 4 * (group))));                \
        state1 = _mm_sha256rnds2_epu32(state1, state0, msg);                                                         \
        msg = _mm_shuffle_epi32(msg, 0x0E);                                                                          \
        state0 = _mm_sha256rnds2_epu32(state0, state1, msg);                                                         \
    } while (0)

// Message schedule: next = msg2(next + alignr(cur, prev, 4), cur).
#define HOOKSIG_SHA256_SCHEDULE2(next, cur, prev)                                                                    \
    do {                                                                                                             \
        (next) = _mm_add_epi32((next), _mm_alignr_epi8((cur), (prev), 4));                                          \
        (next) = _mm_sha256msg2_epu32((next), (cur));                                                                \
    } while (0)

/// The 64 rounds of one block whose message words are w0..w3 (W0..W15, as
/// 32-bit lanes), on a state held as ABEF / CDGH.
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i& abef, __m128i& cdgh, __m128i w0, __m128i w1, __m128i w2,
                                               __m128i w3) noexcept {
    const std::uint32_t* k = sha256_round_constants;
    __m128i state0 = abef, state1 = cdgh, msg;
    HOOKSIG_SHA256_ROUNDS4(w0, 0);
    HOOKSIG_SHA256_ROUNDS4(w1, 1);
    w0 = _mm_sha256msg1_epu32(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 2);
    w1 = _mm_sha256msg1_epu32(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 3);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = _mm_sha256msg1_epu32(w2, w3);
    // Groups 4..15: the four words rotate through w0..w3.
    HOOKSIG_SHA256_ROUNDS4(w0, 4);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = _mm_sha256msg1_epu32(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 5);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    w0 = _mm_sha256msg1_epu32(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 6);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    w1 = _mm_sha256msg1_epu32(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 7);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = _mm_sha256msg1_epu32(w2, w3);
    HOOKSIG_SHA256_ROUNDS4(w0, 8);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = _mm_sha256msg1_epu32(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 9);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    w0 = _mm_sha256msg1_epu32(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 10);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    w1 = _mm_sha256msg1_epu32(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 11);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = _mm_sha256msg1_epu32(w2, w3);
    HOOKSIG_SHA256_ROUNDS4(w0, 12);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = _mm_sha256msg1_epu32(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 13);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    HOOKSIG_SHA256_ROUNDS4(w2, 14);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    HOOKSIG_SHA256_ROUNDS4(w3, 15);
    abef = _mm_add_epi32(state0, abef);
    cdgh = _mm_add_epi32(state1, cdgh);
}

#undef HOOKSIG_SHA256_ROUNDS4
#undef HOOKSIG_SHA256_SCHEDULE2

/// The byte shuffle between big-endian message bytes and 32-bit lanes.
HOOKSIG_SHA_NI_INLINE __m128i sha256_byte_swap_mask() noexcept {
    return _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
}

/// One 64-byte block of message bytes at `data`.
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i& abef, __m128i& cdgh, const std::uint8_t* data) noexcept {
    const __m128i swap = sha256_byte_swap_mask();
    sha256_block_sha_ni(abef, cdgh,
                        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data)), swap),
                        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16)), swap),
                        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 32)), swap),
                        _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 48)), swap));
}

/// a..h (8 words) to the instructions' ABEF / CDGH layout.
HOOKSIG_SHA_NI_INLINE void sha256_load_state_sha_ni(const std::uint32_t* state, __m128i& abef, __m128i& cdgh) noexcept {
    const __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1); // CDAB
    const __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);
    abef = _mm_alignr_epi8(dcba, efgh, 8);
    cdgh = _mm_blend_epi16(efgh, dcba, 0xF0);
}

/// ABEF / CDGH back to a..h as two vectors of lanes (a, b, c, d) and (e, f, g, h).
HOOKSIG_SHA_NI_INLINE void sha256_unpack_state_sha_ni(__m128i abef, __m128i cdgh, __m128i& abcd, __m128i& efgh) noexcept {
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    abcd = _mm_blend_epi16(feba, dchg, 0xF0);
    efgh = _mm_alignr_epi8(dchg, feba, 8);
}

/// Copies `n` < 64 bytes inline with overlapping 16-, 8-, 4-byte moves. The
/// parts of a signed message (id, ".", timestamp, ...) are a few bytes each;
/// a library memcpy call per part cost more than a SHA-256 block did.
HOOKSIG_SHA_NI_INLINE void sha256_copy_small(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept {
    if (n >= 16) {
        std::size_t i = 0;
        for (; i + 16 < n; i += 16)
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 16)));
    } else if (n >= 8) {
        std::uint64_t a, b;
        std::memcpy(&a, src, 8);
        std::memcpy(&b, src + n - 8, 8);
        std::memcpy(dst, &a, 8);
        std::memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        std::uint32_t a, b;
        std::memcpy(&a, src, 4);
        std::memcpy(&b, src + n - 4, 4);
        std::memcpy(dst, &a, 4);
        std::memcpy(dst + n - 4, &b, 4);
    } else {
        for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
}

/// Compresses `blocks` 64-byte blocks at `data` into the chaining state
/// `state` (8 words, a..h). Constant time.
HOOKSIG_SHA_NI_TARGET inline void sha256_compress_sha_ni(std::uint32_t state[8], const std::uint8_t* data,
                                                         std::size_t blocks) noexcept {
    __m128i abef, cdgh;
    sha256_load_state_sha_ni(state, abef, cdgh);
    for (; blocks != 0; --blocks, data += 64) sha256_block_sha_ni(abef, cdgh, data);
    __m128i abcd, efgh;
    sha256_unpack_state_sha_ni(abef, cdgh, abcd, efgh);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), abcd);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), efgh);
}

/// HMAC-SHA256 over the concatenation of `count` parts, from the key's
/// prepared inner and outer chaining states, in one function so the state
/// stays in registers from the first block to the tag: the message's blocks,
/// its padding block(s), then the outer block built from the inner digest
/// without a trip through memory. The partial block buffer holds message bytes
/// only (no key material) and is not wiped.
HOOKSIG_SHA_NI_TARGET inline void hmac_sha256_sha_ni(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                                     const std::string_view* parts, std::size_t count,
                                                     std::uint8_t out[32]) noexcept {
    __m128i abef, cdgh;
    sha256_load_state_sha_ni(inner, abef, cdgh);
    alignas(16) std::uint8_t block[64];
    std::size_t buffered = 0;
    std::uint64_t total = 64; // the ipad block
    for (std::size_t p = 0; p < count; ++p) {
        const auto* data = reinterpret_cast<const std::uint8_t*>(parts[p].data());
        std::size_t size = parts[p].size();
        if (size == 0) continue; // data() may be null
        total += size;
        if (buffered != 0 || size < 64) {
            const std::size_t take = size < 64 - buffered ? size : 64 - buffered;
            sha256_copy_small(block + buffered, data, take);
            buffered += take;
            data += take;
            size -= take;
            if (buffered < 64) continue;
            sha256_block_sha_ni(abef, cdgh, block);
            buffered = 0;
        }
        for (; size >= 64; size -= 64, data += 64) sha256_block_sha_ni(abef, cdgh, data);
        if (size != 0) {
            sha256_copy_small(block, data, size);
            buffered = size;
        }
    }
    // Padding: 0x80, zeros, the bit length in the last 8 bytes.
    block[buffered++] = 0x80;
    if (buffered > 56) {
        std::memset(block + buffered, 0, 64 - buffered);
        sha256_block_sha_ni(abef, cdgh, block);
        buffered = 0;
    }
    std::memset(block + buffered, 0, 56 - buffered);
    const std::uint64_t bits = total * 8;
    for (int i = 0; i < 8; ++i) block[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    sha256_block_sha_ni(abef, cdgh, block);

    // Outer hash: one block of the inner digest (words W0..W7), 0x80, and the
    // length 96 bytes = 768 bits.
    __m128i digest_low, digest_high;
    sha256_unpack_state_sha_ni(abef, cdgh, digest_low, digest_high);
    sha256_load_state_sha_ni(outer, abef, cdgh);
    sha256_block_sha_ni(abef, cdgh, digest_low, digest_high, _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000U)),
                        _mm_set_epi32(768, 0, 0, 0));
    __m128i abcd, efgh;
    sha256_unpack_state_sha_ni(abef, cdgh, abcd, efgh);
    const __m128i swap = sha256_byte_swap_mask();
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(abcd, swap));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_shuffle_epi8(efgh, swap));
}

#endif // HOOKSIG_HAS_SHA_NI

} // namespace hooksig::detail
