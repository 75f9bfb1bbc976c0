#!/usr/bin/env bash
# End to end: a private redis-server and hooksig-receiver on loopback ports,
# driven by `hooksig send`. A valid delivery is accepted once, its replay and
# its retry are duplicates, a tampered one is rejected, the old secret still
# passes inside the grace window after `hooksig keyring rotate` + SIGHUP, no
# request fails while the keyring reloads, Redis going away gives 503 (a
# receiver started with --fail-open accepts instead), and a retrying sender gets
# through once Redis is back.
#
# usage: receiver-e2e.sh PATH/TO/hooksig PATH/TO/hooksig-receiver [PATH/TO/redis-server]
set -uo pipefail
cli=${1:?usage: receiver-e2e.sh HOOKSIG RECEIVER [REDIS_SERVER]}
receiver=${2:?usage: receiver-e2e.sh HOOKSIG RECEIVER [REDIS_SERVER]}
redis_server=${3:-$(command -v redis-server || true)}
[ -x "$redis_server" ] || { echo "FAIL redis-server not found"; exit 1; }

w=$(mktemp -d)
redis_pid='' receiver_pid='' loop_pid='' open_pid=''
cleanup() {
  for pid in $loop_pid $open_pid $receiver_pid $redis_pid; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$w"
}
trap cleanup EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

# One raw RESP command over bash's /dev/tcp; prints the first reply line.
redis_cmd() {
  local port=$1; shift
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s\r\n' "$*" >&3
  local line; IFS= read -r -t 2 line <&3; exec 3>&-
  printf '%s\n' "${line%$'\r'}"
}
# Starts redis-server on $redis_port (chosen free unless set); waits for PONG.
start_redis() {
  local tries
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    if [ -z "${keep_port:-}" ]; then
      redis_port=$(( 20000 + RANDOM % 40000 ))
      (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && continue # taken
    fi
    "$redis_server" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$w" \
      --daemonize no > "$w/redis.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 50); do
      # Our own log says it bound the port, so the PONG is ours, not another test's Redis.
      grep -q "Ready to accept connections" "$w/redis.log" 2>/dev/null &&
        [ "$(redis_cmd "$redis_port" PING 2>/dev/null)" = "+PONG" ] && return 0
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; redis_pid=''
    [ -n "${keep_port:-}" ] && sleep 0.2
  done
  echo "FAIL redis-server did not start"; exit 1
}
# Waits until the receiver's log holds $1 (a grep -E pattern) $2 times (default 1).
wait_log() {
  for _ in $(seq 200); do
    [ "$(grep -cE "$1" "$w/receiver.log")" -ge "${2:-1}" ] && return 0
    sleep 0.05
  done
  return 1
}
# POSTs raw headers (file $1, `Name: value` lines) and body (file $2) over
# /dev/tcp, bypassing `hooksig send` so the body can differ from what was signed.
raw_post() {
  exec 4<>"/dev/tcp/127.0.0.1/$port" || return 1
  { printf 'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n'
    printf 'Content-Length: %s\r\n' "$(wc -c < "$2")"
    sed 's/$/\r/' "$1"; printf '\r\n'; cat "$2"; } >&4
  local status; IFS= read -r -t 5 status <&4; exec 4>&-
  printf '%s\n' "${status%$'\r'}"
}

# 0. `hooksig send` usage errors exit 2; an unreachable receiver exits 1 after
#    the whole retry schedule (scaled down), with one message id throughout.
S=$("$cli" secret)
for args in "https://127.0.0.1:1/ --secret $S" "ftp://x/ --secret $S" "http://127.0.0.1:99999/ --secret $S" \
            "http://127.0.0.1:1/" "http://127.0.0.1:1/ --secret $S --keyring $w/none" \
            "http://127.0.0.1:1/ --secret $S --time-scale 0.1" "http://127.0.0.1:1/ --secret $S --retry --time-scale 0" \
            "http://127.0.0.1:1/ --secret $S --event 'bad type'" "http://127.0.0.1:1/ --secret whsec_short"; do
  eval "\"\$cli\" send $args" < /dev/null > /dev/null 2> "$w/err"; rc=$?
  check "send usage error exits 2: ${args//$S/S}" '[ $rc = 2 ] && ! grep -qF "$S" "$w/err"'
