// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: netfilter hooks.
 *
 * Steering: PRE_ROUTING (forwarded) and LOCAL_OUT (locally generated) look
 * the destination up and set the selected path's mark; policy routing does
 * the rest.  They run just after DNAT, so a DNATed packet is steered by its
 * real destination.  A destination in an exclusion (via 0) is left alone;
 * so is, unless the policy allows transit, a packet that arrived by the ER,
 * VPN or underlay device: it is never sent back out of a path.
 * MSS clamp: SYNs entering (PRE_ROUTING) or leaving (POST_ROUTING) by the
 * VPN device, and with scope "all" every SYN to or from a prefix that is
 * not an exclusion.
 *
 * Underlay guard: packets to the VPN peer never leave by the ER device.
 * Forwarded ones get the underlay's mark in PRE_ROUTING; locally generated
 * ones (the tunnel's own ESP and IKE) routed to ER are rerouted by that mark
 * in LOCAL_OUT; whatever still reaches ER in POST_ROUTING is dropped.
 *
 * Runs under RCU in any context: reads only the policy pointer, the usable
 * mask and the devices bound to the paths (en->live: compared, and tested
 * for carrier), writes only per-CPU counters and the skb.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "ercoexist.h"

#define ERCX_TCP_MAX_HDR	60

static void ercx_stats_add(struct ercx_net *en, enum ercx_ctr c, u64 v)
{
	struct ercx_pcpu_stats *s = get_cpu_ptr(en->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->c[c], v);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(en->stats);
}

static void ercx_stats_tx(struct ercx_net *en, int p, unsigned int len)
{
	struct ercx_pcpu_stats *s = get_cpu_ptr(en->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(&s->c[ERCX_CTR_TX_PACKETS + p]);
	u64_stats_add(&s->c[ERCX_CTR_TX_BYTES + p], len);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(en->stats);
}

/**
 * ercx_stats_read() - sum the per-CPU counters of a namespace
 * @en: the namespace's state
 * @st: receives the sums
 *
 * All zero in a namespace that never had a policy, which has no counters
 * yet.  Each CPU's counters are read consistently (u64_stats retry loop).
 *
 * Context: Process context (status, the underlay guard's work); takes no
 * lock of its own.
 */
void ercx_stats_read(struct ercx_net *en, struct ercx_stats *st)
{
	struct ercx_pcpu_stats __percpu *stats = READ_ONCE(en->stats);
	u64 v[ERCX_CTR_MAX];
	unsigned int start;
	int cpu, i;

	memset(st, 0, sizeof(*st));
	if (!stats)
		return;
	for_each_possible_cpu(cpu) {
		const struct ercx_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < ERCX_CTR_MAX; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < ERCX_CTR_MAX; i++)
			st->c[i] += v[i];
	}
}

/*
 * Clamp the MSS of a SYN whose TCP header starts @thoff bytes into the skb.
 * A dry run on a copy decides; the skb is made writable only when the
 * option must change.  Returns NF_DROP only when it cannot be written.
 */
static unsigned int ercx_mss(struct ercx_net *en, struct sk_buff *skb,
			     unsigned int thoff, u16 max)
{
	u8 buf[ERCX_TCP_MAX_HDR];
	const struct tcphdr *th;
	struct tcphdr _th;
	enum ercx_mss_result res;
	unsigned int len;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (unlikely(!th)) {
		u8 flags;

		/*
		 * Shorter than a TCP header: malformed when it is a SYN (a
		 * first fragment that leaves its options to the next one
		 * would otherwise pass unclamped and uncounted).
		 */
		if (!skb_copy_bits(skb, thoff + 13, &flags, 1) &&	/* flags */
		    (flags & TCPHDR_SYN))
			ercx_stats_add(en, ERCX_CTR_MSS_ERRORS, 1);
		return NF_ACCEPT;
	}
	if (!th->syn)
		return NF_ACCEPT;

	len = min_t(unsigned int, skb->len - thoff, ERCX_TCP_MAX_HDR);
	len = min_t(unsigned int, len, max_t(unsigned int, th->doff * 4,
					     sizeof(_th)));
	if (skb_copy_bits(skb, thoff, buf, len))
		return NF_ACCEPT;

	res = ercx_mss_clamp(buf, len, max, false, NULL);
	if (res == ERCX_MSS_MALFORMED) {
		ercx_stats_add(en, ERCX_CTR_MSS_ERRORS, 1);
		return NF_ACCEPT;
	}
	if (res != ERCX_MSS_CLAMPED)
		return NF_ACCEPT;

	if (skb_ensure_writable(skb, thoff + len)) {
		ercx_stats_add(en, ERCX_CTR_MSS_ERRORS, 1);
		return NF_DROP;
	}
	res = ercx_mss_clamp(skb->data + thoff, len, max,
			     skb->ip_summed != CHECKSUM_PARTIAL, NULL);
	if (res == ERCX_MSS_CLAMPED)
		ercx_stats_add(en, ERCX_CTR_MSS_CLAMPED, 1);
	return NF_ACCEPT;
}

/*
 * Is the device of path @p, as the notifier last saw it, still fit to carry
 * a packet: running, with its carrier, not lost since (carrier_down_count)?
 * Linkwatch tells the notifier of a carrier change from a work item; until
 * then the driver drops whatever is routed to a device without carrier.
 * No device: the usable mask alone decides (the path is down, no-device).
 * While a policy is replaced, the binding (paths.c) follows under
 * en->lock right after the pointer swap: a packet in between tests the
 * device of the previous policy's name, for that moment.
 */
static bool ercx_dev_fit(const struct ercx_net *en, int p)
{
	const struct net_device *dev = rcu_dereference(en->live[p].dev);
	unsigned long state;

	if (unlikely(!dev))
		return true;
	state = READ_ONCE(dev->state);
	return (state & (BIT(__LINK_STATE_START) | BIT(__LINK_STATE_NOCARRIER))) ==
	       BIT(__LINK_STATE_START) &&
	       atomic_read(&dev->carrier_down_count) == READ_ONCE(en->live[p].downs);
}

/*
 * The usable mask for this packet: the notifier's (failback delay and
 * probes included), less a path whose device just went down or lost its
 * carrier.  The packet path only ever takes a path away: giving one back
 * is the notifier's, after the failback delay.
 */
static u8 ercx_usable_now(const struct ercx_net *en)
{
	u8 usable = READ_ONCE(en->usable);

	if ((usable & ERCX_USABLE_ER) && !ercx_dev_fit(en, ERCX_PATH_ER))
		usable &= ~ERCX_USABLE_ER;
	if ((usable & ERCX_USABLE_VPN) && !ercx_dev_fit(en, ERCX_PATH_VPN))
		usable &= ~ERCX_USABLE_VPN;
	return usable;
}

/*
 * Mark a packet to prefix @idx (1-based) for its selected path.  Returns
 * true when it goes on; false when it was dropped and answered (no path).
 * An exclusion (or a prefix below one whose paths are unusable) leaves the
 * packet as it is: no mark, no NoPath.
 */
static bool ercx_steer(struct ercx_net *en, const struct ercx_policy *pol,
		       struct sk_buff *skb, u32 idx)
{
	u8 path = ercx_select(ercx_lpm_answers(pol->lpm, idx - 1),
			      ercx_usable_now(en));
	u32 mark = skb->mark & ~pol->fwmask;

	if (path == ERCX_ANS_EXCLUDED)
		return true;
	if (path == ERCX_PATH_NONE) {
		ercx_stats_add(en, ERCX_CTR_NOPATH_PACKETS, 1);
		if (pol->nopath == ERCX_NOPATH_DROP) {
			ercx_stats_add(en, ERCX_CTR_NOPATH_DROPPED, 1);
			return false;
		}
	} else {
		mark |= pol->path[path].fwmark;
		ercx_stats_tx(en, path, skb->len);
	}
	skb->mark = mark;
	return true;
}

/* Is @dev the device bound to path @p (or the underlay) now? */
static bool ercx_is_dev(const struct ercx_net *en, int p,
			const struct net_device *dev)
{
	return dev && rcu_access_pointer(en->live[p].dev) == dev;
}

static bool ercx_is_vpn(const struct ercx_net *en,
			const struct net_device *dev)
{
	return ercx_is_dev(en, ERCX_PATH_VPN, dev);
}

static bool ercx_is_er(const struct ercx_net *en,
		       const struct net_device *dev)
{
	return ercx_is_dev(en, ERCX_PATH_ER, dev);
}

/*
 * May a packet that arrived by @in (PRE_ROUTING) be steered?  Not when it
 * came by the ER, VPN or underlay device (the slot of the underlay is
 * empty without one), unless the policy allows transit: sending it back
 * out of a path would loop it, or carry traffic from Azure meant for
 * on-premises back to Azure.
 */
static bool ercx_may_steer_in(const struct ercx_net *en,
			      const struct ercx_policy *pol,
			      const struct net_device *in)
{
	if (pol->transit)
		return true;
	return !ercx_is_er(en, in) && !ercx_is_vpn(en, in) &&
	       !ercx_is_dev(en, ERCX_UNDERLAY, in);
}

/* Prefix @idx (1-based, 0: none) is a policy prefix, not an exclusion */
static bool ercx_pfx_policy(const struct ercx_policy *pol, u32 idx)
{
	return idx && ercx_lpm_prefix(pol->lpm, idx - 1)->via != ERCX_VIA_NONE;
}

/* ---- Underlay guard ---- */

static void ercx_guard_work(struct work_struct *work)
{
	struct ercx_net *en = container_of(to_delayed_work(work),
					   struct ercx_net, underlay_work);
	struct ercx_stats st;

	/* Clear first: a packet counted after the read schedules again */
	clear_bit(0, &en->underlay_pending);
	/* order the clear before the counter reads; pairs with the fully
	 * ordered test_and_set_bit() in ercx_guard_hit()
	 */
	smp_mb__after_atomic();
	ercx_stats_read(en, &st);
	mutex_lock(&en->lock);
	ercx_event(en, ERCX_EVENT_UNDERLAY, ERCX_PATH_NONE, ERCX_REASON_NONE,
		   st.c[ERCX_CTR_UNDERLAY]);
	mutex_unlock(&en->lock);
}

/* Count one intervention; the event follows within a second */
static void ercx_guard_hit(struct ercx_net *en)
{
	ercx_stats_add(en, ERCX_CTR_UNDERLAY, 1);
	/* test first: every ESP packet would otherwise dirty a shared line */
	if (!test_bit(0, &en->underlay_pending) &&
	    !test_and_set_bit(0, &en->underlay_pending))
		schedule_delayed_work(&en->underlay_work,
				      msecs_to_jiffies(ERCX_UNDERLAY_EVENT_MS));
}

/* Forwarded packet to the peer: let the underlay's table route it */
static void ercx_guard_mark(const struct ercx_policy *pol, struct sk_buff *skb)
{
	if (pol->has_underlay)
		skb->mark = (skb->mark & ~pol->fwmask) | pol->underlay.fwmark;
}

/*
 * Locally generated packet to the peer.  Routed to ER: reroute it by the
 * underlay's mark, or drop it when there is no underlay or the underlay's
 * table still leads to ER.
 */
static unsigned int ercx_guard_out(struct ercx_net *en,
				   const struct ercx_policy *pol,
				   struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	int err;

	if (!ercx_is_er(en, skb_dst(skb) ? skb_dst(skb)->dev : NULL))
		return NF_ACCEPT;
	ercx_guard_hit(en);
	if (!pol->has_underlay)
		return NF_DROP;

	ercx_guard_mark(pol, skb);
	if (state->pf == NFPROTO_IPV4)
		err = ip_route_me_harder(state->net, state->sk, skb,
					 RTN_UNSPEC);
	else
		err = nf_ip6_route_me_harder(state->net, state->sk, skb);
	if (err < 0)
		return NF_DROP_ERR(err);
	if (ercx_is_er(en, skb_dst(skb)->dev))
		return NF_DROP;
	return NF_ACCEPT;
}

/* Last resort, for forwarded packets the underlay could not route */
static unsigned int ercx_guard_post(struct ercx_net *en,
				    const struct ercx_policy *pol,
				    const struct nf_hook_state *state)
{
	if (!ercx_is_er(en, state->out))
		return NF_ACCEPT;
	ercx_guard_hit(en);
	return NF_DROP;
}

/**
 * ercx_guard_init() - set up the underlay guard's event work
 * @en: the namespace's state, being initialised
 *
 * Context: Process context, from the namespace's init.
 */
void ercx_guard_init(struct ercx_net *en)
{
	INIT_DELAYED_WORK(&en->underlay_work, ercx_guard_work);
}

/**
 * ercx_guard_exit() - wait for the underlay guard's event work to finish
 * @en: the namespace's state
 *
 * Called after the hooks are gone, so nothing schedules the work again.
 *
 * Context: Process context, from the namespace's exit; may sleep.  Not
 * under en->lock, which the work takes.
 */
void ercx_guard_exit(struct ercx_net *en)
{
	cancel_delayed_work_sync(&en->underlay_work);
}

/* ---- IPv4 ---- */

static bool ercx_peer4(const struct ercx_policy *pol, __be32 daddr)
{
	const struct ercx_path_cfg *vpn = &pol->path[ERCX_PATH_VPN];

	return unlikely(vpn->has & ERCX_HAS_PEER4) && vpn->peer4 == daddr;
}

/* Offset of the TCP header of a first fragment, or 0 */
static unsigned int ercx_tcp4(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_TCP || iph->frag_off & htons(IP_OFFSET))
		return 0;
	return skb_network_offset(skb) + ip_hdrlen(skb);
}

