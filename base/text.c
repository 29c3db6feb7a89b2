/* text — see text.h.  utf8proc does the Unicode work (validation, NFC,
 * NFD, categories); the GSM 03.38 alphabet is a table here. */
#include "base/text.h"

#include "base/util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int text_valid_utf8(const char *s, size_t n, size_t *bad_off)
{
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp < 0) {
			if (bad_off)
				*bad_off = i;
			return 0;
		}
		i += (size_t)k;
	}
	return 1;
}

char *text_nfc(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		return NULL;
	char *r = xstrdup((const char *)out);
	free(out);
	return r;
}

/* Calls fn for each code point; stops early on invalid UTF-8 (returns -1). */
static int each_cp(const char *s, void (*fn)(int32_t cp, void *arg), void *arg)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return -1;
		fn(cp, arg);
		i += (size_t)k;
	}
	return 0;
}

static void count_cp(int32_t cp, void *arg)
{
	(void)cp;
	(*(size_t *)arg)++;
}

size_t text_chars(const char *s)
{
	size_t n = 0;
	each_cp(s, count_cp, &n);
	return n;
}

/* GSM 03.38 default alphabet (non-ASCII members) and the extension table. */
static const int32_t gsm_basic_extra[] = {
	0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8, 0x00C5, 0x00E5,
	0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0x00C6, 0x00E6,
	0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, 0x00BF, 0x00E4, 0x00F6,
	0x00F1, 0x00FC, 0x00E0,
};
static const int32_t gsm_ext[] = { 0x0C, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC };

/* 1 basic, 2 extension, 0 not GSM-7. */
static int gsm_class(int32_t cp)
{
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp >= 0x20 && cp < 0x7F) {
		for (size_t i = 0; i < ARRAY_LEN(gsm_ext); i++)
			if (gsm_ext[i] == cp)
				return 2;
		return cp == '`' ? 0 : 1;
	}
	for (size_t i = 0; i < ARRAY_LEN(gsm_basic_extra); i++)
		if (gsm_basic_extra[i] == cp)
			return 1;
	for (size_t i = 0; i < ARRAY_LEN(gsm_ext); i++)
		if (gsm_ext[i] == cp)
			return 2;
	return 0;
}

struct septets {
	int n, bad;
};

static void count_septets(int32_t cp, void *arg)
{
	struct septets *c = arg;
	int k = gsm_class(cp);
	if (!k)
		c->bad = 1;
	c->n += k;
}

int text_gsm7_septets(const char *s)
{
	struct septets c = { 0, 0 };
	if (each_cp(s, count_septets, &c) != 0 || c.bad)
		return -1;
	return c.n;
}

int text_is_gsm7(const char *s)
{
	return text_gsm7_septets(s) >= 0;
}

static void find_accent(int32_t cp, void *arg)
{
	if (cp < 0x80)
		return;
	utf8proc_category_t c = utf8proc_category(cp);
	if (c == UTF8PROC_CATEGORY_MN || (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO))
		*(int *)arg = 1;
}

int text_has_accents(const char *s)
{
	int found = 0;
	return each_cp(s, find_accent, &found) < 0 ? 1 : found;
}

static void count_units(int32_t cp, void *arg)
{
	*(int *)arg += cp > 0xFFFF ? 2 : 1;
}

int text_ucs2_units(const char *s)
{
	int n = 0;
	each_cp(s, count_units, &n);
	return n;
}

int text_sms_parts(const char *s, int ucs2)
{
	int n = ucs2 ? text_ucs2_units(s) : text_gsm7_septets(s);
	int single = ucs2 ? 70 : 160, per = ucs2 ? 67 : 153;
	if (n < 0)
		return -1;
	if (n <= single)
		return 1;
	return (n + per - 1) / per;
}

