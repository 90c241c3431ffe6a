// SPDX-License-Identifier: GPL-2.0-or-later
// libcr without blcr.ko: the control file is absent, every entry point
// reports ENOSYS. Skipped where the module is loaded.
#include <catch2/catch.hpp>
#include <cerrno>
#include <thread>
#include <unistd.h>

#include "blcr_ioctl.h"
#include "libcr.h"

namespace {

bool module_loaded()
{
	return ::access(BLCR_CTRL_PATH, F_OK) == 0;
}

}  // namespace

TEST_CASE("cr_init fails with ENOSYS without the module", "[kernel]")
{
	if (module_loaded())
		return;
	errno = 0;
	CHECK(cr_init() == -1);
	CHECK(errno == ENOSYS);
	// Not sticky: a later call tries again (the module may be loaded by then).
	errno = 0;
	CHECK(cr_init() == -1);
	CHECK(errno == ENOSYS);
	int thread_errno = 0;
	int thread_id = 0;
	std::thread([&] {
		thread_id = cr_init();
		thread_errno = errno;
	}).join();
	CHECK(thread_id == -1);
	CHECK(thread_errno == ENOSYS);
}

TEST_CASE("cri_kernel_info fails with ENOSYS without the module", "[kernel]")
{
	if (module_loaded())
		return;
	blcr_handshake hs{};
	errno = 0;
	CHECK(cri_kernel_info(&hs) == -1);
	CHECK(errno == ENOSYS);
}

TEST_CASE("cri_kernel_info rejects a null pointer", "[kernel]")
{
	errno = 0;
	CHECK(cri_kernel_info(nullptr) == -1);
	CHECK(errno == EINVAL);
}

TEST_CASE("with the module, cr_init ids are per thread", "[kernel]")
{
	if (!module_loaded())
		return;
	const cr_client_id_t id = cr_init();
	REQUIRE(id >= 0);
	CHECK(cr_init() == id);
	cr_client_id_t other = -1;
	std::thread([&] { other = cr_init(); }).join();
	CHECK(other >= 0);
	CHECK(other != id);
}
