// SPDX-License-Identifier: GPL-2.0
/*
 * MSS clamp tests on crafted TCP segments, IPv4 and IPv6.
 *
 * Every segment is built with a valid TCP checksum over the pseudo-header
 * and the segment; after the clamp the checksum is recomputed from scratch
 * and must still be valid.  The clamp always gets a heap buffer of exactly
 * @len bytes, so ASan/valgrind catch any read or write past @len.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ercx_core.h"
#include "tap.h"

#define MAXSEG	256

struct pkt {
	int family;
	u8 src[16], dst[16];
	u8 seg[MAXSEG];
	unsigned int seglen;
};

static const char * const resname[] = {
	"NOT_SYN", "OK", "CLAMPED", "ABSENT", "MALFORMED",
};

static u32 sum16(const u8 *b, unsigned int len, u32 sum)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (u32)b[len - 1] << 8;
	return sum;
}

static u16 fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* One's complement sum over pseudo-header + segment, check field included */
static u16 full_sum(const struct pkt *p)
{
	u8 ph[40];
	unsigned int phlen;

	memset(ph, 0, sizeof(ph));
	if (p->family == 4) {
		memcpy(ph, p->src, 4);
		memcpy(ph + 4, p->dst, 4);
		ph[9] = 6;
		ph[10] = p->seglen >> 8;
		ph[11] = p->seglen & 0xff;
		phlen = 12;
	} else {
		memcpy(ph, p->src, 16);
		memcpy(ph + 16, p->dst, 16);
		ph[34] = p->seglen >> 8;
		ph[35] = p->seglen & 0xff;
		ph[39] = 6;
		phlen = 40;
	}
	return fold(sum16(p->seg, p->seglen, sum16(ph, phlen, 0)));
}

static int csum_ok(const struct pkt *p)
{
	return full_sum(p) == 0xffff;
}

static void csum_fix(struct pkt *p)
{
	u16 c;

	p->seg[16] = 0;
	p->seg[17] = 0;
	c = ~full_sum(p);
	p->seg[16] = c >> 8;
	p->seg[17] = c & 0xff;
}

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_ACK	0x10

/*
 * A segment with @opts (@optlen bytes) after the fixed header, doff from
 * @doff (0: derived from optlen, which must then be a multiple of 4) and
 * @payload bytes of data; valid checksum.
 */
static void mkseg(struct pkt *p, int family, u8 flags, const u8 *opts,
		  unsigned int optlen, unsigned int doff, unsigned int payload)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->family = family;
	for (i = 0; i < 16; i++) {
		p->src[i] = tap_rand(256);
		p->dst[i] = tap_rand(256);
	}
	for (i = 0; i < 12; i++)
		p->seg[i] = tap_rand(256);
	p->seg[12] = (doff ? doff : (20 + optlen) / 4) << 4;
	p->seg[13] = flags;
	p->seg[14] = 0xfa;
	p->seg[15] = 0xf0;
	memcpy(p->seg + 20, opts, optlen);
	p->seglen = 20 + optlen + payload;
	for (i = 20 + optlen; i < p->seglen; i++)
		p->seg[i] = tap_rand(256);
	csum_fix(p);
}

/* The clamp on an exact-size heap copy of the first @len bytes */
static enum ercx_mss_result clamp(struct pkt *p, unsigned int len, u16 max,
				  bool upd, u16 *old)
{
	enum ercx_mss_result r;
	u8 *b = malloc(len ? len : 1);

	memcpy(b, p->seg, len);
	r = ercx_mss_clamp(b, len, max, upd, old);
	memcpy(p->seg, b, len);
	free(b);
	return r;
}

static u16 get16(const struct pkt *p, unsigned int off)
{
	return (u16)p->seg[off] << 8 | p->seg[off + 1];
}

/*
 * Run one case.  @mssoff: offsets of the MSS values that must become @want
 * (CLAMPED) - every other byte but the checksum must stay.  Others: the
 * segment must stay byte for byte.
 */
