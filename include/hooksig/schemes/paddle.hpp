// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Paddle Billing webhooks (developer.paddle.com/webhooks/signature-verification).
///
/// Header: `Paddle-Signature: ts=<unix seconds>;h1=<hex>[;h1=<hex>...]`,
/// semicolon separated `key=value` items; signed content: `{ts}:{body}`; key:
/// the notification destination's secret key as text (`pdl_ntfset_...`).
/// Any `h1` may match (Paddle's docs: "at least one h1"; its Node SDK keeps
/// only the last). Parsed like Stripe's header: lower-case hex, one `ts`.
///
/// Window: Paddle's SDK allows 5 s of age; hooksig's verifier default is
/// 300 s both ways. Pass `verify_options{std::chrono::seconds(5)}` (CLI:
/// `--tolerance 5`) to match the SDK.

#include <cstddef>
#include <string_view>
#include <system_error>
#include <vector>

#include "detail/mac_header.hpp"

namespace hooksig {

/// The Paddle Billing wire scheme (see scheme.hpp for the interface).
struct paddle : detail::text_key_timestamped_list {
    /// Longest `Paddle-Signature` value read.
    static constexpr std::size_t signature_header_max_size = 8192;

    /// "paddle".
    std::string_view name() const noexcept { return "paddle"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"paddle"};

    /// Reads `Paddle-Signature`. Errors: missing_header; malformed_header
    /// (repeated, empty, hostile bytes, an item that is not `key=value`, no or
    /// two `ts`, no `h1`); header_too_large; invalid_timestamp;
    /// too_many_signatures.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<1> names({"paddle-signature"});
        std::string_view value;
        if (const std::error_code bad = detail::pick_header(find_headers(headers, names), 0, 1, value)) return bad;
        return detail::read_timestamped_list(value, signature_header_max_size, ';', "ts", "h1", out);
    }

    /// Calls f(ts, ":", body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.timestamp_text, std::string_view(":"), body);
    }

    /// `paddle-signature: ts=<ts>;h1=<hex>[;h1=<hex>...]`, one `h1` per MAC.
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        return detail::format_timestamped_list("paddle-signature", ';', "ts", "h1", d, macs);
    }
};

} // namespace hooksig
