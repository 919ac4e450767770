// SPDX-License-Identifier: GPL-2.0
/*
 * status: paths, active path, mode, MSS, counters, transitions, prefixes.
 * Text in the style of `wg show`; -j/-p: the SPEC section 4 JSON.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/ercoexist.h>
#include <linux/genetlink.h>

#include "codec.h"
#include "ercoexistctl.h"
#include "genl.h"
#include "json.h"
#include "names.h"
#include "rtnl.h"
#include "status.h"

#define MAX_TRANSITIONS 64

struct path_status {
	bool present;
	struct cfg_path cfg;	/* device, gateways, marks: the policy's part */
	struct path_state st;	/* state and counters */
};

struct transition {
	uint64_t ns;
	int from, to, reason;
};

struct status {
	bool loaded;
	int mode, active;
	uint32_t generation, prefix_count;
	bool has_prefix_count;
	struct path_status path[2];	/* er, vpn */
	struct path_status underlay;	/* .present: [Underlay] was given */
	uint32_t mss, mss6, failback_ms, fwmask;
	uint32_t failback_eff_ms, damp_penalty;
	bool has_failback_eff, failback_pending;
	int mss_scope, nopath;
	uint64_t stats[ERCX_STATS_A_MAX + 1];
	struct transition tr[MAX_TRANSITIONS];
	size_t ntr;
};

static void get_path_status(const struct nlattr *nest, struct path_status *p)
{
	p->present = true;
	codec_parse_path(nest, &p->cfg, &p->st);
}

static void get_transition(const struct nlattr *nest, struct status *s)
{
	struct transition *t;
	const struct nlattr *a;

	if (s->ntr == MAX_TRANSITIONS) {
		memmove(s->tr, s->tr + 1, (MAX_TRANSITIONS - 1) * sizeof(*t));
		s->ntr--;
	}
	t = &s->tr[s->ntr++];
	memset(t, 0, sizeof(*t));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_TR_A_TIMESTAMP_NS:
			t->ns = codec_get_uint(a);
			break;
		case ERCX_TR_A_FROM:
			t->from = (int)codec_get_uint(a);
			break;
		case ERCX_TR_A_TO:
			t->to = (int)codec_get_uint(a);
			break;
		case ERCX_TR_A_REASON:
			t->reason = (int)codec_get_uint(a);
			break;
		}
	}
}

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct status *s = data;
	const struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case ERCX_A_POLICY_LOADED:
			s->loaded = true;
			break;
		case ERCX_A_MODE:
			s->mode = (int)codec_get_uint(a);
			break;
		case ERCX_A_ACTIVE_PATH:
			s->active = (int)codec_get_uint(a);
			break;
		case ERCX_A_GENERATION:
			s->generation = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_PREFIX_COUNT:
			s->prefix_count = (uint32_t)codec_get_uint(a);
			s->has_prefix_count = true;
			break;
		case ERCX_A_PATH_ER:
			get_path_status(a, &s->path[0]);
			break;
		case ERCX_A_PATH_VPN:
			get_path_status(a, &s->path[1]);
			break;
		case ERCX_A_UNDERLAY:
			get_path_status(a, &s->underlay);
			break;
		case ERCX_A_MSS:
			s->mss = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_MSS6:
			s->mss6 = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_MSS_SCOPE:
			s->mss_scope = (int)codec_get_uint(a);
			break;
		case ERCX_A_NOPATH:
			s->nopath = (int)codec_get_uint(a);
			break;
		case ERCX_A_FAILBACK_DELAY_MS:
			s->failback_ms = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_FWMASK:
			s->fwmask = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_FAILBACK_EFFECTIVE_MS:
			s->failback_eff_ms = (uint32_t)codec_get_uint(a);
			s->has_failback_eff = true;
			break;
		case ERCX_A_DAMP_PENALTY:
			s->damp_penalty = (uint32_t)codec_get_uint(a);
			break;
		case ERCX_A_FAILBACK_PENDING:
			s->failback_pending = codec_get_uint(a) != 0;
			break;
		case ERCX_A_STATS:
			mnl_attr_for_each_nested(b, a) {
				uint16_t t = mnl_attr_get_type(b);

				if (t <= ERCX_STATS_A_MAX && t != ERCX_STATS_A_PAD)
					s->stats[t] = codec_get_uint(b);
			}
			break;
		case ERCX_A_TRANSITIONS:
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == ERCX_A_TRANSITION)
					get_transition(b, s);
			break;
		case ERCX_A_TRANSITION:	/* tolerate them at the top level */
			get_transition(a, s);
			break;
		}
	}
	return MNL_CB_OK;
}

