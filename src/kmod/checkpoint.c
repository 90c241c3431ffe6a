// SPDX-License-Identifier: GPL-2.0
/*
 * A checkpoint request. Every thread of the target is stopped where threads
 * stop cleanly: at its next return to user mode, from a task_work queued
 * with TWA_SIGNAL (which also interrupts a blocking system call). Once all
 * of them are there, and only then (so that the image is one instant of the
 * whole process), they write their state in turn, in their own context, to
 * the requester's file: each thread its registers and thread state, the
 * thread-group leader first and, last, what the process shares (signal
 * handlers, memory). Then they stay parked until the requester ends the
 * request (commit with an optional signal, or abort), so that nothing the
 * process does after the image is taken can be lost when the requester
 * kills it, and so that a failed checkpoint leaves it exactly as it was.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "arch_interface.h"
#include "checkpoint.h"
#include "ctrl.h"
#include "image_writer.h"

/* As many threads as the image format's restart accepts. */
#define MAX_THREADS BLCR_IMAGE_MAX_THREADS
/* req->turn once every thread has written its own records. */
#define TURN_PROCESS UINT_MAX

/* One thread of the target, from the request until the request is freed. */
struct thread_stop {
	struct callback_head work;
	struct list_head node;		/* in req->threads, in index order */
	struct blcr_checkpoint_req *req;
	struct task_struct *task;
	unsigned int index;		/* 0: the thread-group leader */
	bool gone;			/* was exiting: not part of the image */
};

struct blcr_checkpoint_req {
	struct kref ref;		/* the requester's and one per thread_stop */
	spinlock_t lock;		/* the thread list, counts, turn, outcome */
	struct list_head threads;
	unsigned int nr_threads;	/* queued */
	unsigned int nr_arrived;	/* ran their task_work */
	bool all_stopped;		/* every thread of the process arrived */
	unsigned int turn;		/* index of the thread writing, or TURN_PROCESS */
	struct completion written;	/* the image is written, or failed */
	bool finished;			/* written completed */
	wait_queue_head_t wait;		/* threads wait here for each other and the end */
	bool abandoned;			/* cancelled or failed: stop writing */
	bool ended;
	int result;
	struct blcr_reason why;
	struct file *file;
	struct blcr_image_writer w;
	struct task_struct *leader;
	loff_t next_offset;
	u32 next_seq;
};

static void req_free(struct kref *ref)
{
	struct blcr_checkpoint_req *req =
		container_of(ref, struct blcr_checkpoint_req, ref);
	struct thread_stop *ts, *tmp;

	list_for_each_entry_safe(ts, tmp, &req->threads, node) {
		put_task_struct(ts->task);
		kfree(ts);
	}
	put_task_struct(req->leader);
	fput(req->file);
	kfree(req);
	module_put(THIS_MODULE);
}

/* The outcome, once: the first failure wins and stops everyone. */
static void finish(struct blcr_checkpoint_req *req, int err,
		   const struct blcr_reason *why)
{
	spin_lock(&req->lock);
	if (!req->finished) {
		req->finished = true;
		req->result = err;
		if (err) {
			req->abandoned = true;
			if (why)
				req->why = *why;
		}
		complete(&req->written);
	}
	spin_unlock(&req->lock);
	wake_up_all(&req->wait);
}

static void thread_stop_work(struct callback_head *head);

static bool is_queued(struct blcr_checkpoint_req *req, struct task_struct *t)
{
	struct thread_stop *ts;

	list_for_each_entry(ts, &req->threads, node)
		if (ts->task == t)
			return true;
	return false;
}

static int queue_one(struct blcr_checkpoint_req *req, struct task_struct *t)
{
	struct thread_stop *ts;

	if (req->nr_threads == MAX_THREADS)
		return -E2BIG;
	ts = kzalloc(sizeof(*ts), GFP_ATOMIC);
	if (!ts)
		return -ENOMEM;
	ts->req = req;
	ts->task = t;
	ts->index = req->nr_threads;
	init_task_work(&ts->work, thread_stop_work);
	if (task_work_add(t, &ts->work, TWA_SIGNAL)) {
		kfree(ts);	/* past its last task_work: it is leaving */
		return 0;
	}
	get_task_struct(t);
	kref_get(&req->ref);
	list_add_tail(&ts->node, &req->threads);
	req->nr_threads++;
	return 1;
}

/*
 * Queues a stop on each thread of the process that has none yet: all of
 * them at the start, then those created by threads not yet stopped. Returns
 * how many were queued, or an error. Called with req->lock held.
 */
