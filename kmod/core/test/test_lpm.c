// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix table tests: the trie against a brute-force reference that scans
 * every prefix, on random IPv4 and IPv6 prefix sets (nested prefixes, random
 * paths) for random addresses and addresses inside and just outside each
 * prefix; plus the edge cases of validation and lookup.
 *
 * ERCX_SEED=<n> in the environment changes the random seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ercx_core.h"
#include "tap.h"

#include "lpm_ref.h"

/* Check one address; returns 1 if it agrees with the reference */
static int check_addr(const struct ercx_lpm *lpm, const struct ref *refs,
		      const struct ercx_prefix *pfx, u32 n, int family,
		      u64 hi, u64 lo)
{
	u32 want, got;
	u8 wans, gans;
	unsigned int u;

	if (family == 4) {
		hi &= 0xffffffff00000000ULL;
		lo = 0;
	}
	brute(refs, pfx, n, family, hi, lo, &want, &wans);
	got = lookup(lpm, family, hi, lo);
	gans = got ? ercx_lpm_answers(lpm, got - 1) : 0;
	for (u = 0; u < 4; u++) {
		if (ercx_select(gans, u) != ercx_select(wans, u))
			break;
	}
	if (got == want && u == 4)
		return 1;
	tap_diag("family %d addr %016llx:%016llx: lookup %u want %u, answers %02x want %02x",
		 family, (unsigned long long)hi, (unsigned long long)lo,
		 got, want, gans, wans);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Random prefix sets */

static void set_key(struct ercx_prefix *p, u64 hi, u64 lo)
{
	u64 mhi, mlo;

	mask128(p->plen, &mhi, &mlo);
	hi &= mhi;
	lo &= mlo;
	memset(p->addr, 0, sizeof(p->addr));
	if (p->family == 4) {
		u32 a = hi >> 32;

		p->addr[0] = a >> 24;
		p->addr[1] = a >> 16;
		p->addr[2] = a >> 8;
		p->addr[3] = a;
	} else {
		store64(p->addr, hi);
		store64(p->addr + 8, lo);
	}
}

static int same(const struct ercx_prefix *a, const struct ercx_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->addr, b->addr, 16);
}

/*
 * @dense: keep all prefixes under one short prefix so that nodes get many
 * children; otherwise half of the prefixes nest under an earlier one.
 */
static void gen_set(struct ercx_prefix *pfx, u32 n, int family, int dense)
{
	unsigned int maxbits = family == 4 ? 32 : 128;
	u64 base_hi = tap_rand64(), base_lo = tap_rand64();
	unsigned int base_plen = family == 4 ? 12 : 36;
	u32 i, j;

	for (i = 0; i < n; i++) {
		struct ercx_prefix *p = &pfx[i];
		int tries;

		for (tries = 0; ; tries++) {
			u64 hi = tap_rand64(), lo = tap_rand64();
			u64 mhi, mlo;

			memset(p, 0, sizeof(*p));
			p->family = family;
			/* one in eight an exclusion (via 0) */
			p->via = tap_rand(8) ? 1 + tap_rand(3) : 0;
			if (dense) {
				p->plen = base_plen + tap_rand(maxbits - base_plen + 1);
				mask128(base_plen, &mhi, &mlo);
				hi = (base_hi & mhi) | (hi & ~mhi);
				lo = (base_lo & mlo) | (lo & ~mlo);
			} else if (i && tap_rand(2)) {
				const struct ercx_prefix *q = &pfx[tap_rand(i)];
				u64 qhi = load64(q->addr);
				u64 qlo = family == 4 ? 0 : load64(q->addr + 8);

				if (q->plen == maxbits)
					continue;
				p->plen = q->plen + 1 +
					  tap_rand(maxbits - q->plen);
				/* often a short step: deep nesting chains */
				if (tap_rand(2) && q->plen + 8U <= maxbits)
					p->plen = q->plen + 1 + tap_rand(8);
				mask128(q->plen, &mhi, &mlo);
				hi = (qhi & mhi) | (hi & ~mhi);
				lo = (qlo & mlo) | (lo & ~mlo);
			} else if (family == 6 && tap_rand(2)) {
				p->plen = 16 + tap_rand(49);	/* /16../64 */
			} else {
				p->plen = tap_rand(maxbits + 1);
			}
			set_key(p, hi, lo);
			for (j = 0; j < i; j++)
				if (same(p, &pfx[j]))
					break;
			if (j == i || tries > 1000)
				break;
		}
	}
}

