// SPDX-License-Identifier: GPL-2.0
/*
 * udpstream: one end of a constant-rate, sequence-numbered UDP stream (RFC
 * 6412/6413 loss-derived convergence).  Both ends of a benchmark run the same
 * program: each sends to the other and records what it receives, on one
 * 5-tuple, so the reverse direction follows the forward one through stateful
 * middle boxes.
 *
 *   udpstream -l LPORT -d DST -p DPORT -r RATE -o PREFIX [-b LOCALADDR]
 *             [-t MAXSECS] [-L LINGER_MS]
 *
 * Binds LOCALADDR (default: any; give it when the host has several
 * addresses, so that both directions are one flow) and sends RATE packets/s to DST:DPORT from LPORT until SIGTERM/SIGINT (or
 * MAXSECS), then keeps receiving for LINGER_MS (default 300) and writes
 *   PREFIX.tx   "seq tx_ns" for every packet sent (CLOCK_REALTIME)
 *   PREFIX.rx   "seq tx_ns rx_ns" for every packet received (rx_ns: the
 *               kernel's SO_TIMESTAMPNS arrival time)
 * The pacing is absolute (clock_nanosleep TIMER_ABSTIME): a sender that falls
 * behind catches up, so the number sent always matches the elapsed time.
 * Send errors (e.g. ICMP unreachable while a path is down) are counted, not
 * fatal.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x45524358u	/* "ERCX" */

struct pkt {
	uint32_t magic;
	uint32_t seq;
	uint64_t tx_ns;
	uint8_t pad[48];
};

struct rxrec {
	uint32_t seq;
	uint64_t tx_ns;
	uint64_t rx_ns;
};

