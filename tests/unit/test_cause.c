/* test_cause — every raw cause Loa records turns into officers' words in
 * both languages: a table of the strings the gateway and the store write
 * (their exact words, from modem/submit.c, modem/call.c, drv_sms_in.c,
 * drv_voice.c, store_sms.c, store_call.c), every row of modem/cms.c's
 * table, the states said without a cause, joined causes, and the generic
 * phrase with the raw text for what is not listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "domain/cause.h"
#include "modem/cms.h"

#include <stdio.h>
#include <string.h>

static void check(const char *state, const char *raw, const char *vi, const char *en)
{
	char b[512];
	cause_words(state, raw, CAUSE_VI, b, sizeof b);
	if (strcmp(b, vi) != 0)
		fail_msg("[%s] '%s' -> vi '%s', want '%s'", state, raw, b, vi);
	cause_words(state, raw, CAUSE_EN, b, sizeof b);
	if (strcmp(b, en) != 0)
		fail_msg("[%s] '%s' -> en '%s', want '%s'", state, raw, b, en);
}

static void test_table(void **state)
{
	(void)state;
	static const struct {
		const char *state, *raw, *vi, *en;
	} t[] = {
		/* status reports (drv_sms_in.c) */
		{ "failed", "status report: failed (ST=0x46)", "Máy tắt hoặc ngoài vùng phủ sóng quá lâu",
		  "Phone off or out of coverage too long" },
		{ "failed", "status report: failed (ST=0x43)", "Số không tồn tại", "The number does not exist" },
		{ "failed", "status report: failed (ST=0x41)", "Số không tồn tại", "The number does not exist" },
		{ "failed", "status report: failed (ST=0x42)", "Máy người nhận không nhận tin",
		  "The phone did not accept the message" },
		{ "failed", "status report: failed (ST=0x62)", "Máy người nhận không nhận tin",
		  "The phone did not accept the message" },
		{ "failed", "status report: failed (ST=0x48)", "Nhà mạng đã xoá tin trước khi đến máy",
		  "The carrier deleted the message before it reached the phone" },
		{ "failed", "status report: failed (ST=0x60)", "Mạng lỗi hoặc quá tải",
		  "The network failed or was congested" },
		{ "failed", "status report: failed (ST=0x7F)", "Nhà mạng báo không gửi được đến máy",
		  "The carrier could not reach the phone" },
		{ "delivered", "status report: delivered (ST=0x00)", "Đã nhận", "Delivered" },
		/* submits (submit.c) */
		{ "failed", "+CMS ERROR 21: short message transfer rejected",
		  "SIM của Loa bị từ chối gửi — kiểm tra tài khoản",
		  "Loa's SIM was refused — check its credit and account" },
		{ "failed", "+CMS ERROR 1: unassigned (unallocated) number", "Số không tồn tại",
		  "The number does not exist" },
		{ "failed", "+CMS ERROR 30: unknown subscriber", "Số không tồn tại", "The number does not exist" },
		{ "failed", "+CMS ERROR 8: operator determined barring", "Số bị nhà mạng chặn",
		  "The number is barred by the carrier" },
		{ "failed", "+CMS ERROR 22: memory capacity exceeded", "Máy người nhận đầy bộ nhớ",
		  "The phone's memory is full" },
		{ "failed", "+CMS ERROR 27: destination out of service", "Máy tắt hoặc ngoài vùng phủ sóng",
		  "Phone off or out of coverage" },
		{ "failed", "+CMS ERROR 41: temporary failure (retries spent)", "Lỗi tạm thời (đã thử hết số lần)",
		  "A temporary error (retries spent)" },
		{ "failed", "+CMS ERROR 42: congestion (retries spent)", "Mạng lỗi hoặc quá tải (đã thử hết số lần)",
		  "The network failed or was congested (retries spent)" },
		{ "failed", "+CMS ERROR 304: invalid PDU mode parameter",
		  "Nhà mạng không nhận tin Loa tạo — báo người quản trị",
		  "The network refused the message Loa built — tell the administrator" },
		{ "failed", "+CMS ERROR 311: SIM PIN required",
		  "SIM của Loa có vấn đề (không có SIM, mã PIN, nhà mạng khoá)",
		  "Loa's SIM has a problem (missing, PIN, locked by the carrier)" },
		{ "queued", "modem answered +CME ERROR 30: no network service", "Mạng lỗi hoặc quá tải",
		  "The network failed or was congested" },
		{ "queued", "modem answered ERROR", "Lỗi modem", "A modem problem" },
		{ "failed", "+CMS ERROR: 38", "Mạng lỗi hoặc quá tải", "The network failed or was congested" },
		{ "failed", "+CMS ERROR 21", "SIM của Loa bị từ chối gửi — kiểm tra tài khoản",
		  "Loa's SIM was refused — check its credit and account" },
		{ "queued", "no prompt from the modem", "Lỗi modem", "A modem problem" },
		{ "queued", "modem answered OK before the PDU was sent", "Lỗi modem", "A modem problem" },
		{ "uncertain", "no answer from the modem after the message was handed over; not re-sent",
		  "Không rõ đã gửi chưa (mất liên lạc với modem), không gửi lại",
		  "Unknown whether it was sent (the modem was lost); not sent again" },
		{ "uncertain", "modem port lost after the message was handed over; not re-sent",
		  "Không rõ đã gửi chưa (mất liên lạc với modem), không gửi lại",
		  "Unknown whether it was sent (the modem was lost); not sent again" },
		{ "uncertain", "answer lost: the daemon stopped while sending (not re-sent)",
		  "Không rõ đã gửi chưa (mất liên lạc với modem), không gửi lại",
		  "Unknown whether it was sent (the modem was lost); not sent again" },
		{ "queued", "modem port lost before sending", "Loa dừng khi đang gửi, sẽ gửi lại",
		  "Loa stopped while sending; sent again" },
		{ "queued", "daemon stopping", "Loa dừng khi đang gửi, sẽ gửi lại", "Loa stopped while sending; sent again" },
		{ "failed", "the notice needs more than sms.max_parts = 3 SMS parts", "Tin quá dài",
		  "The message is too long" },
		{ "failed", "cannot encode for +84912345678: bad", "Nhà mạng không nhận tin Loa tạo — báo người quản trị",
		  "The network refused the message Loa built — tell the administrator" },
		/* the store (store_sms.c, store_call.c) */
		{ "expired", "not sent within sms.expire_h", "Quá hạn, chưa gửi được", "Not sent in time" },
		{ "queued", "modem m2 is gone: sent whole again from another modem", "Gửi lại từ modem khác",
		  "Sent again from another modem" },
		{ "queued", "parts of an earlier sending from another modem may also be on the phone",
		  "Máy có thể còn vài phần tin của lần gửi trước", "The phone may also hold parts of an earlier sending" },
		{ "unreached", "no modem could call", "Không có modem nào gọi được", "No modem could make the call" },
		{ "unreached", "not called again within voice.expire_h", "Quá hạn, chưa gọi lại được",
		  "Not called again in time" },
		{ "queued", "daemon stopped during the call", "Loa dừng trong lúc gọi", "Loa stopped during the call" },
		{ "unreached", "the daemon stopped during the call", "Loa dừng trong lúc gọi",
		  "Loa stopped during the call" },
		{ "uncertain", "daemon stopped", "Không rõ đã gửi chưa (mất liên lạc với modem), không gửi lại",
		  "Unknown whether it was sent (the modem was lost); not sent again" },
		{ "failed", "speech failed: espeak-ng", "Không tạo được giọng đọc thông báo",
		  "The notice could not be read aloud" },
		/* calls (call.c, drv_voice.c) */
		{ "unreached", "busy", "Máy bận", "Line busy" },
		{ "unreached", "no answer", "Không nghe máy", "No answer" },
		{ "unreached", "no answer within [voice] ring_timeout_s", "Không nghe máy", "No answer" },
		{ "unreached", "call rejected", "Người nhận từ chối cuộc gọi", "The call was rejected" },
		{ "unreached", "network cause 1", "Số không tồn tại", "The number does not exist" },
		{ "unreached", "network cause 20", "Máy tắt hoặc ngoài vùng phủ sóng", "Phone off or out of coverage" },
		{ "unreached", "network cause 34", "Mạng lỗi hoặc quá tải", "The network failed or was congested" },
		{ "unreached", "network cause 99", "Cuộc gọi không thành", "The call did not go through" },
		{ "queued", "modem refused the dial: ERROR", "Modem không gọi được — kiểm tra SIM và tài khoản",
		  "The modem could not dial — check its SIM and credit" },
		{ "queued", "modem port lost during the call", "Mất liên lạc với modem trong cuộc gọi",
		  "The modem was lost during the call" },
		{ "unreached", "call ended before it was answered", "Cuộc gọi kết thúc trước khi nghe máy",
		  "The call ended before it was answered" },
		{ "unreached", "hung up before the end of the notice", "Nghe máy nhưng tắt trước khi hết thông báo",
		  "Answered, but hung up before the end" },
		{ "failed", "speech unavailable: espeak-ng missing", "Không tạo được giọng đọc thông báo",
		  "The notice could not be read aloud" },
		{ "failed", "call prompt greeting cannot be loaded", "Không tạo được giọng đọc thông báo",
		  "The notice could not be read aloud" },
		/* no cause: the state says it */
		{ "sent", "", "Chưa có báo cáo đã nhận", "No delivery report yet" },
		{ "queued", "", "Đang gửi", "Still being sent" },
		{ "uncertain", "", "Không rõ đã gửi chưa", "Unknown whether it was sent" },
		{ "cancelled", "", "Đã huỷ", "Cancelled" },
		{ "failed", "", "Không gửi được", "Not sent" },
		{ "delivered", "", "", "" },
		/* the visit list: a household's channels joined */
		{ "failed,unreached", "status report: failed (ST=0x46); busy",
		  "Máy tắt hoặc ngoài vùng phủ sóng quá lâu; Máy bận", "Phone off or out of coverage too long; Line busy" },
		{ "sent,unreached", "no answer", "Không nghe máy; Chưa có báo cáo đã nhận",
		  "No answer; No delivery report yet" },
		{ "unreached,unreached", "busy; busy", "Máy bận", "Line busy" },
		/* unknown: the generic phrase and the raw text */
		{ "failed", "something new", "Lỗi khác: something new", "Other problem: something new" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		check(t[i].state, t[i].raw, t[i].vi, t[i].en);
}

