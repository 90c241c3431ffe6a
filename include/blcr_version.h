/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place the blcr release number lives. The top-level Makefile,
 * CMake, the packaging and the kernel modules all read it from here.
 */
#ifndef BLCR_VERSION_H
#define BLCR_VERSION_H

#define BLCR_VERSION_MAJOR 0
#define BLCR_VERSION_MINOR 9
#define BLCR_VERSION_PATCH 0
#define BLCR_VERSION "0.9.0"

#endif
