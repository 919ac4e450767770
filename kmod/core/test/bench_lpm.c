// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix table benchmark driver (see bench.sh and benchmarks/lookup.sh).
 *
 *   bench_lpm build  FAMILY N          build time (median of runs), memory
 *   bench_lpm lookup FAMILY N L KIND [IMPL]
 *                                      build once, then L lookups of KIND
 *                                      "random", "hit" or "mix" addresses
 *                                      by IMPL "poptrie" (the module's
 *                                      table, default) or "radix" (the
 *                                      plain radix tree of radix_ref.h);
 *                                      for callgrind
 *   bench_lpm curve  FAMILY N L RUNS   one row of the lookup-vs-N curve:
 *                                      build time and memory of both
 *                                      tables, and ns per "mix" lookup,
 *                                      median of RUNS, interleaved with an
 *                                      anchor (the module's table with 10
 *                                      prefixes, same addresses)
 *
 * Prefixes (BENCH_DIST): "uniform" (default): N distinct random prefixes,
 * IPv4 /8../32, IPv6 90% /16../64 and 10% /65../128, random addresses;
 * "cluster": inside a few hundred allocations, as an Azure policy is;
 * "bgp": lengths weighted like the Internet's BGP tables (IPv4 mostly /24,
 * then /22, /23, /21, /20; IPv6 mostly /48, then /32, /44, /40, /29) at
 * addresses like theirs (IPv4 1/8..223/8; IPv6 in the RIRs' /12s, prefixes
 * longer than /32 inside /32 allocations).  Random paths.  "hit" addresses
 * lie inside a random prefix of the set, "random" ones anywhere, "mix" is
 * half of each, the random half in the routed space (IPv4 1/8..223/8, IPv6
 * 2000::/3).  Deterministic (fixed seed), so callgrind counts repeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "ercx_core.h"
#include "tap.h"
#include "lpm_ref.h"
#include "radix_ref.h"

/*
 * Under callgrind --instr-atstart=no, only the lookups are simulated (the
 * builds of large tables would take minutes); a no-op otherwise.
 */
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION do { } while (0)
#endif

/* open-addressing set of (hi, lo, plen) */
struct hset {
	u64 *k;
	u32 cap;
};

static int hset_add(struct hset *h, u64 hi, u64 lo, u32 plen)
{
	u64 key = hi ^ (lo * 0xc2b2ae3d27d4eb4fULL) ^ plen;
	u32 i;

	/* splitmix64 finalizer */
	key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
	key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
	key ^= key >> 31;
	i = key & (h->cap - 1);

	for (;; i = (i + 1) & (h->cap - 1)) {
		u64 *e = &h->k[i * 3];

		if (!e[2]) {
			e[0] = hi;
			e[1] = lo;
			e[2] = plen + 1;
			return 1;
		}
		if (e[0] == hi && e[1] == lo && e[2] == plen + 1)
			return 0;
	}
}

static int clustered;	/* BENCH_DIST=cluster */
static int bgp;		/* BENCH_DIST=bgp */

/*
 * Prefix lengths of the BGP tables (rounded counts of the IPv4 table of
 * about 1M prefixes and the IPv6 one of about 200k in 2024, from the CIDR
 * report and bgp.potaroo.net), with a few longer ones as a policy may have.
 */
static const u32 bgp4_w[33] = {
	[8] = 16, [9] = 13, [10] = 37, [11] = 100, [12] = 300, [13] = 600,
	[14] = 1200, [15] = 2000, [16] = 13500, [17] = 8000, [18] = 13500,
	[19] = 25000, [20] = 45000, [21] = 55000, [22] = 130000,
	[23] = 115000, [24] = 560000, [25] = 1000, [26] = 1000, [27] = 1000,
	[28] = 1000, [29] = 1000, [30] = 1000, [31] = 500, [32] = 1000,
};

