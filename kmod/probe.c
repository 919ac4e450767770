// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist: liveness probes (Documentation/design.rst, "Liveness probes").
 *
 * A path with a probe interval sends one ICMP echo request per interval to
 * each of its probe targets (IPv4, IPv6; default: the path's gateways) from
 * kernel raw sockets bound to the path's device and marked with the path's
 * fwmark, so they leave by that device whatever the routing table says, and
 * the LOCAL_OUT hooks never steer them.  The path follows its device by
 * name (paths.c): each round binds the sockets to the device bound to the
 * path now, if it changed; while there is none, no probe is sent (each
 * round counts as an error and a miss).  A round is answered when a reply
 * to it arrives before the next round; ProbeMultiplier unanswered rounds in
 * a row take the path down (ERCX_REASON_PROBE_TIMEOUT), an answered round
 * brings it back.
 *
 * Contexts: an hrtimer per path queues the round's work; the work decides
 * under en->lock and sends outside it.  Replies are taken off the socket in
 * its data_ready callback (softirq): no allocation, only the prober's
 * spinlock, which nothing else holds while waiting for anything.
 */

#include <linux/hrtimer.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/math64.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/checksum.h>
#include <net/ipv6.h>
#include <net/raw.h>
#include <net/sock.h>

#include "ercoexist.h"

#define ERCX_P4		0
#define ERCX_P6		1

struct ercx_probe_payload {
	__be64 cookie;
	u64 sent_ns;			/* ktime_get_ns(), echoed back */
};

struct ercx_prober {
	struct ercx_net *en;
	int p;				/* ERCX_PATH_ER or ERCX_PATH_VPN */
	/* what the prober was built from: another config, another prober */
	char ifname[IFNAMSIZ];
	u32 fwmark;
	u32 interval_ms;
	u8 multiplier;
	u8 has;				/* ERCX_HAS_PROBE4 | ERCX_HAS_PROBE6 */
	__be32 dst4;
	struct in6_addr dst6;

	struct socket *sock[2];		/* [ERCX_P4], [ERCX_P6] */
	/* the sockets' own sk_data_ready */
	void (*data_ready[2])(struct sock *sk);
	struct hrtimer timer;
	struct work_struct work;
	__be64 cookie;
	u16 id;

	/* under @lock: the round in flight, counters (softirq and work) */
	spinlock_t lock;
	u16 seq;
	u8 sent;			/* BIT(family) sent in this round */
	u8 answered;			/* BIT(family) answered */
	struct ercx_probe_stats st;
	u64 rtt_n;

	/* the device the sockets are bound to, 0: none; the work's alone */
	int ifindex;

	/* under en->lock */
	bool round;			/* a round was started */
	bool up;			/* the verdict */
	u32 misses;			/* unanswered rounds in a row */
};

/* ---- Receive: softirq, from the raw socket ---- */

static void ercx_probe_answer(struct ercx_prober *pr, int f, u16 id, u16 seq,
			      const struct ercx_probe_payload *pl)
{
	u64 rtt, now = ktime_get_ns();
	u32 us;

	if (id != pr->id || pl->cookie != pr->cookie)
		return;
	spin_lock(&pr->lock);
	if (seq == pr->seq && (pr->sent & BIT(f)) && !(pr->answered & BIT(f))) {
		pr->answered |= BIT(f);
		pr->st.received++;
		rtt = now > pl->sent_ns ? now - pl->sent_ns : 0;
		us = (u32)min_t(u64, div_u64(rtt, NSEC_PER_USEC), U32_MAX);
		pr->st.rtt_last_us = us;
		if (!pr->rtt_n || us < pr->st.rtt_min_us)
			pr->st.rtt_min_us = us;
		if (us > pr->st.rtt_max_us)
			pr->st.rtt_max_us = us;
		pr->st.rtt_sum_ns += rtt;
		pr->rtt_n++;
	}
	spin_unlock(&pr->lock);
}

static void ercx_probe_rx4(struct ercx_prober *pr, struct sk_buff *skb)
{
	struct {
		struct icmphdr h;
		struct ercx_probe_payload pl;
	} _m, *m;
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->saddr != pr->dst4)
		return;
	m = skb_header_pointer(skb, skb_transport_offset(skb), sizeof(_m), &_m);
	if (m && m->h.type == ICMP_ECHOREPLY && !m->h.code)
		ercx_probe_answer(pr, ERCX_P4, ntohs(m->h.un.echo.id),
				  ntohs(m->h.un.echo.sequence), &m->pl);
}

