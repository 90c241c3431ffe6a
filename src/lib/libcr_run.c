/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcr_run.so.0, preloaded by cr_run to make a program checkpointable
 * without libcr. For now only the link-me symbol: the CR_SIGNUM handler
 * comes with the checkpoint protocol.
 */
__attribute__((visibility("default"))) int cr_run_link_me = 0;