static void run(const char *name, struct pkt *p, unsigned int len, u16 max,
		bool upd, enum ercx_mss_result want, u16 want_old,
		const unsigned int *mssoff, unsigned int nmss, u16 want_mss)
{
	struct pkt orig = *p, expect = *p;
	enum ercx_mss_result r;
	int good = csum_ok(p);
	u16 old = 0xdead;
	unsigned int i;

	r = clamp(p, len, max, upd, &old);
	for (i = 0; i < nmss && want == ERCX_MSS_CLAMPED; i++) {
		expect.seg[mssoff[i]] = want_mss >> 8;
		expect.seg[mssoff[i] + 1] = want_mss & 0xff;
	}
	if (want == ERCX_MSS_CLAMPED && upd) {
		expect.seg[16] = p->seg[16];
		expect.seg[17] = p->seg[17];
	}
	tap_ok(good && r == want && old == want_old &&
	       !memcmp(p->seg, expect.seg, sizeof(p->seg)) &&
	       (want != ERCX_MSS_CLAMPED || !upd || csum_ok(p)) &&
	       (want == ERCX_MSS_CLAMPED || !memcmp(p->seg, orig.seg, sizeof(p->seg))),
	       "IPv%d %s: %s (want %s), old %u (want %u), checksum %s",
	       p->family, name, r <= 4 ? resname[r] : "?", resname[want], old,
	       want_old, csum_ok(p) ? "valid" : "INVALID");
}

/* What an update that ignores the byte parity of the offset would write */
static void naive_update(struct pkt *p, unsigned int off, u16 from, u16 to)
{
	u32 c = get16(p, 16), sum;

	p->seg[off] = to >> 8;
	p->seg[off + 1] = to & 0xff;
	sum = (~c & 0xffff) + (~from & 0xffff) + to;
	c = ~fold(sum) & 0xffff;
	p->seg[16] = c >> 8;
	p->seg[17] = c & 0xff;
}

#define O(...)	((const u8[]){ __VA_ARGS__ }), sizeof((const u8[]){ __VA_ARGS__ })
#define AT(...)	((const unsigned int[]){ __VA_ARGS__ }), \
		sizeof((const unsigned int[]){ __VA_ARGS__ }) / sizeof(unsigned int)
#define NONE	NULL, 0

