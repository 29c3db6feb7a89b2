/* daemon — `loa run`: the poll loop over every modem, the AT engines'
 * hooks, and SMS out (claim, encode, AT+CMGS part by part, the verdict of
 * modem/submit.c carried into the store).  SMS in and status reports are
 * sms_in.c, calls and their speech voice.c; daemon_int.h is what they share.
 *
 * DESIGN
 *  - ONE thread, one poll() loop for all modems.  A modem spends seconds per
 *    AT+CMGS waiting on the network and microseconds of CPU; SQLite writes
 *    take well under a millisecond in WAL mode.  So parallelism comes from
 *    having one AT+CMGS in flight per modem, not from threads: no locks
 *    around SQLite, the AT engines or libgammu (whose helpers use static
 *    buffers), and a crash leaves at most one `sending` delivery per modem.
 *  - Policy is not here: gateway/sched.c decides which modem claims now and
 *    when to wake up; this file is the mechanism (I/O, store, codec).
 *  - A delivery is `sending` from its claim until the modem's final answer.
 *    If that answer is lost after the PDU went out (timeout, port gone,
 *    crash) the delivery becomes `uncertain` and is never re-sent; if it is
 *    lost before the PDU went out, the delivery goes back to the queue.
 *  - Multipart messages keep their concatenation reference (deliveries.
 *    sms_ref) and resume at the first part not yet accepted, on the modem
 *    that sent the first parts (sms_pin), so a phone never gets a part
 *    twice nor parts from two numbers.
 *  - Every log line names the modem, delivery and notice it concerns.
 *  - Calls (modems with `audio` set) run in the same loop (voice.c): a modem
 *    in a call still answers URCs and the others keep sending.  SMS go
 *    first: a modem claims a call only when no SMS is due for it. */
#include "gateway/daemon_int.h"

#include "db/store.h"
#include "db/store_shortcode.h"
#include "gateway/cli.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "gateway/sched.h"
#include "base/text.h"
#include "base/util.h"
#include "modem/audio.h"
#include "modem/submit.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop_signals;

static void on_signal(int sig)
{
	(void)sig;
	stop_signals++;
}

void daemon_opts_default(struct daemon_opts *o)
{
	o->until_idle = 0;
	o->report_wait_s = 10;
	o->idle_horizon_s = 120;
	o->no_modem_s = 60;
}

/* ---- policy ---- */

int64_t daemon_retry_delay_s(int retry_s, int attempt)
{
	int64_t d = retry_s;
	for (int i = 1; i < attempt && d < 86400; i++)
		d *= 2;
	return d > 86400 ? 86400 : d;
}

/* ---- helpers ---- */

/* A store call whose failure is logged and survived (counters, modem
 * status): the daemon carries on, the log says what the database said. */
int daemon_db_log(struct daemon *d, const char *sub, const char *what, int rc)
{
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		LOG_E(sub, "%s: %s", what, store_errmsg(d->st));
	return rc;
}

void daemon_normalise_number(const char *in, char *out, size_t n)
{
	struct phone p;
	if (phone_normalise(in, &p) == PHONE_MOBILE)
		snprintf(out, n, "%s", p.e164);
	else
		snprintf(out, n, "%s", in);
}

static void job_done(struct dmodem *dm)
{
	store_sms_job_clear(&dm->job);
	dm->has_job = 0;
	dm->reply_id = 0;
	dm->awaiting = 0;
	dm->part = 0;
	memset(&dm->enc, 0, sizeof dm->enc);
}

static void reply_done(struct dmodem *dm, int ok, int mr, const char *error)
{
	struct daemon *d = dm->d;
	if (ok)
		LOG_I(dm->sub, "reply %lld: sent to %s (mr=%d)", (long long)dm->reply_id, dm->reply_to, mr);
	else
		LOG_W(dm->sub, "reply %lld to %s: %s", (long long)dm->reply_id, dm->reply_to, error);
	if (store_outbox_done(d->st, dm->reply_id, ok, mr, error ? error : "", d->cfg->sms_retries, clock_wall_s()) !=
	    STORE_OK)
		LOG_E(dm->sub, "reply %lld: %s", (long long)dm->reply_id, store_errmsg(d->st));
	job_done(dm);
}

static void job_release(struct dmodem *dm, const char *cause)
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
	job_done(dm);
}

