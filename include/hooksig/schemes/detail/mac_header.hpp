// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Building blocks the provider schemes share: picking one header (with
/// aliases) out of a find_headers pass, checking its value, decoding one MAC
/// in the provider's encoding, Stripe/Paddle-style `key=value` lists, and the
/// members of text-key schemes. Internal: include a scheme header instead.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../../encoding.hpp"
#include "../../error.hpp"
#include "../../headers.hpp"
#include "../scheme.hpp"
#include "../../secret.hpp"
#include "../../timestamp.hpp"

namespace hooksig::detail {

/// How a provider spells a MAC in its header.
enum class mac_encoding {
    lowercase_hex, ///< 64 lower-case hex digits (Stripe, GitHub, Slack, BitGo)
    base64,        ///< 44 characters of padded standard base64 (Shopify)
};

/// Longest value read from a header that carries one MAC (71 characters at
/// most in practice: `sha256=` + 64 hex digits).
inline constexpr std::size_t mac_header_max_size = 256;

/// Adds the received MAC `text` to `list`, decoded (strictly, in `encoding`,
/// with the fast decoders for public input) when the verifier asks; one that
/// does not decode to exactly mac_size bytes is dropped then, since it can
/// never match. Returns false when the list is full.
inline bool add_mac(signature_list& list, std::string_view text, mac_encoding encoding) noexcept {
    if (encoding == mac_encoding::base64) return list.add_encoded(text, &base64_decode_public);
    return list.add_encoded(text, &lowercase_hex_decode_public);
}

/// Encodes one MAC for sending. Allocates.
inline std::string encode_mac(const std::uint8_t* mac, mac_encoding encoding) {
    return encoding == mac_encoding::base64 ? base64_encode(mac, mac_size) : hex_encode(mac, mac_size);
}

/// From one find_headers pass, picks the header `found.value(first)` or, when
/// it is absent, the first of its aliases `first + 1 .. last - 1` present.
/// @return errc::missing_header when none is present, errc::malformed_header
///         when the one picked appears more than once.
template <std::size_t N>
[[nodiscard]] HOOKSIG_ALWAYS_INLINE std::error_code pick_header(const header_matches<N>& found, std::size_t first,
                                                                std::size_t last, std::string_view& out) noexcept {
    for (std::size_t i = first; i < last && i < N; ++i) {
        if (found.count[i] == 0) continue;
        if (found.count[i] > 1) return errc::malformed_header;
        out = found.value(i);
        return {};
    }
    return errc::missing_header;
}

/// Checks a signature header's value: at most `max_size` bytes, not empty,
/// visible ASCII or spaces only.
/// @return errc::header_too_large, errc::malformed_header or success.
[[nodiscard]] HOOKSIG_ALWAYS_INLINE std::error_code check_header_value(std::string_view value,
                                                                       std::size_t max_size) noexcept {
    if (value.size() > max_size) return errc::header_too_large;
    if (value.empty() || !is_visible_ascii(value)) return errc::malformed_header;
    return {};
}

/// Reads a header value of the form `prefix` + one MAC in `encoding` into
/// `list` (GitHub's `sha256=<hex>`, Slack's `v0=<hex>`, Shopify's bare base64).
/// A MAC that does not decode is dropped (the verifier then reports
/// no_matching_signature), as the providers' text comparisons would fail it.
/// @return header_too_large, malformed_header (empty, hostile bytes, or the
///         prefix missing), or success.
[[nodiscard]] inline std::error_code read_prefixed_mac(std::string_view value, std::string_view prefix,
                                                       mac_encoding encoding, signature_list& list) noexcept {
    if (const std::error_code bad = check_header_value(value, mac_header_max_size)) return bad;
    if (value.substr(0, prefix.size()) != prefix) return errc::malformed_header;
    add_mac(list, value.substr(prefix.size()), encoding);
    return {};
}

/// Reads the single header `names[0]` (or, when absent, the first alias after
/// it that is present) holding `prefix` + one MAC in `encoding`. `names` is a
/// header_name_set (fixed names, prepared at compile time) or an array of
/// string views (a configured name).
/// @return missing_header, malformed_header, header_too_large or success.
template <class Headers, class Names>
[[nodiscard]] std::error_code parse_single_mac(const Headers& headers, const Names& names, std::string_view prefix,
                                               mac_encoding encoding, delivery& out) noexcept {
    const auto found = find_headers(headers, names);
    std::string_view value;
    if (const std::error_code bad = pick_header(found, 0, std::size(found.count), value)) return bad;
    return read_prefixed_mac(value, prefix, encoding, out.signatures);
}

/// The one header `name: prefix<MAC>` carrying the first of `macs` (signers
/// pass exactly one to single-MAC schemes); no header when `macs` is empty.
inline std::vector<header> format_single_mac(std::string_view name, std::string_view prefix, mac_encoding encoding,
                                             const signature_list& macs) {
    if (macs.size == 0) return {};
    return {{std::string(name), std::string(prefix) + encode_mac(macs.mac[0], encoding)}};
}

/// Reads a `key=value` list separated by `separator` that carries a timestamp
/// and lower-case hex MACs: Stripe's `t=<ts>,v1=<hex>,v1=<hex>` and Paddle's
/// `ts=<ts>;h1=<hex>;h1=<hex>`. Every `signature_key` item is a candidate;
/// other keys (Stripe's `v0`) are ignored so that nobody can downgrade. Keys
/// are case-sensitive and nothing is trimmed, as in the providers' SDKs.
/// @return header_too_large (over `max_size`); malformed_header (empty,
///         hostile bytes, an item without `=` or with an empty key, no or two
///         `timestamp_key` items, no `signature_key` item); invalid_timestamp;
///         too_many_signatures (more than max_signatures items besides the
///         timestamp); or success, with `out` filled.
[[nodiscard]] inline std::error_code read_timestamped_list(std::string_view value, std::size_t max_size, char separator,
                                                           std::string_view timestamp_key,
                                                           std::string_view signature_key, delivery& out) noexcept {
    if (const std::error_code bad = check_header_value(value, max_size)) return bad;
    std::string_view timestamp;
    bool has_timestamp = false;
    std::size_t entries = 0, signatures = 0;
    for (std::size_t pos = 0; pos <= value.size();) {
        std::size_t end = find_byte(value, pos, separator);
        if (end == std::string_view::npos) end = value.size();
        const std::string_view item = value.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t eq = find_byte(item, 0, '=');
        if (eq == std::string_view::npos || eq == 0) return errc::malformed_header;
        const std::string_view key = item.substr(0, eq), text = item.substr(eq + 1);
        if (key == timestamp_key) {
            // A second timestamp is refused rather than letting the last one win.
            if (has_timestamp) return errc::malformed_header;
            has_timestamp = true;
            timestamp = text;
            continue;
        }
        if (++entries > max_signatures) return errc::too_many_signatures;
        if (key == signature_key) {
            ++signatures;
            add_mac(out.signatures, text, mac_encoding::lowercase_hex);
        }
    }
    if (!has_timestamp || signatures == 0) return errc::malformed_header;
    if (const std::error_code bad = parse_timestamp(timestamp, out.timestamp)) return bad;
    out.timestamp_text = timestamp;
    out.has_timestamp = true;
    return {};
}

/// The header `name: <timestamp_key>=<ts><sep><signature_key>=<hex>...`, one
/// item per MAC (the shape read_timestamped_list reads).
inline std::vector<header> format_timestamped_list(std::string_view name, char separator,
                                                   std::string_view timestamp_key, std::string_view signature_key,
                                                   const delivery& d, const signature_list& macs) {
    std::string value(timestamp_key);
    value += '=';
    value += d.timestamp_text;
    for (std::size_t i = 0; i < macs.size; ++i) {
        value += separator;
        value += signature_key;
        value += '=';
        value += encode_mac(macs.mac[i], mac_encoding::lowercase_hex);
    }
    return {{std::string(name), std::move(value)}};
}

/// Members shared by schemes whose MAC key is the secret's text and that sign
/// no message id (every provider scheme except Standard Webhooks).
struct text_key_scheme {
    /// Makes a text secret (see secret::from_text): the key is the text as
    /// given, a `whsec_` prefix included.
    std::error_code make_secret(std::string_view text, secret& out) const noexcept {
        return secret::from_text(text, out);
    }
    /// No message id is signed.
    bool signs_id() const noexcept { return false; }
};

/// Members shared by text-key schemes whose header has room for one MAC
/// (GitHub, Slack, Shopify, Square, raw).
struct text_key_single_mac : text_key_scheme {
    /// One MAC per delivery: a signer with several keys signs with the first;
    /// a verifier may still hold several and tries each.
    std::size_t signatures_per_delivery() const noexcept { return 1; }
};

/// Members shared by text-key schemes whose header lists one MAC per key
/// alongside a timestamp (Stripe, Paddle).
struct text_key_timestamped_list : text_key_scheme {
    /// The timestamp is signed.
    bool signs_timestamp() const noexcept { return true; }
    /// The header carries a list: one MAC per key, up to max_signatures.
    std::size_t signatures_per_delivery() const noexcept { return max_signatures; }
};

/// Members shared by schemes that MAC the raw body alone, carried as `prefix`
/// + one encoded MAC in a single header (GitHub, Shopify, raw-hex, raw-base64).
/// No timestamp, so no replay window: deduplicate on a delivery id.
struct body_mac_scheme : text_key_single_mac {
    /// No timestamp is signed.
    bool signs_timestamp() const noexcept { return false; }

    /// Calls f(body): the signed content is the raw body bytes.
    template <class F>
    void signed_content(const delivery&, std::string_view body, F&& f) const noexcept {
        f(body);
    }
};

} // namespace hooksig::detail
