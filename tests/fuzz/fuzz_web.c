/* libFuzzer: the web page's request parsing on any bytes — percent-
 * decoding, form bodies and query strings, request targets, and the
 * Cookie header — checking the promises callers rely on: decoded values
 * are NUL-free valid UTF-8, forms stay within WEB_FORM_MAX_FIELDS, a cookie
 * value fits its buffer.  The HTML escaper runs on every decoded value and
 * must leave no markup character behind.  The create form's "Gửi lúc"
 * (notice_parse_at) never accepts a time in the past, and the notice text
 * check always says why it refused.  A Host header the page answers is
 * made only of name, address and port characters, and a valid one-entry
 * [web] hosts list admits its own name.  A multipart/form-data body (the
 * household upload) yields the same promises for its text fields, at most
 * one file within WEB_UPLOAD_MAX whose name has no control or path
 * character, and nothing at all when refused; a boundary taken from a
 * Content-Type is 1 to 70 printable characters. */
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

	struct web_file file;
	if (web_req_multipart("XyZ", s, size, &f, &file) == 0) {
		if (f.n > WEB_FORM_MAX_FIELDS || file.len > WEB_UPLOAD_MAX)
			abort();
		for (int i = 0; i < f.n; i++) {
			check_text(f.key[i]);
			check_text(f.val[i]);
		}
		if (file.data) {
			check_text(file.name);
			check_text(file.filename);
			if (strpbrk(file.filename, "/\\\x01\x0a\x0d\x1b") || file.data[file.len] != '\0')
				abort();
		}
		web_req_form_free(&f);
		web_req_file_free(&file);
	} else if (f.n != 0 || file.data || file.name || file.filename) {
		abort();
	}
	char boundary[80];
	if (web_req_boundary(s, boundary, sizeof boundary) == 0) {
		size_t bl = strlen(boundary);
		if (bl == 0 || bl > 70)
			abort();
		for (size_t i = 0; i < bl; i++)
			if ((unsigned char)boundary[i] < 0x20 || (unsigned char)boundary[i] > 0x7e)
				abort();
	}

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
