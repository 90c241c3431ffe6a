// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "blcr_common.h"
#include "relocate.h"

using blcr::cli::add_relocation;
using blcr::cli::parse_relocation;
using blcr::cli::PathRelocation;

namespace {

PathRelocation parse_ok(std::string_view arg)
{
	std::string why;
	auto rule = parse_relocation(arg, why);
	INFO(arg << ": " << why);
	REQUIRE(rule);
	return *rule;
}

std::string parse_error(std::string_view arg)
{
	std::string why;
	auto rule = parse_relocation(arg, why);
	INFO(arg);
	REQUIRE_FALSE(rule);
	CHECK_FALSE(why.empty());
	return why;
}

}  // namespace

TEST_CASE("--relocate OLD=NEW", "[relocate]")
{
	CHECK(parse_ok("/old=/new") == PathRelocation{"/old", "/new"});
	CHECK(parse_ok("/a/b/=/c//") == PathRelocation{"/a/b", "/c"});
	CHECK(parse_ok("/=/mnt") == PathRelocation{"/", "/mnt"});
	CHECK(parse_ok("//=/x") == PathRelocation{"/", "/x"});
}

TEST_CASE("--relocate escapes", "[relocate]")
{
	CHECK(parse_ok(R"(/a\=b=/c)") == PathRelocation{"/a=b", "/c"});
	CHECK(parse_ok(R"(/a\\=/c\\d)") == PathRelocation{R"(/a\)", R"(/c\d)"});
	CHECK(parse_ok(R"(/a\\\==/b)") == PathRelocation{R"(/a\=)", "/b"});
	// Other backslashes stay as they are.
	CHECK(parse_ok(R"(/a\b=/c\)") == PathRelocation{R"(/a\b)", R"(/c\)"});
}

TEST_CASE("--relocate rejects malformed arguments", "[relocate]")
{
	parse_error("/old");
	parse_error(R"(/old\=/new)");
	parse_error("/a=/b=/c");
	parse_error("old=/new");
	parse_error("/old=new");
	parse_error("=/new");
	parse_error("/old=");
	parse_error("");
}

TEST_CASE("--relocate drops identities and allows at most 16 rules", "[relocate]")
{
	std::vector<PathRelocation> rules;
	std::string why;
	CHECK(add_relocation(rules, "/same/=/same", why));
	CHECK(rules.empty());
	for (int i = 0; i < CR_MAX_RSTRT_RELOC; ++i)
		REQUIRE(add_relocation(rules, "/old" + std::to_string(i) + "=/new", why));
	CHECK(rules.size() == CR_MAX_RSTRT_RELOC);
	CHECK(rules.front() == PathRelocation{"/old0", "/new"});
	CHECK_FALSE(add_relocation(rules, "/one=/too-many", why));
	CHECK_FALSE(why.empty());
	// An identity is still fine when the list is full: it is not a rule.
	CHECK(add_relocation(rules, "/x=/x", why));
	CHECK(rules.size() == CR_MAX_RSTRT_RELOC);
	CHECK_FALSE(add_relocation(rules, "relative=/x", why));
}
