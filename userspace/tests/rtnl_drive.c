// SPDX-License-Identifier: GPL-2.0
/*
 * Drives rtnl.c alone (no kernel module needed), for tests/rtnl.sh:
 *   rtnl_drive install FILE    parse FILE (devices resolved), install routes/rules
 *   rtnl_drive flush           remove everything with protocol 0xe5
 *   rtnl_drive routedev ADDR   the device the main routing sends ADDR by
 *                              (as status looks up the VPN peer), or "none"
 *   rtnl_drive underlay [-j] ERDEV ULDEV|- PEER...
 *                              status's underlay guard part, for a policy
 *                              with these devices and peers (7 interventions)
 * Exit status as ercoexistctl's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ercoexistctl.h"
#include "json.h"
#include "rtnl.h"
#include "status.h"

/* status.c's cmd_status() is linked in but never run here */
int cmd_no_args(int argc, char **argv, const char *cmd)
{
	(void)argc;
	(void)argv;
	(void)cmd;
	return -1;
}

static int underlay(int argc, char **argv)
{
	struct underlay_view u = { .table = 227, .fwmark = 0x00e30000, .interventions = 7 };
	bool json = false;
	int i = 2;

	if (i < argc && !strcmp(argv[i], "-j")) {
		json = true;
		i++;
	}
	if (argc - i < 2)
		return EXIT_USAGE;
	u.er_ifindex = if_nametoindex(argv[i++]);
	if (strcmp(argv[i], "-")) {
		u.present = true;
		snprintf(u.dev, sizeof(u.dev), "%s", argv[i]);
	}
	for (i++; i < argc; i++) {
		if (inet_pton(AF_INET, argv[i], &u.peer.v4) == 1)
			u.peer.set4 = true;
		else if (inet_pton(AF_INET6, argv[i], &u.peer.v6) == 1)
			u.peer.set6 = true;
		else
			return EXIT_USAGE;
	}
	json_init(json, false, stdout);
	json_begin();
	status_print_underlay(&u);
	json_end();
	return EXIT_OK;
}

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
		ret = rtnl_sync(&c, NULL);
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
	if (argc >= 2 && !strcmp(argv[1], "underlay"))
		return underlay(argc, argv);
	fprintf(stderr, "usage: rtnl_drive install FILE | flush | routedev ADDR | underlay ...\n");
	return EXIT_USAGE;
}
