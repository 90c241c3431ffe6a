/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unexported kernel symbols blcr.ko needs, resolved at load time by
 * blcr_imports.ko. One line per symbol:
 *
 *   X(name, return type, (argument types))
 *
 * Each becomes a pointer blcr_imp_<name> exported by blcr_imports. Only
 * add a function when no exported API or inline helper can do the job:
 * on IBT kernels most unexported functions are sealed and blcr_imports
 * will refuse to load (docs/kernel-interface.md, "Imported symbols").
 *
 * The restart_block functions are only compared with and stored into
 * restart_block.fn, which the kernel itself calls: they are address-taken,
 * so they keep their ENDBR64 on IBT kernels.
 */
#include "blcr_arch.h"

struct restart_block;

#define BLCR_IMPORT_LIST(X)                                           \
	X(hrtimer_nanosleep_restart, long, (struct restart_block *)) \
	X(do_restart_poll, long, (struct restart_block *))           \
	X(futex_wait_restart, long, (struct restart_block *))        \
	X(do_no_restart_syscall, long, (struct restart_block *))     \
	BLCR_ARCH_IMPORT_LIST(X)
