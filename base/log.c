/* log — see log.h.  One fprintf per line so that lines from worker threads
 * do not interleave (stdio locks the stream per call). */
#include "base/log.h"

#include "base/clock.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level cur_level = LOG_INFO;

void log_set_level(enum log_level lvl) { cur_level = lvl; }
enum log_level log_get_level(void) { return cur_level; }

int log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_msg(enum log_level lvl, const char *subsys, const char *fmt, ...)
{
	if (lvl > cur_level)
		return;
	char msg[1024], ts[32];
	int64_t ms = clock_wall_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* modem lines, SMS texts and senders reach the log: control bytes and
	 * broken UTF-8 are written as \xNN, never raw to a terminal */
	char safe[4 * sizeof msg];
	util_escape_ctl(msg, safe, sizeof safe);
	fprintf(stderr, "%s %c %s: %s\n", ts, "EWID"[lvl], subsys, safe);
}
