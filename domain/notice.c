/* notice — see notice.h (the command is app/cmd_notice.c). */
#include "domain/notice.h"

#include "db/channel.h"
#include "db/store_health.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/util.h"
#include "base/i18n.h"
#include "tts/tts_audio.h"

#include <unistd.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Spoken length of one reading: syllables (space-separated words; a
 * number counts as its digits' worth of syllables) at the configured rate. */
static int estimate_speech_s(const char *text, int rate_wpm)
{
	int words = 0, inword = 0;
	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			words++;
			inword = 0;
		} else if (*p == ' ' || *p == '\n' || *p == '\t') {
			inword = 0;
		} else if (!inword) {
			inword = 1;
			words++;
		}
	}
	return (words * 60 + rate_wpm - 1) / rate_wpm;
}

/* The daemon's heartbeat is three missed beats old: it is not running. */
enum { HEARTBEAT_STALE_S = 90 };

struct callers {
	const char *names;
	int64_t now;
	int n;
};

static int count_caller(const struct modem_health *m, void *arg)
{
	struct callers *c = arg;
	char key[40];
	snprintf(key, sizeof key, ",%s,", m->name);
	char list[sizeof ((struct notice_cfg *)0)->voice_names + 2];
	snprintf(list, sizeof list, ",%s,", c->names);
	if (strstr(list, key) && !strcmp(m->state, "ready") && m->paused_until <= c->now)
		c->n++;
	return 0;
}

/* Voice modems that can call right now, as the daemon last said. */
static int callers_now(struct store *st, const struct notice_cfg *cfg, int64_t now)
{
	struct daemon_health dh;
	if (!cfg->voice_modems || store_health_daemon(st, &dh) != STORE_OK || !dh.known || dh.stopped_at ||
	    dh.heartbeat_at + HEARTBEAT_STALE_S < now)
		return 0;
	struct callers c = { cfg->voice_names, now, 0 };
	return store_modem_each(st, now, count_caller, &c) == STORE_OK ? c.n : 0;
}

int notice_unaccented(const char *text)
{
	int replaced = 0;
	free(text_strip(text, &replaced));
	return !text_has_accents(text) && replaced == 0;
}

int notice_sms_policy(int cfg_policy, int unaccented)
{
	return cfg_policy == SMSENC_AUTO && unaccented ? SMSENC_ASCII : cfg_policy;
}

int notice_text_plan(const struct notice_cfg *cfg, const char *text, struct notice_plan *p, char *err,
		     size_t errlen)
{
	memset(p, 0, sizeof *p);
	int tw;
	p->text = text_notice_check_why(text, cfg->max_chars, &tw, &p->why_n, err, errlen);
	if (!p->text) {
		static const int map[] = { [TEXT_CHECK_UTF8] = NOTICE_WHY_TEXT_UTF8,
					   [TEXT_CHECK_CONTROL] = NOTICE_WHY_TEXT_CONTROL,
					   [TEXT_CHECK_UNICODE] = NOTICE_WHY_TEXT_UNICODE,
					   [TEXT_CHECK_EMPTY] = NOTICE_WHY_TEXT_EMPTY,
					   [TEXT_CHECK_LONG] = NOTICE_WHY_TEXT_LONG };
		p->why = tw > 0 && tw < (int)ARRAY_LEN(map) ? map[tw] : NOTICE_WHY_TEXT_UNICODE;
		p->why_max = cfg->max_chars;
		return EXIT_USAGE;
	}
	p->stripped = text_strip(p->text, &p->replaced);
	p->parts_ucs2 = text_sms_parts(p->text, 1);
	p->parts_gsm7 = text_sms_parts(p->stripped, 0);
	p->unaccented = !text_has_accents(p->text) && p->replaced == 0;
	/* "bao" typed without accents is the sender's word, not Loa's guess */
	if (!p->unaccented)
		text_ambiguous(p->stripped, p->ambiguous, sizeof p->ambiguous);
	p->speech_s = estimate_speech_s(p->text, cfg->tts_rate);
	/* ring, greeting, N readings with "I repeat", the key prompt, thanks */
	p->call_s = 15 + 6 + cfg->call_repeats * (p->speech_s + 3) + 8;
	return EXIT_OK;
}

