#!/bin/bash
# Boots one Debian kernel line under qemu (TCG) with blcr's modules, programs
# and scenarios, and prints one line per test:
#
#   run.sh --line 6.1|6.12 --userbuild DIR --out DIR [--arch x86_64|arm64]
#          [--cpu MODEL] [--smp N] [--demo] [--mem SIZE] [--scenarios DIR] [--extra DIR]
#
# --arch is the guest's architecture (default x86_64); for another than the
# host's, --userbuild is a cross build (cmake/toolchains/) and the modules
# are cross-built. BLCR_SCENARIOS=GLOB restricts the run to the scenarios
# whose file names match. --userbuild is the CMake build tree of user space; --out receives the
# module build, the initramfs, the serial logs and "summary" ("PASSED FAILED").
# --mem is the guest's memory (qemu -m, default 1G); --scenarios takes the
# scenarios (*.sh only) from DIR instead of tests/scenarios; --extra copies
# DIR's tree over the initramfs root (its programs' libraries come along).
# Files the scenarios put in the guest's /blcr/export land in OUT/export/;
# a later guest gets them in /blcr/import with --extra (see tests/check.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
line= userbuild= out= arch=x86_64 cpu= smp=1 demo= mem=1G scenarios= extra=
while [ $# -gt 0 ]; do
	case $1 in
	--line) line=$2; shift ;;
	--arch) arch=$2; shift ;;
	--userbuild) userbuild=$(cd "$2" && pwd); shift ;;
	--out) out=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--smp) smp=$2; shift ;;
	--demo) demo=1 ;;
	--mem) mem=$2; shift ;;
	--scenarios) scenarios=$(cd "$2" && pwd); shift ;;
	--extra) extra=$(cd "$2" && pwd); shift ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$line" ] && [ -n "$userbuild" ] && [ -n "$out" ] || { echo "run.sh: --line, --userbuild and --out are required" >&2; exit 2; }

# Per architecture: Debian's name, how to cross-build, how to boot. The
# scenarios report on a second channel: the second serial port on x86; on
# arm64's virt machine, which has one UART, a virtio console (hvc0), whose
# drivers Debian's kernels may have as modules (kernels.sh unpacks those).
cache=${BLCR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/blcr}
case $arch in
x86_64)
	debarch=amd64 triplet= kmake=() cpu=${cpu:-qemu64}
	qemu=(qemu-system-x86_64 -cpu "$cpu") console_dev=ttyS0 results=ttyS1
	results_dev=(-serial stdio) ;;
arm64)
	debarch=arm64 triplet=aarch64-linux-gnu cpu=${cpu:-cortex-a57}
	kmake=(ARCH=arm64 CROSS_COMPILE=$triplet-)
	qemu=(qemu-system-aarch64 -M virt -cpu "$cpu") console_dev=ttyAMA0 results=hvc0
	results_dev=(-device virtio-serial-device -chardev stdio,id=results -device virtconsole,chardev=results) ;;
*) echo "run.sh: unknown architecture $arch" >&2; exit 2 ;;
esac

read -r release kdir vmlinuz < <("$top/tests/vm/kernels.sh" "$line" "$debarch")
mkdir -p "$out" && out=$(cd "$out" && pwd)
tag="[$release${cpu:+ $cpu}]"
passed=0 failed=0
echo "0 1" >"$out/summary"

# Modules: built in a copy of the sources so that kernels do not share objects.
kbuild=$out/kmod
rm -rf "$kbuild"
# Exactly the files the DKMS package ships, so a missing one fails here.
make -s -C "$top" kmod-sources DEST="$kbuild" >/dev/null
if ! make -C "$kbuild/src/kmod" KDIR="$kdir" BLCR_WERROR=y "${kmake[@]}" >"$out/kmod-build.log" 2>&1; then
	echo "$tag FAIL module-build: see $out/kmod-build.log"
	tail -n 20 "$out/kmod-build.log" | sed 's/^/    /'
	exit 1
fi
echo "$tag PASS module-build"
passed=$((passed + 1))

# Initramfs: busybox, user space installed under /usr, the guest programs
# and scenarios under /blcr, every shared library they load, the modules.
root=$out/initramfs
rm -rf "$root" "$out/export" && mkdir -p "$root"/{bin,etc,lib/blcr,lib/boot-modules,blcr/bin,blcr/scenarios}
DESTDIR=$root cmake --install "$userbuild" --prefix /usr >/dev/null
cp "$userbuild"/guest/bin/* "$root/blcr/bin/"
if [ -n "$scenarios" ]; then
	cp "$scenarios"/*.sh "$root/blcr/scenarios/"
else
	cp "$top"/tests/scenarios/*.sh "$top"/tests/scenarios/*.c "$root/blcr/scenarios/" 2>/dev/null || true
	cp "$userbuild"/guest/scenarios/* "$root/blcr/scenarios/" 2>/dev/null || true
fi
# BLCR_SCENARIOS=GLOB (e.g. '1*'): run only the scenarios it matches.
if [ -n "${BLCR_SCENARIOS:-}" ]; then
	for f in "$root"/blcr/scenarios/*; do
		case $(basename "$f") in $BLCR_SCENARIOS) ;; *) rm -f "$f" ;; esac
	done
fi
cp "$kbuild"/src/kmod/*.ko "$root/lib/blcr/"
# The virtio console's drivers where the kernel has them as modules
# (kernels.sh unpacks only those), uncompressed for busybox's insmod.
for m in "${vmlinuz%/boot/*}/lib/modules/$release"/kernel/drivers/*/*.ko*; do
	[ -e "$m" ] || continue
	case $m in
	*.xz) xz -dc "$m" >"$root/lib/boot-modules/$(basename "$m" .xz)" ;;
	*) cp "$m" "$root/lib/boot-modules/" ;;
	esac
