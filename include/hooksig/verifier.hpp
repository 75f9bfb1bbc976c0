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
#include "detail/ctgrind.hpp"
#include "error.hpp"
#include "algorithms/ed25519.hpp"
#include "algorithms/hmac_sha256.hpp"
#include "detail/prepared_key.hpp"
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
    /// Most Ed25519 verifications one delivery may cost (its `v1a` entries
    /// times the Ed25519 keys checked); a delivery that would need more fails
    /// with errc::too_many_signature_checks before the extra work. Each costs
    /// tens of microseconds (README, "Asymmetric signatures"); HMAC entries
    /// do not count.
    std::size_t max_asymmetric_checks = default_max_asymmetric_checks;
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

/// Length of a key id (secret::key_id()): 12 lower-case hex characters.
inline constexpr std::size_t key_id_size = 12;

/// The outcome of a keyring verification: verify_result plus the id of the
/// key that matched, so operators can see when an old key stops being used.
/// `key_index` is the key's position in the ring at that moment (0 = newest);
/// the key id is the stable name.
struct keyring_verify_result : verify_result {
    char matched_id[key_id_size] = {}; ///< the matching key's id (valid on success)

    /// The matching key's id on success (12 hex characters), empty otherwise.
    /// Points into this object.
    std::string_view key_id() const noexcept {
        return error ? std::string_view() : std::string_view(matched_id, key_id_size);
    }
};

namespace detail {

/// Smallest body for which two HMAC keys are checked in one pass (kept for
/// callers of 0.1; the algorithm owns it now).
inline constexpr std::size_t mac_pair_min_body_size = algorithms::hmac_sha256::pair_min_body_size;

/// Whether an algorithm checks two keys in one pass (check_pair).
template <class Algorithm, class = void>
struct has_check_pair : std::false_type {};
template <class Algorithm>
struct has_check_pair<Algorithm, std::void_t<decltype(Algorithm::pair_min_body_size)>> : std::true_type {};

/// The checks every verification makes before any MAC, the one-call and the
/// streaming one alike: parse `headers` into `d`, check the timestamp (stored
/// in `timestamp` when the scheme has one) and that some signature entry is
/// there. `delivered_at` becomes the time keys must be active at besides now.
/// @return the error that ends the verification, or empty.
template <class Scheme, class Headers>
HOOKSIG_ALWAYS_INLINE std::error_code read_delivery(const Scheme& scheme, const Headers& headers, unix_seconds now,
                                                    const verify_options& options, delivery& d, unix_seconds& timestamp,
                                                    unix_seconds& delivered_at) noexcept {
    if (const std::error_code parsed = scheme.parse(headers, d)) return parsed;
    delivered_at = now;
    if (d.has_timestamp) {
        timestamp = d.timestamp;
        delivered_at = d.timestamp;
        if (const std::error_code fresh = check_timestamp(d.timestamp, now, options.tolerance)) return fresh;
    }
    d.signatures.asymmetric_checks_left = options.max_asymmetric_checks;
    if (d.signatures.candidates() == 0) return errc::no_matching_signature;
    return {};
}

/// Calls f(key) with the key a key source returned: a pointer to a key type
/// (hmac_key, the keyring's table key). A source that holds keys of several
/// algorithms returns a handle and overloads visit_key for it (found by
/// argument-dependent lookup), so verify_delivery needs no change.
template <class Key, class F>
void visit_key(const Key* key, F&& f) noexcept {
    f(*key);
}

/// `key` as a Key when it is one (the pair pass needs two keys of one type).
template <class Key, class Other>
const Key* key_of_type([[maybe_unused]] const Other* key) noexcept {
    if constexpr (std::is_same_v<Key, Other>) return key;
    else return nullptr;
}

/// The verification algorithm every verifier and keyring shares; writes the
/// outcome to `result` (the caller's own object).
/// `key_at(i, timestamp)` returns a pointer to the i-th key (primary first),
/// or nullptr when that key is not active for this delivery (or a handle, see
/// visit_key). A key type names
/// its algorithm (`using algorithm`), whose check() compares it with the
/// delivery's entries and may report key_check::declined (the keyring's
/// table reader, when the ring changed while read).
/// key_at is called only for deliveries whose headers parsed and whose
/// timestamp is fresh, in non-decreasing i (the same i again after it
/// returned nullptr for the pair lookahead), with the same timestamp every time.
/// Success is set in one place, after the algorithm's comparison. Never
/// throws, never allocates.
template <class Scheme, class Headers, class KeyAt>
void verify_delivery(const Scheme& scheme, const Headers& headers, std::string_view body, unix_seconds now,
                     const verify_options& options, std::size_t key_count, KeyAt&& key_at,
                     verify_result& result) noexcept {
    result.error = errc::no_matching_signature;
    result.key_index = static_cast<std::size_t>(-1);
    result.timestamp = 0;
    delivery d;
    unix_seconds delivered_at = now;
    if (const std::error_code bad = read_delivery(scheme, headers, now, options, d, result.timestamp, delivered_at)) {
        result.error = bad;
        return;
    }
    // Each key's algorithm checks it against the entries of that algorithm
    // (algorithms/algorithm.hpp); the loop only orders the keys and records
    // the first match. Fills in success in the caller's own object, never a
    // copy: copying it right after these stores stalled on store forwarding.
    const auto content = [&](auto&& f) { scheme.signed_content(d, body, f); };
    bool any_active = false;
    for (std::size_t k = 0; k < key_count; ++k) {
        const auto key = key_at(k, delivered_at);
        if (!key) continue;
        any_active = true;
        key_check found = key_check::no_match;
        const std::size_t first = k;
        visit_key(key, [&](const auto& typed) {
            using key_type = std::remove_cv_t<std::remove_reference_t<decltype(typed)>>;
            using algorithm = typename key_type::algorithm;
            if constexpr (has_check_pair<algorithm>::value) {
                // Two usable keys of one algorithm in a row (a rotation's grace
                // period) and a body large enough: both in one pass; the newer
                // key wins a tie.
                if (k + 1 < key_count && body.size() >= algorithm::pair_min_body_size) {
                    const auto next = key_at(k + 1, delivered_at);
                    if (const key_type* same = next ? key_of_type<key_type>(next) : nullptr) {
                        found = algorithm::check_pair(typed, *same, d.signatures, content);
                        ++k; // `next` is done with too
                        return;
                    }
                }
            }
            found = algorithm::check(typed, d.signatures, content);
        });
        // declined: the key's source changed while read; its caller starts over.
        if (found == key_check::first || found == key_check::second) {
            result.error = std::error_code();
            result.key_index = found == key_check::first ? first : first + 1;
            return;
        }
        if (found == key_check::over_limit || found == key_check::out_of_memory) {
            result.error = found == key_check::over_limit ? make_error_code(errc::too_many_signature_checks)
                                                           : std::make_error_code(std::errc::not_enough_memory);
            return;
        }
    }
    result.error = any_active ? errc::no_matching_signature : errc::no_active_key;
}

} // namespace detail

