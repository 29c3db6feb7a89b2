/* web_req — see web_req.h.  Every function bounds its work by the input
 * length and allocates only what it returns. */
#include "web/web_req.h"

#include "base/text.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- Host ---- */

#define HOST_NAME_MAX_LEN 253

/* A host as compared: an address (family and bytes) or a lower-case name
 * without a trailing dot. */
struct host {
	int family;                 /* AF_INET, AF_INET6, or 0 for a name */
	unsigned char addr[16];
	char name[HOST_NAME_MAX_LEN + 1];
};

static int name_chars_ok(const char *s, size_t n)
{
	if (n == 0 || n > HOST_NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.'))
			return 0;
	}
	return 1;
}

/* n bytes of s, an address or a name; brackets only around IPv6 (and
 * required for it when `bracket_v6`, as in a Host header).  0 or -1. */
static int host_parse(const char *s, size_t n, int bracket_v6, struct host *h)
{
	char buf[HOST_NAME_MAX_LEN + 1];
	memset(h, 0, sizeof *h);
	int bracketed = n >= 2 && s[0] == '[' && s[n - 1] == ']';
	if (bracketed) {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, h->addr) == 1) {
		if (!bracketed && bracket_v6)
			return -1;
		h->family = AF_INET6;
		return 0;
	}
	if (bracketed)
		return -1;
	if (inet_pton(AF_INET, buf, h->addr) == 1) {
		h->family = AF_INET;
		return 0;
	}
	if (n > 1 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (!name_chars_ok(buf, n) || buf[0] == '.' || strstr(buf, ".."))
		return -1;
	for (size_t i = 0; i < n; i++)
		h->name[i] = (char)((buf[i] >= 'A' && buf[i] <= 'Z') ? buf[i] - 'A' + 'a' : buf[i]);
	h->name[n] = '\0';
	return 0;
}

static int host_same(const struct host *a, const struct host *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == AF_INET)
		return memcmp(a->addr, b->addr, 4) == 0;
	if (a->family == AF_INET6)
		return memcmp(a->addr, b->addr, 16) == 0;
	return strcmp(a->name, b->name) == 0;
}

static int host_matches(const struct host *h, const char *s)
{
	struct host o;
	return s && host_parse(s, strlen(s), 0, &o) == 0 && host_same(h, &o);
}

static int host_wildcard(const struct host *h)
{
	static const unsigned char zero[16];
	return (h->family == AF_INET || h->family == AF_INET6) &&
	       memcmp(h->addr, zero, h->family == AF_INET ? 4 : 16) == 0;
}

/* Walks a comma list: fn on each trimmed, non-empty entry until it
 * returns non-zero, which is returned. */
static int hosts_each(const char *list, int (*fn)(const char *s, size_t n, const void *arg), const void *arg)
{
	const char *p = list ? list : "";
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *e = p;
		while (n && (*e == ' ' || *e == '\t'))
			e++, n--;
		while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
			n--;
		int rc = n ? fn(e, n, arg) : 0;
		if (rc)
			return rc;
		p = end ? end + 1 : p + strlen(p);
	}
	return 0;
}

static int entry_matches(const char *s, size_t n, const void *arg)
{
	struct host o;
	return host_parse(s, n, 0, &o) == 0 && host_same(arg, &o);
}

static int entry_invalid(const char *s, size_t n, const void *arg)
{
	(void)arg;
	struct host o;
	return host_parse(s, n, 0, &o) != 0;
}

int web_req_hosts_valid(const char *s)
{
	return hosts_each(s, entry_invalid, NULL) == 0;
}

