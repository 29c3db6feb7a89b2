/* sim_time — the network's time as a simulated modem knows it (NITZ): the
 * network time is the simulator's own wall clock plus an offset the
 * control `time M ...` sets, in a zone (quarter hours east of UTC; by
 * default the simulator's local zone).  A modem without NITZ (`time M
 * none`) answers AT+CCLK? with the default of real modems, 80/01/06 plus
 * the time since its boot.
 *
 *   AT+CCLK?     +CCLK: "yy/MM/dd,hh:mm:ss+zz"  (local time, zone)
 *   AT+CTZU=n    automatic time zone update (SIMCom: *PSUTTZ and DST when 1)
 *   AT+CTZR=n    1: +CTZV: +zz; 2: +CTZE: "+zz",0,"yyyy/MM/dd,hh:mm:ss"
 *   AT+QLTS[=m]  Quectel: +QLTS: "yyyy/MM/dd,hh:mm:ss+zz,0", m 0/1 UTC,
 *                2 local; "" without NITZ
 *
 * The URCs go out when the network sends its time (the `time` control) to
 * a registered modem.  Written from the 27.007 text and vendor manuals,
 * independently of the engine's parser (modem/nettime.c). */
#include "sim/sim_int.h"

#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int zone_q(const struct sim_modem *m, int64_t utc)
{
	if (m->nitz_zone_set)
		return m->nitz_zone_q;
	time_t t = (time_t)utc;
	struct tm tm;
	localtime_r(&t, &tm);
	return (int)(tm.tm_gmtoff / 900);
}

static int64_t net_utc(const struct sim_modem *m)
{
	return clock_wall_s() + m->nitz_offset_s;
}

static void split(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;
	gmtime_r(&tt, tm);
}

/* "+28" / "-20" */
static void zone_text(int q, char *buf, size_t n)
{
	snprintf(buf, n, "%c%02d", q < 0 ? '-' : '+', abs(q) % 100);
}

static int c_cclk(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d, (void)a;
	if (f == SIM_SET || f == SIM_TEST)
		return SIM_OK; /* setting the RTC: the network's time wins anyway */
	if (f != SIM_READ)
		return SIM_ERR;
	struct tm tm;
	char z[16] = "+00";
	if (m->nitz) {
		int64_t u = net_utc(m);
		int q = zone_q(m, u);
		split(u + (int64_t)q * 900, &tm);
		zone_text(q, z, sizeof z);
	} else {
		/* the RTC's default, running since the boot */
		split(315964800LL + (clock_mono_ms() - m->boot_mono_ms) / 1000, &tm);
	}
	sim_at_info(m, "+CCLK: \"%02d/%02d/%02d,%02d:%02d:%02d%s\"", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, z);
	return SIM_OK;
}

static int setting(struct sim_modem *m, enum sim_form f, const char *a, const char *name, int *v, int max)
{
	long x;
	switch (f) {
	case SIM_READ:
		sim_at_info(m, "%s: %d", name, *v);
		return SIM_OK;
	case SIM_TEST:
		sim_at_info(m, "%s: (0-%d)", name, max);
		return SIM_OK;
	case SIM_SET:
		if (sim_arg_int(a, 0, max, &x) != 0)
			return SIM_CME(50);
		*v = (int)x;
		return SIM_OK;
	default:
		return SIM_ERR;
	}
}

static int c_ctzu(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	return setting(m, f, a, "+CTZU", &m->ctzu, 1);
}

static int c_ctzr(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	return setting(m, f, a, "+CTZR", &m->ctzr, 3);
}

