// SPDX-License-Identifier: GPL-2.0
/*
 * Coexistence rules (see rules.h).  Each rule is a small function that
 * reads the parsed config (and, for two of them, /proc and /sys) and adds
 * findings; a finding names its rule id, severity and the line of the key
 * that is wrong, and its message names the limit and the remedy.
 *
 * Sources: the Resource Manager guide ("RM", seeds/000) and the classic
 * guide ("classic", seeds/001) to ExpressRoute and Site-to-Site VPN
 * coexisting connections.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <linux/ercoexist.h>

#include "json.h"
#include "rules.h"

#define AZURE_VPN_ASN	65515U
#define GWSUBNET_MAXLEN	27

const struct rule_info rule_table[] = {
	{ "azure-gatewaysubnet-size", SEV_ERROR,
	  "GatewaySubnet is longer than /27 (RM, classic)" },
	{ "azure-gatewaysubnet-udr", SEV_ERROR,
	  "a UDR on the gateway subnet includes the gateway subnet's own range (RM)" },
	{ "azure-vpn-type", SEV_ERROR,
	  "the VPN gateway is policy-based, not route-based (RM, classic)" },
	{ "azure-vpn-sku-basic", SEV_ERROR,
	  "the VPN gateway uses the Basic SKU (RM, classic)" },
	{ "azure-er-sku-basic", SEV_ERROR,
	  "the ExpressRoute gateway uses the Basic SKU (classic; RM: the coexist configuration)" },
	{ "azure-vpn-sku-unlisted", SEV_WARNING,
	  "the VPN gateway SKU is not one the guide lists for coexistence (RM, classic)" },
	{ "azure-er-sku-unlisted", SEV_WARNING,
	  "the ExpressRoute gateway SKU is not one the classic guide lists" },
	{ "azure-asn", SEV_WARNING,
	  "the VPN gateway ASN is not the default 65515 (RM)" },
	{ "azure-transit-asn", SEV_ERROR,
	  "Transit = yes but the VPN gateway ASN is not 65515 (RM)" },
	{ "azure-transit-route-server", SEV_ERROR,
	  "Transit = yes without Azure Route Server (RM)" },
	{ "azure-classic-transit", SEV_ERROR,
	  "transit routing in the classic model" },
	{ "azure-classic-p2s", SEV_ERROR,
	  "point-to-site in the classic model" },
	{ "azure-classic-forced-tunneling", SEV_ERROR,
	  "forced tunneling on the S2S VPN gateway in the classic model" },
	{ "azure-vpn-underlay", SEV_WARNING,
	  "nothing keeps the VPN's own packets on the Internet: no [VPN] Peer or no [Underlay] Device (RM: with MicrosoftPeering = yes; classic)" },
	{ "underlay-no-device", SEV_WARNING,
	  "[Underlay] without a Device is ignored: the underlay guard drops instead of steering" },
	{ "prefix-vpn-more-specific", SEV_WARNING,
	  "a VPN-only prefix is more specific than a prefix ExpressRoute carries" },
	{ "vpn-mss-mtu", SEV_WARNING,
	  "the VPN MSS does not fit the tunnel device's MTU" },
	{ "rp-filter-strict", SEV_WARNING,
	  "strict reverse-path filtering (rp_filter = 1) on a path device" },
	{ "probe-not-via-er", SEV_WARNING,
	  "the ExpressRoute probe target is not routed via the ExpressRoute device (checked where that device exists)" },
	{ "address-unusable", SEV_ERROR,
	  "a Gateway, Probe or Peer is unspecified, loopback, multicast, broadcast or IPv4-mapped" },
	{ "path-no-gateway", SEV_ERROR,
	  "prefixes of a family go via ExpressRoute, which has no Gateway of that family" },
	{ "prefix-link-local", SEV_ERROR,
	  "a prefix inside link-local space (169.254.0.0/16, fe80::/10), which is never forwarded" },
	{ "path-address-steered", SEV_WARNING,
	  "a path's own Gateway, Probe or Peer is inside a prefix that can be steered to the other path" },
	{ "prefix-public-vpn", SEV_WARNING,
	  "a public prefix (Microsoft peering) may go via the VPN, which Azure does not fail over to" },
	{ "device-missing", SEV_WARNING,
	  "a path's Device does not exist on this host (yet): the path is down until it appears" },
	{ "prefix-covers-connected", SEV_WARNING,
	  "a prefix overlaps a subnet connected to the gateway's other devices (on-premises space)" },
};

const size_t rule_count = sizeof(rule_table) / sizeof(rule_table[0]);

const struct rule_info *rule_find(const char *id)
{
	size_t i;

	for (i = 0; i < rule_count; i++)
		if (!strcmp(rule_table[i].id, id))
			return &rule_table[i];
	return NULL;
}

const char *severity_name(enum rule_severity s)
{
	return s == SEV_ERROR ? "error" : "warning";
}

static void __attribute__((format(printf, 4, 5)))
add(struct findings *fs, const char *id, int line, const char *fmt, ...)
{
	const struct rule_info *r = rule_find(id);
	struct finding *v;
	char *msg = NULL;
	va_list ap;

	if (!r)
		abort();	/* a rule id missing from rule_table */
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		abort();
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;

		v = realloc(fs->v, cap * sizeof(*v));
		if (!v)
			abort();
		fs->v = v;
		fs->cap = cap;
	}
	fs->v[fs->n].rule = r;
	fs->v[fs->n].line = line;
	fs->v[fs->n].seq = (int)fs->n;
	fs->v[fs->n].msg = msg;
	fs->n++;
	if (r->severity == SEV_ERROR)
		fs->nerr++;
	else
		fs->nwarn++;
}

void findings_free(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->v[i].msg);
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

/* ------------------------------------------------------------------------ */
/* [Azure]                                                                   */

static bool is_classic(const struct cfg_azure *a)
{
	return a->deployment && !strcmp(a->deployment, "classic");
}