static u32 check_set(const struct ercx_prefix *pfx, u32 n, int family,
		     u32 nrandom, u32 stride, u32 *checked)
{
	struct ercx_lpm *lpm = NULL;
	struct ref *refs;
	u32 i, bad = 0;
	s32 badidx;
	int err;

	refs = calloc(n ? n : 1, sizeof(*refs));
	for (i = 0; i < n; i++)
		to_ref(&pfx[i], &refs[i]);
	err = ercx_lpm_build(&lpm, pfx, n, &badidx);
	if (err) {
		tap_diag("build failed: %d (bad %d)", err, badidx);
		free(refs);
		return 1;
	}
	if (ercx_lpm_count(lpm) != n)
		bad++;

	for (i = 0; i < nrandom && bad < 5; i++) {
		bad += !check_addr(lpm, refs, pfx, n, family,
				   tap_rand64(), tap_rand64());
		(*checked)++;
	}
	for (i = 0; i < n && bad < 5; i += stride) {
		const struct ref *r = &refs[i];
		u64 hi = tap_rand64(), lo = tap_rand64();
		u64 lastlo = r->lo | ~r->mlo, lasthi = r->hi | ~r->mhi;
		u64 amask = family == 4 ? 0xffffffff00000000ULL : ~0ULL;
		u64 one = family == 4 ? 1ULL << 32 : 1;

		if (family == 4)
			lastlo = 0;
		lasthi &= amask;
		/* inside */
		bad += !check_addr(lpm, refs, pfx, n, family,
				   r->hi | (hi & ~r->mhi), r->lo | (lo & ~r->mlo));
		/* first and last address */
		bad += !check_addr(lpm, refs, pfx, n, family, r->hi, r->lo);
		bad += !check_addr(lpm, refs, pfx, n, family, lasthi, lastlo);
		/* just before and just after (128-bit arithmetic) */
		if (family == 4) {
			bad += !check_addr(lpm, refs, pfx, n, family,
					   r->hi - one, 0);
			bad += !check_addr(lpm, refs, pfx, n, family,
					   lasthi + one, 0);
		} else {
			bad += !check_addr(lpm, refs, pfx, n, family,
					   r->hi - (r->lo == 0), r->lo - 1);
			bad += !check_addr(lpm, refs, pfx, n, family,
					   lasthi + (lastlo == ~0ULL), lastlo + 1);
		}
		*checked += 5;
	}
	/* the other family never matches */
	for (i = 0; i < 16; i++) {
		if (lookup(lpm, family == 4 ? 6 : 4, tap_rand64(), tap_rand64()))
			bad++;
	}
	ercx_lpm_free(lpm);
	free(refs);
	return bad;
}

static void test_random(int family)
{
	static const u32 sizes[] = { 1, 2, 3, 4, 5, 8, 10, 16, 33, 64, 100,
				     250, 500, 1000, 2000, 5000 };
	struct ercx_prefix *pfx;
	unsigned int s, trial;
	u32 checked, bad;

	pfx = calloc(5000, sizeof(*pfx));
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		u32 n = sizes[s];
		unsigned int trials = n <= 16 ? 40 : n <= 500 ? 4 : 1;

		checked = 0;
		bad = 0;
		for (trial = 0; trial < trials && !bad; trial++) {
			gen_set(pfx, n, family, 0);
			bad += check_set(pfx, n, family, n <= 1000 ? 2000 : 1000,
					 1, &checked);
		}
		tap_ok(!bad, "IPv%d random nested set of %u prefixes x%u: %u addresses agree with brute force",
		       family, n, trials, checked);
	}
	for (s = 0; s < 3; s++) {
		static const u32 dsizes[] = { 50, 700, 3000 };
		u32 n = dsizes[s];

		checked = 0;
		gen_set(pfx, n, family, 1);
		bad = check_set(pfx, n, family, 3000, 1, &checked);
		tap_ok(!bad, "IPv%d dense set of %u prefixes under one /%d: %u addresses agree",
		       family, n, family == 4 ? 12 : 36, checked);
	}
	free(pfx);
}

