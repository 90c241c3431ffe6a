/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unexported kernel symbols blcr.ko needs, resolved at load time by
 * blcr_imports.ko. One line per symbol:
 *
 *   BLCR_IMPORT_FUNC(name, return type, (argument types))
 *
 * Each becomes a pointer blcr_imp_<name> exported by blcr_imports. Only
 * add a function when no exported API or inline helper can do the job:
 * on IBT kernels most unexported functions are sealed and blcr_imports
 * will refuse to load (docs/kernel-interface.md, "Imported symbols").
 *
 * The control interface needs none yet; the checkpoint code adds its own.
 */
#define BLCR_IMPORT_LIST(BLCR_IMPORT_FUNC)
