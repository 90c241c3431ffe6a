/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcr, the BLCR-compatible client library of blcr.
 *
 * Types and constants carry BLCR's names and values so that programs written
 * for BLCR build unchanged. Only the functions declared below exist so far;
 * the rest of BLCR's API (callbacks, critical sections, requests) follows.
 */
#ifndef LIBCR_H
#define LIBCR_H

#include <sys/types.h>

#include "blcr_common.h"
#include "blcr_errcodes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libcr's functions never throw: C++ callers see them as noexcept. */
#ifdef __cplusplus
#define _CR_NOTHROW noexcept
#else
#define _CR_NOTHROW
#endif

typedef int cr_version_t;
#define CR_CHECKPOINT_ARGS_VERSION 1
#define CR_RESTART_ARGS_VERSION    1

#define CR_MAX_CALLBACKS 0x1FFFFFF

typedef int (*cr_callback_t)(void *);
typedef int cr_client_id_t;
typedef int cr_callback_id_t;

/* Signal-safe spinlock. */
typedef unsigned int cr_spinlock_t;
#define CR_SPINLOCK_INITIALIZER 0U

/*
 * The real-time signal libcr uses to run callbacks: glibc's SIGRTMAX when
 * libcr is built, as in BLCR (64 on the Linux architectures blcr supports).
 */
#define CR_SIGNUM 64

/* Callback context, also ORed into returned callback ids. */
#define CR_THREAD_CONTEXT 0x4000000
#define CR_SIGNAL_CONTEXT 0x2000000

/* Client id that callbacks pass to the critical-section calls. */
#define CR_ID_CALLBACK ((cr_client_id_t)(-1))

/* Results of cr_status(). */
enum {
	CR_STATE_IDLE = 0,
	CR_STATE_PENDING = 1,
	CR_STATE_ACTIVE = 2
};

/* Flags for cr_checkpoint(), called from a callback. */
#define CR_CHECKPOINT_READY        0
#define CR_CHECKPOINT_TEMP_FAILURE 1
#define CR_CHECKPOINT_PERM_FAILURE 2
#define CR_CHECKPOINT_OMIT         4
#define _CR_CHECKPOINT_STUB        0x4000
/* A failure with an exit code v in 1..65535 for cr_checkpoint(1) to report. */
#define CR_CHECKPOINT_TEMP_FAILURE_CODE(v) \
	(CR_CHECKPOINT_TEMP_FAILURE | ((v) << 16))
#define CR_CHECKPOINT_PERM_FAILURE_CODE(v) \
	(CR_CHECKPOINT_PERM_FAILURE | ((v) << 16))

/* Events for cr_register_hook(). */
typedef enum {
	CR_HOOK_CONT_SIGNAL_CONTEXT = 0,
	CR_HOOK_CONT_THREAD_CONTEXT = 1,
	CR_HOOK_CONT_NO_CALLBACKS = 2,
	CR_HOOK_RSTRT_SIGNAL_CONTEXT = 3,
	CR_HOOK_RSTRT_THREAD_CONTEXT = 4,
	CR_HOOK_RSTRT_NO_CALLBACKS = 5,
	CR_NUM_HOOKS = 6
} cr_hook_event_t;

typedef void (*cr_hook_fn_t)(cr_hook_event_t);
#define CR_HOOK_FN_ERROR ((cr_hook_fn_t)(~0UL))

/* Scopes and flags of cr_hold_ctrl(). */
enum {
	CR_HOLD_SCOPE_THREAD = 0,
	CR_HOLD_SCOPE_INIT = 1,
	CR_HOLD_SCOPE_UNINIT = 2
};
enum {
	CR_HOLD_READ = -1,
	CR_HOLD_NONE = 0,
	CR_HOLD_CONT = 1,
	CR_HOLD_RSTRT = 2,
	CR_HOLD_BOTH = 3,
	CR_HOLD_DFLT = 4
};

/* Errors of cr_poll_checkpoint() and cr_poll_restart(). */
#define CR_POLL_CHKPT_ERR_PRE  (-1)
#define CR_POLL_CHKPT_ERR_POST (-2)
#define CR_POLL_CHKPT_ERR_LOG  (-3)
#define CR_POLL_RSTRT_ERR_PRE  (-1)
#define CR_POLL_RSTRT_ERR_POST (-2)
#define CR_POLL_RSTRT_ERR_LOG  (-3)

/* What a callback may learn about the current checkpoint / restart. */
struct cr_checkpoint_info {
	int signal;		/* sent to the processes afterwards, 0 for none */
	const char *dest;	/* context file path, "" if not a file */
	pid_t requester;
	pid_t target;
	cr_scope_t scope;
};

struct cr_restart_info {
	pid_t requester;	/* pid of cr_restart */
	const char *src;	/* context file path */
};

/* Arguments of a checkpoint request. */
typedef struct cr_checkpoint_args {
	cr_version_t cr_version;
	cr_scope_t cr_scope;
	pid_t cr_target;
	int cr_fd;
	int cr_signal;
	unsigned int cr_timeout;	/* seconds, 0 = unbounded */
	unsigned int cr_flags;		/* CR_CHKPT_* */
} cr_checkpoint_args_t;

/* Arguments of a restart request. */
typedef struct cr_restart_args {
	cr_version_t cr_version;
	int cr_fd;
	int cr_signal;
	unsigned int cr_flags;		/* CR_RSTRT_* */
	struct cr_rstrt_relocate *cr_relocate;
} cr_restart_args_t;

/* Request handles: the descriptor of a private open of the control file. */
typedef unsigned long cr_checkpoint_handle_t;
typedef unsigned long cr_restart_handle_t;

/*
 * Prepares the calling thread for libcr; call it in each thread before any
 * other libcr function. Opens the blcr control file once per process.
 * Returns the thread's client id (>= 0, the same on every call in a thread),
 * or -1 with errno ENOSYS (blcr.ko not loaded), CR_EVERSION (incompatible
 * module) or the error of opening the control file.
 * Not async-signal-safe.
 */
extern cr_client_id_t cr_init(void) _CR_NOTHROW;

/*
 * strerror() that also knows the CR_E* codes. Thread-safe; the string is
 * valid until the next call in the same thread.
 */
extern const char *cr_strerror(int errnum) _CR_NOTHROW;

/*
 * Link-me symbols: `-u cr_link_me` keeps libcr in a link (as-needed, static).
 * cri_signum is CR_SIGNUM as libcr was built with it.
 */
extern int cr_link_me;
extern const int cri_signum;

/* ---- blcr extension: not part of BLCR's API ------------------------------ */

struct blcr_handshake;	/* from blcr_ioctl.h */

/*
 * Handshakes with blcr.ko on a private open of the control file and fills
 * *out with both sides' interface versions, the module version and the
 * kernel release. Returns 0 if libcr and the module are compatible, else -1
 * with errno ENOSYS (module not loaded), CR_EVERSION (*out still filled),
 * EINVAL (out is NULL) or the error of opening the control file.
 */
extern int cri_kernel_info(struct blcr_handshake *out) _CR_NOTHROW;

#ifdef __cplusplus
}
#endif

#endif
