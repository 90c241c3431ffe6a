// SPDX-License-Identifier: GPL-2.0-or-later
// How the tools show text that comes from an image or a process (paths,
// names, kernel strings, messages quoting them): an image may be hostile,
// so none of it reaches a terminal or a JSON reader as raw control
// characters.
#ifndef BLCR_CLI_TEXT_ESCAPE_H
#define BLCR_CLI_TEXT_ESCAPE_H

#include <string>
#include <string_view>

namespace blcr::cli {

// text for a terminal, on one line: control characters (C0, DEL and C1,
// the last also when UTF-8 encoded) and bytes that are not UTF-8 become
// \xNN, a backslash \\; other UTF-8 text stays as it is.
std::string printable(std::string_view text);

// text as a JSON string literal, quotes included: control characters (C0,
// DEL, C1) as \u00NN, '"' and '\' escaped, other UTF-8 text as it is, and
// a byte that is not UTF-8 as the code point of its value (\u00NN).
std::string json_string(std::string_view text);

}  // namespace blcr::cli

#endif
