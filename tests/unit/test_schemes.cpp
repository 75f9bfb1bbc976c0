// Provider wire schemes (Stripe, GitHub, Slack, Shopify, raw-hex/raw-base64, Paddle, Square): the generated
// vectors, sign -> verify round trips, hostile headers, and a user-defined scheme.
#include <catch2/catch.hpp>

#include <hooksig/hooksig.hpp>

#include <botan/mac.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace hooksig;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;
constexpr unix_seconds when = 1700000000;
const char* const body_text = R"({"id":"evt_1","type":"payment_intent.succeeded","amount":4200})";

errc error_named(const std::string& kind) {
    static const std::map<std::string, errc> names = {
        {"missing_header", errc::missing_header},
        {"malformed_header", errc::malformed_header},
        {"invalid_timestamp", errc::invalid_timestamp},
        {"timestamp_too_old", errc::timestamp_too_old},
        {"timestamp_too_new", errc::timestamp_too_new},
        {"no_matching_signature", errc::no_matching_signature},
    };
    const auto found = names.find(kind);
    if (found == names.end()) FAIL("unknown expect value " << kind);
    return found->second;
}

bool same_name(const std::string& a, const std::string& b) { return header_name_equal(a, b); }

/// A secret for `scheme`: whsec_ for Standard Webhooks, text for the rest.
template <class Scheme>
secret make_key(const Scheme& scheme, std::string_view text) {
    secret s;
    REQUIRE_FALSE(scheme.make_secret(text, s));
    return s;
}

/// Runs one schemes.json case through verifier<Scheme>. When the case is a
/// provider-signed valid one, also checks that signer<Scheme> reproduces the
/// headers the provider sent.
template <class Scheme>
void run_vector(const nlohmann::json& c, const Scheme& scheme, verify_options policy = {}) {
    std::vector<secret> keys;
    if (c.contains("secrets"))
        for (const auto& s : c["secrets"]) keys.push_back(make_key(scheme, s.get<std::string>()));
    else
        keys.push_back(make_key(scheme, c["secret"].get<std::string>()));
    header_list headers;
    for (const auto& item : c["headers"].items()) headers.emplace_back(item.key(), item.value().get<std::string>());
    const std::string body =
        c.contains("payload_hex") ? test_support::unhex(c["payload_hex"]) : c["payload"].template get<std::string>();
    const unix_seconds now = c.contains("now") ? c["now"].get<unix_seconds>() : when; // untimed schemes: any time

    const verify_result result = verifier<Scheme>(keys, policy, scheme).verify(headers, body, now);
    const std::string expect = c["expect"];
    if (expect == "valid") {
        CHECK(result.error == std::error_code());
    } else {
        CHECK(result.error == error_named(expect));
    }

    const std::string name = c["name"];
    if (expect != "valid" || keys.size() != 1 || (name.rfind("valid", 0) != 0 && name != "docs vector")) return;
    sign_options options;
    if (c.contains("timestamp")) options.timestamp = std::stoll(c["timestamp"].get<std::string>());
    for (const auto& [n, v] : headers)
        if (same_name(n, "svix-id") || same_name(n, "webhook-id")) options.id = v;
    std::size_t compared = 0;
    for (const header& h : signer<Scheme>(keys, scheme).sign(body, options)) {
        const auto sent = std::find_if(headers.begin(), headers.end(), [&](const auto& p) { return same_name(p.first, h.name); });
        if (sent == headers.end()) continue; // svix-* names in the case, webhook-* from the signer
        CHECK(sent->second == h.value);
        ++compared;
    }
    if (scheme.name() != "standard") CHECK(compared > 0);
}

} // namespace

