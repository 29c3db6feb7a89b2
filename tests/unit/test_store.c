/* Store: migrations (old -> new, newer refused), file mode, fan-out by
 * channel / opt-out / encoding / targets, cancel, reports, the append-only
 * event log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/store.h"
#include "db/store_sms.h"
#include "base/clock.h"
#include "app/config.h"
#include "domain/notice.h"

static char dir[64], path[128];

static int mkdb(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-store.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake(1796090400000LL);
	return 0;
}

static int rmdb(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void add(struct store *st, const char *name, const char *phone, int ch, int acc, const char *groups,
		int landline)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	h.channel = ch;
	h.accents = acc;
	h.landline = landline;
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
}

struct tally {
	int sms_queued, voice_queued, cancelled, other;
};

static int tally(const struct report_count *c, void *arg)
{
	struct tally *t = arg;
	if (!strcmp(c->state, "queued"))
		*(strcmp(c->channel, "sms") ? &t->voice_queued : &t->sms_queued) += c->n;
	else if (!strcmp(c->state, "cancelled"))
		t->cancelled += c->n;
	else
		t->other += c->n;
	return 0;
}

static void test_migrations(void **state)
{
	(void)state;
	char err[512];
	struct store *st;
	int latest = store_latest_version();
	assert_true(latest >= 1);
	/* An empty file is version 0; every older version upgrades in place
	 * and keeps its data. */
	for (int v = 1; v <= latest; v++) {
		unlink(path);
		assert_int_equal(store_open_at_version(path, v, &st, err, sizeof err), STORE_OK);
		assert_int_equal(store_version(st), v);
		store_close(st);
		/* rows as version 1 wrote them (today's store writes columns an
		 * old schema lacks): a household in a group, a notice and a
		 * delivery with an attempt that refers to it */
		sqlite3 *old;
		assert_int_equal(sqlite3_open(path, &old), SQLITE_OK);
		assert_int_equal(sqlite3_exec(old,
			"PRAGMA foreign_keys = ON;"
			"INSERT INTO households(id, name, phone, channel, created_at, updated_at)"
			" VALUES (1, 'An', '+84912345678', 1, 0, 0);"
			"INSERT INTO groups(id, code) VALUES (1, 'a');"
			"INSERT INTO household_groups VALUES (1, 1);"
			"INSERT INTO notices(id, text, targets, channels, source, parts_ucs2, parts_gsm7, created_at, due_at)"
			" VALUES (1, 'Hop', 'all', 1, 'cli', 1, 1, 0, 0);"
			"INSERT INTO deliveries(id, notice_id, household_id, channel, state, next_at, updated_at)"
			" VALUES (1, 1, 1, 'sms', 'delivered', 0, 0);"
			"INSERT INTO attempts(delivery_id, modem, started_at) VALUES (1, 'm1', 0);",
			NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(old);
		assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
		assert_int_equal(store_version(st), latest);
		struct household h;
		assert_int_equal(store_household_by_phone(st, "+84912345678", &h), STORE_OK);
		assert_string_equal(h.groups, "a");
		struct tally t = { 0 };
		assert_int_equal(store_report_counts(st, 1, tally, &t, clock_wall_s()), STORE_OK);
		assert_int_equal(t.other, 1);
		store_close(st);
		assert_int_equal(sqlite3_open(path, &old), SQLITE_OK);
		/* the rebuilt deliveries kept its rows, the attempt still refers
		 * to one, and the foreign keys hold */
		assert_int_equal(sqlite3_exec(old, "PRAGMA foreign_keys = ON;"
			"INSERT INTO attempts(delivery_id, modem, started_at) VALUES (1, 'm1', 1);", NULL, NULL, NULL),
			SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(old, "PRAGMA foreign_keys = ON;"
			"INSERT INTO attempts(delivery_id, modem, started_at) VALUES (99, 'm1', 1);", NULL, NULL, NULL),
			SQLITE_OK);
		sqlite3_close(old);
		/* idempotent: opening again changes nothing */
		assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
		assert_int_equal(store_version(st), latest);
		store_close(st);
	}
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* a newer database is refused and left alone */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, "install a newer loa"));
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), latest + 1);
	sqlite3_finalize(s);
	sqlite3_close(db);
}


static struct store *village(void)
{
	char err[512];
	struct store *st;
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add(st, "An", "+84912000001", CH_SMS, 1, "dong", 0);
	add(st, "Binh", "+84912000002", CH_SMS, 0, "dong chan-nuoi", 0);
	add(st, "Chi", "+84912000003", CH_BOTH, 1, "tay", 0);
	add(st, "Dung", "+842333852456", CH_VOICE, 1, "tay chan-nuoi", 1);
	add(st, "Em", "+84912000005", CH_VOICE, 0, "dong", 0);
	struct household h;
	assert_int_equal(store_household_by_phone(st, "+84912000005", &h), STORE_OK);
	assert_int_equal(store_household_set_optout(st, h.id, 1, clock_wall_s()), STORE_OK);
	return st;
}

