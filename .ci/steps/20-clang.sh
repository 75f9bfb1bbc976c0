# clang++ 14 with -Werror, every test.
set -euo pipefail
cmake --workflow --preset clang
