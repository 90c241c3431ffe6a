// SPDX-License-Identifier: GPL-2.0
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "compat.h"
#include "image_reader.h"
#include "image_writer.h"

static int read_exact(struct file *file, void *buf, size_t len, loff_t pos)
{
	while (len) {
		ssize_t n = kernel_read(file, buf, len, &pos);

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * What kernel_read() reads without complaint: it warns about a file not open
 * for reading and one without read_iter (or with read too), and would block
 * on a pipe; an image is a plain regular file.
 */
bool blcr_reader_file_ok(struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode) && (file->f_mode & FMODE_READ) &&
	       (file->f_mode & FMODE_CAN_READ) && file->f_op->read_iter && !file->f_op->read;
}

int blcr_reader_init(struct blcr_image_reader *r, struct file *file,
		     loff_t pos, const char **why)
{
	memset(r, 0, sizeof(*r));
	r->file = file;
	r->pos = pos;
	r->size = i_size_read(file_inode(file));
	if (!blcr_reader_file_ok(file)) {
		*why = "the image is not a regular file open for reading";
		return -EINVAL;
	}
	if (pos < BLCR_IMAGE_HEADER_SIZE || pos >= r->size) {
		*why = "bad record offset";
		return -EINVAL;
	}
	return 0;
}

int blcr_reader_next(struct blcr_image_reader *r, const char **why)
{
	struct blcr_record_header h;
	int err;

	if (r->size - r->pos < (loff_t)sizeof(h)) {
		*why = "image is truncated";
		return -EINVAL;
	}
	err = read_exact(r->file, &h, sizeof(h), r->pos);
	if (err) {
		*why = "cannot read the image";
		return err;
	}
	if (le32_to_cpu(h.header_crc) !=
	    blcr_crc32c(0, &h, offsetof(typeof(h), header_crc))) {
		*why = "record header checksum mismatch";
		return -EINVAL;
	}
	r->tag = le32_to_cpu(h.tag);
	r->seq = le32_to_cpu(h.seq);
	r->length = le64_to_cpu(h.length);
	r->payload_crc = le32_to_cpu(h.payload_crc);
	r->payload = r->pos + sizeof(h);
	if (r->length > (u64)(r->size - r->payload)) {
		*why = "record runs past the end of the image";
		return -EINVAL;
	}
	r->pos = r->payload + r->length;
	return 0;
}

int blcr_reader_payload(struct blcr_image_reader *r, size_t max, void **buf,
			const char **why)
{
	void *p;
	int err;

	*buf = NULL;
	if (r->length > max) {
		*why = "record is larger than allowed";
		return -EINVAL;
	}
	p = kvmalloc(r->length ? r->length : 1, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = read_exact(r->file, p, r->length, r->payload);
	if (err) {
		*why = "cannot read the image";
		goto fail;
	}
	if (blcr_crc32c(0, p, r->length) != r->payload_crc) {
		*why = "record checksum mismatch";
		err = -EINVAL;
		goto fail;
	}
	*buf = p;
	return 0;
fail:
	kvfree(p);
	return err;
}

int blcr_reader_payload_fixed(struct blcr_image_reader *r, void *buf,
			      size_t len, const char **why)
{
	void *p;
	int err;

	if (r->length != len) {
		*why = "record has the wrong size";
		return -EINVAL;
	}
	err = blcr_reader_payload(r, len, &p, why);
	if (err)
		return err;
	memcpy(buf, p, len);
	kvfree(p);
	return 0;
}

int blcr_reader_pages(struct file *file, loff_t *pos, struct bio_vec *bv,
		      unsigned int nr, u32 *crc)
{
	struct iov_iter to;
	unsigned int i;

	iov_iter_bvec(&to, ITER_DEST, bv, nr, (size_t)nr * PAGE_SIZE);
	while (iov_iter_count(&to)) {
		ssize_t n = vfs_iter_read(file, &to, pos, 0);

		if (n < 0)
			return n;
		if (n == 0)
			return -EIO;	/* the file shrank */
	}
	for (i = 0; i < nr; i++) {
		void *p = kmap_local_page(bv[i].bv_page);

		*crc = blcr_crc32c(*crc, p, PAGE_SIZE);
		kunmap_local(p);
		/* Written through the kernel's mapping, read through the user's. */
		flush_dcache_page(bv[i].bv_page);
	}
	return 0;
}
