/* The officers' web page without sockets: the one escaping function and
 * its printf, strict request parsing (percent-decoding, forms, cookies),
 * password hashes, session and CSRF tokens, the failed-login rate limiter
 * under the fake clock, session expiry, and the page gate (no session, no
 * CSRF) plus escaping of a hostile household name on a real page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "db/store_web.h"
#include "gateway/clock.h"
#include "gateway/config.h"
#include "gateway/web_auth.h"
#include "gateway/web_html.h"
#include "gateway/web_page.h"
#include "gateway/web_req.h"

static char dir[64], path[128];
static struct store *st;

static int setup_db(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-web.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake(1796090400000LL);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	return 0;
}

static int teardown_db(void **state)
{
	(void)state;
	store_close(st);
	st = NULL;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_escape(void **state)
{
	(void)state;
	struct sbuf b;
	sbuf_init(&b);
	web_html_esc(&b, "<script>alert(1)</script> & \"q\" 'a'");
	assert_string_equal(b.s, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;");
	sbuf_reset(&b);
	web_html_out(&b, "<td title=\"%s\">%d %lld %ld %u%%</td>", "a\"><b>", -3, 123456789012LL, 7L, 8u);
	assert_string_equal(b.s, "<td title=\"a&quot;&gt;&lt;b&gt;\">-3 123456789012 7 8%</td>");
	sbuf_reset(&b);
	web_html_esc(&b, NULL);
	web_html_out(&b, "[%c]", '<');
	assert_string_equal(b.s, "[&lt;]");
	sbuf_reset(&b);
	web_html_out(&b, "%s", "Nguyễn Văn An");
	assert_string_equal(b.s, "Nguyễn Văn An");
	sbuf_free(&b);
	assert_string_equal(web_html_state("delivered"), "đã nhận");
	assert_string_equal(web_html_state("weird<"), "weird<");
	assert_non_null(strstr(web_html_csp(), "script-src 'none'"));
	assert_non_null(strstr(web_html_csp(), "style-src 'sha256-"));
}

static void test_decode(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(web_req_decode("a%20b+c", 7, 1, &out), 0);
	assert_string_equal(out, "a b c");
	free(out);
	assert_int_equal(web_req_decode("a+b", 3, 0, &out), 0);
	assert_string_equal(out, "a+b");
	free(out);
	assert_int_equal(web_req_decode("H%E1%BB%8Dp", 11, 1, &out), 0);
	assert_string_equal(out, "Họp");
	free(out);
	assert_int_equal(web_req_decode("%zz", 3, 1, &out), -1);
	assert_int_equal(web_req_decode("%4", 2, 1, &out), -1);
	assert_int_equal(web_req_decode("%", 1, 1, &out), -1);
	assert_int_equal(web_req_decode("a%00b", 5, 1, &out), -1);    /* NUL */
	assert_int_equal(web_req_decode("%FF%FE", 6, 1, &out), -1);   /* not UTF-8 */
	/* the length bounds the read: "%4" followed by a byte outside n */
	assert_int_equal(web_req_decode("%41", 2, 1, &out), -1);
}

