/* inbox — see inbox.h.  Replies are unaccented (GSM 7-bit): one cheap part
 * that every phone shows.
 *
 * Three tables carry the policy's shape:
 *   - `commands`: per verb, who may use it, whether it issues or takes a
 *     one-time code (so a locked-out sender is refused), the allowance its
 *     replies come out of, and the function that runs it;
 *   - `allowances`: every reply is of one kind with its own hourly
 *     allowance, so that one kind of traffic (forged chatter, forwards of
 *     strangers) cannot use up another (the code a head's real request
 *     needs).  A reply over its allowance is not queued; the message's
 *     reason says so, and that is what `loa inbox` and the web inbox show;
 *   - `actions`: what a request waiting for its one-time code does once
 *     the right code comes (send a broadcast, cancel a notice, resend one
 *     to the households it has not reached).
 *
 * Wrong codes are counted twice: per request (shortcode.max_wrong drops
 * it) and per sender over every request (store_code_failure: after
 * shortcode.lock_wrong within lock_window_s the sender is locked until
 * `loa sender unlock`).  Every wrong code is answered on the registered
 * number, which the guesser cannot read; so the real head learns of
 * guessing, and the answers stop with the lock-out (then at most one
 * alert an hour), so they cannot be turned into a stream of SMS either. */
#include "domain/inbox.h"

#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "base/clock.h"
#include "base/log.h"
#include "domain/notice.h"
#include "base/phone.h"
#include "domain/replies.h"
#include "domain/report.h"
#include "domain/shortcode.h"
#include "base/text.h"
#include "base/util.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A household's "OK" counts for its SMS sent within this window. */
#define ACK_WINDOW_S (3 * 86400)

enum reply_kind { R_GENERAL, R_SUMMARY, R_COMMAND, R_FORWARD, R_ALERT, R_LOCKED };

/* Hourly allowances.  `limit` is a field of the config (offsetof), or
 * `fixed` when that is 0.  Alerts (a lock-out, at most once per lock) may
 * be two an hour; the reminder that a number is locked only one, and none
 * in the hour of a lock-out alert. */
static const struct allowance {
	const char *kind;      /* outbox.kind */
	const char *counted;   /* the kinds that share the allowance, ",a,b," */
	int per_number;        /* 1: per recipient; 0: every recipient together */
	size_t limit;
	int fixed;
	const char *key;       /* named in the reason when it is used up */
} allowances[] = {
	[R_GENERAL] = { "reply", ",reply,summary,", 1, offsetof(struct inbox_cfg, reply_per_hour), 0,
			"reply_per_hour" },
	[R_SUMMARY] = { "summary", ",reply,summary,", 1, offsetof(struct inbox_cfg, reply_per_hour), 0,
			"reply_per_hour" },
	[R_COMMAND] = { "command", ",command,", 1, offsetof(struct inbox_cfg, command_per_hour), 0,
			"command_per_hour" },
	[R_FORWARD] = { "forward", ",forward,", 0, offsetof(struct inbox_cfg, forward_per_hour), 0,
			"forward_per_hour" },
	[R_ALERT] = { "alert", ",alert,", 1, 0, 2, "alerts" },
	[R_LOCKED] = { "alert", ",alert,", 1, 0, 1, "alerts" },
};

struct ctx {
	struct store *st;
	const struct inbox_cfg *cfg;
	int64_t inbound_id, now;
	char from[24];            /* E.164 */
	enum reply_kind kind;     /* of this message's replies */
	char suppressed[128];     /* the first reply not sent, and why */
	struct inbox_result *res;
	int db_failed;            /* a store write failed: inbox_handle says so */
};

/* A store write whose failure must not pass silently: remembered, so
 * inbox_handle returns -1 and the daemon logs the database's reason. */
static int db(struct ctx *c, int rc)
{
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		c->db_failed = 1;
		LOG_E("inbox", "%s", store_errmsg(c->st));
	}
	return rc;
}

