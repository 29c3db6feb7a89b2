/* call — see call.h for the diagram.
 *
 * DESIGN
 *  - Transitions are the table fsm[] (state, event, next state, action);
 *    an event a state does not list is logged and dropped, so a late URC
 *    (a second end report, "BUSY" after the +CLCC release line) can never
 *    restart anything.
 *  - The end of a call is reported differently by every family (^CEND with
 *    a cause, VOICE CALL: END, a released +CLCC/+QIND state, NO CARRIER /
 *    BUSY / NO ANSWER words, an AT+CLCC listing without our call).  A
 *    release line without a cause waits END_GRACE_MS for the words that
 *    often follow it, so "busy" is not logged as "failed".
 *  - The outcome is derived, not tracked: answered if the network said so,
 *    else the cause of the end (busy / no answer / rejected / failed). */
#include "modem/call.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "modem/at.h"
#include "modem/incall.h"
#include "modem/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Named timers. */
enum call_timer { T_RING, T_KEY, T_MAX, T_POLL, T_AUDIO, T_HANGUP, T_GRACE, T_CLIP, T_N };
static const struct {
	const char *name;
	enum call_event ev; /* CE_N_EVENTS: handled in call_tick itself */
} timers[T_N] = {
	[T_RING] = { "ring_timeout", CE_T_RING }, [T_KEY] = { "key_wait", CE_T_KEY },
	[T_MAX] = { "max_call", CE_T_MAX },       [T_POLL] = { "clcc_poll", CE_N_EVENTS },
	[T_AUDIO] = { "audio_on_delay", CE_N_EVENTS }, [T_HANGUP] = { "hangup_wait", CE_T_HANGUP },
	[T_GRACE] = { "end_grace", CE_N_EVENTS }, [T_CLIP] = { "clip_wait", CE_CLIP },
};
enum { POLL_MS = 2000, AUDIO_DELAY_MS = 100, HANGUP_MS = 5000, END_GRACE_MS = 500, DIAL_EXTRA_MS = 10000,
       CMD_MS = 5000, AUDIO_TRIES = 3, DIGIT_SAME_MS = 1000, HANGUP_TRIES = 3,
       /* incoming: +CLIP follows its RING at once; RING repeats every 3-5 s
	* while the call alerts, so none for RING_GONE_MS means the caller
	* gave up without an end report; ATA's answer within ANSWER_MS */
       CLIP_WAIT_MS = 1500, RING_GONE_MS = 10000, ANSWER_MS = 10000 };


const char *call_state_name(enum call_state s)
{
	static const char *const n[CALL_N_STATES] = { "idle", "dialing", "ringing", "answered", "playing",
						      "waiting_key", "hanging_up", "ended", "incoming",
						      "answering", "menu" };
	return (unsigned)s < CALL_N_STATES ? n[s] : "?";
}

const char *call_event_name(enum call_event e)
{
	static const char *const n[CE_N_EVENTS] = { "start", "dial_ok", "dial_fail", "ringing", "answered",
						    "ended", "audio_ready", "seg_done", "key1", "key2",
						    "t_ring", "t_key", "t_max", "t_hangup", "lost",
						    "plan_done", "bye_done", "stop", "done", "incoming", "ring",
						    "clip", "accept", "reject", "menu_ready", "key", "menu_done" };
	return (unsigned)e < CE_N_EVENTS ? n[e] : "?";
}

const char *call_outcome_name(enum call_outcome o)
{
	static const char *const n[] = { "", "no_answer", "busy", "rejected", "failed", "answered", "missed" };
	return (unsigned)o < ARRAY_LEN(n) ? n[o] : "?";
}

const char *call_final_name(enum call_final f)
{
	static const char *const n[] = { "confirmed", "played", "unreached", "queued" };
	return (unsigned)f < ARRAY_LEN(n) ? n[f] : "?";
}

enum call_final call_final(int confirmed, int played, int attempts, int max_attempts, int64_t now, int retry_s,
			   int64_t *next)
{
	*next = 0;
	if (confirmed)
		return CALL_FINAL_CONFIRMED;
	if (played)
		return CALL_FINAL_PLAYED;
	if (attempts >= max_attempts)
		return CALL_FINAL_UNREACHED;
	*next = now + retry_s;
	return CALL_FINAL_QUEUED;
}

#define CLOG(lvl, c, ...)                                                              \
	do {                                                                           \
		char sub_[80];                                                         \
		snprintf(sub_, sizeof sub_, "call(%s){%s}", (c)->number, call_state_name((c)->state)); \
		log_msg(lvl, sub_, __VA_ARGS__);                                       \
	} while (0)

static void arm(struct call *c, enum call_timer t, int ms)
{
	c->t[t] = clock_mono_ms() + (ms > 0 ? ms : 1);
}

static void disarm(struct call *c, enum call_timer t)
{
	c->t[t] = 0;
}

static void send(struct call *c, const char *cmd, int timeout_ms, enum call_cmd tag, int urgent)
{
	if (c->ops.cmd(c->arg, cmd, timeout_ms, tag, urgent) != 0)
		CLOG(LL_WARN, c, "cannot queue %s", cmd);
}

