/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink sockets (generic netlink and rtnetlink alike): extended ACKs,
 * request/ACK and dumps, and how a refusal is reported.
 */
#ifndef ERCX_NL_H
#define ERCX_NL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;	/* genl family id (genl sockets) */
	uint32_t events_grp;	/* multicast group id of "events" */
};

typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Open a socket of @bus with ext-ack, cap-ack and big buffers. 0 or -errno. */
int nl_open(struct nl *nl, int bus);
void nl_close(struct nl *nl);
/*
 * Send @req and read until its ACK (or NLMSG_DONE for a dump), passing
 * every data message to @cb.  Returns 0, or -errno from the kernel (its
 * extack message is copied to @msg when not NULL), or -EINTR when a dump
 * was interrupted (NLM_F_DUMP_INTR).
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    char *msg, size_t msglen);
/*
 * Whether @nlh is a whole message within the @left bytes received: what
 * mnl_nlmsg_ok() checks, without its signed comparison (libmnl 1.0.4 lets
 * an nlmsg_len of 2^31 or more through as a negative int).
 */
bool nl_msg_ok(const struct nlmsghdr *nlh, int left);
/* Whether @nlh's payload holds at least @len bytes (a fixed header) */
bool nl_payload_ok(const struct nlmsghdr *nlh, size_t len);

/* Print "ercoexistctl: kernel refused: MSG" and return EXIT_REFUSED. */
int report_refused(int err, const char *msg);
/* The same, naming the request: "... kernel refused: MSG (WHAT)" */
int report_refused_what(int err, const char *msg, const char *what);

#endif
