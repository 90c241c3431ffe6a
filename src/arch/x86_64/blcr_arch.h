/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 side of the architecture interface (src/kmod/arch.h declares
 * what cpu_state.c implements); the portable core never tests the
 * architecture itself.
 */
#ifndef BLCR_ARCH_H
#define BLCR_ARCH_H

#include <linux/types.h>
#include <linux/uaccess.h>

#include "blcr_image.h"

#define BLCR_ARCH_NAME "x86_64"
#define BLCR_ARCH_ID BLCR_ARCH_X86_64

/*
 * Unexported functions the arch code calls, added to import_list.h. The
 * system call entry points are in the syscall table, so IBT kernels keep
 * their ENDBR64; each takes the pt_regs of a (real or made-up) call.
 */
struct pt_regs;
#define BLCR_ARCH_IMPORT_LIST(X)                                      \
	X(__x64_sys_rt_sigreturn, long, (const struct pt_regs *))    \
	X(__x64_sys_arch_prctl, long, (const struct pt_regs *))      \
	X(__x64_sys_mremap, long, (const struct pt_regs *))         \
	X(__x64_sys_mprotect, long, (const struct pt_regs *))       \
	X(__x64_sys_madvise, long, (const struct pt_regs *))        \
	X(__x64_sys_mlock2, long, (const struct pt_regs *))         \
	X(__x64_sys_setitimer, long, (const struct pt_regs *))

/*
 * Whether an indirect call to the kernel function starting at @entry is
 * allowed. With CONFIG_X86_KERNEL_IBT every indirect call must land on an
 * ENDBR64; the kernel overwrites ("seals") the ENDBR64 of every function it
 * never takes the address of, and calling one of those through a pointer
 * raises #CP on CPUs with IBT. Sets *why when the answer is no.
 */
static inline bool blcr_arch_indirect_call_ok(unsigned long entry,
					      const char **why)
{
#ifdef CONFIG_X86_KERNEL_IBT
	/* f3 0f 1e fa, read as a little-endian u32 */
	const u32 endbr64 = 0xfa1e0ff3;
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)entry, sizeof(insn))) {
		*why = "entry point is unreadable";
		return false;
	}
	if (insn != endbr64) {
		*why = "sealed: entry is not ENDBR64 and the kernel enforces IBT";
		return false;
	}
#endif
	return true;
}

/* Limits on the CPU record payloads blcr_arch_restore_cpu() accepts. */
#define BLCR_ARCH_REGS_SIZE 216		/* struct user_regs_struct */
#define BLCR_ARCH_FPU_MAX_SIZE 65536

#endif
