/* web_page — see web_page.h.
 *
 * DESIGN: one route table (path, method, needs a session, handler).  The
 * gate runs before any handler: no live session means a redirect to the
 * login page for GET and 403 for POST, so no handler can forget it; every
 * POST must carry the CSRF token of its session.  Handlers write HTML only
 * through web_html_out / web_html_esc. */
#include "gateway/web_page.h"

#include "db/channel.h"
#include "db/store.h"
#include "db/store_shortcode.h"
#include "db/store_web.h"
#include "app/cli.h"
#include "base/clock.h"
#include "gateway/household.h"
#include "base/log.h"
#include "gateway/notice.h"
#include "base/phone.h"
#include "gateway/report.h"
#include "gateway/shortcode.h"
#include "gateway/sheet.h"
#include "gateway/web_auth.h"
#include "gateway/web_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_CSV "text/csv; charset=utf-8"

struct page {
	struct web_app *app;
	struct store *st;
	const struct web_request *rq;
	struct web_reply *rep;
	const char *user;                 /* logged-in user, or NULL */
	char token[WEB_TOKEN_LEN + 1];    /* the session cookie */
	char csrf[WEB_HEX_LEN + 1];
	struct sbuf *b;
};

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

static void redirect(struct web_reply *r, const char *to)
{
	r->status = 303;
	snprintf(r->location, sizeof r->location, "%s", to);
	sbuf_reset(&r->body);
}

static void db_error(struct page *p)
{
	LOG_E("web", "%s %s: %s", p->rq->method, p->rq->path, store_errmsg(p->st));
	web_page_error(p->rep, 500, "Lỗi cơ sở dữ liệu; xem nhật ký của Loa.");
}

static int query_id(struct page *p, const char *key, int64_t *id)
{
	if (web_req_id(web_req_form_get(&p->rq->query, key), id) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return -1;
	}
	return 0;
}

/* Starts a CSV download: the body is written through a FILE*. */
struct csv_out {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *csv_begin(struct page *p, struct csv_out *c, const char *filename)
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

static void csv_end(struct page *p, struct csv_out *c, int rc)
{
	fclose(c->f);
	if (rc == STORE_OK) {
		sbuf_addn(&p->rep->body, c->buf, c->len);
	} else if (rc == STORE_NOTFOUND) {
		web_page_error(p->rep, 404, "Không có dữ liệu này.");
	} else {
		db_error(p);
	}
	free(c->buf);
}

/* ---- login / logout ---- */

static void login_form(struct page *p, const char *login_token, const char *user, const char *msg)
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
static void login_token(struct page *p, char tok[WEB_TOKEN_LEN + 1])
{
	if (web_req_cookie(p->rq->cookie, WEB_COOKIE_LOGIN, tok, WEB_TOKEN_LEN + 1) == 0 && web_auth_token_ok(tok))
		return;
	web_auth_new_token(tok);
	add_cookie(p->rep, login_cookie_fmt, WEB_COOKIE_LOGIN, tok, 3600);
}

static void page_login(struct page *p)
{
	if (p->user) {
		redirect(p->rep, "/");
		return;
	}
	char tok[WEB_TOKEN_LEN + 1];
	login_token(p, tok);
	login_form(p, tok, NULL, NULL);
}

static void post_login(struct page *p)
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
	switch (web_auth_login(p->st, p->app->cfg.web_session_min, user, pw, p->rq->addr, &r)) {
	case WEB_LOGIN_OK:
		add_cookie(p->rep, session_cookie_fmt, WEB_COOKIE_SESSION, r.token,
			   (long)p->app->cfg.web_session_min * 60);
		add_cookie(p->rep, login_cookie_fmt, WEB_COOKIE_LOGIN, "", 0);
		redirect(p->rep, "/");
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
		db_error(p);
	}
}

static void post_logout(struct page *p)
{
	web_auth_logout(p->st, p->token);
	add_cookie(p->rep, session_cookie_fmt, WEB_COOKIE_SESSION, "", 0);
	redirect(p->rep, "/login");
}

/* ---- progress per channel ---- */

struct chan {
	int total, reached, pending, failed, cancelled;
};
struct progress {
	struct chan sms, voice;
};

static int add_count(const struct report_count *c, void *arg)
{
	struct progress *pr = arg;
	struct chan *ch = strcmp(c->channel, "sms") == 0 ? &pr->sms : &pr->voice;
	ch->total += c->n;
	if (channel_state_reached(c->state))
		ch->reached += c->n;
	else if (strcmp(c->state, "cancelled") == 0)
		ch->cancelled += c->n; /* stopped on purpose: not a failure to reach */
	else
		ch->failed += c->n - c->pending;
	ch->pending += c->pending;
	return 0;
}

static void chan_cell(struct sbuf *b, const struct chan *c)
{
	if (!c->total) {
		sbuf_add(b, "<td class=\"muted\">—</td>");
		return;
	}
	web_html_out(b, "<td>%d/%d <progress value=\"%d\" max=\"%d\"></progress>", c->reached, c->total, c->reached,
		     c->total);
	if (c->pending)
		web_html_out(b, "<br><span class=\"muted\">%d đang gửi/chờ</span>", c->pending);
	if (c->failed)
		web_html_out(b, "<br><span class=\"bad\">%d không tới</span>", c->failed);
	if (c->cancelled)
		web_html_out(b, "<br><span class=\"muted\">%d đã hủy</span>", c->cancelled);
	sbuf_add(b, "</td>");
}

/* ---- notices list ---- */

struct list_ctx {
	struct page *p;
	FILE *csv;
	int n, rc;
};

static int notice_row(const struct notice *n, void *arg)
{
	struct list_ctx *l = arg;
	struct progress pr;
	memset(&pr, 0, sizeof pr);
	if (store_report_counts(l->p->st, n->id, add_count, &pr, clock_wall_s()) != STORE_OK) {
		l->rc = STORE_ERR;
		return 1;
	}
	l->n++;
	char when[32];
	clock_format_local(n->created_at, when, sizeof when);
	if (l->csv) {
		char id[24], st[4][16];
		snprintf(id, sizeof id, "%lld", (long long)n->id);
		snprintf(st[0], sizeof st[0], "%d", pr.sms.total);
		snprintf(st[1], sizeof st[1], "%d", pr.sms.reached);
		snprintf(st[2], sizeof st[2], "%d", pr.voice.total);
		snprintf(st[3], sizeof st[3], "%d", pr.voice.reached);
		const char *f[] = { id, when, n->targets, n->urgent ? "yes" : "no", n->state, n->source, n->text,
				    st[0], st[1], st[2], st[3] };
		sheet_write_row(l->csv, f, (int)ARRAY_LEN(f));
		return 0;
	}
	struct sbuf *b = l->p->b;
	sbuf_add(b, n->urgent ? "<tr class=\"urgent-row\">" : "<tr>");
	web_html_out(b, "<td><a href=\"/notice?id=%lld\">%lld</a></td><td>%s", (long long)n->id, (long long)n->id,
		     when);
	if (n->due_at > n->created_at) {
		sbuf_add(b, "<br><span class=\"muted\">gửi lúc ");
		web_html_time(b, n->due_at);
		sbuf_add(b, "</span>");
	}
	sbuf_add(b, "</td><td>");
	if (n->urgent)
		sbuf_add(b, "<span class=\"urgent\">KHẨN</span> ");
	web_html_out(b, "%s%s</td><td>%s", n->targets, strcmp(n->state, "cancelled") == 0 ? " (đã hủy)" : "", n->text);
	web_html_out(b, "<br><span class=\"muted\">%s</span></td>", n->source);
	chan_cell(b, &pr.sms);
	chan_cell(b, &pr.voice);
	sbuf_add(b, "</tr>");
	return 0;
}

