#!/bin/busybox sh
# /init of the one boot that finishes the end-to-end test's root image
# (tests/e2e/run.sh builds it only when the cached image is missing).
# The host ran `debootstrap --foreign` and made /dev/vda with mkfs.ext4 -d;
# this busybox initramfs loads the modules that reach that disk, mounts it,
# runs debootstrap's second stage and image-setup.sh chrooted into it, and
# reports on ttyS1 like the test driver does (@@BEGIN, @@RESULT, @@LOG, @@DONE).
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp /newroot
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec 3>/dev/ttyS1
report() { echo "$*" >&3; }
uptime_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }
report "@@KERNEL $(uname -r)"

finish() {
	cd /
	for m in /newroot/dev/pts /newroot/dev /newroot/proc /newroot/sys /newroot; do
		umount "$m" 2>/dev/null
	done
	sync
	report "@@DONE"
	poweroff -f
}

# step NAME TIMEOUT COMMAND...: output to the console, its tail to the host on failure.
step() {
	name=$1 t=$2; shift 2
	report "@@BEGIN $name $t"
	start=$(uptime_cs)
	case $(type "$1") in
	*function*) { "$@" 2>&1; echo $? >/tmp/rc; } | tee /tmp/step.log >/dev/console ;;
	*) { timeout -s KILL "$t" "$@" 2>&1; echo $? >/tmp/rc; } | tee /tmp/step.log >/dev/console ;;
	esac
	read -r rc </tmp/rc
	took=$(($(uptime_cs) - start))
	if [ $rc -eq 0 ]; then
		report "@@RESULT PASS $name $((took / 100)).$((took % 100 / 10))s"
		return 0
	fi
	reason="exit status $rc"
	[ $rc -eq 137 ] && reason="hung: killed after ${t}s"
	report "@@RESULT FAIL $name $((took / 100)).$((took % 100 / 10))s $reason"
	tail -n 40 /tmp/step.log | sed 's/^/@@LOG /' >&3
	finish
}

load_modules() {
	# (optional ones such as crc32c-intel fail on CPUs they do not fit)
	while read -r m; do insmod "/mod/$m" || echo "insmod $m failed"; done </mod/load-order
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	mount -t ext4 /dev/vda /newroot
}

chroot_setup() {
	# What udev would add to /dev (bash's <(...) in dkms needs /dev/fd).
	ln -sf /proc/self/fd /dev/fd && ln -sf /proc/self/fd/0 /dev/stdin &&
	ln -sf /proc/self/fd/1 /dev/stdout && ln -sf /proc/self/fd/2 /dev/stderr &&
	mount --bind /dev /newroot/dev &&
	mkdir -p /newroot/dev/pts && mount -t devpts devpts /newroot/dev/pts &&
	mount -t proc proc /newroot/proc &&
	mount -t sysfs sys /newroot/sys
}

step mount-root 60 load_modules
step chroot-mounts 10 chroot_setup
step debootstrap-second-stage 5400 chroot /newroot /debootstrap/debootstrap --second-stage
step image-setup 5400 chroot /newroot /bin/sh /e2e-setup/image-setup.sh
finish
