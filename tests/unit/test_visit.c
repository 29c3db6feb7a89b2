/* test_visit — the visit channel (store_visit, domain/visit): marking a
 * household told in person, marking again, undoing, the refusals (no
 * notice, not its household, a cancelled notice), and that a visit counts
 * as reached everywhere (report counts and households, the not-reached
 * list, the SMS summary, the resend) while nothing that sends ever touches
 * it (claims, cancel, expiry, fan-out); the visit list's walking order
 * and the note's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "db/store.h"
#include "db/store_call.h"
#include "db/store_sms.h"
#include "db/store_visit.h"
#include "domain/report.h"
#include "domain/visit.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400

static char dir[64], path[128];
static struct store *st;
static int64_t nid;

static int64_t add(const char *name, const char *phone, const char *phone2, const char *groups, int ch)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.phone2, sizeof h.phone2, "%s", phone2);
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	h.channel = ch;
	h.accents = 1;
	int64_t id;
	assert_int_equal(store_household_insert(st, &h, &id, T0), STORE_OK);
	return id;
}

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

static int64_t create(const char *targets, int channels, int64_t when)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Họp thôn 19h tối nay";
	r.targets = targets;
	r.channels = channels;
	r.source = "test";
	r.parts_ucs2 = 1;
	r.parts_gsm7 = 1;
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, when), STORE_OK);
	return id;
}

/* A day after a notice to a small village: SMS failed to all but one,
 * one call unreached, one household added since (not targeted). */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-visit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	add("Nguyễn Văn An", "+84912000001", "", "thon-10", CH_SMS);              /* 1 */
	add("Đặng Thị Bé", "+84912000002", "", "thon-2", CH_BOTH);                /* 2: sms failed, call unreached */
	add("Dương Văn Cả", "+84912000003", "+84987000003", "thon-2", CH_SMS);    /* 3: a second phone */
	add("Lê Văn Dũng", "+84912000004", "", "", CH_SMS);                       /* 4: no group */
	add("Anh Zô", "+84912000005", "", "thon-2", CH_SMS);                      /* 5: delivered */
	add("Cụ Bảy", "+84912000004", "", "thon-10 thon-2", CH_SMS);              /* 6: shares 4's phone */
	assert_int_equal(store_group_set_name(st, "thon-2", "Thôn 2"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "thon-10", "Thôn 10"), STORE_OK);
	nid = create("all", CH_BOTH, T0 - 86400);
	add("Bà Tám", "+84912000008", "", "thon-2", CH_SMS);                      /* 7: after the notice */
	sql("UPDATE deliveries SET state = 'failed', attempts = 3, last_error = '+CMS ERROR 21', updated_at = "
	    "1796000000 WHERE channel = 'sms' AND household_id <> 5");
	sql("UPDATE deliveries SET state = 'delivered', attempts = 1 WHERE household_id = 5");
	sql("UPDATE deliveries SET state = 'unreached', attempts = 3, last_error = 'no answer' WHERE channel = 'voice'");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int collect(const struct report_row *r, void *arg)
{
	sprintf((char *)arg + strlen(arg), "%lld ", (long long)r->household_id);
	return 0;
}

static void unreached(char *buf)
{
	buf[0] = '\0';
	assert_int_equal(store_report_unreached(st, nid, collect, buf, clock_wall_s()), STORE_OK);
}

struct counts {
	int visit, informed, voice;
};

static int add_count(const struct report_count *c, void *arg)
{
	struct counts *k = arg;
	if (!strcmp(c->channel, "visit")) {
		k->visit += c->n;
		k->informed += !strcmp(c->state, "informed") ? c->n : 0;
	} else if (!strcmp(c->channel, "voice")) {
		k->voice += c->n;
	}
	return 0;
}

