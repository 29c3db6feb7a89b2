/* household — see household.h (the importer is domain/hh_import.c, the
 * commands app/cmd_household.c). */
#include "domain/household.h"

#include "base/i18n.h"
#include "base/phone.h"
#include "base/text.h"
#include "base/util.h"
#include "domain/group.h"
#include "domain/sheet.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *const household_columns[HH_NCOLS] = { "name", "phone", "groups", "channel",
						  "accents", "note", "phone2", "address" };

static const struct {
	const char *en, *vi;
} field_words[HH_NCOLS] = {
	[HH_NAME] = { N_("name"), "họ tên" },
	[HH_PHONE] = { N_("phone"), "số điện thoại" },
	[HH_GROUPS] = { N_("groups"), "nhóm" },
	[HH_CHANNEL] = { N_("channel"), "cách nhận" },
	[HH_ACCENTS] = { N_("accents"), "có dấu" },
	[HH_NOTE] = { N_("note"), "ghi chú" },
	[HH_PHONE2] = { N_("second phone"), "số điện thoại 2" },
	[HH_ADDRESS] = { N_("address"), "địa chỉ" },
};

const char *household_field_words(enum hh_col c, int vi)
{
	if ((unsigned)c >= HH_NCOLS)
		return "?";
	return vi == 2 ? field_words[c].en : vi ? field_words[c].vi : _(field_words[c].en);
}

const char *household_channel_name(int channel)
{
	return channel == CH_BOTH ? "both" : channel == CH_VOICE ? "voice" : "sms";
}

/* ---- values ---- */

char *household_fold(const char *s)
{
	char *stripped = text_strip(s ? s : "", NULL);
	struct sbuf b;
	sbuf_init(&b);
	int space = 0;
	for (const char *p = stripped; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80 || !isalnum(c)) {
			space = 1;
			continue;
		}
		if (space && b.len)
			sbuf_addc(&b, ' ');
		space = 0;
		sbuf_addc(&b, (char)tolower(c));
	}
	free(stripped);
	return sbuf_take(&b);
}

int household_group_code(const char *name, char *code, size_t len, char *full, size_t fulllen)
{
	/* the one way a name becomes a code (the web form uses it too) */
	char k[512];
	group_code_from_name(name, k, sizeof k);
	if (full)
		snprintf(full, fulllen, "%s", k);
	size_t n = strlen(k);
	if (n > HH_GROUP_CODE_MAX) {
		/* cut at the last '-' that keeps at least half, else hard */
		size_t cut = HH_GROUP_CODE_MAX;
		while (cut > HH_GROUP_CODE_MAX / 2 && k[cut] != '-')
			cut--;
		if (k[cut] != '-')
			cut = HH_GROUP_CODE_MAX;
		k[cut] = '\0';
		while (cut > 0 && k[cut - 1] == '-')
			k[--cut] = '\0';
	}
	snprintf(code, len, "%s", k);
	return k[0] ? 0 : -1;
}

