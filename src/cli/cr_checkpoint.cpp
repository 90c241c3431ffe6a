// SPDX-License-Identifier: GPL-2.0-or-later
// cr_checkpoint [options] ID: checkpoint a process, process group, session
// or process tree. The options are BLCR's; the kernel side of checkpointing
// does not exist yet, so a valid request ends with "not supported".
#include <cerrno>
#include <climits>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "cli_common.h"
#include "libcr.h"
#include "request_options.h"

namespace po = boost::program_options;
using namespace blcr::cli;

namespace {

constexpr std::string_view prog = "cr_checkpoint";

enum class Destination { cwd, file, fd, dir };
enum class FilePolicy { atomic, backup, clobber, noclobber };

struct CheckpointOptions {
	cr_scope_t scope = CR_SCOPE_TREE;
	pid_t target = 0;
	Destination destination = Destination::cwd;
	std::string path;		// --file FILE, --dir DIR
	int fd = -1;			// --fd FD
	FilePolicy policy = FilePolicy::atomic;
	std::string backup_name;	// --backup=NAME; empty: FILE.~N~
	RequestOptions request;
	bool sync = true;
	unsigned int flags = CR_CHKPT_ASYNC_ERR;	// kernel messages on failure
	unsigned int timeout = 0;	// seconds, 0 = unbounded
	int verbose = 0;
	bool quiet = false;
};

constexpr std::pair<std::string_view, cr_scope_t> scopes[] = {
	{"tree", CR_SCOPE_TREE}, {"pid", CR_SCOPE_PROC},
	{"pgid", CR_SCOPE_PGRP}, {"sid", CR_SCOPE_SESS},
};

constexpr std::pair<std::string_view, FilePolicy> policies[] = {
	{"atomic", FilePolicy::atomic}, {"backup", FilePolicy::backup},
	{"clobber", FilePolicy::clobber}, {"noclobber", FilePolicy::noclobber},
};

// --save-*: additive from left to right, --save-none resets.
constexpr std::pair<std::string_view, unsigned int> save_flags[] = {
	{"save-exe", CR_CHKPT_DUMP_EXEC}, {"save-private", CR_CHKPT_DUMP_PRIVATE},
	{"save-shared", CR_CHKPT_DUMP_SHARED}, {"save-all", CR_CHKPT_DUMP_ALL},
};

// ptrace options: each sets the bits of its group to its value.
struct PtraceChoice {
	std::string_view name;
	unsigned int group;
	unsigned int value;
};
constexpr unsigned int ptraced_bits = CR_CHKPT_PTRACED_ALLOW | CR_CHKPT_PTRACED_SKIP;
constexpr PtraceChoice ptrace_choices[] = {
	{"ptraced-error", ptraced_bits, 0},
	{"ptraced-skip", ptraced_bits, CR_CHKPT_PTRACED_SKIP},
	{"ptraced-allow", ptraced_bits, CR_CHKPT_PTRACED_ALLOW},
	{"ptracer-error", CR_CHKPT_PTRACER_SKIP, 0},
	{"ptracer-skip", CR_CHKPT_PTRACER_SKIP, CR_CHKPT_PTRACER_SKIP},
};

template <typename T, std::size_t N>
const T *find_value(const std::pair<std::string_view, T> (&table)[N], std::string_view key)
{
	for (const auto &[name, value] : table)
		if (name == key)
			return &value;
	return nullptr;
}

void add_options(po::options_description &visible, po::options_description &hidden)
{
	po::options_description general("General");
	general.add_options()
		("help,h", "print this help and exit (also -?)")
		("version", "print the version and the kernel module's state")
		("verbose,v", "report progress (repeatable)")
		("quiet,q", "print nothing on stderr");
	po::options_description scope("Scope of ID (last one wins)");
	scope.add_options()
		("tree,T", "a process and its descendants (default)")
		("pid,process,p", "a single process (also --process)")
		("pgid,group,g", "a process group (also --group)")
		("sid,session,s", "a session (also --session)");
	po::options_description destination("Destination (at most one)");
	destination.add_options()
		("cwd,c", "file context.ID in the current directory (default)")
		("file,f", po::value<std::string>()->value_name("FILE"), "file FILE")
		("fd,F", po::value<std::string>()->value_name("FD"), "open file descriptor FD")
		("dir,d", po::value<std::string>()->value_name("DIR"),
		 "one file per process in DIR (not implemented)");
	po::options_description policy("Creating the file (last one wins)");
	policy.add_options()
		("atomic", "write a temporary file, rename it on success (default)")
		("backup", "as --atomic, keeping an old file as FILE.~N~\n(or as NAME with --backup=NAME)")
		("clobber", "overwrite the file in place")
		("noclobber", "fail if the file exists");
	po::options_description sync("Flushing");
	sync.add_options()
		("sync", "fsync the file and its directory (default)")
		("nosync", "do not fsync");
	po::options_description save("Optional contents (cumulative)");
	save.add_options()
		("save-exe", "the executable")
		("save-private", "private file mappings (executable, libraries)")
		("save-shared", "shared file mappings")
		("save-all", "all of the above")
		("save-none", "none of the above (default)");
	po::options_description ptrace("Traced processes");
	ptrace.add_options()
		("ptraced-error", "fail if a process is ptraced (default)")
		("ptraced-skip", "leave ptraced processes out")
		("ptraced-allow", "checkpoint ptraced processes anyway")
		("ptracer-error", "fail if a process ptraces another (default)")
		("ptracer-skip", "leave ptracing processes out");
	po::options_description timing("Time limit");
	timing.add_options()
		("time,t", po::value<std::string>()->value_name("SEC"),
		 "time limit in seconds (0: none, default)");
	visible.add(general).add(scope).add(destination).add(policy).add(sync).add(save).add(ptrace);
	add_request_options(visible, hidden, RequestKind::checkpoint);
	visible.add(timing);
	hidden.add_options()
		(",?", "")
		("named-backup", po::value<std::string>(), "")
		("id", po::value<std::vector<std::string>>(), "");
}

// "--backup=NAME" (or an abbreviation such as "--back=NAME") is routed to a
// hidden option so that a bare "--backup" never takes the next word as its
// NAME: getopt's optional arguments, which Boost lacks.
std::pair<std::string, std::string> split_backup_name(const std::string &token)
{
	const auto eq = token.find('=');
	if (!token.starts_with("--") || eq == std::string::npos || eq == 2 || eq + 1 == token.size())
		return {};
	if (!std::string_view("backup").starts_with(std::string_view(token).substr(2, eq - 2)))
		return {};
	return {"named-backup", token.substr(eq + 1)};
}

int checkpoint(int argc, char **argv)
{
	po::options_description visible, hidden;
	add_options(visible, hidden);
	po::options_description all;
	all.add(visible).add(hidden);
	po::positional_options_description positional;
	positional.add("id", -1);
	const po::parsed_options parsed = po::command_line_parser(argc, argv)
		.options(all).positional(positional).extra_parser(split_backup_name).run();

	CheckpointOptions o;
	std::vector<std::string> ids;
	int destinations = 0;
	// In command-line order, so that later options override earlier ones.
	for (const po::option &opt : parsed.options) {
		const std::string &key = opt.string_key;
		const std::string value = opt.value.empty() ? std::string() : opt.value.front();
		if (key == "help" || key == "-?") {
			std::cout << "Usage: " << prog << " [options] ID\n"
				  << "Checkpoint the processes ID names.\n" << visible;
			return 0;
		}
		if (key == "version")
			return print_version(prog);
		if (apply_request_option(opt, o.request))
			continue;
		if (const auto *s = find_value(scopes, key)) {
			o.scope = *s;
		} else if (const auto *p = find_value(policies, key)) {
			o.policy = *p;
			o.backup_name.clear();
		} else if (key == "named-backup") {
			o.policy = FilePolicy::backup;
			o.backup_name = value;
		} else if (const auto *bits = find_value(save_flags, key)) {
			o.flags |= *bits;
		} else if (key == "save-none") {
			o.flags &= ~static_cast<unsigned int>(CR_CHKPT_DUMP_ALL);
		} else if (key == "cwd" || key == "file" || key == "fd" || key == "dir") {
			++destinations;
			if (key == "cwd") {
				o.destination = Destination::cwd;
			} else if (key == "fd") {
				const auto fd = parse_number(value, 0, INT_MAX);
				if (!fd)
					throw po::error("invalid file descriptor '" + value + "' for --fd");
				o.destination = Destination::fd;
				o.fd = static_cast<int>(*fd);
			} else {
				o.destination = key == "file" ? Destination::file : Destination::dir;
				o.path = value;
			}
		} else if (key == "sync" || key == "nosync") {
			o.sync = key == "sync";
		} else if (key == "time") {
			const auto seconds = parse_number(value, 0, UINT_MAX);
			if (!seconds)
				throw po::error("invalid time limit '" + value + "' for --time");
			o.timeout = static_cast<unsigned int>(*seconds);
		} else if (key == "verbose") {
			++o.verbose;
		} else if (key == "quiet") {
			o.quiet = true;
		} else if (key == "id") {
			ids.push_back(value);
		} else {  // --ptraced-* / --ptracer-*
			for (const PtraceChoice &c : ptrace_choices)
				if (key == c.name)
					o.flags = (o.flags & ~c.group) | c.value;
		}
	}

	if (ids.size() != 1)
		return usage_error(prog, "exactly one ID is required");
	const auto target = parse_number(ids.front(), 1, INT_MAX);
	if (!target)
		return usage_error(prog, "invalid ID '" + ids.front() + "'");
	o.target = static_cast<pid_t>(*target);
	if (destinations > 1) {
		if (!o.quiet)
			std::cerr << prog << ": give only one of --cwd, --file, --fd, --dir\n";
		return exit_status(EINVAL);
	}
	if (o.destination == Destination::dir) {
		if (!o.quiet)
			std::cerr << prog << ": --dir is not implemented\n";
		return exit_status(EINVAL);
	}

	blcr_handshake hs;
	if (const int err = kernel_handshake(hs); err != 0) {
		if (!o.quiet)
			report_kernel_error(err, hs);
		return exit_status(err);
	}
	if (!o.quiet)
		std::cerr << "Checkpoint failed: not supported by this blcr kernel module (interface "
			  << hs.kernel_major << '.' << hs.kernel_minor << ")\n";
	return exit_status(ENOSYS);
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return checkpoint(argc, argv); });
}
