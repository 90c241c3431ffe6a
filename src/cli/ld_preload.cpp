// SPDX-License-Identifier: GPL-2.0-or-later
#include "ld_preload.h"

namespace blcr::cli {

namespace {

bool is_stub(std::string_view element)
{
	const auto slash = element.rfind('/');
	const std::string_view file = slash == std::string_view::npos ? element : element.substr(slash + 1);
	return file.starts_with("libcr_run.so") || file.starts_with("libcr_omit.so");
}

}  // namespace

std::string preload_with_stub(std::string_view ld_preload, std::string_view stub)
{
	std::string result(stub);
	while (!ld_preload.empty()) {
		const auto sep = ld_preload.find_first_of(": ");
		const std::string_view element = ld_preload.substr(0, sep);
		if (!element.empty() && !is_stub(element)) {
			result += ':';
			result += element;
		}
		if (sep == std::string_view::npos)
			break;
		ld_preload.remove_prefix(sep + 1);
	}
	return result;
}

}  // namespace blcr::cli
