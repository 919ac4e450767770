// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist.conf parser, validator and printer.
 *
 * Format (ercoexist.conf(5)): "[Section]" headers, "Key = Value" lines,
 * "#" starts a comment anywhere on a line.  Section and key names and the
 * enumerated values are case insensitive.  Durations need a unit (ms, s, m,
 * h); only "0" may be written bare.  Every problem is reported as
 * "FILE:LINE: message" and the parser goes on, so one run shows them all.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <linux/ercoexist.h>

#include "config.h"

enum { SEC_NONE = -1, SEC_ER, SEC_VPN, SEC_UNDERLAY, SEC_POLICY, SEC_AZURE,
       SEC_COUNT };

static const char *const section_names[SEC_COUNT] = {
	"ExpressRoute", "VPN", "Underlay", "Policy", "Azure",
};

/*
 * What the parser knows of the file so far, beyond what struct config
 * keeps: the section it is in, and where the [Policy] keys that are not
 * kept with their line were set (for "duplicate key").  One per parse.
 */
struct parser {
	int sec;		/* SEC_*, or below SEC_NONE in an unknown one */
	int scope_line, failback_line, nopath_line;
};

void config_init(struct config *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->er.fwmark = CFG_DEF_ER_MARK;
	c->er.table = CFG_DEF_ER_TABLE;
	c->vpn.fwmark = CFG_DEF_VPN_MARK;
	c->vpn.table = CFG_DEF_VPN_TABLE;
	c->underlay.fwmark = CFG_DEF_UL_MARK;
	c->underlay.table = CFG_DEF_UL_TABLE;
	c->er.probe_mult = c->vpn.probe_mult = CFG_DEF_PROBE_MULT;
	c->er.probe_interval_ms = c->vpn.probe_interval_ms = CFG_DEF_PROBE_MS;
	c->mss = CFG_DEF_MSS;
	c->mss6 = 0;		/* derived from mss unless set */
	c->mss_scope = ERCX_MSS_SCOPE_TUNNEL;
	c->nopath = ERCX_NOPATH_PASS;
	c->failback_ms = CFG_DEF_FAILBACK_MS;
	c->fwmask = CFG_DEF_FWMASK;
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nerr; i++)
		free(c->err[i].msg);
	free(c->err);
	free(c->pfx);
	free(c->excl);
	c->excl = NULL;
	c->nexcl = 0;
	free(c->azure.deployment);
	free(c->azure.vpn_type);
	free(c->azure.vpn_sku);
	free(c->azure.er_sku);
	free(c->azure.udr);
	c->err = NULL;
	c->pfx = NULL;
	c->nerr = c->npfx = c->cap_pfx = 0;
	c->azure.deployment = c->azure.vpn_type = c->azure.vpn_sku = NULL;
	c->azure.er_sku = NULL;
	c->azure.udr = NULL;
	c->azure.nudr = 0;
}

const char *config_shown_name(const char *name)
{
	return !name || !strcmp(name, "-") ? "<stdin>" : name;
}

static void push_err(struct config *c, int line, char *full)
{
	struct cfg_error *e;

	if (!full)
		abort();	/* out of memory while reporting: give up */
	e = realloc(c->err, (c->nerr + 1) * sizeof(*e));
	if (!e)
		abort();
	c->err = e;
	c->err[c->nerr].line = line;
	c->err[c->nerr].msg = full;
	c->err[c->nerr].seq = (int)c->nerr;
	c->nerr++;
}

static void __attribute__((format(printf, 3, 4)))
cfg_err(struct config *c, int line, const char *fmt, ...)
{
	char *msg = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg || asprintf(&full, "%s:%d: %s", config_shown_name(c->name),
			     line, msg) < 0)
		full = NULL;
	free(msg);
	push_err(c, line, full);
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */

int parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
	} else if (!isdigit((unsigned char)*s)) {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int parse_duration_ms(const char *s, uint32_t *ms)
{
	static const struct { const char *unit; uint64_t mult; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	unsigned long long v;
	const char *p = s;
	char *end;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno)
		return -ERANGE;
	if (!*end) {
		if (v != 0)
			return -EINVAL;	/* a bare number needs a unit */
		*ms = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].unit))
			continue;
		if (v > UINT32_MAX / units[i].mult)
			return -ERANGE;
		*ms = (uint32_t)(v * units[i].mult);
		return 0;
	}
	return -EINVAL;
}

const char *format_duration(uint32_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "0");
	else if (ms % 3600000 == 0)
		snprintf(buf, len, "%uh", ms / 3600000);
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%um", ms / 60000);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
	return buf;
}

static int addr_bits(const struct cfg_prefix *p)
{
	return p->family == AF_INET ? 32 : 128;
}

