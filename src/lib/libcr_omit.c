/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcr_omit.so.0, preloaded by cr_run --omit so that a program leaves
 * itself out of every checkpoint. For now only the link-me symbol: the
 * CR_SIGNUM handler comes with the checkpoint protocol.
 */
__attribute__((visibility("default"))) int cr_omit_link_me = 0;
