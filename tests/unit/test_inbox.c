/* Short-code policy under a fake clock: confirmation codes (right, wrong,
 * expired, too many), forged and unknown senders, roles and groups,
 * opt-out/opt-in, acknowledgements, the budget hold and override, and the
 * reply rate limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_sms.h"
#include "gateway/clock.h"
#include "gateway/config.h"
#include "gateway/inbox.h"
#include "gateway/log.h"

#define HEAD "+84912000001"
#define OFFICER "+84912000002"
#define STRANGER "+84987654321"

static struct store *st;
static struct loa_config cfg;
static struct inbox_result res;

static void add_household(const char *name, const char *phone, const char *groups)
{
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.phone, sizeof h.phone, "%s", phone);
	snprintf(h.groups, sizeof h.groups, "%s", groups);
	h.channel = CH_SMS;
	h.accents = 1;
	assert_int_equal(store_household_insert(st, &h, NULL), STORE_OK);
}

static void add_sender(const char *phone, const char *role, const char *groups, int confirm)
{
	struct sender s;
	memset(&s, 0, sizeof s);
	snprintf(s.phone, sizeof s.phone, "%s", phone);
	snprintf(s.role, sizeof s.role, "%s", role);
	snprintf(s.name, sizeof s.name, "%s %s", role, phone + 9);
	snprintf(s.groups, sizeof s.groups, "%s", groups);
	s.confirm = confirm;
	assert_int_equal(store_sender_add(st, &s, NULL), STORE_OK);
}

static int setup(void **state)
{
	(void)state;
	char err[256];
	clock_fake(1796090400000LL);
	log_set_level(LOG_WARN);
	assert_int_equal(store_open(":memory:", &st, err, sizeof err), STORE_OK);
	config_defaults(&cfg, NULL);
	add_household("An", "+84912100001", "dong");
	add_household("Binh", "+84912100002", "dong");
	add_household("Chi", "+84912100003", "tay");
	add_sender(HEAD, "head", "", 1);
	add_sender(OFFICER, "officer", "", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	return 0;
}

static int64_t inbound_n;

static void sms(const char *from, const char *text)
{
	int64_t id;
	assert_int_equal(store_sms_inbound_cli(st, from, text, clock_wall_s(), &id), STORE_OK);
	inbound_n = id;
	inbox_handle(st, &cfg, id, from, text, clock_wall_s(), &res);
}

static char last_reply[512], last_to[32];
static int grab(const struct outbox_row *r, void *arg)
{
	(void)arg;
	snprintf(last_reply, sizeof last_reply, "%s", r->text);
	snprintf(last_to, sizeof last_to, "%s", r->to);
	return 1;
}

static const char *reply_text(void)
{
	last_reply[0] = last_to[0] = '\0';
	store_outbox_each(st, 1, grab, NULL);
	return last_reply;
}

static int count_cb(const struct outbox_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int outbox_count(void)
{
	int n = 0;
	store_outbox_each(st, 0, count_cb, &n);
	return n;
}

static int notices(void)
{
	int64_t id = 0;
	return store_notice_latest(st, &id) == STORE_OK ? (int)id : 0;
}

/* The code in a preview reply "... XN 123456 ..." or "GUI 123456". */
static void code_from_reply(const char *kw, char *code)
{
	const char *p = strstr(reply_text(), kw);
	assert_non_null(p);
	sscanf(p + strlen(kw), " %6s", code);
	assert_int_equal(strlen(code), 6);
}

static void test_broadcast_with_code(void **state)
{
	(void)state;
	sms(HEAD, "TB TATCA Họp thôn 19h30 tối nay tại nhà văn hóa");
	assert_string_equal(res.decision, "pending");
	assert_int_equal(notices(), 0);
	const char *r = reply_text();
	assert_string_equal(last_to, HEAD);
	assert_non_null(strstr(r, "Xem truoc: \"Hop thon 19h30"));
	assert_non_null(strstr(r, "3 ho"));
	char code[8];
	code_from_reply("XN", code);
	char wrong[16];
	snprintf(wrong, sizeof wrong, "XN %06d", (atoi(code) + 1) % 1000000);
	sms(HEAD, wrong);
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "wrong code (1 of 3)"));
	assert_int_equal(notices(), 0);
	/* someone else sending the right code changes nothing */
	sms(STRANGER, code);
	assert_string_equal(res.decision, "ignored");
	assert_int_equal(notices(), 0);
	char ok[16];
	snprintf(ok, sizeof ok, "xn %s", code);
	sms(HEAD, ok);
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(notices(), 1);
	assert_int_equal(res.notice_id, 1);
	assert_non_null(strstr(reply_text(), "Da gui TB 1 toi 3 ho"));
	struct notice n;
	assert_int_equal(store_notice_get(st, 1, &n), STORE_OK);
	assert_string_equal(n.text, "Họp thôn 19h30 tối nay tại nhà văn hóa");
	assert_string_equal(n.source, "sms:" HEAD);
	store_notice_clear(&n);
	/* the code is single use */
	sms(HEAD, ok);
	assert_string_equal(res.decision, "refused");
	assert_string_equal(res.reason, "no broadcast awaiting a code");
	assert_int_equal(notices(), 1);
}