/* The first line that makes sense for a finding about the whole section. */
static int azure_line(const struct config *c)
{
	return c->azure.line ? c->azure.line : 1;
}

static void rule_gatewaysubnet_size(const struct config *c,
				    struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;
	char p[PREFIX_STRLEN];

	/* The guides state the limit for the IPv4 gateway subnet. */
	if (!a->has_subnet || a->subnet.family != AF_INET ||
	    a->subnet.plen <= GWSUBNET_MAXLEN)
		return;
	format_prefix(&a->subnet, p, sizeof(p));
	if (is_classic(a))
		add(fs, "azure-gatewaysubnet-size", a->subnet.line,
		    "GatewaySubnet %s is /%u: coexisting ExpressRoute and VPN gateways need a gateway subnet of /27 or shorter (/26, /25); "
		    "remedy, with downtime for the cross-premises connections: delete the existing gateway (Remove-AzureVNetGateway), "
		    "export the network configuration, make GatewaySubnet /27 or shorter (add address space if none is left), "
		    "upload it, then create the ExpressRoute gateway and the VPN gateway again",
		    p, a->subnet.plen);
	else
		add(fs, "azure-gatewaysubnet-size", a->subnet.line,
		    "GatewaySubnet %s is /%u: coexisting ExpressRoute and VPN gateways need a gateway subnet of /27 or shorter (/26, /25); "
		    "remedy, with downtime for the cross-premises connections: delete the existing gateway, "
		    "delete and recreate GatewaySubnet as /27 or shorter, recreate both the VPN and the ExpressRoute gateway, "
		    "and link the virtual network to the circuit again",
		    p, a->subnet.plen);
}

static void rule_gatewaysubnet_udr(const struct config *c,
				   struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;
	char u[PREFIX_STRLEN], s[PREFIX_STRLEN];
	size_t i;

	if (!a->has_subnet)
		return;
	format_prefix(&a->subnet, s, sizeof(s));
	for (i = 0; i < a->nudr; i++) {
		if (!prefix_overlap(&a->udr[i], &a->subnet))
			continue;
		format_prefix(&a->udr[i], u, sizeof(u));
		add(fs, "azure-gatewaysubnet-udr", a->udr[i].line,
		    "GatewaySubnetUdr %s includes the gateway subnet %s (line %d): a user-defined route on the gateway subnet "
		    "must not include a route for the gateway subnet's own range, it interferes with the BGP traffic between "
		    "the ExpressRoute and VPN gateways; remove that route from the route table associated with GatewaySubnet",
		    u, s, a->subnet.line);
	}
}

static void rule_vpn_type(const struct config *c, struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;

	if (!a->vpn_type || strcmp(a->vpn_type, "policy-based"))
		return;
	if (is_classic(a))
		add(fs, "azure-vpn-type", a->vpn_type_line,
		    "VpnType policy-based: only a route-based VPN gateway can coexist with ExpressRoute; "
		    "delete the VPN gateway and create it again with -GatewayType DynamicRouting");
	else
		add(fs, "azure-vpn-type", a->vpn_type_line,
		    "VpnType policy-based: only a route-based VPN gateway can coexist with ExpressRoute; "
		    "recreate the VPN gateway with VpnType RouteBased (a policy-based on-premises device can still connect "
		    "through a connection with 'policy-based traffic selectors')");
}

static const char *const rm_vpn_skus[] = {
	"VpnGw1", "VpnGw2", "VpnGw3", "Standard", "HighPerformance", NULL,
};
static const char *const classic_skus[] = {
	"Standard", "HighPerformance", "UltraPerformance", NULL,
};

static bool listed(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(v, *list))
			return true;
	return false;
}

static void rule_skus(const struct config *c, struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;
	bool classic = is_classic(a);
	const char *vpn_list = classic ? "Standard, HighPerformance or UltraPerformance" :
				       "VpnGw1, VpnGw2, VpnGw3, Standard or HighPerformance";

	if (a->vpn_sku && !strcasecmp(a->vpn_sku, "Basic"))
		add(fs, "azure-vpn-sku-basic", a->vpn_sku_line,
		    "VpnSku Basic: ExpressRoute and VPN gateway coexistence is not supported on the Basic SKU; "
		    "recreate the VPN gateway with %s", vpn_list);
	else if (a->vpn_sku && !listed(a->vpn_sku, classic ? classic_skus : rm_vpn_skus))
		add(fs, "azure-vpn-sku-unlisted", a->vpn_sku_line,
		    "VpnSku %s is not a SKU the %s guide lists for coexisting gateways (%s); "
		    "make sure it supports coexistence with ExpressRoute",
		    a->vpn_sku, classic ? "classic" : "Resource Manager", vpn_list);

	if (a->er_sku && !strcasecmp(a->er_sku, "Basic"))
		add(fs, "azure-er-sku-basic", a->er_sku_line,
		    "ErSku Basic: a Basic SKU gateway is not supported for coexisting connections, neither for the "
		    "ExpressRoute gateway nor for the VPN gateway; recreate the ExpressRoute gateway with a non-Basic SKU "
		    "(Standard, HighPerformance or UltraPerformance)");
	else if (a->er_sku && classic && !listed(a->er_sku, classic_skus))
		add(fs, "azure-er-sku-unlisted", a->er_sku_line,
		    "ErSku %s is not a SKU the classic guide uses for the ExpressRoute gateway "
		    "(Standard, HighPerformance or UltraPerformance)", a->er_sku);
}

