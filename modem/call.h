/* call — one outgoing notice call on one modem, as a table.
 *
 *   IDLE --start--> DIALING --ringing--> RINGING --answered--> ANSWERED
 *   ANSWERED --audio ready--> PLAYING (greeting, notice x repeats with the
 *            "I repeat" prompt between, "press 1 / press 2")
 *   PLAYING --segment done--> PLAYING ... --last segment--> WAITING_KEY
 *   PLAYING|WAITING_KEY --key 2--> PLAYING (notice + "press" again)
 *   PLAYING|WAITING_KEY --key 1--> PLAYING (thanks) --done--> hang up
 *   WAITING_KEY --T_KEY--> PLAYING (thanks) --done--> hang up
 *   DIALING|RINGING --BUSY / NO ANSWER / ended--> ENDED
 *   DIALING|RINGING --T_RING--> HANGUP;  any active --T_MAX--> HANGUP
 *   PLAYING (thanks done) --> HANGUP
 *   HANGUP --the call's own end report--> ENDED
 *   HANGUP --T_HANGUP--> AT+CLCC: no call of ours -> ENDED, else AT+CHUP again
 *   any --ended (far end hung up) / port lost--> ENDED --done--> IDLE
 *   any active --stop (daemon stopping)--> HANGUP
 *
 * Incoming calls (hardware.md "Incoming calls") and menu calls:
 *   IDLE --RING or +CLIP--> INCOMING --+CLIP (or a 2nd RING / T_CLIP without
 *            it: withheld)--> ops.offer: answer -> ANSWERING (ATA; Quectel's
 *            audio_on before it), ring out -> stays INCOMING, reject -> HANGUP
 *   INCOMING --the caller gives up (end report, or no RING for T_RING)--> ENDED
 *            (outcome missed: a flash)
 *   ANSWERING --ATA OK / family answer report--> ANSWERED (Huawei's audio_on
 *            after it, SIMCom's on VOICE CALL: BEGIN) --audio ready--> MENU
 *   DIALING/RINGING (call_start_menu) --answered--> ANSWERED --> MENU
 *   MENU: the owner's ops.menu plays and hears keys; call_menu_done --> HANGUP
 * For an incoming call only reports with dir 1 (or none) are its own; an
 * outgoing call's table keeps ignoring them.  A RING while an outgoing call
 * runs is a second call (call waiting): not answered, logged.
 *
 * The OK of AT+CHUP does not end a call: every family reports the end after
 * it (NO CARRIER, ^CEND, +CLCC stat 6, VOICE CALL: END, +QIND ... -1), at
 * times after the next command was sent.  So the call stays in HANGUP until
 * that report (or AT+CLCC shows the call gone), and the modem is not free
 * for the next ATD before.  A report that names another call (index,
 * direction) or that arrives while our ATD is still unanswered belongs to an
 * earlier or an incoming call and never touches this one.  A hang-up while
 * the ATD itself is unanswered goes out at once: any character aborts a dial
 * in progress (V.25ter), so the ring timeout is kept to the second.
 *
 * Events come from the AT engine (final results of ATD/AT+CLCC, the family's
 * call URCs and DTMF URCs) and from the audio port (segment done, digit).
 * Timers are named (timer table in call.c) with durations from [voice]:
 * T_RING = ring_timeout_s, T_KEY = key_wait_s, T_MAX = max_call_s, T_POLL
 * (AT+CLCC poll: ^CONN and friends can be missed), T_AUDIO (SIMCom wants
 * AT+CPCMREG=1 ~100 ms after VOICE CALL: BEGIN), T_HANGUP (give up waiting
 * for the end after our hang-up).
 *
 * Per-family steps are the profile's data (modem/at.h): audio_on "before
 * ATD" (Quectel AT+QPCMV=1,0), "after ATD" (Huawei AT^DDSETEX=2), "on VOICE
 * CALL: BEGIN" (SIMCom AT+CPCMREG=1); audio_off after the end.
 *
 * The engine does no I/O itself: it calls its ops (send an AT command, play
 * a buffer, report the end), so unit tests drive the table with the fake
 * clock and plain function calls. */
#ifndef LOA_CALL_H
#define LOA_CALL_H
#include <stddef.h>
#include <stdint.h>

struct profile;
struct at_urc;

enum call_state { CALL_IDLE, CALL_DIALING, CALL_RINGING, CALL_ANSWERED, CALL_PLAYING, CALL_WAITING_KEY,
		  CALL_HANGUP, CALL_ENDED,
		  CALL_INCOMING,  /* an incoming call alerts: RING / +CLIP, undecided or rung out */
		  CALL_ANSWERING, /* ATA sent, the answer not yet reported */
		  CALL_MENU,      /* answered, audio on: the owner's menu plays and hears keys */
		  CALL_N_STATES };
