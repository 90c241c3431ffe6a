// SPDX-License-Identifier: GPL-2.0-or-later
// Appending records to an image after the kernel's (docs/image-format.md).
#ifndef BLCR_CLI_IMAGE_APPEND_H
#define BLCR_CLI_IMAGE_APPEND_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace blcr::cli {

class RecordAppender {
public:
	RecordAppender(int fd, std::uint64_t offset, std::uint32_t seq) noexcept
		: fd_(fd), offset_(offset), seq_(seq) {}
	// 0 or an errno.
	int add(std::uint32_t tag, const void *payload, std::size_t len) noexcept;
	int add(std::uint32_t tag, const std::vector<std::uint8_t> &payload) noexcept
	{
		return add(tag, payload.data(), payload.size());
	}
	std::uint64_t offset() const noexcept { return offset_; }

private:
	int fd_;
	std::uint64_t offset_;
	std::uint32_t seq_;
};

// Appends a fixed struct and the strings after it (each with its NUL).
template <typename T>
std::vector<std::uint8_t> record_bytes(const T &fixed, const std::vector<const std::string *> &strings)
{
	std::vector<std::uint8_t> out(sizeof(T));
	std::copy_n(reinterpret_cast<const std::uint8_t *>(&fixed), sizeof(T), out.begin());
	for (const std::string *s : strings)
		out.insert(out.end(), s->c_str(), s->c_str() + s->size() + 1);
	return out;
}

}  // namespace blcr::cli

#endif
