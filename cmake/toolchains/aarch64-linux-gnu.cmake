# Cross build for arm64 (aarch64-linux-gnu) with Debian's cross compiler; tests
# run under qemu-user. HOOKSIG_SYSROOT: a directory made by
# `.ci/lib/cross-sysroot.sh arm64 DIR` (Botan 2 for arm64, unpacked). See
# .ci/lib/cross-build.md.
#
#   cmake -S . -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake \
#         -DHOOKSIG_SYSROOT=/path/to/sysroot-arm64
set(HOOKSIG_CROSS_ARCH arm64)
set(HOOKSIG_CROSS_TRIPLET aarch64-linux-gnu)
set(HOOKSIG_CROSS_PROCESSOR aarch64)
set(HOOKSIG_CROSS_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