static int word_is(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

int household_channel_words(const char *s)
{
	static const char *const sms_w[] = { "sms", "text", "tin", "tn", "message", NULL };
	static const char *const voice_w[] = { "goi", "voice", "call", "calls", NULL };
	static const char *const filler[] = { "nhan", "dien", "thoai", "va", "and", "hoac", "or", "cuoc", "chi",
					      "only", "qua", "bang", "may", "ca", "hai", "2", "both", NULL };
	char *k = household_fold(s);
	if (!*k) {
		free(k);
		return 0;
	}
	int sms = 0, voice = 0, both = 0, bad = 0, dien = 0, thoai = 0, nhan = 0, ca = 0, hai = 0;
	char *save = NULL;
	for (char *w = strtok_r(k, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (word_is(w, sms_w))
			sms = 1;
		else if (word_is(w, voice_w))
			voice = 1;
		else if (!word_is(w, filler))
			bad = 1;
		dien |= !strcmp(w, "dien");
		thoai |= !strcmp(w, "thoai");
		nhan |= !strcmp(w, "nhan");
		ca |= !strcmp(w, "ca");
		hai |= !strcmp(w, "hai") || !strcmp(w, "2");
		both |= !strcmp(w, "both");
	}
	free(k);
	if (dien && thoai)
		voice = 1; /* "điện thoại": by phone call */
	if (nhan && !sms && !voice && !ca)
		bad = 1;   /* "nhận" alone says nothing */
	if (ca && hai)
		both = 1;
	if (bad)
		return -1;
	if (both || (sms && voice))
		return CH_BOTH;
	return sms ? CH_SMS : voice ? CH_VOICE : -1;
}

/* 1 yes, 0 no, -1 neither; *given 0 for an empty cell. */
static int yes_no(const char *s, int *given)
{
	static const char *const yes[] = { "yes", "y", "1", "true", "co", "c", "x", "co dau", "dung", NULL };
	static const char *const no[] = { "no", "n", "0", "false", "khong", "k", "ko", "khong dau", "sai", NULL };
	char *k = household_fold(s);
	int rc = -1;
	*given = *k != '\0';
	if (!*k)
		rc = 1;
	else if (word_is(k, yes))
		rc = 1;
	else if (word_is(k, no))
		rc = 0;
	free(k);
	return rc;
}

/* ---- phones as people and Excel write them ---- */

/* "9.12346E+08", "9,12346E+08", "9E+08". */
static int sci_notation(const char *s)
{
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' || *p == ',') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != 'e' && *p != 'E')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	return *p == '\0';
}

/* One number in s[0..n): 1 when it is a mobile or a landline.  A number
 * Excel stored as a number lost its leading 0: 9 digits 3/5/7/8/9... are
 * taken by phone_normalise, 10 digits 2... (a landline) here. */
static int one_number(const char *s, size_t n, struct phone *p, int *lost0, char raw[48])
{
	char buf[48];
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (n == 0 || n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char digits[48];
	size_t nd = 0;
	for (const char *q = buf; *q && nd < sizeof digits - 1; q++)
		if (isdigit((unsigned char)*q))
			digits[nd++] = *q;
	digits[nd] = '\0';
	int plus = strchr(buf, '+') != NULL;
	*lost0 = 0;
	enum phone_kind k = phone_normalise(buf, p);
	if (k == PHONE_MOBILE || k == PHONE_LANDLINE) {
		*lost0 = !plus && nd == 9 && strchr("35789", digits[0]);
		snprintf(raw, 48, "%s", buf);
		return 1;
	}
	if (!plus && nd == 10 && digits[0] == '2') {
		char with0[52];
		snprintf(with0, sizeof with0, "0%s", buf);
		if (phone_normalise(with0, p) == PHONE_LANDLINE) {
			*lost0 = 1;
			snprintf(raw, 48, "%s", buf);
			return 1;
		}
	}
	return 0;
}

void household_phone_cell(const char *cell, struct hh_phone_cell *out)
{
	memset(out, 0, sizeof *out);
	char *c = xstrdup(cell ? cell : "");
	char *s = util_trim(c);
	if (!*s) {
		out->status = HHP_EMPTY;
		free(c);
		return;
	}
	if (sci_notation(s)) {
		out->status = HHP_SCI;
		free(c);
		return;
	}
	size_t n = strlen(s);
	if (one_number(s, n, &out->p[0], &out->lost0[0], out->raw[0])) {
		out->n = 1;
		free(c);
		return;
	}
	/* several numbers: parts with 8 digits or more between separators */
	static const char seps[] = "/;,\n&|";
	int parts = 0, digits = 0;
	for (const char *p = s;; p++) {
		if (!*p || strchr(seps, *p)) {
			parts += digits >= 8;
			digits = 0;
			if (!*p)
				break;
		} else if (isdigit((unsigned char)*p)) {
			digits++;
		}
	}
	if (parts >= 3) {
		out->status = HHP_MANY;
		free(c);
		return;
	}
	/* two numbers: a split at a separator, then at '-', then at a space,
	 * that leaves a number on each side */
	static const char *const tries[] = { seps, "-", " \t" };
	for (size_t t = 0; t < ARRAY_LEN(tries); t++) {
		for (size_t i = 1; i + 1 < n; i++) {
			if (!strchr(tries[t], s[i]))
				continue;
			if (one_number(s, i, &out->p[0], &out->lost0[0], out->raw[0]) &&
			    one_number(s + i + 1, n - i - 1, &out->p[1], &out->lost0[1], out->raw[1])) {
				out->n = 2;
				free(c);
				return;
			}
		}
	}
	memset(out->p, 0, sizeof out->p);
	memset(out->lost0, 0, sizeof out->lost0);
	phone_normalise(s, &out->bad);
	out->status = HHP_BAD;
	free(c);
}

/* ---- one row ---- */

static void say_col(struct hh_msgs *m, int line, const struct hh_labels *lb, enum hh_col c, enum hh_msg_kind k,
		    ...)
{
	va_list ap;
	va_start(ap, k);
	hh_msg_vsay(m, line, (int)c, lb ? lb->text[c] : NULL, lb ? lb->vi[c] : NULL, k, ap);
	va_end(ap);
}

/* A phone cell that is not a number: the message that says why. */
static void say_bad_phone(struct hh_msgs *m, int line, const struct hh_labels *lb, enum hh_col c, const char *raw,
			  const struct hh_phone_cell *pc)
{
	switch (pc->status) {
	case HHP_EMPTY: say_col(m, line, lb, c, HS_EMPTY); return;
	case HHP_SCI: say_col(m, line, lb, c, HS_PHONE_SCI, raw); return;
	case HHP_MANY: say_col(m, line, lb, c, c == HH_PHONE ? HS_PHONE_MANY : HS_PHONE2_TWO, raw); return;
	default: break;
	}
	switch (pc->bad.kind) {
	case PHONE_EMERGENCY: say_col(m, line, lb, c, HS_PHONE_EMERGENCY, raw); return;
	case PHONE_TOLLFREE: say_col(m, line, lb, c, HS_PHONE_TOLLFREE, raw); return;
	case PHONE_PREMIUM: say_col(m, line, lb, c, HS_PHONE_PREMIUM, raw); return;
	case PHONE_SHORTCODE: say_col(m, line, lb, c, HS_PHONE_SHORTCODE, raw); return;
	default: break;
	}
	struct sbuf t, v;
	sbuf_init(&t);
	sbuf_init(&v);
	if (lb && lb->text[c])
		sbuf_printf(&t, "%s: ", lb->text[c]);
	if (lb && lb->vi[c])
		sbuf_printf(&v, "%s: ", lb->vi[c]);
	sbuf_printf(&t, "'%s': %s", raw, hh_msg_phone_why(pc->bad.why, 0));
	sbuf_printf(&v, "'%s': %s", raw, hh_msg_phone_why(pc->bad.why, 1));
	hh_msg_add(m, line, (int)c, t.s, v.s);
	sbuf_free(&t);
	sbuf_free(&v);
}

/* Remarks on how a number was read (old prefix, lost 0). */
static void number_remarks(struct hh_msgs *r, int line, const struct hh_labels *lb, enum hh_col c,
			   const struct hh_phone_cell *pc, int i)
{
	if (pc->p[i].converted)
		say_col(r, line, lb, c, HS_CONVERTED, pc->raw[i], pc->p[i].national);
	if (pc->lost0[i])
		say_col(r, line, lb, c, HS_LOST_ZERO, pc->raw[i], pc->p[i].national);
}

/* A text field: NFC, trimmed, at most size - 1 bytes.  0 or -1. */
static int text_field(const char *v, char *out, size_t size)
{
	char *nfc = text_nfc(v ? v : "");
	if (!nfc)
		nfc = xstrdup(""); /* not UTF-8: said already */
	const char *t = util_trim(nfc);
	int rc = strlen(t) < size ? 0 : -1;
	if (rc == 0)
		snprintf(out, size, "%s", t);
	free(nfc);
	return rc;
}

/* A word list written by a program: lower-case codes, none all digits
 * ("dong-tien chan-nuoi", as list --csv writes). */
static int code_words(const char *part)
{
	int words = 0;
	const char *p = part;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		int letters = 0;
		for (; p[n] && p[n] != ' '; n++) {
			char c = p[n];
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
				return 0;
			letters += !(c >= '0' && c <= '9');
		}
		if (!letters || n > HH_GROUP_CODE_MAX)
			return 0;
		words++;
		p += n;
	}
	return words;
}

/* An older code as one word: letters, digits, '-' and '_' (any case). */
static int code_word(const char *w)
{
	size_t n = strlen(w);
	if (n == 0 || n > HH_GROUP_CODE_MAX)
		return 0;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && *w != '-' && *w != '_')
			return 0;
	return 1;
}

static int cmp_groups(const void *a, const void *b)
{
	return strcmp(((const struct hh_group *)a)->code, ((const struct hh_group *)b)->code);
}

/* Adds one group, once; -1 when the row has too many. */
static int add_group(struct hh_row *r, const char *code, const char *full, const char *name)
{
	for (int i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].code, code) == 0)
			return 0;
	if (r->ngroups == HH_ROW_GROUPS)
		return -1;
	struct hh_group *g = &r->groups[r->ngroups++];
	snprintf(g->code, sizeof g->code, "%s", code);
	snprintf(g->full, sizeof g->full, "%s", full);
	snprintf(g->name, sizeof g->name, "%s", name);
	return 0;
}

