/* drv_callin — calls from villagers (issue 17): the glue between the call
 * table's incoming and menu calls (modem/call.c), the call-in menu
 * (domain/callin.c), the store (db/store_callin.c) and the audio port, and
 * the callbacks owed after a flash.
 *
 *   RING/+CLIP -> call.c asks callin_op_offer: who is it (the households on
 *     that number, the notices they have not confirmed), and the policy
 *     (callin_offer): answer, let it ring out ([callin] answer = callback),
 *     or reject ([callin] unknown = reject).  Only an idle modem with an
 *     audio port answers; a busy one lets it ring (a registered caller is
 *     called back).
 *   answered -> the menu: greeting, each notice newest first (its
 *     recording or its speech), "1 heard / 2 again / 3 next"; key 1 confirms
 *     that notice for the household (store_callin_confirm: the voice
 *     delivery becomes confirmed, an inbound attempt).
 *   ended before it was answered (a flash, or rung out) -> a callback
 *     (callin_callback_at: within [callin] callback_s, one per household per
 *     callback_min_gap_s, after quiet hours unless urgent), placed here as
 *     an outgoing menu call (call_start_menu) with the same menu.
 * Every call, answered or not, is an event (call_in, callback_*). */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_callin.h"
#include "domain/callin.h"
#include "domain/sched.h"
#include "modem/audio.h"
#include "modem/incall.h"
#include "tts/tts_audio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The prompt files of enum callin_prompt (DATADIR/prompts/NAME.txt). */
static const char *const prompt_names[CIP_N] = {
	[CIP_GREETING] = "callin-greeting",   [CIP_PRESS] = "callin-press",
	[CIP_PRESS_UNKNOWN] = "callin-press-unknown", [CIP_CONFIRMED] = "callin-confirmed",
	[CIP_NO_NOTICE] = "callin-no-notice", [CIP_GOODBYE] = "callin-goodbye",
};
/* A MISSED_CALL: report this soon after an incoming call from the same
 * number ended is that call's (SIMCom sends it after VOICE CALL: END). */
enum { MISSED_SAME_MS = 60000, CB_CHECK_MS = 60000 };

void callin_prompts_open(struct daemon *d)
{
	char err[256];
	callin_head_open(d);
	for (int i = 0; i < CIP_N; i++) {
		if (voice_prompt_load(d, prompt_names[i], &d->ci_prompt[i], err, sizeof err) != 0) {
			LOG_E("callin", "prompt %s: %s; calls from villagers ring out and no callback is made",
			      prompt_names[i], err);
			return;
		}
	}
	d->ci_ok = 1;
}

static int prompts_ready(const struct daemon *d)
{
	if (!d->ci_ok || !d->voice_ok)
		return 0;
	for (int i = 0; i < CIP_N; i++)
		if (!d->ci_prompt[i].s)
			return 0;
	return 1;
}

static void ci_reset(struct worker *w)
{
	callin_head_reset(w);
	free(w->ci_pcm);
	w->ci_pcm = NULL;
	w->ci_n = 0;
	w->ci_kind = CI_NONE;
	w->ci_reserved = 0;
	w->ci_want = 0;
	w->ci_number[0] = w->ci_heard[0] = w->ci_confirmed[0] = '\0';
	memset(&w->ci, 0, sizeof w->ci);
	memset(&w->who, 0, sizeof w->who);
	memset(&w->cb, 0, sizeof w->cb);
}

/* Appends a notice id to a short list for the log ("12,11"). */
static void note_id(char *list, size_t n, int64_t id)
{
	size_t len = strlen(list);
	if (len + 24 < n)
		snprintf(list + len, n - len, "%s%lld", len ? "," : "", (long long)id);
}

/* Who is calling: the households on `number` and their unconfirmed
 * notices, into w->who and the menu (registered or not). */
static void lookup(struct worker *w, const char *number, int64_t now)
{
	struct daemon *d = w->d;
	int64_t notices[CALLIN_MAX_NOTICES];
	int n = 0;
	memset(&w->who, 0, sizeof w->who);
	if (number[0] &&
	    daemon_db_log(d, w->sub, "call-in lookup",
			  store_callin_lookup(d->st, number, now, d->cfg->callin.max_notices, &w->who, notices, &n)) != 0)
		n = 0;
	int registered = w->who.household_id != 0;
	if (!registered && d->cfg->callin.unknown == CALLIN_UNKNOWN_LATEST &&
	    store_callin_latest_public(d->st, now, &notices[0]) == STORE_OK)
		n = 1;
	callin_init(&w->ci, &d->cfg->callin, registered, notices, n);
}

