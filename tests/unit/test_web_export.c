/* test_web_export — the notice page a page at a time and its filters, the
 * notice list's pages, and the officers' downloads, through
 * web_page_handle as `loa web` serves them: page links that keep the
 * filter, the counts of the whole notice on every page, clean 400s for a
 * bad filter or page, every page small; the Vietnamese CSV (BOM, CRLF,
 * Vietnamese headers, states, channels and group names, national phone
 * numbers, the formula guard) streamed in chunks and complete, filtered
 * like the page; the .xlsx a zip made in a temporary file that is gone
 * afterwards; the households' downloads; a download dropped half-way frees
 * everything (the ASan build checks). */
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

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400LL
#define NHH 250

static char dir[64], path[128], cookie[128];
static struct store *st;
static struct web_app app;

static void sql(const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, q, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", q, msg);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-webx.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	setenv("TMPDIR", dir, 1); /* the .xlsx temporary files land here */
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
		if (i == 3)
			snprintf(h.name, sizeof h.name, "=HYPERLINK(\"http://x\")");
		else
			snprintf(h.name, sizeof h.name, "Nguyễn Thị Hộ %03d", i);
		snprintf(h.phone, sizeof h.phone, "+849120%05d", i);
		snprintf(h.groups, sizeof h.groups, "%s", i % 2 ? "xom-dong-tien" : "xom-tay-son");
		snprintf(h.address, sizeof h.address, "Số %d, ngõ 2", i);
		h.channel = CH_BOTH;
		h.accents = 1;
		assert_int_equal(store_household_insert(st, &h, NULL, T0), STORE_OK);
	}
	assert_int_equal(store_group_set_name(st, "xom-dong-tien", "Xóm Đông Tiến"), STORE_OK);
	struct notice_req req = { .text = "Họp thôn 19h30", .targets = "all", .channels = CH_BOTH, .source = "cli",
				  .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	assert_int_equal(store_notice_create(st, &req, &id, &fs, T0), STORE_OK);
	sql("UPDATE deliveries SET updated_at = 1796090400 + household_id, attempts = 1, state = CASE household_id % 5"
	    " WHEN 0 THEN 'failed' WHEN 1 THEN 'delivered' ELSE 'delivered' END,"
	    " last_error = CASE household_id % 5 WHEN 0 THEN '+CMS ERROR 1' ELSE '' END WHERE channel = 'sms';"
	    "UPDATE deliveries SET updated_at = 1796090400 + household_id, state = CASE household_id % 4"
	    " WHEN 0 THEN 'unreached' ELSE 'confirmed' END, keys = '1' WHERE channel = 'voice';");
	/* households 20, 40, ... : SMS failed and call unreached: not reached */
	char hash[STORE_WEB_HASH_MAX];
	assert_int_equal(pwhash_str("mat-khau-can-bo", hash), 0);
	assert_int_equal(store_web_user_add(st, "can-bo", hash, T0, NULL), STORE_OK);
	struct web_login_result r;
	assert_int_equal(web_auth_login(st, 480, "can-bo", "mat-khau-can-bo", "127.0.0.1", &r), WEB_LOGIN_OK);
	snprintf(cookie, sizeof cookie, "loa_session=%s", r.token);
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

/* GET target; the reply as web_page_handle made it (a stream not read). */
static void get_raw(const char *target, const char *ck, struct web_reply *rep)
{
	struct web_request rq;
	memset(&rq, 0, sizeof rq);
	char *p;
	assert_int_equal(web_req_split_uri(target, &p, &rq.query), 0);
	rq.method = "GET";
	rq.path = p;
	rq.cookie = ck;
	rq.addr = "127.0.0.1";
	web_page_reply_init(rep);
	web_page_handle(&app, &rq, rep);
	free(p);
	web_req_form_free(&rq.query);
}

static void get(const char *target, struct web_reply *rep)
{
	get_raw(target, cookie, rep);
	assert_int_equal(web_page_reply_collect(rep), 0);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void expect(const char *target, int status, const char *want, const char *unwanted)
{
	struct web_reply rep;
	get(target, &rep);
	const char *b = rep.body.s ? rep.body.s : "";
	if (rep.status != status || (want && !strstr(b, want)) || (unwanted && strstr(b, unwanted)))
		fail_msg("GET %s: status %d (want %d), want '%s' / not '%s'; body: %.600s", target, rep.status, status,
			 want ? want : "", unwanted ? unwanted : "", strstr(b, "<main>") ? strstr(b, "<main>") : b);
	web_page_reply_free(&rep);
}

static void test_notice_pages(void **state)
{
	(void)state;
	struct web_reply rep;
	/* page 1: the counts of the whole notice, the chart, 100 rows of 500 */
	get("/notice?id=1", &rep);
	assert_int_equal(rep.status, 200);
	const char *b = rep.body.s;
	assert_true(rep.body.len < 200 * 1024);
	assert_non_null(strstr(b, "<svg"));
	assert_non_null(strstr(b, "Lượt gửi 1–100 trong 500 · trang 1/5."));
	assert_int_equal(count(b, "<tr><td data-l=\"Hộ\">"), 100);
	assert_non_null(strstr(b, "<a href=\"/notice?id=1&amp;page=2\">2</a>"));
	assert_non_null(strstr(b, "<a href=\"/notice?id=1&amp;page=5\">5</a>"));
	assert_non_null(strstr(b, "<form method=\"get\" action=\"/notice\" class=\"filters noprint\">"));
	assert_non_null(strstr(b, "<option value=\"informed\">")); /* the visit channel's state, from the table */
	assert_non_null(strstr(b, "<option value=\"visit\">Báo tận nhà</option>"));
	assert_non_null(strstr(b, "<option value=\"xom-dong-tien\">Xóm Đông Tiến</option>"));
	assert_non_null(strstr(b, "<td>SMS</td><td data-l=\"SMS\">200/250"));
	assert_non_null(strstr(b, "Nguyễn Thị Hộ 001"));
	assert_null(strstr(b, "Nguyễn Thị Hộ 051"));
	assert_non_null(strstr(b, "<a href=\"/notice.csv?id=1\">"));
	assert_non_null(strstr(b, "<a href=\"/notice.xlsx?id=1\">"));
	web_page_reply_free(&rep);
	/* page 2: the next households, no chart, the counts still whole */
	get("/notice?id=1&page=2", &rep);
	b = rep.body.s;
	assert_non_null(strstr(b, "Lượt gửi 101–200 trong 500 · trang 2/5."));
	assert_non_null(strstr(b, "Nguyễn Thị Hộ 051"));
	assert_null(strstr(b, "Nguyễn Thị Hộ 001<"));
	assert_null(strstr(b, "<svg"));
	assert_non_null(strstr(b, "<td>SMS</td><td data-l=\"SMS\">200/250"));
	assert_non_null(strstr(b, "<a href=\"/notice?id=1&amp;page=1\">‹ Trước</a>"));
	web_page_reply_free(&rep);
	/* a filter: its count, its rows only, links that keep it */
	get("/notice?id=1&state=failed", &rep);
	b = rep.body.s;
	assert_non_null(strstr(b, "Lượt gửi 1–50 trong 50 khớp bộ lọc · trang 1/1."));
	assert_int_equal(count(b, "<tr><td data-l=\"Hộ\">"), 50);
	assert_int_equal(count(b, "<td data-l=\"Trạng thái\" class=\"\">lỗi</td>"), 50);
	assert_non_null(strstr(b, "<option value=\"failed\" selected>"));
	assert_non_null(strstr(b, "<a href=\"/notice.csv?id=1&amp;state=failed\">"));
	assert_non_null(strstr(b, ">Bỏ lọc</a>"));
	web_page_reply_free(&rep);
	expect("/notice?id=1&channel=voice&page=2", 200, "Lượt gửi 101–200 trong 250 khớp bộ lọc · trang 2/3.",
	       "<td data-l=\"Kênh\">SMS</td>");
	expect("/notice?id=1&channel=voice", 200, "<a href=\"/notice?id=1&amp;channel=voice&amp;page=3\">3</a>", NULL);
	expect("/notice?id=1&group=xom-tay-son", 200, "trong 250 khớp bộ lọc", "Nguyễn Thị Hộ 001<");
	/* only not reached: households 20, 40, ..., 240, both their deliveries */
	get("/notice?id=1&unreached=1", &rep);
	b = rep.body.s;
	assert_non_null(strstr(b, "Lượt gửi 1–24 trong 24 khớp bộ lọc"));
	assert_non_null(strstr(b, "Nguyễn Thị Hộ 020"));
	assert_null(strstr(b, "Nguyễn Thị Hộ 005<"));   /* SMS failed, call confirmed: reached */
	assert_null(strstr(b, "Nguyễn Thị Hộ 004<"));   /* call unreached, SMS delivered: reached */
	assert_non_null(strstr(b, "name=\"unreached\" value=\"1\" checked"));
	web_page_reply_free(&rep);
	expect("/notice?id=1&unreached=1&channel=voice&group=xom-tay-son&state=unreached", 200,
	       "Lượt gửi 1–12 trong 12 khớp bộ lọc", NULL);
	expect("/notice?id=1&state=cancelled", 200, "Không có lượt gửi nào khớp bộ lọc.", "<tr><td data-l=\"Hộ\">");
	expect("/notice?id=1&page=9", 200, "Trang 9 không có: bộ lọc còn 500 lượt gửi, 5 trang.", NULL);
	/* bad filters and pages: 400 in words, nothing else */
	expect("/notice?id=1&state=bogus", 400, "Bộ lọc trạng thái không hợp lệ", NULL);
	expect("/notice?id=1&state=%3Cb%3E", 400, "state", "<b>");
	expect("/notice?id=1&channel=fax", 400, "Bộ lọc kênh không hợp lệ", NULL);
	expect("/notice?id=1&group=a+b", 400, "Bộ lọc nhóm không hợp lệ", NULL);
	expect("/notice?id=1&unreached=yes", 400, "chỉ hộ chưa nhận", NULL);
	expect("/notice?id=1&page=0", 400, "Số trang không hợp lệ", NULL);
	expect("/notice?id=1&page=abc", 400, "Số trang không hợp lệ", NULL);
	expect("/notice.csv?id=1&channel=fax", 400, "kênh", NULL);
	/* and none of it without a login */
	get_raw("/notice?id=1&page=2", NULL, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
}

static void test_notice_list_pages(void **state)
{
	(void)state;
	struct notice_req req = { .text = "Thông báo", .targets = "xom-tay-son", .channels = CH_SMS, .source = "cli",
				  .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	for (int i = 0; i < 24; i++)
		assert_int_equal(store_notice_create(st, &req, &id, &fs, T0), STORE_OK);
	expect("/", 200, "<a href=\"/?page=2\">2</a>", "<a href=\"/notice?id=5\">");
	expect("/?page=2", 200, "<a href=\"/notice?id=5\">5</a>", "<a href=\"/notice?id=6\">");
	expect("/?page=2", 200, "<th>Báo tận nhà</th>", NULL);
	expect("/?page=3", 200, "Trang này không có thông báo nào.", NULL);
	struct web_reply rep;
	get("/notices.csv", &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(strstr(rep.body.s, "\xEF\xBB\xBFSố,Lúc tạo,Gửi lúc,Gửi tới,Khẩn,Trạng thái,Người tạo,Nội dung,"
					  "SMS: số hộ,SMS: đã tới,Gọi điện: số hộ,Gọi điện: đã tới"));
	assert_int_equal(count(rep.body.s, "\r\n"), 26);
	web_page_reply_free(&rep);
}

/* The lines of a CSV body, the header first. */
static int lines(const struct web_reply *rep)
{
	return count(rep->body.s, "\r\n");
}

static void test_csv(void **state)
{
	(void)state;
	struct web_reply rep;
	get_raw("/notice.csv?id=1", cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_non_null(rep.stream.read); /* streamed, not buffered */
	assert_int_equal(rep.body.len, 0);
	assert_string_equal(rep.filename, "thong-bao-1.csv");
	assert_string_equal(rep.type, "text/csv; charset=utf-8");
	assert_int_equal(web_page_reply_collect(&rep), 0);
	const char *b = rep.body.s;
	assert_memory_equal(b, "\xEF\xBB\xBF" "Mã hộ,Họ tên,Số điện thoại,Nhóm,Kênh,Trạng thái,Đã nhận,Số lần thử,"
			       "Cập nhật lúc,Nguyên nhân,Phím bấm,Trả lời OK qua SMS,Modem,Chi tiết lỗi\r\n",
			    strlen("\xEF\xBB\xBF" "Mã hộ,Họ tên,Số điện thoại,Nhóm,Kênh,Trạng thái,Đã nhận,Số lần thử,"
				   "Cập nhật lúc,Nguyên nhân,Phím bấm,Trả lời OK qua SMS,Modem,Chi tiết lỗi\r\n"));
	assert_int_equal(lines(&rep), 1 + 500); /* every delivery, across many chunks of the store */
	assert_non_null(strstr(b, "\r\n1,Nguyễn Thị Hộ 001,0912000001,Xóm Đông Tiến,SMS,đã nhận,có,1,2026-12-01 02:00,"));
	assert_non_null(strstr(b, "\r\n1,Nguyễn Thị Hộ 001,0912000001,Xóm Đông Tiến,Gọi điện,đã xác nhận,có,"));
	assert_non_null(strstr(b, ",xom-tay-son,SMS,lỗi,không,1,")); /* a group without a name: its code */
	assert_non_null(strstr(b, "Số không tồn tại"));                /* the cause in words */
	assert_non_null(strstr(b, "\r\n3,'=HYPERLINK(\"\"http://x\"\")\",") ||
			strstr(b, "\r\n3,\"'=HYPERLINK(\"\"http://x\"\")\","));
	assert_null(strstr(b, "+8491"));
	web_page_reply_free(&rep);
	/* the page's filter, and the file name says so */
	get_raw("/notice.csv?id=1&state=failed&group=xom-tay-son", cookie, &rep);
	assert_string_equal(rep.filename, "thong-bao-1-loc.csv");
	assert_int_equal(web_page_reply_collect(&rep), 0);
	assert_int_equal(lines(&rep), 1 + 25);
	assert_int_equal(count(rep.body.s, ",lỗi,không,"), 25);
	web_page_reply_free(&rep);
	get_raw("/notice.csv?id=1&unreached=1", cookie, &rep);
	assert_string_equal(rep.filename, "thong-bao-1-chua-nhan.csv");
	assert_int_equal(web_page_reply_collect(&rep), 0);
	assert_int_equal(lines(&rep), 1 + 24);
	assert_int_equal(count(rep.body.s, ",có,"), 0);
	web_page_reply_free(&rep);
	expect("/notice.csv?id=99", 404, "Không có thông báo này.", NULL);
	/* a client that goes away after the first bytes: done frees it all */
	get_raw("/notice.csv?id=1", cookie, &rep);
	char buf[100];
	assert_true(rep.stream.read(rep.stream.ctx, buf, sizeof buf) > 0);
	web_page_reply_free(&rep);
	/* a download without a login: the login page */
	get_raw("/notice.csv?id=1", NULL, &rep);
	assert_int_equal(rep.status, 303);
	assert_null(rep.stream.read);
	web_page_reply_free(&rep);
}

static int xlsx_files(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += strncmp(e->d_name, "loa-xlsx-", 9) == 0;
	closedir(d);
	return n;
}

static void test_xlsx(void **state)
{
	(void)state;
	struct web_reply rep;
	get_raw("/notice.xlsx?id=1&channel=sms", cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.filename, "thong-bao-1-loc.xlsx");
	assert_string_equal(rep.type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_true(rep.stream.size > 1000);
	int64_t size = rep.stream.size;
	assert_int_equal(xlsx_files(), 0); /* unlinked as soon as it was finished */
	assert_int_equal(web_page_reply_collect(&rep), 0);
	assert_int_equal((int64_t)rep.body.len, size);
	assert_memory_equal(rep.body.s, "PK\x03\x04", 4);
	web_page_reply_free(&rep);
	get_raw("/households.xlsx", cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.filename, "ho-dan.xlsx");
	assert_int_equal(web_page_reply_collect(&rep), 0);
	assert_memory_equal(rep.body.s, "PK\x03\x04", 4);
	web_page_reply_free(&rep);
	/* dropped before the first byte */
	get_raw("/notice.xlsx?id=1", cookie, &rep);
	web_page_reply_free(&rep);
	assert_int_equal(xlsx_files(), 0);
	get_raw("/households.xlsx", NULL, &rep);
	assert_int_equal(rep.status, 303);
	web_page_reply_free(&rep);
}

static void test_households_csv(void **state)
{
	(void)state;
	assert_int_equal(store_household_remove(st, 7, T0), STORE_OK);
	struct household h;
	assert_int_equal(store_household_get(st, 8, &h), STORE_OK);
	snprintf(h.phone2, sizeof h.phone2, "+84987654321");
	h.channel = CH_VOICE;
	h.opted_out = 1;
	assert_int_equal(store_household_update(st, &h, T0), STORE_OK);
	struct web_reply rep;
	get_raw("/households.csv", cookie, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.filename, "ho-dan.csv");
	assert_int_equal(web_page_reply_collect(&rep), 0);
	const char *b = rep.body.s;
	assert_memory_equal(b, "\xEF\xBB\xBFMã hộ,Họ tên,Số điện thoại,Số điện thoại 2,Nhóm,Kênh,Có dấu,"
			       "Từ chối thông báo thường,Địa chỉ,Ghi chú\r\n",
			    strlen("\xEF\xBB\xBFMã hộ,Họ tên,Số điện thoại,Số điện thoại 2,Nhóm,Kênh,Có dấu,"
				   "Từ chối thông báo thường,Địa chỉ,Ghi chú\r\n"));
	assert_int_equal(lines(&rep), 1 + NHH - 1);
	assert_non_null(strstr(b, "\r\n1,Nguyễn Thị Hộ 001,0912000001,,Xóm Đông Tiến,SMS + Gọi điện,có,không,"
				  "\"Số 1, ngõ 2\",\r\n"));
	assert_non_null(strstr(b, "\r\n8,Nguyễn Thị Hộ 008,0912000008,0987654321,xom-tay-son,Gọi điện,có,có,"));
	assert_null(strstr(b, "Hộ 007"));
	web_page_reply_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notice_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notice_list_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_households_csv, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