TEST_CASE("every provider-scheme vector gets its expected verdict", "[schemes][vectors]") {
    const auto file = test_support::load_vectors("schemes.json");
    std::map<std::string, int> checked;
    for (const auto& c : file) {
        const std::string scheme = c["scheme"];
        INFO("scheme " << scheme << ", case: " << c["name"].get<std::string>());
        if (scheme == "stripe") run_vector(c, stripe{});
        else if (scheme == "github") run_vector(c, github{});
        else if (scheme == "slack") run_vector(c, slack{});
        else if (scheme == "shopify") run_vector(c, shopify{});
        else if (scheme == "bitgo") run_vector(c, raw_hex{});
        else if (scheme == "svix") run_vector(c, standard_webhooks{});
        else if (scheme == "paddle") run_vector(c, paddle{}, verify_options{std::chrono::seconds(5)}); // its SDK's window
        else if (scheme == "square") run_vector(c, square(c["url"].get<std::string>()));
        else FAIL("a vector for an unknown scheme: " << scheme);
        ++checked[scheme];
    }
    std::size_t total = 0;
    for (const char* s : {"stripe", "github", "slack", "shopify", "bitgo", "svix", "paddle", "square"}) {
        INFO("scheme " << s);
        CHECK(checked[s] >= 6);
        total += static_cast<std::size_t>(checked[s]);
    }
    CHECK(total == file.size());
}

TEST_CASE("schemes have the CLI's names", "[schemes]") {
    CHECK(stripe{}.name() == "stripe");
    CHECK(github{}.name() == "github");
    CHECK(slack{}.name() == "slack");
    CHECK(shopify{}.name() == "shopify");
    CHECK(raw_hex{}.name() == "raw-hex");
    CHECK(raw_base64{}.name() == "raw-base64");
    CHECK(paddle{}.name() == "paddle");
    CHECK(square("https://example.com/hook").name() == "square");
}

// ------------------------------------------------------------------------------------ round trips

namespace {
/// Per-scheme data for the round-trip tests.
template <class Scheme>
struct fixture {
    static constexpr const char* key_a = "hooksig-test-secret-A-0123456789";
    static constexpr const char* key_b = "hooksig-test-secret-B-9876543210";
};
template <>
struct fixture<standard_webhooks> {
    static constexpr const char* key_a = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static constexpr const char* key_b = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
};

/// A scheme value to test with: default-constructed, except Square, which needs its URL.
template <class Scheme>
Scheme make_scheme() {
    if constexpr (std::is_same_v<Scheme, square>) return square("https://example.com/webhooks/square?env=test");
    else return Scheme{};
}
} // namespace

