// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist generic netlink selftest.
 *
 * Drives the "ercoexist" family with libnl-genl-3, an encoder independent of
 * ercoexistctl's libmnl code, and checks the kernel against
 * include/uapi/linux/ercoexist.h and Documentation/design.rst.
 *
 * Runs as root inside a network namespace holding two dummy devices that are
 * up (selftests/genl/run.sh makes it): $ERCX_GENL_ER (default ercxer0) for
 * ExpressRoute and $ERCX_GENL_VPN (default ercxvpn0) for the VPN.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/ercoexist.h>

#include "kselftest_harness.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ------------------------------------------------------------------------ */
/* Transport                                                                 */

struct result {
	int error;		/* 0, or the kernel's negative errno */
	int done;
	int nmsgs;		/* valid messages seen */
	int intr;		/* NLM_F_DUMP_INTR seen */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	int bad_type;		/* type of the attribute NLMSGERR_ATTR_OFFS
				 * points to in the request, or -1 */
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	unsigned char req[4096];	/* the request, for NLMSGERR_ATTR_OFFS */
	size_t req_len;
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static const char *er_name(void)
{
	const char *s = getenv("ERCX_GENL_ER");

	return s ? s : "ercxer0";
}

static const char *vpn_name(void)
{
	const char *s = getenv("ERCX_GENL_VPN");

	return s ? s : "ercxvpn0";
}

static struct nl_sock *ercx_socket(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	/* Requests of thousands of prefixes exceed libnl's default buffers */
	nl_socket_set_buffer_size(sk, 1 << 21, 1 << 21);
	nl_socket_enable_msg_peek(sk);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	*family = genl_ctrl_resolve(sk, ERCX_GENL_NAME);
	if (*family < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	r->nmsgs++;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = 1;
	if (r->parse)
		r->parse(nlh, r->arg);
	return NL_OK;
}

static int cb_done(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;

	(void)msg;
	r->done = 1;
	return NL_STOP;
}

static int cb_intr(struct nl_msg *msg, void *arg)
{
	struct result *r = arg;

	(void)msg;
	r->intr = 1;
	return NL_OK;
}

/* Capture the errno and the extended ACK of an NLMSG_ERROR */
static int cb_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct result *r = arg;
	struct nlattr *a;
	size_t off;
	int len, rem;

	(void)nla;
	r->error = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return NL_STOP;
	nla_for_each_attr(a, (struct nlattr *)((char *)e + off), len, rem) {
		switch (nla_type(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(r->msg, sizeof(r->msg), "%.*s",
				 (int)strnlen(nla_data(a), nla_len(a)),
				 (char *)nla_data(a));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(a) >= 4)
				r->miss_type = (int)nla_get_u32(a);
			break;
		case NLMSGERR_ATTR_OFFS:
			/* offset of the bad attribute in the request */
			if (nla_len(a) >= 4 &&
			    nla_get_u32(a) + sizeof(struct nlattr) <= r->req_len)
				r->bad_type = ((struct nlattr *)(r->req +
					nla_get_u32(a)))->nla_type & NLA_TYPE_MASK;
			break;
		}
	}
	return NL_STOP;
}

/* Send @msg (consumed) and collect the answer into @r */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct result *r)
{
	struct nl_cb *cb;
	int ret;

	r->error = 0;
	r->done = 0;
	r->nmsgs = 0;
	r->intr = 0;
	r->miss_type = -1;
	r->bad_type = -1;
	r->msg[0] = 0;
	r->req_len = nlmsg_hdr(msg)->nlmsg_len;
	if (r->req_len > sizeof(r->req))
		r->req_len = 0;		/* too big to keep: no bad_type */
	memcpy(r->req, nlmsg_hdr(msg), r->req_len);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return r->error = -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_done, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_done, r);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, cb_intr, r);
	nl_cb_err(cb, NL_CB_CUSTOM, cb_err, r);

	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		snprintf(r->msg, sizeof(r->msg), "send: %s", nl_geterror(ret));
		return r->error = -EIO;
	}
	while (!r->done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r->done) {
			snprintf(r->msg, sizeof(r->msg), "recv: %s",
				 nl_geterror(ret));
			r->error = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r->error;
}

static struct nl_msg *new_msg(int family, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 20);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, ERCX_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Strict validation wants NLA_F_NESTED; libnl does not set it */
static struct nlattr *nest_start(struct nl_msg *msg, int type)
{
	struct nlattr *n = nla_nest_start(msg, type);

	if (n)
		n->nla_type |= NLA_F_NESTED;
	return n;
}

/* A command without attributes */
static int simple_cmd(struct nl_sock *sk, int family, int cmd,
		      struct result *r)
{
	return transact(sk, new_msg(family, cmd, 0), r);
}

static int failover_cmd(struct nl_sock *sk, int family, int path,
			struct result *r)
{
	struct nl_msg *msg = new_msg(family, ERCX_CMD_FAILOVER, 0);

	nla_put_u8(msg, ERCX_A_PATH, path);
	return transact(sk, msg, r);
}

/* ------------------------------------------------------------------------ */
/* Policy building                                                           */

static void put_path(struct nl_msg *msg, int type, int ifindex)
{
	struct nlattr *n = nest_start(msg, type);

	nla_put_u32(msg, ERCX_PATH_A_IFINDEX, ifindex);
	nla_nest_end(msg, n);
}

static void put_pfx4(struct nl_msg *msg, const char *addr, int plen, int via)
{
	struct nlattr *n = nest_start(msg, ERCX_A_PREFIX);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	nla_put(msg, ERCX_PFX_A_ADDR4, 4, &a);
	nla_put_u8(msg, ERCX_PFX_A_PLEN, plen);
	nla_put_u8(msg, ERCX_PFX_A_VIA, via);
	nla_nest_end(msg, n);
}

static void put_pfx6(struct nl_msg *msg, const char *addr, int plen, int via)
{
	struct nlattr *n = nest_start(msg, ERCX_A_PREFIX);
	struct in6_addr a;

	inet_pton(AF_INET6, addr, &a);
	nla_put(msg, ERCX_PFX_A_ADDR6, 16, &a);
	nla_put_u8(msg, ERCX_PFX_A_PLEN, plen);
	nla_put_u8(msg, ERCX_PFX_A_VIA, via);
	nla_nest_end(msg, n);
}

/* The baseline policy of most tests: 3 prefixes, MSS 1300 */
#define BASE_PREFIXES	3
#define BASE_MSS	1300

static void put_base(struct nl_msg *msg, int er, int vpn)
{
	put_path(msg, ERCX_A_PATH_ER, er);
	put_path(msg, ERCX_A_PATH_VPN, vpn);
	nla_put_u16(msg, ERCX_A_MSS, BASE_MSS);
	nla_put_u32(msg, ERCX_A_FAILBACK_DELAY_MS, 0);
	put_pfx4(msg, "10.17.0.0", 16, ERCX_VIA_ALL);
	put_pfx4(msg, "10.40.0.0", 24, ERCX_VIA_VPN);
	put_pfx6(msg, "2001:db8:17::", 48, ERCX_VIA_ER);
}

static int set_base(struct nl_sock *sk, int family, int er, int vpn,
		    struct result *r)
{
	struct nl_msg *msg = new_msg(family, ERCX_CMD_POLICY_SET, 0);

	put_base(msg, er, vpn);
	return transact(sk, msg, r);
}

/* ------------------------------------------------------------------------ */
/* Reply parsing                                                             */

struct path_info {
	int present;
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	int has_state, state, has_reason, reason;
	int has_tx;
	uint32_t fwmark, table;
	int has_fwmark, has_table;
};

struct policy_info {
	int mss, mss6, mss_scope, nopath;	/* -1: absent */
	int64_t failback, fwmask, generation, prefix_count, transit;
	struct path_info er, vpn, underlay;
	int loaded, mode, active;		/* status only */
	int has_stats;
	int64_t failovers, failbacks;
	int ntrans;
	int last_from, last_to, last_reason;
};

static void parse_path(struct nlattr *nest, struct path_info *p)
{
	struct nlattr *tb[ERCX_PATH_A_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (nla_parse_nested(tb, ERCX_PATH_A_MAX, nest, NULL))
		return;
	p->present = 1;
	if (tb[ERCX_PATH_A_IFINDEX])
		p->ifindex = nla_get_u32(tb[ERCX_PATH_A_IFINDEX]);
	if (tb[ERCX_PATH_A_IFNAME])
		nla_strlcpy(p->ifname, tb[ERCX_PATH_A_IFNAME], IFNAMSIZ);
	if (tb[ERCX_PATH_A_STATE]) {
		p->has_state = 1;
		p->state = nla_get_u8(tb[ERCX_PATH_A_STATE]);
	}
	if (tb[ERCX_PATH_A_REASON]) {
		p->has_reason = 1;
		p->reason = nla_get_u8(tb[ERCX_PATH_A_REASON]);
	}
	p->has_tx = tb[ERCX_PATH_A_TX_PACKETS] && tb[ERCX_PATH_A_TX_BYTES];
	if (tb[ERCX_PATH_A_FWMARK]) {
		p->has_fwmark = 1;
		p->fwmark = nla_get_u32(tb[ERCX_PATH_A_FWMARK]);
	}
	if (tb[ERCX_PATH_A_TABLE]) {
		p->has_table = 1;
		p->table = nla_get_u32(tb[ERCX_PATH_A_TABLE]);
	}
}

static int parse_policy(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[ERCX_A_MAX + 1];
	struct policy_info *pi = arg;
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, ERCX_A_MAX, NULL))
		return NL_SKIP;
