// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Standard Webhooks (standardwebhooks.com) and Svix, its origin.
///
/// Headers: `webhook-id`, `webhook-timestamp`, `webhook-signature` (the `svix-`
/// names are accepted as aliases when the `webhook-` ones are absent).
/// Signed content: `{id}.{timestamp}.{body}`; signature header: space-separated
/// entries, any of which may match: `v1,<base64>` (HMAC-SHA256 under the
/// base64-decoded `whsec_` secret) and `v1a,<base64>` (Ed25519, `whsk_` /
/// `whpk_` keys; 64 bytes, canonical padded base64); other versions (`v2`)
/// are ignored.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../encoding.hpp"
#include "../error.hpp"
#include "../headers.hpp"
#include "scheme.hpp"
#include "../secret.hpp"
#include "../timestamp.hpp"
#include "detail/mac_header.hpp"

namespace hooksig {

/// The Standard Webhooks / Svix wire scheme (see scheme.hpp for the interface).
struct standard_webhooks {
    /// Longest `webhook-signature` value read (about 120 signatures' worth).
    static constexpr std::size_t signature_header_max_size = 8192;

    /// "standard".
    std::string_view name() const noexcept { return "standard"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"standard", "svix"};
    /// Parses a `whsec_` secret or a `whsk_` / `whpk_` Ed25519 key (see secret::parse).
    std::error_code make_secret(std::string_view text, secret& out) const noexcept { return secret::parse(text, out); }
    /// The id is signed.
    bool signs_id() const noexcept { return true; }
    /// The timestamp is signed.
    bool signs_timestamp() const noexcept { return true; }
    /// The header carries a list.
    std::size_t signatures_per_delivery() const noexcept { return max_signatures; }
    /// `v1` (HMAC-SHA256) and `v1a` (Ed25519).
    static constexpr bool supports_algorithm(algorithm_id algorithm) noexcept {
        return algorithm == algorithm_id::hmac_sha256 || algorithm == algorithm_id::ed25519;
    }

    /// Reads the three headers. Errors: missing_header (any of the three absent),
    /// malformed_header (repeated, empty, or with control / non-ASCII bytes),
    /// header_too_large, invalid_timestamp, too_many_signatures.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        // Each `webhook-` name followed by its `svix-` alias: pick_header takes
        // the first one present and calls a repeated one malformed.
        static constexpr header_name_set<6> names({"webhook-id", "svix-id", "webhook-timestamp", "svix-timestamp",
                                                   "webhook-signature", "svix-signature"});
        const header_matches<6> found = find_headers(headers, names);
        std::string_view id, timestamp, signature;
        if (const std::error_code bad = detail::pick_header(found, 0, 2, id)) return bad;
        if (const std::error_code bad = detail::pick_header(found, 2, 4, timestamp)) return bad;
        if (const std::error_code bad = detail::pick_header(found, 4, 6, signature)) return bad;

        if (id.size() > message_id_max_size) return errc::header_too_large;
        if (!is_valid_message_id(id)) return errc::malformed_header;
        if (const std::error_code bad = parse_timestamp(timestamp, out.timestamp)) return bad;
        if (const std::error_code bad = detail::check_header_value(signature, signature_header_max_size)) return bad;

        out.id = id;
        out.timestamp_text = timestamp;
        out.has_timestamp = true;
        std::size_t entries = 0;
        for (std::size_t pos = 0; pos < signature.size();) {
            std::size_t end = detail::find_byte(signature, pos, ' ');
            if (end == std::string_view::npos) end = signature.size();
            // Views built directly: pos <= end <= size here, and substr's
            // range check (with its throw path) stayed out of line.
            const std::string_view entry(signature.data() + pos, end - pos);
            pos = end + 1;
            if (entry.empty()) continue;
            if (++entries > max_signatures) return errc::too_many_signatures;
            if (entry.size() > 3 && entry[0] == 'v' && entry[1] == '1' && entry[2] == ',')
                out.signatures.add_encoded(std::string_view(entry.data() + 3, entry.size() - 3), &base64_decode_public);
            else if (entry.size() > 4 && entry[0] == 'v' && entry[1] == '1' && entry[2] == 'a' && entry[3] == ',')
                out.signatures.add_encoded(algorithm_id::ed25519, ed25519_signature_size,
                                           std::string_view(entry.data() + 4, entry.size() - 4), &base64_decode_public);
        }
        return {};
    }

    /// Calls f(id, ".", timestamp, ".", body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.id, std::string_view("."), d.timestamp_text, std::string_view("."), body);
    }

    /// `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<b64> [v1a,<b64> ...]`.
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        std::string list;
        for (std::size_t i = 0; i < macs.size; ++i) {
            if (i != 0) list += ' ';
            const bool ed = macs.algorithm[i] == algorithm_id::ed25519;
            list += ed ? "v1a," : "v1,";
            list += base64_encode(macs.mac[i], ed ? ed25519_signature_size : mac_size);
        }
        return {{"webhook-id", std::string(d.id)},
                {"webhook-timestamp", std::string(d.timestamp_text)},
                {"webhook-signature", std::move(list)}};
    }
};

} // namespace hooksig
