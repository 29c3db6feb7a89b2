/* test_ussd — +CUSD lines as modems send them (plain, GSM 7-bit packed as
 * hex, UCS2 as hex, with and without a dcs, broken), what each decodes to,
 * and the AT+CUSD command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "modem/ussd.h"

#include <string.h>

static void test_parse(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int rc, m, dcs;
		enum ussd_enc enc;
		const char *text;
	} rows[] = {
		/* plain text (the modem decoded it) */
		{ "+CUSD: 0,\"TK goc: 12.345d, HSD: 31/12/2026\",15", 0, 0, 15, USSD_ENC_PLAIN,
		  "TK goc: 12.345d, HSD: 31/12/2026" },
		{ "+CUSD: 0,\"TKC 12345 d, het han 01-01-2027\",15\r\n", 0, 0, 15, USSD_ENC_PLAIN,
		  "TKC 12345 d, het han 01-01-2027" },
		{ "  +CUSD:1,\"1. Nap the\n2. Tra cuu\",15", 0, 1, 15, USSD_ENC_PLAIN, "1. Nap the\n2. Tra cuu" },
		{ "+CUSD: 0,\"Số dư tài khoản chính: 20.000đ\",72", 0, 0, 72, USSD_ENC_PLAIN,
		  "Số dư tài khoản chính: 20.000đ" },
		/* GSM 7-bit packed, as hex; 31 characters end in a CR pad */
		{ "+CUSD: 0,\"D425E8FC1EEB4031996B46AB915920E494A803CD62AF98EC2583C96C\",15", 0, 0, 15,
		  USSD_ENC_GSM7, "TK goc: 12.345d, HSD: 31/12/2026" },
		{ "+CUSD: 0,\"D4E5101493CD68351099054297E92074D80D82C55AB0584B0693DD1A\",15", 0, 0, 15,
		  USSD_ENC_GSM7, "TKC 12345 d, het han 01-01-2027" },
		{ "+CUSD: 2,\"d337885c075197a0313aed4683d861504ce69ad16a20ab9308\",0", 0, 2, 0, USSD_ENC_GSM7,
		  "So du TK chinh la 12.345 VND" },
		/* UCS2, as hex: dcs 72, 0x11, or no dcs at all */
		{ "+CUSD: 0,\"00531ED10020006401B00020007400E000690020006B0068006F1EA3006E00200063006800ED006E"
		  "0068003A002000320030002E0030003000300111\",72",
		  0, 0, 72, USSD_ENC_UCS2, "Số dư tài khoản chính: 20.000đ" },
		{ "+CUSD: 0,\"0054004B004300200035002E0030003000300111\",17", 0, 0, 17, USSD_ENC_UCS2,
		  "TKC 5.000đ" },
		{ "+CUSD: 0,\"0051007500FD0020006B006800E100630068\"", 0, 0, -1, USSD_ENC_UCS2, "Quý khách" },
		/* UCS2 hex although the dcs says GSM 7-bit (AT+CSCS="UCS2") */
		{ "+CUSD: 0,\"0054004B004300200035002E0030003000300111\",15", 0, 0, 15, USSD_ENC_UCS2,
		  "TKC 5.000đ" },
		/* a surrogate pair */
		{ "+CUSD: 0,\"0054004B0043002000310030003000640020D83DDE00\",72", 0, 0, 72, USSD_ENC_UCS2, "TKC 100d 😀" },
		/* hex-looking but not text: kept as it is */
		{ "+CUSD: 0,\"123456\",15", 0, 0, 15, USSD_ENC_PLAIN, "123456" },
		{ "+CUSD: 0,\"00000000\",72", 0, 0, 72, USSD_ENC_PLAIN, "00000000" },
		{ "+CUSD: 0,\"D800\",72", 0, 0, 72, USSD_ENC_PLAIN, "D800" },
		/* 8-bit data */
		{ "+CUSD: 0,\"544B432031323334\",68", 0, 0, 68, USSD_ENC_8BIT, "TKC 1234" },
		/* no string, other m values */
		{ "+CUSD: 2", 0, 2, -1, USSD_ENC_NONE, "" },
		{ "+CUSD: 4", 0, 4, -1, USSD_ENC_NONE, "" },
		{ "+CUSD: 5\r", 0, 5, -1, USSD_ENC_NONE, "" },
		{ "+CUSD: 1,\"\",15", 0, 1, 15, USSD_ENC_PLAIN, "" },
		{ "+CUSD: 0, ", 0, 0, -1, USSD_ENC_NONE, "" }, /* found by fuzz_ussd */
		/* unquoted, unterminated, a quote inside */
		{ "+CUSD: 0,TKC 100d, HSD 1/1/2027,15", 0, 0, 15, USSD_ENC_PLAIN, "TKC 100d, HSD 1/1/2027" },
		{ "+CUSD: 0,\"TKC 100d", 0, 0, -1, USSD_ENC_PLAIN, "TKC 100d" },
		{ "+CUSD: 0,\"Goi \"MAX\" con 2 ngay\",15", 0, 0, 15, USSD_ENC_PLAIN, "Goi \"MAX\" con 2 ngay" },
		/* CR LF inside, a control byte, bad UTF-8 */
		{ "+CUSD: 0,\"a\r\nb\x01\xff\",15", 0, 0, 15, USSD_ENC_PLAIN, "a\nb ?" },
		/* not a +CUSD answer */
		{ "+CUSD: 6,\"x\",15", -1, 0, -1, USSD_ENC_NONE, "" },
		{ "+CUSD: x", -1, 0, -1, USSD_ENC_NONE, "" },
		{ "+CUSD:", -1, 0, -1, USSD_ENC_NONE, "" },
		{ "+CUSD: 0 \"x\"", -1, 0, -1, USSD_ENC_NONE, "" },
		{ "+CMGS: 12", -1, 0, -1, USSD_ENC_NONE, "" },
		{ "", -1, 0, -1, USSD_ENC_NONE, "" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct ussd_reply r;
		int rc = ussd_parse(rows[i].line, &r);
		if (rc != rows[i].rc)
			fail_msg("row %zu: rc %d, want %d", i, rc, rows[i].rc);
		if (rc != 0)
			continue;
		if ((int)r.m != rows[i].m || r.dcs != rows[i].dcs || r.enc != rows[i].enc ||
		    strcmp(r.text, rows[i].text) != 0)
			fail_msg("row %zu: m %d dcs %d %s '%s', want m %d dcs %d %s '%s'", i, r.m, r.dcs,
				 ussd_enc_name(r.enc), r.text, rows[i].m, rows[i].dcs, ussd_enc_name(rows[i].enc),
				 rows[i].text);
	}
}

