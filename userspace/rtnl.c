// SPDX-License-Identifier: GPL-2.0
/*
 * Routes and rules for the paths' tables, over rtnetlink.
 *
 * Per path P (ER, VPN) with mark M, table T, and per family F:
 *   ip -F rule add fwmark M/FwMask lookup T pref 10000+T proto 0xe5
 *   ip -F route replace default [via GW] dev DEV table T proto 0xe5
 * (the device route only for the VPN, for a family without a gateway).
 * The underlay ([Underlay] with a Device) gets the same rule and a default
 * route via its Gateway of each family (none without one), so that packets
 * the kernel's underlay guard re-marks leave by the Internet uplink.
 * Everything we install carries protocol RTPROT_ERCOEXIST, which is how
 * flush and stale-entry cleanup find it again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "ercoexistctl.h"
#include "nl.h"
#include "rtnl.h"
#include "rules.h"

struct want {
	uint8_t family;
	uint32_t table, mark, mask, pref;
};

struct found {
	uint8_t family;
	bool is_rule;
	uint32_t table, mark, mask, pref, oif, prio;
	bool has_mark, has_mask, has_prio, has_pref, has_oif;
	uint8_t gw[16];
	int gwlen;
	uint8_t dst[16];
	uint8_t dst_len, scope, type, proto;
};

struct foundlist {
	struct found *v;
	size_t n, cap;
	bool foreign;	/* collect what is not ours instead */
};

static int push_found(struct foundlist *l, const struct found *f)
{
	if (l->n == l->cap) {
		size_t n = l->cap ? l->cap * 2 : 16;
		struct found *nv = realloc(l->v, n * sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = n;
	}
	l->v[l->n++] = *f;
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct found f;
	bool ours = false;

	if (nlh->nlmsg_type != RTM_NEWRULE)
		return MNL_CB_OK;
	if (!nl_payload_ok(nlh, sizeof(*frh)))
		return MNL_CB_ERROR;
	memset(&f, 0, sizeof(f));
	f.is_rule = true;
	f.family = frh->family;
	f.table = frh->table;
	mnl_attr_for_each(a, nlh, sizeof(*frh)) {
		bool u32 = mnl_attr_validate(a, MNL_TYPE_U32) == 0;

		switch (mnl_attr_get_type(a)) {
		case FRA_PROTOCOL:
			ours = mnl_attr_validate(a, MNL_TYPE_U8) == 0 &&
			       mnl_attr_get_u8(a) == RTPROT_ERCOEXIST;
			break;
		case FRA_TABLE:
			if (u32)
				f.table = mnl_attr_get_u32(a);
			break;
		case FRA_PRIORITY:
			if (u32) {
				f.pref = mnl_attr_get_u32(a);
				f.has_pref = true;
			}
			break;
		case FRA_FWMARK:
			if (u32) {
				f.mark = mnl_attr_get_u32(a);
				f.has_mark = true;
			}
			break;
		case FRA_FWMASK:
			if (u32) {
				f.mask = mnl_attr_get_u32(a);
				f.has_mask = true;
			}
			break;
		}
	}
	if (ours != ((struct foundlist *)data)->foreign && push_found(data, &f))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct found f;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (!nl_payload_ok(nlh, sizeof(*rtm)))
		return MNL_CB_ERROR;
	if ((rtm->rtm_protocol == RTPROT_ERCOEXIST) ==
	    ((struct foundlist *)data)->foreign)
		return MNL_CB_OK;
	memset(&f, 0, sizeof(f));
	f.proto = rtm->rtm_protocol;
	f.family = rtm->rtm_family;
	f.table = rtm->rtm_table;
	f.dst_len = rtm->rtm_dst_len;
	f.scope = rtm->rtm_scope;
	f.type = rtm->rtm_type;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		bool u32 = mnl_attr_validate(a, MNL_TYPE_U32) == 0;
		uint16_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			if (u32)
				f.table = mnl_attr_get_u32(a);
			break;
		case RTA_OIF:
			if (u32) {
				f.oif = mnl_attr_get_u32(a);
				f.has_oif = true;
			}
			break;
		case RTA_PRIORITY:
			if (u32) {
				f.prio = mnl_attr_get_u32(a);
				f.has_prio = true;
			}
			break;
		case RTA_GATEWAY:
			if (len == 4 || len == 16) {
				memcpy(f.gw, mnl_attr_get_payload(a), len);
				f.gwlen = len;
			}
			break;
		case RTA_DST:
			if (len == 4 || len == 16)
				memcpy(f.dst, mnl_attr_get_payload(a), len);
			break;
		}
	}
	if (push_found(data, &f))
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int dump(struct nl *nl, uint16_t type, struct foundlist *l)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int err, tries;

	for (tries = 0; tries < 5; tries++) {
		l->n = 0;	/* a dump interrupted by a change starts over */
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = type;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		/* rtmsg and fib_rule_hdr share the layout of their first bytes */
		rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = AF_UNSPEC;
		err = nl_talk(nl, nlh, type == RTM_GETRULE ? rule_cb : route_cb,
			      l, msg, sizeof(msg));
		if (err != -EINTR)
			break;
	}
	if (err)
		return report_refused(err, msg);
	return EXIT_OK;
}

