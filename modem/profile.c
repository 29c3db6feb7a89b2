/* profile — the modem family rows (see profile.h): per family its name,
 * init steps, URC rules, audio commands and when they go out, plus the URC
 * rules common to all families.  Data, so a family is one row in
 * profiles[] (and the tables it points to); the simulator's side of a
 * family is sim/sim_family.c. */
#include "modem/profile.h"

#include "base/util.h"

#include <string.h>

#define STEP_AT { "AT", 1000, INIT_SYNC }
/* ... AT+CTZU=1, AT+CTZR=2: the network's time (NITZ) sets the modem's
 * clock and +CTZE URCs tell it; the daemon reads AT+CCLK? (gateway/drv_time.c) */
#define STEP_COMMON_SMS                                                                      \
	{ "ATE0", 2000, 0 }, { "AT+CMEE=1", 2000, INIT_OPTIONAL }, { "AT+CPIN?", 5000, INIT_PIN }, \
	{ "AT+CMGF=0", 3000, 0 }, { "AT+CSMS=0", 3000, INIT_OPTIONAL },                            \
	{ "AT+CNMI=2,1,0,2,0", 3000, INIT_OPTIONAL | INIT_SR_STORED },                                \
	{ "AT+CNMI=2,1,0,1,0", 3000, INIT_UNLESS_SR }, { "AT+CREG=1", 2000, INIT_OPTIONAL },        \
	{ "AT+CLIP=1", 2000, INIT_OPTIONAL },                                                      \
	{ "AT+CTZU=1", 2000, INIT_OPTIONAL }, { "AT+CTZR=2", 2000, INIT_OPTIONAL }

static const struct profile_init_step init_generic[] = { STEP_AT, STEP_COMMON_SMS, { NULL, 0, 0 } };
static const struct profile_init_step init_huawei[] = {
	STEP_AT, STEP_COMMON_SMS,
	{ "AT^CURC=0", 2000, INIT_OPTIONAL },  /* stop periodic ^RSSI/^MODE/^DSFLOWRPT noise */
	{ "AT^CVOICE?", 2000, INIT_OPTIONAL }, /* must say 0,8000,16,20 for calls */
	{ NULL, 0, 0 },
};
static const struct profile_init_step init_simcom[] = {
	STEP_AT, STEP_COMMON_SMS,
	{ "AT+CLCC=1", 2000, INIT_OPTIONAL },  /* call state reports */
	{ "AT+DDET=1", 2000, INIT_OPTIONAL },  /* +RXDTMF */
	{ NULL, 0, 0 },
};
static const struct profile_init_step init_quectel[] = {
	STEP_AT, STEP_COMMON_SMS,
	{ "AT+QURCCFG=\"urcport\",\"usbat\"", 2000, INIT_OPTIONAL },
	{ "AT+QINDCFG=\"ccinfo\",1", 2000, INIT_OPTIONAL },
	{ "AT+QTONEDET=1", 2000, INIT_OPTIONAL }, /* +QTONEDET: <ASCII> */
	{ NULL, 0, 0 },
};

