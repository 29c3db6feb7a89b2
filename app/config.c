/* config — see config.h.
 *
 * DESIGN: one static table (`keys`) is the configuration's whole contract.
 * A parse walks lines, finds the row for (section, key) and calls the row's
 * setter; the same setter applies defaults.  [modem NAME] sections repeat,
 * so their rows write into the current modem struct instead of the config. */
#include "app/config.h"

#include "base/log.h"
#include "base/phone.h"
#include "base/util.h"
#include "web/web_req.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum ktype { K_STR, K_PATH, K_INT, K_BOOL, K_ENUM, K_FAMILY, K_HHMM, K_LEVEL, K_HOSTS, K_PHONES };

struct key {
	const char *section; /* "modem" for [modem NAME] rows */
	const char *name;
	enum ktype type;
	size_t off, size;    /* into loa_config, or loa_modem_cfg for "modem" */
	long min, max;
	const char *const *enums;
	const char *def;
	const char *doc;
};

static const char *const enc_names[] = { "auto", "unicode", "ascii", NULL };
static const char *const time_src_names[] = { "auto", "system", "modem", NULL }; /* enum time_source */
static const char *const hub_hh_names[] = { "counts", "list", NULL };   /* hub_sync_cfg.household_list */
static const char *const unknown_names[] = { "latest", "reject", NULL };  /* enum callin_unknown */
static const char *const answer_names[] = { "answer", "callback", NULL }; /* enum callin_answer */

#define C(f) offsetof(struct loa_config, f), sizeof(((struct loa_config *)0)->f)
#define M(f) offsetof(struct loa_modem_cfg, f), sizeof(((struct loa_modem_cfg *)0)->f)

