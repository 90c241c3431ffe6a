// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 registers, FP/SIMD state, TLS and system-call resumption: saved with
 * the regsets core dumps use, restored through the kernel's own
 * rt_sigreturn, which validates every field.
 *
 * Unlike x86, arm64 rewinds an interrupted system call (x0 = orig_x0, pc
 * back over the svc) before get_signal() runs task_work, so the state the
 * checkpoint sees is already the one the thread resumes with. All that is
 * left is restart_syscall: the kernel only switches x8 to it after our
 * task_work has run, so blcr_arch_syscall_resume() recognises a call that
 * has just left a restart_block by its arguments.
 */
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/regset.h>
#include <linux/restart_block.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>

#include "arch_interface.h"
#include "image_writer.h"
#include "imports.h"

/* The CPU_REGS record: NT_PRSTATUS, then NT_ARM_TLS's TPIDR_EL0. */
struct arm64_regs {
	struct user_pt_regs gp;
	u64 tpidr_el0;
};

/* The frame rt_sigreturn reads at sp: the layout of the kernel's rt_sigframe. */
struct sigreturn_frame {
	struct siginfo info;
	struct ucontext uc;
};

#define SVC_0 0xd4000001	/* svc #0: how a 64-bit task makes a call */

bool blcr_arch_task_supported(struct task_struct *t, const char **why)
{
	if (test_tsk_thread_flag(t, TIF_32BIT)) {
		*why = "32-bit processes are not supported";
		return false;
	}
	if (test_tsk_thread_flag(t, TIF_SVE) || test_tsk_thread_flag(t, TIF_SME)) {
		*why = "SVE/SME register state is not supported yet";
		return false;
	}
	/* The keys are per process: restored code would fail to authenticate. */
	if (cpu_have_named_feature(PACA) || cpu_have_named_feature(PACG)) {
		*why = "pointer authentication keys are not saved yet";
		return false;
	}
	return true;
}

void blcr_arch_cpu_features(__le64 features[4])
{
	u64 caps[2] = {};
	unsigned int i;

	/* Feature numbers 0-63 are AT_HWCAP's bits, 64-127 AT_HWCAP2's. */
	for (i = 0; i < min(MAX_CPU_FEATURES, 128); i++)
		if (cpu_have_feature(i))
			caps[i / 64] |= BIT_ULL(i % 64);
	features[BLCR_ARM64_CPU_HWCAP] = cpu_to_le64(caps[0]);
	features[BLCR_ARM64_CPU_HWCAP2] = cpu_to_le64(caps[1]);
	features[2] = 0;
	features[3] = 0;
}

int blcr_arch_check_cpu(const __le64 features[4], const char **why)
{
	__le64 now[4];
	unsigned int i;

	blcr_arch_cpu_features(now);
	for (i = 0; i < 4; i++) {
		if (le64_to_cpu(features[i]) & ~le64_to_cpu(now[i])) {
			*why = "the image was taken on a CPU with features (hwcaps) this one lacks";
			return -EINVAL;
		}
	}
	return 0;
}

/* The [vdso] special mapping's pages, found where the mm says it is. */
void blcr_arch_vdso(struct mm_struct *mm, const void **data, size_t *size)
{
	unsigned long base = (unsigned long)mm->context.vdso;
	const struct vm_special_mapping *sm;
	struct vm_area_struct *vma;

	*data = NULL;
	*size = 0;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, base);
	if (vma && vma->vm_start == base && !vma->vm_file && vma->vm_ops &&
	    vma->vm_ops->name && !strcmp(vma->vm_ops->name(vma), "[vdso]")) {
		sm = vma->vm_private_data;
		/* The vDSO is one physically contiguous piece of the kernel image. */
		if (sm->pages && sm->pages[0]) {
			*data = page_address(sm->pages[0]);
			*size = vma->vm_end - vma->vm_start;
		}
	}
	mmap_read_unlock(mm);
}

/*
 * Whether the call the thread was rewound to is the one that left
 * current->restart_block: x0 came back from orig_x0 and the block holds the
 * call's own arguments. A block another call left behind does not match.
 */
