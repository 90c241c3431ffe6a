#!/bin/sh
# The benchmark inside the guest. bench/run.sh hands it to tests/vm/run.sh as
# the only scenario, with /blcr/bench.conf (REPS, WORKLOADS), memhog, timeit,
# criu and the modules criu needs in the initramfs.
# timeout: 5400
#
# For each workload "NAME:MAP_MIB:TOUCH_MIB" and each repetition, in one
# boot: dd of TOUCH_MIB MiB to tmpfs; blcr (cr_checkpoint --kill, then
# cr_restart, timed until the process runs again); CRIU (criu dump, then
# criu restore -d). Every restored process must find its memory intact.
# Measurements go to ttyS1 as "RESULT NAME REP METRIC VALUE" lines (run.sh
# passes them through); failures as "BROKEN: ..." lines. The exit status is
# non-zero if anything broke, never because a target was missed.
. /blcr/lib.sh
set +e
. /blcr/bench.conf

# Straight to run.sh, opened each time: no program here inherits the port.
# (What breaks also goes to stderr, which run.sh shows when the test fails.)
say() { echo "$*" >/dev/ttyS1; }
result() { echo "RESULT $*" >/dev/ttyS1; }
broken=0
broke() {
	broken=1
	say "BROKEN: $*"
	echo "BROKEN: $*" >&2
	dmesg | tail -n +$((klines + 1)) | tail -n 15 | sed 's/^/    dmesg: /' >/dev/ttyS1
}
# kmark: broke shows only the kernel messages logged after this
kmark() { klines=$(dmesg | wc -l); }
klines=0

# wait_for FILE SECONDS: polls every 20 ms
wait_for() {
	n=$(($2 * 50))
	while [ ! -e "$1" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		usleep 20000
	done
}

# gone PID: the process has ended (a zombie counts: init reaps orphans)
gone() {
	n=500
	while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		usleep 20000
	done
}

# timed FILE CMD...: runs CMD, its time in seconds goes to $T
timed() {
	timeit "$work/time" "$@"
	rc=$?
	T=$(cat "$work/time" 2>/dev/null)
	return $rc
}

# start_hog MAP TOUCH: a fresh memhog in the current directory; sets pid, bg
start_hog() {
	rm -f ready result
	memhog "$1" "$2" "$PWD/ready" "$PWD/result" </dev/null >>hog.log 2>&1 &
	bg=$!
	if ! wait_for ready 900; then
		kill -KILL $bg 2>/dev/null
		broke "memhog $1 $2 did not get ready: $(cat hog.log)"
		return 1
	fi
	pid=$(cat ready)
	rss=$(rss_kib "$pid")
}

# rss_kib PID: its resident memory in KiB
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# check_hog WHAT: the restored memhog verifies its memory
check_hog() {
	kill -USR1 "$pid" || { broke "$1: restored process $pid is not there"; return 1; }
	if ! wait_for result 900; then
		broke "$1: restored process $pid did not answer SIGUSR1 ($(cat /proc/$pid/status 2>/dev/null | grep State))"
		return 1
	fi
	case $(cat result) in
	ok*) return 0 ;;
	*) broke "$1: memory check after restore: $(cat result)"; return 1 ;;
	esac
}

stop_hog() {
	kill -KILL "$pid" 2>/dev/null
	gone "$pid" || broke "process $pid does not go away"
	wait "$bg" 2>/dev/null
}

blcr_load || broke "cannot load blcr"
for m in crc32c_generic libcrc32c nfnetlink nf_tables; do
	insmod /lib/bench/$m.ko || broke "criu: insmod $m failed"
done
ip link set lo up
say "guest: $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(sed -n 's/MemTotal: *//p' /proc/meminfo) RAM, THP $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
say "criu: $(criu --version | head -n1 | tr -s '\n' ' '); criu check: $(criu check 2>&1 | tail -n1)"

# cr_restart is timed until its --run-on-success hook has run: the cost of
# that hook alone (busybox sh started by system()) is part of its time.
work=/tmp && timed sh -c 'exit 0' && say "hook overhead (sh -c 'exit 0'): ${T}s"

