# Cross build for s390x (s390x-linux-gnu, big-endian) with Debian's cross compiler; tests
# run under qemu-user. HOOKSIG_SYSROOT: a directory made by
# `.ci/lib/cross-sysroot.sh s390x DIR` (Botan 2 for s390x, unpacked). See
# .ci/lib/cross-build.md.
#
#   cmake -S . -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/s390x-linux-gnu.cmake \
#         -DHOOKSIG_SYSROOT=/path/to/sysroot-s390x
set(HOOKSIG_CROSS_ARCH s390x)
set(HOOKSIG_CROSS_TRIPLET s390x-linux-gnu)
set(HOOKSIG_CROSS_PROCESSOR s390x)
set(HOOKSIG_CROSS_QEMU qemu-s390x-static)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
