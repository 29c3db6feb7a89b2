/* test_phones — a household's second phone and phones several households
 * share (issue 15), under a fake clock: an SMS refused by the first
 * number (or failed by its status report) moves once to the second phone
 * with its parts superseded, its attempt count kept and an event; a
 * household without one fails as before; an uncertain SMS never moves; a
 * resend starts on the first phone again; calls alternate between the
 * phones after unanswered attempts and stay after answered ones; report
 * rows name the number used; the fan-out preview counts one SMS per
 * household on a shared phone; and an inbound "OK" or "TU CHOI" from a
 * shared number acknowledges every household's SMS to it but opts out
 * nobody.  States are read back with a second SQLite connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/config.h"
#include "base/clock.h"
#include "base/log.h"
#include "db/store.h"
#include "db/store_call.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "domain/cause.h"
#include "domain/inbox.h"
#include "domain/replies.h"
#include "domain/report.h"
#include "domain/sched.h"
#include "tests/testcfg.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1796090400
/* Bà Lan's two phones; Ông Tư's only phone; the son's phone that is Cụ
 * Hai's first and Cụ Ba's second; Chị Năm's second phone, hers alone. */
#define LAN1 "+84912300001"
#define LAN2 "+84987300001"
#define TU "+84912300002"
#define SON "+84912300003"
#define BA1 "+84912300004"
#define NAM1 "+84912300005"
#define NAM2 "+84987300005"

static char dir[64], path[128];
static struct store *st;
static int64_t lan, tu, hai, ba, nam;

/* A household in group `group` (one each, so a notice can target one). */
static int64_t add(const char *name, const char *phone, const char *phone2, int channel, const char *group)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.phone2, sizeof h.phone2, "%s", phone2);
	h.channel = channel;
	h.accents = 1;
	snprintf(h.groups, sizeof h.groups, "%s", group);
	int64_t id;
	assert_int_equal(store_household_insert(st, &h, &id, clock_wall_s()), STORE_OK);
	return id;
}

static int64_t notice(const char *text, const char *targets, int channels, int parts)
{
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = text;
	r.targets = targets;
	r.channels = channels;
	r.source = "test";
	r.parts_ucs2 = parts;
	r.parts_gsm7 = parts;
	int64_t id;
	struct fanout_stats fs;
	assert_int_equal(store_notice_create(st, &r, &id, &fs, clock_wall_s()), STORE_OK);
	return id;
}

