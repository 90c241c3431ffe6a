# Every CLI's --version reports the kernel interface via the handshake.
# as: root user
. /blcr/lib.sh
release=$(uname -r | sed 's/[.+]/\\&/g')

for cmd in "cr_checkpoint --version" "cr_restart --version" "cr_restart -v" \
	"cr_run --version" "cr_info --version"; do
	out=$($cmd 2>&1) || fail "$cmd: exit status $?: $out"
	echo "$out"
	expect_match "$out" "^${cmd%% *} version [0-9]+\.[0-9]+\.[0-9]+" "$cmd first line"
	expect_match "$out" "kernel interface 1\.2, module [0-9.]+, kernel $release\$" "$cmd kernel line"
done
