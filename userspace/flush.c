// SPDX-License-Identifier: GPL-2.0
/*
 * flush: remove the routes and rules `load` installed (protocol 0xe5), then
 * the kernel's policy.  Idempotent.
 */
#include <errno.h>
#include <stdio.h>

#include <linux/ercoexist.h>

#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "rtnl.h"

int cmd_flush(int argc, char **argv)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh;
	struct nl nl;
	int ret, err;

	ret = cmd_no_args(argc, argv, "flush");
	if (ret >= 0)
		return ret;
	ret = rtnl_flush();
	err = genl_open(&nl);
	if (err)
		return err;
	nlh = genl_request(&nl, buf, ERCX_CMD_FLUSH, 0);
	err = nl_talk(&nl, nlh, NULL, NULL, msg, sizeof(msg));
	nl_close(&nl);
	if (err && err != -ENOENT)
		return report_refused(err, msg);
	if (ret)
		return ret;
	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_bool(PRINT_JSON, "flushed", NULL, true);
	print_text("ercoexist: policy flushed\n");
	json_end();
	return EXIT_OK;
}
