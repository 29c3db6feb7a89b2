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
	enum call_offer offer;    /* what f_offer answers */
	char offered[32];         /* the number it was asked about */
	int n_offers;
	enum call_menu_ev menu[32];
	char menu_keys[32];
	int nmenu;
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

static enum call_offer f_offer(void *arg, const char *number)
{
	struct fake *f = arg;
	snprintf(f->offered, sizeof f->offered, "%s", number);
	f->n_offers++;
	return f->offer;
}
static void f_menu(void *arg, enum call_menu_ev ev, char digit)
{
	struct fake *f = arg;
	if (f->nmenu < 32) {
		f->menu[f->nmenu] = ev;
		f->menu_keys[f->nmenu++] = digit;
	}
}

static const struct call_ops ops = { f_cmd, f_play, f_progress, f_ended, f_offer, f_menu };
static const struct call_timing tm = { 5000, 6000, 600000, 2, 3, 1 };

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
	call_key(&c, '2', CALL_KEY_URC); /* the same key heard twice (URC + tone): once */
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

/* ---- incoming and menu calls ---- */

#define URC_K(c, kind, line)                                                 \
	do {                                                                 \
		struct at_urc u_ = { kind, CALL_EV_NONE, line, NULL };       \
		call_urc(c, &u_);                                            \
	} while (0)

static void setup_in(struct call *c, struct fake *f, int family, enum call_offer offer)
{
	clock_fake(1796090400000LL);
	memset(f, 0, sizeof *f);
	f->offer = offer;
	call_init(c, profile_for(family), &tm, &ops, f);
}

static int cmd_index(const struct fake *f, const char *cmd)
{
	for (int i = 0; i < f->ncmd; i++)
		if (!strcmp(f->cmds[i], cmd))
			return i;
	return -1;
}

/* RING + CLIP, answered, audio switched the family's way, the menu runs
 * (start, a key, a wait that runs out), the owner ends it. */
static void incoming_answered(int family, const char *audio_cmd, const char *answer_urc, enum at_call_ev answer_ev)
{
	struct call c;
	struct fake f;
	setup_in(&c, &f, family, CALL_OFFER_ANSWER);
	URC_K(&c, URC_RING, "RING");
	assert_int_equal(c.state, CALL_INCOMING);
	assert_int_equal(f.n_offers, 0); /* waits for +CLIP */
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	assert_int_equal(f.n_offers, 1);
	assert_string_equal(f.offered, "+84912345678");
	assert_int_equal(c.state, CALL_ANSWERING);
	int ata = cmd_index(&f, "ATA");
	assert_true(ata >= 0);
	if (family == FAMILY_QUECTEL)
		assert_true(cmd_index(&f, audio_cmd) >= 0 && cmd_index(&f, audio_cmd) < ata); /* before ATA */
	/* a second RING and +CLIP while ATA is in flight change nothing */
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	assert_int_equal(f.n_offers, 1);
	call_at_done(&c, CC_ANSWER, AT_R_OK, "");
	if (answer_urc)
		URC(&c, answer_ev, answer_urc);
	assert_int_equal(c.state, CALL_ANSWERED);
	if (family == FAMILY_HUAWEI) {
		assert_true(cmd_index(&f, audio_cmd) > ata); /* after ATA */
		call_at_done(&c, CC_AUDIO_ON, AT_R_OK, "");
	} else if (family == FAMILY_SIMCOM) {
		clock_advance(150);
		call_tick(&c);
		assert_true(cmd_index(&f, audio_cmd) > ata); /* after the answer report */
		call_at_done(&c, CC_AUDIO_ON, AT_R_OK, "");
	} else {
		clock_advance(5);
		call_tick(&c);
	}
	assert_int_equal(c.state, CALL_MENU);
	assert_int_equal(f.nmenu, 1);
	assert_int_equal(f.menu[0], CM_START);
	call_seg_done(&c);
	assert_int_equal(f.menu[1], CM_SEG_DONE);
	call_menu_wait(&c, 6000);
	call_digit(&c, '3');
	assert_int_equal(f.menu[2], CM_KEY);
	assert_int_equal(f.menu_keys[2], '3');
	call_menu_wait(&c, 6000);
	clock_advance(6001);
	call_tick(&c);
	assert_int_equal(f.menu[3], CM_TIMEOUT);
	/* an outgoing call's report (dir 0) is not this call's */
	URC(&c, CALL_EV_STATE, "+CLCC: 2,0,6,0,0,\"0987000000\",129");
	clock_advance(600);
	call_tick(&c);
	assert_int_equal(c.state, CALL_MENU);
	call_menu_done(&c);
	assert_int_equal(c.state, CALL_HANGUP);
	assert_true(sent(&f, "AT+CHUP"));
	URC(&c, CALL_EV_ENDED, "NO CARRIER");
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(f.ended, 1);
	assert_int_equal(c.outcome, OUT_ANSWERED);
	assert_true(c.incoming);
	assert_string_equal(c.keys, "3");
}

