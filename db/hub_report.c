/* hub_report — see hub_report.h.  Constant SQL with bound parameters
 * (db/hub_int.h's runner); the reached and in-progress rules are the
 * gateway's own (db/channel.h, db/store_int.h), pasted in as SQL text. */
#include "db/hub_report.h"
#include "db/hub_int.h"

#include "db/channel.h"
#include "db/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Gateway `g` is addressed by hub notice `n` (as hub_notice_pending
 * decides it: an address naming it, and it joined before the notice). */
#define ADDRESSED_SQL(g, n)                                                                                  \
	"(" g ".created_at <= " n ".created_at AND EXISTS (SELECT 1 FROM hub_notice_to t"                    \
	" WHERE t.notice_id = " n ".id AND (t.kind = 'all' OR (t.kind = 'gateway' AND t.target = " g ".id)" \
	" OR (t.kind = 'group' AND EXISTS (SELECT 1 FROM gateway_group_members m"                            \
	" WHERE m.group_id = t.target AND m.gateway_id = " g ".id)))))"

/* One row per (gateway, household) of hub notice `nid` (an SQL
 * expression): r = reached on some channel, p = some delivery in progress
 * ($2: a 'sent' newer than this is still waiting for its report). */
#define HOUSEHOLDS_SQL(nid)                                                                                  \
	"SELECT d.gateway_id, bool_or(d.state IN " CHANNEL_REACHED_SQL ") AS r,"                             \
	" bool_or(d.state IN " STORE_PENDING_STATES " OR (d.state = 'sent' AND d.updated_at > $2::bigint)) AS p" \
	" FROM hub_receipts rc JOIN hub_deliveries d"                                                        \
	" ON d.gateway_id = rc.gateway_id AND d.notice_id = rc.local_notice_id"                              \
	" WHERE rc.notice_id = " nid " GROUP BY d.gateway_id, d.household_id"

/* The report's grouping of 200,000 households spills to disk with the
 * default 4 MB of work_mem (bench_hub_report: ~30 % slower): 64 MB, for
 * this read-only transaction only. */
static int report_begin(struct hub *h)
{
	int rc = hub_exec(h, "BEGIN READ ONLY", 0, NULL, NULL, "hub report");
	if (rc == HUB_OK)
		rc = hub_exec(h, "SET LOCAL work_mem = '64MB'", 0, NULL, NULL, "hub report");
	return rc;
}

/* Ends report_begin's transaction, keeping the first error. */
static int report_end(struct hub *h, int rc)
{
	int end = hub_exec(h, rc == HUB_OK ? "COMMIT" : "ROLLBACK", 0, NULL, NULL, "hub report");
	return rc != HUB_OK ? rc : end;
}

/* After a report query: ends its transaction; HUB_NOTFOUND (said) when
 * hub notice ID was asked for and MISSING; the result R is freed unless
 * HUB_OK comes back. */
static int report_rows(struct hub *h, int rc, PGresult *r, int64_t id, int missing)
{
	if ((rc = report_end(h, rc)) != HUB_OK) {
		if (r)
			PQclear(r);
		return rc;
	}
	if (id && missing) {
		PQclear(r);
		char msg[64];
		snprintf(msg, sizeof msg, "no hub notice %" PRId64, id);
		hub_set_err(h, msg);
		return HUB_NOTFOUND;
	}
	return HUB_OK;
}

static const char *i64(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

int hub_to_lookup(struct hub *h, const char *name, int *what)
{
	const char *p[1] = { name };
	PGresult *r = NULL;
	int rc = hub_exec(h,
			  "SELECT EXISTS (SELECT 1 FROM gateways WHERE id = $1),"
			  " EXISTS (SELECT 1 FROM gateway_groups WHERE id = $1)",
			  1, p, &r, "hub");
	if (rc != HUB_OK)
		return rc;
	*what = (strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? HUB_TO_GATEWAY : 0) |
		(strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? HUB_TO_GROUP : 0);
	PQclear(r);
	return HUB_OK;
}

int hub_addressed_each(struct hub *h, const char *kind, const char *target,
		       int (*cb)(const struct hub_addressed *a, void *arg), void *arg)
{
	const char *p[2] = { kind, target ? target : "" };
	PGresult *r = NULL;
	int rc = hub_exec(h,
			  "SELECT g.id, g.name, COALESCE(hh.households, -1)"
			  " FROM gateways g LEFT JOIN hub_households hh ON hh.gateway_id = g.id"
			  " WHERE $1 = 'all' OR ($1 = 'gateway' AND g.id = $2)"
			  " OR ($1 = 'group' AND g.id IN (SELECT gateway_id FROM gateway_group_members WHERE group_id = $2))"
			  " ORDER BY g.id",
			  2, p, &r, "gateways");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_addressed a = { PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), (int)hub_col_i64(r, i, 2) };
		rc = cb(&a, arg);
	}
	PQclear(r);
	return rc;
}

