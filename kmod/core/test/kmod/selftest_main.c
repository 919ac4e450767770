// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel self-test of the ercoexist core (kmod/core), built as its own
 * module against each kernel and loaded in the test VM: the same lpm.c,
 * mss.c and sm.c as ercoexist.ko, with the kernel's allocators, hweight64
 * and byte order, checked against
 *  - a brute-force longest-prefix match on random IPv4/IPv6 prefix sets of
 *    10 .. 100,000 prefixes (also timing the build and ns per lookup), and
 *  - the kernel's own checksum code: a SYN with a valid checksum
 *    (csum_tcpudp_magic / csum_ipv6_magic over csum_partial) must verify
 *    after the clamp, for every MSS offset parity.
 * Each check prints "ercx_core_selftest: ok N - ..." (TAP); loading fails
 * with -EINVAL when any failed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/in.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "ercx_core.h"

static unsigned int ntests, nfailed;

static __printf(2, 3) void check(bool cond, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	ntests++;
	if (!cond)
		nfailed++;
	pr_info("%sok %u - %pV\n", cond ? "" : "not ", ntests, &vaf);
	va_end(args);
}

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rand64(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static u32 rand_below(u32 n)
{
	return (u32)((rand64() >> 32) % n);
}

/* ------------------------------------------------------------------------ */
/* Prefix table */

static void mask_prefix(struct ercx_prefix *p)
{
	unsigned int i, bytes = p->family == 4 ? 4 : 16;

	for (i = 0; i < 16; i++) {
		if (i >= bytes || i * 8 >= p->plen)
			p->addr[i] = 0;
		else if (i * 8 + 8 > p->plen)
			p->addr[i] &= 0xff << (8 - (p->plen - i * 8));
	}
}

static void random_prefix(struct ercx_prefix *p, int family,
			  const struct ercx_prefix *parent)
{
	unsigned int maxbits = family == 4 ? 32 : 128, i;

	memset(p, 0, sizeof(*p));
	p->family = family;
	/* one in eight an exclusion (via 0) */
	p->via = rand_below(8) ? 1 + rand_below(3) : 0;
	for (i = 0; i < 16; i++)
		p->addr[i] = rand64();
	if (parent && parent->plen < maxbits) {
		/* nested: the parent's bits, then random ones */
		for (i = 0; i < parent->plen; i++) {
			u8 m = 0x80 >> (i % 8);

			p->addr[i / 8] = (p->addr[i / 8] & ~m) |
					 (parent->addr[i / 8] & m);
		}
		p->plen = parent->plen + 1 +
			  rand_below(min(8U, maxbits - parent->plen));
	} else if (family == 4) {
		p->plen = 8 + rand_below(25);
	} else {
		p->plen = 16 + rand_below(49);
	}
	mask_prefix(p);
}

static int pfx_cmp(const void *a, const void *b)
{
	const struct ercx_prefix *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, 16);

	return c ? c : (int)x->plen - (int)y->plen;
}

/* Random distinct prefixes, half nested under earlier ones */
static void random_set(struct ercx_prefix *p, u32 n, int family)
{
	bool dup = true;
	u32 i;

	for (i = 0; i < n; i++)
		random_prefix(&p[i], family,
			      i && rand_below(2) ? &p[rand_below(i)] : NULL);
	while (dup) {
		dup = false;
		sort(p, n, sizeof(*p), pfx_cmp, NULL);
		for (i = 1; i < n; i++) {
			if (!pfx_cmp(&p[i - 1], &p[i])) {
				random_prefix(&p[i], family, NULL);
				dup = true;
			}
		}
	}
	/* shuffle, so that the table does not get them sorted */
	for (i = n - 1; i > 0; i--)
		swap(p[i], p[rand_below(i + 1)]);
}

static bool matches(const struct ercx_prefix *p, const u8 *a)
{
	unsigned int i;

	for (i = 0; i < p->plen; i += 8) {
		u8 m = p->plen - i >= 8 ? 0xff : 0xff << (8 - (p->plen - i));

		if ((a[i / 8] ^ p->addr[i / 8]) & m)
			return false;
	}
	return true;
}

