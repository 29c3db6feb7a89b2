/* store_call — see store_call.h for the states and the crash-recovery
 * decision.
 *
 * DESIGN: as in store_sms.c, every state move is one transaction with the
 * attempt row and an event, so the log and the state never disagree.  The
 * claim is one UPDATE ... WHERE id = (SELECT ...) AND state = 'queued'
 * RETURNING: a delivery can never be dialed by two modems. */
#include "db/store_call.h"

#include "db/store_int.h"
#include "base/phone.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Urgent notices first, then by due time; ?1 now, ?2 urgent_only, ?3 notice (0 any). */
#define PICK_VOICE                                                                          \
	"SELECT d.id FROM deliveries d JOIN notices n ON n.id = d.notice_id"                \
	" WHERE d.state = 'queued' AND d.channel = 'voice' AND d.next_at <= ?1"             \
	" AND n.state = 'active' AND (?2 = 0 OR n.urgent = 1) AND (?3 = 0 OR n.id = ?3)"    \
	" ORDER BY n.urgent DESC, d.next_at, d.id LIMIT 1"

int store_call_peek(struct store *st, int64_t now, int urgent_only, int64_t *notice_id, char **text,
		    char **audio_path)
{
	sqlite3_stmt *s = store_prep(st, "SELECT n.id, n.text, COALESCE(n.audio_path, '') FROM deliveries d"
					 " JOIN notices n ON n.id = d.notice_id WHERE d.id = (" PICK_VOICE ")");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, urgent_only);
	sqlite3_bind_int64(s, 3, 0);
	int rc = STORE_NOTFOUND, r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		*notice_id = sqlite3_column_int64(s, 0);
		*text = xstrdup(store_col_text(s, 1));
		*audio_path = xstrdup(store_col_text(s, 2));
		rc = STORE_OK;
	} else if (r != SQLITE_DONE) {
		rc = store_fail(st, "call peek");
	}
	sqlite3_finalize(s);
	return rc;
}

int store_call_claim(struct store *st, const char *modem, int64_t now, int urgent_only, int64_t notice_id,
		     struct call_job *job)
{
	memset(job, 0, sizeof *job);
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = 'dialing', modem = ?4, attempts = attempts + 1, updated_at = ?1"
		" WHERE id = (" PICK_VOICE ") AND state = 'queued'"
		" RETURNING id, notice_id, household_id, attempts,"
		" (SELECT " STORE_PHONE_SQL("deliveries", "h") " FROM households h WHERE h.id = household_id),"
		" (SELECT urgent FROM notices n WHERE n.id = notice_id),"
		" (SELECT " STORE_PHONE_IDX_SQL("deliveries", "h") " FROM households h WHERE h.id = household_id),"
		" (SELECT CASE WHEN NOT " STORE_HAS_PHONE2_SQL("h") " THEN ''"
		"  WHEN " STORE_PHONE_IDX_SQL("deliveries", "h") " THEN h.phone ELSE h.phone2 END"
		"  FROM households h WHERE h.id = household_id)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, urgent_only);
	sqlite3_bind_int64(s, 3, notice_id);
	store_bind_text(s, 4, modem);
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW) {
		job->delivery_id = sqlite3_column_int64(s, 0);
		job->notice_id = sqlite3_column_int64(s, 1);
		job->household_id = sqlite3_column_int64(s, 2);
		job->attempts = sqlite3_column_int(s, 3);
		snprintf(job->phone, sizeof job->phone, "%s", store_col_text(s, 4));
		job->urgent = sqlite3_column_int(s, 5);
		job->phone_idx = sqlite3_column_int(s, 6);
		snprintf(job->other, sizeof job->other, "%s", store_col_text(s, 7));
		r = sqlite3_step(s);
	}
	if (r != SQLITE_DONE) {
		store_fail(st, "call claim");
		sqlite3_finalize(s);
		goto fail;
	}
	sqlite3_finalize(s);
	if (!job->delivery_id) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	s = store_prep(st, "INSERT INTO attempts(delivery_id, modem, started_at) VALUES (?1, ?2, ?3)");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, job->delivery_id);
	store_bind_text(s, 2, modem);
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "call attempt") != STORE_OK)
		goto fail;
	job->attempt_id = sqlite3_last_insert_rowid(st->db);
	char detail[96];
	snprintf(detail, sizeof detail, "attempt %d to %s%s", job->attempts, job->phone,
		 job->phone_idx ? ", second phone" : "");
	if (store_event(st, "call_dialing", job->notice_id, job->delivery_id, job->household_id, modem, detail, now) !=
	    STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	memset(job, 0, sizeof *job);
	return STORE_ERR;
}

