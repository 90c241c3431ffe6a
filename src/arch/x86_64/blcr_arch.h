/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64 side of the architecture interface. Every src/arch/<arch>/ has a
 * blcr_arch.h offering the same names; the portable core includes only
 * this header and never tests the architecture itself.
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

struct task_struct;
struct mm_struct;
struct blcr_image_writer;

/* Why not: a 32-bit (compat or x32) task. */
bool blcr_arch_task_supported(struct task_struct *t, const char **why);

/* cpu_features[] of the image header for the current task's CPU. */
void blcr_arch_cpu_features(__le64 features[4]);

/* Whether this CPU can hold the state of an image with @features; else *why. */
int blcr_arch_check_cpu(const __le64 features[4], const char **why);

/* The vDSO image the kernel maps into @mm, for the header's identity. */
void blcr_arch_vdso(struct mm_struct *mm, const void **data, size_t *size);

/* How the interrupted system call of current (if any) must resume. */
enum blcr_syscall_resume {
	BLCR_SYSCALL_NONE,	/* not in a system call, or it completed */
	BLCR_SYSCALL_REISSUE,	/* restart it with the same arguments */
	BLCR_SYSCALL_RESTART_BLOCK,	/* restart_syscall() with restart_block */
};
enum blcr_syscall_resume blcr_arch_syscall_resume(void);

/*
 * Writes the CPU_REGS and CPU_FPU records of current, as the thread will
 * resume: an interrupted call is rewound per @resume (BLCR_SYSCALL_NONE
 * with an -ERESTART* result: make it return EINTR).
 */
int blcr_arch_dump_cpu(struct blcr_image_writer *w,
		       enum blcr_syscall_resume resume);

/* Limits on the CPU record payloads blcr_arch_restore_cpu() accepts. */
#define BLCR_ARCH_REGS_SIZE 216		/* struct user_regs_struct */
#define BLCR_ARCH_FPU_MAX_SIZE 65536

/*
 * Makes current resume, on return from the system call it is in, with the
 * saved registers, FPU state and blocked mask @sigblocked; *@retval is what
 * that system call must return (the saved accumulator). Uses the kernel's
 * own rt_sigreturn to validate and load the state, from a frame in a
 * temporary mapping. On failure the registers may be half loaded: the
 * caller kills the process.
 */
int blcr_arch_restore_cpu(const void *regs, size_t regs_len,
			  const void *fpu, size_t fpu_len, u64 sigblocked,
			  long *retval, const char **why);

/* mremap() for the kernel's special mappings ([vdso], [vvar]). */
long blcr_arch_mremap(unsigned long old_addr, unsigned long len,
		      unsigned long new_addr);
/* mprotect() of current's address space. */
long blcr_arch_mprotect(unsigned long addr, unsigned long len,
			unsigned long prot);
/* madvise() and mlock2() of current's address space. */
long blcr_arch_madvise(unsigned long addr, unsigned long len, int advice);
long blcr_arch_mlock2(unsigned long addr, unsigned long len, int flags);
/* setitimer(@which, @value, NULL) of current; @value is in user memory. */
long blcr_arch_setitimer(int which, unsigned long value);

#endif
