// SPDX-License-Identifier: GPL-2.0-or-later
// The image container: layout, CRC32C, reading back what the test writer
// wrote, and hundreds of corruptions that must all be refused.
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "blcr_errcodes.h"
#include "blcr_image.h"
#include "crc32c.h"
#include "image_reader.h"
#include "image_writer.h"

using blcr::test::ImageParams;
using blcr::test::ImageWriter;
using Bytes = std::vector<std::uint8_t>;
namespace img = blcr::image;

namespace {

// An fd reading back data (a memfd), or -1.
int fd_of(const Bytes &data)
{
	const int fd = ::memfd_create("image", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	std::size_t done = 0;
	while (done < data.size()) {
		const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
		if (n <= 0) {
			::close(fd);
			return -1;
		}
		done += static_cast<std::size_t>(n);
	}
	::lseek(fd, 0, SEEK_SET);
	return fd;
}

struct Result {
	int err = -1;
	std::string message;
	img::Summary summary;
	std::vector<img::RecordInfo> records;
};

Result check(const Bytes &data)
{
	Result r;
	const int fd = fd_of(data);
	REQUIRE(fd >= 0);
	r.err = img::validate(fd, r.summary, r.message,
			      [&](const img::RecordInfo &ri, img::Reader &, std::string &) {
				      r.records.push_back(ri);
				      return 0;
			      });
	::close(fd);
	return r;
}

Bytes pattern(std::size_t n, std::uint32_t seed)
{
	std::mt19937 gen(seed);
	Bytes b(n);
	for (auto &c : b)
		c = static_cast<std::uint8_t>(gen());
	return b;
}

// A valid image with a bit of everything: small records, a page-aligned page
// run larger than the reader's chunk, an empty record, a skippable one.
Bytes sample_image()
{
	ImageWriter w;
	w.add(BLCR_REC_RANGE_PROCESS + 1, pattern(100, 1));
	w.add(BLCR_REC_RANGE_THREAD + 1, pattern(7, 2));
	w.add(BLCR_REC_RANGE_MM + 1, {});
	w.pad_to_page();
	w.add(BLCR_REC_RANGE_PAGES + 1, pattern(3 * 4096 + 70000, 3));
	w.add(BLCR_REC_RANGE_FILES + 1, pattern(33, 4), BLCR_REC_F_SKIPPABLE);
	w.end();
	return w.bytes();
}

void reseal_record(Bytes &image, std::size_t at)
{
	blcr::test::put32(image.data() + at + offsetof(blcr_record_header, header_crc),
			  blcr::crc32c(0, image.data() + at, offsetof(blcr_record_header, header_crc)));
}

std::vector<std::size_t> record_offsets(const Bytes &image)
{
	const Result r = check(image);
	REQUIRE(r.err == 0);
	std::vector<std::size_t> offs;
	for (const auto &ri : r.records)
		offs.push_back(static_cast<std::size_t>(ri.offset));
	return offs;
}

}  // namespace

TEST_CASE("image structures have their documented layout", "[image]")
{
	STATIC_REQUIRE(sizeof(blcr_image_header) == 512);
	STATIC_REQUIRE(sizeof(blcr_record_header) == 32);
	STATIC_REQUIRE(BLCR_IMAGE_HEADER_SIZE == 512);
	STATIC_REQUIRE(BLCR_RECORD_HEADER_SIZE == 32);
	STATIC_REQUIRE(offsetof(blcr_image_header, format_version) == 8);
	STATIC_REQUIRE(offsetof(blcr_image_header, header_size) == 12);
	STATIC_REQUIRE(offsetof(blcr_image_header, arch) == 16);
	STATIC_REQUIRE(offsetof(blcr_image_header, flags) == 20);
	STATIC_REQUIRE(offsetof(blcr_image_header, page_size) == 24);
	STATIC_REQUIRE(offsetof(blcr_image_header, nr_procs) == 28);
	STATIC_REQUIRE(offsetof(blcr_image_header, time_ns) == 32);
	STATIC_REQUIRE(offsetof(blcr_image_header, header_crc) == 40);
	STATIC_REQUIRE(offsetof(blcr_image_header, vdso_size) == 44);
	STATIC_REQUIRE(offsetof(blcr_image_header, vdso_crc) == 48);
	STATIC_REQUIRE(offsetof(blcr_image_header, reserved0) == 52);
	STATIC_REQUIRE(offsetof(blcr_image_header, cpu_features) == 56);
	STATIC_REQUIRE(offsetof(blcr_image_header, kernel_release) == 88);
	STATIC_REQUIRE(offsetof(blcr_image_header, kernel_build) == 160);
	STATIC_REQUIRE(offsetof(blcr_image_header, creator_version) == 232);
	STATIC_REQUIRE(offsetof(blcr_image_header, reserved) == 264);
	STATIC_REQUIRE(offsetof(blcr_record_header, tag) == 0);
	STATIC_REQUIRE(offsetof(blcr_record_header, flags) == 4);
	STATIC_REQUIRE(offsetof(blcr_record_header, length) == 8);
	STATIC_REQUIRE(offsetof(blcr_record_header, seq) == 16);
	STATIC_REQUIRE(offsetof(blcr_record_header, payload_crc) == 20);
	STATIC_REQUIRE(offsetof(blcr_record_header, reserved) == 24);
	STATIC_REQUIRE(offsetof(blcr_record_header, header_crc) == 28);
	STATIC_REQUIRE(sizeof(BLCR_IMAGE_MAGIC) - 1 == BLCR_IMAGE_MAGIC_LEN);
	// BLCR's arch numbers, and the appended ones.
	STATIC_REQUIRE(BLCR_ARCH_I386 == 1 && BLCR_ARCH_PPC == 4 && BLCR_ARCH_X86_64 == 5 &&
		       BLCR_ARCH_PPC64 == 6 && BLCR_ARCH_ARM == 7 && BLCR_ARCH_ARM64 == 9 &&
		       BLCR_ARCH_PPC64LE == 10);
}

TEST_CASE("CRC32C matches the known vectors", "[image][crc]")
{
	const char *check_str = "123456789";
	CHECK(blcr::crc32c(0, check_str, 9) == 0xE3069283u);
	CHECK(blcr::crc32c_portable(0, check_str, 9) == 0xE3069283u);
	CHECK(blcr::crc32c(0, nullptr, 0) == 0);
	// RFC 3720 (iSCSI) B.4 vectors.
	const Bytes zeros(32, 0), ones(32, 0xff);
	Bytes inc(32), dec(32);
	for (std::size_t i = 0; i < 32; ++i) {
		inc[i] = static_cast<std::uint8_t>(i);
		dec[i] = static_cast<std::uint8_t>(31 - i);
	}
	CHECK(blcr::crc32c(0, zeros.data(), 32) == 0x8A9136AAu);
	CHECK(blcr::crc32c(0, ones.data(), 32) == 0x62A8AB43u);
	CHECK(blcr::crc32c(0, inc.data(), 32) == 0x46DD794Eu);
	CHECK(blcr::crc32c(0, dec.data(), 32) == 0x113FDB5Cu);

	// The fast path, the portable one and incremental use agree.
	const Bytes data = pattern(5000, 42);
	std::mt19937 gen(7);
	for (int i = 0; i < 200; ++i) {
		const std::size_t off = gen() % 64, len = gen() % (data.size() - 64);
		const std::size_t cut = len ? gen() % len : 0;
		const std::uint32_t whole = blcr::crc32c(0, data.data() + off, len);
		REQUIRE(blcr::crc32c_portable(0, data.data() + off, len) == whole);
		const std::uint32_t part = blcr::crc32c(0, data.data() + off, cut);
		REQUIRE(blcr::crc32c(part, data.data() + off + cut, len - cut) == whole);
		REQUIRE(blcr::crc32c_portable(part, data.data() + off + cut, len - cut) == whole);
	}
}

TEST_CASE("images read back as written", "[image]")
{
	const Bytes image = sample_image();
	const Result r = check(image);
	INFO(r.message);
	REQUIRE(r.err == 0);
	const img::HeaderInfo &h = r.summary.header;
	const ImageParams p;
	CHECK(h.version == 1);
	CHECK(h.arch == BLCR_ARCH_X86_64);
	CHECK(h.page_size == 4096);
	CHECK(h.nr_procs == 1);
	CHECK(h.time_ns == p.time_ns);
	CHECK(h.cpu_features == p.cpu_features);
	CHECK(h.kernel_release == p.kernel_release);
	CHECK(h.kernel_build == p.kernel_build);
	CHECK(h.creator_version == p.creator_version);
	CHECK(r.summary.records == 7);
	CHECK(r.summary.total_size == image.size());
	CHECK(r.summary.tags.at(BLCR_REC_END).count == 1);
	CHECK(r.summary.tags.at(BLCR_REC_PAD).count == 1);
	CHECK(r.summary.tags.at(BLCR_REC_RANGE_PAGES + 1).bytes == 3 * 4096 + 70000);
	REQUIRE(r.records.size() == 7);
	CHECK(r.records[3].tag == BLCR_REC_PAD);
	CHECK((r.records[4].offset + BLCR_RECORD_HEADER_SIZE) % 4096 == 0);
	for (std::size_t i = 0; i < r.records.size(); ++i)
		CHECK(r.records[i].seq == i);
	CHECK(r.records.back().tag == BLCR_REC_END);
	CHECK(r.records.front().offset == BLCR_IMAGE_HEADER_SIZE);
}

TEST_CASE("payloads stream out of the reader, also from a pipe", "[image]")
{
	ImageWriter w;
	const Bytes payload = pattern(20000, 9);
	w.add(BLCR_REC_RANGE_MM + 2, payload);
	w.end();
	int p[2];
	REQUIRE(::pipe(p) == 0);
	REQUIRE(::write(p[1], w.bytes().data(), w.bytes().size()) ==
		static_cast<ssize_t>(w.bytes().size()));
	::close(p[1]);
	img::Reader rd(p[0]);
	img::HeaderInfo h;
	REQUIRE(rd.read_header(h) == 0);
	img::RecordInfo ri;
	REQUIRE(rd.next_record(ri) == 0);
	CHECK(ri.length == payload.size());
	Bytes got;
	std::uint8_t buf[777];
	for (;;) {
		const ssize_t n = rd.read_payload(buf, sizeof buf);
		REQUIRE(n >= 0);
		if (n == 0)
			break;
		got.insert(got.end(), buf, buf + n);
	}
	CHECK(got == payload);
	REQUIRE(rd.next_record(ri) == 0);
	CHECK(ri.tag == BLCR_REC_END);
	CHECK(rd.finish() == 0);
	::close(p[0]);
}

TEST_CASE("page data can be seeked over unchecked, not past the end", "[image]")
{
	ImageWriter w;
	const Bytes before = pattern(300, 10), after = pattern(50, 11);
	w.add(BLCR_REC_RANGE_MM + 2, before);
	const std::size_t pages_at = w.add(BLCR_REC_PAGES, pattern(3 * 4096, 12));
	w.add(BLCR_REC_RANGE_MM + 3, after);
	w.end();
	Bytes image = w.bytes();
	// Damaged page data: only a reader that reads it can tell.
	image[pages_at + BLCR_RECORD_HEADER_SIZE + 5000] ^= 0x40;

	auto skip_pages = [](const Bytes &data, bool read_some, std::string &why) {
		const int fd = fd_of(data);
		REQUIRE(fd >= 0);
		img::Reader rd(fd);
		img::HeaderInfo h;
		img::RecordInfo ri;
		int err = rd.read_header(h);
		while (err == 0 && (err = rd.next_record(ri)) == 0 && ri.tag != BLCR_REC_PAGES)
			;
		if (err == 0 && read_some) {
			std::uint8_t buf[100];
			REQUIRE(rd.read_payload(buf, sizeof buf) == sizeof buf);
		}
		if (err == 0)
			err = rd.skip_payload_unchecked();
		if (err == 0 && (err = rd.next_record(ri)) == 0) {
			CHECK(ri.tag == BLCR_REC_RANGE_MM + 3);
			err = rd.skip_payload();
		}
		if (err == 0 && (err = rd.next_record(ri)) == 0) {
			CHECK(ri.tag == BLCR_REC_END);
			err = rd.finish();
		}
		why = rd.error();
		::close(fd);
		return err;
	};
	std::string why;
	CHECK(skip_pages(image, false, why) == 0);
	CHECK(skip_pages(image, true, why) == 0);
	CHECK(check(image).err == EINVAL);  // a full check still finds it

	const Bytes cut(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(pages_at + 1000));
	CHECK(skip_pages(cut, false, why) == EINVAL);
	CHECK(why.find("truncated record 1") == 0);
	CHECK(why.find("file ends at " + std::to_string(cut.size())) != std::string::npos);

	int p[2];
	REQUIRE(::pipe(p) == 0);
	REQUIRE(::write(p[1], image.data(), 4096) == 4096);
	img::Reader rd(p[0]);
	img::HeaderInfo h;
	img::RecordInfo ri;
	REQUIRE(rd.read_header(h) == 0);
	REQUIRE(rd.next_record(ri) == 0);
	CHECK(rd.skip_payload_unchecked() == ESPIPE);
	::close(p[0]);
	::close(p[1]);
}

TEST_CASE("specific faults give specific errors", "[image]")
{
	const Bytes good = sample_image();
	const auto offs = record_offsets(good);

	SECTION("empty file and bad magic") {
		auto r = check({});
		CHECK(r.err == EINVAL);
		CHECK(r.message == "not a blcr checkpoint image (bad magic)");
		Bytes old = good;
		const std::uint8_t blcr_old[8] = {'C', 0, 0, 0, 'R', 0, 0, 0};
		std::memcpy(old.data(), blcr_old, 8);
		CHECK(check(old).message == "not a blcr checkpoint image (bad magic)");
	}
	SECTION("unknown version, even with a good CRC") {
		Bytes b = good;
		blcr::test::put32(b.data() + 8, 2);
		ImageWriter::reseal_header(b);
		const auto r = check(b);
		CHECK(r.err == EINVAL);
		CHECK(r.message.rfind("unsupported image format version 2", 0) == 0);
	}
	SECTION("header CRC") {
		Bytes b = good;
		b[100] ^= 1;
		CHECK(check(b).message.rfind("header CRC mismatch", 0) == 0);
	}
	SECTION("unknown incompatible flag refused, compatible one ignored") {
		Bytes b = good;
		blcr::test::put32(b.data() + 20, 0x10000);
		ImageWriter::reseal_header(b);
		CHECK(check(b).err == EINVAL);
		blcr::test::put32(b.data() + 20, 0x1);
		ImageWriter::reseal_header(b);
		CHECK(check(b).err == 0);
	}
	SECTION("bad page size, reserved bytes, unterminated text") {
		Bytes b = good;
		blcr::test::put32(b.data() + 24, 4097);
		ImageWriter::reseal_header(b);
		CHECK(check(b).message == "bad page size 4097");
		b = good;
		b[300] = 1;
		ImageWriter::reseal_header(b);
		CHECK(check(b).message == "reserved header bytes are not zero");
		b = good;
		std::memset(b.data() + 88, 'x', 72);
		ImageWriter::reseal_header(b);
		CHECK(check(b).message == "malformed text field in the header");
	}
	SECTION("payload CRC names record, tag and offset") {
		Bytes b = good;
		b[offs[1] + BLCR_RECORD_HEADER_SIZE] ^= 0x80;
		const auto r = check(b);
		CHECK(r.err == EINVAL);
		CHECK(r.message == "CRC mismatch in record 1 (tag thread/0x0201) at offset " +
					   std::to_string(offs[1]));
	}
	SECTION("truncated record") {
		Bytes b(good.begin(), good.begin() + static_cast<long>(offs[4] + 40));
		CHECK(check(b).message.rfind("truncated record 4 (tag pages/0x0401) at offset", 0) == 0);
	}
	SECTION("missing END, data after END") {
		Bytes b(good.begin(), good.begin() + static_cast<long>(offs.back()));
		CHECK(check(b).message.rfind("truncated image: no END record", 0) == 0);
		b = good;
		b.push_back(0);
		CHECK(check(b).message == "data after the END record at offset " +
					       std::to_string(good.size()));
	}
	SECTION("huge length with a good header CRC") {
		for (const std::uint64_t len : {~0ull, 1ull << 63, BLCR_IMAGE_MAX_RECORD_LEN + 1,
						BLCR_IMAGE_MAX_RECORD_LEN}) {
			Bytes b = good;
			blcr::test::put64(b.data() + offs[0] + 8, len);
			reseal_record(b, offs[0]);
			const auto r = check(b);
			CHECK(r.err == EINVAL);
			CHECK(!r.message.empty());
		}
	}
	SECTION("sequence, tag 0, reserved, flags, END payload") {
		Bytes b = good;
		blcr::test::put32(b.data() + offs[2] + 16, 7);
		reseal_record(b, offs[2]);
		CHECK(check(b).message.find("has sequence number 7") != std::string::npos);
		b = good;
		blcr::test::put32(b.data() + offs[2], 0);
		reseal_record(b, offs[2]);
		CHECK(check(b).message.find("tag 0 is invalid") != std::string::npos);
		b = good;
		blcr::test::put32(b.data() + offs[2] + 24, 1);
		reseal_record(b, offs[2]);
		CHECK(check(b).message.find("reserved field") != std::string::npos);
		b = good;
		blcr::test::put32(b.data() + offs[2] + 4, 0x100);
		reseal_record(b, offs[2]);
		CHECK(check(b).message.find("unknown flags") != std::string::npos);
		ImageWriter w;
		w.add(BLCR_REC_END, {1});
		CHECK(check(w.bytes()).message.find("END with a payload") != std::string::npos);
	}
	SECTION("PAD must be zero and must align") {
		ImageWriter w;
		w.add(BLCR_REC_PAD, Bytes(4096 - BLCR_IMAGE_HEADER_SIZE - 64, 0));
		w.end();
		CHECK(check(w.bytes()).err == 0);
		ImageWriter w2;
		w2.add(BLCR_REC_PAD, Bytes(10, 0));
		w2.end();
		CHECK(check(w2.bytes()).message.find("does not align") != std::string::npos);
		Bytes nz(4096 - BLCR_IMAGE_HEADER_SIZE - 64, 0);
		nz[5] = 1;
		ImageWriter w3;
		w3.add(BLCR_REC_PAD, nz);
		w3.end();
		CHECK(check(w3.bytes()).message.find("PAD payload is not zero") != std::string::npos);
	}
	SECTION("swapped records") {
		Bytes b = good;
		// Records 1 and 2 are adjacent; swap them whole.
		Bytes r1(b.begin() + static_cast<long>(offs[1]), b.begin() + static_cast<long>(offs[2]));
		Bytes r2(b.begin() + static_cast<long>(offs[2]), b.begin() + static_cast<long>(offs[3]));
		Bytes s(b.begin(), b.begin() + static_cast<long>(offs[1]));
		s.insert(s.end(), r2.begin(), r2.end());
		s.insert(s.end(), r1.begin(), r1.end());
		s.insert(s.end(), b.begin() + static_cast<long>(offs[3]), b.end());
		CHECK(check(s).message.find("sequence number") != std::string::npos);
	}
}

TEST_CASE("restart refuses images for another host", "[image]")
{
	const Result r = check(sample_image());
	REQUIRE(r.err == 0);
	img::HostInfo host;
	host.arch = BLCR_ARCH_X86_64;
	host.page_size = 4096;
	host.kernel_release = r.summary.header.kernel_release;
	host.kernel_build = r.summary.header.kernel_build;
	host.xfeatures = 0x7;
	std::string msg;
	CHECK(img::check_host(r.summary.header, host, msg) == 0);

	img::HeaderInfo h = r.summary.header;
	h.arch = BLCR_ARCH_PPC64;
	CHECK(img::check_host(h, host, msg) == CR_EBADARCH);
	CHECK(msg == "image is for ppc64, this is x86_64");
	h = r.summary.header;
	h.page_size = 65536;
	CHECK(img::check_host(h, host, msg) == EINVAL);
	CHECK(msg == "image page size is 65536, this system uses 4096");
	h = r.summary.header;
	h.kernel_build = "#2 SMP";
	CHECK(img::check_host(h, host, msg) == EINVAL);
	CHECK(msg.find("image is for kernel") == 0);
	h = r.summary.header;
	h.cpu_features[BLCR_X86_CPU_XFEATURES] = 0xe7;
	CHECK(img::check_host(h, host, msg) == EINVAL);
	CHECK(msg.find("CPU state components 0xe7") != std::string::npos);

	const img::HostInfo me = img::this_host();
	CHECK(me.arch == img::build_arch());
	CHECK(me.page_size == static_cast<std::uint32_t>(::sysconf(_SC_PAGESIZE)));
	CHECK(!me.kernel_release.empty());
}

TEST_CASE("corrupted images are all refused", "[image][corruption]")
{
	const Bytes good = sample_image();
	const auto offs = record_offsets(good);
	std::mt19937_64 gen(0x5eed);
	int cases = 0;
	const auto refused = [&](const Bytes &b, const char *what, std::size_t where) {
		const Result r = check(b);
		++cases;
		INFO(what << " at " << where << ": " << r.message);
		REQUIRE(r.err != 0);
		REQUIRE(!r.message.empty());
		REQUIRE(r.message.find('\n') == std::string::npos);
	};

	// Truncation at every record boundary and around it, and at random points.
	std::vector<std::size_t> cuts;
	for (const std::size_t o : offs)
		for (std::size_t d = 0; d <= BLCR_RECORD_HEADER_SIZE + 1; ++d)
			cuts.push_back(o + d);
	for (std::size_t c = 0; c <= BLCR_IMAGE_HEADER_SIZE; c += 8)
		cuts.push_back(c);
	for (int i = 0; i < 100; ++i)
		cuts.push_back(gen() % good.size());
	for (const std::size_t c : cuts)
		if (c < good.size())
			refused(Bytes(good.begin(), good.begin() + static_cast<long>(c)), "truncation", c);

	// Every single-bit flip in the file header and in every record header.
	std::vector<std::size_t> bits;
	for (std::size_t bit = 0; bit < 8 * BLCR_IMAGE_HEADER_SIZE; ++bit)
		bits.push_back(bit);
	for (const std::size_t o : offs)
		for (std::size_t bit = 0; bit < 8 * BLCR_RECORD_HEADER_SIZE; ++bit)
			bits.push_back(8 * o + bit);
	// Random ones anywhere, payloads included.
	for (int i = 0; i < 400; ++i)
		bits.push_back(gen() % (8 * good.size()));
	for (const std::size_t bit : bits) {
		Bytes b = good;
		b[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
		refused(b, "bit flip", bit);
	}

	// Random bursts of garbage overwriting a few bytes.
	for (int i = 0; i < 200; ++i) {
		Bytes b = good;
		const std::size_t at = gen() % good.size();
		const std::size_t n = 1 + gen() % 16;
		for (std::size_t k = at; k < std::min(at + n, b.size()); ++k)
			b[k] = static_cast<std::uint8_t>(gen());
		if (b != good)
			refused(b, "garbage burst", at);
	}

	// Garbage files, bare or behind a valid magic or a valid header.
	for (int i = 0; i < 100; ++i) {
		Bytes b = pattern(gen() % 10000, static_cast<std::uint32_t>(gen()));
		refused(b, "garbage file", b.size());
		Bytes m(good.begin(), good.begin() + BLCR_IMAGE_MAGIC_LEN);
		m.insert(m.end(), b.begin(), b.end());
		refused(m, "garbage after magic", b.size());
		Bytes h(good.begin(), good.begin() + BLCR_IMAGE_HEADER_SIZE);
		h.insert(h.end(), b.begin(), b.end());
		refused(h, "garbage after header", b.size());
	}

	// Huge or wrong lengths with a recomputed header CRC.
	for (int i = 0; i < 100; ++i) {
		Bytes b = good;
		const std::size_t o = offs[gen() % (offs.size() - 1)];
		std::uint64_t len;
		switch (i % 4) {
		case 0: len = gen(); break;
		case 1: len = BLCR_IMAGE_MAX_RECORD_LEN + (gen() % 1000); break;
		case 2: len = gen() % (2 * good.size()); break;
		default: len = gen() % 64; break;
		}
		std::uint64_t cur = 0;
		for (int k = 7; k >= 0; --k)
			cur = cur << 8 | b[o + 8 + static_cast<std::size_t>(k)];
		if (len == cur)
			++len;
		blcr::test::put64(b.data() + o + 8, len);
		reseal_record(b, o);
		refused(b, "resealed length", o);
	}
	CHECK(cases > 1000);
}