done
(exec 3<>/dev/tcp/127.0.0.1/1) 2>/dev/null && echo "note: something listens on port 1"
"$cli" send http://127.0.0.1:1/hook --secret "$S" --event unreachable --retry --time-scale 0.00001 > "$w/out0"; rc0=$?
check "an unreachable receiver: 8 attempts, exit 1, one id" \
  '[ $rc0 = 1 ] && [ "$(grep -c "^attempt [1-8]: no response" "$w/out0")" = 8 ] && [ "$(grep -c "^retrying in" "$w/out0")" = 7 ] && grep -q "^failed msg_[0-9a-f]\{32\} after 8 attempts$" "$w/out0"'

start_redis
"$cli" keyring new "$w/keys" > "$w/secret1" 2>/dev/null
old_id=$("$cli" keyring show "$w/keys" | awk 'NR == 2 { print $1 }')
for args in "--keyring $w/keys" "--listen 127.0.0.1:0" "--listen 127.0.0.1:0 --keyring $w/none" \
            "--listen 127.0.0.1:0 --keyring $w/keys --scheme github" "--listen 127.0.0.1:0 --keyring $w/keys --bogus 1"; do
  timeout 10 "$receiver" $args > /dev/null 2> "$w/err"; rc=$?
  check "receiver refuses to start (exit 2): $args" '[ $rc = 2 ] && [ -s "$w/err" ]'
done
timeout 10 "$receiver" --listen 127.0.0.1:0 --keyring "$w/keys" --scheme github > /dev/null 2> "$w/err"
check "a keyring of the wrong kind for --scheme is named by key id" 'grep -q "key $old_id is not a github secret" "$w/err"'
# A secret typed where an option or a scheme belongs is named by position, never echoed (issue #17).
leak=$(cat "$w/secret1")
for args in "--listen 127.0.0.1:0 --keyring $w/keys $leak" "--listen 127.0.0.1:0 --keyring $w/keys $leak x" \
            "--listen 127.0.0.1:0 --keyring $w/keys --scheme $leak"; do
  timeout 10 "$receiver" $args > /dev/null 2> "$w/err"; rc=$?
  check "a misplaced secret is refused without being echoed" '[ $rc = 2 ] && ! grep -qF -- "$leak" "$w/err"'
done
"$receiver" --listen 127.0.0.1:0 --keyring "$w/keys" --redis "127.0.0.1:$redis_port" > "$w/receiver.log" 2>&1 &
receiver_pid=$!
wait_log '^listening ' || { echo "FAIL receiver did not start"; cat "$w/receiver.log"; exit 1; }
port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$w/receiver.log")
url="http://127.0.0.1:$port/hook"
echo "redis on $redis_port, receiver on $port"

# 1. A valid delivery is accepted once; replaying its exact bytes, or retrying
#    it (same id, fresh timestamp and signature), is a duplicate.
printf '{"type":"payment.succeeded","amount":4200}' > "$w/body"
ts=$(date +%s)
"$cli" send "$url" --keyring "$w/keys" --id msg_e2e_1 --timestamp "$ts" --body-file "$w/body" > "$w/out1"; rc1=$?
check "a valid delivery is accepted (exit 0)" '[ $rc1 = 0 ] && grep -q "^attempt 1: HTTP 200 .*: accepted$" "$w/out1"'
check "the id is recorded in Redis" '[ "$(redis_cmd "$redis_port" EXISTS hooksig:id:msg_e2e_1)" = ":1" ]'
"$cli" send "$url" --keyring "$w/keys" --id msg_e2e_1 --timestamp "$ts" --body-file "$w/body" > "$w/out2"; rc2=$?
check "its replay (same bytes) is a 200 duplicate" '[ $rc2 = 0 ] && grep -q "^attempt 1: HTTP 200 .*: duplicate$" "$w/out2"'
"$cli" send "$url" --keyring "$w/keys" --id msg_e2e_1 --body-file "$w/body" > "$w/out3"; rc3=$?
check "a retry (fresh timestamp, same id) is a duplicate" '[ $rc3 = 0 ] && grep -q ": duplicate$" "$w/out3"'
check "the receiver logged accepted once, then two duplicates" \
  '[ "$(grep -c "id=msg_e2e_1 verdict=accepted" "$w/receiver.log")" = 1 ] && [ "$(grep -c "id=msg_e2e_1 verdict=duplicate" "$w/receiver.log")" = 2 ]'

