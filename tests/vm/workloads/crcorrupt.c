// SPDX-License-Identifier: GPL-2.0-or-later
// Feeds hundreds of corrupted copies of a checkpoint image to restart, made
// deterministically from SEED, and checks that each one ends cleanly:
//
//   crcorrupt cli IMAGE SEED N     through cr_restart. Damaged images
//       (truncated, bit-flipped, garbage) must fail with exit status 22 and
//       one line "Restart failed: ..."; images whose fields were changed and
//       whose CRCs were recomputed must fail the same way (any errno) or
//       restart. Nothing restored may be left running.
//   crcorrupt kernel IMAGE SEED N  straight to BLCR_IOC_RESTORE, past every
//       check of cr_restart: fields of the kernel's records are changed and
//       their CRCs recomputed, so the kernel's own checks stand in the way.
//       Each attempt ends with an errno (before the point of no return), the
//       caller killed by the kernel (after it), or a restored process, whose
//       registers are checked with ptrace before it is killed. Hostile
//       ioctl arguments and an image changing under the restore too. The
//       kernel's memory use is compared before and after.
//
// N sets how many random cases join the fixed ones. Every case must end
// within 10 s; as root, nothing may appear in the kernel log that the test
// harness would call a splat (the harness checks that for users too). Run
// in an empty directory: it writes corrupt.img there. With
// CRCORRUPT_VERBOSE set in the environment it prints how every case ended.
//
// Its register and FPU cases are x86_64 records for now:
// arch: x86_64
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "blcr_image.h"
#include "blcr_ioctl.h"

#define IMG "corrupt.img"
#define CASE_TIMEOUT_MS 10000

/* Addresses a user process may never get. */
#define KTEXT 0xffffffff81000000ull	/* kernel text */
#define KDATA 0xffff888000000000ull	/* direct map */
/* Where user space ends: 2^47, or 2^56 with 5-level paging (address_limits). */
static uint64_t noncanon = 1ull << 47;
static uint64_t user_top;	/* TASK_SIZE: noncanon less a page */

/* What a case may end with. */
enum expect {
	XP_OK,		/* restored */
	XP_ERRNO,	/* an errno, nothing changed (cli: a clean failure) */
	XP_FAIL,	/* an errno, or the caller killed by the kernel */
	XP_ANY,		/* anything but a hang, a splat or a leak */
};
static const char *const expect_name[] = {"a restore", "an errno", "a failure", "anything"};

static bool kernel_mode;
static int failures, cases;
enum outcome { RESTORED, ERRNO, KILLED, CLI_FAILED, DIED };
static int outcome_count[5];
static int errno_count[256];
static bool verbose;	/* CRCORRUPT_VERBOSE set: a line per case */

static void outcome(const char *name, enum outcome o, int err, const char *why)
{
	static const char *const what[] = {"restored", "errno", "killed", "failed", "died"};

	outcome_count[o]++;
	if (o == ERRNO || o == CLI_FAILED)
		errno_count[err & 0xff]++;
	if (verbose)
		printf("[%s]: %s %d %s\n", name, what[o], err, why);
}

static void failf(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL [%s]: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures++;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- CRC32C and a seeded generator ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32c(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = ~0u;

	while (len--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

static uint64_t rng;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- the image as records ---- */

struct rec {
	uint32_t tag, flags, seq, reserved;
	uint64_t len;
	uint8_t *data;
	uint32_t crc;
	bool own;		/* data changed: a copy, CRC recomputed */
	uint64_t off;		/* of its header in the original file */
};

struct img {
	uint8_t hdr[BLCR_IMAGE_HEADER_SIZE];
	bool hdr_own;		/* changed: CRC recomputed */
	struct rec *r;
	int n;
};

static struct img base;
static uint8_t *base_buf;
static size_t base_size;
static int k_end;		/* records [0, k_end) are the kernel's */

static void load(const char *path)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t hdr[BLCR_IMAGE_HEADER_SIZE];
	uint64_t off = BLCR_IMAGE_HEADER_SIZE;
	uint32_t crc;

	if (fd < 0 || fstat(fd, &st) != 0)
		die("%s: %s", path, strerror(errno));
	base_size = st.st_size;
	base_buf = malloc(base_size);
	if (!base_buf || read(fd, base_buf, base_size) != (ssize_t)base_size)
		die("cannot read %s", path);
	close(fd);
	if (base_size < sizeof(hdr) || memcmp(base_buf, BLCR_IMAGE_MAGIC, BLCR_IMAGE_MAGIC_LEN))
		die("%s is not an image", path);
	memcpy(base.hdr, base_buf, sizeof(hdr));
	memcpy(hdr, base_buf, sizeof(hdr));
	memcpy(&crc, hdr + offsetof(struct blcr_image_header, header_crc), 4);
	memset(hdr + offsetof(struct blcr_image_header, header_crc), 0, 4);
	if (crc32c(hdr, sizeof(hdr)) != crc)
		die("header CRC mismatch: this program computes CRCs wrongly");
	base.r = calloc(base_size / BLCR_RECORD_HEADER_SIZE + 1, sizeof(*base.r));
	k_end = -1;
	for (;;) {
		struct blcr_record_header h;
		struct rec *r = &base.r[base.n];

		if (off + sizeof(h) > base_size)
			die("no END record");
		memcpy(&h, base_buf + off, sizeof(h));
		if (crc32c(&h, offsetof(struct blcr_record_header, header_crc)) != h.header_crc)
			die("record header CRC mismatch at %llu", (unsigned long long)off);
		r->tag = h.tag;
		r->flags = h.flags;
		r->seq = h.seq;
		r->reserved = h.reserved;
		r->len = h.length;
		r->crc = h.payload_crc;
		r->off = off;
		r->data = base_buf + off + sizeof(h);
		if (r->len > base_size - off - sizeof(h) || crc32c(r->data, r->len) != r->crc)
			die("record %d is damaged", base.n);
		if (r->tag == BLCR_REC_PROCESS && k_end < 0)
			k_end = base.n;
		base.n++;
		off += sizeof(h) + r->len;
		if (r->tag == BLCR_REC_END)
			break;
	}
	if (k_end < 0)
		die("no PROCESS record");
}

static void img_copy(struct img *m, int extra)
{
	memcpy(m->hdr, base.hdr, sizeof(m->hdr));
	m->hdr_own = false;
	m->n = base.n;
	m->r = calloc(base.n + extra + 8, sizeof(*m->r));
	memcpy(m->r, base.r, base.n * sizeof(*m->r));
}

static void img_free(struct img *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].own)
			free(m->r[i].data);
	free(m->r);
}

static uint8_t *edit(struct img *m, int i)
{
	struct rec *r = &m->r[i];

	if (!r->own) {
		uint8_t *p = malloc(r->len + 1);
		memcpy(p, r->data, r->len);
		r->data = p;
		r->own = true;
	}
	return r->data;
}

static void resize(struct img *m, int i, uint64_t len)
{
	struct rec *r = &m->r[i];

	edit(m, i);
	r->data = realloc(r->data, len + 1);
	if (len > r->len)
		memset(r->data + r->len, 0, len - r->len);
	r->len = len;
}

static void renumber(struct img *m)
{
	for (int i = 0; i < m->n; i++)
		m->r[i].seq = i;
}

static void insert(struct img *m, int at, uint32_t tag, const void *data, uint64_t len)
{
	struct rec *r = &m->r[at];

	memmove(r + 1, r, (m->n - at) * sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->tag = tag;
	r->len = len;
	r->data = malloc(len + 1);
	memcpy(r->data, data, len);
	r->own = true;
	m->n++;
	renumber(m);
}

static void drop(struct img *m, int at)
{
	if (m->r[at].own)
		free(m->r[at].data);
	memmove(&m->r[at], &m->r[at + 1], (m->n - at - 1) * sizeof(m->r[0]));
	m->n--;
	renumber(m);
}

static void dup_rec(struct img *m, int at)
{
	insert(m, at + 1, m->r[at].tag, m->r[at].data, m->r[at].len);
}

static void swap_recs(struct img *m, int a, int b)
{
	struct rec t = m->r[a];

	m->r[a] = m->r[b];
	m->r[b] = t;
	renumber(m);
}

static int find(const struct img *m, uint32_t tag, int nth)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].tag == tag && nth-- == 0)
			return i;
	return -1;
}

static struct blcr_rec_vma *vma_of(const struct img *m, int i)
{
	return (struct blcr_rec_vma *)m->r[i].data;
}

/* The first VMA record of a kind (ANON_PAGES: private anonymous with pages). */
enum pick { ANON_PAGES, FILE_PRIVATE, SPECIAL };

static int find_vma(const struct img *m, enum pick pick)
{
	for (int i = 0; i < m->n; i++) {
		uint32_t f;
		bool ok;

		if (m->r[i].tag != BLCR_REC_VMA)
			continue;
		f = vma_of(m, i)->flags;
		switch (pick) {
		case ANON_PAGES:
			ok = !(f & (BLCR_VMA_FILE | BLCR_VMA_SPECIAL | BLCR_VMA_SHARED)) &&
			     i + 1 < m->n && m->r[i + 1].tag == BLCR_REC_PAGES;
			break;
		case FILE_PRIVATE:
			ok = (f & BLCR_VMA_FILE) && !(f & BLCR_VMA_SHARED);
			break;
		default:
			ok = f & BLCR_VMA_SPECIAL;
		}
		if (ok)
			return i;
	}
	return -1;
}

static size_t serialize(const struct img *m, uint8_t **out)
{
	size_t total = BLCR_IMAGE_HEADER_SIZE, pos;
	uint8_t *buf;

	for (int i = 0; i < m->n; i++)
		total += BLCR_RECORD_HEADER_SIZE + m->r[i].len;
	buf = malloc(total);
	memcpy(buf, m->hdr, BLCR_IMAGE_HEADER_SIZE);
	if (m->hdr_own) {
		uint32_t crc;

		memset(buf + offsetof(struct blcr_image_header, header_crc), 0, 4);
		crc = crc32c(buf, BLCR_IMAGE_HEADER_SIZE);
		memcpy(buf + offsetof(struct blcr_image_header, header_crc), &crc, 4);
	}
	pos = BLCR_IMAGE_HEADER_SIZE;
	for (int i = 0; i < m->n; i++) {
		const struct rec *r = &m->r[i];
		struct blcr_record_header h = {
			.tag = r->tag, .flags = r->flags, .length = r->len, .seq = r->seq,
			.payload_crc = r->own ? crc32c(r->data, r->len) : r->crc,
			.reserved = r->reserved,
		};

		h.header_crc = crc32c(&h, offsetof(struct blcr_record_header, header_crc));
		memcpy(buf + pos, &h, sizeof(h));
		memcpy(buf + pos + sizeof(h), r->data, r->len);
		pos += sizeof(h) + r->len;
	}
	*out = buf;
	return total;
}

static void write_image(const uint8_t *buf, size_t len, uint64_t extend)
{
	int fd = open(IMG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len ||
	    (extend > len && ftruncate(fd, extend) != 0))
		die(IMG ": %s", strerror(errno));
	close(fd);
}

/* ---- what each attempt must not leave behind ---- */

