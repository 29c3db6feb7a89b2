/* store_visit — see store_visit.h: marking a household told in person,
 * undoing it, and the visit list in walking order.
 *
 * DESIGN: a visit is a delivery row like the others (channel 'visit',
 * state 'informed', the officer's note in deliveries.note), not a flag on
 * the household, so "reached" stays one definition (CHANNEL_REACHED_SQL)
 * that the report, the web counts and the resend already share.  Nothing
 * that queues or sends selects it: every claim, expiry and recovery query
 * names its channel.  Undo deletes the row (nothing refers to it: a visit
 * has no attempts or SMS parts); its events stay in the append-only log.
 *
 * The walking order needs accents folded and numbers compared as numbers,
 * which SQL cannot do: the store registers loa_sortkey() (here) on every
 * connection, so the ordering is one ORDER BY and a long list streams. */
#include "db/store_visit.h"

#include "db/channel.h"
#include "db/store_idset.h"
#include "db/store_int.h"
#include "base/text.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* loa_sortkey(text): accents folded and lower case (text_fold), every
 * run of digits zero-padded to 12 so that "thon 2" sorts before "thon 10".
 * The households list sorts 100,000 names by it: no allocation for the
 * fold.  sortkey_of is the same for the walks in C below. */
static void sortkey_of(const char *s, struct sbuf *b)
{
	char folded[640];
	text_fold(s, folded, sizeof folded);
	sbuf_reset(b);
	for (const char *p = folded; *p;) {
		if (*p >= '0' && *p <= '9') {
			while (*p == '0' && p[1] >= '0' && p[1] <= '9')
				p++;
			const char *e = p;
			while (*e >= '0' && *e <= '9')
				e++;
			for (size_t n = (size_t)(e - p); n < 12; n++)
				sbuf_addc(b, '0');
			sbuf_addn(b, p, (size_t)(e - p));
			p = e;
			continue;
		}
		sbuf_addc(b, *p >= 'A' && *p <= 'Z' ? (char)(*p + 'a' - 'A') : *p);
		p++;
	}
}

static void sortkey(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(cx);
		return;
	}
	struct sbuf b;
	sbuf_init(&b);
	sortkey_of(s, &b);
	sqlite3_result_text(cx, b.s ? b.s : "", (int)b.len, SQLITE_TRANSIENT);
	sbuf_free(&b);
}

