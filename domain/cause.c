/* cause — see cause.h.
 *
 * Two steps, both data: classify() names the row a raw cause belongs to
 * (the strings are the ones the gateway, the call table and the store
 * write: modem/submit.c, modem/call.c, gateway/drv_sms_in.c,
 * gateway/drv_voice.c, db/store_sms.c, db/store_call.c), and rows[] holds
 * the words for that row in both languages.  +CMS/+CME codes go through
 * modem/cms.c's table (whose fault the code is) so a code gets the same
 * answer here as in the gateway; a status report's TP-ST and a call's
 * network cause (Q.850) are read here.  A new raw string that is not
 * listed still shows: the generic phrase and the raw text. */
#include "domain/cause.h"

#include "base/util.h"
#include "modem/cms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	K_DELIVERED,
	K_OFF_TOO_LONG,
	K_NUMBER_NONE,
	K_NUMBER_BARRED,
	K_PHONE_FULL,
	K_PHONE_OFF,
	K_PHONE_REFUSED,
	K_CARRIER_DELETED,
	K_CARRIER_FAILED,
	K_SIM_REFUSED,
	K_SIM_PROBLEM,
	K_NETWORK,
	K_TEMPORARY,
	K_MESSAGE_BAD,
	K_TOO_LONG,
	K_MODEM,
	K_UNSURE_SENT,
	K_RESENT_OTHER,
	K_FRAGMENTS,
	K_SECOND_PHONE,
	K_EXPIRED_SMS,
	K_BUSY,
	K_NO_ANSWER,
	K_REJECTED,
	K_CALL_FAILED,
	K_DIAL_REFUSED,
	K_CALL_LOST,
	K_ENDED_EARLY,
	K_HUNG_UP,
	K_NO_MODEM,
	K_EXPIRED_CALL,
	K_STOPPED_CALL,
	K_SPEECH,
	K_STOPPED,
	K_NO_REPORT,
	K_IN_PROGRESS,
	K_UNCERTAIN,
	K_CANCELLED,
	K_UNREACHED,
	K_FAILED,
	K_N
};

