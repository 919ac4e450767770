// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Generic Netlink encoding and decoding (TAP), without a
 * kernel: POLICY_SET as load builds it (the [Underlay] nest), a POLICY_GET
 * reply decoded and printed by showconf (round trip), and the underlay
 * event as monitor prints it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"
#include "json.h"
#include "monitor.h"
#include "nl.h"
#include "tap.h"
#include "testutil.h"

#define FAMILY 0x20
#define IF_ER 11
#define IF_VPN 12
#define IF_UL 13

static const char conf[] =
	"[ExpressRoute]\nDevice = er0\nGateway = 192.0.2.1\n"
	"[VPN]\nDevice = vti0\nPeer = 203.0.113.10\nPeer = 2001:db8:ffff::10\n"
	"[Underlay]\nDevice = eth9\nGateway = 198.51.100.1\nGateway = 2001:db8:1::1\n"
	"FwMark = 0x00330000\nTable = 0x66\n"
	"[Policy]\nPrefix = 10.17.0.0/16 er vpn\n";

static struct nlmsghdr *encode_flags(const struct config *c, char **buf,
				     unsigned int flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	*buf = calloc(1, CODEC_POLICY_SIZE(c));
	nlh = mnl_nlmsg_put_header(*buf);
	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = ERCX_CMD_POLICY_SET;
	codec_put_policy(nlh, c, flags);
	return nlh;
}

static struct nlmsghdr *encode(const struct config *c, char **buf)
{
	return encode_flags(c, buf, 0);
}

static const struct nlattr *find(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

/* Bit mask of the attribute types in @nest; values of a few. */
static uint64_t nest_types(const struct nlattr *nest, uint32_t *ifindex,
			   uint32_t *mark, uint32_t *table)
{
	const struct nlattr *a;
	uint64_t m = 0;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);

		m |= 1ULL << t;
		if (t == ERCX_PATH_A_IFINDEX)
			*ifindex = mnl_attr_get_u32(a);
		if (t == ERCX_PATH_A_FWMARK)
			*mark = mnl_attr_get_u32(a);
		if (t == ERCX_PATH_A_TABLE)
			*table = mnl_attr_get_u32(a);
	}
	return m;
}

/*
 * What the kernel's POLICY_GET reply looks like: the attributes POLICY_SET
 * took, with ERCX_PATH_A_IFNAME added to each path nest (names of the
 * fake ifindexes) and the read-only generation.
 */
static struct nlmsghdr *kernel_reply(const struct nlmsghdr *req, char *out)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	const struct nlattr *a, *b;

	nlh->nlmsg_type = FAMILY;
	g->cmd = ERCX_CMD_POLICY_GET;
	mnl_attr_for_each(a, req, sizeof(struct genlmsghdr)) {
		uint16_t t = mnl_attr_get_type(a);
		struct nlattr *nest;
		uint32_t ifi = 0;

		if (t == ERCX_A_PREFIX)
			continue;	/* prefixes come by PREFIX_GET */
		if (t != ERCX_A_PATH_ER && t != ERCX_A_PATH_VPN && t != ERCX_A_UNDERLAY) {
			mnl_attr_put(nlh, t, mnl_attr_get_payload_len(a),
				     mnl_attr_get_payload(a));
			continue;
		}
		nest = mnl_attr_nest_start(nlh, t);
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == ERCX_PATH_A_IFINDEX)
				ifi = mnl_attr_get_u32(b);
			mnl_attr_put(nlh, mnl_attr_get_type(b),
				     mnl_attr_get_payload_len(b),
				     mnl_attr_get_payload(b));
		}
		mnl_attr_put_strz(nlh, ERCX_PATH_A_IFNAME,
				  ifi == IF_ER ? "er0" : ifi == IF_VPN ? "vti0" :
				  ifi == IF_UL ? "eth9" : "?");
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put_u32(nlh, ERCX_A_GENERATION, 7);
	return nlh;
}

