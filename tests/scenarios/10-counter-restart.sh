# A counting program is checkpointed with --kill and restarted: it carries
# on from where it was, writing through its restored descriptor (offset).
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

counter log 50 </dev/null >counter.out 2>&1 &
pid=$!
sleep 1
cr_checkpoint --kill "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
[ -s "context.$pid" ] || fail "no context.$pid"
cr_info "context.$pid" >/dev/null || fail "cr_info rejects the image"
before=$(wc -l <log)
[ "$before" -gt 5 ] || fail "counter wrote only $before lines"
sleep 0.5
expect_eq "$(wc -l <log)" "$before" "lines written after --kill"

cr_restart "context.$pid" </dev/null >restart.out 2>&1 &
rpid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || fail "restored process $pid is not running: $(cat restart.out; dmesg | tail -5)"
kill "$pid"
wait "$rpid" && fail "cr_restart exited 0 after its child got SIGTERM"
after=$(wc -l <log)
[ "$after" -gt $((before + 5)) ] || fail "restored counter did not go on: $before -> $after lines"
seq 1 "$after" | cmp -s - log || fail "log is not 1..$after: $(head -c 300 log | tr '\n' ' ')"
echo "counted $before lines, restarted, reached $after"