/* The groups cell: parts separated by , ; / or a line break; a part of
 * program-written codes is those codes, one older code is kept as it is,
 * anything else is one group's name. */
static void groups_field(const char *cell, struct hh_row *r, int line, const struct hh_labels *lb,
			 struct hh_msgs *problems)
{
	char *copy = text_nfc(cell ? cell : "");
	if (!copy)
		copy = xstrdup("");
	int too_many = 0;
	char *save = NULL;
	for (char *part = strtok_r(copy, ",;/\n\r", &save); part; part = strtok_r(NULL, ",;/\n\r", &save)) {
		/* one space between words */
		char *o = part;
		int sp = 0;
		for (const char *i = part; *i; i++) {
			if (*i == ' ' || *i == '\t') {
				sp = o > part;
				continue;
			}
			if (sp)
				*o++ = ' ';
			sp = 0;
			*o++ = *i;
		}
		*o = '\0';
		if (!*part)
			continue;
		if (!strchr(part, ' ') && code_word(part)) {
			if (util_streq_ci(part, "all"))
				say_col(problems, line, lb, HH_GROUPS, HS_GROUP_ALL, part);
			else
				too_many |= add_group(r, part, part, "");
			continue;
		}
		if (code_words(part)) {
			char *s2 = NULL;
			for (char *w = strtok_r(part, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
				if (strcmp(w, "all") == 0)
					say_col(problems, line, lb, HH_GROUPS, HS_GROUP_ALL, w);
				else
					too_many |= add_group(r, w, w, "");
			}
			continue;
		}
		char code[HH_GROUP_CODE_MAX + 1], full[96];
		if (household_group_code(part, code, sizeof code, full, sizeof full) != 0) {
			say_col(problems, line, lb, HH_GROUPS, HS_GROUP_NOCODE, part);
		} else if (strcmp(code, "all") == 0) {
			say_col(problems, line, lb, HH_GROUPS, HS_GROUP_ALL, part);
		} else if (strlen(part) > HH_GROUP_NAME_MAX) {
			say_col(problems, line, lb, HH_GROUPS, HS_LONG, HH_GROUP_NAME_MAX);
		} else {
			too_many |= add_group(r, code, full, part);
		}
	}
	free(copy);
	qsort(r->groups, (size_t)r->ngroups, sizeof r->groups[0], cmp_groups);
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < r->ngroups; i++)
		sbuf_printf(&b, "%s%s", i ? " " : "", r->groups[i].code);
	if (too_many || b.len >= sizeof r->h.groups)
		say_col(problems, line, lb, HH_GROUPS, HS_GROUPS_LONG, HH_ROW_GROUPS, (int)sizeof r->h.groups - 1);
	else
		snprintf(r->h.groups, sizeof r->h.groups, "%s", b.s ? b.s : "");
	sbuf_free(&b);
}

