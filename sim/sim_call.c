/* sim_call — one voice call per simulated modem, outgoing or incoming
 * (a caller rings: `callin`, parsed in sim_callin.c), as a table.
 *
 * DESIGN: states x events -> next state + action; the far end's behaviour
 * (answers, busy, no answer, hangs up after talk_ms) only decides which
 * timer event is armed next, with delays from a named timer table.  The
 * family's URC strings (sim_family.c) are applied by the actions, so a new
 * family or a new far-end behaviour is rows and actions, not a rewrite.
 *
 * The end of a call after the gateway's hang-up (ATH, AT+CHUP) is late, as
 * on real modems (README, "What real modems do"): the OK goes out, the call is RELEASING
 * (AT+CLCC still lists it, ATD answers ERROR), and its end lines (generic
 * NO CARRIER, Huawei ^CEND:1,<dur>,104,16, SIMCom +CLCC ...,6,... then
 * VOICE CALL: END, Quectel +QIND: "ccinfo",...,-1,...) follow the final
 * result of the host's next command line, or come after end_delay_ms when
 * no line comes first.  late_end 0 gives the old polite order: the end at
 * once, held behind the OK (and no NO CARRIER from the generic family).
 *
 * A family that waits (generic, dial_waits) answers ATD only when the far
 * end does: OK on answer, else BUSY / NO ANSWER as ATD's final result.
 * While it waits, any byte from the host aborts the dial (V.25ter): the
 * byte is discarded, the call dropped and ATD ends with NO CARRIER.  No
 * 125 ms grace after the command line, so the outcome never depends on
 * timing; only a LF (the tail of a CR LF line end, never a command byte
 * here) does not abort.
 *
 * The far end's audio: once the call is up and the family's audio switch
 * is on (Huawei ^DDSETEX=2, SIMCom +CPCMREG=1, Quectel +QPCMV=1; generic
 * always), every uplink frame the host writes on the audio pty is recorded
 * to DIR/<modem>-call-<n>.wav, and a downlink frame goes out every 20 ms:
 * silence, or a DTMF tone (spandsp dtmf_tx) when the far end presses a
 * key.  Keys ("keys TO 21") are pressed one by one after every
 * --keys-after-ms of uplink speech heard (frames above SPEECH_RMS: a
 * listener does not press during the silence before the greeting); SIMCom (+DDET=1) and Quectel
 * (+QTONEDET=1) also report the key as a URC.  Voicemail answers and never
 * presses.
 *
 * An incoming call (INCOMING): RING or +CRING: VOICE, +CLIP, again every
 * SIM_RING_MS; the caller gives up after its ring time (GIVEUP: the
 * family's end lines, SIMCom MISSED_CALL:), ATA answers it (ACCEPT: the
 * family's answer lines, +CLCC dir 1), ATH rejects it (a late end as
 * any hang-up).  Once answered the caller's script runs on timers from
 * the answer: keys pressed at given times (not after speech heard), its
 * WAV mixed into the downlink, its hang-up; the uplink is recorded as for
 * an outgoing call. */
#include "sim/sim_int.h"

#include "base/clock.h"

#include "base/log.h"

#include <sndfile.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FRAME_SAMPLES = 160, FRAME_BYTES = 320, FRAME_MS = 20, SPEECH_RMS = 100 };

enum { CLCC_ACTIVE = 0, CLCC_DIALING = 2, CLCC_ALERTING = 3, CLCC_INCOMING = 4 };

/* Named call timers; their delays are the simulator options of the same
 * names (--alert-ms, --answer-ms, --noanswer-ms, --talk-ms). */
enum call_timer { CT_ALERT, CT_ANSWER, CT_NOANSWER, CT_TALK };

static int timer_ms(const struct sim_modem *m, enum call_timer t)
{
	const struct sim_opts *o = &m->sim->o;
	switch (t) {
	case CT_ALERT:
		return o->alert_ms;
	case CT_ANSWER:
		return o->answer_ms;
	case CT_NOANSWER:
		return o->noanswer_ms;
	default:
		return o->talk_ms;
	}
}

static void arm(struct sim_modem *m, enum call_timer t, int ev)
{
	sim_timer_add(m->sim, timer_ms(m, t), SIM_T_CALL, m, m->call.gen, ev, 0, NULL);
}

