/* sim_pdu — the simulated modem's own SMS PDU codec (the network side).
 *
 * The simulator must judge Loa's PDUs the way a real modem and network
 * would, so it does not share Loa's codec module: this file decodes the
 * SMS-SUBMIT PDUs that arrive after AT+CMGS and builds the SMS-DELIVER and
 * SMS-STATUS-REPORT PDUs it sends (+CMT, +CMGR, +CMGL, +CDS).  A bug in one
 * codec then shows up as a mismatch instead of cancelling itself out.
 *
 * All PDUs here are hex strings that start with the SMSC address (as
 * 27.005 PDU mode writes them); tpdu_len is the length in octets without
 * that address, the number AT+CMGS=<len> and +CMT: ,<len> carry. */
#ifndef LOA_SIM_PDU_H
#define LOA_SIM_PDU_H
#include <stddef.h>
#include <stdint.h>

#define SIM_PDU_MAX_PARTS 16
#define SIM_PDU_HEX_MAX   400  /* 2 * (12 SMSC + 176 TPDU) + NUL, rounded */
#define SIM_PDU_TEXT_MAX  1024 /* one part's text as UTF-8 (or hex for 8-bit) */

enum sim_pdu_type { SIM_PDU_DELIVER = 0, SIM_PDU_SUBMIT = 1, SIM_PDU_STATUS = 2 };

/* One decoded PDU of any of the three types. */
struct sim_pdu_info {
	enum sim_pdu_type type;
	char number[48];  /* destination / originator / recipient, "+84..." */
	char text[SIM_PDU_TEXT_MAX];
	const char *coding; /* "gsm7" "ucs2" "8bit" */
	int part, parts;   /* 1/1 when not concatenated */
	int ref;           /* concatenation reference, -1 when none */
	int srr;           /* SUBMIT: status report requested */
	int mr;            /* TP-MR (SUBMIT, STATUS-REPORT) */
	int status;        /* STATUS-REPORT: TP-ST */
	int tpdu_len;
};

struct sim_pdu_part {
	char hex[SIM_PDU_HEX_MAX];
	int tpdu_len;
};
struct sim_pdu_list {
	int n;
	struct sim_pdu_part part[SIM_PDU_MAX_PARTS];
};

/* Decodes hex (with SMSC prefix).  expect_tpdu_len >= 0 must equal the
 * TPDU length (AT+CMGS=<len>); -1 skips that check.  0 ok, -1 bad PDU. */
int sim_pdu_decode(const char *hex, size_t hexlen, int expect_tpdu_len, struct sim_pdu_info *out);

/* UTF-8 text as SMS-DELIVER part(s) from `from`, GSM 7-bit when every
 * character fits, else UCS-2; several parts carry concatenation reference
 * `ref` (0..255).  Time stamp: wall_ms in the local time zone.  0 or -1. */
int sim_pdu_encode_deliver(const char *from, const char *utf8, int ref, int64_t wall_ms,
			   struct sim_pdu_list *out);

/* SMS-SUBMIT part(s) to `to` as a phone or Loa would send them (TP-MR 0,
 * empty SMSC "00", relative validity).  Used by tests and `loa sim --chat`
 * users to produce real PDUs.  force_ucs2 selects UCS-2.  0 or -1. */
int sim_pdu_encode_submit(const char *to, const char *utf8, int ref, int srr, int force_ucs2,
			  struct sim_pdu_list *out);

/* SMS-STATUS-REPORT for message reference mr to recipient, TP-ST status,
 * submitted at submit_ms and discharged at done_ms (wall clock). */
int sim_pdu_encode_status(int mr, const char *recipient, int status, int64_t submit_ms,
			  int64_t done_ms, struct sim_pdu_part *out);

#endif
