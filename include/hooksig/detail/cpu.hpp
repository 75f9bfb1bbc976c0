// hooksig — webhook signing and verification. MIT License.
#pragma once

/// x86-64 CPU feature detection for the paths that use instructions beyond
/// the x86-64 baseline (SHA-NI for SHA-256, SSSE3 for decoding received
/// base64). Internal. Valgrind's emulated CPU reports what valgrind can run,
/// so under valgrind the portable paths run. (ARMv8's SHA-2 check is in
/// sha256/arm_sha2.hpp.)

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(HOOKSIG_NO_X86_EXTENSIONS)
#define HOOKSIG_X86_EXTENSIONS 1
#include <cpuid.h>
#else
#define HOOKSIG_X86_EXTENSIONS 0
#endif

namespace hooksig::detail {

#if HOOKSIG_X86_EXTENSIONS

/// True when the CPU has SSSE3 (CPUID leaf 1, ECX bit 9).
inline bool cpu_has_ssse3() noexcept {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    return (ecx & (1U << 9)) != 0;
}

/// True when the CPU has SHA-NI (leaf 7, EBX bit 29) and SSE4.1 (leaf 1, ECX
/// bit 19) with SSSE3, everything the SHA-256 code uses.
inline bool cpu_has_sha_ni() noexcept {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    const bool sse41 = (ecx & (1U << 19)) != 0, ssse3 = (ecx & (1U << 9)) != 0;
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
    return sse41 && ssse3 && (ebx & (1U << 29)) != 0;
}

#else

/// No x86 extensions in this build: the portable paths run.
inline bool cpu_has_ssse3() noexcept { return false; }
/// No x86 extensions in this build: the portable paths run.
inline bool cpu_has_sha_ni() noexcept { return false; }

#endif // HOOKSIG_X86_EXTENSIONS

/// cpu_has_ssse3(), asked once per process.
inline bool ssse3_available() noexcept {
    static const bool available = cpu_has_ssse3();
    return available;
}

} // namespace hooksig::detail