/* Whom the logs name: "+8491... (Hộ Nguyễn Văn A)" or "+8491... (unknown)". */
static void caller_name(const struct worker *w, char *out, size_t n)
{
	char esc[160];
	util_escape_ctl(w->who.name, esc, sizeof esc);
	snprintf(out, n, "%s (%s)", w->ci_number[0] ? w->ci_number : "number withheld",
		 w->who.household_id || w->ci_head ? esc : "unknown");
}

/* Reserves the modem for this call (W_CALL): only an idle one. */
static int reserve(struct worker *w, const char *why)
{
	if (w->state == W_CALL_END)
		voice_reap(w);
	if (w->state != W_IDLE || !worker_ready(w))
		return 0;
	if (worker_move(w, W_CALL, why) != 0)
		return 0;
	w->ci_reserved = 1;
	return 1;
}

enum call_offer callin_op_offer(struct worker *w, const char *number)
{
	struct daemon *d = w->d;
	int64_t now = clock_wall_s();
	ci_reset(w);
	w->ci_kind = CI_IN;
	w->ci_started_s = now;
	snprintf(w->ci_number, sizeof w->ci_number, "%s", number);
	int head = callin_head_caller(w, number);
	if (head)
		snprintf(w->who.name, sizeof w->who.name, "head %s", w->head.name);
	else
		lookup(w, number, now);
	char who[200];
	caller_name(w, who, sizeof who);
	/* a head is always answered: the PIN, not the number, decides */
	enum callin_offer o = head ? CALLIN_ANSWER : callin_offer(&d->cfg->callin, w->ci.registered);
	if (o == CALLIN_REJECT) {
		LOG_I(w->sub, "call-in from %s: refused ([callin] unknown = reject)", who);
		return CALL_OFFER_REJECT;
	}
	const char *why = NULL;
	char err[256] = "";
	if (o == CALLIN_RING_OUT)
		why = "[callin] answer = callback";
	else if (!w->cfg->audio[0])
		why = "this modem has no audio port";
	else if (!head && !prompts_ready(d))
		why = d->ci_ok ? "the call-in prompts are still being rendered" : "no call-in prompts";
	else if (d->stopping)
		why = "the daemon is stopping";
	if (!why && !reserve(w, "call-in answered"))
		why = "the modem is busy";
	if (!why) {
		w->audio = voice_audio_open(w, err, sizeof err);
		if (w->audio && head) {
			LOG_I(w->sub, "call-in from %s: answering at ring %d: the recording menu", who,
			      d->cfg->callin.answer_rings);
			return CALL_OFFER_ANSWER;
		}
		if (w->audio) {
			LOG_I(w->sub, "call-in from %s: answering at ring %d, %d notice%s to read", who,
			      d->cfg->callin.answer_rings, w->ci.n, w->ci.n == 1 ? "" : "s");
			return CALL_OFFER_ANSWER;
		}
		why = err;
	}
	/* let it ring: the caller pays nothing and, if registered, is called
	 * back once it rings off */
	if (!w->ci_reserved)
		reserve(w, "call-in rings out");
	LOG_I(w->sub, "call-in from %s: not answered (%s)%s", who, why,
	      w->ci.registered ? "; a callback follows when it rings off" : "");
	return CALL_OFFER_RING_OUT;
}

/* ---- the menu ---- */

static void perform(struct worker *w, const struct callin_out *out);

static void menu_event(struct worker *w, enum callin_event ev)
{
	struct callin_out out;
	if (callin_event(&w->ci, ev, &out))
		perform(w, &out);
}

/* Plays notice `id`: its audio copied for this call (the notice cache may
 * be reused by another modem's call meanwhile); silence while it renders. */
