/* ussd — see ussd.h.  What a modem hands back in +CUSD depends on the
 * modem, on AT+CSCS and on the carrier, and the <dcs> does not say which
 * (a reply with Vietnamese diacritics comes as UCS2 hex, dcs 72, whatever
 * AT+CSCS says; some modems give GSM 7-bit still packed, as hex).  So the
 * string is decoded by trying, in an order the dcs (TS 23.038 5, CBS data
 * coding) chooses, GSM 7-bit packed hex, UCS2 hex and 8-bit hex, keeping the
 * first whose text looks like text (no control characters, at least 80 %
 * letters, digits, blanks and common punctuation), and else the string as
 * it is (bad UTF-8 bytes become '?').  The GSM 03.38 default alphabet and
 * its extension table are here, because libgammu stays in codec.c and
 * base/text only knows which characters fit. */
#include "modem/ussd.h"

#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* GSM 03.38 default alphabet, septet -> code point (0x1B: escape). */
static const uint16_t gsm_basic[128] = {
	'@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
	0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0x1B, 0xC6, 0xE6, 0xDF, 0xC9,
	' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	0xA1, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
	0xBF, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
};

static int32_t gsm_ext(unsigned s)
{
	switch (s) {
	case 0x0A: return '\n'; /* page break */
	case 0x14: return '^';
	case 0x28: return '{';
	case 0x29: return '}';
	case 0x2F: return '\\';
	case 0x3C: return '[';
	case 0x3D: return '~';
	case 0x3E: return ']';
	case 0x40: return '|';
	case 0x65: return 0x20AC;
	default: return -1; /* 23.038: shown as the default table's character */
	}
}

/* Where decoded text goes, and what it looked like. */
struct sink {
	char *buf;
	size_t cap, len;
	int full, last_cr;
	unsigned total, nice, bad;
};

static void sink_init(struct sink *k, char *buf, size_t cap)
{
	memset(k, 0, sizeof *k);
	k->buf = buf;
	k->cap = cap;
	buf[0] = '\0';
}

static int is_nice(int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
		       (cp != 0 && strchr(" \n.,:;-/()%+*#!?'\"=_&<>[]", (int)cp) != NULL);
	if (cp >= 0xC0 && cp <= 0x24F)
		return cp != 0xD7 && cp != 0xF7;
	return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1EA0 && cp <= 0x1EF9) || cp == 0x20AB;
}

static void put_byte(struct sink *k, const char *b, size_t n)
{
	if (k->full || k->len + n + 1 > k->cap) {
		k->full = 1;
		return;
	}
	memcpy(k->buf + k->len, b, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

/* One code point: CR and CR LF become one newline, other control
 * characters a blank (counted as bad). */
static void emit(struct sink *k, int32_t cp)
{
	int cr = cp == '\r';
	if (cp == '\n' && k->last_cr) {
		k->last_cr = 0;
		return;
	}
	k->last_cr = cr;
	if (cr)
		cp = '\n';
	k->total++;
	if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp < 0xA0) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0) {
		k->bad++;
		cp = ' ';
	} else if (is_nice(cp) || cp == '\t') {
		k->nice++;
	}
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	put_byte(k, b, n);
}

/* Trailing blanks and newlines off (padding). */
static void sink_trim(struct sink *k)
{
	while (k->len > 0 && (k->buf[k->len - 1] == ' ' || k->buf[k->len - 1] == '\n'))
		k->buf[--k->len] = '\0';
}

static int looks_like_text(const struct sink *k)
{
	return k->total > 0 && k->bad == 0 && (unsigned long)k->nice * 10 >= (unsigned long)k->total * 8;
}

/* One UTF-8 character at s (n > 0 bytes): the code point, *len its bytes;
 * -1 and *len 1 for a bad byte (overlong, surrogate, truncated...). */
static int32_t utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	unsigned c = s[0];
	if (c < 0x80)
		return (int32_t)c;
	size_t need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
	if (need == 0 || need > n)
		return -1;
	int32_t cp = (int32_t)(c & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07));
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = need;
	return cp;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 when s[0..n) is an even number (>= 4) of hex digits. */
