/* codec — see codec.h.  libgammu builds and parses the PDUs; this file only
 * converts between UTF-8 and libgammu's big-endian UCS-2 buffers, lays the
 * encoded frame out as the hex AT+CMGS wants, and guards libgammu's traps.
 *
 * DESIGN / traps (README "Hardware"):
 *  - GSM_EncodeMultiPartSMS takes the concatenation reference from the
 *    clock, so every message encoded in the same second would share one and
 *    phones would splice them together.  We overwrite UDH.ID8bit with the
 *    caller's reference and re-encode the UDH with GSM_EncodeUDHHeader.
 *  - Without Unicode, SMS_ConcatenatedTextLong silently turns characters
 *    outside GSM 7-bit into '?'.  We check with text_is_gsm7() first and then
 *    decode every encoded part back and compare: a lossy encoding is an error.
 *  - DecodeUnicodeString/EncodeUnicode use a static buffer and the locale;
 *    we never call them (own UTF-8 <-> UCS-2 conversion below).
 *  - Thread safety: libgammu's PDU functions keep no state of their own
 *    apart from the global debug descriptor (only read here), but the
 *    encoder uses large static scratch buffers (a GSM_MultiSMSMessage is
 *    ~60 kB): call it from ONE thread.  Loa calls it only from the daemon's
 *    single event loop. */
#include "modem/codec.h"

#include "base/text.h"

#include <gammu.h>
#include <stdio.h>
#include <string.h>

const char *codec_strerror(int err)
{
	switch (err) {
	case CODEC_OK: return "ok";
	case CODEC_EINVAL: return "invalid text or number";
	case CODEC_ENOTGSM7: return "text does not fit GSM 7-bit";
	case CODEC_ETOOLONG: return "too many SMS parts";
	case CODEC_ELIB: return "libgammu could not encode the message";
	case CODEC_EPDU: return "undecodable PDU";
	default: return "unknown codec error";
	}
}

/* UTF-8 -> NUL-terminated UCS-2 BE (surrogate pairs beyond the BMP).
 * Returns code units written or -1 on bad UTF-8 / overflow. */
static int utf8_to_ucs2(const char *s, unsigned char *out, size_t units_max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		uint32_t c;
		int more;
		if (*p < 0x80) {
			c = *p;
			more = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			c = *p & 0x1F;
			more = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			c = *p & 0x0F;
			more = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			c = *p & 0x07;
			more = 3;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < more; i++, p++) {
			if ((*p & 0xC0) != 0x80)
				return -1;
			c = (c << 6) | (*p & 0x3F);
		}
		if (c >= 0x10000) {
			if (c > 0x10FFFF || n + 2 >= units_max)
				return -1;
			c -= 0x10000;
			uint32_t hi = 0xD800 + (c >> 10), lo = 0xDC00 + (c & 0x3FF);
			out[2 * n] = (unsigned char)(hi >> 8);
			out[2 * n + 1] = (unsigned char)hi;
			n++;
			out[2 * n] = (unsigned char)(lo >> 8);
			out[2 * n + 1] = (unsigned char)lo;
			n++;
		} else {
			if (n + 1 >= units_max)
				return -1;
			out[2 * n] = (unsigned char)(c >> 8);
			out[2 * n + 1] = (unsigned char)c;
			n++;
		}
	}
	out[2 * n] = out[2 * n + 1] = 0;
	return (int)n;
}

static size_t put_utf8(char *out, size_t pos, size_t cap, uint32_t c)
{
	unsigned char b[4];
	size_t k;
	if (c < 0x80) {
		b[0] = (unsigned char)c;
		k = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3F));
		k = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (c & 0x3F));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (c >> 18));
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (c & 0x3F));
		k = 4;
	}
	if (pos + k >= cap)
		return pos;
	memcpy(out + pos, b, k);
	return pos + k;
}

/* UCS-2 BE (NUL-terminated, at most max_units) -> UTF-8 appended at *pos. */
static void ucs2_to_utf8(const unsigned char *u, size_t max_units, char *out, size_t cap, size_t *pos)
{
	for (size_t i = 0; i < max_units; i++) {
		uint32_t c = ((uint32_t)u[2 * i] << 8) | u[2 * i + 1];
		if (c == 0)
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < max_units) {
			uint32_t lo = ((uint32_t)u[2 * i + 2] << 8) | u[2 * i + 3];
			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i++;
			} else {
				c = 0xFFFD;
			}
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		*pos = put_utf8(out, *pos, cap, c);
	}
	out[*pos] = '\0';
}

