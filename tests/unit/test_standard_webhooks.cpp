// Standard Webhooks verification: the generated vectors, header containers, and hostile input.
#include <catch2/catch.hpp>

#include <hooksig/hooksig.hpp>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#if __has_include(<httplib.h>)
#include <httplib.h>
#define HOOKSIG_TEST_HTTPLIB 1
#endif

#include "test_support.hpp"

using namespace hooksig;

namespace {
const char* const docs_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char* const docs_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const char* const docs_body = R"({"test": 2432232314})";
const char* const docs_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr unix_seconds docs_time = 1614265330;

using header_list = std::vector<std::pair<std::string, std::string>>;

header_list docs_headers() {
    return {{"webhook-id", docs_id}, {"webhook-timestamp", std::to_string(docs_time)}, {"webhook-signature", docs_signature}};
}

const verifier<standard_webhooks>& docs_verifier() {
    static const verifier<standard_webhooks> v({secret::parse(docs_secret)});
    return v;
}

errc expected_error(const std::string& kind) {
    if (kind == "missing_header") return errc::missing_header;
    if (kind == "invalid_timestamp") return errc::invalid_timestamp;
    if (kind == "timestamp_too_old") return errc::timestamp_too_old;
    if (kind == "timestamp_too_new") return errc::timestamp_too_new;
    if (kind == "no_matching_signature") return errc::no_matching_signature;
    if (kind == "invalid_secret") return errc::invalid_secret_length; // refined per case below
    FAIL("unknown error kind " << kind);
    return errc::invalid_argument;
}
} // namespace

TEST_CASE("every Standard Webhooks vector gets its expected verdict", "[standard][vectors]") {
    const auto file = test_support::load_vectors("standard-webhooks.json");
    std::size_t checked = 0;
    for (const auto& c : file["cases"]) {
        const std::string name = c["name"];
        INFO("case: " << name);
        secret key;
        const std::error_code parsed = secret::parse(c["secret"].get<std::string>(), key);
        const std::string expect = c["expect"];
        if (expect == "invalid_secret") {
            CHECK(parsed);
            CHECK(parsed.category() == error_category());
            ++checked;
            continue;
        }
        REQUIRE_FALSE(parsed);
        header_list headers;
        if (!c["msg_id"].is_null()) headers.emplace_back("webhook-id", c["msg_id"]);
        if (!c["timestamp"].is_null()) headers.emplace_back("webhook-timestamp", c["timestamp"]);
        if (!c["signature_header"].is_null()) headers.emplace_back("webhook-signature", c["signature_header"]);
        const std::string body =
            c.contains("payload_hex") ? test_support::unhex(c["payload_hex"]) : c["payload"].get<std::string>();
        const verifier<standard_webhooks> v({key});
        const verify_result result = v.verify(headers, body, c["now"].get<unix_seconds>());
        if (expect == "valid") {
            CHECK(result);
            CHECK(result.key_index == 0);
        } else {
            CHECK(result.error == expected_error(expect));
        }
        ++checked;
    }
    CHECK(checked == 35);
}

TEST_CASE("the signer reproduces the documented signature", "[standard]") {
    const signer<standard_webhooks> s({secret::parse(docs_secret)});
    sign_options options;
    options.id = docs_id;
    options.timestamp = docs_time;
    const auto headers = s.sign(docs_body, options);
    REQUIRE(headers.size() == 3);
    CHECK(headers[0].name == "webhook-id");
    CHECK(headers[0].value == docs_id);
    CHECK(headers[1].value == "1614265330");
    CHECK(headers[2].value == docs_signature);
    CHECK(docs_verifier().verify(headers, docs_body, docs_time));
}

TEST_CASE("the signer generates ids and reads its clock when not told", "[standard]") {
    const signer<standard_webhooks, fixed_clock> s({secret::parse(docs_secret)}, {}, fixed_clock{1700000000});
    const auto first = s.sign(docs_body);
    const auto second = s.sign(docs_body);
    CHECK(first[0].value.rfind("msg_", 0) == 0);
    CHECK(first[0].value.size() == 36);
    CHECK(first[0].value != second[0].value);
    CHECK(first[1].value == "1700000000");
    const verifier<standard_webhooks, fixed_clock> v({secret::parse(docs_secret)}, {}, {}, fixed_clock{1700000100});
    CHECK(v.verify(first, docs_body));
}

TEST_CASE("the signer rejects unusable ids and timestamps", "[standard]") {
    const signer<standard_webhooks> s({secret::parse(docs_secret)});
    std::vector<header> out;
    sign_options bad_id;
    bad_id.id = "has space";
    CHECK(s.sign(docs_body, bad_id, out) == errc::invalid_argument);
    bad_id.id = std::string(300, 'a');
    CHECK(s.sign(docs_body, bad_id, out) == errc::invalid_argument);
    sign_options bad_time;
    bad_time.timestamp = -5;
    CHECK(s.sign(docs_body, bad_time, out) == errc::invalid_argument);
    CHECK_THROWS_AS(s.sign(docs_body, bad_time), hooksig::error);
}

