/* shortcode — see shortcode.h. */
#include "domain/shortcode.h"

#include "db/store.h"
#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Keywords after normalisation (no accents, upper case, no spaces). */
static const struct verb {
	const char *kw;
	enum sc_verb verb;
	int channels, urgent;
} verbs[] = {
	{ "TB", SC_BROADCAST, CH_BOTH, 0 },      { "THONGBAO", SC_BROADCAST, CH_BOTH, 0 },
	{ "TBTN", SC_BROADCAST, CH_SMS, 0 },     { "TBSMS", SC_BROADCAST, CH_SMS, 0 },
	{ "TBG", SC_BROADCAST, CH_VOICE, 0 },    { "TBGOI", SC_BROADCAST, CH_VOICE, 0 },
	{ "KHAN", SC_BROADCAST, CH_BOTH, 1 },    { "TBKHAN", SC_BROADCAST, CH_BOTH, 1 },
	{ "MAU", SC_TEMPLATE, CH_BOTH, 0 },      { "HUY", SC_CANCEL, 0, 0 },
	{ "BC", SC_SUMMARY, 0, 0 },              { "BAOCAO", SC_SUMMARY, 0, 0 },
	{ "HELP", SC_HELP, 0, 0 },               { "TROGIUP", SC_HELP, 0, 0 },
	{ "HD", SC_HELP, 0, 0 },                 { "XN", SC_CONFIRM, 0, 0 },
	{ "XACNHAN", SC_CONFIRM, 0, 0 },         { "GUI", SC_OVERRIDE, 0, 0 },
	{ "TUCHOI", SC_OPTOUT, 0, 0 },           { "STOP", SC_OPTOUT, 0, 0 },
	{ "DANGKY", SC_OPTIN, 0, 0 },            { "START", SC_OPTIN, 0, 0 },
	{ "OK", SC_ACK, 0, 0 },                  { "DANHAN", SC_ACK, 0, 0 },
	{ "DABIET", SC_ACK, 0, 0 },              { "1", SC_ACK, 0, 0 },
	/* two words, matched before "GUI <code>": "GUI LAI 12" is a resend,
	 * "GUI 123456" stays the budget override */
	{ "GUILAI", SC_RESEND, 0, 0 },
};

const char *sc_help_text(void)
{
	return "Loa: TB <nhom|TATCA> <noi dung>; TBTN=chi SMS; TBGOI=chi goi; KHAN=khan cap; "
	       "MAU <ma> <nhom>; HUY|GUI LAI <so TB>; BC [so TB]; XN <ma>; GUI <ma>; TROGIUP";
}

const char *sc_verb_name(enum sc_verb v)
{
	static const char *const names[] = { "none", "broadcast", "template", "cancel", "summary", "help",
					     "confirm", "override", "optout", "optin", "ack", "resend" };
	return (unsigned)v < ARRAY_LEN(names) ? names[v] : "?";
}

const char *sc_usage(enum sc_verb v)
{
	static const char *const usage[] = {
		[SC_NONE] = "TROGIUP",
		[SC_BROADCAST] = "TB <nhom|TATCA> <noi dung>",
		[SC_TEMPLATE] = "MAU <ma> <nhom|TATCA>",
		[SC_CANCEL] = "HUY <so TB>, vi du HUY 12",
		[SC_SUMMARY] = "BC [so TB], vi du BC 12",
		[SC_HELP] = "TROGIUP",
		[SC_CONFIRM] = "XN <ma 6 so>",
		[SC_OVERRIDE] = "GUI <ma 6 so>",
		[SC_OPTOUT] = "TUCHOI",
		[SC_OPTIN] = "DANGKY",
		[SC_ACK] = "OK",
		[SC_RESEND] = "GUI LAI <so TB>, vi du GUI LAI 12",
	};
	return (unsigned)v < ARRAY_LEN(usage) && usage[v] ? usage[v] : usage[SC_NONE];
}

const char *sc_missing_text(enum sc_missing m)
{
	static const char *const words[] = {
		[SC_MISS_TEXT] = "Thieu noi dung", [SC_MISS_GROUP] = "Thieu nhom",
		[SC_MISS_CODE] = "Thieu ma", [SC_MISS_ID] = "Thieu so TB",
	};
	return (unsigned)m < ARRAY_LEN(words) ? words[m] : NULL;
}

#define MAX_TOK 8

struct tok {
	const char *start; /* in the original text */
	size_t len;
	char key[48];      /* normalised: no accents, upper, edge punctuation trimmed */
};

