// hooksig — webhook signing and verification. MIT License.
//
// Standard Webhooks verification with `v1` (HMAC) and `v1a` (Ed25519) entries
// mixed in one header, by verifiers holding a whsec_ and a whpk_ together, the
// whpk_ alone, and the whsec_ alone (input layout: see parse_delivery in
// fuzzer_common.hpp: a `now` line, header lines, a blank line, the body).
//
// The keys are those of tests/vectors/v1a-vectors.json (whsec_ "whsec" and K1),
// so the seeds built from those vectors carry real signatures.
//
// Properties:
// - random bytes never verify: a valid verdict needs the reference's
//   acceptance of the headers (present once each, fresh timestamp, bounded
//   visible header) and an entry equal to the real one for the key reported:
//   `v1,` + the Botan HMAC reference, or `v1a,` + the deterministic Ed25519
//   signature the whsk_ gives this content (no other signature verifies: S < L
//   and canonical encodings are enforced);
// - a real signature always verifies: the signer's mixed header for this body
//   (id from the input when usable), with junk entries taken from the input's
//   own signature header spliced in around the real ones (at most two more
//   `v1a` entries, within the checks budget; at most 32 entries), verifies
//   under each of the three verifiers with the expected key; with one body
//   byte changed, the whpk_-only verifier refuses it.

#include <cstddef>
#include <cstdint>
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
using std_verifier = hooksig::verifier<hooksig::standard_webhooks>;
using std_signer = hooksig::signer<hooksig::standard_webhooks>;

constexpr std::string_view whsec_text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view whsk_text =
    "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==";
constexpr long long default_now = 1674087241;

/// The keys and the verifiers and signers built from them, once per process.
struct fixture {
    hooksig::secret mac = hooksig::secret::parse(whsec_text);
    hooksig::secret sk = hooksig::secret::parse(whsk_text);
    hooksig::secret pk = sk.public_key();
    std::unique_ptr<std_verifier> mixed, public_only, mac_only;
    std::unique_ptr<std_signer> sign_both, sign_ed25519;
    fixture() {
        mixed = std::make_unique<std_verifier>(std::vector<hooksig::secret>{mac, pk});
        public_only = std::make_unique<std_verifier>(std::vector<hooksig::secret>{pk});
        mac_only = std::make_unique<std_verifier>(std::vector<hooksig::secret>{mac});
        sign_both = std::make_unique<std_signer>(std::vector<hooksig::secret>{mac, sk});
        sign_ed25519 = std::make_unique<std_signer>(std::vector<hooksig::secret>{sk});
    }
};

/// The fixture, built on first use.
const fixture& the_fixture() {
    static const fixture f;
    return f;
}

/// True when every character is visible ASCII (or a space, where allowed).
bool visible(std::string_view s, bool space_allowed) {
    for (const char c : s)
        if (!((c > ' ' && c <= '~') || (space_allowed && c == ' '))) return false;
    return true;
}

