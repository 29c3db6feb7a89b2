/* config — the INI configuration, as one table of keys.
 *
 * Every key lives in one row of the table in config.c: section, name, type,
 * bounds, default and a one-line doc.  Defaults are applied by parsing the
 * default string through the same setter as the file, so a default can never
 * be a value the file would refuse.  Errors name `file:line: section.key:`.
 * Relative paths are taken relative to the directory of the config file. */
#ifndef LOA_CONFIG_H
#define LOA_CONFIG_H
#include "gateway/daemon.h" /* struct loa_modem_cfg */
#include "domain/callin.h"
#include "domain/inbox.h"
#include "domain/notice.h"
#include "web/web_page.h"
#include "tts/tts_config.h"

#include <limits.h>
#include <stddef.h>

struct loa_config {
	char path[PATH_MAX];     /* the file read, or "" for built-in defaults */

	/* [gateway] */
	char database[PATH_MAX];
	char village[128];
	int log_level;
	char spool[PATH_MAX];
	int notice_max_chars;
	int quiet_start;         /* minutes of day; quiet hours span start..end */
	int quiet_end;
	int daily_sms_parts;     /* whole-gateway daily cap; 0 = no cap */
	char admins[256];        /* E.164 numbers, comma-separated: alerts */
	int daily_report;        /* minute of day of the health SMS, -1 none */
	int alert_every_h;       /* one alert per problem per this */
	char backup_dir[PATH_MAX]; /* "": DIR-of-database/backup (config_backup_dir) */
	int backup_keep;         /* copies kept; 0: no daily copy, no rotation */
	int time_source;         /* enum time_source (gateway/daemon.h) */

	/* [sms] */
	int sms_encoding;        /* enum sms_encoding_policy */
	int sms_max_parts;
	int sms_part_cost;       /* đồng per part, for estimates */
	int sms_retries;
	int sms_retry_s;
	int sms_report_timeout_s;
	int sms_expire_h;
	int sms_resume_wait_s;
	int sms_pause_s;

	/* [voice] */
	int call_expire_h;
	int call_attempts;
	int call_retry_s;
	int ring_timeout_s;
	int call_repeats;
	int call_key_wait_s;
	int call_max_s;
	int call_replays;

	/* [tts] */
	char tts_voice[64];
	int tts_rate, tts_pitch, tts_word_gap, tts_volume;
	int tts_ngan;            /* 1: "ngàn" instead of "nghìn" */
	int tts_le;              /* 1: "lẻ" instead of "linh" */
	int tts_khong_tram;      /* 1: say "không trăm" for inner zero hundreds */
	char tts_cache[PATH_MAX];
	char tts_abbrev[PATH_MAX];
	char tts_loanwords[PATH_MAX];
	char tts_prompts[PATH_MAX];

	/* [web] */
	char web_listen[64];
	int web_session_min;
	char web_hosts[512];     /* more Host names the page answers to */

	/* [shortcode] */
	int sc_confirm_s;
	int sc_max_wrong;
	int sc_reply_per_hour;
	int sc_command_per_hour;
	int sc_forward_per_hour;
	int sc_lock_wrong;
	int sc_lock_window_s;
	char sc_forward_unknown[32];

	/* [callin] (gateway/drv_callin.c) */
	int ci_max_notices;
	int ci_unknown;          /* enum callin_unknown */
	int ci_answer;           /* enum callin_answer */
	int ci_callback_s;
	int ci_callback_min_gap_s;
	int ci_record_max_s;
	int ci_answer_rings;
	char ci_number[256];     /* E.164, comma-separated: the SIMs' own numbers */
	/* [hub] (issue 18: db/hub_store.h) */
	char hub_url[512];       /* libpq URI or key=value string; "" no hub */
	char hub_gateway_id[40]; /* this gateway's id at the hub; "" on the hub itself */
	char hub_credentials[PATH_MAX]; /* user = / password = file, mode 0600 */
	int hub_households;      /* 0 counts, 1 list (the opt-in household list) */
	int hub_sync_s;          /* the daemon's sync period (gateway/drv_hub.c) */

	struct loa_modem_cfg modems[LOA_MAX_MODEMS];
	int n_modems;
};

/* Fills `c` with every default.  Paths are relative to `base_dir`. */
void config_defaults(struct loa_config *c, const char *base_dir);
/* Parses INI text (for tests and fuzzing): 0 ok, -1 with `err` set to one
 * line "name:line: section.key: problem". */
int config_parse(struct loa_config *c, const char *name, const char *text,
		 const char *base_dir, char *err, unsigned errlen);
/* Loads -c FILE, else $LOA_CONFIG, else /etc/loa/loa.conf if it exists,
 * else defaults.  0 ok, -1 with `err`. */
int config_load(struct loa_config *c, const char *explicit_path, char *err, unsigned errlen);

const char *config_family_name(int family);

/* The narrow settings each lower module takes, filled from `c`: nobody
 * below the application copies or reads struct loa_config. */
void config_notice(const struct loa_config *c, struct notice_cfg *out);
void config_inbox(const struct loa_config *c, struct inbox_cfg *out);
/* [callin] with the quiet hours and [voice] key_wait_s/replays it uses. */
void config_callin(const struct loa_config *c, struct callin_cfg *out);
void config_web(const struct loa_config *c, struct web_cfg *out);
void config_tts(const struct loa_config *c, struct tts_config *out);
void config_daemon(const struct loa_config *c, struct daemon_cfg *out);
/* Where database copies go: [gateway] backup_dir, else a folder `backup`
 * beside the database. */
void config_backup_dir(const struct loa_config *c, char *out, size_t outlen);
/* Writes the whole key table with defaults and docs (used for the man page
 * and by a test that checks configs/loa.conf documents every key). */
void config_each_key(void (*fn)(const char *section, const char *key,
				const char *def, const char *doc, void *arg), void *arg);
#endif

/* Where shipped data (dictionaries, prompts) lives: $LOA_DATADIR, else the
 * compile-time LOA_DATADIR ($(PREFIX)/share/loa). */
const char *config_datadir(void);
/* Where the message catalogs are (<dir>/vi/LC_MESSAGES/loa.mo): LOA_LOCALEDIR,
 * else PREFIX/share/locale beside an installed binary, else locale/ beside a
 * binary in the build tree, else the compiled-in LOA_LOCALEDIR. */
const char *config_localedir(void);
