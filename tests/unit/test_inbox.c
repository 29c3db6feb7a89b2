/* Short-code policy under a fake clock: confirmation codes (right, wrong,
 * expired, too many), forged and unknown senders, roles and groups,
 * opt-out/opt-in, acknowledgements, the budget hold and override, and the
 * reply rate limit.  The attack_* tests each perform one attack of
 * issue 10 through inbox_handle and show it failing: a forged cancel, a
 * group head cancelling beyond its groups, "HUY -1", guessing codes across
 * requests, using up a head's replies, and a forged "OK". */
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
#include "base/clock.h"
#include "app/config.h"
#include "tests/testcfg.h"
#include "domain/inbox.h"
#include "base/log.h"
#include "base/text.h"
#include "domain/notice.h"
#include "domain/report.h"

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
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
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
	assert_int_equal(store_sender_add(st, &s, NULL, clock_wall_s()), STORE_OK);
}

static int setup(void **state)
{
	(void)state;
	char err[256];
	clock_fake(1796090400000LL);
	log_set_level(LL_WARN);
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
	inbox_handle(st, inbox_of(&cfg), id, from, text, clock_wall_s(), &res);
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
	/* grab stops the walk at the newest reply: the walk returns its 1 */
	assert_true(store_outbox_each(st, 1, grab, NULL) >= 0);
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
	assert_int_equal(store_outbox_each(st, 0, count_cb, &n), STORE_OK);
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
	assert_string_equal(res.reason, "no request awaiting a code");
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
	assert_string_equal(res.reason, "no request awaiting a code");
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
	sms(HEAD, "HUY 1"); /* a cancel, too, waits for the code */
	assert_string_equal(res.decision, "pending");
	char code[8], msg[16];
	code_from_reply("XN", code);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "accepted");
	assert_non_null(strstr(reply_text(), "Da huy TB 1: 1 tin"));
	sms(HEAD, "HUY 9");
	assert_string_equal(res.decision, "refused");
}

static void test_template(void **state)
{
	(void)state;
	assert_int_equal(store_template_add(st, "HOP", "Mời họp thôn 19h30 tối nay.", clock_wall_s()), STORE_OK);
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
	if (c->acked)
		sprintf(buf + strlen(buf), "acked=%d ", c->acked);
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
	assert_int_equal(store_report_counts(st, 2, count_delivered, buf, clock_wall_s()), STORE_OK);
	assert_string_equal(buf, "sent=2 acked=1 "); /* the number's word, not a delivery */
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

/* ---- issue 10: attacks by a forged sender number ---- */

/* The office's notice, as `loa notice send` makes it. */
static int64_t office_notice(const char *text, const char *targets, int urgent)
{
	struct notice_plan plan;
	char err[256];
	assert_int_equal(notice_plan(st, notice_of(&cfg), text, targets, CH_SMS, urgent, 0, "cli", &plan, err, sizeof err), 0);
	int64_t id = 0;
	assert_int_equal(notice_create(st, &plan, &id, err, sizeof err), 0);
	notice_plan_free(&plan);
	return id;
}

static const char *notice_state(int64_t id)
{
	static char state[16];
	struct notice n;
	assert_int_equal(store_notice_get(st, id, &n), STORE_OK);
	snprintf(state, sizeof state, "%s", n.state);
	store_notice_clear(&n);
	return state;
}

static int queued_of(int64_t id)
{
	struct notice_reach r;
	assert_int_equal(store_notice_reach(st, id, "", &r), STORE_OK);
	return r.queued;
}

/* One forged "HUY 1" from the head's number used to cancel the office's
 * urgent storm notice.  Now the preview and code go to the real head; the
 * forger, who never sees it, cancels nothing, and the request expires. */
static void test_attack_forged_cancel(void **state)
{
	(void)state;
	int64_t id = office_notice("Bão số 6: sơ tán ngay", "all", 1);
	sms(HEAD, "HUY 1");
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(res.reason, "cancel of notice 1 awaits the one-time code"));
	assert_string_equal(notice_state(id), "active");
	assert_int_equal(queued_of(id), 3);
	const char *r = reply_text();
	assert_string_equal(last_to, HEAD);
	assert_non_null(strstr(r, "Huy TB 1 \"Bao so 6: so tan ngay\" (3 ho, 3 tin chua gui se dung)"));
	char code[8], msg[16];
	code_from_reply("XN", code);
	/* guesses do nothing; the code from another number does nothing */
	sms(HEAD, "XN 000000");
	assert_string_equal(res.decision, "refused");
	sms(STRANGER, code);
	assert_string_equal(res.decision, "ignored");
	assert_string_equal(notice_state(id), "active");
	/* unanswered, it expires */
	clock_advance((int64_t)(cfg.sc_confirm_s + 1) * 1000);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "code expired"));
	assert_non_null(strstr(reply_text(), "Gui lai lenh HUY"));
	assert_string_equal(notice_state(id), "active");
	assert_int_equal(queued_of(id), 3);
	/* the real head, asking and answering, cancels it */
	sms(HEAD, "Hủy 1");
	code_from_reply("XN", code);
	snprintf(msg, sizeof msg, "%s", code); /* the bare code */
	sms(HEAD, msg);
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(res.notice_id, 1);
	assert_string_equal(notice_state(id), "cancelled");
	assert_int_equal(queued_of(id), 0);
	assert_non_null(strstr(reply_text(), "Da huy TB 1: 3 tin"));
	/* and again: already cancelled */
	sms(HEAD, "HUY 1");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "already cancelled"));
}

