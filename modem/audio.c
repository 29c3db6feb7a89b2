/* audio — see audio.h for the clocking and DTMF design. */
#include "modem/audio.h"

#include "base/clock.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spandsp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- DTMF ---- */

struct audio_dtmf {
	dtmf_rx_state_t *rx;
	audio_digit_fn fn;
	void *arg;
	int64_t samples;      /* fed so far */
	int64_t tone_start;   /* sample index where the current tone began */
	int tone;             /* current tone code, 0 none */
	int reported;         /* current tone already reported */
};

static void tone_report(void *user, int code, int level, int delay)
{
	(void)level, (void)delay;
	struct audio_dtmf *d = user;
	if (code == d->tone)
		return;
	d->tone = code;
	d->tone_start = d->samples;
	d->reported = 0;
}

static void digits_ignored(void *user, const char *digits, int len)
{
	(void)user, (void)digits, (void)len;
}

struct audio_dtmf *audio_dtmf_new(audio_digit_fn fn, void *arg)
{
	struct audio_dtmf *d = xcalloc(1, sizeof *d);
	d->rx = dtmf_rx_init(NULL, digits_ignored, d);
	dtmf_rx_set_realtime_callback(d->rx, tone_report, d);
	d->fn = fn;
	d->arg = arg;
	return d;
}

void audio_dtmf_free(struct audio_dtmf *d)
{
	if (!d)
		return;
	dtmf_rx_free(d->rx);
	free(d);
}

void audio_dtmf_feed(struct audio_dtmf *d, const int16_t *pcm, size_t n)
{
	/* feed in small blocks so the tone length is measured finely */
	const int step = 40;
	for (size_t off = 0; off < n; off += (size_t)step) {
		int k = n - off < (size_t)step ? (int)(n - off) : step;
		dtmf_rx(d->rx, pcm + off, k);
		d->samples += k;
		if (d->tone && !d->reported &&
		    d->samples - d->tone_start >= (int64_t)AUDIO_DTMF_MIN_MS * AUDIO_RATE / 1000) {
			d->reported = 1;
			if (d->fn)
				d->fn(d->arg, (char)d->tone);
		}
	}
}

/* ---- the port ---- */

struct audio_port {
	int fd;
	struct audio_hooks h;
	void *arg;
	unsigned char in[AUDIO_FRAME_BYTES];
	size_t in_len;
	unsigned char out[AUDIO_FRAME_BYTES * 8];
	size_t out_len;
	const int16_t *pcm;
	size_t pcm_n, pcm_pos;
	int64_t next_ms;       /* fallback timer: absolute mono ms */
	int timer_mode;
	struct audio_dtmf *dtmf;
	struct audio_stats st;
	/* the capture: rec[0..rec_n) of at most rec_max samples */
	int16_t *rec;
	size_t rec_n, rec_max;
	enum audio_rec rec_state;
	int quiet_ms;
};

static void on_digit(void *arg, char digit)
{
	struct audio_port *a = arg;
	if (a->h.digit)
		a->h.digit(a->arg, digit);
}

struct audio_port *audio_new_fd(int fd, const struct audio_hooks *h, void *arg)
{
	struct audio_port *a = xcalloc(1, sizeof *a);
	a->fd = fd;
	if (h)
		a->h = *h;
	a->arg = arg;
	a->dtmf = audio_dtmf_new(on_digit, a);
	a->next_ms = clock_mono_ms() + AUDIO_STALL_MS;
	return a;
}

struct audio_port *audio_open(const char *path, const struct audio_hooks *h, void *arg, char *err, size_t errlen)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open the audio port: %s", path, strerror(errno));
		return NULL;
	}
	struct termios t;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	tcflush(fd, TCIOFLUSH);
	return audio_new_fd(fd, h, arg);
}

void audio_close(struct audio_port *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	audio_dtmf_free(a->dtmf);
	free(a->rec);
	free(a);
}

int audio_record_start(struct audio_port *a, size_t max_samples)
{
	free(a->rec);
	a->rec = NULL;
	a->rec_n = a->rec_max = 0;
	a->rec_state = AUDIO_REC_OFF;
	a->quiet_ms = 0;
	if (!max_samples || max_samples > SIZE_MAX / sizeof *a->rec)
		return -1;
	/* all of it now: a frame must never wait for memory mid-call */
	a->rec = malloc(max_samples * sizeof *a->rec);
	if (!a->rec)
		return -1;
	a->rec_max = max_samples;
	a->rec_state = AUDIO_REC_ON;
	return 0;
}

void audio_record_stop(struct audio_port *a)
{
	if (a->rec_state == AUDIO_REC_ON)
		a->rec_state = AUDIO_REC_OFF;
}

enum audio_rec audio_record_state(const struct audio_port *a)
{
	return a->rec_state;
}

size_t audio_record_len(const struct audio_port *a)
{
	return a->rec_n;
}

int audio_record_quiet_ms(const struct audio_port *a)
{
	return a->quiet_ms;
}

void audio_record_take(struct audio_port *a, int16_t **pcm, size_t *n)
{
	*pcm = a->rec_n ? a->rec : NULL;
	*n = a->rec_n;
	if (!a->rec_n)
		free(a->rec);
	a->rec = NULL;
	a->rec_n = a->rec_max = 0;
	a->rec_state = AUDIO_REC_OFF;
	a->quiet_ms = 0;
}

