/* web_hub — `loa web --hub`: the same server, login, sessions and API
 * tokens (the hub box's own SQLite store), but pages across the gateways,
 * read from the hub's PostgreSQL (db/hub_report.h, db/hub_web.h):
 *   GET  /                 the gateways: last sync and its age, households,
 *                          modems ready/total, lowest balance and its age,
 *                          marked stale when not heard from for 2 x
 *                          [hub] sync_s (or never);
 *   GET  /hub/notices      the hub notices with their totals;
 *   GET  /hub/notice?id=   one: per gateway reached / not reached / in
 *                          progress (the figures of `loa hub report ID`)
 *                          and the per-gateway visit lists;
 *   GET, POST /hub/new     a new hub notice: form -> /hub/new/preview (the
 *                          figures of `loa hub notice send`'s preview) ->
 *                          /hub/new/create (CSRF token, logged, source
 *                          "web:USER");
 *   and the JSON API (web_api.c hands /api/ here with --hub):
 *   POST /api/notices      {"text", "to": gateway | group | all, "urgent",
 *                          "dry_run"} -> a hub notice (hub_notice_plan);
 *   GET  /api/notices/ID   the hub report per gateway.
 * DESIGN: one connection to the hub, used only by the thread that answers
 * requests (web.c); when the hub is down a page says so (503) and the next
 * request connects again.  That thread answers every request, so a hub
 * statement is cut after HUB_WEB_STATEMENT_S (db/hub_web.h: a hung hub
 * must not hold every page, logins included) and a connection attempt
 * after libpq's connect_timeout (10 s).  The gateway's own pages are not
 * served with --hub (this box has no village of its own). */
#ifndef LOA_WEB_HUB_H
#define LOA_WEB_HUB_H
#include "web/web_page.h"

#include <stddef.h>
#include <stdint.h>

/* Connects app->hub with cfg.hub_url / hub_credentials and checks the
 * hub's schema is current (`loa hub init`).  0, or -1 with one line. */
int web_hub_open(struct web_app *app, char *err, size_t errlen);
void web_hub_close(struct web_app *app);

/* A gateway is stale when its last sync is older than twice the sync
 * period, or it never synced. */
int web_hub_stale(int64_t synced_at, int64_t now, int sync_s);
/* "45 giây", "3 phút", "5 giờ", "2 ngày" (floor; negative ages as 0). */
void web_hub_age(int64_t seconds, char *buf, size_t len);

/* The API on the hub (web_api.c calls these once the token is checked). */
void web_hub_api_create(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			const char *text, const char *to, int urgent, int dry_run);
void web_hub_api_report(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			int64_t id);
void web_hub_api_cancel(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			int64_t id);
#endif
