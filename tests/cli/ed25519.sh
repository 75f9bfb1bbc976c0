#!/usr/bin/env bash
# The CLI's Ed25519 contract (issue #16): `keypair`, `v1a` signing and verifying
# (alone and mixed with `v1` in one header), keyrings of Ed25519 keys (`keyring
# new/rotate/add --kind`, `keyring public`), `--scheme discord` on sign, verify
# and send; hostile keys exit 2 with a message that never holds the key; and no
# command prints a whole secret except `keypair`, `keyring new` and `rotate`.
set -uo pipefail
cli=$(realpath "${1:?usage: ed25519.sh PATH/TO/hooksig}")
w=$(mktemp -d); trap 'rm -rf "$w"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
# Runs hooksig, stdout to $w/out, stderr to $w/err, exit status to $rc; both
# outputs are also kept in $w/all.log, which must never hold a whole secret.
run() { "$cli" "$@" > "$w/out" 2> "$w/err"; rc=$?; cat "$w/out" "$w/err" >> "$w/all.log"; }
b64() { base64 -w0; }
unb64() { base64 -d; }
hexof() { od -An -v -tx1 | tr -d ' \n'; }

T=1700000000
printf '%s' '{"type": 1, "id": "interaction"}' > "$w/body"
printf '%s' '{"type": 1, "id": "interactioN"}' > "$w/body.tampered"

# ---------------------------------------------------------------- keypair
"$cli" keypair > "$w/kp" 2> "$w/kp.err"; rc=$?
check "keypair exits 0 and prints two lines, whsk_ (64 bytes) then whpk_ (32 bytes)" \
  '[ $rc = 0 ] && [ "$(wc -l < "$w/kp")" = 2 ] && [[ "$(sed -n 1p "$w/kp")" =~ ^whsk_[A-Za-z0-9+/]{86}==$ ]] && [[ "$(sed -n 2p "$w/kp")" =~ ^whpk_[A-Za-z0-9+/]{43}=$ ]] && [ ! -s "$w/kp.err" ]'
SK=$(sed -n 1p "$w/kp"); PK=$(sed -n 2p "$w/kp")
check "the whpk_ is the whsk_'s public half" '[ "$(printf %s "${SK#whsk_}" | unb64 | tail -c 32 | b64)" = "${PK#whpk_}" ]'
"$cli" keypair > "$w/kp2"
check "two keypair runs give two different pairs" '! cmp -s "$w/kp" "$w/kp2"'
SK2=$(sed -n 1p "$w/kp2"); PK2=$(sed -n 2p "$w/kp2")
run keypair extra
check "keypair takes no argument (exit 2)" '[ $rc = 2 ] && [ ! -s "$w/out" ]'
"$cli" keypair --help > "$w/out"; rc=$?
check "keypair --help exits 0 with its usage" '[ $rc = 0 ] && grep -q "^usage: hooksig keypair" "$w/out"'
"$cli" --help > "$w/out"
check "hooksig --help lists keypair and names whsk_/whpk_" 'grep -q "hooksig keypair" "$w/out" && grep -q whsk_ "$w/out" && grep -q whpk_ "$w/out"'
check "sign/verify/keyring --help name the Ed25519 forms" '"$cli" sign --help | grep -q whsk_ && "$cli" verify --help | grep -q whpk_ && "$cli" keyring --help | grep -q "keyring public FILE OUT" && "$cli" keyring new --help | grep -q ed25519'