static int kmsg = -1;

static const char *const splats[] = {
	"WARNING:", "BUG:", "Oops", "general protection fault,", "general protection fault:",
	"Call Trace",
	"possible circular locking", "possible recursive locking", "blocked for more than",
	"Kernel panic", "UBSAN", "KASAN", "refcount_t:", "page allocation failure",
	"vmalloc error", "not supported for file",
};

/* New kernel log lines that look like a splat (root only: /dev/kmsg). */
static void kmsg_check(const char *name)
{
	char rec[8192];
	ssize_t n;

	if (kmsg < 0)
		return;
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = 0;
		for (size_t i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
			if (strstr(rec, splats[i])) {
				char *nl = strchr(rec, '\n');
				if (nl)
					*nl = 0;
				failf(name, "kernel log: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
				break;
			}
	}
}

/* Reaps every child that has ended; true if some are still running. */
static bool reap(void)
{
	pid_t p;

	while ((p = waitpid(-1, NULL, WNOHANG | __WALL)) > 0)
		;
	return p == 0;
}

/*
 * Ends whatever a case left under us. We are the subreaper: a process a
 * restart left behind is our child or a descendant of one, whatever
 * process group or session it moved to (a damaged image can make the
 * restored program run any code, setsid() included). One still running is
 * a failure of the case that left it, named here; all are killed and
 * reaped, so that none outlives its case or the run.
 */
static void end_strays(const char *name)
{
	for (;;) {
		DIR *tasks = opendir("/proc/self/task");
		struct dirent *t;
		bool any = false;

		while (tasks && (t = readdir(tasks))) {
			char path[300], stat[512], comm[64] = "?", state = '?';
			int child, ppid = 0, pgrp = 0, sid = 0;
			FILE *f;

			if (t->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/self/task/%s/children", t->d_name);
			f = fopen(path, "r");
			while (f && fscanf(f, "%d", &child) == 1) {
				FILE *s;
				char *paren;

				any = true;
				snprintf(path, sizeof(path), "/proc/%d/stat", child);
				s = fopen(path, "r");
				if (s && fgets(stat, sizeof(stat), s) && (paren = strrchr(stat, ')'))) {
					snprintf(comm, sizeof(comm), "%.*s", (int)(paren - strchr(stat, '(') - 1),
						 strchr(stat, '(') + 1);
					sscanf(paren + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid);
				}
				if (s)
					fclose(s);
				if (state != 'Z' && state != 'X')
					failf(name, "left process %d (%s) running, state %c, process group %d, session %d",
					      child, comm, state, pgrp, sid);
				kill(child, SIGKILL);
			}
			if (f)
				fclose(f);
		}
		if (tasks)
			closedir(tasks);
		if (!any)
			return;
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
	}
}

/* Waits for @pid up to @ms; true with *status when it ended. */
static bool wait_for(pid_t pid, int *status, long ms)
{
	long end = now_ms() + ms;

	for (;;) {
		pid_t p = waitpid(pid, status, WNOHANG | __WALL);

		if (p == pid)
			return true;
		if (p < 0 && errno != EINTR)
			return false;
		if (now_ms() > end)
			return false;
		usleep(2000);
	}
}

/* Reads up to @cap bytes from @fd until EOF or @ms pass; -1 on timeout. */
static ssize_t read_until_eof(int fd, char *buf, size_t cap, long ms)
{
	long end = now_ms() + ms;
	size_t got = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long left = end - now_ms();
		ssize_t n;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(fd, buf + got, cap - got - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
		if (got >= cap - 1)
			break;
	}
	buf[got] = 0;
	return (ssize_t)got;
}

/* ---- layer 1: cr_restart ---- */

static int devnull;

static void cli_case(const char *name, enum expect x, const uint8_t *buf, size_t len)
{
	char msg[2048];
	int err[2], status = 0;
	ssize_t n;
	pid_t pid;
	bool ended;

	write_image(buf, len, 0);
	if (pipe2(err, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(err[1], 2);
		/* A restart that works exits 7 at once, leaving the job running. */
		execlp("cr_restart", "cr_restart", "--run-on-success", "exit 7", IMG, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(err[1]);
	n = read_until_eof(err[0], msg, sizeof(msg), CASE_TIMEOUT_MS);
	close(err[0]);
	ended = wait_for(pid, &status, n < 0 ? 0 : CASE_TIMEOUT_MS);
	if (!ended) {
		kill(-pid, SIGKILL);
		wait_for(pid, &status, CASE_TIMEOUT_MS);
		failf(name, "cr_restart still running after %d ms", CASE_TIMEOUT_MS);
		reap();
		end_strays(name);
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 7) {
		outcome(name, RESTORED, 0, "");
		if (x != XP_OK && x != XP_ANY)
			failf(name, "restarted, expected %s", expect_name[x]);
		kill(-pid, SIGKILL);	/* the restored job, now ours */
		usleep(1000);
		while (kill(-pid, 0) == 0 && waitpid(-1, NULL, __WALL) > 0)
			;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		size_t l = strlen(msg);
		int code = WEXITSTATUS(status);

		outcome(name, CLI_FAILED, code, msg);
		if (x == XP_OK)
			failf(name, "exit %d, expected a restart: %s", code, msg);
		else if (strncmp(msg, "Restart failed: ", 16) || l < 18 || msg[l - 1] != '\n' ||
			 strchr(msg, '\n') != msg + l - 1)
			failf(name, "exit %d with the message '%s', not one line 'Restart failed: ...'",
			      code, msg);
		else if (x == XP_ERRNO && code != EINVAL)
			failf(name, "exit %d, expected 22 (EINVAL): %s", code, msg);
		else if (code == 255)
			failf(name, "exit 255 (usage error): %s", msg);
	} else {
		failf(name, "cr_restart %s %d: %s", WIFEXITED(status) ? "exited" : "died of signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), msg);
	}
	reap();
	if (kill(-pid, 0) == 0 || errno != ESRCH) {
		failf(name, "a process of the restart is still running");
		kill(-pid, SIGKILL);
		reap();
	}
	end_strays(name);
}

/* ---- layer 2: BLCR_IOC_RESTORE ---- */

/* Hostile arguments; A_NONE is what cr_restart passes. */
enum args {
	A_NONE, A_WRONLY, A_DIR, A_PIPE, A_CTRL, A_DEVZERO, A_BADFD,
	A_OFF_0, A_OFF_511, A_OFF_MID, A_OFF_END, A_OFF_HUGE, A_FLAGS, A_RESERVED,
	A_MAPS_NULL, A_MAPS_MANY, A_CLOSE_NULL, A_CLOSE_MANY, A_MAPS_NONE, A_MAPS_BADFD,
	A_MAPS_WRONLY, A_MAPS_DIR, A_MAPS_PIPE, A_EXE_DIR, A_EXE_NOEXEC, A_EXE_WRITING,
	A_EXE_SELF, A_THREADED,
	A_SHRINK, A_SCRIBBLE,	/* the image changes under the restore */
};
static unsigned int changes_after_us;	/* for A_SHRINK, A_SCRIBBLE */

/* The file each VMA record maps, in record order (NULL: none). */
struct maps {
	int n;
	const char *path[65536];
	bool writable[65536];
};
static struct maps maps;

static void maps_of(const struct img *m)
{
	maps.n = 0;
	for (int i = 0; i < m->n && maps.n < 65536; i++) {
		const struct blcr_rec_vma *v = vma_of(m, i);

		if (m->r[i].tag != BLCR_REC_VMA)
			continue;
		maps.path[maps.n] = NULL;
		maps.writable[maps.n] = false;
		if (m->r[i].len > sizeof(*v) && v->flags & BLCR_VMA_FILE &&
		    memchr(m->r[i].data + sizeof(*v), 0, m->r[i].len - sizeof(*v))) {
			maps.path[maps.n] = (const char *)m->r[i].data + sizeof(*v);
			maps.writable[maps.n] = v->flags & BLCR_VMA_SHARED && v->prot & BLCR_VMA_PROT_WRITE;
		}
		maps.n++;
	}
}

static void *parked(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Moves @fd to 20 or above, out of the restored program's way. */
static int high(int fd)
{
	int h;

	if (fd < 0)
		return fd;
	h = fcntl(fd, F_DUPFD, 20);
	close(fd);
	return h;
}

/* The restarting child: returns only by reporting its errno on @report. */
static void restore_child(int ctrl, int report, enum args a, uint64_t image_size)
{
	static int map_fds[65536];
	int close_fds[8], nclose = 0, image, exe = -1, err, keep[2];
	struct blcr_restore_args args = {0};
	pthread_t thread;

	/* The restored counter writes to its descriptor 3; nothing restored talks to us. */
	ctrl = high(ctrl);
	report = high(report);
	dup2(devnull, 1);
	dup2(devnull, 2);
	dup2(devnull, 3);
	switch (a) {
	case A_WRONLY:
		image = open(IMG, O_WRONLY);
		break;
	case A_DIR:
		image = open(".", O_RDONLY | O_DIRECTORY);
		break;
	case A_PIPE:
		if (pipe(keep) != 0)
			_exit(3);
		image = keep[0];	/* the write end stays open: a read would block */
		break;
	case A_CTRL:
		image = dup(ctrl);
		break;
	case A_DEVZERO:
		image = open("/dev/zero", O_RDONLY);
		break;
	default:
		image = open(IMG, O_RDONLY);
	}
	image = a == A_BADFD ? 999 : high(image);	/* 999: not open */
	for (int i = 0; i < maps.n; i++) {
		int fd = -1;

		if (maps.path[i]) {
			if (a == A_MAPS_WRONLY)
				fd = open(maps.path[i], O_WRONLY);
			else if (a == A_MAPS_DIR)
				fd = open("/", O_RDONLY | O_DIRECTORY);
			else if (a == A_MAPS_PIPE && pipe(keep) == 0)
				fd = keep[0];
			else if (a != A_MAPS_NONE)
				fd = open(maps.path[i], maps.writable[i] ? O_RDWR : O_RDONLY);
		}
		map_fds[i] = a == A_MAPS_BADFD && fd >= 0 ? (close(fd), 998) : high(fd);
	}
	switch (a) {
	case A_EXE_DIR:
		exe = open("/", O_RDONLY | O_DIRECTORY);
		break;
	case A_EXE_NOEXEC:
		exe = open(IMG, O_RDONLY);
		break;
	case A_EXE_WRITING:	/* an executable file open for writing */
		exe = open("exe-writing", O_RDWR | O_CREAT, 0700);
		break;
	case A_EXE_SELF:
		exe = open("/proc/self/exe", O_RDONLY);
		break;
	default:
		break;
	}
	exe = high(exe);
	if (a == A_THREADED && pthread_create(&thread, NULL, parked, NULL) != 0)
		_exit(3);
	close_fds[nclose++] = image;
	close_fds[nclose++] = ctrl;
	close_fds[nclose++] = report;
	if (exe >= 0)
		close_fds[nclose++] = exe;
	args.image_fd = image;
	args.exe_fd = exe;
	args.image_offset = BLCR_IMAGE_HEADER_SIZE;
	args.map_fds = (uintptr_t)map_fds;
	args.nr_map_fds = maps.n;
	args.close_fds = (uintptr_t)close_fds;
	args.nr_close_fds = nclose;
	switch (a) {
	case A_OFF_0: args.image_offset = 0; break;
	case A_OFF_511: args.image_offset = 511; break;
	case A_OFF_MID: args.image_offset = BLCR_IMAGE_HEADER_SIZE + 7; break;
	case A_OFF_END: args.image_offset = image_size; break;
	case A_OFF_HUGE: args.image_offset = 1ull << 62; break;
	case A_FLAGS: args.flags = 1; break;
	case A_RESERVED: args.reserved = 1; break;
	case A_MAPS_NULL: args.map_fds = 0; break;
	case A_MAPS_MANY: args.nr_map_fds = 65537; break;
	case A_CLOSE_NULL: args.close_fds = 0; break;
	case A_CLOSE_MANY: args.nr_close_fds = 1025; break;
	default: break;
	}
	ioctl(ctrl, BLCR_IOC_RESTORE, &args);
	err = errno;
	if (write(report, &err, sizeof(err)) != sizeof(err))
		_exit(4);
	_exit(0);
}

/* Reads what a process shows of its memory layout, as any user might. */
static void read_proc(pid_t pid)
{
	static const char *const files[] = {"cmdline", "environ", "stat", "statm", "status",
					    "maps", "smaps", "auxv", "wchan", "syscall"};
	static char buf[65536];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/%s", pid, files[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
}

/*
 * A restored process runs with user segments, no I/O privilege, interrupts
 * on. Returns true if it ended (and was reaped) meanwhile.
 */
static bool check_restored(const char *name, pid_t pid)
{
	struct user_regs_struct regs;
	int status;

	read_proc(pid);
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) != 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0)
		return false;	/* it died meanwhile: a zombie */
	if (!wait_for(pid, &status, CASE_TIMEOUT_MS)) {
		failf(name, "the restored process does not stop for ptrace");
		return false;
	}
	if (!WIFSTOPPED(status)) {
		outcome(name, DIED, WIFSIGNALED(status) ? WTERMSIG(status) : 0, "signal");
		return true;
	}
	if (ptrace(PTRACE_GETREGS, pid, 0, &regs) != 0)
		return false;
	if (regs.cs != 0x33 || regs.ss != 0x2b)
		failf(name, "restored with cs %#llx ss %#llx", regs.cs, regs.ss);
	if (regs.eflags & 0x3000 || regs.eflags & 0x24000 || !(regs.eflags & 0x200))
		failf(name, "restored with eflags %#llx", regs.eflags);
	if (regs.fs_base >= noncanon || regs.gs_base >= noncanon)
		failf(name, "restored with fs_base %#llx gs_base %#llx", regs.fs_base, regs.gs_base);
	return false;
}

static void kernel_case(const char *name, enum expect x, const uint8_t *buf, size_t len,
			uint64_t extend, enum args a)
{
	struct blcr_handshake hs = {.user_major = BLCR_IFACE_MAJOR, .user_minor = BLCR_IFACE_MINOR};
	struct blcr_status st = {0};
	int ctrl, rep[2], status = 0, err = 0;
	char got[8];
	ssize_t n;
	pid_t pid;

	write_image(buf, len, extend);
	ctrl = open(BLCR_CTRL_PATH, O_RDWR | O_CLOEXEC);
	if (ctrl < 0 || ioctl(ctrl, BLCR_IOC_HANDSHAKE, &hs) != 0)
		die(BLCR_CTRL_PATH ": %s", strerror(errno));
	if (pipe2(rep, O_CLOEXEC) != 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		restore_child(ctrl, rep[1], a, extend > len ? extend : len);
	if (a == A_SHRINK || a == A_SCRIBBLE) {
		int fd = open(IMG, O_WRONLY);
		static uint8_t zero[65536];

		usleep(changes_after_us);
		if (a == A_SHRINK && ftruncate(fd, len / 3) != 0)
			die(IMG ": %s", strerror(errno));
		for (size_t off = len / 3; a == A_SCRIBBLE && off < 2 * len / 3; off += sizeof(zero))
			if (pwrite(fd, zero, sizeof(zero), off) < 0)
				die(IMG ": %s", strerror(errno));
		close(fd);
	}
	close(rep[1]);
	n = read_until_eof(rep[0], got, sizeof(got), CASE_TIMEOUT_MS);
	close(rep[0]);
	if (n == sizeof(err))
		memcpy(&err, got, sizeof(err));
	if (n < 0) {
		ioctl(ctrl, BLCR_IOC_STATUS, &st);
		failf(name, "no outcome after %d ms (status %d '%s')", CASE_TIMEOUT_MS, st.error,
		      st.reason);
		kill(pid, SIGKILL);
		if (!wait_for(pid, &status, CASE_TIMEOUT_MS))
			failf(name, "the restarting process cannot be killed");
		close(ctrl);
		return;
	}
	if (ioctl(ctrl, BLCR_IOC_STATUS, &st) != 0)
		die("BLCR_IOC_STATUS: %s", strerror(errno));
	close(ctrl);
	st.reason[sizeof(st.reason) - 1] = 0;
	if (n == sizeof(err)) {
		/* The ioctl returned: an errno, and nothing may have changed. */
		outcome(name, ERRNO, err, st.reason);
		if (x == XP_OK)
			failf(name, "errno %d (%s), expected a restore", err, st.reason);
		if (err <= 0 || err > 133)
			failf(name, "impossible errno %d", err);
		else if (st.error != err)
			failf(name, "errno %d but status %d", err, st.error);
		else if (!st.reason[0] && err != EFAULT && err != ENOMEM)
			failf(name, "errno %d without a reason", err);
		else if (strchr(st.reason, '\n'))
			failf(name, "reason of several lines: %s", st.reason);
		if (!wait_for(pid, &status, CASE_TIMEOUT_MS) || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failf(name, "the child did not exit normally after errno %d", err);
	} else if (st.error == 0 && st.restored_pid == (uint32_t)pid) {
		outcome(name, RESTORED, 0, "");
		if (x != XP_OK && x != XP_ANY)
			failf(name, "restored, expected %s", expect_name[x]);
		if (check_restored(name, pid))
			return;
		kill(pid, SIGKILL);
		if (!wait_for(pid, &status, CASE_TIMEOUT_MS))
			failf(name, "the restored process survives SIGKILL");
	} else if (st.error) {
		/* Past the point of no return: the kernel kills the caller. */
		outcome(name, KILLED, st.error, st.reason);
		if (x == XP_OK || x == XP_ERRNO)
			failf(name, "killed (errno %d, %s), expected %s", st.error, st.reason,
			      expect_name[x]);
		if (!st.reason[0])
			failf(name, "killed without a reason (errno %d)", st.error);
		if (!wait_for(pid, &status, CASE_TIMEOUT_MS) || !WIFSIGNALED(status) ||
		    WTERMSIG(status) != SIGKILL)
			failf(name, "the failed restart did not end by SIGKILL (status %#x)", status);
	} else {
		wait_for(pid, &status, CASE_TIMEOUT_MS);
		failf(name, "the child ended (status %#x) without a restore outcome", status);
	}
	if (reap())
		failf(name, "a process is left over");
}

/* ---- running cases ---- */

static enum args cur_args;

static void run_raw(const char *name, enum expect x, const uint8_t *buf, size_t len,
		    uint64_t extend)
{
	cases++;
	if (kernel_mode)
		kernel_case(name, x, buf, len, extend, cur_args);
	else
		cli_case(name, x, buf, len);
	kmsg_check(name);
}

static void run_img(const char *name, enum expect x, struct img *m)
{
	uint8_t *buf;
	size_t len = serialize(m, &buf);

	maps_of(m);
	run_raw(name, x, buf, len, 0);
	free(buf);
	img_free(m);
	maps_of(&base);
}

/* One or more fields of the nth record with @tag set, CRCs recomputed. */
struct field {
	size_t off;
	int width;
	uint64_t v;
};

static void fields(const char *what, enum expect x, uint32_t tag, int nth, int rec,
		   const struct field *f, int nf)
{
	struct img m;
	char name[160];
	int i;

	img_copy(&m, 0);
	i = rec >= 0 ? rec : find(&m, tag, nth);
	if (i < 0) {
		img_free(&m);
		return;
	}
	snprintf(name, sizeof(name), "%s", what);
	for (int k = 0; k < nf; k++) {
		if (f[k].off + f[k].width > m.r[i].len) {
			img_free(&m);
			return;
		}
		memcpy(edit(&m, i) + f[k].off, &f[k].v, f[k].width);
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%#llx",
			 k ? "," : " = ", (unsigned long long)f[k].v);
	}
	run_img(name, x, &m);
}

#define F(s, member, val) { offsetof(s, member), sizeof(((s *)0)->member), (uint64_t)(val) }
#define FIELDS(what, x, tag, ...)                                                         \
	do {                                                                              \
		const struct field f_[] = {__VA_ARGS__};                                  \
		fields(what, x, tag, 0, -1, f_, sizeof(f_) / sizeof(f_[0]));              \
	} while (0)
#define FIELDS_AT(what, x, rec, ...)                                                      \
	do {                                                                              \
		const struct field f_[] = {__VA_ARGS__};                                  \
		fields(what, x, 0, 0, rec, f_, sizeof(f_) / sizeof(f_[0]));               \
	} while (0)

/* ---- the cases ---- */

static void baseline(void)
{
	struct img m;

	run_raw("the image as it is", XP_OK, base_buf, base_size, 0);
	img_copy(&m, 0);
	m.hdr_own = true;
	for (int i = 0; i < m.n; i++)
		edit(&m, i);
	run_img("the image rebuilt, every CRC recomputed", XP_OK, &m);
}

/* Damaged images: what any reader must refuse. */
static void raw_cases(int every)
{
	uint8_t *buf = malloc(base_size + 4096);
	char name[128];
	enum expect k;

	run_raw("empty file", XP_ERRNO, base_buf, 0, 0);
	run_raw("header only", XP_ERRNO, base_buf, BLCR_IMAGE_HEADER_SIZE, 0);
	run_raw("half a header", XP_ERRNO, base_buf, BLCR_IMAGE_HEADER_SIZE / 2, 0);
	for (int i = 0; i < base.n; i++) {
		const struct rec *r = &base.r[i];
		/* Past the kernel's records only cr_restart cares. */
		enum expect x = kernel_mode && i >= k_end ? XP_ANY : XP_ERRNO;

		/* The last kernel record too: nothing after it says it is missing. */
		if (i % every && i != k_end && i != k_end - 1)
			continue;
		snprintf(name, sizeof(name), "truncated before record %d (tag %#x)", i, r->tag);
		run_raw(name, x, base_buf, r->off, 0);
		snprintf(name, sizeof(name), "truncated inside the header of record %d", i);
		run_raw(name, x, base_buf, r->off + 16, 0);
		if (r->len) {
			snprintf(name, sizeof(name), "truncated inside the payload of record %d", i);
			run_raw(name, x, base_buf, r->off + 32 + r->len / 2, 0);
		}
	}
	run_raw("last byte missing", kernel_mode ? XP_ANY : XP_ERRNO, base_buf, base_size - 1, 0);

	/* One bit flipped: in the header, in record headers, in payloads. */
	for (size_t off = 0; off < BLCR_IMAGE_HEADER_SIZE; off += 8 * every) {
		size_t at = off + below(8);
		memcpy(buf, base_buf, base_size);
		buf[at] ^= 1u << below(8);
		snprintf(name, sizeof(name), "bit flipped in the file header at %zu", at);
		run_raw(name, XP_ERRNO, buf, base_size, 0);
	}
	for (int i = 0; i < base.n; i++) {
		const struct rec *r = &base.r[i];
		bool kernel_reads = i < k_end;

		if (i % every && i != k_end - 1)
			continue;
		memcpy(buf, base_buf, base_size);
		buf[r->off + below(32)] ^= 1u << below(8);
		snprintf(name, sizeof(name), "bit flipped in the header of record %d", i);
		run_raw(name, kernel_mode && !kernel_reads ? XP_ANY : XP_ERRNO, buf, base_size, 0);
		if (!r->len)
			continue;
		memcpy(buf, base_buf, base_size);
		buf[r->off + 32 + below(r->len)] ^= 1u << below(8);
		snprintf(name, sizeof(name), "bit flipped in the payload of record %d (tag %#x)",
			 i, r->tag);
		/* The kernel leaves page data to cr_restart's check of the whole file. */
		k = !kernel_mode ? XP_ERRNO
		    : kernel_reads && r->tag != BLCR_REC_PAGES ? XP_ERRNO : XP_ANY;
		run_raw(name, k, buf, base_size, 0);
	}

	/* Garbage, with and without a valid header in front. */
	for (int i = 0; i < 6; i++) {
		size_t len = below(base_size);
		for (size_t b = 0; b < len; b++)
			buf[b] = (uint8_t)rnd();
		if (i % 2)
			memcpy(buf, base_buf, BLCR_IMAGE_HEADER_SIZE < len ? BLCR_IMAGE_HEADER_SIZE : len);
		snprintf(name, sizeof(name), "%zu random bytes%s", len, i % 2 ? " after the header" : "");
		run_raw(name, XP_ERRNO, buf, len, 0);
	}
	memcpy(buf, base_buf, base_size);
	memset(buf + base_size, 0xa5, 4096);
	run_raw("garbage after END", kernel_mode ? XP_ANY : XP_ERRNO, buf, base_size + 4096, 0);
	free(buf);
}

static void random_raw(int n)
{
	uint8_t *buf = malloc(base_size);
	char name[128];

	for (int i = 0; i < n; i++) {
		size_t at;
		int bits = 1 + (int)below(3);

		memcpy(buf, base_buf, base_size);
		if (i % 3 == 0) {
			at = below(base_size);
			snprintf(name, sizeof(name), "random truncation at %zu", at);
			run_raw(name, kernel_mode && at >= base.r[k_end].off ? XP_ANY : XP_ERRNO, buf, at, 0);
			continue;
		}
		at = below(base_size);
		for (int b = 0; b < bits; b++)
			buf[(at + b * 7) % base_size] ^= 1u << below(8);
		snprintf(name, sizeof(name), "%d random bit flips from %zu", bits, at);
		/* For the kernel, whatever it reads is covered by a CRC but page data. */
		run_raw(name, kernel_mode ? XP_ANY : XP_ERRNO, buf, base_size, 0);
	}
	free(buf);
}

/* The value a random field gets. */
static uint64_t interesting(void)
{
	const uint64_t v[] = {
		0, 1, 2, 7, 0x80, 0xff, 0x1000, 0xfff, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ull, user_top, user_top - 0x1000, noncanon, KTEXT, KDATA,
		0x8000000000000000ull, ~0ull, ~0ull - 0xfff, 1ull << 40,
	};
	return below(4) ? v[below(sizeof(v) / sizeof(v[0]))] : rnd();
}

/* Random fields of random records changed, CRCs recomputed. */
static void random_fields(int n, bool kernel_only)
{
	char name[160];

	for (int c = 0; c < n; c++) {
		struct img m;
		int i, op = (int)below(16);

		img_copy(&m, 2);
		i = (int)below(kernel_only ? k_end : m.n - 1);
		if (op == 0) {
			snprintf(name, sizeof(name), "record %d (tag %#x) dropped", i, m.r[i].tag);
			drop(&m, i);
		} else if (op == 1) {
			snprintf(name, sizeof(name), "record %d (tag %#x) twice", i, m.r[i].tag);
			dup_rec(&m, i);
		} else if (op == 2) {
			snprintf(name, sizeof(name), "records %d and %d swapped", i, i + 1);
			swap_recs(&m, i, i + 1);
		} else if (op == 3) {
			uint64_t len = below(m.r[i].len + 64);
			snprintf(name, sizeof(name), "record %d (tag %#x) resized %llu -> %llu", i,
				 m.r[i].tag, (unsigned long long)m.r[i].len, (unsigned long long)len);
			resize(&m, i, len);
		} else {
			struct rec *r = &m.r[i];
			uint64_t span = r->len, v = interesting();
			size_t off;
			int width = below(3) ? 8 : 4;

			/* PAGES: mostly the table, where the numbers are. */
			if (r->tag == BLCR_REC_PAGES && below(4))
				span = ((struct blcr_rec_pages *)r->data)->data_offset;
			if (span < (uint64_t)width) {
				img_free(&m);
				c--;
				continue;
			}
			off = below(span - width + 1) & ~(size_t)(width - 1);
			memcpy(edit(&m, i) + off, &v, width);
			snprintf(name, sizeof(name), "record %d (tag %#x) bytes %zu-%zu = %#llx", i,
				 r->tag, off, off + width - 1, (unsigned long long)v);
		}
		run_img(name, XP_ANY, &m);
	}
}

static void header_cases(void)
{
	static const struct {
		const char *what;
		size_t off;
		int width;
		uint64_t v;
		enum expect x;
	} h[] = {
		{"magic", 0, 1, 0x88, XP_ERRNO},
		{"format_version", 8, 4, 2, XP_ERRNO},
		{"format_version", 8, 4, 0, XP_ERRNO},
		{"arch", 16, 4, BLCR_ARCH_I386, XP_ERRNO},
		{"arch", 16, 4, 0xdead, XP_ERRNO},
		{"page_size", 24, 4, 8192, XP_ERRNO},
		{"page_size", 24, 4, 0, XP_ERRNO},
		{"vdso_size", 44, 4, 0, XP_ERRNO},
		{"vdso_size", 44, 4, 0xffffffff, XP_ERRNO},
		{"vdso_crc", 48, 4, 0x12345678, XP_ERRNO},
		{"kernel_release", 88, 1, 'X', XP_ERRNO},
		{"kernel_build", 160, 1, 'X', XP_ERRNO},
		{"header_size", 12, 4, 4096, XP_ANY},
		{"flags", 20, 4, 0x80000000, XP_ANY},
		{"nr_procs", 28, 4, 0, XP_ANY},
		{"nr_procs", 28, 4, 1000, XP_ANY},
		{"cpu_features[0]", 56, 8, ~0ull, XP_ANY},
		{"creator_version", 232, 1, 0xff, XP_ANY},
		{"reserved", 300, 8, ~0ull, XP_ANY},
	};
	char name[128];

	for (size_t k = 0; k < sizeof(h) / sizeof(h[0]); k++) {
		struct img m;

		img_copy(&m, 0);
		memcpy(m.hdr + h[k].off, &h[k].v, h[k].width);
		m.hdr_own = true;
		snprintf(name, sizeof(name), "header %s = %#llx", h[k].what, (unsigned long long)h[k].v);
		/* cr_restart refuses more, with its own errno. */
		run_img(name, kernel_mode ? h[k].x : h[k].x == XP_ERRNO ? XP_FAIL : XP_ANY, &m);
	}
}

/* Record framing: tags, order, lengths of the kernel's records. */
static void structure_cases(void)
{
	static const uint32_t tags[] = {0, BLCR_REC_END, BLCR_REC_PAD, BLCR_REC_THREAD,
					BLCR_REC_SIGPENDING, BLCR_REC_VMA, BLCR_REC_PAGES, 0x7777};
	int last = k_end - 1;
	char name[128];

	for (int i = 0; i < k_end; i++) {
		struct img m;
		uint32_t t = tags[below(sizeof(tags) / sizeof(tags[0]))];

		/* Every record but VMA/PAGES pairs deep in the list: keep it to hundreds. */
		if (i > 8 && i % 4 && i < last - 2)
			continue;
		if (t == base.r[i].tag)
			t = 0x7777;
		img_copy(&m, 0);
		m.r[i].tag = t;
		snprintf(name, sizeof(name), "record %d tag %#x -> %#x", i, base.r[i].tag, t);
		/* A retagged last PAGES record is simply not read. */
		run_img(name, i == last && base.r[i].tag == BLCR_REC_PAGES ? XP_ANY : XP_ERRNO, &m);
	}
	for (int i = 0; i < 6; i++) {
		struct img m;

		img_copy(&m, 0);
		drop(&m, i);
		snprintf(name, sizeof(name), "record %d (tag %#x) missing", i, base.r[i].tag);
		run_img(name, base.r[i].tag == BLCR_REC_SIGPENDING ? XP_ANY : XP_ERRNO, &m);
		img_copy(&m, 1);
		dup_rec(&m, i);
		snprintf(name, sizeof(name), "record %d (tag %#x) twice", i, base.r[i].tag);
		run_img(name, base.r[i].tag == BLCR_REC_SIGPENDING ? XP_ANY : XP_ERRNO, &m);
		img_copy(&m, 0);
		swap_recs(&m, i, i + 1);
		snprintf(name, sizeof(name), "records %d and %d swapped", i, i + 1);
		run_img(name, base.r[i].tag == base.r[i + 1].tag ? XP_ANY : XP_ERRNO, &m);
	}
	for (int i = 0; i < 6; i++) {
		static const int64_t d[] = {-1, 1, 8, -8};
		struct img m;
		int64_t delta = d[i % 4];
		int r = i < 4 ? i : find(&base, BLCR_REC_VMA, 0);
		enum expect x;

		img_copy(&m, 0);
		resize(&m, r, m.r[r].len + delta);
		snprintf(name, sizeof(name), "record %d (tag %#x) %+lld bytes", r, base.r[r].tag,
			 (long long)delta);
		/* Short registers and odd FPU sizes are only found when loaded. */
		if (base.r[r].tag == BLCR_REC_CPU_FPU)
			x = m.r[r].len < 576 && m.r[r].len != 512 ? XP_FAIL : XP_ANY;
		else
			x = base.r[r].tag == BLCR_REC_CPU_REGS && delta < 0 ? XP_FAIL : XP_ERRNO;
		run_img(name, x, &m);
	}
	for (int i = 0; i < 3; i++) {
		static const uint32_t ins[] = {BLCR_REC_PAD, BLCR_REC_END, 0x7777};
		uint8_t zero[64] = {0};
		struct img m;

		img_copy(&m, 1);
		insert(&m, 1, ins[i], zero, i == 1 ? 0 : sizeof(zero));
		snprintf(name, sizeof(name), "record of tag %#x after THREAD", ins[i]);
		run_img(name, XP_ERRNO, &m);
	}
	/* seq, flags and reserved of a record header: cr_restart's business. */
	for (int i = 0; i < 3; i++) {
		struct img m;

		img_copy(&m, 0);
		if (i == 0)
			m.r[2].seq = 77;
		else if (i == 1)
			m.r[2].flags = BLCR_REC_F_SKIPPABLE | 0x80;
		else
			m.r[2].reserved = 1;
		snprintf(name, sizeof(name), "record 2 header %s changed",
			 i == 0 ? "seq" : i == 1 ? "flags" : "reserved");
		run_img(name, XP_ANY, &m);
	}
}

#define T struct blcr_rec_thread
#define R struct user_regs_struct
#define H struct blcr_rec_sighand
#define M struct blcr_rec_mm
#define V struct blcr_rec_vma
#define P struct blcr_rec_pages

static void thread_cases(void)
{
	uint32_t th = BLCR_REC_THREAD;

	FIELDS("pdeath_signal", XP_ERRNO, th, F(T, pdeath_signal, 65));
	FIELDS("pdeath_signal", XP_ERRNO, th, F(T, pdeath_signal, ~0u));
	FIELDS("pdeath_signal", XP_ANY, th, F(T, pdeath_signal, SIGKILL));
	FIELDS("sigblocked", XP_ANY, th, F(T, sigblocked, ~0ull));
	FIELDS("sas_ss_sp", XP_ERRNO, th, F(T, sas_ss_sp, KDATA), F(T, sas_ss_size, 8192));
	FIELDS("sas_ss_sp", XP_ERRNO, th, F(T, sas_ss_sp, noncanon), F(T, sas_ss_size, 8192));
	FIELDS("sas_ss_size", XP_ERRNO, th, F(T, sas_ss_sp, 0x10000), F(T, sas_ss_size, ~0ull - 0xfff));
	FIELDS("sas_ss_size", XP_ERRNO, th, F(T, sas_ss_sp, user_top - 4096), F(T, sas_ss_size, 8192));
	FIELDS("sas_ss_flags", XP_ERRNO, th, F(T, sas_ss_flags, 1));
	FIELDS("sas_ss_flags", XP_ERRNO, th, F(T, sas_ss_flags, 0xff));
	FIELDS("sigaltstack tiny", XP_ANY, th, F(T, sas_ss_sp, 0x10000), F(T, sas_ss_size, 1),
	       F(T, sas_ss_flags, 0x80000000u));
	FIELDS("sigaltstack disabled with a size", XP_ANY, th, F(T, sas_ss_sp, 0x10000),
	       F(T, sas_ss_size, 4096), F(T, sas_ss_flags, 2));
	FIELDS("rseq", XP_ERRNO, th, F(T, rseq, KTEXT));
	FIELDS("rseq", XP_ERRNO, th, F(T, rseq, noncanon));
	FIELDS("rseq", XP_ANY, th, F(T, rseq, 0));
	FIELDS("rseq", XP_ANY, th, F(T, rseq, 0x1003));
	FIELDS("rseq_len", XP_ERRNO, th, F(T, rseq_len, 0));
	FIELDS("rseq_len", XP_ERRNO, th, F(T, rseq_len, 31));
	FIELDS("rseq_len", XP_ERRNO, th, F(T, rseq_len, 4097));
	FIELDS("rseq_len", XP_ANY, th, F(T, rseq_len, 4096));
	FIELDS("rseq_sig", XP_ANY, th, F(T, rseq_sig, 0));
	FIELDS("robust_list", XP_ERRNO, th, F(T, robust_list, KDATA));
	FIELDS("robust_list_len", XP_ERRNO, th, F(T, robust_list, 0x1000), F(T, robust_list_len, 0));
	FIELDS("robust_list_len", XP_ERRNO, th, F(T, robust_list, 0x1000), F(T, robust_list_len, ~0ull));
	FIELDS("robust_list", XP_ANY, th, F(T, robust_list, 0x10), F(T, robust_list_len, 24));
	FIELDS("clear_child_tid", XP_ERRNO, th, F(T, clear_child_tid, KTEXT));
	FIELDS("clear_child_tid", XP_ERRNO, th, F(T, clear_child_tid, ~0ull));
	FIELDS("clear_child_tid", XP_ANY, th, F(T, clear_child_tid, 8));
	FIELDS("tid", XP_ANY, th, F(T, tid, 0));
	/* The interrupted system call. */
	FIELDS("restart_kind", XP_ERRNO, th, F(T, restart_kind, 4));
	FIELDS("restart_kind", XP_ERRNO, th, F(T, restart_kind, ~0u));
	FIELDS("restart none", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_NONE));
	FIELDS("nanosleep clock", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_NANOSLEEP),
	       F(T, restart_args[0], 99), F(T, restart_flags, BLCR_RESTART_F_TIMEOUT));
	FIELDS("nanosleep type", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_NANOSLEEP),
	       F(T, restart_args[0], CLOCK_MONOTONIC), F(T, restart_args[1], 2),
	       F(T, restart_flags, BLCR_RESTART_F_TIMEOUT));
	FIELDS("nanosleep without timeout", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_NANOSLEEP),
	       F(T, restart_args[0], CLOCK_MONOTONIC), F(T, restart_args[1], 0),
	       F(T, restart_flags, 0));
	FIELDS("nanosleep for ever", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_NANOSLEEP),
	       F(T, restart_args[0], CLOCK_MONOTONIC), F(T, restart_args[1], 1),
	       F(T, restart_args[2], KTEXT), F(T, restart_ns, ~0ull),
	       F(T, restart_flags, BLCR_RESTART_F_TIMEOUT));
	FIELDS("nanosleep realtime past", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_NANOSLEEP),
	       F(T, restart_args[0], CLOCK_REALTIME), F(T, restart_args[1], 1),
	       F(T, restart_args[2], 0x1000), F(T, restart_ns, 0x8000000000000000ull),
	       F(T, restart_flags, BLCR_RESTART_F_TIMEOUT | BLCR_RESTART_F_ABSOLUTE));
	FIELDS("poll nfds", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_POLL),
	       F(T, restart_args[1], 1ull << 40));
	FIELDS("poll has_timeout", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_POLL),
	       F(T, restart_args[2], 2));
	FIELDS("poll kernel ufds", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_POLL),
	       F(T, restart_args[0], KDATA), F(T, restart_args[1], 1), F(T, restart_args[2], 1),
	       F(T, restart_ns, ~0ull), F(T, restart_flags, BLCR_RESTART_F_TIMEOUT));
	FIELDS("poll many fds", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_POLL),
	       F(T, restart_args[0], 0x1000), F(T, restart_args[1], 0x7fffffff),
	       F(T, restart_args[2], 0), F(T, restart_flags, 0));
	FIELDS("futex flags", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_FUTEX),
	       F(T, restart_args[2], 0xffff));
	FIELDS("futex flags", XP_ERRNO, th, F(T, restart_kind, BLCR_RESTART_FUTEX),
	       F(T, restart_args[2], 1ull << 33));
	for (uint64_t fl = 0; fl < 0x80; fl += 0x11)
		FIELDS("futex wait", XP_ANY, th, F(T, restart_kind, BLCR_RESTART_FUTEX),
		       F(T, restart_args[0], below(2) ? KDATA : 0x1001), F(T, restart_args[1], 0),
		       F(T, restart_args[2], fl), F(T, restart_args[3], below(2) ? 0 : ~0u),
		       F(T, restart_ns, 1000), F(T, restart_flags, fl & 0x44 ? BLCR_RESTART_F_TIMEOUT : 0));
}

