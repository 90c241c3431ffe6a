// SPDX-License-Identifier: GPL-2.0-or-later
// cr_restart [options] [FILE]: restart processes from a context file. The
// options are BLCR's.
//
// The image is checked whole first. Then a child is forked (with the saved
// pid if it is free), restores by ordinary system calls what it can with
// the restarting user's rights (files, cwd, limits...), starts one helper
// thread per further saved thread, and asks the kernel to turn it into the
// saved process, each helper into its thread. cr_restart stays its parent:
// it forwards signals to it and exits as it does.
#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <functional>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <vector>

#include <boost/program_options.hpp>

#include "blcr_ioctl.h"
#include "cli_common.h"
#include "libcr.h"
#include "raw_syscall.h"
#include "relocate.h"
#include "request_options.h"
#include "restart_plan.h"
#include "text_escape.h"

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

// A failure to report: errno and one line.
struct Failure {
	int err = 0;
	std::string why;
};

int report_failure(const RestartOptions &o, const Failure &f, const std::string &hook)
{
	return fail(o, hook, f.err,
		    // the reason may quote paths from the image
		    [&] { std::cerr << "Restart failed: " << printable(f.why) << "\n"; });
}

// The child reports a failure before the point of no return on this pipe.
void child_fail(int status_fd, int err, const std::string &why)
{
	const std::string msg = std::to_string(err) + " " + why;
	[[maybe_unused]] const ssize_t n = ::write(status_fd, msg.data(), msg.size());
	::_exit(1);
}

// What the child reports when a process forked elsewhere took its pid or a
// tid between BLCR_IOC_NEXT_PID and its fork or clone: worth another try.
constexpr int id_taken = 1 << 16;

struct ThreadJoin {
	int ctrl;
	blcr_restore_thread_args args;
};

// A helper thread: becomes saved thread args.index once the restore has
// rebuilt the process. If the kernel refuses, only this thread ends.
int join_restore(void *arg)
{
	const auto *join = static_cast<const ThreadJoin *>(arg);
	blcr_raw_syscall(SYS_ioctl, join->ctrl, BLCR_IOC_RESTORE_THREAD, reinterpret_cast<long>(&join->args));
	blcr_raw_syscall(SYS_exit, 0, 0, 0);
	__builtin_unreachable();
}

// Tids are given out like pids: each fork anywhere takes the id after the
// last one given, here this process's pid, and its threads' ids usually
// follow it. Moving that point past the highest saved tid keeps forks made
// while this process restores its files off them. A failure (that id in
// use) only leaves them exposed.
void keep_forks_off_tids(const RestartPlan &plan, int ctrl)
{
	blcr_next_pid next{};
	next.pid = *std::max_element(plan.tids.begin(), plan.tids.end()) + 1;
	::ioctl(ctrl, BLCR_IOC_NEXT_PID, &next);
}

// Makes tid (a pid or a thread's id) the next id given out. A process
// forked elsewhere meanwhile may hold it for a moment: EBUSY only if it
// stays taken for 1 s.
int next_tid(int ctrl, pid_t tid)
{
	blcr_next_pid next{};
	next.pid = static_cast<__u32>(tid);
	for (int tries = 100;; --tries) {
		if (::ioctl(ctrl, BLCR_IOC_NEXT_PID, &next) == 0)
			return 0;
		if (errno != EBUSY || tries == 0)
			return errno;
		const struct timespec pause {0, 10'000'000};
		::nanosleep(&pause, nullptr);
	}
}

