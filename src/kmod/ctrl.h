/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BLCR_CTRL_H
#define BLCR_CTRL_H

int blcr_ctrl_create(void);
void blcr_ctrl_remove(void);

#endif
