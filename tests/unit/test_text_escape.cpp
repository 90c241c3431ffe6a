// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string>

#include "text_escape.h"

using blcr::cli::json_string;
using blcr::cli::printable;

TEST_CASE("printable keeps text and UTF-8, escapes controls and stray bytes", "[text_escape]")
{
	CHECK(printable("/home/user/run 1/out.log") == "/home/user/run 1/out.log");
	CHECK(printable("") == "");
	// é, the euro sign, an emoji: well-formed UTF-8 of 2, 3 and 4 bytes
	CHECK(printable("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK(printable("a\\b") == "a\\\\b");
	CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
	CHECK(printable("\x1b]2;title\x07\n\r\t\x7f") == "\\x1b]2;title\\x07\\x0a\\x0d\\x09\\x7f");
	// C1 controls: CSI UTF-8 encoded (U+009B) and as a raw byte
	CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");
	CHECK(printable("\x9b" "31m") == "\\x9b31m");
	// not UTF-8: an overlong '/', a surrogate, past U+10FFFF, a cut sequence
	CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");
	CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");
	CHECK(printable("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");
	CHECK(printable("x\xe2\x82") == "x\\xe2\\x82");
	CHECK(printable("\xe2\x82x") == "\\xe2\\x82x");
}

TEST_CASE("json_string escapes what JSON and terminals need, keeps UTF-8", "[text_escape]")
{
	CHECK(json_string("plain") == "\"plain\"");
	CHECK(json_string("say \"hi\" \\ there") == "\"say \\\"hi\\\" \\\\ there\"");
	CHECK(json_string("caf\xc3\xa9 \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	CHECK(json_string("\x1b[2J\n\x7f") == "\"\\u001b[2J\\u000a\\u007f\"");
	CHECK(json_string(std::string("\0", 1)) == "\"\\u0000\"");
	CHECK(json_string("\xc2\x9b") == "\"\\u009b\"");
	// a byte that is not UTF-8 stands for the code point of its value
	CHECK(json_string("\x9b\xe9") == "\"\\u009b\\u00e9\"");
}
