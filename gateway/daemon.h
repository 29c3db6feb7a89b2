/* daemon — `loa run`: the SMS delivery daemon (see daemon.c for the design). */
#ifndef LOA_DAEMON_H
#define LOA_DAEMON_H
#include "app/config.h"

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

/* Back-off before retry number `attempt` (1-based): retry_s * 2^(attempt-1),
 * capped at one day. */
int64_t daemon_retry_delay_s(int retry_s, int attempt);
#endif
