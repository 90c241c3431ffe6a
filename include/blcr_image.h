/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container of a blcr checkpoint image ("context file"), shared by the
 * kernel module (writer) and user space (readers). Documented in
 * docs/image-format.md.
 *
 * An image is a file header followed by records. Every multi-byte field is
 * little-endian whatever the host; there are no pointers and no implicit
 * padding. Each record is a record header and a payload whose length the
 * header gives; both carry a CRC32C (Castagnoli, reflected polynomial
 * 0x82F63B78, initial value and final xor ~0). The last record is
 * BLCR_REC_END; nothing follows it.
 *
 * Sizes, checked by the unit tests:
 *   sizeof(struct blcr_image_header) == BLCR_IMAGE_HEADER_SIZE == 512
 *   sizeof(struct blcr_record_header) == BLCR_RECORD_HEADER_SIZE == 32
 */
#ifndef BLCR_IMAGE_H
#define BLCR_IMAGE_H

#include <linux/types.h>

/*
 * Magic, the first 8 bytes: 0x89 'B' 'L' 'C' 'R' '\r' '\n' 0x1a. The high
 * byte catches 7-bit transfers, CR LF catches newline conversion, ^Z stops
 * DOS "type"; it never matches BLCR's old context files ("C\0\0\0R\0\0\0").
 */
#define BLCR_IMAGE_MAGIC "\x89" "BLCR\r\n\x1a"
#define BLCR_IMAGE_MAGIC_LEN 8

/* The one format version this header describes; readers refuse others. */
#define BLCR_IMAGE_VERSION 1

#define BLCR_IMAGE_HEADER_SIZE 512
#define BLCR_RECORD_HEADER_SIZE 32

/* Lengths of the text fields, NUL included (NUL-padded to the end). */
#define BLCR_IMAGE_RELEASE_LEN 72	/* uname -r, as blcr_handshake */
#define BLCR_IMAGE_BUILD_LEN 72		/* uname -v */
#define BLCR_IMAGE_CREATOR_LEN 32	/* BLCR_VERSION of the writer */

/* Architecture ids: BLCR's numbering, new ones appended. */
#define BLCR_ARCH_I386 1
#define BLCR_ARCH_PPC 4
#define BLCR_ARCH_X86_64 5
#define BLCR_ARCH_PPC64 6
#define BLCR_ARCH_ARM 7
#define BLCR_ARCH_ARM64 9
#define BLCR_ARCH_PPC64LE 10
/* 2 sparc, 3 alpha and 8 sparc64 were BLCR's; never reused. */

/*
 * Header flags. Bits 0-15 are compatible: a reader ignores those it does not
 * know. Bits 16-31 are incompatible: a reader refuses an image with one it
 * does not know. Version 1 defines none.
 */
#define BLCR_IMAGE_F_COMPAT_MASK 0x0000ffffu
#define BLCR_IMAGE_F_INCOMPAT_MASK 0xffff0000u
#define BLCR_IMAGE_F_KNOWN 0u

/*
 * cpu_features[] of BLCR_ARCH_X86_64 (arches without a definition below:
 * all zero, meaning "no requirement"):
 *   [0] XCR0 bits (xfeatures) the saved FPU state uses
 *   [1] FPU state format, BLCR_FPU_FMT_*
 *   [2] size in bytes of the saved FPU/xstate area
 *   [3] instruction-set CPUID bits: CPUID.7.0:EBX << 32 | CPUID.1:ECX
 * Restart refuses a CPU lacking an XCR0 bit of [0] or an instruction-set
 * bit of [3] that the image's CPU had: the program may have chosen code
 * paths (glibc's ifuncs) that use them.
 */
#define BLCR_X86_CPU_XFEATURES 0
#define BLCR_X86_CPU_FPU_FORMAT 1
#define BLCR_X86_CPU_XSTATE_SIZE 2
#define BLCR_X86_CPU_CPUID 3
#define BLCR_FPU_FMT_NONE 0
#define BLCR_FPU_FMT_FXSAVE 1	/* 512-byte legacy area only */
#define BLCR_FPU_FMT_XSAVE 2	/* standard (non-compacted) XSAVE layout */

/*
 * cpu_features[] of BLCR_ARCH_ARM64: the hwcaps of the checkpointing CPU
 * (what the program may have chosen code paths on); [2] and [3] are zero.
 * Restart refuses a CPU lacking one of them.
 */
