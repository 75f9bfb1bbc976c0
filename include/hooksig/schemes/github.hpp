// hooksig — webhook signing and verification. MIT License.
#pragma once

/// GitHub webhooks (docs.github.com, "Validating webhook deliveries").
///
/// Header: `X-Hub-Signature-256: sha256=<64 lower-case hex>`; signed content:
/// the raw body; key: the webhook secret as text. One signature per delivery
/// and no timestamp (deduplicate on `X-GitHub-Delivery`). The legacy SHA-1
/// `X-Hub-Signature` is ignored. Upper-case hex is rejected, as
/// @octokit/webhooks-methods' text comparison rejects it.

#include <string_view>
#include <system_error>
#include <vector>

#include "detail/mac_header.hpp"

namespace hooksig {

/// The GitHub wire scheme (see scheme.hpp for the interface).
struct github : detail::body_mac_scheme {
    /// "github".
    std::string_view name() const noexcept { return "github"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"github"};

    /// Reads `X-Hub-Signature-256`. Errors: missing_header, malformed_header
    /// (repeated, empty, hostile bytes, no `sha256=` prefix), header_too_large.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<1> names({"x-hub-signature-256"});
        return detail::parse_single_mac(headers, names, "sha256=", detail::mac_encoding::lowercase_hex, out);
    }

    /// `x-hub-signature-256: sha256=<hex>`.
    std::vector<header> format(const delivery&, const signature_list& macs) const {
        return detail::format_single_mac("x-hub-signature-256", "sha256=", detail::mac_encoding::lowercase_hex, macs);
    }
};

} // namespace hooksig
