/* tts_front — see tts_front.h.  This file owns the scan: characters, output
 * (words and pauses), words (abbreviations, spelling, syllables, Roman
 * numerals, loanwords), symbols and lines, and the driver; the pattern rules
 * on digits (phone numbers, dates, times, quantities) are in tts_rules.c,
 * those for numbers to note down (accounts, IDs, codes, plates) in
 * tts_codes.c, web and e-mail addresses in tts_addr.c, road and storm names
 * and an acronym after its own expansion in tts_names.c, what they share in
 * tts_front_int.h.
 *
 * DESIGN: one left-to-right scan over the NFC text.  At each position the
 * matchers are tried in the priority order of the rules (a phone number wins
 * over a date, a date over a time, ...); the first that matches consumes its
 * bytes and emits words.  Context rules ("short dates only after a cue",
 * "Roman numerals only after a keyword", "no doubled ngày") look at the last
 * words already emitted, so a cue produced by an abbreviation (SĐT -> "số
 * điện thoại") counts like a typed one.  Pauses are queued and merged (the
 * strongest wins) and only written before the next word, so the output never
 * starts with a pause or holds two in a row. */
#include "tts/tts_front.h"
#include "tts/tts_front_int.h"

#include "tts/tts_config.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- characters ---------------------------------------------------- */

/* Codepoint at q (the text is valid UTF-8 after normalisation); -1 at end. */
int32_t fe_cp_at(const struct fe *f, size_t q, size_t *len)
{
	if (q >= f->n) {
		*len = 0;
		return -1;
	}
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)f->s + q, (utf8proc_ssize_t)(f->n - q), &c);
	if (k <= 0) {
		*len = 1;
		return 0xFFFD;
	}
	*len = (size_t)k;
	return c;
}

static int is_letter(int32_t c)
{
	if (c < 0)
		return 0;
	if (c < 128)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT ||
	       k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_LO || k == UTF8PROC_CATEGORY_MN ||
	       k == UTF8PROC_CATEGORY_MC;
}

int fe_is_upper(int32_t c)
{
	if (c < 0)
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

int fe_is_lower(int32_t c)
{
	return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static int is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x200B || c == 0xFEFF ||
	       (c > 127 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS);
}

int fe_letter_at(const struct fe *f, size_t q)
{
	size_t l;
	return is_letter(fe_cp_at(f, q, &l));
}

/* Letter or digit at q: the test for "is this the end of a token". */
int fe_alnum_at(const struct fe *f, size_t q)
{
	return fe_isdig(fe_at(f, q)) || fe_letter_at(f, q);
}

/* The codepoint just before q, or -1. */
static int32_t cp_before(const struct fe *f, size_t q)
{
	if (q == 0)
		return -1;
	size_t b = q - 1;
	while (b > 0 && ((unsigned char)f->s[b] & 0xC0) == 0x80)
		b--;
	size_t l;
	return fe_cp_at(f, b, &l);
}

/* The last non-space codepoint before q, or -1. */
int32_t fe_nonspace_before(const struct fe *f, size_t q)
{
	while (q > 0) {
		size_t b = q - 1;
		while (b > 0 && ((unsigned char)f->s[b] & 0xC0) == 0x80)
			b--;
		size_t l;
		int32_t c = fe_cp_at(f, b, &l);
		if (!is_space(c))
			return c;
		q = b;
	}
	return -1;
}

/* Is the codepoint just before q a letter or a digit? */
int fe_alnum_before(const struct fe *f, size_t q)
{
	int32_t c = cp_before(f, q);
	return fe_isdig(c) || is_letter(c);
}

static void lower_into(const char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_tolower(c), enc);
		if (o + (size_t)e + 1 > size)
			break;
		memcpy(buf + o, enc, (size_t)e);
		o += (size_t)e;
		p += k;
		left -= k;
	}
	buf[o] = '\0';
}

/* ---- output -------------------------------------------------------- */

