// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Slack request signing (api.slack.com, "Verifying requests from Slack").
///
/// Headers: `X-Slack-Request-Timestamp: <unix seconds>` and
/// `X-Slack-Signature: v0=<64 lower-case hex>`; signed content:
/// `v0:{timestamp}:{body}`; key: the app's signing secret as text (it looks
/// like hex but is not decoded). One signature per delivery. The timestamp is
/// parsed strictly before any MAC is computed, and the verifier's window
/// (default 300 s) applies in both directions, as Slack's docs and
/// slack_sdk do (@slack/bolt checks only the past).

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../timestamp.hpp"
#include "detail/mac_header.hpp"

namespace hooksig {

/// The Slack wire scheme (see scheme.hpp for the interface).
struct slack : detail::text_key_single_mac {
    /// "slack".
    std::string_view name() const noexcept { return "slack"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"slack"};
    /// The timestamp is signed.
    bool signs_timestamp() const noexcept { return true; }

    /// Reads both headers in one pass. Errors: missing_header, malformed_header
    /// (repeated, empty, hostile bytes, a version other than `v0=`),
    /// header_too_large, invalid_timestamp.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<2> names({"x-slack-request-timestamp", "x-slack-signature"});
        const header_matches<2> found = find_headers(headers, names);
        std::string_view timestamp, signature;
        if (const std::error_code bad = detail::pick_header(found, 0, 1, timestamp)) return bad;
        if (const std::error_code bad = detail::pick_header(found, 1, 2, signature)) return bad;
        if (const std::error_code bad = parse_timestamp(timestamp, out.timestamp)) return bad;
        out.timestamp_text = timestamp;
        out.has_timestamp = true;
        return detail::read_prefixed_mac(signature, "v0=", detail::mac_encoding::lowercase_hex, out.signatures);
    }

    /// Calls f("v0:", timestamp, ":", body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(std::string_view("v0:"), d.timestamp_text, std::string_view(":"), body);
    }

    /// `x-slack-request-timestamp: <ts>` and `x-slack-signature: v0=<hex>`.
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        if (macs.size == 0) return {};
        return {{"x-slack-request-timestamp", std::string(d.timestamp_text)},
                {"x-slack-signature", "v0=" + detail::encode_mac(macs.mac[0], detail::mac_encoding::lowercase_hex)}};
    }
};

} // namespace hooksig
