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

/**
 * enum ercx_path - a path
 * @ERCX_PATH_NONE: no path (no active path, or a prefix with no usable one)
 * @ERCX_PATH_ER: the ExpressRoute circuit
 * @ERCX_PATH_VPN: the Site-to-Site VPN tunnel
 * @__ERCX_PATH_MAX: one past the last path; internal
 * @ERCX_PATH_MAX: the highest path
 *
 * The value of %ERCX_A_PATH, %ERCX_A_ACTIVE_PATH, %ERCX_A_PREV_PATH,
 * %ERCX_PFX_A_PATH, %ERCX_TR_A_FROM and %ERCX_TR_A_TO.
 */
enum ercx_path {
	ERCX_PATH_NONE,
	ERCX_PATH_ER,
	ERCX_PATH_VPN,

	__ERCX_PATH_MAX,
	ERCX_PATH_MAX = __ERCX_PATH_MAX - 1,
};

/*
 * ERCX_PFX_A_VIA: the paths a prefix is reachable by (bit mask).
 * ERCX_VIA_NONE: an exclusion: destinations in it are never steered nor
 * subject to NoPath, whatever shorter prefix covers them (the gateway's own
 * addresses and connected subnets, the config's Exclude lines).
 */
#define ERCX_VIA_NONE	0U
#define ERCX_VIA_ER	(1U << 0)
#define ERCX_VIA_VPN	(1U << 1)
#define ERCX_VIA_ALL	(ERCX_VIA_ER | ERCX_VIA_VPN)

/**
 * enum ercx_mode - the operator's mode of path selection
 * @ERCX_MODE_AUTO: automatic: ER when usable, else the VPN
 *                  (%ERCX_CMD_AUTO)
 * @ERCX_MODE_FORCED_VPN: ER is not used (%ERCX_CMD_FAILOVER to the VPN)
 * @ERCX_MODE_FORCED_ER: the VPN is not used (%ERCX_CMD_FAILOVER to ER)
 * @__ERCX_MODE_MAX: one past the last mode; internal
 * @ERCX_MODE_MAX: the highest mode
 *
 * The value of %ERCX_A_MODE.
 */
enum ercx_mode {
	ERCX_MODE_AUTO,
	ERCX_MODE_FORCED_VPN,
	ERCX_MODE_FORCED_ER,

	__ERCX_MODE_MAX,
	ERCX_MODE_MAX = __ERCX_MODE_MAX - 1,
};

/**
 * enum ercx_mss_scope - which TCP SYNs get their MSS clamped
 * @ERCX_MSS_SCOPE_TUNNEL: SYN and SYN-ACK entering or leaving by the VPN
 *                         device (the default)
 * @ERCX_MSS_SCOPE_ALL: those, and every SYN to or from a policy prefix
 * @__ERCX_MSS_SCOPE_MAX: one past the last scope; internal
 * @ERCX_MSS_SCOPE_MAX: the highest scope
 *
 * The value of %ERCX_A_MSS_SCOPE.
 */
enum ercx_mss_scope {
	ERCX_MSS_SCOPE_TUNNEL,	/* SYN/SYN-ACK crossing the VPN device */
	ERCX_MSS_SCOPE_ALL,	/* ... and every SYN to or from a policy prefix */

	__ERCX_MSS_SCOPE_MAX,
	ERCX_MSS_SCOPE_MAX = __ERCX_MSS_SCOPE_MAX - 1,
};

/**
 * enum ercx_nopath - what happens to a packet to a prefix with no usable path
 * @ERCX_NOPATH_PASS: leave the packet to normal routing (the default)
 * @ERCX_NOPATH_DROP: drop it and answer ICMP or ICMPv6 unreachable
 * @__ERCX_NOPATH_MAX: one past the last value; internal
 * @ERCX_NOPATH_MAX: the highest value
 *
 * The value of %ERCX_A_NOPATH.
 */
enum ercx_nopath {
	ERCX_NOPATH_PASS,	/* leave the packet to normal routing */
	ERCX_NOPATH_DROP,	/* drop and answer ICMP unreachable */

	__ERCX_NOPATH_MAX,
	ERCX_NOPATH_MAX = __ERCX_NOPATH_MAX - 1,
};

/**
 * enum ercx_path_state - the state of a path, or the probes' verdict on it
 * @ERCX_STATE_DOWN: not usable
 * @ERCX_STATE_UP: usable (device running with carrier, probes answering)
 *
 * The value of %ERCX_A_STATE, %ERCX_PATH_A_STATE and
 * %ERCX_PATH_A_PROBE_STATE.
 */
