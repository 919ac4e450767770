/* SPDX-License-Identifier: GPL-2.0 */
/* Routes and rules for the paths' tables, over rtnetlink (rtnl.c). */
#ifndef ERCX_RTNL_H
#define ERCX_RTNL_H

#include <stdint.h>

#include "config.h"

/* Routes and rules we install carry this protocol (see ercoexistctl(8)). */
#define RTPROT_ERCOEXIST	0xe5

/* Install routes and rules for @c (idempotent).  Exit status. */
int rtnl_install(const struct config *c);
/* Remove every route and rule with protocol RTPROT_ERCOEXIST.  Exit status. */
int rtnl_flush(void);
/*
 * Before anything changes: every Gateway of a path whose device is up is
 * directly connected to that device (the kernel refuses any other next
 * hop).  Prints "FILE:LINE: ..." per problem; exit status.
 */
int rtnl_check(const struct config *c);
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