int hub_report_each(struct hub *h, int64_t id, int64_t sent_after,
		    int (*cb)(const struct hub_reach *r, void *arg), void *arg)
{
	PGresult *r = NULL;
	int rc = report_begin(h);
	if (rc == HUB_OK) {
		char a[24], b[24];
		const char *p[2] = { i64(a, sizeof a, id), i64(b, sizeof b, sent_after) };
		rc = hub_exec(h,
			     "WITH n AS (SELECT id, created_at FROM hub_notices WHERE id = $1::bigint),"
			     " gw AS (SELECT g.id, g.name FROM gateways g, n WHERE " ADDRESSED_SQL("g", "n")
			     "  OR g.id IN (SELECT gateway_id FROM hub_receipts WHERE notice_id = $1::bigint)),"
			     " hh AS (" HOUSEHOLDS_SQL("$1::bigint") "),"
			     " per AS (SELECT gateway_id, count(*) AS households, count(*) FILTER (WHERE r) AS reached,"
			     "  count(*) FILTER (WHERE NOT r AND p) AS pending FROM hh GROUP BY gateway_id)"
			     " SELECT gw.id, gw.name, rc.gateway_id IS NOT NULL, COALESCE(rc.local_notice_id, 0),"
			     "  COALESCE(rc.note, ''), COALESCE(rc.accepted_at, 0), COALESCE(rc.households, 0),"
			     "  COALESCE(per.households, 0), COALESCE(per.reached, 0), COALESCE(per.pending, 0),"
			     "  COALESCE((SELECT max(synced_at) FROM hub_sync s WHERE s.gateway_id = gw.id), 0),"
			     "  (SELECT count(*) FROM n)"
			     " FROM (SELECT 1) one LEFT JOIN gw ON true"
			     " LEFT JOIN hub_receipts rc ON rc.gateway_id = gw.id AND rc.notice_id = $1::bigint"
			     " LEFT JOIN per ON per.gateway_id = gw.id ORDER BY gw.id",
			     2, p, &r, "hub report");
	}
	/* the (SELECT 1) row keeps one row even with no gateway, to tell
	 * "no such notice" from "addressed to nobody" */
	rc = report_rows(h, rc, r, id, rc == HUB_OK && (PQntuples(r) < 1 || hub_col_i64(r, 0, 11) == 0));
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		if (PQgetisnull(r, i, 0))
			continue;
		struct hub_reach x = {
			.gateway_id = PQgetvalue(r, i, 0),
			.gateway_name = PQgetvalue(r, i, 1),
			.taken = strcmp(PQgetvalue(r, i, 2), "t") == 0,
			.local_notice_id = hub_col_i64(r, i, 3),
			.note = PQgetvalue(r, i, 4),
			.accepted_at = hub_col_i64(r, i, 5),
			.receipt_households = (int)hub_col_i64(r, i, 6),
			.households = (int)hub_col_i64(r, i, 7),
			.reached = (int)hub_col_i64(r, i, 8),
			.pending = (int)hub_col_i64(r, i, 9),
			.synced_at = hub_col_i64(r, i, 10),
		};
		x.unreached = x.households - x.reached - x.pending;
		rc = cb(&x, arg);
	}
	PQclear(r);
	return rc;
}

int hub_notice_sums(struct hub *h, int64_t id, int limit, int totals, int64_t sent_after,
		    int (*cb)(const struct hub_notice_sum *s, void *arg), void *arg)
{
	PGresult *r = NULL;
	int rc = report_begin(h);
	if (rc == HUB_OK) {
		char a[24], b[24], c[16];
		snprintf(c, sizeof c, "%d", limit);
		const char *p[4] = { i64(a, sizeof a, id), i64(b, sizeof b, sent_after), c, totals ? "t" : "f" };
		rc = hub_exec(h,
			     "SELECT n.id, n.text, n.state, n.urgent, n.source, n.created_at,"
			     " (SELECT string_agg(CASE WHEN t.kind = 'all' THEN 'all' ELSE t.kind || ' ' || t.target END,"
			     "  ', ' ORDER BY t.kind, t.target) FROM hub_notice_to t WHERE t.notice_id = n.id),"
			     " (SELECT count(*) FROM gateways g WHERE " ADDRESSED_SQL("g", "n") "),"
			     " (SELECT count(*) FROM hub_receipts x WHERE x.notice_id = n.id AND x.local_notice_id IS NOT NULL),"
			     " (SELECT count(*) FROM hub_receipts x WHERE x.notice_id = n.id AND x.local_notice_id IS NULL),"
			     " s.households, s.reached, s.pending"
			     " FROM hub_notices n CROSS JOIN LATERAL (SELECT count(*) AS households,"
			     "  count(*) FILTER (WHERE r) AS reached, count(*) FILTER (WHERE NOT r AND p) AS pending"
			     "  FROM (" HOUSEHOLDS_SQL("n.id") ") hh WHERE $4::boolean) s"
			     " WHERE $1::bigint = 0 OR n.id = $1::bigint ORDER BY n.id DESC LIMIT $3::integer",
			     4, p, &r, "hub notices");
	}
	rc = report_rows(h, rc, r, id, rc == HUB_OK && PQntuples(r) == 0);
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_notice_sum s = {
			.id = hub_col_i64(r, i, 0),
			.text = PQgetvalue(r, i, 1),
			.state = PQgetvalue(r, i, 2),
			.urgent = strcmp(PQgetvalue(r, i, 3), "t") == 0,
			.source = PQgetvalue(r, i, 4),
			.created_at = hub_col_i64(r, i, 5),
			.to = PQgetvalue(r, i, 6),
			.gateways = (int)hub_col_i64(r, i, 7),
			.taken = (int)hub_col_i64(r, i, 8),
			.refused = (int)hub_col_i64(r, i, 9),
			.households = (int)hub_col_i64(r, i, 10),
			.reached = (int)hub_col_i64(r, i, 11),
			.pending = (int)hub_col_i64(r, i, 12),
		};
		s.unreached = s.households - s.reached - s.pending;
		rc = cb(&s, arg);
	}
	PQclear(r);
	return rc;
}