# 2. Tampered and wrongly signed deliveries are rejected.
"$cli" sign --keyring "$w/keys" --id msg_e2e_tampered --body-file "$w/body" > "$w/signed-headers"
check "the untampered raw post is accepted" '[ "$(raw_post "$w/signed-headers" "$w/body")" = "HTTP/1.1 200 OK" ]'
"$cli" sign --keyring "$w/keys" --id msg_e2e_tampered2 --body-file "$w/body" > "$w/signed-headers2"
printf '{"type":"payment.succeeded","amount":9999}' > "$w/tampered"
check "a tampered body is rejected with 401" '[ "$(raw_post "$w/signed-headers2" "$w/tampered")" = "HTTP/1.1 401 Unauthorized" ]'
check "the tampered delivery is logged invalid, not recorded" \
  'grep -q "id=msg_e2e_tampered2 verdict=invalid status=401 key=- .*reason=\"no matching signature\"" "$w/receiver.log" && [ "$(redis_cmd "$redis_port" EXISTS hooksig:id:msg_e2e_tampered2)" = ":0" ]'
grep -v '^webhook-signature' "$w/signed-headers2" > "$w/unsigned-headers"
check "a delivery without its signature header is a 400" '[ "$(raw_post "$w/unsigned-headers" "$w/body")" = "HTTP/1.1 400 Bad Request" ]'
"$cli" send "$url" --secret "$("$cli" secret)" --event payment.succeeded > "$w/out4"; rc4=$?
check "a delivery signed with an unknown secret exits 1 with a 401" '[ $rc4 = 1 ] && grep -q "HTTP 401 .*no matching signature" "$w/out4"'

# 3. Rotation: the new secret is unknown until SIGHUP; afterwards both the new
#    one and the old one (inside its grace window) pass.
cp -p "$w/keys" "$w/keys.old"
new_secret=$("$cli" keyring rotate "$w/keys" --grace 1h 2>/dev/null)
new_id=$("$cli" keyring show "$w/keys" | awk 'NR == 2 { print $1 }')
"$cli" send "$url" --secret "$new_secret" --event key.rotated > "$w/out5"; rc5=$?
check "before SIGHUP the new secret is rejected" '[ $rc5 = 1 ] && grep -q "HTTP 401" "$w/out5"'
kill -HUP "$receiver_pid"
wait_log '^keyring reloaded: 2 keys' || true
check "SIGHUP reloads the keyring (both key ids logged)" "grep -q \"^keyring reloaded: 2 keys \\[$new_id,$old_id\\]\" \"\$w/receiver.log\""
"$cli" send "$url" --secret "$new_secret" --event key.rotated > "$w/out6"; rc6=$?
check "after SIGHUP the new secret passes" '[ $rc6 = 0 ] && grep -q ": accepted$" "$w/out6"'
"$cli" send "$url" --keyring "$w/keys.old" --id msg_e2e_old_key --event signed.with.old > "$w/out7"; rc7=$?
check "the old secret passes inside the grace window" '[ $rc7 = 0 ] && grep -q ": accepted$" "$w/out7"'
check "the log names the old key for it" 'grep -q "id=msg_e2e_old_key verdict=accepted status=200 key=$old_id " "$w/receiver.log"'

# ... and once a rotation with no grace is loaded, the old secrets fail.
"$cli" keyring rotate "$w/keys" --grace 0 > /dev/null 2>&1
kill -HUP "$receiver_pid"
wait_log '^keyring reloaded: 1 keys' || true
"$cli" send "$url" --keyring "$w/keys.old" --event signed.with.old > "$w/out7b"; rc7b=$?
check "after a rotation with --grace 0 + SIGHUP the old secret is rejected" '[ $rc7b = 1 ] && grep -q "HTTP 401" "$w/out7b"'

# 4. Reloads do not drop requests: deliveries keep flowing during 5 SIGHUPs.
( for i in $(seq 40); do
    "$cli" send "$url" --keyring "$w/keys" --event reload.load --timeout 5 > /dev/null || echo "lost $i"
  done > "$w/loop.out" ) &
