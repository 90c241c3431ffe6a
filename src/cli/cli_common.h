// SPDX-License-Identifier: GPL-2.0-or-later
// What every cr_* tool shares: BLCR's exit-status conventions, usage errors,
// --version, and the handshake that checks blcr.ko is loaded and compatible.
#ifndef BLCR_CLI_COMMON_H
#define BLCR_CLI_COMMON_H

#include <functional>
#include <optional>
#include <string_view>

#include "blcr_ioctl.h"

namespace blcr::cli {

// BLCR's tools exit with the errno of a failure; only its low 8 bits survive.
constexpr int exit_status(int err) noexcept { return err & 0xff; }

// Exit status of a command-line error, as in BLCR.
inline constexpr int exit_usage = 255;

// Prints "prog: message" and a pointer to --help on stderr; returns exit_usage.
int usage_error(std::string_view prog, std::string_view message);

// Handshakes with blcr.ko: 0 with hs filled when the module is loaded and
// compatible, else the errno (ENOSYS: not loaded, CR_EVERSION: incompatible).
int kernel_handshake(blcr_handshake &hs) noexcept;

// One line on stderr saying why kernel_handshake() failed with err.
void report_kernel_error(int err, const blcr_handshake &hs);

// --version: "<prog> version <release>" and the kernel module's interface on
// stdout, or why the module is unusable on stderr. Returns the exit status.
int print_version(std::string_view prog);

// Parses a whole decimal number within [min, max].
std::optional<long> parse_number(std::string_view text, long min, long max) noexcept;

// Runs a tool's body and maps the exceptions that escape it to BLCR's exit
// statuses: command-line errors 255, out of memory ENOMEM, anything else 1.
int run_tool(std::string_view prog, const std::function<int()> &body) noexcept;

}  // namespace blcr::cli

#endif
