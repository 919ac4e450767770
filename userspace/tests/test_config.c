// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the config parser, validator and printer (TAP).
 * Run from userspace/tests/ (fixtures are found relative to it).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ercoexist.h>

#include "config.h"
#include "tap.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(m);
	fclose(f);
	return buf;
}

static char *errors_text(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	config_print_errors(c, m);
	fclose(m);
	return buf;
}

static char *print_text(const struct config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	config_print(c, m);
	fclose(m);
	return buf;
}

static size_t parse_string(struct config *c, const char *text, const char *name)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	size_t n = config_parse(c, f, name, 0);

	fclose(f);
	return n;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of fixtures/<prefix>*.conf */
static size_t list_fixtures(const char *prefix, char ***out)
{
	DIR *d = opendir("fixtures");
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) || l < 5 ||
		    strcmp(e->d_name + l - 5, ".conf"))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (asprintf(&v[n], "fixtures/%s", e->d_name) < 0)
			abort();
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*out = v;
	return n;
}

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
	    a->route_server != b->route_server || a->nudr != b->nudr)
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

	n = list_fixtures("good-", &files);
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
		s1 = print_text(&c);
		e = parse_string(&c2, s1, "printed");
		tap_ok(e == 0, "%s: printed config parses", files[i]);
		s2 = print_text(&c2);
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

	n = list_fixtures("bad-", &files);
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
		tap_ok(c.nerr == 1 && !strcmp(err, "r.conf:4: no such device 'nosuchdev9'\n") &&
		       c.er.ifindex > 0, "devices resolved with if_nametoindex");
		if (c.nerr != 1)
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
	char *buf = NULL, *out;
	size_t len = 0, i, e;
	struct timespec t0, t1;
	FILE *m = open_memstream(&buf, &len);
	double ms;

	fprintf(m, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n[Policy]\n");
	for (i = 0; i < 50000; i++)
		fprintf(m, "Prefix = 10.%zu.%zu.0/24 er vpn\n", i >> 8, i & 255);
	for (i = 0; i < 50000; i++)
		fprintf(m, "Prefix = 2001:db8:%zx:%zx::/64 vpn\n", i >> 8, i & 255);
	fprintf(m, "Prefix = 10.0.7.0/24 er\n");	/* a duplicate, last line */
	fclose(m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = parse_string(&c, buf, "big");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	tap_ok(e == 1 && c.npfx == 100001 && c.err[0].line == 100006 &&
	       strstr(c.err[0].msg, "duplicate prefix 10.0.7.0/24 (first on line 13)"),
	       "100,001 prefixes parsed, the one duplicate found (%.0f ms)", ms);
	if (e != 1 && e)
		tap_diag("%s", c.err[0].msg);
	out = print_text(&c);
	tap_ok(out && strstr(out, "Prefix = 2001:db8:c3:4f::/64 vpn\n"),
	       "100,001 prefixes printed");
	free(out);
	config_free(&c);
	free(buf);
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
	return tap_done();
}
