// SPDX-License-Identifier: GPL-2.0
/*
 * Drives rtnl.c alone (no kernel module needed), for tests/rtnl.sh:
 *   rtnl_drive install FILE    parse FILE (devices resolved), install routes/rules
 *   rtnl_drive flush           remove everything with protocol 0xe5
 * Exit status as ercoexistctl's.
 */
#include <stdio.h>
#include <string.h>

#include "ercoexistctl.h"

int main(int argc, char **argv)
{
	struct config c;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "install")) {
		if (config_parse_file(&c, argv[2], CFG_RESOLVE_DEVICES)) {
			config_print_errors(&c, stderr);
			config_free(&c);
			return EXIT_USAGE;
		}
		ret = rtnl_install(&c);
		config_free(&c);
		return ret;
	}
	if (argc == 2 && !strcmp(argv[1], "flush"))
		return rtnl_flush();
	fprintf(stderr, "usage: rtnl_drive install FILE | flush\n");
	return EXIT_USAGE;
}
