/* store_sync — the gateway's side of a hub sync in its SQLite store
 * (issue 18): the events and delivery changes after a position, read in
 * batches for db/hub_store.c's push; the local notice a hub notice became;
 * what the hub last acknowledged, for `loa status`.  Migration 14
 * (db/schema.h) keeps a rev per delivery change. */
#ifndef LOA_STORE_SYNC_H
#define LOA_STORE_SYNC_H
#include "db/store.h"
#include "db/hub_store.h"
#include "db/hub_report.h"

/* Up to `limit` events with an id above after_id, by id, into ev[] (the
 * strings malloc'd: store_sync_events_free).  *n = how many. */
STORE_CHECK int store_sync_events(struct store *st, int64_t after_id, int limit, struct hub_event *ev, size_t *n);
void store_sync_events_free(struct hub_event *ev, size_t n);
/* Up to `limit` deliveries with an id above after_id, by id, at their
 * current state and rev (0: never changed since created); strings
 * malloc'd (store_sync_deliveries_free). */
STORE_CHECK int store_sync_deliveries(struct store *st, int64_t after_id, int limit, struct hub_delivery *d,
				      size_t *n);
/* Up to `limit` deliveries whose last change has a rev above after_rev,
 * by rev, at their current state. */
STORE_CHECK int store_sync_changes(struct store *st, int64_t after_rev, int limit, struct hub_delivery *d,
				   size_t *n);
void store_sync_deliveries_free(struct hub_delivery *d, size_t n);
/* The newest event id, delivery id and change rev (0 when none): the lag
 * is these minus what the hub acknowledged. */
STORE_CHECK int store_sync_heads(struct store *st, int64_t *events, int64_t *deliveries, int64_t *changes);
/* Records what the hub acknowledged of `stream` ("events", "deliveries",
 * "changes"); never moves it back. */
STORE_CHECK int store_sync_acked(struct store *st, const char *stream, int64_t position, int64_t now);
/* What the hub last acknowledged of `stream` and when (0, 0: never). */
STORE_CHECK int store_sync_acked_get(struct store *st, const char *stream, int64_t *position, int64_t *at);
/* The source a hub notice's local notice carries ("hub:ID"), unique. */
void store_sync_hub_source(int64_t hub_notice_id, char *out, size_t outlen);
/* The local notice hub notice `hub_notice_id` became: STORE_NOTFOUND when
 * it was never taken in. */
STORE_CHECK int store_sync_hub_notice(struct store *st, int64_t hub_notice_id, int64_t *notice_id);
/* Active households (the count the hub gets; no names or phones). */
STORE_CHECK int store_sync_households(struct store *st, int *n);
/* Every household, active or not (a notice's deliveries may name one
 * removed since), for the opt-in list ([hub] households = list), by id;
 * strings live until cb returns; a non-zero return stops the walk. */
STORE_CHECK int store_sync_household_list(struct store *st, int (*cb)(const struct hub_household *hh, void *arg),
					  void *arg);
/* How far the hub is behind, from what it last acknowledged (`loa
 * status`): rows not pushed yet and the last acknowledgement (0: never). */
struct sync_lag {
	int64_t events, deliveries, changes;
	int64_t acked_at;
};
STORE_CHECK int store_sync_lag(struct store *st, struct sync_lag *out);
#endif