TEMPLATE_TEST_CASE("signing then verifying round-trips for every scheme", "[schemes][roundtrip]", stripe, github,
                   slack, shopify, raw_hex, raw_base64, paddle, square, standard_webhooks) {
    const TestType scheme = make_scheme<TestType>();
    const secret a = make_key(scheme, fixture<TestType>::key_a), b = make_key(scheme, fixture<TestType>::key_b);
    sign_options options;
    options.timestamp = when;
    const auto headers = signer<TestType>({a}, scheme).sign(body_text, options);
    REQUIRE_FALSE(headers.empty());
    for (const header& h : headers) CHECK(is_visible_ascii(h.value));

    SECTION("the right key verifies, a wrong one does not") {
        const auto ok = verifier<TestType>({a}, {}, scheme).verify(headers, body_text, when);
        CHECK(ok);
        CHECK(ok.key_index == 0);
        CHECK(verifier<TestType>({b}, {}, scheme).verify(headers, body_text, when).error == errc::no_matching_signature);
        const auto second = verifier<TestType>({b, a}, {}, scheme).verify(headers, body_text, when);
        CHECK(second);
        CHECK(second.key_index == 1);
    }
    SECTION("a tampered body or signature does not verify") {
        const verifier<TestType> v({a}, {}, scheme);
        std::string tampered = body_text;
        tampered[10] ^= 1;
        CHECK(v.verify(headers, tampered, when).error == errc::no_matching_signature);
        CHECK(v.verify(headers, std::string(body_text) + " ", when).error == errc::no_matching_signature);
        CHECK(v.verify(headers, "", when).error == errc::no_matching_signature);
        for (std::size_t i = 0; i < headers.size(); ++i) {
            auto changed = headers;
            std::string& value = changed[i].value;
            // Flip one character of the encoded MAC (the last non-padding one) to another of its alphabet.
            const std::size_t at = value.find_last_not_of('=');
            value[at] = value[at] == 'a' ? 'b' : 'a';
            CHECK_FALSE(v.verify(changed, body_text, when));
        }
    }
    SECTION("header names match case-insensitively") {
        std::vector<header> upper = headers;
        for (header& h : upper) std::transform(h.name.begin(), h.name.end(), h.name.begin(), [](char c) { return c >= 'a' && c <= 'z' ? c - 32 : c; });
        CHECK(verifier<TestType>({a}, {}, scheme).verify(upper, body_text, when));
    }
    SECTION("several keys: one signature each when the header has room, else the primary's") {
        const auto both = signer<TestType>({a, b}, scheme).sign(body_text, options);
        const auto by_b = verifier<TestType>({b}, {}, scheme).verify(both, body_text, when);
        CHECK(verifier<TestType>({a}, {}, scheme).verify(both, body_text, when));
        if (scheme.signatures_per_delivery() > 1) CHECK(by_b);
        else CHECK(by_b.error == errc::no_matching_signature);
    }
    SECTION("timestamped schemes enforce the window both ways; others ignore the clock") {
        const verifier<TestType> v({a}, {}, scheme);
        if (scheme.signs_timestamp()) {
            CHECK(v.verify(headers, body_text, when + 300));
            CHECK(v.verify(headers, body_text, when - 300));
            CHECK(v.verify(headers, body_text, when + 301).error == errc::timestamp_too_old);
            CHECK(v.verify(headers, body_text, when - 301).error == errc::timestamp_too_new);
        } else {
            CHECK(v.verify(headers, body_text, when + 86400 * 365));
        }
    }
    SECTION("binary bodies are signed as raw bytes") {
        const std::string binary("\x00\xFF\xFE{\"a\":1}\r\n\xEF\xBB\xBF", 15);
        const auto signed_binary = signer<TestType>({a}, scheme).sign(binary, options);
        const verifier<TestType> v({a}, {}, scheme);
        CHECK(v.verify(signed_binary, binary, when));
        CHECK_FALSE(v.verify(signed_binary, binary.substr(0, 14), when));
    }
    SECTION("an empty secret is refused") {
        secret s;
        CHECK(scheme.make_secret("", s));
    }
}

TEST_CASE("text-key schemes key HMAC with the secret text, whsec_ included", "[schemes]") {
    // The same secret text as a Standard Webhooks secret gives a different key.
    const std::string text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    sign_options options;
    options.timestamp = when;
    const auto headers = signer<stripe>({make_key(stripe{}, text)}).sign(body_text, options);
    CHECK(verifier<stripe>({secret::from_text(text)}).verify(headers, body_text, when));
    CHECK_FALSE(verifier<stripe>({secret::parse(text)}).verify(headers, body_text, when));
}