#define BLCR_ARM64_CPU_HWCAP 0	/* AT_HWCAP */
#define BLCR_ARM64_CPU_HWCAP2 1	/* AT_HWCAP2 */

/* Offset 0, BLCR_IMAGE_HEADER_SIZE bytes. */
struct blcr_image_header {
	__u8 magic[BLCR_IMAGE_MAGIC_LEN];	/*   0: BLCR_IMAGE_MAGIC */
	__le32 format_version;		/*   8: BLCR_IMAGE_VERSION */
	__le32 header_size;		/*  12: BLCR_IMAGE_HEADER_SIZE */
	__le32 arch;			/*  16: BLCR_ARCH_* */
	__le32 flags;			/*  20: BLCR_IMAGE_F_* */
	__le32 page_size;		/*  24: of the checkpointed system */
	__le32 nr_procs;		/*  28: processes in the image */
	__le64 time_ns;			/*  32: checkpoint time, ns since the epoch */
	__le32 header_crc;		/*  40: CRC32C of the header, this field 0 */
	__le32 vdso_size;		/*  44: bytes of the vDSO, 0 if unrecorded */
	__le32 vdso_crc;		/*  48: CRC32C of the vDSO, 0 if unrecorded */
	__le32 reserved0;		/*  52: zero */
	__le64 cpu_features[4];		/*  56: arch-defined, see above */
	char kernel_release[BLCR_IMAGE_RELEASE_LEN];	/*  88: uname -r */
	char kernel_build[BLCR_IMAGE_BUILD_LEN];	/* 160: uname -v */
	char creator_version[BLCR_IMAGE_CREATOR_LEN];	/* 232: BLCR_VERSION */
	__u8 reserved[248];		/* 264: zero */
};					/* 512 */

/*
 * Record tags. 0 is never a tag (a zeroed region is not a record). Tags are
 * grouped in ranges of 0x100 by subject; the ranges marked reserved get their
 * tags and payloads with the code that saves and restores that resource.
 */
#define BLCR_REC_END 0x0001	/* last record; empty payload */
#define BLCR_REC_PAD 0x0002	/* zero payload; aligns the next payload to a page */
#define BLCR_REC_RANGE_CONTAINER 0x0000	/* 0x0001-0x00ff: the container itself */
#define BLCR_REC_RANGE_PROCESS 0x0100	/* reserved: process tree, ids, credentials */
#define BLCR_REC_RANGE_THREAD 0x0200	/* reserved: registers, FPU, TLS, sigmask */
#define BLCR_REC_RANGE_MM 0x0300	/* reserved: mm and memory map (VMAs) */
#define BLCR_REC_RANGE_PAGES 0x0400	/* reserved: page data */
#define BLCR_REC_RANGE_FILES 0x0500	/* reserved: fd table, files, pipes */
#define BLCR_REC_RANGE_SIGNALS 0x0600	/* reserved: handlers, pending signals */
#define BLCR_REC_RANGE_MISC 0x0700	/* reserved: fs (cwd, root, umask), timers, limits */
#define BLCR_REC_RANGE_SIZE 0x0100
/* 0x0800 and above: reserved for future ranges. */

/*
 * Record flags. BLCR_REC_F_SKIPPABLE: a restart that does not know the tag
 * may skip the record; without it, an unknown tag makes restart refuse the
 * image. Other bits are zero in version 1.
 */
#define BLCR_REC_F_SKIPPABLE 0x0001u
#define BLCR_REC_F_KNOWN BLCR_REC_F_SKIPPABLE

/* Precedes each payload; the first one is at offset BLCR_IMAGE_HEADER_SIZE. */
struct blcr_record_header {
	__le32 tag;		/*  0: BLCR_REC_* */
	__le32 flags;		/*  4: BLCR_REC_F_* */
	__le64 length;		/*  8: payload bytes, following this header */
	__le32 seq;		/* 16: index of the record, from 0 */
	__le32 payload_crc;	/* 20: CRC32C of the payload */
	__le32 reserved;	/* 24: zero */
	__le32 header_crc;	/* 28: CRC32C of bytes 0-27 of this header */
};			/* 32 */

/*
 * Payloads. A process is a run of records, in this order: the kernel's
 * (per thread, the thread-group leader first: THREAD, CPU_REGS, CPU_FPU,
 * its own SIGPENDING*; then SIGHAND, the process-wide SIGPENDING*, MM,
 * then VMA each followed by its PAGES if any), then PROCESS and FD*. Fixed
 * parts are followed by the variable parts their *_len fields announce
 * (strings include their NUL). Written by:
 *   user space (cr_checkpoint, from /proc): PROCESS, FD
 *   the kernel (the target's threads themselves, parked): everything else
 */

