/* test_store_sms — the daemon's SQL: atomic claims (never one delivery on
 * two modems), urgent first, retries and give-up, release, crash recovery
 * to `uncertain`, status-report matching for multipart messages, the
 * concatenation reference counter, daily counts, inbound and modem status.
 * Also the inbound reassembly and the +CMS error table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "base/clock.h"
#include "app/config.h"
#include "gateway/daemon.h"
#include "modem/cms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#define T0 1796090400

static char dir[64], path[128];
static struct store *st;

static void add(const char *name, const char *phone, int acc)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	h.channel = CH_SMS;
	h.accents = acc;
	snprintf(h.groups, sizeof h.groups, "xom1");
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
}

static int64_t notice(const char *text, int urgent)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = text;
	r.targets = "all";
	r.channels = CH_SMS;
	r.urgent = urgent;
	r.source = "test";
	r.parts_ucs2 = 1;
	r.parts_gsm7 = 1;
	int64_t id;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	return id;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-ssms.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add("An", "+84912000001", 1);
	add("Binh", "+84912000002", 0);
	add("Chi", "+84912000003", 1);
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

struct counts {
	int queued, sending, sent, delivered, failed, uncertain;
};

static int count_cb(const struct report_count *c, void *arg)
{
	struct counts *k = arg;
	if (strcmp(c->channel, "sms") != 0)
		return 0;
	if (!strcmp(c->state, "queued"))
		k->queued = c->n;
	else if (!strcmp(c->state, "sending"))
		k->sending = c->n;
	else if (!strcmp(c->state, "sent"))
		k->sent = c->n;
	else if (!strcmp(c->state, "delivered"))
		k->delivered = c->n;
	else if (!strcmp(c->state, "failed"))
		k->failed = c->n;
	else if (!strcmp(c->state, "uncertain"))
		k->uncertain = c->n;
	return 0;
}

static struct counts counts_of(int64_t nid)
{
	struct counts k;
	memset(&k, 0, sizeof k);
	assert_int_equal(store_report_counts(st, nid, count_cb, &k, clock_wall_s()), STORE_OK);
	return k;
}

static void test_claim_unique(void **state)
{
	(void)state;
	int64_t nid = notice("Họp thôn", 0);
	struct sms_job a, b, c, x;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &a), STORE_OK);
	assert_int_equal(store_sms_claim(st, "m2", T0, 0, 6, &b), STORE_OK);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &c), STORE_OK);
	assert_int_equal(store_sms_claim(st, "m2", T0, 0, 6, &x), STORE_NOTFOUND);
	assert_true(a.delivery_id != b.delivery_id && b.delivery_id != c.delivery_id && a.delivery_id != c.delivery_id);
	assert_int_equal(a.attempts, 1);
	assert_string_equal(a.text, "Họp thôn");
	assert_int_equal(a.notice_id, nid);
	/* Binh has no accents: gsm7 */
	assert_int_equal(b.ucs2, 0);
	assert_int_equal(a.ucs2, 1);
	assert_int_equal(counts_of(nid).sending, 3);

	/* crash recovery: all three `sending` become uncertain, never re-queued */
	int n;
	assert_int_equal(store_sms_recover(st, T0 + 1, &n), STORE_OK);
	assert_int_equal(n, 3);
	struct counts k = counts_of(nid);
	assert_int_equal(k.uncertain, 3);
	assert_int_equal(k.sending, 0);
	assert_int_equal(store_sms_claim(st, "m1", T0 + 100, 0, 6, &x), STORE_NOTFOUND);
	store_sms_job_clear(&a);
	store_sms_job_clear(&b);
	store_sms_job_clear(&c);
}

