/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ercoexistctl: what every part shares (name, exit status, the global
 * options) and the subcommands' entry points.
 */
#ifndef ERCOEXISTCTL_H
#define ERCOEXISTCTL_H

#include <stdbool.h>

#define PROG_NAME	"ercoexistctl"
#define PROG_VERSION	"v0.1.0"
#define DEFAULT_CONFIG	"/etc/ercoexist/ercoexist.conf"

/* Exit status (SPEC section 4) */
#define EXIT_OK		0
#define EXIT_USAGE	1	/* usage or config error */
#define EXIT_REFUSED	2	/* the kernel refused (extack printed) */
#define EXIT_NOMODULE	3	/* the ercoexist family is not registered */
#define EXIT_UNHEALTHY	4	/* health: no usable path, or no policy */

struct globals {
	bool json;
	bool pretty;
};
extern struct globals G;

/*
 * For a COMMAND that takes no argument: -1 to go on; else the exit status
 * (EXIT_OK after printing the usage on stdout for -h/--help, EXIT_USAGE
 * after printing it on stderr for anything else).
 */
int cmd_no_args(int argc, char **argv, const char *usage);
/* Run in the network namespace NAME (as `ip -n NAME`): 0 or -1 (printed) */
int netns_enter(const char *name);

/* ---- subcommands ---- */
int cmd_load(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_failover(int argc, char **argv);
int cmd_auto(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_daemon(int argc, char **argv);

#endif
