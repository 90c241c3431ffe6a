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

# counting LOG: true once LOG (a counter's output) has more lines than now,
# false after 10 s without one.
counting() {
	_n=0 _i=0
	[ -e "$1" ] && _n=$(wc -l <"$1")
	until [ -e "$1" ] && [ "$(wc -l <"$1")" -gt "$_n" ]; do
		sleep 0.1; _i=$((_i + 1))
		[ $_i -lt 100 ] || return 1
	done
}
