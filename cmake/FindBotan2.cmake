# FindBotan2
# ----------
# Finds Botan 2 through pkg-config (Botan ships no CMake package) and defines the
# imported target Botan2::Botan2.
#
#   find_package(Botan2 2.19 REQUIRED)
#
# Result variables: Botan2_FOUND, Botan2_VERSION, Botan2_INCLUDE_DIRS, Botan2_LIBRARIES.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_Botan2 QUIET botan-2)
endif()

find_path(Botan2_INCLUDE_DIR NAMES botan/version.h
  HINTS ${PC_Botan2_INCLUDE_DIRS} PATH_SUFFIXES botan-2)
find_library(Botan2_LIBRARY NAMES botan-2 HINTS ${PC_Botan2_LIBRARY_DIRS})
set(Botan2_VERSION ${PC_Botan2_VERSION})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Botan2
  REQUIRED_VARS Botan2_LIBRARY Botan2_INCLUDE_DIR
  VERSION_VAR Botan2_VERSION)

if(Botan2_FOUND)
  find_package(Threads REQUIRED) # botan-2.pc links with -pthread
  set(Botan2_INCLUDE_DIRS ${Botan2_INCLUDE_DIR})
  set(Botan2_LIBRARIES ${Botan2_LIBRARY})
  if(NOT TARGET Botan2::Botan2)
    add_library(Botan2::Botan2 UNKNOWN IMPORTED)
    set_target_properties(Botan2::Botan2 PROPERTIES
      IMPORTED_LOCATION "${Botan2_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${Botan2_INCLUDE_DIR}"
      INTERFACE_COMPILE_OPTIONS "${PC_Botan2_CFLAGS_OTHER}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
endif()
mark_as_advanced(Botan2_INCLUDE_DIR Botan2_LIBRARY)
