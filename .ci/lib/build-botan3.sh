#!/usr/bin/env bash
# Builds a minimal, static, amalgamated Botan 3.7.1 for hooksig from Debian
# trixie's source package and installs it into PREFIX.
#
#   .ci/lib/build-botan3.sh PREFIX [--cross aarch64|s390x]
#
# Result: PREFIX/lib/libbotan-3.a, PREFIX/lib/pkgconfig/botan-3.pc,
# PREFIX/include/botan-3/botan/*.h. Use it with
#   PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs botan-3
#
# The source comes from a deb-src entry for trixie in a sources file of its own
# (only source indexes are fetched, so no installable package changes); the
# upstream tarball is checked against a pinned SHA-256. Idempotent: a PREFIX
# that already holds this exact build is left alone. See build-botan3.md.
#
# Environment:
#   HOOKSIG_BOTAN3_CACHE   download/build cache (default $HOME/.cache/hooksig-botan3)
#   HOOKSIG_BOTAN3_JOBS    make -j (default: nproc)
#   PYTHON                 interpreter for configure.py (default python3)
set -euo pipefail

readonly BOTAN_VERSION=3.7.1
# Upstream tarball as repacked by Debian (botan3 3.7.1+dfsg-*: src/lib/prov/pkcs11
# removed). Same file for every Debian revision of 3.7.1+dfsg.
readonly ORIG_GLOB="botan3_${BOTAN_VERSION}*.orig.tar.*"
readonly ORIG_SHA256=b164e8debd53d22e6b6dc6729388e798c935d1e4251c5d41e07397a57bbf2413
readonly SOURCE_PACKAGE=botan3
readonly SUITE=trixie
readonly SOURCES_FILE=/etc/apt/sources.list.d/hooksig-trixie-src.sources
readonly KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# Only what hooksig uses; --minimized-build adds their dependencies (asn1, base,
# bigint, cpuid, hash, kdf, mac, mdx_hash, mem_pool, mp, numbertheory, os_utils,
# pem, pk_pad, pubkey, rng, utils). Reasons: build-botan3.md.
readonly MODULES=system_rng,hmac,sha2_32,sha2_64,ed25519,base64,hex,locking_allocator

start=$(date +%s)
die() { echo "build-botan3: error: $*" >&2; exit 1; }
log() { echo "build-botan3: $*"; }
elapsed() { echo $(( $(date +%s) - start )); }

usage() { echo "usage: $0 PREFIX [--cross aarch64|s390x]" >&2; exit 2; }

prefix=""
cross=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cross) [ $# -ge 2 ] || usage; cross=$2; shift 2 ;;
    --cross=*) cross=${1#--cross=}; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$prefix" ] || usage; prefix=$1; shift ;;
  esac
done
[ -n "$prefix" ] || usage

case "$cross" in
  "") target=native; cross_flags=(); cross_pkg="" ;;
  aarch64) target=aarch64; triplet=aarch64-linux-gnu; cpu=arm64 ;;
  s390x) target=s390x; triplet=s390x-linux-gnu; cpu=s390x ;;
  *) die "--cross must be aarch64 or s390x, not '$cross'" ;;
esac
if [ "$target" != native ]; then
  cross_pkg=g++-$triplet
  cross_flags=(--cpu="$cpu" --os=linux --cc=gcc --cc-bin="$triplet-g++" --ar-command="$triplet-ar")
fi
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd -P)

# Everything that determines the build; a PREFIX stamped with the same text is done.
stamp_file="$prefix/lib/hooksig-botan3.stamp"
stamp_text="botan $BOTAN_VERSION sha256=$ORIG_SHA256 target=$target modules=$MODULES static amalgamation"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp_text" ] &&
   [ -f "$prefix/lib/libbotan-3.a" ] && [ -f "$prefix/lib/pkgconfig/botan-3.pc" ] &&
   [ -f "$prefix/include/botan-3/botan/version.h" ]; then
  log "Botan $BOTAN_VERSION ($target) already installed in $prefix"
  log "done in $(elapsed) s"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) for: $*"
  fi
}

# apt with a lock wait, retried: another apt/dpkg (unattended upgrades, a
# parallel job) may hold the lock, or the mirror may hiccup.
apt_retry() {
  local i
  for i in 1 2 3 4 5; do
    if as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; then
      return 0
    fi
    [ "$i" -lt 5 ] && { log "apt-get $* failed (attempt $i), retrying in $((i * 10)) s"; sleep $((i * 10)); }
  done
  die "apt-get $* failed 5 times"
}

cache=${HOOKSIG_BOTAN3_CACHE:-$HOME/.cache/hooksig-botan3}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
# One build at a time per cache (CI steps or developers running it twice).
exec 9>"$cache/.lock"
flock 9