/* A head limited to one hamlet cancels only what reaches no one else:
 * not the office's "all households" notice, even without a code
 * (--no-confirm) and even with one. */
static void test_attack_group_head_cancel(void **state)
{
	(void)state;
	int64_t all = office_notice("Bão số 6: sơ tán ngay", "all", 1);
	int64_t dong = office_notice("Họp xóm đông", "dong", 0);
	add_sender("+84912000009", "head", "tay", 0);
	add_sender("+84912000007", "head", "TAY,dong", 1);
	sms("+84912000009", "HUY 1");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "may not cancel notice 1: it reaches 2 households outside their groups"));
	assert_non_null(strstr(reply_text(), "Khong duoc huy TB 1: TB nay gui ca 2 ho ngoai nhom cua ban (tay)"));
	sms("+84912000009", "HUY 2");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(notice_state(all), "active");
	assert_string_equal(notice_state(dong), "active");
	assert_int_equal(queued_of(all), 3);
	/* its own hamlet's notice it may cancel (no-confirm: at once) */
	int64_t tay = office_notice("Họp xóm tây", "tay", 0);
	sms("+84912000009", "HUY 3");
	assert_string_equal(res.decision, "accepted");
	assert_string_equal(notice_state(tay), "cancelled");
	/* a head with both groups (codes matched without case) covers the
	 * "all" notice's households: it may, after the code */
	sms("+84912000007", "HUY 1");
	assert_string_equal(res.decision, "pending");
	assert_string_equal(notice_state(all), "active");
}

/* "HUY -1" used to cancel notice 1 (the sign was trimmed as punctuation);
 * numbers are now taken exactly as typed and a malformed one is answered
 * with how to write it. */
static void test_attack_cancel_number_junk(void **state)
{
	(void)state;
	int64_t id = office_notice("Họp", "all", 0);
	add_sender("+84912000009", "head", "", 0); /* no code: junk would act at once */
	const char *junk[] = { "HUY -1", "HUY +1", "HUY 1x", "HUY 1.", "HUY 0", "HUY 1,5", "HUY ١", "HUY 01 1" };
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		int before = outbox_count();
		sms("+84912000009", junk[i]);
		if (strcmp(res.decision, "refused") != 0)
			fail_msg("'%s': %s: %s", junk[i], res.decision, res.reason);
		if (!strstr(res.reason, "malformed cancel"))
			fail_msg("'%s': %s", junk[i], res.reason);
		assert_int_equal(outbox_count(), before + 1);
		assert_string_equal(reply_text(), "Sai cu phap. Dung: HUY <so TB>, vi du HUY 12");
		assert_string_equal(notice_state(id), "active");
	}
	sms("+84912000009", "BC -1");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(reply_text(), "Dung: BC [so TB]"));
	sms("+84912000009", "HUY 001");
	assert_string_equal(res.decision, "accepted");
	assert_string_equal(notice_state(id), "cancelled");
}

