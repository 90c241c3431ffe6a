# On an IBT kernel blcr_imports refuses a function whose ENDBR64 the kernel
# sealed (an indirect call to it would raise #CP), accepts one that kept it,
# and does not call the sealed kallsyms_lookup_name itself.
# as: root
# kernels: 6.12
# arch: x86_64
. /blcr/lib.sh

blcr_unload
dmesg -c >/dev/null
# do_mmap is never called through a pointer, so the kernel seals it.
if insmod $MODDIR/blcr_imports.ko test_import=do_mmap 2>/dev/null; then
	fail "blcr_imports loaded with a sealed import"
fi
log=$(dmesg -c)
echo "$log"
expect_match "$log" 'blcr_imports: refusing to load: do_mmap: sealed: entry is not ENDBR64 and the kernel enforces IBT' "refusal line"
expect_match "$log" 'kallsyms_lookup_name is sealed: .*resolving each function by kprobe' "lookup fallback"

# A syscall entry is reached through the syscall table: it keeps its ENDBR64.
insmod $MODDIR/blcr_imports.ko test_import=__x64_sys_getpid || fail "an ENDBR64 function was refused"
log=$(dmesg -c)
echo "$log"
expect_match "$log" 'blcr_imports: [0-9.]+: [0-9]+ kernel functions resolved \(and the test import\)' "load line"
rmmod blcr_imports
blcr_load
