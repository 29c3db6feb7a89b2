/* store_callin — see store_callin.h.  Every statement is prepared with
 * bound values; the moves that touch several tables run in one IMMEDIATE
 * transaction. */
#include "db/store_callin.h"

#include "base/util.h"
#include "db/store_int.h"

#include <stdio.h>
#include <string.h>

/* The active households on phone ?1 (either of their phones). */
#define ON_PHONE_SQL(h) "(" h ".active = 1 AND (" h ".phone = ?1 OR (" h ".phone2 = ?1 AND " h ".phone2 <> '')))"

int store_callin_lookup(struct store *st, const char *phone, int64_t now, int max, struct callin_who *who,
			int64_t *notices, int *n)
{
	memset(who, 0, sizeof *who);
	*n = 0;
	sqlite3_stmt *s = store_prep(st, "SELECT h.id, h.name, (SELECT count(*) FROM households h2 WHERE "
					 ON_PHONE_SQL("h2") ") FROM households h WHERE " ON_PHONE_SQL("h")
					 " ORDER BY h.id LIMIT 1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, phone);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		who->household_id = sqlite3_column_int64(s, 0);
		snprintf(who->name, sizeof who->name, "%s", store_col_text(s, 1));
		who->n_households = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "call-in lookup");
	if (!who->household_id || max <= 0)
		return STORE_OK;
	/* notices sent to one of them that is not confirmed by voice */
	s = store_prep(st, "SELECT n.id, n.urgent FROM notices n WHERE n.state = 'active' AND n.due_at <= ?2"
			   " AND EXISTS (SELECT 1 FROM deliveries d JOIN households h ON h.id = d.household_id"
			   "  WHERE d.notice_id = n.id AND " ON_PHONE_SQL("h")
			   "  AND NOT EXISTS (SELECT 1 FROM deliveries v WHERE v.notice_id = n.id"
			   "   AND v.household_id = h.id AND v.channel = 'voice' AND v.state = 'confirmed'))"
			   " ORDER BY n.created_at DESC, n.id DESC LIMIT ?3");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, phone);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int(s, 3, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		notices[(*n)++] = sqlite3_column_int64(s, 0);
		who->urgent |= sqlite3_column_int(s, 1) != 0;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? STORE_OK : store_fail(st, "call-in notices");
}

int store_callin_latest_public(struct store *st, int64_t now, int64_t *notice_id)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id FROM notices WHERE state = 'active' AND due_at <= ?1"
					 " AND lower(targets) = 'all' ORDER BY created_at DESC, id DESC LIMIT 1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*notice_id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, "latest public notice");
}

/* ?1 phone, ?2 notice, ?3 modem, ?4 started_at, ?5 now: the voice
 * deliveries of notice ?2 of the households on phone ?1 that key 1 confirms
 * (not those an outgoing call holds right now). */
#define CONFIRMABLE_SQL                                                                          \
	" FROM deliveries d JOIN households h ON h.id = d.household_id WHERE d.notice_id = ?2"   \
	" AND d.channel = 'voice' AND d.state NOT IN ('confirmed', 'dialing', 'ringing', 'answered')" \
	" AND " ON_PHONE_SQL("h")

int store_callin_confirm(struct store *st, const char *phone, int64_t notice_id, const char *modem,
			 int64_t started_at, int64_t now, int *n)
{
	static const char *const sql[] = {
		/* a household that had only SMS (or a visit) gets its voice
		 * delivery, confirmed below like the others */
		"INSERT INTO deliveries(notice_id, household_id, channel, state, next_at, updated_at, phone_idx)"
		" SELECT ?2, h.id, 'voice', 'queued', ?5, ?5, CASE WHEN h.phone = ?1 THEN 0 ELSE 1 END"
		" FROM households h WHERE " ON_PHONE_SQL("h")
		" AND EXISTS (SELECT 1 FROM deliveries d WHERE d.notice_id = ?2 AND d.household_id = h.id)"
		" AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notice_id = ?2 AND d.household_id = h.id"
		"  AND d.channel = 'voice')",
		"INSERT INTO attempts(delivery_id, modem, started_at, answered_at, ended_at, outcome, cause, keys,"
		" direction) SELECT d.id, ?3, ?4, ?4, ?5, 'answered', 'the household called in', '1', 'in'"
		CONFIRMABLE_SQL,
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" SELECT ?5, 'call_in_confirmed', d.notice_id, d.id, d.household_id, ?3,"
		" 'key 1 on a call from ' || ?1" CONFIRMABLE_SQL,
		"UPDATE deliveries SET state = 'confirmed', attempts = attempts + 1, keys = keys || '1',"
		" last_error = '', modem = ?3, updated_at = ?5 WHERE id IN (SELECT d.id" CONFIRMABLE_SQL ")",
	};
	*n = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	for (size_t i = 0; i < ARRAY_LEN(sql); i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s) {
			store_rollback(st);
			return STORE_ERR;
		}
		store_bind_text(s, 1, phone);
		sqlite3_bind_int64(s, 2, notice_id);
		store_bind_text(s, 3, modem);
		sqlite3_bind_int64(s, 4, started_at);
		sqlite3_bind_int64(s, 5, now);
		if (store_step_done(st, s, "call-in confirm") != STORE_OK) {
			store_rollback(st);
			return STORE_ERR;
		}
		*n = sqlite3_changes(st->db);
	}
	return store_commit(st);
}

