#!/usr/bin/env bash
# Load and abuse tests of hooksig-receiver on loopback (issue #18), beside a
# minimal Node receiver (node-receiver.mjs) in the same run:
#   1. keep-alive and new-connection throughput, p50/p99, for valid, duplicate
#      and invalid deliveries, hooksig-receiver vs Node;
#   2. 256 slow connections (one byte every 2 s) while valid deliveries flow;
#   3. 4 x 512 MiB unsigned bodies at once: rejected, peak RSS <= 64 MiB;
#   4. --forward to an upstream failing 30%: each delivery processed exactly once
#      after the client's retries;
#   5. Redis killed and restarted mid-load: only 503 while down, 200 within 1 s after.
#
# usage: tests/load/run.sh [--short | --long] BUILD_DIR
#   --short (CI, < 3 min): short runs; fails on correctness, reports the
#   performance targets. --long (by hand): 10 s runs; fails on the targets too.
# Needs BUILD_DIR/{tools/hooksig/hooksig, tools/hooksig-receiver/hooksig-receiver,
# tests/load/hooksig-load}, node + npm (tests/interop's packages), redis-server, python3.
set -uo pipefail
mode=short
case "${1:-}" in --short) shift ;; --long) mode=long; shift ;; esac
build=$(realpath "${1:?usage: run.sh [--short|--long] BUILD_DIR}")
here=$(cd "$(dirname "$0")" && pwd)
cli=$build/tools/hooksig/hooksig
receiver=$build/tools/hooksig-receiver/hooksig-receiver
load=$build/tests/load/hooksig-load
for f in "$cli" "$receiver" "$load"; do [ -x "$f" ] || { echo "FAIL missing $f"; exit 1; }; done
if [ ! -f "$here/../interop/node_modules/.package-lock.json" ]; then
  (cd "$here/../interop" && npm ci --no-audit --no-fund >/dev/null) || { echo "FAIL npm ci in tests/interop"; exit 1; }
fi
if [ $mode = long ]; then secs=10; slow_deadline=10; slow_secs=14; fwd_n=5000; else secs=2; slow_deadline=2; slow_secs=5; fwd_n=600; fi

w=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$w"; }
trap cleanup EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
# A performance target: fails only in --long mode (CI machines are shared).
target() { if eval "$2"; then echo "ok   target: $1"; elif [ $mode = long ]; then echo "FAIL target: $1"; fail=1; else echo "MISS target: $1 (short mode: reported, not failed)"; fi; }
json() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).read()); print(eval(sys.argv[2], {}, d))" "$@"; }

"$cli" secret > "$w/secret"; chmod 600 "$w/secret"
# Starts hooksig-receiver with extra flags; sets $port and $rpid.
start_receiver() {
  local log=$1; shift
  "$receiver" --listen 127.0.0.1:0 --secret-file "$w/secret" "$@" > "$log" 2>&1 &
  rpid=$!; pids+=("$rpid")
  for _ in $(seq 200); do grep -q '^listening ' "$log" && break; sleep 0.05; done
  port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log")
  [ -n "$port" ] || { echo "FAIL receiver did not start"; cat "$log"; exit 1; }
}
stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

echo "== 1. throughput ($secs s per run, 8 connections, 1 KiB bodies; receiver log to a file)"
start_receiver "$w/r1.log"
node "$here/node-receiver.mjs" 0 "$w/secret" > "$w/node.log" 2>&1 &
npid=$!; pids+=("$npid")
for _ in $(seq 100); do grep -q '^listening' "$w/node.log" && break; sleep 0.05; done
nport=$(awk '{print $2}' "$w/node.log")
printf '%-10s %-12s %-9s %9s %8s %8s %8s %6s  %s\n' server mode conn req/s p50_ms p99_ms max_ms '>100ms' statuses
for run in "valid" "duplicate" "invalid" "valid --new-connection"; do
  for who in hooksig node; do
    p=$port; [ $who = node ] && p=$nport
    # shellcheck disable=SC2086
    "$load" --port "$p" --secret-file "$w/secret" --seconds "$secs" --mode $run > "$w/$who.json"
    m=${run%% *}; c=keep-alive; [ "$run" != "$m" ] && c=new
    cp "$w/$who.json" "$w/$who-$m-$c.json"
    printf '%-10s %-12s %-9s %9s %8s %8s %8s %6s  %s\n' $who "$m" $c "$(json "$w/$who.json" rps)" "$(json "$w/$who.json" p50_ms)" \
      "$(json "$w/$who.json" p99_ms)" "$(json "$w/$who.json" max_ms)" "$(json "$w/$who.json" over_100ms)" "$(json "$w/$who.json" 'statuses')"
  done
