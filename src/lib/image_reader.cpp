// SPDX-License-Identifier: LGPL-2.1-or-later
// The image container reader: header and record checks, in file order.
#include "image_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "blcr_errcodes.h"
#include "blcr_image.h"
#include "crc32c.h"

namespace blcr::image {

namespace {

static_assert(sizeof(blcr_image_header) == BLCR_IMAGE_HEADER_SIZE);
static_assert(sizeof(blcr_record_header) == BLCR_RECORD_HEADER_SIZE);

constexpr std::size_t chunk_size = 64 * 1024;

std::uint32_t get32(const unsigned char *p) noexcept
{
	return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
	       static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint64_t get64(const unsigned char *p) noexcept
{
	return get32(p) | static_cast<std::uint64_t>(get32(p + 4)) << 32;
}

bool all_zero(const unsigned char *p, std::size_t n) noexcept
{
	return std::all_of(p, p + n, [](unsigned char c) { return c == 0; });
}

// A NUL-terminated, NUL-padded text field: its text, or false.
bool text_field(const unsigned char *p, std::size_t n, std::string &out)
{
	const auto *nul = static_cast<const unsigned char *>(std::memchr(p, 0, n));
	if (nul == nullptr || !all_zero(nul, n - static_cast<std::size_t>(nul - p)))
		return false;
	out.assign(reinterpret_cast<const char *>(p), static_cast<std::size_t>(nul - p));
	return true;
}

std::string hex(std::uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

std::string describe(const RecordInfo &r)
{
	return "record " + std::to_string(r.seq) + " (tag " + tag_name(r.tag) + ") at offset " +
	       std::to_string(r.offset);
}

}  // namespace

int Reader::fail(int code, std::string msg)
{
	if (err_ == 0) {
		err_ = code;
		msg_ = std::move(msg);
	}
	return err_;
}

std::string Reader::where() const
{
	return "at offset " + std::to_string(pos_);
}

ssize_t Reader::read_full(void *buf, std::size_t len)
{
	auto *p = static_cast<unsigned char *>(buf);
	std::size_t got = 0;
	while (got < len) {
		const ssize_t n = ::read(fd_, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			const int e = errno;
			fail(e, std::string("read error ") + where() + ": " + std::strerror(e));
			return -e;
		}
		if (n == 0)
			break;
		got += static_cast<std::size_t>(n);
		pos_ += static_cast<std::uint64_t>(n);
	}
	return static_cast<ssize_t>(got);
}

int Reader::read_header(HeaderInfo &out)
{
	if (err_ != 0)
		return err_;
	if (have_header_)
		return fail(EINVAL, "header already read");
	unsigned char h[BLCR_IMAGE_HEADER_SIZE];
	const ssize_t got = read_full(h, sizeof h);
	if (got < 0)
		return err_;
	const auto n = static_cast<std::size_t>(got);
	if (n < BLCR_IMAGE_MAGIC_LEN || std::memcmp(h, BLCR_IMAGE_MAGIC, BLCR_IMAGE_MAGIC_LEN) != 0)
		return fail(EINVAL, "not a blcr checkpoint image (bad magic)");
	// Magic and version stay where they are in every version.
	if (n < 12)
		return fail(EINVAL, "truncated header (" + std::to_string(n) + " of " +
					    std::to_string(BLCR_IMAGE_HEADER_SIZE) + " bytes)");
	const std::uint32_t version = get32(h + offsetof(blcr_image_header, format_version));
	if (version != BLCR_IMAGE_VERSION)
		return fail(EINVAL, "unsupported image format version " + std::to_string(version) +
					    " (this reader knows " + std::to_string(BLCR_IMAGE_VERSION) + ")");
	if (n < BLCR_IMAGE_HEADER_SIZE)
		return fail(EINVAL, "truncated header (" + std::to_string(n) + " of " +
					    std::to_string(BLCR_IMAGE_HEADER_SIZE) + " bytes)");
	const std::uint32_t size = get32(h + offsetof(blcr_image_header, header_size));
	if (size != BLCR_IMAGE_HEADER_SIZE)
		return fail(EINVAL, "bad header size " + std::to_string(size));
	constexpr std::size_t crc_at = offsetof(blcr_image_header, header_crc);
	const std::uint32_t want = get32(h + crc_at);
	std::memset(h + crc_at, 0, 4);
	const std::uint32_t have = crc32c(0, h, sizeof h);
	if (have != want)
		return fail(EINVAL, "header CRC mismatch (stored " + hex(want) + ", computed " +
					    hex(have) + ")");

	HeaderInfo hi;
	hi.version = version;
	hi.arch = get32(h + offsetof(blcr_image_header, arch));
	hi.flags = get32(h + offsetof(blcr_image_header, flags));
	hi.page_size = get32(h + offsetof(blcr_image_header, page_size));
	hi.nr_procs = get32(h + offsetof(blcr_image_header, nr_procs));
	hi.time_ns = get64(h + offsetof(blcr_image_header, time_ns));
	hi.vdso_size = get32(h + offsetof(blcr_image_header, vdso_size));
	hi.vdso_crc = get32(h + offsetof(blcr_image_header, vdso_crc));
	for (std::size_t i = 0; i < hi.cpu_features.size(); ++i)
		hi.cpu_features[i] = get64(h + offsetof(blcr_image_header, cpu_features) + 8 * i);
	if (const std::uint32_t unknown = hi.flags & BLCR_IMAGE_F_INCOMPAT_MASK & ~BLCR_IMAGE_F_KNOWN)
		return fail(EINVAL, "image needs unknown features (header flags " + hex(unknown) + ")");
	if (hi.page_size < BLCR_IMAGE_MIN_PAGE_SIZE || hi.page_size > BLCR_IMAGE_MAX_PAGE_SIZE ||
	    (hi.page_size & (hi.page_size - 1)) != 0)
		return fail(EINVAL, "bad page size " + std::to_string(hi.page_size));
	if (get32(h + offsetof(blcr_image_header, reserved0)) != 0 ||
	    !all_zero(h + offsetof(blcr_image_header, reserved), sizeof(blcr_image_header::reserved)))
		return fail(EINVAL, "reserved header bytes are not zero");
	if (!text_field(h + offsetof(blcr_image_header, kernel_release), BLCR_IMAGE_RELEASE_LEN,
			hi.kernel_release) ||
	    !text_field(h + offsetof(blcr_image_header, kernel_build), BLCR_IMAGE_BUILD_LEN,
			hi.kernel_build) ||
	    !text_field(h + offsetof(blcr_image_header, creator_version), BLCR_IMAGE_CREATOR_LEN,
			hi.creator_version))
		return fail(EINVAL, "malformed text field in the header");
	page_size_ = hi.page_size;
	have_header_ = true;
	out = std::move(hi);
	return 0;
}

int Reader::next_record(RecordInfo &out)
{
	if (err_ != 0)
		return err_;
	if (!have_header_)
		return fail(EINVAL, "records read before the header");
	if (ended_)
		return fail(EINVAL, "records read after END");
	if (in_record_ && skip_payload() != 0)
		return err_;
	if (next_seq_ >= BLCR_IMAGE_MAX_RECORDS)
		return fail(EINVAL, "more than " + std::to_string(BLCR_IMAGE_MAX_RECORDS) +
					    " records without END");
	const std::uint64_t at = pos_;
	unsigned char h[BLCR_RECORD_HEADER_SIZE];
	const ssize_t got = read_full(h, sizeof h);
	if (got < 0)
		return err_;
	if (got == 0)
		return fail(EINVAL, "truncated image: no END record (" + std::to_string(next_seq_) +
					    " records, " + std::to_string(at) + " bytes)");
	if (static_cast<std::size_t>(got) < sizeof h)
		return fail(EINVAL, "truncated record header at offset " + std::to_string(at));
	constexpr std::size_t crc_at = offsetof(blcr_record_header, header_crc);
	const std::uint32_t want = get32(h + crc_at);
	const std::uint32_t have = crc32c(0, h, crc_at);
	if (want != have)
		return fail(EINVAL, "CRC mismatch in the header of record " + std::to_string(next_seq_) +
					    " at offset " + std::to_string(at));
	RecordInfo r;
	r.offset = at;
	r.tag = get32(h + offsetof(blcr_record_header, tag));
	r.flags = get32(h + offsetof(blcr_record_header, flags));
	r.length = get64(h + offsetof(blcr_record_header, length));
	r.seq = get32(h + offsetof(blcr_record_header, seq));
	const std::uint32_t payload_crc = get32(h + offsetof(blcr_record_header, payload_crc));
	if (r.seq != next_seq_)
		return fail(EINVAL, "record " + std::to_string(next_seq_) + " at offset " +
					    std::to_string(at) + " has sequence number " +
					    std::to_string(r.seq));
	if (r.tag == 0)
		return fail(EINVAL, describe(r) + ": tag 0 is invalid");
	if (get32(h + offsetof(blcr_record_header, reserved)) != 0)
		return fail(EINVAL, describe(r) + ": reserved field is not zero");
	if ((r.flags & ~BLCR_REC_F_KNOWN) != 0)
		return fail(EINVAL, describe(r) + ": unknown flags " + hex(r.flags));
	if (r.length > BLCR_IMAGE_MAX_RECORD_LEN)
		return fail(EINVAL, describe(r) + ": payload of " + std::to_string(r.length) +
					    " bytes exceeds the limit");
	if (r.tag == BLCR_REC_END && r.length != 0)
		return fail(EINVAL, describe(r) + ": END with a payload");
	if (r.tag == BLCR_REC_PAD) {
		const std::uint64_t next_payload = at + 2 * BLCR_RECORD_HEADER_SIZE + r.length;
		if (r.length >= page_size_ || next_payload % page_size_ != 0)
			return fail(EINVAL, describe(r) + ": PAD of " + std::to_string(r.length) +
						    " bytes does not align the next payload to the page size");
	}
	++next_seq_;
	cur_ = r;
	in_record_ = true;
	left_ = r.length;
	crc_ = 0;
	nonzero_ = false;
	if (r.tag == BLCR_REC_END)
		ended_ = true;
	// The stored CRC is compared when the payload has been read.
	crc_want_ = payload_crc;
	if (left_ == 0 && read_payload(nullptr, 0) < 0)
		return err_;
	out = r;
	return 0;
}

ssize_t Reader::read_payload(void *buf, std::size_t len)
{
	if (err_ != 0)
		return -err_;
	if (!in_record_)
		return 0;
	const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(len, left_));
	if (n > 0) {
		const ssize_t got = read_full(buf, n);
		if (got < 0)
			return got;
		const auto *p = static_cast<const unsigned char *>(buf);
		const auto g = static_cast<std::size_t>(got);
		crc_ = crc32c(crc_, p, g);
		if (!nonzero_ && !all_zero(p, g))
			nonzero_ = true;
		left_ -= g;
		if (g < n)
			return -fail(EINVAL, "truncated " + describe(cur_) + ": payload of " +
						     std::to_string(cur_.length) + " bytes, file ends at " +
						     std::to_string(pos_));
	}
	if (left_ == 0) {
		in_record_ = false;
		if (crc_ != crc_want_)
			return -fail(EINVAL, "CRC mismatch in " + describe(cur_));
		if (cur_.tag == BLCR_REC_PAD && nonzero_)
			return -fail(EINVAL, describe(cur_) + ": PAD payload is not zero");
	}
	return static_cast<ssize_t>(n);
}

int Reader::skip_payload()
{
	unsigned char buf[chunk_size];
	while (in_record_) {
		const ssize_t n = read_payload(buf, sizeof buf);
		if (n < 0)
			return err_;
	}
	return err_;
}

int Reader::skip_payload_unchecked()
{
	if (err_ != 0)
		return err_;
	if (!in_record_)
		return 0;
	struct stat st {};
	if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
		return fail(ESPIPE, "the image must be a regular file");
	const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
	if (size < pos_ || size - pos_ < left_)
		return fail(EINVAL, "truncated " + describe(cur_) + ": payload of " +
					    std::to_string(cur_.length) + " bytes, file ends at " +
					    std::to_string(size));
	const std::uint64_t end = pos_ + left_;
	if (::lseek(fd_, static_cast<off_t>(end), SEEK_SET) < 0) {
		const int e = errno;
		return fail(e, std::string("cannot seek ") + where() + ": " + std::strerror(e));
	}
	pos_ = end;
	left_ = 0;
	in_record_ = false;
	return 0;
}

int Reader::finish()
{
	if (err_ != 0)
		return err_;
	if (!ended_)
		return fail(EINVAL, "image checked before its END record");
	unsigned char c;
	const std::uint64_t at = pos_;
	const ssize_t got = read_full(&c, 1);
	if (got < 0)
		return err_;
	if (got > 0)
		return fail(EINVAL, "data after the END record at offset " + std::to_string(at));
	return 0;
}

int validate(int fd, Summary &out, std::string &message, const RecordVisitor &visit)
{
	Reader rd(fd);
	Summary s;
	int err = rd.read_header(s.header);
	RecordInfo r;
	while (err == 0) {
		err = rd.next_record(r);
		if (err != 0)
			break;
		if (visit && (err = visit(r, rd, message)) != 0)
			return err;
		err = rd.skip_payload();
		if (err != 0)
			break;
		TagStats &t = s.tags[r.tag];
		++t.count;
		t.bytes += r.length;
		++s.records;
		if (r.tag == BLCR_REC_END) {
			err = rd.finish();
			break;
		}
	}
	if (err != 0) {
		message = rd.error();
		return err;
	}
	s.total_size = rd.offset();
	out = std::move(s);
	return 0;
}

std::uint32_t build_arch() noexcept
{
#if defined(__x86_64__)
	return BLCR_ARCH_X86_64;
#elif defined(__i386__)
	return BLCR_ARCH_I386;
#elif defined(__aarch64__)
	return BLCR_ARCH_ARM64;
#elif defined(__arm__)
	return BLCR_ARCH_ARM;
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return BLCR_ARCH_PPC64LE;
#elif defined(__powerpc64__)
	return BLCR_ARCH_PPC64;
#elif defined(__powerpc__)
	return BLCR_ARCH_PPC;
#else
	return 0;
#endif
}

namespace {

// The CPUID bits of cpu_features[BLCR_X86_CPU_CPUID] that name instructions
// a program may have chosen to use (not performance hints such as ERMS):
// CPUID.1:ECX bits, then CPUID.7.0:EBX bits (+ 32).
struct IsaBit {
	unsigned int bit;
	const char *name;
};
constexpr IsaBit x86_isa_bits[] = {
	{0, "sse3"}, {1, "pclmulqdq"}, {9, "ssse3"}, {12, "fma"}, {13, "cx16"},
	{19, "sse4_1"}, {20, "sse4_2"}, {22, "movbe"}, {23, "popcnt"}, {25, "aes"},
	{26, "xsave"}, {28, "avx"}, {29, "f16c"}, {30, "rdrand"},
	{32 + 3, "bmi1"}, {32 + 5, "avx2"}, {32 + 8, "bmi2"}, {32 + 16, "avx512f"},
	{32 + 17, "avx512dq"}, {32 + 18, "rdseed"}, {32 + 19, "adx"}, {32 + 21, "avx512ifma"},
	{32 + 23, "clflushopt"}, {32 + 28, "avx512cd"}, {32 + 29, "sha_ni"}, {32 + 30, "avx512bw"},
	{32 + 31, "avx512vl"},
};
constexpr std::uint64_t x86_isa_mask = [] {
	std::uint64_t mask = 0;
	for (const IsaBit &b : x86_isa_bits)
		mask |= 1ull << b.bit;
	return mask;
}();

}  // namespace

std::vector<std::string> x86_isa_features(std::uint64_t cpuid_bits)
{
	std::vector<std::string> names;
	for (const IsaBit &b : x86_isa_bits)
		if (cpuid_bits & (1ull << b.bit))
			names.emplace_back(b.name);
	return names;
}

HostInfo this_host()
{
	HostInfo h;
	h.arch = build_arch();
	const long ps = ::sysconf(_SC_PAGESIZE);
	h.page_size = ps > 0 ? static_cast<std::uint32_t>(ps) : 0;
	struct utsname u {};
	if (::uname(&u) == 0) {
		h.kernel_release = u.release;
		h.kernel_build = u.version;
	}
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0)
		h.cpuid_isa = ecx;
	if (unsigned int a7, b7, c7, d7; __get_cpuid_count(7, 0, &a7, &b7, &c7, &d7) != 0)
		h.cpuid_isa |= static_cast<std::uint64_t>(b7) << 32;
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_OSXSAVE) != 0) {
		std::uint32_t lo = 0, hi = 0;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		h.xfeatures = lo | static_cast<std::uint64_t>(hi) << 32;
	} else {
		h.xfeatures = 0x3;  // x87 and SSE, FXSAVE only
	}