int store_register_functions(struct store *st)
{
	if (sqlite3_create_function_v2(st->db, "loa_sortkey", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sortkey,
				       NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, "register loa_sortkey");
	return STORE_OK;
}

/* What the notice and the household's deliveries of it are: the
 * notice's state, how many SMS/call deliveries, and the visit row. */
struct visit_state {
	int notice;              /* 0 none, 1 active, 2 cancelled */
	int others;              /* SMS and call deliveries of the household */
	int reached;             /* of them, reached */
	int64_t visit_id;        /* 0: not marked */
	char *note;              /* the visit's note (owned) */
};

static int load_state(struct store *st, int64_t notice_id, int64_t household_id, struct visit_state *vs)
{
	memset(vs, 0, sizeof *vs);
	sqlite3_stmt *s = store_prep(st,
		"SELECT (SELECT CASE state WHEN 'active' THEN 1 ELSE 2 END FROM notices WHERE id = ?1),"
		" count(*) FILTER (WHERE channel <> 'visit'),"
		" count(*) FILTER (WHERE channel <> 'visit' AND state IN " CHANNEL_REACHED_SQL "),"
		" COALESCE(max(id) FILTER (WHERE channel = 'visit'), 0),"
		" COALESCE(max(note) FILTER (WHERE channel = 'visit'), '')"
		" FROM deliveries WHERE notice_id = ?1 AND household_id = ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 2, household_id);
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW) {
		vs->notice = sqlite3_column_int(s, 0);
		vs->others = sqlite3_column_int(s, 1);
		vs->reached = sqlite3_column_int(s, 2);
		vs->visit_id = sqlite3_column_int64(s, 3);
		vs->note = xstrdup(store_col_text(s, 4));
	} else {
		rc = store_fail(st, "visit");
	}
	sqlite3_finalize(s);
	return rc;
}

/* The refusal shared by mark and undo: no notice, or not its household. */
static int refuse(struct store *st, int64_t notice_id, int64_t household_id, const struct visit_state *vs,
		  struct visit_result *out)
{
	if (!vs->notice) {
		out->why = VISIT_NO_NOTICE;
		snprintf(st->err, sizeof st->err, "no notice %lld", (long long)notice_id);
		return STORE_NOTFOUND;
	}
	if (!vs->others && !vs->visit_id) {
		out->why = VISIT_NOT_TARGETED;
		snprintf(st->err, sizeof st->err, "notice %lld did not go to household %lld", (long long)notice_id,
			 (long long)household_id);
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}

static int exec_bound(struct store *st, const char *sql, int64_t a, int64_t b, int64_t c, const char *t4,
		      const char *what)
{
	sqlite3_stmt *s = store_prep(st, sql);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	sqlite3_bind_int64(s, 3, c);
	store_bind_text(s, 4, t4);
	return store_step_done(st, s, what);
}

int store_visit_mark(struct store *st, int64_t notice_id, int64_t household_id, const char *by,
		     const char *note, int64_t now, struct visit_result *out)
{
	memset(out, 0, sizeof *out);
	by = by ? by : "cli";
	int rc = store_begin(st);
	if (rc)
		return rc;
	struct visit_state vs;
	if ((rc = load_state(st, notice_id, household_id, &vs)) != STORE_OK ||
	    (rc = refuse(st, notice_id, household_id, &vs, out)) != STORE_OK)
		goto fail;
	if (vs.notice == 2) {
		out->why = VISIT_CANCELLED;
		snprintf(st->err, sizeof st->err, "notice %lld is cancelled: a visit cannot be recorded",
			 (long long)notice_id);
		rc = STORE_CONFLICT;
		goto fail;
	}
	struct sbuf detail;
	sbuf_init(&detail);
	if (vs.visit_id) {
		out->again = 1;
		out->delivery_id = vs.visit_id;
		out->note_changed = note && strcmp(note, vs.note) != 0;
		if (out->note_changed)
			rc = exec_bound(st, "UPDATE deliveries SET note = ?4 WHERE id = ?1", vs.visit_id, 0, 0, note,
					"visit note");
		sbuf_printf(&detail, "by %s: marked again", by);
		if (out->note_changed)
			sbuf_printf(&detail, "; note: %s (was: %s)", note, vs.note);
		else
			sbuf_add(&detail, "; note unchanged");
	} else {
		rc = exec_bound(st,
			"INSERT INTO deliveries(notice_id, household_id, channel, state, next_at, updated_at, note)"
			" VALUES (?1, ?2, 'visit', 'informed', ?3, ?3, ?4)",
			notice_id, household_id, now, note ? note : "", "visit");
		out->delivery_id = sqlite3_last_insert_rowid(st->db);
		sbuf_printf(&detail, "by %s: told in person", by);
		if (note && *note)
			sbuf_printf(&detail, "; note: %s", note);
	}
	if (rc == STORE_OK)
		rc = store_event(st, "visited", notice_id, out->delivery_id, household_id, NULL, detail.s, now);
	sbuf_free(&detail);
	if (rc != STORE_OK)
		goto fail;
	free(vs.note);
	return store_commit(st);
fail:
	free(vs.note);
	store_rollback(st);
	return rc;
}

int store_visit_unmark(struct store *st, int64_t notice_id, int64_t household_id, const char *by, int64_t now,
		       struct visit_result *out)
{
	memset(out, 0, sizeof *out);
	by = by ? by : "cli";
	int rc = store_begin(st);
	if (rc)
		return rc;
	struct visit_state vs;
	if ((rc = load_state(st, notice_id, household_id, &vs)) != STORE_OK ||
	    (rc = refuse(st, notice_id, household_id, &vs, out)) != STORE_OK)
		goto fail;
	if (!vs.visit_id) {
		out->why = VISIT_NOT_MARKED;
		snprintf(st->err, sizeof st->err, "notice %lld: household %lld is not marked as told in person",
			 (long long)notice_id, (long long)household_id);
		rc = STORE_NOTFOUND;
		goto fail;
	}
	out->delivery_id = vs.visit_id;
	out->still_reached = vs.reached > 0;
	if ((rc = exec_bound(st, "DELETE FROM deliveries WHERE id = ?1 AND channel = 'visit'", vs.visit_id, 0, 0,
			     NULL, "visit undo")) != STORE_OK)
		goto fail;
	struct sbuf detail;
	sbuf_init(&detail);
	sbuf_printf(&detail, "by %s: the mark \"told in person\" removed", by);
	if (vs.note[0])
		sbuf_printf(&detail, "; its note was: %s", vs.note);
	rc = store_event(st, "visit_undone", notice_id, vs.visit_id, household_id, NULL, detail.s, now);
	sbuf_free(&detail);
	if (rc != STORE_OK)
		goto fail;
	free(vs.note);
	return store_commit(st);
fail:
	free(vs.note);
	store_rollback(st);
	return rc;
}

int store_visit_by_phone(struct store *st, int64_t notice_id, const char *e164,
			 int (*cb)(int64_t id, const char *name, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT h.id, h.name FROM households h WHERE (h.phone = ?2 OR (h.phone2 <> '' AND h.phone2 = ?2))"
		" AND EXISTS (SELECT 1 FROM deliveries d WHERE d.notice_id = ?1 AND d.household_id = h.id)"
		" ORDER BY h.id");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	store_bind_text(s, 2, e164);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = cb(sqlite3_column_int64(s, 0), store_col_text(s, 1), arg)) != 0)
			break;
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "visit by phone");
	sqlite3_finalize(s);
	return rc;
}

