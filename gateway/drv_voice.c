/* drv_voice — the voice channel driver: calls on the modems with an audio
 * port: the speech they play (prompts and notices rendered by the synthesis
 * thread, loaded as PCM, a small cache of notices), the glue between the
 * call table (modem/call.c), the AT engine and the audio port, and the
 * delivery log of each call (its final state is call_final()'s; which of
 * the household's phones the next attempt calls, sched_call_next_phone()'s).
 * Speech is never synthesised here: requests go to the synthesis thread,
 * which wakes the loop through a pipe; a call is claimed only once its
 * audio is loaded.
 * Which modem calls when is domain/sched.c's: a modem in a call still
 * answers URCs and the others keep sending. */
#include "gateway/daemon_int.h"

#include "db/store.h"
#include "domain/sched.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "modem/audio.h"
#include "tts/tts_audio.h"
#include "tts/tts_engine.h"
#include "tts/tts_prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void submit(struct daemon *d, struct pcm *p, int prompt, const char *what, const char *text)
{
	struct tts_req *r = xcalloc(1, sizeof *r);
	r->d = d;
	r->p = p;
	r->prompt = prompt;
	snprintf(r->what, sizeof r->what, "%s", what);
	p->pending = 1;
	if (tts_engine_submit(d->tts, text, NULL, 0, tts_done, r) != 0) {
		free(r);
		p->pending = 0;
		p->failed = 1;
		return;
	}
	r->next = d->reqs;
	d->reqs = r;
}

/* Collects finished renderings (loop side). */
static void voice_collect(struct daemon *d)
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
		struct pcm *p = r->p;
		const char *what = r->what;
		if (r->rc == 0) {
			pcm_load(p, r->path, r->prompt ? what : NULL);
			if (p->s)
				LOG_I("voice", "%s rendered (%.1f s)", what, (double)p->n / TTS_AUDIO_RATE);
		} else {
			snprintf(p->err, sizeof p->err, "speech failed: %s", r->err);
			p->pending = 0;
			p->failed = 1;
		}
		if (r->prompt && p >= d->prompt && p < d->prompt + SEG_N && p->failed && !d->voice_err[0]) {
			/* prompts are never ready: no call can be placed */
			LOG_E("voice", "%s: %s; no calls", what, p->err);
			snprintf(d->voice_err, sizeof d->voice_err, "call prompt: %s", p->err);
			d->voice_ok = 0;
		}
		free(r);
	}
}

int voice_prompt_load(struct daemon *d, const char *name, struct pcm *p, char *err, size_t errlen)
{
	char path[PATH_MAX], what[64];
	snprintf(what, sizeof what, "prompt %s", name);
	if (tts_prompt_recording(&d->cfg->tts, name, path, sizeof path)) {
		/* a recording: converted once into the cache, no synthesis */
		if (tts_prompt_render(d->tts, name, path, sizeof path, err, errlen) != 0)
			return -1;
		pcm_load(p, path, name);
		if (!p->s) {
			snprintf(err, errlen, "%s cannot be loaded", name);
			return -1;
		}
		return 0;
	}
	char *text = NULL;
	if (tts_prompt_text(&d->cfg->tts, name, &text, err, errlen) != 0)
		return -1;
	if (tts_engine_cache_path(d->tts, text, path, sizeof path)) {
		pcm_load(p, path, name);
		if (!p->s) {
			snprintf(err, errlen, "%s cannot be loaded", name);
			free(text);
			return -1;
		}
	} else
		submit(d, p, 1, what, text);
	free(text);
	return 0;
}

void voice_text_load(struct daemon *d, const char *text, struct pcm *p, const char *what)
{
	char path[PATH_MAX];
	free(p->s);
	p->s = NULL;
	p->n = 0;
	p->failed = 0;
	p->err[0] = '\0';
	if (d->tts && tts_engine_cache_path(d->tts, text, path, sizeof path))
		pcm_load(p, path, what);
	else if (d->tts)
		submit(d, p, 0, what, text);
	else
		p->failed = 1;
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
	if (tts_engine_open(&d->tts, &d->cfg->tts, err, sizeof err) != 0) {
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
		if (voice_prompt_load(d, names[i], &d->prompt[i], err, sizeof err) != 0) {
			LOG_E("voice", "prompt %s: %s; no calls", names[i], err);
			snprintf(d->voice_err, sizeof d->voice_err, "call prompt %s: %s", names[i], err);
			return;
		}
	}
	d->voice_ok = 1;
	callin_prompts_open(d);
}

