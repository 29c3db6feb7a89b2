/* sim — the simulator's core: modems and their life cycle (boot, vanish,
 * return, vanish for good), the timer list, report and call outcome rules,
 * the JSON logs.  See sim.h for the shape; sim_ctl.c owns the control
 * commands, sim_at.c the AT interpreter (its commands in sim_generic.c,
 * sim_sms.c and sim_family.c), sim_call.c the calls, sim_io.c the ptys and
 * the event loop.
 *
 * Timers are one flat list scanned for the earliest due time (tens of
 * entries at most: one per part awaiting a report), dispatched through a
 * named table.  A timer carries the generation of its modem (or call): when
 * a modem reboots its generation moves on and stale timers fall away, which
 * is how a vanished port loses the +CMGS it was about to send.  A timer may
 * also be pulled forward (sim_timer_fire): that is how a status report
 * lands right after the next "> " prompt, in order and never by a race. */
#include "sim/sim_int.h"

#include "base/clock.h"
#include "base/log.h"

#include <ctype.h>
#include <math.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sim_opts_default(struct sim_opts *o)
{
	memset(o, 0, sizeof *o);
	o->modems = 1;
	o->family = "generic";
	o->cmgs_delay_ms = 0;
	o->report_delay_ms = 200;
	o->report = "delivered";
	o->seed = 1;
	o->noise_ms = 5000;
	o->reset_ms = 2000;
	o->call = "answer";
	o->alert_ms = 500;
	o->answer_ms = 2000;
	o->talk_ms = 0;
	o->noanswer_ms = 30000;
	o->keys_after_ms = 3000;
	o->urc_after_prompt = 1;
	o->late_end = 1;
	o->end_delay_ms = 40;
	o->dial_waits = 1;
}

uint32_t sim_rand(struct sim *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (uint32_t)((s->rng * 2685821657736338717ULL) >> 32);
}

const char *const sim_report_names[4] = { "delivered", "failed", "none", "mix" };
const char *const sim_far_names[4] = { "answer", "busy", "noanswer", "voicemail" };

int sim_name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

/* ---- timers ---- */

void sim_timer_add(struct sim *s, int64_t delay_ms, enum sim_timer_kind k, struct sim_modem *m,
		   unsigned gen, int a, int b, const char *str)
{
	if (s->ntm == s->captm) {
		s->captm = s->captm ? s->captm * 2 : 16;
		s->tm = xrealloc(s->tm, s->captm * sizeof *s->tm);
	}
	struct sim_timer *t = &s->tm[s->ntm++];
	memset(t, 0, sizeof *t);
	t->due = clock_mono_ms() + (delay_ms > 0 ? delay_ms : 0);
	t->kind = k;
	t->m = m;
	t->gen = gen;
	t->a = a;
	t->b = b;
	t->t = clock_wall_ms();
	if (str)
		snprintf(t->s, sizeof t->s, "%s", str);
}

int64_t sim_next_due(const struct sim *s)
{
	int64_t best = -1;
	for (size_t i = 0; i < s->ntm; i++)
		if (best < 0 || s->tm[i].due < best)
			best = s->tm[i].due;
	return best;
}

void sim_modem_arm_noise(struct sim_modem *m)
{
	int mean = m->noise_ms;
	if (mean <= 0 || !m->fam->noise[0])
		return;
	int64_t d = mean / 2 + (int64_t)(sim_rand(m->sim) % (uint32_t)(mean + 1));
	sim_timer_add(m->sim, d > 0 ? d : 1, SIM_T_NOISE, m, m->gen, 0, 0, NULL);
}

static void t_cmgs(struct sim *s, struct sim_timer *t)
{
	(void)s;
	struct sim_modem *m = t->m;
	if (t->gen == m->gen && m->present && m->st == SIM_ST_BUSY)
		sim_cmgs_done(m);
}

