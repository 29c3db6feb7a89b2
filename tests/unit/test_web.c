/* The officers' web page without sockets: the one escaping function and
 * its printf, strict request parsing (percent-decoding, forms, cookies),
 * password hashes, session and CSRF tokens, the failed-login rate limiter
 * under the fake clock, session expiry, and the page gate (no session, no
 * CSRF) plus escaping of a hostile household name on a real page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "tests/unit/tmpstore.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "db/store_health.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "db/store_web.h"
#include "app/cli.h"
#include "base/clock.h"
#include "app/config.h"
#include "domain/notice.h"
#include "web/web_auth.h"
#include "base/pwhash.h"
#include "web/web_html.h"
#include "web/web_page.h"
#include "web/web_req.h"

static char dir[64], path[128];
static struct store *st;


/* The page's settings as a default configuration gives them. */
static void web_defaults(struct web_cfg *wc, const char *base)
{
	struct loa_config c;
	config_defaults(&c, base);
	config_web(&c, wc);
}

static int setup_db(void **state)
{
	(void)state;
	tmpstore_open(dir, path, &st, "web");
	return 0;
}

static int teardown_db(void **state)
{
	(void)state;
	return tmpstore_close(dir, &st);
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

/* Issue 10, item 9: DNS rebinding.  A page reached under a stranger's
 * name is refused; the page's own names are answered with any port. */
static void test_host(void **state)
{
	(void)state;
	const char *hosts = "loa.office, Thon-Tan-Loi.local , 10.9.8.7,[fd00::7], 2001:db8::1";
	/* always: localhost and the loopback addresses, any case and port */
	const char *yes[] = { "localhost", "localhost:8080", "LocalHost.", "127.0.0.1", "127.0.0.1:1",
			      "[::1]", "[::1]:8080", "[0:0:0:0:0:0:0:1]:80", "loa.office", "LOA.OFFICE:8080",
			      "thon-tan-loi.local.", "10.9.8.7:80", "[fd00::7]", "[fd00:0::7]:1",
			      "[2001:db8::1]", "192.168.1.10:8080" /* the listen address */,
			      "10.0.0.3" /* the address the connection reached */ };
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		if (!web_req_host_ok(yes[i], "192.168.1.10", "10.0.0.3", hosts))
			fail_msg("Host '%s' refused", yes[i]);
	const char *no[] = { "evil.example", "evil.example:8080", "loa.office.evil.example",
			     "localhost.evil.example", "127.0.0.1.nip.io", "evil.example#@localhost",
			     "localhost@evil.example", "127.0.0.2", "127.1", "2130706433", "[::2]", "::1",
			     "[::1", "[::1]x", "[127.0.0.1]", "[loa.office]", "localhost:", "localhost:123456",
			     "localhost:80:80", "localhost:8o", "loa..office", ".loa.office", "", ":80",
			     "loa.office ", " loa.office", "a b", "l\xc3\xb3" "a.office", "10.9.8.7.", "fd00::7",
			     "[fd00::7%eth0]", "0.0.0.0" };
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		if (web_req_host_ok(no[i], "192.168.1.10", "10.0.0.3", hosts))
			fail_msg("Host '%s' answered", no[i]);
	assert_false(web_req_host_ok(NULL, "127.0.0.1", NULL, ""));
	/* a wildcard listen address is no name; the connection's own address is */
	assert_false(web_req_host_ok("0.0.0.0", "0.0.0.0", NULL, ""));
	assert_false(web_req_host_ok("[::]:80", "[::]", NULL, NULL));
	assert_true(web_req_host_ok("192.168.1.10:8080", "0.0.0.0", "192.168.1.10", ""));
	assert_false(web_req_host_ok("192.168.1.11:8080", "0.0.0.0", "192.168.1.10", ""));
	assert_true(web_req_host_ok("[fe80::1]", "[::]", "fe80::1", ""));
	/* with no hosts, a name is answered only if it is localhost */
	assert_false(web_req_host_ok("loa.office", "127.0.0.1", NULL, ""));
	assert_false(web_req_host_ok("loa.office", "127.0.0.1", NULL, NULL));

	assert_true(web_req_hosts_valid(""));
	assert_true(web_req_hosts_valid(hosts));
	assert_true(web_req_hosts_valid(" , loa.office,,"));
	assert_false(web_req_hosts_valid("*.evil"));
	assert_false(web_req_hosts_valid("loa.office, a b"));
	assert_false(web_req_hosts_valid("loa.office:8080"));
	assert_false(web_req_hosts_valid("http://loa.office"));
	/* the key, in the configuration table */
	struct loa_config c;
	char err[256];
	config_defaults(&c, "/");
	assert_string_equal(c.web_hosts, "");
	assert_int_equal(config_parse(&c, "t.conf", "[web]\nhosts = loa.office, 192.168.1.10\n", "/", err, sizeof err), 0);
	assert_string_equal(c.web_hosts, "loa.office, 192.168.1.10");
	assert_int_equal(config_parse(&c, "t.conf", "[web]\nhosts = *.office\n", "/", err, sizeof err), -1);
	assert_non_null(strstr(err, "web.hosts"));
}

static void test_tokens(void **state)
{
	(void)state;
	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str("correct horse", h), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(pwhash_verify(h, "correct horse"));
	assert_false(pwhash_verify(h, "correct horsE"));
	assert_false(pwhash_verify("garbage", "x"));

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
	assert_int_equal(web_auth_limit_delay(-2), 0);
	assert_int_equal(web_auth_limit_delay(1), 2000);
	assert_int_equal(web_auth_limit_delay(2), 4000);
	assert_int_equal(web_auth_limit_delay(5), 32000);
	assert_int_equal(web_auth_limit_delay(40), WEB_LIMIT_MAX_MS);
	struct store_web_limit l = { 0, 0, 0 };
	int64_t t = 1000000;
	assert_int_equal(web_auth_limit_wait(&l, t), 0);
	assert_false(web_auth_limit_recent(&l, t));
	assert_int_equal(web_auth_limit_fail(&l, t, 0), 2000);
	assert_true(web_auth_limit_recent(&l, t));
	assert_int_equal(web_auth_limit_wait(&l, t + 500), 1500);
	assert_int_equal(web_auth_limit_wait(&l, t + 2000), 0);
	assert_int_equal(web_auth_limit_fail(&l, t + 2000, 0), 4000);
	assert_int_equal(l.failures, 2);
	/* an hour after the last failure the count starts again */
	assert_false(web_auth_limit_recent(&l, t + 2000 + WEB_LIMIT_FORGET_MS));
	assert_int_equal(web_auth_limit_fail(&l, t + 2000 + WEB_LIMIT_FORGET_MS, 0), 2000);
	assert_int_equal(l.failures, 1);
	assert_int_equal(web_auth_reply_delay(2000), 1000);
	assert_int_equal(web_auth_reply_delay(WEB_LIMIT_MAX_MS), WEB_LIMIT_REPLY_MAX_MS);
	/* an address: the first failures are free, then the same doubling */
	struct store_web_limit a = { 0, 0, 0 };
	for (int i = 0; i < WEB_LIMIT_ADDR_FREE; i++) {
		assert_int_equal(web_auth_limit_fail(&a, t, WEB_LIMIT_ADDR_FREE), 0);
		assert_int_equal(web_auth_limit_wait(&a, t), 0);
	}
	assert_int_equal(web_auth_limit_fail(&a, t, WEB_LIMIT_ADDR_FREE), 2000);
	assert_int_equal(web_auth_limit_fail(&a, t + 2000, WEB_LIMIT_ADDR_FREE), 4000);

	/* the global bucket: fills one per failure, leaks one per minute */
	struct store_web_limit g = { 0, 0, 0 };
	int64_t hold = -1;
	for (int i = 0; i < WEB_LIMIT_GLOBAL_FREE - 1; i++)
		web_auth_global_fail(&g, t);
	assert_int_equal(web_auth_global_level(&g, t), WEB_LIMIT_GLOBAL_FREE - 1);
	/* not full: nobody waits, nothing held, no slot taken */
	assert_int_equal(web_auth_global_admit(&g, t, 0, &hold), 0);
	assert_int_equal(hold, 0);
	assert_int_equal(g.until_ms, 0);
	web_auth_global_fail(&g, t);
	/* full: a clean address is checked at once but held; never refused */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(web_auth_global_admit(&g, t, 1, &hold), 0);
		assert_int_equal(hold, WEB_LIMIT_GLOBAL_HOLD_MS);
	}
	/* an address that failed gets the next slot, one per slot for all */
	assert_int_equal(web_auth_global_admit(&g, t, 0, &hold), 0);
	assert_int_equal(hold, 0);
	assert_int_equal(web_auth_global_admit(&g, t + 1000, 0, &hold), WEB_LIMIT_GLOBAL_SLOT_MS - 1000);
	assert_int_equal(web_auth_global_admit(&g, t + WEB_LIMIT_GLOBAL_SLOT_MS, 0, &hold), 0);
	/* one leak: no longer full */
	assert_int_equal(web_auth_global_level(&g, t + WEB_LIMIT_GLOBAL_LEAK_MS - 1), WEB_LIMIT_GLOBAL_FREE);
	assert_int_equal(web_auth_global_level(&g, t + WEB_LIMIT_GLOBAL_LEAK_MS), WEB_LIMIT_GLOBAL_FREE - 1);
	assert_int_equal(web_auth_global_admit(&g, t + WEB_LIMIT_GLOBAL_LEAK_MS + 1, 0, &hold), 0);
	/* leaking keeps fractions: 1.5 leak steps later one more has leaked,
	 * half a step after that the next */
	int64_t t2 = t + WEB_LIMIT_GLOBAL_LEAK_MS;
	assert_int_equal(web_auth_global_level(&g, t2 + WEB_LIMIT_GLOBAL_LEAK_MS * 3 / 2), WEB_LIMIT_GLOBAL_FREE - 2);
	assert_int_equal(web_auth_global_level(&g, t2 + WEB_LIMIT_GLOBAL_LEAK_MS * 2), WEB_LIMIT_GLOBAL_FREE - 3);
	/* the level is capped, so it drains within the hour a record is kept */
	int64_t t3 = t2 + WEB_LIMIT_GLOBAL_LEAK_MS * 2;
	for (int i = 0; i < 1000; i++)
		web_auth_global_fail(&g, t3);
	assert_int_equal(g.failures, WEB_LIMIT_GLOBAL_MAX);
	assert_true((int64_t)WEB_LIMIT_GLOBAL_MAX * WEB_LIMIT_GLOBAL_LEAK_MS <= WEB_LIMIT_FORGET_MS);
	assert_int_equal(web_auth_global_level(&g, t3 + WEB_LIMIT_FORGET_MS), 0);
}

