/* `loa web --hub` without a hub: when a gateway is stale (twice the sync
 * period, or never), ages in Vietnamese, and the routing in hub mode
 * through web_page_handle: the gateway's own pages are not served, the
 * session gate still holds, a hub that cannot be reached gives 503 (not a
 * crash, not a gateway page), the API still wants a token. */
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
#include "base/pwhash.h"
#include "db/store.h"
#include "db/store_web.h"
#include "web/web_api.h"
#include "web/web_auth.h"
#include "web/web_hub.h"
#include "web/web_page.h"

static void test_stale(void **state)
{
	(void)state;
	int64_t now = 1796090400;
	assert_int_equal(web_hub_stale(0, now, 30), 1);          /* never synced */
	assert_int_equal(web_hub_stale(now, now, 30), 0);
	assert_int_equal(web_hub_stale(now - 60, now, 30), 0);   /* exactly 2 x: not yet */
	assert_int_equal(web_hub_stale(now - 61, now, 30), 1);
	assert_int_equal(web_hub_stale(now + 5, now, 30), 0);    /* a gateway's clock a little ahead */
	assert_int_equal(web_hub_stale(now - 2, now, 0), 0);     /* a period of 0 counts as 1 s */
	assert_int_equal(web_hub_stale(now - 3, now, 0), 1);
	assert_int_equal(web_hub_stale(now - 172799, now, 86400), 0);
}

static void age_is(int64_t s, const char *want)
{
	char buf[32];
	web_hub_age(s, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_age(void **state)
{
	(void)state;
	age_is(-5, "0 giây");
	age_is(0, "0 giây");
	age_is(119, "119 giây");
	age_is(120, "2 phút");
	age_is(3600, "60 phút");
	age_is(7199, "119 phút");
	age_is(7200, "2 giờ");
	age_is(48 * 3600 - 1, "47 giờ");
	age_is(48 * 3600, "2 ngày");
	age_is(400LL * 86400, "400 ngày");
}

static char dir[64], path[128];
static struct store *st;
static struct web_app app;

static int setup(void **state)
{
	(void)state;
	tmpstore_open(dir, path, &st, "webhub");
	struct loa_config c;
	config_defaults(&c, dir);
	memset(&app, 0, sizeof app);
	config_web(&c, &app.cfg);
	app.cfg.hub = 1;
	/* a socket folder that does not exist: the connection fails at once */
	snprintf(app.cfg.hub_url, sizeof app.cfg.hub_url, "host=%s/no-such-dir dbname=loa_hub connect_timeout=2", dir);
	app.cfg.hub_sync_s = 30;
	app.st = st;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_hub_close(&app);
	return tmpstore_close(dir, &st);
}

static int get(const char *method, const char *path_, const char *cookie, const char *authz, struct web_reply *rep)
{
	struct web_request rq;
	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.path = path_;
	rq.cookie = cookie;
	rq.addr = "10.0.0.9";
	rq.authorization = authz;
	web_page_reply_init(rep);
	web_page_handle(&app, &rq, rep);
	return rep->status;
}

static void test_hub_routes(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(web_hub_open(&app, err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-dir"));
	assert_null(app.hub);

	struct web_reply rep;
	/* no session: the login page, as on a gateway */
	assert_int_equal(get("GET", "/", NULL, NULL, &rep), 303);
	assert_string_equal(rep.location, "/login");
	web_page_reply_free(&rep);
	assert_int_equal(get("GET", "/login", NULL, NULL, &rep), 200);
	web_page_reply_free(&rep);

	char h[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str("mat-khau-dai", h), 0);
	assert_int_equal(store_web_user_add(st, "an", h, clock_wall_s(), NULL), STORE_OK);
	struct web_login_result r;
	assert_int_equal(web_auth_login(st, 60, "an", "mat-khau-dai", "10.0.0.9", &r), WEB_LOGIN_OK);
	char cookie[128];
	snprintf(cookie, sizeof cookie, "%s=%s", WEB_COOKIE_SESSION, r.token);

	/* the hub cannot be reached: 503 with a Vietnamese page, never a gateway page */
	assert_int_equal(get("GET", "/", cookie, NULL, &rep), 503);
	assert_non_null(strstr(rep.body.s, "máy chủ trung tâm"));
	web_page_reply_free(&rep);
	assert_int_equal(get("GET", "/hub/notices", cookie, NULL, &rep), 503);
	web_page_reply_free(&rep);
	assert_int_equal(get("GET", "/hub/notice", cookie, NULL, &rep), 400); /* no id: checked first */
	web_page_reply_free(&rep);
	/* the gateway's own pages are not served on the hub */
	assert_int_equal(get("GET", "/households", cookie, NULL, &rep), 404);
	web_page_reply_free(&rep);
	assert_int_equal(get("GET", "/modems", cookie, NULL, &rep), 404);
	web_page_reply_free(&rep);
	assert_int_equal(get("POST", "/new/create", cookie, NULL, &rep), 404);
	web_page_reply_free(&rep);
	/* POST without the CSRF token: refused before the hub is asked */
	assert_int_equal(get("POST", "/hub/new/create", cookie, NULL, &rep), 403);
	web_page_reply_free(&rep);
	assert_int_equal(get("DELETE", "/", cookie, NULL, &rep), 405);
	web_page_reply_free(&rep);
	/* the API: a token first, then the hub */
	assert_int_equal(get("GET", "/api/notices/1", NULL, NULL, &rep), 401);
	assert_non_null(strstr(rep.body.s, "unauthorized"));
	web_page_reply_free(&rep);
	char tok[WEB_API_TOKEN_LEN + 1], authz[96];
	assert_int_equal(web_api_token_add(st, "tinh", tok), STORE_OK);
	snprintf(authz, sizeof authz, "Bearer %s", tok);
	assert_int_equal(get("GET", "/api/notices/1", NULL, authz, &rep), 503);
	assert_non_null(strstr(rep.body.s, "\"error\":\"hub_unavailable\""));
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_age),
		cmocka_unit_test_setup_teardown(test_hub_routes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