static void clcc_urc(struct sim_modem *m, int state)
{
	const struct sim_call_urcs *u = &m->fam->call;
	if (!u->clcc_fmt || !(m->clcc_auto || m->ccinfo))
		return;
	char buf[160];
	snprintf(buf, sizeof buf, u->clcc_fmt, 1, m->call.mt, state, m->call.number,
		 m->call.number[0] == '+' ? 145 : 129);
	sim_urc(m, buf);
}

static void a_dial(struct sim_modem *m, int ev)
{
	(void)ev;
	const struct sim_call_urcs *u = &m->fam->call;
	if (u->orig)
		sim_urc(m, u->orig);
	clcc_urc(m, CLCC_DIALING);
	if (m->call.far == SIM_FAR_BUSY)
		sim_timer_add(m->sim, timer_ms(m, CT_ALERT), SIM_T_CALL, m, m->call.gen, SIM_EV_BUSY, 0,
			      NULL);
	else
		arm(m, CT_ALERT, SIM_EV_ALERT);
}

static void a_alert(struct sim_modem *m, int ev)
{
	(void)ev;
	if (m->fam->call.alert)
		sim_urc(m, m->fam->call.alert);
	clcc_urc(m, CLCC_ALERTING);
	if (m->call.far == SIM_FAR_ANSWER || m->call.far == SIM_FAR_VOICEMAIL)
		arm(m, CT_ANSWER, SIM_EV_ANSWER);
	else
		arm(m, CT_NOANSWER, SIM_EV_NOANSWER);
}

