// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Sending side: sign a raw body for one wire scheme under one or more keys.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "clock.hpp"
#include "ct.hpp"
#include "detail/platform/botan.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "headers.hpp"
#include "algorithms/hmac_sha256.hpp"
#include "schemes/scheme.hpp"
#include "secret.hpp"
#include "timestamp.hpp"

namespace hooksig {

/// Per-delivery choices a sender may make; everything is optional.
struct sign_options {
    /// Message id (schemes that sign one). Empty: generate `msg_` + 32 random hex digits.
    std::string id;
    /// Timestamp to sign (schemes that sign one). Empty: the signer's clock.
    std::optional<unix_seconds> timestamp;
};

/// Makes a fresh message id: `msg_` + 32 hex digits (128 bits) from the OS RNG.
/// @return errc::rng_failure when the OS random generator fails.
[[nodiscard]] inline std::error_code generate_message_id(std::string& out) noexcept {
    try {
        std::uint8_t random[16];
        detail::platform::random_bytes(random, sizeof random);
        out = "msg_" + hex_encode(random, sizeof random);
        return {};
    } catch (...) {
        return errc::rng_failure;
    }
}

namespace detail {

/// The signing algorithm signer and keyring_signer share: fills the id and
/// timestamp (generating or reading `now` where the caller gave none), MACs the
/// signed content with each key `key_at(i, signed_at)` returns (nullptr: not
/// usable at that time), up to what the scheme's headers can carry, and formats
/// the headers. @return errc::no_active_key when no key is usable,
/// errc::invalid_argument for an unusable id or timestamp, errc::rng_failure.
template <class Scheme, class KeyAt>
std::error_code sign_delivery(const Scheme& scheme, std::string_view body, const sign_options& options,
                              unix_seconds now, std::size_t key_count, KeyAt&& key_at, std::vector<header>& out) {
    std::string id, timestamp_text;
    delivery d;
    if (scheme.signs_id()) {
        if (options.id.empty()) {
            if (const auto failed = generate_message_id(id)) return failed;
        } else {
            if (!is_valid_message_id(options.id)) return errc::invalid_argument;
            id = options.id;
        }
        d.id = id;
    }
    unix_seconds signed_at = now;
    if (scheme.signs_timestamp()) {
        d.timestamp = options.timestamp ? *options.timestamp : now;
        if (const auto failed = format_timestamp(d.timestamp, timestamp_text)) return failed;
        d.timestamp_text = timestamp_text;
        d.has_timestamp = true;
        signed_at = d.timestamp;
    }
    std::size_t limit = scheme.signatures_per_delivery();
    if (limit > max_signatures) limit = max_signatures;
    std::size_t count = 0;
    for (std::size_t k = 0; k < key_count && count < limit; ++k) {
        const hmac_key* key = key_at(k, signed_at);
        if (key == nullptr) continue;
        scheme.signed_content(d, body, [&](const auto&... parts) {
            algorithms::hmac_sha256::sign(*key, d.signatures.mac[count], parts...);
        });
        d.signatures.algorithm[count] = algorithms::hmac_sha256::id;
        ++count;
    }
    if (count == 0) return errc::no_active_key;
    d.signatures.size = count;
    out = scheme.format(d, d.signatures);
    ct::wipe(d.signatures.mac, sizeof d.signatures.mac);
    return {};
}

} // namespace detail

namespace detail {
struct signing_start {};
} // namespace detail

/// A signature in progress, for bodies produced in pieces: signer::begin and
/// keyring_signer::begin fix the id, the timestamp and the keys; update()
/// feeds the body; finish() writes the headers to send, as sign() would for
/// the whole body. error() is set when begin could not start (an unusable id
/// or timestamp, errc::rng_failure, errc::no_active_key); update() then does
/// nothing and finish() returns it. Holds copies of the keys' prepared states
/// (wiped when destroyed). Not copyable; one thread. Allocates only for the
/// id and timestamp text and for the headers finish() writes.
template <class Scheme>
class signing {
public:
    signing(const signing&) = delete;
    signing& operator=(const signing&) = delete;
    ~signing() { ct::wipe(outer_, sizeof outer_); }

    /// Why begin could not start, or empty.
    const std::error_code& error() const noexcept { return error_; }

    /// Feeds the next `bytes` of the raw body. Does nothing after a failure.
    void update(std::string_view bytes) noexcept {
        if (error_ || finished_) return;
        for (std::size_t k = 0; k < keys_; ++k) engines_[k].update(bytes);
    }

    /// Ends the body and writes the headers to send into `out`. Call once.
    /// @return the error begin found, or errc::invalid_argument when called twice.
    [[nodiscard]] std::error_code finish(std::vector<header>& out) {
        if (finished_) return errc::invalid_argument;
        finished_ = true;
        if (error_) return error_;
        for (std::size_t k = 0; k < keys_; ++k) {
            for (std::size_t p = 0; p < suffix_count_; ++p) engines_[k].update(suffix_[p]);
            engines_[k].finish_hmac(outer_[k], delivery_.signatures.mac[k]);
            delivery_.signatures.algorithm[k] = algorithms::hmac_sha256::id;
        }
        delivery_.signatures.size = keys_;
        out = scheme_.format(delivery_, delivery_.signatures);
        ct::wipe(delivery_.signatures.mac, sizeof delivery_.signatures.mac);
        return {};
    }

