// SPDX-License-Identifier: GPL-2.0-or-later
// What cr_restart needs to know of an image before it forks: the records
// user space restores itself, and what the kernel will map.
#ifndef BLCR_CLI_RESTART_PLAN_H
#define BLCR_CLI_RESTART_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

#include "blcr_image.h"
#include "image_reader.h"
#include "process_state.h"

namespace blcr::cli {

struct SavedMapping {
	blcr_rec_vma rec{};
	std::string path;
};

struct RestartPlan {
	SavedProcess process;
	std::vector<SavedFd> fds;
	std::vector<SavedMapping> mappings;  // in order, all of them
	std::uint32_t dumpable = 1;
	std::uint64_t kernel_offset = 0;      // of the first THREAD record
	std::vector<std::uint32_t> tids;      // in image order: the leader (the pid) first
};

// Decoding of the MM and VMA payloads; false with why set when malformed.
bool parse_mm(const std::vector<std::uint8_t> &payload, blcr_rec_mm &out, std::string &why);
bool parse_mapping(const std::vector<std::uint8_t> &payload, SavedMapping &out, std::string &why);

// Reads and checks the image at fd from its start, in one pass: the header
// first (refused unless it can be restarted on host), then every record and
// its CRC, to the END record and nothing after it. Page data (PAGES payloads)
// is only seeked over: the kernel checks its CRC as it restores it. 0 or an
// errno with why set. The threads must be as many as the PROCESS record
// says, with distinct tids, the first one the pid.
int read_restart_plan(int fd, const image::HostInfo &host, RestartPlan &out, std::string &why);

// In the child: opens, with the caller's rights, the executable and the
// files of file-backed mappings (relocated); fds at or above base. Fails
// when a file is missing, unreadable, or not the size it had.
int open_mapped_files(const RestartPlan &plan, const std::vector<PathRelocation> &rules, int base,
		      int &exe_fd, std::vector<int> &map_fds, std::string &why);

}  // namespace blcr::cli

#endif
