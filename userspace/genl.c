// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink plumbing: sockets with extended ACKs, request/ACK and dumps,
 * the ercoexist family, and the policy encoder/decoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "ercoexistctl.h"

#define RCVBUF_SIZE	(4 << 20)
#define RECV_BUF	(64 << 10)

int nl_open(struct nl *nl, int bus)
{
	int one = 1, rcv = RCVBUF_SIZE, snd = 1 << 20;
	int fd;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	/* Best effort: old kernels lack these, and the ACK still works. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	fd = mnl_socket_get_fd(nl->sk);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/* A single message larger than the send buffer fails with EMSGSIZE. */
static void ensure_sndbuf(struct nl *nl, size_t len)
{
	int fd = mnl_socket_get_fd(nl->sk);
	int cur = 0, want;
	socklen_t sl = sizeof(cur);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) == 0 &&
	    (size_t)cur > len + 4096)
		return;
	if (len > (size_t)INT32_MAX / 2 - 65536)
		return;
	want = (int)len + 65536;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/* Copy the extack message (or a note on a missing attribute) to @msg. */
static void get_extack(const struct nlmsghdr *nlh, unsigned int off,
		       char *msg, size_t len)
{
	const struct nlattr *a;
	int miss = -1;

	if (!msg || !len)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return;
	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(msg, len, "%s", mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				miss = (int)mnl_attr_get_u32(a);
			break;
		}
	}
	if (!msg[0] && miss >= 0)
		snprintf(msg, len, "missing required attribute %d", miss);
}

bool nl_msg_ok(const struct nlmsghdr *nlh, int left)
{
	return left >= (int)sizeof(*nlh) &&
	       nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)left;
}

bool nl_payload_ok(const struct nlmsghdr *nlh, size_t len)
{
	return nlh->nlmsg_len >= NLMSG_HDRLEN &&
	       nlh->nlmsg_len - NLMSG_HDRLEN >= len;
}

int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    char *msg, size_t msglen)
{
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool intr = false;
	char *buf;
	int ret = 0;

	if (msg && msglen)
		msg[0] = '\0';
	req->nlmsg_seq = ++nl->seq;
	req->nlmsg_pid = 0;
	ensure_sndbuf(nl, req->nlmsg_len);
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	buf = malloc(RECV_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, RECV_BUF);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		left = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nl_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq ||
			    nlh->nlmsg_pid != nl->portid)
				continue;	/* not ours (e.g. a stale reply) */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				unsigned int off = sizeof(*e);

				if (!nl_payload_ok(nlh, sizeof(*e))) {
					ret = -EBADMSG;
					goto out;
				}
				if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
					off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				get_extack(nlh, off, msg, msglen);
				ret = e->error;
				goto out;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (nl_payload_ok(nlh, sizeof(int))) {
					ret = *(const int *)mnl_nlmsg_get_payload(nlh);
					if (ret)
						get_extack(nlh, sizeof(int), msg, msglen);
				}
				if (!ret && intr)
					ret = -EINTR;
				goto out;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && !intr && cb(nlh, data) < 0) {
				ret = -EBADMSG;
				if (!dump)
					goto out;
				intr = true;	/* keep reading to NLMSG_DONE */
			}
		}
	}
out:
	free(buf);
	return ret;
}

int report_refused_what(int err, const char *msg, const char *what)
{
	if (err > 0)
		err = -err;
	fprintf(stderr, PROG_NAME ": kernel refused: %s%s%s%s\n",
		msg && msg[0] ? msg : strerror(-err), what ? " (" : "",
		what ? what : "", what ? ")" : "");
	return EXIT_REFUSED;
}

int report_refused(int err, const char *msg)
{
	return report_refused_what(err, msg, NULL);
}

