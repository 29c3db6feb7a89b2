/* web_hub — see web_hub.h: `loa web --hub`'s pages (the gateways, the hub
 * notices, one hub notice's report and visit lists, a new hub notice) and
 * its JSON API.  The figures come from the same functions as `loa hub
 * report` (db/hub_report.h) and `loa hub notice send` (domain/hub_notice.h),
 * so the page, the API and the command never disagree. */
#include "web/web_hub.h"
#include "web/web_page_int.h"

#include "base/clock.h"
#include "base/log.h"
#include "base/phone.h"
#include "base/util.h"
#include "db/hub_report.h"
#include "db/hub_store.h"
#include "db/hub_web.h"
#include "db/store.h"
#include "domain/hub_notice.h"
#include "web/web_api.h"
#include "web/web_html.h"
#include "web/web_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_JSON "application/json; charset=utf-8"

/* ---- the connection ---- */

int web_hub_open(struct web_app *app, char *err, size_t errlen)
{
	const struct web_cfg *c = &app->cfg;
	if (!c->hub_url[0]) {
		snprintf(err, errlen, "loa web --hub: [hub] url is not set");
		return -1;
	}
	struct hub_cred cred;
	memset(&cred, 0, sizeof cred);
	char e[480];
	if (c->hub_credentials[0] && hub_cred_read(c->hub_credentials, &cred, e, sizeof e) != HUB_OK) {
		snprintf(err, errlen, "[hub] credentials: %s", e);
		return -1;
	}
	struct hub *h = NULL;
	int rc = hub_open(c->hub_url, c->hub_credentials[0] ? &cred : NULL, &h, err, errlen);
	memset(&cred, 0, sizeof cred);
	if (rc != HUB_OK)
		return -1;
	int v = 0;
	if (hub_web_session(h) != HUB_OK || hub_version(h, &v) != HUB_OK) {
		snprintf(err, errlen, "hub: %s", hub_errmsg(h));
		hub_close(h);
		return -1;
	}
	if (v < hub_latest_version()) {
		snprintf(err, errlen, "hub: the database is at version %d, this Loa needs %d: run loa hub init on the hub", v,
			 hub_latest_version());
		hub_close(h);
		return -1;
	}
	app->hub = h;
	return 0;
}

void web_hub_close(struct web_app *app)
{
	if (app->hub)
		hub_close(app->hub);
	app->hub = NULL;
}

/* The hub, connected again if it was down; NULL after a 503 page. */
static struct hub *hub_get(struct web_page *p)
{
	if (!p->app->hub) {
		char err[512];
		if (web_hub_open(p->app, err, sizeof err) != 0) {
			LOG_W("web", "%s %s: %s", p->rq->method, p->rq->path, err);
			web_page_error(p->rep, 503, "Không kết nối được máy chủ trung tâm (hub); xem nhật ký của Loa.");
			return NULL;
		}
	}
	return p->app->hub;
}

/* A hub call failed: logged; the link dropped when it broke (the next
 * request connects again). */
static void hub_failed(struct web_app *app, const char *method, const char *path, int rc)
{
	LOG_E("web", "%s %s: hub: %s", method, path, app->hub ? hub_errmsg(app->hub) : "?");
	/* connect again next time: cheap, and a broken link may not say so */
	if (rc != HUB_NOTFOUND && rc != HUB_DENIED)
		web_hub_close(app);
}

static void page_hub_error(struct web_page *p, int rc)
{
	hub_failed(p->app, p->rq->method, p->rq->path, rc);
	web_page_error(p->rep, 503, "Lỗi khi đọc máy chủ trung tâm (hub); hãy thử lại sau, hoặc xem nhật ký của Loa.");
}

/* ---- small helpers ---- */

int web_hub_stale(int64_t synced_at, int64_t now, int sync_s)
{
	if (synced_at <= 0)
		return 1;
	if (sync_s < 1)
		sync_s = 1;
	return now - synced_at > 2 * (int64_t)sync_s;
}

