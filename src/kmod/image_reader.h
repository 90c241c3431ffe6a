/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an image in the kernel at restart. User space checked every record
 * but page data first, but the file may change under us: every header and
 * every payload the kernel interprets is checked again here, and page data
 * as it is read into place.
 */
#ifndef BLCR_IMAGE_READER_H
#define BLCR_IMAGE_READER_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/types.h>

#include "blcr_image.h"

struct blcr_image_reader {
	struct file *file;
	loff_t pos;		/* of the next record header */
	loff_t size;		/* of the file */
	/* The current record. */
	u32 tag;
	u32 seq;
	u64 length;
	loff_t payload;		/* file offset of its payload */
	u32 payload_crc;
};

/* Whether @file is a regular file the reader may read: check before any read. */
bool blcr_reader_file_ok(struct file *file);
int blcr_reader_init(struct blcr_image_reader *r, struct file *file,
		     loff_t pos, const char **why);
/* Reads the next record header; its payload is left for the caller. */
int blcr_reader_next(struct blcr_image_reader *r, const char **why);
/*
 * The whole payload of the current record, of at most @max bytes, CRC
 * checked, into a new buffer (kvfree it).
 */
int blcr_reader_payload(struct blcr_image_reader *r, size_t max, void **buf,
			const char **why);
/* Exactly @len bytes of the current payload into @buf, CRC checked. */
int blcr_reader_payload_fixed(struct blcr_image_reader *r, void *buf,
			      size_t len, const char **why);
/*
 * @nr whole pages of @file from *@pos (advanced) straight into the pages of
 * @bv (one full page each), continuing the CRC32C @crc over them.
 */
int blcr_reader_pages(struct file *file, loff_t *pos, struct bio_vec *bv,
		      unsigned int nr, u32 *crc);

#endif
