// SPDX-License-Identifier: GPL-2.0-or-later
// make_image DIR: writes sample images for cr_info_image.sh: valid.img and
// corrupt.img (one payload bit flipped in record 1).
#include <cstdio>
#include <string>

#include "blcr_image.h"
#include "image_writer.h"

namespace {

bool save(const std::string &path, const std::vector<std::uint8_t> &b)
{
	std::FILE *f = std::fopen(path.c_str(), "wb");
	if (f == nullptr)
		return false;
	const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
	return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: make_image DIR\n");
		return 2;
	}
	const std::string dir = argv[1];
	blcr::test::ImageWriter w;
	w.add(BLCR_REC_RANGE_PROCESS + 1, std::vector<std::uint8_t>(64, 0x11));
	const std::size_t second = w.add(BLCR_REC_RANGE_THREAD + 1, std::vector<std::uint8_t>(16, 0x22));
	w.pad_to_page();
	w.add(BLCR_REC_RANGE_PAGES + 1, std::vector<std::uint8_t>(8192, 0x33));
	w.end();
	std::vector<std::uint8_t> bad = w.bytes();
	bad[second + BLCR_RECORD_HEADER_SIZE + 3] ^= 0x04;
	return save(dir + "/valid.img", w.bytes()) && save(dir + "/corrupt.img", bad) ? 0 : 1;
}
