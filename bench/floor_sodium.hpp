// hooksig — webhook signing and verification. MIT License.
#pragma once

/// The Ed25519 floor: libsodium called directly, in its own translation unit
/// (floor_sodium.cpp) so that <sodium.h> never meets Botan's libsodium-
/// compatible header.

#include <cstdint>
#include <string_view>

namespace hooksig_bench {

/// crypto_sign_detached of `message` with libsodium's 64-byte secret key `seed_public`.
void floor_sign(std::uint8_t signature[64], std::string_view message, const std::uint8_t seed_public[64]);

/// crypto_sign_verify_detached of `message` under the 32-byte `public_key`.
bool floor_verify(const std::uint8_t signature[64], std::string_view message, const std::uint8_t public_key[32]);

} // namespace hooksig_bench
