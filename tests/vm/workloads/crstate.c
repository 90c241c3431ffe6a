// SPDX-License-Identifier: GPL-2.0-or-later
// Sets up one of each kind of process state blcr promises to restore,
// writes its pid to "ready", waits (in nanosleep) for a file "go", then
// checks every item and exits 0 if all survived, else prints what did not
// and exits 1. Run in an empty directory it owns; checkpoint and restart it
// between "ready" and "go". Run as root, it makes itself non-dumpable. Run
// on a terminal (ptyrun), it checks that the restarted process has
// cr_restart's terminal instead, a different one. On its way out it takes
// a robust futex in mapped.dat (its word at ROBUST_LOCK_AT + 8): the exit marks it
// FUTEX_OWNER_DIED if the restored robust list is the kernel's.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <asm/prctl.h>
#include <cpuid.h>
#elif !defined(__aarch64__)
#error "crstate: no register checks for this architecture"
#endif

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __func__, __LINE__); \
	printf(__VA_ARGS__); printf("\n"); } } while (0)

static const size_t PG = 4096;
static __thread long tls_value = 0x7151;
#ifdef __x86_64__
static long gs_area[2] = {0x6565, 0};	/* GS base points here */
#else
static uintptr_t tpidr_before;	/* the TLS register, TPIDR_EL0 */
#endif

static uint8_t pattern(uintptr_t addr, int salt) { return (uint8_t)(addr * 131 + salt); }
static void fill(uint8_t *p, size_t len, int salt) { for (size_t i = 0; i < len; i++) p[i] = pattern((uintptr_t)(p + i), salt); }
static size_t bad_at(const uint8_t *p, size_t len, int salt)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern((uintptr_t)(p + i), salt))
			return i + 1;
	return 0;
}