static void t_cds(struct sim *s, struct sim_timer *t)
{
	struct sim_modem *m = t->m;
	if (m->gone)
		return; /* the network gives up on a modem that never returns */
	if (!m->present || m->muted) { /* the network retries once the modem is back */
		sim_timer_add(s, 200, SIM_T_CDS, m, 0, t->a, t->b, t->s);
		s->tm[s->ntm - 1].t = t->t;
		return;
	}
	struct sim_pdu_part p;
	sim_pdu_encode_status(t->a, t->s, t->b, t->t, clock_wall_ms(), &p);
	sim_deliver_status(m, &p);
}

static void t_noise(struct sim *s, struct sim_timer *t)
{
	(void)s;
	struct sim_modem *m = t->m;
	if (t->gen != m->gen || !m->present)
		return;
	if (m->curc && m->noise_ms > 0) {
		int n = 0;
		while (m->fam->noise[n])
			n++;
		if (n) {
			char buf[160];
			snprintf(buf, sizeof buf, m->fam->noise[sim_rand(s) % (uint32_t)n],
				 10 + (int)(sim_rand(s) % 15));
			sim_urc(m, buf);
		}
	}
	sim_modem_arm_noise(m);
}

static void t_down(struct sim *s, struct sim_timer *t)
{
	(void)s;
	if (t->gen == t->m->gen)
		sim_modem_vanish(t->m, t->a);
}

void sim_modem_boot(struct sim_modem *m)
{
	m->gen++;
	m->present = 1;
	m->muted = 0; /* a power cycle cures a hung modem */
	m->boot_pending = 1;
	sim_call_free(m);
	memset(&m->call, 0, sizeof m->call);
	sim_at_reset(m);
	sim_modem_arm_noise(m);
	if (!m->sim->io)
		sim_netq_drain(m);
}

static void t_return(struct sim *s, struct sim_timer *t)
{
	struct sim_modem *m = t->m;
	if (t->gen != m->gen || m->present)
		return;
	if (s->io) {
		char err[256];
		if (sim_io_port_open(m, err, sizeof err) != 0) {
			LOG_W("sim", "%s: %s (retrying)", m->name, err);
			sim_timer_add(s, 500, SIM_T_RETURN, m, m->gen, 0, 0, NULL);
			return;
		}
	}
	LOG_I("sim", "%s: port back", m->name);
	sim_modem_boot(m);
}

static void t_cusd(struct sim *s, struct sim_timer *t)
{
	(void)s;
	if (t->gen == t->m->gen && t->m->present)
		sim_ussd_answer(t->m, (unsigned)t->a, t->b);
}

static void t_call(struct sim *s, struct sim_timer *t)
{
	(void)s;
	if (t->gen == t->m->call.gen && t->m->present)
		sim_call_event(t->m, t->a);
}

static void t_audio(struct sim *s, struct sim_timer *t)
{
	(void)s;
	if (t->gen == t->m->call.gen && t->m->present)
		sim_call_audio_tick(t->m);
}

/* What each kind of timer does, by kind (the comments name the option
 * or event behind its delay). */
static void (*const timer_table[SIM_T_COUNT])(struct sim *s, struct sim_timer *t) = {
	[SIM_T_CMGS] = t_cmgs,     /* --cmgs-delay-ms: the network accepts */
	[SIM_T_CDS] = t_cds,       /* --report-delay-ms: the status report */
	[SIM_T_NOISE] = t_noise,   /* --noise-ms */
	[SIM_T_DOWN] = t_down,     /* a reset's port-down grace */
	[SIM_T_RETURN] = t_return, /* a vanished port returns */
	[SIM_T_CALL] = t_call,     /* call progress */
	[SIM_T_AUDIO] = t_audio,   /* a 20 ms audio frame */
	[SIM_T_CUSD] = t_cusd,     /* `set M ussd_delay_ms`: the USSD answer */
};

/* Runs the earliest timer that matches: due by `now`, or (m set) any of
 * modem m and kind k whatever its due time.  0 when none matches. */
