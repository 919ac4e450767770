/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy in ercoexist's Generic Netlink attributes: the encoder of
 * POLICY_SET and the one decoder of a path nest (ERCX_PATH_A_*), for
 * POLICY_GET and STATUS_GET alike.  No socket here: the unit tests run it
 * on messages they build.
 */
#ifndef ERCX_CODEC_H
#define ERCX_CODEC_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* What STATUS_GET adds to a path nest: its state and counters */
struct path_state {
	int state, reason;
	uint64_t tx_packets, tx_bytes, since_ns;
	bool has_probe;
	int probe_state;
	uint64_t probe_sent, probe_received, probe_lost, probe_errors;
	uint32_t rtt_last_us, rtt_min_us, rtt_avg_us, rtt_max_us;
};

/*
 * The attributes of POLICY_SET for @c (paths by name, and by index while
 * the device exists; [Underlay] when it has a Device; scalars; prefixes,
 * Exclude lines and the host's exclusions c->excl), appended to @nlh,
 * which must have room for CODEC_POLICY_SIZE(c) bytes.  CODEC_LEGACY: what
 * a module that predates device names takes (no IFNAME, TRANSIT nor
 * exclusions).
 */
#define CODEC_LEGACY		(1U << 0)
#define CODEC_POLICY_SIZE(c)	(4096 + ((c)->npfx + (c)->nexcl) * 64)
void codec_put_policy(struct nlmsghdr *nlh, const struct config *c,
		      unsigned int flags);

/*
 * Decode a path nest into @p (after config_init: what the nest lacks keeps
 * its default) and, when @st is not NULL, its state into @st.  Every
 * attribute is type-checked; one of the wrong type is ignored.  A path
 * without ERCX_PATH_A_IFNAME is named by its ifindex.
 */
void codec_parse_path(const struct nlattr *nest, struct cfg_path *p,
		      struct path_state *st);
/* Decode a POLICY_GET reply into @c (after config_init); prefixes not included. */
void codec_parse_policy(const struct nlmsghdr *nlh, struct config *c,
			bool *loaded);
/* Decode an ERCX_A_PREFIX nest into @p: 0, or -1 when it is malformed. */
int codec_parse_prefix(const struct nlattr *nest, struct cfg_prefix *p);

/*
 * The value of an unsigned attribute of 1, 2, 4 or 8 bytes (0 for any
 * other size): for the counters and enums of STATUS_GET and the events.
 */
uint64_t codec_get_uint(const struct nlattr *a);

#endif