static void page_notices(struct page *p)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Thông báo", p->user, p->csrf);
	sbuf_add(b, "<h1>Thông báo</h1><p class=\"links noprint\"><a href=\"/new\">+ Tạo thông báo</a>"
		    "<a href=\"/notices.csv\">Tải CSV</a></p>"
		    "<div class=\"wrap\"><table><tr><th>Số</th><th>Lúc tạo</th><th>Gửi tới</th><th>Nội dung</th>"
		    "<th>SMS đã nhận</th><th>Cuộc gọi đã nghe</th></tr>");
	struct list_ctx l = { p, NULL, 0, STORE_OK };
	int rc = store_notice_each(p->st, 200, notice_row, &l);
	if (rc != STORE_OK || l.rc != STORE_OK) {
		db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!l.n)
		sbuf_add(b, "<p>Chưa có thông báo nào.</p>");
	web_html_foot(b);
}

static void csv_notices(struct page *p)
{
	static const char *const cols[] = { "notice", "created", "targets", "urgent", "state", "source", "text",
					    "sms", "sms_reached", "voice", "voice_reached" };
	struct csv_out c;
	FILE *f = csv_begin(p, &c, "thong-bao.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct list_ctx l = { p, f, 0, STORE_OK };
	int rc = store_notice_each(p->st, 0, notice_row, &l);
	csv_end(p, &c, rc != STORE_OK ? rc : l.rc);
}

/* ---- one notice ---- */

struct svg_pt {
	int64_t at;
	int sms;   /* 1 sms, 0 voice */
};
struct svg_ctx {
	struct svg_pt *pts;
	int n, cap;
};

static int svg_add(const char *channel, int64_t at, void *arg)
{
	struct svg_ctx *s = arg;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->pts = xrealloc(s->pts, (size_t)s->cap * sizeof *s->pts);
	}
	s->pts[s->n].at = at;
	s->pts[s->n].sms = strcmp(channel, "sms") == 0;
	s->n++;
	return 0;
}

/* Reached households over time, one step line per channel, as inline SVG
 * (no script, no external file: it prints and saves with the page). */
static int progress_svg(struct page *p, const struct notice *n, const struct progress *pr)
{
	struct svg_ctx s = { NULL, 0, 0 };
	if (store_web_progress(p->st, n->id, svg_add, &s) != STORE_OK) {
		free(s.pts);
		return STORE_ERR;
	}
	struct sbuf *b = p->b;
	const int W = 640, H = 240, L = 48, R = 12, T = 12, B = 36;
	int64_t t0 = n->due_at > n->created_at ? n->due_at : n->created_at;
	int64_t t1 = s.n ? s.pts[s.n - 1].at : t0;
	int64_t now = clock_wall_s();
	if ((pr->sms.pending || pr->voice.pending) && now > t1)
		t1 = now;
	if (t1 <= t0)
		t1 = t0 + 60;
	int ymax = pr->sms.total > pr->voice.total ? pr->sms.total : pr->voice.total;
	if (ymax < 1)
		ymax = 1;
	web_html_out(b,
		     "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		     "aria-label=\"Số hộ đã nhận theo thời gian\" xmlns=\"http://www.w3.org/2000/svg\">",
		     W, H, W, H);
	/* axes and grid */
	web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", L, H - B, W - R, H - B);
	web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", L, T, L, H - B);
	int ticks = ymax < 4 ? ymax : 4;
	for (int i = 0; i <= ticks; i++) {
		int y = H - B - (H - B - T) * i / ticks;
		web_html_out(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", L + 1, y, W - R, y);
		web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d</text>", L - 4, y + 4,
			     ymax * i / ticks);
	}
	char a[32], z[32];
	clock_format_local(t0, a, sizeof a);
	clock_format_local(t1, z, sizeof z);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", L, H - B + 16, a);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", W - R, H - B + 16, z);
	for (int ch = 1; ch >= 0; ch--) {
		const struct chan *c = ch ? &pr->sms : &pr->voice;
		if (!c->total)
			continue;
		sbuf_printf(b, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"%s\" points=\"%d,%d",
			    ch ? "#15803d" : "#1d4ed8", L, H - B);
		int cnt = 0, y = H - B;
		for (int i = 0; i < s.n; i++) {
			if (s.pts[i].sms != ch)
				continue;
			int64_t at = s.pts[i].at < t0 ? t0 : s.pts[i].at;
			int x = L + (int)((at - t0) * (W - L - R) / (t1 - t0));
			cnt++;
			sbuf_printf(b, " %d,%d", x, y);
			y = H - B - (int)((int64_t)cnt * (H - B - T) / ymax);
			sbuf_printf(b, " %d,%d", x, y);
		}
		sbuf_printf(b, " %d,%d\"/>", W - R, y);
	}
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#15803d\">— SMS đã nhận (%d/%d)</text>", L,
		     H - 6, pr->sms.reached, pr->sms.total);
	web_html_out(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1d4ed8\">— cuộc gọi đã nghe (%d/%d)</text>",
		     L + 260, H - 6, pr->voice.reached, pr->voice.total);
	sbuf_add(b, "</svg>");
	free(s.pts);
	return STORE_OK;
}

static int count_cell(const struct report_count *c, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td>%s</td><td>%s</td><td>%d</td></tr>", channel_label(c->channel),
		     web_html_state(c->state), c->n);
	return 0;
}

static void phone_cell(struct sbuf *b, const char *e164)
{
	char nat[24];
	phone_national(e164, nat, sizeof nat);
	web_html_out(b, "<td>%s</td>", nat);
}

/* "failed,queued" -> "lỗi, chờ gửi" */
static void states_cell(struct sbuf *b, const char *states)
{
	char *copy = xstrdup(states), *save = NULL;
	int i = 0;
	sbuf_add(b, "<td>");
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save))
		web_html_out(b, "%s%s", i++ ? ", " : "", web_html_state(s));
	sbuf_add(b, "</td>");
	free(copy);
}

static int delivery_row(const struct report_row *r, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td><a href=\"/household?id=%lld\">%s</a></td>", (long long)r->household_id, r->name);
	phone_cell(b, r->phone);
	web_html_out(b, "<td>%s</td><td>%s</td>", r->groups, channel_label(r->channel));
	web_html_out(b, "<td class=\"%s\">%s</td><td>%d</td><td>", channel_state_reached(r->state) ? "ok" : "",
		     web_html_state(r->state), r->attempts);
	web_html_time(b, r->updated_at);
	web_html_out(b, "</td><td>%s</td><td>%s</td><td>%s</td></tr>", r->keys, r->last_error, r->modem);
	return 0;
}

/* Deliveries not started yet (a cancel stops them) and under way (a
 * cancel lets them finish). */
struct waiting {
	int queued, inflight;
};

static int add_waiting(const struct report_count *c, void *arg)
{
	struct waiting *w = arg;
	if (strcmp(c->state, "queued") == 0)
		w->queued += c->n;
	else if (strcmp(c->state, "sending") == 0 || strcmp(c->state, "dialing") == 0 ||
		 strcmp(c->state, "ringing") == 0 || strcmp(c->state, "answered") == 0)
		w->inflight += c->n;
	return 0;
}

/* A store lookup's answer as a page: 404 with `missing`, or the database
 * error page; 0 when found. */
static int loaded(struct page *p, int rc, const char *missing)
{
	if (rc == STORE_NOTFOUND) {
		web_page_error(p->rep, 404, missing);
		return -1;
	}
	if (rc != STORE_OK) {
		db_error(p);
		return -1;
	}
	return 0;
}

static int get_notice_id(struct page *p, int64_t id, struct notice *n)
{
	return loaded(p, store_notice_get(p->st, id, n), "Không có thông báo này.");
}

static int get_notice(struct page *p, struct notice *n, int64_t *id)
{
	if (query_id(p, "id", id) != 0)
		return -1;
	return get_notice_id(p, *id, n);
}

