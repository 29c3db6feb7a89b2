/* The household upload on the web page without sockets: the multipart
 * parser (boundaries, parts, files, every malformed shape refused), then
 * the pages — form, preview (the importer's plan in Vietnamese), confirm
 * with the CSRF token, the upload token tied to the session and the plan's
 * digest, the households written and the import logged with the user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "tests/unit/tmpstore.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"
#include "base/clock.h"
#include "db/store.h"
#include "db/store_web.h"
#include "web/web_auth.h"
#include "base/pwhash.h"
#include "web/web_page.h"
#include "web/web_req.h"

static char dir[64], path[128];
static struct store *st;
static struct web_app app;

static int setup_db(void **state)
{
	(void)state;
	tmpstore_open(dir, path, &st, "upl");
	struct loa_config c;
	config_defaults(&c, dir);
	config_web(&c, &app.cfg);
	app.st = st;
	return 0;
}

static int teardown_db(void **state)
{
	(void)state;
	return tmpstore_close(dir, &st);
}

static void test_boundary(void **state)
{
	(void)state;
	char b[80];
	assert_int_equal(web_req_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbC123", b, sizeof b), 0);
	assert_string_equal(b, "----WebKitFormBoundaryAbC123");
	assert_int_equal(web_req_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"", b, sizeof b), 0);
	assert_string_equal(b, "a b:c");
	assert_int_equal(web_req_boundary("application/x-www-form-urlencoded", b, sizeof b), -1);
	assert_int_equal(web_req_boundary("multipart/form-data", b, sizeof b), -1);
	assert_int_equal(web_req_boundary("multipart/form-data; boundary=", b, sizeof b), -1);
	assert_int_equal(web_req_boundary("multipart/form-data; boundary=\"open", b, sizeof b), -1);
	char longb[120];
	snprintf(longb, sizeof longb, "multipart/form-data; boundary=%0*d", 71, 0);
	assert_int_equal(web_req_boundary(longb, b, sizeof b), -1);
	assert_int_equal(web_req_boundary(NULL, b, sizeof b), -1);
}

static int parse(const char *body, size_t n, struct web_form *f, struct web_file *file)
{
	return web_req_multipart("XyZ", body, n, f, file);
}

static void test_multipart(void **state)
{
	(void)state;
	struct web_form f;
	struct web_file file;
	const char body[] = "--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
			    "abc\r\n"
			    "--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"update\"\r\n\r\n"
			    "1\r\n"
			    "--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\Users\\\\An\\\\Hộ dân.csv\"\r\n"
			    "Content-Type: text/csv\r\n\r\n"
			    "H\xe1\xbb\x8d t\xc3\xaan,S\xc4\x90T\r\nAn,0912\x00\xff\r\n-XyZ\r\n"
			    "\r\n"
			    "--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"sheet\"\r\n\r\n"
			    "Trang 1\r\n"
			    "--XyZ--\r\nepilogue";
	assert_int_equal(parse(body, sizeof body - 1, &f, &file), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(web_req_form_get(&f, "csrf"), "abc");
	assert_string_equal(web_req_form_get(&f, "update"), "1");
	assert_string_equal(web_req_form_get(&f, "sheet"), "Trang 1");
	assert_string_equal(file.name, "file");
	assert_string_equal(file.filename, "Hộ dân.csv");
	const char want[] = "H\xe1\xbb\x8d t\xc3\xaan,S\xc4\x90T\r\nAn,0912\x00\xff\r\n-XyZ\r\n";
	assert_int_equal(file.len, sizeof want - 1); /* binary and CRLFs kept */
	assert_memory_equal(file.data, want, sizeof want - 1);
	web_req_form_free(&f);
	web_req_file_free(&file);

	/* a preamble before the first delimiter, an empty file, a filename with a control byte */
	const char pre[] = "ignored\r\n--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"a\x01/b\x02.csv\"\r\n\r\n"
			   "\r\n--XyZ--";
	assert_int_equal(parse(pre, sizeof pre - 1, &f, &file), 0);
	assert_int_equal(file.len, 0);
	assert_string_equal(file.filename, "b_.csv");
	web_req_form_free(&f);
	web_req_file_free(&file);

	static const char *const bad[] = {
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ", /* no close: "--" missing */
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",               /* no delimiter after */
		"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",    /* not form-data */
		"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",                /* no name */
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--",       /* open quote */
		"--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",                                  /* not a header */
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--XyZ--", /* not UTF-8 */
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZjunk",   /* no CRLF */
		"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n1\r\n--XyZ\r\n"
		"Content-Disposition: form-data; name=\"g\"; filename=\"b\"\r\n\r\n2\r\n--XyZ--", /* two files */
		"",
		"--Other\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse(bad[i], strlen(bad[i]), &f, &file) != -1)
			fail_msg("accepted bad body %zu", i);
		assert_int_equal(f.n, 0);
		assert_null(file.data);
	}
	/* a NUL in a text field */
	const char nul[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\0y\r\n--XyZ--";
	assert_int_equal(parse(nul, sizeof nul - 1, &f, &file), -1);
	/* too many fields */
	struct sbuf many;
	sbuf_init(&many);
	for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		sbuf_printf(&many, "--XyZ\r\nContent-Disposition: form-data; name=\"k%d\"\r\n\r\nv\r\n", i);
	sbuf_add(&many, "--XyZ--");
	assert_int_equal(parse(many.s, many.len, &f, &file), -1);
	sbuf_free(&many);
}

