/* test_sched — the scheduler as a pure function: readiness, pacing, quiet
 * hours (also across midnight), per-modem and gateway budgets, stopping,
 * an exhaustive sweep of modem situations checking its invariants, and the
 * call rules as a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/sched.h"

#include <string.h>

#define NOW_MS 5000000
#define WALL 1796090400 /* 09:00 local in the tests' zone; minute given explicitly */

static struct sched_in base(int n)
{
	struct sched_in in;
	memset(&in, 0, sizeof in);
	in.now_ms = NOW_MS;
	in.wall_s = WALL;
	in.minute_of_day = 9 * 60;
	in.quiet_start = 21 * 60;
	in.quiet_end = 7 * 60;
	in.due_s = in.due_urgent_s = in.due_override_s = SCHED_NEVER;
	in.voice_due_s = in.voice_due_urgent_s = SCHED_NEVER;
	in.max_parts = 6;
	in.n_modems = n;
	for (int i = 0; i < n; i++)
		in.modems[i].ready = 1;
	return in;
}

static void test_quiet_windows(void **state)
{
	(void)state;
	assert_true(sched_is_quiet(22 * 60, 21 * 60, 7 * 60));
	assert_true(sched_is_quiet(3 * 60, 21 * 60, 7 * 60));
	assert_true(sched_is_quiet(21 * 60, 21 * 60, 7 * 60));
	assert_false(sched_is_quiet(7 * 60, 21 * 60, 7 * 60));
	assert_false(sched_is_quiet(12 * 60, 21 * 60, 7 * 60));
	assert_true(sched_is_quiet(13 * 60 + 30, 13 * 60, 14 * 60));
	assert_false(sched_is_quiet(14 * 60, 13 * 60, 14 * 60));
	for (int m = 0; m < 1440; m++)
		assert_false(sched_is_quiet(m, 600, 600)); /* equal: no quiet hours */
}

static void test_nothing_due(void **state)
{
	(void)state;
	struct sched_in in = base(2);
	struct sched_out out;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 0);
	assert_true(out.wake_ms == SCHED_NEVER);
	/* due in 30 s: sleep until then */
	in.due_s = in.due_urgent_s = WALL + 30;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 0);
	assert_true(out.wake_ms == NOW_MS + 30000);
}

static void test_parallel_and_pacing(void **state)
{
	(void)state;
	struct sched_in in = base(4);
	in.due_s = in.due_urgent_s = WALL - 5;
	struct sched_out out;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(out.act[i].modem, i);
		assert_int_equal(out.act[i].max_parts, 6);
		assert_int_equal(out.act[i].urgent_only, 0);
	}
	in.modems[0].busy = 1;
	in.modems[1].ready = 0;
	in.modems[2].free_at_ms = NOW_MS + 700; /* paced */
	sched_plan(&in, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.act[0].modem, 3);
	assert_true(out.wake_ms == NOW_MS + 700);
	in.stopping = 1;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 0);
}

static void test_budgets(void **state)
{
	(void)state;
	struct sched_in in = base(2);
	in.due_s = in.due_urgent_s = WALL;
	in.modems[0].daily_parts = 100;
	in.modems[0].parts_today = 100;
	in.modems[1].daily_parts = 100;
	in.modems[1].parts_today = 97;
	struct sched_out out;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.act[0].modem, 1);
	assert_int_equal(out.act[0].max_parts, 3);
	assert_true(out.budget_spent);
	/* 09:00 -> midnight is 15 h */
	assert_true(out.wake_ms == NOW_MS + 15 * 3600 * 1000LL);
	/* gateway budget shared between the claims of one plan */
	in = base(3);
	in.due_s = in.due_urgent_s = WALL;
	in.gw_daily_parts = 2000;
	in.gw_parts_today = 1990;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.act[0].max_parts, 6);
	assert_int_equal(out.act[1].max_parts, 4);
	in.gw_parts_today = 2000;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 0);
	assert_true(out.budget_spent);
	/* a notice a head sent past the gateway budget (GUI <code>) still
	 * goes out, within each SIM's own cap */
	in.due_override_s = WALL;
	in.modems[2].daily_parts = 50;
	in.modems[2].parts_today = 48;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 3);
	for (int i = 0; i < 3; i++)
		assert_true(out.act[i].override_only);
	assert_int_equal(out.act[2].max_parts, 2);
	assert_true(out.budget_spent);
	in.modems[2].parts_today = 50; /* a SIM's own cap is never overridden */
	sched_plan(&in, &out);
	assert_int_equal(out.n, 2);
	in.due_override_s = WALL + 60; /* not due yet */
	sched_plan(&in, &out);
	assert_int_equal(out.n, 0);
}

