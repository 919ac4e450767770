// SPDX-License-Identifier: GPL-2.0
/*
 * Drives rtnl.c alone (no kernel module needed), for tests/rtnl.sh:
 *   rtnl_drive install FILE    parse FILE (devices resolved), install routes/rules
 *   rtnl_drive flush           remove everything with protocol 0xe5
 *   rtnl_drive routedev ADDR   the device the main routing sends ADDR by
 *                              (as status looks up the VPN peer), or "none"
 * Exit status as ercoexistctl's.
 */
#include <arpa/inet.h>
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
	if (argc == 3 && !strcmp(argv[1], "routedev")) {
		uint8_t a[16], fam = strchr(argv[2], ':') ? AF_INET6 : AF_INET;
		char dev[IF_NAMESIZE];
		unsigned int oif;
		int err;

		if (inet_pton(fam, argv[2], a) != 1)
			return EXIT_USAGE;
		err = rtnl_route_dev(fam, a, &oif);
		if (err) {
			fprintf(stderr, "rtnl_route_dev: %s\n", strerror(-err));
			return EXIT_REFUSED;
		}
		printf("%s\n", oif && if_indextoname(oif, dev) ? dev : "none");
		return EXIT_OK;
	}
	fprintf(stderr, "usage: rtnl_drive install FILE | flush | routedev ADDR\n");
	return EXIT_USAGE;
}
