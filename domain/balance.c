/* balance — see balance.h.  Carriers phrase the answer differently and
 * change the wording, so this reads words, not templates:
 *
 *   1. fold: accents off (base/text), lower case, blanks collapsed, bad
 *      UTF-8 bytes blank: "Số dư TK chính: 20.000đ" -> "so du tk chinh: 20.000d";
 *   2. find a main-balance keyword at a word boundary (the longest at each
 *      place: "so du tk chinh" before "so du"), not followed by a
 *      promotional word ("khuyen mai", "km1", "tang", "thuong"...), and take
 *      the first amount in the next 48 characters, stopping at a
 *      promotional word.  An amount is digits with thousands separators
 *      ("1.234.567", "12,345"; a last group of 1-2 digits is decimals and
 *      dropped), optionally "d", "vnd", "dong" or "k" (x 1000); dates and
 *      times ("31/12", "23:59"), numbers glued to other words ("1.2GB",
 *      "KM1") and numbers starting with 0 ("0912...", a phone number) are
 *      not amounts;
 *   3. the expiry: a date (d/m/y with / - or ., two-digit years 20yy, or
 *      y-m-d) within 48 characters after "hsd", "han su dung", "het han"
 *      or "expiry", the first after the amount, else the first anywhere. */
#include "domain/balance.h"

#include "base/text.h"
#include "base/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 48

static const char *const main_kw[] = {
	"so du tai khoan chinh", "so du tai khoan goc", "so du tk chinh", "so du tk goc", "so du tkc",
	"so du tai khoan", "so du tk", "tai khoan chinh", "tai khoan goc", "tk chinh", "tk goc",
	"main balance", "tkchinh", "tkgoc", "tkc", "tkg", "so du", "tai khoan", "balance", "tk",
};
static const char *const promo_kw[] = {
	"khuyen mai", "km", "tang", "thuong", "noi mang", "ngoai mang", "data", "bonus", "promo",
};
static const char *const expiry_kw[] = { "han su dung", "het han", "hsd", "expiry", "expires" };

static int alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* 1 when word w starts at s + i (a boundary before it; after it too,
 * unless `prefix`). */
static int word_at(const char *s, size_t i, const char *w, int prefix)
{
	size_t n = strlen(w);
	if ((i > 0 && alnum(s[i - 1])) || strncmp(s + i, w, n) != 0)
		return 0;
	return prefix || !alnum(s[i + n]);
}

static int promo_at(const char *s, size_t i)
{
	for (size_t k = 0; k < ARRAY_LEN(promo_kw); k++)
		if (word_at(s, i, promo_kw[k], k == 1)) /* km, km1, kmai */
			return 1;
	return 0;
}

/* The folded text (see the top), malloc'd. */
static char *fold(const char *text)
{
	char *t = xstrdup(text);
	size_t n = strlen(t), off = 0, bad;
	while (off < n && !text_valid_utf8(t + off, n - off, &bad)) {
		t[off + bad] = ' ';
		off += bad + 1;
	}
	char *s = text_strip(t, NULL);
	free(t);
	size_t j = 0;
	for (size_t i = 0; s[i]; i++) {
		char c = (char)tolower((unsigned char)s[i]);
		if (isspace((unsigned char)c))
			c = ' ';
		if (c == ' ' && (j == 0 || s[j - 1] == ' '))
			continue;
		s[j++] = c;
	}
	s[j] = '\0';
	return s;
}

/* A date at s + i: d/m/y (/ - or .; yy -> 20yy) or y-m-d.  1 and *b set. */
static int date_at(const char *s, size_t i, struct balance *b)
{
	int f[3] = { 0, 0, 0 }, len[3] = { 0, 0, 0 };
	char sep = 0;
	size_t p = i;
	for (int k = 0; k < 3; k++) {
		while (s[p] >= '0' && s[p] <= '9' && len[k] < 5) {
			f[k] = f[k] * 10 + (s[p++] - '0');
			len[k]++;
		}
		if (len[k] == 0 || len[k] > 4)
			return 0;
		if (k < 2) {
			if (s[p] != '/' && s[p] != '-' && s[p] != '.')
				return 0;
			if (sep && s[p] != sep)
				return 0;
			sep = s[p++];
		}
	}
	if (s[p] >= '0' && s[p] <= '9')
		return 0;
	int y, m, d;
	if (len[0] == 4 && len[1] <= 2 && len[2] <= 2) {
		y = f[0], m = f[1], d = f[2];
	} else if (len[0] <= 2 && len[1] <= 2 && (len[2] == 2 || len[2] == 4)) {
		d = f[0], m = f[1], y = len[2] == 2 ? 2000 + f[2] : f[2];
	} else {
		return 0;
	}
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 2000 || y > 2199 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	b->year = y, b->mon = m, b->day = d;
	return 1;
}

