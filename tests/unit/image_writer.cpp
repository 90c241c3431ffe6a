// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_writer.h"

#include <cstddef>
#include <algorithm>
#include <cstring>

#include "blcr_image.h"
#include "crc32c.h"

namespace blcr::test {

void put32(std::uint8_t *p, std::uint32_t v)
{
	for (int i = 0; i < 4; ++i)
		p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void put64(std::uint8_t *p, std::uint64_t v)
{
	put32(p, static_cast<std::uint32_t>(v));
	put32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

ImageWriter::ImageWriter(const ImageParams &p) : buf_(BLCR_IMAGE_HEADER_SIZE), page_size_(p.page_size)
{
	std::uint8_t *h = buf_.data();
	std::memcpy(h, BLCR_IMAGE_MAGIC, BLCR_IMAGE_MAGIC_LEN);
	put32(h + offsetof(blcr_image_header, format_version), p.version);
	put32(h + offsetof(blcr_image_header, header_size), BLCR_IMAGE_HEADER_SIZE);
	put32(h + offsetof(blcr_image_header, arch), p.arch);
	put32(h + offsetof(blcr_image_header, flags), p.flags);
	put32(h + offsetof(blcr_image_header, page_size), p.page_size);
	put32(h + offsetof(blcr_image_header, nr_procs), p.nr_procs);
	put64(h + offsetof(blcr_image_header, time_ns), p.time_ns);
	for (std::size_t i = 0; i < 4; ++i)
		put64(h + offsetof(blcr_image_header, cpu_features) + 8 * i, p.cpu_features[i]);
	std::memcpy(h + offsetof(blcr_image_header, kernel_release), p.kernel_release.data(),
		    std::min<std::size_t>(p.kernel_release.size(), BLCR_IMAGE_RELEASE_LEN - 1));
	std::memcpy(h + offsetof(blcr_image_header, kernel_build), p.kernel_build.data(),
		    std::min<std::size_t>(p.kernel_build.size(), BLCR_IMAGE_BUILD_LEN - 1));
	std::memcpy(h + offsetof(blcr_image_header, creator_version), p.creator_version.data(),
		    std::min<std::size_t>(p.creator_version.size(), BLCR_IMAGE_CREATOR_LEN - 1));
	reseal_header(buf_);
}

void ImageWriter::reseal_header(std::vector<std::uint8_t> &image)
{
	std::uint8_t *crc = image.data() + offsetof(blcr_image_header, header_crc);
	put32(crc, 0);
	put32(crc, crc32c(0, image.data(), BLCR_IMAGE_HEADER_SIZE));
}

std::size_t ImageWriter::add(std::uint32_t tag, const std::vector<std::uint8_t> &payload,
			     std::uint32_t flags)
{
	const std::size_t at = buf_.size();
	buf_.resize(at + BLCR_RECORD_HEADER_SIZE);
	std::uint8_t *h = buf_.data() + at;
	put32(h + offsetof(blcr_record_header, tag), tag);
	put32(h + offsetof(blcr_record_header, flags), flags);
	put64(h + offsetof(blcr_record_header, length), payload.size());
	put32(h + offsetof(blcr_record_header, seq), seq_++);
	put32(h + offsetof(blcr_record_header, payload_crc), crc32c(0, payload.data(), payload.size()));
	put32(h + offsetof(blcr_record_header, header_crc),
	      crc32c(0, h, offsetof(blcr_record_header, header_crc)));
	buf_.insert(buf_.end(), payload.begin(), payload.end());
	return at;
}

void ImageWriter::pad_to_page()
{
	const std::size_t payload_at = buf_.size() + 2 * BLCR_RECORD_HEADER_SIZE;
	const std::size_t len = (page_size_ - payload_at % page_size_) % page_size_;
	add(BLCR_REC_PAD, std::vector<std::uint8_t>(len, 0));
}

void ImageWriter::end()
{
	add(BLCR_REC_END, {});
}

}  // namespace blcr::test
