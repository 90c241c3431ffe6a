// SPDX-License-Identifier: GPL-2.0-or-later
// make_image DIR: writes sample images for cr_info_image.sh: valid.img,
// corrupt.img (one payload bit flipped in record 1), process.img (the
// records of a process, as the kernel and cr_checkpoint write them),
// hostile.img (the same with terminal control sequences and bytes that are
// not UTF-8 in every string), malformed.img (a PROCESS payload too short)
// and misplaced.img (a thread's pending signal out of place).
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <string>

#include "blcr_image.h"
#include "image_writer.h"

namespace {

bool save(const std::string &path, const std::vector<std::uint8_t> &b)
{
	std::FILE *f = std::fopen(path.c_str(), "wb");
	if (f == nullptr)
		return false;
	const bool ok = std::fwrite(b.data(), 1, b.size(), f) == b.size();
	return std::fclose(f) == 0 && ok;
}

template <typename T>
std::vector<std::uint8_t> bytes_of(const T &rec, const std::vector<std::string> &strings = {})
{
	std::vector<std::uint8_t> b(sizeof rec);
	std::memcpy(b.data(), &rec, sizeof rec);
	for (const std::string &s : strings)
		b.insert(b.end(), s.c_str(), s.c_str() + s.size() + 1);
	return b;
}

void add_vma(blcr::test::ImageWriter &w, std::uint64_t start, std::uint64_t end, std::uint32_t prot,
	     std::uint32_t flags, const std::string &path, std::uint64_t saved_pages)
{
	blcr_rec_vma v{};
	v.start = start;
	v.end = end;
	v.pgoff = (flags & BLCR_VMA_FILE) ? 1 : 0;
	v.prot = prot;
	v.flags = flags;
	v.size = (flags & BLCR_VMA_FILE) ? 20000 : 0;
	v.path_len = path.empty() ? 0 : static_cast<std::uint32_t>(path.size() + 1);
	w.add(BLCR_REC_VMA, path.empty() ? bytes_of(v) : bytes_of(v, {path}));
	if (saved_pages == 0)
		return;
	blcr_rec_pages pg{};
	pg.vma_start = start;
	pg.nr_runs = 1;
	pg.data_offset = 4096;
	const blcr_rec_page_run run{start, saved_pages};
	std::vector<std::uint8_t> payload = bytes_of(pg);
	const std::vector<std::uint8_t> r = bytes_of(run);
	payload.insert(payload.end(), r.begin(), r.end());
	payload.resize(4096 + 4096 * saved_pages, 0x5a);
	w.add(BLCR_REC_PAGES, payload);
}

// The strings of process_image().
struct ProcessNames {
	std::string comm = "solver";
	std::string exe = "/opt/job/bin/solver";
	std::string cwd = "/opt/job/run \"quoted\"";
	std::string terminal = "/dev/pts/3";
	std::string log = "/opt/job/run/out.log";
	std::string scratch = "/tmp/scratch";
};

// One process: two threads, one in an interrupted nanosleep, the other
// with a signal of its own pending; a handler, a shared pending signal, four
// mappings (two with saved pages), a terminal, a file and a deleted file.
std::vector<std::uint8_t> process_image(const ProcessNames &names = {}, const blcr::test::ImageParams &params = {})
{
	blcr::test::ImageWriter w(params);
	blcr_rec_thread t{};
	t.tid = 4242;
	t.sigblocked = 1ull << (SIGUSR2 - 1);
	t.restart_kind = BLCR_RESTART_NANOSLEEP;
	t.restart_flags = BLCR_RESTART_F_TIMEOUT;
	t.restart_ns = 2500000000ull;
	w.add(BLCR_REC_THREAD, bytes_of(t));
	w.add(BLCR_REC_CPU_REGS, std::vector<std::uint8_t>(216, 0));
	w.add(BLCR_REC_CPU_FPU, std::vector<std::uint8_t>(832, 0));
	blcr_rec_thread t2{};
	t2.tid = 4250;
	w.add(BLCR_REC_THREAD, bytes_of(t2));
	w.add(BLCR_REC_CPU_REGS, std::vector<std::uint8_t>(216, 0));
	w.add(BLCR_REC_CPU_FPU, std::vector<std::uint8_t>(832, 0));
	blcr_rec_sigpending own{};
	own.signo = SIGUSR2;
	w.add(BLCR_REC_SIGPENDING, bytes_of(own));
	blcr_rec_sighand h{};
	h.action[SIGTERM - 1].handler = 0x401000;
	h.action[SIGTERM - 1].mask = 1ull << (SIGINT - 1);
	h.action[SIGPIPE - 1].handler = 1;  // SIG_IGN
	h.itimer_real_ns = 1500000000ull;
	h.itimer_real_interval_ns = 1000000000ull;
	w.add(BLCR_REC_SIGHAND, bytes_of(h));
	blcr_rec_sigpending sp{};
	sp.signo = SIGUSR1;
	sp.shared = 1;
	w.add(BLCR_REC_SIGPENDING, bytes_of(sp));
	blcr_rec_mm mm{};
	mm.start_brk = 0x601000;
	mm.brk = 0x623000;
	mm.start_stack = 0x7ffd00020000;
	mm.nr_vmas = 4;
	mm.auxv_words = 2;
	mm.dumpable = 1;
	w.add(BLCR_REC_MM, bytes_of(mm));
	add_vma(w, 0x400000, 0x402000, BLCR_VMA_PROT_READ | BLCR_VMA_PROT_EXEC, BLCR_VMA_FILE, names.exe, 0);
	add_vma(w, 0x601000, 0x623000, BLCR_VMA_PROT_READ | BLCR_VMA_PROT_WRITE, 0, "", 3);
	add_vma(w, 0x7ffd00000000, 0x7ffd00021000, BLCR_VMA_PROT_READ | BLCR_VMA_PROT_WRITE,
		BLCR_VMA_GROWSDOWN | BLCR_VMA_LOCKED, "", 1);
	add_vma(w, 0x7ffd00100000, 0x7ffd00102000, BLCR_VMA_PROT_READ | BLCR_VMA_PROT_EXEC,
		BLCR_VMA_SPECIAL, "[vdso]", 0);

	blcr_rec_process p{};
	p.pid = 4242;
	p.ppid = 4200;
	p.pgid = 4242;
	p.sid = 4100;
	p.uid = 1000;
	p.gid = 100;
	p.umask = 022;
	p.nr_threads = 2;
	std::strncpy(p.comm, names.comm.c_str(), sizeof p.comm - 1);
	for (auto &l : p.rlim)
		l = {~0ull, ~0ull};
	p.rlim[7] = {1024, 4096};  // RLIMIT_NOFILE
	p.cwd_len = static_cast<std::uint32_t>(names.cwd.size() + 1);
	p.exe_len = static_cast<std::uint32_t>(names.exe.size() + 1);
	w.add(BLCR_REC_PROCESS, bytes_of(p, {names.cwd, names.exe}));

	auto fd = [&](std::uint32_t n, std::uint32_t kind, std::uint32_t flags, std::uint64_t pos,
		      std::uint64_t size, const std::string &path, std::size_t contents) {
		blcr_rec_fd f{};
		f.fd = n;
		f.kind = kind;
		f.flags = flags;
		f.fd_flags = n > 2 ? FD_CLOEXEC : 0;
		f.pos = pos;
		f.size = size;
		f.mode = kind == BLCR_FD_TTY ? 020620 : 0100644;
		f.path_len = static_cast<std::uint32_t>(path.size() + 1);
		std::vector<std::uint8_t> b = bytes_of(f, {path});
		b.resize(b.size() + contents, 'x');
		w.add(BLCR_REC_FD, b);
	};
	fd(0, BLCR_FD_TTY, O_RDWR, 0, 0, names.terminal, 0);
	fd(1, BLCR_FD_REG, O_WRONLY | O_APPEND | 0100000 /* the kernel's O_LARGEFILE */, 1234, 1234, names.log, 0);
	fd(3, BLCR_FD_DELETED, O_RDWR, 5, 10, names.scratch, 10);
	w.end();
	return w.bytes();
}

// What a hostile image could try on the terminal of whoever reads it with
// cr_info: escape sequences (window title, clear screen, colours), line
// breaks, DEL, the C1 control CSI both UTF-8 encoded and as a raw byte;
// next to a backslash and UTF-8 text that must stay as it is.
std::vector<std::uint8_t> hostile_image()
{
	ProcessNames n;
	n.comm = "ev\x1b[2Jil";
	n.exe = "/opt/\x1b]2;owned\x07/solver";
	n.cwd = "/run\n\rfake line";
	n.terminal = "/dev/pts/3\x7f";
	n.log = "/opt/caf\xc3\xa9/out\\log\xc2\x9b";
	n.scratch = "/tmp/\x9b" "31m";
	blcr::test::ImageParams params;
	params.kernel_release = "6.1.0\x1b[31m";
	return process_image(n, params);
}

// Sound framing, but a PROCESS record too short for its fixed part.
std::vector<std::uint8_t> malformed_image()
{
	blcr::test::ImageWriter w;
	w.add(BLCR_REC_PROCESS, std::vector<std::uint8_t>(10, 0));
	w.end();
	return w.bytes();
}

// A thread's own pending signal after SIGHAND, out of its thread's records.
std::vector<std::uint8_t> misplaced_image()
{
	blcr::test::ImageWriter w;
	blcr_rec_thread t{};
	t.tid = 77;
	w.add(BLCR_REC_THREAD, bytes_of(t));
	w.add(BLCR_REC_SIGHAND, bytes_of(blcr_rec_sighand{}));
	blcr_rec_sigpending sp{};
	sp.signo = SIGUSR1;
	w.add(BLCR_REC_SIGPENDING, bytes_of(sp));
	w.end();
	return w.bytes();
}

}  // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: make_image DIR\n");
		return 2;
	}
	const std::string dir = argv[1];
	blcr::test::ImageWriter w;
	w.add(BLCR_REC_RANGE_PROCESS + 1, std::vector<std::uint8_t>(64, 0x11));
	const std::size_t second = w.add(BLCR_REC_RANGE_THREAD + 1, std::vector<std::uint8_t>(16, 0x22));
	w.pad_to_page();
	w.add(BLCR_REC_RANGE_PAGES + 1, std::vector<std::uint8_t>(8192, 0x33));
	w.end();
	std::vector<std::uint8_t> bad = w.bytes();
	bad[second + BLCR_RECORD_HEADER_SIZE + 3] ^= 0x04;
	return save(dir + "/valid.img", w.bytes()) && save(dir + "/corrupt.img", bad) &&
			       save(dir + "/process.img", process_image()) &&
			       save(dir + "/hostile.img", hostile_image()) &&
			       save(dir + "/malformed.img", malformed_image()) &&
			       save(dir + "/misplaced.img", misplaced_image())
		       ? 0
		       : 1;
}
