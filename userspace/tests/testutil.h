/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests share: config text in and out of memory streams, and
 * the fixtures directory.  Run the tests from userspace/tests/.
 */
#ifndef ERCX_TESTUTIL_H
#define ERCX_TESTUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* A stream into memory: memout_open(), write, memout_close() (free() it) */
struct memout {
	char *buf;
	size_t len;
	FILE *f;
};

FILE *memout_open(struct memout *m);
char *memout_close(struct memout *m);

/* config_parse() of @len bytes of @text, named @name in messages */
size_t parse_text(struct config *c, const char *text, size_t len,
		  const char *name);
/* The same for a NUL-terminated @text */
size_t parse_string(struct config *c, const char *text, const char *name);
/* config_print() and config_print_errors() as strings (free() them) */
char *config_text(const struct config *c);
char *errors_text(const struct config *c);
/* The whole file at @path (free() it), or NULL */
char *slurp(const char *path);
/*
 * The files @dir/@prefix*.conf, as "@dir/NAME", sorted, in *@out (free()
 * each and the array).  Returns how many.
 */
size_t list_fixtures(const char *dir, const char *prefix, char ***out);

#endif