static void send_list(struct call *c, const char *const *cmds, enum call_cmd tag)
{
	for (; cmds && *cmds; cmds++)
		send(c, *cmds, CMD_MS, tag, 0);
}

static void set_cause(struct call *c, enum call_outcome o, const char *cause)
{
	if (c->outcome == OUT_NONE || c->outcome == OUT_FAILED) {
		c->outcome = o;
		snprintf(c->cause, sizeof c->cause, "%s", cause);
	}
}

/* AT+CHUP; urgent while the ATD is unanswered (its abort goes out now).
 * The call ends on its end report, not on this command's OK. */
static void hangup(struct call *c)
{
	c->hangup_sent = 1;
	c->hangup_tries++;
	disarm(c, T_KEY);
	disarm(c, T_POLL);
	disarm(c, T_RING);
	send(c, "AT+CHUP", HANGUP_MS, CC_HANGUP, c->dial_pending);
	arm(c, T_HANGUP, HANGUP_MS);
}

static void play_next(struct call *c)
{
	if (c->plan_pos < c->plan_n) {
		c->ops.play(c->arg, c->plan[c->plan_pos++]);
		return;
	}
}

static void plan(struct call *c, const enum call_seg *segs, int n)
{
	c->plan_n = 0;
	c->plan_pos = 0;
	for (int i = 0; i < n && c->plan_n < (int)ARRAY_LEN(c->plan); i++)
		c->plan[c->plan_n++] = segs[i];
	play_next(c);
}

/* ---- actions ---- */

/* When this call's audio_on goes out: incoming calls have their own row. */
static enum profile_audio_when audio_when(const struct call *c)
{
	if (!c->prof)
		return AUDIO_AS_IS;
	return c->incoming ? c->prof->in_audio_when : c->prof->audio_when;
}

/* The audio is on: the notice plan, or the owner's menu. */
static void audio_ready(struct call *c)
{
	call_event(c, c->menu ? CE_MENU_READY : CE_AUDIO_READY);
}

static void a_dial(struct call *c, enum call_event ev)
{
	(void)ev;
	arm(c, T_RING, c->tm.ring_ms);
	arm(c, T_MAX, c->tm.max_ms);
	arm(c, T_POLL, POLL_MS);
	if (audio_when(c) == AUDIO_BEFORE_DIAL) {
		send_list(c, c->prof->audio_on, CC_AUDIO_ON);
		c->audio_on_sent = 1;
	}
	char cmd[64];
	snprintf(cmd, sizeof cmd, "ATD%s;", c->number);
	c->dial_pending = 1;
	send(c, cmd, c->tm.ring_ms + DIAL_EXTRA_MS, CC_DIAL, 0);
}

static void a_dial_ok(struct call *c, enum call_event ev)
{
	(void)ev;
	/* some modems (V.25ter, dial_waits) answer ATD only when the far end
	 * does: ask at once rather than at the next poll */
	if (c->state == CALL_DIALING || c->state == CALL_RINGING)
		arm(c, T_POLL, 1);
	if (audio_when(c) == AUDIO_AFTER_DIAL && !c->audio_on_sent) {
		send_list(c, c->prof->audio_on, CC_AUDIO_ON);
		c->audio_on_sent = 1;
	}
}

static void a_ringing(struct call *c, enum call_event ev)
{
	(void)ev;
	c->ops.progress(c->arg, CALL_RINGING, 0);
}

static void a_answered(struct call *c, enum call_event ev)
{
	(void)ev;
	c->answered_ms = clock_wall_ms();
	c->outcome = OUT_ANSWERED;
	c->cause[0] = '\0';
	disarm(c, T_RING);
	disarm(c, T_POLL);
	c->ops.progress(c->arg, CALL_ANSWERED, 0);
	if (c->incoming && audio_when(c) == AUDIO_AFTER_DIAL && c->prof->audio_on[0] && !c->audio_on_sent) {
		/* Huawei: AT^DDSETEX=2 after ATA; its OK starts the menu */
		send_list(c, c->prof->audio_on, CC_AUDIO_ON);
		c->audio_on_sent = 1;
	} else if (audio_when(c) == AUDIO_ON_ANSWER && c->prof->audio_on[0]) {
		arm(c, T_AUDIO, AUDIO_DELAY_MS);
	} else {
		arm(c, T_AUDIO, 1); /* start playing from the loop, not inside the URC */
	}
}

static void a_play(struct call *c, enum call_event ev)
{
	(void)ev;
	enum call_seg s[16];
	int n = 0;
	s[n++] = SEG_GREETING;
	for (int i = 0; i < c->tm.repeats && n < 13; i++) {
		if (i)
			s[n++] = SEG_REPEAT;
		s[n++] = SEG_NOTICE;
	}
	s[n++] = SEG_PRESS;
	plan(c, s, n);
}

/* The segment just played was the last reading of the first round: the
 * notice has been heard to the end. */
static void note_played(struct call *c)
{
	if (c->plan_pos > 0 && c->plan[c->plan_pos - 1] == SEG_NOTICE && !c->played) {
		/* every reading of the first round heard? the last one closes it */
		int more = 0;
		for (int i = c->plan_pos; i < c->plan_n; i++)
			more |= c->plan[i] == SEG_NOTICE;
		if (!more) {
			c->played = 1;
			c->ops.progress(c->arg, CALL_PLAYING, 1);
		}
	}
}

