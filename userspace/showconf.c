// SPDX-License-Identifier: GPL-2.0
/*
 * showconf: the kernel's policy as a config file that `load` accepts and
 * that yields the same policy, [Underlay] included (from ERCX_A_UNDERLAY).
 * [Azure] is not kept by the kernel, so it is not shown.
 */
#include <stdio.h>

#include "ercoexistctl.h"
#include "genl.h"

int cmd_showconf(int argc, char **argv)
{
	struct config c;
	bool loaded = false;
	struct nl nl;
	int ret;

	ret = cmd_no_args(argc, argv, "showconf");
	if (ret >= 0)
		return ret;
	ret = genl_open(&nl);
	if (ret)
		return ret;
	config_init(&c, "kernel");
	ret = kernel_get_config(&nl, &c, &loaded);
	nl_close(&nl);
	if (!ret && !loaded)
		printf("# ercoexist: no policy loaded\n");
	else if (!ret) {
		printf("# ercoexistctl showconf: policy generation %u, %zu prefix%s\n\n",
		       c.generation, c.npfx, c.npfx == 1 ? "" : "es");
		config_print(&c, stdout);
	}
	config_free(&c);
	return ret;
}