static int valid_number(const char *to)
{
	size_t n = strlen(to), i = to[0] == '+' ? 1 : 0;
	if (n - i < 3 || n - i > 20)
		return 0;
	for (; i < n; i++)
		if (to[i] < '0' || to[i] > '9')
			return 0;
	return 1;
}

static void hex_put(char *hex, size_t *pos, unsigned char b)
{
	static const char d[] = "0123456789ABCDEF";
	hex[(*pos)++] = d[b >> 4];
	hex[(*pos)++] = d[b & 15];
}

/* Lays an encoded frame (libgammu's fixed layout `L`) out as "SMSC + TPDU"
 * hex, in the order of 3GPP TS 23.040 9.2.2.2 (submit) / 9.2.2.1 (deliver). */
static int frame_to_hex(const unsigned char *buf, int len, const GSM_SMSMessageLayout *L, int deliver,
			char *hex, size_t hexcap, int *tpdu_len)
{
	unsigned char t[200];
	int n = 0;
	t[n++] = buf[L->firstbyte];
	if (!deliver)
		t[n++] = 0; /* TP-MR: the modem assigns it and tells us in +CMGS */
	int addr = 2 + (buf[L->Number] + 1) / 2;
	if (addr > 12)
		return CODEC_EINVAL;
	memcpy(t + n, buf + L->Number, (size_t)addr);
	n += addr;
	t[n++] = buf[L->TPPID];
	t[n++] = buf[L->TPDCS];
	if (deliver) {
		memcpy(t + n, buf + L->DateTime, 7);
		n += 7;
	} else if ((buf[L->firstbyte] & 0x18) == 0x10) {
		t[n++] = buf[L->TPVP];
	}
	t[n++] = buf[L->TPUDL];
	int ud = len - L->Text;
	if (ud < 0 || ud > 140)
		return CODEC_ELIB;
	memcpy(t + n, buf + L->Text, (size_t)ud);
	n += ud;
	if ((size_t)(2 * n + 3) > hexcap)
		return CODEC_ELIB;
	size_t p = 0;
	hex_put(hex, &p, 0); /* "00": the modem's default SMSC */
	for (int i = 0; i < n; i++)
		hex_put(hex, &p, t[i]);
	hex[p] = '\0';
	*tpdu_len = n;
	return CODEC_OK;
}

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

static void text_of(const GSM_SMSMessage *s, char *out, size_t cap)
{
	size_t pos = 0;
	out[0] = '\0';
	if (s->Coding == SMS_Coding_8bit) {
		/* 8-bit data is not text; keep printable ASCII so it is still visible. */
		for (int i = 0; i < s->Length && pos + 1 < cap && i < (int)sizeof s->Text; i++)
			out[pos++] = (s->Text[i] >= 0x20 && s->Text[i] < 0x7F) ? (char)s->Text[i] : '?';
		out[pos] = '\0';
		return;
	}
	ucs2_to_utf8(s->Text, sizeof s->Text / 2, out, cap, &pos);
}

static void number_of(const unsigned char *u, char *out, size_t cap)
{
	size_t pos = 0;
	ucs2_to_utf8(u, 24, out, cap, &pos);
}

/* Days from 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t epoch_of(const GSM_DateTime *t)
{
	if (t->Year < 1970 || t->Month < 1 || t->Month > 12 || t->Day < 1 || t->Day > 31)
		return 0;
	return days_from_civil(t->Year, t->Month, t->Day) * 86400 + t->Hour * 3600 + t->Minute * 60 +
	       t->Second - t->Timezone;
}

/* Octets of an address field (length in semi-octets + TOA + digits), or -1
 * when its length is impossible.  3GPP TS 23.040 9.1.2.5: at most 20 digits
 * (10 octets). */
static int addr_octets(const unsigned char *b, size_t n, size_t pos)
{
	if (pos >= n || b[pos] > 20)
		return -1;
	return 2 + (b[pos] + 1) / 2;
}

