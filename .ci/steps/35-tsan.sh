# The whole suite under ThreadSanitizer (the keyring's concurrent readers and
# writers in particular). halt_on_error makes any data race fail its test.
# tests/tsan.supp holds narrow suppressions, each with its reason, if any.
set -euo pipefail
supp="$PWD/tests/tsan.supp"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
if [ -f "$supp" ]; then TSAN_OPTIONS="$TSAN_OPTIONS suppressions=$supp"; fi
cmake --workflow --preset tsan
