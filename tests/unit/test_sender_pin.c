/* test_sender_pin — a sender's phone PIN (domain/sender.c, migration 14):
 * 4-8 digits, kept only as an argon2id hash; the right PIN passes, wrong
 * ones count with wrong SMS codes in the rolling window and lock the
 * sender out; a locked sender is refused even with the right PIN until
 * unlocked; no PIN set refuses without counting; every outcome is an
 * event whose caller number is escaped and whose detail never holds the
 * digits typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/pwhash.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "domain/sender.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400
#define HEAD "+84912345678"

static char dir[64], path[128];
static struct store *st;

static long long q_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-pin.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	struct sender s;
	assert_int_equal(sender_from_fields("0912345678", "head", "Trưởng thôn Nguyễn Văn Hùng", "xom-dong", 1, &s),
			 SENDER_OK);
	assert_int_equal(pwhash_str("4821", s.pin_hash), 0);
	assert_int_equal(store_sender_add(st, &s, NULL, T0), STORE_OK);
	assert_int_equal(sender_from_fields("0987000111", "officer", "Cán bộ LĐTBXH", "", 1, &s), SENDER_OK);
	assert_int_equal(store_sender_add(st, &s, NULL, T0), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_pin_rules(void **state)
{
	(void)state;
	assert_true(sender_pin_ok("4821"));
	assert_true(sender_pin_ok("12345678"));
	assert_false(sender_pin_ok("482"));
	assert_false(sender_pin_ok("123456789"));
	assert_false(sender_pin_ok("48a1"));
	assert_false(sender_pin_ok(""));
	assert_false(sender_pin_ok("-"));
	/* stored hashed, never in clear */
	struct sender s;
	assert_int_equal(store_sender_by_phone(st, HEAD, &s), STORE_OK);
	assert_memory_equal(s.pin_hash, "$argon2id$", 10);
	assert_null(strstr(s.pin_hash, "4821"));
	assert_int_equal(q_int("SELECT count(*) FROM senders WHERE pin_hash LIKE '%4821%'"), 0);
	assert_true(q_int("PRAGMA user_version") >= 15); /* the PIN column is migration 15 */
}

static void test_right_and_wrong(void **state)
{
	(void)state;
	int n = -1;
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "4821", 3, 3600, T0, &n), SENDER_PIN_RIGHT);
	assert_int_equal(n, 0);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'pin_ok'"), 1);
	/* a caller number with a control byte is logged escaped */
	assert_int_equal(sender_pin_check(st, HEAD, "+8491\x1b[2J", "1111", 3, 3600, T0 + 10, &n), SENDER_PIN_WRONG);
	assert_int_equal(n, 1);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'pin_wrong' AND detail LIKE '%\\x1b%'"), 1);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE instr(detail, char(27)) > 0"), 0);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE detail LIKE '%1111%'"), 0);
	/* too long, too short: wrong, counted */
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "-", 3, 3600, T0 + 20, &n), SENDER_PIN_WRONG);
	assert_int_equal(n, 2);
	/* an old failure leaves the window */
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "9999", 3, 3600, T0 + 3615, &n), SENDER_PIN_WRONG);
	assert_int_equal(n, 2);
	/* the third within the window locks: even the right PIN is refused */
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "0000", 3, 3600, T0 + 3620, &n), SENDER_PIN_LOCKED);
	assert_int_equal(n, 3);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'pin_locked'"), 1);
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "4821", 3, 3600, T0 + 3630, &n), SENDER_PIN_LOCKED);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'pin_refused'"), 1);
	struct sender s;
	assert_int_equal(store_sender_by_phone(st, HEAD, &s), STORE_OK);
	assert_true(s.locked_at > 0);
	/* the office unlocks it */
	int was = 0;
	assert_int_equal(store_sender_unlock(st, HEAD, &was), STORE_OK);
	assert_true(was);
	assert_int_equal(sender_pin_check(st, HEAD, HEAD, "4821", 3, 3600, T0 + 3700, &n), SENDER_PIN_RIGHT);
}

static void test_set_and_clear(void **state)
{
	(void)state;
	int n;
	/* an officer without a PIN: refused, not counted */
	assert_int_equal(sender_pin_check(st, "+84987000111", "+84987000111", "1234", 3, 3600, T0, &n),
			 SENDER_PIN_NONE);
	assert_int_equal(q_int("SELECT count(*) FROM code_failures"), 0);
	assert_int_equal(sender_pin_check(st, "+84911111111", "+84911111111", "1234", 3, 3600, T0, &n),
			 SENDER_PIN_NONE);
	assert_int_equal(sender_pin_set(st, "+84987000111", "77553311"), STORE_OK);
	assert_int_equal(sender_pin_check(st, "+84987000111", "+84987000111", "77553311", 3, 3600, T0, &n),
			 SENDER_PIN_RIGHT);
	assert_int_equal(sender_pin_set(st, "+84987000111", NULL), STORE_OK);
	assert_int_equal(sender_pin_check(st, "+84987000111", "+84987000111", "77553311", 3, 3600, T0, &n),
			 SENDER_PIN_NONE);
	assert_int_equal(sender_pin_set(st, "+84911111111", "1234"), STORE_NOTFOUND);
	assert_int_equal(sender_pin_set(st, "+84987000111", "12"), STORE_ERR);
	assert_false(pwhash_verify("", ""));
	assert_false(pwhash_verify("garbage", "1234"));
	assert_string_equal(sender_pin_name(SENDER_PIN_LOCKED), "locked");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_rules),
		cmocka_unit_test(test_right_and_wrong),
		cmocka_unit_test(test_set_and_clear),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
