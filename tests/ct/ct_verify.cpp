// hooksig — webhook signing and verification. MIT License.
//
// Constant-time check ("ctgrind"): built with HOOKSIG_CTGRIND and run under
// valgrind memcheck. Secret bytes (key text, key bytes, prepared HMAC states,
// computed MACs) are marked undefined with detail::ctgrind::poison; memcheck then reports
// every branch ("Conditional jump or move depends on uninitialised value") and
// every memory index ("Use of uninitialised value") that depends on them.
// verify_delivery poisons the MAC it computes and declassifies only the final
// match bit, so a verify path that leaks anything else about the key or the
// MAC makes valgrind --error-exitcode=1 fail the ctest test.
//
// `ct_verify --control` runs a deliberately leaky comparison (memcmp on a
// poisoned MAC) so a second test proves that the harness does detect leaks.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <valgrind/memcheck.h>

#include <hooksig/ct.hpp>
#include <hooksig/encoding.hpp>
#include <hooksig/algorithms/hmac_sha256.hpp>
#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/github.hpp>
#include <hooksig/schemes/paddle.hpp>
#include <hooksig/schemes/raw.hpp>
#include <hooksig/schemes/shopify.hpp>
#include <hooksig/schemes/slack.hpp>
#include <hooksig/schemes/square.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/schemes/stripe.hpp>
#include <hooksig/secret.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

namespace {

using headers = std::vector<std::pair<std::string, std::string>>;

int failures = 0;

void expect(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "ct_verify: FAILED: %s\n", what);
        ++failures;
    }
}

/// Runs one section and says which one produced memcheck errors, if any.
template <class F>
void section(const char* name, F&& body) {
    const unsigned before = VALGRIND_COUNT_ERRORS;
    body();
    const unsigned after = VALGRIND_COUNT_ERRORS;
    std::printf("%-44s %s\n", name, after == before ? "constant time" : "LEAKS (see valgrind errors above)");
}

void poison(std::string& text) { hooksig::detail::ctgrind::poison(text.data(), text.size()); }

/// True when every bit of `data` is undefined for memcheck: the taint of a
/// poisoned key reached it, so the checks downstream of it mean something.
bool is_poisoned(const void* data, std::size_t size) {
    std::vector<unsigned char> vbits(size);
    if (VALGRIND_GET_VBITS(data, vbits.data(), size) != 1) return false;
    for (const unsigned char v : vbits)
        if (v != 0xFF) return false;
    return true;
}
template <class T>
T reveal(T value) { return hooksig::detail::ctgrind::declassify(value); }

