// SPDX-License-Identifier: GPL-2.0-or-later
// Uses files by every kind of saved path, for cr_restart --relocate:
//   crfiles DIR OTHER
// enters DIR, writes "before" to DIR/out, reads 4 bytes of DIR/in, opens
// DIR/app for appending, DIR itself, OTHER (read-only), and maps DIR/map
// shared (its descriptor closed), writing "mapped-before" to it. Then it
// waits for a file "go" in its working directory, and through what it
// holds writes "after", "read " and the next 3 bytes of DIR/in, "cwd " and
// getcwd() to out; "appended" to app; creates "viadir" relative to its DIR
// descriptor; writes "mapped-after" to the mapping; and exits.
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		_exit(3);
}

int main(int argc, char **argv)
{
	if (argc != 3 || chdir(argv[1])) {
		fprintf(stderr, "usage: crfiles DIR OTHER\n");
		return 2;
	}
	const int out = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	const int in = open("in", O_RDONLY);
	const int app = open("app", O_WRONLY | O_APPEND | O_CREAT, 0644);
	const int dir = open(".", O_RDONLY | O_DIRECTORY);
	const int other = open(argv[2], O_RDONLY);
	const int mapfd = open("map", O_RDWR);
	char buf[PATH_MAX + 16];
	if (out < 0 || in < 0 || app < 0 || dir < 0 || other < 0 || mapfd < 0 || read(in, buf, 4) != 4) {
		perror("crfiles");
		return 1;
	}
	char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mapfd, 0);
	if (map == MAP_FAILED)
		return 1;
	close(mapfd);
	strcpy(map, "mapped-before");
	put(out, "before\n");

	const struct timespec pause = {0, 100000000L};
	while (access("go", F_OK) != 0)
		nanosleep(&pause, NULL);

	put(out, "after\n");
	memset(buf, 0, sizeof buf);
	if (read(in, buf, 3) != 3)
		return 4;
	put(out, "read ");
	put(out, buf);
	put(out, "\ncwd ");
	put(out, getcwd(buf, PATH_MAX) ? buf : "?");
	put(out, "\n");
	put(app, "appended\n");
	const int made = openat(dir, "viadir", O_WRONLY | O_CREAT, 0644);
	if (made < 0)
		return 5;
	strcpy(map, "mapped-after");
	return msync(map, 4096, MS_SYNC) ? 6 : 0;
}
