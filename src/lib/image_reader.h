// SPDX-License-Identifier: LGPL-2.1-or-later
// Reading and validating the container of a checkpoint image
// (include/blcr_image.h, docs/image-format.md). A static library of the
// tools and tests; not part of libcr's ABI.
//
// Every failure is an errno-style code (EINVAL, EIO..., CR_EBADARCH) and a
// one-line message. Nothing is read into memory by a length the image gives:
// payloads are streamed in bounded chunks.
#ifndef BLCR_IMAGE_READER_H
#define BLCR_IMAGE_READER_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace blcr::image {

// The file header, decoded and checked.
struct HeaderInfo {
	std::uint32_t version = 0;
	std::uint32_t arch = 0;
	std::uint32_t flags = 0;
	std::uint32_t page_size = 0;
	std::uint32_t nr_procs = 0;
	std::uint32_t vdso_size = 0;
	std::uint32_t vdso_crc = 0;
	std::uint64_t time_ns = 0;
	std::array<std::uint64_t, 4> cpu_features{};
	std::string kernel_release;
	std::string kernel_build;
	std::string creator_version;
};

// A record header, decoded and checked.
struct RecordInfo {
	std::uint32_t seq = 0;
	std::uint32_t tag = 0;
	std::uint32_t flags = 0;
	std::uint64_t offset = 0;  // of the record header in the image
	std::uint64_t length = 0;  // of the payload
};

// Reads an image sequentially from fd (a file or a pipe; fd is not closed):
// read_header(), then next_record() until it returns END, then finish().
// Calls after a failure fail the same way.
class Reader {
public:
	explicit Reader(int fd) noexcept : fd_(fd) {}

	int read_header(HeaderInfo &out);
	// The next record's header; the unread rest of the previous payload is
	// skipped (and its CRC checked) first.
	int next_record(RecordInfo &out);
	// Up to len bytes of the current payload: bytes read, 0 once it is all
	// read (its CRC checked), or -errno.
	ssize_t read_payload(void *buf, std::size_t len);
	int skip_payload();
	// Seeks past the unread rest of the current payload without reading it:
	// its CRC is not checked, only that the file holds it. For data that is
	// checked later as it is read (page data, by the kernel at restart); fd
	// must be a regular file.
	int skip_payload_unchecked();
	// After END: checks that nothing follows.
	int finish();

	int error_code() const noexcept { return err_; }
	const std::string &error() const noexcept { return msg_; }
	std::uint64_t offset() const noexcept { return pos_; }

private:
	int fail(int code, std::string msg);
	ssize_t read_full(void *buf, std::size_t len);
	std::string where() const;

	int fd_;
	int err_ = 0;
	std::string msg_;
	std::uint64_t pos_ = 0;
	bool have_header_ = false;
	bool ended_ = false;
	std::uint32_t page_size_ = 0;
	std::uint64_t next_seq_ = 0;
	bool in_record_ = false;
	RecordInfo cur_;
	std::uint64_t left_ = 0;  // unread bytes of the current payload
	std::uint32_t crc_ = 0;   // of the payload read so far
	bool nonzero_ = false;    // the payload read so far has a non-zero byte
	std::uint32_t crc_want_ = 0;  // stored CRC of the current payload
};

struct TagStats {
	std::uint64_t count = 0;
	std::uint64_t bytes = 0;  // payload bytes
};

struct Summary {
	HeaderInfo header;
	std::map<std::uint32_t, TagStats> tags;
	std::uint64_t records = 0;
	std::uint64_t total_size = 0;  // bytes of the whole image
};

// Called for each record before its payload is read: it may read some or all
// of it (Reader::read_payload), and validate() skips and checks the rest. A
// non-zero return (an errno, with the message set) stops validate().
using RecordVisitor = std::function<int(const RecordInfo &, Reader &, std::string &message)>;

// Reads and checks a whole image: 0, or the errno with message set.
int validate(int fd, Summary &out, std::string &message, const RecordVisitor &visit = {});

// What restart compares an image with before it touches anything.
struct HostInfo {
	std::uint32_t arch = 0;
	std::uint32_t page_size = 0;
	std::string kernel_release;
	std::string kernel_build;
	std::uint64_t xfeatures = 0;  // x86: XCR0; 0 elsewhere
	std::uint64_t cpuid_isa = 0;  // x86: CPUID.7.0:EBX << 32 | CPUID.1:ECX
};

HostInfo this_host();

// 0 when an image with this header can be restarted on host, else the errno
// (CR_EBADARCH for another architecture, EINVAL otherwise) and a message.
int check_host(const HeaderInfo &image, const HostInfo &host, std::string &message);

// The names of the instruction-set features among x86 CPUID bits (laid out as
// cpu_features[BLCR_X86_CPU_CPUID]) that restart requires of the CPU.
std::vector<std::string> x86_isa_features(std::uint64_t cpuid_bits);

// "x86_64", "ppc64le"..., "unknown (42)".
std::string arch_name(std::uint32_t arch);
// "END", "PAD", "process/0x0101", "0x00012345".
std::string tag_name(std::uint32_t tag);
// The BLCR_ARCH_* this program was built for (0 if none).
std::uint32_t build_arch() noexcept;

}  // namespace blcr::image

#endif
