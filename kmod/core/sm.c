// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist core: path selection (Documentation/design.rst, "Path state").
 *
 * A path is usable when its link is up and the operator's mode does not
 * remove it: forced-vpn removes ER, forced-er removes the VPN.  ER that came
 * back is pending (not usable) until the failback delay has elapsed.  The
 * caller owns struct ercx_sm and the timers; these are pure functions.
 */
#include "ercx_core.h"

u8 ercx_sm_usable(const struct ercx_sm *sm)
{
	u8 usable = 0;

	if (sm->link_up[0] && !sm->er_pending && sm->mode != ERCX_MODE_FORCED_VPN)
		usable |= ERCX_USABLE_ER;
	if (sm->link_up[1] && sm->mode != ERCX_MODE_FORCED_ER)
		usable |= ERCX_USABLE_VPN;
	return usable;
}

u8 ercx_sm_active(const struct ercx_sm *sm)
{
	u8 usable = ercx_sm_usable(sm);

	if (usable & ERCX_USABLE_ER)
		return ERCX_ANS_ER;
	if (usable & ERCX_USABLE_VPN)
		return ERCX_ANS_VPN;
	return ERCX_ANS_NONE;
}
