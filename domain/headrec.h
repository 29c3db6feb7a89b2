/* headrec — the head's recording menu by phone (issue 17 item 3) as an
 * explicit state table, pure like domain/callin: events in, actions out;
 * nothing here reads a clock, the database or a port.  The driver that
 * answers the call feeds the events (prompt done, keys, timer, the PIN
 * check's and the recording check's results, hang-up) and performs the
 * actions (play, wait for a key, check the PIN, record, validate, create).
 *
 *   IDLE --answered--> PIN_PROMPT ("nhập mã PIN rồi bấm dấu thăng")
 *   PIN_PROMPT --done--> PIN (wait key); digits collect, each re-arms the wait
 *   PIN --#--> PIN_CHECK (CHECK_PIN digits); timeout: re-prompt once, goodbye
 *   PIN_CHECK --ok--> REC_PROMPT; --bad, tries left--> PIN_PROMPT ("sai");
 *             --bad, none left (3 in the call) / locked--> REFUSED --> hang up
 *   REC_PROMPT --done--> BEEP --done--> RECORDING (START_RECORD max_ms)
 *   RECORDING --# / full / caller silent--> VALIDATE (STOP_RECORD, VALIDATE)
 *   VALIDATE --ok--> PLAYBACK (PLAY_RECORDING) --done--> REVIEW
 *            --bad--> REC_BAD (reason: too short / silence / too long; the
 *                     recording discarded) --done--> REC_PROMPT (takes left)
 *   REVIEW ("1 gửi, 2 ghi lại, 3 hủy") --done--> REVIEW_WAIT
 *          --1--> GROUPS (PLAY_GROUPS n) --done--> GROUP_WAIT
 *          --2, takes left--> REC_PROMPT (discard); --3--> CANCELLED
 *   GROUPS|GROUP_WAIT --0 or 1..n--> URGENT ("khẩn cấp? 1 có, 2 không")
 *   URGENT|URGENT_WAIT --1/2--> CREATING (CREATE group, urgent)
 *   CREATING --created--> SENT ("đã gửi") --done--> hang up
 *            --failed--> FAILED ("không gửi được") --done--> hang up
 *   every wait --timeout--> the same prompt again once, then GOODBYE
 *   any --hangup--> DONE (a recording discarded; nothing created)
 * CREATE is the only action that makes a notice, and only CREATING emits
 * it, after the last key: a hang-up before that creates nothing.  An event
 * a state does not list is dropped (a key during the beep, a second
 * hang-up), so nothing restarts a finished call. */
#ifndef LOA_HEADREC_H
#define LOA_HEADREC_H
#include <stddef.h>
#include <stdint.h>

enum {
	HEADREC_PIN_TRIES = 3,  /* wrong PINs in one call before "refused" */
	HEADREC_TAKES = 3,      /* recordings in one call (2 = record again) */
	HEADREC_MAX_GROUPS = 9, /* groups offered by one digit each */
	HEADREC_PIN_MAX = 16    /* digits kept (a PIN is 4-8; more is wrong) */
};

enum headrec_state { HR_IDLE, HR_PIN_PROMPT, HR_PIN, HR_PIN_CHECK, HR_REFUSED, HR_REC_PROMPT, HR_BEEP,
		     HR_RECORDING, HR_VALIDATE, HR_REC_BAD, HR_PLAYBACK, HR_REVIEW, HR_REVIEW_WAIT, HR_GROUPS,
		     HR_GROUP_WAIT, HR_URGENT, HR_URGENT_WAIT, HR_CREATING, HR_SENT, HR_FAILED, HR_CANCELLED,
		     HR_GOODBYE, HR_DONE, HR_N_STATES };
enum headrec_event { HRE_ANSWERED, HRE_PROMPT_DONE, HRE_DIGIT, HRE_HASH, HRE_TIMEOUT, HRE_PIN_OK, HRE_PIN_BAD,
		     HRE_PIN_LOCKED, HRE_REC_FULL, HRE_REC_QUIET, HRE_REC_OK, HRE_REC_BAD, HRE_CREATED,
		     HRE_FAILED, HRE_HANGUP, HRE_N_EVENTS };
/* Prompts: headrec_prompt_name() is the template's name in the prompts
 * folder (configs/prompts/NAME.txt); HRP_BEEP is a tone, not speech. */
enum headrec_prompt { HRP_PIN, HRP_PIN_WRONG, HRP_REFUSED, HRP_RECORD, HRP_BEEP, HRP_TOO_SHORT, HRP_SILENCE,
		      HRP_TOO_LONG, HRP_REVIEW, HRP_URGENT, HRP_SENT, HRP_FAILED, HRP_CANCELLED, HRP_GOODBYE,
		      HRP_N };
