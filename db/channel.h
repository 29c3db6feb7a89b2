/* channel — the delivery channels as one table (deliveries.channel): their
 * id, the Vietnamese label officers read, and which delivery states count
 * as reached (the household got the notice) and which are final (nothing
 * more will happen).  The store's SQL, the report, the web page and the CSV
 * all read it, so a new channel is one row here (plus its driver), never a
 * guess of "sms, else voice" in every file. */
#ifndef LOA_CHANNEL_H
#define LOA_CHANNEL_H

struct channel {
	const char *id;               /* "sms", "voice" */
	const char *label_vi;         /* "SMS", "Gọi điện" */
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

/* The reached states of every channel, as the SQL list the store's queries
 * embed; a unit test keeps it equal to the table. */
#define CHANNEL_REACHED_SQL "('delivered', 'played', 'confirmed')"
#endif
