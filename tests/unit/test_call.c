/* test_call — the call table (modem/call.c) under the fake clock, and the
 * software DTMF detector (modem/audio.c) on spandsp-generated tones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "app/config.h"
#include "modem/at.h"
#include "modem/profile.h"
#include "modem/audio.h"
#include "modem/call.h"

#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
#include <stdio.h>
#include <string.h>

struct fake {
	char cmds[32][64];
	int urgent[32];
	int ncmd;
	enum call_seg played[32];
	int nplay;
	int ended;
	int progress_played;
};

static int f_cmd(void *arg, const char *cmd, int timeout_ms, enum call_cmd tag, int urgent)
{
	(void)timeout_ms, (void)tag;
	struct fake *f = arg;
	if (f->ncmd < 32) {
		f->urgent[f->ncmd] = urgent;
		snprintf(f->cmds[f->ncmd++], 64, "%s", cmd);
	}
	return 0;
}
static void f_play(void *arg, enum call_seg seg)
{
	struct fake *f = arg;
	if (f->nplay < 32)
		f->played[f->nplay++] = seg;
}
static void f_progress(void *arg, enum call_state to, int played)
{
	(void)to;
	((struct fake *)arg)->progress_played |= played;
}
static void f_ended(void *arg)
{
	((struct fake *)arg)->ended++;
}

static const struct call_ops ops = { f_cmd, f_play, f_progress, f_ended };
static const struct call_timing tm = { 5000, 6000, 600000, 2, 3 };

static void setup(struct call *c, struct fake *f, int family)
{
	clock_fake(1796090400000LL);
	memset(f, 0, sizeof *f);
	call_init(c, profile_for(family), &tm, &ops, f);
	assert_int_equal(call_start(c, "+84912000001"), 0);
	assert_int_equal(c->state, CALL_DIALING);
}

static void answer(struct call *c)
{
	call_at_done(c, CC_DIAL, AT_R_OK, "");
	call_event(c, CE_ANSWERED);
	clock_advance(5);
	call_tick(c); /* audio starts from the loop */
	assert_int_equal(c->state, CALL_PLAYING);
}

/* plays every segment of the current plan */
static void play_all(struct call *c)
{
	for (int i = 0; i < 10 && c->state == CALL_PLAYING && !c->confirming; i++)
		call_seg_done(c);
}

static int sent(const struct fake *f, const char *cmd)
{
	for (int i = 0; i < f->ncmd; i++)
		if (!strcmp(f->cmds[i], cmd))
			return 1;
	return 0;
}

#define URC(c, ev, line)                                                     \
	do {                                                                 \
		struct at_urc u_ = { URC_CALL, ev, line, NULL };             \
		call_urc(c, &u_);                                            \
	} while (0)

static void test_confirmed(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_HUAWEI);
	assert_true(sent(&f, "ATD+84912000001;"));
	answer(&c);
	assert_true(sent(&f, "AT^DDSETEX=2")); /* Huawei: after ATD */
	/* greeting, notice, repeat, notice, press */
	assert_int_equal(f.played[0], SEG_GREETING);
	play_all(&c);
	assert_int_equal(c.state, CALL_WAITING_KEY);
	assert_int_equal(f.nplay, 5);
	assert_int_equal(f.played[3], SEG_NOTICE);
	assert_int_equal(f.played[4], SEG_PRESS);
	assert_true(c.played);
	call_digit(&c, '1');
	assert_int_equal(f.played[f.nplay - 1], SEG_THANKS);
	call_seg_done(&c); /* thanks done: hang up */
	assert_true(sent(&f, "AT+CHUP"));
	call_at_done(&c, CC_HANGUP, AT_R_OK, "");
	/* the OK is not the end: Huawei reports it with ^CEND after */
	assert_int_equal(f.ended, 0);
	assert_int_equal(c.state, CALL_HANGUP);
	URC(&c, CALL_EV_ENDED, "^CEND:1,31,104,16");
	assert_int_equal(f.ended, 1);
	assert_int_equal(c.state, CALL_IDLE);
	assert_true(c.confirmed);
	assert_int_equal(c.outcome, OUT_ANSWERED);
	assert_string_equal(c.keys, "1");
}

