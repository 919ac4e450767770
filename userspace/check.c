// SPDX-License-Identifier: GPL-2.0
/*
 * check FILE|-: validate a config file without touching the kernel.
 * Device names are not resolved (the file may be meant for another host);
 * `load --check` resolves them.  The coexistence rules (rules.c) run on a
 * file without syntax errors; the host rules (rp_filter, tunnel MTU) look at
 * the devices that exist here.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ercoexistctl.h"
#include "json.h"

static void list_rules(void)
{
	size_t i;

	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	open_json_array("rules");
	for (i = 0; i < rule_count; i++) {
		const struct rule_info *r = &rule_table[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "rule", "%-31s ", r->id);
		print_string(PRINT_ANY, "severity", "%-8s", severity_name(r->severity));
		print_string(PRINT_ANY, "summary", "%s\n", r->summary);
		close_json_object();
	}
	close_json_array();
	json_end();
}

int cmd_check(int argc, char **argv)
{
	const char *file = DEFAULT_CONFIG;
	struct findings fs = { 0 };
	struct config c;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--list-rules")) {
		list_rules();
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "Usage: " PROG_NAME " check [FILE|-]\n"
			"       " PROG_NAME " check --list-rules\n");
		return EXIT_USAGE;
	}
	if (argc == 2)
		file = argv[1];
	/* Rules run only on a file that parsed: findings on half a file mislead. */
	if (!config_parse_file(&c, file, 0))
		rules_check(&c, &fs);
	ret = report_check(&c, &fs, file);
	findings_free(&fs);
	config_free(&c);
	return ret;
}
