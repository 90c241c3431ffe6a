// SPDX-License-Identifier: GPL-2.0
/*
 * The image writer (include/blcr_image.h, docs/image-format.md). Record
 * headers carry the payload length and CRC, so each is written after its
 * payload, into the 32 bytes left for it.
 */
#include <linux/bvec.h>
#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "arch_interface.h"
#include "blcr_version.h"
#include "compat.h"
#include "image_writer.h"

/* CRC32C with the image's conventions: ~0 in, ~0 out. */
u32 blcr_crc32c(u32 crc, const void *buf, size_t len)
{
	return ~__crc32c_le(~crc, buf, len);
}

void blcr_writer_init(struct blcr_image_writer *w, struct file *file,
		      loff_t pos, const bool *cancelled)
{
	memset(w, 0, sizeof(*w));
	w->file = file;
	w->pos = pos;
	w->cancelled = cancelled;
}

static int write_at(struct blcr_image_writer *w, const void *buf, size_t len,
		    loff_t pos)
{
	while (len) {
		ssize_t n;

		if (READ_ONCE(*w->cancelled))
			return -ECANCELED;
		if (fatal_signal_pending(current))
			return -EINTR;
		n = kernel_write(w->file, buf, min_t(size_t, len, SZ_1M), &pos);
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

int blcr_write_header(struct blcr_image_writer *w)
{
	struct blcr_image_header *h;
	const void *vdso;
	size_t vdso_size;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	memcpy(h->magic, BLCR_IMAGE_MAGIC, BLCR_IMAGE_MAGIC_LEN);
	h->format_version = cpu_to_le32(BLCR_IMAGE_VERSION);
	h->header_size = cpu_to_le32(BLCR_IMAGE_HEADER_SIZE);
	h->arch = cpu_to_le32(BLCR_ARCH_ID);
	h->page_size = cpu_to_le32(PAGE_SIZE);
	h->nr_procs = cpu_to_le32(1);
	h->time_ns = cpu_to_le64(ktime_get_real_ns());
	blcr_arch_vdso(current->mm, &vdso, &vdso_size);
	if (vdso) {
		h->vdso_size = cpu_to_le32(vdso_size);
		h->vdso_crc = cpu_to_le32(blcr_crc32c(0, vdso, vdso_size));
	}
	blcr_arch_cpu_features(h->cpu_features);
	strscpy(h->kernel_release, utsname()->release, sizeof(h->kernel_release));
	strscpy(h->kernel_build, utsname()->version, sizeof(h->kernel_build));
	strscpy(h->creator_version, BLCR_VERSION, sizeof(h->creator_version));
	h->header_crc = cpu_to_le32(blcr_crc32c(0, h, sizeof(*h)));
	err = write_at(w, h, sizeof(*h), w->pos);
	if (!err)
		w->pos += sizeof(*h);
	kfree(h);
	return err;
}

int blcr_record_begin(struct blcr_image_writer *w, u32 tag)
{
	w->rec_start = w->pos;
	w->rec_tag = tag;
	w->rec_crc = 0;
	w->pos += BLCR_RECORD_HEADER_SIZE;
	return 0;
}

int blcr_record_append(struct blcr_image_writer *w, const void *buf, size_t len)
{
	int err = write_at(w, buf, len, w->pos);

	if (err)
		return err;
	w->rec_crc = blcr_crc32c(w->rec_crc, buf, len);
	w->pos += len;
	return 0;
}

int blcr_record_append_pages(struct blcr_image_writer *w, struct bio_vec *bv,
			     unsigned int nr)
{
	struct iov_iter from;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(bv[i].bv_page);

		w->rec_crc = blcr_crc32c(w->rec_crc, p, PAGE_SIZE);
		kunmap_local(p);
	}
	iov_iter_bvec(&from, ITER_SOURCE, bv, nr, (size_t)nr * PAGE_SIZE);
	while (iov_iter_count(&from)) {
		ssize_t n;

		if (READ_ONCE(*w->cancelled))
			return -ECANCELED;
		if (fatal_signal_pending(current))
			return -EINTR;
		n = blcr_iter_write(w->file, &from, &w->pos);
		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
	}
	return 0;
}

int blcr_record_end(struct blcr_image_writer *w)
{
	struct blcr_record_header h = {
		.tag = cpu_to_le32(w->rec_tag),
		.length = cpu_to_le64(w->pos - w->rec_start - sizeof(h)),
		.seq = cpu_to_le32(w->seq),
		.payload_crc = cpu_to_le32(w->rec_crc),
	};
	int err;

	h.header_crc = cpu_to_le32(blcr_crc32c(0, &h, offsetof(typeof(h), header_crc)));
	err = write_at(w, &h, sizeof(h), w->rec_start);
	if (!err)
		w->seq++;
	return err;
}

int blcr_write_record(struct blcr_image_writer *w, u32 tag, const void *buf,
		      size_t len)
{
	int err = blcr_record_begin(w, tag);

	if (!err)
		err = blcr_record_append(w, buf, len);
	if (!err)
		err = blcr_record_end(w);
	return err;
}

size_t blcr_record_align_gap(struct blcr_image_writer *w, size_t header_len)
{
	loff_t data = w->pos + header_len;

	return ALIGN(data, PAGE_SIZE) - data;
}