static void notice_header(struct page *p, const struct notice *n)
{
	struct sbuf *b = p->b;
	web_html_out(b, "<h1>Thông báo %lld", (long long)n->id);
	if (n->urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	if (strcmp(n->state, "cancelled") == 0)
		sbuf_add(b, " <span class=\"bad\">(đã hủy)</span>");
	web_html_out(b, "</h1><pre>%s</pre><p class=\"muted\">Tạo lúc ", n->text);
	web_html_time(b, n->created_at);
	if (n->due_at > n->created_at) {
		sbuf_add(b, ", gửi lúc ");
		web_html_time(b, n->due_at);
	}
	web_html_out(b, " · gửi tới: %s · nguồn: %s</p>", n->targets, n->source);
}

static void page_notice(struct page *p)
{
	struct notice n;
	int64_t id;
	if (get_notice(p, &n, &id) != 0)
		return;
	struct sbuf *b = p->b;
	char title[48];
	snprintf(title, sizeof title, "Thông báo %lld", (long long)id);
	web_html_head(b, title, p->user, p->csrf);
	if (web_req_form_get(&p->rq->query, "created"))
		web_html_out(b, "<p class=\"ok\">Đã tạo thông báo %lld; các hộ đang chờ gửi.</p>", (long long)id);
	const char *cancelled = web_req_form_get(&p->rq->query, "cancelled");
	long ncancel;
	if (cancelled && util_parse_long(cancelled, 0, 1000000000L, &ncancel) == 0)
		web_html_out(b, "<p class=\"ok\">Đã hủy thông báo %lld: %ld lượt gửi đang chờ đã dừng; "
				"lượt đang gửi dở sẽ xong và được ghi lại.</p>",
			     (long long)id, ncancel);
	notice_header(p, &n);
	web_html_out(b,
		     "<p class=\"links noprint\"><a href=\"/unreached?id=%lld\">Hộ chưa nhận (đi đến tận nhà)</a>"
		     "<a href=\"/notice.csv?id=%lld\">Tải CSV nhật ký</a>"
		     "<a href=\"/notice.csv?id=%lld&amp;unreached=1\">Tải CSV hộ chưa nhận</a></p>",
		     (long long)id, (long long)id, (long long)id);
	struct progress pr;
	memset(&pr, 0, sizeof pr);
	int rc = store_report_counts(p->st, id, add_count, &pr, clock_wall_s());
	struct waiting w = { 0, 0 };
	if (rc == STORE_OK)
		rc = store_report_counts(p->st, id, add_waiting, &w, clock_wall_s());
	if (rc == STORE_OK && strcmp(n.state, "cancelled") != 0 && w.queued) {
		web_html_out(b, "<form method=\"post\" action=\"/notice/cancel\" class=\"noprint\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
			     (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<button class=\"btn danger\" type=\"submit\">Hủy thông báo…</button> "
				"<span class=\"muted\">%d lượt gửi đang chờ</span></form>",
			     w.queued);
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Tiến độ</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Đã tới</th></tr><tr><td>SMS</td>");
		chan_cell(b, &pr.sms);
		sbuf_add(b, "</tr><tr><td>Cuộc gọi</td>");
		chan_cell(b, &pr.voice);
		sbuf_add(b, "</tr></table></div><h2>Theo thời gian</h2><div class=\"wrap\">");
		rc = progress_svg(p, &n, &pr);
		sbuf_add(b, "</div>");
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Theo trạng thái</h2><div class=\"wrap\"><table><tr><th>Kênh</th><th>Trạng thái</th>"
			    "<th>Số</th></tr>");
		rc = store_report_counts(p->st, id, count_cell, b, clock_wall_s());
		sbuf_add(b, "</table></div>");
	}
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Nhật ký từng hộ</h2><div class=\"wrap\"><table><tr><th>Hộ</th><th>SĐT</th><th>Nhóm</th>"
			    "<th>Kênh</th><th>Trạng thái</th><th>Lần thử</th><th>Cập nhật</th><th>Phím bấm</th>"
			    "<th>Nguyên nhân</th><th>Modem</th></tr>");
		rc = store_report_deliveries(p->st, id, delivery_row, b);
		sbuf_add(b, "</table></div>");
	}
	store_notice_clear(&n);
	if (rc != STORE_OK) {
		db_error(p);
		return;
	}
	web_html_foot(b);
}

/* Cancelling a notice: the notice page's button posts here without
 * confirm and gets a page saying what will happen; its button posts again
 * with confirm=1.  Both carry the CSRF token (the gate checks it). */
