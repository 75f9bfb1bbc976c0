// hooksig — webhook signing and verification. MIT License.
#pragma once

/// What a wire scheme is, and the small types schemes share.
///
/// A scheme (Standard Webhooks, Stripe, GitHub, ...) is a small value type that
/// knows one provider's headers; hooksig::verifier and hooksig::signer do the
/// rest (clock, tolerance, keys, MACs, constant-time comparison). To support a
/// provider hooksig lacks, write a type with these members and pass it as the
/// Scheme template argument — nothing else in the library changes:
///
/// ```
/// struct my_scheme {
///     // Name shown in logs and accepted by the CLI's --scheme.
///     std::string_view name() const noexcept;
///     // Turns the configured secret text into a MAC key (secret::parse for
///     // `whsec_` base64 keys, secret::from_text for text keys).
///     std::error_code make_secret(std::string_view text, secret& out) const noexcept;
///     // Whether the signed content holds a message id / a timestamp; the
///     // signer fills them (generating an id, reading the clock) when true.
///     bool signs_id() const noexcept;
///     bool signs_timestamp() const noexcept;
///     // How many signatures one delivery's headers can carry (1 when the
///     // header has room for one; signers then use the primary key only).
///     std::size_t signatures_per_delivery() const noexcept;
///     // Reads a delivery's headers: id, timestamp text and value, and the
///     // decoded candidate MACs. Must not throw or allocate.
///     template <class Headers>
///     std::error_code parse(const Headers& headers, delivery& out) const noexcept;
///     // Calls f(parts...) with the signed content as string views (no copy).
///     template <class F>
///     void signed_content(const delivery& d, std::string_view body, F&& f) const noexcept;
///     // Builds the headers that carry `macs` for delivery `d` (signing side).
///     std::vector<header> format(const delivery& d, const signature_list& macs) const;
/// };
/// ```

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "../clock.hpp"
#include "../headers.hpp"
#include "../algorithms/algorithm.hpp"
#include "../algorithms/hmac_sha256.hpp"

namespace hooksig {

/// Most signature entries a delivery may carry. Rotation needs two or three;
/// the cap bounds the work an attacker can ask for (errc::too_many_signatures).
inline constexpr std::size_t max_signatures = 32;

/// Most keys one streaming verification or signature carries (verifier's
/// and signer's first eight; a keyring holds at most eight).
inline constexpr std::size_t verification_max_keys = 8;

/// Ed25519 verifications one delivery may cost unless verify_options says
/// otherwise: entries of the algorithm x keys checked. Two keys x two entries
/// (a rotation on both sides) fit; a hostile header of 32 entries does not.
inline constexpr std::size_t default_max_asymmetric_checks = 4;

/// Longest message id accepted on either side.
inline constexpr std::size_t message_id_max_size = 256;

/// Candidate signatures from a received header, or computed signatures to
/// send, each tagged with its algorithm. Fixed arrays, so parsing never
/// allocates.
///
/// Received entries are kept as text by add_encoded and decoded in order by
/// decode_through(), which the verifier calls as it compares them: parsing
/// stays a scan of the header, an entry is decoded only for deliveries whose
/// headers were all well-formed, and entries after the one that matches are
/// never decoded (bench/README.md has the measurement).
struct signature_list {
    /// A decoder for received text (base64_decode_public, hex_decode, ...).
    using decoder = std::error_code (*)(std::string_view, std::uint8_t*, std::size_t, std::size_t&) noexcept;

    std::uint8_t mac[max_signatures][max_signature_size]; ///< decoded signatures, `size` of them valid
    algorithm_id algorithm[max_signatures];               ///< the algorithm of each decoded signature
    std::size_t size = 0;                                 ///< number of decoded signatures held
    /// Asymmetric (Ed25519) verifications this delivery may still cost; the
    /// verifier sets it from verify_options, algorithms::ed25519 spends it.
    std::size_t asymmetric_checks_left = default_max_asymmetric_checks;

    /// Keeps one received HMAC-SHA256 entry for decoding with `decode` (see
    /// the overload below).
    template <class Decode>
    bool add_encoded(std::string_view text, Decode&& decode) noexcept {
        return add_encoded(algorithm_id::hmac_sha256, mac_size, text, decode);
    }

    /// Keeps one received entry of `algo`, whose signatures are `expected_size`
    /// bytes, for decoding with `decode`: a decoder (a noexcept function such
    /// as &base64_decode_public) is kept and called by decode_through(); any
    /// other callable decodes at once. An entry that does not decode to
    /// exactly `expected_size` bytes is dropped when decoded: it could never
    /// match. Returns false when the list is full (max_signatures entries
    /// added since it was created or last fully decoded).
    template <class Decode>
    bool add_encoded(algorithm_id algo, std::size_t expected_size, std::string_view text, Decode&& decode) noexcept {
        if (size + pending_ == max_signatures) return false;
        if constexpr (std::is_convertible_v<Decode, decoder>) {
            pending_data_[pending_] = text.data();
            pending_size_[pending_] = text.size();
            pending_decoder_[pending_] = decode;
            pending_algorithm_[pending_] = algo;
            pending_expected_[pending_] = static_cast<std::uint8_t>(expected_size);
            ++pending_;
        } else {
            std::size_t decoded = 0;
            if (!decode(text, mac[size], max_signature_size, decoded) && decoded == expected_size) {
                algorithm[size] = algo;
                ++size;
            }
        }
        return true;
    }

