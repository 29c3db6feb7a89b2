/* test_incall — the incoming-call indications of every family
 * (modem/incall.c) as a table: line, family -> event, number, id, time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "modem/incall.h"
#include "modem/profile.h"

#include <string.h>

static const struct row {
	int family;
	const char *line;
	enum incall_kind kind;
	const char *number;
	enum incall_id id;
	int foreign, idx, minute;
} rows[] = {
	{ FAMILY_GENERIC, "RING", INCALL_RING, "", 0, 0, -1, -1 },
	{ FAMILY_HUAWEI, "RING", INCALL_RING, "", 0, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CRING: VOICE", INCALL_RING, "", 0, 0, -1, -1 },
	{ FAMILY_QUECTEL, "+CRING: VOICE", INCALL_RING, "", 0, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CRING: FAX", INCALL_NONE, "", 0, 0, -1, -1 },
	{ FAMILY_GENERIC, "RINGING", INCALL_NONE, "", 0, 0, -1, -1 },
	/* caller ID, national and international forms */
	{ FAMILY_GENERIC, "+CLIP: \"0912345678\",129,\"\",,\"\",0", INCALL_CLIP, "+84912345678", INCALL_ID_SHOWN, 0,
	  -1, -1 },
	{ FAMILY_SIMCOM, "+CLIP: \"+84912345678\",145,\"\",,\"\",0", INCALL_CLIP, "+84912345678", INCALL_ID_SHOWN,
	  0, -1, -1 },
	{ FAMILY_HUAWEI, "+CLIP: \"84912345678\",145,,,,0", INCALL_CLIP, "+84912345678", INCALL_ID_SHOWN, 0, -1,
	  -1 },
	{ FAMILY_QUECTEL, "+CLIP: \"0084912345678\",129", INCALL_CLIP, "+84912345678", INCALL_ID_SHOWN, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"01662345678\",129", INCALL_CLIP, "+84362345678", INCALL_ID_SHOWN, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"02033123456\",129,\"\",,\"Ông Tư, xóm 2\",0", INCALL_CLIP, "+842033123456",
	  INCALL_ID_SHOWN, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"+14155550100\",145,\"\",,\"\",0", INCALL_CLIP, "+14155550100", INCALL_ID_SHOWN,
	  1, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"\",128,\"\",,\"\",1", INCALL_CLIP, "", INCALL_ID_WITHHELD, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"\",128,\"\",,\"\",2", INCALL_CLIP, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"\",129", INCALL_CLIP, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"Viettel\",208", INCALL_CLIP, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP: \"0912345678", INCALL_CLIP, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CLIP:", INCALL_CLIP, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	/* SIMCom's missed call */
	{ FAMILY_SIMCOM, "MISSED_CALL: 10:36AM 0912345678", INCALL_MISSED, "+84912345678", INCALL_ID_SHOWN, 0, -1,
	  636 },
	{ FAMILY_SIMCOM, "MISSED_CALL: 12:05AM +84987654321", INCALL_MISSED, "+84987654321", INCALL_ID_SHOWN, 0,
	  -1, 5 },
	{ FAMILY_SIMCOM, "MISSED_CALL: 03:04PM 0912345678", INCALL_MISSED, "+84912345678", INCALL_ID_SHOWN, 0, -1,
	  904 },
	{ FAMILY_SIMCOM, "MISSED_CALL: 0912345678", INCALL_MISSED, "+84912345678", INCALL_ID_SHOWN, 0, -1, -1 },
	{ FAMILY_SIMCOM, "MISSED_CALL: 13:04PM 0912345678", INCALL_MISSED, "", INCALL_ID_UNAVAILABLE, 0, -1, -1 },
	{ FAMILY_SIMCOM, "MISSED_CALL: 10:36AM", INCALL_MISSED, "", INCALL_ID_UNAVAILABLE, 0, -1, 636 },
	{ FAMILY_HUAWEI, "MISSED_CALL: 10:36AM 0912345678", INCALL_NONE, "", 0, 0, -1, -1 },
	/* answer and end, per family */
	{ FAMILY_HUAWEI, "^CONN:1,0", INCALL_ANSWERED, "", 0, 0, 1, -1 },
	{ FAMILY_HUAWEI, "^CEND:1,12,104,16", INCALL_ENDED, "", 0, 0, 1, -1 },
	{ FAMILY_HUAWEI, "^CONF:1", INCALL_NONE, "", 0, 0, 1, -1 },
	{ FAMILY_SIMCOM, "VOICE CALL: BEGIN", INCALL_ANSWERED, "", 0, 0, -1, -1 },
	{ FAMILY_SIMCOM, "VOICE CALL: END: 000012", INCALL_ENDED, "", 0, 0, -1, -1 },
	{ FAMILY_QUECTEL, "+QIND: \"ccinfo\",1,1,4,0,0,\"0912345678\",129", INCALL_ALERTING, "", 0, 0, 1, -1 },
	{ FAMILY_QUECTEL, "+QIND: \"ccinfo\",1,1,0,0,0,\"0912345678\",129", INCALL_ANSWERED, "", 0, 0, 1, -1 },
	{ FAMILY_QUECTEL, "+QIND: \"ccinfo\",1,1,-1,0,0,\"0912345678\",129", INCALL_ENDED, "", 0, 0, 1, -1 },
	{ FAMILY_QUECTEL, "+QIND: \"ccinfo\",2,0,0,0,0,\"0912345678\",129", INCALL_NONE, "", 0, 0, 2, -1 },
	{ FAMILY_GENERIC, "+CLCC: 1,1,4,0,0,\"0912345678\",129", INCALL_ALERTING, "", 0, 0, 1, -1 },
	{ FAMILY_SIMCOM, "+CLCC: 1,1,0,0,0,\"0912345678\",129", INCALL_ANSWERED, "", 0, 0, 1, -1 },
	{ FAMILY_SIMCOM, "+CLCC: 1,1,6,0,0,\"0912345678\",129", INCALL_ENDED, "", 0, 0, 1, -1 },
	{ FAMILY_GENERIC, "+CLCC: 1,0,3,0,0,\"0912345678\",129", INCALL_NONE, "", 0, 0, 1, -1 },
	{ FAMILY_GENERIC, "NO CARRIER", INCALL_ENDED, "", 0, 0, -1, -1 },
	{ FAMILY_GENERIC, "+CMTI: \"SM\",3", INCALL_NONE, "", 0, 0, -1, -1 },
	{ FAMILY_GENERIC, "", INCALL_NONE, "", 0, 0, -1, -1 },
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct incall_ev ev;
		enum incall_kind k = incall_parse(profile_for(r->family), r->line, &ev);
		if (k != r->kind || ev.kind != k || strcmp(ev.number, r->number) ||
		    (k == INCALL_CLIP || k == INCALL_MISSED ? ev.id != r->id || ev.foreign != r->foreign : 0) ||
		    ev.idx != r->idx || ev.minute != r->minute)
			fail_msg("row %zu (%s, %s): got %s number '%s' id %d foreign %d idx %d minute %d", i,
				 profile_name(r->family), r->line, incall_kind_name(k), ev.number, ev.id, ev.foreign,
				 ev.idx, ev.minute);
	}
}

