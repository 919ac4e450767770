/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexist packet-independent core: prefix table, MSS rewrite, path selection.
 *
 * This code includes no kernel header of its own: ercx_env.h maps the few
 * types and allocators it needs, so the same files build in the kernel module
 * and in userspace (unit tests, fuzzers, instruction-count benchmarks).
 */
#ifndef _ERCX_CORE_H
#define _ERCX_CORE_H

#include "ercx_env.h"

/* ------------------------------------------------------------------------ */
/* Prefix table                                                              */

/* Usable-path masks: bit 0 ER, bit 1 VPN (same bits as ERCX_VIA_*) */
#define ERCX_USABLE_ER	1U
#define ERCX_USABLE_VPN	2U

struct ercx_prefix {
	u8 addr[16];	/* network byte order; IPv4 in addr[0..3] */
	u8 family;	/* 4 or 6 */
	u8 plen;	/* 0..32 or 0..128 */
	u8 via;		/* ERCX_VIA_* mask; ERCX_VIA_NONE: an exclusion */
};

/*
 * The answer for an exclusion (a prefix with via ERCX_VIA_NONE), and for a
 * prefix whose paths are unusable below an exclusion: the packet is left
 * alone (not steered, no NoPath).  Not an enum ercx_path: the 2-bit answer
 * value the UAPI's paths leave free.
 */
#define ERCX_ANS_EXCLUDED	3U

struct ercx_lpm;	/* immutable once built; readers need no lock */

/* The most prefixes one table takes (ercx_lpm_build: -E2BIG beyond) */
#define ERCX_LPM_MAX_PREFIXES	BIT(24)

/* What ercx_prefix_check() finds wrong with a prefix */
enum ercx_prefix_fault {
	ERCX_PFX_OK,
	ERCX_PFX_FAMILY,	/* neither 4 nor 6 */
	ERCX_PFX_PLEN,		/* longer than the family's addresses */
	ERCX_PFX_VIA,		/* an unknown path */
	ERCX_PFX_HOST_BITS,	/* bits set beyond the prefix length */
};

/* Check one prefix: family, plen range, no host bits, known paths */
int ercx_prefix_check(const struct ercx_prefix *p,
		      enum ercx_prefix_fault *why);

/* Build and free a table (process context only; kernel-doc in lpm.c) */
int ercx_lpm_build(struct ercx_lpm **out, const struct ercx_prefix *pfx,
		   u32 n, s32 *bad);
void ercx_lpm_free(struct ercx_lpm *lpm);

/*
 * Longest-prefix match, no lock, no allocation: the index + 1 of the
 * matching prefix, 0 for none
 */
u32 ercx_lpm_lookup4(const struct ercx_lpm *lpm, __be32 daddr4);
u32 ercx_lpm_lookup6(const struct ercx_lpm *lpm, const u8 daddr6[16]);

/*
 * Precomputed answers of a prefix for the four usable-path masks, 2 bits
 * each (an enum ercx_path of the UAPI, or ERCX_ANS_EXCLUDED), to pass to
 * ercx_select() (example in lpm.c)
 */
u8 ercx_lpm_answers(const struct ercx_lpm *lpm, u32 idx);

static inline u8 ercx_select(u8 answers, u8 usable)
{
	return (answers >> ((usable & 3) * 2)) & 3;
}

u32 ercx_lpm_count(const struct ercx_lpm *lpm);
/* The prefix with index @idx (0-based) as given to ercx_lpm_build */
const struct ercx_prefix *ercx_lpm_prefix(const struct ercx_lpm *lpm, u32 idx);
/* Bytes of memory the table uses (for status and benchmarks) */
size_t ercx_lpm_mem(const struct ercx_lpm *lpm);

/* ------------------------------------------------------------------------ */
/* TCP MSS clamp                                                             */

enum ercx_mss_result {
	ERCX_MSS_NOT_SYN,	/* not a SYN: untouched */
	ERCX_MSS_OK,		/* SYN with MSS <= max: untouched */
	ERCX_MSS_CLAMPED,	/* MSS lowered to max, checksum updated */
	ERCX_MSS_ABSENT,	/* SYN without MSS option: untouched */
	ERCX_MSS_MALFORMED,	/* bad doff or options: untouched */
};

/* Clamp the MSS option of a SYN or SYN-ACK (kernel-doc in mss.c) */
enum ercx_mss_result ercx_mss_clamp(u8 *th, unsigned int len, u16 max,
				    bool update_csum, u16 *old);

/* ------------------------------------------------------------------------ */
/* Path selection                                                            */

/*
 * Inputs of the path state machine, owned by the caller and changed under
 * its lock.  The module keeps one per network namespace.
 */
struct ercx_sm {
	u8 mode;		/* enum ercx_mode */
	/* by enum ercx_path (slot 0 unused): the path is up */
	u8 link_up[ERCX_PATH_MAX + 1];
	u8 er_pending;		/* ER up again, failback delay not yet elapsed */
	u64 er_due_ns;		/* when @er_pending: the failback is due then */
};

/*
 * The failback wait: start, cancel, and the timer's question (sm.c).
 * Times are monotonic nanoseconds.
 */
void ercx_sm_er_wait(struct ercx_sm *sm, u64 now_ns, u32 delay_ms);
void ercx_sm_er_cancel(struct ercx_sm *sm);
bool ercx_sm_failback_due(struct ercx_sm *sm, u64 now_ns);

/* The usable mask (ERCX_USABLE_*) that the packet path must use */
u8 ercx_sm_usable(const struct ercx_sm *sm);
/* The path for a prefix reachable by both paths: enum ercx_path */
u8 ercx_sm_active(const struct ercx_sm *sm);

/*
 * Failback dampening (Documentation/design.rst, "Failback dampening").
 * Each flap of ER (up -> down) adds one to a penalty; the effective failback
 * delay is the configured one doubled for each penalty point above one, at
 * most ERCX_DAMP_MAX_SHIFT doublings and at most ERCX_DAMP_CAP_MS (unless
 * the configured delay is longer).  One point decays for every
 * ERCX_DAMP_DECAY_MS without a flap.  So a first flap waits the configured
 * delay, a second within a minute twice that, a third four times...
 * Times are monotonic nanoseconds; the caller owns the struct and its lock.
 */
#define ERCX_DAMP_DECAY_MS	60000U
#define ERCX_DAMP_MAX_SHIFT	5U
#define ERCX_DAMP_MAX_PENALTY	(ERCX_DAMP_MAX_SHIFT + 1)
#define ERCX_DAMP_CAP_MS	600000U

struct ercx_damp {
	u32 penalty;		/* 0..ERCX_DAMP_MAX_PENALTY */
	u64 last_ns;		/* last flap or decay step */
};

/* Apply the decay due at @now_ns */
void ercx_damp_decay(struct ercx_damp *d, u64 now_ns);
/* One flap at @now_ns (decays first) */
void ercx_damp_flap(struct ercx_damp *d, u64 now_ns);
/* The effective failback delay for the configured @base_ms */
u32 ercx_damp_delay(const struct ercx_damp *d, u32 base_ms);

#endif /* _ERCX_CORE_H */
