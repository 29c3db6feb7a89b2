/* tts_rec — a notice recorded by phone (issue 17: the head calls in and
 * speaks it) made fit to send: the capture of the call's downlink cleaned
 * (the '#' that ended it cut, leading and trailing silence trimmed),
 * checked (speech, not silence or a steady hum; at least TTS_REC_MIN_MS of
 * it; not longer than the maximum) and written into the spool's audio
 * folder, level-normalised exactly as `loa notice send --audio` does
 * (tts_audio_finish). */
#ifndef LOA_TTS_REC_H
#define LOA_TTS_REC_H
#include <stddef.h>
#include <stdint.h>

#define TTS_REC_MIN_MS 1000      /* speech needed (active frames) */
#define TTS_REC_FLOOR_DBFS (-45.0) /* quieter than this is silence */
#define TTS_REC_LEAD_MS 150      /* kept before the first speech */
#define TTS_REC_TAIL_MS 300      /* kept after the last */

enum tts_rec_verdict {
	TTS_REC_OK,
	TTS_REC_SILENCE,   /* nothing above the floor */
	TTS_REC_NO_SPEECH, /* sound, but steady (hum, hiss, a tone): not a voice */
	TTS_REC_TOO_SHORT, /* less than TTS_REC_MIN_MS of speech */
	TTS_REC_TOO_LONG   /* the speech lasts longer than the maximum */
};
const char *tts_rec_verdict_name(enum tts_rec_verdict v);

struct tts_rec_info {
	enum tts_rec_verdict verdict;
	size_t start, end;   /* the kept part of the capture, in samples */
	int speech_ms;       /* active frames */
	int dtmf_cut;        /* a key tone at the end was cut */
	double level_dbfs;   /* active level as captured */
	char why[120];       /* one line for the log: "too short: 0.6 s of speech, ..." */
};

/* Examines an 8 kHz capture: fills *info (never fails). */
void tts_rec_check(const int16_t *pcm, size_t n, int max_s, struct tts_rec_info *info);
/* Checks the capture and, when it is fit, writes the kept part normalised
 * to SPOOL/audio/phone-NOW-TAG.wav (0640, the folder made if missing; tag:
 * 1-32 of [A-Za-z0-9_-], e.g. the modem and call) and puts its path in
 * `path`.  Returns the verdict (TTS_REC_OK: written), or -1 with err when
 * the file cannot be written. */
int tts_rec_save(const int16_t *pcm, size_t n, int max_s, const char *spool, int64_t now, const char *tag,
		 char *path, size_t pathlen, struct tts_rec_info *info, char *err, size_t errlen);
#endif
