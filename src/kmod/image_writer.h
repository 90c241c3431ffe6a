/* SPDX-License-Identifier: GPL-2.0 */
/* Writing an image: the file header and CRC-protected records. */
#ifndef BLCR_IMAGE_WRITER_H
#define BLCR_IMAGE_WRITER_H

#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/types.h>

#include "blcr_image.h"

struct blcr_image_writer {
	struct file *file;
	loff_t pos;		/* where the next byte goes */
	u32 seq;		/* of the next record */
	/* The record being written. */
	loff_t rec_start;
	u32 rec_tag;
	u32 rec_crc;
	/* Set by the requester to abandon the checkpoint. */
	const bool *cancelled;
};

void blcr_writer_init(struct blcr_image_writer *w, struct file *file,
		      loff_t pos, const bool *cancelled);
int blcr_write_header(struct blcr_image_writer *w);
/* A record in pieces: begin, append any number of times, end. */
int blcr_record_begin(struct blcr_image_writer *w, u32 tag);
int blcr_record_append(struct blcr_image_writer *w, const void *buf, size_t len);
/*
 * Whole pages, written from where they are (no copy but the file system's
 * own): @nr bio_vecs of one full page each.
 */
int blcr_record_append_pages(struct blcr_image_writer *w, struct bio_vec *bv,
			     unsigned int nr);
int blcr_record_end(struct blcr_image_writer *w);
int blcr_write_record(struct blcr_image_writer *w, u32 tag, const void *buf,
		      size_t len);
/* Bytes of padding that make the payload of the current record page-aligned. */
size_t blcr_record_align_gap(struct blcr_image_writer *w, size_t header_len);

u32 blcr_crc32c(u32 crc, const void *buf, size_t len);

#endif
