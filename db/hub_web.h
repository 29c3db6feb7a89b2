/* hub_web — the hub's health rows (hub migration 3) and what `loa web
 * --hub` reads about its gateways: a gateway pushes its health at the end
 * of each sync (its own row; row-level security), the hub's page reads
 * every gateway's last sync, household count and health in one query. */
#ifndef LOA_HUB_WEB_H
#define LOA_HUB_WEB_H
#include "db/hub_store.h"

#include <stdint.h>

/* The page's session: statements cut after HUB_WEB_STATEMENT_S (the web
 * server answers on one thread: a hung hub must not hold every officer's
 * page, logins included, for the sync's 10 minutes). */
#define HUB_WEB_STATEMENT_S 20
HUB_CHECK int hub_web_session(struct hub *h);

/* A gateway's health as it pushes it. */
struct hub_health {
	int64_t heartbeat_at;      /* its daemon's last heartbeat (0: never ran) */
	int64_t stopped_at;        /* when its daemon said it stopped (0: running, or died) */
	int modems_total, modems_ready;
	int64_t balance_min;       /* the lowest balance a modem reported, đồng; -1: none known */
	int64_t balance_at;        /* when that one was reported */
	const char *detail;        /* short: the modems not ready ("m2: no network") */
};
/* The gateway's side: its row replaced (an upsert).  A hub not yet at
 * migration 3 has no table: nothing is written, HUB_OK (a gateway
 * upgraded before its hub keeps syncing). */
HUB_CHECK int hub_health_push(struct hub *h, const struct hub_health *hh, int64_t now);

/* The hub's side: every gateway, by id. */
struct hub_gw_status {
	const char *id, *name;
	int64_t created_at;
	int64_t synced_at;         /* its last push (0: never) */
	int households;            /* the count it pushed; -1: never */
	int health;                /* 1: a health row (the fields below) */
	int64_t health_at, heartbeat_at, stopped_at;
	int modems_total, modems_ready;
	int64_t balance_min, balance_at;   /* -1, 0: unknown */
	const char *detail;
};
HUB_CHECK int hub_gw_status_each(struct hub *h, int (*cb)(const struct hub_gw_status *s, void *arg), void *arg);

/* The hub's side: every gateway group, by id, with its gateways ("a b"). */
struct hub_group_row {
	const char *id, *name, *members;
	int gateways;
};
HUB_CHECK int hub_group_each(struct hub *h, int (*cb)(const struct hub_group_row *g, void *arg), void *arg);
#endif
