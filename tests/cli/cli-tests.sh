#!/usr/bin/env bash
# The hooksig CLI contract: exit codes, output shapes, and that no secret leaks.
set -uo pipefail
cli=${1:?usage: cli-tests.sh PATH/TO/hooksig}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

S=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw; ID=msg_p5jXN8AQM9LWM0D4loKWxJek; TS=1614265330
printf '%s' '{"test": 2432232314}' > "$w/body"
"$cli" sign --secret "$S" --id "$ID" --timestamp "$TS" --body-file "$w/body" > "$w/h"
check "sign prints the three headers" '[ "$(wc -l < "$w/h")" = 3 ] && grep -qx "webhook-id: $ID" "$w/h" && grep -qx "webhook-timestamp: $TS" "$w/h"'
check "sign prints the docs vector signature" 'grep -qx "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" "$w/h"'
check "sign reads the body from stdin" '"$cli" sign --secret "$S" --id "$ID" --timestamp "$TS" < "$w/body" | cmp -s - "$w/h"'
check "sign output feeds verify" '[ "$("$cli" verify --secret "$S" --headers-file "$w/h" --now "$TS" --body-file "$w/body")" = valid ]'
printf 'x' >> "$w/body2"; cat "$w/body" >> "$w/body2"
"$cli" verify --secret "$S" --headers-file "$w/h" --now "$TS" --body-file "$w/body2" > "$w/out" 2> "$w/err"; rc=$?
check "tampered body exits 1 with the reason" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ] && [ ! -s "$w/out" ]'
"$cli" verify --secret "$S" --headers-file "$w/h" --now $((TS + 301)) --body-file "$w/body" 2> "$w/err"; rc=$?
check "too old exits 1" '[ $rc = 1 ] && grep -qx "invalid: timestamp too old" "$w/err"'
"$cli" verify --secret "$S" --headers-file "$w/h" --now $((TS - 301)) --body-file "$w/body" 2> "$w/err"; rc=$?
check "too new exits 1" '[ $rc = 1 ] && grep -qx "invalid: timestamp too new" "$w/err"'
check "--tolerance widens the window" '"$cli" verify --secret "$S" --headers-file "$w/h" --now $((TS + 900)) --tolerance 900 --body-file "$w/body" >/dev/null'
"$cli" verify --secret "$S" --header "webhook-id: $ID" --header "webhook-timestamp: $TS" --now "$TS" --body-file "$w/body" 2> "$w/err"; rc=$?
check "missing signature header exits 1" '[ $rc = 1 ] && grep -qx "invalid: missing header" "$w/err"'
check "svix- headers are accepted" 'sed "s/^webhook-/svix-/" "$w/h" > "$w/hs" && "$cli" verify --secret "$S" --headers-file "$w/hs" --now "$TS" --body-file "$w/body" >/dev/null'
check "header names are case-insensitive" 'sed "s/^webhook-signature/WEBHOOK-Signature/" "$w/h" > "$w/hc" && "$cli" verify --secret "$S" --headers-file "$w/hc" --now "$TS" --body-file "$w/body" >/dev/null'

S2=$("$cli" secret --bytes 48)
"$cli" sign --secret "$S" --secret "$S2" --id "$ID" --timestamp "$TS" --body-file "$w/body" > "$w/h2"
check "two secrets give two signatures" '[ "$(grep -o "v1," "$w/h2" | wc -l)" = 2 ]'
check "either secret verifies" '"$cli" verify --secret "$S2" --headers-file "$w/h2" --now "$TS" --body-file "$w/body" >/dev/null && "$cli" verify --secret "$S" --headers-file "$w/h2" --now "$TS" --body-file "$w/body" >/dev/null'
check "sign without --id generates msg_ ids" '"$cli" sign --secret "$S" --body-file "$w/body" | grep -Eq "^webhook-id: msg_[0-9a-f]{32}$"'

check "secret: default 32 bytes" '[[ "$("$cli" secret)" =~ ^whsec_[A-Za-z0-9+/]{43}=$ ]]'
check "secret --bytes 24" '[[ "$("$cli" secret --bytes 24)" =~ ^whsec_[A-Za-z0-9+/]{32}$ ]]'
check "secret --bytes 64" '[[ "$("$cli" secret --bytes 64)" =~ ^whsec_[A-Za-z0-9+/]{86}==$ ]]'
check "secrets differ" '[ "$("$cli" secret)" != "$("$cli" secret)" ]'
for n in 0 23 65 abc -1; do
  "$cli" secret --bytes "$n" >/dev/null 2>&1; rc=$?
  check "secret --bytes $n is a usage error" '[ $rc = 2 ]'
done

for args in "--bogus" "verify" "sign" "frobnicate" "verify --secret $S --header nocolon" "verify --secret $S --header 'a: b' --now 1e9"; do
  eval "\"\$cli\" $args" < /dev/null > /dev/null 2> "$w/err"; rc=$?
  check "usage error exits 2: $args" '[ $rc = 2 ]'
  check "usage error does not echo the secret: $args" '! grep -q "MfKQ9r8G" "$w/err"'
done
BAD=whsec_AAAAsecretAAAAAAAAAAAAAAAA
"$cli" verify --secret "$BAD" --headers-file "$w/h" --now "$TS" --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "an invalid --secret is a usage error that never prints it" '[ $rc = 2 ] && ! grep -q secretAAAA "$w/err" "$w/out"'
"$cli" sign --secret "$S" --id "$ID" --body-file "$w/body" > "$w/out" 2> "$w/err"
check "sign never prints the secret" '! grep -q "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" "$w/out" "$w/err"'
"$cli" verify --secret "$S" --headers-file "$w/h" --now "$TS" --body-file "$w/body" > "$w/out" 2> "$w/err"
check "verify never prints the secret" '! grep -q "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" "$w/out" "$w/err"'
"$cli" verify --secret "$S" --headers-file "$w/h" --now "$TS" --body-file "$w/body2" > "$w/out" 2> "$w/err"
check "a failed verify never prints the secret" '! grep -q "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" "$w/out" "$w/err"' 
exit $fail