int web_req_host_ok(const char *host, const char *listen_host, const char *local_addr, const char *hosts)
{
	if (!host)
		return 0;
	/* name, then an optional ":port" of 1 to 5 digits */
	size_t n = strlen(host), name_len;
	if (n && host[0] == '[') {
		const char *close = strchr(host, ']');
		if (!close)
			return 0;
		name_len = (size_t)(close - host) + 1;
	} else {
		const char *colon = strchr(host, ':');
		name_len = colon ? (size_t)(colon - host) : n;
	}
	const char *port = host + name_len;
	if (*port == ':') {
		size_t d = strspn(port + 1, "0123456789");
		if (d == 0 || d > 5 || port[1 + d])
			return 0;
	} else if (*port) {
		return 0;
	}
	struct host h;
	if (host_parse(host, name_len, 1, &h) != 0)
		return 0;
	if (host_matches(&h, "localhost") || host_matches(&h, "127.0.0.1") || host_matches(&h, "::1"))
		return 1;
	struct host l;
	if (listen_host && host_parse(listen_host, strlen(listen_host), 0, &l) == 0 && !host_wildcard(&l) &&
	    host_same(&h, &l))
		return 1;
	if (local_addr && host_matches(&h, local_addr))
		return 1;
	return hosts_each(hosts, entry_matches, &h);
}

/* ---- multipart/form-data ---- */

