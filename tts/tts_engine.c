/* tts_engine — see tts_engine.h.
 *
 * DESIGN: a mutex-protected FIFO of requests and one worker thread.  The
 * worker owns espeak-ng for its whole life (initialised and terminated on
 * that thread), so tts_synth's "one thread only" rule holds by
 * construction.  The cache file is written under a temporary name and
 * renamed, so a reader never sees half a WAV; requests are served in order
 * by one thread, so the same notice queued twice is rendered once and the
 * second request finds the file. */
#include "tts/tts_engine.h"

#include "tts/tts_config.h"
#include "base/log.h"
#include "base/util.h"
#include "tts/tts_audio.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct job {
	struct job *next;
	char *text;
	char *out_path;
	unsigned flags;
	tts_done_fn done;
	void *arg;
};

struct tts_engine {
	struct tts_config cfg;
	struct tts_opts opts;
	struct tts_voice voice;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int stopping;
	int started;    /* thread finished its start-up */
	int start_rc;
	char start_err[512];
};

static int engine_in_use;

/* Everything besides the text that changes the audio. */
static void cache_key(const struct tts_engine *e, const char *ssml, char *hex, size_t hexlen)
{
	char params[512];
	snprintf(params, sizeof params, "loa-tts front=%s voice=%s rate=%d pitch=%d gap=%d vol=%d "
		 "level=%.1f ceil=%.1f lead=%d tail=%d sr=%d pauses=%d/%d/%d",
		 TTS_FRONT_VERSION, e->voice.name, e->voice.rate, e->voice.pitch, e->voice.word_gap,
		 e->voice.volume, TTS_LEVEL_DBFS, TTS_CEILING_DBFS, TTS_LEAD_SILENCE_MS,
		 TTS_TAIL_SILENCE_MS, TTS_AUDIO_RATE, TTS_PAUSE_HEADING_MS, TTS_PAUSE_ITEM_MS,
		 TTS_PAUSE_SENTENCE_MS);
	unsigned char h[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)params, strlen(params) + 1);
	crypto_generichash_update(&st, (const unsigned char *)ssml, strlen(ssml));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, hexlen, h, sizeof h);
}

static void path_for(const struct tts_engine *e, const char *ssml, char *out, size_t len)
{
	char hex[40];
	cache_key(e, ssml, hex, sizeof hex);
	snprintf(out, len, "%s/%s.wav", e->cfg.cache, hex);
}

static int file_ok(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 44;
}

static int render(struct tts_engine *e, const char *ssml, const char *path, char *err, size_t errlen)
{
	int16_t *pcm;
	size_t n;
	if (tts_synth_run(ssml, &pcm, &n, err, errlen) != 0)
		return -1;
	float *x = xmalloc((n ? n : 1) * sizeof *x);
	for (size_t i = 0; i < n; i++)
		x[i] = (float)pcm[i] / 32768.0f;
	free(pcm);
	int rc = tts_audio_finish(x, n, e->start_rc, TTS_LEAD_SILENCE_MS, path, err, errlen);
	free(x);
	return rc;
}

static void run_job(struct tts_engine *e, struct job *j)
{
	char err[PATH_MAX + 512] = "";
	char path[PATH_MAX + 64];
	struct tts_opts o = e->opts;
	o.ssml = 1;
	char *ssml = tts_frontend(&o, j->text);
	int rc = 0;
	if (j->out_path) {
		snprintf(path, sizeof path, "%s", j->out_path);
		rc = render(e, ssml, path, err, sizeof err);
	} else {
		path_for(e, ssml, path, sizeof path);
		if ((j->flags & TTS_NO_CACHE) || !file_ok(path)) {
			int m = util_mkdirs(e->cfg.cache, 0750);
			if (m != 0) {
				snprintf(err, sizeof err, "tts.cache %s: %s", e->cfg.cache, strerror(-m));
				rc = -1;
			} else {
				rc = render(e, ssml, path, err, sizeof err);
				if (rc == 0)
					LOG_D("tts", "rendered %s", path);
			}
		}
	}
	free(ssml);
	if (rc != 0)
		LOG_W("tts", "render failed: %s", err);
	if (j->done)
		j->done(j->arg, rc, rc == 0 ? path : NULL, rc == 0 ? NULL : err);
}

static void *worker(void *arg)
{
	struct tts_engine *e = arg;
	char err[512] = "";
	int r = tts_synth_open(&e->voice, err, sizeof err);
	pthread_mutex_lock(&e->mu);
	e->start_rc = r;
	snprintf(e->start_err, sizeof e->start_err, "%s", err);
	e->started = 1;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	if (r < 0) {
		tts_synth_close();
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&e->mu);
		while (!e->head && !e->stopping)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->stopping) {
			pthread_mutex_unlock(&e->mu);
			break;
		}
		struct job *j = e->head;
		e->head = j->next;
		if (!e->head)
			e->tail = NULL;
		pthread_mutex_unlock(&e->mu);
		run_job(e, j);
		free(j->text);
		free(j->out_path);
		free(j);
	}
	tts_synth_close();
	return NULL;
}