int parse_prefix(const char *s, struct cfg_prefix *p, const char **why)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	uint32_t plen;
	size_t n;
	int i, bits;

	memset(p, 0, sizeof(*p));
	if (!slash) {
		*why = "missing prefix length";
		return -EINVAL;
	}
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(addr)) {
		*why = "invalid address";
		return -EINVAL;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
	} else if (inet_pton(AF_INET6, addr, p->addr) == 1) {
		p->family = AF_INET6;
	} else {
		*why = "invalid address";
		return -EINVAL;
	}
	bits = addr_bits(p);
	if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    strlen(slash + 1) > 3 || parse_u32(slash + 1, &plen) ||
	    plen > (uint32_t)bits) {
		*why = "prefix length out of range";
		return -ERANGE;
	}
	p->plen = (uint8_t)plen;
	for (i = 0; i < bits / 8; i++) {
		int keep = (int)plen - i * 8;
		uint8_t mask;

		if (keep >= 8)
			continue;
		mask = keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		if (p->addr[i] & ~mask) {
			*why = "host bits set";
			return -EINVAL;
		}
	}
	return 0;
}

const char *format_prefix(const struct cfg_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->plen);
	return buf;
}

int prefix_cmp(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	int r;

	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	r = memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
	if (r)
		return r;
	return (int)a->plen - (int)b->plen;
}

void prefix_mask(struct cfg_prefix *p, unsigned int plen)
{
	unsigned int i, bytes = p->family == AF_INET ? 4 : 16;

	for (i = 0; i < bytes; i++) {
		int keep = (int)plen - (int)i * 8;

		if (keep >= 8)
			continue;
		p->addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	p->plen = (uint8_t)plen;
}

bool prefix_overlap(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	unsigned int plen = a->plen < b->plen ? a->plen : b->plen;
	unsigned int i;

	if (a->family != b->family)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	if (plen % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - plen % 8));

		if ((a->addr[i] ^ b->addr[i]) & m)
			return false;
	}
	return true;
}

bool prefix_covers(const struct cfg_prefix *outer, const struct cfg_prefix *inner)
{
	return outer->plen <= inner->plen && prefix_overlap(outer, inner);
}

/* ------------------------------------------------------------------------ */
/* Lines                                                                     */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int find_section(const char *name)
{
	int i;

	for (i = 0; i < SEC_COUNT; i++)
		if (!strcasecmp(name, section_names[i]))
			return i;
	return SEC_NONE;
}

static int word_index(const char *v, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(v, words[i]))
			return i;
	return -1;
}

static void set_once(struct config *c, int line, const char *key, int *seen)
{
	if (*seen)
		cfg_err(c, line, "duplicate key '%s' (first on line %d)", key,
			*seen);
}

static void parse_ip(struct config *c, int line, const char *key,
		     const char *v, struct cfg_ip *ip)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, v, &a4) == 1) {
		if (ip->set4) {
			cfg_err(c, line, "duplicate IPv4 %s (first on line %d)",
				key, ip->line4);
			return;
		}
		ip->set4 = true;
		ip->v4 = a4;
		ip->line4 = line;
	} else if (inet_pton(AF_INET6, v, &a6) == 1) {
		if (ip->set6) {
			cfg_err(c, line, "duplicate IPv6 %s (first on line %d)",
				key, ip->line6);
			return;
		}
		ip->set6 = true;
		ip->v6 = a6;
		ip->line6 = line;
	} else {
		cfg_err(c, line, "invalid address '%s'", v);
	}
}

/*
 * The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':'
 * or whitespace.  NULL when @v is a name it takes, else why not.
 */
static const char *dev_name_problem(const char *v)
{
	const unsigned char *p;

	if (!*v)
		return "empty";
	if (strlen(v) >= IF_NAMESIZE)
		return "longer than 15 bytes";
	if (!strcmp(v, ".") || !strcmp(v, ".."))
		return "'.' and '..' are not device names";
	for (p = (const unsigned char *)v; *p; p++)
		if (*p == '/' || *p == ':' || isspace(*p))
			return "'/', ':' and whitespace are not allowed";
	return NULL;
}

static void parse_dev(struct config *c, int line, const char *v, char *dev,
		      int *dev_line)
{
	const char *why;

	if (*dev_line) {
		set_once(c, line, "Device", dev_line);
		return;
	}
	*dev_line = line;
	why = dev_name_problem(v);
	if (why) {
		cfg_err(c, line, "invalid device name '%s': %s (the kernel refuses it)",
			v, why);
		return;
	}
	strcpy(dev, v);
}