#define U(attr, field, get) pi->field = tb[attr] ? (int64_t)get(tb[attr]) : -1
	U(ERCX_A_MSS, mss, nla_get_u16);
	U(ERCX_A_MSS6, mss6, nla_get_u16);
	U(ERCX_A_MSS_SCOPE, mss_scope, nla_get_u8);
	U(ERCX_A_NOPATH, nopath, nla_get_u8);
	U(ERCX_A_FAILBACK_DELAY_MS, failback, nla_get_u32);
	U(ERCX_A_FWMASK, fwmask, nla_get_u32);
	U(ERCX_A_TRANSIT, transit, nla_get_u8);
	U(ERCX_A_GENERATION, generation, nla_get_u32);
	U(ERCX_A_PREFIX_COUNT, prefix_count, nla_get_u32);
	U(ERCX_A_MODE, mode, nla_get_u8);
	U(ERCX_A_ACTIVE_PATH, active, nla_get_u8);
#undef U
	pi->loaded = !!tb[ERCX_A_POLICY_LOADED];
	if (tb[ERCX_A_PATH_ER])
		parse_path(tb[ERCX_A_PATH_ER], &pi->er);
	if (tb[ERCX_A_PATH_VPN])
		parse_path(tb[ERCX_A_PATH_VPN], &pi->vpn);
	memset(&pi->underlay, 0, sizeof(pi->underlay));
	if (tb[ERCX_A_UNDERLAY])
		parse_path(tb[ERCX_A_UNDERLAY], &pi->underlay);
	pi->failovers = pi->failbacks = -1;
	if (tb[ERCX_A_STATS]) {
		struct nlattr *st[ERCX_STATS_A_MAX + 1];

		pi->has_stats = 1;
		if (!nla_parse_nested(st, ERCX_STATS_A_MAX, tb[ERCX_A_STATS],
				      NULL)) {
			if (st[ERCX_STATS_A_FAILOVERS])
				pi->failovers = (int64_t)nla_get_u64(st[ERCX_STATS_A_FAILOVERS]);
			if (st[ERCX_STATS_A_FAILBACKS])
				pi->failbacks = (int64_t)nla_get_u64(st[ERCX_STATS_A_FAILBACKS]);
		}
	}
	pi->ntrans = tb[ERCX_A_TRANSITIONS] ? 0 : -1;
	if (tb[ERCX_A_TRANSITIONS]) {
		nla_for_each_nested(a, tb[ERCX_A_TRANSITIONS], rem) {
			struct nlattr *t[ERCX_TR_A_MAX + 1];

			if (nla_type(a) != ERCX_A_TRANSITION ||
			    nla_parse_nested(t, ERCX_TR_A_MAX, a, NULL))
				continue;
			pi->ntrans++;
			pi->last_from = t[ERCX_TR_A_FROM] ? nla_get_u8(t[ERCX_TR_A_FROM]) : -1;
			pi->last_to = t[ERCX_TR_A_TO] ? nla_get_u8(t[ERCX_TR_A_TO]) : -1;
			pi->last_reason = t[ERCX_TR_A_REASON] ? nla_get_u8(t[ERCX_TR_A_REASON]) : -1;
		}
	}
	return NL_OK;
}

static int get_policy(struct nl_sock *sk, int family, struct policy_info *pi,
		      struct result *r)
{
	memset(pi, 0, sizeof(*pi));
	r->parse = parse_policy;
	r->arg = pi;
	simple_cmd(sk, family, ERCX_CMD_POLICY_GET, r);
	r->parse = NULL;
	return r->error;
}

static int get_status(struct nl_sock *sk, int family, struct policy_info *pi,
		      struct result *r)
{
	memset(pi, 0, sizeof(*pi));
	r->parse = parse_policy;
	r->arg = pi;
	simple_cmd(sk, family, ERCX_CMD_STATUS_GET, r);
	r->parse = NULL;
	return r->error;
}

/* Prefix dump */
struct pfx {
	uint8_t addr[16];
	int family, plen, via, path;
};

struct dump {
	struct pfx *p;
	int n, cap;
	int64_t gen_first;
	int gen_mismatch, no_gen, bad;
};

static int parse_prefix(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[ERCX_A_MAX + 1], *pt[ERCX_PFX_A_MAX + 1];
	struct dump *d = arg;
	struct nlattr *a;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, ERCX_A_MAX, NULL)) {
		d->bad++;
		return NL_SKIP;
	}
	if (!tb[ERCX_A_GENERATION]) {
		d->no_gen++;
	} else {
		int64_t g = nla_get_u32(tb[ERCX_A_GENERATION]);

		if (d->gen_first < 0)
			d->gen_first = g;
		else if (g != d->gen_first)
			d->gen_mismatch++;
	}
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		struct pfx *p;

		if (nla_type(a) != ERCX_A_PREFIX)
			continue;
		if (nla_parse_nested(pt, ERCX_PFX_A_MAX, a, NULL) ||
		    !pt[ERCX_PFX_A_PLEN] || !pt[ERCX_PFX_A_VIA] ||
		    !!pt[ERCX_PFX_A_ADDR4] == !!pt[ERCX_PFX_A_ADDR6]) {
			d->bad++;
			continue;
		}
		if (d->n == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 256;
			d->p = realloc(d->p, d->cap * sizeof(*d->p));
			if (!d->p)
				abort();
		}
		p = &d->p[d->n++];
		memset(p, 0, sizeof(*p));
		if (pt[ERCX_PFX_A_ADDR4]) {
			p->family = 4;
			if (nla_len(pt[ERCX_PFX_A_ADDR4]) != 4)
				d->bad++;
			memcpy(p->addr, nla_data(pt[ERCX_PFX_A_ADDR4]), 4);
		} else {
			p->family = 6;
			if (nla_len(pt[ERCX_PFX_A_ADDR6]) != 16)
				d->bad++;
			memcpy(p->addr, nla_data(pt[ERCX_PFX_A_ADDR6]), 16);
		}
		p->plen = nla_get_u8(pt[ERCX_PFX_A_PLEN]);
		p->via = nla_get_u8(pt[ERCX_PFX_A_VIA]);
		p->path = pt[ERCX_PFX_A_PATH] ? nla_get_u8(pt[ERCX_PFX_A_PATH]) : -1;
	}
	return NL_OK;
}

static int dump_prefixes(struct nl_sock *sk, int family, struct dump *d,
			 struct result *r)
{
	free(d->p);
	memset(d, 0, sizeof(*d));
	d->gen_first = -1;
	r->parse = parse_prefix;
	r->arg = d;
	simple_cmd(sk, family, ERCX_CMD_PREFIX_GET, r);
	/* simple_cmd has no NLM_F_DUMP: redo it as a dump */
	return r->error;
}

static int dump_cmd(struct nl_sock *sk, int family, struct dump *d,
		    struct result *r)
{
	free(d->p);
	memset(d, 0, sizeof(*d));
	d->gen_first = -1;
	r->parse = parse_prefix;
	r->arg = d;
	transact(sk, new_msg(family, ERCX_CMD_PREFIX_GET, NLM_F_DUMP), r);
	r->parse = NULL;
	return r->error;
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */

struct event {
	int event, path, state, reason, prev, active, mode;
	int64_t generation, prefix_count;
	int has_ts;
};

struct events {
	struct event e[64];
	int n;
};

static int parse_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[ERCX_A_MAX + 1];
	struct events *ev = arg;
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct event *e;

	if (g->cmd != ERCX_CMD_EVENT || ev->n == 64 ||
	    genlmsg_parse(nlh, 0, tb, ERCX_A_MAX, NULL))
		return NL_OK;
	e = &ev->e[ev->n++];
#define G8(attr) (tb[attr] ? nla_get_u8(tb[attr]) : -1)
#define G32(attr) (tb[attr] ? (int64_t)nla_get_u32(tb[attr]) : -1)
	e->event = G8(ERCX_A_EVENT);
	e->path = G8(ERCX_A_PATH);
	e->state = G8(ERCX_A_STATE);
	e->reason = G8(ERCX_A_REASON);
	e->prev = G8(ERCX_A_PREV_PATH);
	e->active = G8(ERCX_A_ACTIVE_PATH);
	e->mode = G8(ERCX_A_MODE);
	e->generation = G32(ERCX_A_GENERATION);
	e->prefix_count = G32(ERCX_A_PREFIX_COUNT);
	e->has_ts = !!tb[ERCX_A_TIMESTAMP_NS];
#undef G8
#undef G32
	return NL_OK;
}

