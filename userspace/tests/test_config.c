// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the config parser, validator and printer (TAP).
 * Run from userspace/tests/ (fixtures are found relative to it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/ercoexist.h>

#include "config.h"
#include "json.h"
#include "rules.h"
#include "tap.h"
#include "testutil.h"

static bool same_ip(const struct cfg_ip *a, const struct cfg_ip *b)
{
	return a->set4 == b->set4 && a->set6 == b->set6 &&
	       (!a->set4 || !memcmp(&a->v4, &b->v4, 4)) &&
	       (!a->set6 || !memcmp(&a->v6, &b->v6, 16));
}

static bool same_path(const struct cfg_path *a, const struct cfg_path *b)
{
	struct cfg_ip pa = a->probe, pb = b->probe;

	/* Probe defaults to Gateway; the printer writes it out. */
	if (!pa.set4 && a->gw.set4) {
		pa.set4 = true;
		pa.v4 = a->gw.v4;
	}
	if (!pa.set6 && a->gw.set6) {
		pa.set6 = true;
		pa.v6 = a->gw.v6;
	}
	if (!pb.set4 && b->gw.set4) {
		pb.set4 = true;
		pb.v4 = b->gw.v4;
	}
	if (!pb.set6 && b->gw.set6) {
		pb.set6 = true;
		pb.v6 = b->gw.v6;
	}
	return !strcmp(a->dev, b->dev) && same_ip(&a->gw, &b->gw) &&
	       same_ip(&pa, &pb) && same_ip(&a->peer, &b->peer) &&
	       a->probe_interval_ms == b->probe_interval_ms &&
	       a->probe_mult == b->probe_mult && a->fwmark == b->fwmark &&
	       a->table == b->table;
}

/* The policy the kernel would get is the same. */
static bool same_policy(const struct config *a, const struct config *b)
{
	size_t i;

	if (!same_path(&a->er, &b->er) || !same_path(&a->vpn, &b->vpn) ||
	    a->mss != b->mss || a->mss6 != b->mss6 ||
	    a->mss_scope != b->mss_scope || a->nopath != b->nopath ||
	    a->failback_ms != b->failback_ms || a->fwmask != b->fwmask ||
	    a->npfx != b->npfx)
		return false;
	for (i = 0; i < a->npfx; i++)
		if (prefix_cmp(&a->pfx[i], &b->pfx[i]) || a->pfx[i].via != b->pfx[i].via)
			return false;
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* [Azure] survives a round trip (the lines differ, the values not). */
static bool same_azure(const struct cfg_azure *a, const struct cfg_azure *b)
{
	size_t i;

	if (a->present != b->present || !same_str(a->deployment, b->deployment) ||
	    !same_str(a->vpn_type, b->vpn_type) || !same_str(a->vpn_sku, b->vpn_sku) ||
	    !same_str(a->er_sku, b->er_sku) || a->has_subnet != b->has_subnet ||
	    (a->has_subnet && prefix_cmp(&a->subnet, &b->subnet)) ||
	    a->has_asn != b->has_asn || a->asn != b->asn ||
	    a->transit != b->transit || a->p2s != b->p2s ||
	    a->forced_tunneling != b->forced_tunneling ||
	    a->route_server != b->route_server || a->ms_peering != b->ms_peering ||
	    a->nudr != b->nudr)
		return false;
	for (i = 0; i < a->nudr; i++)
		if (prefix_cmp(&a->udr[i], &b->udr[i]))
			return false;
	return true;
}

static void test_good_fixtures(void)
{
	char **files, *s1, *s2, *err;
	struct config c, c2, c3;
	size_t n, i, e;
	FILE *f;

	n = list_fixtures("fixtures", "good-", &files);
	tap_ok(n >= 3, "found %zu good fixtures", n);
	for (i = 0; i < n; i++) {
		f = fopen(files[i], "r");
		e = config_parse(&c, f, files[i], 0);
		fclose(f);
		err = errors_text(&c);
		tap_ok(e == 0, "%s parses without errors", files[i]);
		if (e)
			tap_diag("%s", err);
		free(err);

		/* print(parse(x)) is a fixed point, and yields the same policy */
		s1 = config_text(&c);
		e = parse_string(&c2, s1, "printed");
		tap_ok(e == 0, "%s: printed config parses", files[i]);
		s2 = config_text(&c2);
		tap_ok(!strcmp(s1, s2), "%s: print(parse(x)) is a fixed point", files[i]);
		if (strcmp(s1, s2))
			tap_diag("first:\n%s\nsecond:\n%s", s1, s2);
		tap_ok(same_policy(&c, &c2), "%s: round trip keeps the policy", files[i]);
		parse_string(&c3, s2, "printed2");
		tap_ok(same_policy(&c2, &c3) && same_azure(&c.azure, &c2.azure) &&
		       same_azure(&c2.azure, &c3.azure),
		       "%s: second round trip keeps the policy and [Azure]", files[i]);
		free(s1);
		free(s2);
		config_free(&c);
		config_free(&c2);
		config_free(&c3);
		free(files[i]);
	}
	free(files);
}

static void test_bad_fixtures(void)
{
	char **files, *want, *got, errfile[512];
	struct config c;
	size_t n, i;
	FILE *f;

	n = list_fixtures("fixtures", "bad-", &files);
	tap_ok(n >= 6, "found %zu bad fixtures", n);
	for (i = 0; i < n; i++) {
		snprintf(errfile, sizeof(errfile), "%.*s.err",
			 (int)(strlen(files[i]) - 5), files[i]);
		want = slurp(errfile);
		f = fopen(files[i], "r");
		config_parse(&c, f, files[i], 0);
		fclose(f);
		got = errors_text(&c);
		/* the .err file is the stderr of `check`: a summary line ends it */
		got = realloc(got, strlen(got) + strlen(files[i]) + 32);
		sprintf(got + strlen(got), "%s: %zu error%s\n", files[i], c.nerr,
			c.nerr == 1 ? "" : "s");
		tap_ok(want && c.nerr > 0 && !strcmp(want, got),
		       "%s: exactly the expected %zu errors", files[i], c.nerr);
		if (!want || strcmp(want, got))
			tap_diag("expected:\n%s# got:\n%s", want ? want : "(no .err)\n", got);
		free(want);
		free(got);
		config_free(&c);
		free(files[i]);
	}
	free(files);
}

static void test_spec_values(void)
{
	struct config c;
	char a[INET6_ADDRSTRLEN];
	FILE *f = fopen("fixtures/good-spec.conf", "r");

	config_parse(&c, f, "spec", 0);
	fclose(f);
	tap_ok(!strcmp(c.er.dev, "er0") && !strcmp(c.vpn.dev, "vti0"),
	       "spec: devices er0 and vti0");
	inet_ntop(AF_INET, &c.er.gw.v4, a, sizeof(a));
	tap_ok(c.er.gw.set4 && !c.er.gw.set6 && !strcmp(a, "192.0.2.1"),
	       "spec: ER gateway 192.0.2.1");
	tap_ok(c.er.probe_interval_ms == 10 && c.er.probe_mult == 3,
	       "spec: probe 10ms x 3");
	tap_ok(c.mss == 1250 && c.mss6 == 1230, "spec: MSS 1250, MSS6 default 1230");
	tap_ok(c.failback_ms == 3000 && c.nopath == ERCX_NOPATH_PASS &&
	       c.mss_scope == ERCX_MSS_SCOPE_TUNNEL, "spec: policy scalars");
	tap_ok(c.npfx == 2 && c.pfx[0].via == ERCX_VIA_ALL &&
	       c.pfx[1].via == ERCX_VIA_VPN && c.pfx[1].plen == 24,
	       "spec: two prefixes with their paths");
	tap_ok(c.er.fwmark == 0x00e10000 && c.er.table == 225 &&
	       c.vpn.fwmark == 0x00e20000 && c.vpn.table == 226 &&
	       c.fwmask == 0x00ff0000, "spec: default marks, tables, mask");
	tap_ok(c.azure.present && c.azure.has_asn && c.azure.asn == 65515 &&
	       c.azure.transit == CFG_NO && c.azure.has_subnet &&
	       c.azure.subnet.plen == 27, "spec: [Azure] kept");
	tap_ok(!strcmp(c.underlay.dev, "eth0") && c.underlay.gw.set4,
	       "spec: [Underlay] kept");
	config_free(&c);

	f = fopen("fixtures/good-full.conf", "r");
	config_parse(&c, f, "full", 0);
	fclose(f);
	tap_ok(c.er.fwmark == 0x10000 && c.vpn.fwmark == 0x20000 &&
	       c.vpn.table == 101 && c.fwmask == 0xf0000,
	       "full: hex and decimal marks and tables");
	tap_ok(c.mss == 1350 && c.mss6 == 1300 && c.failback_ms == 120000 &&
	       c.nopath == ERCX_NOPATH_DROP && c.mss_scope == ERCX_MSS_SCOPE_ALL,
	       "full: case-insensitive values");
	tap_ok(c.vpn.peer.set4 && c.vpn.peer.set6 && c.er.gw.set6 &&
	       c.er.probe.set4 && !c.er.probe.set6, "full: IPv4 and IPv6 lines");
	tap_ok(c.npfx == 7 && c.pfx[3].family == AF_INET6 && c.pfx[3].via == ERCX_VIA_ALL &&
	       c.pfx[5].plen == 0, "full: IPv6 prefixes and default routes");
	tap_ok(c.azure.deployment && !strcmp(c.azure.deployment, "resource-manager") &&
	       c.azure.transit == CFG_YES && c.azure.p2s == CFG_NO &&
	       c.azure.route_server == CFG_YES && c.azure.route_server_line == 51,
	       "full: [Azure] values normalised");
	tap_ok(c.azure.nudr == 2 && c.azure.udr[0].line == 54 &&
	       c.azure.udr[1].family == AF_INET6 && c.azure.udr[1].plen == 48 &&
	       c.azure.er_sku && !strcmp(c.azure.er_sku, "ErGw1AZ") &&
	       c.azure.subnet.line == 45 && c.azure.vpn_sku_line == 47 &&
	       c.azure.asn_line == 49,
	       "full: ErSku, RouteServer, repeated GatewaySubnetUdr and the key lines kept");
	config_free(&c);

	parse_string(&c, "[ExpressRoute]\nDevice=a\n[VPN]\nDevice=b\nMSS=1200\n", "x");
	tap_ok(c.nerr == 0 && c.mss6 == 1220, "MSS6 default is at least 1220");
	config_free(&c);

	/* the module takes durations up to one hour: so does the parser */
	parse_string(&c, "[ExpressRoute]\nDevice=a\nGateway=192.0.2.1\nProbeInterval=1h\n[VPN]\nDevice=b\n"
		     "[Policy]\nFailbackDelay=60m\n", "x");
	tap_ok(c.nerr == 0 && c.failback_ms == 3600000 &&
	       c.er.probe_interval_ms == 3600000, "1h is accepted for FailbackDelay and ProbeInterval");
	config_free(&c);
	parse_string(&c, "[ExpressRoute]\nDevice=a\nGateway=192.0.2.1\nProbeInterval=61m\n[VPN]\nDevice=b\n"
		     "[Policy]\nFailbackDelay=2h\n", "x");
	{
		char *err = errors_text(&c);

		tap_ok(c.nerr == 2 && strstr(err, "x:4: ProbeInterval must be 0 (off) or 10ms..1h") &&
		       strstr(err, "x:8: FailbackDelay must be at most 1h"),
		       "over 1h is refused at file:line, as the module would");
		free(err);
	}
	config_free(&c);
	parse_string(&c, "[ExpressRoute]\nDevice=a\nGateway=192.0.2.1\nProbeInterval=10ms\n"
		     "[VPN]\nDevice=b\nProbeInterval=50ms\n", "p");
	{
		char *err = errors_text(&c);

		tap_ok(c.nerr == 1 &&
		       !strcmp(err, "p:7: [VPN] ProbeInterval needs a Probe or a Gateway address\n"),
		       "probes without a target are an error; ER probes its Gateway");
		if (c.nerr != 1)
			tap_diag("%s", err);
		free(err);
	}
	config_free(&c);
	parse_string(&c, "[ExpressRoute]\nDevice=a\n[VPN]\nDevice=b\nProbe=fd00::1\n"
		     "ProbeInterval=50ms\n", "p");
	tap_ok(c.nerr == 0, "VPN probes with a Probe and no Gateway are fine");
	config_free(&c);
}

static void test_stdin_name(void)
{
	struct config c;
	char *err;

	parse_string(&c, "[Nope]\n", "-");
	err = errors_text(&c);
	tap_ok(!strncmp(err, "<stdin>:1: unknown section [Nope]\n", 33),
	       "stdin is shown as <stdin>");
	free(err);
	config_free(&c);

	config_parse_file(&c, "fixtures/does-not-exist.conf", 0);
	err = errors_text(&c);
	tap_ok(c.nerr == 1 && !strcmp(err, "fixtures/does-not-exist.conf: No such file or directory\n"),
	       "missing file reported");
	free(err);
	config_free(&c);

	parse_string(&c, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = no-such-dev-9\n", "r");
	config_free(&c);
	{
		FILE *f = fmemopen((void *)"[ExpressRoute]\nDevice = lo\n[VPN]\nDevice = nosuchdev9\n", 52, "r");

		config_parse(&c, f, "r.conf", CFG_RESOLVE_DEVICES);
		fclose(f);
		err = errors_text(&c);
		tap_ok(c.nerr == 0 && c.er.ifindex > 0 && c.vpn.ifindex == 0 && c.resolved,
		       "devices resolved with if_nametoindex; a missing one is no error (index 0)");
		if (c.nerr)
			tap_diag("%s", err);
		free(err);
		config_free(&c);
	}
}

static void test_numbers(void)
{
	static const struct { const char *s; int ret; uint32_t v; } u[] = {
		{ "0", 0, 0 }, { "10", 0, 10 }, { "0x10", 0, 16 },
		{ "0XfF", 0, 255 }, { "4294967295", 0, 4294967295U },
		{ "4294967296", -ERANGE, 0 }, { "0xffffffff", 0, 0xffffffffU },
		{ "0x100000000", -ERANGE, 0 }, { "", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "12a", -EINVAL, 0 },
		{ "08", 0, 8 },
	};
	static const struct { const char *s; int ret; uint32_t ms; } d[] = {
		{ "0", 0, 0 }, { "10ms", 0, 10 }, { "3s", 0, 3000 },
		{ "1m", 0, 60000 }, { "2h", 0, 7200000 }, { "10MS", 0, 10 },
		{ "3S", 0, 3000 }, { "0s", 0, 0 }, { "10", -EINVAL, 0 },
		{ "ms", -EINVAL, 0 }, { "1.5s", -EINVAL, 0 }, { "-1s", -EINVAL, 0 },
		{ "10 ms", -EINVAL, 0 }, { "1d", -EINVAL, 0 },
		{ "4294967295ms", 0, 4294967295U }, { "4294967296ms", -ERANGE, 0 },
		{ "1193h", 0, 4294800000U }, { "1194h", -ERANGE, 0 },
		{ "99999999999999999999s", -ERANGE, 0 },
	};
	static const struct { uint32_t ms; const char *s; } fmt[] = {
		{ 0, "0" }, { 10, "10ms" }, { 1500, "1500ms" }, { 3000, "3s" },
		{ 60000, "1m" }, { 90000, "90s" }, { 3600000, "1h" },
		{ 4294967295U, "4294967295ms" },
	};
	char buf[32];
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		int r;

		v = 0;
		r = parse_u32(u[i].s, &v);
		tap_ok(r == u[i].ret && (r || v == u[i].v), "parse_u32(\"%s\") = %d, %u",
		       u[i].s, u[i].ret, u[i].v);
	}
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		int r;

		v = 0;
		r = parse_duration_ms(d[i].s, &v);
		tap_ok(r == d[i].ret && (r || v == d[i].ms),
		       "parse_duration_ms(\"%s\") = %d, %u", d[i].s, d[i].ret, d[i].ms);
	}
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		format_duration(fmt[i].ms, buf, sizeof(buf));
		tap_ok(!strcmp(buf, fmt[i].s) && !parse_duration_ms(buf, &v) &&
		       v == fmt[i].ms, "format_duration(%u) = %s and parses back",
		       fmt[i].ms, fmt[i].s);
	}
}

