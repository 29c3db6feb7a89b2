/* Benchmark: the officers' pages at 100,000 households.  A database with
 * 100,000 households in 10 groups (display names as people write them),
 * one notice to all of them by SMS and call (200,000 deliveries in varied
 * states: delivered, failed, uncertain, sent, queued; played, confirmed,
 * unreached...; a tenth of those not reached told in person), a second
 * that reached nobody, then each page made in-process through web_page_handle,
 * exactly as `loa web` makes it: the notice page (first page, a middle
 * page, the last page, filtered by state, by channel, by group, "only not
 * reached", all filters), the notice list, the visit list (first page, a
 * middle one, a group; also of a second notice that reached nobody, so
 * every household is to visit) and the officers' CSV and .xlsx downloads
 * (drained through their stream).  Each
 * is made BENCH_RUNS times (default 7); printed: size in KB and time in ms
 * (min / median / max).  Targets: every page under 200 KB and 100 ms.
 *
 * BENCH_PAGES_DB=PATH keeps the database there and reuses it when it
 * exists (building it takes a few seconds); BENCH_HOUSEHOLDS=N for a
 * smaller village.  Exits 1 if a page target is missed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "app/config.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/store.h"
#include "db/store_web.h"
#include "domain/hh_import.h"
#include "web/web_auth.h"
#include "base/pwhash.h"
#include "web/web_page.h"
#include "web/web_req.h"

#define T0 1796090400LL

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* benchmark timing, not program time */
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *const group_names[10] = {
	"Xóm Đông Tiến", "Xóm Tây Sơn", "Xóm Bắc Hà", "Xóm Nam Phong", "Xóm Trung Hòa",
	"Thôn Phú Lộc", "Thôn An Bình", "Thôn Hòa Mỹ", "Tổ Chăn nuôi", "Tổ Phụ nữ",
};
static const char *const group_codes[10] = {
	"xom-dong-tien", "xom-tay-son", "xom-bac-ha", "xom-nam-phong", "xom-trung-hoa",
	"thon-phu-loc", "thon-an-binh", "thon-hoa-my", "to-chan-nuoi", "to-phu-nu",
};
static const char *const family[] = { "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
				      "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý" };
static const char *const middle[] = { "Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quang" };
static const char *const given[] = { "An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hoa", "Hùng", "Lan",
				     "Long", "Mai", "Nam", "Nga", "Phúc", "Quý", "Sơn", "Tâm", "Thảo", "Tuấn",
				     "Yến" };