/* Every SMS of notice `id` claimed and ended: the first `uncertain` of
 * them uncertain, the rest failed. */
static void settle(int64_t id, int uncertain)
{
	struct sms_job j;
	while (store_sms_claim(st, "m1", clock_wall_s(), 0, 10, &j) == STORE_OK) {
		assert_int_equal(j.notice_id, id);
		if (uncertain-- > 0)
			assert_int_equal(store_sms_uncertain(st, &j, "m1", "no answer", clock_wall_s()), STORE_OK);
		else
			assert_int_equal(store_sms_fail(st, &j, "m1", "+CMS ERROR 21", clock_wall_s()), STORE_OK);
		store_sms_job_clear(&j);
	}
}

/* "GUI LAI <id>": a preview and a one-time code to the registered number,
 * the resend only on the right code, nothing to resend once they are
 * queued again; "GUI <code>" is still the budget override. */
static void test_resend_with_code(void **state)
{
	(void)state;
	int64_t id = office_notice("Họp thôn", "all", 0);
	settle(id, 0);
	assert_int_equal(queued_of(id), 0);
	sms(HEAD, "Gửi lại 1");
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(res.reason, "resend of notice 1 to 3 households awaits the one-time code"));
	assert_non_null(strstr(reply_text(), "Gui lai TB 1 \"Hop thon\" toi 3 ho chua nhan: 3 SMS, 0 cuoc goi. Gui: tra loi XN"));
	assert_string_equal(last_to, HEAD);
	assert_int_equal(queued_of(id), 0);
	char code[8], msg[16];
	code_from_reply("XN", code);
	sms(HEAD, "XN 000000"); /* a forger's guess */
	assert_string_equal(res.decision, "refused");
	sms(STRANGER, code);
	assert_int_equal(queued_of(id), 0);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(res.notice_id, id);
	assert_int_equal(queued_of(id), 3);
	assert_non_null(strstr(reply_text(), "Da gui lai TB 1 toi 3 ho: 3 SMS, 0 cuoc goi"));
	assert_int_equal(notices(), 1); /* the same notice, no new one */
	/* in progress now: nothing to resend */
	sms(HEAD, "GUI LAI 1");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(reply_text(), "TB 1: khong co ho nao can gui lai (3 ho chua nhan, 3 dang gui, 0 chua chac)"));
	/* "GUI 123456" is the budget override, not a resend of notice 123456 */
	sms(HEAD, "GUI 123456");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "no request awaiting a code"));
	/* a code that expired says which command to send again */
	settle(id, 1);
	sms(HEAD, "GUI LAI 1");
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(reply_text(), "toi 2 ho chua nhan: 2 SMS, 0 cuoc goi (1 tin chua chac: khong gui lai)"));
	code_from_reply("XN", code);
	clock_advance((int64_t)(cfg.sc_confirm_s + 1) * 1000);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_non_null(strstr(reply_text(), "Gui lai lenh GUI LAI"));
	assert_int_equal(queued_of(id), 0);
}

/* A forged or out-of-bounds resend does nothing: a head limited to a
 * hamlet may not resend a notice that reaches others, an officer may not
 * resend, a cancelled notice is never resent (even when the code comes
 * after the office cancelled it), and "GUI LAI -1" is not notice 1. */
