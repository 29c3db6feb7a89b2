/* sim_at — the simulated modem's AT interpreter: bytes from the host in,
 * echo, information text, final result codes and held URCs out.
 *
 * DESIGN: it follows V.25ter/27.007/27.005 as real firmware does, not as
 * Loa's engine expects: a command line ends at CR only (LF is ignored),
 * anything before "AT" is dropped, echo is per character as it arrives,
 * several commands may share a line ("AT+CMGF=0;+CNMI=2,1,0,1,0", "ATE0V1")
 * and the first failing one ends the line.  While a command runs URCs are
 * held and further input is queued, then both are released in order after
 * the final result; except (urc_after_prompt, the default) for AT+CMGS:
 * URCs held when its "> " prompt goes out follow the prompt in the same
 * write, every status report still waiting for report_delay_ms on that
 * modem is pulled forward to land there too, and until the final result
 * URCs go out as they come (between the prompt and +CMGS, as real modems
 * do).  A command line's final result is also where a releasing call
 * reports its end (sim_call.c), and a waiting ATD is aborted by any byte.
 *
 *
 * Commands are tables: the generic ones in sim_generic.c (their SMS
 * commands in sim_sms.c), vendor ones in sim_family.c; a family only adds
 * rows, it never adds branches to this file. */
#include "sim/sim_int.h"

#include "base/clock.h"

#include "base/log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- output framing ---- */

void sim_emit(struct sim_modem *m, const char *bytes, size_t n)
{
	if (m->muted)
		return; /* fault mute: not a byte, not even echo or URCs */
	if (m->out.len + n > SIM_OUT_MAX)
		return; /* nobody reads: drop like a full UART buffer */
	sbuf_addn(&m->out, bytes, n);
}

void sim_at_frame(struct sim_modem *m, struct sbuf *b, const char *text)
{
	if (m->verbose)
		sbuf_add(b, "\r\n");
	sbuf_add(b, text);
	sbuf_add(b, "\r\n");
}

void sim_at_info(struct sim_modem *m, const char *fmt, ...)
{
	struct sbuf t;
	sbuf_init(&t);
	va_list ap;
	va_start(ap, fmt);
	sbuf_vprintf(&t, fmt, ap);
	va_end(ap);
	struct sbuf f;
	sbuf_init(&f);
	sim_at_frame(m, &f, t.s ? t.s : "");
	sim_emit(m, f.s, f.len);
	sbuf_free(&f);
	sbuf_free(&t);
}

void sim_urc(struct sim_modem *m, const char *text)
{
	if (m->st != SIM_ST_CMD && !m->prompt_open) {
		if (m->held.len < 65536) { /* a host that never ends its prompt */
			sim_at_frame(m, &m->held, text);
			m->held_n++;
		}
		return;
	}
	m->n_glued += m->prompt_open;
	struct sbuf f;
	sbuf_init(&f);
	sim_at_frame(m, &f, text);
	sim_emit(m, f.s, f.len);
	sbuf_free(&f);
}

static const struct {
	int code;
	const char *text;
} cme_texts[] = {
	{ 3, "operation not allowed" }, { 4, "operation not supported" },
	{ 10, "SIM not inserted" }, { 11, "SIM PIN required" }, { 12, "SIM PUK required" },
	{ 16, "incorrect password" },
	{ 30, "no network service" }, { 100, "unknown" },
};

/* V.25ter result codes: verbose word and numeric (ATV0) form. */
static const struct {
	int r;
	const char *word, *digit;
} results[] = {
	{ SIM_OK, "OK", "0\r" }, { SIM_ERR, "ERROR", "4\r" }, { SIM_NO_CARRIER, "NO CARRIER", "3\r" },
	{ SIM_BUSY, "BUSY", "7\r" }, { SIM_NO_ANSWER, "NO ANSWER", "8\r" },
};