static void test_expired_and_dropped(void **state)
{
	(void)state;
	char code[8], msg[16];
	sms(HEAD, "KHAN dong Lũ về, sơ tán ngay");
	code_from_reply("XN", code);
	clock_advance((int64_t)(cfg.sc_confirm_s + 1) * 1000);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "code expired"));
	assert_int_equal(notices(), 0);

	sms(HEAD, "TB dong Họp");
	code_from_reply("XN", code);
	for (int i = 0; i < cfg.sc_max_wrong; i++)
		sms(HEAD, "XN 000000");
	assert_non_null(strstr(res.reason, "request dropped"));
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg); /* the right code after the drop does nothing */
	assert_string_equal(res.reason, "no broadcast awaiting a code");
	assert_int_equal(notices(), 0);
}

static void test_forged_head_sends_nothing(void **state)
{
	(void)state;
	/* A forger uses the head's number; the preview goes to the real head,
	 * who never answers: the request expires unsent. */
	sms(HEAD, "TB TATCA Chuyển tiền vào tài khoản 123");
	assert_string_equal(res.decision, "pending");
	clock_advance((int64_t)(cfg.sc_confirm_s + 60) * 1000);
	assert_int_equal(notices(), 0);
	struct sender s;
	assert_int_equal(store_sender_by_phone(st, HEAD, &s), STORE_OK);
	struct pending p;
	assert_int_equal(store_pending_open(st, s.id, &p), STORE_OK);
	assert_true(clock_wall_s() > p.expires_at);
	store_pending_clear(&p);
}

static void test_unknown_and_machines(void **state)
{
	(void)state;
	int before = outbox_count();
	sms(STRANGER, "TB TATCA Mua hàng giảm giá");
	assert_string_equal(res.decision, "ignored");
	assert_non_null(strstr(res.reason, "unregistered sender"));
	sms("VIETTEL", "Quy khach duoc tang 10GB");
	assert_string_equal(res.decision, "ignored");
	assert_non_null(strstr(res.reason, "not a mobile number"));
	sms("191", "TB TATCA x");
	assert_string_equal(res.decision, "ignored");
	assert_int_equal(outbox_count(), before); /* never answered */
	assert_int_equal(notices(), 0);
	/* forwarded to the head when configured */
	snprintf(cfg.sc_forward_unknown, sizeof cfg.sc_forward_unknown, "0912000001");
	sms(STRANGER, "Cho hỏi lịch tiêm phòng");
	assert_int_equal(outbox_count(), before + 1);
	assert_string_equal(last_to[0] ? last_to : (reply_text(), last_to), HEAD);
	assert_non_null(strstr(reply_text(), "Tin tu 0987654321: Cho hoi lich tiem phong"));
}

static void test_roles_and_groups(void **state)
{
	(void)state;
	sms(OFFICER, "TB TATCA Họp");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "officer"));
	sms(OFFICER, "trợ giúp");
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(reply_text(), "TB <nhom|TATCA>"));
	add_sender("+84912000009", "head", "tay", 0);
	sms("+84912000009", "TB dong Họp");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "may not broadcast to dong"));
	sms("+84912000009", "TB tatca Họp");
	assert_string_equal(res.decision, "refused");
	sms("+84912000009", "TB nowhere Họp");
	assert_string_equal(res.decision, "refused");
	/* no-confirm: straight out, to its own group */
	sms("+84912000009", "TBTN tay Họp tổ tay");
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(notices(), 1);
	sms(HEAD, "TB nhomla Họp");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "no group 'nhomla'"));
	sms(HEAD, "Xin chào");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(res.reason, "not a command");
	/* summary and cancel */
	sms(OFFICER, "BC");
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(reply_text(), "TB 1: SMS 0/1"));
	sms(HEAD, "HUY 1");
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(reply_text(), "Da huy TB 1: 1 tin"));
	sms(HEAD, "HUY 9");
	assert_string_equal(res.decision, "refused");
}