static void test_fanout(void **state)
{
	(void)state;
	struct store *st = village();
	struct notice_req r = { .text = "Họp thôn", .targets = "all", .channels = CH_BOTH, .source = "test",
				.sms_policy = SMSENC_AUTO, .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs, pv;
	int64_t id;
	assert_int_equal(store_notice_preview(st, &r, &pv), STORE_OK);
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	assert_memory_equal(&fs, &pv, sizeof fs);
	assert_int_equal(fs.households, 4);  /* Em opted out */
	assert_int_equal(fs.opted_out, 1);
	assert_int_equal(fs.sms, 3);
	assert_int_equal(fs.sms_ucs2, 2);    /* An, Chi */
	assert_int_equal(fs.sms_gsm7, 1);    /* Binh has no accents */
	assert_int_equal(fs.voice, 2);       /* Chi, Dung */
	struct tally t = { 0 };
	assert_int_equal(store_report_counts(st, id, tally, &t, clock_wall_s()), STORE_OK);
	assert_int_equal(t.sms_queued, 3);
	assert_int_equal(t.voice_queued, 2);

	/* urgent reaches the opted-out; SMS-only skips voice-only households */
	r.urgent = 1;
	r.channels = CH_SMS;
	r.targets = "dong,tay";
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	assert_int_equal(fs.households, 3);
	assert_int_equal(fs.no_channel, 2);  /* Dung, Em: voice only */
	assert_int_equal(fs.voice, 0);
	/* group names are case-insensitive; ascii policy strips everyone */
	r.urgent = 0;
	r.channels = CH_BOTH;
	r.targets = "CHAN-NUOI";
	r.sms_policy = SMSENC_ASCII;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	assert_int_equal(fs.households, 2);
	assert_int_equal(fs.sms_gsm7, 1);
	assert_int_equal(fs.voice, 1);
	r.sms_policy = SMSENC_UNICODE;
	r.targets = "dong";
	assert_int_equal(store_notice_preview(st, &r, &fs), STORE_OK);
	assert_int_equal(fs.sms_ucs2, 2);
	/* a removed household is not targeted */
	struct household h;
	assert_int_equal(store_household_by_phone(st, "+84912000001", &h), STORE_OK);
	assert_int_equal(store_household_remove(st, h.id, clock_wall_s()), STORE_OK);
	assert_int_equal(store_notice_preview(st, &r, &fs), STORE_OK);
	assert_int_equal(fs.sms, 1);
	assert_int_equal(store_household_remove(st, h.id, clock_wall_s()), STORE_NOTFOUND);
	store_close(st);
}

/* The encoding rule (domain/notice.c notice_sms_policy): a text without
 * accents goes GSM 7-bit to every household, accents=yes ones too, and the
 * parts and cost agree with the deliveries; an accented text is chosen per
 * household as before; the ambiguity warning only when Loa strips; a voice
 * notice without accents is flagged (the tones will be wrong). */
static void test_fanout_unaccented(void **state)
{
	(void)state;
	struct store *st = village();
	struct notice_cfg cfg = { .max_chars = 1000, .sms_encoding = SMSENC_AUTO, .sms_max_parts = 5,
				  .sms_part_cost = 300, .call_repeats = 2, .tts_rate = 140 };
	struct notice_plan p;
	char err[256];
	int64_t id;
	assert_int_equal(notice_plan(st, &cfg, "Bao so 6 sap do bo, hop khan luc 19h", "all", CH_BOTH, 0, 0, "cli", &p,
				     err, sizeof err), EXIT_OK);
	assert_true(p.unaccented);
	assert_true(p.voice_unaccented);        /* Chi and Dung get a call */
	assert_string_equal(p.ambiguous, "");   /* "bao" is the sender's own word */
	assert_int_equal(p.req.sms_policy, SMSENC_ASCII);
	assert_int_equal(p.stats.sms, 3);
	assert_int_equal(p.stats.sms_gsm7, 3);  /* An and Chi have accents=yes */
	assert_int_equal(p.stats.sms_ucs2, 0);
	assert_int_equal(p.parts_gsm7, 1);
	assert_int_equal(p.cost, 3 * 300);
	/* the preview says so, and warns that speech will have no tones */
	static char out[2048];
	FILE *f = fmemopen(out, sizeof out, "w");
	notice_plan_print(&p, &cfg, f);
	fclose(f);
	assert_non_null(strstr(out, "sms: the text has no accents: GSM 7-bit for every household\n"));
	assert_non_null(strstr(out, "warning: no accents: read aloud, the tones will be wrong; record it instead (--audio)"));
	assert_null(strstr(out, "ambiguous"));
	p.req.audio_path = "/tmp/recorded.wav"; /* a recording: nothing to warn */
	f = fmemopen(out, sizeof out, "w");
	notice_plan_print(&p, &cfg, f);
	fclose(f);
	assert_null(strstr(out, "tones"));
	p.req.audio_path = NULL;
	assert_int_equal(notice_create(st, &p, &id, err, sizeof err), EXIT_OK);
	notice_plan_free(&p);
	for (int i = 0; i < 3; i++) {
		struct sms_job j;
		memset(&j, 0, sizeof j);
		assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &j), STORE_OK);
		assert_int_equal(j.notice_id, id);
		assert_int_equal(j.ucs2, 0);
		assert_int_equal(j.parts, 1);
		store_sms_job_clear(&j);
	}
	/* accented: per household, and the stripped form's ambiguity warned */
	assert_int_equal(notice_plan(st, &cfg, "Bão số 6 sắp đổ bộ", "all", CH_SMS, 0, 0, "cli", &p, err, sizeof err),
			 EXIT_OK);
	assert_false(p.unaccented);
	assert_false(p.voice_unaccented);
	assert_string_equal(p.ambiguous, "bao");
	assert_int_equal(p.req.sms_policy, SMSENC_AUTO);
	assert_int_equal(p.stats.sms_ucs2, 2);
	assert_int_equal(p.stats.sms_gsm7, 1);
	notice_plan_free(&p);
	/* sms.encoding = unicode is the administrator's word: kept */
	cfg.sms_encoding = SMSENC_UNICODE;
	assert_int_equal(notice_plan(st, &cfg, "Hop thon", "all", CH_SMS, 0, 0, "cli", &p, err, sizeof err), EXIT_OK);
	assert_true(p.unaccented);
	assert_false(p.voice_unaccented);       /* SMS only */
	assert_int_equal(p.stats.sms_ucs2, 3);
	notice_plan_free(&p);
	/* a character stripping cannot map needs Unicode: not "unaccented" */
	assert_false(notice_unaccented("Hop thon \xe2\x98\x85"));
	assert_true(notice_unaccented("Hop thon \xe2\x80\x93 19h"));
	store_close(st);
}

