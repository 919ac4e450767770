// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: ExpressRoute / Site-to-Site VPN coexistence for a Linux gateway.
 *
 * Module init and exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "ercoexist.h"

static int __init ercx_init(void)
{
	int err;

	err = ercx_netns_init();
	if (err)
		goto err_netns;
	err = ercx_genl_init();
	if (err)
		goto err_genl;

	pr_info("ExpressRoute / VPN coexistence, genl family %s v%d\n",
		ERCX_GENL_NAME, ERCX_GENL_VERSION);
	ercx_inject_defects();
	return 0;

err_genl:
	ercx_netns_exit();
err_netns:
	return err;
}

static void __exit ercx_exit(void)
{
	/* events stop before the family goes: none is sent after this */
	ercx_genl_exit();
	ercx_netns_exit();
	/* Policies replaced or flushed earlier are freed by call_rcu */
	rcu_barrier();
}

module_init(ercx_init);
module_exit(ercx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ExpressRoute / Site-to-Site VPN coexistence");
MODULE_AUTHOR("ercoexist authors");
MODULE_ALIAS_GENL_FAMILY(ERCX_GENL_NAME);