static void ercx_probe_rx6(struct ercx_prober *pr, struct sk_buff *skb)
{
	struct {
		struct icmp6hdr h;
		struct ercx_probe_payload pl;
	} _m, *m;

	if (!ipv6_addr_equal(&ipv6_hdr(skb)->saddr, &pr->dst6))
		return;
	m = skb_header_pointer(skb, skb_transport_offset(skb), sizeof(_m), &_m);
	if (m && m->h.icmp6_type == ICMPV6_ECHO_REPLY && !m->h.icmp6_code)
		ercx_probe_answer(pr, ERCX_P6, ntohs(m->h.icmp6_identifier),
				  ntohs(m->h.icmp6_sequence), &m->pl);
}

/*
 * sk_data_ready of the probe sockets: the raw socket just queued a reply
 * (filtered to echo replies).  Take everything off the queue now; nothing
 * else reads these sockets.  sk_callback_lock orders this against
 * ercx_probe_sock_release(), which clears sk_user_data under it.
 */
static void ercx_probe_data_ready(struct sock *sk)
{
	struct ercx_prober *pr;
	struct sk_buff *skb;

	read_lock_bh(&sk->sk_callback_lock);
	pr = sk->sk_user_data;
	while ((skb = skb_dequeue(&sk->sk_receive_queue))) {
		if (pr && sk->sk_family == AF_INET)
			ercx_probe_rx4(pr, skb);
		else if (pr)
			ercx_probe_rx6(pr, skb);
		consume_skb(skb);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/* ---- Send: process context (work) ---- */

static int ercx_probe_send4(struct ercx_prober *pr, u16 seq, u64 now)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = pr->dst4,
	};
	struct {
		struct icmphdr h;
		struct ercx_probe_payload pl;
	} m = {
		.h.type = ICMP_ECHO,
		.h.un.echo.id = htons(pr->id),
		.h.un.echo.sequence = htons(seq),
		.pl.cookie = pr->cookie,
		.pl.sent_ns = now,
	};
	struct msghdr msg = {
		.msg_name = &sin,
		.msg_namelen = sizeof(sin),
		.msg_flags = MSG_DONTWAIT,
	};
	struct kvec iov = { .iov_base = &m, .iov_len = sizeof(m) };

	m.h.checksum = ip_compute_csum(&m, sizeof(m));
	return kernel_sendmsg(pr->sock[ERCX_P4], &msg, &iov, 1, sizeof(m));
}

static int ercx_probe_send6(struct ercx_prober *pr, u16 seq, u64 now)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_addr = pr->dst6,
		.sin6_scope_id = pr->ifindex,
	};
	struct {
		struct icmp6hdr h;
		struct ercx_probe_payload pl;
	} m = {
		.h.icmp6_type = ICMPV6_ECHO_REQUEST,
		.h.icmp6_identifier = htons(pr->id),
		.h.icmp6_sequence = htons(seq),
		.pl.cookie = pr->cookie,
		.pl.sent_ns = now,
	};
	struct msghdr msg = {
		.msg_name = &sin6,
		.msg_namelen = sizeof(sin6),
		.msg_flags = MSG_DONTWAIT,
	};
	struct kvec iov = { .iov_base = &m, .iov_len = sizeof(m) };

	/* the kernel computes the ICMPv6 checksum of raw ICMPv6 sockets */
	return kernel_sendmsg(pr->sock[ERCX_P6], &msg, &iov, 1, sizeof(m));
}

