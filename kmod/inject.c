// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: deliberate defects, built only with ERCX_INJECT_DEFECTS=1 (see
 * Kbuild) for the debug lane's test of its own checks: a leaked allocation
 * that kmemleak must report and a use-after-free that KASAN must report.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "ercoexist.h"

static void *ercx_inject_leaked;

/**
 * ercx_inject_defects() - leak an allocation and read freed memory
 *
 * Built only with ERCX_INJECT_DEFECTS=1, for the debug lane's test of its
 * own checks: kmemleak must report the leak and KASAN the use-after-free.
 *
 * Context: Process context, from module init; allocates with GFP_KERNEL.
 */
void ercx_inject_defects(void)
{
	u8 *p, v;

	/* the only reference is overwritten: kmemleak's next scan finds it */
	ercx_inject_leaked = kmalloc(200, GFP_KERNEL);
	WRITE_ONCE(ercx_inject_leaked, NULL);

	p = kmalloc(64, GFP_KERNEL);
	if (!p)
		return;
	kfree(p);
	v = READ_ONCE(p[8]);	/* use after free: KASAN reports it */
	pr_warn("injected defects: a leak and a use-after-free (read %u)\n", v);
}
