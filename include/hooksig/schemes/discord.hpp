// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Discord interactions (discord.com/developers/docs, "Security and
/// Authorization"): Ed25519 over `timestamp + body`.
///
/// Headers: `X-Signature-Ed25519` (128 lower-case hex characters: the 64-byte
/// signature) and `X-Signature-Timestamp` (Unix seconds). Key: the
/// application's public key, 64 hex characters as the developer portal shows
/// it (or a `whpk_`; a `whsk_` to sign, for tests and `hooksig send`). One
/// signature per delivery. Discord's own libraries check no freshness; hooksig
/// applies the verifier's tolerance (300 s by default) to the timestamp, as
/// every other timestamped scheme here does.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../algorithms/ed25519.hpp"
#include "../encoding.hpp"
#include "../error.hpp"
#include "../headers.hpp"
#include "../secret.hpp"
#include "../timestamp.hpp"
#include "detail/mac_header.hpp"
#include "scheme.hpp"

namespace hooksig {

/// The Discord interactions wire scheme (see scheme.hpp for the interface).
struct discord {
    /// "discord".
    std::string_view name() const noexcept { return "discord"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"discord"};

    /// A public key as 64 hex characters (either case), or a `whpk_` /
    /// `whsk_` key (secret::parse).
    /// @return errc::invalid_encoding for bad hex, errc::weak_public_key,
    ///         errc::unsupported_key for a MAC secret, or parse's errors.
    std::error_code make_secret(std::string_view text, secret& out) const noexcept {
        if (text.size() == hex_encoded_size(ed25519_public_key_size) && text.find('_') == std::string_view::npos) {
            std::uint8_t key[ed25519_public_key_size];
            std::size_t size = 0;
            if (hex_decode(text, key, sizeof key, size)) return errc::invalid_encoding;
            return secret::from_ed25519_public(key, size, out);
        }
        secret parsed;
        if (const std::error_code bad = secret::parse(text, parsed)) return bad;
        if (parsed.algorithm() != algorithm_id::ed25519) return errc::unsupported_key;
        out = std::move(parsed);
        return {};
    }
    /// No message id is signed.
    bool signs_id() const noexcept { return false; }
    /// The timestamp is signed.
    bool signs_timestamp() const noexcept { return true; }
    /// One signature per delivery.
    std::size_t signatures_per_delivery() const noexcept { return 1; }
    /// Ed25519 only.
    static constexpr bool supports_algorithm(algorithm_id algorithm) noexcept {
        return algorithm == algorithm_id::ed25519;
    }

    /// Reads the two headers. Errors: missing_header, malformed_header
    /// (repeated, empty, hostile bytes, a signature not 128 characters),
    /// header_too_large, invalid_timestamp. A signature that is not lower-case
    /// hex is dropped (no_matching_signature).
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr header_name_set<2> names({"x-signature-ed25519", "x-signature-timestamp"});
        const header_matches<2> found = find_headers(headers, names);
        std::string_view signature, timestamp;
        if (const std::error_code bad = detail::pick_header(found, 0, 1, signature)) return bad;
        if (const std::error_code bad = detail::pick_header(found, 1, 2, timestamp)) return bad;
        if (const std::error_code bad = detail::check_header_value(signature, detail::mac_header_max_size)) return bad;
        if (signature.size() != hex_encoded_size(ed25519_signature_size)) return errc::malformed_header;
        if (const std::error_code bad = parse_timestamp(timestamp, out.timestamp)) return bad;
        out.timestamp_text = timestamp;
        out.has_timestamp = true;
        out.signatures.add_encoded(algorithm_id::ed25519, ed25519_signature_size, signature,
                                   &lowercase_hex_decode_public);
        return {};
    }

    /// Calls f(timestamp, body).
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.timestamp_text, body);
    }

    /// `x-signature-ed25519: <hex>` and `x-signature-timestamp: <seconds>`.
    std::vector<header> format(const delivery& d, const signature_list& signatures) const {
        return {{"x-signature-ed25519", hex_encode(signatures.mac[0], ed25519_signature_size)},
                {"x-signature-timestamp", std::string(d.timestamp_text)}};
    }
};

} // namespace hooksig
