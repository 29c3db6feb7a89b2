/* store_sms — see store_sms.h for the states.
 *
 * DESIGN: every state move is one transaction that also closes the attempt
 * row and appends an event, so the log and the state can never disagree.
 * The claim is a single UPDATE ... WHERE id = (SELECT ...) AND state =
 * 'queued' RETURNING ...: SQLite runs it atomically, so a delivery cannot
 * go to two modems even if two daemons ran by mistake.  Urgent notices are
 * looked up first through deliveries_notice_due (few urgent notices), the
 * rest in next_at order through deliveries_due, so a claim stays O(log n)
 * with 100,000 queued deliveries. */
#include "db/store_sms.h"

#include "db/store_int.h"
#include "base/phone.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int inbound_insert(struct store *st, const char *modem, const char *sender, const char *text, int parts,
			  int64_t sent_at, int64_t now, int64_t *id);

void store_sms_job_clear(struct sms_job *j)
{
	free(j->text);
	memset(j, 0, sizeof *j);
}

int store_sms_recover(struct store *st, int64_t now, int *n)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" SELECT ?1, 'sms_uncertain', notice_id, id, household_id, modem,"
		" 'the daemon stopped while this SMS was being sent; not re-sent'"
		" FROM deliveries WHERE state = 'sending' AND channel = 'sms'",
		"UPDATE attempts SET ended_at = ?1, outcome = 'uncertain', cause = 'daemon stopped'"
		" WHERE ended_at IS NULL AND delivery_id IN"
		" (SELECT id FROM deliveries WHERE state = 'sending' AND channel = 'sms')",
		"UPDATE deliveries SET state = 'uncertain', updated_at = ?1,"
		" last_error = 'answer lost: the daemon stopped while sending (not re-sent)'"
		" WHERE state = 'sending' AND channel = 'sms'",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, 0, 0, NULL, n, "recover");
}