namespace detail {
struct verification_start {};
} // namespace detail

/// A verification in progress, for bodies read in pieces: verifier::begin and
/// keyring_verifier::begin check the headers, the timestamp and the keys
/// before any body byte is read; update() feeds the body as it arrives;
/// finish() compares, in constant time, each key's MAC with the signature
/// entries, as verify() does. A failure the headers decide (missing or
/// malformed headers, a stale timestamp, no usable key) is known at once:
/// error() is set, update() does nothing, and finish() returns it, so the
/// body need not be read at all.
///
/// noexcept and allocation-free throughout. It holds views into the headers
/// given to begin (keep them alive until finish) and copies of the keys'
/// prepared HMAC states, wiped when it is destroyed. Not copyable; one thread.
/// HMAC-SHA256 only: Ed25519 keys are left out (an Ed25519 signature covers
/// the whole message at once, and hooksig does no curve arithmetic of its
/// own to stream it); verify deliveries for them with verify() on the
/// buffered body.
class verification {
public:
    verification(const verification&) = delete;
    verification& operator=(const verification&) = delete;
    ~verification() { ct::wipe(outer_, sizeof outer_); }

    /// The failure decided from the headers alone, or empty while the delivery
    /// may still verify.
    const std::error_code& error() const noexcept { return early_; }

    /// Feeds the next `bytes` of the raw body. Does nothing after a failure.
    void update(std::string_view bytes) noexcept {
        if (early_ || finished_) return;
        for (std::size_t k = 0; k < keys_; ++k) engines_[k].update(bytes);
    }

    /// Ends the body and compares: success with the matching key's index (and,
    /// from a keyring, its id), or errc::no_matching_signature, or the failure
    /// error() holds. Call once; later calls return errc::invalid_argument.
    [[nodiscard]] keyring_verify_result finish() noexcept {
        keyring_verify_result result;
        result.timestamp = timestamp_;
        if (finished_) {
            result.error = errc::invalid_argument;
            return result;
        }
        finished_ = true;
        if (early_) {
            result.error = early_;
            return result;
        }
        result.error = errc::no_matching_signature;
        for (std::size_t k = 0; k < keys_; ++k) {
            for (std::size_t p = 0; p < suffix_count_; ++p) engines_[k].update(suffix_[p]);
            std::uint8_t tag[mac_size];
            engines_[k].finish_hmac(outer_[k], tag);
            if (algorithms::hmac_sha256::find(delivery_.signatures, tag)) {
                result.error = std::error_code();
                result.key_index = key_index_[k];
                if (has_ids_) std::memcpy(result.matched_id, ids_[k], key_id_size);
                return result;
            }
        }
        return result;
    }

    /// Internal: made by begin() (see verifier::begin).
    template <class Start>
    verification(detail::verification_start, Start&& start) noexcept {
        start(*this);
    }

    /// Internal, for begin(): the checks verify() makes before any MAC
    /// (detail::read_delivery, the same code); false (error() set) when the
    /// delivery cannot verify.
    template <class Scheme, class Headers>
    bool read_headers(const Scheme& scheme, const Headers& headers, unix_seconds now,
                      const verify_options& options) noexcept {
        const std::error_code bad =
            detail::read_delivery(scheme, headers, now, options, delivery_, timestamp_, delivered_at_);
        return bad ? fail(bad) : true;
    }

