/* util — small pieces every module needs: a growable string, checked
 * allocation, whole-file reading, trimming and number parsing.
 *
 * Allocation failure is treated as a programming/environment error and
 * aborts with a message (a gateway that cannot allocate 1 KiB cannot do
 * anything useful); every other error is returned to the caller. */
#ifndef LOA_UTIL_H
#define LOA_UTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Hand the buffer to the caller (never NULL). */
char *sbuf_take(struct sbuf *b);

/* Reads a whole file; NUL-terminated; returns NULL and sets errno on error. */
char *util_read_file(const char *path, size_t *len_out);
/* Trim ASCII white space in place; returns s advanced past leading space. */
char *util_trim(char *s);
/* Strict integer parse of the whole string. 0 ok, -1 bad. */
int util_parse_long(const char *s, long min, long max, long *out);
/* "HH:MM" -> minutes of day; -1 if bad. */
int util_parse_hhmm(const char *s);
/* Case-insensitive ASCII compare helpers. */
int util_streq_ci(const char *a, const char *b);
/* Makes directories like mkdir -p with the given mode. 0 or -errno. */
int util_mkdirs(const char *path, unsigned mode);
/* Joins a and b with '/'. Caller frees. */
char *util_path_join(const char *a, const char *b);
/* The one escaper for outside strings (SMS texts, senders, modem lines,
 * CSV names, login names) on their way to a terminal or the log: control
 * bytes (ESC, BEL, CR, LF...) and invalid UTF-8 are written as "\xNN",
 * valid UTF-8 (Vietnamese) is kept; stops at a whole character when `out`
 * is full.  Returns the length written. */
size_t util_escape_ctl(const char *in, char *out, size_t outsz);
/* One line on `f` that carries outside strings: formatted, every control
 * byte escaped (util_escape_ctl), then a newline, so a text cannot move the
 * cursor, ring or forge a line. */
void util_fline(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void util_vfline(FILE *f, const char *fmt, va_list ap);

/* The exit codes of every `loa` command, and what the functions behind
 * them return: 0 ok, 1 a runtime failure (database, modem), 2 a usage or
 * input error (one clear line says which), 3 "fix me": `loa init` / `loa
 * run` cannot start until a person acts (a damaged or unreadable database);
 * systemd does not restart the daemon on it (RestartPreventExitStatus). */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_FIXME = 3 };
#endif