static void regs_cases(void)
{
	uint32_t rg = BLCR_REC_CPU_REGS;

	FIELDS("rip", XP_FAIL, rg, F(R, rip, KTEXT));
	FIELDS("rip", XP_FAIL, rg, F(R, rip, noncanon));
	FIELDS("rip", XP_FAIL, rg, F(R, rip, ~0ull));
	FIELDS("rip", XP_ANY, rg, F(R, rip, 0));
	FIELDS("rip", XP_ANY, rg, F(R, rip, noncanon - 1));
	FIELDS("rsp", XP_ANY, rg, F(R, rsp, KDATA));
	FIELDS("rsp", XP_ANY, rg, F(R, rsp, noncanon));
	FIELDS("cs", XP_ANY, rg, F(R, cs, 0x10));
	FIELDS("cs", XP_ANY, rg, F(R, cs, 0x08));
	FIELDS("cs", XP_ANY, rg, F(R, cs, 0x23));
	FIELDS("cs", XP_ANY, rg, F(R, cs, 0));
	FIELDS("ss", XP_ANY, rg, F(R, ss, 0x18));
	FIELDS("ss", XP_ANY, rg, F(R, ss, 0));
	FIELDS("ds,es,fs,gs", XP_ANY, rg, F(R, ds, 0x10), F(R, es, 0x18), F(R, fs, 0x10), F(R, gs, 0x63));
	FIELDS("eflags IOPL 3", XP_ANY, rg, F(R, eflags, 0x3202));
	FIELDS("eflags VM", XP_ANY, rg, F(R, eflags, 0x20202));
	FIELDS("eflags NT", XP_ANY, rg, F(R, eflags, 0x4202));
	FIELDS("eflags TF", XP_ANY, rg, F(R, eflags, 0x302));
	FIELDS("eflags IF off", XP_ANY, rg, F(R, eflags, 0x2));
	FIELDS("eflags all", XP_ANY, rg, F(R, eflags, ~0ull));
	FIELDS("fs_base", XP_FAIL, rg, F(R, fs_base, KDATA));
	FIELDS("fs_base", XP_FAIL, rg, F(R, fs_base, noncanon));
	FIELDS("gs_base", XP_FAIL, rg, F(R, gs_base, KTEXT));
	FIELDS("gs_base", XP_FAIL, rg, F(R, gs_base, ~0ull));
	FIELDS("orig_rax", XP_ANY, rg, F(R, orig_rax, 0));
	FIELDS("rax", XP_ANY, rg, F(R, rax, -512));
	FIELDS("rax", XP_ANY, rg, F(R, rax, -516));
	FIELDS("rax restart_syscall", XP_ANY, rg, F(R, rax, 219), F(R, orig_rax, 219));
}

