// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_summary.h"

#include <cstdio>
#include <ctime>
#include <string>

#include "blcr_image.h"

namespace blcr::cli {

namespace {

std::string hex(std::uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

// ISO 8601 UTC with nanoseconds.
std::string utc_time(std::uint64_t ns)
{
	const auto secs = static_cast<std::time_t>(ns / 1000000000u);
	struct tm tm {};
	char buf[64];
	if (::gmtime_r(&secs, &tm) == nullptr ||
	    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return "?";
	char frac[16];
	std::snprintf(frac, sizeof frac, ".%09lluZ", static_cast<unsigned long long>(ns % 1000000000u));
	return std::string(buf) + frac;
}

const char *fpu_format(std::uint64_t f)
{
	switch (f) {
	case BLCR_FPU_FMT_NONE: return "none";
	case BLCR_FPU_FMT_FXSAVE: return "fxsave";
	case BLCR_FPU_FMT_XSAVE: return "xsave";
	default: return "unknown";
	}
}

bool is_x86(std::uint32_t arch)
{
	return arch == BLCR_ARCH_X86_64 || arch == BLCR_ARCH_I386;
}

}  // namespace

std::string json_string(std::string_view s)
{
	std::string out = "\"";
	for (const char ch : s) {
		const auto c = static_cast<unsigned char>(ch);
		if (c == '"' || c == '\\') {
			out += '\\';
			out += ch;
		} else if (c < 0x20 || c >= 0x7f) {
			char buf[8];
			std::snprintf(buf, sizeof buf, "\\u%04x", c);
			out += buf;
		} else {
			out += ch;
		}
	}
	return out + '"';
}

void print_summary(std::ostream &os, const image::Summary &s)
{
	const image::HeaderInfo &h = s.header;
	os << "format version:  " << h.version << '\n'
	   << "architecture:    " << image::arch_name(h.arch) << '\n'
	   << "page size:       " << h.page_size << '\n'
	   << "kernel release:  " << h.kernel_release << '\n'
	   << "kernel build:    " << h.kernel_build << '\n';
	if (is_x86(h.arch))
		os << "cpu features:    xfeatures " << hex(h.cpu_features[BLCR_X86_CPU_XFEATURES])
		   << ", fpu " << fpu_format(h.cpu_features[BLCR_X86_CPU_FPU_FORMAT])
		   << ", xstate size " << h.cpu_features[BLCR_X86_CPU_XSTATE_SIZE] << '\n';
	else
		os << "cpu features:    " << hex(h.cpu_features[0]) << ' ' << hex(h.cpu_features[1])
		   << ' ' << hex(h.cpu_features[2]) << ' ' << hex(h.cpu_features[3]) << '\n';
	if (h.vdso_size != 0)
		os << "vdso:            " << h.vdso_size << " bytes, crc32c " << hex(h.vdso_crc) << '\n';
	os << "created by:      blcr " << h.creator_version << '\n'
	   << "checkpoint time: " << utc_time(h.time_ns) << '\n'
	   << "processes:       " << h.nr_procs << '\n'
	   << "records:         " << s.records << '\n';
	for (const auto &[tag, t] : s.tags)
		os << "  " << image::tag_name(tag) << ": " << t.count << " record"
		   << (t.count == 1 ? "" : "s") << ", " << t.bytes << " bytes\n";
	os << "total size:      " << s.total_size << " bytes\n";
}

void print_summary_json(std::ostream &os, const image::Summary &s)
{
	const image::HeaderInfo &h = s.header;
	os << "{\n"
	   << "  \"format_version\": " << h.version << ",\n"
	   << "  \"arch\": " << json_string(image::arch_name(h.arch)) << ",\n"
	   << "  \"arch_id\": " << h.arch << ",\n"
	   << "  \"page_size\": " << h.page_size << ",\n"
	   << "  \"kernel_release\": " << json_string(h.kernel_release) << ",\n"
	   << "  \"kernel_build\": " << json_string(h.kernel_build) << ",\n"
	   << "  \"cpu_features\": [";
	for (std::size_t i = 0; i < h.cpu_features.size(); ++i)
		os << (i ? ", " : "") << json_string(hex(h.cpu_features[i]));
	os << "],\n";
	if (is_x86(h.arch))
		os << "  \"xfeatures\": " << json_string(hex(h.cpu_features[BLCR_X86_CPU_XFEATURES]))
		   << ",\n  \"fpu_format\": "
		   << json_string(fpu_format(h.cpu_features[BLCR_X86_CPU_FPU_FORMAT]))
		   << ",\n  \"xstate_size\": " << h.cpu_features[BLCR_X86_CPU_XSTATE_SIZE] << ",\n";
	os << "  \"vdso_size\": " << h.vdso_size << ",\n"
	   << "  \"vdso_crc\": " << json_string(hex(h.vdso_crc)) << ",\n"
	   << "  \"creator_version\": " << json_string(h.creator_version) << ",\n"
	   << "  \"time_ns\": " << h.time_ns << ",\n"
	   << "  \"time\": " << json_string(utc_time(h.time_ns)) << ",\n"
	   << "  \"processes\": " << h.nr_procs << ",\n"
	   << "  \"records\": " << s.records << ",\n"
	   << "  \"records_by_tag\": [";
	bool first = true;
	for (const auto &[tag, t] : s.tags) {
		os << (first ? "\n" : ",\n") << "    {\"tag\": " << tag
		   << ", \"name\": " << json_string(image::tag_name(tag)) << ", \"count\": " << t.count
		   << ", \"bytes\": " << t.bytes << '}';
		first = false;
	}
	os << "\n  ],\n"
	   << "  \"total_size\": " << s.total_size << "\n"
	   << "}\n";
}

}  // namespace blcr::cli