static void voice_close(struct daemon *d)
{
	if (d->tts)
		tts_engine_close(d->tts); /* finishes queued requests (callbacks run) */
	voice_collect(d);
	for (int i = 0; i < SEG_N; i++)
		free(d->prompt[i].s);
	for (int i = 0; i < CIP_N; i++)
		free(d->ci_prompt[i].s);
	callin_head_close(d);
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
struct pcm *voice_notice_audio(struct daemon *d, int64_t id, const char *text, const char *audio_path)
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
		submit(d, p, 0, what, text);
	}
	return p->s ? p : NULL;
}

static void call_ctx_done(struct at_modem *m, const struct at_result *r, void *arg);
struct call_ctx {
	struct worker *dm;
	enum call_cmd tag;
	unsigned gen;           /* the call that sent it */
};

static int op_cmd(void *arg, const char *cmd, int timeout_ms, enum call_cmd tag, int urgent)
{
	struct worker *dm = arg;
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
	struct worker *dm = c->dm;
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
	struct worker *dm = arg;
	if (!dm->audio)
		return;
	if (seg == SEG_NOTICE)
		audio_play(dm->audio, dm->notice_pcm, dm->notice_n);
	else
		audio_play(dm->audio, dm->d->prompt[seg].s, dm->d->prompt[seg].n);
}

static void op_progress(void *arg, enum call_state to, int played)
{
	struct worker *dm = arg;
	if (dm->ci_kind)
		return; /* a call-in or callback: no delivery moves with it */
	const char *state = played ? "played" : to == CALL_RINGING ? "ringing" : "answered";
	LOG_I(dm->sub, "delivery %lld notice %lld: %s", (long long)dm->cj.delivery_id, (long long)dm->cj.notice_id,
	      state);
	if (store_call_progress(dm->d->st, &dm->cj, dm->cfg->name, state, clock_wall_s()) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, store_errmsg(dm->d->st));
}

static void op_ended(void *arg)
{
	struct worker *dm = arg;
	if (dm->ci_kind) {
		callin_op_ended(dm);
		return;
	}
	struct daemon *d = dm->d;
	const struct call *c = &dm->call;
	int64_t now = clock_wall_s(), next = 0;
	enum call_final f = call_final(c->confirmed, c->played, dm->cj.attempts, d->pol.call_attempts, now,
				       d->pol.call_retry_s, &next);
	const char *final = call_final_name(f);
	/* nobody answered: the next attempt calls the household's other phone */
	int other = f == CALL_FINAL_QUEUED &&
		    sched_call_next_phone(dm->cj.phone_idx, dm->cj.other[0] ? 2 : 1, c->outcome == OUT_ANSWERED) !=
			    dm->cj.phone_idx;
	char cause[200];
	snprintf(cause, sizeof cause, "%s", c->cause);
	if (!c->cause[0] && c->outcome == OUT_ANSWERED && !c->played && !c->confirmed)
		snprintf(cause, sizeof cause, "hung up before the end of the notice");
	LOG_I(dm->sub, "delivery %lld notice %lld: call %s%s%s%s, keys '%s' -> %s%s%s", (long long)dm->cj.delivery_id,
	      (long long)dm->cj.notice_id, call_outcome_name(c->outcome), cause[0] ? " (" : "", cause, cause[0] ? ")" : "",
	      c->keys, final, next ? " (retry later" : "", !next ? "" : other ? " on the other phone)" : ")");
	if (store_call_end(d->st, &dm->cj, dm->cfg->name, call_outcome_name(c->outcome), cause, c->keys, final, next,
			   other, now) != STORE_OK)
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, store_errmsg(d->st));
	dm->call_guard_until = clock_mono_ms() + CALL_GUARD_MS;
	worker_move(dm, W_CALL_END, "call over"); /* the loop closes the audio port */
}

static void audio_done(void *arg)
{
	struct worker *dm = arg;
	call_seg_done(&dm->call);
}

static void audio_digit(void *arg, char digit)
{
	struct worker *dm = arg;
	call_digit(&dm->call, digit);
}

static enum call_offer op_offer(void *arg, const char *number)
{
	return callin_op_offer(arg, number);
}

static void op_menu(void *arg, enum call_menu_ev ev, char digit)
{
	callin_op_menu(arg, ev, digit);
}