static const char *const rows[K_N][2] = {
	[K_DELIVERED] = { "Đã nhận", "Delivered" },
	[K_OFF_TOO_LONG] = { "Máy tắt hoặc ngoài vùng phủ sóng quá lâu", "Phone off or out of coverage too long" },
	[K_NUMBER_NONE] = { "Số không tồn tại", "The number does not exist" },
	[K_NUMBER_BARRED] = { "Số bị nhà mạng chặn", "The number is barred by the carrier" },
	[K_PHONE_FULL] = { "Máy người nhận đầy bộ nhớ", "The phone's memory is full" },
	[K_PHONE_OFF] = { "Máy tắt hoặc ngoài vùng phủ sóng", "Phone off or out of coverage" },
	[K_PHONE_REFUSED] = { "Máy người nhận không nhận tin", "The phone did not accept the message" },
	[K_CARRIER_DELETED] = { "Nhà mạng đã xoá tin trước khi đến máy",
				"The carrier deleted the message before it reached the phone" },
	[K_CARRIER_FAILED] = { "Nhà mạng báo không gửi được đến máy", "The carrier could not reach the phone" },
	[K_SIM_REFUSED] = { "SIM của Loa bị từ chối gửi — kiểm tra tài khoản",
			    "Loa's SIM was refused — check its credit and account" },
	[K_SIM_PROBLEM] = { "SIM của Loa có vấn đề (không có SIM, mã PIN, nhà mạng khoá)",
			    "Loa's SIM has a problem (missing, PIN, locked by the carrier)" },
	[K_NETWORK] = { "Mạng lỗi hoặc quá tải", "The network failed or was congested" },
	[K_TEMPORARY] = { "Lỗi tạm thời", "A temporary error" },
	[K_MESSAGE_BAD] = { "Nhà mạng không nhận tin Loa tạo — báo người quản trị",
			    "The network refused the message Loa built — tell the administrator" },
	[K_TOO_LONG] = { "Tin quá dài", "The message is too long" },
	[K_MODEM] = { "Lỗi modem", "A modem problem" },
	[K_UNSURE_SENT] = { "Không rõ đã gửi chưa (mất liên lạc với modem), không gửi lại",
			    "Unknown whether it was sent (the modem was lost); not sent again" },
	[K_RESENT_OTHER] = { "Gửi lại từ modem khác", "Sent again from another modem" },
	[K_FRAGMENTS] = { "Máy có thể còn vài phần tin của lần gửi trước",
			  "The phone may also hold parts of an earlier sending" },
	[K_SECOND_PHONE] = { "Đang gửi sang số thứ hai của hộ", "Being sent to the household's second phone" },
	[K_EXPIRED_SMS] = { "Quá hạn, chưa gửi được", "Not sent in time" },
	[K_BUSY] = { "Máy bận", "Line busy" },
	[K_NO_ANSWER] = { "Không nghe máy", "No answer" },
	[K_REJECTED] = { "Người nhận từ chối cuộc gọi", "The call was rejected" },
	[K_CALL_FAILED] = { "Cuộc gọi không thành", "The call did not go through" },
	[K_DIAL_REFUSED] = { "Modem không gọi được — kiểm tra SIM và tài khoản",
			     "The modem could not dial — check its SIM and credit" },
	[K_CALL_LOST] = { "Mất liên lạc với modem trong cuộc gọi", "The modem was lost during the call" },
	[K_ENDED_EARLY] = { "Cuộc gọi kết thúc trước khi nghe máy", "The call ended before it was answered" },
	[K_HUNG_UP] = { "Nghe máy nhưng tắt trước khi hết thông báo", "Answered, but hung up before the end" },
	[K_NO_MODEM] = { "Không có modem nào gọi được", "No modem could make the call" },
	[K_EXPIRED_CALL] = { "Quá hạn, chưa gọi lại được", "Not called again in time" },
	[K_STOPPED_CALL] = { "Loa dừng trong lúc gọi", "Loa stopped during the call" },
	[K_SPEECH] = { "Không tạo được giọng đọc thông báo", "The notice could not be read aloud" },
	[K_STOPPED] = { "Loa dừng khi đang gửi, sẽ gửi lại", "Loa stopped while sending; sent again" },
	[K_NO_REPORT] = { "Chưa có báo cáo đã nhận", "No delivery report yet" },
	[K_IN_PROGRESS] = { "Đang gửi", "Still being sent" },
	[K_UNCERTAIN] = { "Không rõ đã gửi chưa", "Unknown whether it was sent" },
	[K_CANCELLED] = { "Đã huỷ", "Cancelled" },
	[K_UNREACHED] = { "Không liên lạc được", "Not reached" },
	[K_FAILED] = { "Không gửi được", "Not sent" },
};

static const char *const other[2] = { "Lỗi khác", "Other problem" };
static const char *const spent[2] = { " (đã thử hết số lần)", " (retries spent)" };

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A +CMS / +CME code, by modem/cms.c's row. */
static int code_key(int code, int cme)
{
	struct cause c = cme ? cme_cause(code) : cms_cause(code);
	if (!cme) {
		switch (code) {
		case 1: case 28: case 30: case 0xC3:
			return K_NUMBER_NONE;
		case 8: case 10: case 29: case 0xC4:
			return K_NUMBER_BARRED;
		case 22:
			return K_PHONE_FULL;
		case 27:
			return K_PHONE_OFF;
		case 21: case 50: case 69: case 0xC1:
			return K_SIM_REFUSED;
		case 38: case 42: case 47: case 0xC2: case 331: case 332:
			return K_NETWORK;
		default:
			break;
		}
	} else if (code == 30 || code == 31) {
		return K_NETWORK;
	}
	switch (c.owner) {
	case CAUSE_HOUSEHOLD:
		return K_CARRIER_FAILED;
	case CAUSE_SIM:
		return K_SIM_PROBLEM;
	case CAUSE_MESSAGE:
		return K_MESSAGE_BAD;
	default:
		return K_TEMPORARY;
	}
}