static struct nl_sock *event_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp;

	if (!sk)
		return NULL;
	nl_socket_disable_seq_check(sk);
	if (genl_connect(sk))
		goto fail;
	grp = genl_ctrl_resolve_grp(sk, ERCX_GENL_NAME, ERCX_MCGRP_EVENTS);
	if (grp < 0 || nl_socket_add_membership(sk, grp))
		goto fail;
	nl_socket_set_nonblocking(sk);
	return sk;
fail:
	nl_socket_free(sk);
	return NULL;
}

/* Read events until none arrived for @quiet_ms */
static void read_events(struct nl_sock *sk, struct events *ev, int quiet_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
	/* a clone keeps the socket's disabled sequence check: events carry
	 * sequence number 0, which a fresh callback set would drop
	 */
	struct nl_cb *scb = nl_socket_get_cb(sk);
	struct nl_cb *cb = nl_cb_clone(scb);

	nl_cb_put(scb);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse_event, ev);
	while (poll(&pfd, 1, quiet_ms) > 0)
		nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
}

static const struct event *find_event(const struct events *ev, int type)
{
	for (int i = 0; i < ev->n; i++)
		if (ev->e[i].event == type)
			return &ev->e[i];
	return NULL;
}

static int set_link(const char *name, bool up)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret ? -errno : 0;
}

/* ------------------------------------------------------------------------ */
/* The fixture: a socket, the family, the two devices, no policy            */

FIXTURE(ercx) {
	struct nl_sock *sk;
	int family;
	int er, vpn;
	struct result r;
	struct policy_info pi;
	struct dump d;
};

FIXTURE_SETUP(ercx)
{
	memset(&self->r, 0, sizeof(self->r));
	memset(&self->d, 0, sizeof(self->d));
	self->sk = ercx_socket(&self->family);
	ASSERT_NE(NULL, self->sk)
		TH_LOG("family %s not found (module not loaded?)",
		       ERCX_GENL_NAME);
	self->er = if_nametoindex(er_name());
	self->vpn = if_nametoindex(vpn_name());
	ASSERT_NE(0, self->er) TH_LOG("no device %s", er_name());
	ASSERT_NE(0, self->vpn) TH_LOG("no device %s", vpn_name());
	ASSERT_EQ(0, set_link(er_name(), true));
	ASSERT_EQ(0, set_link(vpn_name(), true));
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH,
				&self->r)) TH_LOG("flush: %s", self->r.msg);
}

FIXTURE_TEARDOWN(ercx)
{
	if (self->sk) {
		simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH, &self->r);
		nl_socket_free(self->sk);
	}
	free(self->d.p);
}

/* Checks that an error is one of two errnos and carries a message */
#define ASSERT_REJECTED(r, e1, e2) do {					\
	ASSERT_TRUE((r)->error == -(e1) || (r)->error == -(e2))		\
		TH_LOG("error %d (%s), expected -%s; extack \"%s\"",	\
		       (r)->error, strerror(-(r)->error), #e1, (r)->msg); \
	ASSERT_TRUE(strlen((r)->msg) >= 4)				\
		TH_LOG("no extack message with error %d", (r)->error);	\
	TH_LOG("rejected with %s: \"%s\"", strerror(-(r)->error), (r)->msg); \
} while (0)

TEST_F(ercx, policy_set_and_get)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	struct nlattr *n;
	struct in_addr gw;
	int64_t gen1;

	n = nest_start(msg, ERCX_A_PATH_ER);
	nla_put_u32(msg, ERCX_PATH_A_IFINDEX, self->er);
	inet_pton(AF_INET, "192.0.2.1", &gw);
	nla_put(msg, ERCX_PATH_A_GATEWAY4, 4, &gw);
	nla_put_u32(msg, ERCX_PATH_A_FWMARK, 0x00110000);
	nla_put_u32(msg, ERCX_PATH_A_TABLE, 1000);	/* tables > 255 exist */
	nla_nest_end(msg, n);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	nla_put_u16(msg, ERCX_A_MSS, 1300);
	nla_put_u8(msg, ERCX_A_MSS_SCOPE, ERCX_MSS_SCOPE_ALL);
	nla_put_u8(msg, ERCX_A_NOPATH, ERCX_NOPATH_DROP);
	nla_put_u32(msg, ERCX_A_FAILBACK_DELAY_MS, 1500);
	nla_put_u32(msg, ERCX_A_FWMASK, 0x00ff0000);
	put_pfx4(msg, "10.17.0.0", 16, ERCX_VIA_ALL);
	put_pfx6(msg, "2001:db8::", 32, ERCX_VIA_VPN);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);

	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r))
		TH_LOG("get: %s", self->r.msg);
	EXPECT_EQ(1, self->r.nmsgs);
	EXPECT_EQ(1300, self->pi.mss);
	EXPECT_EQ(1280, self->pi.mss6);	/* default: MSS - 20 */
	EXPECT_EQ(ERCX_MSS_SCOPE_ALL, self->pi.mss_scope);
	EXPECT_EQ(ERCX_NOPATH_DROP, self->pi.nopath);
	EXPECT_EQ(1500, self->pi.failback);
	EXPECT_EQ(0x00ff0000, self->pi.fwmask);
	EXPECT_EQ(2, self->pi.prefix_count);
	ASSERT_GE(self->pi.generation, 0);
	ASSERT_TRUE(self->pi.er.present);
	ASSERT_TRUE(self->pi.vpn.present);
	EXPECT_EQ(self->er, self->pi.er.ifindex);
	EXPECT_EQ(self->vpn, self->pi.vpn.ifindex);
	EXPECT_STREQ(er_name(), self->pi.er.ifname);
	EXPECT_STREQ(vpn_name(), self->pi.vpn.ifname);
	EXPECT_EQ(0x00110000, self->pi.er.fwmark);
	EXPECT_EQ(1000, self->pi.er.table);
	gen1 = self->pi.generation;

	/* A second set is a new generation */
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_NE(gen1, self->pi.generation);
	EXPECT_EQ(BASE_PREFIXES, self->pi.prefix_count);
	EXPECT_EQ(BASE_MSS, self->pi.mss);
}

TEST_F(ercx, policy_defaults)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);

	put_path(msg, ERCX_A_PATH_ER, self->er);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(1250, self->pi.mss);
	EXPECT_EQ(1230, self->pi.mss6);
	EXPECT_EQ(ERCX_MSS_SCOPE_TUNNEL, self->pi.mss_scope);
	EXPECT_EQ(ERCX_NOPATH_PASS, self->pi.nopath);
	EXPECT_EQ(0x00ff0000, self->pi.fwmask);
	EXPECT_EQ(0, self->pi.prefix_count);
	EXPECT_EQ(0x00e10000, self->pi.er.fwmark);
	EXPECT_EQ(225, self->pi.er.table);
	EXPECT_EQ(0x00e20000, self->pi.vpn.fwmark);
	EXPECT_EQ(226, self->pi.vpn.table);

	/* MSS6 defaults to MSS - 20 but never below 1220 */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	put_path(msg, ERCX_A_PATH_ER, self->er);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	nla_put_u16(msg, ERCX_A_MSS, 536);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(536, self->pi.mss);
	EXPECT_EQ(1220, self->pi.mss6);

	/* Extremes of the ranges are accepted */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	put_path(msg, ERCX_A_PATH_ER, self->er);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	nla_put_u16(msg, ERCX_A_MSS, 9000);
	nla_put_u16(msg, ERCX_A_MSS6, 1220);
	put_pfx4(msg, "0.0.0.0", 0, ERCX_VIA_ER);
	put_pfx4(msg, "10.1.2.3", 32, ERCX_VIA_VPN);
	put_pfx6(msg, "::", 0, ERCX_VIA_ALL);
	put_pfx6(msg, "2001:db8::1", 128, ERCX_VIA_ALL);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(9000, self->pi.mss);
	EXPECT_EQ(1220, self->pi.mss6);
	EXPECT_EQ(4, self->pi.prefix_count);
}

TEST_F(ercx, policy_get_without_policy)
{
	get_policy(self->sk, self->family, &self->pi, &self->r);
	ASSERT_REJECTED(&self->r, ENOENT, ENOENT);
}

/* 3,000 IPv4 /24 and 100 IPv6 /48: a request over 64 KiB, thousands of
 * dump messages
 */
#define N4 3000
#define N6 100