static void rule_asn_transit(const struct config *c, struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;
	bool bad_asn = a->has_asn && a->asn != AZURE_VPN_ASN;

	if (is_classic(a)) {
		/* The classic guide has no BGP ASN rule; transit is refused. */
		if (a->transit == CFG_YES)
			add(fs, "azure-classic-transit", a->transit_line,
			    "Transit = yes: the classic deployment model does not support transit routing between the local "
			    "network on the Site-to-Site VPN and the one on ExpressRoute (a classic VNet cannot be a transit "
			    "router); set Transit = no, or move to Resource Manager and use Azure Route Server");
		return;
	}
	if (a->transit == CFG_YES) {
		if (bad_asn)
			add(fs, "azure-transit-asn", a->asn_line,
			    "Asn %u with Transit = yes (line %d): for transit routing between ExpressRoute and VPN the ASN "
			    "of the Azure VPN gateway must be 65515; set it to 65515, then reset the VPN gateway for the "
			    "setting to take effect", a->asn, a->transit_line);
		if (a->route_server != CFG_YES)
			add(fs, "azure-transit-route-server",
			    a->route_server_line ? a->route_server_line : a->transit_line,
			    "Transit = yes%s: transit routing between a local network on ExpressRoute and one on the "
			    "Site-to-Site VPN needs Azure Route Server; deploy Route Server in the virtual network and set "
			    "RouteServer = yes, or set Transit = no",
			    a->route_server == CFG_NO ? " with RouteServer = no" : " without RouteServer = yes");
	} else if (bad_asn) {
		add(fs, "azure-asn", a->asn_line,
		    "Asn %u: keep the Azure VPN gateway's ASN at its default 65515 so that it works together with the "
		    "ExpressRoute gateway (and transit routing stays possible); if you change it back to 65515, reset the "
		    "VPN gateway for the setting to take effect", a->asn);
	}
}

static void rule_classic(const struct config *c, struct findings *fs)
{
	const struct cfg_azure *a = &c->azure;

	if (!is_classic(a))
		return;
	if (a->p2s == CFG_YES)
		add(fs, "azure-classic-p2s", a->p2s_line,
		    "PointToSite = yes: in the classic model point-to-site VPN and ExpressRoute cannot coexist for the "
		    "same VNet; remove the point-to-site configuration (or move to Resource Manager, where it can be added "
		    "to the coexisting gateways)");
	if (a->forced_tunneling == CFG_YES)
		add(fs, "azure-classic-forced-tunneling", a->forced_tunneling_line,
		    "ForcedTunneling = yes: in the classic model forced tunneling cannot be enabled on the Site-to-Site "
		    "VPN gateway; disable it there (Internet-bound traffic can be forced back on-premises only via "
		    "ExpressRoute)");
}

static void rule_underlay(const struct config *c, struct findings *fs)
{
	bool peer = c->vpn.peer.set4 || c->vpn.peer.set6;
	const char *why;
	int line;

	if (peer && c->underlay.dev[0])
		return;
	/*
	 * The Resource Manager guide asks for it only when Microsoft peering
	 * can teach the VPN gateway's public IP over ExpressRoute; the classic
	 * guide for every coexisting setup.
	 */
	if (!is_classic(&c->azure) && c->azure.ms_peering != CFG_YES)
		return;
	if (!peer) {
		why = "[VPN] Peer is not set";
		line = c->section_line[1] ? c->section_line[1] : azure_line(c);
	} else {
		why = "[Underlay] Device is not set";
		line = c->section_line[2] ? c->section_line[2] :
		       c->vpn.peer.line4 ? c->vpn.peer.line4 : c->vpn.peer.line6;
	}
	if (is_classic(&c->azure))
		add(fs, "azure-vpn-underlay", line,
		    "%s: the classic guide requires a static route in the local network that sends the Site-to-Site "
		    "VPN connection to the public Internet; set [VPN] Peer (the Azure VPN gateway's public IP) and "
		    "[Underlay] Device and Gateway so that ercoexist keeps the VPN's packets off ExpressRoute", why);
	else
		add(fs, "azure-vpn-underlay", line,
		    "%s: with ExpressRoute Microsoft peering (MicrosoftPeering = yes, line %d) the Azure VPN gateway's "
		    "public IP can be learned over ExpressRoute, and the backup VPN then fails with it; the guide says to "
		    "route the VPN connection to the Internet: set [VPN] Peer and [Underlay] Device and Gateway so that "
		    "ercoexist keeps the VPN's packets off ExpressRoute", why, c->azure.ms_peering_line);
}

/*
 * [Underlay] is sent to the kernel only with a Device.  A section without
 * one (say, only a Gateway) is accepted, so that a file stays loadable, but
 * it changes nothing: without an uplink the guard drops packets to the VPN
 * peer that would leave by ER instead of steering them.  Say so.
 */
static void rule_underlay_no_device(const struct config *c, struct findings *fs)
{
	if (!c->section_line[2] || c->underlay.dev_line)
		return;
	add(fs, "underlay-no-device", c->section_line[2],
	    "[Underlay] has no Device, so the section is ignored: the underlay guard drops packets to the VPN peer "
	    "that would leave by ExpressRoute instead of steering them to the Internet uplink; set Device (and "
	    "Gateway) to the uplink, or remove the section");
}

/* ------------------------------------------------------------------------ */
/* Policy                                                                    */

