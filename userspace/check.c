// SPDX-License-Identifier: GPL-2.0
/*
 * check [--strict] FILE|-: validate a config file without touching the
 * kernel; --strict makes warnings fail too (for CI).
 * Device names are not resolved (the file may be meant for another host);
 * `load --check` resolves them.  The coexistence rules (rules.c) run on a
 * file without syntax errors; the host rules (rp_filter, tunnel MTU) look at
 * the devices that exist here.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ercoexistctl.h"
#include "json.h"

static void count_text(FILE *f, size_t n, const char *what)
{
	fprintf(f, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

/*
 * The result of a validation, for check and load --check.  Syntax errors
 * are "FILE:LINE: message", rule findings "FILE:LINE: SEVERITY[RULE]:
 * message", both on stderr as compilers print them; the summary of a valid
 * file goes to stdout.  With -j everything is in the one JSON object on
 * stdout (nothing on stderr), with the same keys whatever the result.
 * @strict: warnings fail too (check --strict).
 */
int report_check(const struct config *c, const struct findings *fs,
		 const char *file, bool strict)
{
	size_t nerr = c->nerr + fs->nerr;
	bool fail = nerr || (strict && fs->nwarn);
	size_t i;

	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_JSON, "file", NULL, file);
	print_bool(PRINT_JSON, "valid", NULL, !fail);
	print_bool(PRINT_JSON, "strict", NULL, strict);
	open_json_array("errors");
	for (i = 0; i < c->nerr; i++) {
		open_json_object(NULL);
		print_int(PRINT_JSON, "line", NULL, c->err[i].line);
		print_string(PRINT_JSON, "message", NULL, c->err[i].msg);
		close_json_object();
	}
	close_json_array();
	findings_print_json(fs);
	print_u64(PRINT_JSON, "warnings", NULL, fs->nwarn);
	print_u64(PRINT_JSON, "prefixes", NULL, c->npfx);
	json_end();
	if (is_json_context())
		return fail ? EXIT_USAGE : EXIT_OK;

	config_print_errors(c, stderr);
	findings_print(c, fs, stderr);
	if (fail) {
		fprintf(stderr, "%s: ", config_shown_name(file));
		if (nerr)
			count_text(stderr, nerr, "error");
		if (nerr && fs->nwarn)
			fputs(", ", stderr);
		if (fs->nwarn)
			count_text(stderr, fs->nwarn, "warning");
		if (!nerr)
			fputs(" (--strict: warnings fail)", stderr);
		fputc('\n', stderr);
	} else {
		printf("%s: ok (%zu prefix%s", config_shown_name(file), c->npfx,
		       c->npfx == 1 ? "" : "es");
		if (fs->nwarn)
			printf(", %zu warning%s", fs->nwarn,
			       fs->nwarn == 1 ? "" : "s");
		printf(")\n");
		fflush(stdout);
	}
	return fail ? EXIT_USAGE : EXIT_OK;
}

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

static void check_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG_NAME " check [--strict] [FILE|-]\n"
		"       " PROG_NAME " check --list-rules\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "list-rules", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = DEFAULT_CONFIG;
	struct findings fs = { 0 };
	bool strict = false, list = false;
	struct config c;
	int o, ret;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			strict = true;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			check_usage(stdout);
			return EXIT_OK;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (list) {
		if (strict || optind < argc) {
			check_usage(stderr);
			return EXIT_USAGE;
		}
		list_rules();
		return EXIT_OK;
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc) {
		check_usage(stderr);
		return EXIT_USAGE;
	}
	/* Rules run only on a file that parsed: findings on half a file mislead. */
	if (!config_parse_file(&c, file, 0))
		rules_check(&c, &fs);
	ret = report_check(&c, &fs, file, strict);
	findings_free(&fs);
	config_free(&c);
	return ret;
}
