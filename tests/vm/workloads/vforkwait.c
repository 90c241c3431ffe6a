// SPDX-License-Identifier: GPL-2.0-or-later
// A process that spends SECONDS in vfork(), waiting (killably, never at a
// return to user mode) for a child that sleeps before it exits; then it
// reaps the child and counts like counter: writes 1 before the vfork, then
// 2, 3... one per line to LOG every 100 ms.
//   vforkwait LOG SECONDS
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vforkwait LOG SECONDS\n");
		return 2;
	}
	const int log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (log < 0) {
		perror(argv[1]);
		return 1;
	}
	if (write(log, "1\n", 2) != 2)
		return 1;
	const struct timespec child_sleep = {atoi(argv[2]), 0};
	const pid_t child = vfork();
	if (child == 0) {
		nanosleep(&child_sleep, NULL);
		_exit(0);
	}
	if (child < 0 || waitpid(child, NULL, 0) != child)
		return 1;
	const struct timespec pause = {0, 100000000L};
	for (long i = 2;; i++) {
		char line[32];
		const int n = snprintf(line, sizeof line, "%ld\n", i);
		if (write(log, line, (size_t)n) != n)
			return 1;
		nanosleep(&pause, NULL);
	}
}