    /// Internal: made by begin() (see signer::begin).
    template <class Start>
    signing(detail::signing_start, const Scheme& scheme, Start&& start) : scheme_(scheme) {
        start(*this);
    }

    /// Internal, for begin(): fixes the id and timestamp as sign() does; the
    /// keys are then to be active at signed_at(). False (error() set) on failure.
    bool fix_fields(const sign_options& options, unix_seconds now) {
        signed_at_ = now;
        if (scheme_.signs_id()) {
            if (options.id.empty()) {
                if (const auto failed = generate_message_id(id_)) return fail(failed);
            } else {
                if (!is_valid_message_id(options.id)) return fail(errc::invalid_argument);
                id_ = options.id;
            }
            delivery_.id = id_;
        }
        if (scheme_.signs_timestamp()) {
            delivery_.timestamp = options.timestamp ? *options.timestamp : now;
            if (const auto failed = format_timestamp(delivery_.timestamp, timestamp_text_)) return fail(failed);
            delivery_.timestamp_text = timestamp_text_;
            delivery_.has_timestamp = true;
            signed_at_ = delivery_.timestamp;
        }
        return true;
    }

    /// Internal: the time keys must be active at (the signed timestamp, or now).
    unix_seconds signed_at() const noexcept { return signed_at_; }

    /// Internal: adds a key while the scheme has room for another signature.
    void add_key(const hmac_key& key) noexcept {
        std::size_t limit = scheme_.signatures_per_delivery();
        if (limit > max_signatures) limit = max_signatures;
        if (keys_ >= limit || keys_ == verification_max_keys) return;
        engines_[keys_].restart(detail::hmac_key_states::inner(key), detail::sha256_block_size);
        std::memcpy(outer_[keys_], detail::hmac_key_states::outer(key), sizeof outer_[keys_]);
        ++keys_;
    }

    /// Internal: with the keys added, feeds the signed content that precedes
    /// the body and keeps what follows it; errc::no_active_key without keys.
    void start_content() noexcept {
        if (keys_ == 0) {
            fail(errc::no_active_key);
            return;
        }
        detail::split_signed_content(
            scheme_, delivery_,
            [this](std::string_view part) {
                for (std::size_t k = 0; k < keys_; ++k) engines_[k].update(part);
            },
            suffix_, suffix_count_);
    }

private:
    bool fail(std::error_code code) noexcept {
        error_ = code;
        return false;
    }

    Scheme scheme_;
    std::string id_, timestamp_text_;
    delivery delivery_;
    std::error_code error_;
    unix_seconds signed_at_ = 0;
    bool finished_ = false;
    std::size_t keys_ = 0;
    detail::sha256_engine engines_[verification_max_keys];
    std::uint32_t outer_[verification_max_keys][8];
    std::string_view suffix_[4];
    std::size_t suffix_count_ = 0;
};

/// Signs deliveries of one wire scheme. With several keys (a rotation's grace
/// period) schemes that carry several signatures get one per key, primary
/// first; schemes with room for one use the first key.
template <class Scheme, class Clock = wall_clock>
class signer {
public:
    /// Prepares the keys. Throws hooksig::error(errc::no_keys) when `secrets` is
    /// empty or holds an empty secret.
    explicit signer(const std::vector<secret>& secrets, Scheme scheme = {}, Clock clock = {})
        : scheme_(std::move(scheme)), clock_(std::move(clock)) {
        if (secrets.empty()) throw error(errc::no_keys);
        keys_.reserve(secrets.size());
        for (const secret& s : secrets) {
            if (s.empty()) throw error(errc::no_keys);
            keys_.emplace_back(s.key_data(), s.key_size());
        }
    }

    /// Signs `body` (raw bytes) and writes the headers to send.
    /// @return errc::invalid_argument for an unusable id or timestamp, errc::rng_failure.
    [[nodiscard]] std::error_code sign(std::string_view body, const sign_options& options,
                                       std::vector<header>& out) const {
        return detail::sign_delivery(scheme_, body, options, clock_.now(), keys_.size(),
                                     [this](std::size_t i, unix_seconds) { return &keys_[i]; }, out);
    }

    /// Throwing form of sign(), for code that prefers exceptions.
    std::vector<header> sign(std::string_view body, const sign_options& options = {}) const {
        std::vector<header> out;
        detail::throw_if(sign(body, options, out));
        return out;
    }

    /// Starts signing a body produced in pieces (see hooksig::signing), with
    /// the keys sign() would use.
    [[nodiscard]] signing<Scheme> begin(const sign_options& options = {}) const {
        return signing<Scheme>(detail::signing_start{}, scheme_, [&](signing<Scheme>& s) {
            if (!s.fix_fields(options, clock_.now())) return;
            for (const hmac_key& key : keys_) s.add_key(key);
            s.start_content();
        });
    }

    /// The scheme this signer writes.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    Scheme scheme_;
    Clock clock_;
    std::vector<hmac_key> keys_;
};

} // namespace hooksig
