// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Sending side: sign a raw body for one wire scheme under one or more keys.

#include <cstdint>
#include <memory>
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
#include "algorithms/ed25519.hpp"
#include "algorithms/hmac_sha256.hpp"
#include "detail/prepared_key.hpp"
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

/// Whether `key` can sign for `scheme` (a secret key of an algorithm the scheme carries).
template <class Scheme>
bool signs_for(const Scheme& scheme, const prepared_key& key) noexcept {
    return key.can_sign() && scheme_supports(scheme, key.algorithm());
}

/// The signing algorithm signer and keyring_signer share: fills the id and
/// timestamp (generating or reading `now` where the caller gave none), signs
/// the signed content with each key `key_at(i, signed_at)` returns (nullptr:
/// not usable at that time; keys that cannot sign for the scheme are
/// skipped), up to what the scheme's headers can carry, and formats the
/// headers. @return errc::no_active_key when no key is usable,
/// errc::invalid_argument for an unusable id or timestamp, errc::rng_failure.
/// Throws std::bad_alloc.
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
        const prepared_key* key = key_at(k, signed_at);
        if (key == nullptr || !signs_for(scheme, *key)) continue;
        scheme.signed_content(d, body, [&](const auto&... parts) {
            if (key->hmac) algorithms::hmac_sha256::sign(*key->hmac, d.signatures.mac[count], parts...);
            else algorithms::ed25519::sign(*key->ed25519_secret, d.signatures.mac[count], parts...);
        });
        d.signatures.algorithm[count] = key->algorithm();
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
/// id and timestamp text and for the headers finish() writes — and, with an
/// Ed25519 key, for the body, which an Ed25519 signature covers at once.
template <class Scheme>
class signing {
public:
    signing(const signing&) = delete;
    signing& operator=(const signing&) = delete;
    ~signing() { ct::wipe(outer_, sizeof outer_); }

    /// Why begin could not start, or empty.
    const std::error_code& error() const noexcept { return error_; }

    /// Feeds the next `bytes` of the raw body. Does nothing after a failure;
    /// fails (std::errc::not_enough_memory) when an Ed25519 key's copy of the
    /// body cannot grow.
    void update(std::string_view bytes) noexcept {
        if (error_ || finished_) return;
        for (std::size_t k = 0; k < keys_; ++k)
            if (ed25519_[k] == nullptr) engines_[k].update(bytes);
        if (has_ed25519_) {
            try {
                body_.append(bytes.data(), bytes.size());
            } catch (...) {
                fail(std::make_error_code(std::errc::not_enough_memory));
            }
        }
    }

    /// Ends the body and writes the headers to send into `out`. Call once.
    /// @return the error begin or update found, or errc::invalid_argument when
    ///         called twice. Throws std::bad_alloc.
    [[nodiscard]] std::error_code finish(std::vector<header>& out) {
        if (finished_) return errc::invalid_argument;
        finished_ = true;
        if (error_) return error_;
        std::string message; // the whole signed content, for Ed25519 keys
        if (has_ed25519_) {
            for (std::size_t p = 0; p < prefix_count_; ++p) message.append(prefix_[p]);
            message.append(body_);
            for (std::size_t p = 0; p < suffix_count_; ++p) message.append(suffix_[p]);
        }
        for (std::size_t k = 0; k < keys_; ++k) {
            if (ed25519_[k] != nullptr) {
                algorithms::ed25519::sign(*ed25519_[k], delivery_.signatures.mac[k], std::string_view(message));
                delivery_.signatures.algorithm[k] = algorithms::ed25519::id;
                continue;
            }
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

    /// Internal: adds a key while the scheme has room for another signature
    /// (keys that cannot sign for the scheme are skipped). An Ed25519 key is
    /// used by reference: its owner must outlive this object (keep_alive).
    void add_key(const detail::prepared_key& key) noexcept {
        std::size_t limit = scheme_.signatures_per_delivery();
        if (limit > max_signatures) limit = max_signatures;
        if (keys_ >= limit || keys_ == verification_max_keys || !detail::signs_for(scheme_, key)) return;
        ed25519_[keys_] = nullptr;
        if (key.hmac) {
            engines_[keys_].restart(detail::hmac_key_states::inner(*key.hmac), detail::sha256_block_size);
            std::memcpy(outer_[keys_], detail::hmac_key_states::outer(*key.hmac), sizeof outer_[keys_]);
        } else {
            ed25519_[keys_] = &*key.ed25519_secret;
            has_ed25519_ = true;
        }
        ++keys_;
    }

    /// Internal: keeps `owner` (a keyring snapshot) alive while this object
    /// points to its Ed25519 keys.
    void keep_alive(std::shared_ptr<const void> owner) noexcept { owner_ = std::move(owner); }

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
                for (std::size_t k = 0; k < keys_; ++k)
                    if (ed25519_[k] == nullptr) engines_[k].update(part);
                if (prefix_count_ < 4) prefix_[prefix_count_++] = part;
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
    // Ed25519 keys sign the whole content: its parts and a copy of the body.
    const ed25519_secret_key* ed25519_[verification_max_keys] = {};
    bool has_ed25519_ = false;
    std::string_view prefix_[4];
    std::size_t prefix_count_ = 0;
    std::string body_;
    std::shared_ptr<const void> owner_;
};

/// Signs deliveries of one wire scheme. With several keys (a rotation's grace
/// period) schemes that carry several signatures get one per key, primary
/// first; schemes with room for one use the first key.
template <class Scheme, class Clock = wall_clock>
class signer {
public:
    /// Prepares the keys: MAC secrets, and `whsk_` Ed25519 keys for schemes
    /// that carry Ed25519 signatures (`v1a`). Throws hooksig::error:
    /// errc::no_keys when `secrets` is empty or holds an empty secret;
    /// errc::key_cannot_sign for a public key; errc::unsupported_key for a key
    /// the scheme cannot carry.
    explicit signer(const std::vector<secret>& secrets, Scheme scheme = {}, Clock clock = {})
        : scheme_(std::move(scheme)), clock_(std::move(clock)) {
        if (secrets.empty()) throw error(errc::no_keys);
        keys_.reserve(secrets.size());
        for (const secret& s : secrets) {
            if (s.empty()) throw error(errc::no_keys);
            if (!s.can_sign()) throw error(errc::key_cannot_sign);
            if (!detail::scheme_supports(scheme_, s.algorithm())) throw error(errc::unsupported_key);
            keys_.emplace_back(s);
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
            for (const detail::prepared_key& key : keys_) s.add_key(key);
            s.start_content();
        });
    }

    /// The scheme this signer writes.
    const Scheme& scheme() const noexcept { return scheme_; }

private:
    Scheme scheme_;
    Clock clock_;
    std::vector<detail::prepared_key> keys_;
};

} // namespace hooksig
