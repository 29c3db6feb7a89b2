/* web_page — see web_page.h: the route table and the gate, login and
 * logout, the reply and error pages and the helpers the page files share
 * (web_page_int.h); the pages themselves are in web_notice.c, web_draft.c,
 * web_report.c, web_visit.c, web_household.c, web_admin.c and web_upload.c.
 *
 * DESIGN: one route table (path, method, needs a session, handler).  The
 * gate runs before any handler: no live session means a redirect to the
 * login page for GET and 403 for POST, so no handler can forget it; every
 * POST must carry the CSRF token of its session.  `loa web --hub` routes
 * through a second table (hub_routes: web_hub.c's pages) behind the same
 * gate, and shows no daemon banner.  /api/ goes to web_api.c
 * before the gate: tokens, not cookies, so no CSRF.  Handlers write HTML only
 * through web_html_out / web_html_esc. */
#include "web/web_page.h"
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "domain/headnotice.h"
#include "db/store.h"
#include "db/store_health.h"
#include "domain/cause.h"
#include "domain/notice.h"
#include "domain/timesync.h"
#include "web/web_api.h"
#include "web/web_html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_CSV "text/csv; charset=utf-8"

void web_page_reply_init(struct web_reply *r)
{
	memset(r, 0, sizeof *r);
	sbuf_init(&r->body);
	r->status = 200;
	r->type = TYPE_HTML;
}

void web_page_reply_free(struct web_reply *r)
{
	sbuf_free(&r->body);
	if (r->stream.done)
		r->stream.done(r->stream.ctx);
	memset(&r->stream, 0, sizeof r->stream);
}

int web_page_reply_collect(struct web_reply *r)
{
	int rc = 0;
	if (!r->stream.read)
		return 0;
	char buf[16384];
	long n;
	while ((n = r->stream.read(r->stream.ctx, buf, sizeof buf)) > 0)
		sbuf_addn(&r->body, buf, (size_t)n);
	if (n < 0)
		rc = -1;
	if (r->stream.done)
		r->stream.done(r->stream.ctx);
	memset(&r->stream, 0, sizeof r->stream);
	return rc;
}

static const char *status_text(int status)
{
	switch (status) {
	case 400: return "Yêu cầu không hợp lệ";
	case 403: return "Không được phép";
	case 404: return "Không tìm thấy";
	case 405: return "Phương thức không được hỗ trợ";
	case 413: return "Dữ liệu gửi lên quá lớn";
	case 421: return "Sai địa chỉ trang";
	case 429: return "Quá nhiều lần thử";
	case 431: return "Tiêu đề yêu cầu quá lớn";
	default: return status >= 500 ? "Lỗi máy chủ" : "Lỗi";
	}
}

void web_page_error(struct web_reply *r, int status, const char *msg)
{
	sbuf_reset(&r->body);
	if (r->stream.done)
		r->stream.done(r->stream.ctx);
	memset(&r->stream, 0, sizeof r->stream);
	r->status = status;
	r->type = TYPE_HTML;
	r->filename[0] = '\0';
	web_html_head(&r->body, status_text(status), NULL, NULL);
	web_html_out(&r->body, "<h1>%d — %s</h1><p>%s</p><p><a href=\"/\">Về trang chính</a></p>", status,
		     status_text(status), msg ? msg : "");
	web_html_foot(&r->body);
}

static void add_cookie(struct web_reply *r, const char *fmt, const char *name, const char *value, long max_age)
{
	if (r->ncookies >= WEB_MAX_COOKIES)
		return;
	snprintf(r->cookies[r->ncookies++], sizeof r->cookies[0], fmt, name, value, max_age);
}

void web_page_redirect(struct web_reply *r, const char *to)
{
	r->status = 303;
	snprintf(r->location, sizeof r->location, "%s", to);
	sbuf_reset(&r->body);
}

void web_page_db_error(struct web_page *p)
{
	LOG_E("web", "%s %s: %s", p->rq->method, p->rq->path, store_errmsg(p->st));
	web_page_error(p->rep, 500, "Lỗi cơ sở dữ liệu; xem nhật ký của Loa.");
}

