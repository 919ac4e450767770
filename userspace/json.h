/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One call prints text or JSON, in the style of iproute2's lib/json_print.c.
 *
 *   print_uint(PRINT_ANY, "mss", "mss %u ", 1250);
 *
 * prints "mss 1250 " in text mode and "mss": 1250 in JSON mode.  PRINT_FP
 * prints only in text mode, PRINT_JSON only in JSON mode.  Objects and arrays
 * opened in text mode print nothing.
 */
#ifndef ERCX_JSON_H
#define ERCX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/* Select the mode and the stream (stdout when @out is NULL). */
void json_init(bool json, bool pretty, FILE *out);
bool is_json_context(void);

/* Top-level value: "{" ... "}\n" (JSON mode only). */
void json_begin(void);
void json_end(void);

/* @key is NULL inside an array (and for the top-level value). */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_int(enum output_type t, const char *key, const char *fmt,
	       int value);
void print_bool(enum output_type t, const char *key, const char *fmt,
		bool value);
void print_null(enum output_type t, const char *key, const char *fmt);

/* Text mode only: printf to the output stream. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write @s as a JSON string literal (with quotes) to @f. */
void json_write_string(FILE *f, const char *s);

#endif
