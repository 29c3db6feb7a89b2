/* test_resend — store_resend: it touches exactly the households `loa
 * report` lists as not reached and not in progress, puts back only final
 * unreached deliveries (uncertain ones only when asked), gives them the
 * retry policy's full allowance, supersedes earlier parts, restarts the
 * expiry clock, logs, writes nothing on a preview, and refuses a cancelled
 * notice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/store.h"
#include "db/store_sms.h"
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#define T0 1796090400

static char dir[64], path[128];
static struct store *st;
static int64_t nid;

static void add(const char *name, const char *phone, int ch)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	h.channel = ch;
	h.accents = 1;
	snprintf(h.groups, sizeof h.groups, "xom1");
	assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
}

/* Direct SQL on the test's own connection: the states a notice's
 * deliveries end up in after a day of sending. */
static void sql(const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", q, msg);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

static int64_t num(const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void set(const char *phone, const char *channel, const char *state, const char *err)
{
	char q[512];
	snprintf(q, sizeof q,
		 "UPDATE deliveries SET state = '%s', attempts = 3, last_error = '%s', updated_at = %d, parts = 2"
		 " WHERE channel = '%s' AND household_id = (SELECT id FROM households WHERE phone = '%s')",
		 state, err, T0 - 4 * 86400, channel, phone);
	sql(q);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-resend.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add("An", "+84912000001", CH_SMS);    /* failed: resent */
	add("Binh", "+84912000002", CH_SMS);  /* delivered: reached */
	add("Chi", "+84912000003", CH_BOTH);  /* sms failed, call unreached: both resent */
	add("Dung", "+84912000004", CH_SMS);  /* uncertain: held back unless asked */
	add("Em", "+84912000005", CH_BOTH);   /* sms failed, call still queued: in progress */
	add("Giang", "+84912000006", CH_SMS); /* expired: resent */
	add("Hoa", "+84912000007", CH_BOTH);  /* sms failed, call played: reached */
	add("Khanh", "+84912000008", CH_SMS); /* failed, then removed: left alone */
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Họp dân";
	r.targets = "all";
	r.channels = CH_BOTH;
	r.source = "test";
	r.parts_ucs2 = 2;
	r.parts_gsm7 = 1;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &nid, &fs, T0 - 5 * 86400), STORE_OK);
	set("+84912000001", "sms", "failed", "+CMS ERROR: 21");
	set("+84912000002", "sms", "delivered", "");
	set("+84912000003", "sms", "failed", "+CMS ERROR: 500");
	set("+84912000003", "voice", "unreached", "no answer");
	set("+84912000004", "sms", "uncertain", "no answer from the modem");
	set("+84912000005", "sms", "failed", "x");
	set("+84912000006", "sms", "expired", "not sent within sms.expire_h");
	set("+84912000007", "sms", "failed", "x");
	set("+84912000007", "voice", "played", "");
	set("+84912000008", "sms", "failed", "x");
	sql("INSERT INTO sms_refs(delivery_id, modem, part, parts, mr, recipient, sent_at)"
	    " SELECT id, 'm1', 1, 2, 7, '+84912000001', 1 FROM deliveries WHERE household_id = 1 AND channel = 'sms'");
	assert_int_equal(store_household_remove(st, 8, T0), STORE_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

struct ids {
	int64_t h[16];
	int n, pending;
};

static int collect(const struct report_row *r, void *arg)
{
	struct ids *ids = arg;
	if (r->pending)
		ids->pending++;
	else
		ids->h[ids->n++] = r->household_id;
	return 0;
}

static const char *state_of(int64_t h, const char *channel)
{
	static char out[16];
	char q[200];
	snprintf(q, sizeof q, "SELECT CASE state WHEN 'queued' THEN 1 ELSE 0 END FROM deliveries"
		 " WHERE household_id = %lld AND channel = '%s'", (long long)h, channel);
	snprintf(out, sizeof out, "%s", num(q) ? "queued" : "other");
	return out;
}

static void test_matches_report(void **state)
{
	(void)state;
	struct ids ids = { { 0 }, 0, 0 };
	assert_int_equal(store_report_unreached(st, nid, collect, &ids, T0), STORE_OK);
	/* An, Chi, Dung, Giang, Khanh not reached and settled; Em in progress */
	assert_int_equal(ids.n, 5);
	assert_int_equal(ids.pending, 1);
	struct resend_stats p, r;
	int64_t events = num("SELECT count(*) FROM events");
	assert_int_equal(store_resend_preview(st, nid, NULL, 0, &p, T0), STORE_OK);
	assert_int_equal(num("SELECT count(*) FROM events"), events); /* a preview writes nothing */
	assert_int_equal(p.unreached, 6);
	assert_int_equal(p.pending, 1);
	assert_int_equal(p.gone, 1);
	assert_int_equal(p.households, 3); /* An, Chi, Giang */
	assert_int_equal(p.sms, 3);
	assert_int_equal(p.sms_parts, 6);
	assert_int_equal(p.voice, 1);
	assert_int_equal(p.uncertain, 1);
	assert_int_equal(store_resend(st, nid, NULL, 0, "cli", &r, T0), STORE_OK);
	assert_memory_equal(&p, &r, sizeof p);
	assert_string_equal(state_of(1, "sms"), "queued");
	assert_string_equal(state_of(3, "sms"), "queued");
	assert_string_equal(state_of(3, "voice"), "queued");
	assert_string_equal(state_of(6, "sms"), "queued");
	assert_string_equal(state_of(4, "sms"), "other"); /* uncertain */
	assert_string_equal(state_of(5, "sms"), "other"); /* its call is in progress */
	assert_string_equal(state_of(7, "sms"), "other"); /* reached by voice */
	assert_string_equal(state_of(8, "sms"), "other"); /* removed */
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE state = 'queued' AND attempts = 0"
			     " AND last_error = '' AND next_at = " "1796090400 AND resent_at = 1796090400"), 4);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'resent'"), 4);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'resend' AND detail LIKE 'by cli: 3 households%'"), 1);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'resent' AND detail LIKE '%was failed (+CMS ERROR: 21) after 3 attempt(s)'"), 1);
	/* the earlier part can no longer be matched; the phone may hold it */
	assert_int_equal(num("SELECT superseded FROM sms_refs"), 1);
	assert_int_equal(num("SELECT fragments FROM deliveries WHERE household_id = 1 AND channel = 'sms'"), 1);
	/* now in progress: nothing more to resend */
	assert_int_equal(store_resend(st, nid, NULL, 0, "cli", &r, T0 + 1), STORE_OK);
	assert_int_equal(r.households, 0);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'resend'"), 1);
}