static void post_cancel(struct page *p)
{
	int64_t id;
	if (web_req_id(web_req_form_get(&p->rq->form, "id"), &id) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return;
	}
	struct notice n;
	if (get_notice_id(p, id, &n) != 0)
		return;
	char back[64];
	snprintf(back, sizeof back, "/notice?id=%lld", (long long)id);
	if (strcmp(n.state, "cancelled") == 0) {
		store_notice_clear(&n);
		redirect(p->rep, back);
		return;
	}
	if (!web_req_form_get(&p->rq->form, "confirm")) {
		struct waiting w = { 0, 0 };
		if (store_report_counts(p->st, id, add_waiting, &w, clock_wall_s()) != STORE_OK) {
			store_notice_clear(&n);
			db_error(p);
			return;
		}
		struct sbuf *b = p->b;
		char title[48];
		snprintf(title, sizeof title, "Hủy thông báo %lld", (long long)id);
		web_html_head(b, title, p->user, p->csrf);
		web_html_out(b, "<h1>Hủy thông báo %lld?</h1><pre>%s</pre>", (long long)id, n.text);
		web_html_out(b,
			     "<p><b>%d</b> lượt gửi đang chờ sẽ bị hủy và không gửi nữa.</p>"
			     "<p>%d lượt đang gửi dở (đang gửi SMS hoặc đang gọi) sẽ tiếp tục cho xong và được ghi lại.</p>"
			     "<p>Việc hủy không lấy lại được.</p>"
			     "<form method=\"post\" action=\"/notice/cancel\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
			     "<input type=\"hidden\" name=\"confirm\" value=\"1\">",
			     w.queued, w.inflight, (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<p><button class=\"btn danger\" type=\"submit\">Xác nhận hủy</button></p></form>"
				"<p><a href=\"%s\">Không hủy, quay lại</a></p>",
			     back);
		web_html_foot(b);
		store_notice_clear(&n);
		return;
	}
	store_notice_clear(&n);
	char by[96];
	snprintf(by, sizeof by, "web:%s", p->user);
	int k = 0;
	if (store_notice_cancel(p->st, id, by, &k, clock_wall_s()) != STORE_OK) {
		db_error(p);
		return;
	}
	LOG_I("web", "notice %lld cancelled by %s from %s: %d pending deliveries", (long long)id, p->user,
	      p->rq->addr ? p->rq->addr : "?", k);
	char to[80];
	snprintf(to, sizeof to, "/notice?id=%lld&cancelled=%d", (long long)id, k);
	redirect(p->rep, to);
}

static void csv_notice(struct page *p)
{
	int64_t id;
	if (query_id(p, "id", &id) != 0)
		return;
	int unreached = web_req_form_get(&p->rq->query, "unreached") != NULL;
	char name[64];
	snprintf(name, sizeof name, unreached ? "thong-bao-%lld-chua-nhan.csv" : "thong-bao-%lld.csv", (long long)id);
	struct csv_out c;
	FILE *f = csv_begin(p, &c, name);
	csv_end(p, &c, report_notice_csv(p->st, id, unreached, f));
}

/* ---- not reached: the printable home-visit list ---- */

struct visit {
	struct sbuf *b;
	int n, pending;
};

static int visit_row(const struct report_row *r, void *arg)
{
	struct visit *v = arg;
	if (r->pending) {
		v->pending++;
		return 0;
	}
	v->n++;
	web_html_out(v->b, "<tr><td>%d</td><td><a href=\"/household?id=%lld\">%s</a></td>", v->n,
		     (long long)r->household_id, r->name);
	phone_cell(v->b, r->phone);
	web_html_out(v->b, "<td>%s</td>", r->groups);
	states_cell(v->b, r->state);
	web_html_out(v->b, "<td>%s</td><td class=\"visit\"></td></tr>", r->last_error);
	return 0;
}

static void page_unreached(struct page *p)
{
	struct notice n;
	int64_t id;
	if (get_notice(p, &n, &id) != 0)
		return;
	struct sbuf *b = p->b;
	char title[64];
	snprintf(title, sizeof title, "Hộ chưa nhận — thông báo %lld", (long long)id);
	web_html_head(b, title, p->user, p->csrf);
	web_html_out(b, "<h1>Hộ cần đến tận nhà — thông báo %lld</h1>", (long long)id);
	web_html_out(b, "<pre>%s</pre><p class=\"muted\">Tạo lúc ", n.text);
	web_html_time(b, n.created_at);
	web_html_out(b, " · in lúc ");
	web_html_time(b, clock_wall_s());
	web_html_out(b,
		     "</p><p class=\"links noprint\"><a href=\"/notice?id=%lld\">← Nhật ký</a>"
		     "<a href=\"/notice.csv?id=%lld&amp;unreached=1\">Tải CSV</a> (In: dùng lệnh In của trình duyệt)</p>",
		     (long long)id, (long long)id);
	store_notice_clear(&n);
	sbuf_add(b, "<div class=\"wrap\"><table><tr><th>#</th><th>Họ tên</th><th>SĐT</th><th>Nhóm</th>"
		    "<th>Trạng thái</th><th>Nguyên nhân</th><th>Đã báo (ký tên)</th></tr>");
	struct visit v = { b, 0, 0 };
	if (store_report_unreached(p->st, id, visit_row, &v, clock_wall_s()) != STORE_OK) {
		db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!v.n)
		sbuf_add(b, "<p>Không có hộ nào cần đến tận nhà.</p>");
	else
		web_html_out(b, "<p>%d hộ chưa nhận được thông báo.</p>", v.n);
	if (v.pending)
		web_html_out(b, "<p class=\"muted\">%d hộ đang được gửi, chưa có kết quả cuối.</p>", v.pending);
	web_html_foot(b);
}

/* ---- one household ---- */

static int history_row(const struct report_row *r, void *arg)
{
	struct sbuf *b = arg;
	web_html_out(b, "<tr><td><a href=\"/notice?id=%lld\">%lld</a></td><td>%s</td><td>%s</td>",
		     (long long)r->notice_id, (long long)r->notice_id, r->notice_text,
		     channel_label(r->channel));
	web_html_out(b, "<td class=\"%s\">%s</td><td>%d</td><td>", channel_state_reached(r->state) ? "ok" : "",
		     web_html_state(r->state), r->attempts);
	web_html_time(b, r->updated_at);
	web_html_out(b, "</td><td>%s</td><td>%s</td></tr>", r->keys, r->last_error);
	return 0;
}

static int get_household(struct page *p, struct household *h, int64_t *id)
{
	if (query_id(p, "id", id) != 0)
		return -1;
	return loaded(p, store_household_get(p->st, *id, h), "Không có hộ này.");
}

static void page_household(struct page *p)
{
	struct household h;
	int64_t id;
	if (get_household(p, &h, &id) != 0)
		return;
	struct sbuf *b = p->b;
	web_html_head(b, h.name, p->user, p->csrf);
	char nat[24];
	phone_national(h.phone, nat, sizeof nat);
	web_html_out(b, "<h1>%s</h1><p>SĐT %s · nhóm: %s · nhận qua: %s · %s%s</p>", h.name, nat, h.groups,
		     h.channel == CH_SMS ? "SMS" : h.channel == CH_VOICE ? "cuộc gọi" : "SMS và cuộc gọi",
		     h.accents ? "máy hiện dấu" : "máy không hiện dấu",
		     h.opted_out ? " · đã từ chối thông báo thường" : "");
	if (h.note[0])
		web_html_out(b, "<p>Ghi chú: %s</p>", h.note);
	web_html_out(b, "<p class=\"links noprint\"><a href=\"/household.csv?id=%lld\">Tải CSV</a></p>", (long long)id);
	sbuf_add(b, "<h2>Lịch sử nhận thông báo</h2><div class=\"wrap\"><table><tr><th>Số</th><th>Nội dung</th>"
		    "<th>Kênh</th><th>Trạng thái</th><th>Lần thử</th><th>Cập nhật</th><th>Phím bấm</th>"
		    "<th>Nguyên nhân</th></tr>");
	if (store_report_household(p->st, id, history_row, b) != STORE_OK) {
		db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	web_html_foot(b);
}

static void csv_household(struct page *p)
{
	int64_t id;
	if (query_id(p, "id", &id) != 0)
		return;
	char name[48];
	snprintf(name, sizeof name, "ho-%lld.csv", (long long)id);
	struct csv_out c;
	FILE *f = csv_begin(p, &c, name);
	csv_end(p, &c, report_household_csv(p->st, id, f));
}

/* ---- creating a notice: form -> preview -> confirm ---- */

struct draft {
	char *text;              /* CRLF (as browsers send a textarea) made LF; owned */
	char to[512];
	int channels, urgent;
	int at_on;               /* "Gửi lúc": 0 now, 1 at at_date/at_time */
	char at_date[16];        /* "YYYY-MM-DD" or "" (the next at_time) */
	char at_time[8];         /* "HH:MM" */
	int64_t due_at;          /* resolved by plan_draft; 0 = now */
};

/* The draft from the posted form (the form page posts several "to"
 * checkboxes; the preview posts them joined). */
static void read_draft(struct page *p, struct draft *d)
{
	const struct web_form *f = &p->rq->form;
	memset(d, 0, sizeof *d);
	const char *text = web_req_form_get(f, "text");
	if (text) {
		d->text = xstrdup(text);
		char *o = d->text;
		for (const char *i = text; *i; i++)
			if (!(i[0] == '\r' && i[1] == '\n'))
				*o++ = *i;
		*o = '\0';
	}
	size_t len = 0;
	for (int i = 0; i < f->n; i++) {
		if (strcmp(f->key[i], "to") != 0 || !f->val[i][0])
			continue;
		int w = snprintf(d->to + len, sizeof d->to - len, "%s%s", len ? "," : "", f->val[i]);
		if (w < 0 || (size_t)w >= sizeof d->to - len)
			break;
		len += (size_t)w;
	}
	if (web_req_form_get(f, "sms"))
		d->channels |= CH_SMS;
	if (web_req_form_get(f, "voice"))
		d->channels |= CH_VOICE;
	d->urgent = web_req_form_get(f, "urgent") != NULL;
	const char *when = web_req_form_get(f, "when"), *date = web_req_form_get(f, "date"),
		   *time = web_req_form_get(f, "time");
	d->at_on = when && strcmp(when, "at") == 0;
	/* longer than the field: kept as an obviously bad value, never cut into a valid one */
	snprintf(d->at_date, sizeof d->at_date, "%s", date && strlen(date) < sizeof d->at_date ? date : date ? "?" : "");
	snprintf(d->at_time, sizeof d->at_time, "%s", time && strlen(time) < sizeof d->at_time ? time : time ? "?" : "");
}

struct group_ctx {
	struct sbuf *b;
	const char *to;
};

static int has_target(const char *to, const char *code)
{
	char *copy = xstrdup(to), *save = NULL;
	int found = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !found; t = strtok_r(NULL, ",", &save))
		found = util_streq_ci(t, code);
	free(copy);
	return found;
}

static int group_box(const char *code, int households, void *arg)
{
	struct group_ctx *g = arg;
	web_html_out(g->b, "<label><input type=\"checkbox\" name=\"to\" value=\"%s\"%s> %s (%d hộ)</label>", code,
		     has_target(g->to, code) ? " checked" : "", code, households);
	return 0;
}

static void notice_form(struct page *p, const struct draft *d, const char *err)
{
	struct sbuf *b = p->b;
	web_html_head(b, "Tạo thông báo", p->user, p->csrf);
	sbuf_add(b, "<h1>Tạo thông báo</h1>");
	if (err)
		web_html_out(b, "<p class=\"err\">%s</p>", err);
	sbuf_add(b, "<form method=\"post\" action=\"/new/preview\">");
	web_html_csrf(b, p->csrf);
	web_html_out(b,
		     "<label>Nội dung (tối đa %d ký tự)<br><textarea name=\"text\" rows=\"5\" maxlength=\"%d\" "
		     "required>%s</textarea></label><fieldset><legend>Gửi tới</legend>",
		     p->app->cfg.notice_max_chars, p->app->cfg.notice_max_chars, d && d->text ? d->text : "");
	const char *to = d ? d->to : "all";
	web_html_out(b, "<label><input type=\"checkbox\" name=\"to\" value=\"all\"%s> Tất cả các hộ</label>",
		     has_target(to, "all") ? " checked" : "");
	struct group_ctx g = { b, to };
	if (store_group_each(p->st, group_box, &g) != STORE_OK) {
		db_error(p);
		return;
	}
	int ch = d && d->channels ? d->channels : CH_BOTH;
	web_html_out(b,
		     "</fieldset><fieldset><legend>Kênh</legend>"
		     "<label><input type=\"checkbox\" name=\"sms\" value=\"1\"%s> Tin nhắn SMS</label>"
		     "<label><input type=\"checkbox\" name=\"voice\" value=\"1\"%s> Gọi điện đọc thông báo</label>"
		     "</fieldset><label><input type=\"checkbox\" name=\"urgent\" value=\"1\"%s> Khẩn cấp "
		     "(gửi cả trong giờ yên tĩnh, cả hộ đã từ chối)</label>",
		     ch & CH_SMS ? " checked" : "", ch & CH_VOICE ? " checked" : "", d && d->urgent ? " checked" : "");
	char today[32];
	clock_format_local(clock_wall_s(), today, sizeof today);
	today[10] = '\0';
	int at = d && d->at_on;
	web_html_out(b,
		     "<fieldset><legend>Gửi lúc</legend>"
		     "<label><input type=\"radio\" name=\"when\" value=\"now\"%s> Ngay khi xác nhận</label>"
		     "<label><input type=\"radio\" name=\"when\" value=\"at\"%s> Vào lúc:</label>"
		     "<span class=\"when\"><input type=\"date\" name=\"date\" value=\"%s\" min=\"%s\" "
		     "aria-label=\"Ngày gửi\"> <input type=\"time\" name=\"time\" value=\"%s\" aria-label=\"Giờ gửi\"></span>"
		     "<p class=\"muted\">Bỏ trống ngày: lần tới của giờ đó (hôm nay, hoặc ngày mai nếu giờ đã qua).</p>"
		     "</fieldset><p><button class=\"btn\" type=\"submit\">Xem trước</button></p></form>",
		     at ? "" : " checked", at ? " checked" : "", d ? d->at_date : "", today, d ? d->at_time : "");
	web_html_foot(b);
}

static void page_new(struct page *p)
{
	if (strcmp(p->rq->method, "POST") == 0) {
		struct draft d;
		read_draft(p, &d);
		notice_form(p, &d, NULL);
		free(d.text);
	} else {
		notice_form(p, NULL, NULL);
	}
}

/* notice_plan's refusal in Vietnamese, from its stable code (err is the
 * CLI's English line, kept for the log and for a code we do not know). */
static void plan_err_vi(const struct notice_plan *pl, const char *err, char *buf, size_t len)
{
	switch (pl->why) {
	case NOTICE_WHY_TEXT_UTF8:
		snprintf(buf, len, "Nội dung có ký tự không hợp lệ (không phải UTF-8, ở byte %ld).", pl->why_n);
		break;
	case NOTICE_WHY_TEXT_CONTROL:
		snprintf(buf, len, "Nội dung có ký tự điều khiển không in được (ở byte %ld); hãy xóa nó.", pl->why_n);
		break;
	case NOTICE_WHY_TEXT_UNICODE: snprintf(buf, len, "Nội dung có ký tự Unicode không hợp lệ."); break;
	case NOTICE_WHY_TEXT_EMPTY: snprintf(buf, len, "Nội dung đang trống; hãy nhập nội dung thông báo."); break;
	case NOTICE_WHY_TEXT_LONG:
		snprintf(buf, len, "Nội dung dài %ld ký tự; tối đa %d ký tự. Hãy viết ngắn lại.", pl->why_n,
			 pl->why_max);
		break;
	case NOTICE_WHY_NO_GROUP:
		snprintf(buf, len, "Không có nhóm \"%s\" (hoặc nhóm không còn hộ nào).", pl->why_group);
		break;
	case NOTICE_WHY_NO_TARGETS: snprintf(buf, len, "Hãy chọn nơi gửi tới: một hoặc vài nhóm, hoặc tất cả các hộ."); break;
	case NOTICE_WHY_PARTS_UCS2:
		snprintf(buf, len, "Tin có dấu cần %ld phần SMS; tối đa %d phần (sms.max_parts). Hãy viết ngắn lại.",
			 pl->why_n, pl->why_max);
		break;
	case NOTICE_WHY_PARTS_GSM7:
		snprintf(buf, len, "Tin không dấu cần %ld phần SMS; tối đa %d phần (sms.max_parts). Hãy viết ngắn lại.",
			 pl->why_n, pl->why_max);
		break;
	case NOTICE_WHY_NO_HOUSEHOLD:
		snprintf(buf, len,
			 "Thông báo này không tới được hộ nào (%d hộ đã từ chối nhận, %d hộ không có kênh đã chọn).",
			 pl->stats.opted_out, pl->stats.no_channel);
		break;
	default: snprintf(buf, len, "Thông báo không hợp lệ (%.200s).", err); break;
	}
}

/* The draft's "Gửi lúc" as wall seconds (0 = now), with the CLI's --at
 * rules; on a problem shows the form again (400).  A resolved time is
 * written back as a full date and time, so the preview's confirm button
 * carries the same moment even if "HH:MM" would mean tomorrow by then. */
static int due_draft(struct page *p, struct draft *d)
{
	d->due_at = 0;
	if (!d->at_on)
		return 0;
	char at[40];
	if (!d->at_time[0]) {
		p->rep->status = 400;
		notice_form(p, d, "Hãy nhập giờ gửi (giờ:phút), hoặc chọn \"Ngay khi xác nhận\".");
		return -1;
	}
	snprintf(at, sizeof at, "%s%s%s", d->at_date, d->at_date[0] ? " " : "", d->at_time);
	int rc = notice_parse_at(at, clock_wall_s(), &d->due_at);
	if (rc != 0) {
		char msg[160];
		if (rc == NOTICE_AT_PAST)
			snprintf(msg, sizeof msg, "Thời điểm gửi %s đã qua; hãy chọn một thời điểm sau bây giờ.", at);
		else
			snprintf(msg, sizeof msg,
				 "Thời điểm gửi \"%s\" không hợp lệ: ngày dạng 2026-12-31, giờ dạng 19:30.", at);
		p->rep->status = 400;
		notice_form(p, d, msg);
		return -1;
	}
	char full[32];
	clock_format_local(d->due_at, full, sizeof full);
	/* "YYYY-MM-DD HH:MM" */
	memcpy(d->at_date, full, 10);
	d->at_date[10] = '\0';
	memcpy(d->at_time, full + 11, 5);
	d->at_time[5] = '\0';
	return 0;
}

/* Runs notice_plan on the draft; on a problem shows the form again (400). */
static int plan_draft(struct page *p, struct draft *d, struct notice_plan *plan)
{
	char err[512], source[96];
	if (!d->text || !d->text[0] || !d->to[0]) {
		p->rep->status = 400;
		notice_form(p, d, !d->to[0] ? "Hãy chọn nơi gửi tới." : "Hãy nhập nội dung.");
		return -1;
	}
	if (!d->channels) {
		p->rep->status = 400;
		notice_form(p, d, "Hãy chọn ít nhất một kênh.");
		return -1;
	}
	if (due_draft(p, d) != 0)
		return -1;
	snprintf(source, sizeof source, "web:%s", p->user);
	struct notice_cfg nc;
	config_notice(&p->app->cfg, &nc);
	int rc = notice_plan(p->st, &nc, d->text, d->to, d->channels, d->urgent, d->due_at, source, plan,
			     err, sizeof err);
	if (rc == EXIT_USAGE) {
		char vi[320];
		plan_err_vi(plan, err, vi, sizeof vi);
		notice_plan_free(plan);
		p->rep->status = 400;
		notice_form(p, d, vi);
		return -1;
	}
	if (rc != EXIT_OK) {
		notice_plan_free(plan);
		LOG_E("web", "notice plan: %s", err);
		web_page_error(p->rep, 500, "Lỗi cơ sở dữ liệu; xem nhật ký của Loa.");
		return -1;
	}
	return 0;
}

static void draft_hidden(struct sbuf *b, const struct draft *d)
{
	web_html_out(b, "<input type=\"hidden\" name=\"text\" value=\"%s\"><input type=\"hidden\" name=\"to\" value=\"%s\">",
		     d->text, d->to);
	if (d->channels & CH_SMS)
		sbuf_add(b, "<input type=\"hidden\" name=\"sms\" value=\"1\">");
	if (d->channels & CH_VOICE)
		sbuf_add(b, "<input type=\"hidden\" name=\"voice\" value=\"1\">");
	if (d->urgent)
		sbuf_add(b, "<input type=\"hidden\" name=\"urgent\" value=\"1\">");
	if (d->at_on)
		web_html_out(b,
			     "<input type=\"hidden\" name=\"when\" value=\"at\"><input type=\"hidden\" name=\"date\" "
			     "value=\"%s\"><input type=\"hidden\" name=\"time\" value=\"%s\">",
			     d->at_date, d->at_time);
}

static void post_preview(struct page *p)
{
	struct draft d;
	read_draft(p, &d);
	struct notice_plan plan;
	if (plan_draft(p, &d, &plan) != 0) {
		free(d.text);
		return;
	}
	const struct loa_config *cfg = &p->app->cfg;
	const struct fanout_stats *s = &plan.stats;
	struct sbuf *b = p->b;
	web_html_head(b, "Xem trước thông báo", p->user, p->csrf);
	web_html_out(b, "<h1>Xem trước — chưa gửi</h1><pre>%s</pre><div class=\"wrap\"><table>", plan.text);
	web_html_out(b, "<tr><th>Gửi tới</th><td>%s", d.to);
	if (d.urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	sbuf_add(b, "</td></tr><tr><th>Gửi lúc</th><td>");
	if (d.due_at) {
		web_html_out(b, "<b>");
		web_html_time(b, d.due_at);
		sbuf_add(b, "</b> (các hộ chờ đến giờ này)");
	} else {
		sbuf_add(b, "ngay khi xác nhận");
	}
	sbuf_add(b, "</td></tr>");
	web_html_out(b, "<tr><th>Số hộ</th><td>%d", s->households);
	if (s->opted_out)
		web_html_out(b, " (bỏ qua %d hộ đã từ chối)", s->opted_out);
	if (s->no_channel)
		web_html_out(b, " (bỏ qua %d hộ không có kênh này)", s->no_channel);
	web_html_out(b, "</td></tr><tr><th>SMS</th><td>%d tin: %d có dấu × %d phần, %d không dấu × %d phần</td></tr>",
		     s->sms, s->sms_ucs2, plan.parts_ucs2, s->sms_gsm7, plan.parts_gsm7);
	web_html_out(b, "<tr><th>Chi phí SMS</th><td>khoảng %ld đ (%d đ mỗi phần)</td></tr>", plan.cost,
		     cfg->sms_part_cost);
	if (s->voice) {
		int total = s->voice * plan.call_s, modems = 0;
		for (int i = 0; i < cfg->n_modems; i++)
			modems += cfg->modems[i].enabled && cfg->modems[i].audio[0];
		web_html_out(b,
			     "<tr><th>Cuộc gọi</th><td>%d cuộc, mỗi cuộc khoảng %d giây (đọc %d lần, ~%d giây mỗi lần); "
			     "tổng %d phút",
			     s->voice, plan.call_s, cfg->call_repeats, plan.speech_s, (total + 59) / 60);
		if (modems)
			web_html_out(b, ", ~%d phút với %d modem gọi", (total / modems + 59) / 60, modems);
		sbuf_add(b, "</td></tr>");
	} else {
		sbuf_add(b, "<tr><th>Cuộc gọi</th><td>0</td></tr>");
	}
	sbuf_add(b, "</table></div>");
	if (s->sms_gsm7)
		web_html_out(b, "<p>Bản không dấu:</p><pre>%s</pre>", plan.stripped);
	if ((s->sms_ucs2 && plan.parts_ucs2 > 3) || (s->sms_gsm7 && plan.parts_gsm7 > 3))
		sbuf_add(b, "<p class=\"err\">Tin dài hơn 3 phần; vài máy cũ có thể cắt hoặc mất tin.</p>");
	if (s->sms_gsm7 && plan.replaced > 0)
		web_html_out(b, "<p class=\"err\">%d ký tự không gửi được khi bỏ dấu và sẽ thành '?'.</p>", plan.replaced);
	if (s->sms_gsm7 && plan.ambiguous[0])
		web_html_out(b, "<p class=\"err\">Khi bỏ dấu, các từ này dễ hiểu nhầm: %s</p>", plan.ambiguous);
	sbuf_add(b, "<form method=\"post\" action=\"/new/create\">");
	web_html_csrf(b, p->csrf);
	draft_hidden(b, &d);
	sbuf_add(b, "<p><button class=\"btn\" type=\"submit\">Xác nhận gửi</button></p></form>"
		    "<form method=\"post\" action=\"/new\">");
	web_html_csrf(b, p->csrf);
	draft_hidden(b, &d);
	sbuf_add(b, "<p><button type=\"submit\">Sửa lại</button></p></form>");
	web_html_foot(b);
	notice_plan_free(&plan);
	free(d.text);
}

static void post_create(struct page *p)
{
	struct draft d;
	read_draft(p, &d);
	struct notice_plan plan;
	int rc = plan_draft(p, &d, &plan);
	free(d.text);
	if (rc != 0)
		return;
	int64_t id = 0;
	char err[512];
	rc = notice_create(p->st, &plan, &id, err, sizeof err);
	notice_plan_free(&plan);
	if (rc != EXIT_OK) {
		LOG_E("web", "notice create by %s: %s", p->user, err);
		web_page_error(p->rep, 500, "Không tạo được thông báo; xem nhật ký của Loa.");
		return;
	}
	LOG_I("web", "notice %lld created by %s from %s", (long long)id, p->user, p->rq->addr ? p->rq->addr : "?");
	char to[64];
	snprintf(to, sizeof to, "/notice?id=%lld&created=1", (long long)id);
	redirect(p->rep, to);
}

/* ---- modem health ---- */

static int64_t today_start(void)
{
	int64_t now = clock_wall_s();
	return now - (int64_t)clock_local_minutes_of_day(now) * 60 - now % 60;
}

static void signal_text(int csq, char *buf, size_t len)
{
	if (csq < 0 || csq > 31)
		snprintf(buf, len, "không rõ");
	else
		snprintf(buf, len, "%d/31 (%d dBm)", csq, -113 + 2 * csq);
}

static int modem_row(const struct store_web_modem *m, void *arg)
{
	struct list_ctx *l = arg;
	char sig[32], when[32] = "";
	signal_text(m->signal, sig, sizeof sig);
	if (m->updated_at)
		clock_format_local(m->updated_at, when, sizeof when);
	l->n++;
	if (l->csv) {
		char parts[16], calls[16];
		snprintf(parts, sizeof parts, "%d", m->sms_parts);
		snprintf(calls, sizeof calls, "%d", m->calls);
		const char *f[] = { m->name, m->state, m->registered ? "yes" : "no", sig, m->operator_name,
				    m->last_error, when, parts, calls };
		sheet_write_row(l->csv, f, (int)ARRAY_LEN(f));
		return 0;
	}
	struct sbuf *b = l->p->b;
	web_html_out(b, "<tr><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td class=\"bad\">%s</td>"
			"<td>%s</td><td>%d</td><td>%d</td></tr>",
		     m->name, m->state, m->registered ? "ok" : "bad", m->registered ? "có" : "không", sig,
		     m->operator_name, m->last_error, when, m->sms_parts, m->calls);
	return 0;
}

static void page_modems(struct page *p)
{
	struct sbuf *b = p->b;
	int parts = 0, msgs = 0, calls = 0;
	int64_t since = today_start();
	if (store_web_today(p->st, since, &parts, &msgs, &calls) != STORE_OK) {
		db_error(p);
		return;
	}
	web_html_head(b, "Modem", p->user, p->csrf);
	web_html_out(b,
		     "<h1>Tình trạng modem</h1><p>Hôm nay: <b>%d</b> tin SMS đã gửi (%d phần), <b>%d</b> cuộc gọi.</p>"
		     "<p class=\"links noprint\"><a href=\"/modems.csv\">Tải CSV</a></p>"
		     "<div class=\"wrap\"><table><tr><th>Modem</th><th>Trạng thái</th><th>Đăng ký mạng</th><th>Sóng</th>"
		     "<th>Nhà mạng</th><th>Lỗi gần nhất</th><th>Cập nhật</th><th>SMS hôm nay (phần)</th>"
		     "<th>Cuộc gọi hôm nay</th></tr>",
		     msgs, parts, calls);
	struct list_ctx l = { p, NULL, 0, STORE_OK };
	if (store_web_modems(p->st, since, modem_row, &l) != STORE_OK) {
		db_error(p);
		return;
	}
	sbuf_add(b, "</table></div>");
	if (!l.n)
		sbuf_add(b, "<p>Chưa có modem nào báo tình trạng (dịch vụ <code>loa run</code> chưa chạy?).</p>");
	web_html_foot(b);
}

static void csv_modems(struct page *p)
{
	static const char *const cols[] = { "modem", "state", "registered", "signal", "operator", "last_error",
					    "updated", "sms_parts_today", "calls_today" };
	struct csv_out c;
	FILE *f = csv_begin(p, &c, "modem.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct list_ctx l = { p, f, 0, STORE_OK };
	csv_end(p, &c, store_web_modems(p->st, today_start(), modem_row, &l));
}

/* ---- inbound SMS and replies: the audit trail of short codes ---- */

#define INBOX_PAGE_ROWS 300

struct reply_list {
	struct outbox_row *r;    /* strings owned */
	int n, cap;
};

static int reply_add(const struct outbox_row *r, void *arg)
{
	struct reply_list *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->r = xrealloc(l->r, (size_t)l->cap * sizeof *l->r);
	}
	struct outbox_row *c = &l->r[l->n++];
	*c = *r;
	c->to = xstrdup(r->to);
	c->text = sc_mask_codes(r->text); /* one-time codes are not for the log */
	c->kind = xstrdup(r->kind);
	c->state = xstrdup(r->state);
	c->error = xstrdup(r->error);
	return 0;
}

static void reply_list_free(struct reply_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free((char *)l->r[i].to);
		free((char *)l->r[i].text);
		free((char *)l->r[i].kind);
		free((char *)l->r[i].state);
		free((char *)l->r[i].error);
	}
	free(l->r);
}

static const char *decision_vi(const char *d)
{
	static const struct {
		const char *en, *vi;
	} t[] = {
		{ "accepted", "đã làm theo" }, { "pending", "chờ xác nhận" }, { "refused", "từ chối" },
		{ "ignored", "bỏ qua" }, { "stored", "chỉ lưu" }, { "", "chưa xử lý" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(t[i].en, d) == 0)
			return t[i].vi;
	return d;
}

static const char *kind_vi(const char *k)
{
	return strcmp(k, "reply") == 0 ? "trả lời" : strcmp(k, "summary") == 0 ? "báo cáo"
		: strcmp(k, "forward") == 0 ? "chuyển tiếp" : strcmp(k, "command") == 0 ? "trả lời lệnh"
		: strcmp(k, "alert") == 0 ? "cảnh báo" : k;
}

/* The name of a registered sender or household.  The store joins on the
 * number as received; a modem (or `loa inbox --simulate`) may give it in
 * national form, so a miss is retried with the normalised number. */
static void who(struct page *p, const struct inbound_row *r, char *out, size_t n)
{
	snprintf(out, n, "%s", r->sender_name);
	if (out[0])
		return;
	struct phone ph;
	phone_normalise(r->sender, &ph);
	if ((ph.kind != PHONE_MOBILE && ph.kind != PHONE_LANDLINE) || strcmp(ph.e164, r->sender) == 0)
		return;
	struct sender sd;
	struct household h;
	if (store_sender_by_phone(p->st, ph.e164, &sd) == STORE_OK)
		snprintf(out, n, "%s", sd.name);
	else if (store_household_by_phone(p->st, ph.e164, &h) == STORE_OK)
		snprintf(out, n, "%s", h.name);
}

struct inbox_ctx {
	struct page *p;
	FILE *csv;
	const struct reply_list *replies;
	int n;
};

static int inbound_row(const struct inbound_row *r, void *arg)
{
	struct inbox_ctx *x = arg;
	char when[32], nat[24];
	char name[160];
	clock_format_local(r->received_at, when, sizeof when);
	phone_national(r->sender, nat, sizeof nat);
	who(x->p, r, name, sizeof name);
	x->n++;
	char *text = sc_mask_codes(r->text);
	if (x->csv) {
		struct sbuf rs;
		sbuf_init(&rs);
		for (int i = 0; i < x->replies->n; i++)
			if (x->replies->r[i].inbound_id == r->id)
				sbuf_printf(&rs, "%s%s", rs.len ? "\n" : "", x->replies->r[i].text);
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)r->id);
		const char *f[] = { id, when, r->modem, nat, name, text, r->decision, r->reason,
				    rs.s ? rs.s : "" };
		sheet_write_row(x->csv, f, (int)ARRAY_LEN(f));
		sbuf_free(&rs);
		free(text);
		return 0;
	}
	struct sbuf *b = x->p->b;
	const char *cls = strcmp(r->decision, "accepted") == 0 ? "ok" : strcmp(r->decision, "refused") == 0 ? "bad" : "";
	web_html_out(b, "<tr><td data-l=\"Lúc nhận\">%s</td><td data-l=\"Người gửi\">%s", when, nat);
	if (name[0])
		web_html_out(b, "<br>%s", name);
	else
		sbuf_add(b, "<br><span class=\"muted\">(không đăng ký)</span>");
	web_html_out(b,
		     "</td><td data-l=\"Nội dung\"><pre>%s</pre></td><td data-l=\"Quyết định\" class=\"%s\">%s</td>"
		     "<td data-l=\"Lý do\">%s</td><td data-l=\"Trả lời\">",
		     text, cls, decision_vi(r->decision), r->reason);
	free(text);
	int any = 0;
	for (int i = 0; i < x->replies->n; i++) {
		const struct outbox_row *o = &x->replies->r[i];
		if (o->inbound_id != r->id)
			continue;
		web_html_out(b, "%s<pre>%s</pre><span class=\"muted\">%s · %s</span>", any++ ? "<hr>" : "", o->text,
			     kind_vi(o->kind), web_html_state(o->state));
	}
	if (!any)
		sbuf_add(b, "<span class=\"muted\">—</span>");
	sbuf_add(b, "</td></tr>");
	return 0;
}

