#!/bin/bash
# make check-arch: the VM suite on the other architectures' guests, with
# user space cross-built (cmake/toolchains/) and the modules cross-built
# against Debian's kernel of that architecture; ends with "N passed, N
# failed". For now: arm64, on the 6.1 and 6.12 lines at once.
#   BLCR_ARCHES="arm64" BLCR_ARCH_LINES="6.1" make check-arch
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
arches=${BLCR_ARCHES:-arm64}
lines=${BLCR_ARCH_LINES:-6.1 6.12}
passed=0 failed=0

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# shellcheck disable=SC2086
"$top/tests/deps.sh" $arches || { failed=1; finish; }

for arch in $arches; do
	case $arch in
	arm64) toolchain=$top/cmake/toolchains/aarch64-linux-gnu.cmake ;;
	*) echo "FAIL $arch: unknown architecture"; failed=$((failed + 1)); continue ;;
	esac
	user=$build/user-$arch
	if ! { cmake -S "$top" -B "$user" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_TOOLCHAIN_FILE="$toolchain" >/dev/null &&
		cmake --build "$user" -j"$(nproc)" >"$build/user-$arch.log" 2>&1; }; then
		echo "FAIL $arch user-space build: see $build/user-$arch.log"
		tail -n 20 "$build/user-$arch.log" | sed 's/^/    /'
		failed=$((failed + 1))
		continue
	fi
	echo "PASS $arch user-space build"
	passed=$((passed + 1))
	for line in $lines; do
		rm -f "$build/vm/$line-$arch/summary"
		"$top/tests/vm/run.sh" --arch "$arch" --line "$line" --userbuild "$user" \
			--out "$build/vm/$line-$arch" &
	done
	wait
	for line in $lines; do
		read -r p f <"$build/vm/$line-$arch/summary" || { p=0 f=1; }
		passed=$((passed + p)) failed=$((failed + f))
	done
done
finish
