/* test_report_page — the notice page's reads (store_report_page,
 * store_report_page_count, store_report_tally, store_hh_group_each) and
 * the downloads' chunked walks (store_report_page after a key,
 * store_household_after, store_notice_page): for every filter (state,
 * channel, group, only not reached, and combinations) the rows are
 * exactly those a plain reading of every delivery selects, in household
 * then channel order; pages of any size cover them once each with the
 * same total; a walk in chunks gives the same rows; a visit ("informed")
 * counts as reached; the index-only tally agrees with store_report_counts;
 * other notices never leak in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "db/channel.h"
#include "db/store.h"
#include "db/store_webhh.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400LL
#define NHH 300

static char dir[64], path[128];
static struct store *st;

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

static const char *const groups[] = { "xom-dong-tien", "xom-tay-son", "to-chan-nuoi" };

/* A village of NHH households in three groups (some in two), by SMS, by
 * call or both; notice 1 to all in varied states, with visits; notice 2
 * to one group, untouched. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-page.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake(T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	static const char *const family[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng" };
	for (int i = 1; i <= NHH; i++) {
		struct household h;
		memset(&h, 0, sizeof h);
		snprintf(h.name, sizeof h.name, "%s Văn Hộ %d", family[i % 7], i);
		snprintf(h.phone, sizeof h.phone, "+8491200%04d", i);
		if (i % 9 == 2)
			snprintf(h.phone2, sizeof h.phone2, "+8498700%04d", i);
		snprintf(h.groups, sizeof h.groups, "%s%s", groups[i % 3], i % 10 == 0 && i % 3 != 2 ? " to-chan-nuoi" : "");
		h.channel = i % 5 == 0 ? CH_VOICE : i % 5 == 1 ? CH_SMS : CH_BOTH;
		h.accents = 1;
		assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
	}
	assert_int_equal(store_group_set_name(st, "xom-dong-tien", "Xóm Đông Tiến"), STORE_OK);
	struct notice_req req = { .text = "Họp thôn 19h30", .targets = "all", .channels = CH_BOTH, .source = "cli",
				  .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &req, &id, &fs, T0), STORE_OK);
	assert_int_equal(id, 1);
	req.targets = "xom-tay-son";
	assert_int_equal(store_notice_create(st, &req, &id, &fs, T0), STORE_OK);
	/* sent 3 days ago: past the report wait; sent now: in progress */
	sql("UPDATE deliveries SET updated_at = 1796090400 + household_id, state = CASE household_id % 7"
	    " WHEN 0 THEN 'failed' WHEN 1 THEN 'delivered' WHEN 2 THEN 'sent' WHEN 3 THEN 'sent'"
	    " WHEN 4 THEN 'queued' WHEN 5 THEN 'uncertain' ELSE 'delivered' END,"
	    " last_error = CASE household_id % 7 WHEN 0 THEN '+CMS ERROR 1' ELSE '' END"
	    " WHERE notice_id = 1 AND channel = 'sms';"
	    "UPDATE deliveries SET updated_at = 1796090400 - 259200 WHERE notice_id = 1 AND household_id % 7 = 3"
	    " AND channel = 'sms';"
	    "UPDATE deliveries SET updated_at = 1796090400 + household_id, state = CASE household_id % 4"
	    " WHEN 0 THEN 'confirmed' WHEN 1 THEN 'unreached' WHEN 2 THEN 'played' ELSE 'failed' END"
	    " WHERE notice_id = 1 AND channel = 'voice';"
	    "UPDATE deliveries SET phone_idx = 1 WHERE notice_id = 1 AND household_id % 9 = 2;"
	    /* visits recorded long after, far from the notice's other ids: the
	     * id sets of the walk then need their hash, not their bitmap */
	    "INSERT INTO deliveries(id, notice_id, household_id, channel, state, next_at, updated_at, note)"
	    " SELECT 1000000000 + 1000 * id, 1, id, 'visit', 'informed', 1796090400, 1796090400 + 50, 'đã báo'"
	    " FROM households WHERE id % 11 = 0;");
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

/* ---- the reference: every delivery, filtered by hand ---- */

struct del {
	int64_t id, hid;
	char channel[8], state[16], groups[64];
};
static struct del all[3 * NHH];
static int nall;

static int collect_all(const struct report_row *r, void *arg)
{
	(void)arg;
	assert_true(nall < (int)(sizeof all / sizeof all[0]));
	struct del *d = &all[nall++];
	d->id = r->delivery_id;
	d->hid = r->household_id;
	snprintf(d->channel, sizeof d->channel, "%s", r->channel);
	snprintf(d->state, sizeof d->state, "%s", r->state);
	snprintf(d->groups, sizeof d->groups, "%s", r->groups);
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct del *x = a, *y = b;
	if (x->hid != y->hid)
		return x->hid < y->hid ? -1 : 1;
	return strcmp(x->channel, y->channel);
}

static void load_all(void)
{
	nall = 0;
	assert_int_equal(store_report_deliveries(st, 1, collect_all, NULL), STORE_OK);
	qsort(all, (size_t)nall, sizeof all[0], by_key);
}

