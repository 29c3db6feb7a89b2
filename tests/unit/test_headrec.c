/* test_headrec — the head's recording menu (domain/headrec.c): every row
 * is walked, at most one row holds for each state, event, key and
 * situation, CREATE comes only from the last key, and the issue's
 * scenarios run as events and actions: the right PIN, record, approve,
 * pick a group, urgent -> created; three wrong PINs -> refused; a locked
 * sender; a hang-up mid-recording discards it; timeouts; a bad take and
 * "record again". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/headrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WAIT_S = 6, MAX_S = 120, GROUPS = 3 };

/* A menu in `r`'s state whose situation satisfies the row's conditions;
 * the digit (for HRE_DIGIT) it must be fed goes to *digit. */
static void fixture(struct headrec_menu *m, const struct headrec_row *r, int *digit)
{
	headrec_init(m, WAIT_S, MAX_S, GROUPS);
	m->state = r->from;
	m->timeouts = r->retry == 0 ? 1 : 0;
	m->bad_pins = r->pin == 0 ? HEADREC_PIN_TRIES - 1 : 0;
	m->takes = r->take == 0 ? HEADREC_TAKES : 1;
	m->recorded = r->from >= HR_RECORDING && r->from <= HR_URGENT_WAIT && r->from != HR_REC_BAD;
	*digit = r->key >= 0 ? r->key : r->grp == 0 ? 7 : r->grp == 1 ? 2 : 5;
}

static int count(const struct headrec_out *o, enum headrec_act_kind k)
{
	int c = 0;
	for (int i = 0; i < o->n; i++)
		c += o->a[i].kind == k;
	return c;
}

static const struct headrec_act *find(const struct headrec_out *o, enum headrec_act_kind k)
{
	for (int i = 0; i < o->n; i++)
		if (o->a[i].kind == k)
			return &o->a[i];
	return NULL;
}

static int plays(const struct headrec_out *o, enum headrec_prompt p)
{
	for (int i = 0; i < o->n; i++)
		if (o->a[i].kind == HRA_PLAY_PROMPT && o->a[i].prompt == p)
			return 1;
	return 0;
}

static void test_every_row(void **state)
{
	(void)state;
	size_t n = headrec_fsm_rows();
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		struct headrec_row r;
		assert_int_equal(headrec_fsm_row(i, &r), 0);
		struct headrec_menu m;
		int digit;
		fixture(&m, &r, &digit);
		int had = m.recorded;
		struct headrec_out out;
		int arg = r.ev == HRE_DIGIT ? digit : r.ev == HRE_REC_BAD ? HRB_SILENCE : 0;
		if (!headrec_event(&m, r.ev, arg, &out) || m.state != r.to)
			fail_msg("row %zu: %s --%s--> %s expected, got %s", i, headrec_state_name(r.from),
				 headrec_event_name(r.ev), headrec_state_name(r.to), headrec_state_name(m.state));
		if (r.ev != HRE_HANGUP && out.n == 0)
			fail_msg("row %zu: no action", i);
		/* only the last key creates; a hang-up drops what was recorded */
		if (count(&out, HRA_CREATE) != (r.to == HR_CREATING))
			fail_msg("row %zu: CREATE %d", i, count(&out, HRA_CREATE));
		if (r.ev == HRE_HANGUP) {
			assert_int_equal(count(&out, HRA_DISCARD), had);
			assert_int_equal(m.recorded, 0);
		}
		if (r.to == HR_DONE && r.ev != HRE_HANGUP)
			assert_int_equal(count(&out, HRA_HANGUP), 1);
		if (r.to == HR_GOODBYE || r.to == HR_CANCELLED || r.to == HR_REC_BAD)
			assert_int_equal(m.recorded, 0);
	}
	struct headrec_row r;
	assert_int_equal(headrec_fsm_row(n, &r), -1);
	/* every state but DONE has a way out on hang-up */
	for (int s = 0; s < HR_DONE; s++) {
		struct headrec_menu m;
		struct headrec_out out;
		headrec_init(&m, WAIT_S, MAX_S, GROUPS);
		m.state = s;
		if (!headrec_event(&m, HRE_HANGUP, 0, &out) || m.state != HR_DONE)
			fail_msg("%s: hang-up not handled", headrec_state_name(s));
	}
}

/* For every state, event, digit and situation at most one row holds, the
 * engine agrees, and DONE has none. */
