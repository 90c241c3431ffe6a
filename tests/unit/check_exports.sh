#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libcr.so exports exactly the symbols its version script lists.
# usage: check_exports.sh LIBCR_SO LIBCR_MAP
set -eu
lib=$1 map=$2
want=$(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p' "$map" | sort)
got=$(nm -D --defined-only "$lib" | awk '{ print $3 }' | sort)
if [ "$want" != "$got" ]; then
	echo "exported symbols differ from $map:"
	printf '%s\n' "$want" >"${TMPDIR:-/tmp}/want.$$"
	printf '%s\n' "$got" | diff -u "${TMPDIR:-/tmp}/want.$$" - || true
	rm -f "${TMPDIR:-/tmp}/want.$$"
	exit 1
fi
echo "libcr exports:" $got
