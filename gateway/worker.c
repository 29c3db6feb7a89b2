/* worker — see worker.h: one modem's state table (worker_move, the
 * questions on the state, the invariants) and the AT engine's hooks, handed
 * to every channel driver in turn. */
#include "gateway/daemon_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "db/store.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *worker_state_name(enum worker_state s)
{
	static const char *const n[W_N_STATES] = { "idle", "sms", "sms_submit", "reply", "reply_submit", "call",
						   "call_end" };
	return (unsigned)s < W_N_STATES ? n[s] : "?";
}

/* The moves a worker may make; anything else is a bug. */
static const struct {
	enum worker_state from, to;
} moves[] = {
	{ W_IDLE, W_SMS },              /* a delivery claimed */
	{ W_SMS, W_SMS_SUBMIT },        /* AT+CMGS of the next part */
	{ W_SMS_SUBMIT, W_SMS },        /* part accepted, more to go */
	{ W_SMS_SUBMIT, W_IDLE },       /* the verdict: sent, retry, failed, uncertain, released */
	{ W_SMS, W_IDLE },              /* released (modem left READY, stopping), nothing to send, encoding failed */
	{ W_IDLE, W_REPLY },            /* a short-code reply claimed */
	{ W_REPLY, W_REPLY_SUBMIT },
	{ W_REPLY_SUBMIT, W_REPLY },
	{ W_REPLY_SUBMIT, W_IDLE },
	{ W_REPLY, W_IDLE },
	{ W_IDLE, W_CALL },             /* a call started */
	{ W_CALL, W_CALL_END },         /* the call is over (recorded) */
	{ W_CALL_END, W_IDLE },         /* its audio port closed */
};

int worker_move_allowed(enum worker_state from, enum worker_state to)
{
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (moves[i].from == from && moves[i].to == to)
			return 1;
	return 0;
}

int worker_move(struct worker *w, enum worker_state to, const char *why)
{
	if (worker_move_allowed(w->state, to)) {
		LOG_D(w->sub, "worker %s -> %s (%s)", worker_state_name(w->state), worker_state_name(to), why);
		w->state = to;
		worker_check(w);
		return 0;
	}
	LOG_E(w->sub, "worker: illegal move %s -> %s (%s) refused", worker_state_name(w->state),
	      worker_state_name(to), why);
	assert(!"illegal worker move");
	return -1;
}

void worker_check(const struct worker *w)
{
	(void)w;
	assert((unsigned)w->state < W_N_STATES);
	assert(w->reading >= 0 && w->call_cmds >= 0);
	/* an SMS state holds a delivery, a reply state a reply (and only it) */
	assert(!(w->state == W_SMS || w->state == W_SMS_SUBMIT) || (w->job.delivery_id != 0 && w->reply_id == 0));
	assert((w->state == W_REPLY || w->state == W_REPLY_SUBMIT) == (w->reply_id != 0));
	/* an audio port is open for a call, and only then (a call-in rung
	 * out, or refused, holds none) */
	assert(!w->audio || worker_in_call(w));
	assert(!worker_in_call(w) || w->audio || w->ci_kind);
	/* a running call is held by the worker; idle holds no call, except an
	 * incoming call that alerts while the worker sends an SMS (rung out) */
	assert(!call_active(&w->call) || worker_in_call(w) || w->call.incoming);
	assert(w->state != W_CALL || call_active(&w->call));
}

int worker_ready(const struct worker *w)
{
	return at_state(w->at) == AT_READY;
}

int worker_paused(const struct worker *w)
{
	return w->paused_until_ms > clock_mono_ms();
}

int worker_idle(const struct worker *w)
{
	return w->state == W_IDLE && worker_ready(w) && !worker_paused(w);
}

int worker_holds_sms(const struct worker *w)
{
	return w->state >= W_SMS && w->state <= W_REPLY_SUBMIT;
}

int worker_submitting(const struct worker *w)
{
	return w->state == W_SMS_SUBMIT || w->state == W_REPLY_SUBMIT;
}

int worker_in_call(const struct worker *w)
{
	return w->state == W_CALL || w->state == W_CALL_END;
}

int worker_draining(const struct worker *w)
{
	return worker_submitting(w) || call_active(&w->call);
}

/* ---- the AT engine's hooks ---- */

static void on_urc(struct at_modem *m, const struct at_urc *u, void *arg)
{
	(void)m;
	struct worker *w = arg;
	DRIVERS_EACH(p)
		if ((*p)->urc && (*p)->urc(w, u))
			break;
}

static void on_state(struct at_modem *m, enum at_state from, enum at_state to, const char *why, void *arg)
{
	(void)from;
	struct worker *w = arg;
	int reg, sig;
	at_health(m, &reg, &sig);
	char state[16];
	snprintf(state, sizeof state, "%s", at_state_name(to));
	for (char *p = state; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	int bad = to == AT_BACKOFF || to == AT_FAILED;
	if (bad && why)
		snprintf(w->down_why, sizeof w->down_why, "%s", why);
	daemon_db_log(w->d, w->sub, "modem status",
		      store_sms_modem_status(w->d->st, w->cfg->name, state, reg, sig, bad ? why : "", clock_wall_s()));
	DRIVERS_EACH(p)
		if ((*p)->modem_state)
			(*p)->modem_state(w, to == AT_READY);
}

static void on_health(struct at_modem *m, int reg, int sig, void *arg)
{
	struct worker *w = arg;
	char state[16];
	snprintf(state, sizeof state, "%s", at_state(m) == AT_READY ? "ready" : at_state_name(at_state(m)));
	daemon_db_log(w->d, w->sub, "modem status",
		      store_sms_modem_status(w->d->st, w->cfg->name, state, reg, sig, "", clock_wall_s()));
}

void worker_init(struct worker *w, struct daemon *d, const struct loa_modem_cfg *mc)
{
	static const struct at_hooks hooks = { on_state, on_urc, on_health };
	w->d = d;
	w->cfg = mc;
	w->state = W_IDLE;
	snprintf(w->sub, sizeof w->sub, "modem(%s)", mc->name);
	struct at_config ac;
	memset(&ac, 0, sizeof ac);
	snprintf(ac.name, sizeof ac.name, "%s", mc->name);
	snprintf(ac.port, sizeof ac.port, "%s", mc->port);
	snprintf(ac.pin, sizeof ac.pin, "%s", mc->pin);
	ac.baud = mc->baud;
	ac.family = mc->family;
	w->at = at_new(&ac, &hooks, w);
	DRIVERS_EACH(p)
		if ((*p)->modem_init)
			(*p)->modem_init(w);
}

void worker_free(struct worker *w)
{
	if (worker_holds_sms(w))
		store_sms_job_clear(&w->job); /* left `sending`: uncertain on restart */
}