/* Reads a small file into out (no malloc: the heap must not move). */
static char *slurp_into(const char *path, char *out, size_t size, size_t *len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t total = 0;
	if (fd < 0)
		return NULL;
	while (total < size - 1 && (n = read(fd, out + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	out[total] = 0;
	*len = total;
	return out;
}

/*
 * A shared anonymous mapping is a new shmem object after a restart: its
 * inode number in /proc/PID/maps is the one thing allowed to differ.
 */
static void blank_shmem_inodes(char *maps)
{
	for (char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char *end = strchr(line, '\n');
		char *zero = strstr(line, "/dev/zero (deleted)");
		if (!zero || (end && zero > end))
			continue;
		/* fields: range perms offset dev inode path */
		char *p = line;
		for (int f = 0; f < 4; f++) {
			p = strchr(p, ' ');
			while (*p == ' ')
				p++;
		}
		/* the inode and the padding after it: a new number may be longer */
		while (*p != '/')
			*p++ = '0';
	}
}

/*
 * "range VmFlags" per mapping from /proc/self/smaps: how each mapping was
 * set up (MAP_NORESERVE, madvise, mlock...), which /proc/self/maps omits.
 */
static void vmflags_into(char *out, size_t size)
{
	static char smaps[262144];
	size_t len, used = 0;
	char range[64] = "";
	out[0] = 0;
	if (!slurp_into("/proc/self/smaps", smaps, sizeof smaps, &len))
		return;
	for (char *line = smaps; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		char *end = strchr(line, '\n');
		int n = end ? (int)(end - line) : (int)strlen(line);
		if (!strncmp(line, "VmFlags:", 8)) {
			used += snprintf(out + used, size - used, "%s%.*s\n", range, n - 8, line + 8);
			/* soft-dirty marks mappings made since the last clear_refs:
			 * every restored one is new, so it may differ */
			char *sd = strstr(out + used - (n - 8) - 1, " sd ");
			if (sd)
				memmove(sd, sd + 3, strlen(sd + 3) + 1), used -= 3;
		}
		else if (strchr("0123456789abcdef", line[0]) && memchr(line, '-', n))
			snprintf(range, sizeof range, "%.*s", (int)strcspn(line, " "), line);
		if (used >= size)
			return;
	}
}


static uint8_t *anon, *heap, *fpriv, *fshared, *shanon, *none, *split;
static uint8_t *sparse, *advised[8], *locked, *onfault;
static const int advice[8] = {MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DONTFORK,
			      MADV_WIPEONFORK, MADV_SEQUENTIAL, MADV_RANDOM, MADV_MERGEABLE};
static const size_t SPARSE = (size_t)8 << 30;	/* more than the guest's memory */
static char vmflags_before[16384], vmflags_now[16384];
static char proc_before[5][16384];
static char proc_now[16384];
static size_t proc_len[5];
static const char *proc_files[5] = {"/proc/self/exe", "/proc/self/cmdline", "/proc/self/environ",
				    "/proc/self/maps", "/proc/self/auxv"};
static volatile sig_atomic_t usr1_seen, rt_value;
static stack_t altstack;
static struct timespec itimer_set_at;

/* Thread state the kernel keeps: set to addresses of crstate's own. */
struct robust_lock {
	struct robust_list next;
	uint32_t futex;
};
#define ROBUST_LOCK_AT (6 * 4096)	/* in mapped.dat (fshared) */
static struct robust_list_head robust_head;
static int tid_word;
static struct rseq *rseq_area;
static int dumpable_before;
/* the terminal on fds 0-2, if any */
static int had_terminal, had_ctty;
static dev_t terminal_before;

static void on_usr1(int sig) { (void)sig; usr1_seen++; }
static void on_rt(int sig, siginfo_t *si, void *uc) { (void)sig; (void)uc; rt_value = si->si_value.sival_int; }

static void setup(void)
{
#ifdef __x86_64__
	syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)gs_area);
#else
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tpidr_before));
#endif
	/* memory */
	anon = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i += 3)
		fill(anon + i * PG, PG, 1);
	heap = malloc(300 * 1024);
	fill(heap, 300 * 1024, 2);
	int fd = open("mapped.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t page[4096];
	for (int i = 0; i < 8; i++) {
		for (size_t j = 0; j < PG; j++)
			page[j] = (uint8_t)(i * PG + j) * 7 + 3;
		write(fd, page, PG);
	}
	fpriv = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	fill(fpriv + 2 * PG, PG, 4);	/* a written (copied) page */
	fshared = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	fill(fshared + 5 * PG, PG, 5);	/* goes to the file */
	close(fd);
	shanon = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fill(shanon, 16 * PG, 6);
	none = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	split = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(split, 6 * PG, 7);
	mprotect(split + 2 * PG, 2 * PG, PROT_READ);
	/* set-up flags: without MAP_NORESERVE the kernel refuses 8 GiB here */
	sparse = mmap(NULL, SPARSE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	fill(sparse + SPARSE / 2, PG, 8);
	for (int i = 0; i < 8; i++) {
		/* a gap between them keeps the mappings apart */
		advised[i] = mmap(NULL, 5 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(advised[i] + 4 * PG, PG);
		if (madvise(advised[i], 4 * PG, advice[i]))
			printf("FAIL setup: madvise %d: %s\n", advice[i], strerror(errno));
		fill(advised[i], PG, 9 + i);
	}
	locked = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(locked, PG, 20);
	if (mlock(locked, 4 * PG))
		printf("FAIL setup: mlock: %s\n", strerror(errno));
	onfault = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall(SYS_mlock2, onfault, 4 * PG, 1 /* MLOCK_ONFAULT */))
		printf("FAIL setup: mlock2: %s\n", strerror(errno));
	fill(onfault, PG, 21);

	/* files */
	fd = open("plain.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789abcdef", 16);
	dup2(fd, 10);
	close(fd);
	lseek(10, 7, SEEK_SET);
	fd = open("append.txt", O_WRONLY | O_CREAT | O_APPEND, 0644);
	write(fd, "first\n", 6);
	dup2(fd, 11);
	close(fd);
	fcntl(11, F_SETFD, FD_CLOEXEC);
	fd = open("gone.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, "deleted but open", 16);
	lseek(fd, 3, SEEK_SET);
	dup2(fd, 12);
	close(fd);
	unlink("gone.txt");
	dup2(open("/dev/null", O_WRONLY), 13);
	dup2(open("/dev/zero", O_RDONLY), 14);
	dup2(open("/dev/urandom", O_RDONLY), 15);
	mkdir("sub", 0755);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "sub/f%d", i);
		close(open(name, O_CREAT | O_WRONLY, 0644));
	}
	dup2(open("sub", O_RDONLY | O_DIRECTORY), 16);

	/* process */
	chdir("sub");
	umask(027);
	prctl(PR_SET_NAME, "crstate-x");
	personality(ADDR_NO_RANDOMIZE);
	struct rlimit lim = {512, 1024};
	setrlimit(RLIMIT_NOFILE, &lim);
	prctl(PR_SET_PDEATHSIG, SIGWINCH);
	/* only root may checkpoint a process that made itself non-dumpable */
	if (geteuid() == 0)
		prctl(PR_SET_DUMPABLE, 0);
	dumpable_before = prctl(PR_GET_DUMPABLE);
	struct robust_lock *lock = (struct robust_lock *)(fshared + ROBUST_LOCK_AT);
	lock->next.next = &robust_head.list;
	robust_head.list.next = &lock->next;
	robust_head.futex_offset = offsetof(struct robust_lock, futex);
	if (syscall(SYS_set_robust_list, &robust_head, sizeof robust_head))
		printf("FAIL setup: set_robust_list: %s\n", strerror(errno));
	syscall(SYS_set_tid_address, &tid_word);
	/* glibc (2.35 on) registers an rseq area for each thread */
	if (__rseq_size)
		rseq_area = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
	struct stat st;
	if (isatty(0) && fstat(0, &st) == 0) {
		had_terminal = 1;
		terminal_before = st.st_rdev;
		had_ctty = tcgetsid(0) == getsid(0);
	}

	/* signals */
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigaddset(&sa.sa_mask, SIGQUIT);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR2);
	union sigval v = {.sival_int = 42};
	sigqueue(getpid(), SIGRTMIN + 1, v);
	altstack.ss_sp = malloc(65536);
	altstack.ss_size = 65536;
	sigaltstack(&altstack, NULL);
	struct itimerval it = {{7, 0}, {100, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
	struct itimerval virt = {{2, 500000}, {40, 0}}, prof = {{0, 0}, {50, 250000}};
	setitimer(ITIMER_VIRTUAL, &virt, NULL);
	setitimer(ITIMER_PROF, &prof, NULL);
	sa.sa_handler = on_usr1;
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &itimer_set_at);

	for (int i = 0; i < 5; i++)
		slurp_into(proc_files[i], proc_before[i], sizeof proc_before[i], &proc_len[i]);
	blank_shmem_inodes(proc_before[3]);
	vmflags_into(vmflags_before, sizeof vmflags_before);
}

