/* headrec — see headrec.h.
 *
 * DESIGN
 *  - Transitions are the table fsm[]: (state, event, key, conditions) ->
 *    next state and an action; the one row whose conditions hold wins.
 *    The conditions are columns, each 1, 0 or X (either): retry (a timeout
 *    re-prompt is left in this wait), pin (a PIN try is left after this
 *    wrong one), take (another recording may be made), grp (the digit
 *    pressed names a group: 0 = all, 1..n).  key is the digit a row wants
 *    for HRE_DIGIT (X any).  Every row is one line of data the unit test
 *    walks (headrec_fsm_row).
 *  - Actions only append to struct headrec_out.  A row that moves forward
 *    resets the timeout count; a re-prompt after a timeout counts one.
 *  - m->recorded follows the recording's life (START_RECORD .. CREATE or
 *    DISCARD) so a hang-up anywhere discards it; only a_create emits
 *    HRA_CREATE. */
#include "domain/headrec.h"

#include <stdio.h>
#include <string.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *headrec_state_name(enum headrec_state s)
{
	static const char *const n[HR_N_STATES] = {
		"idle",   "pin_prompt", "pin",         "pin_check", "refused", "rec_prompt", "beep",    "recording",
		"validate", "rec_bad",  "playback",    "review",    "review_wait", "groups", "group_wait", "urgent",
		"urgent_wait", "creating", "sent",     "failed",    "cancelled", "goodbye", "done"
	};
	return (unsigned)s < HR_N_STATES ? n[s] : "?";
}

const char *headrec_event_name(enum headrec_event e)
{
	static const char *const n[HRE_N_EVENTS] = { "answered", "prompt_done", "digit",    "hash",    "timeout",
						     "pin_ok",   "pin_bad",     "pin_locked", "rec_full", "rec_quiet",
						     "rec_ok",   "rec_bad",     "created",  "failed",  "hangup" };
	return (unsigned)e < HRE_N_EVENTS ? n[e] : "?";
}

static const struct {
	const char *name, *text;
} prompts[HRP_N] = {
	[HRP_PIN] = { "head_pin", "Xin nhập mã PIN rồi bấm dấu thăng." },
	[HRP_PIN_WRONG] = { "head_pin_wrong", "Mã PIN không đúng. Xin nhập lại mã PIN rồi bấm dấu thăng." },
	[HRP_REFUSED] = { "head_refused", "Mã PIN không đúng. Xin lỗi, không thể ghi âm thông báo. Xin chào." },
	[HRP_RECORD] = { "head_record", "Sau tiếng bíp, xin đọc thông báo, bấm thăng khi xong." },
	[HRP_BEEP] = { "beep", "" },
	[HRP_TOO_SHORT] = { "head_too_short", "Bản ghi quá ngắn." },
	[HRP_SILENCE] = { "head_silence", "Không nghe thấy tiếng nói." },
	[HRP_TOO_LONG] = { "head_too_long", "Bản ghi quá dài." },
	[HRP_REVIEW] = { "head_review", "Bấm 1 để gửi, bấm 2 để ghi lại, bấm 3 để hủy." },
	[HRP_URGENT] = { "head_urgent", "Thông báo có khẩn cấp không? Bấm 1 là có, bấm 2 là không." },
	[HRP_SENT] = { "head_sent", "Đã gửi thông báo. Xin cảm ơn." },
	[HRP_FAILED] = { "head_failed", "Xin lỗi, chưa gửi được thông báo. Xin gọi lại sau." },
	[HRP_CANCELLED] = { "head_cancelled", "Đã hủy, không gửi gì. Xin chào." },
	[HRP_GOODBYE] = { "head_goodbye", "Xin chào." },
};

const char *headrec_prompt_name(enum headrec_prompt p)
{
	return (unsigned)p < HRP_N ? prompts[p].name : "?";
}

const char *headrec_prompt_text(enum headrec_prompt p)
{
	return (unsigned)p < HRP_N ? prompts[p].text : "";
}

const char *headrec_act_name(enum headrec_act_kind a)
{
	static const char *const n[] = { "play_prompt", "stop_play",      "wait_key",    "check_pin",
					 "start_record", "stop_record",   "validate",    "discard",
					 "play_recording", "play_groups", "create",      "hangup" };
	return (unsigned)a < LEN(n) ? n[a] : "?";
}