static const char *fam_flag(uint8_t f)
{
	return f == AF_INET6 ? "-6" : "-4";
}

static int del_rule(struct nl *nl, const struct found *f)
{
	char buf[512] = { 0 }, msg[256], what[160];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;
	int err;

	nlh->nlmsg_type = RTM_DELRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = f->family;
	frh->action = FR_ACT_TO_TBL;
	frh->table = f->table < 256 ? (uint8_t)f->table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, f->table);
	if (f->has_pref)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, f->pref);
	if (f->has_mark)
		mnl_attr_put_u32(nlh, FRA_FWMARK, f->mark);
	if (f->has_mask)
		mnl_attr_put_u32(nlh, FRA_FWMASK, f->mask);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, RTPROT_ERCOEXIST);
	err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (err == -ENOENT)
		return EXIT_OK;		/* gone already */
	if (err) {
		snprintf(what, sizeof(what), "ip %s rule del pref %u table %u",
			 fam_flag(f->family), f->pref, f->table);
		return report_refused_what(err, msg, what);
	}
	return EXIT_OK;
}

/*
 * The request for route @f (one of ours, as a dump found it) in @buf:
 * RTM_DELROUTE to delete it, RTM_NEWROUTE (create, replace) to put it back.
 */
static struct nlmsghdr *route_request(char *buf, uint16_t type,
				      const struct found *f)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = f->family;
	rtm->rtm_dst_len = f->dst_len;
	rtm->rtm_table = f->table < 256 ? (uint8_t)f->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_ERCOEXIST;
	rtm->rtm_scope = type == RTM_NEWROUTE ? f->scope : RT_SCOPE_NOWHERE;
	rtm->rtm_type = f->type;
	mnl_attr_put_u32(nlh, RTA_TABLE, f->table);
	if (f->has_oif)
		mnl_attr_put_u32(nlh, RTA_OIF, f->oif);
	if (f->has_prio)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, f->prio);
	if (f->gwlen)
		mnl_attr_put(nlh, RTA_GATEWAY, (size_t)f->gwlen, f->gw);
	return nlh;
}

static int del_route(struct nl *nl, const struct found *f)
{
	char buf[512] = { 0 }, msg[256], what[160];
	int err;

	err = nl_talk(nl, route_request(buf, RTM_DELROUTE, f), NULL, NULL,
		      msg, sizeof(msg));
	if (err == -ENOENT || err == -ESRCH)
		return EXIT_OK;
	if (err) {
		snprintf(what, sizeof(what), "ip %s route del table %u",
			 fam_flag(f->family), f->table);
		return report_refused_what(err, msg, what);
	}
	return EXIT_OK;
}

static bool wanted_rule(const struct found *f, const struct want *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f->family == w[i].family && f->table == w[i].table &&
		    f->has_pref && f->pref == w[i].pref && f->has_mark &&
		    f->mark == w[i].mark && f->has_mask && f->mask == w[i].mask)
			return true;
	return false;
}

static bool wanted_route(const struct found *f, const struct want *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f->family == w[i].family && f->table == w[i].table &&
		    f->dst_len == 0)
			return true;
	return false;
}

/* Is rule @w among ours in @l? */
static bool wanted_rule_in(const struct foundlist *l, const struct want *w)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (wanted_rule(&l->v[i], w, 1))
			return true;
	return false;
}