TEST_CASE("several keys sign one delivery and either verifies it", "[standard][rotation]") {
    const secret old_key = secret::parse(docs_secret), new_key = secret::generate();
    const signer<standard_webhooks> s({new_key, old_key});
    sign_options options;
    options.timestamp = docs_time;
    const auto headers = s.sign(docs_body, options);
    CHECK(std::count(headers[2].value.begin(), headers[2].value.end(), ' ') == 1);
    const verifier<standard_webhooks> only_old({old_key}), only_new({new_key}), both({new_key, old_key});
    CHECK(only_old.verify(headers, docs_body, docs_time));
    CHECK(only_new.verify(headers, docs_body, docs_time));
    const auto result = both.verify(headers, docs_body, docs_time);
    CHECK(result);
    CHECK(result.key_index == 0);
    CHECK_FALSE(verifier<standard_webhooks>({secret::generate()}).verify(headers, docs_body, docs_time));
}

TEMPLATE_TEST_CASE("any container of name/value pairs can carry the headers", "[standard][headers]",
                   (std::map<std::string, std::string>), (std::unordered_map<std::string, std::string>),
                   (std::unordered_multimap<std::string, std::string>), (std::multimap<std::string, std::string>),
                   (std::vector<std::pair<std::string, std::string>>),
                   (std::vector<std::pair<std::string_view, std::string_view>>), (std::vector<header>)) {
    const TestType headers{{"Webhook-Id", docs_id}, {"WEBHOOK-TIMESTAMP", "1614265330"}, {"webhook-Signature", docs_signature}};
    CHECK(docs_verifier().verify(headers, docs_body, docs_time));
}

#ifdef HOOKSIG_TEST_HTTPLIB
TEST_CASE("cpp-httplib's Headers work as they come", "[standard][headers]") {
    const httplib::Headers headers{{"Webhook-Id", docs_id}, {"Webhook-Timestamp", "1614265330"}, {"Webhook-Signature", docs_signature}};
    CHECK(docs_verifier().verify(headers, docs_body, docs_time));
}
#endif

TEST_CASE("svix- headers are aliases", "[standard][headers]") {
    const header_list svix = {{"svix-id", docs_id}, {"svix-timestamp", "1614265330"}, {"svix-signature", docs_signature}};
    CHECK(docs_verifier().verify(svix, docs_body, docs_time));
    header_list mixed = svix;
    mixed.emplace_back("webhook-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    CHECK(docs_verifier().verify(mixed, docs_body, docs_time).error == errc::no_matching_signature);
}

TEST_CASE("hostile headers get named errors, never a crash", "[standard][hostile]") {
    const auto with = [](std::string name, std::string value) {
        header_list h = docs_headers();
        for (auto& [n, v] : h)
            if (n == name) v = std::move(value);
        return h;
    };
    const auto verify = [](const header_list& h, std::string_view body = docs_body) {
        return docs_verifier().verify(h, body, docs_time).error;
    };

    SECTION("missing and empty headers") {
        CHECK(verify({}) == errc::missing_header);
        for (const char* name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
            header_list h = docs_headers();
            h.erase(std::remove_if(h.begin(), h.end(), [&](auto& p) { return p.first == name; }), h.end());
            CHECK(verify(h) == errc::missing_header);
        }
        CHECK(verify(with("webhook-id", "")) == errc::malformed_header);
        CHECK(verify(with("webhook-timestamp", "")) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-signature", "")) == errc::malformed_header);
    }
    SECTION("repeated headers are ambiguous") {
        header_list h = docs_headers();
        h.emplace_back("Webhook-Signature", docs_signature);
        CHECK(verify(h) == errc::malformed_header);
    }
    SECTION("NUL bytes and non-ASCII") {
        CHECK(verify(with("webhook-id", std::string("msg_\0x", 6))) == errc::malformed_header);
        CHECK(verify(with("webhook-id", "msg_\xC3\xA9")) == errc::malformed_header);
        CHECK(verify(with("webhook-signature", std::string(docs_signature) + std::string("\0", 1))) == errc::malformed_header);
        CHECK(verify(with("webhook-signature", "v1,\xC3\xA9")) == errc::malformed_header);
        CHECK(verify(with("webhook-timestamp", std::string("1614265330\0", 11))) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-timestamp", "\xD9\xA1\xD9\xA6")) == errc::invalid_timestamp);
    }
    SECTION("1 MiB headers") {
        const std::string huge(1 << 20, 'A');
        CHECK(verify(with("webhook-id", huge)) == errc::header_too_large);
        CHECK(verify(with("webhook-timestamp", huge)) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-signature", huge)) == errc::header_too_large);
        CHECK(verify(with("webhook-signature", "v1," + huge)) == errc::header_too_large);
    }
    SECTION("10,000 signature entries") {
        std::string many;
        for (int i = 0; i < 10000; ++i) many += std::string(docs_signature) + " ";
        CHECK(verify(with("webhook-signature", many)) == errc::header_too_large);
        std::string many_short;
        for (int i = 0; i < 10000; ++i) many_short += "v1 ";
        CHECK(verify(with("webhook-signature", many_short)) == errc::header_too_large);
        std::string just_over;
        for (std::size_t i = 0; i <= max_signatures; ++i) just_over += "v2,x ";
        CHECK(verify(with("webhook-signature", just_over + docs_signature)) == errc::too_many_signatures);
        std::string at_cap;
        for (std::size_t i = 0; i + 1 < max_signatures; ++i) at_cap += "v2,x ";
        CHECK(verify(with("webhook-signature", at_cap + docs_signature)) == std::error_code());
    }
    SECTION("signs, spaces and other non-digits in timestamps") {
        for (const char* t : {"+1614265330", "-1614265330", " 1614265330", "1614265330 ", "1614 265330", "1614265330.0",
                              "1.6e9", "0x6037", "01614265330", "abc", "1614265330\t"})
            CHECK(verify(with("webhook-timestamp", t)) == errc::invalid_timestamp);
    }
    SECTION("30-digit timestamps") {
        CHECK(verify(with("webhook-timestamp", std::string(30, '9'))) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-timestamp", "100000000000000000000000000000")) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-timestamp", "9999999999999")) == errc::invalid_timestamp);
        CHECK(verify(with("webhook-timestamp", "999999999999")) == errc::timestamp_too_new);
        CHECK(verify(with("webhook-timestamp", "0")) == errc::timestamp_too_old);
    }
    SECTION("truncated and over-long base64") {
        const std::string sig = docs_signature;
        CHECK(verify(with("webhook-signature", sig.substr(0, sig.size() - 1))) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", sig.substr(0, sig.size() - 4))) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", sig.substr(0, sig.size() - 1) + "AAAA")) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", sig + "AAAA")) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", "v1," + std::string(8000, 'A'))) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", "v1")) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", ",,,, v1, ,v1")) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", "v1a," + sig.substr(3))) == errc::no_matching_signature);
        CHECK(verify(with("webhook-signature", "   " + sig + "   ")) == std::error_code());
    }
    SECTION("a valid signature over another body, id or time does not match") {
        CHECK(verify(docs_headers(), "{\"test\": 2432232315}") == errc::no_matching_signature);
        CHECK(verify(with("webhook-id", "msg_other")) == errc::no_matching_signature);
        CHECK(docs_verifier().verify(with("webhook-timestamp", "1614265331"), docs_body, docs_time).error ==
              errc::no_matching_signature);
    }
}