/* Splits the first MAX_TOK whitespace-separated tokens. */
static int tokenize(const char *text, struct tok *t)
{
	int n = 0;
	const char *p = text;
	while (n < MAX_TOK) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		t[n].start = s;
		t[n].len = (size_t)(p - s);
		char *raw = xstrndup(s, t[n].len);
		char *stripped = text_strip(raw, NULL);
		free(raw);
		/* trim punctuation a basic phone adds: "TB:", "HUY.", "(OK)" */
		char *k = stripped;
		while (*k && strchr(".,:;!?()\"'-", *k))
			k++;
		size_t kl = strlen(k);
		while (kl > 0 && strchr(".,:;!?()\"'", k[kl - 1]))
			kl--;
		if (kl >= sizeof t[n].key)
			kl = sizeof t[n].key - 1;
		for (size_t i = 0; i < kl; i++)
			t[n].key[i] = (char)toupper((unsigned char)k[i]);
		t[n].key[kl] = '\0';
		free(stripped);
		n++;
	}
	return n;
}

static int all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* A notice number exactly as typed: 1-9 ASCII digits, not 0, nothing
 * else (the normalised key has lost a leading '-' or a trailing '.'). */
static int parse_id(const struct tok *t, int64_t *id)
{
	if (t->len < 1 || t->len > 9)
		return 0;
	int64_t v = 0;
	for (size_t i = 0; i < t->len; i++) {
		if (t->start[i] < '0' || t->start[i] > '9')
			return 0;
		v = v * 10 + (t->start[i] - '0');
	}
	*id = v;
	return v > 0;
}

/* A target: TATCA / ALL / "TAT CA" (two tokens), or comma-separated group
 * codes.  Returns tokens used (0: not a target). */
static int parse_target(const struct tok *t, int n, int i, char *out, size_t outlen)
{
	if (i >= n)
		return 0;
	if (!strcmp(t[i].key, "TATCA") || !strcmp(t[i].key, "ALL") || !strcmp(t[i].key, "CA")) {
		snprintf(out, outlen, "all");
		return 1;
	}
	if (i + 1 < n && !strcmp(t[i].key, "TAT") && !strcmp(t[i + 1].key, "CA")) {
		snprintf(out, outlen, "all");
		return 2;
	}
	/* group codes: letters, digits, '-', '_', ',' (case kept as typed, the
	 * store compares without case) */
	const char *k = t[i].key;
	if (!*k || strlen(k) >= outlen)
		return 0;
	for (const char *p = k; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != ',')
			return 0;
	if (k[0] == ',' || k[strlen(k) - 1] == ',' || strstr(k, ",,"))
		return 0;
	for (size_t j = 0; k[j]; j++)
		out[j] = (char)tolower((unsigned char)k[j]);
	out[strlen(k)] = '\0';
	return 1;
}

static const struct verb *find_verb(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(verbs); i++)
		if (!strcmp(verbs[i].kw, key))
			return &verbs[i];
	return NULL;
}

