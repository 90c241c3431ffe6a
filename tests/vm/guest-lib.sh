# Helpers for scenarios, sourced as ". /blcr/lib.sh". Scenarios stop at the
# first failure and say why on stderr.
set -e
MODDIR=/lib/blcr

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# expect_match TEXT PATTERN WHAT: PATTERN is an extended regular expression
expect_match() {
	printf '%s\n' "$1" | grep -qE -- "$2" || fail "$3: '$1' does not match /$2/"
}

module_loaded() { grep -q "^$1 " /proc/modules; }

blcr_load() {
	module_loaded blcr_imports || insmod $MODDIR/blcr_imports.ko
	module_loaded blcr || insmod $MODDIR/blcr.ko
}

blcr_unload() {
	if module_loaded blcr; then rmmod blcr; fi
	if module_loaded blcr_imports; then rmmod blcr_imports; fi
}

# within SECONDS CMD [ARGS...]: true as soon as CMD succeeds (tried every
# 0.1 s), false after SECONDS.
within() {
	_w=$(($1 * 10))
	shift
	until "$@"; do
		_w=$((_w - 1))
		[ $_w -gt 0 ] || return 1
		sleep 0.1
	done
}

# counting LOG: true once LOG (a counter's output) has more lines than now,
# false after 10 s without one.
counting() {
	_n=0
	[ -e "$1" ] && _n=$(wc -l <"$1")
	within 10 more_lines_than "$1" "$_n"
}
more_lines_than() { [ -e "$1" ] && [ "$(wc -l <"$1")" -gt "$2" ]; }

# start_crstate [--tty]: runs crstate (tests/vm/workloads/crstate.c) in a
# new directory ./run, which it enters; returns once crstate has set up all
# its state, with its pid in $pid. --tty runs it on a terminal of its own
# (ptyrun), whose output goes to state.out; $runner is what to wait for.
start_crstate() {
	mkdir run && cd run
	if [ "${1-}" = --tty ]; then
		ptyrun crstate </dev/null >state.out 2>&1 &
	else
		crstate </dev/null >state.out 2>&1 &
	fi
	runner=$!
	within 10 test -e ready || fail "crstate not ready: $(cat state.out)"
	pid=$(cat ready)
}