TEST_CASE("signers write the documented header shapes", "[schemes]") {
    const secret key = secret::from_text("It's a Secret to Everybody");
    sign_options options;
    options.timestamp = when;
    const auto gh = signer<github>({key}).sign("Hello, World!", options);
    REQUIRE(gh.size() == 1);
    CHECK(gh[0].name == "x-hub-signature-256");
    CHECK(gh[0].value == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");

    const auto st = signer<stripe>({key, secret::from_text("second")}).sign("{}", options);
    REQUIRE(st.size() == 1);
    CHECK(st[0].name == "stripe-signature");
    CHECK(st[0].value.rfind("t=1700000000,v1=", 0) == 0);
    CHECK(std::count(st[0].value.begin(), st[0].value.end(), ',') == 2);
    CHECK(st[0].value.size() == std::string("t=1700000000").size() + 2 * (4 + 64));

    const auto sl = signer<slack>({key}).sign("{}", options);
    REQUIRE(sl.size() == 2);
    CHECK(sl[0].name == "x-slack-request-timestamp");
    CHECK(sl[0].value == "1700000000");
    CHECK(sl[1].value.rfind("v0=", 0) == 0);
    CHECK(sl[1].value.size() == 67);

    const auto sh = signer<shopify>({key}).sign("{}", options);
    REQUIRE(sh.size() == 1);
    CHECK(sh[0].name == "x-shopify-hmac-sha256");
    CHECK(sh[0].value.size() == 44);
    CHECK(sh[0].value.back() == '=');

    const auto rh = signer<raw_hex>({key}).sign("{}", options);
    const auto rb = signer<raw_base64>({key}).sign("{}", options);
    REQUIRE(rh.size() == 1);
    REQUIRE(rb.size() == 1);
    CHECK(rh[0].name == "x-signature-sha256");
    CHECK(rh[0].value.size() == 64);
    CHECK(rh[0].value.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(rb[0].value == sh[0].value); // same MAC, same base64
}

// -------------------------------------------------------------------------------- header details

TEST_CASE("Stripe's header is parsed strictly", "[schemes][stripe]") {
    const secret key = secret::from_text("whsec_hooksigStripeTestSecret0123456789");
    const verifier<stripe> v({key});
    sign_options options;
    options.timestamp = when;
    const std::string good = signer<stripe>({key}).sign(body_text, options)[0].value;
    const std::string v1 = good.substr(good.find(",v1=") + 1);
    const auto verify = [&](const std::string& value) {
        return v.verify(header_list{{"Stripe-Signature", value}}, body_text, when).error;
    };
    CHECK(verify(good) == std::error_code());
    CHECK(verify(v1 + ",t=1700000000") == std::error_code());                  // order does not matter
    CHECK(verify("t=1700000000,v0=00," + v1 + ",v9=zz,x=") == std::error_code()); // other keys ignored
    CHECK(verify("t=1700000000,v1=" + std::string(64, '0') + "," + v1) == std::error_code());
    CHECK(verify(good + ",t=1700000000") == errc::malformed_header);  // a second t
    CHECK(verify(good + ",t=1699999999") == errc::malformed_header);
    CHECK(verify(good + ",") == errc::malformed_header);              // empty item
    CHECK(verify("," + good) == errc::malformed_header);
    CHECK(verify(good + ",v1") == errc::malformed_header);            // item without '='
    CHECK(verify(good + ",=abc") == errc::malformed_header);          // empty key
    CHECK(verify("t=1700000000") == errc::malformed_header);          // no v1
    CHECK(verify("t=1700000000,v1=") == errc::no_matching_signature); // empty v1 never matches
    CHECK(verify("t=01700000000," + v1) == errc::invalid_timestamp);
    CHECK(verify("t=+1700000000," + v1) == errc::invalid_timestamp);
    CHECK(verify("t=1700000000.0," + v1) == errc::invalid_timestamp);
    CHECK(verify("t=," + v1) == errc::invalid_timestamp);
    CHECK(verify("T=1700000000," + v1) == errc::malformed_header); // keys are case-sensitive
    CHECK(verify("t=1700000000,V1" + v1.substr(2)) == errc::malformed_header);
}

TEST_CASE("upper-case hex never matches, as in the providers' SDKs", "[schemes][hex]") {
    const secret key = secret::from_text("It's a Secret to Everybody");
    const auto upper = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](char c) { return c >= 'a' && c <= 'f' ? c - 32 : c; });
        return s;
    };
    const std::string mac = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const verifier<github> gh({key});
    CHECK(gh.verify(header_list{{"X-Hub-Signature-256", "sha256=" + mac}}, "Hello, World!"));
    CHECK(gh.verify(header_list{{"X-Hub-Signature-256", "sha256=" + upper(mac)}}, "Hello, World!").error ==
          errc::no_matching_signature);
    std::string mixed = mac;
    mixed[0] = '7';
    mixed[6] = 'E'; // one upper-case digit is enough
    CHECK(gh.verify(header_list{{"X-Hub-Signature-256", "sha256=" + mixed}}, "Hello, World!").error ==
          errc::no_matching_signature);
    const verifier<raw_hex> raw({key});
    CHECK(raw.verify(header_list{{"x-signature-sha256", mac}}, "Hello, World!"));
    CHECK(raw.verify(header_list{{"x-signature-sha256", upper(mac)}}, "Hello, World!").error ==
          errc::no_matching_signature);

    std::uint8_t out[mac_size];
    std::size_t size = 99;
    CHECK(lowercase_hex_decode_public("ABCDEF", out, sizeof out, size) == errc::invalid_encoding);
    CHECK(size == 0);
    CHECK_FALSE(lowercase_hex_decode_public("abcdef09", out, sizeof out, size));
    CHECK(size == 4);
    CHECK(lowercase_hex_decode_public("abcdeg", out, sizeof out, size) == errc::invalid_encoding);
}

