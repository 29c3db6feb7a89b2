/* sim_family — what differs between the simulated modem families, as data:
 * identification strings, boot and noise lines, default +CNMI, the "SR"
 * status report storage (+CNMI ds=2; the generic family has none and
 * refuses ds=2), call progress and end URCs (what follows the gateway's
 * hang-up; whether ATD waits for the far end, V.25ter style, as the generic
 * family does) and the vendor commands of the README hardware table
 * (Huawei ^CVOICE/^DDSETEX/^CURC, SIMCom +CPCMREG/+DDET/+CRESET, Quectel
 * +QPCMV/+QINDCFG/+QTONEDET).  The AT interpreter looks a family's command
 * rows up before the generic 27.007/27.005 rows; nothing else branches on
 * the family. */
#include "sim/sim_int.h"

#include <string.h>

/* ---- vendor command handlers ---- */

static int set_flag(const char *a, int *flag, int hi)
{
	long v;
	char x[2][64];
	if (sim_args(a, x, 2) < 1 || util_parse_long(x[0], 0, hi, &v))
		return SIM_CME(4);
	*flag = (int)v;
	return SIM_OK;
}

static int h_curc(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	if (f == SIM_SET)
		return set_flag(a, &m->curc, 1);
	if (f == SIM_READ)
		sim_at_info(m, "^CURC: %d", m->curc);
	return SIM_OK;
}

/* ^DDSETEX=2 routes call audio to the serial audio port; only meaningful
 * (and accepted) while a call exists, as right after ATD. */
static int h_ddsetex(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		     const char *a)
{
	(void)d;
	if (f != SIM_SET)
		return f == SIM_TEST ? SIM_OK : SIM_ERR;
	if (strcmp(a, "2") != 0)
		return SIM_CME(4);
	if (!sim_call_active(m))
		return SIM_ERR;
	m->call.audio_on = 1;
	return SIM_OK;
}

/* +CPCMREG=1 only once the call is up ("VOICE CALL: BEGIN"); =0 always. */
static int h_cpcmreg(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		     const char *a)
{
	(void)d;
	if (f == SIM_READ) {
		sim_at_info(m, "+CPCMREG: %d", m->cpcmreg);
		return SIM_OK;
	}
	if (f != SIM_SET)
		return SIM_OK;
	long v;
	if (util_parse_long(a, 0, 1, &v))
		return SIM_ERR;
	if (v == 1 && (!sim_call_active(m) || m->call.state != SIM_CALL_ACTIVE))
		return SIM_ERR;
	m->cpcmreg = (int)v;
	m->call.audio_on = (int)v;
	return SIM_OK;
}

static int h_ddet(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	if (f == SIM_SET)
		return set_flag(a, &m->ddet, 1);
	if (f == SIM_READ)
		sim_at_info(m, "+DDET: %d", m->ddet);
	return SIM_OK;
}

static int h_creset(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		    const char *a)
{
	(void)d, (void)a;
	if (f != SIM_ACTION)
		return SIM_OK;
	sim_modem_reboot(m, m->sim->o.reset_ms);
	return SIM_OK;
}

/* +QPCMV=<enable>[,<port>]: 0 USB NMEA port (ttyUSB1), 2 USB sound card. */
static int h_qpcmv(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		   const char *a)
{
	(void)d;
	char v[2][64];
	long en, port = 0;
	if (f == SIM_READ) {
		sim_at_info(m, "+QPCMV: %d,%d", m->qpcmv ? 1 : 0, m->qpcmv ? m->qpcmv - 1 : 0);
		return SIM_OK;
	}
	if (f != SIM_SET)
		return SIM_OK;
	int n = sim_args(a, v, 2);
	if (n < 1 || util_parse_long(v[0], 0, 1, &en) ||
	    (n > 1 && util_parse_long(v[1], 0, 2, &port)))
		return SIM_ERR;
	m->qpcmv = en ? (int)port + 1 : 0;
	return SIM_OK;
}

