/* daemon — `loa run`: claims due SMS deliveries, sends them over every modem
 * at once, records references, states, attempts and events, matches status
 * reports, and stores inbound SMS.
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
 *    sms_ref) and resume at the first part not yet accepted, so a phone
 *    never gets a part twice.
 *  - Every log line names the modem, delivery and notice it concerns.
 *  - Calls (modems with `audio` set) run in the same loop: the call engine
 *    (modem/call.c) is a table fed by this loop's AT results, URCs and audio
 *    port events, so a modem in a call still answers URCs and the others
 *    keep sending.  SMS go first: a modem claims a call only when no SMS is
 *    due for it.  Speech is never synthesised here: the notice and prompts
 *    are submitted to the synthesis thread (tts_engine_submit) and a call is
 *    claimed only once its audio is loaded; the thread wakes the loop
 *    through a pipe. */
#include "gateway/daemon.h"
#include "gateway/inbox.h"

#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "gateway/cli.h"
#include "gateway/clock.h"
#include "gateway/log.h"
#include "gateway/phone.h"
#include "gateway/sched.h"
#include "gateway/text.h"
#include "gateway/util.h"
#include "modem/at.h"
#include "modem/submit.h"
#include "modem/codec.h"
#include "db/store_call.h"
#include "modem/audio.h"
#include "modem/call.h"
#include "tts/tts_audio.h"
#include "tts/tts_engine.h"
#include "tts/tts_prompt.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CMGS_TIMEOUT_MS = 60000, CMGR_TIMEOUT_MS = 10000, CLAIM_PAUSE_MS = 1000, EXPIRE_EVERY_MS = 60000,
       REASM_MAX_AGE_S = 86400, CALL_GUARD_MS = 300 };

struct daemon;

struct dmodem {
	struct daemon *d;
	const struct loa_modem_cfg *cfg;
	struct at_modem *at;
	char sub[48];           /* "modem(m1)" */
	int has_job;
	int64_t reply_id;       /* the job is an outbox reply (short codes), not a delivery */
	char reply_to[24];
	struct sms_job job;
	struct codec_submit enc;
	int part;               /* next part to send (0-based) */
	int awaiting;           /* AT+CMGS in flight */
	int reading;            /* AT+CMGR/CMGL in flight */
	char mem[4];            /* message storage AT+CPMS selects once the queue
				 * has run ("" unknown): reads name their storage */
	int64_t free_at_ms;     /* pacing */
	int parts_today;
	int64_t unready_since;  /* mono ms the modem left READY, 0 while ready */
	int unpinned;           /* its multipart messages went to other modems */
	/* voice */
	struct call call;
	struct call_job cj;
	struct audio_port *audio;
	int audio_close;        /* close the audio port from the loop */
	int chup_pending;       /* AT+CHUP at (re)connect in flight: no dialing yet */
	int call_cmds;          /* call commands queued or in flight */
	int64_t call_guard_until; /* mono ms: no dial before (trailing end reports) */
	const int16_t *notice_pcm;
	size_t notice_n;
};

/* Audio ready for calls: prompts and a few notices, loaded as PCM. */
struct pcm {
	int64_t notice_id;      /* notices only */
	int16_t *s;
	size_t n;
	int pending, failed;
	char err[240];          /* why it failed */
};
struct tts_req {
	struct daemon *d;
	int slot;               /* 0..SEG_N-1: prompt; SEG_N + i: notice cache i */
	int done, rc;           /* written by the synthesis thread */
	char path[PATH_MAX];
	char err[200];
	struct tts_req *next;
};
enum { NOTICE_CACHE = 4 };

struct daemon {
	const struct loa_config *cfg;
	struct store *st;
	struct daemon_opts o;
	struct dmodem m[LOA_MAX_MODEMS];
	int n;
	int gw_parts_today;
	int64_t day_start_s;
	int budget_logged;      /* "budget spent" said once a day */
	int64_t started_s;
	int64_t claim_pause_until;
	int stopping;
	/* voice */
	struct tts_engine *tts;
	int voice_ok;           /* some modem has an audio port and speech works */
	char voice_err[400];    /* why there is no speech at all: queued calls fail */
	int tts_pipe[2];
	struct tts_req *reqs;
	struct pcm prompt[SEG_N];
	struct pcm notice[NOTICE_CACHE];
	int notice_next;
};

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
static int db_log(struct daemon *d, const char *sub, const char *what, int rc)
{
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		LOG_E(sub, "%s: %s", what, store_errmsg(d->st));
	return rc;
}

