/* libFuzzer: the JSON API's reader (web/web_json.c) on any bytes.  An
 * accepted object keeps its promises — at most WEB_JSON_MAX_FIELDS
 * fields, no key twice, keys and strings NUL-free valid UTF-8 — and each
 * string survives a round trip: written by web_json_str (the API's one
 * escaper) inside an object and read back, it is the same string.  The
 * escaper's output on the raw bytes is always valid UTF-8 with no raw
 * control character.  A refusal leaves the object empty and says where. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "web/web_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
	size_t bad;
	if (!text_valid_utf8(s, strlen(s), &bad))
		abort();
}

static void round_trip(const char *s)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "{\"k\":");
	web_json_str(&b, s);
	sbuf_add(&b, "}");
	check_text(b.s);
	for (const char *p = b.s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			abort();
	struct web_json_obj o;
	char err[160];
	if (web_json_parse(b.s, b.len, &o, err, sizeof err) != 0 || o.n != 1 || o.f[0].type != WEB_JSON_STR ||
	    strcmp(o.f[0].str, s) != 0)
		abort();
	web_json_free(&o);
	sbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_json_obj o;
	char err[160] = "";
	if (web_json_parse((const char *)data, size, &o, err, sizeof err) != 0) {
		if (o.n != 0 || !strstr(err, "byte"))
			abort();
		return 0;
	}
	if (o.n > WEB_JSON_MAX_FIELDS)
		abort();
	for (int i = 0; i < o.n; i++) {
		check_text(o.f[i].key);
		if (web_json_get(&o, o.f[i].key) != &o.f[i])
			abort();
		if (o.f[i].type == WEB_JSON_STR) {
			check_text(o.f[i].str);
			round_trip(o.f[i].str);
		}
	}
	web_json_free(&o);
	/* the escaper on raw bytes: always valid UTF-8, never a raw control character */
	char *raw = malloc(size + 1);
	if (!raw)
		abort();
	memcpy(raw, data, size);
	raw[size] = '\0';
	struct sbuf b;
	sbuf_init(&b);
	web_json_str(&b, raw);
	check_text(b.s);
	for (const char *p = b.s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			abort();
	sbuf_free(&b);
	free(raw);
	return 0;
}
