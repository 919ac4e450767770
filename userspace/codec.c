// SPDX-License-Identifier: GPL-2.0
/*
 * The policy codec: POLICY_SET's attributes from a config, and back from
 * POLICY_GET; the one decoder of a path nest, which STATUS_GET's paths
 * share, with every attribute checked against its type.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"

uint64_t codec_get_uint(const struct nlattr *a)
{
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		return mnl_attr_get_u8(a);
	case 2:
		return mnl_attr_get_u16(a);
	case 4:
		return mnl_attr_get_u32(a);
	case 8:
		return mnl_attr_get_u64(a);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Encode                                                                    */

static void put_ip(struct nlmsghdr *nlh, const struct cfg_ip *ip, int t4, int t6)
{
	if (ip->set4)
		mnl_attr_put(nlh, (uint16_t)t4, 4, &ip->v4);
	if (ip->set6)
		mnl_attr_put(nlh, (uint16_t)t6, 16, &ip->v6);
}

static void put_path(struct nlmsghdr *nlh, int type, const struct cfg_path *p,
		     bool vpn, unsigned int flags)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, (uint16_t)type);

	/*
	 * The name, which the kernel follows; the index too while the device
	 * exists (all a module before device names takes: CODEC_LEGACY).
	 */
	if (p->dev[0] && !(flags & CODEC_LEGACY))
		mnl_attr_put_strz(nlh, ERCX_PATH_A_IFNAME, p->dev);
	if (p->ifindex || (flags & CODEC_LEGACY))
		mnl_attr_put_u32(nlh, ERCX_PATH_A_IFINDEX, p->ifindex);
	put_ip(nlh, &p->gw, ERCX_PATH_A_GATEWAY4, ERCX_PATH_A_GATEWAY6);
	/* the underlay takes no probes and no peer (the kernel rejects them) */
	if (type != ERCX_A_UNDERLAY) {
		put_ip(nlh, &p->probe, ERCX_PATH_A_PROBE4, ERCX_PATH_A_PROBE6);
		if (vpn)
			put_ip(nlh, &p->peer, ERCX_PATH_A_PEER4, ERCX_PATH_A_PEER6);
		mnl_attr_put_u32(nlh, ERCX_PATH_A_PROBE_INTERVAL_MS,
				 p->probe_interval_ms);
		mnl_attr_put_u8(nlh, ERCX_PATH_A_PROBE_MULTIPLIER, p->probe_mult);
	}
	mnl_attr_put_u32(nlh, ERCX_PATH_A_FWMARK, p->fwmark);
	mnl_attr_put_u32(nlh, ERCX_PATH_A_TABLE, p->table);
	mnl_attr_nest_end(nlh, nest);
}

static void put_prefix(struct nlmsghdr *nlh, const struct cfg_prefix *p)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, ERCX_A_PREFIX);

	if (p->family == AF_INET)
		mnl_attr_put(nlh, ERCX_PFX_A_ADDR4, 4, p->addr);
	else
		mnl_attr_put(nlh, ERCX_PFX_A_ADDR6, 16, p->addr);
	mnl_attr_put_u8(nlh, ERCX_PFX_A_PLEN, p->plen);
	mnl_attr_put_u8(nlh, ERCX_PFX_A_VIA, p->via);
	mnl_attr_nest_end(nlh, nest);
}

void codec_put_policy(struct nlmsghdr *nlh, const struct config *c,
		      unsigned int flags)
{
	bool legacy = flags & CODEC_LEGACY;
	size_t i;

	put_path(nlh, ERCX_A_PATH_ER, &c->er, false, flags);
	put_path(nlh, ERCX_A_PATH_VPN, &c->vpn, true, flags);
	if (c->underlay.dev[0])
		put_path(nlh, ERCX_A_UNDERLAY, &c->underlay, false, flags);
	mnl_attr_put_u16(nlh, ERCX_A_MSS, c->mss);
	mnl_attr_put_u16(nlh, ERCX_A_MSS6, c->mss6);
	mnl_attr_put_u8(nlh, ERCX_A_MSS_SCOPE, c->mss_scope);
	mnl_attr_put_u8(nlh, ERCX_A_NOPATH, c->nopath);
	mnl_attr_put_u32(nlh, ERCX_A_FAILBACK_DELAY_MS, c->failback_ms);
	mnl_attr_put_u32(nlh, ERCX_A_FWMASK, c->fwmask);
	if (!legacy)
		mnl_attr_put_u8(nlh, ERCX_A_TRANSIT, c->transit == CFG_YES);
	for (i = 0; i < c->npfx; i++)
		if (c->pfx[i].via || !legacy)
			put_prefix(nlh, &c->pfx[i]);
	for (i = 0; i < c->nexcl && !legacy; i++)
		put_prefix(nlh, &c->excl[i]);
}