static int run_first(struct sim *s, int64_t now, const struct sim_modem *m, enum sim_timer_kind k)
{
	size_t best = s->ntm;
	for (size_t i = 0; i < s->ntm; i++) {
		const struct sim_timer *t = &s->tm[i];
		if (m ? t->m != m || t->kind != k : t->due > now)
			continue;
		if (best == s->ntm || t->due < s->tm[best].due)
			best = i;
	}
	if (best == s->ntm)
		return 0;
	struct sim_timer t = s->tm[best];
	memmove(s->tm + best, s->tm + best + 1, (s->ntm - best - 1) * sizeof *s->tm);
	s->ntm--;
	timer_table[t.kind](s, &t);
	return 1;
}

void sim_tick(struct sim *s)
{
	int64_t now = clock_mono_ms();
	for (int guard = 0; guard < 100000 && run_first(s, now, NULL, SIM_T_COUNT); guard++)
		;
}

void sim_timer_fire(struct sim *s, struct sim_modem *m, enum sim_timer_kind k)
{
	for (int guard = 0; guard < 10000 && run_first(s, 0, m, k); guard++)
		;
}

/* ---- life cycle ---- */

void sim_modem_vanish(struct sim_modem *m, int down_ms)
{
	if (!m->present)
		return;
	sim_call_drop(m);
	m->present = 0;
	m->gen++;
	if (m->sim->io)
		sim_io_port_close(m);
	sbuf_reset(&m->out);
	sbuf_reset(&m->held);
	m->held_n = 0;
	sbuf_reset(&m->queued);
	sbuf_reset(&m->pdu);
	m->st = SIM_ST_CMD;
	m->prompt_open = m->dial_pending = m->doomed = 0;
	if (down_ms < 0) {
		m->gone = 1;
		LOG_I("sim", "%s: port vanished for good", m->name);
		return;
	}
	LOG_I("sim", "%s: port vanished for %d ms", m->name, down_ms);
	sim_timer_add(m->sim, down_ms, SIM_T_RETURN, m, m->gen, 0, 0, NULL);
}

void sim_modem_reboot(struct sim_modem *m, int down_ms)
{
	sim_timer_add(m->sim, 100, SIM_T_DOWN, m, m->gen, down_ms, 0, NULL);
}

