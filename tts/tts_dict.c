/* tts_dict — see tts_dict.h.
 *
 * DESIGN: entries are kept in one array sorted by key bytes; a prefix lookup
 * tries every key length that exists (a handful) with a binary search each,
 * longest first, so "PCTT&TKCN" wins over "PCTT".  Loanword keys are stored
 * case-folded so lookups fold the word once. */
#include "tts/tts_dict.h"

#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define DICT_KEY_MAX 64
#define DICT_VAL_MAX 256

struct entry {
	char *key;
	size_t keylen;
	char *val;
	int line;
};

struct tts_dict {
	enum tts_dict_kind kind;
	struct entry *e;
	size_t n;
	size_t lens[DICT_KEY_MAX + 1]; /* lens[k] != 0: some key has k bytes */
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t m = x->keylen < y->keylen ? x->keylen : y->keylen;
	int c = memcmp(x->key, y->key, m);
	if (c)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

/* Case-folds UTF-8 (valid input) into a new string. */
static char *fold(const char *s, size_t n)
{
	utf8proc_uint8_t *r = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &r,
			 UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE) < 0)
		return xstrndup(s, n);
	char *out = xstrdup((const char *)r);
	free(r);
	return out;
}

static int is_letter(utf8proc_int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT ||
	       k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_LO || k == UTF8PROC_CATEGORY_MN ||
	       k == UTF8PROC_CATEGORY_MC;
}

/* Checks the spoken side: letters, single spaces, hyphens. */
static const char *check_value(const char *v)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)v;
	utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(v);
	int letters = 0;
	while (n > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, n, &c);
		if (k <= 0)
			return "spoken form is not valid UTF-8";
		if (c >= '0' && c <= '9')
			return "spoken form must not contain digits";
		if (is_letter(c))
			letters++;
		else if (c != ' ' && c != '-')
			return "spoken form may hold only letters, spaces and '-'";
		p += k;
		n -= k;
	}
	return letters ? NULL : "spoken form is empty";
}

static const char *check_key(const char *k)
{
	size_t n = strlen(k);
	if (!n)
		return "empty key";
	if (n > DICT_KEY_MAX)
		return "key longer than 64 bytes";
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)k;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	int letters = 0;
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate(p, left, &c);
		if (m <= 0)
			return "key is not valid UTF-8";
		if (c == ' ' || c == '\t' || c == 0xA0)
			return "key must not contain spaces";
		if (is_letter(c))
			letters++;
		p += m;
		left -= m;
	}
	return letters ? NULL : "key must contain a letter";
}

void tts_dict_free(struct tts_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->e[i].key);
		free(d->e[i].val);
	}
	free(d->e);
	free(d);
}

size_t tts_dict_size(const struct tts_dict *d)
{
	return d ? d->n : 0;
}

int tts_dict_parse(struct tts_dict **out, enum tts_dict_kind kind, const char *name, const char *text,
		   char *err, size_t errlen)
{
	struct tts_dict *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	size_t cap = 0;
	int lineno = 0;
	const char *p = text;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, len);
		p += len + (eol ? 1 : 0);
		lineno++;
		size_t l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[--l] = '\0';
		char *s = util_trim(line);
		if (!*s || *s == '#') {
			free(line);
			continue;
		}
		const char *why = NULL;
		char *tab = strchr(s, '\t');
		if (!tab)
			why = "expected KEY<TAB>spoken words";
		if (!why) {
			*tab = '\0';
			char *key = util_trim(s), *val = util_trim(tab + 1);
			if (strchr(val, '\t'))
				why = "more than one TAB";
			if (!why)
				why = check_key(key);
			if (!why && strlen(val) > DICT_VAL_MAX)
				why = "spoken form longer than 256 bytes";
			if (!why)
				why = check_value(val);
			if (!why) {
				if (d->n == cap) {
					cap = cap ? cap * 2 : 64;
					d->e = xrealloc(d->e, cap * sizeof *d->e);
				}
				struct entry *e = &d->e[d->n++];
				e->key = kind == TTS_DICT_LOAN ? fold(key, strlen(key)) : xstrdup(key);
				e->keylen = strlen(e->key);
				e->val = xstrdup(val);
				e->line = lineno;
			}
		}
		free(line);
		if (why) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			tts_dict_free(d);
			return -1;
		}
	}
	if (d->n)
		qsort(d->e, d->n, sizeof *d->e, cmp_entry);
	for (size_t i = 0; i < d->n; i++) {
		if (i && cmp_entry(&d->e[i - 1], &d->e[i]) == 0) {
			int a = d->e[i - 1].line, b = d->e[i].line;
			snprintf(err, errlen, "%s:%d: duplicate key '%s' (first at line %d)", name,
				 a > b ? a : b, d->e[i].key, a < b ? a : b);
			tts_dict_free(d);
			return -1;
		}
		if (d->e[i].keylen <= DICT_KEY_MAX)
			d->lens[d->e[i].keylen] = 1;
	}
	*out = d;
	return 0;
}

int tts_dict_load(struct tts_dict **out, enum tts_dict_kind kind, const char *path, char *err,
		  size_t errlen)
{
	char *text = util_read_file(path, NULL);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read dictionary: %s", path, strerror(errno));
		return -1;
	}
	int rc = tts_dict_parse(out, kind, path, text, err, errlen);
	free(text);
	return rc;
}

static const struct entry *find(const struct tts_dict *d, const char *k, size_t n)
{
	struct entry probe = { (char *)k, n, NULL, 0 };
	return bsearch(&probe, d->e, d->n, sizeof *d->e, cmp_entry);
}

const char *tts_dict_prefix(const struct tts_dict *d, const char *s, size_t n, size_t *keylen)
{
	if (!d || !d->n)
		return NULL;
	size_t max = n < DICT_KEY_MAX ? n : DICT_KEY_MAX;
	for (size_t k = max; k > 0; k--) {
		if (!d->lens[k])
			continue;
		const struct entry *e = find(d, s, k);
		if (e) {
			*keylen = k;
			return e->val;
		}
	}
	return NULL;
}

const char *tts_dict_word(const struct tts_dict *d, const char *w, size_t n)
{
	if (!d || !d->n || n > DICT_KEY_MAX * 4)
		return NULL;
	if (d->kind != TTS_DICT_LOAN) {
		const struct entry *e = find(d, w, n);
		return e ? e->val : NULL;
	}
	char *f = fold(w, n);
	const struct entry *e = find(d, f, strlen(f));
	free(f);
	return e ? e->val : NULL;
}