static int cmp_pfx(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/*
 * For each VPN-only prefix, the longest ER-carried prefix that contains it.
 * Only the prefix lengths ER actually uses are probed, so the cost is
 * O(n log n * distinct lengths), fine for the 100,000 prefixes the module
 * takes.
 */
static void rule_vpn_more_specific(const struct config *c,
				   struct findings *fs)
{
	bool lens[2][129] = { { false } };
	struct cfg_prefix *er;
	size_t i, ner = 0;

	er = malloc((c->npfx ? c->npfx : 1) * sizeof(*er));
	if (!er)
		abort();
	for (i = 0; i < c->npfx; i++) {
		if (!(c->pfx[i].via & ERCX_VIA_ER))
			continue;
		er[ner] = c->pfx[i];
		lens[c->pfx[i].family == AF_INET6][c->pfx[i].plen] = true;
		ner++;
	}
	if (ner)
		qsort(er, ner, sizeof(*er), cmp_pfx);
	for (i = 0; i < c->npfx && ner; i++) {
		const struct cfg_prefix *p = &c->pfx[i];
		const struct cfg_prefix *hit = NULL;
		char a[PREFIX_STRLEN], b[PREFIX_STRLEN];
		int l;

		if (p->via != ERCX_VIA_VPN)
			continue;
		for (l = (int)p->plen - 1; l >= 0 && !hit; l--) {
			struct cfg_prefix key = *p;

			if (!lens[p->family == AF_INET6][l])
				continue;
			prefix_mask(&key, (unsigned int)l);
			hit = bsearch(&key, er, ner, sizeof(*er), cmp_pfx);
		}
		if (!hit)
			continue;
		format_prefix(p, a, sizeof(a));
		format_prefix(hit, b, sizeof(b));
		add(fs, "prefix-vpn-more-specific", p->line,
		    "VPN-only prefix %s is more specific than %s (line %d), which ExpressRoute carries: longest prefix "
		    "match sends %s over the VPN even while ExpressRoute is up (Azure decides the same way); if that is "
		    "not intended, add 'er' to this line or remove it",
		    a, b, hit->line, a);
	}
	free(er);
}

/* ------------------------------------------------------------------------ */
/* Addresses: what the paths send to and what the policy steers              */

static const char *const fam_name[2] = { "IPv4", "IPv6" };

/* One address of the file: [Section] Key, its family and line */
struct addr_ref {
	const char *sec, *key;
	int family;
	const void *a;
	int line;
	int path;	/* ERCX_VIA_ER or ERCX_VIA_VPN: whose address; 0: [Underlay] */
};

/* The Gateway, Probe and Peer lines of the file, in section order. */
static size_t collect_addrs(const struct config *c, struct addr_ref *v)
{
	static const char *const keys[3] = { "Gateway", "Probe", "Peer" };
	const struct cfg_path *paths[3] = { &c->er, &c->vpn, &c->underlay };
	static const char *const secs[3] = { "ExpressRoute", "VPN", "Underlay" };
	static const int via[3] = { ERCX_VIA_ER, ERCX_VIA_VPN, 0 };
	size_t n = 0;
	int i, k;

	for (i = 0; i < 3; i++) {
		const struct cfg_ip *ips[3] = {
			&paths[i]->gw, &paths[i]->probe, &paths[i]->peer,
		};

		for (k = 0; k < 3; k++) {
			struct addr_ref r = { secs[i], keys[k], 0, NULL, 0, via[i] };

			if (ips[k]->set4) {
				r.family = AF_INET;
				r.a = &ips[k]->v4;
				r.line = ips[k]->line4;
				v[n++] = r;
			}
			if (ips[k]->set6) {
				r.family = AF_INET6;
				r.a = &ips[k]->v6;
				r.line = ips[k]->line6;
				v[n++] = r;
			}
		}
	}
	return n;
}

/* Why the kernel cannot send to @a as a next hop or probe target, or NULL */
static const char *addr_unusable(int family, const void *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t zero[16];
	const uint8_t *b = a;

	if (family == AF_INET) {
		if (!memcmp(b, zero, 4))
			return "the unspecified address";
		if (b[0] == 127)
			return "a loopback address";
		if ((b[0] & 0xf0) == 0xe0)
			return "a multicast address";
		if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
			return "the broadcast address";
		return NULL;
	}
	if (!memcmp(b, zero, 16))
		return "the unspecified address";
	if (!memcmp(b, zero, 15) && b[15] == 1)
		return "the loopback address";
	if (b[0] == 0xff)
		return "a multicast address";
	if (!memcmp(b, mapped, 12))
		return "an IPv4-mapped address (write the IPv4 address on a line of its own)";
	return NULL;
}

static void rule_address_unusable(const struct config *c, struct findings *fs)
{
	struct addr_ref v[18];
	char a[INET6_ADDRSTRLEN];
	size_t n = collect_addrs(c, v), i;

	for (i = 0; i < n; i++) {
		const char *why = addr_unusable(v[i].family, v[i].a);

		if (!why)
			continue;
		inet_ntop(v[i].family, v[i].a, a, sizeof(a));
		add(fs, "address-unusable", v[i].line,
		    "[%s] %s %s is %s: no packet can be routed to it, so the path cannot %s; "
		    "use the unicast address of the %s",
		    v[i].sec, v[i].key, a, why,
		    !strcmp(v[i].key, "Probe") ? "be probed" :
		    !strcmp(v[i].key, "Peer") ? "keep the VPN's own packets on the Internet" :
		    "forward through it",
		    !strcmp(v[i].key, "Peer") ? "Azure VPN gateway (its public IP)" :
		    !strcmp(v[i].key, "Probe") ? "far end of the path" : "next-hop router on the link");
	}
}

/*
 * rtnl.c installs the ER table's default route "via Gateway" of each
 * family, and none for a family without one (the VPN gets a device route,
 * a tunnel is point to point).  Prefixes of that family marked for ER then
 * find an empty table and go wherever the main table says.
 */
static void rule_path_no_gateway(const struct config *c, struct findings *fs)
{
	const struct cfg_path *er = &c->er;
	size_t count[2] = { 0, 0 }, i;
	int first[2] = { 0, 0 }, k;
	char p[2][PREFIX_STRLEN];

	for (i = 0; i < c->npfx; i++) {
		k = c->pfx[i].family == AF_INET6;
		if (!(c->pfx[i].via & ERCX_VIA_ER))
			continue;
		if (!count[k]++) {
			first[k] = c->pfx[i].line;
			format_prefix(&c->pfx[i], p[k], sizeof(p[k]));
		}
	}
	for (k = 0; k < 2; k++) {
		bool gw = k ? er->gw.set6 : er->gw.set4;

		if (!count[k] || gw)
			continue;
		add(fs, "path-no-gateway",
		    c->section_line[0] ? c->section_line[0] : er->dev_line,
		    "[ExpressRoute] has no %s Gateway, but %zu %s prefix%s go%s via er (the first: %s, line %d): "
		    "the ExpressRoute table gets a default route only via a Gateway of its family, so these packets "
		    "find no route there and are not steered; add a 'Gateway =' line with the %s address of the ER "
		    "edge router on %s",
		    fam_name[k], count[k], fam_name[k], count[k] == 1 ? "" : "es",
		    count[k] == 1 ? "es" : "", p[k], first[k], fam_name[k],
		    er->dev[0] ? er->dev : "the ER link");
	}
}

static struct cfg_prefix must_prefix(const char *s)
{
	struct cfg_prefix p;
	const char *why;

	if (parse_prefix(s, &p, &why))
		abort();	/* a constant of this file */
	return p;
}

static void rule_prefix_link_local(const struct config *c,
				   struct findings *fs)
{
	struct cfg_prefix ll[2] = {
		must_prefix("169.254.0.0/16"), must_prefix("fe80::/10"),
	};
	char p[PREFIX_STRLEN], l[PREFIX_STRLEN];
	size_t i;
	int k;

	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *x = &c->pfx[i];

		k = x->family == AF_INET6;
		if (!x->via || x->plen < ll[k].plen || !prefix_overlap(x, &ll[k]))
			continue;
		add(fs, "prefix-link-local", x->line,
		    "prefix %s is link-local (inside %s): such addresses are reachable only on their own link and a "
		    "router never forwards packets to them, so no path can carry it; remove the line (a tunnel's "
		    "link-local peer, such as Azure's 169.254.21.x BGP address, needs no prefix: it is on the tunnel)",
		    format_prefix(x, p, sizeof(p)), format_prefix(&ll[k], l, sizeof(l)));
	}
}