done
check "hooksig: valid deliveries all 200" '[ "$(json "$w/hooksig-valid-keep-alive.json" "list(statuses)")" = "['"'"'200'"'"']" ]'
check "hooksig: invalid deliveries all 401" '[ "$(json "$w/hooksig-invalid-keep-alive.json" "list(statuses)")" = "['"'"'401'"'"']" ]'
check "hooksig: new-connection deliveries all 200" '[ "$(json "$w/hooksig-valid-new.json" "list(statuses)")" = "['"'"'200'"'"']" ]'
check "node: valid deliveries all 200 (a fair baseline)" '[ "$(json "$w/node-valid-keep-alive.json" "list(statuses)")" = "['"'"'200'"'"']" ]'
ratio=$(python3 -c "import json; a=json.load(open('$w/hooksig-valid-keep-alive.json')); b=json.load(open('$w/node-valid-keep-alive.json')); print(f'{a[\"rps\"]/b[\"rps\"]:.2f}')")
echo "keep-alive valid: hooksig/node = ${ratio}x"
target "keep-alive >= 2x Node's req/s (valid)" "python3 -c 'import sys; sys.exit(0 if $ratio >= 2 else 1)'"
target "p99 <= 5 ms at 8 keep-alive connections (valid)" '[ "$(json "$w/hooksig-valid-keep-alive.json" "p99_ms <= 5")" = True ]'
target "no request over 100 ms (every hooksig run)" \
  '[ "$(cat "$w"/hooksig-*.json | python3 -c "import json,sys; print(sum(json.loads(l)[\"over_100ms\"] for l in sys.stdin))")" = 0 ]'
stop "$npid"; stop "$rpid"

echo "== 2. 256 slow connections (one byte every 2 s, --request-timeout $slow_deadline) while deliveries flow"
start_receiver "$w/r2.log" --request-timeout "$slow_deadline"
"$load" --port "$port" --secret-file "$w/secret" --seconds "$slow_secs" --slow 256 > "$w/slow.json"
cat "$w/slow.json"
check "every valid delivery beside them succeeded" '[ "$(json "$w/slow.json" "list(statuses)")" = "['"'"'200'"'"']" ]'
check "all 256 slow connections were opened and cut" '[ "$(json "$w/slow.json" "slow_opened, slow_cut")" = "(256, 256)" ]'
check "... at the deadline (${slow_deadline} s, seen within 0.1 s)" \
  '[ "$(json "$w/slow.json" "slow_cut_max_s <= '$slow_deadline' + 0.7 and slow_cut_median_s >= '$slow_deadline' - 0.2")" = True ]'
target "p99 <= 50 ms for the deliveries beside them" '[ "$(json "$w/slow.json" "p99_ms <= 50")" = True ]'
stop "$rpid"

echo "== 3. 4 x 512 MiB unsigned bodies at once"
start_receiver "$w/r3.log"
python3 - "$port" > "$w/big.out" <<'EOF'
import socket, sys, threading
port = int(sys.argv[1]); results = []
def big():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (512 << 20))
    sent, chunk = 0, b"\0" * (1 << 20)
    try:
        while sent < 512 << 20:
            s.sendall(chunk); sent += len(chunk)
    except OSError:
        pass
    try:
        status = s.recv(64).split(b" ")[1].decode()
    except (OSError, IndexError):
        status = "reset"
    results.append((status, sent >> 20))
