/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-resource dump functions, run by the target on itself: each thread
 * for its own state, the leader for the process's.
 */
#ifndef BLCR_CHECKPOINT_H
#define BLCR_CHECKPOINT_H

#include "ctrl.h"
#include "image_writer.h"

int blcr_dump_thread(struct blcr_image_writer *w, struct blcr_reason *why);
/* The thread's own queue of pending signals. */
int blcr_dump_thread_signals(struct blcr_image_writer *w, struct blcr_reason *why);
/* Dispositions, interval timers and the process-wide queue. */
int blcr_dump_signals(struct blcr_image_writer *w, struct blcr_reason *why);
int blcr_dump_memory(struct blcr_image_writer *w, struct blcr_reason *why);

#endif
