/* store_report — the read side of the delivery log, shared by `loa
 * report`, the web page and SMS summaries so that they always agree.
 * Rows are handed to a callback; strings in a row live until it returns.
 * A delivery's row names the number it used (the household's second phone
 * when it went there, report_row.phone_idx 1), so every reader shows it. */
#include "db/channel.h"
#include "db/store_idset.h"
#include "db/store_int.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING(d) STORE_PENDING_SQL(d)
/* The number a delivery used (its second phone once it moved there), and
 * the household's second phone for whoever lists both. */
#define PHONE_USED STORE_PHONE_SQL("d", "h")
#define PHONE_IDX STORE_PHONE_IDX_SQL("d", "h")
#define PHONE2 "CASE WHEN " STORE_HAS_PHONE2_SQL("h") " THEN h.phone2 ELSE '' END"

int store_report_counts(struct store *st, int64_t notice_id,
			int (*cb)(const struct report_count *c, void *arg), void *arg, int64_t now)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT d.channel, d.state, count(*), sum(" PENDING("d") "), count(d.acked_at)"
		" FROM deliveries d WHERE d.notice_id = ?1"
		" GROUP BY d.channel, d.state ORDER BY d.channel, d.state");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_count c = { store_col_text(s, 0), store_col_text(s, 1), sqlite3_column_int(s, 2),
					  sqlite3_column_int(s, 3), sqlite3_column_int(s, 4) };
		if ((rc = cb(&c, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "report");
	sqlite3_finalize(s);
	return rc;
}

#define GROUPS_OF(h) \
	"COALESCE((SELECT group_concat(code, ' ') FROM (SELECT g.code FROM household_groups hg" \
	" JOIN groups g ON g.id = hg.group_id WHERE hg.household_id = " h " ORDER BY g.code)), '')"

static void read_row(sqlite3_stmt *s, struct report_row *r);

static int walk(struct store *st, sqlite3_stmt *s, int (*cb)(const struct report_row *r, void *arg), void *arg)
{
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_row r;
		read_row(s, &r);
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "report");
	sqlite3_finalize(s);
	return rc;
}

int store_report_deliveries(struct store *st, int64_t notice_id,
			    int (*cb)(const struct report_row *r, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT d.id, h.id, d.notice_id, h.name, " PHONE_USED ", " GROUPS_OF("h.id") ", d.channel, d.state,"
		" d.attempts, d.updated_at, d.last_error, d.keys, COALESCE(d.modem, ''), '', 0,"
		" d.acked_at IS NOT NULL, h.address, d.note, " PHONE_IDX ", " PHONE2
		" FROM deliveries d JOIN households h ON h.id = d.household_id"
		" WHERE d.notice_id = ?1 ORDER BY h.name, h.id, d.channel");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	return walk(st, s, cb, arg);
}

int store_report_unreached(struct store *st, int64_t notice_id,
			   int (*cb)(const struct report_row *r, void *arg), void *arg, int64_t now)
{
	/* One row per household none of whose deliveries reached it (a visit
	 * reaches it: state 'informed'): states and causes of all its
	 * channels joined, so one line says why; in walking order, as the
	 * visit list (store_visit.c). */
	sqlite3_stmt *s = store_prep(st,
		"SELECT 0, h.id, ?1, h.name, h.phone, " GROUPS_OF("h.id") ","
		" group_concat(d.channel, ','), group_concat(d.state, ','), sum(d.attempts),"
		" max(d.updated_at), group_concat(NULLIF(d.last_error, ''), '; '), '', '', '',"
		" max(" PENDING("d") "), count(d.acked_at) > 0, h.address, h.note, max(" PHONE_IDX "), " PHONE2
		" FROM deliveries d JOIN households h ON h.id = d.household_id"
		" LEFT JOIN groups fg ON fg.id = " STORE_FIRST_GROUP_SQL("h.id")
		" WHERE d.notice_id = ?1 GROUP BY h.id"
		" HAVING sum(d.state IN " CHANNEL_REACHED_SQL ") = 0"
		" ORDER BY " STORE_WALK_ORDER_SQL("fg", "h"));
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	return walk(st, s, cb, arg);
}