static void flush_pause(struct fe *f)
{
	if (f->pend == P_NONE)
		return;
	if (f->nwords) {
		sbuf_addc(&f->out, f->pend_ch);
		if (f->o->ssml) {
			int ms = f->pend == P_SENTENCE  ? TTS_PAUSE_SENTENCE_MS :
				 f->pend == P_HEADING ? TTS_PAUSE_HEADING_MS :
				 f->pend == P_ITEM    ? TTS_PAUSE_ITEM_MS :
							0;
			if (ms)
				sbuf_printf(&f->out, " <break time=\"%dms\"/>", ms);
		}
	}
	f->pend = P_NONE;
}

void fe_pause(struct fe *f, enum pause p, char ch)
{
	f->quantity = 0;
	if (p > f->pend) {
		f->pend = p;
		f->pend_ch = ch;
	}
	if (p == P_SENTENCE) {
		f->sentences++;
		memset(f->lw, 0, sizeof f->lw);
	}
}

static void push_word(struct fe *f, const char *w, size_t n)
{
	if (!n)
		return;
	flush_pause(f);
	if (f->nwords)
		sbuf_addc(&f->out, ' ');
	sbuf_addn(&f->out, w, n);
	f->nwords++;
	f->line_words++;
	memmove(f->lw[1], f->lw[0], sizeof f->lw[0] * (LW - 1));
	lower_into(w, n, f->lw[0], LW_MAX);
	f->quantity = 0;
}

/* Emits space-separated words. */
void fe_say(struct fe *f, const char *words)
{
	const char *p = words;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		push_word(f, p, (size_t)(e - p));
		p = e;
	}
}

void fe_say_sbuf(struct fe *f, struct sbuf *b)
{
	if (b->s)
		fe_say(f, b->s);
	sbuf_reset(b);
}

void fe_say_card(struct fe *f, uint64_t v)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_cardinal(&b, v, &f->o->style);
	fe_say_sbuf(f, &b);
	sbuf_free(&b);
}

void fe_say_digits(struct fe *f, const char *s, size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_digits(&b, s, n);
	fe_say_sbuf(f, &b);
	sbuf_free(&b);
}

void fe_say_month(struct fe *f, int m)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_month(&b, m, &f->o->style);
	fe_say_sbuf(f, &b);
	sbuf_free(&b);
}

/* The word after p and the spaces there, lowercased into buf. */
size_t fe_word_ahead(const struct fe *f, size_t p, char *buf, size_t size)
{
	size_t l;
	while (p < f->n && is_space(fe_cp_at(f, p, &l)))
		p += l;
	size_t e = p;
	while (e < f->n && is_letter(fe_cp_at(f, e, &l)))
		e += l;
	lower_into(f->s + p, e - p, buf, size);
	return e > p ? e : 0;
}

/* Is the i-th last word (0 = last) one of the '|'-separated `alts`? */
int fe_lw_is(const struct fe *f, int i, const char *alts)
{
	return fe_word_in(f->lw[i], alts);
}

/* Is w one of the '|'-separated `alts`? */
int fe_word_in(const char *w, const char *alts)
{
	if (!*w)
		return 0;
	size_t wl = strlen(w);
	for (const char *p = alts; *p;) {
		const char *e = strchr(p, '|');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && memcmp(p, w, l) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* ---- words --------------------------------------------------------- */

static const struct letter_name {
	int32_t cp;
	const char *name;
} letter_names[] = {
	{ 'A', "a" },     { 0x102, "á" },   { 0xC2, "ớ" },   { 'B', "bê" },   { 'C', "xê" },
	{ 'D', "dê" },    { 0x110, "đê" },  { 'E', "e" },    { 0xCA, "ê" },   { 'F', "ép" },
	{ 'G', "giê" },   { 'H', "hát" },   { 'I', "i" },    { 'J', "gi" },   { 'K', "ca" },
	{ 'L', "e lờ" },  { 'M', "em" },    { 'N', "en" },   { 'O', "ô" },    { 0xD4, "ô" },
	{ 0x1A0, "ơ" },   { 'P', "pê" },    { 'Q', "quy" },  { 'R', "e rờ" }, { 'S', "ét" },
	{ 'T', "tê" },    { 'U', "u" },     { 0x1AF, "ư" },  { 'V', "vê" },   { 'W', "vê kép" },
	{ 'X', "ích" },   { 'Y', "i" },     { 'Z', "dét" },
};

/* Spells w[0..n) with Vietnamese letter names (GPS -> "giê pê ét"). */
void fe_spell(struct fe *f, const char *w, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)w;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break;
		int32_t up = utf8proc_toupper(c);
		const char *name = NULL;
		for (size_t i = 0; i < ARRAY_LEN(letter_names); i++)
			if (letter_names[i].cp == up) {
				name = letter_names[i].name;
				break;
			}
		if (name) {
			fe_say(f, name);
		} else if (is_letter(c)) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_tolower(c), enc);
			push_word(f, (const char *)enc, (size_t)e);
		}
		p += k;
		left -= k;
	}
}

