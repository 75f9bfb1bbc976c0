// Keyring timelines with an injected clock: rotation, grace, boundaries, clock skew.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>

using namespace hooksig;
using std::chrono::seconds;

namespace {

constexpr unix_seconds T0 = 1'700'000'000;

/// A scheme without timestamp and with room for one signature (like GitHub's
/// raw-body HMAC), defined here so the tests depend only on the scheme interface.
struct one_signature_scheme {
    std::string_view name() const noexcept { return "test-one"; }
    std::error_code make_secret(std::string_view text, secret& out) const noexcept { return secret::from_text(text, out); }
    bool signs_id() const noexcept { return false; }
    bool signs_timestamp() const noexcept { return false; }
    std::size_t signatures_per_delivery() const noexcept { return 1; }
    template <class Headers>
    std::error_code parse(const Headers& headers, delivery& out) const noexcept {
        static constexpr std::string_view names[] = {"x-sig"};
        const header_matches<1> found = find_headers(headers, names);
        if (found.count[0] == 0) return errc::missing_header;
        if (found.count[0] > 1) return errc::malformed_header;
        out.signatures.add_encoded(found.value(0), [](auto&&... a) { return hex_decode(a...); });
        return {};
    }
    template <class F>
    void signed_content(const delivery&, std::string_view body, F&& f) const noexcept { f(body); }
    std::vector<header> format(const delivery&, const signature_list& macs) const {
        return {{"x-sig", hex_encode(macs.mac[0], mac_size)}};
    }
};

secret whsec(std::size_t bytes = 32) { return secret::generate(bytes); }

/// Headers of a Standard Webhooks delivery signed by `key` alone at `t`.
std::vector<header> signed_by(const secret& key, unix_seconds t, std::string_view body = "{\"n\":1}") {
    const signer<standard_webhooks, fixed_clock> sign_with({key}, {}, fixed_clock{t});
    sign_options choices;
    choices.id = "msg_1";
    return sign_with.sign(body, choices);
}

std::size_t signature_count(const std::vector<header>& headers) {
    for (const header& h : headers) {
        if (h.name != "webhook-signature") continue;
        std::size_t n = 0;
        for (std::size_t pos = h.value.find("v1,"); pos != std::string::npos; pos = h.value.find("v1,", pos + 1)) ++n;
        return n;
    }
    return 0;
}

} // namespace

TEST_CASE("key windows are half-open: active from not_before up to, not including, not_after") {
    const key_window w{100, 200};
    CHECK_FALSE(w.contains(99));
    CHECK(w.contains(100));
    CHECK(w.contains(199));
    CHECK_FALSE(w.contains(200));
    CHECK(state_at(w, 99) == key_state::pending);
    CHECK(state_at(w, 100) == key_state::active);
    CHECK(state_at(w, 200) == key_state::expired);
    CHECK(key_window{100, std::nullopt}.contains(1'000'000'000'000));
    CHECK(key_window{100, 100}.empty());
    CHECK_FALSE(key_window{100, 101}.empty());
}

TEST_CASE("a keyring before rotation verifies with its one key and names it") {
    keyring<fixed_clock> ring(fixed_clock{T0});
    const secret a = whsec();
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);

    const keyring_verify_result ok = check.verify(signed_by(a, T0), "{\"n\":1}");
    REQUIRE(ok);
    CHECK(ok.key_id() == a.key_id());
    CHECK(ok.key_index == 0);

    const keyring_verify_result tampered = check.verify(signed_by(a, T0), "{\"n\":2}");
    CHECK(tampered.error == errc::no_matching_signature);
    CHECK(tampered.key_id().empty());
    CHECK(check.verify(signed_by(whsec(), T0), "{\"n\":1}").error == errc::no_matching_signature);
}

TEST_CASE("an empty keyring neither verifies nor signs: no_active_key") {
    keyring<fixed_clock> ring(fixed_clock{T0});
    const secret a = whsec();
    CHECK(keyring_verifier<standard_webhooks, fixed_clock>(ring).verify(signed_by(a, T0), "{\"n\":1}").error ==
          errc::no_active_key);
    std::vector<header> out;
    CHECK(keyring_signer<standard_webhooks, fixed_clock>(ring).sign("x", {}, out) == errc::no_active_key);
}