static void test_time(void **state)
{
	(void)state;
	assert_int_equal(incall_parse_time("10:36AM"), 636);
	assert_int_equal(incall_parse_time("10:36 PM"), 22 * 60 + 36);
	assert_int_equal(incall_parse_time("12:00PM"), 720);
	assert_int_equal(incall_parse_time("12:00AM"), 0);
	assert_int_equal(incall_parse_time("22:36"), 22 * 60 + 36);
	assert_int_equal(incall_parse_time("22:36:59"), 22 * 60 + 36);
	assert_int_equal(incall_parse_time("24:00"), -1);
	assert_int_equal(incall_parse_time("0:60"), -1);
	assert_int_equal(incall_parse_time("00:30AM"), -1);
	assert_int_equal(incall_parse_time("10:3AM"), -1);
	assert_int_equal(incall_parse_time("10:36XM"), -1);
	assert_int_equal(incall_parse_time(""), -1);
}

static void test_number(void **state)
{
	(void)state;
	char out[24];
	assert_int_equal(incall_number("0912 345 678", 129, out, sizeof out), 0);
	assert_string_equal(out, "+84912345678");
	assert_int_equal(incall_number("+84912345678", 129, out, sizeof out), 0);
	assert_string_equal(out, "+84912345678");
	assert_int_equal(incall_number("0014155550100", 129, out, sizeof out), 1);
	assert_string_equal(out, "+14155550100");
	assert_int_equal(incall_number("1900", 129, out, sizeof out), 0);
	assert_string_equal(out, "1900");
	assert_int_equal(incall_number("", 129, out, sizeof out), -1);
	assert_int_equal(incall_number("09x", 129, out, sizeof out), -1);
	assert_int_equal(incall_number("123456789012345678901234567", 129, out, sizeof out), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_number),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