enum ercx_path_state {
	ERCX_STATE_DOWN,
	ERCX_STATE_UP,
};

/**
 * enum ercx_reason - why a path is in its state, or why a transition happened
 * @ERCX_REASON_NONE: no reason (no policy yet, or a fresh device)
 * @ERCX_REASON_UP: the device is running with carrier
 * @ERCX_REASON_NO_DEVICE: the device is missing or was unregistered
 * @ERCX_REASON_ADMIN_DOWN: the device is administratively down
 * @ERCX_REASON_CARRIER: the device has no carrier, or lost it meanwhile
 * @ERCX_REASON_OPERATOR: forced by %ERCX_CMD_FAILOVER
 * @ERCX_REASON_PROBE_TIMEOUT: no answer to the liveness probes for
 *                             ProbeMultiplier x ProbeInterval
 * @ERCX_REASON_FAILBACK: the failback delay elapsed
 * @ERCX_REASON_POLICY: a new policy was set, or the policy was flushed
 * @ERCX_REASON_AUTO: back to automatic selection by %ERCX_CMD_AUTO
 * @__ERCX_REASON_MAX: one past the last reason; internal
 * @ERCX_REASON_MAX: the highest reason
 *
 * The value of %ERCX_A_REASON, %ERCX_PATH_A_REASON and %ERCX_TR_A_REASON.
 */
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

/**
 * enum ercx_event - the kind of an %ERCX_CMD_EVENT notification
 * @ERCX_EVENT_NONE: not sent
 * @ERCX_EVENT_PATH_STATE: a path changed its state: %ERCX_A_PATH,
 *                         %ERCX_A_STATE, %ERCX_A_REASON
 * @ERCX_EVENT_ACTIVE_PATH: the active path changed: %ERCX_A_PREV_PATH,
 *                          %ERCX_A_ACTIVE_PATH, %ERCX_A_REASON
 * @ERCX_EVENT_POLICY: a policy was set or flushed: %ERCX_A_GENERATION,
 *                     %ERCX_A_PREFIX_COUNT (0: flushed)
 * @ERCX_EVENT_MODE: the operator's mode changed: %ERCX_A_MODE,
 *                   %ERCX_A_REASON
 * @ERCX_EVENT_UNDERLAY: the underlay guard kept packets to the VPN peer off
 *                       the ER path: %ERCX_A_UNDERLAY_PACKETS.  At most one
 *                       per second.
 * @ERCX_EVENT_PROBE: the liveness probes of a path changed their verdict:
 *                    %ERCX_A_PATH, %ERCX_A_STATE (up: answering; down:
 *                    no answer for ProbeMultiplier x ProbeInterval),
 *                    %ERCX_A_REASON (%ERCX_REASON_UP or
 *                    %ERCX_REASON_PROBE_TIMEOUT)
 * @__ERCX_EVENT_MAX: one past the last event; internal
 * @ERCX_EVENT_MAX: the highest event
 *
 * The value of %ERCX_A_EVENT.  Every event also carries
 * %ERCX_A_TIMESTAMP_NS.
 */
enum ercx_event {
	ERCX_EVENT_NONE,
	ERCX_EVENT_PATH_STATE,	/* ERCX_A_PATH, ERCX_A_STATE, ERCX_A_REASON */
	ERCX_EVENT_ACTIVE_PATH,	/* ERCX_A_PREV_PATH, ERCX_A_ACTIVE_PATH, ERCX_A_REASON */
	ERCX_EVENT_POLICY,	/* ERCX_A_GENERATION, ERCX_A_PREFIX_COUNT (0: flushed) */
	ERCX_EVENT_MODE,	/* ERCX_A_MODE, ERCX_A_REASON */
	ERCX_EVENT_UNDERLAY,
	ERCX_EVENT_PROBE,

	__ERCX_EVENT_MAX,
	ERCX_EVENT_MAX = __ERCX_EVENT_MAX - 1,
};