static void test_retry_release_fail(void **state)
{
	(void)state;
	int64_t nid = notice("Thu phí", 0);
	struct sms_job j;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK);
	int64_t first = j.delivery_id;
	/* release: back at once, attempt not counted */
	assert_int_equal(store_sms_release(st, &j, "m1", "port lost before sending", T0), STORE_OK);
	/* a second move of a delivery that is no longer `sending` writes
	 * nothing: no attempt or event contradicting its state */
	assert_int_equal(store_sms_fail(st, &j, "m1", "late answer", T0), STORE_CONFLICT);
	assert_non_null(strstr(store_errmsg(st), "no longer being sent"));
	store_sms_job_clear(&j);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK);
	assert_true(j.delivery_id == first);
	assert_int_equal(j.attempts, 1);
	/* transient: not due until next_at */
	assert_int_equal(store_sms_retry(st, &j, "m1", "+CMS ERROR 42: congestion", T0 + 60, 0, T0), STORE_OK);
	store_sms_job_clear(&j);
	struct sms_job o1, o2;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &o1), STORE_OK);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &o2), STORE_OK);
	assert_true(o1.delivery_id != first && o2.delivery_id != first);
	assert_int_equal(store_sms_claim(st, "m1", T0 + 59, 0, 6, &j), STORE_NOTFOUND);
	int64_t next;
	assert_int_equal(store_sms_next_due(st, 0, &next), STORE_OK);
	assert_true(next == T0 + 60);
	assert_int_equal(store_sms_claim(st, "m1", T0 + 60, 0, 6, &j), STORE_OK);
	assert_true(j.delivery_id == first);
	assert_int_equal(j.attempts, 2);
	/* give up */
	assert_int_equal(store_sms_retry(st, &j, "m1", "+CMS ERROR 42: congestion (retries spent)", T0 + 999, 1, T0 + 60),
			 STORE_OK);
	/* permanent */
	assert_int_equal(store_sms_fail(st, &o1, "m1", "+CMS ERROR 1: unassigned (unallocated) number", T0), STORE_OK);
	assert_int_equal(store_sms_uncertain(st, &o2, "m1", "no answer", T0), STORE_OK);
	struct counts k = counts_of(nid);
	assert_int_equal(k.failed, 2);
	assert_int_equal(k.uncertain, 1);
	store_sms_job_clear(&j);
	store_sms_job_clear(&o1);
	store_sms_job_clear(&o2);
}

