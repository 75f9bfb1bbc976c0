// hooksig — webhook signing and verification. MIT License.
//
// verifier<standard_webhooks> on an untrusted delivery. Input layout (text, so
// seeds stay readable and the dictionary helps):
//
//     <now: decimal Unix seconds>\n
//     <name>: <value>\n        (any number of header lines)
//     \n
//     <body: raw bytes to the end>
//
// Properties:
// - verify never reports valid unless a reference check, written
//   independently with Botan's HMAC(SHA-256) and base64, finds an entry
//   `v1,<base64 of the real MAC>` for the reported key in the signature header
//   and the timestamp within 300 s of now: random input never verifies;
// - conversely a well-formed delivery carrying the real MAC always verifies,
//   with the index of the first matching key;
// - the result does not depend on the header container type;
// - what signer<standard_webhooks> produces for this body always verifies.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <botan/base64.h>
#include <botan/mac.h>

#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "fuzzer_common.hpp"

namespace {

using headers_vector = std::vector<std::pair<std::string, std::string>>;

// Two keys, as during a rotation; the second is the Standard Webhooks docs
// vector's, so seeds built from tests/vectors verify.
constexpr std::string_view secret_texts[] = {"whsec_aG9va3NpZyBmdXp6IHNlY29uZCBrZXkgMDEyMw==",
                                             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
constexpr hooksig::unix_seconds default_now = 1614265330;

struct fixture {
    std::vector<hooksig::secret> secrets;
    std::unique_ptr<hooksig::verifier<hooksig::standard_webhooks>> verifier;
    std::unique_ptr<hooksig::signer<hooksig::standard_webhooks>> signer;
    fixture() {
        for (const std::string_view text : secret_texts) secrets.push_back(hooksig::secret::parse(text));
        verifier = std::make_unique<hooksig::verifier<hooksig::standard_webhooks>>(secrets);
        signer = std::make_unique<hooksig::signer<hooksig::standard_webhooks>>(secrets);
    }
};

const fixture& the_fixture() {
    static const fixture f;
    return f;
}

/// Splits the input into now, header lines and body (layout above).
struct parsed_input {
    hooksig::unix_seconds now = default_now;
    headers_vector headers;
    std::string_view body;
};

parsed_input split(std::string_view text) {
    parsed_input out;
    std::size_t eol = text.find('\n');
    const std::string_view first = text.substr(0, eol);
    if (!first.empty() && first.size() <= 12 && first.find_first_not_of("0123456789") == std::string_view::npos)
        out.now = std::stoll(std::string(first));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    while (!text.empty()) {
        eol = text.find('\n');
        const std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        if (line.empty()) break;
        const std::size_t colon = line.find(':');
        std::string_view name = line.substr(0, colon), value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        }
        out.headers.emplace_back(std::string(name), std::string(value));
    }
    out.body = text;
    return out;
}

/// The reference verdict: which key (if any) must match, judged without hooksig.
struct reference_verdict {
    bool well_formed = false;                 // every rule of the scheme's header grammar holds
    bool fresh = false;                       // timestamp within 300 s of now
    bool entry_matches[2] = {false, false};  // some `v1,` entry carries key k's real MAC
};

const std::string* unique_header(const headers_vector& headers, std::string_view primary, std::string_view alias,
                                 bool& repeated) {
    const std::string* found[2] = {nullptr, nullptr};
    int count[2] = {0, 0};
    for (const auto& [name, value] : headers) {
        const std::string n = hooksig_fuzz::lower(name);
        for (int i = 0; i < 2; ++i)
            if (n == (i == 0 ? primary : alias)) {
                found[i] = &value;
                ++count[i];
            }
    }
    const int pick = count[0] != 0 ? 0 : 1;
    repeated = count[pick] > 1;
    return found[pick];
}

bool visible(std::string_view s, bool space_allowed) {
    for (const char c : s)
        if (!((c > ' ' && c <= '~') || (space_allowed && c == ' '))) return false;
    return true;
}

reference_verdict judge(const parsed_input& in) {
    reference_verdict v;
    bool repeated[3];
    const std::string* id = unique_header(in.headers, "webhook-id", "svix-id", repeated[0]);
    const std::string* ts = unique_header(in.headers, "webhook-timestamp", "svix-timestamp", repeated[1]);
    const std::string* sig = unique_header(in.headers, "webhook-signature", "svix-signature", repeated[2]);
    if (id == nullptr || ts == nullptr || sig == nullptr || repeated[0] || repeated[1] || repeated[2]) return v;

    std::vector<std::string_view> entries;
    for (std::size_t pos = 0; pos <= sig->size();) {
        std::size_t end = sig->find(' ', pos);
        if (end == std::string::npos) end = sig->size();
        if (end > pos) entries.push_back(std::string_view(*sig).substr(pos, end - pos));
        pos = end + 1;
    }
    const bool ts_canonical = !ts->empty() && ts->size() <= 12 && ts->find_first_not_of("0123456789") == std::string::npos &&
                              (ts->size() == 1 || (*ts)[0] != '0');
    v.well_formed = !id->empty() && id->size() <= 256 && visible(*id, false) && ts_canonical && !sig->empty() &&
                    sig->size() <= 8192 && visible(*sig, true) && entries.size() <= 32;
    if (ts_canonical) {
        const long long t = std::stoll(*ts);
        v.fresh = (t > in.now ? t - in.now : in.now - t) <= 300;
    }
    const std::string content = *id + "." + *ts + "." + std::string(in.body);
    for (std::size_t k = 0; k < 2; ++k) {
        const auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
        const hooksig::secret& key = the_fixture().secrets[k];
        mac->set_key(key.key_data(), key.key_size());
        mac->update(content);
        const std::string expected = "v1," + Botan::base64_encode(mac->final());
        for (const std::string_view e : entries) v.entry_matches[k] |= e == expected;
    }
    return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fixture& f = the_fixture();
    const parsed_input in = split(std::string_view(reinterpret_cast<const char*>(data), size));

    const hooksig::verify_result result = f.verifier->verify(in.headers, in.body, in.now);
    const reference_verdict ref = judge(in);
    const bool must_verify = ref.well_formed && ref.fresh && (ref.entry_matches[0] || ref.entry_matches[1]);
    if (result) {
        // Valid only with the real MAC: random input never verifies.
        HOOKSIG_FUZZ_CHECK(must_verify);
        HOOKSIG_FUZZ_CHECK(result.key_index == (ref.entry_matches[0] ? 0U : 1U));
    } else {
        HOOKSIG_FUZZ_CHECK(!must_verify);
        HOOKSIG_FUZZ_CHECK(result.error.category() == hooksig::error_category());
        HOOKSIG_FUZZ_CHECK(result.key_index == static_cast<std::size_t>(-1));
    }

    // The same headers in another container give the same verdict.
    const std::multimap<std::string, std::string> as_map(in.headers.begin(), in.headers.end());
    const hooksig::verify_result again = f.verifier->verify(as_map, in.body, in.now);
    HOOKSIG_FUZZ_CHECK(again.error == result.error && again.key_index == result.key_index &&
                       again.timestamp == result.timestamp);

    // What the signer makes for this body (and this id, when usable) verifies under both keys.
    hooksig::sign_options options;
    for (const auto& [name, value] : in.headers)
        if (hooksig_fuzz::lower(name) == "webhook-id" && hooksig::is_valid_message_id(value)) options.id = value;
    if (options.id.empty()) options.id = "msg_fuzz";
    options.timestamp = in.now;
    std::vector<hooksig::header> signed_headers;
    HOOKSIG_FUZZ_CHECK(!f.signer->sign(in.body, options, signed_headers));
    const hooksig::verify_result round_trip = f.verifier->verify(signed_headers, in.body, in.now);
    HOOKSIG_FUZZ_CHECK(round_trip && round_trip.key_index == 0);
    return 0;
}