static void a_conn(struct sim_modem *m, int ev)
{
	(void)ev;
	m->call.t_answer = clock_mono_ms();
	struct sim_call *c = &m->call;
	c->heard_ms = 0;
	c->up_len = 0;
	c->rec_samples = 0;
	c->rec_sumsq = 0;
	c->pressed[0] = '\0';
	if (c->mt)
		snprintf(c->keys, sizeof c->keys, "%s", c->caller.keys);
	else
		snprintf(c->keys, sizeof c->keys, "%s", c->far == SIM_FAR_VOICEMAIL ? "" : sim_call_keys(m, c->number));
	c->say_pos = 0;
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	dtmf_tx_set_timing(tx, 100, 60);
	c->dtmf_tx = tx;
	if (m->sim->dir) {
		snprintf(c->rec_path, sizeof c->rec_path, "%s/%s-call-%ld.wav", m->sim->dir, m->name, m->n_calls);
		SF_INFO info = { .samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
		c->rec = sf_open(c->rec_path, SFM_WRITE, &info);
		if (!c->rec) {
			LOG_W("sim", "%s: %s: %s", m->name, c->rec_path, sf_strerror(NULL));
			c->rec_path[0] = '\0';
		}
	}
	sim_timer_add(m->sim, FRAME_MS, SIM_T_AUDIO, m, c->gen, 0, 0, NULL);
	if (m->fam->call.conn)
		sim_urc(m, m->fam->call.conn);
	clcc_urc(m, CLCC_ACTIVE);
	if (c->mt) {
		/* the caller's script, on the simulator's clock from the answer */
		for (int i = 0; i < c->caller.nkeys; i++)
			sim_timer_add(m->sim, c->caller.key_ms[i], SIM_T_CALL, m, c->gen, SIM_EV_KEY, 0, NULL);
		if (c->caller.hangup_ms > 0)
			sim_timer_add(m->sim, c->caller.hangup_ms, SIM_T_CALL, m, c->gen, SIM_EV_REMOTE_END, 0, NULL);
	} else if (m->sim->o.talk_ms > 0) {
		arm(m, CT_TALK, SIM_EV_REMOTE_END);
	}
	if (m->dial_pending) { /* a waiting ATD: the far end answered */
		m->dial_pending = 0;
		sim_at_complete(m, SIM_OK);
	}
}

/* How a call ends, per event: ^CEND's cause and end_status, the final word
 * of families with final_words (late: the family's hangup_word instead),
 * the result a waiting ATD gets, and the call log's result when the call
 * was never answered. */
static const struct end_rule {
	enum sim_call_event ev;
	int cause, status;
	const char *word;
	int late;
	int atd;
	const char *result;
} end_rules[] = {
	{ SIM_EV_BUSY, 17, 0, "BUSY", 0, SIM_BUSY, "busy" },
	{ SIM_EV_NOANSWER, 19, 0, "NO ANSWER", 0, SIM_NO_ANSWER, "noanswer" },
	{ SIM_EV_REMOTE_END, 16, 0, "NO CARRIER", 0, SIM_NO_CARRIER, "cancelled" },
	{ SIM_EV_HANGUP, 16, 0, NULL, 0, SIM_NO_CARRIER, "cancelled" },
	{ SIM_EV_RELEASED, 16, 104, NULL, 1, SIM_NO_CARRIER, "cancelled" },
	{ SIM_EV_ABORT, 16, 0, NULL, 0, SIM_NO_CARRIER, "cancelled" },
	{ SIM_EV_GIVEUP, 16, 0, "NO CARRIER", 0, SIM_NO_CARRIER, "missed" },
};

static const struct end_rule *end_rule(int ev)
{
	for (size_t i = 0; i < ARRAY_LEN(end_rules); i++)
		if ((int)end_rules[i].ev == ev)
			return &end_rules[i];
	return &end_rules[2];
}

static void a_end(struct sim_modem *m, int ev)
{
	const struct sim_call_urcs *u = &m->fam->call;
	const struct end_rule *r = end_rule(ev);
	int64_t now = m->call.t_hangup > 0 ? m->call.t_hangup : clock_mono_ms();
	int answered = m->call.t_answer > 0;
	int dur = answered ? (int)((now - m->call.t_answer) / 1000) : 0;
	char buf[96];
	if (u->end) {
		snprintf(buf, sizeof buf, u->end, dur, r->status, r->cause);
		sim_urc(m, buf);
	}
	clcc_urc(m, u->released);
	int gaveup = ev == SIM_EV_GIVEUP;
	if (u->end_talk && (answered || ((r->late || gaveup) && u->talk_end_always))) {
		snprintf(buf, sizeof buf, u->end_talk, dur);
		sim_urc(m, buf);
	}
	if (gaveup && u->missed) {
		/* SIMCom: "MISSED_CALL: 10:36AM 0912345678", the network's local time */
		time_t t = (time_t)clock_wall_s();
		struct tm tm;
		char hm[16];
		localtime_r(&t, &tm);
		strftime(hm, sizeof hm, "%I:%M%p", &tm);
		snprintf(buf, sizeof buf, u->missed, hm, m->call.number);
		sim_urc(m, buf);
	}
	const char *word = r->late ? u->hangup_word : u->final_words ? r->word : NULL;
	const char *res = answered ? "answered" : r->result;
	if (m->call.mt && !answered && !gaveup)
		res = "rejected"; /* the gateway hung up on a ringing call */
	int64_t ring = (answered ? m->call.t_answer : now) - m->call.t_dial;
	if (m->call.rec) {
		sf_close(m->call.rec);
		m->call.rec = NULL;
	}
	sim_log_call(m, res, ring, answered ? now - m->call.t_answer : 0);
	sim_call_free(m);
	m->call.rec_path[0] = '\0';
	m->call.pressed[0] = '\0';
	m->call.t_answer = m->call.t_hangup = 0;
	m->call.audio_on = 0;
	m->call.rel_skip = 0;
	m->call.mt = 0;
	m->call.rings = 0;
	m->cpcmreg = 0;
	m->call.gen++;
	/* last: completing ATD runs the host's queued input, which may dial */
	if (m->dial_pending) {
		m->dial_pending = 0;
		sim_at_complete(m, r->atd);
	} else if (word) {
		sim_urc(m, word);
	}
}

/* One ring of an incoming call: RING (+CRING: VOICE with AT+CRC=1), then
 * +CLIP with AT+CLIP=1; again every SIM_RING_MS while it alerts. */
static void ring_urcs(struct sim_modem *m)
{
	struct sim_call *c = &m->call;
	sim_urc(m, m->crc ? "+CRING: VOICE" : "RING");
	if (m->clip) {
		char buf[96];
		snprintf(buf, sizeof buf, "+CLIP: \"%s\",%d,\"\",,\"\",0", c->number, c->number[0] == '+' ? 145 : 129);
		sim_urc(m, buf);
	}
	c->rings++;
	sim_timer_add(m->sim, SIM_RING_MS, SIM_T_CALL, m, c->gen, SIM_EV_RING, 0, NULL);
}

static void a_incoming(struct sim_modem *m, int ev)
{
	(void)ev;
	clcc_urc(m, CLCC_INCOMING);
	ring_urcs(m);
	sim_timer_add(m->sim, m->call.caller.ring_ms, SIM_T_CALL, m, m->call.gen, SIM_EV_GIVEUP, 0, NULL);
}

static void a_ring(struct sim_modem *m, int ev)
{
	(void)ev;
	ring_urcs(m);
}

static void press(struct sim_modem *m);

static void a_key(struct sim_modem *m, int ev)
{
	(void)ev;
	if (m->call.keys[0] && m->call.dtmf_tx)
		press(m);
}

/* The gateway hangs up: RELEASING until its next command line has been
 * answered or end_delay_ms has passed (late_end 0: ended at once). */
static void a_hangup(struct sim_modem *m, int ev)
{
	m->call.t_hangup = clock_mono_ms();
	if (!m->late_end) {
		m->call.state = SIM_CALL_IDLE;
		a_end(m, ev);
		return;
	}
	m->call.rel_skip = 1;
	sim_timer_add(m->sim, m->end_delay_ms, SIM_T_CALL, m, m->call.gen, SIM_EV_RELEASED, 0, NULL);
}

static const struct {
	enum sim_call_state from;
	enum sim_call_event ev;
	enum sim_call_state to;
	void (*act)(struct sim_modem *m, int ev);
} table[] = {
	{ SIM_CALL_IDLE, SIM_EV_DIAL, SIM_CALL_DIALING, a_dial },
	{ SIM_CALL_DIALING, SIM_EV_ALERT, SIM_CALL_ALERTING, a_alert },
	{ SIM_CALL_DIALING, SIM_EV_BUSY, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_DIALING, SIM_EV_HANGUP, SIM_CALL_RELEASING, a_hangup },
	{ SIM_CALL_DIALING, SIM_EV_ABORT, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ALERTING, SIM_EV_ANSWER, SIM_CALL_ACTIVE, a_conn },
	{ SIM_CALL_ALERTING, SIM_EV_NOANSWER, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ALERTING, SIM_EV_HANGUP, SIM_CALL_RELEASING, a_hangup },
	{ SIM_CALL_ALERTING, SIM_EV_ABORT, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ACTIVE, SIM_EV_REMOTE_END, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ACTIVE, SIM_EV_HANGUP, SIM_CALL_RELEASING, a_hangup },
	{ SIM_CALL_RELEASING, SIM_EV_RELEASED, SIM_CALL_IDLE, a_end },
	/* an incoming call (`callin`) */
	{ SIM_CALL_IDLE, SIM_EV_INCOMING, SIM_CALL_INCOMING, a_incoming },
	{ SIM_CALL_INCOMING, SIM_EV_RING, SIM_CALL_INCOMING, a_ring },
	{ SIM_CALL_INCOMING, SIM_EV_ACCEPT, SIM_CALL_ACTIVE, a_conn },
	{ SIM_CALL_INCOMING, SIM_EV_GIVEUP, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_INCOMING, SIM_EV_HANGUP, SIM_CALL_RELEASING, a_hangup },
	{ SIM_CALL_ACTIVE, SIM_EV_KEY, SIM_CALL_ACTIVE, a_key },
};

void sim_call_event(struct sim_modem *m, int ev)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (table[i].from != m->call.state || (int)table[i].ev != ev)
			continue;
		m->call.was = m->call.state;
		m->call.state = table[i].to;
		table[i].act(m, ev);
		return;
	}
}