/**
 * enum ercx_cmd - the commands of the generic netlink family
 * @ERCX_CMD_UNSPEC: unused
 * @ERCX_CMD_POLICY_SET: replace the whole policy, atomically.  Top level:
 *                       %ERCX_A_PATH_ER, %ERCX_A_PATH_VPN (nests of
 *                       ERCX_PATH_A_*), the policy scalars, and any number of
 *                       %ERCX_A_PREFIX nests, repeated at the top level so
 *                       that a policy is not limited by the 64 KiB size of
 *                       one attribute.
 * @ERCX_CMD_POLICY_GET: reply: the policy (as POLICY_SET takes it) without
 *                       its prefixes
 * @ERCX_CMD_PREFIX_GET: dump: one message per prefix, consistent with one
 *                       generation
 * @ERCX_CMD_STATUS_GET: reply: mode, active path, paths with state and
 *                       counters, global counters, transitions
 * @ERCX_CMD_FAILOVER: force a path, %ERCX_A_PATH (ER or VPN)
 * @ERCX_CMD_AUTO: return to automatic path selection
 * @ERCX_CMD_FLUSH: remove the policy
 * @ERCX_CMD_EVENT: multicast notification on the "events" group:
 *                  %ERCX_A_EVENT and the attributes of enum ercx_event
 * @__ERCX_CMD_MAX: one past the last command; internal
 * @ERCX_CMD_MAX: the highest command
 */
enum ercx_cmd {
	ERCX_CMD_UNSPEC,
	ERCX_CMD_POLICY_SET,
	ERCX_CMD_POLICY_GET,
	ERCX_CMD_PREFIX_GET,
	ERCX_CMD_STATUS_GET,
	ERCX_CMD_FAILOVER,
	ERCX_CMD_AUTO,
	ERCX_CMD_FLUSH,
	ERCX_CMD_EVENT,

	__ERCX_CMD_MAX,
	ERCX_CMD_MAX = __ERCX_CMD_MAX - 1,
};

/**
 * enum ercx_attr - the top-level attributes
 * @ERCX_A_UNSPEC: unused
 * @ERCX_A_PAD: padding for 64-bit attributes
 * @ERCX_A_PATH_ER: nest of enum ercx_path_attr: the ER path
 * @ERCX_A_PATH_VPN: nest of enum ercx_path_attr: the VPN path
 * @ERCX_A_PREFIX: nest of enum ercx_prefix_attr, repeated: one prefix
 * @ERCX_A_MSS: u16: the MSS clamp for IPv4 (536..9000)
 * @ERCX_A_MSS6: u16: the MSS clamp for IPv6 (1220..9000); by default
 *               %ERCX_A_MSS - 20, at least 1220
 * @ERCX_A_MSS_SCOPE: u8: enum ercx_mss_scope
 * @ERCX_A_NOPATH: u8: enum ercx_nopath
 * @ERCX_A_FAILBACK_DELAY_MS: u32: how long ER must stay up before traffic
 *                            returns to it
 * @ERCX_A_FWMASK: u32: the bits of skb->mark the module owns
 * @ERCX_A_GENERATION: u32 (read only): the policy's generation
 * @ERCX_A_PREFIX_COUNT: u32 (read only): the policy's number of prefixes
 * @ERCX_A_MODE: u8 (read only): enum ercx_mode
 * @ERCX_A_PATH: u8: enum ercx_path
 * @ERCX_A_ACTIVE_PATH: u8 (read only): enum ercx_path
 * @ERCX_A_PREV_PATH: u8 (events): enum ercx_path
 * @ERCX_A_STATE: u8 (events): enum ercx_path_state
 * @ERCX_A_REASON: u8: enum ercx_reason
 * @ERCX_A_EVENT: u8: enum ercx_event
 * @ERCX_A_TIMESTAMP_NS: u64: CLOCK_REALTIME of the event
 * @ERCX_A_STATS: nest of enum ercx_stats_attr: the global counters
 * @ERCX_A_TRANSITIONS: nest of %ERCX_A_TRANSITION, repeated
 * @ERCX_A_TRANSITION: nest of enum ercx_transition_attr
 * @ERCX_A_POLICY_LOADED: flag (status): a policy is set
 * @ERCX_A_UNDERLAY: nest of %ERCX_PATH_A_IFINDEX (required),
 *                   %ERCX_PATH_A_GATEWAY4 and 6, %ERCX_PATH_A_FWMARK and
 *                   %ERCX_PATH_A_TABLE: the Internet uplink that carries the
 *                   VPN's own packets.  With it, packets to the VPN peer
 *                   that would leave by the ER device are steered to this
 *                   uplink; without it they are dropped.
 * @ERCX_A_UNDERLAY_PACKETS: u64 (event): the underlay guard's interventions
 *                           so far
 * @ERCX_A_FAILBACK_EFFECTIVE_MS: u32 (read only): the failback delay in
 *                                force now, %ERCX_A_FAILBACK_DELAY_MS grown by
 *                                the dampening penalty
 * @ERCX_A_DAMP_PENALTY: u32 (read only): the recent flaps of ER
 * @ERCX_A_TRANSIT: u8: 1 to steer packets that arrived by the ER, VPN or
 *                  underlay device too; 0 (the default): such packets are
 *                  left to normal routing, never sent back out of a path
 * @ERCX_A_FAILBACK_PENDING: u8 (read only): 1 while ER waits for the
 *                           failback delay
 * @__ERCX_A_MAX: one past the last attribute; internal
 * @ERCX_A_MAX: the highest attribute
 */
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
	ERCX_A_UNDERLAY,
	ERCX_A_UNDERLAY_PACKETS,	/* u64: guard interventions so far (event) */
	ERCX_A_FAILBACK_EFFECTIVE_MS,
	ERCX_A_DAMP_PENALTY,		/* u32 (read only): recent ER flaps */
	ERCX_A_FAILBACK_PENDING,	/* u8 (read only): 1 while ER waits */
	ERCX_A_TRANSIT,			/* u8: 0/1, steer what arrives by a path */

	__ERCX_A_MAX,
	ERCX_A_MAX = __ERCX_A_MAX - 1,
};