/* Is the lowercase word a well-formed Vietnamese syllable?  Used to tell an
 * all-caps word (KHẨN, BAN) from an acronym (KH, GPS). */
int fe_vn_syllable(const char *w)
{
	static const char *const initials[] = { "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th",
						"tr",  "ch", "b",  "c",  "d",  "đ",  "g",  "h",  "k",
						"l",   "m",  "n",  "p",  "r",  "s",  "t",  "v",  "x" };
	static const char *const open[] = {
		"a",   "e",   "ê",   "i",   "o",   "ô",   "ơ",   "u",   "ư",   "y",   "ai",  "ao",
		"au",  "ay",  "âu",  "ây",  "eo",  "êu",  "ia",  "iu",  "oa",  "oe",  "oi",  "ôi",
		"ơi",  "ua",  "ui",  "ưa",  "ưi",  "ưu",  "uy",  "uê",  "uơ",  "iêu", "yêu", "oai",
		"oao", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu", "ya",
	};
	static const char *const closed[] = { "a",  "ă",  "â",  "e",  "ê",  "i",  "o",  "ô",
					       "ơ",  "u",  "ư",  "iê", "yê", "uô", "ươ", "oă",
					       "uâ", "uyê", "oa", "oe", "uê", "uy", "oo" };
	static const char *const finals[] = { "ng", "nh", "ch", "c", "m", "n", "p", "t" };

	/* drop the tone mark, remembering it */
	utf8proc_uint8_t *nfd = utf8proc_NFD((const utf8proc_uint8_t *)w);
	if (!nfd)
		return 0;
	char base[64];
	size_t o = 0;
	int tone = 0, ntones = 0;
	const utf8proc_uint8_t *p = nfd;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen((const char *)nfd);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			break;
		if (c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323) {
			tone = c;
			ntones++;
		} else if (o + (size_t)k < sizeof base) {
			memcpy(base + o, p, (size_t)k);
			o += (size_t)k;
		}
		p += k;
		left -= k;
	}
	base[o] = '\0';
	free(nfd);
	if (ntones > 1)
		return 0;
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)base);
	if (!nfc)
		return 0;
	char syl[64];
	snprintf(syl, sizeof syl, "%s", (const char *)nfc);
	free(nfc);

	for (int pass = 0; pass < 2; pass++) {
		const char *rime = NULL;
		for (size_t i = 0; i < ARRAY_LEN(initials); i++) {
			size_t l = strlen(initials[i]);
			if (pass == 1 && strcmp(initials[i], "gi") == 0)
				continue;
			if (strncmp(syl, initials[i], l) == 0) {
				rime = syl + l;
				break;
			}
		}
		if (!rime)
			rime = syl;
		if (pass == 1 && rime == syl)
			break;
		if (!*rime && pass == 0 && strcmp(syl, "gi") == 0)
			return 1; /* "gì" */
		for (size_t i = 0; i < ARRAY_LEN(open); i++)
			if (strcmp(rime, open[i]) == 0)
				return 1;
		for (size_t i = 0; i < ARRAY_LEN(closed); i++) {
			size_t l = strlen(closed[i]);
			if (strncmp(rime, closed[i], l) != 0)
				continue;
			for (size_t j = 0; j < ARRAY_LEN(finals); j++) {
				if (strcmp(rime + l, finals[j]) != 0)
					continue;
				int stop = finals[j][0] == 'c' || finals[j][0] == 'p' || finals[j][0] == 't';
				if (!stop || tone == 0x301 || tone == 0x323)
					return 1;
			}
		}
	}
	return 0;
}

