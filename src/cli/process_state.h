// SPDX-License-Identifier: GPL-2.0-or-later
// What user space saves and restores of a process itself, with ordinary
// system calls and /proc, and with the restarting user's rights: identity,
// cwd, umask, personality, comm, limits (PROCESS record) and the file
// descriptor table (FD records). The kernel module saves the rest.
#ifndef BLCR_CLI_PROCESS_STATE_H
#define BLCR_CLI_PROCESS_STATE_H

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "blcr_image.h"
#include "image_append.h"
#include "relocate.h"

namespace blcr::cli {

struct SavedProcess {
	blcr_rec_process rec{};
	std::string cwd;
	std::string exe;
};

struct SavedFd {
	blcr_rec_fd rec{};
	std::string path;
	std::vector<std::uint8_t> contents;  // BLCR_FD_DELETED
};

// Checkpoint, while the kernel keeps pid parked: appends PROCESS and FD
// records. 0, or an errno with why set (e.g. an fd that cannot be saved).
int dump_process_records(pid_t pid, RecordAppender &out, std::string &why);

// Decoding at restart; false with why set on a malformed payload.
bool parse_process(const std::vector<std::uint8_t> &payload, SavedProcess &out, std::string &why);
bool parse_fd(const std::vector<std::uint8_t> &payload, SavedFd &out, std::string &why);
// The same from the first bytes of an FD payload of length bytes (head holds
// at least its path), leaving out.contents empty: the offset of the contents
// in the payload, or 0 with why set.
std::size_t parse_fd_head(const std::vector<std::uint8_t> &head, std::uint64_t length, SavedFd &out,
			  std::string &why);

// In the restarting child, before the kernel's part. keep: descriptors of
// the child that must survive (moved above every saved fd number on entry;
// their new numbers are written back). 0 or an errno with why set.
int restore_process(const SavedProcess &p, const std::vector<PathRelocation> &rules, std::string &why);
int restore_fds(const std::vector<SavedFd> &fds, const std::vector<PathRelocation> &rules,
		std::vector<int *> keep, std::string &why);

}  // namespace blcr::cli

#endif
