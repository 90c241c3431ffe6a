# cr_info describes a real image as /proc showed the process just before
# its checkpoint: pid, comm, exe, cwd, umask, limits; every mapping (range,
# perms, offset, path or kind, as /proc/PID/maps); every descriptor (number,
# path, offset); the signal dispositions, mask and pending signals. Its
# --json output is valid JSON (jsoncheck) with the same facts, and it reads
# an image from a pipe.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

start_crstate
# What /proc says of the process (it sleeps, waiting for "go"), kept in ..
awk '$6 != "[vsyscall]" { p = ""; for (i = 6; i <= NF; i++) p = p (i > 6 ? " " : "") $i
	if (p == "/dev/zero (deleted)") p = "[shmem]"; print $1, $2, $3, p }' "/proc/$pid/maps" >../maps.proc
for f in /proc/$pid/fd/*; do
	n=${f##*/} t=$(readlink "$f")
	echo "$n ${t% (deleted)}" >>../fds.proc
	[ -f "$f" ] && echo "$n $(sed -n 's/^pos:[[:space:]]*//p' "/proc/$pid/fdinfo/$n")" >>../offsets.proc
done
sort -n ../fds.proc -o ../fds.proc
sort -n ../offsets.proc -o ../offsets.proc
status() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$pid/status"; }
sigcgt=$(status SigCgt) sigign=$(status SigIgn) sigblk=$(status SigBlk)
cwd=$(readlink "/proc/$pid/cwd")
cr_checkpoint --kill -f ../image "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
cd ..

cr_info image >info.txt || fail "cr_info exit $?: $(cat info.txt)"
field() { sed -n "s/^  $1: *//p" info.txt; }
expect_match "$(cat info.txt)" "^process $pid:" "process line"
expect_eq "$(field command)" "crstate-x" "command"
expect_eq "$(field executable)" "/blcr/bin/crstate" "executable"
expect_eq "$(field directory)" "$cwd" "directory"
expect_eq "$(field umask)" "0027" "umask"
expect_match "$(field limits)" "(^|, )NOFILE 512/1024(,|$)" "limits"
expect_eq "$(field 'user, group')" "$(id -u), $(id -g)" "user, group"
expect_eq "$(field threads)" "1" "threads"
expect_match "$(field "thread $pid")" "^blocked SIGUSR2 signal 35; in nanosleep, [0-9.]+ s left$" "thread"
expect_match "$(field signals)" "^handled SIGUSR1 SIGALRM signal 35; ignored (SIG[A-Z]+ )*SIGTERM$" "signals"
expect_match "$(field 'timer real')" "^[0-9.]+ s left, every 7 s$" "timer"
expect_match "$(field pending)" "^SIGUSR2 \(thread $pid\), signal 35$" "pending"
expect_eq "$(sed -n 's/^total size: *\([0-9]*\) bytes$/\1/p' info.txt)" "$(wc -c <image)" "total size"

# Mappings, in /proc/PID/maps' terms (addresses without padding).
awk '/^    address/ { on = 1; next } /^  descriptors:/ { on = 0 }
	on { split($1, r, "-"); s = r[1]; e = r[2]; sub(/^0+/, "", s); sub(/^0+/, "", e)
		while (length(s) < 8) s = "0" s; while (length(e) < 8) e = "0" e
		p = ""; for (i = 6; i <= NF && substr($i, 1, 1) != "("; i++) p = p (i > 6 ? " " : "") $i
		print s "-" e, $2, $3, p }' info.txt >maps.info
diff maps.proc maps.info >maps.diff || fail "mappings differ from /proc/PID/maps: $(cat maps.diff)"
[ "$(wc -l <maps.info)" -gt 10 ] || fail "only $(wc -l <maps.info) mappings"
saved=$(sed -n 's/^  mappings: *[0-9]*, \([0-9]*\) pages* saved.*/\1/p' info.txt)
[ "$saved" -gt 0 ] || fail "no pages saved: $(grep mappings: info.txt)"

# Descriptors: numbers, paths, and the offsets of regular files.
sed -n 's/^    \([0-9]*\): [a-z]* \(.*\) (.*)$/\1 \2/p' info.txt >fds.info
diff fds.proc fds.info >fds.diff || fail "descriptors differ from /proc/PID/fd: $(cat fds.diff)"
sed -nE 's/^    ([0-9]+): (file|deleted) .*, offset ([0-9]+), size [0-9]+\)$/\1 \3/p' info.txt >offsets.info
diff offsets.proc offsets.info >offsets.diff || fail "file offsets differ from fdinfo: $(cat offsets.diff)"
[ "$(wc -l <offsets.info)" -ge 3 ] || fail "only $(wc -l <offsets.info) regular files"

# JSON: valid, and the same facts.
cr_info --json image >info.json || fail "cr_info --json exit $?"
jsoncheck <info.json || fail "cr_info --json is not valid JSON"
json=$(cat info.json)
expect_match "$json" "\"pid\": $pid, " "pid"
expect_match "$json" '"comm": "crstate-x",' "comm"
expect_match "$json" '"umask": "0027",' "umask"
expect_match "$json" '"NOFILE": \{"cur": 512, "max": 1024\}' "limits"
mask() { m=0; for n in $(echo "$1" | tr -c '0-9\n' ' '); do m=$((m | (1 << (n - 1)))); done; printf '%016x' "$m"; }
expect_eq "$(mask "$(sed -n 's/.*{"signal": \([0-9]*\), "name": "[^"]*", "handler".*/\1/p' info.json)")" "$sigcgt" "handled signals (SigCgt)"
expect_eq "$(mask "$(sed -n 's/^ *"ignored": \[\(.*\)\],$/\1/p' info.json)")" "$sigign" "ignored signals (SigIgn)"
expect_eq "$(mask "$(sed -n 's/.*"blocked": \[\([^]]*\)\].*/\1/p' info.json)")" "$sigblk" "blocked signals (SigBlk)"
expect_eq "$(grep -c '^        {"start": ' info.json)" "$(wc -l <maps.proc)" "mappings in JSON"
expect_eq "$(grep -c '^        {"fd": ' info.json)" "$(wc -l <fds.proc)" "descriptors in JSON"

# From a pipe, the same description.
cat image | cr_info /proc/self/fd/0 >pipe.txt || fail "cr_info from a pipe exit $?"
cmp -s info.txt pipe.txt || fail "cr_info from a pipe differs"
