/* tts_synth — the only code that calls espeak-ng.
 *
 * espeak-ng keeps global state and is not re-entrant, so these functions
 * must be called from ONE thread only: the synthesis thread owned by
 * tts_engine.  Nothing else in Loa may call them (or espeak_* directly). */
#ifndef LOA_TTS_SYNTH_H
#define LOA_TTS_SYNTH_H
#include <stddef.h>
#include <stdint.h>

struct tts_voice {
	char name[64]; /* espeak-ng voice, "vi" */
	int rate;      /* words per minute, 80..450 */
	int pitch;     /* 0..100 */
	int word_gap;  /* 10 ms units */
	int volume;    /* amplitude 0..200 */
};

/* Initialises espeak-ng for synchronous synthesis with the voice.  Returns
 * the output sample rate (22050 for espeak-ng), or -1 with err. */
int tts_synth_open(const struct tts_voice *v, char *err, size_t errlen);
/* Synthesises SSML text (from tts_frontend with ssml=1); *pcm is malloc'd
 * mono s16 at the rate tts_synth_open returned.  0 ok, -1 with err. */
int tts_synth_run(const char *ssml, int16_t **pcm, size_t *n, char *err, size_t errlen);
void tts_synth_close(void);
#endif