void sim_at_final(struct sim_modem *m, int r)
{
	if (m->quiet)
		return;
	char buf[80];
	for (size_t i = 0; i < ARRAY_LEN(results); i++) {
		if (results[i].r != r)
			continue;
		if (m->verbose) {
			snprintf(buf, sizeof buf, "\r\n%s\r\n", results[i].word);
			sim_emit(m, buf, strlen(buf));
		} else {
			sim_emit(m, results[i].digit, 2);
		}
		return;
	}
	int code = r & 0xFFFF;
	if ((r & 0xF0000) == 0x10000) {
		if (m->cmee == 0) {
			sim_at_final(m, SIM_ERR);
			return;
		}
		const char *t = NULL;
		for (size_t i = 0; m->cmee == 2 && i < ARRAY_LEN(cme_texts); i++)
			if (cme_texts[i].code == code)
				t = cme_texts[i].text;
		if (t)
			snprintf(buf, sizeof buf, "+CME ERROR: %s", t);
		else
			snprintf(buf, sizeof buf, "+CME ERROR: %d", code);
	} else {
		snprintf(buf, sizeof buf, "+CMS ERROR: %d", code);
	}
	struct sbuf f;
	sbuf_init(&f);
	sim_at_frame(m, &f, buf);
	sim_emit(m, f.s, f.len);
	sbuf_free(&f);
}

static void pump(struct sim_modem *m);

/* Final result of the running command: release held URCs, let a releasing
 * call report its end, then input. */
void sim_at_complete(struct sim_modem *m, int r)
{
	sim_at_final(m, r);
	m->st = SIM_ST_CMD;
	m->pending_cms = 0;
	m->prompt_open = 0;
	if (m->held.len) {
		sim_emit(m, m->held.s, m->held.len);
		sbuf_reset(&m->held);
	}
	m->held_n = 0;
	sim_call_line_done(m);
	pump(m);
}

/* ---- settings ---- */

static void defaults(struct sim_modem *m)
{
	m->echo = 1;
	m->verbose = 1;
	m->quiet = 0;
	m->cmee = 0;
	m->cmgf = 0;
	m->csms = 0;
	m->creg_n = m->cgreg_n = m->cereg_n = 0;
	memcpy(m->cnmi, m->fam->cnmi_default, sizeof m->cnmi);
	snprintf(m->cscs, sizeof m->cscs, "IRA");
	m->clcc_auto = m->ddet = m->tonedet = m->ccinfo = 0;
	m->clip = m->crc = 0;
	m->curc = 1;
}

void sim_at_reset(struct sim_modem *m)
{
	defaults(m);
	memset(m->mem, 0, sizeof m->mem);
	m->st = SIM_ST_CMD;
	m->line_len = 0;
	m->line_overflow = 0;
	sbuf_reset(&m->pdu);
	sbuf_reset(&m->queued);
	sbuf_reset(&m->held);
	m->held_n = 0;
	sbuf_reset(&m->ta_buf);
	m->pin_locked = m->pin[0] != '\0'; /* the SIM asks at every boot */
	m->ctzu = m->ctzr = 0;
	m->boot_mono_ms = clock_mono_ms();
	m->creg_stat = 1;
	m->cusd_n = 0;
	m->ussd_busy = 0;
	m->csq = 20;
	m->pending_cms = 0;
	m->prompt_open = 0;
	m->dial_pending = 0;
}

/* ---- argument parsing ---- */

int sim_args(const char *s, char out[][64], int max)
{
	int n = 0;
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	for (;;) {
		char buf[64] = { 0 };
		size_t k = 0;
		int q = 0;
		while (*s == ' ')
			s++;
		for (; *s && (q || *s != ','); s++) {
			if (*s == '"') {
				q = !q;
				continue;
			}
			if (k + 1 < sizeof buf)
				buf[k++] = *s;
		}
		while (k && buf[k - 1] == ' ' && !q)
			k--;
		buf[k] = '\0';
		if (n < max)
			memcpy(out[n], buf, k + 1);
		n++;
		if (*s != ',')
			break;
		s++;
	}
	return n > max ? max : n;
}

int sim_arg_int(const char *s, long lo, long hi, long *v)
{
	return util_parse_long(s, lo, hi, v);
}

