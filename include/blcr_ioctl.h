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
#define BLCR_IFACE_MINOR 2

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

/* Length of the one-line reason a failed request leaves (BLCR_IOC_STATUS). */
#define BLCR_REASON_LEN 160

/*
 * BLCR_IOC_CHECKPOINT: checkpoint process @pid into @fd (open for writing).
 * @mem_fd is /proc/<pid>/mem opened for reading by the caller: opening it
 * is the kernel's own ptrace access check (PTRACE_MODE_ATTACH_FSCREDS, LSMs
 * included), so a caller can checkpoint exactly what it could ptrace.
 *
 * The target stops at its next return to user mode and writes, itself,
 * the file header and its kernel-side records at the current offset of
 * @fd; the call returns when they are written, with the target still
 * parked. The caller then appends its own records and must end the
 * request with BLCR_IOC_CHECKPOINT_END (closing the control file ends it
 * as an abort). @timeout_ms (0: none) bounds the wait for the target: when
 * it passes, the request is abandoned, the target resumes and the call
 * fails with ETIME.
 */
struct blcr_checkpoint_args {
	__u32 pid;		/* in */
	__s32 fd;		/* in */
	__s32 mem_fd;		/* in */
	__u32 timeout_ms;	/* in */
	__u32 flags;		/* in: zero */
	__u32 next_seq;		/* out: sequence number of the next record */
	__u64 next_offset;	/* out: file offset after the kernel's records */
};

/* Ends a checkpoint: @commit 1 resumes the target, sending @signal (0: none). */
struct blcr_checkpoint_end {
	__u32 commit;
	__s32 signal;
};

/*
 * BLCR_IOC_RESTORE: the calling process becomes the process saved in the
 * image @image_fd, whose records the caller has checked. The caller has
 * already restored, by system calls, what needs no kernel help (files,
 * cwd, umask, limits, comm...); this restores the address space, the
 * registers, the signal state and the thread state. @exe_fd and @map_fds
 * are files the caller opened, with its own rights, for the executable and
 * for each file-backed VMA record in order (-1 for the others). On success
 * it does not return to the caller: the process continues where the saved
 * one was, and the descriptors listed in @close_fds are closed. Failures
 * before the old address space is gone return an error; later ones kill
 * the caller (SIGKILL), and BLCR_IOC_STATUS on a shared control file tells
 * why.
 */
struct blcr_restore_args {
	__s32 image_fd;
	__s32 exe_fd;
	__u64 image_offset;	/* of the process's first kernel record */
	__u64 map_fds;		/* pointer to __s32[nr_map_fds] */
	__u32 nr_map_fds;
	__u32 nr_close_fds;
	__u64 close_fds;	/* pointer to __s32[nr_close_fds] */
	__u32 flags;		/* zero */
	__u32 reserved;
};

/*
 * BLCR_IOC_RESTORE_THREAD (interface 1.2): the calling thread joins the
 * restart of its process as the saved thread number @index (1.. in image
 * order; 0 is the thread that calls BLCR_IOC_RESTORE). It waits until that
 * restore has rebuilt the process, then becomes its thread @index: on
 * success it does not return to the caller either. It returns an error if
 * the restore fails before the point of no return (the thread should then
 * exit), and the restore waits at most 10 s for its threads to join.
 */
struct blcr_restore_thread_args {
	__u32 index;
	__u32 reserved;		/* zero */
};

/*
 * BLCR_IOC_NEXT_PID: make the next process the caller's pid namespace
 * creates get @pid, as the kernel's ns_last_pid does; fails with EBUSY if
 * @pid is in use. The caller forks and checks what it got.
 */
struct blcr_next_pid {
	__u32 pid;
	__u32 reserved;
};

/* BLCR_IOC_STATUS: the result of the last request made on this open file. */
struct blcr_status {
	__s32 error;		/* 0 or a positive errno */
	__u32 restored_pid;	/* pid of the last successful restore */
	char reason[BLCR_REASON_LEN];
};

#define BLCR_IOC_CHECKPOINT _IOWR(BLCR_IOC_MAGIC, 0x31, struct blcr_checkpoint_args)
#define BLCR_IOC_CHECKPOINT_END _IOW(BLCR_IOC_MAGIC, 0x32, struct blcr_checkpoint_end)
#define BLCR_IOC_RESTORE _IOW(BLCR_IOC_MAGIC, 0x33, struct blcr_restore_args)
#define BLCR_IOC_NEXT_PID _IOW(BLCR_IOC_MAGIC, 0x34, struct blcr_next_pid)
#define BLCR_IOC_STATUS _IOR(BLCR_IOC_MAGIC, 0x35, struct blcr_status)
#define BLCR_IOC_RESTORE_THREAD _IOW(BLCR_IOC_MAGIC, 0x36, struct blcr_restore_thread_args)

#endif