/* Start a round: one request per target */
static void ercx_probe_send(struct ercx_prober *pr)
{
	u64 now = ktime_get_ns();
	int f, err;
	u16 seq;

	spin_lock_bh(&pr->lock);
	seq = ++pr->seq;
	pr->answered = 0;
	/* before sending: a reply may come back before kernel_sendmsg returns */
	pr->sent = (pr->sock[ERCX_P4] ? BIT(ERCX_P4) : 0) |
		   (pr->sock[ERCX_P6] ? BIT(ERCX_P6) : 0);
	spin_unlock_bh(&pr->lock);

	for (f = 0; f < 2; f++) {
		if (!pr->sock[f])
			continue;
		if (!pr->ifindex)
			err = -ENODEV;	/* the path has no device now */
		else
			err = f == ERCX_P4 ? ercx_probe_send4(pr, seq, now) :
					     ercx_probe_send6(pr, seq, now);
		spin_lock_bh(&pr->lock);
		if (err < 0) {
			pr->st.errors++;
			if (pr->seq == seq)
				pr->sent &= ~BIT(f);
		} else {
			pr->st.sent++;
		}
		spin_unlock_bh(&pr->lock);
	}
}

/* End the round in flight: answered or missed.  Under en->lock. */
static void ercx_probe_verdict(struct ercx_prober *pr)
{
	struct ercx_net *en = pr->en;
	u8 sent, answered;

	lockdep_assert_held(&en->lock);
	if (!pr->round) {
		pr->round = true;
		return;
	}
	spin_lock_bh(&pr->lock);
	sent = pr->sent;
	answered = pr->answered;
	pr->st.lost += hweight8(sent & ~answered);
	pr->sent = 0;		/* late replies to this round are ignored */
	spin_unlock_bh(&pr->lock);

	if (answered) {
		pr->misses = 0;
		if (!pr->up) {
			pr->up = true;
			en->path[pr->p].probe_down = false;
			ercx_event(en, ERCX_EVENT_PROBE, pr->p, ERCX_REASON_UP, 0);
			ercx_paths_probe_changed(en, pr->p);
		}
		return;
	}
	/* nothing sent (device down, no route) is a miss too */
	if (pr->misses < U32_MAX)
		pr->misses++;
	if (pr->up && pr->misses >= pr->multiplier) {
		pr->up = false;
		en->path[pr->p].probe_down = true;
		ercx_event(en, ERCX_EVENT_PROBE, pr->p,
			   ERCX_REASON_PROBE_TIMEOUT, 0);
		ercx_paths_probe_changed(en, pr->p);
	} else {
		ercx_paths_probe_missed(en, pr->p);
	}
}

/*
 * Bind the sockets to @ifindex, the device bound to the path by name now
 * (0: none, then the sockets keep their binding and nothing is sent)
 */
static void ercx_probe_rebind(struct ercx_prober *pr, int ifindex)
{
	int f;

	if (pr->ifindex == ifindex)
		return;
	for (f = 0; f < 2; f++)
		if (ifindex && pr->sock[f])
			sock_bindtoindex(pr->sock[f]->sk, ifindex, true);
	pr->ifindex = ifindex;
}

static void ercx_probe_work(struct work_struct *work)
{
	struct ercx_prober *pr = container_of(work, struct ercx_prober, work);
	struct ercx_net *en = pr->en;
	int ifindex;

	mutex_lock(&en->lock);
	if (en->dying || en->prober[pr->p] != pr) {
		/* replaced or going away: its owner cancels us */
		mutex_unlock(&en->lock);
		return;
	}
	ercx_probe_verdict(pr);
	ifindex = ercx_paths_bound_ifindex(en, pr->p);
	mutex_unlock(&en->lock);
	ercx_probe_rebind(pr, ifindex);
	ercx_probe_send(pr);
}

static enum hrtimer_restart ercx_probe_timer(struct hrtimer *t)
{
	struct ercx_prober *pr = container_of(t, struct ercx_prober, timer);

	/* a round still queued (slow system) is not queued twice */
	queue_work(system_highpri_wq, &pr->work);
	hrtimer_forward_now(t, ms_to_ktime(pr->interval_ms));
	return HRTIMER_RESTART;
}

/* ---- Setup and teardown: process context ---- */

