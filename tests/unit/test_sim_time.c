/* Unit tests of the simulated modem's network time (sim/sim_time.c):
 * AT+CCLK? in the local time and zone of the network (by default the
 * simulator's clock and zone), the `time M` control, a modem without NITZ
 * answering 80/01/06, the +CTZV / +CTZE / SIMCom *PSUTTZ URCs as AT+CTZR
 * and AT+CTZU ask, and Quectel's AT+QLTS.  Expected strings are what real
 * modems send (27.007 +CCLK/+CTZR, vendor manuals). */
#include "tests/simtest.h"

static struct sim_modem *ready(struct sim *s, int i)
{
	struct sim_modem *m = sim_modem_at(s, i);
	io(m, "ATE0\r");
	return m;
}

static void test_cclk_default_is_sim_clock(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = ready(s, 0);
	/* 1796090400 = 2026-12-01 02:00 UTC = 09:00 in UTC+7 (TZ below) */
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/01,09:00:00+28\"\r\n\r\nOK\r\n");
	advance(s, 61000);
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/01,09:01:01+28\"\r\n\r\nOK\r\n");
	sim_free(s);
}

static void test_time_control(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = ready(s, 0);
	assert_string_equal(ctl(s, "time m1 2026-12-04T11:05:00+07"), "ok");
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/04,11:05:00+28\"\r\n\r\nOK\r\n");
	advance(s, 2000); /* network time runs */
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/04,11:05:02+28\"\r\n\r\nOK\r\n");
	assert_string_equal(ctl(s, "time m1 2026-12-03T23:05:00-05:00"), "ok");
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/03,23:05:00-20\"\r\n\r\nOK\r\n");
	/* a modem that never received NITZ: the RTC default, running */
	assert_string_equal(ctl(s, "time m1 none"), "ok");
	const char *o = io(m, "AT+CCLK?\r");
	assert_non_null(strstr(o, "+CCLK: \"80/01/06,"));
	assert_non_null(strstr(o, "+00\""));
	assert_string_equal(ctl(s, "time m1 system"), "ok");
	assert_string_equal(io(m, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/01,09:00:02+28\"\r\n\r\nOK\r\n");
	/* the other modem was not touched */
	struct sim_modem *m2 = ready(s, 1);
	assert_string_equal(io(m2, "AT+CCLK?\r"), "\r\n+CCLK: \"26/12/01,09:00:02+28\"\r\n\r\nOK\r\n");
	assert_memory_equal(ctl(s, "time m1 yesterday"), "err ", 4);
	assert_memory_equal(ctl(s, "time m1 2026-13-01T00:00:00+07"), "err ", 4);
	assert_memory_equal(ctl(s, "time m1"), "err ", 4);
	assert_memory_equal(ctl(s, "time m9 none"), "err ", 4);
	sim_free(s);
}

static void test_ctzr_urcs(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = ready(s, 0);
	/* off by default: nothing when the network sends its time */
	assert_string_equal(io(m, "AT+CTZR?\r"), "\r\n+CTZR: 0\r\n\r\nOK\r\n");
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "");
	assert_string_equal(io(m, "AT+CTZR=1\r"), "\r\nOK\r\n");
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "\r\n+CTZV: +28\r\n");
	assert_string_equal(io(m, "AT+CTZR=2\r"), "\r\nOK\r\n");
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "\r\n+CTZE: \"+28\",0,\"2026/12/04,11:05:00\"\r\n");
	/* no network registration: no NITZ */
	ctl(s, "reg m1 lost");
	out(m);
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "");
	/* a generic modem sends no *PSUTTZ */
	ctl(s, "reg m1 ok");
	out(m);
	assert_string_equal(io(m, "AT+CTZR=0;+CTZU=1\r"), "\r\nOK\r\n");
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "");
	assert_string_equal(io(m, "AT+CTZR=4\r"), "\r\nERROR\r\n");
	sim_free(s);
}

static void test_simcom_psuttz(void **state)
{
	(void)state;
	struct sim *s = mk("simcom", "none");
	struct sim_modem *m = ready(s, 0);
	out(m);
	assert_string_equal(io(m, "AT+CTZU=1\r"), "\r\nOK\r\n");
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(out(m), "\r\n*PSUTTZ: 2026,12,4,4,5,0,\"+28\",0\r\n\r\nDST: 0\r\n");
	assert_string_equal(io(m, "AT+CTZU?\r"), "\r\n+CTZU: 1\r\n\r\nOK\r\n");
	/* without NITZ the network sends nothing */
	ctl(s, "time m1 none");
	assert_string_equal(out(m), "");
	sim_free(s);
}

static void test_quectel_qlts(void **state)
{
	(void)state;
	struct sim *s = mk("quectel", "none");
	struct sim_modem *m = ready(s, 0);
	out(m);
	ctl(s, "time m1 2026-12-04T11:05:00+07");
	assert_string_equal(io(m, "AT+QLTS=1\r"), "\r\n+QLTS: \"2026/12/04,04:05:00+28,0\"\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+QLTS=2\r"), "\r\n+QLTS: \"2026/12/04,11:05:00+28,0\"\r\n\r\nOK\r\n");
	ctl(s, "time m1 none");
	assert_string_equal(io(m, "AT+QLTS=1\r"), "\r\n+QLTS: \"\"\r\n\r\nOK\r\n");
	/* not a generic command */
	struct sim *g = mk("generic", "none");
	assert_string_equal(io(ready(g, 0), "AT+QLTS=1\r"), "\r\nERROR\r\n");
	sim_free(g);
	sim_free(s);
}

int main(void)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cclk_default_is_sim_clock),
		cmocka_unit_test(test_time_control),
		cmocka_unit_test(test_ctzr_urcs),
		cmocka_unit_test(test_simcom_psuttz),
		cmocka_unit_test(test_quectel_qlts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
