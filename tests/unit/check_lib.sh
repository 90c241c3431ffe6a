# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the shell unit tests; sourced after setting $tmp (a scratch
# directory) and failures=0.

# check WANT_STATUS PATTERN COMMAND...: exit status, and PATTERN (grep -E)
# in stdout+stderr; an empty PATTERN means the output must be empty.
check() {
	want=$1 pattern=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $*: exit status $got, want $want"
	elif [ -z "$pattern" ] && [ -s "$tmp/out" ]; then
		echo "FAIL: $*: expected no output"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$tmp/out"; then
		echo "FAIL: $*: output does not match '$pattern'"
	else
		return 0
	fi
	sed 's/^/    | /' "$tmp/out"
	failures=$((failures + 1))
}
