// hooksig — webhook signing and verification. MIT License.
#pragma once

/// SHA-256 with the x86 SHA extensions (SHA-NI): a compression function and
/// fused HMAC kernels that keep the state in registers from the first block
/// to the tag. Internal: only sha256.hpp calls it. The round structure is
/// Intel's published one (Gulley et al., "Intel SHA Extensions", 2013), as in
/// Botan, OpenSSL and Linux; nothing branches on or indexes by data.
/// Measurements behind its shape: bench/README.md ("SHA-NI kernels").

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../config.hpp"
#include "../cpu.hpp"
#include "../../ct.hpp"
#include "portable.hpp"

#if HOOKSIG_X86_EXTENSIONS && !defined(HOOKSIG_NO_SHA_NI)
#define HOOKSIG_HAS_SHA_NI 1
#include <smmintrin.h> // SSE2 to SSE4.1; the SHA instructions come as builtins below
#else
#define HOOKSIG_HAS_SHA_NI 0
#endif

namespace hooksig::detail {

#if HOOKSIG_HAS_SHA_NI

#define HOOKSIG_SHA_NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define HOOKSIG_SHA_NI_INLINE HOOKSIG_SHA_NI_TARGET inline __attribute__((always_inline))

// The SHA instructions through the compilers' builtins: their intrinsics live
// only behind <immintrin.h>, which costs more to parse than all of hooksig.
HOOKSIG_SHA_NI_INLINE __m128i sha256_rnds2(__m128i cdgh, __m128i abef, __m128i k) noexcept {
    return __builtin_bit_cast(__m128i, __builtin_ia32_sha256rnds2(__builtin_bit_cast(__v4si, cdgh),
                                                                  __builtin_bit_cast(__v4si, abef),
                                                                  __builtin_bit_cast(__v4si, k)));
}
HOOKSIG_SHA_NI_INLINE __m128i sha256_msg1(__m128i a, __m128i b) noexcept {
    return __builtin_bit_cast(__m128i, __builtin_ia32_sha256msg1(__builtin_bit_cast(__v4si, a),
                                                                 __builtin_bit_cast(__v4si, b)));
}
HOOKSIG_SHA_NI_INLINE __m128i sha256_msg2(__m128i a, __m128i b) noexcept {
    return __builtin_bit_cast(__m128i, __builtin_ia32_sha256msg2(__builtin_bit_cast(__v4si, a),
                                                                 __builtin_bit_cast(__v4si, b)));
}
// The HMAC kernels start on a 64-byte boundary, so their timing does not move
// with unrelated changes to the program (bench/README.md).
#define HOOKSIG_SHA_NI_KERNEL HOOKSIG_SHA_NI_TARGET __attribute__((aligned(64)))

// Four rounds on each of the N chains: the scheduled words w (with their
// constants added) go through two sha256rnds2 per chain, the upper pair after
// the shuffle. The chains share the message schedule.
#define HOOKSIG_SHA256_ROUNDS4(w, group)                                                                             \
    do {                                                                                                             \
        const __m128i low = _mm_add_epi32((w), _mm_load_si128(reinterpret_cast<const __m128i*>(k + 4 * (group))));  \
        const __m128i high = _mm_shuffle_epi32(low, 0x0E);                                                          \
        for (std::size_t c = 0; c < N; ++c) state1[c] = sha256_rnds2(state1[c], state0[c], low);          \
        for (std::size_t c = 0; c < N; ++c) state0[c] = sha256_rnds2(state0[c], state1[c], high);         \
    } while (0)

// Message schedule: next = msg2(next + alignr(cur, prev, 4), cur).
#define HOOKSIG_SHA256_SCHEDULE2(next, cur, prev)                                                                    \
    do {                                                                                                             \
        (next) = _mm_add_epi32((next), _mm_alignr_epi8((cur), (prev), 4));                                          \
        (next) = sha256_msg2((next), (cur));                                                                \
    } while (0)

/// The 64 rounds of one block whose message words are w0..w3 (W0..W15, as
/// 32-bit lanes), on N states held as ABEF / CDGH: one message schedule, N
/// independent round chains. A chain is one long dependency (each
/// sha256rnds2 waits for the one before), so a second chain runs in the
/// first one's shadow: HMACs under two keys of the same content cost about
/// as much as one (bench: BM_verify_rotation).
template <std::size_t N>
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i (&abef)[N], __m128i (&cdgh)[N], __m128i w0, __m128i w1,
                                               __m128i w2, __m128i w3) noexcept {
    const std::uint32_t* k = sha256_round_constants;
    __m128i state0[N], state1[N];
    for (std::size_t c = 0; c < N; ++c) {
        state0[c] = abef[c];
        state1[c] = cdgh[c];
    }
    HOOKSIG_SHA256_ROUNDS4(w0, 0);
    HOOKSIG_SHA256_ROUNDS4(w1, 1);
    w0 = sha256_msg1(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 2);
    w1 = sha256_msg1(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 3);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = sha256_msg1(w2, w3);
    // Groups 4..15: the four words rotate through w0..w3.
    HOOKSIG_SHA256_ROUNDS4(w0, 4);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = sha256_msg1(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 5);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    w0 = sha256_msg1(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 6);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    w1 = sha256_msg1(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 7);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = sha256_msg1(w2, w3);
    HOOKSIG_SHA256_ROUNDS4(w0, 8);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = sha256_msg1(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 9);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    w0 = sha256_msg1(w0, w1);
    HOOKSIG_SHA256_ROUNDS4(w2, 10);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    w1 = sha256_msg1(w1, w2);
    HOOKSIG_SHA256_ROUNDS4(w3, 11);
    HOOKSIG_SHA256_SCHEDULE2(w0, w3, w2);
    w2 = sha256_msg1(w2, w3);
    HOOKSIG_SHA256_ROUNDS4(w0, 12);
    HOOKSIG_SHA256_SCHEDULE2(w1, w0, w3);
    w3 = sha256_msg1(w3, w0);
    HOOKSIG_SHA256_ROUNDS4(w1, 13);
    HOOKSIG_SHA256_SCHEDULE2(w2, w1, w0);
    HOOKSIG_SHA256_ROUNDS4(w2, 14);
    HOOKSIG_SHA256_SCHEDULE2(w3, w2, w1);
    HOOKSIG_SHA256_ROUNDS4(w3, 15);
    for (std::size_t c = 0; c < N; ++c) {
        abef[c] = _mm_add_epi32(state0[c], abef[c]);
        cdgh[c] = _mm_add_epi32(state1[c], cdgh[c]);
    }
}

