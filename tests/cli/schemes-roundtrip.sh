#!/usr/bin/env bash
# Every --scheme round-trips through the CLI: `hooksig sign | hooksig verify`, with the
# provider's header shapes, rejection of tampering, several keys, windows and --header-name.
set -uo pipefail
cli=${1:?usage: schemes-roundtrip.sh PATH/TO/hooksig}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

TS=1700000000
printf '%s' '{"id":"evt_1","type":"payment_intent.succeeded","amount":4200}' > "$w/body"
printf 'X%s' "$(cat "$w/body")" > "$w/tampered"
TEXT1='hooksig roundtrip secret one 0123456789'; TEXT2='hooksig roundtrip secret two 9876543210'
WHSEC1=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw; WHSEC2=whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD

# scheme : header lines printed by sign (extended regexes, in order)
declare -A shape=(
  [standard]='^webhook-id: msg_[0-9a-f]{32}$|^webhook-timestamp: 1700000000$|^webhook-signature: v1,[A-Za-z0-9+/]{43}=$'
  [svix]='^webhook-id: msg_[0-9a-f]{32}$|^webhook-timestamp: 1700000000$|^webhook-signature: v1,[A-Za-z0-9+/]{43}=$'
  [stripe]='^stripe-signature: t=1700000000,v1=[0-9a-f]{64}$'
  [github]='^x-hub-signature-256: sha256=[0-9a-f]{64}$'
  [slack]='^x-slack-request-timestamp: 1700000000$|^x-slack-signature: v0=[0-9a-f]{64}$'
  [shopify]='^x-shopify-hmac-sha256: [A-Za-z0-9+/]{43}=$'
  [raw-hex]='^x-signature-sha256: [0-9a-f]{64}$'
  [raw-base64]='^x-signature-sha256: [A-Za-z0-9+/]{43}=$'
  [paddle]='^paddle-signature: ts=1700000000;h1=[0-9a-f]{64}$'
  [square]='^x-square-hmacsha256-signature: [A-Za-z0-9+/]{43}=$'
)
timed=" standard svix stripe slack paddle "
multi=" standard svix stripe paddle "
URL='https://example.com/webhooks/square?env=test'

for s in standard svix stripe github slack shopify raw-hex raw-base64 paddle square; do
  if [ "$s" = standard ] || [ "$s" = svix ]; then k1=$WHSEC1; k2=$WHSEC2; else k1=$TEXT1; k2=$TEXT2; fi
  extra=(); [ "$s" = square ] && extra=(--url "$URL")
  sign() { "$cli" sign --scheme "$s" "${extra[@]}" --timestamp "$TS" --body-file "$w/body" "$@"; }
  verify() { "$cli" verify --scheme "$s" "${extra[@]}" --now "$TS" "$@"; }

  check "$s: sign | verify is valid" \
    '[ "$(sign --secret "$k1" | verify --secret "$k1" --headers-file /dev/stdin --body-file "$w/body")" = valid ]'
  sign --secret "$k1" > "$w/h.$s"
  IFS='|' read -r -a want <<< "${shape[$s]}"
  check "$s: sign prints the provider's header shape" \
    '[ "$(wc -l < "$w/h.$s")" = ${#want[@]} ] && i=0 && for re in "${want[@]}"; do i=$((i + 1)); sed -n "${i}p" "$w/h.$s" | grep -Eq "$re" || exit 1; done'
  check "$s: signing is deterministic for a fixed id and timestamp" \
    '[ "$(sign --secret "$k1" --id msg_fixed)" = "$(sign --secret "$k1" --id msg_fixed)" ]'
  verify --secret "$k1" --headers-file "$w/h.$s" --body-file "$w/tampered" > "$w/out" 2> "$w/err"; rc=$?
  check "$s: a tampered body exits 1" '[ $rc = 1 ] && [ "$(cat "$w/err")" = "invalid: no matching signature" ] && [ ! -s "$w/out" ]'
  verify --secret "$k2" --headers-file "$w/h.$s" --body-file "$w/body" > "$w/out" 2> "$w/err"; rc=$?
  check "$s: a wrong secret exits 1" '[ $rc = 1 ] && grep -qx "invalid: no matching signature" "$w/err"'
  check "$s: a receiver holding the wrong and the right secret accepts" \
    'verify --secret "$k2" --secret "$k1" --headers-file "$w/h.$s" --body-file "$w/body" > /dev/null'
  check "$s: upper-case header names are accepted" \
    'sed "s/^[^:]*/\U&/" "$w/h.$s" | verify --secret "$k1" --headers-file /dev/stdin --body-file "$w/body" > /dev/null'
  check "$s: no output holds the secret" '! grep -q "roundtrip secret\|MfKQ9r8G" "$w/h.$s" "$w/out" "$w/err"'

  sign --secret "$k1" --secret "$k2" > "$w/h2.$s"
  if [[ $multi == *" $s "* ]]; then
    check "$s: two secrets sign twice, the second verifies alone" \
      'verify --secret "$k2" --headers-file "$w/h2.$s" --body-file "$w/body" > /dev/null'
  else
    check "$s: one signature per delivery: the primary secret signs" \
      'verify --secret "$k1" --headers-file "$w/h2.$s" --body-file "$w/body" > /dev/null && ! verify --secret "$k2" --headers-file "$w/h2.$s" --body-file "$w/body" 2> /dev/null'
  fi

  if [[ $timed == *" $s "* ]]; then
    "$cli" verify --scheme "$s" "${extra[@]}" --secret "$k1" --headers-file "$w/h.$s" --now $((TS + 301)) --body-file "$w/body" 2> "$w/err"; rc=$?
    check "$s: 301 s late exits 1 (too old)" '[ $rc = 1 ] && grep -qx "invalid: timestamp too old" "$w/err"'
    "$cli" verify --scheme "$s" "${extra[@]}" --secret "$k1" --headers-file "$w/h.$s" --now $((TS - 301)) --body-file "$w/body" 2> "$w/err"; rc=$?
    check "$s: 301 s early exits 1 (too new)" '[ $rc = 1 ] && grep -qx "invalid: timestamp too new" "$w/err"'
    check "$s: 300 s late is inside the window" \
      '"$cli" verify --scheme "$s" "${extra[@]}" --secret "$k1" --headers-file "$w/h.$s" --now $((TS + 300)) --body-file "$w/body" > /dev/null'
  else
    check "$s: no timestamp, so the clock does not matter" \
      '"$cli" verify --scheme "$s" "${extra[@]}" --secret "$k1" --headers-file "$w/h.$s" --now $((TS + 86400000)) --body-file "$w/body" > /dev/null'
  fi
