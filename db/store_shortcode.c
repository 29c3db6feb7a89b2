/* store_shortcode — see store_shortcode.h. */
#include "db/store_shortcode.h"

#include "db/store_int.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_sender_add(struct store *st, const struct sender *s, int64_t *id_out, int64_t now)
{
	sqlite3_stmt *q = store_prep(st,
		"INSERT INTO senders(phone, role, name, groups, confirm, created_at, pin_hash)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, s->phone);
	store_bind_text(q, 2, s->role);
	store_bind_text(q, 3, s->name);
	store_bind_text(q, 4, s->groups);
	sqlite3_bind_int(q, 5, s->confirm);
	sqlite3_bind_int64(q, 6, now);
	store_bind_text(q, 7, s->pin_hash);
	int rc = store_step_done(st, q, "sender");
	if (rc == STORE_OK && id_out)
		*id_out = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int store_sender_remove(struct store *st, const char *phone)
{
	sqlite3_stmt *q = store_prep(st, "DELETE FROM senders WHERE phone = ?1");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, phone);
	int rc = store_step_done(st, q, "sender");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

static void read_sender(sqlite3_stmt *q, struct sender *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(q, 0);
	snprintf(s->phone, sizeof s->phone, "%s", store_col_text(q, 1));
	snprintf(s->role, sizeof s->role, "%s", store_col_text(q, 2));
	snprintf(s->name, sizeof s->name, "%s", store_col_text(q, 3));
	snprintf(s->groups, sizeof s->groups, "%s", store_col_text(q, 4));
	s->confirm = sqlite3_column_int(q, 5);
	s->locked_at = sqlite3_column_int64(q, 6);
	snprintf(s->pin_hash, sizeof s->pin_hash, "%s", store_col_text(q, 7));
}

int store_sender_by_phone(struct store *st, const char *phone, struct sender *out)
{
	sqlite3_stmt *q = store_prep(st, "SELECT id, phone, role, name, groups, confirm, locked_at, pin_hash FROM senders WHERE phone = ?1");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, phone);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_sender(q, out);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, "sender");
}