/* ---- the list's rows ---- */

/* A household of the list with what was tried: its deliveries of ?1
 * grouped (FROM deliveries d JOIN households h, GROUP BY h.id). */
#define VISIT_COLS \
	"SELECT h.id, h.name, h.phone, h.phone2, h.address, h.note, COALESCE(fg.code, ''), COALESCE(fg.name, '')," \
	" COALESCE(group_concat(d.channel, ',') FILTER (WHERE d.channel <> 'visit'), '')," \
	" COALESCE(group_concat(d.state, ',') FILTER (WHERE d.channel <> 'visit'), '')," \
	" COALESCE(group_concat(NULLIF(d.last_error, ''), '; ') FILTER (WHERE d.channel <> 'visit'), '')," \
	" sum(d.attempts), max(" STORE_PENDING_SQL("d") "), count(d.acked_at) > 0," \
	" max(d.channel = 'visit'), COALESCE(max(d.note) FILTER (WHERE d.channel = 'visit'), '')," \
	" COALESCE(max(d.updated_at) FILTER (WHERE d.channel = 'visit'), 0)" \
	" FROM deliveries d JOIN households h ON h.id = d.household_id" \
	" LEFT JOIN groups fg ON fg.id = " STORE_FIRST_GROUP_SQL("h.id")

