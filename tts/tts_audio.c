/* tts_audio — see tts_audio.h.
 *
 * DESIGN: the level is measured on 20 ms frames and only frames within
 * 40 dB of the loudest count, because a notice is a third pauses and a
 * whole-file RMS would push the speech itself too loud.  The limiter is a
 * look-ahead gain envelope: the gain each sample needs to stay under the
 * ceiling, spread by a minimum filter over +-2 ms, then recovered smoothly
 * (50 ms release).  The envelope never exceeds the needed gain, so the
 * output can never exceed the ceiling: "zero clipped samples" holds by
 * construction, not by luck.  Normalise-then-limit runs twice because
 * limiting lowers the level a little. */
#include "tts/tts_audio.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <soxr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tts_audio_resample(const float *in, size_t n, double in_rate, double out_rate, float **out,
		       size_t *outn, char *err, size_t errlen)
{
	if (in_rate == out_rate) {
		*out = xmalloc((n ? n : 1) * sizeof(float));
		if (n)
			memcpy(*out, in, n * sizeof(float));
		*outn = n;
		return 0;
	}
	size_t cap = (size_t)((double)n * out_rate / in_rate) + 64;
	float *o = xmalloc(cap * sizeof(float));
	size_t done = 0;
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
	soxr_quality_spec_t qs = soxr_quality_spec(SOXR_HQ, 0);
	soxr_error_t e = soxr_oneshot(in_rate, out_rate, 1, in, n, NULL, o, cap, &done, &io, &qs, NULL);
	if (e) {
		snprintf(err, errlen, "resampling %.0f Hz -> %.0f Hz failed: %s", in_rate, out_rate, e);
		free(o);
		return -1;
	}
	*out = o;
	*outn = done;
	return 0;
}

static double db(double power)
{
	return power > 1e-12 ? 10.0 * log10(power) : -120.0;
}

double tts_audio_rms_dbfs(const float *x, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n ? db(s / (double)n) : -120.0;
}

double tts_audio_active_dbfs(const float *x, size_t n, double rate)
{
	size_t fl = (size_t)(rate * 0.02);
	if (fl == 0)
		fl = 1;
	size_t nf = n / fl;
	if (nf == 0)
		return tts_audio_rms_dbfs(x, n);
	double *e = xmalloc(nf * sizeof *e);
	double max = 0;
	for (size_t f = 0; f < nf; f++) {
		double s = 0;
		for (size_t i = 0; i < fl; i++)
			s += (double)x[f * fl + i] * x[f * fl + i];
		e[f] = s / (double)fl;
		if (e[f] > max)
			max = e[f];
	}
	double floor = max * 1e-4; /* 40 dB below the loudest frame */
	if (floor < 1e-7)          /* and never below -70 dBFS */
		floor = 1e-7;
	double sum = 0;
	size_t k = 0;
	for (size_t f = 0; f < nf; f++)
		if (e[f] >= floor) {
			sum += e[f];
			k++;
		}
	free(e);
	return k ? db(sum / (double)k) : -120.0;
}

static void limit(float *x, size_t n, double rate, float ceiling)
{
	if (!n)
		return;
	size_t look = (size_t)(rate * 0.002) + 1;
	double rel = 1.0 / (rate * 0.05);
	float *need = xmalloc(n * sizeof *need);
	float *g = xmalloc(n * sizeof *g);
	for (size_t i = 0; i < n; i++) {
		float a = fabsf(x[i]);
		need[i] = a > ceiling ? ceiling / a : 1.0f;
	}
	/* minimum over [i-look, i+look] */
	for (size_t i = 0; i < n; i++) {
		float m = 1.0f;
		size_t lo = i > look ? i - look : 0, hi = i + look < n ? i + look : n - 1;
		for (size_t j = lo; j <= hi; j++)
			if (need[j] < m)
				m = need[j];
		g[i] = m;
	}
	/* smooth recovery forward, then backward (attack), never above need */
	for (size_t i = 1; i < n; i++) {
		float up = g[i - 1] + (float)((1.0 - g[i - 1]) * rel);
		if (up < g[i])
			g[i] = up;
	}
	for (size_t i = n - 1; i-- > 0;) {
		float up = g[i + 1] + (1.0f - g[i + 1]) / (float)look;
		if (up < g[i])
			g[i] = up;
	}
	for (size_t i = 0; i < n; i++) {
		float y = x[i] * g[i];
		if (y > ceiling)
			y = ceiling;
		else if (y < -ceiling)
			y = -ceiling;
		x[i] = y;
	}
	free(need);
	free(g);
}

void tts_audio_normalise(float *x, size_t n, double rate, double target_dbfs)
{
	float ceiling = (float)pow(10.0, TTS_CEILING_DBFS / 20.0);
	for (int pass = 0; pass < 3; pass++) {
		double level = tts_audio_active_dbfs(x, n, rate);
		if (level <= -90.0)
			return; /* silence: nothing to normalise */
		double gain_db = target_dbfs - level;
		if (pass > 0 && fabs(gain_db) < 0.2)
			break;
		if (gain_db > 40.0)
			gain_db = 40.0;
		float g = (float)pow(10.0, gain_db / 20.0);
		for (size_t i = 0; i < n; i++)
			x[i] *= g;
		limit(x, n, rate, ceiling);
	}
}

