// SPDX-License-Identifier: GPL-2.0
/*
 * Restart: the calling process (a fresh child of cr_restart, which has
 * already restored by ordinary system calls what needs no kernel help)
 * becomes the saved process. Everything is read and checked first; only
 * then is its address space replaced — the point of no return, after which
 * a failure kills it. It always keeps its own credentials.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fdtable.h>
#include <linux/idr.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "arch_interface.h"
#include "ctrl.h"
#include "image_reader.h"
#include "image_writer.h"
#include "restart.h"

#define MAX_PENDING 4096
#define MAX_CLOSE_FDS 1024
#define MAX_MAP_FDS 65536

/* One saved thread: its records, and its range of the pending signals. */
struct thread_records {
	struct blcr_rec_thread rec;
	void *regs, *fpu;
	size_t regs_len, fpu_len;
	unsigned int first_pending, nr_pending;
};

struct restore_state {
	struct file *image;
	struct file *exe;
	struct file **map_files;
	unsigned int nr_map_files;
	int *close_fds;
	unsigned int nr_close_fds;
	struct thread_records *threads;	/* [0]: the thread-group leader */
	unsigned int nr_threads;
	struct blcr_rec_sighand *sighand;
	/* Each thread's own pending signals, then the process-wide ones. */
	struct blcr_rec_sigpending *pending;
	unsigned int nr_pending, first_shared;
	struct blcr_mm_plan *mm;
};

static void state_free(struct restore_state *s)
{
	unsigned int i;

	blcr_memory_plan_free(s->mm);
	for (i = 0; i < s->nr_map_files; i++)
		if (s->map_files[i])
			fput(s->map_files[i]);
	kvfree(s->map_files);
	kvfree(s->close_fds);
	for (i = 0; i < s->nr_threads; i++) {
		kvfree(s->threads[i].regs);
		kvfree(s->threads[i].fpu);
	}
	kvfree(s->threads);
	kfree(s->sighand);
	kvfree(s->pending);
	if (s->exe)
		fput(s->exe);
	if (s->image)
		fput(s->image);
}

/* The image must come from this kernel build: same vDSO, same layouts. */
static int check_header(struct file *image, struct blcr_reason *why)
{
	struct blcr_image_header *h = kmalloc(sizeof(*h), GFP_KERNEL);
	const void *vdso;
	const char *cpu_why;
	size_t vdso_size;
	loff_t pos = 0;
	int err = -EINVAL;
	u32 crc;

	if (!h)
		return -ENOMEM;
	if (kernel_read(image, h, sizeof(*h), &pos) != sizeof(*h)) {
		blcr_fail(why, err, "image is truncated");
		goto out;
	}
	/* The header CRC is computed with its own field zero. */
	crc = le32_to_cpu(h->header_crc);
	h->header_crc = 0;
	if (memcmp(h->magic, BLCR_IMAGE_MAGIC, BLCR_IMAGE_MAGIC_LEN) ||
	    le32_to_cpu(h->format_version) != BLCR_IMAGE_VERSION ||
	    crc != blcr_crc32c(0, h, sizeof(*h))) {
		blcr_fail(why, err, "not a valid blcr image");
		goto out;
	}
	blcr_arch_vdso(current->mm, &vdso, &vdso_size);
	if (le32_to_cpu(h->arch) != BLCR_ARCH_ID || le32_to_cpu(h->page_size) != PAGE_SIZE) {
		blcr_fail(why, err, "image is for another architecture or page size");
		goto out;
	}
	if (strncmp(h->kernel_release, utsname()->release, sizeof(h->kernel_release)) ||
	    strncmp(h->kernel_build, utsname()->version, sizeof(h->kernel_build)) ||
	    !vdso || le32_to_cpu(h->vdso_size) != vdso_size ||
	    le32_to_cpu(h->vdso_crc) != blcr_crc32c(0, vdso, vdso_size)) {
		blcr_fail(why, err, "image was taken on another kernel build (kernel and vDSO must match)");
		goto out;
	}
	if (blcr_arch_check_cpu(h->cpu_features, &cpu_why)) {
		blcr_fail(why, err, "%s", cpu_why);
		goto out;
	}
	err = 0;
out:
	kfree(h);
	return err;
}

