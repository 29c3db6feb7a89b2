/* sim_pdu — the simulator's side of the SMS codec (see sim_pdu.h).
 *
 * DESIGN: deliberately separate from Loa's codec module so that the
 * simulated network and the code under test do not share a bug.  libgammu
 * does the hard parts (multipart splitting, GSM 7-bit packing, UDH parsing);
 * this file owns what libgammu does not give us in usable form:
 *  - text conversion: gammu's EncodeUnicode/DecodeUnicode go through the C
 *    library's locale (non-ASCII becomes '?' under LANG=C), so UTF-8 <->
 *    UCS-2 is done here;
 *  - wire assembly: GSM_EncodeSMSFrame fills a phone-layout frame (fields at
 *    fixed offsets), not a contiguous PDU, so the PDU is assembled from the
 *    layout's fields;
 *  - SMS-STATUS-REPORT, which gammu cannot encode, is built by hand;
 *  - SRR and TP-MR of a SUBMIT, which gammu's decoder does not expose, are
 *    read from the first octets directly. */
#include "sim/sim_pdu.h"

#include "base/util.h"

#include <gammu.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- UTF-8 <-> gammu "unicode" (UTF-16BE, double-NUL terminated) ---- */

static size_t utf8_to_ucs2(const char *s, unsigned char *out, size_t max_units)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p && n + 2 < max_units) {
		uint32_t c;
		int len;
		if (*p < 0x80) {
			c = *p;
			len = 1;
		} else if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F;
			len = 2;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F;
			len = 3;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07;
			len = 4;
		} else {
			c = 0xFFFD;
			len = 1;
		}
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				c = 0xFFFD;
				len = i;
				break;
			}
			c = (c << 6) | (p[i] & 0x3F);
		}
		p += len;
		if (c >= 0x10000 && c <= 0x10FFFF) {
			c -= 0x10000;
			uint32_t hi = 0xD800 | (c >> 10), lo = 0xDC00 | (c & 0x3FF);
			out[2 * n] = (unsigned char)(hi >> 8);
			out[2 * n + 1] = (unsigned char)hi;
			n++;
			c = lo;
		} else if (c > 0x10FFFF) {
			c = 0xFFFD;
		}
		out[2 * n] = (unsigned char)(c >> 8);
		out[2 * n + 1] = (unsigned char)c;
		n++;
	}
	out[2 * n] = out[2 * n + 1] = 0;
	return n;
}

static void put_utf8(char *out, size_t cap, size_t *o, uint32_t c)
{
	char b[4];
	int n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	if (*o + (size_t)n + 1 > cap)
		return;
	memcpy(out + *o, b, (size_t)n);
	*o += (size_t)n;
}

static void ucs2_to_utf8(const unsigned char *u, size_t max_units, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < max_units; i++) {
		uint32_t c = (uint32_t)u[2 * i] << 8 | u[2 * i + 1];
		if (c == 0)
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < max_units) {
			uint32_t lo = (uint32_t)u[2 * i + 2] << 8 | u[2 * i + 3];
			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				c = 0xFFFD;
			}
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		put_utf8(out, cap, &o, c);
	}
	out[o] = '\0';
}

/* ---- hex ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char d[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- decode ---- */

static const char *coding_name(GSM_Coding_Type c)
{
	switch (c) {
	case SMS_Coding_Unicode_No_Compression:
	case SMS_Coding_Unicode_Compression:
		return "ucs2";
	case SMS_Coding_8bit:
		return "8bit";
	default:
		return "gsm7";
	}
}

