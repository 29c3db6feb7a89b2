/* test_submit — every answer to AT+CMGS and what it means for the delivery,
 * as a table: above all, nothing handed to the network is ever re-sent
 * (uncertain), and nothing that was not is ever given up for a modem's
 * fault (retry / release). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modem/at.h"
#include "modem/submit.h"

#include <string.h>

static void test_table(void **state)
{
	(void)state;
	static const struct {
		enum at_final final;
		int code, body_sent, stopping;
		enum submit_verdict want;
		const char *cause; /* a part of the cause */
	} rows[] = {
		{ AT_R_OK, 0, 1, 0, SUBMIT_ACCEPTED, "" },
		{ AT_R_OK, 0, 0, 0, SUBMIT_RETRY, "before the PDU was sent" },
		{ AT_R_CMS, 1, 1, 0, SUBMIT_FAIL, "+CMS ERROR 1: unassigned" },
		{ AT_R_CMS, 96, 1, 0, SUBMIT_FAIL, "invalid mandatory information" },
		{ AT_R_CMS, 42, 1, 0, SUBMIT_RETRY, "+CMS ERROR 42: congestion" },
		{ AT_R_CMS, 331, 0, 0, SUBMIT_RETRY, "no network service" },
		{ AT_R_CMS, 9999, 0, 0, SUBMIT_RETRY, "unlisted" },
		{ AT_R_TIMEOUT, 0, 1, 0, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_TIMEOUT, 0, 0, 0, SUBMIT_RETRY, "no prompt" },
		{ AT_R_LOST, 0, 1, 0, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_LOST, 0, 1, 1, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_LOST, 0, 0, 0, SUBMIT_RELEASE, "port lost before sending" },
		{ AT_R_LOST, 0, 0, 1, SUBMIT_RELEASE, "daemon stopping" },
		{ AT_R_ERROR, 0, 0, 0, SUBMIT_RETRY, "modem answered ERROR" },
		{ AT_R_CME, 3, 0, 0, SUBMIT_RETRY, "+CME ERROR 3" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct at_result r = { rows[i].final, rows[i].code, rows[i].body_sent, "" };
		char cause[200];
		enum submit_verdict v = submit_outcome(&r, rows[i].stopping, cause, sizeof cause);
		if (v != rows[i].want || !strstr(cause, rows[i].cause))
			fail_msg("row %zu: %s -> %s '%s', want %s '%s'", i, at_final_name(rows[i].final),
				 submit_verdict_name(v), cause, submit_verdict_name(rows[i].want), rows[i].cause);
	}
	/* a PDU handed over whose answer was lost is never queued again, and
	 * one handed over is never released as if it had not been */
	for (int f = AT_R_OK; f <= AT_R_LOST; f++) {
		struct at_result r = { (enum at_final)f, 500, 1, "" };
		char cause[200];
		enum submit_verdict v = submit_outcome(&r, 0, cause, sizeof cause);
		if (f == AT_R_TIMEOUT || f == AT_R_LOST)
			assert_int_equal(v, SUBMIT_UNCERTAIN);
		assert_int_not_equal(v, SUBMIT_RELEASE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_table) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
