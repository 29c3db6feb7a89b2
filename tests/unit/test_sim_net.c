/* Unit tests of the simulated modem's SIM and network (sim/): credit
 * (submits refused with +CMS after the PDU), the balance USSD in its three
 * codings, a modem gone mute, registration lost and regained, PIN / PUK /
 * missing SIM, and carrier messages from an alphanumeric sender.  Expected
 * strings are what real modems send (27.005, 27.007, 23.038). */
#include "tests/simtest.h"

/* AT+CMGS for a one-part message; returns what the PDU got. */
static const char *send_one(struct sim_modem *m, const struct sim_pdu_list *l)
{
	const char *p = prompt_for(m, l, 0);
	assert_string_equal(p, "\r\n> ");
	return pdu_of(m, l, 0);
}

/* GSM 7-bit packed hex -> septets (the GSM codes of ASCII letters, digits
 * and the punctuation used here are the ASCII codes). */
static const char *unpack7(const char *hex)
{
	static char res[256];
	size_t n = strlen(hex) / 2, k = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned b;
		assert_int_equal(sscanf(hex + 2 * i, "%2X", &b), 1);
		acc |= b << bits;
		bits += 8;
		while (bits >= 7 && k + 1 < sizeof res) {
			res[k++] = (char)(acc & 0x7F);
			acc >>= 7;
			bits -= 7;
		}
	}
	res[k] = '\0';
	return res;
}

static const char *ucs2_of_ascii(const char *s)
{
	static char res[1024];
	res[0] = '\0';
	for (; *s; s++)
		snprintf(res + strlen(res), sizeof res - strlen(res), "00%02X", (unsigned char)*s);
	return res;
}

static void test_credit(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "Hop thon", 0, &l);
	assert_string_equal(send_one(m, &l), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	/* out of credit: the prompt still comes, the refusal after the PDU */
	assert_string_equal(ctl(s, "credit m1 empty"), "ok");
	assert_string_equal(send_one(m, &l), "\r\n+CMS ERROR: 50\r\n");
	assert_string_equal(send_one(m, &l), "\r\n+CMS ERROR: 50\r\n");
	assert_string_equal(io(m, "AT+CSQ\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"); /* nothing else */
	const char *codes[] = { "21", "38", "42" };
	for (size_t i = 0; i < 3; i++) {
		char c[48], want[48];
		snprintf(c, sizeof c, "credit m1 empty %s", codes[i]);
		assert_string_equal(ctl(s, c), "ok");
		snprintf(want, sizeof want, "\r\n+CMS ERROR: %s\r\n", codes[i]);
		assert_string_equal(send_one(m, &l), want);
	}
	/* with a network delay: refused when the network answers */
	assert_string_equal(ctl(s, "set m1 cmgs_delay_ms 300"), "ok");
	prompt_for(m, &l, 0);
	assert_string_equal(pdu_of(m, &l, 0), "");
	advance(s, 300);
	assert_string_equal(out(m), "\r\n+CMS ERROR: 42\r\n");
	const char *st = ctl(s, "stats");
	assert_non_null(strstr(st, " refused_credit=6 "));
	assert_non_null(strstr(st, " m1.refused_credit=6 "));
	assert_non_null(strstr(st, " m1.credit=empty m1.balance=0 "));
	assert_non_null(strstr(st, " m2.credit=ok m2.balance=125000 "));
	assert_non_null(strstr(st, " rejected=6 "));
	/* topped up: sends again, the message references carry on */
	assert_string_equal(ctl(s, "credit m1 topup"), "ok");
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	advance(s, 300);
	assert_string_equal(out(m), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), " m1.credit=ok m1.balance=125000 "));
	assert_string_equal(ctl(s, "credit m1 topup 50000"), "ok");
	assert_non_null(strstr(ctl(s, "stats"), " m1.balance=50000 "));
	/* a fault of its own still comes first */
	assert_string_equal(ctl(s, "credit m1 empty"), "ok");
	assert_string_equal(ctl(s, "fault m1 cms 500 1"), "ok");
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	advance(s, 300);
	assert_string_equal(out(m), "\r\n+CMS ERROR: 500\r\n");
	assert_string_equal(ctl(s, "credit m1 empty 0"), "err credit empty: CODE must be 1..65535");
	assert_string_equal(ctl(s, "credit m1 full"), "err usage: credit M empty [CODE]|topup [N]|balance N");
	assert_string_equal(ctl(s, "credit m3 empty"), "err unknown modem 'm3'");
	sim_free(s);
}