enum call_event {
	CE_START, CE_DIAL_OK, CE_DIAL_FAIL, CE_RINGING, CE_ANSWERED, CE_ENDED, CE_AUDIO_READY, CE_SEG_DONE,
	CE_KEY1, CE_KEY2, CE_T_RING, CE_T_KEY, CE_T_MAX, CE_T_HANGUP, CE_LOST,
	CE_PLAN_DONE,   /* the last segment of the plan was played */
	CE_BYE_DONE,    /* the thanks after key 1 / no key was played */
	CE_STOP,        /* the daemon stops: hang up, record the end */
	CE_DONE,        /* ENDED -> IDLE once the end is recorded */
	/* incoming calls and menu calls */
	CE_INCOMING,    /* RING or +CLIP while idle */
	CE_RING,        /* another RING while it alerts */
	CE_CLIP,        /* the caller's number (or "withheld") is known */
	CE_ACCEPT,      /* the owner answers: ATA */
	CE_REJECT,      /* the owner refuses: AT+CHUP */
	CE_MENU_READY,  /* answered and audio on, in a menu call */
	CE_KEY,         /* any key, in a menu call */
	CE_MENU_DONE,   /* the owner's menu is over: hang up */
	CE_N_EVENTS
};
const char *call_state_name(enum call_state s);
const char *call_event_name(enum call_event e);

/* What one attempt came to (attempts.outcome). */
enum call_outcome { OUT_NONE, OUT_NO_ANSWER, OUT_BUSY, OUT_REJECTED, OUT_FAILED, OUT_ANSWERED,
		   OUT_MISSED /* incoming: the caller hung up before it was answered */ };
const char *call_outcome_name(enum call_outcome o);

enum call_seg { SEG_GREETING, SEG_NOTICE, SEG_REPEAT, SEG_PRESS, SEG_THANKS, SEG_N };

/* Tags of the AT commands the engine sends, echoed back in call_at_done. */
enum call_cmd { CC_DIAL, CC_AUDIO_ON, CC_AUDIO_OFF, CC_HANGUP, CC_POLL, CC_ANSWER };

/* Where a key was heard (call_key). */
enum call_key_src { CALL_KEY_TONE, CALL_KEY_URC };

/* What the owner of an incoming call decides when its number is known. */
enum call_offer { CALL_OFFER_ANSWER, CALL_OFFER_RING_OUT, CALL_OFFER_REJECT };
/* What a menu call tells its owner (ops.menu). */
enum call_menu_ev { CM_START, CM_SEG_DONE, CM_KEY, CM_TIMEOUT };

struct call_ops {
	/* Queue an AT command; the result comes back through call_at_done.
	 * urgent: ahead of everything queued, aborting an unanswered dial. */
	int (*cmd)(void *arg, const char *cmd, int timeout_ms, enum call_cmd tag, int urgent);
	/* Start playing a segment (audio_play); its end comes as CE_SEG_DONE. */
	void (*play)(void *arg, enum call_seg seg);
	/* The state moved (for the delivery log: ringing, answered, played). */
	void (*progress)(void *arg, enum call_state to, int played);
	/* The call is over; the engine is back to IDLE after this. */
	void (*ended)(void *arg);
	/* Incoming calls: the caller's number is known (E.164, or "" when
	 * withheld or unavailable); answer, let it ring out, or reject.  NULL:
	 * incoming calls ring out. */
	enum call_offer (*offer)(void *arg, const char *number);
	/* Menu calls (incoming answered, or call_start_menu): the audio is on
	 * (CM_START), a segment the owner played ended (CM_SEG_DONE), a key
	 * (CM_KEY, the digit), the wait armed by call_menu_wait ran out
	 * (CM_TIMEOUT).  The owner plays through its audio port and ends the
	 * call with call_menu_done. */
	void (*menu)(void *arg, enum call_menu_ev ev, char digit);
};

struct call_timing {
	int ring_ms;    /* [voice] ring_timeout_s */
	int key_ms;     /* [voice] key_wait_s: wait for a key after the "press" prompt */
	int max_ms;     /* [voice] max_call_s: longest call */
	int repeats;    /* [voice] repeats: readings of the notice */
	int max_replays;/* [voice] replays: key 2 honoured this many times */
	int answer_rings;/* incoming: answered at this RING (0/1: the first) */
};