static int all_hex(const char *s, size_t n)
{
	if (n < 4 || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return 0;
	return 1;
}

static unsigned hexbyte(const char *s, size_t i)
{
	return (unsigned)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
}

static void dec_plain(const char *s, size_t n, struct sink *k)
{
	size_t i = 0;
	while (i < n) {
		size_t len;
		int32_t cp = utf8_next((const unsigned char *)s + i, n - i, &len);
		emit(k, cp < 0 ? '?' : cp);
		i += len;
	}
}

static void dec_gsm7(const char *s, size_t n, struct sink *k)
{
	size_t bytes = n / 2, septets = bytes * 8 / 7;
	int esc = 0;
	for (size_t i = 0; i < septets; i++) {
		size_t bit = i * 7, at = bit / 8, sh = bit % 8;
		unsigned v = hexbyte(s, at) >> sh;
		if (sh > 1 && at + 1 < bytes)
			v |= hexbyte(s, at + 1) << (8 - sh);
		v &= 0x7F;
		/* 23.038 6.1.2.3.1: 7 spare bits are a CR (or, from careless
		 * senders, a zero septet), not a character */
		if (i == septets - 1 && septets % 8 == 0 && (v == 0x0D || v == 0))
			break;
		if (esc) {
			int32_t e = gsm_ext(v);
			emit(k, e >= 0 ? e : gsm_basic[v]);
			esc = 0;
		} else if (v == 0x1B) {
			esc = 1;
		} else {
			emit(k, gsm_basic[v]);
		}
	}
	if (esc)
		emit(k, ' ');
}

static int dec_ucs2(const char *s, size_t n, struct sink *k)
{
	if (n % 4)
		return -1;
	for (size_t i = 0; i < n / 2; i += 2) {
		int32_t u = (int32_t)(hexbyte(s, i) << 8 | hexbyte(s, i + 1));
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n / 2) {
			int32_t lo = (int32_t)(hexbyte(s, i + 2) << 8 | hexbyte(s, i + 3));
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				emit(k, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
				i += 2;
				continue;
			}
		}
		emit(k, u == 0 ? -1 : u); /* a lone surrogate or NUL: bad */
	}
	return 0;
}

static void dec_8bit(const char *s, size_t n, struct sink *k)
{
	unsigned char b[USSD_TEXT_MAX];
	size_t m = 0;
	while (m < sizeof b && 2 * m + 1 < n) {
		b[m] = (unsigned char)hexbyte(s, m);
		m++;
	}
	int utf8 = 1;
	for (size_t i = 0, len = 1; i < m; i += len)
		if (utf8_next(b + i, m - i, &len) < 0)
			utf8 = 0;
	for (size_t i = 0, len = 1; i < m; i += len)
		emit(k, utf8 ? utf8_next(b + i, m - i, &len) : (int32_t)b[i]);
}

/* TS 23.038 5 (CBS data coding) -> which alphabet the dcs names. */
static enum ussd_enc dcs_alphabet(int dcs)
{
	static const enum ussd_enc bits32[4] = { USSD_ENC_GSM7, USSD_ENC_8BIT, USSD_ENC_UCS2, USSD_ENC_GSM7 };
	if (dcs < 0 || dcs > 0xFF)
		return USSD_ENC_NONE;
	if (dcs == 0x11)
		return USSD_ENC_UCS2;
	if ((dcs & 0xC0) == 0x40 || (dcs & 0xF0) == 0x90)
		return bits32[(dcs >> 2) & 3];
	if ((dcs & 0xF0) == 0xF0)
		return dcs & 0x04 ? USSD_ENC_8BIT : USSD_ENC_GSM7;
	return USSD_ENC_GSM7;
}

