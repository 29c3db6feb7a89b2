/* store_web — see store_web.h.  Plain prepared statements: the page sees a
 * handful of requests a minute, so nothing here is cached. */
#include "db/store_web.h"

#include "db/channel.h"
#include "db/store_int.h"

#include <stdio.h>
#include <string.h>

int store_web_user_add(struct store *st, const char *name, const char *pwhash, int64_t now, int64_t *id_out)
{
	sqlite3_stmt *s = store_prep(st, "INSERT INTO users(name, pwhash, created_at) VALUES (?1, ?2, ?3)");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, pwhash);
	sqlite3_bind_int64(s, 3, now);
	int step = sqlite3_step(s);
	int rc = STORE_OK;
	if (step == SQLITE_CONSTRAINT) {
		snprintf(st->err, sizeof st->err, "user '%s' already exists", name);
		rc = STORE_CONFLICT;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "add user");
	} else if (id_out) {
		*id_out = sqlite3_last_insert_rowid(st->db);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_web_user_get(struct store *st, const char *name, struct store_web_user *out)
{
	sqlite3_stmt *s = store_prep(st, "SELECT id, name, pwhash, created_at, last_login_at FROM users WHERE name = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	int rc = STORE_NOTFOUND, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(s, 0);
		snprintf(out->name, sizeof out->name, "%s", store_col_text(s, 1));
		snprintf(out->pwhash, sizeof out->pwhash, "%s", store_col_text(s, 2));
		out->created_at = sqlite3_column_int64(s, 3);
		out->last_login_at = sqlite3_column_int64(s, 4);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "user");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_web_user_remove(struct store *st, const char *name)
{
	/* Sessions go with the user (ON DELETE CASCADE). */
	sqlite3_stmt *s = store_prep(st, "DELETE FROM users WHERE name = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	int rc = store_step_done(st, s, "remove user");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0) {
		snprintf(st->err, sizeof st->err, "no user '%s'", name);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int store_web_user_each(struct store *st, int64_t now, int (*cb)(const struct store_web_user *u, void *arg),
			void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT u.id, u.name, u.created_at, u.last_login_at,"
		" (SELECT count(*) FROM sessions x WHERE x.user_id = u.id AND x.expires_at > ?1)"
		" FROM users u ORDER BY u.name");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_web_user u;
		memset(&u, 0, sizeof u);
		u.id = sqlite3_column_int64(s, 0);
		snprintf(u.name, sizeof u.name, "%s", store_col_text(s, 1));
		u.created_at = sqlite3_column_int64(s, 2);
		u.last_login_at = sqlite3_column_int64(s, 3);
		u.sessions = sqlite3_column_int(s, 4);
		if ((rc = cb(&u, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "users");
	sqlite3_finalize(s);
	return rc;
}

int store_web_user_touch(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt *s = store_prep(st, "UPDATE users SET last_login_at = ?2 WHERE id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, "user login time");
}

int store_web_session_add(struct store *st, const char *token_hash, int64_t user_id, const char *address,
			  int64_t now, int64_t expires_at)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO sessions(token_hash, user_id, address, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, user_id);
	store_bind_text(s, 3, address ? address : "");
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, expires_at);
	return store_step_done(st, s, "add session");
}

int store_web_session_get(struct store *st, const char *token_hash, int64_t now, struct store_web_session *out)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT s.user_id, u.name, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.token_hash = ?1 AND s.expires_at > ?2");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, now);
	int rc = STORE_NOTFOUND, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->user_id = sqlite3_column_int64(s, 0);
		snprintf(out->user, sizeof out->user, "%s", store_col_text(s, 1));
		out->expires_at = sqlite3_column_int64(s, 2);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "session");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_web_session_remove(struct store *st, const char *token_hash)
{
	sqlite3_stmt *s = store_prep(st, "DELETE FROM sessions WHERE token_hash = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, token_hash);
	return store_step_done(st, s, "remove session");
}

int store_web_session_purge(struct store *st, int64_t now)
{
	sqlite3_stmt *s = store_prep(st, "DELETE FROM sessions WHERE expires_at <= ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	return store_step_done(st, s, "purge sessions");
}

int store_web_limit_get(struct store *st, const char *key, struct store_web_limit *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_prep(st, "SELECT failures, last_ms, until_ms FROM login_failures WHERE key = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, key);
	int rc = STORE_OK, step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->failures = sqlite3_column_int(s, 0);
		out->last_ms = sqlite3_column_int64(s, 1);
		out->until_ms = sqlite3_column_int64(s, 2);
	} else if (step != SQLITE_DONE) {
		rc = store_fail(st, "login failures");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_web_limit_put(struct store *st, const char *key, const struct store_web_limit *l)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO login_failures(key, failures, last_ms, until_ms) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT(key) DO UPDATE SET failures = ?2, last_ms = ?3, until_ms = ?4");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, key);
	sqlite3_bind_int(s, 2, l->failures);
	sqlite3_bind_int64(s, 3, l->last_ms);
	sqlite3_bind_int64(s, 4, l->until_ms);
	return store_step_done(st, s, "login failures");
}

int store_web_limit_clear(struct store *st, const char *key)
{
	sqlite3_stmt *s = store_prep(st, "DELETE FROM login_failures WHERE key = ?1");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, key);
	return store_step_done(st, s, "login failures");
}

int store_web_limit_purge(struct store *st, int64_t before_ms, int64_t now_ms)
{
	sqlite3_stmt *s = store_prep(st, "DELETE FROM login_failures WHERE last_ms < ?1 AND until_ms <= ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, before_ms);
	sqlite3_bind_int64(s, 2, now_ms);
	return store_step_done(st, s, "login failures");
}

int store_web_progress(struct store *st, int64_t notice_id,
		       int (*cb)(const char *channel, int64_t at, void *arg), void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT channel, updated_at FROM deliveries WHERE notice_id = ?1"
		" AND state IN " CHANNEL_REACHED_SQL);
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, notice_id);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = cb(store_col_text(s, 0), sqlite3_column_int64(s, 1), arg)) != 0)
			break;
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "progress");
	sqlite3_finalize(s);
	return rc;
}

int store_web_modems(struct store *st, int64_t since, int (*cb)(const struct store_web_modem *m, void *arg),
		     void *arg)
{
	sqlite3_stmt *s = store_prep(st,
		"WITH names(name) AS (SELECT name FROM modem_status"
		"   UNION SELECT modem FROM sms_refs WHERE sent_at >= ?1"
		"   UNION SELECT a.modem FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
		"     WHERE a.started_at >= ?1 AND d.channel = 'voice')"
		" SELECT n.name, COALESCE(m.state, ''), COALESCE(m.operator, ''), COALESCE(m.last_error, ''),"
		"  COALESCE(m.updated_at, 0), COALESCE(m.registered, 0), COALESCE(m.signal, 99),"
		"  (SELECT count(*) FROM sms_refs r WHERE r.modem = n.name AND r.sent_at >= ?1),"
		"  (SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
		"    WHERE a.modem = n.name AND a.started_at >= ?1 AND d.channel = 'voice'),"
		"  COALESCE(m.paused_until, 0), COALESCE(m.pause_reason, ''), COALESCE(m.balance, -1),"
		"  COALESCE(m.balance_at, 0)"
		" FROM names n LEFT JOIN modem_status m ON m.name = n.name ORDER BY n.name");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, since);
	int rc = STORE_OK, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_web_modem m = {
			.name = store_col_text(s, 0), .state = store_col_text(s, 1),
			.operator_name = store_col_text(s, 2), .last_error = store_col_text(s, 3),
			.updated_at = sqlite3_column_int64(s, 4), .registered = sqlite3_column_int(s, 5),
			.signal = sqlite3_column_int(s, 6), .sms_parts = sqlite3_column_int(s, 7),
			.calls = sqlite3_column_int(s, 8), .paused_until = sqlite3_column_int64(s, 9),
			.pause_reason = store_col_text(s, 10), .balance = sqlite3_column_int64(s, 11),
			.balance_at = sqlite3_column_int64(s, 12),
		};
		if ((rc = cb(&m, arg)) != 0)
			break;
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = store_fail(st, "modems");
	sqlite3_finalize(s);
	return rc;
}

int store_web_today(struct store *st, int64_t since, int *sms_parts, int *sms_msgs, int *calls)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT (SELECT count(*) FROM sms_refs WHERE sent_at >= ?1),"
		" (SELECT count(DISTINCT delivery_id) FROM sms_refs WHERE sent_at >= ?1),"
		" (SELECT count(*) FROM attempts a JOIN deliveries d ON d.id = a.delivery_id"
		"   WHERE a.started_at >= ?1 AND d.channel = 'voice')");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, since);
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*sms_parts = sqlite3_column_int(s, 0);
		*sms_msgs = sqlite3_column_int(s, 1);
		*calls = sqlite3_column_int(s, 2);
	} else {
		rc = store_fail(st, "today");
	}
	sqlite3_finalize(s);
	return rc;
}
