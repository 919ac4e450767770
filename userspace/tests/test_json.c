// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the text-or-JSON printer (TAP). */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"
#include "testutil.h"

static struct memout out;

static void begin(bool json, bool pretty)
{
	json_init(json, pretty, memout_open(&out));
}

static char *end(void)
{
	return memout_close(&out);
}

static void check_escape(const char *in, const char *want, const char *name)
{
	char *s;

	begin(false, false);
	json_write_string(out.f, in);
	s = end();
	tap_ok(!strcmp(s, want), "escape %s: %s", name, want);
	if (strcmp(s, want))
		tap_diag("got %s", s);
	free(s);
}

static void sample(void)
{
	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_ANY, "mode", "mode: %s\n", "auto");
	open_json_object("paths");
	open_json_object("er");
	print_string(PRINT_ANY, "state", "er: %s", "up");
	print_u64(PRINT_ANY, "tx_packets", " %llu packets\n", 18446744073709551615ULL);
	close_json_object();
	open_json_object("vpn");
	close_json_object();
	close_json_object();
	open_json_array("via");
	print_string(PRINT_ANY, NULL, "via %s", "er");
	print_string(PRINT_ANY, NULL, " %s\n", "vpn");
	close_json_array();
	open_json_array("empty");
	close_json_array();
	print_bool(PRINT_ANY, "loaded", "loaded: %s\n", true);
	print_int(PRINT_ANY, "neg", "neg: %d\n", -5);
	print_null(PRINT_JSON, "nothing", NULL);
	print_string(PRINT_FP, "textonly", "text only\n", NULL);
	print_text("plain %d\n", 42);
	json_end();
}

int main(void)
{
	char *s;

	check_escape("plain", "\"plain\"", "plain");
	check_escape("a\"b", "\"a\\\"b\"", "quote");
	check_escape("a\\b", "\"a\\\\b\"", "backslash");
	check_escape("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"", "control shorthands");
	check_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other controls");
	check_escape("caf\xc3\xa9 /", "\"caf\xc3\xa9 /\"", "UTF-8 and slash unchanged");
	check_escape("", "\"\"", "empty");
	/* not UTF-8: one U+FFFD per byte that starts no well-formed sequence */
	check_escape("\xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf",
		     "\"\xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf\"",
		     "UTF-8 of 3 and 4 bytes, up to U+10FFFF, unchanged");
	check_escape("a\xff" "b\xfe", "\"a\\ufffd" "b\\ufffd\"", "bytes FF FE");
	check_escape("\x80\xbf", "\"\\ufffd\\ufffd\"", "lone continuation bytes");
	check_escape("\xc0\xaf\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
		     "overlong forms");
	check_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "a UTF-16 surrogate");
	check_escape("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", "above U+10FFFF");
	check_escape("x\xe2\x82", "\"x\\ufffd\\ufffd\"", "a sequence cut by the end of the string");
	check_escape("\xc3\xa9\xc3", "\"\xc3\xa9\\ufffd\"", "valid, then a cut one");

	begin(true, false);
	sample();
	s = end();
	tap_ok(!strcmp(s, "{\"schema\":1,\"mode\":\"auto\",\"paths\":{\"er\":{\"state\":\"up\","
		   "\"tx_packets\":18446744073709551615},\"vpn\":{}},\"via\":[\"er\",\"vpn\"],"
		   "\"empty\":[],\"loaded\":true,\"neg\":-5,\"nothing\":null}\n"),
	       "compact JSON");
	if (tap_failed)
		if (tap_failed)
		tap_diag("%s", s);
	free(s);

	begin(true, true);
	sample();
	s = end();
	tap_ok(!strcmp(s, "{\n  \"schema\": 1,\n  \"mode\": \"auto\",\n  \"paths\": {\n"
		   "    \"er\": {\n      \"state\": \"up\",\n      \"tx_packets\": 18446744073709551615\n"
		   "    },\n    \"vpn\": {}\n  },\n  \"via\": [\n    \"er\",\n    \"vpn\"\n  ],\n"
		   "  \"empty\": [],\n  \"loaded\": true,\n  \"neg\": -5,\n  \"nothing\": null\n}\n"),
	       "pretty JSON");
	if (tap_failed)
		tap_diag("%s", s);
	free(s);

	begin(false, false);
	sample();
	s = end();
	tap_ok(!strcmp(s, "mode: auto\ner: up 18446744073709551615 packets\nvia er vpn\n"
		   "loaded: yes\nneg: -5\ntext only\nplain 42\n"), "text output");
	if (tap_failed)
		if (tap_failed)
		tap_diag("%s", s);
	free(s);

	/* Two top-level objects in a row (monitor -j prints one per line). */
	begin(true, false);
	json_begin();
	print_string(PRINT_ANY, "k", NULL, "a\"1");
	json_end();
	json_begin();
	print_uint(PRINT_ANY, "n", NULL, 2);
	json_end();
	s = end();
	tap_ok(!strcmp(s, "{\"k\":\"a\\\"1\"}\n{\"n\":2}\n"), "one object per line");
	free(s);
	return tap_done();
}