TEST_F_TIMEOUT(ercx, prefix_dump_large, 300)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	static unsigned char seen4[N4], seen6[N6];
	char a[INET6_ADDRSTRLEN];
	int i;

	put_path(msg, ERCX_A_PATH_ER, self->er);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	for (i = 0; i < N4; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.0", i / 256, i % 256);
		put_pfx4(msg, a, 24, 1 + i % 3);
	}
	for (i = 0; i < N6; i++) {
		snprintf(a, sizeof(a), "2001:db8:%x::", i);
		put_pfx6(msg, a, 48, 1 + i % 3);
	}
	ASSERT_GT(nlmsg_hdr(msg)->nlmsg_len, 65536U);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	ASSERT_EQ(N4 + N6, self->pi.prefix_count);

	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d, &self->r))
		TH_LOG("dump: %s", self->r.msg);
	EXPECT_EQ(0, self->r.intr);
	EXPECT_EQ(N4 + N6, self->r.nmsgs);	/* one message per prefix */
	ASSERT_EQ(N4 + N6, self->d.n);
	EXPECT_EQ(0, self->d.bad);
	EXPECT_EQ(0, self->d.no_gen);
	EXPECT_EQ(0, self->d.gen_mismatch);
	EXPECT_EQ(self->pi.generation, self->d.gen_first);
	memset(seen4, 0, sizeof(seen4));
	memset(seen6, 0, sizeof(seen6));
	for (i = 0; i < self->d.n; i++) {
		const struct pfx *p = &self->d.p[i];
		int k;

		if (p->family == 4) {
			k = p->addr[1] * 256 + p->addr[2];
			ASSERT_TRUE(p->addr[0] == 10 && p->addr[3] == 0 &&
				    k < N4 && p->plen == 24);
			ASSERT_EQ(1 + k % 3, p->via);
			seen4[k]++;
		} else {
			k = p->addr[4] * 256 + p->addr[5];
			ASSERT_TRUE(p->addr[0] == 0x20 && p->addr[1] == 0x01 &&
				    k < N6 && p->plen == 48);
			ASSERT_EQ(1 + k % 3, p->via);
			seen6[k]++;
		}
		/* devices up, mode auto: ER where reachable, else the VPN */
		ASSERT_EQ(p->via & ERCX_VIA_ER ? ERCX_PATH_ER : ERCX_PATH_VPN,
			  p->path);
	}
	for (i = 0; i < N4; i++) {
		int n = seen4[i];

		ASSERT_EQ(1, n) TH_LOG("prefix %d seen %d times", i, n);
	}
	for (i = 0; i < N6; i++) {
		int n = seen6[i];

		ASSERT_EQ(1, n) TH_LOG("IPv6 prefix %d seen %d times", i, n);
	}

	/* A dump after a replace shows the new generation */
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r));
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d, &self->r));
	EXPECT_EQ(BASE_PREFIXES, self->d.n);
	EXPECT_NE(self->pi.generation, self->d.gen_first);

	/* Without a policy the dump is empty */
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH,
				&self->r));
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d, &self->r));
	EXPECT_EQ(0, self->d.n);
}

TEST_F(ercx, prefix_get_needs_dump)
{
	/* PREFIX_GET is dump-only: a plain request is refused */
	dump_prefixes(self->sk, self->family, &self->d, &self->r);
	ASSERT_NE(0, self->r.error);
}

TEST_F(ercx, status)
{
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r))
		TH_LOG("status: %s", self->r.msg);
	EXPECT_EQ(0, self->pi.loaded);
	EXPECT_EQ(ERCX_MODE_AUTO, self->pi.mode);
	EXPECT_EQ(ERCX_PATH_NONE, self->pi.active);

	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(1, self->pi.loaded);
	EXPECT_EQ(ERCX_MODE_AUTO, self->pi.mode);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);
	EXPECT_EQ(BASE_PREFIXES, self->pi.prefix_count);
	EXPECT_EQ(BASE_MSS, self->pi.mss);
	ASSERT_TRUE(self->pi.er.present && self->pi.vpn.present);
	EXPECT_STREQ(er_name(), self->pi.er.ifname);
	EXPECT_STREQ(vpn_name(), self->pi.vpn.ifname);
	EXPECT_TRUE(self->pi.er.has_state && self->pi.er.has_reason);
	EXPECT_EQ(ERCX_STATE_UP, self->pi.er.state);
	EXPECT_EQ(ERCX_REASON_UP, self->pi.er.reason);
	EXPECT_EQ(ERCX_STATE_UP, self->pi.vpn.state);
	EXPECT_TRUE(self->pi.er.has_tx && self->pi.vpn.has_tx);
	EXPECT_TRUE(self->pi.has_stats);
	EXPECT_GE(self->pi.failovers, 0);
	EXPECT_GE(self->pi.failbacks, 0);

	/* ER administratively down: state, reason, active path follow */
	ASSERT_EQ(0, set_link(er_name(), false));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(ERCX_STATE_DOWN, self->pi.er.state);
	EXPECT_EQ(ERCX_REASON_ADMIN_DOWN, self->pi.er.reason);
	EXPECT_EQ(ERCX_PATH_VPN, self->pi.active);
	ASSERT_EQ(0, set_link(er_name(), true));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(ERCX_STATE_UP, self->pi.er.state);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);	/* failback delay 0 */
}

TEST_F(ercx, failover_and_auto)
{
	int64_t fo;

	failover_cmd(self->sk, self->family, ERCX_PATH_VPN, &self->r);
	ASSERT_REJECTED(&self->r, ENOENT, ENOENT);
	simple_cmd(self->sk, self->family, ERCX_CMD_AUTO, &self->r);
	ASSERT_REJECTED(&self->r, ENOENT, ENOENT);

	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	fo = self->pi.failovers;

	ASSERT_EQ(0, failover_cmd(self->sk, self->family, ERCX_PATH_VPN,
				  &self->r)) TH_LOG("failover: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(ERCX_MODE_FORCED_VPN, self->pi.mode);
	EXPECT_EQ(ERCX_PATH_VPN, self->pi.active);
	EXPECT_EQ(fo + 1, self->pi.failovers);
	ASSERT_GE(self->pi.ntrans, 1);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.last_from);
	EXPECT_EQ(ERCX_PATH_VPN, self->pi.last_to);
	EXPECT_EQ(ERCX_REASON_OPERATOR, self->pi.last_reason);

	/* The dump reflects the path now selected */
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d, &self->r));
	ASSERT_EQ(BASE_PREFIXES, self->d.n);
	for (int i = 0; i < self->d.n; i++)
		EXPECT_EQ(self->d.p[i].via & ERCX_VIA_VPN ? ERCX_PATH_VPN :
			  ERCX_PATH_NONE, self->d.p[i].path);

	ASSERT_EQ(0, failover_cmd(self->sk, self->family, ERCX_PATH_ER,
				  &self->r)) TH_LOG("failover: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(ERCX_MODE_FORCED_ER, self->pi.mode);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);

	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_AUTO,
				&self->r)) TH_LOG("auto: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(ERCX_MODE_AUTO, self->pi.mode);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);
	/* AUTO twice is fine */
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_AUTO,
				&self->r)) TH_LOG("auto: %s", self->r.msg);
}

/* The underlay (here: lo) is optional, returned by get and status */
TEST_F(ercx, underlay_set_and_get)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	struct in_addr gw;
	struct nlattr *n;

	put_base(msg, self->er, self->vpn);
	n = nest_start(msg, ERCX_A_UNDERLAY);
	nla_put_u32(msg, ERCX_PATH_A_IFINDEX, 1);
	inet_pton(AF_INET, "198.51.100.1", &gw);
	nla_put(msg, ERCX_PATH_A_GATEWAY4, 4, &gw);
	nla_nest_end(msg, n);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);

	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	ASSERT_TRUE(self->pi.underlay.present);
	EXPECT_EQ(1, self->pi.underlay.ifindex);
	EXPECT_STREQ("lo", self->pi.underlay.ifname);
	EXPECT_EQ(0x00e30000, self->pi.underlay.fwmark);
	EXPECT_EQ(227, self->pi.underlay.table);

	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_TRUE(self->pi.underlay.present);

	/* a replace without it removes it */
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_FALSE(self->pi.underlay.present);
}

/* Exclusions (via 0) are accepted, dumped as given, with no path */
TEST_F(ercx, exclusion_via_0)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	int excl = 0;

	put_base(msg, self->er, self->vpn);
	put_pfx4(msg, "10.17.1.0", 24, ERCX_VIA_NONE);
	put_pfx6(msg, "2001:db8:17:1::", 64, ERCX_VIA_NONE);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d, &self->r));
	ASSERT_EQ(BASE_PREFIXES + 2, self->d.n);
	for (int i = 0; i < self->d.n; i++) {
		const struct pfx *p = &self->d.p[i];

		if (p->via == ERCX_VIA_NONE) {
			excl++;
			EXPECT_EQ(ERCX_PATH_NONE, p->path);
			EXPECT_EQ(p->family == 4 ? 24 : 64, p->plen);
		} else {
			EXPECT_NE(ERCX_PATH_NONE, p->path);
		}
	}
	EXPECT_EQ(2, excl);
}