static const struct sim_cmd_def *lookup(const struct sim_cmd_def *t, const char *name)
{
	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* ---- the command line ---- */

static int run_ext(struct sim_modem *m, const char **pp)
{
	const char *p = *pp;
	char name[24];
	size_t k = 0;
	name[k++] = *p++;
	while ((isalnum((unsigned char)*p) || *p == '_') && k + 1 < sizeof name)
		name[k++] = (char)toupper((unsigned char)*p++);
	name[k] = '\0';
	enum sim_form f = SIM_ACTION;
	char args[SIM_LINE_MAX + 1];
	args[0] = '\0';
	if (*p == '?') {
		f = SIM_READ;
		p++;
	} else if (*p == '=' && p[1] == '?') {
		f = SIM_TEST;
		p += 2;
	} else if (*p == '=') {
		f = SIM_SET;
		p++;
		size_t n = 0;
		int q = 0;
		while (*p && (q || *p != ';')) {
			if (*p == '"')
				q = !q;
			args[n++] = *p++;
		}
		args[n] = '\0';
	}
	*pp = p;
	if (*p && *p != ';')
		return SIM_ERR;
	const struct sim_cmd_def *d = lookup(m->fam->cmds, name);
	if (!d)
		d = lookup(sim_generic_cmds, name);
	if (!d)
		d = lookup(sim_time_cmds, name);
	if (!d || k < 2)
		return SIM_ERR;
	int card = (d->flags & SIM_F_PIN) ? sim_card_cme(m) : 0;
	if (card) /* 27.005: 310 SIM not inserted, 311 PIN, 316 PUK */
		return (d->flags & SIM_F_SMS) ? SIM_CMS(card == 10 ? 310 : card == 11 ? 311 : 316) : SIM_CME(card);
	if (d->fn)
		return d->fn(m, d, f, args);
	if ((f == SIM_READ && !d->action) || (f == SIM_ACTION && d->action)) {
		if (!d->reply)
			return SIM_ERR;
		sim_at_info(m, "%s", d->reply);
	}
	return SIM_OK;
}

static int run_basic(struct sim_modem *m, char c, long n, int has_n)
{
	switch (c) {
	case 'E':
		if (n > 1)
			return SIM_ERR;
		m->echo = (int)n;
		return SIM_OK;
	case 'V':
		if (n > 1)
			return SIM_ERR;
		m->verbose = (int)n;
		return SIM_OK;
	case 'Q':
		if (n > 1)
			return SIM_ERR;
		m->quiet = (int)n;
		return SIM_OK;
	case 'I':
		if (n == 0) { /* one information block, lines joined by CR LF */
			struct sbuf b;
			sbuf_init(&b);
			for (const char *const *l = m->fam->ati; *l; l++) {
				if (b.len)
					sbuf_add(&b, "\r\n");
				sbuf_printf(&b, *l, m->imei);
			}
			sim_at_info(m, "%s", b.s ? b.s : "");
			sbuf_free(&b);
		}
		return SIM_OK;
	case 'Z':
		defaults(m);
		return SIM_OK;
	case 'H':
		sim_call_hangup(m);
		return SIM_OK;
	case 'A':
		return sim_call_answer(m); /* NO CARRIER without a ringing call */
	case 'X':
	case 'L':
	case 'M':
		return SIM_OK;
	default:
		(void)has_n;
		return SIM_ERR;
	}
}

static int run_line(struct sim_modem *m, const char *p)
{
	int r = SIM_OK;
	while (*p && r == SIM_OK) {
		char c = (char)toupper((unsigned char)*p);
		if (c == ' ' || c == ';') {
			p++;
		} else if (strchr("+^$*#%", c)) {
			r = run_ext(m, &p);
		} else if (c == 'D') {
			const char *num = p + 1;
			size_t n = strlen(num);
			while (n && num[n - 1] == ' ')
				n--;
			if (n < 2 || num[n - 1] != ';')
				return SIM_NO_CARRIER; /* data calls are not simulated */
			char buf[48];
			snprintf(buf, sizeof buf, "%.*s", (int)(n - 1 < 47 ? n - 1 : 47), num);
			return sim_call_dial(m, buf);
		} else if (c == '&') {
			p++;
			char l = (char)toupper((unsigned char)*p);
			if (!isalpha((unsigned char)l))
				return SIM_ERR;
			p++;
			while (isdigit((unsigned char)*p))
				p++;
			if (l == 'F')
				defaults(m);
		} else if (c == 'S') {
			p++;
			long reg = 0;
			for (; isdigit((unsigned char)*p); p++)
				if (reg < 100000)
					reg = reg * 10 + (*p - '0');
			if (*p == '?') {
				p++;
				sim_at_info(m, "%03ld", reg == 3 ? 13L : reg == 4 ? 10L : reg == 5 ? 8L : 0L);
			} else if (*p == '=') {
				p++;
				while (isdigit((unsigned char)*p))
					p++;
			} else {
				return SIM_ERR;
			}
		} else if (isalpha((unsigned char)c)) {
			p++;
			long n = 0;
			int has = 0;
			while (isdigit((unsigned char)*p) && n < 1000) {
				n = n * 10 + (*p++ - '0');
				has = 1;
			}
			r = run_basic(m, c, n, has);
		} else {
			r = SIM_ERR;
		}
	}
	return r;
}

static int is_cmgs(const char *p)
{
	while (*p == ' ')
		p++;
	return !strncasecmp(p, "+CMGS=", 6) && p[6] != '?';
}

static void line_end(struct sim_modem *m)
{
	m->line[m->line_len] = '\0';
	size_t len = m->line_len;
	int ovf = m->line_overflow;
	m->line_len = 0;
	m->line_overflow = 0;
	if (m->f_silence > 0) {
		m->f_silence--;
		return;
	}
	const char *at = NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (toupper((unsigned char)m->line[i]) == 'A' &&
		    toupper((unsigned char)m->line[i + 1]) == 'T') {
			at = m->line + i + 2;
			break;
		}
	if (!at)
		return; /* not a command: real modems stay silent */
	m->st = SIM_ST_BUSY; /* hold URCs until the final result */
	if (ovf) {
		sim_at_complete(m, SIM_ERR);
		return;
	}
	if (m->f_error > 0) {
		m->f_error--;
		sim_at_complete(m, SIM_ERR);
		return;
	}
	if (m->f_cms > 0) {
		m->f_cms--;
		if (!is_cmgs(at)) {
			sim_at_complete(m, SIM_CMS(m->f_cms_code));
			return;
		}
		/* A network refusal comes after the PDU, as on a live network. */
		int code = m->f_cms_code;
		int r = run_line(m, at);
		if (r == SIM_PENDING)
			m->pending_cms = code;
		else
			sim_at_complete(m, r);
		return;
	}
	int r = run_line(m, at);
	if (r != SIM_PENDING)
		sim_at_complete(m, r);
}

/* ---- +CMGS ---- */

int sim_cmgs_done(struct sim_modem *m)
{
	/* the network refuses: a fault first, else no registration (331),
	 * else no credit, else the recipient's number (`number TO
	 * unassigned`); always after the PDU, as on a live network */
	int refused;
	if (!m->pending_cms && !sim_registered(m)) {
		m->pending_cms = 331;
		m->n_noreg++;
	} else if (!m->pending_cms && m->credit_cms) {
		m->pending_cms = m->credit_cms;
		m->n_credit++;
	} else if (!m->pending_cms && (refused = sim_number_cms(m, m->pending.number)) != 0) {
		m->pending_cms = refused;
		m->n_number++;
	}
	if (m->pending_cms) {
		int code = m->pending_cms;
		m->n_rejected++;
		sim_at_complete(m, SIM_CMS(code));
		return -1;
	}
	int mr = m->mr_next;
	m->mr_next = (m->mr_next + 1) & 0xFF;
	m->n_parts++;
	const struct sim_pdu_info *p = &m->pending;
	sim_log_sms(m, p, mr);
	int status = p->srr ? sim_report_status(m, p->number) : -1;
	if (status >= 0)
		sim_timer_add(m->sim, m->report_delay_ms, SIM_T_CDS, m, 0, mr, status, p->number);
	if (m->f_vanish_mp && p->parts > 1 && p->part < p->parts &&
	    (m->f_vanish_mp < 0 || m->f_vanish_mp == p->part)) {
		/* this part is the modem's last: its answer goes out, then the
		 * modem is deaf and the port goes at the host's next byte (or
		 * soon, when none comes), never to return */
		m->f_vanish_mp = 0;
		m->doomed = 1;
		sim_timer_add(m->sim, 500, SIM_T_DOWN, m, m->gen, -1, 0, NULL);
		LOG_I("sim", "%s: part %d/%d accepted, vanishing for good", m->name, p->part, p->parts);
	}
	sim_at_info(m, "+CMGS: %d", mr);
	sim_at_complete(m, SIM_OK);
	return mr;
}

static void submit(struct sim_modem *m)
{
	m->st = SIM_ST_BUSY;
	struct sim_pdu_info *p = &m->pending;
	int bad = sim_pdu_decode(m->pdu.s ? m->pdu.s : "", m->pdu.len, m->cmgs_len, p) != 0 ||
		  p->type != SIM_PDU_SUBMIT || !p->number[0];
	sbuf_reset(&m->pdu);
	if (bad) {
		m->n_rejected++;
		sim_at_complete(m, SIM_CMS(304));
		return;
	}
	if (m->cmgs_delay_ms <= 0)
		sim_cmgs_done(m);
	else
		sim_timer_add(m->sim, m->cmgs_delay_ms, SIM_T_CMGS, m, m->gen, 0, 0, NULL);
}

/* ---- bytes in ---- */

static void byte_prompt(struct sim_modem *m, unsigned char c)
{
	if (c == 0x1A) {
		submit(m);
		return;
	}
	if (c == 0x1B) {
		sbuf_reset(&m->pdu);
		sim_at_complete(m, SIM_OK);
		return;
	}
	if (m->echo)
		sim_emit(m, (const char *)&c, 1);
	if (c == '\r' || c == '\n')
		return;
	if (m->pdu.len < 2 * (12 + 180) + 2)
		sbuf_addc(&m->pdu, (char)c);
}

static void byte_cmd(struct sim_modem *m, unsigned char c)
{
	if (m->echo && !m->f_silence)
		sim_emit(m, (const char *)&c, 1);
	switch (c) {
	case '\r':
		line_end(m);
		return;
	case '\n':
	case 0:
		return;
	case 0x08:
		if (m->line_len)
			m->line_len--;
		return;
	case 0x1A:
	case 0x1B:
		m->line_len = 0;
		m->line_overflow = 0;
		return;
	default:
		if (m->line_len < SIM_LINE_MAX)
			m->line[m->line_len++] = (char)c;
		else
			m->line_overflow = 1;
	}
}

static void pump(struct sim_modem *m)
{
	/* A command that completes inside the loop (zero network delay) must
	 * not restart it recursively. */
	if (m->pumping)
		return;
	if (m->doomed) { /* deaf: what the host sent ahead is lost */
		sbuf_reset(&m->queued);
		return;
	}
	m->pumping = 1;
	size_t i = 0;
	while (i < m->queued.len && m->present && !m->doomed) {
		if (m->dial_pending) {
			/* V.25ter: any byte aborts the dial and is discarded; not
			 * the LF of a CR LF line end, which is no command byte */
			if (m->queued.s[i++] != '\n')
				sim_call_abort(m);
			continue;
		}
		if (m->st == SIM_ST_BUSY)
			break;
		unsigned char c = (unsigned char)m->queued.s[i++];
		if (m->st == SIM_ST_PROMPT)
			byte_prompt(m, c);
		else
			byte_cmd(m, c);
	}
	if (i >= m->queued.len || m->doomed) {
		sbuf_reset(&m->queued);
	} else if (i) {
		memmove(m->queued.s, m->queued.s + i, m->queued.len - i);
		m->queued.len -= i;
		m->queued.s[m->queued.len] = '\0';
	}
	m->pumping = 0;
}

void sim_input(struct sim_modem *m, const void *buf, size_t n)
{
	if (!m->present || m->muted)
		return; /* muted: read and dropped */
	if (m->doomed) { /* the host has read the last answer: the port goes */
		if (n && !m->out.len)
			sim_modem_vanish(m, -1);
		return;
	}
	if (m->queued.len + n > 65536)
		n = m->queued.len < 65536 ? 65536 - m->queued.len : 0;
	sbuf_addn(&m->queued, buf, n);
	pump(m);
}