/* The longest prefix holding @a whose paths include @via, or NULL */
static const struct cfg_prefix *steered_by(const struct config *c, int family,
					   const void *a, uint8_t via)
{
	const struct cfg_prefix *best = NULL;
	struct cfg_prefix host = { .family = (uint8_t)family };
	size_t i;

	memcpy(host.addr, a, family == AF_INET ? 4 : 16);
	host.plen = family == AF_INET ? 32 : 128;
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *x = &c->pfx[i];

		if (!(x->via & via) || !prefix_overlap(x, &host))
			continue;
		if (!best || x->plen > best->plen)
			best = x;
	}
	return best;
}

/*
 * The sessions a path lives on (the ER BGP session with the edge router,
 * the VPN's BGP session inside the tunnel, IKE and ESP to the peer) are
 * sent by the host without a path mark, so the policy steers them like any
 * other packet.  An ER address inside a prefix that can go via the VPN ends
 * up in the tunnel when ER fails (and the ER session then never recovers),
 * a VPN address inside one that goes via ER leaves the tunnel while ER is
 * up, and a Peer inside a VPN prefix would be sent into its own tunnel.
 * The kernel's probes are not affected (they carry the path's mark), but
 * anything else the host sends to the target is.
 */
static void rule_path_address_steered(const struct config *c,
				      struct findings *fs)
{
	struct addr_ref v[18];
	char a[INET6_ADDRSTRLEN], p[PREFIX_STRLEN];
	size_t n = collect_addrs(c, v), i;

	for (i = 0; i < n; i++) {
		const struct cfg_prefix *hit;
		bool peer = !strcmp(v[i].key, "Peer");
		uint8_t other;

		if (!v[i].path)
			continue;	/* [Underlay] Gateway: the guard's own route */
		other = peer ? ERCX_VIA_VPN :
			v[i].path == ERCX_VIA_ER ? ERCX_VIA_VPN : ERCX_VIA_ER;
		hit = steered_by(c, v[i].family, v[i].a, other);
		if (!hit)
			continue;
		inet_ntop(v[i].family, v[i].a, a, sizeof(a));
		format_prefix(hit, p, sizeof(p));
		if (peer)
			add(fs, "path-address-steered", v[i].line,
			    "[VPN] Peer %s is inside prefix %s (line %d), which goes via vpn: the tunnel's own IKE and "
			    "ESP packets would be sent into the tunnel itself; remove the Peer's range from that prefix "
			    "(split it) or take vpn off it",
			    a, p, hit->line);
		else
			add(fs, "path-address-steered", v[i].line,
			    "[%s] %s %s is inside prefix %s (line %d), which can be steered to the %s: the host's own "
			    "packets to it, the %s BGP session among them, would then leave by the other path%s; split "
			    "the prefix so that %s stays out of it, or take %s off it",
			    v[i].sec, v[i].key, a, p, hit->line,
			    other == ERCX_VIA_VPN ? "VPN" : "ExpressRoute path",
			    v[i].path == ERCX_VIA_ER ? "ExpressRoute" : "VPN",
			    other == ERCX_VIA_VPN ?
			    " (a failover pushes the ER BGP session into the tunnel and it does not come back)" :
			    " (while ExpressRoute is up the VPN's session leaves the tunnel)",
			    a, other == ERCX_VIA_VPN ? "vpn" : "er");
	}
}

/*
 * Globally reachable unicast space: IPv4 outside the special-purpose
 * ranges of RFC 6890 that are not globally reachable (private, shared,
 * loopback, link-local, documentation, benchmarking, multicast, reserved),
 * IPv6 inside 2000::/3 outside the documentation and IETF protocol ranges.
 * A prefix is public when it overlaps none of them: a summary such as
 * 0.0.0.0/0 that also covers private space is not.
 */
static bool prefix_public(const struct cfg_prefix *x)
{
	static const char *const v4[] = {
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
		"169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
		"192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/3",
	};
	static const char *const v6[] = { "2001::/23", "2001:db8::/32" };
	struct cfg_prefix g;
	size_t i;

	if (x->family == AF_INET) {
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
			g = must_prefix(v4[i]);
			if (prefix_overlap(x, &g))
				return false;
		}
		return true;
	}
	g = must_prefix("2000::/3");
	if (x->plen < g.plen || !prefix_overlap(x, &g))
		return false;
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		g = must_prefix(v6[i]);
		if (prefix_overlap(x, &g))
			return false;
	}
	return true;
}

