/* test_visit_page — the web visit list a page at a time, through
 * web_page_handle as `loa web` serves it: 150 households a page in walking
 * order, every household on exactly one page, a hamlet that goes on from
 * the page before headed again "(tiếp)", numbers that go on across pages,
 * the page links keeping the group and the view; one group (its members,
 * whichever group they are listed under first), an unknown one refused;
 * the counts of the whole notice; the "Đã báo tận nhà" button's answer back
 * on the group and page it came from, and the page that holds the
 * household just marked whichever page was asked; the download, one row
 * per household in walking order, Vietnamese headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "base/clock.h"
#include "db/store.h"
#include "db/store_web.h"
#include "web/web_auth.h"
#include "base/pwhash.h"
#include "web/web_page.h"
#include "web/web_req.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400LL
#define NHH 340 /* 1-200 Thôn 1 (every 50th also in Thôn 2), 201-320 Thôn 2, 321-340 no group */

static char dir[64], path[128], cookie[128], csrf[WEB_HEX_LEN + 1];
static struct store *st;
static struct web_app app;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-visitp.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake(T0 * 1000);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	struct loa_config c;
	config_defaults(&c, dir);
	config_web(&c, &app.cfg);
	app.st = st;
	for (int i = 1; i <= NHH; i++) {
		struct household h;
		memset(&h, 0, sizeof h);
		snprintf(h.name, sizeof h.name, "Hộ Số %d", i);
		snprintf(h.phone, sizeof h.phone, "+849120%05d", i);
		snprintf(h.groups, sizeof h.groups, "%s", i <= 200 ? (i % 50 ? "thon-1" : "thon-1 thon-2")
							  : i <= 320 ? "thon-2" : "");
		h.channel = CH_SMS;
		h.accents = 1;
		assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
	}
	assert_int_equal(store_group_set_name(st, "thon-1", "Thôn 1"), STORE_OK);
	assert_int_equal(store_group_set_name(st, "thon-2", "Thôn 2"), STORE_OK);
	struct notice_req req = { .text = "Họp thôn 19h30", .targets = "all", .channels = CH_SMS, .source = "cli",
				  .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &req, &id, &fs, T0), STORE_OK);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE deliveries SET state = 'failed', attempts = 3,"
					  " last_error = '+CMS ERROR 21'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	char hash[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str("mat-khau-can-bo", hash), 0);
	assert_int_equal(store_web_user_add(st, "can-bo", hash, T0, NULL), STORE_OK);
	struct web_login_result r;
	assert_int_equal(web_auth_login(st, 480, "can-bo", "mat-khau-can-bo", "127.0.0.1", &r), WEB_LOGIN_OK);
	snprintf(cookie, sizeof cookie, "loa_session=%s", r.token);
	web_auth_csrf(r.token, csrf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void request(const char *method, const char *target, const char *body, struct web_reply *rep)
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
	assert_int_equal(web_page_reply_collect(rep), 0);
	free(p);
	web_req_form_free(&rq.query);
	web_req_form_free(&rq.form);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The page's body (malloc'd), after checking its status and size. */
static char *page(const char *target, int status)
{
	struct web_reply rep;
	request("GET", target, NULL, &rep);
	if (rep.status != status)
		fail_msg("GET %s: status %d, want %d: %.300s", target, rep.status, status, rep.body.s ? rep.body.s : "");
	assert_true(rep.body.len < 200 * 1024);
	char *b = strdup(rep.body.s ? rep.body.s : "");
	web_page_reply_free(&rep);
	return b;
}

static void has(const char *body, const char *want)
{
	if (!strstr(body, want))
		fail_msg("want '%s' in: %.600s", want, strstr(body, "<main>") ? strstr(body, "<main>") : body);
}

/* The headings of a page, "|" after each. */
static void headings(const char *body, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = body; (p = strstr(p, "<h2>"));) {
		p += 4;
		const char *e = strstr(p, "</h2>");
		snprintf(out + strlen(out), len - strlen(out), "%.*s|", (int)(e - p), p);
	}
}

/* The households of a page, in order: seen[id] counts them. */
static int rows(const char *body, int64_t *ids, int max)
{
	int n = 0;
	for (const char *p = body; (p = strstr(p, "<tr id=\"h-")) && n < max; p++)
		ids[n++] = strtoll(p + 10, NULL, 10);
	return n;
}

