# Every kind of state crstate sets up (memory kinds and how each mapping
# was set up, stack growth, registers, x87/SSE/AVX/PKRU state, FS and GS
# bases (TLS), files and offsets,
# cwd, umask, comm, personality, limits, signal dispositions, mask,
# pending signals with siginfo, sigaltstack, itimer, /proc/PID/{exe,
# cmdline,environ,maps,auxv}, parent death signal, dumpable (root makes
# it non-dumpable), robust futex list, clear_child_tid, the rseq area)
# is checked by the restored process itself. It runs on a terminal, and
# the restarted process must have cr_restart's, another one, on fds 0-2.
# Its robust futex list must still be the one the kernel walks at exit.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

start_crstate --tty
cr_checkpoint --kill -f ../image "$pid" || fail "cr_checkpoint exit $?"
wait "$runner" 2>/dev/null || true
# The checkpointed terminal's number is free again: taken here, so that
# cr_restart's terminal is another one.
exec 9<>/dev/ptmx
ptyrun cr_restart ../image </dev/null >restart.out 2>&1 9<&- &
rpid=$!
sleep 1
touch go
wait "$rpid" && rc=0 || rc=$?
exec 9<&-
cat state.out restart.out
[ $rc -eq 0 ] || fail "restored crstate exit $rc"
grep -q "^OK: 0 failures" restart.out || fail "no verdict"
grep -q "^terminal checked" restart.out || fail "terminal not checked"
cpus=$(nproc); [ "$cpus" -le 2 ] || cpus=2
grep -q "^rseq checked on $cpus CPUs" restart.out || fail "rseq cpu_id not followed on $cpus CPUs"
# The lock crstate took before exiting (ROBUST_LOCK_AT in mapped.dat):
# the kernel marked its owner dead (FUTEX_OWNER_DIED) going through the
# restored robust list.
expect_eq "$(od -An -tx4 -j 24584 -N4 mapped.dat | tr -d ' ')" 40000000 "robust lock after exit"
# Under -cpu max the XSAVE-only state must have been exercised too.
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)	# x86 only
case " $flags " in *" avx "*) grep -q "AVX: ymm9" restart.out || fail "AVX registers not checked" ;; esac
case " $flags " in *" ospke "*) grep -q "PKRU checked" restart.out || fail "PKRU not checked" ;; esac
