/* sim_ctl — the simulator's control commands (sim_ctl, the lines of
 * `loa sim`'s control socket and of tests): inject inbound messages, set
 * faults (a mute modem among them), per-modem settings, the SIM and the
 * network (credit, ussd, reg, sim, time), a caller ringing (callin, in
 * sim_callin.c), per-number outcome overrides (report,
 * call, keys, number), stats.  The rules those settings feed are in sim.c, the
 * AT side of them in sim_at.c, sim_generic.c and sim_ussd.c. */
#include "sim/sim_int.h"

#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return w;
}

static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			*o++ = '\\';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int fail(struct sbuf *r, const char *fmt, const char *arg)
{
	sbuf_add(r, "err ");
	sbuf_printf(r, fmt, arg ? arg : "");
	return -1;
}

static int num(const char *w, long lo, long hi, long *v)
{
	return !w || util_parse_long(w, lo, hi, v);
}

static int ctl_inject(struct sim *s, struct sim_modem *m, char *p, struct sbuf *r)
{
	char *how = word(&p), *from = word(&p);
	/* cmti-first / cmt-first: only part 1 of a long message arrives (the
	 * network lost the rest), as fragments that never complete */
	int first_only = how && (!strcmp(how, "cmti-first") || !strcmp(how, "cmt-first"));
	if (first_only)
		how[strlen(how) - 6] = '\0';
	if (!how || !from || (strcmp(how, "cmti") && strcmp(how, "cmt")))
		return fail(r, "usage: inject M cmti|cmt|cmti-first|cmt-first FROM TEXT...", NULL);
	while (*p == ' ')
		p++;
	unescape(p);
	if (!*p)
		return fail(r, "inject: empty text", NULL);
	struct sim_pdu_list *l = xcalloc(1, sizeof *l);
	int ref = s->next_ref;
	if (sim_pdu_encode_deliver(from, p, ref, clock_wall_ms(), l) != 0) {
		free(l);
		return fail(r, "inject: text does not fit %s parts", "16");
	}
	if (l->n > 1)
		s->next_ref = (s->next_ref + 1) & 0xFF;
	for (int i = 0; i < (first_only ? 1 : l->n); i++)
		sim_deliver_inbound(m, &l->part[i], !strcmp(how, "cmt"));
	sbuf_printf(r, "ok parts=%d", l->n);
	if (l->n > 1)
		sbuf_printf(r, " ref=%d", ref);
	free(l);
	return 0;
}

/* The modem answers again: what it had half read is gone, a prompt it
 * gave before going mute is dropped, and inbound messages that waited at
 * the SMSC arrive. */
static void unmute(struct sim_modem *m)
{
	if (!m->muted)
		return;
	m->muted = 0;
	m->line_len = 0;
	m->line_overflow = 0;
	if (m->st == SIM_ST_PROMPT) {
		sbuf_reset(&m->pdu);
		m->st = SIM_ST_CMD;
		m->prompt_open = 0;
	}
	sim_netq_drain(m);
}

