// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: path state.
 *
 * Each path is up or down with a reason, from its device (netdevice
 * notifier) and its liveness probes (probe.c): up when the device is up and
 * the probes answer.  The operator's mode and the failback delay (grown by
 * the dampening penalty) complete the inputs of the core's state machine,
 * which gives the usable mask read by the packet path and the active path,
 * whose changes are kept as transitions.
 *
 * The packet path does not wait for the notifier to stop using a device:
 * it tests the device itself (en->live, hooks.c).  The notifier hears of a
 * carrier change from linkwatch, a work item, so a carrier may go down and
 * come back before it looks; the device's carrier_down_count tells: such a
 * flap is a down and an up here, and ER waits for the failback delay.
 *
 * Devices are followed by name (Documentation/design.rst, "Devices by
 * name"): the device bound to a path (en->live) is the one registered in
 * the namespace under the policy's name, whatever its ifindex.  The
 * notifier binds it on NETDEV_REGISTER (a new device, or one moved into the
 * namespace) and on NETDEV_CHANGENAME to the name; it unbinds it on
 * NETDEV_UNREGISTER (deleted, or moved out) and NETDEV_CHANGENAME away.
 * A path without its device is down, %ERCX_REASON_NO_DEVICE.  The
 * underlay's device is bound the same way (slot ERCX_UNDERLAY), for the
 * packet path only: the underlay has no state.
 * Everything here runs in process context under en->lock.
 */

#include <linux/netdevice.h>
#include <linux/workqueue.h>

#include "ercoexist.h"

static void ercx_dev_state(const struct net_device *dev, u8 *state, u8 *reason)
{
	*state = ERCX_STATE_DOWN;
	if (!dev)
		*reason = ERCX_REASON_NO_DEVICE;
	else if (!netif_running(dev))
		*reason = ERCX_REASON_ADMIN_DOWN;
	else if (!netif_carrier_ok(dev))
		*reason = ERCX_REASON_CARRIER;
	else
		*reason = ERCX_REASON_UP;
	if (*reason == ERCX_REASON_UP)
		*state = ERCX_STATE_UP;
}

/*
 * Bind @dev (NULL: none) to path @p (or the underlay): the packet path tests
 * it, and the path's probes leave by it from their next round.  The count of carrier losses
 * starts from now for a device new to the path; for the same device only
 * the notifier moves it on (ercx_netdev_event()).
 */
static void ercx_live_set(struct ercx_net *en, int p,
			  const struct net_device *dev)
{
	struct ercx_live *l = &en->live[p];

	lockdep_assert_held(&en->lock);
	if (rcu_access_pointer(l->dev) == dev)
		return;
	if (dev)
		WRITE_ONCE(l->downs, atomic_read(&dev->carrier_down_count));
	rcu_assign_pointer(l->dev, dev);
}

/**
 * ercx_paths_bound_ifindex() - the ifindex of the device bound to a path
 * @en: the namespace's state
 * @p: %ERCX_PATH_ER, %ERCX_PATH_VPN or %ERCX_UNDERLAY
 *
 * Context: Process context, en->lock held (the binding changes under it,
 * and the device is unbound before it is freed).
 * Return: the device's ifindex, 0 when no device is bound.
 */
int ercx_paths_bound_ifindex(struct ercx_net *en, int p)
{
	const struct net_device *dev;

	dev = rcu_dereference_protected(en->live[p].dev,
					lockdep_is_held(&en->lock));
	return dev ? dev->ifindex : 0;
}

static void ercx_transition(struct ercx_net *en, u8 from, u8 to, u8 reason)
{
	struct ercx_transition *t = &en->tr[en->tr_next];

	t->time_ns = ercx_now_ns();
	t->from = from;
	t->to = to;
	t->reason = reason;
	en->tr_next = (en->tr_next + 1) % ERCX_TRANSITIONS;
	if (en->tr_count < ERCX_TRANSITIONS)
		en->tr_count++;

	/* Loading or removing a policy is neither a failover nor a failback */
	if (reason == ERCX_REASON_POLICY)
		return;
	if (from == ERCX_PATH_ER)
		en->failovers++;
	else if (to == ERCX_PATH_ER)
		en->failbacks++;
}

/* Publish the usable mask and record a change of the active path */
static void ercx_paths_commit(struct ercx_net *en, u8 reason)
{
	u8 prev = en->active;

	lockdep_assert_held(&en->lock);

	WRITE_ONCE(en->usable, ercx_sm_usable(&en->sm));
	en->active = ercx_sm_active(&en->sm);
	if (en->active == prev)
		return;
	ercx_transition(en, prev, en->active, reason);
	ercx_event(en, ERCX_EVENT_ACTIVE_PATH, prev, reason, 0);
}

/**
 * ercx_paths_failback_ms() - the failback delay in force now
 * @en: the namespace's state
 *
 * The policy's delay (0 without a policy) grown by the dampening penalty,
 * after applying the decay due now.
 *
 * Context: Process context, en->lock held.
 * Return: the effective failback delay in milliseconds.
 */
u32 ercx_paths_failback_ms(struct ercx_net *en)
{
	const struct ercx_policy *pol = ercx_policy_locked(en);

	lockdep_assert_held(&en->lock);
	ercx_damp_decay(&en->damp, ktime_get_ns());
	return ercx_damp_delay(&en->damp, pol ? pol->failback_delay_ms : 0);
}

/*
 * ER is usable again: it waits for the failback delay, if any.  Called
 * again (restarting the wait) when a probe to ER is missed meanwhile: ER
 * must answer continuously for the whole delay.
 */
static void ercx_er_pending(struct ercx_net *en)
{
	u32 delay = ercx_paths_failback_ms(en);

	ercx_sm_er_wait(&en->sm, ktime_get_ns(), delay);
	if (en->sm.er_pending)
		mod_delayed_work(system_wq, &en->failback_work,
				 msecs_to_jiffies(delay));
}

static void ercx_er_not_pending(struct ercx_net *en)
{
	ercx_sm_er_cancel(&en->sm);
	/*
	 * Not _sync (we hold en->lock, which the work takes): a work already
	 * running finds the wait cancelled or, if ER came back meanwhile, its
	 * new deadline not yet reached (ercx_sm_failback_due).
	 */
	cancel_delayed_work(&en->failback_work);
}

/*
 * Set the device state of path @p and derive the path's state: down for the
 * device's reason, else down when the probes time out, else up.  @fresh:
 * the device is new to the policy, so ER coming up is not a failback and
 * does not wait.  Returns true when the path's state changed.
 */
static bool ercx_path_set(struct ercx_net *en, int p, u8 dev_state,
			  u8 dev_reason, bool fresh)
{
	struct ercx_pstate *ps = &en->path[p];
	bool was_up = en->sm.link_up[p];
	u8 state = dev_state, reason = dev_reason;
	bool up;

	ps->dev_state = dev_state;
	ps->dev_reason = dev_reason;
	if (state == ERCX_STATE_UP && ps->probe_down) {
		state = ERCX_STATE_DOWN;
		reason = ERCX_REASON_PROBE_TIMEOUT;
	}
	up = state == ERCX_STATE_UP;
	if (ps->state == state && ps->reason == reason && was_up == up)
		return false;

	ps->state = state;
	ps->reason = reason;
	ps->since_ns = ercx_now_ns();
	en->sm.link_up[p] = up;

	if (p == ERCX_PATH_ER) {
		if (!up)
			ercx_er_not_pending(en);
		else if (!was_up && !fresh && en->sm.mode == ERCX_MODE_AUTO)
			ercx_er_pending(en);
		/* a flap: ER was up and went down (dampening) */
		if (was_up && !up)
			ercx_damp_flap(&en->damp, ktime_get_ns());
	}
	ercx_event(en, ERCX_EVENT_PATH_STATE, p, reason, 0);
	return true;
}

/**
 * ercx_paths_probe_changed() - the probes of a path changed their verdict
 * @en: the namespace's state
 * @p: the path, %ERCX_PATH_ER or %ERCX_PATH_VPN
 *
 * Re-derives the path's state from its device's and the probes' verdict
 * and, when it changed, the usable mask and the active path.  Does nothing
 * without a policy or in a dying namespace.
 *
 * Context: Process context (the probe work), en->lock held.
 */
void ercx_paths_probe_changed(struct ercx_net *en, int p)
{
	struct ercx_pstate *ps = &en->path[p];

	lockdep_assert_held(&en->lock);
	if (!ercx_policy_locked(en) || en->dying)
		return;
	if (ercx_path_set(en, p, ps->dev_state, ps->dev_reason, false))
		ercx_paths_commit(en, en->path[p].reason);
}

/**
 * ercx_paths_probe_missed() - a probe of a path went unanswered
 * @en: the namespace's state
 * @p: the path, %ERCX_PATH_ER or %ERCX_PATH_VPN
 *
 * A pending failback of ER starts its wait again: ER must answer
 * continuously for the whole delay.
 *
 * Context: Process context (the probe work), en->lock held.
 */
void ercx_paths_probe_missed(struct ercx_net *en, int p)
{
	lockdep_assert_held(&en->lock);
	if (p == ERCX_PATH_ER && en->sm.er_pending)
		ercx_er_pending(en);
}

static void ercx_failback_work(struct work_struct *work)
{
	struct ercx_net *en = container_of(to_delayed_work(work),
					   struct ercx_net, failback_work);

	u64 now;

	mutex_lock(&en->lock);
	now = ktime_get_ns();
	if (en->dying) {
		mutex_unlock(&en->lock);
		return;
	}
	if (ercx_sm_failback_due(&en->sm, now)) {
		ercx_paths_commit(en, ERCX_REASON_FAILBACK);
	} else if (en->sm.er_pending &&
		   !delayed_work_pending(&en->failback_work)) {
		/* early by a jiffy's rounding: wait for the rest */
		mod_delayed_work(system_wq, &en->failback_work,
				 nsecs_to_jiffies(en->sm.er_due_ns - now) + 1);
	}
	mutex_unlock(&en->lock);
}

/*
 * The device of path @p is up (@state) but lost its carrier since the
 * notifier last looked: it came back before linkwatch told us.  Record the
 * loss as a down (committed as a carrier loss, the packet path having
 * already left the path) so that the up that follows is a failback like any
 * other: it waits for the delay, and the flap counts for the dampening.
 * Returns true when it changed the path's state.
 */
static bool ercx_carrier_flapped(struct ercx_net *en, int p,
				 const struct net_device *dev, u8 state)
{
	struct ercx_live *l = &en->live[p];
	unsigned int downs = atomic_read(&dev->carrier_down_count);

	if (rcu_access_pointer(l->dev) != dev || downs == l->downs)
		return false;
	WRITE_ONCE(l->downs, downs);
	if (state != ERCX_STATE_UP || en->path[p].dev_state != ERCX_STATE_UP)
		return false;
	if (!ercx_path_set(en, p, ERCX_STATE_DOWN, ERCX_REASON_CARRIER, false))
		return false;
	ercx_paths_commit(en, ERCX_REASON_CARRIER);
	return true;
}

/*
 * NETDEV_UNREGISTER (deleted, or moving out of the namespace), or renamed
 * away from the name of path @p (or the underlay): unbind, the path is down
 * without its device.  Returns true when the path's state changed.
 */
static bool ercx_dev_gone(struct ercx_net *en, int p)
{
	u8 state, reason;

	ercx_live_set(en, p, NULL);
	if (p == ERCX_UNDERLAY)
		return false;
	ercx_dev_state(NULL, &state, &reason);
	return ercx_path_set(en, p, state, reason, false);
}

/* @dev has the name of path @p (or the underlay): bind it, take its state */
static bool ercx_dev_here(struct ercx_net *en, int p,
			  const struct net_device *dev)
{
	bool changed = false;
	u8 state, reason;

	if (p == ERCX_UNDERLAY) {
		ercx_live_set(en, p, dev);
		return false;
	}
	ercx_dev_state(dev, &state, &reason);
	if (ercx_carrier_flapped(en, p, dev, state))
		changed = true;
	ercx_live_set(en, p, dev);
	changed |= ercx_path_set(en, p, state, reason, false);
	return changed;
}

static int ercx_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ercx_net *en = container_of(nb, struct ercx_net, netdev_nb);
	const struct ercx_path_cfg *cfg;
	const struct ercx_policy *pol;
	bool changed = false, bound, named;
	u8 reason = ERCX_REASON_NONE;
	int p;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGENAME:
	case NETDEV_UNREGISTER:
		break;
	default:
		return NOTIFY_DONE;
	}

	mutex_lock(&en->lock);
	/*
	 * Whatever the policy: the packet path must not see a device once
	 * it is unregistered (its readers are done after the synchronize_net()
	 * that follows this notifier in unregister_netdevice_many(), and in
	 * dev_change_net_namespace())
	 */
	if (event == NETDEV_UNREGISTER)
		for (p = 0; p <= ERCX_PATH_MAX; p++)
			if (rcu_access_pointer(en->live[p].dev) == dev)
				ercx_live_set(en, p, NULL);

	pol = ercx_policy_locked(en);
	if (!pol || en->dying)
		goto out;

	/* the underlay (slot 0) binds and unbinds; ER and VPN have a state */
	for (p = 0; p <= ERCX_PATH_MAX; p++) {
		cfg = ercx_policy_cfg(pol, p);
		if (!cfg)
			continue;
		bound = rcu_access_pointer(en->live[p].dev) == dev;
		/* under RTNL: the name is stable */
		named = !strcmp(dev->name, cfg->ifname);
		if (event == NETDEV_UNREGISTER) {
			if (named || bound) {
				changed |= ercx_dev_gone(en, p);
				reason = ERCX_REASON_NO_DEVICE;
			}
			continue;
		}
		if (bound && !named) {		/* renamed away */
			changed |= ercx_dev_gone(en, p);
			reason = ERCX_REASON_NO_DEVICE;
			continue;
		}
		if (!named)
			continue;
		if (ercx_dev_here(en, p, dev))
			changed = true;
		if (p != ERCX_UNDERLAY)
			reason = en->path[p].dev_reason;
	}
	if (changed)
		ercx_paths_commit(en, reason);