int store_sender_each(struct store *st, int (*cb)(const struct sender *s, void *arg), void *arg)
{
	sqlite3_stmt *q = store_prep(st, "SELECT id, phone, role, name, groups, confirm, locked_at, pin_hash FROM senders ORDER BY id");
	if (!q)
		return STORE_ERR;
	int rc = STORE_OK;
	struct sender s;
	while (sqlite3_step(q) == SQLITE_ROW) {
		read_sender(q, &s);
		if ((rc = cb(&s, arg)) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

int store_code_failure(struct store *st, int64_t sender_id, int64_t now, int64_t window_s, int lock_at,
		       int *in_window, int *locked_now)
{
	static const char *const sql[] = {
		"INSERT INTO code_failures(sender_id, at) VALUES (?1, ?2)",
		"DELETE FROM code_failures WHERE sender_id = ?1 AND at < ?2 - ?3",
		"SELECT count(*) FROM code_failures WHERE sender_id = ?1",
		/* ?3 = 1 when the count reached the limit */
		"UPDATE senders SET locked_at = ?2 WHERE id = ?1 AND locked_at = 0 AND ?3",
		"UPDATE pending_broadcasts SET state = 'dropped', reason = 'sender locked after wrong codes'"
		" WHERE sender_id = ?1 AND state IN ('pending', 'held') AND ?3",
	};
	*in_window = 0;
	*locked_now = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	int rc = STORE_OK, n = 0;
	for (size_t i = 0; i < ARRAY_LEN(sql) && rc == STORE_OK; i++) {
		sqlite3_stmt *q = store_prep(st, sql[i]);
		if (!q) {
			rc = STORE_ERR;
			break;
		}
		sqlite3_bind_int64(q, 1, sender_id);
		sqlite3_bind_int64(q, 2, now);
		sqlite3_bind_int64(q, 3, i == 1 ? window_s : n >= lock_at);
		int step = sqlite3_step(q);
		if (step == SQLITE_ROW)
			n = sqlite3_column_int(q, 0);
		else if (step != SQLITE_DONE)
			rc = store_fail(st, "code failure");
		if (rc == STORE_OK && i == 3)
			*locked_now = sqlite3_changes(st->db) > 0;
		sqlite3_finalize(q);
	}
	if (rc != STORE_OK) {
		store_rollback(st);
		*locked_now = 0;
		return rc;
	}
	*in_window = n;
	return store_commit(st);
}

int store_sender_set_pin(struct store *st, const char *phone, const char *pin_hash)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE senders SET pin_hash = ?2 WHERE phone = ?1");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, phone);
	store_bind_text(q, 2, pin_hash);
	int rc = store_step_done(st, q, "sender PIN");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int store_sender_unlock(struct store *st, const char *phone, int *was_locked)
{
	struct sender s;
	int rc = store_sender_by_phone(st, phone, &s);
	if (rc)
		return rc;
	*was_locked = s.locked_at != 0;
	static const char *const sql[] = {
		"UPDATE senders SET locked_at = 0 WHERE id = ?1",
		"DELETE FROM code_failures WHERE sender_id = ?1",
	};
	int changes;
	return store_tx_batch(st, sql, ARRAY_LEN(sql), s.id, 0, 0, NULL, &changes, "unlock");
}

int store_template_add(struct store *st, const char *code, const char *text, int64_t now)
{
	sqlite3_stmt *q = store_prep(st,
		"INSERT INTO templates(code, text, created_at) VALUES (?1, ?2, ?3)");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, code);
	store_bind_text(q, 2, text);
	sqlite3_bind_int64(q, 3, now);
	return store_step_done(st, q, "template");
}

int store_template_get(struct store *st, const char *code, char **text_out)
{
	sqlite3_stmt *q = store_prep(st, "SELECT text FROM templates WHERE code = ?1");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, code);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*text_out = xstrdup(store_col_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, "template");
}

int store_template_remove(struct store *st, const char *code)
{
	sqlite3_stmt *q = store_prep(st, "DELETE FROM templates WHERE code = ?1");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, code);
	int rc = store_step_done(st, q, "template");
	if (rc == STORE_OK && sqlite3_changes(st->db) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

int store_template_each(struct store *st, int (*cb)(const char *code, const char *text, void *arg), void *arg)
{
	sqlite3_stmt *q = store_prep(st, "SELECT code, text FROM templates ORDER BY code");
	if (!q)
		return STORE_ERR;
	int rc = STORE_OK;
	while (sqlite3_step(q) == SQLITE_ROW)
		if ((rc = cb(store_col_text(q, 0), store_col_text(q, 1), arg)) != 0)
			break;
	sqlite3_finalize(q);
	return rc;
}

void store_pending_clear(struct pending *p)
{
	free(p->targets);
	free(p->text);
	p->targets = p->text = NULL;
}

int store_pending_add(struct store *st, const struct pending *p, int64_t *id_out)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *q = store_prep(st,
		"UPDATE pending_broadcasts SET state = 'superseded', reason = 'a newer request came'"
		" WHERE sender_id = ?1 AND state IN ('pending', 'held')");
	int rc = STORE_ERR;
	if (q) {
		sqlite3_bind_int64(q, 1, p->sender_id);
		rc = store_step_done(st, q, "pending");
	}
	if (rc == STORE_OK && (q = store_prep(st,
		"INSERT INTO pending_broadcasts(sender_id, code, targets, channels, urgent, text, created_at,"
		" expires_at, state, action, notice_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, 0))")) != NULL) {
		sqlite3_bind_int64(q, 1, p->sender_id);
		store_bind_text(q, 2, p->code);
		store_bind_text(q, 3, p->targets);
		sqlite3_bind_int(q, 4, p->channels);
		sqlite3_bind_int(q, 5, p->urgent);
		store_bind_text(q, 6, p->text);
		sqlite3_bind_int64(q, 7, p->created_at);
		sqlite3_bind_int64(q, 8, p->expires_at);
		store_bind_text(q, 9, p->state[0] ? p->state : "pending");
		store_bind_text(q, 10, p->action[0] ? p->action : "broadcast");
		sqlite3_bind_int64(q, 11, p->notice_id);
		rc = store_step_done(st, q, "pending");
		if (rc == STORE_OK && id_out)
			*id_out = sqlite3_last_insert_rowid(st->db);
	} else if (rc == STORE_OK) {
		rc = STORE_ERR;
	}
	if (rc != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

int store_pending_open(struct store *st, int64_t sender_id, struct pending *out)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT id, sender_id, code, targets, text, channels, urgent, wrong, created_at, expires_at, state,"
		" action, COALESCE(notice_id, 0) FROM pending_broadcasts WHERE sender_id = ?1 AND state IN ('pending', 'held')"
		" ORDER BY id DESC LIMIT 1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, sender_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(q, 0);
		out->sender_id = sqlite3_column_int64(q, 1);
		snprintf(out->code, sizeof out->code, "%s", store_col_text(q, 2));
		out->targets = xstrdup(store_col_text(q, 3));
		out->text = xstrdup(store_col_text(q, 4));
		out->channels = sqlite3_column_int(q, 5);
		out->urgent = sqlite3_column_int(q, 6);
		out->wrong = sqlite3_column_int(q, 7);
		out->created_at = sqlite3_column_int64(q, 8);
		out->expires_at = sqlite3_column_int64(q, 9);
		snprintf(out->state, sizeof out->state, "%s", store_col_text(q, 10));
		snprintf(out->action, sizeof out->action, "%s", store_col_text(q, 11));
		out->notice_id = sqlite3_column_int64(q, 12);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, "pending");
}

int store_pending_update(struct store *st, int64_t id, const char *state, int wrong, const char *reason,
			 int64_t notice_id)
{
	sqlite3_stmt *q = store_prep(st,
		"UPDATE pending_broadcasts SET state = ?2, wrong = ?3, reason = ?4,"
		" notice_id = COALESCE(NULLIF(?5, 0), notice_id)"
		" WHERE id = ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, id);
	store_bind_text(q, 2, state);
	sqlite3_bind_int(q, 3, wrong);
	store_bind_text(q, 4, reason ? reason : "");
	sqlite3_bind_int64(q, 5, notice_id);
	return store_step_done(st, q, "pending");
}

int store_outbox_add(struct store *st, const char *to, const char *text, const char *kind, int64_t inbound_id,
		     int64_t now)
{
	sqlite3_stmt *q = store_prep(st,
		"INSERT INTO outbox(to_phone, text, kind, inbound_id, created_at) VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5)");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, to);
	store_bind_text(q, 2, text);
	store_bind_text(q, 3, kind);
	sqlite3_bind_int64(q, 4, inbound_id);
	sqlite3_bind_int64(q, 5, now);
	return store_step_done(st, q, "outbox");
}

int store_outbox_count_since(struct store *st, const char *to, const char *kinds, int64_t since, int *n)
{
	/* two statements, so each uses its index (outbox_to, outbox_created) */
	sqlite3_stmt *q = store_prep(st, to
		? "SELECT count(*) FROM outbox WHERE to_phone = ?1 AND created_at >= ?2"
		  " AND (?3 IS NULL OR instr(?3, ',' || kind || ',') > 0)"
		: "SELECT count(*) FROM outbox WHERE created_at >= ?2"
		  " AND (?3 IS NULL OR instr(?3, ',' || kind || ',') > 0)");
	*n = 0;
	if (!q)
		return STORE_ERR;
	if (to)
		store_bind_text(q, 1, to);
	sqlite3_bind_int64(q, 2, since);
	store_bind_text(q, 3, kinds);
	int rc = sqlite3_step(q) == SQLITE_ROW ? STORE_OK : store_fail(st, "outbox");
	*n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return rc;
}

void store_outbox_clear(struct outbox_msg *m)
{
	free(m->text);
	m->text = NULL;
}

int store_outbox_claim(struct store *st, const char *modem, struct outbox_msg *m)
{
	sqlite3_stmt *q = store_prep(st,
		"UPDATE outbox SET state = 'sending', modem = ?1, attempts = attempts + 1"
		" WHERE id = (SELECT id FROM outbox WHERE state = 'queued' ORDER BY id LIMIT 1)"
		" RETURNING id, to_phone, text");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, modem);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		memset(m, 0, sizeof *m);
		m->id = sqlite3_column_int64(q, 0);
		snprintf(m->to, sizeof m->to, "%s", store_col_text(q, 1));
		m->text = xstrdup(store_col_text(q, 2));
		while (sqlite3_step(q) == SQLITE_ROW)
			;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : store_fail(st, "outbox");
}