TEST_CASE("GitHub and Slack require their version prefixes", "[schemes][github][slack]") {
    const secret key = secret::from_text("It's a Secret to Everybody");
    const std::string mac = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    const verifier<github> gh({key});
    const auto github_error = [&](const std::string& value) {
        return gh.verify(header_list{{"X-Hub-Signature-256", value}}, "Hello, World!").error;
    };
    CHECK(github_error("SHA256=" + mac) == errc::malformed_header);
    CHECK(github_error("sha1=" + mac) == errc::malformed_header);
    CHECK(github_error("sha256=") == errc::no_matching_signature);
    CHECK(github_error("sha256= " + mac) == errc::no_matching_signature);
    CHECK(github_error("sha256=" + mac + "00") == errc::no_matching_signature);

    sign_options options;
    options.timestamp = when;
    const auto sent = signer<slack>({key}).sign("x", options);
    const verifier<slack> sl({key});
    const auto slack_error = [&](const std::string& timestamp, const std::string& signature) {
        return sl.verify(header_list{{"X-Slack-Request-Timestamp", timestamp}, {"X-Slack-Signature", signature}}, "x", when).error;
    };
    CHECK(slack_error(sent[0].value, sent[1].value) == std::error_code());
    CHECK(slack_error(sent[0].value, "v1=" + sent[1].value.substr(3)) == errc::malformed_header);
    CHECK(slack_error(sent[0].value, sent[1].value.substr(3)) == errc::malformed_header);
    CHECK(slack_error("+1700000000", sent[1].value) == errc::invalid_timestamp);
    CHECK(slack_error("1700000000 ", sent[1].value) == errc::invalid_timestamp);
    CHECK(slack_error("", sent[1].value) == errc::invalid_timestamp);
}

TEST_CASE("Shopify reads the unprefixed events header when the X- one is absent", "[schemes][shopify]") {
    const secret key = secret::from_text("shopify-client-secret");
    const auto sent = signer<shopify>({key}).sign(body_text);
    const verifier<shopify> v({key});
    CHECK(v.verify(header_list{{"shopify-hmac-sha256", sent[0].value}}, body_text));
    CHECK(v.verify(header_list{{"X-Shopify-Hmac-Sha256", sent[0].value}, {"shopify-hmac-sha256", "bogus"}}, body_text));
    CHECK(v.verify(header_list{{"X-Shopify-Hmac-Sha256", "bogus"}, {"shopify-hmac-sha256", sent[0].value}}, body_text)
              .error == errc::no_matching_signature);
    CHECK(v.verify(header_list{{"shopify-hmac-sha256", sent[0].value}, {"Shopify-Hmac-Sha256", sent[0].value}}, body_text)
              .error == errc::malformed_header);
}

