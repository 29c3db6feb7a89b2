/* submit — see submit.h.  Rows, in order of the questions asked:
 *
 *   answer        PDU handed over   verdict     why
 *   OK            yes               ACCEPTED
 *   OK            no                RETRY       an OK that cannot be ours
 *   +CMS n        -                 SIM         cms.c: the SIM's (no credit...)
 *   +CMS n        -                 FAIL/RETRY  cms.c: else permanent or not
 *   timeout       yes               UNCERTAIN   the network may have it
 *   timeout       no                RETRY       no prompt
 *   port lost     yes               UNCERTAIN
 *   port lost     no                RELEASE     (also when stopping)
 *   +CME n        -                 SIM         cms.c: the SIM's (no SIM, PIN...)
 *   other         -                 RETRY       ERROR, other +CME ERROR n, ...
 *
 * SUBMIT_SIM comes before the PDU question on purpose: an error answer
 * means the network did not take the part, whether the body went out or
 * not. */
#include "modem/submit.h"

#include "modem/at.h"
#include "modem/cms.h"

#include <stdio.h>

const char *submit_verdict_name(enum submit_verdict v)
{
	static const char *const n[] = { "accepted", "retry", "fail", "uncertain", "release", "sim" };
	return (unsigned)v < sizeof n / sizeof n[0] ? n[v] : "?";
}

enum submit_verdict submit_outcome(const struct at_result *r, int stopping, char *cause, size_t causelen)
{
	cause[0] = '\0';
	switch (r->final) {
	case AT_R_OK:
		if (r->body_sent)
			return SUBMIT_ACCEPTED;
		snprintf(cause, causelen, "modem answered OK before the PDU was sent");
		return SUBMIT_RETRY;
	case AT_R_CMS: {
		struct cause c = cms_cause(r->code);
		snprintf(cause, causelen, "+CMS ERROR %d: %s", r->code, c.text);
		if (c.owner == CAUSE_SIM)
			return SUBMIT_SIM;
		return c.permanent ? SUBMIT_FAIL : SUBMIT_RETRY;
	}
	case AT_R_TIMEOUT:
		if (r->body_sent) {
			snprintf(cause, causelen, "no answer from the modem after the message was handed over; not re-sent");
			return SUBMIT_UNCERTAIN;
		}
		snprintf(cause, causelen, "no prompt from the modem");
		return SUBMIT_RETRY;
	case AT_R_LOST:
		if (r->body_sent) {
			snprintf(cause, causelen, "modem port lost after the message was handed over; not re-sent");
			return SUBMIT_UNCERTAIN;
		}
		snprintf(cause, causelen, "%s", stopping ? "daemon stopping" : "modem port lost before sending");
		return SUBMIT_RELEASE;
	case AT_R_CME: {
		struct cause c = cme_cause(r->code);
		snprintf(cause, causelen, "modem answered +CME ERROR %d: %s", r->code, c.text);
		return c.owner == CAUSE_SIM ? SUBMIT_SIM : SUBMIT_RETRY;
	}
	default:
		snprintf(cause, causelen, "modem answered %s", at_final_name(r->final));
		return SUBMIT_RETRY;
	}
}