static int queue_new_threads(struct blcr_checkpoint_req *req)
{
	struct task_struct *t;
	int queued = 0, n = 0;

	rcu_read_lock();
	if (list_empty(&req->threads))
		queued = queue_one(req, req->leader);
	if (queued >= 0 && !list_empty(&req->threads)) {
		for_each_thread(req->leader, t) {
			if ((t->flags & PF_EXITING) || is_queued(req, t))
				continue;
			n = queue_one(req, t);
			if (n < 0)
				break;
			queued += n;
		}
	}
	rcu_read_unlock();
	return n < 0 ? n : queued;
}

/* A thread reached its stop. The last one checks that no thread was missed. */
static void arrive(struct blcr_checkpoint_req *req, struct thread_stop *ts)
{
	struct blcr_reason why = {};
	int err = 0;

	spin_lock(&req->lock);
	if (++req->nr_arrived == req->nr_threads) {
		err = queue_new_threads(req);
		if (!err)
			req->all_stopped = true;
	}
	spin_unlock(&req->lock);
	if (err < 0)
		finish(req, blcr_fail(&why, err == -E2BIG ? -EOPNOTSUPP : err,
				      "process %d has more than %u threads",
				      task_tgid_vnr(current), MAX_THREADS), &why);
	wake_up_all(&req->wait);
}

/*
 * Gives the turn to the next thread of the image, or to the process part.
 * One store: the waiting threads read it without the lock, and the leader
 * must never see TURN_PROCESS in passing.
 */
static void pass_turn(struct blcr_checkpoint_req *req, struct thread_stop *ts)
{
	struct thread_stop *next = ts;
	unsigned int turn = TURN_PROCESS;

	spin_lock(&req->lock);
	list_for_each_entry_continue(next, &req->threads, node) {
		if (!next->gone) {
			turn = next->index;
			break;
		}
	}
	WRITE_ONCE(req->turn, turn);
	spin_unlock(&req->lock);
	wake_up_all(&req->wait);
}

/* Waits for @cond or the end of the attempt; false if it should stop. */
#define wait_or_stop(req, cond) \
	(!wait_event_killable((req)->wait, (cond) || READ_ONCE((req)->abandoned)) && \
	 !READ_ONCE((req)->abandoned))

/*
 * The leader writes the header first and, after every thread's records,
 * what the process shares. The target's file size limit is lifted
 * meanwhile: the image is the requester's file.
 */
static int write_leader_part(struct blcr_checkpoint_req *req, struct thread_stop *ts,
			     struct blcr_reason *why)
{
	struct rlimit *fsize = &current->signal->rlim[RLIMIT_FSIZE];
	unsigned long saved_fsize;
	int err;

	task_lock(current->group_leader);
	saved_fsize = fsize->rlim_cur;
	fsize->rlim_cur = RLIM_INFINITY;
	task_unlock(current->group_leader);

	blcr_writer_init(&req->w, req->file, req->file->f_pos, &req->abandoned);
	err = blcr_write_header(&req->w);
	if (err)
		blcr_fail(why, err, "cannot write the image header");
	if (!err)
		err = blcr_dump_thread(&req->w, why);
	if (!err) {
		pass_turn(req, ts);
		if (!wait_or_stop(req, READ_ONCE(req->turn) == TURN_PROCESS))
			err = -EINTR;
	}
	if (!err)
		err = blcr_dump_signals(&req->w, why);
	if (!err)
		err = blcr_dump_memory(&req->w, why);
	if (!err) {
		req->next_offset = req->w.pos;
		req->next_seq = req->w.seq;
	}

	task_lock(current->group_leader);
	fsize->rlim_cur = saved_fsize;
	task_unlock(current->group_leader);
	return err;
}

static int write_own_part(struct blcr_checkpoint_req *req, struct thread_stop *ts,
			  struct blcr_reason *why)
{
	int err;

	if (!wait_or_stop(req, READ_ONCE(req->turn) == ts->index))
		return -EINTR;
	if (ts->index == 0)
		return write_leader_part(req, ts, why);
	err = blcr_dump_thread(&req->w, why);
	if (!err)
		pass_turn(req, ts);
	return err;
}

