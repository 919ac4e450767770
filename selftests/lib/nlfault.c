// SPDX-License-Identifier: GPL-2.0
/*
 * nlfault.so: a test-only fault injector (LD_PRELOAD) for the all-or-nothing
 * load test (selftests/net/45-load.sh).  ERCX_NLFAULT="TYPE:N" makes the Nth
 * rtnetlink request of message type TYPE (e.g. 32, RTM_NEWRULE) fail in
 * sendto() with EPERM, as a kernel or a policy that refuses it would, so a
 * load can be made to fail half-way: after the policy was set and some
 * routes were changed.  Never part of ercoexistctl.
 *
 *   gcc -shared -fPIC -o nlfault.so nlfault.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <linux/netlink.h>

typedef ssize_t (*sendto_fn)(int, const void *, size_t, int,
			     const struct sockaddr *, socklen_t);

static int is_rtnetlink(int fd)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) || v != AF_NETLINK)
		return 0;
	l = sizeof(v);
	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) &&
	       v == NETLINK_ROUTE;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *dst, socklen_t alen)
{
	static sendto_fn real;
	static int seen;
	const char *e = getenv("ERCX_NLFAULT");
	int type, n;

	if (!real)
		real = (sendto_fn)dlsym(RTLD_NEXT, "sendto");
	if (e && sscanf(e, "%d:%d", &type, &n) == 2 &&
	    len >= sizeof(struct nlmsghdr) && is_rtnetlink(fd) &&
	    ((const struct nlmsghdr *)buf)->nlmsg_type == type && ++seen == n) {
		fprintf(stderr, "nlfault: failing rtnetlink request %d of type %d\n",
			n, type);
		errno = EPERM;
		return -1;
	}
	return real(fd, buf, len, flags, dst, alen);
}
