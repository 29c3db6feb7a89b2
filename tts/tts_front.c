/* tts_front — see tts_front.h.
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

#include "tts/tts_config.h"
#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum pause { P_NONE = 0, P_COMMA, P_ITEM, P_HEADING, P_SENTENCE };

#define LW 3        /* last words remembered for cues */
#define LW_MAX 32   /* bytes of one remembered word */

struct fe {
	const struct tts_opts *o;
	const char *s;
	size_t n;
	struct sbuf out;
	enum pause pend;
	char pend_ch;
	size_t nwords;      /* words written */
	int sentences;      /* sentence pauses queued so far */
	int heading_done;
	int quantity;       /* the last thing said was a number, unit or amount */
	int line_words;     /* words emitted on the current input line */
	char lw[LW][LW_MAX];
};

/* ---- characters ---------------------------------------------------- */

static int at(const struct fe *f, size_t q)
{
	return q < f->n ? (unsigned char)f->s[q] : 0;
}

static int isdig(int c)
{
	return c >= '0' && c <= '9';
}

/* Codepoint at q (the text is valid UTF-8 after normalisation); -1 at end. */
static int32_t cp_at(const struct fe *f, size_t q, size_t *len)
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

static int is_upper(int32_t c)
{
	if (c < 0)
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LT;
}

static int is_lower(int32_t c)
{
	return c >= 0 && utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

static int is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x200B || c == 0xFEFF ||
	       (c > 127 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS);
}

static int letter_at(const struct fe *f, size_t q)
{
	size_t l;
	return is_letter(cp_at(f, q, &l));
}

/* Letter or digit at q: the test for "is this the end of a token". */
static int alnum_at(const struct fe *f, size_t q)
{
	return isdig(at(f, q)) || letter_at(f, q);
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
	return cp_at(f, b, &l);
}

/* The last non-space codepoint before q, or -1. */
static int32_t nonspace_before(const struct fe *f, size_t q)
{
	while (q > 0) {
		size_t b = q - 1;
		while (b > 0 && ((unsigned char)f->s[b] & 0xC0) == 0x80)
			b--;
		size_t l;
		int32_t c = cp_at(f, b, &l);
		if (!is_space(c))
			return c;
		q = b;
	}
	return -1;
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

static void pause(struct fe *f, enum pause p, char ch)
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
static void say(struct fe *f, const char *words)
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

static void say_sbuf(struct fe *f, struct sbuf *b)
{
	if (b->s)
		say(f, b->s);
	sbuf_reset(b);
}

static void say_card(struct fe *f, uint64_t v)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_cardinal(&b, v, &f->o->style);
	say_sbuf(f, &b);
	sbuf_free(&b);
}

static void say_digits(struct fe *f, const char *s, size_t n)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_digits(&b, s, n);
	say_sbuf(f, &b);
	sbuf_free(&b);
}

static void say_month(struct fe *f, int m)
{
	struct sbuf b;
	sbuf_init(&b);
	tts_num_month(&b, m, &f->o->style);
	say_sbuf(f, &b);
	sbuf_free(&b);
}