static void add_user(const char *name, const char *pw)
{
	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str(pw, h), 0);
	assert_int_equal(store_web_user_add(st, name, h, clock_wall_s(), NULL), STORE_OK);
}

static int limit_failures(const char *key)
{
	struct store_web_limit l;
	assert_int_equal(store_web_limit_get(st, key, &l), STORE_OK);
	return l.failures;
}

static void test_login_limited(void **state)
{
	(void)state;
	add_user("admin", "secret-pass-1");
	assert_int_equal(store_web_user_add(st, "admin", "x", 0, NULL), STORE_CONFLICT);
	struct web_login_result r;
	/* wrong password: refused, the pair told to wait 2 s, the answer held 1 s */
	assert_int_equal(web_auth_login(st, 480, "admin", "wrong", "10.0.0.5", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.wait_ms, 2000);
	assert_int_equal(r.hold_ms, 1000);
	assert_int_equal(limit_failures("ua:admin|10.0.0.5"), 1);
	assert_int_equal(limit_failures("a:10.0.0.5"), 1);
	assert_int_equal(limit_failures("user:admin"), 0); /* no record per name alone */
	/* inside the wait even the right password is not checked */
	clock_advance(1000);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_LIMITED);
	assert_int_equal(r.wait_ms, 1000);
	clock_advance(1000);
	/* a growing delay */
	assert_int_equal(web_auth_login(st, 480, "admin", "wrong2", "10.0.0.5", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.wait_ms, 4000);
	clock_advance(3999);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_LIMITED);
	clock_advance(1);
	/* the right password after the wait: a session, and the pair cleared;
	 * its failures come off the address */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
	assert_int_equal(r.hold_ms, 0);
	assert_int_equal(limit_failures("ua:admin|10.0.0.5"), 0);
	assert_int_equal(limit_failures("a:10.0.0.5"), 0);
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

/* Issue 10, item 4: someone on the LAN types the officer's name with wrong
 * passwords, as often as the limiter lets them, for an hour.  The officer,
 * at their own address, still logs in at once; the attacker's address stays
 * limited even with the right password. */
static void test_login_lockout_attack(void **state)
{
	(void)state;
	add_user("admin", "secret-pass-1");
	add_user("thu-ky", "secret-pass-2");
	struct web_login_result r;
	int bad = 0;
	for (int64_t spent = 0; spent < 60LL * 60 * 1000;) {
		int rc = web_auth_login(st, 480, "admin", "guess", "10.0.0.66", &r);
		assert_true(rc == WEB_LOGIN_BAD || rc == WEB_LOGIN_LIMITED);
		bad += rc == WEB_LOGIN_BAD;
		int64_t step = rc == WEB_LOGIN_LIMITED ? r.wait_ms : 1;
		/* the officer, between two guesses: never limited, never held */
		assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
		assert_int_equal(r.hold_ms, 0);
		clock_advance(step);
		spent += step;
	}
	/* the doubling let the attacker check only a handful of guesses */
	assert_in_range(bad, 5, 12);
	/* after its next guess the attacker's address waits the longest, even
	 * with the right password */
	if (web_auth_login(st, 480, "admin", "guess", "10.0.0.66", &r) == WEB_LOGIN_LIMITED) {
		clock_advance(r.wait_ms);
		assert_int_equal(web_auth_login(st, 480, "admin", "guess", "10.0.0.66", &r), WEB_LOGIN_BAD);
	}
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.66", &r), WEB_LOGIN_LIMITED);
	assert_int_equal(r.wait_ms, WEB_LIMIT_MAX_MS);

	/* password spraying from one address: a few names free, then the
	 * address waits, whatever the name, even with a right password */
	clock_advance(WEB_LIMIT_FORGET_MS);
	const char *names[] = { "a1", "a2", "a3", "a4" };
	for (int i = 0; i < 4; i++)
		assert_int_equal(web_auth_login(st, 480, names[i], "x", "10.0.0.9", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.wait_ms, 2000); /* the fourth failure from the address */
	assert_int_equal(web_auth_login(st, 480, "a5", "x", "10.0.0.9", &r), WEB_LOGIN_LIMITED);
	assert_int_equal(web_auth_login(st, 480, "thu-ky", "secret-pass-2", "10.0.0.9", &r), WEB_LOGIN_LIMITED);
	/* ... and a login with a known password does not wipe the names it
	 * sprayed: only that pair's own failures come off the address */
	clock_advance(2000);
	assert_int_equal(web_auth_login(st, 480, "thu-ky", "wrong", "10.0.0.9", &r), WEB_LOGIN_BAD);
	clock_advance(r.wait_ms);
	assert_int_equal(web_auth_login(st, 480, "thu-ky", "secret-pass-2", "10.0.0.9", &r), WEB_LOGIN_OK);
	assert_int_equal(limit_failures("a:10.0.0.9"), 4);
	/* the officer elsewhere was never touched */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);

	/* records are deleted an hour after their last failure */
	assert_int_equal(store_web_limit_purge(st, clock_wall_ms() - WEB_LIMIT_FORGET_MS, clock_wall_ms()), STORE_OK);
	assert_int_equal(limit_failures("a:10.0.0.9"), 4);
	clock_advance(WEB_LIMIT_FORGET_MS);
	assert_int_equal(web_auth_login(st, 480, "nobody", "x", "10.0.0.10", &r), WEB_LOGIN_BAD); /* purges */
	assert_int_equal(limit_failures("a:10.0.0.9"), 0);
	assert_int_equal(limit_failures("ua:a1|10.0.0.9"), 0);
	assert_int_equal(limit_failures("a:10.0.0.10"), 1);
}

/* Guessing from many addresses fills the global bucket: addresses that
 * failed are then checked one per slot for the whole page, while a correct
 * password from an address that has not failed is slowed, never refused. */
static void test_login_global_cap(void **state)
{
	(void)state;
	add_user("admin", "secret-pass-1");
	struct web_login_result r;
	char addr[32];
	for (int i = 1; i <= WEB_LIMIT_GLOBAL_FREE; i++) {
		snprintf(addr, sizeof addr, "10.1.0.%d", i);
		assert_int_equal(web_auth_login(st, 480, "admin", "guess", addr, &r), WEB_LOGIN_BAD);
		assert_int_equal(r.hold_ms, 1000); /* not yet full */
	}
	assert_int_equal(limit_failures("g:all"), WEB_LIMIT_GLOBAL_FREE);
	/* the officer from a clean address: in, after the hold */
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.5", &r), WEB_LOGIN_OK);
	assert_int_equal(r.hold_ms, WEB_LIMIT_GLOBAL_HOLD_MS);
	/* a wrong password from a clean address is held as long (no timing
	 * tells right from wrong) and makes that address a failed one */
	assert_int_equal(web_auth_login(st, 480, "admin", "guess", "10.0.0.7", &r), WEB_LOGIN_BAD);
	assert_int_equal(r.hold_ms, WEB_LIMIT_GLOBAL_HOLD_MS);
	/* failed addresses: one check per slot, whatever the name */
	clock_advance(WEB_LIMIT_BASE_MS);
	assert_int_equal(web_auth_login(st, 480, "other", "guess", "10.1.0.1", &r), WEB_LOGIN_BAD);
	assert_int_equal(web_auth_login(st, 480, "other", "guess", "10.1.0.2", &r), WEB_LOGIN_LIMITED);
	assert_int_equal(r.wait_ms, WEB_LIMIT_GLOBAL_SLOT_MS);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.1.0.3", &r), WEB_LOGIN_LIMITED);
	/* a flood from fresh addresses never keeps a clean one out */
	for (int i = 1; i <= 50; i++) {
		snprintf(addr, sizeof addr, "10.2.0.%d", i);
		assert_int_equal(web_auth_login(st, 480, "admin", "guess", addr, &r), WEB_LOGIN_BAD);
	}
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.0.0.8", &r), WEB_LOGIN_OK);
	assert_int_equal(r.hold_ms, WEB_LIMIT_GLOBAL_HOLD_MS);
	clock_advance(WEB_LIMIT_GLOBAL_SLOT_MS);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.1.0.3", &r), WEB_LOGIN_OK);
	/* once the bucket has drained, failed addresses are back to their own
	 * limits only */
	clock_advance((int64_t)WEB_LIMIT_GLOBAL_MAX * WEB_LIMIT_GLOBAL_LEAK_MS);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.1.0.4", &r), WEB_LOGIN_OK);
	assert_int_equal(r.hold_ms, 0);
	assert_int_equal(web_auth_login(st, 480, "admin", "secret-pass-1", "10.1.0.5", &r), WEB_LOGIN_OK);
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
	assert_int_equal(web_page_reply_collect(rep), 0); /* a streamed download, read whole */
	free(p);
	web_req_form_free(&rq.query);
	web_req_form_free(&rq.form);
}

static void test_pages(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "<script>alert(1)</script>");
	snprintf(h.phone, sizeof h.phone, "+84912000111");
	snprintf(h.groups, sizeof h.groups, "dong-tien");
	h.channel = CH_SMS;
	h.accents = 1;
	int64_t hid;
	assert_int_equal(store_household_insert(st, &h, &hid, clock_wall_s()), STORE_OK);
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

/* A session for `name` (password pw) as a Cookie header and its CSRF token. */
static void session_for(const char *name, const char *pw, char cookie[128], char csrf[WEB_HEX_LEN + 1])
{
	struct web_login_result r;
	assert_int_equal(web_auth_login(st, 480, name, pw, "127.0.0.1", &r), WEB_LOGIN_OK);
	snprintf(cookie, 128, "loa_session=%s", r.token);
	web_auth_csrf(r.token, csrf);
}

static void add_household(const char *name, const char *phone, const char *groups, int channel, int64_t *id)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	h.channel = channel;
	h.accents = 1;
	assert_int_equal(store_household_insert(st, &h, id, clock_wall_s()), STORE_OK);
}

