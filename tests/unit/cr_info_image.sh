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
check 0 '^cpu features: +xfeatures 0x7 \(x87 sse avx\), fpu xsave, xstate size 832$' "$cr_info" "$v"
check 0 '^checkpoint time: +2023-11-14T22:13:20\.123456789Z$' "$cr_info" "$v"
check 0 '^  pages/0x0401: 1 record, 8192 bytes$' "$cr_info" "$v"
check 0 '^  END: 1 record, 0 bytes$' "$cr_info" "$v"
check 0 "^total size: +$(wc -c <"$v") bytes\$" "$cr_info" "$v"
check 0 '^  "format_version": 1,$' "$cr_info" --json "$v"
check 0 '"name": "PAD", "count": 1' "$cr_info" --json "$v"

# What the records of a process say.
p=$tmp/process.img
check 0 '^process 4242:$' "$cr_info" "$p"
check 0 '^  command: +solver$' "$cr_info" "$p"
check 0 '^  executable: +/opt/job/bin/solver$' "$cr_info" "$p"
check 0 '^  directory: +/opt/job/run "quoted"$' "$cr_info" "$p"
check 0 '^  parent: +4200, process group 4242, session 4100$' "$cr_info" "$p"
check 0 '^  user, group: +1000, 100$' "$cr_info" "$p"
check 0 '^  umask: +0022$' "$cr_info" "$p"
check 0 '^  limits: +NOFILE 1024/4096$' "$cr_info" "$p"
check 0 '^  threads: +2$' "$cr_info" "$p"
check 0 '^  thread 4242: +blocked SIGUSR2; in nanosleep, 2\.5 s left$' "$cr_info" "$p"
check 0 '^  thread 4250: +blocked none$' "$cr_info" "$p"
check 0 '^  signals: +handled SIGTERM; ignored SIGPIPE$' "$cr_info" "$p"
check 0 '^  timer real: +1\.5 s left, every 1 s$' "$cr_info" "$p"
check 0 '^  pending: +SIGUSR2 \(thread 4250\), SIGUSR1$' "$cr_info" "$p"
check 0 '^  mappings: +4, 4 pages saved \(24576 bytes\)$' "$cr_info" "$p"
check 0 '^    000000400000-000000402000 r-xp 00001000 +0 file /opt/job/bin/solver$' "$cr_info" "$p"
check 0 '^    000000601000-000000623000 rw-p 00000000 +3 anonymous \[heap\]$' "$cr_info" "$p"
check 0 '^    7ffd00000000-7ffd00021000 rw-p 00000000 +1 anonymous \[stack\] \(growsdown, locked\)$' "$cr_info" "$p"
check 0 '^    7ffd00100000-7ffd00102000 r-xp 00000000 +0 special \[vdso\]$' "$cr_info" "$p"
check 0 '^  descriptors: +3, 10 bytes of deleted files saved$' "$cr_info" "$p"
check 0 '^    0: terminal /dev/pts/3 \(O_RDWR\)$' "$cr_info" "$p"
check 0 '^    1: file /opt/job/run/out.log \(O_WRONLY\|O_APPEND\|O_LARGEFILE, offset 1234, size 1234\)$' "$cr_info" "$p"
check 0 '^    3: deleted /tmp/scratch \(O_RDWR, close-on-exec, offset 5, size 10\)$' "$cr_info" "$p"
check 0 '"cwd": "/opt/job/run \\"quoted\\"",' "$cr_info" --json "$p"
check 0 '\{"fd": 1, "kind": "file", "path": "/opt/job/run/out.log", "flags": "0x8401", "flag_names": \["O_WRONLY", "O_APPEND", "O_LARGEFILE"\], "cloexec": false, "offset": 1234' "$cr_info" --json "$p"
check 0 '"label": "\[stack\]", "flags": \["growsdown", "locked"\], "pages": 1, "page_bytes": 8192' "$cr_info" --json "$p"
check 0 '"NOFILE": \{"cur": 1024, "max": 4096\}' "$cr_info" --json "$p"
check 0 '"nr_threads": 2,' "$cr_info" --json "$p"
check 0 '^        \{"tid": 4250, "blocked": \[\], "restart": "none"\}$' "$cr_info" --json "$p"
check 0 '"pending": \[\{"signal": 12, "name": "SIGUSR2", "shared": false, "tid": 4250\}, \{"signal": 10, "name": "SIGUSR1", "shared": true\}\],' "$cr_info" --json "$p"
check 0 '^  "procs": \[\]$' "$cr_info" --json "$v"
check 22 "^cr_info: $tmp/malformed.img: record 0 \\(tag process/0x0100\\) at offset 512: process record is too short\$" \
	"$cr_info" "$tmp/malformed.img"
