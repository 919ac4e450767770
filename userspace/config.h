/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexist.conf: parser, validator and printer.  See ercoexist.conf(5).
 */
#ifndef ERCX_CONFIG_H
#define ERCX_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Defaults; they mirror the kernel's (Documentation/design.rst). */
#define CFG_DEF_FWMASK		0x00ff0000U
#define CFG_DEF_ER_MARK		0x00e10000U
#define CFG_DEF_ER_TABLE	225U
#define CFG_DEF_VPN_MARK	0x00e20000U
#define CFG_DEF_VPN_TABLE	226U
#define CFG_DEF_UL_MARK		0x00e30000U
#define CFG_DEF_UL_TABLE	227U
#define CFG_DEF_MSS		1250U
#define CFG_DEF_FAILBACK_MS	3000U
#define CFG_DEF_PROBE_MULT	3U
#define CFG_DEF_PROBE_MS	0U	/* no probes */
#define CFG_MAX_MS		3600000U /* the module's limit for durations */
#define CFG_MSS_MIN		536U
#define CFG_MSS_MAX		9000U
#define CFG_MSS6_MIN		1220U
#define CFG_TABLE_MAX		0x7fffffffU
#define CFG_RULE_PREF_BASE	10000U
/* Parser limits: memory stays bounded whatever the input */
#define CFG_MAX_LINE		4096U	/* bytes in a line, newline excluded */
#define CFG_MAX_FILE		(16U << 20)	/* bytes in a file */
#define CFG_MAX_ERRORS		100U	/* then the parser stops */

/* Where a value came from: 0 = default, else the line of the file */
struct cfg_ip {
	bool set4, set6;
	struct in_addr v4;
	struct in6_addr v6;
	int line4, line6;
};

/* A path ([ExpressRoute], [VPN]) or the underlay ([Underlay]: no probes, no peer) */
struct cfg_path {
	char dev[IF_NAMESIZE];
	int dev_line;
	unsigned int ifindex;		/* resolved at load time (0: none) */
	struct cfg_ip gw;
	struct cfg_ip probe;		/* default: gw */
	struct cfg_ip peer;		/* VPN only */
	uint32_t probe_interval_ms;
	int probe_interval_line;
	uint8_t probe_mult;
	int probe_mult_line;
	uint32_t fwmark;
	int fwmark_line;
	uint32_t table;
	int table_line;
};

struct cfg_prefix {
	uint8_t addr[16];	/* network byte order, IPv4 in addr[0..3] */
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t plen;
	uint8_t via;		/* ERCX_VIA_*; ERCX_VIA_NONE: an Exclude line */
	uint8_t path;		/* selected path (showconf/status only) */
	int line;
};

enum cfg_tristate { CFG_UNSET = 0, CFG_NO, CFG_YES };

struct cfg_azure {
	bool present;
	int line;
	char *deployment;	/* resource-manager | classic */
	int deployment_line;
	bool has_subnet;
	struct cfg_prefix subnet;	/* .line: where it was set */
	char *vpn_type;		/* route-based | policy-based (aliases normalised) */
	int vpn_type_line;
	char *vpn_sku;
	int vpn_sku_line;
	char *er_sku;		/* ErSku: the ExpressRoute gateway's SKU */
	int er_sku_line;
	bool has_asn;
	uint32_t asn;
	int asn_line;
	enum cfg_tristate transit, p2s, forced_tunneling, route_server;
	int transit_line, p2s_line, forced_tunneling_line, route_server_line;
	enum cfg_tristate ms_peering;	/* MicrosoftPeering on the circuit */
	int ms_peering_line;
	struct cfg_prefix *udr;	/* GatewaySubnetUdr (repeatable) */
	size_t nudr;
};

struct cfg_error {
	int line;
	int seq;
	char *msg;		/* "file:line: message" */
};

struct config {
	const char *name;	/* as shown in messages */
	struct cfg_path er, vpn;
	/*
	 * The Internet uplink of the underlay guard: Device, Gateway, FwMark,
	 * Table.  Sent to the kernel only when Device is set (dev[0]).
	 */
	struct cfg_path underlay;
	uint16_t mss, mss6;
	int mss_line, mss6_line;
	uint8_t mss_scope;	/* enum ercx_mss_scope */
	uint8_t nopath;		/* enum ercx_nopath */
	uint32_t failback_ms;
	uint32_t fwmask;
	int fwmask_line;
	enum cfg_tristate transit;	/* [Policy] Transit: ERCX_A_TRANSIT */
	int transit_line;
	/* Prefix (via != 0) and Exclude (via == ERCX_VIA_NONE) lines */
	struct cfg_prefix *pfx;
	size_t npfx, cap_pfx;
	/*
	 * Exclusions the host adds (its own addresses, the subnets connected
	 * to its other devices: see host_exclusions() in rtnl.h), sent with
	 * the policy after the file's; not part of the file.
	 */
	struct cfg_prefix *excl;
	size_t nexcl;
	/* CFG_RESOLVE_DEVICES was given: the file is meant for this host */
	bool resolved;
	struct cfg_azure azure;
	int section_line[5];	/* [ExpressRoute] [VPN] [Underlay] [Policy] [Azure] */
	int last_line;
	struct cfg_error *err;
	size_t nerr;
	/* from the kernel (showconf/status), not part of the file */
	uint32_t generation;
};

/* Zero and fill the defaults. */
void config_init(struct config *c, const char *name);
void config_free(struct config *c);

/*
 * if_nametoindex() every Device (0 when it does not exist: the kernel
 * follows the name, and the path is down until it appears)
 */
#define CFG_RESOLVE_DEVICES	(1U << 0)

/*
 * Parse @f (named @name in messages; "-" shows as "<stdin>") into @c, then
 * validate.  Every problem is collected in c->err, sorted by line.
 * Returns the number of errors.
 */
size_t config_parse(struct config *c, FILE *f, const char *name,
		    unsigned int flags);
size_t config_parse_file(struct config *c, const char *path,
			 unsigned int flags);
/* The cross-field checks (also used for a policy read from the kernel). */
void config_validate(struct config *c, unsigned int flags);
void config_print_errors(const struct config *c, FILE *f);
/* A file's name as messages show it: "<stdin>" for "-" (and NULL) */
const char *config_shown_name(const char *name);

/* Print @c as a config file that config_parse() accepts. */
void config_print(const struct config *c, FILE *f);

/* Helpers, exported for the tests. */
int parse_u32(const char *s, uint32_t *out);		/* dec or 0x hex */
int parse_duration_ms(const char *s, uint32_t *ms);	/* "10ms" "3s" "1m" "1h" "0" */
const char *format_duration(uint32_t ms, char *buf, size_t len);
int parse_prefix(const char *s, struct cfg_prefix *p, const char **why);
const char *format_prefix(const struct cfg_prefix *p, char *buf, size_t len);
int prefix_cmp(const struct cfg_prefix *a, const struct cfg_prefix *b);
/* Clear @p's bits past @plen and make it a /@plen */
void prefix_mask(struct cfg_prefix *p, unsigned int plen);
/* Does @a contain @b or @b contain @a? */
bool prefix_overlap(const struct cfg_prefix *a, const struct cfg_prefix *b);
/* Does @outer contain all of @inner? */
bool prefix_covers(const struct cfg_prefix *outer, const struct cfg_prefix *inner);
/* Re-resolve every path's Device (CFG_RESOLVE_DEVICES): whether one changed */
bool config_resolve_devices(struct config *c);

#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 5)

#endif
