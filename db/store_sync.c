/* store_sync — the SQLite side of a hub sync: events and delivery changes
 * after a position, hub notices taken in, acknowledged positions
 * (db/store_sync.h). */
#include "db/store_sync.h"
#include "db/store_int.h"

#include "base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *col_dup(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);
	return t ? xstrdup((const char *)t) : NULL;
}

int store_sync_events(struct store *st, int64_t after_id, int limit, struct hub_event *ev, size_t *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prep_cached(st,
		"SELECT id, at, kind, notice_id, delivery_id, household_id, modem, detail FROM events"
		" WHERE id > ?1 ORDER BY id LIMIT ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, after_id);
	sqlite3_bind_int(s, 2, limit);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hub_event *e = &ev[*n];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(s, 0);
		e->at = sqlite3_column_int64(s, 1);
		e->kind = col_dup(s, 2);
		e->notice_id = sqlite3_column_int64(s, 3);
		e->delivery_id = sqlite3_column_int64(s, 4);
		e->household_id = sqlite3_column_int64(s, 5);
		e->modem = col_dup(s, 6);
		e->detail = col_dup(s, 7);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, "sync events");
		store_release(st, s);
		store_sync_events_free(ev, *n);
		*n = 0;
		return STORE_ERR;
	}
	store_release(st, s);
	return STORE_OK;
}

void store_sync_events_free(struct hub_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ev[i].kind);
		free((char *)ev[i].modem);
		free((char *)ev[i].detail);
	}
}

/* Reads rows of `sql` (?1 the position, ?2 the limit) into d[]. */
static int read_deliveries(struct store *st, const char *sql, int64_t after, int limit, struct hub_delivery *d,
			   size_t *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prep_cached(st, sql);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, limit);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct hub_delivery *x = &d[*n];
		memset(x, 0, sizeof *x);
		x->rev = sqlite3_column_int64(s, 0);
		x->id = sqlite3_column_int64(s, 1);
		x->notice_id = sqlite3_column_int64(s, 2);
		x->household_id = sqlite3_column_int64(s, 3);
		x->channel = col_dup(s, 4);
		x->state = col_dup(s, 5);
		x->attempts = sqlite3_column_int(s, 6);
		x->updated_at = sqlite3_column_int64(s, 7);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(st, "sync deliveries");
		store_release(st, s);
		store_sync_deliveries_free(d, *n);
		*n = 0;
		return STORE_ERR;
	}
	store_release(st, s);
	return STORE_OK;
}

int store_sync_deliveries(struct store *st, int64_t after_id, int limit, struct hub_delivery *d, size_t *n)
{
	return read_deliveries(st,
		"SELECT COALESCE(c.rev, 0), d.id, d.notice_id, d.household_id, d.channel, d.state, d.attempts,"
		" d.updated_at FROM deliveries d LEFT JOIN hub_delivery_changes c ON c.delivery_id = d.id"
		" WHERE d.id > ?1 ORDER BY d.id LIMIT ?2",
		after_id, limit, d, n);
}

int store_sync_changes(struct store *st, int64_t after_rev, int limit, struct hub_delivery *d, size_t *n)
{
	return read_deliveries(st,
		"SELECT c.rev, d.id, d.notice_id, d.household_id, d.channel, d.state, d.attempts, d.updated_at"
		" FROM hub_delivery_changes c JOIN deliveries d ON d.id = c.delivery_id"
		" WHERE c.rev > ?1 ORDER BY c.rev LIMIT ?2",
		after_rev, limit, d, n);
}

void store_sync_deliveries_free(struct hub_delivery *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)d[i].channel);
		free((char *)d[i].state);
	}
}

int store_sync_heads(struct store *st, int64_t *events, int64_t *deliveries, int64_t *changes)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT (SELECT COALESCE(max(id), 0) FROM events), (SELECT COALESCE(max(id), 0) FROM deliveries),"
		" (SELECT COALESCE(max(rev), 0) FROM hub_delivery_changes)");
	if (!s)
		return STORE_ERR;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, "sync heads");
		sqlite3_finalize(s);
		return STORE_ERR;
	}
	*events = sqlite3_column_int64(s, 0);
	*deliveries = sqlite3_column_int64(s, 1);
	*changes = sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	return STORE_OK;
}