static void check_memory(void)
{
	size_t at;
	for (int i = 0; i < 64; i++) {
		if (i % 3 == 0)
			CHECK(!(at = bad_at(anon + i * PG, PG, 1)), "anon page %d byte %zu", i, at);
		else
			CHECK(anon[i * PG] == 0 && anon[i * PG + 4095] == 0, "untouched anon page %d", i);
	}
	CHECK(!(at = bad_at(heap, 300 * 1024, 2)), "heap byte %zu", at);
	for (at = 0; at < PG && fpriv[at] == (uint8_t)(at * 7 + 3); at++)
		;
	CHECK(at == PG, "private file page 0 byte %zu", at);
	CHECK(!(at = bad_at(fpriv + 2 * PG, PG, 4)), "private file written page byte %zu", at);
	CHECK(!(at = bad_at(fshared + 5 * PG, PG, 5)), "shared file page byte %zu", at);
	CHECK(!(at = bad_at(shanon, 16 * PG, 6)), "shared anon byte %zu", at);
	CHECK(!(at = bad_at(split, 6 * PG, 7)), "split region byte %zu", at);
	CHECK(!(at = bad_at(sparse + SPARSE / 2, PG, 8)), "sparse mapping byte %zu", at);
	for (int i = 0; i < 8; i++)
		CHECK(!(at = bad_at(advised[i], PG, 9 + i)), "advised (%d) mapping byte %zu", advice[i], at);
	CHECK(!(at = bad_at(locked, PG, 20)), "locked mapping byte %zu", at);
	CHECK(!(at = bad_at(onfault, PG, 21)), "lock-on-fault mapping byte %zu", at);
	unsigned char resident[4];
	mincore(locked, 4 * PG, resident);
	CHECK((resident[0] & resident[1] & resident[2] & resident[3] & 1), "mlock()ed pages not all resident");
	mincore(onfault, 4 * PG, resident);
	CHECK((resident[0] & 1) && !(resident[1] & 1) && !(resident[3] & 1),
	      "lock-on-fault residency %d%d%d%d", resident[0] & 1, resident[1] & 1, resident[2] & 1, resident[3] & 1);
	CHECK(tls_value == 0x7151, "TLS: %lx", tls_value);
#ifdef __x86_64__
	unsigned long gs_base = 0;
	long at_gs = 0;
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_base);
	if (gs_base == (unsigned long)gs_area)
		__asm__ volatile("mov %%gs:0, %0" : "=r"(at_gs));
	CHECK(gs_base == (unsigned long)gs_area && at_gs == 0x6565, "GS base %lx, %%gs:0 %lx", gs_base, at_gs);
