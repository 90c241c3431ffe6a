// SPDX-License-Identifier: GPL-2.0
/*
 * Per-thread state: registers and FPU (through the arch code), the blocked
 * mask, sigaltstack, rseq, robust futex list, clear_child_tid, the parent
 * death signal, and the system call the thread was blocked in. A sleep or
 * timed wait is saved with what was left of its timeout, and restarted with
 * it: the restored thread neither sees EINTR nor starts its wait over.
 */
#include <uapi/linux/futex.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/restart_block.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/time.h>
#include <linux/timekeeping.h>
#include <asm/syscall.h>

#include "arch_interface.h"
#include "checkpoint.h"
#include "compat.h"
#include "imports.h"
#include "restart.h"

static bool clock_is_absolute(clockid_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_TAI;
}

static s64 clock_now(clockid_t clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
		return ktime_get_real_ns();
	case CLOCK_TAI:
		return ktime_get_clocktai_ns();
	case CLOCK_BOOTTIME:
		return ktime_get_boottime_ns();
	default:
		return ktime_get_ns();
	}
}

/* An absolute time on @clock as saved: absolute if the clock is, else remaining. */
static void save_timeout(struct blcr_rec_thread *t, clockid_t clock, s64 expires)
{
	t->restart_flags |= cpu_to_le32(BLCR_RESTART_F_TIMEOUT);
	if (clock_is_absolute(clock)) {
		t->restart_flags |= cpu_to_le32(BLCR_RESTART_F_ABSOLUTE);
		t->restart_ns = cpu_to_le64(expires);
	} else {
		t->restart_ns = cpu_to_le64(max_t(s64, expires - clock_now(clock), 0));
	}
}

static s64 restored_timeout(const struct blcr_rec_thread *t, clockid_t clock)
{
	s64 ns = le64_to_cpu(t->restart_ns);

	return clock_is_absolute(clock) ? ns : clock_now(clock) + ns;
}

/* Which restart_block the interrupted call left; false if unknown. */
static bool save_restart_block(struct blcr_rec_thread *t)
{
	struct restart_block *rb = &current->restart_block;

	if (rb->fn == blcr_imp_hrtimer_nanosleep_restart) {
		t->restart_kind = cpu_to_le32(BLCR_RESTART_NANOSLEEP);
		t->restart_args[0] = cpu_to_le64(rb->nanosleep.clockid);
		t->restart_args[1] = cpu_to_le64(rb->nanosleep.type);
		t->restart_args[2] = cpu_to_le64((unsigned long)rb->nanosleep.rmtp);
		save_timeout(t, rb->nanosleep.clockid, rb->nanosleep.expires);
		return true;
	}
	if (rb->fn == blcr_imp_do_restart_poll) {
		t->restart_kind = cpu_to_le32(BLCR_RESTART_POLL);
		t->restart_args[0] = cpu_to_le64((unsigned long)rb->poll.ufds);
		t->restart_args[1] = cpu_to_le64(rb->poll.nfds);
		t->restart_args[2] = cpu_to_le64(rb->poll.has_timeout);
		if (rb->poll.has_timeout)
			save_timeout(t, CLOCK_MONOTONIC,
				     (s64)rb->poll.tv_sec * NSEC_PER_SEC + rb->poll.tv_nsec);
		return true;
	}
	if (rb->fn == blcr_imp_futex_wait_restart) {
		t->restart_kind = cpu_to_le32(BLCR_RESTART_FUTEX);
		t->restart_args[0] = cpu_to_le64((unsigned long)rb->futex.uaddr);
		t->restart_args[1] = cpu_to_le64(rb->futex.val);
		t->restart_args[2] = cpu_to_le64(rb->futex.flags);
		t->restart_args[3] = cpu_to_le64(rb->futex.bitset);
		t->restart_args[4] = cpu_to_le64((unsigned long)rb->futex.uaddr2);
		if (rb->futex.flags & BLCR_FUTEX_FLAGS_HAS_TIMEOUT)
			save_timeout(t, rb->futex.flags & BLCR_FUTEX_FLAGS_CLOCKRT ?
					CLOCK_REALTIME : CLOCK_MONOTONIC,
				     rb->futex.time);
		return true;
	}
	return false;
}

