/* hub_notice — see hub_notice.h (the command is app/cmd_hub_report.c). */
#include "domain/hub_notice.h"

#include "db/hub_report.h"
#include "base/i18n.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static int add_gw(const struct hub_addressed *a, void *arg)
{
	struct hub_notice_plan *p = arg;
	struct hub_notice_gw *n = realloc(p->gw, (size_t)(p->ngw + 1) * sizeof *n);
	if (!n)
		return -1;
	p->gw = n;
	struct hub_notice_gw *g = &p->gw[p->ngw++];
	snprintf(g->id, sizeof g->id, "%s", a->id);
	snprintf(g->name, sizeof g->name, "%s", a->name);
	g->households = a->households;
	if (a->households < 0)
		p->unknown++;
	else
		p->households += a->households;
	return 0;
}

/* The --to word into (kind, target): "all", a gateway, a group. */
static int resolve_to(struct hub *h, const char *to, struct hub_notice_plan *p, char *err, size_t errlen)
{
	const char *name = to;
	int want = HUB_TO_GATEWAY | HUB_TO_GROUP;
	if (util_streq_ci(to, "all")) {
		snprintf(p->kind, sizeof p->kind, "all");
		return EXIT_OK;
	}
	if (strncmp(to, "gateway:", 8) == 0)
		name = to + 8, want = HUB_TO_GATEWAY;
	else if (strncmp(to, "group:", 6) == 0)
		name = to + 6, want = HUB_TO_GROUP;
	char esc[128];
	util_escape_ctl(name, esc, sizeof esc);
	if (!hub_id_valid(name)) {
		snprintf(err, errlen, "--to: no gateway or gateway group '%s' (loa hub gateway list shows them)", esc);
		return EXIT_USAGE;
	}
	int what = 0;
	if (hub_to_lookup(h, name, &what) != HUB_OK) {
		snprintf(err, errlen, "hub: %s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	what &= want;
	if (!what) {
		snprintf(err, errlen, "--to: no %s '%s' (loa hub gateway list shows them)",
			 want == HUB_TO_GATEWAY ? "gateway" : want == HUB_TO_GROUP ? "gateway group"
										  : "gateway or gateway group",
			 esc);
		return EXIT_USAGE;
	}
	if (what == (HUB_TO_GATEWAY | HUB_TO_GROUP)) {
		snprintf(err, errlen, "--to: '%s' is both a gateway and a gateway group: write gateway:%s or group:%s",
			 esc, esc, esc);
		return EXIT_USAGE;
	}
	snprintf(p->kind, sizeof p->kind, "%s", what == HUB_TO_GATEWAY ? "gateway" : "group");
	snprintf(p->target, sizeof p->target, "%s", name);
	return EXIT_OK;
}

int hub_notice_plan(struct hub *h, const struct notice_cfg *cfg, const char *text, const char *to, int channels,
		    int urgent, struct hub_notice_plan *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	int rc = notice_text_plan(cfg, text, &p->text, err, errlen);
	if (rc)
		return rc;
	p->channels = channels ? channels : CH_BOTH;
	p->urgent = urgent;
	if ((rc = resolve_to(h, to, p, err, errlen)) != EXIT_OK)
		return rc;
	if (hub_addressed_each(h, p->kind, p->target, add_gw, p) != HUB_OK) {
		snprintf(err, errlen, "hub: %s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	if (!p->ngw) {
		if (!strcmp(p->kind, "all"))
			snprintf(err, errlen, "--to all: the hub has no gateway yet (loa hub gateway add)");
		else
			snprintf(err, errlen, "--to: gateway group '%s' has no gateway (loa hub group add)", p->target);
		return EXIT_USAGE;
	}
	/* The encoding every household would get under the hub's sms.encoding:
	 * the hub knows no household's accents column, so a text with accents
	 * is counted in Unicode (the larger). */
	p->unaccented_sms = notice_sms_policy(cfg->sms_encoding, p->text.unaccented) == SMSENC_ASCII;
	p->parts = p->unaccented_sms ? p->text.parts_gsm7 : p->text.parts_ucs2;
	if ((p->channels & CH_SMS) && p->parts > cfg->sms_max_parts) {
		snprintf(err, errlen, "text needs %d SMS parts %s; the limit is %d (sms.max_parts): shorten it", p->parts,
			 p->unaccented_sms ? "without accents" : "in Unicode", cfg->sms_max_parts);
		return EXIT_USAGE;
	}
	if (p->channels & CH_SMS)
		p->sms_cost = (long)p->households * p->parts * cfg->sms_part_cost;
	p->req = (struct hub_notice_req){
		.text = p->text.text, .to_kind = p->kind, .to_target = p->target, .channels = p->channels,
		.urgent = urgent, .source = "cli", .due_at = 0,
	};
	return EXIT_OK;
}

void hub_notice_plan_free(struct hub_notice_plan *p)
{
	notice_plan_free(&p->text);
	free(p->gw);
	p->gw = NULL;
	p->ngw = 0;
}

void hub_notice_plan_print(const struct hub_notice_plan *p, const struct notice_cfg *cfg, FILE *out)
{
	fprintf(out, _("gateways: %d\n"), p->ngw);
	for (int i = 0; i < p->ngw; i++) {
		const struct hub_notice_gw *g = &p->gw[i];
		char esc[200];
		util_escape_ctl(g->name, esc, sizeof esc);
		if (g->households >= 0)
			fprintf(out, ngettext("  %-20s %6d household  %s\n", "  %-20s %6d households %s\n",
					      (unsigned long)g->households),
				g->id, g->households, esc);
		else
			fprintf(out, _("  %-20s %6s (no count pushed yet) %s\n"), g->id, "?", esc);
	}
	fprintf(out, _("households: %d (the counts the gateways pushed"), p->households);
	if (p->unknown)
		fprintf(out, ngettext("; %d gateway has not pushed one yet", "; %d gateways have not pushed one yet",
				      (unsigned long)p->unknown),
			p->unknown);
	fputs(_("; each gateway skips its opted-out households and those without a channel)\n"), out);
	char parts[48];
	snprintf(parts, sizeof parts, ngettext("%d part", "%d parts", (unsigned long)p->parts), p->parts);
	if (p->channels & CH_SMS) {
		fprintf(out, _("sms: at most %d messages x %s (%s)\n"), p->households, parts,
			p->unaccented_sms ? _("GSM 7-bit") : _("Unicode"));
		fprintf(out, _("sms cost: at most about %ld d (%d d per part)\n"), p->sms_cost, cfg->sms_part_cost);
	}
	if (p->channels & CH_VOICE) {
		int total = p->households * p->text.call_s;
		fprintf(out,
			_("calls: at most %d, about %d s each (notice read %d times, ~%d s per reading); at most %d min of"
			  " line time\n"),
			p->households, p->text.call_s, cfg->call_repeats, p->text.speech_s, (total + 59) / 60);
	}
	if ((p->channels & CH_SMS) && p->parts > 3)
		fputs(_("warning: more than 3 parts; some old phones split or drop long messages\n"), out);
	if ((p->channels & CH_SMS) && p->text.replaced > 0)
		fprintf(out,
			ngettext("warning: %d character cannot be sent without accents and becomes '?'\n",
				 "warning: %d characters cannot be sent without accents and become '?'\n",
				 (unsigned long)p->text.replaced),
			p->text.replaced);
	if ((p->channels & CH_SMS) && p->text.ambiguous[0])
		fprintf(out, _("warning: without accents these words are ambiguous: %s\n"), p->text.ambiguous);
	if ((p->channels & CH_VOICE) && p->text.unaccented)
		fputs(_("warning: no accents: read aloud, the tones will be wrong\n"), out);
}