/* BLCR_REC_PROCESS: identity and per-process settings. + cwd, exe */
#define BLCR_REC_PROCESS 0x0100
#define BLCR_NR_RLIMITS 16
struct blcr_rec_process {
	__le32 pid;
	__le32 ppid;
	__le32 pgid;
	__le32 sid;
	__le32 uid;
	__le32 gid;
	__le32 umask;
	__le32 personality;
	__le32 nr_threads;
	__le32 cwd_len;
	__le32 exe_len;
	__le32 reserved;
	char comm[16];
	struct {
		__le64 cur;
		__le64 max;
	} rlim[BLCR_NR_RLIMITS];	/* RLIM_INFINITY is ~0 */
};

/* BLCR_REC_THREAD: per-thread kernel state other than registers. */
#define BLCR_REC_THREAD 0x0200
/* arch: x86_64 struct user_regs_struct; arm64 struct user_pt_regs, TPIDR_EL0 */
#define BLCR_REC_CPU_REGS 0x0201
/* arch: x86 FXSAVE or XSAVE standard area; arm64 struct user_fpsimd_state */
#define BLCR_REC_CPU_FPU 0x0202

/* What an interrupted system call waits to resume (restart_block). */
#define BLCR_RESTART_NONE 0
#define BLCR_RESTART_NANOSLEEP 1	/* args: clockid, type, rmtp */
#define BLCR_RESTART_POLL 2		/* args: ufds, nfds, has_timeout */
#define BLCR_RESTART_FUTEX 3		/* args: uaddr, val, flags, bitset, uaddr2 */

struct blcr_rec_thread {
	__le32 tid;
	__le32 pdeath_signal;
	__le64 sigblocked;		/* bit n-1: signal n */
	__le64 sas_ss_sp;
	__le64 sas_ss_size;
	__le32 sas_ss_flags;
	__le32 rseq_len;
	__le64 rseq;
	__le32 rseq_sig;
	__le32 restart_kind;		/* BLCR_RESTART_* */
	__le64 robust_list;
	__le64 robust_list_len;
	__le64 clear_child_tid;
	/*
	 * Timeout of the interrupted call: with BLCR_RESTART_F_ABSOLUTE an
	 * absolute CLOCK_REALTIME time, else what was left of it.
	 */
	__le64 restart_ns;
	__le32 restart_flags;		/* BLCR_RESTART_F_* */
	__le32 reserved;
	__le64 restart_args[6];
};
#define BLCR_RESTART_F_TIMEOUT 0x1	/* restart_ns is meaningful */
#define BLCR_RESTART_F_ABSOLUTE 0x2

/* BLCR_REC_SIGHAND: dispositions and the process-wide signal state. */
#define BLCR_REC_SIGHAND 0x0600
#define BLCR_REC_SIGPENDING 0x0601
#define BLCR_NSIG 64
struct blcr_rec_sigaction {
	__le64 handler;
	__le64 flags;
	__le64 restorer;
	__le64 mask;
};
struct blcr_rec_sighand {
	struct blcr_rec_sigaction action[BLCR_NSIG];
	__le64 itimer_real_ns;		/* remaining; 0: disarmed */
	__le64 itimer_real_interval_ns;
	__le64 itimer_virt_ns;		/* ITIMER_VIRTUAL: user CPU time left */
	__le64 itimer_virt_interval_ns;
	__le64 itimer_prof_ns;		/* ITIMER_PROF: user+system CPU time left */
	__le64 itimer_prof_interval_ns;
};
/* One queued signal; siginfo is the user-space siginfo_t, 128 bytes. */
struct blcr_rec_sigpending {
	__le32 signo;
	__le32 shared;			/* 1: process-wide queue */
	__u8 siginfo[128];
};

/* BLCR_REC_MM: the address space; its VMA and PAGES records follow. */
#define BLCR_REC_MM 0x0300
#define BLCR_REC_VMA 0x0301
#define BLCR_MM_AUXV_WORDS 64
struct blcr_rec_mm {
	__le64 start_code, end_code, start_data, end_data;
	__le64 start_brk, brk, start_stack;
	__le64 arg_start, arg_end, env_start, env_end;
	__le32 nr_vmas;
	__le32 auxv_words;		/* used words of auxv[], AT_NULL pair included */
	__le32 dumpable;
	__le32 reserved;
	__le64 auxv[BLCR_MM_AUXV_WORDS];
};