static bool restart_block_is_this_call(const struct pt_regs *regs)
{
	const struct restart_block *rb = &current->restart_block;
	const u64 *x = regs->regs;

	if (x[0] != regs->orig_x0)
		return false;
	switch (x[8]) {
	case __NR_nanosleep:
		return rb->fn == blcr_imp_hrtimer_nanosleep_restart &&
		       rb->nanosleep.clockid == CLOCK_MONOTONIC &&
		       (unsigned long)rb->nanosleep.rmtp == x[1];
	case __NR_clock_nanosleep:
		/* A relative sleep on CLOCK_REALTIME runs on CLOCK_MONOTONIC. */
		return rb->fn == blcr_imp_hrtimer_nanosleep_restart &&
		       !(x[1] & TIMER_ABSTIME) &&
		       (rb->nanosleep.clockid == x[0] ||
			(x[0] == CLOCK_REALTIME && rb->nanosleep.clockid == CLOCK_MONOTONIC)) &&
		       (unsigned long)rb->nanosleep.rmtp == x[3];
	case __NR_futex:
		return rb->fn == blcr_imp_futex_wait_restart &&
		       (unsigned long)rb->futex.uaddr == x[0] &&
		       rb->futex.val == (u32)x[2];
	}
	return false;
}

enum blcr_syscall_resume blcr_arch_syscall_resume(void)
{
	struct pt_regs *regs = task_pt_regs(current);
	__le32 insn;

	if (regs->pc & 3 ||
	    copy_from_user(&insn, (const void __user *)regs->pc, sizeof(insn)) ||
	    le32_to_cpu(insn) != SVC_0)
		return BLCR_SYSCALL_NONE;
	if (regs->regs[8] == __NR_restart_syscall || restart_block_is_this_call(regs))
		return BLCR_SYSCALL_RESTART_BLOCK;
	return BLCR_SYSCALL_NONE;
}

int blcr_arch_dump_cpu(struct blcr_image_writer *w,
		       enum blcr_syscall_resume resume)
{
	const struct user_regset *gp = blcr_find_regset(NT_PRSTATUS);
	const struct user_regset *tls = blcr_find_regset(NT_ARM_TLS);
	const struct user_regset *fp = blcr_find_regset(NT_PRFPREG);
	struct user_fpsimd_state fpsimd;
	struct arm64_regs regs = {};
	int err;

	BUILD_BUG_ON(sizeof(regs) != BLCR_ARCH_REGS_SIZE);
	BUILD_BUG_ON(sizeof(fpsimd) != BLCR_ARCH_FPU_MAX_SIZE);
	if (!gp || !tls || !fp)
		return -EINVAL;
	/* Checked at the request too; the thread may have started since. */
	if (test_thread_flag(TIF_SVE) || test_thread_flag(TIF_SME))
		return -EOPNOTSUPP;
	err = regset_get(current, gp, sizeof(regs.gp), &regs.gp);
	if (err >= 0)
		err = regset_get(current, tls, sizeof(regs.tpidr_el0), &regs.tpidr_el0);
	if (err >= 0)
		err = regset_get(current, fp, sizeof(fpsimd), &fpsimd);
	if (err < 0)
		return err;

	/* The rewind is done; what the kernel would do after us is not. */
	if (resume == BLCR_SYSCALL_RESTART_BLOCK)
		regs.gp.regs[8] = __NR_restart_syscall;

	err = blcr_write_record(w, BLCR_REC_CPU_REGS, &regs, sizeof(regs));
	if (!err)
		err = blcr_write_record(w, BLCR_REC_CPU_FPU, &fpsimd, sizeof(fpsimd));
	return err;
}

long blcr_arch_mremap(unsigned long old_addr, unsigned long len,
		      unsigned long new_addr)
{
	struct pt_regs args = { .regs = { old_addr, len, len,
					  MREMAP_MAYMOVE | MREMAP_FIXED, new_addr } };

	return blcr_imp___arm64_sys_mremap(&args);
}

long blcr_arch_mprotect(unsigned long addr, unsigned long len,
			unsigned long prot)
{
	struct pt_regs args = { .regs = { addr, len, prot } };

	return blcr_imp___arm64_sys_mprotect(&args);
}

long blcr_arch_madvise(unsigned long addr, unsigned long len, int advice)
{
	struct pt_regs args = { .regs = { addr, len, advice } };

	return blcr_imp___arm64_sys_madvise(&args);
}

