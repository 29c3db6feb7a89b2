/* Every reply to a head fits ONE GSM 7-bit SMS (issue 14): each template
 * of domain/replies.c and the inbox's fixed replies, built with the
 * longest values (5-digit notice ids and counts, 6-digit codes, the
 * longest group list that fits, a notice at the longest text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "domain/replies.h"
#include "domain/shortcode.h"

static void fits(const char *r)
{
	char *plain = text_strip(r, NULL);
	if (!text_is_gsm7(plain) || text_gsm7_septets(plain) > REPLY_MAX)
		fail_msg("%d septets: %s", text_gsm7_septets(plain), plain);
	free(plain);
}

static void test_group_key(void **state)
{
	(void)state;
	char k[64];
	const char *forms[] = { "dongtien", "Dong Tien", "Đông Tiến", "dong-tien", "DONG_TIEN" };
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		reply_group_key(forms[i], k, sizeof k);
		assert_string_equal(k, "dongtien");
	}
}

static void long_groups(char *list, size_t n, int room)
{
	static char codes[60][48];
	const char *p[60];
	for (int i = 0; i < 60; i++) {
		snprintf(codes[i], sizeof codes[i], "nhom-rat-dai-so-%02d-xxxxxxxxxxxxx", i);
		p[i] = codes[i];
	}
	reply_group_list(p, 60, room, list, n);
	assert_non_null(strstr(list, "..."));
}

static void test_plan_refusals(void **state)
{
	(void)state;
	char list[200], out[400];
	long_groups(list, sizeof list, REPLY_MAX - 46);
	for (int why = NOTICE_WHY_TEXT_UTF8; why <= NOTICE_WHY_STORE; why++)
		for (int ch = 1; ch <= 3; ch++) {
			struct notice_plan p;
			memset(&p, 0, sizeof p);
			p.why = why;
			p.why_n = 99999;
			p.why_max = 99999;
			memset(p.why_group, 'x', sizeof p.why_group - 1);
			p.stats.no_channel = p.stats.opted_out = 99999;
			reply_plan_refused(&p, ch, list, out, sizeof out);
			fits(out);
		}
}

static void test_previews(void **state)
{
	(void)state;
	/* the longest notice: 1000 characters, with accents and ... */
	char text[4000] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, "Bão số 6 {} ");
	char out[400], after[200];
	snprintf(after, sizeof after, " %d ho, %d SMS x %d phan, %d cuoc goi, ~%ldd. Gui: tra loi XN %s trong %d phut.",
		 99999, 99999, 99, 99999, 999999999L, "123456", 999);
	reply_with_excerpt(out, sizeof out, "Xem truoc (KHAN): ", text, after);
	fits(out);
	assert_non_null(strstr(out, " ... "));
	snprintf(after, sizeof after, " (%d ho, %d tin chua gui se dung). Huy: tra loi XN %s trong %d phut.", 99999,
		 99999, "123456", 999);
	reply_with_excerpt(out, sizeof out, "Huy TB 99999 ", text, after);
	fits(out);
	snprintf(after, sizeof after, " toi %d ho chua nhan: %d SMS, %d cuoc goi (%d tin chua chac: khong gui lai). "
		 "Gui: tra loi XN %s trong %d phut.", 99999, 99999, 99999, 99999, "123456", 999);
	reply_with_excerpt(out, sizeof out, "Gui lai TB 99999 ", text, after);
	fits(out);
	/* a short text is whole */
	reply_with_excerpt(out, sizeof out, "Xem truoc: ", "Họp thôn", " 3 ho.");
	assert_string_equal(out, "Xem truoc: \"Hop thon\" 3 ho.");
}

static void test_fixed_replies(void **state)
{
	(void)state;
	char out[400], list[200];
	fits(sc_help_text());
	for (int m = SC_MISS_TEXT; m <= SC_MISS_ID; m++)
		for (int v = SC_NONE; v <= SC_RESEND; v++) {
			snprintf(out, sizeof out, "%s. Dung: %s", sc_missing_text((enum sc_missing)m), sc_usage((enum sc_verb)v));
			fits(out);
		}
	long_groups(list, sizeof list, REPLY_MAX - 22 - 24);
	snprintf(out, sizeof out, "Khong co nhom %.24s. Nhom: %s", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", list);
	fits(out);
	long_groups(list, sizeof list, REPLY_MAX - 58);
	snprintf(out, sizeof out, "Khong duoc gui toi %.24s. Nhom cua ban: %s", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", list);
	fits(out);
	snprintf(out, sizeof out, "Nhom %.24s giong nhieu nhom: %.80s. Gui lai voi ten nhom dung.",
		 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", list);
	fits(out);
	snprintf(out, sizeof out, "Da gui TB %d toi %d ho: %d SMS, %d cuoc goi. Xem ket qua: BC %d", 99999, 99999, 99999,
		 99999, 99999);
	fits(out);
	snprintf(out, sizeof out, "Vuot han muc SMS/ngay (%d+%d/%d phan). Van gui: tra loi GUI %s trong %d phut.",
		 99999, 99999, 99999, "123456", 999);
	fits(out);
	snprintf(out, sizeof out, "Khong co TB %d.", 99999);
	fits(out);
	snprintf(out, sizeof out, "TB %d: SMS %d/%d nhan, goi %d/%d nghe, %d dang gui, %d ho chua nhan (can den tan nha)",
		 99999, 99999, 99999, 99999, 99999, 99999, 99999);
	fits(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_key),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_previews),
		cmocka_unit_test(test_fixed_replies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
