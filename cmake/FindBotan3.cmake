# FindBotan3
# ----------
# Finds Botan 3 through pkg-config and defines the imported target Botan3::Botan3
# (Botan 3.7 ships no CMake package; the same shape as FindBotan2.cmake). A
# static libbotan-3.a (such as .ci/lib/build-botan3.sh builds) brings the
# libraries its botan-3.pc lists as private.
#
#   find_package(Botan3 3.0 REQUIRED)
#
# Result variables: Botan3_FOUND, Botan3_VERSION, Botan3_INCLUDE_DIRS, Botan3_LIBRARIES.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_Botan3 QUIET botan-3)
endif()

find_path(Botan3_INCLUDE_DIR NAMES botan/version.h
  HINTS ${PC_Botan3_INCLUDE_DIRS} PATH_SUFFIXES botan-3)
find_library(Botan3_LIBRARY NAMES botan-3 HINTS ${PC_Botan3_LIBRARY_DIRS})
set(Botan3_VERSION ${PC_Botan3_VERSION})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Botan3
  REQUIRED_VARS Botan3_LIBRARY Botan3_INCLUDE_DIR
  VERSION_VAR Botan3_VERSION)

if(Botan3_FOUND)
  find_package(Threads REQUIRED) # botan-3.pc links with -pthread
  set(_botan3_extra_libs Threads::Threads)
  if(Botan3_LIBRARY MATCHES "\\.a$" AND PC_Botan3_STATIC_LIBRARIES)
    list(REMOVE_ITEM PC_Botan3_STATIC_LIBRARIES botan-3)
    list(APPEND _botan3_extra_libs ${PC_Botan3_STATIC_LIBRARIES})
  endif()
  set(Botan3_INCLUDE_DIRS ${Botan3_INCLUDE_DIR})
  set(Botan3_LIBRARIES ${Botan3_LIBRARY})
  if(NOT TARGET Botan3::Botan3)
    add_library(Botan3::Botan3 UNKNOWN IMPORTED)
    set_target_properties(Botan3::Botan3 PROPERTIES
      IMPORTED_LOCATION "${Botan3_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${Botan3_INCLUDE_DIR}"
      INTERFACE_COMPILE_OPTIONS "${PC_Botan3_CFLAGS_OTHER}"
      INTERFACE_LINK_LIBRARIES "${_botan3_extra_libs}")
  endif()
endif()
mark_as_advanced(Botan3_INCLUDE_DIR Botan3_LIBRARY)
