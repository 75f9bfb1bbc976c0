// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Square webhooks (developer.squareup.com/docs/webhooks/step3validate).
///
/// Header: `x-square-hmacsha256-signature: <padded standard base64>`; signed
/// content: the subscription's notification URL, byte for byte as registered
/// (scheme, host, path, trailing slash, query), followed by the raw body; key:
/// the subscription's signature key as text. One signature, no timestamp
/// (deduplicate on the event id). Behind a proxy, configure the registered
/// URL rather than rebuilding it from the request. The legacy SHA-1
/// `x-square-signature` is ignored.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "detail/mac_header.hpp"

namespace hooksig {

/// The Square wire scheme (see scheme.hpp for the interface). There is no
/// default constructor: the notification URL is part of every MAC.
class square : public detail::text_key_single_mac {
public:
    /// Longest notification URL accepted.
    static constexpr std::size_t url_max_size = 2048;

    /// Signs and verifies for the subscription registered at `notification_url`.
    /// Throws hooksig::error(errc::invalid_argument) unless
    /// is_valid_notification_url(notification_url).
    explicit square(std::string notification_url) : url_(std::move(notification_url)) {
        if (!is_valid_notification_url(url_)) throw error(errc::invalid_argument);
    }

    /// True when `url` has 1 to url_max_size characters, all visible ASCII
    /// (no spaces, controls or non-ASCII bytes: Square registers encoded URLs).
    static bool is_valid_notification_url(std::string_view url) noexcept {
        return !url.empty() && url.size() <= url_max_size && url.find(' ') == std::string_view::npos &&
               is_visible_ascii(url);
    }

    /// "square".
    std::string_view name() const noexcept { return "square"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"square"};
    /// For the registry: the notification URL from `config.url` (required).
    static scheme_choice_error configure(const scheme_config& config, std::optional<square>& out) {
        if (config.header_name) return {errc::invalid_argument, "--header-name applies to --scheme raw-hex and raw-base64"};
        if (!config.url) return {errc::invalid_argument, "--scheme square needs --url (the subscription's notification URL)"};
        if (!is_valid_notification_url(*config.url))
            return {errc::invalid_argument, "--url needs 1 to 2048 visible ASCII characters"};
        out.emplace(*config.url);
        return {};
    }
    /// No timestamp is signed.
    bool signs_timestamp() const noexcept { return false; }
    /// The notification URL this scheme signs with.
    const std::string& notification_url() const noexcept { return url_; }

    /// Reads `x-square-hmacsha256-signature`. Errors: missing_header,
    /// malformed_header (repeated, empty, hostile bytes), header_too_large.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<1> names({"x-square-hmacsha256-signature"});
        return detail::parse_single_mac(headers, names, "", detail::mac_encoding::base64, out);
    }

    /// Calls f(notification URL, body).
    template <class F>
    void signed_content(const delivery&, std::string_view body, F&& f) const noexcept {
        f(std::string_view(url_), body);
    }

    /// `x-square-hmacsha256-signature: <base64>`.
    std::vector<header> format(const delivery&, const signature_list& macs) const {
        return detail::format_single_mac("x-square-hmacsha256-signature", "", detail::mac_encoding::base64, macs);
    }

private:
    std::string url_;
};

} // namespace hooksig
