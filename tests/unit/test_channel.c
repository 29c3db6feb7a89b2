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

/* The schema's trigger condition lists, per channel, exactly the table's
 * states: each one inside that channel's clause, and nothing more. */
static void test_states_sql_matches_table(void **state)
{
	(void)state;
	const char *sql = CHANNEL_STATES_SQL("NEW");
	int n = 0;
	for (const struct channel *c = channel_table; c->id; c++) {
		char head[64];
		snprintf(head, sizeof head, "NEW.channel = '%s' AND NEW.state IN (", c->id);
		const char *clause = strstr(sql, head);
		assert_non_null(clause);
		const char *end = strchr(clause + strlen(head), ')');
		assert_non_null(end);
		int in_clause = 0;
		for (const char *p = clause + strlen(head); p < end; p++)
			in_clause += *p == '\'';
		int k = 0;
		for (const char *const *s = c->states; *s; s++, k++) {
			char quoted[40];
			snprintf(quoted, sizeof quoted, "'%s'", *s);
			const char *at = strstr(clause, quoted);
			assert_true(at && at < end);
		}
		assert_int_equal(in_clause, 2 * k);
		n++;
		/* final and reached states are states of the channel */
		for (const char *const *s = c->final; *s; s++)
			assert_true(channel_state_known(c->id, *s));
	}
	int channels = 0;
	for (const char *p = sql; (p = strstr(p, "NEW.channel = ")); p++)
		channels++;
	assert_int_equal(channels, n);
	assert_false(channel_state_known("sms", "confirmed"));
	assert_false(channel_state_known("voice", "delivered"));
}

/* The states a resend puts back: every final, unreached state of some
 * channel except `uncertain`, and nothing else. */
static void test_resend_sql_matches_table(void **state)
{
	(void)state;
	int n = 0;
	const char *seen[32];
	for (const struct channel *c = channel_table; c->id; c++)
		for (const char *const *s = c->final; *s; s++) {
			if (channel_state_reached(*s) || !strcmp(*s, "uncertain"))
				continue;
			char quoted[40];
			snprintf(quoted, sizeof quoted, "'%s'", *s);
			assert_non_null(strstr(CHANNEL_RESEND_SQL, quoted));
			int dup = 0;
			for (int i = 0; i < n; i++)
				dup |= !strcmp(seen[i], *s);
			if (!dup)
				seen[n++] = *s;
		}
	int quotes = 0;
	for (const char *p = CHANNEL_RESEND_SQL; *p; p++)
		quotes += *p == '\'';
	assert_int_equal(quotes, 2 * n);
	assert_null(strstr(CHANNEL_RESEND_SQL, "'uncertain'"));
}

static void test_labels_and_states(void **state)
{
	(void)state;
	assert_string_equal(channel_label("sms"), "SMS");
	assert_string_equal(channel_label("voice"), "Gọi điện");
	/* a channel the table does not know is shown as it is, not as voice */
	assert_string_equal(channel_label("visit"), "Báo tận nhà");
	assert_string_equal(channel_label("fax"), "fax");
	assert_null(channel_find("fax"));
	assert_true(channel_state_reached("informed"));
	assert_true(channel_state_reached("delivered"));
	assert_true(channel_state_reached("confirmed"));
	assert_false(channel_state_reached("sent"));
	assert_false(channel_state_reached("uncertain"));
	assert_true(channel_state_final("sms", "uncertain"));
	assert_false(channel_state_final("sms", "sent"));
	assert_true(channel_state_final("voice", "unreached"));
	assert_true(channel_state_final("visit", "informed"));
	assert_false(channel_state_final("fax", "informed"));
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
		cmocka_unit_test(test_states_sql_matches_table),
		cmocka_unit_test(test_resend_sql_matches_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