int store_call_next_due(struct store *st, int urgent_only, int64_t *next_at)
{
	sqlite3_stmt *s = store_prep(st,
		"SELECT MIN(d.next_at) FROM deliveries d JOIN notices n ON n.id = d.notice_id"
		" WHERE d.state = 'queued' AND d.channel = 'voice' AND n.state = 'active' AND (?1 = 0 OR n.urgent = 1)");
	if (!s)
		return STORE_ERR;
	sqlite3_bind_int(s, 1, urgent_only);
	return store_first_int64(st, s, next_at, "next call due");
}

int store_call_progress(struct store *st, const struct call_job *j, const char *modem, const char *state,
			int64_t now)
{
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = ?2, updated_at = ?3 WHERE id = ?1"
		" AND state IN ('dialing', 'ringing', 'answered')");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->delivery_id);
	store_bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, now);
	if (store_step_done(st, s, "call progress") != STORE_OK)
		goto fail;
	if (!strcmp(state, "answered")) {
		s = store_prep(st, "UPDATE attempts SET answered_at = ?2 WHERE id = ?1");
		if (!s)
			goto fail;
		sqlite3_bind_int64(s, 1, j->attempt_id);
		sqlite3_bind_int64(s, 2, now);
		if (store_step_done(st, s, "call attempt") != STORE_OK)
			goto fail;
	}
	char kind[32];
	snprintf(kind, sizeof kind, "call_%s", state);
	if (store_event(st, kind, j->notice_id, j->delivery_id, j->household_id, modem, "", now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

static int end_tx(struct store *st, const struct call_job *j, const char *modem, const char *outcome,
		  const char *cause, const char *keys, const char *final_state, int64_t next_at, int uncount,
		  int other_phone, int64_t now)
{
	other_phone = other_phone && j->other[0] && !strcmp(final_state, "queued");
	if (store_begin(st) != STORE_OK)
		return STORE_ERR;
	/* a delivery already `played` stays played unless confirmed now; the
	 * phone of the next attempt is the one this attempt called, or the
	 * other one (1 - the index this call used: the household's phones may
	 * have changed since the claim) */
	sqlite3_stmt *s = store_prep(st,
		"UPDATE deliveries SET state = CASE WHEN state = 'played' AND ?2 <> 'confirmed' THEN 'played'"
		" ELSE ?2 END, last_error = ?3, keys = keys || ?4,"
		" next_at = CASE WHEN ?5 > 0 THEN ?5 ELSE next_at END, attempts = attempts - ?6,"
		" updated_at = ?7, modem = ?8, phone_idx = CASE WHEN ?9 THEN 1 - ?10 ELSE ?10 END"
		" WHERE id = ?1 AND state IN ('dialing', 'ringing', 'answered', 'played')");
	if (!s)
		goto fail;
	sqlite3_bind_int64(s, 1, j->delivery_id);
	store_bind_text(s, 2, final_state);
	store_bind_text(s, 3, cause ? cause : "");
	store_bind_text(s, 4, keys ? keys : "");
	sqlite3_bind_int64(s, 5, next_at);
	sqlite3_bind_int(s, 6, uncount);
	sqlite3_bind_int64(s, 7, now);
	store_bind_text(s, 8, modem);
	sqlite3_bind_int(s, 9, other_phone);
	sqlite3_bind_int(s, 10, j->phone_idx ? 1 : 0);
	if (store_step_done(st, s, "call end") != STORE_OK)
		goto fail;
	if (store_attempt_close(st, j->attempt_id, now, outcome, cause, keys ? keys : "") != STORE_OK)
		goto fail;
	char kind[32], detail[320], next[80] = "";
	snprintf(kind, sizeof kind, "call_%s", !strcmp(final_state, "queued") ? "retry" : final_state);
	if (other_phone) {
		char nat[24];
		phone_national(j->other, nat, sizeof nat);
		snprintf(next, sizeof next, "; next attempt to the %s phone %s", j->phone_idx ? "first" : "second", nat);
	}
	snprintf(detail, sizeof detail, "%s%s%s%s%s%s", outcome, cause && cause[0] ? ": " : "", cause ? cause : "",
		 keys && keys[0] ? "; keys " : "", keys ? keys : "", next);
	if (store_event(st, kind, j->notice_id, j->delivery_id, j->household_id, modem, detail, now) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return STORE_ERR;
}

int store_call_end(struct store *st, const struct call_job *j, const char *modem, const char *outcome,
		   const char *cause, const char *keys, const char *final_state, int64_t next_at, int other_phone,
		   int64_t now)
{
	return end_tx(st, j, modem, outcome, cause, keys, final_state, next_at, 0, other_phone, now);
}

int store_call_release(struct store *st, const struct call_job *j, const char *modem, const char *cause,
		       int64_t now)
{
	return end_tx(st, j, modem, "not_dialed", cause, "", "queued", now, 1, 0, now);
}

int store_call_fail_notice(struct store *st, int64_t notice_id, const char *cause, int64_t now, int *n)
{
	/* the attempt and event rows first, while the rows are still queued */
	static const char *const sql[] = {
		"INSERT INTO attempts(delivery_id, modem, started_at, ended_at, outcome, cause)"
		" SELECT id, '-', ?1, ?1, 'failed', ?3 FROM deliveries"
		" WHERE notice_id = ?2 AND channel = 'voice' AND state = 'queued'",
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" SELECT ?1, 'call_failed', notice_id, id, household_id, NULL, 'not called: ' || ?3 FROM deliveries"
		" WHERE notice_id = ?2 AND channel = 'voice' AND state = 'queued'",
		"UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?3, updated_at = ?1"
		" WHERE notice_id = ?2 AND channel = 'voice' AND state = 'queued'",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, notice_id, 0, cause, n, "call fail notice");
}

int store_call_recover(struct store *st, int64_t now, int max_attempts, int retry_s, int *n)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, modem, detail)"
		" SELECT ?1, 'call_interrupted', notice_id, id, household_id, modem,"
		" 'the daemon stopped during this call (' || state || ')' FROM deliveries"
		" WHERE channel = 'voice' AND state IN ('dialing', 'ringing', 'answered')",
		"UPDATE attempts SET ended_at = ?1, outcome = 'failed', cause = 'daemon stopped during the call'"
		" WHERE ended_at IS NULL AND delivery_id IN (SELECT id FROM deliveries WHERE channel = 'voice')",
		"UPDATE deliveries SET state = CASE WHEN attempts >= ?2 THEN 'unreached' ELSE 'queued' END,"
		" next_at = ?1 + ?3, updated_at = ?1, last_error = 'the daemon stopped during the call'"
		" WHERE channel = 'voice' AND state IN ('dialing', 'ringing', 'answered')",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, max_attempts, retry_s, NULL, n, "call recover");
}