static void test_mark_counts_as_reached(void **state)
{
	(void)state;
	char buf[256];
	unreached(buf);
	assert_string_equal(buf, "2 3 6 1 4 "); /* Thôn 2, Thôn 10, no group */
	struct report_reach rr;
	assert_int_equal(store_report_reach(st, nid, &rr, clock_wall_s()), STORE_OK);
	assert_int_equal(rr.households, 6);
	assert_int_equal(rr.reached, 1);
	assert_int_equal(rr.unreached, 5);

	struct visit_result r;
	assert_int_equal(store_visit_mark(st, nid, 3, "web:an", "Gặp vợ, đã dặn", T0, &r), STORE_OK);
	assert_int_equal(r.again, 0);
	assert_true(r.delivery_id > 0);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE household_id = 3 AND channel = 'visit'"
			     " AND state = 'informed' AND note = 'Gặp vợ, đã dặn' AND attempts = 0"),
			 1);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'visited' AND household_id = 3"
			     " AND detail = 'by web:an: told in person; note: Gặp vợ, đã dặn'"),
			 1);
	unreached(buf);
	assert_string_equal(buf, "2 6 1 4 ");
	assert_int_equal(store_report_reach(st, nid, &rr, clock_wall_s()), STORE_OK);
	assert_int_equal(rr.reached, 2);
	assert_int_equal(rr.visited, 1);
	assert_int_equal(rr.visit_only, 1);
	assert_int_equal(rr.unreached, 4);
	struct counts k = { 0 };
	assert_int_equal(store_report_counts(st, nid, add_count, &k, clock_wall_s()), STORE_OK);
	assert_int_equal(k.visit, 1);
	assert_int_equal(k.informed, 1);
	assert_int_equal(k.voice, 1);
	/* the SMS summary: told in person apart, never as a call heard */
	char sum[256];
	assert_int_equal(report_summary(st, nid, sum, sizeof sum), STORE_OK);
	assert_non_null(strstr(sum, "goi 0/1 nghe, 1 bao tan nha,"));
	assert_non_null(strstr(sum, "4 ho chua nhan"));
	/* the CSV: English states, address and note at the end */
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	assert_int_equal(report_notice_csv(st, nid, 0, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(csv, ",cause_vi,address,note"));
	assert_non_null(strstr(csv, ",visit,informed,yes,0,"));
	assert_non_null(strstr(csv, ",Gặp vợ, đã dặn\"") ? csv : strstr(csv, "\"Gặp vợ, đã dặn\""));
	free(csv);
}

