// SPDX-License-Identifier: GPL-2.0-or-later
// Blocks in one system call and reports how it ended:
//   crwait nanosleep|poll|futex SECONDS   a timed wait of SECONDS
//   crwait futex-untimed SECONDS           a futex wait without a timeout,
//                                          whose word SIGALRM changes after
//                                          SECONDS (the wait then ends EAGAIN)
//   crwait read                            read() on stdin
// Prints "start T" when it blocks and "end T RESULT" when it returns, T on
// CLOCK_BOOTTIME (what /proc/uptime shows) in seconds.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int futex_word;

static void change_word(int sig)
{
	(void)sig;
	__atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_BOOTTIME, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	const long secs = argc > 2 ? atol(argv[2]) : 0;
	long rc;
	char buf[64] = {0};
	struct timespec ts = {secs, 0};
	/* SA_RESTART: the wait starts over after the handler and sees the new word. */
	const struct sigaction alarm_action = {.sa_handler = change_word, .sa_flags = SA_RESTART};

	printf("start %.3f\n", now());
	if (!strcmp(mode, "nanosleep")) {
		rc = nanosleep(&ts, NULL);
	} else if (!strcmp(mode, "poll")) {
		/* An idle pipe end would become cr_restart's stdin: wait on nothing. */
		rc = poll(NULL, 0, (int)secs * 1000);
	} else if (!strcmp(mode, "futex")) {
		rc = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	} else if (!strcmp(mode, "futex-untimed")) {
		sigaction(SIGALRM, &alarm_action, NULL);
		alarm(secs);
		rc = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	} else if (!strcmp(mode, "read")) {
		rc = read(0, buf, sizeof buf - 1);
	} else {
		return 2;
	}
	const int err = errno;
	/* A futex wait that runs out of time ends with ETIMEDOUT, one whose word
	 * changed with EAGAIN: that is normal. */
	const int ok = rc >= 0 || (!strcmp(mode, "futex") && err == ETIMEDOUT) ||
		       (!strcmp(mode, "futex-untimed") && err == EAGAIN);
	printf("end %.3f %ld %s %s\n", now(), rc, ok ? "ok" : strerror(err), buf);
	return 0;
}
