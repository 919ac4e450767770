// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: the policy object.
 *
 * A policy is built from one ERCX_CMD_POLICY_SET message and validated in
 * full before anything changes; it is then published with one RCU pointer
 * swap and never modified.  The old one is freed after a grace period.
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "ercoexist.h"

#define ERCX_MSS_DEFAULT	1250
#define ERCX_MSS_MIN		536
#define ERCX_MSS6_MIN		1220
#define ERCX_MSS_MAX		9000
#define ERCX_FWMASK_DEFAULT	0x00ff0000
#define ERCX_FAILBACK_DEFAULT	3000
#define ERCX_MULTIPLIER_DEFAULT	3
#define ERCX_PROBE_MIN_MS	10

static const u32 ercx_default_mark[ERCX_PATH_MAX + 1] = {
	[ERCX_PATH_ER] = 0x00e10000,
	[ERCX_PATH_VPN] = 0x00e20000,
	[ERCX_UNDERLAY] = 0x00e30000,
};

static const u32 ercx_default_table[ERCX_PATH_MAX + 1] = {
	[ERCX_PATH_ER] = 225,
	[ERCX_PATH_VPN] = 226,
	[ERCX_UNDERLAY] = 227,
};

/* Not const: 6.1's nla_policy points to them without const */
static struct netlink_range_validation ercx_range_ms = {
	.min = 0,
	.max = ERCX_MAX_MS,
};

static struct netlink_range_validation ercx_range_ifindex = {
	.min = 1,
	.max = INT_MAX,
};

/*
 * Documentation/netlink/specs/ercoexist.yaml describes these policies:
 * make spec-check compares them, attribute by attribute, with the ones
 * ynl-gen-c renders from it.  What the spec cannot say (the read-only and
 * per-path rejections below) is listed in Documentation/design.rst.
 */
#define ERCX_RO { .type = NLA_REJECT, .reject_message = "read-only attribute" }

#define ERCX_PATH_POLICY_COMMON						\
	[ERCX_PATH_A_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &ercx_range_ifindex), \
	[ERCX_PATH_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }, \
	[ERCX_PATH_A_GATEWAY4] = { .type = NLA_BE32 },			\
	[ERCX_PATH_A_GATEWAY6] = NLA_POLICY_EXACT_LEN(16),		\
	[ERCX_PATH_A_FWMARK] = { .type = NLA_U32 },			\
	[ERCX_PATH_A_TABLE] = { .type = NLA_U32 },			\
	[ERCX_PATH_A_STATE] = ERCX_RO,					\
	[ERCX_PATH_A_REASON] = ERCX_RO,					\
	[ERCX_PATH_A_TX_PACKETS] = ERCX_RO,				\
	[ERCX_PATH_A_TX_BYTES] = ERCX_RO,				\
	[ERCX_PATH_A_SINCE_NS] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_STATE] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_SENT] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_RECEIVED] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_LOST] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_ERRORS] = ERCX_RO,				\
	[ERCX_PATH_A_PROBE_RTT_LAST_US] = ERCX_RO,			\
	[ERCX_PATH_A_PROBE_RTT_MIN_US] = ERCX_RO,			\
	[ERCX_PATH_A_PROBE_RTT_AVG_US] = ERCX_RO,			\
	[ERCX_PATH_A_PROBE_RTT_MAX_US] = ERCX_RO

/* ER and VPN paths have liveness probes; the underlay has none */
#define ERCX_PATH_POLICY_PROBE						\
	[ERCX_PATH_A_PROBE4] = { .type = NLA_BE32 },			\
	[ERCX_PATH_A_PROBE6] = NLA_POLICY_EXACT_LEN(16),		\
	[ERCX_PATH_A_PROBE_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ercx_range_ms), \
	[ERCX_PATH_A_PROBE_MULTIPLIER] = NLA_POLICY_MIN(NLA_U8, 1)