static int luhn(const char *d)
{
	int sum = 0, n = (int)strlen(d);
	for (int i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

struct sim *sim_new(const struct sim_opts *o, char *err, size_t errlen)
{
	const char *fams[SIM_MAX_MODEMS];
	int nf = 0;
	if (o->modems < 1 || o->modems > SIM_MAX_MODEMS) {
		snprintf(err, errlen, "--modems %d: must be 1..%d", o->modems, SIM_MAX_MODEMS);
		return NULL;
	}
	char *fl = xstrdup(o->family ? o->family : "generic");
	for (char *sv = NULL, *f = strtok_r(fl, ",", &sv); f && nf < SIM_MAX_MODEMS;
	     f = strtok_r(NULL, ",", &sv)) {
		const struct sim_family *fam = sim_family_find(f);
		if (!fam) {
			snprintf(err, errlen, "--family %s: unknown (generic, huawei, simcom, quectel)", f);
			free(fl);
			return NULL;
		}
		fams[nf++] = fam->name;
	}
	free(fl);
	if (!nf) {
		snprintf(err, errlen, "--family: empty");
		return NULL;
	}
	int rep = sim_name_index(sim_report_names, ARRAY_LEN(sim_report_names), o->report ? o->report : "");
	if (rep < 0) {
		snprintf(err, errlen, "--report %s: must be delivered, failed, none or mix",
			 o->report ? o->report : "");
		return NULL;
	}
	int far = sim_name_index(sim_far_names, ARRAY_LEN(sim_far_names), o->call ? o->call : "");
	if (far < 0) {
		snprintf(err, errlen, "--call %s: must be answer, busy, noanswer or voicemail", o->call ? o->call : "");
		return NULL;
	}
	if (o->pin && (!o->pin[0] || strlen(o->pin) >= SIM_PIN_MAX)) {
		snprintf(err, errlen, "--pin: 1 to %d characters", SIM_PIN_MAX - 1);
		return NULL;
	}
	if (o->cmgs_delay_ms < 0 || o->report_delay_ms < 0 || o->noise_ms < 0 || o->reset_ms < 0 ||
	    o->alert_ms < 0 || o->answer_ms < 0 || o->talk_ms < 0 || o->noanswer_ms < 0 ||
	    o->end_delay_ms < 0) {
		snprintf(err, errlen, "delays must not be negative");
		return NULL;
	}
	struct sim *s = xcalloc(1, sizeof *s);
	s->o = *o;
	s->dir = o->dir ? xstrdup(o->dir) : NULL;
	s->rng = (uint64_t)o->seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	s->next_ref = (int)(o->seed * 37 % 256);
	s->sms_log = s->call_log = s->ctl_fd = -1;
	s->nmod = o->modems;
	s->mod = xcalloc((size_t)s->nmod, sizeof *s->mod);
	for (int i = 0; i < s->nmod; i++) {
		struct sim_modem *m = &s->mod[i];
		m->sim = s;
		m->idx = i;
		snprintf(m->name, sizeof m->name, "m%d", i + 1);
		m->fam = sim_family_find(fams[i % nf]);
		char body[24];
		snprintf(body, sizeof body, "869123%08u",
			 (unsigned)(((o->seed % 1000) * 100000 + (unsigned)i) % 100000000u));
		snprintf(m->imei, sizeof m->imei, "%.14s%d", body, luhn(body));
		m->at.fd = m->audio.fd = -1;
		sbuf_init(&m->pdu);
		sbuf_init(&m->queued);
		sbuf_init(&m->out);
		sbuf_init(&m->held);
		sbuf_init(&m->ta_buf);
		sbuf_init(&m->down);
		m->cmgs_delay_ms = o->cmgs_delay_ms;
		m->report_delay_ms = o->report_delay_ms;
		m->noise_ms = o->noise_ms;
		m->report = (enum sim_report)rep;
		m->far = (enum sim_far)far;
		m->urc_after_prompt = o->urc_after_prompt != 0;
		m->late_end = o->late_end != 0;
		m->end_delay_ms = o->end_delay_ms;
		m->dial_waits = o->dial_waits != 0;
		m->card = SIM_CARD_OK;
		snprintf(m->pin, sizeof m->pin, "%s", o->pin ? o->pin : "");
		m->lost = -1;
		m->nitz = 1; /* the network's time is the simulator's own clock */
		m->balance = 125000;
		snprintf(m->ussd_code, sizeof m->ussd_code, "*101#");
		m->ussd_delay_ms = 1000;
		sim_modem_boot(m);
	}
	return s;
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nmod; i++) {
		struct sim_modem *m = &s->mod[i];
		if (s->io)
			sim_io_port_close(m);
		sbuf_free(&m->pdu);
		sbuf_free(&m->queued);
		sbuf_free(&m->out);
		sbuf_free(&m->held);
		sbuf_free(&m->ta_buf);
		sbuf_free(&m->down);
		free(m->netq);
		sim_call_free(m);
	}
	if (s->ctl_fd >= 0)
		close(s->ctl_fd);
	if (s->ctl_path) {
		unlink(s->ctl_path);
		free(s->ctl_path);
	}
	if (s->sms_log >= 0)
		close(s->sms_log);
	if (s->call_log >= 0)
		close(s->call_log);
	free(s->mod);
	free(s->tm);
	free(s->ov);
	free(s->dir);
	free(s);
}

int sim_modem_count(const struct sim *s)
{
	return s->nmod;
}

struct sim_modem *sim_modem_at(struct sim *s, int i)
{
	return i >= 0 && i < s->nmod ? &s->mod[i] : NULL;
}

struct sim_modem *sim_modem_find(struct sim *s, const char *name)
{
	for (int i = 0; i < s->nmod; i++)
		if (!strcmp(s->mod[i].name, name))
			return &s->mod[i];
	return NULL;
}

char *sim_output_take(struct sim_modem *m, size_t *len)
{
	if (len)
		*len = m->out.len;
	return sbuf_take(&m->out);
}

char *sim_audio_take(struct sim_modem *m, size_t *len)
{
	if (len)
		*len = m->down.len;
	return sbuf_take(&m->down);
}

int sim_quit_requested(const struct sim *s)
{
	return s->quit;
}

/* ---- SMS storage ---- */

int sim_store_free_slot(struct sim_modem *m)
{
	for (int i = 0; i < SIM_STORE_SLOTS; i++)
		if (!m->store[i].used)
			return i;
	return -1;
}

void sim_netq_drain(struct sim_modem *m)
{
	while (m->netq_n > 0 && m->present && !m->muted && sim_store_free_slot(m) >= 0) {
		struct sim_pdu_part p = m->netq[0];
		memmove(m->netq, m->netq + 1, (size_t)(m->netq_n - 1) * sizeof *m->netq);
		m->netq_n--;
		sim_deliver_inbound(m, &p, 0);
	}
}

int sim_sr_used(const struct sim_modem *m)
{
	int n = 0;
	for (int i = 0; i < m->fam->sr_slots; i++)
		n += m->sr[i].used;
	return n;
}

int sim_inbound_pending(const struct sim_modem *m)
{
	int n = m->netq_n;
	for (int i = 0; i < SIM_STORE_SLOTS; i++)
		n += m->store[i].used;
	return n;
}

/* ---- outcome rules ---- */

/* The subscriber part of a number: "+84912…", "84912…" and "0912…" reach
 * the same phone on a real network, so they match here too. */
static const char *subscriber(const char *n)
{
	while (*n == '+')
		n++;
	if (!strncmp(n, "84", 2) && strlen(n) >= 11)
		return n + 2;
	if (*n == '0')
		return n + 1;
	return n;
}

static int same_number(const char *a, const char *b)
{
	return !strcmp(subscriber(a), subscriber(b));
}

struct sim_override *sim_override_find(struct sim *s, const char *number, int create)
{
	for (size_t i = 0; i < s->nov; i++)
		if (same_number(s->ov[i].number, number))
			return &s->ov[i];
	if (!create)
		return NULL;
	s->ov = xrealloc(s->ov, (s->nov + 1) * sizeof *s->ov);
	struct sim_override *o = &s->ov[s->nov++];
	snprintf(o->number, sizeof o->number, "%s", number);
	o->status = -2;
	o->call = -1;
	o->keys[0] = '\0';
	o->cms = 0;
	return o;
}

/* --report mix: the recipient's last digit decides, so tests can predict
 * it: 0-6 delivered, 7-8 failed (TP-ST 0x46), 9 no report at all. */
static int mix_status(const char *number)
{
	size_t n = strlen(number);
	int d = n && isdigit((unsigned char)number[n - 1]) ? number[n - 1] - '0' : 0;
	return d <= 6 ? SIM_ST_DELIVERED : d <= 8 ? SIM_ST_FAILED : -1;
}

int sim_report_status(struct sim_modem *m, const char *number)
{
	const struct sim_override *o = sim_override_find(m->sim, number, 0);
	if (o && o->status != -2)
		return o->status;
	switch (m->report) {
	case SIM_REP_DELIVERED:
		return SIM_ST_DELIVERED;
	case SIM_REP_FAILED:
		return SIM_ST_FAILED;
	case SIM_REP_NONE:
		return -1;
	default:
		return mix_status(number);
	}
}

const char *sim_call_keys(struct sim_modem *m, const char *number)
{
	const struct sim_override *o = sim_override_find(m->sim, number, 0);
	return o ? o->keys : "";
}

int sim_number_cms(struct sim_modem *m, const char *number)
{
	const struct sim_override *o = sim_override_find(m->sim, number, 0);
	return o ? o->cms : 0;
}

int sim_call_far(struct sim_modem *m, const char *number)
{
	const struct sim_override *o = sim_override_find(m->sim, number, 0);
	return o && o->call >= 0 ? o->call : (int)m->far;
}

/* ---- JSON logs ---- */

static void json_str(struct sbuf *b, const char *s)
{
	sbuf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)c);
		} else if (c == '\n') {
			sbuf_add(b, "\\n");
		} else if (c == '\r') {
			sbuf_add(b, "\\r");
		} else if (c == '\t') {
			sbuf_add(b, "\\t");
		} else if (c < 0x20 || c == 0x7F) {
			sbuf_printf(b, "\\u%04x", c);
		} else {
			sbuf_addc(b, (char)c);
		}
	}
	sbuf_addc(b, '"');
}

