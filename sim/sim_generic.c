/* sim_generic — the simulated modem's generic commands (27.007 / V.25ter):
 * identification, the SIM (PIN, PUK, missing), registration (and what the
 * modem shows of it: sim_reg_stat), signal, operator, error and character
 * set modes, call list, hang-up, CFUN, and sim_generic_cmds[], the table
 * sim_at.c looks a command up in after the family's own (sim_family.c).
 * The SMS commands in the table are in sim_sms.c. */
#include "sim/sim_int.h"

#include <stdio.h>
#include <string.h>

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

int sim_card_cme(const struct sim_modem *m)
{
	if (m->card == SIM_CARD_MISSING)
		return 10;
	if (m->card == SIM_CARD_PUK)
		return 12;
	return m->pin_locked ? 11 : 0;
}

int sim_reg_stat(const struct sim_modem *m)
{
	if (sim_card_cme(m))
		return 0;
	return m->lost >= 0 ? m->lost : m->creg_stat;
}

int sim_registered(const struct sim_modem *m)
{
	int st = sim_reg_stat(m);
	return st == 1 || st == 5;
}

/* <stat> and, for AT+CREG=2 while registered, <lac>,<ci>,<AcT>. */
static void reg_fields(const struct sim_modem *m, int n, struct sbuf *b)
{
	int st = sim_reg_stat(m);
	sbuf_printf(b, "%d", st);
	if (n == 2 && (st == 1 || st == 5))
		sbuf_printf(b, ",\"1A2B\",\"00C3D4E%d\",%d", m->idx % 10, strcmp(m->fam->name, "huawei") ? 7 : 2);
}

void sim_reg_changed(struct sim_modem *m, int before)
{
	if (m->creg_n <= 0 || !m->present || sim_reg_stat(m) == before)
		return;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_add(&b, "+CREG: ");
	reg_fields(m, m->creg_n, &b);
	sim_urc(m, b.s);
	sbuf_free(&b);
}

/* AT+CPIN?: READY, SIM PIN or SIM PUK (no SIM: +CME ERROR: 10);
 * AT+CPIN="<pin>", or AT+CPIN="<puk>","<new pin>" for a blocked SIM (the
 * PUK is 12345678). */
static int c_cpin(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	switch (f) {
	case SIM_READ:
		if (m->card == SIM_CARD_MISSING)
			return SIM_CME(10);
		sim_at_info(m, "+CPIN: %s", m->card == SIM_CARD_PUK ? "SIM PUK" : m->pin_locked ? "SIM PIN" : "READY");
		return SIM_OK;
	case SIM_TEST:
		return SIM_OK;
	case SIM_SET: {
		char v[2][64];
		int n = sim_args(a, v, 2);
		if (n < 1)
			return SIM_CME(4);
		if (m->card == SIM_CARD_MISSING)
			return SIM_CME(10);
		if (m->card == SIM_CARD_PUK) {
			if (n < 2 || !v[1][0] || strlen(v[1]) >= sizeof m->pin)
				return SIM_CME(4);
			if (strcmp(v[0], "12345678") != 0)
				return SIM_CME(16);
			m->card = SIM_CARD_OK;
			memcpy(m->pin, v[1], strlen(v[1]) + 1); /* fits: checked above */
			m->pin_locked = 0;
			sim_reg_changed(m, 0); /* registers: after the OK */
			return SIM_OK;
		}
		if (!m->pin_locked)
			return SIM_CME(3);
		if (strcmp(v[0], m->pin) != 0)
			return SIM_CME(16);
		m->pin_locked = 0;
		sim_reg_changed(m, 0);
		return SIM_OK;
	}
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
		if (sim_arg_int(a, 0, 2, &v))
			return SIM_CME(4);
		*n = (int)v;
		return SIM_OK;
	case SIM_READ: {
		struct sbuf b;
		sbuf_init(&b);
		reg_fields(m, *n, &b);
		sim_at_info(m, "%s: %d,%s", d->name, *n, b.s);
		sbuf_free(&b);
		return SIM_OK;
	}
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
	/* no network: no signal either */
	sim_at_info(m, "+CSQ: %d,99", m->lost >= 0 ? 99 : m->csq);
	return SIM_OK;
}

static int c_cops(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	switch (f) {
	case SIM_READ:
		if (sim_registered(m))
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
		if (sim_arg_int(a, 0, 2, &v))
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

static int c_clcc(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long v;
	switch (f) {
	case SIM_ACTION:
		sim_call_clcc(m);
		return SIM_OK;
	case SIM_SET:
		if (sim_arg_int(a, 0, 1, &v))
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

const struct sim_cmd_def sim_generic_cmds[] = {
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
	{ "+CMGF", sim_sms_cmgf, NULL, 0, 0 },
	{ "+CSMS", sim_sms_csms, NULL, 0, 0 },
	{ "+CPMS", sim_sms_cpms, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CNMI", sim_sms_cnmi, NULL, 0, 0 },
	{ "+CSCA", sim_sms_csca, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGS", sim_sms_cmgs, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGR", sim_sms_cmgr, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGL", sim_sms_cmgl, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CMGD", sim_sms_cmgd, NULL, SIM_F_PIN | SIM_F_SMS, 0 },
	{ "+CNMA", NULL, NULL, SIM_F_SMS, 0 },
	{ "+CSMP", NULL, "+CSMP: 17,167,0,0", 0, 0 },
	{ "+CSDH", NULL, "+CSDH: 0", 0, 0 },
	{ "+CMMS", NULL, "+CMMS: 0", 0, 0 },
	{ "+CLCC", c_clcc, NULL, 0, 0 },
	{ "+CHUP", c_chup, NULL, 0, 0 },
	{ "+CFUN", c_cfun, NULL, 0, 0 },
	{ "+CUSD", sim_ussd_cusd, NULL, SIM_F_PIN, 0 },
	{ "+CLIP", sim_callin_clip, NULL, 0, 0 },
	{ "+COLP", NULL, "+COLP: 0,1", 0, 0 },
	{ "+CRC", sim_callin_crc, NULL, 0, 0 },
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