static void test_one_row_each(void **state)
{
	(void)state;
	for (int s = 0; s < HR_N_STATES; s++)
		for (int e = 0; e < HRE_N_EVENTS; e++)
			for (int d = 0; d < (e == HRE_DIGIT ? 10 : 1); d++)
				for (int sit = 0; sit < 8; sit++) {
					int retry = sit & 1, pin = !!(sit & 2), take = !!(sit & 4);
					int grp = d == 0 || (d >= 1 && d <= GROUPS);
					int hits = 0;
					for (size_t i = 0; i < headrec_fsm_rows(); i++) {
						struct headrec_row r;
						headrec_fsm_row(i, &r);
						if ((int)r.from != s || (int)r.ev != e)
							continue;
						if (e == HRE_DIGIT && r.key != -1 && r.key != d)
							continue;
						if ((r.retry == -1 || r.retry == retry) && (r.pin == -1 || r.pin == pin) &&
						    (r.take == -1 || r.take == take) &&
						    (e != HRE_DIGIT || r.grp == -1 || r.grp == grp))
							hits++;
					}
					if (hits > 1)
						fail_msg("%s/%s/%d: %d rows hold", headrec_state_name(s),
							 headrec_event_name(e), d, hits);
					if (s == HR_DONE)
						assert_int_equal(hits, 0);
					struct headrec_menu m;
					headrec_init(&m, WAIT_S, MAX_S, GROUPS);
					m.state = s;
					m.timeouts = !retry;
					m.bad_pins = pin ? 0 : HEADREC_PIN_TRIES - 1;
					m.takes = take ? 1 : HEADREC_TAKES;
					struct headrec_out out;
					assert_int_equal(headrec_event(&m, e, d, &out), hits);
				}
}

static void keys(struct headrec_menu *m, const char *k, struct headrec_out *o)
{
	for (; *k; k++)
		headrec_key(m, *k, o);
}

/* The right PIN, a recording, played back, 1 send, group 2, urgent. */
static void test_head_records(void **state)
{
	(void)state;
	struct headrec_menu m;
	struct headrec_out o;
	headrec_init(&m, WAIT_S, MAX_S, 2);
	assert_int_equal(headrec_key(&m, '1', &o), 0); /* before the answer */
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	assert_true(plays(&o, HRP_PIN));
	headrec_key(&m, '4', &o); /* during the prompt: stops it */
	assert_non_null(find(&o, HRA_STOP_PLAY));
	assert_int_equal(find(&o, HRA_WAIT_KEY)->wait_ms, 6000);
	keys(&m, "821", &o);
	assert_int_equal(find(&o, HRA_WAIT_KEY)->wait_ms, 6000);
	headrec_key(&m, '#', &o);
	assert_string_equal(find(&o, HRA_CHECK_PIN)->pin, "4821");
	headrec_event(&m, HRE_PIN_OK, 0, &o);
	assert_true(plays(&o, HRP_RECORD));
	assert_string_equal(m.pin, ""); /* not kept */
	assert_int_equal(headrec_key(&m, '5', &o), 0); /* a key during the prompt: dropped */
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_true(plays(&o, HRP_BEEP));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_int_equal(find(&o, HRA_START_RECORD)->max_ms, 120000);
	assert_int_equal(headrec_key(&m, '7', &o), 0); /* digits while recording: ignored */
	headrec_key(&m, '#', &o);
	assert_int_equal(o.a[0].kind, HRA_STOP_RECORD);
	assert_int_equal(o.a[1].kind, HRA_VALIDATE);
	headrec_event(&m, HRE_REC_OK, 0, &o);
	assert_non_null(find(&o, HRA_PLAY_RECORDING));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_true(plays(&o, HRP_REVIEW));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_non_null(find(&o, HRA_WAIT_KEY));
	headrec_key(&m, '1', &o);
	assert_int_equal(find(&o, HRA_PLAY_GROUPS)->n_groups, 2);
	assert_int_equal(headrec_key(&m, '3', &o), 0); /* no group 3 */
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_key(&m, '2', &o);
	assert_true(plays(&o, HRP_URGENT));
	assert_int_equal(headrec_key(&m, '5', &o), 0);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_key(&m, '1', &o);
	const struct headrec_act *c = find(&o, HRA_CREATE);
	assert_non_null(c);
	assert_int_equal(c->group, 2);
	assert_int_equal(c->urgent, 1);
	assert_int_equal(count(&o, HRA_DISCARD), 0);
	headrec_event(&m, HRE_CREATED, 0, &o);
	assert_true(plays(&o, HRP_SENT));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_non_null(find(&o, HRA_HANGUP));
	assert_int_equal(m.state, HR_DONE);
	assert_int_equal(headrec_event(&m, HRE_HANGUP, 0, &o), 0); /* its own end report */
	assert_int_equal(count(&o, HRA_DISCARD), 0);               /* the notice keeps it */
}

