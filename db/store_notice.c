/* store_notice — notices, their fan-out into deliveries, and cancelling.
 *
 * DESIGN: fan-out is two INSERT … SELECT statements (one per channel) in
 * the same transaction as the notice row, so a notice and all its
 * deliveries appear together or not at all, and 100,000 households take one
 * pass of SQLite rather than 100,000 round trips.  The target set, the
 * channel intersection, opt-out and the per-household encoding are written
 * once, in TARGET_WHERE and the CASE expressions below, and shared by the
 * preview and the insert so the two can never disagree. */
#include "db/store_int.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?1 = 1 for "all", ?2 = JSON array of group codes. */
#define TARGET_WHERE \
	" h.active = 1 AND (?1 OR h.id IN (SELECT hg.household_id FROM household_groups hg" \
	"  JOIN groups g ON g.id = hg.group_id WHERE g.code IN (SELECT value FROM json_each(?2))))"
/* ?3 = urgent, ?4 = notice channels */
#define NOT_OPTED " (?3 OR h.opted_out = 0)"
#define WANTS_SMS " (h.channel & 1) AND (?4 & 1) AND h.landline = 0"
#define WANTS_VOICE " (h.channel & 2) AND (?4 & 2)"
/* ?5 = sms policy (0 auto, 1 unicode, 2 ascii) */
#define ENCODING " CASE WHEN ?5 = 1 THEN 'ucs2' WHEN ?5 = 2 THEN 'gsm7'" \
		 " WHEN h.accents THEN 'ucs2' ELSE 'gsm7' END"

/* Builds the JSON array of target codes; returns 1 for "all". */
static int targets_json(const char *targets, struct sbuf *json)
{
	int all = 0;
	sbuf_add(json, "[");
	char *copy = xstrdup(targets), *save = NULL;
	int n = 0;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (util_streq_ci(t, "all")) {
			all = 1;
			continue;
		}
		sbuf_printf(json, "%s\"", n++ ? "," : "");
		for (const char *p = t; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addc(json, '\\');
			if ((unsigned char)*p >= 0x20)
				sbuf_addc(json, *p);
		}
		sbuf_add(json, "\"");
	}
	free(copy);
	sbuf_add(json, "]");
	return all;
}

static void bind_target(sqlite3_stmt *s, const struct notice_req *r, int all, const char *json)
{
	sqlite3_bind_int(s, 1, all);
	sqlite3_bind_text(s, 2, json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, r->urgent);
	sqlite3_bind_int(s, 4, r->channels);
	sqlite3_bind_int(s, 5, r->sms_policy);
}

int store_notice_preview(struct store *st, const struct notice_req *r, struct fanout_stats *stats)
{
	struct sbuf json;
	sbuf_init(&json);
	int all = targets_json(r->targets, &json);
	sqlite3_stmt *s = store_prep(st,
		"SELECT"
		"  count(*) FILTER (WHERE" NOT_OPTED " AND ((" WANTS_SMS ") OR (" WANTS_VOICE "))),"
		"  count(*) FILTER (WHERE NOT" NOT_OPTED "),"
		"  count(*) FILTER (WHERE" NOT_OPTED " AND NOT ((" WANTS_SMS ") OR (" WANTS_VOICE "))),"
		"  count(*) FILTER (WHERE" NOT_OPTED " AND" WANTS_SMS "),"
		"  count(*) FILTER (WHERE" NOT_OPTED " AND" WANTS_SMS " AND" ENCODING " = 'ucs2'),"
		"  count(*) FILTER (WHERE" NOT_OPTED " AND" WANTS_VOICE ")"
		" FROM households h WHERE" TARGET_WHERE);
	int rc = STORE_ERR;
	if (s) {
		bind_target(s, r, all, json.s);
		if (sqlite3_step(s) == SQLITE_ROW) {
			memset(stats, 0, sizeof *stats);
			stats->households = sqlite3_column_int(s, 0);
			stats->opted_out = sqlite3_column_int(s, 1);
			stats->no_channel = sqlite3_column_int(s, 2);
			stats->sms = sqlite3_column_int(s, 3);
			stats->sms_ucs2 = sqlite3_column_int(s, 4);
			stats->sms_gsm7 = stats->sms - stats->sms_ucs2;
			stats->voice = sqlite3_column_int(s, 5);
			rc = STORE_OK;
		} else {
			rc = store_fail(st, "preview");
		}
		sqlite3_finalize(s);
	}
	/* one SMS per household, also where several share a first phone: each
	 * is its own delivery in the log, and the phone gets each message */
	s = rc == STORE_OK ? store_prep(st,
		"SELECT COALESCE(sum(c), 0) FROM (SELECT count(*) AS c FROM households h"
		" WHERE" TARGET_WHERE " AND" NOT_OPTED " AND" WANTS_SMS " GROUP BY h.phone HAVING count(*) > 1)")
		: NULL;
	if (s) {
		bind_target(s, r, all, json.s);
		if (sqlite3_step(s) == SQLITE_ROW)
			stats->sms_shared = sqlite3_column_int(s, 0);
		else
			rc = store_fail(st, "preview");
		sqlite3_finalize(s);
	} else if (rc == STORE_OK) {
		rc = STORE_ERR;
	}
	sbuf_free(&json);
	return rc;
}

