// SPDX-License-Identifier: GPL-2.0
/*
 * load [--check] FILE|-: parse, validate, POLICY_SET (atomic in the kernel),
 * then routes and rules.  All or nothing: nothing changes when the file has
 * an error or a gateway cannot be a next hop on its device; when a route or
 * rule is refused after the policy was set, the previous policy (or none),
 * rules and routes are put back.
 */
#include <getopt.h>
#include <stdio.h>

#include <linux/ercoexist.h>

#include "check.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "load.h"
#include "rtnl.h"
#include "rules.h"

/*
 * A route or rule was refused after POLICY_SET: put back the policy that
 * was there (or none) and our rules and routes as they were, so that a
 * failed load leaves the gateway as it found it.
 */
static void rollback(struct nl *nl, const struct config *old, bool had,
		     const struct rtnl_snapshot *snap)
{
	char buf[256] = { 0 }, msg[256];
	uint32_t gen;
	int r;

	if (had) {
		r = kernel_set_config(nl, old, &gen);
	} else {
		r = nl_talk(nl, genl_request(nl, buf, ERCX_CMD_FLUSH, 0),
			    NULL, NULL, msg, sizeof(msg));
		if (r)
			r = report_refused(r, msg);
	}
	if (!r)
		r = rtnl_restore(snap);
	if (r)
		fprintf(stderr, PROG_NAME ": load failed, and putting back the previous policy, rules and routes failed too: check 'ercoexistctl showconf' and 'ip rule'\n");
	else
		fprintf(stderr, PROG_NAME ": load failed: the previous %s, rules and routes are back\n",
			had ? "policy" : "state (no policy)");
}

int load_apply(struct config *c, struct rtnl_sync *st, uint32_t *gen)
{
	struct rtnl_snapshot *snap = NULL;
	struct config old;
	bool had = false;
	struct nl nl;
	int ret;

	config_init(&old, "kernel");
	ret = rtnl_check(c);
	if (ret)
		goto out;
	ret = genl_open(&nl);
	if (ret)
		goto out;
	/* what a failure half-way puts back */
	ret = kernel_get_config(&nl, &old, &had);
	snap = ret ? NULL : rtnl_snapshot_take();
	if (!snap) {
		ret = EXIT_REFUSED;
		nl_close(&nl);
		goto out;
	}
	/* the host's own addresses and other subnets: never steered */
	if (host_exclusions_update(c))
		fprintf(stderr, PROG_NAME ": warning: cannot read the host's addresses: no automatic exclusions\n");
	ret = kernel_set_config(&nl, c, gen);
	if (!ret) {
		ret = rtnl_sync(c, st);
		if (ret)
			rollback(&nl, &old, had, snap);
	}
	nl_close(&nl);
out:
	rtnl_snapshot_free(snap);
	config_free(&old);
	return ret;
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
	ret = load_apply(&c, NULL, &gen);
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
