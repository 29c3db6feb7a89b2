/* cmd_hub_report — on the hub: `loa hub notice send` (the text checked as
 * `loa notice send` checks it, the preview, then the hub notice;
 * domain/hub_notice) and `loa hub report [ID]` (per gateway: reached / not
 * reached / in progress, as each gateway's own `loa report` counts;
 * db/hub_report).  The connection is cmd_hub.c's. */
#include "app/cli.h"

#include "base/clock.h"
#include "base/i18n.h"
#include "base/util.h"
#include "db/hub_report.h"
#include "domain/hub_notice.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char notice_usage[] = N_("usage: loa hub notice send --to GATEWAY|GROUP|all [--only-sms|--only-voice]"
				       " [--urgent] [--dry-run] TEXT (or - to read stdin)");

static int notice_send(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _(notice_usage);
	static const struct option o[] = {
		{ "to", required_argument, NULL, 't' }, { "urgent", no_argument, NULL, 'u' },
		{ "dry-run", no_argument, NULL, 'n' }, { "only-sms", no_argument, NULL, 'S' },
		{ "only-voice", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	int urgent = 0, dry = 0, channels = 0, c;
	optind = 0; /* glibc: re-initialise getopt for this argv */
	while ((c = getopt_long(argc, argv, "t:", o, NULL)) != -1) {
		switch (c) {
		case 't': to = optarg; break;
		case 'u': urgent = 1; break;
		case 'n': dry = 1; break;
		case 'S': channels |= CH_SMS; break;
		case 'V': channels |= CH_VOICE; break;
		default: return cli_err(EXIT_USAGE, "%s", usage);
		}
	}
	if (!to || optind >= argc)
		return cli_err(EXIT_USAGE, "%s", usage);
	struct sbuf text;
	if (cli_text_args(argc, argv, optind, &text) != EXIT_OK)
		return EXIT_USAGE;
	int rc = cli_config(ctx);
	if (rc) {
		sbuf_free(&text);
		return rc;
	}
	struct notice_cfg nc;
	config_notice(&ctx->cfg, &nc);
	struct hub *h;
	if ((rc = cmd_hub_connect(ctx, &h)) != EXIT_OK) {
		sbuf_free(&text);
		return rc;
	}
	struct hub_notice_plan plan;
	char err[512];
	rc = hub_notice_plan(h, &nc, text.s, to, channels, urgent, &plan, err, sizeof err);
	sbuf_free(&text);
	if (rc) {
		hub_notice_plan_free(&plan);
		hub_close(h);
		return cli_err(rc, "%s", err);
	}
	int64_t id = 0;
	if (!dry) {
		rc = hub_notice_add(h, &plan.req, clock_wall_s(), &id);
		if (rc != HUB_OK) {
			hub_notice_plan_free(&plan);
			return cmd_hub_fail(h, rc);
		}
	}
	hub_close(h);
	if (dry)
		fputs(_("dry run: nothing created\n"), stdout);
	else
		printf(_("hub notice %lld created%s: the gateways take it in at their next sync\n"), (long long)id,
		       urgent ? _(" (urgent)") : "");
	hub_notice_plan_print(&plan, &nc, stdout);
	hub_notice_plan_free(&plan);
	return EXIT_OK;
}

/* `loa hub notice cancel ID`: gateways that have not taken it in never
 * will; those that have cancel their copy at their next sync (queued
 * deliveries stop, in-flight ones finish and are logged). */
static int notice_cancel(struct cli_ctx *ctx, int argc, char **argv)
{
	long id = 0;
	if (argc != 2 || util_parse_long(argv[1], 1, INT32_MAX, &id) != 0)
		return cli_err(EXIT_USAGE, "%s", _("usage: loa hub notice cancel ID"));
	struct hub *h;
	int rc = cmd_hub_connect(ctx, &h);
	if (rc)
		return rc;
	if ((rc = hub_notice_cancel(h, id)) != HUB_OK)
		return cmd_hub_fail(h, rc);
	hub_close(h);
	printf(_("hub notice %ld cancelled: gateways that took it in cancel their pending deliveries at their next sync\n"),
	       id);
	return EXIT_OK;
}

int cmd_hub_notice(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		return notice_send(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "cancel") == 0)
		return notice_cancel(ctx, argc - 1, argv + 1);
	return cli_err(EXIT_USAGE, "%s", _(notice_usage));
}

/* ---- loa hub report ---- */

struct totals {
	int gateways, taken, refused, waiting;
	int households, reached, pending, unreached;
};

static int print_reach(const struct hub_reach *r, void *arg)
{
	struct totals *t = arg;
	t->gateways++;
	char sync[32] = "-";
	if (r->synced_at)
		clock_format_local(r->synced_at, sync, sizeof sync);
	if (r->taken && r->local_notice_id) {
		t->taken++;
		t->households += r->households;
		t->reached += r->reached;
		t->pending += r->pending;
		t->unreached += r->unreached;
		cli_line("%-20s %8lld %10d %8d %12d %12d  %s", r->gateway_id, (long long)r->local_notice_id,
			 r->households, r->reached, r->unreached, r->pending, sync);
	} else if (r->taken) {
		t->refused++;
		cli_line(_("%-20s refused: %s"), r->gateway_id, r->note);
	} else {
		t->waiting++;
		cli_line(_("%-20s not taken in yet (last sync: %s)"), r->gateway_id, r->synced_at ? sync : _("never"));
	}
	return 0;
}

static int print_sum_head(const struct hub_notice_sum *s, void *arg)
{
	(void)arg;
	char when[32];
	clock_format_local(s->created_at, when, sizeof when);
	cli_line(_("hub notice %lld (%s)%s, created %s by %s, to %s"), (long long)s->id, s->state,
		 s->urgent ? _(" URGENT") : "", when, s->source, s->to ? s->to : "");
	cli_line(_("text: %s"), s->text);
	return 0;
}

struct visit {
	char gateway[40];
	int n;
};

static int print_unreached(const struct hub_unreached *u, void *arg)
{
	struct visit *v = arg;
	if (strcmp(v->gateway, u->gateway_id) != 0) {
		snprintf(v->gateway, sizeof v->gateway, "%s", u->gateway_id);
		cli_line("%s:", u->gateway_id);
	}
	v->n++;
	if (u->listed)
		cli_line("  %-28s %-14s %-12s %s  (%s)", u->name, u->phone, u->groups, u->address, u->states);
	else
		cli_line(_("  household %lld (the gateway sends counts only)  (%s)"), (long long)u->household_id,
			 u->states);
	return 0;
}

static int report_one(struct cli_ctx *ctx, struct hub *h, int64_t id, int unreached)
{
	int64_t sent_after = clock_wall_s() - ctx->cfg.sms_report_timeout_s;
	int rc = hub_notice_sums(h, id, 1, 0, sent_after, print_sum_head, NULL);
	if (rc == HUB_NOTFOUND) {
		hub_close(h);
		return cli_err(EXIT_USAGE, _("no hub notice %lld (loa hub report lists them)"), (long long)id);
	}
	if (rc != HUB_OK)
		return cmd_hub_fail(h, rc);
	printf("\n%-20s %8s %10s %8s %12s %12s  %s\n", _("gateway"), _("notice"), _("households"), _("reached"),
	       _("not reached"), _("in progress"), _("last sync"));
	struct totals t;
	memset(&t, 0, sizeof t);
	if ((rc = hub_report_each(h, id, sent_after, print_reach, &t)) != HUB_OK)
		return cmd_hub_fail(h, rc);
	if (unreached) {
		fputs(_("\nNot reached — visit in person (names from gateways with [hub] households = list):\n"), stdout);
		struct visit v;
		memset(&v, 0, sizeof v);
		if ((rc = hub_unreached_each(h, id, sent_after, print_unreached, &v)) != HUB_OK)
			return cmd_hub_fail(h, rc);
		if (!v.n)
			fputs(_("nobody\n"), stdout);
	}
	hub_close(h);
	printf(_("\ngateways %d: %d took it in, %d refused, %d not yet\n"), t.gateways, t.taken, t.refused, t.waiting);
	printf(_("households %d: %d reached, %d not reached, %d in progress\n"), t.households, t.reached, t.unreached,
	       t.pending);
	return EXIT_OK;
}

/* The first `chars` characters of `s`, cut on a UTF-8 boundary, newlines
 * as spaces; 1 when some of it was left off. */
static int text_head(const char *s, int chars, char *out, size_t len)
{
	size_t i = 0;
	int n = 0;
	while (s[i] && n < chars) {
		size_t k = 1;
		while (((unsigned char)s[i + k] & 0xC0) == 0x80)
			k++;
		if (i + k >= len)
			break;
		i += k;
		n++;
	}
	memcpy(out, s, i);
	out[i] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return s[i] != '\0';
}

static int print_sum(const struct hub_notice_sum *s, void *arg)
{
	(void)arg;
	char when[32];
	clock_format_local(s->created_at, when, sizeof when);
	char head[48];
	int cut = text_head(s->text, 30, head, sizeof head);
	cli_line("%5lld  %s  %-9s %5d/%-5d %9d %8d %12d %12d  %s%s", (long long)s->id, when, s->state, s->taken,
		 s->gateways, s->households, s->reached, s->unreached, s->pending, head,
		 cut ? "…" : "");
	return 0;
}

int cmd_hub_report(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *usage = _("usage: loa hub report [ID [--unreached]]");
	static const struct option o[] = { { "unreached", no_argument, NULL, 'U' }, { NULL, 0, NULL, 0 } };
	int unreached = 0, c;
	long id = 0;
	optind = 0; /* glibc: re-initialise getopt for this argv */
	while ((c = getopt_long(argc, argv, "", o, NULL)) != -1) {
		if (c == 'U')
			unreached = 1;
		else
			return cli_err(EXIT_USAGE, "%s", usage);
	}
	if (optind < argc - 1 || (optind == argc - 1 && util_parse_long(argv[optind], 1, INT32_MAX, &id) != 0) ||
	    (unreached && !id))
		return cli_err(EXIT_USAGE, "%s", usage);
	struct hub *h;
	int rc = cmd_hub_connect(ctx, &h);
	if (rc)
		return rc;
	if (id)
		return report_one(ctx, h, id, unreached);
	printf("%5s  %-16s  %-9s %11s %9s %8s %12s %12s  %s\n", _("id"), _("created"), _("state"), _("gateways"),
	       _("households"), _("reached"), _("not reached"), _("in progress"), _("text"));
	rc = hub_notice_sums(h, 0, 20, 1, clock_wall_s() - ctx->cfg.sms_report_timeout_s, print_sum, NULL);
	if (rc != HUB_OK)
		return cmd_hub_fail(h, rc);
	hub_close(h);
	return EXIT_OK;
}
