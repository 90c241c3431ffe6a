// SPDX-License-Identifier: GPL-2.0
/*
 * Process-wide signal state: dispositions, queued signals with their
 * siginfo, and the three interval timers with what is left of each. (The
 * blocked mask and sigaltstack are per thread: thread.c.)
 */
#include <linux/hrtimer.h>
#include <linux/mman.h>
#include <linux/posix-timers.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>

#include "arch_interface.h"
#include "checkpoint.h"
#include "restart.h"

/* The SA_* flags a restored disposition may carry. */
#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | \
		  SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_RESTORER |  \
		  SA_EXPOSE_TAGBITS | SA_UNSUPPORTED)

static int dump_queue(struct blcr_image_writer *w, struct sigpending *queue,
		      bool shared)
{
	struct blcr_rec_sigpending *recs;
	struct sigqueue *q;
	int n = 0, max = 0, i, err = 0;

	spin_lock_irq(&current->sighand->siglock);
	list_for_each_entry(q, &queue->list, list)
		max++;
	spin_unlock_irq(&current->sighand->siglock);
	if (!max)
		return 0;
	recs = kvcalloc(max, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	/* Every thread is parked: nobody dequeues, so the list cannot shrink. */
	spin_lock_irq(&current->sighand->siglock);
	list_for_each_entry(q, &queue->list, list) {
		if (n == max)
			break;
		recs[n].signo = cpu_to_le32(q->info.si_signo);
		recs[n].shared = cpu_to_le32(shared);
		memcpy(recs[n].siginfo, &q->info, sizeof(q->info));
		n++;
	}
	spin_unlock_irq(&current->sighand->siglock);
	for (i = 0; i < n && !err; i++)
		err = blcr_write_record(w, BLCR_REC_SIGPENDING, &recs[i], sizeof(recs[i]));
	kvfree(recs);
	return err;
}

/*
 * CPU time left on an ITIMER_VIRTUAL/PROF timer, whose expiry is an
 * absolute process CPU time. While one is armed the process's cputimer
 * runs, and its sample is what expiry is measured against (as getitimer()
 * does; one that is due gets a tick).
 */
static u64 cpu_itimer_left(const struct cpu_itimer *it, u64 sample)
{
	if (!it->expires)
		return 0;
	return it->expires > sample ? it->expires - sample : TICK_NSEC;
}

/* Called with siglock held. */
static void save_cpu_itimers(struct signal_struct *sig, struct blcr_rec_sighand *h)
{
	u64 utime, stime;

	h->itimer_virt_interval_ns = cpu_to_le64(sig->it[CPUCLOCK_VIRT].incr);
	h->itimer_prof_interval_ns = cpu_to_le64(sig->it[CPUCLOCK_PROF].incr);
	if (!sig->posix_cputimers.timers_active)
		return;
	utime = atomic64_read(&sig->cputimer.cputime_atomic.utime);
	stime = atomic64_read(&sig->cputimer.cputime_atomic.stime);
	h->itimer_virt_ns = cpu_to_le64(cpu_itimer_left(&sig->it[CPUCLOCK_VIRT], utime));
	h->itimer_prof_ns = cpu_to_le64(cpu_itimer_left(&sig->it[CPUCLOCK_PROF], utime + stime));
}

int blcr_dump_signals(struct blcr_image_writer *w, struct blcr_reason *why)
{
	struct blcr_rec_sighand *h = kzalloc(sizeof(*h), GFP_KERNEL);
	struct signal_struct *sig = current->signal;
	int i, err;

	if (!h)
		return -ENOMEM;
	spin_lock_irq(&current->sighand->siglock);
	for (i = 0; i < BLCR_NSIG; i++) {
		const struct sigaction *sa = &current->sighand->action[i].sa;

		h->action[i].handler = cpu_to_le64((unsigned long)sa->sa_handler);
		h->action[i].flags = cpu_to_le64(sa->sa_flags);
		h->action[i].restorer = cpu_to_le64((unsigned long)sa->sa_restorer);
		h->action[i].mask = cpu_to_le64(sa->sa_mask.sig[0]);
	}
	if (hrtimer_active(&sig->real_timer))
		h->itimer_real_ns = cpu_to_le64(max_t(s64, 1,
			ktime_to_ns(hrtimer_get_remaining(&sig->real_timer))));
	h->itimer_real_interval_ns = cpu_to_le64(ktime_to_ns(sig->it_real_incr));
	save_cpu_itimers(sig, h);
	spin_unlock_irq(&current->sighand->siglock);

	err = blcr_write_record(w, BLCR_REC_SIGHAND, h, sizeof(*h));
	kfree(h);
	if (!err)
		err = dump_queue(w, &sig->shared_pending, true);
	if (err)
		blcr_fail(why, err, "cannot save the signal state");
	return err;
}

int blcr_dump_thread_signals(struct blcr_image_writer *w, struct blcr_reason *why)
{
	int err = dump_queue(w, &current->pending, false);

	return err ? blcr_fail(why, err, "cannot save the pending signals") : 0;
}

/*
 * Arming a CPU-time timer is setitimer()'s business (the process cputimer
 * must start): call it, with the value in a scratch page of the restored
 * address space, unmapped again at once.
 */
static int restore_cpu_itimers(const struct blcr_rec_sighand *h,
			       struct blcr_reason *why)
{
	const struct { int which; __le64 left, interval; } timers[] = {
		{ ITIMER_VIRTUAL, h->itimer_virt_ns, h->itimer_virt_interval_ns },
		{ ITIMER_PROF, h->itimer_prof_ns, h->itimer_prof_interval_ns },
	};
	unsigned long scratch = 0;
	unsigned int i;
	long err = 0;

	for (i = 0; i < ARRAY_SIZE(timers) && !err; i++) {
		u64 left = le64_to_cpu(timers[i].left);
		u64 interval = le64_to_cpu(timers[i].interval);
		struct __kernel_old_itimerval value = {
			.it_interval = { .tv_sec = interval / NSEC_PER_SEC,
					 .tv_usec = interval % NSEC_PER_SEC / NSEC_PER_USEC },
			/* rounded up: time left never becomes "disarmed" */
			.it_value = { .tv_sec = left / NSEC_PER_SEC,
				      .tv_usec = DIV_ROUND_UP(left % NSEC_PER_SEC, NSEC_PER_USEC) },
		};

		if (!left)
			continue;
		if (value.it_value.tv_usec == USEC_PER_SEC) {
			value.it_value.tv_sec++;
			value.it_value.tv_usec = 0;
		}
		if (!scratch) {
			scratch = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, 0);
			if (IS_ERR_VALUE(scratch))
				return blcr_fail(why, (long)scratch, "cannot map a scratch page");
		}
		err = copy_to_user((void __user *)scratch, &value, sizeof(value)) ? -EFAULT :
		      blcr_arch_setitimer(timers[i].which, scratch);
	}
	if (scratch)
		vm_munmap(scratch, PAGE_SIZE);
	return err ? blcr_fail(why, err, "cannot restore a CPU-time interval timer") : 0;
}