static void cases(int fam)
{
	struct pkt p, n;
	const u16 M = 1250;

	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4), 0, 0);
	run("MSS first", &p, p.seglen, M, true, ERCX_MSS_CLAMPED, 1460, AT(22), M);

	mkseg(&p, fam, F_SYN, O(1, 2, 4, 0x05, 0xb4, 1, 1, 1), 0, 0);
	n = p;
	naive_update(&n, 23, 1460, M);
	tap_ok(!csum_ok(&n), "IPv%d after one NOP: an update ignoring byte parity would break the checksum",
	       fam);
	run("MSS after one NOP (odd offset)", &p, p.seglen, M, true,
	    ERCX_MSS_CLAMPED, 1460, AT(23), M);

	mkseg(&p, fam, F_SYN, O(1, 1, 2, 4, 0x23, 0x28, 1, 1), 0, 0);
	run("MSS after two NOPs", &p, p.seglen, M, true, ERCX_MSS_CLAMPED,
	    9000, AT(24), M);

	mkseg(&p, fam, F_SYN, O(1, 1, 1, 1, 4, 2, 1, 1, 2, 4, 0x05, 0xb4), 0, 0);
	run("MSS as the last header bytes", &p, p.seglen, M, true,
	    ERCX_MSS_CLAMPED, 1460, AT(30), M);

	mkseg(&p, fam, F_SYN, O(1, 1, 4, 2), 0, 0);
	run("no MSS option", &p, p.seglen, M, true, ERCX_MSS_ABSENT, 0, NONE, 0);

	mkseg(&p, fam, F_SYN, O(8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 4, 2, 3, 3, 7,
				1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				1, 1, 1, 1, 1, 1, 2, 4, 0xff, 0xff), 0, 0);
	run("doff 15 (40 bytes of options, MSS last)", &p, p.seglen, M, true,
	    ERCX_MSS_CLAMPED, 65535, AT(58), M);

	mkseg(&p, fam, F_SYN, O(3, 3, 7, 2, 4, 0x05, 0xb4, 1), 0, 101);
	run("SYN with 101 bytes of data (odd MSS offset, odd length)", &p,
	    p.seglen, M, true, ERCX_MSS_CLAMPED, 1460, AT(25), M);

	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4), 4, 0);
	run("doff 4", &p, p.seglen, M, true, ERCX_MSS_MALFORMED, 0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4), 0, 0);
	p.seg[12] = 0;
	csum_fix(&p);
	run("doff 0", &p, p.seglen, M, true, ERCX_MSS_MALFORMED, 0, NONE, 0);

	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4, 1, 1, 1, 1), 0, 0);
	run("doff*4 beyond len, MSS whole before len", &p, 24, M, true,
	    ERCX_MSS_CLAMPED, 1460, AT(22), M);
	mkseg(&p, fam, F_SYN, O(1, 1, 2, 4, 0x05, 0xb4, 1, 1), 0, 0);
	run("doff*4 beyond len, MSS cut by len", &p, 25, M, true,
	    ERCX_MSS_MALFORMED, 0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(1, 1, 1, 2, 4, 0x05, 0xb4, 1), 0, 0);
	run("doff*4 beyond len, MSS kind is the last byte of len", &p, 24, M,
	    true, ERCX_MSS_MALFORMED, 0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2, 4, 0x05, 0xb4,
				1, 1), 0, 0);
	run("doff*4 beyond len, other option cut by len: walk ends", &p, 26, M,
	    true, ERCX_MSS_ABSENT, 0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4), 15, 0);
	run("doff 15 on a 24-byte segment", &p, p.seglen, M, true,
	    ERCX_MSS_CLAMPED, 1460, AT(22), M);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4), 0, 0);
	run("header cut at 13 bytes", &p, 13, M, true, ERCX_MSS_MALFORMED, 0,
	    NONE, 0);

	mkseg(&p, fam, F_SYN, O(3, 0, 2, 4, 0x05, 0xb4, 1, 1), 0, 0);
	run("option length 0", &p, p.seglen, M, true, ERCX_MSS_MALFORMED, 0,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(30, 1, 2, 4, 0x05, 0xb4, 1, 1), 0, 0);
	run("option length 1", &p, p.seglen, M, true, ERCX_MSS_MALFORMED, 0,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4, 30, 8, 0, 0), 0, 4);
	run("option past the header", &p, p.seglen, M, true,
	    ERCX_MSS_MALFORMED, 1460, NONE, 0);
	mkseg(&p, fam, F_SYN, O(1, 1, 2, 4), 0, 2);
	p.seg[24] = 0x05;
	p.seg[25] = 0xb4;
	csum_fix(&p);
	run("MSS option running into the data", &p, p.seglen, M, true,
	    ERCX_MSS_MALFORMED, 0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4, 1, 1, 1, 3), 0, 4);
	run("a kind as the final byte, no length byte", &p, p.seglen, M, true,
	    ERCX_MSS_MALFORMED, 1460, NONE, 0);
	mkseg(&p, fam, F_SYN, O(1, 1, 1, 2), 0, 4);
	run("MSS kind as the final byte", &p, p.seglen, M, true,
	    ERCX_MSS_MALFORMED, 0, NONE, 0);

	mkseg(&p, fam, F_SYN, O(2, 3, 0x05, 1), 0, 0);
	run("MSS option length 3", &p, p.seglen, M, true, ERCX_MSS_MALFORMED,
	    0, NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 6, 0x05, 0xb4, 0, 0, 1, 1), 0, 0);
	run("MSS option length 6", &p, p.seglen, M, true, ERCX_MSS_MALFORMED,
	    0, NONE, 0);

	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4, 1, 2, 4, 0x05, 0xb4, 1, 1, 1), 0, 0);
	run("two MSS options, same value: both clamped", &p, p.seglen, M,
	    true, ERCX_MSS_CLAMPED, 1460, AT(22, 27), M);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x05, 0xb4, 2, 4, 0x05, 0xb0), 0, 0);
	run("two MSS options, different values", &p, p.seglen, M, true,
	    ERCX_MSS_MALFORMED, 1460, NONE, 0);

	mkseg(&p, fam, F_SYN, O(1, 0, 2, 4, 0x05, 0xb4, 0, 0), 0, 0);
	run("EOL before MSS", &p, p.seglen, M, true, ERCX_MSS_ABSENT, 0,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(0, 30, 0, 2), 0, 0);
	run("EOL before garbage", &p, p.seglen, M, true, ERCX_MSS_ABSENT, 0,
	    NONE, 0);

	mkseg(&p, fam, F_ACK, O(2, 4, 0x05, 0xb4), 0, 0);
	run("ACK without SYN", &p, p.seglen, M, true, ERCX_MSS_NOT_SYN, 0,
	    NONE, 0);
	mkseg(&p, fam, F_RST | F_ACK, O(2, 4, 0x05, 0xb4), 0, 0);
	run("RST without SYN", &p, p.seglen, M, true, ERCX_MSS_NOT_SYN, 0,
	    NONE, 0);
	mkseg(&p, fam, F_FIN | F_ACK, O(2, 4, 0x05, 0xb4), 0, 0);
	run("FIN without SYN", &p, p.seglen, M, true, ERCX_MSS_NOT_SYN, 0,
	    NONE, 0);
	mkseg(&p, fam, F_ACK, O(2, 4, 0x05, 0xb4), 4, 0);
	run("non-SYN with doff 4", &p, p.seglen, M, true, ERCX_MSS_NOT_SYN, 0,
	    NONE, 0);

	mkseg(&p, fam, F_SYN | F_ACK, O(4, 2, 1, 2, 4, 0x23, 0x8c, 3, 3, 7, 1, 1), 0, 0);
	run("SYN-ACK (odd offset)", &p, p.seglen, M, true, ERCX_MSS_CLAMPED,
	    9100, AT(25), M);

	mkseg(&p, fam, F_SYN, O(2, 4, 0x04, 0xb0), 0, 0);
	run("MSS 1200 below max", &p, p.seglen, M, true, ERCX_MSS_OK, 1200,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x04, 0xe2), 0, 0);
	run("MSS equal to max", &p, p.seglen, M, true, ERCX_MSS_OK, 1250,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x02, 0x18), 0, 0);
	run("MSS 536 never raised", &p, p.seglen, 1460, true, ERCX_MSS_OK, 536,
	    NONE, 0);
	mkseg(&p, fam, F_SYN, O(2, 4, 0x00, 0x00), 0, 0);
	run("MSS 0 never raised", &p, p.seglen, M, true, ERCX_MSS_OK, 0,
	    NONE, 0);

	mkseg(&p, fam, F_SYN, O(1, 2, 4, 0x05, 0xb4, 1, 1, 1), 0, 0);
	{
		u8 c0 = p.seg[16], c1 = p.seg[17];
		enum ercx_mss_result r = clamp(&p, p.seglen, M, false, NULL);

		tap_ok(r == ERCX_MSS_CLAMPED && get16(&p, 23) == M &&
		       p.seg[16] == c0 && p.seg[17] == c1,
		       "IPv%d update_csum=false: MSS lowered, check field untouched", fam);
	}
}

