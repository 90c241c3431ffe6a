// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 registers, FPU state and system-call resumption: saved with the
 * regsets core dumps use, restored through the kernel's own rt_sigreturn,
 * which validates every field and handles every XSAVE variant.
 */
#include <linux/elf.h>
#include <linux/mman.h>
#include <linux/regset.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/prctl.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/sigframe.h>
#include <asm/syscall.h>
#include <asm/ucontext.h>
#include <asm/unistd.h>
#include <asm/user.h>
#include <asm/vdso.h>

#include "arch_interface.h"
#include "image_writer.h"
#include "imports.h"

/* Same values as the kernel's -ERESTART* (linux/errno.h, not uapi). */
#define ERR_RESTARTSYS 512
#define ERR_RESTARTNOINTR 513
#define ERR_RESTARTNOHAND 514
#define ERR_RESTART_RESTARTBLOCK 516

/* Offset of the XSAVE header in the standard-format area. */
#define XSAVE_HDR_OFFSET 512
#define FXSAVE_SIZE 512
/* ptrace's XSAVE area keeps the user XCR0 in bytes 464-471. */
#define PTRACE_XCR0_OFFSET 464

bool blcr_arch_task_supported(struct task_struct *t, const char **why)
{
	if (test_tsk_thread_flag(t, TIF_ADDR32)) {
		*why = "32-bit processes are not supported";
		return false;
	}
	return true;
}

static u64 cpuid_isa_bits(void)
{
	u32 eax, ebx, ecx, edx, leaf1_ecx;

	cpuid(1, &eax, &ebx, &leaf1_ecx, &edx);
	if (cpuid_eax(0) < 7)
		return leaf1_ecx;
	cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
	return (u64)ebx << 32 | leaf1_ecx;
}

void blcr_arch_cpu_features(__le64 features[4])
{
	u64 xcr0 = 0, format = BLCR_FPU_FMT_FXSAVE, size = FXSAVE_SIZE;

	if (boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		u32 lo, hi;

		asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = (u64)hi << 32 | lo;
		format = BLCR_FPU_FMT_XSAVE;
		size = cpuid_ebx(0xd);	/* standard area for XCR0 */
	}
	features[BLCR_X86_CPU_XFEATURES] = cpu_to_le64(xcr0);
	features[BLCR_X86_CPU_FPU_FORMAT] = cpu_to_le64(format);
	features[BLCR_X86_CPU_XSTATE_SIZE] = cpu_to_le64(size);
	features[BLCR_X86_CPU_CPUID] = cpu_to_le64(cpuid_isa_bits());
}

int blcr_arch_check_cpu(const __le64 features[4], const char **why)
{
	__le64 now[4];
	u64 need = le64_to_cpu(features[BLCR_X86_CPU_XFEATURES]);
	u64 format = le64_to_cpu(features[BLCR_X86_CPU_FPU_FORMAT]);

	blcr_arch_cpu_features(now);
	if (format != BLCR_FPU_FMT_FXSAVE && format != BLCR_FPU_FMT_XSAVE) {
		*why = "the image's FPU state format is unknown";
		return -EINVAL;
	}
	/* An FXSAVE-only CPU holds x87 and SSE state, XCR0's bits 0 and 1. */
	if (format > le64_to_cpu(now[BLCR_X86_CPU_FPU_FORMAT]) ||
	    need & ~(le64_to_cpu(now[BLCR_X86_CPU_XFEATURES]) | 0x3)) {
		*why = "the image uses CPU state (XSAVE components) this CPU does not have";
		return -EINVAL;
	}
	return 0;
}

void blcr_arch_vdso(struct mm_struct *mm, const void **data, size_t *size)
{
	const struct vdso_image *image = mm->context.vdso_image;

	*data = image ? image->data : NULL;
	*size = image ? image->size : 0;
}

enum blcr_syscall_resume blcr_arch_syscall_resume(void)
{
	struct pt_regs *regs = task_pt_regs(current);

	if (syscall_get_nr(current, regs) < 0)
		return BLCR_SYSCALL_NONE;
	switch (-(long)regs->ax) {
	case ERR_RESTARTSYS:
	case ERR_RESTARTNOINTR:
	case ERR_RESTARTNOHAND:
		return BLCR_SYSCALL_REISSUE;
	case ERR_RESTART_RESTARTBLOCK:
		return BLCR_SYSCALL_RESTART_BLOCK;
	default:
		return BLCR_SYSCALL_NONE;
	}
}

int blcr_arch_dump_cpu(struct blcr_image_writer *w,
		       enum blcr_syscall_resume resume)
{
	const struct user_regset *gp = blcr_find_regset(NT_PRSTATUS);
	const struct user_regset *fp;
	struct user_regs_struct regs;
	void *fpu = NULL;
	int len, err;