static void test_pages(void **state)
{
	(void)state;
	char h[256];
	int seen[NHH + 1] = { 0 };
	int64_t ids[200];
	int64_t order[NHH];
	int k = 0;
	/* page 1: Thôn 1 by number ("Hộ Số 2" before "Hộ Số 10") */
	char *b = page("/unreached?id=1", 200);
	has(b, "Hộ 1–150 trong 340 · trang 1/3.");
	has(b, "<b>340</b> hộ chưa nhận được thông báo, cần đến báo tận nhà.");
	has(b, "<td data-l=\"Họ tên\">1. <a href=\"/household?id=1\">Hộ Số 1</a>");
	has(b, "<td data-l=\"Họ tên\">2. <a href=\"/household?id=2\">Hộ Số 2</a>");
	has(b, "<a href=\"/unreached?id=1&amp;page=2\">");
	has(b, "<a href=\"/unreached.csv?id=1\">Tải CSV</a>");
	has(b, "<select name=\"group\"><option value=\"\">Tất cả</option><option value=\"thon-1\">Thôn 1</option>");
	has(b, "in từng thôn một");
	headings(b, h, sizeof h);
	assert_string_equal(h, "Thôn 1|");
	int n = rows(b, ids, 200);
	assert_int_equal(n, 150);
	for (int i = 0; i < n; i++)
		order[k++] = ids[i];
	free(b);
	/* page 2: Thôn 1 goes on, then Thôn 2; the numbers go on */
	b = page("/unreached?id=1&page=2", 200);
	headings(b, h, sizeof h);
	assert_string_equal(h, "Thôn 1 (tiếp)|Thôn 2|");
	has(b, "<td data-l=\"Họ tên\">151. <a href=\"/household?id=151\">Hộ Số 151</a>");
	has(b, "<input type=\"hidden\" name=\"page\" value=\"2\">");
	n = rows(b, ids, 200);
	assert_int_equal(n, 150);
	for (int i = 0; i < n; i++)
		order[k++] = ids[i];
	free(b);
	/* page 3: the end of Thôn 2, then the households without a group */
	b = page("/unreached?id=1&page=3", 200);
	headings(b, h, sizeof h);
	assert_string_equal(h, "Thôn 2 (tiếp)|Chưa có nhóm|");
	has(b, "Hộ 301–340 trong 340 · trang 3/3.");
	n = rows(b, ids, 200);
	assert_int_equal(n, 40);
	for (int i = 0; i < n; i++)
		order[k++] = ids[i];
	free(b);
	/* every household once, in the order of their numbers */
	assert_int_equal(k, NHH);
	for (int i = 0; i < k; i++) {
		assert_true(order[i] >= 1 && order[i] <= NHH);
		seen[order[i]]++;
		assert_int_equal(order[i], i + 1);
	}
	for (int i = 1; i <= NHH; i++)
		assert_int_equal(seen[i], 1);
	b = page("/unreached?id=1&page=4", 200);
	has(b, "Trang 4 không có: danh sách có 340 hộ, 3 trang.");
	free(b);
	free(page("/unreached?id=1&page=0", 400));
	free(page("/unreached?id=1&page=x", 400));
}

static void test_group(void **state)
{
	(void)state;
	char h[256];
	int64_t ids[200];
	/* Thôn 2: its 120 and the 4 of Thôn 1 also in it, by number, all
	 * under Thôn 2; the counts of the whole notice too */
	char *b = page("/unreached?id=1&group=thon-2", 200);
	headings(b, h, sizeof h);
	assert_string_equal(h, "Thôn 2|");
	int n = rows(b, ids, 200);
	assert_int_equal(n, 124);
	assert_int_equal(ids[0], 50);
	assert_int_equal(ids[3], 200);
	assert_int_equal(ids[4], 201);
	has(b, "<option value=\"thon-2\" selected>Thôn 2</option>");
	has(b, "Cả thông báo: <b>340</b> hộ cần đến báo tận nhà · 0 hộ đã được báo tận nhà");
	has(b, "<p>Nhóm Thôn 2: <b>124</b> hộ chưa nhận được thông báo");
	has(b, "<a href=\"/unreached.csv?id=1&amp;group=thon-2\">Tải CSV</a>");
	assert_int_equal(count(b, "class=\"pages"), 0); /* one page */
	free(b);
	/* the code as typed in any case; page 2 of a group goes on under it */
	b = page("/unreached?id=1&group=THON-1&page=2&all=1", 200);
	headings(b, h, sizeof h);
	assert_string_equal(h, "Thôn 1 (tiếp)|");
	assert_int_equal(rows(b, ids, 200), 50);
	has(b, "<a href=\"/unreached?id=1&amp;group=thon-1&amp;all=1&amp;page=1\">");
	has(b, "<input type=\"hidden\" name=\"group\" value=\"thon-1\">");
	free(b);
	b = page("/unreached?id=1&group=khong-co", 400);
	has(b, "Không có nhóm này");
	free(b);
}

/* POSTs form (after the CSRF token); the Location of the 303. */
static void post(const char *target, const char *form, char *loc, size_t len)
{
	char body[512];
	snprintf(body, sizeof body, "csrf=%s&%s", csrf, form);
	struct web_reply rep;
	request("POST", target, body, &rep);
	if (rep.status != 303)
		fail_msg("POST %s %s: %d %.300s", target, form, rep.status, rep.body.s ? rep.body.s : "");
	snprintf(loc, len, "%s", rep.location);
	web_page_reply_free(&rep);
}

