/* store_shortcode — the SQL behind SMS short codes: registered senders
 * (and their lock-out after wrong codes), stored templates, requests
 * waiting for their one-time code, the outbox of replies, decisions on
 * inbound messages, and households' replies. */
#ifndef LOA_STORE_SHORTCODE_H
#define LOA_STORE_SHORTCODE_H
#include <stdint.h>

#include "db/store.h"

struct store;

struct sender {
	int64_t id;
	char phone[24];      /* E.164 */
	char role[12];       /* head | officer */
	char name[96];
	char groups[256];    /* comma-separated codes a head may broadcast to; "" = all */
	int confirm;         /* broadcasts and cancels need the one-time code */
	int64_t locked_at;   /* wall seconds the lock-out began; 0: not locked */
	char pin_hash[128];  /* argon2id of the phone PIN (base/pwhash.h); "" = none */
};
STORE_CHECK int store_sender_add(struct store *st, const struct sender *s, int64_t *id_out, int64_t now);
STORE_CHECK int store_sender_remove(struct store *st, const char *phone);
STORE_CHECK int store_sender_by_phone(struct store *st, const char *phone, struct sender *out);
STORE_CHECK int store_sender_each(struct store *st, int (*cb)(const struct sender *s, void *arg), void *arg);
/* Records a wrong one-time code for the sender at `now`, forgets those
 * older than `window_s`, and sets *in_window to the count left.  When it
 * reaches `lock_at`, the sender is locked (locked_at = now, once) and its
 * open requests are dropped, all in one transaction; *locked_now = 1 on
 * the failure that locked it. */
STORE_CHECK int store_code_failure(struct store *st, int64_t sender_id, int64_t now, int64_t window_s, int lock_at,
		       int *in_window, int *locked_now);
/* The office lifts a lock-out: locked_at = 0 and the sender's wrong codes
 * are forgotten.  *was_locked says whether it was locked.  STORE_NOTFOUND
 * for a number that is not a sender. */
STORE_CHECK int store_sender_unlock(struct store *st, const char *phone, int *was_locked);
/* Sets (hash "" clears) a sender's phone PIN hash.  STORE_NOTFOUND for a
 * number that is not a sender. */
STORE_CHECK int store_sender_set_pin(struct store *st, const char *phone, const char *pin_hash);

STORE_CHECK int store_template_add(struct store *st, const char *code, const char *text, int64_t now);
/* *text_out malloc'd. */
STORE_CHECK int store_template_get(struct store *st, const char *code, char **text_out);
STORE_CHECK int store_template_remove(struct store *st, const char *code);
STORE_CHECK int store_template_each(struct store *st, int (*cb)(const char *code, const char *text, void *arg), void *arg);

struct pending {
	int64_t id, sender_id;
	char code[16];
	char action[12];       /* broadcast | cancel ("" = broadcast) */
	int64_t notice_id;     /* cancel: the notice to cancel; broadcast: the one created */
	char *targets, *text;  /* owned */
	int channels, urgent, wrong;
	int64_t created_at, expires_at;
	char state[12];        /* pending | held | sent | done | expired | dropped | superseded */
};
void store_pending_clear(struct pending *p);
/* A new request; earlier open ones of the same sender become superseded. */
STORE_CHECK int store_pending_add(struct store *st, const struct pending *p, int64_t *id_out);
/* The sender's open request (pending or held), newest first. */
STORE_CHECK int store_pending_open(struct store *st, int64_t sender_id, struct pending *out);
/* notice_id 0 keeps the request's notice. */
STORE_CHECK int store_pending_update(struct store *st, int64_t id, const char *state, int wrong, const char *reason,
			 int64_t notice_id);

/* Replies to senders and households: queued for the daemon to send. */
STORE_CHECK int store_outbox_add(struct store *st, const char *to, const char *text, const char *kind, int64_t inbound_id,
		     int64_t now);
/* Outbox messages created since `since` (rate limits): to `to` (NULL:
 * to anyone) and of the kinds listed in `kinds` as ",a,b," (NULL: any). */
STORE_CHECK int store_outbox_count_since(struct store *st, const char *to, const char *kinds, int64_t since, int *n);
struct outbox_msg {
	int64_t id;
	char to[24];
	char *text;            /* owned */
};
void store_outbox_clear(struct outbox_msg *m);
/* Oldest queued message -> sending on `modem`; STORE_NOTFOUND if none. */
STORE_CHECK int store_outbox_claim(struct store *st, const char *modem, struct outbox_msg *m);
/* sent (mr >= 0) or failed with `error`; a failed one is retried
 * `retries` times by going back to queued. */
STORE_CHECK int store_outbox_done(struct store *st, int64_t id, int ok, int mr, const char *error, int retries, int64_t now);
/* At daemon start: sending -> queued (a reply lost in a crash is resent:
 * replies are short, idempotent acknowledgements). */
STORE_CHECK int store_outbox_recover(struct store *st);

STORE_CHECK int store_inbound_decide(struct store *st, int64_t inbound_id, const char *decision, const char *reason);
struct inbound_row {
	int64_t id, received_at;
	const char *modem, *sender, *text, *decision, *reason, *sender_name;
};
STORE_CHECK int store_inbound_each(struct store *st, int limit, int (*cb)(const struct inbound_row *r, void *arg), void *arg);
struct outbox_row {
	int64_t id, created_at, inbound_id;
	const char *to, *text, *kind, *state, *error;
};
STORE_CHECK int store_outbox_each(struct store *st, int limit, int (*cb)(const struct outbox_row *r, void *arg), void *arg);

/* An acknowledging reply ("OK") from number e164: the number says it
 * received the latest notice whose SMS went to it (as an active
 * household's first or second phone, whichever the delivery used) within
 * `window_s` (sent, delivered, uncertain or failed).  Every delivery of
 * that notice to that number is acknowledged -- a phone shared by several
 * households got one such message per household, and one "OK" answers for
 * the text it read: acked_at (the first one kept) and an event each; their
 * states and times are left alone: a sender number can be forged, so an
 * "OK" never makes a delivery delivered nor takes a household off the
 * visit list.  *notice_id = 0 when nothing matched; *n = deliveries
 * acknowledged (n may be NULL). */
STORE_CHECK int store_sms_ack(struct store *st, const char *e164, int64_t now, int64_t window_s, int64_t *notice_id,
			      int *n);
/* SMS parts still queued (not yet sent) across all notices. */
STORE_CHECK int store_sms_parts_queued(struct store *st, int *n);
STORE_CHECK int store_notice_set_budget_override(struct store *st, int64_t notice_id);
/* `loa inbox --simulate`: an inbound SMS as if a modem named "cli" got it. */
STORE_CHECK int store_sms_inbound_cli(struct store *st, const char *sender, const char *text, int64_t now, int64_t *id);
#endif
