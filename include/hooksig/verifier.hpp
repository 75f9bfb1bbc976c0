// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Receiving side: verify a delivery's headers and raw body under one or more
/// keys, for any wire scheme.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "clock.hpp"
#include "ct.hpp"
#include "error.hpp"
#include "algorithms/hmac_sha256.hpp"
#include "schemes/scheme.hpp"
#include "secret.hpp"
#include "timestamp.hpp"

namespace hooksig {

/// Verification policy, set once per verifier.
struct verify_options {
    /// How far a delivery's timestamp may be from now, past or future.
    /// Default 300 s, as Standard Webhooks, Svix, Stripe and Slack use.
    /// Ignored by schemes without a timestamp.
    std::chrono::seconds tolerance{300};
};

/// The outcome of one verification.
struct verify_result {
    /// Empty on success; otherwise a hooksig::errc to switch on.
    std::error_code error = errc::no_matching_signature;
    /// Index of the key that matched (in the order keys were given), on success.
    std::size_t key_index = static_cast<std::size_t>(-1);
    /// The delivery's timestamp, when the scheme has one and it parsed.
    unix_seconds timestamp = 0;

    /// True when the delivery verified.
    explicit operator bool() const noexcept { return !error; }
};

namespace detail {

/// Computes `key`'s MAC of `parts` into `out`. True when computed: a key
/// whose mac() returns bool (the keyring's table reader) may decline.
template <class Key, class... Parts>
bool compute_mac(const Key& key, std::uint8_t out[mac_size], const Parts&... parts) noexcept {
    if constexpr (std::is_same_v<decltype(key.mac(out, parts...)), bool>) {
        return key.mac(out, parts...);
    } else {
        key.mac(out, parts...);
        return true;
    }
}

/// Smallest body for which verification computes two keys' MACs in one pass
/// when a delivery may need both. The pass costs about 55 ns more than one
/// MAC (the second chain's outer block, and two chains do not overlap
/// perfectly) and saves a whole MAC when the second key is the one that
/// matches, or when nothing matches (a forgery costs the receiver every
/// key's MAC). From 2 KiB on the extra is under 4% of one MAC (16 KiB: 1%)
/// while the saving is nearly half the work; below it, a delivery the newest
/// key verifies (a sender signing with both keys) would pay 7% (1 KiB) to
/// 25% (64 B) more. Measured with hooksig_bench, BM_verify_rotation*.
inline constexpr std::size_t mac_pair_min_body_size = 2048;

/// Whether a key type computes two keys' MACs in one pass (mac_pair).
template <class Key, class = void>
struct has_mac_pair : std::false_type {};
template <class Key>
struct has_mac_pair<Key, std::void_t<decltype(std::declval<const Key&>().mac_pair(
                             std::declval<const Key&>(), static_cast<std::uint8_t*>(nullptr),
                             static_cast<std::uint8_t*>(nullptr), std::string_view()))>> : std::true_type {};

/// Computes `first`'s MAC of `parts` into out0 and `second`'s into out1 in one
/// pass. True when computed: a key whose mac_pair() returns bool may decline.
template <class Key, class... Parts>
bool compute_mac_pair(const Key& first, const Key& second, std::uint8_t out0[mac_size], std::uint8_t out1[mac_size],
                      const Parts&... parts) noexcept {
    if constexpr (std::is_same_v<decltype(first.mac_pair(second, out0, out1, parts...)), bool>) {
        return first.mac_pair(second, out0, out1, parts...);
    } else {
        first.mac_pair(second, out0, out1, parts...);
        return true;
    }
}

/// The verification algorithm every verifier and keyring shares; writes the
/// outcome to `result` (the caller's own object: see `succeed` below).
/// `key_at(i, timestamp)` returns a pointer to the i-th key (primary first),
/// or nullptr when that key is not active for this delivery. A key has
/// hmac_key's mac() and may have its mac_pair(); either may return false to
/// decline (the keyring's table reader, when the ring changed while read).
/// key_at is called only for deliveries whose headers parsed and whose
/// timestamp is fresh, in non-decreasing i (the same i again after it
/// returned nullptr for the pair lookahead), with the same timestamp every time.
/// Success is set in one place, after a constant-time comparison. Never
/// throws, never allocates.
template <class Scheme, class Headers, class KeyAt>
void verify_delivery(const Scheme& scheme, const Headers& headers, std::string_view body, unix_seconds now,
                     std::chrono::seconds tolerance, std::size_t key_count, KeyAt&& key_at,
                     verify_result& result) noexcept {
    result.error = errc::no_matching_signature;
    result.key_index = static_cast<std::size_t>(-1);
    result.timestamp = 0;
    delivery d;
    if (const std::error_code parsed = scheme.parse(headers, d)) {
        result.error = parsed;
        return;
    }
    unix_seconds delivered_at = now;
    if (d.has_timestamp) {
        result.timestamp = d.timestamp;
        delivered_at = d.timestamp;
        if (const std::error_code fresh = check_timestamp(d.timestamp, now, tolerance)) {
            result.error = fresh;
            return;
        }
    }
    if (d.signatures.candidates() == 0) return; // result.error is still no_matching_signature
    // Compares a computed MAC with the candidates, then wipes it. Entries are
    // decoded as they are first compared (later keys reuse them), and the
    // search stops at the first match, as Svix's and the Standard Webhooks
    // libraries do. Each comparison is constant time; the early exit tells a
    // timing observer at most which entry of a valid delivery matched, which
    // its sender knows. A delivery that matches nothing is compared with every
    // entry.
    const auto matches = [&d](std::uint8_t computed[mac_size]) noexcept {
        ct::poison(computed, mac_size);
        bool matched = false;
        for (std::size_t s = 0; d.signatures.decode_through(s); ++s) {
            if (ct::declassify(ct::equal_mac(computed, d.signatures.mac[s]))) {
                matched = true;
                break;
            }
        }
        ct::wipe(computed, mac_size);
        return matched;
    };
    // Fills in success. `result` is the caller's own object, never a copy:
    // copying it right after these stores stalled the copy's loads (~12 ns).
    const auto succeed = [&result](std::size_t k) noexcept {
        result.error = std::error_code();
        result.key_index = k;
    };
    bool any_active = false;
    std::uint8_t expected[2][mac_size];
    for (std::size_t k = 0; k < key_count; ++k) {
        const auto* key = key_at(k, delivered_at); // an hmac_key or a keyring table key
        if (key == nullptr) continue;
        any_active = true;
        if constexpr (has_mac_pair<std::remove_cv_t<std::remove_pointer_t<decltype(key)>>>::value) {
            // Two active keys in a row (a rotation's grace period) and a body
            // large enough: both MACs in one pass. The newer key is compared
            // first, so it wins when both match.
            const auto* next = k + 1 < key_count && body.size() >= mac_pair_min_body_size
                                   ? key_at(k + 1, delivered_at)
                                   : nullptr;
            if (next != nullptr) {
                bool computed = false;
                scheme.signed_content(d, body, [&](const auto&... parts) {
                    computed = compute_mac_pair(*key, *next, expected[0], expected[1], parts...);
                });
                ++k; // `next` is done with too
                if (!computed) continue; // the keys declined (the ring changed while read); the caller starts over
                if (matches(expected[0])) {
                    ct::wipe(expected[1], mac_size);
                    succeed(k - 1);
                    return;
                }
                if (matches(expected[1])) {
                    succeed(k);
                    return;
                }
                continue;
            }
        }
        bool computed = false;
        scheme.signed_content(d, body, [&](const auto&... parts) { computed = compute_mac(*key, expected[0], parts...); });
        if (!computed) continue; // the key declined (the ring changed while read); its caller starts over
        if (matches(expected[0])) {
            succeed(k);
            return;
        }
    }
    result.error = any_active ? errc::no_matching_signature : errc::no_active_key;
}

} // namespace detail

/// Verifies deliveries of one wire scheme under a fixed set of keys.
///
/// Build once (it prepares each key's HMAC states, allocating), then call
/// verify() from any number of threads: verify() is const, noexcept, and makes
/// no heap allocation. Keys are tried in the order given; put the newest first.
/// For keys that rotate over time, use hooksig::keyring.
///
/// @tparam Scheme a wire scheme (see scheme.hpp), e.g. standard_webhooks
/// @tparam Clock  anything with `unix_seconds now() const`; wall_clock by default
template <class Scheme, class Clock = wall_clock>
class verifier {
public:
    /// Prepares the keys. Throws hooksig::error(errc::no_keys) when `secrets` is
    /// empty or holds an empty secret.
    explicit verifier(const std::vector<secret>& secrets, verify_options options = {}, Scheme scheme = {},
                      Clock clock = {})
        : scheme_(std::move(scheme)), clock_(std::move(clock)), options_(options) {
        if (secrets.empty()) throw error(errc::no_keys);
        keys_.reserve(secrets.size());
        for (const secret& s : secrets) {
            if (s.empty()) throw error(errc::no_keys);
            keys_.emplace_back(s.key_data(), s.key_size());
        }
        (void)detail::thread_scratch_state(); // the constructing thread never allocates in verify()
    }

    /// Verifies `body` (the raw request bytes) against `headers` at the clock's now.
    /// @return success with the matching key's index, or one of errc::missing_header,
    ///         malformed_header, header_too_large, invalid_timestamp, timestamp_too_old,
    ///         timestamp_too_new, too_many_signatures, no_matching_signature.
    template <class Headers>
    [[nodiscard]] verify_result verify(const Headers& headers, std::string_view body) const noexcept {
        return verify(headers, body, clock_.now());
    }

    /// Verifies as if the time were `now` (Unix seconds).
    template <class Headers>
    [[nodiscard]] verify_result verify(const Headers& headers, std::string_view body, unix_seconds now) const noexcept {
        verify_result result;
        detail::verify_delivery(scheme_, headers, body, now, options_.tolerance, keys_.size(),
                                [this](std::size_t i, unix_seconds) { return &keys_[i]; }, result);
        return result;
    }

    /// The scheme this verifier reads.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    Scheme scheme_;
    Clock clock_;
    verify_options options_;
    std::vector<hmac_key> keys_;
};

} // namespace hooksig