static void fpu_cases(void)
{
	static const uint64_t lens[] = {0, 100, 511, 513, 575, 576, 4096, 65536, 65537};
	int f = find(&base, BLCR_REC_CPU_FPU, 0);
	char name[96];

	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		struct img m;
		enum expect x = lens[k] > 65536 ? XP_ERRNO : lens[k] < 576 && lens[k] != 512 ? XP_FAIL
											 : XP_ANY;

		img_copy(&m, 0);
		resize(&m, f, lens[k]);
		snprintf(name, sizeof(name), "FPU state of %llu bytes", (unsigned long long)lens[k]);
		run_img(name, x, &m);
	}
	FIELDS_AT("mxcsr", XP_ANY, f, {24, 4, ~0u});
	FIELDS_AT("fcw,fsw", XP_ANY, f, {0, 4, 0xffffffff});
	FIELDS_AT("XCR0 word", XP_ANY, f, {464, 8, ~0ull});
	{
		struct img m;

		img_copy(&m, 0);
		resize(&m, f, 1024);
		memset(edit(&m, f) + 512, 0xff, 64);
		run_img("FPU state of 1024 bytes, every XSAVE component", XP_ANY, &m);
	}
	{
		struct img m;

		img_copy(&m, 0);
		for (uint64_t b = 0; b < m.r[f].len; b++)
			edit(&m, f)[b] = (uint8_t)rnd();
		run_img("FPU state random", XP_ANY, &m);
	}
}

