# Benchmarks keep building and running: a short run of the bench binary that
# 10-default.sh built (-O2 -DNDEBUG like the release preset, plus line tables,
# so the code measured is the same and nothing is compiled twice), and
# zero heap allocations per verification. Timing ratios are printed for the log
# but never fail CI (shared CI machines are too noisy).
set -euo pipefail
bench=build/default/bench/hooksig_bench
grep -q '^CMAKE_BUILD_TYPE:STRING=RelWithDebInfo$' build/default/CMakeCache.txt &&
  grep -q '^CMAKE_CXX_FLAGS_RELWITHDEBINFO:STRING=-O2 -g1 -DNDEBUG$' build/default/CMakeCache.txt ||
  { echo "build/default is not the default preset's -O2 build"; exit 1; }
[ -x "$bench" ] || { echo "$bench missing: 10-default.sh builds it"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timeout 120 "$bench" --benchmark_min_time=0.05 \
  --benchmark_format=json --benchmark_out="$out/bench.json" >/dev/null
python3 bench/report.py "$out/bench.json" --check-allocs