int sim_pdu_decode(const char *hex, size_t hexlen, int expect_tpdu_len, struct sim_pdu_info *out)
{
	memset(out, 0, sizeof *out);
	out->ref = -1;
	out->coding = "gsm7";
	if (hexlen < 4 || hexlen % 2 || hexlen / 2 > 12 + 180)
		return -1;
	unsigned char b[200] = { 0 };
	size_t n = hexlen / 2;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	size_t smsc = b[0];
	if (smsc > 11 || 1 + smsc + 2 > n)
		return -1;
	int tpdu = (int)(n - 1 - smsc);
	if (expect_tpdu_len >= 0 && tpdu != expect_tpdu_len)
		return -1;
	unsigned char fb = b[1 + smsc];
	int mti = fb & 3;
	if (mti == 3)
		return -1;
	out->type = (enum sim_pdu_type)mti;
	out->tpdu_len = tpdu;
	if (mti == SIM_PDU_SUBMIT) {
		out->srr = (fb & 0x20) != 0;
		out->mr = b[2 + smsc];
	}

	GSM_SMSMessage *sms = xcalloc(1, sizeof *sms);
	size_t end = 0;
	GSM_Error e = GSM_DecodePDUFrame(GSM_GetGlobalDebug(), sms, b, n, &end, TRUE);
	int rc = -1;
	if (e != ERR_NONE)
		goto done;
	/* A PDU longer than its own user data says is as wrong as a short one. */
	if (end != n && mti != SIM_PDU_STATUS)
		goto done;
	ucs2_to_utf8(sms->Number, GSM_MAX_NUMBER_LENGTH + 1, out->number, sizeof out->number);
	if (mti == SIM_PDU_STATUS) {
		out->mr = sms->MessageReference;
		out->status = sms->DeliveryStatus;
		out->text[0] = '\0';
		rc = 0;
		goto done;
	}
	out->coding = coding_name(sms->Coding);
	if (sms->Coding == SMS_Coding_8bit) {
		size_t len = sms->Length > 0 ? (size_t)sms->Length : 0;
		if (len * 2 + 1 > sizeof out->text)
			len = (sizeof out->text - 1) / 2;
		to_hex(sms->Text, len, out->text);
	} else {
		ucs2_to_utf8(sms->Text, GSM_MAX_SMS_LENGTH + 1, out->text, sizeof out->text);
	}
	out->part = out->parts = 1;
	if (sms->UDH.Type == UDH_ConcatenatedMessages || sms->UDH.Type == UDH_ConcatenatedMessages16bit) {
		out->ref = sms->UDH.Type == UDH_ConcatenatedMessages ? sms->UDH.ID8bit : sms->UDH.ID16bit;
		out->part = sms->UDH.PartNumber;
		out->parts = sms->UDH.AllParts;
	}
	rc = 0;
done:
	free(sms);
	return rc;
}

/* ---- encode ---- */

static void set_number(unsigned char *dst, const char *s)
{
	utf8_to_ucs2(s, dst, GSM_MAX_NUMBER_LENGTH + 1);
}

static void wall_to_gsm(int64_t wall_ms, GSM_DateTime *dt)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	dt->Year = tm.tm_year + 1900;
	dt->Month = tm.tm_mon + 1;
	dt->Day = tm.tm_mday;
	dt->Hour = tm.tm_hour;
	dt->Minute = tm.tm_min;
	dt->Second = tm.tm_sec;
	dt->Timezone = (int)tm.tm_gmtoff;
}

/* Copies an address field (length in digits, TOA, semi-octets) from a
 * gammu frame; returns its size in octets. */
static size_t addr_size(const unsigned char *a)
{
	return (size_t)(a[0] + 1) / 2 + 2;
}

static int encode_parts(const char *number, const char *utf8, int ref, int deliver, int srr,
			int force_ucs2, int64_t wall_ms, struct sim_pdu_list *out)
{
	GSM_Debug_Info *di = GSM_GetGlobalDebug();
	size_t units = strlen(utf8) + 2;
	unsigned char *ucs = xcalloc(units + 1, 2);
	utf8_to_ucs2(utf8, ucs, units + 1);
	GSM_MultiPartSMSInfo info;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = force_ucs2 ? TRUE : FALSE;
	info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
	info.Entries[0].Buffer = ucs;
	GSM_MultiSMSMessage *multi = xcalloc(1, sizeof *multi);
	int rc = -1;
	out->n = 0;
	if (GSM_EncodeMultiPartSMS(di, &info, multi) != ERR_NONE)
		goto done;
	if (multi->Number < 1 || multi->Number > SIM_PDU_MAX_PARTS)
		goto done;
	const GSM_SMSMessageLayout L = deliver ? PHONE_SMSDeliver : PHONE_SMSSubmit;
	for (int i = 0; i < multi->Number; i++) {
		GSM_SMSMessage *s = &multi->SMS[i];
		if (s->UDH.Type == UDH_ConcatenatedMessages) {
			s->UDH.ID8bit = ref & 0xFF;
			GSM_EncodeUDHHeader(di, &s->UDH);
		}
		set_number(s->Number, number);
		set_number(s->SMSC.Number, deliver ? "+84980000001" : "");
		s->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
		s->SMSC.Validity.Relative = SMS_VALID_Max_Time;
		s->PDU = deliver ? SMS_Deliver : (srr ? SMS_Status_Report : SMS_Submit);
		s->Class = -1;
		wall_to_gsm(wall_ms, &s->DateTime);
		unsigned char f[400];
		memset(f, 0, sizeof f);
		int flen = 0;
		if (GSM_EncodeSMSFrame(di, s, f, L, &flen, TRUE) != ERR_NONE || flen < L.Text)
			goto done;
		unsigned char p[200];
		size_t n = 0;
		if (deliver) {
			memcpy(p, f + L.SMSCNumber, (size_t)f[L.SMSCNumber] + 1);
			n = (size_t)f[L.SMSCNumber] + 1;
		} else {
			p[n++] = 0x00; /* use the SIM's SMSC, as Loa and phones do */
		}
		size_t tpdu_start = n;
		p[n++] = f[L.firstbyte];
		if (!deliver)
			p[n++] = 0x00; /* TP-MR: the modem assigns the real one */
		memcpy(p + n, f + L.Number, addr_size(f + L.Number));
		n += addr_size(f + L.Number);
		p[n++] = f[L.TPPID];
		p[n++] = f[L.TPDCS];
		if (deliver) {
			memcpy(p + n, f + L.DateTime, 7);
			n += 7;
		} else if ((f[L.firstbyte] & 0x18) == 0x10) {
			p[n++] = f[L.TPVP];
		}
		p[n++] = f[L.TPUDL];
		size_t ud = (size_t)(flen - L.Text);
		if (n + ud > sizeof p)
			goto done;
		memcpy(p + n, f + L.Text, ud);
		n += ud;
		to_hex(p, n, out->part[i].hex);
		out->part[i].tpdu_len = (int)(n - tpdu_start);
		out->n = i + 1;
	}
	rc = 0;
done:
	free(multi);
	free(ucs);
	return rc;
}

