/* submit — what the modem's answer to one AT+CMGS means for the delivery:
 * the most safety-critical decision of sending (re-sending what the phone
 * may already hold would be a duplicate; giving up on what a retry would
 * deliver loses a household).  A pure function of the answer, tested as a
 * table. */
#ifndef LOA_SUBMIT_H
#define LOA_SUBMIT_H
#include <stddef.h>

struct at_result;

enum submit_verdict {
	SUBMIT_ACCEPTED,   /* the network took the part (+CMGS: mr, OK) */
	SUBMIT_RETRY,      /* not sent, a later try may work: queued with back-off */
	SUBMIT_FAIL,       /* not sent, and never will be (bad number, barred, bad PDU) */
	SUBMIT_UNCERTAIN,  /* the PDU went out but the answer was lost: never re-sent */
	SUBMIT_RELEASE,    /* not sent, not the message's fault (port gone, stopping):
			    * back to the queue at once, the attempt not counted */
	SUBMIT_SIM,        /* not sent, and the SIM's, account's or network's fault, not
			    * the household's (no credit, barred SIM, no SIM/PIN, no
			    * network; cms.c CAUSE_SIM): back to the queue, pause the modem */
};
const char *submit_verdict_name(enum submit_verdict v);

/* The verdict on `r`; `cause` gets the reason in words (empty when
 * accepted).  `stopping`: the daemon is shutting down. */
enum submit_verdict submit_outcome(const struct at_result *r, int stopping, char *cause, size_t causelen);
#endif
