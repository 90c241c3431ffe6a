/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BLCR_CTRL_H
#define BLCR_CTRL_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "blcr_ioctl.h"

struct blcr_checkpoint_req;

/* What an open control file holds: the last request's outcome. */
struct blcr_ctrl {
	struct mutex lock;
	int error;			/* positive errno of the last request */
	u32 restored_pid;
	char reason[BLCR_REASON_LEN];
	struct blcr_checkpoint_req *checkpoint;	/* parked, awaiting its END */
	bool restart_holds_module;	/* a restart began here and has not ended */
};

/* A one-line reason for a failure, handed back through BLCR_IOC_STATUS. */
struct blcr_reason {
	char text[BLCR_REASON_LEN];
};

/* Sets @r to the formatted reason; returns @err (negative) for chaining. */
__printf(3, 4) int blcr_fail(struct blcr_reason *r, int err, const char *fmt, ...);
/* Records the outcome of a request on @c: 0, or @err with @r's reason. */
long blcr_ctrl_result(struct blcr_ctrl *c, long err, const struct blcr_reason *r);

int blcr_ctrl_create(void);
void blcr_ctrl_remove(void);

/* The requests, one file each. */
long blcr_checkpoint_start(struct blcr_ctrl *c, struct blcr_checkpoint_args __user *uarg);
long blcr_checkpoint_end(struct blcr_ctrl *c, struct blcr_checkpoint_end __user *uarg);
void blcr_checkpoint_release(struct blcr_ctrl *c);
long blcr_restore(struct blcr_ctrl *c, struct blcr_restore_args __user *uarg);
long blcr_restore_thread_join(struct blcr_ctrl *c,
			      struct blcr_restore_thread_args __user *uarg);
long blcr_next_pid(struct blcr_ctrl *c, struct blcr_next_pid __user *uarg);

#endif
