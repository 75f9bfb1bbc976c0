// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Constant-time helpers: comparison, wiping, and the markers the constant-time
/// test uses to make valgrind treat secret bytes as undefined ("ctgrind").

#include <cstddef>
#include <cstdint>

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

/// Overwrites `size` bytes with zeros in a way the compiler cannot remove
/// (Botan::secure_scrub_memory).
inline void wipe(void* data, std::size_t size) noexcept {
    Botan::secure_scrub_memory(data, size);
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