/* Strict Roman numeral (I..MMMCMXCIX); 0 if not one. */
static int roman_value(const char *w, size_t n)
{
	static const struct {
		const char *s;
		int v;
	} r[] = { { "M", 1000 }, { "CM", 900 }, { "D", 500 }, { "CD", 400 }, { "C", 100 },
		  { "XC", 90 },  { "L", 50 },   { "XL", 40 }, { "X", 10 },   { "IX", 9 },
		  { "V", 5 },    { "IV", 4 },   { "I", 1 } };
	if (n == 0 || n > 15)
		return 0;
	int v = 0;
	size_t i = 0;
	for (size_t k = 0; k < ARRAY_LEN(r) && i < n; k++) {
		size_t l = strlen(r[k].s);
		int rep = 0;
		while (i + l <= n && memcmp(w + i, r[k].s, l) == 0) {
			if (++rep > (l == 1 && r[k].v != 5 && r[k].v != 50 && r[k].v != 500 ? 3 : 1))
				return 0;
			v += r[k].v;
			i += l;
		}
	}
	if (i != n || v <= 0)
		return 0;
	/* the greedy parse accepts "IIII"-free but also "IXI"-like forms; check
	 * by regenerating the canonical spelling */
	char canon[32];
	size_t o = 0;
	int x = v;
	for (size_t k = 0; k < ARRAY_LEN(r); k++)
		while (x >= r[k].v && o + 2 < sizeof canon) {
			size_t l = strlen(r[k].s);
			memcpy(canon + o, r[k].s, l);
			o += l;
			x -= r[k].v;
		}
	return o == n && memcmp(canon, w, n) == 0 ? v : 0;
}

static int roman_keyword(const struct fe *f)
{
	if (fe_lw_is(f, 0, "khóa|khoá|quý|đợt|kỳ|kì|phần|chương|mục|cấp|hạng|loại|thứ|tập|lần|vùng|khu"))
		return 1;
	return (fe_lw_is(f, 0, "họp") && fe_lw_is(f, 1, "kỳ|kì")) || (fe_lw_is(f, 0, "hội") && fe_lw_is(f, 1, "đại")) ||
	       (fe_lw_is(f, 0, "động") && fe_lw_is(f, 1, "báo")) || (fe_lw_is(f, 0, "kỷ|kỉ") && fe_lw_is(f, 1, "thế")) ||
	       (fe_lw_is(f, 0, "đoạn") && fe_lw_is(f, 1, "giai")) || (fe_lw_is(f, 0, "vực") && fe_lw_is(f, 1, "khu"));
}

/* The dictionary abbreviation at q that ends on a token boundary. */
static const char *abbrev_at(const struct fe *f, size_t q, size_t *len)
{
	size_t max = f->n - q;
	while (max > 0) {
		size_t kl;
		const char *v = tts_dict_prefix(f->o->abbrev, f->s + q, max, &kl);
		if (!v)
			return NULL;
		int last = (unsigned char)f->s[q + kl - 1];
		int32_t lc = cp_before(f, q + kl);
		int ends_word = fe_isdig(last) || is_letter(lc);
		if (!ends_word || !fe_alnum_at(f, q + kl)) {
			*len = kl;
			return v;
		}
		max = kl - 1;
	}
	return NULL;
}

static size_t word_end(const struct fe *f, size_t q)
{
	size_t l;
	while (q < f->n && is_letter(fe_cp_at(f, q, &l)))
		q += l;
	return q;
}

