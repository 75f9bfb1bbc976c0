# The library and receiver tests under ThreadSanitizer (clang++, Botan 2, Ed25519
# on Botan's libsodium API), including the keyring's readers and writers on
# several threads. The tsan preset leaves out the cli_* tests (the CLI has one
# thread; ASan and the default leg run them) and the header checks. Its test
# preset sets TSAN_OPTIONS=halt_on_error=1, so any data race fails its test. No
# suppressions are needed (Botan and libstdc++ report nothing); should one ever
# be, add suppressions=<file> to that preset's TSAN_OPTIONS, since the preset's
# environment replaces the caller's.
set -euo pipefail
cmake --workflow --preset tsan
