/* cms — the one cause table for failed submits: every +CMS ERROR of
 * 3GPP TS 27.005 3.2.5 (the RP causes of TS 24.011 E.2 and the TP-FCS
 * causes of TS 23.040 9.2.3.22 that modems pass through, and 27.005's own
 * 300-340 and 500) and the +CME ERROR codes of TS 27.007 9.2 that a modem
 * answers to AT+CMGS when the SIM or the network is the problem.  Data, so
 * a cause is one row:
 *
 *   owner      whose fault (cms.h): HOUSEHOLD the number, SIM our SIM /
 *              account / network (no credit, barred, no SIM, PIN/PUK, no
 *              network), TRANSIENT a hiccup, MESSAGE the PDU Loa built;
 *   permanent  the delivery fails at once instead of being retried.  It is
 *              cms_permanent()'s answer, unchanged for every code that had
 *              a row before the owner column; for SIM rows it is only what
 *              a daemon that cannot pause a modem does (21, 50 and 69 fail
 *              at once there), submit_outcome() ignores it and answers
 *              SUBMIT_SIM.  CME rows are never permanent (a +CME ERROR to
 *              AT+CMGS is the modem's state, not the message's).
 *
 * What submit_outcome() does with a row: SIM -> SUBMIT_SIM (back to the
 * queue, pause the modem), HOUSEHOLD/MESSAGE -> FAIL when permanent else
 * RETRY, TRANSIENT -> RETRY.  The README's "Failure causes" table is this
 * one in words.
 *
 * Whose-fault choices worth knowing: 8 (operator determined barring) and
 * 10 (call barred) are the household's, as the operations notes have it;
 * 21 (transfer rejected), 38/42/47 (network out of order, congestion,
 * resources) and 50 (facility not subscribed) are what a prepaid SIM out of
 * credit or a congested cell answers, so the SIM's: a household is never
 * failed for them.  304 (invalid PDU mode parameter) is Loa's PDU, not the
 * line: permanent, as before.  TP 0xC3 (invalid SME address) and 0xC4
 * (destination SME barred) are the number's and now permanent (unlisted,
 * they were retried). */
#include "modem/cms.h"

#include "base/util.h"

#include <stddef.h>

#define H CAUSE_HOUSEHOLD
#define S CAUSE_SIM
#define T CAUSE_TRANSIENT
#define M CAUSE_MESSAGE

