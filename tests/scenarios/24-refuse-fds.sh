# A process holding a descriptor blcr cannot save (sockets, a named FIFO,
# kernel objects) is refused: cr_checkpoint exits with EOPNOTSUPP (95)
# and one message naming the descriptor and its type; the process goes on
# counting as if nothing happened; nothing is left under the final name,
# nor a temporary file, nor an old file replaced.
# as: root user
# timeout: 120
. /blcr/lib.sh
blcr_load

for kind in unix:socket tcp:socket udp:socket fifo:"named FIFO" eventfd:"kernel object" \
	epoll:"kernel object" timerfd:"kernel object" inotify:"kernel object"; do
	what=${kind#*:} kind=${kind%%:*}
	mkdir "$kind" && cd "$kind"
	fdhold "$kind" log </dev/null >/dev/null 2>&1 &
	pid=$!
	counting log || fail "$kind: fdhold did not start"
	target=$(readlink "/proc/$pid/fd/5")
	out=$(cr_checkpoint "$pid" 2>&1) && fail "$kind: checkpoint succeeded"
	rc=$?
	expect_eq "$rc" 95 "$kind: exit status"
	expect_eq "$out" "Checkpoint failed: fd 5 ($target) is a $what, which cannot be checkpointed" "$kind: message"
	expect_eq "$(ls -A | grep -v -e '^log$' -e '^fifo$' | tr '\n' ' ')" "" "$kind: files left"
	counting log || fail "$kind: the process stopped counting after the refusal"
	# The same with --file over an old image: kept as it was.
	echo old >old.img
	out=$(cr_checkpoint -f old.img "$pid" 2>&1) && fail "$kind: checkpoint to old.img succeeded"
	expect_eq "$(cat old.img)" old "$kind: old.img after the refusal"
	expect_eq "$(ls -A | grep -v -e '^log$' -e '^fifo$' -e '^old.img$' | tr '\n' ' ')" "" "$kind: files left"
	counting log || fail "$kind: the process stopped counting after the refusal"
	kill "$pid"; wait "$pid" 2>/dev/null || true
	seq 1 "$(wc -l <log)" | cmp -s - log || fail "$kind: log is not a clean count"
	cd ..
done