out:
	mutex_unlock(&en->lock);
	return NOTIFY_DONE;
}

/**
 * ercx_paths_policy_changed() - re-derive the paths for a new policy
 * @en: the namespace's state
 * @old: the replaced policy, or NULL
 * @pol: the published policy, or NULL for a flush
 *
 * Paths whose device did not change keep their state, pending failback
 * included (restarted with the new policy's delay).  Another ER device or
 * another failback delay resets the dampening penalty.  A flush takes
 * every path down.  Ends by committing the usable mask and the active path
 * with %ERCX_REASON_POLICY.
 *
 * Context: Process context, en->lock held, after the pointer swap.  Takes
 * and releases the RCU read lock.
 */
void ercx_paths_policy_changed(struct ercx_net *en,
			       const struct ercx_policy *old,
			       const struct ercx_policy *pol)
{
	struct net_device *dev;
	u8 state, reason;
	bool fresh;
	int p;

	lockdep_assert_held(&en->lock);

	/* another ER device or another delay: the penalty starts again */
	if (!pol || !old ||
	    strcmp(old->path[ERCX_PATH_ER].ifname,
		   pol->path[ERCX_PATH_ER].ifname) ||
	    old->failback_delay_ms != pol->failback_delay_ms)
		memset(&en->damp, 0, sizeof(en->damp));

	if (!pol) {
		ercx_er_not_pending(en);
		ercx_live_set(en, ERCX_UNDERLAY, NULL);
		for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
			ercx_live_set(en, p, NULL);
			en->sm.link_up[p] = 0;
			en->path[p].state = ERCX_STATE_DOWN;
			en->path[p].reason = ERCX_REASON_NONE;
			en->path[p].dev_state = ERCX_STATE_DOWN;
			en->path[p].dev_reason = ERCX_REASON_NONE;
			en->path[p].since_ns = ercx_now_ns();
		}
		ercx_paths_commit(en, ERCX_REASON_POLICY);
		return;
	}

	/*
	 * Found, the device was still listed under that name, or unlisted or
	 * renamed within this RCU section: its NETDEV_UNREGISTER or
	 * NETDEV_CHANGENAME, which unbinds it, comes under en->lock, so after
	 * us; and a device registered meanwhile is bound by its
	 * NETDEV_REGISTER, which waits for en->lock too.  So a device found
	 * stays valid after the RCU section while we hold en->lock.
	 */
	rcu_read_lock();
	dev = pol->has_underlay ?
	      dev_get_by_name_rcu(en->net, pol->underlay.ifname) : NULL;
	rcu_read_unlock();
	ercx_live_set(en, ERCX_UNDERLAY, dev);

	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		fresh = !old || strcmp(old->path[p].ifname, pol->path[p].ifname);
		if (fresh) {
			/* Another device: start from a clean state */
			en->sm.link_up[p] = 0;
			en->path[p].reason = ERCX_REASON_NONE;
			if (p == ERCX_PATH_ER)
				ercx_er_not_pending(en);
		}
		rcu_read_lock();
		dev = dev_get_by_name_rcu(en->net, pol->path[p].ifname);
		rcu_read_unlock();
		ercx_dev_state(dev, &state, &reason);
		ercx_live_set(en, p, dev);
		ercx_path_set(en, p, state, reason, fresh);
	}
	/* A pending failback restarts with the new policy's delay */
	if (en->sm.er_pending)
		ercx_er_pending(en);
	ercx_paths_commit(en, ERCX_REASON_POLICY);
}