static void test_mark_keeps_place(void **state)
{
	(void)state;
	char loc[256];
	/* Hộ Số 170, on page 2 of Thôn 1: the answer goes back there */
	post("/visit", "id=1&household=170&group=thon-1&page=2&note=G%E1%BA%B7p+con+trai", loc, sizeof loc);
	assert_string_equal(loc, "/unreached?id=1&marked=170&group=thon-1&page=2#h-170");
	char *b = page("/unreached?id=1&marked=170&group=thon-1&page=2", 200);
	has(b, "<tr id=\"h-170\" class=\"done\">");
	has(b, "Gặp con trai");
	has(b, "trang 2/2.");
	has(b, "<p>Nhóm Thôn 1: <b>199</b> hộ chưa nhận được thông báo, cần đến báo tận nhà. 1 hộ đã được báo tận nhà");
	free(b);
	/* told households are hidden: 170 is not on page 2 any more... */
	b = page("/unreached?id=1&group=thon-1&page=2", 200);
	assert_null(strstr(b, "id=\"h-170\""));
	has(b, "<a class=\"noprint\" href=\"/unreached?id=1&amp;group=thon-1&amp;all=1\">hiện cả hộ đã báo</a>");
	free(b);
	/* ...except the one just marked, on the page that holds it, whichever
	 * page the address says (the list moved since the button was shown) */
	b = page("/unreached?id=1&marked=170&page=1", 200);
	has(b, "<tr id=\"h-170\" class=\"done\">");
	has(b, "trang 2/3.");
	free(b);
	/* undo from page 2 of the whole list: back there */
	post("/visit/undo", "id=1&household=170&page=2&all=1", loc, sizeof loc);
	assert_string_equal(loc, "/unreached?id=1&undone=170&page=2&all=1#h-170");
	b = page("/unreached?id=1&undone=170&page=2&all=1", 200);
	has(b, "Đã bỏ đánh dấu báo tận nhà của hộ Hộ Số 170.");
	has(b, "<tr id=\"h-170\">");
	free(b);
	/* what a form carries is checked before it goes into the address */
	post("/visit", "id=1&household=3&group=a+b%26c&page=x", loc, sizeof loc);
	assert_string_equal(loc, "/unreached?id=1&marked=3&group=a%20b%26c#h-3");
	post("/visit", "id=1&household=4&page=1", loc, sizeof loc);
	assert_string_equal(loc, "/unreached?id=1&marked=4#h-4");
}

static void test_download(void **state)
{
	(void)state;
	char loc[256], when[32], row2[256];
	post("/visit", "id=1&household=2&note=%C4%90%C3%A3+g%E1%BA%B7p", loc, sizeof loc);
	clock_format_local(clock_wall_s(), when, sizeof when);
	snprintf(row2, sizeof row2, "Thôn 1,Hộ Số 2,0912000002,,,,SMS: lỗi — SIM của Loa bị từ chối gửi — kiểm tra tài khoản,\"có, %s: Đã gặp\",2\r\n",
		 when);
	struct web_reply rep;
	request("GET", "/unreached.csv?id=1", NULL, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.filename, "bao-tan-nha-1.csv");
	const char *b = rep.body.s;
	assert_memory_equal(b, "\xEF\xBB\xBF", 3);
	assert_int_equal(count(b, "\r\n"), NHH + 1);
	const char *head = "Nhóm,Họ tên,Số điện thoại,Số điện thoại 2,Địa chỉ,Ghi chú,Đã thử,Đã báo tận nhà,Mã hộ\r\n"
			   "Thôn 1,Hộ Số 1,0912000001,,,,SMS: lỗi — SIM của Loa bị từ chối gửi — kiểm tra tài khoản,,1\r\n";
	if (strncmp(b + 3, head, strlen(head)) != 0 || strncmp(b + 3 + strlen(head), row2, strlen(row2)) != 0)
		fail_msg("CSV: %.400s", b);
	const char *none = strstr(b, "Chưa có nhóm,Hộ Số 321,");
	assert_non_null(none);
	assert_non_null(strstr(b, "Thôn 2,Hộ Số 320,"));
	assert_true(strstr(b, "Thôn 2,Hộ Số 320,") < none);
	web_page_reply_free(&rep);
	request("GET", "/unreached.csv?id=1&group=thon-2", NULL, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.filename, "bao-tan-nha-1-thon-2.csv");
	assert_int_equal(count(rep.body.s, "\r\nThôn 2,"), 124);
	assert_non_null(strstr(rep.body.s, "\r\nThôn 2,Hộ Số 50,"));
	web_page_reply_free(&rep);
	request("GET", "/unreached.xlsx?id=1&group=thon-2", NULL, &rep);
	assert_int_equal(rep.status, 200);
	assert_memory_equal(rep.body.s, "PK", 2);
	web_page_reply_free(&rep);
	request("GET", "/unreached.csv?id=9", NULL, &rep);
	assert_int_equal(rep.status, 404);
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_keeps_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