static void parse_path_key(struct config *c, int sec, int line,
			   const char *key, const char *v)
{
	struct cfg_path *p = sec == SEC_ER ? &c->er :
			     sec == SEC_VPN ? &c->vpn : &c->underlay;
	bool ul = sec == SEC_UNDERLAY;
	uint32_t u;
	int r;

	if (!strcasecmp(key, "Device")) {
		parse_dev(c, line, v, p->dev, &p->dev_line);
	} else if (!strcasecmp(key, "Gateway")) {
		parse_ip(c, line, "Gateway", v, &p->gw);
	} else if (!ul && !strcasecmp(key, "Probe")) {
		parse_ip(c, line, "Probe", v, &p->probe);
	} else if (sec == SEC_VPN && !strcasecmp(key, "Peer")) {
		parse_ip(c, line, "Peer", v, &p->peer);
	} else if (!ul && !strcasecmp(key, "ProbeInterval")) {
		set_once(c, line, "ProbeInterval", &p->probe_interval_line);
		p->probe_interval_line = line;
		r = parse_duration_ms(v, &u);
		if (r == -EINVAL)
			cfg_err(c, line, "invalid duration '%s' (use e.g. 10ms, 1s)", v);
		else if (r || (u != 0 && u < 10) || u > CFG_MAX_MS)
			cfg_err(c, line, "ProbeInterval must be 0 (off) or 10ms..1h");
		else
			p->probe_interval_ms = u;
	} else if (!ul && !strcasecmp(key, "ProbeMultiplier")) {
		set_once(c, line, "ProbeMultiplier", &p->probe_mult_line);
		p->probe_mult_line = line;
		r = parse_u32(v, &u);
		if (r == -EINVAL)
			cfg_err(c, line, "invalid number '%s'", v);
		else if (r || u < 1 || u > 255)
			cfg_err(c, line, "ProbeMultiplier must be 1..255");
		else
			p->probe_mult = (uint8_t)u;
	} else if (!strcasecmp(key, "FwMark")) {
		set_once(c, line, "FwMark", &p->fwmark_line);
		p->fwmark_line = line;
		if (parse_u32(v, &u))
			cfg_err(c, line, "invalid FwMark '%s'", v);
		else
			p->fwmark = u;
	} else if (!strcasecmp(key, "Table")) {
		set_once(c, line, "Table", &p->table_line);
		p->table_line = line;
		r = parse_u32(v, &u);
		if (r == -EINVAL)
			cfg_err(c, line, "invalid number '%s'", v);
		else if (r || u == 0 || u > CFG_TABLE_MAX || (u >= 253 && u <= 255))
			cfg_err(c, line, "Table must be 1..%u and not 253 (default), 254 (main) or 255 (local)",
				CFG_TABLE_MAX);
		else
			p->table = u;
	} else if (sec == SEC_VPN && !strcasecmp(key, "MSS")) {
		set_once(c, line, "MSS", &c->mss_line);
		c->mss_line = line;
		r = parse_u32(v, &u);
		if (r == -EINVAL)
			cfg_err(c, line, "invalid number '%s'", v);
		else if (r || u < CFG_MSS_MIN || u > CFG_MSS_MAX)
			cfg_err(c, line, "MSS must be %u..%u", CFG_MSS_MIN, CFG_MSS_MAX);
		else
			c->mss = (uint16_t)u;
	} else if (sec == SEC_VPN && !strcasecmp(key, "MSS6")) {
		set_once(c, line, "MSS6", &c->mss6_line);
		c->mss6_line = line;
		r = parse_u32(v, &u);
		if (r == -EINVAL)
			cfg_err(c, line, "invalid number '%s'", v);
		else if (r || u < CFG_MSS6_MIN || u > CFG_MSS_MAX)
			cfg_err(c, line, "MSS6 must be %u..%u", CFG_MSS6_MIN, CFG_MSS_MAX);
		else
			c->mss6 = (uint16_t)u;
	} else {
		cfg_err(c, line, "unknown key '%s' in section [%s]", key,
			section_names[sec]);
	}
}

static void add_prefix(struct config *c, const struct cfg_prefix *p)
{
	if (c->npfx == c->cap_pfx) {
		size_t n = c->cap_pfx ? c->cap_pfx * 2 : 64;
		struct cfg_prefix *np = realloc(c->pfx, n * sizeof(*np));

		if (!np)
			abort();
		c->pfx = np;
		c->cap_pfx = n;
	}
	c->pfx[c->npfx++] = *p;
}

/* "Prefix = P er|vpn...", or with @exclude "Exclude = P" (no path) */
static void parse_prefix_line(struct config *c, int line, char *v, bool exclude)
{
	struct cfg_prefix p;
	const char *why;
	char *save = NULL, *w;
	bool bad = false;

	w = strtok_r(v, " \t", &save);
	if (!w) {
		cfg_err(c, line, "missing prefix");
		return;
	}
	if (parse_prefix(w, &p, &why)) {
		cfg_err(c, line, "%s in prefix '%s'", why, w);
		bad = true;
	}
	p.line = line;
	while (exclude && (w = strtok_r(NULL, " \t", &save))) {
		cfg_err(c, line, "Exclude takes a prefix only ('%s')", w);
		bad = true;
	}
	while (!exclude && (w = strtok_r(NULL, " \t", &save))) {
		uint8_t bit;

		if (!strcasecmp(w, "er")) {
			bit = ERCX_VIA_ER;
		} else if (!strcasecmp(w, "vpn")) {
			bit = ERCX_VIA_VPN;
		} else {
			cfg_err(c, line, "unknown path '%s' (use er, vpn)", w);
			bad = true;
			continue;
		}
		if (p.via & bit) {
			cfg_err(c, line, "path '%s' given twice", w);
			bad = true;
		}
		p.via |= bit;
	}
	if (!exclude && !p.via && !bad) {
		cfg_err(c, line, "prefix without a path (add er, vpn or both)");
		bad = true;
	}
	if (!bad)
		add_prefix(c, &p);
}

static int parse_bool(const char *v, enum cfg_tristate *out);

