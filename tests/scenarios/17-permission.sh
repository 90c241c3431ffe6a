# The user (uid 1000) may not checkpoint root's process: EPERM (1) with a
# message that says so, whatever the scope; the process goes on counting;
# no file is left. Asked directly (rawckpt), the kernel refuses the user
# whatever /proc/PID/mem the request comes with.
# as: root
. /blcr/lib.sh
blcr_load
chmod 777 .

counter log 100 </dev/null >/dev/null 2>&1 &
pid=$!
counting log || fail "counter did not start"
for scope in "" --pid --tree; do
	out=$(runas 1000 1000 cr_checkpoint $scope "$pid" 2>&1) && fail "user checkpointed root's process ($scope)"
	rc=$?
	expect_eq "$rc" 1 "exit status ($scope)"
	expect_match "$out" "^Checkpoint failed: not allowed to checkpoint process $pid: you may checkpoint only processes you could ptrace \(Permission denied\)$" "message ($scope)"
	out=$(runas 1000 1000 cr_checkpoint -f user.img $scope "$pid" 2>&1) && fail "user checkpointed root's process to a file"
	expect_eq "$(ls -A | tr '\n' ' ')" "log " "files left ($scope)"
done
# Even pid 1, which has children: permission comes first.
out=$(runas 1000 1000 cr_checkpoint 1 2>&1) && fail "user checkpointed pid 1"
expect_eq "$?" 1 "exit status (pid 1)"
expect_match "$out" "not allowed to checkpoint process 1" "message (pid 1)"
runas 1000 1000 sleep 60 &
upid=$!
until [ "$(cat "/proc/$upid/comm")" = sleep ]; do sleep 0.1; done	# runas has dropped to the user
for mem in /proc/self/mem "/proc/$upid/mem" /dev/zero; do
	out=$(runas 1000 1000 rawckpt "$pid" "$mem" raw.img 2>&1) && fail "the kernel let the user checkpoint with $mem"
	expect_eq "$out" "1 not allowed to checkpoint process $pid: only processes you may ptrace" "kernel's refusal ($mem)"
	[ ! -s raw.img ] || fail "the kernel wrote to the user's file ($mem)"
	rm -f raw.img
done
kill "$upid"
counting log || fail "the process stopped counting"
# Root may.
cr_checkpoint --kill -f root.img "$pid" || fail "root's cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
cr_info root.img >/dev/null || fail "root's image is invalid"
seq 1 "$(wc -l <log)" | cmp -s - log || fail "log is not a clean count"
