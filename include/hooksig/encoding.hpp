// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Strict, allocation-free base64 (RFC 4648 §4, standard alphabet, padded) and hex.
///
/// Why not Botan's codecs: Botan 2's base64_decode accepts non-canonical input
/// (missing or extra padding, non-zero trailing bits) and allocates. These
/// decoders accept exactly one spelling per byte string, write into the caller's
/// buffer, and do not branch on or index memory by the encoded characters, so
/// they are safe to run on secrets (checked by the constant-time test).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "ct.hpp"
#include "detail/ctgrind.hpp"
#include "detail/base64_ssse3.hpp"
#include "detail/cpu.hpp"
#include "error.hpp"

namespace hooksig {

/// Length of the padded base64 text for `size` bytes.
constexpr std::size_t base64_encoded_size(std::size_t size) noexcept { return (size + 2) / 3 * 4; }

/// Length of the lower-case hex text for `size` bytes.
constexpr std::size_t hex_encoded_size(std::size_t size) noexcept { return size * 2; }

namespace detail {
inline char base64_char(unsigned x) noexcept {
    using namespace detail::ct_mask;
    return static_cast<char>((lt(x, 26) & (x + 'A')) | (ge(x, 26) & lt(x, 52) & (x + ('a' - 26))) |
                             (ge(x, 52) & lt(x, 62) & (x - 4U)) | (eq(x, 62) & '+') | (eq(x, 63) & '/'));
}
/// 0..63 for an alphabet character, 0xFF otherwise.
inline unsigned base64_value(unsigned char c) noexcept {
    using namespace detail::ct_mask;
    const unsigned x = (ge(c, 'A') & le(c, 'Z') & (c - 'A')) | (ge(c, 'a') & le(c, 'z') & (c - ('a' - 26))) |
                       (ge(c, '0') & le(c, '9') & (c + 4U)) | (eq(c, '+') & 62) | (eq(c, '/') & 63);
    return x | (eq(x, 0) & (eq(c, 'A') ^ 0xFF));
}
inline char hex_char(unsigned nibble) noexcept {
    using namespace detail::ct_mask;
    return static_cast<char>(nibble + '0' + (gt(nibble, 9) & ('a' - '0' - 10)));
}
/// 0..15 for a hex digit (either case), 0xFF otherwise.
inline unsigned hex_value(unsigned char c) noexcept {
    using namespace detail::ct_mask;
    const unsigned digit = ge(c, '0') & le(c, '9');
    const unsigned lower = ge(c, 'a') & le(c, 'f');
    const unsigned upper = ge(c, 'A') & le(c, 'F');
    return (digit & (c - '0')) | (lower & (c - 'a' + 10)) | (upper & (c - 'A' + 10)) | ((digit | lower | upper) ^ 0xFF);
}
} // namespace detail

/// Writes the padded standard base64 of `in[0..size)` to `out`, which must hold
/// base64_encoded_size(size) characters. Constant time in the byte values.
inline void base64_encode(const std::uint8_t* in, std::size_t size, char* out) noexcept {
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const unsigned v = (unsigned{in[i]} << 16) | (unsigned{in[i + 1]} << 8) | in[i + 2];
        *out++ = detail::base64_char((v >> 18) & 63);
        *out++ = detail::base64_char((v >> 12) & 63);
        *out++ = detail::base64_char((v >> 6) & 63);
        *out++ = detail::base64_char(v & 63);
    }
    if (const std::size_t rest = size - i; rest != 0) {
        const unsigned v = (unsigned{in[i]} << 16) | (rest == 2 ? unsigned{in[i + 1]} << 8 : 0U);
        *out++ = detail::base64_char((v >> 18) & 63);
        *out++ = detail::base64_char((v >> 12) & 63);
        *out++ = rest == 2 ? detail::base64_char((v >> 6) & 63) : '=';
        *out++ = '=';
    }
}

/// Returns the padded standard base64 of `in[0..size)`. Allocates the string.
inline std::string base64_encode(const std::uint8_t* in, std::size_t size) {
    std::string text(base64_encoded_size(size), '\0');
    base64_encode(in, size, text.data());
    return text;
}

