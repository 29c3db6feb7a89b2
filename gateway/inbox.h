/* inbox — what Loa does with an SMS that arrives: the policy behind the
 * short codes.  The daemon stores every inbound message first, then calls
 * inbox_handle(), which decides (accepted / pending / refused / ignored,
 * with a reason), queues replies in the outbox, and logs an event.
 *
 * Rules that keep it safe:
 *   - only registered senders command; a head broadcasts only to their
 *     groups; an officer only asks for summaries and help;
 *   - a broadcast goes out only after the registered number answers a
 *     one-time code (unless that sender is --no-confirm), so a forged
 *     sender number sends nothing;
 *   - unknown numbers, carriers' service messages and anything that is not
 *     a mobile number are stored and never answered (no loops with
 *     auto-responders); households are answered only for opt-out/opt-in;
 *   - replies to any one number are rate-limited (shortcode.reply_per_hour). */
#ifndef LOA_INBOX_H
#define LOA_INBOX_H
#include "db/store.h"
#include "gateway/config.h"

struct inbox_result {
	char decision[16];   /* accepted | pending | refused | ignored | stored */
	char reason[160];
	int64_t notice_id;   /* a notice created or cancelled, else 0 */
	int replies;         /* replies queued */
};

int inbox_handle(struct store *st, const struct loa_config *cfg, int64_t inbound_id, const char *sender,
		 const char *text, int64_t now, struct inbox_result *res);
#endif
