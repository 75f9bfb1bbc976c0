// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Header access over whatever container the caller's HTTP server has:
/// std::map, std::multimap, std::unordered_(multi)map, a vector of pairs,
/// cpp-httplib's Headers — any range of elements with `.first`/`.second` (or
/// `.name`/`.value`) convertible to std::string_view. Names match
/// case-insensitively (ASCII); values are used exactly as given.

#include <cstddef>
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

/// ASCII case-insensitive equality of header names.
constexpr bool header_name_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
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

/// Finds the headers named in `names` (lower case) in one pass over `headers`.
/// Does not allocate; the values view the caller's container.
template <class Headers, std::size_t N>
header_matches<N> find_headers(const Headers& headers, const std::string_view (&names)[N]) noexcept {
    header_matches<N> found;
    for (const auto& element : headers) {
        const std::string_view name = detail::header_name_of(element);
        for (std::size_t i = 0; i < N; ++i) {
            if (header_name_equal(name, names[i])) {
                found.value[i] = detail::header_value_of(element);
                if (found.count[i] < 2) ++found.count[i];
            }
        }
    }
    return found;
}

} // namespace hooksig
