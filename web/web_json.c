/* web_json — see web_json.h. */
#include "web/web_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One UTF-8 character at s (n bytes left): its length and *cp, or 0 when
 * the bytes are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF,
 * cut short). */
static size_t utf8_one(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

void web_json_str(struct sbuf *b, const char *s)
{
	if (!s) {
		sbuf_add(b, "null");
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	sbuf_addc(b, '"');
	while (n) {
		unsigned cp;
		size_t k = utf8_one(p, n, &cp);
		if (k == 0) {
			sbuf_add(b, "\\ufffd");
			p++, n--;
			continue;
		}
		switch (cp) {
		case '"': sbuf_add(b, "\\\""); break;
		case '\\': sbuf_add(b, "\\\\"); break;
		case '\n': sbuf_add(b, "\\n"); break;
		case '\r': sbuf_add(b, "\\r"); break;
		case '\t': sbuf_add(b, "\\t"); break;
		case '\b': sbuf_add(b, "\\b"); break;
		case '\f': sbuf_add(b, "\\f"); break;
		default:
			if (cp < 0x20 || cp == 0x7F || cp == 0x2028 || cp == 0x2029)
				sbuf_printf(b, "\\u%04x", cp);
			else
				sbuf_addn(b, (const char *)p, k);
		}
		p += k, n -= k;
	}
	sbuf_addc(b, '"');
}

void web_json_lines(struct sbuf *b, char *text)
{
	sbuf_add(b, "[");
	int i = 0;
	char *save = NULL;
	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		if (i++)
			sbuf_addc(b, ',');
		web_json_str(b, line);
	}
	sbuf_add(b, "]");
}

void web_json_out(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		sbuf_addn(b, run, (size_t)(p - run));
		p++;
		int longs = 0;
		while (*p == 'l') {
			longs++;
			p++;
		}
		switch (*p) {
		case 's': web_json_str(b, va_arg(ap, const char *)); break;
		case 'b': sbuf_add(b, va_arg(ap, int) ? "true" : "false"); break;
		case 'd':
			if (longs == 2)
				sbuf_printf(b, "%lld", va_arg(ap, long long));
			else if (longs == 1)
				sbuf_printf(b, "%ld", va_arg(ap, long));
			else
				sbuf_printf(b, "%d", va_arg(ap, int));
			break;
		case '%': sbuf_addc(b, '%'); break;
		default: /* unsupported: a programming error; keep the output whole */
			p--;
			break;
		}
		run = p + 1;
	}
	sbuf_add(b, run);
	va_end(ap);
}

/* ---- the reader ---- */

struct rd {
	const unsigned char *s;
	size_t n, i;
	char *err;
	size_t errlen;
};

static int fail(struct rd *r, const char *what)
{
	snprintf(r->err, r->errlen, "JSON: %s at byte %zu", what, r->i + 1);
	return -1;
}

static void ws(struct rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		r->i++;
}

static int hex4(struct rd *r, unsigned *v)
{
	if (r->n - r->i < 4)
		return -1;
	*v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char c = r->s[r->i + (size_t)k];
		unsigned d = 16;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a') + 10;
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A') + 10;
		if (d == 16)
			return -1;
		*v = *v * 16 + d;
	}
	r->i += 4;
	return 0;
}

static void put_cp(struct sbuf *b, unsigned cp)
{
	char u[4];
	if (cp < 0x80) {
		sbuf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		sbuf_addn(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		sbuf_addn(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		sbuf_addn(b, u, 4);
	}
}

/* A string at r->i (its opening quote); *out malloc'd. */
static int string(struct rd *r, char **out)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "");
	r->i++; /* the quote */
	for (;;) {
		if (r->i >= r->n) {
			sbuf_free(&b);
			return fail(r, "a string is not closed");
		}
		unsigned char c = r->s[r->i];
		if (c == '"') {
			r->i++;
			break;
		}
		if (c < 0x20) {
			sbuf_free(&b);
			return fail(r, "a control character inside a string (escape it)");
		}
		if (c != '\\') {
			unsigned cp;
			size_t k = utf8_one(r->s + r->i, r->n - r->i, &cp);
			if (k == 0) {
				sbuf_free(&b);
				return fail(r, "not valid UTF-8");
			}
			sbuf_addn(&b, (const char *)r->s + r->i, k);
			r->i += k;
			continue;
		}
		if (++r->i >= r->n) {
			sbuf_free(&b);
			return fail(r, "a string is not closed");
		}
		c = r->s[r->i++];
		const char *simple = strchr("\"\\/bfnrt", c);
		if (simple && c) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			sbuf_addc(&b, to[simple - "\"\\/bfnrt"]);
			continue;
		}
		unsigned cp, lo;
		if (c != 'u' || hex4(r, &cp) != 0) {
			r->i--;
			sbuf_free(&b);
			return fail(r, "a bad escape in a string");
		}
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (r->n - r->i < 6 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u') {
				sbuf_free(&b);
				return fail(r, "a lone surrogate (\\ud800-\\udbff) in a string");
			}
			r->i += 2;
			if (hex4(r, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
				sbuf_free(&b);
				return fail(r, "a lone surrogate (\\ud800-\\udbff) in a string");
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			sbuf_free(&b);
			return fail(r, "a lone surrogate (\\udc00-\\udfff) in a string");
		} else if (cp == 0) {
			sbuf_free(&b);
			return fail(r, "\\u0000 (NUL) in a string");
		}
		put_cp(&b, cp);
	}
	*out = sbuf_take(&b);
	return 0;
}