static int outbox_row_html(const struct outbox_row *o, void *arg)
{
	struct inbox_ctx *x = arg;
	char when[32], nat[24];
	clock_format_local(o->created_at, when, sizeof when);
	phone_national(o->to, nat, sizeof nat);
	x->n++;
	char *text = sc_mask_codes(o->text);
	if (x->csv) {
		char id[24], in[24];
		snprintf(id, sizeof id, "%lld", (long long)o->id);
		snprintf(in, sizeof in, "%lld", (long long)o->inbound_id);
		const char *f[] = { id, when, nat, o->kind, text, o->state, o->error, o->inbound_id ? in : "" };
		sheet_write_row(x->csv, f, (int)ARRAY_LEN(f));
		free(text);
		return 0;
	}
	web_html_out(x->p->b,
		     "<tr><td data-l=\"Lúc tạo\">%s</td><td data-l=\"Gửi tới\">%s</td><td data-l=\"Loại\">%s</td>"
		     "<td data-l=\"Nội dung\"><pre>%s</pre></td><td data-l=\"Trạng thái\">%s</td>",
		     when, nat, kind_vi(o->kind), text, web_html_state(o->state));
	free(text);
	if (o->error[0])
		web_html_out(x->p->b, "<td data-l=\"Lỗi\" class=\"bad\">%s</td></tr>", o->error);
	else
		sbuf_add(x->p->b, "<td class=\"empty\"></td></tr>");
	return 0;
}