int sim_call_dial(struct sim_modem *m, const char *number)
{
	if (sim_card_cme(m))
		return SIM_CME(sim_card_cme(m));
	if (m->call.state != SIM_CALL_IDLE)
		return SIM_CME(3);
	if (!sim_registered(m))
		return SIM_NO_CARRIER;
	snprintf(m->call.number, sizeof m->call.number, "%s", number);
	m->call.mt = 0;
	m->call.t_dial = clock_mono_ms();
	m->call.t_answer = 0;
	m->call.far = (enum sim_far)sim_call_far(m, number);
	m->n_calls++;
	sim_call_event(m, SIM_EV_DIAL);
	if (m->dial_waits && m->fam->call.dial_waits && m->call.state != SIM_CALL_IDLE) {
		m->dial_pending = 1;
		return SIM_PENDING;
	}
	return SIM_OK;
}

int sim_call_answer(struct sim_modem *m)
{
	if (m->call.state != SIM_CALL_INCOMING)
		return SIM_NO_CARRIER;
	sim_call_event(m, SIM_EV_ACCEPT);
	return SIM_OK;
}

int sim_call_incoming(struct sim_modem *m, const char *number, struct sim_caller *who)
{
	if (m->call.state != SIM_CALL_IDLE || !m->present || !sim_registered(m))
		return -1;
	sim_call_free(m);
	snprintf(m->call.number, sizeof m->call.number, "%s", number);
	m->call.mt = 1;
	m->call.caller = *who;
	who->say = NULL;
	m->call.say_pos = 0;
	m->call.rings = 0;
	m->call.t_dial = clock_mono_ms();
	m->call.t_answer = 0;
	m->call.far = SIM_FAR_ANSWER;
	m->n_calls++;
	sim_call_event(m, SIM_EV_INCOMING);
	return 0;
}

