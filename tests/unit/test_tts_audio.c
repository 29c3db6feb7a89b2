/* Speech audio: notices rendered through espeak-ng on the synthesis thread,
 * the cache, the async API, prompts, and imported recordings.  Checks rate,
 * channels, sample format, duration against the text length, level and
 * clipping -- never hashes (espeak-ng output varies run to run).
 * Needs espeak-ng-data (Debian: espeak-ng) and LOA_DATADIR=configs/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "base/util.h"
#include "tts/tts_audio.h"
#include "tts/tts_engine.h"
#include "tts/tts_front.h"
#include "tts/tts_prompt.h"

#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static struct tts_config cfg;
static struct tts_engine *eng;

static const char *NOTICE =
	"UBND xã Tân Thủy thông báo: Từ ngày 15-20/3/2026, tiêm phòng vắc xin dịch tả lợn châu Phi và LMLM đợt 1 "
	"cho đàn lợn, trâu, bò. Thú y viên đến từng hộ từ 7h-11h và 13h30-17h. Giá vắc xin DTLCP 75.000đ/liều. "
	"Khi lợn ốm báo ngay cho thú y xã, SĐT 0912.345.678.";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-tts-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	struct loa_config *lc = calloc(1, sizeof *lc);
	config_defaults(lc, NULL);
	config_tts(lc, &cfg);
	free(lc);
	snprintf(cfg.cache, sizeof cfg.cache, "%s/cache", dir);
	snprintf(cfg.prompts, sizeof cfg.prompts, "%s/prompts", dir);
	snprintf(cfg.village, sizeof cfg.village, "thôn Tân Lợi");
	mkdir(cfg.prompts, 0700);
	char err[512];
	if (tts_engine_open(&eng, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "engine: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tts_engine_close(eng);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

struct wav {
	SF_INFO info;
	float *x;
	size_t n;
	long clipped;
	int16_t peak;
};

static void load(const char *path, struct wav *w)
{
	memset(w, 0, sizeof *w);
	SNDFILE *sf = sf_open(path, SFM_READ, &w->info);
	assert_non_null(sf);
	w->n = (size_t)w->info.frames * (size_t)w->info.channels;
	int16_t *s = malloc(w->n * sizeof *s + 2);
	assert_int_equal(sf_read_short(sf, s, (sf_count_t)w->n), (sf_count_t)w->n);
	sf_close(sf);
	w->x = malloc(w->n * sizeof *w->x + 4);
	for (size_t i = 0; i < w->n; i++) {
		w->x[i] = s[i] / 32768.0f;
		if (s[i] >= 32767 || s[i] <= -32768)
			w->clipped++;
		int16_t a = (int16_t)(s[i] < 0 ? -s[i] : s[i]);
		if (a > w->peak)
			w->peak = a;
	}
	free(s);
}

static void check_phone_audio(const struct wav *w)
{
	assert_int_equal(w->info.samplerate, 8000);
	assert_int_equal(w->info.channels, 1);
	assert_int_equal(w->info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
	assert_int_equal(w->clipped, 0);
	double lvl = tts_audio_active_dbfs(w->x, w->n, 8000);
	if (lvl < -18.5 || lvl > -15.5)
		fail_msg("active level %.1f dBFS, want about -17", lvl);
	double rms = tts_audio_rms_dbfs(w->x, w->n);
	if (rms < -24 || rms > -15)
		fail_msg("whole-file RMS %.1f dBFS", rms);
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

static void test_notice_render(void **state)
{
	(void)state;
	char path[4200], err[4200];
	assert_int_equal(tts_engine_render(eng, NOTICE, NULL, 0, path, sizeof path, err, sizeof err), 0);
	assert_non_null(strstr(path, cfg.cache));
	struct wav w;
	load(path, &w);
	check_phone_audio(&w);
	/* duration against the spoken syllables: 145 per minute, plus pauses */
	char *spoken = tts_frontend(tts_engine_opts(eng), NOTICE);
	size_t syl = count_words(spoken);
	free(spoken);
	double secs = (double)w.n / 8000.0;
	double expect = (double)syl * 60.0 / 145.0;
	if (secs < expect * 0.6 || secs > expect * 1.6 + 6.0)
		fail_msg("%.1f s for %zu syllables (expected about %.1f s)", secs, syl, expect);
	/* leading silence: the first 0.5 s is quiet */
	double lead = 0;
	for (size_t i = 0; i < 4000; i++)
		lead += (double)w.x[i] * w.x[i];
	assert_true(lead / 4000 < 1e-6);
	free(w.x);
}

