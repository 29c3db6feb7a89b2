/* tts_rec — see tts_rec.h.
 *
 * DESIGN
 *  - Frames of 20 ms.  A frame is active when its RMS is above the floor
 *    and within 35 dB of the loudest frame, so a quiet line's hiss between
 *    words does not count as speech.
 *  - Speech varies: syllables and pauses make the frame levels spread over
 *    many dB, while a hum, steady hiss or a tone sits within a few.  A
 *    capture whose active frames' levels have a spread (standard
 *    deviation) under 2.5 dB is refused as no speech.
 *  - The key that ended the recording ('#') is in the capture: spandsp's
 *    DTMF receiver runs over it and a tone that is still on at the end, or
 *    ended within the last half second, is cut from where it began (less
 *    a frame: the receiver reports a tone some milliseconds in). */
#include "tts/tts_rec.h"

#include "base/util.h"
#include "tts/tts_audio.h"

#include <math.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME 160
#define ACTIVE_RANGE_DB 35.0
#define MIN_SPREAD_DB 2.5

const char *tts_rec_verdict_name(enum tts_rec_verdict v)
{
	static const char *const n[] = { "ok", "silence", "no_speech", "too_short", "too_long" };
	return (unsigned)v < sizeof n / sizeof n[0] ? n[v] : "?";
}

/* ---- the key tone at the end ---- */

struct tones {
	size_t fed;       /* samples fed so far */
	size_t start;     /* where the last tone was reported */
	size_t end;       /* where it stopped (0: still on) */
	int any;
};

static void tone_cb(void *user, int code, int level, int delay)
{
	(void)level, (void)delay;
	struct tones *t = user;
	if (code) {
		t->start = t->fed;
		t->end = 0;
		t->any = 1;
	} else if (t->any && !t->end) {
		t->end = t->fed;
	}
}

static void no_digits(void *user, const char *digits, int len)
{
	(void)user, (void)digits, (void)len;
}

/* Where the capture ends once a key tone at its end is cut. */
static size_t cut_key(const int16_t *pcm, size_t n, int *cut)
{
	*cut = 0;
	struct tones t = { 0 };
	dtmf_rx_state_t *rx = dtmf_rx_init(NULL, no_digits, NULL);
	if (!rx)
		return n;
	dtmf_rx_set_realtime_callback(rx, tone_cb, &t);
	for (size_t off = 0; off < n; off += 40) {
		int k = n - off < 40 ? (int)(n - off) : 40;
		dtmf_rx(rx, pcm + off, k);
		t.fed += (size_t)k;
	}
	dtmf_rx_free(rx);
	if (!t.any || (t.end && n - t.end > TTS_AUDIO_RATE / 2))
		return n;
	*cut = 1;
	return t.start > FRAME * 2 ? t.start - FRAME * 2 : 0;
}

/* ---- levels ---- */

static double frame_db(const int16_t *p, size_t k)
{
	double e = 0;
	for (size_t i = 0; i < k; i++)
		e += (double)p[i] * p[i];
	e /= k ? (double)k : 1.0;
	e /= 32768.0 * 32768.0;
	return e > 1e-12 ? 10.0 * log10(e) : -120.0;
}