/* One request through the page, with an optional file. */
static void request(const char *method, const char *target, const char *body, const struct web_file *file,
		    const char *cookie, struct web_reply *rep)
{
	struct web_request rq;
	memset(&rq, 0, sizeof rq);
	char *p;
	assert_int_equal(web_req_split_uri(target, &p, &rq.query), 0);
	if (body)
		assert_int_equal(web_req_form_parse(body, strlen(body), &rq.form), 0);
	rq.method = method;
	rq.path = p;
	rq.cookie = cookie;
	rq.addr = "127.0.0.1";
	rq.file = file;
	web_page_reply_init(rep);
	web_page_handle(&app, &rq, rep);
	free(p);
	web_req_form_free(&rq.query);
	web_req_form_free(&rq.form);
}

static void session(const char *user, char cookie[128], char csrf[WEB_HEX_LEN + 1])
{
	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str("secret-pass-2", h), 0);
	assert_int_equal(store_web_user_add(st, user, h, clock_wall_s(), NULL), STORE_OK);
	struct web_login_result r;
	assert_int_equal(web_auth_login(st, 480, user, "secret-pass-2", "127.0.0.1", &r), WEB_LOGIN_OK);
	snprintf(cookie, 128, "loa_session=%s", r.token);
	web_auth_csrf(r.token, csrf);
}

/* value="..." after name="key" in the page */
static void hidden(const char *page, const char *key, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof pat, "name=\"%s\" value=\"", key);
	const char *s = strstr(page, pat);
	assert_non_null(s);
	s += strlen(pat);
	size_t n = strcspn(s, "\"");
	assert_true(n < len);
	memcpy(out, s, n);
	out[n] = '\0';
}

static int households(void)
{
	int n = 0;
	struct household h;
	for (int id = 1; id < 100; id++)
		n += store_household_get(st, id, &h) == STORE_OK;
	return n;
}

#define HAS(buf, s) do { if (!strstr((buf), (s))) fail_msg("missing '%s' in:\n%s", (s), (buf)); } while (0)

static struct web_file csv_file(const char *name, const char *data)
{
	struct web_file f = { (char *)"file", (char *)name, (char *)data, strlen(data) };
	return f;
}

