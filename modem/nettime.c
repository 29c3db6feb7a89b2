/* nettime — see nettime.h.  Each format is one small sscanf-free reader of
 * digits and separators, so a stray byte makes the line NETTIME_NOT rather
 * than half a time; the calendar arithmetic is days-from-civil (no timegm,
 * no TZ environment). */
#include "modem/nettime.h"

#include <ctype.h>
#include <string.h>

/* Reads 1..maxd digits into *v; returns the text after them or NULL. */
static const char *digits(const char *p, int maxd, int *v)
{
	int n = 0, x = 0;
	if (!p)
		return NULL;
	while (n < maxd && isdigit((unsigned char)p[n])) {
		x = x * 10 + (p[n] - '0');
		n++;
	}
	if (n == 0)
		return NULL;
	*v = x;
	return p + n;
}

/* Every reader takes NULL (an earlier field failed) and returns NULL. */
static const char *lit(const char *p, char c)
{
	return p && *p == c ? p + 1 : NULL;
}

static const char *skip_sp(const char *p)
{
	while (p && *p == ' ')
		p++;
	return p;
}

/* "+28" / "-04" / "28" (quarter hours) */
static const char *zone(const char *p, int *q)
{
	int sign = 1, v = 0;
	if (!p)
		return NULL;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	p = digits(p, 2, &v);
	if (!p || v > 56)
		return NULL;
	*q = sign * v;
	return p;
}

static int full_year(int y, const char *start, const char *end)
{
	if (end - start <= 2)
		return y < 70 ? 2000 + y : 1900 + y;
	return y;
}

/* "yy/MM/dd,hh:mm:ss" or "yyyy/MM/dd,hh:mm:ss" (sep '/' or '-') */
static const char *date_time(const char *p, int f[6])
{
	const char *y0 = p;
	p = digits(p, 4, &f[0]);
	if (!p)
		return NULL;
	f[0] = full_year(f[0], y0, p);
	if (*p != '/' && *p != '-')
		return NULL;
	p = digits(p + 1, 2, &f[1]);
	p = p && (*p == '/' || *p == '-') ? digits(p + 1, 2, &f[2]) : NULL;
	p = lit(p, ',');
	p = p ? digits(p, 2, &f[3]) : NULL;
	p = lit(p, ':');
	p = p ? digits(p, 2, &f[4]) : NULL;
	p = lit(p, ':');
	return p ? digits(p, 2, &f[5]) : NULL;
}

int64_t nettime_utc(int year, int mon, int day, int h, int mi, int s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (year < 1900 || year > 9999 || mon < 1 || mon > 12 || day < 1 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > mdays[mon - 1] + (mon == 2 && leap))
		return -1;
	int64_t y = year - (mon <= 2);
	int64_t era = y / 400; /* year >= 1900: no negative eras */
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + h * 3600 + mi * 60 + s;
}

/* The verdict for a calendar time (local when `local`, else UTC). */
static int verdict(const int f[6], int zq, int local, int64_t min_utc_s, struct nettime *o)
{
	int64_t t = nettime_utc(f[0], f[1], f[2], f[3], f[4], f[5]);
	if (t < 0)
		return NETTIME_NOT;
	if (local)
		t -= (int64_t)zq * 15 * 60;
	if (t < min_utc_s)
		return NETTIME_UNKNOWN; /* the modem's default: no NITZ yet */
	o->has_time = 1;
	o->utc_s = t;
	return NETTIME_TIME;
}

static int starts(const char *line, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	if (strncmp(line, prefix, n) != 0)
		return 0;
	*rest = skip_sp(line + n);
	return 1;
}

/* +CCLK: "yy/MM/dd,hh:mm:ss+zz" (local) */
static int p_cclk(const char *p, int64_t min, struct nettime *o)
{
	int f[6], zq;
	p = date_time(lit(p, '"'), f);
	p = zone(p, &zq);
	if (!lit(p, '"'))
		return NETTIME_NOT; /* no zone: local time of an unknown zone */
	o->has_zone = 1;
	o->zone_q = zq;
	return verdict(f, zq, 1, min, o);
}

/* +CTZV: +28[,dst] | +CTZV: "+28" */
static int p_ctzv(const char *p, struct nettime *o)
{
	int q = p && *p == '"';
	p = zone(q ? p + 1 : p, &o->zone_q);
	if (p && q)
		p = lit(p, '"');
	if (!p || (*p && *p != ','))
		return NETTIME_NOT;
	o->has_zone = 1;
	return NETTIME_UNKNOWN;
}

/* +CTZE: "+28",dst[,"yyyy/MM/dd,hh:mm:ss"] (local) */
static int p_ctze(const char *p, int64_t min, struct nettime *o)
{
	int zq, dst, f[6];
	p = zone(lit(p, '"'), &zq);
	p = lit(lit(p, '"'), ',');
	p = p ? digits(p, 1, &dst) : NULL;
	if (!p)
		return NETTIME_NOT;
	o->has_zone = 1;
	o->zone_q = zq;
	if (!*p)
		return NETTIME_UNKNOWN;
	p = date_time(lit(lit(p, ','), '"'), f);
	if (!lit(p, '"'))
		return NETTIME_NOT;
	return verdict(f, zq, 1, min, o);
}

/* *PSUTTZ: yyyy,M,d,h,m,s,"+28",dst (UTC) */
static int p_psuttz(const char *p, int64_t min, struct nettime *o)
{
	int f[6], zq;
	const char *y0 = p;
	p = digits(p, 4, &f[0]);
	if (!p)
		return NETTIME_NOT;
	f[0] = full_year(f[0], y0, p);
	for (int i = 1; i < 6 && p; i++) {
		p = skip_sp(lit(p, ','));
		p = p ? digits(p, 2, &f[i]) : NULL;
	}
	p = lit(skip_sp(lit(p, ',')), '"');
	p = lit(zone(p, &zq), '"');
	if (!p)
		return NETTIME_NOT;
	o->has_zone = 1;
	o->zone_q = zq;
	return verdict(f, zq, 0, min, o);
}

/* +QLTS: "yyyy/MM/dd,hh:mm:ss+zz,dst" (AT+QLTS=1: UTC) */
static int p_qlts(const char *p, int64_t min, struct nettime *o)
{
	int f[6], zq;
	p = date_time(lit(p, '"'), f);
	p = zone(p, &zq);
	if (!p || (*p != ',' && *p != '"'))
		return NETTIME_NOT;
	o->has_zone = 1;
	o->zone_q = zq;
	return verdict(f, zq, 0, min, o);
}

int nettime_parse(const char *line, int64_t min_utc_s, struct nettime *out)
{
	const char *p;
	memset(out, 0, sizeof *out);
	if (!line)
		return NETTIME_NOT;
	if (starts(line, "+CCLK:", &p))
		return p_cclk(p, min_utc_s, out);
	if (starts(line, "+CTZV:", &p))
		return p_ctzv(p, out);
	if (starts(line, "+CTZE:", &p))
		return p_ctze(p, min_utc_s, out);
	if (starts(line, "*PSUTTZ:", &p))
		return p_psuttz(p, min_utc_s, out);
	if (starts(line, "+QLTS:", &p))
		return p_qlts(p, min_utc_s, out);
	return NETTIME_NOT;
}