static void signal_cases(void)
{
	uint32_t sh = BLCR_REC_SIGHAND;
	struct blcr_rec_sigpending sp = {0};
	char name[96];

	FIELDS("SIGUSR1 flags", XP_ERRNO, sh, F(H, action[SIGUSR1 - 1].flags, 0x8));
	FIELDS("SIGUSR1 flags", XP_ERRNO, sh, F(H, action[SIGUSR1 - 1].flags, 1ull << 40));
	FIELDS("SIGUSR1 flags", XP_ANY, sh, F(H, action[SIGUSR1 - 1].flags, 0xdc000007ull));
	FIELDS("SIGUSR1 handler", XP_ERRNO, sh, F(H, action[SIGUSR1 - 1].handler, KTEXT));
	FIELDS("SIGUSR1 handler", XP_ERRNO, sh, F(H, action[SIGUSR1 - 1].handler, noncanon));
	FIELDS("SIGUSR1 restorer", XP_ERRNO, sh, F(H, action[SIGUSR1 - 1].restorer, KTEXT));
	FIELDS("SIGALRM handler", XP_ANY, sh, F(H, action[SIGALRM - 1].handler, 0x1000));
	FIELDS("SIGKILL ignored", XP_ANY, sh, F(H, action[SIGKILL - 1].handler, 1));
	FIELDS("SIGSTOP handled", XP_ANY, sh, F(H, action[SIGSTOP - 1].handler, 0x1000));
	FIELDS("SIGSEGV mask", XP_ANY, sh, F(H, action[SIGSEGV - 1].mask, ~0ull));
	FIELDS("itimer_real_ns", XP_ERRNO, sh, F(H, itimer_real_ns, 1ull << 63));
	FIELDS("itimer_real_interval_ns", XP_ERRNO, sh, F(H, itimer_real_interval_ns, ~0ull));
	FIELDS("itimer 1 ns every ns", XP_ANY, sh, F(H, itimer_real_ns, 1),
	       F(H, itimer_real_interval_ns, 1));
	FIELDS("itimer far", XP_ANY, sh, F(H, itimer_real_ns, (1ull << 63) - 1));

	/*
	 * Queued signals: a thread's own at the end of its records (before
	 * SIGHAND), the process's after SIGHAND.
	 */
	for (int k = 0; k < 9; k++) {
		static const uint32_t sig[] = {0, 65, SIGKILL, SIGSTOP, ~0u, SIGSEGV, SIGUSR1, 40, SIGCHLD};
		struct img m;
		int at = find(&base, BLCR_REC_SIGHAND, 0) + (k % 2);

		sp.signo = sig[k];
		sp.shared = k % 2 ? 7 : 0;
		for (size_t b = 0; b < sizeof(sp.siginfo); b++)
			sp.siginfo[b] = k > 5 ? (uint8_t)rnd() : 0;
		memcpy(sp.siginfo + 8, &(int){k == 8 ? 0x80 : -6}, 4);	/* si_code */
		img_copy(&m, 1);
		insert(&m, at, BLCR_REC_SIGPENDING, &sp, sizeof(sp));
		snprintf(name, sizeof(name), "pending signal %u", sig[k]);
		run_img(name, k < 5 ? XP_ERRNO : XP_ANY, &m);
	}
	/* Each queue's signal on the other side of SIGHAND. */
	for (int shared = 0; shared < 2; shared++) {
		struct img m;
		int at = find(&base, BLCR_REC_SIGHAND, 0) + !shared;

		memset(&sp, 0, sizeof(sp));
		sp.signo = SIGUSR1;
		sp.shared = shared;
		memcpy(sp.siginfo, &(int){SIGUSR1}, 4);
		memcpy(sp.siginfo + 8, &(int){-6}, 4);
		img_copy(&m, 1);
		insert(&m, at, BLCR_REC_SIGPENDING, &sp, sizeof(sp));
		run_img(shared ? "shared pending signal before SIGHAND" : "thread's pending signal after SIGHAND",
			XP_ANY, &m);
	}
	{
		struct img m;
		int at = find(&base, BLCR_REC_SIGHAND, 0);

		sp.signo = SIGRTMIN;
		sp.shared = 0;
		img_copy(&m, 4200);
		for (int k = 0; k < 4097; k++)
			insert(&m, at, BLCR_REC_SIGPENDING, &sp, sizeof(sp));
		run_img("4097 pending signals", XP_ERRNO, &m);
		img_copy(&m, 1);
		insert(&m, at, BLCR_REC_SIGPENDING, &sp, sizeof(sp) - 1);
		run_img("pending signal record one byte short", XP_ERRNO, &m);
	}
}