void web_hub_age(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%lld giây", (long long)s);
	else if (s < 120 * 60)
		snprintf(buf, len, "%lld phút", (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(buf, len, "%lld giờ", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lld ngày", (long long)(s / 86400));
}

/* A time and how long ago: "2026-12-06 09:30 (3 phút trước)". */
static void time_ago(struct sbuf *b, int64_t at, int64_t now)
{
	char age[32];
	web_html_time(b, at);
	web_hub_age(now - at, age, sizeof age);
	web_html_out(b, " <small>(%s trước)</small>", age);
}

/* "sms: failed, voice: unreached" -> "SMS: lỗi, Gọi điện: không liên lạc được" */
static void states_vi(struct sbuf *b, const char *states)
{
	char *copy = xstrdup(states), *save = NULL;
	int i = 0;
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		while (*s == ' ')
			s++;
		char *colon = strstr(s, ": ");
		if (i++)
			sbuf_add(b, ", ");
		if (!colon) {
			web_html_esc(b, web_html_state(s));
			continue;
		}
		*colon = '\0';
		const char *ch = !strcmp(s, "sms") ? "SMS" : !strcmp(s, "voice") ? "Gọi điện" : s;
		web_html_out(b, "%s: %s", ch, web_html_state(colon + 2));
	}
	free(copy);
}

static const char *notice_state_vi(const char *state)
{
	return !strcmp(state, "active") ? "đang hiệu lực" : !strcmp(state, "cancelled") ? "đã hủy" : state;
}

/* "all" -> "tất cả các trạm", "gateway tan-loi" -> "trạm tan-loi", "group x" -> "nhóm trạm x" */
static void to_vi(struct sbuf *b, const char *to)
{
	char *copy = xstrdup(to ? to : ""), *save = NULL;
	int i = 0;
	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		while (*s == ' ')
			s++;
		if (i++)
			sbuf_add(b, ", ");
		if (!strcmp(s, "all"))
			sbuf_add(b, "tất cả các trạm");
		else if (!strncmp(s, "gateway ", 8))
			web_html_out(b, "trạm %s", s + 8);
		else if (!strncmp(s, "group ", 6))
			web_html_out(b, "nhóm trạm %s", s + 6);
		else
			web_html_esc(b, s);
	}
	free(copy);
}

/* ---- GET /: the gateways ---- */

struct gw_page {
	struct web_page *p;
	int64_t now;
	int n, stale;
};

/* The daemon as the gateway last said it (at its last push). */
static void daemon_cell(struct sbuf *b, const struct hub_gw_status *s)
{
	if (!s->health) {
		sbuf_add(b, "<td data-l=\"Loa\" class=\"muted\">chưa báo</td>");
		return;
	}
	if (!s->heartbeat_at) {
		sbuf_add(b, "<td data-l=\"Loa\" class=\"bad\">chưa chạy lần nào</td>");
	} else if (s->stopped_at || s->health_at - s->heartbeat_at > 90) {
		sbuf_add(b, "<td data-l=\"Loa\" class=\"bad\">không chạy từ ");
		web_html_time(b, s->stopped_at ? s->stopped_at : s->heartbeat_at);
		sbuf_add(b, "</td>");
	} else {
		sbuf_add(b, "<td data-l=\"Loa\" class=\"ok\">đang chạy</td>");
	}
}

static int gw_row(const struct hub_gw_status *s, void *arg)
{
	struct gw_page *g = arg;
	struct sbuf *b = g->p->b;
	int stale = web_hub_stale(s->synced_at, g->now, g->p->app->cfg.hub_sync_s);
	g->n++;
	g->stale += stale;
	web_html_out(b, "<tr%s><td data-l=\"Trạm\"><b>%s</b>", stale ? " class=\"urgent-row\"" : "", s->id);
	if (s->name[0])
		web_html_out(b, "<br>%s", s->name);
	sbuf_add(b, "</td><td data-l=\"Đồng bộ lần cuối\"");
	if (stale)
		sbuf_add(b, " class=\"bad\"><span class=\"urgent\">mất liên lạc</span> ");
	else
		sbuf_add(b, ">");
	if (s->synced_at)
		time_ago(b, s->synced_at, g->now);
	else
		sbuf_add(b, "chưa đồng bộ lần nào");
	sbuf_add(b, "</td>");
	if (s->households >= 0)
		web_html_out(b, "<td data-l=\"Số hộ\">%d</td>", s->households);
	else
		sbuf_add(b, "<td data-l=\"Số hộ\" class=\"muted\">?</td>");
	if (!s->health) {
		sbuf_add(b, "<td data-l=\"Modem\" class=\"muted\">?</td>");
	} else {
		int bad = !s->modems_total || s->modems_ready < s->modems_total;
		web_html_out(b, "<td data-l=\"Modem\" class=\"%s\">%d/%d sẵn sàng", bad ? "bad" : "ok", s->modems_ready,
			     s->modems_total);
		if (s->detail[0])
			web_html_out(b, "<br><small>%s</small>", s->detail);
		sbuf_add(b, "</td>");
	}
	if (s->health && s->balance_min >= 0) {
		web_html_out(b, "<td data-l=\"Số dư thấp nhất\">%lld đ<br>", (long long)s->balance_min);
		time_ago(b, s->balance_at, g->now);
		sbuf_add(b, "</td>");
	} else {
		sbuf_add(b, "<td data-l=\"Số dư thấp nhất\" class=\"muted\">chưa biết</td>");
	}
	daemon_cell(b, s);
	sbuf_add(b, "</tr>");
	return 0;
}

void web_hub_gateways(struct web_page *p)
{
	struct hub *h = hub_get(p);
	if (!h)
		return;
	struct sbuf *b = p->b;
	web_html_head_hub(b, "Các trạm", p->user, p->csrf);
	struct gw_page g = { p, clock_wall_s(), 0, 0 };
	web_html_out(b,
		     "<h1>Các trạm</h1><p class=\"muted\">Mỗi trạm đồng bộ %d giây một lần; trạm không đồng bộ quá "
		     "%d giây bị đánh dấu <span class=\"urgent\">mất liên lạc</span>. Modem và số dư: như trạm báo ở lần "
		     "đồng bộ cuối.</p><div class=\"wrap\"><table class=\"stack\"><tr><th>Trạm</th><th>Đồng bộ lần cuối</th>"
		     "<th>Số hộ</th><th>Modem</th><th>Số dư thấp nhất</th><th>Loa</th></tr>",
		     p->app->cfg.hub_sync_s, 2 * p->app->cfg.hub_sync_s);
	int rc = hub_gw_status_each(h, gw_row, &g);
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	if (!g.n)
		sbuf_add(b, "<tr><td colspan=\"6\" class=\"empty\">Chưa có trạm nào (loa hub gateway add).</td></tr>");
	web_html_out(b, "</table></div><p>%d trạm, %d mất liên lạc.</p>", g.n, g.stale);
	web_html_foot(b);
}

/* ---- GET /hub/notices ---- */

/* The first `chars` characters of s (UTF-8), "…" when cut. */
static void text_head(struct sbuf *b, const char *s, int chars)
{
	size_t i = 0;
	int n = 0;
	while (s[i] && n < chars) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	char *head = xstrdup(s);
	head[i] = '\0';
	for (char *c = head; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	web_html_out(b, "%s%s", head, s[i] ? "…" : "");
	free(head);
}

struct sum_page {
	struct web_page *p;
	int n;
};

static int sum_row(const struct hub_notice_sum *s, void *arg)
{
	struct sum_page *sp = arg;
	struct sbuf *b = sp->p->b;
	sp->n++;
	web_html_out(b, "<tr%s><td data-l=\"Số\"><a href=\"/hub/notice?id=%lld\">%lld</a></td><td data-l=\"Tạo lúc\">",
		     s->urgent ? " class=\"urgent-row\"" : "", (long long)s->id, (long long)s->id);
	web_html_time(b, s->created_at);
	sbuf_add(b, "</td><td data-l=\"Gửi tới\">");
	to_vi(b, s->to);
	if (s->urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	web_html_out(b,
		     "</td><td data-l=\"Trạm đã nhận\">%d/%d%s</td><td data-l=\"Số hộ\">%d</td><td data-l=\"Đã nhận\" "
		     "class=\"ok\">%d</td><td data-l=\"Chưa nhận\" class=\"%s\">%d</td><td data-l=\"Đang gửi\">%d</td>"
		     "<td data-l=\"Nội dung\">",
		     s->taken, s->gateways, s->refused ? " (có trạm từ chối)" : "", s->households, s->reached,
		     s->unreached ? "bad" : "", s->unreached, s->pending);
	text_head(b, s->text, 60);
	if (strcmp(s->state, "active") != 0)
		web_html_out(b, " <small>(%s)</small>", notice_state_vi(s->state));
	sbuf_add(b, "</td></tr>");
	return 0;
}

void web_hub_notices(struct web_page *p)
{
	struct hub *h = hub_get(p);
	if (!h)
		return;
	struct sbuf *b = p->b;
	web_html_head_hub(b, "Thông báo chung", p->user, p->csrf);
	sbuf_add(b, "<h1>Thông báo chung</h1><p><a class=\"btn\" href=\"/hub/new\">Tạo thông báo chung</a></p>"
		    "<div class=\"wrap\"><table class=\"stack\"><tr><th>Số</th><th>Tạo lúc</th><th>Gửi tới</th>"
		    "<th>Trạm đã nhận</th><th>Số hộ</th><th>Đã nhận</th><th>Chưa nhận</th><th>Đang gửi</th>"
		    "<th>Nội dung</th></tr>");
	struct sum_page sp = { p, 0 };
	int rc = hub_notice_sums(h, 0, 50, 1, clock_wall_s() - p->app->cfg.report_wait_s, sum_row, &sp);
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	if (!sp.n)
		sbuf_add(b, "<tr><td colspan=\"9\" class=\"empty\">Chưa có thông báo chung nào.</td></tr>");
	sbuf_add(b, "</table></div><p class=\"muted\">50 thông báo mới nhất.</p>");
	web_html_foot(b);
}

/* ---- GET /hub/notice?id= ---- */

struct report_page {
	struct web_page *p;
	int gateways, taken, refused, waiting;
	int households, reached, pending, unreached;
	char gateway[40];
	int visits;
};

static int head_row(const struct hub_notice_sum *s, void *arg)
{
	struct web_page *p = arg;
	struct sbuf *b = p->b;
	char src[160];
	web_html_out(b, "<h1>Thông báo chung số %lld", (long long)s->id);
	if (s->urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	web_html_out(b, "</h1><pre>%s</pre><p>Gửi tới: ", s->text);
	to_vi(b, s->to);
	web_html_out(b, " · tạo lúc ");
	web_html_time(b, s->created_at);
	web_html_out(b, " bởi %s · %s</p>", web_page_source(s->source, src, sizeof src), notice_state_vi(s->state));
	if (strcmp(s->state, "active") == 0) {
		web_html_out(b, "<form method=\"post\" action=\"/hub/notice/cancel\" class=\"noprint\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">",
			     (long long)s->id);
		web_html_csrf(b, p->csrf);
		sbuf_add(b, "<button class=\"btn danger\" type=\"submit\">Hủy thông báo chung…</button></form>");
	}
	return 0;
}

static int reach_row(const struct hub_reach *r, void *arg)
{
	struct report_page *rp = arg;
	struct sbuf *b = rp->p->b;
	rp->gateways++;
	web_html_out(b, "<tr><td data-l=\"Trạm\"><b>%s</b>", r->gateway_id);
	if (r->gateway_name[0])
		web_html_out(b, "<br>%s", r->gateway_name);
	sbuf_add(b, "</td>");
	if (r->taken && r->local_notice_id) {
		rp->taken++;
		rp->households += r->households;
		rp->reached += r->reached;
		rp->pending += r->pending;
		rp->unreached += r->unreached;
		web_html_out(b,
			     "<td data-l=\"Trạng thái\">đã nhận (thông báo số %lld ở trạm)</td><td data-l=\"Số hộ\">%d</td>"
			     "<td data-l=\"Đã nhận\" class=\"ok\">%d</td><td data-l=\"Chưa nhận\" class=\"%s\">%d</td>"
			     "<td data-l=\"Đang gửi\">%d</td>",
			     (long long)r->local_notice_id, r->households, r->reached, r->unreached ? "bad" : "",
			     r->unreached, r->pending);
	} else if (r->taken) {
		rp->refused++;
		web_html_out(b, "<td data-l=\"Trạng thái\" class=\"bad\" colspan=\"5\">trạm từ chối: %s</td>", r->note);
	} else {
		rp->waiting++;
		sbuf_add(b, "<td data-l=\"Trạng thái\" colspan=\"5\">chưa nhận (trạm chưa đồng bộ từ khi có thông báo)</td>");
	}
	sbuf_add(b, "<td data-l=\"Đồng bộ lần cuối\">");
	if (r->synced_at)
		time_ago(b, r->synced_at, clock_wall_s());
	else
		sbuf_add(b, "chưa lần nào");
	sbuf_add(b, "</td></tr>");
	return 0;
}

static int visit_row(const struct hub_unreached *u, void *arg)
{
	struct report_page *rp = arg;
	struct sbuf *b = rp->p->b;
	if (strcmp(rp->gateway, u->gateway_id) != 0) {
		if (rp->gateway[0])
			sbuf_add(b, "</table></div>");
		snprintf(rp->gateway, sizeof rp->gateway, "%s", u->gateway_id);
		web_html_out(b,
			     "<h3>Trạm %s</h3><div class=\"wrap\"><table class=\"stack\"><tr><th>Hộ</th><th>Số điện "
			     "thoại</th><th>Nhóm</th><th>Địa chỉ</th><th>Đã thử</th></tr>",
			     u->gateway_id);
	}
	rp->visits++;
	if (u->listed) {
		char nat[24];
		phone_national(u->phone, nat, sizeof nat);
		web_html_out(b,
			     "<tr><td data-l=\"Hộ\">%s</td><td data-l=\"Số điện thoại\">%s</td><td data-l=\"Nhóm\">%s</td>"
			     "<td data-l=\"Địa chỉ\">%s</td>",
			     u->name, nat, u->groups, u->address);
	} else {
		web_html_out(b,
			     "<tr><td data-l=\"Hộ\" colspan=\"4\">hộ số %lld <small class=\"muted\">(trạm chỉ gửi số lượng, "
			     "không gửi tên)</small></td>",
			     (long long)u->household_id);
	}
	sbuf_add(b, "<td data-l=\"Đã thử\">");
	states_vi(b, u->states);
	sbuf_add(b, "</td></tr>");
	return 0;
}

void web_hub_notice(struct web_page *p)
{
	int64_t id;
	if (web_page_query_id(p, "id", &id) != 0)
		return;
	struct hub *h = hub_get(p);
	if (!h)
		return;
	struct sbuf *b = p->b;
	int64_t sent_after = clock_wall_s() - p->app->cfg.report_wait_s;
	web_html_head_hub(b, "Thông báo chung", p->user, p->csrf);
	const char *created = web_req_form_get(&p->rq->query, "created");
	if (created && !strcmp(created, "1"))
		web_html_out(b, "<p class=\"flash\">Đã tạo thông báo chung số %lld. Các trạm nhận ở lần đồng bộ tới.</p>",
			     (long long)id);
	const char *cancelled = web_req_form_get(&p->rq->query, "cancelled");
	if (cancelled && !strcmp(cancelled, "1"))
		web_html_out(b, "<p class=\"flash\">Đã hủy thông báo chung số %lld. Trạm nào chưa nhận sẽ không nhận; "
				"trạm đã nhận sẽ hủy các lượt gửi đang chờ ở lần đồng bộ tới.</p>",
			     (long long)id);
	int rc = hub_notice_sums(h, id, 1, 0, sent_after, head_row, p);
	if (rc == HUB_NOTFOUND) {
		web_page_error(p->rep, 404, "Không có thông báo chung này.");
		return;
	}
	struct report_page rp;
	memset(&rp, 0, sizeof rp);
	rp.p = p;
	if (rc == HUB_OK) {
		sbuf_add(b, "<h2>Theo từng trạm</h2><div class=\"wrap\"><table class=\"stack\"><tr><th>Trạm</th>"
			    "<th>Trạng thái</th><th>Số hộ</th><th>Đã nhận</th><th>Chưa nhận</th><th>Đang gửi</th>"
			    "<th>Đồng bộ lần cuối</th></tr>");
		rc = hub_report_each(h, id, sent_after, reach_row, &rp);
	}
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	web_html_out(b,
		     "<tr><th>Tổng</th><th>%d trạm: %d đã nhận, %d từ chối, %d chưa nhận</th><th>%d</th><th>%d</th>"
		     "<th>%d</th><th>%d</th><th></th></tr></table></div>",
		     rp.gateways, rp.taken, rp.refused, rp.waiting, rp.households, rp.reached, rp.unreached, rp.pending);
	web_html_out(b, "<p>Số hộ %d: %d đã nhận, %d chưa nhận, %d đang gửi.</p>", rp.households, rp.reached,
		     rp.unreached, rp.pending);
	sbuf_add(b, "<h2>Chưa nhận được — cần đến tận nhà</h2><p class=\"muted\">Tên và số điện thoại chỉ có ở các trạm "
		    "gửi danh sách hộ ([hub] households = list).</p>");
	rc = hub_unreached_each(h, id, sent_after, visit_row, &rp);
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	if (rp.gateway[0])
		sbuf_add(b, "</table></div>");
	else
		sbuf_add(b, "<p>Không có hộ nào.</p>");
	web_html_foot(b);
}

/* ---- a new hub notice: form -> preview -> create ---- */

struct hub_draft {
	char *text;              /* CRLF made LF; owned */
	char to[80];             /* "all", "gateway:ID", "group:ID" */
	int channels, urgent;
};

static void read_hub_draft(struct web_page *p, struct hub_draft *d)
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
	const char *to = web_req_form_get(f, "to");
	/* longer than any id: kept as an obviously bad value, never cut into a valid one */
	snprintf(d->to, sizeof d->to, "%s", to && strlen(to) < sizeof d->to ? to : to ? "?" : "");
	if (web_req_form_get(f, "sms"))
		d->channels |= CH_SMS;
	if (web_req_form_get(f, "voice"))
		d->channels |= CH_VOICE;
	d->urgent = web_req_form_get(f, "urgent") != NULL;
}

struct form_ctx {
	struct sbuf *b;
	const char *to;
	int n;
};

static int gw_radio(const struct hub_gw_status *s, void *arg)
{
	struct form_ctx *c = arg;
	char v[64];
	snprintf(v, sizeof v, "gateway:%s", s->id);
	web_html_out(c->b, "<label><input type=\"radio\" name=\"to\" value=\"%s\"%s> Trạm %s", v,
		     !strcmp(c->to, v) ? " checked" : "", s->id);
	if (s->name[0])
		web_html_out(c->b, " — %s", s->name);
	if (s->households >= 0)
		web_html_out(c->b, " (%d hộ)", s->households);
	sbuf_add(c->b, "</label>");
	c->n++;
	return 0;
}

static int group_radio(const struct hub_group_row *g, void *arg)
{
	struct form_ctx *c = arg;
	char v[64];
	snprintf(v, sizeof v, "group:%s", g->id);
	web_html_out(c->b, "<label><input type=\"radio\" name=\"to\" value=\"%s\"%s> Nhóm trạm %s", v,
		     !strcmp(c->to, v) ? " checked" : "", g->id);
	if (g->name[0])
		web_html_out(c->b, " — %s", g->name);
	web_html_out(c->b, " (%d trạm: %s)</label>", g->gateways, g->members);
	c->n++;
	return 0;
}

static void hub_form(struct web_page *p, const struct hub_draft *d, const char *err)
{
	struct hub *h = hub_get(p);
	if (!h)
		return;
	struct sbuf *b = p->b;
	const struct notice_cfg *cfg = &p->app->cfg.notice;
	web_html_head_hub(b, "Tạo thông báo chung", p->user, p->csrf);
	sbuf_add(b, "<h1>Tạo thông báo chung</h1>");
	if (err)
		web_html_out(b, "<p class=\"err\">%s</p>", err);
	sbuf_add(b, "<form method=\"post\" action=\"/hub/new/preview\">");
	web_html_csrf(b, p->csrf);
	web_html_out(b,
		     "<label>Nội dung (tối đa %d ký tự)<br><textarea name=\"text\" rows=\"5\" maxlength=\"%d\" "
		     "required>%s</textarea></label><fieldset><legend>Gửi tới</legend>",
		     cfg->max_chars, cfg->max_chars, d && d->text ? d->text : "");
	const char *to = d ? d->to : "";
	web_html_out(b, "<label><input type=\"radio\" name=\"to\" value=\"all\"%s> Tất cả các trạm</label>",
		     !strcmp(to, "all") ? " checked" : "");
	struct form_ctx c = { b, to, 0 };
	int rc = hub_gw_status_each(h, gw_radio, &c);
	if (rc == HUB_OK)
		rc = hub_group_each(h, group_radio, &c);
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	int ch = d && d->channels ? d->channels : CH_BOTH;
	web_html_out(b,
		     "</fieldset><fieldset><legend>Kênh</legend>"
		     "<label><input type=\"checkbox\" name=\"sms\" value=\"1\"%s> Tin nhắn SMS</label>"
		     "<label><input type=\"checkbox\" name=\"voice\" value=\"1\"%s> Gọi điện đọc thông báo</label>"
		     "</fieldset><label><input type=\"checkbox\" name=\"urgent\" value=\"1\"%s> Khẩn cấp "
		     "(gửi cả trong giờ yên tĩnh, cả hộ đã từ chối)</label>"
		     "<p class=\"muted\">Mỗi trạm nhận thông báo ở lần đồng bộ tới và gửi theo quy định của trạm "
		     "(giờ yên tĩnh, kênh của từng hộ, hộ từ chối).</p>"
		     "<p><button class=\"btn\" type=\"submit\">Xem trước</button></p></form>",
		     ch & CH_SMS ? " checked" : "", ch & CH_VOICE ? " checked" : "", d && d->urgent ? " checked" : "");
	web_html_foot(b);
}

void web_hub_new(struct web_page *p)
{
	if (strcmp(p->rq->method, "POST") == 0) {
		struct hub_draft d;
		read_hub_draft(p, &d);
		hub_form(p, &d, NULL);
		free(d.text);
	} else {
		hub_form(p, NULL, NULL);
	}
}

/* hub_notice_plan's refusal in Vietnamese. */
static void plan_err_vi(const struct hub_notice_plan *pl, const struct notice_cfg *cfg, const char *to,
			const char *err, char *buf, size_t len)
{
	if (pl->text.why) {
		web_draft_plan_err_vi(&pl->text, err, buf, len);
	} else if (strstr(err, "no gateway yet")) {
		snprintf(buf, len, "Máy chủ trung tâm chưa có trạm nào (loa hub gateway add).");
	} else if (strstr(err, "has no gateway")) {
		snprintf(buf, len, "Nhóm trạm \"%.40s\" chưa có trạm nào (loa hub group add).", pl->target);
	} else if (strstr(err, "both a gateway and")) {
		snprintf(buf, len, "\"%.40s\" vừa là trạm vừa là nhóm trạm: hãy viết gateway:%.40s hoặc group:%.40s.", to,
			 to, to);
	} else if (!strncmp(err, "--to", 4)) {
		snprintf(buf, len, "Không có trạm hay nhóm trạm \"%.40s\".", to);
	} else if (pl->parts > cfg->sms_max_parts) {
		snprintf(buf, len, "Tin cần %d phần SMS (%s); tối đa %d phần (sms.max_parts). Hãy viết ngắn lại.", pl->parts,
			 pl->unaccented_sms ? "không dấu" : "có dấu", cfg->sms_max_parts);
	} else {
		snprintf(buf, len, "Thông báo không hợp lệ (%.200s).", err);
	}
}

/* Plans the draft; on a problem shows the form again (400) or an error
 * page.  0 with *plan to free. */
static int plan_hub_draft(struct web_page *p, struct hub_draft *d, struct hub_notice_plan *plan)
{
	if (!d->text || !d->text[0] || !d->to[0]) {
		p->rep->status = 400;
		hub_form(p, d, !d->to[0] ? "Hãy chọn nơi gửi tới." : "Hãy nhập nội dung.");
		return -1;
	}
	if (!d->channels) {
		p->rep->status = 400;
		hub_form(p, d, "Hãy chọn ít nhất một kênh.");
		return -1;
	}
	struct hub *h = hub_get(p);
	if (!h)
		return -1;
	char err[512];
	const struct notice_cfg *cfg = &p->app->cfg.notice;
	int rc = hub_notice_plan(h, cfg, d->text, d->to, d->channels, d->urgent, plan, err, sizeof err);
	if (rc == EXIT_USAGE) {
		char vi[320];
		plan_err_vi(plan, cfg, d->to, err, vi, sizeof vi);
		hub_notice_plan_free(plan);
		p->rep->status = 400;
		hub_form(p, d, vi);
		return -1;
	}
	if (rc != EXIT_OK) {
		hub_notice_plan_free(plan);
		LOG_E("web", "hub notice plan: %s", err);
		hub_failed(p->app, p->rq->method, p->rq->path, HUB_DOWN);
		web_page_error(p->rep, 503, "Lỗi khi đọc máy chủ trung tâm (hub); hãy thử lại sau.");
		return -1;
	}
	return 0;
}

static void hub_draft_hidden(struct sbuf *b, const struct hub_draft *d)
{
	web_draft_hidden(b, d->text, d->to, d->channels, d->urgent);
}

void web_hub_preview(struct web_page *p)
{
	struct hub_draft d;
	read_hub_draft(p, &d);
	struct hub_notice_plan plan;
	if (plan_hub_draft(p, &d, &plan) != 0) {
		free(d.text);
		return;
	}
	const struct notice_cfg *cfg = &p->app->cfg.notice;
	struct sbuf *b = p->b;
	web_html_head_hub(b, "Xem trước thông báo chung", p->user, p->csrf);
	web_html_out(b, "<h1>Xem trước — chưa gửi</h1><pre>%s</pre><div class=\"wrap\"><table>", plan.text.text);
	sbuf_add(b, "<tr><th>Gửi tới</th><td>");
	if (!strcmp(plan.kind, "all"))
		sbuf_add(b, "tất cả các trạm");
	else
		web_html_out(b, "%s %s", !strcmp(plan.kind, "group") ? "nhóm trạm" : "trạm", plan.target);
	if (d.urgent)
		sbuf_add(b, " <span class=\"urgent\">KHẨN</span>");
	web_html_out(b, "</td></tr><tr><th>Số trạm</th><td>%d<ul>", plan.ngw);
	for (int i = 0; i < plan.ngw; i++) {
		const struct hub_notice_gw *g = &plan.gw[i];
		web_html_out(b, "<li>%s%s%s: ", g->id, g->name[0] ? " — " : "", g->name);
		if (g->households >= 0)
			web_html_out(b, "%d hộ</li>", g->households);
		else
			sbuf_add(b, "chưa báo số hộ</li>");
	}
	web_html_out(b, "</ul></td></tr><tr><th>Số hộ</th><td>%d", plan.households);
	if (plan.unknown)
		web_html_out(b, " (%d trạm chưa báo số hộ)", plan.unknown);
	sbuf_add(b, "<br><small>theo số hộ các trạm đã báo; mỗi trạm bỏ qua hộ đã từ chối và hộ không có kênh "
		    "này</small></td></tr>");
	if (plan.channels & CH_SMS) {
		web_html_out(b, "<tr><th>SMS</th><td>tối đa %d tin × %d phần (%s)</td></tr>", plan.households, plan.parts,
			     plan.unaccented_sms ? "không dấu, GSM 7-bit" : "có dấu, Unicode");
		web_html_out(b, "<tr><th>Chi phí SMS</th><td>tối đa khoảng %ld đ (%d đ mỗi phần)</td></tr>", plan.sms_cost,
			     cfg->sms_part_cost);
	} else {
		sbuf_add(b, "<tr><th>SMS</th><td>0</td></tr>");
	}
	if (plan.channels & CH_VOICE) {
		int total = plan.households * plan.text.call_s;
		web_html_out(b,
			     "<tr><th>Cuộc gọi</th><td>tối đa %d cuộc, mỗi cuộc khoảng %d giây (đọc %d lần, ~%d giây mỗi "
			     "lần); tối đa %d phút</td></tr>",
			     plan.households, plan.text.call_s, cfg->call_repeats, plan.text.speech_s, (total + 59) / 60);
	} else {
		sbuf_add(b, "<tr><th>Cuộc gọi</th><td>0</td></tr>");
	}
	sbuf_add(b, "</table></div>");
	if ((plan.channels & CH_SMS) && plan.parts > 3)
		sbuf_add(b, "<p class=\"err\">Tin dài hơn 3 phần; vài máy cũ có thể cắt hoặc mất tin.</p>");
	if ((plan.channels & CH_SMS) && plan.text.replaced > 0)
		web_html_out(b, "<p class=\"err\">%d ký tự không gửi được khi bỏ dấu và sẽ thành '?'.</p>",
			     plan.text.replaced);
	if ((plan.channels & CH_SMS) && plan.text.ambiguous[0])
		web_html_out(b, "<p class=\"err\">Khi bỏ dấu, các từ này dễ hiểu nhầm: %s</p>", plan.text.ambiguous);
	if ((plan.channels & CH_VOICE) && plan.text.unaccented)
		sbuf_add(b, "<p class=\"err\">" NOTICE_UNACCENTED_VI "</p>");
	sbuf_add(b, "<form method=\"post\" action=\"/hub/new/create\">");
	web_html_csrf(b, p->csrf);
	hub_draft_hidden(b, &d);
	sbuf_add(b, "<p><button class=\"btn\" type=\"submit\">Xác nhận gửi</button></p></form>"
		    "<form method=\"post\" action=\"/hub/new\">");
	web_html_csrf(b, p->csrf);
	hub_draft_hidden(b, &d);
	sbuf_add(b, "<p><button type=\"submit\">Sửa lại</button></p></form>");
	web_html_foot(b);
	hub_notice_plan_free(&plan);
	free(d.text);
}

/* The hub notice made: LOG line and an event in this box's own log. */
static void log_created(struct store *st, int64_t id, const char *who, const struct hub_notice_plan *plan,
			const char *addr)
{
	char detail[256];
	snprintf(detail, sizeof detail, "hub notice %lld by %s to %s%s%s%s", (long long)id, who, plan->kind,
		 plan->target[0] ? " " : "", plan->target, plan->urgent ? " (urgent)" : "");
	if (store_event(st, "hub_notice_created", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
		LOG_E("web", "event: %s", store_errmsg(st));
	LOG_I("web", "%s from %s", detail, addr ? addr : "?");
}

void web_hub_create(struct web_page *p)
{
	struct hub_draft d;
	read_hub_draft(p, &d);
	struct hub_notice_plan plan;
	int rc = plan_hub_draft(p, &d, &plan);
	free(d.text);
	if (rc != 0)
		return;
	char source[96];
	snprintf(source, sizeof source, "web:%s", p->user);
	plan.req.source = source;
	int64_t id = 0;
	rc = hub_notice_add(p->app->hub, &plan.req, clock_wall_s(), &id);
	if (rc != HUB_OK) {
		hub_notice_plan_free(&plan);
		page_hub_error(p, rc);
		return;
	}
	log_created(p->st, id, p->user, &plan, p->rq->addr);
	hub_notice_plan_free(&plan);
	char to[64];
	snprintf(to, sizeof to, "/hub/notice?id=%lld&created=1", (long long)id);
	web_page_redirect(p->rep, to);
}

/* ---- cancelling a hub notice: button -> what it does -> confirm ---- */

struct cancel_view {
	char *text;
	int active;
};

static int cancel_row(const struct hub_notice_sum *s, void *arg)
{
	struct cancel_view *v = arg;
	free(v->text);
	v->text = xstrdup(s->text);
	v->active = strcmp(s->state, "active") == 0;
	return 0;
}

/* POST /hub/notice/cancel: without confirm a page saying what a cancel
 * does, its button posts again with confirm=1 (both carry the CSRF token,
 * the gate checks it); then `loa hub notice cancel`, logged. */
void web_hub_cancel(struct web_page *p)
{
	int64_t id;
	if (web_req_id(web_req_form_get(&p->rq->form, "id"), &id) != 0) {
		web_page_error(p->rep, 400, "Thiếu hoặc sai mã số (id).");
		return;
	}
	struct hub *h = hub_get(p);
	if (!h)
		return;
	char back[64];
	snprintf(back, sizeof back, "/hub/notice?id=%lld", (long long)id);
	struct cancel_view v = { NULL, 0 };
	int rc = hub_notice_sums(h, id, 1, 0, 0, cancel_row, &v);
	if (rc == HUB_NOTFOUND) {
		web_page_error(p->rep, 404, "Không có thông báo chung này.");
		return;
	}
	if (rc != HUB_OK) {
		free(v.text);
		page_hub_error(p, rc);
		return;
	}
	if (!v.active) {
		free(v.text);
		web_page_redirect(p->rep, back);
		return;
	}
	if (!web_req_form_get(&p->rq->form, "confirm")) {
		struct sbuf *b = p->b;
		web_html_head_hub(b, "Hủy thông báo chung", p->user, p->csrf);
		web_html_out(b,
			     "<h1>Hủy thông báo chung số %lld?</h1><pre>%s</pre>"
			     "<p>Trạm nào chưa nhận thông báo này sẽ không nhận nữa.</p>"
			     "<p>Trạm đã nhận sẽ hủy ở lần đồng bộ tới: các lượt gửi đang chờ dừng lại, lượt đang gửi dở "
			     "(đang gửi SMS hoặc đang gọi) sẽ xong và được ghi lại.</p><p>Việc hủy không lấy lại được.</p>"
			     "<form method=\"post\" action=\"/hub/notice/cancel\"><input type=\"hidden\" name=\"id\" "
			     "value=\"%lld\"><input type=\"hidden\" name=\"confirm\" value=\"1\">",
			     (long long)id, v.text, (long long)id);
		web_html_csrf(b, p->csrf);
		web_html_out(b, "<p><button class=\"btn danger\" type=\"submit\">Xác nhận hủy</button></p></form>"
				"<p><a href=\"%s\">Không hủy, quay lại</a></p>",
			     back);
		web_html_foot(b);
		free(v.text);
		return;
	}
	free(v.text);
	rc = hub_notice_cancel(h, id);
	if (rc == HUB_CONFLICT) {
		web_page_redirect(p->rep, back);
		return;
	}
	if (rc != HUB_OK) {
		page_hub_error(p, rc);
		return;
	}
	char detail[160];
	snprintf(detail, sizeof detail, "hub notice %lld cancelled by %s", (long long)id, p->user);
	if (store_event(p->st, "hub_notice_cancelled", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
		LOG_E("web", "event: %s", store_errmsg(p->st));
	LOG_I("web", "%s from %s", detail, p->rq->addr ? p->rq->addr : "?");
	char to[80];
	snprintf(to, sizeof to, "%s&cancelled=1", back);
	web_page_redirect(p->rep, to);
}

/* ---- the JSON API on the hub ---- */

/* The preview lines of `loa hub notice send`, as an array of strings. */
static void preview_text(struct sbuf *b, const struct hub_notice_plan *plan, const struct notice_cfg *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	hub_notice_plan_print(plan, cfg, f);
	fclose(f);
	web_json_lines(b, buf);
	free(buf);
}

static void preview_json(struct sbuf *b, const struct hub_notice_plan *plan, const struct notice_cfg *cfg)
{
	web_json_out(b, "{\"text\":%s,\"to\":{\"kind\":%s,\"target\":%s},\"urgent\":%b,\"gateways\":[", plan->text.text,
		     plan->kind, plan->target[0] ? plan->target : NULL, plan->urgent);
	for (int i = 0; i < plan->ngw; i++) {
		if (i)
			sbuf_addc(b, ',');
		web_json_out(b, "{\"id\":%s,\"name\":%s,", plan->gw[i].id, plan->gw[i].name);
		if (plan->gw[i].households >= 0)
			web_json_out(b, "\"households\":%d}", plan->gw[i].households);
		else
			sbuf_add(b, "\"households\":null}");
	}
	int sms = (plan->channels & CH_SMS) != 0, voice = (plan->channels & CH_VOICE) != 0;
	int total = voice ? plan->households * plan->text.call_s : 0;
	web_json_out(b,
		     "],\"households\":%d,\"gateways_without_count\":%d,\"sms\":{\"messages_at_most\":%d,\"parts\":%d,"
		     "\"encoding\":%s,\"cost_dong_at_most\":%ld,\"part_cost_dong\":%d},",
		     plan->households, plan->unknown, sms ? plan->households : 0, plan->parts,
		     plan->unaccented_sms ? "gsm7" : "ucs2", sms ? plan->sms_cost : 0L, cfg->sms_part_cost);
	web_json_out(b,
		     "\"calls\":{\"count_at_most\":%d,\"seconds_each\":%d,\"readings\":%d,\"seconds_per_reading\":%d,"
		     "\"line_minutes_at_most\":%d}}",
		     voice ? plan->households : 0, plan->text.call_s, cfg->call_repeats, plan->text.speech_s,
		     (total + 59) / 60);
}

static const char *why_code(const struct hub_notice_plan *pl, const struct notice_cfg *cfg, const char *err)
{
	switch (pl->text.why) {
	case NOTICE_WHY_TEXT_UTF8: return "text_not_utf8";
	case NOTICE_WHY_TEXT_CONTROL: return "text_control_character";
	case NOTICE_WHY_TEXT_UNICODE: return "text_bad_unicode";
	case NOTICE_WHY_TEXT_EMPTY: return "text_empty";
	case NOTICE_WHY_TEXT_LONG: return "text_too_long";
	default: break;
	}
	if (strstr(err, "no gateway yet") || strstr(err, "has no gateway"))
		return "no_targets";
	if (strstr(err, "both a gateway and"))
		return "ambiguous_to";
	if (!strncmp(err, "--to", 4))
		return "no_such_gateway_or_group";
	if (pl->parts > cfg->sms_max_parts)
		return "too_many_parts";
	return "invalid_notice";
}

static void api_hub_down(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			 int rc)
{
	hub_failed(app, rq->method, rq->path, rc);
	web_api_error(rep, rq, client, 503, "hub_unavailable", "the hub's database cannot be read now; see Loa's log",
		      "Không đọc được máy chủ trung tâm; xem nhật ký của Loa.");
}

static struct hub *api_hub(struct web_app *app, const struct web_request *rq, struct web_reply *rep,
			   const char *client)
{
	if (!app->hub) {
		char err[512];
		if (web_hub_open(app, err, sizeof err) != 0) {
			LOG_W("web", "API %s %s: %s", rq->method, rq->path, err);
			web_api_error(rep, rq, client, 503, "hub_unavailable", "the hub cannot be reached; see Loa's log",
				      "Không kết nối được máy chủ trung tâm.");
			return NULL;
		}
	}
	return app->hub;
}

void web_hub_api_create(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			const char *text, const char *to, int urgent, int dry_run)
{
	rep->type = TYPE_JSON;
	struct hub *h = api_hub(app, rq, rep, client);
	if (!h)
		return;
	const struct notice_cfg *cfg = &app->cfg.notice;
	struct hub_notice_plan plan;
	char err[512];
	int rc = hub_notice_plan(h, cfg, text, to, 0, urgent, &plan, err, sizeof err);
	if (rc == EXIT_USAGE) {
		char vi[320];
		plan_err_vi(&plan, cfg, to, err, vi, sizeof vi);
		web_api_error(rep, rq, client, 422, why_code(&plan, cfg, err), err, vi);
		hub_notice_plan_free(&plan);
		return;
	}
	if (rc != EXIT_OK) {
		LOG_E("web", "API hub notice plan: %s", err);
		hub_notice_plan_free(&plan);
		api_hub_down(app, rq, rep, client, HUB_DOWN);
		return;
	}
	char source[96];
	snprintf(source, sizeof source, "api:%s", client);
	plan.req.source = source;
	int64_t id = 0;
	if (!dry_run && (rc = hub_notice_add(h, &plan.req, clock_wall_s(), &id)) != HUB_OK) {
		hub_notice_plan_free(&plan);
		api_hub_down(app, rq, rep, client, rc);
		return;
	}
	struct sbuf *b = &rep->body;
	rep->status = dry_run ? 200 : 201;
	if (dry_run) {
		sbuf_add(b, "{\"id\":null,\"created\":false,\"dry_run\":true,\"preview\":");
	} else {
		snprintf(rep->location, sizeof rep->location, "/api/notices/%lld", (long long)id);
		web_json_out(b, "{\"id\":%lld,\"created\":true,\"dry_run\":false,\"preview\":", (long long)id);
		char who[96];
		snprintf(who, sizeof who, "API client %s", client);
		log_created(app->st, id, who, &plan, rq->addr);
	}
	preview_json(b, &plan, cfg);
	sbuf_add(b, ",\"preview_text\":");
	preview_text(b, &plan, cfg);
	sbuf_add(b, "}\n");
	hub_notice_plan_free(&plan);
}

struct api_report {
	struct sbuf *b;
	int n;
	int gateways, taken, refused, waiting;
	int households, reached, pending, unreached;
};

static int api_head(const struct hub_notice_sum *s, void *arg)
{
	struct api_report *a = arg;
	web_json_out(a->b,
		     "{\"id\":%lld,\"hub\":true,\"state\":%s,\"urgent\":%b,\"to\":%s,\"source\":%s,\"created_at\":%lld,"
		     "\"text\":%s,\"gateways\":[",
		     (long long)s->id, s->state, s->urgent, s->to ? s->to : "", s->source, (long long)s->created_at,
		     s->text);
	return 0;
}

static int api_reach(const struct hub_reach *r, void *arg)
{
	struct api_report *a = arg;
	if (a->n++)
		sbuf_addc(a->b, ',');
	a->gateways++;
	const char *state = r->taken && r->local_notice_id ? "taken" : r->taken ? "refused" : "waiting";
	web_json_out(a->b, "{\"gateway\":%s,\"name\":%s,\"state\":%s,", r->gateway_id, r->gateway_name, state);
	if (r->taken && r->local_notice_id) {
		a->taken++;
		a->households += r->households;
		a->reached += r->reached;
		a->pending += r->pending;
		a->unreached += r->unreached;
		web_json_out(a->b,
			     "\"local_notice_id\":%lld,\"households\":%d,\"reached\":%d,\"not_reached\":%d,\"in_progress\":%d,",
			     (long long)r->local_notice_id, r->households, r->reached, r->unreached, r->pending);
	} else if (r->taken) {
		a->refused++;
		web_json_out(a->b, "\"note\":%s,", r->note);
	} else {
		a->waiting++;
	}
	if (r->synced_at)
		web_json_out(a->b, "\"last_sync\":%lld}", (long long)r->synced_at);
	else
		sbuf_add(a->b, "\"last_sync\":null}");
	return 0;
}

struct visits {
	struct sbuf out;           /* "gateway": [rows], ... (the members of a JSON object) */
	char gateway[40];
	int n;
};

static int api_visit(const struct hub_unreached *u, void *arg)
{
	struct visits *v = arg;
	if (strcmp(v->gateway, u->gateway_id) != 0) {
		if (v->gateway[0])
			sbuf_add(&v->out, "],");
		snprintf(v->gateway, sizeof v->gateway, "%s", u->gateway_id);
		web_json_str(&v->out, u->gateway_id);
		sbuf_add(&v->out, ":[");
		v->n = 0;
	}
	if (v->n++)
		sbuf_addc(&v->out, ',');
	char nat[24];
	phone_national(u->phone, nat, sizeof nat);
	web_json_out(&v->out, "{\"household\":%lld,\"listed\":%b,\"name\":%s,\"phone\":%s,\"address\":%s,\"groups\":%s,"
			      "\"states\":%s}",
		     (long long)u->household_id, u->listed, u->listed ? u->name : NULL, u->listed ? nat : NULL,
		     u->listed ? u->address : NULL, u->listed ? u->groups : NULL, u->states);
	return 0;
}

void web_hub_api_report(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			int64_t id)
{
	rep->type = TYPE_JSON;
	struct hub *h = api_hub(app, rq, rep, client);
	if (!h)
		return;
	int64_t sent_after = clock_wall_s() - app->cfg.report_wait_s;
	struct api_report a;
	memset(&a, 0, sizeof a);
	a.b = &rep->body;
	int rc = hub_notice_sums(h, id, 1, 0, sent_after, api_head, &a);
	if (rc == HUB_NOTFOUND) {
		char msg[64];
		snprintf(msg, sizeof msg, "no hub notice %lld", (long long)id);
		web_api_error(rep, rq, client, 404, "not_found", msg, "Không có thông báo chung này.");
		return;
	}
	if (rc == HUB_OK)
		rc = hub_report_each(h, id, sent_after, api_reach, &a);
	struct visits v;
	memset(&v, 0, sizeof v);
	sbuf_init(&v.out);
	if (rc == HUB_OK)
		rc = hub_unreached_each(h, id, sent_after, api_visit, &v);
	if (rc != HUB_OK) {
		sbuf_free(&v.out);
		sbuf_reset(&rep->body);
		api_hub_down(app, rq, rep, client, rc);
		return;
	}
	if (v.gateway[0])
		sbuf_add(&v.out, "]");
	web_json_out(a.b,
		     "],\"totals\":{\"gateways\":%d,\"taken\":%d,\"refused\":%d,\"waiting\":%d,\"households\":%d,"
		     "\"reached\":%d,\"not_reached\":%d,\"in_progress\":%d},\"not_reached\":{",
		     a.gateways, a.taken, a.refused, a.waiting, a.households, a.reached, a.unreached, a.pending);
	sbuf_addn(a.b, v.out.s ? v.out.s : "", v.out.len);
	sbuf_add(a.b, "}}\n");
	sbuf_free(&v.out);
}

/* POST /api/notices/ID/cancel on the hub: `loa hub notice cancel ID`. */
void web_hub_api_cancel(struct web_app *app, const struct web_request *rq, struct web_reply *rep, const char *client,
			int64_t id)
{
	rep->type = TYPE_JSON;
	struct hub *h = api_hub(app, rq, rep, client);
	if (!h)
		return;
	int rc = hub_notice_cancel(h, id);
	if (rc == HUB_NOTFOUND) {
		web_api_error(rep, rq, client, 404, "not_found", "no such hub notice", "Không có thông báo chung này.");
		return;
	}
	if (rc == HUB_CONFLICT) {
		web_api_error(rep, rq, client, 409, "already_cancelled", "the hub notice is already cancelled",
			      "Thông báo chung này đã bị hủy.");
		return;
	}
	if (rc != HUB_OK) {
		api_hub_down(app, rq, rep, client, rc);
		return;
	}
	char detail[160];
	snprintf(detail, sizeof detail, "hub notice %lld cancelled by API client %s", (long long)id, client);
	if (store_event(app->st, "hub_notice_cancelled", 0, 0, 0, NULL, detail, clock_wall_s()) != STORE_OK)
		LOG_E("web", "event: %s", store_errmsg(app->st));
	LOG_I("web", "%s from %s", detail, rq->addr ? rq->addr : "?");
	web_json_out(&rep->body, "{\"id\":%lld,\"state\":\"cancelled\"}\n", (long long)id);
}
