/* hub_store — the commune or province hub's PostgreSQL database (issue 18):
 * connecting (credentials files, TLS off localhost), migrating, gateways
 * and their roles, hub notices, and what a gateway pushes and pulls.
 *
 * Only db/hub_store.c calls libpq (scripts/floors.sh); every statement with
 * an outside value is PQexecParams with bound parameters, the migrations
 * (db/hub_schema.h) are constant SQL, and bulk rows go in through COPY's
 * data stream, never through SQL text.  The schema, its row-level security
 * and the idempotency keys are described in db/hub_schema.h.
 *
 * Errors: HUB_OK, or a negative code with the reason in hub_errmsg(); a
 * function that connects or opens a file takes err/errlen instead. */
#ifndef LOA_HUB_STORE_H
#define LOA_HUB_STORE_H
#include <stddef.h>
#include <stdint.h>

#define HUB_CHECK __attribute__((warn_unused_result))

#define HUB_OK 0
#define HUB_ERR (-1)
#define HUB_NOTFOUND (-2)
#define HUB_CONFLICT (-3)   /* already exists */
#define HUB_DENIED (-4)     /* the role may not do this (privileges, row-level security) */
#define HUB_DOWN (-5)       /* the hub cannot be reached, or the link broke */

struct hub;

/* ---- credentials files ----
 *   # comment
 *   user = loa_gw_xa_tan_loi
 *   password = ...
 * Mode 0600 (a file other users may read is refused, as ssh does). */
struct hub_cred {
	char user[64];
	char password[128];
};
HUB_CHECK int hub_cred_read(const char *path, struct hub_cred *c, char *err, size_t errlen);
/* Creates `path` 0600, refusing to replace an existing file; `comment`
 * (one line, may be NULL) goes first after "# ". */
HUB_CHECK int hub_cred_write(const char *path, const struct hub_cred *c, const char *comment, char *err,
			     size_t errlen);
/* A new random password (32 hex characters) into out[33]. */
HUB_CHECK int hub_password_new(char *out, size_t outlen);

/* A gateway or gateway group id: 1 to 32 of a-z 0-9 _ -, starting with a
 * letter or digit (it becomes the role name loa_gw_ID). */
int hub_id_valid(const char *id);

/* ---- connecting ----
 * `url`: a libpq URI (postgresql://host/db) or key=value string; `cred`
 * (may be NULL: libpq's own ~/.pgpass, PGPASSWORD, peer auth) overrides
 * its user and password.  Unless the url or PGSSLMODE says otherwise, a
 * host that is not a Unix socket or the loopback gets sslmode=verify-full
 * (TLS with the server's certificate checked).  HUB_DOWN when it cannot
 * connect. */
HUB_CHECK int hub_open(const char *url, const struct hub_cred *cred, struct hub **out, char *err,
		       size_t errlen);
void hub_close(struct hub *h);
const char *hub_errmsg(const struct hub *h);

/* ---- schema (db/hub_schema.h) ---- */
int hub_latest_version(void);
/* 0 when `loa hub init` never ran on this database. */
HUB_CHECK int hub_version(struct hub *h, int *version);
/* Applies every migration above the current version, each in its own
 * transaction under an advisory lock (two inits at once are safe). */
HUB_CHECK int hub_migrate(struct hub *h, int *from, int *to);

/* ---- the hub's side (its own role) ---- */
/* The gateway row and its role loa_gw_ID with `password` (sent to the
 * server only as a SCRAM verifier), in one transaction; the role name
 * into role_out.  HUB_CONFLICT: the gateway or the role exists. */
HUB_CHECK int hub_gateway_add(struct hub *h, const char *id, const char *name, const char *password, int64_t now,
			      char *role_out, size_t role_len);
/* Puts gateway `gateway` in group `group` (created when new). */
HUB_CHECK int hub_group_add(struct hub *h, const char *group, const char *gateway);
struct hub_gateway {
	char id[40];
	char name[160];
	int64_t created_at;
	int households;           /* -1: never reported */
	int64_t events_pos;       /* hub_sync positions (0: never pushed) */
	int64_t deliveries_pos;   /* the highest delivery id */
	int64_t changes_pos;      /* the highest change rev */
	int64_t synced_at;        /* the last push (0: never) */
};
HUB_CHECK int hub_gateway_each(struct hub *h, int (*cb)(const struct hub_gateway *g, void *arg), void *arg);

