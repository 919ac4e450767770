// SPDX-License-Identifier: GPL-2.0
/*
 * ercoexist generic netlink fuzzer (issue 8, item 1).
 *
 * Raw AF_NETLINK/NETLINK_GENERIC sockets, so that any byte can be broken.
 * Starts from valid messages of every command and changes one thing per
 * message: at the attribute level (type, flags, length, value extremes,
 * nest depth, duplicates, missing and unknown attributes, command number,
 * huge prefix counts, header fields) or at the byte level (truncation,
 * nla_len and nlmsg_len lies, random bytes after a valid genl header, bit
 * flips).  It models what each message does to the namespace's state (from
 * the bytes it sent, framed as netlink_rcv_skb() frames them) and checks a
 * STATUS_GET and a PREFIX_GET dump against that model after every 1,000
 * messages.  Then: four threads racing POLICY_SET/dumps/FAILOVER/AUTO for a
 * fixed time; the same fuzzing as nobody (every write must be refused with
 * EPERM, reads are open, design.rst "Resources and privileges") and as
 * root of a fresh user+net namespace (acts in its own namespace only); and
 * at the end, after FLUSH, the kernel memory charged to the fuzzer's memory
 * cgroup must return to the baseline (the module allocates everything a
 * request sizes with GFP_KERNEL_ACCOUNT, so the cgroup sees exactly it).
 *
 * Prints TAP ("ok N - ...") and "# " diagnostics.  Environment:
 *   ERCX_FUZZ_SEED          seed (default: from the clock; always printed)
 *   ERCX_FUZZ_MESSAGES      messages of the root phase (default 100000)
 *   ERCX_FUZZ_PRIV_MESSAGES messages of each privilege phase (default 5000)
 *   ERCX_FUZZ_CONC_MS       the concurrency phase (default 8000 ms)
 *   ERCX_FUZZ_MAX_PREFIXES  max_prefixes during the run (default 4096;
 *                           restored at the end)
 *   ERCX_FUZZ_CGROUP        the cgroup v2 (memory controller) we run in, and
 *   ERCX_FUZZ_MEMSTAT_FD    its memory.stat and memory.current, open
 *   ERCX_FUZZ_MEMCUR_FD     (fuzz.sh does all three)
 *   ERCX_FUZZ_MEM_TOL_KB    memory tolerance (default 128; a 4095-prefix
 *                           policy charges ~440 KiB)
 *   ERCX_GENL_ER, ERCX_GENL_VPN, ERCX_FUZZ_UL   the devices (dummies, up)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ercoexist.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define ERCX_MAX_MS	3600000U	/* kmod/ercoexist.h */
#define CHECK_EVERY	1000
#define BUFSZ		(8u << 20)
#define RCVSZ		(1u << 20)

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static int tap_n;
static int tap_failed;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void diag(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : def;
}

/* ------------------------------------------------------------------------ */
/* Random numbers: splitmix64, one state per actor                           */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return n ? (uint32_t)(rng_next(s) % n) : 0;
}

/* ------------------------------------------------------------------------ */
/* Sockets                                                                   */

static int family_id;
static uint16_t unused_id;	/* a genl id no family has */

static int nl_open(bool big)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, sz = big ? (int)BUFSZ : (int)RCVSZ;

	if (fd < 0)
		return -1;
	/* FORCE as root; nobody gets the sysctl's cap (big sends fail) */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	sz = RCVSZ * 4;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));

	return n < 0 ? -errno : 0;
}

/* Append an attribute to a flat message being built in @buf */
static size_t put_attr(uint8_t *buf, size_t off, uint16_t type,
		       const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + off);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(buf + off + NLA_HDRLEN, data, len);
	memset(buf + off + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return off + NLA_HDRLEN + NLA_ALIGN(len);
}

static size_t put_hdr(uint8_t *buf, uint16_t type, uint16_t flags,
		      uint32_t seq, uint8_t cmd)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(buf + NLMSG_HDRLEN);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = ERCX_GENL_VERSION;
	return NLMSG_HDRLEN + GENL_HDRLEN;
}

/*
 * Send a well-formed request and wait for its answer: calls @cb on each
 * data message; returns the ack's or DONE's error (0, -errno) or -ETIMEDOUT.
 */
static int transact(int fd, uint8_t *buf, size_t len,
		    void (*cb)(const struct nlmsghdr *, void *), void *arg,
		    bool *intr)
{
	static __thread uint8_t rb[RCVSZ];
	struct nlmsghdr *req = (struct nlmsghdr *)buf;
	uint32_t seq = req->nlmsg_seq;
	int err;

	req->nlmsg_len = (uint32_t)len;
	err = nl_send(fd, buf, len);
	if (err)
		return err;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh;
		ssize_t n;
		int rem;

		if (poll(&p, 1, 10000) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, rb, sizeof(rb), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)rb; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR && intr)
				*intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				return e->error;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int *e = NLMSG_DATA(nlh);

				return nlh->nlmsg_len >= NLMSG_LENGTH(4) ? *e : 0;
			}
			if (cb)
				cb(nlh, arg);
		}
	}
}