static void test_resend_refused(void **state)
{
	(void)state;
	int64_t all = office_notice("Bão số 6", "all", 1);
	settle(all, 0);
	add_sender("+84912000009", "head", "tay", 0);
	sms("+84912000009", "GUI LAI 1");
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "may not resend notice 1: it reaches 2 households outside their groups"));
	assert_non_null(strstr(reply_text(), "Khong duoc gui lai TB 1: TB nay gui ca 2 ho ngoai nhom cua ban (tay)"));
	assert_int_equal(queued_of(all), 0);
	sms(OFFICER, "GUI LAI 1");
	assert_string_equal(res.decision, "refused");
	assert_int_equal(queued_of(all), 0);
	sms("+84912000009", "GUI LAI -1");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(reply_text(), "Sai cu phap. Dung: GUI LAI <so TB>, vi du GUI LAI 12");
	/* its own hamlet's notice: at once (no-confirm) */
	int64_t tay = office_notice("Họp xóm tây", "tay", 0);
	settle(tay, 0);
	sms("+84912000009", "GUI LAI 2");
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(queued_of(tay), 1);
	/* the office cancels while the head's code is on its way */
	sms(HEAD, "GUI LAI 1");
	assert_string_equal(res.decision, "pending");
	char code[8];
	code_from_reply("XN", code);
	int n;
	assert_int_equal(store_notice_cancel(st, all, "cli", &n, clock_wall_s()), STORE_OK);
	sms(HEAD, code);
	assert_string_equal(res.decision, "refused");
	assert_non_null(strstr(res.reason, "cancelled: it cannot be resent"));
	assert_non_null(strstr(reply_text(), "TB 1 da bi huy truoc do: khong gui lai duoc."));
	assert_int_equal(queued_of(all), 0);
	sms(HEAD, "GUI LAI 99");
	assert_non_null(strstr(reply_text(), "Khong co TB 99."));
}

static int locked(void)
{
	struct sender s;
	assert_int_equal(store_sender_by_phone(st, HEAD, &s), STORE_OK);
	return s.locked_at != 0;
}

/* Three wrong codes used to end one request, but a new TB started a
 * fresh one, so guessing never stopped.  Now wrong codes are counted per
 * sender over every request: at shortcode.lock_wrong the number is locked
 * out of every code command until the office unlocks it, the real head is
 * told, and the guesser's SMS stop producing SMS to the head. */
static void test_attack_code_guessing(void **state)
{
	(void)state;
	int guesses = 0, out0 = outbox_count();
	char code[8] = "", msg[16];
	while (!locked() && guesses < 100) {
		sms(HEAD, "TB TATCA Chuyển tiền vào tài khoản 123");
		assert_string_equal(res.decision, "pending");
		code_from_reply("XN", code);
		for (int i = 0; i < cfg.sc_max_wrong && !locked(); i++) {
			snprintf(msg, sizeof msg, "XN %06d", (atoi(code) + 1 + guesses) % 1000000);
			sms(HEAD, msg);
			guesses++;
			assert_string_equal(res.decision, "refused");
			clock_advance(60 * 1000);
		}
		if (!locked()) {
			assert_non_null(strstr(res.reason, "request dropped"));
			assert_non_null(strstr(reply_text(), "Co nguoi nhap sai ma 3 lan: yeu cau da bi huy"));
		}
	}
	assert_int_equal(guesses, cfg.sc_lock_wrong);
	assert_non_null(strstr(res.reason, "locked out until `loa sender unlock 0912000001`"));
	assert_non_null(strstr(reply_text(), "Co nguoi nhap sai ma 10 lan trong 24 gio: so nay bi khoa"));
	assert_string_equal(last_to, HEAD);
	assert_int_equal(notices(), 0);
	/* the request open at the lock is gone; the right code, a new TB, a
	 * cancel: all refused; and the flood produces no stream of SMS to the
	 * head (no reminder in the hour of the lock-out alert) */
	int out_locked = outbox_count();
	assert_true(out_locked - out0 <= 2 * cfg.sc_lock_wrong); /* previews and answers, bounded */
	snprintf(msg, sizeof msg, "XN %s", code);
	for (int i = 0; i < 50; i++) {
		sms(HEAD, i % 3 == 0 ? msg : i % 3 == 1 ? "TB TATCA Chuyển tiền" : "HUY 1");
		assert_string_equal(res.decision, "refused");
		assert_non_null(strstr(res.reason, "locked out after wrong codes"));
	}
	assert_int_equal(outbox_count(), out_locked);
	assert_int_equal(notices(), 0);
	/* an hour on: at most one reminder an hour */
	clock_advance(3601 * 1000);
	for (int i = 0; i < 20; i++)
		sms(HEAD, "TB TATCA Chuyển tiền");
	assert_int_equal(outbox_count(), out_locked + 1);
	assert_non_null(strstr(reply_text(), "So nay dang bi khoa"));
	assert_non_null(strstr(res.reason, "suppressed"));
	/* a day later it is still locked: only the office lifts it */
	clock_advance(2LL * 86400 * 1000);
	sms(HEAD, "TB TATCA Họp");
	assert_string_equal(res.decision, "refused");
	/* help and summaries still work while locked */
	sms(HEAD, "TROGIUP");
	assert_string_equal(res.decision, "accepted");
	int was = 0;
	assert_int_equal(store_sender_unlock(st, HEAD, &was), STORE_OK);
	assert_int_equal(was, 1);
	assert_false(locked());
	sms(HEAD, "TB TATCA Họp thôn");
	code_from_reply("XN", code);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(notices(), 1);
}