enum ussd_enc ussd_decode(const char *s, size_t n, int dcs, char *out, size_t outlen)
{
	static const enum ussd_enc order[][3] = {
		[USSD_ENC_NONE] = { USSD_ENC_UCS2, USSD_ENC_GSM7, USSD_ENC_NONE },
		[USSD_ENC_PLAIN] = { USSD_ENC_NONE, USSD_ENC_NONE, USSD_ENC_NONE },
		[USSD_ENC_GSM7] = { USSD_ENC_GSM7, USSD_ENC_UCS2, USSD_ENC_NONE },
		[USSD_ENC_UCS2] = { USSD_ENC_UCS2, USSD_ENC_GSM7, USSD_ENC_NONE },
		[USSD_ENC_8BIT] = { USSD_ENC_8BIT, USSD_ENC_UCS2, USSD_ENC_NONE },
	};
	struct sink k;
	if (outlen == 0)
		return USSD_ENC_NONE;
	if (all_hex(s, n)) {
		const enum ussd_enc *try = order[dcs_alphabet(dcs)];
		for (int i = 0; i < 3 && try[i] != USSD_ENC_NONE; i++) {
			sink_init(&k, out, outlen);
			if (try[i] == USSD_ENC_GSM7)
				dec_gsm7(s, n, &k);
			else if (try[i] == USSD_ENC_8BIT)
				dec_8bit(s, n, &k);
			else if (dec_ucs2(s, n, &k) != 0)
				continue;
			if (looks_like_text(&k)) {
				sink_trim(&k);
				return try[i];
			}
		}
	}
	sink_init(&k, out, outlen);
	dec_plain(s, n, &k);
	sink_trim(&k);
	return USSD_ENC_PLAIN;
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A decimal number of 1..3 digits at *p, then blanks; -1 if none. */
static int small_num(const char **p)
{
	const char *q = *p;
	int v = 0, d = 0;
	while (*q >= '0' && *q <= '9' && d < 4) {
		v = v * 10 + (*q++ - '0');
		d++;
	}
	if (d == 0 || d > 3)
		return -1;
	*p = skip_blank(q);
	return v;
}

int ussd_parse(const char *line, struct ussd_reply *out)
{
	memset(out, 0, sizeof *out);
	out->dcs = -1;
	out->enc = USSD_ENC_NONE;
	const char *p = line;
	while (*p == ' ' || *p == '\r' || *p == '\n')
		p++;
	if (strncmp(p, "+CUSD:", 6) != 0)
		return -1;
	p = skip_blank(p + 6);
	int m = small_num(&p);
	if (m < 0 || m > 5)
		return -1;
	out->m = (enum ussd_status)m;
	const char *end = p + strlen(p);
	while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (p == end)
		return 0;
	if (*p != ',')
		return -1;
	p = skip_blank(p + 1);
	if (p > end)
		p = end; /* "+CUSD: 0, " */
	const char *s = p, *e = end, *tail = end;
	if (*p == '"') {
		s = p + 1;
		const char *q = end;
		while (q > s && q[-1] != '"')
			q--;
		if (q > s) { /* the last quote closes the string */
			e = q - 1;
			tail = q;
		}
	} else {
		/* unquoted: a trailing ",<digits>" is the dcs */
		const char *q = end;
		while (q > s && q[-1] >= '0' && q[-1] <= '9')
			q--;
		const char *c = q;
		while (c > s && c[-1] == ' ')
			c--;
		if (q < end && c > s && c[-1] == ',') {
			e = c - 1;
			tail = c - 1;
		}
	}
	tail = skip_blank(tail);
	if (*tail == ',') {
		const char *d = skip_blank(tail + 1);
		int dcs = small_num(&d);
		if (dcs >= 0 && dcs <= 255 && d == end)
			out->dcs = dcs;
	}
	if (e == s && *p != '"')
		return 0;
	out->enc = ussd_decode(s, (size_t)(e - s), out->dcs, out->text, sizeof out->text);
	return 0;
}

int ussd_command(char *buf, size_t len, const char *code, int dcs)
{
	size_t n = strlen(code);
	if (n == 0 || n > 160 || strspn(code, "0123456789*#+") != n || dcs < 0 || dcs > 255)
		return -1;
	int w = snprintf(buf, len, "AT+CUSD=1,\"%s\",%d", code, dcs);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

const char *ussd_enc_name(enum ussd_enc e)
{
	static const char *const n[] = { "none", "plain", "gsm7", "ucs2", "8bit" };
	return (unsigned)e < ARRAY_LEN(n) ? n[e] : "?";
}
