// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Shopify webhooks (shopify.dev, "Client secrets").
///
/// Header: `X-Shopify-Hmac-Sha256: <padded standard base64>` (the newer
/// "events" deliveries use the unprefixed `shopify-hmac-sha256`, read when the
/// `X-` one is absent); signed content: the raw body; key: the app's client
/// secret as text. One signature, no timestamp (`X-Shopify-Triggered-At` is
/// not signed; deduplicate on `X-Shopify-Webhook-Id`). Unpadded or base64url
/// spellings are rejected, as the SDK's text comparison rejects them.

#include <string_view>
#include <system_error>
#include <vector>

#include "detail/mac_header.hpp"

namespace hooksig {

/// The Shopify wire scheme (see scheme.hpp for the interface).
struct shopify : detail::body_mac_scheme {
    /// "shopify".
    std::string_view name() const noexcept { return "shopify"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"shopify"};

    /// Reads `X-Shopify-Hmac-Sha256` (or `shopify-hmac-sha256`). Errors:
    /// missing_header, malformed_header (repeated, empty, hostile bytes),
    /// header_too_large.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<2> names({"x-shopify-hmac-sha256", "shopify-hmac-sha256"});
        return detail::parse_single_mac(headers, names, "", detail::mac_encoding::base64, out);
    }

    /// `x-shopify-hmac-sha256: <base64>`.
    std::vector<header> format(const delivery&, const signature_list& macs) const {
        return detail::format_single_mac("x-shopify-hmac-sha256", "", detail::mac_encoding::base64, macs);
    }
};

} // namespace hooksig
