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
 * SMS storage: "SM"/"ME"/"MT" are one store of received messages; "SR"
 * (families with sr_slots) holds status reports routed with +CNMI ds=2 and
 * announced as +CDSI: "SR",<i>.  AT+CPMS="SR" selects it for reading and
 * deleting (AT+CMGR, AT+CMGL, AT+CMGD).  Reports are stored whether or not
 * a host has the port open; a full storage drops new ones.
 *
 * Commands are a table (generic here, vendor ones in sim_family.c); a
 * family only adds rows, it never adds branches to this file. */
#include "sim/sim_int.h"

#include "base/clock.h"
#include "base/log.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* +CPMS storages: the received-message store under three names, and the
 * status report store (only as <mem1>, only in families that have it). */
static const struct {
	const char *name;
	int sr;
} mems[] = { { "SM", 0 }, { "ME", 0 }, { "MT", 0 }, { "SR", 1 } };
enum { MEM_SR = 3 };

/* ---- output framing ---- */

void sim_emit(struct sim_modem *m, const char *bytes, size_t n)
{
	if (m->out.len + n > SIM_OUT_MAX)
		return; /* nobody reads: drop like a full UART buffer */
	sbuf_addn(&m->out, bytes, n);
}

static void frame(struct sim_modem *m, struct sbuf *b, const char *text)
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
	frame(m, &f, t.s ? t.s : "");
	sim_emit(m, f.s, f.len);
	sbuf_free(&f);
	sbuf_free(&t);
}

void sim_urc(struct sim_modem *m, const char *text)
{
	if (m->st != SIM_ST_CMD && !m->prompt_open) {
		if (m->held.len < 65536) { /* a host that never ends its prompt */
			frame(m, &m->held, text);
			m->held_n++;
		}
		return;
	}
	m->n_glued += m->prompt_open;
	struct sbuf f;
	sbuf_init(&f);
	frame(m, &f, text);
	sim_emit(m, f.s, f.len);
	sbuf_free(&f);
}

static const struct {
	int code;
	const char *text;
} cme_texts[] = {
	{ 3, "operation not allowed" }, { 4, "operation not supported" },
	{ 10, "SIM not inserted" }, { 11, "SIM PIN required" }, { 16, "incorrect password" },
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
	frame(m, &f, buf);
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
	m->pin_locked = m->sim->o.pin != NULL;
	m->creg_stat = m->pin_locked ? 0 : 1;
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

static int arg_int(const char *s, long lo, long hi, long *v)
{
	return util_parse_long(s, lo, hi, v);
}

/* ---- generic commands ---- */

static int c_ident(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		   const char *a)
{
	(void)a;
	if (f == SIM_TEST)
		return SIM_OK;
	if (f != SIM_ACTION)
		return SIM_ERR;
	const char *n = d->name + 1;
	if (!strcmp(n, "CGMI") || !strcmp(n, "GMI"))
		sim_at_info(m, "%s", m->fam->cgmi);
	else if (!strcmp(n, "CGMM") || !strcmp(n, "GMM"))
		sim_at_info(m, "%s", m->fam->cgmm);
	else if (!strcmp(n, "CGMR") || !strcmp(n, "GMR"))
		sim_at_info(m, "%s", m->fam->cgmr);
	else
		sim_at_info(m, "%s", m->imei);
	return SIM_OK;
}

static int c_cimi(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_TEST)
		return SIM_OK;
	if (f != SIM_ACTION)
		return SIM_ERR;
	sim_at_info(m, "45204%010d", 1000000 + m->idx * 7919);
	return SIM_OK;
}

