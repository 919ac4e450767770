// SPDX-License-Identifier: GPL-2.0
/*
 * MSS clamp fuzz driver, no fuzzing library needed: reads one input from
 * stdin (AFL-style, or replay: ./fuzz_mss < file) and aborts when an
 * invariant breaks.
 *
 * Input: byte 0..1 max MSS (big endian), byte 2 bit 0 update_csum and
 * bit 1 "arrives with a correct checksum", byte 3 how many bytes of the
 * segment the clamp may see (0: all), then the TCP segment.  Invariants: the result is a known value; anything but CLAMPED
 * leaves the segment alone; CLAMPED changes only MSS option values and the
 * checksum, lowers the MSS to max, and keeps the one's complement sum of the
 * segment (so a valid checksum stays valid whatever the pseudo-header);
 * and, from scratch: when the segment comes in with a correct checksum over
 * a fixed pseudo-header, a full recomputation over the clamped segment
 * gives the checksum the clamp left in it.
 *
 * Built two ways (Makefile): as this replay driver, or with clang's
 * libFuzzer (-DERCX_LIBFUZZER, `make libfuzz`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ercx_core.h"

static u16 segsum(const u8 *b, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (u32)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff ? 0 : sum;	/* +0 and -0 are the same */
}

/* The TCP checksum over an IPv4 pseudo-header (fixed addresses) */
static u16 tcp_csum(const u8 *seg, size_t len)
{
	static const u8 ph[12] = { 192, 0, 2, 1, 198, 51, 100, 7, 0, 6 };
	u8 hdr[12];
	u32 sum;

	memcpy(hdr, ph, sizeof(hdr));
	hdr[10] = len >> 8;
	hdr[11] = len & 0xff;
	sum = (u32)segsum(hdr, sizeof(hdr)) + segsum(seg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Checksum field zeroed, then the full sum: the value it must hold */
static u16 tcp_csum_of(const u8 *seg, size_t len)
{
	static u8 tmp[65536];

	memcpy(tmp, seg, len);
	tmp[16] = 0;
	tmp[17] = 0;
	return tcp_csum(tmp, len);
}

static void one(const u8 *in, size_t n)
{
	enum ercx_mss_result r;
	size_t len, i;
	u8 *seg, *orig;
	bool upd;
	u16 max, old;

	if (n < 4)
		return;
	max = (u16)in[0] << 8 | in[1];
	upd = in[2] & 1;
	len = n - 4;
	if (in[3] && in[3] < len)
		len = in[3];
	seg = malloc(len ? len : 1);
	orig = malloc(len ? len : 1);
	memcpy(seg, in + 4, len);
	/* byte 2 bit 1: come in with a correct checksum */
	if ((in[2] & 2) && len >= 20 && len <= 65535) {
		u16 c = tcp_csum_of(seg, len);

		seg[16] = c >> 8;
		seg[17] = c & 0xff;
	}
	memcpy(orig, seg, len);

	r = ercx_mss_clamp(seg, len, max, upd, &old);
	if (r > ERCX_MSS_MALFORMED)
		abort();
	if (r != ERCX_MSS_CLAMPED) {
		if (memcmp(seg, orig, len))
			abort();
	} else {
		if (old <= max)
			abort();
		for (i = 0; i < len; i++) {
			if (seg[i] == orig[i] || (upd && (i == 16 || i == 17)))
				continue;
			if (i >= 22 && orig[i - 2] == 2 && orig[i - 1] == 4 &&
			    seg[i] == max >> 8)
				continue;
			if (i >= 23 && orig[i - 3] == 2 && orig[i - 2] == 4 &&
			    seg[i] == (max & 0xff))
				continue;
			abort();
		}
		if (upd && segsum(seg, len) != segsum(orig, len))
			abort();
		if (upd && (in[2] & 2) && len >= 20) {
			u16 c = tcp_csum_of(seg, len);
			u16 got = (u16)seg[16] << 8 | seg[17];

			/* one's complement: 0x0000 and 0xffff are one value */
			if (got != c && !((got == 0 || got == 0xffff) &&
					  (c == 0 || c == 0xffff)))
				abort();
		}
		if (!upd && (seg[16] != orig[16] || seg[17] != orig[17]))
			abort();
	}
	free(seg);
	free(orig);
}

#ifdef ERCX_LIBFUZZER
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	one(data, size);
	return 0;
}
#else
/* One input from stdin, or one per file named on the command line */
int main(int argc, char **argv)
{
	static u8 in[65536];
	FILE *f;
	int i;

	if (argc < 2) {
		one(in, fread(in, 1, sizeof(in), stdin));
		return 0;
	}
	for (i = 1; i < argc; i++) {
		f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		one(in, fread(in, 1, sizeof(in), f));
		fclose(f);
	}
	return 0;
}
#endif