static bool ercx_scope_all4(const struct ercx_policy *pol,
			    const struct iphdr *iph, u32 idx)
{
	return pol->mss_scope == ERCX_MSS_SCOPE_ALL &&
	       (ercx_pfx_policy(pol, idx) ||
		ercx_pfx_policy(pol, ercx_lpm_lookup4(pol->lpm, iph->saddr)));
}

static unsigned int ercx_in4(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff;
	u32 idx;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer4(pol, iph->daddr)) {
		ercx_guard_mark(pol, skb);
		return NF_ACCEPT;
	}

	idx = ercx_lpm_lookup4(pol->lpm, iph->daddr);
	if (idx && ercx_may_steer_in(en, pol, state->in) &&
	    !ercx_steer(en, pol, skb, idx)) {
		ercx_send_unreach4(skb, state->hook);
		return NF_DROP;
	}

	thoff = ercx_tcp4(skb);
	if (thoff && (ercx_is_vpn(en, state->in) ||
		      ercx_scope_all4(pol, iph, idx)))
		return ercx_mss(en, skb, thoff, pol->mss);
	return NF_ACCEPT;
}

static unsigned int ercx_out4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int thoff, verdict = NF_ACCEPT;
	u32 mark = skb->mark;
	u32 idx;
	int err;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer4(pol, iph->daddr))
		return ercx_guard_out(en, pol, skb, state);

	idx = ercx_lpm_lookup4(pol->lpm, iph->daddr);
	/* liveness probes leave by their own path, whatever is active */
	if (idx && unlikely(ercx_probe_sk(en, skb->sk)))
		return NF_ACCEPT;
	if (idx && !ercx_steer(en, pol, skb, idx)) {
		ercx_send_unreach4(skb, state->hook);
		return NF_DROP;
	}

	thoff = ercx_tcp4(skb);
	if (thoff && ercx_scope_all4(pol, iph, idx))
		verdict = ercx_mss(en, skb, thoff, pol->mss);

	if (verdict == NF_ACCEPT && skb->mark != mark) {
		err = ip_route_me_harder(state->net, state->sk, skb,
					 RTN_UNSPEC);
		if (err < 0)
			verdict = NF_DROP_ERR(err);
	}
	return verdict;
}

