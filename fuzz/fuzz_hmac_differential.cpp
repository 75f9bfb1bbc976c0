// hooksig — webhook signing and verification. MIT License.
//
// hooksig's HMAC-SHA256 (prepared inner/outer states over Botan's SHA-256
// compression) against Botan's own MessageAuthenticationCode
// "HMAC(SHA-256)": random keys (0..191 bytes, so keys longer than a block
// are hashed first) and messages, split at random points across update()
// calls and across hmac_key::mac's parts (up to five, Standard Webhooks'
// shape), and two keys at once through mac_pair. Each input runs on both
// SHA-256 backends: the SHA-NI kernel (where the CPU has it) and Botan's
// compression function. Any mismatch aborts.
//
// Input: key length byte, key bytes, split count byte, two bytes per split
// point, then the message (the rest).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include <botan/mac.h>

#include <hooksig/algorithms/hmac_sha256.hpp>

#include "fuzzer_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hooksig_fuzz::input in(data, size);
    const std::string_view key = in.take(in.below(192));
    const std::size_t split_count = in.below(9);
    std::vector<std::size_t> splits;
    for (std::size_t i = 0; i < split_count; ++i) splits.push_back(in.below(65536));
    const std::string_view message = in.rest();
    for (std::size_t& s : splits) s %= message.size() + 1;
    std::sort(splits.begin(), splits.end());
    splits.push_back(message.size());

    // Reference: Botan's HMAC object, fed in the same pieces.
    const auto reference = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    reference->set_key(hooksig_fuzz::bytes(key), key.size());
    std::size_t from = 0;
    for (const std::size_t to : splits) {
        reference->update(hooksig_fuzz::bytes(message) + from, to - from);
        from = to;
    }
    const Botan::secure_vector<std::uint8_t> expected = reference->final();
    HOOKSIG_FUZZ_CHECK(expected.size() == hooksig::mac_size);

    for (const auto backend : hooksig::detail::sha256_backends) {
        if (!hooksig::detail::set_sha256_backend(backend)) continue; // not runnable on this machine
        const hooksig::hmac_key prepared(hooksig_fuzz::bytes(key), key.size());
        std::uint8_t tag[hooksig::mac_size];

        prepared.mac(tag, message);
        HOOKSIG_FUZZ_CHECK(std::memcmp(tag, expected.data(), hooksig::mac_size) == 0);

        // Three parts cut at the first two split points (possibly empty parts).
        const std::size_t a = splits.size() > 1 ? splits[0] : message.size() / 2;
        const std::size_t b = splits.size() > 2 ? splits[1] : a;
        std::memset(tag, 0, sizeof tag);
        prepared.mac(tag, message.substr(0, a), message.substr(a, b - a), message.substr(b));
        HOOKSIG_FUZZ_CHECK(std::memcmp(tag, expected.data(), hooksig::mac_size) == 0);

        // Streaming, with an update per piece (empty pieces included).
        hooksig::hmac_sha256 stream(prepared);
        from = 0;
        for (const std::size_t to : splits) {
            if (to % 2 == 0) stream.update(message.substr(from, to - from));
            else stream.update(hooksig_fuzz::bytes(message) + from, to - from);
            from = to;
        }
        std::memset(tag, 0, sizeof tag);
        stream.finish(tag);
        HOOKSIG_FUZZ_CHECK(std::memcmp(tag, expected.data(), hooksig::mac_size) == 0);

        std::memset(tag, 0, sizeof tag);
        hooksig::hmac_sha256_once(key, message, tag);
        HOOKSIG_FUZZ_CHECK(std::memcmp(tag, expected.data(), hooksig::mac_size) == 0);

        // Five parts cut at the first four split points.
        std::size_t cut[6] = {0, 0, 0, 0, 0, message.size()};
        for (std::size_t i = 0; i < 4; ++i) cut[i + 1] = i < splits.size() - 1 ? splits[i] : message.size();
        std::sort(cut + 1, cut + 5);
        std::memset(tag, 0, sizeof tag);
        prepared.mac(tag, message.substr(cut[0], cut[1] - cut[0]), message.substr(cut[1], cut[2] - cut[1]),
                     message.substr(cut[2], cut[3] - cut[2]), message.substr(cut[3], cut[4] - cut[3]),
                     message.substr(cut[4], cut[5] - cut[4]));
        HOOKSIG_FUZZ_CHECK(std::memcmp(tag, expected.data(), hooksig::mac_size) == 0);

        // Two keys in one pass (mac_pair), this key in either position; the
        // other key is the message's first bytes, so it varies with the input.
        const std::size_t other_size = std::min<std::size_t>(message.size(), 80);
        const hooksig::hmac_key other(hooksig_fuzz::bytes(message), other_size);
        reference->set_key(hooksig_fuzz::bytes(message), other_size);
        reference->update(hooksig_fuzz::bytes(message), message.size());
        std::uint8_t other_tag[hooksig::mac_size], pair_tags[2][hooksig::mac_size];
        reference->final(other_tag);
        prepared.mac_pair(other, pair_tags[0], pair_tags[1], message.substr(0, a), message.substr(a));
        HOOKSIG_FUZZ_CHECK(std::memcmp(pair_tags[0], expected.data(), hooksig::mac_size) == 0);
        HOOKSIG_FUZZ_CHECK(std::memcmp(pair_tags[1], other_tag, hooksig::mac_size) == 0);
        other.mac_pair(prepared, pair_tags[0], pair_tags[1], message);
        HOOKSIG_FUZZ_CHECK(std::memcmp(pair_tags[0], other_tag, hooksig::mac_size) == 0);
        HOOKSIG_FUZZ_CHECK(std::memcmp(pair_tags[1], expected.data(), hooksig::mac_size) == 0);
    }
    return 0;
}
