/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexist core: the one place that maps the environment.
 *
 * The core (lpm.c, mss.c, sm.c) includes no header but this one, so the same
 * files build in the kernel module and in userspace (unit tests, fuzzers,
 * instruction-count benchmarks).
 */
#ifndef _ERCX_ENV_H
#define _ERCX_ENV_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>	/* static_assert() */
#include <linux/sched.h>
#include <asm/byteorder.h>

/* The builder runs in process context only, never on the packet path. */
static inline void *ercx_alloc(size_t size)
{
	/* sized by the request: charged to the caller's memory cgroup */
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

static inline void ercx_free(void *p)
{
	kvfree(p);
}

static inline unsigned int ercx_popcount64(u64 x)
{
	return hweight64(x);
}

/* Long builds yield the CPU now and then (process context only). */
static inline void ercx_cond_resched(void)
{
	cond_resched();
}

static inline unsigned int ercx_ctz64(u64 x)	/* x != 0 */
{
	return __ffs64(x);
}

static inline u32 ercx_be32_to_cpu(__be32 x)
{
	return be32_to_cpu(x);
}

/* Big-endian 64-bit load from any alignment */
static inline u64 ercx_load_be64(const u8 *p)
{
	__be64 v;

	memcpy(&v, p, sizeof(v));
	return be64_to_cpu(v);
}

static inline __be32 ercx_cpu_to_be32(u32 x)
{
	return cpu_to_be32(x);
}

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <assert.h>		/* static_assert() */
#include <linux/types.h>	/* __u8 .. __u64, __be16, __be32 */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;

#ifndef BIT
#define BIT(nr)		(1UL << (nr))
#endif

static inline void *ercx_alloc(size_t size)
{
	return calloc(1, size);
}

static inline void ercx_free(void *p)
{
	free(p);
}

#ifndef __always_inline		/* glibc's <sys/cdefs.h> has it */
#define __always_inline inline
#endif

static inline unsigned int ercx_popcount64(u64 x)
{
	return (unsigned int)__builtin_popcountll(x);
}

static inline void ercx_cond_resched(void)
{
}

static inline unsigned int ercx_ctz64(u64 x)	/* x != 0 */
{
	return (unsigned int)__builtin_ctzll(x);
}

static inline u32 ercx_be32_to_cpu(__be32 x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(x);
#else
	return x;
#endif
}

static inline u64 ercx_load_be64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

static inline __be32 ercx_cpu_to_be32(u32 x)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(x);
#else
	return x;
#endif
}

#endif /* __KERNEL__ */

#include <linux/ercoexist.h>

#endif /* _ERCX_ENV_H */
