// hooksig — webhook signing and verification. MIT License.
#pragma once

#include <string>
#include <system_error>

namespace hooksig {

/// Every way an operation of hooksig can fail. Values start at 1, like std::errc,
/// so a default-constructed std::error_code never means a hooksig error.
/// Messages (hooksig::error_category) are fixed strings: they never hold secret,
/// signature or body bytes.
enum class errc {
    missing_header = 1,      ///< a required header is absent
    malformed_header,        ///< a header is present but empty, repeated, or holds bytes it may not
    header_too_large,        ///< a header exceeds its length cap (bounds the work per delivery)
    invalid_timestamp,       ///< the timestamp is not canonical decimal Unix seconds
    timestamp_too_old,       ///< the timestamp is older than the tolerance allows
    timestamp_too_new,       ///< the timestamp is further in the future than the tolerance allows
    too_many_signatures,     ///< the signature header lists more entries than max_signatures
    no_matching_signature,   ///< no signature entry matches any key
    invalid_secret_prefix,   ///< the secret has a prefix other than "whsec_"
    invalid_secret_encoding, ///< the secret is not canonical, padded, standard base64
    invalid_secret_length,   ///< the secret decodes to fewer than 24 or more than 64 bytes
    invalid_encoding,        ///< a base64 or hex string is not canonical
    buffer_too_small,        ///< an output buffer cannot hold the result
    invalid_argument,        ///< a caller-supplied value is out of range (not untrusted input)
    no_keys,                 ///< a signer or verifier was given no usable key
    no_active_key,           ///< no key is active at the delivery's timestamp and now
    rng_failure,             ///< the operating system's random generator failed
    store_unavailable,       ///< the replay store cannot be reached (connection lost, refused, timed out)
    store_error,             ///< the replay store answered with an error (e.g. Redis OOM, NOAUTH, READONLY)
    duplicate_key,           ///< the keyring holds this secret already
    keyring_full,            ///< the keyring would hold more than keyring_max_keys live keys
    keyring_file_permissions,///< a keyring file is readable or writable by group or others (needs mode 0600)
    keyring_file_malformed,  ///< a keyring file line does not follow the format
    keyring_file_io,         ///< a keyring file cannot be read or written (the OS error is kept beside)
    keyring_file_untrusted,  ///< a keyring file, or a directory above it, is owned by another user or writable by group/others (path kept beside)
    keyring_file_busy,       ///< another writer held the keyring file's lock for longer than the wait allowed
    keyring_file_not_durable,///< a keyring file was replaced, but syncing its directory failed: the change may not survive a crash
    weak_public_key,         ///< an Ed25519 public key is a small-order point or not canonically encoded: refused, as it would accept forgeries
    key_pair_mismatch,       ///< a 64-byte `whsk_` key's public half is not its seed's public key
    too_many_signature_checks, ///< a delivery needs more Ed25519 verifications than verify_options::max_asymmetric_checks allows
    key_cannot_sign,         ///< a signer was given a public key (`whpk_`)
    unsupported_key,         ///< the scheme cannot carry signatures of this key's algorithm
};

namespace detail {
class error_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "hooksig"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
        case errc::missing_header: return "missing header";
        case errc::malformed_header: return "malformed header";
        case errc::header_too_large: return "header too large";
        case errc::invalid_timestamp: return "invalid timestamp";
        case errc::timestamp_too_old: return "timestamp too old";
        case errc::timestamp_too_new: return "timestamp too new";
        case errc::too_many_signatures: return "too many signatures";
        case errc::no_matching_signature: return "no matching signature";
        case errc::invalid_secret_prefix: return "invalid secret prefix";
        case errc::invalid_secret_encoding: return "invalid secret encoding";
        case errc::invalid_secret_length: return "invalid secret length";
        case errc::invalid_encoding: return "invalid encoding";
        case errc::buffer_too_small: return "buffer too small";
        case errc::invalid_argument: return "invalid argument";
        case errc::no_keys: return "no keys";
        case errc::no_active_key: return "no active key";
        case errc::rng_failure: return "random generator failure";
        case errc::store_unavailable: return "replay store unavailable";
        case errc::store_error: return "replay store error";
        case errc::duplicate_key: return "duplicate key";
        case errc::keyring_full: return "keyring full";
        case errc::keyring_file_permissions: return "keyring file permissions too open (need 0600)";
        case errc::keyring_file_malformed: return "malformed keyring file";
        case errc::keyring_file_io: return "keyring file input/output error";
        case errc::keyring_file_untrusted: return "keyring file not trusted";
        case errc::keyring_file_busy: return "keyring file locked by another writer";
        case errc::keyring_file_not_durable: return "keyring file replaced but not confirmed durable (directory sync failed)";
        case errc::weak_public_key: return "weak public key (small-order or non-canonical point)";
        case errc::key_pair_mismatch: return "secret key's public half does not match its seed";
        case errc::too_many_signature_checks: return "too many asymmetric signature checks for one delivery";
        case errc::key_cannot_sign: return "a public key cannot sign";
        case errc::unsupported_key: return "key algorithm not supported by this scheme";
        }
        return "unknown hooksig error";
    }
};
} // namespace detail

/// The error category of hooksig::errc values.
inline const std::error_category& error_category() noexcept {
    static const detail::error_category_impl category;
    return category;
}

/// Makes a std::error_code from an errc value (found by argument-dependent lookup).
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// What the throwing convenience overloads throw; `code()` holds the errc.
class error : public std::system_error {
public:
    /// Wraps an error code; the message is the category's fixed text.
    explicit error(std::error_code code) : std::system_error(code) {}
};

namespace detail {
/// Throws hooksig::error when `code` holds an error; for the throwing overloads.
inline void throw_if(std::error_code code) {
    if (code) throw error(code);
}
} // namespace detail

} // namespace hooksig

template <>
struct std::is_error_code_enum<hooksig::errc> : std::true_type {};