void headrec_init(struct headrec_menu *m, int key_wait_s, int record_max_s, int n_groups)
{
	memset(m, 0, sizeof *m);
	m->state = HR_IDLE;
	m->key_wait_ms = key_wait_s * 1000;
	m->record_max_ms = record_max_s * 1000;
	m->n_groups = n_groups < 0 ? 0 : n_groups > HEADREC_MAX_GROUPS ? HEADREC_MAX_GROUPS : n_groups;
	m->key = -1;
}

size_t headrec_groups_text(const char *const *names, int n, int all_village, char *buf, size_t len)
{
	size_t w = 0;
	if (len)
		buf[0] = '\0';
	if (n > HEADREC_MAX_GROUPS)
		n = HEADREC_MAX_GROUPS;
	for (int i = 0; i <= n; i++) {
		int k = i < n ? snprintf(buf + (w < len ? w : len), w < len ? len - w : 0, "Bấm %d cho %s. ", i + 1,
					 names[i])
			      : snprintf(buf + (w < len ? w : len), w < len ? len - w : 0, "Bấm 0 cho %s.",
					 all_village ? "cả thôn" : "tất cả các nhóm trên");
		if (k > 0)
			w += (size_t)k;
	}
	return w;
}

/* ---- guards: each row's conditions, X = either ---- */

enum { X = -1 };

static int holds(int want, int have)
{
	return want == X || want == !!have;
}

static int retry_left(const struct headrec_menu *m)
{
	return m->timeouts < 1;
}

static int pin_left(const struct headrec_menu *m)
{
	return m->bad_pins + 1 < HEADREC_PIN_TRIES;
}

static int take_left(const struct headrec_menu *m)
{
	return m->takes < HEADREC_TAKES;
}

static int names_group(const struct headrec_menu *m)
{
	return m->key == 0 || (m->key >= 1 && m->key <= m->n_groups);
}

/* ---- actions ---- */

typedef void (*act_fn)(struct headrec_menu *, struct headrec_out *);

static void put(struct headrec_out *o, struct headrec_act a)
{
	if (o->n < (int)LEN(o->a))
		o->a[o->n++] = a;
}

static void prompt(struct headrec_out *o, enum headrec_prompt p)
{
	put(o, (struct headrec_act){ .kind = HRA_PLAY_PROMPT, .prompt = p });
}

static void discard(struct headrec_menu *m, struct headrec_out *o)
{
	if (m->recorded)
		put(o, (struct headrec_act){ .kind = HRA_DISCARD });
	m->recorded = 0;
}

static void clear_pin(struct headrec_menu *m)
{
	memset(m->pin, 0, sizeof m->pin);
	m->pin_len = 0;
}

static void a_drop(struct headrec_menu *m, struct headrec_out *o)
{
	discard(m, o);
}

static void a_wait(struct headrec_menu *m, struct headrec_out *o)
{
	put(o, (struct headrec_act){ .kind = HRA_WAIT_KEY, .wait_ms = m->key_wait_ms });
}

static void a_hangup(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	put(o, (struct headrec_act){ .kind = HRA_HANGUP });
}

static void a_pin_prompt(struct headrec_menu *m, struct headrec_out *o)
{
	clear_pin(m);
	m->timeouts = 0;
	prompt(o, HRP_PIN);
}

static void a_pin_again(struct headrec_menu *m, struct headrec_out *o)
{
	clear_pin(m);
	m->timeouts++;
	prompt(o, HRP_PIN);
}

static void append(struct headrec_menu *m)
{
	if (m->pin_len < HEADREC_PIN_MAX)
		m->pin[m->pin_len] = (char)('0' + m->key);
	m->pin_len++;
}

static void a_first_digit(struct headrec_menu *m, struct headrec_out *o)
{
	put(o, (struct headrec_act){ .kind = HRA_STOP_PLAY });
	append(m);
	a_wait(m, o);
}

static void a_digit(struct headrec_menu *m, struct headrec_out *o)
{
	append(m);
	a_wait(m, o);
}