static unsigned int ercx_post4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	unsigned int thoff;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer4(pol, ip_hdr(skb)->daddr))
		return ercx_guard_post(en, pol, state);
	if (!ercx_is_vpn(en, state->out))
		return NF_ACCEPT;
	thoff = ercx_tcp4(skb);
	return thoff ? ercx_mss(en, skb, thoff, pol->mss) : NF_ACCEPT;
}

/* ---- IPv6 ---- */

static bool ercx_peer6(const struct ercx_policy *pol,
		       const struct in6_addr *daddr)
{
	const struct ercx_path_cfg *vpn = &pol->path[ERCX_PATH_VPN];

	return unlikely(vpn->has & ERCX_HAS_PEER6) &&
	       ipv6_addr_equal(&vpn->peer6, daddr);
}

static unsigned int ercx_tcp6(const struct sk_buff *skb)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	__be16 frag_off;
	int thoff;

	thoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				 sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (thoff < 0 || nexthdr != IPPROTO_TCP ||
	    (frag_off & htons(IP6_OFFSET)))
		return 0;
	return thoff;
}

static bool ercx_scope_all6(const struct ercx_policy *pol,
			    const struct ipv6hdr *ip6h, u32 idx)
{
	const u8 *saddr = ip6h->saddr.s6_addr;

	return pol->mss_scope == ERCX_MSS_SCOPE_ALL &&
	       (ercx_pfx_policy(pol, idx) ||
		ercx_pfx_policy(pol, ercx_lpm_lookup6(pol->lpm, saddr)));
}