static const struct nla_policy ercx_path_er_policy[ERCX_PATH_A_MAX + 1] = {
	ERCX_PATH_POLICY_COMMON,
	ERCX_PATH_POLICY_PROBE,
	[ERCX_PATH_A_PEER4] = { .type = NLA_REJECT,
				.reject_message = "peer is for the VPN path only" },
	[ERCX_PATH_A_PEER6] = { .type = NLA_REJECT,
				.reject_message = "peer is for the VPN path only" },
};

static const struct nla_policy ercx_path_vpn_policy[ERCX_PATH_A_MAX + 1] = {
	ERCX_PATH_POLICY_COMMON,
	ERCX_PATH_POLICY_PROBE,
	[ERCX_PATH_A_PEER4] = { .type = NLA_BE32 },
	[ERCX_PATH_A_PEER6] = NLA_POLICY_EXACT_LEN(16),
};

#define ERCX_NOT_UNDERLAY { .type = NLA_REJECT,				\
			   .reject_message = "not an attribute of the underlay" }

static const struct nla_policy ercx_underlay_policy[ERCX_PATH_A_MAX + 1] = {
	ERCX_PATH_POLICY_COMMON,
	[ERCX_PATH_A_PROBE4] = ERCX_NOT_UNDERLAY,
	[ERCX_PATH_A_PROBE6] = ERCX_NOT_UNDERLAY,
	[ERCX_PATH_A_PROBE_INTERVAL_MS] = ERCX_NOT_UNDERLAY,
	[ERCX_PATH_A_PROBE_MULTIPLIER] = ERCX_NOT_UNDERLAY,
	[ERCX_PATH_A_PEER4] = ERCX_NOT_UNDERLAY,
	[ERCX_PATH_A_PEER6] = ERCX_NOT_UNDERLAY,
};

static const struct nla_policy ercx_pfx_policy[ERCX_PFX_A_MAX + 1] = {
	[ERCX_PFX_A_ADDR4] = { .type = NLA_BE32 },
	[ERCX_PFX_A_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[ERCX_PFX_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[ERCX_PFX_A_VIA] = NLA_POLICY_MAX(NLA_U8, ERCX_VIA_ALL),
	[ERCX_PFX_A_PATH] = ERCX_RO,
};

const struct nla_policy ercx_set_policy[ERCX_A_MAX + 1] = {
	[ERCX_A_PATH_ER] = NLA_POLICY_NESTED(ercx_path_er_policy),
	[ERCX_A_PATH_VPN] = NLA_POLICY_NESTED(ercx_path_vpn_policy),
	[ERCX_A_PREFIX] = NLA_POLICY_NESTED(ercx_pfx_policy),
	[ERCX_A_MSS] = NLA_POLICY_RANGE(NLA_U16, ERCX_MSS_MIN, ERCX_MSS_MAX),
	[ERCX_A_MSS6] = NLA_POLICY_RANGE(NLA_U16, ERCX_MSS6_MIN, ERCX_MSS_MAX),
	[ERCX_A_MSS_SCOPE] = NLA_POLICY_MAX(NLA_U8, ERCX_MSS_SCOPE_MAX),
	[ERCX_A_NOPATH] = NLA_POLICY_MAX(NLA_U8, ERCX_NOPATH_MAX),
	[ERCX_A_FAILBACK_DELAY_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &ercx_range_ms),
	[ERCX_A_FWMASK] = NLA_POLICY_MIN(NLA_U32, 1),
	[ERCX_A_GENERATION] = ERCX_RO,
	[ERCX_A_PREFIX_COUNT] = ERCX_RO,
	[ERCX_A_MODE] = ERCX_RO,
	[ERCX_A_PATH] = ERCX_RO,
	[ERCX_A_ACTIVE_PATH] = ERCX_RO,
	[ERCX_A_PREV_PATH] = ERCX_RO,
	[ERCX_A_STATE] = ERCX_RO,
	[ERCX_A_REASON] = ERCX_RO,
	[ERCX_A_EVENT] = ERCX_RO,
	[ERCX_A_TIMESTAMP_NS] = ERCX_RO,
	[ERCX_A_STATS] = ERCX_RO,
	[ERCX_A_TRANSITIONS] = ERCX_RO,
	[ERCX_A_TRANSITION] = ERCX_RO,
	[ERCX_A_POLICY_LOADED] = ERCX_RO,
	[ERCX_A_UNDERLAY] = NLA_POLICY_NESTED(ercx_underlay_policy),
	[ERCX_A_UNDERLAY_PACKETS] = ERCX_RO,
	[ERCX_A_FAILBACK_EFFECTIVE_MS] = ERCX_RO,
	[ERCX_A_DAMP_PENALTY] = ERCX_RO,
	[ERCX_A_FAILBACK_PENDING] = ERCX_RO,
	[ERCX_A_TRANSIT] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* Say what ercx_prefix_check() found wrong with prefix @p, at @attr */
static void ercx_prefix_err(struct netlink_ext_ack *extack,
			    const struct nlattr *attr,
			    const struct ercx_prefix *p,
			    enum ercx_prefix_fault why)
{
	switch (why) {
	case ERCX_PFX_FAMILY:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address family must be IPv4 or IPv6");
		break;
	case ERCX_PFX_PLEN:
		if (p->family == 4)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "IPv4 prefix length must be 0..32");
		else
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "IPv6 prefix length must be 0..128");
		break;
	case ERCX_PFX_VIA:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "via must be ER, VPN, both or none (an exclusion)");
		break;
	case ERCX_PFX_HOST_BITS:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address has bits set beyond the prefix length");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr, "invalid prefix");
		break;
	}
}

