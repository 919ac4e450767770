// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix table benchmark driver (see bench.sh).
 *
 *   bench_lpm build  FAMILY N          build time (median of runs), memory
 *   bench_lpm lookup FAMILY N L KIND   build once, then L lookups of
 *                                      KIND "random" or "hit" addresses
 *
 * Prefixes: N distinct random prefixes; IPv4 /8../32, IPv6 90% /16../64 and
 * 10% /65../128; random paths.  BENCH_DIST=cluster: prefixes inside a few
 * hundred allocations, as real policies are (see gen()).  "hit" addresses lie inside a random prefix
 * of the set.  Deterministic (fixed seed), so callgrind counts repeat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "ercx_core.h"
#include "tap.h"
#include "lpm_ref.h"

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

static struct ercx_prefix *gen(int family, u32 n)
{
	struct ercx_prefix *p = calloc(n ? n : 1, sizeof(*p));
	u64 site_hi[1024], site_lo[1024];
	struct hset h;
	u32 i;

	/*
	 * Clustered: like a real policy, prefixes sit inside a few hundred
	 * allocations (IPv4 /14s, IPv6 /32s): IPv4 /16../28 (mostly /24),
	 * IPv6 /36../64 (mostly /48 and /56).
	 */
	for (i = 0; i < 1024; i++) {
		site_hi[i] = tap_rand64();
		site_lo[i] = 0;
	}

	for (h.cap = 1024; h.cap < 4 * n; h.cap *= 2)
		;
	h.k = calloc((size_t)h.cap * 3, sizeof(u64));
	for (i = 0; i < n; ) {
		u64 hi = tap_rand64(), lo = tap_rand64(), mhi, mlo;
		unsigned int plen;

		if (clustered) {
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

int main(int argc, char **argv)
{
	struct ercx_lpm *lpm;
	struct ercx_prefix *p;
	int family;
	u32 n;
	s32 bad;

	if (argc < 4) {
		fprintf(stderr, "usage: %s build|lookup FAMILY N [L KIND]\n", argv[0]);
		return 2;
	}
	clustered = getenv("BENCH_DIST") && !strcmp(getenv("BENCH_DIST"), "cluster");
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
		u32 l = strtoul(argv[4], NULL, 0), i, sum = 0;
		int hit = !strcmp(argv[5], "hit");
		u8 *addrs = malloc((size_t)l * 16);
		double t0;

		if (ercx_lpm_build(&lpm, p, n, &bad))
			return 1;
		for (i = 0; i < l; i++) {
			u8 *a = addrs + (size_t)i * 16;
			u64 hi = tap_rand64(), lo = tap_rand64();

			if (hit && n) {
				const struct ercx_prefix *q = &p[tap_rand(n)];
				u64 mhi, mlo;

				mask128(q->plen, &mhi, &mlo);
				hi = load64(q->addr) | (hi & ~mhi);
				lo = load64(q->addr + 8) | (lo & ~mlo);
			}
			store64(a, hi);
			store64(a + 8, lo);
		}
		t0 = now();
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
		printf("ns_per_lookup %.1f checksum %u\n",
		       (now() - t0) * 1e9 / l, sum);
		free(addrs);
		ercx_lpm_free(lpm);
	} else {
		return 2;
	}
	free(p);
	return 0;
}