int sim_pdu_encode_deliver(const char *from, const char *utf8, int ref, int64_t wall_ms,
			   struct sim_pdu_list *out)
{
	return encode_parts(from, utf8, ref, 1, 0, 0, wall_ms, out);
}

int sim_pdu_encode_submit(const char *to, const char *utf8, int ref, int srr, int force_ucs2,
			  struct sim_pdu_list *out)
{
	return encode_parts(to, utf8, ref, 0, srr, force_ucs2, 0, out);
}

/* Address field: digit count, type of address, swapped semi-octets. */
static size_t put_addr(unsigned char *p, const char *num)
{
	int intl = num[0] == '+';
	const char *d = num + intl;
	size_t nd = 0;
	unsigned char *q = p + 2;
	for (; *d && nd < 20; d++) {
		if (*d < '0' || *d > '9')
			continue;
		unsigned v = (unsigned)(*d - '0');
		if (nd % 2 == 0)
			q[nd / 2] = (unsigned char)(0xF0 | v);
		else
			q[nd / 2] = (unsigned char)((q[nd / 2] & 0x0F) | (v << 4));
		nd++;
	}
	p[0] = (unsigned char)nd;
	p[1] = intl ? 0x91 : 0x81;
	return 2 + (nd + 1) / 2;
}

static unsigned char swap_bcd(int v)
{
	return (unsigned char)(((v % 10) << 4) | ((v / 10) % 10));
}

static void put_time(unsigned char *p, int64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	p[0] = swap_bcd(tm.tm_year % 100);
	p[1] = swap_bcd(tm.tm_mon + 1);
	p[2] = swap_bcd(tm.tm_mday);
	p[3] = swap_bcd(tm.tm_hour);
	p[4] = swap_bcd(tm.tm_min);
	p[5] = swap_bcd(tm.tm_sec);
	long q = tm.tm_gmtoff / 900;
	p[6] = swap_bcd((int)(q < 0 ? -q : q));
	if (q < 0)
		p[6] |= 0x08;
}

int sim_pdu_encode_status(int mr, const char *recipient, int status, int64_t submit_ms,
			  int64_t done_ms, struct sim_pdu_part *out)
{
	unsigned char p[64], a[16];
	/* The SMSC field counts octets (TOA + semi-octets), not digits. */
	size_t an = put_addr(a, "+84980000001");
	p[0] = (unsigned char)(an - 1);
	memcpy(p + 1, a + 1, an - 1);
	size_t n = an;
	size_t start = n;
	p[n++] = 0x06; /* SMS-STATUS-REPORT, no more messages */
	p[n++] = (unsigned char)(mr & 0xFF);
	n += put_addr(p + n, recipient);
	put_time(p + n, submit_ms);
	n += 7;
	put_time(p + n, done_ms);
	n += 7;
	p[n++] = (unsigned char)(status & 0xFF);
	to_hex(p, n, out->hex);
	out->tpdu_len = (int)(n - start);
	return 0;
}
