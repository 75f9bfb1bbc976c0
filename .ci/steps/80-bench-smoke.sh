# Benchmarks keep building and running: the release preset's bench target, a
# short run, and zero heap allocations per verification. Timing ratios are
# printed for the log but never fail CI (shared CI machines are too noisy).
set -euo pipefail
cmake --preset release >/dev/null
cmake --build build/release --target hooksig_bench -j2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timeout 120 build/release/bench/hooksig_bench --benchmark_min_time=0.05 \
  --benchmark_format=json --benchmark_out="$out/bench.json" >/dev/null
python3 bench/report.py "$out/bench.json" --check-allocs
