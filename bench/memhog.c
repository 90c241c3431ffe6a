// SPDX-License-Identifier: GPL-2.0-or-later
// The benchmark's workload: maps MAP_MIB MiB of private anonymous memory,
// fills TOUCH_MIB MiB of it, spread evenly over the mapping, with a pattern
// that depends on each word's position, then creates READY_FILE (holding
// its pid) and sleeps in a loop. On SIGUSR1 it checks the pattern (and that
// a page between the touched ones still reads as zero) and writes "ok" or
// "bad: ..." to RESULT_FILE. It makes itself a session leader, as a
// detached job would be, so that a tool can take it without its parent.
//   memhog MAP_MIB TOUCH_MIB READY_FILE RESULT_FILE
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define WORDS (PAGE / sizeof(uint64_t))

static volatile sig_atomic_t check_requested;

static void on_usr1(int sig)
{
	(void)sig;
	check_requested = 1;
}

// Word w of the mapping: cheap to compute, different for every word, never 0.
static inline uint64_t pattern(uint64_t w)
{
	uint64_t x = (w + 1) * 0x9E3779B97F4A7C15ULL;
	return x ^ (x >> 29) ^ 0x5555555555555555ULL;
}

// Writes TEXT to PATH through a temporary file, so that a reader never sees
// half of it.
static int publish(const char *path, const char *text)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return -1;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: memhog MAP_MIB TOUCH_MIB READY_FILE RESULT_FILE\n");
		return 2;
	}
	const unsigned long map_mib = strtoul(argv[1], NULL, 10);
	const unsigned long touch_mib = strtoul(argv[2], NULL, 10);
	const char *ready = argv[3], *result = argv[4];
	if (map_mib == 0 || touch_mib == 0 || touch_mib > map_mib) {
		fprintf(stderr, "memhog: need 0 < TOUCH_MIB <= MAP_MIB\n");
		return 2;
	}
	setsid();

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0) {
		perror("memhog: sigaction");
		return 1;
	}

	// NORESERVE: a sparse mapping larger than the machine's memory is legal.
	const size_t map_pages = map_mib * (1UL << 20) / PAGE;
	const size_t touch_pages = touch_mib * (1UL << 20) / PAGE;
	const size_t stride = map_pages / touch_pages;
	uint64_t *mem = mmap(NULL, map_pages * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		perror("memhog: mmap");
		return 1;
	}
	// Spread pages: with transparent huge pages ("always", Debian's
	// default) each touched 4 KiB page would bring in its whole 2 MiB.
	if (stride > 1 && madvise(mem, map_pages * PAGE, MADV_NOHUGEPAGE) != 0) {
		perror("memhog: madvise");
		return 1;
	}
	for (size_t i = 0; i < touch_pages; i++) {
		uint64_t *page = mem + i * stride * WORDS;
		const uint64_t first = i * stride * WORDS;
		for (size_t w = 0; w < WORDS; w++)
			page[w] = pattern(first + w);
	}

	char text[512];
	snprintf(text, sizeof text, "%ld\n", (long)getpid());
	if (publish(ready, text) != 0) {
		perror(ready);
		return 1;
	}

	for (;;) {
		const struct timespec second = {1, 0};
		if (nanosleep(&second, NULL) != 0 && errno != EINTR)
			return 1;
		if (!check_requested)
			continue;
		check_requested = 0;
		size_t bad = 0;
		snprintf(text, sizeof text, "ok %zu pages\n", touch_pages);
		for (size_t i = 0; i < touch_pages; i++) {
			const uint64_t *page = mem + i * stride * WORDS;
			const uint64_t first = i * stride * WORDS;
			for (size_t w = 0; w < WORDS; w++) {
				if (page[w] == pattern(first + w))
					continue;
				if (bad++ == 0)
					snprintf(text, sizeof text,
						 "bad: page %zu word %zu is %#" PRIx64 ", expected %#" PRIx64 "\n",
						 i * stride, w, page[w], pattern(first + w));
			}
			// The page halfway to the next touched one was never written.
			if (stride > 1) {
				const uint64_t *gap = page + stride / 2 * WORDS;
				for (size_t w = 0; w < WORDS; w++)
					if (gap[w] != 0 && bad++ == 0)
						snprintf(text, sizeof text,
							 "bad: untouched page %zu word %zu is %#" PRIx64 "\n",
							 i * stride + stride / 2, w, gap[w]);
			}
		}
		if (bad) {
			const size_t len = strlen(text);
			snprintf(text + len - 1, sizeof text - len + 1, " (%zu bad words)\n", bad);
		}
		if (publish(result, text) != 0)
			perror(result);
	}
}