/* User data octets needed for TP-UDL `udl` under TP-DCS `dcs`. */
static int ud_octets(unsigned dcs, unsigned udl)
{
	int seven = 0;
	if ((dcs & 0xC0) == 0x00)
		seven = ((dcs >> 2) & 3) == 0;
	else if ((dcs & 0xF0) == 0xF0)
		seven = (dcs & 0x04) == 0;
	else if ((dcs & 0xF0) == 0xC0 || (dcs & 0xF0) == 0xD0)
		seven = 1;
	if (seven)
		return udl > 160 ? -1 : (int)((udl * 7 + 7) / 8);
	return udl > 140 ? -1 : (int)udl;
}

/* DESIGN: libgammu trusts the length octets of a PDU (a fuzzed SMSC or
 * address length of 123 smashes its stack in GSM_UnpackSemiOctetNumber;
 * the optional TP-PI/TP-UDL tail of a status report smashes it in
 * GSM_DecodePDUFrame), and PDUs come from the network — anyone can send us
 * one.  So the frame is walked here first, every length checked against
 * 23.040 and against the octets really present, and only the well-formed
 * frame (cut to its mandatory fields plus user data) reaches libgammu.
 * Returns that length, or 0. */
static size_t pdu_well_formed(const unsigned char *b, size_t n)
{
	if (n < 2 || b[0] > 11)
		return 0;
	size_t p = 1 + b[0];
	if (p >= n)
		return 0;
	unsigned fo = b[p++];
	int a;
	unsigned dcs, udl;
	switch (fo & 3) {
	case 0: /* SMS-DELIVER: OA PID DCS SCTS UDL UD */
		if ((a = addr_octets(b, n, p)) < 0)
			return 0;
		p += (size_t)a;
		if (p + 10 > n)
			return 0;
		dcs = b[p + 1];
		udl = b[p + 9];
		p += 10;
		break;
	case 1: { /* SMS-SUBMIT: MR DA PID DCS [VP] UDL UD */
		p++;
		if ((a = addr_octets(b, n, p)) < 0)
			return 0;
		p += (size_t)a;
		unsigned vpf = (fo >> 3) & 3;
		size_t vp = vpf == 2 ? 1 : vpf ? 7 : 0;
		if (p + 3 + vp > n)
			return 0;
		dcs = b[p + 1];
		udl = b[p + 2 + vp];
		p += 3 + vp;
		break;
	}
	case 2: /* SMS-STATUS-REPORT: MR RA SCTS DT ST */
		p++;
		if ((a = addr_octets(b, n, p)) < 0)
			return 0;
		p += (size_t)a;
		/* SCTS DT ST; the optional TP-PI tail is not passed on */
		return p + 15 <= n ? p + 15 : 0;
	default:
		return 0;
	}
	int need = ud_octets(dcs, udl);
	if (need < 0 || p + (size_t)need > n)
		return 0;
	if ((fo & 0x40) && (need == 0 || b[p] + 1 > need))
		return 0; /* UDH longer than the user data */
	return p + (size_t)need;
}

static int decode_bytes(const unsigned char *b, size_t n, struct codec_sms *out)
{
	/* libgammu reads a little past what the length octets promise on broken
	 * input; decode from a zero-padded copy. */
	unsigned char pad[512];
	if (n == 0 || n > 200 || (n = pdu_well_formed(b, n)) == 0)
		return CODEC_EPDU;
	memset(pad, 0, sizeof pad);
	memcpy(pad, b, n);
	GSM_SMSMessage sms;
	memset(&sms, 0, sizeof sms);
	GSM_SetDefaultReceivedSMSData(&sms);
	size_t final_pos = 0;
	if (GSM_DecodePDUFrame(GSM_GetGlobalDebug(), &sms, pad, n, &final_pos, TRUE) != ERR_NONE)
		return CODEC_EPDU;
	memset(out, 0, sizeof *out);
	switch (sms.PDU) {
	case SMS_Deliver: out->kind = CODEC_DELIVER; break;
	case SMS_Status_Report: out->kind = CODEC_STATUS; break;
	case SMS_Submit: out->kind = CODEC_SUBMIT; break;
	default: return CODEC_EPDU;
	}
	number_of(sms.Number, out->number, sizeof out->number);
	out->coding = sms.Coding == SMS_Coding_Default_No_Compression ? CODEC_GSM7 : CODEC_UCS2;
	out->parts = 1;
	out->part = 1;
	if (sms.UDH.Type == UDH_ConcatenatedMessages || sms.UDH.Type == UDH_ConcatenatedMessages16bit) {
		out->ref = sms.UDH.Type == UDH_ConcatenatedMessages ? sms.UDH.ID8bit : sms.UDH.ID16bit;
		if (sms.UDH.AllParts >= 1 && sms.UDH.PartNumber >= 1 && sms.UDH.PartNumber <= sms.UDH.AllParts) {
			out->parts = sms.UDH.AllParts;
			out->part = sms.UDH.PartNumber;
		}
	}
	out->mr = sms.MessageReference;
	out->status = sms.DeliveryStatus;
	if (out->kind == CODEC_DELIVER || out->kind == CODEC_SUBMIT)
		text_of(&sms, out->text, sizeof out->text);
	out->scts_s = epoch_of(&sms.DateTime);
	return CODEC_OK;
}

