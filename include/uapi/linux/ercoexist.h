/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ercoexist: ExpressRoute / Site-to-Site VPN coexistence for a Linux gateway.
 *
 * Generic Netlink UAPI.  Documentation/netlink/specs/ercoexist.yaml describes
 * the same family; keep both in step.  Attributes and values are only ever
 * added, never renumbered.
 */
#ifndef _UAPI_LINUX_ERCOEXIST_H
#define _UAPI_LINUX_ERCOEXIST_H

#define ERCX_GENL_NAME		"ercoexist"
#define ERCX_GENL_VERSION	1
#define ERCX_MCGRP_EVENTS	"events"

/* A path.  Used as a value of ERCX_A_PATH, ERCX_A_ACTIVE_PATH, ... */
enum ercx_path {
	ERCX_PATH_NONE,
	ERCX_PATH_ER,
	ERCX_PATH_VPN,

	__ERCX_PATH_MAX,
	ERCX_PATH_MAX = __ERCX_PATH_MAX - 1,
};

/* ERCX_PFX_A_VIA: the paths a prefix is reachable by (bit mask) */
#define ERCX_VIA_ER	(1U << 0)
#define ERCX_VIA_VPN	(1U << 1)
#define ERCX_VIA_ALL	(ERCX_VIA_ER | ERCX_VIA_VPN)

enum ercx_mode {
	ERCX_MODE_AUTO,
	ERCX_MODE_FORCED_VPN,
	ERCX_MODE_FORCED_ER,

	__ERCX_MODE_MAX,
	ERCX_MODE_MAX = __ERCX_MODE_MAX - 1,
};

enum ercx_mss_scope {
	ERCX_MSS_SCOPE_TUNNEL,	/* SYN/SYN-ACK crossing the VPN device */
	ERCX_MSS_SCOPE_ALL,	/* ... and every SYN to or from a policy prefix */

	__ERCX_MSS_SCOPE_MAX,
	ERCX_MSS_SCOPE_MAX = __ERCX_MSS_SCOPE_MAX - 1,
};

enum ercx_nopath {
	ERCX_NOPATH_PASS,	/* leave the packet to normal routing */
	ERCX_NOPATH_DROP,	/* drop and answer ICMP unreachable */

	__ERCX_NOPATH_MAX,
	ERCX_NOPATH_MAX = __ERCX_NOPATH_MAX - 1,
};

enum ercx_path_state {
	ERCX_STATE_DOWN,
	ERCX_STATE_UP,
};

/* Why a path is in its state, or why a transition happened */
enum ercx_reason {
	ERCX_REASON_NONE,
	ERCX_REASON_UP,			/* device running with carrier */
	ERCX_REASON_NO_DEVICE,		/* device missing or unregistered */
	ERCX_REASON_ADMIN_DOWN,		/* device administratively down */
	ERCX_REASON_CARRIER,		/* device has no carrier */
	ERCX_REASON_OPERATOR,		/* forced by ERCX_CMD_FAILOVER */
	ERCX_REASON_PROBE_TIMEOUT,	/* liveness probes missed */
	ERCX_REASON_FAILBACK,		/* failback delay elapsed */
	ERCX_REASON_POLICY,		/* a new policy was set */
	ERCX_REASON_AUTO,		/* ERCX_CMD_AUTO */

	__ERCX_REASON_MAX,
	ERCX_REASON_MAX = __ERCX_REASON_MAX - 1,
};

enum ercx_event {
	ERCX_EVENT_NONE,
	ERCX_EVENT_PATH_STATE,	/* ERCX_A_PATH, ERCX_A_STATE, ERCX_A_REASON */
	ERCX_EVENT_ACTIVE_PATH,	/* ERCX_A_PREV_PATH, ERCX_A_ACTIVE_PATH, ERCX_A_REASON */
	ERCX_EVENT_POLICY,	/* ERCX_A_GENERATION, ERCX_A_PREFIX_COUNT (0: flushed) */
	ERCX_EVENT_MODE,	/* ERCX_A_MODE, ERCX_A_REASON */
	/*
	 * The underlay guard kept packets to the VPN peer off the ER path:
	 * ERCX_A_UNDERLAY_PACKETS.  At most one per second.
	 */
	ERCX_EVENT_UNDERLAY,
	/*
	 * The liveness probes of a path changed their verdict: ERCX_A_PATH,
	 * ERCX_A_STATE (up: answering; down: ProbeMultiplier misses in a row),
	 * ERCX_A_REASON (ERCX_REASON_UP or ERCX_REASON_PROBE_TIMEOUT)
	 */
	ERCX_EVENT_PROBE,

	__ERCX_EVENT_MAX,
	ERCX_EVENT_MAX = __ERCX_EVENT_MAX - 1,
};

