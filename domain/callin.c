/* callin — see callin.h.
 *
 * DESIGN
 *  - Transitions are the table fsm[]: (state, event, conditions) -> next
 *    state and an action; the one row whose conditions hold wins.  The
 *    conditions are columns, each 1, 0 or X (either): reg (a registered
 *    caller), any (the call has notices), more (another notice after this
 *    one), replay (key 2 still honoured).  So every row is one line of data
 *    the unit test walks (callin_fsm_row).
 *  - Actions only append to struct callin_out: the driver plays, confirms,
 *    arms the key timer and hangs up. */
#include "domain/callin.h"

#include "domain/sched.h"

#include <stdio.h>
#include <string.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *callin_state_name(enum callin_state s)
{
	static const char *const n[CI_N_STATES] = { "idle",      "greeting",  "notice",   "press",  "wait_key",
						    "confirmed", "no_notice", "goodbye", "done" };
	return (unsigned)s < CI_N_STATES ? n[s] : "?";
}

const char *callin_event_name(enum callin_event e)
{
	static const char *const n[CIE_N_EVENTS] = { "answered", "prompt_done", "key1", "key2",
						     "key3",     "timeout",     "hangup" };
	return (unsigned)e < CIE_N_EVENTS ? n[e] : "?";
}

const char *callin_prompt_name(enum callin_prompt p)
{
	static const char *const n[CIP_N] = { "greeting", "press", "press_unknown", "confirmed", "no_notice",
					      "goodbye" };
	return (unsigned)p < CIP_N ? n[p] : "?";
}

const char *callin_act_name(enum callin_act_kind a)
{
	static const char *const n[] = { "play_prompt", "play_notice", "confirm", "wait_key", "hangup" };
	return (unsigned)a < LEN(n) ? n[a] : "?";
}

const char *callin_offer_name(enum callin_offer o)
{
	static const char *const n[] = { "answer", "ring_out", "reject" };
	return (unsigned)o < LEN(n) ? n[o] : "?";
}

enum callin_offer callin_offer(const struct callin_cfg *cfg, int registered)
{
	if (registered)
		return cfg->answer == CALLIN_ANSWER_CALLBACK ? CALLIN_RING_OUT : CALLIN_ANSWER;
	return cfg->unknown == CALLIN_UNKNOWN_REJECT ? CALLIN_REJECT : CALLIN_ANSWER;
}

void callin_init(struct callin_menu *m, const struct callin_cfg *cfg, int registered, const int64_t *notices,
		 int n)
{
	memset(m, 0, sizeof *m);
	m->cfg = cfg;
	m->registered = registered;
	int max = cfg->max_notices < CALLIN_MAX_NOTICES ? cfg->max_notices : CALLIN_MAX_NOTICES;
	for (int i = 0; i < n && m->n < max; i++)
		m->notices[m->n++] = notices[i];
	m->state = CI_IDLE;
}

/* ---- guards: each row's conditions, -1 (X) = either ---- */

enum { X = -1 };

static int more(const struct callin_menu *m)
{
	return m->k + 1 < m->n;
}

static int can_replay(const struct callin_menu *m)
{
	return m->replays < m->cfg->replays;
}

static int holds(int want, int have)
{
	return want == X || want == !!have;
}

/* ---- actions ---- */

static void put(struct callin_out *o, struct callin_act a)
{
	if (o->n < (int)LEN(o->a))
		o->a[o->n++] = a;
}

static void prompt(struct callin_out *o, enum callin_prompt p)
{
	put(o, (struct callin_act){ .kind = CIA_PLAY_PROMPT, .prompt = p });
}

static void a_none(struct callin_menu *m, struct callin_out *o)
{
	(void)m, (void)o;
}

static void a_greeting(struct callin_menu *m, struct callin_out *o)
{
	(void)m;
	prompt(o, CIP_GREETING);
}