static int load_job(struct store *st, int64_t id, struct sms_job *j)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT d.id, d.notice_id, d.household_id, " STORE_PHONE_SQL("d", "h") ", n.text, d.encoding, d.parts,"
		" d.attempts, d.sms_ref, (SELECT COUNT(DISTINCT part) FROM sms_refs r WHERE r.delivery_id = d.id"
		" AND r.superseded = 0), n.urgent, d.fragments, " STORE_PHONE_IDX_SQL("d", "h")
		" FROM deliveries d JOIN households h ON h.id = d.household_id"
		" JOIN notices n ON n.id = d.notice_id WHERE d.id = ?1");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	int rc = STORE_NOTFOUND;
	if (sqlite3_step(s) == SQLITE_ROW) {
		j->delivery_id = sqlite3_column_int64(s, 0);
		j->notice_id = sqlite3_column_int64(s, 1);
		j->household_id = sqlite3_column_int64(s, 2);
		snprintf(j->phone, sizeof j->phone, "%s", store_col_text(s, 3));
		j->text = xstrdup(store_col_text(s, 4));
		j->ucs2 = strcmp(store_col_text(s, 5), "gsm7") != 0;
		j->parts = sqlite3_column_int(s, 6);
		j->attempts = sqlite3_column_int(s, 7);
		j->ref = sqlite3_column_int(s, 8);
		j->parts_sent = sqlite3_column_int(s, 9);
		j->urgent = sqlite3_column_int(s, 10);
		j->fragments = sqlite3_column_int(s, 11);
		j->phone_idx = sqlite3_column_int(s, 12);
		rc = STORE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* The id of the delivery to claim, or 0.  A multipart message with parts
 * out is only for the modem that sent them (sms_pin). */
static int pick(struct store *st, const char *modem, int64_t now, int flags, int max_parts, int64_t *id)
{
	static const char *const sql[3] = {
		/* notice by notice (urgent ones are few), each an index range on
		 * deliveries_notice_due: never a scan of the whole queue */
		"SELECT did FROM (SELECT (SELECT d.id FROM deliveries d WHERE d.notice_id = n.id"
		"  AND d.state = 'queued' AND d.channel = 'sms' AND d.next_at <= ?1 AND d.parts <= ?2"
		"  AND (d.sms_pin = '' OR d.sms_pin = ?4)"
		"  ORDER BY d.next_at, d.id LIMIT 1) AS did FROM notices n"
		"  WHERE n.urgent = 1 AND n.state = 'active' ORDER BY n.id) WHERE did IS NOT NULL LIMIT 1",
		"SELECT d.id FROM deliveries d JOIN notices n ON n.id = d.notice_id"
		" WHERE d.state = 'queued' AND d.channel = 'sms' AND d.next_at <= ?1 AND d.parts <= ?2"
		"  AND (d.sms_pin = '' OR d.sms_pin = ?4)"
		" AND n.state = 'active' ORDER BY d.next_at, d.id LIMIT 1",
		/* past the daily budget: only notices a head let through (few) */
		"SELECT did FROM (SELECT (SELECT d.id FROM deliveries d WHERE d.notice_id = n.id"
		"  AND d.state = 'queued' AND d.channel = 'sms' AND d.next_at <= ?1 AND d.parts <= ?2"
		"  AND (d.sms_pin = '' OR d.sms_pin = ?4)"
		"  ORDER BY d.next_at, d.id LIMIT 1) AS did FROM notices n"
		"  WHERE n.budget_override = 1 AND n.state = 'active' AND (?3 = 0 OR n.urgent = 1)"
		"  ORDER BY n.urgent DESC, n.id) WHERE did IS NOT NULL LIMIT 1",
	};
	*id = 0;
	int first = flags & SMS_CLAIM_OVERRIDE ? 2 : 0;
	int last = flags & SMS_CLAIM_OVERRIDE ? 3 : flags & SMS_CLAIM_URGENT ? 1 : 2;
	for (int i = first; i < last && !*id; i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s)
			return STORE_ERR;
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int(s, 2, max_parts);
		store_bind_text(s, 4, modem);
		if (i == 2)
			sqlite3_bind_int(s, 3, flags & SMS_CLAIM_URGENT);
		int r = sqlite3_step(s);
		if (r == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		else if (r != SQLITE_DONE) {
			sqlite3_finalize(s);
			return store_fail(st, "claim");
		}
		sqlite3_finalize(s);
	}
	return STORE_OK;
}

int store_sms_claim(struct store *st, const char *modem, int64_t now, int flags, int max_parts,
		    struct sms_job *job)
{
	memset(job, 0, sizeof *job);
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	int64_t id;
	if (pick(st, modem, now, flags, max_parts, &id) != STORE_OK)
		goto fail;
	if (!id) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = 'sending', modem = ?2, attempts = attempts + 1, updated_at = ?3"
		" WHERE id = ?1 AND state = 'queued'");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, modem);
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "claim") != STORE_OK)
		goto fail;
	if (sqlite3_changes(st->db) != 1) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	s = store_prep(st, "INSERT INTO attempts(delivery_id, modem, started_at) VALUES (?1, ?2, ?3)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, modem);
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "attempt") != STORE_OK)
		goto fail;
	int64_t attempt = sqlite3_last_insert_rowid(st->db);
	if (load_job(st, id, job) != STORE_OK)
		goto fail;
	job->attempt_id = attempt;
	return store_commit(st);
fail:
	store_rollback(st);
	store_sms_job_clear(job);
	return STORE_ERR;
}

int store_sms_next_due(struct store *st, int flags, int64_t *next_at)
{
	sqlite3_stmt *s = store_prep(st, flags
		? "SELECT MIN((SELECT MIN(d.next_at) FROM deliveries d WHERE d.notice_id = n.id"
		  " AND d.state = 'queued' AND d.channel = 'sms')) FROM notices n"
		  " WHERE n.state = 'active' AND ((?1 & 1) = 0 OR n.urgent = 1)"
		  " AND ((?1 & 2) = 0 OR n.budget_override = 1)"
		: "SELECT MIN(next_at) FROM deliveries WHERE state = 'queued' AND channel = 'sms'");
	if (!s)
		return STORE_ERR;
	if (flags)
		sqlite3_bind_int(s, 1, flags);
	return store_first_int64(st, s, next_at, "next SMS due");
}

