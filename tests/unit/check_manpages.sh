#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages in docs/man: each one formats without a single warning
# (groff -ww, or man --warnings where groff itself is not on PATH), carries
# the release of include/blcr_version.h, and the page of each cr_* tool
# documents every option that the tool's --help prints.
# usage: check_manpages.sh BINDIR MANDIR; exit status 77 (skipped) when
# neither groff nor man is installed (Debian: groff-base).
set -u
bin=$1 mandir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
tools="cr_checkpoint cr_restart cr_run cr_info"
pages="cr_checkpoint.1 cr_restart.1 cr_run.1 cr_info.1 blcr.7"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80

# lint PAGE: the formatter's warnings and errors (none expected).
# text PAGE: the page as plain text, every minus or hyphen glyph as '-'.
if command -v groff >/dev/null 2>&1; then
	lint() { groff -man -Tutf8 -ww -z "$1" 2>&1; }
	text() { groff -man -Tutf8 -P-cbou "$1" 2>/dev/null; }
elif command -v man >/dev/null 2>&1; then
	lint() { man --warnings=w -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 >/dev/null; }
	text() { man -E UTF-8 -l "$1" 2>/dev/null | col -b; }
else
	echo "neither groff nor man is installed: man pages not checked"
	exit 77
fi
dashes() { sed 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g; s/\xe2\x80\x91/-/g'; }

version=$(sed -n 's/^#define BLCR_VERSION "\(.*\)"/\1/p' "$top/include/blcr_version.h")
for page in $pages; do
	f=$mandir/$page
	if [ ! -f "$f" ]; then
		fail "$page: missing"
		continue
	fi
	out=$(lint "$f")
	[ -z "$out" ] || fail "$page: formatter warnings:
$(printf '%s\n' "$out" | sed 's/^/    | /')"
	name=${page%.*} section=${page##*.}
	upper=$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')
	grep -Eq "^\\.TH $upper $section [0-9]{4}-[0-9]{2}-[0-9]{2} \"blcr $version\" " "$f" ||
		fail "$page: .TH must read: .TH $upper $section DATE \"blcr $version\" \"blcr manual\""
	for s in NAME DESCRIPTION "SEE ALSO"; do
		grep -q "^\\.SH \"\\{0,1\\}$s\"\\{0,1\\}\$" "$f" || fail "$page: no $s section"
	done
	[ "$section" != 1 ] || for s in SYNOPSIS OPTIONS "EXIT STATUS"; do
		grep -q "^\\.SH \"\\{0,1\\}$s\"\\{0,1\\}\$" "$f" || fail "$page: no $s section"
	done
done

# Every option word in --help (-x, --long, also those named in the
# descriptions, such as "(also --freeze)") must start an option's entry in
# the page: a line of the formatted page that begins, after its indent, with
# a dash and holds the option as a whole word.
for tool in $tools; do
	f=$mandir/$tool.1
	[ -f "$f" ] || continue
	if ! "$bin/$tool" --help >"$tmp/help" 2>&1; then
		fail "$tool --help failed"
		continue
	fi
	text "$f" | dashes | grep -E '^ +-' >"$tmp/entries"
	grep -oE -- '(^|[[:space:][(])--?[[:alnum:]?][[:alnum:]-]*' "$tmp/help" |
		sed 's/^[[:space:][(]*//' | grep -v -- '-$' | sort -u >"$tmp/options"
	[ -s "$tmp/options" ] || fail "$tool --help: no options found"
	while read -r opt; do
		re=$(printf '%s' "$opt" | sed 's/[?]/\\?/g')
		grep -Eq -- "(^|[^[:alnum:]-])$re([^[:alnum:]-]|\$)" "$tmp/entries" ||
			fail "$tool.1 does not document $opt (printed by $tool --help)"
	done <"$tmp/options"
	echo "$tool: $(wc -l <"$tmp/options") options from --help checked"
done

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