/* POSTs body (after "csrf=...&") to path; the reply must have `status` and
 * contain `want` (and not `unwanted` when given). */
static void post_expect(const char *target, const char *cookie, const char *csrf, const char *form, int status,
			const char *want, const char *unwanted)
{
	char body[2048];
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, form);
	struct web_reply rep;
	request("POST", target, body, cookie, &rep);
	if (rep.status != status || !strstr(rep.body.s ? rep.body.s : "", want) ||
	    (unwanted && strstr(rep.body.s, unwanted)))
		fail_msg("POST %s %s: status %d, want %d and '%s'; body: %.300s", target, form, rep.status, status, want,
			 rep.body.s && strstr(rep.body.s, "<main>") ? strstr(rep.body.s, "<main>") : "");
	web_page_reply_free(&rep);
}

/* notice_plan's refusals reach the Vietnamese page in Vietnamese, by code;
 * the CLI's English line is unchanged. */
static void test_plan_errors(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1];
	session_for("can-bo", "secret-pass-2", cookie, csrf);

	/* the codes, and the English message the CLI prints */
	struct notice_plan pl;
	char err[512];
	assert_int_equal(notice_plan(st, &app.cfg.notice, "ab\xff", "all", CH_SMS, 0, 0, "cli", &pl, err, sizeof err), EXIT_USAGE);
	assert_int_equal(pl.why, NOTICE_WHY_TEXT_UTF8);
	assert_int_equal(pl.why_n, 3);
	assert_string_equal(err, "text is not valid UTF-8 (byte 3); save it as UTF-8");
	notice_plan_free(&pl);
	assert_int_equal(notice_plan(st, &app.cfg.notice, " \n ", "all", CH_SMS, 0, 0, "cli", &pl, err, sizeof err), EXIT_USAGE);
	assert_int_equal(pl.why, NOTICE_WHY_TEXT_EMPTY);
	assert_string_equal(err, "text is empty");
	notice_plan_free(&pl);
	assert_int_equal(notice_plan(st, &app.cfg.notice, "x", "nope", CH_SMS, 0, 0, "cli", &pl, err, sizeof err), EXIT_USAGE);
	assert_int_equal(pl.why, NOTICE_WHY_NO_GROUP);
	assert_string_equal(pl.why_group, "nope");
	assert_string_equal(err, "--to: no group 'nope' (loa group list shows them)");
	notice_plan_free(&pl);
	assert_int_equal(notice_plan(st, &app.cfg.notice, "x", "all", CH_SMS, 0, 0, "cli", &pl, err, sizeof err), EXIT_OK);
	assert_int_equal(pl.why, NOTICE_WHY_NONE);
	notice_plan_free(&pl);

	/* the page: each known case in Vietnamese, never the English line */
	post_expect("/new/preview", cookie, csrf, "text=+%0A+&to=all&sms=1", 400, "Nội dung đang trống", "text is");
	post_expect("/new/preview", cookie, csrf, "text=a%01b&to=all&sms=1", 400, "ký tự điều khiển không in được (ở byte 2)",
		    "control");
	post_expect("/new/preview", cookie, csrf, "text=x&to=nope&sms=1", 400, "Không có nhóm &quot;nope&quot;",
		    "no group");
	post_expect("/new/preview", cookie, csrf, "text=x&to=dong-tien&voice=1", 400,
		    "không tới được hộ nào (0 hộ đã từ chối nhận, 1 hộ không có kênh đã chọn)", "would reach");
	app.cfg.notice.max_chars = 5;
	post_expect("/new/preview", cookie, csrf, "text=H%E1%BB%8Dp+th%C3%B4n&to=all&sms=1", 400,
		    "Nội dung dài 8 ký tự; tối đa 5 ký tự", "characters");
	app.cfg.notice.max_chars = 1000;
	app.cfg.notice.sms_max_parts = 1;
	char form[1024] = "to=all&sms=1&text=";
	for (int i = 0; i < 80; i++)
		strcat(form, "%E1%BB%8D"); /* ọ: 80 UCS-2 characters, 2 parts */
	post_expect("/new/preview", cookie, csrf, form, 400, "Tin có dấu cần 2 phần SMS; tối đa 1 phần", "Unicode");
	app.cfg.notice.sms_max_parts = 5;
	post_expect("/new/preview", cookie, csrf, form, 200, "Xác nhận gửi", NULL);

	/* a voice notice without accents: speech will have no tones; the
	 * ambiguity warning and the stripped copy only when Loa strips */
	add_household("Lê Thị Cúc", "+84905123456", "tay-son", CH_BOTH, &hid);
	post_expect("/new/preview", cookie, csrf, "text=Bao+so+6&to=all&sms=1&voice=1", 200,
		    "Không dấu: đọc lên sẽ sai thanh điệu — nên ghi âm (--audio)", "dễ hiểu nhầm");
	post_expect("/new/preview", cookie, csrf, "text=Bao+so+6&to=all&sms=1&voice=1", 200, "Xác nhận gửi",
		    "Bản không dấu");
	post_expect("/new/preview", cookie, csrf, "text=Bao+so+6&to=all&sms=1", 200, "Xác nhận gửi", "Không dấu");
	post_expect("/new/preview", cookie, csrf, "text=B%C3%A3o+s%E1%BB%91+6&to=all&sms=1&voice=1", 200,
		    "Xác nhận gửi", "Không dấu:");
}

