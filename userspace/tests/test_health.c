// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of `ercoexistctl health` without a kernel (TAP): STATUS_GET
 * replies built here are decoded by health_status_cb(), and
 * health_verdict() says healthy or not, and why, for --path any, er, vpn.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "ercoexistctl.h"
#include "health.h"
#include "tap.h"

#define FAMILY 0x20
#define NOPE (-1)

/* One STATUS_GET reply as the module builds it (u8 enums); a path with
 * state NOPE is left out */
struct reply {
	bool loaded;
	int mode, active, pending;
	int er_state, er_reason, vpn_state, vpn_reason;
};

static char buf[8192];

static struct nlmsghdr *build(const struct reply *r)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;
	int i;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = ERCX_CMD_STATUS_GET;
	/* what health ignores comes first: an unknown attribute, a counter */
	mnl_attr_put_u32(nlh, ERCX_A_MAX + 1, 7);
	mnl_attr_put_u32(nlh, ERCX_A_GENERATION, 3);
	if (r->loaded)
		mnl_attr_put(nlh, ERCX_A_POLICY_LOADED, 0, NULL);
	for (i = 0; i < 2; i++) {
		int st = i ? r->vpn_state : r->er_state;
		int rs = i ? r->vpn_reason : r->er_reason;

		if (st == NOPE)
			continue;
		n = mnl_attr_nest_start(nlh, i ? ERCX_A_PATH_VPN : ERCX_A_PATH_ER);
		mnl_attr_put_u32(nlh, ERCX_PATH_A_IFINDEX, 10 + (uint32_t)i);
		mnl_attr_put_strz(nlh, ERCX_PATH_A_IFNAME, i ? "vti0" : "er0");
		mnl_attr_put_u8(nlh, ERCX_PATH_A_STATE, (uint8_t)st);
		mnl_attr_put_u8(nlh, ERCX_PATH_A_REASON, (uint8_t)rs);
		mnl_attr_put_u64(nlh, ERCX_PATH_A_TX_PACKETS, 99);
		mnl_attr_nest_end(nlh, n);
	}
	if (r->loaded)
		mnl_attr_put_u8(nlh, ERCX_A_FAILBACK_PENDING, (uint8_t)r->pending);
	mnl_attr_put_u8(nlh, ERCX_A_MODE, (uint8_t)r->mode);
	mnl_attr_put_u8(nlh, ERCX_A_ACTIVE_PATH, (uint8_t)r->active);
	return nlh;
}

/* check NAME REPLY WANT: the verdict's exit status and reason */
static void check(const char *name, const struct reply *r,
		  enum health_want want, int status, const char *why)
{
	static const char *const w[] = { "any", "er", "vpn" };
	struct health_in in;
	char got[256];
	int ret;

	memset(&in, 0, sizeof(in));
	memset(got, 'x', sizeof(got));
	got[sizeof(got) - 1] = '\0';
	ret = -1;
	if (health_status_cb(build(r), &in) == MNL_CB_OK)
		ret = health_verdict(&in, want, got, sizeof(got));
	if (!tap_ok(ret == status && !strcmp(got, why),
		    "%s, --path %s: exit %d, reason \"%s\"", name, w[want],
		    status, why))
		tap_diag("got exit %d, reason \"%s\"", ret, got);
}

