#!/bin/bash
# make check: installs what is missing, builds user space, runs the unit
# tests, then the VM suite on both Debian kernel lines (in parallel) and
# two CPU models each, and ends with "N passed, N failed" over all of them.
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

# Per line, two CPU models one after the other: -cpu max,-erms (XSAVE with
# AVX and PKRU; without ERMS, whose rep movsb TCG runs slowly) with two
# CPUs, so that threads really run in parallel, then qemu's default qemu64
# (FXSAVE only) with one, which gets the images the first guest exported,
# to check that it refuses them.
vm_line() { # line
	local line=$1 vm=$build/vm
	"$top/tests/vm/run.sh" --line "$line" --cpu max,-erms --smp 2 --userbuild "$build/user" --out "$vm/$line-max"
	rm -rf "$vm/$line-import" && mkdir -p "$vm/$line-import/blcr/import"
	if [ -f "$vm/$line-max/export/xsave.img" ]; then
		cp "$vm/$line-max/export/"* "$vm/$line-import/blcr/import/"
	else
		echo "[$line] FAIL export: the -cpu max guest exported no image"
		touch "$vm/$line-max/no-export"
	fi
	"$top/tests/vm/run.sh" --line "$line" --userbuild "$build/user" --out "$vm/$line" \
		--extra "$vm/$line-import"
}
for line in $lines; do
	rm -f "$build/vm/$line-max/no-export"
	vm_line "$line" &
done
wait
for line in $lines; do
	for summary in "$build/vm/$line-max/summary" "$build/vm/$line/summary"; do
		read -r p f <"$summary" || { p=0 f=1; }
		passed=$((passed + p)) failed=$((failed + f))
	done
	[ ! -e "$build/vm/$line-max/no-export" ] || failed=$((failed + 1))
done
finish
