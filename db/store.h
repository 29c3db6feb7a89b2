/* store — the SQLite database: queue, households, and the delivery log.
 *
 * Only db/ calls sqlite3_*; every statement is prepared with bound
 * parameters.  The database is opened in WAL mode with foreign keys and a
 * busy timeout, so the daemon, the CLI and the web page may use it at once,
 * and a crash or power loss loses at most the transaction in progress.
 *
 * Errors: functions return 0 on success, STORE_NOTFOUND / STORE_CONFLICT for
 * the expected misses, or STORE_ERR (-1) with the reason in store_errmsg().
 *
 * Delivery states (the user-facing contract, see README):
 *   sms:   queued -> sending -> sent -> delivered | failed
 *          plus expired, cancelled, uncertain
 *   voice: queued -> dialing -> ringing -> answered -> played -> confirmed
 *          ends confirmed | played | unreached; cancelled; failed
 *   visit: informed (an officer told the household in person; recorded,
 *          never sent: db/store_visit.h)
 */
#ifndef LOA_STORE_H
#define LOA_STORE_H
/* Every store result means something (a row that did not change, a full
 * disk): the compiler refuses a call that drops it. */
#define STORE_CHECK __attribute__((warn_unused_result))
#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_OK 0
#define STORE_ERR (-1)
#define STORE_NOTFOUND (-2)
#define STORE_CONFLICT (-3)

enum { CH_SMS = 1, CH_VOICE = 2, CH_BOTH = 3, CH_VISIT = 4 };
/* sms.encoding: what a notice's SMS use (notice_req.sms_policy). */
enum sms_encoding_policy { SMSENC_AUTO = 0, SMSENC_UNICODE, SMSENC_ASCII };

STORE_CHECK int store_open(const char *path, struct store **out, char *err, size_t errlen);
/* Opens and migrates only up to `version` (tests of the upgrade path). */
STORE_CHECK int store_open_at_version(const char *path, int version, struct store **out, char *err, size_t errlen);
void store_close(struct store *st);
const char *store_errmsg(const struct store *st);
STORE_CHECK int store_version(struct store *st);
STORE_CHECK int store_latest_version(void);

STORE_CHECK int store_begin(struct store *st);   /* BEGIN IMMEDIATE */
STORE_CHECK int store_commit(struct store *st);
void store_rollback(struct store *st);

/* ---- households (store_household.c) ---- */
struct household {
	int64_t id;
	char name[160];
	char phone[24];        /* E.164: +84... */
	char phone2[24];       /* second phone, E.164, tried after the first; "" none */
	int landline;
	int channel;           /* CH_SMS | CH_VOICE | CH_BOTH */
	int accents;           /* phone shows Vietnamese accents */
	int opted_out;         /* opted out of non-urgent notices */
	char note[256];
	char address[160];     /* for the visit list ("" unknown) */
	char groups[256];      /* space-separated group codes */
};
STORE_CHECK int store_household_insert(struct store *st, const struct household *h, int64_t *id_out, int64_t now);
STORE_CHECK int store_household_update(struct store *st, const struct household *h, int64_t now);
STORE_CHECK int store_household_remove(struct store *st, int64_t id, int64_t now);
STORE_CHECK int store_household_get(struct store *st, int64_t id, struct household *out);
/* A phone may be shared (a son's phone for two parents) and be a first or a
 * second phone.  store_household_by_phone: the active household whose
 * FIRST phone is e164, the lowest id when several share it (the importer's
 * "already registered" check); for whoever a number stands for (an
 * inbound SMS, a name to show) use store_household_each_by_phone. */
STORE_CHECK int store_household_by_phone(struct store *st, const char *e164, struct household *out);
/* Calls cb for every active household whose first or second phone is
 * e164, by id; a non-zero return from cb stops the walk and is returned.
 * STORE_OK (cb never called) when there is none. */
