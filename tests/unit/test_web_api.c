/* The JSON API without sockets: the one JSON escaping function (Vietnamese
 * text as is, control characters, invalid UTF-8, U+2028), the strict
 * reader (escapes, surrogate pairs, every refusal), tokens (stored
 * hashed, revoked), and the API through web_page_handle: 401 without a
 * valid token and never by cookie, a dry run writing nothing, a notice
 * created with source api:NAME, its report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "tests/unit/tmpstore.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "base/clock.h"
#include "db/store.h"
#include "db/store_api.h"
#include "web/web_api.h"
#include "web/web_auth.h"
#include "web/web_json.h"
#include "web/web_page.h"
#include "web/web_req.h"

static char dir[64], path[128];
static struct store *st;
static struct web_app app;

static int setup_db(void **state)
{
	(void)state;
	tmpstore_open(dir, path, &st, "api");
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

static void esc_is(const char *in, const char *want)
{
	struct sbuf b;
	sbuf_init(&b);
	web_json_str(&b, in);
	assert_string_equal(b.s, want);
	sbuf_free(&b);
}

static void test_escape(void **state)
{
	(void)state;
	esc_is("Bão số 3: các hộ ở Đông Tiến di dời", "\"Bão số 3: các hộ ở Đông Tiến di dời\"");
	esc_is("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	esc_is("dòng 1\ndòng 2\r\t\b\f", "\"dòng 1\\ndòng 2\\r\\t\\b\\f\"");
	esc_is("\x01\x1b[31m\x7f", "\"\\u0001\\u001b[31m\\u007f\"");
	esc_is("x\xe2\x80\xa8y\xe2\x80\xa9", "\"x\\u2028y\\u2029\"");
	/* not UTF-8: each bad byte replaced, the rest kept */
	esc_is("Ng\xc3uy\xe1\xbb\x85n \xff\xfe", "\"Ng\\ufffduyễn \\ufffd\\ufffd\"");
	esc_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* an encoded surrogate */
	esc_is("\xc0\xaf", "\"\\ufffd\\ufffd\"");             /* overlong '/' */
	esc_is("", "\"\"");
	esc_is(NULL, "null");
	struct sbuf b;
	sbuf_init(&b);
	web_json_out(&b, "{\"a\":%s,\"n\":%d,\"l\":%lld,\"b\":%b,\"c\":%b,\"p\":\"100%%\"}", "Lợi</script>", -3,
		     123456789012LL, 1, 0);
	assert_string_equal(b.s, "{\"a\":\"Lợi</script>\",\"n\":-3,\"l\":123456789012,\"b\":true,\"c\":false,\"p\":\"100%\"}");
	sbuf_free(&b);
}

static void parse_ok(const char *in, struct web_json_obj *o)
{
	char err[160];
	if (web_json_parse(in, strlen(in), o, err, sizeof err) != 0)
		fail_msg("%s: %s", in, err);
}

static void parse_bad(const char *in, size_t n, const char *want)
{
	struct web_json_obj o;
	char err[160] = "";
	if (web_json_parse(in, n, &o, err, sizeof err) == 0)
		fail_msg("accepted: %.*s", (int)n, in);
	if (!strstr(err, want))
		fail_msg("%.*s: '%s', want '%s'", (int)n, in, err, want);
	assert_int_equal(o.n, 0);
}

