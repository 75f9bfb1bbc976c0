# The README's test command: g++, warnings as errors, every test; then the CLI contract smoke test.
set -euo pipefail
cmake --workflow --preset default
if [ -x ../shared/contract/cli-smoke ]; then ../shared/contract/cli-smoke build/default/tools/hooksig/hooksig; fi