int store_sms_assign_ref(struct store *st, int64_t delivery_id, int *ref)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st, "UPDATE sms_seq SET next_ref = next_ref % 255 + 1 WHERE id = 1"
					 " RETURNING (next_ref + 253) % 255 + 1");
	if (!s)
		goto fail;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, "sms reference");
		sqlite3_finalize(s);
		goto fail;
	}
	*ref = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = store_prep(st, "UPDATE deliveries SET sms_ref = ?2 WHERE id = ?1");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, delivery_id);
	sqlite3_bind_int(s, 2, *ref);
	if (store_step_done(st, s, "sms reference") != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_sms_part_sent(struct store *st, const struct sms_job *j, const char *modem, int part, int parts,
			int mr, int64_t now)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO sms_refs(delivery_id, modem, part, parts, mr, recipient, sent_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->delivery_id);
	store_bind_text(s, 2, modem);
	sqlite3_bind_int(s, 3, part);
	sqlite3_bind_int(s, 4, parts);
	sqlite3_bind_int(s, 5, mr);
	store_bind_text(s, 6, j->phone);
	sqlite3_bind_int64(s, 7, now);
	if (store_step_done(st, s, "sms part") != STORE_OK)
		goto fail;
	if (parts > 1) {
		s = store_prep(st, "UPDATE deliveries SET sms_pin = ?2 WHERE id = ?1 AND sms_pin <> ?2");
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, j->delivery_id);
		store_bind_text(s, 2, modem);
		if (store_step_done(st, s, "sms part") != STORE_OK)
			goto fail;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

#define FRAGMENTS_NOTE "parts of an earlier sending from another modem may also be on the phone"

int store_sms_unpin(struct store *st, const char *modem, int64_t now, int *n)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" SELECT ?1, 'sms_restarted', notice_id, id, household_id, ?3,"
		" 'modem ' || ?3 || ' that sent the first parts is gone: sent whole again from another modem; "
		FRAGMENTS_NOTE "'"
		" FROM deliveries WHERE sms_pin = ?3 AND state = 'queued' AND channel = 'sms'",
		"UPDATE sms_refs SET superseded = 1 WHERE superseded = 0 AND delivery_id IN"
		" (SELECT id FROM deliveries WHERE sms_pin = ?3 AND state = 'queued' AND channel = 'sms')",
		"UPDATE deliveries SET sms_pin = '', sms_ref = 0, fragments = 1, updated_at = ?1,"
		" last_error = 'modem ' || ?3 || ' is gone: sent whole again from another modem'"
		" WHERE sms_pin = ?3 AND state = 'queued' AND channel = 'sms'",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, 0, 0, modem, n, "unpin");
}

int store_sms_pinned_modems(struct store *st, char (*names)[32], int max, int *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prep(st, "SELECT DISTINCT sms_pin FROM deliveries WHERE sms_pin <> ''"
					 " AND state = 'queued' AND channel = 'sms'");
	if (!s)
		return STORE_ERR;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW && *n < max)
		snprintf(names[(*n)++], 32, "%s", store_col_text(s, 0));
	sqlite3_finalize(s);
	return r == SQLITE_ROW || r == SQLITE_DONE ? STORE_OK : store_fail(st, "pinned modems");
}

