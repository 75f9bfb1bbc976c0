#!/usr/bin/env bash
# Issue 17 row 3 and "secrets never on the command line": --secret-file and
# HOOKSIG_SECRET for every command that takes --secret; no message ever echoes
# an argument that looks like a secret, in any position of any command; and
# `hooksig COMMAND --help` prints that command's usage and exits 0.
set -uo pipefail
cli=${1:?usage: secrets.sh PATH/TO/hooksig}
cli=$(cd "$(dirname "$cli")" && pwd)/$(basename "$cli")
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
cd "$w" # commands given a secret as FILE (keyring new "$S") create it here, not in the caller's directory
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
unset HOOKSIG_SECRET

S=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw; ID=msg_p5jXN8AQM9LWM0D4loKWxJek; TS=1614265330
SIG='webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
printf '%s' '{"test": 2432232314}' > "$w/body"
printf '%s\n' "$S" > "$w/s"; chmod 600 "$w/s"

# --secret-file, stdin, HOOKSIG_SECRET give what --secret gives.
"$cli" sign --secret-file "$w/s" --id "$ID" --timestamp "$TS" --body-file "$w/body" > "$w/h" 2> "$w/err"
check "sign --secret-file F signs the docs vector" 'grep -qx "$SIG" "$w/h"'
check "sign --secret-file - reads the secret from stdin" '"$cli" sign --secret-file - --id "$ID" --timestamp "$TS" --body-file "$w/body" < "$w/s" | cmp -s - "$w/h"'
check "sign with HOOKSIG_SECRET" 'HOOKSIG_SECRET="$S" "$cli" sign --id "$ID" --timestamp "$TS" --body-file "$w/body" | cmp -s - "$w/h"'
check "verify --secret-file F" '[ "$("$cli" verify --secret-file "$w/s" --headers-file "$w/h" --now "$TS" --body-file "$w/body")" = valid ]'
check "verify with HOOKSIG_SECRET" '[ "$(HOOKSIG_SECRET="$S" "$cli" verify --headers-file "$w/h" --now "$TS" --body-file "$w/body")" = valid ]'
check "verify --secret-file - with the body from --body-file" '[ "$("$cli" verify --secret-file - --headers-file "$w/h" --now "$TS" --body-file "$w/body" < "$w/s")" = valid ]'
"$cli" verify --secret-file - --headers-file "$w/h" --now "$TS" < "$w/s" > /dev/null 2> "$w/err"; rc=$?
check "--secret-file - without --body-file is a usage error (stdin cannot be both)" '[ $rc = 2 ] && grep -q "body-file" "$w/err"'
S2=$("$cli" secret)
printf '\n%s\n\n  \n%s\r\n' "$S2" "$S" > "$w/two"; chmod 600 "$w/two"
"$cli" sign --secret-file "$w/two" --id "$ID" --timestamp "$TS" --body-file "$w/body" > "$w/h2"
check "a secret file: one secret a line, blank lines and CRLF ignored" '[ "$(grep -o "v1," "$w/h2" | wc -l)" = 2 ] && grep -qF "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" "$w/h2"'
cp "$w/s" "$w/loose"; chmod 604 "$w/loose"
"$cli" sign --secret-file "$w/loose" --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "a world-readable secret file is refused" '[ $rc = 2 ] && [ ! -s "$w/out" ] && grep -q "readable or writable by others" "$w/err"'
printf 'whsec_AAAAsecretAAAAAAAAAAAAAAAA\n' > "$w/bad"; chmod 600 "$w/bad"
"$cli" verify --secret-file "$w/bad" --headers-file "$w/h" --now "$TS" --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
check "an invalid secret in the file is named by line, never shown" '[ $rc = 2 ] && grep -q "secret-file line 1: invalid secret" "$w/err" && ! grep -q secretAAAA "$w/err"'
HOOKSIG_SECRET="whsec_AAAAsecretAAAAAAAAAAAAAAAA" "$cli" verify --headers-file "$w/h" --now "$TS" --body-file "$w/body" > /dev/null 2> "$w/err"; rc=$?
check "an invalid HOOKSIG_SECRET is named, never shown" '[ $rc = 2 ] && grep -q "HOOKSIG_SECRET: invalid secret" "$w/err" && ! grep -q secretAAAA "$w/err"'
check "--secret keeps working" '"$cli" sign --secret "$S" --id "$ID" --timestamp "$TS" --body-file "$w/body" | cmp -s - "$w/h"'
"$cli" sign --body-file "$w/body" > /dev/null 2> "$w/err"; rc=$?
check "no secret source at all is a usage error naming the choices" '[ $rc = 2 ] && grep -q "secret-file" "$w/err" && grep -q HOOKSIG_SECRET "$w/err"'

