# ThreadSanitizer (clang++, Botan 2, Ed25519 on Botan's libsodium API) on the
# tests that start threads: the keyring's readers and writers, the keyring
# files' concurrent writers, the replay guard, the Redis store and the
# multi-threaded receiver. The tsan preset builds only those unit-test files
# (HOOKSIG_UNIT_TEST_FILTER: a single-threaded test cannot race) and leaves out
# the cli_* tests (the CLI has one thread), the examples and the header checks;
# ASan and the default leg run everything. The preset sets
# TSAN_OPTIONS=halt_on_error=1, so any data race fails its test. No suppressions
# are needed (Botan and libstdc++ report nothing); should one ever be, add
# suppressions=<file> to that preset's TSAN_OPTIONS, since the preset's
# environment replaces the caller's.
set -euo pipefail
cmake --workflow --preset tsan
