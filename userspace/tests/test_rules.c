// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the coexistence rules (TAP).  Run from userspace/tests/.
 *
 * fixtures/rules/RULE.pass*.conf must give no finding at all;
 * fixtures/rules/RULE.fail*.conf must give exactly the findings their
 * "# expect: RULE SEVERITY LINE" header lines list, in that order.
 * "# procfs: NAME" runs the rules with ERCX_PROCFS_ROOT=fixtures/procfs/NAME
 * (a fake /proc and /sys); without it a directory that does not exist is
 * used, so the host's devices never leak into a result.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ercoexist.h>

#include "config.h"
#include "json.h"
#include "rules.h"
#include "tap.h"
#include "testutil.h"

#define NO_PROCFS "fixtures/procfs/none"
#define RULES_DIR "fixtures/rules"

struct expect {
	char rule[64];
	char sev[16];
	int line;
};

/* Header: "# expect: ..." lines and "# procfs: NAME". */
static size_t read_header(const char *path, struct expect *ex, size_t max,
			  char *procfs, size_t plen)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;

	snprintf(procfs, plen, "%s", NO_PROCFS);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && line[0] == '#') {
		char name[128];

		if (n < max && sscanf(line, "# expect: %63s %15s %d", ex[n].rule,
				      ex[n].sev, &ex[n].line) == 3)
			n++;
		else if (sscanf(line, "# procfs: %127s", name) == 1)
			snprintf(procfs, plen, "fixtures/procfs/%s", name);
	}
	fclose(f);
	return n;
}

static char *findings_text(const struct findings *fs)
{
	struct memout m;
	size_t i;

	memout_open(&m);
	for (i = 0; i < fs->n; i++)
		fprintf(m.f, "%d: %s[%s]: %s\n", fs->v[i].line,
			severity_name(fs->v[i].rule->severity),
			fs->v[i].rule->id, fs->v[i].msg);
	return memout_close(&m);
}

static size_t parse_file(struct config *c, const char *path)
{
	return config_parse_file(c, path, 0);
}

static void check_fixture(const char *name, bool *seen_pass, bool *seen_fail)
{
	struct expect ex[8];
	struct findings fs = { 0 };
	struct config c;
	char path[512], procfs[256], rule[128], *dot, *txt;
	const struct rule_info *r;
	bool fail, same;
	size_t nex, i, nerr_want = 0;

	snprintf(path, sizeof(path), RULES_DIR "/%s", name);
	snprintf(rule, sizeof(rule), "%s", name);
	dot = strchr(rule, '.');
	fail = dot && !strncmp(dot, ".fail", 5);
	if (dot)
		*dot = '\0';
	r = rule_find(rule);
	if (!tap_ok(r && dot && (fail || !strncmp(dot + 1, "pass", 4)),
		    "%s names a rule and is a .pass or .fail fixture", name))
		return;
	(fail ? seen_fail : seen_pass)[r - rule_table] = true;

	nex = read_header(path, ex, 8, procfs, sizeof(procfs));
	setenv(ERCX_PROCFS_ROOT_ENV, procfs, 1);
	tap_ok(parse_file(&c, path) == 0, "%s parses without syntax errors", name);
	rules_check(&c, &fs);
	txt = findings_text(&fs);
	if (!fail) {
		tap_ok(fs.n == 0 && nex == 0, "%s: no finding", name);
		if (fs.n)
			tap_diag("%s", txt);
	} else {
		same = nex > 0 && fs.n == nex;
		for (i = 0; same && i < nex; i++) {
			same = !strcmp(fs.v[i].rule->id, ex[i].rule) &&
			       !strcmp(severity_name(fs.v[i].rule->severity), ex[i].sev) &&
			       fs.v[i].line == ex[i].line;
			if (!strcmp(ex[i].sev, "error"))
				nerr_want++;
		}
		tap_ok(same, "%s: exactly %zu finding%s (%s %s at line %d%s)", name,
		       nex, nex == 1 ? "" : "s", nex ? ex[0].sev : "?",
		       nex ? ex[0].rule : "?", nex ? ex[0].line : 0,
		       nex > 1 ? ", ..." : "");
		if (!same)
			tap_diag("got:\n%s", txt);
		/* check/load exit 1 on any error, 0 on warnings alone */
		tap_ok(fs.nerr == nerr_want && fs.nwarn == nex - nerr_want,
		       "%s: %zu error%s, %zu warning%s (exit status %d)", name,
		       nerr_want, nerr_want == 1 ? "" : "s", nex - nerr_want,
		       nex - nerr_want == 1 ? "" : "s", nerr_want ? 1 : 0);
		/* the message names the key's value or the limit, never empty */
		for (i = 0, same = true; i < fs.n; i++)
			same = same && strlen(fs.v[i].msg) > 60;
		tap_ok(same, "%s: messages name the limit and the remedy", name);
	}
	free(txt);
	findings_free(&fs);
	config_free(&c);
}