/* Liveness probes: only for a path that probes */
static void print_probe(const struct path_state *p)
{
	uint64_t done = p->probe_received + p->probe_lost;

	open_json_object("probe");
	print_string(PRINT_ANY, "state", "  probe: %s",
		     state_name((unsigned int)p->probe_state));
	print_u64(PRINT_ANY, "sent", ", sent %llu", p->probe_sent);
	print_u64(PRINT_ANY, "received", ", received %llu", p->probe_received);
	print_u64(PRINT_ANY, "lost", ", lost %llu", p->probe_lost);
	print_uint(PRINT_ANY, "loss_pct", " (%u%% loss)",
		   done ? (unsigned int)(p->probe_lost * 100 / done) : 0);
	print_u64(PRINT_ANY, "errors", ", send errors %llu\n", p->probe_errors);
	print_uint(PRINT_ANY, "rtt_last_us", "  rtt: last %u", p->rtt_last_us);
	print_uint(PRINT_ANY, "rtt_min_us", ", min %u", p->rtt_min_us);
	print_uint(PRINT_ANY, "rtt_avg_us", ", avg %u", p->rtt_avg_us);
	print_uint(PRINT_ANY, "rtt_max_us", ", max %u us\n", p->rtt_max_us);
	close_json_object();
}

static void print_path(const char *name, const struct path_status *p)
{
	char t[40];

	open_json_object(name);
	print_text("path %s: ", name);
	print_string(PRINT_ANY, "state", "%s", state_name((unsigned int)p->st.state));
	print_string(PRINT_ANY, "reason", " (%s)\n", reason_name((unsigned int)p->st.reason));
	print_string(PRINT_ANY, "dev", "  device: %s", p->cfg.dev);
	print_uint(PRINT_ANY, "ifindex", " (ifindex %u)\n", p->cfg.ifindex);
	if (p->st.since_ns) {
		format_time_ns(p->st.since_ns, t, sizeof(t));
		print_string(PRINT_ANY, "since", "  since: %s\n", t);
		print_u64(PRINT_JSON, "since_ns", NULL, p->st.since_ns);
	}
	if (p->cfg.table) {
		print_uint(PRINT_ANY, "table", "  table: %u", p->cfg.table);
		print_uint(PRINT_JSON, "fwmark", NULL, p->cfg.fwmark);
		print_text(", fwmark 0x%08x\n", p->cfg.fwmark);
	}
	print_u64(PRINT_ANY, "tx_packets", "  tx: %llu packets", p->st.tx_packets);
	print_u64(PRINT_ANY, "tx_bytes", ", %llu bytes\n", p->st.tx_bytes);
	if (p->st.has_probe)
		print_probe(&p->st);
	close_json_object();
}

/*
 * The underlay guard: its uplink (or "drop"), its counter, and where the
 * main routing (no mark) sends each VPN peer address now.  A peer routed by
 * the ER device is what the guard exists for: say so with a warning.
 */
