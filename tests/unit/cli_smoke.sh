#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Smoke test of the cr_* tools: BLCR's exit statuses for --help, bad options,
# --version and the requests the kernel module cannot serve yet.
# usage: cli_smoke.sh BINDIR LIBDIR
set -u
bin=$1 libdir=$2
failures=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/check_lib.sh"

if [ -e /proc/checkpoint/ctrl ]; then
	loaded=1 version_status=0 kernel_line='^blcr kernel interface [0-9]+\.[0-9]+, module '
	request_status=38 request_line='not supported by this blcr kernel module \(interface'
else
	loaded=0 version_status=38 kernel_line='^blcr kernel module is not loaded \(/proc/checkpoint/ctrl missing\): modprobe blcr$'
	request_status=38 request_line=$kernel_line
fi
version=$(sed -n 's/^#define BLCR_VERSION "\(.*\)"/\1/p' "$(dirname "$0")/../../include/blcr_version.h")

for tool in cr_checkpoint cr_restart cr_run cr_info; do
	for help in --help -h '-?'; do
		check 0 "^Usage: $tool " "$bin/$tool" "$help"
	done
	check 255 "unrecognised option '--no-such-option'" "$bin/$tool" --no-such-option
	check "$version_status" "^$tool version $version\$" "$bin/$tool" --version
	check "$version_status" "$kernel_line" "$bin/$tool" --version
done

# cr_checkpoint
cr_checkpoint=$bin/cr_checkpoint
check "$request_status" "$request_line" "$cr_checkpoint" 1
check "$request_status" "$request_line" "$cr_checkpoint" --pgid -c --backup --backup=old \
	--save-all --save-none --ptraced-skip --ptracer-skip --kmsg-warning -S 9 --early-stop \
	--nosync -t 10 -vv --process 1
check "$request_status" "" "$cr_checkpoint" -q --file ctx 1
check 255 "exactly one ID" "$cr_checkpoint"
check 255 "exactly one ID" "$cr_checkpoint" 1 2
check 255 "invalid ID" "$cr_checkpoint" abc
check 255 "invalid signal" "$cr_checkpoint" -S 0 1
check 255 "invalid signal" "$cr_checkpoint" --signal=65 1
check 255 "invalid time" "$cr_checkpoint" -t -1 1
check 255 "invalid file descriptor" "$cr_checkpoint" -F x 1
check 22 "only one of" "$cr_checkpoint" -f ctx -F 3 1
check 22 "not implemented" "$cr_checkpoint" -d /tmp 1
check 255 "unrecognised option '--freeze'" "$cr_checkpoint" --freeze 1

# cr_restart: -v is --version here
cr_restart=$bin/cr_restart
check "$version_status" "^cr_restart version $version\$" "$cr_restart" -v
check "$request_status" "$request_line" "$cr_restart" ctx
check "$request_status" "$request_line" "$cr_restart" -f ctx --freeze --run --kill \
	--omit-never --relocate /a=/b --relocate '/c\=d=/e' --no-restore-pid --restore-pgid \
	--restore-sid --no-restore-sid --kmsg-none --run-on-success 'exit 3'
check "$request_status" "" "$cr_restart" -q -F 0
check 255 "exactly one FILE" "$cr_restart"
check 255 "no FILE may be given" "$cr_restart" -f ctx other
check 255 "invalid file descriptor" "$cr_restart" -F -1
check 255 "invalid --relocate" "$cr_restart" --relocate old=/new ctx
check 255 "invalid --relocate" "$cr_restart" --relocate /a=/b=/c ctx
check 22 "only one of" "$cr_restart" -f ctx -F 0
# Failure hooks: a non-zero hook status replaces ours and the message.
check 7 "" "$cr_restart" --run-on-fail-perm 'exit 7' ctx
check 9 "" "$cr_restart" --run-on-failure 'exit 9' ctx
check 5 "" "$cr_restart" --run-on-fail-args 'exit 5' -d /tmp
check "$request_status" "$request_line" "$cr_restart" --run-on-fail-temp 'exit 7' ctx

# cr_run
cr_run=$bin/cr_run
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
check 0 '^libcr_run\.so\.0$' "$cr_run" printenv LD_PRELOAD
check 0 '^libcr_omit\.so\.0$' "$cr_run" --omit printenv LD_PRELOAD
check 0 '^libcr_run\.so\.0$' "$cr_run" --omit --run -- printenv LD_PRELOAD
check 0 '^libcr_run\.so\.0:libc\.so\.6$' \
	env LD_PRELOAD='libcr_omit.so.0 libc.so.6:' "$cr_run" printenv LD_PRELOAD
# Options end at the command.
check 0 '^-x --omit$' "$cr_run" echo -x --omit
check 255 "no COMMAND" "$cr_run"
check 255 "no COMMAND" "$cr_run" --omit --
check 127 "no-such-command-blcr: No such file or directory" "$cr_run" no-such-command-blcr
: >"$tmp/not-executable"
check 126 "Permission denied" "$cr_run" "$tmp/not-executable"

# cr_info
cr_info=$bin/cr_info
echo data >"$tmp/image"
check 22 "^cr_info: $tmp/image: not a blcr checkpoint image \\(bad magic\\)\$" "$cr_info" "$tmp/image"
check 22 "not a blcr checkpoint image" "$cr_info" --json "$tmp/image"
check 2 "^cr_info: $tmp/missing: No such file or directory\$" "$cr_info" "$tmp/missing"
check 255 "exactly one FILE" "$cr_info"
check 255 "exactly one FILE" "$cr_info" "$tmp/image" "$tmp/image"

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed (module loaded: $loaded)"
