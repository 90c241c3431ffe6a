// SPDX-License-Identifier: GPL-2.0-or-later
// Asks blcr.ko directly (BLCR_IOC_CHECKPOINT) to checkpoint PID into OUT,
// with MEMFILE (opened read-only) as the /proc/PID/mem proof of
// permission, then aborts the request. Prints "errno reason" and exits
// with the errno (0 if the kernel accepted).
//   rawckpt PID MEMFILE OUT
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "blcr_ioctl.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: rawckpt PID MEMFILE OUT\n");
		return 2;
	}
	const int ctrl = open(BLCR_CTRL_PATH, O_RDWR);
	const int mem = open(argv[2], O_RDONLY);
	const int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (ctrl < 0 || mem < 0 || out < 0) {
		perror("rawckpt: open");
		return 2;
	}
	struct blcr_checkpoint_args args = {.pid = atoi(argv[1]), .fd = out, .mem_fd = mem};
	int err = 0;
	struct blcr_status st = {0};
	if (ioctl(ctrl, BLCR_IOC_CHECKPOINT, &args) != 0) {
		err = errno;
		ioctl(ctrl, BLCR_IOC_STATUS, &st);
	}
	printf("%d %s\n", err, st.reason);
	close(ctrl);	/* aborts an accepted request: the target resumes */
	return err & 0xff;
}
