/* log — see log.h.  One fprintf per line so that lines from worker threads
 * do not interleave (stdio locks the stream per call). */
#include "gateway/log.h"

#include "gateway/clock.h"

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

/* Length of the valid UTF-8 sequence at s (1..4), 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned min;
	unsigned cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, min = 0x80, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, min = 0x800, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, min = 0x10000, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

size_t log_escape(const char *in, char *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (!outsz)
		return 0;
	while (*s) {
		size_t n = utf8_len(s);
		char esc[8];
		const char *src = (const char *)s;
		size_t len = n;
		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7F))) {
			snprintf(esc, sizeof esc, "\\x%02x", *s);
			src = esc;
			len = 4;
			n = 1;
		}
		if (o + len >= outsz)
			break;
		memcpy(out + o, src, len);
		o += len;
		s += n;
	}
	out[o] = '\0';
	return o;
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
	log_escape(msg, safe, sizeof safe);
	fprintf(stderr, "%s %c %s: %s\n", ts, "EWID"[lvl], subsys, safe);
}
