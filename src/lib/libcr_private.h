// SPDX-License-Identifier: LGPL-2.1-or-later
// Declarations shared by libcr's source files; not installed.
#ifndef BLCR_LIBCR_PRIVATE_H
#define BLCR_LIBCR_PRIVATE_H

#include "blcr_ioctl.h"

// libcr is built with -fvisibility=hidden; this marks the public API (and
// libcr.map lists it, so a symbol needs both to be exported).
#define CRI_EXPORT __attribute__((visibility("default")))

namespace cri {

// Opens the control file and handshakes with blcr.ko, filling hs.
// Returns the descriptor (close-on-exec), or -1 with errno ENOSYS when the
// module is not loaded, CR_EVERSION when it is incompatible (hs filled), or
// the error of open() or ioctl().
int open_ctrl(blcr_handshake &hs) noexcept;

}  // namespace cri

#endif
