// SPDX-License-Identifier: GPL-2.0
/*
 * The ercoexist Generic Netlink family: its id and "events" group from
 * nlctrl, its requests, and the policy sent (POLICY_SET) and read back
 * (POLICY_GET and the PREFIX_GET dump) with the codec.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"
#include "ercoexistctl.h"
#include "genl.h"

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl *nl = data;
	const struct nlattr *a, *g, *ga;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				nl->family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(ga, g) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
					    mnl_attr_validate(ga, MNL_TYPE_NUL_STRING) == 0)
						name = mnl_attr_get_str(ga);
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID &&
					    mnl_attr_validate(ga, MNL_TYPE_U32) == 0)
						id = mnl_attr_get_u32(ga);
				}
				if (name && !strcmp(name, ERCX_MCGRP_EVENTS))
					nl->events_grp = id;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

int genl_open(struct nl *nl)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int err;

	err = nl_open(nl, NETLINK_GENERIC);
	if (err) {
		fprintf(stderr, PROG_NAME ": netlink socket: %s\n", strerror(-err));
		return EXIT_REFUSED;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ERCX_GENL_NAME);
	err = nl_talk(nl, nlh, family_cb, nl, msg, sizeof(msg));
	if (err == -ENOENT || (!err && !nl->family)) {
		fprintf(stderr, PROG_NAME ": the ercoexist module is not loaded (modprobe ercoexist)\n");
		nl_close(nl);
		return EXIT_NOMODULE;
	}
	if (err) {
		nl_close(nl);
		return report_refused(err, msg);
	}
	return EXIT_OK;
}

struct nlmsghdr *genl_request(struct nl *nl, void *buf, uint8_t cmd,
			      uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if (!(flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = ERCX_GENL_VERSION;
	return nlh;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == ERCX_A_GENERATION &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(uint32_t *)data = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/*
 * A module that predates device names refuses ERCX_PATH_A_IFNAME as a
 * read-only attribute (the first thing it validates, in the first path
 * nest): then the policy goes again as that module takes it, by index, and
 * the operator is told.
 */
bool kernel_legacy;

static bool legacy_module(int err, const char *msg)
{
	return err == -EINVAL && strstr(msg, "read-only attribute");
}

/* What a module that predates device names cannot do with @c: printed */
static int legacy_refused(const struct config *c)
{
	const struct cfg_path *p[3] = { &c->er, &c->vpn, &c->underlay };
	size_t i;

	for (i = 0; i < 3; i++)
		if (p[i]->dev[0] && !p[i]->ifindex) {
			fprintf(stderr, "%s:%d: no such device '%s' (the loaded ercoexist.ko predates device names: it needs the device to exist)\n",
				config_shown_name(c->name), p[i]->dev_line, p[i]->dev);
			return EXIT_USAGE;
		}
	if (c->transit == CFG_YES) {
		fprintf(stderr, "%s:%d: Transit = yes needs a newer ercoexist.ko\n",
			config_shown_name(c->name), c->transit_line);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int kernel_set_config(struct nl *nl, const struct config *c, uint32_t *gen)
{
	size_t size = CODEC_POLICY_SIZE(c);
	struct nlmsghdr *nlh;
	char msg[512], *buf;
	int err;

	buf = calloc(1, size);
	if (!buf) {
		fprintf(stderr, PROG_NAME ": out of memory\n");
		return EXIT_REFUSED;
	}
	nlh = genl_request(nl, buf, ERCX_CMD_POLICY_SET, 0);
	codec_put_policy(nlh, c, 0);
	/* the daemon, once it knows: straight to what the module takes */
	err = kernel_legacy ? -EINVAL : nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (kernel_legacy || legacy_module(err, msg)) {
		err = legacy_refused(c);
		if (err) {
			free(buf);
			return err;
		}
		if (!kernel_legacy)
			fprintf(stderr, PROG_NAME ": warning: the loaded ercoexist.ko predates device names: paths are bound by index, without exclusions; reload the module\n");
		kernel_legacy = true;
		memset(buf, 0, size);
		nlh = genl_request(nl, buf, ERCX_CMD_POLICY_SET, 0);
		codec_put_policy(nlh, c, CODEC_LEGACY);
		err = nl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	}
	if (err) {
		free(buf);
		return report_refused(err, msg);
	}
	*gen = 0;
	nlh = genl_request(nl, buf, ERCX_CMD_STATUS_GET, 0);
	nl_talk(nl, nlh, gen_cb, gen, NULL, 0);
	free(buf);
	return EXIT_OK;
}

struct getconf {
	struct config *c;
	bool loaded;
	uint32_t dump_gen;
	bool have_dump_gen;
};

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	struct getconf *g = data;
	bool loaded;

	codec_parse_policy(nlh, g->c, &loaded);
	g->loaded = g->loaded || loaded;
	return MNL_CB_OK;
}

static int prefix_cb(const struct nlmsghdr *nlh, void *data)
{
	struct getconf *g = data;
	const struct nlattr *a;
	struct cfg_prefix p;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_GENERATION:
			if (!mnl_attr_validate(a, MNL_TYPE_U32)) {
				g->dump_gen = mnl_attr_get_u32(a);
				g->have_dump_gen = true;
			}
			break;
		case ERCX_A_PREFIX:
			if (codec_parse_prefix(a, &p) < 0)
				return MNL_CB_ERROR;
			if (g->c->npfx == g->c->cap_pfx) {
				size_t n = g->c->cap_pfx ? g->c->cap_pfx * 2 : 256;
				struct cfg_prefix *np;

				np = realloc(g->c->pfx, n * sizeof(*np));
				if (!np)
					return MNL_CB_ERROR;
				g->c->pfx = np;
				g->c->cap_pfx = n;
			}
			g->c->pfx[g->c->npfx++] = p;
			break;
		}
	}
	return MNL_CB_OK;
}

int kernel_get_config(struct nl *nl, struct config *c, bool *loaded)
{
	char buf[256] = { 0 }, msg[512];
	struct getconf g;
	struct nlmsghdr *nlh;
	int err, tries;

	for (tries = 0; tries < 10; tries++) {
		config_free(c);
		config_init(c, "kernel");
		memset(&g, 0, sizeof(g));
		g.c = c;
		nlh = genl_request(nl, buf, ERCX_CMD_POLICY_GET, 0);
		err = nl_talk(nl, nlh, policy_cb, &g, msg, sizeof(msg));
		if (err == -ENOENT || err == -ENODATA) {
			*loaded = false;
			return EXIT_OK;
		}
		if (err)
			return report_refused(err, msg);
		*loaded = g.loaded;
		if (!g.loaded)
			return EXIT_OK;
		nlh = genl_request(nl, buf, ERCX_CMD_PREFIX_GET, NLM_F_DUMP);
		err = nl_talk(nl, nlh, prefix_cb, &g, msg, sizeof(msg));
		if (err == -EINTR || err == -EAGAIN ||
		    (!err && g.have_dump_gen && g.dump_gen != c->generation))
			continue;	/* the policy changed meanwhile: again */
		if (err == -EBADMSG) {
			fprintf(stderr, PROG_NAME ": malformed prefix in the kernel's dump\n");
			return EXIT_REFUSED;
		}
		if (err)
			return report_refused(err, msg);
		return EXIT_OK;
	}
	fprintf(stderr, PROG_NAME ": the policy kept changing while it was read\n");
	return EXIT_REFUSED;
}
