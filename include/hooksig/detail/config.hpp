// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Compiler specifics shared by the headers. Internal.

/// Forces inlining where constant folding depends on it: find_headers with a
/// constexpr header_name_set compares against immediates only when inlined
/// into the scheme that owns the set.
#if defined(__GNUC__) || defined(__clang__)
#define HOOKSIG_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define HOOKSIG_ALWAYS_INLINE inline
#endif
