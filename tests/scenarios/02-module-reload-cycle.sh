# rmmod/insmod 20 times, once with the control file held open: no leak, no
# warning (the harness checks the kernel log), control file gone while unloaded.
# as: root
# timeout: 120
. /blcr/lib.sh

# Unused proc inodes keep a reference to their entries until evicted, and
# freed slab objects linger in per-CPU lists: settle both before counting.
settle() {
	echo 3 >/proc/sys/vm/drop_caches
	[ ! -w /sys/kernel/slab/proc_dir_entry/shrink ] || echo 1 >/sys/kernel/slab/proc_dir_entry/shrink
}
mem() { # kernel memory that a leaking module load would grow, in KiB
	awk '/^(Slab|VmallocUsed|Percpu):/ {sum += $2} END {print sum}' /proc/meminfo
}
pde() { awk '$1 == "proc_dir_entry" {print $2}' /proc/slabinfo; }

cycle() {
	blcr_unload
	[ ! -e /proc/checkpoint ] || fail "/proc/checkpoint still exists after rmmod"
	blcr_load
	[ -e /proc/checkpoint/ctrl ] || fail "/proc/checkpoint/ctrl missing after insmod"
}

blcr_load
cycle # warm-up: first-time allocations are not leaks
settle
before_mem=$(mem) before_pde=$(pde)

# Unloading while a process holds the control file open must be safe.
exec 4</proc/checkpoint/ctrl
cycle
cr_checkpoint --version >/dev/null 2>&1 || fail "handshake after reload failed"
exec 4<&-

i=2
while [ $i -le 20 ]; do cycle; i=$((i + 1)); done

settle
after_mem=$(mem) after_pde=$(pde)
echo "kernel memory ${before_mem} KiB -> ${after_mem} KiB; proc_dir_entry ${before_pde} -> ${after_pde}"
expect_eq "$after_pde" "$before_pde" "proc_dir_entry objects after 20 reloads"
[ $((after_mem - before_mem)) -lt 256 ] || fail "kernel memory grew by $((after_mem - before_mem)) KiB over 20 reloads"
