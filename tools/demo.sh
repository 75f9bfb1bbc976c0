#!/usr/bin/env bash
# hooksig in one command on a fresh Debian 12: install what is missing, build,
# then show the main job: new secret, sign, verify, tampered body rejected.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
# Everything `cmake --workflow --preset default` (the whole test suite) needs too.
for pkg in build-essential cmake pkg-config libbotan-2-dev catch2 nlohmann-json3-dev libbenchmark-dev \
           libcpp-httplib-dev libhiredis-dev redis-server valgrind; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
cmake --preset default >/dev/null
cmake --build build/default --target hooksig_cli -j"$(nproc)" >/dev/null
hooksig=build/default/tools/hooksig/hooksig
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

echo '$ hooksig secret                       # a new endpoint secret (shown once)'
secret=$("$hooksig" secret); echo "whsec_…${secret: -4}   (full secret kept in a shell variable, not printed)"
printf '%s' '{"type":"payment.succeeded","amount":4200}' > "$work/body"
echo '$ export HOOKSIG_SECRET="$secret"         # secrets stay off the command line (or --secret-file F)'
export HOOKSIG_SECRET="$secret"
echo '$ hooksig sign --body-file body > headers'
"$hooksig" sign --body-file "$work/body" | tee "$work/headers"
echo '$ hooksig verify --headers-file headers --body-file body'
"$hooksig" verify --headers-file "$work/headers" --body-file "$work/body"
printf '%s' '{"type":"payment.succeeded","amount":9999}' > "$work/tampered"
echo '$ hooksig verify --headers-file headers --body-file tampered   # amount changed'
if "$hooksig" verify --headers-file "$work/headers" --body-file "$work/tampered"; then
  echo "demo failed: the tampered body verified" >&2; exit 1
fi
echo "(exit status 1: tampered body rejected)"
