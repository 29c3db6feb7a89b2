/* inbox — see inbox.h.  Replies are unaccented (GSM 7-bit): one cheap part
 * that every phone shows. */
#include "gateway/inbox.h"

#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/notice.h"
#include "gateway/phone.h"
#include "gateway/report.h"
#include "gateway/shortcode.h"
#include "gateway/text.h"
#include "gateway/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A household's "OK" counts for its SMS sent within this window. */
#define ACK_WINDOW_S (3 * 86400)

struct ctx {
	struct store *st;
	const struct loa_config *cfg;
	int64_t inbound_id, now;
	char from[24];            /* E.164 */
	struct inbox_result *res;
};

static void decide(struct ctx *c, const char *decision, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void decide(struct ctx *c, const char *decision, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	snprintf(c->res->decision, sizeof c->res->decision, "%s", decision);
	vsnprintf(c->res->reason, sizeof c->res->reason, fmt, ap);
	va_end(ap);
}

/* Queues a reply unless this number had its hourly share already. */
static void reply(struct ctx *c, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reply(struct ctx *c, const char *kind, const char *fmt, ...)
{
	int n = 0;
	store_outbox_count_since(c->st, c->from, c->now - 3600, &n);
	if (n >= c->cfg->sc_reply_per_hour) {
		LOG_W("inbox", "reply to %s suppressed: %d replies in the last hour", c->from, n);
		store_event(c->st, "reply_suppressed", 0, 0, 0, NULL, c->from);
		return;
	}
	char text[480];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	int rep;
	char *plain = text_strip(text, &rep);
	if (store_outbox_add(c->st, c->from, plain, kind, c->inbound_id, c->now) == STORE_OK)
		c->res->replies++;
	free(plain);
}

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

static void send_now(struct ctx *c, const struct sender *s, struct notice_plan *plan, int override,
		     int64_t pending_id)
{
	int64_t id = 0;
	char err[256];
	if (override)
		plan->req.budget_override = 1;
	if (notice_create(c->st, plan, &id, err, sizeof err) != 0) {
		decide(c, "refused", "could not create the notice: %s", err);
		reply(c, "reply", "Loi: khong tao duoc thong bao. Bao ky thuat vien.");
		return;
	}
	if (pending_id)
		store_pending_update(c->st, pending_id, "sent", 0, override ? "sent past the budget" : "", id);
	c->res->notice_id = id;
	decide(c, "accepted", "notice %lld created by %s (%s)%s", (long long)id, s->name, s->phone,
	       override ? ", past the daily budget" : "");
	reply(c, "reply", "Da gui TB %lld toi %d ho: %d SMS, %d cuoc goi. Xem ket qua: BC %lld", (long long)id,
	      plan->stats.households, plan->stats.sms, plan->stats.voice, (long long)id);
}

/* A plan that fits is sent; one over the budget is held for GUI <code>. */
static void send_or_hold(struct ctx *c, const struct sender *s, struct notice_plan *plan, struct pending *p)
{
	if (plan->over_budget) {
		int used = plan->budget_used, need = plan->budget_need;
		char code[16];
		make_code(code);
		if (p) {
			snprintf(p->code, sizeof p->code, "%s", code);
			store_pending_update(c->st, p->id, "superseded", p->wrong, "held for the budget", 0);
		}
		struct pending h = { .sender_id = s->id, .targets = (char *)plan->req.targets,
				     .text = plan->text, .channels = plan->req.channels, .urgent = plan->req.urgent,
				     .created_at = c->now, .expires_at = c->now + c->cfg->sc_confirm_s };
		snprintf(h.code, sizeof h.code, "%s", code);
		snprintf(h.state, sizeof h.state, "held");
		store_pending_add(c->st, &h, NULL);
		decide(c, "pending", "held: %d SMS parts today + %d would exceed the daily budget of %d", used, need,
		       c->cfg->daily_sms_parts);
		reply(c, "reply", "Vuot han muc SMS/ngay (%d+%d/%d phan). Van gui: tra loi GUI %s trong %d phut.",
		      used, need, c->cfg->daily_sms_parts, code, c->cfg->sc_confirm_s / 60);
		return;
	}
	send_now(c, s, plan, 0, p ? p->id : 0);
}

static int plan_for(struct ctx *c, const char *text, const char *targets, int channels, int urgent,
		    struct notice_plan *plan)
{
	char err[300], source[40];
	snprintf(source, sizeof source, "sms:%s", c->from);
	int rc = notice_plan(c->st, c->cfg, text, targets, channels, urgent, 0, source, plan, err, sizeof err);
	if (rc) {
		decide(c, "refused", "%s", err);
		reply(c, "reply", "Khong gui duoc: %s", err);
	}
	return rc;
}

static void broadcast(struct ctx *c, const struct sender *s, const char *text, const char *targets, int channels,
		      int urgent)
{
	char bad[64];
	if (!allowed(s, targets, bad, sizeof bad)) {
		decide(c, "refused", "%s may not broadcast to %s", s->name, bad);
		reply(c, "reply", "Khong duoc gui toi %s. Nhom cua ban: %s", bad, s->groups);
		return;
	}
	struct notice_plan plan;
	if (plan_for(c, text, targets, channels, urgent, &plan) != 0) {
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
			     .expires_at = c->now + c->cfg->sc_confirm_s };
	make_code(p.code);
	if (store_pending_add(c->st, &p, NULL) != STORE_OK) {
		decide(c, "refused", "database: %s", store_errmsg(c->st));
		notice_plan_free(&plan);
		return;
	}
	char head[64];
	int rep;
	char *plain = text_strip(plan.text, &rep);
	snprintf(head, sizeof head, "%.40s%s", plain, strlen(plain) > 40 ? "..." : "");
	free(plain);
	decide(c, "pending", "broadcast to %s awaits the one-time code", targets);
	reply(c, "reply", "Xem truoc%s: \"%s\" %d ho, %d SMS x %d phan, %d cuoc goi, ~%ldd. Gui: tra loi XN %s trong %d phut.",
	      urgent ? " (KHAN)" : "", head, plan.stats.households, plan.stats.sms,
	      plan.stats.sms_ucs2 ? plan.parts_ucs2 : plan.parts_gsm7, plan.stats.voice, plan.cost, p.code,
	      c->cfg->sc_confirm_s / 60);
	notice_plan_free(&plan);
}

static void confirm(struct ctx *c, const struct sender *s, const char *code, int override)
{
	struct pending p;
	if (store_pending_open(c->st, s->id, &p) != STORE_OK) {
		decide(c, "refused", "no broadcast awaiting a code");
		reply(c, "reply", "Khong co yeu cau nao dang cho ma.");
		return;
	}
	if (c->now > p.expires_at) {
		store_pending_update(c->st, p.id, "expired", p.wrong, "code expired", 0);
		decide(c, "refused", "code expired (request %lld)", (long long)p.id);
		reply(c, "reply", "Ma da het han. Gui lai lenh TB.");
	} else if (strcmp(code, p.code) != 0 || (override != !strcmp(p.state, "held"))) {
		int wrong = p.wrong + 1;
		int drop = wrong >= c->cfg->sc_max_wrong;
		store_pending_update(c->st, p.id, drop ? "dropped" : p.state, wrong,
				     drop ? "too many wrong codes" : "wrong code", 0);
		decide(c, "refused", "wrong code (%d of %d)%s", wrong, c->cfg->sc_max_wrong,
		       drop ? ": request dropped" : "");
		if (drop)
			reply(c, "reply", "Sai ma %d lan: yeu cau da bi huy.", wrong);
		else if (!override && !strcmp(p.state, "held"))
			reply(c, "reply", "Yeu cau dang cho vuot han muc: tra loi GUI <ma>.");
		else
			reply(c, "reply", "Sai ma. Con %d lan thu.", c->cfg->sc_max_wrong - wrong);
	} else {
		struct notice_plan plan;
		if (plan_for(c, p.text, p.targets, p.channels, p.urgent, &plan) == 0) {
			if (override)
				send_now(c, s, &plan, 1, p.id);
			else
				send_or_hold(c, s, &plan, &p);
		}
		notice_plan_free(&plan);
	}
	store_pending_clear(&p);
}

static void from_sender(struct ctx *c, const struct sender *s, const struct sc_cmd *cmd, const char *text)
{
	int head = strcmp(s->role, "head") == 0;
	switch (cmd->verb) {
	case SC_HELP:
		decide(c, "accepted", "help");
		reply(c, "reply", "%s", sc_help_text());
		return;
	case SC_SUMMARY: {
		int64_t id = cmd->id;
		char sum[200];
		if ((!id && store_notice_latest(c->st, &id) != STORE_OK) ||
		    report_summary(c->st, id, sum, sizeof sum) != STORE_OK) {
			decide(c, "refused", "no notice %lld", (long long)id);
			reply(c, "reply", "Khong co thong bao %lld.", (long long)id);
			return;
		}
		decide(c, "accepted", "summary of notice %lld", (long long)id);
		reply(c, "summary", "%s", sum);
		return;
	}
	default:
		break;
	}
	if (!head) {
		decide(c, "refused", "%s is an officer: only BC and TROGIUP", s->name);
		reply(c, "reply", "Can bo chi dung duoc BC va TROGIUP.");
		return;
	}
	switch (cmd->verb) {
	case SC_BROADCAST: {
		char *body = xstrndup(cmd->body, cmd->body_len);
		broadcast(c, s, body, cmd->targets, cmd->channels, cmd->urgent);
		free(body);
		return;
	}
	case SC_TEMPLATE: {
		char *tpl = NULL;
		if (store_template_get(c->st, cmd->code, &tpl) != STORE_OK) {
			decide(c, "refused", "no template %s", cmd->code);
			reply(c, "reply", "Khong co mau %s.", cmd->code);
			return;
		}
		broadcast(c, s, tpl, cmd->targets, cmd->channels, cmd->urgent);
		free(tpl);
		return;
	}
	case SC_CONFIRM:
	case SC_OVERRIDE:
		confirm(c, s, cmd->code, cmd->verb == SC_OVERRIDE);
		return;
	case SC_CANCEL: {
		int n = 0;
		char by[40];
		snprintf(by, sizeof by, "sms:%s", c->from);
		if (store_notice_cancel(c->st, cmd->id, by, &n) != STORE_OK) {
			decide(c, "refused", "no notice %lld", (long long)cmd->id);
			reply(c, "reply", "Khong co thong bao %lld.", (long long)cmd->id);
			return;
		}
		c->res->notice_id = cmd->id;
		decide(c, "accepted", "notice %lld cancelled: %d pending", (long long)cmd->id, n);
		reply(c, "reply", "Da huy TB %lld: %d tin chua gui da dung.", (long long)cmd->id, n);
		return;
	}
	default:
		decide(c, "refused", "not a command");
		(void)text;
		reply(c, "reply", "Khong hieu lenh. Gui TROGIUP de xem cac lenh.");
		return;
	}
}

static void from_household(struct ctx *c, const struct household *h, const struct sc_cmd *cmd)
{
	switch (cmd->verb) {
	case SC_OPTOUT:
		store_household_set_optout(c->st, h->id, 1);
		decide(c, "accepted", "household %lld opted out of non-urgent notices", (long long)h->id);
		reply(c, "reply", "Da ngung nhan thong bao thuong (van nhan tin khan). Nhan lai: DANGKY");
		return;
	case SC_OPTIN:
		store_household_set_optout(c->st, h->id, 0);
		decide(c, "accepted", "household %lld opted back in", (long long)h->id);
		reply(c, "reply", "Da dang ky nhan thong bao lai. Cam on.");
		return;
	case SC_ACK: {
		int64_t nid = 0;
		store_sms_ack(c->st, h->id, c->now, ACK_WINDOW_S, &nid);
		c->res->notice_id = nid;
		if (nid)
			decide(c, "accepted", "household %lld acknowledged notice %lld", (long long)h->id, (long long)nid);
		else
			decide(c, "stored", "acknowledgement with no recent SMS");
		return; /* never answered: an "OK" must not start a conversation */
	}
	default:
		decide(c, "stored", "message from household %lld", (long long)h->id);
		return;
	}
}

static void forward_unknown(struct ctx *c, const char *text)
{
	const char *to = c->cfg->sc_forward_unknown;
	struct phone p;
	if (!to[0] || phone_normalise(to, &p) != PHONE_MOBILE || !strcmp(p.e164, c->from))
		return;
	char save[24];
	snprintf(save, sizeof save, "%s", c->from);
	snprintf(c->from, sizeof c->from, "%s", p.e164); /* the rate limit is the head's */
	char nat[20];
	phone_national(save, nat, sizeof nat);
	reply(c, "forward", "Tin tu %s: %.120s", nat, text);
	snprintf(c->from, sizeof c->from, "%s", save);
}

int inbox_handle(struct store *st, const struct loa_config *cfg, int64_t inbound_id, const char *sender,
		 const char *text, int64_t now, struct inbox_result *res)
{
	memset(res, 0, sizeof *res);
	struct ctx c = { st, cfg, inbound_id, now, "", res };
	struct phone ph;
	if (phone_normalise(sender, &ph) != PHONE_MOBILE) {
		/* carriers' service messages, alphanumeric senders, short codes */
		snprintf(c.from, sizeof c.from, "%.23s", sender);
		decide(&c, "ignored", "sender '%s' is not a mobile number: never answered", sender);
	} else {
		snprintf(c.from, sizeof c.from, "%s", ph.e164);
		struct sc_cmd cmd;
		sc_parse(text, &cmd);
		struct sender s;
		struct household h;
		int is_household = store_household_by_phone(st, c.from, &h) == STORE_OK;
		int household_verb = cmd.verb == SC_OPTOUT || cmd.verb == SC_OPTIN || cmd.verb == SC_ACK;
		if (store_sender_by_phone(st, c.from, &s) == STORE_OK && !(household_verb && is_household)) {
			from_sender(&c, &s, &cmd, text);
		} else if (is_household) {
			from_household(&c, &h, &cmd);
			if (!strcmp(res->decision, "stored"))
				forward_unknown(&c, text);
		} else {
			decide(&c, "ignored", "unregistered sender: stored, never answered");
			forward_unknown(&c, text);
		}
	}
	if (inbound_id)
		store_inbound_decide(st, inbound_id, res->decision, res->reason);
	char detail[320];
	snprintf(detail, sizeof detail, "from %s: %s: %s", c.from, res->decision, res->reason);
	store_event(st, "inbound", res->notice_id, 0, 0, NULL, detail);
	LOG_I("inbox", "sms %lld %s", (long long)inbound_id, detail);
	return 0;
}