/* Replacement for one code point after marks are gone; NULL keeps it. */
static const char *strip_map(int32_t cp)
{
	switch (cp) {
	case 0x0111: case 0x00F0: return "d";             /* đ ð */
	case 0x0110: case 0x00D0: case 0x0189: return "D"; /* Đ Ð Ɖ */
	case 0x2013: case 0x2014: case 0x2012: case 0x2212: return "-";
	case 0x2018: case 0x2019: case 0x201A: case 0x2032: return "'";
	case 0x201C: case 0x201D: case 0x201E: case 0x2033: return "\"";
	case 0x2026: return "...";
	case 0x00A0: case 0x2007: case 0x202F: case 0x2009: case '\t': return " ";
	case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: case 0x00B0: case 0x20AB: return "";
	case 0x00AB: return "\"";
	case 0x00BB: return "\"";
	case 0x2022: return "-";
	default: return NULL;
	}
}

char *text_strip(const char *s, int *replaced)
{
	utf8proc_uint8_t *nfd = NULL;
	int rep = 0;
	struct sbuf b;
	sbuf_init(&b);
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &nfd,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
	if (n < 0) {
		if (replaced)
			*replaced = -1;
		return xstrdup("");
	}
	utf8proc_ssize_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(nfd + i, n - i, &cp);
		if (k <= 0)
			break;
		i += k;
		if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MN)
			continue;
		const char *m = strip_map(cp);
		if (m) {
			sbuf_add(&b, m);
			continue;
		}
		if (cp < 0x80 && gsm_class(cp)) {
			sbuf_addc(&b, (char)cp);
			continue;
		}
		if (gsm_class(cp)) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t el = utf8proc_encode_char(cp, enc);
			sbuf_addn(&b, (const char *)enc, (size_t)el);
			continue;
		}
		sbuf_addc(&b, '?');
		rep++;
	}
	free(nfd);
	if (replaced)
		*replaced = rep;
	return sbuf_take(&b);
}

/* Stripped words (or word pairs) whose meaning depends on the lost marks. */
static const char *const ambiguous[] = {
	"mua lon", "vo de", "den ngay", "gio", "bao", "lai", "no",
};