static int h_qindcfg(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		     const char *a)
{
	(void)d;
	char v[3][64];
	if (f == SIM_TEST) {
		sim_at_info(m, "+QINDCFG: \"all\",(0,1),(0,1)");
		return SIM_OK;
	}
	if (f != SIM_SET)
		return SIM_ERR;
	int n = sim_args(a, v, 3);
	if (n < 1)
		return SIM_ERR;
	if (n == 1) {
		if (util_streq_ci(v[0], "ccinfo"))
			sim_at_info(m, "+QINDCFG: \"ccinfo\",%d", m->ccinfo);
		else
			sim_at_info(m, "+QINDCFG: \"%s\",0", v[0]);
		return SIM_OK;
	}
	long on;
	if (util_parse_long(v[1], 0, 1, &on))
		return SIM_ERR;
	if (util_streq_ci(v[0], "ccinfo"))
		m->ccinfo = (int)on;
	return SIM_OK;
}

static int h_qtonedet(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f,
		      const char *a)
{
	(void)d;
	if (f == SIM_SET)
		return set_flag(a, &m->tonedet, 1);
	if (f == SIM_READ)
		sim_at_info(m, "+QTONEDET: %d", m->tonedet);
	return SIM_OK;
}

/* ---- tables ---- */

static const char *const generic_ati[] = {
	"Manufacturer: Generic", "Model: 3GPP Modem", "Revision: 1.0.0", "IMEI: %s", NULL,
};
static const char *const none[] = { NULL };

