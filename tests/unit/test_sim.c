/* Unit tests of the simulated modem (sim/): AT bytes in, bytes out,
 * on a fake clock, without ptys (one test starts the ptys to check the
 * JSON log).  Expected strings are what real modems send, per
 * the README hardware notes and 27.005/27.007. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/util.h"
#include "sim/sim.h"
#include "sim/sim_pdu.h"
#include "tests/simtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_echo_and_basics(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n");
	assert_string_equal(io(m, "ATE0\r"), "ATE0\r\r\nOK\r\n");
	assert_string_equal(io(m, "AT\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "at+csq\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	/* several commands on one line, basic ones without separators */
	assert_string_equal(io(m, "ATE0V1;+CMGF=0;+CREG?\r"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+NOPE\r"), "\r\nERROR\r\n");
	/* the first failing command ends the line */
	assert_string_equal(io(m, "AT+NOPE;+CSQ\r"), "\r\nERROR\r\n");
	/* V0: numeric result codes */
	assert_string_equal(io(m, "ATV0\r"), "0\r");
	assert_string_equal(io(m, "AT+BAD\r"), "4\r");
	assert_string_equal(io(m, "ATV1\r"), "\r\nOK\r\n");
	/* LF alone does not end a line; text before AT is ignored */
	assert_string_equal(io(m, "AT\n"), "");
	assert_string_equal(io(m, "\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "xx AT\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "hello\r"), "");
	/* backspace edits the line */
	assert_string_equal(io(m, "AT+CSX\bQ\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "ATZ\r"), "\r\nOK\r\n"); /* echoed under the old setting */
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n");
	sim_free(s);
}

static void test_chunks(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(io(m, "A"), "");
	assert_string_equal(io(m, "T+C"), "");
	assert_string_equal(io(m, "SQ"), "");
	assert_string_equal(io(m, "\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT\rAT+CMEE?\rAT\r"),
			    "\r\nOK\r\n\r\n+CMEE: 0\r\n\r\nOK\r\n\r\nOK\r\n");
	sim_free(s);
}

static void test_identification(void **state)
{
	(void)state;
	struct sim *s = mk("huawei,simcom", "delivered");
	struct sim_modem *h = sim_modem_at(s, 0), *c = sim_modem_at(s, 1);
	io(h, "ATE0\r");
	io(c, "ATE0\r");
	assert_string_equal(io(h, "AT+CGMI\r"), "\r\nhuawei\r\n\r\nOK\r\n");
	assert_string_equal(io(h, "AT+CGMM\r"), "\r\nE173\r\n\r\nOK\r\n");
	assert_string_equal(io(c, "AT+CGMR\r"), "\r\n+CGMR: LE20B04SIM7600M22\r\n\r\nOK\r\n");
	const char *ati = io(h, "ATI\r");
	assert_non_null(strstr(ati, "\r\nManufacturer: huawei\r\nModel: E173\r\n"));
	assert_non_null(strstr(ati, "IMEI: 869123"));
	assert_string_equal(io(h, "AT^CVOICE?\r"), "\r\n^CVOICE: 0,8000,16,20\r\n\r\nOK\r\n");
	assert_string_equal(io(c, "AT^CVOICE?\r"), "\r\nERROR\r\n"); /* not a SIMCom command */
	assert_string_equal(io(c, "AT+CPCMREG=1\r"), "\r\nERROR\r\n"); /* no call up */
	assert_string_equal(io(c, "AT+CPCMREG=0\r"), "\r\nOK\r\n");
	assert_string_equal(io(c, "AT+CNMI?\r"), "\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n");
	assert_string_equal(io(h, "AT+CNMI?\r"), "\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
	sim_free(s);
	s = mk("quectel", "delivered");
	struct sim_modem *q = sim_modem_at(s, 0);
	io(q, "ATE0\r");
	assert_string_equal(io(q, "AT+QPCMV=1,0\r"), "\r\nOK\r\n");
	assert_string_equal(io(q, "AT+QPCMV?\r"), "\r\n+QPCMV: 1,0\r\n\r\nOK\r\n");
	assert_string_equal(io(q, "AT+QINDCFG=\"ccinfo\",1\r"), "\r\nOK\r\n");
	assert_string_equal(io(q, "AT+QTONEDET=1\r"), "\r\nOK\r\n");
	assert_non_null(strstr(io(q, "ATI\r"), "\r\nQuectel\r\nEC25\r\n"));
	sim_free(s);
}

static void test_cmgs(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "Xin chào bà con", 1, &l);
	assert_int_equal(l.n, 1);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	io(m, "ATE0\r");
	assert_string_equal(io(m, cmd), "\r\n> ");
	char pdu[512];
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	assert_string_equal(io(m, pdu), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(io(m, cmd), "\r\n> ");
	assert_string_equal(io(m, pdu), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	/* wrong <len> */
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len + 1);
	io(m, cmd);
	assert_string_equal(io(m, pdu), "\r\n+CMS ERROR: 304\r\n");
	/* not hex */
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	io(m, cmd);
	assert_string_equal(io(m, "00zz\x1a"), "\r\n+CMS ERROR: 304\r\n");
	/* ESC cancels */
	io(m, cmd);
	assert_string_equal(io(m, "0011\x1b"), "\r\nOK\r\n");
	/* with echo the PDU is echoed after the prompt */
	io(m, "ATE1\r");
	const char *o = io(m, cmd);
	assert_non_null(strstr(o, "\r\n> "));
	o = io(m, pdu);
	assert_non_null(strstr(o, l.part[0].hex));
	assert_non_null(strstr(o, "+CMGS: 2\r\n\r\nOK\r\n"));
	assert_non_null(strstr(ctl(s, "stats"), "m1.parts=3 "));
	assert_non_null(strstr(ctl(s, "stats"), "m1.rejected=2 "));
	sim_free(s);
}

static void test_mr_wraps_and_delay(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "none");
	struct sim_modem *m = sim_modem_at(s, 0);
	struct sim_pdu_list l;
	submit_pdu("0912345678", "hello", 0, &l);
	char cmd[64], pdu[512];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	io(m, "ATE0\r");
	for (int i = 0; i < 256; i++) {
		io(m, cmd);
		io(m, pdu);
	}
	io(m, cmd);
	assert_string_equal(io(m, pdu), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	/* network delay: nothing until it has passed; input waits meanwhile */
	assert_string_equal(ctl(s, "set m1 cmgs_delay_ms 3000"), "ok");
	io(m, cmd);
	assert_string_equal(io(m, pdu), "");
	assert_string_equal(io(m, "AT\r"), "");
	advance(s, 2999);
	assert_string_equal(out(m), "");
	advance(s, 1);
	assert_string_equal(out(m), "\r\n+CMGS: 1\r\n\r\nOK\r\n\r\nOK\r\n");
	sim_free(s);
}

static void test_status_reports(void **state)
{
	(void)state;
	struct sim *s = mk("simcom", "mix");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(io(m, "AT+CNMI=2,1,0,1,0\r"), "\r\nOK\r\n");
	const char *to[] = { "+84912345670", "+84912345677", "+84912345679" };
	const int want[] = { 0x00, 0x46, -1 };
	for (int i = 0; i < 3; i++) {
		struct sim_pdu_list l;
		submit_pdu(to[i], "Họp thôn 8h sáng mai", 1, &l);
		char cmd[64], pdu[512];
		snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
		snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
		io(m, cmd);
		io(m, pdu);
		advance(s, 1000);
		const char *o = out(m);
		if (want[i] < 0) {
			assert_string_equal(o, "");
			continue;
		}
		int len;
		char hex[512];
		assert_int_equal(sscanf(o, "\r\n+CDS: %d\r\n%511[0-9A-F]\r\n", &len, hex), 2);
		struct sim_pdu_info p;
		assert_int_equal(sim_pdu_decode(hex, strlen(hex), len, &p), 0);
		assert_int_equal(p.type, SIM_PDU_STATUS);
		assert_int_equal(p.mr, i);
		assert_int_equal(p.status, want[i]);
		assert_string_equal(p.number, to[i]);
	}
	/* per-recipient override beats the mode (given in national form, it
	 * matches the E.164 recipient); polite modems (urc_after_prompt 0)
	 * hold a report due during the prompt until the command's final
	 * result */
	assert_string_equal(ctl(s, "report 0912345679 failed"), "ok");
	assert_string_equal(ctl(s, "set m1 urc_after_prompt 0"), "ok");
	struct sim_pdu_list l;
	submit_pdu("+84912345679", "x", 1, &l);
	char cmd[64], pdu[512];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	io(m, cmd);
	io(m, pdu);
	assert_string_equal(io(m, cmd), "\r\n> ");
	advance(s, 1000);
	assert_string_equal(out(m), "");
	const char *o = io(m, "\x1b");
	assert_true(strncmp(o, "\r\nOK\r\n\r\n+CDS: ", 14) == 0);
	assert_non_null(strstr(ctl(s, "stats"), "reports=3 "));
	sim_free(s);
}

static void test_inject(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	/* CNMI 0,0: stored silently */
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Chào bà con ạ"), "ok parts=1");
	assert_string_equal(out(m), "");
	assert_non_null(strstr(ctl(s, "stats"), "m1.pending=1 "));
	io(m, "AT+CNMI=2,1,0,1,0\r");
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Hai"), "ok parts=1");
	assert_string_equal(out(m), "\r\n+CMTI: \"SM\",1\r\n");
	int st, len;
	char hex[512];
	assert_int_equal(sscanf(io(m, "AT+CMGR=0\r"), "\r\n+CMGR: %d,,%d\r\n%511[0-9A-F]", &st, &len, hex), 3);
	assert_int_equal(st, 0);
	struct sim_pdu_info p;
	assert_int_equal(sim_pdu_decode(hex, strlen(hex), len, &p), 0);
	assert_int_equal(p.type, SIM_PDU_DELIVER);
	assert_string_equal(p.text, "Chào bà con ạ");
	assert_string_equal(p.coding, "ucs2");
	assert_string_equal(p.number, "+84911111111");
	assert_true(strstr(io(m, "AT+CMGR=0\r"), "+CMGR: 1,,") != NULL); /* now read */
	const char *l = io(m, "AT+CMGL=4\r");
	assert_non_null(strstr(l, "+CMGL: 0,1,,"));
	assert_non_null(strstr(l, "+CMGL: 1,0,,"));
	assert_string_equal(io(m, "AT+CMGD=0\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CMGR=0\r"), "\r\n+CMS ERROR: 321\r\n");
	assert_string_equal(io(m, "AT+CMGD=0,4\r"), "\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m1.pending=0 "));
	/* +CMT needs <mt>=2; a long text becomes a concatenated message */
	io(m, "AT+CNMI=2,2,0,1,0\r");
	char cmd[600] = "inject m1 cmt +84922222222 ";
	for (int i = 0; i < 200; i++)
		strcat(cmd, "a");
	const char *r = ctl(s, cmd);
	assert_true(strncmp(r, "ok parts=2 ref=", 15) == 0);
	const char *o = out(m);
	char h1[512], h2[512];
	int l1, l2;
	assert_int_equal(sscanf(o, "\r\n+CMT: ,%d\r\n%511[0-9A-F]\r\n\r\n+CMT: ,%d\r\n%511[0-9A-F]", &l1, h1,
				&l2, h2), 4);
	struct sim_pdu_info a, b;
	assert_int_equal(sim_pdu_decode(h1, strlen(h1), l1, &a), 0);
	assert_int_equal(sim_pdu_decode(h2, strlen(h2), l2, &b), 0);
	assert_int_equal(a.parts, 2);
	assert_int_equal(a.part, 1);
	assert_int_equal(b.part, 2);
	assert_int_equal(a.ref, b.ref);
	assert_string_equal(a.coding, "gsm7");
	assert_int_equal(strlen(a.text) + strlen(b.text), 200);
	assert_string_equal(ctl(s, "inject m9 cmt 1 x"), "err unknown modem 'm9'");
	sim_free(s);
}

static void test_faults(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(ctl(s, "fault m1 error 2"), "ok");
	assert_string_equal(io(m, "AT\r"), "\r\nERROR\r\n");
	assert_string_equal(io(m, "AT\r"), "\r\nERROR\r\n");
	assert_string_equal(io(m, "AT\r"), "\r\nOK\r\n");
	assert_string_equal(ctl(s, "fault m1 cms 500 1"), "ok");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 0, &l);
	char cmd[64], pdu[512];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	assert_string_equal(io(m, cmd), "\r\n> ");
	assert_string_equal(io(m, pdu), "\r\n+CMS ERROR: 500\r\n");
	assert_string_equal(ctl(s, "fault m1 cms 38 1"), "ok");
	assert_string_equal(io(m, "AT+CSQ\r"), "\r\n+CMS ERROR: 38\r\n");
	io(m, "ATE1\r");
	assert_string_equal(ctl(s, "fault m1 silence 1"), "ok");
	assert_string_equal(io(m, "AT\r"), ""); /* not even echo */
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n");
	assert_string_equal(ctl(s, "fault m1 garbage 17"), "ok garbage=17");
	size_t n;
	char *g = sim_output_take(m, &n);
	assert_int_equal(n, 17);
	free(g);
	assert_string_equal(ctl(s, "fault m1 bogus"), "err fault: unknown fault 'bogus'");
	sim_free(s);
}

static void test_vanish_without_ports(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "x", 0, &l);
	char cmd[64], pdu[512];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	ctl(s, "set m1 cmgs_delay_ms 500");
	io(m, cmd);
	io(m, pdu);
	assert_string_equal(ctl(s, "fault m1 vanish 1000"), "ok");
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=0 "));
	assert_string_equal(io(m, "AT\r"), "");
	advance(s, 999);
	assert_string_equal(out(m), ""); /* the +CMGS in flight is lost */
	advance(s, 1);
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=1 "));
	assert_non_null(strstr(ctl(s, "stats"), "m1.parts=0 "));
	assert_string_equal(io(m, "AT\r"), "AT\r\r\nOK\r\n"); /* rebooted: echo on */
	sim_free(s);
}

static void test_calls(void **state)
{
	(void)state;
	struct sim *s = mk("huawei,simcom", "delivered");
	struct sim_modem *h = sim_modem_at(s, 0), *c = sim_modem_at(s, 1);
	io(h, "ATE0\r");
	assert_string_equal(io(h, "ATD0912345678;\r"), "\r\nOK\r\n\r\n^ORIG:1,0\r\n");
	assert_string_equal(io(h, "AT^DDSETEX=2\r"), "\r\nOK\r\n");
	advance(s, 500);
	assert_string_equal(out(h), "\r\n^CONF:1\r\n");
	advance(s, 2000);
	assert_string_equal(out(h), "\r\n^CONN:1,0\r\n");
	assert_string_equal(io(h, "AT+CLCC\r"), "\r\n+CLCC: 1,0,0,0,0,\"0912345678\",129\r\n\r\nOK\r\n");
	advance(s, 3000);
	/* the end comes late: after the next command line's final result */
	assert_string_equal(io(h, "ATH\r"), "\r\nOK\r\n");
	assert_string_equal(io(h, "AT\r"), "\r\nOK\r\n\r\n^CEND:1,3,104,16\r\n");
	io(c, "ATE0\r");
	io(c, "AT+CLCC=1\r");
	assert_string_equal(ctl(s, "call +84900000001 busy"), "ok");
	assert_string_equal(io(c, "ATD+84900000001;\r"),
			    "\r\nOK\r\n\r\n+CLCC: 1,0,2,0,0,\"+84900000001\",145\r\n");
	advance(s, 500);
	assert_string_equal(out(c), "\r\n+CLCC: 1,0,6,0,0,\"+84900000001\",145\r\n\r\nBUSY\r\n");
	io(c, "AT+CLCC=0\r");
	io(c, "ATD0911;\r");
	advance(s, 500);
	advance(s, 2000);
	assert_string_equal(out(c), "\r\nVOICE CALL: BEGIN\r\n");
	assert_string_equal(io(c, "AT+CPCMREG=1\r"), "\r\nOK\r\n");
	advance(s, 2000);
	assert_string_equal(io(c, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(c, "AT\r"), "\r\nOK\r\n\r\nVOICE CALL: END: 000002\r\n");
	/* late_end 0: the old polite order, the end at once behind the OK */
	assert_string_equal(ctl(s, "set all late_end 0"), "ok");
	io(c, "ATD0911;\r");
	advance(s, 500);
	advance(s, 2000);
	assert_string_equal(out(c), "\r\nVOICE CALL: BEGIN\r\n");
	advance(s, 1000);
	assert_string_equal(io(c, "AT+CHUP\r"), "\r\nOK\r\n\r\nVOICE CALL: END: 000001\r\n");
	assert_string_equal(io(h, "ATD0912345678;\r"), "\r\nOK\r\n\r\n^ORIG:1,0\r\n");
	advance(s, 500);
	advance(s, 2000);
	assert_string_equal(out(h), "\r\n^CONF:1\r\n\r\n^CONN:1,0\r\n");
	assert_string_equal(io(h, "ATH\r"), "\r\nOK\r\n\r\n^CEND:1,0,0,16\r\n");
	sim_free(s);
}

/* The +CDS line's PDU decoded; asserts the shape "+CDS: <len>\r\n<hex>\r\n". */
static void decode_cds(const char *text, struct sim_pdu_info *p)
{
	int len;
	char hex[512];
	assert_int_equal(sscanf(text, "\r\n+CDS: %d\r\n%511[0-9A-F]\r\n", &len, hex), 2);
	assert_int_equal(sim_pdu_decode(hex, strlen(hex), len, p), 0);
	assert_int_equal(p->type, SIM_PDU_STATUS);
}

static void test_urc_after_prompt(void **state)
{
	(void)state;
	struct sim *s = mk("simcom", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	io(m, "AT+CNMI=2,1,0,1,0\r");
	struct sim_pdu_list l;
	char text[600] = ""; /* 40 x 12 bytes */
	for (int i = 0; i < 40; i++)
		strcat(text, "Họp thôn ");
	submit_pdu("+84912345678", text, 1, &l);
	assert_true(l.n >= 3);
	/* the first prompt carries nothing; every later one carries the
	 * report of the part before, in the same output chunk */
	assert_string_equal(prompt_for(m, &l, 0), "\r\n> ");
	assert_string_equal(pdu_of(m, &l, 0), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	for (int i = 1; i < l.n; i++) {
		const char *o = prompt_for(m, &l, i);
		assert_true(strncmp(o, "\r\n> \r\n+CDS: ", 12) == 0);
		struct sim_pdu_info p;
		decode_cds(o + 4, &p);
		assert_int_equal(p.mr, i - 1);
		assert_int_equal(p.status, 0);
		char want[32];
		snprintf(want, sizeof want, "\r\n+CMGS: %d\r\n\r\nOK\r\n", i);
		assert_string_equal(pdu_of(m, &l, i), want);
	}
	/* the last part's report: no prompt came, so at report_delay_ms */
	advance(s, 999);
	assert_string_equal(out(m), "");
	advance(s, 1);
	struct sim_pdu_info p;
	decode_cds(out(m), &p);
	assert_int_equal(p.mr, l.n - 1);
	/* a URC that becomes due while the prompt waits goes out at once,
	 * right after it (before the PDU and +CMGS) */
	assert_string_equal(prompt_for(m, &l, 0), "\r\n> ");
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Chào"), "ok parts=1");
	assert_string_equal(out(m), "\r\n+CMTI: \"SM\",0\r\n");
	assert_string_equal(io(m, "\x1b"), "\r\nOK\r\n");
	/* URCs held when the prompt goes out follow it in the same write: a
	 * +CMTI buffered by +CNMI mode 0 is flushed by the +CNMI on the line */
	io(m, "AT+CNMI=0,1,0,1,0\r");
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Hai"), "ok parts=1");
	assert_string_equal(out(m), "");
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CNMI=2,1,0,1,0;+CMGS=%d\r", l.part[0].tpdu_len);
	assert_string_equal(io(m, cmd), "\r\n> \r\n+CMTI: \"SM\",1\r\n");
	assert_string_equal(io(m, "\x1b"), "\r\nOK\r\n");
	char glued[64];
	snprintf(glued, sizeof glued, " urc_after_prompt=%d ", l.n - 1 + 2);
	assert_non_null(strstr(ctl(s, "stats"), glued));
	/* off: the report waits for report_delay_ms behind the final result */
	assert_string_equal(ctl(s, "set m1 urc_after_prompt 0"), "ok");
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	assert_string_equal(prompt_for(m, &l, 1), "\r\n> ");
	assert_string_equal(ctl(s, "inject m1 cmti +84911111111 Ba"), "ok parts=1");
	assert_string_equal(out(m), "");
	assert_string_equal(io(m, "\x1b"), "\r\nOK\r\n\r\n+CMTI: \"SM\",2\r\n");
	advance(s, 1000);
	decode_cds(out(m), &p);
	sim_free(s);
}

/* Dials on a modem whose far end answers after 500 + 2000 ms. */
static void dial_answered(struct sim *s, struct sim_modem *m, const char *atd, const char *want)
{
	assert_string_equal(io(m, atd), want);
	advance(s, 500);
	advance(s, 2000);
	out(m);
}

static void test_late_end(void **state)
{
	(void)state;
	struct sim *s = mk("generic,huawei", "delivered");
	struct sim_modem *g = sim_modem_at(s, 0), *h = sim_modem_at(s, 1);
	io(g, "ATE0\r");
	io(h, "ATE0\r");
	/* generic: OK when answered (dial_waits), and NO CARRIER after the
	 * hang-up, behind the next command line's final result; meanwhile the
	 * call is still listed */
	assert_string_equal(io(g, "ATD0912345678;\r"), "");
	advance(s, 500);
	assert_string_equal(out(g), "");
	advance(s, 2000);
	assert_string_equal(out(g), "\r\nOK\r\n");
	assert_string_equal(io(g, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(g, "AT+CLCC\r"),
			    "\r\n+CLCC: 1,0,0,0,0,\"0912345678\",129\r\n\r\nOK\r\n\r\nNO CARRIER\r\n");
	assert_string_equal(io(g, "AT+CLCC\r"), "\r\nOK\r\n");
	/* dialing again at once: ERROR (a call exists), then the late end */
	dial_answered(s, g, "ATD0912345678;\r", "");
	assert_string_equal(io(g, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(g, "ATD0912345679;\r"), "\r\nERROR\r\n\r\nNO CARRIER\r\n");
	io(g, "AT+CMEE=1\r");
	dial_answered(s, g, "ATD0912345678;\r", "");
	assert_string_equal(io(g, "ATH\r"), "\r\nOK\r\n");
	assert_string_equal(io(g, "ATD0912345679;\r"), "\r\n+CME ERROR: 3\r\n\r\nNO CARRIER\r\n");
	/* no command comes: the end after end_delay_ms (40) */
	dial_answered(s, g, "ATD0912345678;\r", "");
	assert_string_equal(io(g, "AT+CHUP\r"), "\r\nOK\r\n");
	advance(s, 39);
	assert_string_equal(out(g), "");
	advance(s, 1);
	assert_string_equal(out(g), "\r\nNO CARRIER\r\n");
	assert_string_equal(io(g, "AT+CLCC\r"), "\r\nOK\r\n");
	/* Huawei: ^CEND with end_status 104, also late; a hang-up while the
	 * far end rings (listed as alerting until the end) */
	assert_string_equal(io(h, "ATD0912345678;\r"), "\r\nOK\r\n\r\n^ORIG:1,0\r\n");
	advance(s, 500);
	assert_string_equal(out(h), "\r\n^CONF:1\r\n");
	assert_string_equal(io(h, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(h, "AT+CLCC\r"),
			    "\r\n+CLCC: 1,0,3,0,0,\"0912345678\",129\r\n\r\nOK\r\n\r\n^CEND:1,0,104,16\r\n");
	advance(s, 10000); /* the stale answer timer does nothing */
	assert_string_equal(out(h), "");
	sim_free(s);

	/* SIMCom (+CLCC=1) and Quectel (ccinfo): the released state, then
	 * VOICE CALL: END, late */
	s = mk("simcom,quectel", "delivered");
	struct sim_modem *c = sim_modem_at(s, 0), *q = sim_modem_at(s, 1);
	io(c, "ATE0\r");
	io(c, "AT+CLCC=1\r");
	dial_answered(s, c, "ATD+84912345678;\r",
		      "\r\nOK\r\n\r\n+CLCC: 1,0,2,0,0,\"+84912345678\",145\r\n");
	advance(s, 3000);
	assert_string_equal(io(c, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(c, "AT+CSQ\r"), "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
			    "\r\n+CLCC: 1,0,6,0,0,\"+84912345678\",145\r\n\r\nVOICE CALL: END: 000003\r\n");
	/* hung up before the answer: SIMCom still says VOICE CALL: END */
	io(c, "AT+CLCC=0\r");
	io(c, "ATD0912345678;\r");
	assert_string_equal(io(c, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(c, "AT\r"), "\r\nOK\r\n\r\nVOICE CALL: END: 000000\r\n");
	io(q, "ATE0\r");
	io(q, "AT+QINDCFG=\"ccinfo\",1\r");
	dial_answered(s, q, "ATD0912345678;\r",
		      "\r\nOK\r\n\r\n+QIND: \"ccinfo\",1,0,2,0,0,\"0912345678\",129\r\n");
	assert_string_equal(io(q, "AT+CHUP\r"), "\r\nOK\r\n");
	assert_string_equal(io(q, "AT\r"),
			    "\r\nOK\r\n\r\n+QIND: \"ccinfo\",1,0,-1,0,0,\"0912345678\",129\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m2.calls=1 "));
	sim_free(s);
}

static void test_dial_waits(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	/* any byte aborts the dial: NO CARRIER, the byte itself is lost (so
	 * "AT\r" leaves "T\r", which is no command), then input as usual */
	assert_string_equal(io(m, "ATD0912345678;\r"), "ATD0912345678;\r");
	advance(s, 500);
	assert_string_equal(out(m), "");
	assert_string_equal(io(m, "AT\r"), "\r\nNO CARRIER\r\nT\r");
	assert_string_equal(io(m, "AT+CLCC\r"), "AT+CLCC\r\r\nOK\r\n");
	io(m, "ATE0\r");
	/* a byte sent right behind the ATD line aborts it too; the LF of a
	 * CR LF line end does not */
	assert_string_equal(io(m, "ATD0912345678;\r\rAT\r"), "\r\nNO CARRIER\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "ATD0912345678;\r\n"), "");
	assert_string_equal(io(m, "\n"), "");
	assert_string_equal(io(m, "x"), "\r\nNO CARRIER\r\n");
	/* busy and no answer are ATD's final result */
	assert_string_equal(ctl(s, "call 0912000001 busy"), "ok");
	assert_string_equal(ctl(s, "call 0912000002 noanswer"), "ok");
	assert_string_equal(io(m, "ATD0912000001;\r"), "");
	advance(s, 500);
	assert_string_equal(out(m), "\r\nBUSY\r\n");
	assert_string_equal(io(m, "ATD0912000002;\r"), "");
	advance(s, 500);
	advance(s, 29999);
	assert_string_equal(out(m), "");
	advance(s, 1);
	assert_string_equal(out(m), "\r\nNO ANSWER\r\n");
	io(m, "ATV0\r");
	assert_string_equal(io(m, "ATD0912000001;\r"), "");
	advance(s, 500);
	assert_string_equal(out(m), "7\r");
	io(m, "ATV1\r");
	/* dial_waits 0: OK at once, as the other families */
	assert_string_equal(ctl(s, "set m1 dial_waits 0"), "ok");
	assert_string_equal(io(m, "ATD0912345678;\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT\r"), "\r\nOK\r\n"); /* no abort */
	advance(s, 500);
	advance(s, 2000);
	assert_string_equal(io(m, "AT+CLCC\r"), "\r\n+CLCC: 1,0,0,0,0,\"0912345678\",129\r\n\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m1.calls=7 "));
	sim_free(s);
}

static void test_sr_storage(void **state)
{
	(void)state;
	struct sim *s = mk("generic,quectel", "delivered");
	struct sim_modem *g = sim_modem_at(s, 0), *m = sim_modem_at(s, 1);
	io(g, "ATE0\r");
	io(m, "ATE0\r");
	/* generic: no status report storage, so ds=2 is refused */
	assert_string_equal(io(g, "AT+CNMI=2,1,0,2,0\r"), "\r\n+CMS ERROR: 303\r\n");
	assert_string_equal(io(g, "AT+CNMI?\r"), "\r\n+CNMI: 0,0,0,0,0\r\n\r\nOK\r\n");
	assert_string_equal(io(g, "AT+CPMS=\"SR\"\r"), "\r\n+CMS ERROR: 302\r\n");
	assert_string_equal(io(g, "AT+CPMS=?\r"),
			    "\r\n+CPMS: (\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")\r\n\r\nOK\r\n");
	/* quectel: stored in "SR", announced with +CDSI */
	assert_string_equal(io(m, "AT+CNMI=?\r"), "\r\n+CNMI: (0-3),(0-3),(0-3),(0-2),(0,1)\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPMS=?\r"),
			    "\r\n+CPMS: (\"SM\",\"ME\",\"MT\",\"SR\"),(\"SM\",\"ME\",\"MT\"),(\"SM\",\"ME\",\"MT\")\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CNMI=2,1,0,2,0\r"), "\r\nOK\r\n");
	struct sim_pdu_list l;
	submit_pdu("+84912345678", "Họp thôn", 1, &l);
	for (int i = 0; i < 21; i++) {
		prompt_for(m, &l, 0);
		pdu_of(m, &l, 0);
		advance(s, 1000);
		char want[64];
		snprintf(want, sizeof want, "\r\n+CDSI: \"SR\",%d\r\n", i);
		assert_string_equal(out(m), i < 20 ? want : ""); /* full: dropped */
	}
	assert_non_null(strstr(ctl(s, "stats"), "m2.sr=20 m2.sr_dropped=1"));
	/* the inbound store is separate and works as before */
	assert_string_equal(ctl(s, "inject m2 cmti +84911111111 Chào"), "ok parts=1");
	assert_string_equal(out(m), "\r\n+CMTI: \"SM\",0\r\n");
	assert_string_equal(io(m, "AT+CPMS?\r"),
			    "\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPMS=\"SR\"\r"), "\r\n+CPMS: 20,20,1,30,1,30\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPMS?\r"),
			    "\r\n+CPMS: \"SR\",20,20,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPMS=\"SM\",\"SR\"\r"), "\r\n+CMS ERROR: 302\r\n");
	int st, len;
	char hex[512];
	assert_int_equal(sscanf(io(m, "AT+CMGR=3\r"), "\r\n+CMGR: %d,,%d\r\n%511[0-9A-F]\r\n\r\nOK\r\n",
				&st, &len, hex), 3);
	assert_int_equal(st, 0);
	struct sim_pdu_info p;
	assert_int_equal(sim_pdu_decode(hex, strlen(hex), len, &p), 0);
	assert_int_equal(p.type, SIM_PDU_STATUS);
	assert_int_equal(p.mr, 3);
	assert_int_equal(p.status, 0);
	assert_string_equal(p.number, "+84912345678");
	assert_int_equal(sscanf(io(m, "AT+CMGR=3\r"), "\r\n+CMGR: %d,,", &st), 1);
	assert_int_equal(st, 1);
	const char *o = io(m, "AT+CMGL=4\r");
	assert_non_null(strstr(o, "\r\n+CMGL: 0,0,,"));
	assert_non_null(strstr(o, "\r\n+CMGL: 19,0,,"));
	assert_string_equal(io(m, "AT+CMGL=0\r"), "\r\nOK\r\n"); /* all read now */
	assert_string_equal(io(m, "AT+CMGD=3\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CMGR=3\r"), "\r\n+CMS ERROR: 321\r\n");
	assert_string_equal(io(m, "AT+CMGR=20\r"), "\r\n+CMS ERROR: 321\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m2.sr=19 "));
	/* a free slot takes the next report */
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	advance(s, 1000);
	assert_string_equal(out(m), "\r\n+CDSI: \"SR\",3\r\n");
	assert_string_equal(io(m, "AT+CMGD=0,4\r"), "\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m2.sr=0 "));
	assert_non_null(strstr(ctl(s, "stats"), "m2.pending=1 ")); /* the inbound one stays */
	assert_string_equal(io(m, "AT+CPMS=\"SM\"\r"), "\r\n+CPMS: 1,30,1,30,1,30\r\n\r\nOK\r\n");
	assert_non_null(strstr(io(m, "AT+CMGR=0\r"), "\r\n+CMGR: 0,,"));
	sim_free(s);
}

static void test_vanish_multipart(void **state)
{
	(void)state;
	struct sim *s = mk("generic", "delivered");
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	struct sim_pdu_list one, l;
	submit_pdu("+84912345678", "x", 0, &one);
	char text[600] = ""; /* 40 x 12 bytes */
	for (int i = 0; i < 40; i++)
		strcat(text, "Họp thôn ");
	submit_pdu("+84912345678", text, 0, &l);
	assert_true(l.n >= 3);
	assert_string_equal(ctl(s, "fault m1 vanish-multipart"), "ok");
	/* a single-part message does not trigger it */
	prompt_for(m, &one, 0);
	assert_string_equal(pdu_of(m, &one, 0), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	/* part 1 is accepted and answered, then the modem is deaf and the
	 * port goes at the host's next byte, for good */
	prompt_for(m, &l, 0);
	assert_string_equal(pdu_of(m, &l, 0), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=1 "));
	assert_string_equal(prompt_for(m, &l, 1), "");
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=0 "));
	advance(s, 3600000);
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=0 "));
	assert_non_null(strstr(ctl(s, "stats"), "m1.parts=2 "));
	assert_string_equal(ctl(s, "fault m1 vanish 10"), "err fault vanish: m1 has already vanished");
	sim_free(s);

	/* armed for part K=2, with queued input and a network delay: the
	 * answer to part 2 still goes out, what was sent ahead is lost, and
	 * with no further byte the port goes after 500 ms */
	s = mk("generic", "delivered");
	m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(ctl(s, "fault m1 vanish-multipart 2"), "ok");
	assert_string_equal(ctl(s, "set m1 cmgs_delay_ms 100"), "ok");
	prompt_for(m, &l, 0);
	pdu_of(m, &l, 0);
	advance(s, 100);
	assert_string_equal(out(m), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	prompt_for(m, &l, 1);
	pdu_of(m, &l, 1);
	assert_string_equal(io(m, "AT\r"), "");
	advance(s, 100);
	assert_string_equal(out(m), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	advance(s, 499);
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=1 "));
	advance(s, 1);
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=0 "));
	advance(s, 3600000);
	assert_non_null(strstr(ctl(s, "stats"), "m1.present=0 "));
	/* `fault vanish forever` and `clear` */
	struct sim_modem *m2 = sim_modem_at(s, 1);
	assert_string_equal(ctl(s, "fault m2 vanish-multipart"), "ok");
	assert_string_equal(ctl(s, "fault m2 clear"), "ok");
	io(m2, "ATE0\r");
	prompt_for(m2, &l, 0);
	assert_string_equal(pdu_of(m2, &l, 0), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_string_equal(prompt_for(m2, &l, 1), "\r\n> ");
	assert_string_equal(io(m2, "\x1b"), "\r\nOK\r\n");
	assert_string_equal(ctl(s, "fault m2 vanish forever"), "ok");
	advance(s, 3600000);
	assert_non_null(strstr(ctl(s, "stats"), "m2.present=0 "));
	assert_string_equal(ctl(s, "fault m2 vanish-multipart 16"), "err fault vanish-multipart: K must be 1..15");
	sim_free(s);
}

static void test_pin(void **state)
{
	(void)state;
	clock_fake(1796090400000LL);
	struct sim_opts o;
	sim_opts_default(&o);
	o.pin = "1234";
	char err[128];
	struct sim *s = sim_new(&o, err, sizeof err);
	struct sim_modem *m = sim_modem_at(s, 0);
	io(m, "ATE0\r");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CMGS=20\r"), "\r\n+CMS ERROR: 311\r\n");
	assert_string_equal(io(m, "AT+CMEE=1;+CIMI\r"), "\r\n+CME ERROR: 11\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"0000\"\r"), "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(io(m, "AT+CPIN=\"1234\"\r"), "\r\nOK\r\n");
	assert_string_equal(io(m, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	sim_free(s);
}

static void test_options(void **state)
{
	(void)state;
	struct sim_opts o;
	sim_opts_default(&o);
	char err[256];
	o.family = "nokia";
	assert_null(sim_new(&o, err, sizeof err));
	assert_non_null(strstr(err, "--family nokia"));
	o.family = "generic";
	o.report = "sometimes";
	assert_null(sim_new(&o, err, sizeof err));
	assert_non_null(strstr(err, "--report sometimes"));
	o.report = "mix";
	o.modems = 0;
	assert_null(sim_new(&o, err, sizeof err));
}

static void test_json_log(void **state)
{
	(void)state;
	char dir[] = "/tmp/loa-simtest.XXXXXX";
	assert_non_null(mkdtemp(dir));
	clock_fake(1796090400000LL);
	struct sim_opts o;
	sim_opts_default(&o);
	o.dir = dir;
	o.noise_ms = 0;
	char err[256];
	struct sim *s = sim_new(&o, err, sizeof err);
	assert_int_equal(sim_start(s, err, sizeof err), 0);
	struct sim_modem *m = sim_modem_at(s, 0);
	struct sim_pdu_list l;
	char text[400] = "Thông báo: ";
	for (int i = 0; i < 80; i++)
		strcat(text, "ô");
	assert_int_equal(sim_pdu_encode_submit("+84912345678", text, 77, 1, 0, &l), 0);
	assert_int_equal(l.n, 2);
	for (int i = 0; i < l.n; i++) {
		char cmd[64], pdu[512];
		snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[i].tpdu_len);
		snprintf(pdu, sizeof pdu, "%s\x1a", l.part[i].hex);
		io(m, cmd);
		assert_non_null(strstr(io(m, pdu), "OK"));
	}
	char path[128];
	snprintf(path, sizeof path, "%s/sms.jsonl", dir);
	char *log = util_read_file(path, NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "{\"modem\":\"m1\",\"to\":\"+84912345678\",\"text\":\"Thông báo: ôôô"));
	assert_non_null(strstr(log, "\"coding\":\"ucs2\",\"part\":1,\"parts\":2,\"ref\":77,\"mr\":0,\"srr\":true,\"t_ms\":1796090400000}\n"));
	assert_non_null(strstr(log, "\"part\":2,\"parts\":2,\"ref\":77,\"mr\":1,"));
	free(log);
	char link[128];
	snprintf(link, sizeof link, "%s/m1.at", dir);
	assert_int_equal(access(link, F_OK), 0);
	sim_free(s);
	assert_int_not_equal(access(link, F_OK), 0); /* symlinks removed */
	snprintf(path, sizeof path, "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_and_basics),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_identification),
		cmocka_unit_test(test_cmgs),
		cmocka_unit_test(test_mr_wraps_and_delay),
		cmocka_unit_test(test_status_reports),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_vanish_without_ports),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_urc_after_prompt),
		cmocka_unit_test(test_late_end),
		cmocka_unit_test(test_dial_waits),
		cmocka_unit_test(test_sr_storage),
		cmocka_unit_test(test_vanish_multipart),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_json_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
