# Every kind of state crstate sets up (memory kinds and how each mapping
# was set up, stack growth, registers, x87/SSE/AVX/PKRU state, FS and GS
# bases (TLS), files and offsets,
# cwd, umask, comm, personality, limits, signal dispositions, mask,
# pending signals with siginfo, sigaltstack, itimer, /proc/PID/{exe,
# cmdline,environ,maps,auxv}) is checked by the restored process itself.
# as: root user
# timeout: 90
. /blcr/lib.sh
blcr_load

start_crstate
cr_checkpoint --kill -f ../image "$pid" || fail "cr_checkpoint exit $?"
wait "$pid" 2>/dev/null || true
cr_restart ../image </dev/null >restart.out 2>&1 &
rpid=$!
sleep 1
touch go
wait "$rpid" && rc=0 || rc=$?
cat state.out
[ $rc -eq 0 ] || fail "restored crstate exit $rc: $(cat restart.out)"
grep -q "^OK: 0 failures" state.out || fail "no verdict"
# Under -cpu max the XSAVE-only state must have been exercised too.
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)	# x86 only
case " $flags " in *" avx "*) grep -q "AVX: ymm9" state.out || fail "AVX registers not checked" ;; esac
case " $flags " in *" ospke "*) grep -q "PKRU checked" state.out || fail "PKRU not checked" ;; esac
