// SPDX-License-Identifier: GPL-2.0-or-later
// cr_info's output: a validated image's summary as text or as JSON.
#ifndef BLCR_CLI_IMAGE_SUMMARY_H
#define BLCR_CLI_IMAGE_SUMMARY_H

#include <ostream>
#include <string>
#include <string_view>

#include "image_reader.h"

namespace blcr::cli {

void print_summary(std::ostream &os, const image::Summary &s);
void print_summary_json(std::ostream &os, const image::Summary &s);

// s as a JSON string literal, quotes included.
std::string json_string(std::string_view s);

}  // namespace blcr::cli

#endif