static void mm_cases(void)
{
	uint32_t mm = BLCR_REC_MM;
	int nr = ((struct blcr_rec_mm *)base.r[find(&base, mm, 0)].data)->nr_vmas;
	int words = ((struct blcr_rec_mm *)base.r[find(&base, mm, 0)].data)->auxv_words;

	FIELDS("start_code", XP_ERRNO, mm, F(M, start_code, KTEXT));
	FIELDS("end_code < start_code", XP_ERRNO, mm, F(M, start_code, 0x20000), F(M, end_code, 0x10000));
	FIELDS("end_data", XP_ERRNO, mm, F(M, end_data, noncanon));
	FIELDS("brk < start_brk", XP_ERRNO, mm, F(M, start_brk, 0x30000), F(M, brk, 0x20000));
	FIELDS("brk", XP_ERRNO, mm, F(M, brk, KDATA));
	FIELDS("brk at the top", XP_ANY, mm, F(M, brk, user_top));
	FIELDS("brk at zero", XP_ANY, mm, F(M, start_brk, 0), F(M, brk, 0));
	FIELDS("arg_end < arg_start", XP_ERRNO, mm, F(M, arg_start, 0x20000), F(M, arg_end, 0x10000));
	FIELDS("env_end", XP_ERRNO, mm, F(M, env_end, ~0ull));
	FIELDS("start_stack", XP_ERRNO, mm, F(M, start_stack, user_top + 0x1000));
	FIELDS("start_stack", XP_ANY, mm, F(M, start_stack, 0));
	FIELDS("arguments everywhere", XP_ANY, mm, F(M, arg_start, 0), F(M, arg_end, user_top),
	       F(M, env_start, 0), F(M, env_end, user_top));
	FIELDS("arguments unmapped", XP_ANY, mm, F(M, arg_start, 0x1000), F(M, arg_end, 0x2000),
	       F(M, env_start, 0x2000), F(M, env_end, 0x3000));
	FIELDS("nr_vmas", XP_ERRNO, mm, F(M, nr_vmas, 0));
	FIELDS("nr_vmas", XP_ERRNO, mm, F(M, nr_vmas, 65537));
	FIELDS("nr_vmas", XP_ERRNO, mm, F(M, nr_vmas, ~0u));
	FIELDS("nr_vmas one more", XP_ERRNO, mm, F(M, nr_vmas, nr + 1));
	FIELDS("nr_vmas one less", XP_ANY, mm, F(M, nr_vmas, nr - 1));
	FIELDS("nr_vmas 1", XP_ANY, mm, F(M, nr_vmas, 1));
	FIELDS("auxv_words", XP_ERRNO, mm, F(M, auxv_words, 0));
	FIELDS("auxv_words", XP_ERRNO, mm, F(M, auxv_words, 3));
	FIELDS("auxv_words", XP_ERRNO, mm, F(M, auxv_words, 66));
	FIELDS("auxv_words", XP_ERRNO, mm, F(M, auxv_words, ~0u));
	FIELDS("auxv without AT_NULL", XP_ERRNO, mm, F(M, auxv[words - 2], 6));
	FIELDS("auxv_words 2", XP_ANY, mm, F(M, auxv_words, 2), F(M, auxv[0], 0));
	FIELDS("dumpable", XP_ANY, mm, F(M, dumpable, 7));
}

/* Changes field(s) of the nth VMA that @pick accepts. */
static void vma_fields(const char *what, enum expect x, enum pick pick,
		       const struct field *f, int nf)
{
	int i = find_vma(&base, pick);

	if (i >= 0)
		fields(what, x, 0, 0, i, f, nf);
}
#define VMA(what, x, pick, ...)                                                           \
	do {                                                                              \
		const struct field f_[] = {__VA_ARGS__};                                  \
		vma_fields(what, x, pick, f_, sizeof(f_) / sizeof(f_[0]));             \
	} while (0)

