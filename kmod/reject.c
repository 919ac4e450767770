// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: ICMP and ICMPv6 "unreachable" for NoPath = drop.
 *
 * What nf_send_unreach() and nf_send_unreach6() do, on the kernel's own
 * built-in exports (icmp_send(), icmpv6_send(), nf_ip_route(),
 * nf_ip6_route(), nf_ip_checksum(), nf_ip6_checksum()), so that the module
 * needs neither nf_reject_ipv4 nor nf_reject_ipv6 and a bare insmod works
 * on a kernel that has not loaded them.  icmp_send() and icmpv6_send()
 * rate-limit as for any ICMP error (net.ipv4.icmp_ratelimit,
 * net.ipv6.icmp.ratelimit and the global limit).
 *
 * Never an error for a fragment that is not the first, nor for a packet
 * whose transport checksum is wrong (RFC 1122 3.2.2, RFC 4443 2.4).
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/dst_metadata.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <linux/icmpv6.h>
#include <net/netfilter/nf_reject.h>

#include "ercoexist.h"

/* A packet still in PRE_ROUTING has no route yet: the reply's one */
static int ercx_reply_dst4(struct sk_buff *skb)
{
	struct dst_entry *dst = NULL;
	struct flowi fl;

	memset(&fl, 0, sizeof(fl));
	fl.u.ip4.daddr = ip_hdr(skb)->saddr;
	nf_ip_route(dev_net(skb->dev), &dst, &fl, false);
	if (!dst)
		return -ENETUNREACH;
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	return 0;
}

/**
 * ercx_send_unreach4() - ICMP network unreachable for an IPv4 packet
 * @skb: the packet, about to be dropped
 * @hook: the netfilter hook it is in (for the checksum verification)
 *
 * Nothing is sent for a fragment that is not the first, for a packet whose
 * transport checksum is wrong, or when no route leads back to the sender.
 *
 * Context: A netfilter hook (PRE_ROUTING or LOCAL_OUT), softirq or process
 * context, RCU read side.
 */
void ercx_send_unreach4(struct sk_buff *skb, unsigned int hook)
{
	const struct iphdr *iph = ip_hdr(skb);
	int thoff = ip_hdrlen(skb);
	u8 proto = iph->protocol;

	if (iph->frag_off & htons(IP_OFFSET))
		return;
	if (!skb_valid_dst(skb) && ercx_reply_dst4(skb) < 0)
		return;
	if (!skb_csum_unnecessary(skb) &&
	    nf_reject_verify_csum(skb, thoff, proto) &&
	    nf_ip_checksum(skb, hook, thoff, proto))
		return;
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_NET_UNREACH, 0);
}

static int ercx_reply_dst6(struct sk_buff *skb)
{
	struct dst_entry *dst = NULL;
	struct flowi fl;

	memset(&fl, 0, sizeof(fl));
	fl.u.ip6.daddr = ipv6_hdr(skb)->saddr;
	nf_ip6_route(dev_net(skb->dev), &dst, &fl, false);
	if (!dst)
		return -ENETUNREACH;
	skb_dst_drop(skb);
	skb_dst_set(skb, dst);
	return 0;
}

static bool ercx_csum_ok6(struct sk_buff *skb, unsigned int hook)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 proto = ip6h->nexthdr;
	__be16 fo;
	int thoff;

	if (skb_csum_unnecessary(skb))
		return true;
	thoff = ipv6_skip_exthdr(skb, (u8 *)(ip6h + 1) - skb->data, &proto,
				 &fo);
	if (thoff < 0 || thoff >= skb->len || (fo & htons(~0x7)))
		return false;
	if (!nf_reject_verify_csum(skb, thoff, proto))
		return true;
	return nf_ip6_checksum(skb, hook, thoff, proto) == 0;
}

/**
 * ercx_send_unreach6() - ICMPv6 "no route to destination" for a packet
 * @net: the namespace of the hook
 * @skb: the packet, about to be dropped
 * @hook: the netfilter hook it is in
 *
 * Nothing is sent for a fragment that is not the first, for a packet whose
 * transport checksum is wrong, or when no route leads back to the sender.
 *
 * Context: A netfilter hook (PRE_ROUTING or LOCAL_OUT), softirq or process
 * context, RCU read side.
 */
void ercx_send_unreach6(struct net *net, struct sk_buff *skb,
			unsigned int hook)
{
	if (!ercx_csum_ok6(skb, hook))
		return;
	if (hook == NF_INET_LOCAL_OUT && !skb->dev)
		skb->dev = net->loopback_dev;
	if (!skb_valid_dst(skb) && ercx_reply_dst6(skb) < 0)
		return;
	icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_NOROUTE, 0);
}
