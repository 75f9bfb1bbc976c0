#!/usr/bin/env bash
# Usage: cross-sysroot.sh ARCH DIR   (ARCH: arm64 or s390x)
#
# Prepares a cross build of hooksig for ARCH: installs the cross compiler and
# qemu-user-static (amd64 packages), then unpacks ARCH's Botan 2 and the
# libraries it needs into the private sysroot DIR. Foreign packages are only
# downloaded and unpacked, never installed: libbotan-2-dev is not Multi-Arch:
# same, and installing libbotan-2-dev:ARCH would remove the machine's amd64
# Botan. libc, libstdc++ and libgcc come from the cross toolchain. Idempotent.
# See .ci/lib/cross-build.md.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 arm64|s390x DIR" >&2
  exit 2
fi
arch=$1
case "$arch" in
  arm64) triplet="aarch64-linux-gnu"; qemu="qemu-aarch64-static" ;;
  s390x) triplet="s390x-linux-gnu"; qemu="qemu-s390x-static" ;;
  *) echo "cross-sysroot.sh: unsupported ARCH '$arch' (arm64 or s390x)" >&2; exit 2 ;;
esac
mkdir -p "$2"
dir=$(cd "$2" && pwd)
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# The amd64 tools.
if ! command -v "$triplet-g++" >/dev/null || ! command -v "$qemu" >/dev/null || ! command -v pkg-config >/dev/null; then
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "g++-$triplet" qemu-user-static pkg-config >/dev/null
fi

# ARCH's package lists (the architecture is added for apt's lists only).
# Every apt call here rebuilds apt's cache (several seconds), so there are few.
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  dpkg --add-architecture "$arch"
fi
closure() { # Botan and its run-time closure, less what the cross toolchain provides
  {
    echo "libbotan-2-dev"
    apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
      --no-replaces --no-enhances "libbotan-2-19:$arch" 2>/dev/null | grep -v '^[ <]' || true
  } | sed "s/:$arch\$//" | grep -Ev '^(libc6|libgcc-s1|libstdc\+\+6|gcc-[0-9]+-base|libcrypt1)$' \
    | sort -u | sed "s/\$/:$arch/"
}
mapfile -t packages < <(closure)
if [ "${#packages[@]}" -lt 2 ]; then # no lists for ARCH yet
  "${apt[@]}" update -qq
  mapfile -t packages < <(closure)
fi

# The exact files (names carry the versions); DIR records what it holds.
wanted=$(cd /tmp && "${apt[@]}" download --print-uris -qq "${packages[@]}" | awk '{print $2, $4}' | sort)
stamp="$dir/.hooksig-sysroot"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -e "$dir/usr/lib/$triplet/libbotan-2.so" ] \
  && [ -e "$dir/usr/lib/$triplet/libz.so.1" ]; then
  echo "cross-sysroot: $dir is up to date for $arch ($(( $(date +%s) - start )) s)"
  exit 0
fi

debs="$dir/.debs"
rm -rf "$debs"
mkdir -p "$debs"
# apt-get download writes to the current directory; _apt must be able to write there.
chown _apt "$debs" 2>/dev/null || true
if ! (cd "$debs" && "${apt[@]}" download -qq "${packages[@]}"); then
  "${apt[@]}" update -qq # stale lists: a version left the mirror
  (cd "$debs" && "${apt[@]}" download -qq "${packages[@]}")
  wanted=$(cd /tmp && "${apt[@]}" download --print-uris -qq "${packages[@]}" | awk '{print $2, $4}' | sort)
fi
for deb in "$debs"/*.deb; do
  dpkg -x "$deb" "$dir"
done
rm -rf "$debs"
# zlib1g, libbz2-1.0 and liblzma5 ship in /lib/TRIPLET: link them into
# /usr/lib/TRIPLET as a merged-/usr system would, so one directory serves
# LD_LIBRARY_PATH and -rpath-link.
if [ -d "$dir/lib/$triplet" ]; then
  for lib in "$dir/lib/$triplet"/*.so*; do
    ln -sfn "../../../lib/$triplet/$(basename "$lib")" "$dir/usr/lib/$triplet/$(basename "$lib")"
  done
fi
echo "$wanted" > "$stamp"

# botan-2.pc lives in the multiarch directory; a missing one would only show
# up later as a confusing CMake error.
test -f "$dir/usr/lib/$triplet/pkgconfig/botan-2.pc"
echo "cross-sysroot: $arch sysroot in $dir: ${packages[*]}"
echo "cross-sysroot: done in $(( $(date +%s) - start )) s"