void status_print_underlay(const struct underlay_view *ul)
{
	const struct cfg_ip *peer = &ul->peer;
	char a[INET6_ADDRSTRLEN], dev[IF_NAMESIZE], warn[2][256];
	size_t nwarn = 0, i;
	int k;

	open_json_object("underlay");
	print_text("underlay guard: ");
	print_string(PRINT_ANY, "action", "%s", ul->present ? "steer" : "drop");
	if (ul->present) {
		print_string(PRINT_ANY, "dev", " to %s", ul->dev);
		print_uint(PRINT_ANY, "table", " (table %u", ul->table);
		print_uint(PRINT_JSON, "fwmark", NULL, ul->fwmark);
		print_text(", fwmark 0x%08x)", ul->fwmark);
	} else {
		print_null(PRINT_JSON, "dev", NULL);
		print_null(PRINT_JSON, "table", NULL);
		print_null(PRINT_JSON, "fwmark", NULL);
		print_text(" (no [Underlay] Device)");
	}
	print_u64(PRINT_ANY, "interventions", ", %llu interventions",
		  ul->interventions);
	if (!peer->set4 && !peer->set6)
		print_text(", inactive: no [VPN] Peer");
	print_text("\n");

	open_json_array("peer_route");
	for (k = 0; k < 2; k++) {
		uint8_t fam = k ? AF_INET6 : AF_INET;
		const void *addr = k ? (const void *)&peer->v6 : (const void *)&peer->v4;
		unsigned int oif = 0;
		int err;

		if (!(k ? peer->set6 : peer->set4))
			continue;
		inet_ntop(fam, addr, a, sizeof(a));
		err = rtnl_route_dev(fam, addr, &oif);
		open_json_object(NULL);
		print_string(PRINT_ANY, "peer", "  peer %s: ", a);
		if (err || !oif) {
			print_null(PRINT_JSON, "dev", NULL);
			print_text("%s\n", err ? strerror(-err) : "no route");
		} else {
			if (!if_indextoname(oif, dev))
				snprintf(dev, sizeof(dev), "if%u", oif);
			print_string(PRINT_ANY, "dev", "route via %s\n", dev);
			if (ul->er_ifindex && oif == ul->er_ifindex && nwarn < 2) {
				if (ul->present)
					snprintf(warn[nwarn], sizeof(warn[0]), "the route to VPN peer %s leaves by %s (ExpressRoute); the underlay guard steers it to %s",
						 a, dev, ul->dev);
				else
					snprintf(warn[nwarn], sizeof(warn[0]), "the route to VPN peer %s leaves by %s (ExpressRoute); the underlay guard drops it (no [Underlay] Device)",
						 a, dev);
				nwarn++;
			}
		}
		close_json_object();
	}
	close_json_array();

	open_json_array("warnings");
	for (i = 0; i < nwarn; i++) {
		print_text("warning: ");
		print_string(PRINT_ANY, NULL, "%s\n", warn[i]);
	}
	close_json_array();
	close_json_object();
}

/*
 * STATUS_GET into @s, then the policy with its prefixes into @c (initialised
 * here; the caller frees it) when one is loaded.  Returns an exit status.
 */
static int status_fetch(struct status *s, struct config *c, bool *loaded)
{
	char buf[256] = { 0 }, msg[256];
	struct nlmsghdr *nlh;
	struct nl nl;
	int ret, tries;

	*loaded = false;
	config_init(c, "kernel");
	ret = genl_open(&nl);
	if (ret)
		return ret;
	/*
	 * STATUS_GET (generation, prefix count, MSS...) and the policy read
	 * after it are two requests: a policy replaced between them would
	 * show one policy's figures with the other's prefixes.  Both must
	 * be of one generation; else read both again.
	 */
	for (tries = 0; tries < 10; tries++) {
		memset(s, 0, sizeof(*s));
		*loaded = false;
		nlh = genl_request(&nl, buf, ERCX_CMD_STATUS_GET, 0);
		ret = nl_talk(&nl, nlh, status_cb, s, msg, sizeof(msg));
		if (ret) {
			ret = report_refused(ret, msg);
			break;
		}
		if (!s->loaded && !s->path[0].present)
			break;
		ret = kernel_get_config(&nl, c, loaded);
		if (ret || (*loaded == s->loaded &&
			    (!*loaded || c->generation == s->generation)))
			break;
	}
	if (tries == 10) {
		fprintf(stderr, PROG_NAME ": the policy kept changing while it was read\n");
		ret = EXIT_REFUSED;
	}
	nl_close(&nl);
	return ret;
}