int codec_decode(const char *hex, int tpdu_len, struct codec_sms *out)
{
	unsigned char b[260];
	size_t n = 0;
	if (!hex)
		return CODEC_EPDU;
	/* one spare octet in front for a missing SMSC prefix */
	for (const char *p = hex; *p && *p != '\r' && *p != '\n'; p += 2) {
		int hi = hexval(p[0]), lo = p[1] ? hexval(p[1]) : -1;
		if (hi < 0 || lo < 0 || n >= sizeof b - 1)
			return CODEC_EPDU;
		b[1 + n++] = (unsigned char)(hi << 4 | lo);
	}
	if (n == 0)
		return CODEC_EPDU;
	if (tpdu_len >= 0 && (size_t)tpdu_len == n) {
		b[0] = 0; /* no SMSC address in front: add an empty one */
		return decode_bytes(b, n + 1, out);
	}
	if (tpdu_len >= 0 && (size_t)tpdu_len + 1 + b[1] != n)
		return CODEC_EPDU;
	return decode_bytes(b + 1, n, out);
}

enum codec_report codec_report_class(int st)
{
	if (st >= 0 && st < 0x20)
		return CODEC_REPORT_DELIVERED;
	if (st >= 0x20 && st < 0x40)
		return CODEC_REPORT_PENDING;
	return CODEC_REPORT_FAILED;
}

int codec_encode_submit(const char *utf8, const char *to, enum codec_coding coding, int ref,
			int max_parts, int srr, struct codec_submit *out)
{
	static unsigned char ubuf[2 * 4096 + 2];
	memset(out, 0, sizeof *out);
	if (!utf8 || !*utf8 || !to || !valid_number(to) || ref < 0 || ref > 255 || max_parts < 1)
		return CODEC_EINVAL;
	if (coding == CODEC_GSM7 && !text_is_gsm7(utf8))
		return CODEC_ENOTGSM7;
	if (utf8_to_ucs2(utf8, ubuf, sizeof ubuf / 2) < 0)
		return CODEC_EINVAL;
	unsigned char nbuf[2 * 24];
	if (utf8_to_ucs2(to, nbuf, sizeof nbuf / 2) < 0)
		return CODEC_EINVAL;

	GSM_MultiPartSMSInfo info;
	GSM_ClearMultiPartSMSInfo(&info);
	info.EntriesNum = 1;
	info.UnicodeCoding = coding == CODEC_UCS2;
	info.Entries[0].ID = SMS_ConcatenatedTextLong;
	info.Entries[0].Buffer = ubuf;
	/* large (about 60 kB): keep it off the stack */
	static GSM_MultiSMSMessage multi;
	memset(&multi, 0, sizeof multi);
	if (GSM_EncodeMultiPartSMS(GSM_GetGlobalDebug(), &info, &multi) != ERR_NONE || multi.Number < 1)
		return CODEC_ELIB;
	if (multi.Number > max_parts || multi.Number > CODEC_MAX_PARTS)
		return CODEC_ETOOLONG;

	char back[4096];
	size_t back_len = 0;
	back[0] = '\0';
	out->n = multi.Number;
	out->ref = multi.Number > 1 ? ref : 0;
	for (int i = 0; i < multi.Number; i++) {
		GSM_SMSMessage *s = &multi.SMS[i];
		if (multi.Number > 1) {
			if (s->UDH.Type != UDH_ConcatenatedMessages)
				return CODEC_ELIB;
			s->UDH.ID8bit = ref;
			s->UDH.ID16bit = -1;
			GSM_EncodeUDHHeader(GSM_GetGlobalDebug(), &s->UDH);
		}
		memcpy(s->Number, nbuf, sizeof nbuf);
		s->PDU = srr ? SMS_Status_Report : SMS_Submit; /* libgammu: Status_Report = a submit with TP-SRR */
		s->SMSC.Location = 0;
		s->SMSC.Validity.Format = SMS_Validity_RelativeFormat;
		s->SMSC.Validity.Relative = SMS_VALID_3_Days;
		unsigned char frame[1000];
		int len = 0;
		memset(frame, 0, sizeof frame);
		if (GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), s, frame, PHONE_SMSSubmit, &len, TRUE) != ERR_NONE)
			return CODEC_ELIB;
		int rc = frame_to_hex(frame, len, &PHONE_SMSSubmit, 0, out->part[i].hex, sizeof out->part[i].hex,
				      &out->part[i].tpdu_len);
		if (rc)
			return rc;
		/* Verify: decode what we built; reference, part numbers and text
		 * must be exactly what was asked for. */
		struct codec_sms chk;
		if (codec_decode(out->part[i].hex, out->part[i].tpdu_len, &chk) != CODEC_OK ||
		    chk.kind != CODEC_SUBMIT || chk.coding != coding ||
		    (multi.Number > 1 && (chk.ref != ref || chk.part != i + 1 || chk.parts != multi.Number)))
			return CODEC_ELIB;
		size_t l = strlen(chk.text);
		if (back_len + l >= sizeof back)
			return CODEC_ETOOLONG;
		memcpy(back + back_len, chk.text, l + 1);
		back_len += l;
	}
	if (strcmp(back, utf8) != 0)
		return coding == CODEC_GSM7 ? CODEC_ENOTGSM7 : CODEC_ELIB;
	return CODEC_OK;
}

