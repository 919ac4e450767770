/* SPDX-License-Identifier: GPL-2.0 */
/* What `load` does once a config is valid; the daemon does it too. */
#ifndef ERCX_LOAD_H
#define ERCX_LOAD_H

#include <stdint.h>

#include "config.h"
#include "rtnl.h"

/*
 * All or nothing: check the gateways and tables (rtnl_check), add the
 * host's exclusions to @c (c->excl), POLICY_SET, then the rules and routes
 * (rtnl_sync with @st); when a route or rule is refused, the previous
 * policy, rules and routes are put back.  The policy's generation in @gen.
 * Exit status (printed why).
 */
int load_apply(struct config *c, struct rtnl_sync *st, uint32_t *gen);

#endif
