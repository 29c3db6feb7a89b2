/* worker — one modem as the daemon drives it: what it holds now (a state
 * from a small table, moved only through worker_move, which refuses a move
 * the table does not list), the data of the delivery, reply or call it
 * holds, and the AT engine's hooks, which it hands to the channel drivers.
 *
 *   W_IDLE --claim SMS--> W_SMS --AT+CMGS--> W_SMS_SUBMIT --part accepted,
 *          more to go--> W_SMS;  W_SMS_SUBMIT --verdict--> W_IDLE;
 *          W_SMS --released (modem left READY, stopping, nothing to send)--> W_IDLE
 *   W_IDLE --claim reply--> W_REPLY <--> W_REPLY_SUBMIT --> W_IDLE (the same
 *          for a short-code reply)
 *   W_IDLE --call started--> W_CALL --call over--> W_CALL_END --audio port
 *          closed (from the loop)--> W_IDLE
 *
 * Not states, beside the state:
 *  - whether the AT engine is READY: that is the engine's own table
 *    (modem/at.c), and an AT+CMGS in flight outlives READY until the engine
 *    fails it, so a W_DOWN would have to overlap the others;
 *  - `reading`: AT+CPMS?/CMGR/CMGL in flight.  Inbound messages are read
 *    whenever the modem announces one, during an SMS submit or a call as
 *    well, so it is a counter, not a state;
 *  - `call_cmds` and `connect_hangup`: call commands still queued or in
 *    flight (those of an ended call may outlive it, their results dropped)
 *    and the AT+CHUP sent at connect.  An SMS may be claimed meanwhile, as
 *    before; only a new call waits for them (gateway/sched.c). */
#ifndef LOA_WORKER_H
#define LOA_WORKER_H
#include "db/store_call.h"
#include "db/store_callin.h"
#include "db/store_shortcode.h"
#include "domain/callin.h"
#include "domain/headnotice.h"
#include "domain/headrec.h"
#include "db/store_sms.h"
#include "gateway/daemon.h" /* struct loa_modem_cfg */
#include "modem/at.h"
#include "modem/call.h"
#include "modem/codec.h"

#include <stddef.h>
#include <stdint.h>

struct audio_port;
struct daemon;

enum worker_state {
	W_IDLE,         /* holds nothing */
	W_SMS,          /* a delivery held, between parts (pacing) */
	W_SMS_SUBMIT,   /* a delivery's AT+CMGS in flight */
	W_REPLY,        /* a short-code reply held, between parts */
	W_REPLY_SUBMIT, /* a reply's AT+CMGS in flight */
	W_CALL,         /* a call running (modem/call.c not idle) */
	W_CALL_END,     /* the call is over, its audio port still to close */
	W_N_STATES
};
const char *worker_state_name(enum worker_state s);

