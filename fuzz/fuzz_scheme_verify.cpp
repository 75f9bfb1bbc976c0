// hooksig — webhook signing and verification. MIT License.
//
// The provider schemes' verify path: the first input byte picks the scheme
// (Stripe, GitHub, Slack, Shopify, raw-hex, raw-base64, raw-hex under a custom
// header name, Paddle, Square); the rest is a delivery (layout: parse_delivery in
// fuzzer_common.hpp). Each scheme's verifier holds two text keys: one made up
// for fuzzing and the one its tests/vectors cases use, so seeds verify.
//
// Properties, per scheme, against a reference written from the provider's
// documentation with Botan's HMAC(SHA-256), hex and base64:
// - valid only when the picked header carries exactly the real MAC's encoding
//   for the reported key (the first that matches), and for timestamped schemes
//   the timestamp is canonical and within 300 s: random input never verifies;
// - conversely a delivery the provider would accept always verifies;
// - same verdict for std::vector and std::multimap headers;
// - the scheme's signer output for this body verifies.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <hooksig/schemes/github.hpp>
#include <hooksig/schemes/paddle.hpp>
#include <hooksig/schemes/raw.hpp>
#include <hooksig/schemes/shopify.hpp>
#include <hooksig/schemes/slack.hpp>
#include <hooksig/schemes/square.hpp>
#include <hooksig/schemes/stripe.hpp>
#include <hooksig/signer.hpp>
#include <hooksig/verifier.hpp>

#include "fuzzer_common.hpp"

namespace {

using hooksig_fuzz::delivery_input;
using hooksig_fuzz::header_list;
using mac_bytes = Botan::secure_vector<std::uint8_t>;

constexpr long long default_now = 1700000000;
constexpr long long tolerance = 300;

/// What the reference concludes about one delivery.
struct reference_verdict {
    bool acceptable = false;                // the header grammar holds (and a timestamp is fresh)
    bool matches[2] = {false, false};      // the delivery carries key k's real MAC
};

/// Returns the reference MAC of `content` under `key`.
mac_bytes mac_of(const hooksig::secret& key, std::string_view content) {
    return hooksig_fuzz::reference_hmac(key.key_data(), key.key_size(), content);
}

/// A scheme with one header holding `prefix` + the encoded MAC of the body.
template <bool Hex>
reference_verdict judge_body_mac(const delivery_input& in, const std::vector<hooksig::secret>& keys,
                                 std::initializer_list<std::string_view> names, std::string_view prefix,
                                 std::string_view content_prefix = {}) {
    reference_verdict v;
    bool repeated = false;
    const std::string* value = hooksig_fuzz::pick_header(in.headers, names, repeated);
    if (value == nullptr || repeated) return v;
    v.acceptable = true;
    for (std::size_t k = 0; k < 2; ++k) {
        const mac_bytes mac = mac_of(keys[k], std::string(content_prefix) + std::string(in.body));
        v.matches[k] = *value == std::string(prefix) + (Hex ? hooksig_fuzz::reference_hex(mac) : hooksig_fuzz::reference_base64(mac));
    }
    return v;
}

reference_verdict judge_slack(const delivery_input& in, const std::vector<hooksig::secret>& keys) {
    reference_verdict v;
    bool repeated_ts = false, repeated_sig = false, canonical = false;
    const std::string* ts = hooksig_fuzz::pick_header(in.headers, {"x-slack-request-timestamp"}, repeated_ts);
    const std::string* sig = hooksig_fuzz::pick_header(in.headers, {"x-slack-signature"}, repeated_sig);
    if (ts == nullptr || sig == nullptr || repeated_ts || repeated_sig) return v;
    v.acceptable = hooksig_fuzz::fresh_timestamp(*ts, in.now, tolerance, canonical);
    for (std::size_t k = 0; k < 2; ++k)
        v.matches[k] = *sig == "v0=" + hooksig_fuzz::reference_hex(mac_of(keys[k], "v0:" + *ts + ":" + std::string(in.body)));
    return v;
}

/// A header of `separator`-separated key=value items: exactly one `ts_key`,
/// at most 32 others, at least one `mac_key` (Stripe `t=..,v1=..`; Paddle
/// `ts=..;h1=..`); the MAC covers ts + `content_separator` + body.
reference_verdict judge_timestamped_list(const delivery_input& in, const std::vector<hooksig::secret>& keys,
                                         std::string_view name, char separator, std::string_view ts_key,
                                         std::string_view mac_key, std::string_view content_separator) {
    reference_verdict v;
    bool repeated = false, canonical = false;
    const std::string* value = hooksig_fuzz::pick_header(in.headers, {name}, repeated);
    if (value == nullptr || repeated || value->empty() || value->size() > 8192) return v;
    for (const char c : *value)
        if (c < ' ' || c > '~') return v;
    std::string_view t;
    std::vector<std::string_view> macs;
    std::size_t ts_count = 0, others = 0;
    const std::string_view all = *value;
    for (std::size_t pos = 0; pos <= all.size();) {
        std::size_t end = all.find(separator, pos);
        if (end == std::string_view::npos) end = all.size();
        const std::string_view item = all.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) return v;
        if (item.substr(0, eq) == ts_key) {
            ++ts_count;
            t = item.substr(eq + 1);
        } else {
            ++others;
            if (item.substr(0, eq) == mac_key) macs.push_back(item.substr(eq + 1));
        }
    }
    if (ts_count != 1 || others > 32 || macs.empty()) return v;
    v.acceptable = hooksig_fuzz::fresh_timestamp(t, in.now, tolerance, canonical);
    const std::string content = std::string(t) + std::string(content_separator) + std::string(in.body);
    for (std::size_t k = 0; k < 2; ++k) {
        const std::string expected = hooksig_fuzz::reference_hex(mac_of(keys[k], content));
        for (const std::string_view mac : macs) v.matches[k] |= mac == expected;
    }
    return v;
}