/* Group 0 = the whole village, not urgent; the head typed the PIN fast. */
static void test_all_not_urgent(void **state)
{
	(void)state;
	struct headrec_menu m;
	struct headrec_out o;
	headrec_init(&m, WAIT_S, MAX_S, 4);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	keys(&m, "12345678#", &o);
	assert_string_equal(find(&o, HRA_CHECK_PIN)->pin, "12345678");
	headrec_event(&m, HRE_PIN_OK, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_REC_FULL, 0, &o); /* the maximum reached */
	assert_non_null(find(&o, HRA_VALIDATE));
	headrec_event(&m, HRE_REC_OK, 0, &o);
	keys(&m, "1", &o); /* during the playback */
	assert_non_null(find(&o, HRA_PLAY_GROUPS));
	keys(&m, "0", &o); /* during the list */
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	keys(&m, "2", &o);
	const struct headrec_act *c = find(&o, HRA_CREATE);
	assert_non_null(c);
	assert_int_equal(c->group, 0);
	assert_int_equal(c->urgent, 0);
	headrec_event(&m, HRE_FAILED, 0, &o); /* the notice could not be made */
	assert_true(plays(&o, HRP_FAILED));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_non_null(find(&o, HRA_HANGUP));
}

/* Three wrong PINs in the call -> refused, hang-up, nothing recorded. */
static void test_three_wrong_pins(void **state)
{
	(void)state;
	struct headrec_menu m;
	struct headrec_out o;
	headrec_init(&m, WAIT_S, MAX_S, 2);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	for (int i = 0; i < 3; i++) {
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		keys(&m, "0000#", &o);
		assert_string_equal(find(&o, HRA_CHECK_PIN)->pin, "0000");
		headrec_event(&m, HRE_PIN_BAD, 0, &o);
		assert_true(plays(&o, i < 2 ? HRP_PIN_WRONG : HRP_REFUSED));
	}
	assert_int_equal(m.state, HR_REFUSED);
	assert_int_equal(headrec_key(&m, '#', &o), 0);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_non_null(find(&o, HRA_HANGUP));
	assert_int_equal(m.takes, 0);
	assert_int_equal(m.created, 0);

	/* locked (too many wrong PINs recently): refused at once */
	headrec_init(&m, WAIT_S, MAX_S, 2);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	keys(&m, "4821#", &o);
	headrec_event(&m, HRE_PIN_LOCKED, 0, &o);
	assert_true(plays(&o, HRP_REFUSED));

	/* too many digits: checked as no PIN at all */
	headrec_init(&m, WAIT_S, MAX_S, 2);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	keys(&m, "12345678901234567890#", &o);
	assert_string_equal(find(&o, HRA_CHECK_PIN)->pin, "-");
}

/* Hang-up mid-recording and after the playback: the recording is
 * discarded, nothing created. */
static void test_hangup_discards(void **state)
{
	(void)state;
	for (int when = 0; when < 3; when++) {
		struct headrec_menu m;
		struct headrec_out o;
		headrec_init(&m, WAIT_S, MAX_S, 2);
		headrec_event(&m, HRE_ANSWERED, 0, &o);
		keys(&m, "4821#", &o);
		headrec_event(&m, HRE_PIN_OK, 0, &o);
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		if (when >= 1) {
			headrec_event(&m, HRE_REC_QUIET, 0, &o);
			headrec_event(&m, HRE_REC_OK, 0, &o);
		}
		if (when >= 2) {
			keys(&m, "1", &o);
			keys(&m, "1", &o);
			assert_int_equal(m.state, HR_URGENT);
		}
		headrec_event(&m, HRE_HANGUP, 0, &o);
		assert_int_equal(m.state, HR_DONE);
		assert_non_null(find(&o, HRA_DISCARD));
		assert_int_equal(m.created, 0);
	}
}

/* Timeouts re-prompt once, then goodbye; a bad take says why and records
 * again; 2 records again; takes run out. */