static void rule_prefix_public_vpn(const struct config *c, struct findings *fs)
{
	char p[PREFIX_STRLEN];
	size_t i;

	/* The file says no Microsoft peering: public space is a VNet's own */
	if (c->azure.ms_peering == CFG_NO)
		return;
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *x = &c->pfx[i];

		if (!(x->via & ERCX_VIA_VPN) || !prefix_public(x))
			continue;
		add(fs, "prefix-public-vpn", x->line,
		    "prefix %s is public address space and goes via vpn: services reached through ExpressRoute "
		    "Microsoft peering have no VPN failover (the VPN gateway carries only the virtual network's "
		    "private peering space), so Azure drops what goes into the tunnel; take vpn off this line, or, "
		    "if it is a virtual network's own public address space, set [Azure] MicrosoftPeering = no",
		    format_prefix(x, p, sizeof(p)));
	}
}

/* ------------------------------------------------------------------------ */
/* Host                                                                      */

static const char *procfs_root(void)
{
	const char *r = getenv(ERCX_PROCFS_ROOT_ENV);

	return r ? r : "";
}

/* Read one integer from ROOT/@rel (printf-style).  0 or -1. */
static int __attribute__((format(printf, 2, 3)))
read_int(long *out, const char *fmt, ...)
{
	char *rel = NULL, *path = NULL;
	va_list ap;
	FILE *f;
	int ret = -1;

	va_start(ap, fmt);
	if (vasprintf(&rel, fmt, ap) < 0)
		rel = NULL;
	va_end(ap);
	if (!rel || asprintf(&path, "%s%s", procfs_root(), rel) < 0)
		path = NULL;
	free(rel);
	if (!path)
		abort();
	f = fopen(path, "re");
	free(path);
	if (!f)
		return -1;
	if (fscanf(f, "%ld", out) == 1)
		ret = 0;
	fclose(f);
	return ret;
}

static void rule_mss_mtu(const struct config *c, struct findings *fs)
{
	long mtu;
	int line;

	if (!c->vpn.dev[0] ||
	    read_int(&mtu, "/sys/class/net/%s/mtu", c->vpn.dev) || mtu <= 0)
		return;		/* no such device here: nothing to compare */
	if ((long)c->mss > mtu - 40) {
		line = c->mss_line ? c->mss_line : c->vpn.dev_line;
		add(fs, "vpn-mss-mtu", line,
		    "MSS %u%s is larger than the MTU %ld of %s allows for IPv4 (MTU - 40 = %ld): full-size segments "
		    "opened through the tunnel will be fragmented or dropped; set MSS = %ld or less (Azure's guidance "
		    "for VPN devices: MSS 1350 with a tunnel MTU of 1400)",
		    c->mss, c->mss_line ? "" : " (default)", mtu, c->vpn.dev,
		    mtu - 40, mtu - 40);
	}
	if (c->mss6_line && (long)c->mss6 > mtu - 60)
		add(fs, "vpn-mss-mtu", c->mss6_line,
		    "MSS6 %u is larger than the MTU %ld of %s allows for IPv6 (MTU - 60 = %ld): full-size segments "
		    "will be dropped; set MSS6 = %ld or less",
		    c->mss6, mtu, c->vpn.dev, mtu - 60, mtu - 60);
}

/* sysctl(8) writes a '.' in a device name as '/'. */
static void sysctl_dev(const char *dev, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", dev);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '.')
			buf[i] = '/';
}

int (*rules_route_dev)(int family, const void *addr, char *dev, size_t len);

/* ROOT/@name, a file of the tests' fake host; NULL when there is none */
static FILE *procfs_open(const char *name)
{
	char *path = NULL;
	FILE *f;

	if (asprintf(&path, "%s/%s", procfs_root(), name) < 0)
		abort();
	f = fopen(path, "re");
	free(path);
	return f;
}

/*
 * The device the host routes @addr by: the kernel's answer (through
 * rules_route_dev), or with $ERCX_PROCFS_ROOT set, the line "ADDR DEV" of
 * ROOT/routes.  0 with @dev set, or -1 when unknown (then the rule is
 * silent).
 */
static int route_dev(int family, const void *addr, char *dev, size_t len)
{
	const char *root = procfs_root();
	char a[INET6_ADDRSTRLEN + 1], d[IF_NAMESIZE + 1];
	unsigned char buf[16];
	int ret = -1;
	FILE *f;

	if (!root[0])
		return rules_route_dev ? rules_route_dev(family, addr, dev, len) : -1;
	f = procfs_open("routes");
	if (!f)
		return -1;
	while (ret && fscanf(f, "%46s %16s", a, d) == 2)
		if (inet_pton(family, a, buf) == 1 &&
		    !memcmp(buf, addr, family == AF_INET ? 4 : 16)) {
			snprintf(dev, len, "%s", d);
			ret = 0;
		}
	fclose(f);
	return ret;
}

/*
 * Does the device exist here?  The kernel's answer (in this network
 * namespace, which /sys may not show), or with $ERCX_PROCFS_ROOT set,
 * ROOT/sys/class/net/DEV.
 */
static bool dev_exists(const char *dev)
{
	char *path = NULL;
	struct stat st;
	bool ret;

	if (!procfs_root()[0])
		return if_nametoindex(dev) != 0;
	if (asprintf(&path, "%s/sys/class/net/%s", procfs_root(), dev) < 0)
		abort();
	ret = !stat(path, &st);
	free(path);
	return ret;
}

int (*rules_host_addrs)(struct host_addr **v, size_t *n);

/*
 * The host's addresses: the kernel's (through rules_host_addrs), or with
 * $ERCX_PROCFS_ROOT set, the lines "DEV ADDR/PLEN" of ROOT/addrs.  0 with
 * a malloc'ed array (free it), or -1 when unknown (the rules are silent).
 */