static void ercx_get_in6(struct in6_addr *dst, const struct nlattr *attr)
{
	nla_memcpy(dst, attr, sizeof(*dst));
}

/*
 * The path's device, by name: ERCX_PATH_A_IFNAME, which need not exist yet,
 * or else the name of the device ERCX_PATH_A_IFINDEX is now (which must
 * exist: there is no name to follow otherwise)
 */
static int ercx_parse_ifname(struct net *net, struct nlattr *nest,
			     struct nlattr **tb, struct ercx_path_cfg *cfg,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[ERCX_PATH_A_IFNAME];
	struct net_device *dev;

	if (a) {
		nla_strscpy(cfg->ifname, a, sizeof(cfg->ifname));
		if (!cfg->ifname[0]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "device name must not be empty");
			return -EINVAL;
		}
		if (!dev_valid_name(cfg->ifname)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "not a valid device name");
			return -EINVAL;
		}
		return 0;
	}
	a = tb[ERCX_PATH_A_IFINDEX];
	if (!a) {
		NL_SET_ERR_ATTR_MISS(extack, nest, ERCX_PATH_A_IFNAME);
		NL_SET_ERR_MSG_MOD(extack,
				   "path needs a device (IFNAME, or IFINDEX)");
		return -EINVAL;
	}
	/* RTNL: a name read while the device is renamed could be torn */
	rtnl_lock();
	dev = __dev_get_by_index(net, nla_get_u32(a));
	if (dev)
		strscpy(cfg->ifname, dev->name, sizeof(cfg->ifname));
	rtnl_unlock();
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "no device with this ifindex in the namespace");
		return -ENODEV;
	}
	return 0;
}

static int ercx_parse_path(struct net *net, struct nlattr *nest, int p,
			   struct ercx_path_cfg *cfg,
			   struct netlink_ext_ack *extack)
{
	static const struct nla_policy *const policies[ERCX_PATH_MAX + 1] = {
		[ERCX_PATH_ER] = ercx_path_er_policy,
		[ERCX_PATH_VPN] = ercx_path_vpn_policy,
		[ERCX_UNDERLAY] = ercx_underlay_policy,
	};
	const struct nla_policy *policy = policies[p];
	struct nlattr *tb[ERCX_PATH_A_MAX + 1];
	struct nlattr *a;
	int err;

