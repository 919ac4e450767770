// SPDX-License-Identifier: GPL-2.0
/*
 * check FILE|-: validate a config file without touching the kernel.
 * Device names are not resolved (the file may be meant for another host);
 * `load --check` resolves them.
 */
#include <getopt.h>
#include <stdio.h>

#include "ercoexistctl.h"

int cmd_check(int argc, char **argv)
{
	const char *file = DEFAULT_CONFIG;
	struct config c;
	int ret;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "Usage: " PROG_NAME " check [FILE|-]\n");
		return EXIT_USAGE;
	}
	if (argc == 2)
		file = argv[1];
	config_parse_file(&c, file, 0);
	ret = report_check(&c, file);
	config_free(&c);
	return ret;
}