#else
	uintptr_t tpidr;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tpidr));
	CHECK(tpidr == tpidr_before, "TPIDR_EL0 %lx, was %lx", tpidr, tpidr_before);
#endif
	fshared[0] ^= 1;	/* still writable and shared */
}

static void check_files(void)
{
	char buf[64] = {0};
	CHECK(lseek(10, 0, SEEK_CUR) == 7, "plain offset %ld", (long)lseek(10, 0, SEEK_CUR));
	CHECK(read(10, buf, 3) == 3 && !memcmp(buf, "789", 3), "plain contents '%s'", buf);
	CHECK(fcntl(11, F_GETFL) & O_APPEND, "append flag");
	CHECK(fcntl(11, F_GETFD) == FD_CLOEXEC, "close-on-exec on 11");
	CHECK(fcntl(10, F_GETFD) == 0, "no close-on-exec on 10");
	write(11, "second\n", 7);
	int fd = open("../append.txt", O_RDONLY);
	memset(buf, 0, sizeof buf);
	read(fd, buf, sizeof buf - 1);
	close(fd);
	CHECK(!strcmp(buf, "first\nsecond\n"), "append.txt '%s'", buf);
	CHECK(lseek(12, 0, SEEK_CUR) == 3, "deleted file offset");
	memset(buf, 0, sizeof buf);
	CHECK(pread(12, buf, 16, 0) == 16 && !strcmp(buf, "deleted but open"), "deleted file '%s'", buf);
	struct stat st;
	CHECK(fstat(12, &st) == 0 && st.st_nlink == 0, "deleted file is not deleted");
	char link[256] = {0};
	readlink("/proc/self/fd/13", link, sizeof link - 1);
	CHECK(!strcmp(link, "/dev/null"), "fd 13 is %s", link);
	readlink("/proc/self/fd/14", link, sizeof link - 1);
	CHECK(read(14, buf, 4) == 4 && !buf[0] && !buf[3], "/dev/zero");
	CHECK(read(15, buf, 8) == 8, "/dev/urandom");
	DIR *d = fdopendir(dup(16));
	int entries = 0;
	while (readdir(d))
		entries++;
	closedir(d);
	CHECK(entries == 7, "directory has %d entries", entries);
	char cwd[256];
	CHECK(getcwd(cwd, sizeof cwd) && strstr(cwd, "/sub"), "cwd %s", cwd);
	mode_t old = umask(0);
	CHECK(old == 027, "umask %o", old);
}