/* Resolve the family id, and find one no family uses */
static void families_cb(const struct nlmsghdr *nlh, void *arg)
{
	uint8_t *used = arg;
	const struct nlattr *a;
	int rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const char *name = NULL;
	int id = -1;

	for (a = (const void *)((const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			id = *(const uint16_t *)(a + 1);
		if (a->nla_type == CTRL_ATTR_FAMILY_NAME)
			name = (const char *)(a + 1);
	}
	if (id >= 0 && id < 65536)
		used[id] = 1;
	if (id >= 0 && name && !strcmp(name, ERCX_GENL_NAME))
		family_id = id;
}

static int resolve_family(int fd)
{
	static uint8_t used[65536];
	uint8_t buf[64];
	size_t len;
	int err, i;

	len = put_hdr(buf, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 1,
		      CTRL_CMD_GETFAMILY);
	family_id = -1;
	err = transact(fd, buf, len, families_cb, used, NULL);
	if (err)
		return err;
	for (i = 0x7000; i < 0xffff; i++)
		if (!used[i]) {
			unused_id = (uint16_t)i;
			break;
		}
	return family_id > 0 ? 0 : -ENOENT;
}

/* ------------------------------------------------------------------------ */
/* Attribute trees: the policy-aware side                                    */

#define MAXN	4096
#define ARENA	(1u << 18)

struct node {
	uint16_t type;		/* with NLA_F_* flags */
	bool nest;
	int child, next;	/* -1: none */
	uint32_t off, len;	/* leaf payload in the arena */
};

struct tree {
	struct node n[MAXN];	/* n[0]: the top level (not encoded) */
	int nn;
	uint8_t arena[ARENA];
	uint32_t used;
	uint16_t nltype, nlflags;
	uint8_t cmd, version, reserved;
	uint32_t huge;		/* prefixes appended when encoding */
};

static int t_new(struct tree *t, uint16_t type, bool nest)
{
	struct node *n;

	if (t->nn >= MAXN)
		return -1;
	n = &t->n[t->nn];
	n->type = type;
	n->nest = nest;
	n->child = n->next = -1;
	n->off = n->len = 0;
	return t->nn++;
}

static void t_append(struct tree *t, int parent, int i)
{
	int *p = &t->n[parent].child;

	if (i < 0)
		return;
	while (*p >= 0)
		p = &t->n[*p].next;
	*p = i;
	t->n[i].next = -1;
}

static int t_leaf(struct tree *t, int parent, uint16_t type, const void *d,
		  uint32_t len)
{
	int i;

	if (t->used + len > ARENA)
		return -1;
	i = t_new(t, type, false);
	if (i < 0)
		return -1;
	t->n[i].off = t->used;
	t->n[i].len = len;
	if (d)
		memcpy(t->arena + t->used, d, len);
	else
		memset(t->arena + t->used, 0, len);
	t->used += len;
	t_append(t, parent, i);
	return i;
}

static int t_nest(struct tree *t, int parent, uint16_t type)
{
	int i = t_new(t, type | NLA_F_NESTED, true);

	t_append(t, parent, i);
	return i;
}

static void t_u8(struct tree *t, int p, uint16_t type, uint8_t v)
{
	t_leaf(t, p, type, &v, 1);
}

static void t_u16(struct tree *t, int p, uint16_t type, uint16_t v)
{
	t_leaf(t, p, type, &v, 2);
}

static void t_u32(struct tree *t, int p, uint16_t type, uint32_t v)
{
	t_leaf(t, p, type, &v, 4);
}

static void t_init(struct tree *t, uint8_t cmd, uint16_t flags)
{
	t->nn = 0;
	t->used = 0;
	t_new(t, 0, true);
	t->nltype = (uint16_t)family_id;
	t->nlflags = NLM_F_REQUEST | NLM_F_ACK | flags;
	t->cmd = cmd;
	t->version = ERCX_GENL_VERSION;
	t->reserved = 0;
	t->huge = 0;
}

/* Deep copy of node @i (its siblings not included) */
static int t_copy(struct tree *t, int i)
{
	int c, j, k;

	if (t->n[i].nest) {
		j = t_new(t, t->n[i].type, true);
		if (j < 0)
			return -1;
		for (c = t->n[i].child; c >= 0; c = t->n[c].next) {
			k = t_copy(t, c);
			if (k < 0)
				return -1;
			t_append(t, j, k);
		}
		return j;
	}
	j = t_new(t, t->n[i].type, false);
	if (j >= 0) {
		t->n[j].off = t->n[i].off;	/* payloads are never edited in place twice */
		t->n[j].len = t->n[i].len;
	}
	return j;
}

/* Encode: returns the bytes written; @offs collects attribute offsets */
struct enc {
	uint8_t *buf;
	size_t len, cap;
	uint32_t offs[MAXN];
	int noffs;
};

static void enc_node(struct tree *t, struct enc *e, int i)
{
	size_t start = e->len, plen;
	struct nlattr *a;
	int c;

	if (e->len + NLA_HDRLEN > e->cap)
		return;
	if (e->noffs < MAXN)
		e->offs[e->noffs++] = (uint32_t)start;
	e->len += NLA_HDRLEN;
	if (t->n[i].nest) {
		for (c = t->n[i].child; c >= 0; c = t->n[c].next)
			enc_node(t, e, c);
	} else {
		plen = t->n[i].len;
		if (e->len + NLA_ALIGN(plen) > e->cap)
			plen = 0;
		memcpy(e->buf + e->len, t->arena + t->n[i].off, plen);
		memset(e->buf + e->len + plen, 0, NLA_ALIGN(plen) - plen);
		e->len += NLA_ALIGN(plen);
		a = (struct nlattr *)(e->buf + start);
		a->nla_type = t->n[i].type;
		a->nla_len = (uint16_t)(NLA_HDRLEN + plen);
		return;
	}
	a = (struct nlattr *)(e->buf + start);
	a->nla_type = t->n[i].type;
	/* a nest over 64 KiB cannot be told: its length wraps (a lie too) */
	a->nla_len = (uint16_t)(e->len - start);
}

static uint16_t ifi_er, ifi_vpn, ifi_ul;

static void enc_prefix_n(struct enc *e, uint32_t i)
{
	uint8_t tmp[64];
	uint32_t a = htonl(0x0b000000u + i);	/* 11.0.0.0 + i, /32 */
	size_t o = 0;
	uint8_t v;
	struct nlattr *nest;

	if (e->len + 40 > e->cap)
		return;
	o = put_attr(tmp, NLA_HDRLEN, ERCX_PFX_A_ADDR4, &a, 4);
	v = 32;
	o = put_attr(tmp, o, ERCX_PFX_A_PLEN, &v, 1);
	v = (uint8_t)(1 + i % 3);
	o = put_attr(tmp, o, ERCX_PFX_A_VIA, &v, 1);
	nest = (struct nlattr *)tmp;
	nest->nla_type = ERCX_A_PREFIX | NLA_F_NESTED;
	nest->nla_len = (uint16_t)o;
	memcpy(e->buf + e->len, tmp, o);
	e->len += o;
}

static size_t t_encode(struct tree *t, struct enc *e, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	uint32_t i;
	int c;

	e->len = put_hdr(e->buf, t->nltype, t->nlflags, seq, t->cmd);
	e->noffs = 0;
	g = (struct genlmsghdr *)(e->buf + NLMSG_HDRLEN);
	g->version = t->version;
	g->reserved = t->reserved;
	for (c = t->n[0].child; c >= 0; c = t->n[c].next)
		enc_node(t, e, c);
	for (i = 0; i < t->huge; i++)
		enc_prefix_n(e, i);
	nlh = (struct nlmsghdr *)e->buf;
	nlh->nlmsg_len = (uint32_t)e->len;
	return e->len;
}

/* ------------------------------------------------------------------------ */
/* Seeds: a valid message of every command                                   */

static void seed_path(struct tree *t, uint64_t *r, int p)
{
	static const uint16_t type[3] = {
		ERCX_A_PATH_ER, ERCX_A_PATH_VPN, ERCX_A_UNDERLAY
	};
	static const uint32_t mark[3] = { 0x00e10000, 0x00e20000, 0x00e30000 };
	uint16_t ifi[3] = { ifi_er, ifi_vpn, ifi_ul };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			   0, 0, 0, 0, 0, 0, 0, (uint8_t)(p + 1) };
	uint32_t a4 = htonl(0xc0000200u + (uint32_t)p + 1);	/* 192.0.2.x */
	int n = t_nest(t, 0, type[p]);

	t_u32(t, n, ERCX_PATH_A_IFINDEX, ifi[p]);
	if (rnd(r, 2))
		t_leaf(t, n, ERCX_PATH_A_GATEWAY4, &a4, 4);
	if (rnd(r, 3) == 0)
		t_leaf(t, n, ERCX_PATH_A_GATEWAY6, a6, 16);
	if (rnd(r, 2))
		t_u32(t, n, ERCX_PATH_A_FWMARK, mark[p]);
	if (rnd(r, 2))
		t_u32(t, n, ERCX_PATH_A_TABLE, 225 + (uint32_t)p);
	if (p == 2)
		return;
	if (rnd(r, 4) == 0) {
		a4 = htonl(0xc6336400u + (uint32_t)p + 1);	/* 198.51.100.x */
		t_leaf(t, n, ERCX_PATH_A_PROBE4, &a4, 4);
		a6[15] = (uint8_t)(0x10 + p);
		if (rnd(r, 2))
			t_leaf(t, n, ERCX_PATH_A_PROBE6, a6, 16);
		t_u32(t, n, ERCX_PATH_A_PROBE_INTERVAL_MS,
		      rnd(r, 2) ? 1000 : 0);
		t_u8(t, n, ERCX_PATH_A_PROBE_MULTIPLIER, (uint8_t)(1 + rnd(r, 5)));
	}
	if (p == 1 && rnd(r, 2)) {
		a4 = htonl(0xcb007100u + 7);	/* 203.0.113.7 */
		t_leaf(t, n, ERCX_PATH_A_PEER4, &a4, 4);
		a6[15] = 0x77;
		if (rnd(r, 2))
			t_leaf(t, n, ERCX_PATH_A_PEER6, a6, 16);
	}
}

static void seed_prefix(struct tree *t, uint64_t *r, int i)
{
	int n = t_nest(t, 0, ERCX_A_PREFIX);

	if (rnd(r, 3)) {
		uint32_t a = htonl(0x0a000000u | ((uint32_t)i << 16));	/* 10.i/16 */

		t_leaf(t, n, ERCX_PFX_A_ADDR4, &a, 4);
		t_u8(t, n, ERCX_PFX_A_PLEN, 16);
	} else {
		uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, (uint8_t)i };

		t_leaf(t, n, ERCX_PFX_A_ADDR6, a6, 16);
		t_u8(t, n, ERCX_PFX_A_PLEN, 48);
	}
	t_u8(t, n, ERCX_PFX_A_VIA, (uint8_t)(1 + rnd(r, 3)));
}

static void seed_policy_set(struct tree *t, uint64_t *r)
{
	int i, np = (int)rnd(r, 9);

	t_init(t, ERCX_CMD_POLICY_SET, 0);
	seed_path(t, r, 0);
	seed_path(t, r, 1);
	if (ifi_ul && rnd(r, 3) == 0)
		seed_path(t, r, 2);
	if (rnd(r, 2))
		t_u16(t, 0, ERCX_A_MSS, (uint16_t)(1200 + rnd(r, 300)));
	if (rnd(r, 3) == 0)
		t_u16(t, 0, ERCX_A_MSS6, (uint16_t)(1220 + rnd(r, 200)));
	if (rnd(r, 3) == 0)
		t_u8(t, 0, ERCX_A_MSS_SCOPE, (uint8_t)rnd(r, 2));
	if (rnd(r, 3) == 0)
		t_u8(t, 0, ERCX_A_NOPATH, (uint8_t)rnd(r, 2));
	if (rnd(r, 2))
		t_u32(t, 0, ERCX_A_FAILBACK_DELAY_MS, rnd(r, 5000));
	if (rnd(r, 4) == 0)
		t_u32(t, 0, ERCX_A_FWMASK, 0x00ff0000);
	for (i = 0; i < np; i++)
		seed_prefix(t, r, i);
}

/* Weights: POLICY_SET most, FLUSH least (each one unregisters the hooks) */
static uint8_t seed(struct tree *t, uint64_t *r)
{
	uint32_t w = rnd(r, 100);

	if (w < 40) {
		seed_policy_set(t, r);
	} else if (w < 50) {
		t_init(t, ERCX_CMD_POLICY_GET, 0);
	} else if (w < 60) {
		t_init(t, ERCX_CMD_PREFIX_GET, NLM_F_DUMP);
	} else if (w < 70) {
		t_init(t, ERCX_CMD_STATUS_GET, 0);
	} else if (w < 84) {
		t_init(t, ERCX_CMD_FAILOVER, 0);
		t_u8(t, 0, ERCX_A_PATH, (uint8_t)(ERCX_PATH_ER + rnd(r, 2)));
	} else if (w < 96) {
		t_init(t, ERCX_CMD_AUTO, 0);
	} else {
		t_init(t, ERCX_CMD_FLUSH, 0);
	}
	return t->cmd;
}

/* ------------------------------------------------------------------------ */
/* Mutations                                                                 */

enum cls {
	C_VALID, C_TYPE, C_FLAGS, C_LEN, C_VALUE, C_DEPTH, C_DUP, C_MISSING,
	C_UNKNOWN, C_CMD, C_HUGE, C_HDR,
	/* byte level */
	C_TRUNC, C_NLALEN, C_NLMSGLEN, C_RANDOM, C_BITFLIP,
	NCLS
};

static const char *const cls_name[NCLS] = {
	"valid", "attr-type", "attr-flags", "attr-length", "value-extremes",
	"nest-depth", "duplicate", "missing", "unknown-attr", "wrong-cmd",
	"huge-prefixes", "header-fields", "truncated", "nla_len-lie",
	"nlmsg_len-lie", "random-after-genl", "bit-flips",
};

static uint32_t max_prefixes = 4096;