static void a_next(struct call *c, enum call_event ev)
{
	(void)ev;
	note_played(c);
	play_next(c);
}

static void a_wait_key(struct call *c, enum call_event ev)
{
	(void)ev;
	note_played(c); /* the plan may end on the notice's last reading */
	arm(c, T_KEY, c->tm.key_ms);
}

static void a_key1(struct call *c, enum call_event ev)
{
	(void)ev;
	if (c->confirming)
		return;
	c->confirmed = 1;
	c->confirming = 1;
	disarm(c, T_KEY);
	static const enum call_seg s[] = { SEG_THANKS };
	plan(c, s, 1);
}

static void a_key2(struct call *c, enum call_event ev)
{
	(void)ev;
	if (c->confirming || c->replays >= c->tm.max_replays)
		return;
	c->replays++;
	disarm(c, T_KEY);
	static const enum call_seg s[] = { SEG_NOTICE, SEG_PRESS };
	plan(c, s, 2);
}

static void a_bye(struct call *c, enum call_event ev)
{
	(void)ev;
	c->confirming = 1;
	static const enum call_seg s[] = { SEG_THANKS };
	plan(c, s, 1);
}

static void a_hangup(struct call *c, enum call_event ev)
{
	if (ev == CE_T_RING && c->incoming)
		set_cause(c, OUT_FAILED, "the modem did not answer ATA");
	else if (ev == CE_T_RING)
		set_cause(c, OUT_NO_ANSWER, "no answer within [voice] ring_timeout_s");
	else if (ev == CE_T_MAX)
		CLOG(LL_WARN, c, "longest call length reached: hanging up");
	else if (ev == CE_STOP)
		CLOG(LL_INFO, c, "the daemon stops: hanging up");
	hangup(c);
}

/* No end report HANGUP_MS after AT+CHUP: ask the modem whether the call is
 * still there (the answer comes to call_at_done as CC_POLL). */
static void a_hangup_check(struct call *c, enum call_event ev)
{
	(void)ev;
	CLOG(LL_INFO, c, "no end report %d s after hanging up: asking the modem (AT+CLCC)", HANGUP_MS / 1000);
	send(c, "AT+CLCC", CMD_MS, CC_POLL, 0);
}

/* ---- incoming and menu calls ---- */

static void a_incoming(struct call *c, enum call_event ev)
{
	(void)ev;
	c->rings = 1;
	arm(c, T_RING, RING_GONE_MS);
	arm(c, T_MAX, c->tm.max_ms);
	arm(c, T_CLIP, CLIP_WAIT_MS);
}

/* Asks the owner once, when the number is known (or known to be absent). */
static void offer(struct call *c)
{
	if (c->offered)
		return;
	c->offered = 1;
	disarm(c, T_CLIP);
	c->offer = c->ops.offer ? c->ops.offer(c->arg, c->withheld ? "" : c->number) : CALL_OFFER_RING_OUT;
	CLOG(LL_INFO, c, "incoming call%s: %s", c->withheld ? " (number withheld)" : "",
	     c->offer == CALL_OFFER_ANSWER ? "answering" : c->offer == CALL_OFFER_REJECT ? "rejecting" : "letting it ring");
	if (c->offer == CALL_OFFER_ANSWER && c->rings >= c->tm.answer_rings)
		call_event(c, CE_ACCEPT);
	else if (c->offer == CALL_OFFER_ANSWER)
		CLOG(LL_INFO, c, "answering at ring %d", c->tm.answer_rings); /* a flash rings off before */
	else if (c->offer == CALL_OFFER_REJECT)
		call_event(c, CE_REJECT);
}

static void a_ring(struct call *c, enum call_event ev)
{
	(void)ev;
	c->rings++;
	arm(c, T_RING, RING_GONE_MS);
	if (c->rings >= 2 && !c->offered) {
		/* a second RING without +CLIP: AT+CLIP=1 was refused, or no ID */
		if (!c->number[0])
			c->withheld = 1;
		offer(c);
	} else if (c->offered && c->offer == CALL_OFFER_ANSWER && c->rings >= c->tm.answer_rings) {
		call_event(c, CE_ACCEPT);
	}
}

static void a_clip(struct call *c, enum call_event ev)
{
	if (ev == CE_CLIP && !c->number[0])
		c->withheld = 1; /* T_CLIP ran out, or +CLIP said withheld */
	offer(c);
}

static void a_accept(struct call *c, enum call_event ev)
{
	(void)ev;
	if (audio_when(c) == AUDIO_BEFORE_DIAL && c->prof->audio_on[0]) {
		send_list(c, c->prof->audio_on, CC_AUDIO_ON); /* Quectel: AT+QPCMV before ATA */
		c->audio_on_sent = 1;
	}
	arm(c, T_RING, ANSWER_MS);
	c->dial_pending = 0;
	send(c, "ATA", ANSWER_MS, CC_ANSWER, 0);
}

static void a_reject(struct call *c, enum call_event ev)
{
	(void)ev;
	set_cause(c, OUT_REJECTED, "refused: unknown caller ([callin] unknown = reject)");
	hangup(c);
}