int store_sync_acked(struct store *st, const char *stream, int64_t position, int64_t now)
{
	sqlite3_stmt *s = store_prep_cached(st,
		"INSERT INTO hub_sync(stream, position, at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(stream) DO UPDATE SET position = max(position, excluded.position), at = excluded.at");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, stream, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, position);
	sqlite3_bind_int64(s, 3, now);
	return store_step_done(st, s, "sync position");
}

int store_sync_acked_get(struct store *st, const char *stream, int64_t *position, int64_t *at)
{
	*position = *at = 0;
	sqlite3_stmt *s = store_prep_cached(st, "SELECT position, at FROM hub_sync WHERE stream = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, stream, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*position = sqlite3_column_int64(s, 0);
		*at = sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		store_fail(st, "sync position");
		store_release(st, s);
		return STORE_ERR;
	}
	store_release(st, s);
	return STORE_OK;
}

void store_sync_hub_source(int64_t hub_notice_id, char *out, size_t outlen)
{
	snprintf(out, outlen, "hub:%" PRId64, hub_notice_id);
}

int store_sync_hub_notice(struct store *st, int64_t hub_notice_id, int64_t *notice_id)
{
	char src[32];
	store_sync_hub_source(hub_notice_id, src, sizeof src);
	/* the GLOB lets SQLite use the partial unique index notices_hub */
	sqlite3_stmt *s = store_prep_cached(st, "SELECT id FROM notices WHERE source = ?1 AND source GLOB 'hub:*'");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, src, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(s);
	int out = STORE_NOTFOUND;
	if (rc == SQLITE_ROW) {
		*notice_id = sqlite3_column_int64(s, 0);
		out = STORE_OK;
	} else if (rc != SQLITE_DONE) {
		out = store_fail(st, "hub notice");
	}
	store_release(st, s);
	return out;
}

int store_sync_households(struct store *st, int *n)
{
	sqlite3_stmt *s = store_prep(st, "SELECT count(*) FROM households WHERE active = 1");
	if (!s)
		return STORE_ERR;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, "households");
		sqlite3_finalize(s);
		return STORE_ERR;
	}
	*n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return STORE_OK;
}

int store_sync_lag(struct store *st, struct sync_lag *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prep(st,
		"WITH p(stream, position) AS (SELECT stream, position FROM hub_sync)"
		" SELECT (SELECT count(*) FROM events WHERE id >"
		"   COALESCE((SELECT position FROM p WHERE stream = 'events'), 0)),"
		" (SELECT count(*) FROM deliveries WHERE id >"
		"   COALESCE((SELECT position FROM p WHERE stream = 'deliveries'), 0)),"
		" (SELECT count(*) FROM hub_delivery_changes WHERE rev >"
		"   COALESCE((SELECT position FROM p WHERE stream = 'changes'), 0)),"
		" COALESCE((SELECT max(at) FROM hub_sync), 0)");
	if (!s)
		return STORE_ERR;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, "sync lag");
		sqlite3_finalize(s);
		return STORE_ERR;
	}
	out->events = sqlite3_column_int64(s, 0);
	out->deliveries = sqlite3_column_int64(s, 1);
	out->changes = sqlite3_column_int64(s, 2);
	out->acked_at = sqlite3_column_int64(s, 3);
	sqlite3_finalize(s);
	return STORE_OK;
}

int store_sync_household_list(struct store *st, int (*cb)(const struct hub_household *hh, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT h.id, h.name, h.phone, h.address, COALESCE((SELECT group_concat(code, ' ') FROM"
		" (SELECT g.code FROM household_groups hg JOIN groups g ON g.id = hg.group_id"
		"  WHERE hg.household_id = h.id ORDER BY g.code)), ''), h.active"
		" FROM households h ORDER BY h.id");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct hub_household hh = { sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2),
					    store_col_text(s, 3), store_col_text(s, 4), sqlite3_column_int(s, 5) };
		if ((rc = cb(&hh, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "household list");
	sqlite3_finalize(s);
	return rc;
}