/* The window rolls: wrong codes older than lock_window_s are forgotten. */
static void test_code_guessing_window(void **state)
{
	(void)state;
	cfg.sc_lock_wrong = 4;
	cfg.sc_lock_window_s = 3600;
	char code[8];
	for (int round = 0; round < 2; round++) {
		sms(HEAD, "TB dong Họp");
		code_from_reply("XN", code);
		for (int i = 0; i < 3; i++)
			sms(HEAD, "XN 999999");
		assert_non_null(strstr(res.reason, "request dropped"));
		assert_false(locked());
		clock_advance(3601 * 1000);
	}
	sms(HEAD, "TB dong Họp");
	for (int i = 0; i < 3; i++)
		sms(HEAD, "XN 999999");
	clock_advance(60 * 1000);
	sms(HEAD, "TB dong Họp");
	sms(HEAD, "XN 999999");
	assert_true(locked());
	assert_non_null(strstr(reply_text(), "Co nguoi nhap sai ma 4 lan trong 1 gio"));
	/* a wrong code with nothing awaiting one is not a guess */
	int was;
	assert_int_equal(store_sender_unlock(st, HEAD, &was), STORE_OK);
	for (int i = 0; i < 10; i++)
		sms(HEAD, "XN 999999");
	assert_string_equal(res.reason, "no request awaiting a code");
	assert_false(locked());
}

struct inbox_seen {
	int64_t id;
	char reason[300];
};

static int seen_cb(const struct inbound_row *r, void *arg)
{
	struct inbox_seen *x = arg;
	assert_int_equal(r->id, x->id);
	snprintf(x->reason, sizeof x->reason, "%s", r->reason);
	return 0;
}

/* Forged chatter from the head's number, and strangers forwarded to the
 * head, used to take the head's whole reply_per_hour, so the head's real
 * request never got its code.  Now a command's replies have their own
 * allowance, forwards theirs (all strangers together), and a suppressed
 * reply is written in the message's reason. */
