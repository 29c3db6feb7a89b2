/* report — see report.h (the command is app/cmd_report.c). */
#include "domain/report.h"

#include "db/channel.h"
#include "domain/cause.h"

#include "base/clock.h"
#include "base/phone.h"
#include "domain/sheet.h"
#include "base/text.h"
#include "base/util.h"
#include "base/i18n.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct counts {
	FILE *out;
	const char *channel;
	int total, reached, pending, acked;
	struct sbuf line;
};

static void flush_channel(struct counts *c)
{
	if (!c->channel)
		return;
	fprintf(c->out, _("%-6s %4d total, %d reached%s: %s"), c->channel, c->total, c->reached,
		c->pending ? _(" (in progress)") : "", c->line.s ? c->line.s : "");
	/* an "OK" by SMS is the number's word, not a delivery report */
	if (c->acked)
		fprintf(c->out, _("; %d acknowledged by SMS (not counted as reached)"), c->acked);
	fputc('\n', c->out);
	sbuf_reset(&c->line);
	c->total = c->reached = c->pending = c->acked = 0;
}

static int count_row(const struct report_count *rc, void *arg)
{
	struct counts *c = arg;
	if (!c->channel || strcmp(c->channel, rc->channel) != 0) {
		flush_channel(c);
		/* the table's own id: rc's strings do not outlive the row */
		const struct channel *ch = channel_find(rc->channel);
		c->channel = ch ? ch->id : "?";
	}
	sbuf_printf(&c->line, "%s%s %d", c->line.len ? ", " : "", rc->state, rc->n);
	c->total += rc->n;
	if (channel_state_reached(rc->state))
		c->reached += rc->n;
	c->pending += rc->pending;
	c->acked += rc->acked;
	return 0;
}

struct unreached {
	FILE *out;
	int n, pending, acked;
	enum cause_lang lang;
	int verbose;
};

static int print_unreached(const struct report_row *r, void *arg)
{
	struct unreached *u = arg;
	if (r->pending) {
		u->pending++;
		return 0;
	}
	char nat[20], second[96] = "";
	phone_national(r->phone, nat, sizeof nat);
	fputs("  ", u->out);
	text_fpad(u->out, r->name, 24);
	text_fpad(u->out, nat, 12);
	text_fpad(u->out, r->groups, 16);
	text_fpad(u->out, r->state, 18);
	u->acked += r->acked;
	char words[512];
	cause_words(r->state, r->last_error, u->lang, words, sizeof words);
	/* a second phone is a number to call on the visit round too */
	if (r->phone2[0]) {
		char nat2[20];
		phone_national(r->phone2, nat2, sizeof nat2);
		snprintf(second, sizeof second, r->phone_idx ? _(" (second phone %s: tried too)") : _(" (second phone %s)"),
			 nat2);
	}
	util_fline(u->out, "%s%s%s%s%s%s%s", r->acked ? _("acknowledged by SMS") : "", r->acked && words[0] ? "; " : "",
		   words, second, u->verbose && r->last_error[0] ? " [" : "", u->verbose ? r->last_error : "",
		   u->verbose && r->last_error[0] ? "]" : "");
	u->n++;
	return 0;
}

int report_notice_text(struct store *st, int64_t notice_id, FILE *out)
{
	return report_notice_text_in(st, notice_id, CAUSE_EN, 0, out);
}

