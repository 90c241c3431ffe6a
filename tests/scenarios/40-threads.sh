# A process of 73 threads (tests/vm/workloads/threads.c: 64 workers on one
# mutex, 4 in nanosleep, 4 on a condition variable, the main one) that
# checks its own threads as it runs. A checkpoint that leaves it running
# does not disturb it (no sleep cut short or failed, no check failing).
# Checkpointed with --kill and restarted, it goes on where it was: same pid
# and tids, every thread with its TLS, tid and signal mask, counts that
# still add up, sleepers and waiters still waking. cr_restart then mirrors
# the signal that ends it. A tid in use makes a restart fail; with
# --no-restore-pid all threads come back with new ids.
# as: root user
# timeout: 240
. /blcr/lib.sh
blcr_load

# check_lines WHEN [TIDS_CHANGED]: every line of out well-formed and
# numbered from 1, the workers' counts adding up to the total, no count
# going back; no failed check, or with TIDS_CHANGED only the threads' tid
# checks failing.
check_lines() {
	awk -v tids_changed="$2" '
		!/^t=[0-9]+ total=[0-9]+ sum=[0-9]+ wakeups=[0-9]+ sleeps=[0-9]+ errors=[0-9]+$/ {
			print "line " NR " is malformed: " $0; exit 1 }
		{ split($0, f, /[ =]/); for (i = 2; i <= 12; i += 2) f[i] += 0 }
		f[2] != NR { print "line " NR " has t=" f[2]; exit 1 }
		f[4] != f[6] { print "line " NR ": total is not the sum of the counts: " $0; exit 1 }
		f[12] != 0 && !tids_changed { print "line " NR ": " $0; exit 1 }
		NR > 1 && (f[4] <= total || f[8] < wakeups || f[10] < sleeps) {
			print "line " NR " goes back or stands still: " prev " then " $0; exit 1 }
		{ total = f[4]; wakeups = f[8]; sleeps = f[10]; prev = $0 }' out >lines.bad ||
		fail "$1: $(cat lines.bad); stderr: $(head -c 500 err)"
	if [ -n "$2" ]; then
		! grep -qvE '^thread [0-9]+: tid [0-9]+, was [0-9]+$' err || fail "$1: checks failed: $(head -c 500 err)"
	else
		[ ! -s err ] || fail "$1: checks failed: $(head -c 500 err)"
	fi
}
# field N NAME: NAME's value on line N of out.
field() { sed -n "$1s/.* $2=\([0-9]*\).*/\1/p" out; }
tasks() { ls "/proc/$1/task" | sort -n; }

mkdir run && cd run
threads </dev/null >out 2>err &
pid=$!
within 60 more_lines_than out 1 || fail "threads printed $(wc -l <out) lines: $(cat err)"
nr=$(wc -l <tids)
expect_eq "$nr" 73 "threads started"
tasks "$pid" >../tasks.before
sort -n tids | cmp -s - ../tasks.before || fail "./tids is not /proc/$pid/task: $(cat ../tasks.before | tr '\n' ' ')"

# A checkpoint that lets it run.
n=$(wc -l <out)
cr_checkpoint -f ../running.img "$pid" || fail "cr_checkpoint (running) exit $?"
within 60 more_lines_than out $((n + 3)) || fail "no lines after a checkpoint that let it run: $(tail -n 2 out)"
check_lines "after a checkpoint that let it run"
[ "$(field '$' sleeps)" -gt "$(field "$n" sleeps)" ] || fail "sleepers stopped: $(tail -n 1 out)"
tasks "$pid" | cmp -s - ../tasks.before || fail "its threads changed after a checkpoint"

# Killed, described, restarted.
cr_checkpoint --kill -f ../image "$pid" || fail "cr_checkpoint --kill exit $?"
wait "$pid" 2>/dev/null || true
before=$(wc -l <out)
cr_info ../image >../info.txt || fail "cr_info exit $?"
expect_eq "$(sed -n 's/^  threads: *//p' ../info.txt)" "$nr" "threads in cr_info"
sed -n 's/^  thread \([0-9]*\): .*/\1/p' ../info.txt | sort -n >../tids.info
cmp -s ../tids.info ../tasks.before || fail "cr_info's threads are not those of /proc/$pid/task"
cr_info --json ../image >../info.json || fail "cr_info --json exit $?"
jsoncheck <../info.json || fail "cr_info --json is not valid JSON"
expect_match "$(cat ../info.json)" "\"nr_threads\": $nr," "nr_threads in JSON"
sleep 1
expect_eq "$(wc -l <out)" "$before" "lines written after --kill"

cr_restart ../image </dev/null >../restart.out 2>&1 &
rpid=$!
within 60 more_lines_than out $((before + 3)) ||
	fail "restored process wrote $(($(wc -l <out) - before)) lines: $(cat ../restart.out; tail -n 1 out; dmesg | tail -n 5)"
kill -0 "$pid" 2>/dev/null || fail "restored process $pid is not running"
tasks "$pid" >../tasks.after
cmp -s ../tasks.before ../tasks.after ||
	fail "tids after restart differ: $(diff ../tasks.before ../tasks.after | grep '^[-+][0-9]' | tr '\n' ' ')"
check_lines "after restart"
for f in sleeps wakeups; do
	[ "$(field '$' $f)" -gt "$(field "$before" $f)" ] || fail "$f stopped after restart: $(sed -n "${before}p" out) then $(tail -n 1 out)"
done
echo "$nr threads: $(sed -n "${before}p" out) -> restarted -> $(tail -n 1 out)"

kill -TERM "$pid"
status=0
wait "$rpid" || status=$?
expect_eq "$status" 143 "cr_restart's exit status after SIGTERM to the restored process"

# Root can take one of its tids (ns_last_pid): the restart must then fail
# before the process is restored, saying which.
if [ "$(id -u)" = 0 ]; then
	tid=$(grep -vx "$pid" ../tasks.before | head -n 1)
	for try in 1 2 3 4 5; do
		echo $((tid - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 60 &
		holder=$!
		[ "$holder" = "$tid" ] && break
		kill "$holder"
	done
	[ "$holder" = "$tid" ] || fail "could not take tid $tid"
	tail -n 1 ../tasks.before >/proc/sys/kernel/ns_last_pid	# cr_restart must not take another
	status=0
	cr_restart ../image </dev/null >../busy.out 2>&1 || status=$?
	expect_eq "$status:$(cat ../busy.out)" "16:Restart failed: Device or resource busy (tid $tid is in use)" \
		"restart with tid $tid taken"
	kill -0 "$pid" 2>/dev/null && fail "process $pid runs after a failed restart"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
fi

# With new ids: all its threads again, whose checks now see only their
# tids changed. Its output goes on from the checkpoint's offset.
head -n "$before" out >out.saved && cat out.saved >out && : >err
cr_restart --no-restore-pid ../image </dev/null >../fresh.out 2>&1 &
rpid=$!
within 60 more_lines_than out $((before + 2)) || fail "restart with new ids: $(cat ../fresh.out; tail -n 1 out)"
npid=$(pidof threads) || fail "restart with new ids: no process"
[ "$npid" != "$pid" ] || fail "restart with new ids kept pid $pid"
expect_eq "$(tasks "$npid" | wc -l)" "$nr" "threads restarted with new ids"
check_lines "restart with new ids" tids_changed
[ -s err ] || fail "restart with new ids: no thread saw its tid change"
kill -KILL "$npid"
status=0
wait "$rpid" || status=$?
expect_eq "$status" 137 "cr_restart's exit status after SIGKILL to the restored process"