static void decide(struct ctx *c, const char *decision, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void decide(struct ctx *c, const char *decision, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	snprintf(c->res->decision, sizeof c->res->decision, "%s", decision);
	vsnprintf(c->res->reason, sizeof c->res->reason, fmt, ap);
	va_end(ap);
}

/* Queues `text` to `to` as a reply of kind `k`, unless its allowance for
 * the last hour is used up. */
static void queue(struct ctx *c, enum reply_kind k, const char *to, const char *text)
{
	const struct allowance *a = &allowances[k];
	int limit = a->limit ? *(const int *)(const void *)((const char *)c->cfg + a->limit) : a->fixed;
	int n = 0;
	if (store_outbox_count_since(c->st, a->per_number ? to : NULL, a->counted, c->now - 3600, &n) != STORE_OK ||
	    n >= limit) {
		char nat[24];
		phone_national(to, nat, sizeof nat);
		LOG_W("inbox", "%s to %s suppressed: %d in the last hour (%s %d)", a->kind, nat, n, a->key, limit);
		char detail[96];
		snprintf(detail, sizeof detail, "%s to %s: %d in the last hour (%s %d)", a->kind, to, n, a->key, limit);
		db(c, store_event(c->st, "reply_suppressed", 0, 0, 0, NULL, detail, clock_wall_s()));
		if (!c->res->suppressed++)
			snprintf(c->suppressed, sizeof c->suppressed, "%s to %s suppressed: %d %s in the last hour (%s %d)",
				 k == R_FORWARD ? "forward" : "reply", nat, n, a->per_number ? "to it" : "in all",
				 a->key, limit);
		return;
	}
	int rep;
	char *plain = text_strip(text, &rep);
	if (store_outbox_add(c->st, to, plain, a->kind, c->inbound_id, c->now) == STORE_OK)
		c->res->replies++;
	free(plain);
}

static void reply_as(struct ctx *c, enum reply_kind k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reply_as(struct ctx *c, enum reply_kind k, const char *fmt, ...)
{
	char text[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	queue(c, k, c->from, text);
}

/* A reply to the sender, of the kind its command's replies are. */
#define reply(c, ...) reply_as((c), (c)->kind, __VA_ARGS__)

/* Every target must be one of the head's groups (an empty list: all). */
static int allowed(const struct sender *s, const char *targets, char *bad, size_t badlen)
{
	if (!s->groups[0])
		return 1;
	char *copy = xstrdup(targets), *save = NULL;
	int ok = 1;
	for (char *t = strtok_r(copy, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
		int found = 0;
		char *mine = xstrdup(s->groups), *save2 = NULL;
		for (char *g = strtok_r(mine, ", ", &save2); g; g = strtok_r(NULL, ", ", &save2))
			found |= util_streq_ci(g, t);
		free(mine);
		if (!found) {
			snprintf(bad, badlen, "%s", strcmp(t, "all") ? t : "TATCA");
			ok = 0;
		}
	}
	free(copy);
	return ok;
}

static void make_code(char out[16])
{
	snprintf(out, 16, "%06u", (unsigned)randombytes_uniform(1000000));
}

/* The groups `s` may use, as a list fitting `room` septets. */
static void valid_groups(struct ctx *c, const struct sender *s, int room, char *out, size_t n)
{
	reply_valid_groups(c->st, s->groups, room, out, n);
}

/* The typed group codes as the village's, or -1 having replied. */
static int resolve_groups(struct ctx *c, const struct sender *s, const char *typed, char *out, size_t outlen,
			  const char **body)
{
	char why[200], text[REPLY_MAX * 2];
	if (reply_resolve_groups(c->st, s->groups, typed, out, outlen, body, why, sizeof why, text, sizeof text) == 0)
		return 0;
	decide(c, "refused", "%s", why);
	reply(c, "%s", text);
	return -1;
}

/* "24 gio" / "30 phut": a window in the words of a reply. */
static void span_words(int s, char *out, size_t n)
{
	if (s >= 3600)
		snprintf(out, n, "%d gio", (s + 1799) / 3600);
	else
		snprintf(out, n, "%d phut", (s + 59) / 60);
}

/* ---- broadcasts ---- */

static void send_now(struct ctx *c, const struct sender *s, struct notice_plan *plan, int override,
		     int64_t pending_id)
{
	int64_t id = 0;
	char err[256];
	if (override)
		plan->req.budget_override = 1;
	if (notice_create(c->st, plan, &id, err, sizeof err) != 0) {
		decide(c, "refused", "could not create the notice: %s", err);
		reply(c, "Loi: khong tao duoc thong bao. Bao ky thuat vien.");
		return;
	}
	if (pending_id)
		db(c, store_pending_update(c->st, pending_id, "sent", 0, override ? "sent past the budget" : "", id));
	c->res->notice_id = id;
	decide(c, "accepted", "notice %lld created by %s (%s)%s", (long long)id, s->name, s->phone,
	       override ? ", past the daily budget" : "");
	reply(c, "Da gui TB %lld toi %d ho: %d SMS, %d cuoc goi. Xem ket qua: BC %lld", (long long)id,
	      plan->stats.households, plan->stats.sms, plan->stats.voice, (long long)id);
}

/* A plan that fits is sent; one over the budget is held for GUI <code>. */
static void send_or_hold(struct ctx *c, const struct sender *s, struct notice_plan *plan, struct pending *p)
{
	if (plan->over_budget) {
		int used = plan->budget_used, need = plan->budget_need;
		char code[16];
		make_code(code);
		if (p)
			db(c, store_pending_update(c->st, p->id, "superseded", p->wrong, "held for the budget", 0));
		struct pending h = { .sender_id = s->id, .targets = (char *)plan->req.targets,
				     .text = plan->text, .channels = plan->req.channels, .urgent = plan->req.urgent,
				     .created_at = c->now, .expires_at = c->now + c->cfg->confirm_s };
		snprintf(h.code, sizeof h.code, "%s", code);
		snprintf(h.state, sizeof h.state, "held");
		if (db(c, store_pending_add(c->st, &h, NULL)) != STORE_OK) {
			decide(c, "error", "the held request could not be stored");
			return;
		}
		decide(c, "pending", "held: %d SMS parts today + %d would exceed the daily budget of %d", used, need,
		       c->cfg->notice.daily_sms_parts);
		reply(c, "Vuot han muc SMS/ngay (%d+%d/%d phan). Van gui: tra loi GUI %s trong %d phut.",
		      used, need, c->cfg->notice.daily_sms_parts, code, c->cfg->confirm_s / 60);
		return;
	}
	send_now(c, s, plan, 0, p ? p->id : 0);
}

static int plan_for(struct ctx *c, const struct sender *s, const char *text, const char *targets, int channels,
		    int urgent, struct notice_plan *plan)
{
	char err[300], source[40];
	snprintf(source, sizeof source, "sms:%s", c->from);
	int rc = notice_plan(c->st, &c->cfg->notice, text, targets, channels, urgent, 0, source, plan, err, sizeof err);
	if (rc) {
		char list[160], words[200];
		decide(c, "refused", "%s", err);
		valid_groups(c, s, REPLY_MAX - 46, list, sizeof list);
		reply_plan_refused(plan, channels, list, words, sizeof words);
		reply(c, "%s", words);
	}
	return rc;
}

/* `typed_text`: the text was typed after the group (TB), so a group typed
 * in words may run into it; a template's (MAU) may not. */
static void broadcast(struct ctx *c, const struct sender *s, const char *text, int typed_text, const char *typed,
		      int channels, int urgent)
{
	char bad[64], targets[256];
	if (resolve_groups(c, s, typed, targets, sizeof targets, typed_text ? &text : NULL) != 0)
		return;
	if (!allowed(s, targets, bad, sizeof bad)) {
		char list[160];
		decide(c, "refused", "%s may not broadcast to %s", s->name, bad);
		valid_groups(c, s, REPLY_MAX - 58, list, sizeof list);
		reply(c, "Khong duoc gui toi %.24s. Nhom cua ban: %s", bad, list);
		return;
	}
	struct notice_plan plan;
	if (plan_for(c, s, text, targets, channels, urgent, &plan) != 0) {
		notice_plan_free(&plan);
		return;
	}
	if (!s->confirm) {
		send_or_hold(c, s, &plan, NULL);
		notice_plan_free(&plan);
		return;
	}
	struct pending p = { .sender_id = s->id, .targets = (char *)targets, .text = plan.text,
			     .channels = plan.req.channels, .urgent = urgent, .created_at = c->now,
			     .expires_at = c->now + c->cfg->confirm_s };
	make_code(p.code);
	if (store_pending_add(c->st, &p, NULL) != STORE_OK) {
		decide(c, "refused", "database: %s", store_errmsg(c->st));
		notice_plan_free(&plan);
		return;
	}
	char before[40], after[200], text_out[REPLY_MAX * 2];
	snprintf(before, sizeof before, "Xem truoc%s: ", urgent ? " (KHAN)" : "");
	/* a voice notice typed without accents is read with wrong tones: say so */
	snprintf(after, sizeof after, " %d ho, %d SMS x %d phan, %d cuoc goi%s, ~%ldd. Gui: tra loi XN %s trong %d phut.",
		 plan.stats.households, plan.stats.sms, plan.stats.sms_ucs2 ? plan.parts_ucs2 : plan.parts_gsm7,
		 plan.stats.voice, plan.voice_unaccented ? " (" NOTICE_UNACCENTED_SMS ")" : "", plan.cost, p.code,
		 c->cfg->confirm_s / 60);
	reply_with_excerpt(text_out, sizeof text_out, before, plan.text, after);
	decide(c, "pending", "broadcast to %s awaits the one-time code", targets);
	reply(c, "%s", text_out);
	notice_plan_free(&plan);
}

static void confirmed_broadcast(struct ctx *c, const struct sender *s, struct pending *p, int override)
{
	struct notice_plan plan;
	if (plan_for(c, s, p->text, p->targets, p->channels, p->urgent, &plan) == 0) {
		if (override)
			send_now(c, s, &plan, 1, p->id);
		else
			send_or_hold(c, s, &plan, p);
	}
	notice_plan_free(&plan);
}

/* ---- cancels ---- */

/* May `s` cancel (or resend, `resending`) notice `id`?  It must exist, be
 * active, and (a head limited to groups) reach no household outside those
 * groups.  Fills *n (the caller clears it) and *r; on refusal decides and
 * replies. */
static int may_touch(struct ctx *c, const struct sender *s, int64_t id, int resending, struct notice *n,
		     struct notice_reach *r)
{
	const char *en = resending ? "resend" : "cancel", *vi = resending ? "gui lai" : "huy";
	memset(n, 0, sizeof *n);
	if (store_notice_get(c->st, id, n) != STORE_OK) {
		decide(c, "refused", "no notice %lld", (long long)id);
		reply(c, "Khong co TB %lld.", (long long)id);
		return -1;
	}
	if (!strcmp(n->state, "cancelled")) {
		decide(c, "refused", "notice %lld is %s", (long long)id,
		       resending ? "cancelled: it cannot be resent" : "already cancelled");
		reply(c, "TB %lld da bi huy truoc do%s.", (long long)id, resending ? ": khong gui lai duoc" : "");
		return -1;
	}
	if (store_notice_reach(c->st, id, s->groups, r) != STORE_OK) {
		decide(c, "refused", "database: %s", store_errmsg(c->st));
		return -1;
	}
	if (r->outside > 0) {
		decide(c, "refused", "%s may not %s notice %lld: it reaches %d household%s outside their groups (%s)",
		       s->name, en, (long long)id, r->outside, r->outside == 1 ? "" : "s", s->groups);
		reply(c, "Khong duoc %s TB %lld: TB nay gui ca %d ho ngoai nhom cua ban (%.60s).", vi, (long long)id,
		      r->outside, s->groups);
		return -1;
	}
	return 0;
}

static void cancel_now(struct ctx *c, int64_t id, int64_t pending_id)
{
	int n = 0;
	char by[40];
	snprintf(by, sizeof by, "sms:%s", c->from);
	if (store_notice_cancel(c->st, id, by, &n, clock_wall_s()) != STORE_OK) {
		decide(c, "refused", "could not cancel notice %lld: %s", (long long)id, store_errmsg(c->st));
		reply(c, "Loi: khong huy duoc TB %lld. Bao ky thuat vien.", (long long)id);
		return;
	}
	if (pending_id)
		db(c, store_pending_update(c->st, pending_id, "done", 0, "notice cancelled", 0));
	c->res->notice_id = id;
	decide(c, "accepted", "notice %lld cancelled: %d pending", (long long)id, n);
	reply(c, "Da huy TB %lld: %d tin chua gui da dung.", (long long)id, n);
}

/* A cancel or resend of notice `n` waiting for its one-time code: the
 * request, with a fresh code, for the sender's confirmation. */
static void notice_request(struct ctx *c, const struct sender *s, const struct notice *n, const char *action,
			   struct pending *p)
{
	*p = (struct pending){ .sender_id = s->id, .notice_id = n->id, .targets = n->targets, .text = n->text,
			       .channels = n->channels, .urgent = n->urgent, .created_at = c->now,
			       .expires_at = c->now + c->cfg->confirm_s };
	snprintf(p->action, sizeof p->action, "%s", action);
	make_code(p->code);
}

/* Stores the request; the notice is cleared either way.  0, or -1 with
 * the refusal decided (a database error). */
static int request_stored(struct ctx *c, const struct pending *p, struct notice *n)
{
	int rc = store_pending_add(c->st, p, NULL);
	store_notice_clear(n);
	if (rc == STORE_OK)
		return 0;
	decide(c, "refused", "database: %s", store_errmsg(c->st));
	return -1;
}

static void cancel(struct ctx *c, const struct sender *s, int64_t id)
{
	struct notice n;
	struct notice_reach r;
	if (may_touch(c, s, id, 0, &n, &r) != 0) {
		store_notice_clear(&n);
		return;
	}
	if (!s->confirm) {
		store_notice_clear(&n);
		cancel_now(c, id, 0);
		return;
	}
	struct pending p;
	notice_request(c, s, &n, "cancel", &p);
	char before[32], after[120], text_out[REPLY_MAX * 2];
	snprintf(before, sizeof before, "Huy TB %lld ", (long long)id);
	snprintf(after, sizeof after, " (%d ho, %d tin chua gui se dung). Huy: tra loi XN %s trong %d phut.",
		 r.households, r.queued, p.code, c->cfg->confirm_s / 60);
	reply_with_excerpt(text_out, sizeof text_out, before, n.text, after);
	if (request_stored(c, &p, &n) == 0) {
		decide(c, "pending", "cancel of notice %lld awaits the one-time code", (long long)id);
		reply(c, "%s", text_out);
	}
}

static void confirmed_cancel(struct ctx *c, const struct sender *s, struct pending *p, int override)
{
	(void)override;
	struct notice n;
	struct notice_reach r;
	/* checked again: the notice may have been cancelled meanwhile */
	int rc = may_touch(c, s, p->notice_id, 0, &n, &r);
	store_notice_clear(&n);
	if (rc != 0) {
		db(c, store_pending_update(c->st, p->id, "dropped", p->wrong, c->res->reason, 0));
		return;
	}
	cancel_now(c, p->notice_id, p->id);
}

/* ---- resends ---- */

/* May `s` resend notice `id` to the households it has not reached?  As for
 * a cancel: it must exist and be active, and a head limited to groups may
 * touch only notices that reach no household outside them; and there must
 * be someone to resend to.  Fills *n (the caller clears it) and *rs; on
 * refusal decides and replies. */
static int may_resend(struct ctx *c, const struct sender *s, int64_t id, struct notice *n, struct resend_stats *rs)
{
	struct notice_reach r;
	memset(rs, 0, sizeof *rs);
	if (may_touch(c, s, id, 1, n, &r) != 0)
		return -1;
	if (store_resend_preview(c->st, id, NULL, 0, rs, c->now) != STORE_OK) {
		decide(c, "refused", "database: %s", store_errmsg(c->st));
		return -1;
	}
	if (rs->households == 0) {
		decide(c, "refused", "notice %lld: nobody to resend to (%d not reached, %d in progress, %d uncertain)",
		       (long long)id, rs->unreached, rs->pending, rs->uncertain);
		reply(c, "TB %lld: khong co ho nao can gui lai (%d ho chua nhan, %d dang gui, %d chua chac).",
		      (long long)id, rs->unreached, rs->pending, rs->uncertain);
		return -1;
	}
	return 0;
}

static void resend_now(struct ctx *c, int64_t id, int64_t pending_id)
{
	struct resend_stats rs;
	char by[40];
	snprintf(by, sizeof by, "sms:%s", c->from);
	if (store_resend(c->st, id, NULL, 0, by, &rs, clock_wall_s()) != STORE_OK) {
		decide(c, "refused", "could not resend notice %lld: %s", (long long)id, store_errmsg(c->st));
		reply(c, "Loi: khong gui lai duoc TB %lld. Bao ky thuat vien.", (long long)id);
		return;
	}
	if (pending_id)
		db(c, store_pending_update(c->st, pending_id, "done", 0, "notice resent", 0));
	c->res->notice_id = id;
	decide(c, "accepted", "notice %lld resent to %d households: %d sms, %d voice", (long long)id, rs.households,
	       rs.sms, rs.voice);
	reply(c, "Da gui lai TB %lld toi %d ho: %d SMS, %d cuoc goi. Xem ket qua: BC %lld", (long long)id,
	      rs.households, rs.sms, rs.voice, (long long)id);
}

static void resend(struct ctx *c, const struct sender *s, int64_t id)
{
	struct notice n;
	struct resend_stats rs;
	if (may_resend(c, s, id, &n, &rs) != 0) {
		store_notice_clear(&n);
		return;
	}
	if (!s->confirm) {
		store_notice_clear(&n);
		resend_now(c, id, 0);
		return;
	}
	struct pending p;
	notice_request(c, s, &n, "resend", &p);
	char held[48] = "", before[40], after[160], text_out[REPLY_MAX * 2];
	if (rs.uncertain)
		snprintf(held, sizeof held, " (%d tin chua chac: khong gui lai)", rs.uncertain);
	snprintf(before, sizeof before, "Gui lai TB %lld ", (long long)id);
	snprintf(after, sizeof after, " toi %d ho chua nhan: %d SMS, %d cuoc goi%s. Gui: tra loi XN %s trong %d phut.",
		 rs.households, rs.sms, rs.voice, held, p.code, c->cfg->confirm_s / 60);
	reply_with_excerpt(text_out, sizeof text_out, before, n.text, after);
	if (request_stored(c, &p, &n) == 0) {
		decide(c, "pending", "resend of notice %lld to %d households awaits the one-time code", (long long)id,
		       rs.households);
		reply(c, "%s", text_out);
	}
}

static void confirmed_resend(struct ctx *c, const struct sender *s, struct pending *p, int override)
{
	(void)override;
	struct notice n;
	struct resend_stats rs;
	/* checked again: the notice may have been cancelled, or the
	 * households reached, meanwhile */
	int rc = may_resend(c, s, p->notice_id, &n, &rs);
	store_notice_clear(&n);
	if (rc != 0) {
		db(c, store_pending_update(c->st, p->id, "dropped", p->wrong, c->res->reason, 0));
		return;
	}
	resend_now(c, p->notice_id, p->id);
}

/* ---- the one-time code ---- */

static const struct action {
	const char *name;      /* pending_broadcasts.action */
	const char *keyword;   /* the command to send again */
	void (*confirmed)(struct ctx *c, const struct sender *s, struct pending *p, int override);
} actions[] = {
	{ "broadcast", "TB", confirmed_broadcast },
	{ "cancel", "HUY", confirmed_cancel },
	{ "resend", "GUI LAI", confirmed_resend },
};

static const struct action *action_of(const struct pending *p)
{
	for (size_t i = 0; i < ARRAY_LEN(actions); i++)
		if (!strcmp(actions[i].name, p->action))
			return &actions[i];
	return &actions[0];
}

static void wrong_code(struct ctx *c, const struct sender *s, struct pending *p, int override)
{
	const struct inbox_cfg *cfg = c->cfg;
	int wrong = p->wrong + 1, in_window = 0, locked = 0;
	int drop = wrong >= cfg->max_wrong;
	if (store_code_failure(c->st, s->id, c->now, cfg->lock_window_s, cfg->lock_wrong, &in_window,
			       &locked) != STORE_OK)
		LOG_E("inbox", "recording a wrong code: %s", store_errmsg(c->st));
	db(c, store_pending_update(c->st, p->id, drop || locked ? "dropped" : p->state, wrong,
				   locked ? "sender locked after wrong codes" : drop ? "too many wrong codes" : "wrong code",
				   0));
	char span[16];
	span_words(cfg->lock_window_s, span, sizeof span);
	if (locked) {
		char nat[24];
		phone_national(s->phone, nat, sizeof nat);
		decide(c, "refused", "wrong code (%d of %d): %d wrong codes within %d s: %s locked out until "
		       "`loa sender unlock %s`", wrong, cfg->max_wrong, in_window, cfg->lock_window_s, s->name, nat);
		db(c, store_event(c->st, "sender_locked", 0, 0, 0, NULL, s->phone, clock_wall_s()));
		LOG_W("inbox", "sender %s (%s) locked out: %d wrong codes within %d s", nat, s->name, in_window,
		      cfg->lock_window_s);
		reply_as(c, R_ALERT, "Co nguoi nhap sai ma %d lan trong %s: so nay bi khoa lenh TB/MAU/HUY/XN/GUI. "
			 "Van phong mo khoa bang: loa sender unlock %s", in_window, span, nat);
		return;
	}
	decide(c, "refused", "wrong code (%d of %d)%s; %d of %d within %d s before the lock-out", wrong,
	       cfg->max_wrong, drop ? ": request dropped" : "", in_window, cfg->lock_wrong, cfg->lock_window_s);
	if (drop)
		reply(c, "Co nguoi nhap sai ma %d lan: yeu cau da bi huy. Neu khong phai ban, bao van phong.", wrong);
	else if (!override && !strcmp(p->state, "held"))
		reply(c, "Yeu cau dang cho vuot han muc: tra loi GUI <ma>.");
	else
		reply(c, "Sai ma (lan %d/%d). Neu ban khong nhap ma nay, co nguoi dang doan ma: bao van phong.", wrong,
		      cfg->max_wrong);
}

static void confirm(struct ctx *c, const struct sender *s, const char *code, int override)
{
	struct pending p;
	if (store_pending_open(c->st, s->id, &p) != STORE_OK) {
		decide(c, "refused", "no request awaiting a code");
		reply(c, "Khong co yeu cau nao dang cho ma.");
		return;
	}
	const struct action *a = action_of(&p);
	if (c->now > p.expires_at) {
		db(c, store_pending_update(c->st, p.id, "expired", p.wrong, "code expired", 0));
		decide(c, "refused", "code expired (request %lld)", (long long)p.id);
		reply(c, "Ma da het han. Gui lai lenh %s.", a->keyword);
	} else if (strcmp(code, p.code) != 0 || (override != !strcmp(p.state, "held"))) {
		wrong_code(c, s, &p, override);
	} else {
		a->confirmed(c, s, &p, override);
	}
	store_pending_clear(&p);
}

/* ---- commands from registered senders ---- */

static void run_help(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	(void)s, (void)cmd;
	decide(c, "accepted", "help");
	reply(c, "%s", sc_help_text());
}

static void run_summary(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	(void)s;
	int64_t id = cmd->id;
	char sum[200];
	struct notice n = { 0 };
	int exists = (id || store_notice_latest(c->st, &id) == STORE_OK) && store_notice_get(c->st, id, &n) == STORE_OK;
	store_notice_clear(&n);
	if (!exists || report_summary(c->st, id, sum, sizeof sum) != STORE_OK) {
		decide(c, "refused", "no notice %lld", (long long)id);
		if (id)
			reply(c, "Khong co TB %lld.", (long long)id);
		else
			reply(c, "Chua co TB nao.");
		return;
	}
	decide(c, "accepted", "summary of notice %lld", (long long)id);
	reply(c, "%s", sum);
}

static void run_broadcast(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	char *body = xstrndup(cmd->body, cmd->body_len);
	broadcast(c, s, body, 1, cmd->targets, cmd->channels, cmd->urgent);
	free(body);
}

static void run_template(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	char *tpl = NULL;
	if (store_template_get(c->st, cmd->code, &tpl) != STORE_OK) {
		decide(c, "refused", "no template %s", cmd->code);
		reply(c, "Khong co mau %s.", cmd->code);
		return;
	}
	broadcast(c, s, tpl, 0, cmd->targets, cmd->channels, cmd->urgent);
	free(tpl);
}

static void run_confirm(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	confirm(c, s, cmd->code, cmd->verb == SC_OVERRIDE);
}

static void run_cancel(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	cancel(c, s, cmd->id);
}

static void run_resend(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	resend(c, s, cmd->id);
}

/* Not a command: a keyword whose arguments do not fit is shown how to
 * write it ("HUY -1" is never notice 1); anything else gets the hint. */
static void run_none(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	(void)s;
	const char *missing = cmd->verb == SC_NONE ? sc_missing_text(cmd->missing) : NULL;
	if (missing) {
		decide(c, "refused", "%s without its %s: want %s", sc_verb_name(cmd->near),
		       cmd->missing == SC_MISS_TEXT ? "text" : cmd->missing == SC_MISS_GROUP ? "group"
		       : cmd->missing == SC_MISS_ID ? "notice number" : "code", sc_usage(cmd->near));
		reply(c, "%s. Dung: %s", missing, sc_usage(cmd->near));
		return;
	}
	if (cmd->verb == SC_NONE && cmd->near != SC_NONE) {
		decide(c, "refused", "malformed %s: want %s", sc_verb_name(cmd->near), sc_usage(cmd->near));
		reply(c, "Sai cu phap. Dung: %s", sc_usage(cmd->near));
		return;
	}
	decide(c, "refused", "not a command");
	reply(c, "Khong hieu lenh. Gui TROGIUP de xem cac lenh.");
}

static const struct command {
	enum reply_kind kind;  /* the allowance its replies come out of */
	int head_only;         /* officers are refused */
	int uses_code;         /* issues or takes a one-time code: refused while locked out */
	void (*run)(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd);
} commands[] = {
	[SC_NONE] = { R_GENERAL, 1, 0, run_none },
	[SC_BROADCAST] = { R_COMMAND, 1, 1, run_broadcast },
	[SC_TEMPLATE] = { R_COMMAND, 1, 1, run_template },
	[SC_CANCEL] = { R_COMMAND, 1, 1, run_cancel },
	[SC_SUMMARY] = { R_SUMMARY, 0, 0, run_summary },
	[SC_HELP] = { R_GENERAL, 0, 0, run_help },
	[SC_CONFIRM] = { R_COMMAND, 1, 1, run_confirm },
	[SC_OVERRIDE] = { R_COMMAND, 1, 1, run_confirm },
	[SC_OPTOUT] = { R_GENERAL, 1, 0, run_none }, /* a sender who is not a household */
	[SC_OPTIN] = { R_GENERAL, 1, 0, run_none },
	[SC_ACK] = { R_GENERAL, 1, 0, run_none },
	[SC_RESEND] = { R_COMMAND, 1, 1, run_resend },
};

static void from_sender(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd)
{
	/* a malformed command is judged as the command it tried to be */
	enum sc_verb v = cmd->verb != SC_NONE ? cmd->verb : cmd->near;
	const struct command *k = (unsigned)v < ARRAY_LEN(commands) ? &commands[v] : &commands[SC_NONE];
	c->kind = k->kind;
	if (k->head_only && strcmp(s->role, "head") != 0) {
		decide(c, "refused", "%s is an officer: only BC and TROGIUP", s->name);
		reply(c, "Can bo chi dung duoc BC va TROGIUP.");
		return;
	}
	if (k->uses_code && s->locked_at) {
		char when[32], nat[24];
		clock_format_local(s->locked_at, when, sizeof when);
		phone_national(s->phone, nat, sizeof nat);
		decide(c, "refused", "%s is locked out after wrong codes since %s: `loa sender unlock %s` at the office",
		       s->name, when, nat);
		reply_as(c, R_LOCKED, "So nay dang bi khoa lenh TB/MAU/HUY/XN/GUI vi nhap sai ma nhieu lan. "
			 "Lien he van phong de mo khoa.");
		return;
	}
	(cmd->verb == SC_NONE ? run_none : k->run)(c, s, cmd);
}

/* ---- households and strangers ---- */

/* The active households a number belongs to (first or second phone): a
 * phone may be shared, a son's for two parents. */
struct households {
	int n;
	int64_t id[8];           /* the first ones, by id */
};

static int add_household(const struct household *h, void *arg)
{
	struct households *hs = arg;
	if (hs->n < (int)ARRAY_LEN(hs->id))
		hs->id[hs->n] = h->id;
	hs->n++;
	return 0;
}

/* "12" or "12, 15, 31" (and ", ..." past those kept). */
static void ids_words(const struct households *hs, char *out, size_t n)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < hs->n && i < (int)ARRAY_LEN(hs->id) && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%lld", i ? ", " : "", (long long)hs->id[i]);
	if (hs->n > (int)ARRAY_LEN(hs->id) && len < n)
		snprintf(out + len, n - len, ", ...");
}

/* An opt-out or opt-in acts on the number's household.  A number several
 * households share is not one household's to speak for: nothing changes,
 * and the phone is told to ask the village head (who can change each
 * household at the office) -- silencing a household that did not ask is
 * worse than one more notice.  0 when exactly one household is concerned. */
static int shared_refused(struct ctx *c, const struct households *hs, const char *what, const char *vi)
{
	if (hs->n == 1)
		return 0;
	char ids[96];
	ids_words(hs, ids, sizeof ids);
	decide(c, "refused", "%s from a number %d households share (%s): applied to none; the number is asked to tell"
	       " the village head which", what, hs->n, ids);
	reply(c, "So nay nhan tin cho %d ho. Chua %s: de %s cho ho nao, xin bao truong thon.", hs->n, vi, vi);
	return 1;
}

static void from_household(struct ctx *c, const struct households *hs, const struct sc_cmd *cmd)
{
	c->kind = R_GENERAL;
	int64_t id = hs->id[0];
	switch (cmd->verb) {
	case SC_OPTOUT:
		if (shared_refused(c, hs, "opt-out", "ngung nhan"))
			return;
		if (db(c, store_household_set_optout(c->st, id, 1, clock_wall_s())) != STORE_OK) {
			decide(c, "error", "household %lld: the opt-out could not be written", (long long)id);
			return; /* no "done" reply for what was not done */
		}
		decide(c, "accepted", "household %lld opted out of non-urgent notices", (long long)id);
		reply(c, "Da ngung nhan thong bao thuong (van nhan tin khan). Nhan lai: DANGKY");
		return;
	case SC_OPTIN:
		if (shared_refused(c, hs, "opt-in", "dang ky lai"))
			return;
		if (db(c, store_household_set_optout(c->st, id, 0, clock_wall_s())) != STORE_OK) {
			decide(c, "error", "household %lld: the opt-in could not be written", (long long)id);
			return;
		}
		decide(c, "accepted", "household %lld opted back in", (long long)id);
		reply(c, "Da dang ky nhan thong bao lai. Cam on.");
		return;
	case SC_ACK: {
		/* the number's word only: a sender number can be forged, so the
		 * delivery keeps its state and the household its place on the
		 * visit list; reports show it as acknowledged.  It is the
		 * number's, whichever household it sent the SMS for: every
		 * delivery of its latest notice to this number */
		int64_t nid = 0;
		int n = 0;
		if (db(c, store_sms_ack(c->st, c->from, c->now, ACK_WINDOW_S, &nid, &n)) != STORE_OK) {
			decide(c, "error", "number %s: the acknowledgement could not be written", c->from);
			return;
		}
		c->res->notice_id = nid;
		if (nid && hs->n > 1)
			decide(c, "accepted", "the number %d households share says it received notice %lld (%d SMS"
			       " acknowledged, not delivered)", hs->n, (long long)nid, n);
		else if (nid)
			decide(c, "accepted", "household %lld says it received notice %lld (acknowledged, not delivered)",
			       (long long)id, (long long)nid);
		else
			decide(c, "stored", "acknowledgement with no recent SMS");
		return; /* never answered: an "OK" must not start a conversation */
	}
	default:
		if (hs->n > 1) {
			char ids[96];
			ids_words(hs, ids, sizeof ids);
			decide(c, "stored", "message from the number households %s share", ids);
		} else {
			decide(c, "stored", "message from household %lld", (long long)id);
		}
		return;
	}
}

/* Forwards to shortcode.forward_unknown, out of its own allowance (all
 * strangers together), so strangers can neither flood that phone nor use
 * up the replies it gets as a sender. */
static void forward_unknown(struct ctx *c, const char *text)
{
	const char *to = c->cfg->forward_unknown;
	struct phone p;
	if (!to[0] || phone_normalise(to, &p) != PHONE_MOBILE || !strcmp(p.e164, c->from))
		return;
	char nat[20], msg[200];
	phone_national(c->from, nat, sizeof nat);
	char *plain = text_strip(text, NULL);
	snprintf(msg, sizeof msg, "Tin tu %s: %.120s", nat, plain);
	free(plain);
	queue(c, R_FORWARD, p.e164, msg);
}

int inbox_handle(struct store *st, const struct inbox_cfg *cfg, int64_t inbound_id, const char *sender,
		 const char *text, int64_t now, struct inbox_result *res)
{
	memset(res, 0, sizeof *res);
	struct ctx c = { .st = st, .cfg = cfg, .inbound_id = inbound_id, .now = now, .res = res };
	struct phone ph;
	if (phone_normalise(sender, &ph) != PHONE_MOBILE) {
		/* carriers' service messages, alphanumeric senders, short codes */
		snprintf(c.from, sizeof c.from, "%.23s", sender);
		decide(&c, "ignored", "sender '%s' is not a mobile number: never answered", c.from);
	} else {
		snprintf(c.from, sizeof c.from, "%s", ph.e164);
		struct sc_cmd cmd;
		sc_parse(text, &cmd);
		struct sender s;
		struct households hs = { 0 };
		int is_household = db(&c, store_household_each_by_phone(st, c.from, add_household, &hs)) == STORE_OK &&
				   hs.n > 0;
		int household_verb = cmd.verb == SC_OPTOUT || cmd.verb == SC_OPTIN || cmd.verb == SC_ACK;
		if (store_sender_by_phone(st, c.from, &s) == STORE_OK && !(household_verb && is_household)) {
			from_sender(&c, &s, &cmd);
		} else if (is_household) {
			from_household(&c, &hs, &cmd);
			if (!strcmp(res->decision, "stored"))
				forward_unknown(&c, text);
		} else {
			decide(&c, "ignored", "unregistered sender: stored, never answered");
			forward_unknown(&c, text);
		}
	}
	if (res->suppressed) {
		size_t len = strlen(res->reason);
		snprintf(res->reason + len, sizeof res->reason - len, "; %s", c.suppressed);
	}
	if (inbound_id)
		db(&c, store_inbound_decide(st, inbound_id, res->decision, res->reason));
	char detail[320];
	snprintf(detail, sizeof detail, "from %s: %s: %s", c.from, res->decision, res->reason);
	db(&c, store_event(st, "inbound", res->notice_id, 0, 0, NULL, detail, clock_wall_s()));
	LOG_I("inbox", "sms %lld %s", (long long)inbound_id, detail);
	return c.db_failed ? -1 : 0;
}