static int ctl_fault(struct sim *s, struct sim_modem *m, char *p, struct sbuf *r)
{
	char *what = word(&p), *a1 = word(&p), *a2 = word(&p);
	long v, c;
	if (!what)
		return fail(r, "usage: fault M error N|cms CODE N|silence N|garbage [N]|vanish MS|forever|"
			       "vanish-multipart [K]|mute|unmute|clear", NULL);
	if (!strcmp(what, "error")) {
		if (num(a1, 0, 1000000, &v))
			return fail(r, "fault error: N must be a count", NULL);
		m->f_error = (int)v;
	} else if (!strcmp(what, "cms")) {
		if (num(a1, 0, 65535, &c))
			return fail(r, "fault cms: CODE must be 0..65535", NULL);
		if (!a2)
			v = 1;
		else if (num(a2, 0, 1000000, &v))
			return fail(r, "fault cms: N must be a count", NULL);
		m->f_cms_code = (int)c;
		m->f_cms = (int)v;
	} else if (!strcmp(what, "silence")) {
		if (num(a1, 0, 1000000, &v))
			return fail(r, "fault silence: N must be a count", NULL);
		m->f_silence = (int)v;
	} else if (!strcmp(what, "garbage")) {
		if (!a1)
			v = 8 + sim_rand(s) % 33;
		else if (num(a1, 1, 4096, &v))
			return fail(r, "fault garbage: N must be 1..4096", NULL);
		char buf[4096];
		for (long i = 0; i < v; i++)
			buf[i] = (char)(sim_rand(s) & 0xFF);
		sim_emit(m, buf, (size_t)v);
		sbuf_printf(r, "ok garbage=%ld", v);
		return 0;
	} else if (!strcmp(what, "vanish")) {
		if (a1 && !strcmp(a1, "forever"))
			v = -1;
		else if (num(a1, 0, 3600000, &v))
			return fail(r, "fault vanish: MS must be 0..3600000 or forever", NULL);
		if (!m->present)
			return fail(r, "fault vanish: %s has already vanished", m->name);
		sim_modem_vanish(m, (int)v);
	} else if (!strcmp(what, "vanish-multipart")) {
		/* armed: the first accepted part K of a concatenated message
		 * (any K before the last when not given) is the modem's last */
		if (!a1)
			v = -1;
		else if (num(a1, 1, SIM_PDU_MAX_PARTS - 1, &v))
			return fail(r, "fault vanish-multipart: K must be 1..15", NULL);
		m->f_vanish_mp = (int)v;
	} else if (!strcmp(what, "mute")) {
		/* reads every byte, answers nothing: no echo, no result, no URC */
		m->muted = 1;
	} else if (!strcmp(what, "unmute")) {
		unmute(m);
	} else if (!strcmp(what, "clear")) {
		m->f_error = m->f_cms = m->f_silence = m->f_vanish_mp = 0;
		unmute(m);
	} else {
		return fail(r, "fault: unknown fault '%s'", what);
	}
	sbuf_add(r, "ok");
	return 0;
}

/* `set M KEY VALUE` for the plain numbers of a modem: delays (ms) and
 * switches (0 or 1). */
static const struct {
	const char *key;
	size_t off;
	long hi;
} set_ints[] = {
	{ "cmgs_delay_ms", offsetof(struct sim_modem, cmgs_delay_ms), 3600000 },
	{ "report_delay_ms", offsetof(struct sim_modem, report_delay_ms), 3600000 },
	{ "noise_ms", offsetof(struct sim_modem, noise_ms), 3600000 },
	{ "end_delay_ms", offsetof(struct sim_modem, end_delay_ms), 3600000 },
	{ "csq", offsetof(struct sim_modem, csq), 99 },
	{ "ussd_delay_ms", offsetof(struct sim_modem, ussd_delay_ms), 3600000 },
	{ "chunked", offsetof(struct sim_modem, chunked), 1 },
	{ "urc_after_prompt", offsetof(struct sim_modem, urc_after_prompt), 1 },
	{ "late_end", offsetof(struct sim_modem, late_end), 1 },
	{ "dial_waits", offsetof(struct sim_modem, dial_waits), 1 },
};

static int ctl_set_one(struct sim_modem *m, const char *key, const char *val, struct sbuf *r)
{
	long v;
	for (size_t i = 0; i < ARRAY_LEN(set_ints); i++) {
		if (strcmp(key, set_ints[i].key))
			continue;
		if (num(val, 0, set_ints[i].hi, &v)) {
			sbuf_printf(r, "err set %s: must be 0..%ld", key, set_ints[i].hi);
			return -1;
		}
		int *f = (int *)(void *)((char *)m + set_ints[i].off);
		int was = *f;
		*f = (int)v;
		if (f == &m->noise_ms && was <= 0)
			sim_modem_arm_noise(m); /* the old chain stopped when it found 0 */
		return 0;
	}
	if (!strcmp(key, "report")) {
		int k = val ? sim_name_index(sim_report_names, ARRAY_LEN(sim_report_names), val) : -1;
		if (k < 0)
			return fail(r, "set report: delivered|failed|none|mix, not '%s'", val);
		m->report = (enum sim_report)k;
	} else if (!strcmp(key, "call")) {
		int k = val ? sim_name_index(sim_far_names, ARRAY_LEN(sim_far_names), val) : -1;
		if (k < 0)
			return fail(r, "set call: answer|busy|noanswer|voicemail, not '%s'", val);
		m->far = (enum sim_far)k;
	} else if (!strcmp(key, "creg")) {
		if (num(val, 0, 5, &v))
			return fail(r, "set creg: STAT must be 0..5", NULL);
		int before = sim_reg_stat(m);
		m->creg_stat = (int)v;
		sim_reg_changed(m, before);
	} else {
		return fail(r, "set: unknown key '%s' (cmgs_delay_ms report_delay_ms report noise_ms creg csq "
			       "call chunked urc_after_prompt late_end end_delay_ms dial_waits ussd_delay_ms)", key);
	}
	return 0;
}

