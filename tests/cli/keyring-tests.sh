#!/usr/bin/env bash
# The `hooksig keyring` contract: files, rotation with grace, sign/verify --keyring,
# exit codes, and that no whole secret is ever printed except the one new secret.
set -uo pipefail
cli=${1:?usage: keyring-tests.sh PATH/TO/hooksig}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
body_of() { grep -o 'whsec_[A-Za-z0-9+/=]*' "$1" | head -1 | cut -c7-; }

T=1700000000
printf '%s' '{"amount": 100}' > "$w/body"

# new
"$cli" keyring new "$w/ring" --now "$T" > "$w/new" 2> "$w/new.err"; rc=$?
check "new exits 0 and prints one whsec_ secret on stdout" '[ $rc = 0 ] && [ "$(wc -l < "$w/new")" = 1 ] && [[ "$(cat "$w/new")" =~ ^whsec_[A-Za-z0-9+/]{43}=$ ]]'
check "new prints the key id on stderr" 'grep -Eqx "key [0-9a-f]{12}" "$w/new.err"'
check "new writes mode 0600" '[ "$(stat -c %a "$w/ring")" = 600 ]'
check "the file starts with the format line" '[ "$(head -1 "$w/ring")" = "hooksig-keyring 1" ]'
A=$(cat "$w/new"); A_ID=$(sed -n 's/^key //p' "$w/new.err")
check "the file line holds id, kind, window and secret" 'grep -qx "$A_ID whsec $T - $A" "$w/ring"'
cp "$w/ring" "$w/ring.before"
"$cli" keyring new "$w/ring" > "$w/out" 2> "$w/err"; rc=$?
check "new refuses to overwrite an existing file" '[ $rc = 2 ] && cmp -s "$w/ring" "$w/ring.before" && [ ! -s "$w/out" ]'
"$cli" keyring new "$w/ring48" --bytes 48 > "$w/new48" 2>/dev/null
check "new --bytes 48" '[[ "$(cat "$w/new48")" =~ ^whsec_[A-Za-z0-9+/]{64}$ ]]'
for n in 23 65 x; do
  "$cli" keyring new "$w/bad$n" --bytes "$n" > /dev/null 2>&1; rc=$?
  check "new --bytes $n is a usage error and writes nothing" '[ $rc = 2 ] && [ ! -e "$w/bad$n" ]'
done

# sign and verify with a one-key ring
"$cli" sign --keyring "$w/ring" --now $((T + 10)) --id msg_1 --body-file "$w/body" > "$w/h1"
check "sign --keyring: one key, one signature, --timestamp defaults to --now" '[ "$(grep -o "v1," "$w/h1" | wc -l)" = 1 ] && grep -qx "webhook-timestamp: $((T + 10))" "$w/h1"'
check "sign --keyring matches sign --secret" '"$cli" sign --secret "$A" --id msg_1 --timestamp $((T + 10)) --body-file "$w/body" | cmp -s - "$w/h1"'
"$cli" verify --keyring "$w/ring" --headers-file "$w/h1" --now $((T + 10)) --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "verify --keyring: stdout exactly 'valid', key id on stderr" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ] && [ "$(cat "$w/err")" = "key $A_ID" ]'

# rotate with a 15 minute grace at T+1000
R=$((T + 1000))
"$cli" keyring rotate "$w/ring" --grace 15m --now "$R" > "$w/rot" 2> "$w/rot.err"; rc=$?
B=$(cat "$w/rot"); B_ID=$(sed -n 's/^key //p' "$w/rot.err")
check "rotate prints one new secret" '[ $rc = 0 ] && [[ "$B" =~ ^whsec_ ]] && [ "$B" != "$A" ]'
check "rotate keeps mode 0600 and leaves no temporary file" '[ "$(stat -c %a "$w/ring")" = 600 ] && [ -z "$(ls -A "$w" | grep tmp)" ]'
check "rotate sets the old key to end at now + grace, new first" '[ "$(grep -v "^#" "$w/ring" | sed -n 2p)" = "$B_ID whsec $R - $B" ] && [ "$(grep -v "^#" "$w/ring" | sed -n 3p)" = "$A_ID whsec $T $((R + 900)) $A" ]'