TEST_CASE("rotation with a grace period: both keys work inside it, only the new one after") {
    const unix_seconds R = T0 + 1000; // the rotation
    const secret a = whsec(), b = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(600)));
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    const std::string body = "{\"n\":1}";

    SECTION("the windows say so") {
        const auto entries = ring.entries();
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].key == b);
        CHECK(entries[0].window.not_before == R);
        CHECK_FALSE(entries[0].window.not_after);
        CHECK(entries[1].key == a);
        CHECK(entries[1].window.not_before == T0);
        CHECK(entries[1].window.not_after == R + 600);
    }
    SECTION("inside the grace window both keys verify, each named") {
        const auto old_ok = check.verify(signed_by(a, R + 30), body, R + 30);
        REQUIRE(old_ok);
        CHECK(old_ok.key_id() == a.key_id());
        CHECK(old_ok.key_index == 1);
        const auto new_ok = check.verify(signed_by(b, R + 30), body, R + 30);
        REQUIRE(new_ok);
        CHECK(new_ok.key_id() == b.key_id());
        CHECK(new_ok.key_index == 0);
    }
    SECTION("the sender signs with both, new first, until the boundary second") {
        const keyring_signer<standard_webhooks, fixed_clock> sign_with(ring);
        std::vector<header> both;
        REQUIRE_FALSE(sign_with.sign(body, {}, both, R + 599));
        CHECK(signature_count(both) == 2);
        CHECK(verifier<standard_webhooks>({a}).verify(both, body, R + 599));
        CHECK(verifier<standard_webhooks>({b}).verify(both, body, R + 599));
        CHECK(check.verify(both, body, R + 599).key_id() == b.key_id()); // primary tried first

        std::vector<header> one;
        REQUIRE_FALSE(sign_with.sign(body, {}, one, R + 600));
        CHECK(signature_count(one) == 1);
        CHECK(verifier<standard_webhooks>({b}).verify(one, body, R + 600));
        CHECK_FALSE(verifier<standard_webhooks>({a}).verify(one, body, R + 600));
    }
    SECTION("the exact boundary second: not_after is the first second the old key is dead") {
        // Signed and received in its last second: valid.
        CHECK(check.verify(signed_by(a, R + 599), body, R + 599).key_id() == a.key_id());
        // Signed in its last second but received at not_after: the key is no longer active now.
        CHECK(check.verify(signed_by(a, R + 599), body, R + 600).error == errc::no_matching_signature);
        // Timestamped at not_after (a holder of the old key forging after the fact).
        CHECK(check.verify(signed_by(a, R + 600), body, R + 600).error == errc::no_matching_signature);
    }
    SECTION("after the grace window only the new key verifies") {
        CHECK(check.verify(signed_by(a, R + 700), body, R + 700).error == errc::no_matching_signature);
        CHECK(check.verify(signed_by(b, R + 700), body, R + 700).key_id() == b.key_id());
    }
    SECTION("prune drops the old key once it expires, and zeroization is its destructor's") {
        REQUIRE_FALSE(ring.prune());
        CHECK(ring.size() == 2);
        ring.clock().at = R + 600;
        REQUIRE_FALSE(ring.prune());
        REQUIRE(ring.size() == 1);
        CHECK(ring.entries()[0].key == b);
    }
}

TEST_CASE("a delivery signed just before rotation and retried later: valid within grace, no_active_key after") {
    // A sender that stores the signature with the message and retries it: the
    // tolerance must cover the retry horizon, so widen it past the grace.
    const unix_seconds R = T0 + 1000;
    const secret a = whsec(), b = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    const auto delivery = signed_by(a, R - 1);
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(60)));
    verify_options wide;
    wide.tolerance = seconds(3600);
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring, wide);

    const auto retry_inside = check.verify(delivery, "{\"n\":1}", R + 59);
    REQUIRE(retry_inside);
    CHECK(retry_inside.key_id() == a.key_id());
    // After the window the old key is dead now, and the new key was not yet
    // active when the delivery was signed: no key covers it.
    CHECK(check.verify(delivery, "{\"n\":1}", R + 60).error == errc::no_active_key);
    CHECK(check.verify(delivery, "{\"n\":1}", R + 3000).error == errc::no_active_key);
    // With the default 300 s tolerance the stale timestamp is what fails first.
    const keyring_verifier<standard_webhooks, fixed_clock> strict(ring);
    CHECK(strict.verify(delivery, "{\"n\":1}", R + 400).error == errc::timestamp_too_old);
}

TEST_CASE("grace 0 ends the old key at once") {
    const unix_seconds R = T0 + 1000;
    const secret a = whsec(), b = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(0)));
    REQUIRE(ring.size() == 1); // pruned at the rotation
    CHECK(ring.entries()[0].key == b);
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    CHECK(check.verify(signed_by(a, R), "{\"n\":1}", R).error == errc::no_matching_signature);
    // Signed a second before the rotation: the only key left was not active then.
    CHECK(check.verify(signed_by(a, R - 1), "{\"n\":1}", R).error == errc::no_active_key);
    CHECK(check.verify(signed_by(b, R), "{\"n\":1}", R).key_id() == b.key_id());
    std::vector<header> out;
    REQUIRE_FALSE(keyring_signer<standard_webhooks, fixed_clock>(ring).sign("x", {}, out));
    CHECK(signature_count(out) == 1);
}