	err = nla_parse_nested(tb, ERCX_PATH_A_MAX, nest, policy, extack);
	if (err)
		return err;

	err = ercx_parse_ifname(net, nest, tb, cfg, extack);
	if (err)
		return err;

	a = tb[ERCX_PATH_A_FWMARK];
	cfg->fwmark = a ? nla_get_u32(a) : ercx_default_mark[p];
	if (!cfg->fwmark) {
		NL_SET_ERR_MSG_ATTR(extack, a, "fwmark must not be 0");
		return -EINVAL;
	}

	a = tb[ERCX_PATH_A_TABLE];
	cfg->table = a ? nla_get_u32(a) : ercx_default_table[p];
	if (cfg->table == RT_TABLE_UNSPEC ||
	    (cfg->table >= RT_TABLE_DEFAULT && cfg->table <= RT_TABLE_LOCAL)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "table must not be 0 or a reserved table (253..255)");
		return -EINVAL;
	}

	a = tb[ERCX_PATH_A_PROBE_INTERVAL_MS];
	cfg->probe_interval_ms = a ? nla_get_u32(a) : 0;
	if (cfg->probe_interval_ms && cfg->probe_interval_ms < ERCX_PROBE_MIN_MS) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "probe interval must be 0 (off) or at least 10 ms");
		return -EINVAL;
	}

	a = tb[ERCX_PATH_A_PROBE_MULTIPLIER];
	cfg->probe_multiplier = a ? nla_get_u8(a) : ERCX_MULTIPLIER_DEFAULT;

	if (tb[ERCX_PATH_A_GATEWAY4]) {
		cfg->gw4 = nla_get_be32(tb[ERCX_PATH_A_GATEWAY4]);
		cfg->has |= ERCX_HAS_GW4;
	}
	if (tb[ERCX_PATH_A_GATEWAY6]) {
		ercx_get_in6(&cfg->gw6, tb[ERCX_PATH_A_GATEWAY6]);
		cfg->has |= ERCX_HAS_GW6;
	}
	if (tb[ERCX_PATH_A_PROBE4]) {
		cfg->probe4 = nla_get_be32(tb[ERCX_PATH_A_PROBE4]);
		cfg->has |= ERCX_HAS_PROBE4;
	}
	if (tb[ERCX_PATH_A_PROBE6]) {
		ercx_get_in6(&cfg->probe6, tb[ERCX_PATH_A_PROBE6]);
		cfg->has |= ERCX_HAS_PROBE6;
	}
	if (tb[ERCX_PATH_A_PEER4]) {
		cfg->peer4 = nla_get_be32(tb[ERCX_PATH_A_PEER4]);
		cfg->has |= ERCX_HAS_PEER4;
	}
	if (tb[ERCX_PATH_A_PEER6]) {
		ercx_get_in6(&cfg->peer6, tb[ERCX_PATH_A_PEER6]);
		cfg->has |= ERCX_HAS_PEER6;
	}
	return 0;
}

/* The optional Internet uplink of the underlay guard */
static int ercx_parse_underlay(struct ercx_policy *pol, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[ERCX_A_UNDERLAY];
	struct netlink_ext_ack *extack = info->extack;
	struct ercx_path_cfg *ul = &pol->underlay;
	int p, err;

	if (!nest)
		return 0;
	err = ercx_parse_path(genl_info_net(info), nest, ERCX_UNDERLAY, ul,
			      extack);
	if (err)
		return err;
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		if (!strcmp(ul->ifname, pol->path[p].ifname)) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "the underlay must not be the ER or VPN device");
			return -EINVAL;
		}
		if (ul->table == pol->path[p].table) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "the underlay needs its own table");
			return -EINVAL;
		}
		if (ul->fwmark == pol->path[p].fwmark) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "the underlay needs its own fwmark");
			return -EINVAL;
		}
	}
	if (ul->fwmark & ~pol->fwmask) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "fwmark has bits outside the fwmask");
		return -EINVAL;
	}
	pol->has_underlay = true;
	return 0;
}