static void ercx_probe_sock_release(struct ercx_prober *pr, int f)
{
	struct socket *sock = pr->sock[f];
	struct sock *sk;

	if (!sock)
		return;
	sk = sock->sk;
	/* after this, no callback of ours runs or looks at @pr */
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = pr->data_ready[f];
	write_unlock_bh(&sk->sk_callback_lock);
	sock_release(sock);
	pr->sock[f] = NULL;
}

static int ercx_probe_sock(struct ercx_prober *pr, int f)
{
	struct socket *sock;
	struct sock *sk;
	int err;

	err = sock_create_kern(pr->en->net, f == ERCX_P4 ? AF_INET : AF_INET6,
			       SOCK_RAW, f == ERCX_P4 ? IPPROTO_ICMP :
			       IPPROTO_ICMPV6, &sock);
	if (err)
		return err;
	sk = sock->sk;
	err = sock_bindtoindex(sk, pr->ifindex, true);
	if (err) {
		sock_release(sock);
		return err;
	}
	sock_set_mark(sk, pr->fwmark);

	lock_sock(sk);
	/* only echo replies reach the socket (a set bit blocks a type) */
	if (f == ERCX_P4) {
		raw_sk(sk)->filter.data = ~(u32)BIT(ICMP_ECHOREPLY);
	} else {
		memset(&raw6_sk(sk)->filter, 0xff, sizeof(raw6_sk(sk)->filter));
		raw6_sk(sk)->filter.data[ICMPV6_ECHO_REPLY >> 5] &=
			~(u32)BIT(ICMPV6_ECHO_REPLY & 31);
	}
	release_sock(sk);

	write_lock_bh(&sk->sk_callback_lock);
	pr->data_ready[f] = sk->sk_data_ready;
	sk->sk_user_data = pr;
	sk->sk_data_ready = ercx_probe_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	pr->sock[f] = sock;
	return 0;
}

/* The prober @pol asks for on path @p (targets default to the gateways) */
static void ercx_probe_want(const struct ercx_policy *pol, int p,
			    struct ercx_prober *w)
{
	const struct ercx_path_cfg *cfg = &pol->path[p];

	memset(w, 0, sizeof(*w));
	w->p = p;
	strscpy(w->ifname, cfg->ifname, sizeof(w->ifname));
	w->fwmark = cfg->fwmark;
	w->interval_ms = cfg->probe_interval_ms;
	w->multiplier = cfg->probe_multiplier ? cfg->probe_multiplier : 1;
	if (cfg->has & ERCX_HAS_PROBE4) {
		w->dst4 = cfg->probe4;
		w->has |= ERCX_HAS_PROBE4;
	} else if (cfg->has & ERCX_HAS_GW4) {
		w->dst4 = cfg->gw4;
		w->has |= ERCX_HAS_PROBE4;
	}
	if (cfg->has & ERCX_HAS_PROBE6) {
		w->dst6 = cfg->probe6;
		w->has |= ERCX_HAS_PROBE6;
	} else if (cfg->has & ERCX_HAS_GW6) {
		w->dst6 = cfg->gw6;
		w->has |= ERCX_HAS_PROBE6;
	}
}

static bool ercx_probe_same(const struct ercx_prober *a,
			    const struct ercx_prober *b)
{
	return !strcmp(a->ifname, b->ifname) && a->fwmark == b->fwmark &&
	       a->interval_ms == b->interval_ms &&
	       a->multiplier == b->multiplier && a->has == b->has &&
	       a->dst4 == b->dst4 && ipv6_addr_equal(&a->dst6, &b->dst6);
}

static void ercx_prober_free(struct ercx_prober *pr)
{
	int f;

	if (!pr)
		return;
	/* the timer queues the work, the work never arms the timer */
	hrtimer_cancel(&pr->timer);
	cancel_work_sync(&pr->work);
	for (f = 0; f < 2; f++)
		ercx_probe_sock_release(pr, f);
	kfree(pr);
}

static struct ercx_prober *ercx_prober_new(struct ercx_net *en,
					   const struct ercx_prober *want,
					   struct netlink_ext_ack *extack)
{
	struct ercx_prober *pr;
	struct net_device *dev;
	int err = 0;