/* ERCX_LONG=1: also 20,000 and 100,000 prefixes (sampled addresses) */
static void test_long(int family)
{
	static const u32 sizes[] = { 20000, 100000 };
	struct ercx_prefix *pfx = calloc(100000, sizeof(*pfx));
	unsigned int s;
	u32 checked, bad;

	for (s = 0; s < 2; s++) {
		checked = 0;
		gen_set(pfx, sizes[s], family, 0);
		bad = check_set(pfx, sizes[s], family, 1000, sizes[s] / 400,
				&checked);
		tap_ok(!bad, "IPv%d random nested set of %u prefixes: %u sampled addresses agree",
		       family, sizes[s], checked);
	}
	free(pfx);
}

/* ------------------------------------------------------------------------ */
/* Edge cases */

static struct ercx_prefix P4(const char *s, unsigned int plen, u8 via)
{
	struct ercx_prefix p = { .family = 4, .plen = plen, .via = via };

	inet_pton(AF_INET, s, p.addr);
	return p;
}

static struct ercx_prefix P6(const char *s, unsigned int plen, u8 via)
{
	struct ercx_prefix p = { .family = 6, .plen = plen, .via = via };

	inet_pton(AF_INET6, s, p.addr);
	return p;
}

static u32 L4(const struct ercx_lpm *lpm, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ercx_lpm_lookup4(lpm, a.s_addr);
}

static u32 L6(const struct ercx_lpm *lpm, const char *s)
{
	u8 a[16];

	inet_pton(AF_INET6, s, a);
	return ercx_lpm_lookup6(lpm, a);
}

/* The path for @addr with @usable, via lookup + answers */
static u8 S4(const struct ercx_lpm *lpm, const char *s, u8 usable)
{
	u32 r = L4(lpm, s);

	return r ? ercx_select(ercx_lpm_answers(lpm, r - 1), usable) : 0xff;
}

static int build_err(const struct ercx_prefix *p, u32 n, s32 *bad)
{
	struct ercx_lpm *lpm = (struct ercx_lpm *)&lpm;	/* poison */
	int err = ercx_lpm_build(&lpm, p, n, bad);

	if (!err)
		ercx_lpm_free(lpm);
	else if (lpm)
		return 1000;	/* *out must be NULL on failure */
	return err;
}

