/* SPDX-License-Identifier: GPL-2.0 */
/* Routes and rules for the paths' tables, over rtnetlink (rtnl.c). */
#ifndef ERCX_RTNL_H
#define ERCX_RTNL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Routes and rules we install carry this protocol (see ercoexistctl(8)). */
#define RTPROT_ERCOEXIST	0xe5

/*
 * What the daemon keeps between rtnl_sync() calls: per path (ER, VPN,
 * Underlay) and family, bit (path * 2 + (IPv6 ? 1 : 0)).
 */
struct rtnl_sync {
	unsigned int missing;	/* the device does not exist: route waits */
	unsigned int pending;	/* refused (gateway not reachable yet): retry */
	unsigned int actions;	/* routes and rules (re)installed (counts up) */
};
/*
 * Install what is missing of the routes and rules for @c, on the devices
 * as they are now, and remove our stale ones (idempotent; a path whose
 * device does not exist gets its rule, its routes wait).  @st NULL (load):
 * a refused route is an error, unless its device is down or it has no
 * gateway (a warning), and a missing device is a warning.  @st set (the
 * daemon): every action is logged on stderr, a refused route is pending
 * (logged once) and the call succeeds.  Exit status.
 */
int rtnl_sync(const struct config *c, struct rtnl_sync *st);
/* Remove every route and rule with protocol RTPROT_ERCOEXIST.  Exit status. */
int rtnl_flush(void);
/*
 * Before anything changes: every Gateway of a path whose device is up is
 * directly connected to that device (the kernel refuses any other next
 * hop).  Prints "FILE:LINE: ..." per problem; exit status.
 */
int rtnl_check(const struct config *c);
/* The host's addresses, for the exclusions (rules.h's rules_host_addrs) */
struct host_addr;
int rtnl_host_addrs(struct host_addr **v, size_t *n);
/* Our rules and routes as they are, for rtnl_restore() after a failed load. */
struct rtnl_snapshot;
struct rtnl_snapshot *rtnl_snapshot_take(void);	/* NULL: printed why */
int rtnl_restore(const struct rtnl_snapshot *s);	/* exit status */
void rtnl_snapshot_free(struct rtnl_snapshot *s);
/*
 * RTM_GETROUTE for @dst (4 or 16 bytes by @family), no mark, in the current
 * namespace: the output device's index in @oif (0: no route).  0 or -errno.
 */
int rtnl_route_dev(uint8_t family, const void *dst, unsigned int *oif);

#endif