int web_page_query_id(struct web_page *p, const char *key, int64_t *id)
{
	if (web_req_id(web_req_form_get(&p->rq->query, key), id) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return -1;
	}
	return 0;
}

FILE *web_page_csv_begin(struct web_page *p, struct web_page_csv *c, const char *filename)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	p->rep->type = TYPE_CSV;
	snprintf(p->rep->filename, sizeof p->rep->filename, "%s", filename);
	return c->f;
}

void web_page_csv_end(struct web_page *p, struct web_page_csv *c, int rc)
{
	fclose(c->f);
	if (rc == STORE_OK) {
		sbuf_addn(&p->rep->body, c->buf, c->len);
	} else if (rc == STORE_NOTFOUND) {
		web_page_error(p->rep, 404, "Không có dữ liệu này.");
	} else {
		web_page_db_error(p);
	}
	free(c->buf);
}

void web_page_phone_cell(struct sbuf *b, const char *e164)
{
	char nat[24];
	phone_national(e164, nat, sizeof nat);
	web_html_out(b, "<td>%s</td>", nat);
}

void web_page_row_phone_cell(struct sbuf *b, const struct report_row *r, int unreached)
{
	char nat[24];
	phone_national(r->phone, nat, sizeof nat);
	if (unreached && r->phone2[0]) {
		char nat2[24];
		phone_national(r->phone2, nat2, sizeof nat2);
		web_html_out(b, "<td>%s<br>số 2: %s</td>", nat, nat2);
	} else if (!unreached && r->phone_idx) {
		web_html_out(b, "<td>%s (số 2)</td>", nat);
	} else {
		web_html_out(b, "<td>%s</td>", nat);
	}
}

/* "failed,queued" -> "lỗi, chờ gửi" */
void web_page_states_cell(struct sbuf *b, const char *states)
{
	char *copy = xstrdup(states), *save = NULL;
	int i = 0;
	sbuf_add(b, "<td>");
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save))
		web_html_out(b, "%s%s", i++ ? ", " : "", web_html_state(s));
	sbuf_add(b, "</td>");
	free(copy);
}

/* Why, in officers' words (domain/cause.h); with details, a second cell
 * with the raw cause the gateway recorded. */
void web_page_cause_cells(struct sbuf *b, const char *states, const char *raw, int details)
{
	char words[512];
	cause_words(states, raw, CAUSE_VI, words, sizeof words);
	web_html_out(b, "<td>%s</td>", words);
	if (details)
		web_html_out(b, "<td class=\"muted\">%s</td>", raw);
}

/* Who created a notice: "cli" -> "dòng lệnh", "web:an" -> "an", "api:x" -> "API x",
 * "sms:+84912345678" -> "SMS từ 0912345678"; anything else as is. */
const char *web_page_source(const char *source, char *buf, size_t len)
{
	if (!strcmp(source, "cli"))
		snprintf(buf, len, "dòng lệnh");
	else if (!strncmp(source, "web:", 4))
		snprintf(buf, len, "%s", source + 4);
	else if (!strncmp(source, "api:", 4))
		snprintf(buf, len, "API %s", source + 4);
	else if (!strncmp(source, "sms:", 4)) {
		char nat[24];
		phone_national(source + 4, nat, sizeof nat);
		snprintf(buf, len, "SMS từ %s", nat);
	} else if (!strncmp(source, HEADNOTICE_SOURCE, strlen(HEADNOTICE_SOURCE))) {
		char nat[24];
		phone_national(source + strlen(HEADNOTICE_SOURCE), nat, sizeof nat);
		snprintf(buf, len, HEADNOTICE_SOURCE_VI " (%s)", nat);
	} else
		snprintf(buf, len, "%s", source);
	return buf;
}

/* A store lookup's answer as a page: 404 with `missing`, or the database
 * error page; 0 when found. */
int web_page_loaded(struct web_page *p, int rc, const char *missing)
{
	if (rc == STORE_NOTFOUND) {
		web_page_error(p->rep, 404, missing);
		return -1;
	}
	if (rc != STORE_OK) {
		web_page_db_error(p);
		return -1;
	}
	return 0;
}