static const struct key keys[] = {
	{ "gateway", "database", K_PATH, C(database), 0, 0, NULL, "/var/lib/loa/loa.db",
	  "SQLite database (created mode 0600)" },
	{ "gateway", "village", K_STR, C(village), 1, 0, NULL, "Thôn",
	  "village name, used in call greetings and replies" },
	{ "gateway", "log_level", K_LEVEL, C(log_level), 0, 0, NULL, "info", "error|warn|info|debug" },
	{ "gateway", "spool", K_PATH, C(spool), 0, 0, NULL, "/var/lib/loa/spool",
	  "working files (rendered audio, call recordings)" },
	{ "gateway", "notice_max_chars", K_INT, C(notice_max_chars), 1, 5000, NULL, "1000",
	  "longest notice text accepted, in characters" },
	{ "gateway", "quiet_start", K_HHMM, C(quiet_start), 0, 0, NULL, "21:00",
	  "quiet hours start: non-urgent notices wait until quiet_end" },
	{ "gateway", "quiet_end", K_HHMM, C(quiet_end), 0, 0, NULL, "07:00", "quiet hours end" },
	{ "gateway", "daily_sms_parts", K_INT, C(daily_sms_parts), 0, 1000000, NULL, "2000",
	  "SMS parts the whole gateway may send per day (0 = no cap)" },
	{ "gateway", "admins", K_PHONES, C(admins), 0, 0, NULL, "",
	  "mobile numbers (comma list) that get one SMS when a modem is paused, a SIM is low or empty, the daemon restarted after a crash or the disk is nearly full" },
	{ "gateway", "daily_report", K_HHMM, C(daily_report), -1, 0, NULL, "",
	  "HH:MM: a short health SMS to the admins every day at this time (empty: none)" },
	{ "gateway", "alert_every_h", K_INT, C(alert_every_h), 1, 720, NULL, "12",
	  "the same problem is sent to the admins at most once in this many hours" },
	{ "gateway", "backup_dir", K_PATH, C(backup_dir), 0, 0, NULL, "",
	  "folder of the database copies (loa backup, and the daemon's daily copy); empty: a folder 'backup' beside the database" },
	{ "gateway", "backup_keep", K_INT, C(backup_keep), 0, 1000, NULL, "7",
	  "copies kept in backup_dir, the oldest removed; 0: the daemon makes no daily copy and loa backup removes none" },
	{ "gateway", "time_source", K_ENUM, C(time_source), 0, 0, time_src_names, "auto",
	  "auto|system|modem: where Loa takes the time from; auto uses the modems' network time when the system clock is before the build date, or not synchronised by NTP and off by more than 5 minutes" },

	{ "sms", "encoding", K_ENUM, C(sms_encoding), 0, 0, enc_names, "auto",
	  "auto: per household (accents=yes -> Unicode); unicode; ascii (strip accents)" },
	{ "sms", "max_parts", K_INT, C(sms_max_parts), 1, 10, NULL, "6",
	  "most parts one SMS may have" },
	{ "sms", "part_cost", K_INT, C(sms_part_cost), 0, 100000, NULL, "350",
	  "price of one SMS part in dong, for estimates" },
	{ "sms", "retries", K_INT, C(sms_retries), 0, 20, NULL, "3",
	  "transient-error retries per SMS delivery" },
	{ "sms", "retry_s", K_INT, C(sms_retry_s), 1, 86400, NULL, "60",
	  "first retry delay in seconds (doubles each time)" },
	{ "sms", "report_timeout_s", K_INT, C(sms_report_timeout_s), 60, 604800, NULL, "21600",
	  "a sent SMS counts as in progress this long while its status report is awaited; then, with no report, its household is listed as not reached" },
	{ "sms", "expire_h", K_INT, C(sms_expire_h), 1, 720, NULL, "48",
	  "a queued SMS not sent within this many hours becomes 'expired'" },
	{ "sms", "pause_s", K_INT, C(sms_pause_s), 1, 86400, NULL, "300",
	  "a modem whose SIM fails 3 submits in a row (no credit, barred, no network) is paused this long, doubling while it keeps failing (at most 12 times this); its deliveries go to the other modems" },
	{ "sms", "resume_wait_s", K_INT, C(sms_resume_wait_s), 1, 86400, NULL, "600",
	  "a multipart SMS finishes on the modem that started it (phones join parts per sender number); when that modem has not been ready for this long, the message is sent whole again from another modem" },

	{ "voice", "expire_h", K_INT, C(call_expire_h), 1, 720, NULL, "48",
	  "a queued call not placed within this many hours (no modem could call) becomes 'unreached', so the household is on the visit list" },
	{ "voice", "attempts", K_INT, C(call_attempts), 1, 10, NULL, "3",
	  "call attempts per household before 'unreached'" },
	{ "voice", "retry_s", K_INT, C(call_retry_s), 10, 86400, NULL, "600",
	  "delay between call attempts" },
	{ "voice", "ring_timeout_s", K_INT, C(ring_timeout_s), 5, 120, NULL, "30",
	  "hang up when not answered within this" },
	{ "voice", "repeats", K_INT, C(call_repeats), 1, 5, NULL, "2",
	  "times the notice is read in one call" },
	{ "voice", "key_wait_s", K_INT, C(call_key_wait_s), 2, 60, NULL, "6",
	  "wait this long for a key after 'press 1 / press 2' before saying thanks and hanging up" },
	{ "voice", "max_call_s", K_INT, C(call_max_s), 60, 7200, NULL, "900",
	  "hang up a call longer than this" },
	{ "voice", "replays", K_INT, C(call_replays), 0, 10, NULL, "3",
	  "times key 2 (hear it again) is honoured in one call" },

	{ "tts", "voice", K_STR, C(tts_voice), 1, 0, NULL, "vi", "espeak-ng voice" },
	{ "tts", "rate", K_INT, C(tts_rate), 80, 450, NULL, "145", "words per minute" },
	{ "tts", "pitch", K_INT, C(tts_pitch), 0, 100, NULL, "50", "base pitch 0-100" },
	{ "tts", "word_gap", K_INT, C(tts_word_gap), 0, 100, NULL, "0", "pause between words, 10 ms units" },
	{ "tts", "volume", K_INT, C(tts_volume), 10, 200, NULL, "100", "espeak-ng amplitude" },
	{ "tts", "ngan", K_BOOL, C(tts_ngan), 0, 1, NULL, "no", "say 'ngàn' instead of 'nghìn'" },
	{ "tts", "le", K_BOOL, C(tts_le), 0, 1, NULL, "no", "say 'lẻ' instead of 'linh' (105)" },
	{ "tts", "khong_tram", K_BOOL, C(tts_khong_tram), 0, 1, NULL, "yes",
	  "say 'không trăm' for an inner zero hundred (1.020)" },
	{ "tts", "cache", K_PATH, C(tts_cache), 0, 0, NULL, "/var/cache/loa/tts", "rendered speech cache" },
	{ "tts", "abbreviations", K_PATH, C(tts_abbrev), 0, 0, NULL, "",
	  "abbreviation dictionary (TAB-separated); empty: DATADIR/abbreviations.tsv" },
	{ "tts", "loanwords", K_PATH, C(tts_loanwords), 0, 0, NULL, "",
	  "loanword lexicon (TAB-separated); empty: DATADIR/loanwords.tsv" },
	{ "tts", "prompts", K_PATH, C(tts_prompts), 0, 0, NULL, "",
	  "call prompt templates and recordings; empty: DATADIR/prompts" },

	{ "web", "listen", K_STR, C(web_listen), 1, 0, NULL, "127.0.0.1:8080",
	  "address:port of the officers' page" },
	{ "web", "session_min", K_INT, C(web_session_min), 5, 10080, NULL, "480", "login lifetime, minutes" },
	{ "web", "hosts", K_HOSTS, C(web_hosts), 0, 0, NULL, "",
	  "more names or addresses the page may be opened by (comma list, e.g. loa.local, 192.168.1.10); besides these only the listen address, localhost, 127.0.0.1 and ::1 are answered" },

	{ "shortcode", "confirm_s", K_INT, C(sc_confirm_s), 60, 86400, NULL, "900",
	  "seconds a broadcast confirmation code stays valid" },
	{ "shortcode", "max_wrong", K_INT, C(sc_max_wrong), 1, 10, NULL, "3",
	  "wrong codes before a pending request is dropped" },
	{ "shortcode", "lock_wrong", K_INT, C(sc_lock_wrong), 1, 1000, NULL, "10",
	  "wrong codes from one sender within lock_window_s that lock it out until loa sender unlock" },
	{ "shortcode", "lock_window_s", K_INT, C(sc_lock_window_s), 60, 2592000, NULL, "86400",
	  "seconds over which wrong codes are counted for the lock-out" },
	{ "shortcode", "reply_per_hour", K_INT, C(sc_reply_per_hour), 1, 100, NULL, "10",
	  "most general replies (help, summaries, households) to one number per hour" },
	{ "shortcode", "command_per_hour", K_INT, C(sc_command_per_hour), 1, 200, NULL, "20",
	  "most replies about a registered sender's commands (codes, confirmations, refusals) per hour" },
	{ "shortcode", "forward_unknown", K_STR, C(sc_forward_unknown), 0, 0, NULL, "",
	  "phone to forward messages from unknown senders to (empty: keep only)" },
	{ "shortcode", "forward_per_hour", K_INT, C(sc_forward_per_hour), 1, 100, NULL, "10",
	  "most forwards of unknown senders' messages per hour, all senders together" },

	{ "callin", "max_notices", K_INT, C(ci_max_notices), 1, CALLIN_MAX_NOTICES, NULL, "3",
	  "a household that calls in hears at most this many of its unconfirmed notices, newest first" },
	{ "callin", "unknown", K_ENUM, C(ci_unknown), 0, 0, unknown_names, "latest",
	  "latest|reject: a caller whose number is no household's hears the latest public notice (no confirmation), or is not answered" },
	{ "callin", "answer", K_ENUM, C(ci_answer), 0, 0, answer_names, "answer",
	  "answer|callback: a household's call is answered, or let ring out and called back so the caller pays nothing" },
	{ "callin", "answer_rings", K_INT, C(ci_answer_rings), 1, 10, NULL, "3",
	  "a call is answered at this ring (RING repeats every 3-5 s), so a caller who rings once or twice and hangs up (a flash) pays nothing and is called back" },
	{ "callin", "callback_s", K_INT, C(ci_callback_s), 5, 3600, NULL, "120",
	  "a household's call that ends before it is answered (a flash) is called back within this many seconds (after quiet hours unless a notice for it is urgent)" },
	{ "callin", "callback_min_gap_s", K_INT, C(ci_callback_min_gap_s), 0, 86400, NULL, "600",
	  "at most one callback per household in this many seconds, however often it flashes" },
	{ "callin", "record_max_s", K_INT, C(ci_record_max_s), 10, 600, NULL, "120",
	  "longest notice the village head may record by phone, in seconds" },
	{ "callin", "number", K_PHONES, C(ci_number), 0, 0, NULL, "",
	  "the gateway's own number(s) (its SIMs'), that households call to hear a notice; the first is named in the SMS sent for a notice recorded by phone (empty: the SMS says to call back the number it came from)" },
	{ "hub", "url", K_STR, C(hub_url), 0, 0, NULL, "",
	  "the hub's PostgreSQL database, e.g. postgresql://hub.example.vn/loa_hub (empty: no hub); TLS with the certificate checked unless on this machine" },
	{ "hub", "gateway_id", K_STR, C(hub_gateway_id), 0, 0, NULL, "",
	  "this gateway's id at the hub (loa hub gateway add ID); empty on the hub itself" },
	{ "hub", "credentials", K_PATH, C(hub_credentials), 0, 0, NULL, "",
	  "file with the hub role's user = and password = lines, mode 0600 (empty: libpq's own, e.g. ~/.pgpass)" },
	{ "hub", "households", K_ENUM, C(hub_households), 0, 0, hub_hh_names, "counts",
	  "what a gateway tells the hub of its households: counts (the number only) or list (names, phones, addresses and groups, for the hub's visit lists)" },
	{ "hub", "sync_s", K_INT, C(hub_sync_s), 1, 86400, NULL, "30",
	  "with url and gateway_id set, loa run syncs with the hub every this many seconds (a separate loa hub sync --once process; longer waits while the hub is unreachable, up to 10 minutes); loa status says degraded when nothing was acknowledged for 10 times this" },

	{ "modem", "port", K_PATH, M(port), 0, 0, NULL, "", "AT command tty (required)" },
	{ "modem", "audio", K_PATH, M(audio), 0, 0, NULL, "", "PCM audio tty (empty: no calls)" },
	{ "modem", "family", K_FAMILY, M(family), 0, 0, NULL, "generic", "generic|huawei|simcom|quectel" },
	{ "modem", "pin", K_STR, M(pin), 0, 0, NULL, "", "SIM PIN, if the SIM asks for one" },
	{ "modem", "baud", K_INT, M(baud), 9600, 4000000, NULL, "115200", "serial speed" },
	{ "modem", "min_interval_ms", K_INT, M(min_interval_ms), 0, 600000, NULL, "0",
	  "least time between two SMS submits on this modem" },
	{ "modem", "daily_parts", K_INT, M(daily_parts), 0, 1000000, NULL, "0",
	  "SMS parts this SIM may send per day (0 = no cap)" },
	{ "modem", "enabled", K_BOOL, M(enabled), 0, 1, NULL, "yes", "set to no to leave the modem alone" },
	{ "modem", "balance_ussd", K_STR, M(balance_ussd), 0, 0, NULL, "",
	  "USSD code that asks the SIM's balance, e.g. *101# (empty: not checked)" },
	{ "modem", "low_balance", K_INT, M(low_balance), 0, 100000000, NULL, "10000",
	  "alert the admins when the balance is below this many dong" },
};

