// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Raw-body HMAC: one header holding HMAC-SHA256(secret text, raw body), as
/// BitGo (`x-signature-sha256`, lower-case hex) and many in-house senders do.
///
/// raw_hex reads and writes lower-case hex (upper case is rejected: BitGo
/// documents `^[0-9a-f]{64}$`); raw_base64 padded standard base64. The header
/// is `x-signature-sha256` unless another name is given at construction. No
/// timestamp, so no replay window: deduplicate on a delivery id
/// (BitGo: `idempotency-key`).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../error.hpp"
#include "detail/mac_header.hpp"

namespace hooksig {
namespace detail {

/// What raw_hex and raw_base64 share; they differ only in encoding and name.
template <mac_encoding Encoding>
class raw_body_scheme : public body_mac_scheme {
public:
    /// The header read and written unless another is configured.
    static constexpr std::string_view default_header_name = "x-signature-sha256";
    /// Longest configurable header name.
    static constexpr std::size_t header_name_max_size = 128;

    /// Uses `x-signature-sha256`.
    raw_body_scheme() = default;

    /// Uses the header `header_name` (matched case-insensitively; written in
    /// lower case). Throws hooksig::error(errc::invalid_argument) unless
    /// is_valid_header_name(header_name).
    explicit raw_body_scheme(std::string_view header_name) : header_name_(header_name) {
        if (!is_valid_header_name(header_name)) throw error(errc::invalid_argument);
        for (char& c : header_name_)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }

    /// True when `name` is an HTTP field name (an RFC 9110 token) of 1 to
    /// header_name_max_size characters.
    static constexpr bool is_valid_header_name(std::string_view name) noexcept {
        if (name.empty() || name.size() > header_name_max_size) return false;
        for (const char c : name) {
            const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
        }
        return true;
    }

    /// The header this scheme reads and writes, in lower case.
    const std::string& header_name() const noexcept { return header_name_; }

    /// Reads the configured header. Errors: missing_header, malformed_header
    /// (repeated, empty, hostile bytes), header_too_large.
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        const std::string_view names[] = {header_name_};
        return parse_single_mac(headers, names, "", Encoding, out);
    }

    /// `<header name>: <encoded MAC>`.
    std::vector<header> format(const delivery&, const signature_list& macs) const {
        return format_single_mac(header_name_, "", Encoding, macs);
    }

protected:
    /// Builds a raw scheme from registry configuration (see registry.hpp).
    template <class Raw>
    static scheme_choice_error configure_raw(const scheme_config& config, std::optional<Raw>& out) {
        if (config.url) return {errc::invalid_argument, "--url applies to --scheme square"};
        const std::string_view name = config.header_name ? std::string_view(*config.header_name) : default_header_name;
        if (!is_valid_header_name(name))
            return {errc::invalid_argument, "--header-name needs an HTTP header name (a token of at most 128 "
                                            "characters, such as x-signature-sha256)"};
        out.emplace(name);
        return {};
    }

private:
    std::string header_name_{default_header_name};
};

} // namespace detail

/// HMAC-SHA256 of the raw body in lower-case hex (BitGo); see raw.hpp.
struct raw_hex : detail::raw_body_scheme<detail::mac_encoding::lowercase_hex> {
    /// raw_hex() reads x-signature-sha256; raw_hex("X-Name") another header.
    using raw_body_scheme::raw_body_scheme;
    /// "raw-hex".
    std::string_view name() const noexcept { return "raw-hex"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"raw-hex"};
    /// For the registry: the header from `config.header_name`, else the default.
    static scheme_choice_error configure(const scheme_config& config, std::optional<raw_hex>& out) {
        return configure_raw(config, out);
    }
};

/// HMAC-SHA256 of the raw body in padded standard base64; see raw.hpp.
struct raw_base64 : detail::raw_body_scheme<detail::mac_encoding::base64> {
    /// raw_base64() reads x-signature-sha256; raw_base64("X-Name") another header.
    using raw_body_scheme::raw_body_scheme;
    /// "raw-base64".
    std::string_view name() const noexcept { return "raw-base64"; }
    /// The names the scheme registry (registry.hpp) accepts for it.
    static constexpr std::string_view registry_names[] = {"raw-base64"};
    /// For the registry: the header from `config.header_name`, else the default.
    static scheme_choice_error configure(const scheme_config& config, std::optional<raw_base64>& out) {
        return configure_raw(config, out);
    }
};

} // namespace hooksig