static int household_reached(int64_t hid)
{
	for (int i = 0; i < nall; i++)
		if (all[i].hid == hid && channel_state_reached(all[i].state))
			return 1;
	return 0;
}

static int in_group(const char *codes, const char *g)
{
	char copy[64];
	snprintf(copy, sizeof copy, "%s", codes);
	for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (strcmp(t, g) == 0)
			return 1;
	return 0;
}

static int expected(const struct report_filter *f, int64_t *ids)
{
	int n = 0;
	for (int i = 0; i < nall; i++) {
		const struct del *d = &all[i];
		if ((f->state && strcmp(d->state, f->state) != 0) || (f->channel && strcmp(d->channel, f->channel) != 0) ||
		    (f->group && !in_group(d->groups, f->group)) || (f->unreached && household_reached(d->hid)))
			continue;
		ids[n++] = d->id;
	}
	return n;
}

/* ---- what the store gives ---- */

struct got {
	int64_t ids[3 * NHH];
	int n;
	struct report_key key;
};

static int collect(const struct report_row *r, void *arg)
{
	struct got *g = arg;
	assert_true(g->n < 3 * NHH);
	g->ids[g->n++] = r->delivery_id;
	g->key.household_id = r->household_id;
	snprintf(g->key.channel, sizeof g->key.channel, "%s", r->channel);
	assert_int_equal(r->notice_id, 1);
	return 0;
}

