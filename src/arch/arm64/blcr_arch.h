/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 side of the architecture interface (src/kmod/arch.h declares what
 * cpu_state.c implements).
 */
#ifndef BLCR_ARCH_H
#define BLCR_ARCH_H

#include <linux/types.h>
#include <linux/uaccess.h>

#include "blcr_image.h"

#define BLCR_ARCH_NAME "arm64"
#define BLCR_ARCH_ID BLCR_ARCH_ARM64

/*
 * Unexported functions the arch code calls. The system call wrappers are
 * reached through the syscall table, so they keep their BTI landing pads;
 * each takes the pt_regs of a (real or made-up) call.
 */
struct pt_regs;
#define BLCR_ARCH_IMPORT_LIST(X)                                      \
	X(__arm64_sys_rt_sigreturn, long, (const struct pt_regs *))  \
	X(__arm64_sys_mremap, long, (const struct pt_regs *))       \
	X(__arm64_sys_mprotect, long, (const struct pt_regs *))     \
	X(__arm64_sys_madvise, long, (const struct pt_regs *))      \
	X(__arm64_sys_mlock2, long, (const struct pt_regs *))       \
	X(__arm64_sys_setitimer, long, (const struct pt_regs *))

/*
 * With in-kernel BTI an indirect call must land on a BTI C/JC, or on a
 * PACIASP/PACIBSP, which count as one; functions the kernel never calls
 * through a pointer may have neither.
 */
static inline bool blcr_arch_indirect_call_ok(unsigned long entry,
					      const char **why)
{
#ifdef CONFIG_ARM64_BTI_KERNEL
	__le32 insn;	/* instructions are little-endian on any kernel */

	if (copy_from_kernel_nofault(&insn, (void *)entry, sizeof(insn))) {
		*why = "entry point is unreadable";
		return false;
	}
	switch (le32_to_cpu(insn)) {
	case 0xd503245f:	/* bti c */
	case 0xd50324df:	/* bti jc */
	case 0xd503233f:	/* paciasp */
	case 0xd503237f:	/* pacibsp */
		break;
	default:
		*why = "no BTI landing pad at its entry and the kernel enforces BTI";
		return false;
	}
#endif
	return true;
}

/* struct user_pt_regs then TPIDR_EL0; struct user_fpsimd_state. */
#define BLCR_ARCH_REGS_SIZE 280
#define BLCR_ARCH_FPU_MAX_SIZE 528

#endif