static void check_process(void)
{
	char comm[17] = {0};
	prctl(PR_GET_NAME, comm);
	CHECK(!strcmp(comm, "crstate-x"), "comm %s", comm);
	CHECK(personality(0xffffffff) == ADDR_NO_RANDOMIZE, "personality %x", personality(0xffffffff));
	struct rlimit lim;
	getrlimit(RLIMIT_NOFILE, &lim);
	CHECK(lim.rlim_cur == 512 && lim.rlim_max == 1024, "RLIMIT_NOFILE %lu/%lu", lim.rlim_cur, lim.rlim_max);
	int sig = 0;
	prctl(PR_GET_PDEATHSIG, &sig);
	CHECK(sig == SIGWINCH, "pdeathsig %d", sig);
	for (int i = 0; i < 5; i++) {
		size_t len;
		char *now = slurp_into(proc_files[i], proc_now, sizeof proc_now, &len);
		if (i == 3 && now)
			blank_shmem_inodes(now);
		if (now && len == proc_len[i] && !memcmp(now, proc_before[i], len))
			continue;
		size_t at = 0;
		while (now && at < len && at < proc_len[i] && now[at] == proc_before[i][at])
			at++;
		const char *line = proc_before[i] + at;
		while (line > proc_before[i] && line[-1] != '\n')
			line--;
		CHECK(0, "%s differs from byte %zu (%zu -> %zu bytes), line was: %.100s; now: %.100s",
		      proc_files[i], at, proc_len[i], len, line, now ? now + (line - proc_before[i]) : "");
	}
	/* each set-up flag was there to be restored */
	static const char *const expected[] = {" nr", " hg", " nh", " dd", " dc", " wf", " sr", " rr", " mg", " lo"};
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
		CHECK(strstr(vmflags_before, expected[i]), "no mapping had VmFlag%s before the checkpoint", expected[i]);
	vmflags_into(vmflags_now, sizeof vmflags_now);
	if (strcmp(vmflags_now, vmflags_before)) {
		const char *a = vmflags_before, *b = vmflags_now;
		while (*a && *a == *b)
			a++, b++;
		while (a > vmflags_before && a[-1] != '\n')
			a--, b--;
		CHECK(0, "smaps VmFlags differ: was %.*s now %.*s", (int)strcspn(a, "\n"), a,
		      (int)strcspn(b, "\n"), b);
	}
	CHECK(prctl(PR_GET_DUMPABLE) == dumpable_before, "dumpable %d, was %d", prctl(PR_GET_DUMPABLE),
	      dumpable_before);
	struct robust_list_head *head = NULL;
	size_t head_len = 0;
	syscall(SYS_get_robust_list, 0, &head, &head_len);
	CHECK(head == &robust_head && head_len == sizeof robust_head, "robust list %p (%zu bytes), was %p (%zu)",
	      (void *)head, head_len, (void *)&robust_head, sizeof robust_head);
	int *tid_address = NULL;
	if (prctl(PR_GET_TID_ADDRESS, &tid_address))
		CHECK(0, "PR_GET_TID_ADDRESS: %s", strerror(errno));
	else
		CHECK(tid_address == &tid_word, "clear_child_tid %p, was %p", (void *)tid_address, (void *)&tid_word);
}

static int cpu_now(void)
{
	unsigned int cpu = ~0u;
	syscall(SYS_getcpu, &cpu, NULL, NULL);
	return (int)cpu;
}

/*
 * The area registered before the checkpoint is the registered one: the
 * kernel keeps its cpu_id current as the thread moves to each CPU it may
 * run on, and refuses to register it again with EBUSY (EPERM with another
 * signature, EINVAL for another area).
 */
static void check_rseq(void)
{
	static struct rseq other __attribute__((aligned(32)));
	if (!rseq_area) {
		CHECK(0, "glibc registered no rseq area");
		return;
	}
	cpu_set_t allowed, one;
	sched_getaffinity(0, sizeof allowed, &allowed);
	int moves = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE && moves < 2; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof one, &one) || cpu_now() != cpu)
			continue;
		moves++;
		const int seen = (int)__atomic_load_n(&rseq_area->cpu_id, __ATOMIC_RELAXED);
		CHECK(seen == cpu, "rseq cpu_id %d on CPU %d", seen, cpu);
	}
	sched_setaffinity(0, sizeof allowed, &allowed);
	/* glibc registers at least the original 32 bytes; __rseq_size may say less (2.40) */
	const unsigned int len = __rseq_size < sizeof(struct rseq) ? sizeof(struct rseq) : __rseq_size;
	errno = 0;
	long rc = syscall(SYS_rseq, rseq_area, len, 0, RSEQ_SIG);
	CHECK(rc == -1 && errno == EBUSY, "registering the rseq area again: %ld (%s), expected EBUSY", rc,
	      strerror(errno));
	errno = 0;
	rc = syscall(SYS_rseq, rseq_area, len, 0, RSEQ_SIG ^ 1);
	CHECK(rc == -1 && errno == EPERM, "rseq with another signature: %ld (%s), expected EPERM", rc,
	      strerror(errno));
	errno = 0;
	rc = syscall(SYS_rseq, &other, len, 0, RSEQ_SIG);
	CHECK(rc == -1 && errno == EINVAL, "rseq with another area: %ld (%s), expected EINVAL", rc,
	      strerror(errno));
	printf("rseq checked on %d CPUs\n", moves);
}

