/* drv_callin_head — the village head records a notice by phone (issue 17
 * item 3): the glue between an answered call from a sender who has a PIN
 * (drv_callin.c hands it over), the recording menu's table
 * (domain/headrec.c), the PIN check (domain/sender.c: hashed, wrong PINs
 * counted with wrong SMS codes and locked out alike), the capture of the
 * downlink (modem/audio.c), its cleaning and checks (tts/tts_rec.c) and the
 * notice it becomes (domain/headnotice.c).
 *
 * Caller ID alone proves nothing (numbers can be forged): nothing happens
 * before the PIN is right, three wrong PINs end the call, and every try is
 * an event.  The notice is created only by the last key of the menu; a
 * call that ends anywhere before leaves no notice and no file. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "domain/headnotice.h"
#include "domain/headrec.h"
#include "domain/sender.h"
#include "modem/audio.h"
#include "tts/tts_audio.h"
#include "tts/tts_rec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A recording counts as finished when the caller has been silent this
 * long after speaking (or never spoke for this long). */
enum { QUIET_END_MS = 5000, BEEP_MS = 400, BEEP_HZ = 1000 };

void callin_head_open(struct daemon *d)
{
	char err[256];
	for (int i = 0; i < HRP_N; i++) {
		if (i == HRP_BEEP)
			continue;
		if (voice_prompt_load(d, headrec_prompt_name((enum headrec_prompt)i), &d->hr_prompt[i], err,
				      sizeof err) != 0) {
			LOG_E("callin", "prompt %s: %s; the head cannot record by phone", headrec_prompt_name(i), err);
			return;
		}
	}
	/* the tone: a short sine, faded in and out so it does not click */
	size_t n = AUDIO_RATE * BEEP_MS / 1000;
	int16_t *s = xmalloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++) {
		double env = i < 80 ? i / 80.0 : n - i < 80 ? (n - i) / 80.0 : 1.0;
		s[i] = (int16_t)(8000.0 * env * sin(2 * M_PI * BEEP_HZ * (double)i / AUDIO_RATE));
	}
	d->hr_prompt[HRP_BEEP].s = s;
	d->hr_prompt[HRP_BEEP].n = n;
	d->hr_ok = 1;
}

void callin_head_close(struct daemon *d)
{
	for (int i = 0; i < HRP_N; i++)
		free(d->hr_prompt[i].s);
	for (int i = 0; i < LOA_MAX_MODEMS; i++)
		free(d->hr_list[i].s);
}

static int prompts_ready(const struct daemon *d)
{
	if (!d->hr_ok)
		return 0;
	for (int i = 0; i < HRP_N; i++)
		if (!d->hr_prompt[i].s)
			return 0;
	return 1;
}

void callin_head_reset(struct worker *w)
{
	if (w->hr_wav[0] && unlink(w->hr_wav) == 0)
		LOG_I(w->sub, "head's recording %s discarded", w->hr_wav);
	w->hr_wav[0] = '\0';
	free(w->hr_rec);
	w->hr_rec = NULL;
	w->hr_rec_n = 0;
	w->hr_speech_ms = 0;
	w->hr_list_wait = 0;
	w->hr_recording = 0;
	w->ci_head = 0;
	memset(&w->hr, 0, sizeof w->hr);
	memset(&w->head, 0, sizeof w->head);
	memset(&w->hg, 0, sizeof w->hg);
}

int callin_head_caller(struct worker *w, const char *number)
{
	struct daemon *d = w->d;
	if (!number[0] || !prompts_ready(d))
		return 0;
	struct sender s;
	if (store_sender_by_phone(d->st, number, &s) != STORE_OK || !s.pin_hash[0])
		return 0;
	if (headnotice_groups(d->st, &s, &w->hg) != 0) {
		LOG_E(w->sub, "head's groups: %s", store_errmsg(d->st));
		return 0;
	}
	w->head = s;
	w->ci_head = 1;
	headrec_init(&w->hr, d->cfg->callin.key_wait_s, d->cfg->callin.record_max_s, w->hg.n);
	return 1;
}

static void head_event(struct worker *w, enum headrec_event ev, int arg);

static int worker_index(const struct worker *w)
{
	return (int)(w - w->d->m);
}

static void play_groups(struct worker *w)
{
	struct daemon *d = w->d;
	struct pcm *p = &d->hr_list[worker_index(w)];
	if (p->pending) {
		w->hr_list_wait = 1; /* an earlier request still renders: wait for it, then ask again */
		audio_play(w->audio, NULL, 0);
		return;
	}
	char text[1200];
	headnotice_groups_text(&w->hg, text, sizeof text);
	voice_text_load(d, text, p, "the head's group list");
	if (p->s) {
		w->hr_list_wait = 0;
		audio_play(w->audio, p->s, p->n);
	} else if (p->failed) {
		LOG_E(w->sub, "the head's group list cannot be spoken: %s", p->err);
		w->hr_list_wait = 0;
		head_event(w, HRE_PROMPT_DONE, 0);
	} else {
		w->hr_list_wait = 1;
		audio_play(w->audio, NULL, 0);
	}
}