static void normalise_number(const char *in, char *out, size_t n)
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
		db_log(d, dm->sub, "reply reference", store_sms_assign_ref(d->st, 0, &ref));
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

/* ---- inbound ---- */

/* Stored messages are read and deleted in the storage the URC named
 * (+CMTI: "SM",3, +CDSI: "SR",4): AT+CPMS="<mem>" goes before the first
 * command of a run in another storage.  dm->mem is the storage selected
 * once every queued command has run, so the order in the queue is right
 * whatever else is queued in between. */
static void on_cpms(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct dmodem *dm = arg;
	if (r->final != AT_R_OK && r->final != AT_R_LOST) {
		LOG_W(dm->sub, "selecting a message storage: %s", at_final_name(r->final));
		dm->mem[0] = '\0';
	}
}

static void select_mem(struct dmodem *dm, const char *mem)
{
	if (!mem[0] || !strcmp(dm->mem, mem))
		return;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "AT+CPMS=\"%s\"", mem);
	if (at_cmd(dm->at, cmd, CMGR_TIMEOUT_MS, on_cpms, dm) == 0)
		snprintf(dm->mem, sizeof dm->mem, "%s", mem);
}

static void delete_index(struct dmodem *dm, const char *mem, int idx)
{
	char cmd[32];
	select_mem(dm, mem);
	snprintf(cmd, sizeof cmd, "AT+CMGD=%d", idx);
	at_cmd(dm->at, cmd, CMGR_TIMEOUT_MS, NULL, NULL);
}

static void handle_report(struct dmodem *dm, const struct codec_sms *s)
{
	enum codec_report cls = codec_report_class(s->status);
	char rcpt[32];
	normalise_number(s->number, rcpt, sizeof rcpt);
	if (cls == CODEC_REPORT_PENDING) {
		LOG_D(dm->sub, "status report mr=%d for %s: still trying (ST=0x%02X)", s->mr, rcpt, s->status);
		return;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "status report: %s (ST=0x%02X)",
		 cls == CODEC_REPORT_DELIVERED ? "delivered" : "failed", s->status);
	int64_t did, nid;
	const char *moved;
	if (store_sms_report(dm->d->st, dm->cfg->name, s->mr, rcpt, cls == CODEC_REPORT_DELIVERED, detail,
			     clock_wall_s(), &did, &nid, &moved) != STORE_OK) {
		LOG_E(dm->sub, "status report: %s", store_errmsg(dm->d->st));
		return;
	}
	if (did && moved)
		LOG_I(dm->sub, "delivery %lld notice %lld: %s (%s)", (long long)did, (long long)nid, moved, detail);
	else if (did)
		LOG_D(dm->sub, "delivery %lld notice %lld: part mr=%d %s", (long long)did, (long long)nid, s->mr, detail);
	else
		LOG_W(dm->sub, "status report mr=%d for %s matches no message sent by this modem", s->mr, rcpt);
}