/* "Gửi lúc": the CLI's --at rules, on the form, the preview and the notice. */
static void test_due_time(void **state)
{
	(void)state;
	int64_t now = clock_wall_s(), at;
	char s[40];
	assert_int_equal(notice_parse_at("2026-02-31 10:00", now, &at), NOTICE_AT_FORMAT);
	assert_int_equal(notice_parse_at("25:00", now, &at), NOTICE_AT_FORMAT);
	assert_int_equal(notice_parse_at("tomorrow", now, &at), NOTICE_AT_FORMAT);
	assert_int_equal(notice_parse_at("2026-12-01 10:00 x", now, &at), NOTICE_AT_FORMAT);
	clock_format_local(now - 3600, s, sizeof s);
	assert_int_equal(notice_parse_at(s, now, &at), NOTICE_AT_PAST);
	assert_int_equal(notice_parse_at(s + 11, now, &at), 0); /* "HH:MM" an hour ago: tomorrow */
	assert_int_equal(at, now - 3600 + 86400);
	clock_format_local(now, s, sizeof s);
	assert_int_equal(notice_parse_at(s, now, &at), 0); /* this minute still counts as now */
	clock_format_local(now + 2 * 86400 + 1800, s, sizeof s);
	assert_int_equal(notice_parse_at(s, now, &at), 0);
	assert_int_equal(at, now + 2 * 86400 + 1800);

	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1], form[256];
	session_for("can-bo", "secret-pass-2", cookie, csrf);

	/* the form offers it */
	struct web_reply rep;
	request("GET", "/new", NULL, cookie, &rep);
	assert_non_null(strstr(rep.body.s, "Gửi lúc"));
	assert_non_null(strstr(rep.body.s, "name=\"when\" value=\"now\" checked"));
	assert_non_null(strstr(rep.body.s, "type=\"time\" name=\"time\""));
	web_page_reply_free(&rep);

	/* refused: no time, a bad date, the past */
	post_expect("/new/preview", cookie, csrf, "text=x&to=all&sms=1&when=at&date=&time=", 400, "Hãy nhập giờ gửi", NULL);
	post_expect("/new/preview", cookie, csrf, "text=x&to=all&sms=1&when=at&date=2026-02-31&time=10:00", 400,
		    "không hợp lệ", NULL);
	clock_format_local(now - 3600, s, sizeof s);
	s[10] = '\0';
	snprintf(form, sizeof form, "text=x&to=all&sms=1&when=at&date=%s&time=%s", s, s + 11);
	post_expect("/new/preview", cookie, csrf, form, 400, "đã qua", NULL);
	/* the form keeps what was typed */
	post_expect("/new/preview", cookie, csrf, form, 400, "name=\"when\" value=\"at\" checked", NULL);
	/* "now" ignores the fields */
	post_expect("/new/preview", cookie, csrf, "text=x&to=all&sms=1&when=now&date=2020-01-01&time=10:00", 200,
		    "ngay khi xác nhận", NULL);

	/* HH:MM alone: the next occurrence, shown in full on the preview and carried as such */
	char due[32], want[160];
	clock_format_local(now - 3600 + 86400, due, sizeof due);
	clock_format_local(now - 3600, s, sizeof s);
	snprintf(form, sizeof form, "text=H%%E1%%BB%%8Dp&to=all&sms=1&urgent=1&when=at&date=&time=%s", s + 11);
	snprintf(want, sizeof want, "<b>%s</b>", due);
	post_expect("/new/preview", cookie, csrf, form, 200, want, NULL);
	due[10] = '\0';
	snprintf(want, sizeof want, "name=\"date\" value=\"%s\"><input type=\"hidden\" name=\"time\" value=\"%s\"", due,
		 due + 11);
	post_expect("/new/preview", cookie, csrf, form, 200, want, NULL);
	post_expect("/new/preview", cookie, csrf, form, 200, "<span class=\"urgent\">KHẨN</span>", NULL);

	/* confirmed with the carried date: stored as due_at */
	snprintf(form, sizeof form, "text=H%%E1%%BB%%8Dp&to=all&sms=1&when=at&date=%s&time=%s", due, due + 11);
	char body[512];
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, form);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	struct notice n;
	assert_int_equal(store_notice_get(st, 1, &n), STORE_OK);
	assert_int_equal(n.due_at, now - 3600 + 86400);
	store_notice_clear(&n);
	/* when=now: due now (0 or the creation time) */
	snprintf(body, sizeof body, "csrf=%s&text=x&to=all&sms=1&when=now&date=2020-01-01&time=10:00", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	assert_int_equal(store_notice_get(st, 2, &n), STORE_OK);
	assert_true(n.due_at <= now);
	store_notice_clear(&n);

	/* a box whose clock says 1970 and no network time yet: nothing is
	 * created (it would expire once the time is known), the page says why */
	int64_t saved = clock_wall_ms();
	clock_fake(86400 * 1000LL);
	post_expect("/new/preview", cookie, csrf, "text=x&to=all&sms=1&when=now", 503, "Đồng hồ của máy đang sai", NULL);
	snprintf(body, sizeof body, "csrf=%s&text=x&to=all&sms=1&when=now", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 503);
	web_page_reply_free(&rep);
	assert_int_equal(store_notice_get(st, 3, &n), STORE_NOTFOUND);
	clock_fake(saved);
}

static void get_expect(const char *target, const char *cookie, int status, const char *want, const char *unwanted)
{
	struct web_reply rep;
	request("GET", target, NULL, cookie, &rep);
	if (rep.status != status || !strstr(rep.body.s ? rep.body.s : "", want) ||
	    (unwanted && strstr(rep.body.s, unwanted)))
		fail_msg("GET %s: status %d, want %d and '%s'; body: %.400s", target, rep.status, status, want,
			 rep.body.s && strstr(rep.body.s, "<main>") ? strstr(rep.body.s, "<main>") : "");
	web_page_reply_free(&rep);
}

/* "Tin nhắn đến": inbound SMS with sender names, decisions, reasons and
 * replies, newest first, escaped, CSV, behind the login. */
