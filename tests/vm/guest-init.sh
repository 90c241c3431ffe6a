#!/bin/busybox sh
# /init of the test guest: runs every scenario of /blcr/scenarios once per
# role it asks for, checks the kernel log after each, reports on the
# device run.sh names with blcr_results= on the kernel command line (ttyS1,
# the second serial port; hvc0, a virtio console, where there is one UART).
#
# A scenario is tests/scenarios/NAME.sh (run by sh) or NAME.c (compiled by
# the build, run directly). Header lines it may carry:
#   # as: root user      roles to run as (default: root)
#   # kernels: 6.12      run only on kernel releases starting with this
#   # arch: x86_64       run only on these architectures (uname -m)
#   # timeout: 60        seconds before it counts as hung (default 60)
# Exit status 0 passes. Output is shown only when it fails.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/usr/sbin:/bin:/blcr/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o mode=1777 tmp /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
hostname blcr-guest
mkdir -p -m 1777 /blcr/export
# Drivers of the results channel, where the kernel has them as modules.
for m in /lib/boot-modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
results=/dev/${blcr_results:-ttyS1}
i=0
# A virtio console port comes up asynchronously: wait until its device
# exists and opens (a failed redirection of exec would end this shell, and
# the guest with it; one of a missing device would make a plain file).
until [ -c "$results" ] && (: >"$results") 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
exec 3>"$results"
report() { echo "$*" >&3; }

# Oopses, warnings, lockdep and hung-task reports: any of them fails the test
# that was running, even if the test itself passed. (A user process's
# "general protection fault ip:..." is not the kernel's: followed by , or :)
splat='WARNING:|BUG:|Oops|general protection fault[,:]|Call Trace|possible circular locking|possible recursive locking|INFO: task .* blocked|Kernel panic|UBSAN|KASAN|refcount_t:'

release=$(uname -r) machine=$(uname -m)
report "@@KERNEL $release $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"

uptime_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }

header() { sed -nE "s@^(#|//) *$2: *@@p" "$1" | head -n1; }

kernel_check() {
	dmesg -c >/tmp/klog 2>/dev/null
	grep -E "$splat" /tmp/klog
}

run_one() { # file role
	file=$1 role=$2
	name=$(basename "${file%.*}")[$role]
	timeout=$(header "$file" timeout); timeout=${timeout:-60}
	case $file in *.sh) cmd="sh $file" ;; *) cmd=${file%.c} ;; esac
	work=/tmp/work/$name
	mkdir -p "$work"
	report "@@BEGIN $name $timeout"
	start=$(uptime_cs)
	if [ "$role" = root ]; then
		(cd "$work" && BLCR_ROLE=root timeout -s KILL "$timeout" $cmd) >/tmp/out 2>&1 3>&-
	else
		chown user:user "$work"
		(cd "$work" && BLCR_ROLE=user HOME=$work timeout -s KILL "$timeout" \
			runas 1000 1000 $cmd) >/tmp/out 2>&1 3>&-
	fi
	rc=$?
	took=$(( $(uptime_cs) - start ))
	klog=$(kernel_check)
	verdict=PASS reason=
	if [ $rc -eq 137 ]; then verdict=FAIL reason="hung: killed after ${timeout}s"
	elif [ $rc -ne 0 ]; then verdict=FAIL reason="exit status $rc"
	fi
	if [ -n "$klog" ]; then verdict=FAIL reason="${reason:+$reason; }guest kernel log has a splat"; fi
	report "@@RESULT $verdict $name $((took / 100)).$((took % 100 / 10))s $reason"
	if [ $verdict = FAIL ]; then
		sed 's/^/@@LOG /' /tmp/out >&3
		[ -n "$klog" ] && sed 's/^/@@LOG kernel: /' /tmp/klog >&3
	fi
}

# Boot messages get the same check, as a test of their own.
klog=$(kernel_check)
if [ -n "$klog" ]; then
	report "@@RESULT FAIL boot 0.0s guest kernel log has a splat at boot"
	sed 's/^/@@LOG kernel: /' /tmp/klog >&3
fi

if [ -x /blcr/demo.sh ]; then
	/blcr/demo.sh >&3 2>&1
else
	for file in /blcr/scenarios/*.sh /blcr/scenarios/*.c; do
		[ -e "$file" ] || continue
		kernels=$(header "$file" kernels)
		case $release in "${kernels}"*) ;; *) continue ;; esac
		arches=$(header "$file" arch)
		case " ${arches:-$machine} " in *" $machine "*) ;; *) continue ;; esac
		for role in $(header "$file" as); do run_one "$file" "$role"; done
		[ -n "$(header "$file" as)" ] || run_one "$file" root
	done
	# Files scenarios leave in /blcr/export go to the host (run.sh writes
	# them to OUT/export/): an image for a guest with another CPU, say.
	for f in /blcr/export/*; do
		[ -f "$f" ] || continue
		report "@@FILE $(basename "$f")"
		gzip -c "$f" | base64 | sed 's/^/@@DATA /' >&3
		report "@@EOF"
	done
	# The W taint flag catches a warning that slipped past the log checks.
	if [ $(( $(cat /proc/sys/kernel/tainted) & 512 )) -ne 0 ]; then
		report "@@RESULT FAIL kernel-taint 0.0s kernel is tainted with W (a warning was issued)"
	fi
fi
report "@@DONE"
sync
poweroff -f
