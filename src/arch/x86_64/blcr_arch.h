/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 side of the architecture interface. Every src/arch/<arch>/ has a
 * blcr_arch.h offering the same functions; the portable core includes only
 * this header and never tests the architecture itself.
 */
#ifndef BLCR_ARCH_H
#define BLCR_ARCH_H

#include <linux/types.h>
#include <linux/uaccess.h>

#define BLCR_ARCH_NAME "x86_64"

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

#endif
