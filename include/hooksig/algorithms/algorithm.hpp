// hooksig — webhook signing and verification. MIT License.
#pragma once

/// What a signature algorithm is to hooksig, and the registry of them.
///
/// An algorithm is a small type with these members (algorithms/hmac_sha256.hpp
/// is the model; README "How a new algorithm plugs in" has the plan):
///
/// ```
/// struct my_algorithm {
///     static constexpr algorithm_id id;              // its registry value
///     static constexpr std::string_view name;        // e.g. "hmac-sha256"
///     static constexpr std::size_t signature_size;   // bytes of one signature (<= max_signature_size)
///     using key = ...;                               // a prepared key (built once, shared, immutable)
///     // Signs the concatenation of `parts` into `out` (signature_size bytes).
///     template <class... Parts> static void sign(const key&, std::uint8_t* out, const Parts&... parts) noexcept;
///     // Checks the delivery's entries of this algorithm against `key`:
///     // `content(f)` calls f(parts...) with the signed content. Returns
///     // key_check::first on a match, no_match, or declined when the key
///     // declined to compute (the keyring's reader, when the ring changed).
///     // Never throws or allocates; constant time in secret bytes.
///     template <class Key, class List, class Content>
///     static key_check check(const Key& key, List& entries, Content&& content) noexcept;
///     // Optional: two keys in one pass (first / second / no_match / declined),
///     // used from pair_min_body_size bytes of body on.
///     template <class Key, class List, class Content>
///     static key_check check_pair(const Key&, const Key&, List& entries, Content&& content) noexcept;
/// };
/// ```
/// Key types name their algorithm (`using algorithm = ...`), so the verify
/// loop (verifier.hpp, detail::verify_delivery) asks each key's algorithm to
/// check it and knows nothing of MACs. Schemes tag each received signature
/// with an algorithm_id (signature_list), so a key is compared only with
/// entries of its own algorithm and size.

#include <cstddef>
#include <cstdint>

namespace hooksig {

/// The signature algorithms hooksig knows; values are stable.
enum class algorithm_id : std::uint8_t {
    hmac_sha256 = 1, ///< HMAC-SHA256 (Standard Webhooks `v1` and every provider scheme)
    ed25519 = 2,     ///< Ed25519, RFC 8032 pure (Standard Webhooks `v1a`, Discord)
};

/// What checking a key (or two, in one pass) against a delivery's entries found.
enum class key_check {
    no_match, ///< no entry of the key's algorithm matched
    first,    ///< an entry matched the (first) key
    second,   ///< an entry matched the second key of a pair
    declined, ///< nothing was computed: the key's source changed meanwhile (the caller starts over)
    over_limit,    ///< the delivery would need more asymmetric checks than its budget allows
    out_of_memory, ///< the check needed memory it could not get (a long message for Ed25519)
};

/// Largest signature any algorithm produces (Ed25519's 64 bytes; HMAC-SHA256 needs 32).
inline constexpr std::size_t max_signature_size = 64;

} // namespace hooksig