"$cli" sign --keyring "$w/ring" --now $((R + 60)) --id msg_2 --body-file "$w/body" > "$w/h2"
check "inside the grace window sign carries both signatures" '[ "$(grep -o "v1," "$w/h2" | wc -l)" = 2 ]'
check "either secret alone verifies it" '"$cli" verify --secret "$A" --headers-file "$w/h2" --now $((R + 60)) --body-file "$w/body" >/dev/null && "$cli" verify --secret "$B" --headers-file "$w/h2" --now $((R + 60)) --body-file "$w/body" >/dev/null'
"$cli" sign --secret "$A" --id msg_3 --timestamp $((R - 1)) --body-file "$w/body" > "$w/old"
"$cli" verify --keyring "$w/ring" --headers-file "$w/old" --now $((R + 30)) --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "a delivery signed with the old key just before rotation verifies inside the grace, naming the old key" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ] && [ "$(cat "$w/err")" = "key $A_ID" ]'
"$cli" sign --secret "$A" --id msg_4 --timestamp $((R + 899)) --body-file "$w/body" > "$w/last"
check "the old key verifies in its last second" '"$cli" verify --keyring "$w/ring" --headers-file "$w/last" --now $((R + 899)) --body-file "$w/body" >/dev/null 2>&1'
"$cli" verify --keyring "$w/ring" --headers-file "$w/last" --now $((R + 900)) --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "at the boundary second (now = not_after) the old key is dead" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ] && [ ! -s "$w/out" ]'
"$cli" verify --keyring "$w/ring" --headers-file "$w/old" --now $((R + 900)) --tolerance 3600 --body-file "$w/body" 2> "$w/err"; rc=$?
check "a retry of a pre-rotation delivery after the grace: no active key" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no active key" ]'
"$cli" sign --keyring "$w/ring" --now $((R + 900)) --id msg_5 --body-file "$w/body" > "$w/h5"
check "after the grace sign carries only the new signature" '[ "$(grep -o "v1," "$w/h5" | wc -l)" = 1 ] && "$cli" verify --secret "$B" --headers-file "$w/h5" --now $((R + 900)) --body-file "$w/body" >/dev/null'

# show
"$cli" keyring show "$w/ring" --now $((R + 60)) > "$w/show" 2> "$w/err"; rc=$?
check "show lists both keys, the new one primary" '[ $rc = 0 ] && grep -E "^$B_ID +active +whsec .*never .*primary$" "$w/show" >/dev/null && grep -E "^$A_ID +active " "$w/show" >/dev/null'
check "show prints ISO-8601 UTC and Unix times" 'grep -q "2023-11-14T22:30:00Z ($R)" "$w/show" && grep -q "($((R + 900)))" "$w/show"'
check "show never prints a whole secret" '! grep -qF "$(echo "$A" | cut -c7-)" "$w/show" && ! grep -qF "$(echo "$B" | cut -c7-)" "$w/show" && ! grep -qF "${A:6:20}" "$w/show"'
"$cli" keyring show "$w/ring" --now $((R + 900)) > "$w/show2"
check "show marks the old key expired after its window" 'grep -E "^$A_ID +expired " "$w/show2" >/dev/null'
"$cli" keyring show "$w/ring" --now $((R - 10)) > "$w/show3"
check "show marks a key not yet started pending" 'grep -E "^$B_ID +pending " "$w/show3" >/dev/null'

# rotate twice inside one window never extends an expiry; grace 0 ends at once
"$cli" keyring rotate "$w/ring" --grace 24h --now $((R + 100)) > "$w/rot2" 2> "$w/rot2.err"
C_ID=$(sed -n 's/^key //p' "$w/rot2.err")
check "a second rotation keeps the old key's earlier end" 'grep -q "^$A_ID whsec $T $((R + 900)) " "$w/ring" && grep -q "^$B_ID whsec $R $((R + 100 + 86400)) " "$w/ring" && grep -q "^$C_ID whsec $((R + 100)) - " "$w/ring"'
"$cli" sign --keyring "$w/ring" --now $((R + 200)) --id msg_6 --body-file "$w/body" > "$w/h6"
check "three active keys, three signatures" '[ "$(grep -o "v1," "$w/h6" | wc -l)" = 3 ]'
"$cli" keyring rotate "$w/ring" --grace 0 --now $((R + 200)) > "$w/rot3" 2> "$w/rot3.err"
D_ID=$(sed -n 's/^key //p' "$w/rot3.err")
check "grace 0 prunes every older key from the file" '[ "$(grep -vc "^#" "$w/ring")" = 2 ] && grep -q "^$D_ID whsec $((R + 200)) - " "$w/ring"'
check "pruned secrets are gone from the file" '! grep -qF "$A" "$w/ring" && ! grep -qF "$B" "$w/ring"'