static void vo_modem_init(struct worker *dm)
{
	static const struct call_ops ops = { op_cmd, op_play, op_progress, op_ended, op_offer, op_menu };
	const struct daemon_policy *pol = &dm->d->pol;
	struct call_timing tm = { pol->ring_timeout_s * 1000, pol->call_key_wait_s * 1000, pol->call_max_s * 1000,
				  pol->call_repeats, pol->call_replays, dm->d->cfg->callin.answer_rings };
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

struct audio_port *voice_audio_open(struct worker *w, char *err, size_t errlen)
{
	static const struct audio_hooks hooks = { audio_done, audio_digit };
	return audio_open(w->cfg->audio, &hooks, w, err, errlen);
}

/* Starts a call on `dm` if one is due and its audio is ready; 1 if it did. */
static int voice_claim(struct worker *dm, int urgent_only)
{
	struct daemon *d = dm->d;
	int64_t nid = 0;
	char *text = NULL, *apath = NULL;
	int64_t wall = clock_wall_s();
	if (store_call_peek(d->st, wall, urgent_only, &nid, &text, &apath) != STORE_OK)
		return 0;
	struct pcm *p = voice_notice_audio(d, nid, text, apath);
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
	dm->audio = voice_audio_open(dm, err, sizeof err);
	if (!dm->audio) {
		LOG_E(dm->sub, "delivery %lld: %s", (long long)dm->cj.delivery_id, err);
		daemon_db_log(d, dm->sub, "call release", store_call_release(d->st, &dm->cj, dm->cfg->name, err, wall));
		d->claim_pause_until = clock_mono_ms() + CLAIM_PAUSE_MS;
		return 0;
	}
	LOG_I(dm->sub, "delivery %lld notice %lld: calling %s (attempt %d%s)", (long long)dm->cj.delivery_id,
	      (long long)dm->cj.notice_id, dm->cj.phone, dm->cj.attempts, dm->cj.phone_idx ? ", second phone" : "");
	call_start(&dm->call, dm->cj.phone);
	worker_move(dm, W_CALL, "call started");
	return 1;
}

/* The audio port of a call that ended closes here, from the loop, not
 * from inside the audio port's own callbacks. */
void voice_reap(struct worker *dm)
{
	if (dm->state != W_CALL_END)
		return;
	if (dm->audio) {
		struct audio_stats st;
		audio_stats(dm->audio, &st);
		LOG_D(dm->sub, "audio: %ld frames in, %ld out (%ld on the timer)", st.frames_in, st.frames_out,
		      st.timer_frames);
		audio_close(dm->audio);
		dm->audio = NULL;
	}
	worker_move(dm, W_IDLE, "audio port closed");
}

/* ---- the driver ---- */

static void on_chup(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct worker *dm = arg;
	dm->connect_hangup = 0;
	LOG_D(dm->sub, "hang-up at connect: %s", at_final_name(r->final));
}

static void vo_modem_state(struct worker *dm, int ready)
{
	if (!ready) {
		if (call_active(&dm->call))
			call_port_lost(&dm->call);
		return;
	}
	/* a call left up by a daemon that died (kill -9, power) keeps the
	 * modem busy for our next ATD: hang it up before dialing */
	if (dm->cfg->audio[0] && !call_active(&dm->call) && at_cmd(dm->at, "AT+CHUP", 5000, on_chup, dm) == 0)
		dm->connect_hangup = 1;
}

static int vo_urc(struct worker *dm, const struct at_urc *u)
{
	switch (u->kind) {
	case URC_RING:
	case URC_CLIP:
		/* an incoming call (modem/call.c decides: a new one when idle) */
		LOG_D(dm->sub, "call event: %s", u->line);
		call_urc(&dm->call, u);
		return 1;
	case URC_MISSED:
		callin_missed(dm, u->line);
		return 1;
	case URC_CALL:
	case URC_DTMF:
		if (call_active(&dm->call)) {
			LOG_D(dm->sub, "call event: %s", u->line);
			call_urc(&dm->call, u);
		} else
			LOG_D(dm->sub, "call event outside a call ignored: %s", u->line);
		return 1;
	default:
		return 0;
	}
}

/* Calls go after SMS: what is due, and which modem could call. */
/* Calls that no modem placed within voice.expire_h end as unreached, so
 * their households reach the visit list (whether or not any modem can
 * call: that is when it matters). */
static void vo_tick(struct daemon *d, int64_t now, int64_t *wake)
{
	(void)wake;
	if (now < d->call_expire_at || d->time_held)
		return;
	int n = 0;
	if (daemon_db_log(d, "voice", "expire calls",
			  store_call_expire(d->st, clock_wall_s(), (int64_t)d->pol.call_expire_h * 3600, &n)) == 0 && n)
		LOG_W("voice", "%d call%s not placed within voice.expire_h = %d: unreached, on the visit list", n,
		      n > 1 ? "s" : "", d->pol.call_expire_h);
	d->call_expire_at = now + EXPIRE_EVERY_MS;
}

static void vo_plan_in(struct daemon *d, struct sched_in *in)
{
	d->voice_planned = d->voice_ok;
	if (d->voice_ok) {
		voice_collect(d);
		int quiet = sched_is_quiet(in->minute_of_day, in->quiet_start, in->quiet_end);
		int64_t t;
		if (store_call_next_due(d->st, 0, &t) == STORE_OK) {
			in->voice_due_s = t;
			if (!quiet)
				in->voice_due_urgent_s = t;
			else if (store_call_next_due(d->st, 1, &t) == STORE_OK)
				in->voice_due_urgent_s = t;
		}
	}
	for (int i = 0; i < d->n; i++) {
		const struct worker *w = &d->m[i];
		in->modems[i].has_audio = w->cfg->audio[0] != '\0';
		in->modems[i].calling = worker_in_call(w) || call_active(&w->call) || w->connect_hangup ||
					w->call_cmds > 0;
		in->modems[i].call_guard_until = w->call_guard_until;
	}
}

static void vo_claim(struct daemon *d, const struct sched_out *out, int64_t now)
{
	/* a claim that just found nothing holds the planned calls */
	for (int i = 0; i < out->n_calls && now >= d->claim_pause_until; i++) {
		struct worker *w = &d->m[out->call[i].modem];
		if (!worker_idle(w))
			continue;
		if (!voice_claim(w, out->call[i].urgent_only))
			break;
	}
	if (!d->voice_planned && d->voice_err[0] && !d->stopping)
		voice_fail_all(d);
}

/* One slot per modem (its audio port, or -1) and the synthesis pipe. */
static int vo_poll_fds(struct daemon *d, struct pollfd *pfd, int64_t *wake)
{
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		pfd[i].fd = w->audio ? audio_fd(w->audio) : -1;
		pfd[i].events = w->audio ? audio_events(w->audio) : 0;
		pfd[i].revents = 0;
		if (w->audio && audio_deadline(w->audio) < *wake)
			*wake = audio_deadline(w->audio);
		if (call_deadline(&w->call) < *wake)
			*wake = call_deadline(&w->call);
	}
	pfd[d->n].fd = d->tts_pipe[0];
	pfd[d->n].events = POLLIN;
	pfd[d->n].revents = 0;
	return d->n + 1;
}

