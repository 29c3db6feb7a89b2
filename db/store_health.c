/* store_health — see store_health.h.  One row of daemon_state (id 1), the
 * pause and balance columns of modem_status, the problems table. */
#include "db/store_health.h"

#include "db/store_int.h"

#include <stdio.h>
#include <string.h>

int store_health_start(struct store *st, int pid, int64_t now, int *crashed)
{
	*crashed = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st, "SELECT stopped_at FROM daemon_state WHERE id = 1");
	if (!s) {
		store_rollback(st);
		return STORE_ERR;
	}
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*crashed = sqlite3_column_int64(s, 0) == 0;
	sqlite3_finalize(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		store_rollback(st);
		return store_fail(st, "daemon state");
	}
	s = store_prep(st, "INSERT INTO daemon_state(id, pid, started_at, heartbeat_at, stopped_at)"
			   " VALUES (1, ?1, ?2, ?2, 0) ON CONFLICT(id) DO UPDATE SET pid = excluded.pid,"
			   " started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = 0");
	if (!s) {
		store_rollback(st);
		return STORE_ERR;
	}
	sqlite3_bind_int(s, 1, pid);
	sqlite3_bind_int64(s, 2, now);
	if (store_step_done(st, s, "daemon state") != STORE_OK) {
		store_rollback(st);
		return STORE_ERR;
	}
	return store_commit(st);
}

static int set_daemon(struct store *st, const char *sql, int64_t now)
{
	sqlite3_stmt *s = store_prep(st, sql);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	return store_step_done(st, s, "daemon state");
}

int store_health_beat(struct store *st, int64_t now)
{
	return set_daemon(st, "UPDATE daemon_state SET heartbeat_at = ?1 WHERE id = 1", now);
}

int store_health_stop(struct store *st, int64_t now)
{
	return set_daemon(st, "UPDATE daemon_state SET heartbeat_at = ?1, stopped_at = ?1 WHERE id = 1", now);
}

int store_health_clock(struct store *st, const char *source, int64_t offset_s, int64_t system_at, const char *note)
{
	/* the daemon's own times move with its clock: started_at was written
	 * with the old offset, the heartbeat is now */
	sqlite3_stmt *s = store_prep(st, "UPDATE daemon_state SET started_at = started_at + ?2 - clock_offset_s,"
					 " heartbeat_at = ?3 + ?2, clock_source = ?1, clock_offset_s = ?2,"
					 " clock_system_at = ?3, clock_note = ?4 WHERE id = 1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, offset_s);
	sqlite3_bind_int64(s, 3, system_at);
	sqlite3_bind_text(s, 4, note, -1, SQLITE_TRANSIENT);
	return store_step_done(st, s, "daemon clock");
}

int store_health_daemon(struct store *st, struct daemon_health *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prep(st, "SELECT pid, started_at, heartbeat_at, stopped_at, clock_source,"
					 " clock_offset_s, clock_system_at, clock_note FROM daemon_state WHERE id = 1");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->known = 1;
		out->pid = sqlite3_column_int(s, 0);
		out->started_at = sqlite3_column_int64(s, 1);
		out->heartbeat_at = sqlite3_column_int64(s, 2);
		out->stopped_at = sqlite3_column_int64(s, 3);
		snprintf(out->clock_source, sizeof out->clock_source, "%s", (const char *)sqlite3_column_text(s, 4));
		out->clock_offset_s = sqlite3_column_int64(s, 5);
		out->clock_system_at = sqlite3_column_int64(s, 6);
		snprintf(out->clock_note, sizeof out->clock_note, "%s", (const char *)sqlite3_column_text(s, 7));
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "daemon state");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_modem_pause(struct store *st, const char *name, int64_t until, const char *reason, int64_t now)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO modem_status(name, updated_at, paused_until, pause_reason) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at,"
		" paused_until = excluded.paused_until, pause_reason = excluded.pause_reason");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, until);
	store_bind_text(s, 4, until ? reason : "");
	return store_step_done(st, s, "modem pause");
}

int store_modem_balance(struct store *st, const char *name, int64_t balance, const char *text, int64_t now)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO modem_status(name, updated_at, balance, balance_at, balance_text)"
		" VALUES (?1, ?2, ?3, ?2, ?4) ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at,"
		" balance = excluded.balance, balance_at = excluded.balance_at, balance_text = excluded.balance_text");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, balance);
	store_bind_text(s, 4, text);
	return store_step_done(st, s, "modem balance");
}

