// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Header access over whatever container the caller's HTTP server has:
/// std::map, std::multimap, std::unordered_(multi)map, a vector of pairs,
/// cpp-httplib's Headers — any range of elements with `.first`/`.second` (or
/// `.name`/`.value`) convertible to std::string_view. Names match
/// case-insensitively (ASCII); values are used exactly as given.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace hooksig {

/// A header a signer produces: name and value.
struct header {
    std::string name;  ///< header name, lower case
    std::string value; ///< header value
};

namespace detail {
/// Bytes `s[i..i+8)` as a little-endian word: one load at run time.
constexpr std::uint64_t load_le64(std::string_view s, std::size_t i) noexcept {
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
constexpr std::uint64_t ascii_lower8(std::uint64_t word) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    const std::uint64_t low7 = word & ~high;                     // no carries between bytes below
    const std::uint64_t at_least_a = low7 + (0x80 - 'A') * ones; // high bit set where byte >= 'A'
    const std::uint64_t above_z = low7 + (0x7F - 'Z') * ones;    // high bit set where byte > 'Z'
    const std::uint64_t upper = at_least_a & ~above_z & ~word & high;
    return word | (upper >> 2); // 0x80 >> 2 == 0x20, the case bit
}

/// ASCII case-insensitive equality of one byte.
constexpr bool ascii_iequal(char x, char y) noexcept {
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    return x == y;
}
} // namespace detail

/// ASCII case-insensitive equality of header names.
constexpr bool header_name_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    const std::size_t n = a.size();
    if (n < 8) {
        for (std::size_t i = 0; i < n; ++i)
            if (!detail::ascii_iequal(a[i], b[i])) return false;
        return true;
    }
    // Eight bytes per step on the verify hot path (case folding only when the
    // words differ); the last word overlaps the one before it when the length
    // is not a multiple of eight.
    for (std::size_t i = 0;; i += 8) {
        const std::size_t at = i + 8 <= n ? i : n - 8;
        const std::uint64_t x = detail::load_le64(a, at), y = detail::load_le64(b, at);
        if (x != y && detail::ascii_lower8(x) != detail::ascii_lower8(y)) return false;
        if (at + 8 == n) return true;
    }
}

namespace detail {
template <class T, class = void>
struct has_first_second : std::false_type {};
template <class T>
struct has_first_second<T, std::void_t<decltype(std::declval<const T&>().first), decltype(std::declval<const T&>().second)>>
    : std::true_type {};

template <class Element>
std::string_view header_name_of(const Element& e) noexcept {
    if constexpr (has_first_second<Element>::value) return std::string_view(e.first);
    else return std::string_view(e.name);
}
template <class Element>
std::string_view header_value_of(const Element& e) noexcept {
    if constexpr (has_first_second<Element>::value) return std::string_view(e.second);
    else return std::string_view(e.value);
}
} // namespace detail

/// The result of looking up N header names in one pass.
template <std::size_t N>
struct header_matches {
    std::string_view value[N] = {}; ///< the (last) value seen for each name
    unsigned count[N] = {};         ///< how many times each name appeared (2+ means repeated)
};

/// Finds the headers named in `names` (lower case, all different) in one pass
/// over `headers`. Does not allocate; the values view the caller's container.
template <class Headers, std::size_t N>
header_matches<N> find_headers(const Headers& headers, const std::string_view (&names)[N]) noexcept {
    header_matches<N> found;
    // One bit per name length below 64: most of a request's headers (Host,
    // Accept, User-Agent, ...) are skipped on their length alone.
    std::uint64_t lengths = 0;
    bool long_names = false;
    for (const std::string_view n : names) {
        if (n.size() < 64) lengths |= std::uint64_t{1} << n.size();
        else long_names = true;
    }
    for (const auto& element : headers) {
        const std::string_view name = detail::header_name_of(element);
        if (name.size() < 64 ? ((lengths >> name.size()) & 1) == 0 : !long_names) continue;
        for (std::size_t i = 0; i < N; ++i) {
            if (header_name_equal(name, names[i])) {
                found.value[i] = detail::header_value_of(element);
                if (found.count[i] < 2) ++found.count[i];
                break; // names are all different: no other can match
            }
        }
    }
    return found;
}

} // namespace hooksig