static void test_incoming_answered(void **state)
{
	(void)state;
	incoming_answered(FAMILY_GENERIC, NULL, NULL, CALL_EV_NONE);
	incoming_answered(FAMILY_HUAWEI, "AT^DDSETEX=2", "^CONN:1,0", CALL_EV_ANSWERED);
	incoming_answered(FAMILY_SIMCOM, "AT+CPCMREG=1", "VOICE CALL: BEGIN", CALL_EV_ANSWERED);
	incoming_answered(FAMILY_QUECTEL, "AT+QPCMV=1,0", "+QIND: \"ccinfo\",1,1,0,0,\"0912345678\",129",
			  CALL_EV_STATE);
}

/* A flash: rung out, the caller hangs up -> missed, nothing sent. */
static void test_incoming_flash(void **state)
{
	(void)state;
	static const struct {
		int family;
		const char *end;
		enum at_call_ev ev;
	} ends[] = {
		{ FAMILY_GENERIC, "NO CARRIER", CALL_EV_ENDED },
		{ FAMILY_HUAWEI, "^CEND:1,0,0,16", CALL_EV_ENDED },
		{ FAMILY_SIMCOM, "VOICE CALL: END: 000000", CALL_EV_ENDED },
		{ FAMILY_QUECTEL, "+QIND: \"ccinfo\",1,1,-1,0,\"0912345678\",129", CALL_EV_STATE },
	};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		struct call c;
		struct fake f;
		setup_in(&c, &f, ends[i].family, CALL_OFFER_RING_OUT);
		URC_K(&c, URC_RING, "+CRING: VOICE");
		URC_K(&c, URC_CLIP, "+CLIP: \"+84912345678\",145,\"\",,\"\",0");
		assert_int_equal(c.state, CALL_INCOMING);
		assert_int_equal(f.ncmd, 0); /* no ATA, no hang-up: the caller pays nothing */
		URC(&c, ends[i].ev, ends[i].end);
		clock_advance(600); /* a cause-less release waits its grace */
		call_tick(&c);
		assert_int_equal(c.state, CALL_IDLE);
		assert_int_equal(f.ended, 1);
		assert_int_equal(c.outcome, OUT_MISSED);
		assert_string_equal(c.number, "+84912345678");
	}
}

/* No end report at all: no RING for 10 s means the caller gave up. */
static void test_incoming_ring_gone(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup_in(&c, &f, FAMILY_GENERIC, CALL_OFFER_RING_OUT);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	for (int i = 0; i < 5; i++) {
		clock_advance(3000);
		call_tick(&c);
		URC_K(&c, URC_RING, "RING");
	}
	assert_int_equal(c.state, CALL_INCOMING);
	clock_advance(10001);
	call_tick(&c);
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(c.outcome, OUT_MISSED);
	assert_int_equal(c.rings, 6);
}

