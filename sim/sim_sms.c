/* sim_sms — the simulated modem's SMS side: the 27.005 commands (+CMGF,
 * +CSMS, +CPMS, +CNMI, +CSCA, +CMGS, +CMGR, +CMGL, +CMGD, rows of
 * sim_generic_cmds[]) and the storages they read, and how status reports
 * and inbound messages reach the host (+CDS / +CDSI, +CMT / +CMTI).
 *
 * SMS storage: "SM"/"ME"/"MT" are one store of received messages; "SR"
 * (families with sr_slots) holds status reports routed with +CNMI ds=2 and
 * announced as +CDSI: "SR",<i>.  AT+CPMS="SR" selects it for reading and
 * deleting (AT+CMGR, AT+CMGL, AT+CMGD).  Reports are stored whether or not
 * a host has the port open; a full storage drops new ones. */
#include "sim/sim_int.h"

#include <stdio.h>
#include <string.h>

/* +CPMS storages: the received-message store under three names, and the
 * status report store (only as <mem1>, only in families that have it). */
static const struct {
	const char *name;
	int sr;
} mems[] = { { "SM", 0 }, { "ME", 0 }, { "MT", 0 }, { "SR", 1 } };
enum { MEM_SR = 3 };

/* Text mode is not simulated: Loa speaks PDU mode only. */
int sim_sms_cmgf(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_SET:
		if (sim_arg_int(a, 0, 1, &v))
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

int sim_sms_csms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_SET:
		if (sim_arg_int(a, 0, 1, &v))
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

int sim_sms_cpms(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
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

int sim_sms_cnmi(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
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
			if (sim_arg_int(v[i], 0, hi[i], &x))
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

int sim_sms_csca(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_READ)
		sim_at_info(m, "+CSCA: \"+84980000001\",145");
	return f == SIM_ACTION ? SIM_ERR : SIM_OK;
}

/* AT+CMGS=<len>: the prompt; the PDU and Ctrl-Z follow as input. */
int sim_sms_cmgs(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long len;
	if (f == SIM_TEST)
		return SIM_OK;
	if (f != SIM_SET)
		return SIM_CMS(304);
	if (sim_arg_int(a, 7, 175, &len))
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
int sim_sms_cmgr(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
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

int sim_sms_cmgl(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long want = 0;
	if (f == SIM_TEST) {
		sim_at_info(m, "+CMGL: (0-4)");
		return SIM_OK;
	}
	if (f == SIM_SET && sim_arg_int(a, 0, 4, &want))
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

int sim_sms_cmgd(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
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
	if (n < 1 || (v[0][0] && slot_arg(v[0], slots, &i)) || (n > 1 && sim_arg_int(v[1], 0, 4, &flag)))
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

/* ---- status reports (+CDS, or stored in "SR" with +CDSI) ---- */

static void sms_urc(struct sim_modem *m, const char *text)
{
	if (m->cnmi[0] == 0) { /* mode 0: buffered in the TA until +CNMI allows */
		if (m->ta_buf.len < 65536)
			sim_at_frame(m, &m->ta_buf, text);
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
	int here = m->present && !m->muted; /* else it waits at the SMSC */
	if (want_cmt && m->cnmi[1] >= 2 && here) {
		snprintf(buf, sizeof buf, "+CMT: ,%d\r\n%s", p->tpdu_len, p->hex);
		sms_urc(m, buf);
		m->n_inbound++;
		return;
	}
	int i = here ? sim_store_free_slot(m) : -1;
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