static int next(struct blcr_image_reader *r, struct blcr_reason *why)
{
	const char *rwhy = "";
	int err = blcr_reader_next(r, &rwhy);

	return err ? blcr_fail(why, err, "%s", rwhy) : 0;
}

static int expect(struct blcr_image_reader *r, u32 tag, const char *name,
		  struct blcr_reason *why)
{
	int err = next(r, why);

	if (!err && r->tag != tag)
		return blcr_fail(why, -EINVAL, "%s record missing", name);
	return err;
}

/* SIGPENDING records from the current one on, of one queue; reads the next header. */
static int read_pending(struct restore_state *s, struct blcr_image_reader *r,
			u32 shared, struct blcr_reason *why)
{
	const char *rwhy = "";
	struct blcr_rec_sigpending *p;
	int err = 0;

	for (; r->tag == BLCR_REC_SIGPENDING && !err; err = next(r, why)) {
		if (s->nr_pending == MAX_PENDING)
			return blcr_fail(why, -EINVAL, "too many pending signals");
		p = &s->pending[s->nr_pending++];
		if (blcr_reader_payload_fixed(r, p, sizeof(*p), &rwhy))
			return blcr_fail(why, -EINVAL, "pending signal: %s", rwhy);
		if (le32_to_cpu(p->shared) != shared)
			return blcr_fail(why, -EINVAL, "pending signal in the wrong queue");
	}
	return err;
}

/* One thread's records, from its THREAD record; reads the next header. */
static int read_thread(struct restore_state *s, struct blcr_image_reader *r,
		       struct blcr_reason *why)
{
	struct thread_records *t;
	const char *rwhy = "";
	int err;

	if (s->nr_threads == BLCR_IMAGE_MAX_THREADS)
		return blcr_fail(why, -EINVAL, "too many threads");
	if (!(s->nr_threads & (s->nr_threads - 1))) {	/* full: double it */
		t = kvcalloc(max(2 * s->nr_threads, 1u), sizeof(*t), GFP_KERNEL);
		if (!t)
			return -ENOMEM;
		if (s->nr_threads)
			memcpy(t, s->threads, s->nr_threads * sizeof(*t));
		kvfree(s->threads);
		s->threads = t;
	}
	t = &s->threads[s->nr_threads++];
	memset(t, 0, sizeof(*t));
	if (blcr_reader_payload_fixed(r, &t->rec, sizeof(t->rec), &rwhy))
		return blcr_fail(why, -EINVAL, "%s", rwhy);
	err = blcr_restore_thread_check(&t->rec, why);
	if (!err)
		err = expect(r, BLCR_REC_CPU_REGS, "register", why);
	if (!err && blcr_reader_payload(r, BLCR_ARCH_REGS_SIZE, &t->regs, &rwhy))
		err = blcr_fail(why, -EINVAL, "registers: %s", rwhy);
	t->regs_len = r->length;
	if (!err)
		err = expect(r, BLCR_REC_CPU_FPU, "FPU", why);
	if (!err && blcr_reader_payload(r, BLCR_ARCH_FPU_MAX_SIZE, &t->fpu, &rwhy))
		err = blcr_fail(why, -EINVAL, "FPU state: %s", rwhy);
	t->fpu_len = r->length;
	t->first_pending = s->nr_pending;
	if (!err)
		err = next(r, why);
	if (!err)
		err = read_pending(s, r, 0, why);
	t->nr_pending = s->nr_pending - t->first_pending;
	return err;
}

/*
 * Reads every kernel record of the process; changes nothing. Each thread's
 * THREAD, CPU_REGS, CPU_FPU and own SIGPENDING records, then SIGHAND, the
 * process-wide SIGPENDING records and the memory.
 */
static int read_records(struct restore_state *s, loff_t offset,
			struct blcr_reason *why)
{
	struct blcr_image_reader r;
	const char *rwhy = "";
	int err;