static int rule_word(struct fe *f, size_t q)
{
	size_t alen;
	const char *ab = abbrev_at(f, q, &alen);
	if (ab) {
		fe_say(f, ab);
		return (int)alen;
	}
	size_t we = word_end(f, q);
	const char *w = f->s + q;
	size_t wn = we - q;
	/* weekdays written T2..T7 */
	if (wn == 1 && w[0] == 'T' && fe_at(f, we) >= '2' && fe_at(f, we) <= '7' && !fe_alnum_at(f, we + 1)) {
		fe_say(f, "thứ");
		fe_say(f, tts_num_digit(fe_at(f, we) - '0'));
		return 2;
	}
	int rv = roman_value(w, wn);
	if (rv && roman_keyword(f)) {
		struct sbuf b;
		sbuf_init(&b);
		if (fe_lw_is(f, 0, "thứ"))
			tts_num_ordinal(&b, (uint64_t)rv, &f->o->style);
		else
			tts_num_cardinal(&b, (uint64_t)rv, &f->o->style);
		fe_say_sbuf(f, &b);
		sbuf_free(&b);
		return (int)wn + tts_rule_slash_year(f, we); /* "Quý II/2027" */
	}
	const char *loan = tts_dict_word(f->o->loan, w, wn);
	if (loan) {
		fe_say(f, loan);
		return (int)wn;
	}
	int up = 0, low = 0;
	size_t l;
	for (size_t i = q; i < we; i += l) {
		int32_t c = fe_cp_at(f, i, &l);
		up += fe_is_upper(c);
		low += fe_is_lower(c);
	}
	if (up >= 2 && low == 0) {
		char lower[256];
		if (wn < sizeof lower / 2) {
			lower_into(w, wn, lower, sizeof lower);
			if (fe_vn_syllable(lower)) {
				fe_say(f, lower);
				return (int)wn;
			}
		}
		fe_spell(f, w, wn);
		return (int)wn;
	}
	/* "VNeID" is mostly capitals: spelled; a lone capital ("khu B") is a
	 * letter name; "TikTok" and "Quảng" are left to the voice. */
	if ((up >= 2 && up > low) || (up == 1 && low == 0)) {
		fe_spell(f, w, wn);
		return (int)wn;
	}
	push_word(f, w, wn);
	return (int)wn;
}

/* ---- symbols and lines ---------------------------------------------- */

static int at_line_start(const struct fe *f, size_t q)
{
	while (q > 0) {
		int c = fe_at(f, q - 1);
		if (c == '\n')
			return 1;
		if (c != ' ' && c != '\t')
			return 0;
		q--;
	}
	return 1;
}

static int bullet(int32_t c)
{
	return c == '-' || c == '+' || c == '*' || c == 0x2022 || c == 0x2013 || c == 0x2014 || c == 0x25CF ||
	       c == 0x2023 || c == 0xB7;
}

static void newline(struct fe *f, size_t next)
{
	if (f->line_words) {
		size_t p = next, l;
		while (p < f->n && (is_space(fe_cp_at(f, p, &l)) || fe_at(f, p) == '\n'))
			p += l ? l : 1;
		if (f->sentences == 0 && !f->heading_done && f->nwords <= 15) {
			f->heading_done = 1;
			fe_pause(f, P_HEADING, '.');
			/* a heading is not a sentence for the "first colon" rule */
			f->sentences = 0;
		} else if (bullet(fe_cp_at(f, p, &l))) {
			fe_pause(f, P_ITEM, '.');
		} else {
			fe_pause(f, P_SENTENCE, '.');
		}
	}
	f->line_words = 0;
}

/* Words that follow a per-unit slash: "người/hộ", "lượt/ngày". */
static int per_word(const struct fe *f, size_t q)
{
	static const char *const per[] = { "năm", "tháng", "ngày", "giờ", "tuần", "quý", "người", "hộ",
					   "con", "liều", "lần", "suất", "khẩu", "sào", "mẫu", "buổi",
					   "chuyến", "lượt", "xã", "thôn", "lớp", "em", "cháu" };
	size_t e = q, l;
	while (e < f->n && is_letter(fe_cp_at(f, e, &l)))
		e += l;
	char w[LW_MAX];
	lower_into(f->s + q, e - q, w, sizeof w);
	for (size_t i = 0; i < ARRAY_LEN(per); i++)
		if (strcmp(w, per[i]) == 0)
			return 1;
	return 0;
}

/* Words before a per-unit slash: "đồng/kg", "5 triệu/m2", "60 tạ/ha". */
static const char per_before[] = "đồng|nghìn|ngàn|triệu|tỷ|tỉ|tạ|tấn|yến|lít|khối|cây|con|quả|bao";