static void a_notice(struct callin_menu *m, struct callin_out *o)
{
	put(o, (struct callin_act){ .kind = CIA_PLAY_NOTICE, .notice_id = m->notices[m->k] });
}

static void a_replay(struct callin_menu *m, struct callin_out *o)
{
	m->replays++;
	a_notice(m, o);
}

static void a_next(struct callin_menu *m, struct callin_out *o)
{
	m->k++;
	a_notice(m, o);
}

static void a_press(struct callin_menu *m, struct callin_out *o)
{
	prompt(o, m->registered ? CIP_PRESS : CIP_PRESS_UNKNOWN);
}

static void a_wait(struct callin_menu *m, struct callin_out *o)
{
	put(o, (struct callin_act){ .kind = CIA_WAIT_KEY, .wait_ms = m->cfg->key_wait_s * 1000 });
}

static void a_confirm(struct callin_menu *m, struct callin_out *o)
{
	m->confirmed++;
	put(o, (struct callin_act){ .kind = CIA_CONFIRM, .notice_id = m->notices[m->k] });
	prompt(o, CIP_CONFIRMED);
}

static void a_no_notice(struct callin_menu *m, struct callin_out *o)
{
	(void)m;
	prompt(o, CIP_NO_NOTICE);
}

static void a_goodbye(struct callin_menu *m, struct callin_out *o)
{
	(void)m;
	prompt(o, CIP_GOODBYE);
}

static void a_hangup(struct callin_menu *m, struct callin_out *o)
{
	(void)m;
	put(o, (struct callin_act){ .kind = CIA_HANGUP });
}

struct row {
	enum callin_state from;
	enum callin_event ev;
	signed char reg, any, more, replay; /* conditions: 1, 0 or X */
	enum callin_state to;
	void (*act)(struct callin_menu *, struct callin_out *);
};

/* Keys during a notice, the press prompt or the wait: the same rows. */
#define KEY_ROWS(S)                                                          \
	{ S, CIE_KEY1, 1, X, X, X, CI_CONFIRMED, a_confirm },                \
	{ S, CIE_KEY1, 0, X, 1, X, CI_NOTICE, a_next },                      \
	{ S, CIE_KEY1, 0, X, 0, X, CI_GOODBYE, a_goodbye },                  \
	{ S, CIE_KEY2, X, X, X, 1, CI_NOTICE, a_replay },                    \
	{ S, CIE_KEY2, X, X, 1, 0, CI_NOTICE, a_next },                      \
	{ S, CIE_KEY2, X, X, 0, 0, CI_GOODBYE, a_goodbye },                  \
	{ S, CIE_KEY3, X, X, 1, X, CI_NOTICE, a_next },                      \
	{ S, CIE_KEY3, X, X, 0, X, CI_GOODBYE, a_goodbye },                  \
	{ S, CIE_HANGUP, X, X, X, X, CI_DONE, a_none }

