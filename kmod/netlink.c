// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: the "ercoexist" generic netlink family.
 *
 * Every operation has its own strict policy; a change needs CAP_NET_ADMIN in
 * the namespace's user namespace; every rejection carries an extack message.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "ercoexist.h"

static struct genl_family ercx_genl_family;

/*
 * Operations that take no attribute: every attribute is "unsupported".  The
 * spec cannot say this (make spec-check: no-request-rejects-all).
 */
static const struct nla_policy ercx_none_policy[ERCX_A_MAX + 1] = {};

static const struct nla_policy ercx_failover_policy[ERCX_A_MAX + 1] = {
	[ERCX_A_PATH] = NLA_POLICY_RANGE(NLA_U8, ERCX_PATH_ER, ERCX_PATH_VPN),
};

/* ---- Message building ---- */

static int ercx_put_u64(struct sk_buff *skb, int attr, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, attr, v, pad);
}

/* The probe counters of path @p, when it probes (status) */
static int ercx_put_probe(struct sk_buff *skb, struct ercx_net *en, int p)
{
	struct ercx_probe_stats ps;

	if (!ercx_probe_stats(en, p, &ps))
		return 0;
	if (nla_put_u8(skb, ERCX_PATH_A_PROBE_STATE, ps.state) ||
	    ercx_put_u64(skb, ERCX_PATH_A_PROBE_SENT, ps.sent, ERCX_PATH_A_PAD) ||
	    ercx_put_u64(skb, ERCX_PATH_A_PROBE_RECEIVED, ps.received,
			 ERCX_PATH_A_PAD) ||
	    ercx_put_u64(skb, ERCX_PATH_A_PROBE_LOST, ps.lost, ERCX_PATH_A_PAD) ||
	    ercx_put_u64(skb, ERCX_PATH_A_PROBE_ERRORS, ps.errors,
			 ERCX_PATH_A_PAD) ||
	    nla_put_u32(skb, ERCX_PATH_A_PROBE_RTT_LAST_US, ps.rtt_last_us) ||
	    nla_put_u32(skb, ERCX_PATH_A_PROBE_RTT_MIN_US, ps.rtt_min_us) ||
	    nla_put_u32(skb, ERCX_PATH_A_PROBE_RTT_AVG_US, ps.rtt_avg_us) ||
	    nla_put_u32(skb, ERCX_PATH_A_PROBE_RTT_MAX_US, ps.rtt_max_us))
		return -EMSGSIZE;
	return 0;
}

/*
 * The nest of path @p, or of the underlay (@p is ERCX_UNDERLAY) when the
 * policy has one: its configuration (the device's name, and the ifindex of
 * the device bound to that name now, 0 if none), and with @st (status)
 * its state, counters and probes.  Under en->lock.
 */