/// Decodes canonical padded standard base64 into `out` (capacity `capacity`),
/// setting `size` to the number of bytes written.
///
/// Accepts exactly what base64_encode produces: length a multiple of 4, the
/// alphabet A-Z a-z 0-9 + /, '=' only as the last one or two characters, and
/// zero unused bits in the last character. No whitespace, no URL-safe alphabet.
/// Does not allocate; does not branch on the characters' values except the
/// final valid/invalid decision and the padding count (which the length reveals).
/// @return errc::invalid_encoding, errc::buffer_too_small, or success.
[[nodiscard]] inline std::error_code base64_decode(std::string_view text, std::uint8_t* out, std::size_t capacity,
                                                   std::size_t& size) noexcept {
    using namespace detail::ct_mask;
    size = 0;
    if (text.size() % 4 != 0) return errc::invalid_encoding;
    if (text.empty()) return {};
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    const unsigned pad1 = eq(p[n - 1], '=');
    const unsigned pad2 = pad1 & eq(p[n - 2], '=');
    const std::size_t padding = detail::ctgrind::declassify((pad1 & 1U) + (pad2 & 1U));
    const std::size_t decoded = n / 4 * 3 - padding;
    if (decoded > capacity) return errc::buffer_too_small;

    unsigned invalid = 0;
    std::size_t o = 0;
    for (std::size_t i = 0; i + 4 < n; i += 4) {
        const unsigned a = detail::base64_value(p[i]), b = detail::base64_value(p[i + 1]);
        const unsigned c = detail::base64_value(p[i + 2]), d = detail::base64_value(p[i + 3]);
        invalid |= (a | b | c | d) & 0x80;
        const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
        out[o++] = static_cast<std::uint8_t>(v >> 16);
        out[o++] = static_cast<std::uint8_t>(v >> 8);
        out[o++] = static_cast<std::uint8_t>(v);
    }
    // Last quantum: "xxxx", "xxx=" or "xx==".
    const unsigned a = detail::base64_value(p[n - 4]), b = detail::base64_value(p[n - 3]);
    const unsigned c = padding == 2 ? 0U : detail::base64_value(p[n - 2]);
    const unsigned d = padding >= 1 ? 0U : detail::base64_value(p[n - 1]);
    invalid |= (a | b | c | d) & 0x80;
    // Canonical: the bits that padding drops must be zero.
    const unsigned dropped = padding == 2 ? (b & 0x0F) : padding == 1 ? (c & 0x03) : 0U;
    invalid |= gt(dropped & 0x3F, 0);
    const unsigned v = ((a & 63) << 18) | ((b & 63) << 12) | ((c & 63) << 6) | (d & 63);
    out[o++] = static_cast<std::uint8_t>(v >> 16);
    if (padding < 2) out[o++] = static_cast<std::uint8_t>(v >> 8);
    if (padding < 1) out[o++] = static_cast<std::uint8_t>(v);
    if (detail::ctgrind::declassify(invalid) != 0) {
        ct::wipe(out, o);
        return errc::invalid_encoding;
    }
    size = o;
    return {};
}

/// Writes the lower-case hex of `in[0..size)` to `out` (hex_encoded_size(size)
/// characters). Constant time in the byte values.
inline void hex_encode(const std::uint8_t* in, std::size_t size, char* out) noexcept {
    for (std::size_t i = 0; i < size; ++i) {
        *out++ = detail::hex_char(in[i] >> 4);
        *out++ = detail::hex_char(in[i] & 0x0F);
    }
}

/// Returns the lower-case hex of `in[0..size)`. Allocates the string.
inline std::string hex_encode(const std::uint8_t* in, std::size_t size) {
    std::string text(hex_encoded_size(size), '\0');
    hex_encode(in, size, text.data());
    return text;
}

/// Decodes hex (upper, lower or mixed case; nothing else: no whitespace, "0x",
/// separators or sign) into `out` (capacity `capacity`), setting `size`.
/// Does not allocate; constant time in the characters' values.
/// @return errc::invalid_encoding, errc::buffer_too_small, or success.
[[nodiscard]] inline std::error_code hex_decode(std::string_view text, std::uint8_t* out, std::size_t capacity,
                                                std::size_t& size) noexcept {
    size = 0;
    if (text.size() % 2 != 0) return errc::invalid_encoding;
    if (text.size() / 2 > capacity) return errc::buffer_too_small;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    unsigned invalid = 0;
    for (std::size_t i = 0; i < text.size() / 2; ++i) {
        const unsigned hi = detail::hex_value(p[2 * i]), lo = detail::hex_value(p[2 * i + 1]);
        invalid |= (hi | lo) & 0x80;
        out[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 0x0F));
    }
    if (detail::ctgrind::declassify(invalid) != 0) {
        ct::wipe(out, text.size() / 2);
        return errc::invalid_encoding;
    }
    size = text.size() / 2;
    return {};
}