static void read_visit_row(sqlite3_stmt *s, struct visit_row *r)
{
	*r = (struct visit_row){
		.household_id = sqlite3_column_int64(s, 0),
		.name = store_col_text(s, 1),
		.phone = store_col_text(s, 2),
		.phone2 = store_col_text(s, 3),
		.address = store_col_text(s, 4),
		.hh_note = store_col_text(s, 5),
		.group_code = store_col_text(s, 6),
		.group_name = store_col_text(s, 7),
		.channels = store_col_text(s, 8),
		.states = store_col_text(s, 9),
		.causes = store_col_text(s, 10),
		.attempts = sqlite3_column_int(s, 11),
		.pending = sqlite3_column_int(s, 12),
		.acked = sqlite3_column_int(s, 13),
		.informed = sqlite3_column_int(s, 14),
		.note = store_col_text(s, 15),
		.informed_at = sqlite3_column_int64(s, 16),
	};
}

int store_visit_list(struct store *st, int64_t notice_id, int (*cb)(const struct visit_row *r, void *arg),
		     void *arg, int64_t now)
{
	/* Not reached by an SMS or a call; a visit makes the household
	 * reached, but it stays on its list, marked done. */
	sqlite3_stmt *s = store_prep(st, VISIT_COLS
		" WHERE d.notice_id = ?1 GROUP BY h.id"
		" HAVING sum(d.channel <> 'visit' AND d.state IN " CHANNEL_REACHED_SQL ") = 0"
		" ORDER BY " STORE_WALK_ORDER_SQL("fg", "h"));
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct visit_row r;
		read_visit_row(s, &r);
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "visit list");
	sqlite3_finalize(s);
	return rc;
}

int store_visit_rows(struct store *st, int64_t notice_id, const int64_t *ids, int n,
		     int (*cb)(const struct visit_row *r, void *arg), void *arg, int64_t now)
{
	if (n <= 0)
		return STORE_OK;
	sqlite3_stmt *s = store_prep(st, VISIT_COLS " WHERE d.notice_id = ?1 AND d.household_id = ?2 GROUP BY h.id");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK;
	for (int i = 0; rc == STORE_OK && i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, notice_id);
		sqlite3_bind_int64(s, 2, ids[i]);
		sqlite3_bind_int64(s, 9, now - st->report_wait_s);
		int step = sqlite3_step(s);
		if (step == SQLITE_DONE)
			continue; /* not a household of the notice: nothing to show */
		if (step != SQLITE_ROW) {
			rc = store_fail(st, "visit rows");
			break;
		}
		struct visit_row r;
		read_visit_row(s, &r);
		rc = cb(&r, arg);
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- the list in walking order, a page at a time ----
 *
 * DESIGN: at 100,000 households a notice has 200,000 deliveries, and the
 * one GROUP BY of store_visit_list reads every one of them (their state
 * is in no index that also has the household), then the household and its
 * first group for each, then sorts by loa_sortkey: 0.7 s for the whole
 * list.  A page needs the whole order all the same (page 30 starts where
 * page 29 ended), but not every column nor every name.  So the list is
 * chosen from indexes alone, as the notice log's filters are
 * (store_report.c, with the same id sets, store_idset.h): the deliveries
 * not reached, those in progress and the visits are id sets read from the
 * index (notice, state, channel); the index UNIQUE (notice, household,
 * channel) is walked once, a household at a time, to keep those none of
 * whose SMS or calls reached (counting told / in progress / to visit as it
 * goes).  Of the households kept, only the first group is read (it says
 * how many come before each group, and so which groups a page falls in);
 * names are read and sorted (the same key as loa_sortkey) only for the
 * groups the page shows.  The caller reads the full rows of the page
 * (store_visit_rows).  At 100,000 households a page takes about 45 ms
 * with 10,000 to visit, 70 ms when nothing reached anyone (README,
 * "Benchmarks"), most of it the walk and the sets; nothing is kept
 * between requests, so a page is never stale. */

struct vh {
	int64_t id;
	int64_t group;            /* the heading's groups.id, 0 none */
	int rank;                 /* that group's place in walking order; INT32_MAX none */
	char *key;                /* sortkey_of(name), once read */
	char *name;
};

struct vgroup {
	int64_t id;
	int by_code, by_walk;     /* places in code order and in walking order */
};

struct vgroups {
	struct vgroup *g;         /* by id */
	int n;
};

static int load_groups(struct store *st, struct vgroups *gs)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT id, row_number() OVER (ORDER BY code),"
		" row_number() OVER (ORDER BY loa_sortkey(COALESCE(NULLIF(name, ''), code)), code)"
		" FROM groups ORDER BY id");
	if (!s)
		return STORE_ERR;
	int cap = 0, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (gs->n == cap) {
			cap = cap ? 2 * cap : 64;
			gs->g = xrealloc(gs->g, (size_t)cap * sizeof *gs->g);
		}
		gs->g[gs->n++] = (struct vgroup){ sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1),
						  sqlite3_column_int(s, 2) };
	}
	int rc = step == SQLITE_DONE ? STORE_OK : store_fail(st, "visit groups");
	sqlite3_finalize(s);
	return rc;
}

