# valgrind memcheck on the CLI's sign -> verify round trip (the default build's
# binary, from 10-default.sh): no invalid access, no use of uninitialised
# memory, no definite or indirect leak. Also a provider scheme, a keyring file,
# a failing verify and a usage error, whose paths must be just as clean.
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
# A provider scheme (Stripe: text key, hex MAC) and a keyring file (atomic
# write, permission check, rotation with grace) through the same round trip.
vg "$cli" sign --scheme stripe --secret whsec_textkey0123456789 --timestamp 1700000000 --body-file "$w/body" > "$w/hs" \
  || fail "stripe sign failed"
vg "$cli" verify --scheme stripe --secret whsec_textkey0123456789 --headers-file "$w/hs" --now 1700000000 \
  --body-file "$w/body" > /dev/null || fail "stripe verify failed"
(umask 077 && vg "$cli" keyring new "$w/ring" --now 1700000000 > /dev/null) || fail "keyring new failed"
vg "$cli" keyring rotate "$w/ring" --grace 1h --now 1700000100 > /dev/null || fail "keyring rotate failed"
vg "$cli" sign --keyring "$w/ring" --now 1700000200 --id msg_1 --body-file "$w/body" > "$w/hk" || fail "keyring sign failed"
[ "$(grep -o 'v1,' "$w/hk" | wc -l)" = 2 ] || fail "a ring inside its grace period should sign with both keys"
vg "$cli" verify --keyring "$w/ring" --headers-file "$w/hk" --now 1700000200 --body-file "$w/body" > /dev/null 2>&1 \
  || fail "keyring verify failed"
# Ed25519: a key pair, a v1a signature beside a v1 one, verified by the public key
# and by Discord's hex key; a receiver's public ring.
vg "$cli" keypair > "$w/pair" || fail "keypair failed"
SK=$(sed -n 1p "$w/pair"); PK=$(sed -n 2p "$w/pair")
vg "$cli" sign --secret "$S" --secret "$SK" --now 1700000000 --body-file "$w/body" > "$w/he" || fail "v1a sign failed"
grep -q ' v1a,' "$w/he" || fail "no v1a entry"
vg "$cli" verify --secret "$PK" --headers-file "$w/he" --now 1700000000 --body-file "$w/body" > /dev/null \
  || fail "v1a verify failed"
vg "$cli" sign --scheme discord --secret "$SK" --now 1700000000 --body-file "$w/body" > "$w/hd" || fail "discord sign failed"
HEX=$(printf '%s' "${PK#whpk_}" | base64 -d | od -An -tx1 | tr -d ' \n')
vg "$cli" verify --scheme discord --secret "$HEX" --headers-file "$w/hd" --now 1700000000 --body-file "$w/body" > /dev/null \
  || fail "discord verify failed"
(umask 077 && vg "$cli" keyring new "$w/ering" --kind ed25519 --now 1700000000 > /dev/null) || fail "ed25519 ring failed"
vg "$cli" keyring public "$w/ering" "$w/pring" > /dev/null 2>&1 || fail "keyring public failed"
printf 'x' >> "$w/body"
set +e
vg "$cli" verify --secret "$S" --headers-file "$w/h" --now 1614265330 --body-file "$w/body" > /dev/null 2>&1; rc=$?
[ "$rc" = 1 ] || fail "tampered body: expected exit 1, got $rc"
vg "$cli" verify --secret whsec_AAAA --headers-file "$w/h" --body-file "$w/body" > /dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "invalid secret: expected usage error 2, got $rc"
set -e
echo "valgrind CLI: sign -> verify (standard, two keys, stripe, keyring file, Ed25519 v1a and Discord, public ring), tampered body and usage error: memcheck-clean, no leaks"