static void parse_policy_key(struct config *c, struct parser *ps, int line,
			     const char *key, char *v)
{
	static const char *const scopes[] = { "tunnel", "all" };
	static const char *const nopaths[] = { "pass", "drop" };
	uint32_t u;
	int i;

	if (!strcasecmp(key, "Prefix")) {
		parse_prefix_line(c, line, v, false);
	} else if (!strcasecmp(key, "Exclude")) {
		parse_prefix_line(c, line, v, true);
	} else if (!strcasecmp(key, "Transit")) {
		set_once(c, line, "Transit", &c->transit_line);
		c->transit_line = line;
		if (parse_bool(v, &c->transit))
			cfg_err(c, line, "invalid Transit '%s' (use yes, no)", v);
	} else if (!strcasecmp(key, "MSSScope")) {
		set_once(c, line, "MSSScope", &ps->scope_line);
		ps->scope_line = line;
		i = word_index(v, scopes, 2);
		if (i < 0)
			cfg_err(c, line, "invalid MSSScope '%s' (use tunnel, all)", v);
		else
			c->mss_scope = (uint8_t)i;
	} else if (!strcasecmp(key, "NoPath")) {
		set_once(c, line, "NoPath", &ps->nopath_line);
		ps->nopath_line = line;
		i = word_index(v, nopaths, 2);
		if (i < 0)
			cfg_err(c, line, "invalid NoPath '%s' (use pass, drop)", v);
		else
			c->nopath = (uint8_t)i;
	} else if (!strcasecmp(key, "FailbackDelay")) {
		set_once(c, line, "FailbackDelay", &ps->failback_line);
		ps->failback_line = line;
		i = parse_duration_ms(v, &u);
		if (i == -EINVAL)
			cfg_err(c, line, "invalid duration '%s' (use e.g. 500ms, 3s, 1m)", v);
		else if (i || u > CFG_MAX_MS)
			cfg_err(c, line, "FailbackDelay must be at most 1h");
		else
			c->failback_ms = u;
	} else if (!strcasecmp(key, "FwMask")) {
		set_once(c, line, "FwMask", &c->fwmask_line);
		c->fwmask_line = line;
		if (parse_u32(v, &u) || u == 0)
			cfg_err(c, line, "invalid FwMask '%s'", v);
		else
			c->fwmask = u;
	} else {
		cfg_err(c, line, "unknown key '%s' in section [Policy]", key);
	}
}

static int parse_bool(const char *v, enum cfg_tristate *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	if (word_index(v, yes, 4) >= 0)
		*out = CFG_YES;
	else if (word_index(v, no, 4) >= 0)
		*out = CFG_NO;
	else
		return -EINVAL;
	return 0;
}

static void set_str(struct config *c, int line, const char *key, char **dst,
		    int *dst_line, const char *v, const char *const *words, int n)
{
	if (*dst) {
		cfg_err(c, line, "duplicate key '%s'", key);
		return;
	}
	*dst_line = line;
	if (words) {
		int i = word_index(v, words, n);

		if (i < 0) {
			cfg_err(c, line, "invalid %s '%s'", key, v);
			return;
		}
		v = words[i];
	}
	*dst = strdup(v);
	if (!*dst)
		abort();
}

static void add_udr(struct config *c, int line, const char *v)
{
	struct cfg_azure *a = &c->azure;
	struct cfg_prefix p, *np;
	const char *why;

	if (parse_prefix(v, &p, &why)) {
		cfg_err(c, line, "%s in GatewaySubnetUdr '%s'", why, v);
		return;
	}
	p.line = line;
	np = realloc(a->udr, (a->nudr + 1) * sizeof(*np));
	if (!np)
		abort();
	a->udr = np;
	a->udr[a->nudr++] = p;
}

