/* web_html — writing HTML safely: the ONE escaping function every value
 * from the database or a request goes through, a small printf whose %s
 * always escapes, the page frame (inline CSS, navigation, logout form), the
 * Vietnamese names of delivery states, and the security headers' values.
 *
 * DESIGN: pages are built with web_html_out(b, "<td>%s</td>", name): the
 * format string is a literal written by us and is copied raw; every %s
 * argument is escaped.  There is no "raw %s", so a value cannot reach the
 * page unescaped by accident; the compiler still checks argument types
 * (format attribute).  The CSS is inline so a printed or saved page is
 * self-contained; the Content-Security-Policy allows exactly that style
 * block by its SHA-256 and no script at all. */
#ifndef LOA_WEB_HTML_H
#define LOA_WEB_HTML_H
#include "base/util.h"

#include <stdint.h>

/* Appends s with & < > " ' replaced by entities. */
void web_html_esc(struct sbuf *b, const char *s);
/* printf subset: %s (escaped), %d %u %ld %lld %%, and %c (escaped). */
void web_html_out(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The Content-Security-Policy header value (computed once). */
const char *web_html_csp(void);

/* Page start: doctype, title, CSS and, for a logged-in user (user != NULL),
 * the navigation bar with a logout form carrying csrf. */
void web_html_head(struct sbuf *b, const char *title, const char *user, const char *csrf);
/* The same for `loa web --hub` (a logged-in user): its own navigation. */
void web_html_head_hub(struct sbuf *b, const char *title, const char *user, const char *csrf);
void web_html_foot(struct sbuf *b);
/* A hidden input with the CSRF token. */
void web_html_csrf(struct sbuf *b, const char *csrf);

/* Vietnamese label of a delivery state ("delivered" -> "đã nhận"); an
 * unknown state is returned as is (the caller escapes it). */
const char *web_html_state(const char *state);
/* Local "YYYY-MM-DD HH:MM", or "—" for 0. */
void web_html_time(struct sbuf *b, int64_t wall_s);
#endif
