# A restart in flight holds the module, as a checkpoint does: rmmod is
# refused (EBUSY) until the restart has ended, then succeeds. The restart
# is held up deterministically: the file the process wrote to has become
# a FIFO, so reopening it for writing waits for a reader.
# as: root
. /blcr/lib.sh
blcr_load

counter log 50 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
cr_checkpoint --kill -f img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
expect_eq "$(cat /sys/module/blcr/refcnt)" 0 "references with nothing in flight"

rm log && mkfifo log
cr_restart img </dev/null >restart.out 2>&1 &
rpid=$!
sleep 1
kill -0 "$rpid" || fail "cr_restart ended early: $(cat restart.out)"
expect_eq "$(cat /sys/module/blcr/refcnt)" 1 "references while the restart waits"
rmmod blcr 2>rmmod.out && fail "blcr was unloaded under a restart in flight"
expect_match "$(cat rmmod.out)" "in use|busy|temporarily unavailable" "rmmod's complaint"

cat log >/dev/null &
reader=$!
sleep 2
# However the restart ended (a FIFO is not the regular file it had), it did.
kill "$pid" 2>/dev/null || true
wait "$rpid" 2>/dev/null || true
kill "$reader" 2>/dev/null || true
expect_eq "$(cat /sys/module/blcr/refcnt)" 0 "references after the restart"
rmmod blcr || fail "rmmod after the restart"
blcr_load