int codec_encode_deliver(const char *utf8, const char *from, enum codec_coding coding, int ref,
			 int part, int parts, int64_t scts_s, char *hex, int hexlen, int *tpdu_len)
{
	if (!utf8 || !from || !valid_number(from) || parts < 1 || part < 1 || part > parts || ref < 0 ||
	    ref > 255 || hexlen < 8)
		return CODEC_EINVAL;
	GSM_SMSMessage s;
	memset(&s, 0, sizeof s);
	GSM_SetDefaultSMSData(&s);
	s.PDU = SMS_Deliver;
	if (utf8_to_ucs2(utf8, s.Text, GSM_MAX_SMS_LENGTH) < 0 || utf8_to_ucs2(from, s.Number, 24) < 0)
		return CODEC_EINVAL;
	s.Coding = coding == CODEC_UCS2 ? SMS_Coding_Unicode_No_Compression : SMS_Coding_Default_No_Compression;
	s.Class = -1;
	if (parts > 1) {
		s.UDH.Type = UDH_ConcatenatedMessages;
		s.UDH.ID8bit = ref;
		s.UDH.ID16bit = -1;
		s.UDH.PartNumber = part;
		s.UDH.AllParts = parts;
		GSM_EncodeUDHHeader(GSM_GetGlobalDebug(), &s.UDH);
	} else {
		s.UDH.Type = UDH_NoUDH;
	}
	int64_t t = scts_s, days = t / 86400, rem = t % 86400;
	/* civil from days (inverse of days_from_civil) */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	s.DateTime.Day = (int)(doy - (153 * mp + 2) / 5 + 1);
	s.DateTime.Month = (int)(mp < 10 ? mp + 3 : mp - 9);
	s.DateTime.Year = (int)(yoe + era * 400 + (s.DateTime.Month <= 2));
	s.DateTime.Hour = (int)(rem / 3600);
	s.DateTime.Minute = (int)(rem / 60 % 60);
	s.DateTime.Second = (int)(rem % 60);
	s.DateTime.Timezone = 0;
	unsigned char frame[1000];
	int len = 0;
	memset(frame, 0, sizeof frame);
	if (GSM_EncodeSMSFrame(GSM_GetGlobalDebug(), &s, frame, PHONE_SMSDeliver, &len, TRUE) != ERR_NONE)
		return CODEC_ELIB;
	return frame_to_hex(frame, len, &PHONE_SMSDeliver, 1, hex, (size_t)hexlen, tpdu_len);
}
