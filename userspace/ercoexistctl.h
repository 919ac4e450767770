/* SPDX-License-Identifier: GPL-2.0 */
/* ercoexistctl: shared declarations. */
#ifndef ERCOEXISTCTL_H
#define ERCOEXISTCTL_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/ercoexist.h>

#include "config.h"
#include "rules.h"

#define PROG_NAME	"ercoexistctl"
#define PROG_VERSION	"v0.1.0"
#define DEFAULT_CONFIG	"/etc/ercoexist/ercoexist.conf"

/* Exit status (SPEC section 4) */
#define EXIT_OK		0
#define EXIT_USAGE	1	/* usage or config error */
#define EXIT_REFUSED	2	/* the kernel refused (extack printed) */
#define EXIT_NOMODULE	3	/* the ercoexist family is not registered */

/* Routes and rules we install carry this protocol (see ercoexistctl(8)). */
#define RTPROT_ERCOEXIST	0xe5

struct globals {
	bool json;
	bool pretty;
};
extern struct globals G;

/* ---- genl.c ---- */
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

/*
 * For a COMMAND that takes no argument: -1 to go on; else the exit status
 * (EXIT_OK after printing the usage on stdout for -h/--help, EXIT_USAGE
 * after printing it on stderr for anything else).
 */
int cmd_no_args(int argc, char **argv, const char *usage);
/* Run in the network namespace NAME (as `ip -n NAME`): 0 or -1 (printed) */
int netns_enter(const char *name);
/* Whether @nlh's payload holds at least @len bytes (a fixed header) */
bool nl_payload_ok(const struct nlmsghdr *nlh, size_t len);

/*
 * Open the ercoexist family.  Returns an exit status: EXIT_OK, or
 * EXIT_NOMODULE / EXIT_REFUSED after printing why.
 */
int genl_open(struct nl *nl);
struct nlmsghdr *genl_request(struct nl *nl, void *buf, uint8_t cmd,
			      uint16_t flags);
/* Print "ercoexistctl: kernel refused: MSG" and return EXIT_REFUSED. */
int report_refused(int err, const char *msg);
/* The same, naming the request: "... kernel refused: MSG (WHAT)" */
int report_refused_what(int err, const char *msg, const char *what);
/* A request with no attributes and no answer but the ACK. */
int genl_simple(struct nl *nl, uint8_t cmd, const struct nlattr *path_attr);

/* The kernel's view: POLICY_GET + PREFIX_GET dump into @c (prefix paths in pfx[].path). */
int kernel_get_config(struct nl *nl, struct config *c, bool *loaded);
/* Build and send POLICY_SET from @c.  Exit status. */
int kernel_set_config(struct nl *nl, const struct config *c, uint32_t *gen);
/*
 * The attributes of POLICY_SET for @c (paths, [Underlay] when it has a
 * Device, scalars, prefixes), appended to @nlh, which must have room for
 * GENL_POLICY_SIZE(c) bytes.  Exported for the tests.
 */
#define GENL_POLICY_SIZE(c)	(4096 + (c)->npfx * 64)
void genl_put_policy(struct nlmsghdr *nlh, const struct config *c);
/* Decode a POLICY_GET reply into @c (after config_init); prefixes not included. */
void genl_parse_policy(const struct nlmsghdr *nlh, struct config *c,
		       bool *loaded);

/* Names */
const char *path_name(unsigned int p);		/* none er vpn */
const char *mode_name(unsigned int m);		/* auto forced-vpn forced-er */
const char *reason_name(unsigned int r);
const char *state_name(unsigned int s);		/* down up */
const char *event_name(unsigned int e);
void format_time_ns(uint64_t ns, char *buf, size_t len);	/* ISO 8601 UTC, ms */

/* ---- rtnl.c ---- */
/* Install routes and rules for @c (idempotent).  Exit status. */
int rtnl_install(const struct config *c);
/* Remove every route and rule with protocol RTPROT_ERCOEXIST.  Exit status. */
int rtnl_flush(void);
/*
 * RTM_GETROUTE for @dst (4 or 16 bytes by @family), no mark, in the current
 * namespace: the output device's index in @oif (0: no route).  0 or -errno.
 */
int rtnl_route_dev(uint8_t family, const void *dst, unsigned int *oif);

/*
 * load.c: print a validation result (text or JSON): the syntax errors of @c
 * and the rule findings @fs.  Exit status: 1 for any error (or with
 * @strict, any warning), else 0.
 */
int report_check(const struct config *c, const struct findings *fs,
		 const char *file, bool strict);

/* ---- monitor.c (exported for the tests) ---- */
struct event {
	int type, path, prev, active, state, reason, mode;
	uint32_t generation, count;
	bool has_gen, has_count;
	uint64_t packets;	/* underlay: interventions so far */
	uint64_t ns;
};

/* 1 and @e filled when @nlh is an ERCX_CMD_EVENT of @family, else 0. */
int monitor_parse_event(const struct nlmsghdr *nlh, uint16_t family,
			struct event *e);
/* One line of text, or one compact JSON object per line (-j). */
void monitor_print_event(const struct event *e);

/* ---- status.c: the underlay guard's part (exported for the tests) ---- */
struct underlay_view {
	bool present;			/* the policy has an [Underlay] */
	char dev[IF_NAMESIZE];
	uint32_t table, fwmark;
	unsigned int er_ifindex;	/* the ER device */
	uint64_t interventions;
	struct cfg_ip peer;		/* [VPN] Peer */
};

/*
 * "underlay guard: ..." and a "warning: ..." line per peer address whose
 * route (looked up now, no mark) leaves by the ER device; in JSON the
 * "underlay" object.
 */
void status_print_underlay(const struct underlay_view *u);

/* ---- subcommands ---- */
int cmd_load(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_failover(int argc, char **argv);
int cmd_auto(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_flush(int argc, char **argv);

#endif
