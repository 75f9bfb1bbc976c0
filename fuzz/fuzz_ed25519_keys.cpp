// hooksig — webhook signing and verification. MIT License.
//
// Ed25519 key parsing: secret::parse on `whsk_` / `whpk_` text, and
// discord::make_secret on hex. The first input byte picks the entry point:
//   0: the rest is key text for secret::parse;
//   1: the rest is raw key bytes, sent as `whsk_` + canonical base64;
//   2: the rest is raw key bytes, sent as `whpk_` + canonical base64;
//   3: the rest is text for discord::make_secret (64 hex characters, or a key).
// (1 and 2 reach the length and curve checks that random base64 text rarely does.)
//
// Properties:
// - no crash, no exception from the noexcept forms;
// - `whsk_` of raw bytes: 32 bytes are always accepted (any seed); 64 bytes
//   are accepted exactly when their second half is the public key the first
//   half's seed gives (errc::key_pair_mismatch otherwise); other lengths never;
// - `whpk_` of raw bytes: 32 bytes are accepted unless small-order (each of
//   the known small-order encodings is refused with errc::weak_public_key);
//   44 bytes exactly when they start with the SPKI prefix and the 32 bytes
//   after it are accepted alone, giving the same key; other lengths never;
// - an accepted key re-exposes as text that parses to an equal key of the
//   same kind, id and redaction; a `whsk_` is always exposed in its 64-byte form;
// - a `whsk_`'s whpk_ shares its key id and verifies what the `whsk_` signs
//   (and refuses the same signature over another body); a whpk_ cannot sign.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <botan/base64.h>
#include <botan/hex.h>

#include <hooksig/schemes/discord.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/secret.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "fuzzer_common.hpp"

namespace {

constexpr long long now = 1700000000;

/// The SPKI prefix of an Ed25519 public key (RFC 8410).
constexpr std::uint8_t spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

/// Canonical encodings of the eight small-order points that are not refused as
/// non-canonical anyway (libsodium's blocklist): the identity, the point of
/// order 2, the two of order 4 and four of order 8 (with their sign bits).
const char* const small_order_hex[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
};

/// The key bytes a secret holds.
std::string_view key_of(const hooksig::secret& s) {
    return {reinterpret_cast<const char*>(s.key_data()), s.key_size()};
}

/// `prefix` + canonical padded base64 of `raw`.
std::string encoded(std::string_view prefix, std::string_view raw) {
    return std::string(prefix) + Botan::base64_encode(hooksig_fuzz::bytes(raw), raw.size());
}

/// True when `raw` is one of the small-order encodings above.
bool small_order(std::string_view raw) {
    if (raw.size() != 32) return false;
    for (const char* hex : small_order_hex)
        if (Botan::hex_decode(std::string(hex)) == std::vector<std::uint8_t>(raw.begin(), raw.end())) return true;
    return false;
}

/// Properties every accepted Ed25519 key has (see the file comment).
void check_accepted(const hooksig::secret& s) {
    using kind = hooksig::secret::kind;
    HOOKSIG_FUZZ_CHECK(s.key_kind() == kind::ed25519_secret || s.key_kind() == kind::ed25519_public);
    HOOKSIG_FUZZ_CHECK(s.algorithm() == hooksig::algorithm_id::ed25519);
    const bool is_secret = s.key_kind() == kind::ed25519_secret;
    HOOKSIG_FUZZ_CHECK(s.key_size() == (is_secret ? 64U : 32U));
    HOOKSIG_FUZZ_CHECK(s.can_sign() == is_secret);

    // Re-expose and re-parse: equal key, kind, id and redaction.
    const hooksig::exposed_secret text = s.expose();
    HOOKSIG_FUZZ_CHECK(text.view().substr(0, 5) == (is_secret ? "whsk_" : "whpk_"));
    hooksig::secret again;
    HOOKSIG_FUZZ_CHECK(!hooksig::secret::parse(text.view(), again));
    HOOKSIG_FUZZ_CHECK(again == s && again.key_kind() == s.key_kind());
    HOOKSIG_FUZZ_CHECK(again.key_id() == s.key_id() && again.redacted() == s.redacted());
    const std::string shown = s.redacted();
    HOOKSIG_FUZZ_CHECK(shown.substr(0, 5) == text.view().substr(0, 5) && shown.size() <= 5 + 3 + 4);

    hooksig::secret pub;
    HOOKSIG_FUZZ_CHECK(!s.public_key(pub));
    HOOKSIG_FUZZ_CHECK(pub.key_kind() == kind::ed25519_public && pub.key_id() == s.key_id());
    if (!is_secret) {
        HOOKSIG_FUZZ_CHECK(pub == s);
        try {
            const hooksig::signer<hooksig::standard_webhooks> refused({s});
            HOOKSIG_FUZZ_CHECK(false); // a public key must not make a signer
        } catch (const hooksig::error& e) {
            HOOKSIG_FUZZ_CHECK(e.code() == hooksig::errc::key_cannot_sign);
        }
        return;
    }
    HOOKSIG_FUZZ_CHECK(key_of(pub) == key_of(s).substr(32));

    // The whsk_ signs; its whpk_ verifies that and refuses it over another body.
    const hooksig::signer<hooksig::standard_webhooks> sign({s});
    const hooksig::verifier<hooksig::standard_webhooks> verify({pub});
    hooksig::sign_options options;
    options.id = "msg_fuzz";
    options.timestamp = now;
    std::vector<hooksig::header> headers;
    const std::string body = s.key_id();
    HOOKSIG_FUZZ_CHECK(!sign.sign(body, options, headers));
    const hooksig::verify_result good = verify.verify(headers, body, now);
    HOOKSIG_FUZZ_CHECK(good && good.key_index == 0);
    HOOKSIG_FUZZ_CHECK(!verify.verify(headers, body + ".", now));
}

/// Mode 0: arbitrary text through secret::parse.
void check_text(std::string_view text) {
    hooksig::secret s;
    if (hooksig::secret::parse(text, s)) return; // refused: nothing more to check (no crash is the property)
    if (s.algorithm() == hooksig::algorithm_id::ed25519) check_accepted(s);
}

/// Mode 1: raw bytes as a whsk_.
void check_secret_bytes(std::string_view raw) {
    hooksig::secret s;
    const std::error_code ec = hooksig::secret::parse(encoded("whsk_", raw), s);
    if (raw.size() == 32) {
        HOOKSIG_FUZZ_CHECK(!ec);
        HOOKSIG_FUZZ_CHECK(key_of(s).substr(0, 32) == raw);
    } else if (raw.size() == 64) {
        hooksig::secret from_seed;
        HOOKSIG_FUZZ_CHECK(!hooksig::secret::parse(encoded("whsk_", raw.substr(0, 32)), from_seed));
        const bool pair = key_of(from_seed) == raw;
        HOOKSIG_FUZZ_CHECK(!ec == pair);
        if (!pair) HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::key_pair_mismatch);
        else HOOKSIG_FUZZ_CHECK(s == from_seed);
    } else {
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_secret_length);
    }
    if (!ec) check_accepted(s);
}

