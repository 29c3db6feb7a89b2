/* web — see web.h.
 *
 * DESIGN: one libmicrohttpd daemon in MHD_USE_INTERNAL_POLLING_THREAD mode
 * without thread-per-connection: every request is handled on that single
 * thread, which owns the page's one SQLite connection (opened by web_start,
 * used by nobody else), so no locking is needed and the store API stays
 * single-threaded as it is everywhere else.  The office has a handful of
 * officers; a page is a few queries (milliseconds) and the slowest step,
 * an argon2id check at login, takes about 0.1 s.  The deliberate delay of
 * a failed login must not stall everyone else, so that connection is
 * suspended (MHD_suspend_connection) and a small timer thread resumes it
 * when the delay is over; the reply is then sent from the MHD thread.  The
 * timer thread touches no store and no page state.
 *
 * Slow clients (slowloris): libmicrohttpd's timeout only counts silence, so
 * a client sending a byte every few seconds would hold its connection for
 * ever.  Each connection therefore has a socket context (struct sock, made
 * and freed in the notify-connection callback) with the time its current
 * request began: when the connection opened, or when its previous answer
 * was sent.  A request not read whole within WEB_REQUEST_DEADLINE_MS is
 * ended by the timer thread, which shuts its socket down (libmicrohttpd
 * then sees the end of the stream and closes it).  The socks are under
 * srv.mu, and libmicrohttpd sends the CLOSED notification, which unlinks
 * one, before it closes the descriptor, so the timer never shuts down a
 * descriptor already given to another connection.  At most
 * WEB_CONN_PER_ADDR connections per client address and WEB_CONN_MAX in all.
 *
 * Requests are checked before any page code runs: the Host header must
 * name this page (421 otherwise: DNS rebinding, see web_req_host_ok; 400
 * when absent), only GET, HEAD and POST
 * (405), a body larger than WEB_BODY_MAX (413, refused from Content-Length
 * before reading it when given), POST bodies only as
 * application/x-www-form-urlencoded (415) — except the household upload
 * (WEB_UPLOAD_PATH), which takes multipart/form-data up to
 * WEB_MULTIPART_MAX, only from a live session (403 before any byte of the
 * body is read), at most WEB_UPLOADS_AT_ONCE at a time (503), with
 * WEB_UPLOAD_DEADLINE_MS to arrive — the raw request target parsed
 * strictly by web_req (400 on a bad escape); under /api/ (web_api.h)
 * POST bodies only as application/json up to WEB_API_BODY_MAX, handed raw
 * with the Authorization header, and every refusal answered in JSON and
 * logged; headers larger than the
 * connection memory (431, by libmicrohttpd).  Every answer carries the
 * security headers.
 *
 * Large downloads are streamed (struct web_stream, web_page.h): the reply
 * is a libmicrohttpd callback response that asks the page code for the
 * next bytes on this same thread, so it may read the store, and frees the
 * stream's context when the response goes, the download finished or not. */
#include "web/web.h"
#include "web/web_hub.h"

#include "db/store.h"
#include "db/store_web.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "web/web_api.h"
#include "web/web_auth.h"
#include "web/web_html.h"
#include "web/web_page.h"
#include "web/web_req.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

struct conn {
	char *uri;                 /* raw request target */
	struct sbuf body;
	int started, too_big;
	size_t body_max;           /* WEB_BODY_MAX, or WEB_MULTIPART_MAX for an upload */
	int uploading;             /* counted in srv.uploads */
	int api;                   /* under /api/ (web_api.c): JSON errors, a raw JSON body */
	const char *method;        /* libmicrohttpd's, valid for the request */
	char boundary[80];         /* multipart/form-data: its boundary, else "" */
	int state;                 /* 0 handling, 1 suspended, 2 resumed: send rep */
	struct web_reply rep;
	int64_t wake_ms;
	struct MHD_Connection *mc;
	struct conn *next;         /* the delay queue */
};

/* One per TCP connection (libmicrohttpd's socket context). */
struct sock {
	int fd;
	int64_t start_ms;          /* mono: when the current request began */
	int answering;             /* read whole: being answered, no deadline */
	int upload;                /* the current request is an upload: the longer deadline */
	int shut;                  /* past the deadline, shut down */
	char local[64];            /* the address the client reached */
	struct sock *prev, *next;
};