/* credit M empty [CODE] | topup [N] | balance N */
static int ctl_credit(struct sim_modem *m, char *p, struct sbuf *r)
{
	char *what = word(&p), *a1 = word(&p);
	long v;
	if (what && !strcmp(what, "empty")) {
		if (!a1)
			v = 50; /* requested facility not subscribed: the usual "no credit" */
		else if (num(a1, 1, 65535, &v))
			return fail(r, "credit empty: CODE must be 1..65535", NULL);
		m->credit_cms = (int)v;
	} else if (what && !strcmp(what, "topup")) {
		if (a1 && num(a1, 0, 2000000000, &v))
			return fail(r, "credit topup: N must be 0..2000000000", NULL);
		if (a1)
			m->balance = v;
		m->credit_cms = 0;
	} else if (what && !strcmp(what, "balance")) {
		if (num(a1, 0, 2000000000, &v))
			return fail(r, "credit balance: N must be 0..2000000000", NULL);
		m->balance = v;
	} else {
		return fail(r, "usage: credit M empty [CODE]|topup [N]|balance N", NULL);
	}
	sbuf_add(r, "ok");
	return 0;
}

/* ussd M text TEXT...|default | enc gsm7|gsm7-packed|ucs2 | code CODE */
static int ctl_ussd(struct sim_modem *m, char *p, struct sbuf *r)
{
	static const char *const encs[] = { "gsm7", "gsm7-packed", "ucs2" };
	char *what = word(&p);
	if (what && !strcmp(what, "text")) {
		while (*p == ' ' || *p == '\t')
			p++;
		unescape(p);
		size_t n = strlen(p);
		if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
			p[n - 1] = '\0';
			p++;
			n -= 2;
		}
		if (!n)
			return fail(r, "ussd text: empty (default restores the default)", NULL);
		if (n >= sizeof m->ussd_text)
			return fail(r, "ussd text: at most %s bytes", "199");
		snprintf(m->ussd_text, sizeof m->ussd_text, "%s", strcmp(p, "default") ? p : "");
	} else if (what && !strcmp(what, "enc")) {
		char *e = word(&p);
		int k = e ? sim_name_index(encs, ARRAY_LEN(encs), e) : -1;
		if (k < 0)
			return fail(r, "ussd enc: gsm7|gsm7-packed|ucs2, not '%s'", e);
		m->ussd_enc = (enum sim_ussd_enc)k;
	} else if (what && !strcmp(what, "code")) {
		char *c = word(&p);
		if (!c || strlen(c) >= sizeof m->ussd_code)
			return fail(r, "ussd code: a code such as *101#, not '%s'", c);
		snprintf(m->ussd_code, sizeof m->ussd_code, "%s", c);
	} else {
		return fail(r, "usage: ussd M text TEXT|default | enc gsm7|gsm7-packed|ucs2 | code CODE", NULL);
	}
	sbuf_add(r, "ok");
	return 0;
}