/* All nodes but the top level, with their parent and previous sibling */
static int t_collect(struct tree *t, int *nodes, int *parent, int *prev)
{
	int stack[MAXN], sp = 0, cnt = 0, c, pv;

	stack[sp++] = 0;
	while (sp) {
		int p = stack[--sp];

		pv = -1;
		for (c = t->n[p].child; c >= 0; c = t->n[c].next) {
			nodes[cnt] = c;
			parent[cnt] = p;
			prev[cnt] = pv;
			cnt++;
			pv = c;
			if (t->n[c].nest && sp < MAXN)
				stack[sp++] = c;
		}
	}
	return cnt;
}

static void fill_extreme(uint64_t *r, uint8_t *d, uint32_t len)
{
	static const uint32_t v32[] = {
		0, 1, 9, 10, 11, 224, 225, 252, 253, 254, 255, 256,
		ERCX_MAX_MS, ERCX_MAX_MS + 1, 0x00e10000, 0x00ff0000,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};
	static const uint16_t v16[] = {
		0, 1, 535, 536, 1219, 1220, 1250, 9000, 9001, 0x7fff,
		0x8000, 0xffff,
	};
	static const uint8_t v8[] = {
		0, 1, 2, 3, 4, 7, 31, 32, 33, 127, 128, 129, 254, 255,
	};
	uint32_t i;

	switch (len) {
	case 1:
		d[0] = v8[rnd(r, sizeof(v8))];
		return;
	case 2: {
		uint16_t v = v16[rnd(r, sizeof(v16) / 2)];

		memcpy(d, &v, 2);
		return;
	}
	case 4: {
		uint32_t v = v32[rnd(r, sizeof(v32) / 4)];

		if (rnd(r, 4) == 0)
			v = htonl(v);
		memcpy(d, &v, 4);
		return;
	}
	}
	switch (rnd(r, 4)) {
	case 0:
		memset(d, 0, len);
		break;
	case 1:
		memset(d, 0xff, len);
		break;
	case 2:
		memset(d, 0, len);
		if (len)
			d[0] = 0x80;
		break;
	default:
		for (i = 0; i < len; i++)
			d[i] = (uint8_t)rng_next(r);
	}
}

static const uint8_t all_cmds[] = {
	ERCX_CMD_POLICY_SET, ERCX_CMD_POLICY_GET, ERCX_CMD_PREFIX_GET,
	ERCX_CMD_STATUS_GET, ERCX_CMD_FAILOVER, ERCX_CMD_AUTO, ERCX_CMD_FLUSH,
};

/* One attribute-level change.  Returns the class applied. */
static enum cls mutate_tree(struct tree *t, uint64_t *r, enum cls want)
{
	static int nodes[MAXN], parent[MAXN], prev[MAXN];
	int cnt = t_collect(t, nodes, parent, prev), k, i, j, p, pv;

	if (!cnt && want <= C_MISSING && want != C_VALID)
		want = rnd(r, 2) ? C_UNKNOWN : C_CMD;
	k = cnt ? (int)rnd(r, (uint32_t)cnt) : 0;
	i = cnt ? nodes[k] : -1;
	p = cnt ? parent[k] : 0;
	pv = cnt ? prev[k] : -1;

