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
#include "db/store_int.h"
#include "base/text.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* loa_sortkey(text): accents folded and lower case (text_fold), every
 * run of digits zero-padded to 12 so that "thon 2" sorts before "thon 10".
 * The households list sorts 100,000 names by it: no allocation for the
 * fold. */
static void sortkey(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(cx);
		return;
	}
	char folded[640];
	text_fold(s, folded, sizeof folded);
	struct sbuf b;
	sbuf_init(&b);
	for (const char *p = folded; *p;) {
		if (*p >= '0' && *p <= '9') {
			while (*p == '0' && p[1] >= '0' && p[1] <= '9')
				p++;
			const char *e = p;
			while (*e >= '0' && *e <= '9')
				e++;
			for (size_t n = (size_t)(e - p); n < 12; n++)
				sbuf_addc(&b, '0');
			sbuf_addn(&b, p, (size_t)(e - p));
			p = e;
			continue;
		}
		sbuf_addc(&b, *p >= 'A' && *p <= 'Z' ? (char)(*p + 'a' - 'A') : *p);
		p++;
	}
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

int store_visit_list(struct store *st, int64_t notice_id, int (*cb)(const struct visit_row *r, void *arg),
		     void *arg, int64_t now)
{
	/* Not reached by an SMS or a call; a visit makes the household
	 * reached, but it stays on its list, marked done. */
	sqlite3_stmt *s = store_prep(st,
		"SELECT h.id, h.name, h.phone, h.phone2, h.address, h.note, COALESCE(fg.code, ''),"
		" COALESCE(fg.name, ''),"
		" COALESCE(group_concat(d.channel, ',') FILTER (WHERE d.channel <> 'visit'), ''),"
		" COALESCE(group_concat(d.state, ',') FILTER (WHERE d.channel <> 'visit'), ''),"
		" COALESCE(group_concat(NULLIF(d.last_error, ''), '; ') FILTER (WHERE d.channel <> 'visit'), ''),"
		" sum(d.attempts), max(" STORE_PENDING_SQL("d") "), count(d.acked_at) > 0,"
		" max(d.channel = 'visit'), COALESCE(max(d.note) FILTER (WHERE d.channel = 'visit'), ''),"
		" COALESCE(max(d.updated_at) FILTER (WHERE d.channel = 'visit'), 0)"
		" FROM deliveries d JOIN households h ON h.id = d.household_id"
		" LEFT JOIN groups fg ON fg.id = " STORE_FIRST_GROUP_SQL("h.id")
		" WHERE d.notice_id = ?1 GROUP BY h.id"
		" HAVING sum(d.channel <> 'visit' AND d.state IN " CHANNEL_REACHED_SQL ") = 0"
		" ORDER BY " STORE_WALK_ORDER_SQL("fg", "h"));
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct visit_row r = {
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
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "visit list");
	sqlite3_finalize(s);
	return rc;
}
