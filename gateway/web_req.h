/* web_req — parsing what a browser sends, byte by byte and strictly:
 * percent-decoding, application/x-www-form-urlencoded bodies and query
 * strings, and the Cookie header.  The web page parses the raw request line
 * itself (not libmicrohttpd's lenient unescaping) so that a malformed
 * request is refused with 400 instead of being guessed at.  No I/O here:
 * the fuzz target tests/fuzz/fuzz_web.c drives these functions directly. */
#ifndef LOA_WEB_REQ_H
#define LOA_WEB_REQ_H
#include <stddef.h>
#include <stdint.h>

#define WEB_FORM_MAX_FIELDS 64

struct web_form {
	int n;
	char **key, **val;   /* decoded, NUL-terminated, valid UTF-8 */
};

/* Decodes n bytes of in: %XX escapes, and '+' as a space if plus_space.
 * Refuses (-1) a '%' not followed by two hex digits, a decoded NUL, and a
 * result that is not valid UTF-8.  On success *out is malloc'd. */
int web_req_decode(const char *in, size_t n, int plus_space, char **out);
/* Parses "k=v&k2=v2" (a body or a query string).  -1 on a bad escape or more
 * than WEB_FORM_MAX_FIELDS fields; the form is then empty. */
int web_req_form_parse(const char *data, size_t n, struct web_form *f);
/* The first value of key, or NULL. */
const char *web_req_form_get(const struct web_form *f, const char *key);
void web_req_form_free(struct web_form *f);
/* Splits a raw request target "/path?query" into its decoded path
 * (malloc'd) and query form.  -1 if either is malformed or the target does
 * not start with '/'. */
int web_req_split_uri(const char *uri, char **path, struct web_form *query);
/* Finds cookie `name` in a Cookie header ("a=b; c=d").  0 and the value in
 * out; -1 if absent, malformed or longer than outlen - 1. */
int web_req_cookie(const char *header, const char *name, char *out, size_t outlen);
/* A positive decimal id ("12"), else -1. */
int web_req_id(const char *s, int64_t *id);
#endif