/* Remove our rules/routes that @w does not list (all when n == 0). */
static int cleanup(struct nl *nl, const struct want *rules, size_t nrules,
		   const struct want *routes, size_t nroutes)
{
	struct foundlist l = { 0 };
	int ret = EXIT_OK, r;
	size_t i;

	r = dump(nl, RTM_GETRULE, &l);
	if (r)
		ret = r;
	for (i = 0; !r && i < l.n; i++)
		if (!wanted_rule(&l.v[i], rules, nrules)) {
			r = del_rule(nl, &l.v[i]);
			if (r)
				ret = r;
		}
	r = dump(nl, RTM_GETROUTE, &l);
	if (r)
		ret = r;
	for (i = 0; !r && i < l.n; i++)
		if (!wanted_route(&l.v[i], routes, nroutes)) {
			r = del_route(nl, &l.v[i]);
			if (r)
				ret = r;
		}
	free(l.v);
	return ret;
}

static int add_rule(struct nl *nl, const struct want *w)
{
	char buf[512] = { 0 }, msg[256], what[160];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;
	int err;

	nlh->nlmsg_type = RTM_NEWRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = w->family;
	frh->action = FR_ACT_TO_TBL;
	frh->table = w->table < 256 ? (uint8_t)w->table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, w->table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, w->pref);
	mnl_attr_put_u32(nlh, FRA_FWMARK, w->mark);
	mnl_attr_put_u32(nlh, FRA_FWMASK, w->mask);
	mnl_attr_put_u8(nlh, FRA_PROTOCOL, RTPROT_ERCOEXIST);
	err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (err == -EEXIST)
		return EXIT_OK;		/* identical rule present: keep it */
	if (err) {
		snprintf(what, sizeof(what), "ip %s rule add fwmark 0x%x/0x%x lookup %u pref %u",
			 fam_flag(w->family), w->mark, w->mask, w->table, w->pref);
		return report_refused_what(err, msg, what);
	}
	return EXIT_OK;
}

static bool dev_is_up(unsigned int ifindex)
{
	struct ifreq ifr;
	bool up = false;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname(ifindex, ifr.ifr_name))
		return false;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;	/* cannot tell: report the error */
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	else
		up = true;
	close(fd);
	return up;
}

/* "ip -4 route replace default [via GW] dev DEV table T" for messages */
static void route_text(char *what, size_t len, const struct cfg_path *p,
		       uint8_t family, const void *gw)
{
	char a[INET6_ADDRSTRLEN] = "";

	if (gw)
		inet_ntop(family, gw, a, sizeof(a));
	snprintf(what, len, "ip %s route replace default%s%s dev %s table %u",
		 fam_flag(family), gw ? " via " : "", a, p->dev, p->table);
}

/*
 * Replace @p's default route of @family (@gw: its next hop, NULL for a
 * device route) on device @ifindex.  EXIT_OK, or with @pending (in: it was
 * pending; out: it still is) the kernel's refusal is a route to try again
 * later, logged the first time; else it is reported and the exit status
 * returned.
 */
static int add_route(struct nl *nl, const struct cfg_path *p,
		     unsigned int ifindex, uint8_t family, const void *gw,
		     bool *pending)
{
	char buf[512] = { 0 }, msg[256], what[160];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int err;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_table = p->table < 256 ? (uint8_t)p->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_ERCOEXIST;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, p->table);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (!err) {
		if (pending)
			*pending = false;
		return EXIT_OK;
	}
	route_text(what, sizeof(what), p, family, gw);
	if (pending) {
		/* the daemon tries again on the next event and on a timer */
		if (!*pending)
			fprintf(stderr, PROG_NAME ": %s: %s; trying again later\n",
				what, msg[0] ? msg : strerror(-err));
		*pending = true;
		return EXIT_OK;
	}
	if (!dev_is_up(ifindex) || !gw) {
		/*
		 * The kernel refuses next hops on a down device (and IPv4
		 * flushes routes through a device set down), and a tunnel may
		 * not carry the other family at all: not fatal.
		 */
		fprintf(stderr, PROG_NAME ": warning: %s: %s; not installed (`ercoexistctl daemon` installs it when it can)\n",
			what, msg[0] ? msg : strerror(-err));
		return EXIT_OK;
	}
	return report_refused_what(err, msg, what);
}

