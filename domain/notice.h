/* notice — composing a notice: validating its text, counting SMS parts and
 * cost, estimating call time, and creating it with its deliveries.  Used by
 * `loa notice`, the web page and SMS short codes, so every path previews
 * and creates notices the same way. */
#ifndef LOA_NOTICE_H
#define LOA_NOTICE_H
#include "db/store.h"

#include <stdio.h>

/* What planning a notice reads from the configuration (config_notice()
 * fills it from the [gateway], [sms], [voice] and [tts] sections). */
struct notice_cfg {
	int max_chars;           /* gateway.notice_max_chars */
	int daily_sms_parts;     /* gateway.daily_sms_parts; 0 = no cap */
	int sms_encoding;        /* sms.encoding: enum sms_encoding_policy */
	int sms_max_parts;       /* sms.max_parts */
	int sms_part_cost;       /* sms.part_cost, đồng */
	int call_repeats;        /* voice.repeats */
	int tts_rate;            /* tts.rate, words a minute */
	int voice_modems;        /* enabled modems with an audio port */
	char voice_names[256];   /* their names, comma-separated */
};

/* Why notice_plan refused a notice: a stable code for callers that show
 * the reason in another language (the web page); err stays English. */
enum notice_why {
	NOTICE_WHY_NONE = 0,
	NOTICE_WHY_TEXT_UTF8,      /* why_n: the 1-based bad byte */
	NOTICE_WHY_TEXT_CONTROL,   /* why_n: the 1-based byte */
	NOTICE_WHY_TEXT_UNICODE,
	NOTICE_WHY_TEXT_EMPTY,
	NOTICE_WHY_TEXT_LONG,      /* why_n characters, why_max the limit */
	NOTICE_WHY_NO_GROUP,       /* why_group */
	NOTICE_WHY_NO_TARGETS,
	NOTICE_WHY_PARTS_UCS2,     /* why_n parts, why_max the limit */
	NOTICE_WHY_PARTS_GSM7,
	NOTICE_WHY_NO_HOUSEHOLD,   /* stats.opted_out, stats.no_channel */
	NOTICE_WHY_STORE,          /* a database error (EXIT_RUNTIME) */
};

struct notice_plan {
	int why;                 /* enum notice_why, set when notice_plan fails */
	long why_n;
	int why_max;
	char why_group[64];
	char *text;              /* NFC, validated (owned) */
	char *stripped;          /* GSM 7-bit form (owned) */
	int replaced;            /* characters stripping could not map */
	int parts_ucs2, parts_gsm7;
	char ambiguous[160];     /* stripped words that are ambiguous (only when Loa strips:
				    the text had accents) */
	int unaccented;          /* notice_unaccented(): GSM 7-bit to every household */
	int voice_unaccented;    /* unaccented and read aloud to some household: the
				    tones will be wrong (warn; a recording, --audio, is better) */
	char *targets;           /* copies the request points into (owned) */
	char *source;
	int speech_s;            /* one reading, estimated */
	struct notice_req req;
	struct fanout_stats stats;
	long cost;               /* đồng, SMS only */
	int call_s;              /* line time per call, estimated */
	int budget_used;         /* SMS parts sent today + still queued */
	int budget_need;         /* parts this notice adds */
	int over_budget;         /* used + need > gateway.daily_sms_parts */
	int callers_now;         /* voice modems that can call now: the daemon runs, the
				    modem is ready and not paused (-1: not asked, no calls) */
};

/* The one encoding rule for a notice's text: a text without accents
 * (text_has_accents() finds no letter beyond ASCII and stripping changes no
 * character into '?'), what a head types on a basic phone, is already its
 * own stripped form, so under sms.encoding = auto it goes GSM 7-bit to
 * every household, accents=yes ones too; otherwise each household's
 * accents column chooses (db/store_notice.c ENCODING).  notice_plan puts the
 * answer in req.sms_policy, which counting, cost and fan-out all read. */
int notice_unaccented(const char *text);
int notice_sms_policy(int cfg_policy, int unaccented);
/* The head's preview SMS adds this (GSM 7-bit) when plan.voice_unaccented. */
#define NOTICE_UNACCENTED_SMS "khong dau: doc len se sai thanh dieu"
#define NOTICE_UNACCENTED_EN "no accents: read aloud, the tones will be wrong; record it instead (--audio)"
#define NOTICE_UNACCENTED_VI "Không dấu: đọc lên sẽ sai thanh điệu — nên ghi âm (--audio)"

/* The text's half of notice_plan (no store): validated (p->text, p->why
 * as notice_plan sets them), stripped, its parts counted both ways,
 * unaccented and ambiguous words, the call time; the rest of *p zeroed.  The hub's
 * `loa hub notice send` checks texts with it.  0 or EXIT_USAGE. */
int notice_text_plan(const struct notice_cfg *cfg, const char *text, struct notice_plan *p, char *err,
		     size_t errlen);
/* Validates text and targets and fills the plan's counts (no writes).
 * Returns 0, or EXIT_USAGE with a one-line reason in err. */
int notice_plan(struct store *st, const struct notice_cfg *cfg, const char *text, const char *targets,
		int channels, int urgent, int64_t due_at, const char *source, struct notice_plan *p, char *err,
		size_t errlen);
void notice_plan_free(struct notice_plan *p);
/* Writes the preview lines (households, parts, cost, calls). */
void notice_plan_print(const struct notice_plan *p, const struct notice_cfg *cfg, FILE *out);
/* Creates the notice and its deliveries in one transaction. */
int notice_create(struct store *st, struct notice_plan *p, int64_t *id_out, char *err, size_t errlen);
/* When a notice is due: "YYYY-MM-DD HH:MM", or "HH:MM" meaning its next
 * occurrence, in local time (`loa notice send --at`, the web form's
 * "Gửi lúc").  0 and *at, NOTICE_AT_FORMAT, or NOTICE_AT_PAST for a time
 * whose minute is over. */
#define NOTICE_AT_FORMAT (-1)
#define NOTICE_AT_PAST (-2)
int notice_parse_at(const char *s, int64_t now, int64_t *at);
#endif