/* One state move: the delivery, its open attempt, an event. */
static int move(struct store *st, const struct sms_job *j, const char *modem, const char *state,
		const char *outcome, const char *cause, int64_t next_at, int uncount, int64_t now,
		const char *event)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = ?2, last_error = CASE WHEN ?3 = '' AND fragments = 1"
		" THEN '" FRAGMENTS_NOTE "' ELSE ?3 END, next_at = CASE WHEN ?4 > 0 THEN ?4"
		" ELSE next_at END, attempts = attempts - ?5, updated_at = ?6, modem = ?7"
		" WHERE id = ?1 AND state = 'sending'");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->delivery_id);
	store_bind_text(s, 2, state);
	store_bind_text(s, 3, cause ? cause : "");
	sqlite3_bind_int64(s, 4, next_at);
	sqlite3_bind_int(s, 5, uncount);
	sqlite3_bind_int64(s, 6, now);
	store_bind_text(s, 7, modem);
	if (store_step_done(st, s, "delivery state") != STORE_OK)
		goto fail;
	if (sqlite3_changes(st->db) != 1) {
		/* not `sending` any more (someone else moved it): write nothing,
		 * so the attempt and event never contradict the state */
		snprintf(st->err, sizeof st->err, "delivery %lld is no longer being sent; %s not recorded",
			 (long long)j->delivery_id, state);
		store_rollback(st);
		return STORE_CONFLICT;
	}
	if (store_attempt_close(st, j->attempt_id, now, outcome, cause, NULL) != STORE_OK)
		goto fail;
	if (store_event(st, event, j->notice_id, j->delivery_id, j->household_id, modem, cause, now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

/* Delivery `id`, in state `from` on its household's first phone, moves to
 * the second: queued now, phone_idx 1, its parts so far superseded (a late
 * report of one cannot touch the new sending), no concatenation reference
 * and no modem pin (a new message to another phone, from any modem; the
 * fragments note was about the first phone), the attempt count kept; an
 * sms_second_phone event.  Inside the caller's transaction; `to` gets the
 * second phone.  STORE_NOTFOUND, nothing written, when there is no second
 * phone to move to. */
static int to_second_phone(struct store *st, int64_t id, int64_t notice_id, int64_t household_id, const char *from,
			   const char *modem, const char *cause, int64_t now, char *to, size_t tolen)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT h.phone2 FROM deliveries d JOIN households h ON h.id = d.household_id"
		" WHERE d.id = ?1 AND d.state = ?2 AND d.channel = 'sms' AND d.phone_idx = 0"
		" AND " STORE_HAS_PHONE2_SQL("h"));
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, from);
	int r = sqlite3_step(s);
	char second[24] = "";
	if (r == SQLITE_ROW)
		snprintf(second, sizeof second, "%s", store_col_text(s, 0));
	sqlite3_finalize(s);
	if (r == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (r != SQLITE_ROW)
		return store_fail(st, "second phone");
	char nat[24], detail[400];
	phone_national(second, nat, sizeof nat);
	snprintf(detail, sizeof detail, "first phone failed: %s; trying the second phone %s", cause ? cause : "?", nat);
	s = store_prep(st,
		"UPDATE deliveries SET state = 'queued', phone_idx = 1, next_at = ?3, updated_at = ?3, sms_ref = 0,"
		" sms_pin = '', fragments = 0, last_error = ?4, modem = ?5 WHERE id = ?1 AND state = ?2");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, from);
	sqlite3_bind_int64(s, 3, now);
	store_bind_text(s, 4, detail);
	store_bind_text(s, 5, modem);
	if (store_step_done(st, s, "second phone") != STORE_OK)
		return STORE_ERR;
	s = store_prep(st, "UPDATE sms_refs SET superseded = 1 WHERE delivery_id = ?1 AND superseded = 0");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, id);
	if (store_step_done(st, s, "second phone") != STORE_OK)
		return STORE_ERR;
	if (to && tolen)
		snprintf(to, tolen, "%s", second);
	return store_event(st, "sms_second_phone", notice_id, id, household_id, modem, detail, now);
}

int store_sms_second_phone(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
			   int64_t now, char *to, size_t tolen)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	int rc = to_second_phone(st, j->delivery_id, j->notice_id, j->household_id, "sending", modem, cause, now, to,
				 tolen);
	if (rc != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	if (store_attempt_close(st, j->attempt_id, now, "failed", cause, NULL) != STORE_OK) {
		store_rollback(st);
		return STORE_ERR;
	}
	return store_commit(st);
}

int store_sms_sent(struct store *st, const struct sms_job *j, const char *modem, int64_t now)
{
	return move(st, j, modem, "sent", "sent", "", 0, 0, now, "sms_sent");
}