/* No +CLIP: after its wait (or a second RING) the owner is asked with "". */
static void test_incoming_withheld(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup_in(&c, &f, FAMILY_SIMCOM, CALL_OFFER_RING_OUT);
	URC_K(&c, URC_RING, "RING");
	clock_advance(1600);
	call_tick(&c);
	assert_int_equal(f.n_offers, 1);
	assert_string_equal(f.offered, "");
	/* a withheld +CLIP (validity 1) */
	setup_in(&c, &f, FAMILY_SIMCOM, CALL_OFFER_RING_OUT);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"\",128,\"\",,\"\",1");
	assert_int_equal(f.n_offers, 1);
	assert_string_equal(f.offered, "");
	/* without AT+CLIP=1: the second RING decides */
	setup_in(&c, &f, FAMILY_GENERIC, CALL_OFFER_RING_OUT);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_RING, "RING");
	assert_int_equal(f.n_offers, 1);
}

/* Reject: AT+CHUP at once, the end report closes it as rejected. */
static void test_incoming_reject(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup_in(&c, &f, FAMILY_HUAWEI, CALL_OFFER_REJECT);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0977111222\",129,\"\",,\"\",0");
	assert_int_equal(c.state, CALL_HANGUP);
	assert_true(sent(&f, "AT+CHUP"));
	assert_false(sent(&f, "ATA"));
	URC(&c, CALL_EV_ENDED, "^CEND:1,0,104,16");
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(c.outcome, OUT_REJECTED);
}

/* The caller hangs up while ATA is in flight: ATA answers NO CARRIER. */
static void test_incoming_gone_at_answer(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup_in(&c, &f, FAMILY_GENERIC, CALL_OFFER_ANSWER);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	assert_int_equal(c.state, CALL_ANSWERING);
	call_at_done(&c, CC_ANSWER, AT_R_NO_CARRIER, "");
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(c.outcome, OUT_MISSED);
}

/* RING during an outgoing call is a second call: never answered, and the
 * outgoing call goes on. */
static void test_ring_during_outgoing(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_SIMCOM);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	assert_int_equal(c.state, CALL_DIALING);
	assert_int_equal(f.n_offers, 0);
	assert_false(sent(&f, "ATA"));
	/* the incoming call's +CLCC (dir 1) is not ours either */
	URC(&c, CALL_EV_STATE, "+CLCC: 2,1,4,0,0,\"0912345678\",129");
	assert_int_equal(c.state, CALL_DIALING);
}

/* [callin] answer_rings = 3: ATA at the third RING; a caller who hangs up
 * after two (a flash) is missed, never answered, so it costs nothing. */
static void test_incoming_answer_rings(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	struct call_timing t3 = tm;
	t3.answer_rings = 3;
	for (int flash = 0; flash < 2; flash++) {
		clock_fake(1796090400000LL);
		memset(&f, 0, sizeof f);
		f.offer = CALL_OFFER_ANSWER;
		call_init(&c, profile_for(FAMILY_SIMCOM), &t3, &ops, &f);
		URC_K(&c, URC_RING, "RING");
		URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
		assert_int_equal(f.n_offers, 1);
		clock_advance(3000);
		URC_K(&c, URC_RING, "RING");
		URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
		assert_false(sent(&f, "ATA"));
		assert_int_equal(c.state, CALL_INCOMING);
		if (flash) {
			URC(&c, CALL_EV_ENDED, "VOICE CALL: END: 000000");
			assert_int_equal(c.state, CALL_IDLE);
			assert_int_equal(c.outcome, OUT_MISSED);
			assert_false(sent(&f, "ATA"));
			continue;
		}
		clock_advance(3000);
		URC_K(&c, URC_RING, "RING");
		assert_true(sent(&f, "ATA"));
		assert_int_equal(c.state, CALL_ANSWERING);
		assert_int_equal(f.n_offers, 1);
	}
}

/* Our hang-up's end report comes after the next caller's RING and +CLIP
 * (hardware.md: end reports come late): that caller is not lost, the call
 * is taken once the last one is over, even if it never rings again (a
 * flash). */
