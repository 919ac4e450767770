// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: events, the %ERCX_CMD_EVENT messages of the "events" group.
 *
 * Every event is sent from here, by ercx_event(), under en->lock: it reads
 * what it reports from the namespace's state, already changed by the
 * caller.  This file calls nothing else of the module, so any file may call
 * it without making a circle.  netlink.c hands it the family once it is
 * registered and takes it back before unregistering it.
 */

#include <net/genetlink.h>
#include <net/netlink.h>

#include "ercoexist.h"

/* Set while the family is registered; senders read it under RCU */
static const struct genl_family __rcu *ercx_events_family;

/**
 * ercx_events_start() - send events from now on
 * @family: the registered "ercoexist" family
 *
 * Context: Process context, from module init, after genl_register_family().
 */
void ercx_events_start(const struct genl_family *family)
{
	rcu_assign_pointer(ercx_events_family, family);
}

/**
 * ercx_events_stop() - send no event from now on
 *
 * ercx_event() checks for the family and sends in one RCU read section,
 * which this waits for: when it returns, no event is being sent and none
 * will be, so the family can be unregistered.
 *
 * Context: Process context, from module exit; sleeps (synchronize_rcu()).
 */
void ercx_events_stop(void)
{
	RCU_INIT_POINTER(ercx_events_family, NULL);
	synchronize_rcu();
}

/* The attributes of @event after ERCX_A_EVENT and ERCX_A_TIMESTAMP_NS */
static int ercx_event_fill(struct sk_buff *msg, const struct ercx_net *en,
			   u8 event, u8 path, u8 reason, u64 count)
{
	int err;

	switch (event) {
	case ERCX_EVENT_PATH_STATE:
		err = nla_put_u8(msg, ERCX_A_PATH, path) ||
		      nla_put_u8(msg, ERCX_A_STATE, en->path[path].state) ||
		      nla_put_u8(msg, ERCX_A_REASON, reason);
		break;
	case ERCX_EVENT_ACTIVE_PATH:
		err = nla_put_u8(msg, ERCX_A_PREV_PATH, path) ||
		      nla_put_u8(msg, ERCX_A_ACTIVE_PATH, en->active) ||
		      nla_put_u8(msg, ERCX_A_REASON, reason);
		break;
	case ERCX_EVENT_POLICY:
		err = nla_put_u32(msg, ERCX_A_GENERATION, en->generation) ||
		      nla_put_u32(msg, ERCX_A_PREFIX_COUNT, count);
		break;
	case ERCX_EVENT_MODE:
		err = nla_put_u8(msg, ERCX_A_MODE, en->sm.mode) ||
		      nla_put_u8(msg, ERCX_A_REASON, reason);
		break;
	case ERCX_EVENT_UNDERLAY:
		err = nla_put_u64_64bit(msg, ERCX_A_UNDERLAY_PACKETS, count,
					ERCX_A_PAD);
		break;
	case ERCX_EVENT_PROBE:
		err = nla_put_u8(msg, ERCX_A_PATH, path) ||
		      nla_put_u8(msg, ERCX_A_STATE, en->path[path].probe_down ?
				 ERCX_STATE_DOWN : ERCX_STATE_UP) ||
		      nla_put_u8(msg, ERCX_A_REASON, reason);
		break;
	default:
		WARN_ON_ONCE(1);
		return -EINVAL;
	}
	return err ? -EMSGSIZE : 0;
}

/**
 * ercx_event() - tell the "events" group of a change in a namespace
 * @en: the namespace's state, already changed
 * @event: enum ercx_event
 * @path: the path of %ERCX_EVENT_PATH_STATE and %ERCX_EVENT_PROBE (their
 *        state is en->path[@path]'s), the previous active path of
 *        %ERCX_EVENT_ACTIVE_PATH; else %ERCX_PATH_NONE
 * @reason: the %ERCX_A_REASON of the events that carry one; else
 *          %ERCX_REASON_NONE
 * @count: the prefix count of %ERCX_EVENT_POLICY (0: flushed), the guard's
 *         interventions of %ERCX_EVENT_UNDERLAY; else 0
 *
 * What else an event carries comes from @en: the active path, the mode, the
 * generation.  Sent only while the family is registered, when the group
 * has listeners in the namespace and the namespace is not dying; lost when
 * out of memory (listeners resync with %ERCX_CMD_STATUS_GET).
 *
 * Context: Process context, en->lock held; allocates with GFP_KERNEL.
 */
void ercx_event(struct ercx_net *en, u8 event, u8 path, u8 reason, u64 count)
{
	const struct genl_family *family;
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&en->lock);
	/* the family itself is static: only its registration ends */
	family = rcu_access_pointer(ercx_events_family);
	if (!family || en->dying ||
	    !genl_has_listeners(family, en->net, ERCX_MCGRP_EVENTS_ID))
		return;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, family, 0, ERCX_CMD_EVENT);
	if (!hdr || nla_put_u8(msg, ERCX_A_EVENT, event) ||
	    nla_put_u64_64bit(msg, ERCX_A_TIMESTAMP_NS, ercx_now_ns(),
			      ERCX_A_PAD) ||
	    ercx_event_fill(msg, en, event, path, reason, count)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);

	/* the check and the send are one section: see ercx_events_stop() */
	rcu_read_lock();
	family = rcu_dereference(ercx_events_family);
	if (family)
		genlmsg_multicast_netns(family, en->net, msg, 0,
					ERCX_MCGRP_EVENTS_ID, GFP_ATOMIC);
	else
		nlmsg_free(msg);
	rcu_read_unlock();
}
