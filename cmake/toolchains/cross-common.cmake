# What the cross toolchain files share (aarch64-linux-gnu.cmake, s390x-linux-gnu.cmake):
# Debian's cross compiler for HOOKSIG_CROSS_TRIPLET, Botan 2 from a sysroot made by
# .ci/lib/cross-sysroot.sh, tests under qemu-user. See .ci/lib/cross-build.md.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${HOOKSIG_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${HOOKSIG_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${HOOKSIG_CROSS_TRIPLET}-g++)

# The sysroot: a cache variable, or HOOKSIG_SYSROOT in the environment. The
# toolchain file is read again inside try_compile projects: pass it along.
if(NOT HOOKSIG_SYSROOT AND DEFINED ENV{HOOKSIG_SYSROOT})
  set(HOOKSIG_SYSROOT "$ENV{HOOKSIG_SYSROOT}")
endif()
if(NOT HOOKSIG_SYSROOT OR NOT EXISTS "${HOOKSIG_SYSROOT}/usr/lib/${HOOKSIG_CROSS_TRIPLET}")
  message(FATAL_ERROR "HOOKSIG_SYSROOT='${HOOKSIG_SYSROOT}' is not a sysroot for ${HOOKSIG_CROSS_TRIPLET}: "
                      "make one with .ci/lib/cross-sysroot.sh ${HOOKSIG_CROSS_ARCH} DIR and pass -DHOOKSIG_SYSROOT=DIR")
endif()
set(HOOKSIG_SYSROOT "${HOOKSIG_SYSROOT}" CACHE PATH "Sysroot made by .ci/lib/cross-sysroot.sh ${HOOKSIG_CROSS_ARCH}")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HOOKSIG_SYSROOT)
set(HOOKSIG_SYSROOT_LIBDIR "${HOOKSIG_SYSROOT}/usr/lib/${HOOKSIG_CROSS_TRIPLET}")
# Debian 12's zlib1g, libbz2-1.0 and liblzma5 ship in /lib, not /usr/lib.
set(HOOKSIG_SYSROOT_LIBDIRS "${HOOKSIG_SYSROOT_LIBDIR}:${HOOKSIG_SYSROOT}/lib/${HOOKSIG_CROSS_TRIPLET}")

# No CMAKE_SYSROOT: the compiler keeps its own libc (/usr/<triplet>);
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

# Test binaries (ctest, catch_discover_tests) run under qemu with `-cpu max`
# (on arm64: the ARMv8 SHA-2 instructions).
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${HOOKSIG_CROSS_QEMU} -cpu max -L /usr/${HOOKSIG_CROSS_TRIPLET} -E LD_LIBRARY_PATH=${HOOKSIG_SYSROOT_LIBDIRS})
