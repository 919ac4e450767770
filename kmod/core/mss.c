// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist core: TCP MSS clamp.
 *
 * The option walk follows the kernel's tcp_parse_options(): EOL ends the
 * list, NOP is one byte, every other option is kind, length (>= 2) and data
 * and must lie inside the option area.  Unlike the receive path, a layout
 * the walk cannot vouch for is reported as malformed and left untouched.
 *
 * Policy for the cases that have a choice (tests in test/test_mss.c):
 *  - doff < 5: MALFORMED.
 *  - doff * 4 beyond @len (the caller could not see the whole header): the
 *    walk stops at @len.  An MSS option entirely before @len is clamped; an
 *    MSS option cut by @len is MALFORMED; any other option cut by @len ends
 *    the walk (nothing after it can be seen).
 *  - option length 0 or 1, an option running past doff * 4, or a kind as the
 *    last byte of the option area with no length byte: MALFORMED.
 *  - MSS option with a length other than 4: MALFORMED.
 *  - several MSS options: with one value they are all clamped alike (the
 *    receiver uses the last one, tcp_parse_options() does not stop at the
 *    first); with different values MALFORMED (design.rst).
 *  - options after EOL are ignored: an MSS there is ABSENT.
 *
 * Only the MSS bytes and the checksum are written, and only for CLAMPED.
 */
#include "ercx_core.h"

#define TCP_HDR_LEN	20
#define TCP_FLAGS_OFF	13
#define TCP_FLAG_SYN	0x02
#define TCP_CHECK_OFF	16
#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOLEN_MSS	4
#define MSS_MAX_OPTS	((60 - TCP_HDR_LEN) / TCPOLEN_MSS)

static inline u32 csum_fold16(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * The contribution of the big-endian 16-bit value @v at byte offset @off of
 * the segment to the one's complement sum: at an odd offset its bytes land
 * in two different 16-bit words, which is the same as adding it byte-swapped.
 */
static inline u32 csum_contrib(u16 v, unsigned int off)
{
	if (off & 1)
		return ((v & 0xff) << 8) | (v >> 8);
	return v;
}

/* RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m') */
static void csum_replace16(u8 *th, unsigned int off, u16 from, u16 to)
{
	u32 check = ((u32)th[TCP_CHECK_OFF] << 8) | th[TCP_CHECK_OFF + 1];
	u32 sum;

	sum = (~check & 0xffff) + (~csum_contrib(from, off) & 0xffff) +
	      csum_contrib(to, off);
	check = ~csum_fold16(sum) & 0xffff;
	th[TCP_CHECK_OFF] = check >> 8;
	th[TCP_CHECK_OFF + 1] = check & 0xff;
}

/**
 * ercx_mss_clamp() - clamp the MSS option of a SYN or SYN-ACK
 * @th: the TCP header, writable for @len bytes
 * @len: bytes available from @th; the header may be truncated: then the
 *       options are walked only as far as @len and doff * 4 allow
 * @max: the largest MSS allowed; an MSS is never raised
 * @update_csum: update th->check incrementally; false for CHECKSUM_PARTIAL,
 *               where the check field holds only the pseudo-header sum.  The
 *               update respects the byte parity of the MSS field's offset.
 * @old: when not NULL, receives the MSS found (0 if none)
 *
 * Only the two MSS bytes and the two checksum bytes are ever written, and
 * only for %ERCX_MSS_CLAMPED.  The cases with a choice are listed at the top
 * of this file.
 *
 * Context: Any context.  No lock, no allocation.
 * Return: %ERCX_MSS_NOT_SYN, %ERCX_MSS_OK, %ERCX_MSS_CLAMPED,
 * %ERCX_MSS_ABSENT or %ERCX_MSS_MALFORMED (see enum ercx_mss_result).
 */
enum ercx_mss_result ercx_mss_clamp(u8 *th, unsigned int len, u16 max,
				    bool update_csum, u16 *old)
{
	unsigned int at[MSS_MAX_OPTS];
	unsigned int end, avail, i, olen, nmss = 0, k;
	u16 mss = 0, v;

	if (old)
		*old = 0;
	if (len < TCP_HDR_LEN)
		return ERCX_MSS_MALFORMED;
	if (!(th[TCP_FLAGS_OFF] & TCP_FLAG_SYN))
		return ERCX_MSS_NOT_SYN;
	end = (th[12] >> 4) * 4;
	if (end < TCP_HDR_LEN)
		return ERCX_MSS_MALFORMED;
	avail = end < len ? end : len;

	i = TCP_HDR_LEN;
	while (i < avail) {
		u8 kind = th[i];

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= avail) {
			/* no length byte: cut by doff, or by len */
			if (avail == end || kind == TCPOPT_MSS)
				return ERCX_MSS_MALFORMED;
			break;
		}
		olen = th[i + 1];
		if (olen < 2 || i + olen > end)
			return ERCX_MSS_MALFORMED;
		if (i + olen > avail) {
			/* cut by len: an MSS we cannot see whole is an error */
			if (kind == TCPOPT_MSS)
				return ERCX_MSS_MALFORMED;
			break;
		}
		if (kind == TCPOPT_MSS) {
			if (olen != TCPOLEN_MSS)
				return ERCX_MSS_MALFORMED;
			v = ((u16)th[i + 2] << 8) | th[i + 3];
			if (!nmss) {
				mss = v;
				if (old)
					*old = v;
			} else if (v != mss) {
				return ERCX_MSS_MALFORMED;
			}
			at[nmss++] = i + 2;	/* at most MSS_MAX_OPTS fit */
		}
		i += olen;
	}

	if (!nmss)
		return ERCX_MSS_ABSENT;
	if (mss <= max)
		return ERCX_MSS_OK;
	for (k = 0; k < nmss; k++) {
		th[at[k]] = max >> 8;
		th[at[k] + 1] = max & 0xff;
		if (update_csum)
			csum_replace16(th, at[k], mss, max);
	}
	return ERCX_MSS_CLAMPED;
}