/* The +CUSD line after a request: OK at once, the answer ussd_delay_ms
 * (1000) later. */
static const char *cusd(struct sim *s, struct sim_modem *m, const char *req)
{
	assert_string_equal(io(m, req), "\r\nOK\r\n");
	advance(s, 999);
	assert_string_equal(out(m), "");
	advance(s, 1);
	return out(m);
}

static void test_ussd(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	const char *req = "AT+CUSD=1,\"*101#\",15\r";
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"TK goc: 125.000d, HSD: 31/12/2026\",15\r\n");
	assert_string_equal(io(m, "AT+CUSD?\r"), "\r\n+CUSD: 1\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CUSD=?\r"), "\r\n+CUSD: (0-2)\r\n\r\nOK\r\n");
	/* the balance follows the credit */
	assert_string_equal(ctl(s, "credit m1 balance 12345"), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"TK goc: 12.345d, HSD: 31/12/2026\",15\r\n");
	assert_string_equal(ctl(s, "credit m1 empty"), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"TK goc: 0d, HSD: 31/12/2026\",15\r\n");
	assert_string_equal(ctl(s, "credit m1 topup"), "ok");
	/* UCS2: UTF-16BE hex, dcs 72, whatever the character set */
	assert_string_equal(ctl(s, "ussd m1 enc ucs2"), "ok");
	char want[1200];
	snprintf(want, sizeof want, "\r\n+CUSD: 0,\"%s\",72\r\n", ucs2_of_ascii("TK goc: 12.345d, HSD: 31/12/2026"));
	assert_string_equal(cusd(s, m, req), want);
	assert_string_equal(ctl(s, "ussd m1 text \"Tài khoản gốc: {balance} VND\""), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"005400E000690020006B0068006F1EA3006E00200067"
					   "1ED10063003A002000310032002E00330034003500200056004E0044\",72\r\n");
	/* GSM 7-bit packed, as hex, dcs 15 */
	assert_string_equal(ctl(s, "ussd m1 enc gsm7-packed"), "ok");
	assert_string_equal(ctl(s, "ussd m1 text hellohello"), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"E8329BFD4697D9EC37\",15\r\n");
	assert_string_equal(ctl(s, "ussd m1 text default"), "ok");
	char hex[512];
	assert_int_equal(sscanf(cusd(s, m, req), "\r\n+CUSD: 0,\"%511[0-9A-F]\",15\r\n", hex), 1);
	assert_string_equal(unpack7(hex), "TK goc: 12.345d, HSD: 31/12/2026");
	/* 7 spare bits in the last octet: a CR, not an '@' */
	assert_string_equal(ctl(s, "ussd m1 text TKC {amount} d"), "ok");
	assert_int_equal(sscanf(cusd(s, m, req), "\r\n+CUSD: 0,\"%511[0-9A-F]\",15\r\n", hex), 1);
	assert_string_equal(unpack7(hex), "TKC 12345 d"); /* 11 septets: no pad needed */
	assert_string_equal(ctl(s, "ussd m1 text TKC {amount}"), "ok");
	assert_int_equal(sscanf(cusd(s, m, req), "\r\n+CUSD: 0,\"%511[0-9A-F]\",15\r\n", hex), 1);
	assert_int_equal(strlen(hex), 16); /* 9 septets in 8 octets */
	assert_string_equal(ctl(s, "ussd m1 text 1234567"), "ok");
	assert_int_equal(sscanf(cusd(s, m, req), "\r\n+CUSD: 0,\"%511[0-9A-F]\",15\r\n", hex), 1);
	assert_string_equal(unpack7(hex), "1234567\r");
	/* gsm7: the text in quotes; AT+CSCS="UCS2" shows it as hex, still 15;
	 * what the alphabet lacks becomes '?' */
	assert_string_equal(ctl(s, "ussd m1 enc gsm7"), "ok");
	assert_string_equal(ctl(s, "ussd m1 text So du TK chinh la {balance} VND"), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"So du TK chinh la 12.345 VND\",15\r\n");
	io(m, "AT+CSCS=\"UCS2\"\r");
	snprintf(want, sizeof want, "\r\n+CUSD: 0,\"%s\",15\r\n", ucs2_of_ascii("So du TK chinh la 12.345 VND"));
	assert_string_equal(cusd(s, m, "AT+CUSD=1,\"002A0031003000310023\",15\r"), want);
	io(m, "AT+CSCS=\"GSM\"\r");
	assert_string_equal(ctl(s, "ussd m1 text Số dư {amount}đ"), "ok");
	assert_string_equal(cusd(s, m, req), "\r\n+CUSD: 0,\"S? d? 12345?\",15\r\n");
	/* an unknown code: +CUSD: 4; another balance code */
	assert_string_equal(cusd(s, m, "AT+CUSD=1,\"*999#\",15\r"), "\r\n+CUSD: 4\r\n");
	assert_string_equal(ctl(s, "ussd m1 code *102#"), "ok");
	assert_string_equal(cusd(s, m, "AT+CUSD=1,\"*101#\",15\r"), "\r\n+CUSD: 4\r\n");
	assert_string_equal(ctl(s, "ussd m1 code *101#"), "ok");
	/* AT+CUSD=2 cancels: the answer never comes; one session at a time */
	io(m, "AT+CMEE=1\r");
	assert_string_equal(io(m, req), "\r\nOK\r\n");
	assert_string_equal(io(m, req), "\r\n+CME ERROR: 3\r\n");
	assert_string_equal(io(m, "AT+CUSD=2\r"), "\r\nOK\r\n");
	advance(s, 5000);
	assert_string_equal(out(m), "");
	/* AT+CUSD=0: asked, but not presented */
	assert_string_equal(io(m, "AT+CUSD=0,\"*101#\",15\r"), "\r\nOK\r\n");
	advance(s, 1000);
	assert_string_equal(out(m), "");
	/* an answer that comes while a command runs waits for its result
	 * (with urc_after_prompt it would go out between "> " and +CMGS);
	 * the delay is a setting */
	assert_string_equal(ctl(s, "set m1 urc_after_prompt 0"), "ok");
	assert_string_equal(ctl(s, "set m1 ussd_delay_ms 100"), "ok");
	assert_string_equal(ctl(s, "set m1 cmgs_delay_ms 500"), "ok");
	assert_string_equal(io(m, req), "\r\nOK\r\n");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 0, &l);
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	advance(s, 100);
	assert_string_equal(out(m), "");
	advance(s, 400);
	assert_string_equal(out(m), "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\n+CUSD: 0,\"S? d? 12345?\",15\r\n");
	/* no network: refused at once; no SIM: the SIM's error */
	assert_string_equal(ctl(s, "reg m1 lost"), "ok");
	assert_string_equal(io(m, req), "\r\n+CME ERROR: 30\r\n");
	assert_string_equal(ctl(s, "sim m1 missing"), "ok");
	assert_string_equal(io(m, req), "\r\n+CME ERROR: 10\r\n");
	assert_non_null(strstr(ctl(s, "stats"), " cusd=16 "));
	assert_string_equal(ctl(s, "ussd m1 enc utf8"), "err ussd enc: gsm7|gsm7-packed|ucs2, not 'utf8'");
	sim_free(s);
}

