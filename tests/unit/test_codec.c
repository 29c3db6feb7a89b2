/* test_codec — SMS PDU round trips through libgammu: UCS-2 and GSM 7-bit,
 * multipart with our own concatenation reference, the '?' trap, status
 * reports, deliver PDUs with and without the SMSC prefix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "modem/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *VI = "Thông báo khẩn: mưa lớn, nguy cơ vỡ đê. Bà con thôn Tân Lợi di chuyển đến nhà văn hóa trước 17h.";

/* Decodes every part of a submit and joins the texts in part order. */
static void join_parts(const struct codec_submit *m, char *out, size_t cap, int *ref, int *coding)
{
	out[0] = '\0';
	for (int i = 0; i < m->n; i++) {
		struct codec_sms s;
		assert_int_equal(codec_decode(m->part[i].hex, m->part[i].tpdu_len, &s), CODEC_OK);
		assert_int_equal(s.kind, CODEC_SUBMIT);
		assert_int_equal(s.part, i + 1);
		assert_int_equal(s.parts, m->n);
		assert_string_equal(s.number, "+84912345678");
		*ref = s.ref;
		*coding = (int)s.coding;
		strncat(out, s.text, cap - strlen(out) - 1);
	}
}

static void test_ucs2_single(void **state)
{
	(void)state;
	struct codec_submit m;
	assert_int_equal(codec_encode_submit("Họp thôn 19h tối nay", "+84912345678", CODEC_UCS2, 7, 6, 1, &m), CODEC_OK);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.ref, 0);
	/* "00" SMSC, first octet with TP-SRR (0x20) and TP-VPF relative */
	assert_memory_equal(m.part[0].hex, "00", 2);
	unsigned fo;
	sscanf(m.part[0].hex + 2, "%2X", &fo);
	assert_true(fo & 0x20);
	assert_int_equal((int)strlen(m.part[0].hex), 2 + 2 * m.part[0].tpdu_len);
	/* a reply to a short code asks for no report: nothing would match it */
	struct codec_submit r;
	assert_int_equal(codec_encode_submit("Ma xac nhan: 4821", "+84912345678", CODEC_GSM7, 7, 6, 0, &r), CODEC_OK);
	sscanf(r.part[0].hex + 2, "%2X", &fo);
	assert_false(fo & 0x20);
	assert_int_equal(fo & 0x03, 0x01); /* still an SMS-SUBMIT */
	char txt[1024];
	int ref, coding;
	join_parts(&m, txt, sizeof txt, &ref, &coding);
	assert_string_equal(txt, "Họp thôn 19h tối nay");
	assert_int_equal(coding, CODEC_UCS2);
}

static void test_ucs2_multipart(void **state)
{
	(void)state;
	struct codec_submit m;
	assert_int_equal(codec_encode_submit(VI, "+84912345678", CODEC_UCS2, 200, 6, 1, &m), CODEC_OK);
	assert_int_equal(m.n, text_sms_parts(VI, 1));
	assert_true(m.n >= 2);
	assert_int_equal(m.ref, 200);
	char txt[2048];
	int ref, coding;
	join_parts(&m, txt, sizeof txt, &ref, &coding);
	assert_string_equal(txt, VI);
	assert_int_equal(ref, 200);
}

static void test_gsm7_multipart_and_counts(void **state)
{
	(void)state;
	char *s = text_strip(VI, NULL);
	char buf[1200];
	snprintf(buf, sizeof buf, "%s %s", s, s); /* > 160 septets */
	free(s);
	struct codec_submit m;
	assert_int_equal(codec_encode_submit(buf, "+84912345678", CODEC_GSM7, 9, 6, 1, &m), CODEC_OK);
	assert_int_equal(m.n, text_sms_parts(buf, 0));
	assert_int_equal(m.n, 2);
	char txt[2048];
	int ref, coding;
	join_parts(&m, txt, sizeof txt, &ref, &coding);
	assert_string_equal(txt, buf);
	assert_int_equal(coding, CODEC_GSM7);
	assert_int_equal(ref, 9);
	/* extension-table characters survive */
	assert_int_equal(codec_encode_submit("gia {100} [a] ~ | \\ ^ €", "+84912345678", CODEC_GSM7, 1, 6, 1, &m),
			 CODEC_OK);
	join_parts(&m, txt, sizeof txt, &ref, &coding);
	assert_string_equal(txt, "gia {100} [a] ~ | \\ ^ €");
}

static void test_gsm7_trap(void **state)
{
	(void)state;
	struct codec_submit m;
	/* libgammu would send "m?a l?n": refused instead */
	assert_int_equal(codec_encode_submit("mưa lớn", "+84912345678", CODEC_GSM7, 1, 6, 1, &m), CODEC_ENOTGSM7);
	assert_int_equal(codec_encode_submit("x", "0912x", CODEC_UCS2, 1, 6, 1, &m), CODEC_EINVAL);
	assert_int_equal(codec_encode_submit("", "+84912345678", CODEC_UCS2, 1, 6, 1, &m), CODEC_EINVAL);
	assert_int_equal(codec_encode_submit(VI, "+84912345678", CODEC_UCS2, 1, 1, 1, &m), CODEC_ETOOLONG);
}