static void test_prefixes(void)
{
	static const struct { const char *s; int ok; const char *norm; } p[] = {
		{ "10.0.0.0/8", 1, "10.0.0.0/8" }, { "0.0.0.0/0", 1, "0.0.0.0/0" },
		{ "10.0.0.1/32", 1, "10.0.0.1/32" }, { "10.0.0.1/31", 0, NULL },
		{ "10.0.0.128/25", 1, "10.0.0.128/25" }, { "10.0.0.64/25", 0, NULL },
		{ "1.0.0.0/0", 0, NULL }, { "10.0.0.0/33", 0, NULL },
		{ "10.0.0.0/", 0, NULL }, { "/8", 0, NULL }, { "10.0.0/8", 0, NULL },
		{ "2001:DB8::/32", 1, "2001:db8::/32" }, { "::/0", 1, "::/0" },
		{ "2001:db9::/31", 0, NULL }, { "2001:db8::/31", 1, "2001:db8::/31" }, { "2001:db8::1/128", 1, "2001:db8::1/128" },
		{ "2001:db8::/129", 0, NULL }, { "::ffff:10.0.0.0/104", 1, "::ffff:10.0.0.0/104" },
		{ "10.0.0.0/8/8", 0, NULL }, { "10.0.0.0/1000", 0, NULL },
	};
	struct cfg_prefix x;
	const char *why;
	char buf[PREFIX_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		int r = parse_prefix(p[i].s, &x, &why);

		if (p[i].ok)
			tap_ok(r == 0 && !strcmp(format_prefix(&x, buf, sizeof(buf)), p[i].norm),
			       "prefix %s -> %s", p[i].s, p[i].norm);
		else
			tap_ok(r != 0, "prefix %s rejected", p[i].s);
	}
}

