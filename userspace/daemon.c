// SPDX-License-Identifier: GPL-2.0
/*
 * daemon [CONFIG]: what `load` does, then follow rtnetlink and keep each
 * path's rule and its table's default routes in place, and the host's
 * exclusions in step with its addresses, without operator action: after a
 * device's admin down/up (IPv4 flushes its routes), its deletion and
 * re-creation (a new ifindex), an address removed and added again, a route
 * or rule someone deleted.  The kernel follows the devices by name; what it
 * cannot do, and this does, is the routing table.  See design.rst,
 * "Routes that stay".
 *
 * Events are coalesced (COALESCE_MS after the last one, at most
 * COALESCE_MAX_MS after the first), then one pass compares what is there
 * with what should be (rtnl_sync) and logs each action on stderr (the
 * journal under systemd).  A route the kernel refuses (its gateway is not
 * reachable yet) is tried again on the next event and on a timer that backs
 * off from RETRY_MIN_MS to RETRY_MAX_MS.  SIGHUP reloads the config (the
 * kernel keeps its counters across a policy replace); SIGTERM and SIGINT
 * end the daemon and leave the policy, rules and routes in place (`flush`
 * removes them).  With $NOTIFY_SOCKET set (systemd Type=notify) it says
 * READY=1 once the policy is loaded.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "check.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "load.h"
#include "nl.h"
#include "rtnl.h"
#include "rules.h"

#define COALESCE_MS	100
#define COALESCE_MAX_MS	1000
#define RETRY_MIN_MS	1000
#define RETRY_MAX_MS	30000

static const char usage_text[] = "Usage: " PROG_NAME " daemon [FILE]\n";

struct daemon {
	const char *file;
	struct config c;
	struct rtnl_sync st;
	int64_t first_event, last_event;	/* ms; 0: nothing to do */
	int64_t retry_at;			/* ms; 0: no retry due */
	int retry_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		fprintf(stderr, PROG_NAME ": daemon: sd_notify: %s\n", strerror(errno));
	close(fd);
}

/*
 * Parse and check @file into @c (CFG_RESOLVE_DEVICES) and load it with the
 * daemon's rtnl_sync state.  Exit status; errors and warnings printed.
 */
static int load_file(struct daemon *d, struct config *c, const char *file)
{
	struct findings fs = { 0 };
	uint32_t gen = 0;
	int ret;

	config_parse_file(c, file, CFG_RESOLVE_DEVICES);
	if (!c->nerr)
		rules_check(c, &fs);
	if (c->nerr || fs.nerr) {
		ret = report_check(c, &fs, file, false);
		findings_free(&fs);
		return ret;
	}
	findings_print(c, &fs, stderr);
	findings_free(&fs);
	ret = load_apply(c, &d->st, &gen);
	if (!ret)
		fprintf(stderr, PROG_NAME ": daemon: loaded %s: %zu prefixes, %zu exclusions of this host (generation %u)\n",
			config_shown_name(file), c->npfx, c->nexcl, gen);
	return ret;
}

/* Whether two exclusion lists are the same */
static bool same_excl(const struct cfg_prefix *a, size_t na,
		      const struct cfg_prefix *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (prefix_cmp(&a[i], &b[i]))
			return false;
	return true;
}

/* The policy again: exclusions changed, or a legacy module's devices did */
static void resend_policy(struct daemon *d, const char *why)
{
	uint32_t gen = 0;
	struct nl nl;

	if (genl_open(&nl))
		return;
	if (!kernel_set_config(&nl, &d->c, &gen))
		fprintf(stderr, PROG_NAME ": daemon: policy sent again (%s): %zu exclusions of this host (generation %u)\n",
			why, d->c.nexcl, gen);
	nl_close(&nl);
}