static void a_menu_start(struct call *c, enum call_event ev)
{
	(void)ev;
	if (c->ops.menu)
		c->ops.menu(c->arg, CM_START, 0);
}

static void a_menu_seg(struct call *c, enum call_event ev)
{
	(void)ev;
	if (c->ops.menu)
		c->ops.menu(c->arg, CM_SEG_DONE, 0);
}

static void a_menu_key(struct call *c, enum call_event ev)
{
	(void)ev;
	disarm(c, T_KEY);
	if (c->ops.menu)
		c->ops.menu(c->arg, CM_KEY, c->last_digit);
}

static void a_menu_timeout(struct call *c, enum call_event ev)
{
	(void)ev;
	if (c->ops.menu)
		c->ops.menu(c->arg, CM_TIMEOUT, 0);
}

static void a_end(struct call *c, enum call_event ev)
{
	if (ev == CE_LOST)
		set_cause(c, OUT_FAILED, "modem port lost during the call");
	if (c->answered_ms)
		c->outcome = OUT_ANSWERED;
	else if (c->incoming && ev == CE_STOP)
		set_cause(c, OUT_FAILED, "the daemon stopped while the call rang");
	else if (c->incoming && c->outcome != OUT_REJECTED)
		set_cause(c, OUT_MISSED, "the caller hung up before it was answered");
	else if (c->outcome == OUT_NONE)
		set_cause(c, OUT_FAILED, "call ended before it was answered");
	c->ended_ms = clock_wall_ms();
	for (int i = 0; i < T_N; i++)
		c->t[i] = 0;
	if (ev != CE_LOST && c->prof && c->audio_on_sent)
		send_list(c, c->prof->audio_off, CC_AUDIO_OFF);
	CLOG(LL_INFO, c, "ended: %s%s%s, keys '%s'%s", call_outcome_name(c->outcome), c->cause[0] ? ": " : "",
	     c->cause, c->keys, c->confirmed ? ", confirmed" : c->played ? ", played" : "");
	call_event(c, CE_DONE);
}

/* IDLE again: the owner records the end and may start the next call. */
static void fresh(struct call *c);

static void a_idle(struct call *c, enum call_event ev)
{
	(void)ev;
	int64_t waiting = c->waiting_ms;
	char number[sizeof c->waiting_number];
	snprintf(number, sizeof number, "%s", c->waiting_number);
	int clip = c->waiting_clip, withheld = c->waiting_withheld;
	c->ops.ended(c->arg);
	if (c->state != CALL_IDLE || !waiting || clock_mono_ms() - waiting >= RING_GONE_MS)
		return;
	/* a caller rang while this call ended: theirs now, or a flash would be
	 * lost (it may not ring again) */
	fresh(c);
	c->incoming = c->menu = 1;
	CLOG(LL_INFO, c, "a call that rang while the last one ended: taken now");
	call_event(c, CE_INCOMING);
	if (clip) {
		snprintf(c->number, sizeof c->number, "%s", number);
		c->withheld = withheld;
		call_event(c, CE_CLIP);
	}
}

#define ACTIVE_ANY(ev, to, act)                                                              \
	{ CALL_DIALING, ev, to, act }, { CALL_RINGING, ev, to, act }, { CALL_ANSWERED, ev, to, act }, \
	{ CALL_PLAYING, ev, to, act }, { CALL_WAITING_KEY, ev, to, act }

