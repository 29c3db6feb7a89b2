/* store_sms — the SQL of SMS delivery for the daemon: claiming due
 * deliveries, recording each part handed to a modem (sms_refs), moving
 * states with an attempt row and an event for each, matching status
 * reports, crash recovery, inbound messages, daily part counts and modem
 * health.
 *
 * States (deliveries.state, channel 'sms'):
 *   queued --claim--> sending --+CMGS of every part--> sent --report--> delivered | failed
 *   sending --transient error--> queued (next_at later) | failed (retries spent)
 *   sending --permanent error--> failed
 *   sending --answer lost (timeout / port gone after Ctrl-Z / crash)--> uncertain
 *   queued --too old (sms.expire_h)--> expired
 *   failed | expired | cancelled (| uncertain, when asked) --resend--> queued
 *       (store_resend: attempts from 0 again, earlier parts superseded)
 *   sending --the number refused it (cms.c CAUSE_HOUSEHOLD)--> queued on the
 *       household's second phone (store_sms_second_phone)
 *   sent --failed status report--> queued on the second phone (store_sms_report)
 * A multipart message with parts accepted is claimed only by the modem that
 * sent them (sms_pin): parts from two SIMs never join on a phone. 
 * A delivery in `uncertain` is never re-sent automatically, nor moved to
 * the second phone: the first may well have it.
 *
 * Second phone (deliveries.phone_idx): a delivery starts on the household's
 * first phone; when that number refuses it (unassigned, barred, unknown,
 * out of service, or a failed status report) and the household has a
 * second phone, it moves there once (phone_idx 1, back to queued now, its
 * parts on the first phone superseded, a new concatenation reference and
 * any modem), keeping its attempt count; from then on everything (retries,
 * reports, failure) is on the second phone, and its status reports match
 * the recipient it was sent to (sms_refs.recipient).  A SIM's fault never
 * moves it.  `delivered` on either phone is reached. */
#ifndef LOA_STORE_SMS_H
#define LOA_STORE_SMS_H
#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

struct store;

struct sms_job {
	int64_t delivery_id, notice_id, household_id, attempt_id;
	char phone[24];        /* E.164 */
	char *text;            /* the notice text (NFC, unstripped); owned */
	int ucs2;              /* deliveries.encoding == 'ucs2' */
	int parts;             /* parts counted at fan-out */
	int attempts;          /* including this one */
	int ref;               /* concatenation reference, 0 = none chosen yet */
	int parts_sent;        /* parts already accepted by a modem (resume after loss) */
	int urgent;
	int fragments;         /* sent whole again after its first modem was lost */
	int phone_idx;         /* `phone` is the household's first (0) or second (1) phone */
};
void store_sms_job_clear(struct sms_job *j);

/* Daemon start: every `sending` SMS delivery (its modem answer was lost in
 * a crash) becomes `uncertain`.  *n = how many. */
STORE_CHECK int store_sms_recover(struct store *st, int64_t now, int *n);

/* Which notices a claim may take from (flags, or-ed). */
#define SMS_CLAIM_URGENT 1     /* urgent notices only (quiet hours) */
#define SMS_CLAIM_OVERRIDE 2   /* notices sent past the daily budget only */

/* Atomically moves the most urgent due delivery (queued, next_at <= now,
 * notice active; restricted by `flags`; at most max_parts parts) to
 * `sending` on `modem`, opens its attempt row.  STORE_NOTFOUND when
 * nothing is due.  One UPDATE ... WHERE state = 'queued': the same
 * delivery can never be claimed twice. */
STORE_CHECK int store_sms_claim(struct store *st, const char *modem, int64_t now, int flags, int max_parts,
		    struct sms_job *job);
/* The earliest next_at of a queued SMS delivery (restricted by `flags`);
 * STORE_NOTFOUND if there is none. */
STORE_CHECK int store_sms_next_due(struct store *st, int flags, int64_t *next_at);

/* A fresh concatenation reference 1..255 from a persistent counter, stored
 * on the delivery (if delivery_id != 0) so a resumed multipart message
 * keeps it. */
STORE_CHECK int store_sms_assign_ref(struct store *st, int64_t delivery_id, int *ref);

/* One part accepted by the modem with message reference `mr`. */
STORE_CHECK int store_sms_part_sent(struct store *st, const struct sms_job *j, const char *modem, int part, int parts,
			int mr, int64_t now);
