// Streaming verification (verifier::begin / keyring_verifier::begin, update, finish): every
// vector through random chunkings gives the one-call verify()'s verdict; failures the headers
// decide are known before any body byte.
#include <catch2/catch.hpp>

#include <hooksig/hooksig.hpp>

#include <chrono>
#include <random>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace hooksig;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Feeds `body` to `v` in random pieces (empty and one-byte pieces included).
void feed_in_pieces(verification& v, const std::string& body, std::mt19937_64& rng) {
    std::size_t at = 0;
    while (at < body.size()) {
        const std::size_t kind = rng() % 4;
        std::size_t n = kind == 0 ? 0 : kind == 1 ? 1 : static_cast<std::size_t>(rng() % 97);
        n = std::min(n, body.size() - at);
        v.update(std::string_view(body).substr(at, n));
        at += n;
    }
    v.update(std::string_view());
}

/// Checks that streaming `body` through `start()` (5 random chunkings and one
/// whole piece) gives `expected`'s error and key index.
template <class Start>
void same_as_one_call(const verify_result& expected, const std::string& body, Start&& start) {
    std::mt19937_64 rng(0x73747265616d); // fixed: a failure is reproducible
    for (int round = 0; round < 6; ++round) {
        verification v = start();
        if (round == 0) v.update(body);
        else feed_in_pieces(v, body, rng);
        const keyring_verify_result got = v.finish();
        INFO("round " << round);
        CHECK(got.error == expected.error);
        if (!expected.error) CHECK(got.key_index == expected.key_index);
        CHECK(got.timestamp == expected.timestamp);
    }
}

template <class Scheme>
void stream_scheme_case(const nlohmann::json& c, const Scheme& scheme, verify_options policy = {}) {
    std::vector<secret> keys;
    const auto add = [&](const std::string& text) {
        secret s;
        REQUIRE_FALSE(scheme.make_secret(text, s));
        keys.push_back(std::move(s));
    };
    if (c.contains("secrets"))
        for (const auto& s : c["secrets"]) add(s.get<std::string>());
    else
        add(c["secret"].get<std::string>());
    header_list headers;
    for (const auto& item : c["headers"].items()) headers.emplace_back(item.key(), item.value().get<std::string>());
    const std::string body =
        c.contains("payload_hex") ? test_support::unhex(c["payload_hex"]) : c["payload"].template get<std::string>();
    const unix_seconds now = c.contains("now") ? c["now"].get<unix_seconds>() : 1700000000;
    const verifier<Scheme> check(keys, policy, scheme);
    same_as_one_call(check.verify(headers, body, now), body, [&] { return check.begin(headers, now); });
}

} // namespace

TEST_CASE("streaming gives verify()'s verdict for every provider-scheme vector, in any chunking",
          "[streaming][vectors]") {
    const auto file = test_support::load_vectors("schemes.json");
    std::size_t checked = 0;
    for (const auto& c : file) {
        const std::string scheme = c["scheme"];
        INFO("scheme " << scheme << ", case: " << c["name"].get<std::string>());
        if (scheme == "stripe") stream_scheme_case(c, stripe{});
        else if (scheme == "github") stream_scheme_case(c, github{});
        else if (scheme == "slack") stream_scheme_case(c, slack{});
        else if (scheme == "shopify") stream_scheme_case(c, shopify{});
        else if (scheme == "bitgo") stream_scheme_case(c, raw_hex{});
        else if (scheme == "svix") stream_scheme_case(c, standard_webhooks{});
        else if (scheme == "paddle") stream_scheme_case(c, paddle{}, verify_options{std::chrono::seconds(5)});
        else if (scheme == "square") stream_scheme_case(c, square(c["url"].get<std::string>()));
        else FAIL("unknown scheme " << scheme);
        ++checked;
    }
    CHECK(checked == file.size());
}