static const struct row {
	enum call_state from;
	enum call_event ev;
	enum call_state to;
	void (*act)(struct call *c, enum call_event ev);
} fsm[] = {
	{ CALL_IDLE, CE_START, CALL_DIALING, a_dial },
	{ CALL_DIALING, CE_DIAL_OK, CALL_DIALING, a_dial_ok },
	{ CALL_RINGING, CE_DIAL_OK, CALL_RINGING, a_dial_ok },
	{ CALL_ANSWERED, CE_DIAL_OK, CALL_ANSWERED, a_dial_ok },
	{ CALL_DIALING, CE_RINGING, CALL_RINGING, a_ringing },
	{ CALL_DIALING, CE_ANSWERED, CALL_ANSWERED, a_answered },
	{ CALL_RINGING, CE_ANSWERED, CALL_ANSWERED, a_answered },
	{ CALL_ANSWERED, CE_AUDIO_READY, CALL_PLAYING, a_play },
	{ CALL_PLAYING, CE_SEG_DONE, CALL_PLAYING, a_next },
	{ CALL_PLAYING, CE_PLAN_DONE, CALL_WAITING_KEY, a_wait_key },
	{ CALL_PLAYING, CE_BYE_DONE, CALL_HANGUP, a_hangup },
	{ CALL_PLAYING, CE_KEY1, CALL_PLAYING, a_key1 },
	{ CALL_WAITING_KEY, CE_KEY1, CALL_PLAYING, a_key1 },
	{ CALL_PLAYING, CE_KEY2, CALL_PLAYING, a_key2 },
	{ CALL_WAITING_KEY, CE_KEY2, CALL_PLAYING, a_key2 },
	{ CALL_WAITING_KEY, CE_T_KEY, CALL_PLAYING, a_bye },
	{ CALL_DIALING, CE_T_RING, CALL_HANGUP, a_hangup },
	{ CALL_RINGING, CE_T_RING, CALL_HANGUP, a_hangup },
	{ CALL_DIALING, CE_DIAL_FAIL, CALL_ENDED, a_end },
	{ CALL_RINGING, CE_DIAL_FAIL, CALL_ENDED, a_end },
	ACTIVE_ANY(CE_T_MAX, CALL_HANGUP, a_hangup),
	ACTIVE_ANY(CE_STOP, CALL_HANGUP, a_hangup),
	ACTIVE_ANY(CE_ENDED, CALL_ENDED, a_end),
	ACTIVE_ANY(CE_LOST, CALL_ENDED, a_end),
	{ CALL_HANGUP, CE_ENDED, CALL_ENDED, a_end },
	{ CALL_HANGUP, CE_LOST, CALL_ENDED, a_end },
	{ CALL_HANGUP, CE_T_HANGUP, CALL_HANGUP, a_hangup_check },
	{ CALL_ENDED, CE_DONE, CALL_IDLE, a_idle },
	/* incoming */
	{ CALL_IDLE, CE_INCOMING, CALL_INCOMING, a_incoming },
	{ CALL_INCOMING, CE_RING, CALL_INCOMING, a_ring },
	{ CALL_INCOMING, CE_CLIP, CALL_INCOMING, a_clip },
	{ CALL_INCOMING, CE_ACCEPT, CALL_ANSWERING, a_accept },
	{ CALL_INCOMING, CE_REJECT, CALL_HANGUP, a_reject },
	{ CALL_INCOMING, CE_ENDED, CALL_ENDED, a_end },
	{ CALL_INCOMING, CE_LOST, CALL_ENDED, a_end },
	{ CALL_INCOMING, CE_T_RING, CALL_ENDED, a_end },   /* no more RING: the caller gave up */
	{ CALL_INCOMING, CE_T_MAX, CALL_ENDED, a_end },
	{ CALL_INCOMING, CE_STOP, CALL_ENDED, a_end },     /* never answered: nothing to hang up */
	{ CALL_ANSWERING, CE_ANSWERED, CALL_ANSWERED, a_answered },
	{ CALL_ANSWERING, CE_DIAL_FAIL, CALL_ENDED, a_end }, /* ATA failed: the caller hung up first */
	{ CALL_ANSWERING, CE_T_RING, CALL_HANGUP, a_hangup },
	{ CALL_ANSWERING, CE_T_MAX, CALL_HANGUP, a_hangup },
	{ CALL_ANSWERING, CE_STOP, CALL_HANGUP, a_hangup },
	{ CALL_ANSWERING, CE_ENDED, CALL_ENDED, a_end },
	{ CALL_ANSWERING, CE_LOST, CALL_ENDED, a_end },
	/* menu calls (incoming answered, or a callback) */
	{ CALL_ANSWERED, CE_MENU_READY, CALL_MENU, a_menu_start },
	{ CALL_MENU, CE_SEG_DONE, CALL_MENU, a_menu_seg },
	{ CALL_MENU, CE_KEY, CALL_MENU, a_menu_key },
	{ CALL_MENU, CE_T_KEY, CALL_MENU, a_menu_timeout },
	{ CALL_MENU, CE_MENU_DONE, CALL_HANGUP, a_hangup },
	{ CALL_MENU, CE_T_MAX, CALL_HANGUP, a_hangup },
	{ CALL_MENU, CE_STOP, CALL_HANGUP, a_hangup },
	{ CALL_MENU, CE_ENDED, CALL_ENDED, a_end },
	{ CALL_MENU, CE_LOST, CALL_ENDED, a_end },
	{ CALL_ANSWERED, CE_MENU_DONE, CALL_HANGUP, a_hangup },
};

void call_event(struct call *c, enum call_event ev)
{
	for (size_t i = 0; i < ARRAY_LEN(fsm); i++) {
		if (fsm[i].from != c->state || fsm[i].ev != ev)
			continue;
		enum call_state from = c->state;
		c->state = fsm[i].to;
		if (from != c->state)
			CLOG(LL_DEBUG, c, "%s -> %s on %s", call_state_name(from), call_state_name(c->state),
			     call_event_name(ev));
		fsm[i].act(c, ev);
		return;
	}
	CLOG(LL_DEBUG, c, "event %s ignored", call_event_name(ev));
}

/* ---- API ---- */

void call_init(struct call *c, const struct profile *prof, const struct call_timing *tm,
	       const struct call_ops *ops, void *arg)
{
	memset(c, 0, sizeof *c);
	c->idx = -1;
	c->prof = prof;
	c->tm = *tm;
	if (c->tm.repeats < 1)
		c->tm.repeats = 1;
	c->ops = *ops;
	c->arg = arg;
}

/* A new call on this engine: everything of the last one forgotten but the
 * wiring (ops, family, timing), and a new generation so that results of
 * the last call's commands are told apart. */
static void fresh(struct call *c)
{
	struct call_ops ops = c->ops;
	void *arg = c->arg;
	const struct profile *prof = c->prof;
	struct call_timing tm = c->tm;
	unsigned gen = c->gen;
	memset(c, 0, sizeof *c);
	c->gen = gen + 1;
	c->idx = -1;
	c->ops = ops;
	c->arg = arg;
	c->prof = prof;
	c->tm = tm;
}