static void test_parse(void **state)
{
	(void)state;
	struct web_json_obj o;
	parse_ok(" { \"text\" : \"H\\u1ecdp th\\u00f4n\\n19h30 \\ud83d\\udce2 \\\"A\\\" \\/\", \"to\":\"all\","
		 "\"urgent\":true,\"dry_run\":false,\"n\":-12,\"x\":null } ",
		 &o);
	assert_int_equal(o.n, 6);
	assert_string_equal(web_json_get(&o, "text")->str, "Họp thôn\n19h30 📢 \"A\" /");
	assert_int_equal(web_json_get(&o, "urgent")->type, WEB_JSON_BOOL);
	assert_int_equal(web_json_get(&o, "urgent")->num, 1);
	assert_int_equal(web_json_get(&o, "dry_run")->num, 0);
	assert_int_equal(web_json_get(&o, "n")->num, -12);
	assert_int_equal(web_json_get(&o, "x")->type, WEB_JSON_NULL);
	assert_null(web_json_get(&o, "missing"));
	web_json_free(&o);
	parse_ok("{}", &o);
	assert_int_equal(o.n, 0);
	parse_ok("{\"t\":\"Nguyễn Văn An\"}", &o);
	assert_string_equal(o.f[0].str, "Nguyễn Văn An");
	web_json_free(&o);
	/* round trip: what web_json_str writes, the reader reads back */
	struct sbuf b;
	sbuf_init(&b);
	const char *hostile = "Lê \"Thị\" \\ Cúc\n\t\x01\x1f\x7f \xe2\x80\xa8 ✓";
	sbuf_add(&b, "{\"k\":");
	web_json_str(&b, hostile);
	sbuf_add(&b, "}");
	parse_ok(b.s, &o);
	assert_string_equal(o.f[0].str, hostile);
	web_json_free(&o);
	sbuf_free(&b);

	parse_bad("", 0, "must be an object");
	parse_bad("[1]", 3, "must be an object");
	parse_bad("{\"a\":1", 6, "',' or '}'");
	parse_bad("{\"a\":1,}", 8, "a key");
	parse_bad("{\"a\":1} x", 9, "follows the object");
	parse_bad("{\"a\":1,\"a\":2}", 13, "appears twice");
	parse_bad("{\"a\":{}}", 8, "nested");
	parse_bad("{\"a\":[1]}", 9, "nested");
	parse_bad("{\"a\":1.5}", 9, "whole numbers");
	parse_bad("{\"a\":01}", 8, "leading zero");
	parse_bad("{\"a\":99999999999999999999}", 26, "out of range");
	parse_bad("{\"a\":tru}", 9, "not a JSON value");
	parse_bad("{\"a\":\"x\ny\"}", 11, "control character");
	parse_bad("{\"a\":\"\\u0000\"}", 14, "NUL");
	parse_bad("{\"a\":\"\\ud800\"}", 14, "lone surrogate");
	parse_bad("{\"a\":\"\\udc00\"}", 14, "lone surrogate");
	parse_bad("{\"a\":\"\\ud800\\u0041\"}", 20, "lone surrogate");
	parse_bad("{\"a\":\"\\x41\"}", 12, "bad escape");
	parse_bad("{\"a\":\"\\u12\"}", 12, "bad escape");
	parse_bad("{\"a\":\"\xc3\"}", 9, "UTF-8");
	parse_bad("{\"a\":\"\xed\xa0\x80\"}", 11, "UTF-8");
	parse_bad("{\"a\":\"abc", 9, "not closed");
	parse_bad("{\"a\":\"x\0\"}", 10, "control character");
	char many[512] = "{";
	for (int i = 0; i <= WEB_JSON_MAX_FIELDS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%s\"k%d\":1", i ? "," : "", i);
	strcat(many, "}");
	parse_bad(many, strlen(many), "too many fields");
	parse_bad("{\"a\" 1}", 7, "':'");
}

/* ---- the API through web_page_handle ---- */

static void api(const char *method, const char *target, const char *body, const char *authz, const char *cookie,
		struct web_reply *rep)
{
	struct web_request rq;
	memset(&rq, 0, sizeof rq);
	char *p;
	assert_int_equal(web_req_split_uri(target, &p, &rq.query), 0);
	rq.method = method;
	rq.path = p;
	rq.cookie = cookie;
	rq.addr = "127.0.0.1";
	rq.authorization = authz;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	web_page_reply_init(rep);
	web_page_handle(&app, &rq, rep);
	free(p);
	web_req_form_free(&rq.query);
}

static void expect(const char *method, const char *target, const char *body, const char *authz, int status,
		   const char *want)
{
	struct web_reply rep;
	api(method, target, body, authz, NULL, &rep);
	if (rep.status != status || !rep.body.s || !strstr(rep.body.s, want))
		fail_msg("%s %s: %d, want %d and '%s': %s", method, target, rep.status, status, want,
			 rep.body.s ? rep.body.s : "");
	assert_string_equal(rep.type, "application/json; charset=utf-8");
	web_page_reply_free(&rep);
}

static void add_household(const char *name, const char *phone, const char *groups)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	h.channel = CH_SMS;
	h.accents = 1;
	int64_t id;
	assert_int_equal(store_household_insert(st, &h, &id, clock_wall_s()), STORE_OK);
}

