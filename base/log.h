/* log — levelled, prefixed log lines on stderr.
 *
 * Every line names the subsystem and, where it applies, what it concerns:
 *   2026-11-28 10:00:01 I modem(m1) delivery 42 notice 7: sent, mr=12
 * When stderr is the journal (systemd sets JOURNAL_STREAM to stderr's
 * device:inode), the journal adds its own timestamp and reads a syslog
 * priority from the line's start (sd-daemon(3)), so the line is
 *   <6>modem(m1) delivery 42 notice 7: sent, mr=12
 * and `journalctl -p warning` keeps the <4> and <3> lines.
 * The prefix is built by the caller (see LOG_* macros); this module owns only
 * the level filter, the timestamp (from clock) or priority, and the single
 * write.  The levels are LL_* so that they do not clash with <syslog.h>. */
#ifndef LOA_LOG_H
#define LOA_LOG_H

enum log_level { LL_ERROR = 0, LL_WARN, LL_INFO, LL_DEBUG };

void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* "error" "warn" "info" "debug" -> level; -1 if unknown */
int log_level_parse(const char *s);
/* Looks again whether stderr is the journal (JOURNAL_STREAM names fd 2's
 * device:inode) and uses that form from now on; 1 if it is.  log_msg
 * looks once by itself; tests call this after moving stderr. */
int log_journal_detect(void);
void log_msg(enum log_level lvl, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LOG_E(sub, ...) log_msg(LL_ERROR, sub, __VA_ARGS__)
#define LOG_W(sub, ...) log_msg(LL_WARN, sub, __VA_ARGS__)
#define LOG_I(sub, ...) log_msg(LL_INFO, sub, __VA_ARGS__)
#define LOG_D(sub, ...) log_msg(LL_DEBUG, sub, __VA_ARGS__)
#endif
