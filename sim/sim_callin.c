/* sim_callin — a caller rings the simulated modem: the control
 * `callin M FROM [--ring-s N] [--keys S:K,...] [--say FILE.wav] [--say-s N]
 * [--hangup-s N]` (its parsing and the caller's WAV), and the presentation
 * switches +CLIP and +CRC.  The call itself (rings every SIM_RING_MS, ATA,
 * the family's answer and end lines, SIMCom MISSED_CALL:, keys and speech
 * on the simulator's clock) is rows of sim_call.c's table.
 *
 * Times are simulated time from the ring (--ring-s: the caller gives up
 * unanswered, a flash when short) or from the answer (--keys "4:1,8.5:2"
 * presses 1 at 4 s and 2 at 8.5 s; --say-s; --hangup-s, 0 never). */
#include "sim/sim_int.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SAY_MAX_S = 600 };

static char *word(char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (!**p)
		return NULL;
	char *w = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	if (**p)
		*(*p)++ = '\0';
	size_t n = strlen(w);
	if (n >= 2 && w[0] == '"' && w[n - 1] == '"') { /* a quoted word, as typed */
		w[n - 1] = '\0';
		w++;
	}
	return w;
}

/* Seconds with up to 3 decimals ("8.5") within [0, hi] into ms: 0, else -1. */
static int secs(const char *s, double hi, int *ms)
{
	char *end;
	if (!s || !*s || strspn(s, "0123456789.") != strlen(s))
		return -1;
	double v = strtod(s, &end);
	if (*end || v < 0 || v > hi)
		return -1;
	*ms = (int)lround(v * 1000.0);
	return 0;
}

static int bad(struct sbuf *r, const char *what, const char *arg)
{
	if (arg)
		sbuf_printf(r, "err callin: %s '%s'", what, arg);
	else
		sbuf_printf(r, "err callin: %s", what);
	return -1;
}

/* "4:1,8.5:2": key K at S seconds after the answer, in time order. */
static int parse_keys(char *spec, struct sim_caller *c, struct sbuf *r)
{
	for (char *save = NULL, *it = strtok_r(spec, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(it, ':');
		int ms;
		if (!colon || !colon[1] || colon[2] || !strchr("0123456789*#", colon[1]))
			return bad(r, "--keys wants S:K pairs (seconds after the answer : 0-9 * #), not", it);
		*colon = '\0';
		if (secs(it, 3600, &ms))
			return bad(r, "--keys: seconds must be 0..3600, not", it);
		if (c->nkeys >= SIM_CALLIN_KEYS)
			return bad(r, "--keys: at most 15 keys", NULL);
		if (c->nkeys && ms < c->key_ms[c->nkeys - 1])
			return bad(r, "--keys: times must not go back, at", it);
		c->key_ms[c->nkeys] = ms;
		c->keys[c->nkeys++] = colon[1];
		c->keys[c->nkeys] = '\0';
	}
	return 0;
}

/* The caller's speech: a WAV of 8 kHz mono (the line's rate), up to SAY_MAX_S. */
static int load_say(const char *path, struct sim_caller *c, struct sbuf *r)
{
	SF_INFO info;
	memset(&info, 0, sizeof info);
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	if (!f) {
		sbuf_printf(r, "err callin: --say %s: %s", path, sf_strerror(NULL));
		return -1;
	}
	if (info.samplerate != 8000 || info.channels != 1 || info.frames <= 0 ||
	    info.frames > (sf_count_t)SAY_MAX_S * 8000) {
		sbuf_printf(r, "err callin: --say %s: need 8000 Hz mono, 1 sample to %d s (it is %d Hz, %d channels, %lld samples)",
			    path, SAY_MAX_S, info.samplerate, info.channels, (long long)info.frames);
		sf_close(f);
		return -1;
	}
	c->say = xcalloc((size_t)info.frames, sizeof *c->say);
	c->say_n = (size_t)sf_read_short(f, c->say, info.frames);
	sf_close(f);
	return 0;
}

int sim_callin_ctl(struct sim_modem *m, char *p, struct sbuf *r)
{
	struct sim_caller c;
	memset(&c, 0, sizeof c);
	c.ring_ms = 30000;
	char *from = word(&p);
	if (!from || from[0] == '-')
		return bad(r, "usage: callin M FROM [--ring-s N] [--keys S:K,...] [--say FILE.wav] [--say-s N] [--hangup-s N]",
			   NULL);
	if (strlen(from) >= sizeof m->call.number || strspn(from, "+0123456789") != strlen(from) ||
	    strchr(from + 1, '+'))
		return bad(r, "FROM must be a phone number, not", from);
	const char *say = NULL;
	for (char *opt; (opt = word(&p));) {
		char *val = word(&p);
		int rc = 0;
		if (!val)
			return bad(r, "a value is missing after", opt);
		if (!strcmp(opt, "--ring-s"))
			rc = secs(val, 600, &c.ring_ms) ? bad(r, "--ring-s must be 0..600 seconds, not", val) : 0;
		else if (!strcmp(opt, "--hangup-s"))
			rc = secs(val, 3600, &c.hangup_ms) ? bad(r, "--hangup-s must be 0..3600 seconds, not", val) : 0;
		else if (!strcmp(opt, "--say-s"))
			rc = secs(val, 3600, &c.say_ms) ? bad(r, "--say-s must be 0..3600 seconds, not", val) : 0;
		else if (!strcmp(opt, "--keys"))
			rc = parse_keys(val, &c, r);
		else if (!strcmp(opt, "--say"))
			say = val;
		else
			rc = bad(r, "unknown option", opt);
		if (rc)
			return -1;
	}
	if (say && load_say(say, &c, r))
		return -1;
	if (sim_call_incoming(m, from, &c)) {
		free(c.say);
		sbuf_printf(r, "err callin: %s is busy, unregistered or gone", m->name);
		return -1;
	}
	sbuf_printf(r, "ok call=%ld", m->n_calls);
	return 0;
}

static int flag(int *v, enum sim_form f, const char *a, struct sim_modem *m, const char *name)
{
	long x;
	if (f == SIM_SET) {
		if (util_parse_long(a, 0, 1, &x))
			return SIM_CME(4);
		*v = (int)x;
	} else if (f == SIM_READ) {
		sim_at_info(m, "%s: %d%s", name, *v, !strcmp(name, "+CLIP") ? ",1" : "");
	} else if (f == SIM_TEST) {
		sim_at_info(m, "%s: (0,1)", name);
	}
	return SIM_OK;
}

int sim_callin_clip(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	return flag(&m->clip, f, a, m, "+CLIP");
}

int sim_callin_crc(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	return flag(&m->crc, f, a, m, "+CRC");
}