static void play_notice(struct worker *w, int64_t id)
{
	struct daemon *d = w->d;
	struct notice nt;
	memset(&nt, 0, sizeof nt);
	if (store_notice_get(d->st, id, &nt) != STORE_OK) {
		LOG_E(w->sub, "call-in: notice %lld: %s", (long long)id, store_errmsg(d->st));
		w->ci_want = 0;
		menu_event(w, CIE_PROMPT_DONE);
		return;
	}
	struct pcm *p = voice_notice_audio(d, id, nt.text ? nt.text : "", nt.audio_path ? nt.audio_path : "");
	store_notice_clear(&nt);
	if (!p) {
		for (int i = 0; i < NOTICE_CACHE; i++) {
			if (d->notice[i].notice_id == id && d->notice[i].failed) {
				LOG_E(w->sub, "call-in: notice %lld cannot be read: %s", (long long)id, d->notice[i].err);
				w->ci_want = 0;
				menu_event(w, CIE_PROMPT_DONE);
				return;
			}
		}
		w->ci_want = id; /* callin_io tries again each turn */
		audio_play(w->audio, NULL, 0);
		return;
	}
	w->ci_want = 0;
	free(w->ci_pcm);
	w->ci_pcm = xmalloc(p->n * sizeof *p->s + 1);
	memcpy(w->ci_pcm, p->s, p->n * sizeof *p->s);
	w->ci_n = p->n;
	note_id(w->ci_heard, sizeof w->ci_heard, id);
	audio_play(w->audio, w->ci_pcm, w->ci_n);
}

void callin_io(struct worker *w)
{
	if (w->ci_head) {
		callin_head_io(w);
		return;
	}
	if (w->ci_want && w->state == W_CALL && w->audio && w->call.state == CALL_MENU)
		play_notice(w, w->ci_want);
}

static void confirm(struct worker *w, int64_t id)
{
	struct daemon *d = w->d;
	int n = 0;
	char who[200];
	caller_name(w, who, sizeof who);
	if (daemon_db_log(d, w->sub, "call-in confirm",
			  store_callin_confirm(d->st, w->ci_number, id, w->cfg->name, w->ci_started_s, clock_wall_s(),
					       &n)) != 0)
		return;
	note_id(w->ci_confirmed, sizeof w->ci_confirmed, id);
	LOG_I(w->sub, "call-in from %s: notice %lld confirmed by key 1 (%d household%s)", who, (long long)id, n,
	      n == 1 ? "" : "s");
}

static void perform(struct worker *w, const struct callin_out *out)
{
	struct daemon *d = w->d;
	for (int i = 0; i < out->n; i++) {
		const struct callin_act *a = &out->a[i];
		LOG_D(w->sub, "call-in menu {%s}: %s", callin_state_name(w->ci.state), callin_act_name(a->kind));
		switch (a->kind) {
		case CIA_PLAY_PROMPT:
			if (w->audio)
				audio_play(w->audio, d->ci_prompt[a->prompt].s, d->ci_prompt[a->prompt].n);
			break;
		case CIA_PLAY_NOTICE:
			if (w->audio)
				play_notice(w, a->notice_id);
			break;
		case CIA_CONFIRM:
			confirm(w, a->notice_id);
			break;
		case CIA_WAIT_KEY:
			call_menu_wait(&w->call, a->wait_ms);
			break;
		case CIA_HANGUP:
			call_menu_done(&w->call);
			return;
		}
	}
}

void callin_op_menu(struct worker *w, enum call_menu_ev ev, char digit)
{
	struct callin_out out;
	if (w->ci_head) {
		callin_head_menu(w, ev, digit);
		return;
	}
	switch (ev) {
	case CM_START:
		menu_event(w, CIE_ANSWERED);
		break;
	case CM_SEG_DONE:
		if (!w->ci_want)
			menu_event(w, CIE_PROMPT_DONE);
		break;
	case CM_KEY:
		w->ci_want = 0;
		if (callin_key(&w->ci, digit, &out))
			perform(w, &out);
		break;
	case CM_TIMEOUT:
		menu_event(w, CIE_TIMEOUT);
		break;
	}
}

/* ---- flashes and callbacks ---- */