/* 100,000 prefixes (the SPEC's scale): parse, duplicate check, print. */
static void test_scale(void)
{
	struct config c;
	struct memout mo;
	char *buf, *out;
	size_t i, e;
	struct timespec t0, t1;
	FILE *m = memout_open(&mo);
	double ms;

	fprintf(m, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n[Policy]\n");
	for (i = 0; i < 50000; i++)
		fprintf(m, "Prefix = 10.%zu.%zu.0/24 er vpn\n", i >> 8, i & 255);
	for (i = 0; i < 50000; i++)
		fprintf(m, "Prefix = 2001:db8:%zx:%zx::/64 vpn\n", i >> 8, i & 255);
	fprintf(m, "Prefix = 10.0.7.0/24 er\n");	/* a duplicate, last line */
	buf = memout_close(&mo);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = parse_string(&c, buf, "big");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	tap_ok(e == 1 && c.npfx == 100001 && c.err[0].line == 100006 &&
	       strstr(c.err[0].msg, "duplicate prefix 10.0.7.0/24 (first on line 13)"),
	       "100,001 prefixes parsed, the one duplicate found (%.0f ms)", ms);
	if (e != 1 && e)
		tap_diag("%s", c.err[0].msg);
	out = config_text(&c);
	tap_ok(out && strstr(out, "Prefix = 2001:db8:c3:4f::/64 vpn\n"),
	       "100,001 prefixes printed");
	free(out);
	config_free(&c);
	free(buf);
}

static void expect_errors(const char *text, size_t len, const char *want,
			  const char *name)
{
	struct config c;
	char *err;

	parse_text(&c, text, len, "x");
	err = errors_text(&c);
	tap_ok(!strcmp(err, want), "%s", name);
	if (strcmp(err, want))
		tap_diag("want:\n%s# got:\n%s", want, err);
	free(err);
	config_free(&c);
}

#define MINIMAL "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n"

/* A stream of @left bytes made of @line repeated (no newline when ""). */
struct gen {
	const char *line;
	size_t left, pos;
};

static ssize_t gen_read(void *cookie, char *buf, size_t size)
{
	struct gen *g = cookie;
	size_t n = 0, l = strlen(g->line);

	while (n < size && g->left) {
		buf[n++] = l ? g->line[g->pos++ % l] : 'x';
		g->left--;
	}
	return (ssize_t)n;
}

static size_t parse_gen(struct config *c, const char *line, size_t bytes)
{
	cookie_io_functions_t io = { .read = gen_read };
	struct gen g = { line, bytes, 0 };
	FILE *f = fopencookie(&g, "r", io);
	size_t n = config_parse(c, f, "gen", 0);

	fclose(f);
	return n;
}

static void test_robustness(void)
{
	static const char *const bad_names[] = {
		"er0:1", "a/b", ".", "..", "er\v0", "er\f0", "er\r0", "er 0",
		"er\t0", "sixteen-bytes-xx",
	};
	static const char *const good_names[] = {
		"fifteen-bytes-x", "er0.100", "eth0@if7", "\xc3\xa9t0", "-", "...",
	};
	static const struct { const char *v, *norm; } types[] = {
		{ "DynamicRouting", "route-based" }, { "dynamicrouting", "route-based" },
		{ "RouteBased", "route-based" }, { "StaticRouting", "policy-based" },
		{ "PolicyBased", "policy-based" }, { "Route-Based", "route-based" },
	};
	char text[512], *err;
	struct config c;
	size_t i, e;

	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		snprintf(text, sizeof(text), "[ExpressRoute]\nDevice = %s\n[VPN]\nDevice = vti0\n",
			 bad_names[i]);
		parse_string(&c, text, "d");
		err = errors_text(&c);
		tap_ok(c.nerr == 1 && !strncmp(err, "d:2: invalid device name '", 26) &&
		       strstr(err, "(the kernel refuses it)\n"),
		       "device name #%zu refused as the kernel would, at file:line", i);
		free(err);
		config_free(&c);
	}
	for (i = 0; i < sizeof(good_names) / sizeof(good_names[0]); i++) {
		snprintf(text, sizeof(text), "[ExpressRoute]\nDevice = %s\n[VPN]\nDevice = vti0\n",
			 good_names[i]);
		parse_string(&c, text, "d");
		tap_ok(c.nerr == 0 && !strcmp(c.er.dev, good_names[i]),
		       "device name #%zu accepted, as the kernel would", i);
		config_free(&c);
	}

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(text, sizeof(text), MINIMAL "[Azure]\nVpnType = %s\n", types[i].v);
		parse_string(&c, text, "t");
		tap_ok(c.nerr == 0 && c.azure.vpn_type && !strcmp(c.azure.vpn_type, types[i].norm),
		       "VpnType = %s is %s", types[i].v, types[i].norm);
		config_free(&c);
	}
	parse_string(&c, MINIMAL "[Azure]\nMicrosoftPeering = yes\n", "m");
	tap_ok(c.nerr == 0 && c.azure.ms_peering == CFG_YES && c.azure.ms_peering_line == 6,
	       "MicrosoftPeering = yes parsed, with its line");
	config_free(&c);