/// One scheme under test: its verifier and signer over two keys, and its reference.
struct target {
    virtual ~target() = default;
    virtual void run(const delivery_input& in) const = 0;
};

template <class Scheme, class Judge>
struct scheme_target final : target {
    std::vector<hooksig::secret> keys;
    hooksig::verifier<Scheme> verifier;
    hooksig::signer<Scheme> signer;
    Judge judge;

    scheme_target(std::string_view vector_secret, Scheme scheme, Judge j)
        : keys(make_keys(vector_secret)), verifier(keys, {}, scheme), signer(keys, scheme), judge(j) {}

    static std::vector<hooksig::secret> make_keys(std::string_view vector_secret) {
        return {hooksig::secret::from_text("hooksig-fuzz-provider-key-0123456789"), hooksig::secret::from_text(vector_secret)};
    }

    void run(const delivery_input& in) const override {
        const hooksig::verify_result result = verifier.verify(in.headers, in.body, in.now);
        const reference_verdict ref = judge(in, keys);
        const bool must_verify = ref.acceptable && (ref.matches[0] || ref.matches[1]);
        if (result) {
            HOOKSIG_FUZZ_CHECK(must_verify); // random input never verifies
            HOOKSIG_FUZZ_CHECK(result.key_index == (ref.matches[0] ? 0U : 1U));
        } else {
            HOOKSIG_FUZZ_CHECK(!must_verify);
            HOOKSIG_FUZZ_CHECK(result.error.category() == hooksig::error_category());
        }
        const std::multimap<std::string, std::string> as_map(in.headers.begin(), in.headers.end());
        const hooksig::verify_result again = verifier.verify(as_map, in.body, in.now);
        HOOKSIG_FUZZ_CHECK(again.error == result.error && again.key_index == result.key_index);

        hooksig::sign_options options;
        options.timestamp = in.now;
        std::vector<hooksig::header> signed_headers;
        HOOKSIG_FUZZ_CHECK(!signer.sign(in.body, options, signed_headers));
        const hooksig::verify_result round_trip = verifier.verify(signed_headers, in.body, in.now);
        HOOKSIG_FUZZ_CHECK(round_trip && round_trip.key_index == 0);
    }
};

template <class Scheme, class Judge>
std::unique_ptr<target> make(std::string_view vector_secret, Scheme scheme, Judge judge) {
    return std::make_unique<scheme_target<Scheme, Judge>>(vector_secret, std::move(scheme), judge);
}

using keys_t = const std::vector<hooksig::secret>&;

// Square signs its subscription's notification URL before the body.
constexpr std::string_view square_url = "https://example.com/webhooks/square";

std::vector<std::unique_ptr<target>> make_targets() {
    std::vector<std::unique_ptr<target>> t;
    t.push_back(make("whsec_hooksigStripeTestSecret0123456789", hooksig::stripe{}, [](const delivery_input& in, keys_t k) {
        return judge_timestamped_list(in, k, "stripe-signature", ',', "t", "v1", ".");
    }));
    t.push_back(make("hooksig-github-test-secret", hooksig::github{}, [](const delivery_input& in, keys_t k) {
        return judge_body_mac<true>(in, k, {"x-hub-signature-256"}, "sha256=");
    }));
    t.push_back(make("0123456789abcdef0123456789abcdef", hooksig::slack{}, judge_slack));
    t.push_back(make("shpss_hooksig0123456789abcdef0123456789", hooksig::shopify{}, [](const delivery_input& in, keys_t k) {
        return judge_body_mac<false>(in, k, {"x-shopify-hmac-sha256", "shopify-hmac-sha256"}, "");
    }));
    t.push_back(make("hooksig-bitgo-enterprise-secret", hooksig::raw_hex{}, [](const delivery_input& in, keys_t k) {
        return judge_body_mac<true>(in, k, {"x-signature-sha256"}, "");
    }));
    t.push_back(make("hooksig-bitgo-enterprise-secret", hooksig::raw_base64{}, [](const delivery_input& in, keys_t k) {
        return judge_body_mac<false>(in, k, {"x-signature-sha256"}, "");
    }));
    t.push_back(make("hooksig-bitgo-enterprise-secret", hooksig::raw_hex("X-Custom-Signature"),
                     [](const delivery_input& in, keys_t k) {
                         return judge_body_mac<true>(in, k, {"x-custom-signature"}, "");
                     }));
    t.push_back(make("pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI", hooksig::paddle{}, [](const delivery_input& in, keys_t k) {
        return judge_timestamped_list(in, k, "paddle-signature", ';', "ts", "h1", ":");
    }));
    t.push_back(make("Ibxx_5AKakO-3qeNVR61Dw", hooksig::square(std::string(square_url)), [](const delivery_input& in, keys_t k) {
        return judge_body_mac<false>(in, k, {"x-square-hmacsha256-signature"}, "", square_url);
    }));
    return t;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::vector<std::unique_ptr<target>> targets = make_targets();
    hooksig_fuzz::input in(data, size);
    const target& chosen = *targets[in.byte() % targets.size()];
    chosen.run(hooksig_fuzz::parse_delivery(in.rest(), default_now));
    return 0;
}