int sim_call_hangup(struct sim_modem *m)
{
	sim_call_event(m, SIM_EV_HANGUP);
	return SIM_OK;
}

void sim_call_drop(struct sim_modem *m)
{
	m->dial_pending = 0;
	sim_call_event(m, SIM_EV_HANGUP);
	sim_call_event(m, SIM_EV_RELEASED);
}

void sim_call_line_done(struct sim_modem *m)
{
	if (m->call.state != SIM_CALL_RELEASING)
		return;
	if (m->call.rel_skip)
		m->call.rel_skip = 0; /* the hang-up's own line */
	else
		sim_call_event(m, SIM_EV_RELEASED);
}

void sim_call_abort(struct sim_modem *m)
{
	sim_call_event(m, SIM_EV_ABORT);
}

int sim_call_active(const struct sim_modem *m)
{
	return m->call.state != SIM_CALL_IDLE;
}

void sim_call_clcc(struct sim_modem *m)
{
	/* a releasing call is listed as it was before the hang-up */
	static const int st[] = { -1, CLCC_DIALING, CLCC_ALERTING, CLCC_ACTIVE, -1, CLCC_INCOMING };
	enum sim_call_state cs = m->call.state == SIM_CALL_RELEASING ? m->call.was : m->call.state;
	if (st[cs] < 0)
		return;
	sim_at_info(m, "+CLCC: 1,%d,%d,0,0,\"%s\",%d", m->call.mt, st[cs], m->call.number,
		    m->call.number[0] == '+' ? 145 : 129);
}

void sim_call_free(struct sim_modem *m)
{
	if (m->call.rec) {
		sf_close(m->call.rec);
		m->call.rec = NULL;
	}
	if (m->call.dtmf_tx) {
		dtmf_tx_free(m->call.dtmf_tx);
		m->call.dtmf_tx = NULL;
	}
	free(m->call.caller.say);
	m->call.caller.say = NULL;
	m->call.caller.say_n = 0;
}

/* Is the call's audio on the serial port now? (the family's switch) */
static int routed(const struct sim_modem *m)
{
	if (m->call.state != SIM_CALL_ACTIVE)
		return 0;
	if (!strcmp(m->fam->name, "huawei"))
		return m->call.audio_on;
	if (!strcmp(m->fam->name, "simcom"))
		return m->cpcmreg;
	if (!strcmp(m->fam->name, "quectel"))
		return m->qpcmv != 0;
	return 1;
}

