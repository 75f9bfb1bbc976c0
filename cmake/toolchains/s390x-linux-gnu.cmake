# Cross build for s390x (s390x-linux-gnu, big-endian) with Debian's cross compiler; tests
# run under qemu-user. HOOKSIG_SYSROOT: a directory made by
# `.ci/lib/cross-sysroot.sh s390x DIR` (Botan 2 for s390x, unpacked). See
# .ci/lib/cross-build.md.
#
#   cmake -S . -B build/s390x -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/s390x-linux-gnu.cmake \
#         -DHOOKSIG_SYSROOT=/path/to/sysroot-s390x
set(HOOKSIG_CROSS_TRIPLET s390x-linux-gnu)
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER ${HOOKSIG_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${HOOKSIG_CROSS_TRIPLET}-g++)

# The sysroot: a cache variable, or HOOKSIG_SYSROOT in the environment. The
# toolchain file is read again inside try_compile projects: pass it along.
if(NOT HOOKSIG_SYSROOT AND DEFINED ENV{HOOKSIG_SYSROOT})
  set(HOOKSIG_SYSROOT "$ENV{HOOKSIG_SYSROOT}")
endif()
if(NOT HOOKSIG_SYSROOT OR NOT EXISTS "${HOOKSIG_SYSROOT}/usr/lib/${HOOKSIG_CROSS_TRIPLET}")
  message(FATAL_ERROR "HOOKSIG_SYSROOT='${HOOKSIG_SYSROOT}' is not a sysroot for ${HOOKSIG_CROSS_TRIPLET}: "
                      "make one with .ci/lib/cross-sysroot.sh s390x DIR and pass -DHOOKSIG_SYSROOT=DIR")
endif()
set(HOOKSIG_SYSROOT "${HOOKSIG_SYSROOT}" CACHE PATH "Sysroot made by .ci/lib/cross-sysroot.sh s390x")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HOOKSIG_SYSROOT)
set(HOOKSIG_SYSROOT_LIBDIR "${HOOKSIG_SYSROOT}/usr/lib/${HOOKSIG_CROSS_TRIPLET}")
# Debian 12's zlib1g, libbz2-1.0 and liblzma5 ship in /lib, not /usr/lib.
set(HOOKSIG_SYSROOT_LIBDIRS "${HOOKSIG_SYSROOT_LIBDIR}:${HOOKSIG_SYSROOT}/lib/${HOOKSIG_CROSS_TRIPLET}")

# No CMAKE_SYSROOT: the compiler keeps its own libc (/usr/s390x-linux-gnu);
# the sysroot only adds Botan and its libraries. Libraries and headers come
# from the sysroot only; programs (pkg-config, valgrind...) from the host.
# Packages (CMake configs) from both: the test dependencies Catch2 v2 and
# nlohmann-json are header-only, and their amd64 packages' configs in /usr
# serve (their headers are in /usr/include, which this compiler searches last).
set(CMAKE_FIND_ROOT_PATH "${HOOKSIG_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_LIBRARY_ARCHITECTURE ${HOOKSIG_CROSS_TRIPLET})

# pkg-config (FindBotan2.cmake) reads the sysroot's botan-2.pc only, and
# prefixes its -I / -L paths with the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${HOOKSIG_SYSROOT_LIBDIR}/pkgconfig:${HOOKSIG_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${HOOKSIG_SYSROOT}")
set(ENV{PKG_CONFIG_PATH} "")

# libbotan-2.so's own dependencies (libtspi, libssl...) are in the sysroot too.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${HOOKSIG_SYSROOT_LIBDIRS}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${HOOKSIG_SYSROOT_LIBDIRS}")

# Test binaries (ctest, catch_discover_tests) run under qemu; `-cpu max`: every
# z/Architecture facility qemu emulates.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-s390x-static -cpu max -L /usr/${HOOKSIG_CROSS_TRIPLET} -E LD_LIBRARY_PATH=${HOOKSIG_SYSROOT_LIBDIRS})