static const struct cause table[] = {
	/* +CMS ERROR: RP causes (24.011 E.2) */
	{ 1, 0, H, 1, "unassigned (unallocated) number", "Số điện thoại không có thật" },
	{ 8, 0, H, 1, "operator determined barring", "Số nhận bị nhà mạng chặn" },
	{ 10, 0, H, 1, "call barred", "Số nhận bị chặn" },
	{ 21, 0, S, 1, "short message transfer rejected", "SIM hết tiền hoặc bị chặn gửi tin" },
	{ 22, 0, H, 0, "memory capacity exceeded", "Máy người nhận đầy bộ nhớ" },
	{ 27, 0, H, 0, "destination out of service", "Máy người nhận không liên lạc được" },
	{ 28, 0, H, 1, "unidentified subscriber", "Thuê bao không xác định" },
	{ 29, 0, H, 1, "facility rejected", "Số nhận từ chối dịch vụ" },
	{ 30, 0, H, 1, "unknown subscriber", "Thuê bao không tồn tại" },
	{ 38, 0, S, 0, "network out of order", "Mạng đang gặp sự cố" },
	{ 41, 0, T, 0, "temporary failure", "Lỗi tạm thời, sẽ gửi lại" },
	{ 42, 0, S, 0, "congestion", "Mạng đang quá tải" },
	{ 47, 0, S, 0, "resources unavailable", "Mạng thiếu tài nguyên" },
	{ 50, 0, S, 1, "requested facility not subscribed", "SIM hết tiền hoặc chưa đăng ký dịch vụ" },
	{ 69, 0, S, 1, "requested facility not implemented", "SIM không được dùng dịch vụ này" },
	{ 81, 0, T, 0, "invalid short message transfer reference", "Lỗi giao thức tạm thời, sẽ gửi lại" },
	{ 95, 0, M, 1, "invalid message", "Tin nhắn không hợp lệ" },
	{ 96, 0, M, 1, "invalid mandatory information", "Tin nhắn không hợp lệ" },
	{ 97, 0, M, 1, "message type non-existent", "Tin nhắn không hợp lệ" },
	{ 98, 0, T, 0, "message not compatible with protocol state", "Lỗi giao thức tạm thời, sẽ gửi lại" },
	{ 99, 0, T, 0, "information element non-existent", "Lỗi giao thức tạm thời, sẽ gửi lại" },
	{ 111, 0, T, 0, "protocol error", "Lỗi giao thức tạm thời, sẽ gửi lại" },
	{ 127, 0, T, 0, "interworking, unspecified", "Lỗi liên mạng, sẽ gửi lại" },
	/* +CMS ERROR: TP-FCS (23.040 9.2.3.22) */
	{ 0x80, 0, M, 1, "telematic interworking not supported", "Tin nhắn không hợp lệ" },
	{ 0x81, 0, M, 1, "short message type 0 not supported", "Tin nhắn không hợp lệ" },
	{ 0x82, 0, M, 1, "cannot replace short message", "Tin nhắn không hợp lệ" },
	{ 0x8F, 0, M, 1, "unspecified TP-PID error", "Tin nhắn không hợp lệ" },
	{ 0x90, 0, M, 1, "data coding scheme not supported", "Tin nhắn không hợp lệ" },
	{ 0x91, 0, M, 1, "message class not supported", "Tin nhắn không hợp lệ" },
	{ 0x9F, 0, M, 1, "unspecified TP-DCS error", "Tin nhắn không hợp lệ" },
	{ 0xC0, 0, T, 0, "SC busy", "Tổng đài tin nhắn đang bận" },
	{ 0xC1, 0, S, 0, "no SC subscription", "SIM chưa đăng ký dịch vụ tin nhắn" },
	{ 0xC2, 0, S, 0, "SC system failure", "Tổng đài tin nhắn gặp sự cố" },
	{ 0xC3, 0, H, 1, "invalid SME address", "Số nhận không hợp lệ" },
	{ 0xC4, 0, H, 1, "destination SME barred", "Số nhận bị chặn" },
	{ 0xC5, 0, M, 0, "SM rejected, duplicate SM", "Tin nhắn trùng, bị từ chối" },
	{ 0xFF, 0, T, 0, "unspecified TP error", "Lỗi không rõ, sẽ gửi lại" },
	/* +CMS ERROR: the ME and the SIM (27.005 3.2.5) */
	{ 300, 0, T, 0, "ME failure", "Lỗi modem, sẽ gửi lại" },
	{ 301, 0, T, 0, "SMS service of ME reserved", "Modem đang bận, sẽ gửi lại" },
	{ 302, 0, T, 0, "operation not allowed", "Modem đang bận, sẽ gửi lại" },
	{ 303, 0, M, 1, "operation not supported", "Modem không hỗ trợ lệnh gửi" },
	{ 304, 0, M, 1, "invalid PDU mode parameter", "Tin nhắn không hợp lệ" },
	{ 305, 0, M, 1, "invalid text mode parameter", "Tin nhắn không hợp lệ" },
	{ 310, 0, S, 0, "SIM not inserted", "Không có SIM trong modem" },
	{ 311, 0, S, 0, "SIM PIN required", "SIM cần mã PIN" },
	{ 312, 0, S, 0, "PH-SIM PIN required", "Modem bị khoá với SIM này" },
	{ 313, 0, S, 0, "SIM failure", "SIM bị lỗi" },
	{ 314, 0, S, 0, "SIM busy", "SIM đang bận" },
	{ 315, 0, S, 0, "SIM wrong", "SIM không đúng" },
	{ 316, 0, S, 0, "SIM PUK required", "SIM bị khoá, cần mã PUK" },
	{ 317, 0, S, 0, "SIM PIN2 required", "SIM cần mã PIN2" },
	{ 318, 0, S, 0, "SIM PUK2 required", "SIM cần mã PUK2" },
	{ 320, 0, T, 0, "memory failure", "Lỗi bộ nhớ modem, sẽ gửi lại" },
	{ 321, 0, T, 0, "invalid memory index", "Lỗi bộ nhớ modem, sẽ gửi lại" },
	{ 322, 0, T, 0, "memory full", "Bộ nhớ modem đầy, sẽ gửi lại" },
	{ 330, 0, S, 0, "SMSC address unknown", "SIM thiếu số tổng đài tin nhắn" },
	{ 331, 0, S, 0, "no network service", "Không có sóng mạng" },
	{ 332, 0, S, 0, "network timeout", "Mạng không trả lời" },
	{ 340, 0, T, 0, "no +CNMA acknowledgement expected", "Lỗi modem, sẽ gửi lại" },
	{ 500, 0, T, 0, "unknown error", "Lỗi không rõ của modem, sẽ gửi lại" },
	/* +CME ERROR (27.007 9.2) */
	{ 0, 1, T, 0, "phone failure", "Lỗi modem, sẽ gửi lại" },
	{ 3, 1, T, 0, "operation not allowed", "Modem đang bận, sẽ gửi lại" },
	{ 4, 1, T, 0, "operation not supported", "Modem không hỗ trợ lệnh này" },
	{ 5, 1, S, 0, "PH-SIM PIN required", "Modem bị khoá với SIM này" },
	{ 10, 1, S, 0, "SIM not inserted", "Không có SIM trong modem" },
	{ 11, 1, S, 0, "SIM PIN required", "SIM cần mã PIN" },
	{ 12, 1, S, 0, "SIM PUK required", "SIM bị khoá, cần mã PUK" },
	{ 13, 1, S, 0, "SIM failure", "SIM bị lỗi" },
	{ 14, 1, S, 0, "SIM busy", "SIM đang bận" },
	{ 15, 1, S, 0, "SIM wrong", "SIM không đúng" },
	{ 16, 1, S, 0, "incorrect password", "Sai mã PIN của SIM" },
	{ 17, 1, S, 0, "SIM PIN2 required", "SIM cần mã PIN2" },
	{ 18, 1, S, 0, "SIM PUK2 required", "SIM cần mã PUK2" },
	{ 20, 1, T, 0, "memory full", "Bộ nhớ modem đầy, sẽ gửi lại" },
	{ 23, 1, T, 0, "memory failure", "Lỗi bộ nhớ modem, sẽ gửi lại" },
	{ 24, 1, M, 0, "text string too long", "Tin nhắn quá dài" },
	{ 25, 1, M, 0, "invalid characters in text string", "Tin nhắn có ký tự không hợp lệ" },
	{ 30, 1, S, 0, "no network service", "Không có sóng mạng" },
	{ 31, 1, S, 0, "network timeout", "Mạng không trả lời" },
	{ 32, 1, S, 0, "network not allowed, emergency calls only", "SIM chỉ gọi được khẩn cấp" },
	{ 40, 1, S, 0, "network personalisation PIN required", "Modem bị khoá mạng" },
	{ 100, 1, T, 0, "unknown error", "Lỗi không rõ của modem, sẽ gửi lại" },
	{ 103, 1, S, 0, "illegal MS", "SIM bị nhà mạng khoá" },
	{ 106, 1, S, 0, "illegal ME", "Modem bị nhà mạng chặn" },
	{ 111, 1, S, 0, "PLMN not allowed", "SIM không được dùng mạng này" },
	{ 112, 1, S, 0, "location area not allowed", "SIM không được dùng ở vùng này" },
	{ 113, 1, S, 0, "roaming not allowed in this location area", "SIM không được chuyển vùng ở đây" },
};