TEST_CASE("streaming gives verify()'s verdict for every Standard Webhooks vector, also from a keyring",
          "[streaming][vectors]") {
    const auto file = test_support::load_vectors("standard-webhooks.json");
    std::size_t checked = 0;
    for (const auto& c : file["cases"]) {
        INFO("case: " << c["name"].get<std::string>());
        secret key;
        if (secret::parse(c["secret"].get<std::string>(), key)) continue; // the invalid-secret cases
        header_list headers;
        if (!c["msg_id"].is_null()) headers.emplace_back("webhook-id", c["msg_id"]);
        if (!c["timestamp"].is_null()) headers.emplace_back("webhook-timestamp", c["timestamp"]);
        if (!c["signature_header"].is_null()) headers.emplace_back("webhook-signature", c["signature_header"]);
        const std::string body =
            c.contains("payload_hex") ? test_support::unhex(c["payload_hex"]) : c["payload"].get<std::string>();
        const unix_seconds now = c["now"].get<unix_seconds>();
        const verifier<standard_webhooks> check({key});
        same_as_one_call(check.verify(headers, body, now), body, [&] { return check.begin(headers, now); });

        keyring<fixed_clock> ring(fixed_clock{0});
        REQUIRE_FALSE(ring.rotate(key, std::chrono::seconds(0)));
        const keyring_verifier<standard_webhooks, fixed_clock> ring_check(ring);
        const keyring_verify_result whole = ring_check.verify(headers, body, now);
        same_as_one_call(whole, body, [&] { return ring_check.begin(headers, now); });
        if (!whole.error) {
            verification v = ring_check.begin(headers, now);
            v.update(body);
            CHECK(v.finish().key_id() == whole.key_id());
        }
        ++checked;
    }
    CHECK(checked > 20);
}

TEST_CASE("a delivery the headers condemn fails at begin, before any body byte", "[streaming]") {
    const secret key = secret::generate();
    const verifier<standard_webhooks, fixed_clock> check({key}, {}, {}, fixed_clock{1700000000});
    const std::string body = "{}";
    header_list headers;
    for (const header& h : signer<standard_webhooks, fixed_clock>({key}, {}, fixed_clock{1700000000}).sign(body))
        headers.emplace_back(h.name, h.value);

    SECTION("missing header") {
        const header_list none;
        verification v = check.begin(none);
        CHECK(v.error() == errc::missing_header);
        v.update(body); // ignored
        CHECK(v.finish().error == errc::missing_header);
    }
    SECTION("stale timestamp") {
        verification v = check.begin(headers, 1700000000 + 301);
        CHECK(v.error() == errc::timestamp_too_old);
        CHECK(v.finish().error == errc::timestamp_too_old);
    }
    SECTION("no usable key in a keyring") {
        keyring<fixed_clock> ring(fixed_clock{1700000000});
        REQUIRE_FALSE(ring.add(key, key_window{1700000000 + 3600, std::nullopt})); // pending
        const keyring_verifier<standard_webhooks, fixed_clock> pending(ring);
        verification v = pending.begin(headers);
        CHECK(v.error() == errc::no_active_key);
    }
    SECTION("valid, then finished twice") {
        verification v = check.begin(headers);
        CHECK_FALSE(v.error());
        v.update(body);
        CHECK(v.finish());
        CHECK(v.finish().error == errc::invalid_argument);
    }
    SECTION("a tampered body fails only at finish") {
        verification v = check.begin(headers);
        CHECK_FALSE(v.error());
        v.update("{ }");
        CHECK(v.finish().error == errc::no_matching_signature);
    }
}