int store_report_household(struct store *st, int64_t household_id,
			   int (*cb)(const struct report_row *r, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT d.id, h.id, d.notice_id, h.name, " PHONE_USED ", " GROUPS_OF("h.id") ", d.channel, d.state,"
		" d.attempts, d.updated_at, d.last_error, d.keys, COALESCE(d.modem, ''), n.text, 0,"
		" d.acked_at IS NOT NULL, h.address, d.note, " PHONE_IDX ", " PHONE2
		" FROM deliveries d JOIN households h ON h.id = d.household_id"
		" JOIN notices n ON n.id = d.notice_id"
		" WHERE h.id = ?1 ORDER BY d.notice_id DESC, d.channel");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, household_id);
	return walk(st, s, cb, arg);
}

int store_report_reach(struct store *st, int64_t notice_id, struct report_reach *out, int64_t now)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prep(st,
		"SELECT count(*), COALESCE(sum(r > 0), 0), COALESCE(sum(v > 0), 0),"
		" COALESCE(sum(v > 0 AND r = v), 0), COALESCE(sum(r = 0 AND p > 0), 0) FROM"
		" (SELECT sum(d.state IN " CHANNEL_REACHED_SQL ") AS r, sum(d.channel = 'visit') AS v,"
		"  max(" PENDING("d") ") AS p FROM deliveries d WHERE d.notice_id = ?1 GROUP BY d.household_id)");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->households = sqlite3_column_int(s, 0);
		out->reached = sqlite3_column_int(s, 1);
		out->visited = sqlite3_column_int(s, 2);
		out->visit_only = sqlite3_column_int(s, 3);
		out->pending = sqlite3_column_int(s, 4);
		out->unreached = out->households - out->reached - out->pending;
	} else {
		rc = store_fail(st, "report reach");
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- the notice page and the officers' downloads: counts from the
 * index, filtered pages, chunked walks ----
 *
 * DESIGN: at 100,000 households a notice has 200,000 deliveries, and a
 * pass that reads every row costs about 100 ms in SQLite, the whole
 * budget of a page.  So the counts come from the index on (notice, state,
 * channel) alone; the rows come in the order of the UNIQUE (notice,
 * household, channel) index, which a page reads only as far as it shows
 * (the offset skips index entries, and reads rows only where a filter
 * needs a column the index lacks); only the filters "state" and "only not
 * reached" read rows, and only a page that asks for them. */

/* `state` is one of the quoted words of an SQL list "('a', 'b')". */
static int in_sql_list(const char *list, const char *state)
{
	char q[40];
	snprintf(q, sizeof q, "'%s'", state);
	return strstr(list, q) != NULL;
}

int store_report_tally(struct store *st, int64_t notice_id,
		       int (*cb)(const struct report_count *c, void *arg), void *arg, int64_t now)
{
	/* One count per (channel, state) of the channel table, each a range
	 * of the index (notice, state, channel): half the cost of grouping the
	 * whole range.  `sent` is the only state whose being in progress
	 * depends on its time: those rows alone are read. */
	sqlite3_stmt *n = store_prep_cached(st,
		"SELECT count(*) FROM deliveries WHERE notice_id = ?1 AND state = ?2 AND channel = ?3");
	sqlite3_stmt *sent = store_prep_cached(st,
		"SELECT count(*) FROM deliveries WHERE notice_id = ?1 AND state = 'sent' AND channel = ?2"
		" AND updated_at > ?9");
	int rc = n && sent ? STORE_OK : STORE_ERR;
	for (const struct channel *c = channel_table; rc == STORE_OK && c->id; c++)
		for (const char *const *state = c->states; rc == STORE_OK && *state; state++) {
			sqlite3_reset(n);
			sqlite3_bind_int64(n, 1, notice_id);
			sqlite3_bind_text(n, 2, *state, -1, SQLITE_STATIC);
			sqlite3_bind_text(n, 3, c->id, -1, SQLITE_STATIC);
			if (sqlite3_step(n) != SQLITE_ROW) {
				rc = store_fail(st, "tally");
				break;
			}
			struct report_count k = { c->id, *state, sqlite3_column_int(n, 0), 0, 0 };
			if (!k.n)
				continue;
			if (strcmp(*state, "sent") == 0) {
				sqlite3_reset(sent);
				sqlite3_bind_int64(sent, 1, notice_id);
				sqlite3_bind_text(sent, 2, c->id, -1, SQLITE_STATIC);
				sqlite3_bind_int64(sent, 9, now - st->report_wait_s);
				if (sqlite3_step(sent) != SQLITE_ROW) {
					rc = store_fail(st, "tally");
					break;
				}
				k.pending = sqlite3_column_int(sent, 0);
			} else if (in_sql_list(STORE_PENDING_STATES, *state)) {
				k.pending = k.n;
			}
			rc = cb(&k, arg);
		}
	store_release(st, n);
	store_release(st, sent);
	return rc;
}

#define ROW_COLS \
	"SELECT d.id, h.id, d.notice_id, h.name, " PHONE_USED "," \
	" " GROUPS_OF("h.id") ", d.channel, d.state, d.attempts, d.updated_at, d.last_error, d.keys," \
	" COALESCE(d.modem, ''), '', " PENDING("d") ", d.acked_at IS NOT NULL, h.address, d.note, " PHONE_IDX ", " PHONE2

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

static void bind_filter(sqlite3_stmt *s, int64_t notice_id, const struct report_filter *f)
{
	sqlite3_bind_int64(s, 1, notice_id);
	store_bind_text(s, 2, f ? opt(f->state) : NULL);
	store_bind_text(s, 3, f ? opt(f->channel) : NULL);
	store_bind_text(s, 4, f ? opt(f->group) : NULL);
	sqlite3_bind_int(s, 5, f && f->unreached);
}

/* ---- a page through a filter the index cannot answer: one walk ----
 *
 * The state of a delivery, the members of a group and whether a household
 * was reached are not in the index (notice, household, channel) that
 * gives the page's order; in SQL each skipped row then costs a row read or
 * a correlated subquery (NOT EXISTS, NOT IN, GROUP BY ... HAVING: 80-170
 * ms for "only not reached" at 200,000 deliveries).  Instead each of those
 * tests becomes a set of ids first, read from an index range (the
 * deliveries in that state, the reached deliveries: index (notice, state,
 * ...); the group's households: household_groups' key), then that index
 * is walked once, a household at a time, counting what matches and
 * keeping the ids of the page's rows, which are read one by one. */

struct walk {
	const struct report_filter *f;
	struct idset state;       /* deliveries in f->state */
	struct idset reached;     /* reached deliveries (f->unreached) */
	struct idset members;     /* households of f->group */
	int offset, limit, total;
	int64_t *ids;             /* the page's delivery ids */
	int n;
};

/* One household's deliveries, in channel order, from the walk. */
struct hh_rows {
	int n;
	struct {
		int64_t id;
		int channel_ok;
	} d[8];
};

static void flush_household(const struct hh_rows *h, struct walk *w)
{
	if (w->f->unreached)
		for (int i = 0; i < h->n; i++)
			if (store_idset_has(&w->reached, h->d[i].id))
				return;
	for (int i = 0; i < h->n; i++) {
		if (!h->d[i].channel_ok || (opt(w->f->state) && !store_idset_has(&w->state, h->d[i].id)))
			continue;
		if (w->total >= w->offset && w->n < w->limit)
			w->ids[w->n++] = h->d[i].id;
		w->total++;
	}
}

static int walk_index(struct store *st, int64_t notice_id, struct walk *w)
{
	const struct report_filter *f = w->f;
	int rc = STORE_OK;
	if (opt(f->state))
		rc = store_idset_query(st, &w->state, "SELECT id FROM deliveries WHERE notice_id = ?1 AND state = ?2",
				       notice_id, f->state, 0);
	if (rc == STORE_OK && f->unreached)
		rc = store_idset_query(st, &w->reached,
				       "SELECT id FROM deliveries WHERE notice_id = ?1 AND state IN " CHANNEL_REACHED_SQL,
				       notice_id, NULL, 0);
	if (rc == STORE_OK && opt(f->group))
		rc = store_idset_query(st, &w->members,
				       "SELECT hg.household_id FROM household_groups hg JOIN groups g ON g.id = hg.group_id"
				       " WHERE g.code = ?2", notice_id, f->group, 0);
	store_idset_freeze(&w->state);
	store_idset_freeze(&w->reached);
	store_idset_freeze(&w->members);
	sqlite3_stmt *s = NULL;
	if (rc == STORE_OK && !(s = store_prep(st, "SELECT d.household_id, d.channel, d.id FROM deliveries d"
						  " WHERE d.notice_id = ?1 ORDER BY d.household_id, d.channel")))
		rc = STORE_ERR;
	if (rc == STORE_OK) {
		sqlite3_bind_int64(s, 1, notice_id);
		struct hh_rows h = { 0, { { 0, 0 } } };
		int64_t cur = 0;
		int in_group = 0, step;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t hid = sqlite3_column_int64(s, 0);
			if (hid != cur || h.n == (int)ARRAY_LEN(h.d)) {
				if (in_group)
					flush_household(&h, w);
				cur = hid;
				h.n = 0;
				in_group = !opt(f->group) || store_idset_has(&w->members, hid);
			}
			if (!in_group)
				continue;
			h.d[h.n].id = sqlite3_column_int64(s, 2);
			h.d[h.n].channel_ok = !opt(f->channel) || strcmp(store_col_text(s, 1), f->channel) == 0;
			h.n++;
		}
		if (in_group)
			flush_household(&h, w);
		if (step != SQLITE_DONE)
			rc = store_fail(st, "report walk");
	}
	sqlite3_finalize(s);
	store_idset_free(&w->state);
	store_idset_free(&w->reached);
	store_idset_free(&w->members);
	return rc;
}