int web_page_get_notice_id(struct web_page *p, int64_t id, struct notice *n)
{
	return web_page_loaded(p, store_notice_get(p->st, id, n), "Không có thông báo này.");
}

int web_page_get_notice(struct web_page *p, struct notice *n, int64_t *id)
{
	if (web_page_query_id(p, "id", id) != 0)
		return -1;
	return web_page_get_notice_id(p, *id, n);
}

int web_page_number(struct web_page *p, int *page)
{
	const char *v = web_req_form_get(&p->rq->query, "page");
	long n = 1;
	if (v && *v && util_parse_long(v, 1, 1000000L, &n) != 0) {
		web_page_error(p->rep, 400, "Số trang không hợp lệ (page).");
		return -1;
	}
	*page = (int)n;
	return 0;
}

static void page_link(struct sbuf *b, const char *base, int n, const char *text, int current)
{
	if (current) {
		web_html_out(b, "<b aria-current=\"page\">%s</b>", text);
		return;
	}
	sbuf_printf(b, "<a href=\"%s%spage=%d\">", base, strchr(base, '?') ? "&amp;" : "?", n);
	web_html_esc(b, text);
	sbuf_add(b, "</a>");
}

void web_page_pager(struct sbuf *b, const char *base, int page, int pages)
{
	if (pages <= 1)
		return;
	char t[24];
	sbuf_add(b, "<nav class=\"pages noprint\" aria-label=\"Trang\">");
	if (page > 1)
		page_link(b, base, page - 1, "‹ Trước", 0);
	int last = 0;
	for (int i = 1; i <= pages; i++) {
		if (i != 1 && i != pages && (i < page - 2 || i > page + 2))
			continue;
		if (last && i > last + 1)
			sbuf_add(b, "<span>…</span>");
		snprintf(t, sizeof t, "%d", i);
		page_link(b, base, i, t, i == page);
		last = i;
	}
	if (page < pages)
		page_link(b, base, page + 1, "Sau ›", 0);
	sbuf_add(b, "</nav>");
}

/* ---- login / logout ---- */

static void login_form(struct web_page *p, const char *login_token, const char *user, const char *msg)
{
	char csrf[WEB_HEX_LEN + 1];
	web_auth_csrf(login_token, csrf);
	struct sbuf *b = p->b;
	web_html_head(b, "Đăng nhập", NULL, NULL);
	web_html_out(b, "<h1>Loa — %s</h1>", p->app->cfg.village[0] ? p->app->cfg.village : "Đăng nhập");
	if (msg)
		web_html_out(b, "<p class=\"err\">%s</p>", msg);
	sbuf_add(b, "<form method=\"post\" action=\"/login\">");
	web_html_csrf(b, csrf);
	web_html_out(b,
		     "<label>Tên đăng nhập<br><input name=\"user\" value=\"%s\" autocomplete=\"username\" "
		     "required maxlength=\"32\"></label>"
		     "<label>Mật khẩu<br><input type=\"password\" name=\"password\" autocomplete=\"current-password\" "
		     "required maxlength=\"256\"></label>"
		     "<p><button class=\"btn\" type=\"submit\">Đăng nhập</button></p></form>",
		     user ? user : "");
	web_html_foot(b);
}

static const char session_cookie_fmt[] = "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld";
static const char login_cookie_fmt[] = "%s=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=%ld";

/* The pre-login token: the cookie's if valid, else a new one. */
static void login_token(struct web_page *p, char tok[WEB_TOKEN_LEN + 1])
{
	if (web_req_cookie(p->rq->cookie, WEB_COOKIE_LOGIN, tok, WEB_TOKEN_LEN + 1) == 0 && web_auth_token_ok(tok))
		return;
	web_auth_new_token(tok);
	add_cookie(p->rep, login_cookie_fmt, WEB_COOKIE_LOGIN, tok, 3600);
}

static void page_login(struct web_page *p)
{
	if (p->user) {
		web_page_redirect(p->rep, "/");
		return;
	}
	char tok[WEB_TOKEN_LEN + 1];
	login_token(p, tok);
	login_form(p, tok, NULL, NULL);
}

