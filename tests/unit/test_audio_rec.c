/* test_audio_rec — recording the downlink of a call (modem/audio.c,
 * issue 17): over a socketpair standing in for the PCM port, what the far
 * end sends is captured sample-exact, byte-split frames included; DTMF is
 * still detected while recording ('#' from spandsp's generator, as the
 * head's phone would send it), and the owner stops the capture on it; the
 * capture stops itself FULL at its maximum; silence shows in
 * audio_record_quiet_ms; take hands the buffer over; the uplink clocking
 * (one frame out per frame in) is unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "modem/audio.h"

#include <fcntl.h>
#include <poll.h>
#include <spandsp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int far;               /* the modem's end */
static struct audio_port *port;
static char digits[16];

static void on_digit(void *arg, char d)
{
	(void)arg;
	size_t n = strlen(digits);
	if (n + 1 < sizeof digits)
		digits[n] = d;
	/* the owner ends the recording on '#', as the head's menu does */
	if (d == '#')
		audio_record_stop(port);
}

static int setup(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	far = sv[1];
	static const struct audio_hooks h = { .digit = on_digit };
	port = audio_new_fd(sv[0], &h, NULL);
	memset(digits, 0, sizeof digits);
	clock_fake(1796090400000LL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	audio_close(port);
	close(far);
	return 0;
}

/* The far end sends n samples (in chunks of `chunk` bytes); the port reads
 * them; the uplink is drained and its frames counted. */
static long send_pcm(const int16_t *pcm, size_t n, size_t chunk)
{
	unsigned char *b = malloc(n * 2);
	for (size_t i = 0; i < n; i++) {
		b[2 * i] = (unsigned char)((uint16_t)pcm[i] & 0xFF);
		b[2 * i + 1] = (unsigned char)((uint16_t)pcm[i] >> 8);
	}
	long up = 0;
	unsigned char sink[4096];
	for (size_t off = 0; off < n * 2;) {
		size_t k = n * 2 - off < chunk ? n * 2 - off : chunk;
		assert_int_equal(write(far, b + off, k), (ssize_t)k);
		off += k;
		audio_io(port, POLLIN);
		ssize_t r;
		while ((r = read(far, sink, sizeof sink)) > 0)
			up += r;
	}
	free(b);
	return up / AUDIO_FRAME_BYTES;
}

/* speech-like: noise bursts shaped like syllables */
static void speechy(int16_t *out, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		double env = ((i / 1600) % 3 == 2) ? 0.05 : 0.6; /* 200 ms on, 100 ms low */
		out[i] = (int16_t)((int)((seed >> 16) & 0x7FFF) - 16384) * env;
	}
}

static void test_capture_and_hash(void **state)
{
	(void)state;
	assert_int_equal(audio_record_state(port), AUDIO_REC_OFF);
	enum { N = 8000 * 2 };
	int16_t *voice = malloc(N * sizeof *voice);
	speechy(voice, N, 7);
	/* before the start: not captured */
	assert_int_equal(send_pcm(voice, 1600, 320), 10);
	assert_int_equal(audio_record_len(port), 0);
	assert_int_equal(audio_record_start(port, 8000 * 10), 0);
	assert_int_equal(audio_record_state(port), AUDIO_REC_ON);
	/* odd chunks: frames split across reads */
	assert_int_equal(send_pcm(voice, N, 77), N / AUDIO_FRAME_SAMPLES);
	assert_int_equal(audio_record_len(port), N);
	assert_int_equal(audio_record_quiet_ms(port), 0);
	/* 1 s of silence: quiet grows */
	int16_t *quiet = calloc(8000, sizeof *quiet);
	send_pcm(quiet, 8000, 320);
	assert_int_equal(audio_record_quiet_ms(port), 1000);
	/* '#' as a phone sends it: detected, the capture stops on it */
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	dtmf_tx_set_timing(tx, 120, 100);
	dtmf_tx_put(tx, "#", -1);
	int16_t tone[160 * 20];
	memset(tone, 0, sizeof tone);
	dtmf_tx(tx, tone, 160 * 20);
	dtmf_tx_free(tx);
	send_pcm(tone, 160 * 20, 320);
	assert_string_equal(digits, "#");
	assert_int_equal(audio_record_state(port), AUDIO_REC_OFF);
	size_t len = audio_record_len(port);
	assert_true(len > N + 8000 && len < N + 8000 + 8 * 160); /* stopped within the tone */
	int16_t *pcm;
	size_t n;
	audio_record_take(port, &pcm, &n);
	assert_int_equal(n, len);
	assert_memory_equal(pcm, voice, N * sizeof *voice);
	assert_memory_equal(pcm + N, quiet, 8000 * sizeof *quiet);
	free(pcm);
	assert_int_equal(audio_record_len(port), 0);
	audio_record_take(port, &pcm, &n);
	assert_null(pcm);
	assert_int_equal(n, 0);
	free(voice);
	free(quiet);
}

static void test_full_and_restart(void **state)
{
	(void)state;
	int16_t v[4000];
	speechy(v, 4000, 3);
	assert_int_equal(audio_record_start(port, 1000), 0);
	send_pcm(v, 4000, 320);
	assert_int_equal(audio_record_state(port), AUDIO_REC_FULL);
	assert_int_equal(audio_record_len(port), 1000);
	/* a keypress after it is full is still a key */
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	dtmf_tx_set_timing(tx, 100, 100);
	dtmf_tx_put(tx, "1", -1);
	int16_t tone[160 * 15];
	memset(tone, 0, sizeof tone);
	dtmf_tx(tx, tone, 160 * 15);
	dtmf_tx_free(tx);
	send_pcm(tone, 160 * 15, 320);
	assert_string_equal(digits, "1");
	/* a new start drops the old capture */
	assert_int_equal(audio_record_start(port, 2000), 0);
	assert_int_equal(audio_record_len(port), 0);
	send_pcm(v + 160, 320, 320);
	audio_record_stop(port);
	send_pcm(v, 320, 320);
	int16_t *pcm;
	size_t n;
	audio_record_take(port, &pcm, &n);
	assert_int_equal(n, 320);
	assert_memory_equal(pcm, v + 160, 320 * sizeof *pcm);
	free(pcm);
	assert_int_equal(audio_record_start(port, 0), -1);
	assert_int_equal(audio_record_state(port), AUDIO_REC_OFF);
	/* the capture is freed with the port (ASan) */
	assert_int_equal(audio_record_start(port, 500), 0);
	send_pcm(v, 320, 320);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture_and_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_and_restart, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