static void test_attack_reply_quota(void **state)
{
	(void)state;
	snprintf(cfg.sc_forward_unknown, sizeof cfg.sc_forward_unknown, "0912000001");
	for (int i = 0; i < 3 * cfg.sc_reply_per_hour; i++)
		sms(HEAD, i % 2 ? "TROGIUP" : "Xin chào");
	assert_non_null(strstr(res.reason, "reply to 0912000001 suppressed: 10 to it in the last hour (reply_per_hour 10)"));
	assert_int_equal(res.suppressed, 1);
	for (int i = 0; i < 3 * cfg.sc_forward_per_hour; i++) {
		char from[32];
		snprintf(from, sizeof from, "+849870000%02d", i % 100);
		sms(from, "Khuyến mãi lớn");
		assert_string_equal(res.decision, "ignored");
	}
	assert_non_null(strstr(res.reason, "forward to 0912000001 suppressed: 10 in all in the last hour (forward_per_hour 10)"));
	int fwd = 0;
	assert_int_equal(store_outbox_count_since(st, NULL, ",forward,", clock_wall_s() - 3600, &fwd), STORE_OK);
	assert_int_equal(fwd, cfg.sc_forward_per_hour);
	/* the head's real request still gets its code, and goes out */
	sms(HEAD, "TB TATCA Họp thôn 19h30");
	assert_string_equal(res.decision, "pending");
	assert_int_equal(res.replies, 1);
	assert_null(strstr(res.reason, "suppressed"));
	char code[8], msg[16];
	code_from_reply("XN", code);
	snprintf(msg, sizeof msg, "XN %s", code);
	sms(HEAD, msg);
	assert_string_equal(res.decision, "accepted");
	assert_int_equal(res.replies, 1);
	assert_non_null(strstr(reply_text(), "Da gui TB 1"));
	/* the command allowance is its own, and also bounded */
	for (int i = 0; i < cfg.sc_command_per_hour; i++)
		sms(HEAD, "TB TATCA Họp");
	assert_non_null(strstr(res.reason, "(command_per_hour 20)"));
	/* what `loa inbox` and the web inbox read: the stored reason */
	struct inbox_seen seen = { inbound_n, "" };
	assert_int_equal(store_inbound_each(st, 1, seen_cb, &seen), STORE_OK);
	assert_non_null(strstr(seen.reason, "reply to 0912000001 suppressed"));
}

static char report_buf[4096];

static const char *report_of(int64_t id)
{
	FILE *f = fmemopen(report_buf, sizeof report_buf, "w");
	assert_non_null(f);
	assert_int_equal(report_notice_text(st, id, f), STORE_OK);
	fclose(f);
	return report_buf;
}

static const char *report_csv_of(int64_t id)
{
	FILE *f = fmemopen(report_buf, sizeof report_buf, "w");
	assert_non_null(f);
	assert_int_equal(report_notice_csv(st, id, 0, f), STORE_OK);
	fclose(f);
	return report_buf;
}

/* A forged "OK" from a household used to make its SMS delivered and take
 * it off the visit list.  Now it is kept as the number's word
 * (acked_at): a failed or uncertain SMS stays so, the household stays on
 * the visit list, and the report says "acknowledged by SMS". */
static void test_attack_forged_ok(void **state)
{
	(void)state;
	int64_t id = office_notice("Họp thôn", "all", 0);
	int64_t now = clock_wall_s();
	struct sms_job job;
	/* An: failed; Binh: uncertain; Chi: sent */
	for (int i = 0; store_sms_claim(st, "m1", now, 0, 10, &job) == STORE_OK; i++) {
		if (i == 0)
			assert_int_equal(store_sms_fail(st, &job, "m1", "+CMS ERROR: 38", now), STORE_OK);
		else if (i == 1)
			assert_int_equal(store_sms_uncertain(st, &job, "m1", "daemon stopped", now), STORE_OK);
		else
			assert_int_equal(store_sms_sent(st, &job, "m1", now), STORE_OK);
		store_sms_job_clear(&job);
	}
	clock_advance(7LL * 3600 * 1000); /* past the status-report wait */
	const char *phones[] = { "+84912100001", "+84912100002", "+84912100003" };
	for (int i = 0; i < 3; i++) {
		int before = outbox_count();
		sms(phones[i], i == 1 ? "1" : "OK");
		assert_string_equal(res.decision, "accepted");
		assert_non_null(strstr(res.reason, "acknowledged, not delivered"));
		assert_int_equal(res.notice_id, id);
		assert_int_equal(outbox_count(), before);
	}
	char buf[128] = "";
	assert_int_equal(store_report_counts(st, id, count_delivered, buf, clock_wall_s()), STORE_OK);
	assert_string_equal(buf, "failed=1 acked=1 sent=1 acked=1 uncertain=1 acked=1 ");
	const char *r = report_of(id);
	assert_non_null(strstr(r, "3 total, 0 reached"));
	assert_non_null(strstr(r, "3 acknowledged by SMS (not counted as reached)"));
	assert_non_null(strstr(r, "3 households not reached"));
	assert_non_null(strstr(r, "acknowledged by SMS; The network failed or was congested"));
	assert_non_null(strstr(r, "3 of them answered OK by SMS"));
	r = report_csv_of(id);
	assert_non_null(strstr(r, ",keys,acked,cause_vi,address,note,phone_no,phone2\r\n") ? r
			: strstr(r, ",keys,acked,cause_vi,address,note,phone_no,phone2\n"));
	/* the raw cause for machines, the words for officers at the end */
	assert_non_null(strstr(r, "+CMS ERROR: 38"));
	assert_non_null(strstr(r, "Mạng lỗi hoặc quá tải"));
	assert_non_null(strstr(r, ",failed,no,"));
	/* the summary by SMS counts none of them as received */
	char sum[200];
	assert_int_equal(report_summary(st, id, sum, sizeof sum), STORE_OK);
	assert_non_null(strstr(sum, "SMS 0/3 nhan"));
	assert_non_null(strstr(sum, "3 ho chua nhan"));
	/* a second OK keeps the first time */
	sms(phones[0], "OK");
	assert_string_equal(res.decision, "accepted");
}


