/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ercoexist Generic Netlink family: finding it, its requests, and the
 * policy's round trips to the kernel.
 */
#ifndef ERCX_GENL_H
#define ERCX_GENL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "nl.h"

/*
 * Open the ercoexist family.  Returns an exit status: EXIT_OK, or
 * EXIT_NOMODULE / EXIT_REFUSED after printing why.
 */
int genl_open(struct nl *nl);
/* A request @cmd of the family in @buf, with an ACK unless it is a dump */
struct nlmsghdr *genl_request(struct nl *nl, void *buf, uint8_t cmd,
			      uint16_t flags);

/* The kernel's view: POLICY_GET + PREFIX_GET dump into @c (prefix paths in pfx[].path). */
int kernel_get_config(struct nl *nl, struct config *c, bool *loaded);
/*
 * Build and send POLICY_SET from @c.  Exit status.  A module that predates
 * device names (it refuses ERCX_PATH_A_IFNAME) gets the policy by index,
 * without exclusions nor Transit (a warning, once): kernel_legacy is then
 * set, and a device that is re-created needs the policy sent again.
 */
extern bool kernel_legacy;
int kernel_set_config(struct nl *nl, const struct config *c, uint32_t *gen);

#endif
