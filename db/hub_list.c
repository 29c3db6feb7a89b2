/* hub_list — the opt-in household list (hub migration 2; db/hub_report.h):
 * a gateway pushes or drops its list; the hub reads, per gateway, the
 * households a hub notice did not reach (its visit lists). */
#include "db/hub_report.h"
#include "db/hub_int.h"

#include "db/channel.h"
#include "db/store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A hub not upgraded yet (`loa hub init` not run since migration 2) has
 * no list table: 1 when it has. */
static int has_list(struct hub *h, int *yes)
{
	PGresult *r = NULL;
	int rc = hub_exec(h, "SELECT to_regclass('hub_household_list') IS NOT NULL", 0, NULL, &r, "hub");
	if (rc != HUB_OK)
		return rc;
	*yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return HUB_OK;
}

int hub_push_household_list(struct hub *h, const struct hub_household *v, size_t n, int64_t now)
{
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < n; i++) {
		hub_copy_i64(&b, v[i].id, 0, '\t');
		hub_copy_field(&b, v[i].name ? v[i].name : "", '\t');
		hub_copy_field(&b, v[i].phone ? v[i].phone : "", '\t');
		hub_copy_field(&b, v[i].address ? v[i].address : "", '\t');
		hub_copy_field(&b, v[i].groups ? v[i].groups : "", '\t');
		hub_copy_field(&b, v[i].active ? "t" : "f", '\n');
	}
	int yes = 0;
	int rc = has_list(h, &yes);
	if (rc == HUB_OK && !yes) {
		hub_set_err(h, "[hub] households = list: the hub has no household list yet (run loa hub init on the hub)");
		rc = HUB_ERR;
	}
	if (rc != HUB_OK) {
		sbuf_free(&b);
		return rc;
	}
	char nb[24];
	snprintf(nb, sizeof nb, "%" PRId64, now);
	/* COPY cannot write a table under row-level security: a temporary
	 * table first, emptied at commit */
	rc = hub_exec(h, "BEGIN", 0, NULL, NULL, "push household list");
	if (rc == HUB_OK)
		rc = hub_exec(h,
			      "CREATE TEMP TABLE IF NOT EXISTS loa_push_household_list (id bigint, name text, phone text,"
			      " address text, groups text, active boolean) ON COMMIT DELETE ROWS",
			      0, NULL, NULL, "push household list");
	if (rc == HUB_OK)
		rc = hub_copy_send(h, "COPY loa_push_household_list FROM STDIN", &b, "push household list");
	if (rc == HUB_OK)
		rc = hub_exec(h, "DELETE FROM hub_household_list WHERE gateway_id = (SELECT loa_hub_me())", 0, NULL, NULL,
			      "push household list");
	if (rc == HUB_OK) {
		const char *p[1] = { nb };
		rc = hub_exec(h,
			      "INSERT INTO hub_household_list(gateway_id, household_id, name, phone, address, groups,"
			      " active, updated_at) SELECT (SELECT loa_hub_me()), id, name, phone, address, groups, active,"
			      " $1::bigint FROM loa_push_household_list",
			      1, p, NULL, "push household list");
	}
	if (rc == HUB_OK)
		rc = hub_exec(h, "COMMIT", 0, NULL, NULL, "commit");
	if (rc != HUB_OK)
		hub_rollback(h);
	sbuf_free(&b);
	return rc;
}

int hub_drop_household_list(struct hub *h, int *removed)
{
	*removed = 0;
	int yes = 0;
	int rc = has_list(h, &yes);
	if (rc != HUB_OK || !yes)
		return rc;
	PGresult *r = NULL;
	rc = hub_exec(h, "DELETE FROM hub_household_list WHERE gateway_id = (SELECT loa_hub_me())", 0, NULL, &r,
			  "drop household list");
	if (rc != HUB_OK)
		return rc;
	*removed = atoi(PQcmdTuples(r));
	PQclear(r);
	return HUB_OK;
}

int hub_unreached_each(struct hub *h, int64_t id, int64_t sent_after,
		       int (*cb)(const struct hub_unreached *u, void *arg), void *arg)
{
	char a[24], b[24];
	snprintf(a, sizeof a, "%" PRId64, id);
	snprintf(b, sizeof b, "%" PRId64, sent_after);
	const char *p[2] = { a, b };
	PGresult *r = NULL;
	int rc = hub_exec(h,
			  "SELECT x.gateway_id, x.household_id, l.household_id IS NOT NULL, COALESCE(l.name, ''),"
			  " COALESCE(l.phone, ''), COALESCE(l.address, ''), COALESCE(l.groups, ''), x.states"
			  " FROM (SELECT d.gateway_id, d.household_id,"
			  "  string_agg(d.channel || ': ' || d.state, ', ' ORDER BY d.channel) AS states"
			  "  FROM hub_receipts rc JOIN hub_deliveries d"
			  "  ON d.gateway_id = rc.gateway_id AND d.notice_id = rc.local_notice_id"
			  "  WHERE rc.notice_id = $1::bigint GROUP BY d.gateway_id, d.household_id"
			  "  HAVING NOT bool_or(d.state IN " CHANNEL_REACHED_SQL ")"
			  "  AND NOT bool_or(d.state IN " STORE_PENDING_STATES
			  "   OR (d.state = 'sent' AND d.updated_at > $2::bigint))) x"
			  " LEFT JOIN hub_household_list l ON l.gateway_id = x.gateway_id AND l.household_id = x.household_id"
			  " ORDER BY x.gateway_id, l.groups, l.name, x.household_id",
			  2, p, &r, "hub visit list");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_unreached u = {
			.gateway_id = PQgetvalue(r, i, 0),
			.household_id = hub_col_i64(r, i, 1),
			.listed = strcmp(PQgetvalue(r, i, 2), "t") == 0,
			.name = PQgetvalue(r, i, 3),
			.phone = PQgetvalue(r, i, 4),
			.address = PQgetvalue(r, i, 5),
			.groups = PQgetvalue(r, i, 6),
			.states = PQgetvalue(r, i, 7),
		};
		rc = cb(&u, arg);
	}
	PQclear(r);
	return rc;
}
