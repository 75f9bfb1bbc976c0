// Ed25519: Standard Webhooks `v1a` (the 30 shared vectors), whsk_/whpk_ keys,
// hooksig's own checks (S < L, small-order keys, seed/public agreement), the
// per-delivery cap, mixed v1/v1a verifiers and signers, keyrings, Discord.
#include <catch2/catch.hpp>

#include <hooksig/hooksig.hpp>

#include <cctype>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace hooksig;

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

std::string from_base64(const std::string& text) {
    std::string out(text.size() / 4 * 3, '\0');
    std::size_t size = 0;
    REQUIRE_FALSE(base64_decode(text, reinterpret_cast<std::uint8_t*>(out.data()), out.size(), size));
    out.resize(size);
    return out;
}

const auto& v1a_vectors() {
    static const auto file = test_support::load_vectors("v1a-vectors.json");
    return file;
}

// The error each failing shared vector must produce (names: the vectors' own).
errc expected_failure(const std::string& name) {
    static const std::map<std::string, errc> table = {
        {"v1a-stale-timestamp", errc::timestamp_too_old},
        {"v1a-small-order-key-forgery", errc::weak_public_key}, // refused when the key is loaded
    };
    const auto found = table.find(name);
    return found == table.end() ? errc::no_matching_signature : found->second;
}


header_list sign_standard(const std::vector<secret>& keys, const std::string& body, unix_seconds at = 1674087231) {
    const signer<standard_webhooks> s(keys);
    sign_options options;
    options.id = "msg_test";
    options.timestamp = at;
    header_list out;
    for (const header& h : s.sign(body, options)) out.emplace_back(h.name, h.value);
    return out;
}

std::string header_value(const header_list& headers, const std::string& name) {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return {};
}

} // namespace

TEST_CASE("every shared v1a vector gets its expected verdict", "[ed25519][vectors]") {
    WARN("Ed25519 backend: " << detail::platform::ed25519_backend());
    const auto& file = v1a_vectors();
    std::size_t checked = 0;
    for (const auto& c : file["cases"]) {
        const std::string name = c["name"];
        const bool valid = c["expected"]["valid"];
        INFO(name);
        if (c["kind"] == "raw-ed25519") {
            const std::string seed = test_support::unhex(c["seed_hex"]);
            const std::string pub = test_support::unhex(c["public_hex"]);
            const std::string message = test_support::unhex(c["message_hex"]);
            const std::string signature = test_support::unhex(c["signature_hex"]);
            ed25519_secret_key sk;
            REQUIRE_FALSE(ed25519_secret_key::from_bytes(reinterpret_cast<const std::uint8_t*>(seed.data()), 32, sk));
            CHECK(std::string(reinterpret_cast<const char*>(sk.public_key().data()), 32) == pub); // derivation
            std::uint8_t made[64];
            sk.sign(made, std::string_view(message));
            CHECK(std::string(reinterpret_cast<const char*>(made), 64) == signature); // deterministic
            CHECK(sk.public_key().verify(reinterpret_cast<const std::uint8_t*>(signature.data()),
                                         reinterpret_cast<const std::uint8_t*>(message.data()), message.size()) == valid);
            ++checked;
            continue;
        }
        std::vector<secret> keys;
        std::error_code key_error;
        for (const auto& text : c["verifier"]["keys"]) {
            secret key;
            key_error = secret::parse(std::string(text), key);
            if (key_error) break;
            keys.push_back(key);
        }
        header_list headers;
        for (const auto& [n, v] : c["headers"].items()) headers.emplace_back(n, v.get<std::string>());
        const std::string body = from_base64(c["body_b64"]);
        if (key_error) {
            CHECK_FALSE(valid);
            CHECK(key_error == expected_failure(name));
            ++checked;
            continue;
        }
        verify_options options;
        options.tolerance = std::chrono::seconds(c["verifier"]["tolerance_s"].get<long>());
        const verifier<standard_webhooks> v(keys, options);
        const verify_result r = v.verify(headers, body, c["verifier"]["now"].get<unix_seconds>());
        CHECK(static_cast<bool>(r) == valid);
        if (!valid) CHECK(r.error == expected_failure(name));
        ++checked;
    }
    CHECK(checked == 30);
}

