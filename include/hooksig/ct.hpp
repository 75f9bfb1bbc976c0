// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Constant-time helpers: comparison and wiping.

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "detail/platform/botan.hpp"

namespace hooksig::ct {

/// Compares two equal-length byte ranges in time that depends only on `size`.
/// @return true when every byte is equal (the crypto library's comparison).
inline bool equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) noexcept {
    return detail::platform::constant_time_equal(a, b, size);
}

/// Compares two 32-byte MACs in time independent of their contents: four
/// 64-bit words XORed and ORed together behind a compiler barrier, so no early
/// exit can be introduced (Botan's byte-wise compare costs as much as a
/// SHA-256 block: bench/README.md). tests/ct checks it under valgrind.
inline bool equal_mac(const std::uint8_t* a, const std::uint8_t* b) noexcept {
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i < 32; i += sizeof diff) {
        std::uint64_t x, y;
        std::memcpy(&x, a + i, sizeof x);
        std::memcpy(&y, b + i, sizeof y);
        diff |= x ^ y;
    }
#if defined(__GNUC__)
    __asm__ volatile("" : "+r"(diff));
#endif
    return diff == 0;
}

/// Overwrites `size` bytes with zeros in a way the compiler cannot remove:
/// memset, then an empty asm statement that takes the pointer and clobbers
/// memory (BoringSSL's OPENSSL_cleanse, Linux's memzero_explicit). Inline,
/// where the crypto library's scrub (used with other compilers) is a call.
inline void wipe(void* data, std::size_t size) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    std::memset(data, 0, size);
    __asm__ __volatile__("" : : "r"(data) : "memory");
#else
    detail::platform::scrub(data, size);
#endif
}

} // namespace hooksig::ct

namespace hooksig::detail {

/// Makes the stores to `data` that precede this call happen, as ct::wipe's
/// do: for wiping with plain (or vector) stores where a memset would become a
/// slow `rep stos`.
template <class T>
inline void keep_stores([[maybe_unused]] T& data) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(&data) : "memory");
#else
    platform::scrub(&data, sizeof data);
#endif
}

namespace ct_mask {
// Branch-free comparisons on small unsigned values (0..0xFFFF): each returns
// 0xFF when true and 0x00 when false, as in libsodium's codecs.
constexpr unsigned eq(unsigned x, unsigned y) noexcept { return (((0U - (x ^ y)) >> 8) & 0xFF) ^ 0xFF; }
constexpr unsigned gt(unsigned x, unsigned y) noexcept { return ((y - x) >> 8) & 0xFF; }
constexpr unsigned ge(unsigned x, unsigned y) noexcept { return gt(y, x) ^ 0xFF; }
constexpr unsigned lt(unsigned x, unsigned y) noexcept { return gt(y, x); }
constexpr unsigned le(unsigned x, unsigned y) noexcept { return ge(y, x); }
} // namespace ct_mask

} // namespace hooksig::detail
