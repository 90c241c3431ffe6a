// SPDX-License-Identifier: GPL-2.0-or-later
// A counting program: writes 1, 2, 3... one per line to FILE every
// INTERVAL_MS, through one descriptor opened at start (so the file offset
// must survive a restart), and stops after LIMIT lines.
//   counter FILE [INTERVAL_MS [LIMIT]]
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: counter FILE [INTERVAL_MS [LIMIT]]\n");
		return 2;
	}
	const long interval_ms = argc > 2 ? atol(argv[2]) : 100;
	const long limit = argc > 3 ? atol(argv[3]) : 1000000;
	const int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	struct timespec pause = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
	for (long i = 1; i <= limit; i++) {
		char line[32];
		const int n = snprintf(line, sizeof line, "%ld\n", i);
		if (write(fd, line, (size_t)n) != n)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}