PK_HEX=$(printf %s "${PK#whpk_}" | unb64 | hexof)
PK2_HEX=$(printf %s "${PK2#whpk_}" | unb64 | hexof)
SEED_ONLY="whsk_$(printf %s "${SK#whsk_}" | unb64 | head -c 32 | b64)"
SPKI="whpk_$( { printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'; printf %s "${PK#whpk_}" | unb64; } | b64)"
MISMATCH="whsk_$( { printf %s "${SK#whsk_}" | unb64 | head -c 32; printf %s "${PK2#whpk_}" | unb64; } | b64)"
IDENTITY="whpk_$( { printf '\x01'; head -c 31 /dev/zero; } | b64)"     # the neutral point: small order
ORDER2_HEX="ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" # the point of order 2
W=$("$cli" secret)

# ---------------------------------------------------------------- sign v1a
run sign --secret "$SK" --id msg_1 --timestamp "$T" --body-file "$w/body"; cp "$w/out" "$w/h1"
check "sign --secret whsk_ exits 0 with one v1a entry" '[ $rc = 0 ] && grep -Eqx "webhook-signature: v1a,[A-Za-z0-9+/]{86}==" "$w/h1" && grep -qx "webhook-id: msg_1" "$w/h1" && grep -qx "webhook-timestamp: $T" "$w/h1"'
check "the 32-byte seed form signs identically (Ed25519 is deterministic)" \
  '"$cli" sign --secret "$SEED_ONLY" --id msg_1 --timestamp "$T" --body-file "$w/body" | cmp -s - "$w/h1"'
run sign --secret "$W" --secret "$SK" --id msg_1 --timestamp "$T" --body-file "$w/body"; cp "$w/out" "$w/hmix"
check "sign --secret whsec_ --secret whsk_: one header, a v1 then a v1a entry" \
  '[ $rc = 0 ] && [ "$(grep -c "^webhook-signature:" "$w/hmix")" = 1 ] && grep -Eqx "webhook-signature: v1,[A-Za-z0-9+/]{43}= v1a,[A-Za-z0-9+/]{86}==" "$w/hmix"'
check "the mixed header's v1 entry is the whsec_ signature and its v1a entry the whsk_ one" \
  '[ "$(grep -o "v1,[^ ]*" "$w/hmix")" = "$("$cli" sign --secret "$W" --id msg_1 --timestamp "$T" --body-file "$w/body" | grep -o "v1,[^ ]*")" ] && [ "$(grep -o "v1a,[^ ]*" "$w/hmix")" = "$(grep -o "v1a,[^ ]*" "$w/h1")" ]'

# ---------------------------------------------------------------- verify v1a
verify_at() { run verify "$@" --now "$T"; }
verify_at --secret "$PK" --headers-file "$w/h1" --body-file "$w/body"
check "verify --secret whpk_: valid, exit 0" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ]'
verify_at --secret "$SPKI" --headers-file "$w/h1" --body-file "$w/body"
check "verify takes the 44-byte SPKI whpk_ form" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ]'
verify_at --secret "$SK" --headers-file "$w/h1" --body-file "$w/body"
check "verify takes the whsk_ too (through its public half)" '[ $rc = 0 ]'
verify_at --secret "$PK" --headers-file "$w/h1" --body-file "$w/body.tampered"
check "a tampered body: invalid, exit 1" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ] && [ ! -s "$w/out" ]'
verify_at --secret "$PK2" --headers-file "$w/h1" --body-file "$w/body"
check "another public key: invalid, exit 1" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ]'
run verify --secret "$PK" --headers-file "$w/h1" --body-file "$w/body" --now $((T + 301))
check "outside the 300 s window: invalid (timestamp too old)" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: timestamp too old" ]'
verify_at --secret "$W" --headers-file "$w/h1" --body-file "$w/body"
check "a whsec_ alone does not verify a v1a-only header" '[ $rc = 1 ]'
for k in "$PK" "$W"; do
  verify_at --secret "$k" --headers-file "$w/hmix" --body-file "$w/body"
  check "the mixed header verifies with ${k:0:5} alone" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ]'