STORE_CHECK int store_household_each_by_phone(struct store *st, const char *e164,
					      int (*cb)(const struct household *h, void *arg), void *arg);
/* Calls cb for every active household (of `group` if not NULL), by id. A
 * non-zero return from cb stops the walk and is returned. */
STORE_CHECK int store_household_each(struct store *st, const char *group,
			 int (*cb)(const struct household *h, void *arg), void *arg);
/* Up to `limit` active households with an id above `after_id`, by id: a
 * download walks them in chunks, with no statement open in between. */
STORE_CHECK int store_household_after(struct store *st, int64_t after_id, int limit,
				      int (*cb)(const struct household *h, void *arg), void *arg);
STORE_CHECK int store_household_set_optout(struct store *st, int64_t id, int opted_out, int64_t now);
STORE_CHECK int store_group_each(struct store *st, int (*cb)(const char *code, int households, void *arg), void *arg);
/* The name people write for group `code` ("Xóm Đông Tiến"); creates the
 * group when it has no row yet.  An empty name leaves it unchanged. */
STORE_CHECK int store_group_set_name(struct store *st, const char *code, const char *name);
/* The group's display name into out ("" when it has none, or no row). */
STORE_CHECK int store_group_name(struct store *st, const char *code, char *out, size_t outlen);
/* 1 if a group with this code has at least one active household. */
STORE_CHECK int store_group_exists(struct store *st, const char *code);

/* ---- notices and fan-out (store_notice.c) ---- */
struct notice_req {
	const char *text;        /* NFC, validated */
	const char *targets;     /* "all" or comma-separated group codes */
	int channels;            /* CH_SMS|CH_VOICE: what this notice may use */
	int urgent;
	int64_t due_at;          /* wall seconds; 0 = now */
	const char *source;      /* "cli", "web:USER", "sms:+84..." */
	const char *audio_path;  /* recorded speech, or NULL */
	int sms_policy;          /* enum sms_encoding_policy */
	int parts_ucs2, parts_gsm7;
	int budget_override;     /* may go past the daily SMS budget */
};
struct fanout_stats {
	int households;          /* households targeted (after opt-out) */
	int sms, sms_ucs2, sms_gsm7, voice;
	int opted_out;           /* skipped: opted out of non-urgent notices */
	int no_channel;          /* skipped: no channel in common with the notice */
	int sms_shared;          /* of sms, those to a first phone another targeted household's SMS
				    also goes to: that phone gets one message per household */
};
STORE_CHECK int store_notice_create(struct store *st, const struct notice_req *r, int64_t *id_out,
			struct fanout_stats *stats, int64_t now);
/* The same counts without writing anything. */
STORE_CHECK int store_notice_preview(struct store *st, const struct notice_req *r, struct fanout_stats *stats);

struct notice {
	int64_t id;
	char *text;              /* owned; store_notice_clear() frees */
	char *targets;
	char *source;
	char *audio_path;
	int64_t created_at, due_at;
	int urgent, channels;
	int parts_ucs2, parts_gsm7;
	char state[16];          /* active | cancelled */
};
STORE_CHECK int store_notice_get(struct store *st, int64_t id, struct notice *n);
void store_notice_clear(struct notice *n);
STORE_CHECK int store_notice_each(struct store *st, int limit, int (*cb)(const struct notice *n, void *arg), void *arg);
/* Up to `limit` notices, newest first, after skipping `offset` of them;
 * with `total`, also how many there are. */
STORE_CHECK int store_notice_page(struct store *st, int offset, int limit, int *total,
				  int (*cb)(const struct notice *n, void *arg), void *arg);
STORE_CHECK int store_notice_latest(struct store *st, int64_t *id_out);
/* Pending (queued) deliveries become cancelled; in-flight ones are left to
 * finish and be recorded.  *cancelled_out = how many changed. */
