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

#include "detail/config.hpp"
#include "detail/text_scan.hpp"

namespace hooksig {

/// A header a signer produces: name and value.
struct header {
    std::string name;  ///< header name, lower case
    std::string value; ///< header value
};

namespace detail {
/// ASCII case-insensitive equality of one byte.
constexpr bool ascii_iequal(char x, char y) noexcept {
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    return x == y;
}
} // namespace detail

/// ASCII case-insensitive equality of header names.
HOOKSIG_ALWAYS_INLINE constexpr bool header_name_equal(std::string_view a, std::string_view b) noexcept {
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
    unsigned count[N] = {}; ///< how many times each name appeared (2+ means repeated)

    /// The value of name `i` (its last occurrence), or an empty view when it
    /// did not appear.
    std::string_view value(std::size_t i) const noexcept {
        return count[i] != 0 ? std::string_view(value_data_[i], value_size_[i]) : std::string_view();
    }
    /// Records an occurrence of name `i` with value `v`.
    void add(std::size_t i, std::string_view v) noexcept {
        value_data_[i] = v.data();
        value_size_[i] = v.size();
        if (count[i] < 2) ++count[i];
    }

private:
    // Written only where a name is found and read only where count says so:
    // left uninitialized, since zeroing them cost more than the lookup itself.
    const char* value_data_[N];
    std::size_t value_size_[N];
};

namespace detail {
/// The first and last bytes of a name as two words, so one comparison each
/// covers a name of up to 16 bytes: 8-byte words at 0 and n-8 when n >= 8,
/// 4-byte words at 0 and n-4 when 4 <= n < 8, the bytes themselves below 4.
/// Reads only within [p, p+n).
HOOKSIG_ALWAYS_INLINE constexpr void load_name_ends(std::string_view s, std::uint64_t& head,
                                                  std::uint64_t& tail) noexcept {
    const std::size_t n = s.size();
    if (n >= 8) {
        head = load_le64(s, 0);
        tail = load_le64(s, n - 8);
        return;
    }
    std::uint64_t h = 0, t = 0;
    if (n >= 4) {
        for (std::size_t k = 0; k < 4; ++k) {
            h |= std::uint64_t{static_cast<unsigned char>(s[k])} << (8 * k);
            t |= std::uint64_t{static_cast<unsigned char>(s[n - 4 + k])} << (8 * k);
        }
    } else {
        for (std::size_t k = 0; k < n; ++k) h |= std::uint64_t{static_cast<unsigned char>(s[k])} << (8 * k);
    }
    head = h;
    tail = t;
}
} // namespace detail

/// N header names (lower case, all different) prepared once for find_headers:
/// their lengths as a bitmap and the case-folded words at both ends of each.
/// Build it `static constexpr` so the preparation happens at compile time.
template <std::size_t N>
struct header_name_set {
    std::string_view name[N] = {};   ///< the names, as given
    std::uint64_t head[N] = {};      ///< case-folded first word of each (see detail::load_name_ends)
    std::uint64_t tail[N] = {};      ///< case-folded last word of each
    std::uint64_t length_bits = 0;   ///< bit n set when a name has length n < 64
    bool long_names = false;         ///< whether a name is 64 bytes or longer

    /// Prepares `names`.
    constexpr explicit header_name_set(const std::string_view (&names)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            name[i] = names[i];
            detail::load_name_ends(names[i], head[i], tail[i]);
            head[i] = detail::ascii_lower8(head[i]);
            tail[i] = detail::ascii_lower8(tail[i]);
            if (names[i].size() < 64) length_bits |= std::uint64_t{1} << names[i].size();
            else long_names = true;
        }
    }
};

namespace detail {
// Whether `word` equals `lower` (a case-folded name word) ASCII
// case-insensitively. Case folding changes only bit 5, so words that differ in
// any other bit cannot match: that test rejects other names in two
// operations; the exact test then passes lower-case input as is and folds
// only what differs.
HOOKSIG_ALWAYS_INLINE constexpr bool word_iequal(std::uint64_t word, std::uint64_t lower) noexcept {
    constexpr std::uint64_t case_bits = 0x2020202020202020;
    return ((word ^ lower) & ~case_bits) == 0 && (word == lower || ascii_lower8(word) == lower);
}

// The index of the name `name` equals (case-insensitively), or N. `head` and
// `tail` are the name's end words as received. Unrolled over the names, so
// with a constexpr set each test compares against immediates.
template <std::size_t N, std::size_t... I>
HOOKSIG_ALWAYS_INLINE std::size_t match_name(const header_name_set<N>& set, std::string_view name, std::uint64_t head,
                                             std::uint64_t tail, std::index_sequence<I...>) noexcept {
    std::size_t found = N;
    // Ends first: they reject nearly every other name; names over 16 bytes
    // then compare in full.
    (void)((name.size() == set.name[I].size() && word_iequal(head, set.head[I]) && word_iequal(tail, set.tail[I]) &&
            (name.size() <= 16 || header_name_equal(name, set.name[I])) && ((found = I), true)) ||
           ...);
    return found;
}
} // namespace detail

/// Finds the headers named in `names` in one pass over `headers`. Does not
/// allocate; the values view the caller's container. Names match ASCII
/// case-insensitively.
template <class Headers, std::size_t N>
HOOKSIG_ALWAYS_INLINE header_matches<N> find_headers(const Headers& headers, const header_name_set<N>& names) noexcept {
    header_matches<N> found;
    for (const auto& element : headers) {
        const std::string_view name = detail::header_name_of(element);
        // Most of a request's headers (Host, Accept, User-Agent, ...) are
        // skipped on their length alone.
        if (name.size() < 64 ? ((names.length_bits >> name.size()) & 1) == 0 : !names.long_names) continue;
        std::uint64_t head = 0, tail = 0;
        detail::load_name_ends(name, head, tail);
        const std::size_t i = detail::match_name(names, name, head, tail,
                                                 std::make_index_sequence<N>{});
        if (i == N) continue;
        found.add(i, detail::header_value_of(element));
    }
    return found;
}

/// Finds the headers named in `names` (lower case, all different) in one pass
/// over `headers`; prepares the names on each call (pass a constexpr
/// header_name_set on hot paths).
template <class Headers, std::size_t N>
header_matches<N> find_headers(const Headers& headers, const std::string_view (&names)[N]) noexcept {
    const header_name_set<N> set(names);
    return find_headers(headers, set);
}

} // namespace hooksig