int blcr_dump_thread(struct blcr_image_writer *w, struct blcr_reason *why)
{
	struct blcr_rec_thread t = {};
	enum blcr_syscall_resume resume = blcr_arch_syscall_resume();
	int err;

	t.tid = cpu_to_le32(task_pid_vnr(current));
	t.pdeath_signal = cpu_to_le32(current->pdeath_signal);
	t.sigblocked = cpu_to_le64(current->blocked.sig[0]);
	t.sas_ss_sp = cpu_to_le64(current->sas_ss_sp);
	t.sas_ss_size = cpu_to_le64(current->sas_ss_size);
	t.sas_ss_flags = cpu_to_le32(current->sas_ss_flags);
	t.rseq = cpu_to_le64((unsigned long)current->rseq);
	t.rseq_len = cpu_to_le32(blcr_rseq_len(current));
	t.rseq_sig = cpu_to_le32(current->rseq_sig);
	t.robust_list = cpu_to_le64((unsigned long)current->robust_list);
	t.robust_list_len = cpu_to_le64(current->robust_list ?
					sizeof(*current->robust_list) : 0);
	t.clear_child_tid = cpu_to_le64((unsigned long)current->clear_child_tid);
	/* An unknown restart_block: the call returns EINTR, as to a handled signal. */
	if (resume == BLCR_SYSCALL_RESTART_BLOCK && !save_restart_block(&t))
		resume = BLCR_SYSCALL_NONE;

	err = blcr_write_record(w, BLCR_REC_THREAD, &t, sizeof(t));
	if (!err)
		err = blcr_arch_dump_cpu(w, resume);
	if (err)
		return blcr_fail(why, err, "cannot save the registers");
	return blcr_dump_thread_signals(w, why);
}

/* Whether the saved restart_block is valid; with @rb, also sets it. */
static bool restore_restart_block(const struct blcr_rec_thread *t,
				  struct restart_block *rb)
{
	u32 kind = le32_to_cpu(t->restart_kind);
	bool timeout = le32_to_cpu(t->restart_flags) & BLCR_RESTART_F_TIMEOUT;
	const __le64 *a = t->restart_args;
	s64 end;

	switch (kind) {
	case BLCR_RESTART_NONE:
		if (rb)
			rb->fn = blcr_imp_do_no_restart_syscall;
		return true;
	case BLCR_RESTART_NANOSLEEP: {
		clockid_t clock = le64_to_cpu(a[0]);
		u64 type = le64_to_cpu(a[1]);

		if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
		     clock != CLOCK_BOOTTIME && clock != CLOCK_TAI) ||
		    (type != TT_NONE && type != TT_NATIVE) || !timeout)
			return false;
		if (!rb)
			return true;
		rb->nanosleep.clockid = clock;
		rb->nanosleep.type = type;
		rb->nanosleep.rmtp = (void __user *)(unsigned long)le64_to_cpu(a[2]);
		rb->nanosleep.expires = restored_timeout(t, clock);
		rb->fn = blcr_imp_hrtimer_nanosleep_restart;
		return true;
	}
	case BLCR_RESTART_POLL:
		if (le64_to_cpu(a[1]) > INT_MAX || le64_to_cpu(a[2]) > 1 ||
		    (le64_to_cpu(a[2]) && !timeout))
			return false;
		if (!rb)
			return true;
		rb->poll.ufds = (void __user *)(unsigned long)le64_to_cpu(a[0]);
		rb->poll.nfds = le64_to_cpu(a[1]);
		rb->poll.has_timeout = le64_to_cpu(a[2]);
		if (rb->poll.has_timeout) {
			end = restored_timeout(t, CLOCK_MONOTONIC);
			rb->poll.tv_sec = end / NSEC_PER_SEC;
			rb->poll.tv_nsec = end % NSEC_PER_SEC;
		}
		rb->fn = blcr_imp_do_restart_poll;
		return true;
	case BLCR_RESTART_FUTEX: {
		u64 flags = le64_to_cpu(a[2]);

		if (flags > U32_MAX || !blcr_futex_flags_ok(flags) ||
		    le64_to_cpu(a[1]) > U32_MAX || le64_to_cpu(a[3]) > U32_MAX ||
		    !!(flags & BLCR_FUTEX_FLAGS_HAS_TIMEOUT) != timeout)
			return false;
		if (!rb)
			return true;
		rb->futex.uaddr = (u32 __user *)(unsigned long)le64_to_cpu(a[0]);
		rb->futex.val = le64_to_cpu(a[1]);
		rb->futex.flags = flags;
		rb->futex.bitset = le64_to_cpu(a[3]);
		rb->futex.uaddr2 = (u32 __user *)(unsigned long)le64_to_cpu(a[4]);
		if (timeout)
			rb->futex.time = restored_timeout(t,
				flags & BLCR_FUTEX_FLAGS_CLOCKRT ? CLOCK_REALTIME : CLOCK_MONOTONIC);
		rb->fn = blcr_imp_futex_wait_restart;
		return true;
	}
	}
	return false;
}

