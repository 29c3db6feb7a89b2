/* tts_synth — see tts_synth.h.
 *
 * DESIGN: espeak-ng runs in AUDIO_OUTPUT_SYNCHRONOUS mode: espeak_Synth
 * returns only when the whole text is spoken, handing samples to a callback
 * on the calling thread.  The callback appends to the buffer passed as the
 * request's user_data, so no static buffer is shared between calls. */
#include "tts/tts_synth.h"

#include "base/util.h"

#include <espeak-ng/speak_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcmbuf {
	int16_t *s;
	size_t n, cap;
	int overflow;
};

/* A notice is at most a few minutes; refuse anything past 30 minutes. */
#define SYNTH_MAX_SAMPLES (22050u * 60u * 30u)

static int opened;
static int rate_hz;

static int on_samples(short *wav, int numsamples, espeak_EVENT *events)
{
	if (!events)
		return 0;
	struct pcmbuf *b = NULL;
	for (espeak_EVENT *e = events; e->type != espeakEVENT_LIST_TERMINATED; e++)
		if (e->user_data) {
			b = e->user_data;
			break;
		}
	if (!b && events->user_data)
		b = events->user_data;
	if (!b || !wav || numsamples <= 0)
		return 0;
	if (b->n + (size_t)numsamples > SYNTH_MAX_SAMPLES) {
		b->overflow = 1;
		return 1; /* abort synthesis */
	}
	if (b->n + (size_t)numsamples > b->cap) {
		b->cap = (b->n + (size_t)numsamples) * 2;
		b->s = xrealloc(b->s, b->cap * sizeof *b->s);
	}
	memcpy(b->s + b->n, wav, (size_t)numsamples * sizeof *wav);
	b->n += (size_t)numsamples;
	return 0;
}

int tts_synth_open(const struct tts_voice *v, char *err, size_t errlen)
{
	if (!opened) {
		int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 500, NULL, espeakINITIALIZE_DONT_EXIT);
		if (r <= 0) {
			snprintf(err, errlen, "espeak-ng: cannot initialise (is espeak-ng-data installed?)");
			return -1;
		}
		rate_hz = r;
		espeak_SetSynthCallback(on_samples);
		opened = 1;
	}
	if (espeak_SetVoiceByName(v->name) != EE_OK) {
		snprintf(err, errlen, "tts.voice: espeak-ng has no voice '%s'", v->name);
		return -1;
	}
	espeak_SetParameter(espeakRATE, v->rate, 0);
	espeak_SetParameter(espeakPITCH, v->pitch, 0);
	espeak_SetParameter(espeakWORDGAP, v->word_gap, 0);
	espeak_SetParameter(espeakVOLUME, v->volume, 0);
	return rate_hz;
}

int tts_synth_run(const char *ssml, int16_t **pcm, size_t *n, char *err, size_t errlen)
{
	if (!opened) {
		snprintf(err, errlen, "espeak-ng: not initialised");
		return -1;
	}
	struct pcmbuf b = { NULL, 0, 0, 0 };
	espeak_ERROR e = espeak_Synth(ssml, strlen(ssml) + 1, 0, POS_CHARACTER, 0,
				      espeakCHARS_UTF8 | espeakSSML, NULL, &b);
	if (e != EE_OK || b.overflow) {
		snprintf(err, errlen, "espeak-ng: synthesis failed%s", b.overflow ? " (text too long)" : "");
		free(b.s);
		return -1;
	}
	*pcm = b.s ? b.s : xcalloc(1, sizeof(int16_t));
	*n = b.n;
	return 0;
}

void tts_synth_close(void)
{
	if (opened) {
		espeak_Terminate();
		opened = 0;
	}
}
