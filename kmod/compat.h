/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexist: differences between the kernel APIs it builds against
 * (Debian's 6.1 and 6.12, the kernels it is tested on).  Kbuild detects
 * features in the headers and defines ERCX_HAVE_* (see Kbuild); the code
 * uses the newest API and this file maps it onto older kernels.
 */
#ifndef _ERCX_COMPAT_H
#define _ERCX_COMPAT_H

#include <net/genetlink.h>
#include <net/netlink.h>

/*
 * 6.0 added NL_SET_ERR_ATTR_MISS() (which attribute is missing, reported
 * in NLMSGERR_ATTR_MISS_TYPE / _NEST).  Before, the text message says it.
 */
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type) \
	((void)(extack), (void)(nest), (void)(type))
#endif

/*
 * 6.1 added genl_family.resv_start_op: operations from it on get strict
 * header checks and require a policy.  Older kernels validate strictly by
 * default without it.
 */
#ifdef ERCX_HAVE_RESV_START_OP
#define ERCX_SET_RESV_START_OP(family, op) ((family)->resv_start_op = (op))
#else
#define ERCX_SET_RESV_START_OP(family, op) ((void)(family), (void)(op))
#endif

#endif /* _ERCX_COMPAT_H */
