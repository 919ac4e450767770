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

static const char *shown(const char *file)
{
	return strcmp(file, "-") ? file : "<stdin>";
}

static void count_text(FILE *f, size_t n, const char *what)
{
	fprintf(f, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

/*
 * Shared with check.c: report the result of a validation.  Syntax errors
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
		fprintf(stderr, "%s: ", shown(file));
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
		printf("%s: ok (%zu prefix%s", shown(file), c->npfx,
		       c->npfx == 1 ? "" : "es");
		if (fs->nwarn)
			printf(", %zu warning%s", fs->nwarn,
			       fs->nwarn == 1 ? "" : "s");
		printf(")\n");
		fflush(stdout);
	}
	return fail ? EXIT_USAGE : EXIT_OK;
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