int store_modem_each(struct store *st, int64_t since, int (*cb)(const struct modem_health *m, void *arg),
		     void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT name, state, operator, last_error, pause_reason, balance_text, updated_at, error_since,"
		" paused_until, balance, balance_at, registered, signal,"
		" (SELECT count(*) FROM sms_refs r WHERE r.modem = m.name AND r.sent_at >= ?1),"
		" (SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
		"   WHERE a.modem = m.name AND a.started_at >= ?1 AND d.channel = 'voice')"
		" FROM modem_status m ORDER BY name");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, since);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct modem_health m = {
			.name = store_col_text(s, 0), .state = store_col_text(s, 1),
			.operator_name = store_col_text(s, 2), .last_error = store_col_text(s, 3),
			.pause_reason = store_col_text(s, 4), .balance_text = store_col_text(s, 5),
			.updated_at = sqlite3_column_int64(s, 6), .error_since = sqlite3_column_int64(s, 7),
			.paused_until = sqlite3_column_int64(s, 8), .balance = sqlite3_column_int64(s, 9),
			.balance_at = sqlite3_column_int64(s, 10), .registered = sqlite3_column_int(s, 11),
			.signal = sqlite3_column_int(s, 12), .sms_parts = sqlite3_column_int(s, 13),
			.calls = sqlite3_column_int(s, 14),
		};
		if ((rc = cb(&m, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = store_fail(st, "modems");
	sqlite3_finalize(s);
	return rc;
}

int store_problem_open(struct store *st, const char *key, const char *text, int64_t every_s, int64_t now,
		       int *alert)
{
	*alert = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO problems(key, since, text, alerted_at, open) VALUES (?1, ?2, ?3, 0, 1)"
		" ON CONFLICT(key) DO UPDATE SET text = excluded.text,"
		" since = CASE WHEN open THEN since ELSE excluded.since END, open = 1, closed_at = 0");
	if (!s)
		goto fail;
	store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, text);
	if (store_step_done(st, s, "problem") != STORE_OK)
		goto fail;
	s = store_prep(st, "UPDATE problems SET alerted_at = ?2 WHERE key = ?1 AND (alerted_at = 0 OR alerted_at <= ?2 - ?3)");
	if (!s)
		goto fail;
	store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, every_s);
	if (store_step_done(st, s, "problem") != STORE_OK)
		goto fail;
	*alert = sqlite3_changes(st->db) > 0;
	return store_commit(st);
fail:
	store_rollback(st);
	*alert = 0;
	return STORE_ERR;
}

int store_problem_close(struct store *st, const char *key, int64_t now, int *was_open)
{
	*was_open = 0;
	sqlite3_stmt *s = store_prep(st, "UPDATE problems SET open = 0, closed_at = ?2 WHERE key = ?1 AND open = 1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, now);
	int rc = store_step_done(st, s, "problem");
	if (rc == STORE_OK)
		*was_open = sqlite3_changes(st->db) > 0;
	return rc;
}

int store_problem_each(struct store *st, int (*cb)(const char *key, const char *text, int64_t since, void *arg),
		       void *arg)
{
	sqlite3_stmt *s = store_prep(st, "SELECT key, text, since FROM problems WHERE open = 1 ORDER BY since, key");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = cb(store_col_text(s, 0), store_col_text(s, 1), sqlite3_column_int64(s, 2), arg)) != 0)
			break;
	if (rc == STORE_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = store_fail(st, "problems");
	sqlite3_finalize(s);
	return rc;
}

int store_queue_counts(struct store *st, struct queue_counts *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prep(st,
		"SELECT"
		" (SELECT count(*) FROM deliveries WHERE channel = 'sms' AND state = 'queued'),"
		" (SELECT count(*) FROM deliveries WHERE channel = 'sms' AND state = 'sending'),"
		" (SELECT count(*) FROM deliveries WHERE channel = 'sms' AND state = 'sent'),"
		" (SELECT count(*) FROM deliveries WHERE channel = 'voice' AND state = 'queued'),"
		" (SELECT count(*) FROM deliveries WHERE channel = 'voice' AND state IN ('dialing', 'ringing', 'answered')),"
		" (SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending'))");
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->sms_queued = sqlite3_column_int(s, 0);
		out->sms_sending = sqlite3_column_int(s, 1);
		out->sms_sent = sqlite3_column_int(s, 2);
		out->voice_queued = sqlite3_column_int(s, 3);
		out->voice_calling = sqlite3_column_int(s, 4);
		out->outbox_queued = sqlite3_column_int(s, 5);
	} else {
		rc = store_fail(st, "queue counts");
	}
	sqlite3_finalize(s);
	return rc;
}
