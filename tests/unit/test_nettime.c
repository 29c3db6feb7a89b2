/* test_nettime — the network time lines of every family (modem/nettime.c):
 * each format read to the same UTC instant, a modem's default before the
 * build date is "unknown", a zone alone, and malformed lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modem/nettime.h"

/* 2026-12-04 04:05:00 UTC = 11:05 in UTC+7 */
#define T0 1796357100LL
/* a build date: 2026-01-01 */
#define BUILD 1767225600LL

static void test_utc(void **state)
{
	(void)state;
	assert_int_equal(nettime_utc(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(nettime_utc(2026, 12, 4, 4, 5, 0), T0);
	assert_int_equal(nettime_utc(2000, 3, 1, 0, 0, 0), 951868800LL);
	assert_int_equal(nettime_utc(2024, 2, 29, 0, 0, 0), 1709164800LL);
	assert_int_equal(nettime_utc(2026, 2, 29, 0, 0, 0), -1);
	assert_int_equal(nettime_utc(2026, 13, 1, 0, 0, 0), -1);
	assert_int_equal(nettime_utc(2026, 1, 1, 24, 0, 0), -1);
}

static void test_each_family_same_instant(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"+CCLK: \"26/12/04,11:05:00+28\"",
		"+CCLK: \"2026/12/04,11:05:00+28\"",
		"+CTZE: \"+28\",0,\"2026/12/04,11:05:00\"",
		"*PSUTTZ: 2026,12,4,4,5,0,\"+28\",0",
		"*PSUTTZ: 26,12,4,4,5,0,\"+28\",0",
		"+QLTS: \"2026/12/04,04:05:00+28,0\"",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct nettime t;
		assert_int_equal(nettime_parse(lines[i], BUILD, &t), NETTIME_TIME);
		assert_true(t.has_time);
		assert_int_equal(t.utc_s, T0);
		assert_true(t.has_zone);
		assert_int_equal(t.zone_q, 28);
	}
}

static void test_negative_zone(void **state)
{
	(void)state;
	struct nettime t;
	/* 2026-12-03 23:05 in UTC-5 is 04:05 UTC the next day */
	assert_int_equal(nettime_parse("+CCLK: \"26/12/03,23:05:00-20\"", BUILD, &t), NETTIME_TIME);
	assert_int_equal(t.utc_s, T0);
	assert_int_equal(t.zone_q, -20);
}

static void test_defaults_are_unknown(void **state)
{
	(void)state;
	struct nettime t;
	assert_int_equal(nettime_parse("+CCLK: \"80/01/06,00:00:10+00\"", BUILD, &t), NETTIME_UNKNOWN);
	assert_false(t.has_time);
	assert_int_equal(nettime_parse("+CCLK: \"04/01/01,00:01:02+00\"", BUILD, &t), NETTIME_UNKNOWN);
	assert_int_equal(nettime_parse("+CCLK: \"70/01/01,00:00:00+00\"", BUILD, &t), NETTIME_UNKNOWN);
	/* a year before the build date is unknown, the day after is a time */
	assert_int_equal(nettime_parse("+CCLK: \"25/12/31,12:00:00+00\"", BUILD, &t), NETTIME_UNKNOWN);
	assert_int_equal(nettime_parse("+CCLK: \"26/01/02,00:00:00+00\"", BUILD, &t), NETTIME_TIME);
}

static void test_zone_only(void **state)
{
	(void)state;
	struct nettime t;
	assert_int_equal(nettime_parse("+CTZV: +28", BUILD, &t), NETTIME_UNKNOWN);
	assert_true(t.has_zone);
	assert_false(t.has_time);
	assert_int_equal(t.zone_q, 28);
	assert_int_equal(nettime_parse("+CTZV: -04,1", BUILD, &t), NETTIME_UNKNOWN);
	assert_int_equal(t.zone_q, -4);
	assert_int_equal(nettime_parse("+CTZE: \"+28\",0", BUILD, &t), NETTIME_UNKNOWN);
	assert_true(t.has_zone);
}

static void test_malformed(void **state)
{
	(void)state;
	struct nettime t;
	static const char *const bad[] = {
		NULL, "", "OK", "+CCLK:", "+CCLK: \"26/12/04,11:05:00\"", "+CCLK: \"26/13/04,11:05:00+28\"",
		"+CCLK: \"26/12/04,11:05+28\"", "+CCLK: \"26/02/30,11:05:00+28\"", "+CCLK: 26/12/04,11:05:00+28",
		"+CTZV: +99", "+CTZV: x", "+CTZE: \"+28\"", "+CTZE: \"+28\",0,\"2026/12/04,11:05\"",
		"*PSUTTZ: 2026,12,4,4,5", "*PSUTTZ: 2026,12,4,4,5,0,+28,0", "+QLTS: \"2026/12/04,04:05:00\"",
		"+CCLK: \"26/12/04,25:05:00+28\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(nettime_parse(bad[i], BUILD, &t), NETTIME_NOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc),
		cmocka_unit_test(test_each_family_same_instant),
		cmocka_unit_test(test_negative_zone),
		cmocka_unit_test(test_defaults_are_unknown),
		cmocka_unit_test(test_zone_only),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