    /// Entries held, decoded or not.
    std::size_t candidates() const noexcept { return size + (pending_ - next_pending_); }

    /// Decodes kept entries, in the order they were added, until `mac[index]`
    /// holds a signature or none are left; an entry that does not decode to
    /// its algorithm's size is dropped. Each entry is decoded at most once.
    /// @return true when `mac[index]` is valid (index < size).
    bool decode_through(std::size_t index) noexcept {
        while (size <= index && next_pending_ < pending_) {
            std::size_t decoded = 0;
            const std::size_t at = next_pending_++;
            const std::string_view text(pending_data_[at], pending_size_[at]);
            if (!pending_decoder_[at](text, mac[size], max_signature_size, decoded) && decoded == pending_expected_[at]) {
                algorithm[size] = pending_algorithm_[at];
                ++size;
            }
        }
        if (next_pending_ == pending_) pending_ = next_pending_ = 0;
        return index < size;
    }

    /// Decodes every kept entry (see decode_through). Idempotent.
    void decode_pending() noexcept { (void)decode_through(max_signatures); }

private:
    // Written by add_encoded and read only below pending_: left uninitialized,
    // as `mac` is, so an empty list costs nothing to create.
    std::size_t pending_ = 0;      // entries kept by add_encoded
    std::size_t next_pending_ = 0; // the first of them not yet decoded
    const char* pending_data_[max_signatures];
    std::size_t pending_size_[max_signatures];
    decoder pending_decoder_[max_signatures];
    algorithm_id pending_algorithm_[max_signatures];
    std::uint8_t pending_expected_[max_signatures];
};

/// A delivery's signed fields, as a scheme reads them from headers (receiving)
/// or as a signer fills them (sending). Views point into the caller's headers.
struct delivery {
    std::string_view id;             ///< message id, for schemes that sign one
    std::string_view timestamp_text; ///< the timestamp exactly as signed
    unix_seconds timestamp = 0;      ///< its value, when has_timestamp
    bool has_timestamp = false;      ///< whether the scheme carries a timestamp
    signature_list signatures;       ///< candidate MACs (receiving)
};

namespace detail {

/// Whether a scheme has `static constexpr bool supports_algorithm(algorithm_id)`.
template <class Scheme, class = void>
struct declares_algorithms : std::false_type {};
template <class Scheme>
struct declares_algorithms<Scheme, std::void_t<decltype(Scheme::supports_algorithm(algorithm_id::hmac_sha256))>>
    : std::true_type {};

/// Whether `Scheme` carries signatures of `algorithm`: what its
/// supports_algorithm() says, else HMAC-SHA256 only (every provider scheme).
template <class Scheme>
constexpr bool scheme_supports(const Scheme&, algorithm_id algorithm) noexcept {
    if constexpr (declares_algorithms<Scheme>::value) return Scheme::supports_algorithm(algorithm);
    else return algorithm == algorithm_id::hmac_sha256;
}

/// For streaming (verification, signing): calls `prefix(part)` for each part
/// of `scheme`'s signed content before the body, and keeps the parts after
/// it in `suffix` (at most N). The body's place is found by a marker view
/// passed as the body.
template <class Scheme, std::size_t N, class Prefix>
void split_signed_content(const Scheme& scheme, const delivery& d, Prefix&& prefix, std::string_view (&suffix)[N],
                          std::size_t& suffix_count) noexcept {
    static constexpr char body_marker[1] = {0};
    const std::string_view marker(body_marker, 0);
    bool after_body = false;
    const auto one = [&](std::string_view part) {
        if (part.data() == marker.data() && part.empty()) after_body = true;
        else if (!after_body) prefix(part);
        else if (suffix_count < N) suffix[suffix_count++] = part;
    };
    scheme.signed_content(d, marker, [&](const auto&... parts) { (one(std::string_view(parts)), ...); });
}

} // namespace detail

/// True when `id` is a usable message id: 1..256 visible ASCII characters
/// (no spaces, controls, NUL or non-ASCII bytes).
HOOKSIG_ALWAYS_INLINE constexpr bool is_valid_message_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > message_id_max_size) return false;
    return detail::all_bytes_in_range(id, 0x21, 0x7E);
}

/// True when every byte of a header value is visible ASCII or a space.
HOOKSIG_ALWAYS_INLINE constexpr bool is_visible_ascii(std::string_view value) noexcept {
    return detail::all_bytes_in_range(value, 0x20, 0x7E);
}

/// What a scheme chosen by name may need besides its name.
struct scheme_config {
    std::optional<std::string> header_name; ///< raw-hex / raw-base64: the signature header (CLI --header-name)
    std::optional<std::string> url;         ///< square: the subscription's notification URL (CLI --url)
};

/// Why a scheme could not be chosen: `code` to switch on, `reason` a fixed
/// sentence for people (never holds configuration text).
struct scheme_choice_error {
    std::error_code code;    ///< empty on success; errc::invalid_argument otherwise
    std::string_view reason; ///< e.g. "unknown scheme"

    /// True when a scheme was chosen.
    explicit operator bool() const noexcept { return !code; }
};

} // namespace hooksig
