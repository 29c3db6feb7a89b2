/* test_worker — the per-modem worker's state table (gateway/worker.c): the
 * allowed moves as a table (every pair checked, so a new row is a decision
 * here too), a delivery, a reply and a call walked through worker_move with
 * the invariants checked at each step, and the questions on the state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gateway/worker.h"

#include <stdio.h>
#include <string.h>

static void test_table(void **state)
{
	(void)state;
	static const struct {
		enum worker_state from, to;
	} allowed[] = {
		{ W_IDLE, W_SMS },         { W_SMS, W_SMS_SUBMIT },     { W_SMS_SUBMIT, W_SMS },
		{ W_SMS_SUBMIT, W_IDLE },  { W_SMS, W_IDLE },           { W_IDLE, W_REPLY },
		{ W_REPLY, W_REPLY_SUBMIT }, { W_REPLY_SUBMIT, W_REPLY }, { W_REPLY_SUBMIT, W_IDLE },
		{ W_REPLY, W_IDLE },       { W_IDLE, W_CALL },          { W_CALL, W_CALL_END },
		{ W_CALL_END, W_IDLE },
	};
	for (int f = 0; f < W_N_STATES; f++) {
		for (int t = 0; t < W_N_STATES; t++) {
			int want = 0;
			for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
				want |= allowed[i].from == (enum worker_state)f && allowed[i].to == (enum worker_state)t;
			if (worker_move_allowed(f, t) != want)
				fail_msg("%s -> %s: %s", worker_state_name(f), worker_state_name(t),
					 want ? "refused" : "allowed");
		}
	}
	assert_string_equal(worker_state_name(W_SMS_SUBMIT), "sms_submit");
	assert_string_equal(worker_state_name(W_N_STATES), "?");
}

static void walk(struct worker *w, const enum worker_state *path, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(worker_move(w, path[i], "test"), 0);
		assert_int_equal(w->state, path[i]);
	}
}

static void test_lives(void **state)
{
	(void)state;
	struct worker w;
	memset(&w, 0, sizeof w);
	snprintf(w.sub, sizeof w.sub, "modem(t)");
	/* a delivery of two parts */
	w.job.delivery_id = 7;
	static const enum worker_state sms[] = { W_SMS, W_SMS_SUBMIT, W_SMS, W_SMS_SUBMIT };
	walk(&w, sms, 4);
	assert_true(worker_holds_sms(&w));
	assert_true(worker_submitting(&w));
	assert_true(worker_draining(&w));
	assert_false(worker_in_call(&w));
	w.job.delivery_id = 0;
	walk(&w, (const enum worker_state[]){ W_IDLE }, 1);
	assert_false(worker_holds_sms(&w));
	/* a reply */
	w.reply_id = 3;
	static const enum worker_state reply[] = { W_REPLY, W_REPLY_SUBMIT };
	walk(&w, reply, 2);
	assert_true(worker_submitting(&w));
	w.reply_id = 0;
	walk(&w, (const enum worker_state[]){ W_IDLE }, 1);
	/* a call: the audio port is open from its start to W_CALL_END's reaping */
	static int port;
	w.audio = (struct audio_port *)&port;
	w.call.state = CALL_DIALING;
	walk(&w, (const enum worker_state[]){ W_CALL }, 1);
	assert_true(worker_in_call(&w));
	assert_true(worker_draining(&w));
	assert_false(worker_holds_sms(&w));
	w.call.state = CALL_IDLE;
	walk(&w, (const enum worker_state[]){ W_CALL_END }, 1);
	assert_false(worker_draining(&w));
	w.audio = NULL;
	walk(&w, (const enum worker_state[]){ W_IDLE }, 1);
	worker_check(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lives),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