static int word(struct rd *r, const char *w)
{
	size_t k = strlen(w);
	if (r->n - r->i < k || memcmp(r->s + r->i, w, k) != 0)
		return -1;
	r->i += k;
	return 0;
}

static int value(struct rd *r, struct web_json_field *f)
{
	if (r->i >= r->n)
		return fail(r, "a value is missing");
	unsigned char c = r->s[r->i];
	if (c == '"') {
		f->type = WEB_JSON_STR;
		return string(r, &f->str);
	}
	if (c == 't' || c == 'f' || c == 'n') {
		f->type = c == 'n' ? WEB_JSON_NULL : WEB_JSON_BOOL;
		f->num = c == 't';
		if (word(r, c == 't' ? "true" : c == 'f' ? "false" : "null") != 0)
			return fail(r, "not a JSON value");
		return 0;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t start = r->i;
		if (c == '-')
			r->i++;
		if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
			return fail(r, "not a number");
		if (r->s[r->i] == '0' && r->i + 1 < r->n && r->s[r->i + 1] >= '0' && r->s[r->i + 1] <= '9')
			return fail(r, "a number with a leading zero");
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
		if (r->i < r->n && (r->s[r->i] == '.' || r->s[r->i] == 'e' || r->s[r->i] == 'E'))
			return fail(r, "only whole numbers are taken");
		char num[24];
		if (r->i - start >= sizeof num)
			return fail(r, "a number out of range");
		memcpy(num, r->s + start, r->i - start);
		num[r->i - start] = '\0';
		errno = 0;
		f->num = strtoll(num, NULL, 10);
		if (errno)
			return fail(r, "a number out of range");
		f->type = WEB_JSON_INT;
		return 0;
	}
	if (c == '{' || c == '[')
		return fail(r, "nested objects and arrays are not taken");
	return fail(r, "not a JSON value");
}

int web_json_parse(const char *s, size_t n, struct web_json_obj *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	struct rd r = { (const unsigned char *)s, n, 0, err, errlen };
	int rc = -1;
	ws(&r);
	if (r.i >= r.n || r.s[r.i] != '{') {
		fail(&r, "the body must be an object ({...})");
		goto out;
	}
	r.i++;
	ws(&r);
	if (r.i < r.n && r.s[r.i] == '}') {
		r.i++;
	} else {
		for (;;) {
			ws(&r);
			if (r.i >= r.n || r.s[r.i] != '"') {
				fail(&r, "a key (a string) is expected");
				goto out;
			}
			if (o->n >= WEB_JSON_MAX_FIELDS) {
				fail(&r, "too many fields");
				goto out;
			}
			struct web_json_field *f = &o->f[o->n];
			memset(f, 0, sizeof *f);
			size_t at = r.i;
			if (string(&r, &f->key) != 0)
				goto out;
			o->n++;
			if (web_json_get(o, f->key) != f) {
				r.i = at;
				snprintf(err, errlen, "JSON: the key \"%.40s\" appears twice, at byte %zu", f->key, at + 1);
				goto out;
			}
			ws(&r);
			if (r.i >= r.n || r.s[r.i] != ':') {
				fail(&r, "':' is expected after a key");
				goto out;
			}
			r.i++;
			ws(&r);
			if (value(&r, f) != 0)
				goto out;
			ws(&r);
			if (r.i < r.n && r.s[r.i] == ',') {
				r.i++;
				continue;
			}
			if (r.i < r.n && r.s[r.i] == '}') {
				r.i++;
				break;
			}
			fail(&r, "',' or '}' is expected");
			goto out;
		}
	}
	ws(&r);
	if (r.i != r.n) {
		fail(&r, "something follows the object");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		web_json_free(o);
	return rc;
}

const struct web_json_field *web_json_get(const struct web_json_obj *o, const char *key)
{
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->f[i].key, key) == 0)
			return &o->f[i];
	return NULL;
}

void web_json_free(struct web_json_obj *o)
{
	for (int i = 0; i < o->n; i++) {
		free(o->f[i].key);
		free(o->f[i].str);
	}
	memset(o, 0, sizeof *o);
}
