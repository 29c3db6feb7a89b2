/* web_json — JSON for the API (web_api.c): the one escaping function for
 * strings going out (and a printf that uses it for every %s), and a strict
 * reader for the small flat objects the API takes in.  No I/O. */
#ifndef LOA_WEB_JSON_H
#define LOA_WEB_JSON_H
#include "base/util.h"

#include <stddef.h>

/* Appends s as a JSON string, quotes included: '"' and '\' escaped,
 * control characters (U+0000..U+001F, U+007F) as \n, \t, \r, \b, \f or
 * \u00XX, U+2028 and U+2029 as \u2028 / \u2029 (they end a line in
 * JavaScript), other valid UTF-8 (Vietnamese) as is, and each byte that
 * is not valid UTF-8 as \ufffd, so the output is always valid JSON in
 * valid UTF-8.  NULL is written as null. */
void web_json_str(struct sbuf *b, const char *s);
/* The lines of TEXT (may be NULL) as a JSON array of strings, empty lines left out. */
void web_json_lines(struct sbuf *b, char *text);
/* printf for JSON: %s is a JSON string (web_json_str), %d %ld %lld
 * numbers, %b a boolean (int: true/false), %% a percent sign; anything
 * else in fmt is copied as it is. */
void web_json_out(struct sbuf *b, const char *fmt, ...);

/* A flat object: {"key": value, ...} where a value is a string, true,
 * false, null or an integer.  Nested objects and arrays are refused. */
enum web_json_type { WEB_JSON_NULL, WEB_JSON_BOOL, WEB_JSON_INT, WEB_JSON_STR };
#define WEB_JSON_MAX_FIELDS 16
struct web_json_field {
	char *key;               /* decoded, valid UTF-8 without NUL */
	enum web_json_type type;
	char *str;               /* WEB_JSON_STR: decoded, valid UTF-8 without NUL */
	long long num;           /* WEB_JSON_INT; WEB_JSON_BOOL: 0 or 1 */
};
struct web_json_obj {
	int n;
	struct web_json_field f[WEB_JSON_MAX_FIELDS];
};
/* Parses n bytes (whitespace around allowed).  0, or -1 with a one-line
 * reason naming the byte offset in err (then o is empty): bad syntax,
 * invalid UTF-8, a raw control character or an escaped NUL in a string, a
 * lone surrogate, a duplicate key, nesting, more than WEB_JSON_MAX_FIELDS
 * fields, a number that is not an integer in range. */
int web_json_parse(const char *s, size_t n, struct web_json_obj *o, char *err, size_t errlen);
/* The field `key`, or NULL. */
const struct web_json_field *web_json_get(const struct web_json_obj *o, const char *key);
void web_json_free(struct web_json_obj *o);
#endif