static void test_ring_while_hanging_up(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	setup(&c, &f, FAMILY_QUECTEL);
	f.offer = CALL_OFFER_RING_OUT;
	answer(&c);
	call_event(&c, CE_T_MAX); /* any hang-up of ours */
	assert_int_equal(c.state, CALL_HANGUP);
	URC_K(&c, URC_RING, "RING");
	URC_K(&c, URC_CLIP, "+CLIP: \"0912345678\",129,\"\",,\"\",0");
	assert_int_equal(c.state, CALL_HANGUP);
	assert_int_equal(f.n_offers, 0);
	URC(&c, CALL_EV_STATE, "+QIND: \"ccinfo\",1,0,-1,0,\"+84912000001\",145");
	clock_advance(600);
	call_tick(&c);
	assert_int_equal(f.ended, 1);
	/* the next caller, taken at once */
	assert_int_equal(c.state, CALL_INCOMING);
	assert_true(c.incoming);
	assert_int_equal(f.n_offers, 1);
	assert_string_equal(f.offered, "+84912345678");
	/* the flash: it never rang again; no more RING for 10 s is its end */
	clock_advance(10001);
	call_tick(&c);
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(f.ended, 2);
	assert_int_equal(c.outcome, OUT_MISSED);
	/* a RING long before the end is no call any more */
	setup(&c, &f, FAMILY_GENERIC);
	answer(&c);
	URC_K(&c, URC_RING, "RING");
	clock_advance(11000);
	URC(&c, CALL_EV_ENDED, "NO CARRIER");
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(f.n_offers, 0);
}

/* A callback: dialed like a notice call, then the owner's menu. */
static void test_menu_call(void **state)
{
	(void)state;
	struct call c;
	struct fake f;
	clock_fake(1796090400000LL);
	memset(&f, 0, sizeof f);
	call_init(&c, profile_for(FAMILY_HUAWEI), &tm, &ops, &f);
	assert_int_equal(call_start_menu(&c, "+84912000009"), 0);
	assert_true(sent(&f, "ATD+84912000009;"));
	call_at_done(&c, CC_DIAL, AT_R_OK, "");
	URC(&c, CALL_EV_ANSWERED, "^CONN:1,0");
	clock_advance(5);
	call_tick(&c);
	assert_int_equal(c.state, CALL_MENU);
	assert_int_equal(f.nplay, 0); /* no notice plan: the owner plays */
	assert_int_equal(f.menu[0], CM_START);
	call_digit(&c, '1');
	assert_int_equal(f.menu[1], CM_KEY);
	/* a PIN 4411 on a family that reports each key as a URC and a tone:
	 * four presses, not two and not eight */
	const char pin[] = "4411";
	for (int i = 0; i < 4; i++) {
		clock_advance(300);
		call_key(&c, pin[i], CALL_KEY_URC);
		call_key(&c, pin[i], CALL_KEY_TONE);
	}
	assert_int_equal(f.nmenu, 6);
	assert_string_equal(c.keys, "14411");
	URC(&c, CALL_EV_ENDED, "^CEND:1,20,104,16");
	assert_int_equal(c.state, CALL_IDLE);
	assert_int_equal(c.outcome, OUT_ANSWERED);
	assert_false(c.incoming);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirmed),  cmocka_unit_test(test_replay_then_confirm),
		cmocka_unit_test(test_incoming_answered), cmocka_unit_test(test_incoming_flash),
		cmocka_unit_test(test_incoming_ring_gone), cmocka_unit_test(test_incoming_withheld),
		cmocka_unit_test(test_incoming_reject), cmocka_unit_test(test_incoming_gone_at_answer),
		cmocka_unit_test(test_ring_during_outgoing), cmocka_unit_test(test_menu_call),
		cmocka_unit_test(test_incoming_answer_rings), cmocka_unit_test(test_ring_while_hanging_up),
		cmocka_unit_test(test_no_key_played), cmocka_unit_test(test_busy),
		cmocka_unit_test(test_no_answer),  cmocka_unit_test(test_parse),
		cmocka_unit_test(test_late_end_report), cmocka_unit_test(test_hangup_without_report),
		cmocka_unit_test(test_report_matching), cmocka_unit_test(test_ring_timeout_aborts_dial),
		cmocka_unit_test(test_dtmf), cmocka_unit_test(test_final),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