static void vo_io(struct daemon *d, const struct pollfd *pfd, int ready)
{
	for (int i = 0; i < d->n; i++) {
		struct worker *w = &d->m[i];
		if (w->state == W_CALL && w->audio && ready && pfd[i].revents)
			audio_io(w->audio, pfd[i].revents);
		if (w->state == W_CALL && w->audio && audio_deadline(w->audio) <= clock_mono_ms())
			audio_tick(w->audio);
		if (w->ci_kind)
			callin_io(w);
		if (call_deadline(&w->call) <= clock_mono_ms())
			call_tick(&w->call);
		voice_reap(w);
	}
	if (ready && pfd[d->n].revents)
		voice_collect(d);
}

static void vo_stop(struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (call_active(&d->m[i].call))
			call_stop(&d->m[i].call);
}

static int vo_in_flight(const struct daemon *d)
{
	for (int i = 0; i < d->n; i++)
		if (call_active(&d->m[i].call) || d->m[i].call_cmds > 0)
			return 1;
	return d->reqs != NULL;
}

/* Daemon exit, before the AT engine goes: the call ends as if the port was
 * lost (recorded), its audio port closes. */
static void vo_modem_close(struct worker *w)
{
	if (call_active(&w->call))
		call_port_lost(&w->call);
	voice_reap(w);
}

const struct channel_driver drv_voice = {
	.name = "voice",
	.open = voice_open,
	.close = voice_close,
	.modem_init = vo_modem_init,
	.modem_close = vo_modem_close,
	.modem_state = vo_modem_state,
	.urc = vo_urc,
	.tick = vo_tick,
	.plan_in = vo_plan_in,
	.claim = vo_claim,
	.poll_fds = vo_poll_fds,
	.io = vo_io,
	.stop = vo_stop,
	.in_flight = vo_in_flight,
};
