/* Unit tests of the simulated modem (modem/sim*): AT bytes in, bytes out,
 * on a fake clock, without ptys (one test starts the ptys to check the
 * JSON log).  Expected strings are what real modems send, per
 * docs/hardware.md and 27.005/27.007. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gateway/clock.h"
#include "gateway/util.h"
#include "modem/sim.h"
#include "modem/sim_pdu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sim *mk(const char *family, const char *report)
{
	clock_fake(1796090400000LL);
	struct sim_opts o;
	sim_opts_default(&o);
	o.family = family;
	o.report = report;
	o.noise_ms = 0;
	o.report_delay_ms = 1000;
	o.modems = 2;
	char err[256];
	struct sim *s = sim_new(&o, err, sizeof err);
	assert_non_null(s);
	return s;
}

/* Feeds `in`, returns everything the modem said (static buffer). */
static const char *io(struct sim_modem *m, const char *in)
{
	static char last[8192];
	sim_input(m, in, strlen(in));
	size_t n;
	char *o = sim_output_take(m, &n);
	snprintf(last, sizeof last, "%s", o);
	free(o);
	return last;
}

static const char *out(struct sim_modem *m)
{
	return io(m, "");
}

static void advance(struct sim *s, int64_t ms)
{
	clock_advance(ms);
	sim_tick(s);
}

static const char *ctl(struct sim *s, const char *line)
{
	static char last[2048];
	struct sbuf r;
	sbuf_init(&r);
	sim_ctl(s, line, &r);
	snprintf(last, sizeof last, "%s", r.s ? r.s : "");
	sbuf_free(&r);
	return last;
}

static void submit_pdu(const char *to, const char *text, int srr, struct sim_pdu_list *l)
{
	assert_int_equal(sim_pdu_encode_submit(to, text, 42, srr, 0, l), 0);
}

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
	 * matches the E.164 recipient); a report due during the prompt is held
	 * until the command's final result */
	assert_string_equal(ctl(s, "report 0912345679 failed"), "ok");
	struct sim_pdu_list l;
	submit_pdu("+84912345679", "x", 1, &l);
	char cmd[64], pdu[512];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l.part[0].tpdu_len);
	snprintf(pdu, sizeof pdu, "%s\x1a", l.part[0].hex);
	io(m, cmd);
	io(m, pdu);
	io(m, cmd);
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
	assert_string_equal(io(h, "ATH\r"), "\r\nOK\r\n\r\n^CEND:1,3,0,16\r\n");
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
	assert_string_equal(io(c, "AT+CHUP\r"), "\r\nOK\r\n\r\nVOICE CALL: END: 000002\r\n");
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
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_json_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