static void test_full_allowance_and_expiry(void **state)
{
	(void)state;
	struct resend_stats r;
	assert_int_equal(store_resend(st, nid, "sms", 0, "web:ba", &r, T0), STORE_OK);
	assert_int_equal(r.households, 3);
	assert_int_equal(r.voice, 0);
	assert_string_equal(state_of(3, "voice"), "other"); /* --channel sms */
	struct sms_job j;
	memset(&j, 0, sizeof j);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 10, &j), STORE_OK);
	assert_int_equal(j.attempts, 1); /* counted from 0 again */
	assert_int_equal(j.parts_sent, 0);
	store_sms_job_clear(&j);
	/* the notice is 5 days old, but expire_h counts from the resend */
	int n = -1;
	assert_int_equal(store_sms_expire(st, T0 + 3600, 2 * 3600, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_sms_expire(st, T0 + 3 * 3600, 2 * 3600, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'resend' AND detail LIKE 'by web:ba:%channel sms'"), 1);
}

static void test_uncertain_when_asked(void **state)
{
	(void)state;
	struct resend_stats r;
	assert_int_equal(store_resend(st, nid, NULL, RESEND_UNCERTAIN, "sms:+84912345678", &r, T0), STORE_OK);
	assert_int_equal(r.households, 4);
	assert_int_equal(r.sms, 4);
	assert_int_equal(r.uncertain, 0);
	assert_string_equal(state_of(4, "sms"), "queued");
}

static void test_refused(void **state)
{
	(void)state;
	struct resend_stats r;
	assert_int_equal(store_resend(st, 999, NULL, 0, "cli", &r, T0), STORE_NOTFOUND);
	assert_int_equal(store_resend_preview(st, 999, NULL, 0, &r, T0), STORE_NOTFOUND);
	int n;
	assert_int_equal(store_notice_cancel(st, nid, "cli", &n, T0), STORE_OK);
	int64_t events = num("SELECT count(*) FROM events");
	assert_int_equal(store_resend_preview(st, nid, NULL, 0, &r, T0), STORE_CONFLICT);
	assert_int_equal(store_resend(st, nid, NULL, 0, "cli", &r, T0), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "cancelled"));
	assert_int_equal(num("SELECT count(*) FROM events"), events);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE state = 'queued'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_matches_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_allowance_and_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uncertain_when_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