/* A status report's TP-ST (23.040 9.2.3.15): the failed ones. */
static int st_key(int st)
{
	switch (st) {
	case 0x46:
		return K_OFF_TOO_LONG;
	case 0x41: case 0x43: case 0x45:
		return K_NUMBER_NONE;
	case 0x42: case 0x61: case 0x62: case 0x63: case 0x65:
		return K_PHONE_REFUSED;
	case 0x47: case 0x48: case 0x49:
		return K_CARRIER_DELETED;
	case 0x60:
		return K_NETWORK;
	default:
		return K_CARRIER_FAILED;
	}
}

/* A call's network cause (Q.850), as modem/call.c writes it. */
static int q850_key(int c)
{
	switch (c) {
	case 1: case 3: case 22: case 28:
		return K_NUMBER_NONE;
	case 17:
		return K_BUSY;
	case 18: case 19:
		return K_NO_ANSWER;
	case 20: case 27:
		return K_PHONE_OFF;
	case 21:
		return K_REJECTED;
	case 34: case 38: case 41: case 42: case 44: case 47:
		return K_NETWORK;
	default:
		return K_CALL_FAILED;
	}
}

/* Exact strings and prefixes the gateway and the store write. */
static const struct {
	const char *prefix;
	int key;
} fixed[] = {
	{ "status report: delivered", K_DELIVERED },
	{ "busy", K_BUSY },
	{ "BUSY", K_BUSY },
	{ "no answer from the modem", K_UNSURE_SENT },
	{ "no answer", K_NO_ANSWER },
	{ "NO ANSWER", K_NO_ANSWER },
	{ "NO CARRIER", K_CALL_FAILED },
	{ "call rejected", K_REJECTED },
	{ "modem refused the dial", K_DIAL_REFUSED },
	{ "modem port lost during the call", K_CALL_LOST },
	{ "call ended before it was answered", K_ENDED_EARLY },
	{ "hung up before the end of the notice", K_HUNG_UP },
	{ "no modem could call", K_NO_MODEM },
	{ "not called again within", K_EXPIRED_CALL },
	{ "daemon stopped during the call", K_STOPPED_CALL },
	{ "the daemon stopped during the call", K_STOPPED_CALL },
	{ "speech unavailable", K_SPEECH },
	{ "speech failed", K_SPEECH },
	{ "call prompt", K_SPEECH },
	{ "not sent within", K_EXPIRED_SMS },
	{ "the notice needs more than", K_TOO_LONG },
	{ "cannot encode for", K_MESSAGE_BAD },
	{ "modem port lost after", K_UNSURE_SENT },
	{ "answer lost", K_UNSURE_SENT },
	{ "modem port lost before sending", K_STOPPED },
	{ "daemon stopping", K_STOPPED },
	{ "daemon stopped", K_UNSURE_SENT }, /* an SMS attempt cut by a crash (store_sms.c) */
	{ "database error", K_TEMPORARY },
	{ "parts of an earlier sending", K_FRAGMENTS },
	{ "trying the second phone", K_SECOND_PHONE },
	{ "modem answered OK before", K_MODEM },
	{ "no prompt from the modem", K_MODEM },
	{ "modem answered", K_MODEM },
};

/* One raw cause (no "; "), without a "(retries spent)" tail. */
int cause_classify(const char *raw)
{
	int code, st;
	/* store_sms.c, moving an SMS to the household's second phone: "first
	 * phone failed: CAUSE; trying the second phone 09..." -- the first
	 * phone's cause in its own words, then the move */
	static const char first[] = "first phone failed: ";
	if (starts(raw, first))
		return cause_classify(raw + sizeof first - 1);
	/* submit.c's "+CMS ERROR 21: text", and a modem's own line */
	if (sscanf(raw, "+CMS ERROR %d", &code) == 1 || sscanf(raw, "+CMS ERROR: %d", &code) == 1)
		return code_key(code, 0);
	if (sscanf(raw, "+CME ERROR %d", &code) == 1 || sscanf(raw, "+CME ERROR: %d", &code) == 1 ||
	    sscanf(raw, "modem answered +CME ERROR %d", &code) == 1)
		return code_key(code, 1);
	if (sscanf(raw, "status report: failed (ST=0x%x", (unsigned *)&st) == 1)
		return st_key(st);
	if (sscanf(raw, "network cause %d", &code) == 1)
		return q850_key(code);
	if (starts(raw, "modem ") && strstr(raw, " is gone"))
		return K_RESENT_OTHER;
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		if (starts(raw, fixed[i].prefix))
			return fixed[i].key;
	return -1;
}

