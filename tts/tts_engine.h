/* tts_engine — notice text to a cached 8 kHz WAV, on one synthesis thread.
 *
 * The daemon never waits for espeak-ng: tts_engine_submit queues a request
 * and returns at once; the single synthesis thread runs the front end,
 * espeak-ng, resampling, normalising and the WAV write, then calls `done`.
 * The CLI uses tts_engine_render, which submits and waits.
 *
 * Renderings are cached under tts.cache as <hash>.wav, the hash covering
 * the spoken text, the voice settings, the audio settings and the front-end
 * version: a notice is rendered once however many calls play it, and any
 * change that would alter the audio gives a new file. */
#ifndef LOA_TTS_ENGINE_H
#define LOA_TTS_ENGINE_H
#include "tts/tts_front.h"
#include "tts/tts_synth.h"

#include <limits.h>
#include <stddef.h>

struct tts_config;
struct tts_engine;

/* Called on the synthesis thread when a request is finished: rc 0 and the
 * WAV path, or rc -1 and a one-line error.  It must not block: hand the
 * result to your own loop.  Both strings are valid only during the call. */
typedef void (*tts_done_fn)(void *arg, int rc, const char *wav_path, const char *err);

enum {
	TTS_NO_CACHE = 1, /* render even if cached; do not store (benchmarks) */
};

/* Loads the dictionaries, starts the thread and espeak-ng with the voice
 * from cfg.  One engine per process (espeak-ng is global).  0 ok, -1 with
 * err: a bad dictionary line, a missing voice, ... */
int tts_engine_open(struct tts_engine **out, const struct tts_config *cfg, char *err, size_t errlen);
/* Stops the thread after the request in progress; queued requests are
 * finished with rc -1 "cancelled". */
void tts_engine_close(struct tts_engine *e);

/* Queues `text` (notice text, front end applied on the thread).  out_path:
 * write there instead of the cache (NULL: the cache).  0 queued, -1 when
 * the engine is closing. */
int tts_engine_submit(struct tts_engine *e, const char *text, const char *out_path, unsigned flags,
		      tts_done_fn done, void *arg);
/* Same, waiting for the result; the WAV path is copied to path_out. */
int tts_engine_render(struct tts_engine *e, const char *text, const char *out_path, unsigned flags,
		      char *path_out, size_t path_len, char *err, size_t errlen);
/* Where the cache holds (or will hold) `text`; 1 if the file exists. */
int tts_engine_cache_path(struct tts_engine *e, const char *text, char *out, size_t len);
/* The front-end options the engine uses (for `loa say --print`). */
const struct tts_opts *tts_engine_opts(const struct tts_engine *e);
/* The configuration the engine was opened with. */
const struct tts_config *tts_engine_config(const struct tts_engine *e);
#endif