static void thread_stop_work(struct callback_head *head)
{
	struct thread_stop *ts = container_of(head, struct thread_stop, work);
	struct blcr_checkpoint_req *req = ts->req;
	struct blcr_reason why = {};
	int err;

	if (READ_ONCE(req->abandoned))
		goto out;
	if (current->flags & PF_EXITING) {
		/* A thread on its way out is not part of the image; its process is. */
		ts->gone = true;
		if (ts->index == 0)
			finish(req, blcr_fail(&why, -ESRCH,
					      "process %d exited during the checkpoint",
					      task_tgid_vnr(current)), &why);
		arrive(req, ts);
		goto out;
	}
	arrive(req, ts);
	err = wait_or_stop(req, READ_ONCE(req->all_stopped)) ?
	      write_own_part(req, ts, &why) : -EINTR;
	if (err) {
		/* Killed while waiting (the whole process is), or a write failed. */
		if (err == -EINTR)
			err = blcr_fail(&why, -ESRCH, "process %d exited during the checkpoint",
					task_tgid_vnr(current));
		else if (!why.text[0])
			blcr_fail(&why, err, "cannot write the image");
		finish(req, err, &why);
		goto out;
	}
	if (ts->index == 0)
		finish(req, 0, NULL);
	/* Parked: the requester sends the after-checkpoint signal before the end. */
	wait_event_killable(req->wait, READ_ONCE(req->ended));
out:
	kref_put(&req->ref, req_free);
}

/*
 * Permission: @mem_fd must be the target's /proc/<pid>/mem, which the
 * caller could open only if it may ptrace the target (the kernel's own
 * check, LSMs included, done at open).
 */
static int check_mem_fd(int mem_fd, struct task_struct *task,
			struct blcr_reason *why)
{
	struct file *f = fget(mem_fd);
	struct mm_struct *mm;
	int err = 0;

	if (!f)
		return blcr_fail(why, -EBADF, "bad /proc/PID/mem descriptor");
	mm = get_task_mm(task);
	if (!mm || f->f_path.dentry->d_sb->s_magic != PROC_SUPER_MAGIC ||
	    strcmp(f->f_path.dentry->d_name.name, "mem") ||
	    f->private_data != mm || !(f->f_mode & FMODE_READ))
		err = blcr_fail(why, -EPERM,
				"not allowed to checkpoint process %d: only processes you may ptrace",
				task_pid_vnr(task));
	if (mm)
		mmput(mm);
	fput(f);
	return err;
}

static bool any_thread_stopped_or_traced(struct task_struct *leader)
{
	struct task_struct *t;
	bool found = false;

	rcu_read_lock();
	for_each_thread(leader, t)
		found |= task_is_stopped_or_traced(t);
	rcu_read_unlock();
	return found;
}

static int check_target(struct task_struct *task, struct blcr_reason *why)
{
	const char *arch_why;
	pid_t pid = task_pid_vnr(task);

	if (task->flags & PF_KTHREAD)
		return blcr_fail(why, -EPERM, "process %d is a kernel thread", pid);
	if (same_thread_group(task, current))
		return blcr_fail(why, -EDEADLK,
				 "process %d cannot checkpoint itself this way", pid);
	if (!blcr_arch_task_supported(task, &arch_why))
		return blcr_fail(why, -EOPNOTSUPP, "process %d: %s", pid, arch_why);
	if ((task->flags & PF_EXITING) && get_nr_threads(task) > 1)
		return blcr_fail(why, -EOPNOTSUPP,
				 "process %d: its main thread has exited, which is not supported",
				 pid);
	if (task->flags & PF_EXITING)
		return blcr_fail(why, -ESRCH, "process %d is exiting", pid);
	if (any_thread_stopped_or_traced(task))
		return blcr_fail(why, -EBUSY,
				 "process %d is stopped or traced; continue it first", pid);
	return 0;
}

/* Commit (with the after-checkpoint signal, sent before any thread resumes) or abort. */
static void end_request(struct blcr_checkpoint_req *req, bool commit, int sig)
{
	struct pid *pid;

	if (commit && sig) {
		pid = get_task_pid(req->leader, PIDTYPE_TGID);
		if (pid)
			kill_pid(pid, sig, 1);
		put_pid(pid);
	}
	spin_lock(&req->lock);
	if (!commit)
		req->abandoned = true;
	req->ended = true;
	spin_unlock(&req->lock);
	wake_up_all(&req->wait);
}

static struct blcr_checkpoint_req *req_alloc(struct task_struct *leader,
					     struct file *file)
{
	struct blcr_checkpoint_req *req = kzalloc(sizeof(*req), GFP_KERNEL);

	if (!req)
		return NULL;
	__module_get(THIS_MODULE);
	kref_init(&req->ref);
	spin_lock_init(&req->lock);
	INIT_LIST_HEAD(&req->threads);
	init_completion(&req->written);
	init_waitqueue_head(&req->wait);
	req->leader = leader;
	req->file = file;
	return req;
}