int call_start(struct call *c, const char *number)
{
	if (c->state != CALL_IDLE)
		return -1;
	fresh(c);
	snprintf(c->number, sizeof c->number, "%s", number);
	call_event(c, CE_START);
	return 0;
}

int call_start_menu(struct call *c, const char *number)
{
	if (c->state != CALL_IDLE)
		return -1;
	/* call_start resets the call and dials at once: the flag goes in
	 * before any answer can be seen */
	int rc = call_start(c, number);
	c->menu = 1;
	return rc;
}

void call_menu_wait(struct call *c, int ms)
{
	if (c->state == CALL_MENU)
		arm(c, T_KEY, ms);
}

void call_menu_done(struct call *c)
{
	call_event(c, CE_MENU_DONE);
}

int call_active(const struct call *c)
{
	return c->state != CALL_IDLE;
}

/* An end line: its words or cause decide the outcome. */
static void end_line(struct call *c, const char *line)
{
	int cause = call_parse_cend(line);
	if (!strcmp(line, "BUSY") || cause == 17)
		set_cause(c, OUT_BUSY, "busy");
	else if (!strcmp(line, "NO ANSWER") || cause == 19 || cause == 18)
		set_cause(c, OUT_NO_ANSWER, "no answer");
	else if (cause == 21)
		set_cause(c, OUT_REJECTED, "call rejected");
	else if (cause > 0 && cause != 16 && !c->answered_ms) {
		char why[64];
		snprintf(why, sizeof why, "network cause %d", cause);
		set_cause(c, OUT_FAILED, why);
	}
	call_event(c, CE_ENDED);
}

static void released(struct call *c)
{
	if (!c->t[T_GRACE])
		arm(c, T_GRACE, END_GRACE_MS);
}

/* The 27.007 stat of this call in an AT+CLCC listing, -2 when the listing
 * has no call of ours (incoming calls and other indexes are not ours). */
static int clcc_ours(const struct call *c, const char *lines)
{
	for (const char *l = lines ? strstr(lines, "+CLCC:") : NULL; l; l = strstr(l + 1, "+CLCC:")) {
		char line[160];
		size_t n = strcspn(l, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), l);
		int idx, dir;
		call_parse_ids(line, &idx, &dir);
		if (dir == (c->incoming ? 0 : 1) || (c->idx >= 0 && idx >= 0 && idx != c->idx))
			continue;
		return call_parse_state(line);
	}
	return -2;
}

/* HANGUP: what AT+CLCC said after the end report did not come. */
static void hangup_polled(struct call *c, int final, const char *lines)
{
	if (final == AT_R_LOST) {
		call_event(c, CE_LOST);
		return;
	}
	int st = final == AT_R_OK ? clcc_ours(c, lines) : 0;
	if (final == AT_R_OK && (st == -2 || st == -1 || st == 6)) {
		CLOG(LL_INFO, c, "the modem lists no call: ended");
		call_event(c, CE_ENDED);
	} else if (c->hangup_tries < HANGUP_TRIES) {
		hangup(c);
	} else {
		CLOG(LL_ERROR, c, "the modem keeps the call after %d hang-ups (AT+CLCC: %s)", c->hangup_tries,
		     at_final_name((enum at_final)final));
		call_event(c, CE_ENDED);
	}
}

void call_at_done(struct call *c, enum call_cmd tag, int final, const char *lines)
{
	if (c->state == CALL_IDLE)
		return;
	switch (tag) {
	case CC_DIAL:
		c->dial_pending = 0;
		if (final == AT_R_OK || final == AT_R_CONNECT) {
			call_event(c, CE_DIAL_OK);
		} else if (final == AT_R_BUSY || final == AT_R_NO_ANSWER || final == AT_R_NO_CARRIER) {
			end_line(c, at_final_name((enum at_final)final));
		} else if (final == AT_R_LOST) {
			call_event(c, CE_LOST);
		} else if (c->state == CALL_HANGUP) {
			break; /* aborted by our hang-up: its end report decides */
		} else {
			char why[96];
			snprintf(why, sizeof why, "modem refused the dial: %s", at_final_name((enum at_final)final));
			set_cause(c, OUT_FAILED, why);
			call_event(c, CE_DIAL_FAIL);
		}
		break;
	case CC_ANSWER:
		if (final == AT_R_OK || final == AT_R_CONNECT)
			call_event(c, CE_ANSWERED);
		else if (final == AT_R_LOST)
			call_event(c, CE_LOST);
		else if (c->state == CALL_ANSWERING)
			call_event(c, CE_DIAL_FAIL); /* NO CARRIER: the caller gave up first */
		break;
	case CC_AUDIO_ON:
		if (final == AT_R_OK) {
			if (c->state == CALL_ANSWERED)
				audio_ready(c);
		} else if (c->state == CALL_ANSWERED && ++c->audio_on_sent <= AUDIO_TRIES) {
			arm(c, T_AUDIO, AUDIO_DELAY_MS * 2); /* SIMCom: retry on ERROR */
		} else if (final != AT_R_LOST) {
			CLOG(LL_WARN, c, "audio could not be switched on (%s)", at_final_name((enum at_final)final));
		}
		break;
	case CC_HANGUP:
		/* OK: the end report follows.  Else (no call to hang up, say)
		 * ask the modem now rather than in HANGUP_MS. */
		if (final == AT_R_LOST)
			call_event(c, CE_LOST);
		else if (final != AT_R_OK && c->state == CALL_HANGUP)
			arm(c, T_HANGUP, 1);
		break;
	case CC_POLL:
		if (c->state == CALL_HANGUP) {
			hangup_polled(c, final, lines);
		} else if (final == AT_R_BUSY || final == AT_R_NO_ANSWER || final == AT_R_NO_CARRIER) {
			end_line(c, at_final_name((enum at_final)final));
		} else if (final == AT_R_OK) {
			int st = clcc_ours(c, lines);
			if (st == 0)
				call_event(c, CE_ANSWERED);
			else if (st == 3 || st == 4)
				call_event(c, CE_RINGING);
			else if (st == -2 && !c->dial_pending)
				released(c);
			if (c->state == CALL_DIALING || c->state == CALL_RINGING)
				arm(c, T_POLL, POLL_MS);
		}
		break;
	default:
		break;
	}
}

