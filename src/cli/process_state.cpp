// SPDX-License-Identifier: GPL-2.0-or-later
#include "process_state.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace blcr::cli {

namespace {

std::string proc_path(pid_t pid, const std::string &what)
{
	return "/proc/" + std::to_string(pid) + "/" + what;
}

std::string read_text(const std::string &path)
{
	std::ifstream in(path);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

bool read_link(const std::string &path, std::string &out)
{
	std::vector<char> buf(PATH_MAX + 1);
	const ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size() - 1);
	if (n < 0)
		return false;
	out.assign(buf.data(), static_cast<std::size_t>(n));
	return true;
}

// The number after "key:" in a /proc text file ("Umask:\t0022").
bool field(const std::string &text, const std::string &key, unsigned long long &out, int base = 10)
{
	const auto at = text.find("\n" + key + ":");
	const std::size_t start = text.starts_with(key + ":") ? 0 : at == std::string::npos ? at : at + 1;
	if (start == std::string::npos)
		return false;
	out = std::strtoull(text.c_str() + start + key.size() + 1, nullptr, base);
	return true;
}

constexpr const char deleted_suffix[] = " (deleted)";

bool is_tty_device(dev_t rdev)
{
	const unsigned int maj = major(rdev);
	return (maj >= 136 && maj <= 143) || maj == 4 || (maj == 5 && minor(rdev) <= 1);
}

int dump_fd(pid_t pid, int fd, RecordAppender &out, std::string &why)
{
	const std::string link = proc_path(pid, "fd/" + std::to_string(fd));
	std::string target;
	struct stat st {};
	if (!read_link(link, target) || ::stat(link.c_str(), &st) != 0) {
		why = "cannot inspect fd " + std::to_string(fd);
		return errno ? errno : EIO;
	}
	const std::string info = read_text(proc_path(pid, "fdinfo/" + std::to_string(fd)));
	unsigned long long pos = 0, flags = 0;
	if (!field(info, "pos", pos) || !field(info, "flags", flags, 8)) {
		why = "cannot read fdinfo of fd " + std::to_string(fd);
		return EIO;
	}
	SavedFd s;
	s.rec.fd = static_cast<std::uint32_t>(fd);
	s.rec.flags = static_cast<std::uint32_t>(flags & ~static_cast<unsigned long long>(O_CLOEXEC));
	s.rec.fd_flags = (flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
	s.rec.pos = pos;
	s.rec.size = static_cast<std::uint64_t>(st.st_size);
	s.rec.ino = st.st_ino;
	s.rec.mode = st.st_mode;
	s.path = target;
	const std::string what = "fd " + std::to_string(fd) + " (" + target + ")";

	if (S_ISREG(st.st_mode) && st.st_nlink == 0) {
		// Deleted but open: its contents go into the image.
		s.rec.kind = BLCR_FD_DELETED;
		if (s.path.ends_with(deleted_suffix))
			s.path.resize(s.path.size() - sizeof deleted_suffix + 1);
		const int in = ::open(link.c_str(), O_RDONLY | O_CLOEXEC);
		if (in < 0) {
			why = "cannot read the deleted file of " + what;
			return errno;
		}
		s.contents.resize(static_cast<std::size_t>(st.st_size));
		std::size_t done = 0;
		while (done < s.contents.size()) {
			const ssize_t n = ::pread(in, s.contents.data() + done, s.contents.size() - done,
						  static_cast<off_t>(done));
			if (n <= 0)
				break;
			done += static_cast<std::size_t>(n);
		}
		::close(in);
		s.contents.resize(done);
		s.rec.size = done;
	} else if (S_ISREG(st.st_mode)) {
		s.rec.kind = BLCR_FD_REG;
	} else if (S_ISDIR(st.st_mode)) {
		s.rec.kind = BLCR_FD_DIR;
	} else if (S_ISCHR(st.st_mode)) {
		s.rec.kind = is_tty_device(st.st_rdev) ? BLCR_FD_TTY : BLCR_FD_CHR;
	} else if (S_ISFIFO(st.st_mode) && target.starts_with("pipe:")) {
		s.rec.kind = BLCR_FD_PIPE;
	} else {
		const char *type = S_ISSOCK(st.st_mode) ? "a socket"
				 : S_ISFIFO(st.st_mode) ? "a named FIFO"
				 : target.starts_with("anon_inode:") ? "a kernel object"
				 : "of an unsupported type";
		why = what + " is " + type + ", which cannot be checkpointed";
		return EOPNOTSUPP;
	}
	s.rec.path_len = static_cast<std::uint32_t>(s.path.size() + 1);
	std::vector<std::uint8_t> bytes = record_bytes(s.rec, {&s.path});
	bytes.insert(bytes.end(), s.contents.begin(), s.contents.end());
	if (const int err = out.add(BLCR_REC_FD, bytes); err) {
		why = "cannot write the image: " + std::string(std::strerror(err));
		return err;
	}
	return 0;
}

}  // namespace

int dump_process_records(pid_t pid, RecordAppender &out, std::string &why)
{
	SavedProcess p;
	const std::string stat = read_text(proc_path(pid, "stat"));
	const auto close_paren = stat.rfind(')');
	char state = 0;
	int ppid = 0, pgrp = 0, sid = 0;
	if (close_paren == std::string::npos ||
	    std::sscanf(stat.c_str() + close_paren + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4) {
		why = "cannot read " + proc_path(pid, "stat");
		return ESRCH;
	}
	const std::string status = read_text(proc_path(pid, "status"));
	unsigned long long umask = 0, uid = 0, gid = 0, threads = 0;
	field(status, "Umask", umask, 8);
	field(status, "Uid", uid);
	field(status, "Gid", gid);
	field(status, "Threads", threads);
	const unsigned long long persona =
		std::strtoull(read_text(proc_path(pid, "personality")).c_str(), nullptr, 16);
	std::string comm = read_text(proc_path(pid, "comm"));
	if (comm.ends_with('\n'))
		comm.pop_back();
	if (!read_link(proc_path(pid, "cwd"), p.cwd) || !read_link(proc_path(pid, "exe"), p.exe)) {
		why = "cannot read the cwd and executable of process " + std::to_string(pid);
		return errno ? errno : EIO;
	}
	p.rec.pid = static_cast<std::uint32_t>(pid);
	p.rec.ppid = static_cast<std::uint32_t>(ppid);
	p.rec.pgid = static_cast<std::uint32_t>(pgrp);
	p.rec.sid = static_cast<std::uint32_t>(sid);
	p.rec.uid = static_cast<std::uint32_t>(uid);
	p.rec.gid = static_cast<std::uint32_t>(gid);
	p.rec.umask = static_cast<std::uint32_t>(umask);
	p.rec.personality = static_cast<std::uint32_t>(persona);
	p.rec.nr_threads = static_cast<std::uint32_t>(threads);
	std::strncpy(p.rec.comm, comm.c_str(), sizeof p.rec.comm - 1);
	for (int r = 0; r < BLCR_NR_RLIMITS && r < RLIMIT_NLIMITS; ++r) {
		struct rlimit lim {};
		if (::prlimit(pid, static_cast<__rlimit_resource>(r), nullptr, &lim) != 0) {
			why = "cannot read the limits of process " + std::to_string(pid);
			return errno;
		}
		p.rec.rlim[r].cur = lim.rlim_cur;
		p.rec.rlim[r].max = lim.rlim_max;
	}
	p.rec.cwd_len = static_cast<std::uint32_t>(p.cwd.size() + 1);
	p.rec.exe_len = static_cast<std::uint32_t>(p.exe.size() + 1);
	if (const int err = out.add(BLCR_REC_PROCESS, record_bytes(p.rec, {&p.cwd, &p.exe})); err) {
		why = "cannot write the image: " + std::string(std::strerror(err));
		return err;
	}

	std::vector<int> fds;
	DIR *dir = ::opendir(proc_path(pid, "fd").c_str());
	if (!dir) {
		why = "cannot list the descriptors of process " + std::to_string(pid);
		return errno;
	}
	while (const dirent *e = ::readdir(dir))
		if (e->d_name[0] != '.')
			fds.push_back(std::atoi(e->d_name));
	::closedir(dir);
	std::sort(fds.begin(), fds.end());
	for (const int fd : fds)
		if (const int err = dump_fd(pid, fd, out, why); err)
			return err;
	return 0;
}

namespace {

// The strings after a fixed part: exactly the lengths it announces.
bool take_strings(const std::vector<std::uint8_t> &payload, std::size_t fixed,
		  const std::vector<std::pair<std::uint32_t, std::string *>> &strings,
		  std::size_t &end, std::string &why)
{
	std::size_t at = fixed;
	for (const auto &[len, out] : strings) {
		if (len == 0 || len > PATH_MAX || at + len > payload.size() || payload[at + len - 1] != 0 ||
		    std::memchr(payload.data() + at, 0, len - 1) != nullptr) {
			why = "malformed string in a record";
			return false;
		}
		out->assign(reinterpret_cast<const char *>(payload.data() + at), len - 1);
		at += len;
	}
	end = at;
	return true;
}

}  // namespace

bool parse_process(const std::vector<std::uint8_t> &payload, SavedProcess &out, std::string &why)
{
	if (payload.size() < sizeof out.rec) {
		why = "process record is too short";
		return false;
	}
	std::memcpy(&out.rec, payload.data(), sizeof out.rec);
	std::size_t end = 0;
	if (!take_strings(payload, sizeof out.rec, {{out.rec.cwd_len, &out.cwd}, {out.rec.exe_len, &out.exe}},
			  end, why))
		return false;
	if (end != payload.size()) {
		why = "process record has trailing bytes";
		return false;
	}
	return true;
}

std::size_t parse_fd_head(const std::vector<std::uint8_t> &head, std::uint64_t length, SavedFd &out,
			  std::string &why)
{
	if (head.size() < sizeof out.rec || head.size() > length) {
		why = "fd record is too short";
		return 0;
	}
	std::memcpy(&out.rec, head.data(), sizeof out.rec);
	std::size_t end = 0;
	if (!take_strings(head, sizeof out.rec, {{out.rec.path_len, &out.path}}, end, why))
		return 0;
	const std::uint64_t contents = length - end;
	if (out.rec.kind == BLCR_FD_DELETED ? contents != out.rec.size : contents != 0) {
		why = "fd record has the wrong size";
		return 0;
	}
	if (out.rec.fd > INT_MAX / 2 || out.rec.kind < BLCR_FD_REG || out.rec.kind > BLCR_FD_PIPE) {
		why = "fd record is invalid";
		return 0;
	}
	return end;
}

bool parse_fd(const std::vector<std::uint8_t> &payload, SavedFd &out, std::string &why)
{
	const std::size_t end = parse_fd_head(payload, payload.size(), out, why);
	if (end == 0)
		return false;
	out.contents.assign(payload.begin() + static_cast<std::ptrdiff_t>(end), payload.end());
	return true;
}

int restore_process(const SavedProcess &p, const std::vector<PathRelocation> &rules, std::string &why)
{
	if (::personality(p.rec.personality) == -1) {
		why = "cannot set the personality";
		return errno;
	}
	const std::string cwd = relocate_path(rules, p.cwd);
	if (::chdir(cwd.c_str()) != 0) {
		const int err = errno;
		why = "cannot enter the working directory " + cwd + ": " + std::strerror(err);
		return err;
	}
	::umask(p.rec.umask & 0777);
	char comm[sizeof p.rec.comm + 1] = {};
	std::memcpy(comm, p.rec.comm, sizeof p.rec.comm);
	::prctl(PR_SET_NAME, comm);
	// Limits: as saved, except a hard limit the restarting user cannot raise.
	for (int r = 0; r < BLCR_NR_RLIMITS && r < RLIMIT_NLIMITS; ++r) {
		struct rlimit now {}, want {};
		if (::getrlimit(static_cast<__rlimit_resource>(r), &now) != 0)
			continue;
		want.rlim_max = std::min<rlim_t>(p.rec.rlim[r].max, now.rlim_max);
		want.rlim_cur = std::min<rlim_t>(p.rec.rlim[r].cur, want.rlim_max);
		::setrlimit(static_cast<__rlimit_resource>(r), &want);
	}
	return 0;
}

namespace {

// Moves fd to a number >= base, close-on-exec; returns the new number.
int move_up(int fd, int base)
{
	const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, base);
	if (moved >= 0)
		::close(fd);
	return moved;
}

int open_saved(const SavedFd &s, const std::string &path, int tty_src, int in_src, int out_src,
	       std::string &why)
{
	const int access = static_cast<int>(s.rec.flags) & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT |
							     O_NOATIME | O_DSYNC | O_SYNC | O_LARGEFILE |
							     O_DIRECTORY | O_PATH);
	const std::string what = "fd " + std::to_string(s.rec.fd) + " (" + path + ")";
	int fd = -1;
	switch (s.rec.kind) {
	case BLCR_FD_REG:
	case BLCR_FD_DIR:
	case BLCR_FD_CHR:
		fd = ::open(path.c_str(), access | O_NOCTTY | O_CLOEXEC);
		break;
	case BLCR_FD_DELETED: {
		const auto slash = path.rfind('/');
		std::string dir = slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
		int tmp = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, s.rec.mode & 07777);
		if (tmp < 0)
			tmp = ::open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, s.rec.mode & 07777);
		if (tmp < 0)
			break;
		std::size_t done = 0;
		while (done < s.contents.size()) {
			const ssize_t n = ::pwrite(tmp, s.contents.data() + done, s.contents.size() - done,
						   static_cast<off_t>(done));
			if (n <= 0)
				break;
			done += static_cast<std::size_t>(n);
		}
		// Reopen with the saved access mode.
		fd = ::open(("/proc/self/fd/" + std::to_string(tmp)).c_str(), access | O_CLOEXEC);
		::close(tmp);
		break;
	}
	case BLCR_FD_TTY:
		if (tty_src < 0) {
			why = what + ": cr_restart has no terminal to give it";
			return -ENOTTY;
		}
		fd = ::fcntl(tty_src, F_DUPFD_CLOEXEC, 0);
		break;
	case BLCR_FD_PIPE: {
		const int src = (s.rec.flags & O_ACCMODE) == O_RDONLY ? in_src : out_src;
		if (src < 0) {
			why = what + ": cr_restart has no stdin/stdout to connect it to";
			return -EBADF;
		}
		fd = ::fcntl(src, F_DUPFD_CLOEXEC, 0);
		break;
	}
	}
	if (fd < 0) {
		const int err = errno ? errno : EIO;
		why = "cannot reopen " + what + ": " + std::strerror(err);
		return -err;
	}
	return fd;
}

}  // namespace