static unsigned int ercx_in6(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff;
	u32 idx;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer6(pol, &ip6h->daddr)) {
		ercx_guard_mark(pol, skb);
		return NF_ACCEPT;
	}

	idx = ercx_lpm_lookup6(pol->lpm, ip6h->daddr.s6_addr);
	if (idx && ercx_may_steer_in(en, pol, state->in) &&
	    !ercx_steer(en, pol, skb, idx)) {
		ercx_send_unreach6(state->net, skb, state->hook);
		return NF_DROP;
	}

	thoff = ercx_tcp6(skb);
	if (thoff && (ercx_is_vpn(en, state->in) ||
		      ercx_scope_all6(pol, ip6h, idx)))
		return ercx_mss(en, skb, thoff, pol->mss6);
	return NF_ACCEPT;
}

static unsigned int ercx_out6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	unsigned int thoff, verdict = NF_ACCEPT;
	u32 mark = skb->mark;
	u32 idx;
	int err;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer6(pol, &ip6h->daddr))
		return ercx_guard_out(en, pol, skb, state);

	idx = ercx_lpm_lookup6(pol->lpm, ip6h->daddr.s6_addr);
	if (idx && unlikely(ercx_probe_sk(en, skb->sk)))
		return NF_ACCEPT;
	if (idx && !ercx_steer(en, pol, skb, idx)) {
		ercx_send_unreach6(state->net, skb, state->hook);
		return NF_DROP;
	}

	thoff = ercx_tcp6(skb);
	if (thoff && ercx_scope_all6(pol, ip6h, idx))
		verdict = ercx_mss(en, skb, thoff, pol->mss6);

	if (verdict == NF_ACCEPT && skb->mark != mark) {
		err = nf_ip6_route_me_harder(state->net, state->sk, skb);
		if (err < 0)
			verdict = NF_DROP_ERR(err);
	}
	return verdict;
}