static void post_login(struct web_page *p)
{
	char tok[WEB_TOKEN_LEN + 1];
	if (web_req_cookie(p->rq->cookie, WEB_COOKIE_LOGIN, tok, sizeof tok) != 0 ||
	    !web_auth_csrf_ok(tok, web_req_form_get(&p->rq->form, "csrf"))) {
		web_page_error(p->rep, 403, "Thiếu mã bảo vệ biểu mẫu (CSRF). Hãy tải lại trang đăng nhập.");
		return;
	}
	const char *user = web_req_form_get(&p->rq->form, "user");
	const char *pw = web_req_form_get(&p->rq->form, "password");
	if (!user || !pw || strlen(user) > 64 || strlen(pw) > WEB_PASSWORD_MAX) {
		p->rep->status = 400;
		login_form(p, tok, NULL, "Hãy nhập tên đăng nhập và mật khẩu.");
		return;
	}
	struct web_login_result r;
	switch (web_auth_login(p->st, p->app->cfg.session_min, user, pw, p->rq->addr, &r)) {
	case WEB_LOGIN_OK:
		add_cookie(p->rep, session_cookie_fmt, WEB_COOKIE_SESSION, r.token,
			   (long)p->app->cfg.session_min * 60);
		add_cookie(p->rep, login_cookie_fmt, WEB_COOKIE_LOGIN, "", 0);
		web_page_redirect(p->rep, "/");
		p->rep->delay_ms = r.hold_ms; /* while many addresses guess: slowed, not refused */
		return;
	case WEB_LOGIN_BAD:
		p->rep->status = 403;
		p->rep->delay_ms = r.hold_ms;
		login_form(p, tok, user, "Sai tên đăng nhập hoặc mật khẩu.");
		return;
	case WEB_LOGIN_LIMITED: {
		char msg[160];
		p->rep->retry_after_s = (r.wait_ms + 999) / 1000;
		snprintf(msg, sizeof msg, "Quá nhiều lần đăng nhập sai. Hãy thử lại sau %lld giây.",
			 (long long)p->rep->retry_after_s);
		web_page_error(p->rep, 429, msg);
		return;
	}
	default:
		web_page_db_error(p);
	}
}

static void post_logout(struct web_page *p)
{
	web_auth_logout(p->st, p->token);
	add_cookie(p->rep, session_cookie_fmt, WEB_COOKIE_SESSION, "", 0);
	web_page_redirect(p->rep, "/login");
}

/* ---- routing and the gate ---- */

enum { M_GET = 1, M_POST = 2 };