static void test_replay_then_confirm(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_GENERIC);
	answer(&c);
	play_all(&c);
	call_digit(&c, '2');
	assert_int_equal(c.state, CALL_PLAYING);
	assert_int_equal(f.played[f.nplay - 1], SEG_NOTICE);
	call_digit(&c, '2'); /* the same key heard twice (URC + tone): once */
	assert_int_equal(c.replays, 1);
	play_all(&c);
	assert_int_equal(c.state, CALL_WAITING_KEY);
	clock_advance(1500);
	call_digit(&c, '1');
	call_seg_done(&c);
	call_event(&c, CE_ENDED);
	assert_true(c.confirmed);
	assert_string_equal(c.keys, "21");
}

static void test_no_key_played(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_SIMCOM);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	call_event(&c, CE_ANSWERED);
	clock_advance(150); /* SIMCom: AT+CPCMREG=1 ~100 ms after BEGIN */
	call_tick(&c);
	assert_true(sent(&f, "AT+CPCMREG=1"));
	call_at_done(&c, CC_AUDIO_ON, AT_R_OK, "");
	assert_int_equal(c.state, CALL_PLAYING);
	play_all(&c);
	assert_int_equal(c.state, CALL_WAITING_KEY);
	clock_advance(tm.key_ms + 1);
	call_tick(&c);
	assert_int_equal(f.played[f.nplay - 1], SEG_THANKS);
	call_seg_done(&c);
	assert_true(sent(&f, "AT+CHUP"));
	call_at_done(&c, CC_HANGUP, AT_R_OK, "");
	assert_int_equal(f.ended, 0);
	/* SIMCom: the released +CLCC, then VOICE CALL: END */
	URC(&c, CALL_EV_STATE, "+CLCC: 1,0,6,0,0,\"+84912000001\",145");
	assert_int_equal(f.ended, 0);
	URC(&c, CALL_EV_ENDED, "VOICE CALL: END: 000012");
	assert_int_equal(f.ended, 1);
	assert_true(c.played);
	assert_false(c.confirmed);
	assert_true(f.progress_played);
	assert_true(sent(&f, "AT+CPCMREG=0"));
}

static void test_busy(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_HUAWEI);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	struct at_urc u = { URC_CALL, CALL_EV_ENDED, "^CEND:1,0,0,17", NULL };
	call_urc(&c, &u);
	assert_int_equal(f.ended, 1);
	assert_int_equal(c.outcome, OUT_BUSY);
	/* SIMCom: release line first, BUSY after it */
	setup(&c, &f, FAMILY_SIMCOM);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	struct at_urc r = { URC_CALL, CALL_EV_STATE, "+CLCC: 1,0,6,0,0,\"+84912000001\",145", NULL };
	call_urc(&c, &r);
	assert_int_equal(f.ended, 0);
	struct at_urc b = { URC_CALL, CALL_EV_ENDED, "BUSY", NULL };
	call_urc(&c, &b);
	assert_int_equal(c.outcome, OUT_BUSY);
	assert_int_equal(f.ended, 1);
}

static void test_no_answer(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_QUECTEL);
	assert_true(sent(&f, "AT+QPCMV=1,0")); /* Quectel: before ATD */
	assert_true(strcmp(f.cmds[0], "AT+QPCMV=1,0") == 0);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	struct at_urc r = { URC_CALL, CALL_EV_STATE, "+QIND: \"ccinfo\",1,0,3,0,0,\"+84912000001\",145", NULL };
	call_urc(&c, &r);
	assert_int_equal(c.state, CALL_RINGING);
	clock_advance(tm.ring_ms + 1);
	call_tick(&c);
	assert_true(sent(&f, "AT+CHUP"));
	assert_false(f.urgent[f.ncmd - 1]); /* the ATD was answered: no abort */
	call_at_done(&c, CC_HANGUP, AT_R_OK, "");
	assert_int_equal(f.ended, 0);
	URC(&c, CALL_EV_STATE, "+QIND: \"ccinfo\",1,0,-1,0,0,\"+84912000001\",145");
	clock_advance(600); /* a release without a cause waits for words */
	call_tick(&c);
	assert_int_equal(c.outcome, OUT_NO_ANSWER);
	assert_int_equal(f.ended, 1);
}

/* The bug of the field: the end report of the call we hung up arrived after
 * the next ATD and ended the new call "before it was answered". */