int store_outbox_done(struct store *st, int64_t id, int ok, int mr, const char *error, int retries, int64_t now)
{
	sqlite3_stmt *q = store_prep(st, ok
		? "UPDATE outbox SET state = 'sent', mr = ?2, sent_at = ?4, error = '' WHERE id = ?1"
		: "UPDATE outbox SET state = CASE WHEN attempts > ?5 THEN 'failed' ELSE 'queued' END,"
		  " error = ?3 WHERE id = ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, id);
	if (ok) {
		sqlite3_bind_int(q, 2, mr);
		sqlite3_bind_int64(q, 4, now);
	} else {
		store_bind_text(q, 3, error ? error : "");
		sqlite3_bind_int(q, 5, retries);
	}
	return store_step_done(st, q, "outbox");
}

int store_outbox_recover(struct store *st)
{
	return store_exec(st, "UPDATE outbox SET state = 'queued' WHERE state = 'sending'");
}

int store_inbound_decide(struct store *st, int64_t inbound_id, const char *decision, const char *reason)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE inbound SET decision = ?2, reason = ?3 WHERE id = ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, inbound_id);
	store_bind_text(q, 2, decision);
	store_bind_text(q, 3, reason ? reason : "");
	return store_step_done(st, q, "inbound");
}

int store_inbound_each(struct store *st, int limit, int (*cb)(const struct inbound_row *r, void *arg), void *arg)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT i.id, i.received_at, i.modem, i.sender, i.text, i.decision, i.reason,"
		" COALESCE(s.name, (SELECT group_concat(name, ', ') FROM (SELECT h.name FROM households h"
		"  WHERE (h.phone = i.sender OR (h.phone2 = i.sender AND h.phone2 <> '')) AND h.active = 1"
		"  ORDER BY h.id)), '')"
		" FROM inbound i LEFT JOIN senders s ON s.phone = i.sender ORDER BY i.id DESC LIMIT ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int(q, 1, limit > 0 ? limit : -1);
	int rc = STORE_OK;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct inbound_row r = { sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), store_col_text(q, 2),
					 store_col_text(q, 3), store_col_text(q, 4), store_col_text(q, 5),
					 store_col_text(q, 6), store_col_text(q, 7) };
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

