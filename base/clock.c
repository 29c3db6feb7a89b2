/* clock — see clock.h.  A fake clock is a frozen pair (wall, mono); a shifted
 * clock adds a constant to the real wall time. */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int fake_on;
static int64_t fake_wall, fake_mono;
static int64_t wall_shift;

static int64_t real_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_wall_ms(void)
{
	return fake_on ? fake_wall : real_ms(CLOCK_REALTIME) + wall_shift;
}

int64_t clock_mono_ms(void)
{
	return fake_on ? fake_mono : real_ms(CLOCK_MONOTONIC);
}

int64_t clock_wall_s(void)
{
	return clock_wall_ms() / 1000;
}

void clock_fake(int64_t wall_ms)
{
	fake_on = 1;
	fake_wall = wall_ms;
	fake_mono = 1000000;
}

void clock_advance(int64_t ms)
{
	fake_wall += ms;
	fake_mono += ms;
}

void clock_shift_to(int64_t wall_ms)
{
	fake_on = 0;
	wall_shift = wall_ms - real_ms(CLOCK_REALTIME);
}

void clock_real(void)
{
	fake_on = 0;
	wall_shift = 0;
}

void clock_init_from_env(void)
{
	const char *e = getenv("LOA_FAKE_TIME");
	if (e && *e) {
		char *end;
		long long s = strtoll(e, &end, 10);
		if (*end == '\0' && s > 0)
			clock_shift_to((int64_t)s * 1000);
	}
}

int clock_local_minutes_of_day(int64_t wall_s)
{
	time_t t = (time_t)wall_s;
	struct tm tm;
	localtime_r(&t, &tm);
	return tm.tm_hour * 60 + tm.tm_min;
}

void clock_format_local(int64_t wall_s, char *buf, unsigned n)
{
	time_t t = (time_t)wall_s;
	struct tm tm;
	if (wall_s <= 0) {
		snprintf(buf, n, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}
