// SPDX-License-Identifier: GPL-2.0-or-later
// cr_checkpoint [options] ID: checkpoint a process, process group, session
// or process tree. The options are BLCR's.
//
// The kernel parks the target and writes its part of the image; this tool
// adds what /proc tells (files, cwd, limits...), makes the file durable and
// puts it in place, and only then lets the target go on (or sends it the
// after-signal). Any failure before that point leaves the target running
// as if nothing happened and no file under the final name.
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "blcr_ioctl.h"
#include "cli_common.h"
#include "image_append.h"
#include "libcr.h"
#include "process_state.h"
#include "request_options.h"
#include "text_escape.h"

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

// The file being written and what to do with it once the image is complete.
struct Output {
	int fd = -1;
	bool own_fd = false;		// we opened it (not --fd)
	std::string final_path;		// where it must end up
	std::string temp_path;		// written here first (--atomic/--backup)
	std::uint64_t start = 0;	// offset where the image starts
};

std::string context_path(const CheckpointOptions &o)
{
	if (o.destination == Destination::file)
		return o.path;
	return "context." + std::to_string(o.target);
}

int open_output(const CheckpointOptions &o, Output &out, std::string &why)
{
	if (o.destination == Destination::fd) {
		out.fd = o.fd;
		const off_t pos = ::lseek(o.fd, 0, SEEK_CUR);
		if (pos < 0) {
			why = "--fd " + std::to_string(o.fd) + " must be a seekable file";
			return errno == ESPIPE ? EINVAL : errno;
		}
		out.start = static_cast<std::uint64_t>(pos);
		return 0;
	}
	out.own_fd = true;
	out.final_path = context_path(o);
	struct stat st {};
	if (::stat(out.final_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
		why = out.final_path + " is a directory";
		return EISDIR;
	}
	constexpr int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_LARGEFILE;
	std::string path = out.final_path;
	int extra = 0;
	if (o.policy == FilePolicy::atomic || o.policy == FilePolicy::backup) {
		const std::filesystem::path p(out.final_path);
		out.temp_path = (p.parent_path() / ("." + p.filename().string() + ".tmp")).string();
		path = out.temp_path;
		::unlink(path.c_str());
		extra = O_EXCL;
	} else if (o.policy == FilePolicy::noclobber) {
		extra = O_EXCL;
	}
	out.fd = ::open(path.c_str(), flags | extra, 0400);
	if (out.fd < 0 && errno == EACCES && o.policy == FilePolicy::clobber &&
	    ::unlink(path.c_str()) == 0)
		out.fd = ::open(path.c_str(), flags, 0400);
	if (out.fd < 0) {
		const int err = errno;
		why = "cannot create " + path + ": " + std::strerror(err);
		return err;
	}
	return 0;
}

// After a failure: nothing under the final name that was not there before.
void discard_output(Output &out)
{
	if (!out.own_fd)
		return;
	::close(out.fd);
	if (!out.temp_path.empty())
		::unlink(out.temp_path.c_str());
	else
		::unlink(out.final_path.c_str());
}

// The first FILE.~N~ that does not exist.
std::string numbered_backup(const std::string &path)
{
	for (unsigned int n = 1;; ++n) {
		const std::string name = path + ".~" + std::to_string(n) + "~";
		if (::access(name.c_str(), F_OK) != 0)
			return name;
	}
}

int finish_output(const CheckpointOptions &o, Output &out, std::string &why)
{
	if (o.sync && ::fsync(out.fd) != 0 && errno != EINVAL && errno != EROFS) {
		why = "cannot flush the image to disk: " + std::string(std::strerror(errno));
		return errno;
	}
	if (!out.own_fd)
		return 0;
	if (::close(out.fd) != 0) {
		out.fd = -1;
		why = "cannot write the image: " + std::string(std::strerror(errno));
		return errno;
	}
	out.fd = -1;
	if (!out.temp_path.empty()) {
		if (o.policy == FilePolicy::backup && ::access(out.final_path.c_str(), F_OK) == 0) {
			const std::string backup = o.backup_name.empty() ? numbered_backup(out.final_path)
									 : o.backup_name;
			if (::rename(out.final_path.c_str(), backup.c_str()) != 0) {
				why = "cannot rename " + out.final_path + " to " + backup + ": " + std::strerror(errno);
				return errno;
			}
		}
		if (::rename(out.temp_path.c_str(), out.final_path.c_str()) != 0) {
			why = "cannot rename the image to " + out.final_path + ": " + std::strerror(errno);
			return errno;
		}
	}
	if (o.sync) {
		const std::string dir = std::filesystem::path(out.final_path).parent_path().string();
		const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			::fsync(dfd);
			::close(dfd);
		}
	}
	return 0;
}

