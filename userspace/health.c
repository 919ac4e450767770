// SPDX-License-Identifier: GPL-2.0
/*
 * health [-q] [--path any|er|vpn]: exit 0 when this gateway has a usable
 * path for its policy traffic, 4 when it has none (or no policy), 3 when
 * the module is not loaded.  Silent on success; otherwise one line on
 * stderr (none with -q).  Made for a keepalived vrrp_script: one request
 * (STATUS_GET) after the family lookup, no prefix dump, no output to parse.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "health.h"
#include "json.h"
#include "names.h"

#define HEALTH_USAGE "health [-q|--quiet] [--path any|er|vpn]"

static void get_path(const struct nlattr *nest, struct health_in *in, int i)
{
	const struct nlattr *a;

	in->path[i].present = true;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_PATH_A_STATE:
			in->path[i].state = (int)codec_get_uint(a);
			break;
		case ERCX_PATH_A_REASON:
			in->path[i].reason = (int)codec_get_uint(a);
			break;
		}
	}
}

int health_status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct health_in *in = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_POLICY_LOADED:
			in->loaded = true;
			break;
		case ERCX_A_MODE:
			in->mode = (int)codec_get_uint(a);
			break;
		case ERCX_A_ACTIVE_PATH:
			in->active = (int)codec_get_uint(a);
			break;
		case ERCX_A_FAILBACK_PENDING:
			in->failback_pending = codec_get_uint(a) != 0;
			break;
		case ERCX_A_PATH_ER:
			get_path(a, in, 0);
			break;
		case ERCX_A_PATH_VPN:
			get_path(a, in, 1);
			break;
		}
	}
	return MNL_CB_OK;
}

/* "er down (carrier)", "er waiting for the failback delay", "er excluded
 * by mode forced-vpn": why the path @i is not usable */
static void path_why(const struct health_in *in, int i, char *buf, size_t len)
{
	const char *name = i ? "vpn" : "er";
	int excl = i ? ERCX_MODE_FORCED_ER : ERCX_MODE_FORCED_VPN;

	if (in->path[i].state != ERCX_STATE_UP)
		snprintf(buf, len, "%s down (%s)", name,
			 reason_name((unsigned int)in->path[i].reason));
	else if (in->mode == excl)
		snprintf(buf, len, "%s excluded by mode %s", name,
			 mode_name((unsigned int)in->mode));
	else if (!i && in->failback_pending)
		snprintf(buf, len, "er waiting for the failback delay");
	else
		snprintf(buf, len, "%s not usable", name);
}

int health_verdict(const struct health_in *in, enum health_want want,
		   char *why, size_t len)
{
	char er[96], vpn[96];
	bool vpn_ok;

	if (!in->loaded) {
		snprintf(why, len, "no policy loaded");
		return EXIT_UNHEALTHY;
	}
	/* the kernel's own answer for a prefix both paths reach: ER when
	 * ER is usable, else the VPN when it is, else none */
	vpn_ok = in->path[1].present && in->path[1].state == ERCX_STATE_UP &&
		 in->mode != ERCX_MODE_FORCED_ER;
	path_why(in, 0, er, sizeof(er));
	path_why(in, 1, vpn, sizeof(vpn));
	switch (want) {
	case HEALTH_ER:
		if (in->active == ERCX_PATH_ER)
			break;
		snprintf(why, len, "er not usable: %s", er);
		return EXIT_UNHEALTHY;
	case HEALTH_VPN:
		if (vpn_ok)
			break;
		snprintf(why, len, "vpn not usable: %s", vpn);
		return EXIT_UNHEALTHY;
	case HEALTH_ANY:
	default:
		if (in->active != ERCX_PATH_NONE)
			break;
		snprintf(why, len, "no usable path: %s, %s", er, vpn);
		return EXIT_UNHEALTHY;
	}
	why[0] = '\0';
	return EXIT_OK;
}

/* -q: nothing on stderr, also what genl_open would say */
static void silence_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static int health_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG_NAME " " HEALTH_USAGE "\n");
	if (f == stdout)
		printf("Exit 0 when a path (or the one --path names) is usable now; 4 when not,\n"
		       "or when no policy is loaded; 3 when the module is not loaded.\n"
		       "Prints nothing on success, the reason on stderr otherwise (-q: nothing).\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int cmd_health(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "path", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const want_name[] = { "any", "er", "vpn" };
	enum health_want want = HEALTH_ANY;
	char buf[256] = { 0 }, msg[256], why[256];
	struct health_in in;
	struct nlmsghdr *nlh;
	bool quiet = false;
	struct nl nl;
	int o, ret;

	while ((o = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (o) {
		case 'q':
			quiet = true;
			break;
		case 'P':
			if (!strcmp(optarg, "any"))
				want = HEALTH_ANY;
			else if (!strcmp(optarg, "er"))
				want = HEALTH_ER;
			else if (!strcmp(optarg, "vpn"))
				want = HEALTH_VPN;
			else
				return health_usage(stderr);
			break;
		case 'h':
			return health_usage(stdout);
		default:
			return health_usage(stderr);
		}
	}
	if (optind < argc)
		return health_usage(stderr);
	if (quiet)
		silence_stderr();

	ret = genl_open(&nl);
	if (ret)
		return ret;
	memset(&in, 0, sizeof(in));
	nlh = genl_request(&nl, buf, ERCX_CMD_STATUS_GET, 0);
	ret = nl_talk(&nl, nlh, health_status_cb, &in, msg, sizeof(msg));
	nl_close(&nl);
	if (ret)
		return report_refused(ret, msg);

	ret = health_verdict(&in, want, why, sizeof(why));
	if (is_json_context()) {
		json_begin();
		print_uint(PRINT_JSON, "schema", NULL, 1);
		print_bool(PRINT_JSON, "healthy", NULL, ret == EXIT_OK);
		print_string(PRINT_JSON, "path", NULL, want_name[want]);
		if (ret == EXIT_OK)
			print_null(PRINT_JSON, "reason", NULL);
		else
			print_string(PRINT_JSON, "reason", NULL, why);
		print_bool(PRINT_JSON, "policy_loaded", NULL, in.loaded);
		print_string(PRINT_JSON, "mode", NULL, mode_name((unsigned int)in.mode));
		print_string(PRINT_JSON, "active_path", NULL,
			     path_name((unsigned int)in.active));
		json_end();
	}
	if (ret != EXIT_OK)
		fprintf(stderr, PROG_NAME " health: %s\n", why);
	return ret;
}