static void test_underlay_encoding(void)
{
	const uint64_t banned = 1ULL << ERCX_PATH_A_PROBE4 | 1ULL << ERCX_PATH_A_PROBE6 |
				1ULL << ERCX_PATH_A_PROBE_INTERVAL_MS |
				1ULL << ERCX_PATH_A_PROBE_MULTIPLIER |
				1ULL << ERCX_PATH_A_PEER4 | 1ULL << ERCX_PATH_A_PEER6;
	const uint64_t want = 1ULL << ERCX_PATH_A_IFNAME |
			      1ULL << ERCX_PATH_A_IFINDEX | 1ULL << ERCX_PATH_A_GATEWAY4 |
			      1ULL << ERCX_PATH_A_GATEWAY6 | 1ULL << ERCX_PATH_A_FWMARK |
			      1ULL << ERCX_PATH_A_TABLE;
	uint32_t ifi = 0, mark = 0, table = 0;
	const struct nlattr *ul;
	struct nlmsghdr *nlh;
	struct config c;
	char *buf;
	uint64_t m;

	tap_ok(parse_string(&c, conf, "t.conf") == 0, "config with [Underlay] parses");
	c.er.ifindex = IF_ER;
	c.vpn.ifindex = IF_VPN;
	c.underlay.ifindex = IF_UL;
	nlh = encode(&c, &buf);
	ul = find(nlh, ERCX_A_UNDERLAY);
	tap_ok(ul != NULL, "POLICY_SET carries ERCX_A_UNDERLAY");
	m = ul ? nest_types(ul, &ifi, &mark, &table) : 0;
	tap_ok(m == want && ifi == IF_UL && mark == 0x00330000 && table == 102,
	       "the underlay nest: ifname, ifindex, gateway4, gateway6, fwmark 0x00330000, table 102 (types 0x%llx)",
	       (unsigned long long)m);
	tap_ok(!(m & banned), "the underlay nest has no probe or peer");
	ifi = 0;
	m = nest_types(find(nlh, ERCX_A_PATH_VPN), &ifi, &mark, &table);
	tap_ok((m & (1ULL << ERCX_PATH_A_PEER4)) && (m & (1ULL << ERCX_PATH_A_PEER6)) &&
	       ifi == IF_VPN, "the VPN nest keeps its peers");
	free(buf);
	config_free(&c);

	/* Gateway only: ignored, not sent */
	parse_string(&c, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n"
		     "[Underlay]\nGateway = 198.51.100.1\n", "t.conf");
	nlh = encode(&c, &buf);
	tap_ok(c.nerr == 0 && !find(nlh, ERCX_A_UNDERLAY),
	       "[Underlay] without a Device: accepted, no ERCX_A_UNDERLAY sent");
	free(buf);
	config_free(&c);

	parse_string(&c, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n"
		     "[Underlay]\nDevice = eth9\n", "t.conf");
	c.underlay.ifindex = IF_UL;
	nlh = encode(&c, &buf);
	ul = find(nlh, ERCX_A_UNDERLAY);
	m = ul ? nest_types(ul, &ifi, &mark, &table) : 0;
	tap_ok(m == (1ULL << ERCX_PATH_A_IFNAME | 1ULL << ERCX_PATH_A_IFINDEX |
		     1ULL << ERCX_PATH_A_FWMARK | 1ULL << ERCX_PATH_A_TABLE) &&
	       mark == 0x00e30000 && table == 227,
	       "[Underlay] Device alone: default fwmark 0x00e30000, table 227, no gateways");
	free(buf);
	config_free(&c);
}

