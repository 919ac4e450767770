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
 * RTM_GETROUTE for @dst (4 or 16 bytes by @family), no mark, in the current
 * namespace: the output device's index in @oif (0: no route).  0 or -errno.
 */
int rtnl_route_dev(uint8_t family, const void *dst, unsigned int *oif);

#endif