static int fanout(struct store *st, const struct notice_req *r, int64_t id, int all, const char *json,
		  int64_t due, int64_t now)
{
	static const char *const sql[2] = {
		"INSERT INTO deliveries(notice_id, household_id, channel, state, encoding, parts, next_at,"
		" updated_at) SELECT ?6, h.id, 'sms', 'queued'," ENCODING ","
		" CASE WHEN" ENCODING " = 'ucs2' THEN ?9 ELSE ?10 END, ?7, ?8"
		" FROM households h WHERE" TARGET_WHERE " AND" NOT_OPTED " AND" WANTS_SMS " ORDER BY h.id",
		"INSERT INTO deliveries(notice_id, household_id, channel, state, next_at, updated_at)"
		" SELECT ?6, h.id, 'voice', 'queued', ?7, ?8"
		" FROM households h WHERE" TARGET_WHERE " AND" NOT_OPTED " AND" WANTS_VOICE " ORDER BY h.id",
	};
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s)
			return STORE_ERR;
		bind_target(s, r, all, json);
		sqlite3_bind_int64(s, 6, id);
		sqlite3_bind_int64(s, 7, due);
		sqlite3_bind_int64(s, 8, now);
		if (i == 0) {
			sqlite3_bind_int(s, 9, r->parts_ucs2);
			sqlite3_bind_int(s, 10, r->parts_gsm7);
		}
		int rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "fan-out");
		sqlite3_finalize(s);
		if (rc)
			return rc;
	}
	return STORE_OK;
}

int store_notice_create(struct store *st, const struct notice_req *r, int64_t *id_out,
			struct fanout_stats *stats, int64_t now)
{
	int64_t due = r->due_at > 0 ? r->due_at : now;
	struct sbuf json;
	sbuf_init(&json);
	int all = targets_json(r->targets, &json);
	int rc = store_begin(st);
	if (rc)
		goto out;
	if ((rc = store_notice_preview(st, r, stats)) != STORE_OK)
		goto fail;
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO notices(text, targets, channels, urgent, source, audio_path, parts_ucs2,"
		" parts_gsm7, created_at, due_at, budget_override)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	if (!s) {
		rc = STORE_ERR;
		goto fail;
	}
	sqlite3_bind_text(s, 1, r->text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, r->targets, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, r->channels);
	sqlite3_bind_int(s, 4, r->urgent);
	sqlite3_bind_text(s, 5, r->source ? r->source : "cli", -1, SQLITE_TRANSIENT);
	store_bind_text(s, 6, r->audio_path);
	sqlite3_bind_int(s, 7, r->parts_ucs2);
	sqlite3_bind_int(s, 8, r->parts_gsm7);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, due);
	sqlite3_bind_int(s, 11, r->budget_override);
	rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "insert notice");
	sqlite3_finalize(s);
	if (rc)
		goto fail;
	int64_t id = sqlite3_last_insert_rowid(st->db);
	char detail[160];
	snprintf(detail, sizeof detail, "to %s: %d sms, %d voice", r->targets, stats->sms, stats->voice);
	if ((rc = fanout(st, r, id, all, json.s, due, now)) != STORE_OK ||
	    (rc = store_event(st, "notice_created", id, 0, 0, NULL, detail, now)) != STORE_OK)
		goto fail;
	if ((rc = store_commit(st)) != STORE_OK)
		goto out;
	*id_out = id;
	goto out;
fail:
	store_rollback(st);
out:
	sbuf_free(&json);
	return rc;
}

#define NOTICE_COLS \
	"id, text, targets, source, audio_path, created_at, due_at, urgent, channels, parts_ucs2," \
	" parts_gsm7, state"

static void read_notice(sqlite3_stmt *s, struct notice *n)
{
	memset(n, 0, sizeof *n);
	n->id = sqlite3_column_int64(s, 0);
	n->text = xstrdup(store_col_text(s, 1));
	n->targets = xstrdup(store_col_text(s, 2));
	n->source = xstrdup(store_col_text(s, 3));
	n->audio_path = sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : xstrdup(store_col_text(s, 4));
	n->created_at = sqlite3_column_int64(s, 5);
	n->due_at = sqlite3_column_int64(s, 6);
	n->urgent = sqlite3_column_int(s, 7);
	n->channels = sqlite3_column_int(s, 8);
	n->parts_ucs2 = sqlite3_column_int(s, 9);
	n->parts_gsm7 = sqlite3_column_int(s, 10);
	snprintf(n->state, sizeof n->state, "%s", store_col_text(s, 11));
}

void store_notice_clear(struct notice *n)
{
	free(n->text);
	free(n->targets);
	free(n->source);
	free(n->audio_path);
	memset(n, 0, sizeof *n);
}