static void test_mark_again_and_undo(void **state)
{
	(void)state;
	struct visit_result r;
	assert_int_equal(store_visit_mark(st, nid, 1, "cli", "", T0, &r), STORE_OK);
	int64_t did = r.delivery_id;
	clock_advance(600 * 1000);
	/* again without a note: nothing changes, it says so */
	assert_int_equal(store_visit_mark(st, nid, 1, "cli", NULL, T0 + 600, &r), STORE_OK);
	assert_int_equal(r.again, 1);
	assert_int_equal(r.note_changed, 0);
	assert_int_equal(r.delivery_id, did);
	/* again with a note: the note changes, the time told stays */
	assert_int_equal(store_visit_mark(st, nid, 1, "cli", "con trai nhận thay", T0 + 700, &r), STORE_OK);
	assert_int_equal(r.again, 1);
	assert_int_equal(r.note_changed, 1);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE household_id = 1 AND channel = 'visit'"), 1);
	assert_int_equal(num("SELECT updated_at FROM deliveries WHERE household_id = 1 AND channel = 'visit'"), T0);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE household_id = 1 AND channel = 'visit'"
			     " AND note = 'con trai nhận thay'"),
			 1);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'visited' AND household_id = 1"), 3);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'visited' AND household_id = 1 AND detail ="
			     " 'by cli: marked again; note: con trai nhận thay (was: )'"),
			 1);
	/* undo: the row goes, the event stays, unreached again */
	assert_int_equal(store_visit_unmark(st, nid, 1, "web:an", T0 + 800, &r), STORE_OK);
	assert_int_equal(r.still_reached, 0);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE household_id = 1 AND channel = 'visit'"), 0);
	assert_int_equal(num("SELECT count(*) FROM events WHERE kind = 'visit_undone' AND delivery_id = " "(SELECT max(delivery_id) FROM events WHERE kind = 'visited' AND household_id = 1)"
			     " AND detail LIKE 'by web:an: %; its note was: con trai nhận thay'"),
			 1);
	char buf[256];
	unreached(buf);
	assert_string_equal(buf, "2 3 6 1 4 ");
	assert_int_equal(store_visit_unmark(st, nid, 1, "web:an", T0 + 900, &r), STORE_NOTFOUND);
	assert_int_equal(r.why, VISIT_NOT_MARKED);
	/* a household an SMS reached may be told too; undoing leaves it reached */
	assert_int_equal(store_visit_mark(st, nid, 5, "cli", NULL, T0, &r), STORE_OK);
	assert_int_equal(store_visit_unmark(st, nid, 5, "cli", T0, &r), STORE_OK);
	assert_int_equal(r.still_reached, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	int64_t events = num("SELECT count(*) FROM events");
	struct visit_result r;
	assert_int_equal(store_visit_mark(st, 99, 1, "cli", NULL, T0, &r), STORE_NOTFOUND);
	assert_int_equal(r.why, VISIT_NO_NOTICE);
	assert_int_equal(store_visit_mark(st, nid, 7, "cli", NULL, T0, &r), STORE_NOTFOUND);
	assert_int_equal(r.why, VISIT_NOT_TARGETED);
	assert_string_equal(store_errmsg(st), "notice 1 did not go to household 7");
	assert_int_equal(store_visit_mark(st, nid, 4242, "cli", NULL, T0, &r), STORE_NOTFOUND);
	assert_int_equal(r.why, VISIT_NOT_TARGETED);
	assert_int_equal(store_visit_unmark(st, 99, 1, "cli", T0, &r), STORE_NOTFOUND);
	assert_int_equal(r.why, VISIT_NO_NOTICE);
	/* a cancelled notice: no new visit; cancelling never touches one */
	assert_int_equal(store_visit_mark(st, nid, 2, "cli", "x", T0, &r), STORE_OK);
	int n;
	assert_int_equal(store_notice_cancel(st, nid, "cli", &n, T0), STORE_OK);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE channel = 'visit' AND state = 'informed'"), 1);
	assert_int_equal(store_visit_mark(st, nid, 3, "cli", NULL, T0, &r), STORE_CONFLICT);
	assert_int_equal(r.why, VISIT_CANCELLED);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE channel = 'visit'"), 1);
	assert_int_equal(num("SELECT count(*) FROM events"), events + 2); /* the visit and the cancel */
	/* an undo corrects the record even then */
	assert_int_equal(store_visit_unmark(st, nid, 2, "cli", T0, &r), STORE_OK);
}

/* Nothing that queues or sends ever picks a visit: a notice whose
 * deliveries are all queued, one household told in person meanwhile. */
static void test_never_sent(void **state)
{
	(void)state;
	int64_t n2 = create("thon-2", CH_BOTH, T0);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE channel = 'visit'"), 0); /* fan-out */
	struct visit_result r;
	assert_int_equal(store_visit_mark(st, n2, 2, "cli", "ở nhà", T0, &r), STORE_OK);
	int claimed = 0;
	struct sms_job job;
	while (store_sms_claim(st, "m1", T0 + 10, 0, 10, &job) == STORE_OK) {
		assert_int_not_equal(job.delivery_id, r.delivery_id);
		assert_int_equal(store_sms_fail(st, &job, "m1", "x", T0 + 10), STORE_OK);
		store_sms_job_clear(&job);
		claimed++;
	}
	/* the five SMS of thon-2 (Bé's too: told in person does not stop
	 * what is under way), never the visit */
	assert_int_equal(claimed, 5);
	struct call_job cj;
	while (store_call_claim(st, "m1", T0 + 10, 0, 0, &cj) == STORE_OK) {
		assert_int_not_equal(cj.delivery_id, r.delivery_id);
		assert_int_equal(store_call_end(st, &cj, "m1", "no_answer", "no answer", "", "unreached", 0, 0, T0 + 20),
				 STORE_OK);
	}
	int n;
	assert_int_equal(store_sms_expire(st, T0 + 30 * 86400, 3600, &n), STORE_OK);
	assert_int_equal(store_call_expire(st, T0 + 30 * 86400, 3600, &n), STORE_OK);
	assert_int_equal(store_sms_recover(st, T0, &n), STORE_OK);
	assert_int_equal(store_call_recover(st, T0, 3, 60, &n), STORE_OK);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE channel = 'visit' AND state = 'informed'"
			     " AND attempts = 0 AND modem IS NULL"),
			 1);
	/* the resend leaves the household told in person alone */
	struct resend_stats rs;
	assert_int_equal(store_resend_preview(st, n2, NULL, 0, &rs, T0 + 100), STORE_OK);
	int with_visit = rs.households;
	assert_int_equal(store_visit_unmark(st, n2, 2, "cli", T0, &r), STORE_OK);
	assert_int_equal(store_resend_preview(st, n2, NULL, 0, &rs, T0 + 100), STORE_OK);
	assert_int_equal(rs.households, with_visit + 1);
	assert_int_equal(store_visit_mark(st, n2, 2, "cli", NULL, T0, &r), STORE_OK);
	assert_int_equal(store_resend(st, n2, NULL, 0, "cli", &rs, T0 + 100), STORE_OK);
	assert_int_equal(rs.households, with_visit);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE household_id = 2 AND notice_id = 2"
			     " AND state = 'queued'"),
			 0);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE notice_id = 2 AND state = 'queued'"),
			 rs.sms + rs.voice);
	assert_int_equal(num("SELECT count(*) FROM deliveries WHERE channel = 'visit' AND state = 'informed'"), 1);
}