static void test_upload_pages(void **state)
{
	(void)state;
	char cookie[128], csrf[WEB_HEX_LEN + 1], body[1024];
	session("can-bo", cookie, csrf);
	struct web_reply rep;
	/* no session: the page and the POST are refused */
	request("GET", "/households/upload", NULL, NULL, NULL, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);

	request("GET", "/households/upload", NULL, NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	HAS(rep.body.s, "enctype=\"multipart/form-data\"");
	HAS(rep.body.s, "name=\"update\" value=\"1\" checked");
	web_page_reply_free(&rep);
	request("GET", "/households", NULL, NULL, cookie, &rep);
	HAS(rep.body.s, "href=\"/households/upload\""); /* linked from the household list */
	web_page_reply_free(&rep);

	/* a sheet as the village keeps it: title rows, Vietnamese headers */
	struct web_file f = csv_file("ho-dan.csv", "DANH SÁCH HỘ DÂN THÔN TÂN LỢI\n\n"
						   "STT,Họ và tên,Số ĐT,Xóm,Cách nhận\n"
						   "1,Nguyễn Văn An,0912345678,Xóm Đông Tiến,SMS\n"
						   "2,Trần Thị Bình,912345679,Xóm Đông Tiến,Gọi điện\n"
						   "3,Lê Văn Cường,0912345682 / 0987654321,Xóm Tây Sơn,SMS + gọi\n");
	snprintf(body, sizeof body, "csrf=%s&update=1", csrf);
	request("POST", "/households/upload", "update=1", &f, cookie, &rep); /* no CSRF */
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("POST", "/households/upload", body, &f, cookie, &rep);
	assert_int_equal(rep.status, 200);
	const char *pg = rep.body.s;
	HAS(pg, "Xem trước — chưa ghi gì");
	HAS(pg, "Thêm 3 hộ mới");
	HAS(pg, "hàng tiêu đề (bỏ qua 2 dòng phía trên)");
	HAS(pg, "cột Số ĐT (C): 912345679 bị mất số 0 ở đầu");
	HAS(pg, "&#39;0912345682 / 0987654321&#39; có hai số");
	HAS(pg, "<td data-l=\"Mã nhóm\">xom-dong-tien</td><td data-l=\"Tên\">Xóm Đông Tiến</td>");
	HAS(pg, "Xác nhận nhập");
	char token[64], digest[80];
	hidden(pg, "token", token, sizeof token);
	hidden(pg, "digest", digest, sizeof digest);
	web_page_reply_free(&rep);
	assert_int_equal(households(), 0); /* the preview writes nothing */

	/* confirm: another session may not use the token */
	char cookie2[128], csrf2[WEB_HEX_LEN + 1];
	session("khac", cookie2, csrf2);
	snprintf(body, sizeof body, "csrf=%s&token=%s&digest=%s&update=1", csrf2, token, digest);
	request("POST", "/households/upload/confirm", body, NULL, cookie2, &rep);
	assert_int_equal(rep.status, 404);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s&token=%s&digest=%s&update=1", csrf, token, digest);
	request("POST", "/households/upload/confirm", strchr(body, '&') + 1, NULL, cookie, &rep); /* no CSRF */
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("POST", "/households/upload/confirm", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	HAS(rep.body.s, "đã thêm <b>3</b> hộ");
	web_page_reply_free(&rep);
	assert_int_equal(households(), 3);
	struct household h;
	assert_int_equal(store_household_get(st, 3, &h), STORE_OK);
	assert_string_equal(h.phone2, "+84987654321");
	char name[64];
	assert_int_equal(store_group_name(st, "xom-dong-tien", name, sizeof name), STORE_OK);
	assert_string_equal(name, "Xóm Đông Tiến");
	/* the token is used up */
	request("POST", "/households/upload/confirm", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 404);
	web_page_reply_free(&rep);

	/* update: one change, shown old -> new; the households change before the confirm */
	f = csv_file("ho-dan-2.csv", "Họ và tên,Số ĐT,Xóm\n"
				     "Nguyễn Văn An,0912345678,Xóm Đông Tiến\n"
				     "Trần Thị Bình,0987000111,Xóm Đông Tiến\n");
	snprintf(body, sizeof body, "csrf=%s&update=1&deactivate=1", csrf);
	request("POST", "/households/upload", body, &f, cookie, &rep);
	assert_int_equal(rep.status, 200);
	pg = rep.body.s;
	HAS(pg, "Sửa 1 hộ");
	HAS(pg, "số điện thoại 0912345679 → 0987000111");
	HAS(pg, "Bỏ 1 hộ không có trong tệp");
	HAS(pg, "Lê Văn Cường");
	hidden(pg, "token", token, sizeof token);
	hidden(pg, "digest", digest, sizeof digest);
	web_page_reply_free(&rep);
	struct household extra = { 0 };
	snprintf(extra.name, sizeof extra.name, "Hộ mới thêm");
	snprintf(extra.phone, sizeof extra.phone, "+84905000001");
	extra.channel = CH_SMS;
	assert_int_equal(store_household_insert(st, &extra, NULL, clock_wall_s()), STORE_OK);
	snprintf(body, sizeof body, "csrf=%s&token=%s&digest=%s&update=1&deactivate=1", csrf, token, digest);
	request("POST", "/households/upload/confirm", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 409); /* the plan changed: shown again, nothing written */
	HAS(rep.body.s, "Bỏ 2 hộ không có trong tệp");
	hidden(rep.body.s, "digest", digest, sizeof digest);
	web_page_reply_free(&rep);
	assert_int_equal(households(), 4);
	snprintf(body, sizeof body, "csrf=%s&token=%s&digest=%s&update=1&deactivate=1", csrf, token, digest);
	request("POST", "/households/upload/confirm", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	web_page_reply_free(&rep);
	assert_int_equal(households(), 2);
	assert_int_equal(store_household_get(st, 2, &h), STORE_OK);
	assert_string_equal(h.phone, "+84987000111");

	/* a bad file: every problem in Vietnamese, no confirm button */
	f = csv_file("xau.csv", "Họ tên,Số ĐT,Cách nhận\n,113,fax\nAn,9.12346E+08,\n");
	snprintf(body, sizeof body, "csrf=%s", csrf);
	request("POST", "/households/upload", body, &f, cookie, &rep);
	assert_int_equal(rep.status, 400);
	pg = rep.body.s;
	HAS(pg, "4 lỗi — chưa nhập gì");
	HAS(pg, "cột Họ tên (A): trống");
	HAS(pg, "cột Số ĐT (B): &#39;113&#39; là số khẩn cấp");
	HAS(pg, "cột Cách nhận (C): &#39;fax&#39; không phải cách nhận");
	HAS(pg, "Excel đã đổi số thành dạng số mũ");
	assert_null(strstr(pg, "Xác nhận nhập"));
	hidden(pg, "token", token, sizeof token);
	web_page_reply_free(&rep);
	/* cancel forgets the file */
	snprintf(body, sizeof body, "csrf=%s&token=%s", csrf, token);
	request("POST", "/households/upload/cancel", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s&token=%s&digest=x", csrf, token);
	request("POST", "/households/upload/confirm", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 404);
	web_page_reply_free(&rep);
	/* no file, and deactivate without update */
	request("POST", "/households/upload", body, NULL, cookie, &rep);
	assert_int_equal(rep.status, 400);
	web_page_reply_free(&rep);
	f = csv_file("a.csv", "name,phone\nAn,0912345678\n");
	snprintf(body, sizeof body, "csrf=%s&deactivate=1", csrf);
	request("POST", "/households/upload", body, &f, cookie, &rep);
	assert_int_equal(rep.status, 400);
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test_setup_teardown(test_upload_pages, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
