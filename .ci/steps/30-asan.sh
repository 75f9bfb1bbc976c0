# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, built with
# clang++ 14 -Werror against the Botan 3 that 15-botan3.sh built (C++20): this is
# also the suite's clang + Botan 3 leg. clang on Botan 2 is the tsan step and the
# fuzz targets; `cmake --workflow --preset asan` is the same run on Botan 2.
set -euo pipefail
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
bash .ci/lib/botan3-suite.sh clang++ build/botan3-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