static void test_gsm7_alphabet(void **state)
{
	(void)state;
	char out[64];
	/* the extension table: "Gia 5€ {KM} tai Ha Noi" */
	const char *e = "C7741854DB94411BD4B2B94981E8E13408190639DF69";
	assert_int_equal(ussd_decode(e, strlen(e), 15, out, sizeof out), USSD_ENC_GSM7);
	assert_string_equal(out, "Gia 5€ {KM} tai Ha Noi");
	/* "Hello" packed, then "1234567" padded with CR to 8 septets */
	assert_int_equal(ussd_decode("C8329BFD06", 10, 15, out, sizeof out), USSD_ENC_GSM7);
	assert_string_equal(out, "Hello");
	assert_int_equal(ussd_decode("31D98C56B3DD1A", 14, 15, out, sizeof out), USSD_ENC_GSM7);
	assert_string_equal(out, "1234567");
	/* the output is cut at a character, never in one */
	char small[8];
	const char *u = "00531ED10020006401B0"; /* "Số dư" */
	assert_int_equal(ussd_decode(u, strlen(u), 72, small, sizeof small), USSD_ENC_UCS2);
	assert_string_equal(small, "Số d");
	assert_true(text_valid_utf8(small, strlen(small), NULL));
	assert_int_equal(ussd_decode("abc", 3, 15, small, 0), USSD_ENC_NONE);
}

static void test_command(void **state)
{
	(void)state;
	char buf[64];
	assert_int_equal(ussd_command(buf, sizeof buf, "*101#", 15), 0);
	assert_string_equal(buf, "AT+CUSD=1,\"*101#\",15");
	assert_int_equal(ussd_command(buf, sizeof buf, "*102*1#", 72), 0);
	assert_string_equal(buf, "AT+CUSD=1,\"*102*1#\",72");
	assert_int_equal(ussd_command(buf, sizeof buf, "", 15), -1);
	assert_int_equal(ussd_command(buf, sizeof buf, "*101#\";ATD1", 15), -1);
	assert_int_equal(ussd_command(buf, sizeof buf, "*101#", 256), -1);
	assert_int_equal(ussd_command(buf, 10, "*101#", 15), -1);
	assert_string_equal(ussd_enc_name(USSD_ENC_UCS2), "ucs2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_gsm7_alphabet),
		cmocka_unit_test(test_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
