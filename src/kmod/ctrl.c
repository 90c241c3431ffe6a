// SPDX-License-Identifier: GPL-2.0
/*
 * The control file /proc/checkpoint/ctrl: any user may open it; every
 * request is an ioctl on it (include/blcr_ioctl.h, docs/kernel-interface.md).
 * Each open file remembers the outcome of its last request, so that a
 * failure's one-line reason can be fetched (BLCR_IOC_STATUS) — also by the
 * parent of a restarting process that shares the file and was killed.
 */
#include <linux/compat.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "blcr_errcodes.h"
#include "blcr_ioctl.h"
#include "blcr_version.h"
#include "ctrl.h"

static struct proc_dir_entry *ctrl_dir;

int blcr_fail(struct blcr_reason *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	return err;
}

long blcr_ctrl_result(struct blcr_ctrl *c, long err, const struct blcr_reason *r)
{
	mutex_lock(&c->lock);
	c->error = err < 0 ? -err : 0;
	if (err < 0 && r && r->text[0])
		strscpy(c->reason, r->text, sizeof(c->reason));
	else
		c->reason[0] = '\0';
	mutex_unlock(&c->lock);
	return err;
}

static long ctrl_handshake(struct blcr_handshake __user *uarg)
{
	struct blcr_handshake hs = {
		.kernel_major = BLCR_IFACE_MAJOR,
		.kernel_minor = BLCR_IFACE_MINOR,
	};

	if (get_user(hs.user_major, &uarg->user_major) ||
	    get_user(hs.user_minor, &uarg->user_minor))
		return -EFAULT;
	strscpy(hs.module_version, BLCR_VERSION, sizeof(hs.module_version));
	strscpy(hs.kernel_release, utsname()->release,
		sizeof(hs.kernel_release));
	if (copy_to_user(uarg, &hs, sizeof(hs)))
		return -EFAULT;
	if (hs.user_major != BLCR_IFACE_MAJOR ||
	    hs.user_minor > BLCR_IFACE_MINOR)
		return -CR_EVERSION;
	return 0;
}

static long ctrl_status(struct blcr_ctrl *c, struct blcr_status __user *uarg)
{
	struct blcr_status st = {};

	mutex_lock(&c->lock);
	st.error = c->error;
	st.restored_pid = c->restored_pid;
	strscpy(st.reason, c->reason, sizeof(st.reason));
	mutex_unlock(&c->lock);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

/*
 * A restart is in flight from its first request (NEXT_PID in cr_restart,
 * RESTORE in its child; both share this file) until RESTORE returns or the
 * file is closed; the module stays loaded meanwhile, as for a checkpoint.
 */
static void restart_hold_module(struct blcr_ctrl *c, bool hold)
{
	mutex_lock(&c->lock);
	if (hold && !c->restart_holds_module)
		__module_get(THIS_MODULE);
	else if (!hold && c->restart_holds_module)
		module_put(THIS_MODULE);
	c->restart_holds_module = hold;
	mutex_unlock(&c->lock);
}

static long ctrl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct blcr_ctrl *c = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	switch (cmd) {
	case BLCR_IOC_HANDSHAKE:
		return ctrl_handshake(uarg);
	case BLCR_IOC_CHECKPOINT:
		return blcr_checkpoint_start(c, uarg);
	case BLCR_IOC_CHECKPOINT_END:
		return blcr_checkpoint_end(c, uarg);
	case BLCR_IOC_RESTORE:
		restart_hold_module(c, true);
		ret = blcr_restore(c, uarg);
		restart_hold_module(c, false);
		return ret;
	case BLCR_IOC_RESTORE_THREAD:
		return blcr_restore_thread_join(c, uarg);
	case BLCR_IOC_NEXT_PID:
		restart_hold_module(c, true);
		return blcr_next_pid(c, uarg);
	case BLCR_IOC_STATUS:
		return ctrl_status(c, uarg);
	default:
		return -ENOTTY;
	}
}

static int ctrl_open(struct inode *inode, struct file *file)
{
	struct blcr_ctrl *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	mutex_init(&c->lock);
	file->private_data = c;
	return 0;
}

static int ctrl_release(struct inode *inode, struct file *file)
{
	struct blcr_ctrl *c = file->private_data;

	blcr_checkpoint_release(c);
	restart_hold_module(c, false);
	mutex_destroy(&c->lock);
	kfree(c);
	return 0;
}

static const struct proc_ops ctrl_ops = {
	.proc_open = ctrl_open,
	.proc_release = ctrl_release,
	.proc_ioctl = ctrl_ioctl,
	/* Arguments are fixed-size structs: only the pointer needs widening. */
	.proc_compat_ioctl = compat_ptr_ioctl,
	.proc_lseek = noop_llseek,
};

int blcr_ctrl_create(void)
{
	ctrl_dir = proc_mkdir(BLCR_CTRL_DIR, NULL);
	if (!ctrl_dir)
		return -ENOMEM;
	if (!proc_create(BLCR_CTRL_NAME, 0666, ctrl_dir, &ctrl_ops)) {
		proc_remove(ctrl_dir);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Waits for ioctls in flight and closes every open control file (procfs
 * runs their release), which ends any parked checkpoint.
 */
void blcr_ctrl_remove(void)
{
	proc_remove(ctrl_dir);
}