static unsigned int ercx_post6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct ercx_net *en = priv;
	const struct ercx_policy *pol = rcu_dereference(en->policy);
	unsigned int thoff;

	if (unlikely(!pol))
		return NF_ACCEPT;
	if (ercx_peer6(pol, &ipv6_hdr(skb)->daddr))
		return ercx_guard_post(en, pol, state);
	if (!ercx_is_vpn(en, state->out))
		return NF_ACCEPT;
	thoff = ercx_tcp6(skb);
	return thoff ? ercx_mss(en, skb, thoff, pol->mss6) : NF_ACCEPT;
}

/*
 * Steering (PRE_ROUTING, LOCAL_OUT) right after DNAT (-100), so a DNATed
 * packet is steered by its real destination; still before the routing
 * decision (which follows PRE_ROUTING) and before filter (0), with the
 * conntrack of the real tuple.  POST_ROUTING (the VPN's MSS clamp and the
 * underlay guard's last resort) stays just after mangle (-150): before
 * SNAT, it sees the tuple the tunnel carries.  Documentation/design.rst,
 * "Hook priorities".
 */
static const struct nf_hook_ops ercx_hook_tmpl[ERCX_NHOOKS] = {
	{
		.hook = ercx_in4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST + 1,
	}, {
		.hook = ercx_out4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST + 1,
	}, {
		.hook = ercx_post4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_MANGLE + 1,
	}, {
		.hook = ercx_in6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	}, {
		.hook = ercx_out6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	}, {
		.hook = ercx_post6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_MANGLE + 1,
	},
};

