// SPDX-License-Identifier: GPL-2.0-or-later
#include "restart_plan.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace blcr::cli {

namespace {

constexpr std::size_t max_small_record = 64u << 20;  // deleted files included

int read_all(image::Reader &r, const image::RecordInfo &rec, std::vector<std::uint8_t> &out,
	     std::string &why)
{
	if (rec.length > max_small_record) {
		why = "record " + std::to_string(rec.seq) + " is too large";
		return EINVAL;
	}
	out.resize(rec.length);
	std::size_t done = 0;
	while (done < out.size()) {
		const ssize_t n = r.read_payload(out.data() + done, out.size() - done);
		if (n <= 0) {
			why = r.error();
			return n < 0 ? static_cast<int>(-n) : EIO;
		}
		done += static_cast<std::size_t>(n);
	}
	return 0;
}

// Restart creates one thread per tid, with that tid unless told otherwise.
int check_threads(const RestartPlan &plan, std::string &why)
{
	const std::uint32_t pid = plan.process.rec.pid;
	if (plan.tids.size() != plan.process.rec.nr_threads) {
		why = "the image holds " + std::to_string(plan.tids.size()) + " threads of process " +
		      std::to_string(pid) + ", which had " + std::to_string(plan.process.rec.nr_threads);
		return EINVAL;
	}
	if (plan.tids.front() != pid) {
		why = "the first thread of process " + std::to_string(pid) + " is not its leader (tid " +
		      std::to_string(plan.tids.front()) + ")";
		return EINVAL;
	}
	std::vector<std::uint32_t> sorted = plan.tids;
	std::sort(sorted.begin(), sorted.end());
	if (sorted.front() == 0 || sorted.back() > INT_MAX)
		why = "process " + std::to_string(pid) + " has a thread with an impossible tid";
	else if (const auto dup = std::adjacent_find(sorted.begin(), sorted.end()); dup != sorted.end())
		why = "process " + std::to_string(pid) + " has two threads with tid " + std::to_string(*dup);
	else
		return 0;
	return EINVAL;
}

}  // namespace

bool parse_mm(const std::vector<std::uint8_t> &payload, blcr_rec_mm &out, std::string &why)
{
	if (payload.size() != sizeof out) {
		why = "memory record has the wrong size";
		return false;
	}
	std::memcpy(&out, payload.data(), sizeof out);
	return true;
}

bool parse_mapping(const std::vector<std::uint8_t> &payload, SavedMapping &out, std::string &why)
{
	if (payload.size() < sizeof out.rec) {
		why = "mapping record is too short";
		return false;
	}
	std::memcpy(&out.rec, payload.data(), sizeof out.rec);
	out.path.clear();
	if (out.rec.path_len) {
		if (payload.size() != sizeof out.rec + out.rec.path_len || payload.back() != 0) {
			why = "mapping record is malformed";
			return false;
		}
		out.path.assign(reinterpret_cast<const char *>(payload.data() + sizeof out.rec));
	}
	return true;
}