static void test_showconf_round_trip(void)
{
	char *buf, reply[8192] = { 0 }, *s1, *s2;
	struct config c, k, c2;
	struct nlmsghdr *nlh;
	bool loaded = false;

	parse_string(&c, conf, "t.conf");
	c.er.ifindex = IF_ER;
	c.vpn.ifindex = IF_VPN;
	c.underlay.ifindex = IF_UL;
	nlh = encode(&c, &buf);
	config_init(&k, "kernel");
	codec_parse_policy(kernel_reply(nlh, reply), &k, &loaded);
	tap_ok(loaded && k.generation == 7 && !strcmp(k.underlay.dev, "eth9") &&
	       k.underlay.gw.set4 && k.underlay.gw.set6 &&
	       k.underlay.fwmark == 0x00330000 && k.underlay.table == 102,
	       "POLICY_GET reply decoded: underlay eth9, both gateways, fwmark, table");
	s1 = config_text(&k);
	tap_ok(strstr(s1, "\n[Underlay]\nDevice = eth9\nGateway = 198.51.100.1\n"
		      "Gateway = 2001:db8:1::1\nFwMark = 0x00330000\nTable = 102\n") != NULL,
	       "showconf prints the [Underlay] section");
	if (!strstr(s1, "[Underlay]"))
		tap_diag("%s", s1);
	tap_ok(parse_string(&c2, s1, "t.conf") == 0 && !strcmp(c2.underlay.dev, c.underlay.dev) &&
	       !memcmp(&c2.underlay.gw.v4, &c.underlay.gw.v4, 4) &&
	       !memcmp(&c2.underlay.gw.v6, &c.underlay.gw.v6, 16) &&
	       c2.underlay.fwmark == c.underlay.fwmark && c2.underlay.table == c.underlay.table &&
	       c2.vpn.peer.set4 && c2.vpn.peer.set6,
	       "showconf output loads back to the same underlay");
	s2 = config_text(&c2);
	tap_ok(!strcmp(s1, s2), "showconf output is a fixed point");
	free(s1);
	free(s2);
	free(buf);
	config_free(&c);
	config_free(&k);
	config_free(&c2);

	/* No underlay in the kernel: no section */
	parse_string(&c, "[ExpressRoute]\nDevice = er0\n[VPN]\nDevice = vti0\n", "t.conf");
	nlh = encode(&c, &buf);
	memset(reply, 0, sizeof(reply));
	config_init(&k, "kernel");
	codec_parse_policy(kernel_reply(nlh, reply), &k, &loaded);
	s1 = config_text(&k);
	tap_ok(!strstr(s1, "[Underlay]"), "no underlay in the kernel: showconf prints no [Underlay]");
	free(s1);
	free(buf);
	config_free(&c);
	config_free(&k);
}

static char *event_output(bool json, const struct nlmsghdr *nlh, int *parsed)
{
	struct memout m;
	struct event e;
	char *out;

	json_init(json, false, memout_open(&m));
	*parsed = monitor_parse_event(nlh, FAMILY, &e);
	if (*parsed)
		monitor_print_event(&e);
	out = memout_close(&m);
	json_init(false, false, NULL);
	return out;
}

static void test_underlay_event(void)
{
	char buf[512] = { 0 }, *out;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	int parsed, ok;

	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = ERCX_CMD_EVENT;
	mnl_attr_put_u8(nlh, ERCX_A_EVENT, ERCX_EVENT_UNDERLAY);
	mnl_attr_put_u64(nlh, ERCX_A_TIMESTAMP_NS, 1795000000123000000ULL);
	mnl_attr_put_u64(nlh, ERCX_A_UNDERLAY_PACKETS, 4294967298ULL);

	out = event_output(true, nlh, &parsed);
	tap_ok(parsed && !strcmp(out, "{\"schema\":1,\"time\":\"2026-11-18T11:06:40.123Z\","
				 "\"time_ns\":1795000000123000000,\"event\":\"underlay\","
				 "\"packets\":4294967298}\n"),
	       "monitor -j: one compact object, \"event\":\"underlay\", u64 packets");
	if (!parsed || !strstr(out, "\"event\":\"underlay\""))
		tap_diag("%s", out);
	free(out);
	out = event_output(false, nlh, &parsed);
	ok = tap_ok(parsed && !strcmp(out, "[2026-11-18T11:06:40.123Z] underlay 4294967298 packets "
				 "to the VPN peer kept off ExpressRoute so far\n"),
	       "monitor: the underlay event as text");
	if (!ok)
		tap_diag("%s", out);
	free(out);

	g->cmd = ERCX_CMD_STATUS_GET;
	out = event_output(true, nlh, &parsed);
	tap_ok(!parsed && !*out, "a message that is not an event is ignored");
	free(out);
}