static void phones_field(const char *const f[HH_NCOLS], struct hh_row *r, int line, const struct hh_labels *lb,
			 struct hh_msgs *problems, struct hh_msgs *remarks)
{
	struct household *h = &r->h;
	const char *raw = f[HH_PHONE] ? f[HH_PHONE] : "";
	const char *raw2 = f[HH_PHONE2] ? f[HH_PHONE2] : "";
	struct hh_phone_cell pc, pc2;
	household_phone_cell(raw, &pc);
	household_phone_cell(raw2, &pc2);
	int has2 = pc2.status != HHP_EMPTY;
	if (pc.status != HHP_OK) {
		say_bad_phone(problems, line, lb, HH_PHONE, raw, &pc);
	} else {
		snprintf(h->phone, sizeof h->phone, "%s", pc.p[0].e164);
		h->landline = pc.p[0].kind == PHONE_LANDLINE;
		number_remarks(remarks, line, lb, HH_PHONE, &pc, 0);
		r->converted = pc.p[0].converted + (pc.n == 2 && pc.p[1].converted);
		if (pc.n == 2 && has2) {
			say_col(problems, line, lb, HH_PHONE, HS_PHONE_TWO_AND_PHONE2, raw, raw2);
		} else if (pc.n == 2) {
			snprintf(h->phone2, sizeof h->phone2, "%s", pc.p[1].e164);
			r->given |= 1u << HH_PHONE2;
			say_col(remarks, line, lb, HH_PHONE, HS_TWO_NUMBERS, raw, pc.p[0].national, pc.p[1].national);
			number_remarks(remarks, line, lb, HH_PHONE, &pc, 1);
			if (pc.p[1].kind == PHONE_LANDLINE)
				say_col(remarks, line, lb, HH_PHONE, HS_PHONE2_LANDLINE, pc.p[1].national);
		}
	}
	if (!has2)
		return;
	if (pc2.status != HHP_OK || pc2.n > 1) {
		if (pc2.status == HHP_OK)
			pc2.status = HHP_MANY;
		say_bad_phone(problems, line, lb, HH_PHONE2, raw2, &pc2);
		return;
	}
	number_remarks(remarks, line, lb, HH_PHONE2, &pc2, 0);
	r->converted += pc2.p[0].converted;
	if (strcmp(pc2.p[0].e164, h->phone) == 0) {
		say_col(remarks, line, lb, HH_PHONE2, HS_PHONE2_SAME);
		return;
	}
	snprintf(h->phone2, sizeof h->phone2, "%s", pc2.p[0].e164);
	if (pc2.p[0].kind == PHONE_LANDLINE)
		say_col(remarks, line, lb, HH_PHONE2, HS_PHONE2_LANDLINE, pc2.p[0].national);
}