TEST_CASE("rotating twice inside one grace window never extends an expiry") {
    const unix_seconds R = T0 + 1000;
    const secret a = whsec(), b = whsec(), c = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(600))); // a ends at R + 600
    ring.clock().at = R + 100;

    SECTION("a second rotation with the same grace: a keeps R + 600, b gets R + 700") {
        REQUIRE_FALSE(ring.rotate(c, seconds(600)));
        const auto e = ring.entries();
        REQUIRE(e.size() == 3);
        CHECK(e[0].key == c);
        CHECK(e[1].key == b);
        CHECK(e[1].window.not_after == R + 700);
        CHECK(e[2].key == a);
        CHECK(e[2].window.not_after == R + 600);
        const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
        CHECK(check.verify(signed_by(a, R + 599), "{\"n\":1}", R + 599).key_id() == a.key_id());
        CHECK(check.verify(signed_by(a, R + 600), "{\"n\":1}", R + 600).error == errc::no_matching_signature);
        CHECK(check.verify(signed_by(b, R + 699), "{\"n\":1}", R + 699).key_id() == b.key_id());
        std::vector<header> three;
        REQUIRE_FALSE(keyring_signer<standard_webhooks, fixed_clock>(ring).sign("x", {}, three, R + 100));
        CHECK(signature_count(three) == 3);
    }
    SECTION("a shorter second grace shortens both") {
        REQUIRE_FALSE(ring.rotate(c, seconds(60)));
        const auto e = ring.entries();
        REQUIRE(e.size() == 3);
        CHECK(e[1].window.not_after == R + 160);
        CHECK(e[2].window.not_after == R + 160);
    }
    SECTION("a second rotation with grace 0 ends every older key") {
        REQUIRE_FALSE(ring.rotate(c, seconds(0)));
        REQUIRE(ring.size() == 1);
        CHECK(ring.entries()[0].key == c);
    }
}

TEST_CASE("a clock going backwards: a key from the future is pending, never extended, never resurrected") {
    const unix_seconds R = T0 + 1000;
    const secret a = whsec(), b = whsec(), c = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(600)));
    ring.clock().at = R - 100; // clock stepped back

    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    CHECK(check.verify(signed_by(a, R - 100), "{\"n\":1}").key_id() == a.key_id());
    CHECK(check.verify(signed_by(b, R - 100), "{\"n\":1}").error == errc::no_matching_signature);
    std::vector<header> out;
    REQUIRE_FALSE(keyring_signer<standard_webhooks, fixed_clock>(ring).sign("{\"n\":1}", {}, out));
    CHECK(signature_count(out) == 1);
    CHECK(verifier<standard_webhooks>({a}).verify(out, "{\"n\":1}", R - 100));

    SECTION("rotating now gives b an end before its start: dropped; a ends earlier") {
        REQUIRE_FALSE(ring.rotate(c, seconds(60)));
        const auto e = ring.entries();
        REQUIRE(e.size() == 2);
        CHECK(e[0].key == c);
        CHECK(e[0].window.not_before == R - 100);
        CHECK(e[1].key == a);
        CHECK(e[1].window.not_after == R - 40);
    }
    SECTION("when the clock returns, b becomes active again on schedule") {
        ring.clock().at = R;
        CHECK(check.verify(signed_by(b, R), "{\"n\":1}").key_id() == b.key_id());
    }
}

TEST_CASE("schemes with room for one signature sign with the primary, and without a timestamp keys are judged at now") {
    const unix_seconds R = T0 + 1000;
    const secret a = secret::from_text("github-style text secret one"), b = secret::from_text("github-style text secret two");
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    ring.clock().at = R;
    REQUIRE_FALSE(ring.rotate(b, seconds(600)));
    const keyring_signer<one_signature_scheme, fixed_clock> sign_with(ring);
    const keyring_verifier<one_signature_scheme, fixed_clock> check(ring);

    std::vector<header> out;
    REQUIRE_FALSE(sign_with.sign("payload", {}, out));
    REQUIRE(out.size() == 1);
    std::uint8_t expected[mac_size];
    hmac_key(b.key_data(), b.key_size()).mac(expected, std::string_view("payload"));
    CHECK(out[0].value == hex_encode(expected, mac_size));

    std::vector<header> old_sig = {{"x-sig", ""}};
    hmac_key(a.key_data(), a.key_size()).mac(expected, std::string_view("payload"));
    old_sig[0].value = hex_encode(expected, mac_size);
    CHECK(check.verify(old_sig, "payload", R + 599).key_id() == a.key_id());
    CHECK(check.verify(old_sig, "payload", R + 600).error == errc::no_matching_signature);
    CHECK(check.verify(out, "payload", R + 600).key_id() == b.key_id());
    CHECK(check.verify(out, "payload", R - 1).error == errc::no_matching_signature); // b pending then
}