/* Brute force: index + 1 of the longest match; answer byte in *ans */
static u32 brute(const struct ercx_prefix *p, u32 n, const u8 *a, u8 *ans)
{
	int best[4] = { -1, -1, -1, -1 }, any = -1;
	unsigned int u;
	u32 i;

	for (i = 0; i < n; i++) {
		if (!matches(&p[i], a))
			continue;
		if (any < 0 || p[i].plen > p[any].plen)
			any = i;
		/* an exclusion (via 0) is a candidate whatever is usable */
		for (u = 0; u < 4; u++)
			if ((!p[i].via || (p[i].via & u)) &&
			    (best[u] < 0 || p[i].plen > p[best[u]].plen))
				best[u] = i;
	}
	*ans = 0;
	for (u = 0; u < 4; u++)
		if (best[u] >= 0 && !p[best[u]].via)
			*ans |= ERCX_ANS_EXCLUDED << (u * 2);
		else if (best[u] >= 0)
			*ans |= ((p[best[u]].via & u & ERCX_VIA_ER) ?
				 ERCX_PATH_ER : ERCX_PATH_VPN) << (u * 2);
	return any + 1;
}

static u32 lookup(const struct ercx_lpm *lpm, int family, const u8 *a)
{
	__be32 a4;

	if (family == 6)
		return ercx_lpm_lookup6(lpm, a);
	memcpy(&a4, a, 4);
	return ercx_lpm_lookup4(lpm, a4);
}

static void test_lpm_set(int family, u32 n, u32 naddr)
{
	struct ercx_prefix *p = vcalloc(n, sizeof(*p));
	u8 *addrs = vmalloc(16 * 4096);
	struct ercx_lpm *lpm = NULL;
	u32 i, bad = 0, got, want, sum = 0;
	u64 t0, tbuild, tlook;
	u8 ans, gans;
	s32 badidx;
	int err;

	if (!p || !addrs) {
		check(false, "IPv%d %u prefixes: out of memory", family, n);
		goto out;
	}
	random_set(p, n, family);
	t0 = ktime_get_ns();
	err = ercx_lpm_build(&lpm, p, n, &badidx);
	tbuild = ktime_get_ns() - t0;
	if (err) {
		check(false, "IPv%d %u prefixes: build failed %d at %d",
		      family, n, err, badidx);
		goto out;
	}
	for (i = 0; i < 4096; i++) {
		u8 *a = addrs + i * 16;
		unsigned int j;

		for (j = 0; j < 16; j++)
			a[j] = rand64();
		if (i & 1) {	/* inside a random prefix */
			const struct ercx_prefix *q = &p[rand_below(n)];

			for (j = 0; j < q->plen; j++) {
				u8 m = 0x80 >> (j % 8);

				a[j / 8] = (a[j / 8] & ~m) | (q->addr[j / 8] & m);
			}
		}
	}
	for (i = 0; i < naddr; i++) {
		const u8 *a = addrs + (i % 4096) * 16;

		want = brute(p, n, a, &ans);
		got = lookup(lpm, family, a);
		gans = got ? ercx_lpm_answers(lpm, got - 1) : 0;
		if (got != want || gans != ans) {
			if (!bad)
				pr_info("# IPv%d %u: address %*phN: %u want %u, %02x want %02x\n",
					family, n, family == 4 ? 4 : 16, a,
					got, want, gans, ans);
			bad++;
		}
	}
	t0 = ktime_get_ns();
	for (i = 0; i < 1000000; i++)
		sum += lookup(lpm, family, addrs + (i % 4096) * 16);
	tlook = ktime_get_ns() - t0;
	check(!bad,
	      "IPv%d %u prefixes: %u addresses agree with brute force (build %llu us, %zu KiB, %llu.%llu ns/lookup, sum %u)",
	      family, n, naddr, tbuild / 1000, ercx_lpm_mem(lpm) / 1024,
	      tlook / 1000000, (tlook / 100000) % 10, sum);
out:
	ercx_lpm_free(lpm);
	vfree(addrs);
	vfree(p);
}