static void test_fixtures(void)
{
	bool seen_pass[64] = { false }, seen_fail[64] = { false };
	char **names;
	size_t n, i;

	tap_ok(rule_count <= 64, "%zu rules", rule_count);
	n = list_fixtures(RULES_DIR, "", &names);
	tap_ok(n >= 2 * rule_count, "found %zu rule fixtures for %zu rules", n,
	       rule_count);
	for (i = 0; i < n; i++) {
		check_fixture(names[i] + sizeof(RULES_DIR), seen_pass, seen_fail);
		free(names[i]);
	}
	free(names);
	for (i = 0; i < rule_count && i < 64; i++)
		tap_ok(seen_pass[i] && seen_fail[i],
		       "rule %s has a passing and a failing fixture",
		       rule_table[i].id);
	unsetenv(ERCX_PROCFS_ROOT_ENV);
}

static void test_table(void)
{
	size_t i, j;
	bool ok = true;

	for (i = 0; i < rule_count; i++) {
		const char *id = rule_table[i].id;

		ok = ok && strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(id) &&
		     rule_find(id) == &rule_table[i];
		for (j = 0; j < i; j++)
			ok = ok && strcmp(id, rule_table[j].id);
	}
	tap_ok(ok, "rule ids are unique, lower-case and hyphenated");
	tap_ok(!rule_find("no-such-rule"), "rule_find of an unknown id is NULL");
}

/* Text and JSON output of one failing fixture. */
static void test_output(void)
{
	struct findings fs = { 0 };
	struct memout m;
	struct config c;
	char *buf;

	setenv(ERCX_PROCFS_ROOT_ENV, NO_PROCFS, 1);
	parse_file(&c, "fixtures/rules/azure-gatewaysubnet-size.fail.conf");
	rules_check(&c, &fs);
	findings_print(&c, &fs, memout_open(&m));
	buf = memout_close(&m);
#define WANT_TEXT "fixtures/rules/azure-gatewaysubnet-size.fail.conf:20: " \
		  "error[azure-gatewaysubnet-size]: GatewaySubnet 10.17.255.240/28 is /28: "
	tap_ok(fs.n == 1 && !strncmp(buf, WANT_TEXT, strlen(WANT_TEXT)),
	       "text: FILE:LINE: error[RULE]: message");
	tap_ok(strstr(buf, "delete the existing gateway") &&
	       strstr(buf, "recreate GatewaySubnet as /27 or shorter") &&
	       strstr(buf, "recreate both the VPN and the ExpressRoute gateway") &&
	       strstr(buf, "downtime"),
	       "text: the /28 message gives the guide's remedy (delete, recreate /27, both gateways, downtime)");
	free(buf);

	json_init(true, false, memout_open(&m));
	json_begin();
	findings_print_json(&fs);
	json_end();
	buf = memout_close(&m);
#define WANT_JSON "{\"findings\":[{\"rule\":\"azure-gatewaysubnet-size\"," \
		  "\"severity\":\"error\",\"line\":20,\"message\":\"GatewaySubnet 10.17.255.240/28 is /28: "
	tap_ok(!strncmp(buf, WANT_JSON, strlen(WANT_JSON)) && !strcmp(buf + strlen(buf) - 5, "\"}]}\n"),
	       "json: findings [{rule, severity, line, message}]");
	free(buf);
	json_init(false, false, NULL);
	findings_free(&fs);
	config_free(&c);

	/* stdin is named <stdin> */
	c.name = "-";
	memset(&fs, 0, sizeof(fs));
	findings_print(&c, &fs, memout_open(&m));
	buf = memout_close(&m);
	tap_ok(m.len == 0, "no findings, no output");
	free(buf);
	unsetenv(ERCX_PROCFS_ROOT_ENV);
}

/* Without [Azure] only the policy and host rules run. */
static void test_no_azure(void)
{
	struct findings fs = { 0 };
	struct config c;
	static const char text[] =
		"[ExpressRoute]\nDevice = er0\nGateway = 192.0.2.1\n[VPN]\nDevice = vti0\n"
		"[Policy]\nPrefix = 10.0.0.0/8 er\n";

	setenv(ERCX_PROCFS_ROOT_ENV, NO_PROCFS, 1);
	parse_string(&c, text, "x");
	rules_check(&c, &fs);
	tap_ok(c.nerr == 0 && fs.n == 0,
	       "no [Azure]: no Azure finding (no Peer is fine without [Azure])");
	findings_free(&fs);
	config_free(&c);
	unsetenv(ERCX_PROCFS_ROOT_ENV);
}

/*
 * 100,000 prefixes, half VPN-only below ER prefixes: the LPM rule must stay
 * fast (the module takes this many; load must not stall on its checks).
 */