long blcr_checkpoint_start(struct blcr_ctrl *c, struct blcr_checkpoint_args __user *uarg)
{
	struct blcr_checkpoint_args args;
	struct blcr_checkpoint_req *req;
	struct blcr_reason why = {};
	struct task_struct *task;
	struct file *file;
	long left;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags)
		return blcr_ctrl_result(c, blcr_fail(&why, -EINVAL, "unknown checkpoint flags"), &why);

	mutex_lock(&c->lock);
	if (c->checkpoint) {
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	mutex_unlock(&c->lock);

	/* A process: its thread-group leader's pid (a thread's tid is not one). */
	task = get_pid_task(find_vpid(args.pid), PIDTYPE_TGID);
	if (!task)
		return blcr_ctrl_result(c, blcr_fail(&why, -ESRCH, "no process %u", args.pid), &why);
	err = check_target(task, &why);
	if (!err)
		err = check_mem_fd(args.mem_fd, task, &why);
	file = err ? NULL : fget(args.fd);
	if (!err && !file)
		err = blcr_fail(&why, -EBADF, "bad destination descriptor %d", args.fd);
	if (!err && (!(file->f_mode & FMODE_WRITE) ||
		     !(S_ISREG(file_inode(file)->i_mode) || S_ISCHR(file_inode(file)->i_mode))))
		err = blcr_fail(&why, -EINVAL,
				"the destination must be a regular file open for writing");
	if (err)
		goto fail;

	req = req_alloc(task, file);
	if (!req) {
		err = -ENOMEM;
		goto fail;
	}
	spin_lock(&req->lock);
	err = queue_new_threads(req);
	spin_unlock(&req->lock);
	if (err <= 0) {
		end_request(req, false, 0);
		kref_put(&req->ref, req_free);
		if (err == -E2BIG)
			blcr_fail(&why, -EOPNOTSUPP, "process %u has more than %u threads",
				  args.pid, MAX_THREADS);
		else if (err)
			blcr_fail(&why, err, "cannot stop the threads of process %u", args.pid);
		else
			blcr_fail(&why, -ESRCH, "process %u is exiting", args.pid);
		return blcr_ctrl_result(c, err == -E2BIG ? -EOPNOTSUPP : err ?: -ESRCH, &why);
	}

	if (args.timeout_ms)
		left = wait_for_completion_killable_timeout(&req->written,
				msecs_to_jiffies(args.timeout_ms));
	else
		left = wait_for_completion_killable(&req->written) ?: 1;
	if (left <= 0) {
		end_request(req, false, 0);
		kref_put(&req->ref, req_free);
		if (left == 0)
			blcr_fail(&why, -ETIME,
				  "checkpoint of process %u not complete after %u ms: abandoned, the process continues",
				  args.pid, args.timeout_ms);
		else
			blcr_fail(&why, -EINTR, "interrupted");
		return blcr_ctrl_result(c, left == 0 ? -ETIME : -EINTR, &why);
	}
	if (req->result) {
		err = req->result;
		why = req->why;
		end_request(req, false, 0);
		kref_put(&req->ref, req_free);
		return blcr_ctrl_result(c, err, &why);
	}

	args.next_offset = req->next_offset;
	args.next_seq = req->next_seq;
	mutex_lock(&c->lock);
	c->checkpoint = req;
	mutex_unlock(&c->lock);
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;	/* the request stays: END or close ends it */
	return blcr_ctrl_result(c, 0, NULL);

fail:
	if (file)
		fput(file);
	put_task_struct(task);
	return blcr_ctrl_result(c, err, &why);
}

long blcr_checkpoint_end(struct blcr_ctrl *c, struct blcr_checkpoint_end __user *uarg)
{
	struct blcr_checkpoint_end end;
	struct blcr_checkpoint_req *req;

	if (copy_from_user(&end, uarg, sizeof(end)))
		return -EFAULT;
	if (end.commit > 1 || end.signal < 0 || !valid_signal(end.signal))
		return -EINVAL;
	mutex_lock(&c->lock);
	req = c->checkpoint;
	c->checkpoint = NULL;
	mutex_unlock(&c->lock);
	if (!req)
		return -ENOENT;
	end_request(req, end.commit, end.signal);
	kref_put(&req->ref, req_free);
	return 0;
}

/* Closing the control file aborts a parked checkpoint: the target resumes. */
void blcr_checkpoint_release(struct blcr_ctrl *c)
{
	struct blcr_checkpoint_req *req = c->checkpoint;

	c->checkpoint = NULL;
	if (req) {
		end_request(req, false, 0);
		kref_put(&req->ref, req_free);
	}
}
