// SPDX-License-Identifier: LGPL-2.1-or-later
// The control file of blcr.ko: opening it and the version handshake.
#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libcr.h"
#include "libcr_private.h"

namespace cri {

int open_ctrl(blcr_handshake &hs) noexcept
{
	const int fd = ::open(BLCR_CTRL_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		// No control file means the module is not loaded: BLCR's ENOSYS.
		if (errno == ENOENT)
			errno = ENOSYS;
		return -1;
	}
	hs = blcr_handshake{};
	hs.user_major = BLCR_IFACE_MAJOR;
	hs.user_minor = BLCR_IFACE_MINOR;
	if (::ioctl(fd, BLCR_IOC_HANDSHAKE, &hs) < 0) {
		const int err = errno;
		::close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

}  // namespace cri

extern "C" CRI_EXPORT int cri_kernel_info(blcr_handshake *out) noexcept
{
	if (out == nullptr) {
		errno = EINVAL;
		return -1;
	}
	const int fd = cri::open_ctrl(*out);
	if (fd < 0)
		return -1;
	::close(fd);
	return 0;
}