int read_restart_plan(int fd, const image::HostInfo &host, RestartPlan &out, std::string &why)
{
	if (::lseek(fd, 0, SEEK_SET) != 0) {
		why = "the image must be a seekable file";
		return ESPIPE;
	}
	image::Reader r(fd);
	image::HeaderInfo h;
	if (const int err = r.read_header(h); err) {
		why = r.error();
		return err;
	}
	if (const int err = image::check_host(h, host, why); err)
		return err;
	bool have_process = false;
	for (;;) {
		image::RecordInfo rec;
		if (const int err = r.next_record(rec); err) {
			why = r.error();
			return err;
		}
		if (rec.tag == BLCR_REC_END) {
			if (const int err = r.finish(); err) {
				why = r.error();
				return err;
			}
			break;
		}
		std::vector<std::uint8_t> payload;
		switch (rec.tag) {
		case BLCR_REC_THREAD: {
			blcr_rec_thread t;
			if (const int err = read_all(r, rec, payload, why); err)
				return err;
			if (payload.size() != sizeof t) {
				why = "thread record has the wrong size";
				return EINVAL;
			}
			std::memcpy(&t, payload.data(), sizeof t);
			if (out.tids.size() == BLCR_IMAGE_MAX_THREADS) {
				why = "the image holds more than " + std::to_string(BLCR_IMAGE_MAX_THREADS) +
				      " threads";
				return EINVAL;
			}
			if (!out.kernel_offset)
				out.kernel_offset = rec.offset;
			out.tids.push_back(t.tid);
			break;
		}
		case BLCR_REC_PAGES:
			// Most of the image: the kernel checks it as it reads it into place.
			if (const int err = r.skip_payload_unchecked(); err) {
				why = r.error();
				return err;
			}
			break;
		case BLCR_REC_PROCESS:
			if (const int err = read_all(r, rec, payload, why); err)
				return err;
			if (have_process) {
				why = "the image holds more than one process";
				return EINVAL;
			}
			if (!parse_process(payload, out.process, why))
				return EINVAL;
			have_process = true;
			break;
		case BLCR_REC_FD: {
			SavedFd s;
			if (const int err = read_all(r, rec, payload, why); err)
				return err;
			if (!parse_fd(payload, s, why))
				return EINVAL;
			out.fds.push_back(std::move(s));
			break;
		}
		case BLCR_REC_MM: {
			blcr_rec_mm mm;
			if (const int err = read_all(r, rec, payload, why); err)
				return err;
			if (!parse_mm(payload, mm, why))
				return EINVAL;
			out.dumpable = mm.dumpable;
			break;
		}
		case BLCR_REC_VMA: {
			SavedMapping m;
			if (const int err = read_all(r, rec, payload, why); err)
				return err;
			if (!parse_mapping(payload, m, why))
				return EINVAL;
			out.mappings.push_back(std::move(m));
			break;
		}
		default:
			break;
		}
	}
	if (!have_process || !out.kernel_offset) {
		why = "the image holds no process";
		return EINVAL;
	}
	return check_threads(out, why);
}

namespace {

int open_above(const std::string &path, int flags, int base, std::string &why)
{
	const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
	if (fd < 0) {
		const int err = errno;
		why = "cannot open " + path + ": " + std::strerror(err);
		return -err;
	}
	const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, base);
	::close(fd);
	if (moved < 0) {
		why = "too many open files";
		return -EMFILE;
	}
	return moved;
}

}  // namespace

int open_mapped_files(const RestartPlan &plan, const std::vector<PathRelocation> &rules, int base,
		      int &exe_fd, std::vector<int> &map_fds, std::string &why)
{
	exe_fd = open_above(relocate_path(rules, plan.process.exe), O_RDONLY, base, why);
	if (exe_fd < 0)
		return -exe_fd;
	for (const SavedMapping &m : plan.mappings) {
		if (!(m.rec.flags & BLCR_VMA_FILE)) {
			map_fds.push_back(-1);
			continue;
		}
		const bool shared_write = (m.rec.flags & BLCR_VMA_SHARED) && (m.rec.prot & BLCR_VMA_PROT_WRITE);
		const std::string path = relocate_path(rules, m.path);
		const int fd = open_above(path, shared_write ? O_RDWR : O_RDONLY, base, why);
		if (fd < 0)
			return -fd;
		struct stat st {};
		// A private mapping of a changed file (a library upgraded since) would crash.
		if (!(m.rec.flags & BLCR_VMA_SHARED) && ::fstat(fd, &st) == 0 &&
		    static_cast<std::uint64_t>(st.st_size) != m.rec.size) {
			why = path + " has changed since the checkpoint (" + std::to_string(st.st_size) +
			      " bytes, was " + std::to_string(m.rec.size) + ")";
			return ESTALE;
		}
		map_fds.push_back(fd);
	}
	return 0;
}

}  // namespace blcr::cli
