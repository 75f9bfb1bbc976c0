// hooksig — webhook signing and verification. MIT License.
#include "floor_sodium.hpp"

#include <stdexcept>

#include <sodium.h>

namespace hooksig_bench {

void floor_sign(std::uint8_t signature[64], std::string_view message, const std::uint8_t seed_public[64]) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         seed_public);
}

bool floor_verify(const std::uint8_t signature[64], std::string_view message, const std::uint8_t public_key[32]) {
    return crypto_sign_verify_detached(signature, reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), public_key) == 0;
}

} // namespace hooksig_bench