/* ------------------------------------------------------------------------ */
/* Decode                                                                    */

static bool get_ip(const struct nlattr *a, int t4, int t6, struct cfg_ip *ip)
{
	int t = mnl_attr_get_type(a);

	if (t == t4 && mnl_attr_get_payload_len(a) == 4) {
		ip->set4 = true;
		memcpy(&ip->v4, mnl_attr_get_payload(a), 4);
		return true;
	}
	if (t == t6 && mnl_attr_get_payload_len(a) == 16) {
		ip->set6 = true;
		memcpy(&ip->v6, mnl_attr_get_payload(a), 16);
		return true;
	}
	return false;
}

/* The type of each path attribute but the addresses (get_ip checks those) */
static const enum mnl_attr_data_type path_types[ERCX_PATH_A_MAX + 1] = {
	[ERCX_PATH_A_IFINDEX] = MNL_TYPE_U32,
	[ERCX_PATH_A_IFNAME] = MNL_TYPE_NUL_STRING,
	[ERCX_PATH_A_PROBE_INTERVAL_MS] = MNL_TYPE_U32,
	[ERCX_PATH_A_PROBE_MULTIPLIER] = MNL_TYPE_U8,
	[ERCX_PATH_A_FWMARK] = MNL_TYPE_U32,
	[ERCX_PATH_A_TABLE] = MNL_TYPE_U32,
	[ERCX_PATH_A_STATE] = MNL_TYPE_U8,
	[ERCX_PATH_A_REASON] = MNL_TYPE_U8,
	[ERCX_PATH_A_TX_PACKETS] = MNL_TYPE_U64,
	[ERCX_PATH_A_TX_BYTES] = MNL_TYPE_U64,
	[ERCX_PATH_A_SINCE_NS] = MNL_TYPE_U64,
	[ERCX_PATH_A_PROBE_STATE] = MNL_TYPE_U8,
	[ERCX_PATH_A_PROBE_SENT] = MNL_TYPE_U64,
	[ERCX_PATH_A_PROBE_RECEIVED] = MNL_TYPE_U64,
	[ERCX_PATH_A_PROBE_LOST] = MNL_TYPE_U64,
	[ERCX_PATH_A_PROBE_ERRORS] = MNL_TYPE_U64,
	[ERCX_PATH_A_PROBE_RTT_LAST_US] = MNL_TYPE_U32,
	[ERCX_PATH_A_PROBE_RTT_MIN_US] = MNL_TYPE_U32,
	[ERCX_PATH_A_PROBE_RTT_AVG_US] = MNL_TYPE_U32,
	[ERCX_PATH_A_PROBE_RTT_MAX_US] = MNL_TYPE_U32,
};

void codec_parse_path(const struct nlattr *nest, struct cfg_path *p,
		      struct path_state *st)
{
	struct path_state ignored;
	const struct nlattr *a;

	if (!st)
		st = &ignored;
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		uint64_t v;

		if (get_ip(a, ERCX_PATH_A_GATEWAY4, ERCX_PATH_A_GATEWAY6, &p->gw) ||
		    get_ip(a, ERCX_PATH_A_PROBE4, ERCX_PATH_A_PROBE6, &p->probe) ||
		    get_ip(a, ERCX_PATH_A_PEER4, ERCX_PATH_A_PEER6, &p->peer))
			continue;
		if (t > ERCX_PATH_A_MAX || path_types[t] == MNL_TYPE_UNSPEC ||
		    mnl_attr_validate(a, path_types[t]))
			continue;
		v = codec_get_uint(a);
		switch (t) {
		case ERCX_PATH_A_IFINDEX:
			p->ifindex = (uint32_t)v;
			break;
		case ERCX_PATH_A_IFNAME:
			snprintf(p->dev, sizeof(p->dev), "%s", mnl_attr_get_str(a));
			break;
		case ERCX_PATH_A_PROBE_INTERVAL_MS:
			p->probe_interval_ms = (uint32_t)v;
			break;
		case ERCX_PATH_A_PROBE_MULTIPLIER:
			p->probe_mult = (uint8_t)v;
			break;
		case ERCX_PATH_A_FWMARK:
			p->fwmark = (uint32_t)v;
			break;
		case ERCX_PATH_A_TABLE:
			p->table = (uint32_t)v;
			break;
		case ERCX_PATH_A_STATE:
			st->state = (int)v;
			break;
		case ERCX_PATH_A_REASON:
			st->reason = (int)v;
			break;
		case ERCX_PATH_A_TX_PACKETS:
			st->tx_packets = v;
			break;
		case ERCX_PATH_A_TX_BYTES:
			st->tx_bytes = v;
			break;
		case ERCX_PATH_A_SINCE_NS:
			st->since_ns = v;
			break;
		case ERCX_PATH_A_PROBE_STATE:
			st->has_probe = true;
			st->probe_state = (int)v;
			break;
		case ERCX_PATH_A_PROBE_SENT:
			st->probe_sent = v;
			break;
		case ERCX_PATH_A_PROBE_RECEIVED:
			st->probe_received = v;
			break;
		case ERCX_PATH_A_PROBE_LOST:
			st->probe_lost = v;
			break;
		case ERCX_PATH_A_PROBE_ERRORS:
			st->probe_errors = v;
			break;
		case ERCX_PATH_A_PROBE_RTT_LAST_US:
			st->rtt_last_us = (uint32_t)v;
			break;
		case ERCX_PATH_A_PROBE_RTT_MIN_US:
			st->rtt_min_us = (uint32_t)v;
			break;
		case ERCX_PATH_A_PROBE_RTT_AVG_US:
			st->rtt_avg_us = (uint32_t)v;
			break;
		case ERCX_PATH_A_PROBE_RTT_MAX_US:
			st->rtt_max_us = (uint32_t)v;
			break;
		}
	}
	if (!p->dev[0] && p->ifindex && !if_indextoname(p->ifindex, p->dev))
		snprintf(p->dev, sizeof(p->dev), "if%u", p->ifindex);
	p->dev_line = 1;
}