/* Is there one of our routes in @l matching @w, on @ifindex via @gw? */
static bool route_present(const struct foundlist *l, const struct want *w,
			  unsigned int ifindex, const void *gw)
{
	int gwlen = !gw ? 0 : w->family == AF_INET ? 4 : 16;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct found *f = &l->v[i];

		if (f->family == w->family && f->table == w->table &&
		    f->dst_len == 0 && f->has_oif && f->oif == ifindex &&
		    f->gwlen == gwlen && (!gwlen || !memcmp(f->gw, gw, (size_t)gwlen)))
			return true;
	}
	return false;
}

int rtnl_sync(const struct config *c, struct rtnl_sync *st)
{
	const struct cfg_path *paths[3] = { &c->er, &c->vpn, &c->underlay };
	struct foundlist have_rules = { 0 }, have_routes = { 0 };
	struct want rules[6], routes[6];
	size_t nrules = 0, nroutes = 0;
	int ret = EXIT_OK, r, i, npaths = c->underlay.dev[0] ? 3 : 2;
	struct nl nl;

	r = nl_open(&nl, NETLINK_ROUTE);
	if (r) {
		fprintf(stderr, PROG_NAME ": rtnetlink: %s\n", strerror(-r));
		return EXIT_REFUSED;
	}
	/* what is there: only what is missing or different is (re)installed */
	r = dump(&nl, RTM_GETRULE, &have_rules);
	if (!r)
		r = dump(&nl, RTM_GETROUTE, &have_routes);
	if (r) {
		ret = r;
		goto out;
	}
	for (i = 0; i < npaths; i++) {
		const struct cfg_path *p = paths[i];
		/* now, not at parse time: the device may have come or gone */
		unsigned int ifindex = p->dev[0] ? if_nametoindex(p->dev) : 0;
		bool vpn = i == 1, told = false;
		uint8_t fams[2] = { AF_INET, AF_INET6 };
		int k;

		for (k = 0; k < 2; k++) {
			struct want w = {
				.family = fams[k], .table = p->table,
				.mark = p->fwmark, .mask = c->fwmask,
				.pref = CFG_RULE_PREF_BASE + p->table,
			};
			unsigned int bit = 1U << (i * 2 + k);
			const void *gw = NULL;
			bool pending = false;
			char what[160];

			rules[nrules++] = w;
			if (fams[k] == AF_INET && p->gw.set4)
				gw = &p->gw.v4;
			if (fams[k] == AF_INET6 && p->gw.set6)
				gw = &p->gw.v6;
			if (!gw && !vpn)
				continue;
			routes[nroutes++] = w;
			if (!ifindex) {
				/* the kernel follows the name; the route waits */
				if (st)
					st->missing |= bit;
				else if (!told)
					fprintf(stderr, PROG_NAME ": warning: device %s does not exist: its routes in table %u wait for it (`ercoexistctl daemon` installs them)\n",
						p->dev, p->table);
				told = true;
				continue;
			}
			if (st) {
				st->missing &= ~bit;
				pending = st->pending & bit;
			}
			if (route_present(&have_routes, &w, ifindex, gw)) {
				if (st)
					st->pending &= ~bit;
				continue;
			}
			r = add_route(&nl, p, ifindex, fams[k], gw,
				      st ? &pending : NULL);
			if (r)
				ret = r;
			if (st && pending)
				st->pending |= bit;
			else if (st)
				st->pending &= ~bit;
			if (st && !pending) {
				route_text(what, sizeof(what), p, fams[k], gw);
				fprintf(stderr, PROG_NAME ": %s: installed\n", what);
				st->actions++;
			}
		}
	}
	for (i = 0; i < (int)nrules; i++) {
		if (wanted_rule_in(&have_rules, &rules[i]))
			continue;
		r = add_rule(&nl, &rules[i]);
		if (r)
			ret = r;
		else if (st) {
			fprintf(stderr, PROG_NAME ": ip %s rule add fwmark 0x%x/0x%x lookup %u pref %u: installed\n",
				fam_flag(rules[i].family), rules[i].mark,
				rules[i].mask, rules[i].table, rules[i].pref);
			st->actions++;
		}
	}
	r = cleanup(&nl, rules, nrules, routes, nroutes);
	if (r)
		ret = r;
out:
	free(have_rules.v);
	free(have_routes.v);
	nl_close(&nl);
	return ret;
}

int rtnl_flush(void)
{
	struct nl nl;
	int r;

	r = nl_open(&nl, NETLINK_ROUTE);
	if (r) {
		fprintf(stderr, PROG_NAME ": rtnetlink: %s\n", strerror(-r));
		return EXIT_REFUSED;
	}
	r = cleanup(&nl, NULL, 0, NULL, 0);
	nl_close(&nl);
	return r;
}