static int set_value(const struct key *k, void *base, const char *val, const char *dir,
		     char *why, size_t whylen)
{
	char *dst = (char *)base + k->off;
	long v;
	switch (k->type) {
	case K_HOSTS:
		if (!web_req_hosts_valid(val)) {
			snprintf(why, whylen, "'%s' is not a comma list of host names or IP addresses", val);
			return -1;
		}
		/* fall through */
	case K_STR:
		if (strlen(val) >= k->size) {
			snprintf(why, whylen, "value longer than %zu bytes", k->size - 1);
			return -1;
		}
		if (k->min > 0 && !*val) {
			snprintf(why, whylen, "must not be empty");
			return -1;
		}
		strcpy(dst, val);
		return 0;
	case K_PATH: {
		char tmp[PATH_MAX * 2];
		if (*val && val[0] != '/' && dir && *dir)
			snprintf(tmp, sizeof tmp, "%s/%s", dir, val);
		else
			snprintf(tmp, sizeof tmp, "%s", val);
		if (strlen(tmp) >= k->size) {
			snprintf(why, whylen, "path too long");
			return -1;
		}
		strcpy(dst, tmp);
		return 0;
	}
	case K_INT:
		if (util_parse_long(val, k->min, k->max, &v) != 0) {
			snprintf(why, whylen, "'%s' is not a whole number from %ld to %ld", val, k->min, k->max);
			return -1;
		}
		*(int *)dst = (int)v;
		return 0;
	case K_BOOL:
		if (util_streq_ci(val, "yes") || util_streq_ci(val, "true") || strcmp(val, "1") == 0 ||
		    util_streq_ci(val, "on"))
			*(int *)dst = 1;
		else if (util_streq_ci(val, "no") || util_streq_ci(val, "false") || strcmp(val, "0") == 0 ||
			 util_streq_ci(val, "off"))
			*(int *)dst = 0;
		else {
			snprintf(why, whylen, "'%s' is not yes or no", val);
			return -1;
		}
		return 0;
	case K_ENUM:
		for (int i = 0; k->enums[i]; i++)
			if (util_streq_ci(val, k->enums[i])) {
				*(int *)dst = i;
				return 0;
			}
		{
			struct sbuf b;
			sbuf_init(&b);
			for (int i = 0; k->enums[i]; i++)
				sbuf_printf(&b, "%s%s", i ? "|" : "", k->enums[i]);
			snprintf(why, whylen, "'%s' is not one of %s", val, b.s);
			sbuf_free(&b);
		}
		return -1;
	case K_FAMILY: /* the names are the rows of modem/profile.c */
		if ((v = profile_by_name(val)) >= 0) {
			*(int *)dst = (int)v;
			return 0;
		}
		{
			struct sbuf b;
			sbuf_init(&b);
			for (int i = 0; i < FAMILY_N; i++)
				sbuf_printf(&b, "%s%s", i ? "|" : "", profile_name(i));
			snprintf(why, whylen, "'%s' is not one of %s", val, b.s);
			sbuf_free(&b);
		}
		return -1;
	case K_PHONES: { /* comma list of mobile numbers, stored as E.164 */
		char copy[1024], out[512] = "";
		if (strlen(val) >= sizeof copy) {
			snprintf(why, whylen, "list too long");
			return -1;
		}
		strcpy(copy, val);
		for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			t = util_trim(t);
			if (!*t)
				continue;
			struct phone ph;
			if (phone_normalise(t, &ph) != PHONE_MOBILE) {
				snprintf(why, whylen, "'%s' is not a mobile number", t);
				return -1;
			}
			if (strlen(out) + strlen(ph.e164) + 2 > sizeof out || strlen(out) + strlen(ph.e164) + 2 > k->size) {
				snprintf(why, whylen, "list too long");
				return -1;
			}
			if (*out)
				strcat(out, ",");
			strcat(out, ph.e164);
		}
		strcpy(dst, out);
		return 0;
	}
	case K_HHMM:
		if (k->min < 0 && !*val) { /* optional: empty is "none" */
			*(int *)dst = -1;
			return 0;
		}
		if ((v = util_parse_hhmm(val)) < 0) {
			snprintf(why, whylen, "'%s' is not a time HH:MM", val);
			return -1;
		}
		*(int *)dst = (int)v;
		return 0;
	case K_LEVEL:
		if ((v = log_level_parse(val)) < 0) {
			snprintf(why, whylen, "'%s' is not error|warn|info|debug", val);
			return -1;
		}
		*(int *)dst = (int)v;
		return 0;
	}
	return -1;
}