int cmd_status(int argc, char **argv)
{
	static struct status s;
	char t[40], pb[PREFIX_STRLEN];
	struct config c;
	bool loaded = false;
	size_t i;
	int ret;

	ret = cmd_no_args(argc, argv, "status");
	if (ret >= 0)
		return ret;
	ret = status_fetch(&s, &c, &loaded);
	if (ret) {
		config_free(&c);
		return ret;
	}
	s.loaded = s.loaded || loaded;

	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_bool(PRINT_JSON, "policy_loaded", NULL, s.loaded);
	print_string(PRINT_JSON, "mode", NULL, mode_name((unsigned int)s.mode));
	print_string(PRINT_JSON, "active_path", NULL, path_name((unsigned int)s.active));
	if (!s.loaded) {
		print_text("ercoexist: no policy loaded (mode %s)\n",
			   mode_name((unsigned int)s.mode));
		json_end();
		config_free(&c);
		return EXIT_OK;
	}
	print_uint(PRINT_ANY, "generation", "policy: generation %u", s.generation);
	if (!s.has_prefix_count)
		s.prefix_count = (uint32_t)c.npfx;
	print_uint(PRINT_ANY, "prefix_count", ", %u prefixes\n", s.prefix_count);
	print_text("mode: %s\nactive path: %s", mode_name((unsigned int)s.mode),
		   path_name((unsigned int)s.active));
	/* no usable path: NoPath decides what happens to policy traffic */
	print_bool(PRINT_JSON, "no_usable_path", NULL, s.active == ERCX_PATH_NONE);
	if (s.active == ERCX_PATH_NONE)
		print_text(" (no usable path: NoPath = %s applies)",
			   s.nopath == ERCX_NOPATH_DROP ? "drop" : "pass");
	print_text("\n");
	open_json_object("paths");
	print_path("er", &s.path[0]);
	print_path("vpn", &s.path[1]);
	close_json_object();

	open_json_object("mss");
	print_uint(PRINT_ANY, "value", "mss: %u", s.mss);
	print_uint(PRINT_ANY, "value6", " (IPv6 %u)", s.mss6);
	print_string(PRINT_ANY, "scope", ", scope %s",
		     s.mss_scope == ERCX_MSS_SCOPE_ALL ? "all" : "tunnel");
	print_u64(PRINT_ANY, "clamped", ", clamped %llu", s.stats[ERCX_STATS_A_MSS_CLAMPED]);
	print_u64(PRINT_ANY, "errors", ", errors %llu\n", s.stats[ERCX_STATS_A_MSS_ERRORS]);
	close_json_object();

	/* durations in the text as the config writes them (3s, 500ms) */
	print_uint(PRINT_JSON, "failback_delay_ms", NULL, s.failback_ms);
	print_text("failback delay: %s", format_duration(s.failback_ms, t, sizeof(t)));
	if (s.has_failback_eff) {
		open_json_object("failback");
		print_uint(PRINT_JSON, "effective_ms", NULL, s.failback_eff_ms);
		print_text(" (effective %s",
			   format_duration(s.failback_eff_ms, t, sizeof(t)));
		print_uint(PRINT_ANY, "penalty", ", penalty %u", s.damp_penalty);
		print_bool(PRINT_JSON, "pending", NULL, s.failback_pending);
		print_text("%s)", s.failback_pending ? ", ER pending" : "");
		close_json_object();
	}
	print_text("\n");
	print_uint(PRINT_JSON, "fwmask", NULL, s.fwmask);
	print_u64(PRINT_ANY, "failovers", "failovers: %llu", s.stats[ERCX_STATS_A_FAILOVERS]);
	print_u64(PRINT_ANY, "failbacks", ", failbacks: %llu\n", s.stats[ERCX_STATS_A_FAILBACKS]);
	open_json_object("nopath");
	print_string(PRINT_ANY, "action", "no path: %s",
		     s.nopath == ERCX_NOPATH_DROP ? "drop" : "pass");
	print_u64(PRINT_ANY, "packets", ", %llu packets", s.stats[ERCX_STATS_A_NOPATH_PACKETS]);
	print_u64(PRINT_ANY, "dropped", ", %llu dropped\n", s.stats[ERCX_STATS_A_NOPATH_DROPPED]);
	close_json_object();
	{
		struct underlay_view uv = {
			.present = s.underlay.present,
			.table = s.underlay.cfg.table,
			.fwmark = s.underlay.cfg.fwmark,
			.er_ifindex = s.path[0].cfg.ifindex,
			.interventions = s.stats[ERCX_STATS_A_UNDERLAY],
			.peer = c.vpn.peer,
		};

		memcpy(uv.dev, s.underlay.cfg.dev, sizeof(uv.dev));
		status_print_underlay(&uv);
	}

	print_text("transitions:%s\n", s.ntr ? "" : " none");
	open_json_array("transitions");
	for (i = 0; i < s.ntr; i++) {
		format_time_ns(s.tr[i].ns, t, sizeof(t));
		open_json_object(NULL);
		print_string(PRINT_ANY, "time", "  %s", t);
		print_u64(PRINT_JSON, "time_ns", NULL, s.tr[i].ns);
		print_string(PRINT_ANY, "from", " %s", path_name((unsigned int)s.tr[i].from));
		print_string(PRINT_ANY, "to", " -> %s", path_name((unsigned int)s.tr[i].to));
		print_string(PRINT_ANY, "reason", " (%s)\n", reason_name((unsigned int)s.tr[i].reason));
		close_json_object();
	}
	close_json_array();

	print_text("prefixes:%s\n", c.npfx ? "" : " none");
	open_json_array("prefixes");
	for (i = 0; i < c.npfx; i++) {
		const struct cfg_prefix *p = &c.pfx[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "prefix", "  %s via",
			     format_prefix(p, pb, sizeof(pb)));
		open_json_array("via");
		if (p->via & ERCX_VIA_ER)
			print_string(PRINT_ANY, NULL, " %s", "er");
		if (p->via & ERCX_VIA_VPN)
			print_string(PRINT_ANY, NULL, " %s", "vpn");
		close_json_array();
		print_string(PRINT_ANY, "path", " -> %s\n", path_name(p->path));
		close_json_object();
	}
	close_json_array();
	json_end();
	config_free(&c);
	return EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* get ADDR: which prefix an address falls in, its path now, and why         */

static bool prefix_holds(const struct cfg_prefix *p, int family,
			 const uint8_t *a)
{
	struct cfg_prefix host = { .family = (uint8_t)family };

	memcpy(host.addr, a, family == AF_INET ? 4 : 16);
	host.plen = family == AF_INET ? 32 : 128;
	return prefix_covers(p, &host);
}

/*
 * The longest prefix covering @a, and the one whose path is in force: the
 * kernel's answer for the longest match (its dump's path) comes from the
 * longest covering prefix that the chosen path reaches.
 */
static void get_match(const struct config *c, int family, const uint8_t *a,
		      const struct cfg_prefix **lm, const struct cfg_prefix **eff)
{
	size_t i;

	*lm = NULL;
	*eff = NULL;
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *p = &c->pfx[i];

		if (prefix_holds(p, family, a) && (!*lm || p->plen > (*lm)->plen))
			*lm = p;
	}
	if (!*lm || (*lm)->path == ERCX_PATH_NONE || !(*lm)->via)
		return;
	for (i = 0; i < c->npfx; i++) {
		const struct cfg_prefix *p = &c->pfx[i];

		if (prefix_holds(p, family, a) &&
		    (p->via & (1U << ((*lm)->path - 1))) &&
		    (!*eff || p->plen > (*eff)->plen))
			*eff = p;
	}
}