/* Issue 14: replies that help.  No CLI text; an unknown group lists the
 * valid ones; codes match without hyphens, spaces, accents or case;
 * missing parts named; unknown notices said; long previews show the end. */
static void test_replies_help(void **state)
{
	(void)state;
	add_household("Dung", "+84912100004", "dong-tien");
	add_household("Em", "+84912100005", "dong-tam");
	sms(HEAD, "TB xyz Hop thon");
	assert_string_equal(reply_text(), "Khong co nhom xyz. Nhom: dong, dong-tam, dong-tien, tay");
	assert_null(strstr(last_reply, "--to"));
	add_household("Hai", "+84912100007", "bac-son");
	const char *forms[] = { "TB dongtien Hop thon", "TB Đôngtiến Hop thon", "TB DONG-TIEN Hop thon",
				"TB Bac Son Hop thon", "TB Bắc Sơn Hop thon", "TB bacson Hop thon" };
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		sms(HEAD, forms[i]);
		if (strcmp(res.decision, "pending") != 0)
			fail_msg("'%s': %s: %s", forms[i], res.decision, res.reason);
		if (!strstr(reply_text(), "\"Hop thon\" 1 ho"))
			fail_msg("%s: %s", forms[i], last_reply);
	}
	/* "Dong Tien" is "dong" + text "Tien..." or "dong-tien": say which */
	sms(HEAD, "TB Đông Tiến Hop thon");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(reply_text(), "Nhom dong giong nhieu nhom: dong, dong-tien. Gui lai voi ten nhom dung.");
	/* two groups with one key: say which */
	add_household("Gia", "+84912100006", "dongtien");
	sms(HEAD, "TB dong_tien Hop thon");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(reply_text(), "Nhom dong_tien giong nhieu nhom: dong-tien, dongtien. Gui lai voi ten nhom dung.");
	sms(HEAD, "TB tatca");
	assert_string_equal(reply_text(), "Thieu noi dung. Dung: TB <nhom|TATCA> <noi dung>");
	sms(HEAD, "TB");
	assert_string_equal(reply_text(), "Thieu nhom. Dung: TB <nhom|TATCA> <noi dung>");
	sms(HEAD, "MAU hop");
	assert_string_equal(reply_text(), "Thieu nhom. Dung: MAU <ma> <nhom|TATCA>");
	/* a template's group may be typed in words; its text is never taken
	 * for the rest of a group ("Tien..." after "dong") */
	assert_int_equal(store_template_add(st, "TIEN", "Tiền điện tháng 12", clock_wall_s()), STORE_OK);
	sms(HEAD, "MAU tien Dong Tien");
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(reply_text(), "\"Tien dien thang 12\" 1 ho"));
	sms(HEAD, "MAU tien dong");
	assert_string_equal(res.decision, "pending");
	assert_non_null(strstr(reply_text(), "\"Tien dien thang 12\" 2 ho"));
	sms(HEAD, "XN");
	assert_string_equal(reply_text(), "Thieu ma. Dung: XN <ma 6 so>");
	sms(HEAD, "HUY");
	assert_string_equal(reply_text(), "Thieu so TB. Dung: HUY <so TB>, vi du HUY 12");
	sms(HEAD, "BC 9");
	assert_string_equal(res.decision, "refused");
	assert_string_equal(reply_text(), "Khong co TB 9.");
	sms(HEAD, "HUY 9");
	assert_string_equal(reply_text(), "Khong co TB 9.");
	/* a head limited to groups is shown its own */
	add_sender("+84912000007", "head", "dong tay", 1);
	sms("+84912000007", "TB dong-tam Hop");
	assert_string_equal(reply_text(), "Khong duoc gui toi dong-tam. Nhom cua ban: dong, tay");
	sms("+84912000007", "TB xom9 Hop");
	assert_string_equal(reply_text(), "Khong co nhom xom9. Nhom: dong, tay");
	/* the preview shows the start and the end of a long text */
	sms(HEAD, "TB tatca Hop thon luc 19 gio toi nay tai nha van hoa, moi ho cu mot nguoi di du, mang theo "
		  "so ho khau va CMND de doi chieu danh sach. KET THUC");
	const char *r = reply_text();
	if (!strstr(r, "Xem truoc: \"Hop thon luc 19 gio toi nay tai nh ... "))
		fail_msg("%s", r);
	assert_non_null(strstr(r, "danh sach. KET THUC\""));
	assert_true(text_gsm7_septets(r) <= 160);
}