/* Is the i-th last word (0 = last) one of the '|'-separated `alts`? */
static int lw_is(const struct fe *f, int i, const char *alts)
{
	const char *w = f->lw[i];
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

/* ---- numbers ------------------------------------------------------- */

struct num {
	size_t start, end;
	uint64_t ival;
	int idig;         /* integer digits (without group dots) */
	int grouped;      /* 1.500.000 */
	int lead0;        /* integer part written with a leading zero */
	int big;          /* too many digits to read as a cardinal */
	size_t frac;      /* offset of decimal digits, 0 if none */
	int nfrac;
};

/* Runs of digits at q: returns the count, the value in *v (capped). */
static int digit_run(const struct fe *f, size_t q, uint64_t *v)
{
	int k = 0;
	uint64_t x = 0;
	while (isdig(at(f, q + (size_t)k))) {
		if (x < 100000000000000000ULL)
			x = x * 10 + (uint64_t)(at(f, q + (size_t)k) - '0');
		k++;
	}
	if (v)
		*v = x;
	return k;
}

static int scan_num(const struct fe *f, size_t q, struct num *m)
{
	memset(m, 0, sizeof *m);
	m->start = q;
	uint64_t v;
	int k = digit_run(f, q, &v);
	if (!k)
		return 0;
	m->lead0 = at(f, q) == '0' && k > 1;
	m->idig = k;
	m->ival = v;
	size_t e = q + (size_t)k;
	if (k <= 3 && !m->lead0) {
		while (at(f, e) == '.' && digit_run(f, e + 1, NULL) == 3) {
			uint64_t g;
			digit_run(f, e + 1, &g);
			m->grouped = 1;
			m->idig += 3;
			if (m->ival < 100000000000000000ULL)
				m->ival = m->ival * 1000 + g;
			e += 4;
		}
	}
	if ((at(f, e) == ',' || (!m->grouped && at(f, e) == '.')) && isdig(at(f, e + 1))) {
		int fk = digit_run(f, e + 1, NULL);
		/* "1.234" without grouping was taken above; a dot here is a decimal
		 * point only if it is not a thousands group ("3.5", "0.75"). */
		if (at(f, e) == ',' || fk != 3) {
			m->frac = e + 1;
			m->nfrac = fk;
			e += 1 + (size_t)fk;
		}
	}
	m->big = m->idig > 15;
	m->end = e;
	return 1;
}

static void say_num(struct fe *f, const struct num *m)
{
	if (m->big || (!m->grouped && m->lead0 && m->idig >= 5)) {
		say_digits(f, f->s + m->start, (m->frac ? m->frac - 1 : m->end) - m->start);
	} else {
		say_card(f, m->ival);
	}
	if (m->frac) {
		say(f, "phẩy");
		const char *d = f->s + m->frac;
		if (m->nfrac <= 2 && d[0] != '0') {
			uint64_t v;
			digit_run(f, m->frac, &v);
			say_card(f, v);
		} else {
			say_digits(f, d, (size_t)m->nfrac);
		}
	}
	f->quantity = 1;
}

/* A plain small integer at q (no grouping, no decimals): value or -1. */
static long small_int(const struct fe *f, size_t q, int maxdig, size_t *end)
{
	uint64_t v;
	int k = digit_run(f, q, &v);
	if (k < 1 || k > maxdig)
		return -1;
	*end = q + (size_t)k;
	return (long)v;
}

/* ---- rule: phone numbers ------------------------------------------- */

static int sep_char(int c)
{
	return c == ' ' || c == '.' || c == '-';
}

static void say_group_list(struct fe *f, const char *s, const int *len, int ngroups)
{
	const char *p = s;
	for (int i = 0; i < ngroups; i++) {
		if (i)
			pause(f, P_COMMA, ',');
		say_digits(f, p, (size_t)len[i]);
		p += len[i];
	}
}

/* Splits an ungrouped national number the way people write it. */
static int split_plain(int total, int *len)
{
	if (total == 10) {
		len[0] = 4, len[1] = 3, len[2] = 3;
		return 3;
	}
	if (total == 11) {
		len[0] = 4, len[1] = 3, len[2] = 4;
		return 3;
	}
	if (total == 9) {
		len[0] = 3, len[1] = 3, len[2] = 3;
		return 3;
	}
	len[0] = total;
	return 1;
}

static int rule_phone(struct fe *f, size_t q)
{
	size_t p = q;
	int paren = 0, plus = 0;
	if (at(f, p) == '(') {
		paren = 1;
		p++;
	}
	if (at(f, p) == '+') {
		plus = 1;
		p++;
	}
	if (!isdig(at(f, p)))
		return 0;
	char digits[24];
	int glen[12], ng = 0, total = 0;
	for (;;) {
		int k = digit_run(f, p, NULL);
		if (!k || total + k > 20 || ng >= 12)
			return 0;
		memcpy(digits + total, f->s + p, (size_t)k);
		total += k;
		glen[ng++] = k;
		p += (size_t)k;
		if (paren == 1 && at(f, p) == ')') {
			paren = 2;
			p++;
			if (at(f, p) == ' ' && isdig(at(f, p + 1)))
				p++;
			else if (!isdig(at(f, p)))
				return 0;
			continue;
		}
		if (sep_char(at(f, p)) && isdig(at(f, p + 1)) && total < 12) {
			/* a separator followed by a short group of 2..5 digits */
			int nk = digit_run(f, p + 1, NULL);
			if (nk < 2 || nk > 5)
				break;
			p++;
			continue;
		}
		break;
	}
	if (paren == 1)
		return 0;
	if (isdig(at(f, p)) || letter_at(f, p) || isdig((int)(q ? at(f, q - 1) : 0)))
		return 0;
	digits[total] = '\0';
	int start = 0;
	if (plus) {
		/* the country code must be a group of its own or start the first */
		if (total < 11 || total > 12 || strncmp(digits, "84", 2) != 0 || glen[0] < 2 ||
		    (glen[0] > 2 && glen[0] < 5))
			return 0;
		say(f, "cộng tám tư");
		pause(f, P_COMMA, ',');
		start = 2;
		if (glen[0] == 2) {
			memmove(glen, glen + 1, sizeof glen[0] * (size_t)(--ng));
		} else {
			glen[0] -= 2;
		}
	} else {
		if (digits[0] != '0' || total < 10 || total > 11)
			return 0;
		if (ng > 1 && glen[0] < 2)
			return 0;
	}
	if (ng == 1)
		ng = split_plain(total - start, glen);
	int sum = 0;
	for (int i = 0; i < ng; i++)
		sum += glen[i];
	if (sum != total - start)
		return 0;
	say_group_list(f, digits + start, glen, ng);
	f->quantity = 0;
	return (int)(p - q);
}

/* ---- rule: hotlines and emergency numbers -------------------------- */

static int call_cue(const struct fe *f)
{
	return lw_is(f, 0, "gọi|hotline|nóng|đài|thoại|đt|sđt|bấm") ||
	       (lw_is(f, 0, "số") && lw_is(f, 1, "gọi|thoại|đài|nóng"));
}

static int rule_hotline(struct fe *f, size_t q)
{
	if (q && isdig(at(f, q - 1)))
		return 0;
	int k = digit_run(f, q, NULL);
	if (k >= 4 && (strncmp(f->s + q, "1800", 4) == 0 || strncmp(f->s + q, "1900", 4) == 0)) {
		size_t p = q + (size_t)k;
		int glen[4] = { k, 0, 0, 0 }, ng = 1, total = k;
		while (ng < 4 && sep_char(at(f, p)) && isdig(at(f, p + 1))) {
			int nk = digit_run(f, p + 1, NULL);
			if (nk < 2 || nk > 4 || total + nk > 10)
				break;
			glen[ng++] = nk;
			total += nk;
			p += 1 + (size_t)nk;
		}
		if ((total == 8 || total == 10) && !alnum_at(f, p)) {
			char d[16];
			size_t o = 0;
			for (size_t i = q; i < p; i++)
				if (isdig(at(f, i)))
					d[o++] = f->s[i];
			if (ng == 1) {
				glen[0] = 4, glen[1] = total - 4;
				ng = 2;
				if (total == 10)
					glen[1] = 3, glen[2] = 3, ng = 3;
			}
			say_group_list(f, d, glen, ng);
			return (int)(p - q);
		}
	}
	if (k >= 3 && k <= 5 && call_cue(f)) {
		size_t p = q + (size_t)k;
		if (alnum_at(f, p) || ((at(f, p) == '.' || at(f, p) == ',') && isdig(at(f, p + 1))))
			return 0;
		say_digits(f, f->s + q, (size_t)k);
		return k;
	}
	return 0;
}

/* ---- rules: dates -------------------------------------------------- */

static int valid_dm(long d, long m)
{
	return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

static int valid_year(long y, int ndig)
{
	return ndig == 4 && y >= 1000 && y <= 2999;
}

/* A date component boundary: the date must not run on into more digits. */
static int date_end_ok(const struct fe *f, size_t p)
{
	if (isdig(at(f, p)) || letter_at(f, p))
		return 0;
	if ((at(f, p) == '/' || at(f, p) == '-' || at(f, p) == '.') && isdig(at(f, p + 1)))
		return 0;
	return 1;
}

static void say_dmy(struct fe *f, long d, long m, long y, int with_ngay)
{
	if (with_ngay)
		say(f, "ngày");
	say_card(f, (uint64_t)d);
	say(f, "tháng");
	say_month(f, (int)m);
	if (y >= 0) {
		say(f, "năm");
		say_card(f, (uint64_t)y);
	}
}

/* Optional "/yyyy" at p; returns the year or -1 and advances *p. */
static long opt_year(const struct fe *f, size_t *p, char sep)
{
	if (at(f, *p) != sep)
		return -1;
	uint64_t y;
	int k = digit_run(f, *p + 1, &y);
	if (!valid_year((long)y, k))
		return -1;
	*p += 1 + (size_t)k;
	return (long)y;
}

static int rule_date_range(struct fe *f, size_t q)
{
	size_t p, e;
	long d1 = small_int(f, q, 2, &e), d2, m1 = -1, m2, y;
	if (d1 < 0)
		return 0;
	p = e;
	if (at(f, p) == '/') { /* d1/m1-d2/m2[/yyyy] */
		m1 = small_int(f, p + 1, 2, &e);
		if (m1 < 0)
			return 0;
		p = e;
	}
	if (!(at(f, p) == '-' || (at(f, p) == 0xE2 && at(f, p + 1) == 0x80 && at(f, p + 2) == 0x93)))
		return 0;
	p += at(f, p) == '-' ? 1 : 3;
	d2 = small_int(f, p, 2, &e);
	if (d2 < 0 || at(f, e) != '/')
		return 0;
	p = e;
	m2 = small_int(f, p + 1, 2, &e);
	if (m2 < 0)
		return 0;
	p = e;
	y = opt_year(f, &p, '/');
	if (!date_end_ok(f, p))
		return 0;
	if (m1 < 0) {
		if (!valid_dm(d1, m2) || !valid_dm(d2, m2) || d1 >= d2)
			return 0;
	} else if (!valid_dm(d1, m1) || !valid_dm(d2, m2) || m1 > m2 || (m1 == m2 && d1 >= d2)) {
		return 0;
	}
	if (lw_is(f, 0, "ngày")) {
		/* "nghỉ học ngày 28-29/9": the range needs its "từ" before the
		 * "ngày" already written */
		size_t nl = strlen("ngày");
		if (!lw_is(f, 1, "từ|đến") && f->pend == P_NONE && f->out.len >= nl &&
		    (f->out.len == nl || f->out.s[f->out.len - nl - 1] == ' ') &&
		    (memcmp(f->out.s + f->out.len - nl, "ngày", nl) == 0 ||
		     memcmp(f->out.s + f->out.len - nl, "Ngày", nl) == 0)) {
			int cap = f->out.s[f->out.len - nl] == 'N';
			f->out.len -= nl;
			f->out.s[f->out.len] = '\0';
			while (f->out.len && f->out.s[f->out.len - 1] == ' ')
				f->out.s[--f->out.len] = '\0';
			f->nwords--;
			say(f, cap ? "Từ" : "từ");
			say(f, "ngày");
		}
	} else if (lw_is(f, 0, "từ")) {
		say(f, "ngày");
	} else {
		say(f, "từ ngày");
	}
	say_card(f, (uint64_t)d1);
	if (m1 >= 0) {
		say(f, "tháng");
		say_month(f, (int)m1);
	}
	say(f, "đến");
	say_dmy(f, d2, m2, y, 1);
	return (int)(p - q);
}

static int rule_full_date(struct fe *f, size_t q)
{
	size_t e;
	long d = small_int(f, q, 2, &e);
	if (d < 0)
		return 0;
	char sep = (char)at(f, e);
	if (sep != '/' && sep != '-' && sep != '.')
		return 0;
	long m = small_int(f, e + 1, 2, &e);
	if (m < 0 || at(f, e) != sep)
		return 0;
	size_t p = e;
	long y = opt_year(f, &p, sep);
	if (y < 0 || !valid_dm(d, m) || !date_end_ok(f, p))
		return 0;
	say_dmy(f, d, m, y, !lw_is(f, 0, "ngày"));
	return (int)(p - q);
}

static int rule_month_year(struct fe *f, size_t q)
{
	if (!lw_is(f, 0, "tháng"))
		return 0;
	size_t e;
	long m = small_int(f, q, 2, &e);
	if (m < 1 || m > 12)
		return 0;
	size_t p = e;
	long y = opt_year(f, &p, '/');
	if (y < 0) {
		p = e;
		y = opt_year(f, &p, '-');
	}
	if (y < 0 || !date_end_ok(f, p))
		return 0;
	say_month(f, (int)m);
	say(f, "năm");
	say_card(f, (uint64_t)y);
	return (int)(p - q);
}

static int date_cue(const struct fe *f, size_t q)
{
	if (nonspace_before(f, q) == '(')
		return 1;
	if (lw_is(f, 0, "ngày|sáng|chiều|tối|trưa|đêm|từ|đến|hết|hôm|nhật"))
		return 1;
	return lw_is(f, 1, "thứ") && lw_is(f, 0, "hai|ba|tư|năm|sáu|bảy");
}

static int rule_short_date(struct fe *f, size_t q)
{
	if (!date_cue(f, q))
		return 0;
	size_t e;
	long d = small_int(f, q, 2, &e);
	if (d < 0 || at(f, e) != '/')
		return 0;
	long m = small_int(f, e + 1, 2, &e);
	if (!valid_dm(d, m) || !date_end_ok(f, e))
		return 0;
	say_dmy(f, d, m, -1, !lw_is(f, 0, "ngày"));
	return (int)(e - q);
}

/* ---- rule: times --------------------------------------------------- */

/* A time at q: "7h", "7h30", "7g30", "14:00".  Returns the end or 0. */
static size_t scan_time(const struct fe *f, size_t q, long *h, long *mi)
{
	size_t e;
	*h = small_int(f, q, 2, &e);
	*mi = 0;
	if (*h < 0 || *h > 24)
		return 0;
	int c = at(f, e);
	if (c == 'h' || c == 'H' || c == 'g') {
		size_t p = e + 1;
		if (isdig(at(f, p))) {
			int k = digit_run(f, p, NULL);
			if (k != 2)
				return 0;
			*mi = (at(f, p) - '0') * 10 + (at(f, p + 1) - '0');
			if (*mi > 59)
				return 0;
			p += 2;
			if (at(f, p) == '\'' || ((at(f, p) == 'p') && !letter_at(f, p + 1)))
				p++;
		} else if (c == 'g') {
			return 0; /* "5g" is five grams */
		}
		if (letter_at(f, p) || isdig(at(f, p)))
			return 0;
		return p;
	}
	if (c == ':' && digit_run(f, e + 1, NULL) == 2) {
		*mi = (at(f, e + 1) - '0') * 10 + (at(f, e + 2) - '0');
		if (*mi > 59)
			return 0;
		size_t p = e + 3;
		if (alnum_at(f, p) || (at(f, p) == ':' && isdig(at(f, p + 1))))
			return 0;
		return p;
	}
	return 0;
}

static void say_time(struct fe *f, long h, long mi)
{
	say_card(f, (uint64_t)h);
	say(f, "giờ");
	if (mi) {
		say_card(f, (uint64_t)mi);
		say(f, "phút");
	}
}

/* A range dash at p ("-", "–", " - ", " – "); returns its length or 0. */
static size_t range_dash(const struct fe *f, size_t p, int allow_spaced)
{
	if (at(f, p) == '-')
		return 1;
	if (at(f, p) == 0xE2 && at(f, p + 1) == 0x80 && (at(f, p + 2) == 0x93 || at(f, p + 2) == 0x94))
		return 3;
	if (at(f, p) == '~')
		return 1;
	if (allow_spaced && at(f, p) == ' ') {
		size_t k = range_dash(f, p + 1, 0);
		if (k && at(f, p + 1 + k) == ' ')
			return k + 2;
	}
	return 0;
}

static int rule_time(struct fe *f, size_t q)
{
	long h1, m1, h2, m2;
	size_t e1 = scan_time(f, q, &h1, &m1);
	size_t d, e2;
	if (!e1) {
		/* "7-11h": a bare hour, then a time */
		size_t e;
		h1 = small_int(f, q, 2, &e);
		m1 = 0;
		if (h1 < 0 || h1 > 24 || !(d = range_dash(f, e, 0)))
			return 0;
		e2 = scan_time(f, e + d, &h2, &m2);
		if (!e2 || (at(f, e2 - 1) != 'h' && at(f, e2 - 1) != 'H') || h2 <= h1)
			return 0;
	} else if ((d = range_dash(f, e1, 1)) && (e2 = scan_time(f, e1 + d, &h2, &m2))) {
		/* a range of two times */
	} else {
		say_time(f, h1, m1);
		return (int)(e1 - q);
	}
	if (!lw_is(f, 0, "từ"))
		say(f, "từ");
	say_time(f, h1, m1);
	say(f, "đến");
	say_time(f, h2, m2);
	return (int)(e2 - q);
}

/* ---- rule: quantities (money, units, percent, ranges) -------------- */

enum { U_SPACED = 1, U_MONEY_K = 2 };

static const struct unit {
	const char *w;
	const char *say;
	int flags;
} units[] = {
	{ "km/h", "ki lô mét một giờ", U_SPACED },
	{ "m/s", "mét một giây", U_SPACED },
	{ "kWh", "ki lô oát giờ", U_SPACED },
	{ "km²", "ki lô mét vuông", U_SPACED },
	{ "km2", "ki lô mét vuông", 0 },
	{ "VNĐ", "đồng", U_SPACED },
	{ "VND", "đồng", U_SPACED },
	{ "vnđ", "đồng", U_SPACED },
	{ "vnd", "đồng", U_SPACED },
	{ "°C", "độ xê", U_SPACED },
	{ "°F", "độ ép", U_SPACED },
	{ "mm", "mi li mét", U_SPACED },
	{ "cm", "xen ti mét", U_SPACED },
	{ "dm", "đề xi mét", U_SPACED },
	{ "km", "ki lô mét", U_SPACED },
	{ "Km", "ki lô mét", U_SPACED },
	{ "m²", "mét vuông", U_SPACED },
	{ "m2", "mét vuông", 0 },
	{ "m³", "mét khối", U_SPACED },
	{ "m3", "mét khối", 0 },
	{ "ha", "héc ta", U_SPACED },
	{ "kg", "ki lô gam", U_SPACED },
	{ "mg", "mi li gam", U_SPACED },
	{ "ml", "mi li lít", U_SPACED },
	{ "kV", "ki lô vôn", U_SPACED },
	{ "kW", "ki lô oát", U_SPACED },
	{ "MW", "mê ga oát", U_SPACED },
	{ "Hz", "héc", U_SPACED },
	{ "tr", "triệu đồng", 0 },
	{ "đ", "đồng", 0 },
	{ "k", NULL, U_MONEY_K },
	{ "K", NULL, U_MONEY_K },
	{ "%", "phần trăm", U_SPACED },
	{ "°", "độ", U_SPACED },
	{ "m", "mét", U_SPACED },
	{ "g", "gam", 0 },
	{ "l", "lít", 0 },
	{ "V", "vôn", 0 },
	{ "W", "oát", 0 },
};

/* A unit starting exactly at p (no space skipping), ending at a boundary. */
static const struct unit *unit_at(const struct fe *f, size_t p, size_t *len)
{
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		size_t l = strlen(units[i].w);
		if (p + l > f->n || memcmp(f->s + p, units[i].w, l) != 0)
			continue;
		int last = (unsigned char)units[i].w[l - 1];
		if (letter_at(f, p + l) || (isdig(last) && isdig(at(f, p + l))))
			continue;
		if ((last == 'k' || last == 'K' || isdig(last)) && isdig(at(f, p + l)))
			continue;
		*len = l;
		return &units[i];
	}
	return NULL;
}

/* The unit after a number: attached, or after one space if it allows. */
static const struct unit *unit_after(const struct fe *f, size_t p, size_t *len)
{
	const struct unit *u = unit_at(f, p, len);
	if (u)
		return u;
	if (at(f, p) == ' ' || (at(f, p) == 0xC2 && at(f, p + 1) == 0xA0)) {
		size_t sp = at(f, p) == ' ' ? 1 : 2;
		u = unit_at(f, p + sp, len);
		if (u && (u->flags & U_SPACED)) {
			*len += sp;
			return u;
		}
	}
	return NULL;
}

static void say_unit(struct fe *f, const struct unit *u)
{
	if (u->flags & U_MONEY_K)
		say(f, f->o->style.ngan ? "ngàn đồng" : "nghìn đồng");
	else
		say(f, u->say);
	f->quantity = 1;
}

/* "1234/QĐ-UBND", "12/2024/NĐ-CP": the code after the number is not read. */
static size_t doc_code(const struct fe *f, size_t p, long *year)
{
	*year = -1;
	size_t q = p;
	if (at(f, q) != '/')
		return 0;
	if (isdig(at(f, q + 1))) {
		uint64_t y;
		int k = digit_run(f, q + 1, &y);
		if (!valid_year((long)y, k) || at(f, q + 1 + (size_t)k) != '/')
			return 0;
		*year = (long)y;
		q += 1 + (size_t)k;
	}
	q++;
	size_t l;
	int32_t c = cp_at(f, q, &l);
	if (!is_upper(c))
		return 0;
	while (q < f->n) {
		c = cp_at(f, q, &l);
		if (is_upper(c) || c == '-' || c == '&' || isdig(c)) {
			if (c == '-' && !is_upper(cp_at(f, q + 1, &l)))
				break;
			q += l;
		} else if (is_lower(c)) {
			return 0;
		} else {
			break;
		}
	}
	return q;
}

static int rule_quantity(struct fe *f, size_t q)
{
	struct num a, b;
	if (!scan_num(f, q, &a))
		return 0;
	size_t p = a.end;
	int range = 0;
	size_t d = range_dash(f, p, 1);
	if (d && scan_num(f, p + d, &b) && !a.big && !b.big) {
		double va = (double)a.ival, vb = (double)b.ival;
		if (a.frac)
			va += 0.5;
		if (b.frac)
			vb += 0.5;
		if (va < vb && !(b.end < f->n && at(f, b.end) == '/' && isdig(at(f, b.end + 1))))
			range = 1;
	}
	size_t ulen = 0;
	const struct unit *u = unit_after(f, range ? b.end : a.end, &ulen);
	if (range) {
		if (lw_is(f, 0, "cấp") && !u) {
			say_num(f, &a);
			say(f, "đến cấp");
			say_num(f, &b);
			return (int)(b.end - q);
		}
		if (u && !lw_is(f, 0, "từ|khoảng"))
			say(f, "từ");
		say_num(f, &a);
		say(f, "đến");
		say_num(f, &b);
		p = b.end;
	} else {
		long year;
		size_t dc = a.frac ? 0 : doc_code(f, a.end, &year);
		if (dc) {
			say_num(f, &a);
			if (year >= 0) {
				say(f, "năm");
				say_card(f, (uint64_t)year);
			}
			f->quantity = 0;
			return (int)(dc - q);
		}
		if (!u && !a.grouped && !a.frac && lw_is(f, 0, "thứ")) {
			struct sbuf o;
			sbuf_init(&o);
			tts_num_ordinal(&o, a.ival, &f->o->style);
			say_sbuf(f, &o);
			sbuf_free(&o);
			return (int)(a.end - q);
		}
		say_num(f, &a);
		p = a.end;
	}
	if (u) {
		say_unit(f, u);
		p += ulen;
	}
	f->quantity = 1;
	return (int)(p - q);
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

static void spell(struct fe *f, const char *w, size_t n)
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
			say(f, name);
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
static int vn_syllable(const char *w)
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
	if (lw_is(f, 0, "khóa|khoá|quý|đợt|kỳ|kì|phần|chương|mục|cấp|hạng|loại|thứ|tập|lần|vùng|khu"))
		return 1;
	return (lw_is(f, 0, "họp") && lw_is(f, 1, "kỳ|kì")) || (lw_is(f, 0, "hội") && lw_is(f, 1, "đại")) ||
	       (lw_is(f, 0, "động") && lw_is(f, 1, "báo")) || (lw_is(f, 0, "kỷ|kỉ") && lw_is(f, 1, "thế")) ||
	       (lw_is(f, 0, "đoạn") && lw_is(f, 1, "giai")) || (lw_is(f, 0, "vực") && lw_is(f, 1, "khu"));
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
		int ends_word = isdig(last) || is_letter(lc);
		if (!ends_word || !alnum_at(f, q + kl)) {
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
	while (q < f->n && is_letter(cp_at(f, q, &l)))
		q += l;
	return q;
}

static int rule_word(struct fe *f, size_t q)
{
	size_t alen;
	const char *ab = abbrev_at(f, q, &alen);
	if (ab) {
		say(f, ab);
		return (int)alen;
	}
	size_t we = word_end(f, q);
	const char *w = f->s + q;
	size_t wn = we - q;
	/* weekdays written T2..T7 */
	if (wn == 1 && w[0] == 'T' && at(f, we) >= '2' && at(f, we) <= '7' && !alnum_at(f, we + 1)) {
		say(f, "thứ");
		say(f, tts_num_digit(at(f, we) - '0'));
		return 2;
	}
	int rv = roman_value(w, wn);
	if (rv && roman_keyword(f)) {
		struct sbuf b;
		sbuf_init(&b);
		if (lw_is(f, 0, "thứ"))
			tts_num_ordinal(&b, (uint64_t)rv, &f->o->style);
		else
			tts_num_cardinal(&b, (uint64_t)rv, &f->o->style);
		say_sbuf(f, &b);
		sbuf_free(&b);
		return (int)wn;
	}
	const char *loan = tts_dict_word(f->o->loan, w, wn);
	if (loan) {
		say(f, loan);
		return (int)wn;
	}
	int up = 0, low = 0;
	size_t l;
	for (size_t i = q; i < we; i += l) {
		int32_t c = cp_at(f, i, &l);
		up += is_upper(c);
		low += is_lower(c);
	}
	if (up >= 2 && low == 0) {
		char lower[256];
		if (wn < sizeof lower / 2) {
			lower_into(w, wn, lower, sizeof lower);
			if (vn_syllable(lower)) {
				say(f, lower);
				return (int)wn;
			}
		}
		spell(f, w, wn);
		return (int)wn;
	}
	/* "VNeID" is mostly capitals: spelled; a lone capital ("khu B") is a
	 * letter name; "TikTok" and "Quảng" are left to the voice. */
	if ((up >= 2 && up > low) || (up == 1 && low == 0)) {
		spell(f, w, wn);
		return (int)wn;
	}
	push_word(f, w, wn);
	return (int)wn;
}

/* ---- symbols and lines ---------------------------------------------- */

static int at_line_start(const struct fe *f, size_t q)
{
	while (q > 0) {
		int c = at(f, q - 1);
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
		while (p < f->n && (is_space(cp_at(f, p, &l)) || at(f, p) == '\n'))
			p += l ? l : 1;
		if (f->sentences == 0 && !f->heading_done && f->nwords <= 15) {
			f->heading_done = 1;
			pause(f, P_HEADING, '.');
			/* a heading is not a sentence for the "first colon" rule */
			f->sentences = 0;
		} else if (bullet(cp_at(f, p, &l))) {
			pause(f, P_ITEM, '.');
		} else {
			pause(f, P_SENTENCE, '.');
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
	while (e < f->n && is_letter(cp_at(f, e, &l)))
		e += l;
	char w[LW_MAX];
	lower_into(f->s + q, e - q, w, sizeof w);
	for (size_t i = 0; i < ARRAY_LEN(per); i++)
		if (strcmp(w, per[i]) == 0)
			return 1;
	return 0;
}

/* Symbols that are read as a word wherever they stand. */
static const struct {
	int32_t cp;
	const char *word;
} symbol_words[] = {
	{ '&', "và" },       { '=', "bằng" },     { '%', "phần trăm" }, { '@', "a còng" },
	{ '~', "khoảng" },   { '>', "lớn hơn" },  { '<', "nhỏ hơn" },   { 0xB0, "độ" },
	{ '#', "số" },       { '$', "đô la" },    { 0x20AC, "ơ rô" },   { 0xD7, "nhân" },
};

static size_t rule_symbol(struct fe *f, size_t q)
{
	size_t l;
	int32_t c = cp_at(f, q, &l);
	int32_t prev = cp_before(f, q);
	size_t nl;
	int32_t next = cp_at(f, q + l, &nl);
	switch (c) {
	case ',':
		pause(f, P_COMMA, ',');
		break;
	case ';':
		pause(f, P_ITEM, ',');
		break;
	case ':':
		if (f->sentences == 0 && !f->heading_done && f->nwords && f->nwords <= 15) {
			f->heading_done = 1;
			pause(f, P_HEADING, ',');
		} else {
			pause(f, P_COMMA, ',');
		}
		break;
	case '.':
	case '!':
	case '?':
	case 0x2026: { /* … */
		size_t e = q + l;
		while (at(f, e) == '.' || at(f, e) == '!' || at(f, e) == '?')
			e++;
		pause(f, P_SENTENCE, c == '!' || c == '?' ? (char)c : '.');
		return e - q;
	}
	case '(':
	case ')':
	case '[':
	case ']':
	case '{':
	case '}':
		pause(f, P_COMMA, ',');
		break;
	case '-':
	case 0x2013:
	case 0x2014:
		if (at_line_start(f, q) && !isdig(next))
			break; /* a list bullet */
		if (isdig(next) && (prev < 0 || is_space(prev) || prev == '(')) {
			say(f, "âm");
			break;
		}
		if (is_space(prev) || is_space(next) || c != '-')
			pause(f, P_COMMA, ',');
		break; /* "QĐ-UBND", "Cô-vít": a word joiner, read as a space */
	case '+':
		if (!at_line_start(f, q))
			say(f, "cộng");
		break;
	case '/':
		if (is_letter(next) && (f->quantity || lw_is(f, 0, "đồng") || per_word(f, q + 1))) {
			size_t ul;
			const struct unit *u = unit_at(f, q + 1, &ul);
			say(f, "một");
			if (u) {
				say_unit(f, u);
				return 1 + ul;
			}
		} else {
			say(f, "trên");
		}
		break;
	case 0x2022:
	case 0x25CF:
	case 0xB7:
		if (!at_line_start(f, q))
			pause(f, P_COMMA, ',');
		break;
	default:
		/* symbols read as a word; quotes, emoji and the rest are not spoken */
		for (size_t i = 0; i < ARRAY_LEN(symbol_words); i++)
			if (symbol_words[i].cp == c) {
				say(f, symbol_words[i].word);
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
		int32_t c = cp_at(&f, q, &l);
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
		if (isdig(c) || c == '+' || c == '(') {
			used = rule_phone(&f, q);
			if (!used && isdig(c)) {
				if (!(used = rule_hotline(&f, q)) && !(used = rule_date_range(&f, q)) &&
				    !(used = rule_full_date(&f, q)) && !(used = rule_month_year(&f, q)) &&
				    !(used = rule_short_date(&f, q)) && !(used = rule_time(&f, q)))
					used = rule_quantity(&f, q);
			}
		} else if (is_letter(c)) {
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