static void handle_pdu(struct dmodem *dm, const char *hex, int len, int idx, const char *mem)
{
	struct codec_sms s;
	if (!hex || codec_decode(hex, len, &s) != CODEC_OK) {
		LOG_W(dm->sub, "undecodable PDU%s dropped: %.60s", idx >= 0 ? " (deleted from the SIM)" : "",
		      hex ? hex : "");
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	if (s.kind == CODEC_STATUS) {
		handle_report(dm, &s);
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	if (s.kind != CODEC_DELIVER) {
		if (idx >= 0)
			delete_index(dm, mem, idx);
		return;
	}
	char sender[32];
	normalise_number(s.number, sender, sizeof sender);
	int64_t now = clock_wall_s();
	char *text = s.text;
	int parts = 1;
	int64_t id = 0;
	if (s.parts > 1 && s.part >= 1 && s.part <= s.parts) {
		/* a part waits in the database, never on the SIM: fragments that
		 * never complete cannot fill it and stop inbound SMS */
		struct sms_fragment f = { dm->cfg->name, sender, s.text, s.ref, s.part, s.parts, s.scts_s };
		if (store_sms_fragment(dm->d->st, &f, now, &id, &text) != STORE_OK) {
			LOG_E(dm->sub, "inbound part from %s: %s (left on the SIM)", sender, store_errmsg(dm->d->st));
			return;
		}
		if (idx >= 0)
			delete_index(dm, mem, idx);
		if (!id) {
			LOG_D(dm->sub, "inbound part %d/%d from %s (ref %d) kept", s.part, s.parts, sender, s.ref);
			return;
		}
		parts = s.parts;
	} else if (store_sms_inbound(dm->d->st, dm->cfg->name, sender, text, 1, s.scts_s, now, &id) != STORE_OK) {
		/* (an impossible part number too: the text is a message of its own) */
		LOG_E(dm->sub, "inbound from %s: %s (left on the SIM)", sender, store_errmsg(dm->d->st));
		return;
	} else if (idx >= 0) {
		delete_index(dm, mem, idx);
	}
	LOG_I(dm->sub, "inbound %lld: SMS from %s (%d part%s) stored", (long long)id, sender, parts,
	      parts > 1 ? "s" : "");
	struct inbox_result res;
	memset(&res, 0, sizeof res);
	if (inbox_handle(dm->d->st, dm->d->cfg, id, sender, text, now, &res) == 0)
		LOG_I(dm->sub, "inbound %lld: %s%s%s", (long long)id, res.decision, res.reason[0] ? ": " : "", res.reason);
	else
		LOG_E(dm->sub, "inbound %lld: short-code handling failed: %s", (long long)id, store_errmsg(dm->d->st));
	if (text != s.text)
		free(text);
}

/* Walks "+CMGR: ..."/"+CMGL: ..." header lines, each followed by its PDU. */
static void handle_listing(struct dmodem *dm, const char *lines, const char *prefix, int idx, const char *mem)
{
	char *copy = xstrdup(lines), *save = NULL;
	char *hdr = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, prefix, strlen(prefix)) == 0) {
			hdr = l;
			continue;
		}
		if (!hdr)
			continue;
		int len = -1, i = idx;
		at_parse_pdu_len(hdr, &len);
		if (idx < 0) {
			long v;
			char num[16];
			const char *c = strchr(hdr, ':');
			size_t n = c ? strcspn(c + 1, ",") : 0;
			if (c && n > 0 && n < sizeof num) {
				memcpy(num, c + 1, n);
				num[n] = '\0';
				if (util_parse_long(util_trim(num), 0, 100000, &v) == 0)
					i = (int)v;
			}
		}
		handle_pdu(dm, l, len, i, mem);
		hdr = NULL;
	}
	free(copy);
}

struct read_ctx {
	struct dmodem *dm;
	int idx;                /* AT+CMGR; -1 for a listing */
	char mem[4];
};

static void on_read(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct read_ctx *c = arg;
	c->dm->reading--;
	const char *prefix = c->idx >= 0 ? "+CMGR:" : "+CMGL:";
	if (r->final == AT_R_OK)
		handle_listing(c->dm, r->lines, prefix, c->idx, c->mem);
	else if (r->final != AT_R_LOST)
		LOG_W(c->dm->sub, "reading %s %d: %s", c->mem[0] ? c->mem : "SMS", c->idx, at_final_name(r->final));
	free(c);
}

/* idx >= 0: one message (AT+CMGR); -1: all of the storage (AT+CMGL=4). */
static void read_mem(struct dmodem *dm, const char *mem, int idx)
{
	struct read_ctx *c = xmalloc(sizeof *c);
	c->dm = dm;
	c->idx = idx;
	snprintf(c->mem, sizeof c->mem, "%s", mem);
	select_mem(dm, mem);
	char cmd[32];
	if (idx >= 0)
		snprintf(cmd, sizeof cmd, "AT+CMGR=%d", idx);
	else
		snprintf(cmd, sizeof cmd, "AT+CMGL=4");
	if (at_cmd(dm->at, cmd, idx >= 0 ? CMGR_TIMEOUT_MS : 30000, on_read, c) != 0) {
		free(c);
		return;
	}
	dm->reading++;
}