static volatile sig_atomic_t stop;
static int sock;
static struct sockaddr_storage dst;
static socklen_t dstlen;
static long rate = 1000;
static uint64_t *txlog;
static size_t txcap, ntx;
static unsigned long send_errors;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *sender(void *arg)
{
	struct timespec next;
	struct pkt p;
	uint64_t period = 1000000000ull / (uint64_t)rate;

	(void)arg;
	memset(&p, 0, sizeof(p));
	p.magic = htonl(MAGIC);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!stop && ntx < txcap) {
		uint64_t t = now_ns(CLOCK_REALTIME);

		p.seq = htonl((uint32_t)ntx);
		p.tx_ns = t;
		if (sendto(sock, &p, sizeof(p), MSG_DONTWAIT,
			   (struct sockaddr *)&dst, dstlen) < 0)
			send_errors++;
		txlog[ntx++] = t;
		next.tv_nsec += (long)period;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR && !stop)
			;
	}
	stop = 1;
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: udpstream -l LPORT -d DST -p DPORT -r RATE -o PREFIX [-b LOCALADDR] [-t MAXSECS] [-L LINGER_MS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dsthost = NULL, *prefix = NULL, *dport = NULL, *bindaddr = NULL;
	int lport = 0, linger_ms = 300, maxsecs = 600, one = 1, c;
	int rcvbuf = 8 << 20;
	struct addrinfo hints, *ai;
	struct sockaddr_storage loc;
	struct rxrec *rx;
	size_t nrx = 0, rxcap, i;
	struct sigaction sa;
	pthread_t th;
	char path[4096];
	FILE *f;
	uint64_t deadline = 0;

	while ((c = getopt(argc, argv, "l:d:p:r:o:b:t:L:")) != -1) {
		switch (c) {
		case 'l': lport = atoi(optarg); break;
		case 'd': dsthost = optarg; break;
		case 'p': dport = optarg; break;
		case 'r': rate = atol(optarg); break;
		case 'o': prefix = optarg; break;
		case 'b': bindaddr = optarg; break;
		case 't': maxsecs = atoi(optarg); break;
		case 'L': linger_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (!dsthost || !dport || !prefix || !lport || rate < 1 ||
	    rate > 1000000 || maxsecs < 1)
		usage();

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(dsthost, dport, &hints, &ai)) {
		fprintf(stderr, "udpstream: bad address %s\n", dsthost);
		return 2;
	}
	memcpy(&dst, ai->ai_addr, ai->ai_addrlen);
	dstlen = ai->ai_addrlen;
	sock = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (sock < 0) {
		perror("socket");
		return 1;
	}
	memset(&loc, 0, sizeof(loc));
	loc.ss_family = (sa_family_t)ai->ai_family;
	if (ai->ai_family == AF_INET6) {
		struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)&loc;

		l6->sin6_port = htons((uint16_t)lport);
		if (bindaddr && inet_pton(AF_INET6, bindaddr, &l6->sin6_addr) != 1) {
			fprintf(stderr, "udpstream: bad address %s\n", bindaddr);
			return 2;
		}
	} else {
		struct sockaddr_in *l4 = (struct sockaddr_in *)&loc;

		l4->sin_port = htons((uint16_t)lport);
		if (bindaddr && inet_pton(AF_INET, bindaddr, &l4->sin_addr) != 1) {
			fprintf(stderr, "udpstream: bad address %s\n", bindaddr);
			return 2;
		}
	}
	setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	/*
	 * A receiver that the emulated CPU leaves unscheduled for a while must
	 * not lose packets in its own socket buffer (default ~200 KB, a few
	 * hundred packets): that is no path's loss.  FORCE passes rmem_max.
	 */
	if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(sock, (struct sockaddr *)&loc, ai->ai_addrlen) < 0) {
		perror("bind");
		return 1;
	}
	freeaddrinfo(ai);

	txcap = (size_t)rate * (size_t)maxsecs + 1;
	rxcap = txcap * 2;
	txlog = calloc(txcap, sizeof(*txlog));
	rx = calloc(rxcap, sizeof(*rx));
	if (!txlog || !rx) {
		perror("calloc");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (pthread_create(&th, NULL, sender, NULL)) {
		perror("pthread_create");
		return 1;
	}

	for (;;) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		char cbuf[CMSG_SPACE(sizeof(struct timespec))];
		struct pkt p;
		struct iovec iov = { .iov_base = &p, .iov_len = sizeof(p) };
		struct msghdr m = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *cm;
		uint64_t rxt = 0;
		ssize_t n;

		if (stop && !deadline)
			deadline = now_ns(CLOCK_MONOTONIC) +
				   (uint64_t)linger_ms * 1000000ull;
		if (deadline && now_ns(CLOCK_MONOTONIC) >= deadline)
			break;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = recvmsg(sock, &m, MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(p) - 48 || ntohl(p.magic) != MAGIC)
			continue;
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				rxt = (uint64_t)ts.tv_sec * 1000000000ull +
				      (uint64_t)ts.tv_nsec;
			}
		}
		if (!rxt)
			rxt = now_ns(CLOCK_REALTIME);
		if (nrx < rxcap) {
			rx[nrx].seq = ntohl(p.seq);
			rx[nrx].tx_ns = p.tx_ns;
			rx[nrx].rx_ns = rxt;
			nrx++;
		}
	}
	stop = 1;
	pthread_join(th, NULL);

	snprintf(path, sizeof(path), "%s.tx", prefix);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	for (i = 0; i < ntx; i++)
		fprintf(f, "%zu %llu\n", i, (unsigned long long)txlog[i]);
	fclose(f);
	snprintf(path, sizeof(path), "%s.rx", prefix);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	for (i = 0; i < nrx; i++)
		fprintf(f, "%u %llu %llu\n", rx[i].seq,
			(unsigned long long)rx[i].tx_ns,
			(unsigned long long)rx[i].rx_ns);
	fclose(f);
	fprintf(stderr, "udpstream: sent %zu (%lu send errors), received %zu\n",
		ntx, send_errors, nrx);
	free(txlog);
	free(rx);
	return 0;
}