static void get_why(const struct status *s, const struct cfg_prefix *lm,
		    char *why, size_t len)
{
	const struct path_state *er = &s->path[0].st;

	if (!lm->via) {
		snprintf(why, len, "an exclusion (the gateway's own address or connected subnet, or an Exclude line): never steered, main routing table");
	} else if (s->mode != ERCX_MODE_AUTO) {
		snprintf(why, len, "mode %s (ercoexistctl failover; auto undoes it)",
			 mode_name((unsigned int)s->mode));
	} else if (lm->path == ERCX_PATH_NONE) {
		snprintf(why, len, "no usable path: NoPath = %s",
			 s->nopath == ERCX_NOPATH_DROP ? "drop (ICMP unreachable)" :
			 "pass (main routing table)");
	} else if (lm->path == ERCX_PATH_ER) {
		snprintf(why, len, "ER usable, preferred");
	} else if (!(lm->via & ERCX_VIA_ER)) {
		snprintf(why, len, "only the VPN reaches this prefix");
	} else if (s->failback_pending) {
		snprintf(why, len, "ER up, waiting for the failback delay");
	} else {
		snprintf(why, len, "ER %s (%s)", state_name((unsigned int)er->state),
			 reason_name((unsigned int)er->reason));
	}
}

static void print_prefix_via(const char *key, const char *fmt,
			     const struct cfg_prefix *p)
{
	char pb[PREFIX_STRLEN];

	open_json_object(key);
	print_string(PRINT_ANY, "prefix", fmt, format_prefix(p, pb, sizeof(pb)));
	open_json_array("via");
	if (p->via & ERCX_VIA_ER)
		print_string(PRINT_ANY, NULL, " %s", "er");
	if (p->via & ERCX_VIA_VPN)
		print_string(PRINT_ANY, NULL, " %s", "vpn");
	close_json_array();
	close_json_object();
}