/// One block on a single state.
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i& abef, __m128i& cdgh, __m128i w0, __m128i w1, __m128i w2,
                                               __m128i w3) noexcept {
    __m128i one_abef[1] = {abef}, one_cdgh[1] = {cdgh};
    sha256_block_sha_ni<1>(one_abef, one_cdgh, w0, w1, w2, w3);
    abef = one_abef[0];
    cdgh = one_cdgh[0];
}

#undef HOOKSIG_SHA256_ROUNDS4
#undef HOOKSIG_SHA256_SCHEDULE2

/// The byte shuffle between big-endian message bytes and 32-bit lanes.
HOOKSIG_SHA_NI_INLINE __m128i sha256_byte_swap_mask() noexcept {
    return _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
}

/// One 64-byte block of message bytes at `data`, on N states.
template <std::size_t N>
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i (&abef)[N], __m128i (&cdgh)[N], const std::uint8_t* data) noexcept {
    const __m128i swap = sha256_byte_swap_mask();
    sha256_block_sha_ni<N>(abef, cdgh,
                           _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data)), swap),
                           _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16)), swap),
                           _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 32)), swap),
                           _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 48)), swap));
}

/// One 64-byte block of message bytes at `data`.
HOOKSIG_SHA_NI_INLINE void sha256_block_sha_ni(__m128i& abef, __m128i& cdgh, const std::uint8_t* data) noexcept {
    __m128i one_abef[1] = {abef}, one_cdgh[1] = {cdgh};
    sha256_block_sha_ni<1>(one_abef, one_cdgh, data);
    abef = one_abef[0];
    cdgh = one_cdgh[0];
}

/// a..h as two vectors of lanes (a, b, c, d) and (e, f, g, h) to the
/// instructions' ABEF / CDGH layout.
HOOKSIG_SHA_NI_INLINE void sha256_pack_state_sha_ni(__m128i abcd, __m128i efgh, __m128i& abef, __m128i& cdgh) noexcept {
    const __m128i dcba = _mm_shuffle_epi32(abcd, 0xB1); // CDAB
    const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
    abef = _mm_alignr_epi8(dcba, hgfe, 8);
    cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);
}

