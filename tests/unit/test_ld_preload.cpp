// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include "ld_preload.h"

using blcr::cli::omit_stub;
using blcr::cli::preload_with_stub;
using blcr::cli::run_stub;

TEST_CASE("cr_run puts the stub first in LD_PRELOAD", "[cr_run]")
{
	CHECK(preload_with_stub("", run_stub) == "libcr_run.so.0");
	CHECK(preload_with_stub("", omit_stub) == "libcr_omit.so.0");
	CHECK(preload_with_stub("libfoo.so", run_stub) == "libcr_run.so.0:libfoo.so");
	CHECK(preload_with_stub("/a/libfoo.so:libbar.so", run_stub) ==
	      "libcr_run.so.0:/a/libfoo.so:libbar.so");
}

TEST_CASE("cr_run drops earlier stubs and empty elements", "[cr_run]")
{
	CHECK(preload_with_stub("libcr_run.so.0", omit_stub) == "libcr_omit.so.0");
	CHECK(preload_with_stub("libcr_omit.so", run_stub) == "libcr_run.so.0");
	CHECK(preload_with_stub("/usr/lib/libcr_run.so.0.9.0:libfoo.so", omit_stub) ==
	      "libcr_omit.so.0:libfoo.so");
	CHECK(preload_with_stub("::libfoo.so::libcr_omit.so.0:", run_stub) ==
	      "libcr_run.so.0:libfoo.so");
	// Only the file name counts, not a directory that looks like a stub.
	CHECK(preload_with_stub("/libcr_run.so/libfoo.so", run_stub) ==
	      "libcr_run.so.0:/libcr_run.so/libfoo.so");
	// Similar names that are not stubs are kept.
	CHECK(preload_with_stub("libcr.so.0:libcr_runner.so", run_stub) ==
	      "libcr_run.so.0:libcr.so.0:libcr_runner.so");
}

TEST_CASE("cr_run accepts spaces as LD_PRELOAD separators", "[cr_run]")
{
	CHECK(preload_with_stub("libfoo.so libcr_run.so.0  libbar.so", omit_stub) ==
	      "libcr_omit.so.0:libfoo.so:libbar.so");
	CHECK(preload_with_stub(" : ", run_stub) == "libcr_run.so.0");
}
