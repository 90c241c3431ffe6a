// SPDX-License-Identifier: GPL-2.0-or-later
// How cr_run puts a libcr stub into LD_PRELOAD; pure, for unit tests.
#ifndef BLCR_CLI_LD_PRELOAD_H
#define BLCR_CLI_LD_PRELOAD_H

#include <string>
#include <string_view>

namespace blcr::cli {

inline constexpr std::string_view run_stub = "libcr_run.so.0";
inline constexpr std::string_view omit_stub = "libcr_omit.so.0";

// Returns the value of LD_PRELOAD with stub in front. Elements are separated
// by ':' or ' ' (as ld.so reads them); empty ones and earlier libcr_run.so*
// and libcr_omit.so* (bare or with a directory) are dropped, since only one
// stub may be preloaded. The result is ':'-separated.
std::string preload_with_stub(std::string_view ld_preload, std::string_view stub);

}  // namespace blcr::cli

#endif