struct hub_notice_req {
	const char *text;          /* validated by the caller (domain/notice) */
	const char *to_kind;       /* "all", "gateway" or "group" */
	const char *to_target;     /* the gateway or group id ("" for all) */
	int channels;              /* CH_SMS | CH_VOICE */
	int urgent;
	const char *source;        /* "cli", "web:USER" */
	int64_t due_at;            /* 0: now */
};
HUB_CHECK int hub_notice_add(struct hub *h, const struct hub_notice_req *r, int64_t now, int64_t *id_out);

/* ---- a gateway's side (its own role; row-level security keeps it to
 * its own rows) ---- */
/* This session's gateway id: HUB_NOTFOUND when the role is no gateway's. */
HUB_CHECK int hub_me(struct hub *h, char *id, size_t idlen);
/* The highest local event id ("events"), delivery id ("deliveries") or
 * change rev ("changes") the hub has committed for this gateway; 0: none. */
HUB_CHECK int hub_position(struct hub *h, const char *stream, int64_t *pos);

struct hub_event {
	int64_t id, at;
	const char *kind;
	int64_t notice_id, delivery_id, household_id;   /* 0: none */
	const char *modem;                              /* NULL: none */
	const char *detail;
};
/* One transaction: the events (ids ascending) copied in, those the hub
 * already has left as they are, and the 'events' position moved up to the
 * last id.  HUB_DOWN: the link broke; nothing or everything landed. */
HUB_CHECK int hub_push_events(struct hub *h, const struct hub_event *ev, size_t n, int64_t now);

struct hub_delivery {
	int64_t id, notice_id, household_id;
	const char *channel, *state;
	int attempts;
	int64_t updated_at;
	int64_t rev;               /* the gateway's change sequence */
};
/* One transaction: each delivery state stored unless the hub's is from
 * the same or a later rev; the position of `stream` ("deliveries": by id,
 * "changes": by rev) moved up to `position`. */
HUB_CHECK int hub_push_deliveries(struct hub *h, const struct hub_delivery *d, size_t n, const char *stream,
				  int64_t position, int64_t now);
/* The gateway's household count (counts only: no names or phones). */
HUB_CHECK int hub_push_households(struct hub *h, int households, int64_t now);

struct hub_notice {
	int64_t id;
	const char *text;
	int channels, urgent;
	const char *source;
	int64_t created_at, due_at;
};
/* Active hub notices addressed to this gateway that it has no receipt
 * for, created since it joined and not before `not_before`, oldest first,
 * at most `limit`.  A non-zero return from cb stops the walk. */
HUB_CHECK int hub_notice_pending(struct hub *h, int64_t not_before, int limit,
				 int (*cb)(const struct hub_notice *n, void *arg), void *arg);
/* The gateway took hub notice `notice_id` in as its notice `local_id`
 * reaching `households`; or refused it (local_id 0, why in `note`).
 * Idempotent: a second receipt for it changes nothing. */
HUB_CHECK int hub_receipt(struct hub *h, int64_t notice_id, int64_t local_id, int households, const char *note,
			  int64_t now);
/* The hub's admin cancels hub notice `id`: gateways that have not taken it
 * in never will, those that have cancel it at their next sync.
 * HUB_NOTFOUND: no such notice; HUB_CONFLICT: already cancelled. */
HUB_CHECK int hub_notice_cancel(struct hub *h, int64_t id);
/* This gateway's notices taken in from hub notices the hub has cancelled
 * (created since `not_before`): cb(hub id, local id); a non-zero return
 * stops the walk. */
HUB_CHECK int hub_notice_cancelled(struct hub *h, int64_t not_before,
				   int (*cb)(int64_t hub_id, int64_t local_id, void *arg), void *arg);
#endif
