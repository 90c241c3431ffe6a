#!/bin/bash
# Prints the build tree and the vmlinuz of the newest Debian kernel of one line
# and Debian architecture (default amd64), downloading and unpacking its
# packages into the cache on first use:
#   kernels.sh 6.1|6.12 [amd64|arm64]   ->   "<release> <headers dir> <vmlinuz>"
# Nothing is installed on the host: the packages are unpacked with dpkg-deb.
# A foreign architecture needs `dpkg --add-architecture` (tests/deps.sh);
# its headers are built with the host's (amd64) kbuild tools of the same
# version, which is what Debian ships them for.
set -euo pipefail

line=${1:?usage: kernels.sh 6.1|6.12 [amd64|arm64]}
debarch=${2:-amd64}
cache=${BLCR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/blcr}/kernels

case $debarch in
amd64 | arm64) flavour=$debarch ;;
*) echo "kernels.sh: unknown architecture $debarch" >&2; exit 2 ;;
esac
case $line in
6.1) pattern="^linux-image-6\.1\.0-[0-9]+-$flavour\$" ;;
6.12) pattern="^linux-image-6\.12\.[0-9]+\+deb12-$flavour\$" ;;
*) echo "kernels.sh: unknown kernel line $line" >&2; exit 2 ;;
esac

# Debian replaces old ABIs: always ask apt for the newest of the line.
newest() {
	apt-cache search --names-only "$pattern" | awk '{print $1}' | sort -V | tail -n1
}
image=$(newest)
if [ -z "$image" ]; then
	apt-get update -qq >&2
	image=$(newest)
fi
[ -n "$image" ] || { echo "kernels.sh: no Debian kernel package matches $pattern" >&2; exit 1; }
release=${image#linux-image-}
dir=$cache/$release

if [ ! -f "$dir/.complete" ]; then
	echo "kernels.sh: fetching Debian kernel $release" >&2
	rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root"
	headers=linux-headers-$release
	# The flavour's headers need the common headers and the kbuild tools of
	# the same build; read their exact names from the package's Depends.
	deps=$(apt-cache show "$headers:$debarch" | sed -n 's/^Depends: //p' | head -n1 |
		tr ',' '\n' | grep -oE 'linux-(headers-[^ ]+-common|kbuild-[^ ]+)' | sort -u)
	# The common headers are arch-independent; kbuild unqualified is the host's.
	(cd "$dir/debs" && apt-get download -q "$image:$debarch" "$headers:$debarch" $deps >&2)
	for deb in "$dir"/debs/*.deb; do
		case $deb in
		*/linux-image-*)
			# Only the kernel; the guest needs none of the distribution's
			# modules but the virtio console's, where those are modules
			# (run.sh; x86 guests use a second serial port instead).
			members=(./boot)
			[ "$debarch" = amd64 ] || members+=($(dpkg-deb -c "$deb" | awk '{print $6}' |
				grep -E '/(virtio_mmio|virtio_console)\.ko(\.xz)?$' || true))
			dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/root" "${members[@]}" ;;
		*) dpkg-deb -x "$deb" "$dir/root" ;;
		esac
	done
	rm -rf "$dir/debs"
	# The flavour Makefile includes the common tree by absolute path.
	sed -i "s#^include /usr/src/#include $dir/root/usr/src/#" \
		"$dir/root/usr/src/linux-headers-$release/Makefile"
	touch "$dir/.complete"
fi
echo "$release $dir/root/usr/src/linux-headers-$release $dir/root/boot/vmlinuz-$release"