int household_row(const char *const f[HH_NCOLS], const struct hh_labels *lb, int line, struct hh_row *out,
		  struct hh_msgs *problems, struct hh_msgs *remarks)
{
	memset(out, 0, sizeof *out);
	struct household *h = &out->h;
	int before = problems->n;
	const char *v[HH_NCOLS];
	for (int c = 0; c < HH_NCOLS; c++) {
		v[c] = f[c];
		size_t bad;
		if (v[c] && !text_valid_utf8(v[c], strlen(v[c]), &bad)) {
			say_col(problems, line, lb, (enum hh_col)c, HS_UTF8);
			v[c] = NULL;
			continue;
		}
		if (f[c])
			out->given |= 1u << c;
	}
	out->given |= 1u << HH_NAME | 1u << HH_PHONE;

	if (text_field(v[HH_NAME], h->name, sizeof h->name) != 0)
		say_col(problems, line, lb, HH_NAME, HS_LONG, (int)sizeof h->name - 1);
	else if (!h->name[0] && f[HH_NAME] == v[HH_NAME])
		say_col(problems, line, lb, HH_NAME, HS_EMPTY);

	if (f[HH_PHONE] == v[HH_PHONE] && f[HH_PHONE2] == v[HH_PHONE2])
		phones_field(v, out, line, lb, problems, remarks);

