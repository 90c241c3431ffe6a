// SPDX-License-Identifier: GPL-2.0-or-later
// A minimal image writer for the tests: builds valid images in memory, which
// the tests then read back or corrupt.
#ifndef BLCR_TEST_IMAGE_WRITER_H
#define BLCR_TEST_IMAGE_WRITER_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace blcr::test {

struct ImageParams {
	std::uint32_t version = 1;
	std::uint32_t arch = 5;  // x86_64
	std::uint32_t flags = 0;
	std::uint32_t page_size = 4096;
	std::uint32_t nr_procs = 1;
	std::uint64_t time_ns = 1700000000123456789ull;
	std::array<std::uint64_t, 4> cpu_features{0x7, 2, 832, 0};
	std::string kernel_release = "6.1.0-test-amd64";
	std::string kernel_build = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0-1 (2026-01-01)";
	std::string creator_version = "0.9.0";
};

class ImageWriter {
public:
	explicit ImageWriter(const ImageParams &p = {});
	// Appends a record; returns the offset of its header.
	std::size_t add(std::uint32_t tag, const std::vector<std::uint8_t> &payload,
			std::uint32_t flags = 0);
	// Appends a PAD so that the next record's payload starts on a page.
	void pad_to_page();
	void end();
	const std::vector<std::uint8_t> &bytes() const { return buf_; }

	// Fixes the header CRC after a test changed header bytes on purpose.
	static void reseal_header(std::vector<std::uint8_t> &image);

private:
	std::vector<std::uint8_t> buf_;
	std::uint32_t page_size_;
	std::uint32_t seq_ = 0;
};

void put32(std::uint8_t *p, std::uint32_t v);
void put64(std::uint8_t *p, std::uint64_t v);

}  // namespace blcr::test

#endif