static void apply_defaults(const char *section, void *base, const char *dir)
{
	char why[256];
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if ((strcmp(section, "modem") == 0) != (strcmp(keys[i].section, "modem") == 0))
			continue;
		if (set_value(&keys[i], base, keys[i].def, dir, why, sizeof why) != 0) {
			fprintf(stderr, "loa: bad built-in default %s.%s: %s\n", keys[i].section,
				keys[i].name, why);
			abort();
		}
	}
}

void config_defaults(struct loa_config *c, const char *base_dir)
{
	memset(c, 0, sizeof *c);
	apply_defaults("", c, base_dir);
}

static const struct key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int known_section(const char *s)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].section, s) == 0)
			return 1;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) >= LOA_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return 0;
	return 1;
}

#define FAIL(...)                                             \
	do {                                                  \
		snprintf(err, errlen, __VA_ARGS__);           \
		free(copy);                                   \
		return -1;                                    \
	} while (0)

int config_parse(struct loa_config *c, const char *name, const char *text, const char *base_dir,
		 char *err, unsigned errlen)
{
	char *copy = xstrdup(text);
	char section[64] = "";
	struct loa_modem_cfg *modem = NULL;
	int lineno = 0;
	char *save = NULL;
	char *p = copy;
	/* A UTF-8 BOM at the start is allowed (Notepad writes one). */
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	for (char *line = p; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		char *s = util_trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end || *util_trim(end + 1))
				FAIL("%s:%d: section header must look like [name]", name, lineno);
			*end = '\0';
			char *sec = util_trim(s + 1);
			modem = NULL;
			if (strncmp(sec, "modem", 5) == 0 && (sec[5] == ' ' || sec[5] == '\t' || !sec[5])) {
				char *mname = util_trim(sec + 5);
				if (!valid_name(mname))
					FAIL("%s:%d: [modem NAME]: NAME must be 1-31 letters, digits, '-' or '_'",
					     name, lineno);
				for (int i = 0; i < c->n_modems; i++)
					if (strcmp(c->modems[i].name, mname) == 0)
						FAIL("%s:%d: [modem %s]: modem defined twice (first at line %d)",
						     name, lineno, mname, c->modems[i].line);
				if (c->n_modems >= LOA_MAX_MODEMS)
					FAIL("%s:%d: [modem %s]: at most %d modems", name, lineno, mname,
					     LOA_MAX_MODEMS);
				modem = &c->modems[c->n_modems++];
				memset(modem, 0, sizeof *modem);
				apply_defaults("modem", modem, base_dir);
				snprintf(modem->name, sizeof modem->name, "%s", mname);
				modem->line = lineno;
				snprintf(section, sizeof section, "modem");
			} else {
				if (strcmp(sec, "modem") == 0 || !known_section(sec))
					FAIL("%s:%d: unknown section [%s]", name, lineno, sec);
				snprintf(section, sizeof section, "%s", sec);
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq)
			FAIL("%s:%d: expected 'key = value'", name, lineno);
		*eq = '\0';
		char *key = util_trim(s);
		char *val = util_trim(eq + 1);
		if (!*section)
			FAIL("%s:%d: %s: key outside any section", name, lineno, key);
		const struct key *k = find_key(section, key);
		const char *secname = modem ? modem->name : section;
		if (!k)
			FAIL("%s:%d: %s%s.%s: unknown key", name, lineno, modem ? "modem " : "", secname, key);
		char why[300];
		if (set_value(k, modem ? (void *)modem : (void *)c, val, base_dir, why, sizeof why) != 0)
			FAIL("%s:%d: %s%s.%s: %s", name, lineno, modem ? "modem " : "", secname, key, why);
	}
	for (int i = 0; i < c->n_modems; i++)
		if (!c->modems[i].port[0])
			FAIL("%s:%d: modem %s.port: required", name, c->modems[i].line, c->modems[i].name);
	free(copy);
	return 0;
}

