/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coexistence rules: what `ercoexistctl check` and `load` verify beyond the
 * syntax.  The [Azure] rules are the limits of Azure's guides to
 * ExpressRoute and Site-to-Site VPN coexisting connections (Resource Manager
 * and classic); the others are warnings a network engineer wants about the
 * local policy and host.  Every rule has a stable id; see ercoexistctl(8)
 * and Documentation/admin-guide-azure.rst.
 */
#ifndef ERCX_RULES_H
#define ERCX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <net/if.h>

#include "config.h"

enum rule_severity { SEV_WARNING, SEV_ERROR };

struct rule_info {
	const char *id;
	enum rule_severity severity;
	const char *summary;	/* one line, for --list-rules and the docs */
};

extern const struct rule_info rule_table[];
extern const size_t rule_count;

const struct rule_info *rule_find(const char *id);
const char *severity_name(enum rule_severity s);	/* "error" "warning" */

struct finding {
	const struct rule_info *rule;
	int line;
	int seq;
	char *msg;		/* without "file:line: severity[id]: " */
};

struct findings {
	struct finding *v;
	size_t n, cap;
	size_t nerr, nwarn;
};

/*
 * Host state the rules read (rp_filter, tunnel MTU) is looked up under
 * $ERCX_PROCFS_ROOT/proc and $ERCX_PROCFS_ROOT/sys; the variable is for the
 * tests only and defaults to "" (the real /proc and /sys).
 */
#define ERCX_PROCFS_ROOT_ENV	"ERCX_PROCFS_ROOT"

/*
 * How the host routes an address, for the probe-not-via-er rule: set by
 * ercoexistctl to an rtnetlink lookup; NULL (the rule stays silent) in the
 * unit tests, which use $ERCX_PROCFS_ROOT/routes instead.  Returns 0 with
 * the device name in @dev, or -1.
 */
extern int (*rules_route_dev)(int family, const void *addr, char *dev,
			      size_t len);

/* An address of the host, on device @dev: itself (/32, /128) and its subnet */
struct host_addr {
	char dev[IF_NAMESIZE];
	struct cfg_prefix local, net;
};
/* @h->net from @h->local and the subnet's length @plen */
void host_addr_set_net(struct host_addr *h, uint8_t plen);
/*
 * The host's addresses (0, and a malloc'ed array in @v), or -1: set by
 * ercoexistctl to an rtnetlink dump (rtnl_host_addrs); NULL in the unit
 * tests, which read $ERCX_PROCFS_ROOT/addrs ("DEV ADDR/PLEN" lines).
 */
extern int (*rules_host_addrs)(struct host_addr **v, size_t *n);

/*
 * The exclusions (ERCX_VIA_NONE) the host adds to @c's policy, in
 * c->excl: its own addresses, and the subnets connected to its devices
 * other than the ER and VPN devices, each only where a steerable prefix of
 * the file covers it (elsewhere it would change nothing) and the file does
 * not name that very prefix itself.  host_exclusions_update() reads the
 * addresses first; 0, or -1 when they cannot be read.
 */
void host_exclusions(struct config *c, const struct host_addr *h, size_t n);
int host_exclusions_update(struct config *c);

/*
 * Run every rule on @c (which should have parsed without errors) and append
 * the findings to @fs (zero it first), sorted by line.
 */
void rules_check(const struct config *c, struct findings *fs);
void findings_free(struct findings *fs);

/* "FILE:LINE: error[rule-id]: message" lines. */
void findings_print(const struct config *c, const struct findings *fs,
		    FILE *f);
/* "findings": [ {rule, severity, line, message}, ... ] in the open object. */
void findings_print_json(const struct findings *fs);

#endif