static int host_addrs(struct host_addr **v, size_t *n)
{
	char d[IF_NAMESIZE + 1], a[INET6_ADDRSTRLEN + 8];
	const char *root = procfs_root(), *why;
	struct host_addr h;
	size_t cap = 0;
	FILE *f;

	*v = NULL;
	*n = 0;
	if (!root[0])
		return rules_host_addrs ? rules_host_addrs(v, n) : -1;
	f = procfs_open("addrs");
	if (!f)
		return -1;
	while (fscanf(f, "%15s %53s", d, a) == 2) {
		char *slash = strchr(a, '/');
		uint8_t plen;

		if (!slash)
			continue;
		memset(&h, 0, sizeof(h));
		snprintf(h.dev, sizeof(h.dev), "%.*s", IF_NAMESIZE - 1, d);
		plen = (uint8_t)atoi(slash + 1);
		snprintf(slash, 5, "/%u", strchr(a, ':') ? 128 : 32);
		if (parse_prefix(a, &h.local, &why))
			continue;
		host_addr_set_net(&h, plen);
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = realloc(*v, cap * sizeof(**v));
			if (!*v)
				abort();
		}
		(*v)[(*n)++] = h;
	}
	fclose(f);
	return 0;
}

void host_addr_set_net(struct host_addr *h, uint8_t plen)
{
	h->net = h->local;
	prefix_mask(&h->net, plen);
}

static bool is_loopback(const struct cfg_prefix *p)
{
	return p->family == AF_INET ? p->addr[0] == 127 :
	       IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)p->addr);
}

/* The subnet of @h, when it is connected to a device that is not a path's */
static bool other_subnet(const struct config *c, const struct host_addr *h)
{
	return !is_loopback(&h->net) && strcmp(h->dev, c->er.dev) &&
	       strcmp(h->dev, c->vpn.dev) &&
	       h->net.plen < (h->net.family == AF_INET ? 32 : 128);
}

/* A path Device that does not exist here, where the file is meant for it */
static void rule_device_missing(const struct config *c, struct findings *fs)
{
	const struct cfg_path *p[3] = { &c->er, &c->vpn, &c->underlay };
	static const char *const sec[3] = { "ExpressRoute", "VPN", "Underlay" };
	int i;

	/*
	 * `load` and the daemon resolve the devices: the file is for this
	 * host.  `check` may be looking at a file for another host (a
	 * laptop has no er0): it warns only when a path device exists here.
	 */
	if (!c->resolved && !(c->er.dev[0] && dev_exists(c->er.dev)) &&
	    !(c->vpn.dev[0] && dev_exists(c->vpn.dev)))
		return;
	for (i = 0; i < 3; i++)
		if (p[i]->dev[0] &&
		    (c->resolved ? !p[i]->ifindex : !dev_exists(p[i]->dev)))
			add(fs, "device-missing", p[i]->dev_line,
			    "[%s] Device %s does not exist (yet): the path is down (no-device) and the kernel binds it "
			    "when a device of that name appears; `ercoexistctl daemon` then installs its routes",
			    sec[i], p[i]->dev);
}

static void rule_prefix_connected(const struct config *c, struct findings *fs)
{
	char x[PREFIX_STRLEN], y[PREFIX_STRLEN];
	struct host_addr *h;
	size_t i, k, n;

	if (host_addrs(&h, &n))
		return;
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *p = &c->pfx[i];

		for (k = 0; p->via && k < n; k++) {
			if (!other_subnet(c, &h[k]) || !prefix_overlap(p, &h[k].net))
				continue;
			format_prefix(p, x, sizeof(x));
			format_prefix(&h[k].net, y, sizeof(y));
			if (p->plen < h[k].net.plen)
				add(fs, "prefix-covers-connected", p->line,
				    "prefix %s covers %s, connected to %s (on-premises space): ercoexist excludes that subnet "
				    "while it is connected, so it is never steered; narrow the prefix to Azure's address space, "
				    "or add 'Exclude = %s' to keep it excluded whatever the interfaces",
				    x, y, h[k].dev, y);
			else
				add(fs, "prefix-covers-connected", p->line,
				    "prefix %s is inside %s, connected to %s: packets for hosts on that link would be steered "
				    "out of a path instead of delivered; remove the line",
				    x, y, h[k].dev);
			break;
		}
	}
	free(h);
}

/* an exclusion candidate: kept when a steerable prefix strictly covers it */
static void excl_push(struct config *c, const struct cfg_prefix *x, size_t *cap)
{
	bool covered = false;
	size_t i;

	for (i = 0; i < c->npfx; i++) {
		if (!prefix_cmp(&c->pfx[i], x) ||
		    (!c->pfx[i].via && prefix_covers(&c->pfx[i], x)))
			return;		/* the file says it itself: it wins */
		if (c->pfx[i].via && c->pfx[i].plen < x->plen &&
		    prefix_covers(&c->pfx[i], x))
			covered = true;
	}
	for (i = 0; covered && i < c->nexcl; i++)
		if (prefix_covers(&c->excl[i], x))
			return;
	if (!covered)
		return;
	if (c->nexcl == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		c->excl = realloc(c->excl, *cap * sizeof(*c->excl));
		if (!c->excl)
			abort();
	}
	c->excl[c->nexcl] = *x;
	c->excl[c->nexcl].via = ERCX_VIA_NONE;
	c->excl[c->nexcl].line = 0;
	c->nexcl++;
}

static int cmp_plen(const void *a, const void *b)
{
	const struct cfg_prefix *x = a, *y = b;

	return x->plen != y->plen ? (int)x->plen - (int)y->plen :
	       prefix_cmp(x, y);
}