TEST_CASE("raw schemes read and write a configurable header", "[schemes][raw]") {
    const secret key = secret::from_text("bitgo-webhook-secret");
    const raw_hex custom("X-BitGo-Signature");
    CHECK(custom.header_name() == "x-bitgo-signature");
    CHECK(raw_hex{}.header_name() == "x-signature-sha256");
    const auto sent = signer<raw_hex>({key}, custom).sign(body_text);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].name == "x-bitgo-signature");
    CHECK(verifier<raw_hex>({key}, {}, custom).verify(sent, body_text));
    CHECK(verifier<raw_hex>({key}).verify(sent, body_text).error == errc::missing_header);
    const raw_base64 custom64("Signature");
    const auto sent64 = signer<raw_base64>({key}, custom64).sign(body_text);
    CHECK(sent64[0].name == "signature");
    CHECK(verifier<raw_base64>({key}, {}, custom64).verify(sent64, body_text));
    CHECK(verifier<raw_hex>({key}, {}, raw_hex("signature")).verify(sent64, body_text).error ==
          errc::no_matching_signature);

    for (const std::string& bad : {std::string(), std::string("has space"), std::string("a:b"), std::string("x\n"),
                                  std::string(129, 'a'), std::string("caf\xC3\xA9")}) {
        INFO("header name: " << bad);
        CHECK_FALSE(raw_hex::is_valid_header_name(bad));
        CHECK_THROWS_AS(raw_hex(bad), hooksig::error);
    }
    CHECK(raw_hex::is_valid_header_name(std::string(128, 'a')));
    CHECK(raw_hex::is_valid_header_name("X-Signature_v2.1"));
}

TEST_CASE("Paddle's header is parsed like Stripe's, with semicolons, ts and h1", "[schemes][paddle]") {
    const secret key = secret::from_text("pdl_ntfset_01hooksig_secretkey");
    sign_options options;
    options.timestamp = when;
    const auto sent = signer<paddle>({key, secret::from_text("pdl_ntfset_02other")}).sign(body_text, options);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].name == "paddle-signature");
    CHECK(sent[0].value.rfind("ts=1700000000;h1=", 0) == 0);
    CHECK(std::count(sent[0].value.begin(), sent[0].value.end(), ';') == 2);
    const verifier<paddle> v({key});
    const auto verify = [&](const std::string& value) {
        return v.verify(header_list{{"Paddle-Signature", value}}, body_text, when).error;
    };
    const std::string h1 = sent[0].value.substr(sent[0].value.find(";h1=") + 1, 3 + 64);
    CHECK(verify(sent[0].value) == std::error_code());
    CHECK(verify("ts=1700000000;" + h1 + ";ts=1700000000") == errc::malformed_header);
    CHECK(verify("ts=1700000000," + h1) == errc::malformed_header); // Stripe's separator is not Paddle's
    CHECK(verify("t=1700000000;" + h1) == errc::malformed_header);
    CHECK(verify("ts=1700000000;v1=" + h1.substr(3)) == errc::malformed_header);
    CHECK(verifier<paddle>({key}, verify_options{std::chrono::seconds(5)}).verify(sent, body_text, when + 6).error ==
          errc::timestamp_too_old);
}

TEST_CASE("Square signs the notification URL with the body", "[schemes][square]") {
    const secret key = secret::from_text("square-signature-key");
    const square registered("https://example.com/webhooks/square");
    const auto sent = signer<square>({key}, registered).sign(body_text);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].name == "x-square-hmacsha256-signature");
    CHECK(registered.notification_url() == "https://example.com/webhooks/square");
    CHECK(verifier<square>({key}, {}, registered).verify(sent, body_text));
    for (const char* other : {"https://example.com/webhooks/square/", "http://example.com/webhooks/square",
                              "https://example.com/webhooks/square?x=1", "https://EXAMPLE.com/webhooks/square"}) {
        INFO("url " << other);
        CHECK(verifier<square>({key}, {}, square(other)).verify(sent, body_text).error == errc::no_matching_signature);
    }
    // URL + body is one byte string: moving bytes between them gives the same MAC (Square's design).
    CHECK(verifier<square>({key}, {}, square("https://example.com/webhooks/square{")).verify(sent, body_text + 1));
    for (const std::string& bad : {std::string(), std::string("https://example.com/a b"), std::string("https://x/\n"),
                                   std::string("https://x/\xC3\xA9"), std::string(2049, 'a')}) {
        INFO("url " << bad);
        CHECK_THROWS_AS(square(bad), hooksig::error);
    }
}

