// SPDX-License-Identifier: GPL-2.0-or-later
// cr_run [--omit|--run] [--] COMMAND [ARGS...]: run a command with a libcr
// stub preloaded, so that it can be checkpointed (or, with --omit, leaves
// itself out of checkpoints) without being linked with libcr.
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include <boost/program_options.hpp>

#include "cli_common.h"
#include "ld_preload.h"
#include "libcr.h"

namespace po = boost::program_options;
using namespace blcr::cli;

namespace {

constexpr std::string_view prog = "cr_run";

int run(int argc, char **argv)
{
	// Options end at the first non-option (or "--"): the rest is the
	// command and its own options, which Boost must not see.
	std::vector<std::string> options;
	int command = argc;
	for (int i = 1; i < argc; ++i) {
		const std::string_view arg = argv[i];
		if (arg == "--" || arg.size() < 2 || arg.front() != '-') {
			command = arg == "--" ? i + 1 : i;
			break;
		}
		options.emplace_back(arg);
	}

	po::options_description visible("Options");
	visible.add_options()
		("help,h", "print this help and exit (also -?)")
		("version", "print the version and the kernel module's state")
		("omit", "preload libcr_omit: leave the command out of checkpoints")
		("run", "preload libcr_run: make the command checkpointable (default)");
	po::options_description all;
	all.add(visible).add_options()(",?", "");
	const po::parsed_options parsed = po::command_line_parser(options).options(all).run();

	bool omit = false;
	for (const po::option &opt : parsed.options) {
		const std::string &key = opt.string_key;
		if (key == "help" || key == "-?") {
			std::cout << "Usage: " << prog << " [options] [--] COMMAND [ARGS...]\n"
				  << "Run COMMAND so that it can be checkpointed without libcr.\n"
				  << visible;
			return 0;
		}
		if (key == "version")
			return print_version(prog);
		if (key == "omit" || key == "run")
			omit = key == "omit";
	}
	if (command >= argc)
		return usage_error(prog, "no COMMAND given");

	const char *old_preload = std::getenv("LD_PRELOAD");
	const std::string preload =
		preload_with_stub(old_preload ? old_preload : "", omit ? omit_stub : run_stub);
	if (::setenv("LD_PRELOAD", preload.c_str(), 1) != 0)
		throw std::bad_alloc();
	::execvp(argv[command], argv + command);
	const int err = errno;
	std::cerr << prog << ": " << argv[command] << ": " << cr_strerror(err) << '\n';
	return err == ENOENT ? 127 : 126;  // as the shell
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return run(argc, argv); });
}
