/* SPDX-License-Identifier: GPL-2.0 */
/* monitor: the events of the "events" group, decoded and printed. */
#ifndef ERCX_MONITOR_H
#define ERCX_MONITOR_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

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

#endif