static void parse_azure_key(struct config *c, int line, const char *key,
			    const char *v)
{
	static const char *const deployments[] = { "resource-manager", "classic" };
	static const char *const types[] = { "route-based", "policy-based" };
	struct cfg_azure *a = &c->azure;
	enum cfg_tristate *t = NULL;
	int *t_line = NULL;
	const char *why;
	uint32_t u;

	if (!strcasecmp(key, "Deployment")) {
		set_str(c, line, "Deployment", &a->deployment,
			&a->deployment_line, v, deployments, 2);
	} else if (!strcasecmp(key, "VpnType")) {
		/* Resource Manager says RouteBased, classic DynamicRouting */
		if (!strcasecmp(v, "RouteBased") || !strcasecmp(v, "DynamicRouting"))
			v = types[0];
		else if (!strcasecmp(v, "PolicyBased") || !strcasecmp(v, "StaticRouting"))
			v = types[1];
		set_str(c, line, "VpnType", &a->vpn_type, &a->vpn_type_line,
			v, types, 2);
	} else if (!strcasecmp(key, "VpnSku")) {
		set_str(c, line, "VpnSku", &a->vpn_sku, &a->vpn_sku_line,
			v, NULL, 0);
	} else if (!strcasecmp(key, "ErSku")) {
		set_str(c, line, "ErSku", &a->er_sku, &a->er_sku_line,
			v, NULL, 0);
	} else if (!strcasecmp(key, "GatewaySubnet")) {
		if (a->has_subnet)
			cfg_err(c, line, "duplicate key 'GatewaySubnet'");
		else if (parse_prefix(v, &a->subnet, &why))
			cfg_err(c, line, "%s in GatewaySubnet '%s'", why, v);
		else {
			a->subnet.line = line;
			a->has_subnet = true;
		}
	} else if (!strcasecmp(key, "GatewaySubnetUdr")) {
		add_udr(c, line, v);
	} else if (!strcasecmp(key, "Asn")) {
		if (a->has_asn)
			cfg_err(c, line, "duplicate key 'Asn'");
		else if (parse_u32(v, &u) || u == 0)
			cfg_err(c, line, "invalid Asn '%s'", v);
		else {
			a->asn = u;
			a->asn_line = line;
			a->has_asn = true;
		}
	} else if (!strcasecmp(key, "Transit")) {
		t = &a->transit;
		t_line = &a->transit_line;
	} else if (!strcasecmp(key, "PointToSite")) {
		t = &a->p2s;
		t_line = &a->p2s_line;
	} else if (!strcasecmp(key, "ForcedTunneling")) {
		t = &a->forced_tunneling;
		t_line = &a->forced_tunneling_line;
	} else if (!strcasecmp(key, "RouteServer")) {
		t = &a->route_server;
		t_line = &a->route_server_line;
	} else if (!strcasecmp(key, "MicrosoftPeering")) {
		t = &a->ms_peering;
		t_line = &a->ms_peering_line;
	} else {
		cfg_err(c, line, "unknown key '%s' in section [Azure]", key);
	}
	if (t) {
		if (*t != CFG_UNSET)
			cfg_err(c, line, "duplicate key '%s'", key);
		else if (parse_bool(v, t))
			cfg_err(c, line, "invalid %s '%s' (use yes, no)", key, v);
		else
			*t_line = line;
	}
}