/**
 * ercx_paths_set_mode() - set the operator's mode (failover or auto)
 * @en: the namespace's state, with a policy
 * @mode: enum ercx_mode
 * @reason: %ERCX_REASON_OPERATOR (%ERCX_CMD_FAILOVER) or %ERCX_REASON_AUTO
 *          (%ERCX_CMD_AUTO), for the events
 *
 * Forcing a path cancels a pending failback; back to auto from forced-vpn,
 * an ER that is up waits for the failback delay.  Sends %ERCX_EVENT_MODE
 * and commits the usable mask and the active path.  Nothing happens when
 * the mode is unchanged.
 *
 * Context: Process context, en->lock held.
 * Return: 0.
 */
int ercx_paths_set_mode(struct ercx_net *en, u8 mode, u8 reason)
{
	u8 old = en->sm.mode;

	lockdep_assert_held(&en->lock);

	if (old == mode)
		return 0;

	en->sm.mode = mode;
	if (mode != ERCX_MODE_AUTO)
		ercx_er_not_pending(en);
	else if (old == ERCX_MODE_FORCED_VPN && en->sm.link_up[ERCX_PATH_ER])
		ercx_er_pending(en);

	ercx_event(en, ERCX_EVENT_MODE, ERCX_PATH_NONE, reason, 0);
	ercx_paths_commit(en, reason);
	return 0;
}