static int c_cpin(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	char v[2][64];
	switch (f) {
	case SIM_READ:
		sim_at_info(m, "+CPIN: %s", m->pin_locked ? "SIM PIN" : "READY");
		return SIM_OK;
	case SIM_TEST:
		return SIM_OK;
	case SIM_SET:
		if (sim_args(a, v, 2) < 1)
			return SIM_CME(4);
		if (!m->pin_locked)
			return SIM_CME(3);
		if (strcmp(v[0], m->sim->o.pin) != 0)
			return SIM_CME(16);
		m->pin_locked = 0;
		m->creg_stat = 1;
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_reg(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	int *n = !strcmp(d->name, "+CREG") ? &m->creg_n : !strcmp(d->name, "+CGREG") ? &m->cgreg_n
										: &m->cereg_n;
	long v;
	switch (f) {
	case SIM_SET:
		if (arg_int(a, 0, 2, &v))
			return SIM_CME(4);
		*n = (int)v;
		return SIM_OK;
	case SIM_READ:
		if (*n == 2 && (m->creg_stat == 1 || m->creg_stat == 5))
			sim_at_info(m, "%s: %d,%d,\"1A2B\",\"00C3D4E%d\",%d", d->name, *n, m->creg_stat,
				    m->idx % 10, strcmp(m->fam->name, "huawei") ? 7 : 2);
		else
			sim_at_info(m, "%s: %d,%d", d->name, *n, m->creg_stat);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "%s: (0-2)", d->name);
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_csq(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_TEST) {
		sim_at_info(m, "+CSQ: (0-31,99),(0-7,99)");
		return SIM_OK;
	}
	if (f != SIM_ACTION)
		return SIM_ERR;
	sim_at_info(m, "+CSQ: %d,99", m->csq);
	return SIM_OK;
}

static int c_cops(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	switch (f) {
	case SIM_READ:
		if (m->creg_stat == 1 || m->creg_stat == 5)
			sim_at_info(m, "%s", m->fam->cops);
		else
			sim_at_info(m, "+COPS: 0");
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+COPS: (2,\"Viettel\",\"Viettel\",\"45204\",7),,(0-4),(0-2)");
		return SIM_OK;
	default:
		return SIM_OK;
	}
}

static int c_cmee(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_SET:
		if (arg_int(a, 0, 2, &v))
			return SIM_CME(4);
		m->cmee = (int)v;
		return SIM_OK;
	case SIM_READ:
		sim_at_info(m, "+CMEE: %d", m->cmee);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CMEE: (0-2)");
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_cscs(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	static const char *const sets[] = { "GSM", "IRA", "UCS2", "HEX", "8859-1" };
	char v[1][64];
	switch (f) {
	case SIM_SET:
		if (sim_args(a, v, 1) != 1)
			return SIM_CME(4);
		for (size_t i = 0; i < ARRAY_LEN(sets); i++)
			if (util_streq_ci(v[0], sets[i])) {
				snprintf(m->cscs, sizeof m->cscs, "%s", sets[i]);
				return SIM_OK;
			}
		return SIM_CME(4);
	case SIM_READ:
		sim_at_info(m, "+CSCS: \"%s\"", m->cscs);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CSCS: (\"GSM\",\"IRA\",\"UCS2\",\"HEX\",\"8859-1\")");
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

/* Text mode is not simulated: Loa speaks PDU mode only. */
static int c_cmgf(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_SET:
		if (arg_int(a, 0, 1, &v))
			return SIM_CMS(304);
		return v == 0 ? SIM_OK : SIM_CMS(303);
	case SIM_READ:
		sim_at_info(m, "+CMGF: %d", m->cmgf);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CMGF: (0)");
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_csms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_SET:
		if (arg_int(a, 0, 1, &v))
			return SIM_CMS(302);
		m->csms = (int)v;
		sim_at_info(m, "+CSMS: 1,1,1");
		return SIM_OK;
	case SIM_READ:
		sim_at_info(m, "+CSMS: %d,1,1,1", m->csms);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CSMS: (0,1)");
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

/* The slots behind storage `mem`: the received store or the SR store. */
static struct sim_slot *mem_slots(struct sim_modem *m, int mem, int *n)
{
	int sr = m->fam->sr_slots < SIM_SR_MAX ? m->fam->sr_slots : SIM_SR_MAX;
	*n = mems[mem].sr ? sr : SIM_STORE_SLOTS;
	return mems[mem].sr ? m->sr : m->store;
}

static int mem_used(struct sim_modem *m, int mem)
{
	int n, u = 0;
	const struct sim_slot *sl = mem_slots(m, mem, &n);
	for (int i = 0; i < n; i++)
		u += sl[i].used;
	return u;
}

/* Storage names this modem offers as <mem1> (SR where it exists) or as
 * <mem2>/<mem3>, as a +CPMS=? list. */
static void mem_list(const struct sim_modem *m, int first, struct sbuf *b)
{
	sbuf_addc(b, '(');
	for (size_t j = 0; j < ARRAY_LEN(mems); j++) {
		if (mems[j].sr && (!first || !m->fam->sr_slots))
			continue;
		sbuf_printf(b, "%s\"%s\"", j ? "," : "", mems[j].name);
	}
	sbuf_addc(b, ')');
}

/* Used and total of the three selected storages. */
static void mem_counts(struct sim_modem *m, int u[3], int t[3])
{
	for (int i = 0; i < 3; i++) {
		mem_slots(m, m->mem[i], &t[i]);
		u[i] = mem_used(m, m->mem[i]);
	}
}

static int c_cpms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	int t[3], u[3];
	mem_counts(m, u, t);
	switch (f) {
	case SIM_SET: {
		char v[3][64];
		int n = sim_args(a, v, 3);
		if (n < 1)
			return SIM_CMS(302);
		int mem[3];
		memcpy(mem, m->mem, sizeof mem);
		for (int i = 0; i < n; i++) {
			int k = -1;
			for (int j = 0; j < (int)ARRAY_LEN(mems); j++)
				if (util_streq_ci(v[i], mems[j].name) && (!mems[j].sr || (i == 0 && m->fam->sr_slots)))
					k = j;
			if (k < 0)
				return SIM_CMS(302);
			mem[i] = k;
		}
		memcpy(m->mem, mem, sizeof mem);
		mem_counts(m, u, t);
		sim_at_info(m, "+CPMS: %d,%d,%d,%d,%d,%d", u[0], t[0], u[1], t[1], u[2], t[2]);
		return SIM_OK;
	}
	case SIM_READ:
		sim_at_info(m, "+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d", mems[m->mem[0]].name, u[0],
			    t[0], mems[m->mem[1]].name, u[1], t[1], mems[m->mem[2]].name, u[2], t[2]);
		return SIM_OK;
	case SIM_TEST: {
		struct sbuf b;
		sbuf_init(&b);
		sbuf_add(&b, "+CPMS: ");
		mem_list(m, 1, &b);
		sbuf_addc(&b, ',');
		mem_list(m, 0, &b);
		sbuf_addc(&b, ',');
		mem_list(m, 0, &b);
		sim_at_info(m, "%s", b.s);
		sbuf_free(&b);
		return SIM_OK;
	}
	default:
		return SIM_ERR;
	}
}

static void flush_ta(struct sim_modem *m)
{
	if (!m->ta_buf.len)
		return;
	if (m->st != SIM_ST_CMD) {
		sbuf_addn(&m->held, m->ta_buf.s, m->ta_buf.len);
		m->held_n++;
	} else {
		sim_emit(m, m->ta_buf.s, m->ta_buf.len);
	}
	sbuf_reset(&m->ta_buf);
}

static int c_cnmi(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	static const int hi[5] = { 3, 3, 3, 2, 1 };
	switch (f) {
	case SIM_SET: {
		char v[5][64];
		int n = sim_args(a, v, 5);
		int c[5];
		memcpy(c, m->cnmi, sizeof c);
		for (int i = 0; i < n; i++) {
			long x;
			if (!v[i][0])
				continue;
			if (arg_int(v[i], 0, hi[i], &x))
				return SIM_CMS(302);
			c[i] = (int)x;
		}
		if (c[3] == 2 && !m->fam->sr_slots)
			return SIM_CMS(303); /* no status report storage: ds=1 only */
		memcpy(m->cnmi, c, sizeof c);
		if (c[0] > 0 && c[4] == 0)
			flush_ta(m);
		else if (c[0] > 0)
			sbuf_reset(&m->ta_buf);
		return SIM_OK;
	}
	case SIM_READ:
		sim_at_info(m, "+CNMI: %d,%d,%d,%d,%d", m->cnmi[0], m->cnmi[1], m->cnmi[2], m->cnmi[3],
			    m->cnmi[4]);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CNMI: (0-3),(0-3),(0-3),%s,(0,1)", m->fam->sr_slots ? "(0-2)" : "(0,1)");
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_csca(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_READ)
		sim_at_info(m, "+CSCA: \"+84980000001\",145");
	return f == SIM_ACTION ? SIM_ERR : SIM_OK;
}

/* AT+CMGS=<len>: the prompt; the PDU and Ctrl-Z follow as input. */
static int c_cmgs(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long len;
	if (f == SIM_TEST)
		return SIM_OK;
	if (f != SIM_SET)
		return SIM_CMS(304);
	if (arg_int(a, 7, 175, &len))
		return SIM_CMS(304);
	m->cmgs_len = (int)len;
	sbuf_reset(&m->pdu);
	m->st = SIM_ST_PROMPT;
	if (!m->urc_after_prompt) {
		sim_emit(m, "\r\n> ", 4);
		return SIM_PENDING;
	}
	/* reports still waiting on this modem arrive now: held, then sent
	 * with the prompt in one write */
	sim_timer_fire(m->sim, m, SIM_T_CDS);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_addn(&b, "\r\n> ", 4);
	sbuf_addn(&b, m->held.s ? m->held.s : "", m->held.len);
	m->n_glued += m->held_n;
	sbuf_reset(&m->held);
	m->held_n = 0;
	sim_emit(m, b.s, b.len);
	sbuf_free(&b);
	m->prompt_open = 1;
	return SIM_PENDING;
}

static int slot_arg(const char *a, int n, long *idx)
{
	return util_parse_long(a, 0, n - 1, idx);
}

/* AT+CMGR, AT+CMGL, AT+CMGD work on <mem1> (AT+CPMS="SR": the reports). */
static int c_cmgr(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long i;
	int n;
	struct sim_slot *sl = mem_slots(m, m->mem[0], &n);
	if (f == SIM_TEST)
		return SIM_OK;
	if (f != SIM_SET || slot_arg(a, n, &i))
		return SIM_CMS(321);
	struct sim_slot *s = &sl[i];
	if (!s->used)
		return SIM_CMS(321);
	sim_at_info(m, "+CMGR: %d,,%d\r\n%s", s->stat, s->pdu.tpdu_len, s->pdu.hex);
	s->stat = 1;
	return SIM_OK;
}

static int c_cmgl(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long want = 0;
	if (f == SIM_TEST) {
		sim_at_info(m, "+CMGL: (0-4)");
		return SIM_OK;
	}
	if (f == SIM_SET && arg_int(a, 0, 4, &want))
		return SIM_CMS(302);
	if (f != SIM_SET && f != SIM_ACTION)
		return SIM_ERR;
	int n;
	struct sim_slot *sl = mem_slots(m, m->mem[0], &n);
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < n; i++) {
		struct sim_slot *s = &sl[i];
		if (!s->used || (want != 4 && s->stat != want))
			continue;
		if (b.len)
			sbuf_add(&b, "\r\n");
		sbuf_printf(&b, "+CMGL: %d,%d,,%d\r\n%s", i, s->stat, s->pdu.tpdu_len, s->pdu.hex);
		s->stat = 1;
	}
	if (b.len)
		sim_at_info(m, "%s", b.s);
	sbuf_free(&b);
	return SIM_OK;
}

static int c_cmgd(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	char v[2][64];
	long i, flag = 0;
	int slots;
	struct sim_slot *sl = mem_slots(m, m->mem[0], &slots);
	if (f == SIM_TEST) {
		sim_at_info(m, "+CMGD: (0-%d),(0-4)", slots - 1);
		return SIM_OK;
	}
	if (f != SIM_SET)
		return SIM_CMS(302);
	int n = sim_args(a, v, 2);
	if (n < 1 || (v[0][0] && slot_arg(v[0], slots, &i)) || (n > 1 && arg_int(v[1], 0, 4, &flag)))
		return SIM_CMS(321);
	if (!v[0][0]) {
		if (flag == 0)
			return SIM_CMS(321);
		i = 0;
	}
	if (flag == 0) {
		sl[i].used = 0;
	} else {
		/* 1: read; 2: read and sent; 3: also unsent; 4: all.  The stores only
		 * hold received messages and reports, so 2-4 delete every read one
		 * and 4 all. */
		for (int k = 0; k < slots; k++)
			if (sl[k].used && (flag == 4 || sl[k].stat == 1))
				sl[k].used = 0;
	}
	sim_netq_drain(m);
	return SIM_OK;
}

static int c_clcc(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_ACTION:
		sim_call_clcc(m);
		return SIM_OK;
	case SIM_SET:
		if (arg_int(a, 0, 1, &v))
			return SIM_CME(4);
		m->clcc_auto = (int)v;
		return SIM_OK;
	case SIM_READ:
		sim_at_info(m, "+CLCC: %d", m->clcc_auto);
		return SIM_OK;
	default:
		return SIM_OK;
	}
}

static int c_chup(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_ACTION)
		sim_call_hangup(m);
	return SIM_OK;
}

static int c_cfun(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	switch (f) {
	case SIM_READ:
		sim_at_info(m, "+CFUN: 1");
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "+CFUN: (0,1,4),(0,1)");
		return SIM_OK;
	case SIM_SET: {
		char v[2][64];
		int n = sim_args(a, v, 2);
		if (n < 1)
			return SIM_CME(4);
		if (n == 2 && !strcmp(v[1], "1"))
			sim_modem_reboot(m, m->sim->o.reset_ms);
		return SIM_OK;
	}
	default:
		return SIM_ERR;
	}
}

static const struct sim_cmd_def generic_cmds[] = {
	{ "+CGMI", c_ident, NULL, 0, 0 }, { "+CGMM", c_ident, NULL, 0, 0 },
	{ "+CGMR", c_ident, NULL, 0, 0 }, { "+CGSN", c_ident, NULL, 0, 0 },
	{ "+GMI", c_ident, NULL, 0, 0 }, { "+GMM", c_ident, NULL, 0, 0 },
	{ "+GMR", c_ident, NULL, 0, 0 }, { "+GSN", c_ident, NULL, 0, 0 },
	{ "+CIMI", c_cimi, NULL, SIM_F_PIN, 0 },
	{ "+CPIN", c_cpin, NULL, 0, 0 },
	{ "+CREG", c_reg, NULL, 0, 0 }, { "+CGREG", c_reg, NULL, 0, 0 },
	{ "+CEREG", c_reg, NULL, 0, 0 },
	{ "+CSQ", c_csq, NULL, 0, 0 },
	{ "+COPS", c_cops, NULL, 0, 0 },
	{ "+CMEE", c_cmee, NULL, 0, 0 },
	{ "+CSCS", c_cscs, NULL, 0, 0 },
	{ "+CMGF", c_cmgf, NULL, 0, 0 },
	{ "+CSMS", c_csms, NULL, 0, 0 },
	{ "+CPMS", c_cpms, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CNMI", c_cnmi, NULL, 0, 0 },
	{ "+CSCA", c_csca, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGS", c_cmgs, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGR", c_cmgr, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGL", c_cmgl, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGD", c_cmgd, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CNMA", NULL, NULL, SIM_F_SMS, 0 },
	{ "+CSMP", NULL, "+CSMP: 17,167,0,0", 0, 0 },
	{ "+CSDH", NULL, "+CSDH: 0", 0, 0 },
	{ "+CMMS", NULL, "+CMMS: 0", 0, 0 },
	{ "+CLCC", c_clcc, NULL, 0, 0 },
	{ "+CHUP", c_chup, NULL, 0, 0 },
	{ "+CFUN", c_cfun, NULL, 0, 0 },
	{ "+CLIP", NULL, "+CLIP: 0,1", 0, 0 },
	{ "+COLP", NULL, "+COLP: 0,1", 0, 0 },
	{ "+CRC", NULL, "+CRC: 0", 0, 0 },
	{ "+VTS", NULL, NULL, 0, 0 },
	{ "+CLVL", NULL, "+CLVL: 4", 0, 0 },
	{ "+CMUT", NULL, "+CMUT: 0", 0, 0 },
	{ "+IFC", NULL, "+IFC: 0,0", 0, 0 },
	{ "+IPR", NULL, "+IPR: 115200", 0, 0 },
	{ "+ICF", NULL, "+ICF: 3,3", 0, 0 },
	{ "+CGDCONT", NULL, "+CGDCONT: 1,\"IP\",\"v-internet\",\"0.0.0.0\",0,0", 0, 0 },
	{ "+CGATT", NULL, "+CGATT: 1", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

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
		d = lookup(generic_cmds, name);
	if (!d || k < 2)
		return SIM_ERR;
	if ((d->flags & SIM_F_PIN) && m->pin_locked)
		return (d->flags & SIM_F_SMS) ? SIM_CMS(311) : SIM_CME(11);
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
		return SIM_NO_CARRIER; /* no incoming call to answer */
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
	if (!m->present)
		return;
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

/* ---- status reports (+CDS, or stored in "SR" with +CDSI) ---- */

static void sms_urc(struct sim_modem *m, const char *text)
{
	if (m->cnmi[0] == 0) { /* mode 0: buffered in the TA until +CNMI allows */
		if (m->ta_buf.len < 65536)
			frame(m, &m->ta_buf, text);
		return;
	}
	sim_urc(m, text);
}

void sim_deliver_status(struct sim_modem *m, const struct sim_pdu_part *p)
{
	char buf[SIM_PDU_HEX_MAX + 32];
	if (m->cnmi[3] == 1) {
		snprintf(buf, sizeof buf, "+CDS: %d\r\n%s", p->tpdu_len, p->hex);
		sms_urc(m, buf);
	} else if (m->cnmi[3] == 2) {
		int n, i = 0;
		struct sim_slot *sl = mem_slots(m, MEM_SR, &n);
		while (i < n && sl[i].used)
			i++;
		if (i >= n) { /* full: the report is lost */
			m->n_sr_dropped++;
			return;
		}
		sl[i].used = 1;
		sl[i].stat = 0;
		sl[i].pdu = *p;
		snprintf(buf, sizeof buf, "+CDSI: \"%s\",%d", mems[MEM_SR].name, i);
		sms_urc(m, buf);
	} else {
		return; /* not routed to the TE */
	}
	m->n_reports++;
	m->sim->n_cds_total++;
}

/* Inbound SMS part: +CMT when asked for and +CNMI allows, else stored
 * with +CMTI (when <mt> >= 1), else waiting at the "SMSC" for a slot. */
void sim_deliver_inbound(struct sim_modem *m, const struct sim_pdu_part *p, int want_cmt)
{
	char buf[SIM_PDU_HEX_MAX + 32];
	if (want_cmt && m->cnmi[1] >= 2 && m->present) {
		snprintf(buf, sizeof buf, "+CMT: ,%d\r\n%s", p->tpdu_len, p->hex);
		sms_urc(m, buf);
		m->n_inbound++;
		return;
	}
	int i = m->present ? sim_store_free_slot(m) : -1;
	if (i < 0) {
		m->netq = xrealloc(m->netq, (size_t)(m->netq_n + 1) * sizeof *m->netq);
		m->netq[m->netq_n++] = *p;
		return;
	}
	m->store[i].used = 1;
	m->store[i].stat = 0;
	m->store[i].pdu = *p;
	m->n_inbound++;
	if (m->cnmi[1] >= 1) {
		snprintf(buf, sizeof buf, "+CMTI: \"%s\",%d", mems[m->mem[2]].name, i);
		sms_urc(m, buf);
	}
}