	s->pending = kvcalloc(MAX_PENDING, sizeof(*s->pending), GFP_KERNEL);
	if (!s->pending)
		return -ENOMEM;
	err = blcr_reader_init(&r, s->image, offset, &rwhy);
	if (err)
		return blcr_fail(why, err, "%s", rwhy);
	err = next(&r, why);
	while (!err && r.tag == BLCR_REC_THREAD)
		err = read_thread(s, &r, why);
	if (!err && !s->nr_threads)
		err = blcr_fail(why, -EINVAL, "thread record missing");
	if (!err && r.tag != BLCR_REC_SIGHAND)
		err = blcr_fail(why, -EINVAL, "signal record missing");
	if (err)
		return err;
	s->sighand = kmalloc(sizeof(*s->sighand), GFP_KERNEL);
	if (!s->sighand)
		return -ENOMEM;
	if (blcr_reader_payload_fixed(&r, s->sighand, sizeof(*s->sighand), &rwhy))
		return blcr_fail(why, -EINVAL, "signal record: %s", rwhy);
	s->first_shared = s->nr_pending;
	err = next(&r, why);
	if (!err)
		err = read_pending(s, &r, 1, why);
	if (!err)
		err = blcr_restore_signals_check(s->sighand, s->pending, s->nr_pending, why);
	if (err)
		return err;
	return blcr_memory_plan(&r, s->map_files, s->nr_map_files, s->exe,
				&s->mm, why);
}

static int get_args(struct restore_state *s, const struct blcr_restore_args *a,
		    struct blcr_reason *why)
{
	int *fds;
	unsigned int i;

	if (a->flags || a->reserved || a->nr_map_fds > MAX_MAP_FDS ||
	    a->nr_close_fds > MAX_CLOSE_FDS)
		return blcr_fail(why, -EINVAL, "invalid restore arguments");
	s->image = fget(a->image_fd);
	if (!s->image)
		return blcr_fail(why, -EBADF, "bad image descriptor");
	if (!blcr_reader_file_ok(s->image))
		return blcr_fail(why, -EINVAL, "the image is not a regular file open for reading");
	if (a->exe_fd >= 0) {
		s->exe = fget(a->exe_fd);
		if (!s->exe)
			return blcr_fail(why, -EBADF, "bad executable descriptor");
	}
	s->close_fds = kvcalloc(a->nr_close_fds + 1, sizeof(int), GFP_KERNEL);
	s->map_files = kvcalloc(a->nr_map_fds + 1, sizeof(*s->map_files), GFP_KERNEL);
	fds = kvcalloc(a->nr_map_fds + 1, sizeof(int), GFP_KERNEL);
	if (!s->close_fds || !s->map_files || !fds) {
		kvfree(fds);
		return -ENOMEM;
	}
	if (copy_from_user(s->close_fds, u64_to_user_ptr(a->close_fds),
			   a->nr_close_fds * sizeof(int)) ||
	    copy_from_user(fds, u64_to_user_ptr(a->map_fds), a->nr_map_fds * sizeof(int))) {
		kvfree(fds);
		return -EFAULT;
	}
	s->nr_close_fds = a->nr_close_fds;
	s->nr_map_files = a->nr_map_fds;
	for (i = 0; i < a->nr_map_fds; i++) {
		if (fds[i] < 0)
			continue;
		s->map_files[i] = fget(fds[i]);
		if (!s->map_files[i]) {
			kvfree(fds);
			return blcr_fail(why, -EBADF, "bad file descriptor %d for a mapping", fds[i]);
		}
	}
	kvfree(fds);
	return 0;
}

/*
 * The threads of a multithreaded restart. cr_restart's child creates one
 * thread per saved thread but the first before it asks for the restore;
 * each joins with BLCR_IOC_RESTORE_THREAD and waits here. The restoring
 * (leader) thread claims them once all have joined, rebuilds the process,
 * then lets each become its saved thread, reading its records from the
 * leader's state, and waits until all have before it frees that state.
 */
enum { GATHERING, CLAIMED, GO };	/* or a negative errno: abandoned */

struct restore_group {
	struct list_head node;		/* in restore_groups while GATHERING */
	struct kref ref;
	struct signal_struct *signal;	/* whose threads these are */
	wait_queue_head_t wait;
	int state;
	unsigned int nr_joined;
	DECLARE_BITMAP(joined, BLCR_IMAGE_MAX_THREADS);	/* by saved-thread index */
	struct restore_state *s;	/* from GO on */
	atomic_t restoring;		/* joined threads not done yet */
	struct completion done;		/* they all are */
	int error;			/* the first joined thread that failed */
	struct blcr_reason why;
};