struct seen {
	char buf[512];
};

static int list_row(const struct visit_row *r, void *arg)
{
	struct seen *s = arg;
	sprintf(s->buf + strlen(s->buf), "[%s] %s%s%s; ", visit_group_label(r), r->name, r->informed ? " (told)" : "",
		r->phone2[0] ? " +2" : "");
	return 0;
}

static void test_list_order(void **state)
{
	(void)state;
	struct visit_result r;
	assert_int_equal(store_visit_mark(st, nid, 6, "cli", "đã báo", T0, &r), STORE_OK);
	struct seen s = { "" };
	assert_int_equal(store_visit_list(st, nid, list_row, &s, clock_wall_s()), STORE_OK);
	/* Thôn 2 before Thôn 10; Đặng with the d's; told ones stay, marked;
	 * a household in two groups under its first (by code: thon-10) */
	assert_string_equal(s.buf, "[Thôn 2] Đặng Thị Bé; [Thôn 2] Dương Văn Cả +2; [Thôn 10] Cụ Bảy (told); "
				   "[Thôn 10] Nguyễn Văn An; [] Lê Văn Dũng; ");
	/* without display names: the codes, numbers as numbers all the same */
	sql("UPDATE groups SET name = ''");
	s.buf[0] = '\0';
	assert_int_equal(store_visit_list(st, nid, list_row, &s, clock_wall_s()), STORE_OK);
	assert_string_equal(s.buf, "[thon-2] Đặng Thị Bé; [thon-2] Dương Văn Cả +2; [thon-10] Cụ Bảy (told); "
				   "[thon-10] Nguyễn Văn An; [] Lê Văn Dũng; ");
}

static int phone_hit(int64_t id, const char *name, void *arg)
{
	(void)name;
	sprintf((char *)arg + strlen(arg), "%lld ", (long long)id);
	return 0;
}

static void test_by_phone(void **state)
{
	(void)state;
	char buf[64] = "";
	assert_int_equal(store_visit_by_phone(st, nid, "+84912000004", phone_hit, buf), STORE_OK);
	assert_string_equal(buf, "4 6 "); /* a shared phone: both */
	buf[0] = '\0';
	assert_int_equal(store_visit_by_phone(st, nid, "+84987000003", phone_hit, buf), STORE_OK);
	assert_string_equal(buf, "3 "); /* the second phone */
	buf[0] = '\0';
	assert_int_equal(store_visit_by_phone(st, nid, "+84912000008", phone_hit, buf), STORE_OK);
	assert_string_equal(buf, ""); /* not one of the notice's */
}

