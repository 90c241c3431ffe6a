# A restart runs with the restarting user's credentials, whoever the image
# came from: a user restarting root's image gets a process of their own,
# files are reopened with the user's rights (EACCES names the path), and a
# set-user-ID program is refused.
# as: root
# timeout: 90
. /blcr/lib.sh
blcr_load
chmod 755 .
status_ids() { awk '/^(Uid|Gid|CapEff):/ {printf "%s %s %s %s %s;", $1, $2, $3, $4, $5}' "/proc/$1/status"; }
user_ids="Uid: 1000 1000 1000 1000;Gid: 1000 1000 1000 1000;CapEff: 0000000000000000   ;"

# A file only root may open: the user's restart is refused, naming it.
mkdir -m 700 private
counter private/log 50 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
cr_checkpoint --kill -f private.img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
chmod 644 private.img
out=$(runas 1000 1000 cr_restart --no-restore-pid private.img 2>&1) && fail "user reopened root's private file"
rc=$?
expect_eq "$rc" 13 "exit status (EACCES)"
expect_match "$out" "private/log" "message names the path"
expect_match "$out" "Permission denied" "message"
! pidof counter >/dev/null || fail "a restored process is running"

# Root's process whose files the user may open: restored as the user's.
mkdir -m 777 shared
counter shared/log 50 </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
chmod 666 shared/log
cr_checkpoint --kill -f root.img "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
chmod 644 root.img
runas 1000 1000 cr_restart --no-restore-pid root.img </dev/null >root.out 2>&1 &
rpid=$(within 10 pidof counter) || fail "root's image did not restart for the user: $(cat root.out)"
expect_eq "$(status_ids "$rpid")" "$user_ids" "credentials of the restored process"
counting shared/log || fail "the restored process did not count"
kill "$rpid"
wait

# A setuid-root program run by the user: the user may not checkpoint it
# (EPERM); root may, but a set-user-ID executable is never restarted
# (it would run without the privileges it expects).
cp /blcr/bin/counter suid-counter && chmod 4755 suid-counter
: >shared/suid.log && chmod 666 shared/suid.log	# else only root could reopen it
runas 1000 1000 ./suid-counter shared/suid.log 50 </dev/null >/dev/null 2>&1 &
spid=$(within 10 pidof suid-counter) || fail "setuid counter not running"
sleep 0.5
expect_match "$(status_ids "$spid")" "^Uid: 1000 0 0 0;" "setuid program's uids"
out=$(runas 1000 1000 cr_checkpoint -f suid-user.img "$spid" 2>&1) && fail "the user checkpointed a setuid process"
expect_eq "$?" 1 "exit status (EPERM)"
expect_match "$out" "not allowed to checkpoint process $spid" "message"
[ ! -e suid-user.img ] || fail "a file was left under the final name"
kill -0 "$spid" || fail "the refused checkpoint hurt the target"
cr_checkpoint --kill -f suid.img "$spid" || fail "root's cr_checkpoint exit $?"
chmod 644 suid.img
for who in "runas 1000 1000" ""; do
	out=$($who cr_restart --no-restore-pid suid.img 2>&1 </dev/null) && fail "${who:-root} restarted a setuid image"
	expect_eq "$?" 13 "exit status (EACCES)"
	expect_match "$out" "set-user-ID" "message"
	! pidof suid-counter >/dev/null || fail "a restored setuid process is running"
done