static void read_row(sqlite3_stmt *s, struct report_row *r)
{
	memset(r, 0, sizeof *r);
	r->delivery_id = sqlite3_column_int64(s, 0);
	r->household_id = sqlite3_column_int64(s, 1);
	r->notice_id = sqlite3_column_int64(s, 2);
	r->name = store_col_text(s, 3);
	r->phone = store_col_text(s, 4);
	r->groups = store_col_text(s, 5);
	r->channel = store_col_text(s, 6);
	r->state = store_col_text(s, 7);
	r->attempts = sqlite3_column_int(s, 8);
	r->updated_at = sqlite3_column_int64(s, 9);
	r->last_error = store_col_text(s, 10);
	r->keys = store_col_text(s, 11);
	r->modem = store_col_text(s, 12);
	r->notice_text = store_col_text(s, 13);
	r->pending = sqlite3_column_int(s, 14);
	r->acked = sqlite3_column_int(s, 15);
	r->address = store_col_text(s, 16);
	r->note = store_col_text(s, 17);
	r->phone_idx = sqlite3_column_int(s, 18);
	r->phone2 = store_col_text(s, 19);
}

static int walk_page(struct store *st, int64_t notice_id, const struct report_filter *f, int offset, int limit,
		     int *total, int (*cb)(const struct report_row *r, void *arg), void *arg, int64_t now)
{
	struct walk w;
	memset(&w, 0, sizeof w);
	w.f = f;
	w.offset = offset;
	w.limit = limit;
	w.ids = xcalloc(limit > 0 ? (size_t)limit : 1, sizeof *w.ids);
	int rc = walk_index(st, notice_id, &w);
	sqlite3_stmt *s = NULL;
	if (rc == STORE_OK && w.n &&
	    !(s = store_prep(st, ROW_COLS " FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.id = ?1")))
		rc = STORE_ERR;
	for (int i = 0; rc == STORE_OK && i < w.n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, w.ids[i]);
		sqlite3_bind_int64(s, 9, now - st->report_wait_s);
		int step = sqlite3_step(s);
		if (step == SQLITE_DONE)
			continue; /* deliveries are never deleted, but never mind */
		if (step != SQLITE_ROW) {
			rc = store_fail(st, "report page");
			break;
		}
		struct report_row r;
		read_row(s, &r);
		rc = cb(&r, arg);
	}
	sqlite3_finalize(s);
	free(w.ids);
	if (rc == STORE_OK && total)
		*total = w.total;
	return rc;
}