static int collect(const struct report_row *r, void *arg)
{
	strcat(arg, r->name);
	strcat(arg, ":");
	strcat(arg, r->state);
	strcat(arg, " ");
	return 0;
}

static void test_cancel_and_reports(void **state)
{
	(void)state;
	struct store *st = village();
	struct notice_req r = { .text = "Họp", .targets = "all", .channels = CH_BOTH, .source = "test",
				.parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id, latest;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	assert_int_equal(store_notice_latest(st, &latest), STORE_OK);
	assert_int_equal(latest, id);
	char buf[512] = "";
	assert_int_equal(store_report_unreached(st, id, collect, buf, clock_wall_s()), STORE_OK);
	/* walking order: by first group (Binh and Dung are in chan-nuoi), then name */
	assert_string_equal(buf, "Binh:queued Dung:queued An:queued Chi:queued,queued ");
	int n = -1;
	assert_int_equal(store_notice_cancel(st, id, "test", &n, clock_wall_s()), STORE_OK);
	assert_int_equal(n, 5);
	struct tally t = { 0 };
	assert_int_equal(store_report_counts(st, id, tally, &t, clock_wall_s()), STORE_OK);
	assert_int_equal(t.cancelled, 5);
	assert_int_equal(t.sms_queued + t.voice_queued, 0);
	struct notice nt;
	assert_int_equal(store_notice_get(st, id, &nt), STORE_OK);
	assert_string_equal(nt.state, "cancelled");
	assert_string_equal(nt.text, "Họp");
	store_notice_clear(&nt);
	assert_int_equal(store_notice_cancel(st, 999, "test", &n, clock_wall_s()), STORE_NOTFOUND);
	buf[0] = '\0';
	struct household h;
	assert_int_equal(store_household_by_phone(st, "+84912000003", &h), STORE_OK);
	assert_int_equal(store_report_household(st, h.id, collect, buf), STORE_OK);
	assert_string_equal(buf, "Chi:cancelled Chi:cancelled ");
	store_close(st);
}

static int collect_pending(const struct report_row *r, void *arg)
{
	sprintf((char *)arg + strlen(arg), "%s:%s%s ", r->name, r->state, r->pending ? "(pending)" : "");
	return 0;
}

static int pending_count(const struct report_count *c, void *arg)
{
	*(int *)arg += c->pending;
	return 0;
}

/* A sent SMS waits for its status report for the report wait, then its
 * household is "not reached" like any other final state. */
static void test_report_wait(void **state)
{
	(void)state;
	struct store *st = village();
	store_set_report_wait(st, 3600);
	struct notice_req r = { .text = "Họp", .targets = "dong", .channels = CH_SMS, .source = "test",
				.parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	struct sms_job job;
	assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &job), STORE_OK);
	assert_int_equal(store_sms_sent(st, &job, "m1", clock_wall_s()), STORE_OK);
	store_sms_job_clear(&job);
	char buf[256] = "";
	assert_int_equal(store_report_unreached(st, id, collect_pending, buf, clock_wall_s()), STORE_OK);
	assert_string_equal(buf, "Binh:queued(pending) An:sent(pending) "); /* chan-nuoi before dong */
	int pending = 0;
	assert_int_equal(store_report_counts(st, id, pending_count, &pending, clock_wall_s()), STORE_OK);
	assert_int_equal(pending, 2);
	clock_advance(3601 * 1000);
	buf[0] = '\0';
	assert_int_equal(store_report_unreached(st, id, collect_pending, buf, clock_wall_s()), STORE_OK);
	assert_string_equal(buf, "Binh:queued(pending) An:sent ");
	pending = 0;
	assert_int_equal(store_report_counts(st, id, pending_count, &pending, clock_wall_s()), STORE_OK);
	assert_int_equal(pending, 1);
	store_close(st);
}

