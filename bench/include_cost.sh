#!/usr/bin/env bash
# What including hooksig costs a translation unit: the fastest of N runs (user+sys seconds) of
# `$CXX -fsyntax-only` on a one-line TU per row, rows interleaved so a busy machine slows all alike.
#
#   bench/include_cost.sh [--runs N] [--base COMMIT]
#
# --base adds a row for that commit's umbrella header (extracted with git archive), the "before"
# of a change. Flags as the CMake target gives them: Botan 2 or 3 (pkg-config), libsodium when
# found. Rows "std floor" and "outside hooksig" say what no change inside hooksig can remove.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=7
base=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --base) base="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--base COMMIT]" >&2; exit 2 ;;
    esac
done

CXX="${CXX:-g++}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if pkg-config --exists botan-3; then std=c++20; botan="$(pkg-config --cflags botan-3)"
else std=c++17; botan="$(pkg-config --cflags botan-2)"; fi
sodium=""
if pkg-config --exists libsodium; then sodium="-DHOOKSIG_ED25519_LIBSODIUM=1"; fi
flags=(-std="$std" -fsyntax-only $botan $sodium)

# name|include dir|headers (space-separated)
rows=(
    "hooksig.hpp (umbrella)|include|hooksig/hooksig.hpp"
    "verifier.hpp + standard_webhooks.hpp|include|hooksig/verifier.hpp hooksig/schemes/standard_webhooks.hpp"
    "signer.hpp + standard_webhooks.hpp|include|hooksig/signer.hpp hooksig/schemes/standard_webhooks.hpp"
    "secret.hpp|include|hooksig/secret.hpp"
    "keyring/keyring.hpp|include|hooksig/keyring/keyring.hpp"
    "keyring/keyring_file.hpp|include|hooksig/keyring/keyring_file.hpp"
    "replay/replay_guard.hpp + memory_store.hpp|include|hooksig/replay/replay_guard.hpp hooksig/replay/memory_store.hpp"
    "std floor: the standard headers the API's types need|include|string string_view system_error chrono vector optional memory mutex atomic"
)

# Every non-hooksig header a hooksig header includes directly: the umbrella's cost outside hooksig.
printf '#include <hooksig/hooksig.hpp>\n' > "$work/umbrella.cpp"
"$CXX" "${flags[@]}" -Iinclude -H "$work/umbrella.cpp" 2>&1 >/dev/null | python3 -c '
import sys
stack, out = [], []
for line in sys.stdin:
    if not line.startswith("."): continue
    dots, path = line.rstrip("\n").split(" ", 1)
    del stack[len(dots) - 1:]
    if stack and "/hooksig/" in stack[-1] and "/hooksig/" not in path and path not in out: out.append(path)
    stack.append(path)
print(" ".join(out))' > "$work/outside.txt"
rows+=("outside hooksig: every header hooksig's headers include|include|$(cat "$work/outside.txt")")

if [[ -n "$base" ]]; then
    mkdir -p "$work/base"
    git archive "$base" include | tar -x -C "$work/base"
    rows=("hooksig.hpp at $base|$work/base/include|hooksig/hooksig.hpp" "${rows[@]}")
fi

declare -A best
for ((i = 0; i < ${#rows[@]}; ++i)); do
    IFS='|' read -r _ _ headers <<< "${rows[$i]}"
    : > "$work/row$i.cpp"
    for h in $headers; do printf '#include <%s>\n' "$h" >> "$work/row$i.cpp"; done
    best[$i]=999
done
for ((run = 0; run < runs; ++run)); do
    for ((i = 0; i < ${#rows[@]}; ++i)); do
        IFS='|' read -r _ dir _ <<< "${rows[$i]}"
        t=$( { /usr/bin/time -f '%U %S' "$CXX" "${flags[@]}" -I"$dir" "$work/row$i.cpp"; } 2>&1 | tail -1 |
            awk '{ print $1 + $2 }')
        best[$i]=$(awk -v a="$t" -v b="${best[$i]}" 'BEGIN { print (a < b) ? a : b }')
    done
done

reference="${best[0]}"
printf '%s -std=%s, fastest of %d runs; ratio to the first row\n\n' "$("$CXX" --version | head -1)" "$std" "$runs"
printf '| TU includes | seconds | ratio |\n|---|---:|---:|\n'
for ((i = 0; i < ${#rows[@]}; ++i)); do
    IFS='|' read -r name _ _ <<< "${rows[$i]}"
    printf '| %s | %.2f | %.2f |\n' "$name" "${best[$i]}" "$(awk -v a="${best[$i]}" -v b="$reference" 'BEGIN { print a / b }')"
done
