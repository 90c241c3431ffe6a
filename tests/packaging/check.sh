#!/bin/bash
# Checks the packages `make deb` and `make rpm` built (run by `make
# check-packages`, not by `make check`: building them takes minutes).
# Usage: tests/packaging/check.sh [BUILD]; ends with "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
ver=$(sed -n 's/^#define BLCR_VERSION "\(.*\)"/\1/p' "$top/include/blcr_version.h")
passed=0 failed=0

ok() { echo "PASS $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
# has NAME LIST PATTERN...: every pattern (grep -E, whole line) is in LIST.
has() {
	local name=$1 list=$2 p missing=
	shift 2
	for p; do grep -Eqx -- "$p" <<<"$list" || missing+=" $p"; done
	if [ -z "$missing" ]; then ok "$name"; else bad "$name: missing$missing"; fi
}

deb=$build/deb arch=$(dpkg --print-architecture)
debfiles() { dpkg-deb -c "$deb/$1" | awk '{print $6}' | sed 's|^\.||'; }
lib=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
src=/usr/src/blcr-$ver

has "deb blcr-dkms files" "$(debfiles blcr-dkms_${ver}_all.deb)" \
	"$src/dkms.conf" "$src/src/kmod/Kbuild" "$src/src/kmod/Makefile" "$src/src/kmod/main.c" \
	"$src/include/blcr_ioctl.h" "$src/src/arch/x86_64/blcr_arch.h"
has "deb blcr-dkms dkms hooks" "$(dpkg-deb -I "$deb/blcr-dkms_${ver}_all.deb" postinst prerm)" \
	'.*/usr/lib/dkms/common.postinst.*' '.*dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all'
has "deb blcr-dkms depends on dkms" "$(dpkg-deb -f "$deb/blcr-dkms_${ver}_all.deb" Depends | tr ',' '\n' | sed 's/^ *//')" \
	'dkms.*'
has "deb blcr-utils files" "$(debfiles blcr-utils_${ver}_${arch}.deb)" \
	/usr/bin/cr_checkpoint /usr/bin/cr_restart /usr/bin/cr_run /usr/bin/cr_info \
	'(/usr)?/lib/systemd/system/blcr.service' /usr/libexec/blcr/blcr-modules \
	/usr/share/bash-completion/completions/cr_checkpoint
manpages=('/usr/share/man/man1/cr_checkpoint\.1(\.gz)?' '/usr/share/man/man1/cr_restart\.1(\.gz)?'
	'/usr/share/man/man1/cr_run\.1(\.gz)?' '/usr/share/man/man1/cr_info\.1(\.gz)?' '/usr/share/man/man7/blcr\.7(\.gz)?')
has "deb blcr-utils man pages" "$(debfiles blcr-utils_${ver}_${arch}.deb)" "${manpages[@]}"
has "deb blcr-utils enables blcr.service" "$(dpkg-deb -I "$deb/blcr-utils_${ver}_${arch}.deb" postinst)" \
	".*deb-systemd-helper.*enable.*blcr.service.*"
has "deb libcr0 files" "$(debfiles libcr0_${ver}_${arch}.deb)" \
	"$lib/libcr.so.0.*" "$lib/libcr_run.so.0.*" "$lib/libcr_omit.so.0.*"
has "deb libcr-dev files" "$(debfiles libcr-dev_${ver}_${arch}.deb)" \
	/usr/include/libcr.h /usr/include/blcr_common.h /usr/include/blcr_errcodes.h \
	/usr/include/blcr_ioctl.h /usr/include/blcr_version.h "$lib/libcr.so" "$lib/pkgconfig/libcr.pc"

# Warnings are fine (they are listed); errors are not.
lint=$(lintian "$deb/blcr_${ver}_${arch}.changes" 2>&1)
grep '^W:' <<<"$lint" | sort -u
if grep -q '^E:' <<<"$lint"; then grep '^E:' <<<"$lint"; bad "lintian errors"; else ok "lintian: no errors"; fi

rpm=$build/rpm rarch=$(uname -m)
rpmfiles() { rpm -qlp "$rpm/$1" 2>/dev/null; }
has "rpm blcr files" "$(rpmfiles blcr-$ver-1.$rarch.rpm)" \
	/usr/bin/cr_checkpoint /usr/bin/cr_restart /usr/bin/cr_run /usr/bin/cr_info \
	/usr/lib/systemd/system/blcr.service /usr/libexec/blcr/blcr-modules
has "rpm blcr man pages" "$(rpmfiles blcr-$ver-1.$rarch.rpm)" "${manpages[@]}"
has "rpm blcr-libs files" "$(rpmfiles blcr-libs-$ver-1.$rarch.rpm)" \
	'/usr/lib64/libcr.so.0' '/usr/lib64/libcr_run.so.0' '/usr/lib64/libcr_omit.so.0'
has "rpm blcr-devel files" "$(rpmfiles blcr-devel-$ver-1.$rarch.rpm)" \
	/usr/include/libcr.h /usr/include/blcr_ioctl.h /usr/lib64/libcr.so /usr/lib64/pkgconfig/libcr.pc
has "rpm blcr-dkms files" "$(rpmfiles blcr-dkms-$ver-1.noarch.rpm)" \
	"$src/dkms.conf" "$src/src/kmod/Kbuild" "$src/src/kmod/main.c" "$src/include/blcr_ioctl.h"
has "rpm blcr-dkms requires" "$(rpm -qp --requires "$rpm/blcr-dkms-$ver-1.noarch.rpm" 2>/dev/null)" \
	dkms make gcc
# Scriptlets: the header line of each, then its dkms command.
has "rpm blcr-dkms scriptlets" "$(rpm -qp --scripts "$rpm/blcr-dkms-$ver-1.noarch.rpm" 2>/dev/null)" \
	'postinstall scriptlet.*' "dkms add -m blcr -v $ver .*" "dkms build -m blcr -v $ver && dkms install -m blcr -v $ver .*" \
	'preuninstall scriptlet.*' "dkms remove -m blcr -v $ver --all .*"

# Both formats ship the same dkms.conf, with the release filled in.
for pkg in deb rpm; do
	if [ $pkg = deb ]; then conf=$(dpkg-deb --fsys-tarfile "$deb/blcr-dkms_${ver}_all.deb" | tar -xOf - ".$src/dkms.conf")
	else conf=$(rpm2cpio "$rpm/blcr-dkms-$ver-1.noarch.rpm" | cpio --quiet -i --to-stdout ".$src/dkms.conf"); fi
	has "$pkg dkms.conf" "$conf" "PACKAGE_VERSION=\"$ver\"" 'AUTOINSTALL="yes"' \
		'BUILT_MODULE_NAME\[0\]="blcr_imports"' 'BUILT_MODULE_NAME\[1\]="blcr"' 'DEST_MODULE_LOCATION\[[01]\]="/updates/dkms"'
done

# The packaged man pages format without warnings (as lintian's check, but failing).
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
for pkg in deb rpm; do
	mkdir -p "$tmp/$pkg"
	if [ $pkg = deb ]; then dpkg-deb -x "$deb/blcr-utils_${ver}_${arch}.deb" "$tmp/$pkg"
	else rpm2cpio "$rpm/blcr-$ver-1.$rarch.rpm" | (cd "$tmp/$pkg" && cpio --quiet -id); fi
	warnings= n=0
	for page in "$tmp/$pkg"/usr/share/man/man[17]/*; do
		[ -f "$page" ] || continue
		n=$((n + 1))
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || warnings+=" ${page##*/}: $out"
	done
	if [ "$n" -eq 5 ] && [ -z "$warnings" ]; then ok "$pkg man pages format cleanly"
	else bad "$pkg man pages: $n found, warnings:$warnings"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