done
verify_at --secret "$W" --secret "$PK" --headers-file "$w/hmix" --body-file "$w/body.tampered"
check "the mixed header with a tampered body: invalid under whsec_ + whpk_" '[ $rc = 1 ]'
verify_at --secret "$("$cli" secret)" --secret "$PK" --headers-file "$w/hmix" --body-file "$w/body"
check "a verifier holding another whsec_ and the right whpk_: valid through the v1a entry" '[ $rc = 0 ]'
sig=$(grep -o "v1a,[^ ]*" "$w/h1"); sig=${sig#v1a,}
printf 'webhook-id: msg_1\nwebhook-timestamp: %s\nwebhook-signature: v2,abc v1a,%s\n' "$T" "${sig%==}" > "$w/hnopad"
verify_at --secret "$PK" --headers-file "$w/hnopad" --body-file "$w/body"
check "a v1a signature without its padding: invalid (canonical base64 only)" '[ $rc = 1 ]'
printf 'webhook-id: msg_1\nwebhook-timestamp: %s\nwebhook-signature: v1,%s v1a,%s\n' "$T" "$(head -c 32 /dev/urandom | b64)" "$(head -c 64 /dev/urandom | b64)" > "$w/hrand"
verify_at --secret "$W" --secret "$PK" --headers-file "$w/hrand" --body-file "$w/body"
check "random v1 and v1a entries: invalid" '[ $rc = 1 ]'
big=$w/big; head -c 1048576 /dev/urandom > "$big"
"$cli" sign --secret "$SK" --secret "$W" --id msg_big --timestamp "$T" --body-file "$big" > "$w/hbig"
check "a 1 MiB body: signed with both, verified by whpk_ alone and by whsec_ alone" \
  '"$cli" verify --secret "$PK" --headers-file "$w/hbig" --now "$T" --body-file "$big" > /dev/null && "$cli" verify --secret "$W" --headers-file "$w/hbig" --now "$T" --body-file "$big" > /dev/null'
check "a 1 MiB body on standard input verifies too" '"$cli" verify --secret "$PK" --headers-file "$w/hbig" --now "$T" < "$big" > /dev/null'

# ---------------------------------------------------------------- hostile keys
run sign --secret "$PK" --body-file "$w/body"
check "whpk_ given to sign: exit 2, names the position, says a public key cannot sign" \
  '[ $rc = 2 ] && [ ! -s "$w/out" ] && grep -q "^hooksig sign: --secret #1: a public key cannot sign" "$w/err" && grep -q "^usage: hooksig sign" "$w/err"'
run sign --secret "$W" --secret "$PK" --body-file "$w/body"
check "whsec_ and whpk_ given to sign: exit 2 (--secret #2), nothing signed" '[ $rc = 2 ] && [ ! -s "$w/out" ] && grep -q -- "--secret #2: a public key cannot sign" "$w/err"'
for cmd in sign verify; do
  if [ $cmd = sign ]; then run sign --secret "$MISMATCH" --body-file "$w/body"
  else verify_at --secret "$MISMATCH" --headers-file "$w/h1" --body-file "$w/body"; fi
  check "$cmd with a whsk_ whose public half is another key's: exit 2 (key pair mismatch)" \
    '[ $rc = 2 ] && [ ! -s "$w/out" ] && grep -q -- "--secret #1: secret key.s public half does not match its seed" "$w/err"'
done
verify_at --secret "$IDENTITY" --headers-file "$w/h1" --body-file "$w/body"
check "a small-order whpk_ (the identity): exit 2, weak public key" '[ $rc = 2 ] && grep -q "weak public key" "$w/err"'
printf 'webhook-id: msg_1\nwebhook-timestamp: %s\nwebhook-signature: v1a,%s\n' "$T" "$( { printf '\x01'; head -c 63 /dev/zero; } | b64)" > "$w/hforge"
verify_at --secret "$IDENTITY" --headers-file "$w/hforge" --body-file "$w/body"
check "the identity key's universal forgery is refused before any check (exit 2)" '[ $rc = 2 ] && [ ! -s "$w/out" ]'
for bad in "whpk_AAAA" "whsk_$(head -c 40 /dev/urandom | b64)" "whpk_$(head -c 32 /dev/urandom | b64 | tr -d =)" "WHPK_${PK#whpk_}"; do
  verify_at --secret "$bad" --headers-file "$w/h1" --body-file "$w/body"
  check "malformed key ${bad:0:9}...: exit 2, message without the key" '[ $rc = 2 ] && grep -q -- "--secret #1: invalid secret" "$w/err"'
done
run verify --scheme stripe --secret "$PK" --header "stripe-signature: t=$T,v1=00" --now "$T" --body-file "$w/body"
check "whpk_ with --scheme stripe is a text secret there: just no match (exit 1)" '[ $rc = 1 ]'

# ---------------------------------------------------------------- discord
run sign --scheme discord --secret "$SK" --timestamp "$T" --body-file "$w/body"; cp "$w/out" "$w/dh"
check "sign --scheme discord: x-signature-ed25519 (128 lower-case hex) and x-signature-timestamp" \
  '[ $rc = 0 ] && grep -Eqx "x-signature-ed25519: [0-9a-f]{128}" "$w/dh" && grep -qx "x-signature-timestamp: $T" "$w/dh" && [ "$(wc -l < "$w/dh")" = 2 ]'
verify_at --scheme discord --secret "$PK_HEX" --headers-file "$w/dh" --body-file "$w/body"
check "verify --scheme discord --secret <64 hex>: valid" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ]'
PK_HEX_UPPER=$(printf %s "$PK_HEX" | tr a-f A-F)
verify_at --scheme discord --secret "$PK_HEX_UPPER" --headers-file "$w/dh" --body-file "$w/body"
check "the key in upper-case hex works too" '[ $rc = 0 ]'
verify_at --scheme discord --secret "$PK" --headers-file "$w/dh" --body-file "$w/body"
check "discord takes a whpk_ as the key" '[ $rc = 0 ]'
verify_at --scheme discord --secret "$PK2_HEX" --headers-file "$w/dh" --body-file "$w/body"
check "discord with the wrong application key: invalid, exit 1" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ]'
verify_at --scheme discord --secret "$PK_HEX" --headers-file "$w/dh" --body-file "$w/body.tampered"
check "discord with a tampered body: invalid, exit 1" '[ $rc = 1 ]'
run verify --scheme discord --secret "$PK_HEX" --headers-file "$w/dh" --body-file "$w/body" --now $((T + 301))
check "discord outside the 300 s window: invalid (timestamp too old)" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: timestamp too old" ]'
sed 's/^\(x-signature-ed25519: \)\(.*\)/\1\U\2/' "$w/dh" > "$w/dh.upper"
verify_at --scheme discord --secret "$PK_HEX" --headers-file "$w/dh.upper" --body-file "$w/body"
check "discord with the signature in upper-case hex: invalid (exit 1)" '[ $rc = 1 ]'
verify_at --scheme discord --secret "$ORDER2_HEX" --headers-file "$w/dh" --body-file "$w/body"
check "discord with a small-order key (order 2): exit 2, weak public key" '[ $rc = 2 ] && grep -q "weak public key" "$w/err" && ! grep -q "$ORDER2_HEX" "$w/err"'
verify_at --scheme discord --secret "${PK_HEX:0:62}zz" --headers-file "$w/dh" --body-file "$w/body"
check "discord with a key that is not hex: exit 2" '[ $rc = 2 ] && grep -q "invalid encoding" "$w/err"'
verify_at --scheme discord --secret "$W" --headers-file "$w/dh" --body-file "$w/body"
check "discord with a whsec_: exit 2 (not supported by this scheme)" '[ $rc = 2 ] && grep -q "not supported by this scheme" "$w/err"'
run sign --scheme discord --secret "$PK_HEX" --body-file "$w/body"
check "sign --scheme discord with the public key: exit 2, a public key cannot sign" '[ $rc = 2 ] && grep -q "a public key cannot sign" "$w/err" && [ ! -s "$w/out" ]'
run sign --scheme discord --secret "$SK" --secret "$SK2" --body-file "$w/body"
check "sign --scheme discord with two keys: the one signature Discord carries" '[ $rc = 0 ] && [ "$(grep -c "^x-signature-ed25519:" "$w/out")" = 1 ]'

