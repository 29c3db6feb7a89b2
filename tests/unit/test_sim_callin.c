/* test_sim_callin — the simulator's far end calls in (`callin`), per
 * family, on the fake clock: a flash (rings, then the family's missed/end
 * lines without ATA), an answered call whose caller presses keys (in-band
 * DTMF on the downlink, +RXDTMF/+QTONEDET where the family reports them)
 * and hangs up, a caller who speaks (the WAV's samples arrive on the
 * audio port), ATH on a ringing call, and the control's errors. */
#include "tests/simtest.h"

#include <sndfile.h>
#include <spandsp.h>
#include <unistd.h>

#define CLIP "\r\n+CLIP: \"0912345678\",129,\"\",,\"\",0\r\n"

/* Advances in 20 ms steps, so that every audio frame goes out. */
static void step(struct sim *s, int ms)
{
	for (int t = 0; t < ms; t += 20)
		advance(s, 20);
}

static const char *fams[] = { "generic", "huawei", "simcom", "quectel" };

/* ATE0, caller ID on, and the family's call reports on. */
static struct sim_modem *setup(struct sim *s)
{
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(io(m, "AT+CLIP=1\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CLCC=1\r"), "\r\nOK\r\n");
	io(m, "AT+QINDCFG=\"ccinfo\",1\r");
	return m;
}

static void test_flash(void **state)
{
	(void)state;
	static const char *const ring_first[] = {
		"\r\nRING\r\n" CLIP,
		"\r\nRING\r\n" CLIP,
		"\r\n+CLCC: 1,1,4,0,0,\"0912345678\",129\r\n\r\nRING\r\n" CLIP,
		"\r\n+QIND: \"ccinfo\",1,1,4,0,0,\"0912345678\",129\r\n\r\nRING\r\n" CLIP,
	};
	static const char *const ends[] = {
		"\r\nNO CARRIER\r\n",
		"\r\n^CEND:1,0,0,16\r\n",
		"\r\n+CLCC: 1,1,6,0,0,\"0912345678\",129\r\n\r\nVOICE CALL: END: 000000\r\n\r\nMISSED_CALL: ",
		"\r\n+QIND: \"ccinfo\",1,1,-1,0,0,\"0912345678\",129\r\n\r\nNO CARRIER\r\n",
	};
	for (int f = 0; f < 4; f++) {
		struct sim *s = mk(fams[f], "delivered");
		struct sim_modem *m = setup(s);
		assert_string_equal(ctl(s, "callin m1 0912345678 --ring-s 5"), "ok call=1");
		assert_string_equal(out(m), ring_first[f]);
		advance(s, 2999);
		assert_string_equal(out(m), "");
		advance(s, 1); /* every 3 s while it alerts */
		assert_string_equal(out(m), "\r\nRING\r\n" CLIP);
		advance(s, 2000); /* the caller gives up: no ATA */
		const char *o = out(m);
		assert_true(strncmp(o, ends[f], strlen(ends[f])) == 0);
		if (f == 2)
			assert_non_null(strstr(o, " 0912345678\r\n\r\nNO CARRIER\r\n"));
		else
			assert_string_equal(o, ends[f]);
		advance(s, 10000); /* nothing rings any more */
		assert_string_equal(out(m), "");
		assert_string_equal(io(m, "ATA\r"), "\r\nNO CARRIER\r\n");
		assert_string_equal(io(m, "AT+CLCC\r"), "\r\nOK\r\n");
		sim_free(s);
	}
}

/* The downlink's DTMF digits (spandsp's receiver). */
static void got_digits(void *data, const char *d, int len)
{
	strncat((char *)data, d, (size_t)len);
}

