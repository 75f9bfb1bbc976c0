# Fuzzing: builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan) and runs
# every target for a bounded time with its dictionary and a scratch copy of its
# corpus. Any crash, leak, timeout, out-of-memory or sanitizer report fails the
# step; the failing input is printed (base64) so it can be added to
# fuzz/corpus/<target>/ as a regression case. Budget: about 3 minutes with the
# build (HOOKSIG_FUZZ_SECONDS per target, two targets at a time).
set -euo pipefail
seconds=${HOOKSIG_FUZZ_SECONDS:-20}
parallel=${HOOKSIG_FUZZ_PARALLEL:-2}

start=$(date +%s)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j2
build_seconds=$(( $(date +%s) - start ))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mapfile -t targets < build/fuzz/fuzz/targets.txt
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets built"; exit 1; }

run_target() {
  local t=$1 dict=() begin end rc
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp fuzz/corpus/"$t"/* "$work/$t/corpus/" 2>/dev/null || true
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  begin=$(date +%s.%N)
  set +e
  build/fuzz/fuzz/"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$t/artifacts/" "${dict[@]}" "$work/$t/corpus" > "$work/$t/log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  echo "$rc" > "$work/$t/rc"
  awk -v b="$begin" -v e="$end" 'BEGIN { printf "%.1f\n", e - b }' > "$work/$t/seconds"
}

running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

stat() { sed -n "s/^stat::$2: *//p" "$work/$1/log" | tail -1; }
failed=0 total_execs=0 total_seconds=0
printf '\n| %-26s | %12s | %10s | %9s | %8s | %7s | %s |\n' target executions "exec/s" "new units" "RSS MB" seconds result
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..28})" "$(printf -- '-%.0s' {1..14})" \
  "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..10})" "$(printf -- '-%.0s' {1..9})" "--------"
for t in "${targets[@]}"; do
  rc=$(cat "$work/$t/rc") execs=$(stat "$t" number_of_executed_units) secs=$(cat "$work/$t/seconds")
  result=ok
  if [ "$rc" != 0 ] || [ -z "$execs" ] || [ -n "$(ls -A "$work/$t/artifacts")" ]; then result="FAIL (exit $rc)"; failed=1; fi
  printf '| %-26s | %12s | %10s | %9s | %8s | %7s | %s |\n' "$t" "${execs:-?}" "$(stat "$t" average_exec_per_sec)" \
    "$(stat "$t" new_units_added)" "$(stat "$t" peak_rss_mb)" "$secs" "$result"
  total_execs=$((total_execs + ${execs:-0}))
  total_seconds=$(awk -v a="$total_seconds" -v b="$secs" 'BEGIN { printf "%.1f", a + b }')
done
echo
echo "fuzzed ${#targets[@]} targets: $total_execs executions in $total_seconds s of fuzzing" \
     "(+ ${build_seconds} s build, $(( $(date +%s) - start )) s wall)"

if [ "$failed" != 0 ]; then
  for t in "${targets[@]}"; do
    if [ "$(cat "$work/$t/rc")" != 0 ] || [ -n "$(ls -A "$work/$t/artifacts")" ]; then
      echo "=== $t failed; last lines of its log:"
      tail -n 60 "$work/$t/log"
      for f in "$work/$t/artifacts"/*; do
        [ -e "$f" ] || continue
        echo "--- $(basename "$f") (base64; save as fuzz/corpus/$t/regression-$(basename "$f")):"
        base64 -w 0 "$f"; echo
      done
    fi
  done
  exit 1
fi
