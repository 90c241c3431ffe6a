#!/bin/sh
# The end-to-end test driver inside the Debian guest (tests/e2e/run.sh).
# blcr-e2e.service runs it once the system is up, with the payload disk
# mounted on /mnt/e2e (config, packages, counter.c, held.c; state/, out/,
# logs/ for what it hands on). blcr_e2e=1 or 2 on the kernel command line
# says which boot this is:
#   1 (6.1):  install blcr's packages offline, DKMS, systemctl start, lsmod,
#             the user's commands; systemctl stop with a checkpoint in
#             flight; install the 6.12 kernel, systemctl enable
#   2 (6.12): blcr.service loaded the modules at boot; purge; no leftovers
# Results go to the host on ttyS1, as in tests/vm:
#   @@KERNEL release, @@BEGIN name timeout, @@RESULT PASS|FAIL|SKIP name took [reason],
#   @@LOG line (shown by the host), @@DONE
# Every step runs as `guest.sh --step FUNCTION` under a timeout; in it,
# "fail TEXT" fails the step, "skip TEXT" skips it, and lines piped through
# "show" reach the host even when the step passes.
set -u
E2E=/mnt/e2e
. "$E2E/config" # VERSION K1 K2 K2_PACKAGES
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C DEBIAN_FRONTEND=noninteractive
splat='WARNING:|BUG:|Oops|general protection|Call Trace|possible circular locking|possible recursive locking|INFO: task .* blocked|Kernel panic|UBSAN|KASAN|refcount_t:'