static void check_filter(const struct report_filter *f)
{
	static int64_t want[3 * NHH];
	int n = expected(f, want);
	int count = -1;
	assert_int_equal(store_report_page_count(st, 1, f, &count), STORE_OK);
	assert_int_equal(count, n);
	/* pages of 37 and of 100: each the next slice, with the same total */
	static const int sizes[] = { 37, 100 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int size = sizes[k];
		struct got g;
		memset(&g, 0, sizeof g);
		for (int off = 0; off <= n; off += size) {
			int before = g.n, total = -1;
			assert_int_equal(store_report_page(st, 1, f, NULL, off, size, &total, collect, &g, T0), STORE_OK);
			assert_int_equal(total, n);
			assert_int_equal(g.n - before, n - off < size ? n - off : size);
		}
		assert_int_equal(g.n, n);
		for (int i = 0; i < n; i++)
			assert_int_equal(g.ids[i], want[i]);
	}
	/* past the end: nothing, the same total */
	struct got g;
	memset(&g, 0, sizeof g);
	int total = -1;
	assert_int_equal(store_report_page(st, 1, f, NULL, n + 5, 10, &total, collect, &g, T0), STORE_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(total, n);
	/* a download's walk in chunks of 25 after the last key */
	memset(&g, 0, sizeof g);
	for (;;) {
		int before = g.n;
		struct report_key after = g.key;
		assert_int_equal(store_report_page(st, 1, f, &after, 0, 25, NULL, collect, &g, T0), STORE_OK);
		if (g.n - before < 25)
			break;
	}
	assert_int_equal(g.n, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(g.ids[i], want[i]);
}

static void test_filters(void **state)
{
	(void)state;
	load_all();
	assert_int_equal(nall, 240 + 240 + 27); /* 4/5 by SMS, 4/5 by call, visits */
	struct report_filter none = { NULL, NULL, NULL, 0 };
	check_filter(&none);
	/* every state and channel of the channel table, alone and with "not reached" */
	for (const struct channel *c = channel_table; c->id; c++) {
		struct report_filter f = { NULL, c->id, NULL, 0 };
		check_filter(&f);
		f.unreached = 1;
		check_filter(&f);
		for (const char *const *s = c->states; *s; s++) {
			struct report_filter g = { *s, NULL, NULL, 0 };
			check_filter(&g);
			g.unreached = 1;
			check_filter(&g);
			g.channel = c->id;
			check_filter(&g);
		}
	}
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		struct report_filter f = { NULL, NULL, groups[i], 0 };
		check_filter(&f);
		f.unreached = 1;
		check_filter(&f);
		f.state = "failed";
		check_filter(&f);
		f.channel = "voice";
		check_filter(&f);
		f.unreached = 0;
		check_filter(&f);
	}
	struct report_filter unreached = { NULL, NULL, NULL, 1 };
	check_filter(&unreached);
	/* a group nobody is in, a state nothing is in: empty */
	struct report_filter nobody = { NULL, NULL, "khong-co", 0 };
	check_filter(&nobody);
	static int64_t want[3 * NHH];
	assert_int_equal(expected(&nobody, want), 0);
	/* "not reached" really excludes every household with a reached
	 * delivery, a visit included (household 11: its SMS still queued, an
	 * officer told it in person), and keeps one whose every channel failed */
	struct got g;
	memset(&g, 0, sizeof g);
	assert_int_equal(store_report_page(st, 1, &unreached, NULL, 0, 3 * NHH, NULL, collect, &g, T0), STORE_OK);
	for (int i = 0; i < g.n; i++)
		for (int j = 0; j < nall; j++)
			if (all[j].id == g.ids[i])
				assert_false(household_reached(all[j].hid));
	int has_11 = 0, has_7 = 0; /* 7: SMS failed, call failed */
	for (int i = 0; i < nall; i++)
		for (int k = 0; k < g.n; k++)
			if (all[i].id == g.ids[k]) {
				has_11 |= all[i].hid == 11;
				has_7 |= all[i].hid == 7;
			}
	assert_false(has_11);
	assert_true(has_7);
}

static int first_phone(const struct report_row *r, void *arg)
{
	char *out = arg;
	if (r->household_id == 2 && strcmp(r->channel, "sms") == 0)
		snprintf(out, 24, "%s", r->phone);
	return 0;
}

static void test_row_fields(void **state)
{
	(void)state;
	/* the phone a delivery uses: household 2's second */
	char phone[24] = "";
	struct report_filter none = { NULL, NULL, NULL, 0 };
	assert_int_equal(store_report_page(st, 1, &none, NULL, 0, 10, NULL, first_phone, phone, T0), STORE_OK);
	assert_string_equal(phone, "+84987000002");
	/* the same through the walk (a filter the index does not answer) */
	phone[0] = '\0';
	struct report_filter sent = { "sent", NULL, NULL, 0 };
	assert_int_equal(store_report_page(st, 1, &sent, NULL, 0, 10, NULL, first_phone, phone, T0), STORE_OK);
	assert_string_equal(phone, "+84987000002");
}

/* ---- the tally agrees with store_report_counts ---- */

struct counts {
	char key[32][32];
	int n[32], pending[32], k;
};

static int add_count(const struct report_count *c, void *arg)
{
	struct counts *x = arg;
	assert_true(x->k < 32);
	snprintf(x->key[x->k], sizeof x->key[0], "%s/%s", c->channel, c->state);
	x->n[x->k] = c->n;
	x->pending[x->k++] = c->pending;
	return 0;
}

static void test_tally(void **state)
{
	(void)state;
	for (int64_t notice = 1; notice <= 2; notice++) {
		struct counts a, b;
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		assert_int_equal(store_report_counts(st, notice, add_count, &a, T0), STORE_OK);
		assert_int_equal(store_report_tally(st, notice, add_count, &b, T0), STORE_OK);
		assert_int_equal(a.k, b.k); /* the same pairs, in another order */
		for (int i = 0; i < a.k; i++) {
			int j = 0;
			while (j < b.k && strcmp(a.key[i], b.key[j]) != 0)
				j++;
			assert_true(j < b.k);
			assert_int_equal(a.n[i], b.n[j]);
			assert_int_equal(a.pending[i], b.pending[j]);
		}
	}
	/* sent within the report wait is in progress, three days ago is not */
	struct counts t;
	memset(&t, 0, sizeof t);
	assert_int_equal(store_report_tally(st, 1, add_count, &t, T0), STORE_OK);
	int found = 0;
	for (int i = 0; i < t.k; i++)
		if (strcmp(t.key[i], "sms/sent") == 0) {
			found = 1;
			assert_true(t.pending[i] > 0 && t.pending[i] < t.n[i]);
		}
	assert_true(found);
}

/* ---- groups, households in chunks, notices a page at a time ---- */

struct names {
	char s[256];
};

static int add_group(const struct store_group_row *g, void *arg)
{
	struct names *n = arg;
	size_t l = strlen(n->s);
	snprintf(n->s + l, sizeof n->s - l, "%s=%s;", g->code, g->name);
	return 0;
}

static int count_household(const struct household *h, void *arg)
{
	int64_t *last = arg;
	assert_true(h->id > *last);
	*last = h->id;
	return 0;
}

static int count_notice(const struct notice *n, void *arg)
{
	int64_t *ids = arg;
	ids[ids[0] + 1] = n->id;
	ids[0]++;
	return 0;
}

static void test_lists(void **state)
{
	(void)state;
	struct names n = { "" };
	assert_int_equal(store_hh_group_each(st, 0, add_group, &n), STORE_OK);
	/* by the name people read ("Xóm Đông Tiến"), else the code */
	assert_string_equal(n.s, "to-chan-nuoi=;xom-dong-tien=Xóm Đông Tiến;xom-tay-son=;");
	assert_int_equal(store_household_remove(st, 5, T0), STORE_OK);
	int64_t last = 0;
	int seen = 0;
	for (;;) {
		int64_t before = last;
		assert_int_equal(store_household_after(st, last, 7, count_household, &last), STORE_OK);
		if (last == before)
			break;
		seen++;
	}
	assert_int_equal(last, NHH);
	assert_int_equal(seen, (NHH - 1 + 6) / 7); /* 299 active households, 7 at a time */
	int64_t ids[8] = { 0 };
	int total = -1;
	assert_int_equal(store_notice_page(st, 1, 5, &total, count_notice, ids), STORE_OK);
	assert_int_equal(total, 2);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 1); /* newest first: the second of two is notice 1 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_row_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tally, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