	switch (want) {
	case C_VALID:
		break;
	case C_TYPE: {
		uint16_t flags = t->n[i].type & (NLA_F_NESTED | NLA_F_NET_BYTEORDER);
		static const uint16_t odd[] = { 0, 1, __ERCX_A_MAX, __ERCX_A_MAX + 1,
						 __ERCX_PATH_A_MAX, 255, 256, 0x3fff };

		if (rnd(r, 2))
			t->n[i].type = flags | (uint16_t)rnd(r, __ERCX_A_MAX + 2);
		else
			t->n[i].type = flags | odd[rnd(r, sizeof(odd) / 2)];
		break;
	}
	case C_FLAGS:
		t->n[i].type ^= rnd(r, 2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
		break;
	case C_LEN:
		if (t->n[i].nest) {
			/* a short, odd-sized attribute at the end of the nest */
			uint8_t junk[7];

			fill_extreme(r, junk, sizeof(junk));
			t_leaf(t, i, (uint16_t)rnd(r, 8), junk, 1 + rnd(r, 7));
		} else {
			static const uint32_t lens[] = { 0, 1, 2, 3, 5, 8, 15, 17, 64, 4000, 65000 };
			uint32_t nl, old = t->n[i].len;

			switch (rnd(r, 3)) {
			case 0: nl = old ? old - 1 : 1; break;
			case 1: nl = old + 1; break;
			default: nl = lens[rnd(r, sizeof(lens) / 4)];
			}
			if (t->used + nl > ARENA)
				nl = old + 1;
			memcpy(t->arena + t->used, t->arena + t->n[i].off,
			       old < nl ? old : nl);
			for (j = (int)old; j < (int)nl; j++)
				t->arena[t->used + (uint32_t)j] = (uint8_t)rng_next(r);
			t->n[i].off = t->used;
			t->n[i].len = nl;
			t->used += nl;
		}
		break;
	case C_VALUE:
		if (t->n[i].nest) {
			/* the nest's content: one child's value */
			for (j = t->n[i].child; j >= 0 && t->n[j].nest; j = t->n[j].next)
				;
			if (j < 0)
				break;
			i = j;
		}
		if (t->used + t->n[i].len <= ARENA) {
			t->n[i].off = t->used;
			fill_extreme(r, t->arena + t->used, t->n[i].len);
			t->used += t->n[i].len;
		}
		break;
	case C_DEPTH: {
		static const int depths[] = { 1, 2, 3, 8, 16, 64, 500 };
		int d = depths[rnd(r, sizeof(depths) / sizeof(depths[0]))];
		uint16_t ty = rnd(r, 2) ? (t->n[i].type & NLA_TYPE_MASK) :
					  (uint16_t)rnd(r, __ERCX_A_MAX);
		int next = t->n[i].next, inner = i, w;

		/* wrap @i in @d nests, in its place */
		for (j = 0; j < d; j++) {
			w = t_new(t, ty | NLA_F_NESTED, true);
			if (w < 0)
				break;
			t->n[w].child = inner;
			t->n[inner].next = -1;
			inner = w;
		}
		if (inner == i)
			break;
		t->n[inner].next = next;
		if (pv < 0)
			t->n[p].child = inner;
		else
			t->n[pv].next = inner;
		break;
	}
	case C_DUP: {
		int copies = rnd(r, 8) ? 1 + (int)rnd(r, 3) : 100;

		for (j = 0; j < copies; j++) {
			int c = t_copy(t, i);

			if (c < 0)
				break;
			t->n[c].next = t->n[i].next;
			t->n[i].next = c;
		}
		break;
	}
	case C_MISSING:
		if (pv < 0)
			t->n[p].child = t->n[i].next;
		else
			t->n[pv].next = t->n[i].next;
		break;
	case C_UNKNOWN: {
		static const uint16_t ids[] = { 0, ERCX_A_PAD, __ERCX_A_MAX,
						__ERCX_A_MAX + 1, 100, 0x3fff,
						__ERCX_PATH_A_MAX, __ERCX_PFX_A_MAX };
		uint8_t junk[8];
		int where = 0;

		/* at the top level or in a random nest */
		for (j = 0; j < cnt; j++)
			if (t->n[nodes[j]].nest && rnd(r, 2)) {
				where = nodes[j];
				break;
			}
		fill_extreme(r, junk, sizeof(junk));
		t_leaf(t, where, ids[rnd(r, sizeof(ids) / 2)], junk, rnd(r, 9));
		break;
	}
	case C_CMD: {
		static const uint8_t odd[] = { ERCX_CMD_UNSPEC, ERCX_CMD_EVENT,
					       __ERCX_CMD_MAX, 100, 255 };

		if (rnd(r, 2))
			t->cmd = odd[rnd(r, sizeof(odd))];
		else
			t->cmd = all_cmds[rnd(r, sizeof(all_cmds))];
		break;
	}
	case C_HUGE: {
		uint32_t m = max_prefixes;
		const uint32_t counts[] = { m - 1, m, m + 1, 2 * m, 65535, 65536, 100000 };

		if (t->cmd != ERCX_CMD_POLICY_SET)
			seed_policy_set(t, r);
		t->huge = counts[rnd(r, sizeof(counts) / 4)];
		break;
	}
	case C_HDR:
		switch (rnd(r, 8)) {
		case 0: t->nlflags ^= NLM_F_DUMP; break;
		case 1: t->nlflags &= (uint16_t)~NLM_F_REQUEST; break;
		case 2: t->nlflags &= (uint16_t)~NLM_F_ACK; break;
		case 3: t->nlflags |= NLM_F_ECHO | NLM_F_ROOT; break;
		case 4: {
			const uint16_t ty[] = { 0, NLMSG_NOOP, NLMSG_ERROR,
						NLMSG_DONE, NLMSG_MIN_TYPE - 1,
						GENL_ID_CTRL, unused_id, 0xffff };

			t->nltype = ty[rnd(r, sizeof(ty) / 2)];
			break;
		}
		case 5: t->version = (uint8_t)(rnd(r, 2) ? 0 : 255); break;
		case 6: t->reserved = (uint8_t)(1 + rnd(r, 255)); break;
		default: t->version = (uint8_t)rng_next(r); break;
		}
		break;
	default:
		break;
	}
	return want;
}

/* One byte-level change of an encoded message. */
static size_t mutate_bytes(struct enc *e, uint64_t *r, enum cls c,
			   struct tree *t, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e->buf;
	size_t len = e->len;
	uint32_t i, n;

	switch (c) {
	case C_TRUNC:
		n = rnd(r, (uint32_t)len);
		if (rnd(r, 2))
			nlh->nlmsg_len = n;	/* consistent: attributes cut */
		len = n;			/* else nlmsg_len now lies */
		break;
	case C_NLALEN: {
		struct nlattr *a;
		uint32_t rem;

		if (!e->noffs) {
			len = mutate_bytes(e, r, C_NLMSGLEN, t, seq);
			break;
		}
		i = e->offs[rnd(r, (uint32_t)e->noffs)];
		a = (struct nlattr *)(e->buf + i);
		rem = (uint32_t)(len - i);
		switch (rnd(r, 8)) {
		case 0: a->nla_len = 0; break;
		case 1: a->nla_len = (uint16_t)(1 + rnd(r, 3)); break;
		case 2: a->nla_len = (uint16_t)(rem + 4); break;
		case 3: a->nla_len = 0xffff; break;
		case 4: a->nla_len = (uint16_t)(a->nla_len | 1); break;
		case 5: a->nla_len = (uint16_t)(a->nla_len + 1 + rnd(r, 3)); break;
		case 6: a->nla_len = (uint16_t)(a->nla_len > 4 ? a->nla_len - 1 : 5); break;
		default: a->nla_len = (uint16_t)rng_next(r); break;
		}
		break;
	}
	case C_NLMSGLEN:
		switch (rnd(r, 9)) {
		case 0: nlh->nlmsg_len = 0; break;
		case 1: nlh->nlmsg_len = NLMSG_HDRLEN - 1; break;
		case 2: nlh->nlmsg_len = NLMSG_HDRLEN; break;
		case 3: nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN - 1; break;
		case 4: nlh->nlmsg_len = (uint32_t)len - 1 - rnd(r, 8); break;
		case 5: nlh->nlmsg_len = (uint32_t)len + 1 + rnd(r, 64); break;
		case 6: nlh->nlmsg_len = 0xffffffff; break;
		case 7: {
			/* a second message after the first: valid, of any command */
			struct tree *t2 = malloc(sizeof(*t2));
			struct enc e2;

			if (!t2)
				break;
			seed(t2, r);
			e2.buf = e->buf + NLMSG_ALIGN(len);
			e2.cap = e->cap - NLMSG_ALIGN(len);
			t_encode(t2, &e2, seq + 1);
			memset(e->buf + len, 0, NLMSG_ALIGN(len) - len);
			len = NLMSG_ALIGN(len) + e2.len;
			if (rnd(r, 2))	/* and the first one claims both */
				nlh->nlmsg_len = (uint32_t)len;
			free(t2);
			break;
		}
		default: nlh->nlmsg_len = (uint32_t)rng_next(r); break;
		}
		break;
	case C_RANDOM: {
		struct genlmsghdr *g = (struct genlmsghdr *)(e->buf + NLMSG_HDRLEN);

		n = rnd(r, 4) ? rnd(r, 256) : rnd(r, 8192);
		len = NLMSG_HDRLEN + GENL_HDRLEN;
		g->cmd = all_cmds[rnd(r, sizeof(all_cmds))];
		g->version = ERCX_GENL_VERSION;
		g->reserved = 0;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				   (g->cmd == ERCX_CMD_PREFIX_GET ? NLM_F_DUMP : 0);
		for (i = 0; i < n && len < e->cap; i++)
			e->buf[len++] = (uint8_t)rng_next(r);
		nlh->nlmsg_len = (uint32_t)len;
		break;
	}
	case C_BITFLIP:
		n = 1 + rnd(r, 8);
		for (i = 0; i < n; i++) {
			uint32_t b = rnd(r, (uint32_t)len * 8);

			e->buf[b / 8] ^= (uint8_t)(1u << (b % 8));
		}
		break;
	default:
		break;
	}
	(void)t;
	return len;
}

/* ------------------------------------------------------------------------ */
/* The model: what the module's state must be                                */

struct state {
	bool known;		/* false after an answer we cannot explain */
	bool loaded;
	uint32_t gen;
	uint8_t mode;
	uint32_t pfx;
	uint16_t mss;
};

/* One message as netlink_rcv_skb() frames the buffer */
struct sub {
	uint32_t seq;
	bool ours;		/* reaches the family's doit/dumpit */
	bool effectless;	/* acked 0 without running (not a request, ...) */
	uint8_t cmd;
	bool dump;
	bool hdr_ok;		/* reserved 0, no reserved nlmsg flags */
	bool ack;		/* NLM_F_ACK: else success is silent */
	uint32_t pfx;		/* POLICY_SET: prefixes; else unused */
	uint16_t mss;		/* POLICY_SET: MSS in force */
	uint8_t path;		/* FAILOVER: the path */
	int answer;		/* 1: error/ack seen, 2: DONE seen */
	int err;
};

#define MAXSUB 64

static bool is_write(uint8_t cmd)
{
	return cmd == ERCX_CMD_POLICY_SET || cmd == ERCX_CMD_FAILOVER ||
	       cmd == ERCX_CMD_AUTO || cmd == ERCX_CMD_FLUSH;
}

static int frame(const uint8_t *buf, size_t len, struct sub *subs)
{
	int ns = 0;

	while (len >= NLMSG_HDRLEN && ns < MAXSUB) {
		const struct nlmsghdr *nlh = (const void *)buf;
		const struct genlmsghdr *g = (const void *)(buf + NLMSG_HDRLEN);
		struct sub *s = &subs[ns];
		uint32_t ml = nlh->nlmsg_len, alen;
		const uint8_t *ap;
		const struct nlattr *a;

		if (ml < NLMSG_HDRLEN || len < ml)
			break;
		memset(s, 0, sizeof(*s));
		s->seq = nlh->nlmsg_seq;
		s->ack = nlh->nlmsg_flags & NLM_F_ACK;
		s->mss = 1250;
		ns++;
		if (!(nlh->nlmsg_flags & NLM_F_REQUEST) ||
		    nlh->nlmsg_type < NLMSG_MIN_TYPE) {
			s->effectless = true;
		} else if (nlh->nlmsg_type == family_id &&
			   ml >= NLMSG_HDRLEN + GENL_HDRLEN) {
			s->ours = true;
			s->cmd = g->cmd;
			s->dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
			/* what genl_header_check() lets through to the op lookup */
			s->hdr_ok = !g->reserved &&
				    !((nlh->nlmsg_flags & (uint16_t)~(s->dump ? NLM_F_DUMP : 0)) &
				      (uint16_t)~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
			ap = buf + NLMSG_HDRLEN + GENL_HDRLEN;
			alen = ml - NLMSG_HDRLEN - GENL_HDRLEN;
			while (alen >= NLA_HDRLEN) {
				uint16_t ty;

				a = (const void *)ap;
				if (a->nla_len < NLA_HDRLEN || a->nla_len > alen)
					break;
				ty = a->nla_type & NLA_TYPE_MASK;
				if (ty == ERCX_A_PREFIX)
					s->pfx++;
				else if (ty == ERCX_A_MSS && a->nla_len >= 6)
					memcpy(&s->mss, a + 1, 2);
				else if (ty == ERCX_A_PATH && a->nla_len >= 5)
					s->path = *(const uint8_t *)(a + 1);
				if ((uint32_t)NLA_ALIGN(a->nla_len) >= alen)
					break;
				ap += (uint32_t)NLA_ALIGN(a->nla_len);
				alen -= (uint32_t)NLA_ALIGN(a->nla_len);
			}
		}
		ml = NLMSG_ALIGN(ml);
		if (ml > len)
			break;
		buf += ml;
		len -= ml;
	}
	return ns;
}

/* An accepted message: what it did */
static void apply(struct state *st, const struct sub *s)
{
	if (!s->ours || s->dump)
		return;
	switch (s->cmd) {
	case ERCX_CMD_POLICY_SET:
		st->loaded = true;
		st->gen++;
		st->pfx = s->pfx;
		st->mss = s->mss;
		break;
	case ERCX_CMD_FAILOVER:
		st->mode = s->path == ERCX_PATH_VPN ? ERCX_MODE_FORCED_VPN :
						       ERCX_MODE_FORCED_ER;
		break;
	case ERCX_CMD_AUTO:
		st->mode = ERCX_MODE_AUTO;
		break;
	case ERCX_CMD_FLUSH:
		if (st->loaded) {
			st->loaded = false;
			st->gen++;
			st->mode = ERCX_MODE_AUTO;
		}
		break;
	}
}

/* ------------------------------------------------------------------------ */
/* Reading the module's state                                                */

struct status {
	bool loaded;
	int64_t gen, pfx, mode, active, mss;
};

static void status_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct status *s = arg;
	const struct nlattr *a;
	int rem = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	for (a = (const void *)((const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		const void *d = a + 1;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case ERCX_A_POLICY_LOADED: s->loaded = true; break;
		case ERCX_A_GENERATION: s->gen = *(const uint32_t *)d; break;
		case ERCX_A_PREFIX_COUNT: s->pfx = *(const uint32_t *)d; break;
		case ERCX_A_MODE: s->mode = *(const uint8_t *)d; break;
		case ERCX_A_ACTIVE_PATH: s->active = *(const uint8_t *)d; break;
		case ERCX_A_MSS: s->mss = *(const uint16_t *)d; break;
		}
	}
}

static int get_status(int fd, uint32_t seq, struct status *s)
{
	uint8_t buf[64];
	size_t len = put_hdr(buf, (uint16_t)family_id, NLM_F_REQUEST | NLM_F_ACK,
			     seq, ERCX_CMD_STATUS_GET);

	memset(s, 0, sizeof(*s));
	s->gen = s->pfx = s->mode = s->active = s->mss = -1;
	return transact(fd, buf, len, status_cb, s, NULL);
}

struct dump {
	uint32_t n;
	int64_t gen;
	bool mixed;
};

static void dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump *d = arg;
	struct status s = { .gen = -1 };

	status_cb(nlh, &s);
	if (d->n && s.gen != d->gen)
		d->mixed = true;
	d->gen = s.gen;
	d->n++;
}

static int dump_prefixes(int fd, uint32_t seq, struct dump *d, bool *intr)
{
	uint8_t buf[64];
	size_t len = put_hdr(buf, (uint16_t)family_id,
			     NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, seq,
			     ERCX_CMD_PREFIX_GET);

	memset(d, 0, sizeof(*d));
	d->gen = -1;
	*intr = false;
	return transact(fd, buf, len, dump_cb, d, intr);
}

/* ------------------------------------------------------------------------ */
/* A fuzzing actor                                                           */

struct counts {
	uint64_t sent, accepted, rejected, silent;
};

struct fz {
	const char *who;
	uint64_t rng;
	int fd, ctl;
	uint32_t seq;
	bool denied;		/* writes must be refused with EPERM */
	struct state st;
	struct counts c[NCLS];
	uint64_t per_cmd[__ERCX_CMD_MAX];
	uint64_t errnos[160];
	uint64_t sendfail, nomsg, unmatched, resyncs, checks, overruns;
	uint64_t write_denied, write_seen, read_ok;
	int failures;
	/* the last messages, for a failure report */
	struct { uint64_t i; uint8_t cls, cmd; uint32_t len; int err; } ring[32];
	struct tree *t;
	struct enc *e;
	uint8_t *rb;
};

static void fail(struct fz *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->failures++;
	if (f->failures <= 20)
		diag("%s: FAIL: %s", f->who, msg);
}

static void report_ring(struct fz *f, uint64_t upto)
{
	uint64_t i0 = upto > 32 ? upto - 32 : 0;

	for (uint64_t i = i0; i < upto; i++) {
		typeof(f->ring[0]) *r = &f->ring[i % 32];

		if (r->i != i)
			continue;
		diag("%s:   message %" PRIu64 ": class %s cmd %u len %u -> %d",
		     f->who, i, cls_name[r->cls], r->cmd, r->len, r->err);
	}
}

/* Compare the module with the model; adopt what it says */
static void check(struct fz *f, uint64_t i)
{
	struct status s;
	struct dump d;
	bool intr;
	int err;

	f->checks++;
	err = get_status(f->ctl, ++f->seq, &s);
	if (err) {
		fail(f, "STATUS_GET after message %" PRIu64 ": error %d", i, err);
		report_ring(f, i);
		return;
	}
	if (s.gen < 0 || s.mode < 0 || s.mode > ERCX_MODE_MAX ||
	    s.active < 0 || s.active > ERCX_PATH_MAX ||
	    (s.loaded && (s.pfx < 0 || s.mss < 0)) ||
	    (!s.loaded && s.mode != ERCX_MODE_AUTO)) {
		fail(f, "STATUS_GET after message %" PRIu64 " inconsistent: loaded %d gen %" PRId64
		     " mode %" PRId64 " active %" PRId64 " prefixes %" PRId64,
		     i, s.loaded, s.gen, s.mode, s.active, s.pfx);
		report_ring(f, i);
	}
	if (f->st.known &&
	    (s.loaded != f->st.loaded || s.gen != f->st.gen ||
	     s.mode != f->st.mode ||
	     (s.loaded && (s.pfx != f->st.pfx || s.mss != f->st.mss)))) {
		fail(f, "after message %" PRIu64 " the module says loaded %d gen %" PRId64
		     " mode %" PRId64 " prefixes %" PRId64 " mss %" PRId64
		     "; the messages accepted say loaded %d gen %u mode %u prefixes %u mss %u",
		     i, s.loaded, s.gen, s.mode, s.pfx, s.mss, f->st.loaded,
		     f->st.gen, f->st.mode, f->st.pfx, f->st.mss);
		report_ring(f, i);
	}
	if (!f->st.known)
		f->resyncs++;
	else if (s.gen < f->st.gen)
		fail(f, "generation went back: %" PRId64 " < %u", s.gen, f->st.gen);
	f->st.known = true;
	f->st.loaded = s.loaded;
	f->st.gen = (uint32_t)s.gen;
	f->st.mode = (uint8_t)s.mode;
	f->st.pfx = s.loaded ? (uint32_t)s.pfx : 0;
	f->st.mss = s.loaded ? (uint16_t)s.mss : 0;

	err = dump_prefixes(f->ctl, ++f->seq, &d, &intr);
	if (err) {
		fail(f, "PREFIX_GET dump after message %" PRIu64 ": error %d", i, err);
		return;
	}
	if (!intr && (d.n != f->st.pfx || d.mixed ||
		      (d.n && d.gen != f->st.gen)))
		fail(f, "PREFIX_GET dump after message %" PRIu64 ": %u prefixes of generation %"
		     PRId64 "%s; status: %u of %u", i, d.n, d.gen,
		     d.mixed ? " (mixed)" : "", f->st.pfx, f->st.gen);
}

/* Read every answer to the message just sent; match them to @subs */
static void collect(struct fz *f, struct sub *subs, int ns, int *first_err,
		    bool *acc, bool *rej)
{
	int cursor = 0, k, polls = 0;
	bool dumping = false;

	for (;;) {
		ssize_t n = recv(f->fd, f->rb, RCVSZ, MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		int rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				f->overruns++;
				f->st.known = false;
				continue;
			}
			if (errno != EAGAIN)
				fail(f, "recv: %s", strerror(errno));
			/* a dump in progress goes on with each recv: wait */
			if (dumping && polls++ < 50) {
				struct pollfd p = { .fd = f->fd, .events = POLLIN };

				poll(&p, 1, 100);
				continue;
			}
			if (dumping)
				fail(f, "a dump did not finish");
			/*
			 * Without NLM_F_ACK a request that worked is not
			 * answered (netlink_rcv_skb() acks only errors)
			 */
			for (k = 0; k < ns; k++) {
				if (subs[k].answer || subs[k].ack || !subs[k].ours ||
				    subs[k].dump)
					continue;
				*acc = true;
				if (f->denied && is_write(subs[k].cmd))
					fail(f, "write command %u without NLM_F_ACK got no error: accepted",
					     subs[k].cmd);
				if (f->st.known)
					apply(&f->st, &subs[k]);
			}
			return;
		}
		rem = (int)n;
		for (nlh = (void *)f->rb; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			int err = 0;
			bool done = false;

			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				err = e->error;
				done = true;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				if (nlh->nlmsg_len >= NLMSG_LENGTH(4))
					err = *(int *)NLMSG_DATA(nlh);
				done = true;
				dumping = false;
			} else {
				dumping = (nlh->nlmsg_flags & NLM_F_MULTI) != 0;
				*acc = true;
				continue;
			}
			if (!done)
				continue;
			for (k = cursor; k < ns; k++)
				if (subs[k].seq == nlh->nlmsg_seq && !subs[k].answer)
					break;
			if (err) {
				*rej = true;
				if (!*first_err)
					*first_err = err;
				if (-err > 0 && -err < 160)
					f->errnos[-err]++;
			} else {
				*acc = true;
			}
			if (k >= ns) {
				if (!err) {
					/* acked something we did not frame */
					f->unmatched++;
					f->st.known = false;
				}
				continue;
			}
			cursor = k;
			subs[k].answer = nlh->nlmsg_type == NLMSG_DONE ? 2 : 1;
			subs[k].err = err;
			if (subs[k].ours && is_write(subs[k].cmd))
				f->write_seen++;
			if (f->denied && subs[k].ours && is_write(subs[k].cmd)) {
				/* EPERM, unless the header or the op lookup failed first */
				if (err == -EPERM)
					f->write_denied++;
				else if (!err || (!subs[k].dump && subs[k].hdr_ok))
					fail(f, "write command %u (flags ok, not a dump) answered %d, not -EPERM",
					     subs[k].cmd, err);
			}
			if (!err && subs[k].ours && !is_write(subs[k].cmd))
				f->read_ok++;
			if (!err && !subs[k].effectless && f->st.known)
				apply(&f->st, &subs[k]);
		}
	}
}