# durations
for d in 0 90s 15m 24h 7d; do
  cp "$w/ring" "$w/dur"; "$cli" keyring rotate "$w/dur" --grace "$d" --now $((R + 300)) > /dev/null 2>&1; rc=$?
  check "--grace $d is accepted" '[ $rc = 0 ]'
done
for d in "" 5 1w 8d 169h -1s 1.5h 0s0 s 015m; do
  cp "$w/ring" "$w/dur"; "$cli" keyring rotate "$w/dur" --grace "$d" --now $((R + 300)) > /dev/null 2>&1; rc=$?
  check "--grace '$d' is a usage error and leaves the file" '[ $rc = 2 ] && cmp -s "$w/dur" "$w/ring"'
done
"$cli" keyring rotate "$w/ring" --now $((R + 300)) > /dev/null 2>&1; rc=$?
check "rotate without --grace is a usage error" '[ $rc = 2 ]'

# add: a provider's secret, whsec and text kinds
S=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
"$cli" keyring new "$w/recv" --now "$T" > /dev/null 2>&1
"$cli" keyring add "$w/recv" --secret "$S" --now $((T + 5)) > "$w/out" 2> "$w/err"; rc=$?
check "add prints the added key id, never the secret" '[ $rc = 0 ] && grep -Eqx "added key [0-9a-f]{12}" "$w/out" && ! grep -q MfKQ9r8G "$w/out" "$w/err"'
check "add keeps older keys open" '[ "$(grep -v "^#" "$w/recv" | grep -c " - ")" = 2 ]'
"$cli" keyring add "$w/recv" --secret "$S" --now $((T + 5)) > /dev/null 2> "$w/err"; rc=$?
check "adding the same secret twice is a usage error" '[ $rc = 2 ] && grep -q "already" "$w/err" && ! grep -q MfKQ9r8G "$w/err"'
"$cli" sign --secret "$S" --id msg_7 --timestamp $((T + 10)) --body-file "$w/body" > "$w/h7"
check "the added secret verifies" '"$cli" verify --keyring "$w/recv" --headers-file "$w/h7" --now $((T + 10)) --body-file "$w/body" >/dev/null 2>&1'
"$cli" keyring add "$w/recv" --kind text --secret "github text secret with spaces" --grace 90s --now $((T + 20)) > /dev/null 2>&1; rc=$?
check "add --kind text --grace 90s makes it primary and ends the others" '[ $rc = 0 ] && grep -q " text $((T + 20)) - github text secret with spaces$" "$w/recv" && [ "$(grep -c " $((T + 110)) " "$w/recv")" = 2 ]'
"$cli" keyring show "$w/recv" --now $((T + 20)) > "$w/show"
check "show lists the text kind without its text" 'grep -Eq " text " "$w/show" && ! grep -q "spaces" "$w/show"'
"$cli" keyring new "$w/gh-ring" --now "$T" > /dev/null 2>&1
"$cli" keyring add "$w/gh-ring" --scheme github --secret "github secret A" --grace 0 --now "$T" > /dev/null 2>&1
"$cli" keyring add "$w/gh-ring" --scheme github --secret "github secret B" --grace 90s --now $((T + 20)) > /dev/null 2>&1
"$cli" sign --keyring "$w/gh-ring" --scheme github --now $((T + 30)) --body-file "$w/body" > "$w/gh" 2>/dev/null
check "a one-signature scheme signs with the primary of two active keys" '[ "$(grep -vc "^#" "$w/gh-ring")" = 3 ] && "$cli" sign --scheme github --secret "github secret B" --body-file "$w/body" | cmp -s - "$w/gh"'
"$cli" sign --keyring "$w/recv" --now $((T + 30)) --body-file "$w/body" > /dev/null 2> "$w/err"; rc=$?
check "a text key in a ring used with --scheme standard is a usage error naming the key" '[ $rc = 2 ] && grep -Eq "keyring key [0-9a-f]{12} is a text secret; --scheme standard takes whsec secrets" "$w/err" && ! grep -q spaces "$w/err"'
ST=whsec_stripeStyleTextSecret1234567890ab
"$cli" keyring new "$w/stripe" --now "$T" > /dev/null 2>&1
"$cli" keyring add "$w/stripe" --secret "$ST" --scheme stripe --grace 0 --now "$T" > /dev/null 2>&1; rc=$?
check "add --scheme stripe stores a whsec_-looking Stripe secret as text" '[ $rc = 0 ] && grep -q " text $T - $ST$" "$w/stripe"'
check "sign --keyring --scheme stripe matches sign --secret" '"$cli" sign --keyring "$w/stripe" --scheme stripe --now $((T + 1)) --body-file "$w/body" | cmp -s - <("$cli" sign --secret "$ST" --scheme stripe --timestamp $((T + 1)) --body-file "$w/body")'
"$cli" keyring add "$w/recv" --secret "$S" --kind whsec --scheme standard > /dev/null 2>&1; rc=$?
check "add --kind with --scheme is a usage error" '[ $rc = 2 ]'
"$cli" keyring add "$w/recv" --secret "$S" --grace 1m --not-before 5 > /dev/null 2>&1; rc=$?
check "add --grace with --not-before is a usage error" '[ $rc = 2 ]'
"$cli" keyring add "$w/recv" --secret "whsec_AAAAsecretAAAAAAAAAAAAAAAA" > "$w/out" 2> "$w/err"; rc=$?
check "add of an invalid secret is a usage error that never prints it" '[ $rc = 2 ] && ! grep -q secretAAAA "$w/out" "$w/err"'
"$cli" keyring add "$w/recv" --secret "$(cat "$w/new48")" --not-before $((T + 1000)) --not-after $((T + 2000)) --now $((T + 30)) > /dev/null 2>&1
"$cli" keyring show "$w/recv" --now $((T + 30)) > "$w/show"
check "add --not-before in the future is pending" 'grep -Eq "pending .*\(($((T + 2000)))\)" "$w/show"'