int web_req_boundary(const char *ct, char *out, size_t outlen)
{
	if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
		return -1;
	const char *p = ct + 19;
	while (*p) {
		while (*p == ';' || *p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "boundary=", 9) != 0) {
			while (*p && *p != ';')
				p++;
			continue;
		}
		p += 9;
		size_t n;
		if (*p == '"') {
			p++;
			const char *q = strchr(p, '"');
			if (!q)
				return -1;
			n = (size_t)(q - p);
		} else {
			n = strcspn(p, "; \t");
		}
		if (n == 0 || n > 70 || n >= outlen)
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
				return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

void web_req_file_free(struct web_file *file)
{
	free(file->name);
	free(file->filename);
	free(file->data);
	memset(file, 0, sizeof *file);
}

/* The value of parameter `key` in a Content-Disposition header value
 * ("form-data; name=\"x\"; filename=\"a.csv\""), malloc'd, or NULL. */
static char *disposition_param(const char *v, size_t n, const char *key)
{
	size_t kl = strlen(key);
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ';' || v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t start = i;
		while (i < n && v[i] != '=' && v[i] != ';')
			i++;
		size_t klen = i - start;
		if (i >= n || v[i] != '=')
			continue;
		i++;
		const char *val;
		size_t vl;
		if (i < n && v[i] == '"') {
			i++;
			val = v + i;
			while (i < n && v[i] != '"')
				i++;
			if (i >= n)
				return NULL; /* unclosed quote */
			vl = (size_t)(v + i - val);
			i++;
		} else {
			val = v + i;
			while (i < n && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
				i++;
			vl = (size_t)(v + i - val);
		}
		if (klen == kl && strncasecmp(v + start, key, kl) == 0)
			return xstrndup(val, vl);
	}
	return NULL;
}

/* A browser's file name made safe to show and keep: its base name, valid
 * UTF-8, control characters as '_', at most 200 bytes. */
static char *safe_filename(const char *raw)
{
	const char *base = raw;
	for (const char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = strlen(base), bad;
	if (n > 200 || !text_valid_utf8(base, n, &bad))
		return xstrdup("");
	char *s = xstrdup(base);
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	return s;
}

static const char *find_mem(const char *h, size_t hn, const char *needle, size_t nn)
{
	return nn <= hn ? memmem(h, hn, needle, nn) : NULL;
}

/* How many of the n bytes at s are blanks (space, tab). */
static size_t blanks(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	return k;
}

/* A part's header lines h[0..hn): 1 when they say "Content-Disposition:
 * form-data", with its name and filename parameters (malloc'd or NULL). */
static int part_headers(const char *h, size_t hn, char **name, char **filename)
{
	static const char cd[] = "Content-Disposition";
	int form_data = 0;
	size_t i = 0;
	while (i < hn) {
		const char *le = find_mem(h + i, hn - i, "\r\n", 2);
		size_t ln = le ? (size_t)(le - (h + i)) : hn - i;
		const char *line = h + i;
		const char *colon = memchr(line, ':', ln);
		if (!colon && ln > 0)
			return 0; /* not a header line */
		size_t kl = colon ? (size_t)(colon - line) : 0;
		if (kl == sizeof cd - 1 && strncasecmp(line, cd, kl) == 0) {
			size_t v = kl + 1 + blanks(line + kl + 1, ln - kl - 1);
			size_t vl = ln - v;
			if (vl >= 9 && strncasecmp(line + v, "form-data", 9) == 0 &&
			    (vl == 9 || line[v + 9] == ';' || line[v + 9] == ' ')) {
				form_data = 1;
				free(*name);
				free(*filename);
				*name = disposition_param(line + v + 9, vl - 9, "name");
				*filename = disposition_param(line + v + 9, vl - 9, "filename");
			}
		}
		i += ln + 2;
	}
	return form_data;
}

int web_req_multipart(const char *boundary, const char *body, size_t n, struct web_form *f, struct web_file *file)
{
	memset(f, 0, sizeof *f);
	memset(file, 0, sizeof *file);
	char delim[80];
	int dl = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	if (dl < 5 || (size_t)dl >= sizeof delim || n > WEB_MULTIPART_MAX)
		return -1;
	size_t dn = (size_t)dl, i;
	/* the first delimiter opens the body (no preamble from a browser,
	 * but one is allowed: it ends with the delimiter's CRLF) */
	if (dn - 2 <= n && memcmp(body, delim + 2, dn - 2) == 0) {
		i = dn - 2;
	} else {
		const char *d = find_mem(body, n, delim, dn);
		if (!d)
			return -1;
		i = (size_t)(d - body) + dn;
	}
	int parts = 0;
	for (;;) {
		/* after a delimiter: "--" closes, else optional padding and CRLF */
		if (n - i >= 2 && body[i] == '-' && body[i + 1] == '-')
			return 0;
		i += blanks(body + i, n - i);
		if (n - i < 2 || body[i] != '\r' || body[i + 1] != '\n')
			goto bad;
		i += 2;
		if (++parts > WEB_FORM_MAX_FIELDS + 1)
			goto bad;
		/* headers, then the content up to the next delimiter */
		const char *hend = find_mem(body + i, n - i < 8192 ? n - i : 8192, "\r\n\r\n", 4);
		if (!hend)
			goto bad;
		char *name = NULL, *filename = NULL;
		int form_data = part_headers(body + i, (size_t)(hend - (body + i)), &name, &filename);
		i = (size_t)(hend - body) + 4;
		const char *next = find_mem(body + i, n - i, delim, dn);
		size_t bad;
		if (!form_data || !name || !next || !text_valid_utf8(name, strlen(name), &bad)) {
			free(name);
			free(filename);
			goto bad;
		}
		const char *p = body + i;
		size_t clen = (size_t)(next - p);
		if (filename) {
			if (file->data || clen > WEB_UPLOAD_MAX) {
				free(name);
				free(filename);
				goto bad;
			}
			file->name = name;
			file->filename = safe_filename(filename);
			free(filename);
			file->data = xmalloc(clen + 1);
			memcpy(file->data, p, clen);
			file->data[clen] = '\0';
			file->len = clen;
		} else {
			if (f->n == WEB_FORM_MAX_FIELDS || clen > WEB_PART_FIELD_MAX || memchr(p, '\0', clen) ||
			    !text_valid_utf8(p, clen, &bad)) {
				free(name);
				goto bad;
			}
			if (!f->key) {
				f->key = xcalloc(WEB_FORM_MAX_FIELDS, sizeof *f->key);
				f->val = xcalloc(WEB_FORM_MAX_FIELDS, sizeof *f->val);
			}
			f->key[f->n] = name;
			f->val[f->n] = xstrndup(p, clen);
			f->n++;
		}
		i = (size_t)(next - body) + dn;
	}
bad:
	web_req_form_free(f);
	web_req_file_free(file);
	return -1;
}