/* ------------------------------------------------------------------------ */
/* The host's addresses                                                      */

struct addrlist {
	struct host_addr *v;
	size_t n, cap;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *local = NULL, *address = NULL;
	struct addrlist *l = data;
	struct host_addr h;
	size_t len;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return MNL_CB_OK;
	if (!nl_payload_ok(nlh, sizeof(*ifa)))
		return MNL_CB_ERROR;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(a) != len)
			continue;
		if (mnl_attr_get_type(a) == IFA_LOCAL)
			local = a;
		else if (mnl_attr_get_type(a) == IFA_ADDRESS)
			address = a;
	}
	if (!local)
		local = address;	/* IPv6: IFA_ADDRESS only */
	if (!local || !address || !if_indextoname(ifa->ifa_index, h.dev))
		return MNL_CB_OK;
	memset(&h.local, 0, sizeof(h.local));
	h.local.family = ifa->ifa_family;
	h.local.plen = (uint8_t)(len * 8);
	memcpy(h.local.addr, mnl_attr_get_payload(local), len);
	/* the subnet: of the peer's address on a point-to-point link */
	h.net = h.local;
	memcpy(h.net.addr, mnl_attr_get_payload(address), len);
	prefix_mask(&h.net, ifa->ifa_prefixlen);
	if (l->n == l->cap) {
		size_t n = l->cap ? l->cap * 2 : 16;
		struct host_addr *nv = realloc(l->v, n * sizeof(*nv));

		if (!nv)
			return MNL_CB_ERROR;
		l->v = nv;
		l->cap = n;
	}
	l->v[l->n++] = h;
	return MNL_CB_OK;
}

int rtnl_host_addrs(struct host_addr **v, size_t *n)
{
	char buf[256] = { 0 }, msg[256];
	struct addrlist l = { 0 };
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int err, tries;
	struct nl nl;

	*v = NULL;
	*n = 0;
	if (nl_open(&nl, NETLINK_ROUTE))
		return -1;
	for (tries = 0; tries < 5; tries++) {
		l.n = 0;
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		err = nl_talk(&nl, nlh, addr_cb, &l, msg, sizeof(msg));
		if (err != -EINTR)
			break;
	}
	nl_close(&nl);
	if (err) {
		free(l.v);
		return -1;
	}
	*v = l.v;
	*n = l.n;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Route lookup                                                              */

/* What RTM_GETROUTE answered for one address. */
struct gwroute {
	unsigned int oif;
	bool via, local, unicast;
};

static int gwroute_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct gwroute *r = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (!nl_payload_ok(nlh, sizeof(*rtm)))
		return MNL_CB_ERROR;
	r->local = rtm->rtm_type == RTN_LOCAL;
	r->unicast = rtm->rtm_type == RTN_UNICAST;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_OIF &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			r->oif = mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) == RTA_GATEWAY)
			r->via = true;
	}
	return MNL_CB_OK;
}

/* RTM_GETROUTE for @dst (4 or 16 bytes by @family), no mark: 0 or -errno */
static int route_get(struct nl *nl, uint8_t family, const void *dst,
		     struct gwroute *r)
{
	char buf[256] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	memset(r, 0, sizeof(*r));
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst);
	return nl_talk(nl, nlh, gwroute_cb, r, NULL, 0);
}

int rtnl_route_dev(uint8_t family, const void *dst, unsigned int *oif)
{
	struct gwroute r;
	struct nl nl;
	int err;

	*oif = 0;
	err = nl_open(&nl, NETLINK_ROUTE);
	if (err)
		return err;
	err = route_get(&nl, family, dst, &r);
	nl_close(&nl);
	if (err == -ENETUNREACH || err == -EHOSTUNREACH || err == -ESRCH)
		return 0;	/* no route: *oif stays 0 */
	/* unreachable, blackhole, ...: no device */
	if (!err && (r.unicast || r.local))
		*oif = r.oif;
	return err;
}

/* ------------------------------------------------------------------------ */
/* All-or-nothing load: check first, and put back what a failed load changed */

/*
 * Is @gw (by @family) directly connected to @p's device?  The kernel takes
 * a next hop only there; 0 when it is, else a message in @why.
 */