static void write_line(int fd, struct sbuf *b)
{
	sbuf_addc(b, '\n');
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->s + off, b->len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

void sim_log_sms(struct sim_modem *m, const struct sim_pdu_info *p, int mr)
{
	LOG_D("sim", "%s: accepted part %d/%d to %s mr=%d", m->name, p->part, p->parts, p->number, mr);
	if (m->sim->sms_log < 0)
		return;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "{\"modem\":");
	json_str(&b, m->name);
	sbuf_add(&b, ",\"to\":");
	json_str(&b, p->number);
	sbuf_add(&b, ",\"text\":");
	json_str(&b, p->text);
	sbuf_printf(&b, ",\"coding\":\"%s\",\"part\":%d,\"parts\":%d,\"ref\":", p->coding, p->part,
		    p->parts);
	if (p->ref >= 0)
		sbuf_printf(&b, "%d", p->ref);
	else
		sbuf_add(&b, "null");
	sbuf_printf(&b, ",\"mr\":%d,\"srr\":%s,\"t_ms\":%lld}", mr, p->srr ? "true" : "false",
		    (long long)clock_wall_ms());
	write_line(m->sim->sms_log, &b);
	sbuf_free(&b);
}

void sim_log_call(struct sim_modem *m, const char *result, int64_t ring_ms, int64_t talk_ms)
{
	if (m->sim->call_log < 0)
		return;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "{\"modem\":");
	json_str(&b, m->name);
	const struct sim_call *c = &m->call;
	/* an incoming call names its caller ("from", "dir":"in"): readers
	 * that select outbound calls by "to" never see it */
	sbuf_add(&b, c->mt ? ",\"from\":" : ",\"to\":");
	json_str(&b, m->call.number);
	if (c->mt)
		sbuf_printf(&b, ",\"dir\":\"in\",\"rings\":%d,\"said_ms\":%lld", c->rings, (long long)(c->say_pos / 8));
	sbuf_printf(&b, ",\"result\":\"%s\",\"ring_ms\":%lld,\"talk_ms\":%lld,\"duration_s\":%.1f,\"keys\":",
		    result, (long long)ring_ms, (long long)talk_ms, (double)talk_ms / 1000.0);
	json_str(&b, c->pressed);
	sbuf_add(&b, ",\"recording\":");
	if (c->rec_path[0])
		json_str(&b, c->rec_path);
	else
		sbuf_add(&b, "null");
	double rms = c->rec_samples ? sqrt(c->rec_sumsq / (double)c->rec_samples) : 0;
	sbuf_printf(&b, ",\"recording_ms\":%lld,\"recording_rms\":%.1f,\"t_ms\":%lld}",
		    (long long)(c->rec_samples / 8), rms, (long long)clock_wall_ms());
	write_line(m->sim->call_log, &b);
	sbuf_free(&b);
}