static void test_mute(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "AT+CNMI=2,1,0,1,0\r");
	assert_string_equal(ctl(s, "fault m1 mute"), "ok");
	assert_string_equal(io(m, "AT\r"), ""); /* not even the echo */
	assert_string_equal(io(m, "AT+CMGS=20\r"), "");
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Chao"), "ok parts=1");
	advance(s, 60000);
	assert_string_equal(out(m), "");
	assert_non_null(strstr(ctl(s, "stats"), " m1.muted=1"));
	/* back: the message that waited arrives, commands are answered */
	assert_string_equal(ctl(s, "fault m1 unmute"), "ok");
	assert_string_equal(out(m), "\r\n+CMTI: \"SM\",0\r\n");
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n");
	/* a status report waits for the modem to speak again */
	io(m, "ATE0\r");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 1, &l);
	assert_string_equal(send_one(m, &l), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(ctl(s, "fault m1 mute"), "ok");
	advance(s, 5000);
	assert_string_equal(out(m), "");
	assert_string_equal(ctl(s, "fault m1 unmute"), "ok");
	advance(s, 200);
	assert_true(strncmp(out(m), "\r\n+CDS: ", 8) == 0);
	/* gone mute with a prompt open: the prompt is dropped */
	submit_pdu("+84912345678", "x", 0, &l);
	assert_string_equal(prompt_for(m, &l, 0), "\r\n> ");
	assert_string_equal(ctl(s, "fault m1 mute"), "ok");
	assert_string_equal(pdu_of(m, &l, 0), "");
	assert_string_equal(ctl(s, "fault m1 clear"), "ok");
	assert_string_equal(io(m, "AT\r"), "\r\nOK\r\n");
	/* a power cycle cures it */
	assert_string_equal(ctl(s, "fault m1 mute"), "ok");
	assert_string_equal(ctl(s, "fault m1 vanish 10"), "ok");
	advance(s, 10);
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n");
	sim_free(s);
}