/* Why a recording is refused (HRE_REC_BAD's argument). */
enum headrec_bad { HRB_TOO_SHORT, HRB_SILENCE, HRB_TOO_LONG };
enum headrec_act_kind {
	HRA_PLAY_PROMPT,    /* prompt; replaces whatever plays */
	HRA_STOP_PLAY,      /* a key interrupted the prompt */
	HRA_WAIT_KEY,       /* (re)arm the key timer: wait_ms */
	HRA_CHECK_PIN,      /* pin: feed back PIN_OK / PIN_BAD / PIN_LOCKED */
	HRA_START_RECORD,   /* max_ms; feed REC_FULL at the end, REC_QUIET on silence */
	HRA_STOP_RECORD,    /* keep what was recorded */
	HRA_VALIDATE,       /* clean + check it: feed REC_OK or REC_BAD(reason) */
	HRA_DISCARD,        /* stop a capture in progress; drop the recording and its cleaned file */
	HRA_PLAY_RECORDING, /* the cleaned recording */
	HRA_PLAY_GROUPS,    /* the numbered list of n_groups groups, then 0 = all */
	HRA_CREATE,         /* the notice: group (0 all, 1..n), urgent */
	HRA_HANGUP
};
const char *headrec_state_name(enum headrec_state s);
const char *headrec_event_name(enum headrec_event e);
const char *headrec_prompt_name(enum headrec_prompt p);
const char *headrec_act_name(enum headrec_act_kind a);
/* The prompt's default Vietnamese text (what configs/prompts/NAME.txt says). */
const char *headrec_prompt_text(enum headrec_prompt p);

struct headrec_act {
	enum headrec_act_kind kind;
	enum headrec_prompt prompt; /* HRA_PLAY_PROMPT */
	int wait_ms;                /* HRA_WAIT_KEY */
	int max_ms;                 /* HRA_START_RECORD */
	const char *pin;            /* HRA_CHECK_PIN: the digits (in the menu) */
	int n_groups;               /* HRA_PLAY_GROUPS */
	int group;                  /* HRA_CREATE: 0 all, else 1..n_groups */
	int urgent;                 /* HRA_CREATE */
};
struct headrec_out {
	int n;
	struct headrec_act a[4];
};

struct headrec_menu {
	enum headrec_state state;
	int key_wait_ms;           /* [voice] key_wait_s */
	int record_max_ms;         /* [callin] record_max_s */
	int n_groups;              /* the head's groups offered (<= HEADREC_MAX_GROUPS) */
	char pin[HEADREC_PIN_MAX + 1];
	int pin_len;               /* digits pressed (may exceed what is kept) */
	int bad_pins;              /* wrong PINs in this call */
	int timeouts;              /* in the current wait */
	int takes;                 /* recordings started */
	int recorded;              /* a recording exists (not yet discarded/sent) */
	int key;                   /* the digit of the current HRE_DIGIT */
	enum headrec_bad bad;      /* the last HRE_REC_BAD's reason */
	int group, urgent;         /* the choices */
	int created;               /* CREATE emitted */
};

void headrec_init(struct headrec_menu *m, int key_wait_s, int record_max_s, int n_groups);
/* One event; arg is the digit 0-9 for HRE_DIGIT, enum headrec_bad for
 * HRE_REC_BAD, else ignored.  The actions go to *out (emptied first).
 * Returns 1 when the state has a row for it, 0 when it was dropped. */
int headrec_event(struct headrec_menu *m, enum headrec_event ev, int arg, struct headrec_out *out);
/* A key as pressed: '0'-'9' -> HRE_DIGIT, '#' -> HRE_HASH; others dropped. */
int headrec_key(struct headrec_menu *m, char key, struct headrec_out *out);

/* The spoken list PLAY_GROUPS renders: "Bấm 1 cho Xóm Đông. Bấm 2 cho
 * Xóm Tây. Bấm 0 cho cả thôn." (n <= HEADREC_MAX_GROUPS names are used);
 * a head limited to some groups (all_village 0) hears "Bấm 0 cho tất cả
 * các nhóm trên." instead.  Returns the length it needs (like snprintf;
 * buf is cut when shorter). */
size_t headrec_groups_text(const char *const *names, int n, int all_village, char *buf, size_t len);

/* The table's rows for the unit test that walks every one.  Conditions
 * are 1, 0 or -1 (either); key is the digit a row wants (-1 any). */
struct headrec_row {
	enum headrec_state from;
	enum headrec_event ev;
	int key;                   /* HRE_DIGIT: this digit, -1 any */
	int retry;                 /* a timeout re-prompt is left */
	int pin;                   /* a PIN try is left after this wrong one */
	int take;                  /* another recording may be made */
	int grp;                   /* the digit names a group (0 or 1..n) */
	enum headrec_state to;
};
size_t headrec_fsm_rows(void);
int headrec_fsm_row(size_t i, struct headrec_row *r);
#endif