static int ercx_parse_paths(struct ercx_policy *pol, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct ercx_path_cfg *er = &pol->path[ERCX_PATH_ER];
	struct ercx_path_cfg *vpn = &pol->path[ERCX_PATH_VPN];
	struct nlattr *vpn_nest = info->attrs[ERCX_A_PATH_VPN];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ERCX_A_PATH_ER)) {
		NL_SET_ERR_MSG_MOD(extack, "the ExpressRoute path is required");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, ERCX_A_PATH_VPN)) {
		NL_SET_ERR_MSG_MOD(extack, "the VPN path is required");
		return -EINVAL;
	}

	err = ercx_parse_path(genl_info_net(info), info->attrs[ERCX_A_PATH_ER],
			      ERCX_PATH_ER, er, extack);
	if (err)
		return err;
	err = ercx_parse_path(genl_info_net(info), vpn_nest, ERCX_PATH_VPN, vpn,
			      extack);
	if (err)
		return err;

	if (!strcmp(er->ifname, vpn->ifname)) {
		NL_SET_ERR_MSG_ATTR(extack, vpn_nest,
				    "ER and VPN paths must use different devices");
		return -EINVAL;
	}
	if (er->table == vpn->table) {
		NL_SET_ERR_MSG_ATTR(extack, vpn_nest,
				    "ER and VPN paths must use different tables");
		return -EINVAL;
	}
	if ((er->fwmark | vpn->fwmark) & ~pol->fwmask) {
		NL_SET_ERR_MSG_ATTR(extack,
				    er->fwmark & ~pol->fwmask ?
				    info->attrs[ERCX_A_PATH_ER] : vpn_nest,
				    "fwmark has bits outside the fwmask");
		return -EINVAL;
	}
	if (er->fwmark == vpn->fwmark) {
		NL_SET_ERR_MSG_ATTR(extack, vpn_nest,
				    "ER and VPN paths must use different fwmarks");
		return -EINVAL;
	}
	return ercx_parse_underlay(pol, info);
}

static int ercx_parse_prefix(struct nlattr *nest, struct ercx_prefix *p,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[ERCX_PFX_A_MAX + 1];
	enum ercx_prefix_fault why;
	int err;

	err = nla_parse_nested(tb, ERCX_PFX_A_MAX, nest, ercx_pfx_policy, extack);
	if (err)
		return err;

	if (!!tb[ERCX_PFX_A_ADDR4] == !!tb[ERCX_PFX_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix needs exactly one of ADDR4 and ADDR6");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ERCX_PFX_A_PLEN)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix needs a length (PLEN)");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ERCX_PFX_A_VIA)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "prefix needs its paths (VIA)");
		return -EINVAL;
	}

	memset(p, 0, sizeof(*p));
	if (tb[ERCX_PFX_A_ADDR4]) {
		p->family = 4;
		nla_memcpy(p->addr, tb[ERCX_PFX_A_ADDR4], 4);
	} else {
		p->family = 6;
		nla_memcpy(p->addr, tb[ERCX_PFX_A_ADDR6], 16);
	}
	p->plen = nla_get_u8(tb[ERCX_PFX_A_PLEN]);
	p->via = nla_get_u8(tb[ERCX_PFX_A_VIA]);

	err = ercx_prefix_check(p, &why);
	if (err)
		ercx_prefix_err(extack, nest, p, why);
	return err;
}

/* The @idx-th ERCX_A_PREFIX of the message, for error reports */
static struct nlattr *ercx_nth_prefix(struct genl_info *info, s32 idx)
{
	struct nlattr *nla;
	int rem;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != ERCX_A_PREFIX)
			continue;
		if (!idx--)
			return nla;
	}
	return NULL;
}