static int gw_on_link(struct nl *nl, const struct cfg_path *p, uint8_t family,
		      const void *gw, char *why, size_t len)
{
	char dev[IF_NAMESIZE] = "?";
	struct gwroute r;
	int err;

	err = route_get(nl, family, gw, &r);
	if (err && err != -ENETUNREACH && err != -EHOSTUNREACH)
		return 0;	/* cannot tell: the route request will say */
	if (!err && r.oif == p->ifindex && !r.via && !r.local)
		return 0;
	if (err || !r.oif)
		snprintf(why, len, "no route to it");
	else if (r.local)
		snprintf(why, len, "it is an address of this host");
	else if (r.oif != p->ifindex)
		snprintf(why, len, "the host reaches it by %s",
			 if_indextoname(r.oif, dev) ? dev : "another device");
	else
		snprintf(why, len, "it is not on a subnet of %s (reached via a gateway)",
			 p->dev);
	return -1;
}

/*
 * A path's table and mark must be ours alone: a table that already holds
 * someone else's routes (a routing daemon's, an admin's) would mix them
 * into the path, and a rule of someone else's on the path's mark or table
 * would take the path's packets first or use the table for its own.
 */
static int tables_marks_free(struct nl *nl, const struct config *c,
			     const struct cfg_path *const paths[3],
			     const char *const sect[3])
{
	struct foundlist rules = { .foreign = true }, routes = { .foreign = true };
	int ret = EXIT_OK, i;
	size_t k;

	if (dump(nl, RTM_GETRULE, &rules) || dump(nl, RTM_GETROUTE, &routes)) {
		ret = EXIT_REFUSED;
		goto out;
	}
	for (i = 0; i < 3; i++) {
		const struct cfg_path *p = paths[i];
		char a[INET6_ADDRSTRLEN];

		if (!p->dev[0] || !p->table)
			continue;
		for (k = 0; k < routes.n; k++) {
			const struct found *f = &routes.v[k];

			if (f->table != p->table)
				continue;
			inet_ntop(f->family, f->dst, a, sizeof(a));
			fprintf(stderr, "%s:%d: [%s] Table %u already holds a route ercoexist did not install (%s/%u proto %u): give the path a table of its own\n",
				c->name, p->table_line ? p->table_line : c->section_line[i],
				sect[i], p->table, f->dst_len ? a : "default",
				f->dst_len, f->proto);
			ret = EXIT_USAGE;
			break;
		}
		for (k = 0; k < rules.n; k++) {
			const struct found *f = &rules.v[k];
			const char *why = NULL;

			if (f->table == p->table)
				why = "looks up the path's table";
			else if (f->has_mark && f->mark &&
				 (f->mark & c->fwmask) == p->fwmark)
				why = "matches the path's mark";
			if (!why)
				continue;
			fprintf(stderr, "%s:%d: [%s] an ip %s rule ercoexist did not install (pref %u, fwmark 0x%x, table %u) %s: remove it or choose another %s\n",
				c->name,
				f->table == p->table ?
				(p->table_line ? p->table_line : c->section_line[i]) :
				(p->fwmark_line ? p->fwmark_line : c->section_line[i]),
				sect[i], fam_flag(f->family), f->pref, f->mark,
				f->table, why,
				f->table == p->table ? "Table" : "FwMark");
			ret = EXIT_USAGE;
			break;
		}
	}
out:
	free(rules.v);
	free(routes.v);
	return ret;
}