find_orig() { compgen -G "$cache/$ORIG_GLOB" | head -n1 || true; }

orig=$(find_orig)
if [ -z "$orig" ]; then
  log "fetching $SOURCE_PACKAGE $BOTAN_VERSION source from Debian $SUITE"
  mirror=http://deb.debian.org/debian
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
    case "$m" in */debian|*/debian/) mirror=${m%/} ;; esac
  fi
  [ -f "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
  want="# Added by hooksig .ci/lib/build-botan3.sh: Debian $SUITE SOURCE packages only
# (deb-src), to fetch the Botan $BOTAN_VERSION tarball. Installs nothing.
Types: deb-src
URIs: $mirror
Suites: $SUITE
Components: main
Signed-By: $KEYRING"
  if [ ! -f "$SOURCES_FILE" ] || [ "$(cat "$SOURCES_FILE")" != "$want" ]; then
    printf '%s\n' "$want" | as_root tee "$SOURCES_FILE" >/dev/null
  fi
  # Refresh only this file's index; keep every other list as it is.
  apt_retry -q update \
    -o Dir::Etc::sourcelist="$SOURCES_FILE" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
  # pkg/suite: never a newer botan3 from another deb-src line (sid, backports).
  (cd "$cache" && apt_retry -q source --download-only -o APT::Sandbox::User=root \
    "$SOURCE_PACKAGE/$SUITE")
  orig=$(find_orig)
  [ -n "$orig" ] || die "Debian $SUITE no longer ships Botan $BOTAN_VERSION (no $ORIG_GLOB in $cache:
$(ls "$cache"))
Update BOTAN_VERSION and ORIG_SHA256 in $0 after checking the new release."
fi

actual=$(sha256sum "$orig" | cut -d' ' -f1)
if [ "$actual" != "$ORIG_SHA256" ]; then
  echo "build-botan3: ************************************************************" >&2
  echo "build-botan3: SHA-256 MISMATCH for $orig" >&2
  echo "build-botan3:   expected $ORIG_SHA256" >&2
  echo "build-botan3:   actual   $actual" >&2
  echo "build-botan3: refusing to build. Delete the file to download it again." >&2
  echo "build-botan3: ************************************************************" >&2
  exit 1
fi
log "verified $(basename "$orig") sha256=$actual"

if [ "$target" != native ] && ! command -v "$triplet-g++" >/dev/null 2>&1; then
  log "installing $cross_pkg"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
       install -y -q --no-install-recommends "$cross_pkg"; then
    apt_retry -q update
    apt_retry install -y -q --no-install-recommends "$cross_pkg"
  fi
fi

work="$cache/build-$target"
rm -rf "$work"
mkdir -p "$work"
tar -xf "$orig" -C "$work" --strip-components=1
cd "$work"

log "configuring ($target)"
"${PYTHON:-python3}" ./configure.py \
  --minimized-build --enable-modules="$MODULES" \
  --amalgamation \
  --disable-shared-library --build-targets=static \
  --without-documentation --no-install-python-module \
  --distribution-info="hooksig build-botan3.sh, Debian $SUITE $(basename "$orig")" \
  --prefix="$prefix" \
  "${cross_flags[@]}" > configure.log 2>&1 || { cat configure.log >&2; die "configure.py failed"; }
grep -E 'Loading modules|Target is' configure.log | sed 's/^ *INFO: /build-botan3:   /'

jobs=${HOOKSIG_BOTAN3_JOBS:-$(nproc)}
log "compiling (make -j$jobs; log: $work/build.log) after $(elapsed) s"
compile_start=$(date +%s)
if ! make -j"$jobs" > build.log 2>&1; then
  tail -n 60 build.log >&2
  die "make failed (full log: $work/build.log)"
fi
log "compiled in $(( $(date +%s) - compile_start )) s"

# Replace any earlier Botan 3 install in PREFIX (other version, modules or
# target) so no stale header survives; touch nothing else in PREFIX.
rm -rf "$prefix/include/botan-3" "$prefix/lib/libbotan-3.a" "$prefix/lib/pkgconfig/botan-3.pc" \
       "$prefix/lib/cmake/Botan-$BOTAN_VERSION" "$stamp_file"
make install > install.log 2>&1 || { cat install.log >&2; die "make install failed"; }

for f in lib/libbotan-3.a lib/pkgconfig/botan-3.pc include/botan-3/botan/version.h \
         include/botan-3/botan/ed25519.h include/botan-3/botan/system_rng.h; do
  [ -f "$prefix/$f" ] || die "install incomplete: $prefix/$f missing"
done
printf '%s\n' "$stamp_text" > "$stamp_file"

log "installed Botan $BOTAN_VERSION ($target) in $prefix"
log "done in $(elapsed) s"