/* One integer from a query, on a connection of its own. */
static long long q_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q_int(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/loa-phones.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/loa.db", dir);
	clock_fake((int64_t)T0 * 1000);
	log_set_level(LL_WARN);
	char err[256];
	assert_int_equal(store_open(path, &st, err, sizeof err), STORE_OK);
	lan = add("Bà Lan", LAN1, LAN2, CH_SMS, "lan");
	tu = add("Ông Tư", TU, "", CH_SMS, "tu");
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

/* Claims the due SMS, which must be household hh's. */
static void claim_of(int64_t hh, const char *modem, struct sms_job *j)
{
	assert_int_equal(store_sms_claim(st, modem, clock_wall_s(), 0, 10, j), STORE_OK);
	assert_int_equal(j->household_id, hh);
}

#define UNASSIGNED "+CMS ERROR 1: unassigned (unallocated) number"

static void test_sms_refused_moves(void **state)
{
	(void)state;
	int64_t nid = notice("Họp thôn lúc 19h30 tại nhà văn hóa.", "lan", CH_SMS, 1);
	struct sms_job j;
	claim_of(lan, "m1", &j);
	assert_string_equal(j.phone, LAN1);
	assert_int_equal(j.phone_idx, 0);
	char to[24] = "";
	clock_advance(2000);
	assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to), STORE_OK);
	assert_string_equal(to, LAN2);
	int64_t d = j.delivery_id;
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'queued' AND phone_idx = 1"
			       " AND attempts = 1 AND next_at = %d AND last_error = 'first phone failed: " UNASSIGNED
			       "; trying the second phone 0987300001'", (long long)d, T0 + 2),
			 1);
	assert_int_equal(q_int("SELECT count(*) FROM attempts WHERE delivery_id = %lld AND outcome = 'failed'"
			       " AND cause = '" UNASSIGNED "' AND ended_at = %d", (long long)d, T0 + 2),
			 1);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'sms_second_phone' AND delivery_id = %lld"
			       " AND detail = 'first phone failed: " UNASSIGNED "; trying the second phone 0987300001'",
			       (long long)d),
			 1);
	/* the officers' words for it while it is on its way */
	char words[256];
	cause_words("queued", "first phone failed: " UNASSIGNED "; trying the second phone 0987300001", CAUSE_VI,
		    words, sizeof words);
	assert_string_equal(words, "Số không tồn tại; Đang gửi sang số thứ hai của hộ");
	store_sms_job_clear(&j);

	/* claimed again: the second phone, the attempt counted on */
	claim_of(lan, "m2", &j);
	assert_string_equal(j.phone, LAN2);
	assert_int_equal(j.phone_idx, 1);
	assert_int_equal(j.attempts, 2);
	/* no third phone: a refusal there is the usual one (nothing written) */
	assert_int_equal(store_sms_second_phone(st, &j, "m2", UNASSIGNED, clock_wall_s(), to, sizeof to),
			 STORE_NOTFOUND);
	assert_int_equal(store_sms_part_sent(st, &j, "m2", 1, 1, 40, clock_wall_s()), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j, "m2", clock_wall_s()), STORE_OK);
	/* the report matches the recipient it went to */
	int64_t did, rn;
	const char *mv;
	assert_int_equal(store_sms_report(st, "m2", 40, LAN1, 1, "status report: delivered (ST=0x00)", clock_wall_s(),
					  &did, &rn, &mv),
			 STORE_OK);
	assert_int_equal(did, 0);
	assert_int_equal(store_sms_report(st, "m2", 40, LAN2, 1, "status report: delivered (ST=0x00)", clock_wall_s(),
					  &did, &rn, &mv),
			 STORE_OK);
	assert_int_equal(did, d);
	assert_string_equal(mv, "delivered");
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'delivered'"
			       " AND phone_idx = 1 AND last_error = ''", (long long)d),
			 1);
	store_sms_job_clear(&j);

	/* a household with one phone fails as before */
	notice("Họp thôn lúc 19h30 tại nhà văn hóa.", "tu", CH_SMS, 1);
	claim_of(tu, "m1", &j);
	assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to),
			 STORE_NOTFOUND);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'sending'",
			       (long long)j.delivery_id),
			 1);
	assert_int_equal(store_sms_fail(st, &j, "m1", UNASSIGNED, clock_wall_s()), STORE_OK);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'failed' AND phone_idx = 0",
			       (long long)j.delivery_id),
			 1);
	store_sms_job_clear(&j);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'sms_second_phone'"), 1);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'sms_second_phone' AND notice_id = %lld",
			       (long long)nid),
			 1);
}

static void test_sms_report_moves(void **state)
{
	(void)state;
	int64_t nid = notice("Tiêm phòng dại cho chó mèo sáng thứ Bảy.", "lan", CH_SMS, 1);
	struct sms_job j;
	claim_of(lan, "m1", &j);
	assert_int_equal(store_sms_part_sent(st, &j, "m1", 1, 1, 7, clock_wall_s()), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j, "m1", clock_wall_s()), STORE_OK);
	int64_t d = j.delivery_id, did, rn;
	store_sms_job_clear(&j);
	const char *mv;
	clock_advance(600000);
	assert_int_equal(store_sms_report(st, "m1", 7, LAN1, 0, "status report: failed (ST=0x46)", clock_wall_s(), &did,
					  &rn, &mv),
			 STORE_OK);
	assert_int_equal(did, d);
	assert_string_equal(mv, "queued");
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'queued' AND phone_idx = 1"
			       " AND last_error LIKE 'first phone failed: status report: failed (ST=0x46); trying%%'",
			       (long long)d),
			 1);
	assert_int_equal(q_int("SELECT count(*) FROM sms_refs WHERE delivery_id = %lld AND superseded = 0",
			       (long long)d),
			 0);
	claim_of(lan, "m2", &j);
	assert_string_equal(j.phone, LAN2);
	assert_int_equal(j.parts_sent, 0);
	assert_int_equal(store_sms_part_sent(st, &j, "m2", 1, 1, 8, clock_wall_s()), STORE_OK);
	assert_int_equal(store_sms_sent(st, &j, "m2", clock_wall_s()), STORE_OK);
	store_sms_job_clear(&j);
	/* failed on the second phone too: failed, nothing further */
	assert_int_equal(store_sms_report(st, "m2", 8, LAN2, 0, "status report: failed (ST=0x41)", clock_wall_s(), &did,
					  &rn, &mv),
			 STORE_OK);
	assert_string_equal(mv, "failed");
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'failed' AND phone_idx = 1"
			       " AND last_error = 'status report: failed (ST=0x41)'", (long long)d),
			 1);
	/* a late report on the first phone's part changes nothing */
	assert_int_equal(store_sms_report(st, "m1", 7, LAN1, 1, "status report: delivered (ST=0x00)", clock_wall_s(),
					  &did, &rn, &mv),
			 STORE_OK);
	assert_null(mv);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'failed'", (long long)d), 1);

	/* a resend starts on the first phone again, with the full allowance */
	struct resend_stats rs;
	assert_int_equal(store_resend(st, nid, "sms", 0, "test", &rs, clock_wall_s()), STORE_OK);
	assert_int_equal(rs.sms, 1);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'queued' AND phone_idx = 0"
			       " AND attempts = 0", (long long)d),
			 1);
}

