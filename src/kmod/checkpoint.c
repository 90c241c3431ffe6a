// SPDX-License-Identifier: GPL-2.0
/*
 * A checkpoint request. The target is stopped where every thread stops
 * cleanly: at its next return to user mode, from a task_work queued with
 * TWA_SIGNAL (which also interrupts a blocking system call). There, in its
 * own context, it writes its state to the requester's file, then stays
 * parked until the requester ends the request (commit with an optional
 * signal, or abort) so that nothing it does after the image is taken can
 * be lost when the requester kills it, and so that a failed checkpoint
 * leaves it exactly as it was.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
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

#include "blcr_arch.h"
#include "checkpoint.h"
#include "ctrl.h"
#include "image_writer.h"

struct blcr_checkpoint_req {
	struct kref ref;		/* the requester's and the target's */
	struct callback_head work;
	struct completion written;	/* the target wrote its records, or failed */
	wait_queue_head_t parked;	/* where the target waits for the end */
	bool cancelled;			/* the requester gave up */
	bool ended;
	int end_signal;
	int result;
	struct blcr_reason why;
	struct file *file;
	loff_t next_offset;
	u32 next_seq;
};

static void req_free(struct kref *ref)
{
	struct blcr_checkpoint_req *req =
		container_of(ref, struct blcr_checkpoint_req, ref);

	fput(req->file);
	kfree(req);
	module_put(THIS_MODULE);
}

/* The target writes everything the kernel saves about it. */
static int dump_self(struct blcr_checkpoint_req *req)
{
	struct blcr_image_writer w;
	struct rlimit *fsize = &current->signal->rlim[RLIMIT_FSIZE];
	unsigned long saved_fsize;
	int err;

	if (get_nr_threads(current) != 1)
		return blcr_fail(&req->why, -EOPNOTSUPP,
				 "process %d has several threads: multithreaded processes are not supported yet",
				 task_pid_vnr(current));
	/* The image is the requester's file: the target's size limit is not its business. */
	task_lock(current->group_leader);
	saved_fsize = fsize->rlim_cur;
	fsize->rlim_cur = RLIM_INFINITY;
	task_unlock(current->group_leader);

	blcr_writer_init(&w, req->file, req->file->f_pos, &req->cancelled);
	err = blcr_write_header(&w);
	if (err)
		blcr_fail(&req->why, err, "cannot write the image header");
	if (!err)
		err = blcr_dump_thread(&w, &req->why);
	if (!err)
		err = blcr_dump_signals(&w, &req->why);
	if (!err)
		err = blcr_dump_memory(&w, &req->why);
	if (!err) {
		req->next_offset = w.pos;
		req->next_seq = w.seq;
	} else if (!req->why.text[0]) {
		blcr_fail(&req->why, err, "cannot write the image");
	}

	task_lock(current->group_leader);
	fsize->rlim_cur = saved_fsize;
	task_unlock(current->group_leader);
	return err;
}

static void checkpoint_work(struct callback_head *head)
{
	struct blcr_checkpoint_req *req =
		container_of(head, struct blcr_checkpoint_req, work);

	if (current->flags & PF_EXITING)
		req->result = blcr_fail(&req->why, -ESRCH,
					"process %d exited during the checkpoint",
					task_pid_vnr(current));
	else if (READ_ONCE(req->cancelled))
		req->result = -ECANCELED;
	else
		req->result = dump_self(req);
	complete(&req->written);

	if (!req->result) {
		wait_event_killable(req->parked, READ_ONCE(req->ended));
		if (READ_ONCE(req->end_signal))
			send_sig(req->end_signal, current, 1);
	}
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
	if (get_nr_threads(task) != 1)
		return blcr_fail(why, -EOPNOTSUPP,
				 "process %d has several threads: multithreaded processes are not supported yet",
				 pid);
	if (task_is_stopped_or_traced(task))
		return blcr_fail(why, -EBUSY,
				 "process %d is stopped or traced; continue it first", pid);
	return 0;
}

static void end_request(struct blcr_checkpoint_req *req, bool commit, int sig)
{
	if (commit)
		WRITE_ONCE(req->end_signal, sig);
	else
		WRITE_ONCE(req->cancelled, true);
	WRITE_ONCE(req->ended, true);
	wake_up_all(&req->parked);
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

	task = get_pid_task(find_vpid(args.pid), PIDTYPE_PID);
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

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req) {
		err = -ENOMEM;
		goto fail;
	}
	__module_get(THIS_MODULE);
	kref_init(&req->ref);
	kref_get(&req->ref);
	init_completion(&req->written);
	init_waitqueue_head(&req->parked);
	req->file = file;
	init_task_work(&req->work, checkpoint_work);
	err = task_work_add(task, &req->work, TWA_SIGNAL);
	put_task_struct(task);
	task = NULL;
	if (err) {
		kref_put(&req->ref, req_free);	/* the target's: never ran */
		kref_put(&req->ref, req_free);
		return blcr_ctrl_result(c, blcr_fail(&why, -ESRCH, "process %u is exiting", args.pid), &why);
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
