/* callin — the call-in menu (issue 17) as an explicit state table, and the
 * flash -> callback policy, both pure: events in, actions out, "now" passed
 * in.  The driver that answers calls (not yet written) feeds the events and
 * performs the actions; nothing here reads a clock, the database or a port.
 *
 *   (ring) callin_offer: registered -> ANSWER (or RING_OUT with
 *          [callin] answer = callback: the caller pays nothing and is called
 *          back); unknown -> ANSWER with unknown = latest, REJECT with reject
 *   IDLE --answered--> GREETING (play greeting)
 *   GREETING --prompt done, notices--> NOTICE k=0 (play notice)
 *   GREETING --prompt done, none--> NO_NOTICE (play "no new notice")
 *   NOTICE --prompt done--> PRESS (play "1 heard, 2 again, 3 next")
 *   PRESS --prompt done--> WAIT_KEY (wait key_wait)
 *   NOTICE|PRESS|WAIT_KEY --1, registered--> CONFIRMED (confirm N, play thanks)
 *   NOTICE|PRESS|WAIT_KEY --1, unknown / 3 / timeout--> next notice or GOODBYE
 *   NOTICE|PRESS|WAIT_KEY --2 (replays left)--> NOTICE (same notice again)
 *   CONFIRMED --prompt done--> next notice or GOODBYE
 *   NO_NOTICE|GOODBYE --prompt done--> DONE (hang up)
 *   any --hangup--> DONE (nothing more; confirmations already made stay)
 * An event a state does not list is dropped (a key during the greeting, a
 * second hang-up), so nothing can restart a finished call.
 *
 * Flash -> callback: a registered household's call that ends before it is
 * answered (or one let ring out) queues a callback: due a few seconds later
 * (CALLIN_SETTLE_S, the caller's line must be free) and at the latest
 * [callin] callback_s after the call; at most one per household per
 * callback_min_gap_s; during quiet hours it waits for their end unless a
 * notice for the household is urgent. */
#ifndef LOA_CALLIN_H
#define LOA_CALLIN_H
#include <stddef.h>
#include <stdint.h>

#define CALLIN_MAX_NOTICES 10
enum { CALLIN_SETTLE_S = 10 };

enum callin_unknown { CALLIN_UNKNOWN_LATEST = 0, CALLIN_UNKNOWN_REJECT };
enum callin_answer { CALLIN_ANSWER_ANSWER = 0, CALLIN_ANSWER_CALLBACK };

/* [callin] (config_callin() fills it), plus what it borrows from
 * [gateway] and [voice]. */
struct callin_cfg {
	int max_notices;         /* notices read in one call, newest first */
	int unknown;             /* enum callin_unknown */
	int answer;              /* enum callin_answer */
	int answer_rings;        /* answered at this ring: a flash (fewer rings) is called back */
	int callback_s;          /* a callback starts within this after a flash */
	int callback_min_gap_s;  /* at most one callback per household per this */
	int record_max_s;        /* longest recording by phone (the head's menu) */
	int key_wait_s;          /* [voice] key_wait_s */
	int replays;             /* [voice] replays: key 2 honoured this many times */
	int quiet_start, quiet_end; /* [gateway] quiet hours, minutes of day */
	char numbers[256];       /* [callin] number: the SIMs' own numbers (the call-in SMS) */
	char village[128];       /* [gateway] village */
	char spool[4096];        /* [gateway] spool: recordings go to SPOOL/audio */
};

enum callin_state { CI_IDLE, CI_GREETING, CI_NOTICE, CI_PRESS, CI_WAIT_KEY, CI_CONFIRMED, CI_NO_NOTICE,
		    CI_GOODBYE, CI_DONE, CI_N_STATES };
enum callin_event { CIE_ANSWERED, CIE_PROMPT_DONE, CIE_KEY1, CIE_KEY2, CIE_KEY3, CIE_TIMEOUT, CIE_HANGUP,
		    CIE_N_EVENTS };
enum callin_prompt { CIP_GREETING, CIP_PRESS, CIP_PRESS_UNKNOWN, CIP_CONFIRMED, CIP_NO_NOTICE, CIP_GOODBYE,
		     CIP_N };
enum callin_act_kind { CIA_PLAY_PROMPT, CIA_PLAY_NOTICE, CIA_CONFIRM, CIA_WAIT_KEY, CIA_HANGUP };
const char *callin_state_name(enum callin_state s);
const char *callin_event_name(enum callin_event e);
const char *callin_prompt_name(enum callin_prompt p);
const char *callin_act_name(enum callin_act_kind a);

struct callin_act {
	enum callin_act_kind kind;
	enum callin_prompt prompt; /* CIA_PLAY_PROMPT */
	int64_t notice_id;         /* CIA_PLAY_NOTICE, CIA_CONFIRM */
	int wait_ms;               /* CIA_WAIT_KEY */
};
struct callin_out {
	int n;
	struct callin_act a[4];
};

/* One call's menu. */
struct callin_menu {
	enum callin_state state;
	const struct callin_cfg *cfg;
	int registered;                    /* a household's number: key 1 confirms */
	int64_t notices[CALLIN_MAX_NOTICES];
	int n, k;                          /* notices, the one being read */
	int replays;                       /* key 2 honoured so far */
	int confirmed;                     /* notices confirmed in this call */
};

/* What to do with a ringing call. */
enum callin_offer { CALLIN_ANSWER, CALLIN_RING_OUT, CALLIN_REJECT };
const char *callin_offer_name(enum callin_offer o);
enum callin_offer callin_offer(const struct callin_cfg *cfg, int registered);

/* A menu for a call: `notices` newest first (a household's unconfirmed
 * ones, or the latest public notice for an unknown caller); at most
 * cfg->max_notices are kept. */
void callin_init(struct callin_menu *m, const struct callin_cfg *cfg, int registered, const int64_t *notices,
		 int n);
/* One event; the actions to perform go to *out (emptied first).  Returns
 * 1 when the state has a row for the event, 0 when it was dropped. */
int callin_event(struct callin_menu *m, enum callin_event ev, struct callin_out *out);
/* A key as the caller pressed it ('1', '2', '3'; others are dropped). */
int callin_key(struct callin_menu *m, char key, struct callin_out *out);

/* The table's rows, for the unit test that walks every one: conditions
 * are 1, 0 or -1 (either). */
struct callin_row {
	enum callin_state from;
	enum callin_event ev;
	int reg, any, more, replay;
	enum callin_state to;
};
size_t callin_fsm_rows(void);
int callin_fsm_row(size_t i, struct callin_row *r);

/* A call from `registered` ended before it was answered, at `now` (wall
 * s), `now_min` its local minute of day; `last_cb` the household's last
 * queued callback (0 none); `urgent`: a notice for it is urgent.  Returns
 * when the callback is due (0: none) and sets *by to the time it should
 * have started by; *why says why there is none ("unknown caller",
 * "callback 120 s ago (gap 600 s)"). */
int64_t callin_callback_at(const struct callin_cfg *cfg, int registered, int64_t last_cb, int urgent, int64_t now,
			   int now_min, int64_t *by, char *why, unsigned whylen);
#endif
