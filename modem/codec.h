/* codec — SMS PDUs: text -> hex TPDUs for AT+CMGS, and hex PDUs from
 * +CMT / +CMGR / +CMGL / +CDS -> recipient, text, reference, status.
 *
 * The only module that includes <gammu.h>: libgammu is used as a codec and
 * never as a modem driver (see README, "Hardware").  Callers see plain C
 * types and UTF-8 strings; nothing of libgammu leaks through this header. */
#ifndef LOA_CODEC_H
#define LOA_CODEC_H
#include <stdint.h>

#define CODEC_MAX_PARTS 10
/* A submit TPDU is at most 1 + 1 + 12 + 1 + 1 + 1 + 1 + 140 = 158 octets; the
 * hex also carries the "00" SMSC prefix. */
#define CODEC_HEX_MAX (2 * 176 + 4)

enum codec_coding { CODEC_GSM7 = 0, CODEC_UCS2 = 1 };

enum codec_err {
	CODEC_OK = 0,
	CODEC_EINVAL = -1,     /* bad argument: empty text, bad number, bad UTF-8 */
	CODEC_ENOTGSM7 = -2,   /* GSM 7-bit asked for, text does not fit it */
	CODEC_ETOOLONG = -3,   /* more parts than allowed */
	CODEC_ELIB = -4,       /* libgammu refused */
	CODEC_EPDU = -5,       /* undecodable PDU */
};
const char *codec_strerror(int err);

struct codec_part {
	char hex[CODEC_HEX_MAX];  /* "00" (default SMSC) + TPDU, upper-case hex */
	int tpdu_len;             /* the <length> of AT+CMGS=<length> */
};

struct codec_submit {
	int n;                    /* parts */
	int ref;                  /* concatenation reference used (multipart only) */
	struct codec_part part[CODEC_MAX_PARTS];
};

/* Encodes `utf8` (NFC) to `to` (E.164 "+84..." or national digits) as
 * SMS-SUBMIT PDUs; `srr` 1 requests a status report (deliveries), 0 not
 * (replies to short codes: nothing waits for their report).  For more than one part the
 * concatenation reference is `ref` (1..255), chosen by the caller; libgammu's
 * clock-based one is never used.  GSM 7-bit is verified by decoding the
 * encoded parts back: a text that would lose a character fails with
 * CODEC_ENOTGSM7 instead of sending '?'. */
int codec_encode_submit(const char *utf8, const char *to, enum codec_coding coding, int ref,
			int max_parts, int srr, struct codec_submit *out);

/* Test and simulator helper: an SMS-DELIVER PDU (hex with SMSC prefix) from
 * `from`, as part `part` of `parts` with reference `ref` (parts = 1: no UDH).
 * Splits nothing: `utf8` must fit one part. */
int codec_encode_deliver(const char *utf8, const char *from, enum codec_coding coding, int ref,
			 int part, int parts, int64_t scts_s, char *hex, int hexlen, int *tpdu_len);

enum codec_kind { CODEC_DELIVER = 1, CODEC_STATUS, CODEC_SUBMIT };
enum codec_report { CODEC_REPORT_DELIVERED = 1, CODEC_REPORT_PENDING, CODEC_REPORT_FAILED };

struct codec_sms {
	enum codec_kind kind;
	char number[32];          /* sender (deliver) or recipient (status report) */
	char text[1024];          /* UTF-8, deliver only */
	enum codec_coding coding;
	int ref, part, parts;     /* concatenation; parts = 1 when not concatenated */
	int mr;                   /* TP-MR (status report) */
	int status;               /* TP-ST (status report) */
	int64_t scts_s;           /* service-centre time stamp, epoch seconds */
};

/* Decodes the hex PDU of +CMT / +CMGR / +CMGL / +CDS.  `tpdu_len` is the
 * <length> the modem announced (or -1 if unknown): with it, a PDU with or
 * without the SMSC prefix is accepted. */
int codec_decode(const char *hex, int tpdu_len, struct codec_sms *out);

/* TP-ST -> delivered / still trying / failed (3GPP TS 23.040 9.2.3.15). */
enum codec_report codec_report_class(int status);
#endif
