// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Word-at-a-time and SSE2 scans of header text: byte-range checks, byte
/// search, ASCII case folding. Internal: headers.hpp, timestamp.hpp and the
/// schemes use them. The SWAR forms also run in constant evaluation and on
/// targets without SSE2.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "config.hpp"
#include "cpu.hpp"

#if HOOKSIG_X86_EXTENSIONS
#include <emmintrin.h>
#endif

namespace hooksig::detail {

/// Bytes `s[i..i+8)` as a little-endian word: one load at run time.
HOOKSIG_ALWAYS_INLINE constexpr std::uint64_t load_le64(std::string_view s, std::size_t i) noexcept {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (!__builtin_is_constant_evaluated()) {
        std::uint64_t loaded = 0;
        std::memcpy(&loaded, s.data() + i, sizeof loaded);
        return loaded;
    }
#endif
    std::uint64_t word = 0;
    for (std::size_t k = 0; k < 8; ++k) word |= std::uint64_t{static_cast<unsigned char>(s[i + k])} << (8 * k);
    return word;
}

/// The word with every ASCII upper-case letter byte (A-Z) made lower case; all
/// other bytes, non-ASCII included, unchanged. Eight bytes at once (SWAR).
HOOKSIG_ALWAYS_INLINE constexpr std::uint64_t ascii_lower8(std::uint64_t word) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    const std::uint64_t low7 = word & ~high;                     // no carries between bytes below
    const std::uint64_t at_least_a = low7 + (0x80 - 'A') * ones; // high bit set where byte >= 'A'
    const std::uint64_t above_z = low7 + (0x7F - 'Z') * ones;    // high bit set where byte > 'Z'
    const std::uint64_t upper = at_least_a & ~above_z & ~word & high;
    return word | (upper >> 2); // 0x80 >> 2 == 0x20, the case bit
}

/// True when every byte of `word` lies in [lo, hi], for 1 <= lo <= hi <= 0x7E.
HOOKSIG_ALWAYS_INLINE constexpr bool bytes_in_range(std::uint64_t word, unsigned lo, unsigned hi) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    // For bytes below 0x80 neither sum carries into the next byte; a byte at or
    // above 0x80 fails through `word` itself, whatever the carries do.
    const std::uint64_t at_least_lo = word + (0x80 - lo) * ones; // high bit set where byte >= lo
    const std::uint64_t above_hi = word + (0x7F - hi) * ones;    // high bit set where byte > hi
    return ((word | ~at_least_lo | above_hi) & high) == 0;
}

/// True when every byte of `s` lies in [lo, hi] (1 <= lo <= hi <= 0x7E),
/// checked eight bytes per step.
HOOKSIG_ALWAYS_INLINE constexpr bool all_bytes_in_range(std::string_view s, unsigned lo, unsigned hi) noexcept {
    const std::size_t n = s.size();
#if HOOKSIG_X86_EXTENSIONS // SSE2 is part of x86-64
    if (n >= 16 && !__builtin_is_constant_evaluated()) {
        // Sixteen bytes per step, compared as signed bytes: 0x80..0xFF are
        // negative, so below `lo` too. No early exit: one test at the end.
        const __m128i below = _mm_set1_epi8(static_cast<char>(lo)), above = _mm_set1_epi8(static_cast<char>(hi));
        __m128i outside = _mm_setzero_si128();
        for (std::size_t i = 0;; i += 16) {
            const std::size_t at = i + 16 <= n ? i : n - 16; // the last step may overlap
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
            outside = _mm_or_si128(outside, _mm_or_si128(_mm_cmplt_epi8(x, below), _mm_cmpgt_epi8(x, above)));
            if (at + 16 == n) break;
        }
        return _mm_movemask_epi8(outside) == 0;
    }
#endif
    if (n < 8) {
        for (const char c : s)
            if (static_cast<unsigned char>(c) < lo || static_cast<unsigned char>(c) > hi) return false;
        return true;
    }
    for (std::size_t i = 0;; i += 8) {
        const std::size_t at = i + 8 <= n ? i : n - 8; // the last word may overlap
        if (!bytes_in_range(load_le64(s, at), lo, hi)) return false;
        if (at + 8 == n) return true;
    }
}

/// The position of the first `c` in `s` at or after `pos`, or npos. Inline,
/// sixteen bytes per step: a header's separators are a few dozen bytes apart,
/// where a call to memchr costs more than the search.
HOOKSIG_ALWAYS_INLINE std::size_t find_byte(std::string_view s, std::size_t pos, char c) noexcept {
    const std::size_t n = s.size();
#if HOOKSIG_X86_EXTENSIONS // SSE2 is part of x86-64
    if (n >= 16) {
        const __m128i needle = _mm_set1_epi8(c);
        for (; pos + 16 <= n; pos += 16) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + pos));
            const auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, needle)));
            if (hits != 0) return pos + static_cast<std::size_t>(__builtin_ctz(hits));
        }
        if (pos < n) { // the last 16 bytes, without those before pos
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + n - 16));
            const auto hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, needle))) >> (16 - (n - pos));
            if (hits != 0) return pos + static_cast<std::size_t>(__builtin_ctz(hits));
        }
        return std::string_view::npos;
    }
#endif
    for (; pos < n; ++pos)
        if (s[pos] == c) return pos;
    return std::string_view::npos;
}

} // namespace hooksig::detail