int notice_plan(struct store *st, const struct notice_cfg *cfg, const char *text, const char *targets,
		int channels, int urgent, int64_t due_at, const char *source, struct notice_plan *p, char *err,
		size_t errlen)
{
	int rc = notice_text_plan(cfg, text, p, err, errlen);
	if (rc)
		return rc;
	/* Every named group must exist: a typo must not silently reach nobody. */
	char *copy = xstrdup(targets), *save = NULL;
	int ntargets = 0;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		ntargets++;
		if (!util_streq_ci(t, "all") && !store_group_exists(st, t)) {
			snprintf(err, errlen, "--to: no group '%s' (loa group list shows them)", t);
			p->why = NOTICE_WHY_NO_GROUP;
			snprintf(p->why_group, sizeof p->why_group, "%s", t);
			free(copy);
			return EXIT_USAGE;
		}
	}
	free(copy);
	if (!ntargets) {
		snprintf(err, errlen, "--to: name a group, several separated by commas, or all");
		p->why = NOTICE_WHY_NO_TARGETS;
		return EXIT_USAGE;
	}
	p->targets = xstrdup(targets);
	p->source = xstrdup(source ? source : "cli");
	p->req = (struct notice_req){
		.text = p->text, .targets = p->targets, .channels = channels ? channels : CH_BOTH,
		.urgent = urgent, .due_at = due_at, .source = p->source,
		.sms_policy = notice_sms_policy(cfg->sms_encoding, p->unaccented),
		.parts_ucs2 = p->parts_ucs2, .parts_gsm7 = p->parts_gsm7,
	};
	if (store_notice_preview(st, &p->req, &p->stats) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		p->why = NOTICE_WHY_STORE;
		return EXIT_RUNTIME;
	}
	if (p->stats.sms_ucs2 && p->parts_ucs2 > cfg->sms_max_parts) {
		snprintf(err, errlen, "text needs %d SMS parts in Unicode; the limit is %d (sms.max_parts): shorten it",
			 p->parts_ucs2, cfg->sms_max_parts);
		p->why = NOTICE_WHY_PARTS_UCS2;
		p->why_n = p->parts_ucs2;
		p->why_max = cfg->sms_max_parts;
		return EXIT_USAGE;
	}
	if (p->stats.sms_gsm7 && p->parts_gsm7 > cfg->sms_max_parts) {
		snprintf(err, errlen, "text needs %d SMS parts without accents; the limit is %d (sms.max_parts): shorten it",
			 p->parts_gsm7, cfg->sms_max_parts);
		p->why = NOTICE_WHY_PARTS_GSM7;
		p->why_n = p->parts_gsm7;
		p->why_max = cfg->sms_max_parts;
		return EXIT_USAGE;
	}
	if (p->stats.households == 0) {
		snprintf(err, errlen, "this notice would reach no household (%d opted out, %d without a matching channel)",
			 p->stats.opted_out, p->stats.no_channel);
		p->why = NOTICE_WHY_NO_HOUSEHOLD;
		return EXIT_USAGE;
	}
	p->voice_unaccented = p->unaccented && p->stats.voice > 0;
	p->cost = (long)cfg->sms_part_cost *
		  ((long)p->stats.sms_ucs2 * p->parts_ucs2 + (long)p->stats.sms_gsm7 * p->parts_gsm7);
	p->callers_now = p->stats.voice ? callers_now(st, cfg, clock_wall_s()) : -1;
	/* the gateway's daily SMS budget: what today already used or queued */
	p->budget_need = p->stats.sms_ucs2 * p->parts_ucs2 + p->stats.sms_gsm7 * p->parts_gsm7;
	if (cfg->daily_sms_parts > 0) {
		int sent = 0, queued = 0;
		int64_t now = clock_wall_s();
		if (store_sms_parts_since(st, NULL, now - (int64_t)clock_local_minutes_of_day(now) * 60 - now % 60,
					  &sent) != STORE_OK ||
		    store_sms_parts_queued(st, &queued) != STORE_OK) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			return EXIT_RUNTIME;
		}
		p->budget_used = sent + queued;
		p->over_budget = p->budget_used + p->budget_need > cfg->daily_sms_parts;
	}
	return EXIT_OK;
}

void notice_plan_free(struct notice_plan *p)
{
	free(p->text);
	free(p->stripped);
	free(p->targets);
	free(p->source);
	p->text = p->stripped = p->targets = p->source = NULL;
}

/* "N part" / "N parts": the plural as the language says it */
static const char *parts_words(int n, char *buf, size_t len)
{
	snprintf(buf, len, ngettext("%d part", "%d parts", (unsigned long)n), n);
	return buf;
}