/// a..h (8 words) to the instructions' ABEF / CDGH layout.
HOOKSIG_SHA_NI_INLINE void sha256_load_state_sha_ni(const std::uint32_t* state, __m128i& abef, __m128i& cdgh) noexcept {
    sha256_pack_state_sha_ni(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), abef, cdgh);
}

/// ABEF / CDGH back to a..h as two vectors of lanes (a, b, c, d) and (e, f, g, h).
HOOKSIG_SHA_NI_INLINE void sha256_unpack_state_sha_ni(__m128i abef, __m128i cdgh, __m128i& abcd,
                                                      __m128i& efgh) noexcept {
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    abcd = _mm_blend_epi16(feba, dchg, 0xF0);
    efgh = _mm_alignr_epi8(dchg, feba, 8);
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

/// Byte j of the result is v[j + shift] where 0 <= j + shift < 16, else 0
/// (shift in -15..15): one pshufb with a mask read from a sliding table.
HOOKSIG_SHA_NI_INLINE __m128i sha256_shift_bytes(__m128i v, int shift) noexcept {
    alignas(16) static constexpr signed char table[48] = {
        -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
        0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,   15,
        -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128};
    return _mm_shuffle_epi8(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(table + 16 + shift)));
}

/// The bytes [start, start + 16) of a part of `size` bytes at `data` as a
/// vector, zero where outside [0, size); `start` in (-16, size). Reads only
/// within the part.
HOOKSIG_SHA_NI_INLINE __m128i sha256_part_window(const std::uint8_t* data, std::size_t size,
                                                 std::ptrdiff_t start) noexcept {
    if (size >= 16) {
        const auto last = static_cast<std::ptrdiff_t>(size - 16);
        const std::ptrdiff_t at = start < 0 ? 0 : start > last ? last : start;
        return sha256_shift_bytes(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at)),
                                  static_cast<int>(start - at));
    }
    std::uint64_t low = 0, high = 0;
    if (size >= 8) {
        std::memcpy(&low, data, 8);
        if (size > 8) {
            std::memcpy(&high, data + size - 8, 8);
            high >>= 8 * (16 - size); // drop the bytes `low` holds
        }
    } else if (size >= 4) {
        std::uint32_t first = 0, last = 0;
        std::memcpy(&first, data, 4);
        std::memcpy(&last, data + size - 4, 4);
        low = first | (std::uint64_t{last} << (8 * (size - 4))); // overlapping bytes agree
    } else {
        for (std::size_t i = 0; i < size; ++i) low |= std::uint64_t{data[i]} << (8 * i);
    }
    return sha256_shift_bytes(_mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low)),
                              static_cast<int>(start));
}