/// The space-separated entries of a signature header (empty ones dropped).
std::vector<std::string_view> split_entries(std::string_view value) {
    std::vector<std::string_view> out;
    for (std::size_t pos = 0; pos <= value.size();) {
        std::size_t end = value.find(' ', pos);
        if (end == std::string_view::npos) end = value.size();
        if (end > pos) out.push_back(value.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

/// The signer's `webhook-signature` value for (id, timestamp, body); empty if it refuses.
std::string real_signature(const std_signer& signer, const std::string& id, long long timestamp, std::string_view body) {
    hooksig::sign_options options;
    options.id = id;
    options.timestamp = timestamp;
    std::vector<hooksig::header> out;
    if (signer.sign(body, options, out)) return {};
    for (const hooksig::header& h : out)
        if (h.name == "webhook-signature") return h.value;
    return {};
}

/// What a valid verdict on the raw input needs: which real entries it carries.
struct reference_verdict {
    bool acceptable = false; ///< headers present once each, fresh, bounded, visible
    bool has_real_v1 = false;
    bool has_real_v1a = false;
};

/// Judges the raw input with a Botan HMAC reference and the whsk_'s deterministic signature.
reference_verdict judge(const hooksig_fuzz::delivery_input& in) {
    reference_verdict v;
    bool repeated[3];
    const std::string* id = hooksig_fuzz::pick_header(in.headers, {"webhook-id", "svix-id"}, repeated[0]);
    const std::string* ts = hooksig_fuzz::pick_header(in.headers, {"webhook-timestamp", "svix-timestamp"}, repeated[1]);
    const std::string* sig = hooksig_fuzz::pick_header(in.headers, {"webhook-signature", "svix-signature"}, repeated[2]);
    if (id == nullptr || ts == nullptr || sig == nullptr || repeated[0] || repeated[1] || repeated[2]) return v;
    const std::vector<std::string_view> entries = split_entries(*sig);
    bool canonical = false;
    const bool fresh = hooksig_fuzz::fresh_timestamp(*ts, in.now, 300, canonical);
    v.acceptable = !id->empty() && id->size() <= 256 && visible(*id, false) && fresh && !sig->empty() &&
                   sig->size() <= 8192 && visible(*sig, true) && entries.size() <= 32;
    if (!v.acceptable) return v;
    const fixture& f = the_fixture();
    const std::string content = *id + "." + *ts + "." + std::string(in.body);
    const std::string v1 =
        "v1," + hooksig_fuzz::reference_base64(hooksig_fuzz::reference_hmac(f.mac.key_data(), f.mac.key_size(), content));
    const std::string v1a = real_signature(*f.sign_ed25519, *id, std::stoll(*ts), in.body);
    for (const std::string_view e : entries) {
        v.has_real_v1 |= e == v1;
        v.has_real_v1a |= !v1a.empty() && e == v1a;
    }
    return v;
}

/// Random bytes never verify (see the file comment), under each verifier.
void check_raw(const hooksig_fuzz::delivery_input& in) {
    const fixture& f = the_fixture();
    const reference_verdict ref = judge(in);
    const hooksig::verify_result mixed = f.mixed->verify(in.headers, in.body, in.now);
    const hooksig::verify_result by_public = f.public_only->verify(in.headers, in.body, in.now);
    const hooksig::verify_result by_mac = f.mac_only->verify(in.headers, in.body, in.now);
    if (mixed) {
        HOOKSIG_FUZZ_CHECK(ref.acceptable);
        HOOKSIG_FUZZ_CHECK(mixed.key_index == 0 ? ref.has_real_v1 : mixed.key_index == 1 && ref.has_real_v1a);
    }
    if (by_public) HOOKSIG_FUZZ_CHECK(ref.acceptable && ref.has_real_v1a && by_public.key_index == 0);
    if (by_mac) HOOKSIG_FUZZ_CHECK(ref.acceptable && ref.has_real_v1 && by_mac.key_index == 0);
    // With the real v1 present the mac-only verifier must accept (no Ed25519 work there).
    if (ref.acceptable && ref.has_real_v1) HOOKSIG_FUZZ_CHECK(by_mac);
    for (const hooksig::verify_result* r : {&mixed, &by_public, &by_mac})
        if (!*r) HOOKSIG_FUZZ_CHECK(r->error.category() == hooksig::error_category());
}

/// A real signature always verifies, with junk spliced in (see the file comment).
void check_real(const hooksig_fuzz::delivery_input& in, hooksig_fuzz::input& choices) {
    const fixture& f = the_fixture();
    std::string id = "msg_fuzz";
    std::vector<std::string_view> junk;
    for (const auto& [name, value] : in.headers) {
        const std::string lower = hooksig_fuzz::lower(name);
        if (lower == "webhook-id" && hooksig::is_valid_message_id(value)) id = value;
        if (lower == "webhook-signature")
            for (const std::string_view e : split_entries(value))
                if (visible(e, false)) junk.push_back(e);
    }
    const std::string real = real_signature(*f.sign_both, id, in.now, in.body);
    HOOKSIG_FUZZ_CHECK(!real.empty());
    std::vector<std::string_view> entries = split_entries(real);
    HOOKSIG_FUZZ_CHECK(entries.size() == 2 && entries[0].substr(0, 3) == "v1," && entries[1].substr(0, 4) == "v1a,");
    std::size_t extra_v1a = 0;
    for (const std::string_view e : junk) {
        if (entries.size() >= 32) break;
        if (e.substr(0, 4) == "v1a," && ++extra_v1a > 2) continue; // keep within the default checks budget (4)
        const std::size_t at = choices.below(entries.size() + 1);
        entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(at), e);
    }
    std::string value;
    for (const std::string_view e : entries) value += (value.empty() ? "" : " ") + std::string(e);
    if (value.size() > 8192) value = real; // the junk made the header too long: the real header alone
    const header_list headers = {{"webhook-id", id}, {"webhook-timestamp", std::to_string(in.now)},
                                 {"webhook-signature", value}};
    const hooksig::verify_result mixed = f.mixed->verify(headers, in.body, in.now);
    HOOKSIG_FUZZ_CHECK(mixed && mixed.key_index == 0); // the whsec_ is first: its v1 entry matches
    const hooksig::verify_result by_public = f.public_only->verify(headers, in.body, in.now);
    HOOKSIG_FUZZ_CHECK(by_public && by_public.key_index == 0);
    HOOKSIG_FUZZ_CHECK(f.mac_only->verify(headers, in.body, in.now));

    // One body byte changed: the v1a entry no longer verifies.
    std::string tampered(in.body);
    if (tampered.empty()) tampered.push_back('x');
    else tampered[choices.below(tampered.size())] ^= static_cast<char>(1 + choices.below(255));
    HOOKSIG_FUZZ_CHECK(!f.public_only->verify(headers, tampered, in.now));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const hooksig_fuzz::delivery_input in = hooksig_fuzz::parse_delivery(text, default_now);
    check_raw(in);
    // Splice positions and the tampered byte come from the input's last bytes.
    hooksig_fuzz::input choices(data + (size > 8 ? size - 8 : 0), size > 8 ? 8 : size);
    check_real(in, choices);
    return 0;
}