static void test_keys(void **state)
{
	(void)state;
	static const char *const audio_on[] = { "AT\r", "AT^DDSETEX=2\r", "AT+CPCMREG=1;+DDET=1\r",
						"AT+QPCMV=1,0;+QTONEDET=1\r" };
	static const char *const conn[] = {
		"\r\nOK\r\n",
		"\r\nOK\r\n\r\n^CONN:1,0\r\n",
		"\r\nOK\r\n\r\nVOICE CALL: BEGIN\r\n\r\n+CLCC: 1,1,0,0,0,\"0912345678\",129\r\n",
		"\r\nOK\r\n\r\n+QIND: \"ccinfo\",1,1,0,0,0,\"0912345678\",129\r\n",
	};
	static const char *const urc1[] = { "", "", "\r\n+RXDTMF: 1\r\n", "\r\n+QTONEDET: 49\r\n" };
	static const char *const ends[] = {
		"\r\nNO CARRIER\r\n",
		"\r\n^CEND:1,4,0,16\r\n",
		"\r\n+CLCC: 1,1,6,0,0,\"0912345678\",129\r\n\r\nVOICE CALL: END: 000004\r\n\r\nNO CARRIER\r\n",
		"\r\n+QIND: \"ccinfo\",1,1,-1,0,0,\"0912345678\",129\r\n\r\nNO CARRIER\r\n",
	};
	for (int f = 0; f < 4; f++) {
		struct sim *s = mk(fams[f], "delivered");
		struct sim_modem *m = setup(s);
		assert_string_equal(ctl(s, "callin m1 0912345678 --keys \"1:1,2.5:2\" --hangup-s 4"), "ok call=1");
		out(m);
		advance(s, 3000);
		out(m);
		assert_string_equal(io(m, "ATA\r"), conn[f]);
		if (f == 0 || f == 3)
			assert_string_equal(io(m, "AT+CLCC\r"),
					    "\r\n+CLCC: 1,1,0,0,0,\"0912345678\",129\r\n\r\nOK\r\n");
		assert_string_equal(io(m, audio_on[f]), "\r\nOK\r\n");
		step(s, 1000);
		assert_string_equal(out(m), urc1[f]);
		step(s, 2000);
		assert_string_equal(out(m), f == 2 ? "\r\n+RXDTMF: 2\r\n" : f == 3 ? "\r\n+QTONEDET: 50\r\n" : "");
		step(s, 1000);
		assert_string_equal(out(m), ends[f]);
		/* both keys in-band on the audio port */
		size_t n;
		char *a = sim_audio_take(m, &n);
		assert_true(n >= 150 * 320);
		char digits[32] = "";
		dtmf_rx_state_t *rx = dtmf_rx_init(NULL, got_digits, digits);
		int16_t smp[160];
		for (size_t i = 0; i + 320 <= n; i += 320) {
			for (int k = 0; k < 160; k++)
				smp[k] = (int16_t)(uint16_t)((unsigned char)a[i + 2 * k] |
							     ((unsigned char)a[i + 2 * k + 1] << 8));
			dtmf_rx(rx, smp, 160);
		}
		dtmf_rx_free(rx);
		free(a);
		assert_string_equal(digits, "12");
		assert_non_null(strstr(ctl(s, "stats"), "calls=1"));
		sim_free(s);
	}
}