static const struct vgroup *find_group(const struct vgroups *gs, int64_t id)
{
	int lo = 0, hi = gs->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (gs->g[mid].id == id)
			return &gs->g[mid];
		if (gs->g[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The list being made. */
struct vlist {
	const struct visit_ask *ask;
	struct idset unreached;   /* SMS and call deliveries in a state that is not reached */
	struct idset pending;     /* of them, those still in progress */
	struct idset visits;      /* the notice's visits */
	struct idset members;     /* the households of the group asked for */
	int in_group;             /* a group was asked for */
	int64_t group_id;         /* its id */
	struct visit_order *out;
	struct vh *v;             /* the households kept: by id, then by group, then in walking order */
	int n, cap;
};

/* One household's deliveries, read from the walk. */
struct vcur {
	int64_t id;
	int others, reached, pending, visit;
};

static void count(struct visit_tally *t, int told, int pending)
{
	if (told)
		t->informed++;
	else if (pending)
		t->pending++;
	else
		t->todo++;
}

static void keep_household(struct vlist *l, const struct vcur *c)
{
	if (!c->id || !c->others || c->reached)
		return; /* reached by an SMS or a call: not on the list */
	count(&l->out->notice, c->visit, c->pending);
	if (l->in_group && !store_idset_has(&l->members, c->id))
		return;
	count(&l->out->shown, c->visit, c->pending);
	int listed = c->visit ? l->ask->all || c->id == l->ask->keep : !c->pending;
	if (!listed) {
		l->out->hidden += c->visit;
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct vh){ c->id, l->group_id, l->in_group ? 0 : INT32_MAX, NULL, NULL };
}

/* The index UNIQUE (notice, household, channel), a household at a time:
 * household ids and delivery ids only, the rest from the id sets. */
static int walk_notice(struct store *st, int64_t notice_id, struct vlist *l)
{
	sqlite3_stmt *s = store_prep(st, "SELECT household_id, id FROM deliveries WHERE notice_id = ?1"
					 " ORDER BY household_id");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	struct vcur c = { 0, 0, 0, 0, 0 };
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t hid = sqlite3_column_int64(s, 0), did = sqlite3_column_int64(s, 1);
		if (hid != c.id) {
			keep_household(l, &c);
			c = (struct vcur){ hid, 0, 0, 0, 0 };
		}
		if (store_idset_has(&l->visits, did)) {
			c.visit = 1;
			continue;
		}
		c.others++;
		c.reached |= !store_idset_has(&l->unreached, did);
		c.pending |= store_idset_has(&l->pending, did);
	}
	keep_household(l, &c);
	int rc = step == SQLITE_DONE ? STORE_OK : store_fail(st, "visit walk");
	sqlite3_finalize(s);
	return rc;
}

/* The index of household `id` in v[0..n-1] (by id) from `from` on, or
 * -(the index where it would be + 2). */
static int find_kept(const struct vh *v, int n, int from, int64_t id)
{
	while (from < n && v[from].id < id)
		from++;
	return from < n && v[from].id == id ? from : -(from + 2);
}

/* fn(h, s, arg) for each row (household id, ...) of the households
 * v[0..n-1] (by id): when they are dense among the ids, one range of
 * them (range_sql, ?1 to ?2, by household id); else one lookup each
 * (point_sql, ?1), each about five rows of a range.  A village of
 * 100,000 with 10,000 to visit takes the lookups, one where nothing
 * reached anyone the range. */
static int each_kept(struct store *st, struct vh *v, int n, const char *range_sql, const char *point_sql,
		     void (*fn)(struct vh *h, sqlite3_stmt *s, void *arg), void *arg)
{
	if (n <= 0)
		return STORE_OK;
	int64_t lo = v[0].id, hi = v[n - 1].id;
	int range = (hi - lo) / 5 < n;
	sqlite3_stmt *s = store_prep(st, range ? range_sql : point_sql);
	if (!s)
		return STORE_ERR;
	int step = SQLITE_DONE;
	if (range) {
		sqlite3_bind_int64(s, 1, lo);
		sqlite3_bind_int64(s, 2, hi);
		int at = 0;
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			int i = find_kept(v, n, at, sqlite3_column_int64(s, 0));
			at = i >= 0 ? i : -i - 2;
			if (i >= 0)
				fn(&v[i], s, arg);
		}
	}
	for (int i = 0; !range && i < n && step == SQLITE_DONE; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, v[i].id);
		while ((step = sqlite3_step(s)) == SQLITE_ROW)
			fn(&v[i], s, arg);
	}
	int rc = step == SQLITE_DONE ? STORE_OK : store_fail(st, "visit list");
	sqlite3_finalize(s);
	return rc;
}

