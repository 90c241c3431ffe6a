# cr_restart --relocate OLD=NEW: a process whose executable, working
# directory, open files (one for reading, one for writing, one for
# appending, a directory) and shared file mapping are all under directory
# A is checkpointed; A is moved to B. Without --relocate the restart fails
# naming a missing path; with --relocate A=B the process runs from B
# (/proc shows B for its cwd, exe, descriptors and mapping), reads and
# writes the right files at the right offsets, and a file under AB (A is
# not a whole component of it) is left where it was.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

A=$PWD/A B=$PWD/B
mkdir A AB
printf 0123456789 >A/in
printf 'first\n' >A/app
dd if=/dev/zero of=A/map bs=4096 count=1 2>/dev/null
echo other >AB/other
cp /blcr/bin/crfiles A/crfiles
"$A/crfiles" "$A" "$PWD/AB/other" </dev/null >crfiles.out 2>&1 &
pid=$!
i=0
until grep -q before A/out 2>/dev/null; do sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || fail "crfiles did not start: $(cat crfiles.out)"; done
grep -qF " $A/map" "/proc/$pid/maps" || fail "A/map is not mapped"
cr_checkpoint --kill -f img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
expect_eq "$(cr_info img | sed -n 's/^  directory: *//p')" "$A" "cr_info: the image's cwd"
mv A B

out=$(cr_restart img 2>&1 </dev/null) && fail "restart without --relocate succeeded"
expect_eq "$?" 2 "exit status without --relocate (ENOENT)"
case $out in *"$A/"*) ;; *) fail "the message does not name a path under $A: $out" ;; esac

# Trailing slashes do not matter; the first rule that matches wins. (A
# fresh pid: the shell's own processes may take the saved one first.)
cr_restart --no-restore-pid --relocate "$A/=$B/" --relocate "$A=/nowhere" img </dev/null >restart.out 2>&1 &
rpid=$!
i=0
until pid=$(pidof crfiles) && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$B" ]; do
	sleep 0.1; i=$((i + 1)); [ $i -lt 50 ] || fail "restored process not running in $B: $(cat restart.out)"
done
expect_eq "$(readlink "/proc/$pid/exe")" "$B/crfiles" "exe"
fds=$(for f in /proc/$pid/fd/*; do readlink "$f"; done | sort | tr '\n' ' ')
want=$(printf '%s\n' /dev/null "$PWD/crfiles.out" "$PWD/crfiles.out" "$B/out" "$B/in" "$B/app" "$B" \
	"$PWD/AB/other" | sort | tr '\n' ' ')
expect_eq "$fds" "$want" "descriptors"
grep -qF " $B/map" "/proc/$pid/maps" || fail "B/map is not mapped: $(grep map "/proc/$pid/maps")"
touch B/go
wait "$rpid" || fail "restored crfiles exit $?: $(cat restart.out)"
expect_eq "$(cat B/out)" "$(printf 'before\nafter\nread 456\ncwd %s' "$B")" "B/out"
expect_eq "$(cat B/app)" "$(printf 'first\nappended')" "B/app"
[ -e B/viadir ] || fail "no B/viadir (directory descriptor)"
expect_eq "$(head -c 12 B/map)" "mapped-after" "B/map"
expect_eq "$(cat AB/other)" other "AB/other"
[ ! -e A ] && [ ! -e BB ] || fail "files appeared under A or BB: $(ls)"
