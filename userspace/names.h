/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How ercoexistctl prints the kernel's values: the names of its enums
 * (include/uapi/linux/ercoexist.h) and its time stamps.
 */
#ifndef ERCX_NAMES_H
#define ERCX_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* "unknown" for a value out of the table */
const char *path_name(unsigned int p);		/* none er vpn */
const char *mode_name(unsigned int m);		/* auto forced-vpn forced-er */
const char *reason_name(unsigned int r);
const char *state_name(unsigned int s);		/* down up */
const char *event_name(unsigned int e);

/* CLOCK_REALTIME nanoseconds as ISO 8601 UTC with milliseconds */
void format_time_ns(uint64_t ns, char *buf, size_t len);

#endif