/* reg M lost [0|2|3|4] | ok */
static int ctl_reg(struct sim_modem *m, char *p, struct sbuf *r)
{
	char *what = word(&p), *a1 = word(&p);
	long v = 2; /* searching: what a modem shows in a storm */
	int before = sim_reg_stat(m);
	if (what && !strcmp(what, "lost")) {
		if (a1 && (num(a1, 0, 4, &v) || v == 1))
			return fail(r, "reg lost: STAT must be 0, 2, 3 or 4", NULL);
		m->lost = (int)v;
	} else if (what && !strcmp(what, "ok")) {
		m->lost = -1;
	} else {
		return fail(r, "usage: reg M lost [0|2|3|4]|ok", NULL);
	}
	sim_reg_changed(m, before);
	sbuf_add(r, "ok");
	return 0;
}

/* sim M pin [PIN] | puk | missing | ok */
static int ctl_card(struct sim_modem *m, char *p, struct sbuf *r)
{
	char *what = word(&p), *a1 = word(&p);
	int before = sim_reg_stat(m);
	if (what && !strcmp(what, "pin")) {
		if (a1 && (!*a1 || strlen(a1) >= sizeof m->pin))
			return fail(r, "sim pin: PIN of 1 to 15 characters", NULL);
		if (a1)
			snprintf(m->pin, sizeof m->pin, "%s", a1);
		else if (!m->pin[0])
			snprintf(m->pin, sizeof m->pin, "1234");
		m->card = SIM_CARD_OK;
		m->pin_locked = 1;
	} else if (what && !strcmp(what, "puk")) {
		m->card = SIM_CARD_PUK;
	} else if (what && !strcmp(what, "missing")) {
		m->card = SIM_CARD_MISSING;
	} else if (what && !strcmp(what, "ok")) {
		m->card = SIM_CARD_OK;
		m->pin[0] = '\0';
		m->pin_locked = 0;
	} else {
		return fail(r, "usage: sim M pin [PIN]|puk|missing|ok", NULL);
	}
	sim_reg_changed(m, before);
	sbuf_add(r, "ok");
	return 0;
}

static const char *card_name(const struct sim_modem *m)
{
	return m->card == SIM_CARD_MISSING ? "missing" : m->card == SIM_CARD_PUK ? "puk"
		: m->pin_locked ? "pin" : "ready";
}

/* number TO unassigned|barred|unknown|absent|ok|CODE: what the network
 * does with every SMS to a subscriber, from any modem.  A refusal comes
 * after the PDU as +CMS ERROR (1 unassigned, 8 barred by the operator, 30
 * unknown subscriber, or CODE); `absent` takes the message and reports it
 * failed, validity period expired (TP-ST 0x46: the phone was off too
 * long); `ok` undoes both.  Calls are `call TO ...`'s. */
static int ctl_number(struct sim *s, char *p, struct sbuf *r)
{
	static const struct {
		const char *word;
		int cms;
	} words[] = { { "unassigned", 1 }, { "barred", 8 }, { "unknown", 30 }, { "absent", 0 }, { "ok", 0 } };
	char *to = word(&p), *how = word(&p);
	if (!to || !how)
		return fail(r, "usage: number TO unassigned|barred|unknown|absent|ok|CODE", NULL);
	int cms = -1;
	long v;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (!strcmp(how, words[i].word))
			cms = words[i].cms;
	if (cms < 0 && !util_parse_long(how, 1, 65535, &v))
		cms = (int)v;
	if (cms < 0)
		return fail(r, "number: unassigned|barred|unknown|absent|ok|CODE (1..65535), not '%s'", how);
	struct sim_override *o = sim_override_find(s, to, 1);
	o->cms = cms;
	if (!strcmp(how, "absent"))
		o->status = SIM_ST_FAILED;
	else if (!strcmp(how, "ok") && o->status == SIM_ST_FAILED)
		o->status = -2;
	sbuf_add(r, "ok");
	return 0;
}