void tts_rec_check(const int16_t *pcm, size_t n, int max_s, struct tts_rec_info *info)
{
	memset(info, 0, sizeof *info);
	info->level_dbfs = -120.0;
	size_t len = cut_key(pcm, n, &info->dtmf_cut);
	size_t frames = len / FRAME;
	double loud = -120.0;
	for (size_t f = 0; f < frames; f++) {
		double d = frame_db(pcm + f * FRAME, FRAME);
		if (d > loud)
			loud = d;
	}
	if (frames == 0 || loud < TTS_REC_FLOOR_DBFS) {
		info->verdict = TTS_REC_SILENCE;
		snprintf(info->why, sizeof info->why, "silence: loudest %.0f dBFS, below %.0f", loud,
			 TTS_REC_FLOOR_DBFS);
		return;
	}
	double floor = loud - ACTIVE_RANGE_DB > TTS_REC_FLOOR_DBFS ? loud - ACTIVE_RANGE_DB : TTS_REC_FLOOR_DBFS;
	size_t first = frames, last = 0, active = 0;
	double sum = 0, sum2 = 0, power = 0;
	for (size_t f = 0; f < frames; f++) {
		double d = frame_db(pcm + f * FRAME, FRAME);
		if (d < floor)
			continue;
		if (first == frames)
			first = f;
		last = f;
		active++;
		sum += d;
		sum2 += d * d;
		power += pow(10.0, d / 10.0);
	}
	double mean = sum / (double)active, spread = sqrt(fmax(0.0, sum2 / (double)active - mean * mean));
	info->level_dbfs = 10.0 * log10(power / (double)active);
	info->speech_ms = (int)(active * 1000 * FRAME / TTS_AUDIO_RATE);
	size_t lead = (size_t)TTS_REC_LEAD_MS * TTS_AUDIO_RATE / 1000, tail = (size_t)TTS_REC_TAIL_MS * TTS_AUDIO_RATE / 1000;
	info->start = first * FRAME > lead ? first * FRAME - lead : 0;
	info->end = (last + 1) * FRAME + tail < len ? (last + 1) * FRAME + tail : len;
	double kept_s = (double)(info->end - info->start) / TTS_AUDIO_RATE;
	if (spread < MIN_SPREAD_DB) {
		info->verdict = TTS_REC_NO_SPEECH;
		snprintf(info->why, sizeof info->why, "no speech: a steady sound (levels within %.1f dB)", spread);
	} else if (info->speech_ms < TTS_REC_MIN_MS) {
		info->verdict = TTS_REC_TOO_SHORT;
		snprintf(info->why, sizeof info->why, "too short: %.1f s of speech, at least %.0f s needed",
			 info->speech_ms / 1000.0, TTS_REC_MIN_MS / 1000.0);
	} else if (kept_s > max_s) {
		info->verdict = TTS_REC_TOO_LONG;
		snprintf(info->why, sizeof info->why, "too long: %.0f s, at most %d s", kept_s, max_s);
	} else {
		info->verdict = TTS_REC_OK;
		snprintf(info->why, sizeof info->why, "%.1f s kept, %.1f s of speech at %.0f dBFS%s", kept_s,
			 info->speech_ms / 1000.0, info->level_dbfs, info->dtmf_cut ? ", the key tone cut" : "");
	}
}

static int tag_ok(const char *t)
{
	size_t n = strlen(t);
	if (n < 1 || n > 32)
		return 0;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '_' ||
		      *t == '-'))
			return 0;
	return 1;
}

int tts_rec_save(const int16_t *pcm, size_t n, int max_s, const char *spool, int64_t now, const char *tag,
		 char *path, size_t pathlen, struct tts_rec_info *info, char *err, size_t errlen)
{
	if (pathlen)
		path[0] = '\0';
	tts_rec_check(pcm, n, max_s, info);
	if (info->verdict != TTS_REC_OK)
		return (int)info->verdict;
	if (!tag_ok(tag)) {
		snprintf(err, errlen, "recording: bad file tag '%.40s'", tag);
		return -1;
	}
	char *dir = util_path_join(spool, "audio");
	util_mkdirs(dir, 0750);
	int w = snprintf(path, pathlen, "%s/phone-%lld-%s.wav", dir, (long long)now, tag);
	free(dir);
	if (w < 0 || (size_t)w >= pathlen) {
		snprintf(err, errlen, "recording: spool path too long");
		if (pathlen)
			path[0] = '\0';
		return -1;
	}
	size_t k = info->end - info->start;
	float *x = xmalloc((k ? k : 1) * sizeof *x);
	for (size_t i = 0; i < k; i++)
		x[i] = (float)pcm[info->start + i] / 32768.0f;
	/* as `loa notice send --audio` (tts_audio_import): no lead, the tail,
	 * normalised, written atomically */
	int rc = tts_audio_finish(x, k, TTS_AUDIO_RATE, 0, path, err, errlen);
	free(x);
	if (rc != 0) {
		path[0] = '\0';
		return -1;
	}
	return TTS_REC_OK;
}