fail() { echo "FAIL: $*"; exit 1; }
# The end of DKMS's build log, for the host, when a build failed.
dkms_log() {
	for l in /var/lib/dkms/blcr/*/build/make.log; do
		[ -f "$l" ] || continue
		cp "$l" "$E2E/logs/dkms-make-$(uname -r).log"
		echo "$l:"
		tail -n 15 "$l"
	done | show
}
skip() { echo "@@SKIP $*"; exit 77; }
show() { sed 's/^/@@SHOW /'; }

# as_user DIR COMMAND...: runs COMMAND in DIR as "user" (uid 1000), in
# place (exec): "as_user DIR prog &" leaves prog's pid in $!.
as_user() {
	cd "$1" && shift &&
		exec setpriv --reuid=1000 --regid=1000 --init-groups \
			env HOME=/home/user USER=user LOGNAME=user "$@"
}
user_dir() { d=$(mktemp -d /tmp/e2e-user.XXXXXX) && chown user:user "$d" && echo "$d"; }

# The file list that must be the same before install and after purge.
# /var/tmp/systemd-private-*: services' PrivateTmp=, new names every boot.
snapshot() {
	find / -xdev \( -path /proc -o -path /sys -o -path /run -o -path /tmp -o -path /var/log \
		-o -path /var/cache -o -path /var/lib/apt -o -path /var/lib/dpkg \
		-o -path '/var/tmp/systemd-private-*' \) -prune -o -print | sort
}

# --- steps -------------------------------------------------------------------
s_kernel1() { uname -r | show; [ "$(uname -r)" = "$K1" ] || fail "running $(uname -r), expected $K1"; }
s_kernel2() { uname -r | show; [ "$(uname -r)" = "$K2" ] || fail "running $(uname -r), expected $K2"; }

s_units() {
	systemctl list-units --state=failed --plain --no-legend >/tmp/failed
	[ -s /tmp/failed ] || return 0
	show </tmp/failed
	for u in $(awk '{print $1}' /tmp/failed); do
		journalctl -b -u "$u" --no-pager | tail -n 15 | show
	done
	fail "failed units: $(awk '{print $1}' /tmp/failed | tr '\n' ' ')"
}

s_snapshot_before() {
	snapshot >"$E2E/state/before.list" || fail "find failed"
	echo "$(wc -l <"$E2E/state/before.list") paths before installing blcr" | show
}

s_install() {
	cd "$E2E/debs/blcr" || fail "no packages"
	ls | show
	apt install -y ./blcr-dkms_*.deb ./blcr-utils_*.deb ./libcr0_*.deb >/tmp/apt.out 2>&1
	rc=$?
	cat /tmp/apt.out
	grep -E '^(W|E):|[Ee]rror|[Ff]ailed|blcr\.service|dkms' /tmp/apt.out | show
	[ $rc -eq 0 ] || { dkms_log; fail "apt install: exit status $rc"; }
	echo "blcr.service after the install: $(systemctl is-active blcr)" | show
}

s_dkms() { # release
	dkms status >/tmp/dkms 2>&1
	show </tmp/dkms
	grep -qF "blcr/$VERSION, $1, x86_64: installed" /tmp/dkms ||
		{ dkms_log; fail "dkms status does not list blcr/$VERSION as installed for $1"; }
	for m in blcr_imports blcr; do
		f=$(modinfo -k "$1" -F filename "$m") || fail "modinfo -k $1 $m: no such module"
		echo "$1: $f" | show
		case $f in */updates/dkms/*) ;; *) fail "$m for $1 is $f, not DKMS's" ;; esac
	done
}
s_dkms1() { s_dkms "$K1"; }
s_dkms2() { s_dkms "$K1" && s_dkms "$K2"; }

s_lsmod() {
	lsmod >/tmp/lsmod
	grep -E '^blcr' /tmp/lsmod | show
	grep -q '^blcr ' /tmp/lsmod || fail "lsmod: blcr is not loaded"
	grep -q '^blcr_imports ' /tmp/lsmod || fail "lsmod: blcr_imports is not loaded"
}

# systemctl status blcr (in /tmp/status) names the module's kernel interface.
status_interface() {
	grep -q "blcr-modules: loaded: blcr kernel interface [0-9.]*, module $VERSION, kernel $(uname -r)" /tmp/status ||
		fail "systemctl status blcr does not show the loaded module's kernel interface"
}

s_start() {
	echo "before: $(systemctl is-active blcr)" | show
	systemctl start blcr 2>&1 | show
	systemctl status blcr --no-pager -l >/tmp/status 2>&1
	show </tmp/status
	[ "$(systemctl is-active blcr)" = active ] || fail "blcr.service is not active"
	status_interface
	s_lsmod
}

s_user_version() {
	d=$(user_dir)
	[ "$(as_user "$d" id -u)" = 1000 ] || fail "cannot run as the unprivileged user"
	(as_user "$d" cr_checkpoint --version) >/tmp/version 2>&1
	rc=$?
	show </tmp/version
	[ $rc -eq 0 ] || fail "cr_checkpoint --version as user: exit status $rc"
	grep -q "version $VERSION" /tmp/version || fail "no 'version $VERSION'"
	grep -qF "kernel $(uname -r)" /tmp/version || fail "no 'kernel $(uname -r)': the module did not answer"
}

# ============================================================================
# HOOK: "checkpoint a counting program as a user and restart it".
# A blcr whose module cannot checkpoint yet makes cr_checkpoint PID exit 38
# (ENOSYS) with "Checkpoint failed: not supported by this blcr kernel
# module": the step is then reported as SKIP. Otherwise it is the test: the
# program is checkpointed, killed, restarted by cr_restart (as the user, as
# tests/scenarios/10-counter-restart.sh does it as root), and must count on
# from where it was checkpointed under its old pid.
# ============================================================================
s_checkpoint() {
	d=$(user_dir)
	cp "$E2E/counter.c" "$d/" && chown user:user "$d/counter.c"
	(as_user "$d" gcc -O2 -o counter counter.c) || fail "cannot build the counting program"
	# Its descriptors must be the user's files: a restart reopens them.
	(as_user "$d" sh -c 'exec ./counter </dev/null >counter.out 2>&1') &
	pid=$!
	sleep 3
	n0=$(cat "$d/count") || fail "the counting program does not count"
	(as_user "$d" cr_checkpoint "$pid") >"$d/checkpoint.out" 2>&1
	rc=$?
	show <"$d/checkpoint.out"
	if [ $rc -eq 38 ] && grep -q 'not supported' "$d/checkpoint.out"; then
		kill -KILL "$pid"
		skip "cr_checkpoint $pid exits 38 (not supported yet): checkpoint/restart skipped"
	fi
	[ $rc -eq 0 ] || { kill -KILL "$pid"; fail "cr_checkpoint $pid as user: exit status $rc"; }

	ctx=context.$pid
	[ -s "$d/$ctx" ] || fail "no $ctx after cr_checkpoint"
	(as_user "$d" cr_info "$ctx") 2>&1 | head -n 12 | show
	kill -0 "$pid" || fail "the counting program did not survive its checkpoint"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	n1=$(cat "$d/count")
	(as_user "$d" sh -c "exec cr_restart $ctx </dev/null >restart.out 2>&1") &
	rpid=$!
	sleep 1
	n2=$(cat "$d/count")
	sleep 2
	n3=$(cat "$d/count")
	echo "count: $n0 before the checkpoint, $n1 when killed; 1 s after the restart $n2, 3 s after $n3" | show
	if ! kill -0 "$pid" 2>/dev/null; then
		show <"$d/restart.out"
		fail "the restarted program is not running as pid $pid"
	fi
	kill "$pid"
	wait "$rpid"
	[ "$n3" -gt "$n2" ] || fail "the restarted program does not count"
	[ "$n2" -ge "$n0" ] || fail "the restarted program did not carry on from its checkpoint ($n2 < $n0)"
}

# until_true TENTHS COMMAND...: polls COMMAND every 0.1 s, at most TENTHS times.
until_true() {
	n=$1
	shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
blcr_refs() { cat /sys/module/blcr/refcnt 2>/dev/null || echo none; }
refs_are() { [ "$(blcr_refs)" = "$1" ]; }
# blcr is held (a checkpoint in flight), or cr_checkpoint $cpid ended (the caller says so).
in_flight() { [ "$(blcr_refs)" != 0 ] || ! kill -0 "$cpid" 2>/dev/null; }

# ============================================================================
# "systemctl stop blcr" while a checkpoint is in flight: blcr-modules refuses
# (non-zero, says why), both modules stay loaded and the checkpoint goes on.
# systemd cannot veto a stop: systemctl stop returns 0 and blcr.service shows
# "failed" until "systemctl start blcr" puts it back in step. Once the
# checkpoint is done, stop unloads the modules and start loads them again.
# held.c keeps the checkpoint in flight (its target cannot reach the point
# where blcr stops it) until held.release exists.
# ============================================================================
s_stop_in_flight() {
	d=$(user_dir)
	cp "$E2E/held.c" "$d/" && chown user:user "$d/held.c"
	(as_user "$d" gcc -O2 -o held held.c) || fail "cannot build held.c"
	(as_user "$d" sh -c 'exec ./held </dev/null >held.out 2>&1') &
	pid=$!
	trap 'touch "$d/held.release"; kill -KILL "$pid" 2>/dev/null' EXIT
	until_true 100 test -e "$d/held.ready" || fail "held.c did not start"
	refs_are 0 || fail "blcr has $(blcr_refs) references before the checkpoint"
	(as_user "$d" cr_checkpoint --pid --time 240 "$pid") >"$d/checkpoint.out" 2>&1 &
	cpid=$!
	# The request holds a reference on blcr while it is in flight.
	until_true 300 in_flight
	if refs_are 0; then
		show <"$d/checkpoint.out"
		fail "no reference on blcr while cr_checkpoint $pid runs"
	fi
	echo "checkpoint of $pid in flight: blcr has $(blcr_refs) reference(s)" | show

	/usr/libexec/blcr/blcr-modules unload >/tmp/unload.out 2>&1
	rc=$?
	echo "blcr-modules unload: exit status $rc" | show
	show </tmp/unload.out
	[ $rc -ne 0 ] || fail "blcr-modules unload succeeded with a checkpoint in flight"
	grep -q '^blcr-modules: module blcr is in use' /tmp/unload.out || fail "blcr-modules unload does not say why it refused"
	s_lsmod

	systemctl stop blcr >/tmp/stop.out 2>&1
	rc=$?
	systemctl status blcr --no-pager -l >/tmp/status 2>&1
	state=$(systemctl is-active blcr) result=$(systemctl show -P Result blcr)
	echo "systemctl stop blcr: exit status $rc, blcr.service $state ($result)" | show
	show </tmp/stop.out
	show </tmp/status
	kill -0 "$cpid" 2>/dev/null || fail "cr_checkpoint ended while its target could not stop"
	s_lsmod
	[ "$state" = failed ] && [ "$result" = exit-code ] ||
		fail "blcr.service is $state ($result) after a refused stop, not failed (exit-code)"
	grep -q 'blcr-modules: module blcr is in use' /tmp/status ||
		fail "systemctl status blcr does not say why the stop was refused"

	touch "$d/held.release"
	wait "$cpid"
	rc=$?
	show <"$d/checkpoint.out"
	[ $rc -eq 0 ] || fail "cr_checkpoint $pid: exit status $rc once its target could stop"
	[ -s "$d/context.$pid" ] || fail "no context.$pid"
	kill -0 "$pid" || fail "the target did not survive its checkpoint"
	until_true 100 refs_are 0 || fail "blcr still has $(blcr_refs) references after the checkpoint"

	systemctl start blcr 2>&1 | show
	echo "start after the refused stop: blcr.service $(systemctl is-active blcr)" | show
	[ "$(systemctl is-active blcr)" = active ] || fail "blcr.service is not active after start"
	systemctl stop blcr 2>&1 | show
	state=$(systemctl is-active blcr)
	echo "stop: blcr.service $state" | show
	if grep -E '^blcr' /proc/modules | show; grep -qE '^blcr' /proc/modules; then
		fail "systemctl stop blcr left modules loaded"
	fi
	[ "$state" = inactive ] || fail "blcr.service is $state after a stop"
	systemctl start blcr 2>&1 | show
	[ "$(systemctl is-active blcr)" = active ] || fail "blcr.service is not active after start"
	s_lsmod
}

s_install_k2() {
	cd "$E2E/debs/kernel" || fail "no kernel packages"
	ls | show
	apt install -y ./*.deb >/tmp/apt.out 2>&1
	rc=$?
	cat /tmp/apt.out
	grep -E '^(W|E):|[Ee]rror|[Ff]ailed|dkms|blcr' /tmp/apt.out | show
	[ $rc -eq 0 ] || { dkms_log; fail "apt install: exit status $rc"; }
}

s_enable() {
	systemctl enable blcr 2>&1 | show
	[ "$(systemctl is-enabled blcr)" = enabled ] || fail "blcr.service is $(systemctl is-enabled blcr)"
}

s_hand_out_kernel() {
	cp "/boot/vmlinuz-$K2" "/boot/initrd.img-$K2" "$E2E/out/" || fail "no /boot/vmlinuz or initrd.img of $K2"
	ls -l "$E2E/out" | show
	sync
}

s_at_boot() {
	systemctl status blcr --no-pager -l >/tmp/status 2>&1
	show </tmp/status
	[ "$(systemctl is-active blcr)" = active ] || fail "blcr.service is not active after boot"
	status_interface
	s_lsmod
	for m in blcr_imports blcr; do
		echo "$m: $(modinfo -F filename "$m")" | show
	done
}

s_purge() {
	apt remove --purge -y blcr-dkms blcr-utils libcr0 >/tmp/apt.out 2>&1
	rc=$?
	cat /tmp/apt.out
	grep -E '^(W|E):|[Ee]rror|[Ff]ailed|dkms|blcr' /tmp/apt.out | show
	[ $rc -eq 0 ] || fail "apt remove --purge: exit status $rc"
	# (dpkg may still list a purged package as "unknown ok not-installed")
	dpkg-query -W -f '${Package} ${Status}\n' blcr-dkms blcr-utils libcr0 2>/dev/null |
		grep -v ' not-installed$' >/tmp/dpkg
	show </tmp/dpkg
	[ -s /tmp/dpkg ] && fail "dpkg still knows blcr's packages"
	dkms status >/tmp/dkms 2>&1
	if grep blcr /tmp/dkms | show; grep -q blcr /tmp/dkms; then fail "dkms status still lists blcr"; fi
	return 0
}

s_unloaded() {
	if grep -E '^blcr' /proc/modules | show; grep -qE '^blcr' /proc/modules; then
		journalctl -b -u blcr --no-pager | tail -n 12 | show
		fail "blcr's modules are still loaded after the purge"
	fi
	return 0
}

s_leftovers() {
	snapshot >"$E2E/state/after.list" || fail "find failed"
	comm -13 "$E2E/state/before.list" "$E2E/state/after.list" >/tmp/new
	comm -23 "$E2E/state/before.list" "$E2E/state/after.list" >/tmp/gone
	# What installing the 6.12 kernel added is not blcr's: its packages'
	# files (dpkg -L names /lib, the merged-/usr system /usr/lib), the
	# initrd, depmod's output, initramfs-tools' state, the .old symlinks.
	for p in $K2_PACKAGES; do dpkg -L "$p"; done |
		sed -E 's#^/(bin|sbin|lib|lib32|lib64|libx32)/#/usr/\1/#' | sort -u >/tmp/kernel-files
	k2re=$(printf '%s' "$K2" | sed 's/[.+]/\\&/g')
	grep -vxF -f /tmp/kernel-files /tmp/new |
		grep -vE "^(/boot/initrd\.img-$k2re|/usr/lib/modules/$k2re/modules\..*|/var/lib/initramfs-tools/$k2re|/vmlinuz\.old|/initrd\.img\.old)$" \
			>/tmp/left
	echo "$(wc -l </tmp/new) new paths, $(($(wc -l </tmp/new) - $(wc -l </tmp/left))) of them the 6.12 kernel's" | show
	cp /tmp/left "$E2E/state/left-behind.list"
	cp /tmp/gone "$E2E/state/gone.list"
	if [ -s /tmp/left ]; then
		sed 's/^/left behind: /' /tmp/left | head -n 50 | show
	fi
	if [ -s /tmp/gone ]; then
		sed 's/^/gone (existed before the install): /' /tmp/gone | head -n 50 | show
	fi
	[ -s /tmp/left ] && fail "$(wc -l </tmp/left) paths left behind after the purge"
	[ -s /tmp/gone ] && fail "$(wc -l </tmp/gone) paths that existed before the install are gone"
	return 0
}

s_klog() {
	dmesg >/tmp/klog || fail "dmesg failed"
	if grep -E "$splat" /tmp/klog >/tmp/splat; then
		show </tmp/splat
		fail "the kernel log has a splat"
	fi
	t=$(cat /proc/sys/kernel/tainted)
	echo "kernel taint flags: $t" | show
	[ $((t & 512)) -eq 0 ] || fail "the kernel is tainted W (a warning was issued)"
}

if [ "${1:-}" = --step ]; then
	"$2"
	exit
fi

# --- the boot's driver ------------------------------------------------------
report() { echo "$*" >/dev/ttyS1; }
uptime_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; }
phase=$(sed -n 's/.*blcr_e2e=\([0-9]*\).*/\1/p' /proc/cmdline)

# step NAME TIMEOUT FUNCTION
step() {
	name=$1 t=$2 fn=$3
	report "@@BEGIN $name $t"
	start=$(uptime_cs)
	timeout -s KILL "$t" /bin/sh "$0" --step "$fn" >/tmp/e2e-step.out 2>&1
	rc=$?
	took=$(($(uptime_cs) - start))
	took=$((took / 100)).$((took % 100 / 10))s
	cp /tmp/e2e-step.out "$E2E/logs/boot$phase-$name.log"
	echo "== $name: exit status $rc, $took"
	cat /tmp/e2e-step.out
	case $rc in
	0) report "@@RESULT PASS $name $took" ;;
	77) report "@@RESULT SKIP $name $took $(sed -n 's/^@@SKIP //p' /tmp/e2e-step.out | tail -n1)" ;;
	137) report "@@RESULT FAIL $name $took hung: killed after ${t}s" ;;
	*)
		reason=$(sed -n 's/^FAIL: //p' /tmp/e2e-step.out | tail -n1)
		report "@@RESULT FAIL $name $took ${reason:-exit status $rc}" ;;
	esac
	sed -n 's/^@@SHOW /@@LOG /p' /tmp/e2e-step.out >/dev/ttyS1
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		grep -vE '^@@(SHOW|SKIP) |^FAIL: ' /tmp/e2e-step.out | tail -n 30 | sed 's/^/@@LOG | /' >/dev/ttyS1
	fi
}