static const uint8_t byte_cls[] = { C_TRUNC, C_NLALEN, C_NLMSGLEN, C_RANDOM, C_BITFLIP };

/* @n messages; a check after every CHECK_EVERY */
static void fuzz_run(struct fz *f, uint64_t n)
{
	static struct sub subs[MAXSUB];
	uint64_t i;

	for (i = 0; i < n; i++) {
		uint32_t w = rnd(&f->rng, 100), seq = ++f->seq;
		enum cls c;
		size_t len;
		int ns, err = 0, first_err = 0;
		bool acc = false, rej = false;
		uint8_t cmd;

		cmd = seed(f->t, &f->rng);
		if (w < 8)
			c = C_VALID;
		else if (w < 65)
			c = (enum cls)(C_TYPE + rnd(&f->rng, C_HDR - C_TYPE + 1));
		else
			c = (enum cls)byte_cls[rnd(&f->rng, sizeof(byte_cls))];
		/* huge prefix counts cost ~3 MB each: 1 in 4 of their draws */
		if (c == C_HUGE && rnd(&f->rng, 4))
			c = C_DUP;
		if (c < C_TRUNC)
			c = mutate_tree(f->t, &f->rng, c);
		cmd = f->t->cmd;
		len = t_encode(f->t, f->e, seq);
		if (c >= C_TRUNC)
			len = mutate_bytes(f->e, &f->rng, c, f->t, seq);
		if (cmd < __ERCX_CMD_MAX)
			f->per_cmd[cmd]++;

		ns = frame(f->e->buf, len, subs);
		f->c[c].sent++;
		err = nl_send(f->fd, f->e->buf, len);
		if (err) {
			/* too big for nobody's send buffer, ...: not delivered */
			f->sendfail++;
			f->c[c].rejected++;
			first_err = err;
		} else {
			collect(f, subs, ns, &first_err, &acc, &rej);
			if (acc)
				f->c[c].accepted++;
			else if (rej)
				f->c[c].rejected++;
			else
				f->c[c].silent++;
		}
		f->ring[i % 32].i = i;
		f->ring[i % 32].cls = (uint8_t)c;
		f->ring[i % 32].cmd = cmd;
		f->ring[i % 32].len = (uint32_t)len;
		f->ring[i % 32].err = first_err;
		if ((i + 1) % CHECK_EVERY == 0)
			check(f, i + 1);
	}
	if (n % CHECK_EVERY)
		check(f, n);
}