/**
 * enum ercx_path_attr - the attributes of a path
 * @ERCX_PATH_A_UNSPEC: unused
 * @ERCX_PATH_A_PAD: padding for 64-bit attributes
 * @ERCX_PATH_A_IFINDEX: u32: in POLICY_SET, the path's device when no
 *                       %ERCX_PATH_A_IFNAME is given (its name is then
 *                       followed); in status, the device bound now, 0 if
 *                       none
 * @ERCX_PATH_A_IFNAME: string: the path's device by name, followed through
 *                      register, unregister, rename and moves between
 *                      namespaces (a path without its device is down,
 *                      %ERCX_REASON_NO_DEVICE); POLICY_SET needs IFNAME or
 *                      IFINDEX
 * @ERCX_PATH_A_GATEWAY4: be32: the IPv4 next hop
 * @ERCX_PATH_A_GATEWAY6: binary, 16 bytes: the IPv6 next hop
 * @ERCX_PATH_A_PROBE4: be32: the IPv4 liveness probe target (default: the
 *                      gateway)
 * @ERCX_PATH_A_PROBE6: binary, 16 bytes: the IPv6 liveness probe target
 * @ERCX_PATH_A_PROBE_INTERVAL_MS: u32: 0 for no probes, else at least 10
 * @ERCX_PATH_A_PROBE_MULTIPLIER: u8: 1..255 intervals without an answer take
 *                                the path down
 * @ERCX_PATH_A_PEER4: be32 (VPN only): the tunnel's IPv4 underlay peer
 * @ERCX_PATH_A_PEER6: binary, 16 bytes (VPN only): the IPv6 underlay peer
 * @ERCX_PATH_A_FWMARK: u32: the mark for this path, within %ERCX_A_FWMASK
 * @ERCX_PATH_A_TABLE: u32: the routing table of this path
 * @ERCX_PATH_A_STATE: u8 (read only): enum ercx_path_state
 * @ERCX_PATH_A_REASON: u8 (read only): enum ercx_reason
 * @ERCX_PATH_A_TX_PACKETS: u64 (read only): packets steered to this path
 * @ERCX_PATH_A_TX_BYTES: u64 (read only): bytes steered to this path
 * @ERCX_PATH_A_SINCE_NS: u64 (read only): CLOCK_REALTIME of the last change
 * @ERCX_PATH_A_PROBE_STATE: u8 (read only, while the path probes):
 *                           enum ercx_path_state, the probes' verdict
 * @ERCX_PATH_A_PROBE_SENT: u64 (read only): echo requests sent
 * @ERCX_PATH_A_PROBE_RECEIVED: u64 (read only): replies within the interval
 * @ERCX_PATH_A_PROBE_LOST: u64 (read only): requests not answered in time
 * @ERCX_PATH_A_PROBE_ERRORS: u64 (read only): requests that could not be
 *                            sent
 * @ERCX_PATH_A_PROBE_RTT_LAST_US: u32 (read only): the last round trip
 * @ERCX_PATH_A_PROBE_RTT_MIN_US: u32 (read only): the shortest round trip
 * @ERCX_PATH_A_PROBE_RTT_AVG_US: u32 (read only): the average round trip
 * @ERCX_PATH_A_PROBE_RTT_MAX_US: u32 (read only): the longest round trip
 * @__ERCX_PATH_A_MAX: one past the last attribute; internal
 * @ERCX_PATH_A_MAX: the highest attribute
 *
 * In %ERCX_A_PATH_ER, %ERCX_A_PATH_VPN and %ERCX_A_UNDERLAY: the
 * configuration (set and get) and, in status, the state.
 */