int rtnl_check(const struct config *c)
{
	const struct cfg_path *paths[3] = { &c->er, &c->vpn, &c->underlay };
	static const char *const sect[3] = { "ExpressRoute", "VPN", "Underlay" };
	int ret = EXIT_OK, i, r;
	struct nl nl;

	r = nl_open(&nl, NETLINK_ROUTE);
	if (r) {
		fprintf(stderr, PROG_NAME ": rtnetlink: %s\n", strerror(-r));
		return EXIT_REFUSED;
	}
	for (i = 0; i < 3; i++) {
		const struct cfg_path *p = paths[i];
		char a[INET6_ADDRSTRLEN], why[128];

		/* a device that is down gets its routes later (a warning) */
		if (!p->dev[0] || !p->ifindex || !dev_is_up(p->ifindex))
			continue;
		if (p->gw.set4 && gw_on_link(&nl, p, AF_INET, &p->gw.v4, why,
					     sizeof(why))) {
			inet_ntop(AF_INET, &p->gw.v4, a, sizeof(a));
			fprintf(stderr, "%s:%d: [%s] Gateway %s cannot be a next hop on %s: %s\n",
				c->name, p->gw.line4, sect[i], a, p->dev, why);
			ret = EXIT_USAGE;
		}
		/* a link-local gateway is on every link: the kernel decides */
		if (p->gw.set6 && !IN6_IS_ADDR_LINKLOCAL(&p->gw.v6) &&
		    gw_on_link(&nl, p, AF_INET6, &p->gw.v6, why, sizeof(why))) {
			inet_ntop(AF_INET6, &p->gw.v6, a, sizeof(a));
			fprintf(stderr, "%s:%d: [%s] Gateway %s cannot be a next hop on %s: %s\n",
				c->name, p->gw.line6, sect[i], a, p->dev, why);
			ret = EXIT_USAGE;
		}
	}
	r = tables_marks_free(&nl, c, paths, sect);
	if (r && (!ret || r == EXIT_REFUSED))
		ret = r;
	nl_close(&nl);
	return ret;
}

struct rtnl_snapshot {
	struct foundlist rules, routes;
};

struct rtnl_snapshot *rtnl_snapshot_take(void)
{
	struct rtnl_snapshot *s = calloc(1, sizeof(*s));
	struct nl nl;
	int r;

	if (!s) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return NULL;
	}
	r = nl_open(&nl, NETLINK_ROUTE);
	if (r) {
		fprintf(stderr, PROG_NAME ": rtnetlink: %s\n", strerror(-r));
		free(s);
		return NULL;
	}
	if (dump(&nl, RTM_GETRULE, &s->rules) ||
	    dump(&nl, RTM_GETROUTE, &s->routes)) {
		nl_close(&nl);
		rtnl_snapshot_free(s);
		return NULL;
	}
	nl_close(&nl);
	return s;
}

void rtnl_snapshot_free(struct rtnl_snapshot *s)
{
	if (!s)
		return;
	free(s->rules.v);
	free(s->routes.v);
	free(s);
}

static int readd_rule(struct nl *nl, const struct found *f)
{
	struct want w = {
		.family = f->family, .table = f->table, .mark = f->mark,
		.mask = f->mask, .pref = f->pref,
	};

	return add_rule(nl, &w);
}

static int readd_route(struct nl *nl, const struct found *f)
{
	char buf[512] = { 0 }, msg[256], what[96];
	int err;

	err = nl_talk(nl, route_request(buf, RTM_NEWROUTE, f), NULL, NULL,
		      msg, sizeof(msg));
	if (!err)
		return EXIT_OK;
	snprintf(what, sizeof(what), "ip %s route replace default table %u",
		 fam_flag(f->family), f->table);
	return report_refused_what(err, msg, what);
}

int rtnl_restore(const struct rtnl_snapshot *s)
{
	struct want *rules, *routes;
	int ret = EXIT_OK, r;
	struct nl nl;
	size_t i;

	rules = calloc(s->rules.n + 1, sizeof(*rules));
	routes = calloc(s->routes.n + 1, sizeof(*routes));
	r = rules && routes ? nl_open(&nl, NETLINK_ROUTE) : -ENOMEM;
	if (r) {
		fprintf(stderr, PROG_NAME ": rtnetlink: %s\n", strerror(-r));
		free(rules);
		free(routes);
		return EXIT_REFUSED;
	}
	for (i = 0; i < s->rules.n; i++) {
		const struct found *f = &s->rules.v[i];

		rules[i] = (struct want){ .family = f->family, .table = f->table,
					  .mark = f->mark, .mask = f->mask,
					  .pref = f->pref };
	}
	for (i = 0; i < s->routes.n; i++)
		routes[i] = (struct want){ .family = s->routes.v[i].family,
					   .table = s->routes.v[i].table };
	/* what the failed load added goes, then what it replaced comes back */
	ret = cleanup(&nl, rules, s->rules.n, routes, s->routes.n);
	for (i = 0; i < s->routes.n; i++) {
		r = readd_route(&nl, &s->routes.v[i]);
		if (r)
			ret = r;
	}
	for (i = 0; i < s->rules.n; i++) {
		r = readd_rule(&nl, &s->rules.v[i]);
		if (r)
			ret = r;
	}
	nl_close(&nl);
	free(rules);
	free(routes);
	return ret;
}
