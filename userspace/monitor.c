// SPDX-License-Identifier: GPL-2.0
/*
 * monitor [--count N]: one line per event of the "events" group, like
 * `ip monitor`; with -j one JSON object per line.  Flushed per event.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "monitor.h"
#include "names.h"

void monitor_print_event(const struct event *e)
{
	char t[40];

	format_time_ns(e->ns, t, sizeof(t));
	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_ANY, "time", "[%s]", t);
	print_u64(PRINT_JSON, "time_ns", NULL, e->ns);
	print_string(PRINT_ANY, "event", " %s", event_name((unsigned int)e->type));
	switch (e->type) {
	case ERCX_EVENT_PATH_STATE:
		print_string(PRINT_ANY, "path", " %s", path_name((unsigned int)e->path));
		print_string(PRINT_ANY, "state", " %s", state_name((unsigned int)e->state));
		print_string(PRINT_ANY, "reason", " (%s)", reason_name((unsigned int)e->reason));
		break;
	case ERCX_EVENT_ACTIVE_PATH:
		print_string(PRINT_ANY, "from", " %s", path_name((unsigned int)e->prev));
		print_string(PRINT_ANY, "to", " -> %s", path_name((unsigned int)e->active));
		print_string(PRINT_ANY, "reason", " (%s)", reason_name((unsigned int)e->reason));
		break;
	case ERCX_EVENT_POLICY:
		if (e->has_count && e->count == 0)
			print_text(" flushed");
		print_uint(PRINT_ANY, "generation", " generation %u", e->generation);
		if (e->has_count)
			print_uint(PRINT_ANY, "prefixes", ", %u prefixes", e->count);
		break;
	case ERCX_EVENT_PROBE:
		print_string(PRINT_ANY, "path", " %s", path_name((unsigned int)e->path));
		print_string(PRINT_ANY, "state", " %s", state_name((unsigned int)e->state));
		print_string(PRINT_ANY, "reason", " (%s)", reason_name((unsigned int)e->reason));
		break;
	case ERCX_EVENT_MODE:
		print_string(PRINT_ANY, "mode", " %s", mode_name((unsigned int)e->mode));
		print_string(PRINT_ANY, "reason", " (%s)", reason_name((unsigned int)e->reason));
		break;
	case ERCX_EVENT_UNDERLAY:
		print_u64(PRINT_ANY, "packets", " %llu packets", e->packets);
		print_text(" to the VPN peer kept off ExpressRoute so far");
		break;
	}
	print_text("\n");
	json_end();
}

int monitor_parse_event(const struct nlmsghdr *nlh, uint16_t family, struct event *e)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct timespec ts;

	if (nlh->nlmsg_type != family || !nl_payload_ok(nlh, sizeof(*g)) ||
	    g->cmd != ERCX_CMD_EVENT)
		return 0;
	memset(e, 0, sizeof(*e));
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		uint64_t v = codec_get_uint(a);

		switch (mnl_attr_get_type(a)) {
		case ERCX_A_EVENT:
			e->type = (int)v;
			break;
		case ERCX_A_PATH:
			e->path = (int)v;
			break;
		case ERCX_A_PREV_PATH:
			e->prev = (int)v;
			break;
		case ERCX_A_ACTIVE_PATH:
			e->active = (int)v;
			break;
		case ERCX_A_STATE:
			e->state = (int)v;
			break;
		case ERCX_A_REASON:
			e->reason = (int)v;
			break;
		case ERCX_A_MODE:
			e->mode = (int)v;
			break;
		case ERCX_A_GENERATION:
			e->generation = (uint32_t)v;
			e->has_gen = true;
			break;
		case ERCX_A_PREFIX_COUNT:
			e->count = (uint32_t)v;
			e->has_count = true;
			break;
		case ERCX_A_TIMESTAMP_NS:
			e->ns = v;
			break;
		case ERCX_A_UNDERLAY_PACKETS:
			e->packets = v;
			break;
		}
	}
	if (!e->ns) {
		clock_gettime(CLOCK_REALTIME, &ts);
		e->ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	}
	return 1;
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, seen = 0;
	size_t bufsz = 64 << 10;
	struct nl nl;
	char *buf, *end;
	int o, ret;

	while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || count == 0)
				goto usage;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " monitor [--count N]\n");
			return EXIT_OK;
		default:
			goto usage;
		}
	}
	if (optind < argc)
		goto usage;
	ret = genl_open(&nl);
	if (ret)
		return ret;
	if (!nl.events_grp) {
		fprintf(stderr, PROG_NAME ": the ercoexist family has no \"%s\" group\n",
			ERCX_MCGRP_EVENTS);
		nl_close(&nl);
		return EXIT_REFUSED;
	}
	if (mnl_socket_setsockopt(nl.sk, NETLINK_ADD_MEMBERSHIP, &nl.events_grp,
				  sizeof(nl.events_grp)) < 0) {
		fprintf(stderr, PROG_NAME ": joining the events group: %s\n", strerror(errno));
		nl_close(&nl);
		return EXIT_REFUSED;
	}
	buf = malloc(bufsz);
	if (!buf) {
		nl_close(&nl);
		return EXIT_REFUSED;
	}
	ret = EXIT_OK;
	while (!count || seen < count) {
		const struct nlmsghdr *nlh;
		ssize_t n = mnl_socket_recvfrom(nl.sk, buf, bufsz);
		int left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, PROG_NAME ": warning: events lost (receive buffer overrun)\n");
				continue;
			}
			fprintf(stderr, PROG_NAME ": receive: %s\n", strerror(errno));
			ret = EXIT_REFUSED;
			break;
		}
		left = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nl_msg_ok(nlh, left) &&
		     (!count || seen < count); nlh = mnl_nlmsg_next(nlh, &left)) {
			struct event e;

			if (monitor_parse_event(nlh, nl.family, &e)) {
				monitor_print_event(&e);
				seen++;
			}
		}
	}
	free(buf);
	nl_close(&nl);
	return ret;
usage:
	fprintf(stderr, "Usage: " PROG_NAME " monitor [--count N]\n");
	return EXIT_USAGE;
}