int restore_fds(const std::vector<SavedFd> &fds, const std::vector<PathRelocation> &rules,
		std::vector<int *> keep, std::string &why)
{
	int base = 3;
	for (const SavedFd &s : fds)
		base = std::max(base, static_cast<int>(s.rec.fd) + 1);

	// cr_restart's own stdin/stdout and terminal are what TTY and PIPE fds become.
	int tty_src = -1, in_src = -1, out_src = -1;
	for (int fd = 0; fd <= 2; ++fd)
		if (tty_src < 0 && ::isatty(fd))
			tty_src = ::fcntl(fd, F_DUPFD_CLOEXEC, base);
	in_src = ::fcntl(0, F_DUPFD_CLOEXEC, base);
	out_src = ::fcntl(1, F_DUPFD_CLOEXEC, base);
	for (int *fd : keep)
		if (*fd >= 0 && *fd < base && (*fd = move_up(*fd, base)) < 0) {
			why = "cannot move a descriptor out of the way";
			return errno;
		}

	// Nothing of the restarting process's own table survives but these.
	std::set<int> keep_set{tty_src, in_src, out_src};
	for (int *fd : keep)
		keep_set.insert(*fd);
	std::vector<int> open_now;
	if (DIR *dir = ::opendir("/proc/self/fd")) {
		while (const dirent *e = ::readdir(dir))
			if (e->d_name[0] != '.')
				open_now.push_back(std::atoi(e->d_name));
		::closedir(dir);
	}
	for (const int fd : open_now)
		if (!keep_set.count(fd))
			::close(fd);

	int err = 0;
	for (const SavedFd &s : fds) {
		const int fd = open_saved(s, relocate_path(rules, s.path), tty_src, in_src, out_src, why);
		if (fd < 0) {
			err = -fd;
			break;
		}
		const int target = static_cast<int>(s.rec.fd);
		if (fd == target) {
			::fcntl(fd, F_SETFD, (s.rec.fd_flags & FD_CLOEXEC) ? FD_CLOEXEC : 0);
		} else if (::dup3(fd, target, (s.rec.fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0) != target) {
			err = errno;
			why = "cannot place fd " + std::to_string(target);
			::close(fd);
			break;
		} else {
			::close(fd);
		}
		if (s.rec.kind != BLCR_FD_TTY && s.rec.kind != BLCR_FD_PIPE &&
		    (s.rec.kind == BLCR_FD_DIR || S_ISREG(s.rec.mode)) &&
		    ::lseek(target, static_cast<off_t>(s.rec.pos), SEEK_SET) < 0) {
			err = errno;
			why = "cannot restore the offset of fd " + std::to_string(target);
			break;
		}
		if (s.rec.kind == BLCR_FD_TTY || s.rec.kind == BLCR_FD_PIPE)
			::fcntl(target, F_SETFL, s.rec.flags & (O_APPEND | O_NONBLOCK));
	}
	for (const int fd : {tty_src, in_src, out_src})
		if (fd >= 0)
			::close(fd);
	return err;
}

}  // namespace blcr::cli
