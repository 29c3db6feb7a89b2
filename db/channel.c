/* channel — see channel.h.  The states per channel are the user-facing
 * contract (README "Delivery states"). */
#include "db/channel.h"
#include "db/store.h" /* CH_SMS, CH_VOICE */

#include <stddef.h>
#include <string.h>

static const char *const sms_states[] = { "queued", "sending", "sent", "delivered", "failed", "expired",
					  "cancelled", "uncertain", NULL };
static const char *const voice_states[] = { "queued", "dialing", "ringing", "answered", "played", "confirmed",
					    "unreached", "failed", "expired", "cancelled", NULL };
static const char *const sms_reached[] = { "delivered", NULL };
static const char *const sms_final[] = { "delivered", "failed", "expired", "cancelled", "uncertain", NULL };
static const char *const voice_reached[] = { "confirmed", "played", NULL };
static const char *const voice_final[] = { "confirmed", "played", "unreached", "failed", "expired", "cancelled",
					   NULL };

/* An officer told the household in person ("đã báo tận nhà"): recorded by
 * `loa visit` or the visit list, never queued or sent. */
static const char *const visit_states[] = { "informed", NULL };

const struct channel channel_table[] = {
	{ "sms", CH_SMS, "SMS", sms_states, sms_reached, sms_final },
	{ "voice", CH_VOICE, "Gọi điện", voice_states, voice_reached, voice_final },
	{ "visit", CH_VISIT, "Báo tận nhà", visit_states, visit_states, visit_states },
	{ NULL, 0, NULL, NULL, NULL, NULL },
};

static int in(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

const struct channel *channel_find(const char *id)
{
	for (const struct channel *c = channel_table; id && c->id; c++)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

const char *channel_label(const char *id)
{
	const struct channel *c = channel_find(id);
	return c ? c->label_vi : id ? id : "";
}

int channel_state_reached(const char *state)
{
	for (const struct channel *c = channel_table; c->id; c++)
		if (in(c->reached, state))
			return 1;
	return 0;
}

int channel_state_final(const char *id, const char *state)
{
	const struct channel *c = channel_find(id);
	return c && in(c->final, state);
}

int channel_state_known(const char *id, const char *state)
{
	const struct channel *c = channel_find(id);
	return c && in(c->states, state);
}
