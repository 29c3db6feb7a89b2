/* cms — the cause table for +CMS ERROR (27.005) and +CME ERROR (27.007)
 * answers: whose fault a failure is, whether the message can ever go, and
 * the reason in English (logs, reports) and in Vietnamese (officers).
 * See cms.c for the table itself. */
#ifndef LOA_CMS_H
#define LOA_CMS_H

/* Whose fault a failed submit is. */
enum cause_owner {
	CAUSE_TRANSIENT, /* nobody's for long: the modem or the network hiccuped; retry the same delivery */
	CAUSE_HOUSEHOLD, /* the number: unassigned, barred, unknown subscriber, phone unreachable */
	CAUSE_SIM,       /* our SIM, account or network: no credit, barred SIM, no SIM/PIN/PUK, no
			  * network; not the household's fault: back to the queue, pause the modem */
	CAUSE_MESSAGE,   /* the message as Loa built it (bad PDU, unsupported coding): not the household's */
};

/* One row of the table (a copy, so unlisted codes get a row too). */
struct cause {
	int code;
	int cme;       /* 1: a +CME ERROR code, 0: +CMS ERROR */
	enum cause_owner owner;
	int permanent; /* 1: the delivery fails at once (retrying this message cannot help) */
	const char *text; /* short English reason */
	const char *vi;   /* the phrase officers read */
};

/* The row for +CMS ERROR `code` / +CME ERROR `code`; unlisted codes get a
 * generic row by range (never fails). */
struct cause cms_cause(int code);
struct cause cme_cause(int code);
enum cause_owner cms_owner(int code);
enum cause_owner cme_owner(int code);
/* "transient", "household", "sim", "message". */
const char *cause_owner_name(enum cause_owner o);

/* 1 when the code means the message itself can never go (bad number,
 * barred, invalid PDU), 0 when retrying later may work.  *text: a short
 * English reason for reports and logs.  Same answers as before the owner
 * column existed, except TP causes 0xC3/0xC4 (see cms.c). */
int cms_permanent(int code, const char **text);

/* Walks the listed rows (tests, docs): returns the i-th or NULL past the end. */
const struct cause *cms_row(unsigned i);
#endif