/* IFNAME: the extack names the attribute, or the missing one */
TEST_F(ercx, ifname_extack)
{
	struct nl_msg *msg;
	struct nlattr *n;

	/* 16 characters: one more than IFNAMSIZ - 1 */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	n = nest_start(msg, ERCX_A_PATH_ER);
	nla_put_string(msg, ERCX_PATH_A_IFNAME, "ercx456789abcdef");
	nla_nest_end(msg, n);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	transact(self->sk, msg, &self->r);
	ASSERT_REJECTED(&self->r, ERANGE, EINVAL);
	EXPECT_EQ(ERCX_PATH_A_IFNAME, self->r.bad_type);

	/* empty */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	n = nest_start(msg, ERCX_A_PATH_ER);
	nla_put_string(msg, ERCX_PATH_A_IFNAME, "");
	nla_nest_end(msg, n);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	transact(self->sk, msg, &self->r);
	ASSERT_REJECTED(&self->r, EINVAL, EINVAL);
	EXPECT_EQ(ERCX_PATH_A_IFNAME, self->r.bad_type);
	EXPECT_NE(NULL, strstr(self->r.msg, "empty")) TH_LOG("%s", self->r.msg);

	/* neither IFNAME nor IFINDEX: IFNAME is reported missing */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	n = nest_start(msg, ERCX_A_PATH_ER);
	nla_put_u32(msg, ERCX_PATH_A_TABLE, 100);
	nla_nest_end(msg, n);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	transact(self->sk, msg, &self->r);
	ASSERT_REJECTED(&self->r, EINVAL, EINVAL);
	EXPECT_EQ(ERCX_PATH_A_IFNAME, self->r.miss_type);
	EXPECT_NE(NULL, strstr(self->r.msg, "IFNAME")) TH_LOG("%s", self->r.msg);

	/* an ifindex without a device: no name to follow, refused there */
	msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);
	put_path(msg, ERCX_A_PATH_ER, 999999);
	put_path(msg, ERCX_A_PATH_VPN, self->vpn);
	transact(self->sk, msg, &self->r);
	ASSERT_REJECTED(&self->r, ENODEV, ENODEV);
	EXPECT_EQ(ERCX_PATH_A_IFINDEX, self->r.bad_type);
}

static int set_named(struct nl_sock *sk, int family, const char *er,
		     int vpn, struct result *r)
{
	struct nl_msg *msg = new_msg(family, ERCX_CMD_POLICY_SET, 0);
	struct nlattr *n = nest_start(msg, ERCX_A_PATH_ER);

	nla_put_string(msg, ERCX_PATH_A_IFNAME, er);
	nla_nest_end(msg, n);
	put_path(msg, ERCX_A_PATH_VPN, vpn);
	nla_put_u32(msg, ERCX_A_FAILBACK_DELAY_MS, 0);
	put_pfx4(msg, "10.17.0.0", 16, ERCX_VIA_ALL);
	return transact(sk, msg, r);
}

static void del_links(void)
{
	if (system("ip link del ercxnew0 2>/dev/null; ip link del ercxold0 2>/dev/null"))
		return;
}

/*
 * A path named after a device that does not exist yet: accepted, down
 * (no-device); it follows the name through create, rename and delete
 */
TEST_F(ercx, path_follows_name)
{
	int idx;

	del_links();
	ASSERT_EQ(0, set_named(self->sk, self->family, "ercxnew0", self->vpn,
			       &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_STREQ("ercxnew0", self->pi.er.ifname);
	EXPECT_EQ(0, self->pi.er.ifindex);
	EXPECT_EQ(ERCX_STATE_DOWN, self->pi.er.state);
	EXPECT_EQ(ERCX_REASON_NO_DEVICE, self->pi.er.reason);
	EXPECT_EQ(ERCX_PATH_VPN, self->pi.active);

	/* created: bound, up, active (failback delay 0) */
	ASSERT_EQ(0, system("ip link add ercxnew0 type dummy && ip link set ercxnew0 up"));
	idx = if_nametoindex("ercxnew0");
	ASSERT_NE(0, idx);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(idx, self->pi.er.ifindex);
	EXPECT_EQ(ERCX_STATE_UP, self->pi.er.state);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);

	/* renamed away (a name change needs the device down) */
	ASSERT_EQ(0, system("ip link set ercxnew0 down && ip link set ercxnew0 name ercxold0 && ip link set ercxold0 up"));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(0, self->pi.er.ifindex);
	EXPECT_EQ(ERCX_REASON_NO_DEVICE, self->pi.er.reason);
	EXPECT_EQ(ERCX_PATH_VPN, self->pi.active);
	EXPECT_STREQ("ercxnew0", self->pi.er.ifname);

	/* renamed back */
	ASSERT_EQ(0, system("ip link set ercxold0 down && ip link set ercxold0 name ercxnew0 && ip link set ercxnew0 up"));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(idx, self->pi.er.ifindex);
	EXPECT_EQ(ERCX_STATE_UP, self->pi.er.state);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);

	/* deleted, then recreated with another ifindex */
	ASSERT_EQ(0, system("ip link del ercxnew0"));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(0, self->pi.er.ifindex);
	EXPECT_EQ(ERCX_REASON_NO_DEVICE, self->pi.er.reason);
	ASSERT_EQ(0, system("ip link add ercxnew0 type dummy && ip link set ercxnew0 up"));
	ASSERT_NE(idx, (int)if_nametoindex("ercxnew0"));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ((int)if_nametoindex("ercxnew0"), self->pi.er.ifindex);
	EXPECT_EQ(ERCX_STATE_UP, self->pi.er.state);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);

	/* the policy reads back with the name (POLICY_GET) */
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_STREQ("ercxnew0", self->pi.er.ifname);
	EXPECT_EQ(0, self->pi.transit);
	del_links();
}

/* Transit: 0 by default, 1 when set, reported by POLICY_GET */
TEST_F(ercx, transit)
{
	struct nl_msg *msg = new_msg(self->family, ERCX_CMD_POLICY_SET, 0);

	put_base(msg, self->er, self->vpn);
	nla_put_u8(msg, ERCX_A_TRANSIT, 1);
	ASSERT_EQ(0, transact(self->sk, msg, &self->r))
		TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(1, self->pi.transit);
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r));
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(0, self->pi.transit);
}

TEST_F(ercx, flush)
{
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH,
				&self->r)) TH_LOG("flush: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(0, self->pi.loaded);
	get_policy(self->sk, self->family, &self->pi, &self->r);
	EXPECT_EQ(-ENOENT, self->r.error);
	/* idempotent */
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH,
				&self->r)) TH_LOG("flush: %s", self->r.msg);
	/* and a policy can be set again */
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
}

TEST_F(ercx, events)
{
	struct nl_sock *ev_sk = event_socket();
	struct events ev = { 0 };
	const struct event *e;
	int64_t gen;

	ASSERT_NE(NULL, ev_sk);

	/* POLICY on a replace */
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	gen = self->pi.generation;
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_POLICY);
	ASSERT_NE(NULL, e) TH_LOG("no POLICY event among %d", ev.n);
	EXPECT_EQ(gen, e->generation);
	EXPECT_EQ(BASE_PREFIXES, e->prefix_count);

	/* MODE and ACTIVE_PATH on a failover */
	ev.n = 0;
	ASSERT_EQ(0, failover_cmd(self->sk, self->family, ERCX_PATH_VPN,
				  &self->r));
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_MODE);
	ASSERT_NE(NULL, e) TH_LOG("no MODE event among %d", ev.n);
	EXPECT_EQ(ERCX_MODE_FORCED_VPN, e->mode);
	EXPECT_EQ(ERCX_REASON_OPERATOR, e->reason);
	e = find_event(&ev, ERCX_EVENT_ACTIVE_PATH);
	ASSERT_NE(NULL, e) TH_LOG("no ACTIVE_PATH event among %d", ev.n);
	EXPECT_EQ(ERCX_PATH_ER, e->prev);
	EXPECT_EQ(ERCX_PATH_VPN, e->active);
	EXPECT_EQ(ERCX_REASON_OPERATOR, e->reason);

	/* and back with AUTO (failback delay 0) */
	ev.n = 0;
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_AUTO,
				&self->r));
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_MODE);
	ASSERT_NE(NULL, e) TH_LOG("no MODE event among %d", ev.n);
	EXPECT_EQ(ERCX_MODE_AUTO, e->mode);
	EXPECT_EQ(ERCX_REASON_AUTO, e->reason);
	e = find_event(&ev, ERCX_EVENT_ACTIVE_PATH);
	ASSERT_NE(NULL, e) TH_LOG("no ACTIVE_PATH event among %d", ev.n);
	EXPECT_EQ(ERCX_PATH_VPN, e->prev);
	EXPECT_EQ(ERCX_PATH_ER, e->active);

	/* PATH_STATE and ACTIVE_PATH when the ER device goes down */
	ev.n = 0;
	ASSERT_EQ(0, set_link(er_name(), false));
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_PATH_STATE);
	ASSERT_NE(NULL, e) TH_LOG("no PATH_STATE event among %d", ev.n);
	EXPECT_EQ(ERCX_PATH_ER, e->path);
	EXPECT_EQ(ERCX_STATE_DOWN, e->state);
	EXPECT_EQ(ERCX_REASON_ADMIN_DOWN, e->reason);
	e = find_event(&ev, ERCX_EVENT_ACTIVE_PATH);
	ASSERT_NE(NULL, e) TH_LOG("no ACTIVE_PATH event among %d", ev.n);
	EXPECT_EQ(ERCX_PATH_ER, e->prev);
	EXPECT_EQ(ERCX_PATH_VPN, e->active);
	ev.n = 0;
	ASSERT_EQ(0, set_link(er_name(), true));
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_PATH_STATE);
	ASSERT_NE(NULL, e) TH_LOG("no PATH_STATE event among %d", ev.n);
	EXPECT_EQ(ERCX_STATE_UP, e->state);
	EXPECT_EQ(ERCX_REASON_UP, e->reason);

	/* POLICY with count 0 on a flush */
	ev.n = 0;
	ASSERT_EQ(0, simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH,
				&self->r));
	read_events(ev_sk, &ev, 300);
	e = find_event(&ev, ERCX_EVENT_POLICY);
	ASSERT_NE(NULL, e) TH_LOG("no POLICY event among %d", ev.n);
	EXPECT_EQ(0, e->prefix_count);

	/* no event for a rejected change */
	ev.n = 0;
	failover_cmd(self->sk, self->family, ERCX_PATH_VPN, &self->r);
	EXPECT_EQ(-ENOENT, self->r.error);
	read_events(ev_sk, &ev, 300);
	EXPECT_EQ(0, ev.n);
	nl_socket_free(ev_sk);
}