static void vma_cases(void)
{
	int a = find_vma(&base, ANON_PAGES), fv = find_vma(&base, FILE_PRIVATE);
	int s = find_vma(&base, SPECIAL), prev = -1;
	const struct blcr_rec_vma *av = vma_of(&base, a);
	uint64_t start = av->start, end = av->end;
	char name[128];

	for (int i = 0; i < a; i++)
		if (base.r[i].tag == BLCR_REC_VMA)
			prev = i;
	VMA("kernel mapping", XP_ERRNO, ANON_PAGES, F(V, start, KDATA), F(V, end, KDATA + 0x10000));
	VMA("non-canonical mapping", XP_ERRNO, ANON_PAGES, F(V, start, noncanon), F(V, end, noncanon + 0x1000));
	VMA("mapping across the top", XP_ERRNO, ANON_PAGES, F(V, end, user_top + 0x1000));
	VMA("mapping to the end of memory", XP_ERRNO, ANON_PAGES, F(V, end, 0));
	VMA("start unaligned", XP_ERRNO, ANON_PAGES, F(V, start, start + 1));
	VMA("end unaligned", XP_ERRNO, ANON_PAGES, F(V, end, end - 1));
	VMA("empty mapping", XP_ERRNO, ANON_PAGES, F(V, end, start));
	VMA("end before start", XP_ERRNO, ANON_PAGES, F(V, end, start - 0x1000));
	if (prev >= 0)
		VMA("overlapping the previous one", XP_ERRNO, ANON_PAGES,
		    F(V, start, vma_of(&base, prev)->start));
	VMA("prot", XP_ERRNO, ANON_PAGES, F(V, prot, 8));
	VMA("prot", XP_ERRNO, ANON_PAGES, F(V, prot, ~0u));
	VMA("prot none", XP_ANY, ANON_PAGES, F(V, prot, 0));
	VMA("prot rwx", XP_ANY, ANON_PAGES, F(V, prot, 7));
	VMA("unknown flag", XP_ERRNO, ANON_PAGES, F(V, flags, 0x10000));
	VMA("unknown flag", XP_ERRNO, ANON_PAGES, F(V, flags, 0x80000000u));
	VMA("file and shmem", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_FILE | BLCR_VMA_SHMEM | BLCR_VMA_SHARED));
	VMA("shared anonymous of no kind", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_SHARED));
	VMA("shmem not shared", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_SHMEM));
	VMA("hugepage and nohugepage", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_HUGEPAGE | BLCR_VMA_NOHUGEPAGE));
	VMA("sequential and random", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_SEQ_READ | BLCR_VMA_RAND_READ));
	VMA("lock on fault unlocked", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_LOCKONFAULT));
	VMA("file without a file", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_FILE));
	VMA("special with pages", XP_ERRNO, ANON_PAGES, F(V, flags, BLCR_VMA_SPECIAL));
	{
		static const uint32_t ok[] = {
			BLCR_VMA_NORESERVE, BLCR_VMA_DONTDUMP, BLCR_VMA_LOCKED,
			BLCR_VMA_LOCKED | BLCR_VMA_LOCKONFAULT, BLCR_VMA_MERGEABLE, BLCR_VMA_WIPEONFORK,
			BLCR_VMA_DONTFORK, BLCR_VMA_SEQ_READ, BLCR_VMA_RAND_READ, BLCR_VMA_HUGEPAGE,
			BLCR_VMA_NOHUGEPAGE, BLCR_VMA_GROWSDOWN, BLCR_VMA_SHARED | BLCR_VMA_SHMEM,
			BLCR_VMA_SHARED | BLCR_VMA_SHMEM | BLCR_VMA_GROWSDOWN,
		};
		for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
			snprintf(name, sizeof(name), "anonymous mapping flags %#x", ok[k]);
			VMA(name, XP_ANY, ANON_PAGES, F(V, flags, ok[k]));
		}
	}
	if (s >= 0) {
		struct img m;

		VMA("special with setup flags", XP_ERRNO, SPECIAL,
		    F(V, flags, BLCR_VMA_SPECIAL | BLCR_VMA_NORESERVE));
		VMA("special moved", XP_ANY, SPECIAL, F(V, start, vma_of(&base, s)->start - 0x100000),
		    F(V, end, vma_of(&base, s)->end - 0x100000));
		VMA("special made anonymous", XP_ANY, SPECIAL, F(V, flags, 0));

		img_copy(&m, 0);
		strcpy((char *)edit(&m, s) + sizeof(struct blcr_rec_vma), "[vdsX]");
		run_img("special of an unknown name", XP_FAIL, &m);
		img_copy(&m, 1);
		insert(&m, s + 1, BLCR_REC_PAGES, base.r[a + 1].data, base.r[a + 1].len);
		run_img("special with a PAGES record", XP_ERRNO, &m);
	}
	if (fv >= 0) {
		const struct blcr_rec_vma *f = vma_of(&base, fv);
		struct img m;

		VMA("file mapping made anonymous", XP_ANY, FILE_PRIVATE, F(V, flags, 0));
		VMA("pgoff", XP_ERRNO, FILE_PRIVATE, F(V, pgoff, 1ull << 52));
		VMA("pgoff", XP_ERRNO, FILE_PRIVATE, F(V, pgoff, ~0ull));
		VMA("pgoff past the file", XP_ANY, FILE_PRIVATE, F(V, pgoff, f->pgoff + 100000));
		VMA("ino and size", XP_ANY, FILE_PRIVATE, F(V, ino, 1), F(V, size, ~0ull));
		VMA("path_len", XP_ERRNO, FILE_PRIVATE, F(V, path_len, f->path_len + 1));
		VMA("path_len", XP_ERRNO, FILE_PRIVATE, F(V, path_len, ~0u));
		VMA("path_len", XP_ERRNO, FILE_PRIVATE, F(V, path_len, 0));
		img_copy(&m, 0);
		edit(&m, fv)[m.r[fv].len - 1] = 'x';
		run_img("path without its NUL", XP_ERRNO, &m);
		img_copy(&m, 0);
		resize(&m, fv, sizeof(struct blcr_rec_vma) + 4097 + 8);
		((struct blcr_rec_vma *)edit(&m, fv))->path_len = 4097 + 8;
		run_img("path longer than PATH_MAX", XP_ERRNO, &m);
	}
	VMA("a terabyte", XP_ANY, ANON_PAGES, F(V, end, start + (1ull << 40)));
	{
		struct img m;
		int next = -1;

		for (int i = a + 1; i < k_end && next < 0; i++)
			if (base.r[i].tag == BLCR_REC_VMA)
				next = i;
		img_copy(&m, 0);
		swap_recs(&m, a, next);
		run_img("two mappings swapped", XP_ERRNO, &m);
		img_copy(&m, 0);
		resize(&m, a, 10);
		run_img("mapping record of 10 bytes", XP_ERRNO, &m);
		img_copy(&m, 1);
		dup_rec(&m, a);
		run_img("mapping twice", XP_ERRNO, &m);
	}
}

static void pages_cases(void)
{
	int a = find_vma(&base, ANON_PAGES), pg = a + 1;
	const struct blcr_rec_pages *p = (const void *)base.r[pg].data;
	const struct blcr_rec_page_run *run = (const void *)(p + 1);
	uint64_t start = vma_of(&base, a)->start;
	char name[96];
	struct img m;
	size_t r0 = sizeof(*p), r1 = sizeof(*p) + sizeof(*run);

	FIELDS_AT("vma_start", XP_ERRNO, pg, F(P, vma_start, start + 0x1000));
	FIELDS_AT("nr_runs", XP_ERRNO, pg, F(P, nr_runs, 0));
	FIELDS_AT("nr_runs", XP_ERRNO, pg, F(P, nr_runs, p->nr_runs + 1));
	FIELDS_AT("nr_runs", XP_ERRNO, pg, F(P, nr_runs, ~0u));
	FIELDS_AT("data_offset", XP_ERRNO, pg, F(P, data_offset, 0));
	FIELDS_AT("data_offset", XP_ERRNO, pg, F(P, data_offset, p->data_offset + 4096));
	FIELDS_AT("data_offset", XP_ERRNO, pg, F(P, data_offset, p->data_offset - 8));
	FIELDS_AT("data_offset", XP_ERRNO, pg, F(P, data_offset, ~0u));
	FIELDS_AT("first run below the mapping", XP_ERRNO, pg, {r0, 8, start - 0x1000});
	FIELDS_AT("first run unaligned", XP_ERRNO, pg, {r0, 8, run[0].addr + 1});
	FIELDS_AT("first run in the kernel", XP_ERRNO, pg, {r0, 8, KTEXT});
	FIELDS_AT("first run empty", XP_ERRNO, pg, {r0 + 8, 8, 0});
	FIELDS_AT("first run huge", XP_ERRNO, pg, {r0 + 8, 8, 1ull << 40});
	FIELDS_AT("first run wrapping", XP_ERRNO, pg, {r0 + 8, 8, 1ull << 52});
	if (p->nr_runs > 1) {
		FIELDS_AT("runs overlapping", XP_ERRNO, pg, {r1, 8, run[0].addr});
		FIELDS_AT("runs out of order", XP_ERRNO, pg, {r0, 8, run[1].addr}, {r1, 8, run[0].addr});
	}
	img_copy(&m, 0);
	for (int k = 0; k < 64; k++)
		edit(&m, pg)[p->data_offset + below(m.r[pg].len - p->data_offset)] ^= 0x10;
	run_img("page data changed", XP_ANY, &m);
	img_copy(&m, 0);
	drop(&m, pg);
	run_img("pages of a mapping missing", XP_ANY, &m);
	img_copy(&m, 1);
	dup_rec(&m, pg);
	run_img("pages of a mapping twice", XP_ERRNO, &m);
	img_copy(&m, 0);
	resize(&m, pg, m.r[pg].len - 4096);
	run_img("pages one page short", XP_ERRNO, &m);

	/*
	 * Run tables far larger than memory, in a sparse file: the mapping
	 * claims a terabyte and its PAGES record gigabytes, none of them on
	 * disk. The kernel must refuse them without trying to hold them.
	 */
	for (int k = 0; k < 2; k++) {
		uint32_t nr_runs = k ? (1u << 27) + 1 : 1u << 24;
		struct blcr_rec_pages big = {.vma_start = start, .nr_runs = nr_runs,
					     .data_offset = 0xfffff000u};
		struct blcr_record_header h = {.tag = BLCR_REC_PAGES, .length = big.data_offset,
					       .seq = pg};
		uint8_t *buf;
		size_t len;

		img_copy(&m, 0);
		((struct blcr_rec_vma *)edit(&m, a))->end = start + (1ull << 40);
		m.n = pg;	/* everything after the mapping goes */
		len = serialize(&m, &buf);
		buf = realloc(buf, len + sizeof(h) + sizeof(big));
		h.header_crc = crc32c(&h, offsetof(struct blcr_record_header, header_crc));
		memcpy(buf + len, &h, sizeof(h));
		memcpy(buf + len + sizeof(h), &big, sizeof(big));
		maps_of(&m);
		snprintf(name, sizeof(name), "run table of %u runs in a sparse file", nr_runs);
		run_raw(name, XP_ERRNO, buf, len + sizeof(h) + sizeof(big), len + sizeof(h) + h.length);
		free(buf);
		img_free(&m);
		maps_of(&base);
	}
}

static void args_cases(void)
{
	static const struct {
		enum args a;
		const char *what;
		enum expect x;
	} c[] = {
		{A_WRONLY, "image open for writing only", XP_ERRNO},
		{A_DIR, "image a directory", XP_ERRNO},
		{A_PIPE, "image a pipe", XP_ERRNO},
		{A_CTRL, "image the control file", XP_ERRNO},
		{A_DEVZERO, "image /dev/zero", XP_ERRNO},
		{A_BADFD, "image descriptor closed", XP_ERRNO},
		{A_OFF_0, "image_offset 0", XP_ERRNO},
		{A_OFF_511, "image_offset 511", XP_ERRNO},
		{A_OFF_MID, "image_offset inside a record", XP_ERRNO},
		{A_OFF_END, "image_offset at the end", XP_ERRNO},
		{A_OFF_HUGE, "image_offset 2^62", XP_ERRNO},
		{A_FLAGS, "flags", XP_ERRNO},
		{A_RESERVED, "reserved", XP_ERRNO},
		{A_MAPS_NULL, "map_fds NULL", XP_ERRNO},
		{A_MAPS_MANY, "nr_map_fds 65537", XP_ERRNO},
		{A_CLOSE_NULL, "close_fds NULL", XP_ERRNO},
		{A_CLOSE_MANY, "nr_close_fds 1025", XP_ERRNO},
		{A_MAPS_NONE, "no files for the file mappings", XP_ERRNO},
		{A_MAPS_BADFD, "closed descriptors for the file mappings", XP_ERRNO},
		{A_MAPS_WRONLY, "mapped files open for writing only", XP_FAIL},
		{A_MAPS_DIR, "mapped files are directories", XP_FAIL},
		{A_MAPS_PIPE, "mapped files are pipes", XP_FAIL},
		{A_EXE_DIR, "executable a directory", XP_ERRNO},
		{A_EXE_NOEXEC, "executable not executable", XP_ERRNO},
		{A_EXE_WRITING, "executable open for writing", XP_ERRNO},
		{A_EXE_SELF, "executable this program", XP_OK},
		{A_THREADED, "caller with two threads", XP_ERRNO},
	};

	char name[96];

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		cur_args = c[k].a;
		run_raw(c[k].what, c[k].x, base_buf, base_size, 0);
	}
	/* The file may change while the kernel reads it: whatever it finds, it copes. */
	for (unsigned int us = 0; us <= 64000; us = us ? us * 4 : 1000) {
		for (int k = 0; k < 2; k++) {
			cur_args = k ? A_SCRIBBLE : A_SHRINK;
			changes_after_us = us;
			snprintf(name, sizeof(name), "image %s after %u us",
				 k ? "partly zeroed" : "truncated", us);
			run_raw(name, XP_ANY, base_buf, base_size, 0);
		}
	}
	cur_args = A_NONE;
}