static const struct route {
	const char *path;
	int method;
	int session;          /* 1: needs a live session */
	void (*fn)(struct web_page *p);
} routes[] = {
	{ "/login", M_GET, 0, page_login },
	{ "/login", M_POST, 0, post_login },
	{ "/logout", M_POST, 1, post_logout },
	{ "/", M_GET, 1, web_notice_list },
	{ "/notices.csv", M_GET, 1, web_notice_list_csv },
	{ "/notice", M_GET, 1, web_notice_page },
	{ "/notice.csv", M_GET, 1, web_export_notice_csv },
	{ "/notice.wav", M_GET, 1, web_notice_audio },
	{ "/notice.xlsx", M_GET, 1, web_export_notice_xlsx },
	{ "/households.csv", M_GET, 1, web_export_households_csv },
	{ "/households.xlsx", M_GET, 1, web_export_households_xlsx },
	{ "/notice/cancel", M_POST, 1, web_notice_cancel },
	{ "/notice/resend", M_POST, 1, web_notice_resend },
	{ "/unreached", M_GET, 1, web_visit_list },
	{ "/unreached.csv", M_GET, 1, web_export_visit_csv },
	{ "/unreached.xlsx", M_GET, 1, web_export_visit_xlsx },
	{ "/visit", M_POST, 1, web_visit_mark },
	{ "/visit/undo", M_POST, 1, web_visit_undo },
	{ "/household", M_GET, 1, web_report_household },
	{ "/household.csv", M_GET, 1, web_report_household_csv },
	{ "/new", M_GET, 1, web_draft_form },
	{ "/new", M_POST, 1, web_draft_form },
	{ "/new/preview", M_POST, 1, web_draft_preview },
	{ "/new/create", M_POST, 1, web_draft_create },
	{ "/modems", M_GET, 1, web_report_modems },
	{ "/modems.csv", M_GET, 1, web_report_modems_csv },
	{ "/inbox", M_GET, 1, web_report_inbox },
	{ "/inbox.csv", M_GET, 1, web_report_inbox_csv },
	{ "/outbox.csv", M_GET, 1, web_report_outbox_csv },
	{ "/households", M_GET, 1, web_household_list },
	{ "/household/new", M_GET, 1, web_household_new },
	{ "/household/new", M_POST, 1, web_household_new },
	{ "/household/edit", M_GET, 1, web_household_edit },
	{ "/household/edit", M_POST, 1, web_household_edit },
	{ "/groups", M_GET, 1, web_admin_groups },
	{ "/group/rename", M_POST, 1, web_admin_group_rename },
	{ "/senders", M_GET, 1, web_admin_senders },
	{ "/sender/add", M_POST, 1, web_admin_sender_add },
	{ "/sender/remove", M_POST, 1, web_admin_sender_remove },
	{ "/sender/unlock", M_POST, 1, web_admin_sender_unlock },
	{ "/templates", M_GET, 1, web_admin_templates },
	{ "/template/add", M_POST, 1, web_admin_template_add },
	{ "/template/remove", M_POST, 1, web_admin_template_remove },
	{ WEB_UPLOAD_PATH, M_GET, 1, web_upload_form },
	{ WEB_UPLOAD_PATH, M_POST, 1, web_upload_preview },
	{ WEB_UPLOAD_PATH "/confirm", M_POST, 1, web_upload_confirm },
	{ WEB_UPLOAD_PATH "/cancel", M_POST, 1, web_upload_cancel },
};

/* `loa web --hub` (web_hub.c): the pages across gateways; the gateway's
 * own pages are not served there. */
static const struct route hub_routes[] = {
	{ "/login", M_GET, 0, page_login },
	{ "/login", M_POST, 0, post_login },
	{ "/logout", M_POST, 1, post_logout },
	{ "/", M_GET, 1, web_hub_gateways },
	{ "/hub/notices", M_GET, 1, web_hub_notices },
	{ "/hub/notice", M_GET, 1, web_hub_notice },
	{ "/hub/new", M_GET, 1, web_hub_new },
	{ "/hub/new", M_POST, 1, web_hub_new },
	{ "/hub/new/preview", M_POST, 1, web_hub_preview },
	{ "/hub/new/create", M_POST, 1, web_hub_create },
	{ "/hub/notice/cancel", M_POST, 1, web_hub_cancel },
};

/* ---- the banner: what is wrong with Loa right now ---- */

/* The daemon beats every 30 s; three missed beats is "not running". */
enum { HEARTBEAT_STALE_S = 90 };

static int banner_problem(const char *key, const char *text, int64_t since, void *arg)
{
	(void)key;
	struct sbuf *b = arg;
	char when[32];
	clock_format_local(since, when, sizeof when);
	web_html_out(b, "<p class=\"alert\">%s <small>(từ %s)</small></p>", text, when);
	return 0;
}

/* Every logged-in HTML page starts with a red line per open problem and
 * one when the daemon is not running, right after the page's <main>.  A
 * database error leaves the page as it is (the page itself reports it). */