static void got_name(struct vh *h, sqlite3_stmt *s, void *arg)
{
	struct sbuf *key = arg;
	const char *name = store_col_text(s, 1);
	sortkey_of(name, key);
	free(h->name);
	free(h->key);
	h->name = xstrdup(name);
	h->key = xstrdup(key->s ? key->s : "");
}

/* A group of household h: the first by code is the one it is listed under. */
static void got_group(struct vh *h, sqlite3_stmt *s, void *arg)
{
	const struct vgroups *gs = arg;
	const struct vgroup *g = find_group(gs, sqlite3_column_int64(s, 1));
	const struct vgroup *was = h->group ? find_group(gs, h->group) : NULL;
	if (g && (!was || g->by_code < was->by_code)) {
		h->group = g->id;
		h->rank = g->by_walk;
	}
}

/* Walking order inside a group: the name's key, the name, the id
 * (STORE_WALK_ORDER_SQL). */
static int name_cmp(const void *a, const void *b)
{
	const struct vh *x = a, *y = b;
	int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
	if (!c)
		c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The group asked for: its id, its households into l->members. */
static int ask_group(struct store *st, struct vlist *l)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id FROM groups WHERE code = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, l->ask->group);
	int step = sqlite3_step(s);
	l->group_id = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (step == SQLITE_DONE) {
		snprintf(st->err, sizeof st->err, "no group %s", l->ask->group);
		return STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return store_fail(st, "visit group");
	int rc = store_idset_query(st, &l->members, "SELECT household_id FROM household_groups WHERE group_id = ?1",
				   l->group_id, NULL, 0);
	store_idset_freeze(&l->members);
	return rc;
}

/* The states of SMS and calls that are not reached, as an SQL list:
 * from the channel table, so that a new state is never taken for one. */
static void unreached_states(struct sbuf *b)
{
	sbuf_add(b, "(");
	int n = 0;
	for (const struct channel *c = channel_table; c->id; c++)
		for (const char *const *st = c->states; strcmp(c->id, "visit") != 0 && *st; st++) {
			if (channel_state_reached(*st))
				continue;
			char q[40];
			snprintf(q, sizeof q, "'%s'", *st);
			if (b->s && strstr(b->s, q))
				continue;
			sbuf_printf(b, "%s%s", n++ ? ", " : "", q);
		}
	sbuf_add(b, n ? ")" : "'')");
}

