/* test_store_call — the voice delivery SQL the daemon leans on when things
 * go wrong: a notice whose speech cannot be rendered fails exactly its own
 * queued voice deliveries (not its SMS, not another notice's calls, not a
 * call already dialing) with the cause, an attempt row and an event each;
 * crash recovery closes the open attempt as failed and re-queues the
 * delivery, or makes it `unreached` when its attempts are spent.  States
 * are read back with a second SQLite connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/store.h"
#include "db/store_call.h"
#include "base/clock.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400

static char dir[64], path[128];
static struct store *st;

static void add(const char *name, const char *phone, int channel)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	h.channel = channel;
	h.accents = 1;
	snprintf(h.groups, sizeof h.groups, "xom1");
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
}

static int64_t notice(const char *text, int channels)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = text;
	r.targets = "all";
	r.channels = channels;
	r.source = "test";
	r.parts_ucs2 = 1;
	r.parts_gsm7 = 1;
	int64_t id;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	return id;
}

/* One integer (or text compared by the caller) from a query. */
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
	snprintf(dir, sizeof dir, "/tmp/loa-scall.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add("An", "+84912000001", CH_VOICE);
	add("Binh", "+84912000002", CH_BOTH);
	add("Chi", "+84912000003", CH_VOICE);
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

static void test_fail_notice(void **state)
{
	(void)state;
	int64_t n1 = notice("Họp thôn.", CH_SMS | CH_VOICE), n2 = notice("Mai họp.", CH_VOICE);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE channel = 'voice'"), 6);
	/* one call of notice 1 is already dialing: its attempt is not ours to fail */
	struct call_job j;
	assert_int_equal(store_call_claim(st, "m1", T0, 0, n1, &j), STORE_OK);
	int n = -1;
	assert_int_equal(store_call_fail_notice(st, n1, "rec.wav: cannot read audio", T0 + 5, &n), STORE_OK);
	assert_int_equal(n, 2);
	char sql[400];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM deliveries WHERE notice_id = %lld AND channel = 'voice' AND state = 'failed'"
		 " AND last_error = 'rec.wav: cannot read audio' AND attempts = 1 AND updated_at = %d",
		 (long long)n1, T0 + 5);
	assert_int_equal(q_int(sql), 2);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'dialing'",
		 (long long)j.delivery_id);
	assert_int_equal(q_int(sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM deliveries WHERE notice_id = %lld AND channel = 'sms'"
				  " AND state = 'queued'", (long long)n1);
	assert_int_equal(q_int(sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM deliveries WHERE notice_id = %lld AND state = 'queued'",
		 (long long)n2);
	assert_int_equal(q_int(sql), 3);
	/* an attempt row closed as failed, and an event, per failed delivery */
	assert_int_equal(q_int("SELECT count(*) FROM attempts WHERE outcome = 'failed' AND modem = '-'"
			       " AND ended_at = started_at AND cause = 'rec.wav: cannot read audio'"),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'call_failed'"
			       " AND detail = 'not called: rec.wav: cannot read audio'"),
			 2);
	/* nothing left to fail: a second sweep changes nothing */
	assert_int_equal(store_call_fail_notice(st, n1, "again", T0 + 6, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(q_int("SELECT count(*) FROM attempts"), 3);
}

static void test_recover(void **state)
{
	(void)state;
	int64_t n1 = notice("Họp thôn.", CH_VOICE);
	struct call_job a, b;
	assert_int_equal(store_call_claim(st, "m1", T0, 0, n1, &a), STORE_OK);
	assert_int_equal(store_call_claim(st, "m2", T0, 0, n1, &b), STORE_OK);
	assert_int_equal(store_call_progress(st, &b, "m2", "answered", T0 + 2), STORE_OK);
	int n = -1;
	/* attempts = 1 spends every attempt: both become unreached */
	assert_int_equal(store_call_recover(st, T0 + 10, 1, 600, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE state = 'unreached'"
			       " AND last_error = 'the daemon stopped during the call'"),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM attempts WHERE ended_at = 1796090410 AND outcome = 'failed'"
			       " AND cause = 'daemon stopped during the call'"),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'call_interrupted'"), 2);
	/* with attempts to spare the call is queued again after retry_s */
	struct call_job c;
	assert_int_equal(store_call_claim(st, "m1", T0 + 20, 0, n1, &c), STORE_OK);
	assert_int_equal(store_call_recover(st, T0 + 30, 3, 600, &n), STORE_OK);
	assert_int_equal(n, 1);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT next_at FROM deliveries WHERE id = %lld AND state = 'queued'",
		 (long long)c.delivery_id);
	assert_int_equal(q_int(sql), T0 + 30 + 600);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE state IN ('dialing', 'ringing', 'answered')"), 0);
	assert_int_equal(q_int("SELECT count(*) FROM attempts WHERE ended_at IS NULL"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fail_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