// ------------------------------------------------------------------------------- hostile headers

TEMPLATE_TEST_CASE("hostile headers get named errors for every scheme", "[schemes][hostile]", stripe, github, slack,
                   shopify, raw_hex, raw_base64, paddle, square) {
    const TestType scheme = make_scheme<TestType>();
    const secret key = make_key(scheme, fixture<TestType>::key_a);
    sign_options options;
    options.timestamp = when;
    const std::vector<header> good = signer<TestType>({key}, scheme).sign(body_text, options);
    const header& signature = good.back(); // the signature header (Slack's timestamp comes first)
    const verifier<TestType> v({key}, {}, scheme);
    const auto with_signature = [&](std::string value) {
        std::vector<header> h = good;
        h.back().value = std::move(value);
        return v.verify(h, body_text, when).error;
    };
    REQUIRE(v.verify(good, body_text, when));

    SECTION("absent, empty, repeated") {
        CHECK(v.verify(std::vector<header>{}, body_text, when).error == errc::missing_header);
        std::vector<header> without(good.begin(), good.end() - 1);
        CHECK(v.verify(without, body_text, when).error == errc::missing_header);
        CHECK(with_signature("") == errc::malformed_header);
        std::vector<header> twice = good;
        twice.push_back(signature);
        CHECK(v.verify(twice, body_text, when).error == errc::malformed_header);
    }
    SECTION("NUL, controls and non-ASCII bytes") {
        CHECK(with_signature(signature.value + std::string(1, '\0')) == errc::malformed_header);
        CHECK(with_signature(std::string(1, '\0') + signature.value) == errc::malformed_header);
        CHECK(with_signature(signature.value + "\r\nX-Injected: 1") == errc::malformed_header);
        CHECK(with_signature(signature.value + "\t") == errc::malformed_header);
        CHECK(with_signature(signature.value + "\xC3\xA9") == errc::malformed_header);
        CHECK(with_signature("\xFF\xFE") == errc::malformed_header);
    }
    SECTION("huge values") {
        CHECK(with_signature(std::string(1 << 20, 'a')) == errc::header_too_large);
        CHECK(with_signature(signature.value + std::string(20000, '0')) == errc::header_too_large);
        std::vector<header> huge_other = good;
        huge_other.push_back({"x-unrelated", std::string(1 << 20, '\0')});
        CHECK(v.verify(huge_other, body_text, when));
    }
    SECTION("10,000 header entries") {
        std::vector<header> crowd;
        for (int i = 0; i < 10000; ++i) crowd.push_back({"x-filler-" + std::to_string(i), "v"});
        crowd.insert(crowd.begin() + 5000, good.begin(), good.end());
        CHECK(v.verify(crowd, body_text, when));
        std::vector<header> repeated = good;
        for (int i = 0; i < 10000; ++i) repeated.push_back(signature);
        CHECK(v.verify(repeated, body_text, when).error == errc::malformed_header);
    }
    SECTION("random bytes as a signature never verify") {
        std::uint32_t state = 12345;
        for (int round = 0; round < 200; ++round) {
            std::string value(signature.value.size(), ' ');
            for (char& c : value) {
                state = state * 1103515245U + 12345U;
                c = static_cast<char>((state >> 16) & 0xFF);
            }
            CHECK_FALSE(with_signature(value) == std::error_code());
        }
    }
}

