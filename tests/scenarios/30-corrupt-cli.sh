# Hundreds of corrupted images go to cr_restart (tests/vm/workloads/
# crcorrupt.c, seeded): truncated at and inside records, bits flipped in
# the file header, in record headers and payloads, random garbage, empty
# and header-only files must each fail with exit status 22 and one line
# "Restart failed: ..."; images whose fields were changed and whose CRCs
# were recomputed must fail the same way (any errno) or restart.
# Nothing restored is left running; the kernel logs nothing bad.
# cr_restart's checks do not depend on the CPU: make check runs this in its
# qemu64 guests only, not again under -cpu max (XSAVE).
# as: root user
# timeout: 240
# arch: x86_64
. /blcr/lib.sh
grep -qw xsave /proc/cpuinfo && exit 0
blcr_load

counter log 100 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
cr_checkpoint --kill -f img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
mkdir try && cd try
seed=1; [ "$BLCR_ROLE" = root ] || seed=2
crcorrupt cli ../img "$seed" 60 || fail "crcorrupt cli: see above"
# crcorrupt ends what each case leaves under it; nothing else may run one.
if left=$(pidof counter); then
	for p in $left; do echo "left: $(cat "/proc/$p/stat" 2>/dev/null)"; done
	fail "a restored counter is still running"
fi
