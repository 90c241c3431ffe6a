// SPDX-License-Identifier: LGPL-2.1-or-later
// cr_init(): per-process control file, per-thread client ids.
#include <atomic>
#include <cerrno>
#include <mutex>
#include <system_error>

#include "libcr.h"
#include "libcr_private.h"

// Declared in libcr.h. The const needs extern "C" here too: without it GCC
// ignores the visibility attribute on its definition.
CRI_EXPORT int cr_link_me = 0;
extern "C" CRI_EXPORT const int cri_signum = CR_SIGNUM;

namespace {

// The process's descriptor of the control file, opened by the first
// successful cr_init() and kept open (close-on-exec) for the process's life.
std::mutex ctrl_mutex;
int ctrl_fd = -1;

std::atomic<cr_client_id_t> next_client_id{0};
thread_local cr_client_id_t thread_client_id = -1;

// Returns 0 once the process holds a handshaken control descriptor. A failed
// attempt is retried by the next call: the module may be loaded meanwhile.
int ensure_ctrl_open()
{
	const std::lock_guard lock(ctrl_mutex);
	if (ctrl_fd >= 0)
		return 0;
	blcr_handshake hs;
	const int fd = cri::open_ctrl(hs);
	if (fd < 0)
		return -1;
	ctrl_fd = fd;
	return 0;
}

}  // namespace

extern "C" CRI_EXPORT cr_client_id_t cr_init(void) noexcept
{
	if (thread_client_id >= 0)
		return thread_client_id;
	try {
		if (ensure_ctrl_open() < 0)
			return -1;
	} catch (const std::system_error &e) {  // from locking the mutex
		errno = e.code().value();
		return -1;
	}
	thread_client_id = next_client_id.fetch_add(1, std::memory_order_relaxed);
	return thread_client_id;
}