# ---------------------------------------------------------------- keyrings
cd "$w" || exit 1
run keyring new ring --kind ed25519 --now "$T"
A=$(cat "$w/out"); A_ID=$(sed -n 's/^key //p' "$w/err")
check "keyring new --kind ed25519 prints the new whsk_ once and its key id on stderr" \
  '[ $rc = 0 ] && [ "$(wc -l < "$w/out")" = 1 ] && [[ "$A" =~ ^whsk_[A-Za-z0-9+/]{86}==$ ]] && [[ "$A_ID" =~ ^[0-9a-f]{12}$ ]]'
check "keyring new --kind ed25519 stores it as a whsk line, mode 0600" 'grep -qx "$A_ID whsk $T - $A" ring && [ "$(stat -c %a ring)" = 600 ]'
run keyring new ringw --now "$T"
check "keyring new without --kind still makes a whsec_ key" '[ $rc = 0 ] && [[ "$(cat "$w/out")" =~ ^whsec_ ]] && grep -q " whsec $T - whsec_" ringw'
run keyring new ringx --kind ed25519 --bytes 48
check "keyring new --kind ed25519 --bytes: exit 2, nothing written" '[ $rc = 2 ] && [ ! -e ringx ] && [ ! -s "$w/out" ]'
run keyring new ringx --kind rsa
check "keyring new --kind rsa: exit 2, nothing written" '[ $rc = 2 ] && [ ! -e ringx ]'
run keyring show ring --now "$T"
check "keyring show: kind whsk, the key redacted" '[ $rc = 0 ] && grep -Eq "^$A_ID +active +whsk .*whsk_…" "$w/out" && ! grep -q "$A" "$w/out"'