static void test_registration(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	io(m, "AT+CREG=1\r");
	assert_string_equal(ctl(s, "reg m1 lost"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 2\r\n");
	assert_string_equal(io(m, "AT+CREG?\r"), "\r\n+CREG: 1,2\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CSQ\r"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+COPS?\r"), "\r\n+COPS: 0\r\n\r\nOK\r\n");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 0, &l);
	assert_string_equal(send_one(m, &l), "\r\n+CMS ERROR: 331\r\n");
	assert_string_equal(ctl(s, "set m1 dial_waits 0"), "ok");
	assert_string_equal(io(m, "ATD0912345678;\r"), "\r\nNO CARRIER\r\n");
	/* not searching any more: 0; no URC when nothing changes */
	assert_string_equal(ctl(s, "reg m1 lost 0"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 0\r\n");
	assert_string_equal(ctl(s, "reg m1 lost 0"), "ok");
	assert_string_equal(out(m), "");
	assert_string_equal(io(m, "AT+CREG?\r"), "\r\n+CREG: 1,0\r\n\r\nOK\r\n");
	/* regained: the URC, then everything as before */
	assert_string_equal(ctl(s, "reg m1 ok"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 1\r\n");
	assert_string_equal(send_one(m, &l), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CSQ\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "ATD0912345678;\r"), "\r\nOK\r\n");
	io(m, "ATH\r");
	/* AT+CREG=2: the location with a registered stat */
	io(m, "AT+CREG=2\r");
	assert_string_equal(ctl(s, "reg m1 lost 3"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 3\r\n");
	assert_string_equal(ctl(s, "reg m1 ok"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 1,\"1A2B\",\"00C3D4E0\",7\r\n");
	/* lost while the PDU waits for the network: refused then (the URC
	 * goes out at once after a prompt: urc_after_prompt) */
	assert_string_equal(ctl(s, "set m1 cmgs_delay_ms 300"), "ok");
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	assert_string_equal(ctl(s, "reg m1 lost"), "ok");
	advance(s, 300);
	assert_string_equal(out(m), "\r\n+CREG: 2\r\n\r\n+CMS ERROR: 331\r\n");
	const char *st = ctl(s, "stats");
	assert_non_null(strstr(st, " refused_noreg=2 "));
	assert_non_null(strstr(st, " m1.creg=2 "));
	assert_string_equal(ctl(s, "reg m1 lost 1"), "err reg lost: STAT must be 0, 2, 3 or 4");
	sim_free(s);
}

static void test_sim_card(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	io(m, "AT+CMEE=1;+CREG=1\r");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 0, &l);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	/* PIN: asked for; the default PIN is 1234 */
	assert_string_equal(ctl(s, "sim m1 pin"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 0\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CIMI\r"), "\r\n+CME ERROR: 11\r\n");
	assert_string_equal(io(m, "AT+CUSD=1,\"*101#\",15\r"), "\r\n+CME ERROR: 11\r\n");
	assert_string_equal(io(m, cmd), "\r\n+CMS ERROR: 311\r\n");
	assert_string_equal(io(m, "ATD0912345678;\r"), "\r\n+CME ERROR: 11\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"0000\"\r"), "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"1234\"\r"), "\r\nOK\r\n\r\n+CREG: 1\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CREG?\r"), "\r\n+CREG: 1,1\r\n\r\nOK\r\n");
	/* PUK: the PIN is no use; the PUK and a new PIN unblock it */
	assert_string_equal(ctl(s, "sim m1 puk"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 0\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CIMI\r"), "\r\n+CME ERROR: 12\r\n");
	assert_string_equal(io(m, cmd), "\r\n+CMS ERROR: 316\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"1234\"\r"), "\r\n+CME ERROR: 4\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"11111111\",\"4321\"\r"), "\r\n+CME ERROR: 16\r\n");
	io(m, "AT+CMEE=2\r");
	assert_string_equal(io(m, "AT+CIMI\r"), "\r\n+CME ERROR: SIM PUK required\r\n");
	io(m, "AT+CMEE=1\r");
	assert_string_equal(io(m, "AT+CPIN=\"12345678\",\"4321\"\r"), "\r\nOK\r\n\r\n+CREG: 1\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	/* the new PIN is asked at the next boot: the SIM, not the modem */
	assert_string_equal(ctl(s, "fault m1 vanish 0"), "ok");
	advance(s, 0);
	io(m, "ATE0;+CMEE=1\r");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"4321\"\r"), "\r\nOK\r\n");
	/* no SIM at all */
	io(m, "AT+CREG=1\r");
	assert_string_equal(ctl(s, "sim m1 missing"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 0\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(io(m, "AT+CIMI\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(io(m, cmd), "\r\n+CMS ERROR: 310\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"4321\"\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(io(m, "AT+CREG?\r"), "\r\n+CREG: 1,0\r\n\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), " m1.sim=missing m1.creg=0 "));
	/* ok: ready, no PIN asked any more, registered again */
	assert_string_equal(ctl(s, "sim m1 ok"), "ok");
	assert_string_equal(out(m), "\r\n+CREG: 1\r\n");
	assert_string_equal(send_one(m, &l), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(ctl(s, "fault m1 vanish 0"), "ok");
	advance(s, 0);
	assert_string_equal(io(m, "AT+CPIN?\r"), "AT+CPIN?\r\r\n+CPIN: READY\r\n\r\nOK\r\n");
	/* a PIN of one's own */
	assert_string_equal(ctl(s, "sim m1 pin 0000"), "ok");
	assert_string_equal(io(m, "AT+CPIN=\"0000\"\r"), "AT+CPIN=\"0000\"\r\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), " m1.sim=ready "));
	assert_string_equal(ctl(s, "sim m1 lost"), "err usage: sim M pin [PIN]|puk|missing|ok");
	sim_free(s);
}

/* Carriers send balance and expiry messages from names and short
 * numbers: alphanumeric (TON 5) and unknown-type originators. */
static void test_inject_carrier(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	io(m, "AT+CNMI=2,1,0,1,0\r");
	const char *from[] = { "Viettel", "MobiFone", "191" };
	for (int i = 0; i < 3; i++) {
		char c[160];
		snprintf(c, sizeof c, "inject m1 cmti %s TKC 12.345d, HSD 31/12/2026", from[i]);
		assert_string_equal(ctl(s, c), "ok parts=1");
		char want[32];
		snprintf(want, sizeof want, "\r\n+CMTI: \"SM\",%d\r\n", i);
		assert_string_equal(out(m), want);
		snprintf(c, sizeof c, "AT+CMGR=%d\r", i);
		int st, len;
		char hex[512];
		assert_int_equal(sscanf(io(m, c), "\r\n+CMGR: %d,,%d\r\n%511[0-9A-F]", &st, &len, hex), 3);
		struct sim_pdu_info p;
		assert_int_equal(sim_pdu_decode(hex, strlen(hex), len, &p), 0);
		assert_string_equal(p.number, from[i]);
		assert_string_equal(p.text, "TKC 12.345d, HSD 31/12/2026");
	}
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credit),
		cmocka_unit_test(test_ussd),
		cmocka_unit_test(test_mute),
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_sim_card),
		cmocka_unit_test(test_inject_carrier),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