static void log_missing(const struct daemon *d, unsigned int before)
{
	const struct cfg_path *p[3] = { &d->c.er, &d->c.vpn, &d->c.underlay };
	int i;

	for (i = 0; i < 3; i++) {
		unsigned int m = 3U << (i * 2);

		if ((d->st.missing & m) && !(before & m))
			fprintf(stderr, PROG_NAME ": daemon: device %s is gone: its routes in table %u wait for it\n",
				p[i]->dev, p[i]->table);
		else if (!(d->st.missing & m) && (before & m))
			fprintf(stderr, PROG_NAME ": daemon: device %s is back\n",
				p[i]->dev);
	}
}

/* One pass: the devices, the exclusions, then the rules and routes */
static void reconcile(struct daemon *d)
{
	struct cfg_prefix *old = d->c.excl;
	size_t nold = d->c.nexcl;
	unsigned int missing = d->st.missing;
	bool moved;

	moved = config_resolve_devices(&d->c);
	d->c.excl = NULL;
	d->c.nexcl = 0;
	if (host_exclusions_update(&d->c)) {
		/* cannot tell: keep what the kernel has */
		free(d->c.excl);
		d->c.excl = old;
		d->c.nexcl = nold;
		old = NULL;
	}
	if (old && !same_excl(old, nold, d->c.excl, d->c.nexcl))
		resend_policy(d, "the host's addresses changed");
	else if (moved && kernel_legacy)
		resend_policy(d, "a device has a new index");
	free(old);
	rtnl_sync(&d->c, &d->st);
	log_missing(d, missing);
	if (d->st.pending) {
		if (!d->retry_at) {
			d->retry_ms = d->retry_ms ? d->retry_ms * 2 : RETRY_MIN_MS;
			if (d->retry_ms > RETRY_MAX_MS)
				d->retry_ms = RETRY_MAX_MS;
			d->retry_at = now_ms() + d->retry_ms;
		}
	} else {
		d->retry_ms = 0;
		d->retry_at = 0;
	}
}

static void reload(struct daemon *d)
{
	struct config c;
	int ret;

	notify("RELOADING=1");
	fprintf(stderr, PROG_NAME ": daemon: SIGHUP: reloading %s\n",
		config_shown_name(d->file));
	ret = load_file(d, &c, d->file);
	if (ret) {
		fprintf(stderr, PROG_NAME ": daemon: reload failed (exit status %d): the running policy stays\n",
			ret);
		config_free(&c);
	} else {
		config_free(&d->c);
		d->c = c;
	}
	notify("READY=1");
}

/* Is this rtnetlink message about something we keep? */
static bool relevant(const struct daemon *d, const struct nlmsghdr *nlh)
{
	const struct cfg_path *p[3] = { &d->c.er, &d->c.vpn, &d->c.underlay };
	const struct nlattr *a;
	int i;

	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
	case RTM_NEWRULE:
	case RTM_DELRULE:
		return true;
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

		if (!nl_payload_ok(nlh, sizeof(*ifi)))
			return false;
		for (i = 0; i < 3; i++)
			if (p[i]->ifindex && (unsigned int)ifi->ifi_index == p[i]->ifindex)
				return true;
		mnl_attr_for_each(a, nlh, sizeof(*ifi))
			if (mnl_attr_get_type(a) == IFLA_IFNAME &&
			    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				for (i = 0; i < 3; i++)
					if (p[i]->dev[0] &&
					    !strcmp(mnl_attr_get_str(a), p[i]->dev))
						return true;
		return false;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
		uint32_t table;

		if (!nl_payload_ok(nlh, sizeof(*rtm)))
			return false;
		table = rtm->rtm_table;
		mnl_attr_for_each(a, nlh, sizeof(*rtm))
			if (mnl_attr_get_type(a) == RTA_TABLE &&
			    !mnl_attr_validate(a, MNL_TYPE_U32))
				table = mnl_attr_get_u32(a);
		for (i = 0; i < 3; i++)
			if (table == p[i]->table)
				return true;
		return false;
	}
	}
	return false;
}

