/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture interface: what the portable core asks of the code in
 * src/arch/<arch>/. Each arch's blcr_arch.h supplies its name and id, the
 * unexported functions it imports, its indirect-call check and the size
 * limits of its CPU records (BLCR_ARCH_REGS_SIZE, BLCR_ARCH_FPU_MAX_SIZE);
 * its cpu_state.c implements the functions declared here.
 */
#ifndef BLCR_ARCH_INTERFACE_H
#define BLCR_ARCH_INTERFACE_H

#include <linux/regset.h>
#include <linux/sched.h>

#include "blcr_arch.h"

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

/* For the arch code: current's regset of ELF note type @note, or NULL. */
static inline const struct user_regset *blcr_find_regset(unsigned int note)
{
	const struct user_regset_view *view = task_user_regset_view(current);
	unsigned int i;

	for (i = 0; i < view->n; i++)
		if (view->regsets[i].core_note_type == note)
			return &view->regsets[i];
	return NULL;
}

#endif