int blcr_restore_signals_check(const struct blcr_rec_sighand *h,
			       const struct blcr_rec_sigpending *pending,
			       unsigned int nr_pending, struct blcr_reason *why)
{
	unsigned int p;
	int i;

	for (i = 0; i < BLCR_NSIG; i++) {
		if (le64_to_cpu(h->action[i].flags) & ~(u64)SA_KNOWN)
			return blcr_fail(why, -EINVAL, "invalid flags for signal %d", i + 1);
		if (le64_to_cpu(h->action[i].handler) >= TASK_SIZE ||
		    le64_to_cpu(h->action[i].restorer) >= TASK_SIZE)
			return blcr_fail(why, -EINVAL, "invalid handler for signal %d", i + 1);
	}
	/* ktime_t and the CPU timers' expiry are signed 64-bit ns */
	if ((s64)le64_to_cpu(h->itimer_real_ns) < 0 ||
	    (s64)le64_to_cpu(h->itimer_real_interval_ns) < 0 ||
	    (s64)le64_to_cpu(h->itimer_virt_ns) < 0 ||
	    (s64)le64_to_cpu(h->itimer_virt_interval_ns) < 0 ||
	    (s64)le64_to_cpu(h->itimer_prof_ns) < 0 ||
	    (s64)le64_to_cpu(h->itimer_prof_interval_ns) < 0)
		return blcr_fail(why, -EINVAL, "invalid interval timer");
	for (p = 0; p < nr_pending; p++) {
		int signo = le32_to_cpu(pending[p].signo);

		if (!valid_signal(signo) || signo == 0 || signo == SIGKILL || signo == SIGSTOP)
			return blcr_fail(why, -EINVAL, "invalid pending signal %d", signo);
	}
	return 0;
}