int config_load(struct loa_config *c, const char *explicit_path, char *err, unsigned errlen)
{
	const char *path = explicit_path;
	if (!path || !*path)
		path = getenv("LOA_CONFIG");
	int must_exist = path && *path;
	if (!must_exist)
		path = "/etc/loa/loa.conf";
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	struct stat st;
	if (stat(path, &st) != 0) {
		if (must_exist) {
			snprintf(err, errlen, "%s: cannot read config: %s", path, strerror(errno));
			return -1;
		}
		config_defaults(c, NULL);
		return 0;
	}
	/* who can write the config can make the daemon send anything to anyone
	 * (and point its database anywhere): refuse, do not just warn */
	struct stat dst;
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen, "%s: the config is world-writable (anyone could change it); run: chmod o-w %s",
			 path, path);
		return -1;
	}
	if (stat(dir, &dst) == 0 && (dst.st_mode & S_IWOTH) && !(dst.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "%s: its folder %s is world-writable (anyone could replace the config); run: chmod o-w %s",
			 path, dir, dir);
		return -1;
	}
	char *text = util_read_file(path, NULL);
	if (!text) {
		int e = errno;
		/* an officer's own login on an installed box (0640 root:loa) */
		snprintf(err, errlen, "%s: cannot read config: %s%s", path, strerror(e),
			 e == EACCES ? " (run loa as its user: sudo -u loa loa ...; see README, Install)" : "");
		return -1;
	}
	config_defaults(c, dir);
	int rc = config_parse(c, path, text, dir, err, errlen);
	free(text);
	if (rc == 0) {
		snprintf(c->path, sizeof c->path, "%s", path);
		if (st.st_mode & S_IROTH)
			LOG_W("config", "%s is world-readable; run: chmod o-r %s", path, path);
	}
	return rc;
}