static void test_cache_renders_once(void **state)
{
	(void)state;
	const char *text = "Xin chào bà con, họp thôn lúc 19h30.";
	char p1[4200], p2[4200], err[4200];
	assert_int_equal(tts_engine_cache_path(eng, text, p1, sizeof p1), 0);
	assert_int_equal(tts_engine_render(eng, text, NULL, 0, p1, sizeof p1, err, sizeof err), 0);
	struct stat s1, s2;
	assert_int_equal(stat(p1, &s1), 0);
	assert_int_equal(tts_engine_render(eng, text, NULL, 0, p2, sizeof p2, err, sizeof err), 0);
	assert_string_equal(p1, p2);
	assert_int_equal(stat(p2, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino); /* not rewritten */
	assert_int_equal(s1.st_mtim.tv_nsec, s2.st_mtim.tv_nsec);
	char p3[4200];
	assert_int_equal(tts_engine_cache_path(eng, text, p3, sizeof p3), 1);
	assert_string_equal(p1, p3);
	/* the same words written differently are the same spoken text */
	assert_int_equal(tts_engine_cache_path(eng, "Xin chào bà con, họp thôn lúc 19h30.", p3, sizeof p3), 1);
	/* another text is another file */
	tts_engine_cache_path(eng, "Xin chào bà con, họp thôn lúc 19h.", p3, sizeof p3);
	assert_string_not_equal(p1, p3);
	/* TTS_NO_CACHE renders again (a new file replaces the old by rename) */
	assert_int_equal(tts_engine_render(eng, text, NULL, TTS_NO_CACHE, p2, sizeof p2, err, sizeof err), 0);
	assert_int_equal(stat(p2, &s2), 0);
	assert_int_not_equal(s1.st_ino, s2.st_ino);
}

struct counter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, failed;
};

