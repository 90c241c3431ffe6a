#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cr_info on images made by make_image: the summary and JSON of a valid one,
# the one-line error and exit status of a corrupted one.
# usage: cr_info_image.sh CR_INFO MAKE_IMAGE
set -u
cr_info=$1 make_image=$2
failures=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$make_image" "$tmp" || { echo "FAIL: make_image"; exit 1; }

. "$(dirname "$0")/check_lib.sh"

v=$tmp/valid.img c=$tmp/corrupt.img
check 0 '^format version: +1$' "$cr_info" "$v"
check 0 '^architecture: +x86_64$' "$cr_info" "$v"
check 0 '^page size: +4096$' "$cr_info" "$v"
check 0 '^kernel release: +6\.1\.0-test-amd64$' "$cr_info" "$v"
check 0 '^cpu features: +xfeatures 0x7, fpu xsave, xstate size 832$' "$cr_info" "$v"
check 0 '^checkpoint time: +2023-11-14T22:13:20\.123456789Z$' "$cr_info" "$v"
check 0 '^  pages/0x0401: 1 record, 8192 bytes$' "$cr_info" "$v"
check 0 '^  END: 1 record, 0 bytes$' "$cr_info" "$v"
check 0 "^total size: +$(wc -c <"$v") bytes\$" "$cr_info" "$v"
check 0 '^  "format_version": 1,$' "$cr_info" --json "$v"
check 0 '"name": "PAD", "count": 1' "$cr_info" --json "$v"
if command -v python3 >/dev/null; then
	check 0 '.' sh -c '"$1" --json "$2" | python3 -m json.tool' sh "$cr_info" "$v"
fi
check 22 "^cr_info: $c: CRC mismatch in record 1 \\(tag thread/0x0201\\) at offset 608\$" "$cr_info" "$c"
check 22 'CRC mismatch' "$cr_info" --json "$c"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || { echo "FAIL: error is not one line"; failures=$((failures + 1)); }
head -c 1000 "$v" >"$tmp/short.img"
check 22 "^cr_info: $tmp/short.img: truncated record 2 \\(tag PAD\\) at offset 656: " "$cr_info" "$tmp/short.img"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