static int ercx_put_path(struct sk_buff *skb, struct ercx_net *en,
			 const struct ercx_policy *pol, int p,
			 const struct ercx_stats *st)
{
	static const int attr[ERCX_PATH_MAX + 1] = {
		[ERCX_UNDERLAY] = ERCX_A_UNDERLAY,
		[ERCX_PATH_ER] = ERCX_A_PATH_ER,
		[ERCX_PATH_VPN] = ERCX_A_PATH_VPN,
	};
	const struct ercx_path_cfg *cfg = ercx_policy_cfg(pol, p);
	const struct ercx_pstate *ps = &en->path[p];
	struct nlattr *nest;

	if (!cfg)
		return 0;
	nest = nla_nest_start(skb, attr[p]);
	if (!nest)
		return -EMSGSIZE;

	/* the underlay has neither probes nor a peer (its policy says so) */
	if (nla_put_u32(skb, ERCX_PATH_A_IFINDEX,
			ercx_paths_bound_ifindex(en, p)) ||
	    nla_put_string(skb, ERCX_PATH_A_IFNAME, cfg->ifname) ||
	    ((cfg->has & ERCX_HAS_GW4) &&
	     nla_put_in_addr(skb, ERCX_PATH_A_GATEWAY4, cfg->gw4)) ||
	    ((cfg->has & ERCX_HAS_GW6) &&
	     nla_put_in6_addr(skb, ERCX_PATH_A_GATEWAY6, &cfg->gw6)) ||
	    ((cfg->has & ERCX_HAS_PROBE4) &&
	     nla_put_in_addr(skb, ERCX_PATH_A_PROBE4, cfg->probe4)) ||
	    ((cfg->has & ERCX_HAS_PROBE6) &&
	     nla_put_in6_addr(skb, ERCX_PATH_A_PROBE6, &cfg->probe6)) ||
	    ((cfg->has & ERCX_HAS_PEER4) &&
	     nla_put_in_addr(skb, ERCX_PATH_A_PEER4, cfg->peer4)) ||
	    ((cfg->has & ERCX_HAS_PEER6) &&
	     nla_put_in6_addr(skb, ERCX_PATH_A_PEER6, &cfg->peer6)) ||
	    (p != ERCX_UNDERLAY &&
	     (nla_put_u32(skb, ERCX_PATH_A_PROBE_INTERVAL_MS,
			  cfg->probe_interval_ms) ||
	      nla_put_u8(skb, ERCX_PATH_A_PROBE_MULTIPLIER,
			 cfg->probe_multiplier))) ||
	    nla_put_u32(skb, ERCX_PATH_A_FWMARK, cfg->fwmark) ||
	    nla_put_u32(skb, ERCX_PATH_A_TABLE, cfg->table))
		goto cancel;

	if (st && p != ERCX_UNDERLAY &&
	    (nla_put_u8(skb, ERCX_PATH_A_STATE, ps->state) ||
	     nla_put_u8(skb, ERCX_PATH_A_REASON, ps->reason) ||
	     ercx_put_u64(skb, ERCX_PATH_A_TX_PACKETS,
			  st->c[ERCX_CTR_TX_PACKETS + p], ERCX_PATH_A_PAD) ||
	     ercx_put_u64(skb, ERCX_PATH_A_TX_BYTES,
			  st->c[ERCX_CTR_TX_BYTES + p], ERCX_PATH_A_PAD) ||
	     ercx_put_u64(skb, ERCX_PATH_A_SINCE_NS, ps->since_ns,
			  ERCX_PATH_A_PAD) ||
	     ercx_put_probe(skb, en, p)))
		goto cancel;

	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The policy scalars, as POLICY_SET takes them, plus the read-only ones */
static int ercx_put_policy(struct sk_buff *skb, struct ercx_net *en,
			   const struct ercx_policy *pol,
			   const struct ercx_stats *st)
{
	if (ercx_put_path(skb, en, pol, ERCX_PATH_ER, st) ||
	    ercx_put_path(skb, en, pol, ERCX_PATH_VPN, st) ||
	    ercx_put_path(skb, en, pol, ERCX_UNDERLAY, NULL) ||
	    nla_put_u16(skb, ERCX_A_MSS, pol->mss) ||
	    nla_put_u16(skb, ERCX_A_MSS6, pol->mss6) ||
	    nla_put_u8(skb, ERCX_A_MSS_SCOPE, pol->mss_scope) ||
	    nla_put_u8(skb, ERCX_A_NOPATH, pol->nopath) ||
	    nla_put_u32(skb, ERCX_A_FAILBACK_DELAY_MS, pol->failback_delay_ms) ||
	    nla_put_u32(skb, ERCX_A_FWMASK, pol->fwmask) ||
	    nla_put_u8(skb, ERCX_A_TRANSIT, pol->transit) ||
	    nla_put_u32(skb, ERCX_A_GENERATION, pol->generation) ||
	    nla_put_u32(skb, ERCX_A_PREFIX_COUNT, ercx_policy_prefixes(pol)))
		return -EMSGSIZE;
	return 0;
}

static int ercx_put_stats(struct sk_buff *skb, struct ercx_net *en,
			  const struct ercx_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, ERCX_A_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (ercx_put_u64(skb, ERCX_STATS_A_MSS_CLAMPED,
			 st->c[ERCX_CTR_MSS_CLAMPED], ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_MSS_ERRORS,
			 st->c[ERCX_CTR_MSS_ERRORS], ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_NOPATH_PACKETS,
			 st->c[ERCX_CTR_NOPATH_PACKETS], ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_NOPATH_DROPPED,
			 st->c[ERCX_CTR_NOPATH_DROPPED], ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_FAILOVERS, en->failovers,
			 ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_FAILBACKS, en->failbacks,
			 ERCX_STATS_A_PAD) ||
	    ercx_put_u64(skb, ERCX_STATS_A_UNDERLAY,
			 st->c[ERCX_CTR_UNDERLAY], ERCX_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The transition history, oldest first */
static int ercx_put_transitions(struct sk_buff *skb, struct ercx_net *en)
{
	struct nlattr *nest, *tr;
	u32 i, slot;

	nest = nla_nest_start(skb, ERCX_A_TRANSITIONS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < en->tr_count; i++) {
		const struct ercx_transition *t;

		slot = (en->tr_next + ERCX_TRANSITIONS - en->tr_count + i) %
		       ERCX_TRANSITIONS;
		t = &en->tr[slot];
		tr = nla_nest_start(skb, ERCX_A_TRANSITION);
		if (!tr ||
		    ercx_put_u64(skb, ERCX_TR_A_TIMESTAMP_NS, t->time_ns,
				 ERCX_TR_A_PAD) ||
		    nla_put_u8(skb, ERCX_TR_A_FROM, t->from) ||
		    nla_put_u8(skb, ERCX_TR_A_TO, t->to) ||
		    nla_put_u8(skb, ERCX_TR_A_REASON, t->reason)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, tr);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ercx_no_policy(struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack, "no policy loaded");
	return -ENOENT;
}

static struct sk_buff *ercx_reply_new(struct genl_info *info, u8 cmd,
				      void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &ercx_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send the reply ercx_reply_new() started, or drop it on error @err */
static int ercx_reply_send(struct genl_info *info, struct sk_buff *msg,
			   void *hdr, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- Commands ---- */

static int ercx_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ercx_net *en = ercx_net(genl_info_net(info));
	struct ercx_prober *newp[ERCX_PATH_MAX + 1], *oldp[ERCX_PATH_MAX + 1];
	struct ercx_policy *pol, *old;
	int err;

	err = ercx_policy_parse(info, &pol);
	if (err)
		return err;

	/*
	 * The namespace's first policy: counters and device tracking, before
	 * en->lock (the notifier runs under RTNL and takes en->lock).  The
	 * devices need not exist: paths follow their names.
	 */
	err = ercx_net_setup(en, info->extack);
	if (err)
		goto free;

	mutex_lock(&en->lock);
	err = ercx_probes_prepare(en, pol, newp, info->extack);
	if (err)
		goto fail;
	if (!en->hooks_on) {
		err = ercx_hooks_register(en);
		if (err) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "cannot register the netfilter hooks");
			ercx_probes_abort(en, newp);
			goto fail;
		}
	}

	old = ercx_policy_locked(en);
	pol->generation = ++en->generation;
	rcu_assign_pointer(en->policy, pol);
	ercx_probes_commit(en, newp, oldp);
	ercx_paths_policy_changed(en, old, pol);
	ercx_event(en, ERCX_EVENT_POLICY, ERCX_PATH_NONE, ERCX_REASON_NONE,
		   ercx_policy_prefixes(pol));
	mutex_unlock(&en->lock);

	ercx_probes_free(oldp);
	ercx_policy_free_rcu(old);
	return 0;

fail:
	mutex_unlock(&en->lock);
free:
	ercx_policy_free(pol);
	return err;
}

static int ercx_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ercx_net *en = ercx_net(genl_info_net(info));
	const struct ercx_policy *pol;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = ercx_reply_new(info, ERCX_CMD_POLICY_GET, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&en->lock);
	pol = ercx_policy_locked(en);
	err = pol ? ercx_put_policy(msg, en, pol, NULL) : ercx_no_policy(info);
	mutex_unlock(&en->lock);
	return ercx_reply_send(info, msg, hdr, err);
}

static int ercx_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ercx_net *en = ercx_net(genl_info_net(info));
	const struct ercx_policy *pol;
	struct ercx_stats st;
	struct sk_buff *msg;
	void *hdr;
	int err = -EMSGSIZE;

	msg = ercx_reply_new(info, ERCX_CMD_STATUS_GET, &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&en->lock);
	pol = ercx_policy_locked(en);
	ercx_stats_read(en, &st);
	if (pol && (nla_put_flag(msg, ERCX_A_POLICY_LOADED) ||
		    ercx_put_policy(msg, en, pol, &st) ||
		    nla_put_u32(msg, ERCX_A_FAILBACK_EFFECTIVE_MS,
				ercx_paths_failback_ms(en)) ||
		    nla_put_u32(msg, ERCX_A_DAMP_PENALTY, en->damp.penalty) ||
		    nla_put_u8(msg, ERCX_A_FAILBACK_PENDING, en->sm.er_pending)))
		goto out;
	if ((!pol && nla_put_u32(msg, ERCX_A_GENERATION, en->generation)) ||
	    nla_put_u8(msg, ERCX_A_MODE, en->sm.mode) ||
	    nla_put_u8(msg, ERCX_A_ACTIVE_PATH, en->active) ||
	    ercx_put_stats(msg, en, &st) ||
	    ercx_put_transitions(msg, en))
		goto out;
	err = 0;
out:
	mutex_unlock(&en->lock);
	return ercx_reply_send(info, msg, hdr, err);
}

static int ercx_put_prefix(struct sk_buff *skb, const struct ercx_policy *pol,
			   u32 i, u8 usable)
{
	const struct ercx_prefix *p = ercx_lpm_prefix(pol->lpm, i);
	u8 path = ercx_select(ercx_lpm_answers(pol->lpm, i), usable);
	struct nlattr *nest;

	/* an exclusion, or below one with no usable path: no path */
	if (path == ERCX_ANS_EXCLUDED)
		path = ERCX_PATH_NONE;

	nest = nla_nest_start(skb, ERCX_A_PREFIX);
	if (!nest)
		return -EMSGSIZE;
	if ((p->family == 4 ?
	     nla_put(skb, ERCX_PFX_A_ADDR4, 4, p->addr) :
	     nla_put(skb, ERCX_PFX_A_ADDR6, 16, p->addr)) ||
	    nla_put_u8(skb, ERCX_PFX_A_PLEN, p->plen) ||
	    nla_put_u8(skb, ERCX_PFX_A_VIA, p->via) ||
	    nla_put_u8(skb, ERCX_PFX_A_PATH, path)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One dump message: the generation and one prefix */
static int ercx_put_prefix_msg(struct sk_buff *skb, struct netlink_callback *cb,
			       const struct ercx_policy *pol, u32 i, u8 usable)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ercx_genl_family, NLM_F_MULTI, ERCX_CMD_PREFIX_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, ERCX_A_GENERATION, pol->generation) ||
	    ercx_put_prefix(skb, pol, i, usable)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Prefixes in build order, one message each (as the UAPI says), as many
 * messages per skb as fit.  cb->args[0] is the next prefix; cb->seq is the
 * generation, so a policy replaced during the dump sets NLM_F_DUMP_INTR.
 */
static int ercx_nl_prefix_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ercx_net *en = ercx_net(sock_net(cb->skb->sk));
	const struct ercx_policy *pol;
	u32 i = cb->args[0], n;
	int ret = 0;
	u8 usable;

	rcu_read_lock();
	pol = rcu_dereference(en->policy);
	cb->seq = pol ? pol->generation : READ_ONCE(en->generation);
	n = ercx_policy_prefixes(pol);
	usable = READ_ONCE(en->usable);
	for (; i < n; i++)
		if (ercx_put_prefix_msg(skb, cb, pol, i, usable))
			break;
	if (i < n && i == cb->args[0])
		ret = -EMSGSIZE;	/* not even one fits: cannot happen */
	else
		ret = skb->len;
	cb->args[0] = i;
	rcu_read_unlock();
	return ret;
}

/* FAILOVER and AUTO: the operator's mode, when there is a policy */
static int ercx_nl_set_mode(struct genl_info *info, u8 mode, u8 reason)
{
	struct ercx_net *en = ercx_net(genl_info_net(info));
	int err;

	mutex_lock(&en->lock);
	if (ercx_policy_locked(en))
		err = ercx_paths_set_mode(en, mode, reason);
	else
		err = ercx_no_policy(info);
	mutex_unlock(&en->lock);
	return err;
}

static int ercx_nl_failover(struct sk_buff *skb, struct genl_info *info)
{
	u8 mode;

	if (GENL_REQ_ATTR_CHECK(info, ERCX_A_PATH)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "failover needs the path to force (ER or VPN)");
		return -EINVAL;
	}
	mode = nla_get_u8(info->attrs[ERCX_A_PATH]) == ERCX_PATH_VPN ?
	       ERCX_MODE_FORCED_VPN : ERCX_MODE_FORCED_ER;
	return ercx_nl_set_mode(info, mode, ERCX_REASON_OPERATOR);
}

static int ercx_nl_auto(struct sk_buff *skb, struct genl_info *info)
{
	return ercx_nl_set_mode(info, ERCX_MODE_AUTO, ERCX_REASON_AUTO);
}

static int ercx_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ercx_net *en = ercx_net(genl_info_net(info));
	struct ercx_prober *oldp[ERCX_PATH_MAX + 1];
	struct ercx_policy *old;

	mutex_lock(&en->lock);
	old = ercx_policy_locked(en);
	if (!old) {
		mutex_unlock(&en->lock);
		return 0;
	}
	if (en->hooks_on)
		ercx_hooks_unregister(en);
	RCU_INIT_POINTER(en->policy, NULL);
	en->generation++;
	ercx_probes_commit(en, NULL, oldp);
	/* back to the initial state: the operator's mode is auto again */
	if (en->sm.mode != ERCX_MODE_AUTO) {
		en->sm.mode = ERCX_MODE_AUTO;
		ercx_event(en, ERCX_EVENT_MODE, ERCX_PATH_NONE,
			   ERCX_REASON_POLICY, 0);
	}
	ercx_paths_policy_changed(en, old, NULL);
	ercx_event(en, ERCX_EVENT_POLICY, ERCX_PATH_NONE, ERCX_REASON_NONE, 0);
	mutex_unlock(&en->lock);

	ercx_probes_free(oldp);
	ercx_policy_free_rcu(old);
	return 0;
}

