/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control interface of blcr.ko, shared by the kernel module and
 * user space (libcr). Documented in docs/kernel-interface.md.
 *
 * Every argument is a fixed-size structure passed by pointer, so 32-bit
 * callers on a 64-bit kernel use the same numbers and layouts.
 */
#ifndef BLCR_IOCTL_H
#define BLCR_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Created by blcr.ko, mode 0666: any user may open it. */
#define BLCR_CTRL_DIR  "checkpoint"
#define BLCR_CTRL_NAME "ctrl"
#define BLCR_CTRL_PATH "/proc/" BLCR_CTRL_DIR "/" BLCR_CTRL_NAME

/*
 * Kernel interface version. The major number changes when an existing
 * ioctl changes meaning or layout; the minor number when ioctls are added.
 * A caller built for (M, m) works with a module offering (M, n), n >= m.
 */
#define BLCR_IFACE_MAJOR 1
#define BLCR_IFACE_MINOR 0

#define BLCR_IOC_MAGIC 0xA1

/* Lengths of the text fields of struct blcr_handshake, NUL included. */
#define BLCR_VERSION_LEN 32
#define BLCR_RELEASE_LEN 72

/*
 * BLCR_IOC_HANDSHAKE: the caller states the interface version it was built
 * for; the module fills in its own. Returns 0 when the two are compatible,
 * otherwise fails with errno CR_EVERSION (2357) after filling the "out"
 * fields so that the caller can say what it found.
 */
struct blcr_handshake {
	__u32 user_major;	/* in */
	__u32 user_minor;	/* in */
	__u32 kernel_major;	/* out: BLCR_IFACE_MAJOR of the module */
	__u32 kernel_minor;	/* out: BLCR_IFACE_MINOR of the module */
	char module_version[BLCR_VERSION_LEN];	/* out: BLCR_VERSION of the module */
	char kernel_release[BLCR_RELEASE_LEN];	/* out: release of the running kernel */
};

#define BLCR_IOC_HANDSHAKE _IOWR(BLCR_IOC_MAGIC, 0x30, struct blcr_handshake)

#endif