static struct server {
	struct MHD_Daemon *d;
	struct web_app app;
	int port;
	char listen_host[64];      /* [web] listen without the port */
	pthread_t timer;
	int timer_running;
	pthread_mutex_t mu;        /* delayed, socks and every sock's times */
	pthread_cond_t cv;
	struct conn *delayed;
	struct sock *socks;
	int stop;
	int uploads;               /* upload bodies being read (the MHD thread's) */
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

int web_parse_listen(const char *s, struct sockaddr_storage *ss, unsigned *len)
{
	char host[64], port[8];
	const char *colon;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof host || colon == s)
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	long p;
	if (util_parse_long(colon + 1, 0, 65535, &p) != 0)
		return -1;
	snprintf(port, sizeof port, "%ld", p);
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = (unsigned)ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* A socket address as text; an IPv4-mapped IPv6 address as plain IPv4. */
static void addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, (socklen_t)len);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, &a6->s6_addr[12], buf, (socklen_t)len);
		else
			inet_ntop(AF_INET6, a6, buf, (socklen_t)len);
	}
}

static void client_addr(struct MHD_Connection *mc, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	addr_text(ci ? ci->client_addr : NULL, buf, len);
}

static struct sock *sock_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* The request is read whole and about to be answered: its deadline is off
 * until the answer is sent (on_done starts the next request's). */
static void sock_answering(struct MHD_Connection *mc)
{
	struct sock *k = sock_of(mc);
	if (!k)
		return;
	pthread_mutex_lock(&srv.mu);
	k->answering = 1;
	pthread_mutex_unlock(&srv.mu);
}

/* A streamed body (struct web_stream): libmicrohttpd calls these on its
 * one thread, the thread that owns the store, as the client takes the
 * bytes; stream_done runs when the response is destroyed, whether the
 * download finished or the client went away. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct web_stream *s = cls;
	long n = s->read(s->ctx, buf, max);
	if (n > 0)
		return (ssize_t)n;
	if (n < 0)
		LOG_W("web", "a download failed while being sent; the connection is cut");
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void stream_done(void *cls)
{
	struct web_stream *s = cls;
	if (s->done)
		s->done(s->ctx);
	free(s);
}

static struct MHD_Response *stream_response(struct web_reply *rep)
{
	struct web_stream *s = xmalloc(sizeof *s);
	*s = rep->stream;
	memset(&rep->stream, 0, sizeof rep->stream); /* the response owns it now */
	struct MHD_Response *r = MHD_create_response_from_callback(
		s->size >= 0 ? (uint64_t)s->size : MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, s, stream_done);
	if (!r)
		stream_done(s);
	return r;
}

static enum MHD_Result send_reply(struct MHD_Connection *mc, struct web_reply *rep)
{
	sock_answering(mc);
	struct MHD_Response *r;
	if (rep->stream.read) {
		r = stream_response(rep);
		if (!r)
			return MHD_NO;
	} else {
		size_t len = rep->body.len;
		char *data = sbuf_take(&rep->body);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		if (!r) {
			free(data);
			return MHD_NO;
		}
	}
	MHD_add_response_header(r, "Content-Type", rep->type);
	MHD_add_response_header(r, "Content-Security-Policy", web_html_csp());
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if ((rep->status == 303 || rep->status == 201) && rep->location[0])
		MHD_add_response_header(r, "Location", rep->location);
	if (rep->www_authenticate)
		MHD_add_response_header(r, "WWW-Authenticate", rep->www_authenticate);
	for (int i = 0; i < rep->ncookies; i++)
		MHD_add_response_header(r, "Set-Cookie", rep->cookies[i]);
	if (rep->filename[0]) {
		char cd[128];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", rep->filename);
		MHD_add_response_header(r, "Content-Disposition", cd);
	}
	if (rep->allow)
		MHD_add_response_header(r, "Allow", rep->allow);
	if (rep->retry_after_s > 0) {
		char ra[24];
		snprintf(ra, sizeof ra, "%lld", (long long)rep->retry_after_s);
		MHD_add_response_header(r, "Retry-After", ra);
	}
	enum MHD_Result ok = MHD_queue_response(mc, (unsigned)rep->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result send_error(struct conn *c, struct MHD_Connection *mc, int status, const char *msg)
{
	if (c->api) {
		char from[64];
		client_addr(mc, from, sizeof from);
		web_api_refuse(&c->rep, status, c->method, c->uri, from);
	} else {
		web_page_error(&c->rep, status, msg);
	}
	if (status == 405)
		c->rep.allow = "GET, HEAD, POST";
	return send_reply(mc, &c->rep);
}

/* ---- the timer thread: held answers (logins) and request deadlines ---- */

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&srv.mu);
	while (!srv.stop || srv.delayed) {
		int64_t now = clock_mono_ms(), next = -1;
		for (struct sock *k = srv.socks; k && !srv.stop; k = k->next) {
			if (k->answering || k->shut)
				continue;
			int64_t due = k->start_ms + (k->upload ? WEB_UPLOAD_DEADLINE_MS : WEB_REQUEST_DEADLINE_MS);
			if (due <= now) {
				shutdown(k->fd, SHUT_RDWR);
				k->shut = 1;
				LOG_D("web", "a request not read whole within %d s: connection closed",
				      WEB_REQUEST_DEADLINE_MS / 1000);
			} else if (next < 0 || due < next) {
				next = due;
			}
		}
		for (struct conn **pp = &srv.delayed; *pp;) {
			struct conn *c = *pp;
			if (srv.stop || c->wake_ms <= now) {
				*pp = c->next;
				c->state = 2;
				MHD_resume_connection(c->mc);
				continue;
			}
			if (next < 0 || c->wake_ms < next)
				next = c->wake_ms;
			pp = &c->next;
		}
		if (srv.stop)
			break;
		if (next < 0) {
			pthread_cond_wait(&srv.cv, &srv.mu);
		} else {
			/* the condvar runs on CLOCK_MONOTONIC, the clock mono_ms reads */
			struct timespec ts = { (time_t)(next / 1000), (long)(next % 1000) * 1000000L };
			pthread_cond_timedwait(&srv.cv, &srv.mu, &ts);
		}
	}
	pthread_mutex_unlock(&srv.mu);
	return NULL;
}

