/* Short-code grammar: table-driven, with accented, unaccented, mixed-case
 * and misspaced forms; garbage never yields a command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "domain/shortcode.h"
#include "base/text.h"

struct tc {
	const char *in;
	enum sc_verb verb;
	int channels, urgent;
	const char *targets, *code;
	long id;
	const char *body;
};

static const struct tc cases[] = {
	{ "TB TATCA Họp thôn 19h30 tối nay", SC_BROADCAST, CH_BOTH, 0, "all", "", 0, "Họp thôn 19h30 tối nay" },
	{ "tb tatca Hop thon 19h30", SC_BROADCAST, CH_BOTH, 0, "all", "", 0, "Hop thon 19h30" },
	{ "  Tb   tất cả   Họp thôn  ", SC_BROADCAST, CH_BOTH, 0, "all", "", 0, "Họp thôn" },
	{ "Thông báo dong-tien Tiêm phòng lợn", SC_BROADCAST, CH_BOTH, 0, "dong-tien", "", 0, "Tiêm phòng lợn" },
	{ "THONG BAO Dong-Tien,tay-son Tiem phong", SC_BROADCAST, CH_BOTH, 0, "dong-tien,tay-son", "", 0, "Tiem phong" },
	{ "TB: all Họp", SC_BROADCAST, CH_BOTH, 0, "all", "", 0, "Họp" },
	{ "TBTN chan-nuoi Tiêm phòng", SC_BROADCAST, CH_SMS, 0, "chan-nuoi", "", 0, "Tiêm phòng" },
	{ "tb sms tatca x", SC_BROADCAST, CH_SMS, 0, "all", "", 0, "x" },
	{ "TBGOI tatca Họp", SC_BROADCAST, CH_VOICE, 0, "all", "", 0, "Họp" },
	{ "TB GỌI tatca Họp", SC_BROADCAST, CH_VOICE, 0, "all", "", 0, "Họp" },
	{ "KHẨN tatca Bão số 6, sơ tán ngay", SC_BROADCAST, CH_BOTH, 1, "all", "", 0, "Bão số 6, sơ tán ngay" },
	{ "khan TAT CA bao so 6", SC_BROADCAST, CH_BOTH, 1, "all", "", 0, "bao so 6" },
	{ "TB KHẨN thon-1 Lũ", SC_BROADCAST, CH_BOTH, 1, "thon-1", "", 0, "Lũ" },
	{ "MẪU hop-thon tatca", SC_TEMPLATE, CH_BOTH, 0, "all", "HOP-THON", 0, NULL },
	{ "mau HOP dong-tien", SC_TEMPLATE, CH_BOTH, 0, "dong-tien", "HOP", 0, NULL },
	{ "HỦY 12", SC_CANCEL, 0, 0, "", "", 12, NULL },
	{ "huỷ 12", SC_CANCEL, 0, 0, "", "", 12, NULL },
	{ "Huy. 7", SC_CANCEL, 0, 0, "", "", 7, NULL },
	{ "BC 12", SC_SUMMARY, 0, 0, "", "", 12, NULL },
	{ "bc", SC_SUMMARY, 0, 0, "", "", 0, NULL },
	{ "Báo cáo 3", SC_SUMMARY, 0, 0, "", "", 3, NULL },
	{ "HELP", SC_HELP, 0, 0, "", "", 0, NULL },
	{ "Trợ giúp", SC_HELP, 0, 0, "", "", 0, NULL },
	{ "TROGIUP", SC_HELP, 0, 0, "", "", 0, NULL },
	{ "hd", SC_HELP, 0, 0, "", "", 0, NULL },
	{ "XN 482913", SC_CONFIRM, 0, 0, "", "482913", 0, NULL },
	{ "xác nhận 482913", SC_CONFIRM, 0, 0, "", "482913", 0, NULL },
	{ " 482913 ", SC_CONFIRM, 0, 0, "", "482913", 0, NULL },
	{ "GỬI 482913", SC_OVERRIDE, 0, 0, "", "482913", 0, NULL },
	{ "gui 004211", SC_OVERRIDE, 0, 0, "", "004211", 0, NULL },
	/* "GUI LAI <id>" is a resend; "GUI <code>" stays the budget override */
	{ "GUI LAI 12", SC_RESEND, 0, 0, "", "", 12, NULL },
	{ "Gửi lại 12", SC_RESEND, 0, 0, "", "", 12, NULL },
	{ "gui lai: 3", SC_RESEND, 0, 0, "", "", 3, NULL },
	{ "GUILAI 7", SC_RESEND, 0, 0, "", "", 7, NULL },
	{ "GUI LAI 123456", SC_RESEND, 0, 0, "", "", 123456, NULL },
	{ "TỪ CHỐI", SC_OPTOUT, 0, 0, "", "", 0, NULL },
	{ "tuchoi", SC_OPTOUT, 0, 0, "", "", 0, NULL },
	{ "STOP", SC_OPTOUT, 0, 0, "", "", 0, NULL },
	{ "Đăng ký", SC_OPTIN, 0, 0, "", "", 0, NULL },
	{ "ok", SC_ACK, 0, 0, "", "", 0, NULL },
	{ "Đã nhận ạ", SC_ACK, 0, 0, "", "", 0, NULL },
	{ "1", SC_ACK, 0, 0, "", "", 0, NULL },
	/* garbage and near misses */
	{ "", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "   ", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "Xin chào anh", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "TB", SC_NONE, 0, 0, "", "", 0, NULL },             /* no target */
	{ "TB tatca", SC_NONE, 0, 0, "", "", 0, NULL },       /* no text */
	{ "TB thôn@1 Họp", SC_NONE, 0, 0, "", "", 0, NULL },  /* not a group code */
	{ "TB a,,b Họp", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY abc", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 1 2", SC_NONE, 0, 0, "", "", 0, NULL },
	/* numbers exactly as typed: never notice 1 (issue 10) */
	{ "HUY -1", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY +1", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 1x", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 1.", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY (1)", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 0", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 1234567890", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "BC -1", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "HUY 007", SC_CANCEL, 0, 0, "", "", 7, NULL },
	{ "HUY 999999999", SC_CANCEL, 0, 0, "", "", 999999999, NULL },
	{ "XN 12", SC_NONE, 0, 0, "", "", 0, NULL },          /* too short for a code */
	{ "XN", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "STOP spam now", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "MAU x", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "MAU x tatca extra", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "123", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "2", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "TBX tatca Họp", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI LAI", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI LAI -1", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI LAI 1x", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI LAI 0", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI LAI 12 13", SC_NONE, 0, 0, "", "", 0, NULL },
	{ "GUI 12", SC_NONE, 0, 0, "", "", 0, NULL },         /* too short for a code, not a resend */
	{ "GUI LAI12", SC_NONE, 0, 0, "", "", 0, NULL },
};

