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
		/* the SIM's or the network's, never the household's (issue 12;
		 * 42 and 331 were RETRY before SUBMIT_SIM existed) */
		{ AT_R_CMS, 42, 1, 0, SUBMIT_SIM, "+CMS ERROR 42: congestion" },
		{ AT_R_CMS, 331, 0, 0, SUBMIT_SIM, "no network service" },
		{ AT_R_CMS, 21, 1, 0, SUBMIT_SIM, "+CMS ERROR 21: short message transfer rejected" },
		{ AT_R_CMS, 50, 1, 0, SUBMIT_SIM, "not subscribed" },
		{ AT_R_CMS, 38, 1, 0, SUBMIT_SIM, "network out of order" },
		{ AT_R_CMS, 47, 1, 0, SUBMIT_SIM, "resources unavailable" },
		{ AT_R_CMS, 69, 1, 0, SUBMIT_SIM, "not implemented" },
		{ AT_R_CMS, 310, 0, 0, SUBMIT_SIM, "SIM not inserted" },
		{ AT_R_CMS, 311, 0, 0, SUBMIT_SIM, "SIM PIN required" },
		{ AT_R_CMS, 316, 0, 0, SUBMIT_SIM, "SIM PUK required" },
		{ AT_R_CMS, 330, 0, 0, SUBMIT_SIM, "SMSC address unknown" },
		{ AT_R_CMS, 332, 1, 0, SUBMIT_SIM, "network timeout" },
		/* the household's: the number */
		{ AT_R_CMS, 8, 1, 0, SUBMIT_FAIL, "operator determined barring" },
		{ AT_R_CMS, 10, 1, 0, SUBMIT_FAIL, "call barred" },
		{ AT_R_CMS, 28, 1, 0, SUBMIT_FAIL, "unidentified subscriber" },
		{ AT_R_CMS, 29, 1, 0, SUBMIT_FAIL, "facility rejected" },
		{ AT_R_CMS, 27, 1, 0, SUBMIT_RETRY, "destination out of service" },
		{ AT_R_CMS, 0xC3, 1, 0, SUBMIT_FAIL, "invalid SME address" },
		/* the message Loa built, and transient */
		{ AT_R_CMS, 304, 1, 0, SUBMIT_FAIL, "invalid PDU mode parameter" },
		{ AT_R_CMS, 0x85, 1, 0, SUBMIT_FAIL, "TP failure cause" },
		{ AT_R_CMS, 300, 1, 0, SUBMIT_RETRY, "ME failure" },
		{ AT_R_CMS, 41, 1, 0, SUBMIT_RETRY, "temporary failure" },
		{ AT_R_CMS, 500, 1, 0, SUBMIT_RETRY, "unknown error" },
		{ AT_R_CMS, 515, 1, 0, SUBMIT_RETRY, "unlisted" },
		{ AT_R_CMS, 9999, 0, 0, SUBMIT_RETRY, "unlisted" },
		{ AT_R_TIMEOUT, 0, 1, 0, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_TIMEOUT, 0, 0, 0, SUBMIT_RETRY, "no prompt" },
		{ AT_R_LOST, 0, 1, 0, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_LOST, 0, 1, 1, SUBMIT_UNCERTAIN, "not re-sent" },
		{ AT_R_LOST, 0, 0, 0, SUBMIT_RELEASE, "port lost before sending" },
		{ AT_R_LOST, 0, 0, 1, SUBMIT_RELEASE, "daemon stopping" },
		{ AT_R_ERROR, 0, 0, 0, SUBMIT_RETRY, "modem answered ERROR" },
		{ AT_R_CME, 3, 0, 0, SUBMIT_RETRY, "+CME ERROR 3" },
		{ AT_R_CME, 100, 0, 0, SUBMIT_RETRY, "+CME ERROR 100: unknown error" },
		{ AT_R_CME, 10, 0, 0, SUBMIT_SIM, "+CME ERROR 10: SIM not inserted" },
		{ AT_R_CME, 11, 0, 0, SUBMIT_SIM, "SIM PIN required" },
		{ AT_R_CME, 12, 0, 0, SUBMIT_SIM, "SIM PUK required" },
		{ AT_R_CME, 13, 0, 0, SUBMIT_SIM, "SIM failure" },
		{ AT_R_CME, 30, 1, 0, SUBMIT_SIM, "no network service" },
		{ AT_R_CME, 777, 0, 0, SUBMIT_RETRY, "+CME ERROR 777: unlisted" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct at_result r = { rows[i].final, rows[i].code, rows[i].body_sent, "" };
		char cause[200];
		enum submit_verdict v = submit_outcome(&r, rows[i].stopping, cause, sizeof cause);
		if (v != rows[i].want || !strstr(cause, rows[i].cause))
			fail_msg("row %zu: %s -> %s '%s', want %s '%s'", i, at_final_name(rows[i].final),
				 submit_verdict_name(v), cause, submit_verdict_name(rows[i].want), rows[i].cause);
	}
	assert_string_equal(submit_verdict_name(SUBMIT_SIM), "sim");
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
