/* web — the officers' web page server: libmicrohttpd on [web] listen,
 * turning HTTP requests into web_page calls, plus `loa web`.  web_start /
 * web_stop let the daemon run the same server in-process. */
#ifndef LOA_WEB_H
#define LOA_WEB_H
#include "web/web_page.h" /* struct web_cfg */

#include <stddef.h>

/* Largest accepted request body (a notice form is a few KiB). */
#define WEB_BODY_MAX (32 * 1024)
/* libmicrohttpd's per-connection memory: request line and headers must fit,
 * larger headers get 431. */
#define WEB_CONN_MEMORY (24 * 1024)
/* Connections: in all, and from one client address (a browser opens up to
 * six to one server). */
#define WEB_CONN_MAX 256
#define WEB_CONN_PER_ADDR 8
/* A request (line, headers and body) must be read whole within this of
 * its connection opening or of the previous answer on it, however steadily
 * its bytes trickle in; silence ends a connection after WEB_IDLE_TIMEOUT_S. */
#define WEB_REQUEST_DEADLINE_MS 10000
/* A household file upload (up to WEB_MULTIPART_MAX) may take longer on a
 * slow office network; only this many are read at once. */
#define WEB_UPLOAD_DEADLINE_MS 120000
#define WEB_UPLOADS_AT_ONCE 2
#define WEB_IDLE_TIMEOUT_S 30

/* Opens its own store connection on store_path and starts serving on
 * cfg->listen (a port of 0 picks a free one).  0, or -1 with a
 * one-line reason in err.  One server per process. */
int web_start(const struct web_cfg *cfg, const char *store_path, char *err, size_t errlen);
/* The port actually bound (after web_start). */
int web_port(void);
void web_stop(void);

/* "127.0.0.1:8080" / "[::1]:8080" -> a socket address.  0 or -1. */
struct sockaddr_storage;
int web_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *len);
#endif
