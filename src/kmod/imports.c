// SPDX-License-Identifier: GPL-2.0
/*
 * blcr_imports.ko: resolves at load time the unexported kernel functions
 * listed in import_list.h and exports pointers to them for blcr.ko.
 *
 * Lookup: a kprobe finds kallsyms_lookup_name (no longer exported). Where
 * that function may itself be called through a pointer it resolves every
 * import; where it is sealed (IBT kernels, e.g. Debian's 6.12), each import
 * is found by placing a kprobe on its name instead, which lets the kernel do
 * the lookup with a direct call. Every function found is then checked the
 * same way; the module refuses to load, with one line naming the symbol and
 * the reason, when a symbol is missing or may not be called indirectly.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>

#include "blcr_arch.h"
#include "imports.h"

#define BLCR_IMPORT_DEFINE(name, ret, args) \
	ret (*blcr_imp_##name) args;         \
	EXPORT_SYMBOL_GPL(blcr_imp_##name);
BLCR_IMPORT_LIST(BLCR_IMPORT_DEFINE)
#undef BLCR_IMPORT_DEFINE

const char blcr_imports_build_id[] = BLCR_IMPORTS_BUILD_ID;
EXPORT_SYMBOL_GPL(blcr_imports_build_id);

struct blcr_import {
	const char *name;
	void **slot;
};

#define BLCR_IMPORT_ENTRY(name, ret, args) \
	{ #name, (void **)&blcr_imp_##name },
static const struct blcr_import blcr_imports[] = {
	BLCR_IMPORT_LIST(BLCR_IMPORT_ENTRY)
};
#undef BLCR_IMPORT_ENTRY

static char *test_import;
module_param(test_import, charp, 0);
MODULE_PARM_DESC(test_import,
		 "test only: also resolve this function as if blcr.ko needed it");

static unsigned long (*lookup_name)(const char *name);

/*
 * A kprobe may sit past the start of a function (after ENDBR64 on x86, at
 * the local entry point on ppc64le); sprint_symbol() tells by how much.
 */
static unsigned long function_entry(unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long offset;
	char *plus;

	sprint_symbol(sym, addr);
	plus = strchr(sym, '+');
	if (!plus || sscanf(plus, "+%lx/", &offset) != 1 || offset > addr)
		return addr;
	return addr - offset;
}

static unsigned long lookup_by_kprobe(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return function_entry(addr);
}

static int find_lookup_name(void)
{
	const char *why;
	unsigned long entry = lookup_by_kprobe("kallsyms_lookup_name");

	if (!entry) {
		pr_err("blcr_imports: refusing to load: kallsyms_lookup_name: cannot be found (kprobes unavailable?)\n");
		return -ENOENT;
	}
	if (blcr_arch_indirect_call_ok(entry, &why))
		lookup_name = (void *)entry;
	else
		pr_info("blcr_imports: kallsyms_lookup_name is %s; resolving each function by kprobe\n",
			why);
	return 0;
}

static int resolve(const char *name, void **slot)
{
	const char *why;
	unsigned long entry = lookup_name ? lookup_name(name)
					      : lookup_by_kprobe(name);

	if (!entry) {
		pr_err("blcr_imports: refusing to load: %s: no such kernel function\n",
		       name);
		return -ENOENT;
	}
	if (!blcr_arch_indirect_call_ok(entry, &why)) {
		pr_err("blcr_imports: refusing to load: %s: %s\n", name, why);
		return -ENOEXEC;
	}
	*slot = (void *)entry;
	return 0;
}

static int __init blcr_imports_init(void)
{
	void *test_slot;
	size_t i;
	int err;

	err = find_lookup_name();
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(blcr_imports); i++) {
		err = resolve(blcr_imports[i].name, blcr_imports[i].slot);
		if (err)
			return err;
	}
	if (test_import) {
		err = resolve(test_import, &test_slot);
		if (err)
			return err;
	}
	pr_info("blcr_imports: %s: %zu kernel functions resolved%s\n",
		BLCR_VERSION, ARRAY_SIZE(blcr_imports),
		test_import ? " (and the test import)" : "");
	return 0;
}

static void __exit blcr_imports_exit(void)
{
}

module_init(blcr_imports_init);
module_exit(blcr_imports_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("blcr: unexported kernel functions used by blcr.ko");
MODULE_VERSION(BLCR_VERSION);
