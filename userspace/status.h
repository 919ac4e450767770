/* SPDX-License-Identifier: GPL-2.0 */
/* status: the underlay guard's part (exported for tests/rtnl_drive.c). */
#ifndef ERCX_STATUS_H
#define ERCX_STATUS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct underlay_view {
	bool present;			/* the policy has an [Underlay] */
	char dev[IF_NAMESIZE];
	uint32_t table, fwmark;
	unsigned int er_ifindex;	/* the ER device */
	uint64_t interventions;
	struct cfg_ip peer;		/* [VPN] Peer */
};

/*
 * "underlay guard: ..." and a "warning: ..." line per peer address whose
 * route (looked up now, no mark) leaves by the ER device; in JSON the
 * "underlay" object.
 */
void status_print_underlay(const struct underlay_view *u);

#endif