TEST_CASE("tolerance is configurable and applies both ways", "[standard]") {
    verify_options wide;
    wide.tolerance = std::chrono::seconds(3600);
    const verifier<standard_webhooks> v({secret::parse(docs_secret)}, wide);
    const auto headers = docs_headers();
    CHECK(v.verify(headers, docs_body, docs_time + 3600));
    CHECK(v.verify(headers, docs_body, docs_time - 3600));
    CHECK(v.verify(headers, docs_body, docs_time + 3601).error == errc::timestamp_too_old);
    CHECK(v.verify(headers, docs_body, docs_time - 3601).error == errc::timestamp_too_new);
    // Extreme clocks do not overflow.
    CHECK(v.verify(headers, docs_body, std::numeric_limits<unix_seconds>::max()).error == errc::timestamp_too_old);
    CHECK(v.verify(headers, docs_body, std::numeric_limits<unix_seconds>::min()).error == errc::timestamp_too_new);
}

TEST_CASE("the clock is injectable", "[standard]") {
    struct stepping_clock {
        unix_seconds* at;
        unix_seconds now() const noexcept { return *at; }
    };
    unix_seconds now = docs_time;
    const verifier<standard_webhooks, stepping_clock> v({secret::parse(docs_secret)}, {}, {}, stepping_clock{&now});
    const auto headers = docs_headers();
    CHECK(v.verify(headers, docs_body));
    now += 301;
    CHECK(v.verify(headers, docs_body).error == errc::timestamp_too_old);
}

TEST_CASE("verifiers and signers refuse to be built without keys", "[standard]") {
    CHECK_THROWS_AS(verifier<standard_webhooks>(std::vector<secret>{}), hooksig::error);
    CHECK_THROWS_AS(verifier<standard_webhooks>({secret()}), hooksig::error);
    CHECK_THROWS_AS(signer<standard_webhooks>(std::vector<secret>{}), hooksig::error);
}

TEST_CASE("error codes have names and fixed messages", "[errors]") {
    for (int e = static_cast<int>(errc::missing_header); e <= static_cast<int>(errc::keyring_file_io); ++e) {
        const std::error_code code = static_cast<errc>(e);
        CHECK(code.category().name() == std::string("hooksig"));
        CHECK(code.message() != "unknown hooksig error");
    }
    CHECK_FALSE(std::error_code());
}