static void test_inbox(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid, in1, in2, in3;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	struct sender sd;
	memset(&sd, 0, sizeof sd);
	snprintf(sd.phone, sizeof sd.phone, "+84987000111");
	snprintf(sd.role, sizeof sd.role, "head");
	snprintf(sd.name, sizeof sd.name, "Trưởng thôn <Bình>");
	assert_int_equal(store_sender_add(st, &sd, NULL, clock_wall_s()), STORE_OK);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1];
	session_for("can-bo", "secret-pass-2", cookie, csrf);

	int64_t now = clock_wall_s();
	assert_int_equal(store_sms_inbound_cli(st, "+84987000111", "TB dong-tien <script>alert(1)</script>", now, &in1),
			 STORE_OK);
	assert_int_equal(store_inbound_decide(st, in1, "pending", "broadcast to dong-tien awaits the one-time code"),
			 STORE_OK);
	assert_int_equal(store_outbox_add(st, "+84987000111", "Xem truoc: gui XN 123456", "reply", in1, now), STORE_OK);
	/* two replies to one message: a rule between them */
	assert_int_equal(store_outbox_add(st, "+84987000111", "Ma XN het han, gui lai TB", "reply", in1, now + 30), STORE_OK);
	/* in national form, as `loa inbox --simulate` stores it: still named */
	assert_int_equal(store_sms_inbound_cli(st, "0912000111", "TUCHOI", now + 60, &in2), STORE_OK);
	assert_int_equal(store_inbound_decide(st, in2, "accepted", "household 1 opted out of non-urgent notices"),
			 STORE_OK);
	assert_int_equal(store_sms_inbound_cli(st, "+84900000999", "=cmd|' /C calc'!A0", now + 120, &in3), STORE_OK);
	assert_int_equal(store_inbound_decide(st, in3, "stored", "unknown sender"), STORE_OK);

	/* behind the login */
	struct web_reply rep;
	request("GET", "/inbox", NULL, NULL, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	request("GET", "/inbox.csv", NULL, NULL, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);

	request("GET", "/inbox", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	const char *b = rep.body.s;
	assert_null(strstr(b, "<script>"));
	assert_non_null(strstr(b, "TB dong-tien &lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b, "Trưởng thôn &lt;Bình&gt;"));             /* registered sender */
	assert_non_null(strstr(b, "Nguyễn Văn An"));                          /* household */
	assert_non_null(strstr(b, "(không đăng ký)"));                        /* unknown */
	assert_non_null(strstr(b, "chờ xác nhận"));
	assert_non_null(strstr(b, "awaits the one-time code"));
	assert_non_null(strstr(b, "Xem truoc: gui XN ******")); /* codes are not for the log */
	assert_null(strstr(b, "123456"));
	assert_non_null(strstr(b, "href=\"/inbox\""));                        /* in the navigation */
	assert_non_null(strstr(b, "</span><hr><pre>")); /* markup, not "&lt;hr&gt;" */
	assert_null(strstr(b, "&lt;hr&gt;"));
	/* newest first */
	const char *a3 = strstr(b, "0900000999"), *a2 = strstr(b, "TUCHOI"), *a1 = strstr(b, "TB dong-tien");
	assert_true(a3 && a2 && a1 && a3 < a2 && a2 < a1);
	/* read-only: no form but logout */
	int forms = 0;
	for (const char *f = b; (f = strstr(f, "<form")); f++)
		forms++;
	assert_int_equal(forms, 1);
	web_page_reply_free(&rep);

	request("GET", "/inbox.csv", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.type, "text/csv; charset=utf-8");
	assert_string_equal(rep.filename, "tin-den.csv");
	assert_memory_equal(rep.body.s, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(rep.body.s, "inbound,received,modem,sender,sender_name,text,decision,reason,replies"));
	assert_non_null(strstr(rep.body.s, "<script>alert(1)</script>"));     /* CSV is data */
	assert_non_null(strstr(rep.body.s, "'=cmd"));                        /* no formula */
	assert_non_null(strstr(rep.body.s, "Xem truoc: gui XN ******"));
	assert_true(strstr(rep.body.s, "TUCHOI") < strstr(rep.body.s, "TB dong-tien"));
	web_page_reply_free(&rep);
	request("GET", "/outbox.csv", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "0987000111,reply,Xem truoc: gui XN ******,queued"));
	web_page_reply_free(&rep);
	request("POST", "/inbox", "x=1", cookie, &rep);
	assert_int_equal(rep.status, 405);
	web_page_reply_free(&rep);
}

struct state_count {
	const char *state;
	int n;
};

static int add_state(const struct report_count *c, void *arg)
{
	struct state_count *sc = arg;
	if (strcmp(c->state, sc->state) == 0)
		sc->n += c->n;
	return 0;
}

static int count_state(int64_t notice, const char *state)
{
	struct state_count sc = { state, 0 };
	assert_int_equal(store_report_counts(st, notice, add_state, &sc, clock_wall_s()), STORE_OK);
	return sc.n;
}

/* Urgent notices are marked; cancel: CSRF, a confirm step, pending
 * deliveries cancelled, in-flight ones left alone, an event by web:USER. */
static void test_cancel(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_household("Lê Thị Cúc", "+84905123456", "dong-tien", CH_SMS, &hid);
	add_household("Trần Văn Dũng", "+84987654321", "tay-son", CH_SMS, &hid);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1], body[256];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	struct web_reply rep;
	snprintf(body, sizeof body, "csrf=%s&text=B%%C3%%A3o+l%%C5%%A9&to=all&sms=1&urgent=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp&to=all&sms=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);

	/* urgent: a badge in the list (only on notice 1) and on its page */
	request("GET", "/", NULL, cookie, &rep);
	const char *u = strstr(rep.body.s, "<tr class=\"urgent-row\">");
	assert_non_null(u);
	assert_non_null(strstr(u, "href=\"/notice?id=1\""));
	assert_true(strstr(u, "href=\"/notice?id=1\"") < strstr(u, "</tr>"));
	assert_non_null(strstr(u, "<span class=\"urgent\">KHẨN</span>"));
	const char *n2 = strstr(rep.body.s, "href=\"/notice?id=2\"");
	assert_non_null(n2);
	assert_null(strstr(rep.body.s, "<tr class=\"urgent-row\"><td><a href=\"/notice?id=2\""));
	web_page_reply_free(&rep);
	get_expect("/notice?id=1", cookie, 200, "<h1>Thông báo 1 <span class=\"urgent\">KHẨN</span>", NULL);
	get_expect("/notice?id=2", cookie, 200, "<h1>Thông báo 2</h1>", "class=\"urgent\"");

	/* the notice page offers cancel while deliveries wait */
	get_expect("/notice?id=1", cookie, 200, "action=\"/notice/cancel\"", NULL);
	/* a modem is already sending one of them (urgent first): it must finish */
	struct sms_job job;
	memset(&job, 0, sizeof job);
	assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 1, 10, &job), STORE_OK);
	assert_int_equal(job.notice_id, 1);
	store_sms_job_clear(&job);
	assert_int_equal(count_state(1, "queued"), 2);
	assert_int_equal(count_state(1, "sending"), 1);

	/* without the CSRF token: refused, nothing changes */
	request("POST", "/notice/cancel", "id=1&confirm=1", cookie, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "queued"), 2);
	/* a GET cannot cancel */
	request("GET", "/notice/cancel?id=1&confirm=1", NULL, cookie, &rep);
	assert_int_equal(rep.status, 405);
	web_page_reply_free(&rep);
	/* the first POST asks for confirmation and changes nothing */
	snprintf(body, sizeof body, "csrf=%s&id=1", csrf);
	post_expect("/notice/cancel", cookie, csrf, "id=1", 200, "<b>2</b> lượt gửi đang chờ sẽ bị hủy", NULL);
	post_expect("/notice/cancel", cookie, csrf, "id=1", 200, "<p>1 lượt đang gửi dở", NULL);
	post_expect("/notice/cancel", cookie, csrf, "id=1", 200, "name=\"confirm\" value=\"1\"", NULL);
	assert_int_equal(count_state(1, "queued"), 2);
	post_expect("/notice/cancel", cookie, csrf, "id=x&confirm=1", 400, "id", NULL);
	post_expect("/notice/cancel", cookie, csrf, "id=99&confirm=1", 404, "Không có thông báo", NULL);
	/* confirmed */
	snprintf(body, sizeof body, "csrf=%s&id=1&confirm=1", csrf);
	request("POST", "/notice/cancel", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/notice?id=1&cancelled=2");
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "queued"), 0);
	assert_int_equal(count_state(1, "cancelled"), 2);
	assert_int_equal(count_state(1, "sending"), 1); /* in flight: left to finish */
	assert_int_equal(count_state(2, "queued"), 3); /* the other notice untouched */
	struct notice n;
	assert_int_equal(store_notice_get(st, 1, &n), STORE_OK);
	assert_string_equal(n.state, "cancelled");
	store_notice_clear(&n);
	get_expect("/notice?id=1&cancelled=2", cookie, 200, "Đã hủy thông báo 1: 2 lượt gửi đang chờ đã dừng",
		   "action=\"/notice/cancel\"");
	get_expect("/notice?id=1", cookie, 200, "(đã hủy)", NULL);
	/* cancelled deliveries are counted as such, not as "not reached" */
	get_expect("/", cookie, 200, "2 đã hủy", NULL);
	/* again: nothing to do, back to the notice */
	request("POST", "/notice/cancel", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/notice?id=1");
	web_page_reply_free(&rep);
}

