# Page data is checked by the kernel as it reads it into place, not by a
# pass of cr_restart over the whole file: a byte changed in the saved pages
# makes the restart fail (exit status 22, "saved pages of mapping ... are
# damaged (CRC mismatch)"), the half-restored process is gone, and cr_info
# still finds the damage on its own. An image cut inside its page data is
# refused by cr_restart before anything starts. The intact image restarts.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

counter log 50 </dev/null >counter.out 2>&1 &
pid=$!
sleep 1
cr_checkpoint --kill -f img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true

# u32 FILE OFFSET: the little-endian 32-bit word there
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }

# The first PAGES record (tag 0x400): walk the record headers from offset 512.
off=512 size=$(stat -c %s img)
while [ "$(u32 img $off)" != 1024 ]; do
	[ "$(u32 img $((off + 12)))" = 0 ] || fail "a record of 4 GiB or more at $off"
	off=$((off + 32 + $(u32 img $((off + 8)))))
	[ "$off" -lt "$size" ] || fail "no PAGES record in the image"
done
data=$((off + 32 + $(u32 img $((off + 44)))))
len=$(u32 img $((off + 8)))
echo "PAGES record at $off, page data at $data, payload $len bytes"

# A byte of page data changed (one bit of it), everything else intact.
cp img damaged && chmod u+w damaged
at=$((data + 123))
byte=$(od -An -tu1 -j "$at" -N1 img | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 4)))" | dd of=damaged bs=1 seek="$at" conv=notrunc 2>/dev/null
cmp -s img damaged && fail "the image did not change"
rc=0
cr_restart damaged </dev/null >restart.out 2>&1 || rc=$?
expect_eq "$rc" 22 "cr_restart exit status for damaged page data ($(cat restart.out))"
expect_match "$(cat restart.out)" '^Restart failed: saved pages of mapping 0x[0-9a-f]+-0x[0-9a-f]+ are damaged \(CRC mismatch\)$' "cr_restart message"
expect_eq "$(wc -l <restart.out)" 1 "lines cr_restart printed"
sleep 0.5
! kill -0 "$pid" 2>/dev/null || fail "process $pid runs after a failed restart"
rc=0
cr_info damaged >info.out 2>&1 || rc=$?
expect_eq "$rc" 22 "cr_info exit status for damaged page data"
expect_match "$(cat info.out)" 'CRC mismatch in record [0-9]+ \(tag pages/0x0400\)' "cr_info message"

# Cut inside the page data: cr_restart sees it is short before it forks.
head -c $((data + 100)) img >cut
rc=0
cr_restart cut </dev/null >restart.out 2>&1 || rc=$?
expect_eq "$rc" 22 "cr_restart exit status for a cut image ($(cat restart.out))"
expect_match "$(cat restart.out)" "^Restart failed: truncated record [0-9]+ \\(tag pages/0x0400\\) at offset $off: payload of $len bytes, file ends at $((data + 100))\$" "cr_restart message for a cut image"

# The intact image still restarts and the counter carries on.
before=$(wc -l <log)
cr_restart img </dev/null >restart.out 2>&1 &
rpid=$!
sleep 2
kill -0 "$pid" 2>/dev/null || fail "restored process $pid is not running: $(cat restart.out)"
kill "$pid"
wait "$rpid" 2>/dev/null || true
[ "$(wc -l <log)" -gt "$before" ] || fail "restored counter did not go on"
seq 1 "$(wc -l <log)" | cmp -s - log || fail "log is not 1..N"