static void a_check(struct headrec_menu *m, struct headrec_out *o)
{
	/* more digits than kept: never a PIN, so the check refuses it */
	const char *pin = m->pin_len > HEADREC_PIN_MAX ? "-" : m->pin;
	put(o, (struct headrec_act){ .kind = HRA_CHECK_PIN, .pin = pin });
}

static void a_pin_wrong(struct headrec_menu *m, struct headrec_out *o)
{
	m->bad_pins++;
	clear_pin(m);
	m->timeouts = 0;
	prompt(o, HRP_PIN_WRONG);
}

static void a_refused(struct headrec_menu *m, struct headrec_out *o)
{
	m->bad_pins++;
	clear_pin(m);
	prompt(o, HRP_REFUSED);
}

static void a_record_prompt(struct headrec_menu *m, struct headrec_out *o)
{
	clear_pin(m); /* the PIN is not kept once checked */
	m->timeouts = 0;
	prompt(o, HRP_RECORD);
}

static void a_beep(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	prompt(o, HRP_BEEP);
}

static void a_start(struct headrec_menu *m, struct headrec_out *o)
{
	m->takes++;
	m->recorded = 1;
	put(o, (struct headrec_act){ .kind = HRA_START_RECORD, .max_ms = m->record_max_ms });
}

static void a_stop(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	put(o, (struct headrec_act){ .kind = HRA_STOP_RECORD });
	put(o, (struct headrec_act){ .kind = HRA_VALIDATE });
}

static void a_playback(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	put(o, (struct headrec_act){ .kind = HRA_PLAY_RECORDING });
}

static void a_bad(struct headrec_menu *m, struct headrec_out *o)
{
	discard(m, o);
	prompt(o, m->bad == HRB_SILENCE ? HRP_SILENCE : m->bad == HRB_TOO_LONG ? HRP_TOO_LONG : HRP_TOO_SHORT);
}

static void a_review(struct headrec_menu *m, struct headrec_out *o)
{
	m->timeouts = 0;
	prompt(o, HRP_REVIEW);
}

static void a_review_again(struct headrec_menu *m, struct headrec_out *o)
{
	m->timeouts++;
	prompt(o, HRP_REVIEW);
}

static void a_rerecord(struct headrec_menu *m, struct headrec_out *o)
{
	discard(m, o);
	a_record_prompt(m, o);
}

static void a_cancel(struct headrec_menu *m, struct headrec_out *o)
{
	discard(m, o);
	prompt(o, HRP_CANCELLED);
}

static void a_goodbye(struct headrec_menu *m, struct headrec_out *o)
{
	discard(m, o);
	prompt(o, HRP_GOODBYE);
}

static void a_groups(struct headrec_menu *m, struct headrec_out *o)
{
	m->timeouts = 0;
	put(o, (struct headrec_act){ .kind = HRA_PLAY_GROUPS, .n_groups = m->n_groups });
}

static void a_groups_again(struct headrec_menu *m, struct headrec_out *o)
{
	m->timeouts++;
	put(o, (struct headrec_act){ .kind = HRA_PLAY_GROUPS, .n_groups = m->n_groups });
}

static void a_urgent(struct headrec_menu *m, struct headrec_out *o)
{
	m->group = m->key;
	m->timeouts = 0;
	prompt(o, HRP_URGENT);
}

static void a_urgent_again(struct headrec_menu *m, struct headrec_out *o)
{
	m->timeouts++;
	prompt(o, HRP_URGENT);
}

static void a_create(struct headrec_menu *m, struct headrec_out *o)
{
	m->urgent = m->key == 1;
	m->created = 1;
	m->recorded = 0; /* the notice's audio from now on */
	put(o, (struct headrec_act){ .kind = HRA_STOP_PLAY });
	put(o, (struct headrec_act){ .kind = HRA_CREATE, .group = m->group, .urgent = m->urgent });
}

static void a_sent(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	prompt(o, HRP_SENT);
}

static void a_failed(struct headrec_menu *m, struct headrec_out *o)
{
	(void)m;
	prompt(o, HRP_FAILED);
}

struct row {
	enum headrec_state from;
	enum headrec_event ev;
	signed char key, retry, pin, take, grp; /* key: digit or X; conditions: 1, 0 or X */
	enum headrec_state to;
	act_fn act;
};

