#!/bin/sh
# make demo, inside the guest: load the modules, then, as an ordinary user,
# start a counting program, checkpoint it with --kill, restart it from the
# file and watch it carry on from where it was.
. /blcr/lib.sh
set +e
say() { printf '\n### %s\n' "$*"; }

say "Loading the modules"
insmod $MODDIR/blcr_imports.ko && insmod $MODDIR/blcr.ko
dmesg | grep -E 'blcr(_imports)?:' | sed 's/^/    /'

mkdir -p /tmp/demo && chown 1000:1000 /tmp/demo && cd /tmp/demo
as_user() { runas 1000 1000 "$@"; }

say "uid 1000 starts a counter (one line per 200 ms into count.log)"
runas 1000 1000 counter count.log 200 </dev/null >/dev/null 2>&1 3>&- &
pid=$!
sleep 2
echo "    pid $pid has counted to $(tail -n1 count.log)"

say "cr_checkpoint --kill $pid"
as_user cr_checkpoint --kill "$pid"
echo "    exit status $?"
sleep 1
last=$(tail -n1 count.log)
kill -0 "$pid" 2>/dev/null && echo "    pid $pid still runs?!" || echo "    pid $pid is gone; count.log stops at $last"
ls -l "context.$pid" | sed 's/^/    /'
as_user cr_info "context.$pid" | sed 's/^/    /'

say "cr_restart context.$pid"
runas 1000 1000 cr_restart "context.$pid" </dev/null >/dev/null &
sleep 2
echo "    pid $pid is back: $(tr '\0' ' ' </proc/$pid/cmdline), state $(sed -n 's/^State:\t//p' /proc/$pid/status)"
echo "    and carries on: $last -> $(tail -n1 count.log)"
if seq 1 "$(tail -n1 count.log)" | cmp -s - count.log; then
	echo "    count.log is 1..$(tail -n1 count.log) with no gap and no repeat"
else
	echo "    count.log is NOT a clean sequence"
fi
kill "$pid"