/* A call from `number` (who/notices looked up) ended unanswered. */
static void flash(struct worker *w, const char *number, const struct callin_who *who, int n_notices, int64_t now)
{
	struct daemon *d = w->d;
	char why[200] = "", name[160];
	util_escape_ctl(who->name, name, sizeof name);
	if (!who->household_id)
		snprintf(why, sizeof why, "unknown caller");
	else if (!prompts_ready(d))
		snprintf(why, sizeof why, "no call-in prompts");
	else if (n_notices == 0)
		snprintf(why, sizeof why, "no notice it has not confirmed");
	int64_t due = 0, by = 0;
	if (!why[0]) {
		int64_t last = 0;
		if (store_callback_last(d->st, who->household_id, &last) == STORE_ERR)
			LOG_E(w->sub, "callback: %s", store_errmsg(d->st));
		due = callin_callback_at(&d->cfg->callin, 1, last, who->urgent, now, clock_local_minutes_of_day(now),
					 &by, why, sizeof why);
	}
	if (!due) {
		LOG_I(w->sub, "missed call from %s (%s): no callback: %s", number[0] ? number : "number withheld",
		      who->household_id ? name : "unknown", why);
		if (who->household_id)
			daemon_db_log(d, w->sub, "event",
				      store_event(d->st, "callback_skipped", 0, 0, who->household_id, w->cfg->name, why,
						  now));
		return;
	}
	char detail[400];
	snprintf(detail, sizeof detail, "missed call from %s on %s: call back from %+llds, by %+llds", number,
		 w->cfg->name, (long long)(due - now), (long long)(by - now));
	if (daemon_db_log(d, w->sub, "callback",
			  store_callback_add(d->st, who->household_id, number, due, by, who->urgent, detail, now)) != 0)
		return;
	d->cb_wake_at = 0; /* look again at once */
	LOG_I(w->sub, "missed call from %s (%s): callback in %llds", number, name, (long long)(due - now));
}

void callin_missed(struct worker *w, const char *line)
{
	struct incall_ev ev;
	if (incall_parse(at_profile(w->at), line, &ev) != INCALL_MISSED)
		return;
	if (call_active(&w->call) ||
	    (!strcmp(ev.number, w->ci_last_number) && clock_mono_ms() - w->ci_last_end_ms < MISSED_SAME_MS)) {
		LOG_D(w->sub, "missed-call report of the call just ended: %s", line);
		return;
	}
	/* a call that rang while we never saw it (the daemon was starting) */
	if (ev.id != INCALL_ID_SHOWN || ev.foreign)
		return;
	struct callin_who who;
	int64_t notices[CALLIN_MAX_NOTICES];
	int n = 0;
	int64_t now = clock_wall_s();
	if (daemon_db_log(w->d, w->sub, "call-in lookup",
			  store_callin_lookup(w->d->st, ev.number, now, w->d->cfg->callin.max_notices, &who, notices,
					      &n)) != 0)
		return;
	flash(w, ev.number, &who, n, now);
}

void callin_op_ended(struct worker *w)
{
	struct daemon *d = w->d;
	const struct call *c = &w->call;
	int64_t now = clock_wall_s();
	char who[200];
	caller_name(w, who, sizeof who);
	if (w->ci_head)
		callin_head_ended(w);
	char detail[640];
	snprintf(detail, sizeof detail, "%s %s: %s%s%s; keys '%s'; heard %s; confirmed %s",
		 w->ci_kind == CI_BACK ? "callback to" : "call from", who, call_outcome_name(c->outcome),
		 c->cause[0] ? ", " : "", c->cause, c->keys, w->ci_heard[0] ? w->ci_heard : "-",
		 w->ci_confirmed[0] ? w->ci_confirmed : "-");
	LOG_I(w->sub, "%s", detail);
	if (w->ci_kind == CI_BACK) {
		daemon_db_log(d, w->sub, "callback end",
			      store_callback_end(d->st, &w->cb, w->cfg->name, c->outcome == OUT_ANSWERED,
						 call_outcome_name(c->outcome), c->cause, c->keys, now));
	} else {
		daemon_db_log(d, w->sub, "event",
			      store_event(d->st, "call_in", 0, 0, w->who.household_id, w->cfg->name, detail, now));
		if (c->outcome == OUT_MISSED)
			flash(w, w->ci_number, &w->who, w->ci.registered ? w->ci.n : 0, now);
		snprintf(w->ci_last_number, sizeof w->ci_last_number, "%s", w->ci_number);
		w->ci_last_end_ms = clock_mono_ms();
	}
	w->call_guard_until = clock_mono_ms() + CALL_GUARD_MS;
	int reserved = w->ci_reserved;
	if (reserved)
		worker_move(w, W_CALL_END, "call over"); /* the loop closes the audio port */
	if (reserved && !w->audio)
		voice_reap(w);
	ci_reset(w);
}

