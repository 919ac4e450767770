// SPDX-License-Identifier: GPL-2.0
/*
 * -n NETNS: run in a named network namespace, as `ip -n NETNS` does
 * (iproute2's lib/namespace.c): join /run/netns/NETNS, then give this
 * process its own mount namespace with a sysfs of the joined namespace, so
 * that /sys/class/net (which check reads) shows its devices.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "ercoexistctl.h"

#define NETNS_RUN_DIR "/run/netns"

int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		fprintf(stderr, PROG_NAME ": -n: invalid namespace name '%s'\n",
			name);
		return -1;
	}
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG_NAME ": -n %s: %s: %s\n", name, path,
			strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, PROG_NAME ": -n %s: setns: %s\n", name,
			strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	/* sysfs as seen from the namespace; without it only /sys is stale */
	if (unshare(CLONE_NEWNS) == 0 &&
	    mount("", "/", "none", MS_SLAVE | MS_REC, NULL) == 0 &&
	    umount2("/sys", MNT_DETACH) == 0)
		mount(name, "/sys", "sysfs", 0, NULL);
	return 0;
}