int store_sms_retry(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
		    int64_t next_at, int give_up, int64_t now)
{
	return move(st, j, modem, give_up ? "failed" : "queued", "error", cause, next_at, 0, now,
		    give_up ? "sms_failed" : "sms_retry");
}

int store_sms_release(struct store *st, const struct sms_job *j, const char *modem, const char *cause, int64_t now)
{
	return move(st, j, modem, "queued", "not_sent", cause, now, 1, now, "sms_requeued");
}

int store_sms_fail(struct store *st, const struct sms_job *j, const char *modem, const char *cause, int64_t now)
{
	return move(st, j, modem, "failed", "failed", cause, 0, 0, now, "sms_failed");
}

int store_sms_uncertain(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
			int64_t now)
{
	return move(st, j, modem, "uncertain", "uncertain", cause, 0, 0, now, "sms_uncertain");
}

int store_sms_report(struct store *st, const char *modem, int mr, const char *recipient, int delivered,
		     const char *detail, int64_t now, int64_t *delivery_id, int64_t *notice_id, const char **moved)
{
	*moved = NULL;
	*delivery_id = 0;
	*notice_id = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"SELECT r.id, r.delivery_id, d.notice_id, d.household_id, d.state FROM sms_refs r"
		" JOIN deliveries d ON d.id = r.delivery_id"
		" WHERE r.modem = ?1 AND r.mr = ?2 AND r.recipient = ?3"
		" ORDER BY r.report IS NULL DESC, r.id DESC LIMIT 1");
	if (!s)
		goto fail;
	store_bind_text(s, 1, modem);
	sqlite3_bind_int(s, 2, mr);
	store_bind_text(s, 3, recipient);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		store_rollback(st);
		return STORE_OK;
	}
	int64_t ref_id = sqlite3_column_int64(s, 0), hh;
	*delivery_id = sqlite3_column_int64(s, 1);
	*notice_id = sqlite3_column_int64(s, 2);
	hh = sqlite3_column_int64(s, 3);
	char state[16];
	snprintf(state, sizeof state, "%s", store_col_text(s, 4));
	sqlite3_finalize(s);

	s = store_prep(st, "UPDATE sms_refs SET report = ?2, report_at = ?3 WHERE id = ?1");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, ref_id);
	store_bind_text(s, 2, delivered ? "delivered" : "failed");
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "report") != STORE_OK)
		goto fail;
	/* Parts of the delivery: all delivered -> delivered; any failed -> failed. */
	s = store_prep(st,
		"SELECT MAX(parts), COUNT(DISTINCT CASE WHEN report = 'delivered' THEN part END),"
		" SUM(report = 'failed') FROM sms_refs WHERE delivery_id = ?1 AND superseded = 0");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, *delivery_id);
	const char *to = NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		int parts = sqlite3_column_int(s, 0), ok = sqlite3_column_int(s, 1), bad = sqlite3_column_int(s, 2);
		if (bad > 0)
			to = "failed";
		else if (ok >= parts && parts > 0)
			to = "delivered";
	}
	sqlite3_finalize(s);
	if (to && !strcmp(to, "failed") && !strcmp(state, "sent")) {
		/* failed on the first phone: the household's second, if any */
		int rc = to_second_phone(st, *delivery_id, *notice_id, hh, "sent", modem,
					 detail ? detail : "status report: failed", now, NULL, 0);
		if (rc == STORE_OK) {
			*moved = "queued";
			return store_commit(st);
		}
		if (rc != STORE_NOTFOUND)
			goto fail;
	}
	if (to && strcmp(state, "sent") == 0) {
		s = store_prep(st,
			"UPDATE deliveries SET state = ?2, updated_at = ?3,"
			" last_error = CASE WHEN ?2 = 'failed' THEN ?4 WHEN fragments = 1 THEN '" FRAGMENTS_NOTE "'"
			" ELSE '' END WHERE id = ?1");
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, *delivery_id);
		store_bind_text(s, 2, to);
		sqlite3_bind_int64(s, 3, now);
		store_bind_text(s, 4, detail ? detail : "status report: failed");
		if (store_step_done(st, s, "report") != STORE_OK)
			goto fail;
		if (store_event(st, strcmp(to, "delivered") == 0 ? "sms_delivered" : "sms_failed", *notice_id,
				*delivery_id, hh, modem, detail, now) != STORE_OK)
			goto fail;
		*moved = to;
	}
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