/* Places a due callback on an idle modem with an audio port; 1 if it did. */
static int place_callback(struct daemon *d, struct worker *w, int64_t wall)
{
	struct callback_job j;
	int rc = store_callback_claim(d->st, w->cfg->name, wall, d->ci_quiet, &j);
	if (rc != STORE_OK) {
		if (rc != STORE_NOTFOUND)
			LOG_E(w->sub, "callback: %s", store_errmsg(d->st));
		return 0;
	}
	ci_reset(w);
	w->ci_kind = CI_BACK;
	w->cb = j;
	w->ci_started_s = wall;
	snprintf(w->ci_number, sizeof w->ci_number, "%s", j.phone);
	lookup(w, j.phone, wall);
	char who[200];
	caller_name(w, who, sizeof who);
	if (!w->ci.registered || w->ci.n == 0) {
		LOG_I(w->sub, "callback to %s: nothing left to read, not called", who);
		daemon_db_log(d, w->sub, "callback end",
			      store_callback_end(d->st, &j, w->cfg->name, 1, "not_called",
						 "every notice confirmed since", "", wall));
		ci_reset(w);
		return 1;
	}
	char err[256];
	w->audio = voice_audio_open(w, err, sizeof err);
	if (!w->audio) {
		LOG_E(w->sub, "callback to %s: %s", who, err);
		daemon_db_log(d, w->sub, "callback release", store_callback_release(d->st, &j, wall));
		ci_reset(w);
		d->claim_pause_until = clock_mono_ms() + CLAIM_PAUSE_MS;
		return 0;
	}
	/* as a notice call: the port, the dial, then the worker holds the call */
	LOG_I(w->sub, "callback to %s: calling, %d notice%s to read", who, w->ci.n, w->ci.n == 1 ? "" : "s");
	call_start_menu(&w->call, j.phone);
	worker_move(w, W_CALL, "callback");
	w->ci_reserved = 1;
	return 1;
}

/* ---- the driver ---- */

/* The next callback due wakes the loop; checked at most once a minute
 * unless one was just queued. */
static void ci_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	if (d->cb_wake_at && now < d->cb_wake_at) {
		if (d->cb_wake_at < *wake)
			*wake = d->cb_wake_at;
		return;
	}
	int64_t due, wall = clock_wall_s();
	d->cb_wake_at = now + CB_CHECK_MS;
	if (store_callback_next_due(d->st, d->ci_quiet, &due) == STORE_OK) {
		int64_t at = due <= wall ? now : now + (due - wall) * 1000;
		if (at < d->cb_wake_at)
			d->cb_wake_at = at;
	}
	if (d->cb_wake_at < *wake)
		*wake = d->cb_wake_at;
}

static void ci_plan_in(struct daemon *d, struct sched_in *in)
{
	d->ci_quiet = sched_is_quiet(in->minute_of_day, in->quiet_start, in->quiet_end);
}

/* Callbacks go before the SMS and the notice calls: a caller who flashed
 * waits by the phone for at most [callin] callback_s. */
static void ci_claim(struct daemon *d, const struct sched_out *out, int64_t now)
{
	(void)out;
	if (!d->cb_wake_at || now < d->cb_wake_at || d->stopping || d->time_held || now < d->claim_pause_until ||
	    !prompts_ready(d))
		return;
	int64_t wall = clock_wall_s();
	int placed = 0;
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		if (!w->cfg->audio[0] || !worker_idle(w) || call_active(&w->call) || w->call_cmds > 0 ||
		    w->connect_hangup || now < w->call_guard_until)
			continue;
		if (!place_callback(d, w, wall))
			break;
		placed = 1;
	}
	/* placed: the next tick looks for more at once; none (no modem free,
	 * or nothing due after all): again in a second, not every turn */
	d->cb_wake_at = placed ? 0 : now + CLAIM_PAUSE_MS;
}

static void ci_open(struct daemon *d)
{
	int n = 0;
	if (store_callback_recover(d->st, clock_wall_s(), &n) != STORE_OK)
		LOG_E("callin", "callbacks: %s", store_errmsg(d->st));
	else if (n)
		LOG_W("callin", "%d callback%s in progress when the daemon stopped: recorded as failed", n,
		      n > 1 ? "s were" : " was");
}

static void ci_close(struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		ci_reset(&d->m[i]);
}

static int ci_in_flight(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].ci_kind)
			return 1;
	return 0;
}

const struct channel_driver drv_callin = {
	.name = "callin",
	.open = ci_open,
	.close = ci_close,
	.tick = ci_tick,
	.plan_in = ci_plan_in,
	.claim = ci_claim,
	.in_flight = ci_in_flight,
};