/* READY: which storage is selected (AT+CPMS?), then what was stored while
 * nobody listened: messages there, and status reports in "SR" when the
 * modem stores them. */
static void on_cpms_query(struct at_modem *m, const struct at_result *r, void *arg)
{
	struct dmodem *dm = arg;
	dm->reading--;
	char mem[4] = "";
	const char *l = r->final == AT_R_OK ? strstr(r->lines, "+CPMS:") : NULL;
	if (l) {
		const char *q = strchr(l, '"'), *e = q ? strchr(q + 1, '"') : NULL;
		if (e && e - q - 1 > 0 && (size_t)(e - q - 1) < sizeof mem)
			snprintf(mem, sizeof mem, "%.*s", (int)(e - q - 1), q + 1);
	}
	if (r->final == AT_R_LOST)
		return;
	snprintf(dm->mem, sizeof dm->mem, "%s", mem);
	read_mem(dm, mem, -1);
	if (at_reports_stored(m) && strcmp(mem, "SR") != 0)
		read_mem(dm, "SR", -1);
}

/* ---- engine hooks ---- */

static void on_urc(struct at_modem *m, const struct at_urc *u, void *arg)
{
	(void)m;
	struct dmodem *dm = arg;
	int idx, len = -1;
	switch (u->kind) {
	case URC_CMTI:
	case URC_CDSI: {
		char mem[4];
		if (at_parse_mem_index(u->line, mem, sizeof mem, &idx) == 0)
			read_mem(dm, mem, idx);
		else if (at_parse_index(u->line, &idx) == 0)
			read_mem(dm, "", idx);
		break;
	}
	case URC_CMT:
	case URC_CDS:
		at_parse_pdu_len(u->line, &len);
		handle_pdu(dm, u->pdu, len, -1, "");
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
	db_log(dm->d, dm->sub, "modem status",
	       store_sms_modem_status(dm->d->st, dm->cfg->name, state, reg, sig, bad ? why : "", clock_wall_s()));
	if (to != AT_READY && dm->has_job && !dm->awaiting)
		job_release(dm, "modem left the ready state");
	if (to != AT_READY && call_active(&dm->call))
		call_port_lost(&dm->call);
	if (to != AT_READY)
		dm->mem[0] = '\0';
	if (to == AT_READY) {
		/* messages and reports stored while we were away */
		if (at_cmd(m, "AT+CPMS?", CMGR_TIMEOUT_MS, on_cpms_query, dm) == 0)
			dm->reading++;
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
	db_log(dm->d, dm->sub, "modem status",
	       store_sms_modem_status(dm->d->st, dm->cfg->name, state, reg, sig, "", clock_wall_s()));
}

/* ---- voice ---- */

static void tts_done(void *arg, int rc, const char *wav_path, const char *err)
{
	/* the synthesis thread: copy, publish, wake the loop */
	struct tts_req *r = arg;
	snprintf(r->path, sizeof r->path, "%s", wav_path ? wav_path : "");
	snprintf(r->err, sizeof r->err, "%s", err ? err : "");
	__atomic_store_n(&r->rc, rc, __ATOMIC_RELAXED);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	ssize_t w = write(r->d->tts_pipe[1], "x", 1);
	(void)w;
}

static struct pcm *slot_pcm(struct daemon *d, int slot)
{
	return slot < SEG_N ? &d->prompt[slot] : &d->notice[slot - SEG_N];
}

/* what NULL: a notice, whose failure claim_call logs once with the
 * deliveries it fails. */
static void pcm_load(struct pcm *p, const char *path, const char *what)
{
	free(p->s);
	p->s = NULL;
	p->pending = 0;
	if (tts_audio_load_pcm(path, &p->s, &p->n, p->err, sizeof p->err) != 0) {
		if (what)
			LOG_E("voice", "%s: %s", what, p->err);
		p->failed = 1;
	}
}

static void submit(struct daemon *d, int slot, const char *text)
{
	struct tts_req *r = xcalloc(1, sizeof *r);
	r->d = d;
	r->slot = slot;
	slot_pcm(d, slot)->pending = 1;
	if (tts_engine_submit(d->tts, text, NULL, 0, tts_done, r) != 0) {
		free(r);
		slot_pcm(d, slot)->pending = 0;
		slot_pcm(d, slot)->failed = 1;
		return;
	}
	r->next = d->reqs;
	d->reqs = r;
}

/* Collects finished renderings (loop side). */
static void tts_collect(struct daemon *d)
{
	char b[64];
	while (d->tts_pipe[0] >= 0 && read(d->tts_pipe[0], b, sizeof b) > 0)
		;
	for (struct tts_req **pp = &d->reqs; *pp;) {
		struct tts_req *r = *pp;
		if (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		struct pcm *p = slot_pcm(d, r->slot);
		char what[64];
		if (r->slot < SEG_N)
			snprintf(what, sizeof what, "prompt %d", r->slot);
		else
			snprintf(what, sizeof what, "notice %lld", (long long)p->notice_id);
		if (r->rc == 0) {
			pcm_load(p, r->path, r->slot < SEG_N ? what : NULL);
			if (p->s)
				LOG_I("voice", "%s rendered (%.1f s)", what, (double)p->n / TTS_AUDIO_RATE);
		} else {
			snprintf(p->err, sizeof p->err, "speech failed: %s", r->err);
			p->pending = 0;
			p->failed = 1;
		}
		if (r->slot < SEG_N && p->failed && !d->voice_err[0]) {
			/* prompts are never ready: no call can be placed */
			LOG_E("voice", "%s: %s; no calls", what, p->err);
			snprintf(d->voice_err, sizeof d->voice_err, "call prompt: %s", p->err);
			d->voice_ok = 0;
		}
		free(r);
	}
}

static void voice_open(struct daemon *d)
{
	int any = 0;
	for (int i = 0; i < d->n; i++)
		any |= d->m[i].cfg->audio[0] != '\0';
	d->tts_pipe[0] = d->tts_pipe[1] = -1;
	if (!any)
		return;
	char err[256];
	if (tts_engine_open(&d->tts, d->cfg, err, sizeof err) != 0) {
		LOG_E("voice", "speech unavailable, no calls: %s", err);
		snprintf(d->voice_err, sizeof d->voice_err, "speech unavailable: %s", err);
		return;
	}
	if (pipe2(d->tts_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
		LOG_E("voice", "pipe: %s", strerror(errno));
		return;
	}
	static const char *const names[SEG_N] = { TTS_PROMPT_GREETING, NULL, TTS_PROMPT_REPEAT, TTS_PROMPT_PRESS,
						  TTS_PROMPT_THANKS };
	for (int i = 0; i < SEG_N; i++) {
		if (!names[i])
			continue;
		char path[PATH_MAX];
		if (tts_prompt_recording(d->cfg, names[i], path, sizeof path)) {
			/* a recording: converted once into the cache, no synthesis */
			if (tts_prompt_render(d->tts, names[i], path, sizeof path, err, sizeof err) == 0)
				pcm_load(&d->prompt[i], path, names[i]);
			else
				LOG_E("voice", "prompt %s: %s", names[i], err);
			if (!d->prompt[i].s) {
				snprintf(d->voice_err, sizeof d->voice_err, "call prompt %s cannot be loaded", names[i]);
				return;
			}
			continue;
		}
		char *text = NULL;
		if (tts_prompt_text(d->cfg, names[i], &text, err, sizeof err) != 0) {
			LOG_E("voice", "prompt %s: %s; no calls", names[i], err);
			snprintf(d->voice_err, sizeof d->voice_err, "call prompt %s: %s", names[i], err);
			return;
		}
		if (tts_engine_cache_path(d->tts, text, path, sizeof path)) {
			pcm_load(&d->prompt[i], path, names[i]);
			if (!d->prompt[i].s) {
				snprintf(d->voice_err, sizeof d->voice_err, "call prompt %s cannot be loaded", names[i]);
				free(text);
				return;
			}
		} else
			submit(d, i, text);
		free(text);
	}
	d->voice_ok = 1;
}

static void voice_close(struct daemon *d)
{
	if (d->tts)
		tts_engine_close(d->tts); /* finishes queued requests (callbacks run) */
	tts_collect(d);
	for (int i = 0; i < SEG_N; i++)
		free(d->prompt[i].s);
	for (int i = 0; i < NOTICE_CACHE; i++)
		free(d->notice[i].s);
	if (d->tts_pipe[0] >= 0) {
		close(d->tts_pipe[0]);
		close(d->tts_pipe[1]);
	}
}

static int prompts_ready(const struct daemon *d)
{
	for (int i = 0; i < SEG_N; i++)
		if (i != SEG_NOTICE && !d->prompt[i].s)
			return 0;
	return 1;
}

/* The audio of the notice whose call comes next: NULL while it is being
 * rendered (submitted if needed). */
static struct pcm *notice_audio(struct daemon *d, int64_t id, const char *text, const char *audio_path)
{
	for (int i = 0; i < NOTICE_CACHE; i++)
		if (d->notice[i].notice_id == id)
			return d->notice[i].s ? &d->notice[i] : NULL;
	int slot = d->notice_next;
	for (int k = 0; k < NOTICE_CACHE; k++) {
		slot = (d->notice_next + k) % NOTICE_CACHE;
		if (!d->notice[slot].pending)
			break;
	}
	if (d->notice[slot].pending)
		return NULL;
	d->notice_next = (slot + 1) % NOTICE_CACHE;
	struct pcm *p = &d->notice[slot];
	free(p->s);
	memset(p, 0, sizeof *p);
	p->notice_id = id;
	char path[PATH_MAX], what[48];
	snprintf(what, sizeof what, "notice %lld", (long long)id);
	if (audio_path[0]) {
		pcm_load(p, audio_path, NULL);
	} else if (tts_engine_cache_path(d->tts, text, path, sizeof path)) {
		pcm_load(p, path, NULL);
	} else {
		LOG_I("voice", "notice %lld: rendering speech for calls", (long long)id);
		submit(d, SEG_N + slot, text);
	}
	return p->s ? p : NULL;
}

static void call_ctx_done(struct at_modem *m, const struct at_result *r, void *arg);
struct call_ctx {
	struct dmodem *dm;
	enum call_cmd tag;
	unsigned gen;           /* the call that sent it */
};

static int op_cmd(void *arg, const char *cmd, int timeout_ms, enum call_cmd tag, int urgent)
{
	struct dmodem *dm = arg;
	struct call_ctx *c = xmalloc(sizeof *c);
	c->dm = dm;
	c->tag = tag;
	c->gen = dm->call.gen;
	int rc = urgent ? at_cmd_urgent(dm->at, cmd, timeout_ms, call_ctx_done, c)
			: at_cmd(dm->at, cmd, timeout_ms, call_ctx_done, c);
	if (rc != 0) {
		free(c);
		return -1;
	}
	dm->call_cmds++;
	return 0;
}

/* A result reaches the call that sent the command, never a later one. */
static void call_ctx_done(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct call_ctx *c = arg;
	struct dmodem *dm = c->dm;
	enum call_cmd tag = c->tag;
	unsigned gen = c->gen;
	free(c);
	dm->call_cmds--;
	if (gen != dm->call.gen) {
		LOG_D(dm->sub, "result of an earlier call's command dropped (%s)", at_final_name(r->final));
		return;
	}
	call_at_done(&dm->call, tag, (int)r->final, r->lines);
}

static void op_play(void *arg, enum call_seg seg)
{
	struct dmodem *dm = arg;
	if (!dm->audio)
		return;
	if (seg == SEG_NOTICE)
		audio_play(dm->audio, dm->notice_pcm, dm->notice_n);
	else
		audio_play(dm->audio, dm->d->prompt[seg].s, dm->d->prompt[seg].n);
}

static void op_progress(void *arg, enum call_state to, int played)
{
	struct dmodem *dm = arg;
	const char *state = played ? "played" : to == CALL_RINGING ? "ringing" : "answered";
	LOG_I(dm->sub, "delivery %lld notice %lld: %s", (long long)dm->cj.delivery_id, (long long)dm->cj.notice_id,
	      state);
	if (store_call_progress(dm->d->st, &dm->cj, dm->cfg->name, state, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, store_errmsg(dm->d->st));
}

static void op_ended(void *arg)
{
	struct dmodem *dm = arg;
	struct daemon *d = dm->d;
	const struct call *c = &dm->call;
	int64_t now = clock_wall_s(), next = 0;
	const char *final;
	if (c->confirmed)
		final = "confirmed";
	else if (c->played)
		final = "played";
	else if (dm->cj.attempts >= d->cfg->call_attempts)
		final = "unreached";
	else {
		final = "queued";
		next = now + d->cfg->call_retry_s;
	}
	char cause[200];
	snprintf(cause, sizeof cause, "%s", c->cause);
	if (!c->cause[0] && c->outcome == OUT_ANSWERED && !c->played && !c->confirmed)
		snprintf(cause, sizeof cause, "hung up before the end of the notice");
	LOG_I(dm->sub, "delivery %lld notice %lld: call %s%s%s%s, keys '%s' -> %s%s", (long long)dm->cj.delivery_id,
	      (long long)dm->cj.notice_id, call_outcome_name(c->outcome), cause[0] ? " (" : "", cause, cause[0] ? ")" : "",
	      c->keys, final, next ? " (retry later)" : "");
	if (store_call_end(d->st, &dm->cj, dm->cfg->name, call_outcome_name(c->outcome), cause, c->keys, final, next,
			   now) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, store_errmsg(d->st));
	dm->audio_close = 1;
	dm->call_guard_until = clock_mono_ms() + CALL_GUARD_MS;
}

static void audio_done(void *arg)
{
	struct dmodem *dm = arg;
	call_seg_done(&dm->call);
}

static void audio_digit(void *arg, char digit)
{
	struct dmodem *dm = arg;
	call_digit(&dm->call, digit);
}

static void voice_init_modem(struct dmodem *dm)
{
	static const struct call_ops ops = { op_cmd, op_play, op_progress, op_ended };
	const struct loa_config *cfg = dm->d->cfg;
	struct call_timing tm = { cfg->ring_timeout_s * 1000, cfg->call_key_wait_s * 1000, cfg->call_max_s * 1000,
				  cfg->call_repeats, cfg->call_replays };
	call_init(&dm->call, at_profile(dm->at), &tm, &ops, dm);
}

/* The notice's speech cannot be rendered: its queued voice deliveries
 * fail now rather than wait forever, with one log line naming the notice. */
static int voice_fail_notice(struct daemon *d, int64_t nid, const char *why)
{
	int n = 0;
	if (store_call_fail_notice(d->st, nid, why, clock_wall_s(), &n) != STORE_OK) {
		LOG_E("voice", "notice %lld: %s", (long long)nid, store_errmsg(d->st));
		return 0;
	}
	if (n)
		LOG_E("voice", "notice %lld: speech cannot be rendered (%s): %d voice deliver%s failed", (long long)nid,
		      why, n, n > 1 ? "ies" : "y");
	return n;
}

/* No speech at all (voice missing, prompts unusable): every due voice
 * delivery fails with voice_err. */
static void voice_fail_all(struct daemon *d)
{
	for (;;) {
		int64_t nid = 0;
		char *text = NULL, *apath = NULL;
		if (store_call_peek(d->st, clock_wall_s(), 0, &nid, &text, &apath) != STORE_OK)
			return;
		free(text);
		free(apath);
		if (!voice_fail_notice(d, nid, d->voice_err))
			return;
	}
}

/* Starts a call on `dm` if one is due and its audio is ready; 1 if it did. */
static int claim_call(struct dmodem *dm, int urgent_only)
{
	struct daemon *d = dm->d;
	int64_t nid = 0;
	char *text = NULL, *apath = NULL;
	int64_t wall = clock_wall_s();
	if (store_call_peek(d->st, wall, urgent_only, &nid, &text, &apath) != STORE_OK)
		return 0;
	struct pcm *p = notice_audio(d, nid, text, apath);
	free(text);
	free(apath);
	if (!p) {
		for (int i = 0; i < NOTICE_CACHE; i++)
			if (d->notice[i].notice_id == nid && d->notice[i].failed)
				voice_fail_notice(d, nid, d->notice[i].err);
		return 0;
	}
	if (!prompts_ready(d))
		return 0;
	if (store_call_claim(d->st, dm->cfg->name, wall, urgent_only, nid, &dm->cj) != STORE_OK)
		return 0;
	dm->notice_pcm = p->s;
	dm->notice_n = p->n;
	char err[256];
	static const struct audio_hooks hooks = { audio_done, audio_digit };
	dm->audio = audio_open(dm->cfg->audio, &hooks, dm, err, sizeof err);
	if (!dm->audio) {
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, err);
		db_log(d, dm->sub, "call release", store_call_release(d->st, &dm->cj, dm->cfg->name, err, wall));
		d->claim_pause_until = clock_mono_ms() + CLAIM_PAUSE_MS;
		return 0;
	}
	LOG_I(dm->sub, "delivery %lld notice %lld: calling %s (attempt %d)", (long long)dm->cj.delivery_id,
	      (long long)dm->cj.notice_id, dm->cj.phone, dm->cj.attempts);
	dm->audio_close = 0;
	call_start(&dm->call, dm->cj.phone);
	return 1;
}

static void voice_reap(struct dmodem *dm)
{
	if (dm->audio_close && dm->audio) {
		struct audio_stats s;
		audio_stats(dm->audio, &s);
		LOG_D(dm->sub, "audio: %ld frames in, %ld out (%ld on the timer)", s.frames_in, s.frames_out,
		      s.timer_frames);
		audio_close(dm->audio);
		dm->audio = NULL;
	}
	dm->audio_close = 0;
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
	db_log(d, "daemon", "parts sent today", store_sms_parts_since(d->st, NULL, start, &d->gw_parts_today));
	for (int i = 0; i < d->n; i++)
		db_log(d, d->m[i].sub, "parts sent today",
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
		int64_t t;
		if (store_sms_next_due(d->st, 0, &t) == STORE_OK) {
			int quiet = sched_is_quiet(in.minute_of_day, in.quiet_start, in.quiet_end);
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
		for (int i = 0; i < d->n; i++) {
			struct dmodem *dm = &d->m[i];
			in.modems[i].ready = at_state(dm->at) == AT_READY;
			in.modems[i].busy = dm->has_job || call_active(&dm->call) || now < d->claim_pause_until;
			in.modems[i].free_at_ms = dm->free_at_ms;
			in.modems[i].parts_today = dm->parts_today;
			in.modems[i].daily_parts = dm->cfg->daily_parts;
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
		/* calls: after SMS (a modem takes a call only when no SMS is due
		 * for it), one per modem with an audio port, quiet hours hold
		 * non-urgent ones */
		int64_t voice_due = SCHED_NEVER;
		if (d->voice_ok) {
			tts_collect(d);
			int64_t t2;
			if (store_call_next_due(d->st, out.quiet, &t2) == STORE_OK)
				voice_due = t2;
			int sms_due = (out.quiet ? in.due_urgent_s : in.due_s) <= wall && !out.budget_spent;
			for (int i = 0; i < d->n && !d->stopping && voice_due <= wall; i++) {
				struct dmodem *dm = &d->m[i];
				if (!dm->cfg->audio[0] || dm->has_job || call_active(&dm->call) || dm->audio ||
				    dm->chup_pending || dm->call_cmds > 0 || now < dm->call_guard_until ||
				    at_state(dm->at) != AT_READY || now < d->claim_pause_until ||
				    (sms_due && out.n > 0))
					continue;
				if (!claim_call(dm, out.quiet))
					break;
			}
			if (voice_due != SCHED_NEVER && voice_due > wall && (voice_due - wall) * 1000 + now < wake)
				wake = (voice_due - wall) * 1000 + now;
		} else if (d->voice_err[0] && !d->stopping) {
			voice_fail_all(d);
		}
		if (d->claim_pause_until > now && d->claim_pause_until < wake)
			wake = d->claim_pause_until;

		/* --until-idle */
		if (d->o.until_idle && !d->stopping) {
			int64_t due = out.quiet ? in.due_urgent_s : in.due_s;
			int work = due != SCHED_NEVER && due <= wall + d->o.idle_horizon_s &&
				   !(out.budget_spent && out.n == 0);
			work |= voice_due != SCHED_NEVER && voice_due <= wall + d->o.idle_horizon_s;
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
				db_log(d, "daemon", "reports awaited",
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
			tts_collect(d);
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
		db_log(d, dm->sub, "modem status",
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
