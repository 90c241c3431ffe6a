# A checkpoint into a file system without room (a 64 KiB tmpfs) fails
# with ENOSPC (28) and a message that says so; the process goes on
# counting; nothing is left in the file system (no image, no temporary
# file), or an old image there stays as it was. The same image written to
# a roomy place restarts.
# as: root
# timeout: 90
. /blcr/lib.sh
blcr_load

mkdir small
mount -t tmpfs -o size=64k,mode=1777 small small
trap 'umount small 2>/dev/null || true' EXIT
counter log 50 </dev/null >/dev/null 2>&1 &
pid=$!
counting log || fail "counter did not start"
for policy in --atomic --clobber --backup; do
	out=$(cr_checkpoint $policy -f small/img "$pid" 2>&1) && fail "$policy: checkpoint into a full file system succeeded"
	rc=$?
	expect_eq "$rc" 28 "$policy: exit status"
	expect_match "$out" "^Checkpoint failed: .*: No space left on device$" "$policy: message"
	expect_eq "$(ls -A small | tr '\n' ' ')" "" "$policy: files left in small"
	expect_eq "$(df -k small | awk 'NR == 2 { print $3 }')" 0 "$policy: space used in small"
done
echo old >small/img
out=$(cr_checkpoint -f small/img "$pid" 2>&1) && fail "checkpoint over an old image succeeded"
expect_eq "$(cat small/img)" old "old image"
expect_eq "$(ls -A small | tr '\n' ' ')" "img " "files in small after a failure over an old image"
# Through --fd the caller's file is left to the caller; the process is unharmed.
out=$(cr_checkpoint --fd 3 "$pid" 2>&1 3>small/fd.img) && fail "checkpoint to --fd into a full file system succeeded"
expect_eq "$?" 28 "--fd: exit status"
rm -f small/fd.img
counting log || fail "the process stopped counting"

cr_checkpoint --kill -f img "$pid" || fail "checkpoint to a roomy place exit $?"
wait "$pid" 2>/dev/null || true
[ "$(wc -c <img)" -gt 65536 ] || fail "the image ($(wc -c <img) bytes) would have fit in 64 KiB"
# A fresh pid: counting's own processes may take the saved one first.
cr_restart --no-restore-pid img </dev/null >/dev/null 2>&1 &
rpid=$!
counting log || fail "restored process did not count"
kill "$(pidof counter)" || fail "restored process not running"
wait "$rpid" 2>/dev/null || true
seq 1 "$(wc -l <log)" | cmp -s - log || fail "log is not a clean count"
