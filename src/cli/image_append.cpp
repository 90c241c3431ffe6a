// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_append.h"

#include <cerrno>
#include <cstddef>
#include <unistd.h>

#include "blcr_image.h"
#include "crc32c.h"

namespace blcr::cli {

namespace {

int write_all(int fd, const void *buf, std::size_t len, std::uint64_t off) noexcept
{
	auto *p = static_cast<const char *>(buf);
	while (len) {
		const ssize_t n = ::pwrite(fd, p, len, static_cast<off_t>(off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		p += n;
		len -= static_cast<std::size_t>(n);
		off += static_cast<std::uint64_t>(n);
	}
	return 0;
}

}  // namespace

int RecordAppender::add(std::uint32_t tag, const void *payload, std::size_t len) noexcept
{
	blcr_record_header h{};
	h.tag = tag;
	h.length = len;
	h.seq = seq_;
	h.payload_crc = blcr::crc32c(0, payload, len);
	h.header_crc = blcr::crc32c(0, &h, offsetof(blcr_record_header, header_crc));
	if (const int err = write_all(fd_, &h, sizeof h, offset_); err)
		return err;
	if (const int err = write_all(fd_, payload, len, offset_ + sizeof h); err)
		return err;
	offset_ += sizeof h + len;
	++seq_;
	return 0;
}

}  // namespace blcr::cli