static void page_inbox(struct page *p)
{
	struct sbuf *b = p->b;
	struct reply_list rl = { NULL, 0, 0 };
	if (store_outbox_each(p->st, 0, reply_add, &rl) != STORE_OK) {
		reply_list_free(&rl);
		db_error(p);
		return;
	}
	web_html_head(b, "Tin nhắn đến", p->user, p->csrf);
	web_html_out(b,
		     "<h1>Tin nhắn đến</h1><p class=\"muted\">Mọi tin SMS gửi tới số của Loa, Loa đã làm gì và vì sao, "
		     "và tin Loa trả lời; mới nhất trước (%d tin gần nhất). Chỉ để xem.</p>"
		     "<p class=\"links noprint\"><a href=\"/inbox.csv\">Tải CSV tin đến</a>"
		     "<a href=\"/outbox.csv\">Tải CSV tin trả lời</a></p>"
		     "<div class=\"wrap\"><table class=\"stack\"><tr><th>Lúc nhận</th><th>Người gửi</th><th>Nội dung</th><th>Quyết định</th>"
		     "<th>Lý do</th><th>Trả lời</th></tr>",
		     INBOX_PAGE_ROWS);
	struct inbox_ctx x = { p, NULL, &rl, 0 };
	int rc = store_inbound_each(p->st, INBOX_PAGE_ROWS, inbound_row, &x);
	sbuf_add(b, "</table></div>");
	if (rc == STORE_OK && !x.n)
		sbuf_add(b, "<p>Chưa có tin nhắn đến nào.</p>");
	if (rc == STORE_OK) {
		sbuf_add(b, "<h2>Tin Loa đã gửi đi (trả lời, báo cáo, chuyển tiếp)</h2><div class=\"wrap\"><table class=\"stack\"><tr>"
			    "<th>Lúc tạo</th><th>Gửi tới</th><th>Loại</th><th>Nội dung</th><th>Trạng thái</th><th>Lỗi</th></tr>");
		x.n = 0;
		rc = store_outbox_each(p->st, INBOX_PAGE_ROWS, outbox_row_html, &x);
		sbuf_add(b, "</table></div>");
		if (rc == STORE_OK && !x.n)
			sbuf_add(b, "<p>Chưa có tin trả lời nào.</p>");
	}
	reply_list_free(&rl);
	if (rc != STORE_OK) {
		db_error(p);
		return;
	}
	web_html_foot(b);
}

