/* nettime — the network's time (NITZ) as modems report it, parsed by pure
 * functions (no clock reads: the caller passes the build date):
 *
 *   +CCLK: "26/12/04,11:05:00+28"          AT+CCLK? answer: local time and
 *                                           zone in quarter hours (+28 = UTC+7)
 *   +CTZV: +28                              zone only (AT+CTZR=1)
 *   +CTZE: "+28",0,"2026/12/04,11:05:00"    zone, DST, local time (AT+CTZR=2)
 *   *PSUTTZ: 2026,12,4,4,5,0,"+28",0        SIMCom: UTC time, zone, DST
 *   +QLTS: "2026/12/04,04:05:00+28,0"       Quectel AT+QLTS=1: UTC, zone, DST
 *
 * A modem that has not received NITZ answers its default (80/01/06,
 * 04/01/01...): any time before `min_utc_s` (the build date) is "unknown",
 * never a time.  Two-digit years are 2000+yy below 70, else 1900+yy, so
 * "80/01/06" is 1980.  The zone already includes DST (27.007), so the DST
 * field is ignored. */
#ifndef LOA_NETTIME_H
#define LOA_NETTIME_H
#include <stdint.h>

struct nettime {
	int has_time;     /* utc_s is set */
	int64_t utc_s;    /* seconds since the epoch, UTC */
	int has_zone;     /* zone_q is set */
	int zone_q;       /* quarter hours east of UTC (-48..56) */
};

enum { NETTIME_NOT = -1, NETTIME_UNKNOWN = 0, NETTIME_TIME = 1 };

/* One modem line.  NETTIME_TIME: out->utc_s is the network time;
 * NETTIME_UNKNOWN: a time line without a usable time (a default before
 * `min_utc_s`, a zone alone: out->has_zone says); NETTIME_NOT: not a
 * network time line, or malformed. */
int nettime_parse(const char *line, int64_t min_utc_s, struct nettime *out);

/* Days-from-civil: a UTC calendar time -> seconds since the epoch, or -1
 * when a field is out of range (month 1-12, day of that month, 0-23:59:59). */
int64_t nettime_utc(int year, int mon, int day, int h, int mi, int s);
#endif
