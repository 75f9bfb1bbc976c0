// Strict base64 and hex against encoding.json (RFC 4648 plus hostile cases).
#include <catch2/catch.hpp>

#include <hooksig/encoding.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace hooksig;

TEST_CASE("base64 and hex decoders accept exactly the canonical spellings in encoding.json", "[encoding][vectors]") {
    const auto cases = test_support::load_vectors("encoding.json");
    REQUIRE(cases.size() == 65);
    std::size_t ok = 0, rejected = 0;
    for (const auto& c : cases) {
        const std::string input = c["input"], kind = c["kind"], expect = c["expect"];
        INFO(kind << " case: " << c["note"].get<std::string>());
        std::uint8_t out[256];
        std::size_t size = 99;
        const std::error_code decoded =
            kind == "base64" ? base64_decode(input, out, sizeof out, size) : hex_decode(input, out, sizeof out, size);
        if (expect == "ok") {
            REQUIRE_FALSE(decoded);
            CHECK(test_support::tohex(std::string(reinterpret_cast<char*>(out), size)) == c["bytes_hex"].get<std::string>());
            // Encoding the bytes gives the input back (hex: lower case only).
            if (kind == "base64") CHECK(base64_encode(out, size) == input);
            else CHECK(hex_encode(out, size) == c["bytes_hex"].get<std::string>());
            ++ok;
        } else {
            CHECK(decoded == errc::invalid_encoding);
            CHECK(size == 0);
            ++rejected;
        }
    }
    CHECK(ok == 18);
    CHECK(rejected == 47);
}

TEST_CASE("base64 round-trips every length and byte value", "[encoding]") {
    std::mt19937 rng(7);
    for (std::size_t n = 0; n <= 200; ++n) {
        std::string bytes(n, '\0');
        for (auto& b : bytes) b = static_cast<char>(rng());
        const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
        const std::string text = base64_encode(p, n);
        REQUIRE(text.size() == base64_encoded_size(n));
        std::uint8_t back[256];
        std::size_t size = 0;
        REQUIRE_FALSE(base64_decode(text, back, sizeof back, size));
        REQUIRE(std::string(reinterpret_cast<char*>(back), size) == bytes);
        const std::string hex = hex_encode(p, n);
        REQUIRE_FALSE(hex_decode(hex, back, sizeof back, size));
        REQUIRE(std::string(reinterpret_cast<char*>(back), size) == bytes);
    }
}

TEST_CASE("decoders refuse to overrun the output buffer", "[encoding]") {
    std::uint8_t out[3];
    std::size_t size = 0;
    CHECK(base64_decode("Zm9vYmFy", out, sizeof out, size) == errc::buffer_too_small);
    CHECK(hex_decode("00112233", out, sizeof out, size) == errc::buffer_too_small);
    CHECK_FALSE(base64_decode("Zm9v", out, sizeof out, size));
    CHECK(size == 3);
}

TEST_CASE("every single-character change to valid base64 is either rejected or decodes differently", "[encoding]") {
    const std::string good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    std::uint8_t reference[32], out[40];
    std::size_t size = 0;
    REQUIRE_FALSE(base64_decode(good, reference, sizeof reference, size));
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (int c = 0; c < 256; ++c) {
            std::string changed = good;
            if (static_cast<unsigned char>(changed[i]) == c) continue;
            changed[i] = static_cast<char>(c);
            if (!base64_decode(changed, out, sizeof out, size)) {
                // Turning padding into data changes the length; anything else the bytes.
                REQUIRE((size != 32 || std::memcmp(out, reference, 32) != 0));
            }
        }
    }
}

TEST_CASE("the public-input decoders answer exactly as the strict ones (hex: lower case only)", "[encoding]") {
    const auto cases = test_support::load_vectors("encoding.json");
    std::mt19937 rng(3);
    std::vector<std::string> inputs;
    for (const auto& c : cases) inputs.push_back(c["input"].get<std::string>());
    static const char letters[] = "0123456789abcdefABCDEFgG+/=-_ \n\0\xC3\xA9";
    const std::string alphabet(letters, sizeof letters - 1); // keeps the NUL
    for (int i = 0; i < 20000; ++i) {
        std::string text(rng() % 12, '\0');
        for (auto& ch : text) ch = alphabet[rng() % alphabet.size()];
        inputs.push_back(text);
    }
    for (const std::string& text : inputs) {
        INFO("input of " << text.size() << " bytes");
        std::uint8_t strict[64], fast[64];
        std::size_t strict_size = 99, fast_size = 99;
        const auto strict_b64 = base64_decode(text, strict, sizeof strict, strict_size);
        REQUIRE(base64_decode_public(text, fast, sizeof fast, fast_size) == strict_b64);
        REQUIRE(fast_size == strict_size);
        if (!strict_b64) REQUIRE(std::memcmp(fast, strict, strict_size) == 0);

        const bool has_upper = text.find_first_of("ABCDEF") != std::string::npos;
        auto strict_hex = hex_decode(text, strict, sizeof strict, strict_size);
        if (!strict_hex && has_upper) strict_hex = errc::invalid_encoding, strict_size = 0;
        REQUIRE(lowercase_hex_decode_public(text, fast, sizeof fast, fast_size) == strict_hex);
        REQUIRE(fast_size == strict_size);
        if (!strict_hex) REQUIRE(std::memcmp(fast, strict, strict_size) == 0);
    }
}