/* The filter in SQL, for what the index answers (the channel) and for a
 * walk in chunks: ?1 notice, ?3 channel, ?4 group code, ?2 state (NULL:
 * any), ?5 only not reached.  A NULL parameter short-circuits its test, so
 * an unused subquery never runs. */
#define PAGE_FILTER \
	" d.notice_id = ?1 AND (?3 IS NULL OR d.channel = ?3)" \
	" AND (?4 IS NULL OR d.household_id IN (SELECT hg.household_id FROM household_groups hg" \
	"  JOIN groups g ON g.id = hg.group_id WHERE g.code = ?4))" \
	" AND (?2 IS NULL OR d.state = ?2)" \
	" AND (?5 = 0 OR NOT EXISTS (SELECT 1 FROM deliveries r WHERE r.notice_id = ?1" \
	"  AND r.household_id = d.household_id AND r.state IN " CHANNEL_REACHED_SQL "))"

int store_report_page(struct store *st, int64_t notice_id, const struct report_filter *f,
		      const struct report_key *after, int offset, int limit, int *total,
		      int (*cb)(const struct report_row *r, void *arg), void *arg, int64_t now)
{
	/* A page through a state, a group or "not reached": the walk.  Whole
	 * pages and channels: the index alone, skipping the offset in a
	 * subquery that reads no row.  A download's chunk (after a key): the
	 * SQL filter, which costs what the chunk reads. */
	if (!after && f && (opt(f->state) || opt(f->group) || f->unreached))
		return walk_page(st, notice_id, f, offset, limit, total, cb, arg, now);
	int rc = STORE_OK;
	if (total)
		rc = store_report_page_count(st, notice_id, f, total);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *s = store_prep(st,
		ROW_COLS " FROM (SELECT d.id FROM deliveries d WHERE" PAGE_FILTER
		"  AND (d.household_id, d.channel) > (?6, ?7)"
		"  ORDER BY d.household_id, d.channel LIMIT ?8 OFFSET ?10) p"
		" JOIN deliveries d ON d.id = p.id JOIN households h ON h.id = d.household_id"
		" ORDER BY d.household_id, d.channel");
	if (!s)
		return STORE_ERR;
	bind_filter(s, notice_id, f);
	sqlite3_bind_int64(s, 6, after ? after->household_id : 0);
	sqlite3_bind_text(s, 7, after ? after->channel : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 8, limit);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	sqlite3_bind_int(s, 10, offset);
	return walk(st, s, cb, arg);
}

int store_report_page_count(struct store *st, int64_t notice_id, const struct report_filter *f, int *n)
{
	if (f && (opt(f->state) || opt(f->group) || f->unreached)) {
		struct walk w;
		memset(&w, 0, sizeof w);
		w.f = f;
		int rc = walk_index(st, notice_id, &w);
		if (rc == STORE_OK)
			*n = w.total;
		return rc;
	}
	sqlite3_stmt *s = store_prep(st, "SELECT count(*) FROM deliveries d WHERE" PAGE_FILTER);
	if (!s)
		return STORE_ERR;
	bind_filter(s, notice_id, f);
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int(s, 0);
	else
		rc = store_fail(st, "count");
	sqlite3_finalize(s);
	return rc;
}
