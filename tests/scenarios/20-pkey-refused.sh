# A mapping tagged with a memory protection key cannot be restored yet, so
# the checkpoint is refused naming the range (EOPNOTSUPP, 95); the process
# keeps running and no file is left. (Only on CPUs with protection keys:
# the -cpu max guest.)
# as: root user
. /blcr/lib.sh
blcr_load

pkeyhold log </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
if ! kill -0 "$pid" 2>/dev/null; then
	wait "$pid" && rc=0 || rc=$?
	[ "$rc" -eq 3 ] || fail "pkeyhold exit $rc"
	grep -qw ospke /proc/cpuinfo && fail "the CPU has protection keys but pkey_alloc failed"
	exit 0
fi
out=$(cr_checkpoint -f img "$pid" 2>&1) && fail "checkpoint of a pkey mapping succeeded"
expect_eq "$?" 95 "exit status"
expect_match "$out" "mapping at 0x[0-9a-f]+-0x[0-9a-f]+ has memory protection key [0-9]+" "message"
[ -z "$(ls -A | grep -v '^log$')" ] || fail "files left behind: $(ls -A)"
n=$(wc -l <log)
sleep 0.5
[ "$(wc -l <log)" -gt "$n" ] || fail "the process stopped after the refused checkpoint"
kill "$pid"