/**
 * ercx_paths_init() - initial path state of a namespace
 * @en: the namespace's state, being initialised
 *
 * Mode auto, no active path, both paths down; sets up the failback work
 * and the netdevice notifier block (registered later, by
 * ercx_paths_track()).
 *
 * Context: Process context, from the namespace's init.
 */
void ercx_paths_init(struct ercx_net *en)
{
	int p;

	en->sm.mode = ERCX_MODE_AUTO;
	en->active = ERCX_PATH_NONE;
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		en->path[p].state = ERCX_STATE_DOWN;
		en->path[p].reason = ERCX_REASON_NONE;
	}
	INIT_DELAYED_WORK(&en->failback_work, ercx_failback_work);
	en->netdev_nb.notifier_call = ercx_netdev_event;
}

/**
 * ercx_paths_track() - follow the namespace's devices
 * @en: the namespace's state
 *
 * Registers the netdevice notifier, from the namespace's first policy on
 * (see ercx_net_setup()).  The registration replays the events of the
 * devices already there.
 *
 * Context: Process context.  Takes RTNL: never call it under en->lock.
 * Return: 0 on success, else the error of
 * register_netdevice_notifier_net().
 */
int ercx_paths_track(struct ercx_net *en)
{
	return register_netdevice_notifier_net(en->net, &en->netdev_nb);
}

/**
 * ercx_paths_exit() - stop following devices and the failback work
 * @en: the namespace's state, en->dying set by pre_exit
 *
 * Nothing reschedules the work once en->dying is set.  No request runs in a
 * dying namespace, so en->set_up is stable here.
 *
 * Context: Process context, from the namespace's exit; takes RTNL and may
 * sleep.  Not under en->lock.
 */
void ercx_paths_exit(struct ercx_net *en)
{
	if (en->set_up)
		unregister_netdevice_notifier_net(en->net, &en->netdev_nb);
	cancel_delayed_work_sync(&en->failback_work);
}