/*
 * Queued to the calling thread. Process-wide ones too, to the leader: no
 * exported function queues a signal to a process with its siginfo.
 */
static void queue_signals(const struct blcr_rec_sigpending *pending,
			  unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		kernel_siginfo_t info;
		int signo = le32_to_cpu(pending[i].signo);

		memcpy(&info, pending[i].siginfo, sizeof(info));
		info.si_signo = signo;
		send_sig_info(signo, &info, current);
	}
}

int blcr_restore_signals(const struct blcr_rec_sighand *h,
			 const struct blcr_rec_sigpending *pending,
			 unsigned int nr_pending, struct blcr_reason *why)
{
	struct signal_struct *sig = current->signal;
	sigset_t all;
	unsigned int i;
	int err;

	/*
	 * Queued and timer signals wait, blocked, for the saved mask that
	 * rt_sigreturn sets: one fatal now would take the process down at
	 * once, whatever that mask says.
	 */
	siginitsetinv(&all, sigmask(SIGKILL) | sigmask(SIGSTOP));
	sigprocmask(SIG_SETMASK, &all, NULL);
	flush_signals(current);
	spin_lock_irq(&current->sighand->siglock);
	for (i = 0; i < BLCR_NSIG; i++) {
		struct sigaction *sa = &current->sighand->action[i].sa;

		if (i + 1 == SIGKILL || i + 1 == SIGSTOP)
			continue;
		sa->sa_handler = (__sighandler_t)(unsigned long)le64_to_cpu(h->action[i].handler);
		sa->sa_flags = le64_to_cpu(h->action[i].flags);
		sa->sa_restorer = (__sigrestore_t)(unsigned long)le64_to_cpu(h->action[i].restorer);
		sa->sa_mask.sig[0] = le64_to_cpu(h->action[i].mask) &
				     ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	}
	spin_unlock_irq(&current->sighand->siglock);

	/* As setitimer(ITIMER_REAL) does. */
	for (;;) {
		spin_lock_irq(&current->sighand->siglock);
		if (hrtimer_try_to_cancel(&sig->real_timer) >= 0)
			break;
		spin_unlock_irq(&current->sighand->siglock);
		hrtimer_cancel_wait_running(&sig->real_timer);
	}
	sig->it_real_incr = ns_to_ktime(le64_to_cpu(h->itimer_real_interval_ns));
	if (h->itimer_real_ns)
		hrtimer_start(&sig->real_timer, ns_to_ktime(le64_to_cpu(h->itimer_real_ns)),
			      HRTIMER_MODE_REL);
	spin_unlock_irq(&current->sighand->siglock);
	err = restore_cpu_itimers(h, why);
	if (err)
		return err;

	queue_signals(pending, nr_pending);
	return 0;
}

void blcr_restore_thread_signals(const struct blcr_rec_sigpending *pending,
				 unsigned int nr_pending)
{
	sigset_t all;

	siginitsetinv(&all, sigmask(SIGKILL) | sigmask(SIGSTOP));
	sigprocmask(SIG_SETMASK, &all, NULL);
	queue_signals(pending, nr_pending);
}