static void capture(struct audio_port *a, const int16_t *s, size_t n)
{
	if (a->rec_state != AUDIO_REC_ON)
		return;
	size_t k = a->rec_max - a->rec_n < n ? a->rec_max - a->rec_n : n;
	memcpy(a->rec + a->rec_n, s, k * sizeof *s);
	a->rec_n += k;
	int peak = 0;
	for (size_t i = 0; i < k; i++) {
		int v = s[i] < 0 ? -(int)s[i] : s[i];
		if (v > peak)
			peak = v;
	}
	a->quiet_ms = peak < AUDIO_QUIET_PEAK ? a->quiet_ms + (int)(k * 1000 / AUDIO_RATE) : 0;
	if (a->rec_n == a->rec_max)
		a->rec_state = AUDIO_REC_FULL;
}

void audio_play(struct audio_port *a, const int16_t *pcm, size_t n)
{
	a->pcm = pcm;
	a->pcm_n = pcm ? n : 0;
	a->pcm_pos = 0;
}

int audio_playing(const struct audio_port *a)
{
	return a->pcm != NULL && a->pcm_pos < a->pcm_n;
}

int audio_fd(const struct audio_port *a)
{
	return a->fd;
}

short audio_events(const struct audio_port *a)
{
	return (short)(POLLIN | (a->out_len ? POLLOUT : 0));
}

int64_t audio_deadline(const struct audio_port *a)
{
	return a->next_ms;
}

void audio_stats(const struct audio_port *a, struct audio_stats *s)
{
	*s = a->st;
}

static void flush_out(struct audio_port *a)
{
	while (a->out_len) {
		ssize_t w = write(a->fd, a->out, a->out_len);
		if (w > 0) {
			memmove(a->out, a->out + w, a->out_len - (size_t)w);
			a->out_len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		break;
	}
}

/* One uplink frame: the next 160 samples of the playback, or silence. */
static void send_frame(struct audio_port *a)
{
	int16_t s[AUDIO_FRAME_SAMPLES];
	memset(s, 0, sizeof s);
	int finished = 0;
	if (a->pcm && a->pcm_pos < a->pcm_n) {
		size_t k = a->pcm_n - a->pcm_pos;
		if (k > AUDIO_FRAME_SAMPLES)
			k = AUDIO_FRAME_SAMPLES;
		memcpy(s, a->pcm + a->pcm_pos, k * sizeof *s);
		a->pcm_pos += k;
		finished = a->pcm_pos >= a->pcm_n;
	}
	unsigned char b[AUDIO_FRAME_BYTES];
	for (int i = 0; i < AUDIO_FRAME_SAMPLES; i++) { /* s16le whatever the host */
		b[2 * i] = (unsigned char)((uint16_t)s[i] & 0xFF);
		b[2 * i + 1] = (unsigned char)((uint16_t)s[i] >> 8);
	}
	if (a->out_len + AUDIO_FRAME_BYTES > sizeof a->out) {
		/* the port is not draining: drop the oldest whole frame, never
		 * part of one (alignment) */
		memmove(a->out, a->out + AUDIO_FRAME_BYTES, a->out_len - AUDIO_FRAME_BYTES);
		a->out_len -= AUDIO_FRAME_BYTES;
		a->st.short_writes++;
	}
	memcpy(a->out + a->out_len, b, sizeof b);
	a->out_len += sizeof b;
	a->st.frames_out++;
	flush_out(a);
	if (finished) {
		a->pcm = NULL;
		if (a->h.done)
			a->h.done(a->arg);
	}
}

static void frame_in(struct audio_port *a)
{
	int16_t s[AUDIO_FRAME_SAMPLES];
	for (int i = 0; i < AUDIO_FRAME_SAMPLES; i++)
		s[i] = (int16_t)(uint16_t)(a->in[2 * i] | (a->in[2 * i + 1] << 8));
	a->st.frames_in++;
	capture(a, s, AUDIO_FRAME_SAMPLES);
	audio_dtmf_feed(a->dtmf, s, AUDIO_FRAME_SAMPLES);
	a->timer_mode = 0;
	a->next_ms = clock_mono_ms() + AUDIO_STALL_MS;
	send_frame(a);
}

void audio_io(struct audio_port *a, short revents)
{
	if (revents & POLLOUT)
		flush_out(a);
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	for (int guard = 0; guard < 64; guard++) {
		ssize_t n = read(a->fd, a->in + a->in_len, sizeof a->in - a->in_len);
		if (n > 0) {
			a->in_len += (size_t)n;
			if (a->in_len == sizeof a->in) {
				frame_in(a);
				a->in_len = 0;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break; /* EAGAIN, or EIO while the far side is closed: the timer keeps us going */
	}
}

void audio_tick(struct audio_port *a)
{
	int64_t now = clock_mono_ms();
	if (now < a->next_ms)
		return;
	if (!a->timer_mode) {
		a->timer_mode = 1;
		a->next_ms = now;
	}
	/* catch up at most a few frames after a long stall */
	for (int i = 0; i < 5 && a->next_ms <= now; i++) {
		a->st.timer_frames++;
		send_frame(a);
		a->next_ms += AUDIO_FRAME_MS;
	}
	if (a->next_ms <= now)
		a->next_ms = now + AUDIO_FRAME_MS;
}
