// hooksig — webhook signing and verification. MIT License.
#pragma once

/// Compiler specifics shared by the headers. Internal.

/// Forces inlining on the verify path. find_headers with a constexpr
/// header_name_set compares against immediates only when inlined into the
/// scheme that owns the set; and GCC's unit-growth limits left the small
/// text checks (byte ranges, timestamps, name comparison) out of line in
/// larger programs, as calls costing ~30 ns of a ~215 ns verification
/// (hooksig_bench against a one-benchmark program, same code).
#if defined(__GNUC__) || defined(__clang__)
#define HOOKSIG_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define HOOKSIG_ALWAYS_INLINE inline
#endif

/// Keeps a function out of line: for cold paths whose inlining into the verify
/// path only grows it (and, for the portable SHA-256 engine, made GCC 12 at
/// -O3 report out-of-bounds accesses that cannot happen).
#if defined(__GNUC__) || defined(__clang__)
#define HOOKSIG_NOINLINE __attribute__((noinline))
#else
#define HOOKSIG_NOINLINE
#endif