static LIST_HEAD(restore_groups);
static DEFINE_MUTEX(restore_groups_lock);

static void group_release(struct kref *ref)
{
	struct restore_group *g = container_of(ref, struct restore_group, ref);

	if (g->state == GATHERING)
		list_del(&g->node);
	kfree(g);
}

static void group_put(struct restore_group *g)
{
	mutex_lock(&restore_groups_lock);
	kref_put(&g->ref, group_release);
	mutex_unlock(&restore_groups_lock);
}

/* The calling process's group; with @create, created if need be. */
static struct restore_group *group_get(bool create)
{
	struct restore_group *g;

	mutex_lock(&restore_groups_lock);
	list_for_each_entry(g, &restore_groups, node) {
		if (g->signal == current->signal) {
			kref_get(&g->ref);
			goto out;
		}
	}
	g = create ? kzalloc(sizeof(*g), GFP_KERNEL) : NULL;
	if (g) {
		kref_init(&g->ref);
		g->signal = current->signal;
		init_waitqueue_head(&g->wait);
		init_completion(&g->done);
		list_add(&g->node, &restore_groups);
	}
out:
	mutex_unlock(&restore_groups_lock);
	return g;
}

/* GATHERING ends: to CLAIMED, GO or a failure. */
static void group_set(struct restore_group *g, int state)
{
	mutex_lock(&restore_groups_lock);
	if (g->state == GATHERING)
		list_del(&g->node);
	WRITE_ONCE(g->state, state);
	mutex_unlock(&restore_groups_lock);
	wake_up_all(&g->wait);
}

/* Waits up to 10 s for the threads 1..nr-1 to join, then claims them. */
static int group_claim(struct restore_group *g, unsigned int nr,
		       struct blcr_reason *why)
{
	unsigned int joined;

	if (wait_event_killable_timeout(g->wait, READ_ONCE(g->nr_joined) >= nr - 1,
					10 * HZ) == -ERESTARTSYS)
		return -EINTR;
	mutex_lock(&restore_groups_lock);
	joined = g->nr_joined;
	if (joined == nr - 1 && find_next_bit(g->joined, BLCR_IMAGE_MAX_THREADS, nr) ==
				BLCR_IMAGE_MAX_THREADS) {
		list_del(&g->node);
		g->state = CLAIMED;
		atomic_set(&g->restoring, nr - 1);
		mutex_unlock(&restore_groups_lock);
		return 0;
	}
	mutex_unlock(&restore_groups_lock);
	return blcr_fail(why, -EBUSY,
			 "%u threads joined the restart of a process of %u threads",
			 joined + 1, nr);
}

/* The calling thread becomes saved thread @t: its own signals, then registers. */
static int restore_own_thread(struct restore_state *s, struct thread_records *t,
			      long *retval, struct blcr_reason *why)
{
	blcr_restore_thread_signals(&s->pending[t->first_pending], t->nr_pending);
	return blcr_restore_thread(&t->rec, t->regs, t->regs_len, t->fpu,
				   t->fpu_len, retval, why);
}