int tts_engine_open(struct tts_engine **out, const struct tts_config *cfg, char *err, size_t errlen)
{
	if (__atomic_exchange_n(&engine_in_use, 1, __ATOMIC_SEQ_CST)) {
		snprintf(err, errlen, "tts: an engine is already open in this process");
		return -1;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "tts: libsodium failed to initialise");
		__atomic_store_n(&engine_in_use, 0, __ATOMIC_SEQ_CST);
		return -1;
	}
	struct tts_engine *e = xcalloc(1, sizeof *e);
	e->cfg = *cfg;
	if (tts_front_load(&e->opts, cfg, err, errlen) != 0) {
		free(e);
		__atomic_store_n(&engine_in_use, 0, __ATOMIC_SEQ_CST);
		return -1;
	}
	snprintf(e->voice.name, sizeof e->voice.name, "%s", cfg->voice);
	e->voice.rate = cfg->rate;
	e->voice.pitch = cfg->pitch;
	e->voice.word_gap = cfg->word_gap;
	e->voice.volume = cfg->volume;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	if (pthread_create(&e->thread, NULL, worker, e) != 0) {
		snprintf(err, errlen, "tts: cannot start the synthesis thread");
		tts_front_unload(&e->opts);
		free(e);
		__atomic_store_n(&engine_in_use, 0, __ATOMIC_SEQ_CST);
		return -1;
	}
	pthread_mutex_lock(&e->mu);
	while (!e->started)
		pthread_cond_wait(&e->cv, &e->mu);
	pthread_mutex_unlock(&e->mu);
	if (e->start_rc < 0) {
		snprintf(err, errlen, "%s", e->start_err);
		pthread_join(e->thread, NULL);
		pthread_mutex_destroy(&e->mu);
		pthread_cond_destroy(&e->cv);
		tts_front_unload(&e->opts);
		free(e);
		__atomic_store_n(&engine_in_use, 0, __ATOMIC_SEQ_CST);
		return -1;
	}
	*out = e;
	return 0;
}

void tts_engine_close(struct tts_engine *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	e->stopping = 1;
	struct job *j = e->head;
	e->head = e->tail = NULL;
	pthread_cond_broadcast(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	while (j) {
		struct job *next = j->next;
		if (j->done)
			j->done(j->arg, -1, NULL, "cancelled: speech engine closed");
		free(j->text);
		free(j->out_path);
		free(j);
		j = next;
	}
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	tts_front_unload(&e->opts);
	free(e);
	__atomic_store_n(&engine_in_use, 0, __ATOMIC_SEQ_CST);
}

int tts_engine_submit(struct tts_engine *e, const char *text, const char *out_path, unsigned flags,
		      tts_done_fn done, void *arg)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->text = xstrdup(text ? text : "");
	j->out_path = out_path ? xstrdup(out_path) : NULL;
	j->flags = flags;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&e->mu);
	if (e->stopping) {
		pthread_mutex_unlock(&e->mu);
		free(j->text);
		free(j->out_path);
		free(j);
		return -1;
	}
	if (e->tail)
		e->tail->next = j;
	else
		e->head = j;
	e->tail = j;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
	return 0;
}

struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finished, rc;
	char *path;
	size_t path_len;
	char *err;
	size_t errlen;
};

static void wake(void *arg, int rc, const char *path, const char *err)
{
	struct waiter *w = arg;
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	if (rc == 0 && w->path)
		snprintf(w->path, w->path_len, "%s", path);
	if (rc != 0)
		snprintf(w->err, w->errlen, "%s", err ? err : "speech rendering failed");
	w->finished = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int tts_engine_render(struct tts_engine *e, const char *text, const char *out_path, unsigned flags,
		      char *path_out, size_t path_len, char *err, size_t errlen)
{
	struct waiter w = { .path = path_out, .path_len = path_len, .err = err, .errlen = errlen };
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	if (tts_engine_submit(e, text, out_path, flags, wake, &w) != 0) {
		snprintf(err, errlen, "speech engine is closing");
		pthread_mutex_destroy(&w.mu);
		pthread_cond_destroy(&w.cv);
		return -1;
	}
	pthread_mutex_lock(&w.mu);
	while (!w.finished)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	return w.rc;
}

int tts_engine_cache_path(struct tts_engine *e, const char *text, char *out, size_t len)
{
	struct tts_opts o = e->opts;
	o.ssml = 1;
	char *ssml = tts_frontend(&o, text);
	path_for(e, ssml, out, len);
	free(ssml);
	return file_ok(out);
}

const struct tts_opts *tts_engine_opts(const struct tts_engine *e)
{
	return &e->opts;
}

const struct tts_config *tts_engine_config(const struct tts_engine *e)
{
	return &e->cfg;
}