/* Run @fn as nobody (uid/gid 65534, no capabilities) in a child */
static int as_nobody(int (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(99);
		_exit(fn());
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int nobody_checks(void)
{
	struct result r = { 0 };
	struct policy_info pi;
	struct nl_msg *msg;
	int family, bad = 0;
	struct nl_sock *sk = ercx_socket(&family);

	if (!sk)
		return 98;
	if (get_status(sk, family, &pi, &r)) {
		fprintf(stderr, "# nobody: STATUS_GET failed: %d %s\n",
			r.error, r.msg);
		bad++;
	} else if (!pi.loaded) {
		fprintf(stderr, "# nobody: STATUS_GET shows no policy\n");
		bad++;
	}
	if (get_policy(sk, family, &pi, &r)) {
		fprintf(stderr, "# nobody: POLICY_GET failed: %d\n", r.error);
		bad++;
	}
	msg = new_msg(family, ERCX_CMD_POLICY_SET, 0);
	put_base(msg, if_nametoindex(er_name()), if_nametoindex(vpn_name()));
	if (transact(sk, msg, &r) != -EPERM) {
		fprintf(stderr, "# nobody: POLICY_SET gave %d\n", r.error);
		bad++;
	}
	if (failover_cmd(sk, family, ERCX_PATH_VPN, &r) != -EPERM) {
		fprintf(stderr, "# nobody: FAILOVER gave %d\n", r.error);
		bad++;
	}
	if (simple_cmd(sk, family, ERCX_CMD_AUTO, &r) != -EPERM) {
		fprintf(stderr, "# nobody: AUTO gave %d\n", r.error);
		bad++;
	}
	if (simple_cmd(sk, family, ERCX_CMD_FLUSH, &r) != -EPERM) {
		fprintf(stderr, "# nobody: FLUSH gave %d\n", r.error);
		bad++;
	}
	nl_socket_free(sk);
	return bad;
}

TEST_F(ercx, unprivileged)
{
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->pi, &self->r));
	int64_t gen = self->pi.generation;

	ASSERT_EQ(0, as_nobody(nobody_checks));
	/* nothing changed */
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(1, self->pi.loaded);
	EXPECT_EQ(ERCX_MODE_AUTO, self->pi.mode);
	EXPECT_EQ(gen, self->pi.generation);
}

/* In a child: a new netns with its own devices and a policy, then exit */
static int netns_child(void)
{
	struct result r = { 0 };
	struct policy_info pi;
	struct nl_msg *msg;
	struct nl_sock *sk;
	int family, i;
	char a[32];

	if (unshare(CLONE_NEWNET))
		return 90;
	if (system("ip link add ercxer0 type dummy && "
		   "ip link add ercxvpn0 type dummy && "
		   "ip link set ercxer0 up && ip link set ercxvpn0 up"))
		return 91;
	sk = ercx_socket(&family);
	if (!sk)
		return 92;
	if (get_status(sk, family, &pi, &r) || pi.loaded)
		return 93;	/* a new netns starts without a policy */
	msg = new_msg(family, ERCX_CMD_POLICY_SET, 0);
	put_path(msg, ERCX_A_PATH_ER, if_nametoindex("ercxer0"));
	put_path(msg, ERCX_A_PATH_VPN, if_nametoindex("ercxvpn0"));
	nla_put_u8(msg, ERCX_A_MSS_SCOPE, ERCX_MSS_SCOPE_ALL);
	for (i = 0; i < 500; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.0", i / 256, i % 256);
		put_pfx4(msg, a, 24, 1 + i % 3);
	}
	if (transact(sk, msg, &r)) {
		fprintf(stderr, "# netns child: set: %d %s\n", r.error, r.msg);
		return 94;
	}
	if (failover_cmd(sk, family, ERCX_PATH_VPN, &r))
		return 95;
	/* a device of the policy vanishes while it is loaded */
	if (system("ip link del ercxvpn0"))
		return 96;
	/* exit with the socket, the policy and the devices in place */
	return 0;
}

TEST_F_TIMEOUT(ercx, netns_delete_with_policy, 120)
{
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		int st;

		ASSERT_GE(pid, 0);
		if (!pid)
			_exit(netns_child());
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_TRUE(WIFEXITED(st));
		ASSERT_EQ(0, WEXITSTATUS(st));
		/* isolation: our namespace still has no policy */
		ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi,
					&self->r));
		EXPECT_EQ(0, self->pi.loaded);
	}
	/* give cleanup_net() a moment, then the module still works */
	usleep(500 * 1000);
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->pi, &self->r));
	EXPECT_EQ(1, self->pi.loaded);
	EXPECT_EQ(ERCX_PATH_ER, self->pi.active);
}

/* ------------------------------------------------------------------------ */
/* Rejections: each leaves the baseline policy as it was                    */

struct reject_ctx {
	struct nl_msg *msg;
	int er, vpn;
};

FIXTURE(reject) {
	struct nl_sock *sk;
	int family;
	int er, vpn;
	struct result r;
	struct policy_info before, after;
	struct dump d0, d1;
};

FIXTURE_VARIANT(reject) {
	int cmd;
	void (*build)(struct reject_ctx *c);
	int err1, err2;
};

FIXTURE_SETUP(reject)
{
	memset(&self->d0, 0, sizeof(self->d0));
	memset(&self->d1, 0, sizeof(self->d1));
	self->sk = ercx_socket(&self->family);
	ASSERT_NE(NULL, self->sk)
		TH_LOG("family %s not found (module not loaded?)",
		       ERCX_GENL_NAME);
	self->er = if_nametoindex(er_name());
	self->vpn = if_nametoindex(vpn_name());
	ASSERT_NE(0, self->er);
	ASSERT_NE(0, self->vpn);
	ASSERT_EQ(0, set_link(er_name(), true));
	ASSERT_EQ(0, set_link(vpn_name(), true));
	ASSERT_EQ(0, set_base(self->sk, self->family, self->er, self->vpn,
			      &self->r)) TH_LOG("set: %s", self->r.msg);
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->before,
				&self->r));
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d0, &self->r));
	ASSERT_EQ(BASE_PREFIXES, self->d0.n);
}

FIXTURE_TEARDOWN(reject)
{
	if (self->sk) {
		simple_cmd(self->sk, self->family, ERCX_CMD_FLUSH, &self->r);
		nl_socket_free(self->sk);
	}
	free(self->d0.p);
	free(self->d1.p);
}