static void test_sms_multipart_and_uncertain(void **state)
{
	(void)state;
	notice("Thông báo dài hai phần.", "lan", CH_SMS, 2);
	struct sms_job j;
	claim_of(lan, "m1", &j);
	int ref = 0;
	assert_int_equal(store_sms_assign_ref(st, j.delivery_id, &ref), STORE_OK);
	assert_int_equal(store_sms_part_sent(st, &j, "m1", 1, 2, 11, clock_wall_s()), STORE_OK);
	/* the number refuses part 2: the whole message goes to the second
	 * phone, from any modem, under a new reference */
	char to[24];
	assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to), STORE_OK);
	int64_t d = j.delivery_id;
	store_sms_job_clear(&j);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND sms_pin = '' AND sms_ref = 0",
			       (long long)d),
			 1);
	claim_of(lan, "m2", &j);
	assert_string_equal(j.phone, LAN2);
	assert_int_equal(j.parts_sent, 0);
	assert_int_equal(j.ref, 0);
	/* the answer lost after the PDU went out: uncertain, and it stays on
	 * the phone it may have reached */
	assert_int_equal(store_sms_uncertain(st, &j, "m2", "no answer from the modem", clock_wall_s()), STORE_OK);
	store_sms_job_clear(&j);
	/* on the first phone too: an uncertain SMS cannot move */
	notice("Thông báo dài hai phần.", "lan", CH_SMS, 2);
	claim_of(lan, "m1", &j);
	assert_int_equal(store_sms_uncertain(st, &j, "m1", "no answer from the modem", clock_wall_s()), STORE_OK);
	assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to),
			 STORE_NOTFOUND);
	store_sms_job_clear(&j);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE state = 'uncertain'"), 2);
}