/* The households kept, by id, with their counts. */
static int choose(struct store *st, int64_t notice_id, struct vlist *l, int64_t now)
{
	int rc = l->in_group ? ask_group(st, l) : STORE_OK;
	/* Sets from index ranges (notice, state, channel): the deliveries not
	 * reached (rather than those reached: most of a notice, and twice
	 * the time to read), those in progress (`sent` until the report wait
	 * is over: those rows alone are read) and the visits. */
	struct sbuf sql;
	sbuf_init(&sql);
	sbuf_add(&sql, "SELECT id FROM deliveries WHERE notice_id = ?1 AND state IN ");
	unreached_states(&sql);
	if (rc == STORE_OK)
		rc = store_idset_query(st, &l->unreached, sql.s, notice_id, NULL, 0);
	sbuf_free(&sql);
	if (rc == STORE_OK)
		rc = store_idset_query(st, &l->pending,
				       "SELECT id FROM deliveries WHERE notice_id = ?1 AND state IN " STORE_PENDING_STATES,
				       notice_id, NULL, 0);
	if (rc == STORE_OK)
		rc = store_idset_query(st, &l->pending,
				       "SELECT id FROM deliveries WHERE notice_id = ?1 AND state = 'sent' AND updated_at > ?9",
				       notice_id, NULL, now - st->report_wait_s);
	if (rc == STORE_OK)
		rc = store_idset_query(st, &l->visits,
				       "SELECT id FROM deliveries WHERE notice_id = ?1 AND state = 'informed'"
				       " AND channel = 'visit'",
				       notice_id, NULL, 0);
	store_idset_freeze(&l->unreached);
	store_idset_freeze(&l->pending);
	store_idset_freeze(&l->visits);
	return rc == STORE_OK ? walk_notice(st, notice_id, l) : rc;
}

/* The households kept, by id, put by group in walking order (by id
 * inside a group, as each_kept needs them): a counting sort, ranks being
 * 1..ngroups (INT32_MAX: no group, last). */
static void by_group(struct vlist *l, int ngroups)
{
	int *at = xcalloc((size_t)ngroups + 2, sizeof *at);
	for (int i = 0; i < l->n; i++)
		at[l->v[i].rank == INT32_MAX ? ngroups + 1 : l->v[i].rank]++;
	for (int r = 0, sum = 0; r <= ngroups + 1; r++) {
		int c = at[r];
		at[r] = sum;
		sum += c;
	}
	struct vh *v = xcalloc(l->n ? (size_t)l->n : 1, sizeof *v);
	for (int i = 0; i < l->n; i++)
		v[at[l->v[i].rank == INT32_MAX ? ngroups + 1 : l->v[i].rank]++] = l->v[i];
	free(l->v);
	free(at);
	l->v = v;
	l->cap = l->n;
}

/* The end of the group (run of one rank) that starts at v[a]. */
static int run_end(const struct vlist *l, int a)
{
	int b = a;
	while (b < l->n && l->v[b].rank == l->v[a].rank)
		b++;
	return b;
}

/* The start of the group that holds v[i]. */
static int run_start(const struct vlist *l, int i)
{
	while (i > 0 && l->v[i - 1].rank == l->v[i].rank)
		i--;
	return i;
}

/* Puts the group starting at v[a] in walking order, reading its names,
 * unless it is already (its names are read). */
static int sort_run(struct store *st, struct vlist *l, int a)
{
	int b = run_end(l, a);
	if (l->v[a].key)
		return STORE_OK;
	struct sbuf key;
	sbuf_init(&key);
	int rc = each_kept(st, l->v + a, b - a, "SELECT id, name FROM households WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
			   "SELECT id, name FROM households WHERE id = ?1", got_name, &key);
	sbuf_free(&key);
	if (rc == STORE_OK)
		qsort(l->v + a, (size_t)(b - a), sizeof *l->v, name_cmp);
	return rc;
}

