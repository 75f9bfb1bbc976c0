# clang++ 14 with -Werror, every test, against Botan 3 (C++20; the Botan 2 builds
# with clang are the asan and tsan steps). Reuses the Botan 3 that 15-botan3.sh built.
set -euo pipefail
prefix=${HOOKSIG_BOTAN3_PREFIX:-$HOME/.cache/hooksig-botan3/prefix}
bash .ci/lib/build-botan3.sh "$prefix" | tail -1
start=$(date +%s)
cmake -S . -B build/botan3-clang -DCMAKE_CXX_COMPILER=clang++ -DHOOKSIG_BOTAN=3 -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOOKSIG_WERROR=ON -DHOOKSIG_BUILD_BENCH=OFF -DHOOKSIG_BUILD_FUZZ=OFF \
  -DHOOKSIG_BUILD_EXAMPLES=OFF | grep 'hooksig: Botan'
grep -q '^HOOKSIG_BOTAN_MAJOR:INTERNAL=3$' build/botan3-clang/CMakeCache.txt || { echo "not built against Botan 3"; exit 1; }
cmake --build build/botan3-clang -j2 >/dev/null
ctest --test-dir build/botan3-clang -j2 --output-on-failure
echo "Botan 3 (clang++, C++20): whole suite passed in $(( $(date +%s) - start )) s"
