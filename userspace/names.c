// SPDX-License-Identifier: GPL-2.0
/*
 * The names ercoexistctl prints for the kernel's enum values (the SPEC's
 * JSON strings too), and its time stamps.
 */
#include <stdio.h>
#include <time.h>

#include <linux/ercoexist.h>

#include "names.h"

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
