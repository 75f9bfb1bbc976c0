// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Constant-time helpers: comparison, wiping, and the markers the constant-time
/// test uses to make valgrind treat secret bytes as undefined ("ctgrind").

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <botan/mem_ops.h>

#if defined(HOOKSIG_CTGRIND)
#include <valgrind/memcheck.h>
#endif

namespace hooksig::ct {

/// Compares two equal-length byte ranges in time that depends only on `size`.
/// @return true when every byte is equal. Uses Botan::constant_time_compare.
inline bool equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) noexcept {
    return Botan::constant_time_compare(a, b, size);
}

/// Compares two 32-byte MACs in time independent of their contents: four
/// 64-bit words XORed and ORed together, with a compiler barrier so no early
/// exit can be introduced. Used on the verify hot path because Botan's
/// constant_time_compare goes byte by byte through a volatile and measured
/// about 75 ns, as much as a SHA-256 block (bench/RESULTS.md). The constant-time
/// test (tests/ct) checks it under valgrind with the computed MAC poisoned.
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

/// Overwrites `size` bytes with zeros in a way the compiler cannot remove.
/// With GCC and Clang: memset followed by an empty asm statement that takes
/// the pointer and clobbers memory, so the stores must happen (the technique
/// of BoringSSL's OPENSSL_cleanse and Linux's memzero_explicit). It stays
/// inline, where Botan::secure_scrub_memory (used otherwise) is a call into
/// the shared library: the verify path wipes three buffers per MAC.
inline void wipe(void* data, std::size_t size) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    std::memset(data, 0, size);
    __asm__ __volatile__("" : : "r"(data) : "memory");
#else
    Botan::secure_scrub_memory(data, size);
#endif
}

/// Makes the stores to `data` that precede this call happen, as ct::wipe's
/// do: for wiping with plain stores where a memset would become a slow
/// `rep stos` (an empty asm statement that takes the pointer and clobbers
/// memory; with other compilers, a call to Botan that reads nothing back).
template <class T>
inline void keep_stores([[maybe_unused]] T& data) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(&data) : "memory");
#else
    Botan::secure_scrub_memory(&data, sizeof data);
#endif
}

/// Marks bytes as secret for the constant-time test: under valgrind built with
/// HOOKSIG_CTGRIND, any branch or memory index that depends on them is reported.
/// Compiles to nothing otherwise.
inline void poison([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t size) noexcept {
#if defined(HOOKSIG_CTGRIND)
    VALGRIND_MAKE_MEM_UNDEFINED(data, size);
#endif
}

/// Marks bytes as public again (a result that may be revealed, such as "valid").
inline void unpoison([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t size) noexcept {
#if defined(HOOKSIG_CTGRIND)
    VALGRIND_MAKE_MEM_DEFINED(data, size);
#endif
}

/// Declassifies one value (returns it after marking it public).
template <class T>
T declassify(T value) noexcept {
    unpoison(&value, sizeof value);
    return value;
}

namespace mask {
// Branch-free comparisons on small unsigned values (0..0xFFFF): each returns
// 0xFF when true and 0x00 when false, as in libsodium's codecs.
constexpr unsigned eq(unsigned x, unsigned y) noexcept { return (((0U - (x ^ y)) >> 8) & 0xFF) ^ 0xFF; }
constexpr unsigned gt(unsigned x, unsigned y) noexcept { return ((y - x) >> 8) & 0xFF; }
constexpr unsigned ge(unsigned x, unsigned y) noexcept { return gt(y, x) ^ 0xFF; }
constexpr unsigned lt(unsigned x, unsigned y) noexcept { return gt(y, x); }
constexpr unsigned le(unsigned x, unsigned y) noexcept { return ge(y, x); }
} // namespace mask

} // namespace hooksig::ct