static void test_api(void **state)
{
	(void)state;
	add_household("Nguyễn Văn An", "+84912345678", "dong-tien");
	add_household("Trần \"Bình\"\x01", "+84987654321", "dong-tien");

	char tok[WEB_API_TOKEN_LEN + 1], other[WEB_API_TOKEN_LEN + 1], authz[96], hash[65];
	assert_int_equal(web_api_token_add(st, "bad name", tok), -1);
	assert_int_equal(web_api_token_add(st, "tinh", tok), STORE_OK);
	assert_int_equal(strlen(tok), WEB_API_TOKEN_LEN);
	assert_int_equal(web_api_token_add(st, "tinh", other), STORE_CONFLICT);
	assert_int_equal(web_api_token_add(st, "cu", other), STORE_OK);
	struct store_api_client cl;
	web_api_token_hash(tok, hash);
	assert_int_equal(store_api_token_find(st, hash, &cl), STORE_OK);
	assert_string_equal(cl.name, "tinh");
	assert_int_equal(store_api_token_find(st, tok, &cl), STORE_NOTFOUND); /* never kept as it is */
	snprintf(authz, sizeof authz, "Bearer %s", tok);

	/* no valid token: 401, whatever else the request has */
	expect("GET", "/api/notices/1", NULL, NULL, 401, "\"error\":\"unauthorized\"");
	expect("GET", "/api/notices/1", NULL, "Bearer", 401, "only Bearer tokens");
	expect("GET", "/api/notices/1", NULL, "Bearer loa_short", 401, "invalid_token");
	expect("GET", "/api/nothing", NULL, NULL, 401, "unauthorized"); /* no probing without a token */
	char wrong[96];
	snprintf(wrong, sizeof wrong, "Bearer %s", tok);
	wrong[strlen(wrong) - 1] ^= 1;
	expect("GET", "/api/notices/1", NULL, wrong, 401, "invalid_token");
	/* a logged-in officer's cookie is no token */
	struct web_reply rep;
	api("POST", "/api/notices", "{\"text\":\"x\",\"to\":\"all\"}", NULL, "loa_session=abc", &rep);
	assert_int_equal(rep.status, 401);
	assert_non_null(rep.www_authenticate);
	web_page_reply_free(&rep);

	/* refusals */
	expect("POST", "/api/notices", "{\"to\":\"all\"}", authz, 400, "\\\"text\\\" is required");
	expect("POST", "/api/notices", "{\"text\":\"x\",\"to\":\"all\",\"urgent\":1}", authz, 400, "true or false");
	expect("POST", "/api/notices", "{\"text\":\"x\",\"to\":\"all\",\"at\":\"08:00\"}", authz, 400, "unknown_field");
	expect("POST", "/api/notices", "text=x&to=all", authz, 400, "bad_json");
	expect("POST", "/api/notices", "{\"text\":\"\",\"to\":\"all\"}", authz, 422, "text_empty");
	expect("POST", "/api/notices", "{\"text\":\"a\\u0007b\",\"to\":\"all\"}", authz, 422, "text_control_character");
	expect("POST", "/api/notices", "{\"text\":\"Họp\",\"to\":\"khong-co\"}", authz, 422, "Không có nhóm");
	expect("GET", "/api/notices", NULL, authz, 405, "method_not_allowed");
	expect("POST", "/api/notices/1", NULL, authz, 405, "method_not_allowed");
	expect("DELETE", "/api/notices/1", NULL, authz, 405, "method_not_allowed");
	expect("GET", "/api/notices/x", NULL, authz, 404, "not_found");
	expect("GET", "/api/notices/1", NULL, authz, 404, "no notice 1");

	/* a dry run writes nothing */
	expect("POST", "/api/notices", "{\"text\":\"Họp thôn 19h30\",\"to\":\"dong-tien\",\"dry_run\":true}", authz, 200,
	       "\"households\":2");
	int64_t latest;
	assert_int_equal(store_notice_latest(st, &latest), STORE_NOTFOUND);
	/* created */
	api("POST", "/api/notices", "{\"text\":\"Họp thôn 19h30\",\"to\":\"all\",\"urgent\":true}", authz, NULL, &rep);
	assert_int_equal(rep.status, 201);
	assert_string_equal(rep.location, "/api/notices/1");
	assert_non_null(strstr(rep.body.s, "\"id\":1,\"created\":true"));
	assert_non_null(strstr(rep.body.s, "\"preview_text\":[\"households: 2\""));
	web_page_reply_free(&rep);
	struct notice n;
	assert_int_equal(store_notice_get(st, 1, &n), STORE_OK);
	assert_string_equal(n.source, "api:tinh");
	assert_int_equal(n.urgent, 1);
	store_notice_clear(&n);
	/* its report: the hostile name escaped, the JSON valid */
	api("GET", "/api/notices/1", NULL, authz, NULL, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "\"households\":{\"total\":2,\"reached\":0,\"told_in_person\":0,"
					   "\"in_progress\":2,\"not_reached\":0}"));
	assert_non_null(strstr(rep.body.s, "\"states\":{\"queued\":2}"));
	assert_non_null(strstr(rep.body.s, "\"source\":\"api:tinh\""));
	assert_null(strchr(rep.body.s, '\x01'));
	web_page_reply_free(&rep);
	assert_int_equal(store_api_token_find(st, hash, &cl), STORE_OK);
	assert_true(cl.uses >= 10);
	assert_int_equal(cl.last_used_at, clock_wall_s());

	/* revoked: refused at once */
	assert_int_equal(web_api_token_revoke(st, "tinh"), STORE_OK);
	assert_int_equal(web_api_token_revoke(st, "tinh"), STORE_NOTFOUND);
	expect("GET", "/api/notices/1", NULL, authz, 401, "invalid_token");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_api, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
