/* sim_call — one outgoing voice call per simulated modem, as a table.
 *
 * DESIGN: states x events -> next state + action; the far end's behaviour
 * (answers, busy, no answer, hangs up after talk_ms) only decides which
 * timer event is armed next, with delays from a named timer table.  The
 * family's URC strings (sim_family.c) are applied by the actions, so a new
 * family or a new far-end behaviour (voicemail, DTMF, audio frames on the
 * audio pty: the next issue) is rows and actions, not a rewrite. */
#include "modem/sim_int.h"

#include "gateway/clock.h"

#include <stdio.h>
#include <string.h>

enum { CLCC_ACTIVE = 0, CLCC_DIALING = 2, CLCC_ALERTING = 3 };

/* Named call timers; delays come from the simulator options. */
enum call_timer { CT_ALERT, CT_ANSWER, CT_NOANSWER, CT_TALK };
static const struct {
	enum call_timer id;
	const char *name;
} call_timers[] = {
	{ CT_ALERT, "alert_ms" }, { CT_ANSWER, "answer_ms" },
	{ CT_NOANSWER, "noanswer_ms" }, { CT_TALK, "talk_ms" },
};

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
	(void)call_timers;
	sim_timer_add(m->sim, timer_ms(m, t), SIM_T_CALL, m, m->call.gen, ev, 0, NULL);
}

static void clcc_urc(struct sim_modem *m, int state)
{
	const struct sim_call_urcs *u = &m->fam->call;
	if (!u->clcc_fmt || !(m->clcc_auto || m->ccinfo))
		return;
	char buf[160];
	snprintf(buf, sizeof buf, u->clcc_fmt, 1, state, m->call.number,
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
	if (m->call.far == SIM_FAR_ANSWER)
		arm(m, CT_ANSWER, SIM_EV_ANSWER);
	else
		arm(m, CT_NOANSWER, SIM_EV_NOANSWER);
}

static void a_conn(struct sim_modem *m, int ev)
{
	(void)ev;
	m->call.t_answer = clock_mono_ms();
	if (m->fam->call.conn)
		sim_urc(m, m->fam->call.conn);
	clcc_urc(m, CLCC_ACTIVE);
	if (m->sim->o.talk_ms > 0)
		arm(m, CT_TALK, SIM_EV_REMOTE_END);
}

static void a_end(struct sim_modem *m, int ev)
{
	const struct sim_call_urcs *u = &m->fam->call;
	int64_t now = clock_mono_ms();
	int answered = m->call.t_answer > 0;
	int dur = answered ? (int)((now - m->call.t_answer) / 1000) : 0;
	int cause = ev == SIM_EV_BUSY ? 17 : ev == SIM_EV_NOANSWER ? 19 : 16;
	char buf[96];
	if (u->end) {
		snprintf(buf, sizeof buf, u->end, dur, 0, cause);
		sim_urc(m, buf);
	}
	if (u->end_talk && answered) {
		snprintf(buf, sizeof buf, u->end_talk, dur);
		sim_urc(m, buf);
	}
	clcc_urc(m, u->released);
	if (u->final_words && ev != SIM_EV_HANGUP)
		sim_urc(m, ev == SIM_EV_BUSY ? "BUSY" : ev == SIM_EV_NOANSWER ? "NO ANSWER" : "NO CARRIER");
	const char *res = ev == SIM_EV_BUSY ? "busy" : ev == SIM_EV_NOANSWER ? "noanswer"
			  : answered ? "answered" : "cancelled";
	int64_t ring = (answered ? m->call.t_answer : now) - m->call.t_dial;
	sim_log_call(m, res, ring, answered ? now - m->call.t_answer : 0);
	m->call.t_answer = 0;
	m->call.audio_on = 0;
	m->cpcmreg = 0;
	m->call.gen++;
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
	{ SIM_CALL_DIALING, SIM_EV_HANGUP, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ALERTING, SIM_EV_ANSWER, SIM_CALL_ACTIVE, a_conn },
	{ SIM_CALL_ALERTING, SIM_EV_NOANSWER, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ALERTING, SIM_EV_HANGUP, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ACTIVE, SIM_EV_REMOTE_END, SIM_CALL_IDLE, a_end },
	{ SIM_CALL_ACTIVE, SIM_EV_HANGUP, SIM_CALL_IDLE, a_end },
};

void sim_call_event(struct sim_modem *m, int ev)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (table[i].from != m->call.state || (int)table[i].ev != ev)
			continue;
		m->call.state = table[i].to;
		table[i].act(m, ev);
		return;
	}
}

int sim_call_dial(struct sim_modem *m, const char *number)
{
	if (m->pin_locked)
		return SIM_CME(11);
	if (m->call.state != SIM_CALL_IDLE)
		return SIM_CME(3);
	if (m->creg_stat != 1 && m->creg_stat != 5)
		return 2; /* NO CARRIER */
	snprintf(m->call.number, sizeof m->call.number, "%s", number);
	m->call.t_dial = clock_mono_ms();
	m->call.t_answer = 0;
	m->call.far = (enum sim_far)sim_call_far(m, number);
	m->n_calls++;
	sim_call_event(m, SIM_EV_DIAL);
	return SIM_OK;
}

int sim_call_hangup(struct sim_modem *m)
{
	sim_call_event(m, SIM_EV_HANGUP);
	return SIM_OK;
}

int sim_call_active(const struct sim_modem *m)
{
	return m->call.state != SIM_CALL_IDLE;
}

void sim_call_clcc(struct sim_modem *m)
{
	static const int st[] = { -1, CLCC_DIALING, CLCC_ALERTING, CLCC_ACTIVE };
	if (m->call.state == SIM_CALL_IDLE)
		return;
	sim_at_info(m, "+CLCC: 1,0,%d,0,0,\"%s\",%d", st[m->call.state], m->call.number,
		    m->call.number[0] == '+' ? 145 : 129);
}