/* Replies read defensively: whole messages, fixed headers present */
static void test_msg_bounds(void)
{
	union {
		struct nlmsghdr h;
		char b[64];
	} u;
	struct nlmsghdr *nlh = &u.h;
	char *out;
	int parsed;

	memset(&u, 0, sizeof(u));
	nlh->nlmsg_len = NLMSG_HDRLEN;
	tap_ok(nl_msg_ok(nlh, NLMSG_HDRLEN), "a bare header fits its 16 bytes");
	tap_ok(!nl_msg_ok(nlh, NLMSG_HDRLEN - 1), "not in 15 bytes");
	nlh->nlmsg_len = NLMSG_HDRLEN - 1;
	tap_ok(!nl_msg_ok(nlh, 64), "nlmsg_len shorter than the header: refused");
	nlh->nlmsg_len = 65;
	tap_ok(!nl_msg_ok(nlh, 64), "nlmsg_len past what was received: refused");
	nlh->nlmsg_len = 0x80000010U;
	tap_ok(!nl_msg_ok(nlh, 64),
	       "nlmsg_len 2^31 + 16: refused (libmnl's mnl_nlmsg_ok says %s)",
	       mnl_nlmsg_ok(nlh, 64) ? "ok" : "not ok");

	nlh->nlmsg_len = NLMSG_LENGTH(20);
	tap_ok(nl_payload_ok(nlh, 20), "a 20-byte payload holds a 20-byte header");
	tap_ok(!nl_payload_ok(nlh, 21), "... but not a 21-byte one");
	nlh->nlmsg_len = 8;
	tap_ok(!nl_payload_ok(nlh, 0), "nlmsg_len under the header: no payload");

	/* an event shorter than its genl header is not an event */
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	nlh->nlmsg_type = FAMILY;
	((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd = ERCX_CMD_EVENT;
	out = event_output(false, nlh, &parsed);
	tap_ok(!parsed, "an event cut inside its genl header is ignored");
	free(out);
}

/* Prefix nests with VIA 0 (exclusions) and in all in @nlh */
static void count_prefixes(const struct nlmsghdr *nlh, int *excl, int *all)
{
	const struct nlattr *a, *b;

	*excl = *all = 0;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != ERCX_A_PREFIX)
			continue;
		(*all)++;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == ERCX_PFX_A_VIA &&
			    mnl_attr_get_u8(b) == ERCX_VIA_NONE)
				(*excl)++;
	}
}

/* Devices by name, Exclude lines and the host's exclusions, Transit */
static void test_names_exclusions(void)
{
	const struct nlattr *er, *a;
	struct cfg_prefix host;
	struct nlmsghdr *nlh;
	uint32_t ifi = 0, mark = 0, table = 0;
	const char *why;
	struct config c;
	int excl, all;
	char *buf;
	uint64_t m;

	tap_ok(parse_string(&c, "[ExpressRoute]\nDevice = er0\nGateway = 192.0.2.1\n"
			    "[VPN]\nDevice = vti0\n[Policy]\nTransit = yes\n"
			    "Prefix = 10.0.0.0/8 er vpn\nExclude = 10.1.2.0/24\n", "t.conf") == 0,
	       "Transit and Exclude parse");
	parse_prefix("10.1.0.0/24", &host, &why);
	c.excl = calloc(1, sizeof(*c.excl));
	c.excl[0] = host;
	c.nexcl = 1;
	c.vpn.ifindex = IF_VPN;	/* er0 does not exist: index 0 */
	nlh = encode(&c, &buf);
	er = find(nlh, ERCX_A_PATH_ER);
	m = er ? nest_types(er, &ifi, &mark, &table) : 0;
	tap_ok((m & (1ULL << ERCX_PATH_A_IFNAME)) && !(m & (1ULL << ERCX_PATH_A_IFINDEX)),
	       "a device that does not exist: by name only, no ifindex (types 0x%llx)",
	       (unsigned long long)m);
	m = nest_types(find(nlh, ERCX_A_PATH_VPN), &ifi, &mark, &table);
	tap_ok((m & (1ULL << ERCX_PATH_A_IFNAME)) && ifi == IF_VPN,
	       "a device that exists: by name and by its ifindex");
	a = find(nlh, ERCX_A_TRANSIT);
	tap_ok(a && mnl_attr_get_u8(a) == 1, "Transit = yes: ERCX_A_TRANSIT 1");
	count_prefixes(nlh, &excl, &all);
	tap_ok(excl == 2 && all == 3,
	       "the Exclude line and the host's exclusion go as VIA 0 (%d of %d)", excl, all);
	free(buf);

	c.transit = CFG_NO;
	c.er.ifindex = IF_ER;
	nlh = encode_flags(&c, &buf, CODEC_LEGACY);
	m = nest_types(find(nlh, ERCX_A_PATH_ER), &ifi, &mark, &table);
	count_prefixes(nlh, &excl, &all);
	tap_ok(!(m & (1ULL << ERCX_PATH_A_IFNAME)) && ifi == IF_ER &&
	       !find(nlh, ERCX_A_TRANSIT) && excl == 0 && all == 1,
	       "for a module that predates names: ifindex only, no Transit, no exclusions");
	free(buf);
	config_free(&c);
}

int main(void)
{
	test_msg_bounds();
	test_underlay_encoding();
	test_showconf_round_trip();
	test_underlay_event();
	test_names_exclusions();
	return tap_done();
}