R=$((T + 1000))
run keyring rotate ring --grace 15m --now "$R"
B=$(cat "$w/out"); B_ID=$(sed -n 's/^key //p' "$w/err")
check "rotate of an Ed25519 ring without --kind makes a whsk_ (the newest key's kind)" '[ $rc = 0 ] && [[ "$B" =~ ^whsk_ ]] && grep -qx "$B_ID whsk $R - $B" ring'
check "rotate ends the old key at now + grace" 'grep -qx "$A_ID whsk $T $((R + 900)) $A" ring'
cp ring ring.before
run keyring rotate ring --grace 15m --bytes 40 --now "$R"
check "rotate of an Ed25519 ring with --bytes: exit 2, nothing written" '[ $rc = 2 ] && cmp -s ring ring.before && [ ! -s "$w/out" ]'
"$cli" sign --keyring ring --now $((R + 60)) --id msg_r --body-file "$w/body" > "$w/hr"
check "inside the grace sign --keyring carries two v1a entries" '[ "$(grep -o "v1a," "$w/hr" | wc -l)" = 2 ]'
run verify --secret "$A" --headers-file "$w/hr" --now $((R + 60)) --body-file "$w/body"
check "the old whsk_ alone verifies it" '[ $rc = 0 ]'

# a whsec ring migrating to Ed25519
"$cli" keyring rotate ringw --grace 1h --kind ed25519 --now "$R" > "$w/mig" 2> "$w/mig.err"; rc=$?
M=$(cat "$w/mig"); M_ID=$(sed -n 's/^key //p' "$w/mig.err")
check "rotate --kind ed25519 on a whsec ring: a whsk_ primary, the whsec kept for the grace" \
  '[ $rc = 0 ] && [[ "$M" =~ ^whsk_ ]] && [ "$(grep -c " whsec " ringw)" = 1 ] && [ "$(grep -c " whsk " ringw)" = 1 ]'
"$cli" sign --keyring ringw --now $((R + 60)) --id msg_m --body-file "$w/body" > "$w/hm"
check "during the migration sign --keyring puts a v1a and a v1 entry in one header" \
  '[ "$(grep -c "^webhook-signature:" "$w/hm")" = 1 ] && grep -q "v1a," "$w/hm" && grep -Eq "(^webhook-signature: | )v1," "$w/hm"'
"$cli" keyring rotate ringw --grace 1h --kind whsec --now $((R + 100)) > "$w/back" 2>/dev/null
check "rotate --kind whsec goes back to a whsec_ primary" '[[ "$(cat "$w/back")" =~ ^whsec_ ]]'

# keyring public
run keyring public ring pub
check "keyring public exits 0 and names the public keys on stdout" '[ $rc = 0 ] && grep -qx "public key $A_ID" "$w/out" && grep -qx "public key $B_ID" "$w/out"'
check "the public keyring is mode 0600 and holds no whsk" '[ "$(stat -c %a pub)" = 600 ] && ! grep -q whsk pub'
check "same ids, kinds whpk, same windows, same order" \
  '[ "$(grep -v "^#" ring | tail -n +2 | cut -d" " -f1,3,4)" = "$(grep -v "^#" pub | tail -n +2 | cut -d" " -f1,3,4)" ] && [ "$(grep -v "^#" pub | tail -n +2 | cut -d" " -f2 | sort -u)" = whpk ]'