	pr = kmemdup(want, sizeof(*want), GFP_KERNEL_ACCOUNT);
	if (!pr) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the probes");
		return ERR_PTR(-ENOMEM);
	}
	pr->en = en;
	/* the device of the name now; each round follows the path's binding */
	rcu_read_lock();
	dev = dev_get_by_name_rcu(en->net, pr->ifname);
	pr->ifindex = dev ? dev->ifindex : 0;
	rcu_read_unlock();
	pr->up = true;		/* until ProbeMultiplier misses say otherwise */
	pr->st.state = ERCX_STATE_UP;
	pr->id = (u16)get_random_u32();
	pr->cookie = (__force __be64)get_random_u64();
	spin_lock_init(&pr->lock);
	INIT_WORK(&pr->work, ercx_probe_work);
	hrtimer_init(&pr->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	pr->timer.function = ercx_probe_timer;

	if (pr->has & ERCX_HAS_PROBE4)
		err = ercx_probe_sock(pr, ERCX_P4);
	if (!err && (pr->has & ERCX_HAS_PROBE6))
		err = ercx_probe_sock(pr, ERCX_P6);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot open the probe sockets");
		ercx_prober_free(pr);
		return ERR_PTR(err);
	}
	return pr;
}

/**
 * ercx_probes_prepare() - build the probers a new policy needs
 * @en: the namespace's state
 * @pol: the policy about to be published
 * @newp: receives a prober per path (ERCX_PATH_MAX + 1 entries, by enum
 *        ercx_path), NULL for a path that does not probe
 * @extack: for the reason of a failure
 *
 * A path whose probe configuration did not change keeps its prober, state
 * and counters; with other settings but the same device the new prober
 * inherits the verdict, so a path found dead stays down until a probe is
 * answered.  New probers are not started: ercx_probes_commit() does that.
 * On error nothing changed.
 *
 * Context: Process context, en->lock held, before the policy is published;
 * allocates and opens kernel sockets.
 * Return: 0 on success; -EINVAL when a probing path has no target,
 * -ENOMEM, or the error of opening a socket.
 */
int ercx_probes_prepare(struct ercx_net *en, const struct ercx_policy *pol,
			struct ercx_prober **newp, struct netlink_ext_ack *extack)
{
	struct ercx_prober want, *cur;
	int p, err = -EINVAL;

	lockdep_assert_held(&en->lock);
	for (p = 0; p <= ERCX_PATH_MAX; p++)
		newp[p] = NULL;
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		if (!pol || !pol->path[p].probe_interval_ms)
			continue;
		ercx_probe_want(pol, p, &want);
		if (!want.has) {
			NL_SET_ERR_MSG_MOD(extack,
					   "probes need a target: a probe address or a gateway");
			goto fail;
		}
		cur = en->prober[p];
		if (cur && ercx_probe_same(cur, &want)) {
			newp[p] = cur;
			continue;
		}
		newp[p] = ercx_prober_new(en, &want, extack);
		if (IS_ERR(newp[p])) {
			err = PTR_ERR(newp[p]);
			newp[p] = NULL;
			goto fail;
		}
		/*
		 * Other settings, same device: the verdict carries over, so a
		 * path found dead stays down until a probe is answered
		 */
		if (cur && !strcmp(cur->ifname, want.ifname)) {
			newp[p]->up = cur->up;
			newp[p]->misses = cur->up ? 0 : want.multiplier;
		}
	}
	return 0;
fail:
	ercx_probes_abort(en, newp);
	return err;
}

/**
 * ercx_probes_abort() - drop what ercx_probes_prepare() built
 * @en: the namespace's state
 * @newp: the probers it built, for a policy that was not published; all
 *        NULL afterwards
 *
 * Probers kept from the current policy stay.
 *
 * Context: Process context, en->lock held.  The new probers never started,
 * so nothing they run waits for en->lock.
 */