/* ------------------------------------------------------------------------ */
/* MSS clamp against the kernel's checksum code */

static __sum16 tcp_check(int family, const u8 *seg, unsigned int len)
{
	static const struct in6_addr s6 = {{{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 0x12, 0x34 }}};
	static const struct in6_addr d6 = {{{ 0x20, 0x01, 0x0d, 0xb8, 0xff, 0,
					      0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99 }}};
	__wsum sum = csum_partial(seg, len, 0);

	if (family == 4)
		return csum_tcpudp_magic(htonl(0xc0000201), htonl(0xcb007101),
					 len, IPPROTO_TCP, sum);
	return csum_ipv6_magic(&s6, &d6, len, IPPROTO_TCP, sum);
}

static void test_mss_case(int family, unsigned int nops, unsigned int data)
{
	u8 seg[128] = { 0 };
	unsigned int off = 20 + nops, optlen = ALIGN(nops + 4, 4), len, i;
	enum ercx_mss_result r;
	__sum16 c;
	u16 old;

	seg[0] = 0x30;
	seg[1] = 0x39;
	seg[3] = 0x50;
	for (i = 4; i < 12; i++)
		seg[i] = rand64();
	seg[12] = ((20 + optlen) / 4) << 4;
	seg[13] = 0x02;			/* SYN */
	seg[14] = 0xfa;
	seg[15] = 0xf0;
	memset(seg + 20, 1, optlen);	/* NOPs */
	seg[off] = 2;
	seg[off + 1] = 4;
	seg[off + 2] = 0x05;		/* 1460 */
	seg[off + 3] = 0xb4;
	len = 20 + optlen + data;
	for (i = 20 + optlen; i < len; i++)
		seg[i] = rand64();
	c = tcp_check(family, seg, len);
	memcpy(seg + 16, &c, 2);

	r = ercx_mss_clamp(seg, len, 1250, true, &old);
	check(tcp_check(family, seg, len) == 0 && r == ERCX_MSS_CLAMPED &&
	      old == 1460 && seg[off + 2] == 0x04 && seg[off + 3] == 0xe2,
	      "IPv%d MSS after %u NOPs (%s offset), %u data bytes: clamped to 1250, kernel checksum verifies",
	      family, nops, (off + 2) & 1 ? "odd" : "even", data);
}

static int __init ercx_core_selftest_init(void)
{
	static const u32 sizes[] = { 10, 1000, 10000, 100000 };
	unsigned int i, nops;
	int family;

	for (family = 4; family <= 6; family += 2) {
		for (nops = 0; nops < 4; nops++) {
			test_mss_case(family, nops, 0);
			test_mss_case(family, nops, 1 + nops * 17);
		}
	}
	for (family = 4; family <= 6; family += 2)
		for (i = 0; i < ARRAY_SIZE(sizes); i++)
			test_lpm_set(family, sizes[i],
				     sizes[i] >= 100000 ? 200 : 2000);
	{
		struct ercx_sm sm = {
			.mode = ERCX_MODE_AUTO,
			.link_up = { [ERCX_PATH_ER] = 1, [ERCX_PATH_VPN] = 1 },
		};

		check(ercx_sm_active(&sm) == ERCX_PATH_ER &&
		      ercx_sm_usable(&sm) == (ERCX_USABLE_ER | ERCX_USABLE_VPN),
		      "path selection: both links up in auto mode use ER");
	}
	pr_info("1..%u\n", ntests);
	pr_info("%u passed, %u failed\n", ntests - nfailed, nfailed);
	return nfailed ? -EINVAL : 0;
}

static void __exit ercx_core_selftest_exit(void)
{
}

module_init(ercx_core_selftest_init);
module_exit(ercx_core_selftest_exit);
MODULE_DESCRIPTION("ercoexist core self-test (prefix table, MSS clamp)");
MODULE_LICENSE("GPL");