const char *config_family_name(int family)
{
	return profile_name(family);
}

void config_each_key(void (*fn)(const char *, const char *, const char *, const char *, void *),
		     void *arg)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		fn(keys[i].section, keys[i].name, keys[i].def, keys[i].doc, arg);
}

#ifndef LOA_DATADIR
#define LOA_DATADIR "/usr/local/share/loa"
#endif
/* $LOA_DATADIR; else share/loa beside the running binary's bin/ (so an
 * install under any PREFIX finds its data without a rebuild); else, for a
 * binary not installed (build/loa, build-san/loa), the source tree's
 * configs/ beside its build folder; else the compile-time default.  A
 * folder counts only if it holds the dictionary, so a stray share/loa or
 * configs/ without Loa's data is passed over. */
/* A folder of shipped files: $ENV, else the first of `rel` (relative to
 * the binary's folder: installed, or the build tree) that holds `probe`,
 * else the compiled-in default.  Found once per process. */
static const char *find_dir(char *found, size_t n, const char *env, const char *const *rel, size_t nrel,
			    const char *probe, const char *fallback)
{
	const char *e = getenv(env);
	if (e && *e)
		return e;
	if (!found[0]) {
		char exe[PATH_MAX];
		ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
		char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
		if (slash) {
			*slash = '\0';
			for (size_t i = 0; i < nrel && !found[0]; i++) {
				snprintf(found, n, "%.*s%s", (int)(n - 64), exe, rel[i]);
				char p[PATH_MAX + 64];
				struct stat st;
				snprintf(p, sizeof p, "%s/%s", found, probe);
				if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
					found[0] = '\0';
			}
		}
		if (!found[0])
			snprintf(found, n, "%s", fallback);
	}
	return found;
}