int main(void)
{
	const struct reply none = {
		.loaded = false, .mode = ERCX_MODE_AUTO,
		.active = ERCX_PATH_NONE, .er_state = NOPE, .vpn_state = NOPE,
	};
	struct reply r;
	struct health_in in;
	char why[8];

	check("no policy", &none, HEALTH_ANY, EXIT_UNHEALTHY, "no policy loaded");
	check("no policy", &none, HEALTH_VPN, EXIT_UNHEALTHY, "no policy loaded");

	r = (struct reply){
		.loaded = true, .mode = ERCX_MODE_AUTO, .active = ERCX_PATH_ER,
		.er_state = ERCX_STATE_UP, .er_reason = ERCX_REASON_UP,
		.vpn_state = ERCX_STATE_UP, .vpn_reason = ERCX_REASON_UP,
	};
	check("both up", &r, HEALTH_ANY, EXIT_OK, "");
	check("both up", &r, HEALTH_ER, EXIT_OK, "");
	check("both up", &r, HEALTH_VPN, EXIT_OK, "");

	/* ER's carrier gone: the VPN carries */
	r.active = ERCX_PATH_VPN;
	r.er_state = ERCX_STATE_DOWN;
	r.er_reason = ERCX_REASON_CARRIER;
	check("ER down", &r, HEALTH_ANY, EXIT_OK, "");
	check("ER down", &r, HEALTH_ER, EXIT_UNHEALTHY,
	      "er not usable: er down (carrier)");
	check("ER down", &r, HEALTH_VPN, EXIT_OK, "");

	/* both probed down: nothing carries */
	r.active = ERCX_PATH_NONE;
	r.er_reason = ERCX_REASON_PROBE_TIMEOUT;
	r.vpn_state = ERCX_STATE_DOWN;
	r.vpn_reason = ERCX_REASON_PROBE_TIMEOUT;
	check("both down", &r, HEALTH_ANY, EXIT_UNHEALTHY,
	      "no usable path: er down (probe-timeout), vpn down (probe-timeout)");
	check("both down", &r, HEALTH_VPN, EXIT_UNHEALTHY,
	      "vpn not usable: vpn down (probe-timeout)");

	/* the VPN alone, ER back and waiting for the failback delay */
	r.active = ERCX_PATH_VPN;
	r.er_state = ERCX_STATE_UP;
	r.er_reason = ERCX_REASON_UP;
	r.vpn_state = ERCX_STATE_UP;
	r.vpn_reason = ERCX_REASON_UP;
	r.pending = 1;
	check("failback pending", &r, HEALTH_ANY, EXIT_OK, "");
	check("failback pending", &r, HEALTH_ER, EXIT_UNHEALTHY,
	      "er not usable: er waiting for the failback delay");
	r.pending = 0;

	/* forced-vpn with the VPN down: ER is up but excluded */
	r.mode = ERCX_MODE_FORCED_VPN;
	r.active = ERCX_PATH_NONE;
	r.vpn_state = ERCX_STATE_DOWN;
	r.vpn_reason = ERCX_REASON_ADMIN_DOWN;
	check("forced-vpn, VPN down", &r, HEALTH_ANY, EXIT_UNHEALTHY,
	      "no usable path: er excluded by mode forced-vpn, vpn down (admin-down)");
	check("forced-vpn, VPN down", &r, HEALTH_ER, EXIT_UNHEALTHY,
	      "er not usable: er excluded by mode forced-vpn");

	/* forced-er with both up: the VPN is excluded */
	r.mode = ERCX_MODE_FORCED_ER;
	r.active = ERCX_PATH_ER;
	r.vpn_state = ERCX_STATE_UP;
	r.vpn_reason = ERCX_REASON_UP;
	check("forced-er", &r, HEALTH_ANY, EXIT_OK, "");
	check("forced-er", &r, HEALTH_ER, EXIT_OK, "");
	check("forced-er", &r, HEALTH_VPN, EXIT_UNHEALTHY,
	      "vpn not usable: vpn excluded by mode forced-er");

	/* a reply without the VPN's nest: the VPN is not usable */
	r.mode = ERCX_MODE_AUTO;
	r.vpn_state = NOPE;
	check("no VPN nest", &r, HEALTH_VPN, EXIT_UNHEALTHY,
	      "vpn not usable: vpn down (none)");

	/* the reason is cut to the buffer, never past it */
	r.er_state = ERCX_STATE_DOWN;
	r.er_reason = ERCX_REASON_CARRIER;
	r.active = ERCX_PATH_NONE;
	r.vpn_state = ERCX_STATE_DOWN;
	memset(&in, 0, sizeof(in));
	health_status_cb(build(&r), &in);
	tap_ok(health_verdict(&in, HEALTH_ANY, why, sizeof(why)) == EXIT_UNHEALTHY &&
	       !strcmp(why, "no usab"), "a short buffer holds the reason's start (\"%s\")", why);
	return tap_done();
}
