#!/bin/bash
# Installs the Debian packages that building and testing blcr need, when any
# is missing. Run as root (make check and make demo call it).
set -euo pipefail

packages=(
	make cmake g++ pkg-config libboost-program-options-dev catch2  # user space
	groff-base                                             # man page test
	gcc-12 libelf1 libssl3 dwarves bc kmod                # kernel module builds (Debian's kbuild)
	qemu-system-x86 busybox-static cpio xz-utils           # the test guest
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages: ${missing[*]}; install them as root" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
