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

#include "blcr_arch.h"
#include "ctrl.h"
#include "image_reader.h"
#include "image_writer.h"
#include "restart.h"

#define MAX_PENDING 4096
#define MAX_CLOSE_FDS 1024
#define MAX_MAP_FDS 65536

struct restore_state {
	struct file *image;
	struct file *exe;
	struct file **map_files;
	unsigned int nr_map_files;
	int *close_fds;
	unsigned int nr_close_fds;
	struct blcr_rec_thread thread;
	void *regs, *fpu;
	size_t regs_len, fpu_len;
	struct blcr_rec_sighand *sighand;
	struct blcr_rec_sigpending *pending;
	unsigned int nr_pending;
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
	kvfree(s->regs);
	kvfree(s->fpu);
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

static int expect(struct blcr_image_reader *r, u32 tag, const char *name,
		  struct blcr_reason *why)
{
	const char *rwhy = "";
	int err = blcr_reader_next(r, &rwhy);

	if (err)
		return blcr_fail(why, err, "%s", rwhy);
	if (r->tag != tag)
		return blcr_fail(why, -EINVAL, "%s record missing", name);
	return 0;
}

/* Reads every kernel record of the process; changes nothing. */
static int read_records(struct restore_state *s, loff_t offset,
			struct blcr_reason *why)
{
	struct blcr_image_reader r;
	const char *rwhy = "";
	int err;

	err = blcr_reader_init(&r, s->image, offset, &rwhy);
	if (!err)
		err = blcr_reader_next(&r, &rwhy);
	if (!err && r.tag != BLCR_REC_THREAD)
		err = -EINVAL, rwhy = "thread record missing";
	if (!err)
		err = blcr_reader_payload_fixed(&r, &s->thread, sizeof(s->thread), &rwhy);
	if (err)
		return blcr_fail(why, err, "%s", rwhy);
	err = blcr_restore_thread_check(&s->thread, why);
	if (err)
		return err;

	err = expect(&r, BLCR_REC_CPU_REGS, "register", why);
	if (!err && blcr_reader_payload(&r, BLCR_ARCH_REGS_SIZE, &s->regs, &rwhy))
		err = blcr_fail(why, -EINVAL, "registers: %s", rwhy);
	s->regs_len = r.length;
	if (!err)
		err = expect(&r, BLCR_REC_CPU_FPU, "FPU", why);
	if (!err && blcr_reader_payload(&r, BLCR_ARCH_FPU_MAX_SIZE, &s->fpu, &rwhy))
		err = blcr_fail(why, -EINVAL, "FPU state: %s", rwhy);
	s->fpu_len = r.length;
	if (!err)
		err = expect(&r, BLCR_REC_SIGHAND, "signal", why);
	if (err)
		return err;
	s->sighand = kmalloc(sizeof(*s->sighand), GFP_KERNEL);
	if (!s->sighand)
		return -ENOMEM;
	if (blcr_reader_payload_fixed(&r, s->sighand, sizeof(*s->sighand), &rwhy))
		return blcr_fail(why, -EINVAL, "signal record: %s", rwhy);

	s->pending = kvcalloc(MAX_PENDING, sizeof(*s->pending), GFP_KERNEL);
	if (!s->pending)
		return -ENOMEM;
	for (;;) {
		err = blcr_reader_next(&r, &rwhy);
		if (err)
			return blcr_fail(why, err, "%s", rwhy);
		if (r.tag != BLCR_REC_SIGPENDING)
			break;
		if (s->nr_pending == MAX_PENDING)
			return blcr_fail(why, -EINVAL, "too many pending signals");
		if (blcr_reader_payload_fixed(&r, &s->pending[s->nr_pending++],
					      sizeof(*s->pending), &rwhy))
			return blcr_fail(why, -EINVAL, "pending signal: %s", rwhy);
	}
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

long blcr_restore(struct blcr_ctrl *c, struct blcr_restore_args __user *uarg)
{
	struct restore_state s = {};
	struct blcr_restore_args args;
	struct blcr_reason why = {};
	long retval = 0;
	unsigned int i;
	int err;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	/* The whole address space goes: nobody else may be using it. */
	if (get_nr_threads(current) != 1 || atomic_read(&current->mm->mm_users) != 1 ||
	    refcount_read(&current->sighand->count) != 1) {
		err = blcr_fail(&why, -EBUSY,
				"the restarting process must be single-threaded and share nothing");
		goto out;
	}
	err = get_args(&s, &args, &why);
	if (!err)
		err = check_header(s.image, &why);
	if (!err)
		err = read_records(&s, args.image_offset, &why);
	if (err)
		goto out;

	/* The point of no return. */
	err = blcr_memory_restore(s.mm, &why);
	if (!err)
		err = blcr_restore_signals(s.sighand, s.pending, s.nr_pending, &why);
	if (!err)
		err = blcr_restore_thread(&s.thread, s.regs, s.regs_len, s.fpu,
					  s.fpu_len, &retval, &why);
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
	state_free(&s);
	return retval;
out:
	state_free(&s);
	return blcr_ctrl_result(c, err, &why);
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