TEST_CASE("S >= L is refused before the platform sees it", "[ed25519]") {
    // v1a-malleated-s-plus-l: Botan 2.19 accepts it; hooksig must not.
    std::uint8_t s[32];
    std::memcpy(s, detail::ed25519_group_order, 32);
    CHECK_FALSE(detail::ed25519_scalar_canonical(s)); // S == L
    s[0] = 0xec;
    CHECK(detail::ed25519_scalar_canonical(s)); // L - 1
    s[31] = 0x11;
    CHECK_FALSE(detail::ed25519_scalar_canonical(s));
    std::uint8_t zero[32] = {};
    CHECK(detail::ed25519_scalar_canonical(zero));
    std::uint8_t top[32];
    std::memset(top, 0xff, 32);
    CHECK_FALSE(detail::ed25519_scalar_canonical(top));

    // A real signature with S + L: the key must refuse it whatever the backend says.
    ed25519_secret_key sk;
    REQUIRE_FALSE(ed25519_secret_key::generate(sk));
    const std::string message = "msg.1.body";
    std::uint8_t sig[64];
    sk.sign(sig, std::string_view(message));
    const auto* m = reinterpret_cast<const std::uint8_t*>(message.data());
    REQUIRE(sk.public_key().verify(sig, m, message.size()));
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        const unsigned sum = sig[32 + i] + detail::ed25519_group_order[i] + carry;
        sig[32 + i] = static_cast<std::uint8_t>(sum);
        carry = sum >> 8;
    }
    REQUIRE(carry == 0); // S < L < 2^253, so S + L fits
    CHECK_FALSE(sk.public_key().verify(sig, m, message.size()));
    INFO("backend " << detail::platform::ed25519_backend() << " on S+L: "
                    << detail::platform::ed25519_verify(sig, m, message.size(), sk.public_key().data()));
}

TEST_CASE("small-order and non-canonical public keys are refused", "[ed25519][keys]") {
    for (const auto& y : detail::ed25519_small_order_y) {
        for (std::uint8_t sign : {0x00, 0x80}) {
            std::uint8_t key[32];
            std::memcpy(key, y, 32);
            key[31] |= sign;
            ed25519_public_key out;
            CHECK(ed25519_public_key::make(key, 32, out) == errc::weak_public_key);
            secret s;
            CHECK(secret::from_ed25519_public(key, 32, s) == errc::weak_public_key);
            CHECK(secret::parse("whpk_" + base64_encode(key, 32), s) == errc::weak_public_key);
        }
    }
    // Every y >= p (p .. 2^255 - 1), either sign.
    for (unsigned low = 0xed; low <= 0xff; ++low) {
        std::uint8_t key[32];
        std::memset(key, 0xff, 32);
        key[0] = static_cast<std::uint8_t>(low);
        key[31] = 0x7f;
        CHECK(detail::ed25519_public_key_weak(key));
        key[31] = 0xff;
        CHECK(detail::ed25519_public_key_weak(key));
    }
    // p - 2 (a canonical y) is not refused by the byte check.
    std::uint8_t below[32];
    std::memset(below, 0xff, 32);
    below[0] = 0xeb;
    below[31] = 0x7f;
    CHECK_FALSE(detail::ed25519_public_key_weak(below));
    // Generated keys never are.
    for (int i = 0; i < 64; ++i) {
        ed25519_secret_key sk;
        REQUIRE_FALSE(ed25519_secret_key::generate(sk));
        CHECK_FALSE(detail::ed25519_public_key_weak(sk.public_key().data()));
    }
}