static void test_events_append_only(void **state)
{
	(void)state;
	struct store *st = village();
	assert_int_equal(store_event(st, "test", 0, 0, 0, NULL, "x", clock_wall_s()), STORE_OK);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET kind = 'y'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* The schema refuses a delivery state its channel does not have, whoever
 * writes it (migration 8's triggers read the channel table). */
static void test_delivery_states_checked(void **state)
{
	(void)state;
	struct store *st = village();
	struct notice_req r = { .text = "Họp thôn", .targets = "all", .channels = CH_BOTH, .source = "test",
				.sms_policy = SMSENC_AUTO, .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	assert_true(fs.sms > 0 && fs.voice > 0);
	store_close(st);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	static const char *const refused[] = {
		"UPDATE deliveries SET state = 'delivered' WHERE channel = 'voice'",
		"UPDATE deliveries SET state = 'confirmed' WHERE channel = 'sms'",
		"UPDATE deliveries SET state = 'informed' WHERE channel = 'sms'",
		"UPDATE deliveries SET channel = 'voice', state = 'sent' WHERE channel = 'sms'",
		"INSERT INTO deliveries(notice_id, household_id, channel, state, next_at, updated_at)"
		" SELECT notice_id, household_id, 'sms', 'played', 0, 0 FROM deliveries LIMIT 1",
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char *msg = NULL;
		assert_int_not_equal(sqlite3_exec(db, refused[i], NULL, NULL, &msg), SQLITE_OK);
		assert_non_null(msg);
		assert_non_null(strstr(msg, "delivery state not allowed for its channel"));
		sqlite3_free(msg);
	}
	assert_int_equal(sqlite3_exec(db, "UPDATE deliveries SET state = 'delivered' WHERE channel = 'sms'", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE deliveries SET state = 'confirmed' WHERE channel = 'voice'", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A son's phone for two parents: a phone may belong to several households
 * (the importer warns; the store allows it). */
static void test_phone_shared(void **state)
{
	(void)state;
	struct store *st = village();
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "Dup");
	snprintf(h.phone, sizeof h.phone, "+84912000001");
	snprintf(h.phone2, sizeof h.phone2, "+84987000002");
	snprintf(h.address, sizeof h.address, "Thôn 3, gần cầu treo");
	h.channel = CH_SMS;
	int64_t id;
	assert_int_equal(store_household_insert(st, &h, &id, clock_wall_s()), STORE_OK);
	struct household back;
	assert_int_equal(store_household_get(st, id, &back), STORE_OK);
	assert_string_equal(back.phone2, "+84987000002");
	assert_string_equal(back.address, "Thôn 3, gần cầu treo");
	assert_int_equal(store_group_set_name(st, "xom-dong-tien", "Xóm Đông Tiến"), STORE_OK);
	char name[64];
	assert_int_equal(store_group_name(st, "XOM-DONG-TIEN", name, sizeof name), STORE_OK);
	assert_string_equal(name, "Xóm Đông Tiến");
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_fanout, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_fanout_unaccented, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_cancel_and_reports, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_report_wait, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_events_append_only, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_phone_shared, mkdb, rmdb),
		cmocka_unit_test_setup_teardown(test_delivery_states_checked, mkdb, rmdb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
