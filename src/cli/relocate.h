// SPDX-License-Identifier: GPL-2.0-or-later
// cr_restart --relocate OLD=NEW: BLCR's syntax and limits.
#ifndef BLCR_CLI_RELOCATE_H
#define BLCR_CLI_RELOCATE_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blcr::cli {

// Saved paths starting with old_path (on whole components) are read from
// new_path instead.
struct PathRelocation {
	std::string old_path;
	std::string new_path;
	friend bool operator==(const PathRelocation &, const PathRelocation &) = default;
};

// Parses one OLD=NEW argument: exactly one unescaped '=', "\=" and "\\"
// stand for '=' and '\' (any other backslash is kept as is), both paths must
// be absolute, trailing slashes are trimmed. On error returns nullopt and
// sets why.
std::optional<PathRelocation> parse_relocation(std::string_view arg, std::string &why);

// Parses arg and appends it to rules, dropping an identity mapping. Fails
// (false, why set) on a bad argument or beyond CR_MAX_RSTRT_RELOC rules.
bool add_relocation(std::vector<PathRelocation> &rules, std::string_view arg, std::string &why);

// The path a saved path is read from: the first rule whose OLD is a whole
// leading part of it applies; unchanged when none does.
std::string relocate_path(const std::vector<PathRelocation> &rules, const std::string &path);

}  // namespace blcr::cli

#endif