struct call {
	enum call_state state;
	const struct profile *prof;
	struct call_ops ops;
	void *arg;
	struct call_timing tm;
	char number[32];
	int64_t t[8];            /* named timers: mono deadline, 0 off */
	enum call_seg plan[16];  /* segments still to play */
	int plan_n, plan_pos;
	int confirming;          /* playing thanks after key 1 */
	int replays;
	int hangup_sent, audio_on_sent;
	int hangup_tries;        /* AT+CHUP sent this many times */
	int dial_pending;        /* ATD sent, its final result not yet seen */
	int idx;                 /* the modem's index of this call, -1 unknown */
	unsigned gen;            /* bumps with every call: results of an older
				  * call's commands are told apart */
	char last_digit;         /* one key heard twice (URC + in-band tone) counts once */
	int64_t last_digit_ms;
	enum call_key_src last_digit_src;
	/* the result */
	enum call_outcome outcome;
	int played;              /* the notice was heard to the end at least once */
	int confirmed;           /* key 1 */
	char keys[24];           /* keys pressed, in order */
	/* incoming and menu calls */
	int incoming;            /* the far end called us (+CLIP number in `number`) */
	int menu;                /* the owner's menu plays, not the notice plan */
	int rings;               /* RINGs seen */
	int offered;             /* ops.offer asked */
	enum call_offer offer;   /* its answer */
	int withheld;            /* no caller ID */
	/* a call that rang while this one ran or was ending (our hang-up's end
	 * report came after the next caller's RING): taken when this one is
	 * over, if it rang within the last RING_GONE_MS */
	int64_t waiting_ms;      /* mono ms of its last RING/+CLIP, 0 none */
	char waiting_number[32];
	int waiting_clip, waiting_withheld;
	char cause[160];
	int64_t answered_ms, ended_ms;  /* wall ms */
};

void call_init(struct call *c, const struct profile *prof, const struct call_timing *tm,
	       const struct call_ops *ops, void *arg);
/* Dials `number` (E.164).  0, or -1 when a call is already running. */
int call_start(struct call *c, const char *number);
/* Dials `number` for the owner's menu (a callback): as call_start, but
 * once answered the owner plays (ops.menu). */
int call_start_menu(struct call *c, const char *number);
int call_active(const struct call *c);
/* Menu calls: wait `ms` for a key (CM_TIMEOUT when none comes; a key or a
 * new wait disarms it), and end the call (hang up, the end recorded as
 * for any call). */
void call_menu_wait(struct call *c, int ms);
void call_menu_done(struct call *c);

/* Inputs. */
void call_at_done(struct call *c, enum call_cmd tag, int final, const char *lines);
/* A URC of the AT engine (URC_CALL / URC_DTMF / RING ...); 1 if it was ours. */
int call_urc(struct call *c, const struct at_urc *u);
void call_seg_done(struct call *c);
/* A key: heard in the audio (call_digit) or reported by the modem
 * (+RXDTMF, +QTONEDET).  A family that does both reports one press twice:
 * the same key from the other source within a second counts once; the
 * same key twice from one source is pressed twice (a PIN 4411). */
void call_key(struct call *c, char digit, enum call_key_src src);
void call_digit(struct call *c, char digit); /* call_key(.., CALL_KEY_TONE) */
void call_port_lost(struct call *c);
/* The daemon stops: an active call is hung up (its end still recorded). */
void call_stop(struct call *c);
/* Events for the table directly (tests). */
void call_event(struct call *c, enum call_event ev);

int64_t call_deadline(const struct call *c);
void call_tick(struct call *c);

/* What a delivery becomes once one call attempt is over (deliveries.state):
 * key 1 -> confirmed; the notice heard to the end -> played; otherwise
 * unreached when `attempts` (this one included) reached `max_attempts`,
 * else queued again with *next = now + retry_s.  *next is 0 unless queued.
 * Pure: the daemon records what it says. */
enum call_final { CALL_FINAL_CONFIRMED, CALL_FINAL_PLAYED, CALL_FINAL_UNREACHED, CALL_FINAL_QUEUED };
const char *call_final_name(enum call_final f);
enum call_final call_final(int confirmed, int played, int attempts, int max_attempts, int64_t now, int retry_s,
			   int64_t *next);

/* Parses a call-state line: +CLCC: idx,dir,stat,... / +QIND: "ccinfo",idx,
 * dir,stat,... -> the 27.007 stat (0 active, 2 dialing, 3 alerting, ...),
 * or -2 when the line is not one. */
int call_parse_state(const char *line);
/* ^CEND:idx,dur,end_status,cc_cause -> cc_cause, or -1. */
int call_parse_cend(const char *line);
/* The call a report names: its index and direction (0 outgoing, 1
 * incoming), -1 each when the line does not say (VOICE CALL: END,
 * NO CARRIER).  Huawei ^ORIG/^CONF/^CONN/^CEND, +CLCC, +QIND "ccinfo". */
void call_parse_ids(const char *line, int *idx, int *dir);
#endif