/*
 * Random option layouts: NOPs and other options around zero, one or two
 * MSS options, random data, random MSS and max.  The result must follow
 * the rules and the recomputed checksum must stay valid.
 */
static void random_layouts(void)
{
	unsigned int iter, bad = 0, clamped = 0, odd = 0;

	for (iter = 0; iter < 30000; iter++) {
		u8 opts[40];
		unsigned int optlen = 0, nmss = 0, at[4], i;
		u16 mss = tap_rand(2) ? 1000 + tap_rand(9000) : tap_rand(65536);
		u16 max = 536 + tap_rand(9000 - 536 + 1);
		int want_mss = tap_rand(8) ? 1 + (tap_rand(6) == 0) : 0;
		int eol = tap_rand(10) == 0;
		enum ercx_mss_result r, want;
		struct pkt p;
		u16 old;

		while (optlen < 36) {
			unsigned int k = tap_rand(7), l;

			if (nmss < (unsigned int)want_mss && tap_rand(3) == 0) {
				at[nmss++] = 20 + optlen + 2;
				opts[optlen++] = 2;
				opts[optlen++] = 4;
				opts[optlen++] = mss >> 8;
				opts[optlen++] = mss & 0xff;
				continue;
			}
			if (k < 3) {
				opts[optlen++] = 1;
				continue;
			}
			if (tap_rand(4) == 0)
				break;
			l = k == 3 ? 3 : k == 4 ? 2 : k == 5 ? 10 : 2 + tap_rand(5);
			if (optlen + l > 36)
				break;
			opts[optlen] = k == 3 ? 3 : k == 4 ? 4 : k == 5 ? 8 : 30;
			opts[optlen + 1] = l;
			for (i = 2; i < l; i++)
				opts[optlen + i] = tap_rand(256);
			optlen += l;
		}
		if (eol && optlen < 40)
			opts[optlen++] = 0;
		while (optlen % 4)
			opts[optlen++] = eol ? 0 : 1;
		mkseg(&p, tap_rand(2) ? 4 : 6,
		      F_SYN | (tap_rand(2) ? F_ACK : 0), opts, optlen, 0,
		      tap_rand(64));
		r = clamp(&p, p.seglen, max, true, &old);
		if (!nmss)
			want = ERCX_MSS_ABSENT;
		else
			want = mss > max ? ERCX_MSS_CLAMPED : ERCX_MSS_OK;
		if (r != want || !csum_ok(&p) || old != (nmss ? mss : 0))
			bad++;
		for (i = 0; i < nmss; i++) {
			if (get16(&p, at[i]) != (mss > max ? max : mss))
				bad++;
			if (r == ERCX_MSS_CLAMPED && (at[i] & 1))
				odd++;
		}
		clamped += r == ERCX_MSS_CLAMPED;
		if (bad == 1) {
			tap_diag("iteration %u: %s want %s, old %u mss %u max %u, nmss %u",
				 iter, resname[r], resname[want], old, mss, max, nmss);
			bad++;
		}
	}
	tap_ok(!bad && clamped > 1000 && odd > 100,
	       "30000 random option layouts: results and checksums right (%u clamped, %u at odd offsets)",
	       clamped, odd);
}