static const struct profile_urc_rule urc_common[] = {
	{ "+CMTI:", URC_CMTI, CALL_EV_NONE },
	{ "+CMT:", URC_CMT, CALL_EV_NONE },
	{ "+CDSI:", URC_CDSI, CALL_EV_NONE },
	{ "+CDS:", URC_CDS, CALL_EV_NONE },
	{ "+CREG:", URC_CREG, CALL_EV_NONE },
	{ "RING", URC_RING, CALL_EV_NONE },
	{ "+CRING:", URC_RING, CALL_EV_NONE },
	{ "+CLIP:", URC_CLIP, CALL_EV_NONE },
	{ "+CLCC:", URC_CALL, CALL_EV_STATE },
	{ "+CGREG:", URC_IGNORE, CALL_EV_NONE },
	{ "+CEREG:", URC_IGNORE, CALL_EV_NONE },
	{ "+CUSD:", URC_USSD, CALL_EV_NONE },
	{ "+CTZV:", URC_NETTIME, CALL_EV_NONE },
	{ "+CTZE:", URC_NETTIME, CALL_EV_NONE },
	{ "+CPIN:", URC_IGNORE, CALL_EV_NONE },
	{ "+CFUN:", URC_IGNORE, CALL_EV_NONE },
	{ "RDY", URC_IGNORE, CALL_EV_NONE },
	{ "SMS DONE", URC_IGNORE, CALL_EV_NONE },
	{ "PB DONE", URC_IGNORE, CALL_EV_NONE },
	{ "SMS Ready", URC_IGNORE, CALL_EV_NONE },
	{ "Call Ready", URC_IGNORE, CALL_EV_NONE },
	{ NULL, URC_NONE, CALL_EV_NONE },
};
static const struct profile_urc_rule urc_huawei[] = {
	{ "^ORIG:", URC_CALL, CALL_EV_ORIG },
	{ "^CONF:", URC_CALL, CALL_EV_RINGING },
	{ "^CONN:", URC_CALL, CALL_EV_ANSWERED },
	{ "^CEND:", URC_CALL, CALL_EV_ENDED },
	{ "^RSSI:", URC_IGNORE, CALL_EV_NONE },
	{ "^HCSQ:", URC_IGNORE, CALL_EV_NONE },
	{ "^BOOT:", URC_IGNORE, CALL_EV_NONE },
	{ "^MODE:", URC_IGNORE, CALL_EV_NONE },
	{ "^SRVST:", URC_IGNORE, CALL_EV_NONE },
	{ "^SIMST:", URC_IGNORE, CALL_EV_NONE },
	{ "^DSFLOWRPT:", URC_IGNORE, CALL_EV_NONE },
	{ "^SYSSTART", URC_IGNORE, CALL_EV_NONE },
	{ NULL, URC_NONE, CALL_EV_NONE },
};
static const struct profile_urc_rule urc_simcom[] = {
	{ "VOICE CALL: BEGIN", URC_CALL, CALL_EV_ANSWERED },
	{ "VOICE CALL: END", URC_CALL, CALL_EV_ENDED },
	{ "+RXDTMF:", URC_DTMF, CALL_EV_NONE },
	{ "MISSED_CALL:", URC_MISSED, CALL_EV_NONE },
	{ "+CPCMREG:", URC_IGNORE, CALL_EV_NONE },
	{ "*PSUTTZ:", URC_NETTIME, CALL_EV_NONE },
	{ "DST:", URC_IGNORE, CALL_EV_NONE },
	{ NULL, URC_NONE, CALL_EV_NONE },
};
static const struct profile_urc_rule urc_quectel[] = {
	{ "+QIND: \"ccinfo\"", URC_CALL, CALL_EV_STATE },
	{ "+QTONEDET:", URC_DTMF, CALL_EV_NONE },
	{ "+QIND:", URC_IGNORE, CALL_EV_NONE },
	{ "+QUSIM:", URC_IGNORE, CALL_EV_NONE },
	{ NULL, URC_NONE, CALL_EV_NONE },
};

static const char *const audio_on_huawei[] = { "AT^DDSETEX=2", NULL };
static const char *const audio_on_simcom[] = { "AT+CPCMREG=1", NULL };
static const char *const audio_off_simcom[] = { "AT+CPCMREG=0", NULL };
static const char *const audio_on_quectel[] = { "AT+QPCMV=1,0", NULL };
static const char *const audio_off_quectel[] = { "AT+QPCMV=0", NULL };
static const char *const none[] = { NULL };

static const struct profile profiles[] = {
	[FAMILY_GENERIC] = { "generic", init_generic, NULL, none, none, AUDIO_AS_IS, AUDIO_AS_IS, NULL },
	[FAMILY_HUAWEI] = { "huawei", init_huawei, urc_huawei, audio_on_huawei, none, AUDIO_AFTER_DIAL,
			    AUDIO_AFTER_DIAL, NULL },
	[FAMILY_SIMCOM] = { "simcom", init_simcom, urc_simcom, audio_on_simcom, audio_off_simcom, AUDIO_ON_ANSWER,
			    AUDIO_ON_ANSWER, "MISSED_CALL:" },
	[FAMILY_QUECTEL] = { "quectel", init_quectel, urc_quectel, audio_on_quectel, audio_off_quectel,
			     AUDIO_BEFORE_DIAL, AUDIO_BEFORE_DIAL, NULL },
};

_Static_assert(ARRAY_LEN(profiles) == FAMILY_N, "one profiles[] row per enum modem_family");

const struct profile *profile_for(int family)
{
	if (family < 0 || family >= (int)ARRAY_LEN(profiles))
		family = FAMILY_GENERIC;
	return &profiles[family];
}

const char *profile_name(int family)
{
	if (family < 0 || family >= (int)ARRAY_LEN(profiles))
		return "?";
	return profiles[family].name;
}

int profile_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(profiles); i++)
		if (util_streq_ci(name, profiles[i].name))
			return (int)i;
	return -1;
}

static enum at_urc_kind match_rules(const struct profile_urc_rule *r, const char *line, enum at_call_ev *ev)
{
	for (; r && r->prefix; r++) {
		if (strncmp(line, r->prefix, strlen(r->prefix)) == 0) {
			*ev = r->call_ev;
			return r->kind;
		}
	}
	return URC_NONE;
}

enum at_urc_kind profile_urc(const struct profile *p, const char *line, enum at_call_ev *ev)
{
	enum at_call_ev dummy;
	if (!ev)
		ev = &dummy;
	*ev = CALL_EV_NONE;
	enum at_urc_kind k = p ? match_rules(p->urcs, line, ev) : URC_NONE;
	return k != URC_NONE ? k : match_rules(urc_common, line, ev);
}