static void test_scale(void)
{
	struct findings fs = { 0 };
	struct config c;
	struct timespec t0, t1;
	size_t i;
	double ms;

	config_init(&c, "scale");
	/* gateways of both families: path-no-gateway quiet, path-address-steered scans */
	c.er.gw.set4 = c.er.gw.set6 = true;
	inet_pton(AF_INET, "192.0.2.1", &c.er.gw.v4);
	inet_pton(AF_INET6, "fd00:e1::1", &c.er.gw.v6);
	c.vpn.gw.set4 = true;
	inet_pton(AF_INET, "169.254.21.1", &c.vpn.gw.v4);
	c.npfx = c.cap_pfx = 100000;
	c.pfx = calloc(c.npfx, sizeof(*c.pfx));
	if (!c.pfx)
		abort();
	for (i = 0; i < c.npfx; i++) {
		struct cfg_prefix *p = &c.pfx[i];

		p->line = (int)i + 1;
		if (i % 2 == 0) {	/* ER: 10.x.y.0/24 */
			p->family = AF_INET;
			p->addr[0] = 10;
			p->addr[1] = (uint8_t)(i >> 16);
			p->addr[2] = (uint8_t)(i >> 8);
			p->addr[3] = 0;
			p->plen = 24;
			p->via = ERCX_VIA_ER;
		} else if (i % 4 == 1) {	/* VPN /28 inside the previous /24 */
			*p = c.pfx[i - 1];
			p->line = (int)i + 1;
			p->addr[3] = 16;
			p->plen = 28;
			p->via = ERCX_VIA_VPN;
		} else {		/* VPN-only IPv6 /64, no ER cover */
			p->family = AF_INET6;
			p->addr[0] = 0x20;
			p->addr[1] = 0x01;
			p->addr[4] = (uint8_t)(i >> 16);
			p->addr[5] = (uint8_t)(i >> 8);
			p->addr[6] = (uint8_t)i;
			p->plen = 64;
			p->via = ERCX_VIA_VPN;
		}
	}
	setenv(ERCX_PROCFS_ROOT_ENV, NO_PROCFS, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rules_check(&c, &fs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	tap_ok(fs.n == 25000 && fs.nwarn == 25000 && fs.v[0].line == 2 &&
	       !strcmp(fs.v[0].rule->id, "prefix-vpn-more-specific"),
	       "100,000 prefixes: 25,000 VPN-only prefixes below an ER prefix found");
	tap_diag("rules on 100,000 prefixes: %.1f ms", ms);
	findings_free(&fs);
	config_free(&c);
	unsetenv(ERCX_PROCFS_ROOT_ENV);
}

/* The host's exclusions: only what a steered prefix covers, deduplicated */
static void test_exclusions(void)
{
	static const char *const addrs[][2] = {
		{ "lo", "127.0.0.1/8" }, { "lan0", "10.1.0.1/24" },
		{ "lan0", "10.1.0.9/24" }, { "lan1", "172.16.0.1/24" },
		{ "er0", "10.255.0.2/30" }, { "vti0", "169.254.21.2/30" },
		{ "lan0", "fd01::1/64" }, { "dmz0", "10.9.0.0/16" },
	};
	struct host_addr h[8];
	char *txt, b[PREFIX_STRLEN];
	struct memout mo;
	struct config c;
	const char *why;
	size_t i;

	for (i = 0; i < 8; i++) {
		char a[64], *slash;

		snprintf(h[i].dev, sizeof(h[i].dev), "%s", addrs[i][0]);
		snprintf(a, sizeof(a), "%s", addrs[i][1]);
		slash = strchr(a, '/');
		*slash = '\0';
		snprintf(slash, 8, "/%d", strchr(a, ':') ? 128 : 32);
		if (parse_prefix(a, &h[i].local, &why))
			abort();
		host_addr_set_net(h + i, (uint8_t)atoi(strchr(addrs[i][1], '/') + 1));
	}
	parse_string(&c, "[ExpressRoute]\nDevice = er0\nGateway = 10.255.0.1\n[VPN]\nDevice = vti0\n"
		     "[Policy]\nPrefix = 10.0.0.0/8 er vpn\nPrefix = 10.9.0.0/16 er\n"
		     "Exclude = 10.1.0.0/16\n", "t.conf");
	host_exclusions(&c, h, 8);
	memout_open(&mo);
	for (i = 0; i < c.nexcl; i++)
		fprintf(mo.f, "%s%s", i ? " " : "", format_prefix(&c.excl[i], b, sizeof(b)));
	txt = memout_close(&mo);
	/*
	 * lan0's subnet and addresses: inside the file's own Exclude; lan1,
	 * the tunnel and fd01::/64: no steered prefix covers them; dmz0's
	 * /16 is a Prefix line itself (the file wins) but its address is an
	 * own address under it; er0's subnet is a path's: only its address.
	 */
	tap_ok(!strcmp(txt, "10.9.0.0/32 10.255.0.2/32"),
	       "host exclusions: own addresses and other subnets that a steered prefix covers (%s)", txt);
	free(txt);
	config_free(&c);
}

int main(void)
{
	test_table();
	test_fixtures();
	test_output();
	test_no_azure();
	test_scale();
	test_exclusions();
	return tap_done();
}
