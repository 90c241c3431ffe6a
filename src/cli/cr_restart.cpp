// SPDX-License-Identifier: GPL-2.0-or-later
// cr_restart [options] [FILE]: restart processes from a context file. The
// options are BLCR's; the kernel side of restarting does not exist yet, so a
// valid request ends with "not supported".
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <vector>

#include <boost/program_options.hpp>

#include "cli_common.h"
#include "libcr.h"
#include "relocate.h"
#include "request_options.h"

namespace po = boost::program_options;
using namespace blcr::cli;

namespace {

constexpr std::string_view prog = "cr_restart";

enum class Source { none, file, fd, dir };
// Whether cr_restart leaves itself out when its restarted job is checkpointed.
enum class OmitPolicy { maybe, always, never };

// Shell commands run by system() on success or on a class of failure.
struct Hooks {
	std::string success, fail_args, fail_temp, fail_env, fail_perm;
};

struct RestartOptions {
	Source source = Source::none;
	std::string path;		// FILE, --file FILE, --dir DIR
	int fd = -1;			// --fd FD
	RequestOptions request;
	OmitPolicy omit = OmitPolicy::maybe;
	Hooks hooks;
	std::vector<PathRelocation> relocations;
	unsigned int flags = CR_RSTRT_ASYNC_ERR | CR_RSTRT_RESTORE_PID;
	bool quiet = false;
};

// --restore-* / --no-restore-*: flag bit and whether the option sets it.
struct RestoreChoice {
	std::string_view name;
	unsigned int bit;
	bool set;
};
constexpr RestoreChoice restore_choices[] = {
	{"restore-pid", CR_RSTRT_RESTORE_PID, true},
	{"no-restore-pid", CR_RSTRT_RESTORE_PID, false},
	{"restore-pgid", CR_RSTRT_RESTORE_PGID, true},
	{"no-restore-pgid", CR_RSTRT_RESTORE_PGID, false},
	{"restore-sid", CR_RSTRT_RESTORE_SID, true},
	{"no-restore-sid", CR_RSTRT_RESTORE_SID, false},
};

void add_options(po::options_description &visible, po::options_description &hidden)
{
	po::options_description general("General");
	general.add_options()
		("help,h", "print this help and exit (also -?)")
		("version,v", "print the version and the kernel module's state")
		("quiet,q", "print nothing on stderr");
	po::options_description source("Source, instead of FILE (at most one)");
	source.add_options()
		("file,f", po::value<std::string>()->value_name("FILE"), "context file FILE")
		("fd,F", po::value<std::string>()->value_name("FD"), "open file descriptor FD")
		("dir,d", po::value<std::string>()->value_name("DIR"),
		 "one file per process in DIR (not implemented)");
	po::options_description omit("When the restarted job is checkpointed");
	omit.add_options()
		("omit-maybe", "leave cr_restart out if it is the target or an orphan (default)")
		("omit-always", "always leave cr_restart out")
		("omit-never", "never leave cr_restart out");
	po::options_description hooks("Commands run by the shell (a non-zero exit becomes ours)");
	hooks.add_options()
		("run-on-success", po::value<std::string>()->value_name("CMD"),
		 "once the restarted processes run")
		("run-on-fail-args", po::value<std::string>()->value_name("CMD"),
		 "on bad arguments or an unreadable context file")
		("run-on-fail-temp", po::value<std::string>()->value_name("CMD"),
		 "on a temporary failure (ENOMEM, EBUSY)")
		("run-on-fail-env", po::value<std::string>()->value_name("CMD"),
		 "on missing or forbidden files (EACCES, EPERM, ENOENT, ...)")
		("run-on-fail-perm", po::value<std::string>()->value_name("CMD"),
		 "on any other failure")
		("run-on-failure", po::value<std::string>()->value_name("CMD"),
		 "all four --run-on-fail-* at once");
	po::options_description restore("Paths and ids");
	restore.add_options()
		("relocate", po::value<std::string>()->value_name("OLD=NEW"),
		 "read saved paths under OLD from NEW (at most 16)")
		("restore-pid", "restore pids and tids (default)")
		("no-restore-pid", "take fresh pids")
		("restore-pgid", "restore process group ids")
		("no-restore-pgid", "join cr_restart's process group (default)")
		("restore-sid", "restore session ids")
		("no-restore-sid", "join cr_restart's session (default)");
	visible.add(general).add(source);
	add_request_options(visible, hidden, RequestKind::restart);
	visible.add(omit).add(hooks).add(restore);
	hidden.add_options()
		(",?", "")
		("context-file", po::value<std::vector<std::string>>(), "");
}

// Runs a hook; returns its exit status, 0 when there is none or it could not run.
int run_hook(const std::string &command)
{
	if (command.empty())
		return 0;
	const int status = std::system(command.c_str());
	if (status == -1)
		return 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

// The hook BLCR runs for a failure with errno err.
const std::string &hook_for(const Hooks &hooks, int err)
{
	switch (err) {
	case ENOMEM: case EBUSY:
		return hooks.fail_temp;
	case EACCES: case EPERM: case ENOENT: case EEXIST: case EISDIR: case ENOTDIR:
		return hooks.fail_env;
	default:
		return hooks.fail_perm;
	}
}

// Ends a failed restart: a hook's non-zero exit status replaces ours and
// silences the message, as in BLCR.
int fail(const RestartOptions &o, const std::string &hook, int err, const std::function<void()> &report)
{
	if (const int status = run_hook(hook); status != 0)
		return status;
	if (!o.quiet)
		report();
	return exit_status(err);
}

int restart(int argc, char **argv)
{
	po::options_description visible, hidden;
	add_options(visible, hidden);
	po::options_description all;
	all.add(visible).add(hidden);
	po::positional_options_description positional;
	positional.add("context-file", -1);
	const po::parsed_options parsed =
		po::command_line_parser(argc, argv).options(all).positional(positional).run();

	RestartOptions o;
	std::vector<std::string> files;
	int sources = 0;
	// In command-line order, so that later options override earlier ones.
	for (const po::option &opt : parsed.options) {
		const std::string &key = opt.string_key;
		const std::string value = opt.value.empty() ? std::string() : opt.value.front();
		if (key == "help" || key == "-?") {
			std::cout << "Usage: " << prog << " [options] [FILE]\n"
				  << "Restart the processes saved in a context file.\n" << visible;
			return 0;
		}
		if (key == "version")
			return print_version(prog);
		if (apply_request_option(opt, o.request))
			continue;
		if (key == "quiet") {
			o.quiet = true;
		} else if (key == "file" || key == "dir") {
			++sources;
			o.source = key == "file" ? Source::file : Source::dir;
			o.path = value;
		} else if (key == "fd") {
			++sources;
			const auto fd = parse_number(value, 0, INT_MAX);
			if (!fd)
				throw po::error("invalid file descriptor '" + value + "' for --fd");
			o.source = Source::fd;
			o.fd = static_cast<int>(*fd);
		} else if (key == "context-file") {
			files.push_back(value);
		} else if (key == "omit-maybe" || key == "omit-always" || key == "omit-never") {
			o.omit = key == "omit-maybe" ? OmitPolicy::maybe
			       : key == "omit-always" ? OmitPolicy::always : OmitPolicy::never;
		} else if (key == "run-on-success") {
			o.hooks.success = value;
		} else if (key == "run-on-fail-args") {
			o.hooks.fail_args = value;
		} else if (key == "run-on-fail-temp") {
			o.hooks.fail_temp = value;
		} else if (key == "run-on-fail-env") {
			o.hooks.fail_env = value;
		} else if (key == "run-on-fail-perm") {
			o.hooks.fail_perm = value;
		} else if (key == "run-on-failure") {
			o.hooks.fail_args = o.hooks.fail_temp = o.hooks.fail_env = o.hooks.fail_perm = value;
		} else if (key == "relocate") {
			std::string why;
			if (!add_relocation(o.relocations, value, why))
				throw po::error("invalid --relocate '" + value + "': " + why);
		} else {  // --restore-* / --no-restore-*
			for (const RestoreChoice &c : restore_choices)
				if (key == c.name)
					o.flags = c.set ? (o.flags | c.bit) : (o.flags & ~c.bit);
		}
	}

	if (sources == 0) {
		if (files.size() != 1)
			return usage_error(prog, "exactly one FILE is required");
		o.source = Source::file;
		o.path = files.front();
	} else if (!files.empty()) {
		return usage_error(prog, "no FILE may be given with --file, --fd or --dir");
	}
	if (sources > 1)
		return fail(o, o.hooks.fail_args, EINVAL, [] {
			std::cerr << prog << ": give only one of --file, --fd, --dir\n";
		});
	if (o.source == Source::dir)
		return fail(o, o.hooks.fail_args, EINVAL, [] {
			std::cerr << prog << ": --dir is not implemented\n";
		});

	blcr_handshake hs;
	if (const int err = kernel_handshake(hs); err != 0)
		return fail(o, hook_for(o.hooks, err), err, [&] { report_kernel_error(err, hs); });
	return fail(o, hook_for(o.hooks, ENOSYS), ENOSYS, [&] {
		std::cerr << "Restart failed: not supported by this blcr kernel module (interface "
			  << hs.kernel_major << '.' << hs.kernel_minor << ")\n";
	});
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return restart(argc, argv); });
}
