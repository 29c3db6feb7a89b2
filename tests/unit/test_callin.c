/* test_callin — the call-in menu table (domain/callin.c): every row is
 * walked, exactly one row holds for each state, event and situation, and
 * the scenarios run end to end as events and actions: a household
 * that missed its call rings back and confirms, two flashes in a minute
 * give one callback, an unknown number with unknown = latest and reject. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "domain/callin.h"

#include <stdio.h>
#include <string.h>

static struct callin_cfg cfg(void)
{
	return (struct callin_cfg){ .max_notices = 3, .unknown = CALLIN_UNKNOWN_LATEST,
				    .answer = CALLIN_ANSWER_ANSWER, .callback_s = 120, .callback_min_gap_s = 600,
				    .record_max_s = 120, .key_wait_s = 6, .replays = 2,
				    .quiet_start = 21 * 60, .quiet_end = 7 * 60 };
}

/* A menu in `r`'s state whose situation satisfies the row's conditions. */
static void fixture(struct callin_menu *m, const struct callin_cfg *c, const struct callin_row *r)
{
	static const int64_t ids[] = { 41, 40, 39 };
	int n = r->any == 0 ? 0 : r->more == 1 ? 2 : 1;
	callin_init(m, c, r->reg == -1 ? 1 : r->reg, ids, n);
	m->state = r->from;
	if (r->replay == 0)
		m->replays = c->replays;
}

static void test_every_row(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	size_t n = callin_fsm_rows();
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		struct callin_row r;
		assert_int_equal(callin_fsm_row(i, &r), 0);
		struct callin_menu m;
		fixture(&m, &c, &r);
		struct callin_out out;
		if (!callin_event(&m, r.ev, &out) || m.state != r.to)
			fail_msg("row %zu: %s --%s--> %s expected, got %s", i, callin_state_name(r.from),
				 callin_event_name(r.ev), callin_state_name(r.to), callin_state_name(m.state));
		/* every move but a hang-up does something */
		if (r.ev != CIE_HANGUP && out.n == 0)
			fail_msg("row %zu: no action", i);
	}
	struct callin_row r;
	assert_int_equal(callin_fsm_row(n, &r), -1);
}

/* For every state, event and situation at most one row holds; DONE has
 * none (nothing restarts a finished call). */
static void test_one_row_each(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	static const int64_t ids[] = { 41, 40 };
	for (int s = 0; s < CI_N_STATES; s++)
		for (int e = 0; e < CIE_N_EVENTS; e++)
			for (int sit = 0; sit < 16; sit++) {
				int reg = sit & 1, nn = sit & 2 ? 2 : (sit & 4 ? 1 : 0), used = sit & 8;
				int hits = 0;
				for (size_t i = 0; i < callin_fsm_rows(); i++) {
					struct callin_row r;
					callin_fsm_row(i, &r);
					if ((int)r.from != s || (int)r.ev != e)
						continue;
					int more = nn == 2, replay = !used;
					if ((r.reg == -1 || r.reg == reg) && (r.any == -1 || r.any == (nn > 0)) &&
					    (r.more == -1 || r.more == more) && (r.replay == -1 || r.replay == replay))
						hits++;
				}
				if (hits > 1)
					fail_msg("%s/%s: %d rows hold", callin_state_name(s), callin_event_name(e), hits);
				if (s == CI_DONE)
					assert_int_equal(hits, 0);
				/* and the engine agrees */
				struct callin_menu m;
				callin_init(&m, &c, reg, ids, nn);
				m.state = s;
				if (used)
					m.replays = c.replays;
				struct callin_out out;
				assert_int_equal(callin_event(&m, e, &out), hits);
			}
}

static int has(const struct callin_out *o, enum callin_act_kind k, int arg)
{
	for (int i = 0; i < o->n; i++)
		if (o->a[i].kind == k &&
		    (arg < 0 || (k == CIA_PLAY_PROMPT ? (int)o->a[i].prompt == arg : o->a[i].notice_id == arg)))
			return 1;
	return 0;
}

/* A household that missed its call rings back: greeting, the newest notice,
 * press, key 2 (again), key 1 (confirmed), the next notice, timeout,
 * goodbye, hang-up. */
static void test_ring_back_confirms(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	struct callin_out o;
	assert_int_equal(callin_offer(&c, 1), CALLIN_ANSWER);
	static const int64_t ids[] = { 12, 9, 7, 5 };
	struct callin_menu m;
	callin_init(&m, &c, 1, ids, 4);
	assert_int_equal(m.n, 3); /* max_notices */
	callin_key(&m, '1', &o); /* a key before the answer: dropped */
	assert_int_equal(o.n, 0);
	callin_event(&m, CIE_ANSWERED, &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_GREETING));
	assert_int_equal(callin_key(&m, '1', &o), 0); /* during the greeting: dropped */
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 12));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_PRESS));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_WAIT_KEY, -1));
	assert_int_equal(o.a[0].wait_ms, 6000);
	callin_key(&m, '2', &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 12));
	callin_key(&m, '1', &o); /* while the notice plays again */
	assert_true(has(&o, CIA_CONFIRM, 12));
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_CONFIRMED));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 9));
	callin_key(&m, '3', &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 7));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	callin_event(&m, CIE_PROMPT_DONE, &o);
	callin_event(&m, CIE_TIMEOUT, &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_GOODBYE));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_HANGUP, -1));
	assert_int_equal(m.state, CI_DONE);
	assert_int_equal(m.confirmed, 1);
	assert_int_equal(callin_event(&m, CIE_HANGUP, &o), 0); /* its own end report */
}