int store_call_in_progress(struct store *st, int *n)
{
	sqlite3_stmt *s = store_prep(st, "SELECT count(*) FROM deliveries WHERE channel = 'voice'"
					 " AND state IN ('dialing', 'ringing', 'answered')");
	if (!s)
		return STORE_ERR;
	*n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return STORE_OK;
}

int store_call_expire(struct store *st, int64_t now, int64_t max_age_s, int *n)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, detail)"
		" SELECT ?1, 'call_expired', d.notice_id, d.id, d.household_id,"
		" CASE WHEN d.attempts = 0 THEN 'no modem could call' ELSE 'not called again within voice.expire_h' END"
		" FROM deliveries d JOIN notices n ON n.id = d.notice_id"
		" WHERE d.state = 'queued' AND d.channel = 'voice' AND n.due_at < ?1 - ?2 AND d.resent_at < ?1 - ?2",
		"UPDATE deliveries SET state = 'unreached', updated_at = ?1,"
		" last_error = CASE WHEN attempts = 0 THEN 'no modem could call'"
		" ELSE 'not called again within voice.expire_h' END"
		" WHERE state = 'queued' AND channel = 'voice' AND resent_at < ?1 - ?2"
		" AND notice_id IN (SELECT id FROM notices WHERE due_at < ?1 - ?2)",
	};
	return store_tx_batch(st, sql, ARRAY_LEN(sql), now, max_age_s, 0, NULL, n, "expire calls");
}