static void test_calls_alternate(void **state)
{
	(void)state;
	/* the policy: unanswered -> the other phone; answered -> the same */
	assert_int_equal(sched_call_next_phone(0, 2, 0), 1);
	assert_int_equal(sched_call_next_phone(1, 2, 0), 0);
	assert_int_equal(sched_call_next_phone(0, 2, 1), 0);
	assert_int_equal(sched_call_next_phone(1, 2, 1), 1);
	assert_int_equal(sched_call_next_phone(0, 1, 0), 0);
	assert_int_equal(sched_call_next_phone(1, 1, 0), 0);

	int64_t sau = add("Cụ Sáu", "+84912300006", "+84987300006", CH_VOICE, "sau");
	int64_t nid = notice("Họp thôn lúc 19 giờ.", "sau", CH_VOICE, 1);
	struct call_job j;
	assert_int_equal(store_call_claim(st, "m1", clock_wall_s(), 0, nid, &j), STORE_OK);
	assert_int_equal(j.household_id, sau);
	assert_string_equal(j.phone, "+84912300006");
	assert_string_equal(j.other, "+84987300006");
	assert_int_equal(j.phone_idx, 0);
	int64_t d = j.delivery_id;
	assert_int_equal(store_call_end(st, &j, "m1", "no_answer", "no answer", "", "queued", clock_wall_s() + 1, 1,
					clock_wall_s()),
			 STORE_OK);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'call_retry' AND delivery_id = %lld AND detail ="
			       " 'no_answer: no answer; next attempt to the second phone 0987300006'", (long long)d),
			 1);
	clock_advance(2000);
	assert_int_equal(store_call_claim(st, "m1", clock_wall_s(), 0, nid, &j), STORE_OK);
	assert_int_equal(j.delivery_id, d);
	assert_string_equal(j.phone, "+84987300006");
	assert_string_equal(j.other, "+84912300006");
	assert_int_equal(j.phone_idx, 1);
	assert_int_equal(j.attempts, 2);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'call_dialing' AND delivery_id = %lld AND detail ="
			       " 'attempt 2 to +84987300006, second phone'", (long long)d),
			 1);
	/* the report names the number called */
	assert_int_equal(store_call_end(st, &j, "m1", "busy", "busy", "", "queued", clock_wall_s() + 1, 1,
					clock_wall_s()),
			 STORE_OK);
	clock_advance(2000);
	assert_int_equal(store_call_claim(st, "m1", clock_wall_s(), 0, nid, &j), STORE_OK);
	assert_string_equal(j.phone, "+84912300006");
	assert_int_equal(j.attempts, 3);
	/* answered, hung up early: the same phone again */
	assert_int_equal(store_call_end(st, &j, "m1", "answered", "hung up before the end of the notice", "", "queued",
					clock_wall_s() + 1, 0, clock_wall_s()),
			 STORE_OK);
	clock_advance(2000);
	assert_int_equal(store_call_claim(st, "m1", clock_wall_s(), 0, nid, &j), STORE_OK);
	assert_string_equal(j.phone, "+84912300006");
	assert_int_equal(j.attempts, 4);
	assert_int_equal(store_call_end(st, &j, "m1", "no_answer", "no answer", "", "queued", clock_wall_s() + 1, 1,
					clock_wall_s()),
			 STORE_OK);
	clock_advance(2000);
	assert_int_equal(store_call_claim(st, "m1", clock_wall_s(), 0, nid, &j), STORE_OK);
	assert_string_equal(j.phone, "+84987300006");
	/* confirmed on the second phone: reached, and the phone stays */
	assert_int_equal(store_call_end(st, &j, "m1", "answered", "", "1", "confirmed", 0, 1, clock_wall_s()), STORE_OK);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND state = 'confirmed' AND phone_idx = 1"
			       " AND attempts = 5", (long long)d),
			 1);
	/* one phone only: other_phone changes nothing */
	int64_t bay = add("Ông Bảy", "+84912300007", "", CH_VOICE, "bay");
	int64_t n2 = notice("Mai họp.", "bay", CH_VOICE, 1);
	assert_int_equal(store_call_claim(st, "m2", clock_wall_s(), 0, n2, &j), STORE_OK);
	assert_int_equal(j.household_id, bay);
	assert_string_equal(j.other, "");
	assert_int_equal(store_call_end(st, &j, "m2", "no_answer", "no answer", "", "queued", clock_wall_s() + 1, 1,
					clock_wall_s()),
			 STORE_OK);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE id = %lld AND phone_idx = 0", (long long)j.delivery_id),
			 1);
}

struct rows {
	char phone[8][24], phone2[8][24];
	int idx[8], n;
};

static int row_cb(const struct report_row *r, void *arg)
{
	struct rows *x = arg;
	if (x->n < 8) {
		snprintf(x->phone[x->n], sizeof x->phone[0], "%s", r->phone);
		snprintf(x->phone2[x->n], sizeof x->phone2[0], "%s", r->phone2);
		x->idx[x->n++] = r->phone_idx;
	}
	return 0;
}

