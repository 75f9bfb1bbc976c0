// hooksig — webhook signing and verification. MIT License.
//
// hooksig::hex_decode against a plain reference decoder and Botan's strict
// hex_decode: all agree on accept/reject and on the bytes; accepted text
// re-encodes to its lower-case form; a too-small buffer never succeeds;
// encoding any bytes matches Botan's lower-case encoder and decodes back.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <botan/hex.h>

#include <hooksig/encoding.hpp>

#include "fuzzer_common.hpp"

namespace {

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Pairs of hex digits in either case; nothing else.
std::optional<std::string> reference_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi << 4 | lo));
    }
    return out;
}

std::optional<std::string> botan_decode(std::string_view text) {
    try {
        const std::vector<std::uint8_t> out = Botan::hex_decode(text.data(), text.size(), false);
        return std::string(out.begin(), out.end());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void check_decode(std::string_view text) {
    const std::optional<std::string> expected = reference_decode(text);
    HOOKSIG_FUZZ_CHECK(botan_decode(text) == expected);
    const std::size_t capacity = text.size() / 2;
    const std::unique_ptr<std::uint8_t[]> out(new std::uint8_t[capacity]);
    std::size_t size = 123;
    const std::error_code ec = hooksig::hex_decode(text, out.get(), capacity, size);
    HOOKSIG_FUZZ_CHECK(!ec == expected.has_value());
    if (ec) {
        HOOKSIG_FUZZ_CHECK(size == 0);
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_encoding);
        return;
    }
    HOOKSIG_FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(out.get()), size) == *expected);
    HOOKSIG_FUZZ_CHECK(hooksig::hex_encode(out.get(), size) == hooksig_fuzz::lower(text));
    if (size != 0) {
        const std::unique_ptr<std::uint8_t[]> small(new std::uint8_t[size - 1]);
        std::size_t small_size = 123;
        HOOKSIG_FUZZ_CHECK(hooksig::hex_decode(text, small.get(), size - 1, small_size) ==
                           hooksig::errc::buffer_too_small);
        HOOKSIG_FUZZ_CHECK(small_size == 0);
    }
}

void check_encode(std::string_view raw) {
    const std::string encoded = hooksig::hex_encode(hooksig_fuzz::bytes(raw), raw.size());
    HOOKSIG_FUZZ_CHECK(encoded.size() == hooksig::hex_encoded_size(raw.size()));
    HOOKSIG_FUZZ_CHECK(encoded == Botan::hex_encode(hooksig_fuzz::bytes(raw), raw.size(), false));
    const std::unique_ptr<std::uint8_t[]> back(new std::uint8_t[raw.size() + 1]);
    std::size_t size = 0;
    HOOKSIG_FUZZ_CHECK(!hooksig::hex_decode(encoded, back.get(), raw.size(), size));
    HOOKSIG_FUZZ_CHECK(std::string_view(reinterpret_cast<const char*>(back.get()), size) == raw);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_decode(text);
    check_encode(text);
    return 0;
}