	BUILD_BUG_ON(sizeof(regs) != BLCR_ARCH_REGS_SIZE);
	if (!gp)
		return -EINVAL;
	err = regset_get(current, gp, sizeof(regs), &regs);
	if (err < 0)
		return err;

	/* What the thread would see had it never been interrupted. */
	if (regs.orig_ax != -1UL) {
		switch (resume) {
		case BLCR_SYSCALL_REISSUE:
			regs.ax = regs.orig_ax;
			regs.ip -= 2;	/* the syscall instruction */
			break;
		case BLCR_SYSCALL_RESTART_BLOCK:
			regs.ax = __NR_restart_syscall;
			regs.ip -= 2;
			break;
		case BLCR_SYSCALL_NONE:
			if (blcr_arch_syscall_resume() != BLCR_SYSCALL_NONE)
				regs.ax = -EINTR;
			break;
		}
		regs.orig_ax = -1UL;
	}
	err = blcr_write_record(w, BLCR_REC_CPU_REGS, &regs, sizeof(regs));
	if (err)
		return err;

	fp = blcr_find_regset(NT_X86_XSTATE);
	if (!fp || !fp->active || fp->active(current, fp) <= 0)
		fp = blcr_find_regset(NT_PRFPREG);
	if (!fp)
		return -EINVAL;
	len = regset_get_alloc(current, fp, fp->n * fp->size, &fpu);
	if (len < 0)
		return len;
	err = blcr_write_record(w, BLCR_REC_CPU_FPU, fpu, len);
	kfree(fpu);
	return err;
}

/* The frame rt_sigreturn reads at the saved stack pointer minus 8. */
struct restore_frame_layout {
	unsigned long base, size;	/* the temporary mapping */
	unsigned long frame;		/* struct rt_sigframe */
	unsigned long fpstate;		/* 64-byte aligned FPU area */
};

static long call_arch_prctl(int code, unsigned long addr)
{
	struct pt_regs args = { .di = code, .si = addr };

	return blcr_imp___x64_sys_arch_prctl(&args);
}

long blcr_arch_mremap(unsigned long old_addr, unsigned long len,
		      unsigned long new_addr)
{
	struct pt_regs args = {
		.di = old_addr, .si = len, .dx = len,
		.r10 = MREMAP_MAYMOVE | MREMAP_FIXED, .r8 = new_addr,
	};

	return blcr_imp___x64_sys_mremap(&args);
}

long blcr_arch_mprotect(unsigned long addr, unsigned long len,
			unsigned long prot)
{
	struct pt_regs args = { .di = addr, .si = len, .dx = prot };

	return blcr_imp___x64_sys_mprotect(&args);
}

long blcr_arch_madvise(unsigned long addr, unsigned long len, int advice)
{
	struct pt_regs args = { .di = addr, .si = len, .dx = advice };

	return blcr_imp___x64_sys_madvise(&args);
}

long blcr_arch_mlock2(unsigned long addr, unsigned long len, int flags)
{
	struct pt_regs args = { .di = addr, .si = len, .dx = flags };

	return blcr_imp___x64_sys_mlock2(&args);
}

long blcr_arch_setitimer(int which, unsigned long value)
{
	struct pt_regs args = { .di = which, .si = value };

	return blcr_imp___x64_sys_setitimer(&args);
}

/*
 * Builds in @out the FPU area of a signal frame from the saved one: the
 * legacy FXSAVE area alone, or XSAVE with the sigframe's software bytes and
 * end marker instead of ptrace's XCR0 word.
 */
static int build_fpstate(const void *fpu, size_t fpu_len, u8 *out,
			 size_t *out_len, bool *xsave, const char **why)
{
	struct _fpx_sw_bytes sw = {};
	u64 xfeatures, xstate_bv;
	u32 magic2 = FP_XSTATE_MAGIC2;

	memcpy(out, fpu, fpu_len);
	*xsave = false;
	if (fpu_len != FXSAVE_SIZE) {
		if (fpu_len < XSAVE_HDR_OFFSET + 64) {
			*why = "saved FPU state has an impossible size";
			return -EINVAL;
		}
		memcpy(&xfeatures, (const u8 *)fpu + PTRACE_XCR0_OFFSET, sizeof(xfeatures));
		memcpy(&xstate_bv, (const u8 *)fpu + XSAVE_HDR_OFFSET, sizeof(xstate_bv));
		*xsave = boot_cpu_has(X86_FEATURE_OSXSAVE);
		/* An FXSAVE CPU can take it if only x87 and SSE were in use. */
		if (!*xsave && xstate_bv & ~(u64)3) {
			*why = "saved FPU state uses XSAVE components this CPU lacks";
			return -EINVAL;
		}
	}
	if (!*xsave) {
		memset(out + PTRACE_XCR0_OFFSET, 0, FXSAVE_SIZE - PTRACE_XCR0_OFFSET);
		*out_len = FXSAVE_SIZE;
		return 0;
	}
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = fpu_len + FP_XSTATE_MAGIC2_SIZE;
	sw.xfeatures = xfeatures;
	sw.xstate_size = fpu_len;
	memcpy(out + PTRACE_XCR0_OFFSET, &sw, sizeof(sw));
	memcpy(out + fpu_len, &magic2, sizeof(magic2));
	*out_len = fpu_len + FP_XSTATE_MAGIC2_SIZE;
	return 0;
}