enum ercx_cmd {
	ERCX_CMD_UNSPEC,
	/*
	 * Replace the whole policy, atomically.  Top level: ERCX_A_PATH_ER,
	 * ERCX_A_PATH_VPN (nests of ERCX_PATH_A_*), policy scalars, and any
	 * number of ERCX_A_PREFIX nests, repeated at the top level so that a
	 * policy is not limited by the 64 KiB size of one attribute.
	 */
	ERCX_CMD_POLICY_SET,
	/* Reply: the policy (as POLICY_SET takes it) without prefixes */
	ERCX_CMD_POLICY_GET,
	/* Dump: one message per prefix, consistent with one generation */
	ERCX_CMD_PREFIX_GET,
	/* Reply: mode, active path, paths with state and counters, ... */
	ERCX_CMD_STATUS_GET,
	/* ERCX_A_PATH: the path to force (ER or VPN) */
	ERCX_CMD_FAILOVER,
	/* Return to automatic path selection */
	ERCX_CMD_AUTO,
	/* Remove the policy */
	ERCX_CMD_FLUSH,
	/* Multicast notification on the "events" group: ERCX_A_EVENT, ... */
	ERCX_CMD_EVENT,

	__ERCX_CMD_MAX,
	ERCX_CMD_MAX = __ERCX_CMD_MAX - 1,
};

enum ercx_attr {
	ERCX_A_UNSPEC,
	ERCX_A_PAD,
	ERCX_A_PATH_ER,			/* nest: ERCX_PATH_A_* */
	ERCX_A_PATH_VPN,		/* nest: ERCX_PATH_A_* */
	ERCX_A_PREFIX,			/* nest: ERCX_PFX_A_*, repeated */
	ERCX_A_MSS,			/* u16: clamp for IPv4 (536..9000) */
	ERCX_A_MSS6,			/* u16: clamp for IPv6 (1220..9000);
					 * default ERCX_A_MSS - 20, at least 1220
					 */
	ERCX_A_MSS_SCOPE,		/* u8: enum ercx_mss_scope */
	ERCX_A_NOPATH,			/* u8: enum ercx_nopath */
	ERCX_A_FAILBACK_DELAY_MS,	/* u32 */
	ERCX_A_FWMASK,			/* u32: bits of skb->mark we own */
	ERCX_A_GENERATION,		/* u32: policy generation (read only) */
	ERCX_A_PREFIX_COUNT,		/* u32 (read only) */
	ERCX_A_MODE,			/* u8: enum ercx_mode (read only) */
	ERCX_A_PATH,			/* u8: enum ercx_path */
	ERCX_A_ACTIVE_PATH,		/* u8: enum ercx_path (read only) */
	ERCX_A_PREV_PATH,		/* u8: enum ercx_path (events) */
	ERCX_A_STATE,			/* u8: enum ercx_path_state (events) */
	ERCX_A_REASON,			/* u8: enum ercx_reason */
	ERCX_A_EVENT,			/* u8: enum ercx_event */
	ERCX_A_TIMESTAMP_NS,		/* u64: CLOCK_REALTIME */
	ERCX_A_STATS,			/* nest: ERCX_STATS_A_* */
	ERCX_A_TRANSITIONS,		/* nest: ERCX_A_TRANSITION, repeated */
	ERCX_A_TRANSITION,		/* nest: ERCX_TR_A_* */
	ERCX_A_POLICY_LOADED,		/* flag: a policy is set (status) */
	/*
	 * nest: ERCX_PATH_A_IFINDEX (required), GATEWAY4/6, FWMARK, TABLE:
	 * the Internet uplink that carries the VPN's own packets.  With it,
	 * packets to the VPN peer that would leave by the ER device are
	 * steered to this uplink; without it they are dropped.
	 */
	ERCX_A_UNDERLAY,
	ERCX_A_UNDERLAY_PACKETS,	/* u64: guard interventions so far (event) */
	/*
	 * u32 (read only): the failback delay in force now, FAILBACK_DELAY_MS
	 * grown by the dampening penalty
	 */
	ERCX_A_FAILBACK_EFFECTIVE_MS,
	ERCX_A_DAMP_PENALTY,		/* u32 (read only): recent ER flaps */
	ERCX_A_FAILBACK_PENDING,	/* u8 (read only): 1 while ER waits */

	__ERCX_A_MAX,
	ERCX_A_MAX = __ERCX_A_MAX - 1,
};