static int count1(struct store *st, sqlite3_stmt *s, int *n)
{
	if (!s)
		return STORE_ERR;
	int rc = STORE_OK;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int(s, 0);
	else
		rc = store_fail(st, "count");
	sqlite3_finalize(s);
	return rc;
}

int store_sms_awaiting_reports(struct store *st, int64_t since, int *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prep(st,
		"SELECT COUNT(DISTINCT r.delivery_id) FROM sms_refs r JOIN deliveries d ON d.id = r.delivery_id"
		" WHERE r.sent_at >= ?1 AND d.state = 'sent'");
	if (s)
		sqlite3_bind_int64(s, 1, since);
	return count1(st, s, n);
}

int store_sms_expire(struct store *st, int64_t now, int64_t max_age_s, int *n)
{
	*n = 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, detail)"
		" SELECT ?1, 'sms_expired', d.notice_id, d.id, d.household_id, 'not sent within sms.expire_h'"
		" FROM deliveries d JOIN notices n ON n.id = d.notice_id"
		" WHERE d.state = 'queued' AND d.channel = 'sms' AND n.due_at < ?2 AND d.resent_at < ?2");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, now - max_age_s);
	if (store_step_done(st, s, "expire") != STORE_OK)
		goto fail;
	s = store_prep(st,
		"UPDATE deliveries SET state = 'expired', updated_at = ?1, last_error = 'not sent within sms.expire_h'"
		" WHERE state = 'queued' AND channel = 'sms' AND resent_at < ?2 AND notice_id IN"
		" (SELECT id FROM notices WHERE due_at < ?2)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, now - max_age_s);
	if (store_step_done(st, s, "expire") != STORE_OK)
		goto fail;
	*n = sqlite3_changes(st->db);
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_sms_parts_since(struct store *st, const char *modem, int64_t since, int *n)
{
	*n = 0;
	sqlite3_stmt *s = store_prep(st, "SELECT COUNT(*) FROM sms_refs WHERE sent_at >= ?1 AND (?2 IS NULL OR modem = ?2)");
	if (s) {
		sqlite3_bind_int64(s, 1, since);
		store_bind_text(s, 2, modem);
	}
	return count1(st, s, n);
}

int store_sms_inbound(struct store *st, const char *modem, const char *sender, const char *text, int parts,
		      int64_t sent_at, int64_t now, int64_t *id)
{
	return inbound_insert(st, modem, sender, text, parts, sent_at, now, id);
}

static int inbound_insert(struct store *st, const char *modem, const char *sender, const char *text, int parts,
			  int64_t sent_at, int64_t now, int64_t *id)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO inbound(received_at, sent_at, modem, sender, text, parts)"
		" VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6)");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, sent_at);
	store_bind_text(s, 3, modem);
	store_bind_text(s, 4, sender);
	store_bind_text(s, 5, text);
	sqlite3_bind_int(s, 6, parts);
	int rc = store_step_done(st, s, "inbound");
	if (rc == STORE_OK && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/* ?1..?4: the message a part belongs to (modem, sender, reference, parts). */
static void bind_message(sqlite3_stmt *s, const struct sms_fragment *f)
{
	store_bind_text(s, 1, f->modem);
	store_bind_text(s, 2, f->sender);
	sqlite3_bind_int(s, 3, f->ref);
	sqlite3_bind_int(s, 4, f->parts);
}

int store_sms_fragment(struct store *st, const struct sms_fragment *f, int64_t now, int64_t *inbound_id,
		       char **text)
{
	*inbound_id = 0;
	*text = NULL;
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	/* a part seen twice (read again after a crash) is kept once */
	sqlite3_stmt *s = store_prep(st,
		"INSERT OR IGNORE INTO inbound_parts(modem, sender, ref, parts, part, text, sent_at, received_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), ?8)");
	if (!s)
		goto fail;
	bind_message(s, f);
	sqlite3_bind_int(s, 5, f->part);
	store_bind_text(s, 6, f->text);
	sqlite3_bind_int64(s, 7, f->sent_at);
	sqlite3_bind_int64(s, 8, now);
	if (store_step_done(st, s, "inbound part") != STORE_OK)
		goto fail;
	s = store_prep(st, "SELECT part, text, COALESCE(sent_at, 0) FROM inbound_parts"
			   " WHERE modem = ?1 AND sender = ?2 AND ref = ?3 AND parts = ?4 ORDER BY part");
	if (!s)
		goto fail;
	bind_message(s, f);
	struct sbuf b;
	sbuf_init(&b);
	int n = 0, r;
	int64_t first = 0;
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		sbuf_add(&b, store_col_text(s, 1));
		int64_t t = sqlite3_column_int64(s, 2);
		if (t && (!first || t < first))
			first = t;
	}
	sqlite3_finalize(s);
	if (r != SQLITE_DONE) {
		sbuf_free(&b);
		store_fail(st, "inbound parts");
		goto fail;
	}
	if (n < f->parts) {
		sbuf_free(&b);
		return store_commit(st);
	}
	s = store_prep(st, "DELETE FROM inbound_parts WHERE modem = ?1 AND sender = ?2 AND ref = ?3 AND parts = ?4");
	if (!s) {
		sbuf_free(&b);
		goto fail;
	}
	bind_message(s, f);
	char *joined = b.s ? sbuf_take(&b) : xstrdup("");
	if (store_step_done(st, s, "inbound parts") != STORE_OK ||
	    inbound_insert(st, f->modem, f->sender, joined, f->parts, first, now, inbound_id) != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		free(joined);
		*inbound_id = 0;
		goto fail;
	}
	*text = joined;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_sms_fragments_expire(struct store *st, int64_t now, int64_t max_age_s, int *n)
{
	static const char *const sql[] = {
		/* what did arrive is kept in the inbox, marked, never acted on */
		"INSERT INTO inbound(received_at, sent_at, modem, sender, text, parts, decision, reason)"
		" SELECT ?1, MIN(sent_at), modem, sender, group_concat(text, ' [...] '), COUNT(*), 'incomplete',"
		" COUNT(*) || ' of ' || parts || ' parts arrived; the others never came'"
		" FROM (SELECT * FROM inbound_parts ORDER BY part)"
		" GROUP BY modem, sender, ref, parts HAVING MIN(received_at) < ?1 - ?2",
		"DELETE FROM inbound_parts WHERE (modem, sender, ref, parts) IN"
		" (SELECT modem, sender, ref, parts FROM inbound_parts"
		"  GROUP BY modem, sender, ref, parts HAVING MIN(received_at) < ?1 - ?2)",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, max_age_s, 0, NULL, n, "expire inbound parts");
}

int store_sms_modem_status(struct store *st, const char *name, const char *state, int registered, int signal,
			   const char *last_error, int64_t now)
{
	sqlite3_stmt *s = store_prep(st,
		"INSERT INTO modem_status(name, updated_at, state, registered, signal, last_error)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at,"
		" state = excluded.state, registered = excluded.registered, signal = excluded.signal,"
		" error_since = CASE WHEN excluded.state = 'ready' THEN 0"
		"  WHEN excluded.last_error <> '' AND error_since = 0 THEN excluded.updated_at ELSE error_since END,"
		" last_error = CASE WHEN excluded.last_error = '' THEN last_error ELSE excluded.last_error END");
	if (!s)
		return STORE_ERR;
	store_bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, now);
	store_bind_text(s, 3, state);
	sqlite3_bind_int(s, 4, registered);
	sqlite3_bind_int(s, 5, signal);
	store_bind_text(s, 6, last_error ? last_error : "");
	return store_step_done(st, s, "modem status");
}