static void delay_reply(struct conn *c, struct MHD_Connection *mc)
{
	sock_answering(mc);
	c->mc = mc;
	c->wake_ms = clock_mono_ms() + c->rep.delay_ms;
	c->state = 1;
	MHD_suspend_connection(mc);
	pthread_mutex_lock(&srv.mu);
	c->next = srv.delayed;
	srv.delayed = c;
	pthread_cond_signal(&srv.cv);
	pthread_mutex_unlock(&srv.mu);
}

/* ---- libmicrohttpd callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
	(void)cls, (void)mc;
	struct conn *c = xcalloc(1, sizeof *c);
	c->uri = xstrdup(uri ? uri : "");
	sbuf_init(&c->body);
	web_page_reply_init(&c->rep);
	return c;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		struct sock *k = xcalloc(1, sizeof *k);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		k->fd = ci ? ci->connect_fd : -1;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		if (k->fd >= 0 && getsockname(k->fd, (struct sockaddr *)&ss, &sl) == 0)
			addr_text((const struct sockaddr *)&ss, k->local, sizeof k->local);
		pthread_mutex_lock(&srv.mu);
		k->start_ms = clock_mono_ms();
		k->next = srv.socks;
		if (srv.socks)
			srv.socks->prev = k;
		srv.socks = k;
		pthread_cond_signal(&srv.cv);
		pthread_mutex_unlock(&srv.mu);
		*socket_context = k;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct sock *k = *socket_context;
		if (!k)
			return;
		pthread_mutex_lock(&srv.mu);
		if (k->prev)
			k->prev->next = k->next;
		else
			srv.socks = k->next;
		if (k->next)
			k->next->prev = k->prev;
		pthread_mutex_unlock(&srv.mu);
		free(k);
		*socket_context = NULL;
	}
}

static void on_done(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)toe;
	struct sock *k = sock_of(mc);
	if (k) {
		/* the next request on this connection starts its clock now */
		pthread_mutex_lock(&srv.mu);
		k->answering = 0;
		k->upload = 0;
		k->start_ms = clock_mono_ms();
		pthread_cond_signal(&srv.cv);
		pthread_mutex_unlock(&srv.mu);
	}
	struct conn *c = *con_cls;
	if (!c)
		return;
	if (c->uploading)
		srv.uploads--;
	free(c->uri);
	sbuf_free(&c->body);
	web_page_reply_free(&c->rep);
	free(c);
	*con_cls = NULL;
}

/* A multipart POST: only to the upload page, only from a live session,
 * only WEB_UPLOADS_AT_ONCE at a time.  -1 when it may go on (the body is
 * then read, up to WEB_MULTIPART_MAX), else the answer already queued. */