static int sql(sqlite3 *db, const char *q)
{
	char *msg = NULL;
	if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", q, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The village, the notice, the states a day of sending leaves, a user. */
static int build(const char *path, int n)
{
	char err[512];
	struct store *st;
	if (store_open(path, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	char *csv = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&csv, &len);
	fputs("name,phone,groups,channel,accents,note\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s %s %s,09%08d,%s,both,%s,%s\n", family[i % 16], middle[(i / 16) % 8], given[(i / 128) % 20],
			i, group_codes[(i / 50) % 10], i % 2 ? "yes" : "no", i % 7 == 0 ? "nhà cuối ngõ" : "");
	fclose(f);
	FILE *devnull = fopen("/dev/null", "w");
	struct import_result r;
	int rc = hh_import_run(st, "bench.csv", csv, len, &(struct hh_import_opts){ 0 }, 0, devnull, devnull, &r);
	fclose(devnull);
	free(csv);
	for (int g = 0; rc == 0 && g < 10; g++)
		rc = store_group_set_name(st, group_codes[g], group_names[g]);
	struct notice_req req = { .text = "Thông báo họp thôn lúc 19h30 tối nay tại nhà văn hóa.", .targets = "all",
				  .channels = CH_BOTH, .source = "web:can-bo", .parts_ucs2 = 1, .parts_gsm7 = 1 };
	struct fanout_stats fs;
	int64_t id;
	if (rc == 0)
		rc = store_notice_create(st, &req, &id, &fs, T0);
	req.text = "Thông báo lịch tiêm phòng cho trẻ em sáng thứ bảy tại trạm y tế xã.";
	if (rc == 0)
		rc = store_notice_create(st, &req, &id, &fs, T0 + 60);
	if (rc != 0) {
		fprintf(stderr, "bench: building the village failed: %s\n", store_errmsg(st));
		store_close(st);
		return -1;
	}
	store_close(st);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	/* States over the two hours after T0, by household id. */
	rc = sql(db, "BEGIN;"
		     "UPDATE deliveries SET attempts = 1, modem = 'modem' || (1 + household_id % 4),"
		     " updated_at = 1796090400 + (household_id * 7919) % 7200,"
		     " state = CASE household_id % 20 WHEN 0 THEN 'failed' WHEN 1 THEN 'uncertain'"
		     "  WHEN 2 THEN 'expired' WHEN 3 THEN 'sent' WHEN 4 THEN 'queued' WHEN 5 THEN 'queued'"
		     "  ELSE 'delivered' END,"
		     " last_error = CASE household_id % 20 WHEN 0 THEN '+CMS ERROR 1: unassigned'"
		     "  WHEN 2 THEN 'no status report' ELSE '' END"
		     " WHERE channel = 'sms' AND notice_id = 1;"
		     "UPDATE deliveries SET attempts = 1 + household_id % 3, modem = 'modem' || (1 + household_id % 4),"
		     " updated_at = 1796090400 + (household_id * 104729) % 7200,"
		     " state = CASE household_id % 10 WHEN 0 THEN 'unreached' WHEN 1 THEN 'failed'"
		     "  WHEN 2 THEN 'queued' WHEN 3 THEN 'played' WHEN 4 THEN 'played' ELSE 'confirmed' END,"
		     " keys = CASE WHEN household_id % 10 >= 5 THEN '1' ELSE '' END,"
		     " last_error = CASE household_id % 10 WHEN 0 THEN 'no_answer' WHEN 1 THEN 'busy' ELSE '' END"
		     " WHERE channel = 'voice' AND notice_id = 1;"
		     /* one in ten of the households not reached told in person */
		     "INSERT INTO deliveries(notice_id, household_id, channel, state, next_at, updated_at, note)"
		     " SELECT 1, household_id, 'visit', 'informed', 1796101200, 1796101200, 'Đã gặp chủ hộ'"
		     " FROM deliveries WHERE notice_id = 1 AND channel = 'sms' AND household_id % 100 = 0;"
		     /* notice 2 reached nobody (no credit, no modem could call) */
		     "UPDATE deliveries SET attempts = 3, updated_at = 1796094000,"
		     " state = CASE channel WHEN 'sms' THEN 'failed' ELSE 'unreached' END,"
		     " last_error = CASE channel WHEN 'sms' THEN '+CMS ERROR 42: no credit' ELSE 'no modem could call' END"
		     " WHERE notice_id = 2;"
		     "COMMIT;");
	sqlite3_close(db);
	return rc;
}

static struct web_app app;
static char cookie[128];

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int runs = 7, missed = 0;

/* Makes `target` `runs` times; prints its size and times. */
static void page(const char *what, const char *target, int page_target)
{
	double t[64];
	size_t size = 0;
	int status = 0;
	for (int i = 0; i < runs; i++) {
		struct web_request rq;
		memset(&rq, 0, sizeof rq);
		char *p;
		if (web_req_split_uri(target, &p, &rq.query) != 0)
			abort();
		rq.method = "GET";
		rq.path = p;
		rq.cookie = cookie;
		rq.addr = "127.0.0.1";
		struct web_reply rep;
		double t0 = now_ms();
		web_page_reply_init(&rep);
		web_page_handle(&app, &rq, &rep);
		if (web_page_reply_collect(&rep) != 0)
			status = -1;
		size = rep.body.len;
		t[i] = now_ms() - t0;
		if (status >= 0)
			status = rep.status;
		web_page_reply_free(&rep);
		free(p);
		web_req_form_free(&rq.query);
	}
	qsort(t, (size_t)runs, sizeof t[0], compare);
	int ok = status == 200 && (!page_target || (size < 200 * 1024 && t[runs / 2] < 100.0));
	printf("%-34s %8.1f KB %8.1f / %7.1f / %7.1f ms%s%s\n", what, (double)size / 1024, t[0], t[runs / 2],
	       t[runs - 1], page_target ? (ok ? "  target met" : "  MISSED (< 200 KB, < 100 ms)") : "",
	       status == 200 ? "" : "  (not 200)");
	if (!ok)
		missed = 1;
}

int main(void)
{
	const char *keep = getenv("BENCH_PAGES_DB");
	const char *nenv = getenv("BENCH_HOUSEHOLDS");
	const char *renv = getenv("BENCH_RUNS");
	int n = nenv ? atoi(nenv) : 100000;
	if (renv)
		runs = atoi(renv) < 1 ? 1 : atoi(renv) > 64 ? 64 : atoi(renv);
	char dir[] = "/tmp/loa-bench.XXXXXX", path[512];
	if (keep) {
		snprintf(path, sizeof path, "%s", keep);
	} else {
		if (!mkdtemp(dir))
			return 1;
		snprintf(path, sizeof path, "%s/loa.db", dir);
	}
	clock_fake((T0 + 3 * 3600) * 1000);
	log_set_level(LL_WARN);
	struct stat sb;
	if (stat(path, &sb) != 0) {
		double t0 = now_ms();
		if (build(path, n) != 0)
			return 1;
		printf("village of %d households, two notices to all by SMS and call: built in %.1f s\n", n,
		       (now_ms() - t0) / 1000);
	}
	char err[512];
	if (store_open(path, &app.st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	struct loa_config c;
	config_defaults(&c, "/tmp");
	config_web(&c, &app.cfg);
	store_set_report_wait(app.st, app.cfg.report_wait_s);
	char hash[STORE_WEB_HASH_MAX];
	struct web_login_result lr;
	if (pwhash_str("mat-khau-bench", hash) != 0 ||
	    (store_web_user_add(app.st, "can-bo", hash, clock_wall_s(), NULL) != STORE_OK &&
	     store_web_user_get(app.st, "can-bo", &(struct store_web_user){ 0 }) != STORE_OK) ||
	    web_auth_login(app.st, 480, "can-bo", "mat-khau-bench", "127.0.0.1", &lr) != WEB_LOGIN_OK) {
		fprintf(stderr, "bench: cannot log in: %s\n", store_errmsg(app.st));
		return 1;
	}
	snprintf(cookie, sizeof cookie, "loa_session=%s", lr.token);

	double load[3] = { 0, 0, 0 };
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = -1;
		fclose(la);
	}
	printf("pages of a notice to %d households (%d deliveries), %d runs each; load average %.2f\n", n, 2 * n,
	       runs, load[0]);
	printf("%-34s %11s %30s\n", "page", "size", "time min / median / max");
	char t[128];
	page("notice page, first page", "/notice?id=1", 1);
	snprintf(t, sizeof t, "/notice?id=1&page=%d", n / 100);
	page("notice page, middle page", t, 1);
	snprintf(t, sizeof t, "/notice?id=1&page=%d", 2 * n / 100);
	page("notice page, last page", t, 1);
	page("state failed, page 1", "/notice?id=1&state=failed", 1);
	page("state failed, page 100", "/notice?id=1&state=failed&page=100", 1);
	page("channel voice, page 500", "/notice?id=1&channel=voice&page=500", 1);
	page("group, page 100", "/notice?id=1&group=xom-tay-son&page=100", 1);
	page("only not reached, page 1", "/notice?id=1&unreached=1", 1);
	page("only not reached, page 150", "/notice?id=1&unreached=1&page=150", 1);
	page("not reached+voice+group+state", "/notice?id=1&unreached=1&channel=voice&group=xom-bac-ha&state=unreached", 1);
	page("notice list", "/", 1);
	/* the visit list: 10,000 households to visit at 100,000 (1,000 of
	 * them told in person), 150 a page; notice 2 reached nobody */
	page("visit list, first page", "/unreached?id=1", 1);
	snprintf(t, sizeof t, "/unreached?id=1&page=%d", n / 3000 > 1 ? n / 3000 : 1);
	page("visit list, middle page", t, 1);
	page("visit list, one group", "/unreached?id=1&group=xom-tay-son", 1);
	page("visit list, group, told shown, p. 2", "/unreached?id=1&group=thon-hoa-my&all=1&page=2", 1);
	page("visit list, nobody reached, first", "/unreached?id=2", 1);
	snprintf(t, sizeof t, "/unreached?id=2&group=to-phu-nu&page=%d", n / 1500 > 1 ? n / 1500 : 1);
	page("visit list, nobody reached, group", t, 1);
	/* the household list (50 a page, by folded name): search, group,
	 * a page in the middle of all of them */
	page("households, first page", "/households", 1);
	snprintf(t, sizeof t, "/households?page=%d", n / 100 > 1 ? n / 100 : 1);
	page("households, middle page", t, 1);
	snprintf(t, sizeof t, "/households?page=%d", n / 50 > 1 ? n / 50 : 1);
	page("households, last page", t, 1);
	page("households, search a name", "/households?q=nguyen+van", 1);
	page("households, search a number", "/households?q=0912+345", 1);
	page("households, one group", "/households?group=xom-tay-son", 1);
	page("CSV of the log (streamed)", "/notice.csv?id=1", 0);
	page("CSV, only not reached", "/notice.csv?id=1&unreached=1", 0);
	page(".xlsx of the log", "/notice.xlsx?id=1", 0);
	page("CSV of the households", "/households.csv", 0);
	page(".xlsx of the households", "/households.xlsx", 0);
	page("CSV of the visit list", "/unreached.csv?id=1", 0);
	page(".xlsx of the visit list", "/unreached.xlsx?id=1", 0);
	store_close(app.st);
	if (!keep) {
		char cmd[96];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return missed;
}