/* BLCR_REC_VMA: one mapping. + path (file mappings) */
#define BLCR_VMA_PROT_READ 0x1
#define BLCR_VMA_PROT_WRITE 0x2
#define BLCR_VMA_PROT_EXEC 0x4
#define BLCR_VMA_SHARED 0x0001
#define BLCR_VMA_GROWSDOWN 0x0002
#define BLCR_VMA_FILE 0x0004		/* by reference: path, pgoff */
#define BLCR_VMA_SHMEM 0x0008		/* shared anonymous (contents saved) */
#define BLCR_VMA_SPECIAL 0x0010		/* kernel-provided ([vdso], [vvar]...): path is its name */
/* How the process set the mapping up: mmap flags and madvise()/mlock() state. */
#define BLCR_VMA_NORESERVE 0x0020	/* MAP_NORESERVE: no swap space reserved */
#define BLCR_VMA_HUGEPAGE 0x0040	/* MADV_HUGEPAGE */
#define BLCR_VMA_NOHUGEPAGE 0x0080	/* MADV_NOHUGEPAGE */
#define BLCR_VMA_DONTDUMP 0x0100	/* MADV_DONTDUMP */
#define BLCR_VMA_DONTFORK 0x0200	/* MADV_DONTFORK */
#define BLCR_VMA_WIPEONFORK 0x0400	/* MADV_WIPEONFORK */
#define BLCR_VMA_SEQ_READ 0x0800	/* MADV_SEQUENTIAL */
#define BLCR_VMA_RAND_READ 0x1000	/* MADV_RANDOM */
#define BLCR_VMA_LOCKED 0x2000		/* mlock() */
#define BLCR_VMA_LOCKONFAULT 0x4000	/* mlock2(MLOCK_ONFAULT); with LOCKED */
#define BLCR_VMA_MERGEABLE 0x8000	/* MADV_MERGEABLE (KSM) */
struct blcr_rec_vma {
	__le64 start;
	__le64 end;
	__le64 pgoff;			/* in pages */
	__le32 prot;			/* BLCR_VMA_PROT_* */
	__le32 flags;			/* BLCR_VMA_* */
	__le64 ino;			/* of a mapped file, for restart to compare */
	__le64 size;			/* of a mapped file */
	__le32 path_len;
	__le32 reserved;
};

/*
 * BLCR_REC_PAGES: the saved pages of the VMA record before it: a table of
 * runs, then (at data_offset from the start of the payload, page-aligned in
 * the file) the pages of every run one after the other.
 */
#define BLCR_REC_PAGES 0x0400
struct blcr_rec_pages {
	__le64 vma_start;
	__le32 nr_runs;
	__le32 data_offset;
};
struct blcr_rec_page_run {
	__le64 addr;
	__le64 nr_pages;
};

/* BLCR_REC_FD: one file descriptor. + path, then contents if saved */
#define BLCR_REC_FD 0x0500
#define BLCR_FD_REG 1			/* regular file, reopened by path */
#define BLCR_FD_DIR 2
#define BLCR_FD_CHR 3			/* character device, reopened by path */
#define BLCR_FD_TTY 4			/* a terminal: cr_restart's own */
#define BLCR_FD_DELETED 5		/* unlinked regular file: contents saved */
#define BLCR_FD_PIPE 6			/* a pipe end leading outside: cr_restart's stdin/stdout */
struct blcr_rec_fd {
	__le32 fd;
	__le32 kind;			/* BLCR_FD_* */
	__le32 flags;			/* open flags (O_*) */
	__le32 fd_flags;		/* FD_CLOEXEC */
	__le64 pos;
	__le64 size;			/* of the file; bytes of saved contents */
	__le64 ino;
	__le32 mode;
	__le32 path_len;
};

/* What a reader accepts at most. */
#define BLCR_IMAGE_MAX_RECORD_LEN (1ull << 40)	/* 1 TiB of payload */
#define BLCR_IMAGE_MAX_RECORDS (1u << 24)	/* END included */
#define BLCR_IMAGE_MAX_THREADS 4096u	/* per process */
#define BLCR_IMAGE_MIN_PAGE_SIZE 4096u
#define BLCR_IMAGE_MAX_PAGE_SIZE (1u << 20)

#endif