/* A state with no cause recorded. */
static int state_key(const char *state)
{
	static const struct {
		const char *state;
		int key;
	} s[] = {
		{ "sent", K_NO_REPORT },     { "queued", K_IN_PROGRESS },     { "sending", K_IN_PROGRESS },
		{ "calling", K_IN_PROGRESS }, { "uncertain", K_UNCERTAIN },   { "expired", K_EXPIRED_SMS },
		{ "cancelled", K_CANCELLED }, { "unreached", K_UNREACHED },   { "failed", K_FAILED },
	};
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		if (!strcmp(state, s[i].state))
			return s[i].key;
	return -1;
}

static void add(char *buf, size_t len, size_t *at, const char *s)
{
	if (*at >= len - 1)
		return;
	int n = snprintf(buf + *at, len - *at, "%s", s);
	if (n <= 0)
		return;
	if (*at + (size_t)n < len) {
		*at += (size_t)n;
		return;
	}
	/* cut: never in the middle of a UTF-8 sequence */
	size_t e = len - 1;
	while (e > *at && ((unsigned char)buf[e] & 0xC0) == 0x80)
		e--;
	buf[e] = '\0';
	*at = len - 1;
}

const char *cause_words(const char *states, const char *raw, enum cause_lang lang, char *buf, size_t len)
{
	int l = lang == CAUSE_EN;
	size_t at = 0;
	if (!len)
		return buf;
	buf[0] = '\0';
	int seen[K_N] = { 0 };
	char *copy = xstrdup(raw ? raw : "");
	/* the causes of a household's channels, joined by "; " */
	for (char *p = copy; p && *p;) {
		char *next = strstr(p, "; ");
		if (next) {
			*next = '\0';
			next += 2;
		}
		/* submit.c's own "; not re-sent" is part of the cause before it */
		if (!strcmp(p, "not re-sent")) {
			p = next;
			continue;
		}
		size_t n = strlen(p);
		static const char tail[] = " (retries spent)";
		int gave_up = n >= sizeof tail - 1 && !strcmp(p + n - (sizeof tail - 1), tail);
		if (gave_up)
			p[n - (sizeof tail - 1)] = '\0';
		int k = cause_classify(p);
		if (k < 0 || !seen[k] || gave_up) {
			if (at)
				add(buf, len, &at, "; ");
			if (k < 0) {
				add(buf, len, &at, other[l]);
				add(buf, len, &at, ": ");
				add(buf, len, &at, p);
			} else {
				seen[k] = 1;
				add(buf, len, &at, rows[k][l]);
			}
			if (gave_up)
				add(buf, len, &at, spent[l]);
		}
		p = next;
	}
	free(copy);
	/* nothing recorded: the state says it ("failed,sent" -> each); a
	 * sent SMS still waiting for its report is said even beside the
	 * causes of the household's other channels */
	int had_raw = at > 0;
	copy = xstrdup(states ? states : "");
	char *save = NULL;
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		int k = state_key(s);
		if (k < 0 || seen[k] || (had_raw && k != K_NO_REPORT))
			continue;
		seen[k] = 1;
		if (at)
			add(buf, len, &at, "; ");
		add(buf, len, &at, rows[k][l]);
	}
	free(copy);
	return buf;
}

const char *cause_row(unsigned i, enum cause_lang lang)
{
	return i < K_N ? rows[i][lang == CAUSE_EN] : NULL;
}