#endif
	return h;
}

int check_host(const HeaderInfo &image, const HostInfo &host, std::string &message)
{
	if (image.arch != host.arch) {
		message = "image is for " + arch_name(image.arch) + ", this is " + arch_name(host.arch);
		return CR_EBADARCH;
	}
	if (image.page_size != host.page_size) {
		message = "image page size is " + std::to_string(image.page_size) +
			  ", this system uses " + std::to_string(host.page_size);
		return EINVAL;
	}
	if (image.kernel_release != host.kernel_release || image.kernel_build != host.kernel_build) {
		message = "image is for kernel " + image.kernel_release + " " + image.kernel_build +
			  ", this is " + host.kernel_release + " " + host.kernel_build;
		return EINVAL;
	}
	if (image.arch == BLCR_ARCH_X86_64 || image.arch == BLCR_ARCH_I386) {
		const std::uint64_t need = image.cpu_features[BLCR_X86_CPU_XFEATURES];
		if ((need & ~host.xfeatures) != 0) {
			message = "image uses CPU state components " + hex(need) +
				  ", this CPU enables " + hex(host.xfeatures);
			return EINVAL;
		}
		const std::uint64_t isa = image.cpu_features[BLCR_X86_CPU_CPUID] & x86_isa_mask;
		if ((isa & ~host.cpuid_isa) != 0) {
			message = "this CPU lacks instruction-set features the image's CPU had (CPUID bits " +
				  hex(isa & ~host.cpuid_isa) + ")";
			return EINVAL;
		}
		if (image.cpu_features[BLCR_X86_CPU_FPU_FORMAT] > BLCR_FPU_FMT_XSAVE) {
			message = "unknown FPU state format " +
				  std::to_string(image.cpu_features[BLCR_X86_CPU_FPU_FORMAT]);
			return EINVAL;
		}
	}
	return 0;
}

std::string arch_name(std::uint32_t arch)
{
	switch (arch) {
	case BLCR_ARCH_I386: return "i386";
	case BLCR_ARCH_PPC: return "ppc";
	case BLCR_ARCH_X86_64: return "x86_64";
	case BLCR_ARCH_PPC64: return "ppc64";
	case BLCR_ARCH_ARM: return "arm";
	case BLCR_ARCH_ARM64: return "arm64";
	case BLCR_ARCH_PPC64LE: return "ppc64le";
	default: return "unknown (" + std::to_string(arch) + ")";
	}
}

std::string tag_name(std::uint32_t tag)
{
	if (tag == BLCR_REC_END)
		return "END";
	if (tag == BLCR_REC_PAD)
		return "PAD";
	static const char *const ranges[] = {"container", "process", "thread", "mm",
					     "pages", "files", "signals", "misc"};
	char buf[32];
	const std::uint32_t range = tag / BLCR_REC_RANGE_SIZE;
	if (range < std::size(ranges))
		std::snprintf(buf, sizeof buf, "%s/0x%04x", ranges[range], tag);
	else
		std::snprintf(buf, sizeof buf, "0x%08x", tag);
	return buf;
}

}  // namespace blcr::image