/// Mode 2: raw bytes as a whpk_.
void check_public_bytes(std::string_view raw) {
    hooksig::secret s;
    const std::error_code ec = hooksig::secret::parse(encoded("whpk_", raw), s);
    if (raw.size() == 32) {
        if (small_order(raw)) HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::weak_public_key);
        if (ec) HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::weak_public_key);
        else HOOKSIG_FUZZ_CHECK(key_of(s) == raw);
    } else if (raw.size() == 44) {
        const bool prefixed = std::memcmp(raw.data(), spki_prefix, sizeof spki_prefix) == 0;
        hooksig::secret bare;
        const std::error_code bare_ec = hooksig::secret::parse(encoded("whpk_", raw.substr(12)), bare);
        if (!prefixed) HOOKSIG_FUZZ_CHECK(ec);
        else HOOKSIG_FUZZ_CHECK(ec == bare_ec && (ec || s == bare));
    } else {
        HOOKSIG_FUZZ_CHECK(ec);
    }
    if (!ec) check_accepted(s);
}

/// Mode 3: discord::make_secret, which takes hex of a public key (or a key text).
void check_discord(std::string_view text) {
    hooksig::secret s;
    const std::error_code ec = hooksig::discord{}.make_secret(text, s);
    if (text.size() == 64 && text.find('_') == std::string_view::npos) {
        std::vector<std::uint8_t> raw;
        bool hex = true;
        try {
            raw = Botan::hex_decode(text.data(), text.size(), false);
        } catch (const std::exception&) {
            hex = false;
        }
        hex = hex && raw.size() == 32;
        if (!hex) HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_encoding);
        else if (small_order(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size())))
            HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::weak_public_key);
        if (!ec) HOOKSIG_FUZZ_CHECK(std::memcmp(s.key_data(), raw.data(), 32) == 0);
    }
    if (!ec) check_accepted(s);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hooksig_fuzz::input in(data, size);
    const std::uint8_t mode = in.byte();
    const std::string_view rest = in.rest();
    switch (mode % 4) {
    case 0: check_text(rest); break;
    case 1: check_secret_bytes(rest); break;
    case 2: check_public_bytes(rest); break;
    default: check_discord(rest); break;
    }
    return 0;
}