enum ercx_path_attr {
	ERCX_PATH_A_UNSPEC,
	ERCX_PATH_A_PAD,
	ERCX_PATH_A_IFINDEX,		/* u32: device bound now (status) */
	ERCX_PATH_A_IFNAME,		/* string: the device, followed by name */
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

/**
 * enum ercx_prefix_attr - the attributes of a prefix, in %ERCX_A_PREFIX
 * @ERCX_PFX_A_UNSPEC: unused
 * @ERCX_PFX_A_PAD: padding for 64-bit attributes
 * @ERCX_PFX_A_ADDR4: be32: the IPv4 network; exactly one of ADDR4 and ADDR6
 * @ERCX_PFX_A_ADDR6: binary, 16 bytes: the IPv6 network
 * @ERCX_PFX_A_PLEN: u8: the prefix length, 0..32 or 0..128; no host bits set
 * @ERCX_PFX_A_VIA: u8: the paths it is reachable by, an ERCX_VIA_* mask;
 *                  %ERCX_VIA_NONE (0): an exclusion, never steered
 * @ERCX_PFX_A_PATH: u8 (dump): enum ercx_path, the path selected now
 * @__ERCX_PFX_A_MAX: one past the last attribute; internal
 * @ERCX_PFX_A_MAX: the highest attribute
 */
enum ercx_prefix_attr {
	ERCX_PFX_A_UNSPEC,
	ERCX_PFX_A_PAD,
	ERCX_PFX_A_ADDR4,		/* be32: exactly one of ADDR4 and ADDR6 */
	ERCX_PFX_A_ADDR6,		/* binary, 16 bytes */
	ERCX_PFX_A_PLEN,		/* u8: 0..32 or 0..128; no host bits set */
	ERCX_PFX_A_VIA,			/* u8: ERCX_VIA_* mask; 0: exclusion */
	ERCX_PFX_A_PATH,		/* u8: enum ercx_path selected now (dump) */

	__ERCX_PFX_A_MAX,
	ERCX_PFX_A_MAX = __ERCX_PFX_A_MAX - 1,
};

/**
 * enum ercx_stats_attr - the global counters, all u64, in %ERCX_A_STATS
 * @ERCX_STATS_A_UNSPEC: unused
 * @ERCX_STATS_A_PAD: padding for 64-bit attributes
 * @ERCX_STATS_A_MSS_CLAMPED: SYN or SYN-ACK whose MSS was lowered
 * @ERCX_STATS_A_MSS_ERRORS: SYN not clamped: malformed options or an
 *                           unwritable skb
 * @ERCX_STATS_A_NOPATH_PACKETS: packets to a policy prefix with no usable
 *                               path
 * @ERCX_STATS_A_NOPATH_DROPPED: ... of which dropped (%ERCX_NOPATH_DROP)
 * @ERCX_STATS_A_FAILOVERS: the active path left ER
 * @ERCX_STATS_A_FAILBACKS: the active path returned to ER
 * @ERCX_STATS_A_UNDERLAY: the underlay guard's interventions
 * @__ERCX_STATS_A_MAX: one past the last attribute; internal
 * @ERCX_STATS_A_MAX: the highest attribute
 */
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

/**
 * enum ercx_transition_attr - one entry of the transition history
 * @ERCX_TR_A_UNSPEC: unused
 * @ERCX_TR_A_PAD: padding for 64-bit attributes
 * @ERCX_TR_A_TIMESTAMP_NS: u64: CLOCK_REALTIME of the change
 * @ERCX_TR_A_FROM: u8: enum ercx_path, the active path before
 * @ERCX_TR_A_TO: u8: enum ercx_path, the active path after
 * @ERCX_TR_A_REASON: u8: enum ercx_reason
 * @__ERCX_TR_A_MAX: one past the last attribute; internal
 * @ERCX_TR_A_MAX: the highest attribute
 *
 * In %ERCX_A_TRANSITION, newest last.
 */
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
