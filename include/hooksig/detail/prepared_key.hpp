// hooksig — webhook signing and verification. MIT License.
#pragma once

/// A key as verifiers, signers and keyrings hold it: a secret prepared for
/// its algorithm (HMAC states, or Ed25519 keys), and how the verify loop
/// reaches it (visit_key, key_of_type). Internal.

#include <optional>
#include <type_traits>

#include "../algorithms/ed25519.hpp"
#include "../algorithms/hmac_sha256.hpp"
#include "../secret.hpp"

namespace hooksig::detail {

/// A secret prepared once for signing and verifying. Exactly one of `hmac`
/// and `ed25519_public` is set; `ed25519_secret` too for a `whsk_` key.
/// Building one allocates; using it does not (HMAC) or only as the Ed25519
/// platform does.
struct prepared_key {
    /// Prepares `s` (not empty). Throws std::bad_alloc.
    explicit prepared_key(const secret& s) {
        switch (s.key_kind()) {
        case secret::kind::whsec:
        case secret::kind::text: hmac.emplace(s.key_data(), s.key_size()); break;
        case secret::kind::ed25519_secret: {
            ed25519_secret_key key;
            detail::throw_if(ed25519_secret_key::from_bytes(s.key_data(), s.key_size(), key));
            ed25519_public = key.public_key();
            ed25519_secret = std::move(key);
            break;
        }
        case secret::kind::ed25519_public: {
            ed25519_public_key key;
            detail::throw_if(ed25519_public_key::make(s.key_data(), s.key_size(), key));
            ed25519_public = key;
            break;
        }
        }
    }

    /// The signature algorithm of this key.
    algorithm_id algorithm() const noexcept { return hmac ? algorithm_id::hmac_sha256 : algorithm_id::ed25519; }
    /// True when this key can sign.
    bool can_sign() const noexcept { return hmac.has_value() || ed25519_secret.has_value(); }

    std::optional<hmac_key> hmac;                   ///< HMAC-SHA256 states (whsec_, text secrets)
    std::optional<ed25519_public_key> ed25519_public; ///< verifies (whpk_, and whsk_'s public half)
    std::optional<ed25519_secret_key> ed25519_secret; ///< signs (whsk_)
};

/// verify_delivery's access to a prepared key: f(the key of its algorithm).
template <class F>
void visit_key(const prepared_key* key, F&& f) noexcept {
    if (key->hmac) f(*key->hmac);
    else f(*key->ed25519_public);
}

/// `key` as a Key when it is one (the HMAC pair pass needs two HMAC keys).
template <class Key>
const Key* key_of_type(const prepared_key* key) noexcept {
    if constexpr (std::is_same_v<Key, hmac_key>) return key->hmac ? &*key->hmac : nullptr;
    else if constexpr (std::is_same_v<Key, ed25519_public_key>)
        return key->ed25519_public && !key->hmac ? &*key->ed25519_public : nullptr;
    else return nullptr;
}

} // namespace hooksig::detail
