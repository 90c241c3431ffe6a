// SPDX-License-Identifier: GPL-2.0-or-later
// Holds a mapping tagged with a memory protection key (pkey_mprotect) and
// appends a line to FILE every 50 ms, so a test sees it keeps running.
// Exits 3 at once where the CPU or kernel has no protection keys.
//   pkeyhold FILE
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int key = pkey_alloc(0, 0);
	if (key < 0)
		return 3;
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || pkey_mprotect(page, 4096, PROT_READ | PROT_WRITE, key))
		return 1;
	FILE *log = fopen(argv[1], "w");
	if (!log)
		return 1;
	setvbuf(log, NULL, _IOLBF, 0);
	struct timespec tick = {0, 50 * 1000 * 1000};
	for (unsigned long n = 1;; n++) {
		page[0] = (char)n;
		fprintf(log, "%lu\n", n);
		nanosleep(&tick, NULL);
	}
}