static int word_at(const char *s, size_t pos, const char *w)
{
	size_t wl = strlen(w);
	if (strncasecmp(s + pos, w, wl) != 0)
		return 0;
	int before = pos == 0 || !((s[pos - 1] | 0x20) >= 'a' && (s[pos - 1] | 0x20) <= 'z');
	char c = s[pos + wl];
	int after = !((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	return before && after;
}

int text_ambiguous(const char *stripped, char *out, size_t outlen)
{
	int found = 0;
	if (outlen)
		out[0] = '\0';
	size_t len = strlen(stripped);
	for (size_t w = 0; w < ARRAY_LEN(ambiguous); w++) {
		for (size_t p = 0; p < len; p++) {
			if (!word_at(stripped, p, ambiguous[w]))
				continue;
			size_t used = strlen(out);
			snprintf(out + used, outlen - used, "%s%s", found ? ", " : "", ambiguous[w]);
			found++;
			break;
		}
	}
	return found;
}

char *text_notice_check(const char *s, int max_chars, char *err, size_t errlen)
{
	int why;
	long detail;
	return text_notice_check_why(s, max_chars, &why, &detail, err, errlen);
}

char *text_notice_check_why(const char *s, int max_chars, int *why, long *detail, char *err, size_t errlen)
{
	*why = TEXT_CHECK_OK;
	*detail = 0;
	size_t len = strlen(s), bad;
	if (!text_valid_utf8(s, len, &bad)) {
		snprintf(err, errlen, "text is not valid UTF-8 (byte %zu); save it as UTF-8", bad + 1);
		*why = TEXT_CHECK_UTF8;
		*detail = (long)bad + 1;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
			snprintf(err, errlen, "text has a control character (byte %zu)", i + 1);
			*why = TEXT_CHECK_CONTROL;
			*detail = (long)i + 1;
			return NULL;
		}
	}
	char *nfc = text_nfc(s);
	if (!nfc) {
		snprintf(err, errlen, "text is not valid Unicode");
		*why = TEXT_CHECK_UNICODE;
		return NULL;
	}
	/* Normalise line ends and trim; a blank notice is refused. */
	struct sbuf b;
	sbuf_init(&b);
	for (const char *p = nfc; *p; p++)
		if (*p != '\r')
			sbuf_addc(&b, *p);
	free(nfc);
	char *t = sbuf_take(&b);
	char *trimmed = util_trim(t);
	if (!*trimmed) {
		free(t);
		snprintf(err, errlen, "text is empty");
		*why = TEXT_CHECK_EMPTY;
		return NULL;
	}
	size_t chars = text_chars(trimmed);
	if (max_chars > 0 && chars > (size_t)max_chars) {
		free(t);
		snprintf(err, errlen, "text has %zu characters; the limit is %d (gateway.notice_max_chars)", chars,
			 max_chars);
		*why = TEXT_CHECK_LONG;
		*detail = (long)chars;
		return NULL;
	}
	char *r = xstrdup(trimmed);
	free(t);
	return r;
}

void text_fpad(FILE *f, const char *s, int width)
{
	char cell[1024]; /* a cell is outside text: never raw control bytes */
	util_escape_ctl(s, cell, sizeof cell);
	fputs(cell, f);
	for (int n = (int)text_chars(cell); n < width; n++)
		fputc(' ', f);
	fputc(' ', f);
}

/* text_fold's answer for one code point: up to 4 bytes of UTF-8. */
static size_t fold_cp(utf8proc_int32_t cp, char out[16])
{
	utf8proc_int32_t dec[8];
	int boundclass = UTF8PROC_BOUNDCLASS_START;
	utf8proc_ssize_t nd = utf8proc_decompose_char(cp, dec, (utf8proc_ssize_t)ARRAY_LEN(dec),
						      UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
						      &boundclass);
	if (nd < 0 || nd > (utf8proc_ssize_t)ARRAY_LEN(dec)) {
		dec[0] = cp;
		nd = 1;
	}
	size_t o = 0;
	for (utf8proc_ssize_t i = 0; i < nd; i++) {
		utf8proc_int32_t c = dec[i];
		if (c == 0x0111 || c == 0x00F0 || c == 0x0110 || c == 0x00D0 || c == 0x0189)
			c = 'd'; /* đ has no decomposition */
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t el = utf8proc_encode_char(c, enc);
		if (o + (size_t)el > 12)
			break;
		memcpy(out + o, enc, (size_t)el);
		o += (size_t)el;
	}
	return o;
}

/* The folds of U+0080..U+1FFF (Vietnamese letters are U+00C0..U+01B0 and
 * U+1EA0..U+1EF9), made once: a search folds every name of the table. */
enum { FOLD_TABLE_END = 0x2000 };
static struct {
	unsigned char len; /* 0xFF: longer than 4 bytes, fold it each time */
	char s[4];
} fold_table[FOLD_TABLE_END];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_init(void)
{
	for (utf8proc_int32_t cp = 0x80; cp < FOLD_TABLE_END; cp++) {
		char f[16];
		size_t n = fold_cp(cp, f);
		fold_table[cp].len = n <= sizeof fold_table[cp].s ? (unsigned char)n : 0xFF;
		if (n <= sizeof fold_table[cp].s)
			memcpy(fold_table[cp].s, f, n);
	}
}

size_t text_fold(const char *s, char *out, size_t outlen)
{
	size_t o = 0;
	if (!outlen)
		return 0;
	pthread_once(&fold_once, fold_init);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	while (*p) {
		if (*p < 0x80) { /* the common case, without a table lookup */
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p);
			p++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0)
			break;
		p += k;
		char f[16];
		const char *src = f;
		size_t n;
		if (cp < FOLD_TABLE_END && fold_table[cp].len != 0xFF) {
			src = fold_table[cp].s;
			n = fold_table[cp].len;
		} else {
			n = fold_cp(cp, f);
		}
		if (o + n >= outlen)
			break;
		memcpy(out + o, src, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}