static void test_timeouts_and_takes(void **state)
{
	(void)state;
	struct headrec_menu m;
	struct headrec_out o;
	headrec_init(&m, WAIT_S, MAX_S, 2);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	keys(&m, "48", &o);
	headrec_event(&m, HRE_TIMEOUT, 0, &o);
	assert_true(plays(&o, HRP_PIN));
	assert_int_equal(m.pin_len, 0); /* starts over */
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_TIMEOUT, 0, &o);
	assert_true(plays(&o, HRP_GOODBYE));
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	assert_non_null(find(&o, HRA_HANGUP));

	headrec_init(&m, WAIT_S, MAX_S, 2);
	headrec_event(&m, HRE_ANSWERED, 0, &o);
	keys(&m, "4821#", &o);
	headrec_event(&m, HRE_PIN_OK, 0, &o);
	static const struct {
		int bad;
		enum headrec_prompt p;
	} why[] = { { HRB_SILENCE, HRP_SILENCE }, { HRB_TOO_SHORT, HRP_TOO_SHORT } };
	for (int i = 0; i < 2; i++) {
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		headrec_key(&m, '#', &o);
		headrec_event(&m, HRE_REC_BAD, why[i].bad, &o);
		assert_true(plays(&o, why[i].p));
		assert_non_null(find(&o, HRA_DISCARD));
		headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
		assert_true(plays(&o, HRP_RECORD));
	}
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_key(&m, '#', &o);
	headrec_event(&m, HRE_REC_OK, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_PROMPT_DONE, 0, &o);
	headrec_event(&m, HRE_TIMEOUT, 0, &o);
	assert_true(plays(&o, HRP_REVIEW));
	headrec_key(&m, '2', &o); /* third take was the last: goodbye */
	assert_int_equal(m.takes, HEADREC_TAKES);
	assert_true(plays(&o, HRP_GOODBYE));
	assert_non_null(find(&o, HRA_DISCARD));

	/* 3 cancels */
	headrec_init(&m, WAIT_S, MAX_S, 2);
	m.state = HR_REVIEW_WAIT;
	m.recorded = 1;
	headrec_key(&m, '3', &o);
	assert_true(plays(&o, HRP_CANCELLED));
	assert_non_null(find(&o, HRA_DISCARD));
}

static void test_texts(void **state)
{
	(void)state;
	const char *names[] = { "Xóm Đông", "Xóm Tây" };
	char buf[200];
	size_t n = headrec_groups_text(names, 2, 1, buf, sizeof buf);
	assert_string_equal(buf, "Bấm 1 cho Xóm Đông. Bấm 2 cho Xóm Tây. Bấm 0 cho cả thôn.");
	assert_int_equal(n, strlen(buf));
	char small[10];
	assert_int_equal(headrec_groups_text(names, 2, 1, small, sizeof small), n);
	assert_int_equal(strlen(small), 9);
	headrec_groups_text(names, 0, 1, buf, sizeof buf);
	assert_string_equal(buf, "Bấm 0 cho cả thôn.");
	headrec_groups_text(names, 1, 0, buf, sizeof buf);
	assert_string_equal(buf, "Bấm 1 cho Xóm Đông. Bấm 0 cho tất cả các nhóm trên.");
	for (int p = 0; p < HRP_N; p++) {
		assert_string_not_equal(headrec_prompt_name(p), "?");
		if (p != HRP_BEEP)
			assert_true(strlen(headrec_prompt_text(p)) > 5);
	}
	assert_string_equal(headrec_prompt_text(HRP_PIN), "Xin nhập mã PIN rồi bấm dấu thăng.");
	/* the shipped templates say what the header promises */
	const char *dd = getenv("LOA_DATADIR");
	for (int p = 0; dd && p < HRP_N; p++) {
		if (p == HRP_BEEP)
			continue;
		char f[512], line[300] = "";
		snprintf(f, sizeof f, "%s/prompts/%s.txt", dd, headrec_prompt_name(p));
		FILE *fp = fopen(f, "r");
		if (!fp)
			fail_msg("%s: missing", f);
		if (!fgets(line, sizeof line, fp))
			line[0] = '\0';
		fclose(fp);
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, headrec_prompt_text(p)) != 0)
			fail_msg("%s: '%s', headrec.c says '%s'", f, line, headrec_prompt_text(p));
	}
	for (int a = 0; a <= HRA_HANGUP; a++)
		assert_string_not_equal(headrec_act_name(a), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row),       cmocka_unit_test(test_one_row_each),
		cmocka_unit_test(test_head_records),    cmocka_unit_test(test_all_not_urgent),
		cmocka_unit_test(test_three_wrong_pins), cmocka_unit_test(test_hangup_discards),
		cmocka_unit_test(test_timeouts_and_takes), cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