static void test_reports_multipart(void **state)
{
	(void)state;
	int64_t nid = notice("Tin dài", 0);
	struct sms_job j, j2;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j2), STORE_OK);
	int ref1, ref2;
	assert_int_equal(store_sms_assign_ref(st, j.delivery_id, &ref1), STORE_OK);
	assert_int_equal(store_sms_assign_ref(st, j2.delivery_id, &ref2), STORE_OK);
	assert_true(ref1 != ref2);
	assert_int_equal(store_sms_part_sent(st, &j, "m1", 1, 2, 10, T0), STORE_OK);
	assert_int_equal(store_sms_part_sent(st, &j, "m1", 2, 2, 11, T0), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j, "m1", T0), STORE_OK);
	assert_int_equal(store_sms_part_sent(st, &j2, "m1", 1, 1, 12, T0), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j2, "m1", T0), STORE_OK);
	int n;
	assert_int_equal(store_sms_awaiting_reports(st, T0, &n), STORE_OK);
	assert_int_equal(n, 2);
	int64_t did, rn;
	const char *mv;
	/* wrong modem / recipient: no match */
	assert_int_equal(store_sms_report(st, "m2", 10, j.phone, 1, "x", T0, &did, &rn, &mv), STORE_OK);
	assert_true(did == 0);
	assert_int_equal(store_sms_report(st, "m1", 10, "+84999999999", 1, "x", T0, &did, &rn, &mv), STORE_OK);
	assert_true(did == 0);
	/* part 1 of 2 delivered: still sent */
	assert_int_equal(store_sms_report(st, "m1", 10, j.phone, 1, "ok", T0 + 5, &did, &rn, &mv), STORE_OK);
	assert_true(did == j.delivery_id);
	assert_true(rn == nid);
	assert_int_equal(counts_of(nid).sent, 2);
	assert_null(mv);
	assert_int_equal(store_sms_report(st, "m1", 11, j.phone, 1, "ok", T0 + 6, &did, &rn, &mv), STORE_OK);
	assert_string_equal(mv, "delivered");
	assert_int_equal(store_sms_report(st, "m1", 12, j2.phone, 0, "status report: failed (ST=0x41)", T0 + 6, &did, &rn, &mv),
			 STORE_OK);
	struct counts k = counts_of(nid);
	assert_int_equal(k.delivered, 1);
	assert_int_equal(k.failed, 1);
	assert_int_equal(store_sms_awaiting_reports(st, T0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_sms_parts_since(st, "m1", T0, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_sms_parts_since(st, NULL, T0 + 1, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* a resumed claim sees the parts already accepted and the reference */
	struct sms_job j3;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j3), STORE_OK);
	int ref3;
	assert_int_equal(store_sms_assign_ref(st, j3.delivery_id, &ref3), STORE_OK);
	assert_int_equal(store_sms_part_sent(st, &j3, "m1", 1, 3, 20, T0), STORE_OK);
	assert_int_equal(store_sms_release(st, &j3, "m1", "port lost", T0), STORE_OK);
	store_sms_job_clear(&j3);
	/* ...on the modem that sent the first part only: parts from two SIMs
	 * never join on a phone */
	assert_int_equal(store_sms_claim(st, "m2", T0, 0, 6, &j3), STORE_NOTFOUND);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j3), STORE_OK);
	assert_int_equal(j3.parts_sent, 1);
	assert_int_equal(j3.ref, ref3);
	assert_int_equal(j3.fragments, 0);
	assert_int_equal(store_sms_release(st, &j3, "m1", "port lost", T0), STORE_OK);
	store_sms_job_clear(&j3);
	/* m1 is gone for good: sent whole again elsewhere, new reference */
	char pins[4][32];
	assert_int_equal(store_sms_pinned_modems(st, pins, 4, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(pins[0], "m1");
	assert_int_equal(store_sms_unpin(st, "m2", T0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_sms_unpin(st, "m1", T0, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_sms_claim(st, "m2", T0, 0, 6, &j3), STORE_OK);
	assert_int_equal(j3.parts_sent, 0);
	assert_int_equal(j3.ref, 0);
	assert_int_equal(j3.fragments, 1);
	for (int p = 1; p <= 3; p++)
		assert_int_equal(store_sms_part_sent(st, &j3, "m2", p, 3, 30 + p, T0), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j3, "m2", T0), STORE_OK);
	/* the old part's report no longer decides; the new parts do */
	assert_int_equal(store_sms_report(st, "m1", 20, j3.phone, 1, "ok", T0 + 7, &did, &rn, &mv), STORE_OK);
	assert_null(mv);
	for (int p = 1; p <= 3; p++)
		assert_int_equal(store_sms_report(st, "m2", 30 + p, j3.phone, 1, "ok", T0 + 8, &did, &rn, &mv),
				 STORE_OK);
	assert_string_equal(mv, "delivered");
	store_sms_job_clear(&j);
	store_sms_job_clear(&j2);
	store_sms_job_clear(&j3);
}

static void test_refs_counter(void **state)
{
	(void)state;
	notice("x", 0);
	struct sms_job j;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK);
	int seen[256] = { 0 }, prev = 0;
	for (int i = 0; i < 255; i++) {
		int r;
		assert_int_equal(store_sms_assign_ref(st, j.delivery_id, &r), STORE_OK);
		assert_true(r >= 1 && r <= 255);
		assert_false(seen[r]); /* 255 messages in a row never share one */
		seen[r] = 1;
		if (prev)
			assert_int_equal(r, prev % 255 + 1);
		prev = r;
	}
	store_sms_job_clear(&j);
}

static void test_urgent_first_and_parts(void **state)
{
	(void)state;
	notice("thường", 0);
	int64_t u = notice("KHẨN", 1);
	struct sms_job j;
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK);
	assert_true(j.notice_id == u);
	store_sms_job_clear(&j);
	/* quiet hours: urgent only */
	assert_int_equal(store_sms_claim(st, "m1", T0, 1, 6, &j), STORE_OK);
	assert_true(j.notice_id == u);
	store_sms_job_clear(&j);
	assert_int_equal(store_sms_claim(st, "m1", T0, 1, 6, &j), STORE_OK);
	store_sms_job_clear(&j);
	assert_int_equal(store_sms_claim(st, "m1", T0, 1, 6, &j), STORE_NOTFOUND);
	int64_t next;
	assert_int_equal(store_sms_next_due(st, 1, &next), STORE_NOTFOUND);
	/* the budget: parts above max_parts are not claimed */
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 0, &j), STORE_NOTFOUND);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 1, &j), STORE_OK);
	store_sms_job_clear(&j);
}

/* Past the gateway's daily budget only notices a head let through with
 * GUI <code> (budget_override) are claimed. */
static void test_budget_override_claims(void **state)
{
	(void)state;
	notice("thường", 0);
	int64_t o = notice("vượt hạn mức", 0);
	assert_int_equal(store_notice_set_budget_override(st, o), STORE_OK);
	int64_t next;
	assert_int_equal(store_sms_next_due(st, SMS_CLAIM_OVERRIDE, &next), STORE_OK);
	assert_true(next <= T0);
	struct sms_job j;
	for (int i = 0; i < 3; i++) { /* 3 households */
		assert_int_equal(store_sms_claim(st, "m1", T0, SMS_CLAIM_OVERRIDE, 6, &j), STORE_OK);
		assert_true(j.notice_id == o);
		store_sms_job_clear(&j);
	}
	assert_int_equal(store_sms_claim(st, "m1", T0, SMS_CLAIM_OVERRIDE, 6, &j), STORE_NOTFOUND);
	assert_int_equal(store_sms_next_due(st, SMS_CLAIM_OVERRIDE, &next), STORE_NOTFOUND);
	/* in quiet hours, only an urgent one of them */
	assert_int_equal(store_sms_claim(st, "m1", T0, SMS_CLAIM_OVERRIDE | SMS_CLAIM_URGENT, 6, &j), STORE_NOTFOUND);
	assert_int_equal(store_sms_claim(st, "m1", T0, 0, 6, &j), STORE_OK); /* the ordinary notice is still there */
	store_sms_job_clear(&j);
}

