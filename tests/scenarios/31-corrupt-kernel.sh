# Hundreds of corrupted images go straight to BLCR_IOC_RESTORE, past
# cr_restart's checks (tests/vm/workloads/crcorrupt.c, seeded): fields of
# the kernel's records (header, thread, registers, FPU, signals, memory
# layout, mappings, page runs) set to hostile values with their CRCs
# recomputed, records dropped, repeated, swapped or resized, raw damage,
# and hostile ioctl arguments. Each attempt must end with an errno and a
# one-line reason, with the caller killed by the kernel past the point of
# no return, or with a restored process whose segments and flags ptrace
# shows to be a user's; never a hang, a kernel splat or kernel memory kept.
# as: root user
# timeout: 240
# arch: x86_64
. /blcr/lib.sh
blcr_load

start_crstate
cr_checkpoint --kill -f ../image "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
mkdir ../try && cd ../try
seed=1; [ "$BLCR_ROLE" = root ] || seed=2
crcorrupt kernel ../image "$seed" 100 || fail "crcorrupt kernel: see above"