check "no temporary file is left beside it" '[ -z "$(ls -A "$w" | grep tmp)" ]'
run verify --keyring pub --headers-file "$w/hr" --now $((R + 60)) --body-file "$w/body"
check "verify --keyring PUBLIC: valid, naming the primary key" '[ $rc = 0 ] && [ "$(cat "$w/out")" = valid ] && [ "$(cat "$w/err")" = "key $B_ID" ]'
"$cli" sign --secret "$A" --id msg_o --timestamp $((R - 1)) --body-file "$w/body" > "$w/ho"
run verify --keyring pub --headers-file "$w/ho" --now $((R + 30)) --body-file "$w/body"
check "a delivery signed with the old key verifies inside its window, naming the old key" '[ $rc = 0 ] && [ "$(cat "$w/err")" = "key $A_ID" ]'
run verify --keyring pub --headers-file "$w/ho" --now $((R + 900)) --tolerance 3600 --body-file "$w/body"
check "after the grace the public keyring no longer accepts the old key" '[ $rc = 1 ]'
run sign --keyring pub --now $((R + 60)) --body-file "$w/body"
check "sign --keyring with public keys only: exit 2 saying so, nothing signed" '[ $rc = 2 ] && [ ! -s "$w/out" ] && grep -q "holds public keys only" "$w/err"'
"$cli" sign --scheme discord --keyring ring --now $((R + 60)) --body-file "$w/body" > "$w/dhr"
run verify --scheme discord --keyring pub --headers-file "$w/dhr" --now $((R + 60)) --body-file "$w/body"
check "discord with keyrings: sign --keyring SENDER, verify --keyring PUBLIC" '[ $rc = 0 ] && [ "$(cat "$w/err")" = "key $B_ID" ]'
run verify --scheme discord --keyring ringw --headers-file "$w/dhr" --now $((R + 60)) --body-file "$w/body"
check "discord with a keyring holding whsec keys: exit 2 naming the key" '[ $rc = 2 ] && grep -Eq "keyring key [0-9a-f]{12} is a whsec secret; --scheme discord takes Ed25519 keys" "$w/err"'

cp pub pub.before
run keyring public ring ring
check "keyring public FILE FILE: exit 2, the file unchanged" '[ $rc = 2 ] && cmp -s ring ring.before && grep -q " whsk " ring'
run keyring public pub ring
check "keyring public over a keyring holding whsk keys: exit 2, nothing written" '[ $rc = 2 ] && grep -q " whsk " ring && grep -q "refusing to replace it" "$w/err"'
printf 'not a keyring\n' > notring; chmod 600 notring
run keyring public ring notring
check "keyring public over a file that is not a keyring: exit 2, left as it was" '[ $rc = 2 ] && [ "$(cat notring)" = "not a keyring" ]'
run keyring public ring pub
check "keyring public may replace its own earlier output (a receiver's keyring)" '[ $rc = 0 ] && cmp -s pub pub.before'
"$cli" keyring rotate ring --grace 1h --now $((R + 2000)) > "$w/rot2" 2> "$w/rot2.err"
C_ID=$(sed -n 's/^key //p' "$w/rot2.err")
run keyring public ring pub
check "after another rotation keyring public refreshes OUT: the new key first, the expired one gone, still 0600" \
  '[ $rc = 0 ] && [ "$(grep -v "^#" pub | sed -n 2p | cut -d" " -f1,2)" = "$C_ID whpk" ] && grep -q "^$B_ID whpk " pub && ! grep -q "^$A_ID " pub && [ "$(stat -c %a pub)" = 600 ] && ! grep -q whsk pub'
run keyring public ringw pubw
check "keyring public of a migrating ring: whpk only, the whsec left out and named on stderr" \
  '[ $rc = 0 ] && [ "$(grep -c " whpk " pubw)" = 1 ] && ! grep -q whsec_ pubw && grep -q "^left out key [0-9a-f]\{12\}: a MAC secret" "$w/err"'
"$cli" keyring new ringmac > /dev/null 2>&1
run keyring public ringmac pubmac
check "keyring public of a ring without Ed25519 keys: exit 2, nothing written" '[ $rc = 2 ] && [ ! -e pubmac ]'
chmod 644 ring
run keyring public ring pub2
check "keyring public of a keyring readable by others: exit 2, nothing written" '[ $rc = 2 ] && [ ! -e pub2 ]'
chmod 600 ring

