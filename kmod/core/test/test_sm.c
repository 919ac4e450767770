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
			.mode = mode, .link_up = { er, vpn }, .er_pending = pend,
		};
		/* the rule, written out independently of sm.c */
		int er_ok = er && !pend && mode != ERCX_MODE_FORCED_VPN;
		int vpn_ok = vpn && mode != ERCX_MODE_FORCED_ER;
		u8 want_u = (er_ok ? ERCX_USABLE_ER : 0) |
			    (vpn_ok ? ERCX_USABLE_VPN : 0);
		u8 want_a = er_ok ? ERCX_ANS_ER : vpn_ok ? ERCX_ANS_VPN :
			    ERCX_ANS_NONE;
		u8 u = ercx_sm_usable(&sm), a = ercx_sm_active(&sm);

		tap_ok(u == want_u && a == want_a,
		       "mode %s er %s vpn %s%s: usable %u (want %u) active %u (want %u)",
		       mname[mode], er ? "up" : "down", vpn ? "up" : "down",
		       pend ? " er-pending" : "", u, want_u, a, want_a);
	}

	/* spot checks of the design's sentences */
	{
		struct ercx_sm sm = { .mode = ERCX_MODE_FORCED_VPN,
				      .link_up = { 1, 1 } };

		tap_ok(ercx_sm_usable(&sm) == ERCX_USABLE_VPN &&
		       ercx_sm_active(&sm) == ERCX_ANS_VPN,
		       "forced-vpn with both links up uses the VPN only");
		sm.mode = ERCX_MODE_FORCED_ER;
		sm.link_up[0] = 0;
		tap_ok(ercx_sm_usable(&sm) == 0 &&
		       ercx_sm_active(&sm) == ERCX_ANS_NONE,
		       "forced-er with ER down has no usable path (VPN removed)");
		sm.mode = ERCX_MODE_AUTO;
		sm.link_up[0] = 1;
		sm.er_pending = 1;
		tap_ok(ercx_sm_active(&sm) == ERCX_ANS_VPN,
		       "auto: ER pending failback stays on the VPN");
		sm.er_pending = 0;
		tap_ok(ercx_sm_active(&sm) == ERCX_ANS_ER,
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
				.mode = m / 8, .link_up = { m & 1, (m >> 1) & 1 },
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
	return tap_done();
}