#define MSP MINIMAL "[Azure]\nMicrosoftPeering = sometimes\nMicrosoftPeering = no\n"
	expect_errors(MSP, sizeof(MSP) - 1,
		      "x:6: invalid MicrosoftPeering 'sometimes' (use yes, no)\n",
		      "MicrosoftPeering: an invalid value is an error");

	/* encodings */
	expect_errors("\xef\xbb\xbf" MINIMAL, sizeof(MINIMAL) + 2, "",
		      "a UTF-8 byte order mark is skipped");
	{
		char u16[256];
		size_t n = 0;
		const char *p;

		u16[n++] = (char)0xff;
		u16[n++] = (char)0xfe;
		for (p = MINIMAL; *p; p++) {
			u16[n++] = *p;
			u16[n++] = 0;
		}
		expect_errors(u16, n, "x:1: UTF-16 text (a UTF-16 or UTF-32 byte order mark): save the file as UTF-8\n",
			      "UTF-16LE with a byte order mark: one error");
		expect_errors(u16 + 3, n - 3,
			      "x:1: UTF-16 text (every other byte NUL): save the file as UTF-8\n",
			      "UTF-16BE without a byte order mark: one error");
	}
#define NUL6 MINIMAL "[Policy]\nPrefix = 10.0.0.0/8\0 er\n"
	expect_errors(NUL6, sizeof(NUL6) - 1,
		      "x:6: NUL byte in line\n", "a NUL byte later in a file is an error at its line");

	/* lengths: 4096 bytes in a line are fine, 4097 are not */
	for (i = 0; i < 2; i++) {
		static const char head[] = MINIMAL "#", tail[] = "\n[Policy]\nPrefix = 10.0.0.0/8 er\n";
		char *big = malloc(CFG_MAX_LINE + sizeof(head) + sizeof(tail));
		size_t n = 0;

		memcpy(big, head, sizeof(head) - 1);
		n += sizeof(head) - 1;
		memset(big + n, 'x', CFG_MAX_LINE - 1 + i);
		n += CFG_MAX_LINE - 1 + i;
		memcpy(big + n, tail, sizeof(tail) - 1);
		n += sizeof(tail) - 1;
		e = parse_text(&c, big, n, "l");
		err = errors_text(&c);
		if (!i)
			tap_ok(e == 0 && c.npfx == 1, "a line of exactly %u bytes is fine", CFG_MAX_LINE);
		else
			tap_ok(e == 1 && !strcmp(err, "l:5: line longer than 4096 bytes\n") &&
			       c.npfx == 1 && c.last_line == 7,
			       "a line of %u bytes is an error at its line; the next lines are read", CFG_MAX_LINE + 1);
		free(err);
		free(big);
		config_free(&c);
	}
	/* 64 MiB without a newline: stops at the limit, memory stays flat */
	e = parse_gen(&c, "", 64U << 20);
	err = errors_text(&c);
	tap_ok(e == 1 && !strcmp(err, "gen: larger than 16 MiB, the limit for a config file\n"),
	       "a 64 MiB line: one error, read no further than 16 MiB");
	free(err);
	config_free(&c);
	e = parse_gen(&c, "# padding to the limit, exactly\n", CFG_MAX_FILE);
	tap_ok(e > 0 && !strstr(c.err[0].msg, "larger than"),
	       "exactly 16 MiB is read (then: missing sections)");
	config_free(&c);
	{
		FILE *t = fopen(".big.conf.tmp", "w");

		if (t) {
			(void)!ftruncate(fileno(t), (off_t)CFG_MAX_FILE + 1);
			fclose(t);
		}
		config_parse_file(&c, ".big.conf.tmp", 0);
		unlink(".big.conf.tmp");
		err = errors_text(&c);
		tap_ok(c.nerr == 1 && !strcmp(err, ".big.conf.tmp: larger than 16 MiB, the limit for a config file\n"),
		       "a regular file over 16 MiB is refused before reading it");
		free(err);
		config_free(&c);
	}
	config_parse_file(&c, "fixtures", 0);
	err = errors_text(&c);
	tap_ok(c.nerr == 1 && !strcmp(err, "fixtures: Is a directory\n"),
	       "a directory is one clear error");
	free(err);
	config_free(&c);

	/* a flood of bad lines stops at CFG_MAX_ERRORS */
	e = parse_gen(&c, "garbage\n", 8 * 1000);
	tap_ok(e == CFG_MAX_ERRORS + 1 && c.last_line == CFG_MAX_ERRORS &&
	       strstr(c.err[e - 1].msg, "gen:100: too many errors, stopping here"),
	       "1000 bad lines: %u errors, then one 'too many errors'", CFG_MAX_ERRORS);
	config_free(&c);
}