# Under TCG the first touch of a guest page costs a fault in qemu on the host:
# fill most of the guest's memory once, so that no measurement pays for it.
mkdir -p /tmp/warm && cd /tmp/warm && work=/tmp/warm
if start_hog 2048 2048; then
	kill -KILL "$pid"
	wait "$bg" 2>/dev/null
fi
cd / && rm -rf /tmp/warm

root=/tmp/bench
for w in $WORKLOADS; do
	name=${w%%:*} rest=${w#*:}
	map=${rest%%:*} touch=${rest#*:}
	bytes=$((touch * 1048576))
	result "$name 0 touched_bytes $bytes"
	result "$name 0 mapped_bytes $((map * 1048576))"
	rep=1
	while [ $rep -le "$REPS" ]; do
		work=$root/$name.$rep
		rm -rf "$work" && mkdir -p "$work/blcr" "$work/criu/img"
		line="$name #$rep:"

		# dd of the same number of bytes to the same file system
		kmark
		cd "$work"
		if timed dd if=/dev/zero of="$work/dd.out" bs=1M count="$touch" 2>dd.log; then
			result "$name $rep dd_s $T"
			line="$line dd ${T}s;"
		else
			broke "$line dd failed: $(cat dd.log)"
		fi
		rm -f "$work/dd.out"

		# blcr
		kmark
		cd "$work/blcr"
		if start_hog "$map" "$touch"; then
			if timed cr_checkpoint --kill "$pid" >ckpt.log 2>&1; then
				wait "$bg" 2>/dev/null
				size=$(stat -c %s "context.$pid")
				result "$name $rep rss_kib $rss"
				result "$name $rep blcr_ckpt_s $T"
				result "$name $rep blcr_image_bytes $size"
				line="$line blcr checkpoint ${T}s ($size bytes),"
				if [ "$rep" -eq 1 ]; then
					cr_info "context.$pid" 2>&1 | sed "s/^/    cr_info $name: /" >/dev/ttyS1
					# What checking the whole file in user space costs (cr_restart leaves page data to the kernel)
					timed cr_info "context.$pid" >/dev/null 2>&1 && result "$name $rep blcr_validate_s $T"
				fi
				timed cr_restart --run-on-success 'exit 99' "context.$pid" </dev/null >restart.log 2>&1
				rc=$?
				if [ $rc -eq 99 ]; then
					result "$name $rep blcr_restart_s $T"
					result "$name $rep blcr_rss_kib $(rss_kib "$pid")"
					line="$line restart ${T}s"
					check_hog "blcr $name #$rep" && line="$line (memory ok);"
					stop_hog
				else
					broke "blcr $name #$rep: cr_restart exit $rc: $(cat restart.log)"
					kill -KILL "$pid" 2>/dev/null
				fi
			else
				broke "blcr $name #$rep: cr_checkpoint --kill exit $rc: $(cat ckpt.log)"
				stop_hog
			fi
			rm -f context.*
		fi

		# CRIU: images and logs on the same tmpfs
		kmark
		cd "$work/criu"
		if start_hog "$map" "$touch"; then
			if timed criu dump -t "$pid" -D img -W . -o dump.log; then
				wait "$bg" 2>/dev/null
				size=$(cat img/*.img | wc -c)
				result "$name $rep criu_dump_s $T"
				result "$name $rep criu_image_bytes $size"
				line="$line criu dump ${T}s ($size bytes),"
				if timed criu restore -D img -W . -o restore.log -d </dev/null >restore.out 2>&1; then
					result "$name $rep criu_restore_s $T"
					result "$name $rep criu_rss_kib $(rss_kib "$pid")"
					line="$line restore ${T}s"
					check_hog "criu $name #$rep" && line="$line (memory ok)"
					stop_hog
				else
					broke "criu $name #$rep: criu restore exit $rc: $(tail -n 5 restore.log)"
					kill -KILL "$pid" 2>/dev/null
				fi
			else
				broke "criu $name #$rep: criu dump exit $rc: $(tail -n 5 dump.log)"
				stop_hog
			fi
		fi
		say "$line"
		cd /
		rm -rf "$work"
		rep=$((rep + 1))
	done
done
exit $broken