TEST_CASE("a keyring stream keeps the keys it started with through a rotation", "[streaming][keyring]") {
    const secret old_key = secret::generate(), new_key = secret::generate();
    keyring<fixed_clock> ring(fixed_clock{1700000000});
    REQUIRE_FALSE(ring.rotate(old_key, std::chrono::seconds(0)));
    const std::string body(3000, 'b');
    header_list headers;
    for (const header& h : signer<standard_webhooks, fixed_clock>({old_key}, {}, fixed_clock{1700000000}).sign(body))
        headers.emplace_back(h.name, h.value);
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    verification v = check.begin(headers);
    v.update(std::string_view(body).substr(0, 1000));
    REQUIRE_FALSE(ring.rotate(new_key, std::chrono::seconds(0))); // the old key dies now
    v.update(std::string_view(body).substr(1000));
    CHECK(v.finish()); // begun while the old key was active
    CHECK(check.verify(headers, body).error == errc::no_matching_signature); // a new verification does not
}

namespace {

template <class Scheme>
Scheme scheme_for_test() {
    if constexpr (std::is_same_v<Scheme, square>) return square("https://hooks.example.com/square");
    else return Scheme{};
}

} // namespace

TEMPLATE_TEST_CASE("streamed signing writes what sign() writes for the whole body, for every scheme",
                   "[streaming][sign]", standard_webhooks, stripe, github, slack, shopify, raw_hex, raw_base64,
                   paddle, square) {
    const TestType scheme = scheme_for_test<TestType>();
    std::vector<secret> keys(2);
    REQUIRE_FALSE(scheme.make_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", keys[0]));
    REQUIRE_FALSE(scheme.make_secret("whsec_1F3SF3ywmrgSNyFwLFytu3Cry3zCxJ0uFSv8x6z+qOk=", keys[1]));
    const signer<TestType, fixed_clock> sign_with(keys, scheme, fixed_clock{1700000000});
    keyring<fixed_clock> ring(fixed_clock{1700000000});
    REQUIRE_FALSE(ring.rotate(keys[1], std::chrono::seconds(0)));
    REQUIRE_FALSE(ring.rotate(keys[0], std::chrono::hours(1)));
    const keyring_signer<TestType, fixed_clock> ring_sign(ring, scheme);
    std::mt19937_64 rng(0x7369676e);
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{5000}}) {
        CAPTURE(size);
        std::string body(size, '\0');
        for (char& c : body) c = static_cast<char>(rng());
        sign_options options;
        options.id = "msg_stream_sign";
        const auto streamed = [&](signing<TestType>&& started) {
            signing<TestType>& s = started;
            REQUIRE_FALSE(s.error());
            std::size_t at = 0;
            while (at < body.size()) {
                const std::size_t n = std::min<std::size_t>(rng() % 200, body.size() - at);
                s.update(std::string_view(body).substr(at, n));
                at += n;
            }
            std::vector<header> out;
            REQUIRE_FALSE(s.finish(out));
            std::vector<header> again;
            CHECK(s.finish(again) == errc::invalid_argument);
            return out;
        };
        const auto same = [](const std::vector<header>& a, const std::vector<header>& b) {
            REQUIRE(a.size() == b.size());
            for (std::size_t i = 0; i < a.size(); ++i) {
                CHECK(a[i].name == b[i].name);
                CHECK(a[i].value == b[i].value);
            }
        };
        same(streamed(sign_with.begin(options)), sign_with.sign(body, options));
        same(streamed(ring_sign.begin(options)), ring_sign.sign(body, options));
    }
}

TEST_CASE("streamed signing reports what sign() would refuse at begin", "[streaming][sign]") {
    const signer<standard_webhooks, fixed_clock> sign_with({secret::generate()}, {}, fixed_clock{1700000000});
    sign_options bad_id;
    bad_id.id = "has space";
    signing<standard_webhooks> s = sign_with.begin(bad_id);
    CHECK(s.error() == errc::invalid_argument);
    std::vector<header> out;
    CHECK(s.finish(out) == errc::invalid_argument);
    CHECK(out.empty());
    keyring<fixed_clock> empty_ring(fixed_clock{1700000000});
    const keyring_signer<standard_webhooks, fixed_clock> none(empty_ring);
    CHECK(none.begin().error() == errc::no_active_key);
}