// One helper thread per saved thread but the first, each with its saved
// tid when restore_tids. Highest tid first: the ids forks take next are
// then above those still to claim.
void start_helper_threads(const RestartPlan &plan, int ctrl, bool restore_tids, int status_fd)
{
	constexpr std::size_t stack_size = 64 * 1024;
	constexpr std::size_t arg_space = 64;  // above the stack, keeps it aligned
	constexpr int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	static_assert(sizeof(ThreadJoin) <= arg_space);
	std::vector<std::size_t> order;
	for (std::size_t i = 1; i < plan.tids.size(); ++i)
		order.push_back(i);
	std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return plan.tids[a] > plan.tids[b]; });
	for (const std::size_t i : order) {
		const pid_t tid = static_cast<pid_t>(plan.tids[i]);
		const std::string what = "thread " + std::to_string(i) + " (tid " + std::to_string(tid) + ")";
		// Never unmapped: the restore replaces this address space.
		void *stack = ::mmap(nullptr, stack_size, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stack == MAP_FAILED) {
			const int err = errno;
			child_fail(status_fd, err, "cannot allocate the stack of " + what + ": " + std::strerror(err));
		}
		char *top = static_cast<char *>(stack) + stack_size - arg_space;
		auto *join = new (top) ThreadJoin{ctrl, {static_cast<__u32>(i), 0}};
		if (restore_tids) {
			if (const int err = next_tid(ctrl, tid); err)
				child_fail(status_fd, err, err == EBUSY ? "Device or resource busy (tid " +
									  std::to_string(tid) + " is in use)"
								       : what + ": " + std::strerror(err));
		}
		const pid_t got = ::clone(join_restore, top, flags, join);
		if (got < 0) {
			const int err = errno;
			child_fail(status_fd, err, "cannot create " + what + ": " + std::strerror(err));
		}
		if (restore_tids && got != tid)
			child_fail(status_fd, id_taken, "Device or resource busy (tid " + std::to_string(tid) +
							" was taken meanwhile)");
	}
}

// Runs in the forked child; returns only by turning into the saved process.
[[noreturn]] void become_saved_process(const RestartOptions &o, const RestartPlan &plan, int image,
				       int ctrl, int status_fd, pid_t want_pid)
{
	std::string why;
	if (want_pid && ::getpid() != want_pid)
		child_fail(status_fd, id_taken, "Device or resource busy (pid " + std::to_string(want_pid) +
						" was taken meanwhile)");
	if (want_pid && plan.tids.size() > 1)
		keep_forks_off_tids(plan, ctrl);
	int err = restore_fds(plan.fds, o.relocations, {&image, &ctrl, &status_fd}, why);
	if (err)
		child_fail(status_fd, err, why);
	int base = 3;
	for (const SavedFd &f : plan.fds)
		base = std::max(base, static_cast<int>(f.rec.fd) + 1);
	int exe_fd = -1;
	std::vector<int> map_fds;
	if ((err = open_mapped_files(plan, o.relocations, base, exe_fd, map_fds, why)) != 0 ||
	    (err = restore_process(plan.process, o.relocations, why)) != 0)
		child_fail(status_fd, err, why);
	if (plan.dumpable == 0)
		::prctl(PR_SET_DUMPABLE, 0);

	start_helper_threads(plan, ctrl, want_pid != 0, status_fd);

	std::vector<int> close_fds{image, ctrl, exe_fd, status_fd};
	for (const int fd : map_fds)
		if (fd >= 0)
			close_fds.push_back(fd);
	blcr_restore_args args{};
	args.image_fd = image;
	args.exe_fd = exe_fd;
	args.image_offset = plan.kernel_offset;
	args.map_fds = reinterpret_cast<__u64>(map_fds.data());
	args.nr_map_fds = static_cast<__u32>(map_fds.size());
	args.close_fds = reinterpret_cast<__u64>(close_fds.data());
	args.nr_close_fds = static_cast<__u32>(close_fds.size());
	// Past this call this program is gone: the saved one continues.
	::ioctl(ctrl, BLCR_IOC_RESTORE, &args);
	err = errno;
	blcr_status st{};
	::ioctl(ctrl, BLCR_IOC_STATUS, &st);
	child_fail(status_fd, err, st.reason[0] ? st.reason : std::strerror(err));
	::_exit(1);
}

pid_t restored_child = 0;

void forward_signal(int sig)
{
	if (restored_child > 0)
		::kill(restored_child, sig);
	if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
		::raise(SIGSTOP);
}