static void test_replays_run_out(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	c.replays = 1;
	struct callin_out o;
	static const int64_t ids[] = { 12 };
	struct callin_menu m;
	callin_init(&m, &c, 1, ids, 1);
	callin_event(&m, CIE_ANSWERED, &o);
	callin_event(&m, CIE_PROMPT_DONE, &o);
	callin_key(&m, '2', &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 12));
	callin_key(&m, '2', &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_GOODBYE));
}

static void test_no_notice(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	struct callin_out o;
	struct callin_menu m;
	callin_init(&m, &c, 1, NULL, 0);
	callin_event(&m, CIE_ANSWERED, &o);
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_NO_NOTICE));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_HANGUP, -1));
}

static void test_unknown_both_ways(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	struct callin_out o;
	assert_int_equal(callin_offer(&c, 0), CALLIN_ANSWER);
	static const int64_t latest[] = { 12 };
	struct callin_menu m;
	callin_init(&m, &c, 0, latest, 1);
	callin_event(&m, CIE_ANSWERED, &o);
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_NOTICE, 12));
	callin_event(&m, CIE_PROMPT_DONE, &o);
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_PRESS_UNKNOWN));
	callin_key(&m, '1', &o); /* no confirmation for an unknown number */
	assert_false(has(&o, CIA_CONFIRM, -1));
	assert_true(has(&o, CIA_PLAY_PROMPT, CIP_GOODBYE));
	c.unknown = CALLIN_UNKNOWN_REJECT;
	assert_int_equal(callin_offer(&c, 0), CALLIN_REJECT);
	assert_int_equal(callin_offer(&c, 1), CALLIN_ANSWER);
	c.answer = CALLIN_ANSWER_CALLBACK;
	assert_int_equal(callin_offer(&c, 1), CALLIN_RING_OUT);
	/* and an unknown flash gets no callback */
	int64_t by;
	char why[80];
	assert_int_equal(callin_callback_at(&c, 0, 0, 0, 1796090400, 600, &by, why, sizeof why), 0);
	assert_string_equal(why, "unknown caller");
}

static void test_hangup_mid_menu(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	struct callin_out o;
	static const int64_t ids[] = { 12, 9 };
	struct callin_menu m;
	callin_init(&m, &c, 1, ids, 2);
	callin_event(&m, CIE_ANSWERED, &o);
	callin_event(&m, CIE_PROMPT_DONE, &o);
	callin_event(&m, CIE_HANGUP, &o);
	assert_int_equal(o.n, 0);
	assert_int_equal(m.state, CI_DONE);
	assert_int_equal(m.confirmed, 0);
	assert_int_equal(callin_key(&m, '1', &o), 0);
}

/* Two flashes in a minute -> one callback; another after the gap; quiet
 * hours wait for their end unless urgent.  Times from the fake clock. */
static void test_flash_callback(void **state)
{
	(void)state;
	struct callin_cfg c = cfg();
	clock_fake(1796090400000LL); /* 2026-12-01 10:00 in Vietnam */
	int64_t now = clock_wall_s(), by, last = 0;
	char why[80];
	int64_t at = callin_callback_at(&c, 1, last, 0, now, 600, &by, why, sizeof why);
	assert_int_equal(at, now + CALLIN_SETTLE_S);
	assert_int_equal(by, now + 120);
	last = now;
	clock_advance(40000);
	now = clock_wall_s();
	assert_int_equal(callin_callback_at(&c, 1, last, 0, now, 600, &by, why, sizeof why), 0);
	assert_string_equal(why, "callback 40 s ago (gap 600 s)");
	clock_advance(600000);
	now = clock_wall_s();
	assert_true(callin_callback_at(&c, 1, last, 0, now, 611, &by, why, sizeof why) > 0);
	/* 22:30: waits for 07:00 unless urgent */
	at = callin_callback_at(&c, 1, 0, 0, now, 22 * 60 + 30, &by, why, sizeof why);
	assert_int_equal(at, now + (8 * 60 + 30) * 60);
	assert_int_equal(by, at + 120 - CALLIN_SETTLE_S);
	at = callin_callback_at(&c, 1, 0, 1, now, 22 * 60 + 30, &by, why, sizeof why);
	assert_int_equal(at, now + CALLIN_SETTLE_S);
	/* a callback_s below the settle time is honoured */
	c.callback_s = 5;
	at = callin_callback_at(&c, 1, 0, 0, now, 600, &by, why, sizeof why);
	assert_int_equal(at, now + 5);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(callin_state_name(CI_WAIT_KEY), "wait_key");
	assert_string_equal(callin_state_name(CI_N_STATES), "?");
	assert_string_equal(callin_event_name(CIE_TIMEOUT), "timeout");
	assert_string_equal(callin_prompt_name(CIP_NO_NOTICE), "no_notice");
	assert_string_equal(callin_act_name(CIA_CONFIRM), "confirm");
	assert_string_equal(callin_offer_name(CALLIN_RING_OUT), "ring_out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row),       cmocka_unit_test(test_one_row_each),
		cmocka_unit_test(test_ring_back_confirms), cmocka_unit_test(test_replays_run_out),
		cmocka_unit_test(test_no_notice),        cmocka_unit_test(test_unknown_both_ways),
		cmocka_unit_test(test_hangup_mid_menu), cmocka_unit_test(test_flash_callback),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
