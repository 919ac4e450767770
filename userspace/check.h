/* SPDX-License-Identifier: GPL-2.0 */
/* check: the report of a validation, which load --check prints too. */
#ifndef ERCX_CHECK_H
#define ERCX_CHECK_H

#include <stdbool.h>

#include "config.h"
#include "rules.h"

/*
 * Print a validation result (text or JSON): the syntax errors of @c and
 * the rule findings @fs.  Exit status: 1 for any error (or with @strict,
 * any warning), else 0.
 */
int report_check(const struct config *c, const struct findings *fs,
		 const char *file, bool strict);

#endif