// The Standard Webhooks docs vector.
const std::string docs_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string docs_body = "{\"test\": 2432232314}";
const headers docs_headers = {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                              {"webhook-timestamp", "1614265330"},
                              {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
constexpr hooksig::unix_seconds docs_now = 1614265330;

/// A `whsec_` secret whose base64 characters are poisoned before parsing.
hooksig::secret poisoned_whsec(std::string text) {
    hooksig::detail::ctgrind::poison(text.data() + 6, text.size() - 6);
    hooksig::secret s;
    expect(!reveal(static_cast<bool>(hooksig::secret::parse(text, s))), "parse a poisoned whsec_ secret");
    hooksig::detail::ctgrind::poison(s.key_data(), s.key_size());
    return s;
}

void check_secrets() {
    section("secret::parse (base64 decode of the key)", [] {
        const hooksig::secret s = poisoned_whsec(docs_secret);
        expect(s.key_size() == 24, "key size");
    });
    section("secret::from_text", [] {
        std::string text = "It's a Secret to Everybody";
        poison(text);
        hooksig::secret s;
        expect(!hooksig::secret::from_text(text, s), "from_text");
    });
    section("secret::operator== (key bytes)", [] {
        const hooksig::secret a = poisoned_whsec(docs_secret), b = poisoned_whsec(docs_secret);
        const hooksig::secret c = poisoned_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB");
        expect(reveal(a == b), "equal secrets compare equal");
        expect(!reveal(a == c), "different secrets compare unequal");
    });
    section("secret::expose (base64 encode of the key)", [] {
        const hooksig::secret s = poisoned_whsec(docs_secret);
        const hooksig::exposed_secret shown = s.expose();
        hooksig::detail::ctgrind::unpoison(shown.view().data(), shown.view().size());
        expect(shown.view() == docs_secret, "expose round trip");
    });
}

void check_hmac() {
    for (const std::size_t size : {std::size_t{32}, std::size_t{100}}) { // 100: hashed first (RFC 2104)
        section(size == 32 ? "hmac_key + mac, 32-byte key" : "hmac_key + mac, 100-byte key (hashed)", [size] {
            std::vector<std::uint8_t> key(size, 0x0b);
            hooksig::detail::ctgrind::poison(key.data(), key.size());
            const hooksig::hmac_key prepared(key.data(), key.size());
            std::uint8_t tag[hooksig::mac_size];
            prepared.mac(tag, std::string_view("id"), std::string_view("."), std::string_view(docs_body));
            hooksig::hmac_sha256 stream(prepared);
            stream.update(std::string_view("id."));
            stream.update(std::string_view(docs_body));
            std::uint8_t streamed[hooksig::mac_size];
            stream.finish(streamed);
            expect(is_poisoned(tag, sizeof tag) && is_poisoned(streamed, sizeof streamed),
                   "a MAC under a poisoned key is secret (taint went through SHA-256)");
            expect(reveal(hooksig::ct::equal(tag, streamed, sizeof tag)), "one-shot and streaming agree");
        });
    }
}

void check_encoding() {
    section("base64_encode / base64_decode", [] {
        std::uint8_t bytes[32];
        for (std::size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
        hooksig::detail::ctgrind::poison(bytes, sizeof bytes);
        const std::string text = hooksig::base64_encode(bytes, sizeof bytes);
        std::uint8_t back[32];
        std::size_t size = 0;
        expect(!reveal(static_cast<bool>(hooksig::base64_decode(text, back, sizeof back, size))), "base64 decode");
        expect(reveal(hooksig::ct::equal(bytes, back, sizeof bytes)), "base64 round trip");
    });
    section("hex_encode / hex_decode", [] {
        std::uint8_t bytes[32];
        for (std::size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<std::uint8_t>(i * 53);
        hooksig::detail::ctgrind::poison(bytes, sizeof bytes);
        std::string text = hooksig::hex_encode(bytes, sizeof bytes);
        text[0] = 'F'; // upper case decodes too
        poison(text);
        std::uint8_t back[32];
        std::size_t size = 0;
        expect(!reveal(static_cast<bool>(hooksig::hex_decode(text, back, sizeof back, size))), "hex decode");
    });
}

void check_verify() {
    section("verifier<standard_webhooks>::verify, valid", [] {
        const hooksig::verifier<hooksig::standard_webhooks> v({poisoned_whsec(docs_secret)});
        const hooksig::verify_result r = v.verify(docs_headers, docs_body, docs_now);
        expect(static_cast<bool>(r), "the docs vector verifies");
    });
    section("verifier::verify, tampered body, two keys", [] {
        const hooksig::verifier<hooksig::standard_webhooks> v(
            {poisoned_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"), poisoned_whsec(docs_secret)});
        expect(v.verify(docs_headers, docs_body, docs_now).key_index == 1, "second key matches");
        const hooksig::verify_result r = v.verify(docs_headers, docs_body + " ", docs_now);
        expect(r.error == hooksig::errc::no_matching_signature, "tampered body is rejected");
    });
    section("verifier::verify, several signature entries", [] {
        headers h = docs_headers;
        h[2].second = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + h[2].second + " v2,xyz";
        const hooksig::verifier<hooksig::standard_webhooks> v({poisoned_whsec(docs_secret)});
        expect(static_cast<bool>(v.verify(h, docs_body, docs_now)), "the matching entry is found");
    });
    section("signer<standard_webhooks>::sign", [] {
        const hooksig::signer<hooksig::standard_webhooks> s({poisoned_whsec(docs_secret)});
        hooksig::sign_options options;
        options.id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        options.timestamp = docs_now;
        std::vector<hooksig::header> out;
        expect(!s.sign(docs_body, options, out), "sign");
        // The signature header is sent: it is public from here on.
        for (auto& h : out) hooksig::detail::ctgrind::unpoison(h.value.data(), h.value.size());
        expect(out.size() == 3 && out[2].value == docs_headers[2].second, "signer reproduces the docs vector");
    });
}

/// Ed25519 signing with a poisoned seed: parsing the `whsk_`, deriving the
/// public key, preparing the signer and signing (the secret scalar and the
/// nonce both come from the seed) must not branch or index on it.
/// Verification handles public data only, so it is run for its result.
void check_ed25519() {
    const std::string whsk = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
    section("Ed25519: whsk_ parse, public key derivation", [&whsk] {
        std::string text = whsk;
        hooksig::detail::ctgrind::poison(text.data() + 5, text.size() - 5);
        hooksig::secret s;
        expect(!reveal(static_cast<bool>(hooksig::secret::parse(text, s))), "parse a poisoned whsk_ key");
        expect(s.key_size() == 64, "seed and public key held");
    });
    section("Ed25519: sign (seed, scalar and nonce secret)", [&whsk] {
        hooksig::secret s = hooksig::secret::parse(whsk);
        hooksig::detail::ctgrind::poison(s.key_data(), 32); // the seed
        hooksig::ed25519_secret_key key;
        expect(!hooksig::ed25519_secret_key::from_bytes(s.key_data(), 64, key), "key from a poisoned seed");
        std::uint8_t signature[64];
        hooksig::detail::platform::ed25519_sign(signature, reinterpret_cast<const std::uint8_t*>(docs_body.data()),
                                                docs_body.size(), key.seed_and_public());
        expect(is_poisoned(signature, 32) && is_poisoned(signature + 32, 32),
               "R (from the nonce) and S (from the scalar) carry the seed's taint");
        hooksig::detail::ctgrind::unpoison(signature, sizeof signature);
        const hooksig::signer<hooksig::standard_webhooks> signer({s});
        hooksig::sign_options options;
        options.id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        options.timestamp = docs_now;
        std::vector<hooksig::header> out;
        expect(!signer.sign(docs_body, options, out), "sign v1a");
        for (auto& h : out) hooksig::detail::ctgrind::unpoison(h.value.data(), h.value.size());
        expect(out.size() == 3 && out[2].value.rfind("v1a,", 0) == 0, "a v1a entry");
        headers received;
        for (const auto& h : out) received.emplace_back(h.name, h.value);
        const hooksig::verifier<hooksig::standard_webhooks> v({hooksig::secret::parse(whsk).public_key()});
        expect(static_cast<bool>(v.verify(received, docs_body, docs_now)), "the v1a signature verifies");
        expect(key.public_key().verify(signature, reinterpret_cast<const std::uint8_t*>(docs_body.data()),
                                       docs_body.size()),
               "the platform's signature verifies");
    });
}

/// Signs with a poisoned text key, publishes the headers (unpoisons them, as
/// sending does), then verifies the delivery and a tampered one.
template <class Scheme>
void check_scheme(const char* name, const Scheme& scheme = Scheme()) {
    section(name, [&scheme] {
        std::string text = "hooksig-ct-provider-secret-0123456789";
        poison(text);
        hooksig::secret key;
        expect(!hooksig::secret::from_text(text, key), "from_text");
        const std::vector<hooksig::secret> keys = {hooksig::secret::from_text("another-key-for-rotation"), key};
        const hooksig::signer<Scheme> signer({key}, scheme);
        const hooksig::verifier<Scheme> verifier(keys, {}, scheme);
        hooksig::sign_options options;
        options.timestamp = docs_now;
        std::vector<hooksig::header> sent;
        expect(!signer.sign(docs_body, options, sent), "sign");
        for (auto& h : sent) hooksig::detail::ctgrind::unpoison(h.value.data(), h.value.size());
        const hooksig::verify_result r = verifier.verify(sent, docs_body, docs_now);
        expect(static_cast<bool>(r) && r.key_index == 1, "signed delivery verifies under the second key");
        expect(!verifier.verify(sent, docs_body + "x", docs_now), "tampered body is rejected");
    });
}

void check_keyring() {
    section("keyring rotate (duplicate check on keys)", [] {
        hooksig::keyring<hooksig::fixed_clock> ring(hooksig::fixed_clock{docs_now});
        expect(!ring.rotate(poisoned_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"), std::chrono::hours(1)), "rotate 1");
        expect(!ring.rotate(poisoned_whsec(docs_secret), std::chrono::hours(1)), "rotate 2");
        expect(ring.rotate(poisoned_whsec(docs_secret), std::chrono::hours(1)) == hooksig::errc::duplicate_key,
               "a duplicate is refused");
    });
    section("keyring_verifier::verify (lookup + compare)", [] {
        hooksig::keyring<hooksig::fixed_clock> ring(hooksig::fixed_clock{docs_now});
        expect(!ring.add(poisoned_whsec(docs_secret), {0, std::nullopt}), "add old key");
        expect(!ring.add(poisoned_whsec("whsec_AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"), {0, std::nullopt}), "add new key");
        const hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock> v(ring);
        const hooksig::keyring_verify_result r = v.verify(docs_headers, docs_body, docs_now);
        expect(static_cast<bool>(r) && r.key_index == 1, "the older key matches");
        expect(!v.verify(docs_headers, docs_body + " ", docs_now), "tampered body is rejected");
    });
}

/// The negative control: a comparison that exits at the first differing byte.
int control() {
    std::uint8_t expected[hooksig::mac_size], received[hooksig::mac_size];
    std::memset(expected, 0x5a, sizeof expected);
    std::memset(received, 0x5a, sizeof received);
    received[7] ^= 1;
    hooksig::detail::ctgrind::poison(expected, sizeof expected);
    volatile bool match = true;
    for (std::size_t i = 0; i < hooksig::mac_size; ++i)
        if (expected[i] != received[i]) {
            match = false;
            break;
        }
    std::printf("control comparison done (%s)\n", match ? "equal" : "differs");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (!RUNNING_ON_VALGRIND) {
        std::fprintf(stderr, "ct_verify: run under valgrind (see tests/ct/CMakeLists.txt)\n");
        return 2;
    }
    if (argc > 1 && std::string_view(argv[1]) == "--control") return control();
    check_secrets();
    check_hmac();
    check_encoding();
    check_verify();
    check_scheme<hooksig::stripe>("stripe sign + verify (hex)");
    check_scheme<hooksig::github>("github sign + verify (hex)");
    check_scheme<hooksig::slack>("slack sign + verify (hex)");
    check_scheme<hooksig::shopify>("shopify sign + verify (base64)");
    check_scheme<hooksig::raw_hex>("raw-hex sign + verify");
    check_scheme<hooksig::raw_base64>("raw-base64 sign + verify");
    check_scheme<hooksig::paddle>("paddle sign + verify (hex)");
    check_scheme("square sign + verify (base64)", hooksig::square("https://example.com/webhooks/square"));
    check_keyring();
    check_ed25519();
    const unsigned errors = VALGRIND_COUNT_ERRORS;
    std::printf("%u memcheck error(s), %d functional failure(s)\n", errors, failures);
    return failures == 0 && errors == 0 ? 0 : 1;
}
