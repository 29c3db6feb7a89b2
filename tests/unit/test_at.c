/* test_at — the AT engine: the pure line parser, then a modem played by the
 * test over a socketpair under the fake clock (init with echo, CMGS prompt,
 * URCs interleaved with a command, garbage, timeouts, port loss, back-off,
 * SIM PIN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "app/config.h"
#include "base/log.h"
#include "modem/at.h"
#include "modem/profile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- pure parser ---- */

static void test_finals(void **state)
{
	(void)state;
	int code;
	assert_int_equal(at_line_final("OK", &code), AT_R_OK);
	assert_int_equal(at_line_final("ERROR", &code), AT_R_ERROR);
	assert_int_equal(at_line_final("+CMS ERROR: 500", &code), AT_R_CMS);
	assert_int_equal(code, 500);
	assert_int_equal(at_line_final("+CME ERROR: 10", &code), AT_R_CME);
	assert_int_equal(code, 10);
	assert_int_equal(at_line_final("+CME ERROR: SIM not inserted", &code), AT_R_CME);
	assert_int_equal(code, -1);
	assert_int_equal(at_line_final("NO CARRIER", NULL), AT_R_NO_CARRIER);
	assert_int_equal(at_line_final("BUSY", NULL), AT_R_BUSY);
	assert_int_equal(at_line_final("NO ANSWER", NULL), AT_R_NO_ANSWER);
	assert_int_equal(at_line_final("COMMAND NOT SUPPORT", NULL), AT_R_ERROR);
	assert_int_equal(at_line_final("OKAY", NULL), -1);
	assert_int_equal(at_line_final("+CMGS: 4", NULL), -1);
}

static void test_urcs(void **state)
{
	(void)state;
	const struct profile *g = profile_for(FAMILY_GENERIC), *h = profile_for(FAMILY_HUAWEI),
				*s = profile_for(FAMILY_SIMCOM), *q = profile_for(FAMILY_QUECTEL);
	enum at_call_ev ev;
	assert_int_equal(at_line_urc(g, "+CMTI: \"SM\",3", &ev), URC_CMTI);
	assert_int_equal(at_line_urc(g, "+CMT: ,23", &ev), URC_CMT);
	assert_int_equal(at_line_urc(g, "+CDS: 25", &ev), URC_CDS);
	assert_int_equal(at_line_urc(g, "RING", &ev), URC_RING);
	assert_int_equal(at_line_urc(g, "+CLIP: \"0912345678\",129", &ev), URC_CLIP);
	assert_int_equal(at_line_urc(h, "^CEND:1,0,104,16", &ev), URC_CALL);
	assert_int_equal(ev, CALL_EV_ENDED);
	assert_int_equal(at_line_urc(h, "^CONN:1,0", &ev), URC_CALL);
	assert_int_equal(ev, CALL_EV_ANSWERED);
	assert_int_equal(at_line_urc(h, "^RSSI:17", &ev), URC_IGNORE);
	/* a Huawei URC means nothing to a generic modem */
	assert_int_equal(at_line_urc(g, "^CEND:1,0,104,16", &ev), URC_NONE);
	assert_int_equal(at_line_urc(s, "VOICE CALL: BEGIN", &ev), URC_CALL);
	assert_int_equal(ev, CALL_EV_ANSWERED);
	assert_int_equal(at_line_urc(s, "+RXDTMF: 1", &ev), URC_DTMF);
	assert_int_equal(at_line_urc(q, "+QIND: \"ccinfo\",1,0,3,0,0,\"0912345678\",129", &ev), URC_CALL);
	assert_int_equal(at_line_urc(q, "+QTONEDET: 49", &ev), URC_DTMF);
	assert_int_equal(at_line_urc(q, "+QIND: \"csq\",20,99", &ev), URC_IGNORE);
	assert_int_equal(at_line_urc(g, "hello", &ev), URC_NONE);
	/* every family has init steps ending in NULL and starts with a sync AT */
	for (int f = 0; f < 4; f++) {
		const struct profile *p = profile_for(f);
		assert_string_equal(p->init[0].cmd, "AT");
		int n = 0;
		while (p->init[n].cmd)
			n++;
		assert_true(n > 5);
		assert_non_null(p->audio_on);
	}
}

