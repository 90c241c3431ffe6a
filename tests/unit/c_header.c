/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libcr.h must compile as C (C11 without GNU extensions) and link from C. */
#include "libcr.h"
#include "blcr_ioctl.h"

_Static_assert(sizeof(cr_client_id_t) == sizeof(int), "cr_client_id_t is an int");
_Static_assert(CR_RSTRT_RELOCATE_SIZE(2) == sizeof(struct cr_rstrt_relocate) +
	       2 * sizeof(struct cr_rstrt_relocate_pair), "relocation size");

int c_header_strerror_matches(void);

/* Calls libcr from C: cr_strerror() knows CR_ENOINIT. */
int c_header_strerror_matches(void)
{
	const char *msg = cr_strerror(CR_ENOINIT);
	return msg != 0 && msg[0] != '\0' && cri_signum == CR_SIGNUM;
}

/* blcr_image.h is shared with the kernel: plain C, fixed layout. */
#include "blcr_image.h"
_Static_assert(sizeof(struct blcr_image_header) == BLCR_IMAGE_HEADER_SIZE, "image header size");
_Static_assert(sizeof(struct blcr_record_header) == BLCR_RECORD_HEADER_SIZE, "record header size");