static const char *const huawei_ati[] = {
	"Manufacturer: huawei", "Model: E173", "Revision: 11.126.85.00.209", "IMEI: %s",
	"+GCAP: +CGSM,+DS,+ES", NULL,
};
static const char *const huawei_boot[] = { "^RSSI:18", "^SRVST:2", "^SIMST:1", NULL };
static const char *const huawei_noise[] = {
	"^RSSI:%d",
	"^BOOT:20131586,0,0,0,72",
	"^MODE:5,4",
	"^DSFLOWRPT:00000012,00000000,00000000,0000000000000000,0000000000000000,0000000000,0000000000",
	NULL,
};
static const struct sim_cmd_def huawei_cmds[] = {
	{ "^CVOICE", NULL, "^CVOICE: 0,8000,16,20", 0, 0 },
	{ "^DDSETEX", h_ddsetex, NULL, 0, 0 },
	{ "^CURC", h_curc, NULL, 0, 0 },
	{ "^SYSINFO", NULL, "^SYSINFO: 2,3,0,5,1,,4", 0, 1 },
	{ "^HWVER", NULL, "^HWVER:\"CD6ATCPU\"", 0, 1 },
	{ "^U2DIAG", NULL, "^U2DIAG: 0", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const char *const simcom_ati[] = {
	"Manufacturer: SIMCOM INCORPORATED", "Model: SIMCOM_SIM7600E-H",
	"Revision: SIM7600M22_V2.0", "IMEI: %s", "+GCAP: +CGSM", NULL,
};
static const char *const simcom_boot[] = { "RDY", "+CPIN: READY", "SMS DONE", "PB DONE", NULL };
static const struct sim_cmd_def simcom_cmds[] = {
	{ "+CPCMREG", h_cpcmreg, NULL, 0, 0 },
	{ "+DDET", h_ddet, NULL, 0, 0 },
	{ "+CRESET", h_creset, NULL, 0, 0 },
	{ "+CSUB", NULL, "+CSUB: B04V03", 0, 1 },
	{ "+CPSI", NULL, "+CPSI: LTE,Online,452-04,0x1A2B,12345678,300,EUTRAN-BAND3,1300,5,5,-94,-1010,-720,15", 0, 0 },
	{ "+CNMP", NULL, "+CNMP: 2", 0, 0 },
	{ "+CGMR", NULL, "+CGMR: LE20B04SIM7600M22", 0, 1 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const char *const quectel_ati[] = { "Quectel", "EC25", "Revision: EC25EFAR06A06M4G", NULL };
static const char *const quectel_boot[] = {
	"RDY", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE", NULL,
};
static const struct sim_cmd_def quectel_cmds[] = {
	{ "+QPCMV", h_qpcmv, NULL, 0, 0 },
	{ "+QINDCFG", h_qindcfg, NULL, 0, 0 },
	{ "+QTONEDET", h_qtonedet, NULL, 0, 0 },
	{ "+QURCCFG", NULL, "+QURCCFG: \"urcport\",\"usbat\"", 0, 0 },
	{ "+QCFG", NULL, NULL, 0, 0 },
	{ "+QGPSEND", NULL, NULL, 0, 0 },
	{ "+QGPSCFG", NULL, NULL, 0, 0 },
	{ "+QLTS", sim_time_qlts, NULL, 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

static const struct sim_family fam_generic = {
	.name = "generic", .cgmi = "Generic", .cgmm = "3GPP Modem", .cgmr = "1.0.0",
	.ati = generic_ati, .cops = "+COPS: 0,0,\"Viettel\",7",
	.cnmi_default = { 0, 0, 0, 0, 0 }, .boot = none, .noise = none, .cmds = NULL,
	.sr_slots = 0,
	.call = { .final_words = 1, .hangup_word = "NO CARRIER", .dial_waits = 1 },
};

static const struct sim_family fam_huawei = {
	.name = "huawei", .cgmi = "huawei", .cgmm = "E173", .cgmr = "11.126.85.00.209",
	.ati = huawei_ati, .cops = "+COPS: 0,0,\"Viettel\",2",
	.cnmi_default = { 0, 0, 0, 0, 0 }, .boot = huawei_boot, .noise = huawei_noise,
	.cmds = huawei_cmds, .sr_slots = 20,
	.call = { .orig = "^ORIG:1,0", .alert = "^CONF:1", .conn = "^CONN:1,0",
		  .end = "^CEND:1,%d,%d,%d", .final_words = 0 },
};

static const struct sim_family fam_simcom = {
	.name = "simcom", .cgmi = "SIMCOM INCORPORATED", .cgmm = "SIMCOM_SIM7600E-H",
	.cgmr = "+CGMR: LE20B04SIM7600M22", .ati = simcom_ati,
	.cops = "+COPS: 0,0,\"Viettel\",7", .cnmi_default = { 2, 1, 0, 0, 0 },
	.boot = simcom_boot, .noise = none, .cmds = simcom_cmds, .sr_slots = 20, .psuttz = 1,
	.call = { .conn = "VOICE CALL: BEGIN", .end_talk = "VOICE CALL: END: %06d",
		  .clcc_fmt = "+CLCC: %d,%d,%d,0,0,\"%s\",%d", .released = 6, .final_words = 1,
		  .talk_end_always = 1, .missed = "MISSED_CALL: %s %s" },
};

static const struct sim_family fam_quectel = {
	.name = "quectel", .cgmi = "Quectel", .cgmm = "EC25", .cgmr = "EC25EFAR06A06M4G",
	.ati = quectel_ati, .cops = "+COPS: 0,0,\"Viettel\",7",
	.cnmi_default = { 2, 1, 0, 0, 0 }, .boot = quectel_boot, .noise = none,
	.cmds = quectel_cmds, .sr_slots = 20,
	.call = { .clcc_fmt = "+QIND: \"ccinfo\",%d,%d,%d,0,0,\"%s\",%d", .released = -1,
		  .final_words = 1 },
};

const struct sim_family *const sim_families[] = {
	&fam_generic, &fam_huawei, &fam_simcom, &fam_quectel, NULL,
};

const struct sim_family *sim_family_find(const char *name)
{
	for (int i = 0; sim_families[i]; i++)
		if (util_streq_ci(sim_families[i]->name, name))
			return sim_families[i];
	return NULL;
}
