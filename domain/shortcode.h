/* shortcode — the SMS command language spoken to the gateway's number.
 *
 * sc_parse() is pure: text in, command out.  Keywords are Vietnamese,
 * matched after stripping accents, upper-casing and folding spaces, so
 * "Thông báo", "THONG BAO", "tb" and "Tb:" are one keyword; the notice text
 * itself is taken from the original message with its accents.  A message
 * that does not start with a keyword, or whose arguments do not fit, is
 * SC_NONE: garbage never becomes a command.  Numbers are taken as typed,
 * before any punctuation is trimmed: "HUY -1", "HUY +1" and "HUY 1x" are
 * not "HUY 1".  A known keyword whose arguments do not fit is SC_NONE with
 * `near` naming the keyword's verb, so the reply can show how to write it.
 *
 * The command table (`verbs` in shortcode.c) is the one place the grammar
 * lives; the README and the HELP reply are written from the same words. */
#ifndef LOA_SHORTCODE_H
#define LOA_SHORTCODE_H
#include <stddef.h>
#include <stdint.h>

enum sc_verb {
	SC_NONE = 0,
	SC_BROADCAST,  /* TB / TBTN / TBGOI / KHAN  <groups|TATCA> <text> */
	SC_TEMPLATE,   /* MAU <code> <groups|TATCA> */
	SC_CANCEL,     /* HUY <notice id> */
	SC_SUMMARY,    /* BC [notice id] */
	SC_HELP,       /* HELP, TROGIUP, HD */
	SC_CONFIRM,    /* XN <code>, or the bare code */
	SC_OVERRIDE,   /* GUI <code>: send past the daily budget */
	SC_OPTOUT,     /* TUCHOI, STOP (households) */
	SC_OPTIN,      /* DANGKY, START (households) */
	SC_ACK,        /* OK, DA NHAN, 1 (households) */
	SC_RESEND,     /* GUI LAI <notice id>: resend to those not reached */
};

/* What a known keyword lacks (SC_NONE only), so the reply can name it. */
enum sc_missing {
	SC_MISS_NONE = 0,
	SC_MISS_TEXT,    /* TB TATCA, with no text */
	SC_MISS_GROUP,   /* TB, or MAU <ma>, with no group */
	SC_MISS_CODE,    /* XN / GUI with no code, MAU with no template code */
	SC_MISS_ID,      /* HUY / GUI LAI with no notice number */
};

struct sc_cmd {
	enum sc_verb verb;
	int channels;        /* CH_SMS|CH_VOICE for broadcasts */
	int urgent;
	char targets[128];   /* "all" or comma-separated group codes */
	char code[48];       /* template code, or confirmation code */
	int64_t id;          /* notice id >= 1 (BC: 0 = latest) */
	const char *body;    /* points into the parsed text: the notice */
	size_t body_len;
	enum sc_verb near;   /* SC_NONE only: the keyword typed, if any */
	enum sc_missing missing; /* SC_NONE only: what the keyword lacks */
};

/* Parses `text` (valid UTF-8).  Returns cmd->verb. */
enum sc_verb sc_parse(const char *text, struct sc_cmd *cmd);
const char *sc_verb_name(enum sc_verb v);
/* How to write the command for `v`, unaccented ("HUY <so TB>, vi du HUY 12"). */
const char *sc_usage(enum sc_verb v);
/* "Thieu noi dung", "Thieu nhom", "Thieu ma", "Thieu so TB", or NULL. */
const char *sc_missing_text(enum sc_missing m);
/* A copy of `text` (malloc'd) with one-time codes hidden ("XN 482913" ->
 * "XN ******", a bare code -> "******"), for audit views: the code in a
 * preview or a confirmation must not be readable by whoever looks at the
 * log, or it could be used to confirm a forged broadcast. */
char *sc_mask_codes(const char *text);
/* The HELP reply: every command, in one GSM 7-bit SMS (<= 160). */
const char *sc_help_text(void);
#endif