/* Symbols that are read as a word wherever they stand. */
static const struct {
	int32_t cp;
	const char *word;
} symbol_words[] = {
	{ '&', "và" },       { '=', "bằng" },     { '%', "phần trăm" }, { '@', "a còng" },
	{ '~', "khoảng" },   { '>', "lớn hơn" },  { '<', "nhỏ hơn" },   { 0xB0, "độ" },
	{ '#', "số" },       { '$', "đô la" },    { 0x20AC, "ơ rô" },   { 0xD7, "nhân" },
	{ 0x20AB, "đồng" },  { 0x2030, "phần nghìn" },
};

static size_t rule_symbol(struct fe *f, size_t q)
{
	size_t l;
	int32_t c = fe_cp_at(f, q, &l);
	int32_t prev = cp_before(f, q);
	size_t nl;
	int32_t next = fe_cp_at(f, q + l, &nl);
	switch (c) {
	case ',':
		fe_pause(f, P_COMMA, ',');
		break;
	case ';':
		fe_pause(f, P_ITEM, ',');
		break;
	case ':':
		if (f->sentences == 0 && !f->heading_done && f->nwords && f->nwords <= 15) {
			f->heading_done = 1;
			fe_pause(f, P_HEADING, ',');
		} else {
			fe_pause(f, P_COMMA, ',');
		}
		break;
	case '.':
	case '!':
	case '?':
	case 0x2026: { /* … */
		size_t e = q + l;
		while (fe_at(f, e) == '.' || fe_at(f, e) == '!' || fe_at(f, e) == '?')
			e++;
		fe_pause(f, P_SENTENCE, c == '!' || c == '?' ? (char)c : '.');
		return e - q;
	}
	case '(':
	case ')':
	case '[':
	case ']':
	case '{':
	case '}':
		fe_pause(f, P_COMMA, ',');
		break;
	case '-':
	case 0x2013:
	case 0x2014:
		if (at_line_start(f, q) && !fe_isdig(next))
			break; /* a list bullet */
		if (fe_isdig(next) && (prev < 0 || is_space(prev) || prev == '(')) {
			fe_say(f, "âm");
			break;
		}
		if (is_space(prev) || is_space(next) || c != '-')
			fe_pause(f, P_COMMA, ',');
		break; /* "QĐ-UBND", "Cô-vít": a word joiner, read as a space */
	case '+':
		if (!at_line_start(f, q))
			fe_say(f, "cộng");
		break;
	case '/':
		if (is_letter(next) && (f->quantity || fe_lw_is(f, 0, per_before) || per_word(f, q + 1))) {
			size_t ul;
			const struct unit *u = tts_unit_at(f, q + 1, &ul);
			fe_say(f, "một");
			if (u) {
				tts_unit_say(f, u);
				return 1 + ul;
			}
		} else {
			fe_say(f, "trên");
		}
		break;
	case 0x2022:
	case 0x25CF:
	case 0xB7:
		if (!at_line_start(f, q))
			fe_pause(f, P_COMMA, ',');
		break;
	default:
		/* symbols read as a word; quotes, emoji and the rest are not spoken */
		for (size_t i = 0; i < ARRAY_LEN(symbol_words); i++)
			if (symbol_words[i].cp == c) {
				fe_say(f, c == 0x2030 && f->o->style.ngan ? "phần ngàn" : symbol_words[i].word);
				break;
			}
		break;
	}
	return l;
}

/* ---- driver ---------------------------------------------------------- */

/* Copies at most TTS_FRONT_MAX_IN bytes, replacing invalid UTF-8 and
 * control characters with spaces and line ends with '\n', then NFC. */
static char *normalise(const char *text)
{
	size_t n = strnlen(text, TTS_FRONT_MAX_IN);
	struct sbuf b;
	sbuf_init(&b);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0) {
			sbuf_addc(&b, ' ');
			i++;
			continue;
		}
		if (c == '\r') {
			sbuf_addc(&b, '\n');
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		} else if (c == '\n' || c == 0x2028 || c == 0x2029 || c == 0x85) {
			sbuf_addc(&b, '\n');
		} else if (c < 32 || c == 127 || (c >= 0x80 && c < 0xA0)) {
			sbuf_addc(&b, ' ');
		} else {
			sbuf_addn(&b, (const char *)p + i, (size_t)k);
		}
		i += (size_t)k;
	}
	char *raw = sbuf_take(&b);
	utf8proc_uint8_t *nfc = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)raw, 0, &nfc,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE) < 0 || !nfc) {
		free(nfc);
		return raw;
	}
	free(raw);
	return (char *)nfc;
}