/* The households kept in walking order where the answer needs them: the
 * slice asked for (moved to the page holding ask->keep when it is
 * listed), and the groups the slice falls in. */
static int order_slice(struct store *st, struct vlist *l, int from, int limit)
{
	struct visit_order *o = l->out;
	int rc = STORE_OK;
	if (!l->in_group) {
		struct vgroups gs = { NULL, 0 };
		rc = load_groups(st, &gs);
		if (rc == STORE_OK)
			rc = each_kept(st, l->v, l->n,
				       "SELECT household_id, group_id FROM household_groups"
				       " WHERE household_id BETWEEN ?1 AND ?2 ORDER BY household_id",
				       "SELECT household_id, group_id FROM household_groups WHERE household_id = ?1",
				       got_group, &gs);
		if (rc == STORE_OK)
			by_group(l, gs.n);
		free(gs.g);
		if (rc != STORE_OK)
			return rc;
	}
	if (l->ask->keep) {
		int k = 0;
		while (k < l->n && l->v[k].id != l->ask->keep)
			k++;
		if (k < l->n) {
			int a = run_start(l, k);
			if ((rc = sort_run(st, l, a)) != STORE_OK)
				return rc;
			for (k = a; l->v[k].id != l->ask->keep; k++)
				; /* it moved inside its group */
			o->keep_at = k;
			from = limit > 0 ? k / limit * limit : 0;
		}
	}
	if (from < 0)
		from = 0;
	int end = limit < l->n - from ? from + limit : l->n;
	for (int a = from < l->n ? run_start(l, from) : l->n; rc == STORE_OK && a < end; a = run_end(l, a))
		rc = sort_run(st, l, a);
	if (rc != STORE_OK)
		return rc;
	o->from = from;
	o->got = end > from ? end - from : 0;
	o->ids = xcalloc(o->got ? (size_t)o->got : 1, sizeof *o->ids);
	o->groups = xcalloc(o->got ? (size_t)o->got : 1, sizeof *o->groups);
	for (int i = 0; i < o->got; i++) {
		o->ids[i] = l->v[from + i].id;
		o->groups[i] = l->v[from + i].group;
	}
	o->group_before = from > 0 && from <= l->n ? l->v[from - 1].group : -1;
	return STORE_OK;
}

int store_visit_order(struct store *st, int64_t notice_id, const struct visit_ask *ask, int from, int limit,
		      struct visit_order *out, int64_t now)
{
	memset(out, 0, sizeof *out);
	out->keep_at = -1;
	out->group_before = -1;
	struct vlist l;
	memset(&l, 0, sizeof l);
	l.ask = ask;
	l.out = out;
	l.in_group = ask->group && *ask->group;
	/* one snapshot for every read, unless the caller has a transaction */
	int own = sqlite3_get_autocommit(st->db);
	int rc = own ? store_exec(st, "BEGIN") : STORE_OK;
	if (rc == STORE_OK)
		rc = choose(st, notice_id, &l, now);
	out->n = l.n;
	if (rc == STORE_OK)
		rc = order_slice(st, &l, from, limit);
	if (own && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	for (int i = 0; i < l.n; i++) {
		free(l.v[i].key);
		free(l.v[i].name);
	}
	free(l.v);
	store_idset_free(&l.unreached);
	store_idset_free(&l.pending);
	store_idset_free(&l.visits);
	store_idset_free(&l.members);
	if (rc != STORE_OK)
		store_visit_order_free(out);
	return rc;
}

void store_visit_order_free(struct visit_order *o)
{
	free(o->ids);
	free(o->groups);
	o->ids = NULL;
	o->groups = NULL;
	o->got = 0;
}