static const struct row fsm[] = {
	/* from        event            reg any more replay  to            action */
	{ CI_IDLE, CIE_ANSWERED, X, X, X, X, CI_GREETING, a_greeting },
	{ CI_IDLE, CIE_HANGUP, X, X, X, X, CI_DONE, a_none },
	{ CI_GREETING, CIE_PROMPT_DONE, X, 1, X, X, CI_NOTICE, a_notice },
	{ CI_GREETING, CIE_PROMPT_DONE, X, 0, X, X, CI_NO_NOTICE, a_no_notice },
	{ CI_GREETING, CIE_HANGUP, X, X, X, X, CI_DONE, a_none },
	{ CI_NOTICE, CIE_PROMPT_DONE, X, X, X, X, CI_PRESS, a_press },
	KEY_ROWS(CI_NOTICE),
	{ CI_PRESS, CIE_PROMPT_DONE, X, X, X, X, CI_WAIT_KEY, a_wait },
	KEY_ROWS(CI_PRESS),
	{ CI_WAIT_KEY, CIE_TIMEOUT, X, X, 1, X, CI_NOTICE, a_next },
	{ CI_WAIT_KEY, CIE_TIMEOUT, X, X, 0, X, CI_GOODBYE, a_goodbye },
	KEY_ROWS(CI_WAIT_KEY),
	{ CI_CONFIRMED, CIE_PROMPT_DONE, X, X, 1, X, CI_NOTICE, a_next },
	{ CI_CONFIRMED, CIE_PROMPT_DONE, X, X, 0, X, CI_GOODBYE, a_goodbye },
	{ CI_CONFIRMED, CIE_HANGUP, X, X, X, X, CI_DONE, a_none },
	{ CI_NO_NOTICE, CIE_PROMPT_DONE, X, X, X, X, CI_DONE, a_hangup },
	{ CI_NO_NOTICE, CIE_HANGUP, X, X, X, X, CI_DONE, a_none },
	{ CI_GOODBYE, CIE_PROMPT_DONE, X, X, X, X, CI_DONE, a_hangup },
	{ CI_GOODBYE, CIE_HANGUP, X, X, X, X, CI_DONE, a_none },
};

size_t callin_fsm_rows(void)
{
	return LEN(fsm);
}

int callin_fsm_row(size_t i, struct callin_row *r)
{
	if (i >= LEN(fsm))
		return -1;
	*r = (struct callin_row){ fsm[i].from, fsm[i].ev, fsm[i].reg, fsm[i].any, fsm[i].more, fsm[i].replay,
				  fsm[i].to };
	return 0;
}

int callin_event(struct callin_menu *m, enum callin_event ev, struct callin_out *out)
{
	out->n = 0;
	for (size_t i = 0; i < LEN(fsm); i++) {
		const struct row *r = &fsm[i];
		if (r->from != m->state || r->ev != ev || !holds(r->reg, m->registered) || !holds(r->any, m->n > 0) ||
		    !holds(r->more, more(m)) || !holds(r->replay, can_replay(m)))
			continue;
		m->state = r->to;
		r->act(m, out);
		return 1;
	}
	return 0;
}

int callin_key(struct callin_menu *m, char key, struct callin_out *out)
{
	out->n = 0;
	switch (key) {
	case '1': return callin_event(m, CIE_KEY1, out);
	case '2': return callin_event(m, CIE_KEY2, out);
	case '3': return callin_event(m, CIE_KEY3, out);
	default: return 0;
	}
}

/* seconds from local minute `now_min` to minute `target`, today or tomorrow */
static int64_t s_until(int now_min, int target)
{
	int d = target - now_min;
	if (d <= 0)
		d += 1440;
	return (int64_t)d * 60;
}

int64_t callin_callback_at(const struct callin_cfg *cfg, int registered, int64_t last_cb, int urgent, int64_t now,
			   int now_min, int64_t *by, char *why, unsigned whylen)
{
	*by = 0;
	if (whylen)
		why[0] = '\0';
	if (!registered) {
		snprintf(why, whylen, "unknown caller");
		return 0;
	}
	if (last_cb && now - last_cb < cfg->callback_min_gap_s) {
		snprintf(why, whylen, "callback %lld s ago (gap %d s)", (long long)(now - last_cb),
			 cfg->callback_min_gap_s);
		return 0;
	}
	int settle = cfg->callback_s < CALLIN_SETTLE_S ? cfg->callback_s : CALLIN_SETTLE_S;
	int64_t at = now + settle;
	*by = now + cfg->callback_s;
	if (!urgent && sched_is_quiet(now_min, cfg->quiet_start, cfg->quiet_end)) {
		at = now + s_until(now_min, cfg->quiet_end); /* the quiet hours' end */
		*by = at + cfg->callback_s - settle;
		snprintf(why, whylen, "quiet hours: at their end");
	}
	return at;
}