/* ------------------------------------------------------------------------ */
/* Family                                                                    */

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a, *g, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(ga, g) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
					    mnl_attr_validate(ga, MNL_TYPE_NUL_STRING) == 0)
						name = mnl_attr_get_str(ga);
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID &&
					    mnl_attr_validate(ga, MNL_TYPE_U32) == 0)
						id = mnl_attr_get_u32(ga);
				}
				if (name && !strcmp(name, ERCX_MCGRP_EVENTS))
					nl->events_grp = id;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

int genl_open(struct nl *nl)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int err;

	err = nl_open(nl, NETLINK_GENERIC);
	if (err) {
		fprintf(stderr, PROG_NAME ": netlink socket: %s\n", strerror(-err));
		return EXIT_REFUSED;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ERCX_GENL_NAME);
	err = nl_talk(nl, nlh, family_cb, nl, msg, sizeof(msg));
	if (err == -ENOENT || (!err && !nl->family)) {
		fprintf(stderr, PROG_NAME ": the ercoexist module is not loaded (modprobe ercoexist)\n");
		nl_close(nl);
		return EXIT_NOMODULE;
	}
	if (err) {
		nl_close(nl);
		return report_refused(err, msg);
	}
	return EXIT_OK;
}

struct nlmsghdr *genl_request(struct nl *nl, void *buf, uint8_t cmd,
			      uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (!(flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = ERCX_GENL_VERSION;
	return nlh;
}

int genl_simple(struct nl *nl, uint8_t cmd, const struct nlattr *path_attr)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh = genl_request(nl, buf, cmd, 0);
	int err;

	if (path_attr)
		mnl_attr_put(nlh, mnl_attr_get_type(path_attr),
			     mnl_attr_get_payload_len(path_attr),
			     mnl_attr_get_payload(path_attr));
	err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (err)
		return report_refused(err, msg);
	return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

#define NAME(tbl, i) ((i) < sizeof(tbl) / sizeof(tbl[0]) && tbl[i] ? tbl[i] : "unknown")

const char *path_name(unsigned int p)
{
	static const char *const n[] = { "none", "er", "vpn" };

	return NAME(n, p);
}

const char *mode_name(unsigned int m)
{
	static const char *const n[] = { "auto", "forced-vpn", "forced-er" };

	return NAME(n, m);
}

const char *reason_name(unsigned int r)
{
	static const char *const n[] = {
		[ERCX_REASON_NONE] = "none",
		[ERCX_REASON_UP] = "up",
		[ERCX_REASON_NO_DEVICE] = "no-device",
		[ERCX_REASON_ADMIN_DOWN] = "admin-down",
		[ERCX_REASON_CARRIER] = "carrier",
		[ERCX_REASON_OPERATOR] = "operator",
		[ERCX_REASON_PROBE_TIMEOUT] = "probe-timeout",
		[ERCX_REASON_FAILBACK] = "failback",
		[ERCX_REASON_POLICY] = "policy",
		[ERCX_REASON_AUTO] = "auto",
	};

	return NAME(n, r);
}

const char *state_name(unsigned int s)
{
	return s == ERCX_STATE_UP ? "up" : "down";
}

const char *event_name(unsigned int e)
{
	static const char *const n[] = {
		[ERCX_EVENT_NONE] = "none",
		[ERCX_EVENT_PATH_STATE] = "path-state",
		[ERCX_EVENT_ACTIVE_PATH] = "active-path",
		[ERCX_EVENT_POLICY] = "policy",
		[ERCX_EVENT_MODE] = "mode",
		[ERCX_EVENT_UNDERLAY] = "underlay",
		[ERCX_EVENT_PROBE] = "probe",
	};

	return NAME(n, e);
}

void format_time_ns(uint64_t ns, char *buf, size_t len)
{
	time_t s = (time_t)(ns / 1000000000ULL);
	unsigned int ms = (unsigned int)(ns / 1000000ULL % 1000);
	struct tm tm;

	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ms);
}

/* ------------------------------------------------------------------------ */
/* Policy: encode                                                            */

static void put_ip(struct nlmsghdr *nlh, const struct cfg_ip *ip, int t4, int t6)
{
	if (ip->set4)
		mnl_attr_put(nlh, (uint16_t)t4, 4, &ip->v4);
	if (ip->set6)
		mnl_attr_put(nlh, (uint16_t)t6, 16, &ip->v6);
}

static void put_path(struct nlmsghdr *nlh, int type, const struct cfg_path *p,
		     bool vpn)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, (uint16_t)type);

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

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == ERCX_A_GENERATION &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

