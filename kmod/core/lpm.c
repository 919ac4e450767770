// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist core: the prefix table.
 *
 * Longest-prefix match in the style of Poptrie (Asai, Ohara, SIGCOMM 2015):
 * a direct-indexed first level of 2^16 entries, then a multibit trie with
 * 6-bit strides.  A node is two 64-bit bitmaps and two base indices:
 * "vector" marks the slots that are internal nodes, "leafvec" marks the
 * slots where a run of identical leaves starts.  Children of a node are
 * contiguous in the node array and its (run-compressed) leaves contiguous in
 * the leaf array, so both are found with a popcount of the bitmap below the
 * slot.  A lookup touches one direct entry and at most 3 (IPv4) or 19 (IPv6)
 * nodes whatever the number of prefixes.  A leaf is the index + 1 of the
 * longest matching prefix, 0 for none.
 *
 * One addition to Poptrie: where only one prefix lies below a slot, the
 * slot does not get a chain of nodes down to that prefix's length but a
 * "single" leaf: that prefix (address and mask) and the answer when it does
 * not match, checked with one masked compare.  Random or sparse prefix sets
 * (every long IPv6 prefix) otherwise cost a node per 6 bits each.
 *
 * Each prefix also carries its precomputed answer for the four usable-path
 * masks (see ercx_core.h), so a packet does one lookup and a failover
 * changes one byte.
 *
 * The table is immutable once built: readers take no lock.  The builder is
 * iterative (no recursion) and allocates its work space from the heap.
 */
#include "ercx_core.h"

#define LPM_DIRECT_BITS		16
#define LPM_DIRECT_SIZE		BIT(LPM_DIRECT_BITS)
#define LPM_STRIDE		6
#define LPM_DIRECT_NODE		0x80000000U	/* direct entry: node index */
#define LPM_SINGLE		0x40000000U	/* leaf/direct: single index */
#define LPM_MAX_BITS		128
/* Node levels below the direct level: (128 - 16) / 6 rounded up */
#define LPM_MAX_DEPTH		19

struct lpm_node {
	u64 vector;	/* bit s: slot s is an internal node */
	u64 leafvec;	/* bit s: a run of identical leaves starts at slot s */
	u32 base0;	/* index of the node's first leaf */
	u32 base1;	/* index of the node's first child */
};

/* The only prefix below a slot (IPv6; IPv4 uses struct lpm_single4) */
struct lpm_single {
	u64 hi;		/* address, left-aligned 128 bits */
	u64 lo;
	u64 mhi;	/* its mask */
	u64 mlo;
	u32 leaf;	/* when it matches: its index + 1 */
	u32 dflt;	/* when not: the leaf of the slot */
};

struct lpm_single4 {
	u32 addr;
	u32 mask;
	u32 leaf;
	u32 dflt;
};

struct lpm_trie {
	u32 *direct;	/* LPM_DIRECT_SIZE entries; NULL: no prefix */
	struct lpm_node *nodes;
	u32 *leaves;
	struct lpm_single *singles;	/* IPv6 */
	struct lpm_single4 *singles4;	/* IPv4 */
	u32 nnodes;
	u32 nleaves;
	u32 nsingles;
	bool v4;
};

struct ercx_lpm {
	u32 n;
	size_t mem;
	struct ercx_prefix *pfx;	/* n, as given */
	u8 *answers;			/* n */
	struct lpm_trie trie[2];	/* [0] IPv4, [1] IPv6 */
};

/* A prefix as a left-aligned 128-bit key (IPv4 in the top 32 bits) */
struct lpm_key {
	u64 hi;
	u64 lo;
	u32 idx;
	u32 plen;
};

struct lpm_run {
	u64 hi;
	u64 lo;
	u32 size;
	u32 first;	/* index of its first key */
};

struct lpm_builder {
	struct lpm_key *keys;		/* all keys, IPv4 then IPv6 */
	struct lpm_key *tmp;
	const struct lpm_key *range;	/* keys of the trie being built */
	u32 nnodes;
	u32 nsingles;
	u32 *leaves;
	u32 cap_leaves;
	u32 nleaves;
	u32 slots[1U << LPM_STRIDE];
	u32 stack[LPM_MAX_BITS + 1];
	struct lpm_run runs[LPM_MAX_DEPTH];
};