/* Is a call report about this call?  Not when it names an incoming call or
 * another index, and not an end while our ATD is unanswered (that is the
 * late end of an earlier call). */
static int ours(struct call *c, const struct at_urc *u, int is_end)
{
	int idx, dir;
	call_parse_ids(u->line, &idx, &dir);
	if (dir == (c->incoming ? 0 : 1) || (c->idx >= 0 && idx >= 0 && idx != c->idx) ||
	    (is_end && c->dial_pending)) {
		CLOG(LL_DEBUG, c, "not this call's report: %s", u->line);
		return 0;
	}
	if (c->idx < 0 && idx >= 0 && !is_end)
		c->idx = idx;
	return 1;
}

/* RING / +CRING / +CLIP: a new incoming call when idle, more of it while
 * it alerts; during an outgoing call a second call (not answered). */
static void incoming_urc(struct call *c, const struct at_urc *u)
{
	struct incall_ev ev;
	enum incall_kind k = incall_parse(c->prof, u->line, &ev);
	if (k != INCALL_RING && k != INCALL_CLIP)
		return;
	if (c->state == CALL_IDLE) {
		fresh(c);
		c->incoming = c->menu = 1;
		call_event(c, CE_INCOMING);
		if (k == INCALL_RING)
			return;
	} else if (c->state != CALL_INCOMING) {
		if (c->incoming && c->state == CALL_ANSWERING)
			return; /* this call's own RING/+CLIP, sent before ATA took */
		/* another call alerts while this one runs or ends */
		if (!c->waiting_ms)
			CLOG(LL_INFO, c, "another call rings while this one is %s: taken when this one is over (%s)",
			     call_state_name(c->state), u->line);
		c->waiting_ms = clock_mono_ms();
		if (k == INCALL_CLIP) {
			c->waiting_clip = 1;
			c->waiting_withheld = !(ev.id == INCALL_ID_SHOWN && ev.number[0]);
			snprintf(c->waiting_number, sizeof c->waiting_number, "%s",
				 c->waiting_withheld ? "" : ev.number);
		}
		return;
	}
	if (k == INCALL_RING) {
		call_event(c, CE_RING);
		return;
	}
	if (ev.id == INCALL_ID_SHOWN && ev.number[0] && !ev.foreign)
		snprintf(c->number, sizeof c->number, "%s", ev.number);
	else if (ev.id == INCALL_ID_SHOWN && ev.number[0])
		snprintf(c->number, sizeof c->number, "%s", ev.number); /* foreign: never a household's */
	else
		c->withheld = 1;
	call_event(c, CE_CLIP);
}

int call_urc(struct call *c, const struct at_urc *u)
{
	if (u->kind == URC_DTMF) {
		const char *p = strchr(u->line, ':');
		if (!p || c->state == CALL_IDLE)
			return 1;
		p++;
		while (*p == ' ')
			p++;
		char d = *p;
		if (!strncmp(u->line, "+QTONEDET:", 10)) /* ASCII code */
			d = (char)atoi(p);
		call_key(c, d, CALL_KEY_URC);
		return 1;
	}
	if (u->kind == URC_RING || u->kind == URC_CLIP) {
		incoming_urc(c, u);
		return 1;
	}
	if (u->kind != URC_CALL || c->state == CALL_IDLE)
		return u->kind == URC_CALL;
	int st = u->call_ev == CALL_EV_STATE ? call_parse_state(u->line) : -2;
	int is_end = u->call_ev == CALL_EV_ENDED || st == -1 || st == 6;
	if (!ours(c, u, is_end))
		return 1;
	switch (u->call_ev) {
	case CALL_EV_RINGING:
		call_event(c, CE_RINGING);
		break;
	case CALL_EV_ANSWERED:
		call_event(c, CE_ANSWERED);
		break;
	case CALL_EV_ENDED:
		end_line(c, u->line);
		break;
	case CALL_EV_STATE:
		if (st == 0)
			call_event(c, CE_ANSWERED);
		else if (st == 3 || st == 4)
			call_event(c, CE_RINGING);
		else if (is_end)
			released(c);
		break;
	default:
		break;
	}
	return 1;
}

