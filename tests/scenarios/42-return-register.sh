# A process spinning in user code with a 64-bit value in rax (x0 on
# arm64), checkpointed with --kill and restarted, still has that value:
# the restoring ioctl returns an int, and the register is set again on the
# way out (tests/vm/workloads/regspin.c exits 1 otherwise).
# as: root user
. /blcr/lib.sh
blcr_load

regspin >spin.out 2>&1 &
pid=$!
within 10 grep -q spinning spin.out || fail "regspin did not start: $(cat spin.out)"
cr_checkpoint --kill -f image "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
cr_restart image >restart.out 2>&1 &
rpid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || fail "restored regspin is not running: $(cat restart.out)"
kill -KILL "$pid"
status=0
wait "$rpid" || status=$?
expect_eq "$status" 137 "cr_restart's status after SIGKILL"
echo "the 64-bit value survived"