/*
 * A policy's prefixes, at most: one policy per namespace, so this caps what
 * a namespace (an unprivileged user's included: the family allows
 * CAP_NET_ADMIN in the namespace's user namespace) can make the kernel hold
 */
unsigned int ercx_max_prefixes __read_mostly = 1048576;
module_param_named(max_prefixes, ercx_max_prefixes, uint, 0644);
MODULE_PARM_DESC(max_prefixes, "most prefixes in one namespace's policy (default 1048576)");

static int ercx_parse_prefixes(struct ercx_policy *pol, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct ercx_prefix *pfx;
	struct nlattr *nla;
	u32 n = 0, i = 0;
	s32 bad = -1;
	int rem, err;

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == ERCX_A_PREFIX)
			n++;
	if (n > ercx_max_prefixes) {
		NL_SET_ERR_MSG_MOD(extack,
				   "more prefixes than the limit (module parameter max_prefixes)");
		return -E2BIG;
	}

	/* sized by the request: charged to the caller's memory cgroup */
	pfx = kvmalloc_array(n ? n : 1, sizeof(*pfx), GFP_KERNEL_ACCOUNT);
	if (!pfx) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the prefixes");
		return -ENOMEM;
	}

	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != ERCX_A_PREFIX)
			continue;
		err = ercx_parse_prefix(nla, &pfx[i++], extack);
		if (err)
			goto out;
	}

	err = ercx_lpm_build(&pol->lpm, pfx, n, &bad);
	if (err) {
		struct nlattr *attr = bad >= 0 ? ercx_nth_prefix(info, bad) : NULL;
		enum ercx_prefix_fault why = ERCX_PFX_OK;

		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(extack, attr, "duplicate prefix");
		else if (err == -ENOMEM)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "out of memory for the prefix table");
		else if (bad >= 0 && (u32)bad < n &&
			 ercx_prefix_check(&pfx[bad], &why))
			ercx_prefix_err(extack, attr, &pfx[bad], why);
		else
			NL_SET_ERR_MSG_ATTR(extack, attr, "invalid prefix");
		pol->lpm = NULL;
	}
out:
	kvfree(pfx);
	return err;
}

/**
 * ercx_policy_parse() - build a policy from a POLICY_SET request
 * @info: the request, its attributes already validated by the genl policy
 * @out: receives the new policy on success
 *
 * Applies the defaults, checks what the attribute policies cannot (paths,
 * marks, prefixes) and builds the prefix table.  Devices are names, which
 * need not exist (a path given by ifindex takes the name of that device,
 * which must).  Nothing outside the new object is touched; the caller
 * publishes it.
 *
 * Context: Process context; allocates with GFP_KERNEL_ACCOUNT.  Takes and
 * releases RTNL for a path given by ifindex: not under en->lock.
 * Return: 0 on success; else a negative errno, with the reason in
 * info->extack: -EINVAL for an invalid attribute or prefix, -ENODEV for an
 * ifindex without a device (and no name), -EEXIST for a duplicate prefix,
 * -E2BIG for more prefixes than allowed, -ENOMEM.
 */
