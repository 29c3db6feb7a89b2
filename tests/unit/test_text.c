/* Text: UTF-8 validation, NFC, stripping accents, GSM 7-bit, SMS parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

static void test_valid_utf8(void **state)
{
	(void)state;
	size_t bad = 0;
	assert_true(text_valid_utf8("Thôn Đông Tiến", strlen("Thôn Đông Tiến"), &bad));
	assert_false(text_valid_utf8("ab\xff" "cd", 5, &bad));
	assert_int_equal(bad, 2);
	assert_false(text_valid_utf8("\xc3", 1, &bad)); /* truncated */
	assert_false(text_valid_utf8("\xed\xa0\x80", 3, &bad)); /* surrogate */
	assert_false(text_valid_utf8("\xc0\xaf", 2, &bad)); /* overlong */
}

static void test_nfc(void **state)
{
	(void)state;
	/* "hộ" decomposed: o + circumflex + dot below */
	char *n = text_nfc("ho\xcc\x82\xcc\xa3");
	assert_string_equal(n, "hộ");
	free(n);
	assert_null(text_nfc("\xff"));
}

static void check_strip(const char *in, const char *want, int want_rep)
{
	int rep = -5;
	char *s = text_strip(in, &rep);
	if (strcmp(s, want) != 0 || rep != want_rep)
		fail_msg("strip '%s' = '%s' (%d), want '%s' (%d)", in, s, rep, want, want_rep);
	assert_true(text_is_gsm7(s));
	free(s);
}

static void test_strip(void **state)
{
	(void)state;
	check_strip("Đường đến UBND xã", "Duong den UBND xa", 0);
	check_strip("mưa lớn, vỡ đê", "mua lon, vo de", 0);
	check_strip("ƯỚC TÍNH Ở ĐÂY", "UOC TINH O DAY", 0);
	check_strip("“Khẩn” – họp…", "\"Khan\" - hop...", 0);
	check_strip("25°C, 75.000₫", "25C, 75.000", 0);
	check_strip("a\xc2\xa0" "b\xe2\x80\x8b" "c", "a bc", 0);
	check_strip("Ð Ɖ ð", "D D d", 0);
	check_strip("báo 😀 ngay", "bao ? ngay", 1);
	check_strip("漢字", "??", 2);
	/* decomposed input strips the same */
	check_strip("ho\xcc\x82\xcc\xa3", "ho", 0);
}

static void test_gsm7(void **state)
{
	(void)state;
	assert_int_equal(text_gsm7_septets("hello"), 5);
	assert_int_equal(text_gsm7_septets("a{b}"), 6); /* extension chars count twice */
	assert_int_equal(text_gsm7_septets("€"), 2);
	assert_int_equal(text_gsm7_septets("à è é ù ì ò É"), 13);
	assert_int_equal(text_gsm7_septets("ả"), -1);
	assert_int_equal(text_gsm7_septets("`"), -1);
	assert_true(text_is_gsm7("@£$¥"));
}

static char *repeat(const char *unit, int n)
{
	size_t l = strlen(unit);
	char *s = malloc(l * (size_t)n + 1);
	for (int i = 0; i < n; i++)
		memcpy(s + l * (size_t)i, unit, l);
	s[l * (size_t)n] = '\0';
	return s;
}

static void test_parts(void **state)
{
	(void)state;
	struct {
		const char *unit;
		int n, ucs2, parts;
	} t[] = {
		{ "a", 160, 0, 1 }, { "a", 161, 0, 2 }, { "a", 306, 0, 2 }, { "a", 307, 0, 3 },
		{ "ơ", 70, 1, 1 }, { "ơ", 71, 1, 2 }, { "ơ", 134, 1, 2 }, { "ơ", 135, 1, 3 },
		{ "{", 80, 0, 1 }, { "{", 81, 0, 2 },
		{ "😀", 35, 1, 1 }, { "😀", 36, 1, 2 }, /* outside the BMP: two units each */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *s = repeat(t[i].unit, t[i].n);
		if (text_sms_parts(s, t[i].ucs2) != t[i].parts)
			fail_msg("%d x '%s' ucs2=%d: %d parts, want %d", t[i].n, t[i].unit, t[i].ucs2,
				 text_sms_parts(s, t[i].ucs2), t[i].parts);
		free(s);
	}
	assert_int_equal(text_sms_parts("ả", 0), -1);
}

static void test_ambiguous(void **state)
{
	(void)state;
	char out[128];
	assert_int_equal(text_ambiguous("Sap co mua lon, de phong vo de", out, sizeof out), 2);
	assert_string_equal(out, "mua lon, vo de");
	assert_int_equal(text_ambiguous("Hop thon luc 19h30", out, sizeof out), 0);
	assert_int_equal(text_ambiguous("bao so 6", out, sizeof out), 1);
	assert_int_equal(text_ambiguous("baobab", out, sizeof out), 0);
}

/* What a head types on a basic phone has no accents; punctuation a
 * keyboard makes typographic does not count; any letter beyond ASCII does. */
static void test_has_accents(void **state)
{
	(void)state;
	assert_false(text_has_accents("Hop thon luc 19h30 tai nha van hoa"));
	assert_false(text_has_accents("Hop \xe2\x80\x93 \xe2\x80\x9cnha van hoa\xe2\x80\x9d\xe2\x80\xa6"));
	assert_false(text_has_accents(""));
	assert_true(text_has_accents("Họp thôn"));
	assert_true(text_has_accents("đi"));
	assert_true(text_has_accents("café"));            /* é is GSM 7-bit, still an accent */
	assert_true(text_has_accents("Hop thon\xcc\x81")); /* a combining mark (NFD) */
	assert_true(text_has_accents("\xce\xb1"));        /* a Greek letter */
}

static void test_notice_check(void **state)
{
	(void)state;
	char err[200];
	char *t = text_notice_check("  Họp thôn\r\nlúc 19h30  ", 100, err, sizeof err);
	assert_non_null(t);
	assert_string_equal(t, "Họp thôn\nlúc 19h30");
	free(t);
	assert_null(text_notice_check("   \n ", 100, err, sizeof err));
	assert_non_null(strstr(err, "empty"));
	assert_null(text_notice_check("ab\xff", 100, err, sizeof err));
	assert_non_null(strstr(err, "UTF-8"));
	assert_null(text_notice_check("a\x01" "b", 100, err, sizeof err));
	assert_non_null(strstr(err, "control"));
	assert_null(text_notice_check("ơơơơ", 3, err, sizeof err));
	assert_non_null(strstr(err, "notice_max_chars"));
	t = text_notice_check("ho\xcc\x82\xcc\xa3", 2, err, sizeof err); /* NFC before counting */
	assert_non_null(t);
	assert_string_equal(t, "hộ");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_utf8), cmocka_unit_test(test_nfc),   cmocka_unit_test(test_strip),
		cmocka_unit_test(test_gsm7),       cmocka_unit_test(test_parts), cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_has_accents),
		cmocka_unit_test(test_notice_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
