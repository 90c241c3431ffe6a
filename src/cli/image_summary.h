// SPDX-License-Identifier: GPL-2.0-or-later
// cr_info's reading and output: a checked image's header, records, and what
// its records say about each process, as text or as JSON.
#ifndef BLCR_CLI_IMAGE_SUMMARY_H
#define BLCR_CLI_IMAGE_SUMMARY_H

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "blcr_image.h"
#include "image_reader.h"
#include "process_state.h"
#include "restart_plan.h"

namespace blcr::cli {

struct MappingView {
	SavedMapping mapping;
	std::uint64_t pages = 0;       // saved in the image (its PAGES record)
	std::uint64_t page_bytes = 0;  // bytes of that PAGES payload
};

struct PendingSignal {
	blcr_rec_sigpending rec{};
	std::uint32_t tid = 0;  // of the thread whose own queue holds it; 0: shared
};

// The records of one process, in image order: the kernel's (per thread
// THREAD, CPU_REGS, CPU_FPU and its own SIGPENDING; then SIGHAND, the shared
// SIGPENDING, MM, VMA, PAGES), then PROCESS and FD.
struct ProcessView {
	bool have_process = false;
	SavedProcess process;
	std::vector<blcr_rec_thread> threads;
	bool have_sighand = false;
	blcr_rec_sighand sighand{};
	std::vector<PendingSignal> pending;  // the threads' in their order, then the shared
	bool have_mm = false;
	blcr_rec_mm mm{};
	std::vector<MappingView> mappings;
	std::vector<SavedFd> fds;  // without the contents of deleted files
};

struct ImageDescription {
	image::Summary summary;
	std::vector<ProcessView> procs;
};

// Reads and checks a whole image from fd (a file or a pipe) and decodes its
// process records: 0, or the errno with message set (one line).
int describe_image(int fd, ImageDescription &out, std::string &message);

void print_summary(std::ostream &os, const ImageDescription &d);
void print_summary_json(std::ostream &os, const ImageDescription &d);

}  // namespace blcr::cli

#endif