static const u32 bgp6_w[65] = {
	[16] = 5, [17] = 2, [18] = 2, [19] = 10, [20] = 100, [21] = 20,
	[22] = 30, [23] = 20, [24] = 50, [25] = 30, [26] = 40, [27] = 60,
	[28] = 300, [29] = 6000, [30] = 600, [31] = 400, [32] = 25000,
	[33] = 800, [34] = 1500, [35] = 600, [36] = 4000, [37] = 300,
	[38] = 700, [39] = 300, [40] = 12000, [41] = 300, [42] = 1500,
	[43] = 300, [44] = 15000, [45] = 1000, [46] = 2000, [47] = 1500,
	[48] = 110000, [49] = 50, [50] = 50, [51] = 50, [52] = 50, [53] = 50,
	[54] = 50, [55] = 50, [56] = 600, [57] = 20, [58] = 20, [59] = 20,
	[60] = 20, [61] = 20, [62] = 20, [63] = 20, [64] = 300,
};

static unsigned int pick_len(const u32 *w, unsigned int max)
{
	u32 tot = 0, r;
	unsigned int i;

	for (i = 0; i <= max; i++)
		tot += w[i];
	r = tap_rand(tot);
	for (i = 0; i < max && r >= w[i]; i++)
		r -= w[i];
	return i;
}

/* The RIRs' IPv6 blocks (/12), where the bgp prefixes lie */
static const u64 rir6[] = {
	0x2400000000000000ULL, 0x2600000000000000ULL, 0x2800000000000000ULL,
	0x2a00000000000000ULL, 0x2c00000000000000ULL,
};

/* A random address in the routed space: IPv4 1/8..223/8, IPv6 2000::/3 */
static void routed_addr(int family, u64 *hi, u64 *lo)
{
	if (family == 4) {
		*hi = ((u64)(1 + tap_rand(223)) << 56) |
		      (tap_rand64() & 0x00ffffff00000000ULL);
		*lo = 0;
	} else {
		*hi = 0x2000000000000000ULL |
		      (tap_rand64() & 0x1fffffffffffffffULL);
		*lo = tap_rand64();
	}
}

static struct ercx_prefix *gen(int family, u32 n)
{
	struct ercx_prefix *p = calloc(n ? n : 1, sizeof(*p));
	u64 site_hi[1024], site_lo[1024], *alloc = NULL;
	u32 i, nalloc = 0;
	struct hset h;

	/*
	 * Clustered: like a real policy, prefixes sit inside a few hundred
	 * allocations (IPv4 /14s, IPv6 /32s): IPv4 /16../28 (mostly /24),
	 * IPv6 /36../64 (mostly /48 and /56).
	 */
	for (i = 0; i < 1024; i++) {
		site_hi[i] = tap_rand64();
		site_lo[i] = 0;
	}

	if (bgp && family == 6) {
		/* /32 allocations inside the RIRs' blocks, 16 prefixes each */
		nalloc = n / 16 > 16 ? n / 16 : 16;
		alloc = malloc(nalloc * sizeof(*alloc));
		for (i = 0; i < nalloc; i++)
			alloc[i] = rir6[tap_rand(5)] |
				   (tap_rand64() & 0x000fffff00000000ULL);
	}