static void parse_line(struct config *c, struct parser *ps, int line, char *s)
{
	char *hash = strchr(s, '#'), *eq, *key, *v;

	if (hash)
		*hash = '\0';
	s = trim(s);
	if (!*s)
		return;
	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || end[1]) {
			cfg_err(c, line, "invalid section header '%s'", s);
			ps->sec = SEC_NONE;
			return;
		}
		*end = '\0';
		ps->sec = find_section(trim(s + 1));
		if (ps->sec == SEC_NONE) {
			cfg_err(c, line, "unknown section [%s]", trim(s + 1));
			ps->sec = SEC_NONE - 1;	/* swallow its keys silently */
			return;
		}
		if (!c->section_line[ps->sec])
			c->section_line[ps->sec] = line;
		if (ps->sec == SEC_AZURE) {
			c->azure.present = true;
			c->azure.line = c->section_line[ps->sec];
		}
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		cfg_err(c, line, "expected 'Key = Value' or '[Section]'");
		return;
	}
	*eq = '\0';
	key = trim(s);
	v = trim(eq + 1);
	if (!*key) {
		cfg_err(c, line, "missing key before '='");
		return;
	}
	if (ps->sec < SEC_NONE)
		return;		/* inside an unknown section: already reported */
	if (ps->sec == SEC_NONE) {
		cfg_err(c, line, "key '%s' outside of a section", key);
		return;
	}
	if (!*v) {
		cfg_err(c, line, "missing value for '%s'", key);
		return;
	}
	switch (ps->sec) {
	case SEC_ER:
	case SEC_VPN:
	case SEC_UNDERLAY:
		parse_path_key(c, ps->sec, line, key, v);
		break;
	case SEC_POLICY:
		parse_policy_key(c, ps, line, key, v);
		break;
	case SEC_AZURE:
		parse_azure_key(c, line, key, v);
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

static int cmp_pfx_line(const void *a, const void *b)
{
	const struct cfg_prefix *x = a, *y = b;
	int r = prefix_cmp(x, y);

	return r ? r : x->line - y->line;
}

static void check_duplicates(struct config *c)
{
	struct cfg_prefix *s;
	char buf[PREFIX_STRLEN];
	size_t i;

	if (c->npfx < 2)
		return;
	s = malloc(c->npfx * sizeof(*s));
	if (!s)
		abort();
	memcpy(s, c->pfx, c->npfx * sizeof(*s));
	qsort(s, c->npfx, sizeof(*s), cmp_pfx_line);
	for (i = 1; i < c->npfx; i++) {
		size_t first = i - 1;

		if (prefix_cmp(&s[i], &s[i - 1]))
			continue;
		while (first > 0 && !prefix_cmp(&s[first - 1], &s[i]))
			first--;
		cfg_err(c, s[i].line, "duplicate prefix %s (first on line %d)",
			format_prefix(&s[i], buf, sizeof(buf)), s[first].line);
	}
	free(s);
}

/*
 * With CFG_RESOLVE_DEVICES: @p's ifindex, 0 when the device does not exist
 * (not an error: the kernel follows the name; the rules warn).
 */
static void resolve_dev(struct config *c, struct cfg_path *p, unsigned int flags)
{
	if (!(flags & CFG_RESOLVE_DEVICES))
		return;
	c->resolved = true;
	p->ifindex = p->dev[0] ? if_nametoindex(p->dev) : 0;
}

bool config_resolve_devices(struct config *c)
{
	unsigned int old[3] = { c->er.ifindex, c->vpn.ifindex,
				c->underlay.ifindex };

	resolve_dev(c, &c->er, CFG_RESOLVE_DEVICES);
	resolve_dev(c, &c->vpn, CFG_RESOLVE_DEVICES);
	resolve_dev(c, &c->underlay, CFG_RESOLVE_DEVICES);
	return old[0] != c->er.ifindex || old[1] != c->vpn.ifindex ||
	       old[2] != c->underlay.ifindex;
}

/* [@sec]'s FwMark is non-zero and inside FwMask; else an error at @at */
static void check_fwmark(struct config *c, const struct cfg_path *p, int sec,
			 int at)
{
	if (p->fwmark && !(p->fwmark & ~c->fwmask))
		return;
	cfg_err(c, p->fwmark_line ? p->fwmark_line :
		   c->fwmask_line ? c->fwmask_line : at,
		"[%s] FwMark 0x%08x must be non-zero and inside FwMask 0x%08x",
		section_names[sec], p->fwmark, c->fwmask);
}

/*
 * [@sa] (@a) shares no Device, FwMark or Table with [@sb] (@b).  A clash is
 * reported on the line of @a's key, or @mark_at / @table_at for a default.
 */
static void check_clash(struct config *c, const struct cfg_path *a, int sa,
			const struct cfg_path *b, int sb, int mark_at,
			int table_at)
{
	if (b->dev[0] && !strcmp(a->dev, b->dev))
		cfg_err(c, a->dev_line, "[%s] Device '%s' is also the [%s] Device",
			section_names[sa], a->dev, section_names[sb]);
	if (a->fwmark == b->fwmark)
		cfg_err(c, a->fwmark_line ? a->fwmark_line : mark_at,
			"[%s] FwMark 0x%08x is also the [%s] FwMark",
			section_names[sa], a->fwmark, section_names[sb]);
	if (a->table == b->table)
		cfg_err(c, a->table_line ? a->table_line : table_at,
			"[%s] Table %u is also the [%s] Table",
			section_names[sa], a->table, section_names[sb]);
}

static void check_path(struct config *c, struct cfg_path *p, int sec,
		       unsigned int flags)
{
	const char *name = section_names[sec];
	int at = c->section_line[sec] ? c->section_line[sec] :
		 c->last_line ? c->last_line : 1;

	if (!c->section_line[sec] && !p->dev_line)
		cfg_err(c, at, "missing section [%s]", name);
	else if (!p->dev_line)
		cfg_err(c, at, "missing key 'Device' in section [%s]", name);
	else if (p->dev[0])
		resolve_dev(c, p, flags);
	check_fwmark(c, p, sec, at);
	/* the kernel probes Probe, else Gateway: it needs one of them */
	if (p->probe_interval_ms && !p->probe.set4 && !p->probe.set6 &&
	    !p->gw.set4 && !p->gw.set6)
		cfg_err(c, p->probe_interval_line,
			"[%s] ProbeInterval needs a Probe or a Gateway address", name);
}

/*
 * [Underlay] is optional.  Without a Device it is not sent to the kernel
 * (the guard then drops; `check` warns: underlay-no-device), so its other
 * keys are only checked with one.
 */
static void check_underlay(struct config *c, unsigned int flags)
{
	struct cfg_path *u = &c->underlay;

	if (!u->dev_line || !u->dev[0])
		return;
	resolve_dev(c, u, flags);
	check_clash(c, u, SEC_UNDERLAY, &c->er, SEC_ER, u->dev_line, u->dev_line);
	check_clash(c, u, SEC_UNDERLAY, &c->vpn, SEC_VPN, u->dev_line,
		    u->dev_line);
	check_fwmark(c, u, SEC_UNDERLAY, u->dev_line);
}

void config_validate(struct config *c, unsigned int flags)
{
	check_path(c, &c->er, SEC_ER, flags);
	check_path(c, &c->vpn, SEC_VPN, flags);
	check_clash(c, &c->vpn, SEC_VPN, &c->er, SEC_ER,
		    c->er.fwmark_line ? c->er.fwmark_line : c->last_line,
		    c->er.table_line ? c->er.table_line : c->last_line);
	check_underlay(c, flags);
	if (!c->mss6)
		c->mss6 = (uint16_t)(c->mss >= CFG_MSS6_MIN + 20 ?
				     c->mss - 20U : CFG_MSS6_MIN);
	check_duplicates(c);
}

static int cmp_err(const void *a, const void *b)
{
	const struct cfg_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line - y->line;
	return x->seq - y->seq;	/* stable: keep the order of discovery */
}

/*
 * One line of @f into @buf (CFG_MAX_LINE bytes and a NUL), without its
 * newline.  The rest of a longer line is read and dropped (*long_line set),
 * so memory stays bounded whatever the input; no more than *left bytes are
 * read in all (*over set when the file has more).  The length kept, or -1
 * at the end of the file.
 */
static ssize_t read_line(FILE *f, char *buf, size_t *left, bool *long_line,
			 bool *over)
{
	size_t n = 0, seen = 0;
	int ch = EOF;

	*long_line = false;
	for (;;) {
		if (!*left) {
			/* one byte more tells a file of exactly the limit */
			if ((ch = getc_unlocked(f)) != EOF)
				*over = true;
			ch = EOF;
			break;
		}
		ch = getc_unlocked(f);
		if (ch == EOF)
			break;
		(*left)--;
		seen++;
		if (ch == '\n')
			break;
		if (n < CFG_MAX_LINE)
			buf[n++] = (char)ch;
		else
			*long_line = true;
	}
	buf[n] = '\0';
	if (ch == EOF && !seen)
		return -1;
	return (ssize_t)n;
}

/* Whole-file problems: "FILE: message", line 0, as for a missing file. */
static void __attribute__((format(printf, 2, 3)))
file_err(struct config *c, const char *fmt, ...)
{
	char *msg = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg || asprintf(&full, "%s: %s", config_shown_name(c->name), msg) < 0)
		full = NULL;
	free(msg);
	push_err(c, 0, full);
}