/* ------------------------------------------------------------------------ */
/* Lookup                                                                    */

static __always_inline u32 lpm_single(const struct lpm_trie *t, u32 e,
				      u64 hi, u64 lo, bool v4)
{
	const struct lpm_single4 *r4;
	const struct lpm_single *r;

	if (v4) {
		r4 = &t->singles4[e & ~LPM_SINGLE];
		return (((u32)(hi >> 32) ^ r4->addr) & r4->mask) ? r4->dflt :
								   r4->leaf;
	}
	r = &t->singles[e & ~LPM_SINGLE];
	if (((hi ^ r->hi) & r->mhi) | ((lo ^ r->lo) & r->mlo))
		return r->dflt;
	return r->leaf;
}

static __always_inline u32 lpm_walk(const struct lpm_trie *t, u64 hi, u64 lo,
				    bool v4)
{
	const struct lpm_node *node;
	u64 khi, klo;
	unsigned int v;
	u32 e;

	if (!t->direct)
		return 0;
	e = t->direct[hi >> (64 - LPM_DIRECT_BITS)];
	if (!(e & (LPM_DIRECT_NODE | LPM_SINGLE)))
		return e;
	if (e & LPM_SINGLE)
		return lpm_single(t, e, hi, lo, v4);
	node = &t->nodes[e & ~LPM_DIRECT_NODE];
	khi = (hi << LPM_DIRECT_BITS) | (lo >> (64 - LPM_DIRECT_BITS));
	klo = lo << LPM_DIRECT_BITS;
	for (;;) {
		v = khi >> (64 - LPM_STRIDE);
		if (!(node->vector & (1ULL << v)))
			break;
		node = &t->nodes[node->base1 +
				 ercx_popcount64(node->vector << (63 - v)) - 1];
		khi = (khi << LPM_STRIDE) | (klo >> (64 - LPM_STRIDE));
		klo <<= LPM_STRIDE;
	}
	e = t->leaves[node->base0 +
		      ercx_popcount64(node->leafvec << (63 - v)) - 1];
	if (e & LPM_SINGLE)
		return lpm_single(t, e, hi, lo, v4);
	return e;
}

/**
 * ercx_lpm_lookup4() - longest-prefix match of an IPv4 destination
 * @lpm: the table, or NULL
 * @daddr4: the destination, in network byte order
 *
 * Matches over all IPv4 prefixes of the table.  The cost is independent of
 * the number of prefixes (bounded by the address length): one direct entry,
 * at most 3 nodes and one masked compare.
 *
 * Context: Any context.  No lock, no allocation: the table is immutable.
 * Return: the index (0-based, in the order given to ercx_lpm_build()) plus
 * one of the longest matching prefix, or 0 when none matches or @lpm is NULL.
 */
u32 ercx_lpm_lookup4(const struct ercx_lpm *lpm, __be32 daddr4)
{
	if (!lpm)
		return 0;
	return lpm_walk(&lpm->trie[0], (u64)ercx_be32_to_cpu(daddr4) << 32, 0,
			true);
}

/**
 * ercx_lpm_lookup6() - longest-prefix match of an IPv6 destination
 * @lpm: the table, or NULL
 * @daddr6: the destination, 16 bytes in network byte order
 *
 * Like ercx_lpm_lookup4(), over the IPv6 prefixes: at most 19 nodes.
 *
 * Context: Any context.  No lock, no allocation: the table is immutable.
 * Return: the index plus one of the longest matching prefix, or 0 when none
 * matches or @lpm is NULL.
 */
u32 ercx_lpm_lookup6(const struct ercx_lpm *lpm, const u8 daddr6[16])
{
	if (!lpm)
		return 0;
	return lpm_walk(&lpm->trie[1], ercx_load_be64(daddr6),
			ercx_load_be64(daddr6 + 8), false);
}

