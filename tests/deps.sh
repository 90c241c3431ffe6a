#!/bin/bash
# Installs the Debian packages that building and testing blcr need, when any
# is missing. Run as root (make check and make demo call it).
#   deps.sh [ARCH...]   also what cross-building for and booting guests of
#                       these architectures needs (make check-arch): arm64
set -euo pipefail

packages=(
	make cmake g++ pkg-config libboost-program-options-dev catch2  # user space
	groff-base                                             # man page test
	gcc-12 libelf1 libssl3 dwarves bc kmod                # kernel module builds (Debian's kbuild)
	qemu-system-x86 busybox-static cpio xz-utils           # the test guest
)

# Foreign libraries come from Debian's multiarch packages (ARCH added to
# dpkg); the kernels are only downloaded and unpacked (tests/vm/kernels.sh).
foreign=()
for arch in "$@"; do
	case $arch in
	arm64)
		foreign+=(arm64)
		packages+=(qemu-system-arm gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
			libboost-program-options-dev:arm64) ;;
	*) echo "deps.sh: unknown architecture $arch" >&2; exit 2 ;;
	esac
done

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
for arch in "${foreign[@]}"; do
	dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch"
done
apt-get update -qq
# A foreign -dev package may drag host packages to its version; it must
# never make apt remove one (the host's compilers, say).
if apt-get -s install --no-install-recommends "${missing[@]}" | grep '^Remv'; then
	echo "deps.sh: installing ${missing[*]} would remove the packages above: not done" >&2
	exit 1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
