# A process blocked in nanosleep(), poll() or a futex wait with a timeout
# resumes after restart with what was left of its timeout: not EINTR and
# not from the start. One in a futex wait without a timeout waits again, on
# the same word, until an alarm (restored with what was left of it) changes
# the word. One blocked in read() on a pipe from outside gets cr_restart's
# stdin, as BLCR did.
# as: root user
# timeout: 120
. /blcr/lib.sh
blcr_load

uptime_s() { cut -d' ' -f1 /proc/uptime; }
S=8

for mode in nanosleep poll futex futex-untimed; do
	crwait $mode $S </dev/null >$mode.out 2>&1 &
	pid=$!
	sleep 3
	cr_checkpoint --kill -f $mode.img "$pid" || fail "$mode: cr_checkpoint exit $?"
	t_ck=$(uptime_s)
	wait "$pid" 2>/dev/null || true
	sleep 2
	t_r=$(uptime_s)
	cr_restart $mode.img </dev/null >>$mode.out 2>&1 || fail "$mode: cr_restart exit $?: $(cat $mode.out)"
	start=$(sed -n 's/^start //p' $mode.out)
	set -- $(sed -n 's/^end //p' $mode.out)
	[ "$3" = ok ] || fail "$mode: the call returned $2 ($3 $4 $5)"
	verdict=$(awk -v s="$start" -v e="$1" -v ck="$t_ck" -v r="$t_r" -v S=$S 'BEGIN {
		left = S - (ck - s); want = r + left;
		printf "%s", (e > want - 0.5 && e < want + 1.5) ? "ok" : "bad";
		printf " (started %.2f, checkpointed %.2f, restarted %.2f: expected end %.2f, got %.2f)",
			s, ck, r, want, e }')
	echo "$mode: $verdict"
	case $verdict in ok*) ;; *) fail "$mode: $verdict" ;; esac
done

# read() on a pipe whose writer is outside: after restart, cr_restart's stdin.
(sleep 30; echo late) | crwait read >read.out 2>&1 &
sleep 2
pid=$(pidof crwait) || fail "crwait read is not running"
cr_checkpoint --kill -f read.img "$pid" || fail "read: cr_checkpoint exit $?"
echo restored-input | cr_restart read.img >>read.out 2>&1 || fail "read: cr_restart exit $?: $(cat read.out)"
grep -q "^end .* ok restored-input" read.out || fail "read: $(cat read.out)"