STORE_CHECK int store_notice_cancel(struct store *st, int64_t id, const char *by, int *cancelled_out, int64_t now);
/* Whom a notice reaches, for deciding who may cancel it: households with a
 * delivery, how many of them are in none of `groups` (comma-separated
 * codes; "" = every group, so 0), and deliveries a cancel would stop. */
struct notice_reach {
	int households, outside, queued;
};
STORE_CHECK int store_notice_reach(struct store *st, int64_t id, const char *groups, struct notice_reach *out);

/* ---- resending to the households not reached (store_resend.c) ----
 * The households of a notice that `loa report` lists as not reached (no
 * delivery in a reached state) and with nothing still in progress get
 * their final, unreached deliveries put back in the queue: failed,
 * expired, cancelled (SMS) and unreached, failed, expired, cancelled
 * (calls), each starting again on the household's first phone; `uncertain` SMS (and `sent` ones whose report never came) only
 * with RESEND_UNCERTAIN, since the phone may well have them.  A household
 * removed since, or opted out of a non-urgent notice, is left alone. */
struct resend_stats {
	int unreached;          /* households not reached, as `loa report` lists them */
	int pending;            /* of them, some delivery still in progress: left alone */
	int gone;               /* of them, removed or opted out since: left alone */
	int households;         /* households whose deliveries go back in the queue */
	int sms, sms_ucs2, sms_parts, voice; /* those deliveries; the SMS parts they need */
	int uncertain;          /* uncertain SMS of those households held back (no RESEND_UNCERTAIN) */
};
#define RESEND_UNCERTAIN 1
/* The counts a resend of notice `id` would have, writing nothing.
 * `channel`: "sms", "voice" or NULL (every channel).  STORE_NOTFOUND: no
 * such notice; STORE_CONFLICT: the notice is cancelled (never resent). */
STORE_CHECK int store_resend_preview(struct store *st, int64_t id, const char *channel, int flags,
				     struct resend_stats *out, int64_t now);
/* Does it, in one transaction: each delivery back to `queued` with next_at
 * = now, attempts 0 (the retry policy's full allowance again), last_error
 * cleared (its earlier attempts keep their causes in the attempts table,
 * and its `resent` event says what it was), resent_at = now (expire_h
 * counts from here), an SMS's earlier parts superseded so a late status
 * report cannot touch the new sending; a `resent` event per delivery and
 * one `resend` event for the notice with the counts and `by` ("cli",
 * "web:USER", "sms:+84...").  Nothing to resend: STORE_OK, nothing
 * written, out->households == 0. */
STORE_CHECK int store_resend(struct store *st, int64_t id, const char *channel, int flags, const char *by,
			     struct resend_stats *out, int64_t now);

/* ---- the event log (append-only) ---- */
STORE_CHECK int store_event(struct store *st, const char *kind, int64_t notice_id, int64_t delivery_id,
		int64_t household_id, const char *modem, const char *detail, int64_t now);

/* ---- reports (store_report.c): the read functions `loa report`, the web
 * page and SMS summaries share ---- */
struct report_count {
	const char *channel;     /* "sms" | "voice" | "visit" */
	const char *state;
	int n;
	int pending;             /* of n, still in progress (see store_set_report_wait) */
	int acked;               /* of n, SMS the number said it received ("OK"): not proof */
};
STORE_CHECK int store_report_counts(struct store *st, int64_t notice_id,
			int (*cb)(const struct report_count *c, void *arg), void *arg, int64_t now);