static void test_note_rules(void **state)
{
	(void)state;
	enum visit_note_check why;
	char *n = visit_note_clean("  Gặp bà\ncụ\tđã dặn  ", &why);
	assert_non_null(n);
	assert_string_equal(n, "Gặp bà cụ đã dặn");
	free(n);
	/* NFD (some keyboards) is stored as NFC */
	n = visit_note_clean("Ba\xcc\x80 cu\xcc\xa3", &why);
	assert_string_equal(n, "Bà cụ");
	free(n);
	n = visit_note_clean("", &why);
	assert_string_equal(n, "");
	free(n);
	assert_null(visit_note_clean("a\x1b[2Jb", &why));
	assert_int_equal(why, VISIT_NOTE_CONTROL);
	assert_null(visit_note_clean("a\xc2\x9b" "b", &why));
	assert_int_equal(why, VISIT_NOTE_CONTROL);
	assert_null(visit_note_clean("\xff", &why));
	assert_int_equal(why, VISIT_NOTE_UTF8);
	char longer[VISIT_NOTE_MAX * 2 + 8];
	memset(longer, 0, sizeof longer);
	for (int i = 0; i < VISIT_NOTE_MAX; i++)
		strcat(longer, "đ");
	n = visit_note_clean(longer, &why);
	assert_non_null(n); /* 200 characters, 400 bytes: fine */
	free(n);
	strcat(longer, "x");
	assert_null(visit_note_clean(longer, &why));
	assert_int_equal(why, VISIT_NOTE_LONG);
}

/* ---- the list a page at a time (store_visit_order) ---- */

static int setup_empty(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-visit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	return 0;
}

#define VMAX 400
struct walked {
	int64_t ids[VMAX];
	char group[VMAX][64];  /* the heading each is listed under */
	int told[VMAX];
	int n;
	int all;               /* keep the told ones */
	struct visit_tally t;  /* every household of the list by kind */
};

/* The list as store_visit_list gives it (one statement, loa_sortkey),
 * as the web page shows it: without those in progress, told ones only
 * with w->all. */
static int walked_row(const struct visit_row *r, void *arg)
{
	struct walked *w = arg;
	if (r->informed)
		w->t.informed++;
	else if (r->pending)
		w->t.pending++;
	else
		w->t.todo++;
	if ((r->pending && !r->informed) || (r->informed && !w->all))
		return 0;
	assert_true(w->n < VMAX);
	w->told[w->n] = r->informed;
	snprintf(w->group[w->n], sizeof w->group[0], "%s", r->group_code);
	w->ids[w->n++] = r->household_id;
	return 0;
}

static void walked(struct walked *w, int all)
{
	memset(w, 0, sizeof *w);
	w->all = all;
	assert_int_equal(store_visit_list(st, nid, walked_row, w, clock_wall_s()), STORE_OK);
}

static int64_t group_id_of(const char *code)
{
	if (!code[0])
		return 0;
	char q[128];
	snprintf(q, sizeof q, "SELECT id FROM groups WHERE code = '%s'", code);
	return num(q);
}

/* The whole list, then every slice of `limit`, against store_visit_list:
 * the same households in the same order, each once, the same headings. */
static void same_as_list(int all, int limit)
{
	struct walked w;
	walked(&w, all);
	struct visit_ask ask = { NULL, all, 0 };
	struct visit_order o;
	assert_int_equal(store_visit_order(st, nid, &ask, 0, INT_MAX, &o, clock_wall_s()), STORE_OK);
	assert_int_equal(o.n, w.n);
	assert_int_equal(o.got, w.n);
	for (int i = 0; i < w.n; i++) {
		if (o.ids[i] != w.ids[i])
			fail_msg("all=%d: place %d: household %lld, store_visit_list says %lld", all, i, (long long)o.ids[i],
				 (long long)w.ids[i]);
		assert_int_equal(o.groups[i], group_id_of(w.group[i]));
	}
	store_visit_order_free(&o);
	int seen = 0;
	for (int from = 0; from < w.n; from += limit) {
		assert_int_equal(store_visit_order(st, nid, &ask, from, limit, &o, clock_wall_s()), STORE_OK);
		assert_int_equal(o.from, from);
		assert_int_equal(o.got, w.n - from < limit ? w.n - from : limit);
		assert_int_equal(o.group_before, from ? group_id_of(w.group[from - 1]) : -1);
		for (int i = 0; i < o.got; i++)
			assert_int_equal(o.ids[i], w.ids[from + i]);
		seen += o.got;
		store_visit_order_free(&o);
	}
	assert_int_equal(seen, w.n);
	/* past the end: nothing, the counts all the same */
	assert_int_equal(store_visit_order(st, nid, &ask, w.n + limit, limit, &o, clock_wall_s()), STORE_OK);
	assert_int_equal(o.got, 0);
	assert_int_equal(o.n, w.n);
	store_visit_order_free(&o);
}