static void job_retry(struct dmodem *dm, const char *cause)
{
	struct daemon *d = dm->d;
	struct sms_job *j = &dm->job;
	int give_up = j->attempts > d->cfg->sms_retries;
	int64_t next = clock_wall_s() + daemon_retry_delay_s(d->cfg->sms_retry_s, j->attempts);
	char why[256];
	snprintf(why, sizeof why, "%s%s", cause, give_up ? " (retries spent)" : "");
	if (give_up)
		LOG_W(dm->sub, "delivery %lld notice %lld: failed: %s", (long long)j->delivery_id, (long long)j->notice_id, why);
	else
		LOG_I(dm->sub, "delivery %lld notice %lld: %s; retry %d in %llds", (long long)j->delivery_id,
		      (long long)j->notice_id, cause, j->attempts, (long long)(next - clock_wall_s()));
	if (store_sms_retry(d->st, j, dm->cfg->name, why, next, give_up, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
	job_done(dm);
}

static void job_fail(struct dmodem *dm, const char *cause)
{
	struct sms_job *j = &dm->job;
	LOG_W(dm->sub, "delivery %lld notice %lld: failed: %s", (long long)j->delivery_id, (long long)j->notice_id, cause);
	if (store_sms_fail(dm->d->st, j, dm->cfg->name, cause, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
	job_done(dm);
}

static void job_uncertain(struct dmodem *dm, const char *cause)
{
	struct sms_job *j = &dm->job;
	LOG_W(dm->sub, "delivery %lld notice %lld: uncertain: %s", (long long)j->delivery_id, (long long)j->notice_id,
	      cause);
	if (store_sms_uncertain(dm->d->st, j, dm->cfg->name, cause, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(dm->d->st));
	job_done(dm);
}

/* ---- sending ---- */

static void on_cmgs(struct at_modem *m, const struct at_result *r, void *arg);

static void send_part(struct dmodem *dm)
{
	const struct codec_part *p = &dm->enc.part[dm->part];
	if (at_cmgs(dm->at, p->tpdu_len, p->hex, CMGS_TIMEOUT_MS, on_cmgs, dm) != 0) {
		job_release(dm, "modem not ready");
		return;
	}
	dm->awaiting = 1;
	dm->free_at_ms = clock_mono_ms() + dm->cfg->min_interval_ms;
}

static void on_cmgs(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct dmodem *dm = arg;
	struct daemon *d = dm->d;
	dm->awaiting = 0;
	if (!dm->has_job)
		return;
	if (dm->reply_id) {
		int mr = -1;
		const char *l = strstr(r->lines, "+CMGS:");
		if (r->final == AT_R_OK && r->body_sent) {
			if (l)
				at_parse_cmgs(l, &mr);
			dm->parts_today++;
			d->gw_parts_today++;
			if (++dm->part < dm->enc.n)
				return;
			reply_done(dm, 1, mr, NULL);
		} else {
			char why[96];
			snprintf(why, sizeof why, "modem answered %s", at_final_name(r->final));
			reply_done(dm, 0, -1, why);
		}
		return;
	}
	struct sms_job *j = &dm->job;
	char cause[200];
	switch (submit_outcome(r, d->stopping, cause, sizeof cause)) {
	case SUBMIT_ACCEPTED:
		break;
	case SUBMIT_RETRY:
		job_retry(dm, cause);
		return;
	case SUBMIT_FAIL:
		job_fail(dm, cause);
		return;
	case SUBMIT_UNCERTAIN:
		job_uncertain(dm, cause);
		return;
	case SUBMIT_RELEASE:
		job_release(dm, cause);
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
	if (++dm->part < dm->enc.n)
		return; /* next part when the pacing allows */
	if (store_sms_sent(d->st, j, dm->cfg->name, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)j->delivery_id, store_errmsg(d->st));
	else
		LOG_I(dm->sub, "delivery %lld notice %lld: sent to %s (%d part%s, %s, mr=%d)",
		      (long long)j->delivery_id, (long long)j->notice_id, j->phone, dm->enc.n,
		      dm->enc.n > 1 ? "s" : "", j->ucs2 ? "ucs2" : "gsm7", mr);
	job_done(dm);
}

/* Encodes the claimed delivery; 0 when there is something to send. */
static int prepare(struct dmodem *dm)
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
	int rc = codec_encode_submit(text, j->phone, coding, j->ref ? j->ref : 1, d->cfg->sms_max_parts, 1, &dm->enc);
	if (rc == CODEC_ENOTGSM7) {
		free(text);
		text = xstrdup(j->text);
		coding = CODEC_UCS2;
		rc = codec_encode_submit(text, j->phone, coding, j->ref ? j->ref : 1, d->cfg->sms_max_parts, 1, &dm->enc);
	}
	free(text);
	if (rc != CODEC_OK) {
		char why[160];
		if (rc == CODEC_ETOOLONG)
			snprintf(why, sizeof why, "the notice needs more than sms.max_parts = %d SMS parts",
				 d->cfg->sms_max_parts);
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
		job_done(dm);
		return -1;
	}
	if (dm->part > 0)
		LOG_I(dm->sub, "delivery %lld notice %lld: resuming at part %d/%d (ref %d)", (long long)j->delivery_id,
		      (long long)j->notice_id, dm->part + 1, dm->enc.n, j->ref);
	return 0;
}

/* Claims one delivery for `dm`; 1 if it started, 0 if nothing was due. */
static int claim(struct dmodem *dm, const struct sched_action *a)
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
	dm->has_job = 1;
	LOG_D(dm->sub, "delivery %lld notice %lld: claimed (attempt %d)", (long long)dm->job.delivery_id,
	      (long long)dm->job.notice_id, dm->job.attempts);
	if (prepare(dm) == 0 && clock_mono_ms() >= dm->free_at_ms)
		send_part(dm);
	return 1;
}

/* Starts the oldest queued short-code reply on `dm`; 1 if one was taken.
 * Replies go before deliveries and outside the scheduler's quiet hours:
 * they answer someone who has just written to us. */
static int claim_reply(struct dmodem *dm)
{
	struct daemon *d = dm->d;
	struct outbox_msg om;
	memset(&om, 0, sizeof om);
	if (store_outbox_claim(d->st, dm->cfg->name, &om) != STORE_OK)
		return 0;
	dm->has_job = 1;
	dm->reply_id = om.id;
	snprintf(dm->reply_to, sizeof dm->reply_to, "%s", om.to);
	enum codec_coding coding = text_is_gsm7(om.text) ? CODEC_GSM7 : CODEC_UCS2;
	int ref = 0, rc;
	if (text_sms_parts(om.text, coding == CODEC_UCS2) > 1)
		daemon_db_log(d, dm->sub, "reply reference", store_sms_assign_ref(d->st, 0, &ref));
	/* a reply asks for no status report: nothing would match it */
	rc = codec_encode_submit(om.text, om.to, coding, ref ? ref : 1, d->cfg->sms_max_parts, 0, &dm->enc);
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

/* ---- engine hooks ---- */

static void on_urc(struct at_modem *m, const struct at_urc *u, void *arg)
{
	(void)m;
	struct dmodem *dm = arg;
	switch (u->kind) {
	case URC_CMTI:
	case URC_CDSI:
	case URC_CMT:
	case URC_CDS:
		sms_in_urc(dm, u);
		break;
	case URC_RING:
	case URC_CLIP:
	case URC_CALL:
	case URC_DTMF:
		if (call_active(&dm->call)) {
			LOG_D(dm->sub, "call event: %s", u->line);
			call_urc(&dm->call, u);
		} else
			LOG_D(dm->sub, "call event outside a call ignored: %s", u->line);
		break;
	default:
		break;
	}
}

static void on_chup(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct dmodem *dm = arg;
	dm->chup_pending = 0;
	LOG_D(dm->sub, "hang-up at connect: %s", at_final_name(r->final));
}

static void on_state(struct at_modem *m, enum at_state from, enum at_state to, const char *why, void *arg)
{
	(void)from;
	struct dmodem *dm = arg;
	int reg, sig;
	at_health(m, &reg, &sig);
	char state[16];
	snprintf(state, sizeof state, "%s", at_state_name(to));
	for (char *p = state; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	int bad = to == AT_BACKOFF || to == AT_FAILED;
	daemon_db_log(dm->d, dm->sub, "modem status",
	       store_sms_modem_status(dm->d->st, dm->cfg->name, state, reg, sig, bad ? why : "", clock_wall_s()));
	if (to != AT_READY && dm->has_job && !dm->awaiting)
		job_release(dm, "modem left the ready state");
	if (to != AT_READY && call_active(&dm->call))
		call_port_lost(&dm->call);
	if (to != AT_READY)
		sms_in_lost(dm);
	if (to == AT_READY) {
		sms_in_ready(dm);
		/* a call left up by a daemon that died (kill -9, power) keeps the
		 * modem busy for our next ATD: hang it up before dialing */
		if (dm->cfg->audio[0] && !call_active(&dm->call) && at_cmd(m, "AT+CHUP", 5000, on_chup, dm) == 0)
			dm->chup_pending = 1;
	}
}

static void on_health(struct at_modem *m, int reg, int sig, void *arg)
{
	struct dmodem *dm = arg;
	char state[16];
	snprintf(state, sizeof state, "%s", at_state(m) == AT_READY ? "ready" : at_state_name(at_state(m)));
	daemon_db_log(dm->d, dm->sub, "modem status",
	       store_sms_modem_status(dm->d->st, dm->cfg->name, state, reg, sig, "", clock_wall_s()));
}

/* ---- multipart messages of a lost modem ---- */

/* A multipart message is finished by the modem that started it (sms_pin).
 * When that modem is gone for good (FAILED, or not ready for
 * sms.resume_wait_s) its messages are sent whole again elsewhere. */
static void unpin_lost(struct daemon *d, int64_t now)
{
	for (int i = 0; i < d->n; i++) {
		struct dmodem *dm = &d->m[i];
		enum at_state st = at_state(dm->at);
		if (st == AT_READY) {
			dm->unready_since = 0;
			dm->unpinned = 0;
			continue;
		}
		if (!dm->unready_since)
			dm->unready_since = now;
		if (dm->unpinned || (st != AT_FAILED && now - dm->unready_since < (int64_t)d->cfg->sms_resume_wait_s * 1000))
			continue;
		dm->unpinned = 1;
		char why[96];
		snprintf(why, sizeof why, "modem %s is gone (%s for %llds)", dm->cfg->name, at_state_name(st),
			 (long long)((now - dm->unready_since) / 1000));
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

/* ---- the loop ---- */

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

static int any_ready(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (at_state(d->m[i].at) == AT_READY)
			return 1;
	return 0;
}

static int in_flight(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].has_job || d->m[i].reading > 0 || call_active(&d->m[i].call) || d->m[i].call_cmds > 0)
			return 1;
	return d->reqs != NULL;
}

static int loop(struct daemon *d)
{
	int64_t idle_since = 0, no_modem_since = 0, next_expire = 0;
	int rc = 0;
	for (;;) {
		int64_t now = clock_mono_ms(), wall = clock_wall_s();
		day_rollover(d, wall);
		if (stop_signals && !d->stopping) {
			d->stopping = 1;
			LOG_I("daemon", "stopping: finishing the SMS in flight");
			for (int i = 0; i < d->n; i++)
				if (d->m[i].has_job && !d->m[i].awaiting)
					job_release(&d->m[i], "daemon stopping");
			for (int i = 0; i < d->n; i++)
				if (call_active(&d->m[i].call))
					call_stop(&d->m[i].call);
		}
		if (stop_signals > 1)
			break; /* second signal: leave now; `sending` rows become uncertain */
		if (d->stopping) {
			int waiting = 0;
			for (int i = 0; i < d->n; i++)
				waiting |= d->m[i].awaiting || call_active(&d->m[i].call);
			if (!waiting)
				break;
		}
		if (now >= next_expire) {
			int n = 0;
			if (store_sms_expire(d->st, wall, (int64_t)d->cfg->sms_expire_h * 3600, &n) == STORE_OK && n)
				LOG_W("daemon", "%d SMS deliveries expired (not sent within sms.expire_h = %d)", n,
				      d->cfg->sms_expire_h);
			if (store_sms_fragments_expire(d->st, wall, REASM_MAX_AGE_S, &n) == STORE_OK && n)
				LOG_W("daemon", "%d part%s of inbound SMS that never completed dropped after %d h (kept in the"
					  " inbox as 'incomplete')", n, n > 1 ? "s" : "", REASM_MAX_AGE_S / 3600);
			next_expire = now + EXPIRE_EVERY_MS;
		}
		int64_t wake = now + 1000;
		unpin_lost(d, now);
		/* continue multipart messages as the pacing allows */
		for (int i = 0; i < d->n && !d->stopping; i++) {
			struct dmodem *dm = &d->m[i];
			if (!dm->has_job || dm->awaiting || at_state(dm->at) != AT_READY)
				continue;
			if (now >= dm->free_at_ms)
				send_part(dm);
			else if (dm->free_at_ms < wake)
				wake = dm->free_at_ms;
		}
		/* short-code replies first */
		for (int i = 0; i < d->n && !d->stopping; i++) {
			struct dmodem *dm = &d->m[i];
			if (!dm->has_job && !call_active(&dm->call) && at_state(dm->at) == AT_READY &&
			    now >= dm->free_at_ms)
				claim_reply(dm);
		}
		/* plan */
		struct sched_in in;
		memset(&in, 0, sizeof in);
		in.now_ms = now;
		in.wall_s = wall;
		in.minute_of_day = clock_local_minutes_of_day(wall);
		in.quiet_start = d->cfg->quiet_start;
		in.quiet_end = d->cfg->quiet_end;
		in.gw_parts_today = d->gw_parts_today;
		in.gw_daily_parts = d->cfg->daily_sms_parts;
		in.max_parts = d->cfg->sms_max_parts;
		in.stopping = d->stopping;
		in.n_modems = d->n;
		in.due_s = in.due_urgent_s = in.due_override_s = SCHED_NEVER;
		in.voice_due_s = in.voice_due_urgent_s = SCHED_NEVER;
		in.claim_pause_until = d->claim_pause_until;
		int quiet = sched_is_quiet(in.minute_of_day, in.quiet_start, in.quiet_end);
		int64_t t;
		if (store_sms_next_due(d->st, 0, &t) == STORE_OK) {
			in.due_s = t;
			if (quiet) {
				if (store_sms_next_due(d->st, SMS_CLAIM_URGENT, &t) == STORE_OK)
					in.due_urgent_s = t;
			} else {
				in.due_urgent_s = in.due_s;
			}
			if (in.gw_daily_parts && in.gw_parts_today >= in.gw_daily_parts &&
			    store_sms_next_due(d->st, SMS_CLAIM_OVERRIDE | (quiet ? SMS_CLAIM_URGENT : 0), &t) == STORE_OK)
				in.due_override_s = t;
		}
		int voice_ok = d->voice_ok;
		if (voice_ok) {
			voice_collect(d);
			if (store_call_next_due(d->st, 0, &t) == STORE_OK) {
				in.voice_due_s = t;
				if (!quiet)
					in.voice_due_urgent_s = t;
				else if (store_call_next_due(d->st, 1, &t) == STORE_OK)
					in.voice_due_urgent_s = t;
			}
		}
		for (int i = 0; i < d->n; i++) {
			struct dmodem *dm = &d->m[i];
			in.modems[i].ready = at_state(dm->at) == AT_READY;
			in.modems[i].busy = dm->has_job || call_active(&dm->call);
			in.modems[i].free_at_ms = dm->free_at_ms;
			in.modems[i].parts_today = dm->parts_today;
			in.modems[i].daily_parts = dm->cfg->daily_parts;
			in.modems[i].has_audio = dm->cfg->audio[0] != '\0';
			in.modems[i].calling = call_active(&dm->call) || dm->audio || dm->chup_pending || dm->call_cmds > 0;
			in.modems[i].call_guard_until = dm->call_guard_until;
		}
		struct sched_out out;
		sched_plan(&in, &out);
		if (out.budget_spent && !d->budget_logged) {
			LOG_W("daemon", "daily SMS budget reached (%d parts today; gateway.daily_sms_parts = %d,"
				  " and each modem's daily_parts): queued SMS wait until midnight, except notices"
				  " sent past the gateway's budget (GUI <code>, --over-budget)",
			      in.gw_parts_today, in.gw_daily_parts);
			d->budget_logged = 1;
		}
		for (int i = 0; i < out.n; i++) {
			if (!claim(&d->m[out.act[i].modem], &out.act[i])) {
				/* due by next_at but nothing claimable (budget, cancelled):
				 * do not spin */
				d->claim_pause_until = now + CLAIM_PAUSE_MS;
				break;
			}
		}
		if (out.wake_ms < wake)
			wake = out.wake_ms;
		/* calls, as planned (gateway/sched.c); a claim that just found
		 * nothing holds them */
		for (int i = 0; i < out.n_calls && now >= d->claim_pause_until; i++) {
			struct dmodem *dm = &d->m[out.call[i].modem];
			if (dm->has_job)
				continue;
			if (!voice_claim(dm, out.call[i].urgent_only))
				break;
		}
		if (!voice_ok && d->voice_err[0] && !d->stopping)
			voice_fail_all(d);
		if (d->claim_pause_until > now && d->claim_pause_until < wake)
			wake = d->claim_pause_until;

		/* --until-idle */
		if (d->o.until_idle && !d->stopping) {
			int64_t due = out.quiet ? in.due_urgent_s : in.due_s;
			int work = due != SCHED_NEVER && due <= wall + d->o.idle_horizon_s &&
				   !(out.budget_spent && out.n == 0);
			work |= out.voice_due_s != SCHED_NEVER && out.voice_due_s <= wall + d->o.idle_horizon_s;
			if (in_flight(d) || out.n > 0) {
				idle_since = 0;
				no_modem_since = 0;
			} else if (work) {
				idle_since = 0;
				if (any_ready(d)) {
					no_modem_since = 0;
				} else if (!no_modem_since) {
					no_modem_since = now;
				} else if (now - no_modem_since > (int64_t)d->o.no_modem_s * 1000) {
					LOG_E("daemon", "no modem became ready in %d s; SMS are still queued", d->o.no_modem_s);
					rc = 1;
					break;
				}
			} else {
				int waiting = 0;
				daemon_db_log(d, "daemon", "reports awaited",
				       store_sms_awaiting_reports(d->st, d->started_s, &waiting));
				if (!idle_since)
					idle_since = now;
				if (waiting == 0 || now - idle_since >= (int64_t)d->o.report_wait_s * 1000) {
					if (waiting)
						LOG_I("daemon", "idle; %d SMS still await a status report", waiting);
					else
						LOG_I("daemon", "idle: nothing due, nothing in flight");
					break;
				}
			}
		}

		/* wait */
		struct pollfd pfd[2 * LOA_MAX_MODEMS + 1];
		for (int i = 0; i < d->n; i++) {
			struct dmodem *dm = &d->m[i];
			pfd[i].fd = at_fd(dm->at);
			pfd[i].events = at_events(dm->at);
			pfd[i].revents = 0;
			int64_t dl = at_deadline(dm->at);
			if (dl < wake)
				wake = dl;
			pfd[d->n + i].fd = dm->audio ? audio_fd(dm->audio) : -1;
			pfd[d->n + i].events = dm->audio ? audio_events(dm->audio) : 0;
			pfd[d->n + i].revents = 0;
			if (dm->audio && audio_deadline(dm->audio) < wake)
				wake = audio_deadline(dm->audio);
			if (call_deadline(&dm->call) < wake)
				wake = call_deadline(&dm->call);
		}
		pfd[2 * d->n].fd = d->tts_pipe[0];
		pfd[2 * d->n].events = POLLIN;
		pfd[2 * d->n].revents = 0;
		int timeout = wake <= now ? 0 : (int)(wake - now > 1000 ? 1000 : wake - now);
		int n = poll(pfd, (nfds_t)(2 * d->n + 1), timeout);
		if (n < 0 && errno != EINTR) {
			LOG_E("daemon", "poll: %s", strerror(errno));
			rc = 1;
			break;
		}
		for (int i = 0; i < d->n; i++) {
			if (n > 0 && pfd[i].fd >= 0 && pfd[i].revents)
				at_io(d->m[i].at, pfd[i].revents);
			if (at_deadline(d->m[i].at) <= clock_mono_ms())
				at_tick(d->m[i].at);
			struct dmodem *dm = &d->m[i];
			if (dm->audio && !dm->audio_close && n > 0 && pfd[d->n + i].revents)
				audio_io(dm->audio, pfd[d->n + i].revents);
			if (dm->audio && !dm->audio_close && audio_deadline(dm->audio) <= clock_mono_ms())
				audio_tick(dm->audio);
			if (call_deadline(&dm->call) <= clock_mono_ms())
				call_tick(&dm->call);
			voice_reap(dm);
		}
		if (n > 0 && pfd[2 * d->n].revents)
			voice_collect(d);
	}
	return rc;
}

int daemon_run(const struct loa_config *cfg, struct store *st, const struct daemon_opts *o)
{
	struct daemon *d = xcalloc(1, sizeof *d);
	d->cfg = cfg;
	d->st = st;
	d->o = *o;
	d->started_s = clock_wall_s();
	int n_unc = 0;
	if (store_sms_recover(st, clock_wall_s(), &n_unc) != STORE_OK) {
		LOG_E("daemon", "%s", store_errmsg(st));
		free(d);
		return 1;
	}
	int n_calls = 0;
	if (store_call_recover(st, clock_wall_s(), cfg->call_attempts, cfg->call_retry_s, &n_calls) != STORE_OK)
		LOG_E("daemon", "calls: %s", store_errmsg(st));
	else if (n_calls)
		LOG_W("daemon", "%d call%s in progress when the daemon stopped: attempt closed as failed, called again"
		      " later (or unreached when attempts are spent)", n_calls, n_calls > 1 ? "s were" : " was");
	if (store_outbox_recover(st) != STORE_OK)
		LOG_E("daemon", "outbox: %s", store_errmsg(st));
	if (n_unc)
		LOG_W("daemon", "%d SMS deliver%s being sent when the daemon stopped: marked uncertain (not re-sent)",
		      n_unc, n_unc > 1 ? "ies were" : "y was");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	stop_signals = 0;

	struct at_hooks hooks = { on_state, on_urc, on_health };
	for (int i = 0; i < cfg->n_modems; i++) {
		const struct loa_modem_cfg *mc = &cfg->modems[i];
		if (!mc->enabled)
			continue;
		struct dmodem *dm = &d->m[d->n++];
		dm->d = d;
		dm->cfg = mc;
		snprintf(dm->sub, sizeof dm->sub, "modem(%s)", mc->name);
		struct at_config ac;
		memset(&ac, 0, sizeof ac);
		snprintf(ac.name, sizeof ac.name, "%s", mc->name);
		snprintf(ac.port, sizeof ac.port, "%s", mc->port);
		snprintf(ac.pin, sizeof ac.pin, "%s", mc->pin);
		ac.baud = mc->baud;
		ac.family = mc->family;
		dm->at = at_new(&ac, &hooks, dm);
		voice_init_modem(dm);
	}
	voice_open(d);
	unpin_unconfigured(d);
	LOG_I("daemon", "started with %d modem%s", d->n, d->n == 1 ? "" : "s");
	for (int i = 0; i < d->n; i++)
		at_start(d->m[i].at);
	int rc = loop(d);
	for (int i = 0; i < d->n; i++) {
		struct dmodem *dm = &d->m[i];
		if (dm->has_job && !dm->awaiting)
			job_release(dm, "daemon stopping");
		if (call_active(&dm->call))
			call_port_lost(&dm->call);
		dm->audio_close = 1;
		voice_reap(dm);
		at_free(dm->at); /* fails what is still queued (callbacks run) */
		if (dm->has_job)
			store_sms_job_clear(&dm->job); /* left `sending`: uncertain on restart */
		daemon_db_log(d, dm->sub, "modem status",
		       store_sms_modem_status(st, dm->cfg->name, "closed", 0, 99, "", clock_wall_s()));
	}
	voice_close(d);
	free(d);
	LOG_I("daemon", "stopped");
	return rc;
}

int cmd_run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct daemon_opts o;
	daemon_opts_default(&o);
	static const struct option opts[] = {
		{ "until-idle", no_argument, NULL, 'u' },
		{ "report-wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	long v;
	while ((c = getopt_long(argc, argv, "uw:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.until_idle = 1;
			break;
		case 'w':
			if (util_parse_long(optarg, 0, 86400, &v) != 0)
				return cli_err(EXIT_USAGE, "run: --report-wait takes seconds (0-86400), not '%s'", optarg);
			o.report_wait_s = (int)v;
			break;
		case 'h':
			printf("usage: loa run [--until-idle] [--report-wait SECONDS]\n");
			return EXIT_OK;
		default:
			return cli_err(EXIT_USAGE, "usage: loa run [--until-idle] [--report-wait SECONDS]");
		}
	}
	if (optind < argc)
		return cli_err(EXIT_USAGE, "run: unexpected argument '%s'", argv[optind]);
	struct store *st;
	int rc = cli_store(ctx, &st);
	if (rc)
		return rc;
	int enabled = 0;
	for (int i = 0; i < ctx->cfg.n_modems; i++)
		enabled += ctx->cfg.modems[i].enabled;
	if (!enabled)
		return cli_err(EXIT_USAGE, "%s: no enabled [modem NAME] section: nothing to send with",
			       ctx->cfg.path[0] ? ctx->cfg.path : "configuration");
	return daemon_run(&ctx->cfg, st, &o) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