static void test_say(void **state)
{
	(void)state;
	char path[] = "/tmp/loa-callin-XXXXXX.wav";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	close(fd);
	SF_INFO info = { .samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	SNDFILE *w = sf_open(path, SFM_WRITE, &info);
	assert_non_null(w);
	int16_t wav[8000]; /* one second of a rising saw: no sample repeats at any offset */
	for (int i = 0; i < 8000; i++)
		wav[i] = (int16_t)(1000 + (i * 3) % 20000);
	assert_int_equal(sf_write_short(w, wav, 8000), 8000);
	sf_close(w);
	for (int f = 0; f < 4; f++) {
		struct sim *s = mk(fams[f], "delivered");
		struct sim_modem *m = setup(s);
		char cmd[256];
		snprintf(cmd, sizeof cmd, "callin m1 +84912345678 --say %s --say-s 0.5 --hangup-s 3", path);
		assert_string_equal(ctl(s, cmd), "ok call=1");
		assert_non_null(strstr(out(m), "+CLIP: \"+84912345678\",145,"));
		io(m, "ATA\r");
		static const char *const audio_on[] = { "AT\r", "AT^DDSETEX=2\r", "AT+CPCMREG=1\r", "AT+QPCMV=1,0\r" };
		assert_string_equal(io(m, audio_on[f]), "\r\nOK\r\n");
		step(s, 3000);
		size_t n;
		char *a = sim_audio_take(m, &n);
		size_t first = 0;
		while (first + 1 < n && !a[first] && !a[first + 1])
			first += 2;
		/* silence until 0.5 s after the answer, then the WAV, sample for sample */
		assert_true(first >= 24 * 320 && first <= 26 * 320);
		assert_true(first + sizeof wav <= n);
		for (int i = 0; i < 8000; i++) {
			int16_t v = (int16_t)(uint16_t)((unsigned char)a[first + 2 * i] |
							((unsigned char)a[first + 2 * i + 1] << 8));
			assert_int_equal(v, wav[i]);
		}
		free(a);
		sim_free(s);
	}
	unlink(path);
}

static void test_reject_and_errors(void **state)
{
	(void)state;
	struct sim *s = mk("huawei", "delivered");
	struct sim_modem *m = setup(s);
	assert_string_equal(io(m, "AT+CRC=1\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CRC?;+CLIP?\r"), "\r\n+CRC: 1\r\n\r\n+CLIP: 1,1\r\n\r\nOK\r\n");
	assert_string_equal(ctl(s, "callin m1 0912345678"), "ok call=1");
	assert_string_equal(out(m), "\r\n+CRING: VOICE\r\n" CLIP);
	assert_string_equal(ctl(s, "callin m1 0912345678"), "err callin: m1 is busy, unregistered or gone");
	assert_string_equal(io(m, "AT+CLCC\r"), "\r\n+CLCC: 1,1,4,0,0,\"0912345678\",129\r\n\r\nOK\r\n");
	/* the gateway rejects it: the end comes late, like any hang-up */
	assert_string_equal(io(m, "ATH\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT\r"), "\r\nOK\r\n\r\n^CEND:1,0,104,16\r\n");
	assert_string_equal(ctl(s, "callin m1"),
			    "err callin: usage: callin M FROM [--ring-s N] [--keys S:K,...] [--say FILE.wav] "
			    "[--say-s N] [--hangup-s N]");
	assert_string_equal(ctl(s, "callin m1 09x"), "err callin: FROM must be a phone number, not '09x'");
	assert_string_equal(ctl(s, "callin m1 0912 --ring-s -1"),
			    "err callin: --ring-s must be 0..600 seconds, not '-1'");
	assert_string_equal(ctl(s, "callin m1 0912 --keys 1=2"),
			    "err callin: --keys wants S:K pairs (seconds after the answer : 0-9 * #), not '1=2'");
	assert_string_equal(ctl(s, "callin m1 0912 --keys 1:"), /* found by fuzz_sim_at */
			    "err callin: --keys wants S:K pairs (seconds after the answer : 0-9 * #), not '1:'");
	assert_string_equal(ctl(s, "callin m1 0912 --keys 5:1,2:2"),
			    "err callin: --keys: times must not go back, at '2'");
	assert_string_equal(ctl(s, "callin m1 0912 --ring"), "err callin: a value is missing after '--ring'");
	assert_string_equal(ctl(s, "callin m1 0912 --ring 3"), "err callin: unknown option '--ring'");
	assert_non_null(strstr(ctl(s, "callin m1 0912 --say /nonexistent.wav"), "err callin: --say /nonexistent.wav: "));
	assert_string_equal(ctl(s, "callin m9 0912"), "err unknown modem 'm9'");
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flash),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_say),
		cmocka_unit_test(test_reject_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