int tts_audio_write_wav(const char *path, const float *x, size_t n, char *err, size_t errlen)
{
	/* The temporary file is created, never opened: mkostemp uses O_EXCL, so
	 * a name planted in the folder (a symlink to /etc/...) is not followed.
	 * rename() then replaces the final name itself, never what it points to. */
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot write audio: %s", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0640);
	SF_INFO info;
	memset(&info, 0, sizeof info);
	info.samplerate = TTS_AUDIO_RATE;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	SNDFILE *sf = sf_open_fd(fd, SFM_WRITE, &info, 1);
	if (!sf) {
		snprintf(err, errlen, "%s: cannot write audio: %s", path, sf_strerror(NULL));
		close(fd);
		unlink(tmp);
		return -1;
	}
	int16_t buf[4096];
	size_t i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		size_t k = n - i;
		if (k > ARRAY_LEN(buf))
			k = ARRAY_LEN(buf);
		for (size_t j = 0; j < k; j++) {
			long v = lrintf(x[i + j] * 32767.0f);
			buf[j] = (int16_t)(v > 32766 ? 32766 : v < -32766 ? -32766 : v);
		}
		if (sf_write_short(sf, buf, (sf_count_t)k) != (sf_count_t)k) {
			snprintf(err, errlen, "%s: cannot write audio: %s", path, sf_strerror(sf));
			rc = -1;
		}
		i += k;
	}
	if (sf_close(sf) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: cannot write audio: close failed", path);
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot write audio: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int tts_audio_finish(const float *in, size_t n, double in_rate, int lead_ms, const char *path, char *err,
		     size_t errlen)
{
	float *r;
	size_t rn;
	if (tts_audio_resample(in, n, in_rate, TTS_AUDIO_RATE, &r, &rn, err, errlen) != 0)
		return -1;
	size_t lead = (size_t)lead_ms * TTS_AUDIO_RATE / 1000;
	size_t tail = (size_t)TTS_TAIL_SILENCE_MS * TTS_AUDIO_RATE / 1000;
	float *all = xcalloc(lead + rn + tail, sizeof(float));
	memcpy(all + lead, r, rn * sizeof(float));
	free(r);
	tts_audio_normalise(all, lead + rn + tail, TTS_AUDIO_RATE, TTS_LEVEL_DBFS);
	int rc = tts_audio_write_wav(path, all, lead + rn + tail, err, errlen);
	free(all);
	return rc;
}

int tts_audio_load_pcm(const char *path, int16_t **pcm, size_t *n, char *err, size_t errlen)
{
	SF_INFO info;
	memset(&info, 0, sizeof info);
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		snprintf(err, errlen, "%s: cannot read audio: %s", path, sf_strerror(NULL));
		return -1;
	}
	if (info.samplerate != TTS_AUDIO_RATE || info.channels != 1) {
		snprintf(err, errlen, "%s: audio is %d Hz, %d channel(s); expected 8000 Hz mono", path,
			 info.samplerate, info.channels);
		sf_close(sf);
		return -1;
	}
	size_t frames = info.frames > 0 ? (size_t)info.frames : 0;
	int16_t *buf = xmalloc((frames ? frames : 1) * sizeof *buf);
	sf_count_t got = sf_read_short(sf, buf, (sf_count_t)frames);
	sf_close(sf);
	if (got < 0 || (size_t)got != frames) {
		snprintf(err, errlen, "%s: cannot read audio: short read", path);
		free(buf);
		return -1;
	}
	*pcm = buf;
	*n = frames;
	return 0;
}

int tts_audio_import(const char *in, const char *out_wav, char *err, size_t errlen)
{
	SF_INFO info;
	memset(&info, 0, sizeof info);
	SNDFILE *sf = sf_open(in, SFM_READ, &info);
	if (!sf) {
		snprintf(err, errlen, "%s: cannot read audio: %s", in, sf_strerror(NULL));
		return -1;
	}
	if (info.channels < 1 || info.samplerate < 1000 || info.samplerate > 384000) {
		snprintf(err, errlen, "%s: unsupported audio (%d Hz, %d channels)", in, info.samplerate,
			 info.channels);
		sf_close(sf);
		return -1;
	}
	/* Read in blocks: frames may be unknown (pipes) or the header may lie. */
	size_t ch = (size_t)info.channels, cap = 0, n = 0;
	float *mono = NULL;
	float *blk = xmalloc(4096 * ch * sizeof *blk);
	const size_t max_frames = (size_t)info.samplerate * 3600; /* an hour is plenty */
	sf_count_t got;
	while ((got = sf_readf_float(sf, blk, 4096)) > 0) {
		if (n + (size_t)got > cap) {
			cap = (n + (size_t)got) * 2;
			mono = xrealloc(mono, cap * sizeof *mono);
		}
		for (sf_count_t i = 0; i < got; i++) {
			float s = 0;
			for (size_t c = 0; c < ch; c++)
				s += blk[(size_t)i * ch + c];
			mono[n++] = s / (float)ch;
		}
		if (n > max_frames)
			break;
	}
	free(blk);
	sf_close(sf);
	if (n == 0) {
		snprintf(err, errlen, "%s: audio file holds no samples", in);
		free(mono);
		return -1;
	}
	if (n > max_frames) {
		snprintf(err, errlen, "%s: recording longer than an hour", in);
		free(mono);
		return -1;
	}
	int rc = tts_audio_finish(mono, n, info.samplerate, 0, out_wav, err, errlen);
	free(mono);
	return rc;
}
