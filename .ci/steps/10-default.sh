# The README's test command: g++, warnings as errors, every test; then the CLI contract
# smoke test, and the platform seam: no header outside include/hooksig/detail/platform/
# includes Botan.
set -euo pipefail
leaks=$(grep -rlE '#[[:space:]]*include[[:space:]]*<botan/' include | grep -v '/detail/platform/' || true)
if [ -n "$leaks" ]; then echo "Botan included outside detail/platform/:"; echo "$leaks"; exit 1; fi
echo "platform seam: only include/hooksig/detail/platform/ includes Botan"
cmake --workflow --preset default
if [ -x ../shared/contract/cli-smoke ]; then ../shared/contract/cli-smoke build/default/tools/hooksig/hooksig; fi