long blcr_restore(struct blcr_ctrl *c, struct blcr_restore_args __user *uarg)
{
	struct restore_group *g = NULL;
	struct restore_state s = {};
	struct blcr_restore_args args;
	struct blcr_reason why = {};
	long retval = 0;
	unsigned int i, nr;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	err = get_args(&s, &args, &why);
	if (!err)
		err = check_header(s.image, &why);
	if (!err)
		err = read_records(&s, args.image_offset, &why);
	if (err)
		goto out;
	/* The whole address space goes: only the threads joining may share it. */
	nr = s.nr_threads;
	if (!thread_group_leader(current) || get_nr_threads(current) != nr ||
	    atomic_read(&current->mm->mm_users) != nr ||
	    refcount_read(&current->sighand->count) != nr) {
		err = blcr_fail(&why, -EBUSY,
				"the restarting process must have %u thread%s and share nothing else",
				nr, nr == 1 ? "" : "s");
		goto out;
	}
	if (nr > 1) {
		g = group_get(true);
		err = g ? group_claim(g, nr, &why) : -ENOMEM;
		if (err)
			goto out;
	}

	/* The point of no return. */
	err = blcr_memory_restore(s.mm, &why);
	if (!err)
		err = blcr_restore_signals(s.sighand, &s.pending[s.first_shared],
					   s.nr_pending - s.first_shared, &why);
	if (!err && g) {
		g->s = &s;
		group_set(g, GO);
	}
	if (!err)
		err = restore_own_thread(&s, &s.threads[0], &retval, &why);
	if (g && g->state == GO) {
		wait_for_completion(&g->done);
		if (!err && g->error) {
			err = g->error;
			why = g->why;
		}
	}
	if (err) {
		if (!why.text[0])
			blcr_fail(&why, err, "restore failed");
		force_sig(SIGKILL);
		goto out;
	}
	/* Recorded before the descriptors close: closing tells the parent. */
	mutex_lock(&c->lock);
	c->restored_pid = task_pid_vnr(current);
	mutex_unlock(&c->lock);
	blcr_ctrl_result(c, 0, NULL);
	for (i = 0; i < s.nr_close_fds; i++)
		close_fd(s.close_fds[i]);
	if (g)
		group_put(g);
	state_free(&s);
	return retval;
out:
	/* Threads that joined go back with the error, to end themselves. */
	if (!g)
		g = group_get(false);
	if (g) {
		if (g->state != GO)
			group_set(g, err);
		group_put(g);
	}
	state_free(&s);
	return blcr_ctrl_result(c, err, &why);
}

long blcr_restore_thread_join(struct blcr_ctrl *c,
			      struct blcr_restore_thread_args __user *uarg)
{
	struct blcr_restore_thread_args a;
	struct blcr_reason why = {};
	struct restore_group *g;
	long retval = 0;
	int err = 0;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || !a.index || a.index >= BLCR_IMAGE_MAX_THREADS ||
	    thread_group_leader(current))
		return -EINVAL;
	g = group_get(true);
	if (!g)
		return -ENOMEM;
	mutex_lock(&restore_groups_lock);
	if (g->state != GATHERING || test_and_set_bit(a.index, g->joined))
		err = -EBUSY;
	else
		g->nr_joined++;
	mutex_unlock(&restore_groups_lock);
	if (err)
		goto out;
	wake_up_all(&g->wait);

	if (wait_event_killable(g->wait, READ_ONCE(g->state) != GATHERING)) {
		mutex_lock(&restore_groups_lock);
		if (g->state == GATHERING) {
			clear_bit(a.index, g->joined);
			g->nr_joined--;
			err = -EINTR;
		}
		mutex_unlock(&restore_groups_lock);
		if (err)
			goto out;
	}
	/* Claimed: the leader is rebuilding the process, which may take a while. */
	wait_event_idle(g->wait, READ_ONCE(g->state) != CLAIMED);
	if (g->state != GO) {
		err = g->state;
		goto out;
	}
	err = restore_own_thread(g->s, &g->s->threads[a.index], &retval, &why);
	if (err) {
		mutex_lock(&restore_groups_lock);
		if (!g->error) {
			g->error = err;
			g->why = why;
		}
		mutex_unlock(&restore_groups_lock);
		force_sig(SIGKILL);	/* the whole process: it is half restored */
	}
	if (atomic_dec_and_test(&g->restoring))
		complete_all(&g->done);
	/* No restored code runs before the whole process is restored. */
	wait_for_completion_killable(&g->done);
out:
	group_put(g);
	return err ?: retval;
}

long blcr_next_pid(struct blcr_ctrl *c, struct blcr_next_pid __user *uarg)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct blcr_reason why = {};
	struct blcr_next_pid a;
	bool busy;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.reserved || a.pid < 2 || a.pid >= PID_MAX_LIMIT)
		return blcr_ctrl_result(c, blcr_fail(&why, -EINVAL, "invalid pid %u", a.pid), &why);
	rcu_read_lock();
	busy = find_vpid(a.pid) != NULL;
	rcu_read_unlock();
	if (busy)
		return blcr_ctrl_result(c, blcr_fail(&why, -EBUSY, "pid %u is in use", a.pid), &why);
	/* What writing ns_last_pid does, for one pid that is free. */
	idr_set_cursor(&ns->idr, a.pid);
	return blcr_ctrl_result(c, 0, NULL);
}