static void test_template(void **state)
{
	(void)state;
	assert_int_equal(store_template_add(st, "HOP", "Mời họp thôn 19h30 tối nay."), STORE_OK);
	add_sender("+84912000008", "head", "", 0);
	sms("+84912000008", "MAU hop dong");
	assert_string_equal(res.decision, "accepted");
	struct notice n;
	assert_int_equal(store_notice_get(st, res.notice_id, &n), STORE_OK);
	assert_string_equal(n.text, "Mời họp thôn 19h30 tối nay.");
	store_notice_clear(&n);
	sms("+84912000008", "MAU khong-co dong");
	assert_string_equal(res.decision, "refused");
}

static int count_delivered(const struct report_count *c, void *arg)
{
	char *buf = arg;
	sprintf(buf + strlen(buf), "%s=%d ", c->state, c->n);
	return 0;
}

static void test_optout_ack(void **state)
{
	(void)state;
	int before = outbox_count();
	sms("+84912100001", "TỪ CHỐI");
	assert_string_equal(res.decision, "accepted");
	struct household h;
	assert_int_equal(store_household_by_phone(st, "+84912100001", &h), STORE_OK);
	assert_int_equal(h.opted_out, 1);
	assert_int_equal(outbox_count(), before + 1);
	add_sender("+84912000008", "head", "", 0);
	sms("+84912000008", "TB dong Họp"); /* non-urgent: An skipped */
	assert_non_null(strstr(reply_text(), "toi 1 ho"));
	sms("+84912000008", "KHAN dong Lũ"); /* urgent: An included */
	assert_non_null(strstr(reply_text(), "toi 2 ho"));
	sms("+84912100001", "dang ky");
	assert_int_equal(store_household_by_phone(st, "+84912100001", &h), STORE_OK);
	assert_int_equal(h.opted_out, 0);
	/* "OK" from a household confirms its latest sent SMS, silently */
	sms("+84912100002", "Đã nhận");
	assert_string_equal(res.decision, "stored"); /* nothing sent to it yet */
	struct sms_job job;
	int64_t now = clock_wall_s();
	while (store_sms_claim(st, "m1", now, 0, 10, &job) == STORE_OK) {
		assert_int_equal(store_sms_sent(st, &job, "m1", now), STORE_OK);
		store_sms_job_clear(&job);
	}
	before = outbox_count();
	sms("+84912100002", "ok");
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(res.notice_id, 2); /* the latest notice it got */
	assert_int_equal(outbox_count(), before); /* never answered */
	char buf[64] = "";
	assert_int_equal(store_report_counts(st, 2, count_delivered, buf), STORE_OK);
	assert_string_equal(buf, "delivered=1 sent=1 ");
}

static void test_budget_hold_and_override(void **state)
{
	(void)state;
	cfg.daily_sms_parts = 2;
	add_sender("+84912000008", "head", "", 0);
	sms("+84912000008", "TB TATCA Họp thôn"); /* 3 parts > 2 */
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(res.reason, "exceed the daily budget of 2"));
	assert_int_equal(notices(), 0);
	char code[8], msg[16];
	code_from_reply("GUI", code);
	snprintf(msg, sizeof msg, "XN %s", code); /* XN does not override */
	sms("+84912000008", msg);
	assert_string_equal(res.decision, "refused");
	snprintf(msg, sizeof msg, "GUI %s", code);
	sms("+84912000008", msg);
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(res.reason, "past the daily budget"));
	assert_int_equal(notices(), 1);
}

static void test_reply_rate_limit(void **state)
{
	(void)state;
	int before = outbox_count();
	for (int i = 0; i < cfg.sc_reply_per_hour + 5; i++)
		sms(OFFICER, "HELP");
	assert_int_equal(outbox_count(), before + cfg.sc_reply_per_hour);
	clock_advance(3601 * 1000);
	sms(OFFICER, "HELP");
	assert_int_equal(outbox_count(), before + cfg.sc_reply_per_hour + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_broadcast_with_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_and_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_head_sends_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_and_machines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles_and_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_template, setup, teardown),
		cmocka_unit_test_setup_teardown(test_optout_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_hold_and_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_rate_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