void notice_plan_print(const struct notice_plan *p, const struct notice_cfg *cfg, FILE *out)
{
	const struct fanout_stats *s = &p->stats;
	fprintf(out, _("households: %d"), s->households);
	if (s->opted_out)
		fprintf(out, _(" (%d opted out, skipped)"), s->opted_out);
	if (s->no_channel)
		fprintf(out, _(" (%d have no channel this notice uses, skipped)"), s->no_channel);
	fputc('\n', out);
	char pu[48], pg[48];
	fprintf(out, _("sms: %d messages: %d with accents x %s (Unicode), %d without x %s (GSM 7-bit)\n"), s->sms,
		s->sms_ucs2, parts_words(p->parts_ucs2, pu, sizeof pu), s->sms_gsm7,
		parts_words(p->parts_gsm7, pg, sizeof pg));
	if (s->sms_shared)
		fprintf(out,
			ngettext("sms: %d household shares its phone with another: each gets its own message\n",
				 "sms: %d households share a phone with another: each gets its own message\n",
				 (unsigned long)s->sms_shared),
			s->sms_shared);
	if (s->sms && p->unaccented && p->req.sms_policy == SMSENC_ASCII && cfg->sms_encoding == SMSENC_AUTO)
		fputs(_("sms: the text has no accents: GSM 7-bit for every household\n"), out);
	fprintf(out, _("sms cost: about %ld d (%d d per part)\n"), p->cost, cfg->sms_part_cost);
	if (s->voice) {
		int total = s->voice * p->call_s;
		int modems = cfg->voice_modems;
		fprintf(out, _("calls: %d, about %d s each (notice read %d times, ~%d s per reading); %d min of line time"),
			s->voice, p->call_s, cfg->call_repeats, p->speech_s, (total + 59) / 60);
		if (modems)
			fprintf(out, ngettext(", ~%d min over %d voice modem", ", ~%d min over %d voice modems",
					      (unsigned long)modems),
				(total / modems + 59) / 60, modems);
		fputc('\n', out);
		if (!modems)
			fputs(_("warning: no [modem] section has an audio port: the calls wait until one does,"
				" at most voice.expire_h, then the households are listed for a home visit\n"),
			      out);
		else if (p->callers_now == 0)
			fputs(_("warning: no modem can call right now (loa run is not running, or its voice modems are"
				" not ready or paused: see loa status); the calls wait at most voice.expire_h, then the"
				" households are listed for a home visit\n"),
			      out);
	}
	if (p->over_budget)
		fprintf(out,
			_("warning: today %d of the %d SMS parts a day (gateway.daily_sms_parts) are used or queued; "
			  "this notice needs %d: what does not fit waits until midnight%s\n"),
			p->budget_used, cfg->daily_sms_parts, p->budget_need,
			p->req.budget_override ? _(" (sent anyway: --over-budget)") : _(" (--over-budget sends it anyway)"));
	if ((s->sms_ucs2 && p->parts_ucs2 > 3) || (s->sms_gsm7 && p->parts_gsm7 > 3))
		fputs(_("warning: more than 3 parts; some old phones split or drop long messages\n"), out);
	if (s->sms_gsm7 && p->replaced > 0)
		fprintf(out,
			ngettext("warning: %d character cannot be sent without accents and becomes '?'\n",
				 "warning: %d characters cannot be sent without accents and become '?'\n",
				 (unsigned long)p->replaced),
			p->replaced);
	if (s->sms_gsm7 && p->ambiguous[0])
		fprintf(out, _("warning: without accents these words are ambiguous: %s\n"), p->ambiguous);
	if (p->voice_unaccented && !p->req.audio_path)
		fputs(_("warning: no accents: read aloud, the tones will be wrong; record it instead (--audio)\n"), out);
}

int notice_create(struct store *st, struct notice_plan *p, int64_t *id_out, char *err, size_t errlen)
{
	if (store_notice_create(st, &p->req, id_out, &p->stats, clock_wall_s()) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* ---- `loa notice` ---- */

int notice_parse_at(const char *s, int64_t now, int64_t *at)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%d %H:%M", &tm);
	if (end && !*end) {
		/* "2026-02-31" must not silently become March 3rd */
		int y = tm.tm_year, mo = tm.tm_mon, d = tm.tm_mday, h = tm.tm_hour, mi = tm.tm_min;
		tm.tm_isdst = -1;
		*at = (int64_t)mktime(&tm);
		if (tm.tm_year != y || tm.tm_mon != mo || tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi)
			return NOTICE_AT_FORMAT;
		/* the minute now running still counts as now */
		return *at + 60 <= now ? NOTICE_AT_PAST : 0;
	}
	int m = util_parse_hhmm(s);
	if (m < 0)
		return NOTICE_AT_FORMAT;
	time_t t = (time_t)now;
	localtime_r(&t, &tm);
	tm.tm_hour = m / 60;
	tm.tm_min = m % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*at = (int64_t)mktime(&tm);
	if (*at <= now) {
		tm.tm_mday++;
		tm.tm_isdst = -1;
		*at = (int64_t)mktime(&tm);
	}
	return 0;
}