static void test_grammar(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tc *c = &cases[i];
		struct sc_cmd cmd;
		enum sc_verb v = sc_parse(c->in, &cmd);
		if (v != c->verb)
			fail_msg("'%s': verb %s, want %s", c->in, sc_verb_name(v), sc_verb_name(c->verb));
		if (v == SC_NONE)
			continue;
		if (cmd.channels != c->channels || cmd.urgent != c->urgent || strcmp(cmd.targets, c->targets) ||
		    strcmp(cmd.code, c->code) || cmd.id != c->id)
			fail_msg("'%s': channels %d urgent %d targets '%s' code '%s' id %lld", c->in, cmd.channels,
				 cmd.urgent, cmd.targets, cmd.code, (long long)cmd.id);
		if (c->body) {
			if (!cmd.body || cmd.body_len != strlen(c->body) || memcmp(cmd.body, c->body, cmd.body_len))
				fail_msg("'%s': body '%.*s', want '%s'", c->in, (int)cmd.body_len,
					 cmd.body ? cmd.body : "", c->body);
		}
	}
}

/* A keyword whose arguments do not fit names the command it tried to be
 * (for the reply that shows how to write it); garbage names none. */
static void test_near(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		enum sc_verb near;
	} t[] = {
		{ "HUY -1", SC_CANCEL }, { "Hủy 1x", SC_CANCEL }, { "BC +3", SC_SUMMARY }, { "XN 12", SC_CONFIRM },
		{ "TB tatca", SC_BROADCAST }, { "GUI LAI -1", SC_RESEND }, { "Gửi lại", SC_RESEND },
		{ "GUI 12", SC_OVERRIDE }, { "Xin chào", SC_NONE }, { "", SC_NONE }, { "HUY 1", SC_NONE },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sc_cmd cmd;
		sc_parse(t[i].in, &cmd);
		if (cmd.near != t[i].near)
			fail_msg("'%s': near %s, want %s", t[i].in, sc_verb_name(cmd.near), sc_verb_name(t[i].near));
		assert_true(text_is_gsm7(sc_usage(cmd.near)));
	}
}

static void test_help_fits_one_sms(void **state)
{
	(void)state;
	const char *h = sc_help_text();
	assert_true(text_is_gsm7(h));
	assert_true(text_gsm7_septets(h) <= 160);
	/* every broadcast form is named */
	const char *kw[] = { "TB ", "TBTN", "TBGOI", "KHAN", "MAU", "HUY", "BC", "XN", "GUI", "TROGIUP" };
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		assert_non_null(strstr(h, kw[i]));
}

static void test_mask_codes(void **state)
{
	(void)state;
	struct {
		const char *in, *want;
	} t[] = {
		{ "Xem truoc: \"Hop\" 3 ho. Gui: tra loi XN 482913 trong 15 phut.",
		  "Xem truoc: \"Hop\" 3 ho. Gui: tra loi XN ****** trong 15 phut." },
		{ "Van gui: tra loi GUI 004211 trong 15 phut.", "Van gui: tra loi GUI ****** trong 15 phut." },
		{ "xn 482913", "xn ******" },
		{ " 482913 ", " ****** " },
		{ "Gửi 482913", "Gửi ******" },
		{ "TB TATCA Họp 19h30, phòng 482913", "TB TATCA Họp 19h30, phòng 482913" },
		{ "Da gui TB 12 toi 3 ho", "Da gui TB 12 toi 3 ho" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *m = sc_mask_codes(t[i].in);
		if (strcmp(m, t[i].want) != 0)
			fail_msg("mask '%s' = '%s', want '%s'", t[i].in, m, t[i].want);
		free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_near),
		cmocka_unit_test(test_help_fits_one_sms),
		cmocka_unit_test(test_mask_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