done

# Known answers: GitHub's and Slack's documented vectors.
printf 'Hello, World!' > "$w/gh"
check "github: the docs vector" \
  '[ "$("$cli" sign --scheme github --secret "It'"'"'s a Secret to Everybody" --body-file "$w/gh")" = "x-hub-signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" ]'
printf '%s' 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c' > "$w/slack"
check "slack: the docs vector" \
  '"$cli" sign --scheme slack --secret 8f742231b10e8888abcd99yyyzzz85a5 --timestamp 1531420618 --body-file "$w/slack" | grep -qx "x-slack-signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"'

# --header-name for the raw schemes.
for s in raw-hex raw-base64; do
  "$cli" sign --scheme "$s" --secret "$TEXT1" --header-name X-BitGo-Signature --body-file "$w/body" > "$w/hn"
  check "$s: --header-name names the header (lower case)" 'grep -Eq "^x-bitgo-signature: " "$w/hn" && [ "$(wc -l < "$w/hn")" = 1 ]'
  check "$s: verify with the same --header-name" \
    '"$cli" verify --scheme "$s" --secret "$TEXT1" --header-name x-bitgo-signature --headers-file "$w/hn" --body-file "$w/body" > /dev/null'
  "$cli" verify --scheme "$s" --secret "$TEXT1" --headers-file "$w/hn" --body-file "$w/body" 2> "$w/err"; rc=$?
  check "$s: without it the default header is missing" '[ $rc = 1 ] && grep -qx "invalid: missing header" "$w/err"'
  for bad in "" "has space" "a:b"; do
    "$cli" sign --scheme "$s" --secret "$TEXT1" --header-name "$bad" --body-file "$w/body" > /dev/null 2>&1; rc=$?
    check "$s: --header-name '$bad' is a usage error" '[ $rc = 2 ]'
  done
done
"$cli" sign --scheme raw-hex --secret "$TEXT1" --body-file "$w/body" | sed 's/[0-9a-f]\{64\}/\U&/' > "$w/upper"
"$cli" verify --scheme raw-hex --secret "$TEXT1" --headers-file "$w/upper" --body-file "$w/body" 2> "$w/err"; rc=$?
check "raw-hex: upper-case hex is rejected" '[ $rc = 1 ] && grep -qx "invalid: no matching signature" "$w/err"'

# Square: the notification URL is part of the MAC.
"$cli" sign --scheme square --url "$URL" --secret "$TEXT1" --body-file "$w/body" > "$w/sq"
"$cli" verify --scheme square --url "${URL}&x=1" --secret "$TEXT1" --headers-file "$w/sq" --body-file "$w/body" 2> "$w/err"; rc=$?
check "square: another URL does not verify" '[ $rc = 1 ] && grep -qx "invalid: no matching signature" "$w/err"'
"$cli" sign --scheme square --secret "$TEXT1" --body-file "$w/body" > /dev/null 2>&1; rc=$?
check "square: --url is required" '[ $rc = 2 ]'
"$cli" sign --scheme square --url "https://example.com/a b" --secret "$TEXT1" --body-file "$w/body" > /dev/null 2>&1; rc=$?
check "square: a URL with a space is a usage error" '[ $rc = 2 ]'
"$cli" sign --scheme stripe --url "$URL" --secret "$TEXT1" --body-file "$w/body" > /dev/null 2>&1; rc=$?
check "--url with another scheme is a usage error" '[ $rc = 2 ]'
# Paddle: its SDK's 5 s window is one --tolerance away.
"$cli" verify --scheme paddle --secret "$TEXT1" --headers-file "$w/h.paddle" --now $((TS + 6)) --tolerance 5 --body-file "$w/body" 2> "$w/err"; rc=$?
check "paddle: --tolerance 5 rejects 6 s of age" '[ $rc = 1 ] && grep -qx "invalid: timestamp too old" "$w/err"'

# Usage errors.
"$cli" sign --scheme github --header-name x-sig --secret "$TEXT1" --body-file "$w/body" > /dev/null 2>&1; rc=$?
check "--header-name with a non-raw scheme is a usage error" '[ $rc = 2 ]'
"$cli" sign --scheme frobnicate --secret "$TEXT1" --body-file "$w/body" > /dev/null 2> "$w/err"; rc=$?
check "an unknown scheme is a usage error listing the known ones" '[ $rc = 2 ] && grep -q "raw-base64, paddle, square" "$w/err" && ! grep -q "roundtrip secret" "$w/err"'
"$cli" sign --scheme stripe --secret "" --body-file "$w/body" > /dev/null 2>&1; rc=$?
check "an empty text secret is a usage error" '[ $rc = 2 ]'
exit $fail
