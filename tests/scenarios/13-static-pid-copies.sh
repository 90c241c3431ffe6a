# A statically linked program is checkpointed and restarted; restarting
# from the image while its pid is taken fails with EBUSY (16) naming the
# pid; --no-restore-pid twice from one image gives two independent copies.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

counter-static log 50 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
cr_checkpoint -f img "$pid" || fail "cr_checkpoint exit $?"
# --run (default): the original keeps going, so its pid is taken.
kill -0 "$pid" || fail "the original stopped"
out=$(cr_restart img 2>&1) && fail "restart over a live pid succeeded"
rc=$?
expect_eq "$rc" 16 "exit status with the pid taken"
expect_match "$out" "Restart failed: Device or resource busy \(pid $pid is in use\)" "message"
kill "$pid"; wait "$pid" 2>/dev/null || true
n=$(wc -l <log)

cr_restart --no-restore-pid img </dev/null >/dev/null 2>&1 &
a=$!
cr_restart --no-restore-pid img </dev/null >/dev/null 2>&1 &
b=$!
sleep 2
pids=$(pidof counter-static) || true
expect_eq "$(echo $pids | wc -w)" 2 "running copies"
for p in $pids; do
	[ "$p" != "$pid" ] || fail "a copy took the saved pid"
	ppid=$(awk '/^PPid:/ {print $2}' /proc/$p/status)
	[ "$ppid" = "$a" ] || [ "$ppid" = "$b" ] || fail "copy $p has parent $ppid, not a cr_restart"
done
kill $pids
wait "$a" "$b" 2>/dev/null || true
[ "$(wc -l <log)" -gt "$n" ] || fail "the copies did not count"
