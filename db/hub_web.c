/* hub_web — see hub_web.h: the health a gateway pushes (hub migration 3)
 * and the gateways page's query. */
#include "db/hub_web.h"
#include "db/hub_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int hub_web_session(struct hub *h)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SET statement_timeout = '%ds'", HUB_WEB_STATEMENT_S);
	return hub_exec(h, sql, 0, NULL, NULL, "hub");
}

int hub_health_push(struct hub *h, const struct hub_health *hh, int64_t now)
{
	PGresult *r = NULL;
	int rc = hub_exec(h, "SELECT to_regclass('hub_gateway_health') IS NOT NULL", 0, NULL, &r, "hub");
	if (rc != HUB_OK)
		return rc;
	int yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (!yes)
		return HUB_OK;
	char at[24], hb[24], st[24], tot[16], rdy[16], bal[24], bat[24];
	snprintf(at, sizeof at, "%" PRId64, now);
	snprintf(hb, sizeof hb, "%" PRId64, hh->heartbeat_at);
	snprintf(st, sizeof st, "%" PRId64, hh->stopped_at);
	snprintf(tot, sizeof tot, "%d", hh->modems_total);
	snprintf(rdy, sizeof rdy, "%d", hh->modems_ready);
	snprintf(bal, sizeof bal, "%" PRId64, hh->balance_min);
	snprintf(bat, sizeof bat, "%" PRId64, hh->balance_at);
	const char *p[8] = { at, hb, st, tot, rdy, hh->balance_min >= 0 ? bal : NULL, hh->balance_min >= 0 ? bat : NULL,
			     hh->detail ? hh->detail : "" };
	return hub_exec(h,
			"INSERT INTO hub_gateway_health(gateway_id, at, heartbeat_at, stopped_at, modems_total,"
			" modems_ready, balance_min_dong, balance_at, detail)"
			" SELECT (SELECT loa_hub_me()), $1::bigint, $2::bigint, $3::bigint, $4::integer, $5::integer,"
			"  $6::bigint, $7::bigint, $8"
			" ON CONFLICT (gateway_id) DO UPDATE SET at = excluded.at, heartbeat_at = excluded.heartbeat_at,"
			"  stopped_at = excluded.stopped_at, modems_total = excluded.modems_total,"
			"  modems_ready = excluded.modems_ready, balance_min_dong = excluded.balance_min_dong,"
			"  balance_at = excluded.balance_at, detail = excluded.detail",
			8, p, NULL, "push health");
}

int hub_gw_status_each(struct hub *h, int (*cb)(const struct hub_gw_status *s, void *arg), void *arg)
{
	PGresult *r = NULL;
	int rc = hub_exec(h,
			  "SELECT g.id, g.name, g.created_at,"
			  " COALESCE((SELECT max(synced_at) FROM hub_sync s WHERE s.gateway_id = g.id), 0),"
			  " COALESCE(hh.households, -1), he.gateway_id IS NOT NULL, he.at, he.heartbeat_at, he.stopped_at,"
			  " he.modems_total, he.modems_ready, COALESCE(he.balance_min_dong, -1), he.balance_at,"
			  " COALESCE(he.detail, '')"
			  " FROM gateways g LEFT JOIN hub_households hh ON hh.gateway_id = g.id"
			  " LEFT JOIN hub_gateway_health he ON he.gateway_id = g.id ORDER BY g.id",
			  0, NULL, &r, "gateways");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_gw_status s = {
			.id = PQgetvalue(r, i, 0),
			.name = PQgetvalue(r, i, 1),
			.created_at = hub_col_i64(r, i, 2),
			.synced_at = hub_col_i64(r, i, 3),
			.households = (int)hub_col_i64(r, i, 4),
			.health = strcmp(PQgetvalue(r, i, 5), "t") == 0,
			.health_at = hub_col_i64(r, i, 6),
			.heartbeat_at = hub_col_i64(r, i, 7),
			.stopped_at = hub_col_i64(r, i, 8),
			.modems_total = (int)hub_col_i64(r, i, 9),
			.modems_ready = (int)hub_col_i64(r, i, 10),
			.balance_min = hub_col_i64(r, i, 11),
			.balance_at = hub_col_i64(r, i, 12),
			.detail = PQgetvalue(r, i, 13),
		};
		rc = cb(&s, arg);
	}
	PQclear(r);
	return rc;
}

int hub_group_each(struct hub *h, int (*cb)(const struct hub_group_row *g, void *arg), void *arg)
{
	PGresult *r = NULL;
	int rc = hub_exec(h,
			  "SELECT g.id, g.name, COALESCE(string_agg(m.gateway_id, ' ' ORDER BY m.gateway_id), ''),"
			  " count(m.gateway_id) FROM gateway_groups g"
			  " LEFT JOIN gateway_group_members m ON m.group_id = g.id GROUP BY g.id, g.name ORDER BY g.id",
			  0, NULL, &r, "gateway groups");
	if (rc != HUB_OK)
		return rc;
	for (int i = 0; i < PQntuples(r) && rc == HUB_OK; i++) {
		struct hub_group_row g = {
			.id = PQgetvalue(r, i, 0),
			.name = PQgetvalue(r, i, 1),
			.members = PQgetvalue(r, i, 2),
			.gateways = (int)hub_col_i64(r, i, 3),
		};
		rc = cb(&g, arg);
	}
	PQclear(r);
	return rc;
}