static void on_done(void *arg, int rc, const char *path, const char *err)
{
	struct counter *c = arg;
	(void)err;
	pthread_mutex_lock(&c->mu);
	if (rc != 0 || access(path, R_OK) != 0)
		c->failed++;
	c->done++;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void test_async_queue(void **state)
{
	(void)state;
	struct counter c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	const char *texts[] = { "Thông báo một.", "Thông báo hai.", "Thông báo một.", "KHẨN! Bão số 6." };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(tts_engine_submit(eng, texts[i], NULL, 0, on_done, &c), 0);
	pthread_mutex_lock(&c.mu);
	while (c.done < 4)
		pthread_cond_wait(&c.cv, &c.mu);
	pthread_mutex_unlock(&c.mu);
	assert_int_equal(c.failed, 0);
}

static void test_explicit_output_and_pcm(void **state)
{
	(void)state;
	char out[256], path[4200], err[4200];
	snprintf(out, sizeof out, "%s/say.wav", dir);
	assert_int_equal(tts_engine_render(eng, "Gọi 114.", out, 0, path, sizeof path, err, sizeof err), 0);
	assert_string_equal(path, out);
	int16_t *pcm;
	size_t n;
	assert_int_equal(tts_audio_load_pcm(out, &pcm, &n, err, sizeof err), 0);
	assert_true(n > 8000);   /* lead silence plus three syllables */
	assert_true(n < 8000 * 6);
	free(pcm);
	/* an unwritable output is a one-line error */
	assert_int_equal(tts_engine_render(eng, "A", "/nonexistent/x.wav", 0, path, sizeof path, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.wav"));
}

/* A 2 s recording at 44.1 kHz, stereo, 32-bit float, peaking near full
 * scale: imported as 8 kHz mono 16-bit at the speech level. */
static void write_recording(const char *path, int rate, int ch, int format, double secs)
{
	SF_INFO info = { 0 };
	info.samplerate = rate;
	info.channels = ch;
	info.format = format;
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	size_t n = (size_t)(secs * rate);
	float *x = malloc(n * (size_t)ch * sizeof *x);
	for (size_t i = 0; i < n; i++) {
		double t = (double)i / rate;
		double env = 0.5 + 0.5 * sin(2 * M_PI * 3 * t); /* syllable-like bursts */
		double v = 0.95 * env * sin(2 * M_PI * 440 * t) + 0.04 * sin(2 * M_PI * 1200 * t);
		for (int c = 0; c < ch; c++)
			x[i * (size_t)ch + (size_t)c] = (float)(c ? v * 0.8 : v);
	}
	assert_int_equal(sf_writef_float(sf, x, (sf_count_t)n), (sf_count_t)n);
	sf_close(sf);
	free(x);
}

static void test_import_recording(void **state)
{
	(void)state;
	char in[256], out[256], err[512];
	snprintf(in, sizeof in, "%s/rec44.wav", dir);
	snprintf(out, sizeof out, "%s/rec8.wav", dir);
	write_recording(in, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2.0);
	assert_int_equal(tts_audio_import(in, out, err, sizeof err), 0);
	struct wav w;
	load(out, &w);
	check_phone_audio(&w);
	double secs = (double)w.n / 8000.0;
	assert_true(secs > 2.0 - 0.05 && secs < 2.0 + TTS_TAIL_SILENCE_MS / 1000.0 + 0.05);
	free(w.x);
	/* an 8 kHz mono file is what load_pcm accepts; the 44.1 kHz one is not */
	int16_t *pcm;
	size_t n;
	assert_int_equal(tts_audio_load_pcm(in, &pcm, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "44100 Hz, 2 channel(s)"));
	/* not audio at all */
	snprintf(in, sizeof in, "%s/notes.txt", dir);
	FILE *f = fopen(in, "w");
	fputs("not audio\n", f);
	fclose(f);
	assert_int_equal(tts_audio_import(in, out, err, sizeof err), -1);
	assert_non_null(strstr(err, "notes.txt: cannot read audio"));
}

static void test_prompts(void **state)
{
	(void)state;
	char f[4200], path[4200], err[4200];
	snprintf(f, sizeof f, "%s/greeting.txt", cfg.prompts);
	FILE *fp = fopen(f, "w");
	fputs("Xin chào bà con {village}.\n", fp);
	fclose(fp);
	char *text;
	assert_int_equal(tts_prompt_text(&cfg, "greeting", &text, err, sizeof err), 0);
	assert_string_equal(text, "Xin chào bà con thôn Tân Lợi.\n");
	free(text);
	assert_int_equal(tts_prompt_render(eng, "greeting", path, sizeof path, err, sizeof err), 0);
	struct wav w;
	load(path, &w);
	check_phone_audio(&w);
	free(w.x);

	/* a recording (16 kHz mono FLAC) replaces the template */
	snprintf(f, sizeof f, "%s/thanks.txt", cfg.prompts);
	fp = fopen(f, "w");
	fputs("Xin cảm ơn.\n", fp);
	fclose(fp);
	snprintf(f, sizeof f, "%s/thanks.flac", cfg.prompts);
	write_recording(f, 16000, 1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 1.5);
	assert_int_equal(tts_prompt_recording(&cfg, "thanks", path, sizeof path), 1);
	assert_string_equal(path, f);
	assert_int_equal(tts_prompt_render(eng, "thanks", path, sizeof path, err, sizeof err), 0);
	assert_non_null(strstr(path, "/rec-"));
	load(path, &w);
	check_phone_audio(&w);
	assert_true((double)w.n / 8000.0 > 1.45);
	free(w.x);

	/* errors name the file and line */
	snprintf(f, sizeof f, "%s/press.txt", cfg.prompts);
	fp = fopen(f, "w");
	fputs("Bấm phím 1.\nXã {xa}.\n", fp);
	fclose(fp);
	assert_int_equal(tts_prompt_render(eng, "press", path, sizeof path, err, sizeof err), -1);
	assert_non_null(strstr(err, "press.txt:2: unknown placeholder"));
	assert_int_equal(tts_prompt_render(eng, "repeat", path, sizeof path, err, sizeof err), -1);
	assert_non_null(strstr(err, "repeat.txt: cannot read prompt"));
}

static void test_shipped_prompts(void **state)
{
	(void)state;
	struct tts_config c = cfg;
	c.prompts[0] = '\0'; /* DATADIR/prompts */
	const char *names[] = { TTS_PROMPT_GREETING, TTS_PROMPT_PRESS, TTS_PROMPT_REPEAT, TTS_PROMPT_THANKS };
	for (size_t i = 0; i < 4; i++) {
		char *text, err[512];
		if (tts_prompt_text(&c, names[i], &text, err, sizeof err) != 0)
			fail_msg("%s", err);
		assert_true(strlen(text) > 5);
		free(text);
	}
}

static void test_normaliser(void **state)
{
	(void)state;
	/* quiet speech-like signal with one huge spike: level reaches target,
	 * spike stays under the ceiling */
	size_t n = 16000;
	float *x = calloc(n, sizeof *x);
	for (size_t i = 4000; i < 12000; i++)
		x[i] = 0.01f * (float)sin(2 * M_PI * 300 * (double)i / 8000);
	x[8000] = 0.9f;
	tts_audio_normalise(x, n, 8000, TTS_LEVEL_DBFS);
	double lvl = tts_audio_active_dbfs(x, n, 8000);
	assert_true(lvl > -18.0 && lvl < -16.0);
	float ceil = (float)pow(10, TTS_CEILING_DBFS / 20);
	for (size_t i = 0; i < n; i++)
		assert_true(fabsf(x[i]) <= ceil + 1e-6f);
	/* silence stays silence */
	memset(x, 0, n * sizeof *x);
	tts_audio_normalise(x, n, 8000, TTS_LEVEL_DBFS);
	for (size_t i = 0; i < n; i++)
		assert_true(x[i] == 0.0f);
	free(x);
}


/* A link planted in the output folder (at the final name, or at the
 * temporary name an older Loa used) never makes the writer touch its
 * target: the victim file is unchanged and the WAV is a file of its own. */
static void test_write_ignores_planted_links(void **state)
{
	(void)state;
	char wdir[] = "/tmp/loa-wav.XXXXXX";
	assert_non_null(mkdtemp(wdir));
	char victim[256], out[256], planted[300];
	snprintf(victim, sizeof victim, "%s/victim", wdir);
	snprintf(out, sizeof out, "%s/notice.wav", wdir);
	FILE *f = fopen(victim, "w");
	assert_non_null(f);
	fputs("keep me", f);
	fclose(f);
	assert_int_equal(symlink(victim, out), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(planted, sizeof planted, "%s.tmp.%ld.%d", out, (long)getpid(), i);
		assert_int_equal(symlink(victim, planted), 0);
	}
	float x[800] = { 0 };
	char err[256];
	assert_int_equal(tts_audio_write_wav(out, x, 800, err, sizeof err), 0);
	struct stat st;
	assert_int_equal(lstat(out, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	char buf[16] = { 0 };
	f = fopen(victim, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "keep me");
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", wdir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notice_render),
		cmocka_unit_test(test_cache_renders_once),
		cmocka_unit_test(test_async_queue),
		cmocka_unit_test(test_explicit_output_and_pcm),
		cmocka_unit_test(test_import_recording),
		cmocka_unit_test(test_prompts),
		cmocka_unit_test(test_shipped_prompts),
		cmocka_unit_test(test_normaliser),
		cmocka_unit_test(test_write_ignores_planted_links),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
