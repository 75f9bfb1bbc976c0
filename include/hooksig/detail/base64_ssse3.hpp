// hooksig — webhook signing and verification. MIT License.
#pragma once

/// SSSE3 decoding of 16 base64 characters at a time, for received (public)
/// signatures. Internal: encoding.hpp's base64_decode_public calls it.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cpu.hpp"

#if HOOKSIG_X86_EXTENSIONS
#include <tmmintrin.h>

namespace hooksig::detail {

/// Decodes `blocks` blocks of 16 base64 characters at `p` (no padding) into
/// 12 bytes each at `out`. Returns false when a character is outside the
/// alphabet (then `out` holds garbage). SSSE3: a character's validity is a
/// table lookup on its low nibble ANDed with one on its high nibble; its
/// value is itself plus an offset looked up by high nibble ('/' adjusted);
/// two multiply-adds pack four 6-bit values into 3 bytes (the method of
/// Muła and Lemire, "Faster Base64 Encoding and Decoding Using AVX2
/// Instructions", 2018, at SSE width).
__attribute__((target("ssse3"))) inline bool base64_decode_blocks_ssse3(const unsigned char* p, std::size_t blocks,
                                                                        std::uint8_t* out) noexcept {
    // Bit per high-nibble class: 2 -> 0x01, 3 -> 0x02, 4 -> 0x04, 5 -> 0x08, 6 -> 0x10, 7 -> 0x20.
    const __m128i high_class = _mm_setr_epi8(0, 0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
    // Per low nibble, the classes in which it is valid: '+' (2B) and '/' (2F);
    // digits 30..39; letters 41..4F, 50..5A, 61..6F, 70..7A.
    const __m128i low_valid = _mm_setr_epi8(0x02 | 0x08 | 0x20,                      // 0
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 1
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 2
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 3
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 4
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 5
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 6
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 7
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 8
                                            0x02 | 0x04 | 0x08 | 0x10 | 0x20,        // 9
                                            0x04 | 0x08 | 0x10 | 0x20,               // A
                                            0x01 | 0x04 | 0x10,                      // B ('+')
                                            0x04 | 0x10,                             // C
                                            0x04 | 0x10,                             // D
                                            0x04 | 0x10,                             // E
                                            0x01 | 0x04 | 0x10);                     // F ('/')
    // Value = character + offset[high nibble]: '+' +19, digits +4, A-Z -65, a-z -71; '/' gets +16 below.
    const __m128i offset = _mm_setr_epi8(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nibble = _mm_set1_epi8(0x0F);
    const __m128i pack_order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    __m128i invalid = _mm_setzero_si128();
    for (std::size_t b = 0; b < blocks; ++b, p += 16, out += 12) {
        const __m128i chars = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Bytes >= 0x80 fall in classes 8..15, none of them valid.
        const __m128i high = _mm_and_si128(_mm_srli_epi32(chars, 4), nibble);
        const __m128i low = _mm_and_si128(chars, nibble);
        const __m128i valid = _mm_and_si128(_mm_shuffle_epi8(low_valid, low), _mm_shuffle_epi8(high_class, high));
        invalid = _mm_or_si128(invalid, _mm_cmpeq_epi8(valid, _mm_setzero_si128()));
        const __m128i slash = _mm_cmpeq_epi8(chars, _mm_set1_epi8('/'));
        const __m128i shift = _mm_add_epi8(_mm_shuffle_epi8(offset, high), _mm_and_si128(slash, _mm_set1_epi8(-3)));
        const __m128i values = _mm_add_epi8(chars, shift);
        const __m128i pairs = _mm_maddubs_epi16(values, _mm_set1_epi32(0x01400140));  // v0<<6|v1, v2<<6|v3
        const __m128i words = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00011000));      // 24 bits per lane
        const __m128i bytes = _mm_shuffle_epi8(words, pack_order);
        _mm_storel_epi64(reinterpret_cast<__m128i*>(out), bytes);
        const int tail = _mm_cvtsi128_si32(_mm_srli_si128(bytes, 8));
        std::memcpy(out + 8, &tail, 4);
    }
    return _mm_movemask_epi8(invalid) == 0;
}

} // namespace hooksig::detail

#endif // HOOKSIG_X86_EXTENSIONS
