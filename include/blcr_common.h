/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Constants and types of the BLCR-compatible API that describe a checkpoint
 * or restart request: release numbers, scopes, request flags, relocation.
 * Names and values are BLCR's (ABI facts); libcr.h includes this file.
 */
#ifndef BLCR_COMMON_H
#define BLCR_COMMON_H

#include "blcr_version.h"

/* Release of blcr as a whole. */
#define CR_RELEASE_MAJOR   BLCR_VERSION_MAJOR
#define CR_RELEASE_MINOR   BLCR_VERSION_MINOR
#define CR_RELEASE_PATCH   BLCR_VERSION_PATCH
#define CR_RELEASE_VERSION BLCR_VERSION

/*
 * Version of libcr. LIBCR_MAJOR is the soname number (libcr.so.0) and only
 * changes with an incompatible ABI; the rest follows the release.
 */
#define LIBCR_MAJOR   0
#define LIBCR_MINOR   BLCR_VERSION_MINOR
#define LIBCR_PATCH   BLCR_VERSION_PATCH
#define LIBCR_VERSION BLCR_VERSION

#if defined(__GNUC__)
#define _CR_DEPRECATED __attribute__((__deprecated__))
#else
#define _CR_DEPRECATED
#endif

/* What the target id of a checkpoint request names. */
typedef enum {
	CR_SCOPE_PROC = 0,	/* one process, all its threads */
	CR_SCOPE_PGRP = 1,	/* a process group */
	CR_SCOPE_SESS = 2,	/* a session */
	CR_SCOPE_TREE = 3	/* a process and its descendants */
} cr_scope_t;

/* Destination "the requester's current directory" (kernel level). */
#define CR_DEST_CWD (-4096)

/* Flags of a checkpoint request (cr_checkpoint_args_t.cr_flags). */
#define CR_CHKPT_PROHIBIT_SELF 0x00000001 /* EDEADLK if the requester is in scope */
#define CR_CHKPT_PTRACED_ALLOW 0x00000002 /* checkpoint ptraced targets anyway */
#define CR_CHKPT_PTRACED_SKIP  0x00000004 /* leave ptraced targets out */
#define CR_CHKPT_PTRACER_SKIP  0x00000008 /* leave ptracing targets out */
#define CR_CHKPT_ASYNC_ERR     0x00000010 /* report errors at reap time */
#define CR_CHKPT_DUMP_EXEC     0x00000200 /* save the executable's contents */
#define CR_CHKPT_DUMP_PRIVATE  0x00000400 /* save MAP_PRIVATE file mappings */
#define CR_CHKPT_DUMP_SHARED   0x00000800 /* save MAP_SHARED file mappings */
#define CR_CHKPT_DUMP_ALL \
	(CR_CHKPT_DUMP_EXEC | CR_CHKPT_DUMP_PRIVATE | CR_CHKPT_DUMP_SHARED)

/* Flags of a restart request (cr_restart_args_t.cr_flags). */
#define CR_RSTRT_ASYNC_ERR    0x00000001 /* report errors at reap time */
#define CR_RSTRT_RESTORE_PID  0x00000002 /* restore pids and tids (default) */
#define CR_RSTRT_RESTORE_PGID 0x00000004 /* restore process group ids */
#define CR_RSTRT_RESTORE_SID  0x00000008 /* restore session ids */

/* Path prefix rewriting at restart (cr_restart --relocate OLD=NEW). */
#define CR_MAX_RSTRT_RELOC 16

struct cr_rstrt_relocate_pair {
	const char *oldpath;
	const char *newpath;
};

/* A flexible array member: C99, an extension in C++ and C89. */
#ifdef __GNUC__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
struct cr_rstrt_relocate {
	unsigned int count;
	struct cr_rstrt_relocate_pair path[];	/* count entries */
};
#ifdef __GNUC__
#pragma GCC diagnostic pop
#endif

#define CR_RSTRT_RELOCATE_SIZE(n) \
	(sizeof(struct cr_rstrt_relocate) + \
	 (n) * sizeof(struct cr_rstrt_relocate_pair))

#endif
