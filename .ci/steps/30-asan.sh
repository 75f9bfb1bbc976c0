# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cmake --workflow --preset asan
