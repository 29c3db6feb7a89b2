/* libFuzzer: the web page's request parsing on any bytes — percent-
 * decoding, form bodies and query strings, request targets, and the
 * Cookie header — checking the promises callers rely on: decoded values
 * are NUL-free valid UTF-8, forms stay within WEB_FORM_MAX_FIELDS, a cookie
 * value fits its buffer.  The HTML escaper runs on every decoded value and
 * must leave no markup character behind.  The create form's "Gửi lúc"
 * (notice_parse_at) never accepts a time in the past, and the notice text
 * check always says why it refused.  A Host header the page answers is
 * made only of name, address and port characters, and a valid one-entry
 * [web] hosts list admits its own name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/notice.h"
#include "base/text.h"
#include "web/web_html.h"
#include "web/web_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
	size_t bad;
	if (!text_valid_utf8(s, strlen(s), &bad))
		abort();
	struct sbuf b;
	sbuf_init(&b);
	web_html_esc(&b, s);
	if (b.s && strpbrk(b.s, "<>\"'"))
		abort();
	sbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char *out;
	if (web_req_decode(s, size, 1, &out) == 0) {
		check_text(out);
		int64_t now = 1796090400, at = 0;
		int rc = notice_parse_at(out, now, &at);
		if (rc != 0 && rc != NOTICE_AT_FORMAT && rc != NOTICE_AT_PAST)
			abort();
		if (rc == 0 && at + 60 <= now)
			abort();
		int why;
		long detail;
		char err[256];
		char *t = text_notice_check_why(out, 40, &why, &detail, err, sizeof err);
		if ((t == NULL) != (why != TEXT_CHECK_OK))
			abort();
		free(t);
		free(out);
	}
	struct web_form f;
	if (web_req_form_parse(s, size, &f) == 0) {
		if (f.n > WEB_FORM_MAX_FIELDS)
			abort();
		for (int i = 0; i < f.n; i++) {
			check_text(f.key[i]);
			check_text(f.val[i]);
		}
		if (f.n && web_req_form_get(&f, f.key[0]) != f.val[0])
			abort();
	} else if (f.n != 0) {
		abort();
	}
	web_req_form_free(&f);

	char *path;
	if (web_req_split_uri(s, &path, &f) == 0) {
		check_text(path);
		free(path);
		web_req_form_free(&f);
	}
	char v[48];
	if (web_req_cookie(s, "loa_session", v, sizeof v) == 0 && strlen(v) >= sizeof v)
		abort();
	int64_t id;
	if (web_req_id(s, &id) == 0 && id < 1)
		abort();
	if (web_req_host_ok(s, "192.168.1.10", "10.0.0.3", "loa.office, [fd00::7]") &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(s))
		abort();
	if (web_req_hosts_valid(s) && *s && !strpbrk(s, ",: \t[]") && !web_req_host_ok(s, NULL, NULL, s))
		abort();
	free(s);
	return 0;
}
