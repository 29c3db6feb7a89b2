/* simtest — what the simulator's unit tests share (test_sim.c,
 * test_sim_net.c): a simulator on the fake clock, bytes in and out of a
 * modem, control lines, and SMS-SUBMIT parts to send. */
#ifndef LOA_SIMTEST_H
#define LOA_SIMTEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/util.h"
#include "sim/sim.h"
#include "sim/sim_pdu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline struct sim *mk(const char *family, const char *report)
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
static inline const char *io(struct sim_modem *m, const char *in)
{
	static char last[8192];
	sim_input(m, in, strlen(in));
	size_t n;
	char *o = sim_output_take(m, &n);
	snprintf(last, sizeof last, "%s", o);
	free(o);
	return last;
}

static inline const char *out(struct sim_modem *m)
{
	return io(m, "");
}

static inline void advance(struct sim *s, int64_t ms)
{
	clock_advance(ms);
	sim_tick(s);
}

static inline const char *ctl(struct sim *s, const char *line)
{
	static char last[2048];
	struct sbuf r;
	sbuf_init(&r);
	sim_ctl(s, line, &r);
	snprintf(last, sizeof last, "%s", r.s ? r.s : "");
	sbuf_free(&r);
	return last;
}

static inline void submit_pdu(const char *to, const char *text, int srr, struct sim_pdu_list *l)
{
	assert_int_equal(sim_pdu_encode_submit(to, text, 42, srr, 0, l), 0);
}

/* AT+CMGS=<len> for part i of l: returns what the modem said (the prompt
 * and whatever came with it). */
static inline const char *prompt_for(struct sim_modem *m, const struct sim_pdu_list *l, int i)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d\r", l->part[i].tpdu_len);
	return io(m, cmd);
}

static inline const char *pdu_of(struct sim_modem *m, const struct sim_pdu_list *l, int i)
{
	char pdu[512];
	snprintf(pdu, sizeof pdu, "%s\x1a", l->part[i].hex);
	return io(m, pdu);
}

#endif
