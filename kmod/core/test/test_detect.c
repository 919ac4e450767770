// SPDX-License-Identifier: GPL-2.0
/*
 * The probes' detection time (sm.c, ercx_detect_*): a path is down when no
 * answer has arrived for multiplier x interval since the last answer, at
 * that instant exactly and not a nanosecond before; answers just before and
 * just after the deadline; new settings on a reload; times that wrap; and
 * random schedules against a reference written out independently here.
 */
#include "ercx_core.h"
#include "tap.h"

#define MS	1000000ULL

/* the first nanosecond at which @d says expired, searched from @from */
static u64 first_expired(const struct ercx_detect *d, u64 from, u64 limit)
{
	u64 lo = from, hi = from + limit, mid;

	/* expired is monotone in time for a fixed state: bisect */
	if (ercx_detect_expired(d, lo))
		return lo;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ercx_detect_expired(d, mid))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static void test_exact(u64 t0, const char *what)
{
	struct ercx_detect d;
	u64 t;

	ercx_detect_start(&d, t0, 300, 3);
	tap_ok(!ercx_detect_expired(&d, t0 + 900 * MS - 1) &&
	       ercx_detect_expired(&d, t0 + 900 * MS),
	       "%s: 300 ms x 3 from the start: up at 899.999999 ms, down at 900 ms exactly",
	       what);
	tap_ok(first_expired(&d, t0, 10000 * MS) == t0 + 900 * MS,
	       "%s: the first expired instant is start + 900 ms", what);

	/* an answer 1 ns before the deadline moves it by a full 900 ms */
	t = t0 + 900 * MS - 1;
	ercx_detect_rx(&d, t);
	tap_ok(!ercx_detect_expired(&d, t0 + 900 * MS) &&
	       !ercx_detect_expired(&d, t + 900 * MS - 1) &&
	       ercx_detect_expired(&d, t + 900 * MS),
	       "%s: an answer 1 ns before the deadline: up at the old deadline, down 900 ms after the answer exactly",
	       what);

	/* an answer 1 ns after the deadline: the check before it said down */
	t += 900 * MS;
	tap_ok(ercx_detect_expired(&d, t), "%s: deadline reached", what);
	ercx_detect_rx(&d, t + 1);
	tap_ok(!ercx_detect_expired(&d, t + 1) &&
	       d.deadline_ns == t + 1 + 900 * MS,
	       "%s: an answer 1 ns after the deadline: a new deadline 900 ms after it (the caller already took the path down)",
	       what);
}

static void test_steady(void)
{
	struct ercx_detect d;
	u64 t0 = 5 * MS, t, last = 0;
	unsigned int i, early = 0;

	/* 10 ms x 3, every answer 4 ms after its request: never down */
	ercx_detect_start(&d, t0, 10, 3);
	for (i = 0; i < 100000; i++) {
		t = t0 + i * 10 * MS;
		if (ercx_detect_expired(&d, t) ||
		    ercx_detect_expired(&d, t + 4 * MS - 1))
			early++;
		last = t + 4 * MS;
		ercx_detect_rx(&d, last);
	}
	tap_ok(!early, "10 ms x 3, 100,000 answered probes: never down (%u)",
	       early);
	/* then silence: down 30 ms after the last answer, not a ns before */
	tap_ok(first_expired(&d, last, 1000 * MS) == last + 30 * MS,
	       "10 ms x 3, answers stop: down exactly 30 ms after the last answer");

	/* one answer lost of every three: the detection time is 3 intervals */
	ercx_detect_start(&d, 0, 10, 3);
	early = 0;
	for (i = 1; i < 10000; i++) {
		if (ercx_detect_expired(&d, i * 10 * MS))
			early++;
		if (i % 3)
			ercx_detect_rx(&d, i * 10 * MS + 1);
	}
	tap_ok(!early, "10 ms x 3, every third answer lost: never down (%u)",
	       early);
	/* two lost in a row: 10 ms x 2 goes down, 10 ms x 3 does not */
	ercx_detect_start(&d, 0, 10, 2);
	ercx_detect_rx(&d, 10 * MS + 1);
	tap_ok(!ercx_detect_expired(&d, 30 * MS) &&
	       ercx_detect_expired(&d, 30 * MS + 1),
	       "10 ms x 2, answers at 10 ms + 1 ns then none: down at 30 ms + 1 ns");
}

static void test_order(void)
{
	struct ercx_detect d;

	ercx_detect_start(&d, 1000 * MS, 100, 3);
	ercx_detect_rx(&d, 1200 * MS);
	ercx_detect_rx(&d, 1150 * MS);	/* stamped earlier, locked later */
	tap_ok(d.last_rx_ns == 1200 * MS && d.deadline_ns == 1500 * MS,
	       "an answer stamped before the last one moves nothing (deadline %llu ms)",
	       (unsigned long long)(d.deadline_ns / MS));
	ercx_detect_rx(&d, 1200 * MS);
	tap_ok(d.deadline_ns == 1500 * MS,
	       "an answer stamped at the same ns: deadline unchanged");
	ercx_detect_start(&d, 0, 10, 0);
	tap_ok(first_expired(&d, 0, 1000 * MS) == 10 * MS,
	       "multiplier 0 counts as 1 (down at 10 ms)");
	ercx_detect_start(&d, 0, 0xffffffffU, 255);
	tap_ok(d.det_ns == 0xffffffffULL * MS * 255 &&
	       !ercx_detect_expired(&d, d.det_ns - 1) &&
	       ercx_detect_expired(&d, d.det_ns),
	       "the longest settings (2^32-1 ms x 255) do not overflow");
}