static void csv_inbox(struct page *p)
{
	static const char *const cols[] = { "inbound", "received", "modem", "sender", "sender_name", "text",
					    "decision", "reason", "replies" };
	struct reply_list rl = { NULL, 0, 0 };
	if (store_outbox_each(p->st, 0, reply_add, &rl) != STORE_OK) {
		reply_list_free(&rl);
		db_error(p);
		return;
	}
	struct csv_out c;
	FILE *f = csv_begin(p, &c, "tin-den.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct inbox_ctx x = { p, f, &rl, 0 };
	csv_end(p, &c, store_inbound_each(p->st, 0, inbound_row, &x));
	reply_list_free(&rl);
}

static void csv_outbox(struct page *p)
{
	static const char *const cols[] = { "outbox", "created", "to", "kind", "text", "state", "error", "inbound" };
	struct reply_list rl = { NULL, 0, 0 };
	struct csv_out c;
	FILE *f = csv_begin(p, &c, "tin-tra-loi.csv");
	sheet_write_bom(f);
	sheet_write_row(f, cols, (int)ARRAY_LEN(cols));
	struct inbox_ctx x = { p, f, &rl, 0 };
	csv_end(p, &c, store_outbox_each(p->st, 0, outbox_row_html, &x));
}

/* ---- routing and the gate ---- */

enum { M_GET = 1, M_POST = 2 };

static const struct route {
	const char *path;
	int method;
	int session;          /* 1: needs a live session */
	void (*fn)(struct page *p);
} routes[] = {
	{ "/login", M_GET, 0, page_login },
	{ "/login", M_POST, 0, post_login },
	{ "/logout", M_POST, 1, post_logout },
	{ "/", M_GET, 1, page_notices },
	{ "/notices.csv", M_GET, 1, csv_notices },
	{ "/notice", M_GET, 1, page_notice },
	{ "/notice.csv", M_GET, 1, csv_notice },
	{ "/notice/cancel", M_POST, 1, post_cancel },
	{ "/unreached", M_GET, 1, page_unreached },
	{ "/household", M_GET, 1, page_household },
	{ "/household.csv", M_GET, 1, csv_household },
	{ "/new", M_GET, 1, page_new },
	{ "/new", M_POST, 1, page_new },
	{ "/new/preview", M_POST, 1, post_preview },
	{ "/new/create", M_POST, 1, post_create },
	{ "/modems", M_GET, 1, page_modems },
	{ "/modems.csv", M_GET, 1, csv_modems },
	{ "/inbox", M_GET, 1, page_inbox },
	{ "/inbox.csv", M_GET, 1, csv_inbox },
	{ "/outbox.csv", M_GET, 1, csv_outbox },
};

void web_page_handle(struct web_app *app, const struct web_request *rq, struct web_reply *rep)
{
	struct page p;
	memset(&p, 0, sizeof p);
	p.app = app;
	p.st = app->st;
	p.rq = rq;
	p.rep = rep;
	p.b = &rep->body;
	int method = strcmp(rq->method, "POST") == 0 ? M_POST
		     : (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) ? M_GET : 0;
	if (!method) {
		rep->allow = "GET, HEAD, POST";
		web_page_error(rep, 405, "Chỉ nhận GET, HEAD và POST.");
		return;
	}
	struct store_web_session sess;
	if (web_req_cookie(rq->cookie, WEB_COOKIE_SESSION, p.token, sizeof p.token) == 0) {
		int rc = web_auth_session(p.st, p.token, &sess);
		if (rc == STORE_OK) {
			p.user = sess.user;
			web_auth_csrf(p.token, p.csrf);
		} else if (rc != STORE_NOTFOUND) {
			db_error(&p);
			return;
		}
	}
	const struct route *hit = NULL;
	int path_known = 0, allowed = 0;
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		if (strcmp(routes[i].path, rq->path) != 0)
			continue;
		path_known = 1;
		allowed |= routes[i].method;
		if (routes[i].method == method)
			hit = &routes[i];
	}
	int needs_session = !hit || hit->session;
	if (needs_session && !p.user) {
		if (method == M_GET)
			redirect(rep, "/login");
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
}
