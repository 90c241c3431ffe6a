// SPDX-License-Identifier: GPL-2.0
/*
 * The control file /proc/checkpoint/ctrl: any user may open it; every
 * request is an ioctl on it (include/blcr_ioctl.h, docs/kernel-interface.md).
 */
#include <linux/compat.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "blcr_errcodes.h"
#include "blcr_ioctl.h"
#include "blcr_version.h"
#include "ctrl.h"

static struct proc_dir_entry *ctrl_dir;

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

static long ctrl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case BLCR_IOC_HANDSHAKE:
		return ctrl_handshake((struct blcr_handshake __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct proc_ops ctrl_ops = {
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
 * Waits for ioctls in flight; files still open afterwards fail every
 * further call, so unloading with the control file open is safe.
 */
void blcr_ctrl_remove(void)
{
	proc_remove(ctrl_dir);
}