/* fds 0-2 were a terminal: now they are cr_restart's, the controlling one. */
static void check_terminal(void)
{
	char parent_fd0[64];
	struct stat parent, st;
	if (!had_terminal)
		return;
	snprintf(parent_fd0, sizeof parent_fd0, "/proc/%d/fd/0", (int)getppid());
	if (stat(parent_fd0, &parent) || !S_ISCHR(parent.st_mode)) {
		CHECK(0, "cr_restart (pid %d) has no terminal on fd 0", (int)getppid());
		return;
	}
	CHECK(parent.st_rdev != terminal_before, "restarted on the terminal of the checkpoint: cannot tell them apart");
	for (int fd = 0; fd <= 2; fd++)
		CHECK(isatty(fd) && fstat(fd, &st) == 0 && st.st_rdev == parent.st_rdev,
		      "fd %d is not cr_restart's terminal %u:%u", fd, major(parent.st_rdev), minor(parent.st_rdev));
	if (had_ctty)
		CHECK(tcgetsid(0) == getsid(0), "fd 0 is not the session's controlling terminal");
	printf("terminal checked\n");
}

/* The restored robust list is the kernel's: exit marks the lock's owner dead. */
static void take_robust_lock(void)
{
	struct robust_lock *lock = (struct robust_lock *)(fshared + ROBUST_LOCK_AT);
	__atomic_store_n(&lock->futex, (uint32_t)gettid(), __ATOMIC_SEQ_CST);
}

static void check_signals(void)
{
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	CHECK(sa.sa_handler == on_usr1 && (sa.sa_flags & (SA_RESTART | SA_ONSTACK)) == (SA_RESTART | SA_ONSTACK) &&
	      sigismember(&sa.sa_mask, SIGQUIT), "SIGUSR1 disposition");
	sigaction(SIGTERM, NULL, &sa);
	CHECK(sa.sa_handler == SIG_IGN, "SIGTERM ignored");
	sigset_t now, pending;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR2) && sigismember(&now, SIGRTMIN + 1) && !sigismember(&now, SIGUSR1), "blocked mask");
	sigpending(&pending);
	CHECK(sigismember(&pending, SIGUSR2) && sigismember(&pending, SIGRTMIN + 1), "pending signals");
	stack_t ss;
	sigaltstack(NULL, &ss);
	CHECK(ss.ss_sp == altstack.ss_sp && ss.ss_size == altstack.ss_size, "sigaltstack");
	struct itimerval it;
	getitimer(ITIMER_REAL, &it);
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	const long elapsed = t.tv_sec - itimer_set_at.tv_sec;
	CHECK(it.it_interval.tv_sec == 7 && it.it_value.tv_sec <= 100 - elapsed + 1 &&
	      it.it_value.tv_sec >= 100 - elapsed - 30, "itimer %ld s left, %ld elapsed, interval %ld",
	      (long)it.it_value.tv_sec, elapsed, (long)it.it_interval.tv_sec);
	/* CPU-time timers: what is left can only have shrunk by the CPU used */
	getitimer(ITIMER_VIRTUAL, &it);
	CHECK(it.it_interval.tv_sec == 2 && it.it_interval.tv_usec == 500000 &&
	      it.it_value.tv_sec <= 40 && it.it_value.tv_sec >= 30, "ITIMER_VIRTUAL %ld.%06ld s left, interval %ld.%06ld",
	      (long)it.it_value.tv_sec, (long)it.it_value.tv_usec, (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec);
	getitimer(ITIMER_PROF, &it);
	CHECK(it.it_interval.tv_sec == 0 && it.it_interval.tv_usec == 0 &&
	      it.it_value.tv_sec <= 50 && it.it_value.tv_sec >= 40, "ITIMER_PROF %ld.%06ld s left, interval %ld.%06ld",
	      (long)it.it_value.tv_sec, (long)it.it_value.tv_usec, (long)it.it_interval.tv_sec, (long)it.it_interval.tv_usec);
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN + 1);
	sigprocmask(SIG_UNBLOCK, &rt, NULL);
	CHECK(rt_value == 42, "queued signal value %d", (int)rt_value);
}

