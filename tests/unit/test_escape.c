/* test_escape — util_escape_ctl, what reaches a log line from outside (modem bytes, SMS
 * texts): control bytes and broken UTF-8 come out as \xNN, Vietnamese
 * text unchanged, and the output never overflows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util.h"

#include <string.h>

static void test_escape(void **state)
{
	(void)state;
	char out[256];
	util_escape_ctl("+CMTI: \"SM\",3", out, sizeof out);
	assert_string_equal(out, "+CMTI: \"SM\",3");
	util_escape_ctl("Thông báo họp thôn", out, sizeof out);
	assert_string_equal(out, "Thông báo họp thôn");
	/* a lone 0xff, ESC and a terminal escape sequence from a modem */
	util_escape_ctl("a\xff" "b\x1b[2Jc\x7f", out, sizeof out);
	assert_string_equal(out, "a\\xffb\\x1b[2Jc\\x7f");
	/* truncated and overlong sequences, a surrogate */
	util_escape_ctl("\xc3", out, sizeof out);
	assert_string_equal(out, "\\xc3");
	util_escape_ctl("\xc0\xaf|\xed\xa0\x80", out, sizeof out);
	assert_string_equal(out, "\\xc0\\xaf|\\xed\\xa0\\x80");
	/* a small buffer: cut at a whole character, still terminated */
	char small[6];
	util_escape_ctl("ab\x01" "cd", small, sizeof small);
	assert_string_equal(small, "ab");
	util_escape_ctl("ôô", small, sizeof small);
	assert_string_equal(small, "ôô");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_escape) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
