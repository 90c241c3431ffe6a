// SPDX-License-Identifier: GPL-2.0-or-later
// Holds a descriptor that cannot be checkpointed at fd 5 and counts like
// counter: writes 1, 2, 3... one per line to LOG every 100 ms.
//   fdhold unix|tcp|udp|fifo|eventfd|epoll|timerfd|inotify LOG
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int open_kind(const char *kind)
{
	int sv[2];
	if (!strcmp(kind, "unix")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			return -1;
		close(sv[1]);
		return sv[0];
	}
	if (!strcmp(kind, "tcp"))
		return socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(kind, "udp"))
		return socket(AF_INET, SOCK_DGRAM, 0);
	if (!strcmp(kind, "fifo")) {
		if (mkfifo("fifo", 0600) && access("fifo", F_OK))
			return -1;
		return open("fifo", O_RDWR);
	}
	if (!strcmp(kind, "eventfd"))
		return eventfd(0, 0);
	if (!strcmp(kind, "epoll"))
		return epoll_create1(0);
	if (!strcmp(kind, "timerfd"))
		return timerfd_create(CLOCK_MONOTONIC, 0);
	if (!strcmp(kind, "inotify"))
		return inotify_init();
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fdhold KIND LOG\n");
		return 2;
	}
	const int fd = open_kind(argv[1]);
	if (fd < 0 || dup2(fd, 5) != 5) {
		perror(argv[1]);
		return 1;
	}
	if (fd != 5)
		close(fd);
	const int log = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (log < 0) {
		perror(argv[2]);
		return 1;
	}
	const struct timespec pause = {0, 100000000L};
	for (long i = 1;; i++) {
		char line[32];
		const int n = snprintf(line, sizeof line, "%ld\n", i);
		if (write(log, line, (size_t)n) != n)
			return 1;
		nanosleep(&pause, NULL);
	}
}