static int ctl_stats(struct sim *s, struct sbuf *r)
{
	long parts = 0, reports = 0, pend = 0, rej = 0, calls = 0, glued = 0, cusd = 0, credit = 0, noreg = 0;
	long number = 0;
	struct sbuf d;
	sbuf_init(&d);
	for (int i = 0; i < s->nmod; i++) {
		struct sim_modem *m = &s->mod[i];
		int pi = sim_inbound_pending(m);
		parts += m->n_parts;
		reports += m->n_reports;
		pend += pi;
		rej += m->n_rejected;
		calls += m->n_calls;
		glued += m->n_glued;
		cusd += m->n_cusd;
		credit += m->n_credit;
		number += m->n_number;
		noreg += m->n_noreg;
		sbuf_printf(&d, " %s.parts=%ld %s.reports=%ld %s.pending=%d %s.rejected=%ld %s.calls=%ld %s.present=%d %s.family=%s",
			    m->name, m->n_parts, m->name, m->n_reports, m->name, pi, m->name, m->n_rejected,
			    m->name, m->n_calls, m->name, m->present, m->name, m->fam->name);
		sbuf_printf(&d, " %s.sr=%d %s.sr_dropped=%ld", m->name, sim_sr_used(m), m->name,
			    m->n_sr_dropped);
		sbuf_printf(&d, " %s.cusd=%ld %s.refused_credit=%ld %s.refused_noreg=%ld", m->name, m->n_cusd,
			    m->name, m->n_credit, m->name, m->n_noreg);
		sbuf_printf(&d, " %s.credit=%s %s.balance=%ld %s.sim=%s %s.creg=%d %s.muted=%d", m->name,
			    m->credit_cms ? "empty" : "ok", m->name, m->credit_cms ? 0 : m->balance, m->name,
			    card_name(m), m->name, sim_reg_stat(m), m->name, m->muted);
	}
	sbuf_printf(r, "ok parts=%ld reports=%ld pending=%ld rejected=%ld calls=%ld urc_after_prompt=%ld "
		       "cusd=%ld refused_credit=%ld refused_noreg=%ld refused_number=%ld%s",
		    parts, reports, pend, rej, calls, glued, cusd, credit, noreg, number, d.s ? d.s : "");
	sbuf_free(&d);
	return 0;
}