/* Unattended running on the page: a red line when the daemon has never
 * run or stopped beating, one per open problem (escaped), none when all is
 * well; the modem page says a pause and the balance in words. */
static void test_health_banner(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	get_expect("/", cookie, 200, "Loa chưa chạy lần nào", NULL);

	int crashed = -1;
	int64_t now = clock_wall_s();
	assert_int_equal(store_health_start(st, 4242, now, &crashed), STORE_OK);
	assert_int_equal(crashed, 0);
	get_expect("/", cookie, 200, "<main>", "class=\"alert\"");

	int alert = 0;
	assert_int_equal(store_problem_open(st, "paused:m1", "Modem m1 tạm dừng: SIM <hết tiền>", 3600, now, &alert),
			 STORE_OK);
	assert_int_equal(alert, 1);
	get_expect("/", cookie, 200, "Modem m1 tạm dừng: SIM &lt;hết tiền&gt;", "<hết tiền>");
	/* the same problem again within the hour: no second alert */
	assert_int_equal(store_problem_open(st, "paused:m1", "Modem m1 tạm dừng: SIM <hết tiền>", 3600, now + 60, &alert),
			 STORE_OK);
	assert_int_equal(alert, 0);
	assert_int_equal(store_modem_pause(st, "m1", now + 600, "SIM hết tiền (+CMS ERROR 50)", now), STORE_OK);
	assert_int_equal(store_modem_balance(st, "m1", 1234, "TK goc: 1.234d", now), STORE_OK);
	get_expect("/modems", cookie, 200, "TẠM DỪNG đến", NULL);
	get_expect("/modems", cookie, 200, "1234 đ", NULL);

	int was = 0;
	assert_int_equal(store_problem_close(st, "paused:m1", now + 120, &was), STORE_OK);
	assert_int_equal(was, 1);
	get_expect("/", cookie, 200, "<main>", "tạm dừng");

	/* the daemon stops beating: "not running since" */
	clock_advance(300 * 1000);
	get_expect("/", cookie, 200, "Loa không chạy từ", NULL);
	assert_int_equal(store_health_beat(st, clock_wall_s()), STORE_OK);
	get_expect("/", cookie, 200, "<main>", "Loa không chạy");
	assert_int_equal(store_health_stop(st, clock_wall_s()), STORE_OK);
	get_expect("/", cookie, 200, "Loa không chạy từ", NULL);
	/* the next start knows the last one stopped cleanly */
	assert_int_equal(store_health_start(st, 4243, clock_wall_s(), &crashed), STORE_OK);
	assert_int_equal(crashed, 0);
	assert_int_equal(store_health_start(st, 4244, clock_wall_s(), &crashed), STORE_OK);
	assert_int_equal(crashed, 1);
}

/* Resend to the households not reached: the button shows how many, CSRF
 * and POST only, a preview step that writes nothing, then the resend as
 * web:USER; escaped text; nothing left to resend afterwards. */
static void test_resend(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_household("Lê Thị Cúc", "+84905123456", "dong-tien", CH_SMS, &hid);
	add_household("Trần Văn Dũng", "+84987654321", "tay-son", CH_SMS, &hid);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1], body[256];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	struct web_reply rep;
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp+%%3Cx%%C3%%B3m%%3E&to=all&sms=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	/* nothing final yet: no button */
	get_expect("/notice?id=1", cookie, 200, "<h1>Thông báo 1</h1>", "action=\"/notice/resend\"");
	/* two fail, the third is sent and waits for its report */
	for (int i = 0; i < 3; i++) {
		struct sms_job job;
		memset(&job, 0, sizeof job);
		assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &job), STORE_OK);
		if (i < 2)
			assert_int_equal(store_sms_fail(st, &job, "m1", "+CMS ERROR 21", clock_wall_s()), STORE_OK);
		else
			assert_int_equal(store_sms_sent(st, &job, "m1", clock_wall_s()), STORE_OK);
		store_sms_job_clear(&job);
	}
	/* causes in officers' words, the raw cause in the details column,
	 * the source as the user's name; the visit list in words only */
	get_expect("/notice?id=1", cookie, 200,
		   "<td data-l=\"Nguyên nhân\">SIM của Loa bị từ chối gửi — kiểm tra tài khoản</td>"
		   "<td data-l=\"Chi tiết\" class=\"muted\">+CMS ERROR 21</td>",
		   NULL);
	get_expect("/notice?id=1", cookie, 200, "<td data-l=\"Nguyên nhân\">Chưa có báo cáo đã nhận</td>", NULL);
	get_expect("/notice?id=1", cookie, 200, "nguồn: can-bo</p>", "web:can-bo");
	get_expect("/unreached?id=1", cookie, 200,
		   "<span class=\"muted\">SIM của Loa bị từ chối gửi — kiểm tra tài khoản</span>", "+CMS ERROR 21");
	get_expect("/notice?id=1", cookie, 200, "action=\"/notice/resend\"", NULL);
	get_expect("/notice?id=1", cookie, 200, "Gửi lại cho hộ chưa nhận…</button> <span class=\"muted\">2 hộ</span>",
		   NULL);
	/* no CSRF, or a GET: refused, nothing changes */
	request("POST", "/notice/resend", "id=1&confirm=1", cookie, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("GET", "/notice/resend?id=1&confirm=1", NULL, cookie, &rep);
	assert_int_equal(rep.status, 405);
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "failed"), 2);
	/* the preview */
	post_expect("/notice/resend", cookie, csrf, "id=1", 200, "<b>2</b> hộ sẽ được gửi lại: 2 tin SMS", NULL);
	post_expect("/notice/resend", cookie, csrf, "id=1", 200, "<pre>Họp &lt;xóm&gt;</pre>", "<xóm>");
	post_expect("/notice/resend", cookie, csrf, "id=1", 200, "1 hộ đang được gửi hoặc chờ gửi: không gửi lại", NULL);
	post_expect("/notice/resend", cookie, csrf, "id=1", 200, "name=\"confirm\" value=\"1\"", NULL);
	post_expect("/notice/resend", cookie, csrf, "id=x&confirm=1", 400, "id", NULL);
	post_expect("/notice/resend", cookie, csrf, "id=99&confirm=1", 404, "Không có thông báo", NULL);
	assert_int_equal(count_state(1, "failed"), 2);
	assert_int_equal(count_state(1, "queued"), 0);
	/* confirmed */
	snprintf(body, sizeof body, "csrf=%s&id=1&confirm=1", csrf);
	request("POST", "/notice/resend", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/notice?id=1&resent=2");
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "queued"), 2);
	assert_int_equal(count_state(1, "failed"), 0);
	get_expect("/notice?id=1&resent=2", cookie, 200, "Đã gửi lại thông báo 1 cho 2 hộ chưa nhận",
		   "action=\"/notice/resend\"");
	/* nothing more to resend */
	post_expect("/notice/resend", cookie, csrf, "id=1", 200, "Không có hộ nào cần gửi lại", "Xác nhận gửi lại");
	request("POST", "/notice/resend", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/notice?id=1&resent=0");
	web_page_reply_free(&rep);
}


