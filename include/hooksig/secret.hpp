// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Webhook secrets: the `whsec_` format of Standard Webhooks (generate, parse
/// strictly, redact) and plain text secrets as Stripe, GitHub, Slack or Shopify
/// hand them out. Secret bytes live only in zeroizing memory.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include "ct.hpp"
#include "detail/platform/botan.hpp"
#include "detail/ctgrind.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "algorithms/ed25519.hpp"
#include "algorithms/hmac_sha256.hpp"

namespace hooksig {

/// Prefix of the Standard Webhooks secret text.
inline constexpr std::string_view secret_prefix = "whsec_";
/// Prefix of a Standard Webhooks Ed25519 secret key (`v1a` signing).
inline constexpr std::string_view ed25519_secret_prefix = "whsk_";
/// Prefix of a Standard Webhooks Ed25519 public key (`v1a` verifying).
inline constexpr std::string_view ed25519_public_prefix = "whpk_";
/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), which some
/// `whpk_` keys carry before the 32 key bytes.
inline constexpr std::uint8_t ed25519_spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                         0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
/// Fewest random bytes a `whsec_` secret may hold (Standard Webhooks: at least 192 bits).
inline constexpr std::size_t secret_min_bytes = 24;
/// Most random bytes a `whsec_` secret may hold (Standard Webhooks: at most 512 bits).
inline constexpr std::size_t secret_max_bytes = 64;
/// Random bytes in a generated secret unless the caller asks otherwise.
inline constexpr std::size_t secret_default_bytes = 32;
/// Longest text secret accepted by secret::from_text (bounds configuration mistakes).
inline constexpr std::size_t text_secret_max_size = 1024;

/// The full text of a secret, for the one moment it must be shown or stored
/// (`hooksig secret`, a keyring file). Wiped when destroyed; not printable by
/// accident: there is no stream operator, only view().
class exposed_secret {
public:
    /// The text. Valid while this object lives.
    std::string_view view() const noexcept { return {text_.data(), text_.size()}; }

private:
    friend class secret;
    secure_vector<char> text_;
};

/// A webhook key: a MAC secret or an Ed25519 key, its bytes in zeroizing memory.
///
/// MAC secrets come in two kinds because providers disagree: a `whsec_`
/// secret (Standard Webhooks, Svix) keys the MAC with the base64-decoded bytes
/// after the prefix; a text secret (Stripe, GitHub, Slack, Shopify, raw-body
/// HMAC) keys it with the text itself, `whsec_` included where Stripe's has one.
/// Ed25519 keys (Standard Webhooks `v1a`, Discord) are a `whsk_` secret key,
/// which signs (and verifies, through its public half), or a `whpk_` public
/// key, which only verifies.
///
/// There is no operator<< and no conversion to a string: use redacted() in logs
/// and expose() only where the whole secret must be shown once.
class secret {
public:
    /// How the key bytes relate to the secret's text.
    enum class kind {
        whsec,          ///< `whsec_` + base64: HMAC-SHA256 key bytes
        text,           ///< the text is the HMAC-SHA256 key
        ed25519_secret, ///< `whsk_` + base64: Ed25519 seed then public key (64 bytes held)
        ed25519_public, ///< `whpk_` + base64: Ed25519 public key (32 bytes held)
    };

    /// An empty secret (no key); parse, from_text or generate fill one.
    secret() = default;

    /// Makes a new `whsec_` secret of `bytes` random bytes from the operating
    /// system's CSPRNG (through the crypto platform: Botan's system_rng).
    /// @return errc::invalid_secret_length unless 24 <= bytes <= 64; errc::rng_failure.
    [[nodiscard]] static std::error_code generate(secret& out, std::size_t bytes = secret_default_bytes) noexcept {
        if (bytes < secret_min_bytes || bytes > secret_max_bytes) return errc::invalid_secret_length;
        try {
            secret made;
            made.key_.resize(bytes);
            detail::platform::random_bytes(made.key_.data(), made.key_.size());
            made.kind_ = kind::whsec;
            made.remember_last4();
            out = std::move(made);
            return {};
        } catch (const std::bad_alloc&) {
            return std::make_error_code(std::errc::not_enough_memory);
        } catch (...) {
            return errc::rng_failure;
        }
    }

