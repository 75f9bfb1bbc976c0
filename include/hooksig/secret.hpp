// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Webhook secrets: the `whsec_` format of Standard Webhooks (generate, parse
/// strictly, redact) and plain text secrets as Stripe, GitHub, Slack or Shopify
/// hand them out. Secret bytes live only in zeroizing memory.

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include "ct.hpp"
#include "detail/platform/botan.hpp"
#include "detail/ctgrind.hpp"
#include "encoding.hpp"
#include "error.hpp"
#include "algorithms/hmac_sha256.hpp"

namespace hooksig {

/// Prefix of the Standard Webhooks secret text.
inline constexpr std::string_view secret_prefix = "whsec_";
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

/// A webhook signing secret: the MAC key bytes, in zeroizing memory.
///
/// Two kinds exist because providers disagree: a `whsec_` secret (Standard
/// Webhooks, Svix) keys the MAC with the base64-decoded bytes after the prefix;
/// a text secret (Stripe, GitHub, Slack, Shopify, raw-body HMAC) keys it with the
/// text itself, `whsec_` included where Stripe's has one.
///
/// There is no operator<< and no conversion to a string: use redacted() in logs
/// and expose() only where the whole secret must be shown once.
class secret {
public:
    /// How the key bytes relate to the secret's text.
    enum class kind { whsec, text };

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

    /// Parses a Standard Webhooks secret strictly: `whsec_` followed by canonical
    /// padded standard base64 of 24..64 bytes.
    ///
    /// Like the Standard Webhooks and Svix libraries, a bare base64 secret (no
    /// prefix) is accepted: those libraries accept it, and dashboards show both
    /// spellings. Any other prefix (text before an underscore, such as `WHSEC_`
    /// or `whsk_`) is rejected rather than guessed at.
    /// @return errc::invalid_secret_prefix, errc::invalid_secret_encoding or
    ///         errc::invalid_secret_length. Messages never hold the secret.
    [[nodiscard]] static std::error_code parse(std::string_view text, secret& out) noexcept {
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

    /// True when the secret holds no key (default-constructed or moved from).
    bool empty() const noexcept { return key_.empty(); }
    /// Whether the key is decoded from `whsec_` text or is the text itself.
    kind key_kind() const noexcept { return kind_; }
    /// The MAC key bytes (secret). Prefer hmac_key / verifiers over reading them.
    const std::uint8_t* key_data() const noexcept { return key_.data(); }
    /// Number of MAC key bytes.
    std::size_t key_size() const noexcept { return key_.size(); }

    /// A form safe for logs: `whsec_…` plus the text's last four characters, as
    /// providers show `signing_secret_last4`. Text secrets shorter than 16
    /// characters show no characters at all. Allocates.
    std::string redacted() const {
        std::string shown = kind_ == kind::whsec ? std::string(secret_prefix) : std::string();
        shown += "\xE2\x80\xA6"; // U+2026 HORIZONTAL ELLIPSIS
        if (last4_size_ != 0) shown.append(last4_, last4_size_);
        return shown;
    }

    /// A short, stable, non-secret identifier of this key: 12 hex characters of
    /// HMAC-SHA256(key, "hooksig key id v1"). Two parties can compare which key
    /// they hold without revealing it. Allocates.
    std::string key_id() const {
        std::uint8_t tag[mac_size];
        hmac_key(key_.data(), key_.size()).mac(tag, std::string_view("hooksig key id v1"));
        std::string id = hex_encode(tag, 6);
        ct::wipe(tag, sizeof tag);
        return id;
    }

    /// The whole secret text (`whsec_` + base64 for whsec secrets, the text
    /// itself for text secrets), in memory that is wiped when the result is
    /// destroyed. Call only to show or store a secret once.
    exposed_secret expose() const {
        exposed_secret out;
        if (kind_ == kind::whsec) {
            out.text_.resize(secret_prefix.size() + base64_encoded_size(key_.size()));
            std::copy(secret_prefix.begin(), secret_prefix.end(), out.text_.begin());
            base64_encode(key_.data(), key_.size(), out.text_.data() + secret_prefix.size());
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
    void remember_last4() noexcept {
        last4_size_ = 0;
        if (kind_ == kind::whsec) {
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