	if (v[HH_GROUPS])
		groups_field(v[HH_GROUPS], out, line, lb, problems);

	h->channel = h->landline ? CH_VOICE : CH_SMS;
	int ch = v[HH_CHANNEL] ? household_channel_words(v[HH_CHANNEL]) : 0;
	if (ch < 0) {
		say_col(problems, line, lb, HH_CHANNEL, HS_CHANNEL, v[HH_CHANNEL]);
	} else if (ch == 0) {
		out->given &= ~(1u << HH_CHANNEL);
	} else {
		h->channel = ch;
		if (h->landline && (ch & CH_SMS)) {
			char nat[20];
			phone_national(h->phone, nat, sizeof nat);
			say_col(problems, line, lb, HH_CHANNEL, HS_LANDLINE_SMS, nat);
		}
	}

	int given = 0;
	h->accents = yes_no(v[HH_ACCENTS] ? v[HH_ACCENTS] : "", &given);
	if (h->accents < 0)
		say_col(problems, line, lb, HH_ACCENTS, HS_YESNO, v[HH_ACCENTS]);
	if (!given)
		out->given &= ~(1u << HH_ACCENTS);

	if (text_field(v[HH_NOTE], h->note, sizeof h->note) != 0)
		say_col(problems, line, lb, HH_NOTE, HS_LONG, (int)sizeof h->note - 1);
	if (text_field(v[HH_ADDRESS], h->address, sizeof h->address) != 0)
		say_col(problems, line, lb, HH_ADDRESS, HS_LONG, (int)sizeof h->address - 1);
	return problems->n - before;
}

int household_from_fields(const char *const f[HH_NCOLS], struct household *h, char *why, size_t whylen,
			  char *note, size_t notelen)
{
	struct hh_msgs problems = { 0 }, remarks = { 0 };
	struct hh_row r;
	household_row(f, NULL, 0, &r, &problems, &remarks);
	*h = r.h;
	if (h->landline && !(r.given & 1u << HH_CHANNEL)) {
		char nat[20];
		phone_national(h->phone, nat, sizeof nat);
		hh_msg_say(&remarks, 0, -1, NULL, NULL, HS_LANDLINE_VOICE, nat);
	}
	int rc = problems.n ? (problems.v[0].col >= 0 ? problems.v[0].col : HH_NAME) : -1;
	snprintf(why, whylen, "%s", problems.n ? problems.v[0].text : "");
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < remarks.n; i++)
		sbuf_printf(&b, "%s%s", i ? "; " : "", remarks.v[i].text);
	snprintf(note, notelen, "%s", b.s ? b.s : "");
	sbuf_free(&b);
	hh_msg_free(&problems);
	hh_msg_free(&remarks);
	return rc;
}

/* ---- list --csv ---- */

static const char *const csv_columns[] = { "id", "name", "phone", "phone2", "groups",
					   "channel", "accents", "note", "address" };

static int write_csv_row(const struct household *h, void *arg)
{
	char id[24], nat[20], nat2[20];
	snprintf(id, sizeof id, "%lld", (long long)h->id);
	phone_national(h->phone, nat, sizeof nat);
	phone_national(h->phone2, nat2, sizeof nat2);
	const char *f[] = { id, h->name, nat, nat2, h->groups, household_channel_name(h->channel),
			    h->accents ? "yes" : "no", h->note, h->address };
	sheet_write_row(arg, f, (int)ARRAY_LEN(f));
	return 0;
}

int household_write_csv(struct store *st, const char *group, FILE *out)
{
	sheet_write_bom(out);
	sheet_write_row(out, csv_columns, (int)ARRAY_LEN(csv_columns));
	return store_household_each(st, group, write_csv_row, out);
}