int report_notice_text_in(struct store *st, int64_t notice_id, enum cause_lang lang, int verbose, FILE *out)
{
	struct notice n;
	int rc = store_notice_get(st, notice_id, &n);
	if (rc)
		return rc;
	char when[32];
	clock_format_local(n.created_at, when, sizeof when);
	fprintf(out, _("Notice %lld  %s  to %s%s%s\n"), (long long)n.id, when, n.targets, n.urgent ? _("  URGENT") : "",
		strcmp(n.state, "cancelled") == 0 ? _("  (cancelled)") : "");
	util_fline(out, "%s", n.text);
	fputc('\n', out);
	store_notice_clear(&n);
	struct counts c = { .out = out };
	sbuf_init(&c.line);
	rc = store_report_counts(st, notice_id, count_row, &c, clock_wall_s());
	flush_channel(&c);
	sbuf_free(&c.line);
	if (rc)
		return rc;
	/* households, whatever the channel: an SMS, a call or a visit reaches one */
	struct report_reach rr;
	if ((rc = store_report_reach(st, notice_id, &rr, clock_wall_s())) != STORE_OK)
		return rc;
	fprintf(out, _("households %d: %d reached"), rr.households, rr.reached);
	if (rr.visited)
		fprintf(out, _(" (%d told in person)"), rr.visited);
	if (rr.pending)
		fprintf(out, _(", %d in progress"), rr.pending);
	fprintf(out, _(", %d not reached\n"), rr.unreached);
	struct unreached u = { out, 0, 0, 0, lang, verbose };
	fputs(_("\nNot reached — visit in person:\n"), out);
	rc = store_report_unreached(st, notice_id, print_unreached, &u, clock_wall_s());
	if (u.n == 0)
		fputs(_("  (none)\n"), out);
	else
		fprintf(out,
			ngettext("%d household not reached (state per channel; 'uncertain': the modem may have sent it)\n",
				 "%d households not reached (state per channel; 'uncertain': the modem may have sent it)\n",
				 (unsigned long)u.n),
			u.n);
	if (u.acked)
		fprintf(out, _("%d of them answered OK by SMS: a sender number can be forged, so check in person\n"),
			u.acked);
	if (u.pending)
		fprintf(out, ngettext("%d household still in progress\n", "%d households still in progress\n",
				      (unsigned long)u.pending),
			u.pending);
	return rc;
}

/* "cause" is the raw text machines read; "cause_vi", added after the
 * others so they keep their places, the officers' words (Vietnamese
 * whatever the locale: the CSV is the same for everyone); then the
 * household's address and the note: an officer's note on a visit
 * delivery, or on the visit list (unreached rows) the household's own.
 * "phone" is the number the delivery used (on the visit list, the
 * household's first); "phone_no", after them, says which of the
 * household's phones that is (1 or 2; on the visit list 2 when the second
 * was tried too) and "phone2" is the household's second phone ("" none). */
static const char *const csv_cols[] = { "notice", "household", "name", "phone", "groups", "channel", "state",
					"reached", "attempts", "updated", "modem", "cause", "keys", "acked",
					"cause_vi", "address", "note", "phone_no", "phone2" };

static int csv_row(const struct report_row *r, void *arg)
{
	char nat[20], nat2[20], when[32], nid[24], hid[24], att[16];
	phone_national(r->phone, nat, sizeof nat);
	phone_national(r->phone2, nat2, sizeof nat2);
	clock_format_local(r->updated_at, when, sizeof when);
	snprintf(nid, sizeof nid, "%lld", (long long)r->notice_id);
	snprintf(hid, sizeof hid, "%lld", (long long)r->household_id);
	snprintf(att, sizeof att, "%d", r->attempts);
	int reached = store_states_any_reached(r->state);
	char words[512];
	cause_words(r->state, r->last_error, CAUSE_VI, words, sizeof words);
	const char *f[] = { nid, hid, r->name, nat, r->groups, r->channel, r->state, reached ? "yes" : "no",
			    att, when, r->modem, r->last_error, r->keys, r->acked ? "yes" : "no", words,
			    r->address ? r->address : "", r->note ? r->note : "", r->phone_idx ? "2" : "1", nat2 };
	sheet_write_row(arg, f, (int)ARRAY_LEN(f));
	return 0;
}

/* The visit list holds only households whose deliveries are all over. */
static int csv_unreached_row(const struct report_row *r, void *arg)
{
	return r->pending ? 0 : csv_row(r, arg);
}

int report_notice_csv(struct store *st, int64_t notice_id, int unreached_only, FILE *out)
{
	struct notice n;
	int rc = store_notice_get(st, notice_id, &n);
	if (rc)
		return rc;
	store_notice_clear(&n);
	sheet_write_bom(out);
	sheet_write_row(out, csv_cols, (int)ARRAY_LEN(csv_cols));
	return unreached_only ? store_report_unreached(st, notice_id, csv_unreached_row, out, clock_wall_s())
			      : store_report_deliveries(st, notice_id, csv_row, out);
}

struct history {
	FILE *out;
	enum cause_lang lang;
	int verbose;
};