int ercx_policy_parse(struct genl_info *info, struct ercx_policy **out)
{
	struct nlattr **tb = info->attrs;
	struct ercx_policy *pol;
	int err;

	pol = kzalloc(sizeof(*pol), GFP_KERNEL_ACCOUNT);
	if (!pol) {
		NL_SET_ERR_MSG_MOD(info->extack, "out of memory");
		return -ENOMEM;
	}

	pol->fwmask = tb[ERCX_A_FWMASK] ? nla_get_u32(tb[ERCX_A_FWMASK]) :
					  ERCX_FWMASK_DEFAULT;
	pol->mss = tb[ERCX_A_MSS] ? nla_get_u16(tb[ERCX_A_MSS]) :
				    ERCX_MSS_DEFAULT;
	if (tb[ERCX_A_MSS6])
		pol->mss6 = nla_get_u16(tb[ERCX_A_MSS6]);
	else
		pol->mss6 = max_t(u16, pol->mss - 20, ERCX_MSS6_MIN);
	pol->mss_scope = tb[ERCX_A_MSS_SCOPE] ?
			 nla_get_u8(tb[ERCX_A_MSS_SCOPE]) : ERCX_MSS_SCOPE_TUNNEL;
	pol->nopath = tb[ERCX_A_NOPATH] ? nla_get_u8(tb[ERCX_A_NOPATH]) :
					  ERCX_NOPATH_PASS;
	pol->failback_delay_ms = tb[ERCX_A_FAILBACK_DELAY_MS] ?
				 nla_get_u32(tb[ERCX_A_FAILBACK_DELAY_MS]) :
				 ERCX_FAILBACK_DEFAULT;
	pol->transit = tb[ERCX_A_TRANSIT] && nla_get_u8(tb[ERCX_A_TRANSIT]);

	err = ercx_parse_paths(pol, info);
	if (!err)
		err = ercx_parse_prefixes(pol, info);
	if (err) {
		ercx_policy_free(pol);
		return err;
	}
	*out = pol;
	return 0;
}

/**
 * ercx_policy_cfg() - the configuration of a path or of the underlay
 * @pol: the policy
 * @p: %ERCX_PATH_ER, %ERCX_PATH_VPN, or %ERCX_UNDERLAY
 *
 * Context: Any context; the caller keeps @pol alive (en->lock or RCU).
 * Return: the path's configuration; for %ERCX_UNDERLAY, NULL when the
 * policy has no underlay.
 */
const struct ercx_path_cfg *ercx_policy_cfg(const struct ercx_policy *pol,
					    int p)
{
	if (p != ERCX_UNDERLAY)
		return &pol->path[p];
	return pol->has_underlay ? &pol->underlay : NULL;
}

/**
 * ercx_policy_free() - free a policy at once
 * @pol: the policy, or NULL
 *
 * Only for a policy that no reader can see: never published, or after a
 * grace period.  Published policies go through ercx_policy_free_rcu().
 *
 * Context: Any context but NMI (kvfree(), from an RCU callback too).
 */
void ercx_policy_free(struct ercx_policy *pol)
{
	if (!pol)
		return;
	if (pol->lpm)
		ercx_lpm_free(pol->lpm);
	kfree(pol);
}

static void ercx_policy_rcu(struct rcu_head *head)
{
	ercx_policy_free(container_of(head, struct ercx_policy, rcu));
}

/**
 * ercx_policy_free_rcu() - free a replaced policy after a grace period
 * @pol: the policy, no longer published, or NULL
 *
 * Context: Any context.  Module exit waits for these with rcu_barrier().
 */
void ercx_policy_free_rcu(struct ercx_policy *pol)
{
	if (pol)
		call_rcu(&pol->rcu, ercx_policy_rcu);
}

/**
 * ercx_policy_locked() - the namespace's policy, for a writer
 * @en: the namespace's state
 *
 * Context: en->lock held (checked by lockdep).
 * Return: the published policy, or NULL when there is none.
 */
struct ercx_policy *ercx_policy_locked(struct ercx_net *en)
{
	return rcu_dereference_protected(en->policy,
					 lockdep_is_held(&en->lock));
}

/**
 * ercx_policy_prefixes() - the number of prefixes of a policy
 * @pol: the policy, or NULL
 *
 * Context: Any context; the caller keeps @pol alive (en->lock or RCU).
 * Return: the number of prefixes, 0 for NULL.
 */
u32 ercx_policy_prefixes(const struct ercx_policy *pol)
{
	return pol ? ercx_lpm_count(pol->lpm) : 0;
}