/* Every row of modem/cms.c, as submit.c writes it, maps to a listed row. */
static void test_every_cms_code(void **state)
{
	(void)state;
	const struct cause *c;
	for (unsigned i = 0; (c = cms_row(i)) != NULL; i++) {
		char raw[160];
		if (c->cme)
			snprintf(raw, sizeof raw, "modem answered +CME ERROR %d: %s", c->code, c->text);
		else
			snprintf(raw, sizeof raw, "+CMS ERROR %d: %s", c->code, c->text);
		if (cause_classify(raw) < 0)
			fail_msg("unmapped: %s", raw);
		char vi[256], en[256];
		cause_words("failed", raw, CAUSE_VI, vi, sizeof vi);
		cause_words("failed", raw, CAUSE_EN, en, sizeof en);
		assert_true(vi[0] && en[0]);
		assert_null(strstr(vi, "Lỗi khác"));
	}
	/* unlisted codes too */
	assert_true(cause_classify("+CMS ERROR 777: unlisted error") >= 0);
	assert_true(cause_classify("+CME ERROR 515: unlisted error") >= 0);
}

/* Every row has both languages, valid UTF-8; a short buffer is cut, not overrun. */
static void test_rows(void **state)
{
	(void)state;
	unsigned n = 0;
	for (const char *vi; (vi = cause_row(n, CAUSE_VI)) != NULL; n++) {
		const char *en = cause_row(n, CAUSE_EN);
		assert_non_null(en);
		assert_true(vi[0] && en[0]);
		size_t bad;
		assert_true(text_valid_utf8(vi, strlen(vi), &bad));
	}
	assert_true(n > 30);
	char small[8];
	cause_words("failed", "status report: failed (ST=0x46)", CAUSE_EN, small, sizeof small);
	assert_string_equal(small, "Phone o");
	assert_int_equal(cause_classify("nothing like it"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_every_cms_code),
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