    /// Throwing form of generate(secret&, size_t), for setup code.
    static secret generate(std::size_t bytes = secret_default_bytes) {
        secret made;
        detail::throw_if(generate(made, bytes));
        return made;
    }

    /// Makes a new Ed25519 secret key (`whsk_`) from a seed of the operating
    /// system's CSPRNG. @return errc::rng_failure, std::errc::not_enough_memory.
    [[nodiscard]] static std::error_code generate_ed25519(secret& out) noexcept {
        ed25519_secret_key key;
        if (const std::error_code failed = ed25519_secret_key::generate(key)) return failed;
        return from_ed25519(key, out);
    }

    /// Throwing form of generate_ed25519(secret&), for setup code.
    static secret generate_ed25519() {
        secret made;
        detail::throw_if(generate_ed25519(made));
        return made;
    }

    /// Parses a Standard Webhooks key strictly. Three forms, each its prefix
    /// followed by canonical padded standard base64:
    /// - `whsec_`: an HMAC-SHA256 secret of 24..64 bytes;
    /// - `whsk_`: an Ed25519 secret key, a 32-byte seed or 64 bytes of seed
    ///   then public key (svix-server's form), whose public half must be the
    ///   seed's (errc::key_pair_mismatch);
    /// - `whpk_`: an Ed25519 public key, 32 raw bytes or the 44-byte DER
    ///   SubjectPublicKeyInfo (`302a300506032b6570032100` then the key);
    ///   small-order and non-canonical points are refused (errc::weak_public_key).
    ///
    /// Like the Standard Webhooks and Svix libraries, a bare base64 secret (no
    /// prefix) is accepted as `whsec_`: those libraries accept it, and
    /// dashboards show both spellings. Any other prefix (text before an
    /// underscore, such as `WHSEC_`) is rejected rather than guessed at.
    /// @return errc::invalid_secret_prefix, errc::invalid_secret_encoding,
    ///         errc::invalid_secret_length, errc::key_pair_mismatch,
    ///         errc::weak_public_key. Messages never hold the secret.
    [[nodiscard]] static std::error_code parse(std::string_view text, secret& out) noexcept {
        if (text.substr(0, ed25519_secret_prefix.size()) == ed25519_secret_prefix)
            return parse_ed25519_secret(text.substr(ed25519_secret_prefix.size()), out);
        if (text.substr(0, ed25519_public_prefix.size()) == ed25519_public_prefix)
            return parse_ed25519_public(text.substr(ed25519_public_prefix.size()), out);
        if (text.substr(0, secret_prefix.size()) == secret_prefix) {
            text.remove_prefix(secret_prefix.size());
        } else if (text.find('_') != std::string_view::npos) {
            return errc::invalid_secret_prefix;
        }
        // Length check first, on the public length only.
        if (text.size() % 4 != 0) return errc::invalid_secret_encoding;
        const std::size_t max_text = base64_encoded_size(secret_max_bytes);
        if (text.size() > max_text) return errc::invalid_secret_length;
        try {
            secret made;
            made.key_.resize(max_text / 4 * 3);
            std::size_t size = 0;
            if (base64_decode(text, made.key_.data(), made.key_.size(), size)) return errc::invalid_secret_encoding;
            if (size < secret_min_bytes || size > secret_max_bytes) return errc::invalid_secret_length;
            made.key_.resize(size);
            made.kind_ = kind::whsec;
            made.remember_last4();
            out = std::move(made);
            return {};
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    /// Throwing form of parse(std::string_view, secret&), for setup code.
    static secret parse(std::string_view text) {
        secret made;
        detail::throw_if(parse(text, made));
        return made;
    }

    /// Makes a text secret: the key is the text's bytes as given (Stripe's
    /// `whsec_...` string, a GitHub or Shopify secret, a Slack signing secret).
    /// @return errc::invalid_secret_length if empty or longer than 1024 bytes.
    [[nodiscard]] static std::error_code from_text(std::string_view text, secret& out) noexcept {
        if (text.empty() || text.size() > text_secret_max_size) return errc::invalid_secret_length;
        try {
            secret made;
            made.key_.assign(text.begin(), text.end());
            made.kind_ = kind::text;
            made.remember_last4();
            out = std::move(made);
            return {};
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    /// Throwing form of from_text(std::string_view, secret&), for setup code.
    static secret from_text(std::string_view text) {
        secret made;
        detail::throw_if(from_text(text, made));
        return made;
    }

    /// Makes an Ed25519 public key (`whpk_`) from 32 raw bytes, as Discord's
    /// developer portal shows them (in hex).
    /// @return errc::invalid_secret_length, errc::weak_public_key.
    [[nodiscard]] static std::error_code from_ed25519_public(const std::uint8_t* bytes, std::size_t size,
                                                             secret& out) noexcept {
        ed25519_public_key key;
        if (const std::error_code bad = ed25519_public_key::make(bytes, size, key)) return bad;
        try {
            secret made;
            made.key_.assign(key.data(), key.data() + ed25519_public_key_size);
            made.kind_ = kind::ed25519_public;
            made.remember_last4();
            out = std::move(made);
            return {};
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    /// True when the secret holds no key (default-constructed or moved from).
    bool empty() const noexcept { return key_.empty(); }
    /// What the key is (see kind).
    kind key_kind() const noexcept { return kind_; }
    /// The signature algorithm the key belongs to.
    algorithm_id algorithm() const noexcept {
        return kind_ == kind::ed25519_secret || kind_ == kind::ed25519_public ? algorithm_id::ed25519
                                                                                : algorithm_id::hmac_sha256;
    }
    /// True for a key that can sign (every kind but `whpk_`).
    bool can_sign() const noexcept { return kind_ != kind::ed25519_public; }
    /// The key bytes (secret): the MAC key; for `whsk_` the seed then the
    /// public key; for `whpk_` the public key. Prefer verifiers over reading them.
    const std::uint8_t* key_data() const noexcept { return key_.data(); }
    /// Number of key bytes.
    std::size_t key_size() const noexcept { return key_.size(); }

    /// The `whpk_` public key of an Ed25519 key (itself for a `whpk_`).
    /// @return errc::unsupported_key for a MAC secret or an empty one.
    [[nodiscard]] std::error_code public_key(secret& out) const noexcept {
        if (kind_ == kind::ed25519_public) {
            try {
                out = *this;
                return {};
            } catch (...) {
                return std::make_error_code(std::errc::not_enough_memory);
            }
        }
        if (kind_ != kind::ed25519_secret || key_.size() != 64) return errc::unsupported_key;
        return from_ed25519_public(key_.data() + ed25519_seed_size, ed25519_public_key_size, out);
    }

    /// Throwing form of public_key(secret&).
    secret public_key() const {
        secret made;
        detail::throw_if(public_key(made));
        return made;
    }

    /// A form safe for logs: the prefix (`whsec_`, `whsk_`, `whpk_`), `…` and
    /// the text's last four characters, as providers show
    /// `signing_secret_last4`. Text secrets shorter than 16 characters show no
    /// characters at all. Allocates.
    std::string redacted() const {
        std::string shown(prefix());
        shown += "\xE2\x80\xA6"; // U+2026 HORIZONTAL ELLIPSIS
        if (last4_size_ != 0) shown.append(last4_, last4_size_);
        return shown;
    }

    /// A short, stable, non-secret identifier of this key: 12 hex characters of
    /// HMAC-SHA256(key, "hooksig key id v1"). Two parties can compare which key
    /// they hold without revealing it. An Ed25519 key is named by its public
    /// key, so a `whsk_` and its `whpk_` share their id. Allocates.
    std::string key_id() const {
        std::uint8_t tag[mac_size];
        const bool ed_secret = kind_ == kind::ed25519_secret && key_.size() == 64;
        const std::uint8_t* named = ed_secret ? key_.data() + ed25519_seed_size : key_.data();
        const std::size_t named_size = ed_secret ? ed25519_public_key_size : key_.size();
        hmac_key(named, named_size).mac(tag, std::string_view("hooksig key id v1"));
        std::string id = hex_encode(tag, 6);
        ct::wipe(tag, sizeof tag);
        return id;
    }

    /// The whole secret text (`whsec_` + base64 for whsec secrets, the text
    /// itself for text secrets), in memory that is wiped when the result is
    /// destroyed. Call only to show or store a secret once.
    exposed_secret expose() const {
        exposed_secret out;
        if (kind_ != kind::text) {
            const std::string_view shown = prefix();
            out.text_.resize(shown.size() + base64_encoded_size(key_.size()));
            std::copy(shown.begin(), shown.end(), out.text_.begin());
            base64_encode(key_.data(), key_.size(), out.text_.data() + shown.size());
        } else {
            out.text_.assign(key_.begin(), key_.end());
        }
        return out;
    }

    /// Constant-time equality of the key bytes (lengths are public). The
    /// answer itself is public (callers branch on it, e.g. duplicate checks),
    /// so it is declassified for the constant-time test.
    friend bool operator==(const secret& a, const secret& b) noexcept {
        return a.kind_ == b.kind_ && a.key_.size() == b.key_.size() &&
               detail::ctgrind::declassify(ct::equal(a.key_.data(), b.key_.data(), a.key_.size()));
    }
    /// Negation of operator==.
    friend bool operator!=(const secret& a, const secret& b) noexcept { return !(a == b); }

private:
    /// The text's prefix for this kind (empty for text secrets).
    std::string_view prefix() const noexcept {
        switch (kind_) {
        case kind::whsec: return secret_prefix;
        case kind::ed25519_secret: return ed25519_secret_prefix;
        case kind::ed25519_public: return ed25519_public_prefix;
        case kind::text: break;
        }
        return {};
    }

    /// Decodes canonical padded base64 of at most `max_bytes` into `bytes`.
    static std::error_code decode_key_text(std::string_view text, std::size_t max_bytes,
                                           secure_vector<std::uint8_t>& bytes) {
        if (text.size() % 4 != 0) return errc::invalid_secret_encoding;
        if (text.size() > base64_encoded_size(max_bytes)) return errc::invalid_secret_length;
        bytes.resize(base64_encoded_size(max_bytes) / 4 * 3);
        std::size_t size = 0;
        if (base64_decode(text, bytes.data(), bytes.size(), size)) return errc::invalid_secret_encoding;
        bytes.resize(size);
        return {};
    }

    /// A `whsk_` secret holding `key`'s seed and public key.
    static std::error_code from_ed25519(const ed25519_secret_key& key, secret& out) noexcept {
        try {
            secret made;
            made.key_.assign(key.seed_and_public(), key.seed_and_public() + ed25519_seed_size + ed25519_public_key_size);
            made.kind_ = kind::ed25519_secret;
            made.remember_last4();
            out = std::move(made);
            return {};
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    /// `whsk_` text after the prefix (see parse).
    static std::error_code parse_ed25519_secret(std::string_view text, secret& out) noexcept {
        try {
            secure_vector<std::uint8_t> bytes;
            if (const std::error_code bad = decode_key_text(text, 64, bytes)) return bad;
            ed25519_secret_key key;
            if (const std::error_code bad = ed25519_secret_key::from_bytes(bytes.data(), bytes.size(), key)) return bad;
            return from_ed25519(key, out);
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    /// `whpk_` text after the prefix (see parse).
    static std::error_code parse_ed25519_public(std::string_view text, secret& out) noexcept {
        try {
            secure_vector<std::uint8_t> bytes;
            if (const std::error_code bad = decode_key_text(text, 44, bytes)) return bad;
            if (bytes.size() == 44) {
                if (std::memcmp(bytes.data(), ed25519_spki_prefix, sizeof ed25519_spki_prefix) != 0)
                    return errc::invalid_secret_encoding;
                return from_ed25519_public(bytes.data() + 12, 32, out);
            }
            return from_ed25519_public(bytes.data(), bytes.size(), out);
        } catch (...) {
            return std::make_error_code(std::errc::not_enough_memory);
        }
    }

    void remember_last4() noexcept {
        last4_size_ = 0;
        if (kind_ != kind::text) {
            // The last four characters of the base64 text are its last quantum:
            // encode the final 1..3 key bytes only.
            const std::size_t tail = key_.size() % 3 == 0 ? 3 : key_.size() % 3;
            base64_encode(key_.data() + key_.size() - tail, tail, last4_);
            last4_size_ = 4;
        } else if (key_.size() >= 16) {
            std::copy(key_.end() - 4, key_.end(), last4_);
            last4_size_ = 4;
        }
    }

    secure_vector<std::uint8_t> key_;
    kind kind_ = kind::whsec;
    char last4_[4] = {};
    std::size_t last4_size_ = 0;
};

} // namespace hooksig
