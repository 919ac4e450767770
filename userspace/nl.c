// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink sockets: extended ACKs, big buffers, request/ACK and dumps, and
 * the report of a refusal.  Used for generic netlink (genl.c) and
 * rtnetlink (rtnl.c) alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>

#include "ercoexistctl.h"
#include "nl.h"

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