namespace detail {
/// Base64 alphabet values for every byte: 0..63, or 0x80 outside the alphabet.
struct base64_value_table {
    std::uint8_t value[256] = {};
    constexpr base64_value_table() {
        for (unsigned c = 0; c < 256; ++c) value[c] = 0x80;
        for (unsigned i = 0; i < 26; ++i) value['A' + i] = static_cast<std::uint8_t>(i);
        for (unsigned i = 0; i < 26; ++i) value['a' + i] = static_cast<std::uint8_t>(26 + i);
        for (unsigned i = 0; i < 10; ++i) value['0' + i] = static_cast<std::uint8_t>(52 + i);
        value[static_cast<unsigned char>('+')] = 62;
        value[static_cast<unsigned char>('/')] = 63;
    }
};
inline constexpr base64_value_table base64_values{};


/// base64_decode_public with the SSSE3 path on or off (tests compare both).
[[nodiscard]] inline std::error_code base64_decode_public_with(std::string_view text, std::uint8_t* out,
                                                               std::size_t capacity, std::size_t& size,
                                                               [[maybe_unused]] bool ssse3) noexcept {
    size = 0;
    if (text.size() % 4 != 0) return errc::invalid_encoding;
    if (text.empty()) return {};
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::uint8_t* value = detail::base64_values.value;
    const std::size_t n = text.size();
    const std::size_t padding = p[n - 1] != '=' ? 0 : p[n - 2] != '=' ? 1 : 2;
    if (n / 4 * 3 - padding > capacity) return errc::buffer_too_small;

    unsigned invalid = 0;
    std::size_t i = 0, o = 0;
#if HOOKSIG_X86_EXTENSIONS
    // 16-character blocks over everything before the last quantum (which may
    // hold padding), the final block overlapping the one before it when the
    // length is not a multiple of 16 (its bytes are decoded twice, equal).
    if (ssse3 && n >= 20) {
        const std::size_t body = n - 4, blocks = body / 16;
        if (!base64_decode_blocks_ssse3(p, blocks, out)) invalid = 0x80;
        if (body % 16 != 0 && !base64_decode_blocks_ssse3(p + body - 16, 1, out + (body - 16) / 4 * 3))
            invalid = 0x80;
        i = body;
        o = body / 4 * 3;
    }
#endif
    for (; i + 4 < n; i += 4) {
        const unsigned a = value[p[i]], b = value[p[i + 1]], c = value[p[i + 2]], d = value[p[i + 3]];
        invalid |= (a | b | c | d) & 0x80;
        const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
        out[o++] = static_cast<std::uint8_t>(v >> 16);
        out[o++] = static_cast<std::uint8_t>(v >> 8);
        out[o++] = static_cast<std::uint8_t>(v);
    }
    // Last quantum: "xxxx", "xxx=" or "xx=="; the bits padding drops must be zero.
    const unsigned a = value[p[n - 4]], b = value[p[n - 3]];
    const unsigned c = padding == 2 ? 0U : value[p[n - 2]];
    const unsigned d = padding >= 1 ? 0U : value[p[n - 1]];
    invalid |= (a | b | c | d) & 0x80;
    if (padding == 2) invalid |= b & 0x0F;
    if (padding == 1) invalid |= c & 0x03;
    if (invalid != 0) return errc::invalid_encoding;
    const unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = static_cast<std::uint8_t>(v >> 16);
    if (padding < 2) out[o++] = static_cast<std::uint8_t>(v >> 8);
    if (padding < 1) out[o++] = static_cast<std::uint8_t>(v);
    size = o;
    return {};
}
} // namespace detail

/// Decodes public base64 such as a received signature: exactly the inputs
/// base64_decode accepts (canonical padded standard base64), with the same
/// results, but through lookup tables (SSSE3 shuffles where the CPU has them)
/// and with branches on the characters. NOT constant time: never use it on a
/// secret. A received signature is public (whoever sent the request chose it);
/// decoding it this way is many times faster, which matters on the verify hot
/// path. Does not allocate.
/// @return errc::invalid_encoding, errc::buffer_too_small, or success.
[[nodiscard]] inline std::error_code base64_decode_public(std::string_view text, std::uint8_t* out,
                                                          std::size_t capacity, std::size_t& size) noexcept {
    return detail::base64_decode_public_with(text, out, capacity, size, detail::ssse3_available());
}

namespace detail {
/// Hex digit values for every byte: 0..15 for 0-9 and a-f, 0x80 otherwise.
struct lowercase_hex_value_table {
    std::uint8_t value[256] = {};
    constexpr lowercase_hex_value_table() {
        for (unsigned c = 0; c < 256; ++c) value[c] = 0x80;
        for (unsigned i = 0; i < 10; ++i) value['0' + i] = static_cast<std::uint8_t>(i);
        for (unsigned i = 0; i < 6; ++i) value['a' + i] = static_cast<std::uint8_t>(10 + i);
    }
};
inline constexpr lowercase_hex_value_table lowercase_hex_values{};
} // namespace detail

/// Decodes public lower-case hex such as a received signature (the providers'
/// SDKs compare the hex text, so upper case never matches for them). Table
/// lookups and branches on the characters: NOT constant time, never use it on
/// a secret. Does not allocate.
/// @return errc::invalid_encoding, errc::buffer_too_small, or success.
[[nodiscard]] inline std::error_code lowercase_hex_decode_public(std::string_view text, std::uint8_t* out,
                                                                 std::size_t capacity, std::size_t& size) noexcept {
    size = 0;
    if (text.size() % 2 != 0) return errc::invalid_encoding;
    if (text.size() / 2 > capacity) return errc::buffer_too_small;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::uint8_t* value = detail::lowercase_hex_values.value;
    unsigned invalid = 0;
    for (std::size_t i = 0; i < text.size() / 2; ++i) {
        const unsigned hi = value[p[2 * i]], lo = value[p[2 * i + 1]];
        invalid |= hi | lo;
        out[i] = static_cast<std::uint8_t>((hi << 4) | (lo & 0x0F));
    }
    if (invalid & 0x80) return errc::invalid_encoding;
    size = text.size() / 2;
    return {};
}

} // namespace hooksig
