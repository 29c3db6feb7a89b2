/* store_report — the read side of the delivery log, shared by `loa
 * report`, the web page and SMS summaries so that they always agree.
 * Rows are handed to a callback; strings in a row live until it returns.
 * A delivery's row names the number it used (the household's second phone
 * when it went there, report_row.phone_idx 1), so every reader shows it. */
#include "db/channel.h"
#include "db/store_int.h"


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

static int walk(struct store *st, sqlite3_stmt *s, int (*cb)(const struct report_row *r, void *arg), void *arg)
{
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_row r;
		memset(&r, 0, sizeof r);
		r.delivery_id = sqlite3_column_int64(s, 0);
		r.household_id = sqlite3_column_int64(s, 1);
		r.notice_id = sqlite3_column_int64(s, 2);
		r.name = store_col_text(s, 3);
		r.phone = store_col_text(s, 4);
		r.groups = store_col_text(s, 5);
		r.channel = store_col_text(s, 6);
		r.state = store_col_text(s, 7);
		r.attempts = sqlite3_column_int(s, 8);
		r.updated_at = sqlite3_column_int64(s, 9);
		r.last_error = store_col_text(s, 10);
		r.keys = store_col_text(s, 11);
		r.modem = store_col_text(s, 12);
		r.notice_text = store_col_text(s, 13);
		r.pending = sqlite3_column_int(s, 14);
		r.acked = sqlite3_column_int(s, 15);
		r.address = store_col_text(s, 16);
		r.note = store_col_text(s, 17);
		r.phone_idx = sqlite3_column_int(s, 18);
		r.phone2 = store_col_text(s, 19);
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