static void test_late_end_report(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_GENERIC);
	answer(&c);
	play_all(&c);
	call_digit(&c, '1');
	call_seg_done(&c);
	call_at_done(&c, CC_HANGUP, AT_R_OK, "");
	assert_int_equal(c.state, CALL_HANGUP);
	assert_false(call_active(&c) == 0); /* the modem is not free yet */
	/* the generic end report: NO CARRIER, late */
	URC(&c, CALL_EV_ENDED, "NO CARRIER");
	assert_int_equal(f.ended, 1);
	assert_false(call_active(&c));
	assert_true(c.confirmed);
	unsigned gen = c.gen;

	/* next call: a straggler end report while its ATD is unanswered is an
	 * earlier call's, and a result of the old call's command never
	 * reaches it (the daemon drops results by generation) */
	assert_int_equal(call_start(&c, "+84912000002"), 0);
	assert_int_not_equal(c.gen, gen);
	URC(&c, CALL_EV_ENDED, "NO CARRIER");
	URC(&c, CALL_EV_STATE, "+CLCC: 1,0,6,0,0,\"+84912000001\",145");
	assert_int_equal(c.state, CALL_DIALING);
	assert_int_equal(f.ended, 1);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	assert_int_equal(c.state, CALL_DIALING);
}

/* No end report at all: AT+CLCC decides after T_HANGUP. */
static void test_hangup_without_report(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_GENERIC);
	answer(&c);
	call_event(&c, CE_T_MAX);
	assert_int_equal(c.state, CALL_HANGUP);
	call_at_done(&c, CC_HANGUP, AT_R_OK, "");
	clock_advance(5001);
	call_tick(&c);
	assert_string_equal(f.cmds[f.ncmd - 1], "AT+CLCC");
	/* still listed: hang up again */
	call_at_done(&c, CC_POLL, AT_R_OK, "+CLCC: 1,0,0,0,0,\"+84912000001\",145");
	assert_string_equal(f.cmds[f.ncmd - 1], "AT+CHUP");
	assert_int_equal(c.hangup_tries, 2);
	clock_advance(5001);
	call_tick(&c);
	/* only an incoming call is listed now: ours is gone */
	call_at_done(&c, CC_POLL, AT_R_OK, "+CLCC: 2,1,4,0,0,\"0987654321\",129");
	assert_int_equal(f.ended, 1);
	assert_int_equal(c.outcome, OUT_ANSWERED);
}

/* Reports are matched to the call they name. */
static void test_report_matching(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_HUAWEI);
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	struct at_urc o = { URC_CALL, CALL_EV_ORIG, "^ORIG:2,0", NULL };
	call_urc(&c, &o);
	assert_int_equal(c.idx, 2);
	URC(&c, CALL_EV_ENDED, "^CEND:1,12,104,16"); /* another call */
	assert_int_equal(f.ended, 0);
	URC(&c, CALL_EV_STATE, "+CLCC: 3,1,4,0,0,\"0987654321\",129"); /* incoming */
	assert_int_equal(c.state, CALL_DIALING);
	URC(&c, CALL_EV_ANSWERED, "^CONN:2,0");
	assert_int_equal(c.state, CALL_ANSWERED);
	URC(&c, CALL_EV_ENDED, "^CEND:2,3,104,16");
	assert_int_equal(f.ended, 1);
	int idx, dir;
	call_parse_ids("+QIND: \"ccinfo\",4,1,4,0,0,\"0987\",129", &idx, &dir);
	assert_int_equal(idx, 4);
	assert_int_equal(dir, 1);
	call_parse_ids("VOICE CALL: END: 000012", &idx, &dir);
	assert_int_equal(idx, -1);
	call_parse_ids("^CONF:1", &idx, &dir);
	assert_int_equal(idx, 1);
}

/* A ring timeout while the ATD itself is unanswered (modems whose ATD
 * answers only when the far end does) hangs up at once: urgent. */
