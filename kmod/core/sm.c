// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist core: path selection (Documentation/design.rst, "Path state").
 *
 * A path is usable when its link is up and the operator's mode does not
 * remove it: forced-vpn removes ER, forced-er removes the VPN.  ER that came
 * back is pending (not usable) until the failback delay has elapsed.  The
 * probes' detection time ("Liveness probes") takes a path down when no
 * answer has arrived for multiplier x interval.  The caller owns struct
 * ercx_sm, struct ercx_detect and the timers; these are pure functions.
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

/* @a is at or after @b, modulo 2^64 (times less than 2^63 ns apart) */
static bool ercx_ns_reached(u64 a, u64 b)
{
	return (s64)(a - b) >= 0;
}

static u64 ercx_detect_time(u32 interval_ms, u8 multiplier)
{
	return (u64)interval_ms * 1000000ULL * (multiplier ? multiplier : 1);
}

/**
 * ercx_detect_start() - start the detection of a path's probes
 * @d: the detection state
 * @now_ns: the start, which counts as an answer
 * @interval_ms: the probe interval
 * @multiplier: the probe multiplier (0 counts as 1)
 *
 * The first probes have the whole detection time to be answered: the path
 * goes down at @now_ns + @multiplier x @interval_ms if none is.
 *
 * Context: Any context; the caller holds the lock that guards @d.
 */
void ercx_detect_start(struct ercx_detect *d, u64 now_ns, u32 interval_ms,
		       u8 multiplier)
{
	d->det_ns = ercx_detect_time(interval_ms, multiplier);
	d->last_rx_ns = now_ns;
	d->deadline_ns = now_ns + d->det_ns;
}

/**
 * ercx_detect_reconf() - new settings for a path whose probes were running
 * @d: the new detection state
 * @old: the state under the previous settings
 * @interval_ms: the new probe interval
 * @multiplier: the new probe multiplier (0 counts as 1)
 *
 * The last answer carries over; until the next one, the path goes down at
 * the later of the two deadlines, the old one and the last answer plus the
 * new detection time.  So shorter timers never take down at once a path
 * whose last answer was recent under the old ones (BFD keeps the longer
 * detection time until its poll sequence completes, RFC 5880 6.8.3), and
 * longer timers apply at once.  The next answer sets the deadline by the
 * new settings alone.
 *
 * Context: Any context; the caller holds the locks that guard @d and @old.
 */
void ercx_detect_reconf(struct ercx_detect *d, const struct ercx_detect *old,
			u32 interval_ms, u8 multiplier)
{
	u64 due;

	d->det_ns = ercx_detect_time(interval_ms, multiplier);
	d->last_rx_ns = old->last_rx_ns;
	due = old->last_rx_ns + d->det_ns;
	d->deadline_ns = ercx_ns_reached(due, old->deadline_ns) ?
			 due : old->deadline_ns;
}

/**
 * ercx_detect_rx() - an answer arrived
 * @d: the detection state
 * @now_ns: when it arrived
 *
 * The deadline moves to @now_ns plus the detection time.  An answer stamped
 * before the last one (two CPUs' receive paths racing for the caller's lock)
 * moves nothing.
 *
 * Context: Any context; the caller holds the lock that guards @d.
 */
void ercx_detect_rx(struct ercx_detect *d, u64 now_ns)
{
	if (!ercx_ns_reached(now_ns, d->last_rx_ns))
		return;
	d->last_rx_ns = now_ns;
	d->deadline_ns = now_ns + d->det_ns;
}

/**
 * ercx_detect_expired() - whether the path is down by its probes
 * @d: the detection state
 * @now_ns: the current time
 *
 * Context: Any context; the caller holds the lock that guards @d.
 * Return: true when no answer arrived before the deadline (@now_ns at or
 * after it); false otherwise, the caller's timer then waits for
 * @d->deadline_ns.
 */
bool ercx_detect_expired(const struct ercx_detect *d, u64 now_ns)
{
	return ercx_ns_reached(now_ns, d->deadline_ns);
}