/* Issue 14: the form ticks no recipient at first; one group ticked reaches
 * only that group; "all" with a group is refused before the preview. */
static void test_form_recipients(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_household("Lê Thị Cúc", "+84905123456", "dong-tien", CH_SMS, &hid);
	add_household("Trần Văn Dũng", "+84987654321", "tay-son", CH_SMS, &hid);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1], body[256];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	struct web_reply rep;
	request("GET", "/new", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "value=\"all\"> Tất cả các hộ"));
	assert_null(strstr(rep.body.s, "value=\"all\" checked"));
	assert_null(strstr(rep.body.s, "value=\"dong-tien\" checked"));
	web_page_reply_free(&rep);
	post_expect("/new/preview", cookie, csrf, "text=H%E1%BB%8Dp&to=all&to=tay-son&sms=1&voice=1", 400,
		    "Đã chọn cả &quot;Tất cả các hộ&quot; và nhóm", "Xác nhận gửi");
	post_expect("/new/preview", cookie, csrf, "text=H%E1%BB%8Dp&to=tay-son&sms=1&voice=1", 200, "Xác nhận gửi", NULL);
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp&to=tay-son&sms=1&voice=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp&to=all&to=tay-son&sms=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 400);
	web_page_reply_free(&rep);
	struct notice_reach r;
	assert_int_equal(store_notice_reach(st, 1, "tay-son", &r), STORE_OK);
	assert_int_equal(r.households, 1);
	assert_int_equal(r.outside, 0);
	int64_t latest = 0;
	assert_int_equal(store_notice_latest(st, &latest), STORE_OK);
	assert_int_equal(latest, 1);
}

/* The visit list: grouped by hamlet (display name, else code; no group
 * last), numbers as tel: links, a "Đã báo tận nhà" button per household
 * with the CSRF token; marking records a visit as web:USER and lands back
 * on the household; the household then shows as told, hidden by default
 * with a count, and the notice page counts it reached; undo; refusals. */
static void test_visit_page(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	int64_t hid;
	add_household("Nguyễn Văn An", "+84912000111", "dong-tien", CH_SMS, &hid);
	add_household("Lê Thị Cúc", "+84905123456", "tay-son", CH_SMS, &hid);
	add_household("Trần <b>Dũng</b>", "+84987654321", "", CH_SMS, &hid);
	assert_int_equal(store_group_set_name(st, "tay-son", "Xóm Tây Sơn"), STORE_OK);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1], body[512];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	struct web_reply rep;
	snprintf(body, sizeof body, "csrf=%s&text=H%%E1%%BB%%8Dp+th%%C3%%B4n&to=all&sms=1", csrf);
	request("POST", "/new/create", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
	for (int i = 0; i < 3; i++) {
		struct sms_job job;
		assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &job), STORE_OK);
		assert_int_equal(store_sms_fail(st, &job, "m1", "+CMS ERROR 21", clock_wall_s()), STORE_OK);
		store_sms_job_clear(&job);
	}
	request("GET", "/unreached?id=1", NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	const char *b = rep.body.s;
	const char *g1 = strstr(b, "<h2>dong-tien</h2>"), *g2 = strstr(b, "<h2>Xóm Tây Sơn</h2>");
	const char *g3 = strstr(b, "<h2>Chưa có nhóm</h2>");
	assert_true(g1 && g2 && g3 && g1 < g2 && g2 < g3);
	assert_non_null(strstr(b, "<a href=\"tel:+84912000111\">0912000111</a>"));
	assert_non_null(strstr(b, "Trần &lt;b&gt;Dũng&lt;/b&gt;"));
	assert_null(strstr(b, "<b>Dũng"));
	assert_non_null(strstr(b, "<form method=\"post\" action=\"/visit\"><input type=\"hidden\" name=\"csrf\""));
	assert_non_null(strstr(b, "<button class=\"btn\" type=\"submit\">Đã báo tận nhà</button>"));
	assert_null(strstr(b, "<script"));
	web_page_reply_free(&rep);
	/* no CSRF, a GET: refused, nothing recorded */
	request("POST", "/visit", "id=1&household=2", cookie, &rep);
	assert_int_equal(rep.status, 403);
	web_page_reply_free(&rep);
	request("GET", "/visit?id=1&household=2", NULL, cookie, &rep);
	assert_int_equal(rep.status, 405);
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "informed"), 0);
	/* marked, with a note: back to the household on the list */
	snprintf(body, sizeof body, "csrf=%s&id=1&household=2&note=G%%E1%%BA%%B7p+b%%C3%%A0+c%%E1%%BB%%A5", csrf);
	request("POST", "/visit", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/unreached?id=1&marked=2#h-2");
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "informed"), 1);
	get_expect("/unreached?id=1&marked=2", cookie, 200, "Đã ghi nhận: hộ Lê Thị Cúc đã được báo tận nhà", NULL);
	get_expect("/unreached?id=1&marked=2", cookie, 200, "<tr id=\"h-2\" class=\"done\">", NULL);
	get_expect("/unreached?id=1&marked=2", cookie, 200, "<br>Gặp bà cụ<form method=\"post\" action=\"/visit/undo\">",
		   NULL);
	get_expect("/unreached?id=1", cookie, 200, "1 hộ đã được báo tận nhà (tính là đã nhận), không hiện", "id=\"h-2\"");
	get_expect("/unreached?id=1", cookie, 200, "<b>2</b> hộ chưa nhận được thông báo", NULL);
	get_expect("/unreached?id=1&all=1", cookie, 200, "<tr id=\"h-2\" class=\"done\">", NULL);
	get_expect("/notice?id=1", cookie, 200, "<td>Báo tận nhà</td><td data-l=\"Báo tận nhà\">1/1 ", NULL);
	get_expect("/notice?id=1", cookie, 200, "<b>1/3</b>", NULL);
	get_expect("/notice?id=1", cookie, 200, "<td data-l=\"Trạng thái\" class=\"ok\">đã báo tận nhà</td>", NULL);
	/* marking again from a stale page changes nothing */
	snprintf(body, sizeof body, "csrf=%s&id=1&household=2&note=&all=1", csrf);
	request("POST", "/visit", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/unreached?id=1&marked=2&all=1#h-2");
	web_page_reply_free(&rep);
	get_expect("/unreached?id=1&all=1", cookie, 200, "Gặp bà cụ", NULL);
	/* refusals */
	post_expect("/visit", cookie, csrf, "id=1&household=99", 404, "Thông báo này không gửi tới hộ này", NULL);
	post_expect("/visit", cookie, csrf, "id=9&household=2", 404, "Không có thông báo này", NULL);
	post_expect("/visit", cookie, csrf, "id=x&household=2", 400, "Thiếu hoặc sai", NULL);
	char form[1024] = "id=1&household=1&note=";
	for (int i = 0; i < 201; i++)
		strcat(form, "a");
	post_expect("/visit", cookie, csrf, form, 400, "Ghi chú quá dài (tối đa 200 ký tự)", NULL);
	post_expect("/visit", cookie, csrf, "id=1&household=1&note=a%1Bb", 400, "không hợp lệ", NULL);
	assert_int_equal(count_state(1, "informed"), 1);
	/* undo: the household is back on the list */
	snprintf(body, sizeof body, "csrf=%s&id=1&household=2", csrf);
	request("POST", "/visit/undo", body, cookie, &rep);
	assert_int_equal(rep.status, 303);
	assert_string_equal(rep.location, "/unreached?id=1&undone=2#h-2");
	web_page_reply_free(&rep);
	assert_int_equal(count_state(1, "informed"), 0);
	get_expect("/unreached?id=1&undone=2", cookie, 200, "Đã bỏ đánh dấu báo tận nhà của hộ Lê Thị Cúc", NULL);
	get_expect("/unreached?id=1", cookie, 200, "<b>3</b> hộ chưa nhận", "class=\"done\"");
	post_expect("/visit/undo", cookie, csrf, "id=1&household=2", 409, "chưa được đánh dấu", NULL);
}