static void banner(struct web_page *p)
{
	char *main_at = p->b->s ? strstr(p->b->s, "<main>") : NULL;
	if (!main_at)
		return;
	struct sbuf extra;
	sbuf_init(&extra);
	struct daemon_health dh;
	int64_t now = clock_wall_s();
	if (store_health_daemon(p->st, &dh) == STORE_OK) {
		if (!dh.known) {
			web_html_out(&extra, "<p class=\"alert\">Loa chưa chạy lần nào (dịch vụ <code>loa run</code>)."
					     "</p>");
		} else if (dh.stopped_at || dh.heartbeat_at + HEARTBEAT_STALE_S < now) {
			char when[32];
			clock_format_local(dh.stopped_at ? dh.stopped_at : dh.heartbeat_at, when, sizeof when);
			web_html_out(&extra, "<p class=\"alert\">Loa không chạy từ %s: tin nhắn và cuộc gọi đang chờ.</p>",
				     when);
		}
	}
	if (store_problem_each(p->st, banner_problem, &extra) != STORE_OK || !extra.len) {
		sbuf_free(&extra);
		return;
	}
	size_t at = (size_t)(main_at - p->b->s) + strlen("<main>");
	struct sbuf out;
	sbuf_init(&out);
	sbuf_addn(&out, p->b->s, at);
	sbuf_addn(&out, extra.s, extra.len);
	sbuf_addn(&out, p->b->s + at, p->b->len - at);
	sbuf_free(p->b);
	*p->b = out;
	sbuf_free(&extra);
}

void web_page_handle(struct web_app *app, const struct web_request *rq, struct web_reply *rep)
{
	struct web_page p;
	memset(&p, 0, sizeof p);
	p.app = app;
	p.st = app->st;
	p.rq = rq;
	p.rep = rep;
	p.b = &rep->body;
	if (web_api_path(rq->path)) {
		/* tokens, not cookies, and JSON: before the session gate (web_api.h) */
		timesync_from_daemon(p.st);
		web_api_handle(app, rq, rep);
		return;
	}
	int method = strcmp(rq->method, "POST") == 0 ? M_POST
		     : (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) ? M_GET : 0;
	if (!method) {
		rep->allow = "GET, HEAD, POST";
		web_page_error(rep, 405, "Chỉ nhận GET, HEAD và POST.");
		return;
	}
	timesync_from_daemon(p.st); /* the page's times agree with the daemon's */
	struct store_web_session sess;
	if (web_req_cookie(rq->cookie, WEB_COOKIE_SESSION, p.token, sizeof p.token) == 0) {
		int rc = web_auth_session(p.st, p.token, &sess);
		if (rc == STORE_OK) {
			p.user = sess.user;
			web_auth_csrf(p.token, p.csrf);
		} else if (rc != STORE_NOTFOUND) {
			web_page_db_error(&p);
			return;
		}
	}
	const struct route *hit = NULL, *table = app->cfg.hub ? hub_routes : routes;
	size_t ntable = app->cfg.hub ? ARRAY_LEN(hub_routes) : ARRAY_LEN(routes);
	int path_known = 0, allowed = 0;
	for (size_t i = 0; i < ntable; i++) {
		if (strcmp(table[i].path, rq->path) != 0)
			continue;
		path_known = 1;
		allowed |= table[i].method;
		if (table[i].method == method)
			hit = &table[i];
	}
	int needs_session = !hit || hit->session;
	if (needs_session && !p.user) {
		if (method == M_GET)
			web_page_redirect(rep, "/login");
		else
			web_page_error(rep, 403, "Cần đăng nhập.");
		return;
	}
	if (!path_known) {
		web_page_error(rep, 404, "Không có trang này.");
		return;
	}
	if (!hit) {
		rep->allow = allowed == M_POST ? "POST" : allowed == M_GET ? "GET, HEAD" : "GET, HEAD, POST";
		web_page_error(rep, 405, "Trang này không nhận phương thức đó.");
		return;
	}
	if (method == M_POST && hit->session && !web_auth_csrf_ok(p.token, web_req_form_get(&rq->form, "csrf"))) {
		LOG_W("web", "POST %s by %s from %s: missing or wrong CSRF token", rq->path, p.user,
		      rq->addr ? rq->addr : "?");
		web_page_error(rep, 403, "Thiếu hoặc sai mã bảo vệ biểu mẫu (CSRF). Hãy tải lại trang và thử lại.");
		return;
	}
	hit->fn(&p);
	if (p.user && rep->status == 200 && !rep->filename[0] && !app->cfg.hub)
		banner(&p); /* the hub box runs no daemon of its own: its page says each gateway's health */
}
