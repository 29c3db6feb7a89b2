/* store_call — the SQL of voice delivery for the daemon: claiming a due
 * call, its attempt row (started/answered/ended, outcome, cause, keys),
 * state moves with an event each, retries, and crash recovery.
 *
 * States (deliveries.state, channel 'voice'):
 *   queued --claim--> dialing --> ringing --> answered --> played --> confirmed
 *   dialing|ringing|answered --attempt over--> queued (next_at = now +
 *       [voice] retry_s) | unreached (attempts spent)
 *   played --call over without key 1--> stays played (heard to the end)
 * Attempt outcomes: no_answer | busy | rejected | failed | answered.
 *
 * Two phones: a delivery's calls start on the household's first phone
 * (deliveries.phone_idx 0); an attempt nobody answered sends the next one
 * to the other phone when the household has two (1, 2, 1, ...: the
 * decision is sched_call_next_phone's, the attempt count and limits are the
 * delivery's, whichever phone), an answered one keeps it.  The number
 * called is in the call_dialing event ("attempt 2 to +84..., second
 * phone"); a final state keeps the phone of the last attempt.
 *
 * Crash recovery (daemon start): a delivery left in dialing / ringing /
 * answered had its attempt row opened at claim time; that attempt is closed
 * as `failed` ("daemon stopped during the call") and the delivery is
 * retried like any failed attempt (or `unreached` when attempts are spent).
 * A call, unlike an SMS, cannot silently arrive twice: a second call is a
 * new attempt row the household can see in the log, and someone who heard
 * half a notice is better called again than marked reached.  A delivery
 * already `played` keeps that state. */
#ifndef LOA_STORE_CALL_H
#define LOA_STORE_CALL_H
#include <stdint.h>

#include "db/store.h"

struct store;

struct call_job {
	int64_t delivery_id, notice_id, household_id, attempt_id;
	char phone[24];        /* the number this attempt calls */
	char other[24];        /* the household's other phone, "" when it has one */
	int phone_idx;         /* `phone` is its first (0) or second (1) phone */
	int attempts;          /* including this one */
	int urgent;
};

/* The notice whose voice delivery would be claimed next (to prepare its
 * audio before dialing): STORE_NOTFOUND when none is due.  *text and
 * *audio_path are malloc'd ("" when none). */
STORE_CHECK int store_call_peek(struct store *st, int64_t now, int urgent_only, int64_t *notice_id, char **text,
		    char **audio_path);
/* Atomically moves the most urgent due voice delivery of notice_id (0: any)
 * queued -> dialing on `modem` and opens its attempt row. */
STORE_CHECK int store_call_claim(struct store *st, const char *modem, int64_t now, int urgent_only, int64_t notice_id,
		     struct call_job *job);
STORE_CHECK int store_call_next_due(struct store *st, int urgent_only, int64_t *next_at);
/* ringing / answered / played as the call goes (answered also stamps the
 * attempt's answered_at). */
STORE_CHECK int store_call_progress(struct store *st, const struct call_job *j, const char *modem, const char *state,
			int64_t now);
/* The attempt is over.  final_state: confirmed | played | queued (retry at
 * next_at) | unreached.  other_phone (with queued, and j->other set): the
 * next attempt calls the household's other phone (said in the event). */
STORE_CHECK int store_call_end(struct store *st, const struct call_job *j, const char *modem, const char *outcome,
		   const char *cause, const char *keys, const char *final_state, int64_t next_at, int other_phone,
		   int64_t now);
/* Not dialed at all (modem gone before ATD): queued again, attempt not
 * counted. */
STORE_CHECK int store_call_release(struct store *st, const struct call_job *j, const char *modem, const char *cause,
		       int64_t now);
/* The notice's speech cannot be rendered (espeak-ng voice missing, its
 * recording gone): every queued voice delivery of notice_id becomes
 * `failed` with `cause` as last_error, an attempt row (outcome failed,
 * modem "-", no call placed) and a call_failed event each, in one
 * transaction.  *n = deliveries failed. */
STORE_CHECK int store_call_fail_notice(struct store *st, int64_t notice_id, const char *cause, int64_t now, int *n);
/* See the header comment.  *n = deliveries recovered. */
/* Queued calls of notices due (and, after a resend, put back) before
 * now - max_age_s (voice.expire_h)
 * become `unreached`: "no modem could call" when never tried, so the
 * household is on the visit list instead of waiting for ever. */
STORE_CHECK int store_call_expire(struct store *st, int64_t now, int64_t max_age_s, int *n);
STORE_CHECK int store_call_recover(struct store *st, int64_t now, int max_attempts, int retry_s, int *n);
/* Voice deliveries dialing/ringing/answered (tests, --until-idle). */
STORE_CHECK int store_call_in_progress(struct store *st, int *n);
#endif