ts = [threading.Thread(target=big) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(" ".join(f"{st}:{mib}MiB" for st, mib in results))
EOF
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$rpid/status")
echo "statuses:MiB sent before the server closed: $(cat "$w/big.out"); receiver peak RSS ${hwm} kB"
check "all four rejected (413 from Content-Length, or reset before the body)" '! grep -qE "(^| )(200|400|401|503)" "$w/big.out"'
check "receiver peak RSS <= 64 MiB" '[ "$hwm" -le 65536 ]'
stop "$rpid"

echo "== 4. --forward to an upstream failing 30%: $fwd_n deliveries, retried until 2xx"
python3 "$here/flaky_upstream.py" "$w/up.port" "$w/processed" 0.3 &
upid=$!; pids+=("$upid")
for _ in $(seq 100); do [ -s "$w/up.port" ] && break; sleep 0.05; done
start_receiver "$w/r4.log" --forward "http://127.0.0.1:$(cat "$w/up.port")/hook" --forward-timeout 2
"$load" --port "$port" --secret-file "$w/secret" --requests "$fwd_n" --retry --ids-out "$w/delivered" > "$w/fwd.json"
cat "$w/fwd.json"
kill -TERM "$upid"; wait "$upid" 2>/dev/null
sort "$w/delivered" > "$w/delivered.s"; sort "$w/processed" > "$w/processed.s"
echo "sent $fwd_n, delivered $(wc -l < "$w/delivered"), processed by the upstream $(wc -l < "$w/processed") ($(sort -u "$w/processed" | wc -l) distinct)"
check "every delivery got a 2xx in the end" '[ "$(wc -l < "$w/delivered")" = "$fwd_n" ]'
check "the upstream processed each exactly once" 'cmp -s "$w/delivered.s" "$w/processed.s" && [ -z "$(uniq -d "$w/processed.s")" ]'
check "the failures were retried (some 503s seen)" '[ "$(json "$w/fwd.json" "statuses.get(\"503\", 0) > 0")" = True ]'
stop "$rpid"

echo "== 5. Redis killed and restarted mid-load"
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$w" > "$w/redis.log" 2>&1 &
  redis_pid=$!; pids+=("$redis_pid")
  for _ in $(seq 100); do grep -q "Ready to accept" "$w/redis.log" && return 0; sleep 0.02; done
  echo "FAIL redis-server did not start"; exit 1
}
now_ms() { date +%s%3N; }
start_redis
start_receiver "$w/r5.log" --redis "127.0.0.1:$redis_port"
"$load" --port "$port" --secret-file "$w/secret" --seconds 6 --timeline "$w/timeline" > "$w/redis.json" &
lpid=$!
sleep 1.5; kill -KILL "$redis_pid"; wait "$redis_pid" 2>/dev/null; down=$(now_ms)
sleep 2; start_redis; up=$(now_ms)
wait "$lpid"
cat "$w/redis.json"
python3 - "$w/timeline" "$down" "$up" > "$w/redis.verdict" <<'EOF'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
down, up = int(sys.argv[2]), int(sys.argv[3])
during = [s for t, s in rows if down + 20 < t < up]
after = [t for t, s in rows if t >= up and s == 200]
bad = sorted(set(s for s in during if s != 503))
first = (after[0] - up) if after else -1
print(f"down {up - down} ms: {len(during)} answers, non-503 among them: {bad}; first 200 {first} ms after Redis was back")
print("OK" if during and not bad and 0 <= first <= 1000 else "BAD")
EOF
cat "$w/redis.verdict"
check "only 503 while Redis was down, 200 again within 1 s" '[ "$(tail -1 "$w/redis.verdict")" = OK ]'
stop "$rpid"

exit $fail