	for (h.cap = 1024; h.cap < 4 * n; h.cap *= 2)
		;
	h.k = calloc((size_t)h.cap * 3, sizeof(u64));
	for (i = 0; i < n; ) {
		u64 hi = tap_rand64(), lo = tap_rand64(), mhi, mlo;
		unsigned int plen;

		if (bgp && family == 4) {
			plen = pick_len(bgp4_w, 32);
			routed_addr(4, &hi, &lo);
		} else if (bgp) {
			plen = pick_len(bgp6_w, 64);
			if (plen > 32)
				hi = alloc[tap_rand(nalloc)] |
				     (hi & 0xffffffffULL);
			else
				hi = rir6[tap_rand(5)] |
				     (hi & 0x000fffffffffffffULL);
		} else if (clustered) {
			u32 site = tap_rand(n < 20000 ? 64 : 512);

			mask128(family == 4 ? 14 : 32, &mhi, &mlo);
			hi = (site_hi[site] & mhi) | (hi & ~mhi);
			lo = (site_lo[site] & mlo) | (lo & ~mlo);
			if (family == 4)
				plen = tap_rand(2) ? 24 : 16 + tap_rand(13);
			else
				plen = tap_rand(2) ? 48 + 8 * tap_rand(2) :
				       36 + tap_rand(29);
		} else if (family == 4) {
			plen = 8 + tap_rand(25);
		} else if (tap_rand(10)) {
			plen = 16 + tap_rand(49);
		} else {
			plen = 65 + tap_rand(64);
		}
		if (family == 4) {
			hi &= 0xffffffff00000000ULL;
			lo = 0;
		}
		mask128(plen, &mhi, &mlo);
		hi &= mhi;
		lo &= mlo;
		if (!hset_add(&h, hi, lo, plen))
			continue;
		p[i].family = family;
		p[i].plen = plen;
		p[i].via = 1 + tap_rand(3);
		store64(p[i].addr, hi);
		if (family == 6)
			store64(p[i].addr + 8, lo);
		i++;
	}
	free(h.k);
	free(alloc);
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* L lookup addresses (16 bytes each) of KIND into the prefixes @p */
static u8 *gen_addrs(int family, const struct ercx_prefix *p, u32 n, u32 l,
		     const char *kind)
{
	u8 *addrs = malloc((size_t)l * 16);
	int hit = !strcmp(kind, "hit"), mix = !strcmp(kind, "mix");
	u32 i;

	for (i = 0; i < l; i++) {
		u8 *a = addrs + (size_t)i * 16;
		u64 hi = tap_rand64(), lo = tap_rand64();

		if ((hit || (mix && (i & 1))) && n) {
			const struct ercx_prefix *q = &p[tap_rand(n)];
			u64 mhi, mlo;

			mask128(q->plen, &mhi, &mlo);
			hi = load64(q->addr) | (hi & ~mhi);
			lo = load64(q->addr + 8) | (lo & ~mlo);
		} else if (mix) {
			routed_addr(family, &hi, &lo);
		}
		store64(a, hi);
		store64(a + 8, lo);
	}
	return addrs;
}

static void radix_build(struct radix *t, const struct ercx_prefix *p, u32 n)
{
	u32 i;

	t->root = NULL;
	t->nnodes = 0;
	for (i = 0; i < n; i++)
		radix_insert(t, load64(p[i].addr),
			     p[i].family == 4 ? 0 : load64(p[i].addr + 8),
			     p[i].plen, i + 1);
}

static u32 run_lpm(const struct ercx_lpm *lpm, int family, const u8 *addrs,
		   u32 l)
{
	u32 i, sum = 0;

	if (family == 4) {
		for (i = 0; i < l; i++) {
			u32 a4;

			memcpy(&a4, addrs + (size_t)i * 16, 4);
			sum += ercx_lpm_lookup4(lpm, a4);
		}
	} else {
		for (i = 0; i < l; i++)
			sum += ercx_lpm_lookup6(lpm, addrs + (size_t)i * 16);
	}
	return sum;
}

static u32 run_radix(const struct radix *t, const u8 *addrs, u32 l)
{
	u32 i, sum = 0;

	for (i = 0; i < l; i++) {
		u64 hi, lo;

		memcpy(&hi, addrs + (size_t)i * 16, 8);
		memcpy(&lo, addrs + (size_t)i * 16 + 8, 8);
		sum += radix_lookup(t, __builtin_bswap64(hi),
				    __builtin_bswap64(lo));
	}
	return sum;
}

static double median(double *t, int n)
{
	qsort(t, n, sizeof(*t), cmpd);
	return n & 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* One row of the curve (see the top of the file) */
static int curve(int family, u32 n, struct ercx_prefix *p, u32 l, int runs)
{
	double tb[32], trb[32], tp[32], tr[32], ta[32], t0;
	struct ercx_lpm *lpm, *anchor;
	struct ercx_prefix *p10;
	struct radix rt;
	u32 i, disagree = 0;
	volatile u32 sink;
	u8 *addrs;
	s32 bad;
	int r;

	if (runs > 32)
		runs = 32;
	for (r = 0; r < runs; r++) {
		t0 = now();
		if (ercx_lpm_build(&lpm, p, n, &bad))
			return 1;
		tb[r] = now() - t0;
		if (r < runs - 1)
			ercx_lpm_free(lpm);
		t0 = now();
		radix_build(&rt, p, n);
		trb[r] = now() - t0;
		if (r < runs - 1)
			radix_free(&rt);
	}
	addrs = gen_addrs(family, p, n, l, "mix");
	tap_seed(0xa5c0 + family);
	p10 = gen(family, 10);
	if (ercx_lpm_build(&anchor, p10, 10, &bad))
		return 1;
	for (i = 0; i < l; i++) {
		const u8 *a = addrs + (size_t)i * 16;
		u64 hi = load64(a), lo = load64(a + 8);

		if (family == 4) {
			hi &= 0xffffffff00000000ULL;
			lo = 0;
		}
		if (lookup(lpm, family, hi, lo) != radix_lookup(&rt, hi, lo))
			disagree++;
	}
	/* interleaved, so that the machine's load hits all three alike */
	for (r = 0; r < runs; r++) {
		t0 = now();
		sink = run_lpm(anchor, family, addrs, l);
		ta[r] = (now() - t0) * 1e9 / l;
		t0 = now();
		sink = run_lpm(lpm, family, addrs, l);
		tp[r] = (now() - t0) * 1e9 / l;
		t0 = now();
		sink = run_radix(&rt, addrs, l);
		tr[r] = (now() - t0) * 1e9 / l;
	}
	(void)sink;
	printf("family=%d n=%u build_ms=%.3f mem_bytes=%zu ns=%.2f anchor_ns=%.2f radix_build_ms=%.3f radix_bytes=%zu radix_ns=%.2f disagree=%u\n",
	       family, n, median(tb, runs) * 1e3, ercx_lpm_mem(lpm),
	       median(tp, runs), median(ta, runs), median(trb, runs) * 1e3,
	       (size_t)rt.nnodes * sizeof(struct radix_node), median(tr, runs),
	       disagree);
	ercx_lpm_free(lpm);
	ercx_lpm_free(anchor);
	radix_free(&rt);
	free(p10);
	free(addrs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dist = getenv("BENCH_DIST");
	struct ercx_lpm *lpm;
	struct ercx_prefix *p;
	int family, rc = 0;
	u32 n;
	s32 bad;

	if (argc < 4) {
		fprintf(stderr, "usage: %s build|lookup|curve FAMILY N [L KIND [IMPL] | L RUNS]\n",
			argv[0]);
		return 2;
	}
	clustered = dist && !strcmp(dist, "cluster");
	bgp = dist && !strcmp(dist, "bgp");
	family = atoi(argv[2]);
	n = strtoul(argv[3], NULL, 0);
	tap_seed(0x5eed0000 + n * 10 + family);
	p = gen(family, n);

	if (!strcmp(argv[1], "build")) {
		double t[9];
		int r;

		for (r = 0; r < 9; r++) {
			double t0 = now();

			if (ercx_lpm_build(&lpm, p, n, &bad)) {
				fprintf(stderr, "build failed at %d\n", bad);
				return 1;
			}
			t[r] = now() - t0;
			if (r < 8)
				ercx_lpm_free(lpm);
		}
		qsort(t, 9, sizeof(t[0]), cmpd);
		printf("build_ms %.3f mem_bytes %zu min_ms %.3f\n", t[4] * 1e3,
		       ercx_lpm_mem(lpm), t[0] * 1e3);
		ercx_lpm_free(lpm);
	} else if (!strcmp(argv[1], "lookup") && argc >= 6) {
		u32 l = strtoul(argv[4], NULL, 0), sum;
		int radix = argc >= 7 && !strcmp(argv[6], "radix");
		u8 *addrs = gen_addrs(family, p, n, l, argv[5]);
		struct radix rt;
		double t0;

		if (radix) {
			radix_build(&rt, p, n);
			CALLGRIND_START_INSTRUMENTATION;
			t0 = now();
			sum = run_radix(&rt, addrs, l);
			radix_free(&rt);
		} else {
			if (ercx_lpm_build(&lpm, p, n, &bad))
				return 1;
			CALLGRIND_START_INSTRUMENTATION;
			t0 = now();
			sum = run_lpm(lpm, family, addrs, l);
			ercx_lpm_free(lpm);
		}
		printf("ns_per_lookup %.1f checksum %u\n",
		       (now() - t0) * 1e9 / l, sum);
		free(addrs);
	} else if (!strcmp(argv[1], "curve") && argc >= 6) {
		rc = curve(family, n, p, strtoul(argv[4], NULL, 0),
			   atoi(argv[5]));
	} else {
		return 2;
	}
	free(p);
	return rc;
}
