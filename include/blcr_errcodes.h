/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * errno values of blcr, numerically identical to BLCR's. They lie above every
 * errno Linux uses, so they can travel through errno and ioctl returns;
 * cr_strerror() knows their text. New codes may only be appended.
 * Shared with blcr.ko: macros only, no includes.
 */
#ifndef BLCR_ERRCODES_H
#define BLCR_ERRCODES_H

#define CR_MIN_ERRCODE 2353

#define CR_ETEMPFAIL   2354 /* application cancelled the checkpoint, for now */
#define CR_EPERMFAIL   2355 /* application cancelled the checkpoint for good; job killed */
#define CR_ENOSUPPORT  2356 /* a target process is not linked with (or preloading) libcr */
#define CR_EVERSION    2357 /* libcr and the kernel module disagree on the interface */
#define CR_EOMITTED    2358 /* the process omitted itself from the checkpoint */
#define CR_EBADARCH    2359 /* context file is for another architecture */
#define CR_EPTRACED    2360 /* a target process is being ptraced */
#define CR_EPTRACER    2361 /* a target process is ptracing another process */
#define CR_ERSTRTABRT  2362 /* restart aborted; restarted processes killed */
#define CR_ERESTARTED  2363 /* request is not valid across a restart */
#define CR_ENOTCB      2364 /* only valid inside a checkpoint callback */
#define CR_ENOINIT     2365 /* calling thread has not called cr_init() */

#endif
