# ARM64 and big-endian: the unit tests cross-built with Debian's cross compilers
# against Botan 2 unpacked into a private sysroot (.ci/lib/cross-sysroot.sh; never
# a foreign-architecture Botan installed), run under qemu-user. On arm64, qemu's
# `-cpu max` has the ARMv8 SHA-2 instructions, so the ARMv8 kernel and the
# portable path both run (the fast-path tests run every backend the CPU can);
# s390x (big-endian) runs the portable path, proving it byte-order clean.
# HOOKSIG_CROSS_ARCHS chooses the targets (default "arm64 s390x").
# -O2, as the default preset and users build (CMake's Release is -O3, which made
# the test files' cross compile slower without testing anything more).
set -euo pipefail
for arch in ${HOOKSIG_CROSS_ARCHS:-arm64 s390x}; do
  start=$(date +%s)
  sysroot=${HOOKSIG_CROSS_CACHE:-$HOME/.cache/hooksig-cross}/sysroot-$arch
  case "$arch" in
    arm64) toolchain=aarch64-linux-gnu; emulator=(qemu-aarch64-static -cpu max) ;;
    s390x) toolchain=s390x-linux-gnu; emulator=(qemu-s390x-static) ;;
  esac
  emulator+=(-L "/usr/$toolchain" -E "LD_LIBRARY_PATH=$sysroot/usr/lib/$toolchain")
  bash .ci/lib/cross-sysroot.sh "$arch" "$sysroot" >/dev/null
  build=build/cross-$arch
  cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="cmake/toolchains/$toolchain.cmake" -DHOOKSIG_SYSROOT="$sysroot" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DHOOKSIG_WERROR=ON -DHOOKSIG_BUILD_TOOLS=OFF -DHOOKSIG_BUILD_EXAMPLES=OFF \
    -DHOOKSIG_BUILD_BENCH=OFF -DHOOKSIG_BUILD_FUZZ=OFF -DHOOKSIG_ED25519=botan >/dev/null
  cmake --build "$build" --target hooksig_tests -j2 >/dev/null
  built=$(date +%s)
  "${emulator[@]}" "$build/tests/hooksig_tests" 2>&1 | tee "$build/tests.log" | tail -3
  grep -q "^All tests passed" "$build/tests.log"
  backend=$(grep -o 'SHA-256 backend on this machine: [a-z0-9-]*' "$build/tests.log" | head -1)
  echo "$arch: $backend"
  if [ "$arch" = arm64 ]; then echo "$backend" | grep -q 'arm-sha2$'; fi
  echo "$arch: unit tests passed under qemu (build $((built - start)) s, run $(( $(date +%s) - built )) s)"
done
