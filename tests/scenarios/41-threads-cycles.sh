# 100 checkpoint/restart cycles in a row of the 73-thread program of
# scenario 40 (tests/vm/workloads/threads.c): each time checkpointed with
# --kill and restarted from the new image, it must go on (a new line with a
# higher total) with its pid and tids, and at the end every line it wrote
# must still add up with no failed check. Each image is checked with
# cr_info first (a damaged one is exported as damaged.img). In guests with
# two CPUs or more (make check: the -cpu max guests), where the threads
# run in parallel.
# as: root
# timeout: 900
. /blcr/lib.sh
[ "$(grep -c '^processor' /proc/cpuinfo)" -ge 2 ] || exit 0
blcr_load

total() { sed -n '$s/.* total=\([0-9]*\).*/\1/p' out; }

mkdir run && cd run
threads </dev/null >out 2>err &
pid=$!
within 60 more_lines_than out 1 || fail "threads printed $(wc -l <out) lines: $(cat err)"
ls "/proc/$pid/task" | sort -n >../tasks.before
rpid=
for cycle in $(seq 1 100); do
	cr_checkpoint --kill -f ../image "$pid" || fail "cycle $cycle: cr_checkpoint exit $?"
	if ! cr_info ../image >/dev/null 2>../info.err; then
		mkdir -p /blcr/export && cp ../image /blcr/export/damaged.img
		fail "cycle $cycle: damaged image (exported as damaged.img): $(cat ../info.err)"
	fi
	if [ -n "$rpid" ]; then
		status=0
		wait "$rpid" || status=$?
		expect_eq "$status" 137 "cycle $cycle: status of the cr_restart whose process was killed"
	else
		wait "$pid" 2>/dev/null || true
	fi
	n=$(wc -l <out) before=$(total)
	cr_restart ../image </dev/null >../restart.out 2>&1 &
	rpid=$!
	within 30 more_lines_than out "$n" ||
		fail "cycle $cycle: no line after restart: $(cat ../restart.out; tail -n 1 out; dmesg | tail -n 5)"
	[ "$(total)" -gt "$before" ] || fail "cycle $cycle: total $before -> $(total)"
	ls "/proc/$pid/task" | sort -n | cmp -s - ../tasks.before ||
		fail "cycle $cycle: its threads are not those it had"
done
kill -KILL "$pid"
wait "$rpid" || true
awk '{ split($0, f, /[ =]/) } f[4] != f[6] || f[12] != 0 { print; bad = 1 } END { exit bad }' out >bad ||
	fail "lines that do not add up or count failed checks: $(head -n 3 bad)"
[ ! -s err ] || fail "checks failed: $(head -c 500 err)"
echo "100 cycles: $(head -n 1 out) ... $(tail -n 1 out)"
