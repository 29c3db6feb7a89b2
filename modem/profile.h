/* profile — the modem families as data: one row per family (the name users
 * write in `[modem] family`, init steps, family URC rules, audio_on/off
 * commands and when they go out).  Adding a family is one row in
 * profile.c (and its enum value here); the AT engine (at.c) and the call
 * table (call.c) only read rows. */
#ifndef LOA_PROFILE_H
#define LOA_PROFILE_H
#include "modem/at.h" /* enum at_urc_kind, enum at_call_ev */

/* The families Loa knows ([modem] family in the config names them). */
enum modem_family { FAMILY_GENERIC = 0, FAMILY_HUAWEI, FAMILY_SIMCOM, FAMILY_QUECTEL, FAMILY_N };

/* When a family's audio_on commands go out: the port as is (generic),
 * before ATD (Quectel AT+QPCMV), right after ATD (Huawei AT^DDSETEX=2), or
 * ~100 ms after the answer report (SIMCom AT+CPCMREG=1 on VOICE CALL:
 * BEGIN). */
enum profile_audio_when { AUDIO_AS_IS, AUDIO_BEFORE_DIAL, AUDIO_AFTER_DIAL, AUDIO_ON_ANSWER };
/* INIT_SR_STORED: OK means status reports are stored and announced as
 * +CDSI (AT+CNMI=...,2,...); INIT_UNLESS_SR: skipped when they are. */
enum { INIT_OPTIONAL = 1, INIT_SYNC = 2, INIT_PIN = 4, INIT_SR_STORED = 8, INIT_UNLESS_SR = 16 };
struct profile_init_step {
	const char *cmd;
	int timeout_ms;
	int flags;          /* INIT_OPTIONAL: ERROR is fine; INIT_SYNC: retried on
			     * silence; INIT_PIN: AT+CPIN? handling */
};
struct profile_urc_rule {
	const char *prefix;
	enum at_urc_kind kind;
	enum at_call_ev call_ev;
};
struct profile {
	const char *name;                          /* as written in [modem] family */
	const struct profile_init_step *init;      /* { NULL } terminated */
	const struct profile_urc_rule *urcs;       /* family URCs, { NULL } terminated */
	const char *const *audio_on;               /* voice calls: NULL terminated */
	const char *const *audio_off;
	enum profile_audio_when audio_when;        /* when audio_on goes out */
	/* incoming calls (modem/incall.h): when audio_on goes out around ATA
	 * (AUDIO_BEFORE_DIAL: before ATA, AUDIO_AFTER_DIAL: right after its
	 * OK, AUDIO_ON_ANSWER: after the answer report), and the prefix of the
	 * family's missed-call report (NULL: the family has none). */
	enum profile_audio_when in_audio_when;
	const char *in_missed;
};

/* enum modem_family -> profile (generic when out of range). */
const struct profile *profile_for(int family);
/* The family's name ("?" when out of range). */
const char *profile_name(int family);
/* A name (any case) -> enum modem_family, -1 when no family has it. */
int profile_by_name(const char *name);
/* URC classification with the family's rules, then the rules common to all
 * families; URC_NONE when neither knows the line.  *ev: the call event. */
enum at_urc_kind profile_urc(const struct profile *p, const char *line, enum at_call_ev *ev);
#endif
