/* web_page — the officers' pages, from a parsed request to a reply, with
 * no HTTP library in sight: routing, the session and CSRF gate, and every
 * page (login, notices, one notice's log and progress chart, the
 * not-reached list for home visits, a household's history, creating a
 * notice, modem health, CSV exports, the households list and form,
 * groups, senders and templates, the household upload; web_page.c routes, the pages live in
 * web_notice.c, web_draft.c, web_report.c, web_household.c,
 * web_admin.c and web_upload.c behind the private web_page_int.h).  web.c owns the sockets
 * and turns a web_reply into an HTTP response; unit tests call
 * web_page_handle directly.
 *
 * Every page reads the store through store_report_* / store_web_* /
 * store_hh_* and creates notices through notice_plan / notice_create, and
 * households through household_from_fields, exactly as the CLI does, so
 * the page and `loa report` / `loa notice` / `loa household` never
 * disagree. */
#ifndef LOA_WEB_PAGE_H
#define LOA_WEB_PAGE_H
#include "domain/notice.h" /* struct notice_cfg */
#include "base/util.h"
#include "web/web_req.h"

#include <stdint.h>

struct store;

/* What the page reads from the configuration; config_web() fills it. */
struct web_cfg {
	char listen[64];         /* web.listen, "ADDRESS:PORT" */
	char hosts[512];         /* web.hosts: more Host names the page answers to */
	int session_min;         /* web.session_min */
	int report_wait_s;       /* sms.report_timeout_s: a sent SMS still in progress */
	char village[128];       /* gateway.village, in the page title */
	struct notice_cfg notice;/* new notices are planned as `loa notice` plans them */
	/* `loa web --hub` (web_hub.c): the pages across gateways instead of
	 * this gateway's own */
	int hub;                 /* 1: serve the hub's pages */
	char hub_url[512];       /* hub.url */
	char hub_credentials[4096]; /* hub.credentials ("" none) */
	int hub_sync_s;          /* hub.sync_s: a gateway not heard from for twice this is stale */
};

struct hub;
struct web_app {
	struct store *st;        /* with --hub too: the users, sessions, API tokens and the log */
	struct web_cfg cfg;
	struct hub *hub;         /* --hub: the hub's PostgreSQL (NULL while down; web_hub.c reconnects) */
};

struct web_request {
	const char *method;        /* "GET", "HEAD" or "POST" (web.c refuses others) */
	const char *path;          /* decoded */
	struct web_form query;     /* decoded query string */
	struct web_form form;      /* decoded POST body */
	const struct web_file *file; /* an uploaded file (WEB_UPLOAD_PATH), or NULL */
	const char *cookie;        /* raw Cookie header, or NULL */
	const char *addr;          /* client address, for the rate limiter */
	const char *authorization; /* raw Authorization header (the API, web_api.c), or NULL */
	const char *body;          /* the raw body of an API POST (JSON, not parsed into form), or NULL */
	size_t body_len;
};

/* A body made while it is sent, for downloads too large to hold (a notice
 * log of 200,000 deliveries): web.c asks `read` for the next bytes until
 * it returns 0 (the end) or -1 (an error: the connection is cut, so the
 * client sees an incomplete download, never a truncated file that looks
 * whole), and calls `done` exactly once, also when the client went away
 * or the reply was never sent.  `read` runs on the thread that handles
 * requests (web.c), so it may use the store; it must return at least one
 * byte unless at the end, and must not keep a statement open between
 * calls (each call reads its own chunk). */
struct web_stream {
	long (*read)(void *ctx, char *buf, size_t max);
	void (*done)(void *ctx);
	void *ctx;
	int64_t size;              /* the length when known, else -1 */
};

#define WEB_MAX_COOKIES 2
struct web_reply {
	int status;
	const char *type;          /* Content-Type */
	struct sbuf body;
	char location[160];        /* 303 target; 201 (the API): the new resource */
	char cookies[WEB_MAX_COOKIES][200];
	int ncookies;
	char filename[80];         /* set: a download (Content-Disposition) */
	const char *allow;         /* 405: the methods allowed */
	int64_t delay_ms;          /* hold the answer this long (login limiter) */
	int64_t retry_after_s;     /* 429 */
	const char *www_authenticate; /* 401 (the API): WWW-Authenticate */
	struct web_stream stream;  /* .read set: the body comes from it, not `body` */
};

/* The one page that takes multipart/form-data (web.c lets nothing else). */
#define WEB_UPLOAD_PATH "/households/upload"

#define WEB_COOKIE_SESSION "loa_session"
#define WEB_COOKIE_LOGIN "loa_login"

void web_page_reply_init(struct web_reply *r);
/* Frees the body and ends a stream that was not handed on (its done). */
void web_page_reply_free(struct web_reply *r);
/* Reads a streamed body whole into r->body (tests, the benchmark): 0, or
 * -1 when the stream failed. */
int web_page_reply_collect(struct web_reply *r);
/* A small HTML page for an error status (the message is escaped). */
void web_page_error(struct web_reply *r, int status, const char *msg);
void web_page_handle(struct web_app *app, const struct web_request *rq, struct web_reply *rep);
#endif
