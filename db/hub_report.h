/* hub_report — the hub's reading side for `loa hub notice send` (which
 * gateways a --to addresses, with the household counts they pushed) and
 * `loa hub report` (per gateway: reached / not reached / in progress of a
 * hub notice, with the same rules as each gateway's own `loa report`).
 * Runs as the hub's own role (it reads every gateway's rows). */
#ifndef LOA_HUB_REPORT_H
#define LOA_HUB_REPORT_H
#include "db/hub_store.h"

/* What a --to name is at the hub: HUB_TO_GATEWAY, HUB_TO_GROUP, both
 * or'ed, or 0. */
#define HUB_TO_GATEWAY 1
#define HUB_TO_GROUP 2
HUB_CHECK int hub_to_lookup(struct hub *h, const char *name, int *what);

struct hub_addressed {
	const char *id, *name;
	int households;          /* the count it last pushed; -1: never */
};
/* The gateways a notice to (kind, target) would reach now ("all", "";
 * "gateway", ID; "group", ID), by id. */
HUB_CHECK int hub_addressed_each(struct hub *h, const char *kind, const char *target,
				 int (*cb)(const struct hub_addressed *a, void *arg), void *arg);

/* One gateway's part of a hub notice.  Households are those with a
 * delivery of the gateway's local notice pushed to the hub, counted as
 * store_report_reach counts them (db/store_report.c): reached = a
 * delivery in a reached state on any channel (db/channel.h
 * CHANNEL_REACHED_SQL, a visit too); in progress = none reached and one
 * still on its way (STORE_PENDING_SQL: queued... or sent after
 * `sent_after`); not reached = the rest. */
struct hub_reach {
	const char *gateway_id, *gateway_name;
	int taken;               /* a receipt: taken in (local_notice_id) or refused (note) */
	int64_t local_notice_id; /* 0: refused, or not taken in yet */
	const char *note;        /* why it refused */
	int64_t accepted_at;
	int receipt_households;  /* the households its fan-out reached when taken in */
	int households, reached, pending, unreached;
	int64_t synced_at;       /* its last push (0: never) */
};
/* The gateways hub notice `id` addresses (as at its creation: one added
 * later never takes it in) and any other that took it in, by id.
 * HUB_NOTFOUND: no such notice. */
HUB_CHECK int hub_report_each(struct hub *h, int64_t id, int64_t sent_after,
			      int (*cb)(const struct hub_reach *r, void *arg), void *arg);

struct hub_notice_sum {
	int64_t id;
	const char *text, *state, *to, *source;   /* to: "all", "gateway tan-loi, group xa-a" */
	int urgent;
	int64_t created_at;
	int gateways, taken, refused;              /* addressed, receipts with a local notice, refusals */
	int households, reached, pending, unreached;
};
/* Hub notices newest first, at most `limit`, with their totals over
 * every gateway (without `totals`: households... left 0, the cost of the
 * query is then nothing); only `id` when it is not 0 (HUB_NOTFOUND if
 * none). */
HUB_CHECK int hub_notice_sums(struct hub *h, int64_t id, int limit, int totals, int64_t sent_after,
			      int (*cb)(const struct hub_notice_sum *s, void *arg), void *arg);

/* ---- the opt-in household list (hub migration 2; db/hub_list.c) ---- */

struct hub_household {
	int64_t id;
	const char *name, *phone, *address, *groups;   /* groups: codes, space-separated */
	int active;
};
/* A gateway's side: its whole list, replacing the one the hub has, in one
 * transaction ([hub] households = list). */
HUB_CHECK int hub_push_household_list(struct hub *h, const struct hub_household *v, size_t n, int64_t now);
/* A gateway's side: removes its list from the hub ([hub] households =
 * counts); *removed gets how many rows went. */
HUB_CHECK int hub_drop_household_list(struct hub *h, int *removed);

/* The hub's side: the households of gateways that took hub notice `id` in
 * and are not reached (as hub_report_each counts: no delivery reached,
 * none in progress), by gateway, then name; name, phone, address and
 * groups empty (listed 0) when the gateway sends counts only. */
struct hub_unreached {
	const char *gateway_id;
	int64_t household_id;
	int listed;                /* the gateway sent its household list */
	const char *name, *phone, *address, *groups;
	const char *states;        /* "sms: failed, voice: unreached" */
};
HUB_CHECK int hub_unreached_each(struct hub *h, int64_t id, int64_t sent_after,
				 int (*cb)(const struct hub_unreached *u, void *arg), void *arg);
#endif
