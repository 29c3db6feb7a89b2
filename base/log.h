/* log — levelled, prefixed log lines on stderr.
 *
 * Every line names the subsystem and, where it applies, what it concerns:
 *   2026-11-28 10:00:01 I modem(m1) delivery 42 notice 7: sent, mr=12
 * The prefix is built by the caller (see LOG_* macros); this module owns only
 * the level filter, the timestamp (from clock) and the single write. */
#ifndef LOA_LOG_H
#define LOA_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* "error" "warn" "info" "debug" -> level; -1 if unknown */
int log_level_parse(const char *s);
void log_msg(enum log_level lvl, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LOG_E(sub, ...) log_msg(LOG_ERROR, sub, __VA_ARGS__)
#define LOG_W(sub, ...) log_msg(LOG_WARN, sub, __VA_ARGS__)
#define LOG_I(sub, ...) log_msg(LOG_INFO, sub, __VA_ARGS__)
#define LOG_D(sub, ...) log_msg(LOG_DEBUG, sub, __VA_ARGS__)
#endif