/**
 * ercx_hooks_init() - fill in the namespace's netfilter hook operations
 * @en: the namespace's state, being initialised
 *
 * Copies the six hooks (IPv4 and IPv6 PRE_ROUTING, LOCAL_OUT, POST_ROUTING)
 * and points their private data at @en.  Registers nothing.
 *
 * Context: Process context, from the namespace's init.
 */
void ercx_hooks_init(struct ercx_net *en)
{
	int i;

	memcpy(en->hook_ops, ercx_hook_tmpl, sizeof(ercx_hook_tmpl));
	for (i = 0; i < ERCX_NHOOKS; i++)
		en->hook_ops[i].priv = en;
}

/**
 * ercx_hooks_register() - start steering the namespace's packets
 * @en: the namespace's state, with its counters allocated
 *
 * Called when the namespace gets a policy, after ercx_net_setup(): the
 * hooks write en->stats without checking it, and their registration
 * publishes the pointer to the packet path.
 *
 * Context: Process context, en->lock held.
 * Return: 0 on success, -EINVAL when the counters are missing (a bug),
 * else the error of nf_register_net_hooks().
 */
int ercx_hooks_register(struct ercx_net *en)
{
	int err;

	lockdep_assert_held(&en->lock);
	if (WARN_ON_ONCE(!en->stats))
		return -EINVAL;
	err = nf_register_net_hooks(en->net, en->hook_ops, ERCX_NHOOKS);
	if (!err)
		en->hooks_on = true;
	return err;
}

/**
 * ercx_hooks_unregister() - stop steering the namespace's packets
 * @en: the namespace's state, with its hooks registered
 *
 * Called on flush and when the namespace goes away.  Packets already in a
 * hook may still use the policy until an RCU grace period has passed.
 *
 * Context: Process context, en->lock held.
 */
void ercx_hooks_unregister(struct ercx_net *en)
{
	lockdep_assert_held(&en->lock);
	nf_unregister_net_hooks(en->net, en->hook_ops, ERCX_NHOOKS);
	en->hooks_on = false;
}
