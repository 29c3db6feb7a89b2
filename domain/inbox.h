/* inbox — what Loa does with an SMS that arrives: the policy behind the
 * short codes.  The daemon stores every inbound message first, then calls
 * inbox_handle(), which decides (accepted / pending / refused / ignored,
 * with a reason), queues replies in the outbox, and logs an event.
 *
 * Rules that keep it safe:
 *   - only registered senders command; a head broadcasts only to their
 *     groups; an officer only asks for summaries and help;
 *   - a broadcast, and a cancel, goes out only after the registered number
 *     answers a one-time code (unless that sender is --no-confirm), so a
 *     forged sender number sends and cancels nothing; a head limited to
 *     groups cancels only notices that reach no household outside them;
 *     the same code and the same rule guard "GUI LAI <id>" (resend to the
 *     households a notice has not reached);
 *   - wrong codes are counted per sender across its requests: after
 *     shortcode.lock_wrong within lock_window_s the sender is locked out of
 *     every command that issues or takes a code until the office runs
 *     `loa sender unlock`, and the real number is told (once per lock;
 *     other warnings at most one an hour);
 *   - unknown numbers, carriers' service messages and anything that is not
 *     a mobile number are stored and never answered (no loops with
 *     auto-responders); households are answered only for opt-out/opt-in,
 *     and their "OK" is recorded as the number's word, never as delivered;
 *   - replies are rate-limited per kind, each with its own hourly
 *     allowance: general (reply_per_hour), a registered sender's commands
 *     (command_per_hour), forwards of unknown senders (forward_per_hour,
 *     all senders together), so that forged chatter cannot use up the
 *     code a head's real request needs; a suppressed reply is noted in the
 *     decision's reason. */
#ifndef LOA_INBOX_H
#define LOA_INBOX_H
#include "db/store.h"
#include "domain/notice.h"

/* What the short-code policy reads from the configuration ([shortcode],
 * and the notice settings its broadcasts are planned with); config_inbox()
 * fills it. */
struct inbox_cfg {
	struct notice_cfg notice;
	int confirm_s;           /* a one-time code's life */
	int max_wrong;           /* wrong codes that drop one request */
	int reply_per_hour, command_per_hour, forward_per_hour; /* reply allowances */
	int lock_wrong, lock_window_s; /* wrong codes in the window that lock a sender out */
	char forward_unknown[32];      /* E.164 that unknown senders' texts go to, or "" */
};

struct inbox_result {
	char decision[16];   /* accepted | pending | refused | ignored | stored */
	char reason[256];
	int64_t notice_id;   /* a notice created or cancelled, else 0 */
	int replies;         /* replies queued */
	int suppressed;      /* replies not queued: their allowance was used up
				(the reason ends with which, and why) */
};

int inbox_handle(struct store *st, const struct inbox_cfg *cfg, int64_t inbound_id, const char *sender,
		 const char *text, int64_t now, struct inbox_result *res);
#endif