void ercx_probes_abort(struct ercx_net *en, struct ercx_prober **newp)
{
	int p;

	lockdep_assert_held(&en->lock);
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		/* never started: nothing waits for en->lock */
		if (newp[p] && newp[p] != en->prober[p])
			ercx_prober_free(newp[p]);
		newp[p] = NULL;
	}
}

/**
 * ercx_probes_commit() - install the probers of the published policy
 * @en: the namespace's state
 * @newp: from ercx_probes_prepare(), or NULL to stop probing
 * @oldp: receives the replaced probers (ERCX_PATH_MAX + 1 entries, NULL
 *        where kept), for ercx_probes_free() once en->lock is released
 *
 * Publishes the probe sockets to the LOCAL_OUT hooks, the new probers'
 * verdicts to the path state (en->path[].probe_down) and starts the first
 * round of each new prober right away.  The caller then re-evaluates the
 * paths.
 *
 * Context: Process context, en->lock held.
 */
void ercx_probes_commit(struct ercx_net *en, struct ercx_prober **newp,
			struct ercx_prober **oldp)
{
	struct ercx_prober *pr;
	int p, f;

	lockdep_assert_held(&en->lock);
	for (p = 0; p <= ERCX_PATH_MAX; p++)
		oldp[p] = NULL;
	for (p = ERCX_PATH_ER; p <= ERCX_PATH_MAX; p++) {
		pr = newp ? newp[p] : NULL;
		if (en->prober[p] == pr)
			continue;	/* kept, running */
		oldp[p] = en->prober[p];
		en->prober[p] = pr;
		en->path[p].probe_down = pr && !pr->up;
		for (f = 0; f < 2; f++)
			WRITE_ONCE(en->probe_sk[p][f],
				   pr && pr->sock[f] ? pr->sock[f]->sk : NULL);
		/* a new one: its first round right away */
		if (pr)
			hrtimer_start(&pr->timer, 0, HRTIMER_MODE_REL);
	}
}

/**
 * ercx_probes_free() - stop and free probers
 * @probers: ERCX_PATH_MAX + 1 entries from ercx_probes_commit(), each may
 *           be NULL; all NULL afterwards
 *
 * Context: Process context; sleeps while the timers and the works finish.
 * Not under en->lock, which the probe work takes.
 */
void ercx_probes_free(struct ercx_prober **probers)
{
	int p;

	for (p = 0; p <= ERCX_PATH_MAX; p++) {
		ercx_prober_free(probers[p]);
		probers[p] = NULL;
	}
}

/**
 * ercx_probe_stats() - a snapshot of a path's probe counters
 * @en: the namespace's state
 * @p: the path, %ERCX_PATH_ER or %ERCX_PATH_VPN
 * @st: receives the counters, the verdict and the average round trip
 *
 * Context: Process context, en->lock held.  Takes and releases the
 * prober's spinlock, BH-safe.
 * Return: true with @st filled, false when the path does not probe.
 */
bool ercx_probe_stats(struct ercx_net *en, int p, struct ercx_probe_stats *st)
{
	struct ercx_prober *pr = en->prober[p];
	u64 n;

	lockdep_assert_held(&en->lock);
	if (!pr)
		return false;
	spin_lock_bh(&pr->lock);
	*st = pr->st;
	n = pr->rtt_n;
	spin_unlock_bh(&pr->lock);
	st->state = pr->up ? ERCX_STATE_UP : ERCX_STATE_DOWN;
	st->rtt_avg_us = n ? (u32)min_t(u64, div64_u64(st->rtt_sum_ns, n) /
					NSEC_PER_USEC, U32_MAX) : 0;
	return true;
}

/**
 * ercx_probes_exit() - stop every prober of a dying namespace
 * @en: the namespace's state, en->dying set
 *
 * Context: Process context, from the namespace's exit.  Takes and releases
 * en->lock; sleeps while the probers stop.
 */
void ercx_probes_exit(struct ercx_net *en)
{
	struct ercx_prober *old[ERCX_PATH_MAX + 1];

	mutex_lock(&en->lock);
	ercx_probes_commit(en, NULL, old);
	mutex_unlock(&en->lock);
	ercx_probes_free(old);
}