int store_outbox_each(struct store *st, int limit, int (*cb)(const struct outbox_row *r, void *arg), void *arg)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT id, created_at, COALESCE(inbound_id, 0), to_phone, text, kind, state, error"
		" FROM outbox ORDER BY id DESC LIMIT ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int(q, 1, limit > 0 ? limit : -1);
	int rc = STORE_OK;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct outbox_row r = { sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
					sqlite3_column_int64(q, 2), store_col_text(q, 3), store_col_text(q, 4),
					store_col_text(q, 5), store_col_text(q, 6), store_col_text(q, 7) };
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	sqlite3_finalize(q);
	return rc;
}

int store_sms_ack(struct store *st, const char *e164, int64_t now, int64_t window_s, int64_t *notice_id, int *n)
{
	*notice_id = 0;
	if (n)
		*n = 0;
	/* state and updated_at untouched: a newer updated_at would also keep
	 * a sent SMS "in progress" in reports, off the visit list */
	sqlite3_stmt *q = store_prep(st,
		"WITH mine AS (SELECT d.id, d.notice_id FROM deliveries d JOIN households h ON h.id = d.household_id"
		"  WHERE d.household_id IN (SELECT id FROM households WHERE phone = ?1 AND active = 1"
		"   UNION SELECT id FROM households WHERE phone2 = ?1 AND active = 1 AND phone2 <> '')"
		"  AND d.channel = 'sms' AND d.state IN ('sent', 'delivered', 'uncertain', 'failed')"
		"  AND d.updated_at >= ?3 AND " STORE_PHONE_SQL("d", "h") " = ?1)"
		" UPDATE deliveries SET acked_at = COALESCE(acked_at, ?2)"
		" WHERE id IN (SELECT id FROM mine WHERE notice_id = (SELECT max(notice_id) FROM mine))"
		" RETURNING notice_id, id, household_id");
	if (!q)
		return STORE_ERR;
	store_bind_text(q, 1, e164);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, now - window_s);
	/* every row first (the UPDATE is done once RETURNING is read through),
	 * then the events */
	struct acked {
		int64_t id, household;
	} *rows = NULL;
	size_t k = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (k == cap) {
			cap = cap ? cap * 2 : 4;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		*notice_id = sqlite3_column_int64(q, 0);
		rows[k].id = sqlite3_column_int64(q, 1);
		rows[k++].household = sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		free(rows);
		*notice_id = 0;
		return store_fail(st, "ack");
	}
	int out = STORE_OK;
	for (size_t i = 0; i < k && out == STORE_OK; i++)
		out = store_event(st, "sms_acknowledged", *notice_id, rows[i].id, rows[i].household, NULL,
				  "the number replied that it received the SMS (not proof of delivery)", now);
	free(rows);
	if (n)
		*n = (int)k;
	return out;
}

int store_sms_parts_queued(struct store *st, int *n)
{
	sqlite3_stmt *q = store_prep(st,
		"SELECT COALESCE(sum(d.parts), 0) FROM deliveries d JOIN notices n ON n.id = d.notice_id"
		" WHERE d.channel = 'sms' AND d.state IN ('queued', 'sending') AND n.state = 'active'");
	if (!q)
		return STORE_ERR;
	int rc = sqlite3_step(q) == SQLITE_ROW ? STORE_OK : store_fail(st, "parts");
	*n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return rc;
}

int store_notice_set_budget_override(struct store *st, int64_t notice_id)
{
	sqlite3_stmt *q = store_prep(st, "UPDATE notices SET budget_override = 1 WHERE id = ?1");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, notice_id);
	return store_step_done(st, q, "notice");
}

int store_sms_inbound_cli(struct store *st, const char *sender, const char *text, int64_t now, int64_t *id)
{
	sqlite3_stmt *q = store_prep(st,
		"INSERT INTO inbound(received_at, sent_at, modem, sender, text, parts) VALUES (?1, ?1, 'cli', ?2, ?3, 1)");
	if (!q)
		return STORE_ERR;
	sqlite3_bind_int64(q, 1, now);
	store_bind_text(q, 2, sender);
	store_bind_text(q, 3, text);
	int rc = store_step_done(st, q, "inbound");
	if (rc == STORE_OK)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}
