// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: the state of each network namespace.
 *
 * Allocated by the netns core, initialised without allocating; the first
 * policy sets up what the namespace keeps from then on (ercx_net_setup());
 * exit takes it down in the order the hooks, probes, paths and guard need.
 */

#include <net/netns/generic.h>

#include "ercoexist.h"

static unsigned int ercx_net_id __read_mostly;

/**
 * ercx_net() - the module's state in a network namespace
 * @net: the namespace
 *
 * Context: Any context.
 * Return: the namespace's struct ercx_net, allocated by the netns core.
 */
struct ercx_net *ercx_net(const struct net *net)
{
	return net_generic(net, ercx_net_id);
}

/*
 * A namespace costs nothing until its first policy: no allocation, no
 * notifier, no RTNL here (ercx_net_setup() does that on the first
 * POLICY_SET).
 */
static int __net_init ercx_net_init(struct net *net)
{
	struct ercx_net *en = ercx_net(net);

	en->net = net;
	mutex_init(&en->setup_lock);
	mutex_init(&en->lock);
	ercx_hooks_init(en);
	ercx_guard_init(en);
	ercx_paths_init(en);
	return 0;
}

/**
 * ercx_net_setup() - the namespace's one-time setup, on its first policy
 * @en: the namespace's state
 * @extack: for the reason of a failure
 *
 * Allocates the per-CPU counters and registers the netdevice notifier, both
 * kept until the namespace dies (flush keeps them).  Does nothing when done
 * before.  On failure nothing changed.
 *
 * Context: Process context.  Takes and releases en->setup_lock and RTNL;
 * must not be called under en->lock, which the notifier takes under RTNL.
 * Return: 0 on success, -ENOMEM without memory for the counters, else the
 * error of registering the notifier.
 */
int ercx_net_setup(struct ercx_net *en, struct netlink_ext_ack *extack)
{
	struct ercx_pcpu_stats __percpu *stats;
	int err = 0;

	mutex_lock(&en->setup_lock);
	if (en->set_up)
		goto out;

	stats = netdev_alloc_pcpu_stats(struct ercx_pcpu_stats);
	if (!stats) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the counters");
		err = -ENOMEM;
		goto out;
	}
	/* No policy yet: the events it replays for the devices are ignored */
	err = ercx_paths_track(en);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot register the netdevice notifier");
		free_percpu(stats);
		goto out;
	}
	/*
	 * Status reads the counters under en->lock; the packet path only
	 * once the hooks are registered, which publishes the pointer.
	 */
	mutex_lock(&en->lock);
	WRITE_ONCE(en->stats, stats);
	mutex_unlock(&en->lock);
	en->set_up = true;
out:
	mutex_unlock(&en->setup_lock);
	return err;
}

/*
 * The hooks go first: the netns core waits for an RCU grace period between
 * pre_exit and exit, so no packet still uses the state that exit frees.
 */
static void __net_exit ercx_net_pre_exit(struct net *net)
{
	struct ercx_net *en = ercx_net(net);

	mutex_lock(&en->lock);
	en->dying = true;
	if (en->hooks_on)
		ercx_hooks_unregister(en);
	mutex_unlock(&en->lock);
}

static void __net_exit ercx_net_exit(struct net *net)
{
	struct ercx_net *en = ercx_net(net);
	struct ercx_policy *pol;

	ercx_probes_exit(en);
	ercx_paths_exit(en);
	ercx_guard_exit(en);

	mutex_lock(&en->lock);
	pol = ercx_policy_locked(en);
	RCU_INIT_POINTER(en->policy, NULL);
	mutex_unlock(&en->lock);

	/* No reader is left (see pre_exit): free at once */
	ercx_policy_free(pol);
	free_percpu(en->stats);		/* NULL without a first policy */
	mutex_destroy(&en->lock);
	mutex_destroy(&en->setup_lock);
}

static struct pernet_operations ercx_net_ops = {
	.init = ercx_net_init,
	.pre_exit = ercx_net_pre_exit,
	.exit = ercx_net_exit,
	.id = &ercx_net_id,
	.size = sizeof(struct ercx_net),
};

/**
 * ercx_netns_init() - give every network namespace its state
 *
 * Context: Process context, from module init.
 * Return: 0 on success, else the error of register_pernet_subsys().
 */
int ercx_netns_init(void)
{
	return register_pernet_subsys(&ercx_net_ops);
}

/**
 * ercx_netns_exit() - take down the state of every network namespace
 *
 * Context: Process context, from module exit, after the family is gone:
 * no request runs any more.
 */
void ercx_netns_exit(void)
{
	unregister_pernet_subsys(&ercx_net_ops);
}
