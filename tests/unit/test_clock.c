/* test_clock — the time rules of the one clock (base/clock.c) under the fake
 * clock: the build-date rule, the network offset applied to every wall read
 * and moving with the clock, trusted/untrusted, the CLI's offset from the
 * database, and that a fake clock is never "NTP synchronised". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"

#include <stdlib.h>

#define Y1970 86400LL           /* 1970-01-02 00:00 UTC */
#define Y2026 1796090400LL      /* 2026-12-01 02:00 UTC = 09:00 +07 */

static void test_build_date(void **state)
{
	(void)state;
	int64_t b = clock_build_s();
	assert_true(b >= 1767225600LL); /* 2026-01-01 or later: this code is newer */
	assert_true(b <= Y2026);        /* the integration tests' fixed time is plausible */
	clock_fake((b - 1) * 1000);
	assert_false(clock_system_plausible());
	assert_false(clock_trusted());
	clock_fake(b * 1000);
	assert_true(clock_system_plausible());
	assert_true(clock_trusted());
}

static void test_1970_untrusted_until_network(void **state)
{
	(void)state;
	clock_fake(Y1970 * 1000);
	assert_false(clock_trusted());
	assert_false(clock_network_on());
	assert_int_equal(clock_wall_s(), Y1970);
	clock_set_network(Y2026);
	assert_true(clock_network_on());
	assert_true(clock_trusted());
	assert_false(clock_system_plausible()); /* the system clock itself is untouched */
	assert_int_equal(clock_system_s(), Y1970);
	assert_int_equal(clock_wall_s(), Y2026);
	assert_int_equal(clock_wall_ms(), Y2026 * 1000);
	assert_int_equal(clock_offset_s(), Y2026 - Y1970);
	/* the network time runs with the clock */
	clock_advance(90 * 1000);
	assert_int_equal(clock_wall_s(), Y2026 + 90);
	assert_int_equal(clock_system_s(), Y1970 + 90);
	/* local time (quiet hours, --at) reads the network time too */
	assert_int_equal(clock_local_minutes_of_day(clock_wall_s()), 9 * 60 + 1);
	char buf[32];
	clock_format_local(clock_wall_s(), buf, sizeof buf);
	assert_string_equal(buf, "2026-12-01 09:01");
	/* a later reading replaces the offset */
	clock_set_network(Y2026 + 100);
	assert_int_equal(clock_wall_s(), Y2026 + 100);
	clock_clear_network();
	assert_false(clock_trusted());
	assert_int_equal(clock_wall_s(), Y1970 + 90);
}

static void test_offset_from_elsewhere(void **state)
{
	(void)state;
	clock_fake(Y1970 * 1000);
	clock_set_offset_s(Y2026 - Y1970);
	assert_true(clock_network_on());
	assert_true(clock_trusted());
	assert_int_equal(clock_wall_s(), Y2026);
	clock_set_offset_s(0);
	assert_false(clock_network_on());
	assert_false(clock_trusted());
}

static void test_plausible_clock_with_small_offset(void **state)
{
	(void)state;
	clock_fake(Y2026 * 1000);
	assert_true(clock_trusted());
	clock_set_network(Y2026 - 3600); /* the network says an hour earlier */
	assert_int_equal(clock_wall_s(), Y2026 - 3600);
	assert_int_equal(clock_offset_s(), -3600);
	/* a new fake clock starts clean */
	clock_fake(Y2026 * 1000);
	assert_false(clock_network_on());
	assert_int_equal(clock_wall_s(), Y2026);
}

static void test_fake_is_not_synced(void **state)
{
	(void)state;
	clock_fake(Y2026 * 1000);
	assert_false(clock_system_synced());
	clock_shift_to(Y2026 * 1000);
	assert_false(clock_system_synced());
	assert_true(llabs(clock_wall_s() - Y2026) <= 1);
	clock_real();
	assert_false(clock_network_on());
}

int main(void)
{
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_date),
		cmocka_unit_test(test_1970_untrusted_until_network),
		cmocka_unit_test(test_offset_from_elsewhere),
		cmocka_unit_test(test_plausible_clock_with_small_offset),
		cmocka_unit_test(test_fake_is_not_synced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