static int begin_upload(struct conn *c, struct MHD_Connection *mc)
{
	size_t plen = strcspn(c->uri, "?");
	if (plen != strlen(WEB_UPLOAD_PATH) || strncmp(c->uri, WEB_UPLOAD_PATH, plen) != 0)
		return send_error(c, mc, 415, "Chỉ nhận biểu mẫu (application/x-www-form-urlencoded).");
	const char *cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	char tok[WEB_TOKEN_LEN + 1];
	struct store_web_session sess;
	if (web_req_cookie(cookie, WEB_COOKIE_SESSION, tok, sizeof tok) != 0 ||
	    web_auth_session(srv.app.st, tok, &sess) != STORE_OK)
		return send_error(c, mc, 403, "Cần đăng nhập.");
	if (srv.uploads >= WEB_UPLOADS_AT_ONCE)
		return send_error(c, mc, 503, "Đang nhận tệp khác; hãy thử lại sau ít phút.");
	srv.uploads++;
	c->uploading = 1;
	c->body_max = WEB_MULTIPART_MAX;
	struct sock *k = sock_of(mc);
	if (k) {
		pthread_mutex_lock(&srv.mu);
		k->upload = 1;
		pthread_mutex_unlock(&srv.mu);
	}
	return -1;
}

static int is_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "POST") == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls, (void)url, (void)version;
	struct conn *c = *con_cls;
	if (!c)
		*con_cls = c = on_uri(NULL, url, mc);
	if (c->state == 2)
		return send_reply(mc, &c->rep);
	if (!c->started) {
		c->started = 1;
		c->method = method;
		c->api = web_api_path(c->uri);
		const char *host = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
		if (!host)
			return send_error(c, mc, 400, "Thiếu tiêu đề Host.");
		struct sock *k = sock_of(mc);
		if (!web_req_host_ok(host, srv.listen_host, k && k->local[0] ? k->local : NULL,
				     srv.app.cfg.hosts)) {
			char from[64];
			client_addr(mc, from, sizeof from);
			LOG_W("web", "%s from %s refused: Host '%.100s' is not a name of this page (see [web] hosts)",
			      method, from, host);
			return send_error(c, mc, 421,
					  "Trang này chỉ mở bằng địa chỉ đã khai báo cho Loa (mục [web] hosts).");
		}
		if (!is_method(method))
			return send_error(c, mc, 405, "Chỉ nhận GET, HEAD và POST.");
		c->body_max = c->api ? WEB_API_BODY_MAX : WEB_BODY_MAX;
		if (c->api && strcmp(method, "POST") == 0) {
			/* JSON only: a browser's cross-site form cannot send it */
			const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
			if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' '))
				return send_error(c, mc, 415, NULL);
		} else if (strcmp(method, "POST") == 0) {
			const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
			if (ct && web_req_boundary(ct, c->boundary, sizeof c->boundary) == 0) {
				int rc = begin_upload(c, mc);
				if (rc >= 0)
					return (enum MHD_Result)rc;
			} else if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
				return send_error(c, mc, 415, "Chỉ nhận biểu mẫu (application/x-www-form-urlencoded).");
			}
		}
		const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		long n = 0;
		if (cl && util_parse_long(cl, 0, (long)c->body_max, &n) != 0)
			return send_error(c, mc, 413, "Dữ liệu gửi lên quá lớn.");
		return MHD_YES;
	}
	if (*upload_size) {
		if (c->body.len + *upload_size > c->body_max)
			c->too_big = 1; /* keep reading and dropping; answered below */
		else
			sbuf_addn(&c->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->too_big)
		return send_error(c, mc, 413, "Dữ liệu gửi lên quá lớn.");
	struct web_request rq;
	memset(&rq, 0, sizeof rq);
	char *path = NULL, addr[64];
	if (web_req_split_uri(c->uri, &path, &rq.query) != 0)
		return send_error(c, mc, 400, "Địa chỉ trang không hợp lệ.");
	struct web_file file = { 0 };
	int form_rc = 0;
	/* an API body goes to web_api.c raw (JSON) */
	if (!c->api && strcmp(method, "POST") == 0 && c->boundary[0])
		form_rc = web_req_multipart(c->boundary, c->body.s ? c->body.s : "", c->body.len, &rq.form, &file);
	else if (!c->api && strcmp(method, "POST") == 0)
		form_rc = web_req_form_parse(c->body.s ? c->body.s : "", c->body.len, &rq.form);
	if (form_rc != 0) {
		free(path);
		web_req_form_free(&rq.query);
		return send_error(c, mc, 400, "Dữ liệu biểu mẫu không hợp lệ.");
	}
	if (c->api) {
		rq.body = c->body.s ? c->body.s : "";
		rq.body_len = c->body.len;
		rq.authorization = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	} else {
		sbuf_free(&c->body); /* an upload's bytes: the page keeps what it needs */
	}
	rq.file = file.data ? &file : NULL;
	client_addr(mc, addr, sizeof addr);
	rq.method = method;
	rq.path = path;
	rq.cookie = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
	rq.addr = addr;
	web_page_handle(&srv.app, &rq, &c->rep);
	LOG_D("web", "%s %s from %s: %d", method, path, addr, c->rep.status);
	free(path);
	web_req_form_free(&rq.query);
	web_req_form_free(&rq.form);
	web_req_file_free(&file);
	sbuf_free(&c->body);
	if (c->rep.delay_ms > 0) {
		delay_reply(c, mc);
		return MHD_YES;
	}
	return send_reply(mc, &c->rep);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[256];
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	LOG_D("web", "microhttpd: %s", line);
}