static void event(struct daemon *d)
{
	int64_t t = now_ms();

	if (!d->first_event)
		d->first_event = t;
	d->last_event = t;
}

/* Read what the rtnetlink socket has; an overrun means: look at everything */
static void read_events(struct daemon *d, struct mnl_socket *sk)
{
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nlh;
	ssize_t n;
	int left;

	for (;;) {
		n = recv(mnl_socket_get_fd(sk), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				event(d);	/* lost some: a full pass */
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return;		/* EAGAIN: all read */
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; nl_msg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left))
			if (relevant(d, nlh))
				event(d);
	}
}

/* Milliseconds until the next thing to do, or -1 */
static int timeout(const struct daemon *d)
{
	int64_t due = 0, t = now_ms();

	if (d->first_event) {
		due = d->last_event + COALESCE_MS;
		if (due > d->first_event + COALESCE_MAX_MS)
			due = d->first_event + COALESCE_MAX_MS;
	}
	if (d->retry_at && (!due || d->retry_at < due))
		due = d->retry_at;
	if (!due)
		return -1;
	return due <= t ? 0 : (int)(due - t);
}

static struct mnl_socket *rtnl_events_open(void)
{
	const unsigned int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR |
		RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE |
		RTMGRP_IPV4_RULE | (1U << (RTNLGRP_IPV6_RULE - 1));
	struct mnl_socket *sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int rcvbuf = 4 << 20;

	if (!sk)
		return NULL;
	/* bursts (a device with many routes going down) fit, mostly */
	setsockopt(mnl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		   sizeof(rcvbuf));
	if (mnl_socket_bind(sk, groups, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(sk);
		return NULL;
	}
	return sk;
}

int cmd_daemon(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { .file = DEFAULT_CONFIG };
	struct mnl_socket *sk = NULL;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];
	int o, ret, sfd = -1;
	sigset_t mask;
	bool run = true;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'h') {
			fputs(usage_text, stdout);
			printf("Load FILE (default " DEFAULT_CONFIG ") as `load` does, then keep the paths' rules\n"
			       "and routes and the host's exclusions in place as devices and addresses change.\n"
			       "SIGHUP reloads FILE; SIGTERM ends it, leaving the policy in place.\n");
			return EXIT_OK;
		}
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (optind < argc)
		d.file = argv[optind++];
	if (optind < argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);	/* one line per write */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* listening before the first load: no change in between is missed */
	sk = rtnl_events_open();
	if (sfd < 0 || !sk) {
		fprintf(stderr, PROG_NAME ": daemon: %s: %s\n",
			sfd < 0 ? "signalfd" : "rtnetlink", strerror(errno));
		ret = EXIT_REFUSED;
		goto out;
	}
	ret = load_file(&d, &d.c, d.file);
	if (ret)
		goto out;
	reconcile(&d);		/* what changed while it loaded, and retries */
	notify("READY=1");
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = mnl_socket_get_fd(sk), .events = POLLIN };
	while (run) {
		int t = timeout(&d), n;

		n = poll(pfd, 2, t);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, PROG_NAME ": daemon: poll: %s\n", strerror(errno));
			ret = EXIT_REFUSED;
			break;
		}
		if (n > 0 && (pfd[1].revents & POLLIN))
			read_events(&d, sk);
		while (n > 0 && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload(&d);
				event(&d);
				continue;
			}
			fprintf(stderr, PROG_NAME ": daemon: %s: exiting; the policy, rules and routes stay (`" PROG_NAME " flush` removes them)\n",
				strsignal((int)si.ssi_signo));
			notify("STOPPING=1");
			run = false;
		}
		if (run && timeout(&d) == 0) {
			d.first_event = d.last_event = 0;
			d.retry_at = 0;
			reconcile(&d);
		}
	}
out:
	if (sk)
		mnl_socket_close(sk);
	if (sfd >= 0)
		close(sfd);
	config_free(&d.c);
	return ret;
}
