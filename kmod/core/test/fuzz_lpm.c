// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix table fuzz target: build a table from fuzzed prefixes and look
 * fuzzed addresses up, against the brute-force reference (lpm_ref.h).
 * Aborts when an invariant breaks.
 *
 * Built two ways (Makefile): with clang's libFuzzer (-DERCX_LIBFUZZER,
 * `make libfuzz`), or as a replay driver that takes one input per file
 * named on the command line (or stdin).
 *
 * Input: byte 0 = number of prefixes (low 6 bits); per prefix one byte of
 * flags (bit 0 family 4/6, bits 1-2 via, bit 3 plen taken raw instead of
 * modulo the family's width, bit 4 keep host bits), one byte plen, then 4
 * or 16 address bytes; the rest are addresses to look up, each led by a
 * family byte.  Missing bytes read as 0.  Invariants:
 *  - the build succeeds exactly when every prefix passes
 *    ercx_prefix_check() and no prefix repeats, and otherwise names the
 *    first offending index with the matching errno;
 *  - each lookup returns the reference's longest match, and the answers
 *    for every usable mask are the reference's;
 *  - the table reports its count and returns each prefix as given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpm_ref.h"

/* An invariant broke: say which, then abort (the fuzzer saves the input) */
#define BROKE(...) do { fprintf(stderr, "fuzz_lpm: " __VA_ARGS__); \
			 fputc('\n', stderr); abort(); } while (0)

struct cursor {
	const u8 *p;
	size_t n;
};

static u8 next(struct cursor *c)
{
	u8 b = 0;

	if (c->n) {
		b = *c->p++;
		c->n--;
	}
	return b;
}

static int same_prefix(const struct ercx_prefix *a,
		       const struct ercx_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16);
}

/*
 * What ercx_lpm_build() must say about @pfx: 0, or its errno and index: the
 * first prefix that fails ercx_prefix_check(), else the first one that
 * repeats an earlier one
 */
static int expect_build(const struct ercx_prefix *pfx, u32 n, s32 *bad)
{
	u32 i, j;

	for (i = 0; i < n; i++) {
		if (ercx_prefix_check(&pfx[i], NULL)) {
			*bad = i;
			return -EINVAL;
		}
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (same_prefix(&pfx[i], &pfx[j])) {
				*bad = i;
				return -EEXIST;
			}
		}
	}
	*bad = -1;
	return 0;
}

static void one(const u8 *in, size_t len)
{
	struct cursor c = { in, len };
	struct ercx_prefix pfx[64];
	struct ref refs[64];
	struct ercx_lpm *lpm = NULL;
	s32 bad, wbad;
	int err, werr;
	u32 n, i;

	memset(pfx, 0, sizeof(pfx));
	n = next(&c) & 63;
	for (i = 0; i < n; i++) {
		struct ercx_prefix *p = &pfx[i];
		u8 f = next(&c), plen = next(&c);
		unsigned int bits, k;

		p->family = f & 1 ? 6 : 4;
		bits = p->family == 4 ? 32 : 128;
		p->via = (f >> 1) & 3;
		p->plen = f & 8 ? plen : plen % (bits + 1);
		for (k = 0; k < bits / 8; k++)
			p->addr[k] = next(&c);
		if (!(f & 16) && p->plen <= bits) {
			/* clear the host bits, as a valid config has them */
			for (k = p->plen; k < bits; k++)
				p->addr[k / 8] &= ~(0x80 >> (k % 8));
		}
	}

	werr = expect_build(pfx, n, &wbad);
	err = ercx_lpm_build(&lpm, pfx, n, &bad);
	if (err != werr || (err && bad != wbad) || !err != !!lpm)
		BROKE("build: %d bad %d, want %d bad %d (%u prefixes)", err, bad,
		      werr, wbad, n);
	if (err)
		return;
	if (ercx_lpm_count(lpm) != n)
		BROKE("count %u, want %u", ercx_lpm_count(lpm), n);
	for (i = 0; i < n; i++) {
		if (!same_prefix(ercx_lpm_prefix(lpm, i), &pfx[i]) ||
		    ercx_lpm_prefix(lpm, i)->via != pfx[i].via)
			BROKE("prefix %u not returned as given", i);
		to_ref(&pfx[i], &refs[i]);
	}

	while (c.n) {
		int family = next(&c) & 1 ? 6 : 4;
		u8 a[16] = { 0 };
		u64 hi, lo;
		u32 want, got;
		u8 wans, gans;
		unsigned int k, u;

		for (k = 0; k < (family == 4 ? 4U : 16U); k++)
			a[k] = next(&c);
		hi = load64(a);
		lo = family == 4 ? 0 : load64(a + 8);
		if (family == 4)
			hi &= 0xffffffff00000000ULL;
		brute(refs, pfx, n, family, hi, lo, &want, &wans);
		got = lookup(lpm, family, hi, lo);
		if (got > n)
			BROKE("lookup %u beyond %u prefixes", got, n);
		gans = got ? ercx_lpm_answers(lpm, got - 1) : 0;
		/* the longest match is unique: repeats are refused */
		if (got != want)
			BROKE("IPv%d %016llx:%016llx: lookup %u, want %u", family,
			      (unsigned long long)hi, (unsigned long long)lo,
			      got, want);
		for (u = 0; u < 4; u++)
			if (ercx_select(gans, u) != ercx_select(wans, u))
				BROKE("IPv%d %016llx:%016llx: answers %02x, want %02x",
				      family, (unsigned long long)hi,
				      (unsigned long long)lo, gans, wans);
	}
	ercx_lpm_free(lpm);
}

#ifdef ERCX_LIBFUZZER
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	one(data, size);
	return 0;
}
#else
/* One input from stdin, or one per file named on the command line */
int main(int argc, char **argv)
{
	static u8 in[65536];
	FILE *f;
	int i;

	if (argc < 2) {
		one(in, fread(in, 1, sizeof(in), stdin));
		return 0;
	}
	for (i = 1; i < argc; i++) {
		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		one(in, fread(in, 1, sizeof(in), f));
		fclose(f);
	}
	return 0;
}
#endif