/* Multipart messages started on `modem` (sms_pin) and still queued: their
 * accepted parts are superseded, the pin and reference dropped and
 * `fragments` set, so another modem sends them whole with a new reference;
 * an sms_restarted event each.  *n = how many. */
STORE_CHECK int store_sms_unpin(struct store *st, const char *modem, int64_t now, int *n);
/* Modems that queued multipart messages are pinned to. */
STORE_CHECK int store_sms_pinned_modems(struct store *st, char (*names)[32], int max, int *n);

/* Every part accepted: `sent`. */
STORE_CHECK int store_sms_sent(struct store *st, const struct sms_job *j, const char *modem, int64_t now);
/* Transient failure: back to queued at next_at, or `failed` when
 * `give_up`. */
STORE_CHECK int store_sms_retry(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
		    int64_t next_at, int give_up, int64_t now);
/* Not sent at all (stopping, port lost before the PDU went out): back to
 * queued now, the attempt not counted. */
STORE_CHECK int store_sms_release(struct store *st, const struct sms_job *j, const char *modem, const char *cause, int64_t now);
STORE_CHECK int store_sms_fail(struct store *st, const struct sms_job *j, const char *modem, const char *cause, int64_t now);
STORE_CHECK int store_sms_uncertain(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
			int64_t now);
/* The household's number refused the SMS (`cause`: cms.c CAUSE_HOUSEHOLD)
 * on its first phone: when it has a second phone the delivery moves there
 * (sending -> queued now, phone_idx 1; the attempt closed as `failed`; an
 * sms_second_phone event "first phone failed: CAUSE; trying the second
 * phone 09..."), and `to` gets that number (E.164).  STORE_NOTFOUND, with
 * nothing written, when there is none to move to (no second phone, already
 * on it, or not `sending` any more): the caller fails or retries as usual. */
STORE_CHECK int store_sms_second_phone(struct store *st, const struct sms_job *j, const char *modem, const char *cause,
				       int64_t now, char *to, size_t tolen);

/* A status report: matched by (modem, mr, recipient) to the latest part
 * without a report.  `delivered` 1/0.  Moves the delivery to delivered
 * (every part delivered) or failed (any part failed) -- or, failed on the
 * household's first phone when it has a second, back to `queued` on that
 * one (as store_sms_second_phone); *moved is then that state, else NULL.
 * *delivery_id = 0 when nothing matched. */
STORE_CHECK int store_sms_report(struct store *st, const char *modem, int mr, const char *recipient, int delivered,
		     const char *detail, int64_t now, int64_t *delivery_id, int64_t *notice_id, const char **moved);
/* Deliveries in `sent` whose last part went out at or after `since`. */
STORE_CHECK int store_sms_awaiting_reports(struct store *st, int64_t since, int *n);

/* queued deliveries of notices due more than max_age_s ago -> expired
 * (a delivery put back by a resend counts from its resent_at instead). */
STORE_CHECK int store_sms_expire(struct store *st, int64_t now, int64_t max_age_s, int *n);

/* SMS parts handed to modems since `since` (NULL modem: all modems). */
STORE_CHECK int store_sms_parts_since(struct store *st, const char *modem, int64_t since, int *n);

/* An inbound SMS (reassembled). */
STORE_CHECK int store_sms_inbound(struct store *st, const char *modem, const char *sender, const char *text, int parts,
		      int64_t sent_at, int64_t now, int64_t *id);

/* One part of an inbound multipart SMS (23.040 concatenation: sender,
 * reference and part count name the message). */
struct sms_fragment {
	const char *modem, *sender, *text;
	int ref, part, parts;
	int64_t sent_at;       /* service-centre time, 0 unknown */
};
/* Keeps the part in the database (so its SIM copy can be deleted at once;
 * a part stored twice counts once).  When every part is there, in the same
 * transaction the parts become one inbound row: *inbound_id is its id and
 * *text the parts joined in order (caller frees); else *inbound_id = 0. */
STORE_CHECK int store_sms_fragment(struct store *st, const struct sms_fragment *f, int64_t now, int64_t *inbound_id,
		       char **text);
/* Messages whose first part came before now - max_age_s and never
 * completed: what arrived goes to the inbox as decision 'incomplete' (never
 * acted on) and the parts are dropped.  *n = parts dropped. */
STORE_CHECK int store_sms_fragments_expire(struct store *st, int64_t now, int64_t max_age_s, int *n);

/* modem_status row upsert. */
STORE_CHECK int store_sms_modem_status(struct store *st, const char *name, const char *state, int registered, int signal,
			   const char *last_error, int64_t now);
#endif