#ifdef __x86_64__
/* The upper halves of the ymm registers exist only in XSAVE's AVX area. */
static int have_avx(void)
{
	unsigned int a, b, c, d, lo, hi;
	__cpuid(1, a, b, c, d);
	if (!(c & bit_AVX) || !(c & bit_OSXSAVE))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

/*
 * Registers that live across a blocking system call, set and checked in
 * asm: general registers, xmm9, and all 256 bits of ymm9 where AVX is on.
 */
static int wait_with_registers(void)
{
	static const uint64_t x[4] = {0x1122334455667788ull, 0x99aabbccddeeff00ull,
				      0x0f1e2d3c4b5a6978ull, 0x8796a5b4c3d2e1f0ull};
	uint64_t r12, r13, r14, r15, out[4] = {0};
	const uint64_t avx = have_avx();
	struct timespec pause = {0, 50 * 1000 * 1000};
	for (;;) {
		if (access("../go", F_OK) == 0)
			break;
		__asm__ volatile("movdqu %[x], %%xmm9\n\t"
				 "test %[avx], %[avx]\n\tjz 1f\n\tvmovdqu %[x], %%ymm9\n1:\n\t"
				 "mov $0x1212, %%r12\n\tmov $0x1313, %%r13\n\tmov $0x1414, %%r14\n\tmov $0x1515, %%r15\n\t"
				 "mov %[nr], %%eax\n\tmov %[req], %%rdi\n\txor %%esi, %%esi\n\tsyscall\n\t"
				 "mov %%r12, %[a]\n\tmov %%r13, %[b]\n\tmov %%r14, %[c]\n\tmov %%r15, %[d]\n\t"
				 "movdqu %%xmm9, %[o]\n\t"
				 "test %[avx], %[avx]\n\tjz 2f\n\tvmovdqu %%ymm9, %[o]\n2:"
				 : [a] "=m"(r12), [b] "=m"(r13), [c] "=m"(r14), [d] "=m"(r15), [o] "=m"(out)
				 : [x] "m"(x), [nr] "i"(SYS_nanosleep), [req] "r"(&pause), [avx] "r"(avx)
				 : "rax", "rdi", "rsi", "rcx", "r11", "r12", "r13", "r14", "r15", "xmm9", "memory", "cc");
		if (r12 != 0x1212 || r13 != 0x1313 || r14 != 0x1414 || r15 != 0x1515 ||
		    out[0] != x[0] || out[1] != x[1] || (avx && (out[2] != x[2] || out[3] != x[3]))) {
			printf("FAIL registers: r12 %lx r13 %lx r14 %lx r15 %lx %cmm9 %lx:%lx:%lx:%lx\n",
			       r12, r13, r14, r15, avx ? 'y' : 'x', out[3], out[2], out[1], out[0]);
			return 1;
		}
	}
	printf("registers checked%s\n", avx ? " (AVX: ymm9)" : "");
	return 0;
}

/* MXCSR and the x87 control word: round toward zero. */
static const unsigned int mxcsr = 0x1f80 | (3u << 13);
static const unsigned short fcw = 0x0f7f;
static void set_fp_control(void)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	__asm__ volatile("fldcw %0" : : "m"(fcw));
}

static void check_fp_control(void)
{
	unsigned int now;
	unsigned short fcw_now;
	__asm__ volatile("stmxcsr %0" : "=m"(now));
	CHECK(now == mxcsr, "MXCSR %x", now);
	__asm__ volatile("fnstcw %0" : "=m"(fcw_now));
	CHECK(fcw_now == fcw, "x87 control word %x", fcw_now);
}
#else
/*
 * Registers that live across a blocking system call, set and checked in
 * asm: x9-x15 and x19-x28 (svc preserves every register but x0) and all
 * 128 bits of v9 and v31.
 */
