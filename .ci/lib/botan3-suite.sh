#!/usr/bin/env bash
# Builds hooksig against the minimal Botan 3 (.ci/lib/build-botan3.sh, built once
# and reused) with compiler CXX and runs the whole test suite (unit tests, CLI
# contract, header checks, constant-time test; benchmarks, fuzz targets and
# examples are left to the Botan 2 builds). Used by .ci/steps/15 (g++) and 30
# (clang++ under ASan + UBSan); any further arguments are passed to CMake and win
# over the defaults here (e.g. -DCMAKE_BUILD_TYPE=Debug and sanitizer flags).
# -O2 like the default preset, without its -g: nothing here reads debug info, and
# -g cost about a third of the test files' compile time.
#   .ci/lib/botan3-suite.sh CXX BUILD_DIR [CMAKE_ARG...]
set -euo pipefail
cxx=${1:?usage: botan3-suite.sh CXX BUILD_DIR}
build=${2:?usage: botan3-suite.sh CXX BUILD_DIR}
shift 2
prefix=${HOOKSIG_BOTAN3_PREFIX:-$HOME/.cache/hooksig-botan3/prefix}
bash .ci/lib/build-botan3.sh "$prefix" | tail -1
start=$(date +%s)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DHOOKSIG_BOTAN=3 -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DHOOKSIG_WERROR=ON -DHOOKSIG_BUILD_BENCH=OFF -DHOOKSIG_BUILD_FUZZ=OFF \
  -DHOOKSIG_BUILD_EXAMPLES=OFF -DHOOKSIG_ED25519=botan "$@" | grep "hooksig: \(Botan\|Ed25519\)"
grep -q '^HOOKSIG_BOTAN_MAJOR:INTERNAL=3$' "$build/CMakeCache.txt" || { echo "not built against Botan 3"; exit 1; }
cmake --build "$build" -j2 >/dev/null
ctest --test-dir "$build" -j2 --output-on-failure
echo "Botan 3 ($cxx, C++20): whole suite passed in $(( $(date +%s) - start )) s"