static void test_ring_timeout_aborts_dial(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_GENERIC);
	clock_advance(tm.ring_ms + 1);
	call_tick(&c);
	assert_string_equal(f.cmds[f.ncmd - 1], "AT+CHUP");
	assert_true(f.urgent[f.ncmd - 1]);
	/* the aborted ATD answers NO CARRIER: that is the end */
	call_at_done(&c, CC_DIAL, AT_R_NO_CARRIER, "");
	assert_int_equal(f.ended, 1);
	assert_int_equal(c.outcome, OUT_NO_ANSWER);
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(call_parse_state("+CLCC: 1,0,3,0,0,\"+84912000001\",145"), 3);
	assert_int_equal(call_parse_state("+QIND: \"ccinfo\",1,0,-1,0,0,\"+849\",145"), -1);
	assert_int_equal(call_parse_state("+CSQ: 1,2"), -2);
	assert_int_equal(call_parse_cend("^CEND:1,0,104,19"), 19);
}

/* ---- DTMF ---- */
static char got[16];
static void on_digit(void *arg, char d)
{
	(void)arg;
	size_t n = strlen(got);
	if (n + 1 < sizeof got) {
		got[n] = d;
		got[n + 1] = '\0';
	}
}

static void feed_tone(const char *digit, int on_ms)
{
	got[0] = '\0';
	struct audio_dtmf *d = audio_dtmf_new(on_digit, NULL);
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	dtmf_tx_set_timing(tx, on_ms, 100);
	int16_t silence[800] = { 0 };
	audio_dtmf_feed(d, silence, 800);
	dtmf_tx_put(tx, digit, -1);
	int16_t buf[160];
	for (int i = 0; i < 50; i++) {
		memset(buf, 0, sizeof buf);
		dtmf_tx(tx, buf, 160);
		audio_dtmf_feed(d, buf, 160);
	}
	dtmf_tx_free(tx);
	audio_dtmf_free(d);
}

static void test_dtmf(void **state)
{
	(void)state;
	feed_tone("1", 100);
	assert_string_equal(got, "1");
	feed_tone("2", 60);
	assert_string_equal(got, "2");
	feed_tone("21", 80);
	assert_string_equal(got, "21");
	feed_tone("1", 20); /* a 20 ms blip is not a key */
	assert_string_equal(got, "");
}

/* The delivery state after one attempt, as a table. */
static void test_final(void **state)
{
	(void)state;
	static const struct {
		int confirmed, played, attempts, max;
		enum call_final want;
		int64_t next;          /* 0, or seconds after now */
	} t[] = {
		{ 1, 1, 1, 3, CALL_FINAL_CONFIRMED, 0 },
		{ 1, 0, 3, 3, CALL_FINAL_CONFIRMED, 0 },  /* key 1 counts even on the last attempt */
		{ 0, 1, 1, 3, CALL_FINAL_PLAYED, 0 },
		{ 0, 1, 5, 3, CALL_FINAL_PLAYED, 0 },
		{ 0, 0, 1, 3, CALL_FINAL_QUEUED, 600 },
		{ 0, 0, 2, 3, CALL_FINAL_QUEUED, 600 },
		{ 0, 0, 3, 3, CALL_FINAL_UNREACHED, 0 },
		{ 0, 0, 4, 3, CALL_FINAL_UNREACHED, 0 },   /* past the cap (config lowered) */
		{ 0, 0, 1, 1, CALL_FINAL_UNREACHED, 0 },
		{ 0, 0, 0, 0, CALL_FINAL_UNREACHED, 0 },
	};
	const int64_t now = 1796090400;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t next = -1;
		enum call_final f = call_final(t[i].confirmed, t[i].played, t[i].attempts, t[i].max, now, 600, &next);
		assert_int_equal(f, t[i].want);
		assert_true(next == (t[i].next ? now + t[i].next : 0));
	}
	assert_string_equal(call_final_name(CALL_FINAL_CONFIRMED), "confirmed");
	assert_string_equal(call_final_name(CALL_FINAL_PLAYED), "played");
	assert_string_equal(call_final_name(CALL_FINAL_UNREACHED), "unreached");
	assert_string_equal(call_final_name(CALL_FINAL_QUEUED), "queued");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirmed),  cmocka_unit_test(test_replay_then_confirm),
		cmocka_unit_test(test_no_key_played), cmocka_unit_test(test_busy),
		cmocka_unit_test(test_no_answer),  cmocka_unit_test(test_parse),
		cmocka_unit_test(test_late_end_report), cmocka_unit_test(test_hangup_without_report),
		cmocka_unit_test(test_report_matching), cmocka_unit_test(test_ring_timeout_aborts_dial),
		cmocka_unit_test(test_dtmf), cmocka_unit_test(test_final),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
