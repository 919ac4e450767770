/* SPDX-License-Identifier: GPL-2.0 */
/*
 * health: whether this gateway can carry policy traffic now, for a VRRP
 * track script.  The verdict and the STATUS_GET decoding it needs are
 * separate from the socket so that the unit tests run them on messages
 * they build (tests/test_health.c).
 */
#ifndef ERCX_HEALTH_H
#define ERCX_HEALTH_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>

/* What health reads from a STATUS_GET reply */
struct health_in {
	bool loaded;			/* ERCX_A_POLICY_LOADED */
	int mode, active;		/* ERCX_MODE_*, ERCX_PATH_* */
	bool failback_pending;		/* ER up, waiting for the delay */
	struct {
		bool present;
		int state, reason;	/* ERCX_STATE_*, ERCX_REASON_* */
	} path[2];			/* er, vpn */
};

/* Which path must be usable: any (the default), ER, the VPN */
enum health_want {
	HEALTH_ANY,
	HEALTH_ER,
	HEALTH_VPN,
};

/* mnl callback: decode a STATUS_GET reply into the struct health_in @data */
int health_status_cb(const struct nlmsghdr *nlh, void *data);

/*
 * The verdict: EXIT_OK when the path(s) @want asks for are usable, else
 * EXIT_UNHEALTHY with the reason in @why ("no usable path: er down
 * (carrier), vpn down (probe-timeout)").  A usable path is one the kernel
 * would send traffic by now: its state is up, the mode does not exclude
 * it, and for ER no failback wait is pending.
 */
int health_verdict(const struct health_in *in, enum health_want want,
		   char *why, size_t len);

#endif