done
if [ "$debarch" = amd64 ]; then
	cp /bin/busybox "$root/bin/busybox"
else
	# Debian's static busybox of the guest's architecture, unpacked once.
	bb=$cache/busybox-$debarch
	if [ ! -x "$bb/bin/busybox" ]; then
		# Unpacked aside, then renamed into place: another line's run may
		# be fetching it at the same time.
		tmp=$(mktemp -d "$bb.XXXXXX")
		(cd "$tmp" && apt-get download -q "busybox-static:$debarch" >&2 && dpkg-deb -x busybox-static_*.deb .)
		mkdir -p "$bb/bin" && mv "$tmp/bin/busybox" "$bb/bin/busybox" && rm -rf "$tmp"
	fi
	cp "$bb/bin/busybox" "$root/bin/busybox"
fi
cp "$top/tests/vm/guest-init.sh" "$root/init"
cp "$top/tests/vm/guest-lib.sh" "$root/blcr/lib.sh"
[ -z "$demo" ] || cp "$top/tests/demo.sh" "$root/blcr/demo.sh"
[ -z "$extra" ] || cp -a "$extra/." "$root/"
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nuser:x:1000:\n' >"$root/etc/group"
if [ "$debarch" = amd64 ]; then
	# (ldd fails on scripts and static programs: that is expected)
	{ find "$root" -type f \( -perm -u+x -o -name '*.so*' \) -exec ldd {} + 2>/dev/null || true; } |
		grep -oE '/[^ ]+\.so[^ ]*' | sort -u | while read -r lib; do
			case $lib in "$root"/*) continue ;; esac
			mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
		done
else
	# ldd cannot run foreign programs: follow their DT_NEEDED entries through
	# the multiarch and cross library directories instead, into /lib.
	libdirs=(/lib/$triplet /usr/lib/$triplet /usr/$triplet/lib)
	# (readelf skips scripts with a complaint: that is expected)
	elf() { find "$root" -type f \( -perm -u+x -o -name '*.so*' \) -exec "$triplet-readelf" "$1" {} + 2>/dev/null || true; }
	interp=$(elf -l | sed -n 's/.*interpreter: \(.*\)\]/\1/p' | sort -u)
	for lib in $interp; do
		mkdir -p "$root$(dirname "$lib")" && cp -L "/lib/$triplet/$(basename "$lib")" "$root$lib"
	done
	while :; do
		new=0
		for name in $(elf -d | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u); do
			[ -z "$(find "$root" -name "$name" -print -quit)" ] || continue
			for d in "${libdirs[@]}"; do
				if [ -e "$d/$name" ]; then cp -L "$d/$name" "$root/lib/$name"; new=1; break; fi
			done
			[ -e "$root/lib/$name" ] || { echo "run.sh: no $triplet library $name" >&2; exit 1; }
		done
		[ $new -eq 1 ] || break
	done
fi
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out/initramfs.cpio"

# Boot. Scenario results come on the second channel (stdio here); the
# console, kernel messages included, goes to console.log.
console=$out/console.log
rm -f "$out/qemu.pid"
exec {guest}< <(exec "${qemu[@]}" -accel tcg -smp "$smp" -m "$mem" \
	-nodefaults -display none -no-reboot -pidfile "$out/qemu.pid" \
	-kernel "$vmlinuz" -initrd "$out/initramfs.cpio" \
	-append "console=$console_dev panic=-1 quiet blcr_results=$results" \
	-serial "file:$console" "${results_dev[@]}" </dev/null 2>"$out/qemu.err")

current=boot idle=120 done=
while IFS= read -r -t "$idle" -u "$guest" msg; do
	msg=${msg%$'\r'}
	case $msg in
	"@@KERNEL "*) echo "$tag booted: ${msg#@@KERNEL }" ;;
	"@@BEGIN "*) set -- ${msg#@@BEGIN }; current=$1; idle=$(($2 + 60)) ;;
	"@@RESULT "*)
		set -- ${msg#@@RESULT }
		verdict=$1 name=$2 took=$3; shift 3
		echo "$tag $verdict $name ($took)${*:+ $*}"
		if [ "$verdict" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
		current=between-tests idle=120 ;;
	"@@LOG "*) echo "    ${msg#@@LOG }" ;;
	"@@FILE "*)
		name=${msg#@@FILE }
		case $name in *[!A-Za-z0-9._-]* | .*) name=bad-name ;; esac
		mkdir -p "$out/export" && exported=$out/export/$name && : >"$exported.b64" ;;
	"@@DATA "*) echo "${msg#@@DATA }" >>"$exported.b64" ;;
	"@@EOF")
		base64 -d <"$exported.b64" | gunzip >"$exported" ||
			{ echo "$tag FAIL export: $exported is damaged"; failed=$((failed + 1)); }
		rm -f "$exported.b64" ;;
	"@@DONE") done=1; break ;;
	*) echo "$msg" ;;
	esac
done
if [ -z "$done" ]; then
	echo "$tag FAIL $current: guest hung or died here (see $console)"
	failed=$((failed + 1))
fi
[ -f "$out/qemu.pid" ] && kill "$(cat "$out/qemu.pid")" 2>/dev/null || true
exec {guest}<&-
wait 2>/dev/null || true

if grep -qE 'WARNING:|BUG:|Oops|general protection|Call Trace|Kernel panic' "$console"; then
	echo "$tag FAIL console: the guest console shows a kernel splat (see $console)"
	failed=$((failed + 1))
fi
echo "$passed $failed" >"$out/summary"
[ "$failed" -eq 0 ]
