// SPDX-License-Identifier: GPL-2.0
/*
 * load [--check] FILE|-: parse, validate, POLICY_SET (atomic in the kernel),
 * then routes and rules.  Nothing changes when the file has an error.
 */
#include <getopt.h>
#include <stdio.h>

#include "check.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "rtnl.h"

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = DEFAULT_CONFIG;
	bool check = false;
	struct findings fs = { 0 };
	struct config c;
	uint32_t gen = 0;
	struct nl nl;
	int o, ret;

	while ((o = getopt_long(argc, argv, "ch", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			check = true;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " load [--check] [FILE|-]\n");
			return EXIT_OK;
		default:
			fprintf(stderr, "Usage: " PROG_NAME " load [--check] [FILE|-]\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "Usage: " PROG_NAME " load [--check] [FILE|-]\n");
		return EXIT_USAGE;
	}
	config_parse_file(&c, file, CFG_RESOLVE_DEVICES);
	if (!c.nerr)
		rules_check(&c, &fs);
	/* Errors, syntax or coexistence rules, stop here: nothing is sent. */
	if (check || c.nerr || fs.nerr) {
		ret = report_check(&c, &fs, file, false);
		goto out;
	}
	/* warnings: load anyway (in JSON they are in the answer below) */
	if (!is_json_context())
		findings_print(&c, &fs, stderr);
	ret = genl_open(&nl);
	if (ret)
		goto out;
	ret = kernel_set_config(&nl, &c, &gen);
	nl_close(&nl);
	if (!ret)
		ret = rtnl_install(&c);
	if (!ret) {
		json_begin();
		print_uint(PRINT_JSON, "schema", NULL, 1);
		print_bool(PRINT_JSON, "loaded", NULL, true);
		print_u64(PRINT_ANY, "prefixes", "ercoexist: loaded %llu prefixes",
			  c.npfx);
		/* The summary line stays as it was: warnings went to stderr. */
		print_uint(PRINT_ANY, "generation", " (generation %u)\n", gen);
		findings_print_json(&fs);
		json_end();
	}
out:
	findings_free(&fs);
	config_free(&c);
	return ret;
}
