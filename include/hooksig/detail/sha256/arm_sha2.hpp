// hooksig — webhook signing and verification. MIT License.
#pragma once

/// SHA-256 compression with the ARMv8 SHA-2 instructions (FEAT_SHA256).
/// Internal: the SHA-256 engine calls it when cpu_has_arm_sha2() is true.
///
/// Builds without -march flags: the kernel carries a target attribute. GCC's
/// <arm_neon.h> always declares the SHA-2 intrinsics; clang before 16 declares
/// them only when the build enables SHA-2 (__ARM_FEATURE_SHA2), so there the
/// kernel calls the same builtins the header would. The instructions take
/// constant time; nothing here branches on or indexes by data. Little-endian
/// only (the message load byte-swaps with vrev32q_u8).

#include <cstddef>
#include <cstdint>

#include "portable.hpp" // sha256_round_constants

#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(HOOKSIG_NO_ARM_SHA2) &&               \
    !defined(__AARCH64EB__)
#define HOOKSIG_HAS_ARM_SHA2 1
#include <arm_neon.h>
#if defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif
#else
#define HOOKSIG_HAS_ARM_SHA2 0
#endif

namespace hooksig::detail {

#if HOOKSIG_HAS_ARM_SHA2

/// True when the CPU has the ARMv8 SHA-2 instructions (Linux:
/// getauxval(AT_HWCAP) & HWCAP_SHA2; other OSes: false).
inline bool cpu_has_arm_sha2() noexcept {
#if defined(__linux__) && defined(HWCAP_SHA2)
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#else
    return false;
#endif
}

#if defined(__clang__)
#define HOOKSIG_ARM_SHA2_TARGET __attribute__((target("sha2")))
#else
#define HOOKSIG_ARM_SHA2_TARGET __attribute__((target("+crypto")))
#endif
#define HOOKSIG_ARM_SHA2_INLINE HOOKSIG_ARM_SHA2_TARGET inline __attribute__((always_inline))

#if defined(__clang__) && !defined(__apple_build_version__) && __clang_major__ < 16 && !defined(__ARM_FEATURE_SHA2)
// clang 14/15 without SHA-2 enabled: <arm_neon.h> lacks the intrinsics; these
// are their bodies (50: the uint32x4_t type code).
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256h(uint32x4_t abcd, uint32x4_t efgh, uint32x4_t wk) noexcept {
    return vreinterpretq_u32_s8(__builtin_neon_vsha256hq_v(vreinterpretq_s8_u32(abcd), vreinterpretq_s8_u32(efgh),
                                                           vreinterpretq_s8_u32(wk), 50));
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256h2(uint32x4_t efgh, uint32x4_t abcd, uint32x4_t wk) noexcept {
    return vreinterpretq_u32_s8(__builtin_neon_vsha256h2q_v(vreinterpretq_s8_u32(efgh), vreinterpretq_s8_u32(abcd),
                                                            vreinterpretq_s8_u32(wk), 50));
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256su0(uint32x4_t w0, uint32x4_t w1) noexcept {
    return vreinterpretq_u32_s8(__builtin_neon_vsha256su0q_v(vreinterpretq_s8_u32(w0), vreinterpretq_s8_u32(w1), 50));
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256su1(uint32x4_t w0, uint32x4_t w2, uint32x4_t w3) noexcept {
    return vreinterpretq_u32_s8(__builtin_neon_vsha256su1q_v(vreinterpretq_s8_u32(w0), vreinterpretq_s8_u32(w2),
                                                             vreinterpretq_s8_u32(w3), 50));
}
#else
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256h(uint32x4_t abcd, uint32x4_t efgh, uint32x4_t wk) noexcept {
    return vsha256hq_u32(abcd, efgh, wk);
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256h2(uint32x4_t efgh, uint32x4_t abcd, uint32x4_t wk) noexcept {
    return vsha256h2q_u32(efgh, abcd, wk);
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256su0(uint32x4_t w0, uint32x4_t w1) noexcept {
    return vsha256su0q_u32(w0, w1);
}
HOOKSIG_ARM_SHA2_INLINE uint32x4_t arm_sha256su1(uint32x4_t w0, uint32x4_t w2, uint32x4_t w3) noexcept {
    return vsha256su1q_u32(w0, w2, w3);
}
#endif

/// Four rounds: message words `w` plus constants group `group`.
HOOKSIG_ARM_SHA2_INLINE void sha256_arm_rounds4(uint32x4_t& abcd, uint32x4_t& efgh, uint32x4_t w,
                                                std::size_t group) noexcept {
    const uint32x4_t wk = vaddq_u32(w, vld1q_u32(sha256_round_constants + 4 * group));
    const uint32x4_t abcd_in = abcd;
    abcd = arm_sha256h(abcd, efgh, wk);
    efgh = arm_sha256h2(efgh, abcd_in, wk);
}

/// Message schedule: the next four words from the sixteen in w0..w3.
HOOKSIG_ARM_SHA2_INLINE uint32x4_t sha256_arm_schedule(uint32x4_t w0, uint32x4_t w1, uint32x4_t w2,
                                                       uint32x4_t w3) noexcept {
    return arm_sha256su1(arm_sha256su0(w0, w1), w2, w3);
}

/// Four big-endian message words at `p` as lanes.
HOOKSIG_ARM_SHA2_INLINE uint32x4_t sha256_arm_load_words(const std::uint8_t* p) noexcept {
    return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

/// Compresses `blocks` 64-byte blocks at `data` into the chaining state
/// (8 words a..h, host order). Constant time.
HOOKSIG_ARM_SHA2_TARGET inline void sha256_compress_arm_sha2(std::uint32_t state[8], const std::uint8_t* data,
                                                             std::size_t blocks) noexcept {
    uint32x4_t abcd = vld1q_u32(state);
    uint32x4_t efgh = vld1q_u32(state + 4);
    for (; blocks != 0; --blocks, data += 64) {
        const uint32x4_t abcd_in = abcd, efgh_in = efgh;
        uint32x4_t w0 = sha256_arm_load_words(data);
        uint32x4_t w1 = sha256_arm_load_words(data + 16);
        uint32x4_t w2 = sha256_arm_load_words(data + 32);
        uint32x4_t w3 = sha256_arm_load_words(data + 48);
        // Groups 0..11 each schedule the words of group + 4; 12..15 only use them.
        sha256_arm_rounds4(abcd, efgh, w0, 0);
        w0 = sha256_arm_schedule(w0, w1, w2, w3);
        sha256_arm_rounds4(abcd, efgh, w1, 1);
        w1 = sha256_arm_schedule(w1, w2, w3, w0);
        sha256_arm_rounds4(abcd, efgh, w2, 2);
        w2 = sha256_arm_schedule(w2, w3, w0, w1);
        sha256_arm_rounds4(abcd, efgh, w3, 3);
        w3 = sha256_arm_schedule(w3, w0, w1, w2);
        sha256_arm_rounds4(abcd, efgh, w0, 4);
        w0 = sha256_arm_schedule(w0, w1, w2, w3);
        sha256_arm_rounds4(abcd, efgh, w1, 5);
        w1 = sha256_arm_schedule(w1, w2, w3, w0);
        sha256_arm_rounds4(abcd, efgh, w2, 6);
        w2 = sha256_arm_schedule(w2, w3, w0, w1);
        sha256_arm_rounds4(abcd, efgh, w3, 7);
        w3 = sha256_arm_schedule(w3, w0, w1, w2);
        sha256_arm_rounds4(abcd, efgh, w0, 8);
        w0 = sha256_arm_schedule(w0, w1, w2, w3);
        sha256_arm_rounds4(abcd, efgh, w1, 9);
        w1 = sha256_arm_schedule(w1, w2, w3, w0);
        sha256_arm_rounds4(abcd, efgh, w2, 10);
        w2 = sha256_arm_schedule(w2, w3, w0, w1);
        sha256_arm_rounds4(abcd, efgh, w3, 11);
        w3 = sha256_arm_schedule(w3, w0, w1, w2);
        sha256_arm_rounds4(abcd, efgh, w0, 12);
        sha256_arm_rounds4(abcd, efgh, w1, 13);
        sha256_arm_rounds4(abcd, efgh, w2, 14);
        sha256_arm_rounds4(abcd, efgh, w3, 15);
        abcd = vaddq_u32(abcd, abcd_in);
        efgh = vaddq_u32(efgh, efgh_in);
    }
    vst1q_u32(state, abcd);
    vst1q_u32(state + 4, efgh);
}

#undef HOOKSIG_ARM_SHA2_INLINE
#undef HOOKSIG_ARM_SHA2_TARGET

#else

/// No ARMv8 SHA-2 code in this build: the portable path runs.
inline bool cpu_has_arm_sha2() noexcept { return false; }

#endif // HOOKSIG_HAS_ARM_SHA2

} // namespace hooksig::detail
