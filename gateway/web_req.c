/* web_req — see web_req.h.  Every function bounds its work by the input
 * length and allocates only what it returns. */
#include "gateway/web_req.h"

#include "gateway/text.h"
#include "gateway/util.h"

#include <stdlib.h>
#include <string.h>

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

int web_req_decode(const char *in, size_t n, int plus_space, char **out)
{
	char *buf = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '%') {
			int h = i + 2 < n ? hexval(in[i + 1]) : -1;
			int l = i + 2 < n ? hexval(in[i + 2]) : -1;
			if (h < 0 || l < 0) {
				free(buf);
				return -1;
			}
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0') {
			free(buf);
			return -1;
		}
		buf[o++] = c;
	}
	buf[o] = '\0';
	size_t bad;
	if (!text_valid_utf8(buf, o, &bad)) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

void web_req_form_free(struct web_form *f)
{
	for (int i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->val[i]);
	}
	free(f->key);
	free(f->val);
	memset(f, 0, sizeof *f);
}

int web_req_form_parse(const char *data, size_t n, struct web_form *f)
{
	memset(f, 0, sizeof *f);
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && data[end] != '&')
			end++;
		if (end > i) {
			if (f->n == WEB_FORM_MAX_FIELDS)
				goto bad;
			size_t eq = i;
			while (eq < end && data[eq] != '=')
				eq++;
			char *k, *v;
			if (web_req_decode(data + i, eq - i, 1, &k) != 0)
				goto bad;
			if (web_req_decode(data + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0, 1, &v) != 0) {
				free(k);
				goto bad;
			}
			if (!f->key) {
				f->key = xcalloc(WEB_FORM_MAX_FIELDS, sizeof *f->key);
				f->val = xcalloc(WEB_FORM_MAX_FIELDS, sizeof *f->val);
			}
			f->key[f->n] = k;
			f->val[f->n] = v;
			f->n++;
		}
		i = end + 1;
	}
	return 0;
bad:
	web_req_form_free(f);
	return -1;
}

const char *web_req_form_get(const struct web_form *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->val[i];
	return NULL;
}

int web_req_split_uri(const char *uri, char **path, struct web_form *query)
{
	memset(query, 0, sizeof *query);
	*path = NULL;
	if (!uri || uri[0] != '/')
		return -1;
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);
	const char *hash = memchr(uri, '#', plen);
	if (hash)
		return -1;
	for (size_t i = 0; i < plen; i++)
		if ((unsigned char)uri[i] <= 0x20 || (unsigned char)uri[i] == 0x7f)
			return -1;
	if (web_req_decode(uri, plen, 0, path) != 0)
		return -1;
	if (q && web_req_form_parse(q + 1, strlen(q + 1), query) != 0) {
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

int web_req_cookie(const char *header, const char *name, char *out, size_t outlen)
{
	if (!header || !outlen)
		return -1;
	size_t nl = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1;
			size_t vl = len - nl - 1;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= outlen)
				return -1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return 0;
		}
		p += len;
	}
	return -1;
}

int web_req_id(const char *s, int64_t *id)
{
	long v;
	if (!s || util_parse_long(s, 1, INT32_MAX, &v) != 0)
		return -1;
	*id = v;
	return 0;
}
