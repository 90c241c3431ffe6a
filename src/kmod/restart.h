/* SPDX-License-Identifier: GPL-2.0 */
/* The per-resource restore functions, run by the restarting process. */
#ifndef BLCR_RESTART_H
#define BLCR_RESTART_H

#include "blcr_image.h"
#include "ctrl.h"
#include "image_reader.h"

struct blcr_mm_plan;

/*
 * Memory, in two steps: read and check everything (nothing changes), then
 * replace the address space (the point of no return).
 */
int blcr_memory_plan(struct blcr_image_reader *r, struct file **map_files,
		     unsigned int nr_map_files, struct file *exe,
		     struct blcr_mm_plan **plan, struct blcr_reason *why);
int blcr_memory_restore(struct blcr_mm_plan *plan, struct blcr_reason *why);
void blcr_memory_plan_free(struct blcr_mm_plan *plan);

int blcr_restore_thread_check(const struct blcr_rec_thread *t,
			      struct blcr_reason *why);
int blcr_restore_thread(const struct blcr_rec_thread *t, const void *regs,
			size_t regs_len, const void *fpu, size_t fpu_len,
			long *retval, struct blcr_reason *why);

int blcr_restore_signals_check(const struct blcr_rec_sighand *h,
			       const struct blcr_rec_sigpending *pending,
			       unsigned int nr_pending, struct blcr_reason *why);
/* Process-wide: dispositions, interval timers, the process-wide queue. */
int blcr_restore_signals(const struct blcr_rec_sighand *h,
			 const struct blcr_rec_sigpending *pending,
			 unsigned int nr_pending, struct blcr_reason *why);

/* The calling thread's own queue, with every signal blocked until its mask is set. */
void blcr_restore_thread_signals(const struct blcr_rec_sigpending *pending,
				 unsigned int nr_pending);

#endif