static void print_counts(struct fz *f)
{
	struct counts tot = { 0 };
	char buf[1024];
	size_t o = 0;
	int k;

	for (k = 0; k < NCLS; k++) {
		if (!f->c[k].sent)
			continue;
		diag("%s: %-18s sent %7" PRIu64 " accepted %7" PRIu64 " rejected %7" PRIu64
		     " unanswered %7" PRIu64, f->who, cls_name[k], f->c[k].sent,
		     f->c[k].accepted, f->c[k].rejected, f->c[k].silent);
		tot.sent += f->c[k].sent;
		tot.accepted += f->c[k].accepted;
		tot.rejected += f->c[k].rejected;
		tot.silent += f->c[k].silent;
	}
	diag("%s: %-18s sent %7" PRIu64 " accepted %7" PRIu64 " rejected %7" PRIu64
	     " unanswered %7" PRIu64, f->who, "TOTAL", tot.sent, tot.accepted,
	     tot.rejected, tot.silent);
	for (k = 0; k < __ERCX_CMD_MAX; k++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %d:%" PRIu64, k,
				      f->per_cmd[k]);
	diag("%s: seeds by command (after wrong-cmd)%s", f->who, buf);
	o = 0;
	buf[0] = 0;
	for (k = 1; k < 160; k++)
		if (f->errnos[k] && o < sizeof(buf) - 40)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %s:%" PRIu64,
					      strerrorname_np(k) ? strerrorname_np(k) : "?",
					      f->errnos[k]);
	diag("%s: errors%s", f->who, buf);
	diag("%s: %" PRIu64 " status checks, %" PRIu64 " resyncs after answers the model cannot place "
	     "(%" PRIu64 " unmatched acks, %" PRIu64 " receive overruns), %" PRIu64 " sends refused",
	     f->who, f->checks, f->resyncs, f->unmatched, f->overruns, f->sendfail);
}

static int fz_init(struct fz *f, const char *who, uint64_t seed_, bool denied)
{
	memset(f, 0, sizeof(*f));
	f->who = who;
	f->rng = seed_;
	f->denied = denied;
	f->t = malloc(sizeof(*f->t));
	f->e = malloc(sizeof(*f->e));
	f->rb = malloc(RCVSZ);
	if (!f->t || !f->e || !f->rb)
		return -ENOMEM;
	f->e->buf = malloc(BUFSZ);
	f->e->cap = BUFSZ - 64;
	if (!f->e->buf)
		return -ENOMEM;
	f->fd = nl_open(true);
	f->ctl = nl_open(false);
	if (f->fd < 0 || f->ctl < 0)
		return -errno;
	return 0;
}

static void fz_free(struct fz *f)
{
	close(f->fd);
	close(f->ctl);
	free(f->e->buf);
	free(f->e);
	free(f->t);
	free(f->rb);
}

/* ------------------------------------------------------------------------ */
/* Fixed policies                                                            */

/* A valid POLICY_SET: variant A (v4, underlay) or B (mixed, probing) */
static size_t policy_msg(uint8_t *buf, uint32_t seq, int variant, int npfx,
			 uint16_t er, uint16_t vpn, uint16_t ul)
{
	size_t o = put_hdr(buf, (uint16_t)family_id, NLM_F_REQUEST | NLM_F_ACK,
			   seq, ERCX_CMD_POLICY_SET);
	uint8_t v8;
	uint16_t mss = variant ? 1400 : 1300;
	uint32_t v32;
	size_t nest;
	int i;

	nest = o;
	o = put_attr(buf, o, ERCX_A_PATH_ER | NLA_F_NESTED, NULL, 0);
	v32 = er;
	o = put_attr(buf, o, ERCX_PATH_A_IFINDEX, &v32, 4);
	if (variant) {
		v32 = htonl(0xc6336401);
		o = put_attr(buf, o, ERCX_PATH_A_PROBE4, &v32, 4);
		v32 = 10;
		o = put_attr(buf, o, ERCX_PATH_A_PROBE_INTERVAL_MS, &v32, 4);
	}
	((struct nlattr *)(buf + nest))->nla_len = (uint16_t)(o - nest);
	nest = o;
	o = put_attr(buf, o, ERCX_A_PATH_VPN | NLA_F_NESTED, NULL, 0);
	v32 = vpn;
	o = put_attr(buf, o, ERCX_PATH_A_IFINDEX, &v32, 4);
	((struct nlattr *)(buf + nest))->nla_len = (uint16_t)(o - nest);
	if (!variant && ul) {
		nest = o;
		o = put_attr(buf, o, ERCX_A_UNDERLAY | NLA_F_NESTED, NULL, 0);
		v32 = ul;
		o = put_attr(buf, o, ERCX_PATH_A_IFINDEX, &v32, 4);
		((struct nlattr *)(buf + nest))->nla_len = (uint16_t)(o - nest);
	}
	o = put_attr(buf, o, ERCX_A_MSS, &mss, 2);
	v32 = 0;
	o = put_attr(buf, o, ERCX_A_FAILBACK_DELAY_MS, &v32, 4);
	for (i = 0; i < npfx; i++) {
		nest = o;
		o = put_attr(buf, o, ERCX_A_PREFIX | NLA_F_NESTED, NULL, 0);
		if (variant && i % 2) {
			uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, (uint8_t)(i >> 8),
					   (uint8_t)i };

			o = put_attr(buf, o, ERCX_PFX_A_ADDR6, a6, 16);
			v8 = 48;
		} else {
			v32 = htonl(0x0a000000u | ((uint32_t)i << 8) | (variant ? 0x800000u : 0));
			o = put_attr(buf, o, ERCX_PFX_A_ADDR4, &v32, 4);
			v8 = 24;
		}
		o = put_attr(buf, o, ERCX_PFX_A_PLEN, &v8, 1);
		v8 = (uint8_t)(1 + i % 3);
		o = put_attr(buf, o, ERCX_PFX_A_VIA, &v8, 1);
		((struct nlattr *)(buf + nest))->nla_len = (uint16_t)(o - nest);
	}
	return o;
}

