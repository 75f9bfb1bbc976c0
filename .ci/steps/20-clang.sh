# clang++ 14 with -Werror, every test, against Botan 3 (C++20; reuses the Botan 3
# that 15-botan3.sh built). clang on Botan 2 is the asan and tsan steps (-Werror).
set -euo pipefail
bash .ci/lib/botan3-suite.sh clang++ build/botan3-clang