/*
 * Garbage: random bytes with random lengths.  Never touches anything but
 * the MSS value(s) and the checksum, and only when it says CLAMPED; a valid
 * checksum stays valid.
 */
static void garbage(void)
{
	unsigned int iter, bad = 0, clamped = 0, i;

	for (iter = 0; iter < 200000; iter++) {
		struct pkt p, o;
		unsigned int len = tap_rand(72);
		enum ercx_mss_result r;
		u16 old;

		memset(&p, 0, sizeof(p));
		p.family = 4;
		p.seglen = len;
		for (i = 0; i < len; i++)
			p.seg[i] = tap_rand(4) ? tap_rand(256) : tap_rand(5);
		if (len > 13 && tap_rand(2))
			p.seg[13] |= F_SYN;
		if (len > 12 && tap_rand(2))
			p.seg[12] = (p.seg[12] & 0x0f) | (5 + tap_rand(11)) << 4;
		if (len >= 18)
			csum_fix(&p);
		o = p;
		r = clamp(&p, len, 536 + tap_rand(2000), true, &old);
		if (r > ERCX_MSS_MALFORMED)
			bad++;
		if (r != ERCX_MSS_CLAMPED) {
			if (memcmp(&p, &o, sizeof(p)))
				bad++;
			continue;
		}
		clamped++;
		if (!csum_ok(&p))
			bad++;
		for (i = 0; i < len; i++) {
			if (p.seg[i] == o.seg[i] || i == 16 || i == 17)
				continue;
			/* a changed byte must be inside an MSS option value */
			if (i < 22 || !((o.seg[i - 2] == 2 && o.seg[i - 1] == 4) ||
					(i >= 23 && o.seg[i - 3] == 2 && o.seg[i - 2] == 4)))
				bad++;
		}
	}
	tap_ok(!bad && clamped > 10,
	       "200000 random byte strings: only MSS and checksum ever change, checksum stays valid (%u clamped)",
	       clamped);
}

int main(void)
{
	const char *s = getenv("ERCX_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 20261122;

	tap_seed(seed);
	tap_diag("seed %llu", (unsigned long long)seed);
	cases(4);
	cases(6);
	random_layouts();
	garbage();
	return tap_done();
}