/// HMAC-SHA256 over the concatenation of `count` parts, from the key's
/// prepared inner and outer chaining states, in one function so the state
/// stays in registers from the first block to the tag.
///
/// Every block is read straight from the caller's memory: blocks inside one
/// part with four loads; blocks that span parts or hold the padding are
/// gathered in registers from 16-byte windows on the parts, never stored to a
/// buffer and loaded back (store forwarding fails there; bench/README.md).
///
/// This body computes N MACs of the same content under N keys at once (one
/// message schedule, N round chains; see sha256_block_sha_ni). It takes the
/// inner states in the ABEF / CDGH layout; `outer(c, abcd, efgh)` yields key
/// c's outer state as (a, b, c, d), (e, f, g, h) lanes and is called only
/// after the inner hash, so a state in memory is loaded then, not held in
/// registers across the loop. The entry points below read the states from
/// memory or take them in registers.
template <std::size_t N, class OuterState>
HOOKSIG_SHA_NI_INLINE void hmac_sha256_sha_ni_body(__m128i (&abef)[N], __m128i (&cdgh)[N], const OuterState& outer,
                                                   const std::string_view* parts, std::size_t count,
                                                   std::uint8_t* const (&out)[N]) noexcept {
    const __m128i swap = sha256_byte_swap_mask();

    std::size_t content = 0;
    for (std::size_t p = 0; p < count; ++p) content += parts[p].size();
    const std::size_t padded = (content + 9 + 63) / 64 * 64; // content, 0x80, zeros, 8-byte length
    const std::uint64_t bits = (std::uint64_t{content} + 64) * 8; // the ipad block counts

    std::size_t at = 0;         // logical offset of the next block
    std::size_t part = 0;       // first part that ends after `at`
    std::size_t part_start = 0; // its logical offset
    while (at < padded) {
        while (part < count && part_start + parts[part].size() <= at) part_start += parts[part++].size();
        if (part < count && at + 64 <= part_start + parts[part].size()) {
            // Whole blocks inside this part.
            const auto* data = reinterpret_cast<const std::uint8_t*>(parts[part].data()) + (at - part_start);
            const std::size_t blocks = (part_start + parts[part].size() - at) / 64;
            for (std::size_t b = 0; b < blocks; ++b) sha256_block_sha_ni<N>(abef, cdgh, data + 64 * b);
            at += 64 * blocks;
            continue;
        }
        // A block spanning parts, or holding the padding: gather it.
        __m128i w0 = _mm_setzero_si128(), w1 = w0, w2 = w0, w3 = w0;
        std::size_t start = part_start;
        for (std::size_t q = part; q < count && start < at + 64; start += parts[q++].size()) {
            const std::size_t size = parts[q].size();
            if (size == 0) continue; // data() may be null
            const auto* data = reinterpret_cast<const std::uint8_t*>(parts[q].data());
            const std::size_t end = start + size;
            const auto rel = static_cast<std::ptrdiff_t>(at) - static_cast<std::ptrdiff_t>(start);
            if (start < at + 16 && end > at) w0 = _mm_or_si128(w0, sha256_part_window(data, size, rel));
            if (start < at + 32 && end > at + 16) w1 = _mm_or_si128(w1, sha256_part_window(data, size, rel + 16));
            if (start < at + 48 && end > at + 32) w2 = _mm_or_si128(w2, sha256_part_window(data, size, rel + 32));
            if (end > at + 48) w3 = _mm_or_si128(w3, sha256_part_window(data, size, rel + 48));
        }
        if (content >= at && content < at + 64) { // the 0x80 after the content
            const std::size_t pos = content - at;
            const __m128i marker = sha256_shift_bytes(_mm_cvtsi32_si128(0x80), -static_cast<int>(pos % 16));
            switch (pos / 16) {
            case 0: w0 = _mm_or_si128(w0, marker); break;
            case 1: w1 = _mm_or_si128(w1, marker); break;
            case 2: w2 = _mm_or_si128(w2, marker); break;
            default: w3 = _mm_or_si128(w3, marker); break;
            }
        }
        w0 = _mm_shuffle_epi8(w0, swap);
        w1 = _mm_shuffle_epi8(w1, swap);
        w2 = _mm_shuffle_epi8(w2, swap);
        w3 = _mm_shuffle_epi8(w3, swap);
        if (at + 64 == padded) { // the length, as words 14 and 15
            w3 = _mm_insert_epi32(w3, static_cast<int>(bits >> 32), 2);
            w3 = _mm_insert_epi32(w3, static_cast<int>(bits & 0xFFFFFFFFU), 3);
        }
        sha256_block_sha_ni<N>(abef, cdgh, w0, w1, w2, w3);
        at += 64;
    }

    // Outer hash: one block of the inner digest (words W0..W7), 0x80, and the
    // length 96 bytes = 768 bits.
    // The N outer blocks are independent chains; written one after the other,
    // they still overlap in the CPU.
    for (std::size_t c = 0; c < N; ++c) {
        __m128i digest_low, digest_high;
        sha256_unpack_state_sha_ni(abef[c], cdgh[c], digest_low, digest_high);
        __m128i outer_abcd, outer_efgh;
        outer(c, outer_abcd, outer_efgh);
        sha256_pack_state_sha_ni(outer_abcd, outer_efgh, abef[c], cdgh[c]);
        sha256_block_sha_ni(abef[c], cdgh[c], digest_low, digest_high,
                            _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000U)), _mm_set_epi32(768, 0, 0, 0));
    }
    for (std::size_t c = 0; c < N; ++c) {
        __m128i abcd, efgh;
        sha256_unpack_state_sha_ni(abef[c], cdgh[c], abcd, efgh);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[c]), _mm_shuffle_epi8(abcd, swap));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[c] + 16), _mm_shuffle_epi8(efgh, swap));
    }
}

