#!/bin/bash
# make check-e2e: blcr's Debian packages as a user meets them, end to end,
# in a full Debian 12 system (systemd, DKMS) under qemu (TCG):
#
#   boot 1, kernel 6.1:  apt install ./blcr-dkms ./blcr-utils ./libcr0 (offline);
#       DKMS built the modules; systemctl start blcr; lsmod; systemctl status;
#       an unprivileged user runs cr_checkpoint --version and checkpoints and
#       restarts a counting program (SKIP while cr_checkpoint exits 38
#       "not supported"); systemctl stop blcr refuses while a checkpoint is
#       in flight and works once it is done; then the 6.12 kernel packages
#       are installed (DKMS must build for them by itself); systemctl enable blcr
#   boot 2, kernel 6.12: blcr.service loaded the modules at boot;
#       apt remove --purge leaves no file behind; no kernel warnings
#
# The root image (debootstrap, Debian 12) is cached in ~/.cache/blcr/e2e
# (or $BLCR_CACHE/e2e), keyed by a hash of its package list
# (tests/e2e/packages plus what blcr's and the kernel packages depend on),
# the image scripts and the 6.1 kernel packages. Logs and serial consoles go to
# build/e2e (or $BUILD/e2e). Ends with "N passed, N failed" (", N skipped"
# when a step was skipped); exit status 0 only if nothing failed.
#
# Environment: BUILD, BLCR_CACHE, BLCR_E2E_MIRROR (debootstrap's mirror),
# DEB_BUILD_OPTIONS (default "nocheck": make check runs the unit tests),
# BLCR_E2E_DEBS=DIR (test the packages in DIR instead of building them).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/e2e
build=${BUILD:-$top/build}
out=$build/e2e
cache=${BLCR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/blcr}/e2e
mirror=${BLCR_E2E_MIRROR:-http://deb.debian.org/debian}
version=$(sed -n 's/^#define BLCR_VERSION "\(.*\)"/\1/p' "$top/include/blcr_version.h")

# The machine is shared: debootstrap, dpkg-buildpackage and qemu all run
# at the lowest priority.
renice -n 19 -p $$ >/dev/null 2>&1 || true

passed=0 failed=0 skipped=0 timings=() start_all=$SECONDS
rm -rf "$out" && mkdir -p "$out" "$cache"

result() { # tag verdict name took [reason...]
	local tag=$1 verdict=$2 name=$3 took=$4
	shift 4
	echo "$tag $verdict $name ($took)${*:+ $*}"
	case $verdict in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
}
timing() { timings+=("$(printf '%-52s %8s' "$1" "$2")"); }
finish() {
	echo "timings (qemu TCG, -smp 1, host: $(nproc) cores, niced):"
	printf '  %s\n' "${timings[@]}"
	printf '  %-52s %8s\n' total "$((SECONDS - start_all))s"
	echo "$passed passed, $failed failed$([ "$skipped" -eq 0 ] || echo ", $skipped skipped")"
	[ "$failed" -eq 0 ]
	exit
}

# hstep NAME COMMAND...: a step on the host; output to $out/NAME.log.
hstep() {
	local name=$1 t0=$SECONDS
	shift
	if "$@" >"$out/$name.log" 2>&1; then
		result "[host]" PASS "$name" "$((SECONDS - t0))s"
		timing "host: $name" "$((SECONDS - t0))s"
	else
		result "[host]" FAIL "$name" "$((SECONDS - t0))s" "see $out/$name.log"
		tail -n 30 "$out/$name.log" | sed 's/^/    /'
		finish
	fi
}

# --- what the host needs ----------------------------------------------------
deps() {
	"$top/tests/deps.sh"
	local p missing=()
	for p in debootstrap e2fsprogs qemu-utils dpkg-dev debhelper dh-dkms; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	[ "$(id -u)" -eq 0 ] || { echo "missing Debian packages: ${missing[*]}; install them as root"; return 1; }
	echo "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The newest kernel of each line, as the VM suite picks it.
kernels() {
	read -r k1 _ k1_vmlinuz < <("$top/tests/vm/kernels.sh" 6.1) &&
	read -r k2 _ _ < <("$top/tests/vm/kernels.sh" 6.12) &&
	[ -n "$k1" ] && [ -n "$k2" ] && echo "6.1 line: $k1, 6.12 line: $k2"
}

# A kernel's image and headers packages with the linux-* packages they
# depend on (common headers, kbuild, compiler, linux-base), as .deb files
# in $cache/debs/<release>, from the host's apt (bookworm-security).
kernel_debs() {
	local rel=$1 dir=$cache/debs/$1 deps
	[ -f "$dir/.complete" ] && { ls "$dir"; return; }
	rm -rf "$dir" && mkdir -p "$dir"
	deps=$(apt-cache show "linux-image-$rel" "linux-headers-$rel" | sed -nE 's/^(Pre-)?Depends: //p' |
		tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ .*//' | grep -E '^linux-' | grep -v '^linux-image-' | sort -u)
	(cd "$dir" && apt-get download -q "linux-image-$rel" "linux-headers-$rel" $deps) || return 1
	touch "$dir/.complete"
	ls "$dir"
}

# --- the root image ------------------------------------------------------------
# What the packages the test installs offline depend on (Depends and
# Pre-Depends, first alternatives, no versions), minus what they provide
# themselves: the image must have it all.
deb_depends() {
	local f
	for f in "$@"; do
		dpkg-deb -f "$f" Depends
		dpkg-deb -f "$f" Pre-Depends
	done | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/:any//; s/^ +//; s/ +$//' | grep -v '^$' | sort -u |
		grep -vxF -f <(for f in "$@"; do dpkg-deb -f "$f" Package; done)
}

# The image's package list: tests/e2e/packages, and what blcr's packages
# and the kernel packages need (kernel packages themselves excluded).
package_list() {
	{
		grep -vE '^[[:space:]]*(#|$)' "$here/packages"
		deb_depends "${debs[@]}" "$cache/debs/$k1"/*.deb "$cache/debs/$k2"/*.deb | grep -v '^linux-'
	} | sort -u
}

image_key() {
	{
		package_list
		cat "$here/image-init.sh" "$here/image-setup.sh" "$here/blcr-e2e.service"
		echo "$mirror"
		ls "$cache/debs/$k1"
	} | sha256sum | cut -c1-16
}

debootstrap_first_stage() {
	rm -rf "$stage" && mkdir -p "$stage"
	package_list | paste -sd' ' -
	debootstrap --foreign --variant=minbase --include="$(package_list | paste -sd, -)" bookworm "$stage/root" "$mirror"
}

# The image-building boot's initramfs: busybox, tests/e2e/image-init.sh,
# and the 6.1 modules that reach an ext4 virtio disk, in load order.
image_initramfs() {
	local kroot=$stage/kernel ird=$stage/initramfs m
	rm -rf "$kroot" "$ird" && mkdir -p "$kroot" "$ird/bin" "$ird/mod"
	dpkg-deb -x "$cache/debs/$k1/linux-image-${k1}_"*.deb "$kroot"
	depmod -b "$kroot" "$k1"
	modprobe -a -d "$kroot" -S "$k1" --show-depends virtio_pci virtio_blk crc32c_generic ext4 |
		awk '$1 == "insmod" {print $2}' | awk '!seen[$0]++' >"$stage/modules"
	: >"$ird/mod/load-order"
	while read -r m; do
		case $m in
		*.xz) xz -dc "$m" >"$ird/mod/$(basename "${m%.xz}")" ;;
		*.zst) zstd -qdc "$m" >"$ird/mod/$(basename "${m%.zst}")" ;;
		*) cp "$m" "$ird/mod/" ;;
		esac
		basename "${m%.[xz][zs]*}" >>"$ird/mod/load-order"
	done <"$stage/modules"
	cat "$ird/mod/load-order"
	cp /bin/busybox "$ird/bin/busybox"
	cp "$here/image-init.sh" "$ird/init" && chmod 0755 "$ird/init"
	(cd "$ird" && find . | cpio -o -H newc --quiet) >"$stage/initramfs.cpio"
	rm -rf "$kroot"
}

image_mkfs() {
	mkdir -p "$stage/root/e2e-setup/debs"
	cp "$cache/debs/$k1"/*.deb "$stage/root/e2e-setup/debs/"
	cp "$here/image-setup.sh" "$here/blcr-e2e.service" "$stage/root/e2e-setup/"
	rm -f "$stage/base.img" && truncate -s 8G "$stage/base.img"
	mkfs.ext4 -q -F -L blcr-e2e-root -d "$stage/root" "$stage/base.img"
	rm -rf "$stage/root"
}

image_initrd() {
	debugfs -R "dump /boot/initrd.img-$k1 $stage/initrd.img-$k1" "$stage/base.img" &&
	[ -s "$stage/initrd.img-$k1" ] && ls -l "$stage/initrd.img-$k1"
}

# --- a guest boot ---------------------------------------------------------------
# guest TAG NAME VMLINUZ INITRD CMDLINE QEMU-ARGS...: boots, prints the results
# the guest sends on ttyS1, waits for it to power off. Non-zero if the guest
# did not finish or a step failed.
guest() {
	local tag=$1 name=$2 kernel=$3 initrd=$4 append=$5
	shift 5
	local console=$out/console-$name.log t0=$SECONDS first= current=boot idle=1200 done= msg g pid t1
	local failed_before=$failed
	rm -f "$out/qemu.pid"
	exec {g}< <(exec qemu-system-x86_64 -accel tcg -cpu qemu64 -smp 1 -m 2G \
		-nodefaults -display none -no-reboot -pidfile "$out/qemu.pid" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" -device virtio-rng-pci "$@" \
		-serial "file:$console" -serial stdio </dev/null 2>"$out/qemu-$name.err")
	while IFS= read -r -t "$idle" -u "$g" msg; do
		msg=${msg%$'\r'}
		if [ -z "$first" ]; then
			first=$((SECONDS - t0))
			timing "$name: boot (qemu start to first report)" "${first}s"
		fi
		case $msg in
		"@@KERNEL "*) echo "$tag booted: ${msg#@@KERNEL }" ;;
		"@@BEGIN "*)
			set -- ${msg#@@BEGIN }
			current=$1 idle=$(($2 + 120)) ;;
		"@@RESULT "*)
			set -- ${msg#@@RESULT }
			local verdict=$1 step=$2 took=$3
			shift 3
			result "$tag" "$verdict" "$step" "$took" "$@"
			timing "$name: $step" "$took"
			current=after-$step idle=600 ;;
		"@@LOG "*) echo "    ${msg#@@LOG }" ;;
		"@@DONE") done=1; break ;;
		*) echo "$tag $msg" ;;
		esac
	done
	if [ -z "$done" ]; then
		result "$tag" FAIL "$current" "$((SECONDS - t0))s" "guest hung or died here (see $console)"
	else
		# The guest powers off by itself; qemu then closes the port.
		t1=$SECONDS
		while IFS= read -r -t 300 -u "$g" msg; do echo "$tag ${msg%$'\r'}"; done
		timing "$name: shutdown" "$((SECONDS - t1))s"
	fi
	pid=$(cat "$out/qemu.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		[ -z "$done" ] || result "$tag" FAIL shutdown "$((SECONDS - t1))s" "the guest did not power off (see $console)"
		kill "$pid" 2>/dev/null
	fi
	exec {g}<&-
	timing "$name: whole boot" "$((SECONDS - t0))s"
	[ -n "$done" ] && [ "$failed" -eq "$failed_before" ]
}

# The guest kernel's messages on the serial console: no splat anywhere.
# (Lines "[time] prog[pid]: ..." are user space's, e.g. apt's "WARNING:
# apt does not have a stable CLI interface", echoed by the test driver.)
console_check() { # tag name
	local console=$out/console-$2.log
	if grep -vE '^\[ *[0-9.]+\] [^ ]+\[[0-9]+\]: ' "$console" |
		grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|Kernel panic' >"$out/splat-$2.log"; then
		result "$1" FAIL "console-$2" 0s "the guest console shows a kernel splat (see $console)"
		sed 's/^/    /' "$out/splat-$2.log" | head -n 20
	else
		result "$1" PASS "console-$2" 0s
	fi
}

# =================================================================================
hstep deps deps
hstep kernels kernels
read -r k1 _ k1_vmlinuz < <("$top/tests/vm/kernels.sh" 6.1 2>/dev/null)
read -r k2 _ _ < <("$top/tests/vm/kernels.sh" 6.12 2>/dev/null)
hstep "kernel-debs-$k1" kernel_debs "$k1"
hstep "kernel-debs-$k2" kernel_debs "$k2"

# Freshly built packages: `make deb` leaves them in $(BUILD)/deb; a build
# tree of its own keeps other builds' build/deb out of the way.
# BLCR_E2E_DEBS=DIR tests the packages in DIR instead.
debdir=${BLCR_E2E_DEBS:-$out/pkg/deb}
if [ -z "${BLCR_E2E_DEBS:-}" ]; then
	hstep make-deb env DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck}" make -C "$top" deb BUILD="$out/pkg"
else
	echo "[host] packages: $debdir (BLCR_E2E_DEBS)"
fi
debs=()
for p in blcr-dkms blcr-utils libcr0; do
	f=$(ls "$debdir/${p}_${version}_"*.deb 2>/dev/null | head -n1)
	[ -n "$f" ] || { result "[host]" FAIL "find-$p" 0s "no ${p}_${version}_*.deb in $debdir"; finish; }
	debs+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done

key=$(image_key)
img=$cache/image-$key
if [ -f "$img/.complete" ]; then
	echo "[host] root image: cached in $img"
	timing "host: root image (cached)" 0s
else
	echo "[host] root image: building $img (debootstrap, then one boot under TCG)"
	t_image=$SECONDS
	stage=$cache/image-$key.tmp
	hstep debootstrap debootstrap_first_stage
	hstep image-initramfs image_initramfs
	hstep image-mkfs image_mkfs
	if ! guest "[image]" image "$k1_vmlinuz" "$stage/initramfs.cpio" "console=ttyS0 panic=-1" \
		-drive "file=$stage/base.img,format=raw,if=virtio"; then
		finish
	fi
	hstep image-initrd image_initrd
	rm -rf "$img" && mv "$stage" "$img" && touch "$img/.complete"
	# Older images (other package lists) go.
	for old in "$cache"/image-*; do
		[ "$old" = "$img" ] || rm -rf "$old"
	done
	timing "host: root image built (all of the above)" "$((SECONDS - t_image))s"
fi

# The payload disk (/dev/vdb, /mnt/e2e in the guest): the test driver, the
# packages to install, and room for the guest's results.
payload() {
	local p=$out/payload
	rm -rf "$p" && mkdir -p "$p/debs/blcr" "$p/debs/kernel" "$p/state" "$p/out" "$p/logs"
	cp "$here/guest.sh" "$here/counter.c" "$here/held.c" "$p/"
	cp "${debs[@]}" "$p/debs/blcr/"
	cp "$cache/debs/$k2"/*.deb "$p/debs/kernel/"
	cat >"$p/config" <<-EOF
		VERSION=$version
		K1=$k1
		K2=$k2
		K2_PACKAGES="$(cd "$cache/debs/$k2" && for f in *.deb; do printf '%s ' "${f%%_*}"; done)"
	EOF
	cat "$p/config"
	mkfs.ext4 -q -F -L blcr-e2e-data -d "$p" "$out/payload.img" "$(($(du -sm "$p" | cut -f1) + 512))M"
	rm -rf "$p"
	# Every run starts from the cached image: the guest writes to an overlay.
	qemu-img create -q -f qcow2 -F raw -b "$img/base.img" "$out/root.qcow2"
}
hstep payload payload
disks=(-drive "file=$out/root.qcow2,format=qcow2,if=virtio" -drive "file=$out/payload.img,format=raw,if=virtio")

# Boot 1: the 6.1 kernel (as the VM suite boots it) with the image's own initrd.
guest "[$k1]" boot1 "$k1_vmlinuz" "$img/initrd.img-$k1" \
	"root=/dev/vda rw console=ttyS0 panic=-1 blcr_e2e=1" "${disks[@]}"
console_check "[$k1]" boot1
debugfs -R "rdump /out /logs $out" "$out/payload.img" >/dev/null 2>&1
mv "$out/logs" "$out/guest-logs-boot1" 2>/dev/null

# Boot 2: the 6.12 kernel and initrd that the guest installed (copied out by it).
if [ ! -s "$out/out/vmlinuz-$k2" ] || [ ! -s "$out/out/initrd.img-$k2" ]; then
	result "[host]" FAIL reboot-6.12 0s "the guest did not hand out vmlinuz/initrd.img-$k2"
	finish
fi
guest "[$k2]" boot2 "$out/out/vmlinuz-$k2" "$out/out/initrd.img-$k2" \
	"root=/dev/vda rw console=ttyS0 panic=-1 blcr_e2e=2" "${disks[@]}"
console_check "[$k2]" boot2
debugfs -R "rdump /logs $out" "$out/payload.img" >/dev/null 2>&1
mv "$out/logs" "$out/guest-logs-boot2" 2>/dev/null
finish