static void test_report_rows(void **state)
{
	(void)state;
	int64_t nid = notice("Họp thôn.", "all", CH_SMS, 1);
	struct sms_job j;
	char to[24];
	/* Bà Lan's first phone, her second (due now, before Ông Tư's by id),
	 * then Ông Tư's: every one refused */
	claim_of(lan, "m1", &j);
	assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to), STORE_OK);
	store_sms_job_clear(&j);
	claim_of(lan, "m1", &j);
	assert_int_equal(store_sms_fail(st, &j, "m1", UNASSIGNED, clock_wall_s()), STORE_OK);
	store_sms_job_clear(&j);
	claim_of(tu, "m1", &j);
	assert_int_equal(store_sms_fail(st, &j, "m1", UNASSIGNED, clock_wall_s()), STORE_OK);
	store_sms_job_clear(&j);
	/* by name: Bà Lan, Ông Tư */
	struct rows x = { .n = 0 };
	assert_int_equal(store_report_deliveries(st, nid, row_cb, &x), STORE_OK);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.phone[0], LAN2);
	assert_int_equal(x.idx[0], 1);
	assert_string_equal(x.phone2[0], LAN2);
	assert_string_equal(x.phone[1], TU);
	assert_int_equal(x.idx[1], 0);
	assert_string_equal(x.phone2[1], "");
	/* the visit list: the first phone, the second beside it, tried */
	memset(&x, 0, sizeof x);
	assert_int_equal(store_report_unreached(st, nid, row_cb, &x, clock_wall_s()), STORE_OK);
	assert_int_equal(x.n, 2);
	assert_string_equal(x.phone[0], LAN1);
	assert_string_equal(x.phone2[0], LAN2);
	assert_int_equal(x.idx[0], 1);
	memset(&x, 0, sizeof x);
	assert_int_equal(store_report_household(st, lan, row_cb, &x), STORE_OK);
	assert_int_equal(x.n, 1);
	assert_string_equal(x.phone[0], LAN2);

	/* `loa report`: the visit list names both phones; the CSV keeps its
	 * columns and adds phone_no and phone2 at the end */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(report_notice_text(st, nid, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(buf, "0912300001  "));
	assert_non_null(strstr(buf, " (second phone 0987300001: tried too)"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(report_notice_csv(st, nid, 0, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(buf, "notice,household,name,phone,groups,channel,state,reached,attempts,updated,modem,"
				    "cause,keys,acked,cause_vi,address,note,phone_no,phone2\r\n"));
	assert_non_null(strstr(buf, ",Bà Lan,0987300001,lan,sms,failed,no,2,"));
	assert_non_null(strstr(buf, ",Số không tồn tại,,,2,0987300001\r\n"));
	assert_non_null(strstr(buf, ",Ông Tư,0912300002,tu,sms,failed,no,1,"));
	assert_non_null(strstr(buf, ",Số không tồn tại,,,1,\r\n"));
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(report_household_text(st, lan, f), STORE_OK);
	fclose(f);
	assert_non_null(strstr(buf, "Household 1: Bà Lan, 0912300001, second phone 0987300001, groups: lan"));
	assert_non_null(strstr(buf, "  (second phone 0987300001)"));
	free(buf);
}

/* ---- shared phones ---- */

static struct loa_config cfg;
static struct inbox_result res;

static void sms_in(const char *from, const char *text)
{
	int64_t id;
	assert_int_equal(store_sms_inbound_cli(st, from, text, clock_wall_s(), &id), STORE_OK);
	assert_int_equal(inbox_handle(st, inbox_of(&cfg), id, from, text, clock_wall_s(), &res), 0);
}

static char last_reply[512];
static int grab(const struct outbox_row *r, void *arg)
{
	(void)arg;
	snprintf(last_reply, sizeof last_reply, "%s", r->text);
	return 1;
}

static int count_hh(const struct household *h, void *arg)
{
	(void)h;
	++*(int *)arg;
	return 0;
}

static void add_shared(void)
{
	config_defaults(&cfg, NULL);
	hai = add("Cụ Hai", SON, "", CH_SMS, "hai");
	ba = add("Cụ Ba", BA1, SON, CH_SMS, "ba");
	nam = add("Chị Năm", NAM1, NAM2, CH_SMS, "nam");
}

static void test_shared_lookup_and_preview(void **state)
{
	(void)state;
	add_shared();
	int n = 0;
	assert_int_equal(store_household_each_by_phone(st, SON, count_hh, &n), STORE_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(store_household_each_by_phone(st, NAM2, count_hh, &n), STORE_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_household_each_by_phone(st, "+84900000000", count_hh, &n), STORE_OK);
	assert_int_equal(n, 0);
	struct household h;
	assert_int_equal(store_household_by_phone(st, SON, &h), STORE_OK);
	assert_int_equal(h.id, hai);
	/* two households on one first phone: two SMS, each its own delivery */
	add("Cụ Tám", SON, "", CH_SMS, "tam");
	struct notice_req r;
	memset(&r, 0, sizeof r);
	r.text = "Họp thôn.";
	r.targets = "all";
	r.channels = CH_SMS;
	r.parts_ucs2 = r.parts_gsm7 = 2;
	struct fanout_stats fs;
	assert_int_equal(store_notice_preview(st, &r, &fs), STORE_OK);
	assert_int_equal(fs.households, 6);
	assert_int_equal(fs.sms, 6);
	assert_int_equal(fs.sms_shared, 2);
	int64_t nid;
	assert_int_equal(store_notice_create(st, &r, &nid, &fs, clock_wall_s()), STORE_OK);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries d JOIN households h ON h.id = d.household_id"
			       " WHERE d.notice_id = %lld AND h.phone = '" SON "'", (long long)nid),
			 2);
}

static void test_shared_inbound(void **state)
{
	(void)state;
	add_shared();
	int64_t nid = notice("Họp thôn lúc 19h30.", "hai,ba,nam", CH_SMS, 1);
	/* Cụ Ba's first phone fails: her SMS goes to the son's phone, as Cụ
	 * Hai's does; Chị Năm's goes to her first phone */
	struct sms_job j;
	char to[24];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &j), STORE_OK);
		if (j.household_id == ba && j.phone_idx == 0) {
			assert_int_equal(store_sms_second_phone(st, &j, "m1", UNASSIGNED, clock_wall_s(), to, sizeof to),
					 STORE_OK);
			assert_string_equal(to, SON);
		} else {
			assert_int_equal(store_sms_part_sent(st, &j, "m1", 1, 1, 20 + i, clock_wall_s()), STORE_OK);
			assert_int_equal(store_sms_sent(st, &j, "m1", clock_wall_s()), STORE_OK);
		}
		store_sms_job_clear(&j);
	}
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE notice_id = %lld AND state = 'sent'", (long long)nid),
			 3);

	/* "1" from the son's phone: both SMS it got are acknowledged */
	clock_advance(60000);
	sms_in(SON, "1");
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(res.reason, "2 households share"));
	assert_int_equal(res.notice_id, nid);
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE acked_at IS NOT NULL AND household_id IN (%lld, %lld)",
			       (long long)hai, (long long)ba),
			 2);
	assert_int_equal(q_int("SELECT count(*) FROM events WHERE kind = 'sms_acknowledged'"), 2);
	/* "OK" from Chị Năm's second phone: her SMS went to the first one */
	sms_in(NAM2, "OK");
	assert_string_equal(res.decision, "stored");
	assert_int_equal(q_int("SELECT count(*) FROM deliveries WHERE acked_at IS NOT NULL AND household_id = %lld",
			       (long long)nam),
			 0);

	/* "TU CHOI" from the shared phone: nobody is opted out, the phone is
	 * told to ask the village head */
	sms_in(SON, "TU CHOI");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "2 households share"));
	assert_int_equal(q_int("SELECT count(*) FROM households WHERE opted_out = 1"), 0);
	last_reply[0] = '\0';
	assert_true(store_outbox_each(st, 1, grab, NULL) >= 0);
	assert_string_equal(last_reply, "So nay nhan tin cho 2 ho. Chua ngung nhan: de ngung nhan cho ho nao, xin bao"
					" truong thon.");
	char fit[512];
	snprintf(fit, sizeof fit, "%s", last_reply);
	reply_fit(fit);
	assert_string_equal(fit, last_reply);
	sms_in(SON, "DANGKY");
	assert_string_equal(res.decision, "refused");
	/* a second phone that is one household's: its opt-out is hers */
	sms_in(NAM2, "TUCHOI");
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(q_int("SELECT opted_out FROM households WHERE id = %lld", (long long)nam), 1);
	assert_int_equal(q_int("SELECT count(*) FROM households WHERE opted_out = 1"), 1);
	/* anything else from the shared phone is stored, naming both */
	sms_in(SON, "Cam on truong thon");
	assert_string_equal(res.decision, "stored");
	assert_non_null(strstr(res.reason, "households 3, 4 share"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sms_refused_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_report_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sms_multipart_and_uncertain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calls_alternate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_lookup_and_preview, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_inbound, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