# keyring add takes the same forms (exactly one secret).
"$cli" keyring new "$w/ring" > /dev/null 2>&1
check "keyring add --secret-file F" '"$cli" keyring add "$w/ring" --secret-file "$w/s" > /dev/null 2>&1 && grep -qF " $S" "$w/ring"'
check "keyring add --secret-file - (stdin)" '"$cli" keyring add "$w/ring" --secret-file - < <(echo "$S2") > /dev/null 2>&1 && grep -qF " $S2" "$w/ring"'
S3=$("$cli" secret)
check "keyring add with HOOKSIG_SECRET" 'HOOKSIG_SECRET="$S3" "$cli" keyring add "$w/ring" > /dev/null 2>&1 && grep -qF " $S3" "$w/ring"'
"$cli" keyring add "$w/ring" --secret-file "$w/two" > /dev/null 2> "$w/err"; rc=$?
check "keyring add refuses a file with two secrets" '[ $rc = 2 ] && grep -q "one secret" "$w/err"'
check "sign --keyring ignores HOOKSIG_SECRET set in the environment" 'HOOKSIG_SECRET=junk "$cli" sign --keyring "$w/ring" --body-file "$w/body" > /dev/null 2>&1'

# Row 3 and every position: no message echoes a secret-looking argument.
"$cli" keyring new "$w/k" > /dev/null 2>&1
LINE="$(grep -v '^#' "$w/k" | sed -n 2p)"   # a whole keyring line
HEX=8f14e45fceea167a5a36dedd4bea2543f3c9
for secret_arg in "$S" "whsk_abc" "whpk_abc" "$HEX" "YWJjZGVmZ2hpamtsbW5vcA==" "$LINE"; do
  marker=${secret_arg:0:20}; [ "$secret_arg" = "$LINE" ] && marker=${LINE:25:30}
  leaked=""
  while IFS= read -r cmd; do
    eval "set -- $cmd"
    printf 'hi' | "$cli" "$@" > "$w/out" 2> "$w/err"
    if grep -qF -- "$marker" "$w/err"; then leaked="$leaked | $cmd"; fi
  done <<CMDS
sign "\$secret_arg"
sign --keyring "\$secret_arg"
sign --secret-file "\$secret_arg"
sign --secret "$S" --body-file "\$secret_arg"
sign --secret "$S" --id "\$secret_arg"
sign --secret "$S" --timestamp "\$secret_arg"
sign --secret "$S" --scheme "\$secret_arg"
sign --secret "$S" --now "\$secret_arg"
sign --secret "\$secret_arg"
sign "--\$secret_arg"
sign "--x=\$secret_arg"
verify --keyring "\$secret_arg" --header 'a: b'
verify --secret "$S" --headers-file "\$secret_arg"
verify --secret "$S" --header "\$secret_arg"
verify --secret "$S" --header 'a: b' --tolerance "\$secret_arg"
verify --secret "$S" --header 'a: b' "\$secret_arg"
verify --secret-file "\$secret_arg" --header 'a: b' --body-file /dev/null
send "\$secret_arg" --secret "$S"
send http://127.0.0.1:9/ --keyring "\$secret_arg"
send http://127.0.0.1:9/ --secret-file "\$secret_arg"
send http://127.0.0.1:9/ --secret "$S" --event "\$secret_arg"
send http://127.0.0.1:9/ --secret "$S" "\$secret_arg"
secret "\$secret_arg"
secret --bytes "\$secret_arg"
"\$secret_arg"
keyring "\$secret_arg"
keyring new "\$secret_arg"
keyring new "$w/k" 
keyring new "$w/x" "\$secret_arg"
keyring rotate "\$secret_arg" --grace 0
keyring rotate "$w/k" --grace "\$secret_arg"
keyring add "$w/k" --secret "\$secret_arg"
keyring add "$w/k" --secret-file "\$secret_arg"
keyring add "\$secret_arg" --secret "$S"
keyring add "$w/k" --secret "$S" --kind "\$secret_arg"
keyring add "$w/k" --secret "$S" --scheme "\$secret_arg"
keyring show "\$secret_arg"
keyring show "$w/k" "\$secret_arg"
CMDS
  check "no message shows the argument ${marker:0:8}... in any position" '[ -z "$leaked" ] || { echo "leaked by:$leaked"; false; }'
done

# --help for every command and keyring subcommand: its usage, exit 0.
for c in sign verify send secret keyring; do
  "$cli" $c --help > "$w/out" 2> "$w/err"; rc=$?
  check "hooksig $c --help prints its usage and exits 0" '[ $rc = 0 ] && grep -q "^usage: hooksig $c" "$w/out" && [ ! -s "$w/err" ]'
done
for sub in new rotate add show; do
  "$cli" keyring $sub --help > "$w/out" 2> "$w/err"; rc=$?
  check "hooksig keyring $sub --help prints its usage and exits 0" '[ $rc = 0 ] && grep -q "^usage: hooksig keyring $sub FILE" "$w/out"'
done
exit $fail