static void check_pin(struct worker *w, const char *pin)
{
	struct daemon *d = w->d;
	int in_window = 0;
	enum sender_pin r = sender_pin_check(d->st, w->head.phone, w->ci_number, pin, d->cfg->inbox.lock_wrong,
					     d->cfg->inbox.lock_window_s, clock_wall_s(), &in_window);
	char name[160];
	util_escape_ctl(w->head.name, name, sizeof name);
	LOG_I(w->sub, "head %s (%s) by phone: PIN %s", w->head.phone, name, sender_pin_name(r));
	if (r == SENDER_PIN_RIGHT)
		head_event(w, HRE_PIN_OK, 0);
	else if (r == SENDER_PIN_LOCKED || r == SENDER_PIN_NONE || r == SENDER_PIN_ERR)
		head_event(w, HRE_PIN_LOCKED, 0);
	else
		head_event(w, HRE_PIN_BAD, 0);
}

static void validate(struct worker *w)
{
	struct daemon *d = w->d;
	int16_t *pcm = NULL;
	size_t n = 0;
	audio_record_take(w->audio, &pcm, &n);
	w->hr_recording = 0;
	struct tts_rec_info info;
	char tag[48], err[256];
	snprintf(tag, sizeof tag, "%s-%lld", w->cfg->name, (long long)w->ci_started_s);
	for (char *p = tag; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			*p = '_';
	int v = tts_rec_save(pcm, n, d->cfg->callin.record_max_s, d->cfg->callin.spool, clock_wall_s(), tag,
			     w->hr_wav, sizeof w->hr_wav, &info, err, sizeof err);
	free(pcm);
	if (v < 0) {
		LOG_E(w->sub, "head's recording: %s", err);
		w->hr_wav[0] = '\0';
		head_event(w, HRE_REC_BAD, HRB_SILENCE);
		return;
	}
	LOG_I(w->sub, "head's recording: %.1f s captured: %s", (double)n / AUDIO_RATE, info.why);
	if (v != TTS_REC_OK) {
		w->hr_wav[0] = '\0';
		head_event(w, HRE_REC_BAD, v == TTS_REC_TOO_SHORT ? HRB_TOO_SHORT : v == TTS_REC_TOO_LONG ? HRB_TOO_LONG
												     : HRB_SILENCE);
		return;
	}
	free(w->hr_rec);
	w->hr_rec = NULL;
	if (tts_audio_load_pcm(w->hr_wav, &w->hr_rec, &w->hr_rec_n, err, sizeof err) != 0) {
		LOG_E(w->sub, "head's recording: %s", err);
		unlink(w->hr_wav);
		w->hr_wav[0] = '\0';
		head_event(w, HRE_REC_BAD, HRB_SILENCE);
		return;
	}
	w->hr_speech_ms = info.speech_ms;
	head_event(w, HRE_REC_OK, 0);
}

static void discard(struct worker *w)
{
	if (w->audio && w->hr_recording)
		audio_record_stop(w->audio);
	if (w->audio) {
		int16_t *pcm = NULL;
		size_t n = 0;
		audio_record_take(w->audio, &pcm, &n);
		free(pcm);
	}
	w->hr_recording = 0;
	free(w->hr_rec);
	w->hr_rec = NULL;
	w->hr_rec_n = 0;
	if (w->hr_wav[0])
		unlink(w->hr_wav);
	w->hr_wav[0] = '\0';
}

static void create(struct worker *w, int group, int urgent)
{
	struct daemon *d = w->d;
	struct headnotice_req r = {
		.head = &w->head, .caller = w->ci_number, .groups = &w->hg, .group = group, .urgent = urgent,
		.wav = w->hr_wav, .speech_ms = w->hr_speech_ms, .village = d->cfg->callin.village,
		.numbers = d->cfg->callin.numbers,
	};
	int64_t id = 0;
	char err[300];
	if (notice_from_recording(d->st, &d->cfg->inbox.notice, &r, &id, err, sizeof err) != 0) {
		LOG_E(w->sub, "head %s: the recorded notice was not created: %s", w->head.phone, err);
		w->hr_wav[0] = '\0'; /* notice_from_recording removed it */
		head_event(w, HRE_FAILED, 0);
		return;
	}
	LOG_I(w->sub, "head %s: notice %lld recorded by phone (%.1f s, group %d, %s)", w->head.phone, (long long)id,
	      (double)w->hr_rec_n / AUDIO_RATE, group, urgent ? "urgent" : "not urgent");
	w->hr_wav[0] = '\0'; /* the notice owns the file now */
	d->claim_pause_until = 0;
	head_event(w, HRE_CREATED, 0);
}

static void perform(struct worker *w, const struct headrec_out *out)
{
	struct daemon *d = w->d;
	for (int i = 0; i < out->n; i++) {
		const struct headrec_act *a = &out->a[i];
		LOG_D(w->sub, "head menu {%s}: %s", headrec_state_name(w->hr.state), headrec_act_name(a->kind));
		switch (a->kind) {
		case HRA_PLAY_PROMPT:
			if (w->audio)
				audio_play(w->audio, d->hr_prompt[a->prompt].s, d->hr_prompt[a->prompt].n);
			break;
		case HRA_STOP_PLAY:
			if (w->audio)
				audio_play(w->audio, NULL, 0);
			break;
		case HRA_WAIT_KEY:
			call_menu_wait(&w->call, a->wait_ms);
			break;
		case HRA_CHECK_PIN:
			check_pin(w, a->pin);
			break;
		case HRA_START_RECORD:
			if (w->audio && audio_record_start(w->audio, (size_t)a->max_ms * AUDIO_RATE / 1000) == 0)
				w->hr_recording = 1;
			break;
		case HRA_STOP_RECORD:
			if (w->audio)
				audio_record_stop(w->audio);
			w->hr_recording = 0;
			break;
		case HRA_VALIDATE:
			if (w->audio)
				validate(w);
			break;
		case HRA_DISCARD:
			discard(w);
			break;
		case HRA_PLAY_RECORDING:
			if (w->audio)
				audio_play(w->audio, w->hr_rec, w->hr_rec_n);
			break;
		case HRA_PLAY_GROUPS:
			if (w->audio)
				play_groups(w);
			break;
		case HRA_CREATE:
			create(w, a->group, a->urgent);
			break;
		case HRA_HANGUP:
			call_menu_done(&w->call);
			return;
		}
	}
}

static void head_event(struct worker *w, enum headrec_event ev, int arg)
{
	struct headrec_out out;
	if (headrec_event(&w->hr, ev, arg, &out))
		perform(w, &out);
}

void callin_head_menu(struct worker *w, enum call_menu_ev ev, char digit)
{
	struct headrec_out out;
	switch (ev) {
	case CM_START:
		LOG_I(w->sub, "head %s calls: the recording menu (PIN first)", w->head.phone);
		head_event(w, HRE_ANSWERED, 0);
		break;
	case CM_SEG_DONE:
		if (!w->hr_list_wait)
			head_event(w, HRE_PROMPT_DONE, 0);
		break;
	case CM_KEY:
		if (headrec_key(&w->hr, digit, &out))
			perform(w, &out);
		break;
	case CM_TIMEOUT:
		head_event(w, HRE_TIMEOUT, 0);
		break;
	}
}

/* Each loop turn: the group list's speech, and the capture's end. */
void callin_head_io(struct worker *w)
{
	if (!w->ci_head || !w->audio || w->call.state != CALL_MENU)
		return;
	if (w->hr_list_wait) {
		struct pcm *p = &w->d->hr_list[worker_index(w)];
		if (!p->pending && (p->s || p->failed)) {
			if (p->s) {
				w->hr_list_wait = 0;
				audio_play(w->audio, p->s, p->n);
			} else {
				play_groups(w); /* an earlier request's result: render ours */
			}
		}
	}
	if (w->hr_recording) {
		if (audio_record_state(w->audio) == AUDIO_REC_FULL)
			head_event(w, HRE_REC_FULL, 0);
		else if (audio_record_quiet_ms(w->audio) >= QUIET_END_MS)
			head_event(w, HRE_REC_QUIET, 0);
	}
}

void callin_head_ended(struct worker *w)
{
	struct headrec_out out;
	enum headrec_state at = w->hr.state;
	if (headrec_event(&w->hr, HRE_HANGUP, 0, &out)) {
		for (int i = 0; i < out.n; i++)
			if (out.a[i].kind == HRA_DISCARD)
				discard(w);
	}
	if (at != HR_DONE && !w->hr.created) {
		char detail[200];
		snprintf(detail, sizeof detail, "the head's call from %s ended at %s: nothing created", w->ci_number,
			 headrec_state_name(at));
		LOG_I(w->sub, "%s", detail);
		daemon_db_log(w->d, w->sub, "event",
			      store_event(w->d->st, "head_call_ended", 0, 0, 0, w->cfg->name, detail, clock_wall_s()));
	}
	discard(w);
}