void genl_put_policy(struct nlmsghdr *nlh, const struct config *c)
{
	size_t i;

	put_path(nlh, ERCX_A_PATH_ER, &c->er, false);
	put_path(nlh, ERCX_A_PATH_VPN, &c->vpn, true);
	if (c->underlay.dev[0])
		put_path(nlh, ERCX_A_UNDERLAY, &c->underlay, false);
	mnl_attr_put_u16(nlh, ERCX_A_MSS, c->mss);
	mnl_attr_put_u16(nlh, ERCX_A_MSS6, c->mss6);
	mnl_attr_put_u8(nlh, ERCX_A_MSS_SCOPE, c->mss_scope);
	mnl_attr_put_u8(nlh, ERCX_A_NOPATH, c->nopath);
	mnl_attr_put_u32(nlh, ERCX_A_FAILBACK_DELAY_MS, c->failback_ms);
	mnl_attr_put_u32(nlh, ERCX_A_FWMASK, c->fwmask);
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *p = &c->pfx[i];
		struct nlattr *nest = mnl_attr_nest_start(nlh, ERCX_A_PREFIX);

		if (p->family == AF_INET)
			mnl_attr_put(nlh, ERCX_PFX_A_ADDR4, 4, p->addr);
		else
			mnl_attr_put(nlh, ERCX_PFX_A_ADDR6, 16, p->addr);
		mnl_attr_put_u8(nlh, ERCX_PFX_A_PLEN, p->plen);
		mnl_attr_put_u8(nlh, ERCX_PFX_A_VIA, p->via);
		mnl_attr_nest_end(nlh, nest);
	}
}

int kernel_set_config(struct nl *nl, const struct config *c, uint32_t *gen)
{
	size_t size = GENL_POLICY_SIZE(c);
	struct nlmsghdr *nlh;
	char msg[512], *buf;
	int err;

	buf = calloc(1, size);
	if (!buf) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_REFUSED;
	}
	nlh = genl_request(nl, buf, ERCX_CMD_POLICY_SET, 0);
	genl_put_policy(nlh, c);
	err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (err) {
		free(buf);
		return report_refused(err, msg);
	}
	*gen = 0;
	nlh = genl_request(nl, buf, ERCX_CMD_STATUS_GET, 0);
	nl_talk(nl, nlh, gen_cb, gen, NULL, 0);
	free(buf);
	return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Policy: decode                                                            */

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

static void get_path(const struct nlattr *nest, struct cfg_path *p)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (get_ip(a, ERCX_PATH_A_GATEWAY4, ERCX_PATH_A_GATEWAY6, &p->gw) ||
		    get_ip(a, ERCX_PATH_A_PROBE4, ERCX_PATH_A_PROBE6, &p->probe) ||
		    get_ip(a, ERCX_PATH_A_PEER4, ERCX_PATH_A_PEER6, &p->peer))
			continue;
		switch (mnl_attr_get_type(a)) {
		case ERCX_PATH_A_IFINDEX:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				p->ifindex = mnl_attr_get_u32(a);
			break;
		case ERCX_PATH_A_IFNAME:
			if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				snprintf(p->dev, sizeof(p->dev), "%s",
					 mnl_attr_get_str(a));
			break;
		case ERCX_PATH_A_PROBE_INTERVAL_MS:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				p->probe_interval_ms = mnl_attr_get_u32(a);
			break;
		case ERCX_PATH_A_PROBE_MULTIPLIER:
			if (!mnl_attr_validate(a, MNL_TYPE_U8))
				p->probe_mult = mnl_attr_get_u8(a);
			break;
		case ERCX_PATH_A_FWMARK:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				p->fwmark = mnl_attr_get_u32(a);
			break;
		case ERCX_PATH_A_TABLE:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				p->table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (!p->dev[0] && p->ifindex && !if_indextoname(p->ifindex, p->dev))
		snprintf(p->dev, sizeof(p->dev), "if%u", p->ifindex);
	p->dev_line = 1;
}

