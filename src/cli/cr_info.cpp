// SPDX-License-Identifier: GPL-2.0-or-later
// cr_info FILE [--json]: check a context file (docs/image-format.md) and
// describe it, or say in one line what is wrong with it.
#include <cerrno>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <boost/program_options.hpp>

#include "cli_common.h"
#include "image_summary.h"
#include "text_escape.h"
#include "libcr.h"

namespace po = boost::program_options;
using namespace blcr::cli;

namespace {

constexpr std::string_view prog = "cr_info";

int info(int argc, char **argv)
{
	po::options_description visible("Options");
	visible.add_options()
		("help,h", "print this help and exit (also -?)")
		("version", "print the version and the kernel module's state")
		("json", "print the description as JSON");
	po::options_description all;
	all.add(visible).add_options()
		(",?", "")
		("file", po::value<std::vector<std::string>>(), "");
	po::positional_options_description positional;
	positional.add("file", -1);
	const po::parsed_options parsed =
		po::command_line_parser(argc, argv).options(all).positional(positional).run();

	std::vector<std::string> files;
	bool json = false;
	for (const po::option &opt : parsed.options) {
		const std::string &key = opt.string_key;
		if (key == "help" || key == "-?") {
			std::cout << "Usage: " << prog << " [options] FILE\n"
				  << "Describe a blcr context file.\n" << visible;
			return 0;
		}
		if (key == "version")
			return print_version(prog);
		if (key == "json")
			json = true;
		if (key == "file")
			files.push_back(opt.value.front());
	}
	if (files.size() != 1)
		return usage_error(prog, "exactly one FILE is required");

	const std::string &file = files.front();
	const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		const int err = errno;
		std::cerr << prog << ": " << printable(file) << ": " << cr_strerror(err) << '\n';
		return exit_status(err);
	}
	ImageDescription description;
	std::string message;
	const int err = describe_image(fd, description, message);
	::close(fd);
	if (err != 0) {
		std::cerr << prog << ": " << printable(file) << ": " << printable(message) << '\n';
		return exit_status(err);
	}
	if (json)
		print_summary_json(std::cout, description);
	else
		print_summary(std::cout, description);
	return 0;
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return info(argc, argv); });
}