int web_start(const struct web_cfg *cfg, const char *store_path, char *err, size_t errlen)
{
	if (srv.d) {
		snprintf(err, errlen, "web: already running");
		return -1;
	}
	struct sockaddr_storage ss;
	unsigned sslen;
	if (web_parse_listen(cfg->listen, &ss, &sslen) != 0) {
		snprintf(err, errlen, "web.listen: '%s' is not ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)",
			 cfg->listen);
		return -1;
	}
	if (!web_req_hosts_valid(cfg->hosts)) {
		snprintf(err, errlen, "web.hosts: '%s' is not a comma list of host names or IP addresses", cfg->hosts);
		return -1;
	}
	const char *colon = cfg->listen[0] == '[' ? strchr(cfg->listen, ']') : strrchr(cfg->listen, ':');
	size_t hl = colon ? (size_t)(colon - cfg->listen) : 0;
	if (cfg->listen[0] == '[')
		hl++; /* keep the brackets: "[::1]" */
	snprintf(srv.listen_host, sizeof srv.listen_host, "%.*s", (int)hl, cfg->listen);
	memset(&srv.app, 0, sizeof srv.app);
	srv.app.cfg = *cfg;
	if (store_open(store_path, &srv.app.st, err, errlen) == STORE_OK)
		store_set_report_wait(srv.app.st, cfg->report_wait_s);
	else
		return -1;
	if (cfg->hub && web_hub_open(&srv.app, err, errlen) != 0) {
		store_close(srv.app.st);
		srv.app.st = NULL;
		return -1;
	}
	srv.stop = 0;
	srv.delayed = NULL;
	srv.socks = NULL;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv.cv, &ca);
	pthread_condattr_destroy(&ca);
	web_html_csp(); /* computed before two threads may want it */
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv.d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
				 MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&ss,
				 MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
				 MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
				 MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_CONN_MEMORY,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONN_MAX,
				 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONN_PER_ADDR,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_IDLE_TIMEOUT_S,
				 MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
				 MHD_OPTION_END);
	if (!srv.d) {
		snprintf(err, errlen, "web.listen: cannot listen on %s (%s)", cfg->listen,
			 errno ? strerror(errno) : "address in use or not local");
		web_hub_close(&srv.app);
		store_close(srv.app.st);
		srv.app.st = NULL;
		pthread_cond_destroy(&srv.cv);
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT);
	srv.port = di ? di->port : 0;
	if (pthread_create(&srv.timer, NULL, timer_main, NULL) == 0)
		srv.timer_running = 1;
	LOG_I("web", "serving the officers' page on %s (port %d)", cfg->listen, srv.port);
	return 0;
}

int web_port(void)
{
	return srv.port;
}

void web_stop(void)
{
	if (!srv.d)
		return;
	/* Suspended connections must be resumed before the daemon stops. */
	pthread_mutex_lock(&srv.mu);
	srv.stop = 1;
	pthread_cond_signal(&srv.cv);
	pthread_mutex_unlock(&srv.mu);
	if (srv.timer_running)
		pthread_join(srv.timer, NULL);
	srv.timer_running = 0;
	MHD_stop_daemon(srv.d);
	srv.d = NULL;
	pthread_cond_destroy(&srv.cv);
	web_hub_close(&srv.app);
	store_close(srv.app.st);
	srv.app.st = NULL;
}