/**
 * ercx_lpm_answers() - the precomputed paths of a prefix, per usable mask
 * @lpm: the table, or NULL
 * @idx: the prefix, 0-based like ercx_lpm_prefix()'s: the result of
 *       ercx_lpm_lookup4() or ercx_lpm_lookup6() minus one
 *
 * For each of the four usable-path masks, the path that Azure's rules
 * select for the prefix that the lookup returned: the longest prefix among
 * that prefix and the shorter prefixes covering it whose paths are usable;
 * ER wins ties.  An exclusion (via %ERCX_VIA_NONE) is always "usable" and
 * answers %ERCX_ANS_EXCLUDED: the packet is left to normal routing.  So a
 * change of the usable mask is O(1) and a packet does one lookup::
 *
 *	r = ercx_lpm_lookup4(lpm, daddr);
 *	if (r)
 *		path = ercx_select(ercx_lpm_answers(lpm, r - 1), usable);
 *
 * Context: Any context.  No lock: the table is immutable.
 * Return: four 2-bit ERCX_PATH_* codes or %ERCX_ANS_EXCLUDED, indexed by
 * the usable mask; 0
 * (ERCX_PATH_NONE for every mask) when @idx is out of range or @lpm is NULL.
 */
u8 ercx_lpm_answers(const struct ercx_lpm *lpm, u32 idx)
{
	if (!lpm || idx >= lpm->n)
		return 0;
	return lpm->answers[idx];
}

/**
 * ercx_lpm_count() - the number of prefixes in a table
 * @lpm: the table, or NULL
 *
 * Context: Any context.  No lock: the table is immutable.
 * Return: the number of prefixes given to ercx_lpm_build(), 0 for NULL.
 */
u32 ercx_lpm_count(const struct ercx_lpm *lpm)
{
	return lpm ? lpm->n : 0;
}

/**
 * ercx_lpm_prefix() - one prefix of a table, as given to ercx_lpm_build()
 * @lpm: the table, or NULL
 * @idx: the prefix's index, 0-based
 *
 * IPv4 prefixes come back with addr[4..15] zeroed.
 *
 * Context: Any context.  No lock: the table is immutable.
 * Return: the prefix, owned by the table; NULL when @idx is out of range or
 * @lpm is NULL.
 */
const struct ercx_prefix *ercx_lpm_prefix(const struct ercx_lpm *lpm, u32 idx)
{
	if (!lpm || idx >= lpm->n)
		return NULL;
	return &lpm->pfx[idx];
}

/**
 * ercx_lpm_mem() - the memory a table uses (for status and benchmarks)
 * @lpm: the table, or NULL
 *
 * Context: Any context.  No lock: the table is immutable.
 * Return: the bytes allocated for the table and its copy of the prefixes, 0
 * for NULL.
 */