int blcr_restore_thread_check(const struct blcr_rec_thread *t,
			      struct blcr_reason *why)
{
	u64 sas_sp = le64_to_cpu(t->sas_ss_sp), sas_size = le64_to_cpu(t->sas_ss_size);

	if (le32_to_cpu(t->pdeath_signal) && !valid_signal(le32_to_cpu(t->pdeath_signal)))
		return blcr_fail(why, -EINVAL, "invalid parent death signal");
	if (le32_to_cpu(t->sas_ss_flags) & ~(SS_AUTODISARM | SS_DISABLE) ||
	    sas_sp >= TASK_SIZE || sas_size > TASK_SIZE - sas_sp)
		return blcr_fail(why, -EINVAL, "invalid signal stack");
	if (le64_to_cpu(t->rseq) >= TASK_SIZE ||
	    le64_to_cpu(t->robust_list) >= TASK_SIZE ||
	    le64_to_cpu(t->clear_child_tid) >= TASK_SIZE ||
	    (t->rseq && (le32_to_cpu(t->rseq_len) < 32 || le32_to_cpu(t->rseq_len) > PAGE_SIZE)) ||
	    (t->robust_list && le64_to_cpu(t->robust_list_len) != sizeof(*current->robust_list)))
		return blcr_fail(why, -EINVAL, "invalid thread pointers");
	if (!restore_restart_block(t, NULL))
		return blcr_fail(why, -EINVAL, "the interrupted system call record is invalid");
	return 0;
}

/*
 * The ioctl system call returns an int, so the saved accumulator the
 * restoring call returns would lose its upper half (a pointer the thread
 * held in user code, an address a reissued call takes): it is set again on
 * the way out, by a task_work, which get_signal() runs before it could
 * deliver a signal with the wrong value.
 */
struct return_value_fixup {
	struct callback_head work;
	unsigned long value;
};

static void set_return_value(struct callback_head *work)
{
	struct return_value_fixup *f = container_of(work, struct return_value_fixup, work);

	syscall_set_return_value(current, task_pt_regs(current), 0, f->value);
	kfree(f);
	module_put(THIS_MODULE);
}

static int queue_return_value(unsigned long value)
{
	struct return_value_fixup *f = kmalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->value = value;
	init_task_work(&f->work, set_return_value);
	__module_get(THIS_MODULE);
	if (task_work_add(current, &f->work, TWA_SIGNAL_NO_IPI)) {
		module_put(THIS_MODULE);
		kfree(f);
		return -ESRCH;
	}
	return 0;
}

int blcr_restore_thread(const struct blcr_rec_thread *t, const void *regs,
			size_t regs_len, const void *fpu, size_t fpu_len,
			long *retval, struct blcr_reason *why)
{
	const char *arch_why = "";
	int err;

	current->pdeath_signal = le32_to_cpu(t->pdeath_signal);
	current->robust_list = (void __user *)(unsigned long)le64_to_cpu(t->robust_list);
	current->clear_child_tid = (void __user *)(unsigned long)le64_to_cpu(t->clear_child_tid);
	blcr_set_rseq(current, (void __user *)(unsigned long)le64_to_cpu(t->rseq),
		      t->rseq ? le32_to_cpu(t->rseq_len) : 0, le32_to_cpu(t->rseq_sig));
	rseq_set_notify_resume(current);

	err = blcr_arch_restore_cpu(regs, regs_len, fpu, fpu_len,
				    le64_to_cpu(t->sigblocked), retval, &arch_why);
	if (err)
		return blcr_fail(why, err, "cannot restore the registers: %s", arch_why);
	err = queue_return_value(*retval);
	if (err)
		return blcr_fail(why, err, "cannot restore the registers: the process is exiting");
	/*
	 * After rt_sigreturn, which loads a disabled stack from its frame and
	 * resets restart_block to "return EINTR".
	 */
	restore_restart_block(t, &current->restart_block);
	current->sas_ss_sp = le64_to_cpu(t->sas_ss_sp);
	current->sas_ss_size = le64_to_cpu(t->sas_ss_size);
	current->sas_ss_flags = le32_to_cpu(t->sas_ss_flags);
	return 0;
}
