/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A plain radix tree, for the lookup benchmark only (bench_lpm.c): NOT the
 * module's code and not used by any test's verdict.
 *
 * A path-compressed binary trie (Patricia) over left-aligned 128-bit keys,
 * the algorithm of the kernel's BPF LPM trie (kernel/bpf/lpm_trie.c):
 * every node holds a prefix, real or "intermediate" (a branching point with
 * no prefix of its own), and two children; a lookup walks down, one node per
 * distinguishing bit, remembering the last real prefix that matched.  One
 * heap allocation per node, as the kernel's trie does.  Written for this
 * benchmark: the kernel's IPv4 FIB (fib_trie, an LC-trie) cannot be built
 * in userspace without carrying most of net/ipv4 along.
 */
#ifndef _ERCX_RADIX_REF_H
#define _ERCX_RADIX_REF_H

#include <stdlib.h>

#include "ercx_core.h"

struct radix_node {
	struct radix_node *child[2];
	u64 hi, lo;		/* the prefix, host bits zero */
	u32 leaf;		/* index + 1; 0: intermediate node */
	u32 plen;
};

struct radix {
	struct radix_node *root;
	u32 nnodes;
};

static inline u32 radix_bit(u64 hi, u64 lo, u32 b)	/* b < 128 */
{
	return b < 64 ? (hi >> (63 - b)) & 1 : (lo >> (127 - b)) & 1;
}

/* Length of the common prefix of @n and (hi, lo), at most min(plen, max) */
static inline u32 radix_match(const struct radix_node *n, u64 hi, u64 lo,
			      u32 max)
{
	u64 d = n->hi ^ hi;
	u32 m, lim = n->plen < max ? n->plen : max;

	if (d)
		m = __builtin_clzll(d);
	else if ((d = n->lo ^ lo))
		m = 64 + __builtin_clzll(d);
	else
		m = 128;
	return m < lim ? m : lim;
}

static inline struct radix_node *radix_new(u64 hi, u64 lo, u32 plen, u32 leaf)
{
	struct radix_node *n = calloc(1, sizeof(*n));

	if (!n)
		abort();
	n->hi = hi;
	n->lo = lo;
	n->plen = plen;
	n->leaf = leaf;
	return n;
}

/* Insert a prefix (host bits zero, no duplicates) with value @leaf != 0 */
static inline void radix_insert(struct radix *t, u64 hi, u64 lo, u32 plen,
				u32 leaf)
{
	struct radix_node **slot = &t->root, *node = NULL, *nn, *im;
	u32 m = 0;

	while ((node = *slot)) {
		m = radix_match(node, hi, lo, plen);
		if (node->plen != m || node->plen == plen)
			break;
		slot = &node->child[radix_bit(hi, lo, node->plen)];
	}
	nn = radix_new(hi, lo, plen, leaf);
	t->nnodes++;
	if (!node) {
		*slot = nn;
		return;
	}
	if (m == node->plen && m == plen) {	/* an intermediate becomes real */
		node->leaf = leaf;
		free(nn);
		t->nnodes--;
		return;
	}
	if (m == plen) {		/* the new prefix covers node */
		nn->child[radix_bit(node->hi, node->lo, m)] = node;
		*slot = nn;
		return;
	}
	im = radix_new(hi, lo, m, 0);	/* branch at the first differing bit */
	t->nnodes++;
	if (m < 64) {
		im->hi &= m ? ~0ULL << (64 - m) : 0;
		im->lo = 0;
	} else {
		im->lo &= m > 64 ? ~0ULL << (128 - m) : 0;
	}
	if (radix_bit(hi, lo, m)) {
		im->child[0] = node;
		im->child[1] = nn;
	} else {
		im->child[0] = nn;
		im->child[1] = node;
	}
	*slot = im;
}

/* Index + 1 of the longest prefix matching the address (hi, lo), 0: none */
static __attribute__((noinline)) u32 radix_lookup(const struct radix *t,
						  u64 hi, u64 lo)
{
	const struct radix_node *n = t->root;
	u32 found = 0, m;

	while (n) {
		m = radix_match(n, hi, lo, 128);
		if (m < n->plen)
			break;
		if (n->leaf)
			found = n->leaf;
		if (n->plen == 128)
			break;
		n = n->child[radix_bit(hi, lo, n->plen)];
	}
	return found;
}

static inline void radix_free_node(struct radix_node *n)
{
	if (!n)
		return;
	radix_free_node(n->child[0]);
	radix_free_node(n->child[1]);
	free(n);
}

static inline void radix_free(struct radix *t)
{
	radix_free_node(t->root);
	t->root = NULL;
	t->nnodes = 0;
}

#endif /* _ERCX_RADIX_REF_H */