/* A village of 120: five groups (names with numbers, one without a
 * display name), some households in two, some in none; names with and
 * without accents.  SMS to all, calls to a third; most fail. */
static void village(void)
{
	static const char *const groups[] = { "thon-2", "thon-10", "xom-dong", "to-phu-nu", "" };
	static const char *const family[] = { "Nguyễn", "Đặng", "Dang", "Lê", "Ông", "Bùi" };
	for (int i = 1; i <= 120; i++) {
		char name[64], phone[24], gs[64];
		snprintf(name, sizeof name, "%s Văn %d", family[i % 6], i % 37);
		snprintf(phone, sizeof phone, "+849120%05d", i);
		snprintf(gs, sizeof gs, "%s%s%s", groups[i % 5], i % 9 == 0 ? " " : "", i % 9 == 0 ? "to-phu-nu" : "");
		add(name, phone, "", gs, i % 3 == 0 ? CH_BOTH : CH_SMS);
	}
	assert_int_equal(store_group_set_name(st, "thon-2", "Thôn 2"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "thon-10", "Thôn 10"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "to-phu-nu", "Tổ Phụ nữ"), STORE_OK);
	nid = create("all", CH_BOTH, T0 - 3600);
}

static void test_order_pages(void **state)
{
	(void)state;
	village();
	/* reached: every 4th by SMS, every 6th by a call; in progress: a
	 * queued call, SMS sent a minute ago (no report yet); an old `sent`
	 * is over */
	sql("UPDATE deliveries SET state = 'failed', last_error = '+CMS ERROR 21' WHERE channel = 'sms'");
	sql("UPDATE deliveries SET state = 'delivered' WHERE channel = 'sms' AND household_id % 4 = 0");
	sql("UPDATE deliveries SET state = 'unreached' WHERE channel = 'voice'");
	sql("UPDATE deliveries SET state = 'played' WHERE channel = 'voice' AND household_id % 6 = 0");
	sql("UPDATE deliveries SET state = 'queued' WHERE channel = 'voice' AND household_id % 6 = 3");
	char q[160];
	snprintf(q, sizeof q, "UPDATE deliveries SET state = 'sent', updated_at = %lld WHERE channel = 'sms'"
			      " AND household_id %% 11 = 5", (long long)T0 - 60);
	sql(q);
	snprintf(q, sizeof q, "UPDATE deliveries SET state = 'sent', updated_at = %lld WHERE channel = 'sms'"
			      " AND household_id %% 11 = 7", (long long)T0 - 86400);
	sql(q);
	struct visit_result r;
	for (int64_t h = 1; h <= 120; h += 7)
		if (h % 4 && h % 6 != 0 && h % 6 != 3 && h % 11 != 5)
			assert_int_equal(store_visit_mark(st, nid, h, "cli", "", T0, &r), STORE_OK);
	for (int limit = 1; limit <= 50; limit += 6) {
		same_as_list(0, limit);
		same_as_list(1, limit);
	}
	/* the counts: every household by kind, whatever the slice */
	struct walked w;
	walked(&w, 1);
	assert_true(w.t.todo > 10 && w.t.informed > 3 && w.t.pending > 3);
	struct visit_ask ask = { NULL, 0, 0 };
	struct visit_order o;
	assert_int_equal(store_visit_order(st, nid, &ask, 0, 10, &o, clock_wall_s()), STORE_OK);
	assert_memory_equal(&o.notice, &w.t, sizeof w.t);
	assert_memory_equal(&o.shown, &w.t, sizeof w.t);
	assert_int_equal(o.n, w.t.todo);
	assert_int_equal(o.hidden, w.t.informed);
	assert_int_equal(o.keep_at, -1);
	store_visit_order_free(&o);
	/* the household just marked (the last told one) stays listed, on the
	 * slice that holds it, wherever the slice asked for was */
	int k = 0;
	for (int i = 1; i < w.n; i++)
		if (w.told[i])
			k = i;
	assert_true(k > 0);
	int at = 0;
	for (int i = 0; i < k; i++)
		at += !w.told[i];
	ask.keep = w.ids[k];
	assert_int_equal(store_visit_order(st, nid, &ask, 0, 5, &o, clock_wall_s()), STORE_OK);
	assert_int_equal(o.keep_at, at);
	assert_int_equal(o.from, at / 5 * 5);
	assert_int_equal(o.n, w.t.todo + 1);
	assert_int_equal(o.hidden, w.t.informed - 1);
	assert_int_equal(o.ids[at % 5], w.ids[k]);
	store_visit_order_free(&o);
}

