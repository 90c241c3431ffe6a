// SPDX-License-Identifier: GPL-2.0-or-later
#include "relocate.h"

#include "blcr_common.h"

namespace blcr::cli {

namespace {

// "/a/b//" -> "/a/b", but "/" stays "/".
void trim_trailing_slashes(std::string &path)
{
	while (path.size() > 1 && path.back() == '/')
		path.pop_back();
}

}  // namespace

std::optional<PathRelocation> parse_relocation(std::string_view arg, std::string &why)
{
	PathRelocation rule;
	std::string *current = &rule.old_path;
	for (std::size_t i = 0; i < arg.size(); ++i) {
		const char c = arg[i];
		if (c == '\\' && i + 1 < arg.size() && (arg[i + 1] == '=' || arg[i + 1] == '\\')) {
			*current += arg[++i];
		} else if (c == '=') {
			if (current == &rule.new_path) {
				why = "more than one unescaped '=' (write '\\=' for a literal '=')";
				return std::nullopt;
			}
			current = &rule.new_path;
		} else {
			*current += c;
		}
	}
	if (current != &rule.new_path) {
		why = "expected OLD=NEW";
		return std::nullopt;
	}
	if (!rule.old_path.starts_with('/') || !rule.new_path.starts_with('/')) {
		why = "OLD and NEW must both be absolute paths";
		return std::nullopt;
	}
	trim_trailing_slashes(rule.old_path);
	trim_trailing_slashes(rule.new_path);
	return rule;
}

bool add_relocation(std::vector<PathRelocation> &rules, std::string_view arg, std::string &why)
{
	auto rule = parse_relocation(arg, why);
	if (!rule)
		return false;
	if (rule->old_path == rule->new_path)
		return true;
	if (rules.size() >= CR_MAX_RSTRT_RELOC) {
		why = "at most " + std::to_string(CR_MAX_RSTRT_RELOC) + " relocations";
		return false;
	}
	rules.push_back(std::move(*rule));
	return true;
}

std::string relocate_path(const std::vector<PathRelocation> &rules, const std::string &path)
{
	for (const PathRelocation &r : rules) {
		if (!path.starts_with(r.old_path))
			continue;
		const std::size_t n = r.old_path.size();
		if (path.size() == n || path[n] == '/' || r.old_path == "/")
			return r.new_path + path.substr(r.old_path == "/" ? 0 : n);
	}
	return path;
}

}  // namespace blcr::cli
