// whsec_ secrets: generation, strict parsing, redaction, exposure.
#include <catch2/catch.hpp>

#include <hooksig/secret.hpp>

#include <set>
#include <sstream>
#include <string>
#include <type_traits>

using namespace hooksig;

namespace {
std::string whsec_of_size(std::size_t bytes) {
    std::string raw(bytes, '\x5a');
    return "whsec_" + base64_encode(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
}

template <class T, class = void>
struct streamable : std::false_type {};
template <class T>
struct streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>> : std::true_type {};
} // namespace

TEST_CASE("a secret cannot be streamed or converted to a string by accident", "[secret]") {
    STATIC_REQUIRE_FALSE(streamable<secret>::value);
    STATIC_REQUIRE_FALSE(streamable<exposed_secret>::value);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<secret, std::string>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<secret, std::string_view>);
}

TEST_CASE("generated secrets are whsec_ + base64 of N random bytes", "[secret]") {
    std::set<std::string> seen;
    for (std::size_t n = secret_min_bytes; n <= secret_max_bytes; ++n) {
        const secret s = secret::generate(n);
        CHECK(s.key_size() == n);
        const std::string text(s.expose().view());
        CHECK(text.rfind("whsec_", 0) == 0);
        CHECK(text.size() == 6 + base64_encoded_size(n));
        CHECK(secret::parse(text) == s);
        CHECK(seen.insert(text).second);
    }
    CHECK(secret::generate().key_size() == 32);
}

TEST_CASE("generating a secret of a wrong length is a named error", "[secret]") {
    secret s;
    for (std::size_t n : {0, 1, 16, 23, 65, 100, 4096}) CHECK(secret::generate(s, n) == errc::invalid_secret_length);
    CHECK(s.empty());
    CHECK_THROWS_AS(secret::generate(23), hooksig::error);
}

TEST_CASE("parse accepts the documented secret with and without its prefix", "[secret]") {
    const secret with = secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    const secret bare = secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    CHECK(with.key_size() == 24);
    CHECK(with == bare);
    CHECK(with.key_kind() == secret::kind::whsec);
    CHECK(std::string(with.expose().view()) == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    CHECK(secret::parse("whsec_ira5jceuzhxxBxoWckAU0hLFQe79bSMZ").key_size() == 24);
}

TEST_CASE("secrets of every wrong length are invalid_secret_length", "[secret][hostile]") {
    for (std::size_t n = 1; n <= 100; ++n) {
        INFO(n << " bytes");
        secret s;
        const auto parsed = secret::parse(whsec_of_size(n), s);
        if (n >= secret_min_bytes && n <= secret_max_bytes) {
            CHECK_FALSE(parsed);
            CHECK(s.key_size() == n);
        } else {
            CHECK(parsed == errc::invalid_secret_length);
            CHECK(s.empty());
        }
    }
}

TEST_CASE("malformed secrets get named errors", "[secret][hostile]") {
    secret s;
    const std::string body = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    CHECK(secret::parse("", s) == errc::invalid_secret_length);
    CHECK(secret::parse("whsec_", s) == errc::invalid_secret_length);
    CHECK(secret::parse("WHSEC_" + body, s) == errc::invalid_secret_prefix);
    CHECK(secret::parse("whsx_" + body, s) == errc::invalid_secret_prefix);
    CHECK(secret::parse("whsk_" + body, s) == errc::invalid_secret_length); // 24 bytes: neither seed nor seed||public
    CHECK(secret::parse("whsec_" + body + "\n", s) == errc::invalid_secret_encoding);
    CHECK(secret::parse(" whsec_" + body, s) == errc::invalid_secret_prefix);
    CHECK(secret::parse("whsec_" + body.substr(0, 31) + "-", s) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whsec_not base64!", s) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whsec_" + body.substr(0, 30), s) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whsec_" + std::string(1 << 20, 'A'), s) == errc::invalid_secret_length);
    CHECK(secret::parse(std::string("whsec_MfKQ9r8GKYqrTwjU\0D8ILPZIo2LaLaSw", 38), s) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS\xC3\xA9", s) == errc::invalid_secret_encoding);
    // Non-canonical trailing bits: "...Sx==" style for a 25-byte secret.
    std::string canonical = whsec_of_size(25); // ends "Wg=="
    REQUIRE(canonical.substr(canonical.size() - 4) == "Wg==");
    canonical[canonical.size() - 3] = 'h';
    CHECK(secret::parse(canonical, s) == errc::invalid_secret_encoding);
    CHECK(s.empty());
    CHECK_THROWS_AS(secret::parse("nope"), hooksig::error);
}

TEST_CASE("error messages never contain the secret text", "[secret]") {
    secret s;
    for (const std::string text : {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}) {
        const std::string message = secret::parse(text, s).message();
        CHECK(message.find("MfKQ") == std::string::npos);
    }
}

TEST_CASE("redacted() shows the prefix and the last four characters only", "[secret]") {
    const secret s = secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    CHECK(s.redacted() == "whsec_\xE2\x80\xA6LaSw");
    const secret padded = secret::generate(32);
    const std::string text(padded.expose().view());
    CHECK(padded.redacted() == "whsec_\xE2\x80\xA6" + text.substr(text.size() - 4));
    CHECK(secret::from_text("It's a Secret to Everybody").redacted() == "\xE2\x80\xA6" "body");
    CHECK(secret::from_text("short").redacted() == "\xE2\x80\xA6");
}

TEST_CASE("text secrets key the MAC with their bytes", "[secret]") {
    const secret s = secret::from_text("whsec_hooksigStripeTestSecret0123456789");
    CHECK(s.key_kind() == secret::kind::text);
    CHECK(s.key_size() == 39);
    CHECK(std::string(s.expose().view()) == "whsec_hooksigStripeTestSecret0123456789");
    secret empty;
    CHECK(secret::from_text("", empty) == errc::invalid_secret_length);
    CHECK(secret::from_text(std::string(text_secret_max_size + 1, 'x'), empty) == errc::invalid_secret_length);
}

TEST_CASE("key ids are stable, short, and differ between keys", "[secret]") {
    const secret a = secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    CHECK(a.key_id() == secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").key_id());
    CHECK(a.key_id().size() == 12);
    CHECK(a.key_id() != secret::generate().key_id());
}
