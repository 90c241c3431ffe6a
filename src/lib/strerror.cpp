// SPDX-License-Identifier: LGPL-2.1-or-later
// cr_strerror(): strerror() extended with the CR_E* codes.
#include <array>
#include <cstring>

#include "libcr.h"
#include "libcr_private.h"

namespace {

// Indexed by code - CR_ETEMPFAIL, in the order of blcr_errcodes.h.
constexpr std::array<const char *, CR_ENOINIT - CR_MIN_ERRCODE> cr_messages{
	"Checkpoint cancelled by the application: try again later",       // CR_ETEMPFAIL
	"Checkpoint cancelled by the application, which was terminated",  // CR_EPERMFAIL
	"Checkpoint support missing from the application (libcr not linked or preloaded)",  // CR_ENOSUPPORT
	"Incompatible versions of libcr and the blcr kernel module",      // CR_EVERSION
	"Process omitted itself from the checkpoint",                     // CR_EOMITTED
	"Context file is for a different architecture",                  // CR_EBADARCH
	"A process to checkpoint is being ptraced",                       // CR_EPTRACED
	"A process to checkpoint is ptracing another process",            // CR_EPTRACER
	"Restart aborted, restarted processes were killed",               // CR_ERSTRTABRT
	"Request is not valid across a restart",                          // CR_ERESTARTED
	"Operation is only valid inside a checkpoint callback",           // CR_ENOTCB
	"Calling thread has not called cr_init()",                        // CR_ENOINIT
};

}  // namespace

extern "C" CRI_EXPORT const char *cr_strerror(int errnum) noexcept
{
	if (errnum >= CR_ETEMPFAIL && errnum <= CR_ENOINIT)
		return cr_messages[static_cast<std::size_t>(errnum - CR_ETEMPFAIL)];
	// GNU strerror_r() returns a static string for known codes and formats
	// "Unknown error N" into the buffer otherwise: one buffer per thread.
	thread_local char unknown[64];
	return ::strerror_r(errnum, unknown, sizeof unknown);
}