int cmd_get(int argc, char **argv)
{
	static struct status s;
	const struct cfg_prefix *lm = NULL, *eff = NULL;
	uint8_t a[16] = { 0 };
	bool loaded = false;
	struct config c;
	char why[160];
	int family, ret;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("Usage: " PROG_NAME " get ADDR\n"
		       "The policy prefix ADDR falls in, the path it takes now and why.\n");
		return EXIT_OK;
	}
	if (argc != 2) {
		fprintf(stderr, "Usage: " PROG_NAME " get ADDR\n");
		return EXIT_USAGE;
	}
	if (inet_pton(AF_INET, argv[1], a) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, argv[1], a) == 1) {
		family = AF_INET6;
	} else {
		fprintf(stderr, PROG_NAME " get: '%s' is not an IPv4 or IPv6 address\n",
			argv[1]);
		return EXIT_USAGE;
	}

	ret = status_fetch(&s, &c, &loaded);
	if (ret) {
		config_free(&c);
		return ret;
	}
	if (loaded)
		get_match(&c, family, a, &lm, &eff);

	json_begin();
	print_uint(PRINT_JSON, "schema", NULL, 1);
	print_string(PRINT_ANY, "address", "%s", argv[1]);
	print_bool(PRINT_JSON, "policy_loaded", NULL, loaded);
	print_string(PRINT_JSON, "mode", NULL, mode_name((unsigned int)s.mode));
	if (!lm) {
		print_null(PRINT_JSON, "match", NULL);
		print_string(PRINT_JSON, "path", NULL, "main");
		print_string(PRINT_ANY, "why", ": not steered (%s)\n",
			     loaded ? "no policy prefix covers it: main routing table" :
			     "no policy loaded");
		json_end();
		config_free(&c);
		return EXIT_OK;
	}
	print_prefix_via("match", "\n  prefix: %s via", lm);
	print_string(PRINT_ANY, "path", "\n  path: %s",
		     lm->via ? path_name(lm->path) : "main");
	if (eff && eff != lm)
		print_prefix_via("in_force", ", by %s via", eff);
	else
		print_null(PRINT_JSON, "in_force", NULL);
	get_why(&s, lm, why, sizeof(why));
	print_string(PRINT_ANY, "why", "\n  why: %s", why);
	print_string(PRINT_ANY, "er_state", "\n  paths: er %s",
		     state_name((unsigned int)s.path[0].st.state));
	print_string(PRINT_ANY, "vpn_state", ", vpn %s",
		     state_name((unsigned int)s.path[1].st.state));
	print_text(", mode %s\n", mode_name((unsigned int)s.mode));
	json_end();
	config_free(&c);
	return EXIT_OK;
}