struct report_row {
	int64_t delivery_id, household_id, notice_id;
	const char *name, *phone, *groups;
	const char *channel, *state;
	int attempts;
	int64_t updated_at;
	const char *last_error;  /* cause of the last failure, or "" */
	const char *keys;        /* keys pressed in calls, or "" */
	const char *modem;
	const char *notice_text; /* household history only */
	int pending;             /* unreached rows: some delivery still in progress */
	int acked;               /* the household answered "OK" to this SMS (unreached rows:
				    to one of its SMS); never counts as reached */
	const char *address;     /* the household's address, or "" */
	const char *note;        /* the delivery's note (an officer's, on a visit);
				    unreached rows: the household's own note */
	int phone_idx;           /* 1: `phone` is the household's second phone (it went there:
				    the first failed, or calls alternate); unreached rows: 1 when
				    any of its deliveries used the second phone */
	const char *phone2;      /* the household's second phone ("" none); `phone` is the number
				    used, or on unreached rows the household's first phone */
};
/* Every delivery of a notice, by household name. */
STORE_CHECK int store_report_deliveries(struct store *st, int64_t notice_id,
			    int (*cb)(const struct report_row *r, void *arg), void *arg);
/* Households of a notice that no channel reached (delivered, played,
 * confirmed or informed in person), one row per household with its states
 * joined by ',', in the visit list's walking order (first group, then
 * name: store_visit.h). */
STORE_CHECK int store_report_unreached(struct store *st, int64_t notice_id,
			   int (*cb)(const struct report_row *r, void *arg), void *arg, int64_t now);
/* A notice's households: how many it went to, how many are reached (by
 * any channel), told in person (and of those, reached only that way),
 * still in progress without being reached, and not reached. */
struct report_reach {
	int households, reached, visited, visit_only, pending, unreached;
};
STORE_CHECK int store_report_reach(struct store *st, int64_t notice_id, struct report_reach *out, int64_t now);
STORE_CHECK int store_report_household(struct store *st, int64_t household_id,
			   int (*cb)(const struct report_row *r, void *arg), void *arg);
/* The counts of store_report_counts without `acked`, read from the index
 * on (notice, state, channel) alone, so they cost a few milliseconds at
 * 100,000 households where store_report_counts reads every row: the web
 * page's progress, totals and paging.  `pending` as there; in the order of
 * the channel table (db/channel.h: channels, then each one's states as
 * they happen), only the pairs that have deliveries. */
STORE_CHECK int store_report_tally(struct store *st, int64_t notice_id,
				   int (*cb)(const struct report_count *c, void *arg), void *arg, int64_t now);
/* Which of a notice's deliveries the notice page and the officers'
 * downloads show; NULL or 0 fields do not filter. */
struct report_filter {
	const char *state;       /* one delivery state ("failed") */
	const char *channel;     /* one channel id (db/channel.h) */
	const char *group;       /* households of this group code */
	int unreached;           /* only households no delivery of the notice reached */
};
/* Where a walk stopped: the last row's household and channel (rows come
 * in that order); {0, ""} is before the first row. */
struct report_key {
	int64_t household_id;
	char channel[16];
};
/* The deliveries of a notice that `f` keeps, by household id then
 * channel: those after `after` (NULL: from the start), skipping `offset`
 * of them, at most `limit`; with `total`, also how many `f` keeps in all.
 * A page (`after` NULL) uses the offset; a download walks with `after`
 * in chunks, so no statement stays open between them.  Rows as in
 * store_report_deliveries (groups: their codes; phone: the one the
 * delivery uses), plus `pending`. */
STORE_CHECK int store_report_page(struct store *st, int64_t notice_id, const struct report_filter *f,
				  const struct report_key *after, int offset, int limit, int *total,
				  int (*cb)(const struct report_row *r, void *arg), void *arg, int64_t now);
/* How many deliveries of the notice `f` keeps. */
STORE_CHECK int store_report_page_count(struct store *st, int64_t notice_id, const struct report_filter *f,
					int *n);
/* How long a `sent` SMS may wait for its status report before reports
 * stop counting it as in progress (sms.report_timeout_s; default 2 days).
 * After that its household is "not reached": nothing confirmed it. */
void store_set_report_wait(struct store *st, int64_t seconds);
/* channel_state_reached (db/channel.h) over a comma-joined list
 * ("failed,queued"), as in the rows of store_report_unreached: any state
 * reached. */
STORE_CHECK int store_states_any_reached(const char *states);
#endif