static void test_reconf(u64 t0, const char *what)
{
	struct ercx_detect old, d;

	/* shorter: 300 ms x 3 -> 10 ms x 3 250 ms after the last answer */
	ercx_detect_start(&old, t0, 300, 3);
	ercx_detect_rx(&old, t0 + 100 * MS);		/* deadline +1000 */
	ercx_detect_reconf(&d, &old, 10, 3);
	tap_ok(d.det_ns == 30 * MS && d.last_rx_ns == t0 + 100 * MS &&
	       first_expired(&d, t0 + 350 * MS, 10000 * MS) == t0 + 1000 * MS,
	       "%s: 300 ms x 3 -> 10 ms x 3 with the last answer 250 ms old: not down at once, down at the old deadline",
	       what);
	ercx_detect_rx(&d, t0 + 400 * MS);
	tap_ok(first_expired(&d, t0 + 400 * MS, 10000 * MS) == t0 + 430 * MS,
	       "%s: ... the next answer sets the deadline by the new settings (30 ms)",
	       what);

	/* longer: 10 ms x 3 -> 300 ms x 3, 25 ms after the last answer */
	ercx_detect_start(&old, t0, 10, 3);
	ercx_detect_rx(&old, t0 + 5 * MS);		/* deadline +35 */
	ercx_detect_reconf(&d, &old, 300, 3);
	tap_ok(first_expired(&d, t0 + 30 * MS, 10000 * MS) == t0 + 905 * MS,
	       "%s: 10 ms x 3 -> 300 ms x 3: down 900 ms after the last answer",
	       what);

	/* multiplier only: 100 ms x 5 -> 100 ms x 2 */
	ercx_detect_start(&old, t0, 100, 5);
	ercx_detect_rx(&old, t0 + 50 * MS);		/* deadline +550 */
	ercx_detect_reconf(&d, &old, 100, 2);
	tap_ok(first_expired(&d, t0 + 60 * MS, 10000 * MS) == t0 + 550 * MS,
	       "%s: 100 ms x 5 -> 100 ms x 2: the longer old deadline holds until an answer",
	       what);
	ercx_detect_rx(&d, t0 + 500 * MS);
	tap_ok(first_expired(&d, t0 + 500 * MS, 10000 * MS) == t0 + 700 * MS,
	       "%s: ... then 200 ms after each answer", what);

	/* a path already past its old deadline stays past it */
	ercx_detect_start(&old, t0, 10, 3);
	ercx_detect_reconf(&d, &old, 300, 3);
	tap_ok(ercx_detect_expired(&d, t0 + 900 * MS) &&
	       !ercx_detect_expired(&d, t0 + 900 * MS - 1),
	       "%s: no answer since the start: the new detection time counts from the start",
	       what);
}

/*
 * Random schedules: answers and checks at random times; the reference
 * keeps the list of answers and says "down" at time t when no answer (or
 * the start) lies in (t - det, t].
 */
static void test_random(u64 base, const char *what)
{
	unsigned int run, i, bad = 0, checks = 0;

	for (run = 0; run < 200; run++) {
		u32 iv = 10 + (u32)(tap_rand64() % 300);
		u8 mult = 1 + (u8)(tap_rand64() % 5);
		u64 det = (u64)iv * MS * mult, t = base, last = base;
		struct ercx_detect d;

		ercx_detect_start(&d, t, iv, mult);
		for (i = 0; i < 500; i++) {
			t += tap_rand64() % (2 * det);
			if (tap_rand64() % 3) {
				int want = t - last >= det;

				checks++;
				if (ercx_detect_expired(&d, t) != want)
					bad++;
				/* the boundary, both sides */
				if (!ercx_detect_expired(&d, last + det) ||
				    ercx_detect_expired(&d, last + det - 1))
					bad++;
			} else {
				ercx_detect_rx(&d, t);
				last = t;
			}
		}
	}
	tap_ok(!bad, "%s: 200 random schedules, %u checks agree with the reference (%u wrong)",
	       what, checks, bad);
}

int main(void)
{
	/* a start such that every deadline of the tests wraps past 2^64 */
	const u64 wrap = ~0ULL - 50 * MS;

	tap_seed(20261210);
	test_exact(7 * MS, "from boot");
	test_exact(wrap, "across 2^64");
	test_steady();
	test_order();
	test_reconf(3 * MS, "from boot");
	test_reconf(wrap, "across 2^64");
	test_random(0, "from boot");
	test_random(wrap - 300 * MS, "across 2^64");
	return tap_done();
}
