/* drv_sms_out — the SMS out channel driver: a delivery or a short-code
 * reply claimed by a worker, encoded (modem/codec.c) and sent with AT+CMGS
 * part by part as the pacing allows, the verdict of modem/submit.c carried
 * into the store; multipart messages of a modem gone for good unpinned; the
 * daily part budget counted from midnight; deliveries past sms.expire_h
 * expired.  Which modem claims when is domain/sched.c's.
 *
 *  - A delivery is `sending` from its claim until the modem's final answer.
 *    If that answer is lost after the PDU went out (timeout, port gone,
 *    crash) the delivery becomes `uncertain` and is never re-sent; if it is
 *    lost before the PDU went out, the delivery goes back to the queue.
 *  - Multipart messages keep their concatenation reference (deliveries.
 *    sms_ref) and resume at the first part not yet accepted, on the modem
 *    that sent the first parts (sms_pin), so a phone never gets a part
 *    twice nor parts from two numbers.
 *  - A household's number that refuses the message (cms.c CAUSE_HOUSEHOLD)
 *    sends it to the household's second phone, whole, when it has one
 *    (store_sms_second_phone); a SIM's fault never does. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_health.h"
#include "db/store_shortcode.h"
#include "domain/sched.h"
#include "modem/cms.h"
#include "modem/submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t daemon_retry_delay_s(int retry_s, int attempt)
{
	int64_t d = retry_s;
	for (int i = 1; i < attempt && d < 86400; i++)
		d *= 2;
	return d > 86400 ? 86400 : d;
}

static void job_done(struct worker *dm, const char *why)
{
	store_sms_job_clear(&dm->job);
	dm->reply_id = 0;
	dm->part = 0;
	memset(&dm->enc, 0, sizeof dm->enc);
	worker_move(dm, W_IDLE, why);
}

static void reply_done(struct worker *dm, int ok, int mr, const char *error)
{
	struct daemon *d = dm->d;
	if (ok)
		LOG_I(dm->sub, "reply %lld: sent to %s (mr=%d)", (long long)dm->reply_id, dm->reply_to, mr);
	else
		LOG_W(dm->sub, "reply %lld to %s: %s", (long long)dm->reply_id, dm->reply_to, error);
	if (store_outbox_done(d->st, dm->reply_id, ok, mr, error ? error : "", d->pol.sms_retries, clock_wall_s()) !=
	    STORE_OK)
		LOG_E(dm->sub, "reply %lld: %s", (long long)dm->reply_id, store_errmsg(d->st));
	job_done(dm, ok ? "reply sent" : "reply failed");
}

static void job_release(struct worker *dm, const char *cause)
{
	if (dm->reply_id) {
		reply_done(dm, 0, -1, cause);
		return;
	}
	struct sms_job *j = &dm->job;
	LOG_I(dm->sub, "delivery %lld notice %lld: back to the queue (%s)", (long long)j->delivery_id,
	      (long long)j->notice_id, cause);
	if (store_sms_release(dm->d->st, j, dm->cfg->name, cause, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
	job_done(dm, "released");
}

static void job_retry(struct worker *dm, const char *cause)
{
	struct daemon *d = dm->d;
	struct sms_job *j = &dm->job;
	int give_up = j->attempts > d->pol.sms_retries;
	int64_t next = clock_wall_s() + daemon_retry_delay_s(d->pol.sms_retry_s, j->attempts);
	char why[256];
	snprintf(why, sizeof why, "%s%s", cause, give_up ? " (retries spent)" : "");
	if (give_up)
		LOG_W(dm->sub, "delivery %lld notice %lld: failed: %s", (long long)j->delivery_id, (long long)j->notice_id, why);
	else
		LOG_I(dm->sub, "delivery %lld notice %lld: %s; retry %d in %llds", (long long)j->delivery_id,
		      (long long)j->notice_id, cause, j->attempts, (long long)(next - clock_wall_s()));
	if (store_sms_retry(d->st, j, dm->cfg->name, why, next, give_up, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
	job_done(dm, "queued for a retry");
}

static void job_fail(struct worker *dm, const char *cause)
{
	struct sms_job *j = &dm->job;
	LOG_W(dm->sub, "delivery %lld notice %lld: failed: %s", (long long)j->delivery_id, (long long)j->notice_id, cause);
	if (store_sms_fail(dm->d->st, j, dm->cfg->name, cause, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
	job_done(dm, "failed");
}

/* The household's number refused the message (cms.c CAUSE_HOUSEHOLD:
 * unassigned, barred, unknown, out of service, full) on its first phone:
 * it goes to the household's second phone, when there is one, instead of
 * failing or waiting for a retry on a number that refused it.  1 if it
 * moved.  Never for the SIM's or the network's causes (those pause the
 * modem and keep the delivery where it is) nor for a transient one. */