#define HANG(S) { S, HRE_HANGUP, X, X, X, X, X, HR_DONE, a_drop }
/* a prompt that ends the call */
#define LAST(S) { S, HRE_PROMPT_DONE, X, X, X, X, X, HR_DONE, a_hangup }, HANG(S)
/* the review keys, during the playback, the review prompt and its wait */
#define REVIEW_KEYS(S)                                                      \
	{ S, HRE_DIGIT, 1, X, X, X, X, HR_GROUPS, a_groups },               \
	{ S, HRE_DIGIT, 2, X, X, 1, X, HR_REC_PROMPT, a_rerecord },         \
	{ S, HRE_DIGIT, 2, X, X, 0, X, HR_GOODBYE, a_goodbye },             \
	{ S, HRE_DIGIT, 3, X, X, X, X, HR_CANCELLED, a_cancel },            \
	HANG(S)
#define GROUP_KEYS(S) { S, HRE_DIGIT, X, X, X, X, 1, HR_URGENT, a_urgent }, HANG(S)
#define URGENT_KEYS(S)                                                      \
	{ S, HRE_DIGIT, 1, X, X, X, X, HR_CREATING, a_create },             \
	{ S, HRE_DIGIT, 2, X, X, X, X, HR_CREATING, a_create },             \
	HANG(S)

static const struct row fsm[] = {
	/* from          event           key retry pin take grp   to              action */
	{ HR_IDLE, HRE_ANSWERED, X, X, X, X, X, HR_PIN_PROMPT, a_pin_prompt },
	HANG(HR_IDLE),
	{ HR_PIN_PROMPT, HRE_PROMPT_DONE, X, X, X, X, X, HR_PIN, a_wait },
	{ HR_PIN_PROMPT, HRE_DIGIT, X, X, X, X, X, HR_PIN, a_first_digit },
	{ HR_PIN_PROMPT, HRE_HASH, X, X, X, X, X, HR_PIN_CHECK, a_check },
	HANG(HR_PIN_PROMPT),
	{ HR_PIN, HRE_DIGIT, X, X, X, X, X, HR_PIN, a_digit },
	{ HR_PIN, HRE_HASH, X, X, X, X, X, HR_PIN_CHECK, a_check },
	{ HR_PIN, HRE_TIMEOUT, X, 1, X, X, X, HR_PIN_PROMPT, a_pin_again },
	{ HR_PIN, HRE_TIMEOUT, X, 0, X, X, X, HR_GOODBYE, a_goodbye },
	HANG(HR_PIN),
	{ HR_PIN_CHECK, HRE_PIN_OK, X, X, X, X, X, HR_REC_PROMPT, a_record_prompt },
	{ HR_PIN_CHECK, HRE_PIN_BAD, X, X, 1, X, X, HR_PIN_PROMPT, a_pin_wrong },
	{ HR_PIN_CHECK, HRE_PIN_BAD, X, X, 0, X, X, HR_REFUSED, a_refused },
	{ HR_PIN_CHECK, HRE_PIN_LOCKED, X, X, X, X, X, HR_REFUSED, a_refused },
	HANG(HR_PIN_CHECK),
	LAST(HR_REFUSED),
	{ HR_REC_PROMPT, HRE_PROMPT_DONE, X, X, X, X, X, HR_BEEP, a_beep },
	HANG(HR_REC_PROMPT),
	{ HR_BEEP, HRE_PROMPT_DONE, X, X, X, X, X, HR_RECORDING, a_start },
	HANG(HR_BEEP),
	{ HR_RECORDING, HRE_HASH, X, X, X, X, X, HR_VALIDATE, a_stop },
	{ HR_RECORDING, HRE_REC_FULL, X, X, X, X, X, HR_VALIDATE, a_stop },
	{ HR_RECORDING, HRE_REC_QUIET, X, X, X, X, X, HR_VALIDATE, a_stop },
	HANG(HR_RECORDING),
	{ HR_VALIDATE, HRE_REC_OK, X, X, X, X, X, HR_PLAYBACK, a_playback },
	{ HR_VALIDATE, HRE_REC_BAD, X, X, X, X, X, HR_REC_BAD, a_bad },
	HANG(HR_VALIDATE),
	{ HR_REC_BAD, HRE_PROMPT_DONE, X, X, X, 1, X, HR_REC_PROMPT, a_record_prompt },
	{ HR_REC_BAD, HRE_PROMPT_DONE, X, X, X, 0, X, HR_GOODBYE, a_goodbye },
	HANG(HR_REC_BAD),
	{ HR_PLAYBACK, HRE_PROMPT_DONE, X, X, X, X, X, HR_REVIEW, a_review },
	REVIEW_KEYS(HR_PLAYBACK),
	{ HR_REVIEW, HRE_PROMPT_DONE, X, X, X, X, X, HR_REVIEW_WAIT, a_wait },
	REVIEW_KEYS(HR_REVIEW),
	{ HR_REVIEW_WAIT, HRE_TIMEOUT, X, 1, X, X, X, HR_REVIEW, a_review_again },
	{ HR_REVIEW_WAIT, HRE_TIMEOUT, X, 0, X, X, X, HR_GOODBYE, a_goodbye },
	REVIEW_KEYS(HR_REVIEW_WAIT),
	{ HR_GROUPS, HRE_PROMPT_DONE, X, X, X, X, X, HR_GROUP_WAIT, a_wait },
	GROUP_KEYS(HR_GROUPS),
	{ HR_GROUP_WAIT, HRE_TIMEOUT, X, 1, X, X, X, HR_GROUPS, a_groups_again },
	{ HR_GROUP_WAIT, HRE_TIMEOUT, X, 0, X, X, X, HR_GOODBYE, a_goodbye },
	GROUP_KEYS(HR_GROUP_WAIT),
	{ HR_URGENT, HRE_PROMPT_DONE, X, X, X, X, X, HR_URGENT_WAIT, a_wait },
	URGENT_KEYS(HR_URGENT),
	{ HR_URGENT_WAIT, HRE_TIMEOUT, X, 1, X, X, X, HR_URGENT, a_urgent_again },
	{ HR_URGENT_WAIT, HRE_TIMEOUT, X, 0, X, X, X, HR_GOODBYE, a_goodbye },
	URGENT_KEYS(HR_URGENT_WAIT),
	{ HR_CREATING, HRE_CREATED, X, X, X, X, X, HR_SENT, a_sent },
	{ HR_CREATING, HRE_FAILED, X, X, X, X, X, HR_FAILED, a_failed },
	HANG(HR_CREATING),
	LAST(HR_SENT),
	LAST(HR_FAILED),
	LAST(HR_CANCELLED),
	LAST(HR_GOODBYE),
};

