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
/// it, the SDK compares text); a second `t=` item is malformed_header (the SDK
/// keeps the last one, which would let a proxy-appended item pick the time);
/// an item without `=` or with an empty key is malformed_header; and the
/// verifier's window (default 300 s) also rejects timestamps too far in the
/// future (stripe-node checks only the past).

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../timestamp.hpp"
#include "detail/mac_header.hpp"

namespace hooksig {

/// The Stripe wire scheme (see scheme.hpp for the interface).
struct stripe : detail::text_key_scheme {
    /// Longest `Stripe-Signature` value read (room for max_signatures `v1`s and as many `v0`s).
    static constexpr std::size_t signature_header_max_size = 8192;

    /// "stripe".
    std::string_view name() const noexcept { return "stripe"; }
    /// The timestamp is signed.
    bool signs_timestamp() const noexcept { return true; }
    /// The header carries a list: one `v1` per key.
    std::size_t signatures_per_delivery() const noexcept { return max_signatures; }

    /// Reads `Stripe-Signature`. Errors: missing_header; malformed_header
    /// (repeated, empty, hostile bytes, an item that is not `key=value`, no or
    /// two `t`, no `v1`); header_too_large; invalid_timestamp;
    /// too_many_signatures (more than max_signatures items besides `t`).
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr std::string_view names[] = {"stripe-signature"};
        std::string_view value;
        if (const std::error_code bad = detail::pick_header(find_headers(headers, names), 0, 1, value)) return bad;
        if (const std::error_code bad = detail::check_header_value(value, signature_header_max_size)) return bad;

        std::string_view timestamp;
        bool has_t = false;
        std::size_t entries = 0, v1_entries = 0;
        for (std::size_t pos = 0; pos <= value.size();) {
            std::size_t end = value.find(',', pos);
            if (end == std::string_view::npos) end = value.size();
            const std::string_view item = value.substr(pos, end - pos);
            pos = end + 1;
            const std::size_t eq = item.find('=');
            if (eq == std::string_view::npos || eq == 0) return errc::malformed_header;
            const std::string_view key = item.substr(0, eq), text = item.substr(eq + 1);
            if (key == "t") {
                if (has_t) return errc::malformed_header;
                has_t = true;
                timestamp = text;
                continue;
            }
            if (++entries > max_signatures) return errc::too_many_signatures;
            if (key == "v1") {
                ++v1_entries;
                detail::add_mac(out.signatures, text, detail::mac_encoding::lowercase_hex);
            }
        }
        if (!has_t || v1_entries == 0) return errc::malformed_header;
        if (const std::error_code bad = parse_timestamp(timestamp, out.timestamp)) return bad;
        out.timestamp_text = timestamp;
        out.has_timestamp = true;
        return {};
    }

    /// Calls f(t, ".", body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.timestamp_text, std::string_view("."), body);
    }

    /// `stripe-signature: t=<ts>,v1=<hex>[,v1=<hex>...]`, one `v1` per MAC.
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        std::string value = "t=";
        value += d.timestamp_text;
        for (std::size_t i = 0; i < macs.size; ++i) {
            value += ",v1=";
            value += detail::encode_mac(macs.mac[i], detail::mac_encoding::lowercase_hex);
        }
        return {{"stripe-signature", std::move(value)}};
    }
};

} // namespace hooksig
