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

/**
 * ercx_sm_usable() - the usable-path mask that the packet path must use
 * @sm: the state machine's inputs
 *
 * ER is usable when its link is up, no failback wait is pending and the
 * mode is not forced-vpn; the VPN when its link is up and the mode is not
 * forced-er.
 *
 * Context: Any context; the caller holds the lock that guards @sm.
 * Return: ERCX_USABLE_ER | ERCX_USABLE_VPN, or a subset of them.
 */
u8 ercx_sm_usable(const struct ercx_sm *sm)
{
	u8 usable = 0;

	if (sm->link_up[ERCX_PATH_ER] && !sm->er_pending &&
	    sm->mode != ERCX_MODE_FORCED_VPN)
		usable |= ERCX_USABLE_ER;
	if (sm->link_up[ERCX_PATH_VPN] && sm->mode != ERCX_MODE_FORCED_ER)
		usable |= ERCX_USABLE_VPN;
	return usable;
}

/**
 * ercx_sm_active() - the path for a prefix reachable by both paths
 * @sm: the state machine's inputs
 *
 * ER when it is usable, else the VPN when it is usable.
 *
 * Context: Any context; the caller holds the lock that guards @sm.
 * Return: ERCX_PATH_ER, ERCX_PATH_VPN or ERCX_PATH_NONE.
 */
u8 ercx_sm_active(const struct ercx_sm *sm)
{
	u8 usable = ercx_sm_usable(sm);

	if (usable & ERCX_USABLE_ER)
		return ERCX_PATH_ER;
	if (usable & ERCX_USABLE_VPN)
		return ERCX_PATH_VPN;
	return ERCX_PATH_NONE;
}

/**
 * ercx_sm_er_wait() - (re)start the failback wait of ER
 * @sm: the state machine's inputs
 * @now_ns: the current time, monotonic nanoseconds
 * @delay_ms: the failback delay; 0: no wait, ER is usable at once
 *
 * ER stays unusable until ercx_sm_failback_due() finds the deadline
 * (@now_ns + @delay_ms) passed.  A wait already pending is replaced.
 *
 * Context: Any context; the caller holds the lock that guards @sm.
 */
void ercx_sm_er_wait(struct ercx_sm *sm, u64 now_ns, u32 delay_ms)
{
	sm->er_pending = delay_ms ? 1 : 0;
	sm->er_due_ns = delay_ms ? now_ns + (u64)delay_ms * 1000000ULL : 0;
}

/**
 * ercx_sm_er_cancel() - end the failback wait with ER not usable
 * @sm: the state machine's inputs
 *
 * Context: Any context; the caller holds the lock that guards @sm.
 */
void ercx_sm_er_cancel(struct ercx_sm *sm)
{
	sm->er_pending = 0;
	sm->er_due_ns = 0;
}

/**
 * ercx_sm_failback_due() - whether the failback wait is over
 * @sm: the state machine's inputs
 * @now_ns: the current time, monotonic nanoseconds
 *
 * What the caller's timer asks when it fires.  Only the deadline of the
 * latest ercx_sm_er_wait() counts, so a timer that fires for an earlier
 * wait (one restarted or cancelled meanwhile) never fails back early.  When
 * the wait is over, it ends and ER becomes usable.
 *
 * Context: Any context; the caller holds the lock that guards @sm.
 * Return: true when a wait was pending and its deadline has passed (ER is
 * usable now); false when it has not, or when nothing is pending.
 */
bool ercx_sm_failback_due(struct ercx_sm *sm, u64 now_ns)
{
	if (!sm->er_pending || now_ns < sm->er_due_ns)
		return false;
	ercx_sm_er_cancel(sm);
	return true;
}

#define ERCX_DAMP_DECAY_NS	((u64)ERCX_DAMP_DECAY_MS * 1000000ULL)

/**
 * ercx_damp_decay() - apply the dampening decay due at a time
 * @d: the dampening state
 * @now_ns: the current time, monotonic nanoseconds
 *
 * One penalty point decays for every ERCX_DAMP_DECAY_MS without a flap.
 *
 * Context: Any context; the caller holds the lock that guards @d.
 */
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

/**
 * ercx_damp_flap() - count one flap of ER (up -> down)
 * @d: the dampening state
 * @now_ns: the time of the flap, monotonic nanoseconds
 *
 * Applies the decay due first, then adds one point, at most
 * ERCX_DAMP_MAX_PENALTY.
 *
 * Context: Any context; the caller holds the lock that guards @d.
 */
void ercx_damp_flap(struct ercx_damp *d, u64 now_ns)
{
	ercx_damp_decay(d, now_ns);
	if (d->penalty < ERCX_DAMP_MAX_PENALTY)
		d->penalty++;
	d->last_ns = now_ns;
}

/**
 * ercx_damp_delay() - the effective failback delay
 * @d: the dampening state, decayed by the caller (ercx_damp_decay())
 * @base_ms: the configured failback delay
 *
 * @base_ms doubled for each penalty point above one, at most
 * ERCX_DAMP_MAX_SHIFT doublings and at most ERCX_DAMP_CAP_MS unless
 * @base_ms itself is longer.
 *
 * Context: Any context; the caller holds the lock that guards @d.
 * Return: the delay in milliseconds.
 */
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