void call_seg_done(struct call *c)
{
	if (c->state == CALL_MENU) {
		call_event(c, CE_SEG_DONE);
		return;
	}
	if (c->state != CALL_PLAYING)
		return;
	if (c->plan_pos < c->plan_n)
		call_event(c, CE_SEG_DONE);
	else if (c->confirming)
		call_event(c, CE_BYE_DONE);
	else
		call_event(c, CE_PLAN_DONE);
}

void call_digit(struct call *c, char digit)
{
	call_key(c, digit, CALL_KEY_TONE);
}

void call_key(struct call *c, char digit, enum call_key_src src)
{
	if (c->state != CALL_PLAYING && c->state != CALL_WAITING_KEY && c->state != CALL_MENU)
		return;
	int64_t now = clock_mono_ms();
	if (digit == c->last_digit && src != c->last_digit_src && now - c->last_digit_ms < DIGIT_SAME_MS) {
		c->last_digit = 0; /* the family's URC and our detector both heard it; a third is a new press */
		return;
	}
	c->last_digit = digit;
	c->last_digit_ms = now;
	c->last_digit_src = src;
	size_t n = strlen(c->keys);
	if (n + 1 < sizeof c->keys) {
		c->keys[n] = digit;
		c->keys[n + 1] = '\0';
	}
	CLOG(LL_INFO, c, "key %c", digit);
	if (c->state == CALL_MENU)
		call_event(c, CE_KEY);
	else if (digit == '1')
		call_event(c, CE_KEY1);
	else if (digit == '2')
		call_event(c, CE_KEY2);
}

void call_stop(struct call *c)
{
	call_event(c, CE_STOP);
}

void call_port_lost(struct call *c)
{
	if (c->state != CALL_IDLE)
		call_event(c, CE_LOST);
}

int64_t call_deadline(const struct call *c)
{
	int64_t d = INT64_MAX;
	for (int i = 0; i < T_N; i++)
		if (c->t[i] && c->t[i] < d)
			d = c->t[i];
	return d;
}

void call_tick(struct call *c)
{
	int64_t now = clock_mono_ms();
	for (int i = 0; i < T_N && c->state != CALL_IDLE; i++) {
		if (!c->t[i] || c->t[i] > now)
			continue;
		c->t[i] = 0;
		CLOG(LL_DEBUG, c, "timer %s", timers[i].name);
		switch (i) {
		case T_POLL:
			send(c, "AT+CLCC", CMD_MS, CC_POLL, 0);
			break;
		case T_AUDIO:
			if (c->prof && c->prof->audio_when == AUDIO_ON_ANSWER && c->prof->audio_on[0]) {
				if (!c->audio_on_sent)
					c->audio_on_sent = 1;
				send_list(c, c->prof->audio_on, CC_AUDIO_ON);
			} else {
				audio_ready(c);
			}
			break;
		case T_GRACE:
			call_event(c, CE_ENDED);
			break;
		default:
			call_event(c, timers[i].ev);
			break;
		}
	}
}

/* ---- parsing ---- */

static int int_fields(const char *line, int *out, int max)
{
	const char *p = strchr(line, ':');
	if (!p)
		return 0;
	p++;
	int n = 0;
	while (n < max) {
		while (*p == ' ')
			p++;
		char *end;
		out[n] = *p == '"' ? -1000 : (int)strtol(p, &end, 10);
		if (*p != '"' && end == p)
			out[n] = -1000;
		n++;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return n;
}

int call_parse_state(const char *line)
{
	int f[5];
	if (!strncmp(line, "+CLCC:", 6)) {
		if (int_fields(line, f, 3) < 3 || f[2] == -1000)
			return -2;
		return f[2];
	}
	if (!strncmp(line, "+QIND: \"ccinfo\"", 15)) {
		if (int_fields(line, f, 4) < 4 || f[3] == -1000)
			return -2;
		return f[3];
	}
	return -2;
}

void call_parse_ids(const char *line, int *idx, int *dir)
{
	int f[4];
	*idx = *dir = -1;
	if (!strncmp(line, "+CLCC:", 6)) {
		if (int_fields(line, f, 2) == 2) {
			*idx = f[0] >= 0 ? f[0] : -1;
			*dir = f[1] == 0 || f[1] == 1 ? f[1] : -1;
		}
	} else if (!strncmp(line, "+QIND: \"ccinfo\"", 15)) {
		if (int_fields(line, f, 3) == 3) {
			*idx = f[1] >= 0 ? f[1] : -1;
			*dir = f[2] == 0 || f[2] == 1 ? f[2] : -1;
		}
	} else if (line[0] == '^' && int_fields(line, f, 1) == 1 && f[0] >= 0) {
		*idx = f[0]; /* ^ORIG:1,0  ^CONF:1  ^CONN:1,0  ^CEND:1,... */
	}
}

int call_parse_cend(const char *line)
{
	int f[4];
	if (strncmp(line, "^CEND:", 6) || int_fields(line, f, 4) < 4 || f[3] < 0)
		return -1;
	return f[3];
}