TEST_CASE("whsk_ and whpk_ keys parse strictly, redact, and round-trip", "[ed25519][keys]") {
    const auto& keys = v1a_vectors()["keys"]["K1"];
    secret seed, seed_pub, pub, spki;
    REQUIRE_FALSE(secret::parse(std::string(keys["whsk_seed"]), seed));
    REQUIRE_FALSE(secret::parse(std::string(keys["whsk_seed_pub"]), seed_pub));
    REQUIRE_FALSE(secret::parse(std::string(keys["whpk"]), pub));
    REQUIRE_FALSE(secret::parse(std::string(keys["whpk_spki"]), spki));
    CHECK(seed.key_kind() == secret::kind::ed25519_secret);
    CHECK(pub.key_kind() == secret::kind::ed25519_public);
    CHECK(seed.algorithm() == algorithm_id::ed25519);
    CHECK(seed == seed_pub); // both hold seed || public
    CHECK(pub == spki);
    CHECK(seed.public_key() == pub);
    CHECK(seed.key_id() == pub.key_id()); // one name for the pair
    CHECK(seed.key_id() != secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").key_id());
    // Emitted: whsk_ as 64 bytes (svix-server's form), whpk_ as 32 raw bytes.
    CHECK(seed.expose().view() == std::string(keys["whsk_seed_pub"]));
    CHECK(spki.expose().view() == std::string(keys["whpk"]));
    const std::string shown = seed.redacted();
    CHECK(shown.rfind("whsk_\xE2\x80\xA6", 0) == 0);
    CHECK(shown.size() == 5 + 3 + 4);
    CHECK(std::string(keys["whsk_seed_pub"]).find(shown.substr(8)) != std::string::npos);
    CHECK(pub.redacted().rfind("whpk_\xE2\x80\xA6", 0) == 0);
    CHECK_FALSE(pub.can_sign());
    CHECK(seed.can_sign());

    secret out;
    // A 64-byte key whose public half is not the seed's: refused.
    const std::string k2_pub = test_support::unhex(v1a_vectors()["keys"]["K2"]["public_hex"]);
    std::string mixed = from_base64(std::string(keys["whsk_seed"]).substr(5)) + k2_pub;
    CHECK(secret::parse("whsk_" + base64_encode(reinterpret_cast<const std::uint8_t*>(mixed.data()), 64), out) ==
          errc::key_pair_mismatch);
    // Wrong sizes, encodings, prefixes.
    const std::string bytes31(31, 'x'), bytes33(33, 'x'), bytes48(48, 'x');
    const auto b64 = [](const std::string& b) { return base64_encode(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()); };
    CHECK(secret::parse("whsk_" + b64(bytes31), out) == errc::invalid_secret_length);
    CHECK(secret::parse("whsk_" + b64(bytes33), out) == errc::invalid_secret_length);
    CHECK(secret::parse("whpk_" + b64(bytes31), out) == errc::invalid_secret_length);
    CHECK(secret::parse("whpk_" + b64(bytes48), out) == errc::invalid_secret_length);
    CHECK(secret::parse("whsk_", out) == errc::invalid_secret_length);
    CHECK(secret::parse("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", out) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whpk_11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=", out) == errc::invalid_secret_encoding);
    CHECK(secret::parse("whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=", out) == errc::invalid_secret_encoding);
    // 44 bytes that do not start with the SPKI prefix.
    std::string spki_bytes = from_base64(std::string(keys["whpk_spki"]).substr(5));
    spki_bytes[0] = 0x31;
    CHECK(secret::parse("whpk_" + b64(spki_bytes), out) == errc::invalid_secret_encoding);
    CHECK(secret::parse("WHSK_" + std::string(keys["whsk_seed"]).substr(5), out) == errc::invalid_secret_prefix);

    // Generated keys: distinct, and sign what their public key verifies.
    const secret a = secret::generate_ed25519(), b = secret::generate_ed25519();
    CHECK(a != b);
    CHECK(a.key_size() == 64);
    secret reparsed;
    REQUIRE_FALSE(secret::parse(a.expose().view(), reparsed));
    CHECK(reparsed == a);
}

TEST_CASE("a v1a signer and verifier agree, and v1 and v1a entries mix in one header", "[ed25519][sign]") {
    const secret mac = secret::generate(), sk = secret::generate_ed25519();
    const secret pk = sk.public_key();
    for (const std::string& body : {std::string(), std::string("{}"), std::string(5000, 'b'), std::string(70000, '\0')}) {
        const header_list one = sign_standard({sk}, body);
        CHECK(header_value(one, "webhook-signature").rfind("v1a,", 0) == 0);
        CHECK(header_value(one, "webhook-signature").size() == 4 + 88);
        const verifier<standard_webhooks> by_public({pk});
        CHECK(by_public.verify(one, body, 1674087231));
        const verifier<standard_webhooks> by_secret({sk}); // a whsk_ verifies through its public half
        CHECK(by_secret.verify(one, body, 1674087231));
        CHECK_FALSE(by_public.verify(one, body + "x", 1674087231));

        const header_list both = sign_standard({mac, sk}, body);
        const std::string list = header_value(both, "webhook-signature");
        CHECK(list.rfind("v1,", 0) == 0);
        CHECK(list.find(" v1a,") != std::string::npos);
        const verifier<standard_webhooks> mixed({pk, mac});
        const verify_result r = mixed.verify(both, body, 1674087231);
        CHECK(r);
        CHECK(r.key_index == 0);
        const verifier<standard_webhooks> mac_only({mac});
        CHECK(mac_only.verify(both, body, 1674087231).key_index == 0);
        const verifier<standard_webhooks> other({secret::generate_ed25519().public_key(), secret::generate()});
        CHECK(other.verify(both, body, 1674087231).error == errc::no_matching_signature);
    }
    // A v1a signature relabelled v1 (or v1 relabelled v1a) never matches.
    const header_list one = sign_standard({sk}, "body");
    header_list relabelled = one;
    for (auto& [n, v] : relabelled)
        if (n == "webhook-signature") v = "v1," + v.substr(4);
    CHECK(verifier<standard_webhooks>({pk, mac}).verify(relabelled, "body", 1674087231).error ==
          errc::no_matching_signature);
    // Streaming signing gives the same headers as one-call signing (Ed25519 is deterministic).
    const signer<standard_webhooks> s({mac, sk});
    sign_options options;
    options.id = "msg_stream";
    options.timestamp = 1674087231;
    signing<standard_webhooks> streaming = s.begin(options);
    streaming.update("bo");
    streaming.update("dy");
    std::vector<header> streamed;
    REQUIRE_FALSE(streaming.finish(streamed));
    std::vector<header> whole;
    REQUIRE_FALSE(s.sign("body", options, whole));
    REQUIRE(streamed.size() == whole.size());
    for (std::size_t i = 0; i < whole.size(); ++i) CHECK(streamed[i].value == whole[i].value);
}

TEST_CASE("keys a scheme cannot carry, and public keys that cannot sign, are refused", "[ed25519][sign]") {
    const secret sk = secret::generate_ed25519();
    CHECK_THROWS_AS(signer<standard_webhooks>({sk.public_key()}), hooksig::error);
    try {
        signer<standard_webhooks> s({sk.public_key()});
    } catch (const hooksig::error& e) {
        CHECK(e.code() == errc::key_cannot_sign);
    }
    try {
        verifier<stripe> v({sk});
        FAIL("a Stripe verifier took an Ed25519 key");
    } catch (const hooksig::error& e) {
        CHECK(e.code() == errc::unsupported_key);
    }
    try {
        signer<discord> s({secret::generate()});
        FAIL("a Discord signer took a MAC secret");
    } catch (const hooksig::error& e) {
        CHECK(e.code() == errc::unsupported_key);
    }
}

TEST_CASE("Ed25519 work per delivery is capped before any of it is done", "[ed25519][limits]") {
    const secret sk = secret::generate_ed25519();
    const header_list good = sign_standard({sk}, "body");
    const std::string entry = header_value(good, "webhook-signature");
    // Four forged entries, then the real one: five checks for one key.
    const std::string forged = "v1a," + std::string(86, 'A') + "==";
    header_list hostile = good;
    for (auto& [n, v] : hostile)
        if (n == "webhook-signature") v = forged + " " + forged + " " + forged + " " + forged + " " + entry;
    const verifier<standard_webhooks> v({sk.public_key()});
    CHECK(v.verify(hostile, "body", 1674087231).error == errc::too_many_signature_checks);
    verify_options wider;
    wider.max_asymmetric_checks = 5;
    CHECK(verifier<standard_webhooks>({sk.public_key()}, wider).verify(hostile, "body", 1674087231));
    // Two keys x two entries fit the default (a rotation on both sides).
    const secret old_key = secret::generate_ed25519();
    const header_list rotated = sign_standard({old_key, sk}, "body");
    const verifier<standard_webhooks> two({sk.public_key(), old_key.public_key()});
    CHECK(two.verify(rotated, "body", 1674087231));
    // 32 entries, one key: refused at once.
    std::string many;
    for (int i = 0; i < 32; ++i) many += (i ? " " : "") + forged;
    for (auto& [n, value] : hostile)
        if (n == "webhook-signature") value = many;
    CHECK(v.verify(hostile, "body", 1674087231).error == errc::too_many_signature_checks);
    // HMAC entries do not count.
    const secret mac = secret::generate();
    const header_list macs = sign_standard({mac, sk}, "body");
    std::string list = header_value(macs, "webhook-signature");
    header_list padded = macs;
    for (auto& [n, value] : padded)
        if (n == "webhook-signature") value = list + " v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    CHECK(verifier<standard_webhooks>({sk.public_key()}).verify(padded, "body", 1674087231));
    // The timestamp is checked first: a stale delivery costs no Ed25519 work.
    CHECK(v.verify(hostile, "body", 1674087231 + 1000).error == errc::timestamp_too_old);
}

TEST_CASE("keyrings hold Ed25519 keys beside whsec_ ones, with rotation and grace", "[ed25519][keyring]") {
    keyring<fixed_clock> sender(fixed_clock{1'700'000'000});
    const secret mac = secret::generate(), first = secret::generate_ed25519(), second = secret::generate_ed25519();
    REQUIRE_FALSE(sender.rotate(mac, std::chrono::seconds(0)));
    REQUIRE_FALSE(sender.rotate(first, std::chrono::hours(24))); // migration: whsec_ -> whsk_
    keyring<fixed_clock> receiver(fixed_clock{1'700'000'000});
    const auto advance = [&](unix_seconds by) {
        sender.clock().at += by;
        receiver.clock().at += by;
    };
    REQUIRE_FALSE(receiver.assign({{first.public_key(), {0, std::nullopt}}, {mac, {0, std::nullopt}}}));

    const keyring_signer<standard_webhooks, fixed_clock> signs(sender);
    const keyring_verifier<standard_webhooks, fixed_clock> verifies(receiver);
    std::vector<header> sent = signs.sign("payload");
    const std::string list = [&] {
        for (const header& h : sent)
            if (h.name == "webhook-signature") return h.value;
        return std::string();
    }();
    CHECK(list.rfind("v1a,", 0) == 0); // newest first
    CHECK(list.find(" v1,") != std::string::npos);
    keyring_verify_result r = verifies.verify(sent, "payload");
    REQUIRE(r);
    CHECK(r.key_id() == first.key_id());
    CHECK(r.key_index == 0);

    // Rotate to the second key with grace; old deliveries still verify until it ends.
    REQUIRE_FALSE(sender.rotate(second, std::chrono::hours(1)));
    REQUIRE_FALSE(receiver.rotate(second.public_key(), std::chrono::hours(1)));
    sent = signs.sign("payload");
    r = verifies.verify(sent, "payload");
    REQUIRE(r);
    CHECK(r.key_id() == second.key_id());
    advance(2 * 3600);
    const std::vector<header> late = signs.sign("payload");
    CHECK(verifies.verify(late, "payload"));
    // Only the second key is left on both sides; an old signature fails.
    r = verifies.verify(sent, "payload", receiver.clock().now());
    CHECK_FALSE(r);
    REQUIRE_FALSE(receiver.prune());
    CHECK(receiver.size() == 1);

    // Streaming verification uses the ring's HMAC keys only.
    keyring<fixed_clock> only_mac(receiver.clock());
    REQUIRE_FALSE(only_mac.rotate(mac, std::chrono::seconds(0)));
    REQUIRE_FALSE(only_mac.add(second.public_key(), {0, std::nullopt}));
    const keyring_verifier<standard_webhooks, fixed_clock> streaming(only_mac);
    std::vector<header> mac_signed;
    REQUIRE_FALSE(signer<standard_webhooks, fixed_clock>({mac}, {}, receiver.clock()).sign("abc", {}, mac_signed));
    verification progress = streaming.begin(mac_signed);
    progress.update("abc");
    CHECK(progress.finish());
    CHECK(streaming.verify(mac_signed, "abc"));
}

TEST_CASE("Discord: hex public keys, timestamp + body, tolerance applied", "[ed25519][discord]") {
    const secret sk = secret::generate_ed25519();
    const secret pk = sk.public_key();
    const std::string hex_key = hex_encode(pk.key_data(), 32);
    const discord scheme;
    secret parsed;
    REQUIRE_FALSE(scheme.make_secret(hex_key, parsed));
    CHECK(parsed == pk);
    std::string upper = hex_key;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    REQUIRE_FALSE(scheme.make_secret(upper, parsed));
    CHECK(scheme.make_secret(std::string(64, 'g'), parsed) == errc::invalid_encoding);
    CHECK(scheme.make_secret(std::string(64, '0'), parsed) == errc::weak_public_key);
    CHECK(scheme.make_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", parsed) == errc::unsupported_key);

    const fixed_clock clock{1'700'000'000};
    const signer<discord, fixed_clock> s({sk}, {}, clock);
    const std::string body = R"({"type":1})";
    const std::vector<header> sent = s.sign(body);
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].name == "x-signature-ed25519");
    CHECK(sent[0].value.size() == 128);
    CHECK(sent[1].value == "1700000000");
    // Signed content is timestamp + body, checked against an independent signature.
    ed25519_secret_key raw;
    REQUIRE_FALSE(ed25519_secret_key::from_bytes(sk.key_data(), 64, raw));
    std::uint8_t expected[64];
    raw.sign(expected, std::string_view("1700000000"), std::string_view(body));
    CHECK(sent[0].value == hex_encode(expected, 64));

    const verifier<discord, fixed_clock> v({parsed}, {}, {}, clock);
    CHECK(v.verify(sent, body));
    CHECK(v.verify(sent, body + " ").error == errc::no_matching_signature);
    CHECK(v.verify(sent, body, 1'700'000'301).error == errc::timestamp_too_old);
    header_list upper_sig = {{"X-Signature-Ed25519", upper + upper}, {"X-Signature-Timestamp", "1700000000"}};
    CHECK(v.verify(upper_sig, body, 1700000000).error == errc::no_matching_signature);
    header_list short_sig = {{"X-Signature-Ed25519", hex_key}, {"X-Signature-Timestamp", "1700000000"}};
    CHECK(v.verify(short_sig, body, 1700000000).error == errc::malformed_header);
    header_list missing = {{"X-Signature-Timestamp", "1700000000"}};
    CHECK(v.verify(missing, body, 1700000000).error == errc::missing_header);
}

TEST_CASE("v1 verification in a verifier holding Ed25519 keys stays on HMAC", "[ed25519]") {
    // The HMAC key first: the v1 entry matches and no Ed25519 work is done
    // (a cap of zero would fail any Ed25519 check).
    const secret mac = secret::generate(), sk = secret::generate_ed25519();
    verify_options no_asymmetric;
    no_asymmetric.max_asymmetric_checks = 0;
    const verifier<standard_webhooks> v({mac, sk.public_key()}, no_asymmetric);
    const header_list sent = sign_standard({mac, sk}, "body");
    const verify_result r = v.verify(sent, "body", 1674087231);
    CHECK(r);
    CHECK(r.key_index == 0);
}

TEST_CASE("keyring files store whsk and whpk keys and read them back", "[ed25519][keyring]") {
    const secret sk = secret::generate_ed25519();
    const secret pk = sk.public_key();
    const secret mac = secret::generate();
    const std::vector<key_entry> entries = {{sk, {100, std::nullopt}}, {pk, {0, 200}}, {mac, {0, std::nullopt}}};
    secure_vector<char> text;
    REQUIRE_FALSE(format_keyring_text(entries, text));
    const std::string_view view(text.data(), text.size());
    CHECK(view.find(" whsk 100 - whsk_") != std::string_view::npos);
    CHECK(view.find(" whpk 0 200 whpk_") != std::string_view::npos);
    std::vector<key_entry> back;
    REQUIRE_FALSE(parse_keyring_text(view, back).error);
    REQUIRE(back.size() == 3);
    CHECK(back[0].key == sk);
    CHECK(back[1].key == pk);
    CHECK(back[2].key == mac);
    CHECK(back[0].key.key_id() == back[1].key.key_id());
}