TEST_CASE("add stages a provider's key with its own window") {
    const secret a = whsec(), b = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.add(a, {T0 - 50, std::nullopt}));
    REQUIRE_FALSE(ring.add(b, {T0 + 100, T0 + 200}));
    const keyring_verifier<standard_webhooks, fixed_clock> check(ring);
    CHECK(check.verify(signed_by(b, T0 + 99), "{\"n\":1}", T0 + 99).error == errc::no_matching_signature);
    CHECK(check.verify(signed_by(b, T0 + 100), "{\"n\":1}", T0 + 100).key_id() == b.key_id());
    CHECK(check.verify(signed_by(a, T0 + 100), "{\"n\":1}", T0 + 100).key_id() == a.key_id());
    // Other keys keep their windows.
    CHECK_FALSE(ring.entries()[1].window.not_after);
}

TEST_CASE("keyring writers refuse what they must") {
    keyring<fixed_clock> ring(fixed_clock{T0});
    const secret a = whsec();
    CHECK(ring.rotate(secret(), seconds(0)) == errc::no_keys);
    CHECK(ring.add(secret(), {}) == errc::no_keys);
    CHECK(ring.rotate(a, seconds(-1)) == errc::invalid_argument);
    CHECK(ring.rotate(a, keyring_max_grace + seconds(1)) == errc::invalid_argument);
    CHECK(ring.add(a, {T0, T0}) == errc::invalid_argument);          // empty window
    CHECK(ring.add(a, {T0 - 10, T0}) == errc::invalid_argument);     // already over
    CHECK(ring.size() == 0);
    REQUIRE_FALSE(ring.rotate(a, keyring_max_grace));
    CHECK(ring.rotate(a, seconds(10)) == errc::duplicate_key);
    CHECK(ring.add(secret::parse(std::string(a.expose().view())), {}) == errc::duplicate_key);
    for (std::size_t i = 1; i < keyring_max_keys; ++i) REQUIRE_FALSE(ring.rotate(whsec(), seconds(60)));
    CHECK(ring.size() == keyring_max_keys);
    CHECK(ring.rotate(whsec(), seconds(60)) == errc::keyring_full);
    CHECK(ring.add(whsec(), {}) == errc::keyring_full);
    // Grace 0 frees the room the new key needs.
    CHECK_FALSE(ring.rotate(whsec(), seconds(0)));
    CHECK(ring.size() == 1);
}

TEST_CASE("assign replaces the ring, drops expired entries, and leaves the ring unchanged on error") {
    const secret a = whsec(), b = whsec(), c = whsec();
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(c, seconds(0)));
    REQUIRE_FALSE(ring.assign({{a, {T0, std::nullopt}}, {b, {T0 - 100, T0}}}));
    REQUIRE(ring.size() == 1);
    CHECK(ring.entries()[0].key == a);
    CHECK(ring.assign({{b, {T0, std::nullopt}}, {b, {T0, std::nullopt}}}) == errc::duplicate_key);
    CHECK(ring.assign({{b, {T0, T0}}}) == errc::invalid_argument);
    REQUIRE(ring.size() == 1);
    CHECK(ring.entries()[0].key == a);
}

TEST_CASE("a keyring's signature reaches any receiver holding one of its active keys") {
    const secret a = whsec(24), b = whsec(64);
    keyring<fixed_clock> ring(fixed_clock{T0});
    REQUIRE_FALSE(ring.rotate(a, seconds(0)));
    REQUIRE_FALSE(ring.rotate(b, seconds(3600)));
    sign_options choices;
    choices.id = "msg_abc";
    choices.timestamp = T0 + 10;
    std::vector<header> out;
    REQUIRE_FALSE(keyring_signer<standard_webhooks, fixed_clock>(ring).sign("body", choices, out, T0 + 5));
    // Same bytes as the plain signer with the same keys in the same order.
    const signer<standard_webhooks> plain({b, a});
    CHECK(out[2].value == plain.sign("body", choices)[2].value);
}
