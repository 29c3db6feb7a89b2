/* test_tts_rec — a recording by phone made fit to send (tts/tts_rec.c) on
 * synthetic captures: speech-like noise bursts (syllables and pauses) pass,
 * trimmed of the silence around them, with the '#' key tone that ended
 * them cut (spandsp's DTMF generator) and normalised to the level of
 * `--audio` files; silence, a steady hiss, a steady tone, half a second of
 * speech and speech longer than the maximum are refused with their
 * reason; the file lands in SPOOL/audio, 0640. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tts/tts_audio.h"
#include "tts/tts_rec.h"

#include <math.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MS(x) ((size_t)(x) * 8)

static unsigned seed = 1;

static double rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return ((double)((seed >> 8) & 0xFFFF) / 32768.0) - 1.0;
}

/* syllables: 180 ms bursts of shaped noise at `amp`, 70 ms gaps, some
 * louder, some softer, for `ms` */
static void speech(int16_t *x, size_t n, double amp)
{
	for (size_t i = 0; i < n; i++) {
		size_t ph = i % MS(250);
		double env = ph < MS(180) ? sin(M_PI * (double)ph / MS(180)) : 0.0;
		double syl = 0.5 + 0.5 * fabs(sin((double)(i / MS(250)) * 1.7));
		x[i] = (int16_t)(amp * 32767.0 * env * syl * rnd());
	}
}

static void hiss(int16_t *x, size_t n, double amp)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (int16_t)(amp * 32767.0 * rnd());
}

static void key(int16_t *x, size_t n, const char *k)
{
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	dtmf_tx_set_timing(tx, (int)(n / 8), 10);
	dtmf_tx_put(tx, k, -1);
	memset(x, 0, n * sizeof *x);
	dtmf_tx(tx, x, (int)n);
	dtmf_tx_free(tx);
}

static void test_speech_trimmed_key_cut(void **state)
{
	(void)state;
	/* 1.5 s silence, 4 s speech at a quiet phone level, 0.8 s silence,
	 * '#' for 150 ms and 40 ms of tail */
	size_t a = MS(1500), b = MS(4000), c = MS(800), d = MS(150), e = MS(40);
	size_t n = a + b + c + d + e;
	int16_t *x = calloc(n, sizeof *x);
	speech(x + a, b, 0.05);
	key(x + a + b + c, d, "#");
	struct tts_rec_info info;
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_OK);
	assert_true(info.dtmf_cut);
	/* kept: from 150 ms before the speech to at most 300 ms after */
	assert_true(info.start >= a - MS(TTS_REC_LEAD_MS) - MS(20) && info.start <= a);
	assert_true(info.end >= a + b - MS(100) && info.end <= a + b + MS(TTS_REC_TAIL_MS) + MS(20));
	if (info.speech_ms < 2000 || info.speech_ms > 4000)
		fail_msg("speech %d ms", info.speech_ms);
	assert_true(info.level_dbfs < -25.0);

	char dir[] = "/tmp/loa-rec.XXXXXX", path[512], err[256];
	assert_non_null(mkdtemp(dir));
	int v = tts_rec_save(x, n, 120, dir, 1796090400, "m1-call-7", path, sizeof path, &info, err, sizeof err);
	assert_int_equal(v, TTS_REC_OK);
	char want[512];
	snprintf(want, sizeof want, "%s/audio/phone-1796090400-m1-call-7.wav", dir);
	assert_string_equal(path, want);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	int16_t *pcm;
	size_t pn;
	assert_int_equal(tts_audio_load_pcm(path, &pcm, &pn, err, sizeof err), 0);
	/* the kept part plus the --audio tail, at the --audio level */
	assert_int_equal(pn, info.end - info.start + MS(TTS_TAIL_SILENCE_MS));
	float *f = malloc(pn * sizeof *f);
	for (size_t i = 0; i < pn; i++)
		f[i] = pcm[i] / 32768.0f;
	double lvl = tts_audio_active_dbfs(f, pn, 8000);
	assert_true(fabs(lvl - TTS_LEVEL_DBFS) < 1.5);
	/* no key tone left in what is sent */
	struct tts_rec_info again;
	tts_rec_check(pcm, pn, 120, &again);
	assert_false(again.dtmf_cut);
	free(f);
	free(pcm);
	free(x);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_refused(void **state)
{
	(void)state;
	struct tts_rec_info info;
	size_t n = MS(5000);
	int16_t *x = calloc(n, sizeof *x);
	/* silence, and line noise far below a voice */
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_SILENCE);
	hiss(x, n, 0.001);
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_SILENCE);
	assert_non_null(strstr(info.why, "silence"));
	/* a steady hiss loud enough, a steady tone: no speech */
	hiss(x, n, 0.2);
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_NO_SPEECH);
	for (size_t i = 0; i < n; i++)
		x[i] = (int16_t)(8000 * sin(2 * M_PI * 425.0 * (double)i / 8000.0));
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_NO_SPEECH);
	/* only a key press: nothing left once it is cut */
	memset(x, 0, n * sizeof *x);
	key(x + n - MS(200), MS(200), "#");
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_SILENCE);
	assert_true(info.dtmf_cut);
	/* half a second of speech */
	memset(x, 0, n * sizeof *x);
	speech(x + MS(1000), MS(500), 0.3);
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_TOO_SHORT);
	assert_non_null(strstr(info.why, "too short"));
	/* 4.5 s of speech with a 3 s maximum */
	speech(x, n, 0.3);
	tts_rec_check(x, n, 3, &info);
	assert_int_equal(info.verdict, TTS_REC_TOO_LONG);
	/* a key pressed mid-speech, then more speech: not cut */
	key(x + MS(2000), MS(120), "5");
	tts_rec_check(x, n, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_OK);
	assert_false(info.dtmf_cut);
	/* nothing written when refused */
	char path[256] = "x", err[128];
	memset(x, 0, n * sizeof *x);
	assert_int_equal(tts_rec_save(x, n, 120, "/nonexistent", 1, "t", path, sizeof path, &info, err, sizeof err),
			 TTS_REC_SILENCE);
	assert_string_equal(path, "");
	speech(x, n, 0.3);
	assert_int_equal(tts_rec_save(x, n, 120, "/tmp", 1, "../x", path, sizeof path, &info, err, sizeof err), -1);
	assert_non_null(strstr(err, "tag"));
	tts_rec_check(x, 0, 120, &info);
	assert_int_equal(info.verdict, TTS_REC_SILENCE);
	assert_string_equal(tts_rec_verdict_name(TTS_REC_TOO_LONG), "too_long");
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_speech_trimmed_key_cut),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