struct worker {
	struct daemon *d;
	const struct loa_modem_cfg *cfg;
	struct at_modem *at;
	char sub[48];           /* "modem(m1)" */
	enum worker_state state; /* only through worker_move */
	int reading;            /* AT+CPMS?/CMGR/CMGL in flight (see above) */
	/* SMS out (drv_sms_out.c): the delivery or reply held */
	int64_t reply_id;       /* W_REPLY*: the outbox row */
	char reply_to[24];
	struct sms_job job;     /* W_SMS*: the delivery */
	struct codec_submit enc;
	int part;               /* next part to send (0-based) */
	int64_t free_at_ms;     /* pacing */
	int parts_today;
	int64_t unready_since;  /* mono ms the modem left READY, 0 while ready */
	/* paused for its SIM's or network's fault (drv_sms_out.c) */
	int sim_fails;          /* SIM-level failures in a row */
	int pauses;             /* pauses in a row: the back-off grows */
	int64_t paused_until_ms;/* mono ms; 0 not paused */
	char pause_reason[200];
	int64_t balance_at_ms;  /* mono ms of the next balance check (0: at once) */
	int64_t ussd_until_ms;  /* a balance question in flight until then (drv_health.c) */
	int64_t down_since_ms;  /* mono ms the AT port stopped being READY, 0 while READY */
	int down_told;          /* its problem is open */
	char down_why[160];     /* why the port last left READY */
	int64_t cclk_at_ms;     /* mono ms of the next AT+CCLK? (drv_time.c) */
	int cclk_busy;          /* one in flight */
	int cclk_unknown_told;  /* "does not know the network time" logged */
	int unpinned;           /* its multipart messages went to other modems */
	/* SMS in (drv_sms_in.c) */
	char mem[4];            /* message storage AT+CPMS selects once the queue
				 * has run ("" unknown): reads name their storage */
	/* voice (drv_voice.c) */
	struct call call;
	struct call_job cj;
	struct audio_port *audio; /* open exactly in W_CALL and W_CALL_END */
	int connect_hangup;     /* AT+CHUP at (re)connect in flight */
	int call_cmds;          /* call commands queued or in flight */
	int64_t call_guard_until; /* mono ms: no dial before (trailing end reports) */
	const int16_t *notice_pcm;
	size_t notice_n;
	/* call-in (drv_callin.c): the incoming call or callback the call table
	 * holds (ci_kind), its menu and what it came to */
	int ci_kind;            /* enum ci_kind (daemon_int.h) */
	int ci_reserved;        /* the worker moved to W_CALL for it */
	struct callin_menu ci;
	struct callin_who who;
	struct callback_job cb;
	char ci_number[24];     /* the caller's number (E.164), "" withheld */
	int64_t ci_started_s;   /* wall s the call began */
	int64_t ci_want;        /* the notice whose audio the menu waits for, 0 none */
	int16_t *ci_pcm;        /* that notice's audio, a copy this call owns */
	size_t ci_n;
	char ci_heard[80];      /* notices played (ids), for the log */
	char ci_confirmed[80];  /* notices confirmed by key 1 */
	int64_t ci_last_end_ms; /* mono ms the last incoming call ended (MISSED_CALL after it) */
	char ci_last_number[24];
	/* the head's recording menu (drv_callin_head.c) */
	int ci_head;            /* the caller is a sender with a PIN */
	struct headrec_menu hr;
	struct sender head;
	struct headnotice_groups hg;
	int16_t *hr_rec;        /* the cleaned recording, played back */
	size_t hr_rec_n;
	int hr_speech_ms;
	char hr_wav[PATH_MAX];  /* its file in SPOOL/audio until a notice owns it */
	int hr_list_wait;       /* PLAY_GROUPS waits for the list's speech */
	int hr_recording;       /* a capture runs: polled for full / quiet */
};

/* 1 if the table lists the move from -> to. */
int worker_move_allowed(enum worker_state from, enum worker_state to);
/* Moves `w` to `to` if the table allows it (logged at debug level with
 * `why`); an illegal move is logged as an error, refused, and returns -1
 * (an assert in debug builds). */
int worker_move(struct worker *w, enum worker_state to, const char *why);
/* The invariants between the state and the data (asserts). */
void worker_check(const struct worker *w);

/* Questions on the state. */
int worker_ready(const struct worker *w);     /* the AT engine is READY */
int worker_paused(const struct worker *w);    /* paused for its SIM's fault (drv_sms_out.c) */
int worker_idle(const struct worker *w);      /* READY, not paused, holding nothing */
int worker_holds_sms(const struct worker *w); /* a delivery or a reply, W_SMS..W_REPLY_SUBMIT */
int worker_submitting(const struct worker *w);/* an AT+CMGS in flight */
int worker_in_call(const struct worker *w);   /* W_CALL or W_CALL_END */
/* Stopping waits for these: an AT+CMGS in flight, a call running. */
int worker_draining(const struct worker *w);

/* Wires `w` to its modem (the AT engine with the worker's hooks). */
void worker_init(struct worker *w, struct daemon *d, const struct loa_modem_cfg *mc);
/* After at_free: a delivery still held stays `sending` (uncertain on
 * restart); its memory is released. */
void worker_free(struct worker *w);
#endif
