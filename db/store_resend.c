/* store_resend — putting a notice's unreached deliveries back in the queue
 * (`loa notice resend`, the web page's "Gửi lại cho hộ chưa nhận", a
 * head's "GUI LAI <id>").  See store.h for the contract.
 *
 * DESIGN: "not reached" is the report's own definition (CHANNEL_REACHED_SQL
 * over every delivery of the household, STORE_PENDING_SQL for "still in
 * progress"), so what the resend touches is exactly what `loa report ID`
 * lists as not reached and not pending.  The deliveries are the same rows,
 * moved back to `queued` (UNIQUE (notice, household, channel) keeps one
 * delivery per channel; its history is in attempts and events), by a few
 * set-wise statements in one transaction: the per-delivery events first,
 * then the superseded parts, then the state move, each selecting the same
 * TARGET rows, which nothing else can change inside BEGIN IMMEDIATE. */
#include "db/channel.h"
#include "db/store_int.h"

#include <stdio.h>
#include <string.h>

/* ?1 notice; households of it not reached, nothing in progress, still
 * active, and not opted out of a non-urgent notice. */
#define ELIGIBLE \
	"SELECT x.household_id FROM deliveries x JOIN households hh ON hh.id = x.household_id" \
	" JOIN notices nn ON nn.id = x.notice_id WHERE x.notice_id = ?1" \
	" AND hh.active = 1 AND (nn.urgent OR hh.opted_out = 0) GROUP BY x.household_id" \
	" HAVING sum(x.state IN " CHANNEL_REACHED_SQL ") = 0 AND max(" STORE_PENDING_SQL("x") ") = 0"
/* ?3 = RESEND_UNCERTAIN: also `uncertain`, and `sent` past the report wait
 * (not pending, so not within it) */
#define RESENDABLE(d) \
	"(" d ".state IN " CHANNEL_RESEND_SQL " OR (?3 AND " d ".state IN ('uncertain', 'sent')))"
/* ?2 channel or NULL */
#define SCOPE(d) \
	d ".notice_id = ?1 AND (?2 IS NULL OR " d ".channel = ?2) AND " d ".household_id IN (" ELIGIBLE ")"
#define TARGET(d) SCOPE(d) " AND " RESENDABLE(d)

static void bind(struct store *st, sqlite3_stmt *s, int64_t id, const char *channel, int flags, int64_t now,
		 const char *by)
{
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, channel);
	sqlite3_bind_int(s, 3, (flags & RESEND_UNCERTAIN) != 0);
	sqlite3_bind_int64(s, 4, now);
	store_bind_text(s, 5, by ? by : "cli");
	sqlite3_bind_int64(s, 9, now - st->report_wait_s);
}

/* The notice exists and is active. */
static int check_notice(struct store *st, int64_t id)
{
	struct notice n;
	int rc = store_notice_get(st, id, &n);
	if (rc)
		return rc;
	if (strcmp(n.state, "active") != 0) {
		snprintf(st->err, sizeof st->err, "notice %lld is %s: it cannot be resent", (long long)id, n.state);
		rc = STORE_CONFLICT;
	}
	store_notice_clear(&n);
	return rc;
}

static int count(struct store *st, int64_t id, const char *channel, int flags, struct resend_stats *out,
		 int64_t now)
{
	static const char *const sql[2] = {
		"SELECT count(*), COALESCE(sum(p), 0), COALESCE(sum(NOT p AND g), 0) FROM"
		" (SELECT max(" STORE_PENDING_SQL("x") ") AS p,"
		"  max(hh.active = 0 OR (hh.opted_out AND NOT nn.urgent)) AS g"
		"  FROM deliveries x JOIN households hh ON hh.id = x.household_id JOIN notices nn ON nn.id = x.notice_id"
		"  WHERE x.notice_id = ?1 GROUP BY x.household_id HAVING sum(x.state IN " CHANNEL_REACHED_SQL ") = 0)",
		"SELECT count(DISTINCT d.household_id) FILTER (WHERE " RESENDABLE("d") "),"
		" count(*) FILTER (WHERE " RESENDABLE("d") " AND d.channel = 'sms'),"
		" count(*) FILTER (WHERE " RESENDABLE("d") " AND d.channel = 'sms' AND d.encoding = 'ucs2'),"
		" COALESCE(sum(d.parts) FILTER (WHERE " RESENDABLE("d") " AND d.channel = 'sms'), 0),"
		" count(*) FILTER (WHERE " RESENDABLE("d") " AND d.channel = 'voice'),"
		" count(*) FILTER (WHERE NOT ?3 AND d.state IN ('uncertain', 'sent'))"
		" FROM deliveries d WHERE " SCOPE("d"),
	};
	memset(out, 0, sizeof *out);
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s)
			return STORE_ERR;
		bind(st, s, id, channel, flags, now, NULL);
		if (sqlite3_step(s) != SQLITE_ROW) {
			int rc = store_fail(st, "resend counts");
			sqlite3_finalize(s);
			return rc;
		}
		if (i == 0) {
			out->unreached = sqlite3_column_int(s, 0);
			out->pending = sqlite3_column_int(s, 1);
			out->gone = sqlite3_column_int(s, 2);
		} else {
			out->households = sqlite3_column_int(s, 0);
			out->sms = sqlite3_column_int(s, 1);
			out->sms_ucs2 = sqlite3_column_int(s, 2);
			out->sms_parts = sqlite3_column_int(s, 3);
			out->voice = sqlite3_column_int(s, 4);
			out->uncertain = sqlite3_column_int(s, 5);
		}
		sqlite3_finalize(s);
	}
	return STORE_OK;
}

