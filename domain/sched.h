/* sched — the scheduler as a pure function: given the due work (SMS and
 * calls), the modems, quiet hours and budgets, it returns which modems
 * should claim an SMS delivery or start a call now, and when to wake up
 * next.  No I/O, no clock reads: the daemon passes "now" in, so every rule
 * is unit-tested with plain structs.
 *
 * SMS rules:
 *  - a modem claims only when READY, idle, paced (min_interval_ms since its
 *    last submit) and within its daily part budget and the gateway's;
 *  - during quiet hours (gateway.quiet_start..quiet_end, local time) only
 *    urgent notices are claimed; the wake-up is then the end of the quiet
 *    hours or the next urgent delivery;
 *  - a claim may take at most min(sms.max_parts, budget left) parts; the
 *    gateway budget is shared out between the claims of one plan so that
 *    together they cannot exceed it;
 *  - when a budget is spent, the wake-up is the next local midnight;
 *  - after a claim found nothing claimable (claim_pause_until), nobody
 *    claims before that time, and the plan wakes up then.
 *
 * Call rules (voice deliveries):
 *  - SMS go first: no call starts while SMS are due and some modem claims
 *    one in this plan (unless a budget is spent), and never on a modem that
 *    claims an SMS;
 *  - a modem calls only when it has an audio port, is READY, holds no
 *    delivery, has no call or call leftovers (audio port open, hang-up at
 *    connect, call commands in flight) and its guard time after the last
 *    call is over (trailing end reports);
 *  - during quiet hours only urgent calls start;
 *  - the wake-up is the next call due. */
#ifndef LOA_SCHED_H
#define LOA_SCHED_H
#include <stdint.h>

#define SCHED_MAX_MODEMS 16
#define SCHED_NEVER INT64_MAX

struct sched_modem {
	int ready;             /* AT engine READY */
	int busy;              /* holds a delivery already */
	int64_t free_at_ms;    /* mono time the pacing allows the next submit */
	int parts_today;
	int daily_parts;       /* 0 = no cap */
	/* calls */
	int has_audio;         /* an audio port is configured: it may call */
	int calling;           /* a call or its leftovers (audio open, AT+CHUP at
				* connect, call commands in flight) */
	int64_t call_guard_until; /* mono ms: no dial before */
};

struct sched_in {
	int64_t now_ms;        /* monotonic */
	int64_t wall_s;
	int minute_of_day;     /* local 0..1439 */
	int quiet_start, quiet_end; /* minutes of day; equal = no quiet hours */
	int64_t due_s;         /* earliest queued next_at of any notice, or SCHED_NEVER */
	int64_t due_urgent_s;  /* ... of urgent notices only */
	int64_t due_override_s;/* ... of notices a head sent past the daily budget (GUI) */
	int gw_parts_today;
	int gw_daily_parts;    /* 0 = no cap */
	int max_parts;         /* sms.max_parts */
	int64_t claim_pause_until; /* mono ms: a claim just found nothing */
	int64_t voice_due_s;   /* earliest queued call, or SCHED_NEVER (no speech: SCHED_NEVER) */
	int64_t voice_due_urgent_s; /* ... of urgent notices only */
	int stopping;
	int n_modems;
	struct sched_modem modems[SCHED_MAX_MODEMS];
};

struct sched_action {
	int modem;
	int urgent_only;
	int override_only;     /* the gateway budget is spent: only notices let past it */
	int max_parts;
};

struct sched_call {
	int modem;
	int urgent_only;       /* quiet hours: urgent notices only */
};

struct sched_out {
	int n;
	struct sched_action act[SCHED_MAX_MODEMS];
	int n_calls;           /* calls to start, in order; the daemon stops at the
				* first that finds nothing to start */
	struct sched_call call[SCHED_MAX_MODEMS];
	int64_t voice_due_s;   /* the call due that counts now (quiet: urgent only) */
	int64_t wake_ms;       /* mono deadline for the next plan; SCHED_NEVER = on events only */
	int quiet;             /* quiet hours now */
	int budget_spent;      /* some modem (or the gateway) is out of budget */
};

int sched_is_quiet(int minute_of_day, int quiet_start, int quiet_end);
void sched_plan(const struct sched_in *in, struct sched_out *out);
/* Which of a household's phones (0 first, 1 second; `phones` it has: 1 or
 * 2) the next call attempt of a delivery uses, after one on `phone_idx`:
 * nobody answered it (no answer, busy, rejected, the call failed) -> the
 * other phone when there are two, so attempts alternate 1, 2, 1...;
 * answered (someone hung up before the end) -> the same phone.  The
 * attempt count and its limit are the delivery's, whichever phone. */
int sched_call_next_phone(int phone_idx, int phones, int answered);
#endif