struct getconf {
	struct config *c;
	bool loaded;
	uint32_t dump_gen;
	bool have_dump_gen;
};

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	struct getconf *g = data;
	struct config *c = g->c;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_POLICY_LOADED:
			g->loaded = true;
			break;
		case ERCX_A_PATH_ER:
			g->loaded = true;
			get_path(a, &c->er);
			break;
		case ERCX_A_PATH_VPN:
			get_path(a, &c->vpn);
			break;
		case ERCX_A_UNDERLAY:
			get_path(a, &c->underlay);
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
		case ERCX_A_GENERATION:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				c->generation = mnl_attr_get_u32(a);
			break;
		}
	}
	return MNL_CB_OK;
}

void genl_parse_policy(const struct nlmsghdr *nlh, struct config *c,
		       bool *loaded)
{
	struct getconf g = { .c = c };

	policy_cb(nlh, &g);
	*loaded = g.loaded;
}

static int get_prefix(const struct nlattr *nest, struct cfg_prefix *p)
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

static int prefix_cb(const struct nlmsghdr *nlh, void *data)
{
	struct getconf *g = data;
	const struct nlattr *a;
	struct cfg_prefix p;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_GENERATION:
			if (!mnl_attr_validate(a, MNL_TYPE_U32)) {
				g->dump_gen = mnl_attr_get_u32(a);
				g->have_dump_gen = true;
			}
			break;
		case ERCX_A_PREFIX:
			if (get_prefix(a, &p) < 0)
				return MNL_CB_ERROR;
			if (g->c->npfx == g->c->cap_pfx) {
				size_t n = g->c->cap_pfx ? g->c->cap_pfx * 2 : 256;
				struct cfg_prefix *np;

				np = realloc(g->c->pfx, n * sizeof(*np));
				if (!np)
					return MNL_CB_ERROR;
				g->c->pfx = np;
				g->c->cap_pfx = n;
			}
			g->c->pfx[g->c->npfx++] = p;
			break;
		}
	}
	return MNL_CB_OK;
}

int kernel_get_config(struct nl *nl, struct config *c, bool *loaded)
{
	char buf[256] = { 0 }, msg[512];
	struct getconf g;
	struct nlmsghdr *nlh;
	int err, tries;

	for (tries = 0; tries < 10; tries++) {
		config_free(c);
		config_init(c, "kernel");
		memset(&g, 0, sizeof(g));
		g.c = c;
		nlh = genl_request(nl, buf, ERCX_CMD_POLICY_GET, 0);
		err = nl_talk(nl, nlh, policy_cb, &g, msg, sizeof(msg));
		if (err == -ENOENT || err == -ENODATA) {
			*loaded = false;
			return EXIT_OK;
		}
		if (err)
			return report_refused(err, msg);
		*loaded = g.loaded;
		if (!g.loaded)
			return EXIT_OK;
		nlh = genl_request(nl, buf, ERCX_CMD_PREFIX_GET, NLM_F_DUMP);
		err = nl_talk(nl, nlh, prefix_cb, &g, msg, sizeof(msg));
		if (err == -EINTR || err == -EAGAIN ||
		    (!err && g.have_dump_gen && g.dump_gen != c->generation))
			continue;	/* the policy changed meanwhile: again */
		if (err == -EBADMSG) {
			fprintf(stderr, PROG_NAME ": malformed prefix in the kernel's dump\n");
			return EXIT_REFUSED;
		}
		if (err)
			return report_refused(err, msg);
		return EXIT_OK;
	}
	fprintf(stderr, PROG_NAME ": the policy kept changing while it was read\n");
	return EXIT_REFUSED;
}
