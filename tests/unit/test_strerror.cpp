// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "libcr.h"

TEST_CASE("cr_strerror knows every CR_E* code", "[strerror]")
{
	std::set<std::string> seen;
	for (int code = CR_ETEMPFAIL; code <= CR_ENOINIT; ++code) {
		INFO("code " << code);
		const std::string msg = cr_strerror(code);
		CHECK_FALSE(msg.empty());
		CHECK(msg.find("Unknown error") == std::string::npos);
		CHECK(seen.insert(msg).second);  // one distinct sentence each
	}
	CHECK(std::string(cr_strerror(CR_ENOINIT)).find("cr_init") != std::string::npos);
	CHECK(std::string(cr_strerror(CR_EVERSION)).find("version") != std::string::npos);
}

TEST_CASE("cr_strerror falls back to strerror", "[strerror]")
{
	CHECK(std::string(cr_strerror(ENOENT)) == std::strerror(ENOENT));
	CHECK(std::string(cr_strerror(ENOSYS)) == std::strerror(ENOSYS));
	CHECK(std::string(cr_strerror(CR_MIN_ERRCODE)) == "Unknown error 2353");
	CHECK(std::string(cr_strerror(CR_ENOINIT + 1)) == "Unknown error 2366");
}

TEST_CASE("cr_strerror keeps unknown-code text per thread", "[strerror]")
{
	const char *mine = cr_strerror(99999);
	std::string theirs;
	std::thread([&] { theirs = cr_strerror(88888); }).join();
	CHECK(std::string(mine) == "Unknown error 99999");
	CHECK(theirs == "Unknown error 88888");
}