# errors when loading
cp "$w/ring" "$w/loose"; chmod 640 "$w/loose"
"$cli" keyring show "$w/loose" > "$w/out" 2> "$w/err"; rc=$?
check "a group-readable keyring is refused" '[ $rc = 2 ] && grep -q "permissions" "$w/err" && [ ! -s "$w/out" ]'
"$cli" verify --keyring "$w/loose" --headers-file "$w/h1" --body-file "$w/body" > /dev/null 2> "$w/err"; rc=$?
check "verify --keyring refuses it too (exit 2)" '[ $rc = 2 ] && grep -q "permissions" "$w/err"'
{ head -3 "$w/ring"; echo "0123456789ab whsec 1 - whsec_AAAAsecretAAAAAAAAAAAAAAAA"; } > "$w/badsecret"; chmod 600 "$w/badsecret"
"$cli" keyring show "$w/badsecret" > "$w/out" 2> "$w/err"; rc=$?
check "an invalid secret is reported with its line, never its text" '[ $rc = 2 ] && grep -q "line 4: invalid secret encoding" "$w/err" && ! grep -q secretAAAA "$w/err" "$w/out"'
{ head -4 "$w/ring"; echo "this is not a key line"; } > "$w/malformed"; chmod 600 "$w/malformed"
"$cli" keyring rotate "$w/malformed" --grace 0 > "$w/out" 2> "$w/err"; rc=$?
check "a malformed line is reported by number and the file is untouched" '[ $rc = 2 ] && grep -q "line 5: malformed keyring file" "$w/err" && [ ! -s "$w/out" ] && grep -q "this is not" "$w/malformed"'
"$cli" keyring show "$w/absent" > /dev/null 2> "$w/err"; rc=$?
check "a missing file is a usage error with the OS reason" '[ $rc = 2 ] && grep -q "No such file" "$w/err"'

# usage errors
for args in "keyring" "keyring frob $w/ring" "keyring show" "keyring show $w/ring $w/ring" "keyring show $w/ring --bogus" \
            "sign --keyring $w/ring --secret $S" "verify --keyring $w/ring --secret $S --header 'a: b'"; do
  eval "\"\$cli\" $args" < /dev/null > /dev/null 2> "$w/err"; rc=$?
  check "usage error exits 2: $args" '[ $rc = 2 ] && ! grep -q MfKQ9r8G "$w/err"'
done
exit $fail
