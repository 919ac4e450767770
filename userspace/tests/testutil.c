// SPDX-License-Identifier: GPL-2.0
/* Helpers of the unit tests: memory streams, config text, fixtures. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

FILE *memout_open(struct memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (!m->f)
		abort();
	return m->f;
}

char *memout_close(struct memout *m)
{
	fclose(m->f);
	m->f = NULL;
	return m->buf;
}

size_t parse_text(struct config *c, const char *text, size_t len,
		  const char *name)
{
	FILE *f = fmemopen((void *)text, len, "r");
	size_t n;

	if (!f)
		abort();
	n = config_parse(c, f, name, 0);
	fclose(f);
	return n;
}

size_t parse_string(struct config *c, const char *text, const char *name)
{
	return parse_text(c, text, strlen(text), name);
}

char *config_text(const struct config *c)
{
	struct memout m;

	config_print(c, memout_open(&m));
	return memout_close(&m);
}

char *errors_text(const struct config *c)
{
	struct memout m;

	config_print_errors(c, memout_open(&m));
	return memout_close(&m);
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct memout m;
	int ch;

	if (!f)
		return NULL;
	memout_open(&m);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m.f);
	fclose(f);
	return memout_close(&m);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t list_fixtures(const char *dir, const char *prefix, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) || l <= 5 ||
		    strcmp(e->d_name + l - 5, ".conf"))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v || asprintf(&v[n], "%s/%s", dir, e->d_name) < 0)
			abort();
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*out = v;
	return n;
}
