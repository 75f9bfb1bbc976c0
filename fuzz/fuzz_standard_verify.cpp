// hooksig — webhook signing and verification. MIT License.
//
// verifier<standard_webhooks> on an untrusted delivery (input layout: see
// parse_delivery in fuzzer_common.hpp: a `now` line, header lines, a blank
// line, the body).
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
#include <vector>

#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "fuzzer_common.hpp"

namespace {

using hooksig_fuzz::header_list;

// Two keys, as during a rotation; the second is the Standard Webhooks docs
// vector's, so seeds built from tests/vectors verify.
constexpr std::string_view secret_texts[] = {"whsec_aG9va3NpZyBmdXp6IHNlY29uZCBrZXkgMDEyMw==",
                                             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
constexpr long long default_now = 1614265330;

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

/// The reference verdict, judged without hooksig.
struct reference_verdict {
    bool acceptable = false;                 // header grammar holds and the timestamp is fresh
    bool entry_matches[2] = {false, false}; // some `v1,` entry carries key k's real MAC
};

bool visible(std::string_view s, bool space_allowed) {
    for (const char c : s)
        if (!((c > ' ' && c <= '~') || (space_allowed && c == ' '))) return false;
    return true;
}

reference_verdict judge(const hooksig_fuzz::delivery_input& in) {
    reference_verdict v;
    bool repeated[3];
    const std::string* id = hooksig_fuzz::pick_header(in.headers, {"webhook-id", "svix-id"}, repeated[0]);
    const std::string* ts = hooksig_fuzz::pick_header(in.headers, {"webhook-timestamp", "svix-timestamp"}, repeated[1]);
    const std::string* sig = hooksig_fuzz::pick_header(in.headers, {"webhook-signature", "svix-signature"}, repeated[2]);
    if (id == nullptr || ts == nullptr || sig == nullptr || repeated[0] || repeated[1] || repeated[2]) return v;

    std::vector<std::string_view> entries;
    for (std::size_t pos = 0; pos <= sig->size();) {
        std::size_t end = sig->find(' ', pos);
        if (end == std::string::npos) end = sig->size();
        if (end > pos) entries.push_back(std::string_view(*sig).substr(pos, end - pos));
        pos = end + 1;
    }
    bool canonical = false;
    const bool fresh = hooksig_fuzz::fresh_timestamp(*ts, in.now, 300, canonical);
    v.acceptable = !id->empty() && id->size() <= 256 && visible(*id, false) && fresh && !sig->empty() &&
                   sig->size() <= 8192 && visible(*sig, true) && entries.size() <= 32;
    const std::string content = *id + "." + *ts + "." + std::string(in.body);
    for (std::size_t k = 0; k < 2; ++k) {
        const hooksig::secret& key = the_fixture().secrets[k];
        const std::string expected =
            "v1," + hooksig_fuzz::reference_base64(hooksig_fuzz::reference_hmac(key.key_data(), key.key_size(), content));
        for (const std::string_view e : entries) v.entry_matches[k] |= e == expected;
    }
    return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fixture& f = the_fixture();
    const hooksig_fuzz::delivery_input in =
        hooksig_fuzz::parse_delivery(std::string_view(reinterpret_cast<const char*>(data), size), default_now);

    const hooksig::verify_result result = f.verifier->verify(in.headers, in.body, in.now);
    const reference_verdict ref = judge(in);
    const bool must_verify = ref.acceptable && (ref.entry_matches[0] || ref.entry_matches[1]);
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

    // What the signer makes for this body (and this id, when usable) verifies, under the first key.
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