static void test_quiet_hours(void **state)
{
	(void)state;
	struct sched_in in = base(2);
	in.minute_of_day = 22 * 60; /* 22:00 */
	in.wall_s = WALL;
	in.due_s = WALL - 60;
	in.due_urgent_s = SCHED_NEVER;
	struct sched_out out;
	sched_plan(&in, &out);
	assert_true(out.quiet);
	assert_int_equal(out.n, 0);
	/* wake at 07:00, nine hours later (wall_s % 60 == 0) */
	assert_true(out.wake_ms == NOW_MS + 9 * 3600 * 1000LL);
	/* an urgent notice goes out anyway, urgent only */
	in.due_urgent_s = WALL - 1;
	sched_plan(&in, &out);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.act[0].urgent_only, 1);
	/* at 07:00 the normal work resumes */
	in.minute_of_day = 7 * 60;
	in.due_urgent_s = SCHED_NEVER;
	sched_plan(&in, &out);
	assert_false(out.quiet);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.act[1].urgent_only, 0);
}

/* Every combination of 3 modems x {not ready, busy, paced, out of budget,
 * free} x quiet/not x urgent due/not: each action is for a free modem, the
 * gateway budget is never exceeded, and a free modem with due work is never
 * left without an action. */
static void test_exhaustive(void **state)
{
	(void)state;
	for (int combo = 0; combo < 5 * 5 * 5; combo++) {
		for (int quiet = 0; quiet < 2; quiet++) {
			for (int urgent = 0; urgent < 2; urgent++) {
				for (int gw = 0; gw < 3; gw++) {
					struct sched_in in = base(3);
					in.minute_of_day = quiet ? 23 * 60 : 10 * 60;
					in.due_s = WALL - 1;
					in.due_urgent_s = urgent ? WALL - 1 : SCHED_NEVER;
					in.gw_daily_parts = gw == 0 ? 0 : 20;
					in.gw_parts_today = gw == 2 ? 15 : 0;
					int kinds[3] = { combo % 5, combo / 5 % 5, combo / 25 };
					for (int i = 0; i < 3; i++) {
						struct sched_modem *m = &in.modems[i];
						m->ready = kinds[i] != 0;
						m->busy = kinds[i] == 1;
						m->free_at_ms = kinds[i] == 2 ? NOW_MS + 100 : 0;
						m->daily_parts = kinds[i] == 3 ? 10 : 0;
						m->parts_today = kinds[i] == 3 ? 10 : 0;
					}
					struct sched_out out;
					sched_plan(&in, &out);
					long gw_left = in.gw_daily_parts ? in.gw_daily_parts - in.gw_parts_today : 1L << 30;
					long sum = 0;
					int acted[3] = { 0, 0, 0 };
					for (int a = 0; a < out.n; a++) {
						int i = out.act[a].modem;
						assert_int_equal(kinds[i], 4);
						assert_false(acted[i]);
						acted[i] = 1;
						assert_true(out.act[a].max_parts >= 1 && out.act[a].max_parts <= 6);
						assert_int_equal(out.act[a].urgent_only, quiet);
						sum += out.act[a].max_parts;
					}
					assert_true(sum <= gw_left);
					int work = !quiet || urgent;
					for (int i = 0; i < 3; i++)
						if (kinds[i] == 4 && work && gw_left >= 18)
							assert_true(acted[i]);
					if (!work)
						assert_int_equal(out.n, 0);
					assert_true(out.wake_ms >= NOW_MS);
				}
			}
		}
	}
}

/* The call rules, one row per situation: two modems, both with an audio
 * port and READY unless the row says otherwise. */
