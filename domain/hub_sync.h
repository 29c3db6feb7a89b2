/* hub_sync — one sync of a gateway with its hub (issue 18), offline-first:
 * the SQLite store stays the truth for the village; the hub gets copies.
 *   1. push: the events, the new deliveries, then the later changes of
 *      delivery states, each after the position the hub says it holds
 *      (db/hub_store.h hub_position), in batches, each
 *      batch one hub transaction that also moves the position, so a replay
 *      after a crash or a lost link changes nothing and leaves no gap;
 *   2. the household count (counts only);
 *   3. pull: hub notices addressed to this gateway with no receipt from it,
 *      each planned and created locally exactly as `loa notice send` does
 *      (domain/notice: validation, opt-out, channels; quiet hours are the
 *      daemon's at send time) with source "hub:ID", which is unique, so a
 *      notice is taken in once even when a receipt was lost; then the
 *      receipt.
 *   4. the gateway's health (db/hub_web.h: daemon heartbeat, modems
 *      ready/total, lowest balance), the row `loa web --hub` shows.
 * Nothing local waits on the hub: a sync that cannot reach it fails and
 * the next one starts from the hub's positions again. */
#ifndef LOA_HUB_SYNC_H
#define LOA_HUB_SYNC_H
#include "db/hub_store.h"
#include "db/store.h"
#include "domain/notice.h"

/* Events or delivery states per hub transaction. */
#define HUB_SYNC_BATCH 20000
/* A hub notice older than this is not taken in (a gateway back after a
 * week offline does not send last week's storm warning). */
#define HUB_NOTICE_MAX_AGE_S (48 * 3600)
/* A cancel from the hub is looked for on hub notices up to a week old. */
#define HUB_CANCEL_MAX_AGE_S (7 * 86400)
/* A gateway whose hub has acknowledged nothing for this many sync periods
 * is stale: `loa status` says degraded, the daemon opens the problem "hub". */
#define HUB_STALE_SYNCS 10
/* The one stale rule: nothing acknowledged for HUB_STALE_SYNCS x sync_s,
 * counted from the last acknowledgement or, when later (never acked, or
 * a daemon just started), from `started_at`.  *since_out: that start. */
int hub_sync_stale(int64_t acked_at, int64_t started_at, int64_t now, int sync_s, int64_t *since_out);

struct hub_sync_cfg {
	const char *gateway_id;      /* [hub] gateway_id: must be the credentials' gateway */
	struct notice_cfg notice;    /* config_notice(): the same limits as `loa notice send` */
	int household_list;          /* [hub] households = list: send names, phones... (0: counts only,
					and any list sent before is removed from the hub) */
};
struct hub_sync_stats {
	int64_t events, deliveries;  /* rows pushed (replays included) */
	int notices;                 /* hub notices taken in */
	int refused;                 /* hub notices refused here (receipt with the reason) */
	int cancelled;               /* notices cancelled here because the hub cancelled them */
};
/* EXIT_OK, EXIT_USAGE (gateway id mismatch) or EXIT_RUNTIME (the hub is
 * unreachable, a database error), with one line in err. */
int hub_sync_once(struct store *st, struct hub *h, const struct hub_sync_cfg *cfg, int64_t now,
		  struct hub_sync_stats *out, char *err, size_t errlen);
#endif
