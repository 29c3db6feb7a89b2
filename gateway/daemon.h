/* daemon — `loa run`: the SMS delivery daemon (see daemon.c for the design). */
#ifndef LOA_DAEMON_H
#define LOA_DAEMON_H
#include "gateway/config.h"

#include <stdint.h>

struct store;

struct daemon_opts {
	int until_idle;        /* exit when nothing is due and nothing is in flight */
	int report_wait_s;     /* --until-idle: wait at most this long for +CDS reports */
	int idle_horizon_s;    /* --until-idle: queued retries due within this count as work */
	int no_modem_s;        /* --until-idle: give up when no modem is ready this long */
};
void daemon_opts_default(struct daemon_opts *o);

/* Runs until SIGTERM/SIGINT (or idle).  0 ok, 1 runtime failure. */
int daemon_run(const struct loa_config *cfg, struct store *st, const struct daemon_opts *o);

/* +CMS ERROR codes (3GPP TS 27.005 3.2.5 and TS 24.011/23.040 causes):
 * 1 when the code means the message itself can never go (bad number, barred,
 * invalid PDU), 0 when retrying later may work.  *text: a short English
 * reason for reports and logs. */
int daemon_cms_permanent(int code, const char **text);
/* Back-off before retry number `attempt` (1-based): retry_s * 2^(attempt-1),
 * capped at one day. */
int64_t daemon_retry_delay_s(int retry_s, int attempt);
#endif
