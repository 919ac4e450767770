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

void ercx_sm_er_wait(struct ercx_sm *sm, u64 now_ns, u32 delay_ms)
{
	sm->er_pending = delay_ms ? 1 : 0;
	sm->er_due_ns = delay_ms ? now_ns + (u64)delay_ms * 1000000ULL : 0;
}

void ercx_sm_er_cancel(struct ercx_sm *sm)
{
	sm->er_pending = 0;
	sm->er_due_ns = 0;
}

bool ercx_sm_failback_due(struct ercx_sm *sm, u64 now_ns)
{
	if (!sm->er_pending || now_ns < sm->er_due_ns)
		return false;
	ercx_sm_er_cancel(sm);
	return true;
}

#define ERCX_DAMP_DECAY_NS	((u64)ERCX_DAMP_DECAY_MS * 1000000ULL)

void ercx_damp_decay(struct ercx_damp *d, u64 now_ns)
{
	/* at most ERCX_DAMP_MAX_PENALTY rounds: no 64-bit division */
	while (d->penalty && now_ns - d->last_ns >= ERCX_DAMP_DECAY_NS) {
		d->penalty--;
		d->last_ns += ERCX_DAMP_DECAY_NS;
	}
	if (!d->penalty)
		d->last_ns = now_ns;
}

void ercx_damp_flap(struct ercx_damp *d, u64 now_ns)
{
	ercx_damp_decay(d, now_ns);
	if (d->penalty < ERCX_DAMP_MAX_PENALTY)
		d->penalty++;
	d->last_ns = now_ns;
}

u32 ercx_damp_delay(const struct ercx_damp *d, u32 base_ms)
{
	u32 shift = d->penalty > 1 ? d->penalty - 1 : 0;
	u64 delay;

	if (shift > ERCX_DAMP_MAX_SHIFT)
		shift = ERCX_DAMP_MAX_SHIFT;
	delay = (u64)base_ms << shift;
	if (delay > ERCX_DAMP_CAP_MS)
		delay = base_ms > ERCX_DAMP_CAP_MS ? base_ms : ERCX_DAMP_CAP_MS;
	return (u32)delay;
}