int store_notice_get(struct store *st, int64_t id, struct notice *n)
{
	sqlite3_stmt *s = store_prep(st, "SELECT " NOTICE_COLS " FROM notices WHERE id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	int step = sqlite3_step(s), rc = STORE_OK;
	if (step == SQLITE_ROW)
		read_notice(s, n);
	else if (step == SQLITE_DONE) {
		snprintf(st->err, sizeof st->err, "no notice %lld", (long long)id);
		rc = STORE_NOTFOUND;
	} else
		rc = store_fail(st, "notice");
	sqlite3_finalize(s);
	return rc;
}

/* Calls cb for each notice row of the bound statement s (finalized
 * here); a non-zero return from cb stops the walk and is returned. */
static int walk_notices(struct store *st, sqlite3_stmt *s, int (*cb)(const struct notice *n, void *arg), void *arg)
{
	int rc = STORE_OK, step;
	struct notice n;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		read_notice(s, &n);
		rc = cb(&n, arg);
		store_notice_clear(&n);
		if (rc)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "notices");
	sqlite3_finalize(s);
	return rc;
}

int store_notice_each(struct store *st, int limit, int (*cb)(const struct notice *n, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st, "SELECT " NOTICE_COLS " FROM notices ORDER BY id DESC LIMIT ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	return walk_notices(st, s, cb, arg);
}

int store_notice_page(struct store *st, int offset, int limit, int *total,
		      int (*cb)(const struct notice *n, void *arg), void *arg)
{
	if (total) {
		sqlite3_stmt *c = store_prep(st, "SELECT count(*) FROM notices");
		if (!c)
			return STORE_ERR;
		int rc = STORE_OK;
		if (sqlite3_step(c) == SQLITE_ROW)
			*total = sqlite3_column_int(c, 0);
		else
			rc = store_fail(st, "notices");
		sqlite3_finalize(c);
		if (rc != STORE_OK)
			return rc;
	}
	sqlite3_stmt *s = store_prep(st, "SELECT " NOTICE_COLS " FROM notices ORDER BY id DESC LIMIT ?1 OFFSET ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int(s, 1, limit);
	sqlite3_bind_int(s, 2, offset);
	return walk_notices(st, s, cb, arg);
}

int store_notice_latest(struct store *st, int64_t *id_out)
{
	sqlite3_stmt *s = store_prep(st, "SELECT max(id) FROM notices");
	if (!s)
		return STORE_ERR;
	int rc = store_first_int64(st, s, id_out, "latest notice");
	if (rc == STORE_NOTFOUND)
		snprintf(st->err, sizeof st->err, "there are no notices yet");
	return rc;
}

int store_notice_cancel(struct store *st, int64_t id, const char *by, int *cancelled_out, int64_t now)
{
	struct notice n;
	int rc = store_notice_get(st, id, &n);
	if (rc)
		return rc;
	store_notice_clear(&n);
	if ((rc = store_begin(st)) != STORE_OK)
		return rc;
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = 'cancelled', updated_at = ?2"
		" WHERE notice_id = ?1 AND state = 'queued'");
	if (!s) {
		store_rollback(st);
		return STORE_ERR;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "cancel");
	int changed = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	if (rc == STORE_OK) {
		s = store_prep(st, "UPDATE notices SET state = 'cancelled' WHERE id = ?1");
		if (!s)
			rc = STORE_ERR;
		else {
			sqlite3_bind_int64(s, 1, id);
			rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : store_fail(st, "cancel");
			sqlite3_finalize(s);
		}
	}
	if (rc == STORE_OK) {
		char detail[128];
		snprintf(detail, sizeof detail, "by %s: %d pending deliveries cancelled", by ? by : "cli", changed);
		rc = store_event(st, "notice_cancelled", id, 0, 0, NULL, detail, now);
	}
	if (rc) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st)) == STORE_OK && cancelled_out)
		*cancelled_out = changed;
	return rc;
}

int store_notice_reach(struct store *st, int64_t id, const char *groups, struct notice_reach *out)
{
	memset(out, 0, sizeof *out);
	struct sbuf json;
	sbuf_init(&json);
	int all = !groups[0] || targets_json(groups, &json);
	sqlite3_stmt *s = store_prep(st,
		"SELECT count(DISTINCT d.household_id),"
		" count(DISTINCT d.household_id) FILTER (WHERE NOT ?2 AND d.household_id NOT IN"
		"  (SELECT hg.household_id FROM household_groups hg JOIN groups g ON g.id = hg.group_id"
		"   WHERE g.code IN (SELECT value FROM json_each(?3)))),"
		" count(*) FILTER (WHERE d.state = 'queued')"
		" FROM deliveries d WHERE d.notice_id = ?1");
	int rc = STORE_ERR;
	if (s) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, all);
		sqlite3_bind_text(s, 3, json.s ? json.s : "[]", -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			out->households = sqlite3_column_int(s, 0);
			out->outside = sqlite3_column_int(s, 1);
			out->queued = sqlite3_column_int(s, 2);
			rc = STORE_OK;
		} else {
			rc = store_fail(st, "notice reach");
		}
		sqlite3_finalize(s);
	}
	sbuf_free(&json);
	return rc;
}
