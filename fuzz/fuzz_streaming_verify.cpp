// hooksig — webhook signing and verification. MIT License.
//
// Streaming verification against the one-call verify(): the input's first two
// bytes seed how the body is cut into pieces; the rest is a delivery (layout:
// parse_delivery in fuzzer_common.hpp). Properties, for a two-key Standard
// Webhooks verifier, a Stripe verifier and a two-key keyring:
// - begin/update/finish in any chunking gives exactly verify()'s error, key
//   index and timestamp (so random input never verifies this way either);
// - a failure begin() reports is the one verify() reports;
// - what the signer produces for this body streams to valid.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <hooksig/keyring/keyring.hpp>
#include <hooksig/schemes/standard_webhooks.hpp>
#include <hooksig/schemes/stripe.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "fuzzer_common.hpp"

namespace {

constexpr std::string_view secret_texts[] = {"whsec_aG9va3NpZyBmdXp6IHNlY29uZCBrZXkgMDEyMw==",
                                             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"};
constexpr long long default_now = 1614265330;

struct fixture {
    std::vector<hooksig::secret> secrets, text_secrets;
    std::unique_ptr<hooksig::verifier<hooksig::standard_webhooks>> standard;
    std::unique_ptr<hooksig::verifier<hooksig::stripe>> stripe;
    std::unique_ptr<hooksig::keyring<hooksig::fixed_clock>> ring;
    std::unique_ptr<hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock>> ring_verifier;
    fixture() {
        for (const std::string_view text : secret_texts) {
            secrets.push_back(hooksig::secret::parse(text));
            text_secrets.push_back(hooksig::secret::from_text(text));
        }
        standard = std::make_unique<hooksig::verifier<hooksig::standard_webhooks>>(secrets);
        stripe = std::make_unique<hooksig::verifier<hooksig::stripe>>(text_secrets);
        ring = std::make_unique<hooksig::keyring<hooksig::fixed_clock>>(hooksig::fixed_clock{0});
        hooksig::detail::throw_if(ring->rotate(secrets[1], std::chrono::seconds(0)));
        ring->clock().at = 10;
        hooksig::detail::throw_if(ring->rotate(secrets[0], std::chrono::hours(24 * 7)));
        ring_verifier =
            std::make_unique<hooksig::keyring_verifier<hooksig::standard_webhooks, hooksig::fixed_clock>>(*ring);
    }
};

const fixture& the_fixture() {
    static const fixture f;
    return f;
}

template <class Verifier>
void same_verdict(const Verifier& v, const hooksig_fuzz::header_list& headers, std::string_view body, long long now,
                  unsigned seed) {
    const hooksig::verify_result whole = v.verify(headers, body, now);
    std::minstd_rand cuts(seed + 1);
    hooksig::verification streamed = v.begin(headers, now);
    if (streamed.error()) HOOKSIG_FUZZ_CHECK(streamed.error() == whole.error);
    for (std::size_t at = 0; at < body.size();) {
        const std::size_t n = std::min<std::size_t>(cuts() % 130, body.size() - at);
        streamed.update(body.substr(at, n));
        at += n;
    }
    const hooksig::keyring_verify_result got = streamed.finish();
    HOOKSIG_FUZZ_CHECK(got.error == whole.error);
    HOOKSIG_FUZZ_CHECK(got.timestamp == whole.timestamp);
    if (!whole.error) HOOKSIG_FUZZ_CHECK(got.key_index == whole.key_index);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fixture& f = the_fixture();
    hooksig_fuzz::input in(data, size);
    const unsigned seed = static_cast<unsigned>(in.byte()) << 8 | in.byte();
    const std::string_view rest = in.rest();
    const hooksig_fuzz::delivery_input d = hooksig_fuzz::parse_delivery(rest, default_now);
    same_verdict(*f.standard, d.headers, d.body, d.now, seed);
    same_verdict(*f.stripe, d.headers, d.body, d.now, seed);
    same_verdict(*f.ring_verifier, d.headers, d.body, d.now, seed);

    // The signer's own delivery of this body streams to valid.
    hooksig::sign_options options;
    options.id = "msg_fuzz";
    options.timestamp = d.now;
    hooksig_fuzz::header_list signed_headers;
    for (const hooksig::header& h : hooksig::signer<hooksig::standard_webhooks>({f.secrets[1]}).sign(d.body, options))
        signed_headers.emplace_back(h.name, h.value);
    hooksig::verification v = f.standard->begin(signed_headers, d.now);
    v.update(d.body);
    const hooksig::keyring_verify_result r = v.finish();
    HOOKSIG_FUZZ_CHECK(r && r.key_index == 1);
    return 0;
}