check 22 "^cr_info: $tmp/misplaced.img: record 2 \\(tag signals/0x0601\\) at offset [0-9]+: a thread's pending signal is not among its records\$" \
	"$cr_info" "$tmp/misplaced.img"

# The JSON is valid, per the tools there are.
for img in "$v" "$p"; do
	if command -v python3 >/dev/null; then
		check 0 '.' sh -c '"$1" --json "$2" | python3 -m json.tool' sh "$cr_info" "$img"
	fi
	if command -v jq >/dev/null; then
		check 0 '.' sh -c '"$1" --json "$2" | jq .' sh "$cr_info" "$img"
	fi
done
if command -v python3 >/dev/null; then
	check 0 '^/opt/job/bin/solver 3 \[\[15, .SIGTERM.\]\]$' sh -c '"$1" --json "$2" | python3 -c "
import json, sys
d = json.load(sys.stdin)
p = d[\"procs\"][0]
print(p[\"exe\"], len(p[\"fds\"]), [[h[\"signal\"], h[\"name\"]] for h in p[\"signals\"][\"handled\"]])"' sh "$cr_info" "$p"
fi
# A hostile image's strings cannot drive the terminal: control characters
# and bytes that are not UTF-8 are shown as \xNN (a backslash as \\),
# UTF-8 text as it is; in JSON they are escaped and read back exactly.
h=$tmp/hostile.img
check 0 '^kernel release: +6\.1\.0\\x1b\[31m$' "$cr_info" "$h"
check 0 '^  command: +ev\\x1b\[2Jil$' "$cr_info" "$h"
check 0 '^  executable: +/opt/\\x1b\]2;owned\\x07/solver$' "$cr_info" "$h"
check 0 '^  directory: +/run\\x0a\\x0dfake line$' "$cr_info" "$h"
check 0 '^    000000400000-000000402000 r-xp 00001000 +0 file /opt/\\x1b\]2;owned\\x07/solver$' "$cr_info" "$h"
check 0 '^    0: terminal /dev/pts/3\\x7f \(O_RDWR\)$' "$cr_info" "$h"
check 0 '^    1: file /opt/café/out\\\\log\\xc2\\x9b \(' "$cr_info" "$h"
check 0 '^    3: deleted /tmp/\\x9b31m \(' "$cr_info" "$h"
# Nothing but printable ASCII, line ends and the image's é, in either form.
unprintable() { "$cr_info" "$@" | LC_ALL=C tr -d '\n\040-\176\303\251' | wc -c; }
check 0 '^ *0$' unprintable "$h"
check 0 '^ *0$' unprintable --json "$h"
if command -v python3 >/dev/null; then
	check 0 '^ok$' sh -c '"$1" --json "$2" | python3 -c "
import json, sys
d = json.load(sys.stdin)
p = d[\"procs\"][0]
fds = {f[\"fd\"]: f[\"path\"] for f in p[\"fds\"]}
assert d[\"kernel_release\"] == \"6.1.0\x1b[31m\", d[\"kernel_release\"]
assert p[\"comm\"] == \"ev\x1b[2Jil\" and p[\"exe\"] == \"/opt/\x1b]2;owned\x07/solver\", p
assert p[\"cwd\"] == \"/run\n\rfake line\", p[\"cwd\"]
assert fds == {0: \"/dev/pts/3\x7f\", 1: \"/opt/caf\u00e9/out\\\\log\x9b\", 3: \"/tmp/\x9b31m\"}, fds
print(\"ok\")"' sh "$cr_info" "$h"
fi
# The file name given is shown the same way.
check 2 "^cr_info: $tmp/no\\\\x1b\\[2Jsuch: No such file or directory\$" "$cr_info" "$tmp/no$(printf '\033')[2Jsuch"

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