static const struct genl_ops ercx_genl_ops[] = {
	{
		.cmd = ERCX_CMD_POLICY_SET,
		.doit = ercx_nl_policy_set,
		.policy = ercx_set_policy,
		.maxattr = ERCX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = ERCX_CMD_POLICY_GET,
		.doit = ercx_nl_policy_get,
		.policy = ercx_none_policy,
		.maxattr = ERCX_A_MAX,
	}, {
		.cmd = ERCX_CMD_PREFIX_GET,
		.dumpit = ercx_nl_prefix_dump,
		.policy = ercx_none_policy,
		.maxattr = ERCX_A_MAX,
	}, {
		.cmd = ERCX_CMD_STATUS_GET,
		.doit = ercx_nl_status_get,
		.policy = ercx_none_policy,
		.maxattr = ERCX_A_MAX,
	}, {
		.cmd = ERCX_CMD_FAILOVER,
		.doit = ercx_nl_failover,
		.policy = ercx_failover_policy,
		.maxattr = ERCX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = ERCX_CMD_AUTO,
		.doit = ercx_nl_auto,
		.policy = ercx_none_policy,
		.maxattr = ERCX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = ERCX_CMD_FLUSH,
		.doit = ercx_nl_flush,
		.policy = ercx_none_policy,
		.maxattr = ERCX_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ercx_genl_mcgrps[] = {
	[ERCX_MCGRP_EVENTS_ID] = { .name = ERCX_MCGRP_EVENTS },
};

static struct genl_family ercx_genl_family __ro_after_init = {
	.name = ERCX_GENL_NAME,
	.version = ERCX_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ercx_genl_ops,
	.n_ops = ARRAY_SIZE(ercx_genl_ops),
	.mcgrps = ercx_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ercx_genl_mcgrps),
	/* strict validation for every command: unknown attributes, trailing
	 * data and NLA_F_NESTED omissions are all rejected
	 */
	.resv_start_op = 0,
};

/**
 * ercx_genl_init() - register the generic netlink family
 *
 * Strict validation and a required policy for every operation
 * (resv_start_op 0).  Events are sent once the family is registered.
 *
 * Context: Process context, from module init.
 * Return: 0 on success, else the error of genl_register_family().
 */
int ercx_genl_init(void)
{
	int err;

	err = genl_register_family(&ercx_genl_family);
	if (err)
		return err;
	ercx_events_start(&ercx_genl_family);
	return 0;
}

/**
 * ercx_genl_exit() - unregister the generic netlink family
 *
 * Events stop first: no event is sent once the family is unregistered
 * (see ercx_events_stop()).
 *
 * Context: Process context, from module exit; sleeps (synchronize_rcu()).
 */
void ercx_genl_exit(void)
{
	ercx_events_stop();
	genl_unregister_family(&ercx_genl_family);
}
