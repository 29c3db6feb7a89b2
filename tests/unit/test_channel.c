/* test_channel — the channel table: the SQL list of reached states the
 * store embeds is exactly the table's, labels never guess another channel,
 * reached states are final. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/channel.h"

#include <stdio.h>
#include <string.h>

static void test_reached_sql_matches_table(void **state)
{
	(void)state;
	/* every reached state of every channel is in the SQL list ... */
	int n = 0;
	for (const struct channel *c = channel_table; c->id; c++)
		for (const char *const *s = c->reached; *s; s++) {
			char quoted[40];
			snprintf(quoted, sizeof quoted, "'%s'", *s);
			assert_non_null(strstr(CHANNEL_REACHED_SQL, quoted));
			n++;
		}
	/* ... and the list holds nothing else */
	int quotes = 0;
	for (const char *p = CHANNEL_REACHED_SQL; *p; p++)
		quotes += *p == '\'';
	assert_int_equal(quotes, 2 * n);
}

static void test_labels_and_states(void **state)
{
	(void)state;
	assert_string_equal(channel_label("sms"), "SMS");
	assert_string_equal(channel_label("voice"), "Gọi điện");
	/* a channel the table does not know is shown as it is, not as voice */
	assert_string_equal(channel_label("visit"), "visit");
	assert_null(channel_find("visit"));
	assert_true(channel_state_reached("delivered"));
	assert_true(channel_state_reached("confirmed"));
	assert_false(channel_state_reached("sent"));
	assert_false(channel_state_reached("uncertain"));
	assert_true(channel_state_final("sms", "uncertain"));
	assert_false(channel_state_final("sms", "sent"));
	assert_true(channel_state_final("voice", "unreached"));
	assert_false(channel_state_final("visit", "informed"));
	/* reached implies final, on every channel */
	for (const struct channel *c = channel_table; c->id; c++)
		for (const char *const *s = c->reached; *s; s++)
			assert_true(channel_state_final(c->id, *s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reached_sql_matches_table),
		cmocka_unit_test(test_labels_and_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