TEST_F(reject, is_rejected_and_changes_nothing)
{
	struct reject_ctx c = { .er = self->er, .vpn = self->vpn };
	struct status_cmp { int mode, active; } st0, st1;

	ASSERT_EQ(0, get_status(self->sk, self->family, &self->after,
				&self->r));
	st0.mode = self->after.mode;
	st0.active = self->after.active;

	c.msg = new_msg(self->family, variant->cmd, 0);
	ASSERT_NE(NULL, c.msg);
	variant->build(&c);
	transact(self->sk, c.msg, &self->r);
	ASSERT_REJECTED(&self->r, variant->err1, variant->err2);

	/* The old policy is still in place: same generation, same prefixes */
	ASSERT_EQ(0, get_policy(self->sk, self->family, &self->after,
				&self->r));
	EXPECT_EQ(self->before.generation, self->after.generation);
	EXPECT_EQ(self->before.prefix_count, self->after.prefix_count);
	EXPECT_EQ(self->before.mss, self->after.mss);
	EXPECT_EQ(self->before.er.ifindex, self->after.er.ifindex);
	EXPECT_EQ(self->before.vpn.ifindex, self->after.vpn.ifindex);
	ASSERT_EQ(0, dump_cmd(self->sk, self->family, &self->d1, &self->r));
	ASSERT_EQ(self->d0.n, self->d1.n);
	EXPECT_EQ(0, memcmp(self->d0.p, self->d1.p,
			    self->d0.n * sizeof(*self->d0.p)));
	ASSERT_EQ(0, get_status(self->sk, self->family, &self->after,
				&self->r));
	st1.mode = self->after.mode;
	st1.active = self->after.active;
	EXPECT_EQ(st0.mode, st1.mode);
	EXPECT_EQ(st0.active, st1.active);
}

/* Builders.  B(name) { body using c->msg, c->er, c->vpn } */
#define B(name) static void build_##name(struct reject_ctx *c)
#define M (c->msg)

static void path_with(struct nl_msg *msg, int type, int ifindex, int attr,
		      int len, uint32_t val)
{
	struct nlattr *n = nest_start(msg, type);

	if (ifindex)
		nla_put_u32(msg, ERCX_PATH_A_IFINDEX, ifindex);
	if (attr)
		nla_put(msg, attr, len, &val);
	nla_nest_end(msg, n);
}

static void pfx_raw(struct nl_msg *msg, const void *a4, const void *a6,
		    int plen, int via, int extra_attr)
{
	struct nlattr *n = nest_start(msg, ERCX_A_PREFIX);

	if (a4)
		nla_put(msg, ERCX_PFX_A_ADDR4, 4, a4);
	if (a6)
		nla_put(msg, ERCX_PFX_A_ADDR6, 16, a6);
	if (plen >= 0)
		nla_put_u8(msg, ERCX_PFX_A_PLEN, plen);
	if (via >= 0)
		nla_put_u8(msg, ERCX_PFX_A_VIA, via);
	if (extra_attr)
		nla_put_u8(msg, extra_attr, 1);
	nla_nest_end(msg, n);
}

static const uint8_t A4[4] = { 10, 99, 0, 0 };
static const uint8_t A4H[4] = { 10, 99, 0, 1 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99 };
static const uint8_t A6H[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, 0, 1 };

static void both_paths(struct reject_ctx *c)
{
	put_path(M, ERCX_A_PATH_ER, c->er);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(unknown_top_attr) { both_paths(c); nla_put_u32(M, ERCX_A_MAX + 1, 1); }
B(unknown_top_attr_big) { both_paths(c); nla_put_u32(M, 200, 1); }
B(unknown_path_attr)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_MAX + 1, 4, 1);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(unknown_pfx_attr) { both_paths(c); pfx_raw(M, A4, NULL, 16, 1, ERCX_PFX_A_MAX + 1); }
B(no_path_er) { put_path(M, ERCX_A_PATH_VPN, c->vpn); }
B(no_path_vpn) { put_path(M, ERCX_A_PATH_ER, c->er); }
B(no_paths) { put_pfx4(M, "10.99.0.0", 16, 1); }
B(no_ifindex)
{
	path_with(M, ERCX_A_PATH_ER, 0, ERCX_PATH_A_TABLE, 4, 100);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(no_such_device)
{
	put_path(M, ERCX_A_PATH_ER, 999999);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(same_device)
{
	put_path(M, ERCX_A_PATH_ER, c->er);
	put_path(M, ERCX_A_PATH_VPN, c->er);
}

B(path_not_nested)
{
	nla_put_u32(M, ERCX_A_PATH_ER, c->er);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(pfx_no_plen) { both_paths(c); pfx_raw(M, A4, NULL, -1, 1, 0); }
B(pfx_no_addr) { both_paths(c); pfx_raw(M, NULL, NULL, 16, 1, 0); }
B(pfx_both_addr) { both_paths(c); pfx_raw(M, A4, A6, 16, 1, 0); }
B(pfx_no_via) { both_paths(c); pfx_raw(M, A4, NULL, 16, -1, 0); }
B(mss_100) { both_paths(c); nla_put_u16(M, ERCX_A_MSS, 100); }
B(mss_535) { both_paths(c); nla_put_u16(M, ERCX_A_MSS, 535); }
B(mss_9001) { both_paths(c); nla_put_u16(M, ERCX_A_MSS, 9001); }
B(mss6_1219) { both_paths(c); nla_put_u16(M, ERCX_A_MSS6, 1219); }
B(mss_as_u32) { both_paths(c); nla_put_u32(M, ERCX_A_MSS, 1300); }
B(mss_scope_2) { both_paths(c); nla_put_u8(M, ERCX_A_MSS_SCOPE, 2); }
B(nopath_2) { both_paths(c); nla_put_u8(M, ERCX_A_NOPATH, 2); }
B(plen_33_v4) { both_paths(c); pfx_raw(M, A4, NULL, 33, 1, 0); }
B(plen_129_v6) { both_paths(c); pfx_raw(M, NULL, A6, 129, 1, 0); }
B(via_4) { both_paths(c); pfx_raw(M, A4, NULL, 16, 4, 0); }
B(host_bits_v4) { both_paths(c); pfx_raw(M, A4H, NULL, 16, 1, 0); }
B(host_bits_v6) { both_paths(c); pfx_raw(M, NULL, A6H, 48, 1, 0); }
B(addr6_short)
{
	struct nlattr *n;

	both_paths(c);
	n = nest_start(M, ERCX_A_PREFIX);
	nla_put(M, ERCX_PFX_A_ADDR6, 4, A6);
	nla_put_u8(M, ERCX_PFX_A_PLEN, 32);
	nla_put_u8(M, ERCX_PFX_A_VIA, 1);
	nla_nest_end(M, n);
}

B(duplicate)
{
	both_paths(c);
	pfx_raw(M, A4, NULL, 16, 1, 0);
	put_pfx4(M, "10.17.0.0", 16, 1);
	pfx_raw(M, A4, NULL, 16, 2, 0);
}

B(duplicate_v6)
{
	both_paths(c);
	pfx_raw(M, NULL, A6, 32, 1, 0);
	pfx_raw(M, NULL, A6, 32, 1, 0);
}

/* a bad prefix after many good ones: still all or nothing */
B(bad_last_of_many)
{
	char a[32];

	both_paths(c);
	for (int i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.%d.%d.0", 100 + i / 256, i % 256);
		put_pfx4(M, a, 24, 1 + i % 3);
	}
	pfx_raw(M, A4H, NULL, 16, 1, 0);
}

B(gateway6_len4)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_GATEWAY6, 4, 1);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(probe_interval_5)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_PROBE_INTERVAL_MS, 4, 5);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(probe_multiplier_0)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_PROBE_MULTIPLIER, 1, 0);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(peer4_on_er)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_PEER4, 4, htonl(0xc6336401));
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(fwmark_outside_mask)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_FWMARK, 4, 0x01000000);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

/* tables 0 and 253..255 (default, main, local) are not ours to fill */
B(table_zero)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_TABLE, 4, 0);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(table_main)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_TABLE, 4, 254);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

/* the underlay: its own device, table and mark; no probe or peer */
B(underlay_is_er)
{
	both_paths(c);
	put_path(M, ERCX_A_UNDERLAY, c->er);
}

B(underlay_no_ifindex)
{
	both_paths(c);
	path_with(M, ERCX_A_UNDERLAY, 0, ERCX_PATH_A_TABLE, 4, 300);
}

B(underlay_no_such_device)
{
	both_paths(c);
	put_path(M, ERCX_A_UNDERLAY, 999999);
}

B(underlay_table_of_er)
{
	both_paths(c);
	path_with(M, ERCX_A_UNDERLAY, 1, ERCX_PATH_A_TABLE, 4, 225);
}

B(underlay_mark_of_vpn)
{
	both_paths(c);
	path_with(M, ERCX_A_UNDERLAY, 1, ERCX_PATH_A_FWMARK, 4, 0x00e20000);
}

B(underlay_probe)
{
	both_paths(c);
	path_with(M, ERCX_A_UNDERLAY, 1, ERCX_PATH_A_PROBE_INTERVAL_MS, 4, 100);
}

B(underlay_peer)
{
	both_paths(c);
	path_with(M, ERCX_A_UNDERLAY, 1, ERCX_PATH_A_PEER4, 4, htonl(0xcb00710a));
}

B(ro_underlay_packets) { both_paths(c); nla_put_u64(M, ERCX_A_UNDERLAY_PACKETS, 1); }

