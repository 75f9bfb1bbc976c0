// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Compiler specifics shared by the headers. Internal.

/// Forces inlining on the verify path: constexpr header-name sets compare
/// against immediates only when inlined, and GCC's growth limits otherwise
/// left the small text checks out of line (bench/README.md).
#if defined(__GNUC__) || defined(__clang__)
#define HOOKSIG_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define HOOKSIG_ALWAYS_INLINE inline
#endif

/// Keeps a function out of line: cold paths whose inlining into the verify
/// path only grows it (and, for the SHA-256 engine, made GCC 12 at -O3 report
/// out-of-bounds accesses that cannot happen).
#if defined(__GNUC__) || defined(__clang__)
#define HOOKSIG_NOINLINE __attribute__((noinline))
#else
#define HOOKSIG_NOINLINE
#endif
