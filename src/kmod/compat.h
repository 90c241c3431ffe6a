/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernel lines blcr builds against, in one
 * place (minimum 5.10; tested on 6.1 and 6.12). Nothing else tests
 * LINUX_VERSION_CODE.
 */
#ifndef BLCR_COMPAT_H
#define BLCR_COMPAT_H

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/sched.h>
#include <linux/uio.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#include <linux/rseq.h>		/* rseq_set_notify_resume() moved here */
#endif

/* Length of the registered rseq area: a field since 6.3, fixed before. */
static inline u32 blcr_rseq_len(struct task_struct *t)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return t->rseq_len;
#else
	return t->rseq ? 32 : 0;	/* ORIG_RSEQ_SIZE */
#endif
}

static inline void blcr_set_rseq(struct task_struct *t, void __user *area,
				 u32 len, u32 sig)
{
	t->rseq = area;
	t->rseq_sig = sig;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	t->rseq_len = len;
#endif
}

/*
 * Futex flags kept in restart_block.futex (kernel/futex/futex.h, private):
 * renumbered by the futex2 work in 6.7, which also added the size field
 * (FLAGS_SIZE_32 for the classic futex).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define BLCR_FUTEX_FLAGS_SIZE_MASK 0x03u
#define BLCR_FUTEX_FLAGS_SIZE_32 0x02u
#define BLCR_FUTEX_FLAGS_SHARED 0x10u
#define BLCR_FUTEX_FLAGS_CLOCKRT 0x20u
#define BLCR_FUTEX_FLAGS_HAS_TIMEOUT 0x40u
#else
#define BLCR_FUTEX_FLAGS_SIZE_MASK 0x00u
#define BLCR_FUTEX_FLAGS_SIZE_32 0x00u
#define BLCR_FUTEX_FLAGS_SHARED 0x01u
#define BLCR_FUTEX_FLAGS_CLOCKRT 0x02u
#define BLCR_FUTEX_FLAGS_HAS_TIMEOUT 0x04u
#endif
#define BLCR_FUTEX_FLAGS_KNOWN                                   \
	(BLCR_FUTEX_FLAGS_SIZE_MASK | BLCR_FUTEX_FLAGS_SHARED |  \
	 BLCR_FUTEX_FLAGS_CLOCKRT | BLCR_FUTEX_FLAGS_HAS_TIMEOUT)

static inline bool blcr_futex_flags_ok(u32 flags)
{
	return !(flags & ~BLCR_FUTEX_FLAGS_KNOWN) &&
	       (flags & BLCR_FUTEX_FLAGS_SIZE_MASK) == BLCR_FUTEX_FLAGS_SIZE_32;
}

/* kmap_local_page() came in 5.11; before, the atomic kind (no sleeping under it). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define kmap_local_page(page) kmap_atomic(page)
#define kunmap_local(addr) kunmap_atomic(addr)
#endif

/* iov_iter directions: named ITER_DEST/ITER_SOURCE since 6.1. */
#ifndef ITER_DEST
#define ITER_DEST READ
#define ITER_SOURCE WRITE
#endif

/*
 * vfs_iter_write(), which takes the file system's freeze protection itself
 * since 6.8; before, its callers did.
 */
static inline ssize_t blcr_iter_write(struct file *file, struct iov_iter *from,
				      loff_t *pos)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	return vfs_iter_write(file, from, pos, 0);
#else
	ssize_t n;

	file_start_write(file);
	n = vfs_iter_write(file, from, pos, 0);
	file_end_write(file);
	return n;
#endif
}

#endif
