/* store_callin — the SQL of call-in (issue 17): who is calling (the
 * households on a phone number) and which notices they have not confirmed,
 * the latest public notice for an unknown caller, a confirmation made by
 * pressing 1 on an incoming call (or a callback), and the callbacks owed
 * after a flash.
 *
 * A confirmation by call-in makes the household's voice delivery of the
 * notice `confirmed` (created, already confirmed, when the household had
 * only SMS for it), with an attempt row whose direction is 'in' and an
 * event call_in_confirmed; every household on that phone that was sent the
 * notice is confirmed (a shared phone answers for all of them).  It leaves
 * the visit list because a confirmed voice delivery counts as reached.
 *
 * Callbacks (table callbacks): queued --claim--> calling --> done | failed;
 * a daemon that stops during one leaves it `calling`: at start it is
 * `failed` ("the daemon stopped during the callback"), never called twice
 * silently. */
#ifndef LOA_STORE_CALLIN_H
#define LOA_STORE_CALLIN_H
#include <stdint.h>

#include "db/store.h"

struct store;

/* Who owns a phone number. */
struct callin_who {
	int64_t household_id;   /* the first active household with this phone, 0: none */
	int n_households;       /* how many share it */
	int urgent;             /* one of `notices` is urgent */
	char name[128];         /* the first household's name */
};

/* The households whose first or second phone is `phone` (E.164), and the
 * notices sent to any of them that none has confirmed: active, due, newest
 * first, at most `max` into notices[] (*n of them).  who->household_id 0:
 * nobody has this number. */
STORE_CHECK int store_callin_lookup(struct store *st, const char *phone, int64_t now, int max,
				    struct callin_who *who, int64_t *notices, int *n);
/* The latest active notice addressed to the whole village (targets
 * "all"): STORE_NOTFOUND when there is none. */
STORE_CHECK int store_callin_latest_public(struct store *st, int64_t now, int64_t *notice_id);
/* Key 1 on a call-in (or a callback) for notice_id from `phone` (see the
 * header comment); *n = households confirmed (0: the notice was not theirs
 * or already confirmed). */
STORE_CHECK int store_callin_confirm(struct store *st, const char *phone, int64_t notice_id, const char *modem,
				     int64_t started_at, int64_t now, int *n);

/* ---- callbacks ---- */
struct callback_job {
	int64_t id, household_id;
	char phone[24];
	int urgent;
};
/* When the household's last callback was queued: STORE_NOTFOUND: never. */
STORE_CHECK int store_callback_last(struct store *st, int64_t household_id, int64_t *created_at);
/* Queues a callback (event callback_queued with `why`). */
STORE_CHECK int store_callback_add(struct store *st, int64_t household_id, const char *phone, int64_t due_at,
				   int64_t by_at, int urgent, const char *why, int64_t now);
/* The earliest due_at of a queued callback (urgent_only: of an urgent
 * one): STORE_NOTFOUND when none. */
STORE_CHECK int store_callback_next_due(struct store *st, int urgent_only, int64_t *due_at);
/* Moves the earliest due callback queued -> calling on `modem`:
 * STORE_NOTFOUND when none is due. */
STORE_CHECK int store_callback_claim(struct store *st, const char *modem, int64_t now, int urgent_only,
				     struct callback_job *j);
/* The callback is over: done (answered) or failed, with the call's
 * outcome, cause and keys (event callback_done / callback_failed). */
STORE_CHECK int store_callback_end(struct store *st, const struct callback_job *j, const char *modem, int answered,
				   const char *outcome, const char *cause, const char *keys, int64_t now);
/* Not dialed (the modem went away before ATD): queued again. */
STORE_CHECK int store_callback_release(struct store *st, const struct callback_job *j, int64_t now);
/* Daemon start: callbacks left `calling` become failed; *n of them. */
STORE_CHECK int store_callback_recover(struct store *st, int64_t now, int *n);
/* Queued callbacks (loa status). */
STORE_CHECK int store_callback_queued(struct store *st, int *n);
#endif