static void test_inbound_status_expire(void **state)
{
	(void)state;
	int64_t id;
	assert_int_equal(store_sms_inbound(st, "m1", "+84987654321", "DK 1", 1, T0 - 5, T0, &id), STORE_OK);
	assert_true(id > 0);
	assert_int_equal(store_sms_modem_status(st, "m1", "ready", 1, 21, "", T0), STORE_OK);
	assert_int_equal(store_sms_modem_status(st, "m1", "backoff", 0, 21, "port lost", T0 + 1), STORE_OK);
	assert_int_equal(store_sms_modem_status(st, "m1", "ready", 1, 20, "", T0 + 2), STORE_OK);
	int64_t nid = notice("cũ", 0);
	int n;
	assert_int_equal(store_sms_expire(st, T0 + 10, 3600, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_sms_expire(st, T0 + 7200, 3600, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(counts_of(nid).queued, 0);
}

static int64_t frag(const char *sender, int ref, int part, int parts, const char *text, int64_t now, char **out)
{
	struct sms_fragment f = { "m1", sender, text, ref, part, parts, T0 - 5 + part };
	int64_t id = -1;
	*out = NULL;
	assert_int_equal(store_sms_fragment(st, &f, now, &id, out), STORE_OK);
	return id;
}

/* Inbound multipart SMS are joined in the database (their SIM copies go at
 * once): out of order, a part twice (read again after a crash), another
 * sender interleaved; one that never completes expires into the inbox. */
static void test_inbound_parts(void **state)
{
	(void)state;
	char *t;
	assert_int_equal(frag("+84987654321", 7, 3, 3, "C", T0, &t), 0);
	assert_int_equal(frag("+84911111111", 7, 1, 2, "x", T0, &t), 0);
	assert_int_equal(frag("+84987654321", 7, 1, 3, "A", T0, &t), 0);
	assert_int_equal(frag("+84987654321", 7, 1, 3, "A", T0, &t), 0);
	int64_t id = frag("+84987654321", 7, 2, 3, "B", T0 + 1, &t);
	assert_true(id > 0);
	assert_string_equal(t, "ABC");
	free(t);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT text, parts, sent_at FROM inbound WHERE id = ?1", -1, &q, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(q, 1, id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ABC");
	assert_int_equal(sqlite3_column_int(q, 1), 3);
	assert_int_equal(sqlite3_column_int64(q, 2), T0 - 4); /* part 1's centre time */
	sqlite3_finalize(q);
	/* the same reference again later is a new message */
	assert_int_equal(frag("+84987654321", 7, 1, 3, "D", T0 + 2, &t), 0);
	int n = -1;
	assert_int_equal(store_sms_fragments_expire(st, T0 + 50, 60, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_sms_fragments_expire(st, T0 + 100, 60, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(sender || ':' || text || ':' || decision, ' ')"
					    " FROM inbound WHERE decision = 'incomplete' ORDER BY sender", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	const char *got = (const char *)sqlite3_column_text(q, 0);
	assert_non_null(strstr(got, "+84911111111:x:incomplete"));
	assert_non_null(strstr(got, "+84987654321:D:incomplete"));
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM inbound_parts", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void test_cms_table(void **state)
{
	(void)state;
	const char *t;
	assert_int_equal(cms_permanent(1, &t), 1);
	assert_string_equal(t, "unassigned (unallocated) number");
	assert_int_equal(cms_permanent(42, &t), 0);
	assert_int_equal(cms_permanent(500, &t), 0);
	assert_int_equal(cms_permanent(331, &t), 0);
	assert_int_equal(cms_permanent(96, &t), 1);
	assert_int_equal(cms_permanent(9999, &t), 0);
	assert_true(daemon_retry_delay_s(60, 1) == 60);
	assert_true(daemon_retry_delay_s(60, 3) == 240);
	assert_true(daemon_retry_delay_s(60, 40) == 86400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claim_unique, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_release_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports_multipart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refs_counter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_urgent_first_and_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_override_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_status_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_parts, setup, teardown),
		cmocka_unit_test(test_cms_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