/* PROCESS and FD: cr_restart's records. */
static void user_record_cases(void)
{
	uint32_t pr = BLCR_REC_PROCESS;
	int fd = find(&base, BLCR_REC_FD, 0);
	struct img m;

#define PR struct blcr_rec_process
#define FD struct blcr_rec_fd
	FIELDS("pid", XP_ANY, pr, F(PR, pid, 0));
	FIELDS("pid", XP_ANY, pr, F(PR, pid, 1));
	FIELDS("pid", XP_ANY, pr, F(PR, pid, ~0u));
	FIELDS("umask", XP_ANY, pr, F(PR, umask, ~0u));
	FIELDS("personality", XP_ANY, pr, F(PR, personality, ~0u));
	FIELDS("personality", XP_ANY, pr, F(PR, personality, 0x0400000));
	FIELDS("nr_threads", XP_ANY, pr, F(PR, nr_threads, 0));
	FIELDS("nr_threads", XP_ANY, pr, F(PR, nr_threads, 2));
	FIELDS("cwd_len", XP_ANY, pr, F(PR, cwd_len, 0));
	FIELDS("cwd_len", XP_ANY, pr, F(PR, cwd_len, ~0u));
	FIELDS("exe_len", XP_ANY, pr, F(PR, exe_len, 1));
	FIELDS("comm", XP_ANY, pr, F(PR, comm, 0x4141414141414141ull), {offsetof(PR, comm) + 8, 8, 0x4141414141414141ull});
	FIELDS("RLIMIT_NOFILE 0", XP_ANY, pr, F(PR, rlim[RLIMIT_NOFILE].cur, 0), F(PR, rlim[RLIMIT_NOFILE].max, 0));
	FIELDS("RLIMIT_NOFILE cur > max", XP_ANY, pr, F(PR, rlim[RLIMIT_NOFILE].cur, 100), F(PR, rlim[RLIMIT_NOFILE].max, 10));
	FIELDS("RLIMIT_AS one page", XP_ANY, pr, F(PR, rlim[RLIMIT_AS].cur, 4096));
	FIELDS("RLIMIT_STACK", XP_ANY, pr, F(PR, rlim[RLIMIT_STACK].cur, ~0ull), F(PR, rlim[RLIMIT_STACK].max, ~0ull));
	FIELDS("RLIMIT_NPROC 0", XP_ANY, pr, F(PR, rlim[RLIMIT_NPROC].cur, 0));
	FIELDS("RLIMIT_CPU 0", XP_ANY, pr, F(PR, rlim[RLIMIT_CPU].cur, 0));
	FIELDS("rlimit 15", XP_ANY, pr, F(PR, rlim[15].cur, 1), F(PR, rlim[15].max, 0));
	if (fd >= 0) {
		FIELDS("fd number", XP_ANY, BLCR_REC_FD, F(FD, fd, ~0u));
		FIELDS("fd number", XP_ANY, BLCR_REC_FD, F(FD, fd, 1u << 30));
		FIELDS("fd kind", XP_ANY, BLCR_REC_FD, F(FD, kind, 0));
		FIELDS("fd kind", XP_ANY, BLCR_REC_FD, F(FD, kind, 99));
		FIELDS("fd deleted, huge", XP_ANY, BLCR_REC_FD, F(FD, kind, BLCR_FD_DELETED), F(FD, size, ~0ull));
		FIELDS("fd flags", XP_ANY, BLCR_REC_FD, F(FD, flags, ~0u));
		FIELDS("fd pos", XP_ANY, BLCR_REC_FD, F(FD, pos, ~0ull));
		FIELDS("fd path_len", XP_ANY, BLCR_REC_FD, F(FD, path_len, ~0u));
		FIELDS("fd path_len", XP_ANY, BLCR_REC_FD, F(FD, path_len, 0));
		img_copy(&m, 1);
		dup_rec(&m, fd);
		run_img("fd record twice", XP_ANY, &m);
	}
	img_copy(&m, 0);
	drop(&m, k_end);
	run_img("PROCESS record missing", XP_ERRNO, &m);
	img_copy(&m, 1);
	dup_rec(&m, k_end);
	run_img("PROCESS record twice", XP_ANY, &m);
	img_copy(&m, 0);
	resize(&m, m.n - 1, 8);
	run_img("END with a payload", XP_ERRNO, &m);
#undef PR
#undef FD
}

/* ---- memory use, before and after ---- */

struct mem {
	int n, nslab;
	char key[64][32];
	long kb[64];
	char slab[512][32];
	long active[512];
};

static long mem_kb(const struct mem *s, const char *key)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return s->kb[i];
	return 0;
}

/* Kernel memory no other line of /proc/meminfo accounts for (large kmallocs). */
static long mem_other(const struct mem *s)
{
	static const char *const accounted[] = {
		"MemFree:", "Buffers:", "Cached:", "AnonPages:", "Slab:", "KernelStack:",
		"PageTables:", "VmallocUsed:", "Percpu:",
	};
	long kb = mem_kb(s, "MemTotal:");

	for (size_t i = 0; i < sizeof(accounted) / sizeof(accounted[0]); i++)
		kb -= mem_kb(s, accounted[i]);
	return kb;
}

static void mem_snapshot(struct mem *s)
{
	char line[512];
	FILE *f;

	/* Let RCU and deferred frees catch up. */
	sleep(1);
	s->n = s->nslab = 0;
	f = fopen("/proc/meminfo", "r");
	while (f && s->n < 64 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %ld", s->key[s->n], &s->kb[s->n]) == 2)
			s->n++;
	if (f)
		fclose(f);
	f = fopen("/proc/slabinfo", "r");	/* root only */
	while (f && s->nslab < 512 && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%31s %ld", s->slab[s->nslab], &s->active[s->nslab]) == 2)
			s->nslab++;
	if (f)
		fclose(f);
}

static void mem_compare(const struct mem *a, const struct mem *b, int n)
{
	long slab = mem_kb(b, "Slab:") - mem_kb(a, "Slab:");
	long vmalloc = mem_kb(b, "VmallocUsed:") - mem_kb(a, "VmallocUsed:");
	long other = mem_other(b) - mem_other(a);

	printf("kernel memory over %d cases: slab %+ld kB (of %ld), vmalloc %+ld kB (of %ld), "
	       "other %+ld kB (of %ld); %d slab caches\n", n, slab, mem_kb(b, "Slab:"), vmalloc,
	       mem_kb(b, "VmallocUsed:"), other, mem_other(b), b->nslab);
	for (int i = 0; i < b->n; i++) {
		long d = b->kb[i] - mem_kb(a, b->key[i]);

		if (d > 1024 || d < -1024)
			printf("  %s %+ld kB\n", b->key[i], d);
	}
	/*
	 * Measured noise: slab and vmalloc a few kB, other (free pages on
	 * per-CPU lists, ...) a few MB per CPU. A kilobyte kept per case shows.
	 */
	if (slab > 1024 || vmalloc > 1024 || other > 16384 * sysconf(_SC_NPROCESSORS_ONLN))
		failf("memory", "the kernel kept memory after %d cases", n);
	for (int i = 0; i < b->nslab; i++)
		for (int j = 0; j < a->nslab; j++) {
			long d;

			/*
			 * vmap_area objects also describe the free parts of the
			 * vmalloc space, purged lazily, more so with several
			 * CPUs: a vmalloc leak shows in VmallocUsed instead.
			 */
			if (strcmp(a->slab[j], b->slab[i]) || !strcmp(b->slab[i], "vmap_area"))
				continue;
			d = b->active[i] - a->active[j];
			if (d > 32)
				printf("  %s: %+ld objects\n", b->slab[i], d);
			/* One object kept per case is a leak. */
			if (d >= n / 2 && d > 64)
				failf("memory", "%s grew by %ld objects over %d cases", b->slab[i], d, n);
		}
}

static void address_limits(void)
{
	void *high = (void *)(1ull << 47);
	void *p = mmap(high, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == high)
		noncanon = 1ull << 56;
	if (p != MAP_FAILED)
		munmap(p, 4096);
	user_top = noncanon - 4096;
}

int main(int argc, char **argv)
{
	struct mem before, after;
	int count, start_cases = 0;
	long t0 = now_ms();

	if (argc != 5 || (strcmp(argv[1], "cli") && strcmp(argv[1], "kernel")))
		die("usage: crcorrupt cli|kernel IMAGE SEED N");
	setvbuf(stdout, NULL, _IOLBF, 0);
	verbose = getenv("CRCORRUPT_VERBOSE") != NULL;
	kernel_mode = !strcmp(argv[1], "kernel");
	rng = strtoull(argv[3], NULL, 0);
	count = atoi(argv[4]);
	crc_init();
	address_limits();
	load(argv[2]);
	for (int i = 0; verbose && i < base.n; i++)
		printf("record %d: tag %#x, %llu bytes at %llu\n", i, base.r[i].tag,
		       (unsigned long long)base.r[i].len, (unsigned long long)base.r[i].off);
	maps_of(&base);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	/* Restored processes whose cr_restart is gone become ours. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);

	baseline();
	if (kernel_mode) {
		args_cases();
		mem_snapshot(&before);
		start_cases = cases;
		header_cases();
		structure_cases();
		thread_cases();
		regs_cases();
		fpu_cases();
		signal_cases();
		mm_cases();
		vma_cases();
		pages_cases();
		raw_cases(4);
		random_raw(count / 4);
		random_fields(count, true);
		random_fields(count / 4, false);
		baseline();
		mem_snapshot(&after);
	} else {
		raw_cases(2);
		random_raw(count);
		header_cases();
		user_record_cases();
		random_fields(count / 2, false);
		baseline();
	}
	if (reap())
		failf("end", "children are left");
	printf("%s: %d cases in %ld s: %d restored, %d errno, %d killed by the kernel, "
	       "%d cr_restart failures, %d restored then died; %d failed\n",
	       argv[1], cases, (now_ms() - t0) / 1000, outcome_count[0], outcome_count[1],
	       outcome_count[2], outcome_count[3], outcome_count[4], failures);
	printf("errno/exit statuses:");
	for (int i = 0; i < 256; i++)
		if (errno_count[i])
			printf(" %d:%d", i, errno_count[i]);
	printf("\n");
	if (kernel_mode)
		mem_compare(&before, &after, cases - start_cases);
	return failures ? 1 : 0;
}
