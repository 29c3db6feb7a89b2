/* daemon — `loa run`: the SMS delivery daemon (see daemon.c for the design). */
#ifndef LOA_DAEMON_H
#define LOA_DAEMON_H
#include "domain/callin.h"
#include "domain/inbox.h"
#include "modem/profile.h" /* enum modem_family */
#include "tts/tts_config.h"

#include <limits.h>

#include <stdint.h>

struct store;

#define LOA_MAX_MODEMS 16
#define LOA_NAME_MAX 32

struct loa_modem_cfg {
	char name[LOA_NAME_MAX];
	char port[PATH_MAX];     /* AT tty */
	char audio[PATH_MAX];    /* PCM tty; empty: this modem places no calls */
	int family;              /* enum modem_family */
	char pin[16];
	int baud;
	int min_interval_ms;     /* pacing between two SMS submits */
	int daily_parts;         /* per-SIM daily SMS-part budget; 0 = no cap */
	int enabled;
	char balance_ussd[24];   /* "*101#", "" = no balance checks */
	int low_balance;         /* đồng */
	int line;                /* where the section starts, for messages */
};

/* The policy numbers the loop, the scheduler and the drivers read. */
struct daemon_policy {
	int sms_retries, sms_retry_s, sms_max_parts, sms_expire_h, sms_resume_wait_s;
	int sms_pause_s;                /* a SIM-level pause, doubling up to 12 times this */
	int quiet_start, quiet_end;     /* minutes of day */
	int daily_sms_parts;            /* gateway budget, 0 = no cap */
	int call_attempts, call_retry_s, call_expire_h;
	int ring_timeout_s, call_key_wait_s, call_max_s, call_repeats, call_replays;
};

/* [gateway] time_source (gateway/drv_time.c): auto takes the modems' network
 * time when the system clock is implausible (before the build date) or not
 * NTP-synchronised and more than 5 minutes off it; system never; modem
 * always (when a modem knows it). */
enum time_source { TIME_AUTO, TIME_SYSTEM, TIME_MODEM };

/* Watching itself: whom to tell, when, and where the data lives. */
struct daemon_health_cfg {
	char admins[256];               /* E.164 numbers, comma-separated ("" = nobody) */
	int daily_report;               /* minute of day of the health SMS, -1 none */
	int alert_every_h;              /* one alert per problem per this */
	char village[128];
	char data_dir[PATH_MAX];        /* the database's folder: its disk is watched */
	char backup_dir[PATH_MAX];      /* the daily copy goes here ... */
	int backup_keep;                /* ... keeping this many; 0: no daily copy */
	int time_source;                /* enum time_source */
};

/* [hub]: the daemon's own sync with its hub (gateway/drv_hub.c). */
struct daemon_hub_cfg {
	int sync_s;                     /* seconds between syncs; 0: no hub (url or gateway_id unset) */
	char config[PATH_MAX];          /* the configuration file the sync process reads ("" default) */
};

/* What the daemon reads from the configuration; config_daemon() fills it. */
struct daemon_cfg {
	struct daemon_policy pol;
	struct daemon_health_cfg health;
	struct tts_config tts;          /* speech for calls */
	struct inbox_cfg inbox;         /* the short-code policy for SMS in */
	struct callin_cfg callin;       /* [callin]: calls from villagers, callbacks */
	struct daemon_hub_cfg hub;      /* [hub] */
	struct loa_modem_cfg modems[LOA_MAX_MODEMS];
	int n_modems;
};

struct daemon_opts {
	int until_idle;        /* exit when nothing is due and nothing is in flight */
	int report_wait_s;     /* --until-idle: wait at most this long for +CDS reports */
	int idle_horizon_s;    /* --until-idle: queued retries due within this count as work */
	int no_modem_s;        /* --until-idle: give up when no modem is ready this long */
};
void daemon_opts_default(struct daemon_opts *o);

/* Runs until SIGTERM/SIGINT (or idle).  0 ok, 1 runtime failure. */
int daemon_run(const struct daemon_cfg *cfg, struct store *st, const struct daemon_opts *o);

/* Back-off before retry number `attempt` (1-based): retry_s * 2^(attempt-1),
 * capped at one day. */
int64_t daemon_retry_delay_s(int retry_s, int attempt);

/* The wait before the next hub sync after `failures` failed ones in a row
 * (gateway/drv_hub.c): sync_s, doubling with each failure up to
 * HUB_BACKOFF_MAX_S (or sync_s when that is longer). */
#define HUB_BACKOFF_MAX_S 600
int64_t daemon_hub_delay_s(int sync_s, int failures);
#endif
