# Botan 3: a minimal, static Botan 3.7.1 built from Debian trixie's source package
# (.ci/lib/build-botan3.sh: pinned sha256, only the modules hooksig uses), then the
# whole suite against it with g++ -std=c++20 (.ci/lib/botan3-suite.sh), and the
# strict consumers against that build. 30-asan.sh does the suite with clang++.
set -euo pipefail
# Header checks: the Botan 3 ASan leg (clang) compiles each header alone; the
# consumers: find_package and pkg-config (the in-tree routes build hooksig's own
# CMake, which this suite just did; 40-install-consumer.sh runs all routes on Botan 2).
bash .ci/lib/botan3-suite.sh g++ build/botan3-gcc -DHOOKSIG_HEADER_CHECKS=OFF
HOOKSIG_CONSUMER_BUILD=build/botan3-gcc HOOKSIG_CONSUMER_ROUTES=package bash .ci/steps/40-install-consumer.sh