/* read-only attributes in a set */
B(ro_generation) { both_paths(c); nla_put_u32(M, ERCX_A_GENERATION, 7); }
B(ro_prefix_count) { both_paths(c); nla_put_u32(M, ERCX_A_PREFIX_COUNT, 7); }
B(ro_mode) { both_paths(c); nla_put_u8(M, ERCX_A_MODE, 0); }
B(ro_active_path) { both_paths(c); nla_put_u8(M, ERCX_A_ACTIVE_PATH, 1); }
B(ro_policy_loaded) { both_paths(c); nla_put_flag(M, ERCX_A_POLICY_LOADED); }
B(ro_path_attr) { both_paths(c); nla_put_u8(M, ERCX_A_PATH, 1); }
B(ro_stats)
{
	struct nlattr *n;

	both_paths(c);
	n = nest_start(M, ERCX_A_STATS);
	nla_put_u64(M, ERCX_STATS_A_FAILOVERS, 1);
	nla_nest_end(M, n);
}

/* IFNAME: a valid device name, at most IFNAMSIZ - 1 characters */
static void path_named(struct nl_msg *msg, int type, const char *name,
		       int len)
{
	struct nlattr *n = nest_start(msg, type);

	nla_put(msg, ERCX_PATH_A_IFNAME, len, name);
	nla_nest_end(msg, n);
}

B(ifname_too_long)
{
	path_named(M, ERCX_A_PATH_ER, "ercx456789abcdef", 17);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(ifname_empty)
{
	path_named(M, ERCX_A_PATH_ER, "", 1);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(ifname_slash)
{
	path_named(M, ERCX_A_PATH_ER, "er/0", 5);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(ifname_no_nul)
{
	path_named(M, ERCX_A_PATH_ER, "er0", 3);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(ifname_same_as_vpn)
{
	path_named(M, ERCX_A_PATH_ER, vpn_name(), strlen(vpn_name()) + 1);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(underlay_named_as_er)
{
	both_paths(c);
	path_named(M, ERCX_A_UNDERLAY, er_name(), strlen(er_name()) + 1);
}

B(transit_2) { both_paths(c); nla_put_u8(M, ERCX_A_TRANSIT, 2); }

B(ro_path_state)
{
	path_with(M, ERCX_A_PATH_ER, c->er, ERCX_PATH_A_STATE, 1, 1);
	put_path(M, ERCX_A_PATH_VPN, c->vpn);
}

B(ro_path_tx_packets)
{
	struct nlattr *n = nest_start(M, ERCX_A_PATH_VPN);

	nla_put_u32(M, ERCX_PATH_A_IFINDEX, c->vpn);
	nla_put_u64(M, ERCX_PATH_A_TX_PACKETS, 1);
	nla_nest_end(M, n);
	put_path(M, ERCX_A_PATH_ER, c->er);
}

B(ro_pfx_path) { both_paths(c); pfx_raw(M, A4, NULL, 16, 1, ERCX_PFX_A_PATH); }

/* FAILOVER */
B(failover_none) { nla_put_u8(M, ERCX_A_PATH, ERCX_PATH_NONE); }
B(failover_7) { nla_put_u8(M, ERCX_A_PATH, 7); }
B(failover_no_path) { (void)c; }
B(failover_extra_attr)
{
	nla_put_u8(M, ERCX_A_PATH, ERCX_PATH_VPN);
	nla_put_u16(M, ERCX_A_MSS, 1300);
}

/* AUTO and FLUSH take no attribute */
B(auto_with_attr) { nla_put_u8(M, ERCX_A_PATH, ERCX_PATH_VPN); }
B(flush_with_attr) { nla_put_u32(M, ERCX_A_GENERATION, 1); }

#define REJ(name, command, e1, e2)				\
	FIXTURE_VARIANT_ADD(reject, name) {			\
		.cmd = ERCX_CMD_##command,			\
		.build = build_##name,				\
		.err1 = e1, .err2 = e2,				\
	}

REJ(unknown_top_attr, POLICY_SET, EINVAL, EINVAL);
REJ(unknown_top_attr_big, POLICY_SET, EINVAL, EINVAL);
REJ(unknown_path_attr, POLICY_SET, EINVAL, EINVAL);
REJ(unknown_pfx_attr, POLICY_SET, EINVAL, EINVAL);
REJ(no_path_er, POLICY_SET, EINVAL, EINVAL);
REJ(no_path_vpn, POLICY_SET, EINVAL, EINVAL);
REJ(no_paths, POLICY_SET, EINVAL, EINVAL);
REJ(no_ifindex, POLICY_SET, EINVAL, EINVAL);
REJ(no_such_device, POLICY_SET, ENODEV, EINVAL);
REJ(same_device, POLICY_SET, EINVAL, EINVAL);
REJ(path_not_nested, POLICY_SET, EINVAL, EINVAL);
REJ(pfx_no_plen, POLICY_SET, EINVAL, EINVAL);
REJ(pfx_no_addr, POLICY_SET, EINVAL, EINVAL);
REJ(pfx_both_addr, POLICY_SET, EINVAL, EINVAL);
REJ(pfx_no_via, POLICY_SET, EINVAL, EINVAL);
REJ(mss_100, POLICY_SET, ERANGE, EINVAL);
REJ(mss_535, POLICY_SET, ERANGE, EINVAL);
REJ(mss_9001, POLICY_SET, ERANGE, EINVAL);
REJ(mss6_1219, POLICY_SET, ERANGE, EINVAL);
REJ(mss_as_u32, POLICY_SET, ERANGE, EINVAL);
REJ(mss_scope_2, POLICY_SET, ERANGE, EINVAL);
REJ(nopath_2, POLICY_SET, ERANGE, EINVAL);
REJ(plen_33_v4, POLICY_SET, ERANGE, EINVAL);
REJ(plen_129_v6, POLICY_SET, ERANGE, EINVAL);
REJ(via_4, POLICY_SET, ERANGE, EINVAL);
REJ(host_bits_v4, POLICY_SET, EINVAL, EINVAL);
REJ(host_bits_v6, POLICY_SET, EINVAL, EINVAL);
REJ(addr6_short, POLICY_SET, ERANGE, EINVAL);
REJ(duplicate, POLICY_SET, EEXIST, EINVAL);
REJ(duplicate_v6, POLICY_SET, EEXIST, EINVAL);
REJ(bad_last_of_many, POLICY_SET, EINVAL, EINVAL);
REJ(gateway6_len4, POLICY_SET, ERANGE, EINVAL);
REJ(probe_interval_5, POLICY_SET, ERANGE, EINVAL);
REJ(probe_multiplier_0, POLICY_SET, ERANGE, EINVAL);
REJ(peer4_on_er, POLICY_SET, EINVAL, EINVAL);
REJ(fwmark_outside_mask, POLICY_SET, EINVAL, EINVAL);
REJ(table_zero, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_is_er, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_no_ifindex, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_no_such_device, POLICY_SET, ENODEV, EINVAL);
REJ(underlay_table_of_er, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_mark_of_vpn, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_probe, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_peer, POLICY_SET, EINVAL, EINVAL);
REJ(ro_underlay_packets, POLICY_SET, EINVAL, EINVAL);
REJ(table_main, POLICY_SET, EINVAL, EINVAL);
REJ(ro_generation, POLICY_SET, EINVAL, EINVAL);
REJ(ro_prefix_count, POLICY_SET, EINVAL, EINVAL);
REJ(ro_mode, POLICY_SET, EINVAL, EINVAL);
REJ(ro_active_path, POLICY_SET, EINVAL, EINVAL);
REJ(ro_policy_loaded, POLICY_SET, EINVAL, EINVAL);
REJ(ro_path_attr, POLICY_SET, EINVAL, EINVAL);
REJ(ro_stats, POLICY_SET, EINVAL, EINVAL);
REJ(ifname_too_long, POLICY_SET, ERANGE, EINVAL);
REJ(ifname_empty, POLICY_SET, EINVAL, EINVAL);
REJ(ifname_slash, POLICY_SET, EINVAL, EINVAL);
REJ(ifname_no_nul, POLICY_SET, EINVAL, EINVAL);
REJ(ifname_same_as_vpn, POLICY_SET, EINVAL, EINVAL);
REJ(underlay_named_as_er, POLICY_SET, EINVAL, EINVAL);
REJ(transit_2, POLICY_SET, ERANGE, EINVAL);
REJ(ro_path_state, POLICY_SET, EINVAL, EINVAL);
REJ(ro_path_tx_packets, POLICY_SET, EINVAL, EINVAL);
REJ(ro_pfx_path, POLICY_SET, EINVAL, EINVAL);
REJ(failover_none, FAILOVER, ERANGE, EINVAL);
REJ(failover_7, FAILOVER, ERANGE, EINVAL);
REJ(failover_no_path, FAILOVER, EINVAL, EINVAL);
REJ(failover_extra_attr, FAILOVER, EINVAL, EINVAL);
REJ(auto_with_attr, AUTO, EINVAL, EINVAL);
REJ(flush_with_attr, FLUSH, EINVAL, EINVAL);

TEST_HARNESS_MAIN
