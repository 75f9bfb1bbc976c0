# Botan 3: a minimal, static Botan 3.7.1 built from Debian trixie's source package
# (.ci/lib/build-botan3.sh: pinned sha256, only the modules hooksig uses), then the
# whole test suite (unit tests, CLI contract, header checks, constant-time test,
# fuzz corpora are left to the Botan 2 builds) against it with g++ -std=c++20.
# 20-clang.sh does the same with clang++; 40-install-consumer.sh checks consumers.
set -euo pipefail
prefix=${HOOKSIG_BOTAN3_PREFIX:-$HOME/.cache/hooksig-botan3/prefix}
bash .ci/lib/build-botan3.sh "$prefix" | tail -2
start=$(date +%s)
cmake -S . -B build/botan3-gcc -DCMAKE_CXX_COMPILER=g++ -DHOOKSIG_BOTAN=3 -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHOOKSIG_WERROR=ON -DHOOKSIG_BUILD_BENCH=OFF -DHOOKSIG_BUILD_FUZZ=OFF \
  -DHOOKSIG_BUILD_EXAMPLES=OFF | grep 'hooksig: Botan'
grep -q '^HOOKSIG_BOTAN_MAJOR:INTERNAL=3$' build/botan3-gcc/CMakeCache.txt || { echo "not built against Botan 3"; exit 1; }
cmake --build build/botan3-gcc -j2 >/dev/null
ctest --test-dir build/botan3-gcc -j2 --output-on-failure
HOOKSIG_CONSUMER_BUILD=build/botan3-gcc bash .ci/steps/40-install-consumer.sh
echo "Botan 3 (g++, C++20): whole suite passed in $(( $(date +%s) - start )) s"
