// hooksig — webhook signing and verification. MIT License.
#pragma once

/// The one table of wire schemes by name, for programs that choose a scheme
/// at run time (the `hooksig` CLI's --scheme, hooksig-receiver's --scheme).
///
/// Adding a scheme: write its header in schemes/ (with `registry_names`, and
/// `configure` when it takes --header-name or --url), add one line to
/// `registered_schemes` below, its tests, and its README row. Nothing else.

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "../error.hpp"
#include "discord.hpp"
#include "github.hpp"
#include "paddle.hpp"
#include "raw.hpp"
#include "shopify.hpp"
#include "slack.hpp"
#include "square.hpp"
#include "standard_webhooks.hpp"
#include "stripe.hpp"

namespace hooksig {

/// A list of types (the registry's rows).
template <class... T>
struct type_list {};

/// Every scheme a program can choose by name, in the order `scheme_names()` lists them.
using registered_schemes =
    type_list<standard_webhooks, stripe, github, slack, shopify, raw_hex, raw_base64, paddle, square, discord>;

namespace detail {

template <class Scheme, class = void>
struct has_configure : std::false_type {};
template <class Scheme>
struct has_configure<Scheme, std::void_t<decltype(Scheme::configure(std::declval<const scheme_config&>(),
                                                                     std::declval<std::optional<Scheme>&>()))>>
    : std::true_type {};

/// Builds Scheme from `config`: its own configure(), or the default
/// constructor for schemes that take no configuration.
template <class Scheme>
scheme_choice_error configure_scheme(const scheme_config& config, std::optional<Scheme>& out) {
    if constexpr (has_configure<Scheme>::value) {
        return Scheme::configure(config, out);
    } else {
        if (config.header_name)
            return {errc::invalid_argument, "--header-name applies to --scheme raw-hex and raw-base64"};
        if (config.url) return {errc::invalid_argument, "--url applies to --scheme square"};
        out.emplace();
        return {};
    }
}

template <class Scheme>
bool named(std::string_view name) noexcept {
    for (const std::string_view n : Scheme::registry_names)
        if (n == name) return true;
    return false;
}

template <class F, class... Schemes>
scheme_choice_error choose_scheme(std::string_view name, const scheme_config& config, F& f, type_list<Schemes...>) {
    scheme_choice_error result{errc::invalid_argument, "unknown scheme"};
    const auto try_one = [&](auto tag) {
        using Scheme = typename decltype(tag)::type;
        if (!named<Scheme>(name)) return false;
        std::optional<Scheme> scheme;
        result = configure_scheme(config, scheme);
        if (result) f(*scheme);
        return true;
    };
    (void)(try_one(std::common_type<Schemes>{}) || ...);
    return result;
}

template <class... Schemes>
std::string names_of(type_list<Schemes...>) {
    std::string out;
    const auto add = [&out](std::string_view n) {
        if (!out.empty()) out += ", ";
        out += n;
    };
    (..., [&] {
        for (const std::string_view n : Schemes::registry_names) add(n);
    }());
    return out;
}

} // namespace detail

/// Calls `f(scheme)` with the registered scheme called `name` (`standard`,
/// `svix`, `stripe`, ...), built from `config`. `f` is called at most once,
/// with a const lvalue of the scheme's own type.
/// @return success, or errc::invalid_argument with a reason: an unknown name,
///         or a configuration the scheme does not take or lacks.
template <class F>
[[nodiscard]] scheme_choice_error with_scheme(std::string_view name, const scheme_config& config, F&& f) {
    return detail::choose_scheme(name, config, f, registered_schemes{});
}

/// The names with_scheme() accepts, comma-separated, for usage texts. Allocates.
inline std::string scheme_names() { return detail::names_of(registered_schemes{}); }

} // namespace hooksig