/* ---- callbacks ---- */

int store_callback_last(struct store *st, int64_t household_id, int64_t *created_at)
{
	sqlite3_stmt *s = store_prep(st, "SELECT max(created_at) FROM callbacks WHERE household_id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, household_id);
	return store_first_int64(st, s, created_at, "last callback");
}

int store_callback_add(struct store *st, int64_t household_id, const char *phone, int64_t due_at, int64_t by_at,
		       int urgent, const char *why, int64_t now)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st, "INSERT INTO callbacks(household_id, phone, created_at, due_at, by_at,"
					 " urgent, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, household_id);
	store_bind_text(s, 2, phone);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, due_at);
	sqlite3_bind_int64(s, 5, by_at);
	sqlite3_bind_int(s, 6, urgent);
	if (store_step_done(st, s, "callback") != STORE_OK)
		goto fail;
	if (store_event(st, "callback_queued", 0, 0, household_id, NULL, why, now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_callback_next_due(struct store *st, int urgent_only, int64_t *due_at)
{
	sqlite3_stmt *s = store_prep(st, "SELECT min(due_at) FROM callbacks WHERE state = 'queued'"
					 " AND (?1 = 0 OR urgent = 1)");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int(s, 1, urgent_only);
	return store_first_int64(st, s, due_at, "next callback due");
}

int store_callback_claim(struct store *st, const char *modem, int64_t now, int urgent_only, struct callback_job *j)
{
	memset(j, 0, sizeof *j);
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st, "SELECT id, household_id, phone, urgent FROM callbacks WHERE state = 'queued'"
					 " AND due_at <= ?1 AND (?2 = 0 OR urgent = 1) ORDER BY urgent DESC, due_at, id"
					 " LIMIT 1");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, urgent_only);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		j->id = sqlite3_column_int64(s, 0);
		j->household_id = sqlite3_column_int64(s, 1);
		snprintf(j->phone, sizeof j->phone, "%s", store_col_text(s, 2));
		j->urgent = sqlite3_column_int(s, 3);
	}
	sqlite3_finalize(s);
	if (r == SQLITE_DONE) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	if (r != SQLITE_ROW) {
		store_fail(st, "callback claim");
		goto fail;
	}
	s = store_prep(st, "UPDATE callbacks SET state = 'calling', modem = ?2, updated_at = ?3 WHERE id = ?1");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->id);
	store_bind_text(s, 2, modem);
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "callback claim") != STORE_OK)
		goto fail;
	if (store_event(st, "callback_calling", 0, 0, j->household_id, modem, j->phone, now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_callback_end(struct store *st, const struct callback_job *j, const char *modem, int answered,
		       const char *outcome, const char *cause, const char *keys, int64_t now)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st, "UPDATE callbacks SET state = ?2, outcome = ?3, keys = ?4, updated_at = ?5"
					 " WHERE id = ?1 AND state = 'calling'");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->id);
	store_bind_text(s, 2, answered ? "done" : "failed");
	store_bind_text(s, 3, outcome);
	store_bind_text(s, 4, keys ? keys : "");
	sqlite3_bind_int64(s, 5, now);
	if (store_step_done(st, s, "callback end") != STORE_OK)
		goto fail;
	char detail[320];
	snprintf(detail, sizeof detail, "%s%s%s%s%s", outcome, cause && cause[0] ? ": " : "", cause ? cause : "",
		 keys && keys[0] ? "; keys " : "", keys ? keys : "");
	if (store_event(st, answered ? "callback_done" : "callback_failed", 0, 0, j->household_id, modem, detail,
			now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_callback_release(struct store *st, const struct callback_job *j, int64_t now)
{
	static const char *const sql[] = {
		"UPDATE callbacks SET state = 'queued', modem = '', updated_at = ?2 WHERE id = ?1 AND state = 'calling'",
	};
	int n;
	return store_tx_batch(st, sql, ARRAY_LEN(sql), j->id, now, 0, NULL, &n, "callback release");
}

int store_callback_recover(struct store *st, int64_t now, int *n)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, household_id, modem, detail) SELECT ?1, 'callback_failed', household_id,"
		" modem, 'the daemon stopped during the callback' FROM callbacks WHERE state = 'calling'",
		"UPDATE callbacks SET state = 'failed', outcome = 'failed', updated_at = ?1 WHERE state = 'calling'",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, 0, 0, NULL, n, "callback recover");
}

int store_callback_queued(struct store *st, int *n)
{
	sqlite3_stmt *s = store_prep(st, "SELECT count(*) FROM callbacks WHERE state = 'queued'");
	if (!s)
		return STORE_ERR;
	*n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return STORE_OK;
}