/* Is @s valid UTF-8 (RFC 3629)?  The test's own, independent check. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned int cp, need, k;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
		} else {
			return false;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/*
 * Random bytes, and random mixes of config fragments and random bytes,
 * through the parser, the rules, the printer and the JSON writer: nothing
 * aborts (ASan and UBSan watch), every error names the file, the JSON is
 * UTF-8.  A fixed seed, so a failure can be replayed.
 */
static void test_random_bytes(void)
{
	static const char *const frags[] = {
		"[ExpressRoute]\n", "[VPN]\n", "[Underlay]\n", "[Policy]\n", "[Azure]\n",
		"Device = er0\n", "Device = vti0\n", "Gateway = 192.0.2.1\n",
		"Gateway = ::ffff:1.2.3.4\n", "Probe = 224.0.0.1\n", "Peer = 203.0.113.10\n",
		"Prefix = 10.0.0.0/8 er vpn\n", "Prefix = 169.254.0.0/16 vpn\n",
		"Prefix = 52.96.0.0/14 vpn\n", "Prefix = ::/0 er\n", "ProbeInterval = 10ms\n",
		"MicrosoftPeering = yes\n", "VpnType = DynamicRouting\n", "Deployment = classic\n",
		"GatewaySubnet = 10.0.0.0/28\n", "#", "=", "\n", "\xef\xbb\xbf", "\xff\xfe", "\0",
	};
	unsigned int seed = 0x1c0ffee, iter, bad = 0, nonutf8 = 0;
	size_t nfr = sizeof(frags) / sizeof(frags[0]);
	struct timespec t0, t1;
	double ms;

	setenv("ERCX_PROCFS_ROOT", "fixtures/procfs/none", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (iter = 0; iter < 3000; iter++) {
		char in[2048], *out;
		size_t n = 0, want = (size_t)rand_r(&seed) % sizeof(in), i;
		struct findings fs = { 0 };
		struct memout mo;
		struct config c;
		FILE *f;

		while (n < want) {
			if (iter % 3 && rand_r(&seed) % 2) {
				const char *fr = frags[(size_t)rand_r(&seed) % nfr];
				size_t l = fr[0] ? strlen(fr) : 1;

				if (n + l > want)
					break;
				memcpy(in + n, fr, l);
				n += l;
			} else {
				in[n++] = (char)rand_r(&seed);
			}
		}
		f = fmemopen(in, n ? n : 1, "r");
		if (!n)
			fgetc(f);
		config_parse(&c, f, "rnd", 0);
		fclose(f);
		if (!c.nerr)
			rules_check(&c, &fs);
		/* raw values: not JSON, only must not crash */
		free(config_text(&c));
		json_init(true, false, memout_open(&mo));
		json_begin();
		open_json_array("errors");
		for (i = 0; i < c.nerr; i++) {
			print_string(PRINT_JSON, NULL, NULL, c.err[i].msg);
			bad += strncmp(c.err[i].msg, "rnd", 3) != 0;
		}
		close_json_array();
		findings_print_json(&fs);
		json_end();
		out = memout_close(&mo);
		json_init(false, false, NULL);
		nonutf8 += !utf8_valid((unsigned char *)out, mo.len);
		free(out);
		findings_free(&fs);
		config_free(&c);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	tap_ok(bad == 0, "3000 random inputs: no abort, every error names the file (%.0f ms)", ms);
	tap_ok(nonutf8 == 0, "3000 random inputs: the JSON of their errors is valid UTF-8 (%u not)",
	       nonutf8);
	unsetenv("ERCX_PROCFS_ROOT");
}

int main(void)
{
	test_good_fixtures();
	test_bad_fixtures();
	test_spec_values();
	test_stdin_name();
	test_numbers();
	test_prefixes();
	test_scale();
	test_robustness();
	test_random_bytes();
	return tap_done();
}