const char *config_datadir(void)
{
	static char found[PATH_MAX];
	static const char *const rel[] = { "/../share/loa", "/../configs" };
	return find_dir(found, sizeof found, "LOA_DATADIR", rel, ARRAY_LEN(rel), "abbreviations.tsv", LOA_DATADIR);
}

const char *config_localedir(void)
{
	static char found[PATH_MAX];
	/* installed (PREFIX/bin -> PREFIX/share/locale), or the build tree */
	static const char *const rel[] = { "/../share/locale", "/locale" };
	return find_dir(found, sizeof found, "LOA_LOCALEDIR", rel, ARRAY_LEN(rel), "vi/LC_MESSAGES/loa.mo",
			LOA_LOCALEDIR);
}

void config_notice(const struct loa_config *c, struct notice_cfg *out)
{
	memset(out, 0, sizeof *out);
	out->max_chars = c->notice_max_chars;
	out->daily_sms_parts = c->daily_sms_parts;
	out->sms_encoding = c->sms_encoding;
	out->sms_max_parts = c->sms_max_parts;
	out->sms_part_cost = c->sms_part_cost;
	out->call_repeats = c->call_repeats;
	out->tts_rate = c->tts_rate;
	for (int i = 0; i < c->n_modems; i++) {
		if (!c->modems[i].enabled || !c->modems[i].audio[0])
			continue;
		out->voice_modems++;
		size_t l = strlen(out->voice_names);
		snprintf(out->voice_names + l, sizeof out->voice_names - l, "%s%s", l ? "," : "", c->modems[i].name);
	}
}

void config_inbox(const struct loa_config *c, struct inbox_cfg *out)
{
	memset(out, 0, sizeof *out);
	config_notice(c, &out->notice);
	out->confirm_s = c->sc_confirm_s;
	out->max_wrong = c->sc_max_wrong;
	out->reply_per_hour = c->sc_reply_per_hour;
	out->command_per_hour = c->sc_command_per_hour;
	out->forward_per_hour = c->sc_forward_per_hour;
	out->lock_wrong = c->sc_lock_wrong;
	out->lock_window_s = c->sc_lock_window_s;
	snprintf(out->forward_unknown, sizeof out->forward_unknown, "%s", c->sc_forward_unknown);
}

void config_callin(const struct loa_config *c, struct callin_cfg *out)
{
	memset(out, 0, sizeof *out);
	out->max_notices = c->ci_max_notices;
	out->unknown = c->ci_unknown;
	out->answer = c->ci_answer;
	out->answer_rings = c->ci_answer_rings;
	out->callback_s = c->ci_callback_s;
	out->callback_min_gap_s = c->ci_callback_min_gap_s;
	out->record_max_s = c->ci_record_max_s;
	snprintf(out->numbers, sizeof out->numbers, "%s", c->ci_number);
	snprintf(out->village, sizeof out->village, "%s", c->village);
	snprintf(out->spool, sizeof out->spool, "%s", c->spool);
	out->key_wait_s = c->call_key_wait_s;
	out->replays = c->call_replays;
	out->quiet_start = c->quiet_start;
	out->quiet_end = c->quiet_end;
}