int blcr_arch_restore_cpu(const void *regs_buf, size_t regs_len,
			  const void *fpu, size_t fpu_len, u64 sigblocked,
			  long *retval, const char **why)
{
	const struct user_regs_struct *saved = regs_buf;
	struct pt_regs *regs = task_pt_regs(current);
	struct restore_frame_layout l;
	struct rt_sigframe *frame;
	struct sigcontext *sc;
	size_t fp_len;
	bool xsave;
	u8 *fp_buf;
	int err;

	if (regs_len != sizeof(*saved)) {
		*why = "saved registers have the wrong size";
		return -EINVAL;
	}
	if (fpu_len < FXSAVE_SIZE || fpu_len > BLCR_ARCH_FPU_MAX_SIZE) {
		*why = "saved FPU state has an impossible size";
		return -EINVAL;
	}
	if (saved->fs_base >= TASK_SIZE_MAX || saved->gs_base >= TASK_SIZE_MAX ||
	    saved->ip >= TASK_SIZE_MAX) {
		*why = "saved registers point outside user space";
		return -EINVAL;
	}

	fp_buf = kvzalloc(fpu_len + 64, GFP_KERNEL);
	frame = kzalloc(sizeof(*frame), GFP_KERNEL);
	err = -ENOMEM;
	if (!fp_buf || !frame)
		goto out;
	err = build_fpstate(fpu, fpu_len, fp_buf, &fp_len, &xsave, why);
	if (err)
		goto out;

	l.size = PAGE_ALIGN(sizeof(*frame) + 16 + fp_len + 64);
	l.base = vm_mmap(NULL, 0, l.size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(l.base)) {
		err = l.base;
		*why = "no room for the register frame";
		goto out;
	}
	l.fpstate = l.base;	/* page-aligned, so 64-byte aligned */
	l.frame = ALIGN(l.fpstate + fp_len, 16) + 8;

	frame->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			     (xsave ? UC_FP_XSTATE : 0);
	frame->uc.uc_stack.ss_flags = SS_DISABLE;
	memcpy(&frame->uc.uc_sigmask, &sigblocked, sizeof(sigblocked));
	sc = &frame->uc.uc_mcontext;
	sc->r8 = saved->r8;
	sc->r9 = saved->r9;
	sc->r10 = saved->r10;
	sc->r11 = saved->r11;
	sc->r12 = saved->r12;
	sc->r13 = saved->r13;
	sc->r14 = saved->r14;
	sc->r15 = saved->r15;
	sc->di = saved->di;
	sc->si = saved->si;
	sc->bp = saved->bp;
	sc->bx = saved->bx;
	sc->dx = saved->dx;
	sc->ax = saved->ax;
	sc->cx = saved->cx;
	sc->sp = saved->sp;
	sc->ip = saved->ip;
	sc->flags = saved->flags;
	sc->cs = __USER_CS;
	sc->ss = __USER_DS;
	sc->fpstate = l.fpstate;

	err = -EFAULT;
	if (copy_to_user((void __user *)l.fpstate, fp_buf, fp_len) ||
	    copy_to_user((void __user *)l.frame, frame, sizeof(*frame))) {
		*why = "cannot write the register frame";
		goto unmap;
	}

	regs->sp = l.frame + sizeof(long);
	blcr_imp___x64_sys_rt_sigreturn(regs);
	if (regs->ip != saved->ip || regs->sp != saved->sp) {
		*why = "the kernel refused the saved registers";
		err = -EINVAL;
		goto unmap;
	}
	err = call_arch_prctl(ARCH_SET_FS, saved->fs_base);
	if (!err)
		err = call_arch_prctl(ARCH_SET_GS, saved->gs_base);
	if (err)
		*why = "cannot set the FS/GS bases";
	*retval = saved->ax;
unmap:
	vm_munmap(l.base, l.size);
out:
	kvfree(fp_buf);
	kfree(frame);
	return err;
}