/* The far end presses its next key: in-band tone, plus the family's URC. */
static void press(struct sim_modem *m)
{
	struct sim_call *c = &m->call;
	char k = c->keys[0];
	memmove(c->keys, c->keys + 1, strlen(c->keys));
	size_t n = strlen(c->pressed);
	if (n + 1 < sizeof c->pressed) {
		c->pressed[n] = k;
		c->pressed[n + 1] = '\0';
	}
	dtmf_tx_put(c->dtmf_tx, &k, 1);
	char urc[32];
	if (!strcmp(m->fam->name, "simcom") && m->ddet) {
		snprintf(urc, sizeof urc, "+RXDTMF: %c", k);
		sim_urc(m, urc);
	} else if (!strcmp(m->fam->name, "quectel") && m->tonedet) {
		snprintf(urc, sizeof urc, "+QTONEDET: %d", k);
		sim_urc(m, urc);
	}
	LOG_D("sim", "%s: far end %s pressed %c", m->name, c->number, k);
}

void sim_call_audio_in(struct sim_modem *m, const void *buf, size_t n)
{
	struct sim_call *c = &m->call;
	if (!routed(m) || !c->dtmf_tx)
		return; /* nobody listening: dropped like a real modem does */
	const unsigned char *p = buf;
	while (n) {
		size_t k = FRAME_BYTES - c->up_len;
		if (k > n)
			k = n;
		memcpy(c->up + c->up_len, p, k);
		c->up_len += k;
		p += k;
		n -= k;
		if (c->up_len < FRAME_BYTES)
			break;
		c->up_len = 0;
		short s[FRAME_SAMPLES];
		double sumsq = 0;
		for (int i = 0; i < FRAME_SAMPLES; i++) {
			s[i] = (short)(uint16_t)(c->up[2 * i] | (c->up[2 * i + 1] << 8));
			sumsq += (double)s[i] * s[i];
		}
		c->rec_sumsq += sumsq;
		c->rec_samples += FRAME_SAMPLES;
		if (c->rec)
			sf_write_short(c->rec, s, FRAME_SAMPLES);
		/* a listener presses after hearing speech, not silence: only
		 * frames above SPEECH_RMS count towards keys_after_ms */
		if (sumsq >= (double)SPEECH_RMS * SPEECH_RMS * FRAME_SAMPLES)
			c->heard_ms += FRAME_MS;
		if (!c->mt && c->keys[0] && c->heard_ms >= m->sim->o.keys_after_ms) {
			c->heard_ms = 0;
			press(m);
		}
	}
}

void sim_call_audio_tick(struct sim_modem *m)
{
	struct sim_call *c = &m->call;
	if (c->state != SIM_CALL_ACTIVE || !c->dtmf_tx)
		return;
	sim_timer_add(m->sim, FRAME_MS, SIM_T_AUDIO, m, c->gen, 0, 0, NULL);
	/* the caller speaks whether or not the audio is routed: time passes */
	const int16_t *say = NULL;
	size_t say_k = 0;
	if (c->mt && c->caller.say && clock_mono_ms() - c->t_answer >= c->caller.say_ms &&
	    c->say_pos < c->caller.say_n) {
		say = c->caller.say + c->say_pos;
		say_k = c->caller.say_n - c->say_pos;
		if (say_k > FRAME_SAMPLES)
			say_k = FRAME_SAMPLES;
		c->say_pos += say_k;
	}
	if (!routed(m))
		return;
	int16_t s[FRAME_SAMPLES];
	memset(s, 0, sizeof s);
	dtmf_tx(c->dtmf_tx, s, FRAME_SAMPLES);
	for (size_t i = 0; i < say_k; i++) {
		int v = s[i] + say[i];
		s[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
	}
	unsigned char b[FRAME_BYTES];
	for (int i = 0; i < FRAME_SAMPLES; i++) {
		b[2 * i] = (unsigned char)((uint16_t)s[i] & 0xFF);
		b[2 * i + 1] = (unsigned char)((uint16_t)s[i] >> 8);
	}
	if (m->sim->io && m->audio.fd >= 0 && m->audio.attached) {
		ssize_t w = write(m->audio.fd, b, sizeof b);
		(void)w; /* a full pty drops the frame whole or in part, as USB would */
	} else if (!m->sim->io && m->down.len < SIM_OUT_MAX) {
		sbuf_addn(&m->down, (const char *)b, sizeof b);
	}
}