long blcr_arch_mlock2(unsigned long addr, unsigned long len, int flags)
{
	struct pt_regs args = { .regs = { addr, len, flags } };

	return blcr_imp___arm64_sys_mlock2(&args);
}

long blcr_arch_setitimer(int which, unsigned long value)
{
	struct pt_regs args = { .regs = { which, value } };

	return blcr_imp___arm64_sys_setitimer(&args);
}

static void build_frame(struct sigreturn_frame *frame, const struct arm64_regs *saved,
			const struct user_fpsimd_state *fpsimd, u64 sigblocked)
{
	struct sigcontext *sc = &frame->uc.uc_mcontext;
	struct fpsimd_context *fp = (struct fpsimd_context *)sc->__reserved;

	frame->uc.uc_stack.ss_flags = SS_DISABLE;
	memcpy(&frame->uc.uc_sigmask, &sigblocked, sizeof(sigblocked));
	memcpy(sc->regs, saved->gp.regs, sizeof(sc->regs));
	sc->sp = saved->gp.sp;
	sc->pc = saved->gp.pc;
	sc->pstate = saved->gp.pstate;
	/* One FP/SIMD record, then the zero header that ends the list. */
	fp->head.magic = FPSIMD_MAGIC;
	fp->head.size = sizeof(*fp);
	fp->fpsr = fpsimd->fpsr;
	fp->fpcr = fpsimd->fpcr;
	memcpy(fp->vregs, fpsimd->vregs, sizeof(fp->vregs));
}

int blcr_arch_restore_cpu(const void *regs_buf, size_t regs_len,
			  const void *fpu, size_t fpu_len, u64 sigblocked,
			  long *retval, const char **why)
{
	const struct arm64_regs *saved = regs_buf;
	struct pt_regs *regs = task_pt_regs(current);
	struct sigreturn_frame *frame;
	unsigned long base, size;
	int err;

	if (regs_len != sizeof(*saved)) {
		*why = "saved registers have the wrong size";
		return -EINVAL;
	}
	if (fpu_len != sizeof(struct user_fpsimd_state)) {
		*why = "saved FP/SIMD state has the wrong size";
		return -EINVAL;
	}
	if (saved->gp.pc >= TASK_SIZE || saved->gp.sp >= TASK_SIZE) {
		*why = "saved registers point outside user space";
		return -EINVAL;
	}
	/* rt_sigreturn would take anything else as a bad frame and SIGSEGV. */
	if ((saved->gp.pstate & PSR_MODE_MASK) != PSR_MODE_EL0t ||
	    saved->gp.pstate & (PSR_MODE32_BIT | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)) {
		*why = "saved processor state is not that of a 64-bit user thread";
		return -EINVAL;
	}

	frame = kzalloc(sizeof(*frame), GFP_KERNEL);
	err = -ENOMEM;
	if (!frame)
		goto out;
	build_frame(frame, saved, fpu, sigblocked);

	/* Page-aligned, so the 16-byte alignment rt_sigreturn checks holds. */
	size = PAGE_ALIGN(sizeof(*frame));
	base = vm_mmap(NULL, 0, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(base)) {
		err = base;
		/* A thread already restored may have ended the process. */
		*why = err == -EINTR ? "the process was killed meanwhile" :
				       "no room for the register frame";
		goto out;
	}
	err = -EFAULT;
	if (copy_to_user((void __user *)base, frame, sizeof(*frame))) {
		*why = "cannot write the register frame";
		goto unmap;
	}

	regs->sp = base;
	blcr_imp___arm64_sys_rt_sigreturn(regs);
	if (regs->pc != saved->gp.pc || regs->sp != saved->gp.sp) {
		*why = "the kernel refused the saved registers";
		err = -EINVAL;
		goto unmap;
	}
	/*
	 * The task's TLS lives in the register until it is switched out, which
	 * saves it; the regset would set only the saved copy.
	 */
	write_sysreg(saved->tpidr_el0, tpidr_el0);
	*retval = saved->gp.regs[0];
	err = 0;
unmap:
	vm_munmap(base, size);
out:
	kfree(frame);
	return err;
}
