/* log — see log.h.  One fprintf per line so that lines from worker threads
 * do not interleave (stdio locks the stream per call). */
#include "base/log.h"

#include "base/clock.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static enum log_level cur_level = LL_INFO;
/* -1 not looked yet, 0 a terminal or a file, 1 the journal; atomic because
 * the speech thread logs too */
static atomic_int journal = -1;

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

/* systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" in decimal, of the
 * stream it connected stdout/stderr to; the variable is inherited by
 * children whose stderr may be elsewhere, hence the fstat. */
int log_journal_detect(void)
{
	int is = 0;
	const char *e = getenv("JOURNAL_STREAM");
	struct stat st;
	if (e && *e && fstat(2, &st) == 0) {
		char *end;
		unsigned long long dev = strtoull(e, &end, 10);
		if (end != e && *end == ':') {
			const char *ino_s = end + 1;
			unsigned long long ino = strtoull(ino_s, &end, 10);
			is = end != ino_s && *end == '\0' && dev == (unsigned long long)st.st_dev &&
			     ino == (unsigned long long)st.st_ino;
		}
	}
	atomic_store(&journal, is);
	return is;
}

void log_msg(enum log_level lvl, const char *subsys, const char *fmt, ...)
{
	if (lvl > cur_level)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* modem lines, SMS texts and senders reach the log: control bytes and
	 * broken UTF-8 are written as \xNN, never raw to a terminal */
	char safe[4 * sizeof msg];
	util_escape_ctl(msg, safe, sizeof safe);
	int j = atomic_load(&journal);
	if (j < 0)
		j = log_journal_detect();
	if (j) {
		/* sd-daemon(3): <3> err, <4> warning, <6> info, <7> debug */
		static const char prio[] = { '3', '4', '6', '7' };
		fprintf(stderr, "<%c>%s: %s\n", prio[lvl], subsys, safe);
		return;
	}
	char ts[32];
	int64_t ms = clock_wall_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s %c %s: %s\n", ts, "EWID"[lvl], subsys, safe);
}