loop_pid=$!
for _ in 1 2 3 4 5; do sleep 0.05; kill -HUP "$receiver_pid"; done
wait "$loop_pid"; loop_pid=''
check "no delivery failed while the keyring reloaded" '[ ! -s "$w/loop.out" ] && [ "$(grep -c "verdict=accepted" "$w/receiver.log")" = 44 ]'

# 5. Redis goes away: fail-closed answers 503; a retrying sender gets through
#    once Redis is back (on the same port).
kill -KILL "$redis_pid"; wait "$redis_pid" 2>/dev/null; redis_pid=''
"$cli" send "$url" --keyring "$w/keys" --event store.down > "$w/out8"; rc8=$?
check "with Redis down the receiver answers 503 (exit 1)" '[ $rc8 = 1 ] && grep -q "HTTP 503 .*store unavailable" "$w/out8"'
check "the 503 is logged with the store error" 'grep -q "verdict=unavailable status=503 .*reason=\"replay store unavailable\"" "$w/receiver.log"'
# A receiver started with --fail-open accepts instead, and says so in its log.
"$receiver" --listen 127.0.0.1:0 --keyring "$w/keys" --redis "127.0.0.1:$redis_port" --fail-open > "$w/open.log" 2>&1 &
open_pid=$!
for _ in $(seq 200); do grep -q '^listening ' "$w/open.log" && break; sleep 0.05; done
open_port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$w/open.log")
"$cli" send "http://127.0.0.1:$open_port/hook" --keyring "$w/keys" --event store.down > "$w/out8b"; rc8b=$?
kill -TERM "$open_pid"; wait "$open_pid"; open_pid=''
check "with --fail-open the delivery is accepted and the log flags it" \
  '[ $rc8b = 0 ] && grep -q ": accepted$" "$w/out8b" && grep -q "verdict=accepted status=200 .*reason=\"fail-open: replay store unavailable\"" "$w/open.log"'
"$cli" send "$url" --keyring "$w/keys" --id msg_e2e_retry --event store.back --retry --time-scale 0.001 > "$w/out9" &
send_pid=$!
sleep 0.5
keep_port=1 start_redis
wait "$send_pid"; rc9=$?
check "a retrying sender is delivered after Redis returns" '[ $rc9 = 0 ] && grep -q "^attempt 1: HTTP 503" "$w/out9" && grep -q "^delivered msg_e2e_retry$" "$w/out9"'
check "retries keep the message id (one accepted)" '[ "$(grep -c "id=msg_e2e_retry verdict=accepted" "$w/receiver.log")" = 1 ]'

# 5b. A memory store too small for the traffic: ids evicted before their TTL are
#     reported (rate-limited), so the operator can size --capacity (issue #17 row 11).
"$receiver" --listen 127.0.0.1:0 --keyring "$w/keys" --capacity 2 > "$w/small.log" 2>&1 &
open_pid=$!
for _ in $(seq 200); do grep -q '^listening ' "$w/small.log" && break; sleep 0.05; done
small_port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$w/small.log")
for i in 1 2 3 4; do "$cli" send "http://127.0.0.1:$small_port/hook" --keyring "$w/keys" --id "msg_small_$i" --event small > /dev/null; done
kill -TERM "$open_pid"; wait "$open_pid"; open_pid=''
check "a store that drops unexpired ids says so once, with the figures to size it" \
  '[ "$(grep -c "warning: replay store evicted" "$w/small.log")" = 1 ] && grep -q "evicted 1 unexpired ids .*2 of 2 held): raise --capacity" "$w/small.log"'

# 6. The log holds no secret and no signature.
check "the log never shows a secret or a signature" \
  '! grep -qF "$(cat "$w/secret1")" "$w/receiver.log" && ! grep -qF "$new_secret" "$w/receiver.log" && ! grep -q "v1," "$w/receiver.log"'

kill -TERM "$receiver_pid"; wait "$receiver_pid"; rc_stop=$?; receiver_pid=''
check "SIGTERM stops the receiver cleanly (exit 0)" '[ $rc_stop = 0 ]'
[ $fail = 0 ] || { echo "--- receiver log"; cat "$w/receiver.log"; }
exit $fail