/// HMAC-SHA256 over the concatenation of `count` parts from a key's prepared
/// inner and outer chaining states (8 words each) in memory.
HOOKSIG_SHA_NI_KERNEL inline void hmac_sha256_sha_ni(const std::uint32_t inner[8], const std::uint32_t outer[8],
                                                     const std::string_view* parts, std::size_t count,
                                                     std::uint8_t out[32]) noexcept {
    __m128i abef[1], cdgh[1];
    sha256_load_state_sha_ni(inner, abef[0], cdgh[0]);
    const auto outer_state = [outer](std::size_t, __m128i& abcd, __m128i& efgh) HOOKSIG_SHA_NI_TARGET {
        abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer));
        efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer + 4));
    };
    std::uint8_t* const outs[1] = {out};
    hmac_sha256_sha_ni_body<1>(abef, cdgh, outer_state, parts, count, outs);
}

/// Two keys' MACs of the same parts in one pass (see hmac_sha256_sha_ni_body):
/// `inner[i]`, `outer[i]` are key i's states in memory, its tag goes to `out[i]`.
HOOKSIG_SHA_NI_KERNEL inline void hmac_sha256_sha_ni(const std::uint32_t* const (&inner)[2],
                                                     const std::uint32_t* const (&outer)[2],
                                                     const std::string_view* parts, std::size_t count,
                                                     std::uint8_t* const (&out)[2]) noexcept {
    __m128i abef[2], cdgh[2];
    sha256_load_state_sha_ni(inner[0], abef[0], cdgh[0]);
    sha256_load_state_sha_ni(inner[1], abef[1], cdgh[1]);
    const auto outer_state = [&outer](std::size_t c, __m128i& abcd, __m128i& efgh) HOOKSIG_SHA_NI_TARGET {
        abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer[c]));
        efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer[c] + 4));
    };
    hmac_sha256_sha_ni_body<2>(abef, cdgh, outer_state, parts, count, out);
}

/// A key's prepared states held in registers as (a, b, c, d), (e, f, g, h)
/// lanes: inner then outer.
struct sha256_hmac_state_vectors {
    __m128i inner_abcd, inner_efgh, outer_abcd, outer_efgh;
};

/// HMAC-SHA256 of `count` parts under N keys whose states the caller holds
/// as vectors, into out[0..N): for the keyring's verify path, which loads the
/// states from shared atomic words (and wipes its vectors after the call).
template <std::size_t N>
HOOKSIG_SHA_NI_KERNEL inline void hmac_sha256_sha_ni(const sha256_hmac_state_vectors (&keys)[N],
                                                     const std::string_view* parts, std::size_t count,
                                                     std::uint8_t* const (&out)[N]) noexcept {
    __m128i abef[N], cdgh[N];
    for (std::size_t c = 0; c < N; ++c) sha256_pack_state_sha_ni(keys[c].inner_abcd, keys[c].inner_efgh, abef[c], cdgh[c]);
    const auto outer_state = [&keys](std::size_t c, __m128i& abcd, __m128i& efgh) HOOKSIG_SHA_NI_TARGET {
        abcd = keys[c].outer_abcd;
        efgh = keys[c].outer_efgh;
    };
    hmac_sha256_sha_ni_body<N>(abef, cdgh, outer_state, parts, count, out);
}

/// HMAC-SHA256 of `count` parts under N keys whose prepared states are read
/// as 64-bit words through `word(c, i)` (i = 0..3 the inner state, 4..7 the
/// outer; each word holds two state words as memcpy lays them out), into
/// out[0..N). Computes nothing and returns false unless `ready()` holds once
/// every word is read. The states exist only in registers and this frame,
/// which is wiped with vector stores (a memset became a slow `rep stos`).
template <std::size_t N, class Word, class Ready>
inline bool hmac_sha256_sha_ni_loaded(Word& word, Ready& ready, const std::string_view* parts, std::size_t count,
                                      std::uint8_t* const (&out)[N]) noexcept {
    sha256_hmac_state_vectors keys[N];
    for (std::size_t c = 0; c < N; ++c) {
        const auto pair = [&](std::size_t w) { // x86 is little-endian: word w holds lanes 2w, 2w+1
            return _mm_set_epi64x(static_cast<long long>(word(c, w + 1)), static_cast<long long>(word(c, w)));
        };
        keys[c] = {pair(0), pair(2), pair(4), pair(6)};
    }
    const bool whole = ready();
    if (whole) hmac_sha256_sha_ni<N>(keys, parts, count, out);
    for (sha256_hmac_state_vectors& k : keys) {
        const __m128i zero = _mm_setzero_si128();
        k = {zero, zero, zero, zero};
    }
    keep_stores(keys);
    return whole;
}

#endif // HOOKSIG_HAS_SHA_NI

} // namespace hooksig::detail