/* An amount at s + i (see the top): 1, *dong and *end set. */
static int amount_at(const char *s, size_t i, int64_t *dong, size_t *end)
{
	if (i > 0 && (alnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == ','))
		return 0;
	if (i > 1 && strchr("/-:", s[i - 1]) && s[i - 2] >= '0' && s[i - 2] <= '9')
		return 0; /* the rest of a date or a time */
	size_t p = i;
	while ((s[p] >= '0' && s[p] <= '9') || ((s[p] == '.' || s[p] == ',') && s[p + 1] >= '0' && s[p + 1] <= '9'))
		p++;
	char after = s[p];
	if ((after == '/' || after == '-' || after == ':') && s[p + 1] >= '0' && s[p + 1] <= '9')
		return 0; /* a date or a time */
	/* the groups: every separator but a decimal last one is followed by 3 digits */
	size_t last_sep = 0, digits = 0;
	int has_sep = 0;
	for (size_t q = i; q < p; q++)
		if (s[q] == '.' || s[q] == ',')
			last_sep = q, has_sep = 1;
	size_t int_end = p;
	if (has_sep && p - last_sep - 1 != 3)
		int_end = last_sep; /* decimals: 12.345,50 */
	if (p - i >= 2 && s[i] == '0' && !has_sep)
		return 0; /* 0912345678: a phone number */
	int64_t v = 0;
	size_t run = 0, first = 1;
	for (size_t q = i; q < int_end; q++) {
		if (s[q] == '.' || s[q] == ',') {
			if ((first && (run == 0 || run > 3)) || (!first && run != 3))
				return 0;
			first = 0, run = 0;
			continue;
		}
		if (++digits > 15)
			return 0;
		v = v * 10 + (s[q] - '0');
		run++;
	}
	if (run == 0 || (!first && run != 3))
		return 0;
	/* what is glued to it: a currency or k, nothing else */
	size_t u = p;
	if (s[u] == 'k' && !alnum(s[u + 1])) {
		v *= 1000;
		u++;
	} else if (alnum(s[u])) {
		static const char *const units[] = { "vnd", "dong", "d" };
		size_t k;
		for (k = 0; k < ARRAY_LEN(units); k++)
			if (strncmp(s + u, units[k], strlen(units[k])) == 0 && !alnum(s[u + strlen(units[k])]))
				break;
		if (k == ARRAY_LEN(units))
			return 0;
		u += strlen(units[k]);
	}
	*dong = v;
	*end = u;
	return 1;
}

/* The first expiry date after s + from (within WINDOW of a keyword). */
static int expiry_from(const char *s, size_t from, struct balance *b)
{
	for (size_t i = from; s[i]; i++) {
		for (size_t k = 0; k < ARRAY_LEN(expiry_kw); k++) {
			if (!word_at(s, i, expiry_kw[k], 0))
				continue;
			size_t start = i + strlen(expiry_kw[k]);
			for (size_t j = start; j < start + WINDOW && s[j]; j++)
				if (s[j] >= '0' && s[j] <= '9' && (j == 0 || !alnum(s[j - 1])) && date_at(s, j, b))
					return 1;
		}
	}
	return 0;
}

/* The first amount after the keyword ending at s + start. */
static int amount_after(const char *s, size_t start, int64_t *dong, size_t *end)
{
	for (size_t j = start; j < start + WINDOW && s[j]; j++) {
		if (promo_at(s, j))
			return 0;
		if (s[j] >= '0' && s[j] <= '9') {
			if (amount_at(s, j, dong, end))
				return 1;
			while (s[j + 1] >= '0' && s[j + 1] <= '9')
				j++; /* not an amount: past its digits */
		}
	}
	return 0;
}

enum balance_status balance_parse(const char *text, struct balance *b)
{
	memset(b, 0, sizeof *b);
	char *s = fold(text);
	enum balance_status st = BALANCE_NOT_FOUND;
	for (size_t i = 0; s[i] && st == BALANCE_NOT_FOUND; i++) {
		for (size_t k = 0; k < ARRAY_LEN(main_kw); k++) {
			if (!word_at(s, i, main_kw[k], 0))
				continue;
			size_t after = i + strlen(main_kw[k]);
			while (s[after] && strchr(" :=.-()", s[after]))
				after++;
			if (promo_at(s, after))
				break; /* "tai khoan khuyen mai": not the main one */
			int64_t dong;
			size_t end;
			if (amount_after(s, after, &dong, &end)) {
				b->dong = dong;
				st = BALANCE_FOUND;
				if (!expiry_from(s, end, b) && !expiry_from(s, 0, b))
					b->year = b->mon = b->day = 0;
			}
			break; /* the longest keyword here decided */
		}
	}
	free(s);
	return st;
}