#undef H
#undef S
#undef T
#undef M

static int find(int code, int cme, struct cause *out)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (table[i].code == code && table[i].cme == cme) {
			*out = table[i];
			return 1;
		}
	}
	return 0;
}

struct cause cms_cause(int code)
{
	struct cause c;
	if (find(code, 0, &c))
		return c;
	c.code = code;
	c.cme = 0;
	c.permanent = 0;
	if (code >= 0x80 && code <= 0x9F) {
		/* TP-PID / TP-DCS errors: the PDU is ours to fix */
		c.owner = CAUSE_MESSAGE;
		c.permanent = 1;
		c.text = "TP failure cause";
		c.vi = "Tin nhắn không hợp lệ";
	} else if (code >= 0x80 && code <= 0xFF) {
		c.owner = CAUSE_TRANSIENT;
		c.text = "TP failure cause";
		c.vi = "Lỗi không rõ, sẽ gửi lại";
	} else if (code >= 512) {
		c.owner = CAUSE_TRANSIENT;
		c.text = "unlisted error";
		c.vi = "Lỗi riêng của modem, sẽ gửi lại";
	} else {
		/* 24.011: an unknown RP cause is read as "unspecified"; so
		 * are unknown 27.005 codes */
		c.owner = CAUSE_TRANSIENT;
		c.text = "unlisted error";
		c.vi = "Lỗi không rõ, sẽ gửi lại";
	}
	return c;
}

struct cause cme_cause(int code)
{
	struct cause c;
	if (find(code, 1, &c))
		return c;
	c.code = code;
	c.cme = 1;
	c.owner = CAUSE_TRANSIENT;
	c.permanent = 0;
	c.text = "unlisted error";
	c.vi = "Lỗi không rõ của modem, sẽ gửi lại";
	return c;
}

enum cause_owner cms_owner(int code)
{
	return cms_cause(code).owner;
}

enum cause_owner cme_owner(int code)
{
	return cme_cause(code).owner;
}

const char *cause_owner_name(enum cause_owner o)
{
	static const char *const n[] = { "transient", "household", "sim", "message" };
	return (unsigned)o < ARRAY_LEN(n) ? n[o] : "?";
}

int cms_permanent(int code, const char **text)
{
	struct cause c = cms_cause(code);
	if (text)
		*text = c.text;
	return c.permanent;
}

const struct cause *cms_row(unsigned i)
{
	return i < ARRAY_LEN(table) ? &table[i] : NULL;
}
