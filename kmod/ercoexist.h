/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexist: internal structures of the kernel glue.
 */
#ifndef _ERCX_ERCOEXIST_H
#define _ERCX_ERCOEXIST_H

#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/ercoexist.h>

#include "ercx_core.h"

/*
 * Paths are numbered as in the UAPI (enum ercx_path) everywhere: loops run
 * from ERCX_PATH_ER to ERCX_PATH_MAX, and arrays of per-path data have
 * ERCX_PATH_MAX + 1 slots, like netlink's attribute tables.  The slot of
 * ERCX_PATH_NONE is unused, except where code that serves the paths serves
 * the underlay too (which is no path), as ERCX_UNDERLAY.
 */
#define ERCX_UNDERLAY	ERCX_PATH_NONE

#define ERCX_TRANSITIONS	32
#define ERCX_NHOOKS		6
#define ERCX_UNDERLAY_EVENT_MS	1000
#define ERCX_MAX_MS		3600000U

/* Which optional addresses a path configuration carries */
#define ERCX_HAS_GW4	BIT(0)
#define ERCX_HAS_GW6	BIT(1)
#define ERCX_HAS_PROBE4	BIT(2)
#define ERCX_HAS_PROBE6	BIT(3)
#define ERCX_HAS_PEER4	BIT(4)
#define ERCX_HAS_PEER6	BIT(5)

/*
 * A path's configuration.  The device is a name, followed through register,
 * unregister, rename and moves between namespaces (paths.c); the device
 * bound now is not configuration: it is in en->live[].
 */
struct ercx_path_cfg {
	char ifname[IFNAMSIZ];
	u32 fwmark;
	u32 table;
	u32 probe_interval_ms;
	u8 probe_multiplier;
	u8 has;				/* ERCX_HAS_* */
	__be32 gw4;
	__be32 probe4;
	__be32 peer4;
	struct in6_addr gw6;
	struct in6_addr probe6;
	struct in6_addr peer6;
};

/* Immutable once published; replaced as a whole under RCU */
struct ercx_policy {
	struct ercx_lpm *lpm;
	struct ercx_path_cfg path[ERCX_PATH_MAX + 1];
	struct ercx_path_cfg underlay;	/* valid when @has_underlay */
	bool has_underlay;
	u32 fwmask;
	u32 failback_delay_ms;
	u32 generation;
	u16 mss;
	u16 mss6;
	u8 mss_scope;
	u8 nopath;
	bool transit;			/* steer what arrives by a path too */
	struct rcu_head rcu;
};

/*
 * Counters: per path tx (ERCX_CTR_TX_PACKETS + path, the slot of
 * ERCX_PATH_NONE unused), then global ones
 */
enum ercx_ctr {
	ERCX_CTR_TX_PACKETS,
	ERCX_CTR_TX_BYTES = ERCX_CTR_TX_PACKETS + ERCX_PATH_MAX + 1,
	ERCX_CTR_MSS_CLAMPED = ERCX_CTR_TX_BYTES + ERCX_PATH_MAX + 1,
	ERCX_CTR_MSS_ERRORS,
	ERCX_CTR_NOPATH_PACKETS,
	ERCX_CTR_NOPATH_DROPPED,
	ERCX_CTR_UNDERLAY,		/* underlay guard: steered or dropped */
	ERCX_CTR_MAX,
};

/* Per-CPU counters, written by the packet path */
struct ercx_pcpu_stats {
	u64_stats_t c[ERCX_CTR_MAX];
	struct u64_stats_sync syncp;
};

/* A snapshot of the counters summed over the CPUs */
struct ercx_stats {
	u64 c[ERCX_CTR_MAX];
};

struct ercx_pstate {
	u8 state;			/* enum ercx_path_state */
	u8 reason;			/* enum ercx_reason */
	u8 dev_state;			/* the device's part of @state */
	u8 dev_reason;
	bool probe_down;		/* the probes' verdict (probe.c) */
	u64 since_ns;
};

/*
 * The device bound to a path by its name, and what the packet path needs to
 * test it itself (paths.c sets it under en->lock; hooks.c reads it under
 * RCU): the device, NULL when no device of the policy's name is registered
 * in the namespace, and its carrier_down_count when the
 * notifier last looked at it.  A device that is not running, has no carrier
 * or lost its carrier since then is unusable for the packet at once, before
 * the notifier (linkwatch, a work item) catches up; only the notifier makes
 * it usable again, after the failback delay.
 */
struct ercx_live {
	const struct net_device __rcu *dev;
	unsigned int downs;
};

/* Liveness probe counters of one path (probe.c) */
struct ercx_probe_stats {
	u64 sent;
	u64 received;
	u64 lost;
	u64 errors;
	u64 rtt_sum_ns;
	u32 rtt_last_us;
	u32 rtt_min_us;
	u32 rtt_max_us;
	u32 rtt_avg_us;			/* filled by ercx_probe_stats() */
	u8 state;			/* enum ercx_path_state */
};

struct ercx_prober;		/* probe.c */

struct ercx_transition {
	u64 time_ns;
	u8 from;
	u8 to;
	u8 reason;
};

/* Per network namespace */
struct ercx_net {
	struct net *net;
	/*
	 * The packet path reads only @policy (RCU), @usable (READ_ONCE) and
	 * @live (RCU, READ_ONCE): the devices bound to the paths by name, the
	 * underlay's in the slot of ERCX_UNDERLAY
	 */
	struct ercx_policy __rcu *policy;
	u8 usable;			/* ERCX_USABLE_* */
	struct ercx_live live[ERCX_PATH_MAX + 1];

