// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Ed25519 (RFC 8032, pure) from a battle-tested library, never curve
/// arithmetic of hooksig's own. Two backends behind one seam:
/// - libsodium, when the build defines HOOKSIG_ED25519_LIBSODIUM=1 (CMake:
///   HOOKSIG_ED25519=auto finds it, =libsodium forces it); ~2.5x faster;
/// - Botan otherwise: its libsodium-compatible functions where the build has
///   them (Botan 2.19, full Botan 3 builds: no allocation), else the public
///   PK_Signer / PK_Verifier (a minimal Botan 3: these allocate per call).
/// hooksig's own checks (S < L, small-order keys, seed/public agreement) are
/// in algorithms/ed25519.hpp and run before any backend. Internal.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "botan.hpp"

#ifndef HOOKSIG_ED25519_LIBSODIUM
#define HOOKSIG_ED25519_LIBSODIUM 0
#endif

#if HOOKSIG_ED25519_LIBSODIUM
#include <sodium.h>
#elif defined(BOTAN_HAS_SODIUM_API)
#include <botan/sodium.h>
#elif defined(BOTAN_HAS_ED25519)
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/rng.h>
#else
#error "hooksig's Ed25519 needs libsodium or a Botan built with the ed25519 module"
#endif

namespace hooksig::detail::platform {

/// Bytes of an Ed25519 seed, public key and signature.
inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_public_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

/// Which library computes Ed25519: "libsodium", "botan-sodium-api" or "botan-pk-api".
constexpr const char* ed25519_backend() noexcept {
#if HOOKSIG_ED25519_LIBSODIUM
    return "libsodium";
#elif defined(BOTAN_HAS_SODIUM_API)
    return "botan-sodium-api";
#else
    return "botan-pk-api";
#endif
}

#if HOOKSIG_ED25519_LIBSODIUM
/// Calls sodium_init() once (thread-safe in libsodium); false when it failed.
inline bool sodium_ready() noexcept {
    static const bool ready = ::sodium_init() >= 0;
    return ready;
}
#endif

#if !HOOKSIG_ED25519_LIBSODIUM && !defined(BOTAN_HAS_SODIUM_API)
/// Botan's RNG interface over getentropy, for the PK API's signature
/// operation (pure Ed25519 is deterministic and asks for none, but the API
/// takes one).
class entropy_rng final : public Botan::RandomNumberGenerator {
public:
    std::string name() const override { return "getentropy"; }
    bool is_seeded() const override { return true; }
    bool accepts_input() const override { return false; }
    void clear() override {}

private:
    void fill_bytes_with_input(std::span<std::uint8_t> out, std::span<const std::uint8_t>) override {
        random_bytes(out.data(), out.size());
    }
};
#endif

/// Derives the public key of `seed` into `public_key`. Throws std::bad_alloc
/// (Botan's PK API) or std::runtime_error when the backend fails.
inline void ed25519_public_from_seed(const std::uint8_t seed[ed25519_seed_size],
                                     std::uint8_t public_key[ed25519_public_size]) {
#if HOOKSIG_ED25519_LIBSODIUM
    secure_vector<std::uint8_t> expanded(64);
    if (!sodium_ready() || ::crypto_sign_seed_keypair(public_key, expanded.data(), seed) != 0)
        throw std::runtime_error("libsodium ed25519 key derivation failed");
#elif defined(BOTAN_HAS_SODIUM_API)
    secure_vector<std::uint8_t> expanded(64);
    Botan::Sodium::crypto_sign_ed25519_seed_keypair(public_key, expanded.data(), seed);
#else
    const Botan::Ed25519_PrivateKey key(secure_vector<std::uint8_t>(seed, seed + ed25519_seed_size));
    const std::vector<std::uint8_t> bits = key.raw_public_key_bits();
    if (bits.size() != ed25519_public_size) throw std::runtime_error("botan ed25519 public key size");
    std::memcpy(public_key, bits.data(), ed25519_public_size);
#endif
}

/// Signs `message` with the key `seed_public` (seed followed by its public
/// key, which the caller has checked agree) into `signature`. Throws
/// std::bad_alloc or std::runtime_error when the backend fails.
inline void ed25519_sign(std::uint8_t signature[ed25519_signature_size], const std::uint8_t* message,
                         std::size_t size, const std::uint8_t seed_public[64]) {
#if HOOKSIG_ED25519_LIBSODIUM
    if (!sodium_ready() || ::crypto_sign_detached(signature, nullptr, message, size, seed_public) != 0)
        throw std::runtime_error("libsodium ed25519 signing failed");
#elif defined(BOTAN_HAS_SODIUM_API)
    Botan::Sodium::crypto_sign_ed25519_detached(signature, nullptr, message, size, seed_public);
#else
    // From the seed alone: Botan would trust a 64-byte key's public half as given.
    const Botan::Ed25519_PrivateKey key(secure_vector<std::uint8_t>(seed_public, seed_public + ed25519_seed_size));
    entropy_rng rng;
    Botan::PK_Signer signer(key, rng, "Pure");
    const std::vector<std::uint8_t> made = signer.sign_message(message, size, rng);
    if (made.size() != ed25519_signature_size) throw std::runtime_error("botan ed25519 signature size");
    std::memcpy(signature, made.data(), ed25519_signature_size);
#endif
}

/// True when `signature` is a valid Ed25519 signature of `message` under
/// `public_key`. Never throws: a backend failure (out of memory) is false.
inline bool ed25519_verify(const std::uint8_t signature[ed25519_signature_size], const std::uint8_t* message,
                           std::size_t size, const std::uint8_t public_key[ed25519_public_size]) noexcept {
#if HOOKSIG_ED25519_LIBSODIUM
    return sodium_ready() && ::crypto_sign_verify_detached(signature, message, size, public_key) == 0;
#elif defined(BOTAN_HAS_SODIUM_API)
    return Botan::Sodium::crypto_sign_ed25519_verify_detached(signature, message, size, public_key) == 0;
#else
    try {
        const Botan::Ed25519_PublicKey key(public_key, ed25519_public_size);
        Botan::PK_Verifier verifier(key, "Pure");
        return verifier.verify_message(message, size, signature, ed25519_signature_size);
    } catch (...) {
        return false;
    }
#endif
}

} // namespace hooksig::detail::platform
