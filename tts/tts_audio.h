/* tts_audio — the sample side of speech: resampling to the phone rate,
 * level normalising with a limiter, WAV files, and importing recordings.
 *
 * Everything the call engine plays is 8 kHz mono 16-bit PCM, normalised to
 * about -17 dBFS RMS of the active (non-silent) signal, with every sample
 * kept below the limiter ceiling so no sample is ever clipped.  Nothing here
 * touches espeak-ng: recordings and synthesis meet in tts_audio_finish. */
#ifndef LOA_TTS_AUDIO_H
#define LOA_TTS_AUDIO_H
#include <stddef.h>
#include <stdint.h>

#define TTS_AUDIO_RATE 8000
#define TTS_LEVEL_DBFS (-17.0)     /* active speech RMS target */
#define TTS_CEILING_DBFS (-1.0)    /* limiter ceiling */
#define TTS_LEAD_SILENCE_MS 750    /* silence before speech (call start) */
#define TTS_TAIL_SILENCE_MS 250

/* Resamples mono float audio.  *out is malloc'd.  0 ok, -1 with err. */
int tts_audio_resample(const float *in, size_t n, double in_rate, double out_rate, float **out,
		       size_t *outn, char *err, size_t errlen);
/* RMS in dBFS over the 20 ms frames within 40 dB of the loudest frame
 * (so pauses do not lower the figure); -120 for silence. */
double tts_audio_active_dbfs(const float *x, size_t n, double rate);
/* Whole-signal RMS in dBFS; -120 for silence. */
double tts_audio_rms_dbfs(const float *x, size_t n);
/* Scales to `target_dbfs` active RMS and limits peaks to the ceiling. */
void tts_audio_normalise(float *x, size_t n, double rate, double target_dbfs);
/* Writes 8 kHz mono 16-bit WAV atomically (temporary file, then rename). */
int tts_audio_write_wav(const char *path, const float *x, size_t n, char *err, size_t errlen);
/* Resample `in` (at in_rate) to 8 kHz, add lead/tail silence, normalise,
 * write `path`.  0 ok, -1 with err. */
int tts_audio_finish(const float *in, size_t n, double in_rate, int lead_ms, const char *path, char *err,
		     size_t errlen);
/* Loads a file written above as 8 kHz mono s16 samples (*pcm malloc'd).
 * Refuses any other rate or channel count. */
int tts_audio_load_pcm(const char *path, int16_t **pcm, size_t *n, char *err, size_t errlen);
/* Converts any recording libsndfile reads (WAV, FLAC, OGG, ... any rate,
 * any channels) into an 8 kHz mono 16-bit level-normalised WAV.  Used for
 * recorded prompts and `loa notice send --audio FILE`. */
int tts_audio_import(const char *in, const char *out_wav, char *err, size_t errlen);
#endif