size_t headrec_fsm_rows(void)
{
	return LEN(fsm);
}

int headrec_fsm_row(size_t i, struct headrec_row *r)
{
	if (i >= LEN(fsm))
		return -1;
	const struct row *f = &fsm[i];
	*r = (struct headrec_row){ f->from, f->ev, f->key, f->retry, f->pin, f->take, f->grp, f->to };
	return 0;
}

int headrec_event(struct headrec_menu *m, enum headrec_event ev, int arg, struct headrec_out *out)
{
	out->n = 0;
	if (ev == HRE_DIGIT) {
		if (arg < 0 || arg > 9)
			return 0;
		m->key = arg;
	} else {
		m->key = -1;
	}
	if (ev == HRE_REC_BAD)
		m->bad = (enum headrec_bad)arg;
	for (size_t i = 0; i < LEN(fsm); i++) {
		const struct row *r = &fsm[i];
		if (r->from != m->state || r->ev != ev || (ev == HRE_DIGIT && r->key != X && r->key != m->key) ||
		    !holds(r->retry, retry_left(m)) || !holds(r->pin, pin_left(m)) || !holds(r->take, take_left(m)) ||
		    (ev == HRE_DIGIT && !holds(r->grp, names_group(m))))
			continue;
		m->state = r->to;
		r->act(m, out);
		return 1;
	}
	return 0;
}

int headrec_key(struct headrec_menu *m, char key, struct headrec_out *out)
{
	if (key >= '0' && key <= '9')
		return headrec_event(m, HRE_DIGIT, key - '0', out);
	if (key == '#')
		return headrec_event(m, HRE_HASH, 0, out);
	out->n = 0;
	return 0;
}
