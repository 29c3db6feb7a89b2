/* channel — the delivery channels as one table (deliveries.channel): their
 * id, the Vietnamese label officers read, and which delivery states count
 * as reached (the household got the notice) and which are final (nothing
 * more will happen).  The store's SQL, the report, the web page and the CSV
 * all read it, so a new channel is one row here (plus its driver), never a
 * guess of "sms, else voice" in every file. */
#ifndef LOA_CHANNEL_H
#define LOA_CHANNEL_H

struct channel {
	const char *id;               /* "sms", "voice", "visit" */
	int bit;                      /* its bit in a household's or notice's
				       * channel mask (CH_SMS, CH_VOICE, CH_VISIT in
				       * store.h; a household never asks for CH_VISIT:
				       * an officer's visit is recorded, not sent) */
	const char *label_vi;         /* "SMS", "Gọi điện" */
	const char *const *states;    /* every state a delivery may be in; NULL-terminated */
	const char *const *reached;   /* NULL-terminated */
	const char *const *final;     /* NULL-terminated; includes the reached ones */
};

/* Every channel, ending with a row whose id is NULL. */
extern const struct channel channel_table[];

/* The channel `id`, or NULL when no row has it. */
const struct channel *channel_find(const char *id);
/* What an officer reads for `id`; an unknown id is shown as it is, never
 * as another channel's label. */
const char *channel_label(const char *id);
/* `state` counts as reached on some channel (states are not shared in
 * ways that disagree, a unit test checks it). */
int channel_state_reached(const char *state);
/* `state` is final on channel `id` (an unknown channel: never final). */
int channel_state_final(const char *id, const char *state);

/* `state` is one the channel `id` has (what the schema's triggers allow). */
int channel_state_known(const char *id, const char *state);

/* The reached states of every channel, as the SQL list the store's queries
 * embed; a unit test keeps it equal to the table. */
#define CHANNEL_REACHED_SQL "('delivered', 'played', 'confirmed', 'informed')"

/* The states `loa notice resend` puts back in the queue: final and not
 * reached on some channel, except `uncertain` (the SMS may well have
 * arrived: resent only when asked, see store_resend); a unit test keeps it
 * equal to the table. */
#define CHANNEL_RESEND_SQL "('failed', 'expired', 'cancelled', 'unreached')"

/* The pairs (channel, state) the schema allows, as the condition its
 * triggers check (migration 8, db/schema.h); a unit test keeps it equal to
 * the table.  A new channel or state is a new migration that recreates the
 * triggers with this condition. */
#define CHANNEL_STATES_SQL(row)                                                                              \
	"((" row ".channel = 'sms' AND " row ".state IN ('queued', 'sending', 'sent', 'delivered', 'failed',"     \
	" 'expired', 'cancelled', 'uncertain'))"                                                             \
	" OR (" row ".channel = 'voice' AND " row ".state IN ('queued', 'dialing', 'ringing', 'answered',"       \
	" 'played', 'confirmed', 'unreached', 'failed', 'expired', 'cancelled'))"                           \
	" OR (" row ".channel = 'visit' AND " row ".state IN ('informed')))"

/* The condition migration 8 created its triggers with (sms and voice only),
 * frozen: a released migration never changes. */
#define CHANNEL_STATES_SQL_8(row)                                                                            \
	"((" row ".channel = 'sms' AND " row ".state IN ('queued', 'sending', 'sent', 'delivered', 'failed',"     \
	" 'expired', 'cancelled', 'uncertain'))"                                                             \
	" OR (" row ".channel = 'voice' AND " row ".state IN ('queued', 'dialing', 'ringing', 'answered',"       \
	" 'played', 'confirmed', 'unreached', 'failed', 'expired', 'cancelled')))"
#endif