int store_resend_preview(struct store *st, int64_t id, const char *channel, int flags, struct resend_stats *out,
			 int64_t now)
{
	memset(out, 0, sizeof *out);
	int rc = check_notice(st, id);
	return rc ? rc : count(st, id, channel, flags, out, now);
}

int store_resend(struct store *st, int64_t id, const char *channel, int flags, const char *by,
		 struct resend_stats *out, int64_t now)
{
	static const char *const sql[] = {
		"INSERT INTO events(at, kind, notice_id, delivery_id, household_id, detail)"
		" SELECT ?4, 'resent', d.notice_id, d.id, d.household_id, 'by ' || ?5 || ': was ' || d.state"
		" || CASE WHEN d.last_error <> '' THEN ' (' || d.last_error || ')' ELSE '' END"
		" || ' after ' || d.attempts || ' attempt(s)'"
		" FROM deliveries d WHERE " TARGET("d"),
		/* a late status report of an earlier part must not move the new sending */
		"UPDATE sms_refs SET superseded = 1 WHERE superseded = 0 AND delivery_id IN"
		" (SELECT d.id FROM deliveries d WHERE " TARGET("d") ")",
		"UPDATE deliveries SET state = 'queued', next_at = ?4, attempts = 0, last_error = '', updated_at = ?4,"
		" resent_at = ?4, sms_ref = 0, sms_pin = '', phone_idx = 0,"
		" fragments = CASE WHEN channel = 'sms' AND parts > 1 AND EXISTS"
		"  (SELECT 1 FROM sms_refs r WHERE r.delivery_id = deliveries.id) THEN 1 ELSE fragments END"
		" WHERE id IN (SELECT d.id FROM deliveries d WHERE " TARGET("d") ")",
	};
	memset(out, 0, sizeof *out);
	int rc = store_begin(st);
	if (rc)
		return rc;
	if ((rc = check_notice(st, id)) != STORE_OK || (rc = count(st, id, channel, flags, out, now)) != STORE_OK)
		goto fail;
	if (out->households == 0) {
		store_rollback(st);
		return STORE_OK;
	}
	int moved = 0;
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *s = store_prep(st, sql[i]);
		if (!s) {
			rc = STORE_ERR;
			goto fail;
		}
		bind(st, s, id, channel, flags, now, by);
		if ((rc = store_step_done(st, s, "resend")) != STORE_OK)
			goto fail;
		moved = sqlite3_changes(st->db);
	}
	if (moved != out->sms + out->voice) {
		snprintf(st->err, sizeof st->err, "resend of notice %lld: %d deliveries moved, %d expected",
			 (long long)id, moved, out->sms + out->voice);
		rc = STORE_ERR;
		goto fail;
	}
	char detail[200];
	snprintf(detail, sizeof detail, "by %s: %d households: %d sms (%d parts), %d voice%s%s%s", by ? by : "cli",
		 out->households, out->sms, out->sms_parts, out->voice, channel ? "; channel " : "",
		 channel ? channel : "", flags & RESEND_UNCERTAIN ? "; uncertain included" : "");
	if ((rc = store_event(st, "resend", id, 0, 0, NULL, detail, now)) != STORE_OK)
		goto fail;
	return store_commit(st);
fail:
	store_rollback(st);
	return rc;
}