static void test_voice(void **state)
{
	(void)state;
	enum { NO = 0 };
	static const struct {
		const char *name;
		int quiet;              /* 22:00 instead of 09:00 */
		int64_t voice_due, voice_urgent, sms_due; /* seconds from WALL, NO = nothing due */
		int audio[2], ready[2], busy[2], calling[2];
		int64_t guard[2];       /* ms from NOW_MS */
		int64_t pause;          /* claim pause, ms from NOW_MS */
		int stopping, budget;   /* budget: modem 0 out of its daily parts */
		int calls[2];           /* which modems get a call action */
		int urgent_only;
		int64_t wake;           /* ms from NOW_MS, -1 = SCHED_NEVER */
	} t[] = {
		{ "nothing due", 0, NO, NO, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 0}, 0, -1 },
		{ "a call due: both call", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {1, 1}, 0, -1 },
		{ "wake at the next call", 0, 40, 40, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 0}, 0,
		  40000 },
		{ "no audio port never calls", 0, -5, -5, NO, {0, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 1}, 0,
		  -1 },
		{ "no audio anywhere", 0, -5, -5, NO, {0, 0}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 0}, 0, -1 },
		{ "not ready", 0, -5, -5, NO, {1, 1}, {0, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 1}, 0, -1 },
		{ "holding a delivery", 0, -5, -5, NO, {1, 1}, {1, 1}, {1, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 1}, 0, -1 },
		{ "call leftovers", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 1}, {0, 0}, 0, 0, 0, {1, 0}, 0, -1 },
		{ "guard time", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {300, 0}, 0, 0, 0, {0, 1}, 0, -1 },
		{ "guard time over", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, -1}, 0, 0, 0, {1, 1}, 0, -1 },
		{ "SMS before calls", 0, -5, -5, -1, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0, {0, 0}, 0, -1 },
		{ "SMS before calls on the same modem (budget spent elsewhere)", 0, -5, -5, -1, {1, 1}, {1, 1},
		  {0, 0}, {0, 0}, {0, 0}, 0, 0, 1, {1, 0}, 0, 15 * 3600 * 1000LL },
		{ "quiet hours hold non-urgent calls", 1, -5, NO, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 0, 0,
		  {0, 0}, 0, -1 },
		{ "quiet hours: urgent calls go, urgent only", 1, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0,
		  0, 0, {1, 1}, 1, -1 },
		{ "quiet hours: wake at the next urgent call", 1, -5, 90, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0,
		  0, 0, {0, 0}, 0, 90000 },
		{ "a claim just found nothing", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 700, 0, 0,
		  {0, 0}, 0, 700 },
		{ "stopping", 0, -5, -5, NO, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0, 0}, 0, 1, 0, {0, 0}, 0, -1 },
	};
	for (size_t r = 0; r < sizeof t / sizeof t[0]; r++) {
		struct sched_in in = base(2);
		if (t[r].quiet)
			in.minute_of_day = 22 * 60;
		in.voice_due_s = t[r].voice_due == NO ? SCHED_NEVER : WALL + t[r].voice_due;
		in.voice_due_urgent_s = t[r].voice_urgent == NO ? SCHED_NEVER : WALL + t[r].voice_urgent;
		in.due_s = in.due_urgent_s = t[r].sms_due == NO ? SCHED_NEVER : WALL + t[r].sms_due;
		in.claim_pause_until = t[r].pause ? NOW_MS + t[r].pause : 0;
		in.stopping = t[r].stopping;
		for (int i = 0; i < 2; i++) {
			in.modems[i].has_audio = t[r].audio[i];
			in.modems[i].ready = t[r].ready[i];
			in.modems[i].busy = t[r].busy[i];
			in.modems[i].calling = t[r].calling[i];
			in.modems[i].call_guard_until = t[r].guard[i] ? NOW_MS + t[r].guard[i] : 0;
		}
		if (t[r].budget) {
			in.modems[0].daily_parts = 10;
			in.modems[0].parts_today = 10;
		}
		struct sched_out out;
		sched_plan(&in, &out);
		int got[2] = { 0, 0 };
		for (int c = 0; c < out.n_calls; c++) {
			assert_true(out.call[c].modem >= 0 && out.call[c].modem < 2);
			got[out.call[c].modem]++;
			if (out.call[c].urgent_only != t[r].urgent_only)
				fail_msg("%s: urgent_only %d", t[r].name, out.call[c].urgent_only);
			for (int a = 0; a < out.n; a++) /* never an SMS and a call on one modem */
				assert_int_not_equal(out.act[a].modem, out.call[c].modem);
		}
		if (got[0] != t[r].calls[0] || got[1] != t[r].calls[1])
			fail_msg("%s: calls %d,%d, want %d,%d", t[r].name, got[0], got[1], t[r].calls[0], t[r].calls[1]);
		int64_t want = t[r].wake < 0 ? SCHED_NEVER : NOW_MS + t[r].wake;
		if (out.wake_ms != want)
			fail_msg("%s: wake %lld, want %lld", t[r].name, (long long)(out.wake_ms - NOW_MS),
				 (long long)(want - NOW_MS));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_windows),
		cmocka_unit_test(test_nothing_due),
		cmocka_unit_test(test_parallel_and_pacing),
		cmocka_unit_test(test_budgets),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_voice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
