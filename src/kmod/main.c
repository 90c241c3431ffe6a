// SPDX-License-Identifier: GPL-2.0
/* blcr.ko: the checkpoint/restart core. */
#include <linux/module.h>

#include "arch_interface.h"
#include "blcr_ioctl.h"
#include "ctrl.h"
#include "imports.h"

static int __init blcr_init(void)
{
	int err;

	if (strcmp(blcr_imports_build_id, BLCR_IMPORTS_BUILD_ID)) {
		pr_err("blcr: refusing to load: blcr_imports is from another build (\"%s\", expected \"%s\"); reinstall both modules\n",
		       blcr_imports_build_id, BLCR_IMPORTS_BUILD_ID);
		return -EINVAL;
	}
	err = blcr_ctrl_create();
	if (err) {
		pr_err("blcr: cannot create %s: error %d\n", BLCR_CTRL_PATH, err);
		return err;
	}
	pr_info("blcr: %s loaded (%s, kernel interface %d.%d, %s)\n",
		BLCR_VERSION, BLCR_ARCH_NAME, BLCR_IFACE_MAJOR,
		BLCR_IFACE_MINOR, BLCR_CTRL_PATH);
	return 0;
}

static void __exit blcr_exit(void)
{
	blcr_ctrl_remove();
	pr_info("blcr: unloaded\n");
}

module_init(blcr_init);
module_exit(blcr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("blcr: checkpoint/restart of Linux processes");
MODULE_VERSION(BLCR_VERSION);