static enum sc_verb parse(const char *text, struct sc_cmd *cmd)
{
	struct tok t[MAX_TOK];
	int n = tokenize(text, t);
	if (n == 0)
		return SC_NONE;
	/* The keyword may be typed as two words: "TRO GIUP", "TB KHAN". */
	const struct verb *v = NULL;
	int used = 0;
	if (n >= 2 && t[1].key[0]) { /* "HUY ١": a token with no letters is no keyword's half */
		char two[96];
		snprintf(two, sizeof two, "%s%s", t[0].key, t[1].key);
		if ((v = find_verb(two)) != NULL)
			used = 2;
	}
	if (!v && (v = find_verb(t[0].key)) != NULL)
		used = 1;
	if (!v) {
		if (n == 1 && all_digits(t[0].key, 4, 8)) { /* the bare confirmation code */
			cmd->verb = SC_CONFIRM;
			snprintf(cmd->code, sizeof cmd->code, "%s", t[0].key);
		}
		return cmd->verb;
	}
	int rest = n - used;
	cmd->near = v->verb; /* kept only if the arguments do not fit */
	switch (v->verb) {
	case SC_BROADCAST: {
		int k = parse_target(t, n, used, cmd->targets, sizeof cmd->targets);
		if (!k || used + k >= n) { /* no target or no text */
			cmd->missing = rest == 0 ? SC_MISS_GROUP : k ? SC_MISS_TEXT : SC_MISS_NONE;
			return SC_NONE;
		}
		const struct tok *b = &t[used + k];
		cmd->body = b->start;
		cmd->body_len = strlen(b->start);
		while (cmd->body_len > 0 && isspace((unsigned char)cmd->body[cmd->body_len - 1]))
			cmd->body_len--;
		break;
	}
	case SC_TEMPLATE: {
		if (rest < 2) {
			cmd->missing = rest == 0 ? SC_MISS_CODE : SC_MISS_GROUP;
			return SC_NONE;
		}
		const char *code = t[used].key;
		if (!*code || strlen(code) > 16)
			return SC_NONE;
		for (const char *p = code; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
				return SC_NONE;
		snprintf(cmd->code, sizeof cmd->code, "%s", code);
		int k = parse_target(t, n, used + 1, cmd->targets, sizeof cmd->targets);
		if (k && used + 1 + k != n && strcmp(cmd->targets, "all") != 0) {
			/* a group typed in words, "MAU hop Dong Tien": one code,
			 * matched by the inbox without spaces */
			char joined[sizeof cmd->targets] = "";
			size_t jl = 0;
			for (int i = used + 1; i < n; i++)
				for (const char *p = t[i].key; *p && jl + 1 < sizeof joined; p++) {
					if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
						return SC_NONE;
					joined[jl++] = (char)tolower((unsigned char)*p);
				}
			joined[jl] = '\0';
			snprintf(cmd->targets, sizeof cmd->targets, "%s", joined);
			k = n - used - 1;
		}
		if (!k || used + 1 + k != n)
			return SC_NONE;
		break;
	}
	case SC_CANCEL:
	case SC_RESEND:
	case SC_SUMMARY: {
		if (rest == 0 && v->verb == SC_SUMMARY)
			break; /* latest notice */
		if (rest == 0)
			cmd->missing = SC_MISS_ID;
		if (rest != 1 || !parse_id(&t[used], &cmd->id))
			return SC_NONE;
		break;
	}
	case SC_CONFIRM:
	case SC_OVERRIDE:
		if (rest == 0)
			cmd->missing = SC_MISS_CODE;
		if (rest != 1 || !all_digits(t[used].key, 4, 8))
			return SC_NONE;
		snprintf(cmd->code, sizeof cmd->code, "%s", t[used].key);
		break;
	case SC_HELP:
	case SC_OPTOUT:
	case SC_OPTIN:
		if (rest != 0)
			return SC_NONE;
		break;
	case SC_ACK:
		/* "OK", "Đã nhận ạ", "1": a household's acknowledgement may go on
		 * with a few words, but a bare digit other than 1 is not one. */
		break;
	case SC_NONE:
		return SC_NONE;
	}
	cmd->verb = v->verb;
	cmd->channels = v->channels;
	cmd->urgent = v->urgent;
	return cmd->verb;
}

enum sc_verb sc_parse(const char *text, struct sc_cmd *cmd)
{
	memset(cmd, 0, sizeof *cmd);
	if (parse(text, cmd) == SC_NONE) { /* no half-filled command escapes */
		enum sc_verb near = cmd->near;
		enum sc_missing missing = cmd->missing;
		memset(cmd, 0, sizeof *cmd);
		cmd->near = near;
		cmd->missing = near != SC_NONE ? missing : SC_MISS_NONE;
	} else {
		cmd->near = SC_NONE;
	}
	return cmd->verb;
}

char *sc_mask_codes(const char *text)
{
	char *out = xstrdup(text);
	struct sc_cmd cmd;
	if (sc_parse(text, &cmd) == SC_CONFIRM || cmd.verb == SC_OVERRIDE) {
		/* the whole message is a code, with or without its keyword */
		for (char *p = strstr(out, cmd.code); p && *cmd.code; p = strstr(p, cmd.code))
			memset(p, '*', strlen(cmd.code));
		return out;
	}
	/* replies: "... XN 482913 ..." / "... GUI 482913 ..." */
	static const char *const kws[] = { "XN ", "GUI " };
	for (size_t k = 0; k < ARRAY_LEN(kws); k++) {
		for (char *p = strstr(out, kws[k]); p; p = strstr(p + 1, kws[k])) {
			char *d = p + strlen(kws[k]);
			size_t n = 0;
			while (isdigit((unsigned char)d[n]))
				n++;
			if (n >= 4 && n <= 8)
				memset(d, '*', n);
		}
	}
	return out;
}
