// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli_common.h"

#include <boost/program_options/errors.hpp>
#include <cerrno>
#include <charconv>
#include <iostream>
#include <new>

#include "blcr_version.h"
#include "libcr.h"

namespace blcr::cli {

int usage_error(std::string_view prog, std::string_view message)
{
	std::cerr << prog << ": " << message << '\n'
		  << "Try '" << prog << " --help' for more information.\n";
	return exit_usage;
}

int kernel_handshake(blcr_handshake &hs) noexcept
{
	hs = blcr_handshake{};
	return cri_kernel_info(&hs) == 0 ? 0 : errno;
}

void report_kernel_error(int err, const blcr_handshake &hs)
{
	if (err == ENOSYS) {
		std::cerr << "blcr kernel module is not loaded (" BLCR_CTRL_PATH
			     " missing): modprobe blcr\n";
	} else if (err == CR_EVERSION) {
		std::cerr << "blcr kernel interface mismatch: these tools need interface "
			  << BLCR_IFACE_MAJOR << '.' << BLCR_IFACE_MINOR
			  << ", module " << hs.module_version << " provides "
			  << hs.kernel_major << '.' << hs.kernel_minor
			  << " (kernel " << hs.kernel_release << ")\n";
	} else {
		std::cerr << "cannot use " BLCR_CTRL_PATH ": " << cr_strerror(err) << '\n';
	}
}

int print_version(std::string_view prog)
{
	std::cout << prog << " version " BLCR_VERSION "\n";
	blcr_handshake hs;
	if (const int err = kernel_handshake(hs); err != 0) {
		std::cout.flush();
		report_kernel_error(err, hs);
		return exit_status(err);
	}
	std::cout << "blcr kernel interface " << hs.kernel_major << '.' << hs.kernel_minor
		  << ", module " << hs.module_version
		  << ", kernel " << hs.kernel_release << '\n';
	return 0;
}

std::optional<long> parse_number(std::string_view text, long min, long max) noexcept
{
	long value = 0;
	const char *end = text.data() + text.size();
	const auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (text.empty() || ec != std::errc{} || ptr != end || value < min || value > max)
		return std::nullopt;
	return value;
}

int run_tool(std::string_view prog, const std::function<int()> &body) noexcept
{
	try {
		try {
			return body();
		} catch (const boost::program_options::error &e) {
			return usage_error(prog, e.what());
		} catch (const std::bad_alloc &) {
			std::cerr << prog << ": out of memory\n";
			return exit_status(ENOMEM);
		} catch (const std::exception &e) {
			std::cerr << prog << ": " << e.what() << '\n';
			return 1;
		}
	} catch (...) {  // reporting itself failed
		return 1;
	}
}

}  // namespace blcr::cli