static void test_refs_unique_same_second(void **state)
{
	(void)state;
	/* Encoded within the same second: libgammu would give both the same
	 * reference; ours must be the ones we passed. */
	struct codec_submit a, b;
	assert_int_equal(codec_encode_submit(VI, "+84912345678", CODEC_UCS2, 11, 6, 1, &a), CODEC_OK);
	assert_int_equal(codec_encode_submit(VI, "+84912345678", CODEC_UCS2, 12, 6, 1, &b), CODEC_OK);
	struct codec_sms sa, sb;
	assert_int_equal(codec_decode(a.part[0].hex, a.part[0].tpdu_len, &sa), CODEC_OK);
	assert_int_equal(codec_decode(b.part[0].hex, b.part[0].tpdu_len, &sb), CODEC_OK);
	assert_int_equal(sa.ref, 11);
	assert_int_equal(sb.ref, 12);
	assert_string_not_equal(a.part[0].hex, b.part[0].hex);
}

static void test_deliver_roundtrip(void **state)
{
	(void)state;
	char hex[CODEC_HEX_MAX];
	int len;
	int64_t t = 1796090400; /* 2026-12-01 02:00 UTC */
	assert_int_equal(codec_encode_deliver("Đã nhận", "+84987654321", CODEC_UCS2, 0, 1, 1, t, hex, sizeof hex, &len),
			 CODEC_OK);
	struct codec_sms s;
	assert_int_equal(codec_decode(hex, len, &s), CODEC_OK);
	assert_int_equal(s.kind, CODEC_DELIVER);
	assert_string_equal(s.number, "+84987654321");
	assert_string_equal(s.text, "Đã nhận");
	assert_int_equal(s.parts, 1);
	assert_true(s.scts_s == t);
	/* the same PDU without its SMSC prefix ("00") */
	assert_int_equal(codec_decode(hex + 2, len, &s), CODEC_OK);
	assert_string_equal(s.text, "Đã nhận");
	/* multipart part 2/3 ref 77, GSM 7-bit */
	assert_int_equal(codec_encode_deliver("DK 1", "0987654321", CODEC_GSM7, 77, 2, 3, t, hex, sizeof hex, &len),
			 CODEC_OK);
	assert_int_equal(codec_decode(hex, len, &s), CODEC_OK);
	assert_int_equal(s.ref, 77);
	assert_int_equal(s.part, 2);
	assert_int_equal(s.parts, 3);
	assert_string_equal(s.text, "DK 1");
	/* length that matches neither form */
	assert_int_equal(codec_decode(hex, len + 5, &s), CODEC_EPDU);
	assert_int_equal(codec_decode("0G", -1, &s), CODEC_EPDU);
	assert_int_equal(codec_decode("", -1, &s), CODEC_EPDU);
}

static void test_status_report(void **state)
{
	(void)state;
	/* SMS-STATUS-REPORT: SMSC none, first octet 06, MR 0x2A, RA +84912345678,
	 * SCTS and DT 2026-12-01 09:00:00 +07, ST 00 (delivered) */
	const char *pdu = "00"
			  "06"
			  "2A"
			  "0B914819325476F8"
			  "62201090000082"
			  "62201090000582"
			  "00";
	struct codec_sms s;
	assert_int_equal(codec_decode(pdu, (int)(strlen(pdu) / 2 - 1), &s), CODEC_OK);
	assert_int_equal(s.kind, CODEC_STATUS);
	assert_int_equal(s.mr, 42);
	assert_string_equal(s.number, "+84912345678");
	assert_int_equal(s.status, 0);
	assert_int_equal(codec_report_class(s.status), CODEC_REPORT_DELIVERED);
	assert_int_equal(codec_report_class(0x21), CODEC_REPORT_PENDING);
	assert_int_equal(codec_report_class(0x41), CODEC_REPORT_FAILED);
	assert_int_equal(codec_report_class(0x63), CODEC_REPORT_FAILED);
	/* failed: ST 0x41 */
	char bad[128];
	snprintf(bad, sizeof bad, "%.*s41", (int)strlen(pdu) - 2, pdu);
	assert_int_equal(codec_decode(bad, -1, &s), CODEC_OK);
	assert_int_equal(s.status, 0x41);
}

/* Found by fuzz_pdu: lengths libgammu trusts and overflows its stack on. */
static void test_hostile_pdus(void **state)
{
	(void)state;
	struct codec_sms s;
	char hex[600];
	/* SMSC length 123 */
	strcpy(hex, "7B8E");
	for (int i = 0; i < 120; i++)
		strcat(hex, "31");
	assert_int_equal(codec_decode(hex, -1, &s), CODEC_EPDU);
	/* originator address of 0x7F digits */
	assert_int_equal(codec_decode("00047F914819325476F80000622011000000820441F4F21C", -1, &s), CODEC_EPDU);
	/* UDL beyond the octets present */
	assert_int_equal(codec_decode("00040B914819325476F800006220110000008299F4F21C", -1, &s), CODEC_EPDU);
	/* UDH longer than the user data */
	assert_int_equal(codec_decode("00440B914819325476F80008622011000000820409000341", -1, &s), CODEC_EPDU);
	/* a status report with a long optional tail: decoded from its
	 * mandatory fields only */
	strcpy(hex, "00062A0B914819325476F862201090000082622010900005820007FF");
	for (int i = 0; i < 100; i++)
		strcat(hex, "5A");
	assert_int_equal(codec_decode(hex, -1, &s), CODEC_OK);
	assert_int_equal(s.mr, 42);
	assert_int_equal(s.status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ucs2_single),
		cmocka_unit_test(test_ucs2_multipart),
		cmocka_unit_test(test_gsm7_multipart_and_counts),
		cmocka_unit_test(test_gsm7_trap),
		cmocka_unit_test(test_refs_unique_same_second),
		cmocka_unit_test(test_deliver_roundtrip),
		cmocka_unit_test(test_status_report),
		cmocka_unit_test(test_hostile_pdus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
