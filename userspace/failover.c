// SPDX-License-Identifier: GPL-2.0
/*
 * failover [--to vpn|er]: force a path until `auto`.
 * auto: return to automatic selection (failback rules apply).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "names.h"

struct mode_state {
	int mode, active;
};

static int mode_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mode_state *m = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_validate(a, MNL_TYPE_U8))
			continue;
		if (mnl_attr_get_type(a) == ERCX_A_MODE)
			m->mode = mnl_attr_get_u8(a);
		else if (mnl_attr_get_type(a) == ERCX_A_ACTIVE_PATH)
			m->active = mnl_attr_get_u8(a);
	}
	return MNL_CB_OK;
}

static int set_mode(uint8_t cmd, int path)
{
	struct mode_state m = { -1, -1 };
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh;
	struct nl nl;
	int ret;

	ret = genl_open(&nl);
	if (ret)
		return ret;
	nlh = genl_request(&nl, buf, cmd, 0);
	if (path >= 0)
		mnl_attr_put_u8(nlh, ERCX_A_PATH, (uint8_t)path);
	ret = nl_talk(&nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (ret) {
		nl_close(&nl);
		return report_refused(ret, msg);
	}
	nlh = genl_request(&nl, buf, ERCX_CMD_STATUS_GET, 0);
	ret = nl_talk(&nl, nlh, mode_cb, &m, msg, sizeof(msg));
	nl_close(&nl);
	if (ret)
		return report_refused(ret, msg);
	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_ANY, "mode", "ercoexist: mode %s",
		     m.mode >= 0 ? mode_name((unsigned int)m.mode) : "unknown");
	print_string(PRINT_ANY, "active_path", ", active path %s\n",
		     m.active >= 0 ? path_name((unsigned int)m.active) : "unknown");
	json_end();
	return EXIT_OK;
}

int cmd_failover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o, path = ERCX_PATH_VPN;

	while ((o = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			if (!strcmp(optarg, "vpn"))
				path = ERCX_PATH_VPN;
			else if (!strcmp(optarg, "er"))
				path = ERCX_PATH_ER;
			else
				goto usage;
			break;
		case 'h':
			printf("Usage: " PROG_NAME " failover [--to vpn|er]\n");
			return EXIT_OK;
		default:
			goto usage;
		}
	}
	if (optind < argc)
		goto usage;
	return set_mode(ERCX_CMD_FAILOVER, path);
usage:
	fprintf(stderr, "Usage: " PROG_NAME " failover [--to vpn|er]\n");
	return EXIT_USAGE;
}

int cmd_auto(int argc, char **argv)
{
	int ret = cmd_no_args(argc, argv, "auto");

	if (ret >= 0)
		return ret;
	return set_mode(ERCX_CMD_AUTO, -1);
}
