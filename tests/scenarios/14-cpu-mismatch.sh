# An image taken on a CPU with XSAVE state (AVX, PKRU...) and restarted on
# one without it (qemu's default CPU) is refused before anything is
# touched: one clear line, exit EINVAL (22), nothing left running.
# make check boots the -cpu max guest first: there this scenario takes the
# image and exports it; the qemu64 guest then finds it in /blcr/import.
# as: root user
# arch: x86_64
. /blcr/lib.sh
blcr_load

if grep -qw xsave /proc/cpuinfo; then
	[ "$BLCR_ROLE" = root ] || exit 0
	counter-static log 100 </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep 1
	cr_checkpoint --kill -f img "$pid" || fail "cr_checkpoint exit $?"
	cr_info img | grep -q "fpu xsave" || fail "not an XSAVE image: $(cr_info img)"
	cp img /blcr/export/xsave.img
	exit 0
fi

img=/blcr/import/xsave.img
if [ ! -f "$img" ]; then
	echo "no image from an XSAVE guest here (tests/check.sh provides one)"
	exit 0
fi
cr_info "$img" >/dev/null || fail "cr_info cannot read the imported image"
out=$(cr_restart --no-restore-pid "$img" 2>&1) && fail "restart on a CPU without XSAVE succeeded"
rc=$?
expect_eq "$rc" 22 "exit status"
expect_eq "$(echo "$out" | wc -l)" 1 "message lines"
expect_match "$out" "^Restart failed: .*image uses CPU state components" "message"
! pidof counter-static >/dev/null || fail "a restored process is running"