int sim_ctl(struct sim *s, const char *line, struct sbuf *reply)
{
	char *buf = xstrdup(line);
	char *p = buf;
	size_t n = strlen(p);
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		p[--n] = '\0';
	int rc = -1;
	char *cmd = word(&p);
	if (!cmd) {
		rc = fail(reply, "empty command", NULL);
		goto out;
	}
	if (!strcmp(cmd, "quit")) {
		s->quit = 1;
		sbuf_add(reply, "ok bye");
		rc = 0;
	} else if (!strcmp(cmd, "stats")) {
		rc = ctl_stats(s, reply);
	} else if (!strcmp(cmd, "help")) {
		sbuf_add(reply, "ok commands: inject M cmti|cmt|cmti-first|cmt-first FROM TEXT | fault M error N | fault M cms CODE N | "
				"fault M silence N | fault M garbage [N] | fault M vanish MS|forever | "
				"fault M vanish-multipart [K] | fault M mute|unmute | fault M clear | "
				"credit M empty [CODE]|topup [N]|balance N | "
				"ussd M text TEXT|default | ussd M enc gsm7|gsm7-packed|ucs2 | ussd M code CODE | "
				"reg M lost [0|2|3|4]|ok | sim M pin [PIN]|puk|missing|ok | "
				"time M YYYY-MM-DDTHH:MM:SS+HH[:MM]|none|system | "
				"set M|all KEY VALUE (cmgs_delay_ms report_delay_ms report noise_ms creg csq call "
				"chunked urc_after_prompt late_end end_delay_ms dial_waits ussd_delay_ms) | "
				"report TO delivered|failed|none|default|0-255 | "
				"number TO unassigned|barred|unknown|absent|ok|CODE | "
				"call TO answer|busy|noanswer|voicemail|default | keys TO DIGITS | "
				"callin M FROM [--ring-s N] [--keys S:K,...] [--say FILE.wav] [--say-s N] [--hangup-s N] | "
				"stats | quit");
		rc = 0;
	} else if (!strcmp(cmd, "keys")) {
		char *to = word(&p), *k = word(&p);
		if (!to) {
			rc = fail(reply, "usage: keys TO DIGITS", NULL);
			goto out;
		}
		if (k && k[0] == '"') {
			k++;
			size_t kl = strlen(k);
			if (kl && k[kl - 1] == '"')
				k[kl - 1] = '\0';
		}
		if (k && (strlen(k) >= sizeof s->ov[0].keys || strspn(k, "0123456789*#") != strlen(k))) {
			rc = fail(reply, "keys: up to 15 of 0-9 * #, not '%s'", k);
			goto out;
		}
		struct sim_override *o = sim_override_find(s, to, 1);
		snprintf(o->keys, sizeof o->keys, "%s", k ? k : "");
		sbuf_add(reply, "ok");
		rc = 0;
	} else if (!strcmp(cmd, "number")) {
		rc = ctl_number(s, p, reply);
	} else if (!strcmp(cmd, "report") || !strcmp(cmd, "call")) {
		char *to = word(&p), *how = word(&p);
		if (!to || !how) {
			rc = fail(reply, "usage: %s TO MODE", cmd);
			goto out;
		}
		struct sim_override *o = sim_override_find(s, to, 1);
		long v;
		if (!strcmp(cmd, "report")) {
			int k = sim_name_index(sim_report_names, 3, how);
			if (!strcmp(how, "default"))
				o->status = -2;
			else if (k == 0)
				o->status = SIM_ST_DELIVERED;
			else if (k == 1)
				o->status = SIM_ST_FAILED;
			else if (k == 2)
				o->status = -1;
			else if (!util_parse_long(how, 0, 255, &v))
				o->status = (int)v;
			else {
				rc = fail(reply, "report: delivered|failed|none|default|0-255, not '%s'", how);
				goto out;
			}
		} else {
			int k = sim_name_index(sim_far_names, ARRAY_LEN(sim_far_names), how);
			if (k < 0 && strcmp(how, "default")) {
				rc = fail(reply, "call: answer|busy|noanswer|voicemail|default, not '%s'", how);
				goto out;
			}
			o->call = k;
		}
		sbuf_add(reply, "ok");
		rc = 0;
	} else if (!strcmp(cmd, "inject") || !strcmp(cmd, "fault") || !strcmp(cmd, "set") ||
		   !strcmp(cmd, "credit") || !strcmp(cmd, "ussd") || !strcmp(cmd, "reg") || !strcmp(cmd, "sim") ||
		   !strcmp(cmd, "time") || !strcmp(cmd, "callin")) {
		char *mn = word(&p);
		if (!mn) {
			rc = fail(reply, "%s: which modem?", cmd);
			goto out;
		}
		if (!strcmp(cmd, "set") && !strcmp(mn, "all")) {
			char *key = word(&p), *val = word(&p);
			rc = 0;
			for (int i = 0; i < s->nmod && rc == 0; i++)
				rc = ctl_set_one(&s->mod[i], key ? key : "", val, reply);
			if (rc == 0)
				sbuf_add(reply, "ok");
			goto out;
		}
		struct sim_modem *m = sim_modem_find(s, mn);
		if (!m) {
			rc = fail(reply, "unknown modem '%s'", mn);
			goto out;
		}
		if (!strcmp(cmd, "inject")) {
			rc = ctl_inject(s, m, p, reply);
		} else if (!strcmp(cmd, "fault")) {
			rc = ctl_fault(s, m, p, reply);
		} else if (!strcmp(cmd, "credit")) {
			rc = ctl_credit(m, p, reply);
		} else if (!strcmp(cmd, "ussd")) {
			rc = ctl_ussd(m, p, reply);
		} else if (!strcmp(cmd, "reg")) {
			rc = ctl_reg(m, p, reply);
		} else if (!strcmp(cmd, "sim")) {
			rc = ctl_card(m, p, reply);
		} else if (!strcmp(cmd, "time")) {
			rc = sim_time_ctl(m, word(&p), reply);
		} else if (!strcmp(cmd, "callin")) {
			rc = sim_callin_ctl(m, p, reply);
		} else {
			char *key = word(&p), *val = word(&p);
			rc = ctl_set_one(m, key ? key : "", val, reply);
			if (rc == 0)
				sbuf_add(reply, "ok");
		}
	} else {
		rc = fail(reply, "unknown command '%s' (try: help)", cmd);
	}
out:
	free(buf);
	return rc;
}
