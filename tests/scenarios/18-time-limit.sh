# cr_checkpoint --time SEC: a process that cannot reach the point where it
# is checkpointed in time (a vfork() parent waits killably for its child,
# which sleeps 10 s first) is given up after SEC seconds with ETIME (62) and
# a message that says so; no file is left under the final name nor a
# temporary one. Once the child is gone the process goes on counting, and
# a later checkpoint of it works and restarts.
# as: root user
# timeout: 120
. /blcr/lib.sh
blcr_load
uptime_s() { cut -d' ' -f1 /proc/uptime; }

vforkwait log 10 </dev/null >/dev/null 2>&1 &
pid=$!
t0=$(uptime_s)
i=0
until [ -n "$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)" ]; do	# in vfork()
	sleep 0.1; i=$((i + 1)); [ $i -lt 100 ] || fail "vforkwait did not vfork"
done
expect_eq "$(cat log)" 1 "log before the vfork"
t1=$(uptime_s)
out=$(cr_checkpoint --pid --time 2 -f img "$pid" 2>&1) && fail "checkpoint in vfork() succeeded"
rc=$?
t2=$(uptime_s)
expect_eq "$rc" 62 "exit status"
expect_eq "$out" "Checkpoint failed: checkpoint of process $pid not complete after 2000 ms: abandoned, the process continues" "message"
took=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t >= 1.9 && t < 8) }' || fail "gave up after $took s, not 2"
expect_eq "$(ls -A | tr '\n' ' ')" "log " "files left"
kill -0 "$pid" || fail "the process died"
# While the child exists, --tree refuses at once.
out=$(cr_checkpoint -f img "$pid" 2>&1) && fail "--tree checkpoint of a process with a child succeeded"
expect_match "$out" "has children" "--tree message"

# The vfork child exits 10 s after the start: counting goes on from 2.
i=0
while [ "$(wc -l <log)" -lt 20 ]; do
	sleep 0.5; i=$((i + 1))
	[ $i -lt 40 ] || fail "the process did not go on after its child: $(wc -l <log) lines"
done
awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { exit !(b - a >= 10) }' || fail "counting resumed before the child exited"
n=$(wc -l <log)	# it is still counting: compare the lines counted so far
seq 1 "$n" >want
head -n "$n" log | cmp -s want - || fail "log is not a clean count: $(head -c 100 log | tr '\n' ' ')"

# Now it can be checkpointed (in time), and restarted.
cr_checkpoint --time 20 --kill -f img "$pid" || fail "later cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
# A fresh pid: counting's own processes may take the saved one first.
cr_restart --no-restore-pid img </dev/null >restart.out 2>&1 &
rpid=$!
counting log && counting log || fail "restored process did not count: $(cat restart.out)"
kill "$(pidof vforkwait)" || fail "restored process is not running: $(cat restart.out)"
wait "$rpid" 2>/dev/null || true
seq 1 "$(wc -l <log)" | cmp -s - log || fail "log is not a clean count after restart"
