// hooksig — webhook signing and verification. MIT License.
//
// secret::parse (`whsec_` + canonical base64 of 24..64 bytes, or bare base64)
// and secret::from_text on arbitrary text. Properties: no crash or exception
// from the noexcept forms; an accepted secret's key is exactly what a
// reference decoding gives, it round-trips through expose() and parse again,
// its redacted form shows at most the text's last four characters, and its
// key_id is 12 hex digits. The first input byte picks the entry point.
// `whsk_`/`whpk_` text parses as an Ed25519 key: fuzz_ed25519_keys models
// those; here they must only give that kind or one of parse's named errors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <botan/base64.h>

#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/secret.hpp>

#include "fuzzer_common.hpp"

namespace {

std::string_view key_of(const hooksig::secret& s) {
    return {reinterpret_cast<const char*>(s.key_data()), s.key_size()};
}

void check_common(const hooksig::secret& s, std::string_view text) {
    HOOKSIG_FUZZ_CHECK(!s.empty());
    const std::string id = s.key_id();
    HOOKSIG_FUZZ_CHECK(id.size() == 12 && id.find_first_not_of("0123456789abcdef") == std::string::npos);
    // The redacted form: optional "whsec_", an ellipsis, then nothing or the last four characters.
    const std::string shown = s.redacted();
    const std::string_view ellipsis = "\xE2\x80\xA6";
    const std::size_t at = shown.find(ellipsis);
    HOOKSIG_FUZZ_CHECK(at != std::string::npos);
    const std::string_view tail = std::string_view(shown).substr(at + ellipsis.size());
    if (text.size() >= 16) HOOKSIG_FUZZ_CHECK(tail == text.substr(text.size() - 4));
    else HOOKSIG_FUZZ_CHECK(tail.empty());
}

/// `s` and `ec` as parse gave them for `whsk_` (secret_key) or `whpk_` text.
void check_ed25519_parse(const hooksig::secret& s, std::error_code ec, bool secret_key) {
    if (ec) {
        HOOKSIG_FUZZ_CHECK(s.empty());
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_secret_encoding || ec == hooksig::errc::invalid_secret_length ||
                           ec == hooksig::errc::key_pair_mismatch || ec == hooksig::errc::weak_public_key);
        return;
    }
    HOOKSIG_FUZZ_CHECK(s.key_kind() == (secret_key ? hooksig::secret::kind::ed25519_secret
                                                   : hooksig::secret::kind::ed25519_public));
    hooksig::secret again;
    HOOKSIG_FUZZ_CHECK(!hooksig::secret::parse(s.expose().view(), again) && again == s);
}

void check_parse(std::string_view text) {
    hooksig::secret s;
    const std::error_code ec = hooksig::secret::parse(text, s);
    const std::string_view prefix = text.substr(0, hooksig::ed25519_secret_prefix.size());
    if (prefix == hooksig::ed25519_secret_prefix || prefix == hooksig::ed25519_public_prefix)
        return check_ed25519_parse(s, ec, prefix == hooksig::ed25519_secret_prefix);
    // Reference: strip the prefix, reject any other underscore prefix, decode with Botan
    // and insist on canonical text (re-encoding gives the same characters).
    std::string_view b64 = text;
    if (b64.substr(0, 6) == "whsec_") b64.remove_prefix(6);
    bool accept = b64.find('_') == std::string_view::npos || text.substr(0, 6) == "whsec_";
    std::string key;
    if (accept) {
        try {
            const auto decoded = Botan::base64_decode(b64.data(), b64.size(), false);
            key.assign(decoded.begin(), decoded.end());
            accept = Botan::base64_encode(decoded) == b64 && key.size() >= 24 && key.size() <= 64;
        } catch (const std::exception&) {
            accept = false;
        }
    }
    HOOKSIG_FUZZ_CHECK(!ec == accept);
    if (ec) {
        HOOKSIG_FUZZ_CHECK(s.empty());
        HOOKSIG_FUZZ_CHECK(ec == hooksig::errc::invalid_secret_prefix || ec == hooksig::errc::invalid_secret_encoding ||
                           ec == hooksig::errc::invalid_secret_length);
        return;
    }
    HOOKSIG_FUZZ_CHECK(s.key_kind() == hooksig::secret::kind::whsec);
    HOOKSIG_FUZZ_CHECK(key_of(s) == key);
    const hooksig::exposed_secret shown = s.expose();
    HOOKSIG_FUZZ_CHECK(shown.view() == "whsec_" + std::string(b64));
    hooksig::secret again;
    HOOKSIG_FUZZ_CHECK(!hooksig::secret::parse(shown.view(), again) && again == s);
    // The redacted tail of a whsec_ secret is the base64 text's last quantum.
    const std::string redacted = s.redacted();
    HOOKSIG_FUZZ_CHECK(redacted.substr(redacted.size() - 4) == b64.substr(b64.size() - 4));
    check_common(s, b64);
    // The Standard Webhooks scheme reads secrets the same way.
    hooksig::secret via_scheme;
    HOOKSIG_FUZZ_CHECK(!hooksig::standard_webhooks{}.make_secret(text, via_scheme) && via_scheme == s);
}

void check_from_text(std::string_view text) {
    hooksig::secret s;
    const std::error_code ec = hooksig::secret::from_text(text, s);
    const bool accept = !text.empty() && text.size() <= hooksig::text_secret_max_size;
    HOOKSIG_FUZZ_CHECK(!ec == accept);
    if (ec) {
        HOOKSIG_FUZZ_CHECK(s.empty() && ec == hooksig::errc::invalid_secret_length);
        return;
    }
    HOOKSIG_FUZZ_CHECK(s.key_kind() == hooksig::secret::kind::text);
    HOOKSIG_FUZZ_CHECK(key_of(s) == text);
    HOOKSIG_FUZZ_CHECK(s.expose().view() == text);
    check_common(s, text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hooksig_fuzz::input in(data, size);
    const bool text_secret = (in.byte() & 1) != 0;
    const std::string_view text = in.rest();
    if (text_secret) check_from_text(text);
    else check_parse(text);
    return 0;
}