/*
 * UTF-16 (or UTF-32) text: a byte order mark, or ASCII with every other
 * byte NUL.  Checked on the first line only: such a file gives one error,
 * not one per line.
 */
static const char *utf16_kind(const unsigned char *b, size_t n)
{
	size_t i, nul = 0;

	if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
		       (b[0] == 0xfe && b[1] == 0xff)))
		return "a UTF-16 or UTF-32 byte order mark";
	for (i = 0; i < n; i++)
		nul += !b[i];
	if (n >= 2 && nul * 2 >= n && (!b[0] || !b[1]))
		return "every other byte NUL";
	return NULL;
}

size_t config_parse(struct config *c, FILE *f, const char *name,
		    unsigned int flags)
{
	size_t left = CFG_MAX_FILE;
	bool long_line, over = false;
	const char *kind;
	struct stat st;
	char *buf;
	ssize_t n;
	struct parser ps = { .sec = SEC_NONE };
	int line = 0;

	config_init(c, name);
	if (fileno(f) >= 0 && !fstat(fileno(f), &st)) {
		if (S_ISDIR(st.st_mode)) {
			file_err(c, "%s", strerror(EISDIR));
			return c->nerr;
		}
		if (S_ISREG(st.st_mode) && st.st_size > (off_t)CFG_MAX_FILE) {
			file_err(c, "larger than %u MiB, the limit for a config file",
				 CFG_MAX_FILE >> 20);
			return c->nerr;
		}
	}
	buf = malloc(CFG_MAX_LINE + 1);
	if (!buf)
		abort();
	while ((n = read_line(f, buf, &left, &long_line, &over)) >= 0) {
		char *s = buf;

		line++;
		if (line == 1 && (kind = utf16_kind((unsigned char *)buf, (size_t)n))) {
			cfg_err(c, line, "UTF-16 text (%s): save the file as UTF-8",
				kind);
			break;
		}
		if (line == 1 && n >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
			s += 3;		/* UTF-8 byte order mark */
		if (long_line)
			cfg_err(c, line, "line longer than %u bytes", CFG_MAX_LINE);
		else if (memchr(s, '\0', (size_t)(n - (s - buf))))
			cfg_err(c, line, "NUL byte in line");
		else
			parse_line(c, &ps, line, s);
		if (c->nerr >= CFG_MAX_ERRORS) {
			cfg_err(c, line, "too many errors, stopping here");
			break;
		}
	}
	free(buf);
	if (over) {
		config_free(c);
		config_init(c, name);
		file_err(c, "larger than %u MiB, the limit for a config file",
			 CFG_MAX_FILE >> 20);
		return c->nerr;
	}
	if (ferror(f))
		cfg_err(c, line, "read error: %s", strerror(errno));
	c->last_line = line;
	/* Half a file (UTF-16, too many errors) gives no more errors. */
	if (n < 0)
		config_validate(c, flags);
	if (c->nerr > 1)
		qsort(c->err, c->nerr, sizeof(*c->err), cmp_err);
	return c->nerr;
}

size_t config_parse_file(struct config *c, const char *path,
			 unsigned int flags)
{
	FILE *f;
	size_t n;

	if (!strcmp(path, "-"))
		return config_parse(c, stdin, "-", flags);
	f = fopen(path, "re");
	if (!f) {
		char *full = NULL;

		config_init(c, path);
		if (asprintf(&full, "%s: %s", path, strerror(errno)) < 0)
			full = NULL;
		push_err(c, 0, full);
		return c->nerr;
	}
	n = config_parse(c, f, path, flags);
	fclose(f);
	return n;
}

void config_print_errors(const struct config *c, FILE *f)
{
	size_t i;

	for (i = 0; i < c->nerr; i++)
		fprintf(f, "%s\n", c->err[i].msg);
}

/* ------------------------------------------------------------------------ */
/* Printer                                                                   */

static void print_ip(FILE *f, const char *key, const struct cfg_ip *ip)
{
	char a[INET6_ADDRSTRLEN];

	if (ip->set4)
		fprintf(f, "%s = %s\n", key,
			inet_ntop(AF_INET, &ip->v4, a, sizeof(a)));
	if (ip->set6)
		fprintf(f, "%s = %s\n", key,
			inet_ntop(AF_INET6, &ip->v6, a, sizeof(a)));
}

static void print_path(const struct config *c, FILE *f,
		       const struct cfg_path *p, bool vpn)
{
	struct cfg_ip probe = p->probe;
	char d[32];

	fprintf(f, "[%s]\n", vpn ? "VPN" : "ExpressRoute");
	fprintf(f, "Device = %s\n", p->dev);
	print_ip(f, "Gateway", &p->gw);
	if (vpn)
		print_ip(f, "Peer", &p->peer);
	if (!probe.set4 && p->gw.set4) {
		probe.set4 = true;
		probe.v4 = p->gw.v4;
	}
	if (!probe.set6 && p->gw.set6) {
		probe.set6 = true;
		probe.v6 = p->gw.v6;
	}
	print_ip(f, "Probe", &probe);
	fprintf(f, "ProbeInterval = %s\n",
		format_duration(p->probe_interval_ms, d, sizeof(d)));
	fprintf(f, "ProbeMultiplier = %u\n", p->probe_mult);
	if (vpn) {
		fprintf(f, "MSS = %u\n", c->mss);
		fprintf(f, "MSS6 = %u\n", c->mss6);
	}
	fprintf(f, "FwMark = 0x%08x\n", p->fwmark);
	fprintf(f, "Table = %u\n", p->table);
}

static const char *tristate(enum cfg_tristate t)
{
	return t == CFG_YES ? "yes" : "no";
}

void config_print(const struct config *c, FILE *f)
{
	char buf[PREFIX_STRLEN], d[32];
	size_t i;

	print_path(c, f, &c->er, false);
	fputc('\n', f);
	print_path(c, f, &c->vpn, true);
	if (c->underlay.dev[0] || c->underlay.gw.set4 || c->underlay.gw.set6 ||
	    c->underlay.fwmark_line || c->underlay.table_line) {
		fprintf(f, "\n[Underlay]\n");
		if (c->underlay.dev[0])
			fprintf(f, "Device = %s\n", c->underlay.dev);
		print_ip(f, "Gateway", &c->underlay.gw);
		/* The defaults too, as for the paths, when it is in use */
		if (c->underlay.dev[0] || c->underlay.fwmark_line)
			fprintf(f, "FwMark = 0x%08x\n", c->underlay.fwmark);
		if (c->underlay.dev[0] || c->underlay.table_line)
			fprintf(f, "Table = %u\n", c->underlay.table);
	}
	fprintf(f, "\n[Policy]\n");
	fprintf(f, "MSSScope = %s\n",
		c->mss_scope == ERCX_MSS_SCOPE_ALL ? "all" : "tunnel");
	fprintf(f, "FailbackDelay = %s\n",
		format_duration(c->failback_ms, d, sizeof(d)));
	fprintf(f, "NoPath = %s\n", c->nopath == ERCX_NOPATH_DROP ? "drop" : "pass");
	fprintf(f, "FwMask = 0x%08x\n", c->fwmask);
	fprintf(f, "Transit = %s\n", tristate(c->transit));
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *p = &c->pfx[i];

		fprintf(f, "%s = %s%s%s\n", p->via ? "Prefix" : "Exclude",
			format_prefix(p, buf, sizeof(buf)),
			p->via & ERCX_VIA_ER ? " er" : "",
			p->via & ERCX_VIA_VPN ? " vpn" : "");
	}
	if (c->azure.present) {
		const struct cfg_azure *a = &c->azure;

		fprintf(f, "\n[Azure]\n");
		if (a->deployment)
			fprintf(f, "Deployment = %s\n", a->deployment);
		if (a->has_subnet)
			fprintf(f, "GatewaySubnet = %s\n",
				format_prefix(&a->subnet, buf, sizeof(buf)));
		if (a->vpn_type)
			fprintf(f, "VpnType = %s\n", a->vpn_type);
		if (a->vpn_sku)
			fprintf(f, "VpnSku = %s\n", a->vpn_sku);
		if (a->er_sku)
			fprintf(f, "ErSku = %s\n", a->er_sku);
		if (a->has_asn)
			fprintf(f, "Asn = %u\n", a->asn);
		if (a->transit)
			fprintf(f, "Transit = %s\n", tristate(a->transit));
		if (a->p2s)
			fprintf(f, "PointToSite = %s\n", tristate(a->p2s));
		if (a->forced_tunneling)
			fprintf(f, "ForcedTunneling = %s\n",
				tristate(a->forced_tunneling));
		if (a->route_server)
			fprintf(f, "RouteServer = %s\n",
				tristate(a->route_server));
		if (a->ms_peering)
			fprintf(f, "MicrosoftPeering = %s\n",
				tristate(a->ms_peering));
		for (i = 0; i < a->nudr; i++)
			fprintf(f, "GatewaySubnetUdr = %s\n",
				format_prefix(&a->udr[i], buf, sizeof(buf)));
	}
}
