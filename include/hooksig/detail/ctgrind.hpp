// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Markers for the constant-time test (tests/ct, "ctgrind"): built with
/// HOOKSIG_CTGRIND and run under valgrind memcheck, bytes marked secret are
/// "undefined", so any branch or memory index that depends on them is
/// reported. Without HOOKSIG_CTGRIND they compile to nothing. Internal.

#include <cstddef>

#if defined(HOOKSIG_CTGRIND)
#include <valgrind/memcheck.h>
#endif

namespace hooksig::detail::ctgrind {

/// Marks `size` bytes at `data` as secret.
inline void poison([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t size) noexcept {
#if defined(HOOKSIG_CTGRIND)
    VALGRIND_MAKE_MEM_UNDEFINED(data, size);
#endif
}

/// Marks `size` bytes at `data` as public again (a result that may be revealed).
inline void unpoison([[maybe_unused]] const void* data, [[maybe_unused]] std::size_t size) noexcept {
#if defined(HOOKSIG_CTGRIND)
    VALGRIND_MAKE_MEM_DEFINED(data, size);
#endif
}

/// Returns `value` marked public (a verdict computed from secrets, such as "matched").
template <class T>
T declassify(T value) noexcept {
    unpoison(&value, sizeof value);
    return value;
}

} // namespace hooksig::detail::ctgrind