void host_exclusions(struct config *c, const struct host_addr *h, size_t n)
{
	struct cfg_prefix *cand = calloc(2 * n + 1, sizeof(*cand));
	size_t i, m = 0, cap = 0;

	if (!cand)
		abort();
	free(c->excl);
	c->excl = NULL;
	c->nexcl = 0;
	for (i = 0; i < n; i++) {
		if (other_subnet(c, &h[i]))
			cand[m++] = h[i].net;
		if (!is_loopback(&h[i].local))
			cand[m++] = h[i].local;
	}
	/* shortest first: an address inside an excluded subnet is dropped */
	qsort(cand, m, sizeof(*cand), cmp_plen);
	for (i = 0; i < m; i++)
		if (!i || prefix_cmp(&cand[i], &cand[i - 1]))
			excl_push(c, &cand[i], &cap);
	free(cand);
}

int host_exclusions_update(struct config *c)
{
	struct host_addr *h;
	size_t n;

	if (host_addrs(&h, &n))
		return -1;
	host_exclusions(c, h, n);
	free(h);
	return 0;
}

static void rule_probe_target(const struct config *c, int family,
			      const void *addr, int line, bool is_gw,
			      struct findings *fs)
{
	char dev[IF_NAMESIZE + 1] = "", a[INET6_ADDRSTRLEN];

	if (route_dev(family, addr, dev, sizeof(dev)) || !dev[0] ||
	    !strcmp(dev, c->er.dev))
		return;
	inet_ntop(family, addr, a, sizeof(a));
	add(fs, "probe-not-via-er", line,
	    "the ExpressRoute probe target %s%s is routed via %s, not via the ExpressRoute device %s: the probes leave "
	    "by %s but their answers, and what they prove, belong to another path; probe an address on the ER link "
	    "(the ER edge router's) or route the target via %s",
	    a, is_gw ? " (the Gateway, by default)" : "", dev, c->er.dev,
	    c->er.dev, c->er.dev);
}

/* Probes on: each family's target (Probe, else Gateway) routed via ER */
static void rule_probe_via_er(const struct config *c, struct findings *fs)
{
	const struct cfg_path *er = &c->er;

	/*
	 * Where the ER device does not exist (the file is meant for another
	 * host, or checked on a laptop) the host's routes say nothing about
	 * the gateway's.
	 */
	if (!er->dev[0] || !er->probe_interval_ms || !dev_exists(er->dev))
		return;
	if (er->probe.set4)
		rule_probe_target(c, AF_INET, &er->probe.v4, er->probe.line4,
				  false, fs);
	else if (er->gw.set4)
		rule_probe_target(c, AF_INET, &er->gw.v4, er->gw.line4,
				  true, fs);
	if (er->probe.set6)
		rule_probe_target(c, AF_INET6, &er->probe.v6, er->probe.line6,
				  false, fs);
	else if (er->gw.set6)
		rule_probe_target(c, AF_INET6, &er->gw.v6, er->gw.line6,
				  true, fs);
}

static void rule_rp_filter_dev(const struct cfg_path *p, const char *sec,
			       struct findings *fs)
{
	char name[IF_NAMESIZE + 1];
	long all = 0, dev;

	if (!p->dev[0] ||
	    read_int(&dev, "/proc/sys/net/ipv4/conf/%s/rp_filter", p->dev))
		return;		/* no such device here */
	if (read_int(&all, "/proc/sys/net/ipv4/conf/all/rp_filter"))
		all = 0;
	if ((all > dev ? all : dev) != 1)
		return;
	sysctl_dev(p->dev, name, sizeof(name));
	add(fs, "rp-filter-strict", p->dev_line,
	    "strict reverse-path filtering on the %s device %s (rp_filter: all = %ld, %s = %ld; the kernel uses the "
	    "larger): replies that come back by the other path, after a failover or for asymmetric flows, are dropped; "
	    "use loose mode: sysctl -w%s%s%s%s",
	    sec, p->dev, all, p->dev, dev,
	    all == 1 ? " net.ipv4.conf.all.rp_filter=2" : "",
	    dev == 1 ? " net.ipv4.conf." : "", dev == 1 ? name : "",
	    dev == 1 ? ".rp_filter=2" : "");
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->line != y->line)
		return x->line - y->line;
	return x->seq - y->seq;
}

void rules_check(const struct config *c, struct findings *fs)
{
	if (c->azure.present) {
		rule_gatewaysubnet_size(c, fs);
		rule_gatewaysubnet_udr(c, fs);
		rule_vpn_type(c, fs);
		rule_skus(c, fs);
		rule_asn_transit(c, fs);
		rule_classic(c, fs);
		rule_underlay(c, fs);
	}
	rule_underlay_no_device(c, fs);
	rule_address_unusable(c, fs);
	rule_path_no_gateway(c, fs);
	rule_prefix_link_local(c, fs);
	rule_path_address_steered(c, fs);
	rule_prefix_public_vpn(c, fs);
	rule_vpn_more_specific(c, fs);
	rule_mss_mtu(c, fs);
	rule_rp_filter_dev(&c->er, "ExpressRoute", fs);
	rule_rp_filter_dev(&c->vpn, "VPN", fs);
	rule_probe_via_er(c, fs);
	rule_device_missing(c, fs);
	rule_prefix_connected(c, fs);
	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_finding);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

void findings_print(const struct config *c, const struct findings *fs,
		    FILE *f)
{
	const char *name = config_shown_name(c->name);
	size_t i;

	for (i = 0; i < fs->n; i++)
		fprintf(f, "%s:%d: %s[%s]: %s\n", name, fs->v[i].line,
			severity_name(fs->v[i].rule->severity),
			fs->v[i].rule->id, fs->v[i].msg);
}

void findings_print_json(const struct findings *fs)
{
	size_t i;

	open_json_array("findings");
	for (i = 0; i < fs->n; i++) {
		open_json_object(NULL);
		print_string(PRINT_JSON, "rule", NULL, fs->v[i].rule->id);
		print_string(PRINT_JSON, "severity", NULL,
			     severity_name(fs->v[i].rule->severity));
		print_int(PRINT_JSON, "line", NULL, fs->v[i].line);
		print_string(PRINT_JSON, "message", NULL, fs->v[i].msg);
		close_json_object();
	}
	close_json_array();
}