# keyring add
cp pub recv
run keyring add recv --secret "$PK" --now "$T"
check "keyring add takes a whpk_ (no --kind needed)" '[ $rc = 0 ] && grep -q " whpk $T - $PK" recv'
run keyring add recv --secret "$PK2" --kind whpk --now "$T"
check "keyring add --kind whpk" '[ $rc = 0 ] && grep -q " whpk $T - $PK2" recv'
run keyring add recv --secret "$SK2" --kind whpk --now "$T"
check "keyring add --kind whpk with a whsk_: exit 2 without the key" '[ $rc = 2 ] && grep -q "is a whsk key, not --kind whpk" "$w/err"'
run keyring add recv --secret "$W" --kind ed25519 --now "$T"
check "keyring add --kind ed25519 with a whsec_: exit 2" '[ $rc = 2 ]'
run keyring add recv --scheme discord --secret "$PK2_HEX" --now "$T"
check "keyring add --scheme discord: a 64-hex key is a duplicate of the whpk_ added" '[ $rc = 2 ] && grep -q "already" "$w/err"'
run keyring add recv --secret "$MISMATCH" --now "$T"
check "keyring add of a mismatched whsk_: exit 2 (key pair mismatch)" '[ $rc = 2 ] && grep -q "does not match its seed" "$w/err"'
run keyring add recv --secret "$IDENTITY" --now "$T"
check "keyring add of a small-order whpk_: exit 2 (weak public key)" '[ $rc = 2 ] && grep -q "weak public key" "$w/err"'

# ---------------------------------------------------------------- send --scheme discord
if "$cli" --help | grep -q "hooksig send"; then
  cat > "$w/server.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with open(sys.argv[2] + ".body", "wb") as f: f.write(body)
        with open(sys.argv[2] + ".headers", "w") as f:
            for k, v in self.headers.items(): f.write(f"{k}: {v}\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
EOF
  python3 "$w/server.py" "$w/port" "$w/got" & server_pid=$!
  for _ in $(seq 50); do [ -s "$w/port" ] && break; sleep 0.1; done
  port=$(cat "$w/port" 2>/dev/null)
  run send "http://127.0.0.1:$port/interactions" --scheme discord --secret "$SK" --body-file "$w/body"
  grep -i '^x-signature' "$w/got.headers" > "$w/got.sig" 2>/dev/null
  check "send --scheme discord posts headers that verify with the 64-hex public key" \
    '[ $rc = 0 ] && [ "$(wc -l < "$w/got.sig")" = 2 ] && "$cli" verify --scheme discord --secret "$PK_HEX" --headers-file "$w/got.sig" --body-file "$w/got.body" > /dev/null'
  run send "http://127.0.0.1:$port/hook" --secret "$W" --secret "$SK" --body-file "$w/body"
  grep -i '^webhook-' "$w/got.headers" > "$w/got.std" 2>/dev/null
  check "send with whsec_ and whsk_ posts one header with v1 and v1a; the whpk_ verifies it" \
    '[ $rc = 0 ] && grep -qi "^webhook-signature: v1,.* v1a," "$w/got.std" && "$cli" verify --secret "$PK" --headers-file "$w/got.std" --body-file "$w/got.body" > /dev/null'
  run send "http://127.0.0.1:$port/hook" --scheme discord --secret "$PK_HEX" --body-file "$w/body"
  check "send --scheme discord with the public key: exit 2" '[ $rc = 2 ] && grep -q "a public key cannot sign" "$w/err"'
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
else
  echo "skip send: built without cpp-httplib"
fi

# ---------------------------------------------------------------- no whole secret printed
# keyring new and rotate print their new key as a line of its own: anywhere else is a leak.
leaked=0
for s in "$SK" "$SK2" "$SEED_ONLY" "$MISMATCH" "$W" "$A" "$B" "$M"; do
  [ -n "$(grep -F -- "${s#*_}" "$w/all.log" | grep -vxF -- "$s")" ] && leaked=1
done
check "no command but keypair / keyring new / rotate printed a whole secret key" '[ $leaked = 0 ]'
check "no error message echoed a secret or public key" '! grep -E "^(hooksig|invalid)" "$w/all.log" | grep -qE "whsk_[A-Za-z0-9+/]{8}|whpk_[A-Za-z0-9+/]{8}|$PK_HEX|$PK2_HEX"'

exit $fail