static int job_second_phone(struct worker *dm, const struct at_result *r, const char *cause)
{
	struct sms_job *j = &dm->job;
	if (r->final != AT_R_CMS || cms_owner(r->code) != CAUSE_HOUSEHOLD || j->phone_idx != 0)
		return 0;
	char to[24] = "";
	int rc = store_sms_second_phone(dm->d->st, j, dm->cfg->name, cause, clock_wall_s(), to, sizeof to);
	if (rc == STORE_NOTFOUND)
		return 0; /* no second phone: fail or retry as for anyone */
	if (rc != STORE_OK) {
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
		return 0;
	}
	LOG_I(dm->sub, "delivery %lld notice %lld: first phone %s failed: %s; trying the second phone %s",
	      (long long)j->delivery_id, (long long)j->notice_id, j->phone, cause, to);
	job_done(dm, "moved to the second phone");
	return 1;
}

static void job_uncertain(struct worker *dm, const char *cause)
{
	struct sms_job *j = &dm->job;
	LOG_W(dm->sub, "delivery %lld notice %lld: uncertain: %s", (long long)j->delivery_id, (long long)j->notice_id,
	      cause);
	if (store_sms_uncertain(dm->d->st, j, dm->cfg->name, cause, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
	job_done(dm, "uncertain");
}

/* ---- a SIM that cannot send: pause the modem, not the households ---- */

/* SIM-level failures in a row that pause a modem, and its back-off:
 * [sms] pause_s (5 min), doubling up to 12 times that while it keeps
 * failing. */
enum { SIM_FAILS_TO_PAUSE = 3, PAUSE_MAX_FACTOR = 12 };

static void sim_failed(struct worker *dm, const struct at_result *r, const char *cause)
{
	struct daemon *d = dm->d;
	if (++dm->sim_fails < SIM_FAILS_TO_PAUSE)
		return;
	int64_t s = d->pol.sms_pause_s, most = (int64_t)d->pol.sms_pause_s * PAUSE_MAX_FACTOR;
	for (int i = 0; i < dm->pauses && s < most; i++)
		s *= 2;
	if (s > most)
		s = most;
	dm->pauses++;
	int64_t now = clock_mono_ms(), wall = clock_wall_s();
	dm->paused_until_ms = now + s * 1000;
	if (!dm->unready_since)
		dm->unready_since = now; /* multipart messages pinned here may move on */
	struct cause c = r->final == AT_R_CME ? cme_cause(r->code) : cms_cause(r->code);
	snprintf(dm->pause_reason, sizeof dm->pause_reason, "%s (%s)", c.vi, cause);
	char until[32], text[400], key[48];
	clock_format_local(wall + s, until, sizeof until);
	LOG_W(dm->sub, "paused for %llds after %d SIM-level failures in a row: %s; its deliveries go to the other "
		       "modems", (long long)s, dm->sim_fails, cause);
	daemon_db_log(d, dm->sub, "modem pause", store_modem_pause(d->st, dm->cfg->name, wall + s, dm->pause_reason,
								   wall));
	snprintf(text, sizeof text, "Modem %s tạm dừng đến %s: %s. Các modem khác gửi thay.", dm->cfg->name,
		 until + 11, c.vi);
	snprintf(key, sizeof key, "paused:%s", dm->cfg->name);
	daemon_problem(d, key, text);
	dm->balance_at_ms = now; /* ask the SIM's balance when it can */
}

static void sim_ok(struct worker *dm)
{
	dm->sim_fails = 0;
	if (!dm->pauses)
		return;
	dm->pauses = 0;
	dm->paused_until_ms = 0;
	dm->pause_reason[0] = '\0';
	LOG_I(dm->sub, "sends again: resumed after its pause");
	daemon_db_log(dm->d, dm->sub, "modem pause", store_modem_pause(dm->d->st, dm->cfg->name, 0, "", clock_wall_s()));
	char key[48];
	snprintf(key, sizeof key, "paused:%s", dm->cfg->name);
	daemon_problem_over(dm->d, key);
}

/* ---- sending ---- */

static void on_cmgs(struct at_modem *m, const struct at_result *r, void *arg);

static void send_part(struct worker *dm)
{
	const struct codec_part *p = &dm->enc.part[dm->part];
	if (at_cmgs(dm->at, p->tpdu_len, p->hex, CMGS_TIMEOUT_MS, on_cmgs, dm) != 0) {
		job_release(dm, "modem not ready");
		return;
	}
	worker_move(dm, dm->reply_id ? W_REPLY_SUBMIT : W_SMS_SUBMIT, "AT+CMGS");
	dm->free_at_ms = clock_mono_ms() + dm->cfg->min_interval_ms;
}

static void on_cmgs(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct worker *dm = arg;
	struct daemon *d = dm->d;
	if (!worker_submitting(dm)) {
		LOG_E(dm->sub, "+CMGS answer in state %s dropped", worker_state_name(dm->state));
		return;
	}
	char cause[200];
	enum submit_verdict v = submit_outcome(r, d->stopping, cause, sizeof cause);
	if (dm->reply_id) {
		/* a reply is sent or not: the outbox counts its own retries */
		int mr = -1;
		if (v != SUBMIT_ACCEPTED) {
			reply_done(dm, 0, -1, cause);
			if (v == SUBMIT_SIM)
				sim_failed(dm, r, cause);
			return;
		}
		sim_ok(dm);
		const char *l = strstr(r->lines, "+CMGS:");
		if (l)
			at_parse_cmgs(l, &mr);
		dm->parts_today++;
		d->gw_parts_today++;
		if (++dm->part < dm->enc.n) {
			worker_move(dm, W_REPLY, "reply part accepted");
			return;
		}
		reply_done(dm, 1, mr, NULL);
		return;
	}
	struct sms_job *j = &dm->job;
	switch (v) {
	case SUBMIT_ACCEPTED:
		sim_ok(dm);
		break;
	case SUBMIT_RETRY:
		if (!job_second_phone(dm, r, cause))
			job_retry(dm, cause);
		return;
	case SUBMIT_FAIL:
		if (!job_second_phone(dm, r, cause))
			job_fail(dm, cause);
		return;
	case SUBMIT_UNCERTAIN:
		/* never moved to the household's second phone: the network may
		 * well have taken it for the first, and a household is better
		 * visited than sent the notice twice */
		job_uncertain(dm, cause);
		return;
	case SUBMIT_RELEASE:
		job_release(dm, cause);
		return;
	case SUBMIT_SIM:
		/* the SIM's or the network's fault, not the household's: the
		 * delivery goes back to the queue for another modem */
		job_release(dm, cause);
		sim_failed(dm, r, cause);
		return;
	}
	int mr = -1;
	const char *l = strstr(r->lines, "+CMGS:");
	if (!l || at_parse_cmgs(l, &mr) != 0)
		LOG_W(dm->sub, "delivery %lld: OK without +CMGS reference", (long long)j->delivery_id);
	if (store_sms_part_sent(d->st, j, dm->cfg->name, dm->part + 1, dm->enc.n, mr, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
	dm->parts_today++;
	d->gw_parts_today++;
	LOG_D(dm->sub, "delivery %lld notice %lld: part %d/%d accepted, mr=%d", (long long)j->delivery_id,
	      (long long)j->notice_id, dm->part + 1, dm->enc.n, mr);
	if (++dm->part < dm->enc.n) {
		worker_move(dm, W_SMS, "part accepted"); /* next part when the pacing allows */
		return;
	}
	if (store_sms_sent(d->st, j, dm->cfg->name, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
	else
		LOG_I(dm->sub, "delivery %lld notice %lld: sent to %s (%d part%s, %s, mr=%d)",
		      (long long)j->delivery_id, (long long)j->notice_id, j->phone, dm->enc.n,
		      dm->enc.n > 1 ? "s" : "", j->ucs2 ? "ucs2" : "gsm7", mr);
	job_done(dm, "sent");
}

/* Encodes the claimed delivery; 0 when there is something to send. */
static int prepare(struct worker *dm)
{
	struct daemon *d = dm->d;
	struct sms_job *j = &dm->job;
	enum codec_coding coding = j->ucs2 ? CODEC_UCS2 : CODEC_GSM7;
	char *text;
	if (!j->ucs2) {
		int replaced = 0;
		text = text_strip(j->text, &replaced);
		if (replaced || !text_is_gsm7(text)) {
			LOG_W(dm->sub, "delivery %lld notice %lld: %d character(s) do not fit GSM 7-bit even stripped;"
			      " sending Unicode", (long long)j->delivery_id, (long long)j->notice_id, replaced);
			free(text);
			text = xstrdup(j->text);
			coding = CODEC_UCS2;
		}
	} else {
		text = xstrdup(j->text);
	}
	if (text_sms_parts(text, coding == CODEC_UCS2) > 1 && j->ref == 0 &&
	    store_sms_assign_ref(d->st, j->delivery_id, &j->ref) != STORE_OK) {
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
		free(text);
		job_release(dm, "database error");
		return -1;
	}
	int rc = codec_encode_submit(text, j->phone, coding, j->ref ? j->ref : 1, d->pol.sms_max_parts, 1, &dm->enc);
	if (rc == CODEC_ENOTGSM7) {
		free(text);
		text = xstrdup(j->text);
		coding = CODEC_UCS2;
		rc = codec_encode_submit(text, j->phone, coding, j->ref ? j->ref : 1, d->pol.sms_max_parts, 1, &dm->enc);
	}
	free(text);
	if (rc != CODEC_OK) {
		char why[160];
		if (rc == CODEC_ETOOLONG)
			snprintf(why, sizeof why, "the notice needs more than sms.max_parts = %d SMS parts",
				 d->pol.sms_max_parts);
		else
			snprintf(why, sizeof why, "cannot encode for %s: %s", j->phone, codec_strerror(rc));
		job_fail(dm, why);
		return -1;
	}
	j->ucs2 = coding == CODEC_UCS2;
	dm->part = j->parts_sent;
	if (dm->part >= dm->enc.n) {
		/* every part went out before an interruption */
		if (store_sms_sent(d->st, j, dm->cfg->name, clock_wall_s()) != STORE_OK)
			LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
		job_done(dm, "every part already sent");
		return -1;
	}
	if (dm->part > 0)
		LOG_I(dm->sub, "delivery %lld notice %lld: resuming at part %d/%d (ref %d)", (long long)j->delivery_id,
		      (long long)j->notice_id, dm->part + 1, dm->enc.n, j->ref);
	return 0;
}

/* Claims one delivery for `dm`; 1 if it started, 0 if nothing was due. */
static int claim(struct worker *dm, const struct sched_action *a)
{
	struct daemon *d = dm->d;
	int flags = (a->urgent_only ? SMS_CLAIM_URGENT : 0) | (a->override_only ? SMS_CLAIM_OVERRIDE : 0);
	int rc = store_sms_claim(d->st, dm->cfg->name, clock_wall_s(), flags, a->max_parts, &dm->job);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK) {
		LOG_E(dm->sub, "claim: %s", store_errmsg(d->st));
		return 0;
	}
	worker_move(dm, W_SMS, "delivery claimed");
	LOG_D(dm->sub, "delivery %lld notice %lld: claimed (attempt %d)", (long long)dm->job.delivery_id,
	      (long long)dm->job.notice_id, dm->job.attempts);
	if (prepare(dm) == 0 && clock_mono_ms() >= dm->free_at_ms)
		send_part(dm);
	return 1;
}

/* Starts the oldest queued short-code reply on `dm`; 1 if one was taken.
 * Replies go before deliveries and outside the scheduler's quiet hours:
 * they answer someone who has just written to us. */
static int claim_reply(struct worker *dm)
{
	struct daemon *d = dm->d;
	struct outbox_msg om;
	memset(&om, 0, sizeof om);
	if (store_outbox_claim(d->st, dm->cfg->name, &om) != STORE_OK)
		return 0;
	dm->reply_id = om.id;
	worker_move(dm, W_REPLY, "reply claimed");
	snprintf(dm->reply_to, sizeof dm->reply_to, "%s", om.to);
	enum codec_coding coding = text_is_gsm7(om.text) ? CODEC_GSM7 : CODEC_UCS2;
	int ref = 0, rc;
	if (text_sms_parts(om.text, coding == CODEC_UCS2) > 1)
		daemon_db_log(d, dm->sub, "reply reference", store_sms_assign_ref(d->st, 0, &ref));
	/* a reply asks for no status report: nothing would match it */
	rc = codec_encode_submit(om.text, om.to, coding, ref ? ref : 1, d->pol.sms_max_parts, 0, &dm->enc);
	store_outbox_clear(&om);
	if (rc != CODEC_OK) {
		reply_done(dm, 0, -1, codec_strerror(rc));
		return 1;
	}
	dm->part = 0;
	if (clock_mono_ms() >= dm->free_at_ms)
		send_part(dm);
	return 1;
}

/* ---- multipart messages of a lost modem ---- */

/* A multipart message is finished by the modem that started it (sms_pin).
 * When that modem is gone for good (FAILED, or not ready for
 * sms.resume_wait_s) its messages are sent whole again elsewhere. */
static void unpin_lost(struct daemon *d, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		struct worker *dm = &d->m[i];
		enum at_state st = at_state(dm->at);
		if (st == AT_READY && !worker_paused(dm)) {
			dm->unready_since = 0;
			dm->unpinned = 0;
			continue;
		}
		if (!dm->unready_since)
			dm->unready_since = now;
		if (dm->unpinned || (st != AT_FAILED && now - dm->unready_since < (int64_t)d->pol.sms_resume_wait_s * 1000))
			continue;
		dm->unpinned = 1;
		char why[96];
		snprintf(why, sizeof why, "modem %s is gone (%s for %llds)", dm->cfg->name,
			 worker_paused(dm) ? "paused" : at_state_name(st), (long long)((now - dm->unready_since) / 1000));
		int n = 0;
		if (store_sms_unpin(d->st, dm->cfg->name, clock_wall_s(), &n) != STORE_OK)
			LOG_E(dm->sub, "%s", store_errmsg(d->st));
		else if (n)
			LOG_W(dm->sub, "%s: %d multipart SMS it had started will be sent whole again from another"
				       " modem (the phones may also hold the parts it sent)", why, n);
	}
}

/* Daemon start: messages pinned to a modem that is not configured (or not
 * enabled) any more. */
static void unpin_unconfigured(struct daemon *d)
{
	char names[LOA_MAX_MODEMS * 2][32];
	int n = 0;
	if (store_sms_pinned_modems(d->st, names, (int)ARRAY_LEN(names), &n) != STORE_OK)
		return;
	for (int k = 0; k < n; k++) {
		int found = 0;
		for (int i = 0; i < d->n; i++)
			found |= !strcmp(d->m[i].cfg->name, names[k]);
		if (found)
			continue;
		char why[128];
		int c = 0;
		snprintf(why, sizeof why, "modem %.31s is not enabled in the configuration", names[k]);
		if (store_sms_unpin(d->st, names[k], clock_wall_s(), &c) == STORE_OK && c)
			LOG_W("daemon", "%s: %d multipart SMS it had started will be sent whole again", why, c);
	}
}

static void day_rollover(struct daemon *d, int64_t wall)
{
	int64_t start = wall - (int64_t)clock_local_minutes_of_day(wall) * 60 - wall % 60;
	if (start == d->day_start_s)
		return;
	d->day_start_s = start;
	d->budget_logged = 0;
	daemon_db_log(d, "daemon", "parts sent today", store_sms_parts_since(d->st, NULL, start, &d->gw_parts_today));
	for (int i = 0; i < d->n; i++)
		daemon_db_log(d, d->m[i].sub, "parts sent today",
		       store_sms_parts_since(d->st, d->m[i].cfg->name, start, &d->m[i].parts_today));
}


/* ---- the driver ---- */

static void so_open(struct daemon *d)
{
	unpin_unconfigured(d);
}

static void so_modem_state(struct worker *w, int ready)
{
	if (!ready && worker_holds_sms(w) && !worker_submitting(w))
		job_release(w, "modem left the ready state");
}

static void so_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	int64_t wall = clock_wall_s();
	day_rollover(d, wall);
	if (now >= d->sms_expire_at && !d->time_held) {
		int n = 0;
		if (store_sms_expire(d->st, wall, (int64_t)d->pol.sms_expire_h * 3600, &n) == STORE_OK && n)
			LOG_W("daemon", "%d SMS deliveries expired (not sent within sms.expire_h = %d)", n,
			      d->pol.sms_expire_h);
		d->sms_expire_at = now + EXPIRE_EVERY_MS;
	}
	unpin_lost(d, now);
	/* continue multipart messages as the pacing allows */
	for (int i = 0; i < d->n && !d->stopping; i++) {
		struct worker *w = &d->m[i];
		if ((w->state != W_SMS && w->state != W_REPLY) || !worker_ready(w))
			continue;
		if (now >= w->free_at_ms)
			send_part(w);
		else if (w->free_at_ms < *wake)
			*wake = w->free_at_ms;
	}
	/* short-code replies first */
	for (int i = 0; i < d->n && !d->stopping; i++) {
		struct worker *w = &d->m[i];
		if (worker_idle(w) && now >= w->free_at_ms)
			claim_reply(w);
	}
}

static void so_plan_in(struct daemon *d, struct sched_in *in)
{
	in->gw_parts_today = d->gw_parts_today;
	in->gw_daily_parts = d->pol.daily_sms_parts;
	in->max_parts = d->pol.sms_max_parts;
	int quiet = sched_is_quiet(in->minute_of_day, in->quiet_start, in->quiet_end);
	int64_t t;
	if (store_sms_next_due(d->st, 0, &t) == STORE_OK) {
		in->due_s = t;
		if (quiet) {
			if (store_sms_next_due(d->st, SMS_CLAIM_URGENT, &t) == STORE_OK)
				in->due_urgent_s = t;
		} else {
			in->due_urgent_s = in->due_s;
		}
		if (in->gw_daily_parts && in->gw_parts_today >= in->gw_daily_parts &&
		    store_sms_next_due(d->st, SMS_CLAIM_OVERRIDE | (quiet ? SMS_CLAIM_URGENT : 0), &t) == STORE_OK)
			in->due_override_s = t;
	}
	for (int i = 0; i < d->n; i++) {
		const struct worker *w = &d->m[i];
		in->modems[i].ready = worker_ready(w) && !worker_paused(w);
		in->modems[i].busy = w->state != W_IDLE;
		in->modems[i].free_at_ms = w->free_at_ms;
		in->modems[i].parts_today = w->parts_today;
		in->modems[i].daily_parts = w->cfg->daily_parts;
	}
}

static void so_claim(struct daemon *d, const struct sched_out *out, int64_t now)
{
	if (out->budget_spent && !d->budget_logged) {
		LOG_W("daemon", "daily SMS budget reached (%d parts today; gateway.daily_sms_parts = %d,"
			  " and each modem's daily_parts): queued SMS wait until midnight, except notices"
			  " sent past the gateway's budget (GUI <code>, --over-budget)",
		      d->gw_parts_today, d->pol.daily_sms_parts);
		d->budget_logged = 1;
	}
	for (int i = 0; i < out->n; i++) {
		if (!claim(&d->m[out->act[i].modem], &out->act[i])) {
			/* due by next_at but nothing claimable (budget, cancelled):
			 * do not spin */
			d->claim_pause_until = now + CLAIM_PAUSE_MS;
			break;
		}
	}
}

static void so_modem_close(struct worker *w)
{
	if (worker_holds_sms(w) && !worker_submitting(w))
		job_release(w, "daemon stopping");
}

/* Stopping: what is held but not being submitted goes back to the queue;
 * an AT+CMGS in flight is waited for. */
static void so_stop(struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		so_modem_close(&d->m[i]);
}

static int so_in_flight(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (worker_holds_sms(&d->m[i]))
			return 1;
	return 0;
}

const struct channel_driver drv_sms_out = {
	.name = "sms_out",
	.open = so_open,
	.modem_close = so_modem_close,
	.modem_state = so_modem_state,
	.tick = so_tick,
	.plan_in = so_plan_in,
	.claim = so_claim,
	.stop = so_stop,
	.in_flight = so_in_flight,
};
