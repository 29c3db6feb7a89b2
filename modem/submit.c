/* submit — see submit.h.  Rows, in order of the questions asked:
 *
 *   answer        PDU handed over   verdict     why
 *   OK            yes               ACCEPTED
 *   OK            no                RETRY       an OK that cannot be ours
 *   +CMS n        -                 FAIL/RETRY  cms.c: permanent or not
 *   timeout       yes               UNCERTAIN   the network may have it
 *   timeout       no                RETRY       no prompt
 *   port lost     yes               UNCERTAIN
 *   port lost     no                RELEASE     (also when stopping)
 *   other         -                 RETRY       ERROR, +CME ERROR n, ... */
#include "modem/submit.h"

#include "modem/at.h"
#include "modem/cms.h"

#include <stdio.h>

const char *submit_verdict_name(enum submit_verdict v)
{
	static const char *const n[] = { "accepted", "retry", "fail", "uncertain", "release" };
	return (unsigned)v < sizeof n / sizeof n[0] ? n[v] : "?";
}

enum submit_verdict submit_outcome(const struct at_result *r, int stopping, char *cause, size_t causelen)
{
	const char *txt;
	cause[0] = '\0';
	switch (r->final) {
	case AT_R_OK:
		if (r->body_sent)
			return SUBMIT_ACCEPTED;
		snprintf(cause, causelen, "modem answered OK before the PDU was sent");
		return SUBMIT_RETRY;
	case AT_R_CMS: {
		int permanent = cms_permanent(r->code, &txt);
		snprintf(cause, causelen, "+CMS ERROR %d: %s", r->code, txt);
		return permanent ? SUBMIT_FAIL : SUBMIT_RETRY;
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
	case AT_R_CME:
		snprintf(cause, causelen, "modem answered +CME ERROR %d", r->code);
		return SUBMIT_RETRY;
	default:
		snprintf(cause, causelen, "modem answered %s", at_final_name(r->final));
		return SUBMIT_RETRY;
	}
}