void config_web(const struct loa_config *c, struct web_cfg *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->listen, sizeof out->listen, "%s", c->web_listen);
	snprintf(out->hosts, sizeof out->hosts, "%s", c->web_hosts);
	out->session_min = c->web_session_min;
	out->report_wait_s = c->sms_report_timeout_s;
	snprintf(out->village, sizeof out->village, "%s", c->village);
	config_notice(c, &out->notice);
	snprintf(out->hub_url, sizeof out->hub_url, "%s", c->hub_url);
	snprintf(out->hub_credentials, sizeof out->hub_credentials, "%s", c->hub_credentials);
	out->hub_sync_s = c->hub_sync_s;
}

void config_tts(const struct loa_config *c, struct tts_config *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->voice, sizeof out->voice, "%s", c->tts_voice);
	out->rate = c->tts_rate;
	out->pitch = c->tts_pitch;
	out->word_gap = c->tts_word_gap;
	out->volume = c->tts_volume;
	out->ngan = c->tts_ngan;
	out->le = c->tts_le;
	out->khong_tram = c->tts_khong_tram;
	snprintf(out->cache, sizeof out->cache, "%s", c->tts_cache);
	snprintf(out->abbrev, sizeof out->abbrev, "%s", c->tts_abbrev);
	snprintf(out->loanwords, sizeof out->loanwords, "%s", c->tts_loanwords);
	snprintf(out->prompts, sizeof out->prompts, "%s", c->tts_prompts);
	snprintf(out->village, sizeof out->village, "%s", c->village);
	snprintf(out->datadir, sizeof out->datadir, "%s", config_datadir());
}

void config_backup_dir(const struct loa_config *c, char *out, size_t outlen)
{
	if (c->backup_dir[0]) {
		snprintf(out, outlen, "%s", c->backup_dir);
		return;
	}
	const char *slash = strrchr(c->database, '/');
	if (!slash)
		snprintf(out, outlen, "backup");
	else
		snprintf(out, outlen, "%.*s/backup", (int)(slash - c->database), c->database);
}

void config_daemon(const struct loa_config *c, struct daemon_cfg *out)
{
	memset(out, 0, sizeof *out);
	out->pol = (struct daemon_policy){
		.sms_retries = c->sms_retries, .sms_retry_s = c->sms_retry_s, .sms_max_parts = c->sms_max_parts,
		.sms_expire_h = c->sms_expire_h, .sms_resume_wait_s = c->sms_resume_wait_s,
		.quiet_start = c->quiet_start, .quiet_end = c->quiet_end, .daily_sms_parts = c->daily_sms_parts,
		.call_attempts = c->call_attempts, .call_retry_s = c->call_retry_s,
		.ring_timeout_s = c->ring_timeout_s, .call_key_wait_s = c->call_key_wait_s,
		.call_max_s = c->call_max_s, .call_repeats = c->call_repeats, .call_replays = c->call_replays,
	};
	out->pol.call_expire_h = c->call_expire_h;
	out->pol.sms_pause_s = c->sms_pause_s;
	snprintf(out->health.admins, sizeof out->health.admins, "%s", c->admins);
	out->health.daily_report = c->daily_report;
	out->health.alert_every_h = c->alert_every_h;
	config_backup_dir(c, out->health.backup_dir, sizeof out->health.backup_dir);
	out->health.backup_keep = c->backup_keep;
	out->health.time_source = c->time_source;
	snprintf(out->health.village, sizeof out->health.village, "%s", c->village);
	{
		char *dir = xstrdup(c->database);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		snprintf(out->health.data_dir, sizeof out->health.data_dir, "%s", slash ? (*dir ? dir : "/") : ".");
		free(dir);
	}
	config_tts(c, &out->tts);
	config_inbox(c, &out->inbox);
	config_callin(c, &out->callin);
	memcpy(out->modems, c->modems, sizeof out->modems);
	out->n_modems = c->n_modems;
	/* the daemon syncs only as a gateway of a hub (gateway/drv_hub.c) */
	out->hub.sync_s = c->hub_url[0] && c->hub_gateway_id[0] ? c->hub_sync_s : 0;
	snprintf(out->hub.config, sizeof out->hub.config, "%s", c->path);
}