    /// Internal: the time keys must be active at besides now (the delivery's
    /// timestamp, or now for schemes without one).
    unix_seconds delivered_at() const noexcept { return delivered_at_; }

    /// Internal: drops the keys added so far (a keyring reader starting over).
    void clear_keys() noexcept {
        keys_ = 0;
        ct::wipe(outer_, sizeof outer_);
    }

    /// Internal: adds a key by its prepared states, with its index (and id).
    /// False when verification_max_keys are held already.
    bool add_key(const std::uint32_t inner[8], const std::uint32_t outer[8], std::size_t index,
                 const char* id = nullptr) noexcept {
        if (keys_ == verification_max_keys) return false;
        engines_[keys_].restart(inner, detail::sha256_block_size);
        std::memcpy(outer_[keys_], outer, sizeof outer_[keys_]);
        key_index_[keys_] = index;
        if (id != nullptr) {
            std::memcpy(ids_[keys_], id, key_id_size);
            has_ids_ = true;
        }
        ++keys_;
        return true;
    }

    /// Internal: with the keys added, feeds the signed content that precedes
    /// the body and keeps what follows it; errc::no_active_key without keys.
    template <class Scheme>
    void start_content(const Scheme& scheme) noexcept {
        if (keys_ == 0) {
            fail(errc::no_active_key);
            return;
        }
        detail::split_signed_content(
            scheme, delivery_,
            [this](std::string_view part) {
                for (std::size_t k = 0; k < keys_; ++k) engines_[k].update(part);
            },
            suffix_, suffix_count_);
    }

private:
    bool fail(std::error_code code) noexcept {
        early_ = code;
        return false;
    }

    delivery delivery_;
    std::error_code early_;
    unix_seconds timestamp_ = 0;
    unix_seconds delivered_at_ = 0;
    bool finished_ = false;
    bool has_ids_ = false;
    std::size_t keys_ = 0;
    detail::sha256_engine engines_[verification_max_keys];
    std::uint32_t outer_[verification_max_keys][8];
    std::size_t key_index_[verification_max_keys];
    char ids_[verification_max_keys][key_id_size];
    std::string_view suffix_[4];
    std::size_t suffix_count_ = 0;
};

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
    /// Prepares the keys: MAC secrets, and Ed25519 keys (`whpk_`, or `whsk_`
    /// through its public half) for schemes that carry Ed25519 signatures.
    /// Throws hooksig::error: errc::no_keys when `secrets` is empty or holds
    /// an empty secret; errc::unsupported_key for a key the scheme cannot carry.
    explicit verifier(const std::vector<secret>& secrets, verify_options options = {}, Scheme scheme = {},
                      Clock clock = {})
        : scheme_(std::move(scheme)), clock_(std::move(clock)), options_(options) {
        if (secrets.empty()) throw error(errc::no_keys);
        keys_.reserve(secrets.size());
        for (const secret& s : secrets) {
            if (s.empty()) throw error(errc::no_keys);
            if (!detail::scheme_supports(scheme_, s.algorithm())) throw error(errc::unsupported_key);
            keys_.emplace_back(s);
            if (!keys_.back().hmac) hmac_only_ = false;
        }
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
        if (hmac_only_) // the hot path: the keys' HMAC states directly
            detail::verify_delivery(scheme_, headers, body, now, options_, keys_.size(),
                                    [this](std::size_t i, unix_seconds) { return &*keys_[i].hmac; }, result);
        else
            detail::verify_delivery(scheme_, headers, body, now, options_, keys_.size(),
                                    [this](std::size_t i, unix_seconds) { return &keys_[i]; }, result);
        return result;
    }

    /// Starts a streaming verification of a delivery with these headers at the
    /// clock's now (see hooksig::verification): headers, timestamp and keys are
    /// checked before any body byte; feed the body with update(), then finish().
    /// Uses the first verification_max_keys keys. The headers (and this
    /// verifier) must outlive the result.
    template <class Headers>
    [[nodiscard]] verification begin(const Headers& headers) const noexcept {
        return begin(headers, clock_.now());
    }

    /// begin() as if the time were `now`.
    template <class Headers>
    [[nodiscard]] verification begin(const Headers& headers, unix_seconds now) const noexcept {
        return verification(detail::verification_start{}, [&](verification& v) noexcept {
            if (!v.read_headers(scheme_, headers, now, options_)) return;
            for (std::size_t i = 0; i < keys_.size(); ++i) {
                if (!keys_[i].hmac) continue; // Ed25519: verify() only
                if (!v.add_key(detail::hmac_key_states::inner(*keys_[i].hmac),
                               detail::hmac_key_states::outer(*keys_[i].hmac), i))
                    break;
            }
            v.start_content(scheme_);
        });
    }

    /// The scheme this verifier reads.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    Scheme scheme_;
    Clock clock_;
    verify_options options_;
    std::vector<detail::prepared_key> keys_;
    bool hmac_only_ = true; // every key is HMAC-SHA256 (the usual case)
};

} // namespace hooksig
