/* SPDX-License-Identifier: GPL-2.0 */
/* What blcr_imports.ko exports to blcr.ko. */
#ifndef BLCR_IMPORTS_H
#define BLCR_IMPORTS_H

#include "import_list.h"
#include "blcr_version.h"

#define BLCR_IMPORT_DECLARE(name, ret, args) extern ret (*blcr_imp_##name) args;
BLCR_IMPORT_LIST(BLCR_IMPORT_DECLARE)
#undef BLCR_IMPORT_DECLARE

/*
 * Identifies the build of blcr_imports: the release and the import table.
 * blcr.ko refuses to load against a blcr_imports of another build, whose
 * pointers would not be the ones it expects.
 */
#define BLCR_IMPORT_NAME(name, ret, args) " " #name
#define BLCR_IMPORTS_BUILD_ID \
	BLCR_VERSION ":" BLCR_IMPORT_LIST(BLCR_IMPORT_NAME)

extern const char blcr_imports_build_id[];

#endif