static int simple(int fd, uint32_t seq, uint8_t cmd, int path)
{
	uint8_t buf[64];
	size_t len = put_hdr(buf, (uint16_t)family_id, NLM_F_REQUEST | NLM_F_ACK,
			     seq, cmd);

	if (path) {
		uint8_t p = (uint8_t)path;

		len = put_attr(buf, len, ERCX_A_PATH, &p, 1);
	}
	return transact(fd, buf, len, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Concurrency                                                               */

#define NA	64
#define NB	96

struct conc {
	double until;
	uint64_t ops[4], errs[4], intr, bad;
	pthread_mutex_t lock;
};

static struct conc cc;

static void conc_bad(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&cc.lock);
	if (cc.bad++ < 10)
		diag("concurrency: FAIL: %s", msg);
	pthread_mutex_unlock(&cc.lock);
}

static void *conc_thread(void *arg)
{
	int id = (int)(intptr_t)arg, fd = nl_open(true), err;
	uint8_t *buf = malloc(1 << 16);
	uint32_t seq = 1;
	int64_t last_gen = -1;

	if (fd < 0 || !buf) {
		conc_bad("thread %d: no socket", id);
		free(buf);
		return NULL;
	}
	while (now_s() < cc.until) {
		if (id < 2) {
			size_t len = policy_msg(buf, seq++, id, id ? NB : NA,
						ifi_er, ifi_vpn, ifi_ul);

			err = transact(fd, buf, len, NULL, NULL, NULL);
			if (err)
				conc_bad("POLICY_SET %c: %d", 'A' + id, err);
		} else if (id == 2) {
			struct status s;
			struct dump d;
			bool intr;

			err = get_status(fd, seq++, &s);
			if (err) {
				conc_bad("STATUS_GET: %d", err);
			} else {
				if (s.gen < last_gen || !s.loaded ||
				    (s.pfx != NA && s.pfx != NB) ||
				    (s.pfx == NA) != (s.mss == 1300))
					conc_bad("status: loaded %d gen %" PRId64 " (last %" PRId64
						 ") prefixes %" PRId64 " mss %" PRId64,
						 s.loaded, s.gen, last_gen, s.pfx, s.mss);
				last_gen = s.gen;
			}
			cc.ops[id]++;
			err = dump_prefixes(fd, seq++, &d, &intr);
			if (err)
				conc_bad("PREFIX_GET: %d", err);
			else if (intr)
				__atomic_fetch_add(&cc.intr, 1, __ATOMIC_RELAXED);
			else if ((d.n != NA && d.n != NB) || d.mixed)
				conc_bad("dump: %u prefixes%s", d.n,
					 d.mixed ? ", generations mixed" : "");
		} else {
			uint32_t k = seq % 3;

			err = simple(fd, seq++, k == 2 ? ERCX_CMD_AUTO : ERCX_CMD_FAILOVER,
				     k == 2 ? 0 : (int)(ERCX_PATH_ER + k));
			if (err)
				conc_bad("FAILOVER/AUTO: %d", err);
		}
		if (err)
			cc.errs[id]++;
		cc.ops[id]++;
	}
	close(fd);
	free(buf);
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Memory: the fuzzer's memory cgroup                                        */

static char cg_dir[512];
static int memstat_fd = -1, memcur_fd = -1;

/* A cgroup file opened by fuzz.sh ("ip netns exec" hides /sys/fs/cgroup) */
static ssize_t read_again(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	n = read(fd, buf, len - 1);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int64_t stat_field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

struct mem {
	int64_t slab, vmalloc, percpu, current;
};

static int mem_read(struct mem *m)
{
	char text[8192];

	if (read_again(memstat_fd, text, sizeof(text)) <= 0)
		return -1;
	m->slab = stat_field(text, "slab_unreclaimable");
	m->vmalloc = stat_field(text, "vmalloc");
	m->percpu = stat_field(text, "percpu");
	m->current = -1;
	if (read_again(memcur_fd, text, sizeof(text)) > 0)
		m->current = strtoll(text, NULL, 10);
	return m->slab < 0 ? -1 : 0;
}

/* Kernel memory the module's allocations land in: slab, vmalloc, percpu */
static int64_t mem_kernel(const struct mem *m)
{
	return m->slab + (m->vmalloc > 0 ? m->vmalloc : 0) +
	       (m->percpu > 0 ? m->percpu : 0);
}

/* Measured after RCU callbacks and the memcg stat flush (every 2 s) ran */
static int mem_settled(struct mem *m)
{
	usleep(2200 * 1000);
	return mem_read(m);
}

/* ------------------------------------------------------------------------ */
/* Privilege phases (children)                                               */

static uint64_t priv_n;
static uint64_t seed0;
static int fd_fuzzns = -1, fd_initns = -1;	/* opened by root */

/* Every write seed, a few times each, over a socket we may not write on */
static int denied_writes(int fd, const char *who, const char *where)
{
	uint8_t *buf = malloc(1 << 16);
	int bad = 0, k, err, n = 0;

	if (!buf)
		return 1;
	for (k = 0; k < 8; k++) {
		size_t len = policy_msg(buf, 100 + (uint32_t)k, k % 2, 8,
					ifi_er, ifi_vpn, ifi_ul);

		err = transact(fd, buf, len, NULL, NULL, NULL);
		bad += err != -EPERM;
		n++;
		err = simple(fd, 200 + (uint32_t)k, ERCX_CMD_FAILOVER,
			     ERCX_PATH_ER + k % 2);
		bad += err != -EPERM;
		err = simple(fd, 300 + (uint32_t)k, ERCX_CMD_AUTO, 0);
		bad += err != -EPERM;
		err = simple(fd, 400 + (uint32_t)k, ERCX_CMD_FLUSH, 0);
		bad += err != -EPERM;
		n += 3;
		if (bad)
			break;
	}
	diag("%s: %d writes to the %s namespace: %s", who, n, where,
	     bad ? "NOT all refused with EPERM" : "all refused with EPERM");
	free(buf);
	return bad;
}

static int child_nobody(void)
{
	struct fz f;
	struct status s;
	int bad;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 99;
	if (fz_init(&f, "nobody", seed0 ^ 0x6e6f626f6479ULL, true))
		return 98;
	/* the fuzz namespace has a policy; remember it: nothing may change */
	if (get_status(f.ctl, ++f.seq, &s) || !s.loaded) {
		diag("nobody: STATUS_GET refused or no policy");
		return 97;
	}
	f.st.known = true;
	f.st.loaded = true;
	f.st.gen = (uint32_t)s.gen;
	f.st.mode = (uint8_t)s.mode;
	f.st.pfx = (uint32_t)s.pfx;
	f.st.mss = (uint16_t)s.mss;
	fuzz_run(&f, priv_n);
	print_counts(&f);
	diag("nobody: %" PRIu64 " write commands reached the family, %" PRIu64
	     " refused with EPERM; %" PRIu64 " reads answered",
	     f.write_seen, f.write_denied, f.read_ok);
	if (!f.read_ok)
		fail(&f, "no read was answered (design.rst: reads are open to any user)");
	bad = f.failures;
	bad += denied_writes(fd_fuzzns, "nobody", "fuzz (inherited root socket)");
	if (fd_initns >= 0)
		bad += denied_writes(fd_initns, "nobody", "initial (inherited root socket)");
	fz_free(&f);
	return bad > 90 ? 90 : bad;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int child_userns(int fuzz_netns_fd)
{
	struct fz f;
	struct status s;
	int bad = 0;

	/* an ordinary user makes its own user and network namespace */
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 99;
	/* setuid() made us undumpable: /proc/self/uid_map would be root's */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		diag("userns: unshare: %s", strerror(errno));
		return 98;
	}
	if (write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/gid_map", "0 65534 1")) {
		diag("userns: id maps: %s", strerror(errno));
		return 97;
	}
	if (system("ip link set lo up && ip link add ercxer0 type dummy && "
		   "ip link add ercxvpn0 type dummy && ip link add ercxul0 type dummy && "
		   "ip link set ercxer0 up && ip link set ercxvpn0 up && "
		   "ip link set ercxul0 up")) {
		diag("userns: cannot make dummy devices");
		return 96;
	}
	ifi_er = (uint16_t)if_nametoindex("ercxer0");
	ifi_vpn = (uint16_t)if_nametoindex("ercxvpn0");
	ifi_ul = (uint16_t)if_nametoindex("ercxul0");
	if (fz_init(&f, "userns", seed0 ^ 0x757365726e73ULL, false))
		return 95;
	if (get_status(f.ctl, ++f.seq, &s) || s.loaded) {
		diag("userns: a fresh namespace must start without a policy");
		bad++;
	}
	f.st.known = true;
	f.st.gen = (uint32_t)s.gen;
	fuzz_run(&f, priv_n);
	print_counts(&f);
	diag("userns: %" PRIu64 " write commands reached the family in its own namespace",
	     f.write_seen);
	if (!f.c[C_VALID].accepted)
		fail(&f, "no valid message accepted in its own namespace");
	bad += f.failures;
	/* the namespaces it does not own */
	bad += denied_writes(fd_fuzzns, "userns", "fuzz (inherited root socket)");
	if (fd_initns >= 0)
		bad += denied_writes(fd_initns, "userns", "initial (inherited root socket)");
	if (setns(fuzz_netns_fd, CLONE_NEWNET) == 0) {
		diag("userns: FAIL: setns into the fuzz namespace worked");
		bad++;
	}
	simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0);
	fz_free(&f);
	return bad > 90 ? 90 : bad;
}

static int run_child(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int nobody_tramp(void *a)
{
	(void)a;
	return child_nobody();
}

static int userns_tramp(void *a)
{
	return child_userns(*(int *)a);
}

/* ------------------------------------------------------------------------ */

static char maxp_saved[32];

static void restore_maxp(void)
{
	if (maxp_saved[0])
		write_file("/sys/module/ercoexist/parameters/max_prefixes", maxp_saved);
}

static bool same_state(const struct status *a, const struct status *b)
{
	return a->loaded == b->loaded && a->gen == b->gen && a->mode == b->mode &&
	       a->pfx == b->pfx && a->mss == b->mss;
}

int main(void)
{
	const char *er = getenv("ERCX_GENL_ER"), *vpn = getenv("ERCX_GENL_VPN");
	const char *ul = getenv("ERCX_FUZZ_UL"), *cg = getenv("ERCX_FUZZ_CGROUP");
	uint64_t nmsg = (uint64_t)env_long("ERCX_FUZZ_MESSAGES", 100000);
	long conc_ms = env_long("ERCX_FUZZ_CONC_MS", 8000);
	int64_t tol = env_long("ERCX_FUZZ_MEM_TOL_KB", 128) * 1024;
	struct status s0, s1, init0, init1;
	struct mem m0, m1, mbig;
	bool have_mem = false, have_init = false;
	double t0 = now_s(), t;
	uint8_t *buf;
	struct fz f;
	int err, rc, nsfd = -1, fd;
	char tmp[64];
	pthread_t th[4];

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed0 = getenv("ERCX_FUZZ_SEED") ?
		(uint64_t)strtoull(getenv("ERCX_FUZZ_SEED"), NULL, 0) :
		(uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	priv_n = (uint64_t)env_long("ERCX_FUZZ_PRIV_MESSAGES", 5000);
	max_prefixes = (uint32_t)env_long("ERCX_FUZZ_MAX_PREFIXES", 4096);

	printf("TAP version 13\n1..9\n");
	diag("seed 0x%016" PRIx64 " (repeat: ERCX_FUZZ_SEED=0x%016" PRIx64
	     " ERCX_FUZZ_MESSAGES=%" PRIu64 ")", seed0, seed0, nmsg);

	/*
	 * fuzz.sh started us in a memory cgroup of our own, so that all we
	 * make the kernel allocate is charged there, and passed its files
	 */
	if (cg && *cg) {
		snprintf(cg_dir, sizeof(cg_dir), "%s", cg);
		memstat_fd = (int)env_long("ERCX_FUZZ_MEMSTAT_FD", -1);
		memcur_fd = (int)env_long("ERCX_FUZZ_MEMCUR_FD", -1);
		have_mem = mem_read(&m0) == 0;
		if (!have_mem)
			diag("cannot read memory.stat of %s (fd %d)", cg, memstat_fd);
	}

	ifi_er = (uint16_t)if_nametoindex(er ? er : "ercxer0");
	ifi_vpn = (uint16_t)if_nametoindex(vpn ? vpn : "ercxvpn0");
	ifi_ul = (uint16_t)if_nametoindex(ul ? ul : "ercxul0");
	if (fz_init(&f, "root", seed0, false) || !ifi_er || !ifi_vpn) {
		tap(false, "sockets and devices (er %u vpn %u)", ifi_er, ifi_vpn);
		return 1;
	}
	err = resolve_family(f.ctl);
	tap(!err, "family \"%s\" resolved over a raw socket: id %d (unused id for wrong types: %u)",
	    ERCX_GENL_NAME, family_id, unused_id);
	if (err)
		return 1;

	/* max_prefixes lowered so that the E2BIG boundary is cheap to hit */
	fd = open("/sys/module/ercoexist/parameters/max_prefixes", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, maxp_saved, sizeof(maxp_saved) - 1);

		maxp_saved[n > 0 ? n : 0] = 0;
		close(fd);
		snprintf(tmp, sizeof(tmp), "%u", max_prefixes);
		if (write_file("/sys/module/ercoexist/parameters/max_prefixes", tmp))
			maxp_saved[0] = 0;
		else
			atexit(restore_maxp);
	}
	if (!maxp_saved[0])
		diag("max_prefixes not lowered; huge counts use %u anyway", max_prefixes);

	/* a socket in the initial namespace, for the privilege phases */
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd_fuzzns = nl_open(false);
	{
		int ifd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);

		if (ifd >= 0 && !setns(ifd, CLONE_NEWNET)) {
			fd_initns = nl_open(false);
			if (setns(nsfd, CLONE_NEWNET)) {
				tap(false, "back to the fuzz namespace");
				return 1;
			}
			have_init = fd_initns >= 0 &&
				    get_status(fd_initns, 1, &init0) == 0;
		}
		if (ifd >= 0)
			close(ifd);
	}

	/* every command's valid seed, once, and warm up what stays */
	buf = malloc(BUFSZ);
	{
		int bad = 0;
		size_t len;

		bad += simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0) != 0;
		len = policy_msg(buf, ++f.seq, 0, NA, ifi_er, ifi_vpn, ifi_ul);
		bad += transact(f.ctl, buf, len, NULL, NULL, NULL) != 0;
		len = policy_msg(buf, ++f.seq, 1, NB, ifi_er, ifi_vpn, ifi_ul);
		bad += transact(f.ctl, buf, len, NULL, NULL, NULL) != 0;
		bad += get_status(f.ctl, ++f.seq, &s0) != 0 || !s0.loaded;
		bad += simple(f.ctl, ++f.seq, ERCX_CMD_POLICY_GET, 0) != 0;
		{
			struct dump d;
			bool intr;

			bad += dump_prefixes(f.ctl, ++f.seq, &d, &intr) != 0 || d.n != NB;
		}
		bad += simple(f.ctl, ++f.seq, ERCX_CMD_FAILOVER, ERCX_PATH_VPN) != 0;
		bad += simple(f.ctl, ++f.seq, ERCX_CMD_AUTO, 0) != 0;
		bad += simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0) != 0;
		tap(!bad, "every command's valid message is accepted (POLICY_SET with ER/VPN/underlay nests, scalars and prefixes; POLICY_GET; PREFIX_GET dump; STATUS_GET; FAILOVER; AUTO; FLUSH)");
	}

	/* the memory baseline, and proof that the measure sees the module */
	if (have_mem) {
		size_t len;

		mem_settled(&m0);
		len = policy_msg(buf, ++f.seq, 0, (int)max_prefixes - 1, ifi_er,
				 ifi_vpn, ifi_ul);
		err = transact(f.ctl, buf, len, NULL, NULL, NULL);
		mem_settled(&mbig);
		simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0);
		mem_settled(&m0);
		diag("memory: cgroup %s: kernel (slab_unreclaimable+vmalloc+percpu) %" PRId64
		     " KiB at baseline, %" PRId64 " KiB with a %u-prefix policy (set: %d)",
		     cg_dir, mem_kernel(&m0) / 1024, mem_kernel(&mbig) / 1024,
		     max_prefixes - 1, err);
		tap(!err && mem_kernel(&mbig) - mem_kernel(&m0) > 2 * tol, "the memory cgroup sees the module's allocations (+%" PRId64
		    " KiB for %u prefixes, tolerance %" PRId64 " KiB)",
		    (mem_kernel(&mbig) - mem_kernel(&m0)) / 1024, max_prefixes - 1,
		    tol / 1024);
	} else {
		tap(false, "the memory cgroup sees the module's allocations (no cgroup: set ERCX_FUZZ_CGROUP)");
	}

	/* the policy-aware and byte-level fuzzing, as root */
	t = now_s();
	simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0);
	f.st.known = false;
	check(&f, 0);
	fuzz_run(&f, nmsg);
	print_counts(&f);
	diag("root: %" PRIu64 " messages in %.1f s", nmsg, now_s() - t);
	tap(f.failures == 0,
	    "%" PRIu64 " fuzzed messages as root; STATUS_GET and the PREFIX_GET dump agree with the accepted messages after every %d (%" PRIu64 " checks)",
	    nmsg, CHECK_EVERY, f.checks);

	/* concurrency */
	t = now_s();
	rc = f.failures;
	pthread_mutex_init(&cc.lock, NULL);
	{
		size_t len = policy_msg(buf, ++f.seq, 0, NA, ifi_er, ifi_vpn, ifi_ul);

		err = transact(f.ctl, buf, len, NULL, NULL, NULL);
	}
	cc.until = now_s() + conc_ms / 1000.0;
	for (int k = 0; k < 4; k++)
		pthread_create(&th[k], NULL, conc_thread, (void *)(intptr_t)k);
	for (int k = 0; k < 4; k++)
		pthread_join(th[k], NULL);
	simple(f.ctl, ++f.seq, ERCX_CMD_AUTO, 0);
	diag("concurrency: %.1f s: POLICY_SET A %" PRIu64 ", POLICY_SET B %" PRIu64
	     ", status+dump %" PRIu64 " (%" PRIu64 " dumps interrupted by a replace, as designed), FAILOVER/AUTO %" PRIu64,
	     now_s() - t, cc.ops[0], cc.ops[1], cc.ops[2] / 2, cc.intr, cc.ops[3]);
	f.st.known = false;
	check(&f, nmsg);
	tap(!err && !cc.bad && cc.ops[0] && cc.ops[1] && cc.ops[2] && cc.ops[3] &&
	    f.failures == rc,
	    "concurrency for %ld ms: two POLICY_SET threads, a status/dump reader and a FAILOVER/AUTO flipper; every answer consistent",
	    conc_ms);

	/* privilege: nobody in the initial user namespace */
	get_status(f.ctl, ++f.seq, &s0);
	rc = run_child(nobody_tramp, NULL);
	err = get_status(f.ctl, ++f.seq, &s1);
	tap(rc == 0 && !err && same_state(&s0, &s1),
	    "nobody: %" PRIu64 " fuzzed messages; every write refused with EPERM, reads answered; policy unchanged (gen %" PRId64 ")",
	    priv_n, s1.gen);
	if (rc)
		diag("nobody: child exit %d", rc);

	/* privilege: root of a fresh user+net namespace */
	rc = run_child(userns_tramp, &nsfd);
	err = get_status(f.ctl, ++f.seq, &s1);
	if (have_init) {
		get_status(fd_initns, 2, &init1);
		if (!same_state(&init0, &init1)) {
			diag("userns: FAIL: the initial namespace's policy changed");
			rc = rc ? rc : 1;
		}
	}
	tap(rc == 0 && !err && same_state(&s0, &s1),
	    "root of a new user+net namespace: %" PRIu64 " fuzzed messages in its own; the fuzz%s namespace's policy unchanged",
	    priv_n, have_init ? " and initial" : "");
	if (rc)
		diag("userns: child exit %d", rc);

	/* the end: flush, and the memory returns */
	simple(f.ctl, ++f.seq, ERCX_CMD_FLUSH, 0);
	if (have_mem) {
		int64_t d = 0;
		int k;

		/* the user namespace's netns goes away asynchronously */
		for (k = 0; k < 15; k++) {
			mem_settled(&m1);
			d = mem_kernel(&m1) - mem_kernel(&m0);
			if (d <= tol)
				break;
		}
		diag("memory: before %" PRId64 " KiB (slab %" PRId64 " vmalloc %" PRId64
		     " percpu %" PRId64 "), after %" PRId64 " KiB (slab %" PRId64 " vmalloc %" PRId64
		     " percpu %" PRId64 "); memory.current %" PRId64 " -> %" PRId64 " KiB",
		     mem_kernel(&m0) / 1024, m0.slab / 1024, m0.vmalloc / 1024,
		     m0.percpu / 1024, mem_kernel(&m1) / 1024, m1.slab / 1024,
		     m1.vmalloc / 1024, m1.percpu / 1024, m0.current / 1024,
		     m1.current / 1024);
		tap(d <= tol, "after FLUSH the kernel memory charged to the fuzzer's cgroup is back at the baseline (%+" PRId64 " KiB, tolerance %" PRId64 " KiB)",
		    d / 1024, tol / 1024);
	} else {
		tap(false, "after FLUSH the memory returns to the baseline (no memory cgroup)");
	}

	err = get_status(f.ctl, ++f.seq, &s1);
	tap(!err && !s1.loaded, "the module still answers STATUS_GET at the end (no policy, generation %" PRId64 ")",
	    s1.gen);
	diag("total %.1f s", now_s() - t0);
	free(buf);
	fz_free(&f);
	return tap_failed ? 1 : 0;
}
