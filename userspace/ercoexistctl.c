// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexistctl: configure and inspect ercoexist.ko.
 */
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ercoexistctl.h"
#include "json.h"
#include "rtnl.h"
#include "rules.h"

struct globals G;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "load", cmd_load, "load [--check] FILE|-      replace the policy from a config file, atomically" },
	{ "check", cmd_check, "check [--strict] FILE|-    validate only (syntax + Azure coexistence limits)" },
	{ "showconf", cmd_showconf, "showconf                   print the kernel's policy as a loadable config file" },
	{ "status", cmd_status, "status                     paths, active path, counters, transitions, prefixes" },
	{ "get", cmd_get, "get ADDR                   the prefix ADDR falls in, the path it takes now and why" },
	{ "failover", cmd_failover, "failover [--to vpn|er]     force traffic to a path (default: vpn) until `auto'" },
	{ "auto", cmd_auto, "auto                       return to automatic selection (failback rules apply)" },
	{ "monitor", cmd_monitor, "monitor [--count N]        print events as they happen (JSON: one object per line)" },
	{ "flush", cmd_flush, "flush                      remove the policy, its routes and rules" },
	{ "daemon", cmd_daemon, "daemon [FILE]              load, then keep rules, routes and exclusions in step" },
	{ "health", cmd_health, "health [-q] [--path P]     exit 0 if a path (any, er, vpn) is usable now, else 4" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: " PROG_NAME " [-j|--json] [-p|--pretty] [-n|--netns NETNS] [-V|--version]\n"
		"                    [-h|--help] COMMAND [--help]\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "Exit status: 0 ok, 1 usage or config error, 2 kernel refused, 3 module not loaded,\n"
		"4 unhealthy (health).\n");
}

/* "Usage: ercoexistctl SYNTAX" and the description under it */
static void cmd_usage(FILE *f, size_t i)
{
	const char *u = commands[i].usage, *d = strstr(u, "  ");

	if (!d) {
		fprintf(f, "Usage: " PROG_NAME " %s\n", u);
		return;
	}
	fprintf(f, "Usage: " PROG_NAME " %.*s\n", (int)(d - u), u);
	d += strspn(d, " ");
	fprintf(f, "%c%s.\n", d[0] >= 'a' && d[0] <= 'z' ? d[0] - 'a' + 'A' : d[0], d + 1);
}

int cmd_no_args(int argc, char **argv, const char *cmd)
{
	size_t i;

	if (argc < 2)
		return -1;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, cmd))
			break;
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		if (i < sizeof(commands) / sizeof(commands[0]))
			cmd_usage(stdout, i);
		return EXIT_OK;
	}
	fprintf(stderr, PROG_NAME " %s: takes no argument ('%s')\n", cmd, argv[1]);
	if (i < sizeof(commands) / sizeof(commands[0]))
		cmd_usage(stderr, i);
	return EXIT_USAGE;
}

/* rules_route_dev for the host rules: the kernel's route to @addr */
static int route_dev_name(int family, const void *addr, char *dev, size_t len)
{
	char name[IF_NAMESIZE];
	unsigned int oif;

	if (rtnl_route_dev((uint8_t)family, addr, &oif) || !oif ||
	    !if_indextoname(oif, name))
		return -1;
	snprintf(dev, len, "%s", name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	rules_route_dev = route_dev_name;
	rules_host_addrs = rtnl_host_addrs;
	while ((c = getopt_long(argc, argv, "+jpn:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			G.json = true;
			break;
		case 'p':
			G.pretty = true;
			break;
		case 'n':
			if (netns_enter(optarg))
				return EXIT_USAGE;
			break;
		case 'V':
			printf(PROG_NAME " " PROG_VERSION "\n");
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (G.pretty)
		G.json = true;	/* -p implies -j, as in iproute2's -j -p */
	json_init(G.json, G.pretty, stdout);
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 1;	/* the command parses its own options */
			return commands[i].fn(argc, argv);
		}
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, PROG_NAME ": unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}