// Why the kernel refused, from the control file.
std::string kernel_reason(int ctrl, int err)
{
	blcr_status st{};
	if (::ioctl(ctrl, BLCR_IOC_STATUS, &st) != 0 || !st.reason[0])
		return std::strerror(err);
	std::string why = st.reason;
	// The destination is full: the reason names only the step that failed.
	if (err == ENOSPC || err == EDQUOT || err == EFBIG)
		why += std::string(": ") + std::strerror(err);
	return why;
}

int fail(const CheckpointOptions &o, int err, const std::string &why)
{
	if (!o.quiet)
		// the reason may quote paths the target process chose
		std::cerr << "Checkpoint failed: " << printable(why) << "\n";
	return exit_status(err);
}

int run_checkpoint(const CheckpointOptions &o)
{
	using clock = std::chrono::steady_clock;
	const auto deadline = clock::now() + std::chrono::seconds(o.timeout);
	const std::string pid = std::to_string(o.target);

	if (o.scope == CR_SCOPE_PGRP || o.scope == CR_SCOPE_SESS)
		return fail(o, EINVAL, "process groups and sessions are not supported yet; use --pid");
	if (::access(("/proc/" + pid).c_str(), F_OK) != 0)
		return fail(o, ESRCH, "no process " + pid);

	// Opening its memory is the kernel's ptrace permission check.
	const int mem = ::open(("/proc/" + pid + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
	if (mem < 0) {
		const int err = errno;
		if (err == ENOENT)
			return fail(o, ESRCH, "no process " + pid);
		return fail(o, EPERM, "not allowed to checkpoint process " + pid +
				      ": you may checkpoint only processes you could ptrace (" +
				      std::strerror(err) + ")");
	}
	if (o.scope == CR_SCOPE_TREE) {
		// --tree of a process with children needs multi-process support.
		std::string children;
		std::ifstream in("/proc/" + pid + "/task/" + pid + "/children");
		std::getline(in, children);
		if (children.find_first_not_of(' ') != std::string::npos) {
			::close(mem);
			return fail(o, EOPNOTSUPP, "process " + pid +
					" has children: checkpointing process trees is not supported yet");
		}
	}
	const int ctrl = ::open(BLCR_CTRL_PATH, O_RDWR | O_CLOEXEC);
	if (ctrl < 0) {
		::close(mem);
		return fail(o, ENOSYS, std::string("cannot open " BLCR_CTRL_PATH ": ") + std::strerror(errno));
	}
	Output out;
	std::string why;
	if (const int err = open_output(o, out, why); err) {
		::close(mem);
		::close(ctrl);
		return fail(o, err, why);
	}
	if (o.verbose && !o.quiet)
		std::cout << "Checkpoint of process " << pid << " to "
			  << (out.own_fd ? out.final_path : "fd " + std::to_string(o.fd)) << "\n";

	blcr_checkpoint_args args{};
	args.pid = static_cast<__u32>(o.target);
	args.fd = out.fd;
	args.mem_fd = mem;
	args.timeout_ms = o.timeout > UINT_MAX / 1000 ? UINT_MAX : o.timeout * 1000;
	int err = 0;
	if (::ioctl(ctrl, BLCR_IOC_CHECKPOINT, &args) != 0) {
		err = errno;
		why = kernel_reason(ctrl, err);
	}
	::close(mem);
	if (!err) {
		// The target is parked: the rest must not take long, or give up.
		RecordAppender records(out.fd, args.next_offset, args.next_seq);
		err = dump_process_records(o.target, records, why);
		if (!err && (err = records.add(BLCR_REC_END, nullptr, 0)) != 0)
			why = "cannot write the image: " + std::string(std::strerror(err));
		if (!err && !out.own_fd && ::lseek(out.fd, static_cast<off_t>(records.offset()), SEEK_SET) < 0)
			err = errno, why = "cannot seek --fd";
		if (!err && o.timeout && clock::now() > deadline) {
			err = ETIME;
			why = "checkpoint of process " + pid + " not complete after " +
			      std::to_string(o.timeout) + " s: abandoned, the process continues";
		}
		if (!err)
			err = finish_output(o, out, why);
	}
	if (err) {
		// Closing the control file lets the target resume untouched.
		::close(ctrl);
		discard_output(out);
		return fail(o, err, why);
	}
	blcr_checkpoint_end end{};
	end.commit = 1;
	end.signal = o.request.signal < 0 ? -o.request.signal : o.request.signal;
	::ioctl(ctrl, BLCR_IOC_CHECKPOINT_END, &end);
	::close(ctrl);
	if (o.verbose && !o.quiet)
		std::cerr << "Checkpoint of process " << pid << " complete\n";
	return 0;
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
	return run_checkpoint(o);
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return checkpoint(argc, argv); });
}
