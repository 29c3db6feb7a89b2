/* web_req — parsing what a browser sends, byte by byte and strictly:
 * percent-decoding, application/x-www-form-urlencoded bodies and query
 * strings, multipart/form-data bodies (a file upload), the Cookie header, and whether the Host header names this page.  The web page parses the raw request line
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
/* An uploaded file, from a multipart/form-data body. */
#define WEB_UPLOAD_MAX (8 * 1024 * 1024)              /* the file */
#define WEB_MULTIPART_MAX (WEB_UPLOAD_MAX + 64 * 1024) /* the whole body */
#define WEB_PART_FIELD_MAX (64 * 1024)                /* a text field in it */
struct web_file {
	char *name;          /* the form field */
	char *filename;      /* base name the browser gave, valid UTF-8 without
				control or path characters (may be "") */
	char *data;          /* the bytes, NUL-terminated for convenience */
	size_t len;
};
/* The boundary of a Content-Type "multipart/form-data; boundary=X" (1 to
 * 70 characters, quoted or not) into out; -1 if it is not one. */
int web_req_boundary(const char *content_type, char *out, size_t outlen);
/* Parses a multipart/form-data body (RFC 7578): the text parts into f,
 * with web_req_form_parse's promises (NUL-free valid UTF-8, at most
 * WEB_FORM_MAX_FIELDS, each at most WEB_PART_FIELD_MAX), and at most one
 * file part (at most WEB_UPLOAD_MAX bytes) into *file.  -1 on anything
 * malformed (no closing delimiter, a part without form-data disposition
 * or name, two files, headers over 8 KiB); f and *file are then empty. */
int web_req_multipart(const char *boundary, const char *body, size_t n, struct web_form *f, struct web_file *file);
void web_req_file_free(struct web_file *file);
/* Splits a raw request target "/path?query" into its decoded path
 * (malloc'd) and query form.  -1 if either is malformed or the target does
 * not start with '/'. */
int web_req_split_uri(const char *uri, char **path, struct web_form *query);
/* Finds cookie `name` in a Cookie header ("a=b; c=d").  0 and the value in
 * out; -1 if absent, malformed or longer than outlen - 1. */
int web_req_cookie(const char *header, const char *name, char *out, size_t outlen);
/* A positive decimal id ("12"), else -1. */
int web_req_id(const char *s, int64_t *id);

/* 1 if the Host header value `host` ("name", "name:port", "1.2.3.4:80",
 * "[::1]:80") names this page: "localhost", 127.0.0.1, ::1, the listen
 * address `listen_host` (unless a wildcard), the address the connection
 * reached `local_addr` (NULL: unknown), or an entry of `hosts` (a comma
 * list of names and addresses, [web] hosts).  Names compare without case
 * and without one trailing dot, addresses by value; the port is not
 * compared (a proxy may forward another), only checked to be a number.
 * Anything else, malformed or empty, is 0: a page reached under a
 * stranger's name (DNS rebinding) is refused. */
int web_req_host_ok(const char *host, const char *listen_host, const char *local_addr, const char *hosts);
/* 1 if s is a list web_req_host_ok can use: comma-separated names
 * ([A-Za-z0-9.-], up to 253 bytes) or IP addresses ("[::1]" or "::1"),
 * spaces around commas allowed, empty allowed. */
int web_req_hosts_valid(const char *s);
#endif
