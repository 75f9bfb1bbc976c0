// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Delivery timestamps: strict parsing of decimal Unix seconds and the
/// freshness window that bounds replays.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "clock.hpp"
#include "error.hpp"
#include "detail/config.hpp"
#include "detail/text_scan.hpp"

namespace hooksig {

/// Most digits a timestamp may have: 12 covers every second until the year 33658
/// and keeps the value far from overflow.
inline constexpr std::size_t timestamp_max_digits = 12;

/// Parses a timestamp header: canonical decimal Unix seconds only. Rejects
/// signs, spaces, decimal points, exponents, hex, leading zeros and more than
/// 12 digits (the Standard Webhooks reference libraries accept `+1614265330` and
/// `1614265330.0` because they reformat the number; a signature covers the
/// text, so hooksig accepts exactly one spelling).
/// @return errc::invalid_timestamp or success.
[[nodiscard]] HOOKSIG_ALWAYS_INLINE std::error_code parse_timestamp(std::string_view text, unix_seconds& out) noexcept {
    const std::size_t n = text.size();
    if (n == 0 || n > timestamp_max_digits) return errc::invalid_timestamp;
    if (n > 1 && text[0] == '0') return errc::invalid_timestamp;
    unix_seconds value = 0;
    std::size_t scalar_end = n;
    std::uint64_t low = 0;
    if (n >= 8) {
        // The last eight digits at once (every timestamp since 1973 has ten):
        // one load, one range check, three multiplications (the method of
        // Lemire's fast_float, parse_eight_digits_unrolled).
        std::uint64_t word = detail::load_le64(text, n - 8);
        if (!detail::bytes_in_range(word, '0', '9')) return errc::invalid_timestamp;
        word -= 0x3030303030303030;
        word = word * 10 + (word >> 8);
        low = (((word & 0x000000FF000000FF) * 0x000F424000000064) +
               (((word >> 16) & 0x000000FF000000FF) * 0x0000271000000001)) >> 32;
        scalar_end = n - 8;
    }
    for (std::size_t i = 0; i < scalar_end; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return errc::invalid_timestamp;
        value = value * 10 + (c - '0');
    }
    out = n >= 8 ? value * 100000000 + static_cast<unix_seconds>(low) : value;
    return {};
}

/// Formats Unix seconds as the canonical decimal text parse_timestamp accepts.
/// @return errc::invalid_argument for negative or over-long values.
[[nodiscard]] inline std::error_code format_timestamp(unix_seconds value, std::string& out) {
    if (value < 0) return errc::invalid_argument;
    std::string text = std::to_string(value);
    if (text.size() > timestamp_max_digits) return errc::invalid_argument;
    out = std::move(text);
    return {};
}

/// Checks that `timestamp` lies within `tolerance` of `now`, in both directions
/// (a sender's clock may run ahead). Exactly `tolerance` seconds away is allowed.
/// Overflow-free for any `now`.
/// @return errc::timestamp_too_old, errc::timestamp_too_new or success.
[[nodiscard]] HOOKSIG_ALWAYS_INLINE std::error_code check_timestamp(unix_seconds timestamp, unix_seconds now,
                                                     std::chrono::seconds tolerance) noexcept {
    const auto limit = static_cast<std::uint64_t>(tolerance.count() < 0 ? 0 : tolerance.count());
    // Differences computed in uint64_t are exact: both operands fit int64_t.
    if (now > timestamp && static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(timestamp) > limit)
        return errc::timestamp_too_old;
    if (timestamp > now && static_cast<std::uint64_t>(timestamp) - static_cast<std::uint64_t>(now) > limit)
        return errc::timestamp_too_new;
    return {};
}

} // namespace hooksig
