// SPDX-License-Identifier: GPL-2.0-or-later
#include "image_summary.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>

#include "blcr_image.h"
#include "text_escape.h"

namespace blcr::cli {

namespace {

std::string hex(std::uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

std::string octal(std::uint32_t v)
{
	char buf[16];
	std::snprintf(buf, sizeof buf, "%04o", v);
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

// Nanoseconds as seconds: "1.5", "0.000001".
std::string seconds(std::uint64_t ns)
{
	char buf[40];
	std::snprintf(buf, sizeof buf, "%llu.%09llu", static_cast<unsigned long long>(ns / 1000000000u),
		      static_cast<unsigned long long>(ns % 1000000000u));
	std::string s = buf;
	while (s.back() == '0')
		s.pop_back();
	if (s.back() == '.')
		s.pop_back();
	return s;
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

// XSAVE state components (XCR0 bits), by bit number.
std::vector<std::string> xfeature_names(std::uint64_t xfeatures)
{
	static const char *const names[] = {
		"x87", "sse", "avx", "bndregs", "bndcsr", "opmask", "zmm_hi256", "hi16_zmm", "pt",
		"pkru", "pasid", "cet_user", "cet_supervisor", "hdc", "uintr", "lbr", "hwp",
		"amx_tilecfg", "amx_tiledata",
	};
	std::vector<std::string> out;
	for (unsigned int bit = 0; bit < 64; ++bit)
		if (xfeatures & (1ull << bit))
			out.emplace_back(bit < std::size(names) ? names[bit] : "bit" + std::to_string(bit));
	return out;
}

std::string joined(const std::vector<std::string> &words, const char *sep = " ")
{
	std::string out;
	for (const std::string &w : words)
		out += (out.empty() ? "" : sep) + w;
	return out;
}

std::string json_array(const std::vector<std::string> &strings)
{
	std::string out = "[";
	for (const std::string &s : strings)
		out += (out.size() > 1 ? ", " : "") + json_string(s);
	return out + "]";
}

std::string json_numbers(const std::vector<unsigned int> &numbers)
{
	std::string out = "[";
	for (const unsigned int n : numbers)
		out += (out.size() > 1 ? ", " : "") + std::to_string(n);
	return out + "]";
}

const char *const rlimit_names[BLCR_NR_RLIMITS] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};

std::string limit_text(std::uint64_t v)
{
	return v == ~0ull ? "unlimited" : std::to_string(v);
}

std::string limit_json(std::uint64_t v)
{
	return v == ~0ull ? "null" : std::to_string(v);
}

std::string signal_name(unsigned int sig)
{
	if (const char *abbrev = ::sigabbrev_np(static_cast<int>(sig)))
		return std::string("SIG") + abbrev;
	return "signal " + std::to_string(sig);
}

// Signals whose bit (n-1) is set in mask.
std::vector<unsigned int> signals_in(std::uint64_t mask)
{
	std::vector<unsigned int> out;
	for (unsigned int sig = 1; sig <= BLCR_NSIG; ++sig)
		if (mask & (1ull << (sig - 1)))
			out.push_back(sig);
	return out;
}

std::string signal_list(const std::vector<unsigned int> &sigs)
{
	if (sigs.empty())
		return "none";
	std::vector<std::string> names;
	for (const unsigned int sig : sigs)
		names.push_back(signal_name(sig));
	return joined(names);
}

constexpr std::uint64_t sig_dfl = 0, sig_ign = 1;

std::vector<unsigned int> signals_with(const blcr_rec_sighand &h, bool ignored)
{
	std::vector<unsigned int> out;
	for (unsigned int i = 0; i < BLCR_NSIG; ++i) {
		const std::uint64_t handler = h.action[i].handler;
		if (ignored ? handler == sig_ign : handler != sig_dfl && handler != sig_ign)
			out.push_back(i + 1);
	}
	return out;
}

const char *restart_kind(std::uint32_t kind)
{
	switch (kind) {
	case BLCR_RESTART_NONE: return "none";
	case BLCR_RESTART_NANOSLEEP: return "nanosleep";
	case BLCR_RESTART_POLL: return "poll";
	case BLCR_RESTART_FUTEX: return "futex";
	default: return "unknown";
	}
}

const char *fd_kind(std::uint32_t kind)
{
	switch (kind) {
	case BLCR_FD_REG: return "file";
	case BLCR_FD_DIR: return "directory";
	case BLCR_FD_CHR: return "device";
	case BLCR_FD_TTY: return "terminal";
	case BLCR_FD_DELETED: return "deleted";
	case BLCR_FD_PIPE: return "pipe";
	default: return "unknown";
	}
}

// The kernel's O_LARGEFILE, which fdinfo shows: 64-bit C libraries define
// O_LARGEFILE as 0.
#if defined(__x86_64__) || defined(__i386__)
constexpr std::uint32_t kernel_o_largefile = 0100000;
#else
constexpr std::uint32_t kernel_o_largefile = O_LARGEFILE;
#endif

// Open flags as names, "O_WRONLY O_APPEND", unknown bits in hex.
std::vector<std::string> open_flag_names(std::uint32_t flags)
{
	std::vector<std::string> out;
	std::uint32_t left = flags;
	auto take = [&](std::uint32_t bits, const char *name) {
		if ((left & bits) == bits && bits != 0) {
			out.emplace_back(name);
			left &= ~bits;
		}
	};
	if ((flags & O_PATH) == O_PATH) {
		take(O_PATH, "O_PATH");
	} else {
		const std::uint32_t acc = flags & O_ACCMODE;
		out.emplace_back(acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY"
				 : acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
		left &= ~static_cast<std::uint32_t>(O_ACCMODE);
	}
	take(O_APPEND, "O_APPEND");
	take(O_NONBLOCK, "O_NONBLOCK");
	take(O_SYNC, "O_SYNC");
	take(O_DSYNC, "O_DSYNC");
	take(O_ASYNC, "O_ASYNC");
	take(O_DIRECT, "O_DIRECT");
	take(kernel_o_largefile, "O_LARGEFILE");
	take(O_DIRECTORY, "O_DIRECTORY");
	take(O_NOFOLLOW, "O_NOFOLLOW");
	take(O_NOATIME, "O_NOATIME");
	if (left)
		out.push_back(hex(left));
	return out;
}

// "r-xp", as /proc/PID/maps.
std::string vma_perms(const blcr_rec_vma &v)
{
	std::string p = "---p";
	if (v.prot & BLCR_VMA_PROT_READ)
		p[0] = 'r';
	if (v.prot & BLCR_VMA_PROT_WRITE)
		p[1] = 'w';
	if (v.prot & BLCR_VMA_PROT_EXEC)
		p[2] = 'x';
	if (v.flags & BLCR_VMA_SHARED)
		p[3] = 's';
	return p;
}

// The file offset, 0 for other kinds (as /proc/PID/maps).
std::uint64_t vma_offset(const blcr_rec_vma &v, std::uint32_t page_size)
{
	return (v.flags & BLCR_VMA_FILE) ? v.pgoff * page_size : 0;
}

const char *vma_kind(const blcr_rec_vma &v)
{
	if (v.flags & BLCR_VMA_FILE)
		return "file";
	if (v.flags & BLCR_VMA_SHMEM)
		return "shmem";
	if (v.flags & BLCR_VMA_SPECIAL)
		return "special";
	return "anonymous";
}

// What /proc/PID/maps would show in its last column.
std::string vma_label(const ProcessView &p, const MappingView &m)
{
	const blcr_rec_vma &v = m.mapping.rec;
	if (!m.mapping.path.empty())
		return m.mapping.path;
	if (p.have_mm && v.start <= p.mm.brk && v.end >= p.mm.start_brk)
		return "[heap]";
	if (p.have_mm && v.start <= p.mm.start_stack && v.end >= p.mm.start_stack)
		return "[stack]";
	if (v.flags & BLCR_VMA_SHMEM)
		return "[shmem]";
	return "";
}

// The set-up flags of a mapping, by name.
std::vector<std::string> vma_flag_names(std::uint32_t flags)
{
	static const std::pair<std::uint32_t, const char *> names[] = {
		{BLCR_VMA_GROWSDOWN, "growsdown"}, {BLCR_VMA_NORESERVE, "noreserve"},
		{BLCR_VMA_HUGEPAGE, "hugepage"}, {BLCR_VMA_NOHUGEPAGE, "nohugepage"},
		{BLCR_VMA_DONTDUMP, "dontdump"}, {BLCR_VMA_DONTFORK, "dontfork"},
		{BLCR_VMA_WIPEONFORK, "wipeonfork"}, {BLCR_VMA_SEQ_READ, "sequential"},
		{BLCR_VMA_RAND_READ, "random"}, {BLCR_VMA_LOCKED, "locked"},
		{BLCR_VMA_LOCKONFAULT, "lockonfault"}, {BLCR_VMA_MERGEABLE, "mergeable"},
	};
	std::vector<std::string> out;
	for (const auto &[bit, name] : names)
		if (flags & bit)
			out.emplace_back(name);
	return out;
}

struct Totals {
	std::uint64_t pages = 0, page_bytes = 0, file_bytes = 0;
};

Totals totals(const ProcessView &p)
{
	Totals t;
	for (const MappingView &m : p.mappings) {
		t.pages += m.pages;
		t.page_bytes += m.page_bytes;
	}
	for (const SavedFd &f : p.fds)
		if (f.rec.kind == BLCR_FD_DELETED)
			t.file_bytes += f.rec.size;
	return t;
}

// --- Reading ---------------------------------------------------------------

// Small records are read whole; larger ones are malformed.
constexpr std::size_t max_small_record = 64 * 1024;

class Decoder {
public:
	explicit Decoder(ImageDescription &out) : out_(out) {}

	int record(const image::RecordInfo &rec, image::Reader &r, std::string &message);

private:
	int read_head(const image::RecordInfo &rec, image::Reader &r, std::size_t max, std::string &message);
	int malformed(const image::RecordInfo &rec, image::Reader &r, const std::string &why,
		      std::string &message);
	template <typename T>
	int fixed(const image::RecordInfo &rec, image::Reader &r, T &out, const char *what,
		  std::string &message);
	// The process a record belongs to: a new one after a PROCESS record,
	// except for the FD records that follow it.
	ProcessView &current(bool fd_record = false);

	ImageDescription &out_;
	std::vector<std::uint8_t> buf_;
};

ProcessView &Decoder::current(bool fd_record)
{
	if (out_.procs.empty() || (!fd_record && out_.procs.back().have_process))
		out_.procs.emplace_back();
	return out_.procs.back();
}

int Decoder::malformed(const image::RecordInfo &rec, image::Reader &r, const std::string &why,
		       std::string &message)
{
	// A damaged payload is reported as such first.
	if (const int err = r.skip_payload(); err) {
		message = r.error();
		return err;
	}
	message = "record " + std::to_string(rec.seq) + " (tag " + image::tag_name(rec.tag) +
		  ") at offset " + std::to_string(rec.offset) + ": " + why;
	return EINVAL;
}

// The first min(length, max) bytes of the payload into buf_.
int Decoder::read_head(const image::RecordInfo &rec, image::Reader &r, std::size_t max,
		       std::string &message)
{
	buf_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(rec.length, max)));
	std::size_t done = 0;
	while (done < buf_.size()) {
		const ssize_t n = r.read_payload(buf_.data() + done, buf_.size() - done);
		if (n < 0) {
			message = r.error();
			return static_cast<int>(-n);
		}
		if (n == 0)
			break;
		done += static_cast<std::size_t>(n);
	}
	buf_.resize(done);
	return 0;
}

template <typename T>
int Decoder::fixed(const image::RecordInfo &rec, image::Reader &r, T &out, const char *what,
		   std::string &message)
{
	if (rec.length != sizeof out)
		return malformed(rec, r, std::string(what) + " record has the wrong size", message);
	if (const int err = read_head(rec, r, sizeof out, message); err)
		return err;
	std::memcpy(&out, buf_.data(), sizeof out);
	return 0;
}

int Decoder::record(const image::RecordInfo &rec, image::Reader &r, std::string &message)
{
	std::string why;
	switch (rec.tag) {
	case BLCR_REC_THREAD: {
		blcr_rec_thread t;
		if (const int err = fixed(rec, r, t, "thread", message); err)
			return err;
		ProcessView &p = current();
		if (p.threads.size() == BLCR_IMAGE_MAX_THREADS)
			return malformed(rec, r, "more than " + std::to_string(BLCR_IMAGE_MAX_THREADS) +
						 " threads in a process", message);
		p.threads.push_back(t);
		return 0;
	}
	case BLCR_REC_SIGHAND: {
		ProcessView &p = current();
		if (const int err = fixed(rec, r, p.sighand, "signal handler", message); err)
			return err;
		p.have_sighand = true;
		return 0;
	}
	case BLCR_REC_SIGPENDING: {
		PendingSignal s;
		if (const int err = fixed(rec, r, s.rec, "pending signal", message); err)
			return err;
		ProcessView &p = current();
		// A thread's own signals end its records; the shared ones follow SIGHAND.
		if (!s.rec.shared) {
			if (p.threads.empty() || p.have_sighand)
				return malformed(rec, r, "a thread's pending signal is not among its records", message);
			s.tid = p.threads.back().tid;
		}
		p.pending.push_back(s);
		return 0;
	}
	case BLCR_REC_MM: {
		if (rec.length > max_small_record)
			return malformed(rec, r, "memory record has the wrong size", message);
		if (const int err = read_head(rec, r, max_small_record, message); err)
			return err;
		ProcessView &p = current();
		if (!parse_mm(buf_, p.mm, why))
			return malformed(rec, r, why, message);
		p.have_mm = true;
		return 0;
	}
	case BLCR_REC_VMA: {
		if (rec.length > max_small_record)
			return malformed(rec, r, "mapping record is too long", message);
		if (const int err = read_head(rec, r, max_small_record, message); err)
			return err;
		MappingView m;
		if (!parse_mapping(buf_, m.mapping, why))
			return malformed(rec, r, why, message);
		current().mappings.push_back(std::move(m));
		return 0;
	}
	case BLCR_REC_PAGES: {
		blcr_rec_pages pg;
		if (rec.length < sizeof pg)
			return malformed(rec, r, "pages record is too short", message);
		if (const int err = read_head(rec, r, sizeof pg, message); err)
			return err;
		std::memcpy(&pg, buf_.data(), sizeof pg);
		ProcessView &p = current();
		if (p.mappings.empty() || p.mappings.back().mapping.rec.start != pg.vma_start ||
		    p.mappings.back().page_bytes != 0)
			return malformed(rec, r, "pages record does not follow its mapping", message);
		if (pg.data_offset < sizeof pg || pg.data_offset > rec.length)
			return malformed(rec, r, "pages record has a bad data offset", message);
		// In pages once the page size is known (describe_image).
		p.mappings.back().pages = rec.length - pg.data_offset;
		p.mappings.back().page_bytes = rec.length;
		return 0;
	}
	case BLCR_REC_PROCESS: {
		if (rec.length > max_small_record)
			return malformed(rec, r, "process record is too long", message);
		if (const int err = read_head(rec, r, max_small_record, message); err)
			return err;
		ProcessView &p = current();
		if (!parse_process(buf_, p.process, why))
			return malformed(rec, r, why, message);
		p.have_process = true;
		return 0;
	}
	case BLCR_REC_FD: {
		// The saved contents of a deleted file are not read into memory.
		if (const int err = read_head(rec, r, sizeof(blcr_rec_fd) + PATH_MAX, message); err)
			return err;
		SavedFd f;
		if (parse_fd_head(buf_, rec.length, f, why) == 0)
			return malformed(rec, r, why, message);
		current(true).fds.push_back(std::move(f));
		return 0;
	}
	default:
		return 0;
	}
}

// --- Text ------------------------------------------------------------------

void print_process(std::ostream &os, const ProcessView &p, std::uint32_t page_size)
{
	const SavedProcess &sp = p.process;
	const blcr_rec_process &pr = sp.rec;
	if (p.have_process) {
		os << "process " << pr.pid << ":\n"
		   << "  command:        " << printable(std::string(pr.comm, strnlen(pr.comm, sizeof pr.comm)))
		   << '\n'
		   << "  executable:     " << printable(sp.exe) << '\n'
		   << "  directory:      " << printable(sp.cwd) << '\n'
		   << "  parent:         " << pr.ppid << ", process group " << pr.pgid << ", session "
		   << pr.sid << '\n'
		   << "  user, group:    " << pr.uid << ", " << pr.gid << '\n'
		   << "  umask:          " << octal(pr.umask) << '\n'
		   << "  personality:    " << hex(pr.personality) << '\n';
		std::string limits;
		for (unsigned int i = 0; i < BLCR_NR_RLIMITS; ++i)
			if (pr.rlim[i].cur != ~0ull || pr.rlim[i].max != ~0ull)
				limits += (limits.empty() ? "" : ", ") + std::string(rlimit_names[i]) + " " +
					  limit_text(pr.rlim[i].cur) + "/" + limit_text(pr.rlim[i].max);
		os << "  limits:         " << (limits.empty() ? "none" : limits) << '\n'
		   << "  threads:        " << pr.nr_threads << '\n';
	} else {
		os << "process (no PROCESS record):\n";
	}
	for (const blcr_rec_thread &t : p.threads) {
		const std::string name = "thread " + std::to_string(t.tid) + ":";
		os << "  " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') << "blocked "
		   << signal_list(signals_in(t.sigblocked));
		if (t.restart_kind != BLCR_RESTART_NONE) {
			os << "; in " << restart_kind(t.restart_kind);
			if (t.restart_flags & BLCR_RESTART_F_ABSOLUTE)
				os << " until " << utc_time(t.restart_ns);
			else if (t.restart_flags & BLCR_RESTART_F_TIMEOUT)
				os << ", " << seconds(t.restart_ns) << " s left";
		}
		os << '\n';
	}
	if (p.have_sighand) {
		const blcr_rec_sighand &h = p.sighand;
		os << "  signals:        handled " << signal_list(signals_with(h, false)) << "; ignored "
		   << signal_list(signals_with(h, true)) << '\n';
		const std::pair<const char *, std::pair<std::uint64_t, std::uint64_t>> timers[] = {
			{"real", {h.itimer_real_ns, h.itimer_real_interval_ns}},
			{"virtual", {h.itimer_virt_ns, h.itimer_virt_interval_ns}},
			{"prof", {h.itimer_prof_ns, h.itimer_prof_interval_ns}},
		};
		for (const auto &[name, t] : timers)
			if (t.first)
				os << "  timer " << name << ":" << std::string(9 - std::strlen(name), ' ')
				   << seconds(t.first) << " s left"
				   << (t.second ? ", every " + seconds(t.second) + " s" : std::string()) << '\n';
	}
	std::vector<std::string> pending;
	for (const PendingSignal &s : p.pending)
		pending.push_back(signal_name(s.rec.signo) +
				  (s.rec.shared ? "" : " (thread " + std::to_string(s.tid) + ")"));
	if (p.have_sighand || !pending.empty())
		os << "  pending:        " << (pending.empty() ? "none" : joined(pending, ", ")) << '\n';

	const Totals t = totals(p);
	os << "  mappings:       " << p.mappings.size() << ", " << t.pages << " page"
	   << (t.pages == 1 ? "" : "s") << " saved (" << t.page_bytes << " bytes)\n";
	if (!p.mappings.empty())
		os << "    address                   perm offset    pages mapping\n";
	for (const MappingView &m : p.mappings) {
		const blcr_rec_vma &v = m.mapping.rec;
		char line[96];
		std::snprintf(line, sizeof line, "    %012llx-%012llx %s %08llx %6llu ",
			      static_cast<unsigned long long>(v.start), static_cast<unsigned long long>(v.end),
			      vma_perms(v).c_str(), static_cast<unsigned long long>(vma_offset(v, page_size)),
			      static_cast<unsigned long long>(m.pages));
		const std::vector<std::string> flags = vma_flag_names(v.flags);
		const std::string label = vma_label(p, m);
		os << line << vma_kind(v) << (label.empty() ? "" : " " + printable(label))
		   << (flags.empty() ? "" : " (" + joined(flags, ", ") + ")") << '\n';
	}
	os << "  descriptors:    " << p.fds.size();
	if (t.file_bytes)
		os << ", " << t.file_bytes << " bytes of deleted files saved";
	os << '\n';
	for (const SavedFd &f : p.fds) {
		os << "    " << f.rec.fd << ": " << fd_kind(f.rec.kind) << ' ' << printable(f.path) << " ("
		   << joined(open_flag_names(f.rec.flags), "|");
		if (f.rec.fd_flags & FD_CLOEXEC)
			os << ", close-on-exec";
		if (f.rec.kind == BLCR_FD_REG || f.rec.kind == BLCR_FD_DIR || f.rec.kind == BLCR_FD_DELETED)
			os << ", offset " << f.rec.pos << ", size " << f.rec.size;
		os << ")\n";
	}
}

// --- JSON ------------------------------------------------------------------

void print_process_json(std::ostream &os, const ProcessView &p, std::uint32_t page_size)
{
	const SavedProcess &sp = p.process;
	const blcr_rec_process &pr = sp.rec;
	os << "    {\n";
	if (p.have_process) {
		os << "      \"pid\": " << pr.pid << ", \"ppid\": " << pr.ppid << ", \"pgid\": " << pr.pgid
		   << ", \"sid\": " << pr.sid << ",\n"
		   << "      \"uid\": " << pr.uid << ", \"gid\": " << pr.gid
		   << ", \"umask\": " << json_string(octal(pr.umask))
		   << ", \"personality\": " << json_string(hex(pr.personality))
		   << ", \"nr_threads\": " << pr.nr_threads << ",\n"
		   << "      \"comm\": " << json_string(std::string(pr.comm, strnlen(pr.comm, sizeof pr.comm)))
		   << ",\n"
		   << "      \"exe\": " << json_string(sp.exe) << ",\n"
		   << "      \"cwd\": " << json_string(sp.cwd) << ",\n"
		   << "      \"rlimits\": {";
		for (unsigned int i = 0; i < BLCR_NR_RLIMITS; ++i)
			os << (i ? ",\n        " : "\n        ") << json_string(rlimit_names[i])
			   << ": {\"cur\": " << limit_json(pr.rlim[i].cur)
			   << ", \"max\": " << limit_json(pr.rlim[i].max) << '}';
		os << "\n      },\n";
	}
	os << "      \"threads\": [";
	for (std::size_t i = 0; i < p.threads.size(); ++i) {
		const blcr_rec_thread &t = p.threads[i];
		os << (i ? ",\n" : "\n") << "        {\"tid\": " << t.tid
		   << ", \"blocked\": " << json_numbers(signals_in(t.sigblocked))
		   << ", \"restart\": " << json_string(restart_kind(t.restart_kind));
		if (t.restart_flags & BLCR_RESTART_F_TIMEOUT)
			os << ", \"restart_ns\": " << t.restart_ns << ", \"restart_absolute\": "
			   << ((t.restart_flags & BLCR_RESTART_F_ABSOLUTE) ? "true" : "false");
		os << '}';
	}
	os << (p.threads.empty() ? "],\n" : "\n      ],\n");
	if (p.have_sighand) {
		const blcr_rec_sighand &h = p.sighand;
		os << "      \"signals\": {\n        \"handled\": [";
		bool first = true;
		for (const unsigned int sig : signals_with(h, false)) {
			const blcr_rec_sigaction &a = h.action[sig - 1];
			os << (first ? "\n" : ",\n") << "          {\"signal\": " << sig
			   << ", \"name\": " << json_string(signal_name(sig))
			   << ", \"handler\": " << json_string(hex(a.handler))
			   << ", \"flags\": " << json_string(hex(a.flags))
			   << ", \"mask\": " << json_numbers(signals_in(a.mask)) << '}';
			first = false;
		}
		os << (first ? "],\n" : "\n        ],\n")
		   << "        \"ignored\": " << json_numbers(signals_with(h, true)) << ",\n"
		   << "        \"itimers\": {\"real\": {\"value_ns\": " << h.itimer_real_ns
		   << ", \"interval_ns\": " << h.itimer_real_interval_ns << "}, \"virtual\": {\"value_ns\": "
		   << h.itimer_virt_ns << ", \"interval_ns\": " << h.itimer_virt_interval_ns
		   << "}, \"prof\": {\"value_ns\": " << h.itimer_prof_ns
		   << ", \"interval_ns\": " << h.itimer_prof_interval_ns << "}}\n      },\n";
	}
	os << "      \"pending\": [";
	for (std::size_t i = 0; i < p.pending.size(); ++i) {
		const PendingSignal &s = p.pending[i];
		os << (i ? ", " : "") << "{\"signal\": " << s.rec.signo
		   << ", \"name\": " << json_string(signal_name(s.rec.signo))
		   << ", \"shared\": " << (s.rec.shared ? "true" : "false");
		if (!s.rec.shared)
			os << ", \"tid\": " << s.tid;
		os << '}';
	}
	os << "],\n      \"mappings\": [";
	for (std::size_t i = 0; i < p.mappings.size(); ++i) {
		const MappingView &m = p.mappings[i];
		const blcr_rec_vma &v = m.mapping.rec;
		os << (i ? ",\n" : "\n") << "        {\"start\": " << json_string(hex(v.start))
		   << ", \"end\": " << json_string(hex(v.end))
		   << ", \"perms\": " << json_string(vma_perms(v))
		   << ", \"offset\": " << vma_offset(v, page_size) << ", \"pgoff\": " << v.pgoff
		   << ", \"kind\": " << json_string(vma_kind(v))
		   << ", \"path\": " << json_string(m.mapping.path)
		   << ", \"label\": " << json_string(vma_label(p, m))
		   << ", \"flags\": " << json_array(vma_flag_names(v.flags));
		if (v.flags & BLCR_VMA_FILE)
			os << ", \"file_size\": " << v.size << ", \"ino\": " << v.ino;
		os << ", \"pages\": " << m.pages << ", \"page_bytes\": " << m.page_bytes << '}';
	}
	os << (p.mappings.empty() ? "],\n" : "\n      ],\n") << "      \"fds\": [";
	for (std::size_t i = 0; i < p.fds.size(); ++i) {
		const SavedFd &f = p.fds[i];
		os << (i ? ",\n" : "\n") << "        {\"fd\": " << f.rec.fd
		   << ", \"kind\": " << json_string(fd_kind(f.rec.kind))
		   << ", \"path\": " << json_string(f.path)
		   << ", \"flags\": " << json_string(hex(f.rec.flags))
		   << ", \"flag_names\": " << json_array(open_flag_names(f.rec.flags))
		   << ", \"cloexec\": " << ((f.rec.fd_flags & FD_CLOEXEC) ? "true" : "false")
		   << ", \"offset\": " << f.rec.pos << ", \"size\": " << f.rec.size
		   << ", \"mode\": " << json_string(octal(f.rec.mode)) << '}';
	}
	const Totals t = totals(p);
	os << (p.fds.empty() ? "],\n" : "\n      ],\n")
	   << "      \"pages_saved\": " << t.pages << ",\n"
	   << "      \"page_bytes\": " << t.page_bytes << ",\n"
	   << "      \"file_bytes\": " << t.file_bytes << "\n"
	   << "    }";
}

}  // namespace

int describe_image(int fd, ImageDescription &out, std::string &message)
{
	ImageDescription d;
	Decoder decoder(d);
	const int err = image::validate(fd, d.summary, message,
					[&](const image::RecordInfo &rec, image::Reader &r, std::string &msg) {
						return decoder.record(rec, r, msg);
					});
	if (err != 0)
		return err;
	const std::uint32_t page_size = d.summary.header.page_size;
	for (ProcessView &p : d.procs)
		for (MappingView &m : p.mappings) {
			if (m.pages % page_size != 0) {
				message = "the saved pages of the mapping at " + hex(m.mapping.rec.start) +
					  " are not a whole number of pages";
				return EINVAL;
			}
			m.pages /= page_size;
		}
	out = std::move(d);
	return 0;
}

void print_summary(std::ostream &os, const ImageDescription &d)
{
	const image::Summary &s = d.summary;
	const image::HeaderInfo &h = s.header;
	os << "format version:  " << h.version << '\n'
	   << "architecture:    " << image::arch_name(h.arch) << '\n'
	   << "page size:       " << h.page_size << '\n'
	   << "kernel release:  " << printable(h.kernel_release) << '\n'
	   << "kernel build:    " << printable(h.kernel_build) << '\n';
	if (is_x86(h.arch)) {
		const std::uint64_t xf = h.cpu_features[BLCR_X86_CPU_XFEATURES];
		os << "cpu features:    xfeatures " << hex(xf);
		if (xf)
			os << " (" << joined(xfeature_names(xf)) << ')';
		os << ", fpu " << fpu_format(h.cpu_features[BLCR_X86_CPU_FPU_FORMAT]) << ", xstate size "
		   << h.cpu_features[BLCR_X86_CPU_XSTATE_SIZE] << '\n';
		const std::vector<std::string> isa = image::x86_isa_features(h.cpu_features[BLCR_X86_CPU_CPUID]);
		os << "instruction set: " << (isa.empty() ? "baseline" : joined(isa)) << '\n';
	} else {
		os << "cpu features:    " << hex(h.cpu_features[0]) << ' ' << hex(h.cpu_features[1])
		   << ' ' << hex(h.cpu_features[2]) << ' ' << hex(h.cpu_features[3]) << '\n';
	}
	if (h.vdso_size != 0)
		os << "vdso:            " << h.vdso_size << " bytes, crc32c " << hex(h.vdso_crc) << '\n';
	os << "created by:      blcr " << printable(h.creator_version) << '\n'
	   << "checkpoint time: " << utc_time(h.time_ns) << '\n'
	   << "processes:       " << h.nr_procs << '\n'
	   << "records:         " << s.records << '\n';
	for (const auto &[tag, t] : s.tags)
		os << "  " << image::tag_name(tag) << ": " << t.count << " record"
		   << (t.count == 1 ? "" : "s") << ", " << t.bytes << " bytes\n";
	os << "total size:      " << s.total_size << " bytes\n";
	for (const ProcessView &p : d.procs)
		print_process(os, p, h.page_size);
}

void print_summary_json(std::ostream &os, const ImageDescription &d)
{
	const image::Summary &s = d.summary;
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
		   << ",\n  \"xfeature_names\": "
		   << json_array(xfeature_names(h.cpu_features[BLCR_X86_CPU_XFEATURES]))
		   << ",\n  \"fpu_format\": "
		   << json_string(fpu_format(h.cpu_features[BLCR_X86_CPU_FPU_FORMAT]))
		   << ",\n  \"xstate_size\": " << h.cpu_features[BLCR_X86_CPU_XSTATE_SIZE]
		   << ",\n  \"isa_features\": "
		   << json_array(image::x86_isa_features(h.cpu_features[BLCR_X86_CPU_CPUID])) << ",\n";
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
	   << "  \"total_size\": " << s.total_size << ",\n"
	   << "  \"procs\": [";
	for (std::size_t i = 0; i < d.procs.size(); ++i) {
		os << (i ? ",\n" : "\n");
		print_process_json(os, d.procs[i], h.page_size);
	}
	os << (d.procs.empty() ? "]\n" : "\n  ]\n") << "}\n";
}

}  // namespace blcr::cli