/* Issue 15: a delivery that went to the household's second phone says so
 * in the notice log ("0987... (số 2)") and the household's history; the
 * visit list and the household page give both numbers; the inbox names
 * every household of a shared number. */
static void test_second_phone(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "Bà Lan");
	snprintf(h.phone, sizeof h.phone, "+84912000201");
	snprintf(h.phone2, sizeof h.phone2, "+84987000201");
	snprintf(h.groups, sizeof h.groups, "dong-tien");
	h.channel = CH_SMS;
	h.accents = 1;
	int64_t lan, hai;
	assert_int_equal(store_household_insert(st, &h, &lan, clock_wall_s()), STORE_OK);
	snprintf(h.name, sizeof h.name, "Cụ Hai");
	snprintf(h.phone, sizeof h.phone, "+84987000201"); /* Bà Lan's second phone is also Cụ Hai's */
	h.phone2[0] = '\0';
	assert_int_equal(store_household_insert(st, &h, &hai, clock_wall_s()), STORE_OK);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1];
	session_for("can-bo", "secret-pass-2", cookie, csrf);

	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Họp thôn.";
	r.targets = "all";
	r.channels = CH_SMS;
	r.parts_ucs2 = r.parts_gsm7 = 1;
	int64_t nid;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &nid, &fs, clock_wall_s()), STORE_OK);
	/* Bà Lan's first number is refused, her second fails too */
	struct sms_job j;
	char to[24];
	assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 5, &j), STORE_OK);
	assert_int_equal(j.household_id, lan);
	assert_int_equal(store_sms_second_phone(st, &j, "m1", "+CMS ERROR 1: unassigned (unallocated) number",
					       clock_wall_s(), to, sizeof to),
			 STORE_OK);
	store_sms_job_clear(&j);
	assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 5, &j), STORE_OK);
	assert_int_equal(j.household_id, lan);
	assert_int_equal(store_sms_fail(st, &j, "m1", "+CMS ERROR 8: operator determined barring", clock_wall_s()),
			 STORE_OK);
	store_sms_job_clear(&j);

	get_expect("/notice?id=1", cookie, 200, "<td data-l=\"SĐT\">0987000201 (số 2)</td>", NULL);
	get_expect("/unreached?id=1", cookie, 200, "0912000201</a><br>số 2: <a href=\"tel:+84987000201\">0987000201</a>", NULL);
	get_expect("/household?id=1", cookie, 200, "SĐT 0912000201, số 2: 0987000201 ·", NULL);
	get_expect("/household?id=1", cookie, 200, "<td>SMS (số 2)</td>", NULL);
	int64_t in;
	assert_int_equal(store_sms_inbound_cli(st, "+84987000201", "Cam on", clock_wall_s(), &in), STORE_OK);
	get_expect("/inbox", cookie, 200, "Bà Lan, Cụ Hai", NULL);
}

/* A notice's recording plays on its page (issue 17): <audio> from
 * /notice.wav?id=N, streamed as audio/wav to logged-in users only; the
 * file comes from the notice's row (the URL has only the id), and only a
 * regular WAV file is sent, never through a symlink; the source of a
 * recording by phone reads "ghi âm qua điện thoại". */
static int64_t audio_notice(const char *audio, const char *source)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Thôn Tân Lợi có thông báo mới bằng giọng nói: gọi 0912345000 để nghe.";
	r.targets = "all";
	r.source = source;
	r.audio_path = audio;
	r.parts_ucs2 = 1;
	r.parts_gsm7 = 1;
	int64_t id;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	return id;
}

static void test_recording(void **state)
{
	(void)state;
	web_defaults(&app.cfg, dir);
	app.st = st;
	add_household("Nguyễn Văn An", "+84912000111", "xom-dong", CH_VOICE, NULL);
	add_user("can-bo", "secret-pass-2");
	char cookie[128], csrf[WEB_HEX_LEN + 1];
	session_for("can-bo", "secret-pass-2", cookie, csrf);
	/* a small 8 kHz WAV */
	char wav[160], txt[160], lnk[160], url[64];
	snprintf(wav, sizeof wav, "%s/phone-1-m1.wav", dir);
	static const unsigned char hdr[44] = { 'R', 'I', 'F', 'F', 36 + 16, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't',
					       ' ', 16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2,
					       0, 16, 0, 'd', 'a', 't', 'a', 16, 0, 0, 0 };
	FILE *f = fopen(wav, "wb");
	assert_non_null(f);
	fwrite(hdr, 1, sizeof hdr, f);
	fwrite("\x01\x00\xff\x7f\x00\x80\x10\x00\x00\x00\x01\x00\x02\x00\x03\x00", 1, 16, f);
	fclose(f);
	snprintf(txt, sizeof txt, "%s/not-audio.wav", dir);
	f = fopen(txt, "w");
	fputs("mat khau: bi mat, khong phai am thanh", f);
	fclose(f);
	snprintf(lnk, sizeof lnk, "%s/link.wav", dir);
	assert_int_equal(symlink(wav, lnk), 0);

	int64_t rec = audio_notice(wav, "phone:+84912345678"), plain = audio_notice(NULL, "cli");
	int64_t bad = audio_notice(txt, "cli"), viasym = audio_notice(lnk, "cli"), gone = audio_notice("/nonexistent.wav", "cli");
	snprintf(url, sizeof url, "/notice?id=%lld", (long long)rec);
	char want[160];
	snprintf(want, sizeof want, "<audio controls preload=\"none\" src=\"/notice.wav?id=%lld\">", (long long)rec);
	get_expect(url, cookie, 200, want, NULL);
	get_expect(url, cookie, 200, "nguồn: ghi âm qua điện thoại (0912345678)", NULL);
	get_expect("/", cookie, 200, "ghi âm qua điện thoại (0912345678)", NULL);
	snprintf(url, sizeof url, "/notice?id=%lld", (long long)plain);
	get_expect(url, cookie, 200, "nguồn: dòng lệnh", "<audio");

	struct web_reply rep;
	snprintf(url, sizeof url, "/notice.wav?id=%lld", (long long)rec);
	request("GET", url, NULL, cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.type, "audio/wav");
	assert_int_equal(rep.body.len, 60);
	assert_memory_equal(rep.body.s, hdr, sizeof hdr);
	web_page_reply_free(&rep);
	/* not logged in: the login page, not the recording */
	request("GET", url, NULL, NULL, &rep);
	assert_int_not_equal(rep.status, 200);
	assert_true(rep.body.len == 0 || !strstr(rep.body.s, "RIFF"));
	web_page_reply_free(&rep);
	/* no recording, not a WAV, a symlink, a missing file, no such notice */
	const int64_t none[] = { plain, bad, viasym, gone, 9999 };
	for (size_t i = 0; i < ARRAY_LEN(none); i++) {
		snprintf(url, sizeof url, "/notice.wav?id=%lld", (long long)none[i]);
		request("GET", url, NULL, cookie, &rep);
		if (rep.status != 404 || strstr(rep.body.s ? rep.body.s : "", "mat khau"))
			fail_msg("%s: status %d", url, rep.status);
		web_page_reply_free(&rep);
	}
	/* only an id: a path in the URL is refused */
	request("GET", "/notice.wav?id=../../etc/passwd", NULL, cookie, &rep);
	assert_int_equal(rep.status, 400);
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_form_and_uri),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_limiter_rules),
		cmocka_unit_test_setup_teardown(test_login_limited, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_login_lockout_attack, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_login_global_cap, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_pages, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_plan_errors, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_due_time, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_inbox, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_cancel, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_form_recipients, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_health_banner, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_resend, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_visit_page, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_second_phone, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_recording, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