/* Per path: configuration (set and get) and state (status) */
enum ercx_path_attr {
	ERCX_PATH_A_UNSPEC,
	ERCX_PATH_A_PAD,
	ERCX_PATH_A_IFINDEX,		/* u32, required in POLICY_SET */
	ERCX_PATH_A_IFNAME,		/* string (read only) */
	ERCX_PATH_A_GATEWAY4,		/* be32 */
	ERCX_PATH_A_GATEWAY6,		/* binary, 16 bytes */
	ERCX_PATH_A_PROBE4,		/* be32: liveness probe target */
	ERCX_PATH_A_PROBE6,		/* binary, 16 bytes */
	ERCX_PATH_A_PROBE_INTERVAL_MS,	/* u32: 0 = no probes, else >= 10 */
	ERCX_PATH_A_PROBE_MULTIPLIER,	/* u8: 1..255 */
	ERCX_PATH_A_PEER4,		/* be32: VPN underlay peer (VPN only) */
	ERCX_PATH_A_PEER6,		/* binary, 16 bytes (VPN only) */
	ERCX_PATH_A_FWMARK,		/* u32: mark for this path, within FWMASK */
	ERCX_PATH_A_TABLE,		/* u32: routing table of this path */
	ERCX_PATH_A_STATE,		/* u8: enum ercx_path_state (read only) */
	ERCX_PATH_A_REASON,		/* u8: enum ercx_reason (read only) */
	ERCX_PATH_A_TX_PACKETS,		/* u64 (read only): steered to this path */
	ERCX_PATH_A_TX_BYTES,		/* u64 (read only) */
	ERCX_PATH_A_SINCE_NS,		/* u64 (read only): CLOCK_REALTIME of last change */
	/* Liveness probes (status, read only; only while the path probes) */
	ERCX_PATH_A_PROBE_STATE,	/* u8: enum ercx_path_state */
	ERCX_PATH_A_PROBE_SENT,		/* u64: echo requests sent */
	ERCX_PATH_A_PROBE_RECEIVED,	/* u64: replies within the interval */
	ERCX_PATH_A_PROBE_LOST,		/* u64: requests not answered in time */
	ERCX_PATH_A_PROBE_ERRORS,	/* u64: requests that could not be sent */
	ERCX_PATH_A_PROBE_RTT_LAST_US,	/* u32 */
	ERCX_PATH_A_PROBE_RTT_MIN_US,	/* u32 */
	ERCX_PATH_A_PROBE_RTT_AVG_US,	/* u32 */
	ERCX_PATH_A_PROBE_RTT_MAX_US,	/* u32 */

	__ERCX_PATH_A_MAX,
	ERCX_PATH_A_MAX = __ERCX_PATH_A_MAX - 1,
};

enum ercx_prefix_attr {
	ERCX_PFX_A_UNSPEC,
	ERCX_PFX_A_PAD,
	ERCX_PFX_A_ADDR4,		/* be32: exactly one of ADDR4 and ADDR6 */
	ERCX_PFX_A_ADDR6,		/* binary, 16 bytes */
	ERCX_PFX_A_PLEN,		/* u8: 0..32 or 0..128; no host bits set */
	ERCX_PFX_A_VIA,			/* u8: ERCX_VIA_* mask, not 0 */
	ERCX_PFX_A_PATH,		/* u8: enum ercx_path selected now (dump) */

	__ERCX_PFX_A_MAX,
	ERCX_PFX_A_MAX = __ERCX_PFX_A_MAX - 1,
};

/* Global counters, all u64 */
enum ercx_stats_attr {
	ERCX_STATS_A_UNSPEC,
	ERCX_STATS_A_PAD,
	ERCX_STATS_A_MSS_CLAMPED,	/* SYN or SYN-ACK MSS lowered */
	ERCX_STATS_A_MSS_ERRORS,	/* malformed options, unwritable skb */
	ERCX_STATS_A_NOPATH_PACKETS,	/* to a policy prefix with no usable path */
	ERCX_STATS_A_NOPATH_DROPPED,	/* ... of which dropped (NoPath = drop) */
	ERCX_STATS_A_FAILOVERS,		/* active path left ER */
	ERCX_STATS_A_FAILBACKS,		/* active path returned to ER */
	ERCX_STATS_A_UNDERLAY,		/* underlay guard interventions */

	__ERCX_STATS_A_MAX,
	ERCX_STATS_A_MAX = __ERCX_STATS_A_MAX - 1,
};

/* One entry of the transition history (newest last) */
enum ercx_transition_attr {
	ERCX_TR_A_UNSPEC,
	ERCX_TR_A_PAD,
	ERCX_TR_A_TIMESTAMP_NS,		/* u64: CLOCK_REALTIME */
	ERCX_TR_A_FROM,			/* u8: enum ercx_path */
	ERCX_TR_A_TO,			/* u8: enum ercx_path */
	ERCX_TR_A_REASON,		/* u8: enum ercx_reason */

	__ERCX_TR_A_MAX,
	ERCX_TR_A_MAX = __ERCX_TR_A_MAX - 1,
};

#endif /* _UAPI_LINUX_ERCOEXIST_H */