/* One group: its members only (in whichever group they are listed
 * first), by name; an unknown group is no group. */
static void test_order_group(void **state)
{
	(void)state;
	village();
	sql("UPDATE deliveries SET state = 'failed' WHERE channel = 'sms'");
	sql("UPDATE deliveries SET state = 'unreached' WHERE channel = 'voice'");
	struct walked w;
	walked(&w, 1);
	struct visit_ask ask = { "to-phu-nu", 0, 0 };
	struct visit_order o;
	assert_int_equal(store_visit_order(st, nid, &ask, 0, INT_MAX, &o, clock_wall_s()), STORE_OK);
	int members = (int)num("SELECT count(*) FROM household_groups hg JOIN groups g ON g.id = hg.group_id"
			       " WHERE g.code = 'to-phu-nu'");
	assert_int_equal(o.n, members);
	assert_int_equal(o.shown.todo, members);
	assert_int_equal(o.notice.todo, 120);
	int64_t gid = group_id_of("to-phu-nu");
	for (int i = 0; i < o.n; i++) {
		char q[160];
		snprintf(q, sizeof q, "SELECT count(*) FROM household_groups WHERE household_id = %lld AND group_id = %lld",
			 (long long)o.ids[i], (long long)gid);
		assert_int_equal(num(q), 1);
		assert_int_equal(o.groups[i], gid);
	}
	/* by name, as the whole list orders names inside a group: the members
	 * listed under Tổ Phụ nữ there come in the same order here */
	int last = -1;
	for (int i = 0; i < w.n; i++) {
		if (strcmp(w.group[i], "to-phu-nu") != 0)
			continue;
		int j = 0;
		while (j < o.n && o.ids[j] != w.ids[i])
			j++;
		assert_true(j < o.n && j > last);
		last = j;
	}
	store_visit_order_free(&o);
	/* a page of it starts inside the group */
	assert_int_equal(store_visit_order(st, nid, &ask, 4, 4, &o, clock_wall_s()), STORE_OK);
	assert_int_equal(o.group_before, gid);
	store_visit_order_free(&o);
	ask.group = "khong-co";
	assert_int_equal(store_visit_order(st, nid, &ask, 0, 10, &o, clock_wall_s()), STORE_NOTFOUND);
	assert_int_equal(o.got, 0);
}

/* Nothing reached anyone (the households dense among the ids: the
 * names read as one range), and only a few left (one lookup each). */
static void test_order_dense_sparse(void **state)
{
	(void)state;
	village();
	sql("UPDATE deliveries SET state = 'failed' WHERE channel = 'sms'");
	sql("UPDATE deliveries SET state = 'unreached' WHERE channel = 'voice'");
	same_as_list(0, 17);
	sql("UPDATE deliveries SET state = 'delivered' WHERE channel = 'sms' AND household_id % 13 <> 0");
	sql("UPDATE deliveries SET state = 'confirmed' WHERE channel = 'voice' AND household_id % 13 <> 0");
	same_as_list(0, 3);
	struct walked w;
	walked(&w, 0);
	assert_int_equal(w.n, 9); /* 13, 26, ... 117 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mark_counts_as_reached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_again_and_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_phone, setup, teardown),
		cmocka_unit_test(test_note_rules),
		cmocka_unit_test_setup_teardown(test_order_pages, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_order_group, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_order_dense_sparse, setup_empty, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
