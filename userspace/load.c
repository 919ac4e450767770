// SPDX-License-Identifier: GPL-2.0
/*
 * load [--check] FILE|-: parse, validate, POLICY_SET (atomic in the kernel),
 * then routes and rules.  Nothing changes when the file has an error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ercoexistctl.h"
#include "json.h"

/* Shared with check.c: report the result of a validation. */
int report_check(const struct config *c, const char *file)
{
	size_t i;

	config_print_errors(c, stderr);
	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_JSON, "file", NULL, file);
	print_bool(PRINT_JSON, "valid", NULL, c->nerr == 0);
	if (c->nerr) {
		open_json_array("errors");
		for (i = 0; i < c->nerr; i++) {
			open_json_object(NULL);
			print_int(PRINT_JSON, "line", NULL, c->err[i].line);
			print_string(PRINT_JSON, "message", NULL, c->err[i].msg);
			close_json_object();
		}
		close_json_array();
		fprintf(stderr, "%s: %zu error%s\n", strcmp(file, "-") ? file : "<stdin>",
			c->nerr, c->nerr == 1 ? "" : "s");
	} else {
		print_u64(PRINT_JSON, "prefixes", NULL, c->npfx);
		print_text("%s: ok (%zu prefix%s)\n", strcmp(file, "-") ? file : "<stdin>",
			   c->npfx, c->npfx == 1 ? "" : "es");
	}
	json_end();
	return c->nerr ? EXIT_USAGE : EXIT_OK;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = DEFAULT_CONFIG;
	bool check = false;
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
	if (check || c.nerr) {
		ret = report_check(&c, file);
		config_free(&c);
		return ret;
	}
	ret = genl_open(&nl);
	if (ret) {
		config_free(&c);
		return ret;
	}
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
		print_uint(PRINT_ANY, "generation", " (generation %u)\n", gen);
		json_end();
	}
	config_free(&c);
	return ret;
}