static void test_edges(void)
{
	struct ercx_lpm *lpm;
	struct ercx_prefix p[8];
	const struct ercx_prefix *q;
	s32 bad;
	int err;

	/* empty table */
	err = ercx_lpm_build(&lpm, NULL, 0, &bad);
	tap_ok(!err && bad == -1 && ercx_lpm_count(lpm) == 0 &&
	       !L4(lpm, "10.0.0.1") && !L6(lpm, "2001:db8::1") &&
	       ercx_lpm_answers(lpm, 0) == 0 && !ercx_lpm_prefix(lpm, 0),
	       "empty table builds and matches nothing");
	ercx_lpm_free(lpm);
	tap_ok(!ercx_lpm_lookup4(NULL, 0) && !ercx_lpm_lookup6(NULL, p[0].addr) &&
	       !ercx_lpm_count(NULL) && !ercx_lpm_answers(NULL, 0),
	       "NULL table matches nothing");
	ercx_lpm_free(NULL);

	/* /0 */
	p[0] = P4("0.0.0.0", 0, ERCX_VIA_ER);
	p[1] = P6("::", 0, ERCX_VIA_VPN);
	err = ercx_lpm_build(&lpm, p, 2, &bad);
	tap_ok(!err && L4(lpm, "0.0.0.0") == 1 && L4(lpm, "255.255.255.255") == 1 &&
	       L4(lpm, "10.1.2.3") == 1 && L6(lpm, "::") == 2 &&
	       L6(lpm, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == 2,
	       "/0 matches every address of its family");
	tap_ok(!err && ercx_lpm_answers(lpm, 0) == (ERCX_PATH_ER << 2 | ERCX_PATH_ER << 6) &&
	       ercx_lpm_answers(lpm, 1) == (ERCX_PATH_VPN << 4 | ERCX_PATH_VPN << 6),
	       "/0 answers: ER-only prefix is ER when ER usable, else none");
	ercx_lpm_free(lpm);

	/* /32 and /128 */
	p[0] = P4("192.0.2.1", 32, ERCX_VIA_ALL);
	p[1] = P4("192.0.2.0", 31, ERCX_VIA_VPN);
	p[2] = P6("2001:db8::1", 128, ERCX_VIA_ALL);
	p[3] = P6("2001:db8::", 127, ERCX_VIA_VPN);
	p[4] = P4("255.255.255.255", 32, ERCX_VIA_ER);
	p[5] = P6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, ERCX_VIA_ER);
	err = ercx_lpm_build(&lpm, p, 6, &bad);
	tap_ok(!err && L4(lpm, "192.0.2.1") == 1 && L4(lpm, "192.0.2.0") == 2 &&
	       L4(lpm, "192.0.2.2") == 0 && L4(lpm, "255.255.255.255") == 5 &&
	       L4(lpm, "255.255.255.254") == 0,
	       "/32 matches exactly its address");
	tap_ok(!err && L6(lpm, "2001:db8::1") == 3 && L6(lpm, "2001:db8::") == 4 &&
	       L6(lpm, "2001:db8::2") == 0 &&
	       L6(lpm, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == 6 &&
	       L6(lpm, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe") == 0,
	       "/128 matches exactly its address");
	tap_ok(!err && S4(lpm, "192.0.2.1", 3) == ERCX_PATH_ER &&
	       S4(lpm, "192.0.2.1", 2) == ERCX_PATH_VPN &&
	       S4(lpm, "192.0.2.1", 1) == ERCX_PATH_ER &&
	       S4(lpm, "192.0.2.0", 1) == ERCX_PATH_NONE,
	       "/32 answers fall back to the covering /31");
	ercx_lpm_free(lpm);

	/* Azure's rule: a VPN-only more specific wins even while ER is up */
	p[0] = P4("10.17.0.0", 16, ERCX_VIA_ALL);
	p[1] = P4("10.17.5.0", 24, ERCX_VIA_VPN);
	p[2] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	err = ercx_lpm_build(&lpm, p, 3, &bad);
	tap_ok(!err && S4(lpm, "10.17.5.9", 3) == ERCX_PATH_VPN &&
	       S4(lpm, "10.17.5.9", 1) == ERCX_PATH_ER &&
	       S4(lpm, "10.17.5.9", 2) == ERCX_PATH_VPN &&
	       S4(lpm, "10.17.5.9", 0) == ERCX_PATH_NONE &&
	       S4(lpm, "10.17.6.9", 3) == ERCX_PATH_ER &&
	       S4(lpm, "10.17.6.9", 2) == ERCX_PATH_VPN &&
	       S4(lpm, "10.18.0.1", 3) == ERCX_PATH_ER &&
	       S4(lpm, "10.18.0.1", 2) == ERCX_PATH_NONE &&
	       S4(lpm, "11.0.0.1", 3) == 0xff,
	       "longest usable prefix wins, ER wins ties, none when no covering path");
	ercx_lpm_free(lpm);

	/*
	 * Exclusions (via 0): the lan inside a 0.0.0.0/0 and a 10.0.0.0/8
	 * summary is left alone whatever is usable; a steered prefix inside
	 * an exclusion is steered, and falls back to the exclusion (left
	 * alone, not NoPath) when its paths are unusable
	 */
	p[0] = P4("0.0.0.0", 0, ERCX_VIA_ALL);
	p[1] = P4("10.0.0.0", 8, ERCX_VIA_ALL);
	p[2] = P4("10.1.0.0", 16, ERCX_VIA_NONE);
	p[3] = P4("10.1.7.0", 24, ERCX_VIA_VPN);
	p[4] = P6("2001:db8::", 32, ERCX_VIA_ER);
	p[5] = P6("2001:db8:1::", 48, ERCX_VIA_NONE);
	err = ercx_lpm_build(&lpm, p, 6, &bad);
	tap_ok(!err && L4(lpm, "10.1.2.3") == 3 &&
	       S4(lpm, "10.1.2.3", 3) == ERCX_ANS_EXCLUDED &&
	       S4(lpm, "10.1.2.3", 1) == ERCX_ANS_EXCLUDED &&
	       S4(lpm, "10.1.2.3", 0) == ERCX_ANS_EXCLUDED &&
	       S4(lpm, "10.2.0.1", 3) == ERCX_PATH_ER &&
	       S4(lpm, "10.2.0.1", 0) == ERCX_PATH_NONE &&
	       S4(lpm, "192.0.2.1", 2) == ERCX_PATH_VPN,
	       "exclusion inside /0 and a summary: left alone whatever is usable");
	tap_ok(!err && L4(lpm, "10.1.7.9") == 4 &&
	       S4(lpm, "10.1.7.9", 3) == ERCX_PATH_VPN &&
	       S4(lpm, "10.1.7.9", 2) == ERCX_PATH_VPN &&
	       S4(lpm, "10.1.7.9", 1) == ERCX_ANS_EXCLUDED &&
	       S4(lpm, "10.1.7.9", 0) == ERCX_ANS_EXCLUDED,
	       "steered prefix inside an exclusion falls back to the exclusion");
	tap_ok(!err && L6(lpm, "2001:db8:1::5") == 6 &&
	       ercx_lpm_answers(lpm, 5) == ERCX_ANS_EXCLUDED * 0x55 &&
	       ercx_lpm_answers(lpm, 4) == (ERCX_PATH_ER << 2 | ERCX_PATH_ER << 6) &&
	       ercx_lpm_prefix(lpm, 5)->via == ERCX_VIA_NONE,
	       "IPv6 exclusion: every answer excluded, kept as via 0");
	ercx_lpm_free(lpm);

	/* duplicates */
	p[0] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[1] = P4("10.1.0.0", 16, ERCX_VIA_ER);
	p[2] = P4("10.0.0.0", 8, ERCX_VIA_VPN);
	err = build_err(p, 3, &bad);
	tap_ok(err == -EEXIST && bad == 2, "duplicate prefix: -EEXIST at the second occurrence (%d, %d)",
	       err, bad);
	p[0] = P6("2001:db8::", 32, ERCX_VIA_ER);
	p[1] = P6("2001:db8::", 32, ERCX_VIA_ER);
	p[2] = P6("2001:db8::", 32, ERCX_VIA_ER);
	p[3] = P4("10.1.0.0", 16, ERCX_VIA_ER);
	p[4] = P4("10.1.0.0", 16, ERCX_VIA_ER);
	err = build_err(p, 5, &bad);
	tap_ok(err == -EEXIST && bad == 1, "triplicate IPv6 prefix: -EEXIST at index 1 (%d, %d)",
	       err, bad);
	p[0] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[1] = P6("a00::", 8, ERCX_VIA_ER);
	p[2] = P4("10.0.0.0", 9, ERCX_VIA_ER);
	err = build_err(p, 3, &bad);
	tap_ok(err == 0 && bad == -1, "same bits in another family or length are not duplicates");

	/* host bits, plen, family, via */
	p[0] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[1] = P4("10.0.0.1", 24, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "IPv4 host bits: -EINVAL at index 1");
	p[1] = P6("2001:db8::1:0", 112, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == 0, "IPv6 /112 with zero last 16 bits accepted");
	p[1] = P6("2001:db8::8000", 113, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == 0, "IPv6 /113 with its last bit inside the prefix accepted");
	p[1] = P6("2001:db8::4000", 113, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "IPv6 host bits: -EINVAL");
	p[1] = P4("0.0.0.1", 0, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "/0 with bits set: -EINVAL");
	p[1] = P4("10.0.0.0", 33, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "IPv4 /33: -EINVAL");
	p[1] = P6("2001:db8::", 129, ERCX_VIA_ER);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "IPv6 /129: -EINVAL");
	p[1] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[1].family = 5;
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "family 5: -EINVAL");
	p[1] = P4("11.0.0.0", 8, 0);
	err = build_err(p, 2, &bad);
	tap_ok(err == 0 && bad == -1, "via 0 (an exclusion) accepted");
	p[1] = P4("11.0.0.0", 8, 4);
	err = build_err(p, 2, &bad);
	tap_ok(err == -EINVAL && bad == 1, "via 4: -EINVAL");
	{
		enum ercx_prefix_fault why = ERCX_PFX_OK;

		err = ercx_prefix_check(&p[1], &why);
		tap_ok(err == -EINVAL && why == ERCX_PFX_VIA,
		       "ercx_prefix_check says why: via (%d)", why);
		p[1].via = 1;
		p[1].plen = 33;
		err = ercx_prefix_check(&p[1], &why);
		tap_ok(err == -EINVAL && why == ERCX_PFX_PLEN,
		       "ercx_prefix_check says why: plen (%d)", why);
		p[1].plen = 7;
		err = ercx_prefix_check(&p[1], &why);
		tap_ok(err == -EINVAL && why == ERCX_PFX_HOST_BITS,
		       "ercx_prefix_check says why: host bits (%d)", why);
		p[1].family = 5;
		err = ercx_prefix_check(&p[1], &why);
		tap_ok(err == -EINVAL && why == ERCX_PFX_FAMILY,
		       "ercx_prefix_check says why: family (%d)", why);
		err = ercx_prefix_check(&p[0], &why);
		tap_ok(err == 0 && why == ERCX_PFX_OK,
		       "ercx_prefix_check accepts a good prefix");
	}
	p[1] = P4("11.0.0.0", 8, 3);
	err = build_err(p, ERCX_LPM_MAX_PREFIXES + 1, &bad);
	tap_ok(err == -E2BIG, "more than ERCX_LPM_MAX_PREFIXES: -E2BIG");
	/* invalid before duplicate: validation reports first */
	p[0] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[1] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[2] = P4("10.0.0.1", 8, ERCX_VIA_ER);
	err = build_err(p, 3, &bad);
	tap_ok(err == -EINVAL && bad == 2, "an invalid prefix is reported before a duplicate");

	/* the table keeps its own copy, IPv4 tail zeroed */
	p[0] = P4("10.0.0.0", 8, ERCX_VIA_ER);
	p[0].addr[9] = 0x5a;
	p[1] = P6("2001:db8::", 32, ERCX_VIA_VPN);
	err = ercx_lpm_build(&lpm, p, 2, &bad);
	memset(p, 0xee, sizeof(p));
	q = err ? NULL : ercx_lpm_prefix(lpm, 0);
	tap_ok(q && q->family == 4 && q->plen == 8 && q->addr[0] == 10 &&
	       q->addr[9] == 0 && ercx_lpm_prefix(lpm, 1)->family == 6 &&
	       !ercx_lpm_prefix(lpm, 2) && L4(lpm, "10.9.9.9") == 1 &&
	       ercx_lpm_mem(lpm) > 0,
	       "table owns a copy of its prefixes (IPv4 tail zeroed)");
	ercx_lpm_free(lpm);

	/* every prefix length, nested, one address each */
	{
		struct ercx_prefix all[129];
		unsigned int l, ok4 = 1, ok6 = 1;
		u8 a6[16];

		for (l = 0; l <= 32; l++) {
			all[l] = P4("203.0.113.77", 32, 1 + l % 3);
			all[l].plen = l;
			set_key(&all[l], 0xcb00714dULL << 32, 0);
		}
		err = ercx_lpm_build(&lpm, all, 33, &bad);
		for (l = 0; l <= 32 && !err; l++) {
			u32 a = l == 32 ? 0xcb00714d : (0xcb00714d ^ (1U << (31 - l)));

			/* flipping bit l leaves prefixes 0..l matching */
			if (ercx_lpm_lookup4(lpm, htonl(a)) != l + 1)
				ok4 = 0;
		}
		tap_ok(!err && ok4, "33 nested IPv4 prefixes /0../32: each length found");
		ercx_lpm_free(lpm);

		for (l = 0; l <= 128; l++) {
			all[l] = P6("2001:db8:1234:5678:9abc:def0:1357:9bdf", 128,
				    1 + l % 3);
			all[l].plen = l;
			set_key(&all[l], load64(all[l].addr), load64(all[l].addr + 8));
		}
		err = ercx_lpm_build(&lpm, all, 129, &bad);
		for (l = 0; l <= 128 && !err; l++) {
			inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1357:9bdf", a6);
			if (l < 128)
				a6[l / 8] ^= 0x80 >> (l % 8);
			if (ercx_lpm_lookup6(lpm, a6) != l + 1)
				ok6 = 0;
		}
		tap_ok(!err && ok6, "129 nested IPv6 prefixes /0../128: each length found");
		ercx_lpm_free(lpm);
	}
}

int main(void)
{
	const char *s = getenv("ERCX_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 20261122;

	tap_seed(seed);
	tap_diag("seed %llu", (unsigned long long)seed);
	test_edges();
	test_random(4);
	test_random(6);
	if (getenv("ERCX_LONG")) {
		test_long(4);
		test_long(6);
	}
	return tap_done();
}
