// hooksig — webhook signing and verification. MIT License.
#pragma once

/// What a wire scheme is, and the small types schemes share.
///
/// A scheme (Standard Webhooks, Stripe, GitHub, ...) is a small value type that
/// knows one provider's headers; hooksig::verifier and hooksig::signer do the
/// rest (clock, tolerance, keys, MACs, constant-time comparison). To support a
/// provider hooksig lacks, write a type with these members and pass it as the
/// Scheme template argument — nothing else in the library changes:
///
/// ```
/// struct my_scheme {
///     // Name shown in logs and accepted by the CLI's --scheme.
///     std::string_view name() const noexcept;
///     // Turns the configured secret text into a MAC key (secret::parse for
///     // `whsec_` base64 keys, secret::from_text for text keys).
///     std::error_code make_secret(std::string_view text, secret& out) const noexcept;
///     // Whether the signed content holds a message id / a timestamp; the
///     // signer fills them (generating an id, reading the clock) when true.
///     bool signs_id() const noexcept;
///     bool signs_timestamp() const noexcept;
///     // How many signatures one delivery's headers can carry (1 when the
///     // header has room for one; signers then use the primary key only).
///     std::size_t signatures_per_delivery() const noexcept;
///     // Reads a delivery's headers: id, timestamp text and value, and the
///     // decoded candidate MACs. Must not throw or allocate.
///     template <class Headers>
///     std::error_code parse(const Headers& headers, delivery& out) const noexcept;
///     // Calls f(parts...) with the signed content as string views (no copy).
///     template <class F>
///     void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept;
///     // Builds the headers that carry `macs` for delivery `d` (signing side).
///     std::vector<header> format(const delivery& d, const signature_list& macs) const;
/// };
/// ```

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "clock.hpp"
#include "headers.hpp"
#include "hmac.hpp"

namespace hooksig {

/// Most signature entries a delivery may carry. Rotation needs two or three;
/// the cap bounds the work an attacker can ask for (errc::too_many_signatures).
inline constexpr std::size_t max_signatures = 32;

/// Longest message id accepted on either side.
inline constexpr std::size_t message_id_max_size = 256;

/// Decoded candidate MACs (from a received header), or computed MACs (to send).
/// A fixed array, so parsing never allocates.
struct signature_list {
    std::uint8_t mac[max_signatures][mac_size]; ///< the MACs, `size` of them valid
    std::size_t size = 0;                       ///< number of MACs held

    /// Decodes one received entry with `decode` (base64_decode or hex_decode
    /// signature) and keeps it when it is exactly mac_size bytes; silently drops
    /// entries that fail to decode (they can never match). Returns false when
    /// the list is full.
    template <class Decode>
    bool add_encoded(std::string_view text, Decode&& decode) noexcept {
        if (size == max_signatures) return false;
        std::size_t decoded = 0;
        if (!decode(text, mac[size], mac_size, decoded) && decoded == mac_size) ++size;
        return true;
    }
};

/// A delivery's signed fields, as a scheme reads them from headers (receiving)
/// or as a signer fills them (sending). Views point into the caller's headers.
struct delivery {
    std::string_view id;             ///< message id, for schemes that sign one
    std::string_view timestamp_text; ///< the timestamp exactly as signed
    unix_seconds timestamp = 0;      ///< its value, when has_timestamp
    bool has_timestamp = false;      ///< whether the scheme carries a timestamp
    signature_list signatures;       ///< candidate MACs (receiving)
};

namespace detail {
/// True when every byte of `word` lies in [lo, hi], for 1 <= lo <= hi <= 0x7E.
constexpr bool bytes_in_range(std::uint64_t word, unsigned lo, unsigned hi) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    // For bytes below 0x80 neither sum carries into the next byte; a byte at or
    // above 0x80 fails through `word` itself, whatever the carries do.
    const std::uint64_t at_least_lo = word + (0x80 - lo) * ones; // high bit set where byte >= lo
    const std::uint64_t above_hi = word + (0x7F - hi) * ones;    // high bit set where byte > hi
    return ((word | ~at_least_lo | above_hi) & high) == 0;
}

/// True when every byte of `s` lies in [lo, hi] (1 <= lo <= hi <= 0x7E),
/// checked eight bytes per step.
constexpr bool all_bytes_in_range(std::string_view s, unsigned lo, unsigned hi) noexcept {
    const std::size_t n = s.size();
    if (n < 8) {
        for (const char c : s)
            if (static_cast<unsigned char>(c) < lo || static_cast<unsigned char>(c) > hi) return false;
        return true;
    }
    for (std::size_t i = 0;; i += 8) {
        const std::size_t at = i + 8 <= n ? i : n - 8; // the last word may overlap
        if (!bytes_in_range(load_le64(s, at), lo, hi)) return false;
        if (at + 8 == n) return true;
    }
}
} // namespace detail

/// True when `id` is a usable message id: 1..256 visible ASCII characters
/// (no spaces, controls, NUL or non-ASCII bytes).
constexpr bool is_valid_message_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > message_id_max_size) return false;
    return detail::all_bytes_in_range(id, 0x21, 0x7E);
}

/// True when every byte of a header value is visible ASCII or a space.
constexpr bool is_visible_ascii(std::string_view value) noexcept {
    return detail::all_bytes_in_range(value, 0x20, 0x7E);
}

} // namespace hooksig