int sim_time_qlts(struct sim_modem *m, const struct sim_cmd_def *d, enum sim_form f, const char *a)
{
	(void)d;
	long mode = 0;
	if (f == SIM_TEST) {
		sim_at_info(m, "+QLTS: (0-2)");
		return SIM_OK;
	}
	if (f == SIM_SET && sim_arg_int(a, 0, 2, &mode) != 0)
		return SIM_CME(50);
	if (f == SIM_READ)
		return SIM_ERR;
	if (!m->nitz) {
		sim_at_info(m, "+QLTS: \"\"");
		return SIM_OK;
	}
	int64_t u = net_utc(m);
	int q = zone_q(m, u);
	struct tm tm;
	split(mode == 2 ? u + (int64_t)q * 900 : u, &tm);
	char z[16];
	zone_text(q, z, sizeof z);
	sim_at_info(m, "+QLTS: \"%04d/%02d/%02d,%02d:%02d:%02d%s,0\"", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, z);
	return SIM_OK;
}

const struct sim_cmd_def sim_time_cmds[] = {
	{ "+CCLK", c_cclk, NULL, 0, 0 },
	{ "+CTZU", c_ctzu, NULL, 0, 0 },
	{ "+CTZR", c_ctzr, NULL, 0, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

void sim_time_urcs(struct sim_modem *m)
{
	if (!m->nitz || !m->present || !sim_registered(m))
		return;
	int64_t u = net_utc(m);
	int q = zone_q(m, u);
	char z[16], line[96];
	zone_text(q, z, sizeof z);
	struct tm loc, utc;
	split(u + (int64_t)q * 900, &loc);
	split(u, &utc);
	if (m->ctzr == 1) {
		snprintf(line, sizeof line, "+CTZV: %s", z);
		sim_urc(m, line);
	} else if (m->ctzr >= 2) {
		snprintf(line, sizeof line, "+CTZE: \"%s\",0,\"%04d/%02d/%02d,%02d:%02d:%02d\"", z, loc.tm_year + 1900,
			 loc.tm_mon + 1, loc.tm_mday, loc.tm_hour, loc.tm_min, loc.tm_sec);
		sim_urc(m, line);
	}
	if (m->ctzu && m->fam->psuttz) {
		snprintf(line, sizeof line, "*PSUTTZ: %04d,%d,%d,%d,%d,%d,\"%s\",0", utc.tm_year + 1900, utc.tm_mon + 1,
			 utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, z);
		sim_urc(m, line);
		sim_urc(m, "DST: 0");
	}
}

/* "2026-12-04T11:05:00+07" / "...+05:30" / "...Z" -> UTC seconds, zone */
static int parse_iso(const char *s, int64_t *utc, int *q)
{
	int y, mo, d, h, mi, se, n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6)
		return -1;
	const char *z = s + n;
	int zq = 0;
	if (*z == 'Z' && !z[1]) {
		zq = 0;
	} else if (*z == '+' || *z == '-') {
		int zh = 0, zm = 0, k = 0;
		if (sscanf(z + 1, "%2d%n", &zh, &k) != 1)
			return -1;
		if (z[1 + k] == ':' && sscanf(z + 2 + k, "%2d", &zm) != 1)
			return -1;
		if (zh > 14 || zm % 15)
			return -1;
		zq = (zh * 4 + zm / 15) * (*z == '-' ? -1 : 1);
	} else {
		return -1;
	}
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = se };
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	*utc = (int64_t)t - (int64_t)zq * 900;
	*q = zq;
	return 0;
}

/* time M YYYY-MM-DDTHH:MM:SS+HH[:MM] | none | system */
int sim_time_ctl(struct sim_modem *m, const char *arg, struct sbuf *r)
{
	int64_t u;
	int q;
	if (arg && !strcmp(arg, "none")) {
		m->nitz = 0;
	} else if (arg && !strcmp(arg, "system")) {
		m->nitz = 1;
		m->nitz_offset_s = 0;
		m->nitz_zone_set = 0;
	} else if (arg && parse_iso(arg, &u, &q) == 0) {
		m->nitz = 1;
		m->nitz_offset_s = u - clock_wall_s();
		m->nitz_zone_q = q;
		m->nitz_zone_set = 1;
		sim_time_urcs(m);
	} else {
		sbuf_add(r, "err usage: time M YYYY-MM-DDTHH:MM:SS+HH[:MM]|none|system");
		return -1;
	}
	sbuf_add(r, "ok");
	return 0;
}
