// SPDX-License-Identifier: GPL-2.0
/*
 * Text-or-JSON printer.  A small streaming JSON writer: a stack of open
 * containers remembers whether a comma is due; pretty mode indents by two.
 */
#include <stdarg.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH 32

static struct {
	FILE *out;
	bool json;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no element yet at this level */
} J;

void json_init(bool json, bool pretty, FILE *out)
{
	memset(&J, 0, sizeof(J));
	J.out = out ? out : stdout;
	J.json = json;
	J.pretty = pretty;
}

bool is_json_context(void)
{
	return J.json;
}

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.  Stops at
 * the string's NUL: a continuation byte is never NUL.
 */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Always valid JSON in valid UTF-8, whatever the bytes (a config file's
 * values are quoted in messages): each byte that does not start a
 * well-formed UTF-8 sequence is written as \ufffd, the replacement
 * character.
 */
void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
			} else if (*p < 0x80) {
				fputc(*p, f);
			} else {
				size_t n = utf8_len(p);

				if (!n) {
					fputs("\\ufffd", f);
				} else {
					fwrite(p, 1, n, f);
					p += n - 1;
				}
			}
		}
	}
	fputc('"', f);
}

static void indent(void)
{
	int i;

	if (!J.pretty)
		return;
	fputc('\n', J.out);
	for (i = 0; i < J.depth; i++)
		fputs("  ", J.out);
}

/* Start a new element (key may be NULL) in the current container. */
static void json_elem(const char *key)
{
	if (J.depth > 0) {
		if (!J.first[J.depth])
			fputc(',', J.out);
		J.first[J.depth] = false;
		indent();
	}
	if (key) {
		json_write_string(J.out, key);
		fputs(J.pretty ? ": " : ":", J.out);
	}
}

static void json_open(const char *key, char c)
{
	json_elem(key);
	fputc(c, J.out);
	if (J.depth < JSON_MAX_DEPTH - 1)
		J.depth++;
	J.first[J.depth] = true;
}

static void json_close(char c)
{
	bool empty = J.first[J.depth];

	if (J.depth > 0)
		J.depth--;
	if (!empty)
		indent();
	fputc(c, J.out);
}

void json_begin(void)
{
	if (J.json)
		open_json_object(NULL);
}

void json_end(void)
{
	if (J.json) {
		close_json_object();
		fputc('\n', J.out);
	}
	fflush(J.out);
}

void open_json_object(const char *key)
{
	if (J.json)
		json_open(key, '{');
}

void close_json_object(void)
{
	if (J.json)
		json_close('}');
}

void open_json_array(const char *key)
{
	if (J.json)
		json_open(key, '[');
}

void close_json_array(void)
{
	if (J.json)
		json_close(']');
}

static bool want_fp(enum output_type t)
{
	return !J.json && (t & PRINT_FP);
}

static bool want_json(enum output_type t)
{
	return J.json && (t & PRINT_JSON);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (J.json)
		return;
	va_start(ap, fmt);
	vfprintf(J.out, fmt, ap);
	va_end(ap);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (want_json(t)) {
		json_elem(key);
		if (value)
			json_write_string(J.out, value);
		else
			fputs("null", J.out);
	} else if (want_fp(t) && fmt) {
		fprintf(J.out, fmt, value ? value : "");
	}
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (want_json(t)) {
		json_elem(key);
		fprintf(J.out, "%u", value);
	} else if (want_fp(t) && fmt) {
		fprintf(J.out, fmt, value);
	}
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (want_json(t)) {
		json_elem(key);
		fprintf(J.out, "%llu", (unsigned long long)value);
	} else if (want_fp(t) && fmt) {
		fprintf(J.out, fmt, (unsigned long long)value);
	}
}

void print_int(enum output_type t, const char *key, const char *fmt,
	       int value)
{
	if (want_json(t)) {
		json_elem(key);
		fprintf(J.out, "%d", value);
	} else if (want_fp(t) && fmt) {
		fprintf(J.out, fmt, value);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value)
{
	if (want_json(t)) {
		json_elem(key);
		fputs(value ? "true" : "false", J.out);
	} else if (want_fp(t) && fmt) {
		fprintf(J.out, fmt, value ? "yes" : "no");
	}
}

void print_null(enum output_type t, const char *key, const char *fmt)
{
	if (want_json(t)) {
		json_elem(key);
		fputs("null", J.out);
	} else if (want_fp(t) && fmt) {
		fputs(fmt, J.out);
	}
}

#pragma GCC diagnostic pop
