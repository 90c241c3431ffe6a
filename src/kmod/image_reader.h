/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading an image in the kernel at restart. User space validated the whole
 * file first, but the file may change under us: every header and every
 * payload the kernel interprets is checked again here.
 */
#ifndef BLCR_IMAGE_READER_H
#define BLCR_IMAGE_READER_H

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

#endif
