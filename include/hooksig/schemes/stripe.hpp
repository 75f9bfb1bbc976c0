// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Stripe webhooks (docs.stripe.com/webhooks, "Verify webhook signatures").
///
/// Header: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, comma
/// separated `key=value` items; signed content: `{t}.{body}`; key: the whole
/// secret string as text, `whsec_` included (not base64-decoded). During a
/// secret roll Stripe sends one `v1` per active secret; any may match. `v0`
/// (test mode) and unknown keys are ignored, so a downgrade is impossible.
///
/// Stricter than stripe-node, on purpose: lower-case hex only (Stripe sends
/// it, the SDK compares text); a second `t=` item is malformed_header (Stripe
/// never sends two, and which one counts is ambiguous: stripe-node keeps the
/// last, other parsers the first); an item without `=` or with an empty key
/// is malformed_header; and the
/// verifier's window (default 300 s) also rejects timestamps too far in the
/// future (stripe-node checks only the past).

#include <cstddef>
#include <string_view>
#include <system_error>
#include <vector>

#include "detail/mac_header.hpp"

namespace hooksig {

/// The Stripe wire scheme (see scheme.hpp for the interface).
struct stripe : detail::text_key_timestamped_list {
    /// Longest `Stripe-Signature` value read (room for max_signatures `v1`s and as many `v0`s).
    static constexpr std::size_t signature_header_max_size = 8192;

    /// "stripe".
    std::string_view name() const noexcept { return "stripe"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"stripe"};

    /// Reads `Stripe-Signature`. Errors: missing_header; malformed_header
    /// (repeated, empty, hostile bytes, an item that is not `key=value`, no or
    /// two `t`, no `v1`); header_too_large; invalid_timestamp;
    /// too_many_signatures (more than max_signatures items besides `t`).
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<1> names({"stripe-signature"});
        std::string_view value;
        if (const std::error_code bad = detail::pick_header(find_headers(headers, names), 0, 1, value)) return bad;
        return detail::read_timestamped_list(value, signature_header_max_size, ',', "t", "v1", out);
    }

    /// Calls f(t, ".", body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.timestamp_text, std::string_view("."), body);
    }

    /// `stripe-signature: t=<ts>,v1=<hex>[,v1=<hex>...]`, one `v1` per MAC.
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        return detail::format_timestamped_list("stripe-signature", ',', "t", "v1", d, macs);
    }
};

} // namespace hooksig
