/* Phone normalisation: every example of the numbering rules plus edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/phone.h"

struct tc {
	const char *in;
	enum phone_kind kind;
	const char *national;
	int converted;
};

static const struct tc cases[] = {
	/* the documented examples */
	{ "0912 345 678", PHONE_MOBILE, "0912345678", 0 },
	{ "0912.345.678", PHONE_MOBILE, "0912345678", 0 },
	{ "091-234-5678", PHONE_MOBILE, "0912345678", 0 },
	{ "+84 91 234 5678", PHONE_MOBILE, "0912345678", 0 },
	{ "84912345678", PHONE_MOBILE, "0912345678", 0 },
	{ "0084912345678", PHONE_MOBILE, "0912345678", 0 },
	{ "(+84) 0912345678", PHONE_MOBILE, "0912345678", 0 },
	{ "912345678", PHONE_MOBILE, "0912345678", 0 },
	{ "0169.234.5678", PHONE_MOBILE, "0392345678", 1 },
	{ "+841681234567", PHONE_MOBILE, "0381234567", 1 },
	{ "(0233) 3852 456", PHONE_LANDLINE, "02333852456", 0 },
	{ "113", PHONE_EMERGENCY, "113", 0 },
	{ "0111234567", PHONE_INVALID, "", 0 },
	{ "091234567", PHONE_INVALID, "", 0 },
	{ "+8562012345678", PHONE_INVALID, "", 0 },
	{ "0912345678x", PHONE_INVALID, "", 0 },
	/* our own */
	{ "0120 123 4567", PHONE_MOBILE, "0701234567", 1 },
	{ "01211234567", PHONE_MOBILE, "0791234567", 1 },
	{ "01221234567", PHONE_MOBILE, "0771234567", 1 },
	{ "01261234567", PHONE_MOBILE, "0761234567", 1 },
	{ "01281234567", PHONE_MOBILE, "0781234567", 1 },
	{ "01231234567", PHONE_MOBILE, "0831234567", 1 },
	{ "01241234567", PHONE_MOBILE, "0841234567", 1 },
	{ "01251234567", PHONE_MOBILE, "0851234567", 1 },
	{ "01271234567", PHONE_MOBILE, "0811234567", 1 },
	{ "01291234567", PHONE_MOBILE, "0821234567", 1 },
	{ "01861234567", PHONE_MOBILE, "0561234567", 1 },
	{ "01881234567", PHONE_MOBILE, "0581234567", 1 },
	{ "01991234567", PHONE_MOBILE, "0591234567", 1 },
	{ "01621234567", PHONE_MOBILE, "0321234567", 1 },
	{ "01301234567", PHONE_INVALID, "", 0 },     /* no such old prefix */
	{ "0862 000 111", PHONE_MOBILE, "0862000111", 0 },
	{ "0559 123 456", PHONE_MOBILE, "0559123456", 0 },
	{ "0 7 0 1 2 3 4 5 6 7", PHONE_MOBILE, "0701234567", 0 },
	{ "0912\xc2\xa0" "345\xc2\xa0" "678", PHONE_MOBILE, "0912345678", 0 }, /* NBSP */
	{ "0912/345/678", PHONE_MOBILE, "0912345678", 0 },
	{ "+84 232 3852 456", PHONE_LANDLINE, "02323852456", 0 },
	{ "111", PHONE_EMERGENCY, "111", 0 },
	{ "115", PHONE_EMERGENCY, "115", 0 },
	{ "116", PHONE_SHORTCODE, "116", 0 },
	{ "1800 1091", PHONE_TOLLFREE, "18001091", 0 },
	{ "1900 9068", PHONE_PREMIUM, "19009068", 0 },
	{ "9029", PHONE_SHORTCODE, "9029", 0 },
	{ "", PHONE_INVALID, "", 0 },
	{ "   ", PHONE_INVALID, "", 0 },
	{ "++84912345678", PHONE_INVALID, "", 0 },
	{ "09+12345678", PHONE_INVALID, "", 0 },
	{ "0412345678", PHONE_INVALID, "", 0 },      /* 04 is not a mobile prefix */
	{ "09123456789", PHONE_INVALID, "", 0 },     /* 11 digits, not 02 or old prefix */
	{ "+1 202 555 0100", PHONE_INVALID, "", 0 },
	{ "001 202 555 0100", PHONE_INVALID, "", 0 },
	{ "0912３45678", PHONE_INVALID, "", 0 },      /* full-width digit */
	{ "12345678901234567890123456789012345678901234567890", PHONE_INVALID, "", 0 },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct phone p;
		enum phone_kind k = phone_normalise(cases[i].in, &p);
		if (k != cases[i].kind || strcmp(p.national, cases[i].national) != 0 ||
		    p.converted != cases[i].converted)
			fail_msg("'%s': got %s '%s' conv=%d, want %s '%s' conv=%d", cases[i].in, phone_kind_name(k),
				 p.national, p.converted, phone_kind_name(cases[i].kind), cases[i].national,
				 cases[i].converted);
		if (k == PHONE_MOBILE || k == PHONE_LANDLINE) {
			assert_int_equal(strncmp(p.e164, "+84", 3), 0);
			assert_string_equal(p.e164 + 3, p.national + 1);
		}
		if (k == PHONE_INVALID)
			assert_true(p.why[0] != '\0');
	}
}

static void test_national(void **state)
{
	(void)state;
	char buf[20];
	phone_national("+84912345678", buf, sizeof buf);
	assert_string_equal(buf, "0912345678");
	phone_national("113", buf, sizeof buf);
	assert_string_equal(buf, "113");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_national),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
