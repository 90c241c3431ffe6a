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
 * cpu_features[] of BLCR_ARCH_X86_64 (other arches: all zero, meaning "no
 * requirement", until they define theirs):
 *   [0] XCR0 bits (xfeatures) the saved FPU state uses
 *   [1] FPU state format, BLCR_FPU_FMT_*
 *   [2] size in bytes of the saved FPU/xstate area
 *   [3] zero
 */
#define BLCR_X86_CPU_XFEATURES 0
#define BLCR_X86_CPU_FPU_FORMAT 1
#define BLCR_X86_CPU_XSTATE_SIZE 2
#define BLCR_FPU_FMT_NONE 0
#define BLCR_FPU_FMT_FXSAVE 1	/* 512-byte legacy area only */
#define BLCR_FPU_FMT_XSAVE 2	/* standard (non-compacted) XSAVE layout */

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

/* What a reader accepts at most. */
#define BLCR_IMAGE_MAX_RECORD_LEN (1ull << 40)	/* 1 TiB of payload */
#define BLCR_IMAGE_MAX_RECORDS (1u << 24)	/* END included */
#define BLCR_IMAGE_MIN_PAGE_SIZE 4096u
#define BLCR_IMAGE_MAX_PAGE_SIZE (1u << 20)

#endif