	/*
	 * The first policy's one-time setup (ercx_net_setup()): @stats and
	 * the netdevice notifier, kept until the namespace dies.  @setup_lock
	 * is taken before @lock and before RTNL, never under them.
	 */
	struct mutex setup_lock;
	bool set_up;			/* under @setup_lock; exit reads it */

	/* Everything below is changed under @lock */
	struct mutex lock;
	bool dying;
	bool hooks_on;
	u32 generation;
	struct ercx_sm sm;
	u8 active;			/* enum ercx_path */
	struct ercx_pstate path[ERCX_PATH_MAX + 1];
	struct delayed_work failback_work;
	struct ercx_damp damp;		/* failback dampening */
	/* liveness probes, NULL when the path does not probe */
	struct ercx_prober *prober[ERCX_PATH_MAX + 1];
	u64 failovers;
	u64 failbacks;
	struct ercx_transition tr[ERCX_TRANSITIONS];
	u32 tr_next;			/* slot of the next transition */
	u32 tr_count;

	/* underlay guard events, at most one per ERCX_UNDERLAY_EVENT_MS */
	struct delayed_work underlay_work;
	unsigned long underlay_pending;	/* bit 0: the work is scheduled */

	/*
	 * The probes' sockets, for the LOCAL_OUT hooks: their packets are
	 * never steered (READ_ONCE, compared, never dereferenced there)
	 */
	struct sock *probe_sk[ERCX_PATH_MAX + 1][2];

	struct notifier_block netdev_nb;	/* registered when @set_up */
	/*
	 * NULL until the first policy; set under @lock before the hooks are
	 * first registered, which publishes it to the packet path
	 */
	struct ercx_pcpu_stats __percpu *stats;
	struct nf_hook_ops hook_ops[ERCX_NHOOKS];
};

/* The family's one multicast group */
enum ercx_mcgrp {
	ERCX_MCGRP_EVENTS_ID,
};

/* netns.c */
int ercx_netns_init(void);
void ercx_netns_exit(void);
struct ercx_net *ercx_net(const struct net *net);
int ercx_net_setup(struct ercx_net *en, struct netlink_ext_ack *extack);

/* policy.c */
extern unsigned int ercx_max_prefixes;
extern const struct nla_policy ercx_set_policy[ERCX_A_MAX + 1];
int ercx_policy_parse(struct genl_info *info, struct ercx_policy **out);
const struct ercx_path_cfg *ercx_policy_cfg(const struct ercx_policy *pol,
					    int p);
void ercx_policy_free(struct ercx_policy *pol);
void ercx_policy_free_rcu(struct ercx_policy *pol);
struct ercx_policy *ercx_policy_locked(struct ercx_net *en);
u32 ercx_policy_prefixes(const struct ercx_policy *pol);

/* netlink.c */
int ercx_genl_init(void);
void ercx_genl_exit(void);

/* events.c */
void ercx_events_start(const struct genl_family *family);
void ercx_events_stop(void);
void ercx_event(struct ercx_net *en, u8 event, u8 path, u8 reason, u64 count);

/* reject.c */
void ercx_send_unreach4(struct sk_buff *skb, unsigned int hook);
void ercx_send_unreach6(struct net *net, struct sk_buff *skb,
			unsigned int hook);

/* hooks.c */
void ercx_hooks_init(struct ercx_net *en);
int ercx_hooks_register(struct ercx_net *en);
void ercx_hooks_unregister(struct ercx_net *en);
void ercx_stats_read(struct ercx_net *en, struct ercx_stats *st);
void ercx_guard_init(struct ercx_net *en);
void ercx_guard_exit(struct ercx_net *en);

/* paths.c */
void ercx_paths_init(struct ercx_net *en);
int ercx_paths_track(struct ercx_net *en);
void ercx_paths_exit(struct ercx_net *en);
void ercx_paths_policy_changed(struct ercx_net *en,
			       const struct ercx_policy *old,
			       const struct ercx_policy *pol);
int ercx_paths_set_mode(struct ercx_net *en, u8 mode, u8 reason);
void ercx_paths_probe_changed(struct ercx_net *en, int p);
void ercx_paths_probe_missed(struct ercx_net *en, int p);
u32 ercx_paths_failback_ms(struct ercx_net *en);
int ercx_paths_bound_ifindex(struct ercx_net *en, int p);

/* probe.c */
int ercx_probes_prepare(struct ercx_net *en, const struct ercx_policy *pol,
			struct ercx_prober **newp, struct netlink_ext_ack *extack);
void ercx_probes_abort(struct ercx_net *en, struct ercx_prober **newp);
void ercx_probes_commit(struct ercx_net *en, struct ercx_prober **newp,
			struct ercx_prober **oldp);
void ercx_probes_free(struct ercx_prober **probers);
bool ercx_probe_stats(struct ercx_net *en, int p, struct ercx_probe_stats *st);
void ercx_probes_exit(struct ercx_net *en);

/* A packet of a liveness probe: never steered (LOCAL_OUT, RCU) */
static inline bool ercx_probe_sk(const struct ercx_net *en,
				 const struct sock *sk)
{
	int p;

	if (!sk)
		return false;
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++)
		if (READ_ONCE(en->probe_sk[p][0]) == sk ||
		    READ_ONCE(en->probe_sk[p][1]) == sk)
			return true;
	return false;
}

#ifdef ERCX_INJECT_DEFECTS
void ercx_inject_defects(void);		/* inject.c, test builds only */
#else
static inline void ercx_inject_defects(void) { }
#endif

static inline u64 ercx_now_ns(void)
{
	return ktime_get_real_ns();
}

#endif /* _ERCX_ERCOEXIST_H */