TEST_CASE("Stripe bounds the entries it reads", "[schemes][stripe][hostile]") {
    const secret key = secret::from_text("whsec_hooksigStripeTestSecret0123456789");
    const verifier<stripe> v({key});
    const auto verify = [&](const std::string& value) {
        return v.verify(header_list{{"Stripe-Signature", value}}, body_text, when).error;
    };
    std::string many = "t=1700000000";
    for (int i = 0; i < 10000; ++i) many += ",v1=ab";
    CHECK(verify(many) == errc::header_too_large);
    std::string thirty_three = "t=1700000000";
    for (std::size_t i = 0; i <= max_signatures; ++i) thirty_three += ",v1=ab";
    CHECK(verify(thirty_three) == errc::too_many_signatures);
    std::string unknown = "t=1700000000";
    for (std::size_t i = 0; i <= max_signatures; ++i) unknown += ",x=1";
    CHECK(verify(unknown) == errc::too_many_signatures);

    // max_signatures v1 entries are read, and the real one may be the last.
    sign_options options;
    options.timestamp = when;
    const std::string good = signer<stripe>({key}).sign(body_text, options)[0].value;
    std::string full = "t=1700000000";
    for (std::size_t i = 1; i < max_signatures; ++i) full += ",v1=" + std::string(64, 'a');
    full += good.substr(good.find(','));
    CHECK(verify(full) == std::error_code());
}

// ------------------------------------------------------------------------ a scheme outside the library

namespace {
/// A provider hooksig does not know: `Acme-Timestamp: <ts>`, `Acme-Signature:
/// <hex>` over `{ts}|{body}`, text key. Written only against the public API.
struct acme_scheme {
    std::string_view name() const noexcept { return "acme"; }
    std::error_code make_secret(std::string_view text, secret& out) const noexcept { return secret::from_text(text, out); }
    bool signs_id() const noexcept { return false; }
    bool signs_timestamp() const noexcept { return true; }
    std::size_t signatures_per_delivery() const noexcept { return 1; }

    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr std::string_view names[] = {"acme-timestamp", "acme-signature"};
        const auto found = find_headers(headers, names);
        if (found.count[0] == 0 || found.count[1] == 0) return errc::missing_header;
        if (found.count[0] > 1 || found.count[1] > 1) return errc::malformed_header;
        if (const auto bad = parse_timestamp(found.value(0), out.timestamp)) return bad;
        out.timestamp_text = found.value(0);
        out.has_timestamp = true;
        out.signatures.add_encoded(found.value(1), [](auto&&... a) { return hex_decode(a...); });
        return {};
    }
    template <class F>
    void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept {
        f(d.timestamp_text, std::string_view("|"), body);
    }
    std::vector<header> format(const delivery& d, const signature_list& macs) const {
        return {{"acme-timestamp", std::string(d.timestamp_text)}, {"acme-signature", hex_encode(macs.mac[0], mac_size)}};
    }
};
} // namespace

TEST_CASE("a scheme written outside the library works with signer and verifier", "[schemes][custom]") {
    const secret key = secret::from_text("acme-secret");
    const signer<acme_scheme, fixed_clock> s({key}, {}, fixed_clock{when});
    const auto sent = s.sign(body_text);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].value == "1700000000");
    // The MAC is HMAC-SHA256("acme-secret", "1700000000|" + body), computed independently here.
    const auto botan_hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    botan_hmac->set_key(reinterpret_cast<const std::uint8_t*>("acme-secret"), 11);
    botan_hmac->update("1700000000|");
    botan_hmac->update(body_text);
    const auto expected = botan_hmac->final();
    CHECK(sent[1].value == hex_encode(expected.data(), expected.size()));

    const verifier<acme_scheme, fixed_clock> v({key}, {}, {}, fixed_clock{when + 10});
    CHECK(v.verify(sent, body_text));
    CHECK(v.verify(sent, "x").error == errc::no_matching_signature);
    CHECK(verifier<acme_scheme, fixed_clock>({key}, {}, {}, fixed_clock{when + 1000}).verify(sent, body_text).error ==
          errc::timestamp_too_old);
    CHECK(v.verify(header_list{{"Acme-Signature", sent[1].value}}, body_text).error == errc::missing_header);
}