/* A broadcast the head typed without accents that households will hear:
 * the preview says the reading will have wrong tones, and still fits one
 * GSM 7-bit SMS; with accents it says nothing of the kind. */
static void test_preview_unaccented_voice(void **state)
{
	(void)state;
	struct household h;
	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "Cu Dung");
	snprintf(h.phone, sizeof h.phone, "+84912100004");
	snprintf(h.groups, sizeof h.groups, "dong");
	h.channel = CH_BOTH;
	h.accents = 1;
	assert_int_equal(store_household_insert(st, &h, NULL, clock_wall_s()), STORE_OK);
	sms(HEAD, "TB TATCA Bao so 6 do bo chieu nay, cac ho di doi ngay toi nha van hoa xa, mang theo giay to");
	assert_string_equal(res.decision, "pending");
	const char *r = reply_text();
	assert_non_null(strstr(r, "(" NOTICE_UNACCENTED_SMS ")"));
	assert_true(text_is_gsm7(r));
	assert_true(text_gsm7_septets(r) <= 160);
	sms(HEAD, "TB TATCA Bão số 6 đổ bộ chiều nay");
	assert_string_equal(res.decision, "pending");
	assert_null(strstr(reply_text(), "khong dau"));
}

static void test_reply_plan_words(void **state)
{
	(void)state;
	cfg.notice_max_chars = 20;
	sms(HEAD, "TB tatca Hop thon luc 19 gio toi nay tai nha van hoa");
	assert_string_equal(reply_text(), "Noi dung qua dai: 43 ky tu, toi da 20. Viet ngan lai.");
	cfg.notice_max_chars = 1000;
	sms(HEAD, "TBGOI tatca Hop thon");  /* every household is SMS-only */
	assert_string_equal(reply_text(), "Khong ho nao nhan: 3 ho khong nhan duoc cuoc goi. Dung TB de gui moi kenh.");
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
		cmocka_unit_test_setup_teardown(test_attack_forged_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attack_group_head_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attack_cancel_number_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attack_code_guessing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_guessing_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attack_reply_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attack_forged_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resend_with_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resend_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replies_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_unaccented_voice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_plan_words, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
