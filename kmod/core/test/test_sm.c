// SPDX-License-Identifier: GPL-2.0
/* Path selection tests: every combination of mode, links and pending ER. */
#include "ercx_core.h"
#include "tap.h"

int main(void)
{
	static const char * const mname[] = { "auto", "forced-vpn", "forced-er" };
	unsigned int mode, er, vpn, pend;

	for (mode = 0; mode <= ERCX_MODE_MAX; mode++)
	for (er = 0; er < 2; er++)
	for (vpn = 0; vpn < 2; vpn++)
	for (pend = 0; pend < 2; pend++) {
		struct ercx_sm sm = {
			.mode = mode,
			.link_up = { [ERCX_PATH_ER] = er, [ERCX_PATH_VPN] = vpn },
			.er_pending = pend,
		};
		/* the rule, written out independently of sm.c */
		int er_ok = er && !pend && mode != ERCX_MODE_FORCED_VPN;
		int vpn_ok = vpn && mode != ERCX_MODE_FORCED_ER;
		u8 want_u = (er_ok ? ERCX_USABLE_ER : 0) |
			    (vpn_ok ? ERCX_USABLE_VPN : 0);
		u8 want_a = er_ok ? ERCX_PATH_ER : vpn_ok ? ERCX_PATH_VPN :
			    ERCX_PATH_NONE;
		u8 u = ercx_sm_usable(&sm), a = ercx_sm_active(&sm);

		tap_ok(u == want_u && a == want_a,
		       "mode %s er %s vpn %s%s: usable %u (want %u) active %u (want %u)",
		       mname[mode], er ? "up" : "down", vpn ? "up" : "down",
		       pend ? " er-pending" : "", u, want_u, a, want_a);
	}

	/* spot checks of the design's sentences */
	{
		struct ercx_sm sm = {
			.mode = ERCX_MODE_FORCED_VPN,
			.link_up = { [ERCX_PATH_ER] = 1, [ERCX_PATH_VPN] = 1 },
		};

		tap_ok(ercx_sm_usable(&sm) == ERCX_USABLE_VPN &&
		       ercx_sm_active(&sm) == ERCX_PATH_VPN,
		       "forced-vpn with both links up uses the VPN only");
		sm.mode = ERCX_MODE_FORCED_ER;
		sm.link_up[ERCX_PATH_ER] = 0;
		tap_ok(ercx_sm_usable(&sm) == 0 &&
		       ercx_sm_active(&sm) == ERCX_PATH_NONE,
		       "forced-er with ER down has no usable path (VPN removed)");
		sm.mode = ERCX_MODE_AUTO;
		sm.link_up[ERCX_PATH_ER] = 1;
		sm.er_pending = 1;
		tap_ok(ercx_sm_active(&sm) == ERCX_PATH_VPN,
		       "auto: ER pending failback stays on the VPN");
		sm.er_pending = 0;
		tap_ok(ercx_sm_active(&sm) == ERCX_PATH_ER,
		       "auto: ER back after the failback delay is active");
	}

	/* active path == answer of a prefix reachable by both paths */
	{
		struct ercx_prefix p = { .family = 4, .plen = 0, .via = ERCX_VIA_ALL };
		struct ercx_lpm *lpm;
		unsigned int bad = 0, m;
		s32 b;

		if (ercx_lpm_build(&lpm, &p, 1, &b))
			bad = 1;
		for (m = 0; m < 24 && !bad; m++) {
			struct ercx_sm sm = {
				.mode = m / 8,
				.link_up = { [ERCX_PATH_ER] = m & 1,
					     [ERCX_PATH_VPN] = (m >> 1) & 1 },
				.er_pending = (m >> 2) & 1,
			};
			u8 r = ercx_select(ercx_lpm_answers(lpm, 0),
					   ercx_sm_usable(&sm));

			if (r != ercx_sm_active(&sm))
				bad++;
		}
		ercx_lpm_free(lpm);
		tap_ok(!bad, "ercx_sm_active agrees with the answers of an ER+VPN prefix");
	}
	/* failback dampening */
	{
		const u64 s = 1000000000ULL, dec = (u64)ERCX_DAMP_DECAY_MS * 1000000ULL;
		struct ercx_damp d = { 0 };
		u64 t = 1000 * s;
		u32 i;

		tap_ok(ercx_damp_delay(&d, 3000) == 3000,
		       "damp: no flap: the configured delay");
		ercx_damp_flap(&d, t);
		tap_ok(d.penalty == 1 && ercx_damp_delay(&d, 3000) == 3000,
		       "damp: first flap waits the configured delay (penalty %u)",
		       d.penalty);
		ercx_damp_flap(&d, t + 10 * s);
		tap_ok(d.penalty == 2 && ercx_damp_delay(&d, 3000) == 6000,
		       "damp: second flap within the window doubles (%u ms)",
		       ercx_damp_delay(&d, 3000));
		ercx_damp_flap(&d, t + 20 * s);
		tap_ok(d.penalty == 3 && ercx_damp_delay(&d, 3000) == 12000,
		       "damp: third flap quadruples (%u ms)",
		       ercx_damp_delay(&d, 3000));
		for (i = 0; i < 20; i++)
			ercx_damp_flap(&d, t + (21 + i) * s);
		tap_ok(d.penalty == ERCX_DAMP_MAX_PENALTY &&
		       ercx_damp_delay(&d, 3000) == 3000U << ERCX_DAMP_MAX_SHIFT,
		       "damp: penalty and doubling are capped (%u, %u ms)",
		       d.penalty, ercx_damp_delay(&d, 3000));
		tap_ok(ercx_damp_delay(&d, 60000) == ERCX_DAMP_CAP_MS,
		       "damp: the delay is capped at %u ms",
		       ercx_damp_delay(&d, 60000));
		tap_ok(ercx_damp_delay(&d, 3600000) == 3600000,
		       "damp: a configured delay above the cap is kept");
		tap_ok(ercx_damp_delay(&d, 0) == 0,
		       "damp: a delay of 0 stays 0");

		t = t + 40 * s;		/* the last flap */
		ercx_damp_decay(&d, t + dec - 1);
		tap_ok(d.penalty == ERCX_DAMP_MAX_PENALTY,
		       "damp: no decay before a full period");
		ercx_damp_decay(&d, t + dec);
		tap_ok(d.penalty == ERCX_DAMP_MAX_PENALTY - 1,
		       "damp: one step of decay per period (%u)", d.penalty);
		ercx_damp_decay(&d, t + 3 * dec + dec / 2);
		tap_ok(d.penalty == ERCX_DAMP_MAX_PENALTY - 3,
		       "damp: decay is cumulative (%u)", d.penalty);
		ercx_damp_flap(&d, t + 4 * dec);
		tap_ok(d.penalty == ERCX_DAMP_MAX_PENALTY - 3,
		       "damp: a flap after decay adds one to what is left (%u)",
		       d.penalty);
		ercx_damp_decay(&d, t + 100 * dec);
		tap_ok(d.penalty == 0 && d.last_ns == t + 100 * dec &&
		       ercx_damp_delay(&d, 3000) == 3000,
		       "damp: fully decayed after a long quiet time");
		ercx_damp_flap(&d, t + 101 * dec);
		tap_ok(d.penalty == 1 && ercx_damp_delay(&d, 3000) == 3000,
		       "damp: the next flap starts again from the configured delay");
	}
	/*
	 * The dampening oracle: the documented rule (design.rst, "Failback
	 * dampening") written out as numbers, not as the formula: the n-th
	 * flap within the decay period waits base x 2^(n-1), at most 32x, and
	 * at most 10 min unless the configured delay is longer.
	 */
	{
		static const struct {
			u32 base_ms;
			u32 want_ms[8];	/* after flap 1..8 */
		} tbl[] = {
			{ 3000, { 3000, 6000, 12000, 24000, 48000, 96000, 96000, 96000 } },
			{ 30000, { 30000, 60000, 120000, 240000, 480000, 600000, 600000, 600000 } },
			{ 1, { 1, 2, 4, 8, 16, 32, 32, 32 } },
			{ 900000, { 900000, 900000, 900000, 900000, 900000, 900000, 900000, 900000 } },
		};
		const u64 s = 1000000000ULL;
		unsigned int i, n;

		for (i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++) {
			struct ercx_damp d = { 0 };
			unsigned int bad = 0;
			u32 got = 0;

			for (n = 0; n < 8; n++) {
				ercx_damp_flap(&d, 5000 * s + n * s);
				got = ercx_damp_delay(&d, tbl[i].base_ms);
				if (got != tbl[i].want_ms[n] && !bad)
					bad = n + 1;
			}
			tap_ok(!bad, "damp table: base %u ms, flaps 1..8 (first wrong: flap %u, last %u ms)",
			       tbl[i].base_ms, bad, got);
		}
	}

	/*
	 * The failback wait and its timer (kmod/paths.c): the timer may fire
	 * for an earlier wait that was restarted (a probe missed) or
	 * cancelled and restarted (a carrier flap) while it waited for the
	 * lock.  It must fail back only once the latest wait's deadline has
	 * passed.  Times in ms from 0.
	 */
	{
		const u64 ms = 1000000ULL;
		struct ercx_sm sm = {
			.mode = ERCX_MODE_AUTO,
			.link_up = { [ERCX_PATH_ER] = 1, [ERCX_PATH_VPN] = 1 },
		};

		ercx_sm_er_wait(&sm, 0, 1000);
		tap_ok(sm.er_pending && ercx_sm_active(&sm) == ERCX_PATH_VPN,
		       "wait: ER pending, the VPN is active");
		tap_ok(!ercx_sm_failback_due(&sm, 999 * ms) && sm.er_pending,
		       "wait: not due 1 ms before the deadline");
		/* a probe miss at 500 ms restarts the wait: due at 1500 */
		ercx_sm_er_wait(&sm, 500 * ms, 1000);
		tap_ok(!ercx_sm_failback_due(&sm, 1000 * ms) && sm.er_pending,
		       "wait: the timer of the first wait (1000 ms) finds a restarted wait not due");
		tap_ok(ercx_sm_failback_due(&sm, 1500 * ms) && !sm.er_pending &&
		       ercx_sm_active(&sm) == ERCX_PATH_ER,
		       "wait: due at the restarted deadline (1500 ms), ER active");
		tap_ok(!ercx_sm_failback_due(&sm, 1600 * ms),
		       "wait: a second timer after the failback does nothing");

		/* a carrier flap: cancelled at 300, restarted at 400: due at 1400 */
		ercx_sm_er_wait(&sm, 0, 1000);
		ercx_sm_er_cancel(&sm);
		tap_ok(!ercx_sm_failback_due(&sm, 1000 * ms) && !sm.er_pending,
		       "wait: a cancelled wait never fails back");
		ercx_sm_er_wait(&sm, 400 * ms, 1000);
		tap_ok(!ercx_sm_failback_due(&sm, 1000 * ms),
		       "wait: the old timer (1000 ms) finds the wait restarted at 400 ms not due");
		tap_ok(ercx_sm_failback_due(&sm, 1400 * ms),
		       "wait: due at 1400 ms");

		/* no delay: usable at once, nothing pending */
		ercx_sm_er_wait(&sm, 0, 0);
		tap_ok(!sm.er_pending && !ercx_sm_failback_due(&sm, 0) &&
		       ercx_sm_active(&sm) == ERCX_PATH_ER,
		       "wait: a delay of 0 fails back at once, no timer needed");
	}
	return tap_done();
}
