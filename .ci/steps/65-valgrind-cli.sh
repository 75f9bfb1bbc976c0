# valgrind memcheck on the CLI's sign -> verify round trip (the default build's
# binary, from 10-default.sh): no invalid access, no use of uninitialised
# memory, no definite or indirect leak; plus a failing verify and a usage error,
# whose error paths must be just as clean.
set -euo pipefail
cli=build/default/tools/hooksig/hooksig
[ -x "$cli" ] || cmake --workflow --preset default >/dev/null
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
vg() {
  valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --track-origins=yes --log-file="$w/vg.%p.log" "$@"
}
fail() { echo "valgrind CLI: $1"; cat "$w"/vg.*.log 2>/dev/null; exit 1; }

S=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
printf '%s' '{"test": 2432232314}' > "$w/body"
vg "$cli" sign --secret "$S" --id msg_p5jXN8AQM9LWM0D4loKWxJek --timestamp 1614265330 --body-file "$w/body" > "$w/h" \
  || fail "sign failed (exit $?)"
grep -qx 'webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' "$w/h" || fail "sign output is wrong"
[ "$(vg "$cli" verify --secret "$S" --headers-file "$w/h" --now 1614265330 --body-file "$w/body")" = valid ] \
  || fail "verify of the signed delivery failed"
S2=$(vg "$cli" secret --bytes 48) || fail "secret failed"
vg "$cli" sign --secret "$S2" --secret "$S" --body-file "$w/body" < /dev/null > "$w/h2" || fail "two-key sign failed"
vg "$cli" verify --secret "$S" --headers-file "$w/h2" --body-file "$w/body" > /dev/null || fail "two-key verify failed"
printf 'x' >> "$w/body"
set +e
vg "$cli" verify --secret "$S" --headers-file "$w/h" --now 1614265330 --body-file "$w/body" > /dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || fail "tampered body: expected exit 1, got $rc"
vg "$cli" verify --secret whsec_AAAA --headers-file "$w/h" --body-file "$w/body" > /dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "invalid secret: expected usage error 2, got $rc"
set -e
echo "valgrind CLI: sign -> verify round trip, tampered body and usage error are memcheck-clean, no leaks"