static void test_form_and_uri(void **state)
{
	(void)state;
	struct web_form f;
	const char body[] = "csrf=abc&to=dong-tien&to=tay-son&&text=H%E1%BB%8Dp+th%C3%B4n&flag";
	assert_int_equal(web_req_form_parse(body, strlen(body), &f), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(web_req_form_get(&f, "csrf"), "abc");
	assert_string_equal(web_req_form_get(&f, "to"), "dong-tien");
	assert_string_equal(web_req_form_get(&f, "text"), "Họp thôn");
	assert_string_equal(web_req_form_get(&f, "flag"), "");
	assert_null(web_req_form_get(&f, "nope"));
	web_req_form_free(&f);
	assert_int_equal(web_req_form_parse("a=%zz", 5, &f), -1);
	assert_int_equal(f.n, 0);
	struct sbuf many;
	sbuf_init(&many);
	for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		sbuf_printf(&many, "k%d=v&", i);
	assert_int_equal(web_req_form_parse(many.s, many.len, &f), -1);
	sbuf_free(&many);

	char *p;
	assert_int_equal(web_req_split_uri("/notice?id=12&unreached=1", &p, &f), 0);
	assert_string_equal(p, "/notice");
	assert_string_equal(web_req_form_get(&f, "id"), "12");
	free(p);
	web_req_form_free(&f);
	assert_int_equal(web_req_split_uri("/no%zzice", &p, &f), -1);
	assert_int_equal(web_req_split_uri("/x?id=%", &p, &f), -1);
	assert_int_equal(web_req_split_uri("http://evil/", &p, &f), -1);
	assert_int_equal(web_req_split_uri("/a#frag", &p, &f), -1);

	int64_t id;
	assert_int_equal(web_req_id("12", &id), 0);
	assert_int_equal(id, 12);
	assert_int_equal(web_req_id("0", &id), -1);
	assert_int_equal(web_req_id("1x", &id), -1);
	assert_int_equal(web_req_id(NULL, &id), -1);

	char v[64];
	assert_int_equal(web_req_cookie("a=1; loa_session=tok; b=2", "loa_session", v, sizeof v), 0);
	assert_string_equal(v, "tok");
	assert_int_equal(web_req_cookie("xloa_session=tok", "loa_session", v, sizeof v), -1);
	assert_int_equal(web_req_cookie("loa_session=0123456789", "loa_session", v, 5), -1);
	assert_int_equal(web_req_cookie(NULL, "loa_session", v, sizeof v), -1);
	assert_int_equal(web_req_cookie(";;; loa_session=x ;", "loa_session", v, sizeof v), 0);
	assert_string_equal(v, "x");
}

static void test_tokens(void **state)
{
	(void)state;
	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(web_auth_hash("correct horse", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(web_auth_verify(h, "correct horse"));
	assert_false(web_auth_verify(h, "correct horsE"));
	assert_false(web_auth_verify("garbage", "x"));

	char t1[WEB_TOKEN_LEN + 1], t2[WEB_TOKEN_LEN + 1];
	web_auth_new_token(t1);
	web_auth_new_token(t2);
	assert_int_equal(strlen(t1), WEB_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_true(web_auth_token_ok(t1));
	assert_false(web_auth_token_ok("short"));
	assert_false(web_auth_token_ok("0123456789012345678901234567890123456789<>!"));

	char c1[WEB_HEX_LEN + 1], c2[WEB_HEX_LEN + 1], th[WEB_HEX_LEN + 1];
	web_auth_csrf(t1, c1);
	web_auth_csrf(t2, c2);
	web_auth_token_hash(t1, th);
	assert_string_not_equal(c1, c2);
	assert_string_not_equal(c1, th); /* the stored hash does not give the CSRF token */
	assert_true(web_auth_csrf_ok(t1, c1));
	assert_false(web_auth_csrf_ok(t1, c2));
	assert_false(web_auth_csrf_ok(t1, NULL));
	assert_false(web_auth_csrf_ok(t1, ""));
	assert_false(web_auth_csrf_ok("bad", c1));

	assert_true(web_auth_name_ok("admin"));
	assert_true(web_auth_name_ok("can.bo-1_x"));
	assert_false(web_auth_name_ok(""));
	assert_false(web_auth_name_ok("a b"));
	assert_false(web_auth_name_ok("<x>"));
}

static void test_limiter_rules(void **state)
{
	(void)state;
	assert_int_equal(web_auth_limit_delay(0), 0);
	assert_int_equal(web_auth_limit_delay(1), 2000);
	assert_int_equal(web_auth_limit_delay(2), 4000);
	assert_int_equal(web_auth_limit_delay(5), 32000);
	assert_int_equal(web_auth_limit_delay(40), WEB_LIMIT_MAX_MS);
	struct store_web_limit l = { 0, 0, 0 };
	int64_t t = 1000000;
	assert_int_equal(web_auth_limit_wait(&l, t), 0);
	assert_int_equal(web_auth_limit_fail(&l, t), 2000);
	assert_int_equal(web_auth_limit_wait(&l, t + 500), 1500);
	assert_int_equal(web_auth_limit_wait(&l, t + 2000), 0);
	assert_int_equal(web_auth_limit_fail(&l, t + 2000), 4000);
	assert_int_equal(l.failures, 2);
	/* an hour after the last failure the count starts again */
	assert_int_equal(web_auth_limit_fail(&l, t + 2000 + WEB_LIMIT_FORGET_MS), 2000);
	assert_int_equal(l.failures, 1);
	assert_int_equal(web_auth_reply_delay(2000), 1000);
	assert_int_equal(web_auth_reply_delay(WEB_LIMIT_MAX_MS), WEB_LIMIT_REPLY_MAX_MS);
}

static void add_user(const char *name, const char *pw)
{
	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(web_auth_hash(pw, h), 0);
	assert_int_equal(store_web_user_add(st, name, h, clock_wall_s(), NULL), STORE_OK);
}

static void test_login_limited(void **state)
{
	(void)state;
	add_user("admin", "secret-pass-1");
	assert_int_equal(store_web_user_add(st, "admin", "x", 0, NULL), STORE_CONFLICT);
	struct web_login_result r;
	/* wrong password: refused and told to wait 2 s */
	assert_int_equal(web_auth_login(st, 480, "admin", "wrong", "10.0.0.5", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.wait_ms, 2000);
	/* inside the wait even the right password is not checked */
	clock_advance(1000);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_LIMITED);
	assert_int_equal(r.wait_ms, 1000);
	/* from another address too: the user name is limited */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.6", &r), WEB_LOGIN_LIMITED);
	clock_advance(1000);
	/* a growing delay */
	assert_int_equal(web_auth_login(st, 480, "admin", "wrong2", "10.0.0.5", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.wait_ms, 4000);
	clock_advance(3999);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_LIMITED);
	clock_advance(1);
	/* the address is limited for other names as well (password spraying) */
	assert_int_equal(web_auth_login(st, 480, "nobody", "x", "10.0.0.9", &r), WEB_LOGIN_BAD);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.9", &r), WEB_LOGIN_LIMITED);
	/* the right password after the wait: a session, and the records cleared */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
	struct store_web_limit l;
	assert_int_equal(store_web_limit_get(st, "user:admin", &l), STORE_OK);
	assert_int_equal(l.failures, 0);
	struct store_web_session s;
	assert_int_equal(web_auth_session(st, r.token, &s), STORE_OK);
	assert_string_equal(s.user, "admin");
	/* the database holds only the token's hash */
	char th[WEB_HEX_LEN + 1];
	web_auth_token_hash(r.token, th);
	assert_int_equal(store_web_session_get(st, r.token, clock_wall_s(), &s), STORE_NOTFOUND);
	assert_int_equal(store_web_session_get(st, th, clock_wall_s(), &s), STORE_OK);
	/* expiry after web.session_min */
	clock_advance(480LL * 60 * 1000 - 1000);
	assert_int_equal(web_auth_session(st, r.token, &s), STORE_OK);
	clock_advance(1000);
	assert_int_equal(web_auth_session(st, r.token, &s), STORE_NOTFOUND);
	/* logout, and removing a user ends their sessions */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
	assert_int_equal(web_auth_logout(st, r.token), STORE_OK);
	assert_int_equal(web_auth_session(st, r.token, &s), STORE_NOTFOUND);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
	assert_int_equal(store_web_user_remove(st, "admin"), STORE_OK);
	assert_int_equal(web_auth_session(st, r.token, &s), STORE_NOTFOUND);
	assert_int_equal(store_web_user_remove(st, "admin"), STORE_NOTFOUND);
}

/* ---- pages through web_page_handle ---- */

static struct web_app app;

static void request(const char *method, const char *target, const char *body, const char *cookie,
		    struct web_reply *rep)
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
	web_page_reply_init(rep);
	web_page_handle(&app, &rq, rep);
	free(p);
	web_req_form_free(&rq.query);
	web_req_form_free(&rq.form);
}

static void test_pages(void **state)
{
	(void)state;
	config_defaults(&app.cfg, dir);
	app.st = st;
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "<script>alert(1)</script>");
	snprintf(h.phone, sizeof h.phone, "+84912000111");
	snprintf(h.groups, sizeof h.groups, "dong-tien");
	h.channel = CH_SMS;
	h.accents = 1;
	int64_t hid;
	assert_int_equal(store_household_insert(st, &h, &hid), STORE_OK);
	add_user("can-bo", "secret-pass-2");

	struct web_reply rep;
	/* no session: GET redirects to the login page, POST is refused */
	request("GET", "/", NULL, NULL, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/login");
	web_page_reply_free(&rep);
	request("GET", "/household?id=1", NULL, "loa_session=forgedforgedforgedforgedforgedforgedforg", &rep);
	assert_int_equal(rep.status, 303);
	assert_null(strstr(rep.body.s ? rep.body.s : "", "alert"));
	web_page_reply_free(&rep);
	request("POST", "/new/create", "text=x&to=all&sms=1", NULL, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("DELETE", "/", NULL, NULL, &rep);
	assert_int_equal(rep.status, 405);
	web_page_reply_free(&rep);

	/* log in: the login form's own CSRF (double submit) is required */
	char ltok[WEB_TOKEN_LEN + 1], lcsrf[WEB_HEX_LEN + 1], cookie[128], body[256];
	web_auth_new_token(ltok);
	web_auth_csrf(ltok, lcsrf);
	snprintf(cookie, sizeof cookie, "loa_login=%s", ltok);
	request("POST", "/login", "user=can-bo&password=secret-pass-2", cookie, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s&user=can-bo&password=secret-pass-2", lcsrf);
	request("POST", "/login", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/");
	assert_true(rep.ncookies >= 1);
	assert_non_null(strstr(rep.cookies[0], "HttpOnly"));
	assert_non_null(strstr(rep.cookies[0], "SameSite=Strict"));
	char tok[WEB_TOKEN_LEN + 1];
	assert_int_equal(web_req_cookie(rep.cookies[0], "loa_session", tok, sizeof tok), 0);
	web_page_reply_free(&rep);
	snprintf(cookie, sizeof cookie, "loa_session=%s", tok);
	char csrf[WEB_HEX_LEN + 1];
	web_auth_csrf(tok, csrf);

	/* the hostile name renders as text */
	request("GET", "/household?id=1", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(rep.body.s, "<script>"));
	web_page_reply_free(&rep);
	request("GET", "/household?id=x", NULL, cookie, &rep);
	assert_int_equal(rep.status, 400);
	web_page_reply_free(&rep);
	request("GET", "/notice?id=99", NULL, cookie, &rep);
	assert_int_equal(rep.status, 404);
	web_page_reply_free(&rep);

	/* create a notice: preview writes nothing, create needs the CSRF token */
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp+th%%C3%%B4n%%0D%%0A19h30&to=all&sms=1", csrf);
	request("POST", "/new/preview", body, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "Xác nhận gửi"));
	web_page_reply_free(&rep);
	int64_t latest;
	assert_int_equal(store_notice_latest(st, &latest), STORE_NOTFOUND);
	request("POST", "/new/create", strchr(body, '&') + 1, cookie, &rep); /* no csrf */
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/notice?id=1&created=1");
	web_page_reply_free(&rep);
	struct notice n;
	assert_int_equal(store_notice_get(st, 1, &n), STORE_OK);
	assert_string_equal(n.text, "Họp thôn\n19h30");
	assert_string_equal(n.source, "web:can-bo");
	store_notice_clear(&n);
	request("GET", "/notice?id=1&created=1", NULL, cookie, &rep);
	assert_non_null(strstr(rep.body.s, "chờ gửi"));
	assert_non_null(strstr(rep.body.s, "<svg"));
	web_page_reply_free(&rep);
	request("GET", "/notice.csv?id=1", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.type, "text/csv; charset=utf-8");
	assert_memory_equal(rep.body.s, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(rep.body.s, "<script>alert(1)</script>")); /* CSV is data, not HTML */
	web_page_reply_free(&rep);
	request("GET", "/modems", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	web_page_reply_free(&rep);

	/* logout needs the token too, then the session is gone */
	request("POST", "/logout", NULL, cookie, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s", csrf);
	request("POST", "/logout", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	request("GET", "/", NULL, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_form_and_uri),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_limiter_rules),
		cmocka_unit_test_setup_teardown(test_login_limited, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pages, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
