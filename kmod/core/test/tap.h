/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the core's host tests: "ok N - name",
 * "not ok N - name", diagnostics as "# ..." lines, plan "1..N" at the end.
 * The exit status is non-zero when any test failed.
 */
#ifndef _ERCX_TAP_H
#define _ERCX_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>

static int tap_n, tap_failed;

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static inline int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

/* xorshift64*: deterministic, seedable */
static uint64_t tap_rng_state = 0x9e3779b97f4a7c15ULL;

static inline void tap_seed(uint64_t s)
{
	tap_rng_state = s ? s : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t tap_rand64(void)
{
	uint64_t x = tap_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	tap_rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* uniform in [0, n), n > 0 */
static inline uint32_t tap_rand(uint32_t n)
{
	return (uint32_t)((tap_rand64() >> 32) % n);
}

#endif /* _ERCX_TAP_H */