static int wait_with_registers(void)
{
	static const uint64_t v[4] = {0x1122334455667788ull, 0x99aabbccddeeff00ull,
				      0x0f1e2d3c4b5a6978ull, 0x8796a5b4c3d2e1f0ull};
	/* x9-x15, x19-x28 */
	static const int numbers[17] = {9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};
	uint64_t got[17], out[4];
	struct timespec pause = {0, 50 * 1000 * 1000};
	for (;;) {
		if (access("../go", F_OK) == 0)
			break;
#define SET(n) "mov x" #n ", #0x" #n #n "\n\tmovk x" #n ", #0x" #n #n ", lsl #48\n\t"
		__asm__ volatile("ldp q9, q31, [%[v]]\n\t"
				 SET(9) SET(10) SET(11) SET(12) SET(13) SET(14) SET(15)
				 SET(19) SET(20) SET(21) SET(22) SET(23) SET(24) SET(25) SET(26) SET(27) SET(28)
				 "mov x8, %[nr]\n\tmov x0, %[req]\n\tmov x1, xzr\n\tsvc #0\n\t"
				 "stp x9, x10, [%[g]]\n\tstp x11, x12, [%[g], #16]\n\tstp x13, x14, [%[g], #32]\n\t"
				 "stp x15, x19, [%[g], #48]\n\tstp x20, x21, [%[g], #64]\n\tstp x22, x23, [%[g], #80]\n\t"
				 "stp x24, x25, [%[g], #96]\n\tstp x26, x27, [%[g], #112]\n\tstr x28, [%[g], #128]\n\t"
				 "stp q9, q31, [%[o]]"
				 :
				 : [v] "r"(v), [g] "r"(got), [o] "r"(out), [nr] "i"(SYS_nanosleep), [req] "r"(&pause)
				 : "x0", "x1", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x19", "x20",
				   "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "v9", "v31", "memory");
#undef SET
		for (int i = 0; i < 17; i++) {
			/* what SET() put there, e.g. 0x1919 in bits 0-15 and 48-63 of x19 */
			char digits[8];
			snprintf(digits, sizeof digits, "%d%d", numbers[i], numbers[i]);
			const uint64_t quarter = strtoull(digits, NULL, 16);
			const uint64_t want = quarter << 48 | quarter;
			if (got[i] != want) {
				printf("FAIL registers: x%d %lx, expected %lx\n", numbers[i], got[i], want);
				return 1;
			}
		}
		if (memcmp(out, v, sizeof v)) {
			printf("FAIL registers: v9 %lx:%lx v31 %lx:%lx\n", out[1], out[0], out[3], out[2]);
			return 1;
		}
	}
	printf("registers checked\n");
	return 0;
}

/* FPCR: round toward zero, flush-to-zero, default NaN; FPSR: sticky flags. */
static const uint64_t fpcr = 3u << 22 | 1u << 24 | 1u << 25;
static const uint64_t fpsr = 1u << 27 | 1u << 4;	/* QC, IXC */
static void set_fp_control(void)
{
	__asm__ volatile("msr fpcr, %0\n\tmsr fpsr, %1" : : "r"(fpcr), "r"(fpsr));
}

static void check_fp_control(void)
{
	uint64_t cr, sr;
	__asm__ volatile("mrs %0, fpcr\n\tmrs %1, fpsr" : "=r"(cr), "=r"(sr));
	CHECK(cr == fpcr, "FPCR %lx", cr);
	/* flags only accumulate: the program may have raised more since */
	CHECK((sr & fpsr) == fpsr, "FPSR %lx", sr);
}
#endif

/* Uses about 4 MiB of stack, far below what was mapped at the checkpoint. */
static long grow_stack(int depth)
{
	volatile char frame[64 * 1024];
	frame[0] = (char)depth;
	frame[sizeof frame - 1] = (char)depth;
	return depth ? grow_stack(depth - 1) + frame[0] + frame[sizeof frame - 1] : 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	set_fp_control();
	/* PKRU (XSAVE component 9) where the CPU has protection keys */
	int pkey = pkey_alloc(0, PKEY_DISABLE_WRITE);
	setup();
	/* "ready" appears with the pid in it (no stdio: no malloc) */
	char line[16];
	const int ready = open("../ready.tmp", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	write(ready, line, snprintf(line, sizeof line, "%d\n", (int)getpid()));
	close(ready);
	rename("../ready.tmp", "../ready");
	failures += wait_with_registers();
	check_fp_control();
	if (pkey >= 0) {
		CHECK(pkey_get(pkey) == PKEY_DISABLE_WRITE, "PKRU: key %d rights %d", pkey, pkey_get(pkey));
		printf("PKRU checked\n");
	}
	check_memory();
	check_files();
	check_process();
	check_signals();
	check_rseq();
	check_terminal();
	/* last: it changes /proc/self/maps. The stack still grows down. */
	CHECK(grow_stack(64) == 64 * 65, "stack growth");
	printf("%s: %d failures\n", failures ? "FAIL" : "OK", failures);
	take_robust_lock();
	return failures ? 1 : 0;
}