static int history_row(const struct report_row *r, void *arg)
{
	const struct history *hi = arg;
	FILE *out = hi->out;
	char when[32];
	clock_format_local(r->updated_at, when, sizeof when);
	char head[64];
	snprintf(head, sizeof head, "%s", r->notice_text);
	/* do not cut a UTF-8 sequence in half */
	size_t len = strlen(head);
	while (len > 0 && ((unsigned char)head[len - 1] & 0xC0) == 0x80)
		len--;
	if (len > 0 && (unsigned char)head[len - 1] >= 0xC0)
		len--;
	if (strlen(r->notice_text) > len)
		head[len] = '\0';
	for (char *p = head; *p; p++)
		if (*p == '\n')
			*p = ' ';
	char words[512];
	cause_words(r->state, r->last_error, hi->lang, words, sizeof words);
	/* the tail: acknowledged, and the number when it was the second phone */
	char tail[128], nat[20];
	phone_national(r->phone, nat, sizeof nat);
	snprintf(tail, sizeof tail, "%s", r->acked ? _("  (acknowledged by SMS)") : "");
	if (r->phone_idx) {
		size_t at = strlen(tail);
		snprintf(tail + at, sizeof tail - at, _("  (second phone %s)"), nat);
	}
	util_fline(out, _("  notice %-4lld %-6s %-10s attempts %d  %s  %s%s%s%s%s%s%s"), (long long)r->notice_id,
		   r->channel, r->state, r->attempts, when, head, words[0] ? "  — " : "", words,
		   hi->verbose && r->last_error[0] ? " [" : "", hi->verbose ? r->last_error : "",
		   hi->verbose && r->last_error[0] ? "]" : "", tail);
	return 0;
}

int report_household_text(struct store *st, int64_t household_id, FILE *out)
{
	return report_household_text_in(st, household_id, CAUSE_EN, 0, out);
}

int report_household_text_in(struct store *st, int64_t household_id, enum cause_lang lang, int verbose, FILE *out)
{
	struct household h;
	int rc = store_household_get(st, household_id, &h);
	if (rc)
		return rc;
	char nat[20];
	phone_national(h.phone, nat, sizeof nat);
	if (h.phone2[0]) {
		char nat2[20];
		phone_national(h.phone2, nat2, sizeof nat2);
		util_fline(out, _("Household %lld: %s, %s, second phone %s, groups: %s"), (long long)h.id, h.name, nat,
			   nat2, h.groups);
	} else {
		util_fline(out, _("Household %lld: %s, %s, groups: %s"), (long long)h.id, h.name, nat, h.groups);
	}
	struct history hi = { out, lang, verbose };
	return store_report_household(st, household_id, history_row, &hi);
}

int report_household_csv(struct store *st, int64_t household_id, FILE *out)
{
	struct household h;
	int rc = store_household_get(st, household_id, &h);
	if (rc)
		return rc;
	sheet_write_bom(out);
	sheet_write_row(out, csv_cols, (int)ARRAY_LEN(csv_cols));
	return store_report_household(st, household_id, csv_row, out);
}

struct summary {
	int sms, sms_ok, voice, voice_ok, visit, pending;
};

static int sum_row(const struct report_count *c, void *arg)
{
	struct summary *s = arg;
	if (strcmp(c->channel, "visit") == 0) {
		s->visit += c->n; /* told in person: counted apart, never as a call */
		return 0;
	}
	int sms = strcmp(c->channel, "sms") == 0;
	*(sms ? &s->sms : &s->voice) += c->n;
	if (channel_state_reached(c->state))
		*(sms ? &s->sms_ok : &s->voice_ok) += c->n;
	s->pending += c->pending;
	return 0;
}

struct nunreached {
	int n;
};

static int count_unreached(const struct report_row *r, void *arg)
{
	if (!r->pending)
		((struct nunreached *)arg)->n++;
	return 0;
}

int report_summary(struct store *st, int64_t notice_id, char *buf, size_t len)
{
	struct summary s = { 0 };
	struct nunreached u = { 0 };
	int rc = store_report_counts(st, notice_id, sum_row, &s, clock_wall_s());
	if (!rc)
		rc = store_report_unreached(st, notice_id, count_unreached, &u, clock_wall_s());
	if (rc)
		return rc;
	char visits[32] = "";
	if (s.visit)
		snprintf(visits, sizeof visits, ", %d bao tan nha", s.visit);
	snprintf(buf, len, "TB %lld: SMS %d/%d nhan, goi %d/%d nghe%s, %d dang gui, %d ho chua nhan (can den tan nha)",
		 (long long)notice_id, s.sms_ok, s.sms, s.voice_ok, s.voice, visits, s.pending, u.n);
	return STORE_OK;
}
