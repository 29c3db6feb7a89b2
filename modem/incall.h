/* incall — the incoming-call indications of every family, as pure
 * parsers: one line in, one event out.  No state, no I/O: the driver that
 * answers calls (not yet written, issue 17) keeps the call and feeds these
 * events to the call-in menu (domain/callin.h).
 *
 *   RING / +CRING: VOICE                       -> INCALL_RING
 *   +CLIP: "0912345678",129,"",,"",0           -> INCALL_CLIP, number in E.164
 *   +CLIP: "+84912345678",145,...              ->   (validity 1/2: withheld)
 *   MISSED_CALL: 10:36AM 0912345678 (SIMCom)   -> INCALL_MISSED, 10:36, number
 *   +CLCC / +QIND "ccinfo" with dir 1: stat 4/5 -> INCALL_ALERTING,
 *                                      stat 0   -> INCALL_ANSWERED,
 *                                      stat 6/-1 -> INCALL_ENDED
 *   ^CONN (Huawei), VOICE CALL: BEGIN (SIMCom)  -> INCALL_ANSWERED
 *   ^CEND, VOICE CALL: END, NO CARRIER          -> INCALL_ENDED
 * A +CLCC/+QIND line about an outgoing call (dir 0) is INCALL_NONE: it is
 * the outbound call table's (modem/call.h).  Huawei ^CONN/^CEND carry no
 * direction: the driver knows whether its call is incoming.
 *
 * Numbers: a national form (type 129, "0912…", "0084…", "84…") and the
 * international form (type 145, "+84…", or "84…" without the plus) become
 * E.164 through base/phone; a foreign number keeps its digits with a "+"
 * (type 145) and is flagged foreign, so it is never taken for a
 * household's. */
#ifndef LOA_INCALL_H
#define LOA_INCALL_H
#include "modem/profile.h"

enum incall_kind { INCALL_NONE = 0, INCALL_RING, INCALL_CLIP, INCALL_MISSED, INCALL_ALERTING, INCALL_ANSWERED,
		   INCALL_ENDED, INCALL_N };
const char *incall_kind_name(enum incall_kind k);

/* What the caller-ID says: the number, withheld (validity 1), or not
 * available (validity 2, or an empty number). */
enum incall_id { INCALL_ID_SHOWN = 0, INCALL_ID_WITHHELD, INCALL_ID_UNAVAILABLE };

struct incall_ev {
	enum incall_kind kind;
	enum incall_id id;      /* INCALL_CLIP / INCALL_MISSED */
	char number[24];        /* E.164 (+84…), a foreign "+…", or "" */
	int foreign;            /* number is not Vietnamese (not a household's) */
	int type;               /* +CLIP type of address (129, 145), -1 unknown */
	int idx;                /* the modem's call index, -1 when not said */
	int minute;             /* MISSED_CALL: minute of day (0..1439), -1 unknown */
};

/* Parses `line` with the family's rules; fills *ev (always) and returns
 * ev->kind.  p NULL: the generic family. */
enum incall_kind incall_parse(const struct profile *p, const char *line, struct incall_ev *ev);

/* A caller-ID number as the modem wrote it, with its type of address ->
 * E.164 in out (n bytes).  Returns 0 for a Vietnamese number, 1 for a
 * foreign one ("+" and its digits), -1 when it is no number (empty,
 * letters). */
int incall_number(const char *raw, int type, char *out, unsigned n);

/* "10:36AM" / "10:36 PM" / "22:36" -> minute of day, -1 when not a time. */
int incall_parse_time(const char *s);
#endif
