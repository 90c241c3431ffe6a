// SPDX-License-Identifier: GPL-2.0-or-later
// A multithreaded program that checks its own threads as it runs, for
// checkpoints and restarts to be caught disturbing them:
//   threads
// 64 workers add to a counter under a mutex, each also to its own count;
// each checks its __thread index on every round and, every 1000 rounds,
// its tid and its signal mask (its own: SIGRTMIN+i%8 blocked). 4 sleepers
// check that each nanosleep(1 s) returns 0 after at least 1 s. 4 waiters
// wait on a condition variable the main thread broadcasts every 100 ms.
// Once all have started it writes their tids to ./tids (sorted, one per
// line); then once a second a line
//   t=N total=COUNTER sum=SUM_OF_COUNTS wakeups=N sleeps=N errors=N
// with total and sum read together under the mutex. Each failed check adds
// to errors and says why on stderr.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 64
#define SLEEPERS 4
#define WAITERS 4
#define THREADS (WORKERS + SLEEPERS + WAITERS)	/* besides the main thread */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long counter, counts[WORKERS];	/* under lock */

static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gen_cond = PTHREAD_COND_INITIALIZER;
static unsigned long generation;	/* under gen_lock */

static atomic_ulong wakeups, sleeps, errors;
static pthread_barrier_t started;
static pid_t tids[THREADS + 1];		/* [0]: the main thread */
static __thread int my_index = -1;

static void check_failed(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	/* The first ones say enough. */
	if (atomic_fetch_add(&errors, 1) >= 20)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n] = '\n';
	write(2, line, n + 1);	/* one write: the threads' lines stay whole */
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Thread i's own mask: only SIGRTMIN+i%8 blocked. */
static void own_mask(int i, sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGRTMIN + i % 8);
}

static void check_identity(int i)
{
	sigset_t want, got;

	if (gettid() != tids[i])
		check_failed("thread %d: tid %d, was %d", i, gettid(), tids[i]);
	own_mask(i, &want);
	pthread_sigmask(SIG_BLOCK, NULL, &got);
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (sigismember(&want, sig) != sigismember(&got, sig)) {
			check_failed("thread %d: signal %d is %sblocked", i, sig,
			      sigismember(&got, sig) ? "" : "not ");
			break;
		}
}

/* Every thread: its index in TLS, its tid recorded, its mask set. */
static int start(int i)
{
	sigset_t set;

	my_index = i;
	tids[i] = gettid();
	own_mask(i, &set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	pthread_barrier_wait(&started);
	return i;
}

static void *worker(void *arg)
{
	const int i = start((int)(long)arg);

	for (unsigned long round = 1;; round++) {
		pthread_mutex_lock(&lock);
		counter++;
		counts[i - 1]++;
		pthread_mutex_unlock(&lock);
		if (my_index != i)
			check_failed("thread %d: __thread index %d", i, my_index);
		if (round % 1000 == 0)
			check_identity(i);
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	const int i = start((int)(long)arg);
	const struct timespec second = {1, 0};

	for (;;) {
		long long t0 = now_ns(), took;
		int rc = nanosleep(&second, NULL);

		took = now_ns() - t0;
		if (rc != 0)
			check_failed("thread %d: nanosleep: %s", i, strerror(errno));
		else if (took < 1000000000LL)
			check_failed("thread %d: nanosleep(1 s) returned after %lld ns", i, took);
		atomic_fetch_add(&sleeps, 1);
		check_identity(i);
	}
	return NULL;
}

static void *waiter(void *arg)
{
	const int i = start((int)(long)arg);
	unsigned long seen = 0;

	for (;;) {
		pthread_mutex_lock(&gen_lock);
		while (generation == seen)
			pthread_cond_wait(&gen_cond, &gen_lock);
		seen = generation;
		pthread_mutex_unlock(&gen_lock);
		atomic_fetch_add(&wakeups, 1);
		check_identity(i);
	}
	return NULL;
}

static int by_value(const void *a, const void *b)
{
	return *(const pid_t *)a - *(const pid_t *)b;
}

static void write_tids(void)
{
	pid_t sorted[THREADS + 1];
	FILE *f = fopen("tids.tmp", "w");

	memcpy(sorted, tids, sizeof(sorted));
	qsort(sorted, THREADS + 1, sizeof(sorted[0]), by_value);
	for (int i = 0; f && i < THREADS + 1; i++)
		fprintf(f, "%d\n", sorted[i]);
	if (!f || fclose(f) != 0 || rename("tids.tmp", "tids") != 0) {
		perror("tids");
		exit(1);
	}
}

int main(void)
{
	const struct timespec tenth = {0, 100000000};

	pthread_barrier_init(&started, NULL, THREADS + 1);
	for (int i = 1; i <= THREADS; i++) {
		void *(*fn)(void *) = i <= WORKERS ? worker : i <= WORKERS + SLEEPERS ? sleeper : waiter;
		pthread_t t;

		if (pthread_create(&t, NULL, fn, (void *)(long)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	start(0);
	write_tids();
	for (unsigned long t = 1;; t++) {
		unsigned long long total, sum = 0;

		for (int k = 0; k < 10; k++) {
			nanosleep(&tenth, NULL);
			pthread_mutex_lock(&gen_lock);
			generation++;
			pthread_cond_broadcast(&gen_cond);
			pthread_mutex_unlock(&gen_lock);
		}
		check_identity(0);
		pthread_mutex_lock(&lock);
		total = counter;
		for (int i = 0; i < WORKERS; i++)
			sum += counts[i];
		pthread_mutex_unlock(&lock);
		if (total != sum)
			check_failed("total %llu but the counts add up to %llu", total, sum);
		printf("t=%lu total=%llu sum=%llu wakeups=%lu sleeps=%lu errors=%lu\n", t, total, sum,
		       atomic_load(&wakeups), atomic_load(&sleeps), atomic_load(&errors));
		fflush(stdout);
	}
}