// Exits as the restored process did: same status, or the same signal.
[[noreturn]] void mirror_exit(int status)
{
	if (WIFSIGNALED(status)) {
		const int sig = WTERMSIG(status);
		struct rlimit no_core {};
		::setrlimit(RLIMIT_CORE, &no_core);
		std::signal(sig, SIG_DFL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		::sigprocmask(SIG_UNBLOCK, &set, nullptr);
		::raise(sig);
		::_exit(128 + sig);
	}
	::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

// Forks the child that becomes the saved process (with the saved pid if
// want) and waits for the outcome; on failure the child is gone.
Failure start_restored_child(const RestartOptions &o, const RestartPlan &plan, int image, int ctrl,
			     pid_t want, pid_t &child)
{
	if (want) {
		if (const int err = next_tid(ctrl, want); err)
			return {err, err == EBUSY ? "Device or resource busy (pid " + std::to_string(want) +
							    " is in use)"
						  : std::strerror(err)};
	}
	int status_pipe[2];
	if (::pipe2(status_pipe, O_CLOEXEC) != 0)
		return {errno, "cannot create a pipe"};
	child = ::fork();
	if (child == 0)
		become_saved_process(o, plan, image, ctrl, status_pipe[1], want);
	::close(status_pipe[1]);
	if (child < 0) {
		::close(status_pipe[0]);
		return {errno, "cannot fork"};
	}

	// Empty and closed: the kernel closed the child's end on success (or it died).
	std::string msg;
	char buf[512];
	ssize_t n;
	while ((n = ::read(status_pipe[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			msg.append(buf, static_cast<std::size_t>(n));
	::close(status_pipe[0]);
	Failure failure;
	if (!msg.empty()) {
		failure.err = std::atoi(msg.c_str());
		failure.why = msg.substr(std::min(msg.find(' ') + 1, msg.size()));
	} else {
		blcr_status st{};
		if (::ioctl(ctrl, BLCR_IOC_STATUS, &st) != 0 || st.error || st.restored_pid != static_cast<__u32>(child)) {
			failure.err = st.error ? st.error : EIO;
			failure.why = st.reason[0] ? st.reason : "the restarting process died";
		}
	}
	if (failure.err) {
		::kill(child, SIGKILL);
		::waitpid(child, nullptr, 0);
	}
	return failure;
}

int run_restart(const RestartOptions &o)
{
	int image = o.source == Source::fd ? o.fd : ::open(o.path.c_str(), O_RDONLY | O_CLOEXEC);
	if (image < 0) {
		const int err = errno;
		return report_failure(o, {err, "cannot open " + o.path + ": " + std::strerror(err)},
				      o.hooks.fail_args);
	}
	// One pass checks the image (page data is the kernel's to check) and gathers
	// what the child needs.
	RestartPlan plan;
	std::string why;
	if (const int err = read_restart_plan(image, blcr::image::this_host(), plan, why); err)
		return report_failure(o, {err, why}, hook_for(o.hooks, err));

	const int ctrl = ::open(BLCR_CTRL_PATH, O_RDWR | O_CLOEXEC);
	if (ctrl < 0)
		return report_failure(o, {ENOSYS, std::string("cannot open " BLCR_CTRL_PATH ": ") +
							  std::strerror(errno)}, hook_for(o.hooks, ENOSYS));

	// Signals wait until the child is the restored process and ours forward them.
	sigset_t all, old;
	sigfillset(&all);
	::sigprocmask(SIG_BLOCK, &all, &old);
	const pid_t want = (o.flags & CR_RSTRT_RESTORE_PID) ? static_cast<pid_t>(plan.process.rec.pid) : 0;
	pid_t child = 0;
	Failure failure;
	// A process forked elsewhere between asking for an id and taking it is
	// a race, not a conflict: try again a few times.
	for (int attempt = 0; attempt < 5; ++attempt) {
		failure = start_restored_child(o, plan, image, ctrl, want, child);
		if (failure.err != id_taken)
			break;
	}
	::close(ctrl);
	if (o.source != Source::fd)
		::close(image);
	if (failure.err) {
		if (failure.err == id_taken)
			failure.err = EBUSY;
		if (failure.err < 0 || failure.err > 4095)
			failure.err = EIO;
		return report_failure(o, failure, hook_for(o.hooks, failure.err));
	}
	restored_child = child;

	// Forward what we receive; the after-restart signal first.
	struct sigaction sa {};
	sa.sa_handler = forward_signal;
	sa.sa_flags = SA_RESTART;
	for (int sig = 1; sig < NSIG; ++sig)
		if (sig != SIGCHLD && sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV &&
		    sig != SIGBUS && sig != SIGFPE && sig != SIGILL && sig != SIGCONT)
			::sigaction(sig, &sa, nullptr);
	if (o.request.signal)
		::kill(child, o.request.signal < 0 ? -o.request.signal : o.request.signal);
	::sigprocmask(SIG_SETMASK, &old, nullptr);
	if (const int status = run_hook(o.hooks.success); status != 0)
		return status;
	int status = 0;
	while (::waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return exit_status(errno);
	mirror_exit(status);
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
	return run_restart(o);
}

}  // namespace

int main(int argc, char **argv)
{
	return run_tool(prog, [&] { return restart(argc, argv); });
}