size_t ercx_lpm_mem(const struct ercx_lpm *lpm)
{
	return lpm ? lpm->mem : 0;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                                */

/**
 * ercx_prefix_check() - check one prefix before it goes into a table
 * @p: the prefix
 * @why: when not NULL, receives what is wrong, %ERCX_PFX_OK when nothing is
 *
 * Checks the family (4 or 6), the prefix length's range, that no host bit
 * is set beyond the prefix length, and that @p->via is an ERCX_VIA_* mask
 * (%ERCX_VIA_NONE, 0, is an exclusion).  The caller words the message (the module's are literals,
 * for NL_SET_ERR_MSG_ATTR()).
 *
 * Context: Any context.
 * Return: 0 if the prefix is valid, -EINVAL if not.
 */
int ercx_prefix_check(const struct ercx_prefix *p,
		      enum ercx_prefix_fault *why)
{
	enum ercx_prefix_fault fault = ERCX_PFX_OK;
	unsigned int maxbits, i;

	if (p->family == 4) {
		maxbits = 32;
	} else if (p->family == 6) {
		maxbits = 128;
	} else {
		fault = ERCX_PFX_FAMILY;
		goto out;
	}
	if (p->plen > maxbits) {
		fault = ERCX_PFX_PLEN;
		goto out;
	}
	if (p->via & ~ERCX_VIA_ALL) {
		fault = ERCX_PFX_VIA;
		goto out;
	}
	for (i = p->plen / 8; i < maxbits / 8; i++) {
		u8 host = 0xff;

		if (i == p->plen / 8)
			host = 0xff >> (p->plen % 8);
		if (p->addr[i] & host) {
			fault = ERCX_PFX_HOST_BITS;
			goto out;
		}
	}
out:
	if (why)
		*why = fault;
	return fault == ERCX_PFX_OK ? 0 : -EINVAL;
}

/* ------------------------------------------------------------------------ */
/* Build                                                                     */

static inline u32 lpm_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

static inline int lpm_key_cmp(const struct lpm_key *a, const struct lpm_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}

/*
 * Stable bottom-up merge sort by (address, plen): a prefix comes before every
 * prefix it covers, and duplicates end up adjacent in input order.
 */
static void lpm_sort(struct lpm_key *a, struct lpm_key *tmp, u32 n)
{
	struct lpm_key *src = a, *dst = tmp, *t;
	u32 w, i;

	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			u32 m = lpm_min(i + w, n), r = lpm_min(i + 2 * w, n);
			u32 x = i, y = m, o = i;

			while (x < m && y < r) {
				if (lpm_key_cmp(&src[y], &src[x]) < 0)
					dst[o++] = src[y++];
				else
					dst[o++] = src[x++];
			}
			while (x < m)
				dst[o++] = src[x++];
			while (y < r)
				dst[o++] = src[y++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, (size_t)n * sizeof(*a));
}

static inline u64 lpm_mask_hi(u32 plen)
{
	if (!plen)
		return 0;
	return plen >= 64 ? ~0ULL : ~0ULL << (64 - plen);
}

static inline u64 lpm_mask_lo(u32 plen)
{
	return plen <= 64 ? 0 : ~0ULL << (128 - plen);
}

/* Does @p cover @q (p shorter or equal, and q inside p)? */
static inline bool lpm_covers(const struct lpm_key *p, const struct lpm_key *q)
{
	return p->plen <= q->plen &&
	       !((p->hi ^ q->hi) & lpm_mask_hi(p->plen)) &&
	       !((p->lo ^ q->lo) & lpm_mask_lo(p->plen));
}

/* The 6 bits of @k that follow its first @off bits (off < 128) */
static inline u32 lpm_bits6(const struct lpm_key *k, u32 off)
{
	u64 t;

	if (!off)
		t = k->hi;
	else if (off < 64)
		t = (k->hi << off) | (k->lo >> (64 - off));
	else
		t = k->lo << (off - 64);
	return t >> (64 - LPM_STRIDE);
}

/*
 * Answer byte of a prefix with paths @via below the parent's answers @pa.
 * An exclusion answers ERCX_ANS_EXCLUDED whatever is usable, and a prefix
 * below it whose paths are unusable falls back to that, as to any parent.
 */
static u8 lpm_combine(u8 via, u8 pa)
{
	unsigned int u;
	u8 ans = 0, a, eff;

	if (via == ERCX_VIA_NONE)
		return ERCX_ANS_EXCLUDED * 0x55;	/* in all four slots */
	for (u = 0; u < 4; u++) {
		eff = via & u;
		if (eff)
			a = (eff & ERCX_VIA_ER) ? ERCX_PATH_ER : ERCX_PATH_VPN;
		else
			a = (pa >> (u * 2)) & 3;
		ans |= a << (u * 2);
	}
	return ans;
}

/*
 * Count the nodes and singles for the sorted keys [0, n) of one family.
 * At depth d (a node covering bits from 16 + 6 * d) the keys longer than
 * that which share their leading bits form a run (they are adjacent in
 * sorted order).  A run of two or more keys is a node; a key whose run at
 * its last depth is alone becomes a single at the first depth where it is
 * alone.  Also counts the keys longer than the direct level.
 */
static void lpm_run_close(const struct lpm_key *keys, struct lpm_run *r,
			  u32 d, u64 *nodes, u64 *singles)
{
	const struct lpm_key *k = &keys[r->first];

	if (r->size >= 2)
		(*nodes)++;
	else if (r->size == 1 &&
		 k->plen <= LPM_DIRECT_BITS + LPM_STRIDE * (d + 1))
		(*singles)++;	/* alone at its last depth */
}

static void lpm_count(struct lpm_builder *b, const struct lpm_key *keys,
		      u32 n, u64 *nodes, u64 *singles, u32 *nlong)
{
	struct lpm_run *run = b->runs;
	u32 i, d, off;
	u64 hi, lo;

	*nodes = 0;
	*singles = 0;
	*nlong = 0;
	for (d = 0; d < LPM_MAX_DEPTH; d++)
		run[d].size = 0;
	for (i = 0; i < n; i++) {
		const struct lpm_key *k = &keys[i];

		if (k->plen <= LPM_DIRECT_BITS)
			continue;
		(*nlong)++;
		for (d = 0, off = LPM_DIRECT_BITS; off < k->plen;
		     d++, off += LPM_STRIDE) {
			hi = k->hi & lpm_mask_hi(off);
			lo = k->lo & lpm_mask_lo(off);
			if (run[d].size && run[d].hi == hi && run[d].lo == lo) {
				run[d].size++;
				continue;
			}
			lpm_run_close(keys, &run[d], d, nodes, singles);
			run[d].hi = hi;
			run[d].lo = lo;
			run[d].size = 1;
			run[d].first = i;
		}
	}
	for (d = 0; d < LPM_MAX_DEPTH; d++)
		lpm_run_close(keys, &run[d], d, nodes, singles);
}

/*
 * A node not built yet keeps its work in its own slot: the range [lo, hi)
 * of sorted keys below it, the leaf of the longest prefix covering it and
 * its depth in bits.
 */
static inline void lpm_pend_set(struct lpm_node *node, u32 lo, u32 hi,
				u32 dflt, u32 off)
{
	node->vector = (u64)lo << 32 | hi;
	node->leafvec = (u64)dflt << 32 | off;
}

/* Add a single for key @k with @dflt; returns its leaf value */
static u32 lpm_single_add(struct lpm_builder *b, struct lpm_trie *t,
			  const struct lpm_key *k, u32 dflt)
{
	u32 id = b->nsingles++;

	if (t->v4) {
		struct lpm_single4 *r4 = &t->singles4[id];

		r4->addr = k->hi >> 32;
		r4->mask = lpm_mask_hi(k->plen) >> 32;
		r4->leaf = k->idx + 1;
		r4->dflt = dflt;
	} else {
		struct lpm_single *r = &t->singles[id];

		r->hi = k->hi;
		r->lo = k->lo;
		r->mhi = lpm_mask_hi(k->plen);
		r->mlo = lpm_mask_lo(k->plen);
		r->leaf = k->idx + 1;
		r->dflt = dflt;
	}
	return LPM_SINGLE | id;
}

/* Build node @id from its pending range; appends its children and leaves. */
static int lpm_build_node(struct lpm_builder *b, struct lpm_trie *t, u32 id)
{
	struct lpm_node *node = &t->nodes[id];
	u32 lo = node->vector >> 32, hi = (u32)node->vector;
	u32 dflt = node->leafvec >> 32, off = (u32)node->leafvec;
	u64 vector = 0, leafvec = 0, change = 1, m;
	u32 base1 = b->nnodes, base0 = b->nleaves, i, j, s;
	u32 prev = 0, c, v;
	bool have_prev = false, painted = false;

	/*
	 * Prefixes ending in this node: expand them over their slots, and
	 * note in @change every slot where the value may differ from the
	 * slot before it.
	 */
	for (i = lo; i < hi; i++) {
		const struct lpm_key *k = &b->range[i];
		u32 n;

		/* (plen <= off cannot be in the range: it sorts before it) */
		if (k->plen > off + LPM_STRIDE || k->plen <= off)
			continue;
		if (!painted) {
			for (s = 0; s < (1U << LPM_STRIDE); s++)
				b->slots[s] = dflt;
			painted = true;
		}
		s = lpm_bits6(k, off);
		n = 1U << (off + LPM_STRIDE - k->plen);
		change |= 1ULL << s;
		if (s + n < (1U << LPM_STRIDE))
			change |= 1ULL << (s + n);
		for (; n; n--)
			b->slots[s++] = k->idx + 1;
	}

	/*
	 * Longer prefixes, grouped by slot (adjacent in sorted order): a
	 * group of one is a single leaf, a larger one a child node.  Children
	 * are allocated in slot order.
	 */
	for (i = lo; i < hi; i = j) {
		const struct lpm_key *k = &b->range[i];

		j = i + 1;
		if (k->plen <= off + LPM_STRIDE)
			continue;
		s = lpm_bits6(k, off);
		while (j < hi && lpm_bits6(&b->range[j], off) == s)
			j++;
		v = painted ? b->slots[s] : dflt;
		if (j - i == 1) {
			if (!painted) {
				for (c = 0; c < (1U << LPM_STRIDE); c++)
					b->slots[c] = dflt;
				painted = true;
			}
			if (b->nsingles >= t->nsingles)
				return -EINVAL;	/* miscounted: cannot happen */
			b->slots[s] = lpm_single_add(b, t, k, v);
			change |= 1ULL << s;
			if (s + 1 < (1U << LPM_STRIDE))
				change |= 1ULL << (s + 1);
			continue;
		}
		if (b->nnodes >= t->nnodes)
			return -EINVAL;		/* miscounted: cannot happen */
		vector |= 1ULL << s;
		lpm_pend_set(&t->nodes[b->nnodes++], i, j, v, off + LPM_STRIDE);
	}

	/*
	 * Leaves of the other slots, one per run of equal values.  Between
	 * two change points the value is constant, so only the first leaf
	 * slot at or after each change point can start a run.
	 */
	while (change) {
		c = ercx_ctz64(change);
		m = ~vector & (~0ULL << c);
		if (!m)
			break;
		s = ercx_ctz64(m);
		change &= ~0ULL << s << 1;	/* points up to s are done */
		v = painted ? b->slots[s] : dflt;
		if (have_prev && v == prev)
			continue;
		if (b->nleaves >= b->cap_leaves)
			return -EINVAL;		/* miscounted: cannot happen */
		leafvec |= 1ULL << s;
		b->leaves[b->nleaves++] = v;
		prev = v;
		have_prev = true;
	}

	node->vector = vector;
	node->leafvec = leafvec;
	node->base0 = base0;
	node->base1 = base1;
	return 0;
}

/* Build the trie of one family from its sorted keys [0, n). */
static int lpm_build_trie(struct lpm_builder *b, struct lpm_trie *t,
			  const struct lpm_key *keys, u32 n)
{
	size_t ssize = t->v4 ? sizeof(*t->singles4) : sizeof(*t->singles);
	u64 nnodes, nsingles, nleaves;
	u32 i, j, s, cnt, id, nlong;
	u32 *direct;
	int err;

	b->range = keys;
	b->nnodes = 0;
	b->nsingles = 0;
	b->nleaves = 0;
	if (!n)
		return 0;

	/*
	 * Exact node and single counts, and a bound on the leaves: a node has
	 * one run plus at most two per prefix or single ending in it.
	 */
	lpm_count(b, keys, n, &nnodes, &nsingles, &nlong);
	nleaves = nnodes + 4 * (u64)nlong;
	if (nnodes >= LPM_SINGLE || nsingles >= LPM_SINGLE ||
	    nleaves >= LPM_SINGLE ||
	    nnodes > (size_t)-1 / sizeof(*t->nodes) ||
	    nsingles > (size_t)-1 / ssize)
		return -ENOMEM;
	t->nnodes = nnodes;
	t->nsingles = nsingles;
	direct = ercx_alloc(LPM_DIRECT_SIZE * sizeof(*direct));
	t->direct = direct;
	if (!direct)
		return -ENOMEM;
	if (nnodes) {
		t->nodes = ercx_alloc(nnodes * sizeof(*t->nodes));
		b->leaves = ercx_alloc(nleaves * sizeof(*b->leaves));
		if (!t->nodes || !b->leaves)
			return -ENOMEM;
		b->cap_leaves = nleaves;
	}
	if (nsingles && t->v4) {
		t->singles4 = ercx_alloc(nsingles * ssize);
		if (!t->singles4)
			return -ENOMEM;
	} else if (nsingles) {
		t->singles = ercx_alloc(nsingles * ssize);
		if (!t->singles)
			return -ENOMEM;
	}

	/* Prefixes of /16 or shorter: expand over the direct entries. */
	for (i = 0; i < n; i++) {
		if (keys[i].plen > LPM_DIRECT_BITS)
			continue;
		s = keys[i].hi >> (64 - LPM_DIRECT_BITS);
		for (cnt = 1U << (LPM_DIRECT_BITS - keys[i].plen); cnt; cnt--)
			direct[s++] = keys[i].idx + 1;
	}

	/*
	 * Longer ones, grouped by direct entry: a group of one is a single,
	 * a larger one a node with its range of keys.
	 */
	for (i = 0; i < n; i = j) {
		j = i + 1;
		if (keys[i].plen <= LPM_DIRECT_BITS)
			continue;
		s = keys[i].hi >> (64 - LPM_DIRECT_BITS);
		while (j < n && keys[j].hi >> (64 - LPM_DIRECT_BITS) == s)
			j++;
		if (j - i == 1) {
			if (b->nsingles >= t->nsingles)
				return -EINVAL;	/* miscounted: cannot happen */
			direct[s] = lpm_single_add(b, t, &keys[i], direct[s]);
			continue;
		}
		if (b->nnodes >= t->nnodes)
			return -EINVAL;		/* miscounted: cannot happen */
		lpm_pend_set(&t->nodes[b->nnodes], i, j, direct[s],
			     LPM_DIRECT_BITS);
		direct[s] = LPM_DIRECT_NODE | b->nnodes++;
	}

	/* Breadth first: a node's children are contiguous. */
	for (id = 0; id < b->nnodes; id++) {
		err = lpm_build_node(b, t, id);
		if (err)
			return err;
		if ((id & 4095) == 4095)
			ercx_cond_resched();
	}
	if (b->nnodes != t->nnodes || b->nsingles != t->nsingles)
		return -EINVAL;			/* miscounted: cannot happen */

	/* Keep an exact-size copy of the leaves. */
	if (b->nleaves) {
		t->leaves = ercx_alloc((size_t)b->nleaves * sizeof(*t->leaves));
		if (!t->leaves)
			return -ENOMEM;
		memcpy(t->leaves, b->leaves,
		       (size_t)b->nleaves * sizeof(*t->leaves));
		t->nleaves = b->nleaves;
	}
	ercx_free(b->leaves);
	b->leaves = NULL;
	b->cap_leaves = 0;
	return 0;
}

/*
 * Answers of the sorted keys [0, n) of one family.  In (address, plen)
 * order a prefix follows all prefixes that cover it, so a stack of the open
 * covering chain (strictly nested, at most 129 deep) yields each prefix's
 * nearest covering prefix.
 */
static void lpm_answers(struct lpm_builder *b, struct ercx_lpm *lpm,
			const struct lpm_key *keys, u32 n)
{
	u32 i, sp = 0;
	u8 pa;

	for (i = 0; i < n; i++) {
		const struct lpm_key *k = &keys[i];

		while (sp && !lpm_covers(&keys[b->stack[sp - 1]], k))
			sp--;
		pa = sp ? lpm->answers[keys[b->stack[sp - 1]].idx] : 0;
		lpm->answers[k->idx] = lpm_combine(lpm->pfx[k->idx].via, pa);
		if (sp < LPM_MAX_BITS + 1)
			b->stack[sp++] = i;
	}
}

/* Index of the first duplicate (second occurrence) among sorted keys, or -1 */
static s32 lpm_find_dup(const struct lpm_key *keys, u32 n)
{
	s32 bad = -1;
	u32 i;

	for (i = 1; i < n; i++) {
		if (lpm_key_cmp(&keys[i - 1], &keys[i]))
			continue;
		/* stable sort: keys[i] came later in the input */
		if (bad < 0 || keys[i].idx < (u32)bad)
			bad = keys[i].idx;
	}
	return bad;
}

static void lpm_builder_free(struct lpm_builder *b)
{
	if (!b)
		return;
	ercx_free(b->keys);
	ercx_free(b->tmp);
	ercx_free(b->leaves);
	ercx_free(b);
}

/**
 * ercx_lpm_free() - free a table built by ercx_lpm_build()
 * @lpm: the table, or NULL
 *
 * The caller makes sure no reader uses the table any more (the module frees
 * the policy holding it after an RCU grace period).
 *
 * Context: Any context but NMI (kvfree()); the module frees tables from an
 * RCU callback.
 */
void ercx_lpm_free(struct ercx_lpm *lpm)
{
	int f;

	if (!lpm)
		return;
	for (f = 0; f < 2; f++) {
		ercx_free(lpm->trie[f].direct);
		ercx_free(lpm->trie[f].nodes);
		ercx_free(lpm->trie[f].leaves);
		ercx_free(lpm->trie[f].singles);
		ercx_free(lpm->trie[f].singles4);
	}
	ercx_free(lpm->pfx);
	ercx_free(lpm->answers);
	ercx_free(lpm);
}

/**
 * ercx_lpm_build() - build a prefix table
 * @out: receives the table on success, NULL on failure
 * @pfx: the prefixes, in any order; copied, so the caller may free them
 * @n: how many, 0 included
 * @bad: when not NULL, receives the index in @pfx of the offending prefix
 *       on failure (for -EEXIST the second occurrence), or -1
 *
 * On success *@out owns a copy of the prefixes (IPv4 ones with addr[4..15]
 * zeroed) in the order given, which is the order of the indices that the
 * lookups return.
 *
 * Context: Process context.  Allocates with GFP_KERNEL_ACCOUNT and may
 * reschedule; never on the packet path.
 * Return: 0 on success; -EINVAL when a prefix fails ercx_prefix_check(),
 * -EEXIST when the same prefix is given twice, -E2BIG when @n is above
 * ERCX_LPM_MAX_PREFIXES, -ENOMEM when out of memory.
 */
int ercx_lpm_build(struct ercx_lpm **out, const struct ercx_prefix *pfx,
		   u32 n, s32 *bad)
{
	struct lpm_builder *b = NULL;
	struct ercx_lpm *lpm = NULL;
	struct lpm_key *all, *all6;
	u32 i, n4 = 0, i4 = 0, i6;
	s32 dup, dup6;
	int f, err;

	*out = NULL;
	if (bad)
		*bad = -1;
	if (n > ERCX_LPM_MAX_PREFIXES)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		err = ercx_prefix_check(&pfx[i], NULL);
		if (err) {
			if (bad)
				*bad = i;
			return err;
		}
		if (pfx[i].family == 4)
			n4++;
	}

	err = -ENOMEM;
	lpm = ercx_alloc(sizeof(*lpm));
	b = ercx_alloc(sizeof(*b));
	if (!lpm || !b)
		goto fail;
	lpm->n = n;
	if (n) {
		lpm->pfx = ercx_alloc((size_t)n * sizeof(*lpm->pfx));
		lpm->answers = ercx_alloc(n);
		b->keys = ercx_alloc((size_t)n * sizeof(*b->keys));
		b->tmp = ercx_alloc((size_t)n * sizeof(*b->tmp));
		if (!lpm->pfx || !lpm->answers || !b->keys || !b->tmp)
			goto fail;
	}
	all = b->keys;
	/* where the IPv6 keys start (no arithmetic on NULL when @n is 0) */
	all6 = n ? all + n4 : NULL;

	/* Keys: IPv4 first, then IPv6, each in input order. */
	i6 = n4;
	for (i = 0; i < n; i++) {
		struct ercx_prefix *p = &lpm->pfx[i];
		struct lpm_key *k;

		*p = pfx[i];
		if (p->family == 4) {
			memset(p->addr + 4, 0, sizeof(p->addr) - 4);
			k = &all[i4++];
		} else {
			k = &all[i6++];
		}
		k->hi = ercx_load_be64(p->addr);
		k->lo = ercx_load_be64(p->addr + 8);
		k->idx = i;
		k->plen = p->plen;
	}
	lpm_sort(all, b->tmp, n4);
	lpm_sort(all6, b->tmp, n - n4);

	dup = lpm_find_dup(all, n4);
	dup6 = lpm_find_dup(all6, n - n4);
	if (dup < 0 || (dup6 >= 0 && dup6 < dup))
		dup = dup6;
	if (dup >= 0) {
		if (bad)
			*bad = dup;
		err = -EEXIST;
		goto fail;
	}

	lpm_answers(b, lpm, all, n4);
	lpm_answers(b, lpm, all6, n - n4);

	lpm->trie[0].v4 = true;
	err = lpm_build_trie(b, &lpm->trie[0], all, n4);
	if (!err)
		err = lpm_build_trie(b, &lpm->trie[1], all6, n - n4);
	if (err)
		goto fail;

	lpm->mem = sizeof(*lpm) + (size_t)n * (sizeof(*lpm->pfx) + 1);
	for (f = 0; f < 2; f++) {
		const struct lpm_trie *t = &lpm->trie[f];

		if (t->direct)
			lpm->mem += LPM_DIRECT_SIZE * sizeof(*t->direct);
		lpm->mem += (size_t)t->nnodes * sizeof(*t->nodes) +
			    (size_t)t->nleaves * sizeof(*t->leaves) +
			    (size_t)t->nsingles * (t->v4 ?
						   sizeof(*t->singles4) :
						   sizeof(*t->singles));
	}
	lpm_builder_free(b);
	*out = lpm;
	return 0;

fail:
	lpm_builder_free(b);
	ercx_lpm_free(lpm);
	return err;
}
