// hooksig — webhook signing and verification. MIT License.
//
// hooksig::base64_decode against a plain reference decoder written for
// clarity, not constant time: both must agree on accept/reject and on the
// bytes; accepted text must re-encode to itself (one spelling per byte
// string); a too-small buffer never succeeds; encoding any bytes matches
// Botan's encoder and decodes back. The table-driven decoder the Standard
// Webhooks scheme uses for received (public) signatures,
// base64_decode_public, must give exactly base64_decode's answers.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <botan/base64.h>

#include <hooksig/encoding.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>

#include "fuzzer_common.hpp"

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Strict RFC 4648 §4 decoding: padded, standard alphabet, zero unused bits.
std::optional<std::string> reference_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    std::string out;
    unsigned bits = 0, held = 0;
    for (std::size_t i = 0; i < text.size() - padding; ++i) {
        const std::size_t v = alphabet.find(text[i]);
        if (v == std::string_view::npos) return std::nullopt; // also a '=' before the padding
        bits = (bits << 6) | static_cast<unsigned>(v);
        held += 6;
        if (held >= 8) {
            held -= 8;
            out.push_back(static_cast<char>((bits >> held) & 0xFF));
        }
    }
    if ((bits & ((1U << held) - 1)) != 0) return std::nullopt; // non-zero unused bits
    return out;
}

void check_decode(std::string_view text) {
    const std::optional<std::string> expected = reference_decode(text);
    const std::size_t capacity = text.size() / 4 * 3;
    const std::unique_ptr<std::uint8_t[]> out(new std::uint8_t[capacity]);
    std::size_t size = 123;
    const std::error_code ec = hooksig::base64_decode(text, out.get(), capacity, size);
    HOOKSIG_FUZZ_CHECK(!ec == expected.has_value());
    if (ec) {
        HOOKSIG_FUZZ_CHECK(size == 0);
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_encoding);
        return;
    }
    HOOKSIG_FUZZ_CHECK(size == expected->size());
    HOOKSIG_FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(out.get()), size) == *expected);
    HOOKSIG_FUZZ_CHECK(hooksig::base64_encode(out.get(), size) == text);

    // One byte less room than needed must never succeed (nor write past it:
    // the buffer is exactly sized, so AddressSanitizer would see it).
    if (size != 0) {
        const std::unique_ptr<std::uint8_t[]> small(new std::uint8_t[size - 1]);
        std::size_t small_size = 123;
        HOOKSIG_FUZZ_CHECK(hooksig::base64_decode(text, small.get(), size - 1, small_size) ==
                           hooksig::errc::buffer_too_small);
        HOOKSIG_FUZZ_CHECK(small_size == 0);
    }
}

/// The received-signature decoder agrees with base64_decode for a buffer of `capacity` bytes.
void check_received(std::string_view text, std::size_t capacity) {
    const std::unique_ptr<std::uint8_t[]> a(new std::uint8_t[capacity]), b(new std::uint8_t[capacity]);
    std::size_t a_size = 123, b_size = 456;
    const std::error_code a_ec = hooksig::base64_decode(text, a.get(), capacity, a_size);
    const std::error_code b_ec = hooksig::base64_decode_public(text, b.get(), capacity, b_size);
    HOOKSIG_FUZZ_CHECK(a_ec == b_ec && a_size == b_size);
    if (!a_ec) HOOKSIG_FUZZ_CHECK(std::memcmp(a.get(), b.get(), a_size) == 0);
}

void check_encode(std::string_view raw) {
    const std::string encoded = hooksig::base64_encode(hooksig_fuzz::bytes(raw), raw.size());
    HOOKSIG_FUZZ_CHECK(encoded.size() == hooksig::base64_encoded_size(raw.size()));
    HOOKSIG_FUZZ_CHECK(encoded == Botan::base64_encode(hooksig_fuzz::bytes(raw), raw.size()));
    const std::unique_ptr<std::uint8_t[]> back(new std::uint8_t[raw.size() + 1]);
    std::size_t size = 0;
    HOOKSIG_FUZZ_CHECK(!hooksig::base64_decode(encoded, back.get(), raw.size(), size));
    HOOKSIG_FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(back.get()), size) == raw);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_decode(text);
    check_received(text, text.size() / 4 * 3);
    check_received(text, hooksig::mac_size); // the size the scheme decodes into
    check_encode(text);
    return 0;
}
