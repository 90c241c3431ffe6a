#!/bin/bash
# make check: installs what is missing, builds user space, runs the unit
# tests, then the VM suite on both Debian kernel lines (in parallel, one
# guest per line), and ends with "N passed, N failed" over all of them.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
lines=${BLCR_KERNEL_LINES:-6.1 6.12}
passed=0 failed=0

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

"$top/tests/deps.sh" || { failed=1; finish; }

if ! { cmake -S "$top" -B "$build/user" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
	cmake --build "$build/user" -j"$(nproc)"; }; then
	echo "FAIL user-space build"
	failed=1; finish
fi

ctest --test-dir "$build/user" --output-on-failure -j"$(nproc)" | tee "$build/ctest.log"
if summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$build/ctest.log"); then
	total=${summary##* }
	bad=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
	passed=$((total - bad)) failed=$bad
else
	echo "FAIL unit tests: ctest gave no summary"
	failed=1
fi

for line in $lines; do
	"$top/tests/vm/run.sh" --line "$line" --userbuild "$build/user" --out "$build/vm/$line" &
done
wait
for line in $lines; do
	read -r p f <"$build/vm/$line/summary" || { p=0 f=1; }
	passed=$((passed + p)) failed=$((failed + f))
done
finish