static void test_parsers(void **state)
{
	(void)state;
	int v;
	assert_int_equal(at_parse_creg("+CREG: 0,1", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(at_parse_creg("+CREG: 5", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(at_parse_creg("+CREG: 1,\"00C3\",\"0010\"", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(at_parse_creg("+CREG: 2,1,\"00C3\",\"0010\"", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(at_parse_creg("+CREG:", &v), -1);
	assert_int_equal(at_parse_csq("+CSQ: 23,99", &v), 0);
	assert_int_equal(v, 23);
	assert_int_equal(at_parse_index("+CMTI: \"SM\",12", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(at_parse_index("+CMTI: \"SM\"", &v), -1);
	assert_int_equal(at_parse_cmgs("+CMGS: 255", &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(at_parse_cmgs("+CMGS: 256", &v), -1);
	assert_int_equal(at_parse_pdu_len("+CMT: ,23", &v), 0);
	assert_int_equal(v, 23);
	assert_int_equal(at_parse_pdu_len("+CDS: 25", &v), 0);
	assert_int_equal(v, 25);
	assert_int_equal(at_parse_pdu_len("+CMGR: 0,,30", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(at_parse_pdu_len("+CMT: ,x", &v), -1);
}

/* ---- engine over a socketpair ---- */

struct rig {
	int peer;            /* the "modem" side */
	int open_fail;       /* next opens fail with ENOENT */
	int opens;
	enum at_state last_state;
	int urcs;
	struct at_urc last_urc;
	char urc_line[256], urc_pdu[512];
	int health;
};

static struct rig R;

static int fake_open(const char *port, int baud, void *arg)
{
	(void)port, (void)baud, (void)arg;
	R.opens++;
	if (R.open_fail)
		return -ENOENT;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	if (R.peer >= 0)
		close(R.peer);
	R.peer = sv[1];
	return sv[0];
}

static void on_state(struct at_modem *m, enum at_state from, enum at_state to, const char *why, void *arg)
{
	(void)m, (void)from, (void)why, (void)arg;
	R.last_state = to;
}

static void on_urc(struct at_modem *m, const struct at_urc *u, void *arg)
{
	(void)m, (void)arg;
	R.urcs++;
	R.last_urc = *u;
	snprintf(R.urc_line, sizeof R.urc_line, "%s", u->line);
	snprintf(R.urc_pdu, sizeof R.urc_pdu, "%s", u->pdu ? u->pdu : "");
	R.last_urc.line = R.urc_line;
	R.last_urc.pdu = R.urc_pdu;
}

static void on_health(struct at_modem *m, int reg, int sig, void *arg)
{
	(void)m, (void)reg, (void)sig, (void)arg;
	R.health++;
}

/* What the engine wrote since last time. */
static char *drain(void)
{
	static char buf[8192];
	ssize_t n = read(R.peer, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void say(struct at_modem *m, const char *s)
{
	assert_int_equal(write(R.peer, s, strlen(s)), (ssize_t)strlen(s));
	at_io(m, POLLIN);
}

/* Answers each init command of the generic profile with OK (echo on until
 * ATE0, as a freshly plugged modem does). */
static void run_init(struct at_modem *m, int echo)
{
	const struct profile *p = at_profile(m);
	/* ESC, then stale input is dropped for AT_SETTLE_MS */
	say(m, "\r\nOK\r\n");
	clock_advance(AT_SETTLE_MS);
	at_tick(m);
	for (int i = 0; p->init[i].cmd; i++) {
		if (p->init[i].flags & INIT_UNLESS_SR)
			continue; /* AT+CNMI=...,2,... was answered OK: reports stored */
		char *w = drain();
		assert_non_null(strstr(w, p->init[i].cmd));
		char reply[256];
		if (strcmp(p->init[i].cmd, "AT+CPIN?") == 0)
			snprintf(reply, sizeof reply, "%s%s\r\r\n+CPIN: READY\r\n\r\nOK\r\n", echo ? p->init[i].cmd : "",
				 "");
		else
			snprintf(reply, sizeof reply, "%s%s\r\r\nOK\r\n", echo ? p->init[i].cmd : "", "");
		if (strcmp(p->init[i].cmd, "ATE0") == 0)
			echo = 0;
		say(m, reply);
	}
}

static struct at_modem *new_modem(int family)
{
	memset(&R, 0, sizeof R);
	R.peer = -1;
	clock_fake(1796090400000LL);
	struct at_config cfg;
	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.name, sizeof cfg.name, "m1");
	snprintf(cfg.port, sizeof cfg.port, "/dev/fake");
	cfg.family = family;
	cfg.open_port = fake_open;
	struct at_hooks hooks = { on_state, on_urc, on_health };
	return at_new(&cfg, &hooks, NULL);
}

static void free_modem(struct at_modem *m)
{
	at_free(m);
	if (R.peer >= 0)
		close(R.peer);
	R.peer = -1;
}

struct done {
	int n;
	struct at_result r;
	char lines[1024];
};

static void on_done(struct at_modem *m, const struct at_result *r, void *arg)
{
	(void)m;
	struct done *d = arg;
	d->n++;
	d->r = *r;
	snprintf(d->lines, sizeof d->lines, "%s", r->lines);
	d->r.lines = d->lines;
}

static void test_init_and_cmgs(void **state)
{
	(void)state;
	struct at_modem *m = new_modem(FAMILY_GENERIC);
	at_start(m);
	assert_int_equal(at_state(m), AT_INIT);
	assert_true(at_fd(m) >= 0);
	run_init(m, 1);
	assert_int_equal(at_state(m), AT_READY);
	assert_true(at_reports_stored(m));
	/* health poll queued on entering READY */
	assert_non_null(strstr(drain(), "AT+CREG?"));
	say(m, "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	assert_non_null(strstr(drain(), "AT+CSQ"));
	say(m, "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	int reg, sig;
	at_health(m, &reg, &sig);
	assert_int_equal(reg, 1);
	assert_int_equal(sig, 21);
	assert_int_equal(R.health, 1);

	struct done d = { 0 };
	assert_int_equal(at_cmgs(m, 20, "0031000B914819325476F80008A90400410042", 60000, on_done, &d), 0);
	assert_string_equal(drain(), "AT+CMGS=20\r");
	/* a URC between command and prompt, and line noise */
	say(m, "\r\n+CMTI: \"SM\",4\r\n\x01\x02");
	/* a stray OK (answer to something earlier) is not the submit's answer */
	say(m, "\r\nOK\r\n");
	assert_int_equal(d.n, 0);
	assert_int_equal(R.last_urc.kind, URC_CMTI);
	say(m, "\r\n> ");
	assert_string_equal(drain(), "0031000B914819325476F80008A90400410042\x1a");
	assert_int_equal(d.n, 0);
	say(m, "\r\n+CMGS: 42\r\n");
	/* +CDS with its PDU on the next line, before the final OK */
	say(m, "\r\n+CDS: 25\r\n0006");
	say(m, "2A0B914819325476F8622010900000826220109000058200\r\n");
	assert_int_equal(R.last_urc.kind, URC_CDS);
	assert_string_equal(R.last_urc.pdu, "00062A0B914819325476F8622010900000826220109000058200");
	say(m, "\r\nOK\r\n");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r.final, AT_R_OK);
	assert_int_equal(d.r.body_sent, 1);
	assert_string_equal(d.lines, "+CMGS: 42");

	/* +CMS ERROR before the prompt: the body was never sent */
	memset(&d, 0, sizeof d);
	at_cmgs(m, 20, "00AA", 60000, on_done, &d);
	drain();
	say(m, "\r\n+CMS ERROR: 42\r\n");
	assert_int_equal(d.r.final, AT_R_CMS);
	assert_int_equal(d.r.code, 42);
	assert_int_equal(d.r.body_sent, 0);

	/* +CREG? answered while a +CREG URC-looking line is the response */
	memset(&d, 0, sizeof d);
	int urcs = R.urcs;
	at_cmd(m, "AT+CREG?", 5000, on_done, &d);
	drain();
	say(m, "\r\n+CREG: 0,5\r\n\r\nOK\r\n");
	assert_int_equal(R.urcs, urcs);
	assert_string_equal(d.lines, "+CREG: 0,5");
	/* +CMT outside any command, split oddly */
	say(m, "\r\n+CMT: ,24\r");
	say(m, "\n0004");
	say(m, "0B914819325476F80000622011000000820441F4F21C\r\n");
	assert_int_equal(R.last_urc.kind, URC_CMT);
	assert_string_equal(R.last_urc.pdu, "00040B914819325476F80000622011000000820441F4F21C");
	free_modem(m);
}

static void test_timeouts_and_reconnect(void **state)
{
	(void)state;
	struct at_modem *m = new_modem(FAMILY_HUAWEI);
	at_start(m);
	run_init(m, 0);
	assert_int_equal(at_state(m), AT_READY);
	drain();
	say(m, "\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	/* Huawei noise is ignored, not a command answer */
	say(m, "\r\n^RSSI:17\r\n^BOOT:1,2,3\r\n");
	struct done d1 = { 0 }, d2 = { 0 };
	at_cmd(m, "AT+CSQ", 5000, on_done, &d1);
	at_cmd(m, "AT+CSQ", 5000, on_done, &d2);
	drain();
	assert_true(at_deadline(m) <= clock_mono_ms() + 5000);
	clock_advance(5000);
	at_tick(m);
	assert_int_equal(d1.r.final, AT_R_TIMEOUT);
	assert_int_equal(at_state(m), AT_READY);
	clock_advance(5000);
	at_tick(m);
	/* two in a row: the modem stopped answering */
	assert_int_equal(d2.r.final, AT_R_TIMEOUT);
	assert_int_equal(at_state(m), AT_BACKOFF);
	assert_int_equal(at_fd(m), -1);
	/* back-off, then the port is missing for a while: delays double */
	R.open_fail = 1;
	int64_t t0 = clock_mono_ms();
	clock_advance(at_deadline(m) - t0);
	at_tick(m);
	assert_int_equal(at_state(m), AT_BACKOFF);
	int64_t gap1 = at_deadline(m) - clock_mono_ms();
	clock_advance(gap1);
	at_tick(m);
	int64_t gap2 = at_deadline(m) - clock_mono_ms();
	assert_true(gap2 == 2 * gap1);
	R.open_fail = 0;
	clock_advance(gap2);
	at_tick(m);
	assert_int_equal(at_state(m), AT_INIT);
	run_init(m, 1);
	assert_int_equal(at_state(m), AT_READY);
	drain();
	say(m, "\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	drain();

	/* the port vanishes after Ctrl-Z: the command ends "lost", body sent */
	struct done d = { 0 };
	at_cmgs(m, 3, "00ABCD", 60000, on_done, &d);
	say(m, "> ");
	assert_non_null(strstr(drain(), "00ABCD\x1a"));
	close(R.peer);
	R.peer = -1;
	at_io(m, POLLIN | POLLHUP);
	assert_int_equal(d.r.final, AT_R_LOST);
	assert_int_equal(d.r.body_sent, 1);
	assert_int_equal(at_state(m), AT_BACKOFF);
	assert_int_equal(at_cmd(m, "AT", 1000, on_done, &d), -1);
	free_modem(m);
}

static void test_sim_pin(void **state)
{
	(void)state;
	struct at_modem *m = new_modem(FAMILY_SIMCOM);
	at_start(m);
	assert_string_equal(drain(), "\x1b");
	clock_advance(AT_SETTLE_MS);
	at_tick(m);
	const char *answers[] = { "\r\nOK\r\n", "\r\nOK\r\n", "\r\nOK\r\n", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n" };
	for (size_t i = 0; i < 4; i++) {
		drain();
		say(m, answers[i]);
	}
	assert_int_equal(at_state(m), AT_FAILED);
	assert_int_equal(R.last_state, AT_FAILED);
	/* a silent modem: the sync AT is retried, then the port is reopened */
	at_stop(m);
	assert_int_equal(at_state(m), AT_CLOSED);
	at_start(m);
	clock_advance(AT_SETTLE_MS);
	at_tick(m);
	for (int i = 0; i < 5; i++) {
		assert_non_null(strstr(drain(), "AT\r"));
		clock_advance(1000);
		at_tick(m);
	}
	assert_int_equal(at_state(m), AT_BACKOFF);
	/* events that a state does not accept are rejected */
	at_start(m);
	assert_int_equal(at_state(m), AT_BACKOFF);
	free_modem(m);
}

static void test_garbage(void **state)
{
	(void)state;
	struct at_modem *m = new_modem(FAMILY_QUECTEL);
	at_start(m);
	run_init(m, 0);
	drain();
	say(m, "\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	char junk[6000];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)('A' + i % 26);
	at_feed(m, junk, sizeof junk); /* an over-long line is dropped */
	at_feed(m, "\r\n\xff\xfe\x00OK\r\n", 8);
	struct done d = { 0 };
	at_cmd(m, "AT+CSQ", 5000, on_done, &d);
	drain();
	say(m, "\r\nsome garbage\r\n+QIND: \"csq\",1\r\n+CSQ: 9,99\r\nOK\r\n");
	assert_int_equal(d.r.final, AT_R_OK);
	assert_string_equal(d.lines, "some garbage\n+CSQ: 9,99");
	assert_int_equal(at_state(m), AT_READY);
	free_modem(m);
}


/* Brings a generic modem to READY with its health poll answered. */
static struct at_modem *ready_modem(void)
{
	struct at_modem *m = new_modem(FAMILY_GENERIC);
	at_start(m);
	run_init(m, 0);
	assert_int_equal(at_state(m), AT_READY);
	drain();
	say(m, "\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	drain();
	return m;
}

#define PDU1 "0031000B914819325476F80008A90400410042"
#define CDS_PDU "00062A0B914819325476F8622010900000826220109000058200"

/* The prompt has no line end and real modems put URCs right behind it:
 * at the end of a read, in the middle, split over two reads, with a URC
 * glued on; the PDU goes out at once and every URC is still dispatched. */
static void test_prompt_framing(void **state)
{
	(void)state;
	struct at_modem *m = ready_modem();
	struct done d = { 0 };

	/* prompt, then a status report, in ONE read */
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	assert_string_equal(drain(), "AT+CMGS=20\r");
	int urcs = R.urcs;
	say(m, "\r\n> \r\n+CDS: 25\r\n" CDS_PDU "\r\n");
	assert_string_equal(drain(), PDU1 "\x1a");
	assert_int_equal(R.urcs, urcs + 1);
	assert_int_equal(R.last_urc.kind, URC_CDS);
	assert_string_equal(R.last_urc.pdu, CDS_PDU);
	say(m, "\r\n+CMGS: 7\r\n\r\nOK\r\n");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r.final, AT_R_OK);
	assert_string_equal(d.lines, "+CMGS: 7");

	/* a URC before the prompt and one glued to it without a line end */
	memset(&d, 0, sizeof d);
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	drain();
	say(m, "\r\n+CMTI: \"SM\",3\r\n\r\n> ^RSSI:17\r\n+CMTI: \"SM\",4\r\n");
	assert_string_equal(drain(), PDU1 "\x1a");
	assert_int_equal(R.last_urc.kind, URC_CMTI);
	assert_string_equal(R.last_urc.line, "+CMTI: \"SM\",4");
	say(m, "\r\n+CMGS: 8\r\n\r\nOK\r\n");
	assert_int_equal(d.r.final, AT_R_OK);

	/* split: ">" ends one read, " " and a report start the next */
	memset(&d, 0, sizeof d);
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	drain();
	say(m, "\r\n>");
	assert_string_equal(drain(), PDU1 "\x1a");
	say(m, " \r\n+CDS: 25\r\n" CDS_PDU "\r\n\r\n+CMGS: 9\r\n\r\nOK\r\n");
	assert_int_equal(R.last_urc.kind, URC_CDS);
	assert_int_equal(d.r.final, AT_R_OK);
	assert_string_equal(d.lines, "+CMGS: 9");

	/* with echo on: the command's echo, then the prompt in the same read */
	memset(&d, 0, sizeof d);
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	drain();
	say(m, "AT+CMGS=20\r\r\n> ");
	assert_string_equal(drain(), PDU1 "\x1a");
	say(m, PDU1 "\x1a\r\n+CMGS: 10\r\n\r\nOK\r\n");
	assert_int_equal(d.r.final, AT_R_OK);
	assert_string_equal(d.lines, "+CMGS: 10");
	free_modem(m);
}

/* Final-result words that are URCs, and ESC after a submit without PDU. */
static void test_call_words_and_esc(void **state)
{
	(void)state;
	struct at_modem *m = ready_modem();
	struct done d = { 0 };
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	drain();
	/* a call ends while the submit waits for its prompt: not its answer */
	say(m, "\r\nNO CARRIER\r\n");
	assert_int_equal(d.n, 0);
	assert_int_equal(R.last_urc.kind, URC_CALL);
	assert_int_equal(R.last_urc.call_ev, CALL_EV_ENDED);
	say(m, "\r\n+CMS ERROR: 38\r\n");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.r.body_sent, 0);
	/* the modem may still be in PDU entry: ESC before the next command */
	struct done d2 = { 0 };
	at_cmd(m, "AT+CSQ", 5000, on_done, &d2);
	assert_string_equal(drain(), "\x1b" "AT+CSQ\r");
	say(m, "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	assert_int_equal(d2.r.final, AT_R_OK);
	/* ...but not after a submit that went through */
	memset(&d, 0, sizeof d);
	at_cmgs(m, 20, PDU1, 60000, on_done, &d);
	drain();
	say(m, "\r\n> ");
	drain();
	say(m, "\r\n+CMGS: 11\r\n\r\nOK\r\n");
	memset(&d2, 0, sizeof d2);
	at_cmd(m, "AT+CSQ", 5000, on_done, &d2);
	assert_string_equal(drain(), "AT+CSQ\r");
	say(m, "\r\nOK\r\n");

	/* for ATD the words are its answer; an urgent hang-up aborts it */
	struct done dial = { 0 }, chup = { 0 };
	at_cmd(m, "ATD+84912000001;", 40000, on_done, &dial);
	assert_string_equal(drain(), "ATD+84912000001;\r");
	at_cmd_urgent(m, "AT+CHUP", 5000, on_done, &chup);
	assert_string_equal(drain(), "\x1b"); /* the abort byte, at once */
	say(m, "\r\nNO CARRIER\r\n");
	assert_int_equal(dial.n, 1);
	assert_int_equal(dial.r.final, AT_R_NO_CARRIER);
	assert_string_equal(drain(), "AT+CHUP\r");
	say(m, "\r\nOK\r\n");
	assert_int_equal(chup.r.final, AT_R_OK);
	free_modem(m);
}


/* A modem that cannot store status reports refuses AT+CNMI=...,2,...: the
 * engine falls back to +CDS (ds=1) and says so. */
static void test_cnmi_fallback(void **state)
{
	(void)state;
	struct at_modem *m = new_modem(FAMILY_GENERIC);
	at_start(m);
	say(m, "\r\nOK\r\n");
	clock_advance(AT_SETTLE_MS);
	at_tick(m);
	int saw_ds1 = 0;
	for (int i = 0; i < 20 && at_state(m) == AT_INIT; i++) {
		char *w = drain();
		if (strstr(w, "AT+CNMI=2,1,0,2,0"))
			say(m, "\r\n+CMS ERROR: 303\r\n");
		else if (strstr(w, "AT+CPIN?"))
			say(m, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
		else {
			saw_ds1 |= strstr(w, "AT+CNMI=2,1,0,1,0") != NULL;
			say(m, "\r\nOK\r\n");
		}
	}
	assert_int_equal(at_state(m), AT_READY);
	assert_true(saw_ds1);
	assert_false(at_reports_stored(m));
	char mem[4];
	int idx;
	assert_int_equal(at_parse_mem_index("+CDSI: \"SR\",7", mem, sizeof mem, &idx), 0);
	assert_string_equal(mem, "SR");
	assert_int_equal(idx, 7);
	assert_int_equal(at_parse_mem_index("+CMTI: \"ME\",12", mem, sizeof mem, &idx), 0);
	assert_string_equal(mem, "ME");
	assert_int_equal(at_parse_mem_index("+CMTI: \"S;M\",1", mem, sizeof mem, &idx), -1);
	assert_int_equal(at_parse_mem_index("+CMTI: \"TOOLONG\",1", mem, sizeof mem, &idx), -1);
	assert_int_equal(at_parse_mem_index("+CMTI: 3", mem, sizeof mem, &idx), -1);
	free_modem(m);
}

int main(void)
{
	log_set_level(LL_ERROR);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finals),
		cmocka_unit_test(test_urcs),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_init_and_cmgs),
		cmocka_unit_test(test_timeouts_and_reconnect),
		cmocka_unit_test(test_sim_pin),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_prompt_framing),
		cmocka_unit_test(test_call_words_and_esc),
		cmocka_unit_test(test_cnmi_fallback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