char *tts_frontend(const struct tts_opts *o, const char *text)
{
	struct tts_opts def;
	if (!o) {
		tts_front_opts_init(&def);
		o = &def;
	}
	struct fe f;
	memset(&f, 0, sizeof f);
	f.o = o;
	char *norm = normalise(text ? text : "");
	f.s = norm;
	f.n = strlen(norm);
	sbuf_init(&f.out);
	if (o->ssml)
		sbuf_add(&f.out, "<speak>");
	size_t q = 0;
	while (q < f.n) {
		size_t l;
		int32_t c = fe_cp_at(&f, q, &l);
		if (c == '\n') {
			newline(&f, q + 1);
			q++;
			continue;
		}
		if (is_space(c)) {
			q += l;
			continue;
		}
		int used = 0;
		if (fe_isdig(c) || c == '+' || c == '(') {
			if (!fe_isdig(c) || !(used = tts_rule_code(&f, q)))
				used = tts_rule_phone(&f, q);
			if (!used && c == '(')
				used = tts_rule_echo(&f, q);
			if (!used && fe_isdig(c)) {
				if (!(used = tts_rule_code_shape(&f, q)) && !(used = tts_rule_hotline(&f, q)) &&
				    !(used = tts_rule_date_range(&f, q)) &&
				    !(used = tts_rule_full_date(&f, q)) && !(used = tts_rule_month_year(&f, q)) &&
				    !(used = tts_rule_short_date(&f, q)) && !(used = tts_rule_fraction(&f, q)) &&
				    !(used = tts_rule_ratio(&f, q)) && !(used = tts_rule_time(&f, q)))
					used = tts_rule_quantity(&f, q);
			}
		} else if (is_letter(c)) {
			if (!(used = tts_rule_addr(&f, q)) && !(used = tts_rule_code_word(&f, q)) &&
			    !(used = tts_rule_road(&f, q)) && !(used = tts_rule_storm(&f, q)) &&
			    !(used = tts_unit_word(&f, q)))
				used = rule_word(&f, q);
		}
		if (used > 0) {
			q += (size_t)used;
			continue;
		}
		q += rule_symbol(&f, q);
	}
	if (f.pend == P_SENTENCE || (f.pend == P_HEADING && f.pend_ch == '.')) {
		if (f.nwords)
			sbuf_addc(&f.out, f.pend_ch);
	}
	if (o->ssml)
		sbuf_add(&f.out, "</speak>");
	free(norm);
	return sbuf_take(&f.out);
}

void tts_front_opts_init(struct tts_opts *o)
{
	memset(o, 0, sizeof *o);
	o->style.khong_tram = 1;
}

int tts_front_load(struct tts_opts *o, const struct tts_config *cfg, char *err, size_t errlen)
{
	tts_front_opts_init(o);
	o->style.ngan = cfg->ngan;
	o->style.le = cfg->le;
	o->style.khong_tram = cfg->khong_tram;
	char *ab = cfg->abbrev[0] ? xstrdup(cfg->abbrev) :
					util_path_join(cfg->datadir, "abbreviations.tsv");
	char *lo = cfg->loanwords[0] ? xstrdup(cfg->loanwords) :
					   util_path_join(cfg->datadir, "loanwords.tsv");
	struct tts_dict *a = NULL, *b = NULL;
	int rc = tts_dict_load(&a, TTS_DICT_ABBREV, ab, err, errlen);
	if (rc == 0)
		rc = tts_dict_load(&b, TTS_DICT_LOAN, lo, err, errlen);
	free(ab);
	free(lo);
	if (rc != 0) {
		tts_dict_free(a);
		return -1;
	}
	o->abbrev = a;
	o->loan = b;
	return 0;
}

void tts_front_unload(struct tts_opts *o)
{
	tts_dict_free((struct tts_dict *)o->abbrev);
	tts_dict_free((struct tts_dict *)o->loan);
	o->abbrev = o->loan = NULL;
}
