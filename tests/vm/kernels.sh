#!/bin/bash
# Prints the build tree and the vmlinuz of the newest Debian kernel of one line,
# downloading and unpacking its packages into the cache on first use:
#   kernels.sh 6.1|6.12   ->   "<release> <headers dir> <vmlinuz>"
# Nothing is installed on the host: the packages are unpacked with dpkg-deb.
set -euo pipefail

line=${1:?usage: kernels.sh 6.1|6.12}
cache=${BLCR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/blcr}/kernels
flavour=amd64

case $line in
6.1) pattern='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
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
	deps=$(apt-cache show "$headers" | sed -n 's/^Depends: //p' | head -n1 |
		tr ',' '\n' | grep -oE 'linux-(headers-[^ ]+-common|kbuild-[^ ]+)' | sort -u)
	(cd "$dir/debs" && apt-get download -q "$image" "$headers" $deps >&2)
	for deb in "$dir"/debs/*.deb; do
		case $deb in
		*/linux-image-*)
			# Only the kernel; the guest needs none of the distribution's modules.
			dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/root" ./boot ;;
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