report "@@KERNEL $(uname -r), boot $phase"
case $phase in
1)
	step kernel-is-6.1 30 s_kernel1
	step no-failed-units 60 s_units
	step snapshot-before-install 600 s_snapshot_before
	step apt-install-blcr 1800 s_install
	step dkms-built-for-6.1 60 s_dkms1
	step systemctl-start-blcr 120 s_start
	step user-cr_checkpoint-version 60 s_user_version
	step user-checkpoint-restart 300 s_checkpoint
	step systemctl-stop-in-flight 300 s_stop_in_flight
	step apt-install-kernel-6.12 3600 s_install_k2
	step dkms-built-for-6.12 60 s_dkms2
	step systemctl-enable-blcr 60 s_enable
	step hand-out-kernel-6.12 120 s_hand_out_kernel
	step kernel-log 30 s_klog
	;;
2)
	step kernel-is-6.12 30 s_kernel2
	step no-failed-units 60 s_units
	step blcr-loaded-at-boot 60 s_at_boot
	step user-cr_checkpoint-version 60 s_user_version
	step user-checkpoint-restart 300 s_checkpoint
	step apt-purge-blcr 600 s_purge
	step modules-unloaded-by-purge 30 s_unloaded
	step no-files-left-behind 600 s_leftovers
	step kernel-log 30 s_klog
	;;
*) report "@@RESULT FAIL driver 0s no blcr_e2e=1|2 on the kernel command line" ;;
esac
report "@@DONE"
sync
systemctl poweroff --no-block