void codec_parse_policy(const struct nlmsghdr *nlh, struct config *c,
			bool *loaded)
{
	const struct nlattr *a;

	*loaded = false;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_POLICY_LOADED:
			*loaded = true;
			break;
		case ERCX_A_PATH_ER:
			*loaded = true;
			codec_parse_path(a, &c->er, NULL);
			break;
		case ERCX_A_PATH_VPN:
			codec_parse_path(a, &c->vpn, NULL);
			break;
		case ERCX_A_UNDERLAY:
			codec_parse_path(a, &c->underlay, NULL);
			break;
		case ERCX_A_MSS:
			if (!mnl_attr_validate(a, MNL_TYPE_U16))
				c->mss = mnl_attr_get_u16(a);
			break;
		case ERCX_A_MSS6:
			if (!mnl_attr_validate(a, MNL_TYPE_U16))
				c->mss6 = mnl_attr_get_u16(a);
			break;
		case ERCX_A_MSS_SCOPE:
			if (!mnl_attr_validate(a, MNL_TYPE_U8))
				c->mss_scope = mnl_attr_get_u8(a);
			break;
		case ERCX_A_NOPATH:
			if (!mnl_attr_validate(a, MNL_TYPE_U8))
				c->nopath = mnl_attr_get_u8(a);
			break;
		case ERCX_A_FAILBACK_DELAY_MS:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				c->failback_ms = mnl_attr_get_u32(a);
			break;
		case ERCX_A_FWMASK:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				c->fwmask = mnl_attr_get_u32(a);
			break;
		case ERCX_A_TRANSIT:
			if (!mnl_attr_validate(a, MNL_TYPE_U8))
				c->transit = mnl_attr_get_u8(a) ? CFG_YES : CFG_NO;
			break;
		case ERCX_A_GENERATION:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				c->generation = mnl_attr_get_u32(a);
			break;
		}
	}
}

int codec_parse_prefix(const struct nlattr *nest, struct cfg_prefix *p)
{
	const struct nlattr *a;
	bool plen = false;

	memset(p, 0, sizeof(*p));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_PFX_A_ADDR4:
			if (mnl_attr_get_payload_len(a) != 4)
				return -1;
			p->family = AF_INET;
			memcpy(p->addr, mnl_attr_get_payload(a), 4);
			break;
		case ERCX_PFX_A_ADDR6:
			if (mnl_attr_get_payload_len(a) != 16)
				return -1;
			p->family = AF_INET6;
			memcpy(p->addr, mnl_attr_get_payload(a), 16);
			break;
		case ERCX_PFX_A_PLEN:
			if (mnl_attr_validate(a, MNL_TYPE_U8))
				return -1;
			p->plen = mnl_attr_get_u8(a);
			plen = true;
			break;
		case ERCX_PFX_A_VIA:
			if (mnl_attr_validate(a, MNL_TYPE_U8))
				return -1;
			p->via = mnl_attr_get_u8(a);
			break;
		case ERCX_PFX_A_PATH:
			if (!mnl_attr_validate(a, MNL_TYPE_U8))
				p->path = mnl_attr_get_u8(a);
			break;
		}
	}
	return p->family && plen ? 0 : -1;
}
