/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The prefix table's brute-force reference and its 128-bit key helpers,
 * shared by test_lpm.c, bench_lpm.c and the fuzz target fuzz_lpm.c: the
 * reference scans every prefix, by Azure's rule (longest prefix among the
 * usable paths, ER on a tie).
 */
#ifndef _ERCX_LPM_REF_H
#define _ERCX_LPM_REF_H

#include <arpa/inet.h>

#include "ercx_core.h"

struct ref {
	u64 hi, lo;		/* address as 128-bit key, IPv4 left-aligned */
	u64 mhi, mlo;		/* netmask */
	u8 via;
	u8 plen;
};

static inline u64 load64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline void store64(u8 *p, u64 v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

static inline void mask128(unsigned int plen, u64 *mhi, u64 *mlo)
{
	*mhi = plen == 0 ? 0 : plen >= 64 ? ~0ULL : ~0ULL << (64 - plen);
	*mlo = plen <= 64 ? 0 : ~0ULL << (128 - plen);
}

static inline void to_ref(const struct ercx_prefix *p, struct ref *r)
{
	r->hi = load64(p->addr);
	r->lo = p->family == 4 ? 0 : load64(p->addr + 8);
	if (p->family == 4)
		r->hi &= 0xffffffff00000000ULL;
	mask128(p->plen, &r->mhi, &r->mlo);
	r->via = p->via;
	r->plen = p->plen;
}

/*
 * Brute force: *any = index + 1 of the longest matching prefix, ans = the
 * answer byte (2 bits per usable mask) by Azure's rule; an exclusion (via
 * 0) is a candidate whatever is usable and answers ERCX_ANS_EXCLUDED.
 */
static inline void brute(const struct ref *refs, const struct ercx_prefix *pfx,
		  u32 n, int family, u64 hi, u64 lo, u32 *any, u8 *ans)
{
	int best[4] = { -1, -1, -1, -1 };
	int bestany = -1;
	unsigned int u;
	u32 i;

	for (i = 0; i < n; i++) {
		const struct ref *r = &refs[i];

		if (pfx[i].family != family)
			continue;
		if (((hi & r->mhi) != r->hi) || ((lo & r->mlo) != r->lo))
			continue;
		if (bestany < 0 || r->plen > refs[bestany].plen)
			bestany = i;
		for (u = 0; u < 4; u++)
			if ((!r->via || (r->via & u)) &&
			    (best[u] < 0 || r->plen > refs[best[u]].plen))
				best[u] = i;
	}
	*any = bestany + 1;
	*ans = 0;
	for (u = 0; u < 4; u++) {
		u8 a = ERCX_PATH_NONE;

		if (best[u] >= 0 && !refs[best[u]].via)
			a = ERCX_ANS_EXCLUDED;
		else if (best[u] >= 0)
			a = (refs[best[u]].via & u & ERCX_VIA_ER) ?
			    ERCX_PATH_ER : ERCX_PATH_VPN;
		*ans |= a << (u * 2);
	}
}

static inline u32 lookup(const struct ercx_lpm *lpm, int family, u64 hi, u64 lo)
{
	u8 a6[16];

	if (family == 4)
		return ercx_lpm_lookup4(lpm, htonl((u32)(hi >> 32)));
	store64(a6, hi);
	store64(a6 + 8, lo);
	return ercx_lpm_lookup6(lpm, a6);
}

#endif /* _ERCX_LPM_REF_H */
